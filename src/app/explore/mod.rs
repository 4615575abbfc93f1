//! Explore Executions: the searchable model list, the lineage graph (laid
//! out by `core::graph`, drawn as SVG with pan, zoom, culling and level of
//! detail) and the selected model's details.

use super::api::Api;
use super::log::LogView;
use super::run::ViewCtl;
use super::widgets::{StatusBadge, Timestamp, Zone};
use crate::core::changes::summarize;
use crate::core::cron;
use crate::core::format;
use crate::core::graph::{self, Layout, Options, Point, Size};
use crate::core::lineage::{group_by_status, kind_short, node_size, node_status, Lineage};
use crate::core::model::{Execution, Model, Run, Status};
use crate::core::route::{self, Hood, ModelTab, RunView};
use crate::core::sql::highlight;
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::Arc;

/// Shares a computed value by pointer; equal only to itself (cheap memo compare).
struct Shared<T>(Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The graph on screen: all models, or the selection's neighbourhood laid out anew.
struct Active {
    /// Lineage index of each node of `layout`.
    nodes: Vec<usize>,
    layout: Layout,
}

#[derive(Clone, Copy, PartialEq, Debug)]
struct Camera {
    tx: f64,
    ty: f64,
    k: f64,
}

const MIN_ZOOM: f64 = 0.03;
const MAX_ZOOM: f64 = 2.5;
/// Below this zoom, nodes are drawn without text.
const TEXT_ZOOM: f64 = 0.42;

fn status_css(s: &Option<Status>) -> &'static str {
    s.as_ref().map_or("none", Status::css)
}

fn first_line(s: &str) -> String {
    crate::core::health::headline(s).to_string()
}

/// Cubic curve through an edge's polyline, horizontal at every point.
fn edge_path(points: &[Point]) -> String {
    let mut d = format!("M{:.1},{:.1}", points[0].x, points[0].y);
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let dx = (b.x - a.x) / 2.0;
        d.push_str(&format!(
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            a.x + dx,
            a.y,
            b.x - dx,
            b.y,
            b.x,
            b.y
        ));
    }
    d
}

