//! Why was a run slow: its executions on a time axis, the critical path
//! through the lineage, concurrency, and the figures above the timeline.
//!
//! Pure: everything is computed from a [`Run`] and, for a run still going,
//! the time it is drawn at (`now`); no clock is read here.

use super::model::{Run, Status, Time};
use super::sorting;
use chrono::Duration;
use std::collections::{BTreeMap, BTreeSet};

/// An upstream execution counts as what an execution waited for when it
/// ended at most this long after the other started (timestamps of
/// different processes are not exact).
const SLACK_MS: i64 = 500;

/// One execution on the time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Index into `run.executions`.
    pub exec: usize,
    pub start: Time,
    /// The end, or `now` for an execution still running.
    pub end: Time,
    /// Still running (its bar grows while the run is live).
    pub open: bool,
    /// Lineage layer: 0 for models nothing in the run feeds.
    pub layer: usize,
    /// Row when rows are layers: each layer gets as many rows (lanes) as
    /// it has executions at once, and layers with no bar get none.
    pub layer_row: usize,
    /// Concurrency slot: bars in one slot never overlap.
    pub slot: usize,
}

/// How the timeline's rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Rows {
    /// One row per lineage layer.
    #[default]
    Layer,
    /// One row per concurrent slot (as many rows as the peak concurrency).
    Slot,
}

impl Rows {
    pub fn key(self) -> &'static str {
        match self {
            Rows::Layer => "layer",
            Rows::Slot => "slot",
        }
    }
    pub fn parse(s: &str) -> Option<Rows> {
        match s {
            "layer" => Some(Rows::Layer),
            "slot" => Some(Rows::Slot),
            _ => None,
        }
    }
}

/// A step of the critical path.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub exec: usize,
    pub duration: Duration,
    /// Time between the step before it ended (or the run started) and this
    /// one's start: waiting for a worker, a scheduler, or something outside
    /// the lineage.
    pub wait: Duration,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub bars: Vec<Bar>,
    /// Layer rows: (first row, layer, lanes) of each layer with bars.
    pub layer_rows: Vec<(usize, usize, usize)>,
    /// The axis: the run's start to its end (or `now`, or the last bar's end).
    pub t0: Time,
    pub t1: Time,
    /// Lineage layers with at least one bar.
    pub layers: usize,
    pub peak_concurrency: usize,
    /// From the last execution to end back to the run's start, in time order.
    pub critical: Vec<Step>,
    pub wall_clock: Duration,
    /// Sum of the steps' durations and waits.
    pub critical_length: Duration,
    pub model_time: Duration,
    /// The execution that took longest, and how long.
    pub longest: Option<(usize, Duration)>,
    /// Executions not on the axis (never started, or no readable times).
    pub not_drawn: usize,
}

impl Timeline {
    pub fn row_of(&self, b: &Bar, rows: Rows) -> usize {
        match rows {
            Rows::Layer => b.layer_row,
            Rows::Slot => b.slot,
        }
    }
    pub fn row_count(&self, rows: Rows) -> usize {
        match rows {
            Rows::Layer => self
                .layer_rows
                .last()
                .map_or(0, |(first, _, lanes)| first + lanes),
            Rows::Slot => self.peak_concurrency,
        }
    }
    /// Whether execution `exec` is on the critical path.
    pub fn is_critical(&self, exec: usize) -> bool {
        self.critical.iter().any(|s| s.exec == exec)
    }
    /// A step's share of the wall clock, in per cent (0 when it is 0).
    pub fn share(&self, d: Duration) -> f64 {
        let w = self.wall_clock.num_milliseconds();
        if w <= 0 {
            0.0
        } else {
            d.num_milliseconds() as f64 * 100.0 / w as f64
        }
    }
}

/// Lineage layer of every model of the run: the longest chain of upstream
/// models (of this run) above it. Cycles are cut.
pub fn layers(run: &Run) -> BTreeMap<&str, usize> {
    // Longest path over a topological order (Kahn), iteratively: a deep
    // chain must not exhaust the stack. Self-edges are ignored; models on
    // a cycle get the layer their other inputs give.
    let names: BTreeMap<&str, usize> = run
        .models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect();
    let n = run.models.len();
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (i, m) in run.models.iter().enumerate() {
        let ups: BTreeSet<usize> = m
            .upstream
            .iter()
            .filter_map(|u| names.get(u.as_str()).copied())
            .filter(|&u| u != i)
            .collect();
        for u in ups {
            down[u].push(i);
            indegree[i] += 1;
        }
    }
    let mut depth = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&i| indegree[i] == 0).collect();
    while let Some(u) = queue.pop_front() {
        for &d in &down[u] {
            depth[d] = depth[d].max(depth[u] + 1);
            indegree[d] -= 1;
            if indegree[d] == 0 {
                queue.push_back(d);
            }
        }
    }
    names
        .into_iter()
        .map(|(name, i)| (name, depth[i]))
        .collect()
}

