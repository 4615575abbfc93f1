//! The graph canvas's camera: a pan (`tx`, `ty`, screen pixels) and a zoom
//! (`k`) applied to the whole layout, so a point `p` of the layout is drawn
//! at `(p.x * k + tx, p.y * k + ty)`. Fitting, centring, zooming about a
//! point, level of detail and culling (which boxes and edges meet the
//! viewport) are plain functions of the camera, the layout and the viewport.

use super::graph::{Layout, NodeBox, Point};

/// Smallest and largest zoom.
pub const MIN_ZOOM: f64 = 0.03;
pub const MAX_ZOOM: f64 = 2.5;
/// Below this zoom, nodes are drawn without text.
pub const TEXT_ZOOM: f64 = 0.42;
/// Screen pixels kept free on each side when fitting the graph.
pub const FIT_PADDING: f64 = 20.0;
/// Centring on a node zooms in to at least this (readable) zoom.
pub const FOCUS_ZOOM: f64 = 0.8;
/// Boxes this many screen pixels outside the viewport are still drawn, so a
/// short pan does not show empty space before the next render.
pub const CULL_MARGIN: f64 = 120.0;
/// Zoom factors of the toolbar's buttons.
pub const ZOOM_IN: f64 = 1.25;
pub const ZOOM_OUT: f64 = 0.8;

/// The canvas size in screen pixels.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Viewport {
    pub width: f64,
    pub height: f64,
}

impl Viewport {
    /// The size the canvas has before it is first measured.
    pub const DEFAULT: Viewport = Viewport {
        width: 960.0,
        height: 560.0,
    };

