//! What Explore Executions shows, as plain data: which part of the lineage
//! is on the canvas (the whole graph or the selection's neighbourhood laid
//! out anew), how each node and edge is marked relative to the selection,
//! where the camera goes, the text of a node, the model list's matches and
//! the details' chips. The shell in `app::explore` only draws these.

use super::camera::{fit_zoom, Camera, Viewport, FIT_PADDING, TEXT_ZOOM};
use super::changes::ChangeSummary;
use super::graph::{Layout, Size};
use super::layout_job::Request;
use super::lineage::{kind_short, node_size, Lineage};
use super::model::{Execution, Model, Run, Status};
use super::route::Hood;
use std::sync::Arc;

/// A part of the lineage to lay out: its nodes and the layout request.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Lineage index of each node of the request.
    pub nodes: Vec<usize>,
    pub request: Request,
}

impl Part {
    /// Every node of the lineage.
    pub fn everything(lineage: &Lineage) -> Part {
        Part {
            nodes: (0..lineage.len()).collect(),
            request: Request::new(
                lineage.names.iter().map(|n| node_size(n)).collect(),
                lineage.edges.clone(),
            ),
        }
    }

    /// The neighbourhood `hood` of the selected node `sel`, to be laid out
    /// anew (so it is compact); `None` for `Hood::Everything`.
    pub fn neighbourhood(lineage: &Lineage, sel: usize, hood: Hood) -> Option<Part> {
        if hood == Hood::Everything || sel >= lineage.len() {
            return None;
        }
        let mask = lineage.neighbourhood(sel, hood == Hood::Lineage);
        let nodes: Vec<usize> = (0..lineage.len()).filter(|&i| mask[i]).collect();
        let mut local = vec![usize::MAX; lineage.len()];
        for (i, &v) in nodes.iter().enumerate() {
            local[v] = i;
        }
        let sizes: Vec<Size> = nodes
            .iter()
            .map(|&v| node_size(&lineage.names[v]))
            .collect();
        let edges: Vec<(usize, usize)> = lineage
            .edges
            .iter()
            .filter(|(a, b)| mask[*a] && mask[*b])
            .map(|&(a, b)| (local[a], local[b]))
            .collect();
        Some(Part {
            nodes,
            request: Request::new(sizes, edges),
        })
    }

    /// The part with its layout.
    pub fn shown(&self, layout: Arc<Layout>) -> Shown {
        Shown {
            nodes: self.nodes.clone(),
            layout,
        }
    }
}

/// The graph on the canvas: all of the lineage, or a part of it laid out on
/// its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// Lineage index of each node of `layout`.
    pub nodes: Vec<usize>,
    pub layout: Arc<Layout>,
}

impl Shown {
    /// Every node of the lineage, laid out here.
    pub fn everything(lineage: &Lineage) -> Shown {
        let part = Part::everything(lineage);
        part.shown(Arc::new(part.request.run()))
    }

    /// The neighbourhood `hood` of `sel`, laid out here.
    pub fn neighbourhood(lineage: &Lineage, sel: usize, hood: Hood) -> Option<Shown> {
        let part = Part::neighbourhood(lineage, sel, hood)?;
        Some(part.shown(Arc::new(part.request.run())))
    }

    /// Nothing yet (a layout on its way).
    pub fn nothing() -> Shown {
        Shown {
            nodes: Vec::new(),
            layout: Arc::new(Layout::default()),
        }
    }

    /// The position in `layout` of lineage node `v`, if shown.
    pub fn position(&self, v: usize) -> Option<usize> {
        self.nodes.iter().position(|&n| n == v)
    }

