//! The vendored `reactive_graph` fix (vendor/README.md): a signal or memo
//! forgets the subscribers that were dropped. Without it, every table row or
//! graph node drawn and thrown away left its subscription (and the
//! subscriber's allocation) on the signals it read, for as long as they
//! lived: the wasm memory grew with every scroll, filter and page.

use leptos::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// Counts the bytes allocated and not yet freed.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

const SUBSCRIBERS: usize = 20_000;
/// Well under one byte per subscriber drawn and dropped.
const BOUND: isize = 16 * 1024;

#[test]
fn a_signal_and_a_memo_forget_dropped_subscribers() {
    let signal = ArcRwSignal::new(1_u32);
    let memo = {
        let s = signal.clone();
        ArcMemo::new(move |_| s.get() * 10)
    };
    assert_eq!(memo.get_untracked(), 10);
    // Read untracked: there is no observer out here (and a tracked read
    // outside one prints a warning, which the test harness keeps).
    // Warm up (the sets reach their steady size), then count.
    let churn = |n: usize| {
        for _ in 0..n {
            let (s, m) = (signal.clone(), memo.clone());
            let row = ArcMemo::new(move |_| s.get() + m.get());
            assert_eq!(row.get_untracked(), 11);
        }
    };
    churn(100);
    let before = live();
    churn(SUBSCRIBERS);
    let grown = live() - before;
    assert!(
        grown < BOUND,
        "{SUBSCRIBERS} dropped subscribers left {grown} bytes behind"
    );

    // The live ones are still notified, in order.
    let (s, m) = (signal.clone(), memo.clone());
    let row = ArcMemo::new(move |_| s.get() + m.get());
    assert_eq!(row.get_untracked(), 11);
    signal.set(2);
    assert_eq!(memo.get_untracked(), 20);
    assert_eq!(row.get_untracked(), 22);
}
