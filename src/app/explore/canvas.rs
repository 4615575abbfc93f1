//! The lineage graph on screen: an SVG whose one `<g>` carries the camera
//! transform; only nodes and edges in view are in the DOM, and node text is
//! dropped when zoomed far out. Camera maths and culling are
//! `core::camera`; marks and node text are `core::explore`.

use crate::app::shared::Shared;
use crate::app::url_state::ViewCtl;
use crate::core::camera::{in_view, wheel_factor, Camera, Viewport, ZOOM_IN, ZOOM_OUT};
use crate::core::explore::{badge_label, badge_width, short_name, EdgeLook, Highlight, Shown};
use crate::core::graph::curve;
use crate::core::lineage::Lineage;
use crate::core::model::Status;
use crate::core::route::Hood;
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::Arc;

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
    let camera = RwSignal::new(Camera::START);
    let drag = StoredValue::new(None::<(f64, f64, Camera)>);
    let moved = StoredValue::new(false);

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
        camera.set(Camera::fit(
            a.0.layout.width,
            a.0.layout.height,
            size.get_untracked(),
        ));
    };
    // On mount, on a new selection and on a new graph: measure, then focus.
    Effect::new(move |_| {
        let _ = (selected.get(), active.get());
        if container.get().is_some() {
            measure();
            let a = active.get_untracked();
            camera.set(a.0.focus(
                selected.get_untracked(),
                &status.get_untracked(),
                size.get_untracked(),
                camera.get_untracked(),
            ));
        }
    });
    let zoom_at = move |cx: f64, cy: f64, factor: f64| {
        camera.update(|c| *c = c.zoomed_at(cx, cy, factor));
    };
    let zoom_centre = move |factor: f64| {
        let c = size.get_untracked().centre();
        zoom_at(c.x, c.y, factor);
    };

    // Culling: only nodes and edges whose boxes meet the viewport (plus a margin).
    let visible = Memo::new(move |_| in_view(&active.get().0.layout, camera.get(), size.get()));
    let show_text = Memo::new(move |_| camera.get().shows_text());
    let hood = Memo::new(move |_| ctl.view.read().hood);
    let zoom_label = move || camera.get().zoom_label();

    let select = move |name: Option<String>| ctl.update(|v| v.model = name);
    let lin_n = lineage.clone();
    view! {
        <div class="graph">
            <div class="graph__toolbar">
                <button class="btn btn--small" on:click=move |_| zoom_centre(ZOOM_IN) title="Zoom in" aria-label="Zoom in">"+"</button>
                <button class="btn btn--small" on:click=move |_| zoom_centre(ZOOM_OUT) title="Zoom out" aria-label="Zoom out">"−"</button>
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
                    zoom_at(e.offset_x() as f64, e.offset_y() as f64, wheel_factor(e.delta_y()));
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
                        camera.set(c.panned(dx, dy));
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
                    <g transform=move || camera.get().transform()>
                        {move || {
                            let a = active.get();
                            let m = marks.get();
                            visible
                                .read()
                                .edges
                                .iter()
                                .map(|&ei| {
                                    let e = &a.0.layout.edges[ei];
                                    let look = EdgeLook::of(m.0[a.0.nodes[e.from]], m.0[a.0.nodes[e.to]]);
                                    view! {
                                        <path
                                            class=look.class(e.reversed)
                                            d=curve(&e.points)
                                            marker-end=look.marker()
                                        ></path>
                                    }
                                })
                                .collect_view()
                        }}
                        {move || {
                            let a = active.get();
                            let text = show_text.get();
                            // A new version of the run redraws the nodes in view with their statuses.
                            let st_n = status.get();
                            visible
                                .read()
                                .nodes
                                .iter()
                                .map(|&p| {
                                    let b = a.0.layout.nodes[p];
                                    let v = a.0.nodes[p];
                                    let name = lin_n.names[v].clone();
                                    let st = st_n[v].clone();
                                    let css = st.as_ref().map_or("none", Status::css);
                                    let label = badge_label(st.as_ref(), lin_n.external[v], &kinds[v]);
                                    let badge_w = badge_width(&label);
                                    let n2 = name.clone();
                                    let class = move || format!("node node--{css}{}", marks.get().0[v].node_class());
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
                                                view! {
                                                    <text class="node__name" x="14" y="19">{short_name(&name)}</text>
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
