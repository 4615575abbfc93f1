//! Every table's columns as data: one typed definition per table (sort key,
//! header, width class, zone tag, numeric) and how rows compare on each
//! sortable column. A column that sorts names an enum variant, so a typo is
//! a compile error, and every comparison is an exhaustive `match`.

use super::model::{Activity, ActivityKind, Audit, Execution, Status, Time};
use super::table::{SortKey, TableRow};
use std::cmp::Ordering;

/// One column of a table as the shell draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column<C> {
    /// The sort this column's header toggles; `None` for a column that does not sort.
    pub sort: Option<C>,
    pub label: &'static str,
    /// CSS class of the `<col>` (its width).
    pub width: &'static str,
    /// Shows the time-zone tag in the header (time columns).
    pub zone: bool,
    /// Right-aligned numbers.
    pub numeric: bool,
}

impl<C: SortKey> Column<C> {
    /// The URL key of this column's sort (`sort=-duration`), if it sorts.
    pub fn sort_key(&self) -> Option<&'static str> {
        self.sort.map(SortKey::key)
    }
}

const fn text<C>(sort: Option<C>, label: &'static str, width: &'static str) -> Column<C> {
    Column {
        sort,
        label,
        width,
        zone: false,
        numeric: false,
    }
}
const fn time<C>(sort: C, label: &'static str) -> Column<C> {
    Column {
        sort: Some(sort),
        label,
        width: "w-ts",
        zone: true,
        numeric: false,
    }
}
const fn number<C>(sort: C, label: &'static str, width: &'static str) -> Column<C> {
    Column {
        sort: Some(sort),
        label,
        width,
        zone: false,
        numeric: true,
    }
}

/// Implements [`SortKey`] for a column enum from its `(variant, URL key)` pairs.
macro_rules! sort_keys {
    ($ty:ident { $($variant:ident => $key:literal),+ $(,)? }) => {
        impl SortKey for $ty {
            const ALL: &'static [$ty] = &[$($ty::$variant),+];
            fn key(self) -> &'static str {
                match self {
                    $($ty::$variant => $key),+
                }
            }
        }
    };
}

// ---- Model Executions ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecColumn {
    Model,
    Status,
    Duration,
    Start,
    End,
    IntervalStart,
    IntervalEnd,
    Error,
    /// This run's duration against the model's usual one
    /// (`core::history`): sorted by the page, which has the history.
    VsUsual,
}

sort_keys!(ExecColumn {
    Model => "model",
    Status => "status",
    Duration => "duration",
    Start => "start",
    End => "end",
    IntervalStart => "interval_start",
    IntervalEnd => "interval_end",
    Error => "error",
    VsUsual => "usual",
});

pub const EXECUTION_COLUMNS: &[Column<ExecColumn>] = &[
    text(Some(ExecColumn::Model), "Model", "w-model"),
    text(Some(ExecColumn::Status), "Status", "w-status"),
    number(ExecColumn::Duration, "Duration", "w-dur"),
    number(ExecColumn::VsUsual, "vs usual", "w-usual"),
    time(ExecColumn::Start, "Start"),
    time(ExecColumn::End, "End"),
    time(ExecColumn::IntervalStart, "Interval start"),
    time(ExecColumn::IntervalEnd, "Interval end"),
    text(Some(ExecColumn::Error), "Error message", "w-err"),
    text(None, "Log", "w-log"),
];

impl TableRow for Execution {
    type Column = ExecColumn;
    fn status(&self) -> &Status {
        &self.status
    }
    fn search_text(&self) -> String {
        match &self.error {
            Some(e) => format!("{}\n{}", self.model, e),
            None => self.model.clone(),
        }
    }
    fn compare(&self, o: &Self, column: ExecColumn) -> Ordering {
        match column {
            ExecColumn::Model => self.model.cmp(&o.model),
            ExecColumn::Status => self.status.cmp(&o.status),
            ExecColumn::Duration => cmp_opt(&self.duration, &o.duration),
            ExecColumn::Start => cmp_time(self.start, o.start),
            ExecColumn::End => cmp_time(self.end, o.end),
            ExecColumn::IntervalStart => cmp_time(self.interval_start, o.interval_start),
            ExecColumn::IntervalEnd => cmp_time(self.interval_end, o.interval_end),
            ExecColumn::Error => cmp_opt(&self.error, &o.error),
            ExecColumn::VsUsual => Ordering::Equal,
        }
    }
    fn missing(&self, column: ExecColumn) -> bool {
        match column {
            ExecColumn::Model | ExecColumn::Status => false,
            ExecColumn::Duration => self.duration.is_none(),
            ExecColumn::Start => self.start.is_none(),
            ExecColumn::End => self.end.is_none(),
            ExecColumn::IntervalStart => self.interval_start.is_none(),
            ExecColumn::IntervalEnd => self.interval_end.is_none(),
            ExecColumn::Error => self.error.is_none(),
            ExecColumn::VsUsual => true,
        }
    }
    fn name(&self) -> &str {
        &self.model
    }
}

