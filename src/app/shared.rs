//! A value pages and tabs share by pointer (a memo of it changes whenever
//! it is recomputed, without comparing contents).

use std::sync::Arc;

/// Shares a computed value by pointer; equal only to itself (cheap memo compare).
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