    /// Where the camera goes on mount, on a new selection and on a new graph:
    /// - the selected model centred (at a readable zoom);
    /// - else, with failures, the failed models and their downstream framed
    ///   when that is readable, or else the first failed model centred;
    /// - else the whole graph fitted when that is readable, or else the
    ///   sources' end of it (the left edge) at a readable zoom, with the
    ///   leftmost model at mid-height (the mini-map shows the rest).
    pub fn focus(
        &self,
        selected: Option<usize>,
        status: &[Option<Status>],
        view: Viewport,
        current: Camera,
    ) -> Camera {
        let l = &self.layout;
        if let Some(b) = selected
            .and_then(|s| self.position(s))
            .and_then(|p| l.nodes.get(p))
        {
            return current.centred_on(b.center(), view);
        }
        let failed: Vec<usize> = (0..self.nodes.len().min(l.nodes.len()))
            .filter(|&p| {
                status
                    .get(self.nodes[p])
                    .is_some_and(|s| *s == Some(Status::Failed))
            })
            .collect();
        if let Some(&first) = failed.first() {
            // The failed models and everything downstream of them.
            let mut down = vec![Vec::new(); l.nodes.len()];
            for e in &l.edges {
                if e.from < down.len() && e.to < down.len() {
                    down[e.from].push(e.to);
                }
            }
            let mut seen = vec![false; l.nodes.len()];
            let mut stack = failed.clone();
            while let Some(p) = stack.pop() {
                if std::mem::replace(&mut seen[p], true) {
                    continue;
                }
                stack.extend(down[p].iter().filter(|&&q| !seen[q]));
            }
            let boxes = (0..l.nodes.len()).filter(|&p| seen[p]).map(|p| l.nodes[p]);
            let (x0, y0, x1, y1) = boxes.fold(
                (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(x0, y0, x1, y1), b| {
                    (
                        x0.min(b.x),
                        y0.min(b.y),
                        x1.max(b.x + b.width),
                        y1.max(b.y + b.height),
                    )
                },
            );
            if fit_zoom(x1 - x0, y1 - y0, view) >= TEXT_ZOOM + 0.1 {
                let c = Camera::fit(x1 - x0, y1 - y0, view);
                return Camera {
                    tx: c.tx - x0 * c.k,
                    ty: c.ty - y0 * c.k,
                    k: c.k,
                };
            }
            return current.centred_on(l.nodes[first].center(), view);
        }
        if fit_zoom(l.width, l.height, view) >= TEXT_ZOOM + 0.1 || l.nodes.is_empty() {
            return Camera::fit(l.width, l.height, view);
        }
        let Some(leftmost) = (0..l.nodes.len())
            .min_by(|&x, &y| l.nodes[x].x.total_cmp(&l.nodes[y].x).then(x.cmp(&y)))
            .map(|p| l.nodes[p])
        else {
            return current;
        };
        let c = current.centred_on(leftmost.center(), view);
        Camera {
            tx: FIT_PADDING - leftmost.x * c.k,
            ..c
        }
    }
}

/// A key press in the graph: along an edge, or to the next box of the
/// same column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Left arrow: an upstream node.
    Upstream,
    /// Right arrow: a downstream node.
    Downstream,
    /// Up arrow: the box above in the same column.
    Above,
    /// Down arrow: the box below in the same column.
    Below,
}

impl Shown {
    /// The node (layout position) a key press moves to from `from`: of
    /// the candidates, the one nearest vertically (then leftmost / first).
    pub fn step(&self, from: usize, step: Step) -> Option<usize> {
        let l = &self.layout;
        let here = l.nodes.get(from)?;
        let y = here.center().y;
        let candidates: Vec<usize> = match step {
            Step::Downstream => l
                .edges
                .iter()
                .filter(|e| e.from == from)
                .map(|e| e.to)
                .collect(),
            Step::Upstream => l
                .edges
                .iter()
                .filter(|e| e.to == from)
                .map(|e| e.from)
                .collect(),
            Step::Above | Step::Below => (0..l.nodes.len())
                .filter(|&p| {
                    let b = &l.nodes[p];
                    p != from
                        && b.layer == here.layer
                        && b.component == here.component
                        && if step == Step::Above {
                            b.y < here.y
                        } else {
                            b.y > here.y
                        }
                })
                .collect(),
        };
        candidates
            .into_iter()
            .filter(|&p| p != from && p < l.nodes.len())
            .min_by(|&a, &b| {
                let (da, db) = (
                    (l.nodes[a].center().y - y).abs(),
                    (l.nodes[b].center().y - y).abs(),
                );
                da.total_cmp(&db).then(a.cmp(&b))
            })
    }
}

/// How a node is marked relative to the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// Nothing is selected.
    Plain,
    Selected,
    /// An ancestor of the selection.
    Upstream,
    /// A descendant of the selection.
    Downstream,
    /// Neither: faded out.
    Dimmed,
}

impl Highlight {
    /// The node's CSS modifier class, with its leading space ("" if plain).
    pub fn node_class(self) -> &'static str {
        match self {
            Highlight::Plain => "",
            Highlight::Selected => " node--selected",
            Highlight::Upstream => " node--up",
            Highlight::Downstream => " node--down",
            Highlight::Dimmed => " node--dim",
        }
    }

    fn on_upstream_path(self) -> bool {
        matches!(self, Highlight::Selected | Highlight::Upstream)
    }

    fn on_downstream_path(self) -> bool {
        matches!(self, Highlight::Selected | Highlight::Downstream)
    }
}

