//! Explore Executions: the searchable model list (`list`), the lineage
//! graph drawn as SVG with pan, zoom, culling and level of detail
//! (`canvas`), and the selected model's details (`details`, with the
//! definition, schema and intervals views in `detail_views`).
//!
//! Everything computed here comes from `core::explore` (what is shown and
//! how it is marked) and `core::camera` (fit, focus, zoom, culling); this
//! module only holds the signals and draws.

mod canvas;
mod detail_views;
mod details;
mod list;

use super::api::next_task;
use super::layout_worker;
use super::shared::Shared;
use super::url_state::ViewCtl;
use crate::core::changes::summarize;
use crate::core::explore::{
    announcement, badge_label, highlights, node_kinds, Highlight, Part, Shown,
};
use crate::core::lineage::{node_status, Lineage};
use crate::core::model::Run;
use crate::core::route::Hood;
use canvas::GraphCanvas;
use details::ModelDetails;
use leptos::prelude::*;
use list::ModelList;
use std::sync::Arc;

#[component]
pub fn ExploreTab(run: ReadSignal<Arc<Run>>, lineage: Arc<Lineage>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // Statuses follow each version of the run; the lineage (and so the
    // layout and the camera) stays while the run page keeps it.
    let status = {
        let l = lineage.clone();
        Memo::new(move |_| Arc::new(node_status(&l, &run.read().executions)))
    };
    let selected = {
        let l = lineage.clone();
        Memo::new(move |_| ctl.view.read().model.as_ref().and_then(|m| l.index_of(m)))
    };
    let unknown_model = {
        let l = lineage.clone();
        Memo::new(move |_| {
            ctl.view
                .read()
                .model
                .clone()
                .filter(|m| l.index_of(m).is_none())
        })
    };
    let hood = Memo::new(move |_| ctl.view.read().hood);
    // The whole graph, or the selection's neighbourhood laid out anew.
    let part = {
        let l = lineage.clone();
        Memo::new(move |_| {
            Shared(Arc::new(
                selected
                    .get()
                    .and_then(|sel| Part::neighbourhood(&l, sel, hood.get()))
                    .unwrap_or_else(|| Part::everything(&l)),
            ))
        })
    };
    // What the canvas draws: the part once laid out. A big graph is laid
    // out by the worker; meanwhile the last graph stays (or a placeholder
    // says what is coming).
    let shown = RwSignal::new(Shared(Arc::new(Shown::nothing())));
    let laying_out = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        let p = part.get();
        // A big graph's request is named (hashed) once, by `layout`, which
        // also looks into the cache.
        let now = (!p.0.request.is_big())
            .then(|| layout_worker::at_once(&p.0.request))
            .flatten();
        if let Some(layout) = now {
            laying_out.set(None);
            shown.set(Shared(Arc::new(p.0.shown(layout))));
            return;
        }
        laying_out.set(Some(p.0.nodes.len()));
        // A newer part asked for meanwhile wins.
        let q = p.clone();
        let current = move || part.try_get_untracked().is_some_and(|now| now == q);
        leptos::task::spawn_local(async move {
            // Naming the request, looking into the cache and sending it
            // to the worker in a task of their own, after the tab is drawn;
            // reading the answer and drawing it in two more.
            next_task().await;
            if !current() {
                return;
            }
            let layout = layout_worker::layout(p.0.request.clone()).await;
            next_task().await;
            if current() {
                laying_out.set(None);
                shown.set(Shared(Arc::new(p.0.shown(layout))));
            }
        });
    });
    let active = Memo::new(move |_| shown.get());
    let marks: Memo<Shared<Vec<Highlight>>> = {
        let l = lineage.clone();
        Memo::new(move |_| Shared(Arc::new(highlights(&l, selected.get()))))
    };
    let summary = Arc::new(summarize(&run.read_untracked().changes));
    let kinds = Arc::new(node_kinds(&lineage, &run.read_untracked().models));
    let cycle_note = move || {
        let a = active.get();
        let (r, s) = (a.0.layout.reversed.len(), a.0.layout.self_loops.len());
        (r + s > 0).then(|| {
            view! {
                <div class="warning" role="note" data-testid="cycle-note">
                    {format!(
                        "The lineage has cycles: {r} edge(s) drawn right to left (dashed) and {s} self-reference(s) not drawn."
                    )}
                </div>
            }
        })
    };
    // Said by screen readers when the selection or the part shown changes.
    let announced = {
        let l = lineage.clone();
        let kinds = kinds.clone();
        Memo::new(move |_| {
            let shown = part.get().0.nodes.len();
            let st = status.get();
            let sel = selected.get().map(|v| {
                let badge = badge_label(st[v].as_ref(), l.external[v], &kinds[v]);
                (v, badge)
            });
            let hood = if sel.is_some() {
                hood.get()
            } else {
                Hood::Everything
            };
            announcement(&l, sel.as_ref().map(|(v, b)| (*v, b.as_str())), hood, shown)
        })
    };
    let (l1, l2, l3) = (lineage.clone(), lineage.clone(), lineage.clone());
    view! {
        <div class="explore" data-testid="explore">
            <ModelList lineage=l1 status=status run=run selected=selected />
            <div class="explore__main">
                {move || unknown_model.get().map(|m| view! {
                    <div class="warning" role="note">{format!("This run has no model named \u{201c}{m}\u{201d}.")}</div>
                })}
                {cycle_note}
                <div class="visually-hidden" role="status" aria-live="polite" data-testid="graph-announcer">
                    {move || announced.get()}
                </div>
                <GraphCanvas lineage=l2 status=status active=active laying_out=laying_out selected=selected marks=marks kinds=kinds />
                {move || {
                    selected
                        .get()
                        .map(|sel| {
                            view! { <ModelDetails lineage=l3.clone() status=status run=run node=sel summary=summary.clone() /> }
                        })
                }}
            </div>
        </div>
    }
}
