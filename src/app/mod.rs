//! The Leptos shell: configuration, clock, the one route table, and pages
//! that render what the core computes. No domain logic lives here.

pub mod api;
mod audits;
mod context;
mod drawer;
mod environment;
mod executions;
mod explore;
mod keys;
mod layout_worker;
mod live;
mod log;
mod run;
mod shared;
mod table_view;
mod timeline;
mod url_state;
mod widgets;

use crate::core::format::TimeMode;
use crate::core::keys::Theme;
use crate::core::route::Page;
use api::Api;
use context::{now, Clock, TimeCtx};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute,
};
use std::time::Duration;

const SESSION_API_KEY: &str = "runlens.api";
const SESSION_DBT_KEY: &str = "runlens.dbt";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// `?<param>=<url>` on any page overrides a source for this browser tab
/// (kept in session storage, so reloads and links keep it); `?<param>=off` clears it.
fn url_override(param: &str, key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let from_url = params.get(param).filter(|s| !s.trim().is_empty());
    if let (Some(v), Some(s)) = (&from_url, session_storage()) {
        if v == "off" {
            let _ = s.remove_item(key);
            return None;
        }
        let _ = s.set_item(key, v);
    }
    from_url.or_else(|| session_storage()?.get_item(key).ok().flatten())
}

/// `config.json` (README, "Configuration"). Read with the browser's JSON
/// parser: the first page's code carries no JSON decoder of its own for it.
/// A field of another type is ignored, as is a file that is not an object.
#[derive(Default)]
struct ConfigFile {
    api_base: Option<String>,
    /// Seconds a request may take (default 30).
    request_timeout_s: Option<f64>,
    /// Seconds between reads of a live document (default 5).
    poll_interval_s: Option<f64>,
}

impl ConfigFile {
    fn parse(text: &str) -> Option<ConfigFile> {
        let value = js_sys::JSON::parse(text).ok()?;
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return None;
        }
        let field = |name: &str| js_sys::Reflect::get(&value, &name.into()).ok();
        Some(ConfigFile {
            api_base: field("api_base").and_then(|v| v.as_string()),
            request_timeout_s: field("request_timeout_s").and_then(|v| v.as_f64()),
            poll_interval_s: field("poll_interval_s").and_then(|v| v.as_f64()),
        })
    }
}

const SESSION_TIMEOUT_KEY: &str = "runlens.timeout";
const SESSION_POLL_KEY: &str = "runlens.poll";

/// Resolves the data source: `?dbt=` (a dbt target directory) or the Run
/// API at `?api=`, else `config.json`'s `api_base`, else `/api`.
async fn load_api() -> Api {
    let dbt = url_override("dbt", SESSION_DBT_KEY);
    let timeout_param = url_override("timeout", SESSION_TIMEOUT_KEY);
    let Some(dbt_base) = dbt.clone() else {
        return resolve_api(dbt, timeout_param).await;
    };
    // A dbt project is shown as a run page, whose lineage is laid out in
    // the worker: it starts compiling while the artifacts download.
    leptos::task::spawn_local(async {
        // Only a warm-up: a page that needs the worker starts it.
        let _ = warm_up_layout().await;
    });
    // dbt artifacts are read once, before any page asks for them, so that
    // pages asking at the same moment share one download and decode; they
    // download while config.json is read (with `?timeout=`'s timeout or the
    // default, as config.json is not known yet). A failure is not kept: the
    // page that needs the data shows it, with a retry.
    let early = Api::new(
        String::new(),
        Some(dbt_base),
        crate::core::answer::timeout(timeout_param.as_deref(), None),
    );
    let (api, _) = api::join2(resolve_api(dbt, timeout_param), early.dbt_run()).await;
    api.sharing_dbt_run(&early)
}

/// Starts the layout worker, from a part of the WebAssembly of its own: the
/// worker's client can lay out on the page when the worker fails, code the
/// first page of a Run API source does not need. `fallible`: a part that
/// cannot be downloaded is an error, not a stop of the app.
#[leptos::wasm_split::wasm_split(warm_up_layout, wasm_split_path = ::leptos::wasm_split, fallible)]
fn warm_up_layout() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    layout_worker::warm_up();
    Ok(())
}