/// The timeline of `run` as of `now` (used for executions and runs still
/// going).
pub fn build(run: &Run, now: Time) -> Timeline {
    let layer_of = layers(run);
    let live = run.end.is_none() && run.status == Status::InProgress;
    let mut bars: Vec<Bar> = Vec::new();
    let mut not_drawn = 0;
    for (i, e) in run.executions.iter().enumerate() {
        let Some(start) = e.start else {
            not_drawn += 1;
            continue;
        };
        let (end, open) = match e.end {
            Some(end) if end >= start => (end, false),
            Some(_) => {
                not_drawn += 1;
                continue;
            }
            None if e.status == Status::InProgress && live => (now.max(start), true),
            None => match e.duration {
                Some(d) if d >= Duration::zero() => (start + d, false),
                _ => {
                    not_drawn += 1;
                    continue;
                }
            },
        };
        bars.push(Bar {
            exec: i,
            start,
            end,
            open,
            layer: layer_of.get(e.model.as_str()).copied().unwrap_or(0),
            layer_row: 0,
            slot: 0,
        });
    }
    // Slots: greedy interval partitioning in start order (optimal: as many
    // slots as the peak concurrency).
    let mut order: Vec<usize> = (0..bars.len()).collect();
    sorting::sort_by_key(&mut order, |&b| (bars[b].start, bars[b].end, bars[b].exec));
    fn lane(ends: &mut Vec<Time>, s: Time, e: Time) -> usize {
        match ends.iter().position(|&end| end <= s) {
            Some(k) => {
                ends[k] = e;
                k
            }
            None => {
                ends.push(e);
                ends.len() - 1
            }
        }
    }
    let mut slot_ends: Vec<Time> = Vec::new();
    let mut layer_ends: BTreeMap<usize, Vec<Time>> = BTreeMap::new();
    let mut lane_in_layer = vec![0; bars.len()];
    for &b in &order {
        let (s, e) = (bars[b].start, bars[b].end);
        bars[b].slot = lane(&mut slot_ends, s, e);
        lane_in_layer[b] = lane(layer_ends.entry(bars[b].layer).or_default(), s, e);
    }
    let mut layer_rows = Vec::new();
    let mut first_row: BTreeMap<usize, usize> = BTreeMap::new();
    let mut next = 0;
    for (layer, ends) in &layer_ends {
        layer_rows.push((next, *layer, ends.len()));
        first_row.insert(*layer, next);
        next += ends.len();
    }
    for (b, lane) in lane_in_layer.into_iter().enumerate() {
        bars[b].layer_row = first_row[&bars[b].layer] + lane;
    }
    let last_end = bars.iter().map(|b| b.end).max();
    let first_start = bars.iter().map(|b| b.start).min();
    let t0 = first_start.map_or(run.start, |f| f.min(run.start));
    let t1 = match run.end {
        Some(e) => e.max(last_end.unwrap_or(e)),
        None if live => now.max(last_end.unwrap_or(now)),
        None => last_end.unwrap_or(run.start),
    }
    .max(t0);
    let critical = critical_path(run, &bars, t0);
    let critical_length = critical
        .iter()
        .fold(Duration::zero(), |a, s| a + s.duration + s.wait);
    let model_time = bars
        .iter()
        .fold(Duration::zero(), |a, b| a + (b.end - b.start));
    let longest = bars
        .iter()
        .map(|b| (b.exec, b.end - b.start))
        .max_by_key(|&(i, d)| (d, std::cmp::Reverse(i)));
    Timeline {
        layers: layer_rows.len(),
        layer_rows,
        peak_concurrency: slot_ends.len(),
        wall_clock: t1 - run.start.min(t1),
        bars,
        t0,
        t1,
        critical,
        critical_length,
        model_time,
        longest,
        not_drawn,
    }
}

