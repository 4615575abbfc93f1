//! The details drawer shared by Model Executions and Audits: a dialog with a
//! title, a close button, and Escape to close. It exists only while open, so
//! its Escape listener does too. It takes the focus when it opens.

use leptos::prelude::*;

#[component]
pub fn Drawer(
    /// The dialog's accessible name ("Execution details").
    label: &'static str,
    /// `data-testid` of the dialog.
    testid: &'static str,
    /// The heading (a model or audit name).
    #[prop(into)]
    title: String,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || handle.remove());
    // Opening moves the focus into the drawer, so Tab continues in it (a
    // table gives the focus back to the row when it closes).
    let aside: NodeRef<leptos::html::Div> = NodeRef::new();
    // In the next frame: focusing lays the page out, which then is not in
    // the task that built it (a run page with a drawer open from its URL).
    Effect::new(move |_| {
        if let Some(el) = aside.get() {
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    view! {
        <div class="drawer" role="dialog" aria-label=label data-testid=testid tabindex="-1" node_ref=aside>
            <div class="drawer__head">
                <h2 class="mono">{title}</h2>
                <button class="btn" on:click=move |_| on_close.run(()) aria-label="Close">
                    "Close ✕"
                </button>
            </div>
            {children()}
        </div>
    }
}
