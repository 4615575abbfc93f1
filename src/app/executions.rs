//! Model Executions tab: the shared interactive table over the run's
//! executions, and a details drawer with the full error message and the
//! execution's log.

use super::drawer::Drawer;
use super::log::LogView;
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
pub fn ExecutionsTab(run: Arc<Run>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let index = Arc::new(SearchIndex::build(&run.executions));
    let query = Memo::new(move |_| ctl.view.read().executions.clone());
    let (r1, i1) = (run.clone(), index.clone());
    let (r2, i2) = (run.clone(), index.clone());
    let r3 = run.clone();
    let keys = Arc::new(route::exec_keys(&run.executions));
    let k3 = keys.clone();
    let spec = TableSpec {
        noun: "executions",
        columns: columns(EXECUTION_COLUMNS),
        query,
        update: Arc::new(move |f| ctl.update(|v| f(&mut v.executions))),
        total: run.executions.len(),
        shown: Memo::new(move |_| table::query(&r1.executions, &i1, &query.read())),
        counts: Memo::new(move |_| table::status_counts(&r2.executions, &i2, &query.read().text)),
        row: Arc::new(move |i| {
            view! { <ExecRow ex=r3.executions[i].clone() key=k3[i].clone() /> }.into_any()
        }),
        min_width: 1360,
    };
    let detail_run = run.clone();
    // Only a change of the open execution re-creates the drawer (not every URL change).
    let open = Memo::new(move |_| ctl.view.read().detail.clone());
    view! {
        <DataTable spec=spec />
        {move || {
            open.get()
                .and_then(|key| route::find_exec(&detail_run.executions, &keys, &key))
                .map(|i| view! { <ExecDrawer ex=detail_run.executions[i].clone() /> })
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
fn ExecDrawer(ex: Execution) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let model = ex.model.clone();
    let explore = move || ctl.view.with(|v| v.explore(&model).to_query());
    let close = Callback::new(move |_| {
        ctl.update(|v| {
            v.detail = None;
            v.log.line = None;
        })
    });
    view! {
        <Drawer label="Execution details" testid="exec-drawer" title=ex.model.clone() on_close=close>
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
            <h3>"Log"</h3>
            <LogView log_id=ex.log_id.clone() lens=ctl.log_lens() />
        </Drawer>
    }
}
