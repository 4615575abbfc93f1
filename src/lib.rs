//! runlens: run observability for data pipelines.
//!
//! - [`core`]: the pure core (domain, decoding, formatting, queries, URL state).
//! - [`demo`]: the deterministic generator of the demo API snapshot.
//! - [`app`]: the Leptos shell that renders core results in the browser.
//! - `store_fs` (host only): a Run API store in a directory, written by `runlens-ingest`.

pub mod app;
pub mod core;
pub mod demo;
#[cfg(not(target_arch = "wasm32"))]
pub mod store_fs;
