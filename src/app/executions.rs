//! Model Executions tab: the shared interactive table over the run's
//! executions, and a details drawer with the full error message and the
//! execution's log.

use super::context::RunHistory;
use super::drawer::Drawer;
use super::log::LogView;
use super::shared::Shared;
use super::table_view::{columns, DataTable, Details, TableSpec};
use super::url_state::ViewCtl;
use super::widgets::{StatusBadge, Timestamp};
use crate::core::columns::{ExecColumn, EXECUTION_COLUMNS};
use crate::core::format;
use crate::core::history::{self, Trend, UsualFilter};
use crate::core::model::{Execution, Run, Status};
use crate::core::route;
use crate::core::table::SortKey;
use crate::core::table::{self, SearchIndex};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ExecutionsTab(run: ReadSignal<Arc<Run>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let history = expect_context::<RunHistory>();
    let query = Memo::new(move |_| ctl.view.read().executions.clone());
    let usual = Memo::new(move |_| ctl.view.read().usual);
    // Rebuilt for each version of the run (a run in progress changes); the
    // search index only once a search needs it (not for the first draw).
    let searching = Memo::new(move |_| table::searches(&query.read().text));
    let index = Memo::new(move |_| {
        Shared(Arc::new(if searching.get() {
            SearchIndex::build(&run.read().executions)
        } else {
            SearchIndex::default()
        }))
    });
    // Filtered and sorted; then the history's chip and column, which read
    // the history only when used (it arrives after the first draw).
    let queried =
        Memo::new(move |_| table::query(&run.read().executions, &index.read().0, &query.read()));
    let spec = TableSpec {
        noun: "executions",
        columns: columns(EXECUTION_COLUMNS),
        query,
        update: Arc::new(move |f| ctl.update(|v| f(&mut v.executions))),
        total: Signal::derive(move || run.read().executions.len()),
        shown: Memo::new(move |_| {
            let mut shown = queried.get();
            let filter = usual.get();
            let by_change = query.with(|q| {
                q.sort.as_ref().and_then(|s| ExecColumn::parse(&s.column))
                    == Some(ExecColumn::VsUsual)
            });
            if filter.is_none() && !by_change {
                return shown;
            }
            let r = run.read();
            let hist = history.0.get();
            if let (Some(f), Some(h)) = (filter, &hist) {
                shown.retain(|&i| f.matches(h.get(&r.executions[i].model)));
            } else if filter.is_some() {
                shown.clear();
            }
            if let (Some(sort), Some(h)) = (query.read().sort.clone(), &hist) {
                if ExecColumn::parse(&sort.column) == Some(ExecColumn::VsUsual) {
                    let rows = &r.executions;
                    history::sort_by_change(&mut shown, |i| rows[i].model.as_str(), h, sort.desc);
                }
            }
            shown
        }),
        counts: Memo::new(move |_| {
            table::status_counts(&run.read().executions, &index.read().0, &query.read().text)
        }),
        // Reads the run: a new version redraws the rows in view, in place.
        row: Arc::new(move |i| match run.get().executions.get(i) {
            Some(ex) => view! { <ExecRow ex=ex.clone() run=run row=i /> }.into_any(),
            None => ().into_any(),
        }),
        min_width: 1560,
        details: Some(Details {
            open: Arc::new(move |i| {
                let key = run.with_untracked(|r| route::exec_key(&r.executions, i));
                if let Some(k) = key {
                    ctl.update(|v| {
                        v.detail = Some(k);
                        v.log.line = None;
                    });
                }
            }),
            opened: Signal::derive(move || {
                let open = ctl.view.read().detail.clone()?;
                let r = run.read();
                route::find_exec(&r.executions, &open)
            }),
        }),
    };
    // Only a change of the open execution re-creates the drawer (not every
    // URL change, nor a new version of the run: its contents follow that).
    let open = Memo::new(move |_| ctl.view.read().detail.clone());
    let extra = ViewFn::from(move || {
        view! {
            <span class="chips chips--history" data-testid="history-chips">
                {UsualFilter::ALL
                    .into_iter()
                    .map(|f| {
                        let count = move || history.0.get().map(|h| f.count(&h));
                        view! {
                            <button
                                class="chip chip--toggle"
                                data-usual=f.key()
                                aria-pressed=move || (usual.get() == Some(f)).to_string()
                                title="Compared with this model's earlier runs in this environment"
                                on:click=move |_| ctl.update(|v| v.usual = if v.usual == Some(f) { None } else { Some(f) })
                            >
                                {f.label()}
                                " "
                                <span class="chip__count">{move || count().map(|c| c.to_string()).unwrap_or_else(|| "…".into())}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </span>
        }
    });
    view! {
        <DataTable spec=spec extra=extra />
        {move || {
            open.get().map(|key| {
                let k = key.clone();
                let ex = Memo::new(move |_| {
                    run.with(|r| route::find_exec(&r.executions, &k).map(|i| r.executions[i].clone()))
                });
                // Shown while the run has that execution (it may appear in a later version).
                let present = Memo::new(move |_| ex.with(Option::is_some));
                move || {
                    present.get().then(|| {
                        let title = ex.with_untracked(|e| e.as_ref().map(|e| e.model.clone())).unwrap_or_default();
                        view! { <ExecDrawer title=title ex=ex /> }
                    })
                }
            })
        }}
    }
}

#[component]
fn ExecRow(ex: Execution, run: ReadSignal<Arc<Run>>, row: usize) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let duration = match (&ex.duration, &ex.status) {
        (Some(d), _) => format::human_duration(*d),
        (None, Status::InProgress) => "running…".into(),
        _ => "—".into(),
    };
    let open = move |_| {
        let Some(k) = run.with_untracked(|r| route::exec_key(&r.executions, row)) else {
            return;
        };
        ctl.update(|v| {
            v.detail = Some(k);
            v.log.line = None;
        });
    };
    let open2 = open;
    let history = expect_context::<RunHistory>();
    let m = ex.model.clone();
    let usual_cell = move || {
        let h = history.0.get()?;
        let mh = h.get(&m)?;
        let trend = (mh.trend != Trend::Steady).then(|| {
            view! { <span class=format!("trend trend--{}", mh.trend.key())>{mh.trend.label()}</span> }
        });
        let change = history::change_text(mh).map(|t| {
            view! { <span class:slower=mh.is_slower() title=format!("median of {} earlier successful runs: {}", mh.samples, mh.median.map(format::human_duration).unwrap_or_default())>{t}</span> }
        });
        Some(view! { {trend} {change} })
    };
    let model = ex.model.clone();
    let explore_href = move || ctl.view.with(|v| v.explore(&model).to_query());
    view! {
        <tr data-model=ex.model.clone() data-row=row tabindex="-1" class:row--failed=ex.status == Status::Failed>
            <td class="cell-model">
                <a class="model-link" href=explore_href title=format!("{} in the lineage graph", ex.model)>
                    {ex.model.clone()}
                </a>
            </td>
            <td><StatusBadge status=ex.status.clone() /></td>
            <td class="num">{duration}</td>
            <td class="num cell-usual">{usual_cell}</td>
            <td><Timestamp t=ex.start /></td>
            <td><Timestamp t=ex.end /></td>
            <td><Timestamp t=ex.interval_start /></td>
            <td><Timestamp t=ex.interval_end /></td>
            <td class="cell-error">
                {match ex.error.clone() {
                    Some(err) => view! {
                        <button class="error-link" title=err.clone() on:click=open>
                            {crate::core::health::headline(&err).to_string()}
                        </button>
                    }
                    .into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td>
                {ex.log_id.clone().map(|_| view! { <button class="btn btn--small" on:click=open2>"View log"</button> })}
            </td>
        </tr>
    }
}

#[component]
fn ExecDrawer(title: String, ex: Memo<Option<Execution>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let close = Callback::new(move |_| {
        ctl.update(|v| {
            v.detail = None;
            v.log.line = None;
        })
    });
    // The log is read again only when the execution gets another log.
    let log_id = Memo::new(move |_| ex.read().as_ref().and_then(|e| e.log_id.clone()));
    view! {
        <Drawer label="Execution details" testid="exec-drawer" title=title on_close=close>
            {move || match ex.get() {
                Some(ex) => {
                    let model = ex.model.clone();
                    let explore = move || ctl.view.with(|v| v.explore(&model).to_query());
                    view! {
                        <div class="drawer__meta">
                            <StatusBadge status=ex.status.clone() />
                            <span>"Start " <Timestamp t=ex.start /></span>
                            <span>"End " <Timestamp t=ex.end /></span>
                            <span>{ex.duration.map(format::human_duration).unwrap_or_else(|| "—".into())}</span>
                            <a href=explore>"Open in lineage →"</a>
                        </div>
                        {ex.error.clone().map(|e| view! {
                            <h3>"Error message"</h3>
                            <pre class="error-full" data-testid="error-full">{e}</pre>
                        })}
                        <Sparkline model=ex.model.clone() />
                    }
                    .into_any()
                }
                None => view! { <p class="muted">"This execution is no longer in the run."</p> }.into_any(),
            }}
            <h3>"Log"</h3>
            {move || view! { <LogView log_id=log_id.get() lens=ctl.log_lens() /> }}
        </Drawer>
    }
}

/// The model's duration in its last runs, this run marked: from the page's
/// history, once read.
#[component]
fn Sparkline(model: String) -> impl IntoView {
    let history = expect_context::<RunHistory>();
    move || {
        let h = history.0.get()?;
        let mh = h.get(&model)?.clone();
        if mh.points.len() < 2 {
            return None;
        }
        let spark = history::spark(&mh, 240.0, 40.0);
        let caption = match (mh.median, history::change_text(&mh)) {
            (Some(m), Some(c)) => format!(
                "Usual (median of {} earlier successes): {} · this run {c}",
                mh.samples,
                format::human_duration(m)
            ),
            (Some(m), None) => format!(
                "Usual (median of {} earlier successes): {}",
                mh.samples,
                format::human_duration(m)
            ),
            _ => "No earlier successful run to compare with.".to_string(),
        };
        Some(view! {
            <h3>"Duration in recent runs"</h3>
            <div class="spark" data-testid="sparkline">
                <svg width="240" height="40" role="img" aria-label=format!("{} runs of {}", mh.points.len(), model)>
                    <polyline class="spark__line" points=spark.line></polyline>
                    {spark.dots.into_iter().map(|(x, y, status, current)| view! {
                        <circle class=format!("spark__dot spark__dot--{}{}", status, if current { " spark__dot--current" } else { "" }) cx=x cy=y r=if current { 4.0 } else { 2.5 }></circle>
                    }).collect_view()}
                </svg>
                <p class="muted">{caption}</p>
            </div>
        })
    }
}