/// The mark of every lineage node for a selection (all `Plain` without one).
pub fn highlights(lineage: &Lineage, selected: Option<usize>) -> Vec<Highlight> {
    let mut m = vec![Highlight::Plain; lineage.len()];
    if let Some(sel) = selected.filter(|&s| s < lineage.len()) {
        m.fill(Highlight::Dimmed);
        for a in lineage.ancestors(sel) {
            m[a] = Highlight::Upstream;
        }
        for d in lineage.descendants(sel) {
            m[d] = Highlight::Downstream;
        }
        m[sel] = Highlight::Selected;
    }
    m
}

/// How an edge is drawn, from the marks of its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeLook {
    /// On the selection's upstream or downstream path.
    pub hi: bool,
    /// Faded out (a selection exists and the edge is not on its paths).
    pub dim: bool,
}

impl EdgeLook {
    pub fn of(from: Highlight, to: Highlight) -> EdgeLook {
        let hi = (from.on_upstream_path() && to.on_upstream_path())
            || (from.on_downstream_path() && to.on_downstream_path());
        let dim = from == Highlight::Dimmed
            || to == Highlight::Dimmed
            || (from != Highlight::Plain && !hi);
        EdgeLook { hi, dim }
    }

    /// The edge's CSS classes (`reversed`: drawn right to left for a cycle).
    pub fn class(self, reversed: bool) -> String {
        format!(
            "edge{}{}{}",
            if self.hi { " edge--hi" } else { "" },
            if self.dim { " edge--dim" } else { "" },
            if reversed { " edge--reversed" } else { "" }
        )
    }

    /// The arrow head's `marker-end`.
    pub fn marker(self) -> &'static str {
        if self.hi {
            "url(#arrow-hi)"
        } else {
            "url(#arrow)"
        }
    }
}

/// Longest name drawn in a node; longer ones end in an ellipsis.
pub const NAME_CHARS: usize = 48;

/// The name as drawn in its node.
pub fn short_name(name: &str) -> String {
    if name.chars().count() > NAME_CHARS {
        format!("{}…", name.chars().take(NAME_CHARS - 1).collect::<String>())
    } else {
        name.to_string()
    }
}

/// The text of a node's badge: its status, or "source" / "not run".
pub fn badge_label(status: Option<&Status>, external: bool, kind: &str) -> String {
    match status {
        Some(s) => s.label(),
        None if external || kind == "source" => "source".into(),
        None => "not run".into(),
    }
}

/// A node's accessible name. It starts with the text drawn in the box (short
/// name, kind, badge), as speech-input users say what they see, then the
/// full name when it was cut, the edge counts and whether it is selected.
pub fn node_label(lineage: &Lineage, v: usize, kind: &str, badge: &str, mark: Highlight) -> String {
    let name = &lineage.names[v];
    let short = short_name(name);
    let full = if &short == name {
        String::new()
    } else {
        format!(", {name}")
    };
    let drawn = [short.as_str(), kind, badge]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let state = if mark == Highlight::Selected {
        ", selected"
    } else {
        ""
    };
    format!(
        "{drawn}{full}, {} upstream, {} downstream{state}",
        lineage.upstream[v].len(),
        lineage.downstream[v].len()
    )
}

/// What the graph's live region says after the selection or the shown part
/// changes: the selected model (name, badge, edge counts) and how much of the
/// lineage is on the canvas.
pub fn announcement(
    lineage: &Lineage,
    selected: Option<(usize, &str)>,
    hood: Hood,
    shown: usize,
) -> String {
    let total = lineage.names.len();
    let models = |n: usize| if n == 1 { "model" } else { "models" };
    let Some((v, badge)) = selected else {
        return format!("No model selected. Showing all {total} {}.", models(total));
    };
    let name = &lineage.names[v];
    let (ups, downs) = (lineage.upstream[v].len(), lineage.downstream[v].len());
    let picked = format!("Selected {name}, {badge}, {ups} upstream, {downs} downstream.");
    let part = match hood {
        Hood::Everything => format!("Showing all {total} {}.", models(total)),
        Hood::OneHop => format!(
            "Showing it and its direct neighbours: {shown} of {total} {}.",
            models(total)
        ),
        Hood::Lineage => format!(
            "Showing it with everything upstream and downstream: {shown} of {total} {}.",
            models(total)
        ),
    };
    format!("{picked} {part}")
}

