//! Model Executions tab: filter box, status chips, sortable columns, a
//! windowed table body (only rows in view are in the DOM), and a details
//! drawer with the full error message and the execution's log.

use super::log::LogView;
use super::run::ViewCtl;
use super::widgets::{StatusBadge, Timestamp};
use crate::core::format;
use crate::core::model::{Execution, Run, Status};
use crate::core::table::{self, SearchIndex};
use crate::core::virtual_list;
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use std::sync::Arc;

/// Must match `.exec-table tbody tr { height }` in style/main.css.
const ROW_HEIGHT: f64 = 37.0;
const OVERSCAN: usize = 10;

const COLUMNS: [(&str, &str); 9] = [
    ("model", "Model"),
    ("status", "Status"),
    ("duration", "Duration"),
    ("start", "Start"),
    ("end", "End"),
    ("interval_start", "Interval start"),
    ("interval_end", "Interval end"),
    ("error", "Error message"),
    ("", "Log"),
];

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

#[component]
pub fn ExecutionsTab(run: Arc<Run>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let index = Arc::new(SearchIndex::build(&run.executions));
    let q = Memo::new(move |_| ctl.view.read().executions.clone());
    let rows = {
        let (run, index) = (run.clone(), index.clone());
        Memo::new(move |_| table::query(&run.executions, &index, &q.read()))
    };
    let counts = {
        let (run, index) = (run.clone(), index.clone());
        let text = Memo::new(move |_| q.read().text.clone());
        Memo::new(move |_| table::status_counts(&run.executions, &index, &text.read()))
    };
    let total = run.executions.len();

    let scroller: NodeRef<Div> = NodeRef::new();
    let filter_input: NodeRef<Input> = NodeRef::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(640.0);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            if el.client_height() > 0 {
                viewport.set(el.client_height() as f64);
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let window = Memo::new(move |_| {
        virtual_list::window(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            rows.read().len(),
            OVERSCAN,
        )
    });

    // "/" focuses the filter, Escape closes the details drawer.
    let handle = window_event_listener(ev::keydown, move |e| {
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if e.key() == "/" && !typing {
            if let Some(input) = filter_input.get_untracked() {
                e.prevent_default();
                let _ = input.focus();
            }
        } else if e.key() == "Escape" && ctl.view.get_untracked().detail.is_some() {
            ctl.update(|v| v.detail = None);
        }
    });
    on_cleanup(move || handle.remove());

    let body_run = run.clone();
    let detail_run = run.clone();
    view! {
        <section class="panel" data-testid="executions">
            <div class="toolbar">
                <input
                    node_ref=filter_input
                    class="filter"
                    type="search"
                    placeholder="Filter by model or error  ( / )"
                    aria-label="Filter model executions"
                    prop:value=move || q.read().text.clone()
                    on:input=move |e| {
                        mark("runlens:filter:input");
                        let text = event_target_value(&e);
                        ctl.update(|v| v.executions.text = text);
                        if let Some(el) = scroller.get_untracked() {
                            el.set_scroll_top(0);
                        }
                        scroll_top.set(0.0);
                    }
                />
                <div class="chips" role="group" aria-label="Filter by status">
                    <button
                        class="chip chip--toggle"
                        aria-pressed=move || q.read().statuses.is_empty().to_string()
                        on:click=move |_| ctl.update(|v| v.executions.statuses.clear())
                    >
                        "All "
                        <span class="chip__count">{total}</span>
                    </button>
                    {move || {
                        counts
                            .get()
                            .into_iter()
                            .map(|(status, n)| {
                                let key = status.key().to_string();
                                let k2 = key.clone();
                                view! {
                                    <button
                                        class=format!("chip chip--toggle chip--{}", status.css())
                                        data-status=key.clone()
                                        aria-pressed=move || q.read().statuses.contains(&k2).to_string()
                                        on:click=move |_| {
                                            let next = ctl.view.get_untracked().executions.toggled_status(&key);
                                            ctl.update(|v| v.executions.statuses = next);
                                        }
                                    >
                                        {status.label()}
                                        " "
                                        <span class="chip__count">{n}</span>
                                    </button>
                                }
                            })
                            .collect_view()
                    }}
                </div>
                <span class="muted shown-count" data-testid="shown-count">
                    {move || format!("{} of {total} executions", rows.read().len())}
                </span>
            </div>
            <div
                class="table-scroll"
                node_ref=scroller
                on:scroll=move |_| measure()
                tabindex="0"
                aria-label="Model executions"
            >
                <table class="grid exec-table" data-testid="exec-table">
                    <colgroup>
                        <col class="w-model" />
                        <col class="w-status" />
                        <col class="w-dur" />
                        <col class="w-ts" />
                        <col class="w-ts" />
                        <col class="w-ts" />
                        <col class="w-ts" />
                        <col class="w-err" />
                        <col class="w-log" />
                    </colgroup>
                    <thead>
                        <tr>
                            {COLUMNS
                                .iter()
                                .map(|&(key, label)| {
                                    let zone = matches!(key, "start" | "end" | "interval_start" | "interval_end");
                                    if key.is_empty() {
                                        return view! { <th>{label}</th> }.into_any();
                                    }
                                    let sort_state = move || {
                                        q.read().sort.as_ref().filter(|s| s.column == key).map(|s| s.desc)
                                    };
                                    view! {
                                        <th
                                            class:num=key == "duration"
                                            aria-sort=move || match sort_state() {
                                                Some(true) => "descending",
                                                Some(false) => "ascending",
                                                None => "none",
                                            }
                                        >
                                            <button
                                                class="sort"
                                                data-sort=key
                                                on:click=move |_| {
                                                    let next = ctl.view.get_untracked().executions.toggled_sort(key);
                                                    ctl.update(|v| v.executions.sort = next);
                                                }
                                            >
                                                {label}
                                                {zone.then(|| view! { " " <span class="zone">"UTC"</span> })}
                                                <span class="sort__arrow">
                                                    {move || match sort_state() {
                                                        Some(true) => "▼",
                                                        Some(false) => "▲",
                                                        None => "↕",
                                                    }}
                                                </span>
                                            </button>
                                        </th>
                                    }
                                    .into_any()
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let w = window.get();
                            let rows = rows.read();
                            let top = w.start as f64 * ROW_HEIGHT;
                            let bottom = rows.len().saturating_sub(w.end) as f64 * ROW_HEIGHT;
                            let visible: Vec<_> = rows[w.clone()]
                                .iter()
                                .map(|&i| view! { <ExecRow ex=body_run.executions[i].clone() /> })
                                .collect();
                            view! {
                                <tr class="spacer" style=format!("height:{top}px")></tr>
                                {visible}
                                <tr class="spacer" style=format!("height:{bottom}px")></tr>
                            }
                        }}
                    </tbody>
                </table>
                {move || {
                    (rows.read().is_empty()).then(|| {
                        view! {
                            <div class="empty" data-testid="no-rows">
                                {if total == 0 {
                                    "This run executed no models."
                                } else {
                                    "No executions match the filter."
                                }}
                            </div>
                        }
                    })
                }}
            </div>
        </section>
        {move || {
            ctl.view
                .read()
                .detail
                .clone()
                .and_then(|model| detail_run.executions.iter().find(|e| e.model == model).cloned())
                .map(|ex| view! { <ExecDrawer ex=ex /> })
        }}
    }
}

#[component]
fn ExecRow(ex: Execution) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let duration = match (&ex.duration, &ex.status) {
        (Some(d), _) => format::human_duration(*d),
        (None, Status::InProgress) => "running…".into(),
        _ => "—".into(),
    };
    let open = {
        let model = ex.model.clone();
        move |_| {
            let m = model.clone();
            ctl.update(|v| v.detail = Some(m));
        }
    };
    let open2 = open.clone();
    let explore_href = ctl.view.with_untracked(|v| v.explore(&ex.model).to_query());
    view! {
        <tr data-model=ex.model.clone() class:row--failed=ex.status == Status::Failed>
            <td class="cell-model">
                <a class="model-link" href=explore_href title=format!("{} in the lineage graph", ex.model)>
                    {ex.model.clone()}
                </a>
            </td>
            <td><StatusBadge status=ex.status.clone() /></td>
            <td class="num">{duration}</td>
            <td><Timestamp t=ex.start /></td>
            <td><Timestamp t=ex.end /></td>
            <td><Timestamp t=ex.interval_start /></td>
            <td><Timestamp t=ex.interval_end /></td>
            <td class="cell-error">
                {match ex.error.clone() {
                    Some(err) => view! {
                        <button class="error-link" title=err.clone() on:click=open>
                            {err.lines().next().unwrap_or_default().to_string()}
                        </button>
                    }
                    .into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td>
                {ex.log_id.clone().map(|_| view! { <button class="btn btn--small" on:click=open2>"View log"</button> })}
            </td>
        </tr>
    }
}

#[component]
fn ExecDrawer(ex: Execution) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let explore = ctl.view.with_untracked(|v| v.explore(&ex.model).to_query());
    view! {
        <aside class="drawer" role="dialog" aria-label="Execution details" data-testid="exec-drawer">
            <div class="drawer__head">
                <h2 class="mono">{ex.model.clone()}</h2>
                <button class="btn" on:click=move |_| ctl.update(|v| v.detail = None) aria-label="Close">"Close ✕"</button>
            </div>
            <div class="drawer__meta">
                <StatusBadge status=ex.status.clone() />
                <span>"Start " <Timestamp t=ex.start /></span>
                <span>"End " <Timestamp t=ex.end /></span>
                <span>{ex.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</span>
                <a href=explore>"Open in lineage →"</a>
            </div>
            {ex.error.clone().map(|e| view! {
                <h3>"Error message"</h3>
                <pre class="error-full" data-testid="error-full">{e}</pre>
            })}
            <h3>"Log"</h3>
            <LogView log_id=ex.log_id.clone() />
        </aside>
    }
}
