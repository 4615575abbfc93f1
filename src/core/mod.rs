//! The pure core of runlens: domain types, decoding, formatting, table
//! queries, change summaries and URL state.
//!
//! Invariant: nothing under `core` imports `leptos`, `web_sys`, `gloo` or
//! `wasm_bindgen`, and nothing reads the clock; `tests/core_is_pure.rs`
//! enforces the first half, function signatures the second.

pub mod changes;
pub mod cron;
pub mod dbt;
pub mod decode;
pub mod format;
pub mod graph;
pub mod health;
pub mod lineage;
pub mod logview;
pub mod model;
pub mod overview;
pub mod route;
pub mod sql;
pub mod table;
pub mod virtual_list;
pub mod wire;
