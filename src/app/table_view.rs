//! The interactive table shared by Model Executions and Audits: filter box,
//! status chips with counts, sortable headers, and a windowed body (only the
//! rows in view are in the DOM). The page owns the state (in its URL) and
//! hands the table memos of it and a way to change it.

use super::keys::is_typing;
use super::widgets::Zone;
use crate::core::columns::Column as CoreColumn;
use crate::core::keys;
use crate::core::model::Status;
use crate::core::table::{SortKey, TableQuery};
use crate::core::virtual_list;
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Must match `.data-table tbody tr { height }` in style/main.css.
pub const ROW_HEIGHT: f64 = 37.0;
const OVERSCAN: usize = 10;

pub type RowFn = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;
pub type UpdateFn = Arc<dyn Fn(Box<dyn FnOnce(&mut TableQuery)>) + Send + Sync>;
pub type OpenFn = Arc<dyn Fn(usize) + Send + Sync>;

/// A table whose rows open details (a drawer): Enter on a focused row opens
/// them, and when they close the focus goes back to the row.
pub struct Details {
    pub open: OpenFn,
    /// The row whose details are open.
    pub opened: Signal<Option<usize>>,
}

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
    /// Draws row `i`: a `<tr>` with `data-row=i` and `tabindex="-1"` (the
    /// table moves the focus between rows with the keyboard).
    pub row: RowFn,
    pub min_width: u32,
    /// What Enter on a row opens; without it, Enter follows the row's first link.
    pub details: Option<Details>,
}

/// Row `i`'s element, if it is drawn.
fn row_element(scroller: &web_sys::HtmlElement, i: usize) -> Option<web_sys::HtmlElement> {
    scroller
        .query_selector(&format!("tbody tr[data-row=\"{i}\"]"))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
}

/// The row an event happened in (its `data-row`), and whether it was on the row itself.
fn event_row(e: &web_sys::Event) -> Option<(usize, bool, web_sys::Element)> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let row = target.closest("tbody tr[data-row]").ok()??;
    let i = row.get_attribute("data-row")?.parse().ok()?;
    Some((i, row == target, row))
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
        details,
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
    // Measured before the next frame, not as the table is built (reading a
    // size forces the layout of the page into the task that built it).
    // The first draw has the rows in view only (each row costs the browser
    // about half a millisecond to lay out); the rows around them follow a
    // task after the table is measured.
    let overscan = RwSignal::new(0usize);
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(move || {
                if scroller.try_get_untracked().flatten().is_some() {
                    measure();
                    leptos::task::spawn_local(async move {
                        super::api::next_task().await;
                        overscan.try_set(OVERSCAN);
                    });
                }
            });
        }
    });
    let window = Memo::new(move |_| {
        virtual_list::window(
            scroll_top.get(),
            viewport.get(),
            ROW_HEIGHT,
            shown.read().len(),
            overscan.get(),
        )
    });

    // "/" focuses the filter.
    let handle = window_event_listener(ev::keydown, move |e| {
        if e.key() == "/" && !is_typing(&e) && !e.ctrl_key() && !e.meta_key() && !e.alt_key() {
            if let Some(input) = filter_input.get_untracked() {
                e.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || handle.remove());

    // The keyboard's current row (a position in `shown`), and moving the
    // focus to a row: scrolled into view first, focused once it is drawn.
    let current = RwSignal::new(None::<usize>);
    let focus_row = move |pos: usize| {
        let Some(i) = shown.with_untracked(|s| s.get(pos).copied()) else {
            return;
        };
        current.set(Some(pos));
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let header = el
            .query_selector("thead")
            .ok()
            .flatten()
            .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
            .map(|h| h.offset_height() as f64)
            .unwrap_or(0.0);
        if let Some(top) = virtual_list::scroll_to_show(
            pos,
            ROW_HEIGHT,
            header,
            el.scroll_top() as f64,
            el.client_height() as f64,
        ) {
            el.set_scroll_top(top.round() as i32);
            scroll_top.set(el.scroll_top() as f64);
        }
        let focus = move || match row_element(&el, i) {
            Some(r) => {
                let _ = r.focus();
                true
            }
            None => false,
        };
        if !focus() {
            request_animation_frame(move || {
                focus();
            });
        }
    };
    let (open_row, opened) = match details {
        Some(d) => (Some(d.open), Some(d.opened)),
        None => (None, None),
    };
    // When the details close, the focus goes back to their row.
    if let Some(opened) = opened {
        Effect::new(move |prev: Option<Option<usize>>| {
            let now = opened.get();
            if let (Some(Some(i)), None) = (prev, now) {
                if let Some(pos) = shown.with_untracked(|s| s.iter().position(|&x| x == i)) {
                    focus_row(pos);
                }
            }
            now
        });
    }
    let on_keydown = move |e: web_sys::KeyboardEvent| {
        if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() || is_typing(&e) {
            return;
        }
        let key = e.key();
        let hit = event_row(&e);
        if key == "Enter" {
            let Some((i, true, row)) = hit else {
                return;
            };
            e.prevent_default();
            match &open_row {
                Some(open) => open(i),
                None => {
                    if let Some(a) = row
                        .query_selector("a[href]")
                        .ok()
                        .flatten()
                        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        a.click();
                    }
                }
            }
            return;
        }
        let at = hit
            .and_then(|(i, _, _)| shown.with_untracked(|s| s.iter().position(|&x| x == i)))
            .or(current.get_untracked());
        let page = (viewport.get_untracked() / ROW_HEIGHT).floor() as usize;
        let len = shown.with_untracked(Vec::len);
        if let Some(pos) = keys::row_step(at, len, &key, page.saturating_sub(1)) {
            e.prevent_default();
            focus_row(pos);
        }
    };
    let on_focusin = move |e: web_sys::FocusEvent| {
        if let Some((i, _, _)) = event_row(&e) {
            if let Some(pos) = shown.with_untracked(|s| s.iter().position(|&x| x == i)) {
                current.set(Some(pos));
            }
        }
    };

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
            <div
                class="table-scroll"
                node_ref=scroller
                on:scroll=move |_| measure()
                on:keydown=on_keydown
                on:focusin=on_focusin
                tabindex="0"
                role="region"
                aria-label=format!("{} table (arrow keys or j / k move between rows)", noun)
            >
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
