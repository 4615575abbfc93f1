//! The environments list and an environment's Recent Activity.

use super::api::Api;
use super::widgets::{show_result, NotFound, StatusBadge, Timestamp};
use super::Clock;
use crate::core::format;
use crate::core::model::{Activity, ActivityKind, Environment};
use crate::core::route;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let envs = LocalResource::new(move || {
        let api = api.clone();
        async move { api.environments().await }
    });
    let retry = Callback::new(move |_| envs.refetch());
    view! {
        <nav class="breadcrumb"><span>"environments"</span></nav>
        <h1>"Environments"</h1>
        {move || {
            show_result(
                envs.get(),
                "environments",
                retry,
                || view! { <NotFound title="No environments" detail="The API has no environments list." /> }.into_any(),
                |list: Vec<Environment>| {
                    if list.is_empty() {
                        return view! { <p class="empty">"The API lists no environments yet."</p> }.into_any();
                    }
                    view! {
                        <div class="env-grid">
                            {list.into_iter().map(|e| view! { <EnvCard env=e /> }).collect_view()}
                        </div>
                    }
                    .into_any()
                },
            )
        }}
    }
}

#[component]
fn EnvCard(env: Environment) -> impl IntoView {
    let Clock(clock) = expect_context::<Clock>();
    let href = route::environment(&env.name);
    let last_run = env.last_run.clone();
    view! {
        <a class="card env-card" href=href data-env=env.name.clone()>
            <div class="env-card__head">
                <span class="env-card__name">{env.name.clone()}</span>
                <span class=format!("env-kind env-kind--{}", env.kind.label())>{env.kind.label().to_string()}</span>
            </div>
            <div class="env-card__meta">{format!("{} models", env.model_count)}</div>
            {match last_run {
                Some(r) => view! {
                    <div class="env-card__last">
                        "Last run "
                        <StatusBadge status=r.status.clone() />
                        " "
                        <span class="muted">{move || format::relative_time(r.start, clock.get())}</span>
                    </div>
                }
                .into_any(),
                None => view! { <div class="env-card__last muted">"No runs yet"</div> }.into_any(),
            }}
        </a>
    }
}

#[component]
pub fn EnvironmentPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let params = use_params_map();
    let env = Memo::new(move |_| params.read().get("env").unwrap_or_default());
    let activity = LocalResource::new(move || {
        let api = api.clone();
        let env = env.get();
        async move { api.activity(&env).await }
    });
    let retry = Callback::new(move |_| activity.refetch());
    view! {
        <nav class="breadcrumb">
            <a href=route::environments()>"environments"</a>
            <span class="sep">"/"</span>
            <span>{move || env.get()}</span>
        </nav>
        <h1>{move || format!("Environment {}", env.get())}</h1>
        {move || {
            let name = env.get();
            show_result(
                activity.get(),
                "recent activity",
                retry,
                move || {
                    view! {
                        <NotFound
                            title="Environment not found"
                            detail=format!("There is no environment named \u{201c}{name}\u{201d}.")
                        />
                    }
                    .into_any()
                },
                move |a| view! { <ActivityTable env=env.get_untracked() rows=a.activity warnings=a.warnings /> },
            )
        }}
    }
}

#[component]
fn ActivityTable(env: String, rows: Vec<Activity>, warnings: Vec<String>) -> impl IntoView {
    let count = rows.len();
    view! {
        <section class="panel">
            <div class="panel__head">
                <h2>"Recent Activity"</h2>
                <span class="muted">{format!("{count} runs and plans")}</span>
            </div>
            {(!warnings.is_empty()).then(|| view! {
                <div class="warning" role="note">
                    {format!("{} entries could not be shown: {}", warnings.len(), warnings.join("; "))}
                </div>
            })}
            {if rows.is_empty() {
                view! { <p class="empty">"No runs or plans in this environment yet."</p> }.into_any()
            } else {
                view! {
                    <table class="grid activity-table" data-testid="activity-table">
                        <thead>
                            <tr>
                                <th>"Activity"</th>
                                <th>"Status"</th>
                                <th class="num">"Cost"</th>
                                <th class="num">"Duration"</th>
                                <th>"Start " <span class="zone">"UTC"</span></th>
                                <th>"End " <span class="zone">"UTC"</span></th>
                                <th>"ID"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|a| {
                                    let id_cell = match a.kind {
                                        ActivityKind::Run => view! {
                                            <a class="mono run-link" href=route::run(&env, a.id.as_str()) title=a.id.to_string()>
                                                {a.id.short()}
                                            </a>
                                        }
                                        .into_any(),
                                        _ => view! { <span class="mono muted" title=a.id.to_string()>{a.id.short()}</span> }.into_any(),
                                    };
                                    view! {
                                        <tr data-kind=a.kind.label().to_lowercase()>
                                            <td><span class="chip">{a.kind.label().to_string()}</span></td>
                                            <td><StatusBadge status=a.status.clone() /></td>
                                            <td class="num">{a.cost.map(format::cost).unwrap_or_else(|| "—".into())}</td>
                                            <td class="num">{a.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</td>
                                            <td><Timestamp t=Some(a.start) /></td>
                                            <td><Timestamp t=a.end /></td>
                                            <td>{id_cell}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