/// Badge width in graph units (small text at ~6.2 px per character).
pub fn badge_width(label: &str) -> f64 {
    label.chars().count() as f64 * 6.2 + 14.0
}

/// The kind shown under each node's name: the model's short kind, "source"
/// for names only referenced upstream, "" for executed models without a
/// definition.
pub fn node_kinds(lineage: &Lineage, models: &[Model]) -> Vec<String> {
    let mut k: Vec<String> = lineage
        .external
        .iter()
        .map(|&ext| if ext { "source".into() } else { String::new() })
        .collect();
    for m in models {
        if let Some(i) = lineage.index_of(&m.name) {
            k[i] = kind_short(&m.kind);
        }
    }
    k
}

/// The telling line of the last failed execution's error, per node.
pub fn failure_lines(lineage: &Lineage, executions: &[Execution]) -> Vec<Option<String>> {
    let mut e = vec![None; lineage.len()];
    for ex in executions.iter().filter(|x| x.status == Status::Failed) {
        if let (Some(i), Some(err)) = (lineage.index_of(&ex.model), &ex.error) {
            e[i] = Some(super::health::headline(err).to_string());
        }
    }
    e
}

/// The model list's search: nodes whose name contains every word of the
/// query, ignoring case, in lineage order.
pub fn search_models(lineage: &Lineage, query: &str) -> Vec<usize> {
    let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if terms.is_empty() {
        // Every node, without lower-casing every name.
        return (0..lineage.len()).collect();
    }
    (0..lineage.len())
        .filter(|&i| {
            let n = lineage.names[i].to_lowercase();
            terms.iter().all(|t| n.contains(t.as_str()))
        })
        .collect()
}

/// The model list shows at most this many rows.
pub const LIST_LIMIT: usize = 400;

/// The model's last execution in the run.
pub fn last_execution<'a>(run: &'a Run, name: &str) -> Option<&'a Execution> {
    run.executions.iter().rev().find(|e| e.model == name)
}

/// How the plans applied since the previous run changed the model.
pub fn modification(summary: &ChangeSummary, name: &str) -> Option<&'static str> {
    let has = |v: &[String]| v.iter().any(|n| n == name);
    if has(&summary.added) {
        Some("added")
    } else if has(&summary.directly_modified) {
        Some("directly modified")
    } else if has(&summary.indirectly_modified) {
        Some("indirectly modified")
    } else {
        None
    }
}

