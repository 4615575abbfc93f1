//! "What broke" for a run, in one line: failed models with the first line of
//! their error, how many were skipped because of them, failed audits.

use super::model::{Run, Status};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RunHealth {
    /// (model, first line of its error) for every failed execution, in run order.
    pub failed: Vec<(String, String)>,
    pub skipped: usize,
    pub failed_audits: usize,
    pub failed_blocking_audits: usize,
}

impl RunHealth {
    pub fn is_clean(&self) -> bool {
        self.failed.is_empty() && self.failed_audits == 0
    }
}

/// The line of an error message that says what went wrong: the first
/// non-empty line, skipping wrappers such as dbt's "Runtime Error in model
/// x (models/x.sql)" that only name the node.
pub fn headline(error: &str) -> &str {
    let lines: Vec<&str> = error
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let wrapper = |l: &str| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words.len() >= 4 && words[1] == "Error" && words[2] == "in" && l.ends_with(')')
    };
    lines
        .iter()
        .find(|l| !wrapper(l))
        .or(lines.first())
        .copied()
        .unwrap_or("")
}

pub fn health(run: &Run) -> RunHealth {
    let failed = run
        .executions
        .iter()
        .filter(|e| e.status == Status::Failed)
        .map(|e| {
            let first = e.error.as_deref().map(headline).filter(|h| !h.is_empty());
            (
                e.model.clone(),
                first.unwrap_or("no error message").to_string(),
            )
        })
        .collect();
    let failed_audits: Vec<_> = run
        .audits
        .iter()
        .filter(|a| a.status == Status::Failed)
        .collect();
    RunHealth {
        failed,
        skipped: run
            .executions
            .iter()
            .filter(|e| e.status == Status::Skipped)
            .count(),
        failed_audits: failed_audits.len(),
        failed_blocking_audits: failed_audits.iter().filter(|a| a.blocking).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode_run;

    #[test]
    fn headlines_skip_node_wrappers() {
        let dbt = "Runtime Error in model int_payment_fx (models/intermediate/int_payment_fx.sql)\n  Binder Error: Table \"fx\" does not have a column named \"rate\"\n\n  LINE 12: ...";
        assert_eq!(
            headline(dbt),
            "Binder Error: Table \"fx\" does not have a column named \"rate\""
        );
        assert_eq!(
            headline("\n  Out of Memory Error: x\nmore"),
            "Out of Memory Error: x"
        );
        assert_eq!(
            headline("Runtime Error in model a (a.sql)"),
            "Runtime Error in model a (a.sql)"
        );
        assert_eq!(headline(""), "");
    }

    #[test]
    fn summarises_failures_skips_and_audits() {
        let run = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "executions":[
              {"model":"a","status":"complete"},
              {"model":"b","status":"failed","error":"\n  Binder Error: x not found\nLINE 3: ..."},
              {"model":"c","status":"skipped"},{"model":"d","status":"skipped"},
              {"model":"e","status":"failed"}],
            "audits":[
              {"name":"n1","model":"a","status":"failed","blocking":true,"failing_rows":3},
              {"name":"n2","model":"a","status":"failed","blocking":false,"failing_rows":1},
              {"name":"n3","model":"a","status":"complete","blocking":true}]}"#,
        )
        .unwrap();
        let h = health(&run);
        assert_eq!(
            h.failed,
            vec![
                ("b".to_string(), "Binder Error: x not found".to_string()),
                ("e".to_string(), "no error message".to_string())
            ]
        );
        assert_eq!(
            (h.skipped, h.failed_audits, h.failed_blocking_audits),
            (2, 2, 1)
        );
        assert!(!h.is_clean());
    }
}
