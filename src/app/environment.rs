//! The environments list and an environment's overview: header cards,
//! the daily runs chart, dev-vs-prod differences, and Recent Activity.

use super::api::Api;
use super::context::{Clock, TimeCtx};
use super::live::poll;
use super::shared::Shared;
use super::table_view::{columns, DataTable, TableSpec};
use super::url_state::replace_opts;
use super::widgets::{offset_for, show_result, Loading, NotFound, StatusBadge, Timestamp, Zone};
use crate::core::columns::{ActivityFilter, ACTIVITY_COLUMNS};
use crate::core::format;
use crate::core::live;
use crate::core::model::{Activity, ActivityKind, EnvKind, Environment, Run, Time};
use crate::core::overview::{self, Day, EnvDiff, Freshness};
use crate::core::paging;
use crate::core::route::{self, EnvView, RunTab, RunView};
use crate::core::table::{self, SearchIndex};
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let envs = LocalResource::new(move || {
        let api = api.clone();
        async move { api.environments().await }
    });
    let retry = Callback::new(move |_| envs.refetch());
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb"><span>"environments"</span></nav>
        <h1>"Environments"</h1>
        {move || {
            show_result(
                envs.get(),
                "environments",
                retry,
                || view! { <NotFound title="No environments" detail="The API has no environments list." /> }.into_any(),
                |list: Vec<Environment>| view! { <EnvList list=list /> },
            )
        }}
    }
}

/// The environments' cards, read again while the page is open (a new
/// environment, a new last run): every interval while one of them has a run
/// in progress, `ENV_IDLE_FACTOR` intervals otherwise.
#[component]
fn EnvList(list: Vec<Environment>) -> impl IntoView {
    let api = expect_context::<Api>();
    let schedule = api.poll;
    let running = |l: &[Environment]| {
        l.iter().any(|e| {
            e.last_run
                .as_ref()
                .is_some_and(|r| live::run_is_live(&r.status, r.end))
        })
    };
    let first = schedule.env_delay(running(&list), 0);
    let current = RwSignal::new(list);
    poll(
        schedule,
        Some(first),
        move || {
            let api = api.clone();
            async move { api.environments().await }
        },
        move |fresh: Vec<Environment>| {
            let next = schedule.env_delay(running(&fresh), 0);
            if current.with_untracked(|c| *c != fresh) {
                current.set(fresh);
            }
            Some(next)
        },
    );
    move || {
        let list = current.get();
        if list.is_empty() {
            return view! { <p class="empty">"The API lists no environments yet."</p> }.into_any();
        }
        view! {
            <div class="env-grid">
                {list.into_iter().map(|e| view! { <EnvCard env=e /> }).collect_view()}
            </div>
        }
        .into_any()
    }
}

/// An activity's status and how long ago it started (an environment card's
/// last run or last plan).
#[component]
fn LastActivity(a: Activity, clock: ReadSignal<Time>) -> impl IntoView {
    view! {
        <StatusBadge status=a.status.clone() />
        " "
        <span class="muted">{move || format::relative_time(a.start, clock.get())}</span>
    }
}

#[component]
fn EnvCard(env: Environment) -> impl IntoView {
    let Clock(clock) = expect_context::<Clock>();
    let href = route::environment(&env.name);
    let last_run = env.last_run.clone();
    let last_plan = env.last_plan.clone();
    view! {
        <a class="card env-card" href=href data-env=env.name.clone()>
            <div class="env-card__head">
                <span class="env-card__name">{env.name.clone()}</span>
                <span class=format!("env-kind env-kind--{}", env.kind.label())>{env.kind.label().to_string()}</span>
            </div>
            <div class="env-card__meta">{format!("{} models", env.model_count)}</div>
            {match (last_run, last_plan) {
                (Some(r), _) => view! {
                    <div class="env-card__last">"Last run " <LastActivity a=r clock=clock /></div>
                }
                .into_any(),
                // An environment only planned so far (a failed first plan,
                // say): the plan is what there is to see.
                (None, Some(p)) => view! {
                    <div class="env-card__last">
                        <span class="muted">"No runs yet; "</span>
                        "last plan "
                        <LastActivity a=p clock=clock />
                    </div>
                }
                .into_any(),
                (None, None) => view! { <div class="env-card__last muted">"No runs yet"</div> }.into_any(),
            }}
        </a>
    }
}

