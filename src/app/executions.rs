//! Model Executions tab: the shared interactive table over the run's
//! executions, and a details drawer with the full error message and the
//! execution's log.

use super::drawer::Drawer;
use super::log::LogView;
use super::shared::Shared;
use super::table_view::{columns, DataTable, TableSpec};
use super::url_state::ViewCtl;
use super::widgets::{StatusBadge, Timestamp};
use crate::core::columns::EXECUTION_COLUMNS;
use crate::core::format;
use crate::core::model::{Execution, Run, Status};
use crate::core::route;
use crate::core::table::{self, SearchIndex};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ExecutionsTab(run: ReadSignal<Arc<Run>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // Rebuilt for each version of the run (a run in progress changes).
    let index = Memo::new(move |_| Shared(Arc::new(SearchIndex::build(&run.read().executions))));
    let keys = Memo::new(move |_| Shared(Arc::new(route::exec_keys(&run.read().executions))));
    let query = Memo::new(move |_| ctl.view.read().executions.clone());
    let spec = TableSpec {
        noun: "executions",
        columns: columns(EXECUTION_COLUMNS),
        query,
        update: Arc::new(move |f| ctl.update(|v| f(&mut v.executions))),
        total: Signal::derive(move || run.read().executions.len()),
        shown: Memo::new(move |_| {
            table::query(&run.read().executions, &index.read().0, &query.read())
        }),
        counts: Memo::new(move |_| {
            table::status_counts(&run.read().executions, &index.read().0, &query.read().text)
        }),
        // Reads the run: a new version redraws the rows in view, in place.
        row: Arc::new(move |i| {
            let (r, k) = (run.get(), keys.get());
            match (r.executions.get(i), k.0.get(i)) {
                (Some(ex), Some(key)) => {
                    view! { <ExecRow ex=ex.clone() key=key.clone() /> }.into_any()
                }
                _ => ().into_any(),
            }
        }),
        min_width: 1360,
    };
    // Only a change of the open execution re-creates the drawer (not every
    // URL change, nor a new version of the run: its contents follow that).
    let open = Memo::new(move |_| ctl.view.read().detail.clone());
    view! {
        <DataTable spec=spec />
        {move || {
            open.get().map(|key| {
                let k = key.clone();
                let ex = Memo::new(move |_| {
                    let (r, keys) = (run.get(), keys.get());
                    route::find_exec(&r.executions, &keys.0, &k).map(|i| r.executions[i].clone())
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
fn ExecRow(ex: Execution, key: String) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let duration = match (&ex.duration, &ex.status) {
        (Some(d), _) => format::human_duration(*d),
        (None, Status::InProgress) => "running…".into(),
        _ => "—".into(),
    };
    let open = move |_| {
        let k = key.clone();
        ctl.update(|v| {
            v.detail = Some(k);
            v.log.line = None;
        });
    };
    let open2 = open.clone();
    let model = ex.model.clone();
    let explore_href = move || ctl.view.with(|v| v.explore(&model).to_query());
    view! {
        <tr data-model=ex.model.clone() class:row--failed=ex.status == Status::Failed>
            <td class="cell-model">
                <a class="model-link" href=explore_href title=format!("{} in the lineage graph", ex.model)>
                    {ex.model.clone()}
                </a>
            </td>
            <td><StatusBadge status=ex.status.clone() /></td>
            <td class="num">{duration}</td>
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
