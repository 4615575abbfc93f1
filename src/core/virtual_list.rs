//! Which rows of a long list to draw: only those in view plus a margin.
//! The table keeps a fixed row height, so the window is pure arithmetic.

use std::ops::Range;

/// Rows `[start, end)` to render for a viewport scrolled to `scroll_top`
/// pixels, `viewport` pixels tall, with `overscan` extra rows on each side.
pub fn window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    len: usize,
    overscan: usize,
) -> Range<usize> {
    if len == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let top = scroll_top.max(0.0);
    let first = ((top / row_height).floor() as usize).min(len.saturating_sub(1));
    let visible = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan);
    let end = (first + visible + overscan).min(len);
    start..end
}

/// The scroll position that brings row `i` fully into view in a scroller
/// `viewport` pixels tall, scrolled to `scroll_top`, whose rows start below a
/// sticky header `header` pixels tall; `None` when the row is already in view.
pub fn scroll_to_show(
    i: usize,
    row_height: f64,
    header: f64,
    scroll_top: f64,
    viewport: f64,
) -> Option<f64> {
    let top = header + i as f64 * row_height;
    let bottom = top + row_height;
    if top < scroll_top + header {
        Some((top - header).max(0.0))
    } else if bottom > scroll_top + viewport {
        Some((bottom - viewport).max(0.0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{scroll_to_show, window};

    #[test]
    fn scrolls_just_enough_to_show_a_row() {
        // Rows of 37 px under a 34 px header, a 400 px viewport at the top.
        assert_eq!(scroll_to_show(0, 37.0, 34.0, 0.0, 400.0), None);
        assert_eq!(scroll_to_show(8, 37.0, 34.0, 0.0, 400.0), None); // ends at 367
        assert_eq!(scroll_to_show(9, 37.0, 34.0, 0.0, 400.0), Some(4.0)); // ends at 404
                                                                          // Above the view: its top goes just under the header.
        assert_eq!(scroll_to_show(2, 37.0, 34.0, 500.0, 400.0), Some(74.0));
        assert_eq!(scroll_to_show(0, 37.0, 34.0, 10.0, 400.0), Some(0.0));
    }

    #[test]
    fn windows() {
        assert_eq!(window(0.0, 400.0, 40.0, 5000, 5), 0..16);
        assert_eq!(window(4000.0, 400.0, 40.0, 5000, 5), 95..116);
        assert_eq!(window(1e9, 400.0, 40.0, 5000, 5), 4994..5000);
        assert_eq!(window(0.0, 400.0, 40.0, 3, 5), 0..3);
        assert_eq!(window(-50.0, 400.0, 40.0, 0, 5), 0..0);
    }
}
