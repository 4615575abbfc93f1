//! The lineage graph of a run: models and their upstream edges, with
//! traversal (ancestors, descendants) and box sizes for the layout.

use super::graph::{self, Layout, Options, Size};
use super::model::{Execution, Run, Status};
use super::sorting;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Node box height in graph units (the SVG draws 1 unit = 1 px at zoom 1).
pub const NODE_HEIGHT: f64 = 46.0;

/// Box size from the label: monospace text at ~7.4 px per character plus
/// room for the status badge; bounded so one long name cannot dominate.
pub fn node_size(label: &str) -> Size {
    let chars = label.chars().count().clamp(8, 48) as f64;
    Size {
        width: (chars * 7.4 + 34.0).max(150.0),
        height: NODE_HEIGHT,
    }
}

/// Short form of a model kind for the graph's nodes.
pub fn kind_short(kind: &str) -> String {
    match kind {
        "INCREMENTAL_BY_TIME_RANGE" => "incremental".into(),
        "INCREMENTAL_BY_UNIQUE_KEY" => "incremental by key".into(),
        "SCD_TYPE_2" => "scd type 2".into(),
        "EXTERNAL" => "source".into(),
        other => other.to_lowercase().replace('_', " "),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lineage {
    pub names: Vec<String>,
    /// Whether the name is only referenced as an upstream (not in `models`).
    pub external: Vec<bool>,
    pub upstream: Vec<Vec<usize>>,
    pub downstream: Vec<Vec<usize>>,
    /// (upstream, downstream) pairs.
    pub edges: Vec<(usize, usize)>,
    index: HashMap<String, usize>,
}

impl Lineage {
    /// Nodes are the run's models in API order, then names that only appear
    /// as upstream references, in order of first mention.
    pub fn from_run(run: &Run) -> Lineage {
        let mut b = LineageBuilder::new(run);
        while !b.step(run, usize::MAX) {}
        b.finish()
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn walk(&self, start: usize, next: &[Vec<usize>], max_depth: usize) -> Vec<usize> {
        let mut seen = vec![false; self.len()];
        seen[start] = true;
        let mut out = Vec::new();
        let mut queue = VecDeque::from([(start, 0usize)]);
        while let Some((v, d)) = queue.pop_front() {
            if d == max_depth {
                continue;
            }
            for &w in &next[v] {
                if !seen[w] {
                    seen[w] = true;
                    out.push(w);
                    queue.push_back((w, d + 1));
                }
            }
        }
        sorting::sort(&mut out);
        out
    }

    /// Every model upstream of `i` (transitively), sorted by index.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        self.walk(i, &self.upstream, usize::MAX)
    }

    /// Every model downstream of `i` (transitively), sorted by index.
    pub fn descendants(&self, i: usize) -> Vec<usize> {
        self.walk(i, &self.downstream, usize::MAX)
    }

    /// `i` with its direct neighbours (`all = false`) or with all its
    /// ancestors and descendants (`all = true`), as a membership mask.
    pub fn neighbourhood(&self, i: usize, all: bool) -> Vec<bool> {
        let depth = if all { usize::MAX } else { 1 };
        let mut mask = vec![false; self.len()];
        mask[i] = true;
        for v in self
            .walk(i, &self.upstream, depth)
            .into_iter()
            .chain(self.walk(i, &self.downstream, depth))
        {
            mask[v] = true;
        }
        mask
    }

    pub fn layout(&self, opts: &Options) -> Layout {
        let sizes: Vec<Size> = self.names.iter().map(|n| node_size(n)).collect();
        graph::layout(&sizes, &self.edges, opts)
    }
}

/// [`Lineage::from_run`] a slice of work at a time, so a big run's lineage
/// is built between the browser's tasks: `step` does at most `work` units
/// (a model, an execution, an upstream reference, or a node's edges) and
/// says whether all is done; `finish` gives the lineage. Each `step` is
/// handed the same run as `new`.
pub struct LineageBuilder {
    phase: Phase,
    /// The next item of the phase (a model, an execution, an edge).
    at: usize,
    names: Vec<String>,
    external: Vec<bool>,
    index: HashMap<String, usize>,
    edges: Vec<(usize, usize)>,
    upstream: Vec<Vec<usize>>,
    downstream: Vec<Vec<usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Models,
    Executions,
    Edges,
    Sort,
    Adjacency,
    Done,
}

impl LineageBuilder {
    pub fn new(run: &Run) -> LineageBuilder {
        LineageBuilder {
            phase: Phase::Models,
            at: 0,
            names: Vec::with_capacity(run.models.len()),
            external: Vec::with_capacity(run.models.len()),
            index: HashMap::with_capacity(run.models.len()),
            edges: Vec::new(),
            upstream: Vec::new(),
            downstream: Vec::new(),
        }
    }

    fn add(&mut self, name: &str, external: bool) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.index.insert(name.to_string(), self.names.len());
        self.names.push(name.to_string());
        self.external.push(external);
        self.names.len() - 1
    }

    /// Does at most `work` units (at least one); true once the lineage is built.
    pub fn step(&mut self, run: &Run, work: usize) -> bool {
        let mut left = work.max(1);
        while left > 0 {
            match self.phase {
                Phase::Models => match run.models.get(self.at) {
                    Some(m) => {
                        self.add(&m.name, false);
                        self.at += 1;
                        left -= 1;
                    }
                    None => (self.phase, self.at) = (Phase::Executions, 0),
                },
                // Executed models missing from `models` still belong in the graph.
                Phase::Executions => match run.executions.get(self.at) {
                    Some(e) => {
                        self.add(&e.model, false);
                        self.at += 1;
                        left -= 1;
                    }
                    None => (self.phase, self.at) = (Phase::Edges, 0),
                },
                Phase::Edges => match run.models.get(self.at) {
                    Some(m) => {
                        let to = self.add(&m.name, false);
                        // An empty upstream name names nothing: no unnamed node.
                        for u in m.upstream.iter().filter(|u| !u.trim().is_empty()) {
                            let from = self.add(u, true);
                            self.edges.push((from, to));
                        }
                        self.at += 1;
                        left = left.saturating_sub(1 + m.upstream.len());
                    }
                    None => self.phase = Phase::Sort,
                },
                Phase::Sort => {
                    sorting::sort(&mut self.edges);
                    self.edges.dedup();
                    self.upstream = vec![Vec::new(); self.names.len()];
                    self.downstream = vec![Vec::new(); self.names.len()];
                    (self.phase, self.at) = (Phase::Adjacency, 0);
                    left = left.saturating_sub(self.edges.len());
                }
                Phase::Adjacency => match self.edges.get(self.at) {
                    Some(&(a, b)) => {
                        if a != b {
                            self.upstream[b].push(a);
                            self.downstream[a].push(b);
                        }
                        self.at += 1;
                        left -= 1;
                    }
                    None => self.phase = Phase::Done,
                },
                Phase::Done => return true,
            }
        }
        self.phase == Phase::Done
    }

    /// The lineage, as built so far (all of it once `step` said so).
    pub fn finish(self) -> Lineage {
        let n = self.names.len();
        let (mut upstream, mut downstream) = (self.upstream, self.downstream);
        upstream.resize(n, Vec::new());
        downstream.resize(n, Vec::new());
        Lineage {
            names: self.names,
            external: self.external,
            upstream,
            downstream,
            edges: self.edges,
            index: self.index,
        }
    }
}

/// The status of each lineage node in this run: its execution's status, or
/// `None` for models the run did not execute (sources, external tables).
/// With several executions of one model (several intervals), the most
/// severe status wins (failed before in progress before complete ...).
pub fn node_status(lineage: &Lineage, executions: &[Execution]) -> Vec<Option<Status>> {
    let mut out: Vec<Option<Status>> = vec![None; lineage.len()];
    for e in executions {
        if let Some(i) = lineage.index_of(&e.model) {
            out[i] = Some(match out[i].take() {
                Some(s) if s <= e.status => s,
                _ => e.status.clone(),
            });
        }
    }
    out
}

/// Downstream or upstream models grouped by status (for the Impact tab):
/// (status or None for not executed, models sorted by name).
pub fn group_by_status(
    nodes: &[usize],
    lineage: &Lineage,
    status: &[Option<Status>],
) -> Vec<(Option<Status>, Vec<usize>)> {
    let mut groups: BTreeMap<Option<Status>, Vec<usize>> = BTreeMap::new();
    for &v in nodes {
        groups.entry(status[v].clone()).or_default().push(v);
    }
    let mut out: Vec<(Option<Status>, Vec<usize>)> = groups.into_iter().collect();
    for (_, vs) in &mut out {
        sorting::sort_by(vs, |a, b| lineage.names[*a].cmp(&lineage.names[*b]));
    }
    // Executed statuses in severity order first, "not executed" last.
    sorting::sort_by(&mut out, |a, b| match (&a.0, &b.0) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
        (x, y) => x.cmp(y),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode_run;

    fn run() -> Run {
        decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "models":[
              {"name":"stg.a","upstream":["raw.a"]},
              {"name":"stg.b","upstream":["raw.b"]},
              {"name":"int.ab","upstream":["stg.a","stg.b"]},
              {"name":"mart.x","upstream":["int.ab"]},
              {"name":"mart.y","upstream":["int.ab","stg.b"]},
              {"name":"rpt.z","upstream":["mart.x"]}],
            "executions":[
              {"model":"stg.a","status":"complete"},{"model":"stg.b","status":"complete"},
              {"model":"int.ab","status":"failed"},{"model":"int.ab","status":"complete"},
              {"model":"mart.x","status":"skipped"},{"model":"mart.y","status":"skipped"},
              {"model":"rpt.z","status":"skipped"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_lineage_built_a_few_steps_at_a_time_is_the_one_built_at_once() {
        // Duplicate models, an executed model missing from `models`, a
        // self-reference, an empty upstream name and a repeated edge.
        let r = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "models":[
              {"name":"stg.a","upstream":["raw.a"," "]},
              {"name":"stg.b","upstream":["raw.b","stg.b"]},
              {"name":"stg.a","upstream":["raw.c"]},
              {"name":"int.ab","upstream":["stg.a","stg.b","stg.a"]}],
            "executions":[{"model":"stg.a","status":"complete"},{"model":"adhoc","status":"failed"}]}"#,
        )
        .unwrap();
        let whole = Lineage::from_run(&r);
        assert_eq!(
            whole.names,
            ["stg.a", "stg.b", "int.ab", "adhoc", "raw.a", "raw.b", "raw.c"]
        );
        assert_eq!(
            whole.external,
            [false, false, false, false, true, true, true]
        );
        assert_eq!(
            whole.edges,
            [(0, 2), (1, 1), (1, 2), (4, 0), (5, 1), (6, 0)]
        );
        assert_eq!(whole.upstream[1], [5]);
        for work in [1, 2, 3, 5, 8, 100] {
            let mut b = LineageBuilder::new(&r);
            let mut steps = 1;
            while !b.step(&r, work) {
                steps += 1;
                assert!(steps < 100, "{work}: no end");
            }
            // One unit per step: every model, execution, reference and edge
            // is a step of its own.
            if work == 1 {
                assert!(steps > 15, "{steps}");
            }
            assert_eq!(b.finish(), whole, "{work} at a time");
        }
        // A run without models or executions is done at the first step.
        let empty = decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","start":"2026-11-20T00:00:00Z"}"#,
        )
        .unwrap();
        let mut b = LineageBuilder::new(&empty);
        assert!(b.step(&empty, 1));
        assert!(b.finish().is_empty());
    }

    #[test]
    fn builds_nodes_edges_and_external_sources() {
        let l = Lineage::from_run(&run());
        assert_eq!(
            l.names,
            ["stg.a", "stg.b", "int.ab", "mart.x", "mart.y", "rpt.z", "raw.a", "raw.b"]
        );
        assert_eq!(
            l.external,
            [false, false, false, false, false, false, true, true]
        );
        assert_eq!(l.edges.len(), 8);
        assert_eq!(l.upstream[4], vec![1, 2]);
        assert_eq!(l.index_of("mart.y"), Some(4));
    }

    #[test]
    fn an_empty_upstream_name_is_not_a_node() {
        let mut r = run();
        r.models[0].upstream.push(String::new());
        r.models[1].upstream.push("  ".into());
        let l = Lineage::from_run(&r);
        assert_eq!(l.len(), 8);
        assert!(
            l.names.iter().all(|n| !n.trim().is_empty()),
            "{:?}",
            l.names
        );
        assert_eq!(l.edges.len(), 8);
    }

    #[test]
    fn traversals() {
        let l = Lineage::from_run(&run());
        let int = l.index_of("int.ab").unwrap();
        assert_eq!(l.ancestors(int), vec![0, 1, 6, 7]);
        assert_eq!(l.descendants(int), vec![3, 4, 5]);
        let one_hop: Vec<usize> = (0..l.len())
            .filter(|&i| l.neighbourhood(int, false)[i])
            .collect();
        assert_eq!(one_hop, vec![0, 1, 2, 3, 4]);
        let all: Vec<usize> = (0..l.len())
            .filter(|&i| l.neighbourhood(int, true)[i])
            .collect();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn statuses_and_impact_groups() {
        let r = run();
        let l = Lineage::from_run(&r);
        let st = node_status(&l, &r.executions);
        assert_eq!(st[2], Some(Status::Failed)); // failed wins over complete
        assert_eq!(st[6], None);
        let int = l.index_of("int.ab").unwrap();
        let groups = group_by_status(&l.descendants(int), &l, &st);
        assert_eq!(groups, vec![(Some(Status::Skipped), vec![3, 4, 5])]);
        let groups = group_by_status(&l.ancestors(int), &l, &st);
        assert_eq!(
            groups,
            vec![(Some(Status::Complete), vec![0, 1]), (None, vec![6, 7])]
        );
    }

    #[test]
    fn short_kinds() {
        assert_eq!(kind_short("INCREMENTAL_BY_TIME_RANGE"), "incremental");
        assert_eq!(kind_short("SCD_TYPE_2"), "scd type 2");
        assert_eq!(kind_short("VIEW"), "view");
        assert_eq!(kind_short("SEED_MODEL"), "seed model");
    }

    #[test]
    fn node_sizes_follow_label_length_within_bounds() {
        assert_eq!(node_size("a").width, 150.0);
        assert!(
            node_size("intermediate.int_marketing_attribution").width
                > node_size("marts.fct_orders").width
        );
        assert_eq!(
            node_size(&"x".repeat(200)).width,
            node_size(&"x".repeat(48)).width
        );
    }
}
