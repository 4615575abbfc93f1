//! Level of detail for big graphs, and the mini-map. Zoomed far out, or
//! with more boxes in view than a page can redraw at 60 fps, the canvas
//! draws the graph as marks: one SVG path per status holding every node's
//! rectangle, one path holding every edge, so a 20,000-model lineage is a
//! handful of elements however far it is zoomed out. Failed and skipped
//! nodes get an outline of constant screen width, so they stay visible at
//! any zoom. The mini-map draws the same paths, scaled to its box, with the
//! camera's view as a rectangle; a point of the mini-map maps back to the
//! graph so the camera can go there.

use super::camera::{Camera, Viewport};
use super::graph::{Layout, Point};
use super::model::Status;
use std::fmt::Write;

/// Below this zoom a box is too small to read or to click: marks instead.
pub const MARKS_BELOW_ZOOM: f64 = 0.3;
/// More boxes than this in view: marks instead (each box is several SVG
/// elements; this many still redraw within a frame).
pub const MAX_BOXES: usize = 400;

/// More edges than this in view (long edges crossing the view count too):
/// they are drawn as one path, and only the selection's edges one by one.
pub const MAX_EDGE_ELEMENTS: usize = 1_500;

/// Whether the edges in view are drawn one element each (with their
/// highlight and arrow), or as one path.
pub fn edges_one_by_one(edges_in_view: usize) -> bool {
    edges_in_view <= MAX_EDGE_ELEMENTS
}

/// How the canvas draws the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Each node a box with its name, kind and status (only those in view).
    Boxes,
    /// Every node a mark, every edge a line, in a few paths.
    Marks,
}

impl Detail {
    pub fn at(camera: Camera, boxes_in_view: usize) -> Detail {
        if camera.k < MARKS_BELOW_ZOOM || boxes_in_view > MAX_BOXES {
            Detail::Marks
        } else {
            Detail::Boxes
        }
    }
}

/// Marks of one look: the CSS class (`marks--failed`, ...) and the path.
/// Only failed marks are outlined: thousands of skipped ones (everything
/// downstream of a failure) would each cost an outline on every frame.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkPath {
    pub class: &'static str,
    pub d: String,
    /// Drawn with an outline of constant screen width (failed).
    pub outlined: bool,
}

/// The looks marks come in (`Status::css`, or "none" for a node the run
/// did not execute), in drawing order: failed last, on top.
const LOOKS: [&str; 8] = [
    "none",
    "complete",
    "in-progress",
    "pending",
    "not-scheduled",
    "unknown",
    "skipped",
    "failed",
];

/// One path per look present: every node of `layout` (its lineage index is
/// `nodes[p]`) as a rectangle in layout coordinates.
pub fn mark_paths(layout: &Layout, nodes: &[usize], status: &[Option<Status>]) -> Vec<MarkPath> {
    let mut paths: Vec<String> = vec![String::new(); LOOKS.len()];
    for (p, b) in layout.nodes.iter().enumerate() {
        let st = nodes
            .get(p)
            .and_then(|&v| status.get(v))
            .and_then(|s| s.as_ref());
        let css = st.map_or("none", Status::css);
        let i = LOOKS.iter().position(|&l| l == css).unwrap_or(0);
        let _ = write!(
            paths[i],
            "M{:.0} {:.0}h{:.0}v{:.0}h{:.0}z",
            b.x, b.y, b.width, b.height, -b.width
        );
    }
    LOOKS
        .iter()
        .zip(paths)
        .filter(|(_, d)| !d.is_empty())
        .map(|(&class, d)| MarkPath {
            class,
            d,
            outlined: class == "failed",
        })
        .collect()
}

/// Every edge as straight segments through its points, in one path.
pub fn edge_path(layout: &Layout) -> String {
    edge_path_of(layout, 0..layout.edges.len())
}

/// The edges `which` (indices into `layout.edges`) as one path.
pub fn edge_path_of(layout: &Layout, which: impl IntoIterator<Item = usize>) -> String {
    let mut d = String::new();
    for e in which.into_iter().filter_map(|i| layout.edges.get(i)) {
        for (i, p) in e.points.iter().enumerate() {
            let _ = write!(d, "{}{:.0} {:.0}", if i == 0 { 'M' } else { 'L' }, p.x, p.y);
        }
    }
    d
}

