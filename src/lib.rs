//! runlens: run observability for data pipelines.
//!
//! - [`core`]: the pure core (domain, decoding, formatting, queries, URL state).
//! - [`demo`]: the deterministic generator of the demo API snapshot.
//! - [`app`]: the Leptos shell that renders core results in the browser.
//! - [`store_fs`]: a Run API store in a directory, written by `runlens-ingest`
//!   (host tools only; the app never calls it).

#[cfg(feature = "app")]
pub mod app;
pub mod core;
pub mod demo;
pub mod store_fs;
