//! The pure core of runlens: domain types, decoding, formatting, table
//! queries, change summaries and URL state.
//!
//! Invariant: nothing under `core` imports `leptos`, `web_sys`, `gloo`,
//! `js_sys` or `wasm_bindgen`, and nothing reads the clock (time is an
//! argument); `tests/core_is_pure.rs` checks both.

pub mod answer;
pub mod camera;
pub mod changes;
pub mod columns;
pub mod cron;
pub mod dbt;
pub mod decode;
pub mod encode;
pub mod events;
pub mod explore;
pub mod format;
pub mod graph;
pub mod health;
pub mod history;
pub mod keys;
pub mod layout_job;
pub mod lineage;
pub mod live;
pub mod lod;
pub mod logview;
pub mod model;
pub mod overview;
pub mod paging;
pub mod route;
pub mod sorting;
pub mod sql;
pub mod store;
pub mod table;
pub mod timeline;
pub mod virtual_list;
pub mod wire;
