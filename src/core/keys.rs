//! The keyboard model and the colour theme, as data and pure functions:
//! which shortcut a key press (or a two-key sequence such as `g x`) means,
//! where arrow keys move in a table or a tab list, and the remembered
//! theme. The shell only forwards `KeyboardEvent`s and applies the result.

use super::route::RunTab;

/// How long the second key of a sequence (`g` then `x`) may wait, in ms.
pub const SEQUENCE_MS: f64 = 1500.0;

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// `?`: show the shortcut sheet.
    Help,
    /// `g e`, `g a`, `g x`, `g t`: switch the run page's tab.
    Tab(RunTab),
}

/// The key after `g` that switches to each run tab.
pub fn tab_key(t: RunTab) -> &'static str {
    match t {
        RunTab::Executions => "e",
        RunTab::Audits => "a",
        RunTab::Explore => "x",
        RunTab::Timeline => "t",
    }
}

/// A key press as the state machine sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Press<'a> {
    /// `KeyboardEvent.key` ("g", "?", "ArrowDown").
    pub key: &'a str,
    /// Ctrl, Alt or Meta held (browser and system shortcuts are left alone).
    pub modified: bool,
    /// The focus is in a text field, a select or an editable element.
    pub typing: bool,
    /// Milliseconds on any monotonic clock (the event's time stamp).
    pub at: f64,
}

/// The two-key sequence recogniser: remembers a pending `g`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sequence {
    /// When `g` was pressed, while it waits for its second key.
    pending: Option<f64>,
}

impl Sequence {
    /// Feeds one key press; returns the shortcut it completes, if any.
    /// Nothing fires while typing or with a modifier, and both cancel a
    /// pending `g`; so does any key that does not complete it, or a wait
    /// longer than [`SEQUENCE_MS`].
    pub fn feed(&mut self, p: Press) -> Option<Shortcut> {
        let pending = self.pending.take();
        if p.typing || p.modified {
            return None;
        }
        if let Some(since) = pending {
            if p.at - since <= SEQUENCE_MS && p.at >= since {
                if let Some(t) = RunTab::ALL.into_iter().find(|t| tab_key(*t) == p.key) {
                    return Some(Shortcut::Tab(t));
                }
            }
        }
        match p.key {
            "?" => Some(Shortcut::Help),
            "g" => {
                self.pending = Some(p.at);
                None
            }
            _ => None,
        }
    }

    /// A `g` is waiting for its second key.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// Where a key moves the current row of a table of `len` rows (positions in
/// the shown order): `ArrowDown` / `j` next, `ArrowUp` / `k` previous,
/// `Home` / `End` the ends, `PageDown` / `PageUp` by `page` rows; clamped at
/// the ends. With no current row, any of them starts at the first row.
/// `None`: not a movement key, or an empty table.
pub fn row_step(current: Option<usize>, len: usize, key: &str, page: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    let page = page.max(1);
    let moves = matches!(
        key,
        "ArrowDown" | "j" | "ArrowUp" | "k" | "Home" | "End" | "PageDown" | "PageUp"
    );
    if !moves {
        return None;
    }
    let Some(at) = current.map(|c| c.min(last)) else {
        return Some(if key == "End" { last } else { 0 });
    };
    Some(match key {
        "ArrowDown" | "j" => (at + 1).min(last),
        "ArrowUp" | "k" => at.saturating_sub(1),
        "Home" => 0,
        "End" => last,
        "PageDown" => (at + page).min(last),
        _ => at.saturating_sub(page),
    })
}

/// The ARIA tabs pattern: `ArrowRight` / `ArrowLeft` move to the next /
/// previous tab (wrapping), `Home` / `End` to the first / last.
pub fn tab_step(current: usize, len: usize, key: &str) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let at = current.min(len - 1);
    match key {
        "ArrowRight" => Some((at + 1) % len),
        "ArrowLeft" => Some((at + len - 1) % len),
        "Home" => Some(0),
        "End" => Some(len - 1),
        _ => None,
    }
}

