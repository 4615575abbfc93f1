//! Layouts for the page: from the cache (`core::layout_job::Cache`), laid
//! out here for a small graph, or by the layout web worker
//! (`src/bin/runlens-layout-worker.rs`) for a big one, so the page never
//! freezes while a 20,000-model lineage is laid out. If the worker cannot
//! start (a host without its files, a policy that forbids workers) the
//! layout is done here, as before, and the console says why once.

use crate::core::graph::Layout;
use crate::core::layout_job::{decode_layout, Cache, Request};
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// Trunk's loader for the worker (`data-loader-shim` in index.html).
const WORKER_URL: &str = "/runlens-layout-worker_loader.js";

/// A layout some callers are waiting for.
#[derive(Default)]
struct Slot {
    layout: Option<Arc<Layout>>,
    wakers: Vec<Waker>,
}

impl Slot {
    fn fill(slot: &Rc<RefCell<Slot>>, layout: Arc<Layout>) {
        let mut s = slot.borrow_mut();
        s.layout = Some(layout);
        for w in s.wakers.drain(..) {
            w.wake();
        }
    }
}

struct Job {
    key: u64,
    request: Request,
    slot: Rc<RefCell<Slot>>,
}

enum WorkerState {
    NotStarted,
    /// Started; requests wait here until it says it is ready.
    Starting(Worker, Vec<Vec<f64>>),
    Ready(Worker),
    Broken,
}

struct State {
    cache: Cache,
    worker: WorkerState,
    jobs: HashMap<u32, Job>,
    next_job: u32,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State {
        cache: Cache::default(),
        worker: WorkerState::NotStarted,
        jobs: HashMap::new(),
        next_job: 1,
    });
}

/// The layout already known for `request` (cached), or, for a small graph,
/// laid out now; `None` when it has to wait for the worker.
pub fn at_once(request: &Request) -> Option<Arc<Layout>> {
    at_once_keyed(request.key(), request)
}

fn at_once_keyed(key: u64, request: &Request) -> Option<Arc<Layout>> {
    if let Some(l) = STATE.with(|s| s.borrow_mut().cache.get(key)) {
        return Some(l);
    }
    let broken = STATE.with(|s| matches!(s.borrow().worker, WorkerState::Broken));
    (!request.is_big() || broken).then(|| lay_out_here(key, request))
}

/// The layout of `request`: at once when possible, else from the worker.
pub async fn layout(request: Request) -> Arc<Layout> {
    let key = request.key();
    if let Some(l) = at_once_keyed(key, &request) {
        return l;
    }
    // The same graph asked for twice waits for one job.
    let slot = STATE.with(|s| {
        s.borrow()
            .jobs
            .values()
            .find(|j| j.key == key)
            .map(|j| j.slot.clone())
    });
    let slot = match slot {
        Some(slot) => slot,
        None => send(key, request),
    };
    Waiting(slot).await
}

fn lay_out_here(key: u64, request: &Request) -> Arc<Layout> {
    count_layout();
    let l = Arc::new(request.run());
    STATE.with(|s| s.borrow_mut().cache.put(key, l.clone()));
    l
}

/// Hands the job to the worker (starting it if need be).
fn send(key: u64, request: Request) -> Rc<RefCell<Slot>> {
    let slot = Rc::new(RefCell::new(Slot::default()));
    let started = start_worker();
    let sent = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let job = s.next_job;
        s.next_job = s.next_job.wrapping_add(1).max(1);
        let data = request.encode(job);
        s.jobs.insert(
            job,
            Job {
                key,
                request,
                slot: slot.clone(),
            },
        );
        match &mut s.worker {
            WorkerState::Starting(_, queue) => {
                queue.push(data);
                true
            }
            WorkerState::Ready(w) => post(w, &data),
            WorkerState::NotStarted | WorkerState::Broken => false,
        }
    });
    if !started || !sent {
        give_up("the layout worker could not be started or reached");
    }
    slot
}

