//! The run page's state lives in its URL. Tabs, drawers and the log viewer
//! change it through [`ViewCtl`], which the run page provides as context and
//! turns into a `replace` navigation. This module imports no page or tab, so
//! everything can depend on it without an import circle.

use crate::core::logview::LogState;
use crate::core::route::RunView;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use std::sync::Arc;

/// Child components ask for a new view by writing here; the page turns it into a URL.
#[derive(Clone, Copy)]
pub struct ViewCtl {
    pub view: Memo<RunView>,
    pub set: WriteSignal<Option<RunView>>,
}

impl ViewCtl {
    pub fn update(&self, f: impl FnOnce(&mut RunView)) {
        let mut v = self.view.get_untracked();
        f(&mut v);
        self.set.set(Some(v));
    }

    /// The log viewer's window onto the run view: its `lvl`, `lq` and `line`.
    pub fn log_lens(self) -> LogLens {
        LogLens {
            state: Memo::new(move |_| self.view.read().log.clone()),
            change: Arc::new(move |f| self.update(|v| f(&mut v.log))),
            link: Arc::new(move |line| {
                let mut v = self.view.get_untracked();
                v.log.line = Some(line);
                v.to_query()
            }),
        }
    }
}

pub type LogUpdate = Arc<dyn Fn(Box<dyn FnOnce(&mut LogState)>) + Send + Sync>;

/// How a log viewer reads and writes its state, wherever the page keeps it
/// (as `TableSpec` does for tables).
#[derive(Clone)]
pub struct LogLens {
    pub state: Memo<LogState>,
    pub change: LogUpdate,
    /// The query string of the page with `line` linked (copied as a link).
    pub link: Arc<dyn Fn(usize) -> String + Send + Sync>,
}

impl LogLens {
    pub fn update(&self, f: impl FnOnce(&mut LogState) + 'static) {
        (self.change)(Box::new(f));
    }
}

/// Navigation options for a change of view state: replace the history
/// entry, keep the scroll position.
pub fn replace_opts() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    }
}