/// The source, from `dbt` and `timeout_param` (read from the URL by
/// `load_api`), `?api=` and `?poll=`, and `config.json`.
async fn resolve_api(dbt: Option<String>, timeout_param: Option<String>) -> Api {
    let from_url = url_override("api", SESSION_API_KEY);
    let poll_param = url_override("poll", SESSION_POLL_KEY);
    let config = async {
        let resp = gloo_net::http::Request::get("/config.json")
            .send()
            .await
            .ok()?;
        if !resp.ok() {
            return None;
        }
        ConfigFile::parse(&resp.text().await.ok()?)
    }
    .await
    .unwrap_or_default();
    let timeout = crate::core::answer::timeout(timeout_param.as_deref(), config.request_timeout_s);
    let base = from_url
        .or(config.api_base)
        .unwrap_or_else(|| "/api".into());
    let mut api = Api::new(base, dbt, timeout);
    api.poll = crate::core::live::Schedule::new(crate::core::live::interval(
        poll_param.as_deref(),
        config.poll_interval_s,
    ));
    api
}

pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Fetches the part of the WebAssembly that draws `page` (once: a later
/// call waits for the same fetch, or returns at once).
async fn preload(page: Page) {
    match page {
        Page::Environments => EnvironmentsRoute::preload().await,
        Page::Environment => EnvironmentRoute::preload().await,
        Page::Run => RunRoute::preload().await,
        Page::None => {}
    }
}

/// How long after the landing page's part arrived the other pages' parts
/// are prefetched (the page's own documents download first).
const PREFETCH_AFTER: Duration = Duration::from_secs(1);

/// Has the browser prefetch, at idle priority, every page's parts that
/// index.html lists (`<meta name="runlens-prefetch">`, written by
/// scripts/split-wasm.mjs), so that opening another page does not wait for
/// its download (the parts this page fetched already are left out). A
/// prefetch that fails costs nothing: the page fetches again.
fn prefetch_parts() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(doc) = window.document() else {
        return;
    };
    let origin = window.location().origin().unwrap_or_default();
    let perf = window.performance();
    let fetched = |href: &str| {
        perf.as_ref()
            .is_some_and(|p| p.get_entries_by_name(&format!("{origin}{href}")).length() > 0)
    };
    let (Ok(Some(meta)), Ok(Some(head))) = (
        doc.query_selector("meta[name=runlens-prefetch]"),
        doc.query_selector("head"),
    ) else {
        return;
    };
    for href in meta
        .get_attribute("content")
        .unwrap_or_default()
        .split_whitespace()
    {
        if fetched(href) {
            continue;
        }
        let Ok(link) = doc.create_element("link") else {
            continue;
        };
        let _ = link.set_attribute("rel", "prefetch");
        let _ = link.set_attribute("href", href);
        let _ = link.set_attribute("crossorigin", "anonymous");
        let _ = head.append_child(&link);
    }
}

#[component]
fn App() -> impl IntoView {
    // The landing page's part downloads while the configuration is read
    // (the router would ask for it only once the source is known).
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    leptos::task::spawn_local(async move {
        preload(crate::core::route::page_of(&path)).await;
        set_timeout(prefetch_parts, PREFETCH_AFTER);
    });
    let api = LocalResource::new(load_api);
    view! {
        {move || {
            match api.get() {
                Some(api) => view! { <Shell api=api /> }.into_any(),
                None => view! { <main class="page"><widgets::Loading what="runlens" /></main> }.into_any(),
            }
        }}
    }
}

