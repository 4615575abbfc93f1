//! "Changes since previous run": the net effect of the plans applied between
//! the previous run and this one.
//!
//! Plans are folded in the order they were applied (by `applied_at`, plans
//! without a time keep their API order, after the timed ones). Per model:
//! - added then removed cancels out (the model never reached a run);
//! - removed then added again counts as directly modified;
//! - added then modified stays added;
//! - direct modification wins over indirect.

use super::model::PlanChange;
use super::sorting;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Net {
    Added,
    Removed,
    Direct,
    Indirect,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    pub plans: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub directly_modified: Vec<String>,
    pub indirectly_modified: Vec<String>,
}

impl ChangeSummary {
    pub fn models_changed(&self) -> usize {
        self.added.len()
            + self.removed.len()
            + self.directly_modified.len()
            + self.indirectly_modified.len()
    }
    pub fn is_empty(&self) -> bool {
        self.plans == 0
    }
}

pub fn summarize(plans: &[PlanChange]) -> ChangeSummary {
    let mut order: Vec<&PlanChange> = plans.iter().collect();
    // Stable: equal keys (and untimed plans) keep API order; untimed go last.
    sorting::sort_by_key(&mut order, |p| (p.applied_at.is_none(), p.applied_at));
    let mut net: BTreeMap<&str, Net> = BTreeMap::new();
    for p in order {
        for m in &p.added {
            let next = match net.get(m.as_str()) {
                Some(Net::Removed) => Net::Direct,
                _ => Net::Added,
            };
            net.insert(m, next);
        }
        for m in &p.removed {
            if net.get(m.as_str()) == Some(&Net::Added) {
                net.remove(m.as_str());
            } else {
                net.insert(m, Net::Removed);
            }
        }
        for m in &p.directly_modified {
            if net.get(m.as_str()) != Some(&Net::Added) {
                net.insert(m, Net::Direct);
            }
        }
        for m in &p.indirectly_modified {
            net.entry(m).or_insert(Net::Indirect);
        }
    }
    let pick = |k: Net| {
        net.iter()
            .filter(|(_, v)| **v == k)
            .map(|(m, _)| m.to_string())
            .collect()
    };
    ChangeSummary {
        plans: plans.len(),
        added: pick(Net::Added),
        removed: pick(Net::Removed),
        directly_modified: pick(Net::Direct),
        indirectly_modified: pick(Net::Indirect),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::parse_time;

    fn plan(
        at: Option<&str>,
        added: &[&str],
        removed: &[&str],
        direct: &[&str],
        indirect: &[&str],
    ) -> PlanChange {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        PlanChange {
            plan_id: None,
            applied_at: at.map(|s| parse_time("t", s).unwrap()),
            added: v(added),
            removed: v(removed),
            directly_modified: v(direct),
            indirectly_modified: v(indirect),
        }
    }

    #[test]
    fn no_plans_is_empty() {
        let s = summarize(&[]);
        assert!(s.is_empty());
        assert_eq!(s.models_changed(), 0);
    }

    #[test]
    fn single_plan_is_sorted_by_name() {
        let s = summarize(&[plan(
            None,
            &["m.z", "m.a"],
            &["m.old"],
            &["m.d"],
            &["m.i2", "m.i1"],
        )]);
        assert_eq!(s.plans, 1);
        assert_eq!(s.added, vec!["m.a", "m.z"]);
        assert_eq!(s.removed, vec!["m.old"]);
        assert_eq!(s.directly_modified, vec!["m.d"]);
        assert_eq!(s.indirectly_modified, vec!["m.i1", "m.i2"]);
        assert_eq!(s.models_changed(), 6);
    }

    #[test]
    fn plans_fold_in_applied_order() {
        // Given out of order on purpose: the 10:00 plan applies before the 12:00 one.
        let later = plan(
            Some("2026-11-20T12:00:00Z"),
            &["m.back"],
            &["m.new"],
            &["m.x"],
            &["m.y", "m.new2"],
        );
        let earlier = plan(
            Some("2026-11-20T10:00:00Z"),
            &["m.new", "m.new2"],
            &["m.back"],
            &[],
            &["m.x"],
        );
        let s = summarize(&[later, earlier]);
        assert_eq!(s.plans, 2);
        assert_eq!(s.added, vec!["m.new2"]); // added, later touched indirectly: still added
        assert_eq!(s.removed, Vec::<String>::new()); // m.new added then removed: cancels
        assert_eq!(s.directly_modified, vec!["m.back", "m.x"]); // removed+re-added; indirect then direct
        assert_eq!(s.indirectly_modified, vec!["m.y"]);
    }
}
