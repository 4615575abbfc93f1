//! HTTP client of the Run API: fetches text and hands it to the pure
//! decoders. With a dbt source, the same calls are answered from dbt
//! artifacts (`manifest.json`, `run_results.json`, `catalog.json`) read once.

use crate::core::answer::{self, WebPage};
use crate::core::dbt::{self, DbtRun};
use crate::core::decode::{self, DecodeError};
use crate::core::live::Schedule;
use crate::core::model::{Environment, EnvironmentActivity, Log, Run};
use crate::core::route::{encode, is_path_segment, is_run_id};
use gloo_net::http::Request;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

/// Where the data comes from, resolved once at start (see `app::load_api`).
#[derive(Clone, Debug)]
pub struct Api {
    pub base: String,
    /// Base URL of a dbt `target/` directory, when reading dbt artifacts.
    pub dbt: Option<String>,
    /// How long a request may take (`?timeout=`, `config.json`, 30 s).
    pub timeout: Duration,
    /// How often a live document is read again (`?poll=`, `config.json`, 5 s).
    pub poll: Schedule,
    cache: Arc<Mutex<Option<Arc<DbtRun>>>>,
    /// Run documents read through `run_shared`, by URL, for the page's life.
    runs: Arc<Mutex<HashMap<String, Arc<Run>>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The resource does not exist (404, or a static host's fallback to this app's page).
    NotFound { url: String },
    /// The request did not complete (server down, CORS, offline).
    Network { url: String, message: String },
    /// No answer within the timeout.
    Timeout { url: String, after: Duration },
    /// The server answered with an error status.
    Http {
        url: String,
        status: u16,
        text: String,
    },
    /// A web page instead of JSON: a wrong base URL, a login or a proxy in the way.
    WebPage { url: String, title: Option<String> },
    /// The response arrived but cannot be shown.
    Decode(DecodeError),
    /// dbt artifacts that cannot be read, with the reason.
    Dbt(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { url } => write!(f, "Not found: {url}"),
            ApiError::Network { url, message } => {
                write!(f, "Could not reach the API at {url}: {message}")
            }
            ApiError::Timeout { url, after } => write!(
                f,
                "The API did not answer within {} ({url})",
                answer::seconds_text(*after)
            ),
            ApiError::Http { url, status, text } => {
                write!(f, "The API answered {status} {text} for {url}")
            }
            ApiError::WebPage { url, title } => {
                write!(f, "The API answered with a web page instead of JSON")?;
                if let Some(t) = title {
                    write!(f, " (title \u{201c}{t}\u{201d})")?;
                }
                write!(f, " for {url}")
            }
            ApiError::Decode(e) => write!(f, "{e}"),
            ApiError::Dbt(e) => write!(f, "{e}"),
        }
    }
}

thread_local! {
    /// Requests in flight for a page: (id, the page's path when it asked, controller).
    static IN_FLIGHT: RefCell<Vec<(u64, String, web_sys::AbortController)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

thread_local! {
    /// The router's path, once the router is up (see [`follow_page`]).
    static PAGE_PATH: RefCell<Option<leptos::prelude::Memo<String>>> = const { RefCell::new(None) };
}

/// Tags requests with the router's path from now on: the router changes it
/// before the new page renders (and asks for its data), while the
/// browser's address may change later.
pub fn follow_page(path: leptos::prelude::Memo<String>) {
    PAGE_PATH.with(|p| *p.borrow_mut() = Some(path));
}

/// The page's path (what requests are tagged with).
pub fn current_path() -> String {
    use leptos::prelude::GetUntracked;
    if let Some(p) = PAGE_PATH.with(|p| *p.borrow()) {
        return p.get_untracked();
    }
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// Aborts the requests of pages other than `path` (called when the page
/// changes): a page left behind does not keep downloading.
pub fn abort_requests_not_for(path: &str) {
    IN_FLIGHT.with(|f| {
        f.borrow_mut().retain(|(_, p, c)| {
            if p == path {
                true
            } else {
                c.abort();
                false
            }
        })
    });
}

/// A request of a page in flight. Dropped when the request ends, however it
/// ends: also when the page that awaited it is disposed (its future is
/// dropped), and then the request is aborted, as nobody will read it.
struct InFlight {
    id: Option<u64>,
    ctrl: Option<web_sys::AbortController>,
    done: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            IN_FLIGHT.with(|f| f.borrow_mut().retain(|(i, _, _)| *i != id));
        }
        if !self.done {
            if let Some(c) = &self.ctrl {
                c.abort();
            }
        }
    }
}

