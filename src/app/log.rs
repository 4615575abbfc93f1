//! A log fetched on demand from the API's log resource.

use super::api::Api;
use super::widgets::show_result;
use crate::core::format;
use leptos::prelude::*;

#[component]
pub fn LogView(log_id: Option<String>) -> impl IntoView {
    let api = expect_context::<Api>();
    let log = LocalResource::new(move || {
        let (api, id) = (api.clone(), log_id.clone());
        async move {
            match id {
                Some(id) => api.log(&id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let retry = Callback::new(move |_| log.refetch());
    move || {
        show_result(
            log.get(),
            "log",
            retry,
            || view! { <p class="muted">"This log is no longer available."</p> }.into_any(),
            |l| {
                match l {
                None => view! { <p class="muted">"No log was kept for this execution."</p> }.into_any(),
                Some(l) => view! {
                    <ol class="log" data-testid="log">
                        {l.lines
                            .into_iter()
                            .map(|line| {
                                view! {
                                    <li class=format!("log__line log__line--{}", line.level.label().to_lowercase())>
                                        <span class="log__ts">{line.at.map(format::timestamp_utc).unwrap_or_default()}</span>
                                        <span class="log__lvl">{line.level.label()}</span>
                                        <span class="log__msg">{line.message}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any(),
            }
            },
        )
    }
}