/// The newest run in an activity list (runs in progress included).
fn newest_run(a: &[Activity]) -> Option<&Activity> {
    a.iter()
        .filter(|x| x.kind == ActivityKind::Run)
        .max_by_key(|x| x.start)
}

#[component]
pub fn EnvironmentPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let params = use_params_map();
    let env = Memo::new(move |_| params.read().get("env").unwrap_or_default());
    let api2 = api.clone();
    let envs = LocalResource::new(move || {
        let api = api2.clone();
        async move { api.environments().await }
    });
    let Clock(clock) = expect_context::<Clock>();
    let activity = LocalResource::new(move || {
        let api = api.clone();
        let env = env.get();
        let now = clock.get_untracked();
        async move {
            api.recent_activity(&env, now, DAYS as i64)
                .await
                .map(Arc::new)
        }
    });
    let retry = Callback::new(move |_| activity.refetch());
    let navigate = use_navigate();
    let switch = move |e: leptos::ev::Event| {
        let name = event_target_value(&e);
        navigate(&route::environment(&name), NavigateOptions::default());
    };
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=route::environments()>"environments"</a>
            <span class="sep">"/"</span>
            <span>{move || env.get()}</span>
        </nav>
        <div class="page-head">
            <h1>{move || format!("Environment {}", env.get())}</h1>
            <label class="env-switch">
                <span class="muted small">"Environment"</span>
                <select data-testid="env-switch" on:change=switch prop:value=move || env.get()>
                    {move || {
                        envs.get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|e| {
                                let selected = e.name == env.get();
                                view! { <option value=e.name.clone() selected=selected>{format!("{} ({})", e.name, e.kind.label())}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </div>
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
                // The overview is built once, when both the activity and the
                // environments list (kinds, for dev-vs-prod) have arrived.
                move |a: Arc<crate::core::model::EnvironmentActivity>| match envs.get() {
                    None => view! { <Loading what="environments" /> }.into_any(),
                    Some(list) => {
                        let info = list.unwrap_or_default();
                        view! { <Overview env=env.get_untracked() activity=a envs=info /> }.into_any()
                    }
                },
            )
        }}
    }
}