/// The shortcut sheet and the README's list: (keys, what they do), in groups.
pub const SHEET: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            ("?", "Show this list of shortcuts"),
            (
                "Tab / Shift+Tab",
                "Move between controls (the focus is always drawn)",
            ),
            ("Escape", "Close the open dialog or details drawer"),
        ],
    ),
    (
        "Run page",
        &[
            ("g e", "Model Executions tab"),
            ("g a", "Audits tab"),
            ("g x", "Explore Executions tab"),
            ("g t", "Timeline tab"),
            ("← / → , Home / End", "Move between tabs (on a focused tab)"),
        ],
    ),
    (
        "Tables",
        &[
            ("/", "Focus the table's filter"),
            ("↓ / j, ↑ / k", "Next / previous row"),
            (
                "Home / End, Page Down / Page Up",
                "First / last row, a page down / up",
            ),
            (
                "Enter",
                "Open the row's details (Escape returns to the row)",
            ),
        ],
    ),
    (
        "Lineage graph",
        &[
            ("→ / ←", "Next model downstream / upstream, along an edge"),
            ("↑ / ↓", "Model above / below in the same column"),
            ("Enter / Space", "Open the focused model's details"),
            ("f", "Fit the graph to the view"),
            ("+ / -", "Zoom in / out"),
        ],
    ),
];