/// The details' chips, (label, value), for a model of the run or for a name
/// the run only references.
pub fn chips(model: Option<&Model>) -> Vec<(String, String)> {
    let Some(m) = model else {
        return vec![("type".into(), "external (not in this run)".into())];
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let mut chips = vec![
        (
            "type".into(),
            if m.kind == "EXTERNAL" {
                "external"
            } else {
                "SQL"
            }
            .into(),
        ),
        ("kind".into(), m.kind.clone()),
        ("cron".into(), or_dash(&m.cron)),
        ("interval".into(), or_dash(&m.interval_unit)),
        ("dialect".into(), or_dash(&m.dialect)),
    ];
    if let Some(o) = &m.owner {
        chips.push(("owner".into(), o.clone()));
    }
    chips
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::camera::MIN_ZOOM;
    use crate::core::decode::decode_run;
    use Highlight::*;

    /// raw.a -> stg.a -> int.ab -> mart.x -> rpt.z, stg.b -> int.ab, int.ab and
    /// stg.b -> mart.y, raw.b -> stg.b; plus a lone model.
    fn run() -> Run {
        decode_run(
            r#"{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"failed","start":"2026-11-20T00:00:00Z",
            "models":[
              {"name":"stg.a","kind":"VIEW","upstream":["raw.a"]},
              {"name":"stg.b","kind":"EXTERNAL","upstream":["raw.b"],"owner":"ana"},
              {"name":"int.ab","kind":"INCREMENTAL_BY_TIME_RANGE","cron":"@daily","dialect":"duckdb","upstream":["stg.a","stg.b"]},
              {"name":"mart.x","upstream":["int.ab"]},
              {"name":"mart.y","upstream":["int.ab","stg.b"]},
              {"name":"rpt.z","upstream":["mart.x"]},
              {"name":"lone"}],
            "executions":[
              {"model":"stg.a","status":"complete"},
              {"model":"int.ab","status":"failed","error":"first\nBinder Error: no column x"},
              {"model":"int.ab","status":"failed","error":"Catalog Error: table missing"},
              {"model":"mart.x","status":"skipped"},
              {"model":"ghost","status":"complete"}]}"#,
        )
        .unwrap()
    }

    fn names(l: &Lineage, s: &Shown) -> Vec<String> {
        s.nodes.iter().map(|&v| l.names[v].clone()).collect()
    }

    #[test]
    fn neighbourhoods_are_laid_out_on_their_own() {
        let l = Lineage::from_run(&run());
        let int = l.index_of("int.ab").unwrap();
        assert_eq!(Shown::neighbourhood(&l, int, Hood::Everything), None);
        let one = Shown::neighbourhood(&l, int, Hood::OneHop).unwrap();
        assert_eq!(
            names(&l, &one),
            ["stg.a", "stg.b", "int.ab", "mart.x", "mart.y"]
        );
        // Edges between shown nodes only, in local indices: stg.a->int.ab,
        // stg.b->int.ab, stg.b->mart.y, int.ab->mart.x, int.ab->mart.y.
        let edges: Vec<(usize, usize)> = one.layout.edges.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(edges, [(0, 2), (1, 2), (1, 4), (2, 3), (2, 4)]);
        assert_eq!(one.layout.nodes.len(), 5);
        assert_eq!(one.layout.layers, 3);
        assert_eq!(one.position(l.index_of("mart.y").unwrap()), Some(4));
        assert_eq!(one.position(l.index_of("rpt.z").unwrap()), None);
        let all = Shown::neighbourhood(&l, int, Hood::Lineage).unwrap();
        assert_eq!(
            names(&l, &all),
            ["stg.a", "stg.b", "int.ab", "mart.x", "mart.y", "rpt.z", "raw.a", "raw.b"]
        );
        assert_eq!(all.layout.layers, 5);
        // A lone model's neighbourhood is itself.
        let lone = Shown::neighbourhood(&l, l.index_of("lone").unwrap(), Hood::Lineage).unwrap();
        assert_eq!(names(&l, &lone), ["lone"]);
        assert!(lone.layout.edges.is_empty());
        // Out of range: nothing to lay out, the caller keeps everything.
        assert_eq!(Shown::neighbourhood(&l, 99, Hood::OneHop), None);
        let every = Shown::everything(&l);
        assert_eq!(every.nodes, (0..l.len()).collect::<Vec<_>>());
        assert_eq!(
            *every.layout,
            l.layout(&crate::core::graph::Options::default())
        );
    }

    #[test]
    fn node_labels_start_with_the_drawn_text() {
        let l = Lineage::from_run(&run());
        let int = l.index_of("int.ab").unwrap();
        assert_eq!(
            node_label(&l, int, "INCR", "failed", Selected),
            "int.ab INCR failed, 2 upstream, 2 downstream, selected"
        );
        let raw = l.index_of("raw.a").unwrap();
        assert_eq!(
            node_label(&l, raw, "", "source", Plain),
            "raw.a source, 0 upstream, 1 downstream"
        );
        // A cut name is drawn cut; the full name follows.
        let long = format!("m.{}", "x".repeat(60));
        let r = decode_run(&format!(
            r#"{{"id":"0123456789abcdef0123456789abcdef","environment":"prod","status":"complete","start":"2026-11-20T00:00:00Z","models":[{{"name":"{long}"}}]}}"#
        ))
        .unwrap();
        let l2 = Lineage::from_run(&r);
        let label = node_label(&l2, 0, "VIEW", "not run", Upstream);
        assert_eq!(
            label,
            format!(
                "{} VIEW not run, {long}, 0 upstream, 0 downstream",
                short_name(&long)
            )
        );
    }

    #[test]
    fn the_live_region_names_the_selection_and_the_part_shown() {
        let l = Lineage::from_run(&run());
        let int = l.index_of("int.ab").unwrap();
        assert_eq!(
            announcement(&l, None, Hood::Everything, 10),
            "No model selected. Showing all 10 models."
        );
        assert_eq!(
            announcement(&l, Some((int, "failed")), Hood::Everything, 10),
            "Selected int.ab, failed, 2 upstream, 2 downstream. Showing all 10 models."
        );
        assert_eq!(
            announcement(&l, Some((int, "failed")), Hood::OneHop, 5),
            "Selected int.ab, failed, 2 upstream, 2 downstream. Showing it and its direct neighbours: 5 of 10 models."
        );
        assert_eq!(
            announcement(&l, Some((int, "failed")), Hood::Lineage, 8),
            "Selected int.ab, failed, 2 upstream, 2 downstream. Showing it with everything upstream and downstream: 8 of 10 models."
        );
    }

    #[test]
    fn highlights_mark_the_selection_and_its_paths() {
        let l = Lineage::from_run(&run());
        // stg.a stg.b int.ab mart.x mart.y rpt.z lone ghost raw.a raw.b
        assert_eq!(highlights(&l, None), vec![Plain; 10]);
        let int = l.index_of("int.ab").unwrap();
        assert_eq!(
            highlights(&l, Some(int)),
            [
                Upstream, Upstream, Selected, Downstream, Downstream, Downstream, Dimmed, Dimmed,
                Upstream, Upstream
            ]
        );
        assert_eq!(highlights(&l, Some(99)), vec![Plain; 10]);
        assert_eq!(Selected.node_class(), " node--selected");
        assert_eq!(Upstream.node_class(), " node--up");
        assert_eq!(Downstream.node_class(), " node--down");
        assert_eq!(Dimmed.node_class(), " node--dim");
        assert_eq!(Plain.node_class(), "");
    }

    #[test]
    fn edges_light_up_along_the_selection_paths_only() {
        let look = |f, t| {
            let e = EdgeLook::of(f, t);
            (e.hi, e.dim)
        };
        assert_eq!(look(Plain, Plain), (false, false));
        assert_eq!(look(Upstream, Selected), (true, false));
        assert_eq!(look(Upstream, Upstream), (true, false));
        assert_eq!(look(Selected, Downstream), (true, false));
        assert_eq!(look(Downstream, Downstream), (true, false));
        // stg.b -> mart.y: an ancestor feeding a descendant, not a path of the selection.
        assert_eq!(look(Upstream, Downstream), (false, true));
        assert_eq!(look(Dimmed, Upstream), (false, true));
        assert_eq!(look(Downstream, Dimmed), (false, true));
        let hi = EdgeLook::of(Selected, Downstream);
        assert_eq!(hi.class(false), "edge edge--hi");
        assert_eq!(hi.marker(), "url(#arrow-hi)");
        let dim = EdgeLook::of(Dimmed, Dimmed);
        assert_eq!(dim.class(true), "edge edge--dim edge--reversed");
        assert_eq!(dim.marker(), "url(#arrow)");
        assert_eq!(EdgeLook::of(Plain, Plain).class(false), "edge");
    }

    #[test]
    fn focus_centres_the_selection_or_fits_or_finds_a_failure() {
        let r = run();
        let l = Lineage::from_run(&r);
        let status = crate::core::lineage::node_status(&l, &r.executions);
        let all = Shown::everything(&l);
        let start = Camera::START;
        // Selection: its box centre mid-screen at zoom max(current, 0.8).
        let big = Viewport {
            width: 2000.0,
            height: 1200.0,
        };
        let int = l.index_of("int.ab").unwrap();
        let c = all.layout.nodes[int].center();
        assert_eq!(
            all.focus(Some(int), &status, big, start),
            Camera {
                tx: 1000.0 - c.x,
                ty: 600.0 - c.y,
                k: 1.0
            }
        );
        // No selection, a failure: int.ab failed; it and its downstream
        // (mart.x, mart.y, rpt.z) framed.
        let framed: Vec<_> = ["int.ab", "mart.x", "mart.y", "rpt.z"]
            .iter()
            .map(|n| all.layout.nodes[all.position(l.index_of(n).unwrap()).unwrap()])
            .collect();
        let x0 = framed.iter().map(|b| b.x).fold(f64::MAX, f64::min);
        let y0 = framed.iter().map(|b| b.y).fold(f64::MAX, f64::min);
        let x1 = framed
            .iter()
            .map(|b| b.x + b.width)
            .fold(f64::MIN, f64::max);
        let y1 = framed
            .iter()
            .map(|b| b.y + b.height)
            .fold(f64::MIN, f64::max);
        let f = Camera::fit(x1 - x0, y1 - y0, big);
        assert_eq!(
            all.focus(None, &status, big, start),
            Camera {
                tx: f.tx - x0 * f.k,
                ty: f.ty - y0 * f.k,
                k: f.k
            }
        );
        // No failure and the graph readable when fitted: fit.
        let none = vec![None; status.len()];
        assert_eq!(
            all.focus(None, &none, big, start),
            Camera::fit(all.layout.width, all.layout.height, big)
        );
        // No failure, too small to read when fitted: the left edge at a
        // readable zoom, the leftmost model at mid-height.
        let tiny = Viewport {
            width: 200.0,
            height: 100.0,
        };
        let first = all
            .layout
            .nodes
            .iter()
            .min_by(|a, b| a.x.total_cmp(&b.x))
            .copied()
            .unwrap();
        let sources = all.focus(None, &none, tiny, start);
        assert_eq!(sources.k, 1.0);
        assert_eq!(sources.tx, FIT_PADDING - first.x);
        assert_eq!(sources.ty, 50.0 - first.center().y);
        // Too small to read when fitted: the first failed model, centred at 80 %.
        let small = Viewport {
            width: 300.0,
            height: 200.0,
        };
        let far = Camera {
            tx: 0.0,
            ty: 0.0,
            k: 0.1,
        };
        assert_eq!(
            all.focus(None, &status, small, far),
            Camera {
                tx: 150.0 - c.x * 0.8,
                ty: 100.0 - c.y * 0.8,
                k: 0.8
            }
        );
        // Without failures: the left edge at FIT_PADDING, the leftmost box
        // (the first of them) at mid-height.
        let left = (0..l.len())
            .min_by(|&a, &b| all.layout.nodes[a].x.total_cmp(&all.layout.nodes[b].x))
            .unwrap();
        assert_eq!(l.names[left], "lone");
        let lc = all.layout.nodes[left].center();
        assert_eq!(
            all.focus(None, &vec![None; l.len()], small, far),
            Camera {
                tx: FIT_PADDING - all.layout.nodes[left].x * 0.8,
                ty: 100.0 - lc.y * 0.8,
                k: 0.8
            }
        );
        // A selection outside the shown neighbourhood falls back to the rules above.
        let hood = Shown::neighbourhood(&l, l.index_of("lone").unwrap(), Hood::OneHop).unwrap();
        assert_eq!(
            hood.focus(Some(int), &status, big, start),
            Camera::fit(hood.layout.width, hood.layout.height, big)
        );
        // An empty graph: fit (no target, no panic).
        let empty = Shown {
            nodes: vec![],
            layout: Arc::new(Layout::default()),
        };
        assert_eq!(
            empty.focus(Some(0), &[], small, far),
            Camera::fit(0.0, 0.0, small)
        );
        assert!(Camera::fit(0.0, 0.0, small).k > MIN_ZOOM);
    }

    #[test]
    fn node_text() {
        assert_eq!(short_name("marts.fct_orders"), "marts.fct_orders");
        let long = "x".repeat(48);
        assert_eq!(short_name(&long), long);
        assert_eq!(short_name(&"é".repeat(60)), format!("{}…", "é".repeat(47)));
        assert_eq!(badge_label(Some(&Status::Failed), false, "view"), "Failed");
        assert_eq!(badge_label(None, true, ""), "source");
        assert_eq!(badge_label(None, false, "source"), "source");
        assert_eq!(badge_label(None, false, "view"), "not run");
        assert_eq!(badge_width("Failed"), 6.0 * 6.2 + 14.0);
    }

    #[test]
    fn kinds_failures_and_search() {
        let r = run();
        let l = Lineage::from_run(&r);
        // stg.a stg.b int.ab mart.x mart.y rpt.z lone ghost raw.a raw.b
        assert_eq!(
            node_kinds(&l, &r.models),
            [
                "view",
                "source",
                "incremental",
                "unknown",
                "unknown",
                "unknown",
                "unknown",
                "",
                "source",
                "source"
            ]
        );
        let f = failure_lines(&l, &r.executions);
        assert_eq!(
            f[l.index_of("int.ab").unwrap()].as_deref(),
            Some("Catalog Error: table missing")
        );
        assert_eq!(f.iter().filter(|e| e.is_some()).count(), 1);
        assert_eq!(search_models(&l, ""), (0..10).collect::<Vec<_>>());
        assert_eq!(search_models(&l, " \t "), (0..10).collect::<Vec<_>>());
        assert_eq!(search_models(&l, "  STG  "), [0, 1]);
        assert_eq!(search_models(&l, "a b"), [2, 9]);
        assert_eq!(search_models(&l, "nothing"), Vec::<usize>::new());
        assert_eq!(
            last_execution(&r, "int.ab").and_then(|e| e.error.as_deref()),
            Some("Catalog Error: table missing")
        );
        assert_eq!(last_execution(&r, "raw.a"), None);
    }

    #[test]
    fn modification_and_chips() {
        let s = ChangeSummary {
            added: vec!["a".into()],
            directly_modified: vec!["d".into(), "a".into()],
            indirectly_modified: vec!["i".into()],
            ..ChangeSummary::default()
        };
        assert_eq!(modification(&s, "a"), Some("added"));
        assert_eq!(modification(&s, "d"), Some("directly modified"));
        assert_eq!(modification(&s, "i"), Some("indirectly modified"));
        assert_eq!(modification(&s, "x"), None);
        let r = run();
        let pairs = |m: Option<&Model>| -> Vec<String> {
            chips(m)
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect()
        };
        assert_eq!(
            pairs(r.models.iter().find(|m| m.name == "int.ab")),
            [
                "type: SQL",
                "kind: INCREMENTAL_BY_TIME_RANGE",
                "cron: @daily",
                "interval: —",
                "dialect: duckdb"
            ]
        );
        assert_eq!(
            pairs(r.models.iter().find(|m| m.name == "stg.b")),
            [
                "type: external",
                "kind: EXTERNAL",
                "cron: —",
                "interval: —",
                "dialect: —",
                "owner: ana"
            ]
        );
        assert_eq!(pairs(None), ["type: external (not in this run)"]);
    }

    #[test]
    fn arrow_keys_walk_along_edges_and_columns() {
        let l = Lineage::from_run(&run());
        let s = Shown::everything(&l);
        let pos = |name: &str| s.position(l.index_of(name).unwrap()).unwrap();
        let name = |p: Option<usize>| p.map(|p| l.names[s.nodes[p]].clone());
        let int = pos("int.ab");
        assert!(matches!(
            name(s.step(int, Step::Downstream)).as_deref(),
            Some("mart.x" | "mart.y")
        ));
        assert!(matches!(
            name(s.step(int, Step::Upstream)).as_deref(),
            Some("stg.a" | "stg.b")
        ));
        assert_eq!(
            name(s.step(pos("rpt.z"), Step::Upstream)).as_deref(),
            Some("mart.x")
        );
        assert_eq!(s.step(pos("rpt.z"), Step::Downstream), None);
        assert_eq!(s.step(pos("raw.a"), Step::Upstream), None);
        let (x, y) = (pos("mart.x"), pos("mart.y"));
        let (top, bottom) = if s.layout.nodes[x].y < s.layout.nodes[y].y {
            (x, y)
        } else {
            (y, x)
        };
        assert_eq!(s.step(top, Step::Below), Some(bottom));
        assert_eq!(s.step(bottom, Step::Above), Some(top));
        assert_eq!(s.step(top, Step::Above), None);
        assert_eq!(s.step(99, Step::Below), None);
    }

    #[test]
    fn focus_on_a_big_failed_graph_walks_each_edge_once() {
        // A 20,000-model chain whose first model failed: framing its
        // downstream visits each edge once (it took 6 s in the browser when
        // every step scanned every edge).
        let n = 20_000;
        let layout = Layout {
            nodes: (0..n)
                .map(|i| crate::core::graph::NodeBox {
                    x: i as f64 * 200.0,
                    y: 0.0,
                    width: 180.0,
                    height: 44.0,
                    layer: i,
                    component: 0,
                })
                .collect(),
            edges: (1..n)
                .map(|i| crate::core::graph::EdgePath {
                    from: i - 1,
                    to: i,
                    points: vec![],
                    reversed: false,
                })
                .collect(),
            width: n as f64 * 200.0,
            height: 44.0,
            ..Layout::default()
        };
        let shown = Shown {
            nodes: (0..n).collect(),
            layout: Arc::new(layout),
        };
        let mut status = vec![Some(Status::Skipped); n];
        status[0] = Some(Status::Failed);
        let view = Viewport {
            width: 1000.0,
            height: 600.0,
        };
        let c = shown.focus(None, &status, view, Camera::START);
        // Too long to frame readably: the failed model centred at a readable zoom.
        assert_eq!(
            c,
            Camera::START.centred_on(shown.layout.nodes[0].center(), view)
        );
    }
}
