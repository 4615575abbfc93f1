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

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn windows() {
        assert_eq!(window(0.0, 400.0, 40.0, 5000, 5), 0..16);
        assert_eq!(window(4000.0, 400.0, 40.0, 5000, 5), 95..116);
        assert_eq!(window(1e9, 400.0, 40.0, 5000, 5), 4994..5000);
        assert_eq!(window(0.0, 400.0, 40.0, 3, 5), 0..3);
        assert_eq!(window(-50.0, 400.0, 40.0, 0, 5), 0..0);
    }
}
