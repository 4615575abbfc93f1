//! Re-reading a document while it is being written (a run in progress, an
//! environment's activity): one timer per poller, paused while the tab is
//! hidden, read at once when it is shown again, backed off after errors,
//! and gone with the component that started it. What to do next is
//! `core::live`'s decision; this module only keeps the timers.

use super::api::ApiError;
use super::context::now;
use crate::core::live::{self, Next, Schedule};
use crate::core::model::Time;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

/// What a page shows about its poller.
#[derive(Clone, Copy)]
pub struct PollView {
    /// When the document was last read successfully (the first load included).
    pub checked: RwSignal<Option<Time>>,
    /// The last read failed: the error and the wait before the next one.
    pub failed: RwSignal<Option<(String, Duration)>>,
}

struct Poller {
    timer: Option<TimeoutHandle>,
    errors: u32,
    /// A read is in flight.
    busy: bool,
    /// Hidden tab: no timer; read when shown.
    paused: bool,
    /// Starts one read.
    read: Rc<dyn Fn()>,
}

thread_local! {
    static POLLERS: RefCell<HashMap<u64, Poller>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

fn visible() -> bool {
    !document().hidden()
}

fn with_poller<R>(id: u64, f: impl FnOnce(&mut Poller) -> R) -> Option<R> {
    POLLERS.with(|p| p.borrow_mut().get_mut(&id).map(f))
}

fn stop(id: u64) {
    if let Some(p) = POLLERS.with(|p| p.borrow_mut().remove(&id)) {
        if let Some(t) = p.timer {
            t.clear();
        }
    }
}

/// Sets the poller's next step: a timer, a pause, or the end.
fn arm(id: u64, delay: Option<Duration>) {
    match live::next(delay.is_some(), visible(), delay.unwrap_or_default()) {
        Next::Stop => stop(id),
        Next::Paused => {
            with_poller(id, |p| {
                if let Some(t) = p.timer.take() {
                    t.clear();
                }
                p.paused = true;
            });
        }
        Next::After(d) => {
            let handle = set_timeout_with_handle(move || fire(id), d).ok();
            with_poller(id, |p| {
                if let Some(t) = p.timer.take() {
                    t.clear();
                }
                p.paused = false;
                p.timer = handle;
            });
        }
    }
}

/// Reads now, unless a read is already in flight.
fn fire(id: u64) {
    let read = with_poller(id, |p| {
        p.timer = None;
        p.paused = false;
        if p.busy {
            None
        } else {
            p.busy = true;
            Some(p.read.clone())
        }
    })
    .flatten();
    if let Some(read) = read {
        read();
    }
}

/// Starts re-reading a document: after `first` (`None`: the document is not
/// live, nothing starts), `fetch` is called; a value goes to `on_ok`, which
/// applies it and returns the wait before the next read (`None`: the
/// document will not change any more); an error waits `schedule.delay(n)`
/// after `n` errors in a row. Everything stops when the calling component
/// is cleaned up (the page is left, or shows another document).
pub fn poll<T, Fut>(
    schedule: Schedule,
    first: Option<Duration>,
    fetch: impl Fn() -> Fut + 'static,
    on_ok: impl Fn(T) -> Option<Duration> + 'static,
) -> PollView
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let view = PollView {
        checked: RwSignal::new(Some(now())),
        failed: RwSignal::new(None),
    };
    if first.is_none() {
        return view;
    }
    let id = NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let fetch = Rc::new(fetch);
    let on_ok = Rc::new(on_ok);
    let read: Rc<dyn Fn()> = Rc::new(move || {
        let (fetch, on_ok) = (fetch.clone(), on_ok.clone());
        leptos::task::spawn_local(async move {
            let result = fetch().await;
            // The page was left while reading: nothing to update.
            let Some(errors) = with_poller(id, |p| {
                p.busy = false;
                if result.is_ok() {
                    p.errors = 0;
                } else {
                    p.errors = p.errors.saturating_add(1);
                }
                p.errors
            }) else {
                return;
            };
            match result {
                Ok(v) => {
                    view.failed.set(None);
                    view.checked.set(Some(now()));
                    let next = on_ok(v);
                    arm(id, next);
                }
                Err(e) => {
                    let wait = schedule.delay(errors);
                    view.failed.set(Some((e.to_string(), wait)));
                    arm(id, Some(wait));
                }
            }
        });
    });
    POLLERS.with(|p| {
        p.borrow_mut().insert(
            id,
            Poller {
                timer: None,
                errors: 0,
                busy: false,
                paused: false,
                read,
            },
        )
    });
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        if visible() {
            // Shown again: read at once if the poller was paused.
            if with_poller(id, |p| p.paused).unwrap_or(false) {
                fire(id);
            }
        } else {
            with_poller(id, |p| {
                if let Some(t) = p.timer.take() {
                    t.clear();
                    p.paused = true;
                }
            });
        }
    });
    on_cleanup(move || {
        listener.remove();
        stop(id);
    });
    arm(id, first);
    view
}

/// A clock that ticks every second while `on` is true (for "8 s ago"),
/// and not at all otherwise; stopped with the calling component.
pub fn second_clock(on: Memo<bool>) -> ReadSignal<Time> {
    let (clock, set_clock) = signal(now());
    let handle = StoredValue::new(None::<IntervalHandle>);
    let clear = move || {
        if let Some(h) = handle.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
    };
    Effect::new(move |_| {
        if on.get() {
            if handle.with_value(|h| h.is_none()) {
                let h =
                    set_interval_with_handle(move || set_clock.set(now()), Duration::from_secs(1))
                        .ok();
                handle.set_value(h);
            }
        } else {
            clear();
        }
    });
    on_cleanup(clear);
    clock
}
