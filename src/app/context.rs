//! What every page shares through Leptos context: the clock, the
//! UTC / local choice, the theme and where tab shortcuts go. Pages and widgets import this; it imports no page.

use crate::core::format::TimeMode;
use crate::core::keys::Theme;
use crate::core::model::Time;
use crate::core::route::RunTab;
use chrono::{TimeZone, Utc};
use leptos::prelude::*;

/// The current time, from the browser; passed to the core, never read there.
pub fn now() -> Time {
    Utc.timestamp_millis_opt(js_sys::Date::now() as i64)
        .single()
        .unwrap_or_default()
}

/// A clock signal that ticks every 30 s, so relative times ("4 minutes ago") stay true.
#[derive(Clone, Copy)]
pub struct Clock(pub ReadSignal<Time>);

/// Whether times are shown in UTC or local time; remembered in local storage.
#[derive(Clone, Copy)]
pub struct TimeCtx(pub RwSignal<TimeMode>);

const TIME_MODE_KEY: &str = "runlens.time";

/// The browser's offset from UTC at `t`, in seconds east (daylight saving included).
pub fn local_offset(t: Time) -> i32 {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    -(d.get_timezone_offset() * 60.0) as i32
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The remembered time mode (UTC unless the user chose local).
pub fn saved_time_mode() -> TimeMode {
    local_storage()
        .and_then(|s| s.get_item(TIME_MODE_KEY).ok().flatten())
        .map(|v| TimeMode::parse(&v))
        .unwrap_or_default()
}

/// Switches every time in the app to `mode` and remembers it.
pub fn set_time_mode(ctx: TimeCtx, mode: TimeMode) {
    ctx.0.set(mode);
    if let Some(s) = local_storage() {
        let _ = s.set_item(TIME_MODE_KEY, mode.key());
    }
}

/// The run's models against their own history (`core::history`), once the
/// previous runs have been read; `None` until then (or without history).
#[derive(Clone, Copy)]
pub struct RunHistory(pub Signal<Option<std::sync::Arc<crate::core::history::History>>>);

/// The colour theme chosen in the header (`Auto` follows the system);
/// remembered in local storage like the time mode.
#[derive(Clone, Copy)]
pub struct ThemeCtx(pub RwSignal<Theme>);

const THEME_KEY: &str = "runlens.theme";

/// The remembered theme (the system's unless the user chose one).
pub fn saved_theme() -> Theme {
    local_storage()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .map(|v| Theme::parse(&v))
        .unwrap_or_default()
}

/// Shows `theme` (as `<html data-theme>`, which style/main.css reads).
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme.attribute() {
        Some(v) => root.set_attribute("data-theme", v),
        None => root.remove_attribute("data-theme"),
    };
}

/// Switches the theme and remembers it.
pub fn set_theme(ctx: ThemeCtx, theme: Theme) {
    ctx.0.set(theme);
    apply_theme(theme);
    if let Some(s) = local_storage() {
        let _ = s.set_item(THEME_KEY, theme.key());
    }
}

/// Where the global `g e` / `g a` / `g x` / `g t` shortcuts go: the run
/// page registers its tab switch while it is shown.
#[derive(Clone, Copy)]
pub struct TabShortcut(pub StoredValue<Option<(u64, Callback<RunTab>)>>);