#[component]
fn Overview(
    env: String,
    activity: Arc<crate::core::model::EnvironmentActivity>,
    envs: Vec<Environment>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    // The activity on screen: the first load, then the newest page read again
    // while the page is open (a new run appears, a run in progress ends).
    let schedule = api.poll;
    let in_progress = |a: &crate::core::model::EnvironmentActivity| {
        newest_run(&a.activity).is_some_and(|r| live::run_is_live(&r.status, r.end))
    };
    let first_delay = schedule.env_delay(in_progress(&activity), 0);
    let current = RwSignal::new(activity);
    let activity = current.read_only();
    {
        let (api, env) = (api.clone(), env.clone());
        poll(
            schedule,
            Some(first_delay),
            move || {
                let (api, env) = (api.clone(), env.clone());
                async move { api.activity(&env).await }
            },
            move |newest| {
                let next = paging::refreshed(&current.get_untracked(), &newest);
                if *current.get_untracked() != next {
                    current.set(Arc::new(next));
                }
                Some(schedule.env_delay(in_progress(&current.get_untracked()), 0))
            },
        );
    }
    let me = envs.iter().find(|e| e.name == env).cloned();
    let is_dev = me.as_ref().is_some_and(|e| e.kind == EnvKind::Dev);
    let prod_name = envs
        .iter()
        .find(|e| e.kind == EnvKind::Prod && e.name != env)
        .map(|e| e.name.clone());
    // The newest run: its id, status and end (a new run, or the newest one
    // finishing, reads its document again).
    let newest = Memo::new(move |_| {
        newest_run(&activity.read().activity).map(|r| (r.id.to_string(), r.status.clone(), r.end))
    });
    let latest_id = Memo::new(move |_| newest.read().as_ref().map(|n| n.0.clone()));
    // The newest run's document: models and intervals for freshness and differences.
    let (api1, env1) = (api.clone(), env.clone());
    let latest = LocalResource::new(move || {
        let (api, env, id) = (api1.clone(), env1.clone(), newest.get().map(|n| n.0));
        async move {
            match id {
                Some(id) => api.run(&env, &id).await.map(|r| Some(Arc::new(r))),
                None => Ok(None),
            }
        }
    });
    let base = LocalResource::new(move || {
        let (api, prod) = (api.clone(), prod_name.clone());
        async move {
            match (is_dev, prod) {
                (true, Some(p)) => {
                    let act = api.activity(&p).await?;
                    match newest_run(&act.activity) {
                        Some(r) => api.run(&p, r.id.as_str()).await.map(|r| Some(Arc::new(r))),
                        None => Ok(None),
                    }
                }
                _ => Ok(None),
            }
        }
    });
    let data_time = Memo::new(move |_| {
        latest
            .get()
            .and_then(Result::ok)
            .flatten()
            .and_then(|r| r.refreshed_at)
    });
    let last_plan = Memo::new(move |_| {
        activity
            .read()
            .activity
            .iter()
            .filter(|a| a.kind == ActivityKind::Plan)
            .max_by_key(|a| a.start)
            .cloned()
    });
    let last_run = Memo::new(move |_| newest_run(&activity.read().activity).cloned());
    let model_count = me.as_ref().map(|e| e.model_count);
    let env_c = env.clone();
    let env_d = env.clone();
    let (env_r, env_p) = (env.clone(), env.clone());
    let warnings = Memo::new(move |_| activity.read().warnings.clone());
    let notes = Memo::new(move |_| activity.read().notes.clone());
    view! {
        {move || {
            let w = warnings.get();
            (!w.is_empty()).then(|| view! {
                <div class="warning" role="note">
                    {format!("{} entries could not be shown: {}", w.len(), w.join("; "))}
                </div>
            })
        }}
        {move || {
            let n = notes.get();
            (!n.is_empty()).then(|| view! {
                <div class="warning" role="note" data-testid="source-notes">
                    {format!("Note: {}", n.join("; "))}
                </div>
            })
        }}
        <section class="cards cards--4" data-testid="env-cards">
            <div class="card" data-testid="freshness">
                <h2 class="card__title">"Freshness"</h2>
                {move || match latest.get() {
                    None => view! { <p class="muted">"Computing…"</p> }.into_any(),
                    Some(Ok(Some(run))) => {
                        let at = run.refreshed_at.unwrap_or(run.start);
                        view! { <FreshnessCard f=overview::freshness(&run, at) /> }.into_any()
                    }
                    Some(Ok(None)) => view! { <p class="muted">"No runs yet."</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="muted">{format!("Unavailable: {e}")}</p> }.into_any(),
                }}
            </div>
            {move || view! { <ActivityCard title="Last Run" env=env_r.clone() a=last_run.get() testid="last-run" /> }}
            {move || view! { <ActivityCard title="Last Plan" env=env_p.clone() a=last_plan.get() testid="last-plan" /> }}
            <div class="card" data-testid="models-card">
                <h2 class="card__title">"Models"</h2>
                <div class="big-number big-number--blue">{model_count.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</div>
                {move || latest_id.get().map(|id| {
                    let v = RunView { tab: RunTab::Explore, ..RunView::default() };
                    view! { <a href=format!("{}{}", route::run(&env_c, &id), v.to_query())>"Explore the models →"</a> }
                })}
            </div>
        </section>
        <RunsChart env=env.clone() activity=activity data_time=data_time />
        {is_dev.then(|| {
            view! {
                <section class="panel" data-testid="env-diff">
                    <div class="panel__head">
                        <h2>"Differences from prod"</h2>
                        {move || last_plan.get().and_then(|p| p.interval).map(|(s, e)| view! {
                            <span class="muted" data-testid="plan-interval">
                                "Last plan's interval: " <Timestamp t=Some(s) /> " → " <Timestamp t=Some(e) /> " " <Zone at=s />
                            </span>
                        })}
                    </div>
                    {move || match (latest.get(), base.get()) {
                        (Some(Ok(Some(mine))), Some(Ok(Some(prod)))) => view! { <DiffView d=overview::diff(&mine, &prod) env=env_d.clone() run=mine.clone() /> }.into_any(),
                        (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <p class="muted">{format!("Unavailable: {e}")}</p> }.into_any(),
                        (Some(Ok(None)), _) | (_, Some(Ok(None))) => view! { <p class="muted">"Needs a run in both environments."</p> }.into_any(),
                        _ => view! { <p class="muted">"Comparing with prod…"</p> }.into_any(),
                    }}
                </section>
            }
        })}
        <ActivityTable env=env activity=activity />
    }
}

/// Names behind schedule drawn per task, once their list is opened.
const BEHIND_CHUNK: usize = 500;

#[component]
fn FreshnessCard(f: Freshness) -> impl IntoView {
    let (c, p, b) = (f.complete.len(), f.pending.len(), f.behind.len());
    let total = (c + p + b).max(1) as f64;
    let pct = |n: usize| format!("width:{:.2}%", n as f64 * 100.0 / total);
    let behind = Arc::new(f.behind.clone());
    // The names behind schedule are drawn once the list is opened, a few
    // hundred per task (a big project can have thousands).
    let chunks = RwSignal::new(0usize);
    let total_chunks = behind.len().div_ceil(BEHIND_CHUNK);
    let on_toggle = move |e: leptos::ev::Event| {
        let open = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| el.has_attribute("open"));
        if !open || chunks.get_untracked() > 0 {
            return;
        }
        chunks.set(1);
        leptos::task::spawn_local(async move {
            while chunks.try_get_untracked().is_some_and(|c| c < total_chunks) {
                super::api::next_task().await;
                chunks.try_update(|c| *c += 1);
            }
        });
    };
    view! {
        <div class="fresh__counts">
            <span>"Behind: " <b data-testid="fresh-behind">{b}</b></span>
            <span>"Pending: " <b data-testid="fresh-pending">{p}</b></span>
            <span>"Complete: " <b data-testid="fresh-complete">{c}</b></span>
        </div>
        <div class="fresh__bar" role="img" aria-label=format!("{b} behind, {p} pending, {c} complete")>
            <span class="fresh__seg fresh__seg--behind" style=pct(b)></span>
            <span class="fresh__seg fresh__seg--pending" style=pct(p)></span>
            <span class="fresh__seg fresh__seg--complete" style=pct(c)></span>
        </div>
        <div class="small muted">"as of " <Timestamp t=f.computed_at /> " " <Zone at=f.computed_at.unwrap_or_else(super::context::now) /></div>
        {(!behind.is_empty()).then(|| view! {
            <details class="fresh__behind" on:toggle=on_toggle>
                <summary>{format!("{} behind schedule", behind.len())}</summary>
                <ul data-testid="fresh-behind-list">
                    <For each=move || 0..chunks.get() key=|c| *c let(c)>
                        {
                            let names = &behind[(c * BEHIND_CHUNK).min(behind.len())..((c + 1) * BEHIND_CHUNK).min(behind.len())];
                            names.iter().map(|m| view! { <li class="mono">{m.clone()}</li> }).collect_view()
                        }
                    </For>
                </ul>
            </details>
        })}
    }
}