#[component]
fn Shell(api: Api) -> impl IntoView {
    let dbt_source = api.dbt.clone();
    provide_context(api);
    let (clock, set_clock) = signal(now());
    set_interval(move || set_clock.set(now()), Duration::from_secs(30));
    provide_context(Clock(clock));
    let time_mode = RwSignal::new(context::saved_time_mode());
    provide_context(TimeCtx(time_mode));
    let set_mode = move |m: TimeMode| context::set_time_mode(TimeCtx(time_mode), m);
    let theme = RwSignal::new(context::saved_theme());
    context::apply_theme(theme.get_untracked());
    let set_theme = move |t: Theme| context::set_theme(context::ThemeCtx(theme), t);
    provide_context(context::ThemeCtx(theme));
    provide_context(context::TabShortcut(StoredValue::new(None)));
    let sheet = RwSignal::new(false);
    view! {
        <Router>
            <AbortLeftRequests />
            <header class="topbar">
                <a class="brand" href=crate::core::route::environments()>
                    <span class="brand__mark" aria-hidden="true"></span>
                    "runlens"
                </a>
                <nav class="topbar__nav" aria-label="Site">
                    <a href=crate::core::route::environments()>"Environments"</a>
                    {dbt_source.map(|d| view! {
                        <span class="source-chip" title="Reading dbt artifacts (manifest.json, run_results.json) from this address. Open the app with ?dbt=off to go back.">
                            "dbt artifacts: " <span class="mono">{d}</span>
                        </span>
                    })}
                </nav>
                <div class="seg topbar__zone" role="group" aria-label="Time zone">
                    {[(TimeMode::Utc, "UTC"), (TimeMode::Local, "Local")]
                        .into_iter()
                        .map(|(m, label)| {
                            view! {
                                <button
                                    class="seg__btn"
                                    data-time=m.key()
                                    aria-pressed=move || (time_mode.get() == m).to_string()
                                    title=if m == TimeMode::Utc { "Show times in UTC" } else { "Show times in this browser's time zone" }
                                    on:click=move |_| set_mode(m)
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <div class="seg topbar__theme" role="group" aria-label="Colour theme">
                    {Theme::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    class="seg__btn"
                                    data-theme-choice=t.key()
                                    aria-pressed=move || (theme.get() == t).to_string()
                                    title=match t {
                                        Theme::Auto => "Follow the system's light or dark setting",
                                        Theme::Light => "Always light",
                                        Theme::Dark => "Always dark",
                                    }
                                    on:click=move |_| set_theme(t)
                                >
                                    {t.label()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <button
                    class="btn btn--small topbar__keys"
                    data-testid="shortcuts-button"
                    aria-haspopup="dialog"
                    title="Keyboard shortcuts (?)"
                    on:click=move |_| sheet.set(true)
                >
                    "Shortcuts " <kbd>"?"</kbd>
                </button>
            </header>
            <keys::Shortcuts sheet=sheet />
            <main class="page">
                // The one route table. Paths are built by `core::route`.
                <Routes fallback=|| {
                    view! {
                        <widgets::NotFound
                            title="Page not found"
                            detail="No page lives at this address."
                        />
                    }
                }>
                    <Route path=path!("/") view={Lazy::<EnvironmentsRoute>::new()} />
                    <Route path=path!("/environments") view={Lazy::<EnvironmentsRoute>::new()} />
                    <Route path=path!("/environments/:env") view={Lazy::<EnvironmentRoute>::new()} />
                    <Route path=path!("/environments/:env/runs/:run_id") view={Lazy::<RunRoute>::new()} />
                </Routes>
            </main>
        </Router>
    }
}

/// Aborts the requests of a page when the app moves to another one.
#[component]
fn AbortLeftRequests() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    api::follow_page(location.pathname);
    Effect::new(move |_| {
        // `get`, not `track`: the memo must be read to be followed.
        api::abort_requests_not_for(&location.pathname.get());
    });
}

// Each page is a part of the WebAssembly of its own, fetched the first
// time the page is opened (scripts/split-wasm.mjs splits the build).
struct EnvironmentsRoute;

#[lazy_route]
impl LazyRoute for EnvironmentsRoute {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <environment::EnvironmentsPage /> }.into_any()
    }
}

struct EnvironmentRoute;

#[lazy_route]
impl LazyRoute for EnvironmentRoute {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <environment::EnvironmentPage /> }.into_any()
    }
}

struct RunRoute;

#[lazy_route]
impl LazyRoute for RunRoute {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <run::RunPage /> }.into_any()
    }
}
