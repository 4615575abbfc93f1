//! Timeline tab: every execution as a bar on a time axis (rows by lineage
//! layer or by concurrent slot), the critical path marked and listed, and
//! the tiles above. The maths is `core::timeline`; this draws its results:
//! only the bars in view (`timeline::in_view`), a wheel / button zoom and a
//! drag pan over the time axis.

use super::context::{local_offset, Clock, TimeCtx};
use super::shared::Shared;
use super::url_state::ViewCtl;
use crate::core::format::{self, TimeMode};
use crate::core::model::{Run, Status};
use crate::core::timeline::{self, Rows, Timeline, View};
use leptos::html::Div;
use leptos::prelude::*;
use std::sync::Arc;

const ROW_H: f64 = 24.0;
const AXIS_H: f64 = 26.0;
const LABEL_W: f64 = 76.0;
/// The chart's scroll box shows at most this many pixels of rows.
const MAX_ROWS_PX: f64 = 480.0;

#[component]
pub fn TimelineTab(run: ReadSignal<Arc<Run>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let clock = expect_context::<Clock>();
    let time = expect_context::<TimeCtx>();
    let rows = Memo::new(move |_| ctl.view.read().timeline_rows);
    // A finished run is built once per version; a live one follows the clock.
    let tl = Memo::new(move |_| {
        let r = run.get();
        let live = r.end.is_none() && r.status == Status::InProgress;
        let now = if live {
            clock.0.get()
        } else {
            r.end.unwrap_or(r.start)
        };
        Shared(Arc::new(timeline::build(&r, now)))
    });
    let order = Memo::new(move |_| {
        let t = tl.get();
        Shared(Arc::new(timeline::order(&t.0, rows.get())))
    });

    let container: NodeRef<Div> = NodeRef::new();
    let width = RwSignal::new(900.0_f64);
    let scroll_top = RwSignal::new(0.0_f64);
    let view = RwSignal::new(None::<View>);
    let drag = StoredValue::new(None::<(f64, View)>);
    // A drag that ends on a bar is not a click on it.
    let dragged = StoredValue::new(false);
    let measure = move || {
        if let Some(el) = container.get_untracked() {
            let w = el.client_width() as f64 - LABEL_W;
            if w > 50.0 && (w - width.get_untracked()).abs() > 0.5 {
                width.set(w);
                view.set(None);
            }
        }
    };
    Effect::new(move |_| {
        if container.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // The view in use: the user's, or everything.
    let current = move || {
        let t = tl.get();
        let rc = t.0.row_count(rows.get());
        let w = width.get();
        match view.get() {
            Some(v) if v.width == w => v,
            _ => View::fit(&t.0, w, rc),
        }
    };
    let zoom = move |factor: f64, at: f64| {
        let t = tl.get_untracked();
        let v = current_untracked(tl, rows, width, view);
        view.set(Some(v.zoom(&t.0, factor, at)));
        let _ = t;
    };

    let mode = move || time.0.get();
    let stamp = move |t: crate::core::model::Time| match mode() {
        TimeMode::Utc => format::clock_at(t, 0),
        TimeMode::Local => format::clock_at(t, local_offset(t)),
    };

    let tiles = {
        move || {
            let run = run.get();
            let t = tl.get();
            let t = &t.0;
            let longest = t
                .longest
                .map(|(i, d)| {
                    format!(
                        "{} · {}",
                        run.executions[i].model,
                        format::human_duration(d)
                    )
                })
                .unwrap_or_else(|| "—".into());
            let crit = format!(
                "{} ({:.0} % of the wall clock)",
                format::human_duration(t.critical_length),
                t.share(t.critical_length)
            );
            view! {
                <section class="cards cards--5 tl-tiles" data-testid="timeline-tiles">
                    <div class="card"><div class="card__label">"Wall clock"</div><div class="card__value" data-testid="tl-wall">{format::human_duration(t.wall_clock)}</div></div>
                    <div class="card"><div class="card__label">"Critical path"</div><div class="card__value" data-testid="tl-critical">{crit}</div></div>
                    <div class="card"><div class="card__label">"Sum of model time"</div><div class="card__value" data-testid="tl-model-time">{format::human_duration(t.model_time)}</div></div>
                    <div class="card"><div class="card__label">"Peak concurrency"</div><div class="card__value" data-testid="tl-peak">{t.peak_concurrency}</div></div>
                    <div class="card"><div class="card__label">"Longest model"</div><div class="card__value mono" data-testid="tl-longest">{longest}</div></div>
                </section>
            }
        }
    };

    let bars = move || {
        let t = tl.get();
        let o = order.get();
        let rs = rows.get();
        let v = current();
        let first = (scroll_top.get() / ROW_H).floor().max(0.0) as usize;
        let last = first + (MAX_ROWS_PX / ROW_H).ceil() as usize + 2;
        let v = View {
            first_row: first,
            last_row: last,
            ..v
        };
        let run = run.get();
        let keep = |e: usize| t.0.is_critical(e) || run.executions[e].status == Status::Failed;
        let shown = timeline::in_view(&t.0, rs, &o.0, &v, keep);
        shown
            .into_iter()
            .map(|b| {
                let bar = &t.0.bars[b];
                let e = &run.executions[bar.exec];
                let x0 = v.x(&t.0, bar.start).max(-2.0);
                let x1 = v.x(&t.0, bar.end).min(v.width + 2.0);
                let y = t.0.row_of(bar, rs) as f64 * ROW_H + 4.0;
                let critical = t.0.is_critical(bar.exec);
                let class = format!(
                    "tl-bar tl-bar--{}{}{}",
                    e.status.css(),
                    if critical { " tl-bar--critical" } else { "" },
                    if bar.open { " tl-bar--open" } else { "" }
                );
                let tip = format!(
                    "{} · {} · {} · {} – {}{}",
                    e.model,
                    e.status.label(),
                    format::human_duration(bar.end - bar.start),
                    stamp(bar.start),
                    if bar.open {
                        "now".to_string()
                    } else {
                        stamp(bar.end)
                    },
                    if critical {
                        " · on the critical path"
                    } else {
                        ""
                    }
                );
                let model = e.model.clone();
                view! {
                    <rect
                        class=class
                        data-model=e.model.clone()
                        x=LABEL_W + x0
                        y=y
                        width=(x1 - x0).max(1.5)
                        height=ROW_H - 8.0
                        rx="2"
                        on:click=move |_| {
                            if dragged.get_value() {
                                return;
                            }
                            let m = model.clone();
                            ctl.update(move |v| *v = v.explore(&m));
                        }
                    >
                        <title>{tip}</title>
                    </rect>
                }
            })
            .collect_view()
    };

    let axis = move || {
        let t = tl.get();
        let v = current();
        let offset = match mode() {
            TimeMode::Utc => 0,
            TimeMode::Local => local_offset(t.0.t0),
        };
        timeline::ticks(&t.0, &v, offset, 90.0)
            .into_iter()
            .map(|(x, at)| {
                view! {
                    <g class="tl-tick" transform=format!("translate({},0)", LABEL_W + x)>
                        <line y1="0" y2="6"></line>
                        <text x="3" y="18">{stamp(at)}</text>
                    </g>
                }
            })
            .collect_view()
    };
    let row_labels = move || {
        let t = tl.get();
        let rs = rows.get();
        // (first row, label, rows it spans)
        let groups: Vec<(usize, String, usize)> = match rs {
            Rows::Layer => {
                t.0.layer_rows
                    .iter()
                    .map(|&(first, layer, lanes)| (first, format!("Layer {}", layer + 1), lanes))
                    .collect()
            }
            Rows::Slot => (0..t.0.peak_concurrency)
                .map(|i| (i, format!("Slot {}", i + 1), 1))
                .collect(),
        };
        // Only the rows in the box (a run may have a thousand slots).
        let top = (scroll_top.get() / ROW_H).floor().max(0.0) as usize;
        let bottom = top + (MAX_ROWS_PX / ROW_H).ceil() as usize + 2;
        groups
            .into_iter()
            .filter(|(first, _, span)| first + span > top && *first < bottom)
            .map(|(first, label, span)| {
                let y_end = (first + span) as f64 * ROW_H;
                view! {
                    <text class="tl-row-label" x="6" y=first as f64 * ROW_H + ROW_H / 2.0 + 4.0>{label}</text>
                    <line class="tl-row-line" x1="0" x2="100%" y1=y_end y2=y_end></line>
                }
            })
            .collect_view()
    };
    let rows_height = move || tl.get().0.row_count(rows.get()) as f64 * ROW_H;

    let critical_list = move || {
        let t = tl.get();
        let run = run.get();
        let steps = t.0.critical.clone();
        if steps.is_empty() {
            return view! { <p class="muted">"No execution of this run has both a start and an end yet."</p> }.into_any();
        }
        view! {
            <ol class="tl-path" data-testid="critical-path">
                {steps
                    .into_iter()
                    .map(|s| {
                        let e = &run.executions[s.exec];
                        let model = e.model.clone();
                        let m2 = model.clone();
                        let m3 = model.clone();
                        let wait = (s.wait.num_milliseconds() > 0)
                            .then(|| format!("waited {} · ", format::human_duration(s.wait)));
                        view! {
                            <li data-model=m3>
                                <button class="link mono" on:click=move |_| {
                                    let m = m2.clone();
                                    ctl.update(move |v| *v = v.explore(&m));
                                }>{model}</button>
                                <span class=format!("status status--{}", e.status.css())>{e.status.label()}</span>
                                <span class="muted">{wait}</span>
                                <span>{format::human_duration(s.duration)}</span>
                                <span class="tl-share" title="share of the wall clock">{format!("{:.1} %", t.0.share(s.duration))}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };

    let not_drawn = move || {
        let n = tl.get().0.not_drawn;
        (n > 0).then(|| view! { <p class="muted" data-testid="tl-not-drawn">{format!("{n} executions have no start or end and are not on the axis (pending, skipped or never reported).")}</p> })
    };

    view! {
        <div class="timeline" data-testid="timeline">
            {tiles}
            <div class="tl-toolbar">
                <div class="seg" role="group" aria-label="Rows">
                    <button class="seg__btn" aria-pressed=move || (rows.get() == Rows::Layer).to_string()
                        on:click=move |_| ctl.update(|v| v.timeline_rows = Rows::Layer)>"By lineage layer"</button>
                    <button class="seg__btn" aria-pressed=move || (rows.get() == Rows::Slot).to_string()
                        on:click=move |_| ctl.update(|v| v.timeline_rows = Rows::Slot)>"By concurrency"</button>
                </div>
                <span class="grow"></span>
                <button class="btn btn--small" title="Zoom out" aria-label="Zoom out" on:click=move |_| zoom(0.5, width.get_untracked() / 2.0)>"−"</button>
                <button class="btn btn--small" title="Zoom in" aria-label="Zoom in" on:click=move |_| zoom(2.0, width.get_untracked() / 2.0)>"+"</button>
                <button class="btn btn--small" on:click=move |_| view.set(None)>"Fit"</button>
                <span class="legend legend--critical">"critical path"</span>
            </div>
            <div class="tl-chart" node_ref=container>
                <svg class="tl-axis" width="100%" height=AXIS_H>{axis}</svg>
                <div
                    class="tl-scroll"
                    tabindex="0"
                    role="region"
                    aria-label="Timeline rows (scroll to see more)"
                    style=format!("max-height:{MAX_ROWS_PX}px")
                    on:scroll=move |e| {
                        let el: web_sys::Element = event_target(&e);
                        scroll_top.set(el.scroll_top() as f64);
                    }
                    on:wheel=move |e| {
                        if e.ctrl_key() || e.delta_x().abs() < e.delta_y().abs() && !e.shift_key() {
                            e.prevent_default();
                            let at = e.offset_x() as f64 - LABEL_W;
                            zoom(if e.delta_y() < 0.0 { 1.25 } else { 0.8 }, at.max(0.0));
                        }
                    }
                    on:pointerdown=move |e| {
                        dragged.set_value(false);
                        drag.set_value(Some((e.client_x() as f64, current_untracked(tl, rows, width, view))));
                    }
                    on:pointermove=move |e| {
                        if let Some((x, v)) = drag.get_value() {
                            let dx = x - e.client_x() as f64;
                            // A click is not a drag: only pan past a few pixels.
                            if dx.abs() > 3.0 {
                                let t = tl.get_untracked();
                                view.set(Some(v.pan(&t.0, dx)));
                                dragged.set_value(true);
                            }
                        }
                    }
                    on:pointerup=move |_| drag.set_value(None)
                    on:pointerleave=move |_| drag.set_value(None)
                >
                    <svg class="tl-rows" width="100%" height=rows_height data-testid="timeline-svg">
                        {row_labels}
                        {bars}
                    </svg>
                </div>
            </div>
            {not_drawn}
            <h3 class="tl-h">"Critical path"</h3>
            <p class="muted">"The chain of executions, following the lineage back from the one that ended last, whose durations and waits set the run's end."</p>
            {critical_list}
        </div>
    }
}

fn current_untracked(
    tl: Memo<Shared<Timeline>>,
    rows: Memo<Rows>,
    width: RwSignal<f64>,
    view: RwSignal<Option<View>>,
) -> View {
    let t = tl.get_untracked();
    let w = width.get_untracked();
    match view.get_untracked() {
        Some(v) if v.width == w => v,
        _ => View::fit(&t.0, w, t.0.row_count(rows.get_untracked())),
    }
}