/// The node of `layout` at the layout point `at`, or failing that the
/// nearest one within `slack` layout units (a click on a tiny mark).
pub fn node_at(layout: &Layout, at: Point, slack: f64) -> Option<usize> {
    let distance = |p: usize| {
        let b = &layout.nodes[p];
        let dx = (b.x - at.x).max(at.x - (b.x + b.width)).max(0.0);
        let dy = (b.y - at.y).max(at.y - (b.y + b.height)).max(0.0);
        dx.hypot(dy)
    };
    (0..layout.nodes.len())
        .map(|p| (p, distance(p)))
        .filter(|&(_, d)| d <= slack)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| p)
}

/// The layout point under the screen point (`x`, `y`).
pub fn to_layout(camera: Camera, x: f64, y: f64) -> Point {
    Point {
        x: (x - camera.tx) / camera.k,
        y: (y - camera.ty) / camera.k,
    }
}

/// The mini-map: the whole layout scaled into a box of `width` × `height`
/// pixels, centred.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Minimap {
    pub scale: f64,
    pub dx: f64,
    pub dy: f64,
}

impl Minimap {
    /// The mini-map's box.
    pub const WIDTH: f64 = 200.0;
    pub const HEIGHT: f64 = 140.0;

    pub fn new(layout: &Layout) -> Minimap {
        let (w, h) = (layout.width.max(1.0), layout.height.max(1.0));
        let scale = (Minimap::WIDTH / w).min(Minimap::HEIGHT / h);
        Minimap {
            scale,
            dx: (Minimap::WIDTH - w * scale) / 2.0,
            dy: (Minimap::HEIGHT - h * scale) / 2.0,
        }
    }

    /// The SVG `transform` that draws the layout into the mini-map.
    pub fn transform(&self) -> String {
        format!(
            "translate({:.2},{:.2}) scale({:.6})",
            self.dx, self.dy, self.scale
        )
    }

    /// The camera's view as a rectangle of the mini-map (x, y, width,
    /// height), clipped to the mini-map's box.
    pub fn view_box(&self, camera: Camera, view: Viewport) -> (f64, f64, f64, f64) {
        let r = camera.screen_rect(view);
        let x0 = (r.x0 * self.scale + self.dx).clamp(0.0, Minimap::WIDTH);
        let y0 = (r.y0 * self.scale + self.dy).clamp(0.0, Minimap::HEIGHT);
        let x1 = (r.x1 * self.scale + self.dx).clamp(0.0, Minimap::WIDTH);
        let y1 = (r.y1 * self.scale + self.dy).clamp(0.0, Minimap::HEIGHT);
        (x0, y0, (x1 - x0).max(2.0), (y1 - y0).max(2.0))
    }

    /// The layout point under the mini-map point (`x`, `y`).
    pub fn to_layout(&self, x: f64, y: f64) -> Point {
        Point {
            x: (x - self.dx) / self.scale,
            y: (y - self.dy) / self.scale,
        }
    }