#[component]
pub fn ExploreTab(run: Arc<Run>, lineage: Arc<Lineage>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let status = Arc::new(node_status(&lineage, &run.executions));
    let full = Shared(Arc::new(Active {
        nodes: (0..lineage.len()).collect(),
        layout: lineage.layout(&Options::default()),
    }));
    let selected = {
        let l = lineage.clone();
        Memo::new(move |_| ctl.view.read().model.as_ref().and_then(|m| l.index_of(m)))
    };
    let unknown_model = {
        let l = lineage.clone();
        Memo::new(move |_| {
            ctl.view
                .read()
                .model
                .clone()
                .filter(|m| l.index_of(m).is_none())
        })
    };
    let hood = Memo::new(move |_| ctl.view.read().hood);
    let active = {
        let l = lineage.clone();
        Memo::new(move |_| match (selected.get(), hood.get()) {
            (Some(sel), h) if h != Hood::Everything => {
                let mask = l.neighbourhood(sel, h == Hood::Lineage);
                let nodes: Vec<usize> = (0..l.len()).filter(|&i| mask[i]).collect();
                let mut local = vec![usize::MAX; l.len()];
                for (i, &v) in nodes.iter().enumerate() {
                    local[v] = i;
                }
                let sizes: Vec<Size> = nodes.iter().map(|&v| node_size(&l.names[v])).collect();
                let edges: Vec<(usize, usize)> = l
                    .edges
                    .iter()
                    .filter(|(a, b)| mask[*a] && mask[*b])
                    .map(|&(a, b)| (local[a], local[b]))
                    .collect();
                Shared(Arc::new(Active {
                    layout: graph::layout(&sizes, &edges, &Options::default()),
                    nodes,
                }))
            }
            _ => full.clone(),
        })
    };
    // Highlight: 0 = no selection, 1 = selected, 2 = upstream, 3 = downstream, 4 = dimmed.
    let marks = {
        let l = lineage.clone();
        Memo::new(move |_| {
            let mut m = vec![0u8; l.len()];
            if let Some(sel) = selected.get() {
                m.iter_mut().for_each(|x| *x = 4);
                for a in l.ancestors(sel) {
                    m[a] = 2;
                }
                for d in l.descendants(sel) {
                    m[d] = 3;
                }
                m[sel] = 1;
            }
            Shared(Arc::new(m))
        })
    };
    let summary = Arc::new(summarize(&run.changes));
    let kinds: Arc<Vec<String>> = {
        let mut k: Vec<String> = lineage
            .external
            .iter()
            .map(|&ext| if ext { "source".into() } else { String::new() })
            .collect();
        for m in &run.models {
            if let Some(i) = lineage.index_of(&m.name) {
                k[i] = kind_short(&m.kind);
            }
        }
        Arc::new(k)
    };
    let cycle_note = move || {
        let a = active.get();
        let (r, s) = (a.0.layout.reversed.len(), a.0.layout.self_loops.len());
        (r + s > 0).then(|| {
            view! {
                <div class="warning" role="note" data-testid="cycle-note">
                    {format!(
                        "The lineage has cycles: {r} edge(s) drawn right to left (dashed) and {s} self-reference(s) not drawn."
                    )}
                </div>
            }
        })
    };
    let (l1, s1, r1) = (lineage.clone(), status.clone(), run.clone());
    let (l2, s2) = (lineage.clone(), status.clone());
    let (l3, s3, r3) = (lineage.clone(), status.clone(), run.clone());
    view! {
        <div class="explore" data-testid="explore">
            <ModelList lineage=l1 status=s1 run=r1 selected=selected />
            <div class="explore__main">
                {move || unknown_model.get().map(|m| view! {
                    <div class="warning" role="note">{format!("This run has no model named \u{201c}{m}\u{201d}.")}</div>
                })}
                {cycle_note}
                <GraphCanvas lineage=l2 status=s2 active=active selected=selected marks=marks kinds=kinds />
                {move || {
                    selected
                        .get()
                        .map(|sel| {
                            view! { <ModelDetails lineage=l3.clone() status=s3.clone() run=r3.clone() node=sel summary=summary.clone() /> }
                        })
                }}
            </div>
        </div>
    }
}

/// Link to a model in Explore Executions, keeping the rest of the view.
fn model_href(run: &Run, view: &RunView, name: &str) -> String {
    format!(
        "{}{}",
        route::run(&run.environment, run.id.as_str()),
        view.explore(name).to_query()
    )
}

