//! Small shared pieces: status badges, timestamps, loading and error states.

use super::api::ApiError;
use super::context::{local_offset, now, TimeCtx};
use crate::core::format::{self, TimeMode};
use crate::core::model::{Status, Time};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: Status, #[prop(optional)] large: bool) -> impl IntoView {
    let class = format!(
        "status status--{}{}",
        status.css(),
        if large { " status--large" } else { "" }
    );
    // A long unknown status is cut with an ellipsis (CSS); the title keeps it whole.
    let label = status.label();
    let title = label.clone();
    view! { <span class=class data-status=status.key().to_string() title=title>{label}</span> }
}

/// Offset in seconds east of UTC at which `t` is shown in `mode`.
pub fn offset_for(mode: TimeMode, t: Time) -> i32 {
    match mode {
        TimeMode::Utc => 0,
        TimeMode::Local => local_offset(t),
    }
}

/// A timestamp as date and clock in the chosen zone (UTC or local); the
/// tooltip always gives UTC.
#[component]
pub fn Timestamp(t: Option<Time>) -> impl IntoView {
    let TimeCtx(mode) = expect_context::<TimeCtx>();
    match t {
        Some(t) => view! {
            <span class="ts" title=format!("{} UTC", format::timestamp_utc(t))>
                {move || format::date_at(t, offset_for(mode.get(), t))}
                " "
                <span class="ts__clock">{move || format::clock_at(t, offset_for(mode.get(), t))}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// The zone tag shown next to times: "UTC" or the local offset ("UTC-05:00").
#[component]
pub fn Zone(#[prop(optional)] at: Option<Time>) -> impl IntoView {
    let TimeCtx(mode) = expect_context::<TimeCtx>();
    let label = move || {
        let m = mode.get();
        let t = at.unwrap_or_else(now);
        format::zone_label(m, offset_for(m, t))
    };
    view! { <span class="zone" data-testid="zone">{label}</span> }
}

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </div>
    }
}

/// An error with a retry button. Not-found errors get their own page instead.
#[component]
pub fn ErrorPanel(error: ApiError, retry: Callback<()>) -> impl IntoView {
    let (title, hint) = match &error {
        ApiError::Network { .. } => (
            "The API could not be reached",
            "Check that the API server is running and allows requests from this page (CORS).",
        ),
        ApiError::Http { .. } => (
            "The API returned an error",
            "The server may be having trouble; try again.",
        ),
        ApiError::Decode(_) => (
            "The API sent data runlens cannot show",
            "The response does not match the Run API contract (docs/api.md).",
        ),
        ApiError::Timeout { .. } => (
            "The API did not answer in time",
            "The server may be slow or unreachable; try again. The timeout is set with ?timeout=<seconds> or request_timeout_s in config.json.",
        ),
        ApiError::WebPage { .. } => (
            "The API answered with a web page",
            "This is usually a wrong API base URL, or a login page or proxy in the way.",
        ),
        ApiError::NotFound { .. } => ("Not found", ""),
        ApiError::Dbt(_) => (
            "The dbt artifacts could not be read",
            "runlens reads manifest.json (v8 to v12) and run_results.json (v4 to v6) from the ?dbt= address; catalog.json is optional.",
        ),
    };
    // Until the new answer replaces this panel, it says it is asking again.
    let retrying = RwSignal::new(false);
    view! {
        <div class="error-panel" role="alert" aria-busy=move || retrying.get().to_string()>
            <h2>{title}</h2>
            <p class="error-panel__detail">{error.to_string()}</p>
            <p class="muted">{hint}</p>
            <Show
                when=move || retrying.get()
                fallback=move || {
                    view! {
                        <button
                            class="btn"
                            on:click=move |_| {
                                retrying.set(true);
                                retry.run(());
                            }
                        >
                            "Retry"
                        </button>
                    }
                }
            >
                <div class="loading loading--inline" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    "Trying again…"
                </div>
            </Show>
        </div>
    }
}

#[component]
pub fn NotFound(#[prop(into)] title: String, #[prop(into)] detail: String) -> impl IntoView {
    view! {
        <div class="not-found" data-testid="not-found">
            <div class="not-found__code">"404"</div>
            <h1>{title}</h1>
            <p>{detail}</p>
            <p>
                <a href=crate::core::route::environments()>"Back to environments"</a>
            </p>
        </div>
    }
}

/// Renders a resource's result: loading, not-found, error with retry, or the data.
pub fn show_result<T: Clone + 'static, V: IntoView + 'static>(
    value: Option<Result<T, ApiError>>,
    what: &'static str,
    retry: Callback<()>,
    not_found: impl FnOnce() -> AnyView,
    ok: impl FnOnce(T) -> V,
) -> AnyView {
    match value {
        None => view! { <Loading what=what /> }.into_any(),
        Some(Err(ApiError::NotFound { .. })) => not_found(),
        Some(Err(e)) => view! { <ErrorPanel error=e retry=retry /> }.into_any(),
        Some(Ok(v)) => ok(v).into_any(),
    }
}