#[component]
fn ActivityCard(
    title: &'static str,
    env: String,
    a: Option<Activity>,
    testid: &'static str,
) -> impl IntoView {
    let Clock(clock) = expect_context::<Clock>();
    view! {
        <div class="card" data-testid=testid>
            <h2 class="card__title">{title}</h2>
            {match a {
                None => view! { <p class="muted">"None yet."</p> }.into_any(),
                Some(a) => {
                    let id = match a.kind {
                        ActivityKind::Run => view! { <a class="mono small" href=route::run(&env, a.id.as_str())>{a.id.short()}</a> }.into_any(),
                        _ => view! { <span class="mono small muted">{a.id.short()}</span> }.into_any(),
                    };
                    view! {
                        <div>{id}</div>
                        <div class="card__status"><StatusBadge status=a.status.clone() large=true /></div>
                        <div class="small"><Timestamp t=Some(a.start) /> " " <Zone at=a.start /></div>
                        <div class="small muted">{move || format::relative_time(a.start, clock.get())}</div>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

const DAYS: usize = 14;
const CHART_H: f64 = 250.0;
const AXIS_W: f64 = 76.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 26.0;

#[derive(Clone, PartialEq)]
struct Hover {
    x: f64,
    y: f64,
    text: Vec<String>,
}

/// `data_time`: when the newest data was refreshed; a run in progress is
/// drawn up to then (not up to the viewer's clock, which may be much later).
#[component]
fn RunsChart(
    env: String,
    activity: ReadSignal<Arc<crate::core::model::EnvironmentActivity>>,
    data_time: Memo<Option<Time>>,
) -> impl IntoView {
    let Clock(clock) = expect_context::<Clock>();
    let TimeCtx(mode) = expect_context::<TimeCtx>();
    let navigate = use_navigate();
    let hover = RwSignal::new(None::<Hover>);
    let wrap: NodeRef<Div> = NodeRef::new();
    let width = RwSignal::new(900.0f64);
    let measure = move || {
        if let Some(el) = wrap.get_untracked() {
            if el.client_width() > 0 {
                width.set(el.client_width() as f64);
            }
        }
    };
    // Measured before the next frame, not as the page is built (reading a
    // size forces the layout of the page into the task that built it).
    Effect::new(move |_| {
        if wrap.get().is_some() {
            request_animation_frame(move || {
                if wrap.try_get_untracked().flatten().is_some() {
                    measure();
                }
            });
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let data = Memo::new(move |_| {
        let m = mode.get();
        // The window ends today (the viewer's clock); a run in progress is
        // drawn up to the data's refresh time.
        let now = clock.get();
        let off = move |t| offset_for(m, t);
        let today = format::day_at(now, off(now));
        let activity = activity.get();
        let (end, shifted) = overview::chart_end(&activity.activity, today, DAYS, &off);
        let drawn_until = data_time.get().map_or(now, |d| d.min(now));
        (
            overview::daily(&activity.activity, end, DAYS, drawn_until, &off),
            shifted,
            end,
        )
    });
    let plot_h = CHART_H - TOP - BOTTOM;
    view! {
        <section class="panel chart" data-testid="runs-chart">
            <div class="panel__head">
                <h2>"Runs Daily"</h2>
                <span class="muted small">"Time in " <Zone /></span>
                <span class="chart__legend">
                    <span class="legend legend--complete">"Complete"</span>
                    <span class="legend legend--failed">"Failed"</span>
                    <span class="legend legend--in-progress">"In progress"</span>
                    <span class="legend legend--plan">"Plans"</span>
                </span>
            </div>
            {move || {
                let (_, shifted, end) = data.get();
                shifted.then(|| view! {
                    <div class="note" data-testid="chart-shifted">
                        {format!("No activity in the last {DAYS} days: showing the {DAYS} days up to {end}, the day of the newest activity.")}
                    </div>
                })
            }}
            <div class="chart__wrap" node_ref=wrap>
                <svg class="chart__svg" viewBox=move || format!("0 0 {} {CHART_H}", width.get()) role="img" aria-label="Runs per day">
                    {move || {
                        let chart_w = width.get();
                        let col_w = (chart_w - AXIS_W) / DAYS as f64;
                        let bar_w = (col_w * 0.62).min(64.0);
                        let (days, _, _) = data.get();
                        let max_s = days.iter().map(|d| d.runs.iter().fold(0i64, |a, r| a.saturating_add(r.duration_ms))).max().unwrap_or(0) as f64 / 1000.0;
                        let ticks = overview::ticks(max_s);
                        let top_val = ticks.last().copied().unwrap_or(1.0).max(1.0);
                        let y = move |s: f64| TOP + plot_h - s / top_val * plot_h;
                        let grid = ticks
                            .iter()
                            .map(|&t| {
                                view! {
                                    <line class="chart__grid" x1=AXIS_W x2=chart_w y1=y(t) y2=y(t)></line>
                                    <text class="chart__tick" x=AXIS_W - 6.0 y=y(t) + 4.0 text-anchor="end">
                                        {chrono::Duration::try_seconds(t as i64).map(format::human_duration).unwrap_or_default()}
                                    </text>
                                }
                            })
                            .collect_view();
                        let cols = days
                            .into_iter()
                            .enumerate()
                            .map(|(i, d): (usize, Day)| {
                                let x = AXIS_W + i as f64 * col_w + (col_w - bar_w) / 2.0;
                                let mut acc = 0.0;
                                let label = d.date.format("%b %d").to_string();
                                let date = d.date.to_string();
                                let segs = d
                                    .runs
                                    .iter()
                                    .map(|r| {
                                        let secs = r.duration_ms as f64 / 1000.0;
                                        let (y0, y1) = (y(acc + secs), y(acc));
                                        acc += secs;
                                        let h = (y1 - y0).max(2.0);
                                        let href = route::run(&env, r.id.as_str());
                                        let nav = navigate.clone();
                                        let text = vec![
                                            format!("Run {}", r.id.short()),
                                            r.status.label(),
                                            format::human_duration(chrono::Duration::milliseconds(r.duration_ms)),
                                            format!("started {} {}", format::date_at(r.start, offset_for(mode.get_untracked(), r.start)), format::clock_at(r.start, offset_for(mode.get_untracked(), r.start))),
                                        ];
                                        view! {
                                            <rect
                                                class=format!("chart__seg chart__seg--{}", r.status.css())
                                                data-run=r.id.to_string()
                                                data-status=r.status.key().to_string()
                                                x=x
                                                y=y1 - h
                                                width=bar_w
                                                height=(h - 1.0).max(1.0)
                                                rx="2"
                                                on:click=move |_| nav(&href, NavigateOptions::default())
                                                on:mouseenter=move |_| hover.set(Some(Hover { x: x + bar_w / 2.0, y: y1 - h, text: text.clone() }))
                                                on:mouseleave=move |_| hover.set(None)
                                            ></rect>
                                        }
                                    })
                                    .collect_view();
                                let plans = d.plans;
                                view! {
                                    <g class="chart__day" data-day=date>
                                        {segs}
                                        {(plans > 0).then(|| view! {
                                            <g class="chart__plan" transform=format!("translate({:.1},{:.1})", x + bar_w / 2.0, TOP - 12.0)>
                                                <title>{format!("{plans} plan(s) applied")}</title>
                                                <rect x="-9" y="-8" width="18" height="15" rx="4"></rect>
                                                <text y="3.5" text-anchor="middle">{plans}</text>
                                            </g>
                                        })}
                                        <text class="chart__label" x=x + bar_w / 2.0 y=CHART_H - 8.0 text-anchor="middle">{label}</text>
                                    </g>
                                }
                            })
                            .collect_view();
                        view! {
                            {grid}
                            {cols}
                        }
                    }}
                </svg>
                {move || hover.get().map(|h| {
                    view! {
                        <div class="chart__tip" style=format!("left:{:.1}px;top:{:.1}px", h.x, h.y)>
                            {h.text.into_iter().map(|t| view! { <div>{t}</div> }).collect_view()}
                        </div>
                    }
                })}
            </div>
        </section>
    }
}

#[component]
fn DiffView(d: EnvDiff, env: String, run: Arc<Run>) -> impl IntoView {
    let groups = [
        ("Directly modified", d.directly_modified, "direct"),
        ("Indirectly modified", d.indirectly_modified, "indirect"),
        ("Added", d.added, "added"),
        ("Removed", d.removed, "removed"),
    ];
    view! {
        <div class="diff">
            {groups
                .into_iter()
                .map(|(title, models, key)| {
                    let n = models.len();
                    let (env, run) = (env.clone(), run.clone());
                    view! {
                        <div class="diff__col" data-testid=format!("diff-{key}")>
                            <h3>{title} " " <span class="tab__count">{n}</span></h3>
                            {if n == 0 { Some(view! { <p class="muted small">"None"</p> }) } else { None }}
                            <ul>
                                {models
                                    .into_iter()
                                    .map(|m| {
                                        // Models present in this environment link to its latest run's graph.
                                        let present = run.models.iter().any(|x| x.name == m);
                                        let v = RunView::default().explore(&m);
                                        let href = format!("{}{}", route::run(&env, run.id.as_str()), v.to_query());
                                        if present {
                                            view! { <li><a class="mono" href=href data-model=m.clone()>{m.clone()}</a></li> }.into_any()
                                        } else {
                                            view! { <li class="mono" data-model=m.clone()>{m.clone()}</li> }.into_any()
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Recent Activity: what the page read, and older months on request (a
/// paged store; see `core::paging`).
#[component]
fn ActivityTable(
    env: String,
    activity: ReadSignal<Arc<crate::core::model::EnvironmentActivity>>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let requested = RwSignal::new(Vec::<String>::new());
    let env_l = env.clone();
    let older = LocalResource::new(move || {
        let (api, env, months) = (api.clone(), env_l.clone(), requested.get());
        async move {
            let mut pages = Vec::new();
            for m in months {
                pages.push(api.activity_month(&env, &m).await?);
            }
            Ok::<_, super::api::ApiError>(pages)
        }
    });
    // Memos: the table is rebuilt only when pages arrive, not when the
    // (empty) resource first settles.
    let pages = Memo::new(move |_| older.get().and_then(Result::ok).unwrap_or_default());
    let failed = Memo::new(move |_| older.get().and_then(|r| r.err()).map(|e| e.to_string()));
    // A new version of the activity, or older pages arriving, change the
    // rows in place (the table, its filter and scroll stay).
    let merged = Memo::new(move |_| Arc::new(paging::merge(&activity.get(), &pages.get())));
    view! {
        <h2 class="section-title">"Recent Activity"</h2>
        <ActivityRows env=env.clone() activity=merged />
        {move || {
            let error = failed.get();
            let next = paging::next_older(&merged.get(), &requested.get_untracked()).cloned();
            view! {
                {error.map(|e| view! { <p class="warning" role="note">{format!("Older activity could not be read: {e}")}</p> })}
                {next.map(|m| {
                    let month = m.month.clone();
                    view! {
                        <button
                            class="btn load-older"
                            data-testid="load-older"
                            on:click=move |_| requested.update(|v| v.push(month.clone()))
                        >
                            {format!("Load older activity: {} ({})", paging::month_label(&m.month), m.count)}
                        </button>
                    }
                })}
            }
        }}
    }
}

#[component]
fn ActivityRows(
    env: String,
    activity: Memo<Arc<crate::core::model::EnvironmentActivity>>,
) -> impl IntoView {
    let query_map = use_query_map();
    let view_state = Memo::new(move |_| {
        let q = query_map.read();
        EnvView::from_query(|k| q.get(k))
    });
    let (requested, set_requested) = signal(None::<EnvView>);
    let navigate = use_navigate();
    let env_path = route::environment(&env);
    Effect::new(move |_| {
        if let Some(v) = requested.get() {
            navigate(&format!("{env_path}{}", v.to_query()), replace_opts());
        }
    });
    let update_view = move |f: Box<dyn FnOnce(&mut EnvView)>| {
        let mut v = view_state.get_untracked();
        f(&mut v);
        set_requested.set(Some(v));
    };
    let index = Memo::new(move |_| Shared(Arc::new(SearchIndex::build(&activity.read().activity))));
    let query = Memo::new(move |_| view_state.read().activity.clone());
    let kind = Memo::new(move |_| view_state.read().kind);
    let env_r = env.clone();
    let spec = TableSpec {
        noun: "activities",
        columns: columns(ACTIVITY_COLUMNS),
        query,
        update: Arc::new(move |f| update_view(Box::new(move |v| f(&mut v.activity)))),
        total: Signal::derive(move || activity.read().activity.len()),
        shown: Memo::new(move |_| {
            let k = kind.get();
            table::query_with(
                &activity.read().activity,
                &index.read().0,
                &query.read(),
                |a| k.keeps(a),
            )
        }),
        counts: Memo::new(move |_| {
            let k = kind.get();
            table::status_counts_with(
                &activity.read().activity,
                &index.read().0,
                &query.read().text,
                |a| k.keeps(a),
            )
        }),
        // Reads the activity: a new version redraws the rows in view, in place.
        row: Arc::new(move |i| {
            let Some(a) = activity.read().activity.get(i).cloned() else {
                return ().into_any();
            };
            let id_cell = match a.kind {
                ActivityKind::Run => view! {
                    <a class="mono run-link" href=route::run(&env_r, a.id.as_str()) title=a.id.to_string()>{a.id.short()}</a>
                }
                .into_any(),
                _ => view! { <span class="mono muted" title=a.id.to_string()>{a.id.short()}</span> }.into_any(),
            };
            view! {
                <tr data-kind=a.kind.label().to_lowercase() data-id=a.id.to_string() data-row=i tabindex="-1">
                    <td><span class="chip">{a.kind.label().to_string()}</span></td>
                    <td><StatusBadge status=a.status.clone() /></td>
                    <td class="num">{a.cost.map(format::cost).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{a.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</td>
                    <td><Timestamp t=Some(a.start) /></td>
                    <td><Timestamp t=a.end /></td>
                    <td>{id_cell}</td>
                </tr>
            }
            .into_any()
        }),
        min_width: 900,
        details: None,
    };
    let extra = ViewFn::from(move || {
        view! {
            <div class="seg" role="group" aria-label="Activity type">
                {ActivityFilter::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                class="seg__btn"
                                data-kind=k.key()
                                aria-pressed=move || (kind.get() == k).to_string()
                                on:click=move |_| update_view(Box::new(move |v| v.kind = k))
                            >
                                {k.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        }
    });
    view! { <DataTable spec=spec extra=extra /> }
}
