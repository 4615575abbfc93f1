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

use super::shared::Shared;
use super::url_state::ViewCtl;
use crate::core::changes::summarize;
use crate::core::explore::{highlights, node_kinds, Highlight, Shown};
use crate::core::lineage::{node_status, Lineage};
use crate::core::model::Run;
use canvas::GraphCanvas;
use details::ModelDetails;
use leptos::prelude::*;
use list::ModelList;
use std::sync::Arc;

/// Counts layouts in `window.__runlensLayouts`: a browser test checks that
/// a new version of a run in progress (statuses only) lays nothing out again.
fn count_layout() {
    if let Some(w) = web_sys::window() {
        let key = wasm_bindgen::JsValue::from_str("__runlensLayouts");
        let n = js_sys::Reflect::get(&w, &key)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = js_sys::Reflect::set(&w, &key, &(n + 1.0).into());
    }
}

#[component]
pub fn ExploreTab(run: ReadSignal<Arc<Run>>, lineage: Arc<Lineage>) -> impl IntoView {
    let ctl = expect_context::<ViewCtl>();
    // Statuses follow each version of the run; the lineage (and so the
    // layout and the camera) stays while the run page keeps it.
    let status = {
        let l = lineage.clone();
        Memo::new(move |_| Arc::new(node_status(&l, &run.read().executions)))
    };
    count_layout();
    let full = Shared(Arc::new(Shown::everything(&lineage)));
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
    let active = {
        let l = lineage.clone();
        Memo::new(move |_| {
            match selected
                .get()
                .and_then(|sel| Shown::neighbourhood(&l, sel, hood.get()))
            {
                Some(part) => {
                    count_layout();
                    Shared(Arc::new(part))
                }
                None => full.clone(),
            }
        })
    };
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
    let (l1, l2, l3) = (lineage.clone(), lineage.clone(), lineage.clone());
    view! {
        <div class="explore" data-testid="explore">
            <ModelList lineage=l1 status=status run=run selected=selected />
            <div class="explore__main">
                {move || unknown_model.get().map(|m| view! {
                    <div class="warning" role="note">{format!("This run has no model named \u{201c}{m}\u{201d}.")}</div>
                })}
                {cycle_note}
                <GraphCanvas lineage=l2 status=status active=active selected=selected marks=marks kinds=kinds />
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