/// Walks back from the execution that ended last: each step's predecessor
/// is the execution of one of its upstream models that ended last before it
/// started. Where none did (a source, or a model whose inputs ran outside
/// this run), the chain starts, and the time from the run's start is a wait.
fn critical_path(run: &Run, bars: &[Bar], t0: Time) -> Vec<Step> {
    let Some(last) = bars
        .iter()
        .enumerate()
        .max_by_key(|(k, b)| (b.end, std::cmp::Reverse(*k)))
        .map(|(k, _)| k)
    else {
        return Vec::new();
    };
    let upstream: BTreeMap<&str, &[String]> = run
        .models
        .iter()
        .map(|m| (m.name.as_str(), m.upstream.as_slice()))
        .collect();
    let mut by_model: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, b) in bars.iter().enumerate() {
        by_model
            .entry(run.executions[b.exec].model.as_str())
            .or_default()
            .push(k);
    }
    let slack = Duration::milliseconds(SLACK_MS);
    let mut chain = vec![last];
    let mut seen = BTreeSet::from([last]);
    loop {
        let cur = &bars[*chain.last().expect("not empty")];
        let model = run.executions[cur.exec].model.as_str();
        let pred = upstream
            .get(model)
            .into_iter()
            .flat_map(|ups| ups.iter())
            .flat_map(|u| by_model.get(u.as_str()).into_iter().flatten())
            .copied()
            .filter(|k| !seen.contains(k) && bars[*k].end <= cur.start + slack)
            .max_by_key(|k| (bars[*k].end, std::cmp::Reverse(*k)));
        match pred {
            Some(p) => {
                seen.insert(p);
                chain.push(p);
            }
            None => break,
        }
    }
    chain.reverse();
    let mut steps = Vec::with_capacity(chain.len());
    let mut prev_end = t0;
    for k in chain {
        let b = &bars[k];
        let wait = (b.start - prev_end).max(Duration::zero());
        steps.push(Step {
            exec: b.exec,
            duration: b.end - b.start,
            wait,
        });
        prev_end = prev_end.max(b.end);
    }
    steps
}

/// The bars of each row in start order, for [`in_view`]: rows ascending.
pub fn order(tl: &Timeline, rows: Rows) -> Vec<usize> {
    let mut o: Vec<usize> = (0..tl.bars.len()).collect();
    sorting::sort_by_key(&mut o, |&b| {
        (
            tl.row_of(&tl.bars[b], rows),
            tl.bars[b].start,
            tl.bars[b].exec,
        )
    });
    o
}

/// The window of the time axis on screen: `ms_per_px` at `from_ms` (both
/// relative to `t0`), `width` pixels wide, rows `first_row..last_row`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub from_ms: f64,
    pub ms_per_px: f64,
    pub width: f64,
    pub first_row: usize,
    pub last_row: usize,
}

impl View {
    /// Everything in `width` pixels.
    pub fn fit(tl: &Timeline, width: f64, rows: usize) -> View {
        let total = (tl.t1 - tl.t0).num_milliseconds().max(1) as f64;
        View {
            from_ms: 0.0,
            ms_per_px: total / width.max(1.0),
            width,
            first_row: 0,
            last_row: rows,
        }
    }
    pub fn x(&self, tl: &Timeline, t: Time) -> f64 {
        ((t - tl.t0).num_milliseconds() as f64 - self.from_ms) / self.ms_per_px
    }
    /// Zoomed by `factor` (> 1 zooms in) around pixel `at`, never further
    /// out than the whole run and never in beyond 1 ms per pixel.
    pub fn zoom(self, tl: &Timeline, factor: f64, at: f64) -> View {
        let total = (tl.t1 - tl.t0).num_milliseconds().max(1) as f64;
        let max = total / self.width.max(1.0);
        let ms_per_px = (self.ms_per_px / factor).clamp(1.0_f64.min(max), max);
        let anchor = self.from_ms + at * self.ms_per_px;
        View {
            ms_per_px,
            from_ms: anchor - at * ms_per_px,
            ..self
        }
        .clamped(tl)
    }
    /// Panned by `dx` pixels (positive moves the view later in time).
    pub fn pan(self, tl: &Timeline, dx: f64) -> View {
        View {
            from_ms: self.from_ms + dx * self.ms_per_px,
            ..self
        }
        .clamped(tl)
    }
    fn clamped(self, tl: &Timeline) -> View {
        let total = (tl.t1 - tl.t0).num_milliseconds().max(1) as f64;
        let span = self.width * self.ms_per_px;
        View {
            from_ms: self.from_ms.clamp(0.0, (total - span).max(0.0)),
            ..self
        }
    }
}

