//! The run page: header cards, changes since the previous run, tabs.

use super::api::{next_task, Api};
use super::audits::AuditsTab;
use super::context::Clock;
use super::context::{TabShortcut, TimeCtx};
use super::executions::ExecutionsTab;
use super::explore::ExploreTab;
use super::live::{poll, second_clock};
use super::log::LogView;
use super::timeline::TimelineTab;
use super::url_state::{replace_opts, ViewCtl};
use super::widgets::{offset_for, show_result, Loading, NotFound, StatusBadge, Timestamp, Zone};
use crate::core::changes;
use crate::core::format;
use crate::core::health::{self, RunHealth};
use crate::core::keys;
use crate::core::lineage::{Lineage, LineageBuilder};
use crate::core::live;
use crate::core::model::{PlanChange, Run, Status};
use crate::core::route::{self, RunTab, RunView};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::sync::Arc;

#[component]
pub fn RunPage() -> impl IntoView {
    let api = expect_context::<Api>();
    // Explore's big layouts go to a web worker: it starts now, while the
    // run is read, not when the graph is first drawn.
    super::layout_worker::warm_up();
    let params = use_params_map();
    let query = use_query_map();
    let env = Memo::new(move |_| params.read().get("env").unwrap_or_default());
    let run_id = Memo::new(move |_| params.read().get("run_id").unwrap_or_default());
    let run = LocalResource::new(move || {
        let api = api.clone();
        let (e, r) = (env.get(), run_id.get());
        async move { api.run(&e, &r).await.map(Arc::new) }
    });
    let view = Memo::new(move |_| {
        let q = query.read();
        RunView::from_query(|k| q.get(k))
    });
    let (requested, set_requested) = signal(None::<RunView>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(v) = requested.get() {
            let path = route::run(&env.get_untracked(), &run_id.get_untracked());
            navigate(&format!("{path}{}", v.to_query()), replace_opts());
        }
    });
    let ctl = ViewCtl {
        view,
        set: set_requested,
    };
    provide_context(ctl);
    let retry = Callback::new(move |_| run.refetch());

    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href=route::environments()>"environments"</a>
            <span class="sep">"/"</span>
            <a href=move || route::environment(&env.get())>{move || env.get()}</a>
            <span class="sep">"/"</span>
            <span>"runs"</span>
            <span class="sep">"/"</span>
            <span class="mono">{move || run_id.get()}</span>
        </nav>
        <h1 class="run-title">"Run " <span class="mono">{move || run_id.get()}</span></h1>
        {move || {
            let (e, r) = (env.get(), run_id.get());
            show_result(
                run.get(),
                "run",
                retry,
                move || {
                    view! {
                        <NotFound
                            title="Run not found"
                            detail=format!("Environment \u{201c}{e}\u{201d} has no run with ID {r}.")
                        />
                    }
                    .into_any()
                },
                move |run: Arc<Run>| view! { <RunBody run=run /> },
            )
        }}
    }
}

/// Units of lineage work per task (`LineageBuilder::step`: a model, an
/// execution, an upstream name; about 10 ms in the browser).
const LINEAGE_WORK: usize = 20_000;
/// Executions read or models compared per task, comparing with the history.
const HISTORY_WORK: usize = 5_000;

