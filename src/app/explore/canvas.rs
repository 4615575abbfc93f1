//! The lineage graph on screen: an SVG whose one `<g>` carries the camera
//! transform. Close up, only the boxes and edges in view are in the DOM
//! (keyed, so a pan adds and removes only those that enter or leave); far
//! out or crowded, the graph is a few paths of marks (`core::lod`), with a
//! mini-map. Nodes are focusable: arrow keys walk along edges and columns,
//! Enter opens the model, `f` fits, `+` / `-` zoom. Camera maths and
//! culling are `core::camera`; marks and node text are `core::explore`.

use crate::app::api::next_task;
use crate::app::shared::Shared;
use crate::app::url_state::ViewCtl;
use crate::core::camera::{in_view, wheel_factor, Camera, InView, Viewport, ZOOM_IN, ZOOM_OUT};
use crate::core::explore::{
    badge_label, badge_width, node_label, short_name, EdgeLook, Highlight, Shown, Step,
};
use crate::core::graph::curve;
use crate::core::lineage::Lineage;
use crate::core::lod::{
    edge_path, edge_path_of, edges_one_by_one, mark_paths, node_at, to_layout, Detail, Drawn,
    Minimap,
};
use crate::core::model::Status;
use crate::core::route::Hood;
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::{Arc, Weak};
use wasm_bindgen::JsCast;

/// A wheel zoom over marks is drawn anew once the wheel rests this long.
const WHEEL_REST_MS: u64 = 150;
/// Dragging boxes, the drawing follows the view every this many pixels
/// (less than `CULL_MARGIN`, so what comes into view was drawn).
const REDRAW_AFTER_PX: f64 = 80.0;