#[component]
fn ModelList(
    lineage: Arc<Lineage>,
    status: Arc<Vec<Option<Status>>>,
    run: Arc<Run>,
    selected: Memo<Option<usize>>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // The list's search is part of the URL (`mq`), like every filter.
    let query = Memo::new(move |_| ctl.view.read().model_query.clone());
    const LIMIT: usize = 400;
    // First error line per model, for failed models.
    let errors: Arc<Vec<Option<String>>> = {
        let mut e = vec![None; lineage.len()];
        for ex in run.executions.iter().filter(|x| x.status == Status::Failed) {
            if let (Some(i), Some(err)) = (lineage.index_of(&ex.model), &ex.error) {
                e[i] = Some(first_line(err));
            }
        }
        Arc::new(e)
    };
    let total = lineage.len();
    let matches = {
        let l = lineage.clone();
        Memo::new(move |_| {
            let terms: Vec<String> = query
                .read()
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            (0..l.len())
                .filter(|&i| {
                    let n = l.names[i].to_lowercase();
                    terms.iter().all(|t| n.contains(t.as_str()))
                })
                .collect::<Vec<usize>>()
        })
    };
    view! {
        <aside class="model-list" aria-label="Models of this run">
            <input
                class="filter filter--full"
                type="search"
                placeholder="Search models"
                aria-label="Search models"
                prop:value=move || query.get()
                on:input=move |e| {
                    let q = event_target_value(&e);
                    ctl.update(|v| v.model_query = q);
                }
            />
            <div class="muted model-list__count">
                {move || format!("{} of {total} models", matches.read().len())}
            </div>
            <ul data-testid="model-list">
                {move || {
                    let m = matches.get();
                    let more = m.len().saturating_sub(LIMIT);
                    let items = m
                        .into_iter()
                        .take(LIMIT)
                        .map(|i| {
                            let name = lineage.names[i].clone();
                            let href = {
                                let (run, name) = (run.clone(), name.clone());
                                move || ctl.view.with(|v| model_href(&run, v, &name))
                            };
                            let st = status[i].clone();
                            let err = errors[i].clone();
                            view! {
                                <li class:selected=move || selected.get() == Some(i) data-model=name.clone()>
                                    <a href=href class="model-list__name mono">{name.clone()}</a>
                                    {match st {
                                        Some(s) => view! { <StatusBadge status=s /> }.into_any(),
                                        None => view! { <span class="muted small">"not run"</span> }.into_any(),
                                    }}
                                    {err.map(|e| view! { <div class="model-list__error">{e}</div> })}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        {items}
                        {(more > 0).then(|| view! { <li class="muted">{format!("{more} more: refine the search")}</li> })}
                    }
                }}
            </ul>
        </aside>
    }
}

#[component]
fn GraphCanvas(
    lineage: Arc<Lineage>,
    status: Arc<Vec<Option<Status>>>,
    active: Memo<Shared<Active>>,
    selected: Memo<Option<usize>>,
    marks: Memo<Shared<Vec<u8>>>,
    kinds: Arc<Vec<String>>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let container: NodeRef<Div> = NodeRef::new();
    let size = RwSignal::new((960.0f64, 560.0f64));
    let camera = RwSignal::new(Camera {
        tx: 20.0,
        ty: 20.0,
        k: 1.0,
    });
    let drag = StoredValue::new(None::<(f64, f64, Camera)>);
    let moved = StoredValue::new(false);

    let measure = move || {
        if let Some(el) = container.get_untracked() {
            let (w, h) = (el.client_width() as f64, el.client_height() as f64);
            if w > 0.0 && h > 0.0 {
                size.set((w, h));
            }
        }
    };
    let fit = move || {
        let a = active.get_untracked();
        let (w, h) = size.get_untracked();
        let (gw, gh) = (a.0.layout.width.max(1.0), a.0.layout.height.max(1.0));
        let k = ((w - 40.0) / gw).min((h - 40.0) / gh).clamp(MIN_ZOOM, 1.0);
        camera.set(Camera {
            tx: (w - gw * k) / 2.0,
            ty: (h - gh * k) / 2.0,
            k,
        });
    };
    // Centre the selected model (keeping a readable zoom); without a
    // selection fit everything, unless that would be too small to read: then
    // centre the first failed model (or the first column) at a readable zoom.
    let st_f = status.clone();
    let focus = move || {
        let a = active.get_untracked();
        let target = selected
            .get_untracked()
            .and_then(|s| a.0.nodes.iter().position(|&v| v == s))
            .or_else(|| {
                let (w, h) = size.get_untracked();
                let k_fit = ((w - 40.0) / a.0.layout.width.max(1.0))
                    .min((h - 40.0) / a.0.layout.height.max(1.0));
                if k_fit >= TEXT_ZOOM + 0.1 || a.0.nodes.is_empty() {
                    return None;
                }
                a.0.nodes
                    .iter()
                    .position(|&v| st_f[v] == Some(Status::Failed))
                    .or_else(|| {
                        (0..a.0.nodes.len()).min_by(|&x, &y| {
                            a.0.layout.nodes[x].x.total_cmp(&a.0.layout.nodes[y].x)
                        })
                    })
            });
        match target {
            Some(p) => {
                let c = a.0.layout.nodes[p].center();
                let (w, h) = size.get_untracked();
                let k = camera.get_untracked().k.max(0.8);
                camera.set(Camera {
                    tx: w / 2.0 - c.x * k,
                    ty: h / 2.0 - c.y * k,
                    k,
                });
            }
            None => fit(),
        }
    };
    // On mount, on a new selection and on a new graph: measure, then focus.
    Effect::new(move |_| {
        let _ = (selected.get(), active.get());
        if container.get().is_some() {
            measure();
            focus();
        }
    });
    let zoom_at = move |cx: f64, cy: f64, factor: f64| {
        camera.update(|c| {
            let k = (c.k * factor).clamp(MIN_ZOOM, MAX_ZOOM);
            c.tx = cx - (cx - c.tx) * k / c.k;
            c.ty = cy - (cy - c.ty) * k / c.k;
            c.k = k;
        });
    };

    // Culling: only nodes and edges whose boxes meet the viewport (plus a margin).
    let visible = Memo::new(move |_| {
        let a = active.get();
        let c = camera.get();
        let (w, h) = size.get();
        let margin = 120.0 / c.k;
        let (x0, y0) = (-c.tx / c.k - margin, -c.ty / c.k - margin);
        let (x1, y1) = (x0 + w / c.k + 2.0 * margin, y0 + h / c.k + 2.0 * margin);
        let nodes: Vec<usize> =
            a.0.layout
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.x < x1 && b.x + b.width > x0 && b.y < y1 && b.y + b.height > y0)
                .map(|(i, _)| i)
                .collect();
        let edges: Vec<usize> = a
            .0
            .layout
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                let (mut ex0, mut ey0, mut ex1, mut ey1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for p in &e.points {
                    ex0 = ex0.min(p.x);
                    ey0 = ey0.min(p.y);
                    ex1 = ex1.max(p.x);
                    ey1 = ey1.max(p.y);
                }
                ex0 < x1 && ex1 > x0 && ey0 < y1 && ey1 > y0
            })
            .map(|(i, _)| i)
            .collect();
        (nodes, edges)
    });
    let show_text = Memo::new(move |_| camera.get().k >= TEXT_ZOOM);
    let hood = Memo::new(move |_| ctl.view.read().hood);
    let zoom_label = move || format!("{:.0}%", camera.get().k * 100.0);

    let select = move |name: Option<String>| ctl.update(|v| v.model = name);
    let (lin_n, st_n) = (lineage.clone(), status.clone());
    view! {
        <div class="graph">
            <div class="graph__toolbar">
                <button class="btn btn--small" on:click=move |_| { let (w, h) = size.get_untracked(); zoom_at(w / 2.0, h / 2.0, 1.25) } title="Zoom in" aria-label="Zoom in">"+"</button>
                <button class="btn btn--small" on:click=move |_| { let (w, h) = size.get_untracked(); zoom_at(w / 2.0, h / 2.0, 0.8) } title="Zoom out" aria-label="Zoom out">"−"</button>
                <button class="btn btn--small" on:click=move |_| fit() data-testid="fit">"Fit to view"</button>
                <span class="muted small zoom-label">{zoom_label}</span>
                <span class="graph__sep"></span>
                <span class="muted small">"Show"</span>
                <div class="seg" role="group" aria-label="Neighbourhood">
                    {[(Hood::Everything, "Everything"), (Hood::OneHop, "1 hop"), (Hood::Lineage, "All up/downstream")]
                        .into_iter()
                        .map(|(h, label)| {
                            view! {
                                <button
                                    class="seg__btn"
                                    aria-pressed=move || (hood.get() == h).to_string()
                                    disabled=move || h != Hood::Everything && selected.get().is_none()
                                    title=move || if selected.get().is_none() && h != Hood::Everything { "Select a model first" } else { "" }
                                    on:click=move |_| ctl.update(|v| v.hood = h)
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <span class="graph__legend">
                    {Status::KNOWN.iter().map(|s| view! { <span class=format!("legend legend--{}", s.css())>{s.label()}</span> }).collect_view()}
                </span>
            </div>
            <div
                class="graph__canvas"
                node_ref=container
                data-testid="graph"
                on:wheel=move |e| {
                    e.prevent_default();
                    let factor = (-e.delta_y() * 0.0015).exp();
                    zoom_at(e.offset_x() as f64, e.offset_y() as f64, factor);
                }
                on:pointerdown=move |e| {
                    drag.set_value(Some((e.client_x() as f64, e.client_y() as f64, camera.get_untracked())));
                    moved.set_value(false);
                }
                on:pointermove=move |e| {
                    if let Some((x, y, c)) = drag.get_value() {
                        let (dx, dy) = (e.client_x() as f64 - x, e.client_y() as f64 - y);
                        if dx.abs() + dy.abs() > 3.0 {
                            moved.set_value(true);
                        }
                        camera.set(Camera { tx: c.tx + dx, ty: c.ty + dy, k: c.k });
                    }
                }
                on:pointerup=move |_| drag.set_value(None)
                on:pointerleave=move |_| drag.set_value(None)
            >
                <svg class="graph__svg" width="100%" height="100%">
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow"></path>
                        </marker>
                        <marker id="arrow-hi" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow arrow--hi"></path>
                        </marker>
                    </defs>
                    <g transform=move || { let c = camera.get(); format!("translate({:.1},{:.1}) scale({:.4})", c.tx, c.ty, c.k) }>
                        {move || {
                            let a = active.get();
                            let m = marks.get();
                            let (_, edges) = visible.get();
                            edges
                                .into_iter()
                                .map(|ei| {
                                    let e = &a.0.layout.edges[ei];
                                    let (from, to) = (a.0.nodes[e.from], a.0.nodes[e.to]);
                                    let (mf, mt) = (m.0[from], m.0[to]);
                                    let hi = (matches!(mf, 1 | 2) && matches!(mt, 1 | 2)) || (matches!(mf, 1 | 3) && matches!(mt, 1 | 3));
                                    let dim = m.0[from] == 4 || m.0[to] == 4 || (m.0[from] != 0 && !hi);
                                    let class = format!(
                                        "edge{}{}{}",
                                        if hi { " edge--hi" } else { "" },
                                        if dim { " edge--dim" } else { "" },
                                        if e.reversed { " edge--reversed" } else { "" }
                                    );
                                    view! {
                                        <path
                                            class=class
                                            d=edge_path(&e.points)
                                            marker-end=if hi { "url(#arrow-hi)" } else { "url(#arrow)" }
                                        ></path>
                                    }
                                })
                                .collect_view()
                        }}
                        {move || {
                            let a = active.get();
                            let (nodes, _) = visible.get();
                            let text = show_text.get();
                            nodes
                                .into_iter()
                                .map(|p| {
                                    let b = a.0.layout.nodes[p];
                                    let v = a.0.nodes[p];
                                    let name = lin_n.names[v].clone();
                                    let st = st_n[v].clone();
                                    let ext = lin_n.external[v];
                                    let css = status_css(&st);
                                    let label = st.as_ref().map(|s| s.label()).unwrap_or_else(|| if ext || kinds[v] == "source" { "source".into() } else { "not run".into() });
                                    let badge_w = label.chars().count() as f64 * 6.2 + 14.0;
                                    let n2 = name.clone();
                                    let class = move || {
                                        let mk = marks.get().0[v];
                                        format!(
                                            "node node--{css}{}",
                                            match mk {
                                                1 => " node--selected",
                                                2 => " node--up",
                                                3 => " node--down",
                                                4 => " node--dim",
                                                _ => "",
                                            }
                                        )
                                    };
                                    view! {
                                        <g
                                            class=class
                                            data-model=name.clone()
                                            data-status=st.as_ref().map(|s| s.key().to_string()).unwrap_or_default()
                                            transform=format!("translate({:.1},{:.1})", b.x, b.y)
                                            on:click=move |_| {
                                                if !moved.get_value() {
                                                    select(Some(n2.clone()));
                                                }
                                            }
                                        >
                                            <title>{format!("{name} — {label}")}</title>
                                            <rect class="node__box" width=b.width height=b.height rx="8"></rect>
                                            <rect class="node__bar" width="5" height=b.height rx="2"></rect>
                                            {text.then(|| {
                                                let short = if name.chars().count() > 48 { format!("{}…", name.chars().take(47).collect::<String>()) } else { name.clone() };
                                                view! {
                                                    <text class="node__name" x="14" y="19">{short}</text>
                                                    <text class="node__kind" x="14" y="36">{kinds[v].clone()}</text>
                                                    <g class="node__badge" transform=format!("translate({:.1},27)", b.width - badge_w - 8.0)>
                                                        <rect width=badge_w height="14" rx="7"></rect>
                                                        <text x=badge_w / 2.0 y="10.5" text-anchor="middle">{label.clone()}</text>
                                                    </g>
                                                }
                                            })}
                                        </g>
                                    }
                                })
                                .collect_view()
                        }}
                    </g>
                </svg>
                {move || {
                    let a = active.get();
                    a.0.nodes.is_empty().then(|| view! { <div class="empty graph__empty">"This run touched no models."</div> })
                }}
            </div>
        </div>
    }
}

#[component]
fn ModelDetails(
    lineage: Arc<Lineage>,
    status: Arc<Vec<Option<Status>>>,
    run: Arc<Run>,
    node: usize,
    summary: Arc<crate::core::changes::ChangeSummary>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let name = lineage.names[node].clone();
    let model: Option<Model> = run.models.iter().find(|m| m.name == name).cloned();
    let exec: Option<Execution> = run
        .executions
        .iter()
        .rev()
        .find(|e| e.model == name)
        .cloned();
    let tab = Memo::new(move |_| ctl.view.read().model_tab);
    let modified = if summary.added.contains(&name) {
        Some("added")
    } else if summary.directly_modified.contains(&name) {
        Some("directly modified")
    } else if summary.indirectly_modified.contains(&name) {
        Some("indirectly modified")
    } else {
        None
    };
    let mut chips: Vec<(String, String)> = Vec::new();
    if let Some(m) = &model {
        chips.push((
            "type".into(),
            if m.kind == "EXTERNAL" {
                "external".into()
            } else {
                "SQL".into()
            },
        ));
        chips.push(("kind".into(), m.kind.clone()));
        chips.push(("cron".into(), m.cron.clone().unwrap_or_else(|| "—".into())));
        chips.push((
            "interval".into(),
            m.interval_unit.clone().unwrap_or_else(|| "—".into()),
        ));
        chips.push((
            "dialect".into(),
            m.dialect.clone().unwrap_or_else(|| "—".into()),
        ));
        if let Some(o) = &m.owner {
            chips.push(("owner".into(), o.clone()));
        }
    } else {
        chips.push(("type".into(), "external (not in this run)".into()));
    }
    let body = {
        let (lineage, status, run, model, exec, name) = (
            lineage.clone(),
            status.clone(),
            run.clone(),
            model.clone(),
            exec.clone(),
            name.clone(),
        );
        move || {
            match tab.get() {
            ModelTab::Overview => view! { <Overview run=run.clone() exec=exec.clone() model=model.clone() name=name.clone() /> }.into_any(),
            ModelTab::Impact => view! { <Impact lineage=lineage.clone() status=status.clone() run=run.clone() node=node /> }.into_any(),
            ModelTab::Definition => match model.as_ref().and_then(|m| m.definition.clone()) {
                Some(sql) => view! { <SqlView sql=sql /> }.into_any(),
                None => view! { <p class="empty">"No definition was sent for this model."</p> }.into_any(),
            },
            ModelTab::Schema => view! { <SchemaView model=model.clone() /> }.into_any(),
            ModelTab::Intervals => view! { <IntervalsView model=model.clone() /> }.into_any(),
            ModelTab::Log => view! { <LogView log_id=exec.as_ref().and_then(|e| e.log_id.clone()) /> }.into_any(),
        }
        }
    };
    view! {
        <section class="details" data-testid="model-details">
            <div class="details__head">
                <h2 class="mono" data-testid="model-name">{name.clone()}</h2>
                {status[node].clone().map(|s| view! { <StatusBadge status=s /> })}
            </div>
            <div class="details__chips">
                {chips.into_iter().map(|(k, v)| view! { <span class="chip"><span class="muted">{format!("{k}: ")}</span>{v}</span> }).collect_view()}
                {match modified {
                    Some(how) => view! { <span class="chip chip--modified">{format!("Modified since previous run: {how} by a plan")}</span> }.into_any(),
                    None => view! { <span class="chip">"Not modified since previous run"</span> }.into_any(),
                }}
            </div>
            <div class="tabs tabs--small" role="tablist">
                {ModelTab::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <button role="tab" class="tab" data-mtab=t.key() aria-selected=move || (tab.get() == t).to_string() on:click=move |_| ctl.update(|v| v.model_tab = t)>
                                {t.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="details__body">{body}</div>
        </section>
    }
}

#[component]
fn Overview(
    run: Arc<Run>,
    exec: Option<Execution>,
    model: Option<Model>,
    name: String,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let prev_id = run.previous_run_id.clone();
    let env = run.environment.clone();
    let n2 = name.clone();
    let previous = LocalResource::new(move || {
        let (api, prev_id, env, name) = (api.clone(), prev_id.clone(), env.clone(), n2.clone());
        async move {
            match prev_id {
                None => Ok(None),
                Some(id) => api.run(&env, id.as_str()).await.map(|r| {
                    let ex = r.executions.iter().rev().find(|e| e.model == name).cloned();
                    Some((r.id.clone(), ex))
                }),
            }
        }
    });
    let next_cron = model
        .as_ref()
        .and_then(|m| m.cron.clone())
        .and_then(|c| cron::next_after(&c, run.end.unwrap_or(run.start)));
    let exec_block = |e: Option<Execution>| {
        match e {
        Some(e) => view! {
            <dl class="kv">
                <dt>"Status"</dt><dd><StatusBadge status=e.status.clone() /></dd>
                <dt>"Start"</dt><dd><Timestamp t=e.start /></dd>
                <dt>"Duration"</dt><dd>{e.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Interval"</dt><dd><Timestamp t=e.interval_start />" → "<Timestamp t=e.interval_end /></dd>
                {e.error.map(|err| view! { <dt>"Error"</dt><dd><pre class="error-full">{err}</pre></dd> })}
            </dl>
        }
        .into_any(),
        None => view! { <p class="muted">"Not executed."</p> }.into_any(),
    }
    };
    let env2 = run.environment.clone();
    view! {
        <div class="overview">
            <div>
                <h3>"This run"</h3>
                {exec_block(exec.clone())}
            </div>
            <div>
                <h3>"Previous execution"</h3>
                {move || match previous.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Ok(None)) => view! { <p class="muted">"This is the first run."</p> }.into_any(),
                    Some(Ok(Some((id, ex)))) => view! {
                        <div>
                            {exec_block(ex)}
                            <a class="small" href=route::run(&env2, id.as_str())>{format!("Run {}", id.short())}</a>
                        </div>
                    }
                    .into_any(),
                    Some(Err(e)) => view! { <p class="muted">{format!("Unavailable: {e}")}</p> }.into_any(),
                }}
            </div>
            <div>
                <h3>"Next cron"</h3>
                {match next_cron {
                    Some(t) => view! { <p>"Scheduled " <Timestamp t=Some(t) /> " " <Zone /></p> }.into_any(),
                    None => view! { <p class="muted">"No schedule."</p> }.into_any(),
                }}
            </div>
        </div>
    }
}

#[component]
fn Impact(
    lineage: Arc<Lineage>,
    status: Arc<Vec<Option<Status>>>,
    run: Arc<Run>,
    node: usize,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let down = lineage.descendants(node);
    let up = lineage.ancestors(node);
    let column = |title: &'static str, nodes: Vec<usize>, testid: &'static str| {
        let total = nodes.len();
        let groups = group_by_status(&nodes, &lineage, &status);
        let run = run.clone();
        let lineage = lineage.clone();
        view! {
            <div class="impact__col" data-testid=testid>
                <h3>{title} " " <span class="tab__count">{total}</span></h3>
                {if total == 0 { Some(view! { <p class="muted">"None."</p> }) } else { None }}
                {groups
                    .into_iter()
                    .map(|(st, vs)| {
                        let label = st.as_ref().map(|s| s.label()).unwrap_or_else(|| "Not executed in this run".into());
                        let n = vs.len();
                        view! {
                            <div class="impact__group">
                                <div class="impact__group-head">
                                    {st.clone().map(|s| view! { <StatusBadge status=s /> }.into_any()).unwrap_or_else(|| view! { <span class="muted">{label.clone()}</span> }.into_any())}
                                    <span class="tab__count">{n}</span>
                                </div>
                                <ul>
                                    {vs.into_iter()
                                        .map(|v| {
                                            let name = lineage.names[v].clone();
                                            let href = {
                                                let (run, name) = (run.clone(), name.clone());
                                                move || ctl.view.with(|view| model_href(&run, view, &name))
                                            };
                                            let label = name.clone();
                                            view! { <li><a class="mono" href=href data-model=name>{label}</a></li> }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    view! {
        <div class="impact">
            {column("Downstream models", down, "impact-down")}
            {column("Upstream models", up, "impact-up")}
        </div>
    }
}

#[component]
fn SqlView(sql: String) -> impl IntoView {
    let lines = highlight(&sql);
    view! {
        <div class="sql" data-testid="sql">
            <table>
                <tbody>
                    {lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, toks)| {
                            view! {
                                <tr>
                                    <td class="sql__ln">{i + 1}</td>
                                    <td class="sql__code">
                                        {toks.into_iter().map(|(t, s)| view! { <span class=t.css()>{s}</span> }).collect_view()}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn SchemaView(model: Option<Model>) -> impl IntoView {
    let cols = model.map(|m| m.columns).unwrap_or_default();
    if cols.is_empty() {
        return view! { <p class="empty">"No columns were sent for this model."</p> }.into_any();
    }
    view! {
        <table class="grid schema" data-testid="schema">
            <thead><tr><th>"Column"</th><th>"Type"</th><th>"Description"</th></tr></thead>
            <tbody>
                {cols
                    .into_iter()
                    .map(|c| view! {
                        <tr>
                            <td class="mono">{c.name}</td>
                            <td class="mono muted">{c.data_type}</td>
                            <td>{c.description.unwrap_or_default()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn IntervalsView(model: Option<Model>) -> impl IntoView {
    let ivs = model.map(|m| m.intervals).unwrap_or_default();
    if ivs.is_empty() {
        return view! { <p class="empty">"No loaded intervals were sent for this model."</p> }
            .into_any();
    }
    view! {
        <table class="grid" data-testid="intervals">
            <thead><tr><th>"Start " <Zone /></th><th>"End " <Zone /></th><th class="num">"Span"</th></tr></thead>
            <tbody>
                {ivs
                    .into_iter()
                    .map(|iv| view! {
                        <tr>
                            <td><Timestamp t=Some(iv.start) /></td>
                            <td><Timestamp t=Some(iv.end) /></td>
                            <td class="num">{format::human_duration(iv.end - iv.start)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
