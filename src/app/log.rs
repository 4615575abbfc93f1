//! The log viewer: fetched on demand; numbered lines with time and level
//! columns; a minimum-level selector with counts; search with highlighted
//! matches and jumps; copy; links to single lines. Only the lines in view are
//! in the DOM: monospace lines wrap at a known column, so `core::logview`
//! computes every line's height without measuring it.

use super::api::Api;
use super::context::TimeCtx;
use super::url_state::LogLens;
use super::widgets::{offset_for, show_result};
use crate::core::format;
use crate::core::logview::{self, IndexBuilder, LineIndex, Search, LEVELS};
use crate::core::model::{Log, LogLevel};
use leptos::html::{Div, Span};
use leptos::prelude::*;
use std::ops::Range;
use std::sync::Arc;

const LINE_HEIGHT: f64 = 18.0;
const ROW_PAD: f64 = 4.0;
/// Widths of the number, time and level columns, gaps and padding (CSS `.logv__row`).
const FIXED_COLUMNS: f64 = 52.0 + 168.0 + 50.0 + 3.0 * 8.0 + 2.0 * 8.0;
/// Bytes of messages indexed per task (`core::logview::IndexBuilder`): a
/// few ms; a 200,000-line log takes a handful of tasks.
const INDEX_BYTES_PER_TASK: usize = 4_000_000;
/// Bytes of messages searched per task (`core::logview::Search`): a few ms;
/// the demo's logs are searched in the task of the keystroke, a
/// 200,000-line log in about a dozen.
const SEARCH_BYTES_PER_TASK: usize = 1_000_000;
/// Lines of a log written as text per task when it is copied.
const COPY_LINES_PER_TASK: usize = 20_000;

/// A log and its `LineIndex`, built a few million bytes per task.
async fn indexed(log: Log) -> (Arc<Log>, Arc<LineIndex>) {
    let mut builder = IndexBuilder::default();
    while !builder.step(&log, INDEX_BYTES_PER_TASK) {
        super::api::next_task().await;
    }
    (Arc::new(log), Arc::new(builder.finish()))
}

