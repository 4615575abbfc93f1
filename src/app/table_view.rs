//! The interactive table shared by Model Executions and Audits: filter box,
//! status chips with counts, sortable headers, and a windowed body (only the
//! rows in view are in the DOM). The page owns the state (in its URL) and
//! hands the table memos of it and a way to change it.

use super::widgets::Zone;
use crate::core::columns::Column as CoreColumn;
use crate::core::model::Status;
use crate::core::table::{SortKey, TableQuery};
use crate::core::virtual_list;
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use std::sync::Arc;

/// Must match `.data-table tbody tr { height }` in style/main.css.
pub const ROW_HEIGHT: f64 = 37.0;
const OVERSCAN: usize = 10;

pub type RowFn = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;
pub type UpdateFn = Arc<dyn Fn(Box<dyn FnOnce(&mut TableQuery)>) + Send + Sync>;

/// A column as the table draws it: the core's typed definition with its
/// sort reduced to the URL key the header toggles.
pub struct Column {
    /// Sort key, or `None` for a column that does not sort.
    pub key: Option<&'static str>,
    pub label: &'static str,
    /// CSS class of the `<col>` (its width).
    pub class: &'static str,
    /// Shows the time-zone tag in the header.
    pub zone: bool,
    pub numeric: bool,
}

/// The columns of a table, from its definition in `core::columns`.
pub fn columns<C: SortKey>(defs: &[CoreColumn<C>]) -> Vec<Column> {
    defs.iter()
        .map(|c| Column {
            key: c.sort_key(),
            label: c.label,
            class: c.width,
            zone: c.zone,
            numeric: c.numeric,
        })
        .collect()
}

pub struct TableSpec {
    /// "executions", "audits": used in labels and test ids.
    pub noun: &'static str,
    pub columns: Vec<Column>,
    /// The table's part of the page state.
    pub query: Memo<TableQuery>,
    /// Changes it (the page writes its URL).
    pub update: UpdateFn,
    /// How many rows there are (a run in progress may get more).
    pub total: Signal<usize>,
    /// Rows to show, in order (indices into the page's rows).
    pub shown: Memo<Vec<usize>>,
    /// Status chips and their counts.
    pub counts: Memo<Vec<(Status, usize)>>,
    pub row: RowFn,
    pub min_width: u32,
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

#[component]
pub fn DataTable(spec: TableSpec, #[prop(optional)] extra: Option<ViewFn>) -> impl IntoView {
    let TableSpec {
        noun,
        columns,
        query: q,
        update: update_fn,
        total,
        shown,
        counts: chip_counts,
        row,
        min_width,
    } = spec;

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
            shown.read().len(),
            OVERSCAN,
        )
    });

    // "/" focuses the filter.
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
        }
    });
    on_cleanup(move || handle.remove());

    let update_fn = StoredValue::new(update_fn);
    let update = move |f: Box<dyn FnOnce(&mut TableQuery)>| update_fn.with_value(|u| u(f));
    let cols_view = columns
        .iter()
        .map(|c| view! { <col class=c.class /> })
        .collect_view();
    let header = columns
        .into_iter()
        .map(|c| {
            let Some(key) = c.key else {
                return view! { <th>{c.label}</th> }.into_any();
            };
            let sort_state = move || {
                q.read()
                    .sort
                    .as_ref()
                    .filter(|s| s.column == key)
                    .map(|s| s.desc)
            };
            view! {
                <th
                    class:num=c.numeric
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
                            let next = q.get_untracked().toggled_sort(key);
                            update(Box::new(move |t| t.sort = next));
                        }
                    >
                        {c.label}
                        {c.zone.then(|| view! { " " <Zone /> })}
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
        .collect_view();

    view! {
        <section class="panel" data-testid=noun>
            <div class="toolbar">
                <input
                    node_ref=filter_input
                    class="filter"
                    type="search"
                    placeholder=format!("Filter {noun}  ( / )")
                    aria-label=format!("Filter {noun}")
                    prop:value=move || q.read().text.clone()
                    on:input=move |e| {
                        mark("runlens:filter:input");
                        let text = event_target_value(&e);
                        update(Box::new(move |t| t.text = text));
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
                        on:click=move |_| update(Box::new(|t| t.statuses.clear()))
                    >
                        "All "
                        <span class="chip__count">{move || total.get()}</span>
                    </button>
                    {move || {
                        chip_counts
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
                                            let next = q.get_untracked().toggled_status(&key);
                                            update(Box::new(move |t| t.statuses = next));
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
                {extra.map(|e| e.run())}
                <span class="muted shown-count" data-testid="shown-count">
                    {move || format!("{} of {} {noun}", shown.read().len(), total.get())}
                </span>
            </div>
            <div class="table-scroll" node_ref=scroller on:scroll=move |_| measure() tabindex="0" aria-label=noun>
                <table class="grid data-table" style=format!("min-width:{min_width}px") data-testid=format!("{noun}-table")>
                    <colgroup>{cols_view}</colgroup>
                    <thead>
                        <tr>{header}</tr>
                    </thead>
                    <tbody>
                        {move || {
                            let w = window.get();
                            let idx = shown.read();
                            let top = w.start as f64 * ROW_HEIGHT;
                            let bottom = idx.len().saturating_sub(w.end) as f64 * ROW_HEIGHT;
                            let visible: Vec<AnyView> = idx[w.clone()].iter().map(|&i| row(i)).collect();
                            view! {
                                <tr class="spacer" style=format!("height:{top}px")></tr>
                                {visible}
                                <tr class="spacer" style=format!("height:{bottom}px")></tr>
                            }
                        }}
                    </tbody>
                </table>
                {move || {
                    shown.read().is_empty().then(|| {
                        view! {
                            <div class="empty" data-testid="no-rows">
                                {if total.get() == 0 { format!("This run has no {noun}.") } else { format!("No {noun} match the filter.") }}
                            </div>
                        }
                    })
                }}
            </div>
        </section>
    }
}