    pub fn centre(&self) -> Point {
        Point {
            x: self.width / 2.0,
            y: self.height / 2.0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Camera {
    pub tx: f64,
    pub ty: f64,
    pub k: f64,
}

/// A rectangle in layout coordinates, `x0 <= x1`, `y0 <= y1`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// Whether the open rectangles overlap (touching edges do not count).
    pub fn meets(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && self.x1 > o.x0 && self.y0 < o.y1 && self.y1 > o.y0
    }

    /// The smallest rectangle holding every point; `None` without points.
    pub fn around(points: &[Point]) -> Option<Rect> {
        let first = points.first()?;
        let mut r = Rect {
            x0: first.x,
            y0: first.y,
            x1: first.x,
            y1: first.y,
        };
        for p in &points[1..] {
            r.x0 = r.x0.min(p.x);
            r.y0 = r.y0.min(p.y);
            r.x1 = r.x1.max(p.x);
            r.y1 = r.y1.max(p.y);
        }
        Some(r)
    }
}

/// The zoom at which a graph of `width` x `height` fills the viewport (less
/// the padding), before any clamping. Degenerate sizes count as 1.
pub fn fit_zoom(width: f64, height: f64, view: Viewport) -> f64 {
    ((view.width - 2.0 * FIT_PADDING) / width.max(1.0))
        .min((view.height - 2.0 * FIT_PADDING) / height.max(1.0))
}

impl Camera {
    /// The camera before anything is measured or focused.
    pub const START: Camera = Camera {
        tx: 20.0,
        ty: 20.0,
        k: 1.0,
    };

    /// The whole graph centred in the viewport, never enlarged beyond 100 %
    /// nor shrunk below `MIN_ZOOM`.
    pub fn fit(width: f64, height: f64, view: Viewport) -> Camera {
        let (gw, gh) = (width.max(1.0), height.max(1.0));
        let k = fit_zoom(gw, gh, view).clamp(MIN_ZOOM, 1.0);
        Camera {
            tx: (view.width - gw * k) / 2.0,
            ty: (view.height - gh * k) / 2.0,
            k,
        }
    }

    /// `p` (layout coordinates) at the centre of the viewport, zooming in to
    /// `FOCUS_ZOOM` if the current zoom is smaller.
    pub fn centred_on(self, p: Point, view: Viewport) -> Camera {
        let k = self.k.max(FOCUS_ZOOM);
        Camera {
            tx: view.width / 2.0 - p.x * k,
            ty: view.height / 2.0 - p.y * k,
            k,
        }
    }

    /// Zoom by `factor` keeping the screen point (`cx`, `cy`) fixed; the zoom
    /// stays within `MIN_ZOOM..=MAX_ZOOM`.
    pub fn zoomed_at(self, cx: f64, cy: f64, factor: f64) -> Camera {
        let k = (self.k * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        Camera {
            tx: cx - (cx - self.tx) * k / self.k,
            ty: cy - (cy - self.ty) * k / self.k,
            k,
        }
    }

    /// Moved by (`dx`, `dy`) screen pixels.
    pub fn panned(self, dx: f64, dy: f64) -> Camera {
        Camera {
            tx: self.tx + dx,
            ty: self.ty + dy,
            k: self.k,
        }
    }

    /// Whether nodes are drawn with their text at this zoom.
    pub fn shows_text(&self) -> bool {
        self.k >= TEXT_ZOOM
    }

    /// The SVG `transform` of the layout's group.
    pub fn transform(&self) -> String {
        format!(
            "translate({:.1},{:.1}) scale({:.4})",
            self.tx, self.ty, self.k
        )
    }

    /// The zoom as the toolbar shows it ("100%").
    pub fn zoom_label(&self) -> String {
        format!("{:.0}%", self.k * 100.0)
    }

    /// The CSS transform (origin at the top left) that moves a drawing made
    /// with camera `drawn` to where this camera shows it: the compositor
    /// moves the already painted graph while a pan or zoom is under way.
    pub fn css_from(&self, drawn: Camera) -> String {
        let s = self.k / drawn.k;
        let (x, y) = (self.tx - s * drawn.tx, self.ty - s * drawn.ty);
        format!("transform:translate({x:.1}px,{y:.1}px) scale({s:.5})")
    }

    /// The part of the layout on screen, in layout units.
    pub fn screen_rect(&self, view: Viewport) -> Rect {
        let (x0, y0) = (-self.tx / self.k, -self.ty / self.k);
        Rect {
            x0,
            y0,
            x1: x0 + view.width / self.k,
            y1: y0 + view.height / self.k,
        }
    }

    /// The part of the layout on screen, grown by `CULL_MARGIN` screen pixels
    /// on each side.
    pub fn visible_rect(&self, view: Viewport) -> Rect {
        let margin = CULL_MARGIN / self.k;
        let r = self.screen_rect(view);
        Rect {
            x0: r.x0 - margin,
            y0: r.y0 - margin,
            x1: r.x1 + margin,
            y1: r.y1 + margin,
        }
    }

    /// Whether the box (layout units) is wholly on screen.
    pub fn shows_whole(&self, b: &NodeBox, view: Viewport) -> bool {
        let r = self.screen_rect(view);
        b.x >= r.x0 && b.y >= r.y0 && b.x + b.width <= r.x1 && b.y + b.height <= r.y1
    }
}

/// Mouse-wheel zoom factor for a wheel delta (pixels; down zooms out).
pub fn wheel_factor(delta_y: f64) -> f64 {
    (-delta_y * 0.0015).exp()
}

/// Indices of the layout's nodes and edges worth drawing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct InView {
    pub nodes: Vec<usize>,
    pub edges: Vec<usize>,
}

/// Culling: the nodes whose boxes, and the edges whose polylines' bounding
/// boxes, meet the visible rectangle (margin included). An edge without
/// points is never drawn.
pub fn in_view(layout: &Layout, camera: Camera, view: Viewport) -> InView {
    let r = camera.visible_rect(view);
    let nodes = layout
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            r.meets(&Rect {
                x0: b.x,
                y0: b.y,
                x1: b.x + b.width,
                y1: b.y + b.height,
            })
        })
        .map(|(i, _)| i)
        .collect();
    let edges = layout
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| Rect::around(&e.points).is_some_and(|b| r.meets(&b)))
        .map(|(i, _)| i)
        .collect();
    InView { nodes, edges }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::graph::EdgePath;

    const VIEW: Viewport = Viewport {
        width: 1000.0,
        height: 600.0,
    };

    fn node(x: f64, y: f64) -> NodeBox {
        NodeBox {
            x,
            y,
            width: 100.0,
            height: 40.0,
            layer: 0,
            component: 0,
        }
    }

    fn edge(points: &[(f64, f64)]) -> EdgePath {
        EdgePath {
            from: 0,
            to: 1,
            points: points.iter().map(|&(x, y)| Point { x, y }).collect(),
            reversed: false,
        }
    }

    #[test]
    fn fit_centres_the_graph_and_never_enlarges_it() {
        // Wide graph: the width decides (960 / 1920 = 0.5).
        assert_eq!(
            Camera::fit(1920.0, 100.0, VIEW),
            Camera {
                tx: 20.0,
                ty: 275.0,
                k: 0.5
            }
        );
        // Tall graph: the height decides (560 / 2240 = 0.25).
        assert_eq!(
            Camera::fit(400.0, 2240.0, VIEW),
            Camera {
                tx: 450.0,
                ty: 20.0,
                k: 0.25
            }
        );
        // Small graph: 100 %, centred.
        assert_eq!(
            Camera::fit(200.0, 100.0, VIEW),
            Camera {
                tx: 400.0,
                ty: 250.0,
                k: 1.0
            }
        );
        // Huge graph: not below the minimum zoom.
        assert_eq!(Camera::fit(1e7, 10.0, VIEW).k, MIN_ZOOM);
        // An empty layout (0 x 0) counts as 1 x 1: no division by zero.
        assert_eq!(
            Camera::fit(0.0, 0.0, VIEW),
            Camera {
                tx: 499.5,
                ty: 299.5,
                k: 1.0
            }
        );
        assert_eq!(fit_zoom(1920.0, 100.0, VIEW), 0.5);
    }

    #[test]
    fn centring_puts_the_point_mid_screen_at_a_readable_zoom() {
        let c = Camera {
            tx: 0.0,
            ty: 0.0,
            k: 0.1,
        }
        .centred_on(Point { x: 100.0, y: 50.0 }, VIEW);
        assert_eq!(
            c,
            Camera {
                tx: 420.0,
                ty: 260.0,
                k: 0.8
            }
        );
        // A closer zoom is kept.
        let c = Camera {
            tx: 0.0,
            ty: 0.0,
            k: 2.0,
        }
        .centred_on(Point { x: 100.0, y: 50.0 }, VIEW);
        assert_eq!(
            c,
            Camera {
                tx: 300.0,
                ty: 200.0,
                k: 2.0
            }
        );
        assert_eq!(VIEW.centre(), Point { x: 500.0, y: 300.0 });
    }

    #[test]
    fn zooming_keeps_the_pointer_fixed_and_stays_in_bounds() {
        let c = Camera {
            tx: 100.0,
            ty: 50.0,
            k: 1.0,
        };
        let z = c.zoomed_at(300.0, 250.0, 2.0);
        assert_eq!(
            z,
            Camera {
                tx: -100.0,
                ty: -150.0,
                k: 2.0
            }
        );
        // The layout point under (300, 250) is (200, 200) before and after.
        assert_eq!(((300.0 - z.tx) / z.k, (250.0 - z.ty) / z.k), (200.0, 200.0));
        assert_eq!(c.zoomed_at(0.0, 0.0, 100.0).k, MAX_ZOOM);
        assert_eq!(c.zoomed_at(0.0, 0.0, 0.0001).k, MIN_ZOOM);
        assert_eq!(
            c.panned(5.0, -7.0),
            Camera {
                tx: 105.0,
                ty: 43.0,
                k: 1.0
            }
        );
        assert_eq!(wheel_factor(0.0), 1.0);
        assert!(wheel_factor(100.0) < 1.0 && wheel_factor(-100.0) > 1.0);
    }

    #[test]
    fn text_transform_and_label_follow_the_zoom() {
        let c = Camera {
            tx: 12.345,
            ty: -3.0,
            k: 0.42,
        };
        assert!(c.shows_text());
        assert!(!Camera { k: 0.41, ..c }.shows_text());
        assert_eq!(c.transform(), "translate(12.3,-3.0) scale(0.4200)");
        assert_eq!(c.zoom_label(), "42%");
        assert_eq!(Camera::START.zoom_label(), "100%");
    }

    #[test]
    fn the_visible_rectangle_includes_the_margin() {
        let c = Camera {
            tx: -200.0,
            ty: 100.0,
            k: 2.0,
        };
        // Screen (0, 0) is layout (100, -50); the margin is 120 / 2 = 60 units.
        assert_eq!(
            c.visible_rect(VIEW),
            Rect {
                x0: 40.0,
                y0: -110.0,
                x1: 660.0,
                y1: 310.0
            }
        );
    }

    #[test]
    fn the_css_transform_maps_the_drawn_camera_to_the_seen_one() {
        let drawn = Camera {
            tx: 10.0,
            ty: 20.0,
            k: 0.5,
        };
        assert_eq!(
            drawn.css_from(drawn),
            "transform:translate(0.0px,0.0px) scale(1.00000)"
        );
        assert_eq!(
            drawn.panned(30.0, -5.0).css_from(drawn),
            "transform:translate(30.0px,-5.0px) scale(1.00000)"
        );
        // Zoomed by 2 at screen (100, 50): a layout point drawn at screen p
        // is seen at 2p + t, and both cameras agree on where it is.
        let seen = drawn.zoomed_at(100.0, 50.0, 2.0);
        assert_eq!(
            seen.css_from(drawn),
            "transform:translate(-100.0px,-50.0px) scale(2.00000)"
        );
        let (lx, ly) = (300.0, 140.0);
        let (px, py) = (lx * drawn.k + drawn.tx, ly * drawn.k + drawn.ty);
        assert_eq!(
            (2.0 * px - 100.0, 2.0 * py - 50.0),
            (lx * seen.k + seen.tx, ly * seen.k + seen.ty)
        );
    }

    #[test]
    fn a_box_is_shown_whole_only_inside_the_screen() {
        let c = Camera {
            tx: -200.0,
            ty: 100.0,
            k: 2.0,
        };
        // The screen is layout x 100..600, y -50..250; nodes are 100 x 40.
        assert_eq!(
            c.screen_rect(VIEW),
            Rect {
                x0: 100.0,
                y0: -50.0,
                x1: 600.0,
                y1: 250.0
            }
        );
        assert!(c.shows_whole(&node(100.0, -50.0), VIEW));
        assert!(c.shows_whole(&node(500.0, 210.0), VIEW));
        assert!(!c.shows_whole(&node(99.0, 0.0), VIEW));
        assert!(!c.shows_whole(&node(501.0, 0.0), VIEW));
        assert!(!c.shows_whole(&node(200.0, 211.0), VIEW));
    }

    #[test]
    fn culling_keeps_what_meets_the_viewport() {
        let layout = Layout {
            nodes: vec![
                node(0.0, 0.0),      // on screen
                node(1110.0, 0.0),   // right, inside the 120 px margin
                node(1130.0, 0.0),   // right, beyond the margin
                node(0.0, -150.0),   // above, bottom edge 10 px into the margin
                node(-5000.0, 10.0), // far left
            ],
            edges: vec![
                edge(&[(100.0, 20.0), (1110.0, 20.0)]), // long, crosses the screen
                edge(&[(-5000.0, 30.0), (-3000.0, 30.0)]), // off screen
                edge(&[(-300.0, 0.0), (5000.0, 0.0)]),  // spans the screen, ends outside
                edge(&[]),                              // degenerate: never drawn
                edge(&[(500.0, 300.0)]),                // a single point on screen
            ],
            ..Layout::default()
        };
        let v = in_view(&layout, Camera::START.panned(-20.0, -20.0), VIEW);
        assert_eq!(v.nodes, vec![0, 1, 3]);
        assert_eq!(v.edges, vec![0, 2, 4]);
        // Zoomed out to 10 %, everything but the far node and edge is in view.
        let far = Camera {
            tx: 0.0,
            ty: 100.0,
            k: 0.1,
        };
        let v = in_view(&layout, far, VIEW);
        assert_eq!(v.nodes, vec![0, 1, 2, 3]);
        assert_eq!(v.edges, vec![0, 2, 4]);
    }
}