// ---- Audits ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditColumn {
    Name,
    Model,
    Status,
    Blocking,
    FailingRows,
    Start,
    End,
    IntervalStart,
    IntervalEnd,
}

sort_keys!(AuditColumn {
    Name => "name",
    Model => "model",
    Status => "status",
    Blocking => "blocking",
    FailingRows => "failing_rows",
    Start => "start",
    End => "end",
    IntervalStart => "interval_start",
    IntervalEnd => "interval_end",
});

pub const AUDIT_COLUMNS: &[Column<AuditColumn>] = &[
    text(Some(AuditColumn::Name), "Audit", "w-audit"),
    text(Some(AuditColumn::Model), "Model", "w-model"),
    text(Some(AuditColumn::Status), "Status", "w-status"),
    text(Some(AuditColumn::Blocking), "Blocking", "w-block"),
    number(AuditColumn::FailingRows, "Failing rows", "w-rows"),
    time(AuditColumn::Start, "Start"),
    time(AuditColumn::End, "End"),
    time(AuditColumn::IntervalStart, "Interval start"),
    time(AuditColumn::IntervalEnd, "Interval end"),
    text(None, "Log", "w-log"),
];

impl TableRow for Audit {
    type Column = AuditColumn;
    fn status(&self) -> &Status {
        &self.status
    }
    fn search_text(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.name,
            self.model,
            self.error.as_deref().unwrap_or("")
        )
    }
    fn compare(&self, o: &Self, column: AuditColumn) -> Ordering {
        match column {
            AuditColumn::Name => self.name.cmp(&o.name),
            AuditColumn::Model => self.model.cmp(&o.model),
            AuditColumn::Status => self.status.cmp(&o.status),
            // Blocking audits first when ascending.
            AuditColumn::Blocking => o.blocking.cmp(&self.blocking),
            AuditColumn::FailingRows => cmp_opt(&self.failing_rows, &o.failing_rows),
            AuditColumn::Start => cmp_time(self.start, o.start),
            AuditColumn::End => cmp_time(self.end, o.end),
            AuditColumn::IntervalStart => cmp_time(self.interval_start, o.interval_start),
            AuditColumn::IntervalEnd => cmp_time(self.interval_end, o.interval_end),
        }
    }
    fn missing(&self, column: AuditColumn) -> bool {
        match column {
            AuditColumn::Name | AuditColumn::Model | AuditColumn::Status => false,
            AuditColumn::Blocking => false,
            AuditColumn::FailingRows => self.failing_rows.is_none(),
            AuditColumn::Start => self.start.is_none(),
            AuditColumn::End => self.end.is_none(),
            AuditColumn::IntervalStart => self.interval_start.is_none(),
            AuditColumn::IntervalEnd => self.interval_end.is_none(),
        }
    }
    fn name(&self) -> &str {
        &self.name
    }
}

// ---- Recent Activity ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityColumn {
    Kind,
    Status,
    Cost,
    Duration,
    Start,
    End,
    Id,
}

sort_keys!(ActivityColumn {
    Kind => "kind",
    Status => "status",
    Cost => "cost",
    Duration => "duration",
    Start => "start",
    End => "end",
    Id => "id",
});

pub const ACTIVITY_COLUMNS: &[Column<ActivityColumn>] = &[
    text(Some(ActivityColumn::Kind), "Activity", "w-kind"),
    text(Some(ActivityColumn::Status), "Status", "w-status"),
    number(ActivityColumn::Cost, "Cost", "w-cost"),
    number(ActivityColumn::Duration, "Duration", "w-dur2"),
    time(ActivityColumn::Start, "Start"),
    time(ActivityColumn::End, "End"),
    text(Some(ActivityColumn::Id), "ID", "w-id"),
];