#[component]
pub fn LogView(
    log_id: Option<String>,
    /// Where the viewer keeps its level, search and line link.
    lens: LogLens,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let id = log_id.clone();
    // (bytes read, of all) while a long log is read, a task at a time.
    let read = RwSignal::new(None::<(usize, usize)>);
    let log = LocalResource::new(move || {
        let (api, id) = (api.clone(), id.clone());
        read.set(None);
        async move {
            match id {
                Some(id) => {
                    let l = api
                        .log(&id, move |done, total| read.set(Some((done, total))))
                        .await?;
                    Ok(Some(indexed(l).await))
                }
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| log.refetch());
    move || {
        let result = log.get();
        if let (None, Some((done, total))) = (&result, read.get()) {
            return view! {
                <div class="loading" role="status" data-testid="log-reading">
                    <span class="spinner" aria-hidden="true"></span>
                    "Reading the log… "
                    <progress max=total value=done aria-label="Log read"></progress>
                </div>
            }
            .into_any();
        }
        show_result(
            result,
            "log",
            retry,
            || view! { <p class="muted">"This log is no longer available."</p> }.into_any(),
            |l| match l {
                None => {
                    view! { <p class="muted">"No log was kept for this execution."</p> }.into_any()
                }
                Some((l, index)) => {
                    view! { <LogBody log=l index=index lens=lens.clone() /> }.into_any()
                }
            },
        )
    }
}

fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// What a copy came to, for the button's label.
#[derive(Clone, Copy, PartialEq)]
enum Copy {
    Idle,
    Copying,
    Copied,
    Failed,
}

/// Copies a log's text, written `COPY_LINES_PER_TASK` lines per task.
/// Browsers allow a copy only within the click that asks for it, so the
/// clipboard is asked at once, for a `ClipboardItem` whose text is a
/// promise the slices resolve; without `ClipboardItem`, the text is written
/// in this task and passed to `writeText`. `done` is told whether the
/// browser took it.
fn copy_log(log: Arc<Log>, done: impl Fn(bool) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    let Some(w) = web_sys::window() else {
        return done(false);
    };
    let clipboard: JsValue = w.navigator().clipboard().into();
    let item_class = js_sys::Reflect::get(&w, &"ClipboardItem".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok());
    let write = |method: &str, arg: &JsValue| -> Option<js_sys::Promise> {
        let f = js_sys::Reflect::get(&clipboard, &method.into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        f.call1(&clipboard, arg).ok()?.dyn_into().ok()
    };
    let asked = match item_class {
        Some(item_class) => {
            let mut resolve_text = None;
            let text = js_sys::Promise::new(&mut |resolve, _| resolve_text = Some(resolve));
            let parts = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&parts, &"text/plain".into(), &text);
            let item = js_sys::Reflect::construct(&item_class, &js_sys::Array::of1(&parts));
            let asked = item
                .ok()
                .and_then(|item| write("write", &js_sys::Array::of1(&item).into()));
            if asked.is_some() {
                leptos::task::spawn_local(async move {
                    let text = log_text(&log).await;
                    let blob = js_sys::Reflect::get(&w, &"Blob".into())
                        .ok()
                        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
                        .and_then(|blob| {
                            let options = js_sys::Object::new();
                            let _ = js_sys::Reflect::set(
                                &options,
                                &"type".into(),
                                &"text/plain".into(),
                            );
                            let args =
                                js_sys::Array::of2(&js_sys::Array::of1(&text.into()), &options);
                            js_sys::Reflect::construct(&blob, &args).ok()
                        })
                        .unwrap_or(JsValue::UNDEFINED);
                    if let Some(resolve) = resolve_text {
                        let _ = resolve.call1(&JsValue::NULL, &blob);
                    }
                });
            }
            asked
        }
        None => write("writeText", &logview::full_text(&log).into()),
    };
    let Some(asked) = asked else {
        return done(false);
    };
    let done = std::rc::Rc::new(done);
    let failed = done.clone();
    let ok = Closure::once_into_js(move |_: JsValue| done(true));
    let err = Closure::once_into_js(move |_: JsValue| failed(false));
    // (`once_into_js`: each frees itself once called.)
    if let Ok(then) =
        js_sys::Reflect::get(&asked, &"then".into()).and_then(|t| t.dyn_into::<js_sys::Function>())
    {
        let _ = then.call2(&asked, &ok, &err);
    }
}

/// The text of `log`, written a slice of lines per task.
async fn log_text(log: &Log) -> String {
    let mut text = String::new();
    let mut at = 0;
    loop {
        let end = (at + COPY_LINES_PER_TASK).min(log.lines.len());
        logview::push_text(log, at..end, &mut text);
        at = end;
        if at == log.lines.len() {
            return text;
        }
        super::api::next_task().await;
    }
}

#[component]
fn LogBody(log: Arc<Log>, index: Arc<LineIndex>, lens: LogLens) -> impl IntoView {
    let state = lens.state;
    let TimeCtx(time_mode) = expect_context::<TimeCtx>();
    let counts = index.counts();
    let level = Memo::new(move |_| state.read().min_level);
    let query = Memo::new(move |_| state.read().query.clone());
    let link_line = Memo::new(move |_| state.read().line);
    let visible = {
        let index = index.clone();
        Memo::new(move |_| index.visible(level.get()))
    };
    // The search of the visible lines: its first slice in the task of the
    // change, the rest in the tasks after it (the matches found so far are
    // shown meanwhile); a newer search stops an older one.
    let search = RwSignal::new(Search::new(""));
    let searches = StoredValue::new(0u64);
    {
        let log = log.clone();
        Effect::new(move |_| {
            let mut s = Search::new(&query.read());
            let done = visible.with(|v| s.step(&log, v, SEARCH_BYTES_PER_TASK));
            search.set(s);
            searches.update_value(|n| *n += 1);
            if done {
                return;
            }
            let this = searches.get_value();
            let log = log.clone();
            leptos::task::spawn_local(async move {
                loop {
                    super::api::next_task().await;
                    if searches.try_get_value() != Some(this) {
                        return;
                    }
                    let done = search.try_update(|s| {
                        visible
                            .try_with_untracked(|v| s.step(&log, v, SEARCH_BYTES_PER_TASK))
                            .unwrap_or(true)
                    });
                    if done != Some(false) {
                        return;
                    }
                }
            });
        });
    }
    let current = RwSignal::new(0usize);

    let scroller: NodeRef<Div> = NodeRef::new();
    let probe: NodeRef<Span> = NodeRef::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(560.0);
    let cols = RwSignal::new(100usize);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            if el.client_height() > 0 {
                viewport.set(el.client_height() as f64);
            }
            let char_w = probe
                .get_untracked()
                .map(|p| p.get_bounding_client_rect().width() / 100.0)
                .filter(|w| *w > 0.0)
                .unwrap_or(7.2);
            let msg_w = el.client_width() as f64 - FIXED_COLUMNS;
            cols.set(((msg_w / char_w).floor() as usize).max(10));
        }
    };
    let heights = {
        let log = log.clone();
        Memo::new(move |_| index.heights(&log, &visible.read(), cols.get(), LINE_HEIGHT, ROW_PAD))
    };
    let window = Memo::new(move |_| heights.read().window(scroll_top.get(), viewport.get(), 12));
    // The matches on the rows in view, and the number of the first: rows
    // are drawn again only when these change, not at each slice of a search.
    let marks = Memo::new(move |_| {
        let w = window.get();
        search.with(|s| {
            let (first, m) = logview::matches_in(s.matches(), w);
            (first, m.to_vec())
        })
    });
    let scroll_to_row = move |row: usize| {
        if let Some(el) = scroller.get_untracked() {
            let top = heights.with_untracked(|h| h.top(row));
            let target = (top - viewport.get_untracked() / 3.0).max(0.0);
            el.set_scroll_top(target as i32);
            scroll_top.set(target);
        }
    };
    // Once the viewer is in the page: measure, then go to the linked line.
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
            super::api::mark("runlens:log:shown");
            if let Some(line) = link_line.get_untracked() {
                if let Some(row) = visible.with_untracked(|v| v.binary_search(&(line - 1)).ok()) {
                    // Wait a frame: the measured width changes line heights, and the
                    // browser clamps scrollTop to the height the DOM has right now.
                    request_animation_frame(move || scroll_to_row(row));
                }
            }
        }
    });
    let jump = move |delta: isize| {
        let n = search.with_untracked(|s| s.matches().len());
        if n == 0 {
            return;
        }
        // While the search runs, the last match found is not the last one:
        // the jump stops there rather than wrapping.
        let at = current.get_untracked() as isize + delta;
        let next = if search.with_untracked(|s| s.is_done()) {
            at.rem_euclid(n as isize) as usize
        } else {
            at.clamp(0, n as isize - 1) as usize
        };
        current.set(next);
        if let Some(row) = search.with_untracked(|s| s.matches().get(next).map(|x| x.row)) {
            scroll_to_row(row);
        }
    };
    let copy = RwSignal::new(Copy::Idle);
    let full = log.clone();
    let log_rows = log.clone();
    let (lens_level, lens_search, lens_lines) = (lens.clone(), lens.clone(), lens);

    let note = log.note.clone();
    view! {
        {note.map(|n| view! { <p class="note" data-testid="log-note">{n}</p> })}
        <div class="logv" data-testid="log-viewer">
            <div class="logv__toolbar">
                <select
                    class="logv__level"
                    aria-label="Minimum level"
                    data-testid="log-level"
                    on:change=move |e| {
                        let min_level = logview::parse_level(&event_target_value(&e));
                        lens_level.update(move |s| {
                            s.min_level = min_level;
                            s.line = None;
                        });
                        current.set(0);
                    }
                    prop:value=move || level.get().label().to_lowercase()
                >
                    {LEVELS
                        .iter()
                        .map(|&l| {
                            let at_least: usize = LEVELS.iter().filter(|&&x| x >= l).map(|&x| counts[x as usize]).sum();
                            let label = if l == LogLevel::Error {
                                format!("ERROR ({at_least})")
                            } else {
                                format!("{} and higher ({at_least})", l.label())
                            };
                            view! { <option value=l.label().to_lowercase()>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <span class="logv__counts">
                    {LEVELS
                        .iter()
                        .map(|&l| view! { <span class=format!("lvl lvl--{}", l.label().to_lowercase())>{format!("{} {}", l.label(), counts[l as usize])}</span> })
                        .collect_view()}
                </span>
                <input
                    class="filter logv__search"
                    type="search"
                    placeholder="Search the log"
                    aria-label="Search the log"
                    data-testid="log-search"
                    prop:value=move || query.get()
                    on:input=move |e| {
                        let q = event_target_value(&e);
                        lens_search.update(move |s| s.query = q);
                        current.set(0);
                    }
                    on:keydown=move |e| {
                        if e.key() == "Enter" {
                            e.prevent_default();
                            jump(if e.shift_key() { -1 } else { 1 });
                        }
                    }
                />
                <span class="muted small" data-testid="log-match-count">
                    {move || {
                        let s = search.read();
                        let n = s.matches().len();
                        match (s.query().is_empty(), s.is_done(), n) {
                            (true, _, _) => String::new(),
                            (false, true, 0) => "no matches".into(),
                            (false, true, n) => format!("{} of {n} matches", current.get().min(n - 1) + 1),
                            (false, false, 0) => "searching…".into(),
                            (false, false, n) => format!("{} of {n} matches so far, searching…", current.get().min(n - 1) + 1),
                        }
                    }}
                </span>
                <button class="btn btn--small" on:click=move |_| jump(-1) title="Previous match (Shift+Enter)" aria-label="Previous match">"▲"</button>
                <button class="btn btn--small" on:click=move |_| jump(1) title="Next match (Enter)" aria-label="Next match">"▼"</button>
                <button
                    class="btn btn--small"
                    data-testid="log-copy"
                    disabled=move || copy.get() == Copy::Copying
                    on:click=move |_| {
                        copy.set(Copy::Copying);
                        copy_log(full.clone(), move |ok| {
                            copy.try_set(if ok { Copy::Copied } else { Copy::Failed });
                        });
                    }
                >
                    {move || match copy.get() {
                        Copy::Idle => "Copy log",
                        Copy::Copying => "Copying…",
                        Copy::Copied => "Copied ✓",
                        Copy::Failed => "Copy failed: select the text instead",
                    }}
                </button>
            </div>
            <div class="logv__scroll" node_ref=scroller on:scroll=move |_| measure() tabindex="0" aria-label="Log lines">
                <span class="logv__probe" node_ref=probe aria-hidden="true">{"x".repeat(100)}</span>
                <div class="logv__inner" style=move || format!("height:{}px", heights.read().total())>
                    {move || {
                        let w = window.get();
                        let vis = visible.read();
                        let hs = heights.read();
                        let in_view = marks.read();
                        let (first_mark, marks) = (in_view.0, &in_view.1);
                        let cur = current.get();
                        let linked = link_line.get();
                        let mode = time_mode.get();
                        vis[w.clone()]
                            .iter()
                            .enumerate()
                            .map(|(k, &i)| {
                                let row = w.start + k;
                                let line = &log_rows.lines[i];
                                let lens_line = lens_lines.clone();
                                let n = i + 1;
                                let on_row = logview::matches_in(marks, row..row + 1);
                                let ranges: Vec<Range<usize>> = on_row.1.iter().map(|m| m.range.clone()).collect();
                                let current_range = cur
                                    .checked_sub(first_mark + on_row.0)
                                    .and_then(|k| on_row.1.get(k))
                                    .map(|m| m.range.clone());
                                let pieces: Vec<AnyView> = logview::split_highlights(&line.message, &ranges)
                                    .into_iter()
                                    .map(|(hit, text)| {
                                        if hit {
                                            let start = text.as_ptr() as usize - line.message.as_ptr() as usize;
                                            let is_current = current_range.as_ref().is_some_and(|r| r.start == start);
                                            view! { <mark class:current=is_current>{text.to_string()}</mark> }.into_any()
                                        } else {
                                            text.to_string().into_any()
                                        }
                                    })
                                    .collect();
                                view! {
                                    <div
                                        class=format!("logv__row logv__row--{}", line.level.label().to_lowercase())
                                        class:logv__row--linked=linked == Some(n)
                                        data-line=n
                                        style=format!("top:{}px;height:{}px", hs.top(row), hs.top(row + 1) - hs.top(row))
                                    >
                                        <button
                                            class="logv__num"
                                            title="Link to this line (copied)"
                                            on:click=move |_| {
                                                let loc = web_sys::window().map(|w| w.location());
                                                if let Some((origin, path)) = loc.and_then(|l| Some((l.origin().ok()?, l.pathname().ok()?))) {
                                                    copy_to_clipboard(&format!("{origin}{path}{}", (lens_line.link)(n)));
                                                }
                                                lens_line.update(move |s| s.line = Some(n));
                                            }
                                        >
                                            {n}
                                        </button>
                                        <span class="logv__ts">{line.at.map(|t| { let o = offset_for(mode, t); format!("{} {}", format::date_at(t, o), format::clock_at(t, o)) }).unwrap_or_default()}</span>
                                        <span class="logv__lvl">{line.level.label()}</span>
                                        <span class="logv__msg">{pieces}</span>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                </div>
                {move || visible.read().is_empty().then(|| view! { <div class="empty">"No lines at this level."</div> })}
            </div>
        </div>
    }
}