/// A `run_shared` request in flight, and who waits for it.
#[derive(Default)]
struct Flight {
    result: Option<Result<Arc<Run>, ApiError>>,
    wakers: Vec<std::task::Waker>,
}

thread_local! {
    static FLIGHTS: RefCell<HashMap<String, Rc<RefCell<Flight>>>> = RefCell::new(HashMap::new());
}

/// Waits for another caller's request.
struct Wait(Rc<RefCell<Flight>>);

impl std::future::Future for Wait {
    type Output = Result<Arc<Run>, ApiError>;
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let mut f = self.0.borrow_mut();
        match &f.result {
            Some(r) => std::task::Poll::Ready(r.clone()),
            None => {
                f.wakers.push(cx.waker().clone());
                std::task::Poll::Pending
            }
        }
    }
}

/// The caller that makes the request: hands the answer to the waiting
/// ones, also when it is dropped first (its page left): they get an error
/// and may ask again.
struct Leader {
    url: String,
    flight: Rc<RefCell<Flight>>,
    done: bool,
}

impl Leader {
    fn finish(&mut self, result: Result<Arc<Run>, ApiError>) {
        self.done = true;
        FLIGHTS.with(|f| f.borrow_mut().remove(&self.url));
        let wakers = {
            let mut f = self.flight.borrow_mut();
            f.result = Some(result);
            std::mem::take(&mut f.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        if !self.done {
            let url = self.url.clone();
            self.finish(Err(ApiError::Network {
                url,
                message: "the request was abandoned".into(),
            }));
        }
    }
}

impl Api {
    pub fn new(base: String, dbt: Option<String>, timeout: Duration) -> Api {
        Api {
            base,
            dbt,
            timeout,
            poll: Schedule::default(),
            cache: Arc::new(Mutex::new(None)),
            runs: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// This source, answered from `other`'s dbt invocation (read already, or
    /// being read): `app::load_api` downloads it before the configuration
    /// that makes this source is known.
    pub fn sharing_dbt_run(mut self, other: &Api) -> Api {
        self.cache = other.cache.clone();
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base.trim_end_matches('/'), path)
    }

    async fn get_text(&self, path: &str) -> Result<String, ApiError> {
        self.get_url(self.url(path), true).await
    }

    /// A document's bytes, not made a JS string first: the copy of a long
    /// document into the wasm as text is one long task (two seconds for a
    /// 30 MB log), its bytes one quick copy.
    async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, ApiError> {
        self.get_body(self.url(path), true).await
    }

    /// The dbt invocation, read once and kept (`app::load_api` reads it at
    /// start; a failed read is not kept, so a retry reads again).
    pub async fn dbt_run(&self) -> Result<Option<Arc<DbtRun>>, ApiError> {
        let Some(base) = &self.dbt else {
            return Ok(None);
        };
        if let Some(d) = self.cache.lock().ok().and_then(|c| c.clone()) {
            return Ok(Some(d));
        }
        // The code that reads them downloads with them.
        leptos::task::spawn_local(async {
            // A part that fails to download is asked for again by the read.
            let _ = preload_read_dbt().await;
        });
        let file = |name: &str| format!("{}/{name}", base.trim_end_matches('/'));
        // The three files download at once; their errors are reported in
        // this order.
        let (manifest, results, catalog) = join3(
            self.get_url(file("manifest.json"), false),
            self.get_url(file("run_results.json"), false),
            self.get_url(file("catalog.json"), false),
        )
        .await;
        let manifest = manifest.map_err(|e| ApiError::Dbt(format!("manifest.json: {e}")))?;
        let results = results.map_err(|e| ApiError::Dbt(format!("run_results.json: {e}")))?;
        let catalog = match catalog {
            Ok(c) => Some(c),
            Err(ApiError::NotFound { .. }) => None,
            Err(e) => return Err(ApiError::Dbt(format!("catalog.json: {e}"))),
        };
        let read = read_dbt(manifest, results, catalog).await?;
        let d = Arc::new(read);
        if let Ok(mut c) = self.cache.lock() {
            *c = Some(d.clone());
        }
        Ok(Some(d))
    }

    /// GET `url` as text (as the Fetch standard's `text()` reads it; see
    /// `get_body`).
    async fn get_url(&self, url: String, for_page: bool) -> Result<String, ApiError> {
        Ok(answer::body_text(self.get_body(url, for_page).await?))
    }

    /// GET `url`'s bytes, given up after the timeout. A request `for_page`
    /// is aborted when the app moves to another page (the shared dbt
    /// download is not).
    async fn get_body(&self, url: String, for_page: bool) -> Result<Vec<u8>, ApiError> {
        let ctrl = web_sys::AbortController::new().ok();
        let mut in_flight = match (&ctrl, for_page) {
            (Some(c), true) => {
                let id = NEXT_ID.with(|n| {
                    n.set(n.get() + 1);
                    n.get()
                });
                IN_FLIGHT.with(|f| f.borrow_mut().push((id, current_path(), c.clone())));
                InFlight {
                    id: Some(id),
                    ctrl: Some(c.clone()),
                    done: false,
                }
            }
            _ => InFlight {
                id: None,
                ctrl: None,
                done: true,
            },
        };
        let timed_out = Rc::new(Cell::new(false));
        let timer = ctrl.clone().and_then(|c| {
            let flag = timed_out.clone();
            leptos::prelude::set_timeout_with_handle(
                move || {
                    flag.set(true);
                    c.abort();
                },
                self.timeout,
            )
            .ok()
        });
        let result = self.fetch(&url, ctrl.as_ref().map(|c| c.signal())).await;
        in_flight.done = true;
        if let Some(t) = timer {
            t.clear();
        }
        match result {
            Err(ApiError::Network { .. }) if timed_out.get() => Err(ApiError::Timeout {
                url,
                after: self.timeout,
            }),
            other => other,
        }
    }

    async fn fetch(
        &self,
        url: &str,
        signal: Option<web_sys::AbortSignal>,
    ) -> Result<Vec<u8>, ApiError> {
        let network = |e: gloo_net::Error| ApiError::Network {
            url: url.to_string(),
            message: e.to_string(),
        };
        // `no-cache`: the browser revalidates what it has (ETag /
        // If-Modified-Since), so a document being written is never read
        // stale and an unchanged one costs a 304.
        let resp = Request::get(url)
            .header("Accept", "application/json")
            .cache(web_sys::RequestCache::NoCache)
            .abort_signal(signal.as_ref())
            .send()
            .await
            .map_err(network)?;
        if resp.status() == 404 || resp.status() == 410 {
            return Err(ApiError::NotFound { url: url.into() });
        }
        if !resp.ok() {
            return Err(ApiError::Http {
                url: url.into(),
                status: resp.status(),
                text: resp.status_text(),
            });
        }
        let ctype = resp.headers().get("content-type").unwrap_or_default();
        // The bytes, copied into wasm as they are (converting a big
        // document's JavaScript string held the page).
        let body = resp.binary().await.map_err(network)?;
        // A static host with a single-page-app fallback answers unknown paths
        // with this app's index.html and 200: that is a missing resource. Any
        // other page is a wrong base URL or a login in the way.
        let page = answer::web_page_bytes(&ctype, &body);
        match page {
            Some(WebPage::AppFallback) => Err(ApiError::NotFound { url: url.into() }),
            Some(WebPage::Other { title }) => Err(ApiError::WebPage {
                url: url.into(),
                title,
            }),
            None => Ok(body),
        }
    }

    pub async fn environments(&self) -> Result<Vec<Environment>, ApiError> {
        if let Some(d) = self.dbt_run().await? {
            return Ok(vec![dbt::environment_of(&d).0]);
        }
        let path = "environments.json";
        let text = self.get_text(path).await?;
        decode::decode_environments(&text).map_err(|e| ApiError::Decode(e.in_document(path)))
    }

    pub async fn activity(&self, env: &str) -> Result<EnvironmentActivity, ApiError> {
        if let Some(d) = self.dbt_run().await? {
            let (e, a) = dbt::environment_of(&d);
            return if e.name == env {
                Ok(a)
            } else {
                Err(ApiError::NotFound {
                    url: format!("dbt target {env}"),
                })
            };
        }
        if !is_path_segment(env) {
            return Err(ApiError::NotFound { url: env.into() });
        }
        let path = format!("environments/{}/activity.json", encode(env));
        let text = self.get_text(&path).await?;
        decode::decode_activity(&text).map_err(|e| ApiError::Decode(e.in_document(&path)))
    }

    /// One month page of a paged activity (`YYYY-MM`, see docs/api.md).
    pub async fn activity_month(
        &self,
        env: &str,
        month: &str,
    ) -> Result<EnvironmentActivity, ApiError> {
        let text = self
            .get_text(&format!(
                "environments/{}/activity/{}.json",
                encode(env),
                encode(month)
            ))
            .await?;
        decode::decode_activity(&text).map_err(ApiError::Decode)
    }

    /// The activity the environment page shows: the newest page, plus the
    /// month pages its chart window (`days` before the newest activity or
    /// `now`) reaches into; nothing older.
    pub async fn recent_activity(
        &self,
        env: &str,
        now: crate::core::model::Time,
        days: i64,
    ) -> Result<EnvironmentActivity, ApiError> {
        use crate::core::paging;
        let first = self.activity(env).await?;
        let newest = first.activity.iter().map(|a| a.start).max().unwrap_or(now);
        let since = newest.min(now) - chrono::Duration::days(days + 1);
        let mut pages = Vec::new();
        for m in paging::months_to_cover(&first, since) {
            match self.activity_month(env, &m).await {
                Ok(p) => pages.push(p),
                Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(paging::merge(&first, &pages))
    }

    fn run_path(env: &str, run_id: &str) -> String {
        format!("environments/{}/runs/{}.json", encode(env), encode(run_id))
    }

    /// A run document read once and kept for the page's life: for runs the
    /// page only looks into (the previous run, from every selected model's
    /// details), not for the run on screen, which `run` reads afresh. A
    /// failed read is not kept, so asking again reads again.
    pub async fn run_shared(&self, env: &str, run_id: &str) -> Result<Arc<Run>, ApiError> {
        let url = self.url(&Api::run_path(env, run_id));
        if let Some(r) = self.runs.lock().ok().and_then(|m| m.get(&url).cloned()) {
            return Ok(r);
        }
        // Asked twice at once (model details and the history, say): one
        // request, both get its answer.
        if let Some(f) = FLIGHTS.with(|f| f.borrow().get(&url).cloned()) {
            return Wait(f).await;
        }
        let flight = Rc::new(RefCell::new(Flight::default()));
        FLIGHTS.with(|f| f.borrow_mut().insert(url.clone(), flight.clone()));
        let mut leader = Leader {
            url: url.clone(),
            flight,
            done: false,
        };
        let result = self.run(env, run_id).await.map(Arc::new);
        if let Ok(r) = &result {
            if let Ok(mut m) = self.runs.lock() {
                m.insert(url, r.clone());
            }
        }
        leader.finish(result.clone());
        result
    }

    pub async fn run(&self, env: &str, run_id: &str) -> Result<Run, ApiError> {
        if let Some(d) = self.dbt_run().await? {
            return if d.run.environment == env && d.run.id.as_str() == run_id {
                Ok(d.run.clone())
            } else {
                Err(ApiError::NotFound {
                    url: format!("dbt invocation {run_id}"),
                })
            };
        }
        // Checked before any request: a malformed id is "not found", never
        // a fetch of another document.
        if !is_path_segment(env) || !is_run_id(run_id) {
            return Err(ApiError::NotFound {
                url: format!("{env}/{run_id}"),
            });
        }
        let path = Api::run_path(env, run_id);
        let text = self.get_text(&path).await?;
        // Reading a big run and drawing it are separate tasks, so neither
        // holds the page for both (the browser paints and takes input between).
        next_task().await;
        // The rows stay text in `text` until read.
        let failed = |e: DecodeError| ApiError::Decode(e.in_document(&path));
        let mut reader = decode::RunReader::new(&text);
        while !reader.step(ROWS_PER_TASK).map_err(failed)? {
            next_task().await;
        }
        next_task().await;
        reader.finish().map_err(failed)
    }

    /// A log document, read a few thousand lines per task
    /// (`core::decode::LogReader`); `progress` hears (bytes read, of all)
    /// before each task.
    pub async fn log(
        &self,
        log_id: &str,
        progress: impl Fn(usize, usize),
    ) -> Result<Log, ApiError> {
        if let Some(d) = self.dbt_run().await? {
            return d.logs.get(log_id).cloned().ok_or(ApiError::NotFound {
                url: log_id.to_string(),
            });
        }
        if !is_path_segment(log_id) {
            return Err(ApiError::NotFound { url: log_id.into() });
        }
        let path = format!("logs/{}.json", encode(log_id));
        let bytes = self.get_bytes(&path).await?;
        // Marks for tests/browser/bench-longtask.mjs: which tasks are the read's.
        mark("runlens:log:fetched");
        let failed = |e: DecodeError| ApiError::Decode(e.in_document(&path));
        next_task().await;
        let mut reader = decode::LogReader::new(&bytes).map_err(failed)?;
        loop {
            let (read, total) = reader.progress();
            progress(read, total);
            if reader.step(LINES_PER_TASK).map_err(failed)? {
                break;
            }
            next_task().await;
        }
        mark("runlens:log:read");
        next_task().await;
        Ok(reader.finish())
    }
}

/// A `performance.mark` (benchmarks read them).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The dbt artifacts read into a run: the manifest, the other two files and
/// the run built from them, each in a task of its own, then a task for the
/// page that waited. Its code is a part of the WebAssembly of its own,
/// fetched only by a dbt source. The time spent reading is left in
/// `window.__runlensDbtDecodeMs` for tests/browser/bench-dbt.mjs.
///
/// `fallible`: a part that cannot be downloaded is an `ApiError::Dbt` (the
/// page's error, with a retry), not a stop of the app.
#[leptos::wasm_split::wasm_split(
    read_dbt,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_read_dbt),
    return_wrapper(let future = _; { future.await } -> Result<DbtRun, ApiError>)
)]
fn read_dbt(
    manifest: String,
    results: String,
    catalog: Option<String>,
) -> std::pin::Pin<Box<dyn Future<Output = Result<DbtRun, ApiError>>>> {
    Box::pin(async move {
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || perf.as_ref().map_or(0.0, |p| p.now());
        let mut reader = dbt::DbtReader::new(&manifest, &results, catalog.as_deref());
        let mut spent = 0.0;
        let read = loop {
            next_task().await;
            let t0 = now();
            let step = reader.step().map_err(ApiError::Dbt)?;
            spent += now() - t0;
            if let Some(read) = step {
                break read;
            }
        };
        next_task().await;
        let _ = js_sys::Reflect::set(
            &wasm_bindgen::JsValue::from(web_sys::window()),
            &"__runlensDbtDecodeMs".into(),
            &spent.into(),
        );
        Ok(read)
    })
}

impl From<leptos::wasm_split::SplitLoaderError> for ApiError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> ApiError {
        ApiError::Dbt("the code that reads dbt artifacts could not be downloaded".into())
    }
}

/// Polls two futures together until both have finished.
pub async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (x, y, ()) = join3(a, b, async {}).await;
    (x, y)
}