impl TableRow for Activity {
    type Column = ActivityColumn;
    fn status(&self) -> &Status {
        &self.status
    }
    fn search_text(&self) -> String {
        format!("{} {} {}", self.id, self.kind.label(), self.status.label())
    }
    fn compare(&self, o: &Self, column: ActivityColumn) -> Ordering {
        match column {
            ActivityColumn::Kind => self.kind.label().cmp(o.kind.label()),
            ActivityColumn::Status => self.status.cmp(&o.status),
            ActivityColumn::Cost => self.cost.unwrap_or(0.0).total_cmp(&o.cost.unwrap_or(0.0)),
            ActivityColumn::Duration => cmp_opt(&self.duration, &o.duration),
            ActivityColumn::Start => self.start.cmp(&o.start),
            ActivityColumn::End => cmp_time(self.end, o.end),
            ActivityColumn::Id => self.id.cmp(&o.id),
        }
    }
    fn missing(&self, column: ActivityColumn) -> bool {
        match column {
            ActivityColumn::Cost => self.cost.is_none(),
            ActivityColumn::Duration => self.duration.is_none(),
            ActivityColumn::End => self.end.is_none(),
            ActivityColumn::Kind
            | ActivityColumn::Status
            | ActivityColumn::Start
            | ActivityColumn::Id => false,
        }
    }
    fn name(&self) -> &str {
        self.id.as_str()
    }
}

/// Which activities Recent Activity lists (`kind=` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ActivityFilter {
    #[default]
    All,
    Runs,
    Plans,
}

impl ActivityFilter {
    pub const ALL: [ActivityFilter; 3] = [
        ActivityFilter::All,
        ActivityFilter::Runs,
        ActivityFilter::Plans,
    ];
    /// URL value; "" for the default.
    pub fn key(self) -> &'static str {
        match self {
            ActivityFilter::All => "",
            ActivityFilter::Runs => "run",
            ActivityFilter::Plans => "plan",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ActivityFilter::All => "Runs and plans",
            ActivityFilter::Runs => "Runs",
            ActivityFilter::Plans => "Plans",
        }
    }
    /// Unknown values show everything.
    pub fn parse(s: &str) -> ActivityFilter {
        match s {
            "run" => ActivityFilter::Runs,
            "plan" => ActivityFilter::Plans,
            _ => ActivityFilter::All,
        }
    }
    pub fn keeps(self, a: &Activity) -> bool {
        match self {
            ActivityFilter::All => true,
            ActivityFilter::Runs => a.kind == ActivityKind::Run,
            ActivityFilter::Plans => a.kind == ActivityKind::Plan,
        }
    }
}

/// `None` sorts after every value, whichever the direction of the sort.
fn cmp_opt<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn cmp_time(a: Option<Time>, b: Option<Time>) -> Ordering {
    cmp_opt(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn keys_round_trip<C: SortKey + std::fmt::Debug>(columns: &[Column<C>]) {
        let mut seen = HashSet::new();
        for c in C::ALL {
            assert!(seen.insert(c.key()), "duplicate sort key {}", c.key());
            assert_eq!(C::parse(c.key()), Some(*c));
        }
        assert_eq!(C::parse("no_such_column"), None);
        // Every sort key has a column, and every sortable column is a known key.
        let shown: HashSet<&str> = columns.iter().filter_map(Column::sort_key).collect();
        assert_eq!(shown, seen);
    }

    #[test]
    fn every_table_has_unique_round_tripping_sort_keys_each_with_a_column() {
        keys_round_trip(EXECUTION_COLUMNS);
        keys_round_trip(AUDIT_COLUMNS);
        keys_round_trip(ACTIVITY_COLUMNS);
    }

    #[test]
    fn column_definitions_carry_zone_and_numeric() {
        let dur = EXECUTION_COLUMNS
            .iter()
            .find(|c| c.sort == Some(ExecColumn::Duration))
            .unwrap();
        assert!(dur.numeric && !dur.zone);
        assert_eq!(dur.width, "w-dur");
        let zoned: Vec<&str> = AUDIT_COLUMNS
            .iter()
            .filter(|c| c.zone)
            .map(|c| c.label)
            .collect();
        assert_eq!(zoned, ["Start", "End", "Interval start", "Interval end"]);
        assert_eq!(EXECUTION_COLUMNS.last().unwrap().sort_key(), None);
    }

    #[test]
    fn activity_filter_parses_and_keeps() {
        assert_eq!(ActivityFilter::parse("plan"), ActivityFilter::Plans);
        assert_eq!(ActivityFilter::parse("bogus"), ActivityFilter::All);
        for f in ActivityFilter::ALL {
            assert_eq!(ActivityFilter::parse(f.key()), f);
        }
    }
}