/// The bars to draw in `view`, from `order` (see [`order`]): those that
/// overlap it, and per row at most one per pixel column: a bar that ends in
/// the pixel where the last drawn bar of its row ends is left out, unless
/// it is on the critical path or failed (`keep`). So a 20,000-bar run at
/// full zoom draws about one bar per pixel per row.
pub fn in_view(
    tl: &Timeline,
    rows: Rows,
    order: &[usize],
    view: &View,
    keep: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut last: Option<(usize, f64)> = None;
    for &b in order {
        let bar = &tl.bars[b];
        let row = tl.row_of(bar, rows);
        if row < view.first_row || row >= view.last_row {
            continue;
        }
        let (x0, x1) = (view.x(tl, bar.start), view.x(tl, bar.end));
        if x1 < 0.0 || x0 > view.width {
            continue;
        }
        let px_end = x1.floor();
        if let Some((r, end)) = last {
            if r == row && px_end <= end && !keep(bar.exec) {
                continue;
            }
        }
        last = Some((
            row,
            match last {
                Some((r, end)) if r == row => end.max(px_end),
                _ => px_end,
            },
        ));
        out.push(b);
    }
    out
}

/// Time-axis ticks for `view`: the round times (whole seconds, minutes or
/// hours, in UTC shifted by `offset_secs`) at least `min_px` apart, as
/// (x, time).
pub fn ticks(tl: &Timeline, view: &View, offset_secs: i32, min_px: f64) -> Vec<(f64, Time)> {
    const STEPS_S: [i64; 17] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
    ];
    let want_ms = view.ms_per_px * min_px;
    let step_s = STEPS_S
        .iter()
        .copied()
        .find(|s| (*s * 1000) as f64 >= want_ms)
        .unwrap_or(86_400);
    let from = tl.t0 + Duration::milliseconds(view.from_ms as i64);
    let to = from + Duration::milliseconds((view.width * view.ms_per_px) as i64);
    // Round times in the shown zone.
    let local = from.timestamp() + i64::from(offset_secs);
    let mut k = local.div_euclid(step_s) * step_s - i64::from(offset_secs);
    let mut out = Vec::new();
    while out.len() < 200 {
        let Some(t) = chrono::DateTime::from_timestamp(k, 0) else {
            break;
        };
        if t > to {
            break;
        }
        if t >= from {
            out.push((view.x(tl, t), t));
        }
        k += step_s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Execution, Model, RunId};
    use chrono::TimeZone;

    fn t(s: i64) -> Time {
        chrono::Utc.timestamp_opt(1_764_000_000 + s, 0).unwrap()
    }

    fn model(name: &str, up: &[&str]) -> Model {
        Model {
            name: name.into(),
            kind: "FULL".into(),
            cron: None,
            interval_unit: None,
            dialect: None,
            owner: None,
            upstream: up.iter().map(|s| s.to_string()).collect(),
            definition: None,
            columns: vec![],
            intervals: vec![],
            tags: vec![],
        }
    }

    fn exec(name: &str, status: Status, start: Option<i64>, end: Option<i64>) -> Execution {
        Execution {
            model: name.into(),
            status,
            start: start.map(t),
            end: end.map(t),
            duration: None,
            interval_start: None,
            interval_end: None,
            error: None,
            log_id: None,
        }
    }

    fn run(models: Vec<Model>, execs: Vec<Execution>, end: Option<i64>) -> Run {
        Run {
            id: RunId::parse(&"a".repeat(32)).unwrap(),
            environment: "prod".into(),
            status: if end.is_some() {
                Status::Complete
            } else {
                Status::InProgress
            },
            refreshed_at: None,
            start: t(0),
            end: end.map(t),
            previous_run_id: None,
            next_run_id: None,
            changes: vec![],
            executions: execs,
            audits: vec![],
            models,
            log_id: None,
            warnings: vec![],
        }
    }

    fn path(tl: &Timeline, r: &Run) -> Vec<(String, i64, i64)> {
        tl.critical
            .iter()
            .map(|s| {
                (
                    r.executions[s.exec].model.clone(),
                    s.duration.num_seconds(),
                    s.wait.num_seconds(),
                )
            })
            .collect()
    }

    const C: Status = Status::Complete;

    #[test]
    fn a_chain_is_its_own_critical_path_with_the_waits_between() {
        let r = run(
            vec![model("a", &[]), model("b", &["a"]), model("c", &["b"])],
            vec![
                exec("a", C, Some(2), Some(12)),
                exec("b", C, Some(15), Some(35)),
                exec("c", C, Some(35), Some(40)),
            ],
            Some(41),
        );
        let tl = build(&r, t(100));
        assert_eq!(
            path(&tl, &r),
            [("a", 10, 2), ("b", 20, 3), ("c", 5, 0)].map(|(m, d, w)| (m.to_string(), d, w))
        );
        assert_eq!(tl.critical_length, Duration::seconds(40));
        assert_eq!(tl.wall_clock, Duration::seconds(41));
        assert_eq!(tl.model_time, Duration::seconds(35));
        assert_eq!(tl.peak_concurrency, 1);
        assert_eq!(tl.layers, 3);
        assert_eq!(tl.longest, Some((1, Duration::seconds(20))));
        assert_eq!(format!("{:.1}", tl.share(Duration::seconds(20))), "48.8");
    }

    #[test]
    fn a_diamond_follows_the_slower_branch() {
        let r = run(
            vec![
                model("a", &[]),
                model("b", &["a"]),
                model("c", &["a"]),
                model("d", &["b", "c"]),
            ],
            vec![
                exec("a", C, Some(0), Some(10)),
                exec("b", C, Some(10), Some(40)),
                exec("c", C, Some(10), Some(20)),
                exec("d", C, Some(40), Some(50)),
            ],
            Some(50),
        );
        let tl = build(&r, t(100));
        assert_eq!(
            path(&tl, &r),
            [("a", 10, 0), ("b", 30, 0), ("d", 10, 0)].map(|(m, d, w)| (m.to_string(), d, w))
        );
        assert_eq!(tl.peak_concurrency, 2);
        assert_eq!(tl.layers, 3);
        let slots: Vec<usize> = tl.bars.iter().map(|b| b.slot).collect();
        assert_eq!(slots, [0, 1, 0, 0]);
        // By layer: b and c share layer 1 at the same time, so it has two
        // lanes: rows a 0, b 2, c 1, d 3.
        let rows: Vec<usize> = tl.bars.iter().map(|b| b.layer_row).collect();
        assert_eq!(rows, [0, 2, 1, 3]);
        assert_eq!(tl.layer_rows, [(0, 0, 1), (1, 1, 2), (3, 2, 1)]);
        assert_eq!(tl.row_count(Rows::Layer), 4);
        assert!(tl.is_critical(1) && !tl.is_critical(2));
    }

    #[test]
    fn parallel_branches_the_one_that_ends_last_wins() {
        let r = run(
            vec![
                model("a", &[]),
                model("b", &["a"]),
                model("x", &[]),
                model("y", &["x"]),
            ],
            vec![
                exec("a", C, Some(0), Some(5)),
                exec("x", C, Some(0), Some(20)),
                exec("b", C, Some(5), Some(30)),
                exec("y", C, Some(20), Some(29)),
            ],
            Some(30),
        );
        let tl = build(&r, t(100));
        assert_eq!(
            path(&tl, &r),
            [("a", 5, 0), ("b", 25, 0)].map(|(m, d, w)| (m.to_string(), d, w))
        );
        assert_eq!(tl.peak_concurrency, 2);
    }

    #[test]
    fn failures_skips_missing_ends_and_models_outside_the_lineage() {
        let r = run(
            vec![
                model("a", &[]),
                model("b", &["a"]),
                model("c", &["b"]),
                model("lonely", &["not_in_run"]),
            ],
            vec![
                exec("a", C, Some(0), Some(10)),
                exec("b", Status::Failed, Some(12), Some(18)),
                exec("c", Status::Skipped, None, None),
                // No end and the run is over: not drawn.
                exec("a", Status::Failed, Some(3), None),
                // Ran outside the lineage's order, ends last: its own chain.
                exec("lonely", C, Some(15), Some(25)),
            ],
            Some(26),
        );
        let tl = build(&r, t(100));
        assert_eq!(tl.not_drawn, 2);
        assert_eq!(
            path(&tl, &r),
            [("lonely", 10, 15)].map(|(m, d, w)| (m.to_string(), d, w))
        );
        // `c` (layer 2) never ran: two layers drawn.
        assert_eq!(tl.layers, 2);
        assert_eq!(tl.t1, t(26));
    }

    #[test]
    fn a_live_run_grows_its_open_bars_until_now() {
        let mut r = run(
            vec![model("a", &[]), model("b", &["a"])],
            vec![
                exec("a", C, Some(0), Some(10)),
                exec("b", Status::InProgress, Some(10), None),
            ],
            None,
        );
        r.status = Status::InProgress;
        let tl = build(&r, t(25));
        assert_eq!(tl.bars[1].end, t(25));
        assert!(tl.bars[1].open);
        assert_eq!(tl.t1, t(25));
        assert_eq!(tl.wall_clock, Duration::seconds(25));
        assert_eq!(
            path(&tl, &r),
            [("a", 10, 0), ("b", 15, 0)].map(|(m, d, w)| (m.to_string(), d, w))
        );
    }

    #[test]
    fn a_view_draws_one_bar_per_pixel_per_row_and_keeps_the_critical_ones() {
        // 1,000 one-second executions of one model back to back, then `b`.
        let mut execs: Vec<Execution> = (0..1000)
            .map(|i| exec("a", C, Some(i), Some(i + 1)))
            .collect();
        execs.push(exec("b", C, Some(1000), Some(1010)));
        let r = run(vec![model("a", &[]), model("b", &["a"])], execs, Some(1010));
        let tl = build(&r, t(2000));
        let o = order(&tl, Rows::Layer);
        // 101 px for 1,010 s: 10 s per pixel.
        let v = View::fit(&tl, 101.0, 2);
        assert_eq!(v.ms_per_px, 10_000.0);
        let shown = in_view(&tl, Rows::Layer, &o, &v, |_| false);
        // `a`'s bars end in pixel columns 0 to 100: one each, and `b`.
        assert_eq!(shown.len(), 102);
        let crit = in_view(&tl, Rows::Layer, &o, &v, |e| tl.is_critical(e));
        // The critical path (the last a, then b) is always drawn.
        assert!(crit.contains(&999) && crit.contains(&1000));
        // Zoomed in 10x around the middle: 1 s per pixel, 101 s in view.
        let z = v.zoom(&tl, 10.0, 50.5);
        assert_eq!(z.ms_per_px, 1_000.0);
        assert_eq!(z.from_ms, 454_500.0);
        let shown = in_view(&tl, Rows::Layer, &o, &z, |_| false);
        assert_eq!(shown.len(), 102);
        // Panning never leaves the run.
        assert_eq!(z.pan(&tl, -1e9).from_ms, 0.0);
        assert_eq!(z.pan(&tl, 1e9).from_ms, 1_010_000.0 - 101_000.0);
        // Ticks: 101 px at 1 s per pixel, at least 30 px apart: every 30 s.
        let tk: Vec<(f64, i64)> = ticks(&tl, &z, 0, 30.0)
            .into_iter()
            .map(|(x, t)| (x, (t - tl.t0).num_seconds()))
            .collect();
        assert_eq!(tk, [(25.5, 480), (55.5, 510), (85.5, 540)]);
        // Only the rows in view.
        let one_row = View { first_row: 1, ..v };
        assert_eq!(
            in_view(&tl, Rows::Layer, &o, &one_row, |_| false),
            vec![1000]
        );
    }

    #[test]
    fn layers_of_a_deep_chain_listed_downstream_first_and_of_a_cycle() {
        let n = 100_000;
        let models: Vec<Model> = (0..n)
            .rev()
            .map(|i| {
                let up = if i == 0 {
                    vec![]
                } else {
                    vec![format!("m{}", i - 1)]
                };
                Model {
                    upstream: up,
                    ..model(&format!("m{i}"), &[])
                }
            })
            .collect();
        let r = run(models, vec![], Some(1));
        let l = layers(&r);
        assert_eq!((l["m0"], l["m99999"]), (0, 99_999));
        // a -> b -> a, and c downstream of b: finite layers.
        let r = run(
            vec![model("a", &["b"]), model("b", &["a"]), model("c", &["b"])],
            vec![],
            Some(1),
        );
        let l = layers(&r);
        assert_eq!((l["a"], l["b"], l["c"]), (0, 0, 0));
    }

    #[test]
    fn nothing_ran_is_an_empty_timeline() {
        let r = run(
            vec![model("a", &["a"])],
            vec![exec("a", Status::Pending, None, None)],
            Some(5),
        );
        let tl = build(&r, t(100));
        assert!(tl.bars.is_empty() && tl.critical.is_empty());
        assert_eq!((tl.peak_concurrency, tl.layers, tl.not_drawn), (0, 0, 1));
        assert_eq!(tl.longest, None);
        // A self-reference is not a layer.
        assert_eq!(layers(&r)["a"], 0);
    }
}
