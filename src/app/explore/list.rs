//! The searchable list of the run's models, with each one's status and, for
//! failed models, the telling line of the error.

use crate::app::api::next_task;
use crate::app::url_state::ViewCtl;
use crate::app::widgets::StatusBadge;
use crate::core::explore::{failure_lines, search_models, LIST_LIMIT};
use crate::core::lineage::Lineage;
use crate::core::model::{Run, Status};
use crate::core::route::model_href;
use leptos::prelude::*;
use std::sync::Arc;

/// Rows of the list drawn with the page (more than its first screen).
const FIRST_ROWS: usize = 30;
/// Rows drawn in each task after the first ones, up to `LIST_LIMIT`.
const ROWS_PER_TASK: usize = 85;

#[component]
pub(super) fn ModelList(
    lineage: Arc<Lineage>,
    status: Memo<Arc<Vec<Option<Status>>>>,
    run: ReadSignal<Arc<Run>>,
    selected: Memo<Option<usize>>,
) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // The list's search is part of the URL (`mq`), like every filter.
    let query = Memo::new(move |_| ctl.view.read().model_query.clone());
    let errors = {
        let l = lineage.clone();
        Memo::new(move |_| Arc::new(failure_lines(&l, &run.read().executions)))
    };
    let total = lineage.len();
    let matches = {
        let l = lineage.clone();
        Memo::new(move |_| search_models(&l, &query.read()))
    };
    // On a narrow screen the list folds behind a button above the graph
    // (style/main.css shows the button only there).
    let open = RwSignal::new(false);
    // Rows `from..to` of the matches. A long list is drawn over a few
    // tasks: the first rows with the page, the rest (up to `LIST_LIMIT`)
    // `ROWS_PER_TASK` a task, so the list does not hold the page's first
    // draw, nor any task for long.
    let items = move |from: usize, to: usize| {
        // Only this chunk's rows are copied (not the whole lists).
        let rows: Vec<usize> = matches.with(|m| {
            m.iter()
                .skip(from)
                .take(to.saturating_sub(from))
                .copied()
                .collect()
        });
        // A new version of the run redraws the list with its statuses.
        let status: Vec<_> = status.with(|s| rows.iter().map(|&i| s[i].clone()).collect());
        let errors: Vec<_> = errors.with(|e| rows.iter().map(|&i| e[i].clone()).collect());
        rows.into_iter()
            .zip(status.into_iter().zip(errors))
            .map(|(i, (st, err))| {
                let name = lineage.names[i].clone();
                let href = {
                    let name = name.clone();
                    move || {
                        ctl.view
                            .with(|v| model_href(&run.read_untracked(), v, &name))
                    }
                };
                view! {
                    <li class:selected=move || selected.get() == Some(i) data-model=name.clone()>
                        <a href=href class="model-list__name mono">{name.clone()}</a>
                        {match st {
                            Some(s) => view! { <StatusBadge status=s /> }.into_any(),
                            None => view! { <span class="muted small">"not run"</span> }.into_any(),
                        }}
                        {err.map(|e| view! { <div class="model-list__error">{e}</div> })}
                    </li>
                }
            })
            .collect_view()
    };
    let first = items.clone();
    // Chunks of rows after the first ones: `rest` of them are drawn.
    let chunks: Vec<(usize, usize)> = (FIRST_ROWS..LIST_LIMIT)
        .step_by(ROWS_PER_TASK)
        .map(|from| (from, (from + ROWS_PER_TASK).min(LIST_LIMIT)))
        .collect();
    let chunk_count = chunks.len();
    let rest = RwSignal::new(0usize);
    leptos::task::spawn_local(async move {
        for c in 1..=chunk_count {
            next_task().await;
            if rest.try_set(c).is_some() {
                return;
            }
        }
    });
    view! {
        <aside class="model-list" aria-label="Models of this run">
            <button
                class="btn model-list__toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="model-list-body"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span>{format!("Models ({total})")}</span>
                <span aria-hidden="true">{move || if open.get() { "▴" } else { "▾" }}</span>
            </button>
            <div id="model-list-body" class="model-list__body" class:model-list__body--open=move || open.get()>
            <input
                class="filter filter--full"
                type="search"
                placeholder="Search models"
                aria-label="Search models"
                prop:value=move || query.get()
                on:input=move |e| {
                    let q = event_target_value(&e);
                    ctl.update(|v| v.model_query = q);
                }
            />
            <div class="muted model-list__count">
                {move || format!("{} of {total} models", matches.read().len())}
            </div>
            <ul data-testid="model-list">
                {move || first(0, FIRST_ROWS)}
                {chunks
                    .into_iter()
                    .enumerate()
                    .map(|(c, (from, to))| {
                        let items = items.clone();
                        move || (rest.get() > c).then(|| items(from, to))
                    })
                    .collect_view()}
                {move || (rest.get() == chunk_count).then(|| {
                    let more = matches.read().len().saturating_sub(LIST_LIMIT);
                    (more > 0).then(|| view! { <li class="muted">{format!("{more} more: refine the search")}</li> })
                })}
            </ul>
            </div>
        </aside>
    }
}