/// False if the message could not be sent.
fn post(worker: &Worker, data: &[f64]) -> bool {
    let array = js_sys::Float64Array::from(data);
    worker
        .post_message_with_transfer(&array, &js_sys::Array::of1(&array.buffer()))
        .is_ok()
}

/// Starts the worker ahead of the first big layout (a run page calls it
/// when it opens), so that its wasm is compiled while the run is read
/// rather than after. Nothing is laid out; a worker that cannot start is
/// noticed, and reported, when a layout is asked for.
pub fn warm_up() {
    start_worker();
}

/// Starts the worker unless it runs (or failed); false if it cannot run.
fn start_worker() -> bool {
    let state = STATE.with(|s| match s.borrow().worker {
        WorkerState::NotStarted => None,
        WorkerState::Broken => Some(false),
        _ => Some(true),
    });
    if let Some(ok) = state {
        return ok;
    }
    let Ok(worker) = Worker::new(WORKER_URL) else {
        STATE.with(|s| s.borrow_mut().worker = WorkerState::Broken);
        return false;
    };
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(|_: web_sys::Event| {
        give_up("the layout worker failed");
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    STATE.with(|s| s.borrow_mut().worker = WorkerState::Starting(worker, Vec::new()));
    true
}

fn on_message(m: MessageEvent) {
    let data = m.data();
    if data.as_string().as_deref() == Some("ready") {
        let sent = STATE.with(|s| {
            let mut s = s.borrow_mut();
            match std::mem::replace(&mut s.worker, WorkerState::NotStarted) {
                WorkerState::Starting(w, queue) => {
                    let sent = queue.iter().all(|q| post(&w, q));
                    s.worker = WorkerState::Ready(w);
                    sent
                }
                other => {
                    s.worker = other;
                    true
                }
            }
        });
        if !sent {
            give_up("a layout could not be sent to the worker");
        }
        return;
    }
    let Some((job, layout)) = data
        .dyn_into::<js_sys::Float64Array>()
        .ok()
        .and_then(|a| decode_layout(&a.to_vec()))
    else {
        give_up("the layout worker answered something else than a layout");
        return;
    };
    let done = STATE.with(|s| s.borrow_mut().jobs.remove(&job));
    if let Some(j) = done {
        count_layout();
        let layout = Arc::new(layout);
        STATE.with(|s| s.borrow_mut().cache.put(j.key, layout.clone()));
        Slot::fill(&j.slot, layout);
    }
}

/// The worker is not used again: waiting jobs are laid out here.
fn give_up(why: &str) {
    let jobs = STATE.with(|s| {
        let mut s = s.borrow_mut();
        if let WorkerState::Starting(w, _) | WorkerState::Ready(w) =
            std::mem::replace(&mut s.worker, WorkerState::Broken)
        {
            w.terminate();
        }
        std::mem::take(&mut s.jobs)
    });
    web_sys::console::warn_1(&format!("runlens: {why}; laying out on the page instead").into());
    for (_, j) in jobs {
        let l = lay_out_here(j.key, &j.request);
        Slot::fill(&j.slot, l);
    }
}

/// Counts layouts in `window.__runlensLayouts`: browser tests check that a
/// graph shown again, or a new version of a run in progress, lays nothing
/// out again.
fn count_layout() {
    if let Some(w) = web_sys::window() {
        let key = JsValue::from_str("__runlensLayouts");
        let n = js_sys::Reflect::get(&w, &key)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = js_sys::Reflect::set(&w, &key, &(n + 1.0).into());
    }
}

struct Waiting(Rc<RefCell<Slot>>);

impl Future for Waiting {
    type Output = Arc<Layout>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Arc<Layout>> {
        let mut s = self.0.borrow_mut();
        match &s.layout {
            Some(l) => Poll::Ready(l.clone()),
            None => {
                s.wakers.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