/// Polls three futures together until all have finished (the dbt
/// artifacts are downloaded in parallel rather than one after another).
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (std::pin::pin!(a), std::pin::pin!(b), std::pin::pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(v) = c.as_mut().poll(cx) {
                rc = Some(v);
            }
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready((x, y, z)),
            (x, y, z) => {
                (ra, rb, rc) = (x, y, z);
                Poll::Pending
            }
        }
    })
    .await
}

/// Lines of a log document found and turned into the domain per task (a
/// 200,000-line log takes a hundred tasks of a few ms each).
const LINES_PER_TASK: usize = 2_000;

/// Rows of a run document turned into the domain per task (a few ms each
/// on a laptop; a 20,000-execution run takes about a dozen tasks).
const ROWS_PER_TASK: usize = 3_000;

/// Resolves in a new task of the event loop: what follows runs after the
/// browser had a turn to paint and handle input. A message to ourselves (a
/// `MessageChannel`), not a zero-delay timer: timers nested five deep wait
/// at least 4 ms each, and a second each in a background tab.
pub async fn next_task() {
    let state = Rc::new(RefCell::new((false, None::<std::task::Waker>)));
    let fire = state.clone();
    let on_message = wasm_bindgen::closure::Closure::once_into_js(move || {
        let waker = {
            let mut s = fire.borrow_mut();
            s.0 = true;
            s.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    });
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    channel
        .port1()
        .set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(&on_message)));
    if channel
        .port2()
        .post_message(&wasm_bindgen::JsValue::NULL)
        .is_err()
    {
        return;
    }
    // The channel lives until the message came (its ports with it).
    NextTask(state, channel).await
}

struct NextTask(
    Rc<RefCell<(bool, Option<std::task::Waker>)>>,
    #[allow(dead_code)] web_sys::MessageChannel,
);

impl Future for NextTask {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let mut s = self.0.borrow_mut();
        if s.0 {
            std::task::Poll::Ready(())
        } else {
            s.1 = Some(cx.waker().clone());
            std::task::Poll::Pending
        }
    }
}
