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

/// Work of drawing a new graph's boxes and edges, per task: a box (a
/// group of several SVG elements with their text) counts `BOX_UNITS`, an
/// edge (one path) one unit. A task draws at most this much, so a new
/// graph is drawn over a few tasks rather than in one long one.
pub const UNITS_PER_TASK: usize = 400;
/// What a box counts against `UNITS_PER_TASK`.
pub const BOX_UNITS: usize = 6;

/// How much of what is in view is drawn `stage` tasks after a new graph
/// arrived (stage 0: with it): boxes first, then edges, within
/// `UNITS_PER_TASK` per stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drawn {
    /// The first `boxes` of the boxes in view.
    pub boxes: usize,
    /// The first `edges` of the edges in view.
    pub edges: usize,
    /// Everything in view is drawn.
    pub all: bool,
}

impl Drawn {
    pub fn at(stage: usize, boxes: usize, edges: usize) -> Drawn {
        let units = stage.saturating_add(1).saturating_mul(UNITS_PER_TASK);
        let b = boxes.min(units / BOX_UNITS);
        let e = if b == boxes {
            edges.min(units - b * BOX_UNITS)
        } else {
            0
        };
        Drawn {
            boxes: b,
            edges: e,
            all: b == boxes && e == edges,
        }
    }
}

/// Writes `v` as `{:.0}` formats it (rounded half to even, "-0" for a
/// negative value that rounds to zero), without the float formatter (it
/// is most of the time of a path of 20,000 marks).
pub fn write_int(d: &mut String, v: f64) {
    let r = v.round_ties_even();
    // Not finite (NaN included) or too big for an exact `i64`: the formatter.
    let exact = r.is_finite() && r.abs() < 1e15;
    if !exact {
        let _ = write!(d, "{v:.0}");
    } else if r == 0.0 && v.is_sign_negative() {
        d.push_str("-0");
    } else {
        let _ = write!(d, "{}", r as i64);
    }
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
        // "M{x} {y}h{w}v{h}h{-w}z", each number as `{:.0}`.
        let d = &mut paths[i];
        d.push('M');
        write_int(d, b.x);
        d.push(' ');
        write_int(d, b.y);
        d.push('h');
        write_int(d, b.width);
        d.push('v');
        write_int(d, b.height);
        d.push('h');
        write_int(d, -b.width);
        d.push('z');
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
            d.push(if i == 0 { 'M' } else { 'L' });
            write_int(&mut d, p.x);
            d.push(' ');
            write_int(&mut d, p.y);
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
    fn integers_are_written_as_the_float_formatter_writes_them() {
        let mut vals = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.5,
            -2.5,
            0.49999999999999994,
            -0.3,
            0.3,
            123.4999,
            123.5,
            124.5,
            -124.5,
            1e14 + 0.5,
            1e15,
            -1e15,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9007199254740993.0,
        ];
        // A spread of values of every size, ties included.
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let f = (x % 2_000_000) as f64 / 4.0 - 250_000.0;
            vals.push(if i % 3 == 0 {
                f
            } else {
                f / 1000.0 + (x % 7) as f64 * 1e-3
            });
        }
        for v in vals {
            let mut d = String::new();
            write_int(&mut d, v);
            assert_eq!(d, format!("{v:.0}"), "{v:?}");
        }
    }

    #[test]
    fn a_new_graph_is_drawn_boxes_first_then_edges_a_task_s_worth_at_a_time() {
        let per = UNITS_PER_TASK / BOX_UNITS; // boxes per task
                                              // A small graph is drawn whole with itself.
        assert_eq!(
            Drawn::at(0, 40, 100),
            Drawn {
                boxes: 40,
                edges: 100,
                all: true
            }
        );
        assert_eq!(
            Drawn::at(0, 0, 0),
            Drawn {
                boxes: 0,
                edges: 0,
                all: true
            }
        );
        // 55 boxes and 355 edges: the boxes and what is left of the first
        // task's units in edges, the rest of the edges in the next.
        assert_eq!(
            Drawn::at(0, 55, 355),
            Drawn {
                boxes: 55,
                edges: UNITS_PER_TASK - 55 * BOX_UNITS,
                all: false
            }
        );
        assert_eq!(
            Drawn::at(1, 55, 355),
            Drawn {
                boxes: 55,
                edges: 355,
                all: true
            }
        );
        // Many boxes: no edge until every box is drawn.
        assert_eq!(
            Drawn::at(0, 400, 900),
            Drawn {
                boxes: per,
                edges: 0,
                all: false
            }
        );
        let stages = (0..)
            .map(|s| Drawn::at(s, 400, 900))
            .position(|d| d.all)
            .unwrap();
        // 400 boxes and 900 edges are 3,300 units: nine tasks' worth.
        assert_eq!(stages, (400 * BOX_UNITS + 900).div_ceil(UNITS_PER_TASK) - 1);
        // Every stage draws at least as much as the one before, and no
        // stage more than a task's worth more.
        let mut last = Drawn::at(0, 400, 900);
        for s in 1..=stages {
            let d = Drawn::at(s, 400, 900);
            assert!(d.boxes >= last.boxes && d.edges >= last.edges);
            assert!(
                (d.boxes - last.boxes) * BOX_UNITS + d.edges - last.edges
                    < UNITS_PER_TASK + BOX_UNITS
            );
            last = d;
        }
        assert!(Drawn::at(usize::MAX, 400, 900).all);
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
