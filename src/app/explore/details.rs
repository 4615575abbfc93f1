//! The selected model's details: head (name, status, chips, change since
//! the previous run), the detail tabs, and the Overview and Impact views.

use super::detail_views::{IntervalsView, SchemaView, SqlView};
use crate::app::api::Api;
use crate::app::log::LogView;
use crate::app::url_state::ViewCtl;
use crate::app::widgets::{StatusBadge, Timestamp, Zone};
use crate::core::changes::ChangeSummary;
use crate::core::cron::{self, NextRun};
use crate::core::explore::{chips, last_execution, modification};
use crate::core::format;
use crate::core::lineage::{group_by_status, Lineage};
use crate::core::model::{Execution, Model, Run, Status};
use crate::core::route::model_href;
use crate::core::route::{self, ModelTab};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub(super) fn ModelDetails(
    lineage: Arc<Lineage>,
    status: Memo<Arc<Vec<Option<Status>>>>,
    run: ReadSignal<Arc<Run>>,
    node: usize,
    summary: Arc<ChangeSummary>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let name = lineage.names[node].clone();
    let model: Option<Model> = run
        .read_untracked()
        .models
        .iter()
        .find(|m| m.name == name)
        .cloned();
    // The model's execution follows each version of the run.
    let exec = {
        let name = name.clone();
        Memo::new(move |_| last_execution(&run.read(), &name).cloned())
    };
    let log_id = Memo::new(move |_| exec.read().as_ref().and_then(|e| e.log_id.clone()));
    let tab = Memo::new(move |_| ctl.view.read().model_tab);
    let modified = modification(&summary, &name);
    let chips = chips(model.as_ref());
    let body = {
        let (lineage, model, name) = (lineage.clone(), model.clone(), name.clone());
        move || {
            match tab.get() {
            ModelTab::Overview => view! { <Overview run=run.get_untracked() exec=exec model=model.clone() name=name.clone() /> }.into_any(),
            ModelTab::Impact => view! { <Impact lineage=lineage.clone() status=status run=run node=node /> }.into_any(),
            ModelTab::Definition => match model.as_ref().and_then(|m| m.definition.clone()) {
                Some(sql) => view! { <SqlView sql=sql /> }.into_any(),
                None => view! { <p class="empty">"No definition was sent for this model."</p> }.into_any(),
            },
            ModelTab::Schema => view! { <SchemaView model=model.clone() /> }.into_any(),
            ModelTab::Intervals => view! { <IntervalsView model=model.clone() /> }.into_any(),
            ModelTab::Log => (move || view! { <LogView log_id=log_id.get() lens=ctl.log_lens() /> }).into_any(),
        }
        }
    };
    view! {
        <section class="details" data-testid="model-details">
            <div class="details__head">
                <h2 class="mono" data-testid="model-name">{name.clone()}</h2>
                {move || status.read()[node].clone().map(|s| view! { <StatusBadge status=s /> })}
            </div>
            <div class="details__chips">
                {chips.into_iter().map(|(k, v)| view! { <span class="chip"><span class="muted">{format!("{k}: ")}</span>{v}</span> }).collect_view()}
                {match modified {
                    Some(how) => view! { <span class="chip chip--modified">{format!("Modified since previous run: {how} by a plan")}</span> }.into_any(),
                    None => view! { <span class="chip">"Not modified since previous run"</span> }.into_any(),
                }}
            </div>
            // The ARIA tabs pattern, like the run page's tabs.
            <div class="tabs tabs--small" role="tablist" aria-label="Model details">
                {ModelTab::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| {
                        view! {
                            <button
                                role="tab"
                                class="tab"
                                id=format!("model-tab-{}", t.key())
                                aria-controls="model-tabpanel"
                                data-mtab=t.key()
                                aria-selected=move || (tab.get() == t).to_string()
                                tabindex=move || if tab.get() == t { "0" } else { "-1" }
                                on:click=move |_| ctl.update(|v| v.model_tab = t)
                                on:keydown=move |e| {
                                    if let Some(j) = crate::core::keys::tab_step(i, ModelTab::ALL.len(), &e.key()) {
                                        e.prevent_default();
                                        let next = ModelTab::ALL[j];
                                        ctl.update(|v| v.model_tab = next);
                                        if let Some(b) = web_sys::window()
                                            .and_then(|w| w.document())
                                            .and_then(|d| d.get_element_by_id(&format!("model-tab-{}", next.key())))
                                            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
                                        {
                                            let _ = b.focus();
                                        }
                                    }
                                }
                            >
                                {t.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="details__body" role="tabpanel" id="model-tabpanel" aria-labelledby=move || format!("model-tab-{}", tab.get().key())>{body}</div>
        </section>
    }
}

#[component]
fn Overview(
    run: Arc<Run>,
    exec: Memo<Option<Execution>>,
    model: Option<Model>,
    name: String,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let prev_id = run.previous_run_id.clone();
    let env = run.environment.clone();
    let n2 = name.clone();
    // The previous run is read once per page (`Api::run_shared` keeps it), not
    // once per selected model.
    let previous = LocalResource::new(move || {
        let (api, prev_id, env, name) = (api.clone(), prev_id.clone(), env.clone(), n2.clone());
        async move {
            match prev_id {
                None => Ok(None),
                Some(id) => api
                    .run_shared(&env, id.as_str())
                    .await
                    .map(|r| Some((r.id.clone(), last_execution(&r, &name).cloned()))),
            }
        }
    });
    let next_cron = model
        .as_ref()
        .and_then(|m| m.cron.clone())
        .map(|c| (cron::next_run(&c, run.end.unwrap_or(run.start)), c));
    let exec_block = |e: Option<Execution>| {
        match e {
        Some(e) => view! {
            <dl class="kv">
                <dt>"Status"</dt><dd><StatusBadge status=e.status.clone() /></dd>
                <dt>"Start"</dt><dd><Timestamp t=e.start /></dd>
                <dt>"Duration"</dt><dd>{e.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Interval"</dt><dd><Timestamp t=e.interval_start />" → "<Timestamp t=e.interval_end /></dd>
                {e.error.map(|err| view! { <dt>"Error"</dt><dd><pre class="error-full">{err}</pre></dd> })}
            </dl>
        }
        .into_any(),
        None => view! { <p class="muted">"Not executed."</p> }.into_any(),
    }
    };
    let env2 = run.environment.clone();
    view! {
        <div class="overview">
            <div>
                <h3>"This run"</h3>
                {move || exec_block(exec.get())}
            </div>
            <div>
                <h3>"Previous execution"</h3>
                {move || match previous.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Ok(None)) => view! { <p class="muted">"This is the first run."</p> }.into_any(),
                    Some(Ok(Some((id, ex)))) => view! {
                        <div>
                            {exec_block(ex)}
                            <a class="small" href=route::run(&env2, id.as_str())>{format!("Run {}", id.short())}</a>
                        </div>
                    }
                    .into_any(),
                    Some(Err(e)) => view! { <p class="muted">{format!("Unavailable: {e}")}</p> }.into_any(),
                }}
            </div>
            <div>
                <h3>"Next cron"</h3>
                {match next_cron {
                    Some((NextRun::At(t), _)) => view! { <p data-testid="next-cron">"Scheduled " <Timestamp t=Some(t) /> " " <Zone /></p> }.into_any(),
                    Some((NextRun::Never, c)) => view! { <p class="muted" data-testid="next-cron">{format!("The cron \u{201c}{c}\u{201d} never fires.")}</p> }.into_any(),
                    Some((NextRun::Unknown, c)) => view! { <p class="muted" data-testid="next-cron">{format!("Next run: unknown for this cron (\u{201c}{c}\u{201d}).")}</p> }.into_any(),
                    None => view! { <p class="muted" data-testid="next-cron">"No schedule."</p> }.into_any(),
                }}
            </div>
        </div>
    }
}
#[component]
fn Impact(
    lineage: Arc<Lineage>,
    status: Memo<Arc<Vec<Option<Status>>>>,
    run: ReadSignal<Arc<Run>>,
    node: usize,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let down = lineage.descendants(node);
    let up = lineage.ancestors(node);
    let column = move |title: &'static str, nodes: Vec<usize>, testid: &'static str| {
        let total = nodes.len();
        // Grouped anew when a new version of the run changes statuses.
        let groups = group_by_status(&nodes, &lineage, &status.get());
        let lineage = lineage.clone();
        view! {
            <div class="impact__col" data-testid=testid>
                <h3>{title} " " <span class="tab__count">{total}</span></h3>
                {if total == 0 { Some(view! { <p class="muted">"None."</p> }) } else { None }}
                {groups
                    .into_iter()
                    .map(|(st, vs)| {
                        let label = st.as_ref().map(|s| s.label()).unwrap_or_else(|| "Not executed in this run".into());
                        let n = vs.len();
                        view! {
                            <div class="impact__group">
                                <div class="impact__group-head">
                                    {st.clone().map(|s| view! { <StatusBadge status=s /> }.into_any()).unwrap_or_else(|| view! { <span class="muted">{label.clone()}</span> }.into_any())}
                                    <span class="tab__count">{n}</span>
                                </div>
                                <ul>
                                    {vs.into_iter()
                                        .map(|v| {
                                            let name = lineage.names[v].clone();
                                            let href = {
                                                let name = name.clone();
                                                move || ctl.view.with(|view| model_href(&run.read_untracked(), view, &name))
                                            };
                                            let label = name.clone();
                                            view! { <li><a class="mono" href=href data-model=name>{label}</a></li> }
                                        })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        }
    };
    view! {
        <div class="impact">
            {
                let column = column.clone();
                move || column("Downstream models", down.clone(), "impact-down")
            }
            {move || column("Upstream models", up.clone(), "impact-up")}
        </div>
    }
}
