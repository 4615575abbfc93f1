//! The global keyboard: `?` opens the shortcut sheet, `g e` / `g a` /
//! `g x` / `g t` switch the run page's tabs (through
//! `context::TabShortcut`). What a key means is `core::keys`'; this module
//! only listens, asks, and applies.

use super::context::TabShortcut;
use crate::core::keys::{Press, Sequence, Shortcut, SHEET};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The focus is where keys are text: a text field, a select, an editable element.
pub fn is_typing(e: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    if el.is_content_editable() {
        return true;
    }
    match el.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => !matches!(
            el.get_attribute("type").unwrap_or_default().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "range" | "color"
        ),
        _ => false,
    }
}

/// The element that has the focus, if any.
pub fn focused() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Listens for the global shortcuts while the app runs, and draws the
/// shortcut sheet when `?` asks for it.
#[component]
pub fn Shortcuts(
    /// The sheet is open (the header's "Shortcuts" button opens it too).
    sheet: RwSignal<bool>,
) -> impl IntoView {
    let tabs = expect_context::<TabShortcut>();
    let sequence = StoredValue::new(Sequence::default());
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.default_prevented() || e.repeat() {
            return;
        }
        let press = Press {
            key: &e.key(),
            modified: e.ctrl_key() || e.meta_key() || e.alt_key(),
            typing: is_typing(&e),
            at: e.time_stamp(),
        };
        let Some(shortcut) = sequence.try_update_value(|s| s.feed(press)).flatten() else {
            return;
        };
        match shortcut {
            Shortcut::Help => {
                e.prevent_default();
                sheet.set(true);
            }
            Shortcut::Tab(t) => {
                if let Some((_, go)) = tabs.0.get_value() {
                    e.prevent_default();
                    go.run(t);
                }
            }
        }
    });
    on_cleanup(move || handle.remove());
    move || {
        sheet
            .get()
            .then(|| view! { <ShortcutSheet close=Callback::new(move |_| sheet.set(false)) /> })
    }
}

/// The list of shortcuts, as a modal dialog: it takes the focus, Escape or
/// its button closes it, and the focus goes back where it was.
#[component]
fn ShortcutSheet(close: Callback<()>) -> impl IntoView {
    let before = StoredValue::new_local(focused());
    let dialog: NodeRef<Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.focus();
        }
    });
    on_cleanup(move || {
        if let Some(el) = before.try_get_value().flatten() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="sheet-backdrop" on:click=move |_| close.run(())></div>
        <div
            class="sheet"
            role="dialog"
            aria-modal="true"
            aria-labelledby="sheet-title"
            tabindex="-1"
            node_ref=dialog
            data-testid="shortcut-sheet"
            on:keydown=move |e| {
                if e.key() == "Escape" {
                    // Only the sheet closes (not a drawer under it).
                    e.stop_propagation();
                    e.prevent_default();
                    close.run(());
                }
            }
        >
            <div class="sheet__head">
                <h2 id="sheet-title">"Keyboard shortcuts"</h2>
                <button class="btn" on:click=move |_| close.run(())>"Close"</button>
            </div>
            <p class="muted small">"Shortcuts do nothing while you type in a field."</p>
            {SHEET
                .iter()
                .map(|(group, rows)| {
                    view! {
                        <h3>{*group}</h3>
                        <dl class="sheet__list">
                            {rows
                                .iter()
                                .map(|(keys, what)| view! {
                                    <dt><kbd>{*keys}</kbd></dt>
                                    <dd>{*what}</dd>
                                })
                                .collect_view()}
                        </dl>
                    }
                })
                .collect_view()}
        </div>
    }
}