#[component]
fn RunBody(run: Arc<Run>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let api = expect_context::<Api>();
    let Clock(clock) = expect_context::<Clock>();
    let TimeCtx(mode) = expect_context::<TimeCtx>();
    // The run on screen: the first load, then each new version the poller
    // reads while the run is in progress. Everything below reads it, so a
    // new version changes rows and header in place (the URL keeps the view).
    let current = RwSignal::new(run.clone());
    let run = current.read_only();
    let schedule = api.poll;
    let is_live = Memo::new(move |_| run.with(|r| live::run_is_live(&r.status, r.end)));
    let poll = {
        let (env, id) = (
            run.get_untracked().environment.clone(),
            run.get_untracked().id.to_string(),
        );
        poll(
            schedule,
            is_live.get_untracked().then_some(schedule.interval),
            move || {
                let (api, env, id) = (api.clone(), env.clone(), id.clone());
                async move { api.run(&env, &id).await }
            },
            move |fresh: Run| {
                let goes_on = live::run_is_live(&fresh.status, fresh.end);
                if *current.get_untracked() != fresh {
                    current.set(Arc::new(fresh));
                }
                goes_on.then_some(schedule.interval)
            },
        )
    };
    // Seconds move in "last refreshed 8 s ago" while the run is live.
    let seconds = second_clock(is_live);
    // Neighbour links keep the current view (tab, filters), minus what only
    // makes sense in this run (an open drawer, a log line).
    let link = move |env: String, id: String| {
        let mut v = ctl.view.get();
        v.detail = None;
        v.audit = None;
        v.log.line = None;
        format!("{}{}", route::run(&env, &id), v.to_query())
    };
    let nav = move || {
        let r = run.get();
        let prev = r
            .previous_run_id
            .as_ref()
            .map(|id| link(r.environment.clone(), id.to_string()));
        let next = r
            .next_run_id
            .as_ref()
            .map(|id| link(r.environment.clone(), id.to_string()));
        view! {
            {match prev {
                Some(h) => view! { <a class="run-nav__prev" href=h rel="prev">"← Previous run"</a> }.into_any(),
                None => view! { <span class="muted">"No previous run"</span> }.into_any(),
            }}
            {match next {
                Some(h) => view! { <a class="run-nav__next" href=h rel="next">"Next run →"</a> }.into_any(),
                None => view! { <span class="muted">"Latest run"</span> }.into_any(),
            }}
        }
    };
    // Each model against its own history: the previous runs, read once,
    // one by one through `previous_run_id` (at most `history::RUNS_READ`);
    // the comparison follows the run (a live run changes).
    let api = expect_context::<super::api::Api>();
    let first = run.get_untracked();
    let (hist_env, hist_prev) = (first.environment.clone(), first.previous_run_id.clone());
    let previous_runs = LocalResource::new(move || {
        let (api, env, mut id) = (api.clone(), hist_env.clone(), hist_prev.clone());
        async move {
            let mut previous = Vec::new();
            while let Some(p) = id {
                if previous.len() >= crate::core::history::RUNS_READ {
                    break;
                }
                match api.run_shared(&env, p.as_str()).await {
                    Ok(r) => {
                        id = r.previous_run_id.clone();
                        previous.push(r);
                    }
                    // A history with a hole would call old failures new:
                    // none is shown rather than a wrong one.
                    Err(_) => return None,
                }
            }
            Some(Arc::new(previous))
        }
    });
    // The comparison: made a slice at a time, in tasks after the page's
    // first draw, for each version of the run (a live run changes).
    let history_signal = RwSignal::new(None::<Arc<crate::core::history::History>>);
    Effect::new(move |_| {
        let (r, previous) = (run.get(), previous_runs.get().flatten());
        let Some(previous) = previous else {
            return;
        };
        leptos::task::spawn_local(async move {
            let mut c = crate::core::history::Comparer::new(&r, &previous[..]);
            loop {
                next_task().await;
                // A newer version (or no page) wins.
                if run.try_with_untracked(|now| Arc::ptr_eq(now, &r)) != Some(true) {
                    return;
                }
                if c.step(HISTORY_WORK) {
                    break;
                }
            }
            history_signal.try_set(Some(Arc::new(c.finish())));
        });
    });
    let history = super::context::RunHistory(history_signal.into());
    provide_context(history);
    let warnings = Memo::new(move |_| run.with(|r| r.warnings.clone()));
    let status_time = move || {
        let now = clock.get();
        let r = run.get();
        match (&r.status, r.end) {
            (Status::InProgress, _) | (_, None) => {
                format!("started {}", format::relative_time(r.start, now))
            }
            (_, Some(end)) => format!("finished {}", format::relative_time(end, now)),
        }
    };
    let duration = move || {
        let r = run.get();
        let Some(d) = r.duration(clock.get()).map(format::human_duration) else {
            // An end before the start: the API's times disagree.
            return "unknown (end before start)".to_string();
        };
        if r.end.is_none() && r.refreshed_at.is_some() {
            format!("{d} so far (at last refresh)")
        } else if r.end.is_none() {
            format!("{d} so far")
        } else {
            d
        }
    };
    let refreshed = Memo::new(move |_| run.with(|r| r.refreshed_at));
    let end = Memo::new(move |_| run.with(|r| r.end));
    let status = Memo::new(move |_| run.with(|r| r.status.clone()));
    let changes = Memo::new(move |_| run.with(|r| r.changes.clone()));
    let health = Memo::new(move |_| health::health(&run.get()));
    let log_id = Memo::new(move |_| run.with(|r| r.log_id.clone()));
    // The lineage: rebuilt from each version a slice at a time, in tasks
    // after the page is drawn (a big run's takes a while, and only the
    // Explore tab and its count need it); kept (the same pointer, so the
    // graph is not laid out again) while models and edges are equal.
    let lineage = RwSignal::new(None::<Arc<Lineage>>);
    Effect::new(move |_| {
        let r = run.get();
        leptos::task::spawn_local(async move {
            let mut b = LineageBuilder::new(&r);
            loop {
                next_task().await;
                // A newer version (or no page) wins.
                if run.try_with_untracked(|now| Arc::ptr_eq(now, &r)) != Some(true) {
                    return;
                }
                if b.step(&r, LINEAGE_WORK) {
                    break;
                }
            }
            let l = b.finish();
            if lineage.try_with_untracked(|prev| prev.as_deref() != Some(&l)) == Some(true) {
                lineage.set(Some(Arc::new(l)));
            }
        });
    });
    let counts = Memo::new(move |_| {
        let r = run.get();
        let failed_audits = r
            .audits
            .iter()
            .filter(|a| a.status == Status::Failed)
            .count();
        [
            (RunTab::Executions, r.executions.len().to_string()),
            (
                RunTab::Audits,
                if failed_audits > 0 {
                    format!("{} · {failed_audits} failed", r.audits.len())
                } else {
                    r.audits.len().to_string()
                },
            ),
            (
                RunTab::Explore,
                lineage.with(|l| l.as_ref().map(|l| l.len().to_string()).unwrap_or_default()),
            ),
            // No count: the timeline is of the same executions.
            (RunTab::Timeline, String::new()),
        ]
    });
    let tab = Memo::new(move |_| ctl.view.read().tab);
    // Switching tabs by keyboard (arrows on the tab list, or `g e` / `g a` /
    // `g x` / `g t` anywhere) also moves the focus to the chosen tab, since
    // the focused element may have gone with the previous tab's panel.
    let switch_tab = move |t: RunTab| {
        ctl.update(|v| v.tab = t);
        if let Some(b) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&format!("run-tab-{}", t.key())))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
        {
            let _ = b.focus();
        }
    };
    register_tab_shortcut(Callback::new(switch_tab));
    // The tab's panel is first drawn a task after the page's header (a big
    // run's table or graph is work of its own); tab switches draw at once.
    let panel_ready = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        next_task().await;
        panel_ready.try_set(true);
    });
    view! {
        <div class="run-nav">{nav}</div>
        {move || {
            let w = warnings.get();
            (!w.is_empty()).then(|| view! {
                <div class="warning" role="note">
                    <strong>{format!("{} rows could not be shown. ", w.len())}</strong>
                    {w.join("; ")}
                </div>
            })
        }}
        <section class="cards" data-testid="run-header">
            <div class="card">
                <h2 class="card__title">"Status"</h2>
                <div class="card__status" data-testid="run-status">
                    {move || view! { <StatusBadge status=status.get() large=true /> }}
                </div>
                <div class="muted" data-testid="run-relative">{status_time}</div>
                <div class="refreshed" data-testid="run-refreshed">
                    "Data refreshed "
                    {move || match refreshed.get() {
                        Some(t) => view! {
                            <Timestamp t=Some(t) />
                            " "
                            <Zone />
                            " "
                            <span class="muted">{move || format!("({})", format::relative_time(t, clock.get()))}</span>
                        }
                        .into_any(),
                        None => view! { <span class="muted">"unknown"</span> }.into_any(),
                    }}
                </div>
                {move || is_live.get().then(|| {
                    let progress = move || live::Progress::of(&run.get().executions);
                    let heard = move || {
                        let now = seconds.get();
                        match refreshed.get() {
                            Some(t) => match live::silence(Some(t), now) {
                                Some(_) => (true, live::silence_text(t, now, mode.get(), offset_for(mode.get(), t))),
                                None => (false, format!("Last refreshed {}", live::ago(t, now))),
                            },
                            None => (false, format!(
                                "Last checked {}",
                                poll.checked.get().map(|c| live::ago(c, now)).unwrap_or_else(|| "never".into())
                            )),
                        }
                    };
                    view! {
                        <div class="live" data-testid="run-live">
                            <div class="live__progress" data-testid="run-progress">{move || progress().text()}</div>
                            <div class="live__bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || format!("{:.0}", progress().percent())>
                                <span class="live__fill" style=move || format!("width:{:.2}%", progress().percent())></span>
                            </div>
                            <div
                                class=move || if heard().0 { "live__heard live__heard--silent" } else { "live__heard" }
                                data-testid="run-heard"
                            >
                                {move || heard().1}
                            </div>
                            {move || poll.failed.get().map(|(e, wait)| view! {
                                <div class="live__failed" data-testid="refresh-failed" title=e>{live::retry_text(wait)}</div>
                            })}
                        </div>
                    }
                })}
            </div>
            <div class="card">
                <h2 class="card__title">"When"</h2>
                <dl class="when">
                    <dt>"Start"</dt>
                    <dd data-testid="run-start"><Timestamp t=Some(run.get_untracked().start) /> " " <Zone /></dd>
                    <dt>"End"</dt>
                    <dd data-testid="run-end">
                        {move || match end.get() {
                            Some(t) => view! { <Timestamp t=Some(t) /> " " <Zone /> }.into_any(),
                            None => view! { <span class="muted">"still running"</span> }.into_any(),
                        }}
                    </dd>
                    <dt>"Duration"</dt>
                    <dd data-testid="run-duration">{duration}</dd>
                </dl>
            </div>
            {move || view! { <ChangesCard changes=changes.get() /> }}
        </section>
        {move || view! { <HealthStrip health=health.get() /> }}
        {move || log_id.get().map(|id| view! { <RunLog log_id=id /> })}
        <div class="tabs" role="tablist" aria-label="Run views">
            {RunTab::ALL
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    view! {
                        <button
                            role="tab"
                            class="tab"
                            id=format!("run-tab-{}", t.key())
                            aria-controls="run-tabpanel"
                            data-tab=t.key()
                            aria-selected=move || (tab.get() == t).to_string()
                            tabindex=move || if tab.get() == t { "0" } else { "-1" }
                            on:click=move |_| ctl.update(|v| v.tab = t)
                            on:keydown=move |e| {
                                if let Some(j) = keys::tab_step(i, RunTab::ALL.len(), &e.key()) {
                                    e.prevent_default();
                                    switch_tab(RunTab::ALL[j]);
                                }
                            }
                        >
                            {t.label()}
                            <span class="tab__count">{move || counts.read()[i].1.clone()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div role="tabpanel" id="run-tabpanel" aria-labelledby=move || format!("run-tab-{}", tab.get().key())>
            {move || panel_ready.get().then(|| match tab.get() {
                RunTab::Executions => view! { <ExecutionsTab run=run /> }.into_any(),
                RunTab::Audits => view! { <AuditsTab run=run /> }.into_any(),
                // A new lineage (models or edges changed) is a new graph; a new
                // version with the same lineage only changes statuses.
                RunTab::Explore => (move || match lineage.get() {
                    Some(l) => view! { <ExploreTab run=run lineage=l /> }.into_any(),
                    None => view! { <Loading what="the lineage" /> }.into_any(),
                })
                .into_any(),
                RunTab::Timeline => view! { <TimelineTab run=run /> }.into_any(),
            })}
        </div>
    }
}

/// Sends the global tab shortcuts to this run page while it is shown (a
/// page that replaced it has registered its own by the time this one's
/// cleanup runs, so the cleanup only removes its own).
fn register_tab_shortcut(go: Callback<RunTab>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let TabShortcut(slot) = expect_context::<TabShortcut>();
    slot.set_value(Some((id, go)));
    on_cleanup(move || {
        slot.try_update_value(|s| {
            if s.as_ref().map(|(i, _)| *i) == Some(id) {
                *s = None;
            }
        });
    });
}

/// The whole run's log (a dbt invocation's), read when opened.
#[component]
fn RunLog(log_id: String) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let open = RwSignal::new(false);
    view! {
        <section class="run-log" data-testid="run-log">
            <button class="btn btn--small" data-testid="run-log-toggle" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Hide the run's log" } else { "Show the run's log" }}
            </button>
            {move || open.get().then(|| view! { <LogView log_id=Some(log_id.clone()) lens=ctl.log_lens() /> })}
        </section>
    }
}

#[component]
fn ChangesCard(changes: Vec<PlanChange>) -> impl IntoView {
    let summary = changes::summarize(&changes);
    if summary.is_empty() {
        return view! {
            <div class="card" data-testid="run-changes">
                <h2 class="card__title">"Changes since previous run"</h2>
                <div class="big-number big-number--none">"0"</div>
                <div class="muted">"No plan was applied since the previous run."</div>
            </div>
        }
        .into_any();
    }
    let plans_label = if summary.plans == 1 { "plan" } else { "plans" };
    // Changes a store computed from model fingerprints carry no plan.
    let computed = changes.iter().all(|p| p.plan_id.is_none());
    let changed = summary.models_changed();
    let head = if computed {
        view! {
            <span class="big-number">{changed}</span>
            {if changed == 1 { " model changed" } else { " models changed" }}
            <span class="muted">" · found by comparing the models with the previous run"</span>
        }
        .into_any()
    } else {
        view! {
            <span class="big-number">{summary.plans}</span>
            " "
            {plans_label}
            <span class="muted">{format!(" · {changed} models changed")}</span>
        }
        .into_any()
    };
    let groups = [
        ("Added", summary.added.clone()),
        ("Removed", summary.removed.clone()),
        ("Directly modified", summary.directly_modified.clone()),
        ("Indirectly modified", summary.indirectly_modified.clone()),
    ];
    view! {
        <div class="card" data-testid="run-changes">
            <h2 class="card__title">"Changes since previous run"</h2>
            <details class="changes">
                <summary>{head}</summary>
                <ul class="changes__plans">
                    {changes
                        .iter()
                        .filter(|p| p.plan_id.is_some() || p.applied_at.is_some())
                        .map(|p| {
                            let id = p.plan_id.as_ref().map(|i| i.short()).unwrap_or_else(|| "plan".into());
                            view! {
                                <li>
                                    <span class="mono">{id}</span>
                                    " applied "
                                    <Timestamp t=p.applied_at />
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {groups
                    .into_iter()
                    .filter(|(_, models)| !models.is_empty())
                    .map(|(label, models)| {
                        view! {
                            <div class="changes__group">
                                <h4>{format!("{label} ({})", models.len())}</h4>
                                <ul>
                                    {models.into_iter().map(|m| view! { <li class="mono">{m}</li> }).collect_view()}
                                </ul>
                            </div>
                        }
                    })
                    .collect_view()}
            </details>
        </div>
    }
    .into_any()
}

/// What broke, above the tabs: failed models (each opens its details), skips, audits.
#[component]
fn HealthStrip(health: RunHealth) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let history = expect_context::<super::context::RunHistory>();
    // On the title's line, so the page does not move when it arrives.
    let trend = move || {
        history
            .0
            .get()
            .and_then(|h| crate::core::history::summary(&h))
            .map(|s| view! { <span class="health__trend" data-testid="health-trend">{format!(" · Against earlier runs: {s}")}</span> })
    };
    if health.is_clean() {
        return ().into_any();
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if !health.failed.is_empty() {
        parts.push(plural(health.failed.len(), "model failed", "models failed"));
    }
    if health.skipped > 0 {
        parts.push(format!("{} skipped downstream", health.skipped));
    }
    if health.failed_audits > 0 {
        parts.push(format!(
            "{} ({} blocking)",
            plural(health.failed_audits, "audit failed", "audits failed"),
            health.failed_blocking_audits
        ));
    }
    let severe = !health.failed.is_empty() || health.failed_blocking_audits > 0;
    view! {
        <section class=if severe { "health health--failed" } else { "health health--warn" } data-testid="health">
            <div class="health__title">{parts.join(" · ")} {trend}</div>
            <ul class="health__list">
                {health
                    .failed
                    .into_iter()
                    .map(|(model, first)| {
                        let m = model.clone();
                        view! {
                            <li>
                                <button
                                    class="health__model mono"
                                    on:click=move |_| {
                                        let m = m.clone();
                                        ctl.update(|v| {
                                            v.tab = RunTab::Executions;
                                            v.detail = Some(m);
                                        })
                                    }
                                >
                                    {model}
                                </button>
                                <span class="health__error">{first}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