/// The colour theme: the system's (`prefers-color-scheme`) unless chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];
    /// The stored value ("auto", "light", "dark").
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Theme::Auto => "Auto",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }
    /// Anything unknown (or nothing stored) follows the system.
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }
    /// The `data-theme` attribute of `<html>`, or none to follow the system.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::Auto => None,
            t => Some(t.key()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str, at: f64) -> Press<'_> {
        Press {
            key,
            at,
            ..Press::default()
        }
    }

    #[test]
    fn g_then_a_tab_key_switches_tabs() {
        for (k, t) in [
            ("e", RunTab::Executions),
            ("a", RunTab::Audits),
            ("x", RunTab::Explore),
            ("t", RunTab::Timeline),
        ] {
            let mut s = Sequence::default();
            assert_eq!(s.feed(press("g", 100.0)), None);
            assert!(s.is_pending());
            assert_eq!(s.feed(press(k, 400.0)), Some(Shortcut::Tab(t)));
            assert!(!s.is_pending());
            // The sequence is consumed: the same key again does nothing.
            assert_eq!(s.feed(press(k, 500.0)), None);
        }
    }

    #[test]
    fn a_tab_key_alone_does_nothing() {
        let mut s = Sequence::default();
        assert_eq!(s.feed(press("x", 0.0)), None);
        assert_eq!(s.feed(press("e", 10.0)), None);
    }

    #[test]
    fn a_late_second_key_or_another_key_cancels_g() {
        let mut s = Sequence::default();
        s.feed(press("g", 0.0));
        assert_eq!(s.feed(press("x", SEQUENCE_MS + 1.0)), None);
        s.feed(press("g", 0.0));
        assert_eq!(s.feed(press("q", 10.0)), None);
        assert_eq!(s.feed(press("x", 20.0)), None);
        // g g x: the second g starts again.
        s.feed(press("g", 0.0));
        s.feed(press("g", 10.0));
        assert_eq!(
            s.feed(press("x", 20.0)),
            Some(Shortcut::Tab(RunTab::Explore))
        );
    }

    #[test]
    fn nothing_fires_while_typing_or_with_a_modifier() {
        let mut s = Sequence::default();
        let typing = |key| Press {
            key,
            typing: true,
            ..Press::default()
        };
        assert_eq!(s.feed(typing("?")), None);
        assert_eq!(s.feed(typing("g")), None);
        assert_eq!(s.feed(typing("x")), None);
        // A g typed in a field does not arm a sequence outside it.
        s.feed(typing("g"));
        assert_eq!(s.feed(press("x", 5.0)), None);
        // Typing after g cancels it.
        s.feed(press("g", 0.0));
        assert_eq!(s.feed(typing("x")), None);
        assert_eq!(s.feed(press("x", 10.0)), None);
        // Ctrl+G, then x: not a sequence.
        let ctrl_g = Press {
            key: "g",
            modified: true,
            ..Press::default()
        };
        assert_eq!(s.feed(ctrl_g), None);
        assert_eq!(s.feed(press("x", 1.0)), None);
    }

    #[test]
    fn question_mark_is_help() {
        let mut s = Sequence::default();
        assert_eq!(s.feed(press("?", 0.0)), Some(Shortcut::Help));
        // g then ? is help too (and cancels g).
        s.feed(press("g", 0.0));
        assert_eq!(s.feed(press("?", 1.0)), Some(Shortcut::Help));
        assert!(!s.is_pending());
    }

    #[test]
    fn rows_move_and_clamp() {
        assert_eq!(row_step(None, 5, "ArrowDown", 10), Some(0));
        assert_eq!(row_step(None, 5, "k", 10), Some(0));
        assert_eq!(row_step(None, 5, "End", 10), Some(4));
        assert_eq!(row_step(Some(0), 5, "j", 10), Some(1));
        assert_eq!(row_step(Some(4), 5, "ArrowDown", 10), Some(4));
        assert_eq!(row_step(Some(0), 5, "ArrowUp", 10), Some(0));
        assert_eq!(row_step(Some(3), 5, "k", 10), Some(2));
        assert_eq!(row_step(Some(3), 5, "Home", 10), Some(0));
        assert_eq!(row_step(Some(1), 5, "End", 10), Some(4));
        assert_eq!(row_step(Some(1), 50, "PageDown", 10), Some(11));
        assert_eq!(row_step(Some(45), 50, "PageDown", 10), Some(49));
        assert_eq!(row_step(Some(5), 50, "PageUp", 10), Some(0));
        // A current row beyond a shrunken table starts from the last row.
        assert_eq!(row_step(Some(9), 3, "ArrowUp", 10), Some(1));
        assert_eq!(row_step(Some(9), 3, "ArrowDown", 10), Some(2));
        assert_eq!(row_step(Some(0), 5, "x", 10), None);
        assert_eq!(row_step(None, 0, "ArrowDown", 10), None);
    }

    #[test]
    fn tabs_wrap() {
        assert_eq!(tab_step(0, 4, "ArrowRight"), Some(1));
        assert_eq!(tab_step(3, 4, "ArrowRight"), Some(0));
        assert_eq!(tab_step(0, 4, "ArrowLeft"), Some(3));
        assert_eq!(tab_step(2, 4, "Home"), Some(0));
        assert_eq!(tab_step(1, 4, "End"), Some(3));
        assert_eq!(tab_step(1, 4, "ArrowDown"), None);
        assert_eq!(tab_step(0, 0, "ArrowRight"), None);
    }

    #[test]
    fn theme_round_trips_and_defaults_to_the_system() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.key()), t);
        }
        assert_eq!(Theme::parse(""), Theme::Auto);
        assert_eq!(Theme::parse("solarized"), Theme::Auto);
        assert_eq!(Theme::Auto.attribute(), None);
        assert_eq!(Theme::Dark.attribute(), Some("dark"));
        assert_eq!(Theme::Light.attribute(), Some("light"));
    }

    #[test]
    fn the_sheet_lists_every_tab_shortcut() {
        let keys: Vec<&str> = SHEET
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(k, _)| *k))
            .collect();
        for t in RunTab::ALL {
            assert!(
                keys.contains(&format!("g {}", tab_key(t)).as_str()),
                "{t:?}"
            );
        }
        assert!(keys.contains(&"?"));
    }
}