    /// Whether the mini-map is worth showing: part of the graph is off screen.
    pub fn wanted(layout: &Layout, camera: Camera, view: Viewport) -> bool {
        let left = camera.tx;
        let top = camera.ty;
        let right = camera.tx + layout.width * camera.k;
        let bottom = camera.ty + layout.height * camera.k;
        !layout.nodes.is_empty()
            && (left < -1.0 || top < -1.0 || right > view.width + 1.0 || bottom > view.height + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::graph::{EdgePath, NodeBox};

    fn layout() -> Layout {
        let b = |x: f64, y: f64| NodeBox {
            x,
            y,
            width: 100.0,
            height: 40.0,
            layer: 0,
            component: 0,
        };
        Layout {
            nodes: vec![b(0.0, 0.0), b(200.0, 0.0), b(200.0, 60.0)],
            edges: vec![EdgePath {
                from: 0,
                to: 1,
                points: vec![Point { x: 100.0, y: 20.0 }, Point { x: 200.0, y: 20.0 }],
                reversed: false,
            }],
            width: 300.0,
            height: 100.0,
            ..Layout::default()
        }
    }

    #[test]
    fn far_out_or_crowded_views_draw_marks() {
        let at = |k: f64| Camera {
            tx: 0.0,
            ty: 0.0,
            k,
        };
        assert_eq!(Detail::at(at(1.0), 50), Detail::Boxes);
        assert_eq!(Detail::at(at(MARKS_BELOW_ZOOM), MAX_BOXES), Detail::Boxes);
        assert_eq!(Detail::at(at(0.29), 10), Detail::Marks);
        assert_eq!(Detail::at(at(1.0), MAX_BOXES + 1), Detail::Marks);
        assert!(edges_one_by_one(MAX_EDGE_ELEMENTS));
        assert!(!edges_one_by_one(MAX_EDGE_ELEMENTS + 1));
    }

    #[test]
    fn marks_are_one_path_per_status_with_failed_outlined_on_top() {
        let st = vec![Some(Status::Failed), None, Some(Status::Complete)];
        // Layout position 0 is lineage node 2, and so on.
        let paths = mark_paths(&layout(), &[2, 0, 1], &st);
        assert_eq!(
            paths,
            vec![
                MarkPath {
                    class: "none",
                    d: "M200 60h100v40h-100z".into(),
                    outlined: false
                },
                MarkPath {
                    class: "complete",
                    d: "M0 0h100v40h-100z".into(),
                    outlined: false
                },
                MarkPath {
                    class: "failed",
                    d: "M200 0h100v40h-100z".into(),
                    outlined: true
                },
            ]
        );
        assert_eq!(edge_path(&layout()), "M100 20L200 20");
        assert_eq!(edge_path_of(&layout(), [0, 7]), "M100 20L200 20");
        assert_eq!(edge_path_of(&layout(), []), "");
    }

    #[test]
    fn a_click_finds_the_node_under_it_or_the_nearest_within_slack() {
        let l = layout();
        assert_eq!(node_at(&l, Point { x: 250.0, y: 70.0 }, 0.0), Some(2));
        assert_eq!(node_at(&l, Point { x: 150.0, y: 20.0 }, 0.0), None);
        assert_eq!(node_at(&l, Point { x: 190.0, y: 20.0 }, 15.0), Some(1));
        assert_eq!(
            node_at(&Layout::default(), Point { x: 0.0, y: 0.0 }, 99.0),
            None
        );
        let c = Camera {
            tx: 10.0,
            ty: 20.0,
            k: 0.5,
        };
        assert_eq!(to_layout(c, 110.0, 70.0), Point { x: 200.0, y: 100.0 });
    }

    #[test]
    fn the_minimap_scales_the_layout_and_maps_back() {
        let l = layout(); // 300 × 100 into 200 × 140: scale 2/3, centred vertically
        let m = Minimap::new(&l);
        assert!((m.scale - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.dx, 0.0);
        assert!((m.dy - (140.0 - 100.0 * 2.0 / 3.0) / 2.0).abs() < 1e-9);
        let p = m.to_layout(100.0, 70.0);
        assert!((p.x - 150.0).abs() < 1e-9 && (p.y - 50.0).abs() < 1e-9);
        // The whole graph on screen: no mini-map; zoomed in: the view is a part of it.
        let view = Viewport {
            width: 1000.0,
            height: 600.0,
        };
        let fitted = Camera {
            tx: 10.0,
            ty: 10.0,
            k: 1.0,
        };
        assert!(!Minimap::wanted(&l, fitted, view));
        let close = Camera {
            tx: -300.0,
            ty: 0.0,
            k: 4.0,
        };
        assert!(Minimap::wanted(&l, close, view));
        let (x, y, w, h) = m.view_box(close, view);
        // Layout x from 75 to 325 (clipped at 300), y from 0 to 150 (clipped at 140 in the box).
        assert!((x - 50.0).abs() < 1e-9 && y.abs() < 1e-9 + m.dy);
        assert!((w - 150.0).abs() < 1e-9);
        assert!(h > 0.0);
    }
}