#[component]
pub(super) fn GraphCanvas(
    lineage: Arc<Lineage>,
    status: Memo<Arc<Vec<Option<Status>>>>,
    active: Memo<Shared<Shown>>,
    laying_out: RwSignal<Option<usize>>,
    selected: Memo<Option<usize>>,
    marks: Memo<Shared<Vec<Highlight>>>,
    kinds: Arc<Vec<String>>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let container: NodeRef<Div> = NodeRef::new();
    let size = RwSignal::new(Viewport::DEFAULT);
    // What the drawing is built with, and, while a drag (or over marks, a
    // wheel zoom) is under way, what is seen: the compositor moves the
    // painted graph (a CSS transform) and the drawing follows.
    let camera = RwSignal::new(Camera::START);
    let preview = RwSignal::new(None::<Camera>);
    let seen = Memo::new(move |_| preview.get().unwrap_or_else(|| camera.get()));
    let commit = move || {
        if let Some(p) = preview.get_untracked() {
            camera.set(p);
            preview.set(None);
        }
    };
    let wheel_generation = StoredValue::new(0u32);
    let detail_at_press = StoredValue::new(Detail::Boxes);
    let drag = StoredValue::new(None::<(f64, f64, Camera)>);
    let moved = StoredValue::new(false);
    // A pointer event's screen point in the canvas (offsetX would be in the
    // moved picture's, or the mini-map's, coordinates when over them).
    let canvas_point = move |e: &web_sys::MouseEvent| {
        let r = container.get_untracked()?.get_bounding_client_rect();
        Some((
            e.client_x() as f64 - r.left(),
            e.client_y() as f64 - r.top(),
        ))
    };

    let measure = move || {
        if let Some(el) = container.get_untracked() {
            let (w, h) = (el.client_width() as f64, el.client_height() as f64);
            if w > 0.0 && h > 0.0 {
                size.set(Viewport {
                    width: w,
                    height: h,
                });
            }
        }
    };
    let fit = move || {
        let a = active.get_untracked();
        // A fit or a zoom ends a drag under way (its start no longer holds).
        drag.set_value(None);
        preview.set(None);
        camera.set(Camera::fit(
            a.0.layout.width,
            a.0.layout.height,
            size.get_untracked(),
        ));
    };
    // On mount, on a new selection and on a new graph: measure, then focus.
    // On mount, before the next frame rather than as the page is built
    // (reading a size forces the layout of the page into the task that
    // built it).
    // The graph the camera was last focused on: a new graph is drawn
    // once the camera looks at it (not first where the last one looked).
    let focused_on = RwSignal::new(GraphId::default());
    let measure_and_focus = move || {
        if container.try_get_untracked().flatten().is_none() {
            return;
        }
        measure();
        let a = active.get_untracked();
        preview.set(None);
        camera.set(a.0.focus(
            selected.get_untracked(),
            &status.get_untracked(),
            size.get_untracked(),
            camera.get_untracked(),
        ));
        focused_on.set(graph_id(&a));
    };
    Effect::new(move |mounted: Option<bool>| {
        let _ = (selected.get(), active.get());
        let here = container.get().is_some();
        match mounted {
            Some(true) => measure_and_focus(),
            _ if here => request_animation_frame(measure_and_focus),
            _ => {}
        }
        here
    });
    let zoom_at = move |cx: f64, cy: f64, factor: f64| {
        drag.set_value(None);
        commit();
        camera.update(|c| *c = c.zoomed_at(cx, cy, factor));
    };
    let zoom_centre = move |factor: f64| {
        let c = size.get_untracked().centre();
        zoom_at(c.x, c.y, factor);
    };

    // Culling: only nodes and edges whose boxes meet the viewport (plus a margin).
    // Far out every node is a mark and nothing is culled.
    let visible = Memo::new(move |_| {
        let c = camera.get();
        let a = active.get();
        if Detail::at(c, 0) == Detail::Marks || focused_on.get() != graph_id(&a) {
            return InView::default();
        }
        in_view(&a.0.layout, c, size.get())
    });
    let show_text = Memo::new(move |_| camera.get().shows_text());
    let detail = Memo::new(move |_| Detail::at(camera.get(), visible.read().nodes.len()));
    let one_by_one = Memo::new(move |_| edges_one_by_one(visible.read().edges.len()));
    let hood = Memo::new(move |_| ctl.view.read().hood);
    let zoom_label = move || seen.get().zoom_label();
    // Far out: every node a mark, every edge a line (built once per graph
    // and statuses, not per frame).
    let marks_paths = Memo::new(move |_| {
        let a = active.get();
        Shared(Arc::new(mark_paths(&a.0.layout, &a.0.nodes, &status.get())))
    });
    let edges_path = Memo::new(move |_| Shared(Arc::new(edge_path(&active.get().0.layout))));
    // A new graph's boxes and edges in view are drawn a task's worth at a
    // time (`Drawn`): stage 0 with the graph, one more each task after,
    // until all that is in view is drawn; from then on (pans, zooms)
    // whatever comes into view is drawn at once.
    // The steps start once the camera is focused on the graph (before, the
    // view is not known, and a hidden tab has no frame to focus in).
    let stage = RwSignal::new((GraphId::default(), 0usize));
    let drawn = Memo::new(move |_| {
        let g = graph_id(&active.get());
        let s = stage.with(|(sg, s)| if *sg == g { *s } else { 0 });
        let v = visible.read();
        Drawn::at(s, v.nodes.len(), v.edges.len())
    });
    let steps = StoredValue::new(0u64);
    Effect::new(move |_| {
        let g = graph_id(&active.get());
        if focused_on.get() != g || stage.with_untracked(|(sg, s)| *sg == g && *s == usize::MAX) {
            return;
        }
        // One stepping per graph: a refocus restarts none drawn already.
        let mine = steps.get_value() + 1;
        steps.set_value(mine);
        let mut s = stage.with_untracked(|(sg, s)| if *sg == g { *s } else { 0 });
        leptos::task::spawn_local(async move {
            loop {
                next_task().await;
                // A newer graph, a newer stepping (or no canvas) wins.
                if steps.try_get_value() != Some(mine)
                    || active.try_with_untracked(|a| graph_id(a) == g) != Some(true)
                {
                    return;
                }
                if drawn.get_untracked().all {
                    stage.set((g, usize::MAX));
                    return;
                }
                s += 1;
                stage.set((g.clone(), s));
            }
        });
    });
    let minimap = Memo::new(move |_| Minimap::new(&active.get().0.layout));
    // The mini-map of a new graph is drawn in a task of its own, after the
    // graph itself (its marks cover every node).
    let minimap_of = RwSignal::new(GraphId::default());
    Effect::new(move |_| {
        let g = graph_id(&active.get());
        leptos::task::spawn_local(async move {
            next_task().await;
            minimap_of.set(g);
        });
    });
    let show_minimap = Memo::new(move |_| {
        minimap_of.get() == graph_id(&active.get())
            && Minimap::wanted(&active.get().0.layout, seen.get(), size.get())
    });
    // The node (layout position) with keyboard focus.
    let focused = RwSignal::new(None::<usize>);
    let focus_node = move |p: usize| {
        let a = active.get_untracked();
        let Some(b) = a.0.layout.nodes.get(p).copied() else {
            return;
        };
        // Bring it on screen, readable, then give it focus once drawn.
        commit();
        let c = camera.get_untracked();
        let v = size.get_untracked();
        if !c.shows_whole(&b, v) || Detail::at(c, 0) == Detail::Marks {
            camera.set(c.centred_on(b.center(), v));
        }
        focused.set(Some(p));
        request_animation_frame(move || {
            let node = container.get_untracked().and_then(|el| {
                el.query_selector(&format!("[data-pos=\"{p}\"]"))
                    .ok()
                    .flatten()
            });
            if let Some(n) = node {
                let focus = js_sys::Reflect::get(&n, &"focus".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                if let Some(f) = focus {
                    let _ = f.call0(&n);
                }
            }
        });
    };

    let select = move |name: Option<String>| ctl.update(|v| v.model = name);
    let lineage_s = StoredValue::new(lineage.clone());
    let select_at = move |p: usize| {
        let a = active.get_untracked();
        if let Some(&v) = a.0.nodes.get(p) {
            select(Some(lineage_s.with_value(|l| l.names[v].clone())));
        }
    };
    let lin_n = lineage.clone();
    // Keys on the canvas (focus on it or on a node); never while typing.
    let on_key = move |e: web_sys::KeyboardEvent| {
        let step = match e.key().as_str() {
            "ArrowRight" => Some(Step::Downstream),
            "ArrowLeft" => Some(Step::Upstream),
            "ArrowUp" => Some(Step::Above),
            "ArrowDown" => Some(Step::Below),
            _ => None,
        };
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let a = active.get_untracked();
        if let Some(step) = step {
            e.prevent_default();
            let from = focused
                .get_untracked()
                .or_else(|| selected.get_untracked().and_then(|s| a.0.position(s)));
            let to = match from {
                Some(f) => a.0.step(f, step),
                None => visible
                    .get_untracked()
                    .nodes
                    .first()
                    .copied()
                    .or((!a.0.nodes.is_empty()).then_some(0)),
            };
            if let Some(t) = to {
                focus_node(t);
            }
            return;
        }
        match e.key().as_str() {
            "Enter" | " " => {
                if let Some(p) = focused.get_untracked() {
                    e.prevent_default();
                    select_at(p);
                }
            }
            "f" => {
                e.prevent_default();
                fit();
            }
            "+" | "=" => {
                e.prevent_default();
                zoom_centre(ZOOM_IN);
            }
            "-" | "_" => {
                e.prevent_default();
                zoom_centre(ZOOM_OUT);
            }
            _ => {}
        }
    };
    let node_count = move || active.get().0.nodes.len();
    view! {
        <div class="graph">
            <div class="graph__toolbar">
                <button class="btn btn--small" on:click=move |_| zoom_centre(ZOOM_IN) title="Zoom in (+)" aria-label="Zoom in">"+"</button>
                <button class="btn btn--small" on:click=move |_| zoom_centre(ZOOM_OUT) title="Zoom out (-)" aria-label="Zoom out">"−"</button>
                <button class="btn btn--small" on:click=move |_| fit() data-testid="fit" title="Fit to view (f)">"Fit to view"</button>
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
                data-detail=move || if detail.get() == Detail::Marks { "marks" } else { "boxes" }
                tabindex="0"
                role="group"
                aria-roledescription="lineage graph"
                aria-label=move || format!("Lineage graph, {} models. Arrow keys move between models along the edges, Enter opens one, f fits, + and - zoom. The model list beside it is the same graph as text.", node_count())
                on:keydown=on_key
                on:wheel=move |e| {
                    e.prevent_default();
                    let Some((x, y)) = canvas_point(&e) else { return };
                    let f = wheel_factor(e.delta_y());
                    drag.set_value(None);
                    if detail.get_untracked() == Detail::Boxes {
                        zoom_at(x, y, f);
                        return;
                    }
                    // Marks: zoom the painted picture, redraw once the wheel rests.
                    preview.set(Some(seen.get_untracked().zoomed_at(x, y, f)));
                    wheel_generation.update_value(|g| *g = g.wrapping_add(1));
                    let mine = wheel_generation.get_value();
                    set_timeout(
                        move || {
                            if wheel_generation.try_get_value() == Some(mine) {
                                commit();
                            }
                        },
                        std::time::Duration::from_millis(WHEEL_REST_MS),
                    );
                }
                on:pointerdown=move |e| {
                    // A wheel zoom still at rest ends here, not in mid-drag.
                    wheel_generation.update_value(|g| *g = g.wrapping_add(1));
                    detail_at_press.set_value(detail.get_untracked());
                    commit();
                    drag.set_value(Some((e.client_x() as f64, e.client_y() as f64, camera.get_untracked())));
                    moved.set_value(false);
                }
                on:pointermove=move |e| {
                    if let Some((x, y, c)) = drag.get_value() {
                        let (dx, dy) = (e.client_x() as f64 - x, e.client_y() as f64 - y);
                        if dx.abs() + dy.abs() > 3.0 {
                            moved.set_value(true);
                        }
                        // The compositor moves what is painted; boxes are
                        // culled anew before the view leaves the drawn margin.
                        let p = c.panned(dx, dy);
                        preview.set(Some(p));
                        if detail.get_untracked() == Detail::Boxes {
                            let drawn = camera.get_untracked();
                            if (p.tx - drawn.tx).abs().max((p.ty - drawn.ty).abs()) > REDRAW_AFTER_PX {
                                commit();
                            }
                        }
                    }
                }
                on:pointerup=move |_| {
                    drag.set_value(None);
                    commit();
                }
                on:pointerleave=move |_| {
                    drag.set_value(None);
                    commit();
                }
                on:click=move |e| {
                    // Marks are not elements: a click finds the node under it.
                    // As drawn when pressed (a press may turn marks into boxes).
                    if detail_at_press.get_value() == Detail::Marks && !moved.get_value() {
                        let Some((x, y)) = canvas_point(&e) else { return };
                        let c = camera.get_untracked();
                        let at = to_layout(c, x, y);
                        if let Some(p) = node_at(&active.get_untracked().0.layout, at, 6.0 / c.k) {
                            select_at(p);
                        }
                    }
                }
            >
                <svg
                    class="graph__svg"
                    width="100%"
                    height="100%"
                    aria-hidden=move || (detail.get() == Detail::Marks).to_string()
                    style=move || preview.get().map(|p| p.css_from(camera.get())).unwrap_or_default()
                >
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow"></path>
                        </marker>
                        <marker id="arrow-hi" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M0,0 L10,5 L0,10 z" class="arrow arrow--hi"></path>
                        </marker>
                    </defs>
                    <g transform=move || camera.get().transform() style=move || format!("--px:{:.4}px", 1.0 / camera.get().k)>
                        {move || (detail.get() == Detail::Marks).then(|| view! {
                            <path class="marks__edges" d=move || edges_path.get().0.to_string()></path>
                            {move || marks_paths.get().0.iter().map(|m| view! {
                                <path
                                    class=format!("marks marks--{}{}", m.class, if m.outlined { " marks--outlined" } else { "" })
                                    d=m.d.clone()
                                ></path>
                            }).collect_view()}
                            {move || {
                                let a = active.get();
                                selected.get().and_then(|s| a.0.position(s)).map(|p| {
                                    let b = a.0.layout.nodes[p];
                                    view! { <rect class="marks__selected" x=b.x y=b.y width=b.width height=b.height></rect> }
                                })
                            }}
                        })}
                        {move || (detail.get() == Detail::Boxes).then(|| view! {
                            {move || (!one_by_one.get()).then(|| view! {
                                <path
                                    class="marks__edges"
                                    d=move || edge_path_of(&active.get().0.layout, visible.read().edges.iter().copied())
                                ></path>
                            })}
                            <For
                                each=move || {
                                    let a = active.get();
                                    let g = Arc::as_ptr(&a.0) as usize;
                                    let all = one_by_one.get();
                                    let m = marks.get();
                                    let n = drawn.get().edges;
                                    visible
                                        .read()
                                        .edges
                                        .iter()
                                        .take(n)
                                        .filter(|&&ei| {
                                            let e = &a.0.layout.edges[ei];
                                            all || EdgeLook::of(m.0[a.0.nodes[e.from]], m.0[a.0.nodes[e.to]]).hi
                                        })
                                        .map(|&ei| (g, ei))
                                        .collect::<Vec<_>>()
                                }
                                key=|k| *k
                                children=move |(_, ei)| {
                                    let a = active.get_untracked();
                                    let e = &a.0.layout.edges[ei];
                                    let (from, to, reversed) = (a.0.nodes[e.from], a.0.nodes[e.to], e.reversed);
                                    let look = move || {
                                        let m = marks.get();
                                        EdgeLook::of(m.0[from], m.0[to])
                                    };
                                    view! {
                                        <path
                                            class=move || look().class(reversed)
                                            d=curve(&e.points)
                                            marker-end=move || look().marker()
                                        ></path>
                                    }
                                }
                            />
                            <For
                                each=move || {
                                    let a = active.get();
                                    let g = Arc::as_ptr(&a.0) as usize;
                                    let n = drawn.get().boxes;
                                    visible.read().nodes.iter().take(n).map(|&p| (g, p)).collect::<Vec<_>>()
                                }
                                key=|k| *k
                                children={
                                    let lin_n = lin_n.clone();
                                    let kinds = kinds.clone();
                                    move |(_, p)| {
                                        let a = active.get_untracked();
                                        let b = a.0.layout.nodes[p];
                                        let v = a.0.nodes[p];
                                        let name = lin_n.names[v].clone();
                                        let external = lin_n.external[v];
                                        let kind = kinds[v].clone();
                                        let kind_s = StoredValue::new(kind.clone());
                                        let st = move || status.get()[v].clone();
                                        let label = move || kind_s.with_value(|k| badge_label(st().as_ref(), external, k));
                                        let class = move || {
                                            let css = st().as_ref().map_or("none", Status::css);
                                            format!("node node--{css}{}", marks.get().0[v].node_class())
                                        };
                                        let aria = {
                                            let lin = lin_n.clone();
                                            let kind = kind.clone();
                                            move || node_label(&lin, v, &kind, &label(), marks.get().0[v])
                                        };
                                        let title = {
                                            let name = name.clone();
                                            move || format!("{name} — {}", label())
                                        };
                                        let n2 = name.clone();
                                        let short = short_name(&name);
                                        view! {
                                            <g
                                                class=class
                                                data-model=name.clone()
                                                data-pos=p
                                                data-status=move || st().map(|s| s.key().to_string()).unwrap_or_default()
                                                transform=format!("translate({:.1},{:.1})", b.x, b.y)
                                                tabindex=move || if focused.get() == Some(p) || (focused.get().is_none() && marks.get().0[v] == Highlight::Selected) { "0" } else { "-1" }
                                                role="group"
                                                aria-label=aria
                                                on:focus=move |_| focused.set(Some(p))
                                                on:click=move |_| {
                                                    if !moved.get_value() {
                                                        select(Some(n2.clone()));
                                                    }
                                                }
                                            >
                                                <title aria-hidden="true">{title}</title>
                                                <rect class="node__box" width=b.width height=b.height rx="8"></rect>
                                                <rect class="node__bar" width="5" height=b.height rx="2"></rect>
                                                {
                                                    let kind = kind.clone();
                                                    let short = short.clone();
                                                    move || show_text.get().then(|| {
                                                        let l = label();
                                                        let badge_w = badge_width(&l);
                                                        view! {
                                                            // The node's accessible name says all of this (and more).
                                                            <text class="node__name" x="14" y="19" aria-hidden="true">{short.clone()}</text>
                                                            <text class="node__kind" x="14" y="36" aria-hidden="true">{kind.clone()}</text>
                                                            <g class="node__badge" aria-hidden="true" transform=format!("translate({:.1},27)", b.width - badge_w - 8.0)>
                                                                <rect width=badge_w height="14" rx="7"></rect>
                                                                <text x=badge_w / 2.0 y="10.5" text-anchor="middle">{l}</text>
                                                            </g>
                                                        }
                                                    })
                                                }
                                            </g>
                                        }
                                    }
                                }
                            />
                        })}
                    </g>
                </svg>
                {move || show_minimap.get().then(|| {
                    let m = minimap.get();
                    let go = move |e: web_sys::MouseEvent| {
                        e.stop_propagation();
                        let Some(t) = e.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
                        let r = t.get_bounding_client_rect();
                        let (left, top) = (r.left() + t.client_left() as f64, r.top() + t.client_top() as f64);
                        let p = m.to_layout(e.client_x() as f64 - left, e.client_y() as f64 - top);
                        commit();
                        let c = camera.get_untracked();
                        let v = size.get_untracked();
                        camera.set(Camera { tx: v.width / 2.0 - p.x * c.k, ty: v.height / 2.0 - p.y * c.k, k: c.k });
                    };
                    // The marks and the view rectangle are separate layers, so
                    // moving the rectangle never repaints the marks.
                    view! {
                        <div
                            class="minimap"
                            data-testid="minimap"
                            style=format!("width:{}px;height:{}px", Minimap::WIDTH, Minimap::HEIGHT)
                            aria-hidden="true"
                            on:pointerdown=move |e| e.stop_propagation()
                            on:click=go
                        >
                            <svg class="minimap__marks" width=Minimap::WIDTH height=Minimap::HEIGHT>
                                <g transform=m.transform()>
                                    {move || marks_paths.get().0.iter().map(|mp| view! {
                                        <path class=format!("marks marks--{}{}", mp.class, if mp.outlined { " marks--outlined" } else { "" }) d=mp.d.clone()></path>
                                    }).collect_view()}
                                </g>
                            </svg>
                            <svg class="minimap__overlay" width=Minimap::WIDTH height=Minimap::HEIGHT>
                                {move || {
                                    let (x, y, w, h) = m.view_box(seen.get(), size.get());
                                    view! { <rect class="minimap__view" data-testid="minimap-view" x=x y=y width=w height=h></rect> }
                                }}
                            </svg>
                        </div>
                    }
                })}
                {move || match laying_out.get() {
                    Some(n) => Some(view! {
                        <div class="empty graph__empty graph__laying-out" role="status" data-testid="laying-out">
                            <span class="spinner" aria-hidden="true"></span>
                            {format!("Laying out {n} models\u{2026}")}
                        </div>
                    }.into_any()),
                    None => active.get().0.nodes.is_empty().then(|| view! {
                        <div class="empty graph__empty">"This run touched no models."</div>
                    }.into_any()),
                }}
            </div>
        </div>
    }
}

/// A graph's identity: its allocation, held by a `Weak` so that no later
/// graph can be given the same address while the id is kept.
#[derive(Clone, Default)]
struct GraphId(Option<Weak<Shown>>);

impl PartialEq for GraphId {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a.ptr_eq(b),
            (None, None) => true,
            _ => false,
        }
    }
}

fn graph_id(a: &Shared<Shown>) -> GraphId {
    GraphId(Some(Arc::downgrade(&a.0)))
}
