//! Audits tab: every audit (data test) of the run in the shared interactive
//! table, a "blocking only" toggle, and a details drawer with the audit's
//! full error and log.

use super::drawer::Drawer;
use super::log::LogView;
use super::shared::Shared;
use super::table_view::{columns, DataTable, Details, TableSpec};
use super::url_state::ViewCtl;
use super::widgets::{StatusBadge, Timestamp};
use crate::core::columns::AUDIT_COLUMNS;
use crate::core::format;
use crate::core::model::{Audit, Run, Status};
use crate::core::route::audit_key;
use crate::core::table::{self, SearchIndex};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn AuditsTab(run: ReadSignal<Arc<Run>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // Rebuilt for each version of the run (a run in progress changes).
    let index = Memo::new(move |_| Shared(Arc::new(SearchIndex::build(&run.read().audits))));
    let query = Memo::new(move |_| ctl.view.read().audits.clone());
    let blocking = Memo::new(move |_| ctl.view.read().blocking_only);
    let spec = TableSpec {
        noun: "audits",
        columns: columns(AUDIT_COLUMNS),
        query,
        update: Arc::new(move |f| ctl.update(|v| f(&mut v.audits))),
        total: Signal::derive(move || run.read().audits.len()),
        shown: Memo::new(move |_| {
            let only = blocking.get();
            table::query_with(&run.read().audits, &index.read().0, &query.read(), |a| {
                !only || a.blocking
            })
        }),
        counts: Memo::new(move |_| {
            let only = blocking.get();
            table::status_counts_with(
                &run.read().audits,
                &index.read().0,
                &query.read().text,
                |a| !only || a.blocking,
            )
        }),
        // Reads the run: a new version redraws the rows in view, in place.
        row: Arc::new(move |i| match run.get().audits.get(i) {
            Some(a) => view! { <AuditRow audit=a.clone() row=i /> }.into_any(),
            None => ().into_any(),
        }),
        min_width: 1500,
        details: Some(Details {
            open: Arc::new(move |i| {
                let key =
                    run.with_untracked(|r| r.audits.get(i).map(|a| audit_key(&a.model, &a.name)));
                if let Some(k) = key {
                    ctl.update(|v| {
                        v.audit = Some(k);
                        v.log.line = None;
                    });
                }
            }),
            opened: Signal::derive(move || {
                let open = ctl.view.read().audit.clone()?;
                run.read()
                    .audits
                    .iter()
                    .position(|a| audit_key(&a.model, &a.name) == open)
            }),
        }),
    };
    let extra = ViewFn::from(move || {
        view! {
            <label class="toggle">
                <input
                    type="checkbox"
                    data-testid="blocking-only"
                    prop:checked=move || blocking.get()
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        ctl.update(|v| v.blocking_only = on);
                    }
                />
                " Blocking only"
            </label>
        }
    });
    // Only a change of the open audit re-creates the drawer (not every URL
    // change, nor a new version of the run: its contents follow that).
    let open = Memo::new(move |_| ctl.view.read().audit.clone());
    view! {
        <DataTable spec=spec extra=extra />
        {move || {
            open.get().map(|key| {
                let k = key.clone();
                let audit = Memo::new(move |_| {
                    run.read().audits.iter().find(|a| audit_key(&a.model, &a.name) == k).cloned()
                });
                // Shown while the run has that audit (it may appear in a later version).
                let present = Memo::new(move |_| audit.with(Option::is_some));
                move || {
                    present.get().then(|| {
                        let title = audit.with_untracked(|a| a.as_ref().map(|a| a.name.clone())).unwrap_or_default();
                        view! { <AuditDrawer title=title audit=audit /> }
                    })
                }
            })
        }}
    }
}

#[component]
fn AuditRow(audit: Audit, row: usize) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let key = audit_key(&audit.model, &audit.name);
    let open = move |_| {
        let k = key.clone();
        ctl.update(|v| {
            v.audit = Some(k);
            v.log.line = None;
        });
    };
    let model = audit.model.clone();
    let explore_href = move || ctl.view.with(|v| v.explore(&model).to_query());
    let failed_blocking = audit.blocking && audit.status == Status::Failed;
    let rows = match audit.failing_rows {
        Some(n) => n.to_string(),
        None => "—".into(),
    };
    let has_detail = audit.log_id.is_some() || audit.error.is_some();
    let bad_rows = audit.failing_rows.unwrap_or(0) > 0;
    view! {
        <tr
            data-row=row
            tabindex="-1"
            data-audit=audit.name.clone()
            data-model=audit.model.clone()
            data-blocking=audit.blocking.to_string()
            class:row--failed=audit.status == Status::Failed
            class:row--blocking-failed=failed_blocking
        >
            <td class="mono" title=audit.error.clone().unwrap_or_else(|| audit.name.clone())>{audit.name.clone()}</td>
            <td class="cell-model">
                <a class="model-link" href=explore_href title=format!("{} in the lineage graph", audit.model)>{audit.model.clone()}</a>
            </td>
            <td><StatusBadge status=audit.status.clone() /></td>
            <td>
                {if audit.blocking {
                    view! { <span class="flag flag--blocking">"blocking"</span> }.into_any()
                } else {
                    view! { <span class="muted">"no"</span> }.into_any()
                }}
            </td>
            <td class=if bad_rows { "num num--bad" } else { "num" }>{rows}</td>
            <td><Timestamp t=audit.start /></td>
            <td><Timestamp t=audit.end /></td>
            <td><Timestamp t=audit.interval_start /></td>
            <td><Timestamp t=audit.interval_end /></td>
            <td>{has_detail.then(|| view! { <button class="btn btn--small" on:click=open>"View log"</button> })}</td>
        </tr>
    }
}

#[component]
fn AuditDrawer(title: String, audit: Memo<Option<Audit>>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    let close = Callback::new(move |_| {
        ctl.update(|v| {
            v.audit = None;
            v.log.line = None;
        })
    });
    // The log is read again only when the audit gets another log.
    let log_id = Memo::new(move |_| audit.read().as_ref().and_then(|a| a.log_id.clone()));
    view! {
        <Drawer label="Audit details" testid="audit-drawer" title=title on_close=close>
            {move || match audit.get() {
                Some(audit) => view! {
                    <div class="drawer__meta">
                        <span class="mono">{audit.model.clone()}</span>
                        <StatusBadge status=audit.status.clone() />
                        {audit.blocking.then(|| view! { <span class="flag flag--blocking">"blocking"</span> })}
                        <span>{format!("{} failing rows", audit.failing_rows.map(|n| n.to_string()).unwrap_or_else(|| "—".into()))}</span>
                        <span>"Start " <Timestamp t=audit.start /></span>
                        <span>{format::span(audit.start, audit.end).map(format::human_duration).unwrap_or_default()}</span>
                    </div>
                    {audit.error.clone().map(|e| view! {
                        <h3>"Error message"</h3>
                        <pre class="error-full" data-testid="error-full">{e}</pre>
                    })}
                }
                .into_any(),
                None => view! { <p class="muted">"This audit is no longer in the run."</p> }.into_any(),
            }}
            <h3>"Log"</h3>
            {move || view! { <LogView log_id=log_id.get() lens=ctl.log_lens() /> }}
        </Drawer>
    }
}
