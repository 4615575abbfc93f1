//! The definition (highlighted SQL), schema and loaded-intervals views of a
//! model's details.

use crate::app::widgets::{Timestamp, Zone};
use crate::core::format;
use crate::core::model::Model;
use crate::core::sql::highlight;
use leptos::prelude::*;

#[component]
pub(super) fn SqlView(sql: String) -> impl IntoView {
    let lines = highlight(&sql);
    view! {
        <div class="sql" data-testid="sql">
            <table>
                <tbody>
                    {lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, toks)| {
                            view! {
                                <tr>
                                    <td class="sql__ln">{i + 1}</td>
                                    <td class="sql__code">
                                        {toks.into_iter().map(|(t, s)| view! { <span class=t.css()>{s}</span> }).collect_view()}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub(super) fn SchemaView(model: Option<Model>) -> impl IntoView {
    let cols = model.map(|m| m.columns).unwrap_or_default();
    if cols.is_empty() {
        return view! { <p class="empty">"No columns were sent for this model."</p> }.into_any();
    }
    view! {
        <table class="grid schema" data-testid="schema">
            <thead><tr><th>"Column"</th><th>"Type"</th><th>"Description"</th></tr></thead>
            <tbody>
                {cols
                    .into_iter()
                    .map(|c| view! {
                        <tr>
                            <td class="mono">{c.name}</td>
                            <td class="mono muted">{c.data_type}</td>
                            <td>{c.description.unwrap_or_default()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub(super) fn IntervalsView(model: Option<Model>) -> impl IntoView {
    let ivs = model.map(|m| m.intervals).unwrap_or_default();
    if ivs.is_empty() {
        return view! { <p class="empty">"No loaded intervals were sent for this model."</p> }
            .into_any();
    }
    view! {
        <table class="grid" data-testid="intervals">
            <thead><tr><th>"Start " <Zone /></th><th>"End " <Zone /></th><th class="num">"Span"</th></tr></thead>
            <tbody>
                {ivs
                    .into_iter()
                    .map(|iv| view! {
                        <tr>
                            <td><Timestamp t=Some(iv.start) /></td>
                            <td><Timestamp t=Some(iv.end) /></td>
                            <td class="num">{format::human_duration(iv.end - iv.start)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
