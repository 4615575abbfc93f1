//! Layered (Sugiyama-style) layout of a lineage graph, left to right.
//!
//! Input: node sizes and directed edges (upstream -> downstream). Output:
//! plain data — a box per node, a polyline per edge, the bounds — that the UI
//! draws as SVG. Steps, per weakly connected component (components are then
//! stacked top to bottom, so they never overlap):
//!
//! 1. cycles are broken by reversing a feedback arc set
//!    (`petgraph::algo::greedy_feedback_arc_set`), reported in `reversed`;
//!    self-loops are dropped and reported in `self_loops`;
//! 2. layers by longest path from the sources (`petgraph::algo::toposort`
//!    order), then every node with more consumers than inputs (every
//!    source) pulled right next to its nearest consumer;
//! 3. edges longer than one layer get a virtual point per crossed layer, so
//!    they are routed between boxes, never through them;
//! 4. crossings reduced (`order_layers`): from several start orders
//!    (depth-first down and up, breadth-first from a far end, topological),
//!    barycenter and median sweeps each followed by transposition, then
//!    sifting, keeping the best order seen (crossings counted exactly with a
//!    Fenwick tree); the effort is bounded by the graph's size, not a clock;
//! 5. vertical positions by repeated least-squares alignment with each
//!    node's neighbours under the order and spacing constraints (pool
//!    adjacent violators), so chains run straight;
//! 6. horizontal positions per layer from the widest box of each layer;
//!    edges run horizontally inside a column and straight across each gap,
//!    so the drawing has exactly the crossings counted in step 4.
//!
//! Nothing here is recursive (the wasm stack is small), nothing reads a
//! clock or a random source: identical input gives identical output.

use petgraph::algo::{greedy_feedback_arc_set, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Horizontal space between the widest boxes of adjacent layers.
    pub layer_gap: f64,
    /// Vertical space between boxes of one layer.
    pub node_gap: f64,
    /// Vertical space between stacked components.
    pub component_gap: f64,
    /// Barycenter iterations (each one a down and an up sweep).
    pub sweeps: usize,
    /// Vertical alignment iterations.
    pub align_passes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            layer_gap: 90.0,
            node_gap: 18.0,
            component_gap: 48.0,
            sweeps: 8,
            align_passes: 8,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A node's box: top-left corner, size, and its layer (column).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub layer: usize,
    pub component: usize,
}

impl NodeBox {
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.width / 2.0,
            y: self.y + self.height / 2.0,
        }
    }
}

/// An edge as a polyline from `from`'s right side to `to`'s left side
/// (through one point per layer it crosses).
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub from: usize,
    pub to: usize,
    pub points: Vec<Point>,
    /// The edge was reversed to break a cycle (it points right to left).
    pub reversed: bool,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
    pub width: f64,
    pub height: f64,
    /// Columns of the widest component.
    pub layers: usize,
    /// Edge crossings between adjacent layers in the final order.
    pub crossings: usize,
    /// Edges (from, to) reversed to break cycles.
    pub reversed: Vec<(usize, usize)>,
    /// Nodes with an edge to themselves (not drawn).
    pub self_loops: Vec<usize>,
}

/// SVG path data (`d`) for an edge's polyline: a cubic curve through every
/// point, horizontal at each one. One point is a bare move; no points, an
/// empty path (drawn as nothing).
pub fn curve(points: &[Point]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let mut d = format!("M{:.1},{:.1}", first.x, first.y);
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let dx = (b.x - a.x) / 2.0;
        d.push_str(&format!(
            " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            a.x + dx,
            a.y,
            b.x - dx,
            b.y,
            b.x,
            b.y
        ));
    }
    d
}

/// Lays out `sizes.len()` nodes joined by `edges` (pairs of node indices;
/// out-of-range pairs and duplicates are ignored).
pub fn layout(sizes: &[Size], edges: &[(usize, usize)], opts: &Options) -> Layout {
    let n = sizes.len();
    let mut out = Layout {
        nodes: sizes
            .iter()
            .map(|s| NodeBox {
                x: 0.0,
                y: 0.0,
                width: s.width.max(1.0),
                height: s.height.max(1.0),
                layer: 0,
                component: 0,
            })
            .collect(),
        ..Layout::default()
    };
    // Clean edges: in range, no duplicates, self-loops reported.
    let mut clean: Vec<(usize, usize)> = Vec::with_capacity(edges.len());
    for &(a, b) in edges {
        if a >= n || b >= n {
            continue;
        }
        if a == b {
            out.self_loops.push(a);
        } else {
            clean.push((a, b));
        }
    }
    clean.sort_unstable();
    clean.dedup();
    out.self_loops.sort_unstable();
    out.self_loops.dedup();

    // Weakly connected components (union-find), numbered by smallest node.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(a, b) in &clean {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut comp_of = vec![usize::MAX; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for v in 0..n {
        let r = find(&mut parent, v);
        if comp_of[r] == usize::MAX {
            comp_of[r] = comps.len();
            comps.push(Vec::new());
        }
        comp_of[v] = comp_of[r];
        comps[comp_of[v]].push(v);
    }
    let mut comp_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); comps.len()];
    for &(a, b) in &clean {
        comp_edges[comp_of[a]].push((a, b));
    }

    let mut local = vec![0usize; n];
    let mut y_offset = 0.0f64;
    for (ci, comp) in comps.iter().enumerate() {
        for (i, &v) in comp.iter().enumerate() {
            local[v] = i;
        }
        let placed = layout_component(comp, &comp_edges[ci], &local, &out.nodes, opts);
        for (i, &v) in comp.iter().enumerate() {
            let b = &mut out.nodes[v];
            b.x = placed.x[i];
            b.y = placed.y[i] + y_offset;
            b.layer = placed.layer[i];
            b.component = ci;
        }
        for mut e in placed.edges {
            for p in &mut e.points {
                p.y += y_offset;
            }
            if e.reversed {
                out.reversed.push((e.from, e.to));
            }
            out.edges.push(e);
        }
        out.crossings += placed.crossings;
        out.layers = out.layers.max(placed.layers);
        out.width = out.width.max(placed.width);
        y_offset += placed.height + opts.component_gap;
    }
    out.height = (y_offset - opts.component_gap).max(0.0);
    out.edges.sort_by_key(|e| (e.from, e.to));
    out.reversed.sort_unstable();
    out
}

struct Placed {
    x: Vec<f64>,
    y: Vec<f64>,
    layer: Vec<usize>,
    edges: Vec<EdgePath>,
    crossings: usize,
    layers: usize,
    width: f64,
    height: f64,
}

/// A node of the layered graph: a real node (`real = Some(local index)`) or
/// a virtual point of a long edge.
struct LNode {
    real: Option<usize>,
    layer: usize,
    height: f64,
    up: Vec<usize>,
    down: Vec<usize>,
}

fn layout_component(
    comp: &[usize],
    edges: &[(usize, usize)],
    local: &[usize],
    boxes: &[NodeBox],
    opts: &Options,
) -> Placed {
    let m = comp.len();
    // 1. Break cycles.
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(m, edges.len());
    for _ in 0..m {
        g.add_node(());
    }
    for &(a, b) in edges {
        g.add_edge(NodeIndex::new(local[a]), NodeIndex::new(local[b]), ());
    }
    let mut flip = vec![false; edges.len()];
    for e in greedy_feedback_arc_set(&g) {
        flip[e.id().index()] = true;
    }
    // DAG edges (u, v) in local indices, with the index of the original edge.
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&flip)
        .map(|(&(a, b), &f)| {
            if f {
                (local[b], local[a])
            } else {
                (local[a], local[b])
            }
        })
        .collect();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); m];
    for &(u, v) in &dag {
        succs[u].push(v);
        preds[v].push(u);
    }

    // 2. Layers: longest path from the sources, in topological order.
    let order: Vec<usize> = {
        let mut dg: DiGraph<(), ()> = DiGraph::with_capacity(m, dag.len());
        for _ in 0..m {
            dg.add_node(());
        }
        for &(u, v) in &dag {
            dg.add_edge(NodeIndex::new(u), NodeIndex::new(v), ());
        }
        match toposort(&dg, None) {
            Ok(o) => o.into_iter().map(|i| i.index()).collect(),
            // Unreachable after the feedback arc set; fall back to input order.
            Err(_) => (0..m).collect(),
        }
    };
    let mut layer = vec![0usize; m];
    for &v in &order {
        for &u in &preds[v] {
            layer[v] = layer[v].max(layer[u] + 1);
        }
    }
    // A node with more consumers than inputs (every source) moves right, next
    // to its nearest consumer: shorter edges, fewer virtual points.
    for &v in order.iter().rev() {
        if succs[v].len() > preds[v].len() {
            if let Some(min) = succs[v].iter().map(|&s| layer[s]).min() {
                layer[v] = layer[v].max(min.saturating_sub(1));
            }
        }
    }
    let layers = layer.iter().max().map_or(0, |l| l + 1);

    // 3. Layered graph with virtual nodes; chains[i] = lnodes of dag edge i.
    let mut ln: Vec<LNode> = (0..m)
        .map(|i| LNode {
            real: Some(i),
            layer: layer[i],
            height: boxes[comp[i]].height,
            up: Vec::new(),
            down: Vec::new(),
        })
        .collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    for &(u, v) in &dag {
        let mut chain = vec![u];
        let mut prev = u;
        for l in layer[u] + 1..layer[v] {
            let id = ln.len();
            ln.push(LNode {
                real: None,
                layer: l,
                height: 0.0,
                up: vec![prev],
                down: Vec::new(),
            });
            ln[prev].down.push(id);
            chain.push(id);
            prev = id;
        }
        ln[prev].down.push(v);
        ln[v].up.push(prev);
        chain.push(v);
        chains.push(chain);
    }
    // 4. Crossing reduction: several start orders, sweeps, transposition,
    // sifting; the best order seen.
    let mut topo_rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    // Real nodes in topological order, virtual ones after.
    let mut seen = vec![false; ln.len()];
    for &v in &order {
        topo_rows[layer[v]].push(v);
        seen[v] = true;
    }
    for (id, node) in ln.iter().enumerate() {
        if !seen[id] {
            topo_rows[node.layer].push(id);
        }
    }
    let (rows, best_cross) = order_layers(&ln, topo_rows, opts.sweeps);

    // 5. Vertical placement.
    let sep = |a: usize, b: usize| {
        let gap = if ln[a].real.is_some() && ln[b].real.is_some() {
            opts.node_gap
        } else {
            opts.node_gap / 2.0
        };
        (ln[a].height + ln[b].height) / 2.0 + gap
    };
    let mut y = vec![0.0f64; ln.len()];
    for row in &rows {
        let mut acc = 0.0;
        for (i, &v) in row.iter().enumerate() {
            if i > 0 {
                acc += sep(row[i - 1], v);
            }
            y[v] = acc;
        }
    }
    for pass in 0..opts.align_passes {
        let last = pass + 1 == opts.align_passes;
        let down = pass % 2 == 0;
        let layer_order: Vec<usize> = if down {
            (0..layers).collect()
        } else {
            (0..layers).rev().collect()
        };
        for l in layer_order {
            let row = &rows[l];
            let mut desired = Vec::with_capacity(row.len());
            let mut weight = Vec::with_capacity(row.len());
            for &v in row {
                let nb: Vec<usize> = if last {
                    ln[v].up.iter().chain(&ln[v].down).copied().collect()
                } else if down {
                    ln[v].up.clone()
                } else {
                    ln[v].down.clone()
                };
                if nb.is_empty() {
                    desired.push(y[v]);
                    weight.push(0.25);
                } else {
                    desired.push(nb.iter().map(|&u| y[u]).sum::<f64>() / nb.len() as f64);
                    weight.push(if ln[v].real.is_some() { 1.0 } else { 2.0 });
                }
            }
            let seps: Vec<f64> = (0..row.len())
                .map(|i| if i == 0 { 0.0 } else { sep(row[i - 1], row[i]) })
                .collect();
            let placed = constrained_fit(&desired, &weight, &seps);
            for (i, &v) in row.iter().enumerate() {
                y[v] = placed[i];
            }
        }
    }
    // Normalise: top edge of the highest box at 0.
    let top = (0..ln.len())
        .map(|v| y[v] - ln[v].height / 2.0)
        .fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    for v in y.iter_mut() {
        *v -= top;
    }

    // 6. Horizontal placement: column width = widest box of the layer.
    let mut col_w = vec![0.0f64; layers];
    for i in 0..m {
        col_w[layer[i]] = col_w[layer[i]].max(boxes[comp[i]].width);
    }
    let mut col_x = vec![0.0f64; layers];
    let mut acc = 0.0;
    for l in 0..layers {
        col_x[l] = acc;
        acc += col_w[l] + opts.layer_gap;
    }
    let width = (acc - opts.layer_gap).max(0.0);
    let mut xs = vec![0.0f64; m];
    let mut ys = vec![0.0f64; m];
    let mut height = 0.0f64;
    for i in 0..m {
        let b = &boxes[comp[i]];
        xs[i] = col_x[layer[i]] + (col_w[layer[i]] - b.width) / 2.0;
        ys[i] = y[i] - b.height / 2.0;
        height = height.max(ys[i] + b.height);
    }
    for (v, node) in ln.iter().enumerate().skip(m) {
        height = height.max(y[v] + node.height / 2.0);
    }

    // Edge polylines, original direction restored for reversed edges.
    let mut paths = Vec::with_capacity(edges.len());
    for (ei, chain) in chains.iter().enumerate() {
        let (u, v) = (chain[0], chain[chain.len() - 1]);
        // Horizontal inside every column (from a box side to the column's
        // edge, or through a virtual point), straight across each gap: the
        // drawn crossings are exactly the counted ones.
        let mut pts: Vec<Point> = Vec::with_capacity(2 * chain.len());
        let mut push = |x: f64, y: f64| {
            if pts.last().is_none_or(|p: &Point| p.x < x) {
                pts.push(Point { x, y });
            }
        };
        let (lu, lv) = (layer[u], layer[v]);
        push(xs[u] + boxes[comp[u]].width, y[u]);
        push(col_x[lu] + col_w[lu], y[u]);
        for &p in &chain[1..chain.len() - 1] {
            let l = ln[p].layer;
            push(col_x[l], y[p]);
            push(col_x[l] + col_w[l], y[p]);
        }
        push(col_x[lv], y[v]);
        push(xs[v], y[v]);
        let (a, b) = edges[ei];
        if flip[ei] {
            pts.reverse();
        }
        paths.push(EdgePath {
            from: a,
            to: b,
            points: pts,
            reversed: flip[ei],
        });
    }
    Placed {
        x: xs,
        y: ys,
        layer,
        edges: paths,
        crossings: best_cross,
        layers,
        width,
        height,
    }
}

/// Layered graphs with more virtual and real nodes than this get one start
/// order instead of four and fewer transposition rounds (the layout of
/// 20,000 models stays as fast as before).
const MULTI_START_MAX: usize = 20_000;
/// Sifting tries every place in a layer when the sum over layers of (edge
/// ends in the layer)^2 is at most this (its cost per pass), otherwise only
/// places within `SIFT_WINDOW`.
const SIFT_WORK_MAX: usize = 40_000_000;
/// Layered graphs up to this size get sifting after every start order
/// (otherwise only after the best one).
const POLISH_EACH_MAX: usize = 1_000;
/// Sweeps without a better order after which a start is abandoned.
const STALE_SWEEPS: usize = 3;
/// Sifting on larger graphs only tries places this close to a node's own.
const SIFT_WINDOW: usize = 48;

fn index_rows(rows: &[Vec<usize>], pos: &mut [usize]) {
    for row in rows {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }
}

/// Orders the nodes of every layer to reduce edge crossings and returns the
/// best order seen with its crossings. Start orders (all four on graphs up
/// to `MULTI_START_MAX`, else the topological one): depth-first from the
/// sources (input order), breadth-first from a far end, depth-first from the
/// sinks upwards, and `topo`. From each, alternating barycenter and median
/// sweeps down and up, each followed by transposition; then sifting (each
/// node moved to its best place in its layer, both neighbouring layers
/// counted) after every start on small graphs, after the best one otherwise.
/// Deterministic: no clock, no randomness; the effort depends on the size.
fn order_layers(ln: &[LNode], topo: Vec<Vec<usize>>, sweeps: usize) -> (Vec<Vec<usize>>, usize) {
    let layers = topo.len();
    let mut pos = vec![0usize; ln.len()];
    // Sifting's cost per pass grows with the square of each layer's edge ends.
    let work: usize = topo
        .iter()
        .map(|row| {
            let ends: usize = row.iter().map(|&v| ln[v].up.len() + ln[v].down.len()).sum();
            ends * ends
        })
        .sum();
    let window = if work <= SIFT_WORK_MAX {
        usize::MAX
    } else {
        SIFT_WINDOW
    };
    let small = ln.len() <= MULTI_START_MAX;
    let polish_each = ln.len() <= POLISH_EACH_MAX;
    let starts = if small {
        vec![
            dfs_rows(ln, layers, true),
            bfs_rows(ln, layers),
            dfs_rows(ln, layers, false),
            topo,
        ]
    } else {
        vec![topo]
    };
    let rounds = if small { 4 } else { 2 };
    let mut best: Option<(Vec<Vec<usize>>, usize)> = None;
    for mut rows in starts {
        index_rows(&rows, &mut pos);
        let mut local_rows = rows.clone();
        let mut local = count_crossings(&rows, &pos, ln);
        let mut stale = 0;
        for it in 0..sweeps {
            if local == 0 || stale >= STALE_SWEEPS {
                break;
            }
            let median = it % 2 == 1;
            for row in rows.iter_mut().skip(1) {
                sort_row(row, &mut pos, ln, true, median);
            }
            for row in rows.iter_mut().rev().skip(1) {
                sort_row(row, &mut pos, ln, false, median);
            }
            transpose(&mut rows, &mut pos, ln, rounds);
            let c = count_crossings(&rows, &pos, ln);
            if c < local {
                local = c;
                local_rows.clone_from(&rows);
                stale = 0;
            } else {
                stale += 1;
            }
        }
        if polish_each {
            polish(&mut local_rows, &mut local, &mut pos, ln, window, rounds, 4);
        }
        if best.as_ref().is_none_or(|b| local < b.1) {
            best = Some((local_rows, local));
        }
    }
    let (mut rows, mut cross) = best.unwrap_or_default();
    if !polish_each {
        polish(&mut rows, &mut cross, &mut pos, ln, window, rounds, 2);
    }
    (rows, cross)
}

/// Up to `passes` rounds of sifting and transposition on `rows` (with
/// `cross` crossings), each kept only when it removes crossings.
fn polish(
    rows: &mut Vec<Vec<usize>>,
    cross: &mut usize,
    pos: &mut [usize],
    ln: &[LNode],
    window: usize,
    rounds: usize,
    passes: usize,
) {
    for _ in 0..passes {
        if *cross == 0 {
            break;
        }
        index_rows(rows, pos);
        let mut trial = rows.clone();
        sift(&mut trial, pos, ln, window);
        transpose(&mut trial, pos, ln, rounds);
        let c = count_crossings(&trial, pos, ln);
        if c < *cross {
            *cross = c;
            *rows = trial;
        } else {
            break;
        }
    }
}

/// A start order: depth-first from the sources (`down`) or from the sinks
/// upwards, roots and neighbours in input order; each node joins its layer
/// when first reached. No recursion.
fn dfs_rows(ln: &[LNode], layers: usize, down: bool) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let mut seen = vec![false; ln.len()];
    let mut stack: Vec<usize> = Vec::new();
    let next = |v: usize| if down { &ln[v].down } else { &ln[v].up };
    let prev = |v: usize| if down { &ln[v].up } else { &ln[v].down };
    for root in 0..ln.len() {
        if seen[root] || !prev(root).is_empty() {
            continue;
        }
        stack.push(root);
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            rows[ln[v].layer].push(v);
            stack.extend(next(v).iter().rev().filter(|&&w| !seen[w]));
        }
    }
    for (v, node) in ln.iter().enumerate() {
        if !seen[v] {
            rows[node.layer].push(v);
        }
    }
    rows
}

/// A start order: breadth-first over the edges in both directions from a
/// far end of the graph (the last node reached from the first source, as in
/// Cuthill–McKee), so that nodes near each other get near places; a layered
/// grid comes out unfolded.
fn bfs_rows(ln: &[LNode], layers: usize) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let mut seen = vec![false; ln.len()];
    let mut queue: Vec<usize> = Vec::with_capacity(ln.len());
    let bfs = |from: usize, seen: &mut [bool], queue: &mut Vec<usize>| {
        queue.clear();
        seen.iter_mut().for_each(|s| *s = false);
        seen[from] = true;
        queue.push(from);
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head];
            head += 1;
            for &w in ln[v].up.iter().chain(&ln[v].down) {
                if !seen[w] {
                    seen[w] = true;
                    queue.push(w);
                }
            }
        }
    };
    let Some(first) = (0..ln.len()).find(|&v| ln[v].up.is_empty()) else {
        return rows;
    };
    bfs(first, &mut seen, &mut queue);
    let far = queue.last().copied().unwrap_or(first);
    bfs(far, &mut seen, &mut queue);
    for &v in queue.iter() {
        rows[ln[v].layer].push(v);
    }
    for (v, node) in ln.iter().enumerate() {
        if !seen[v] {
            rows[node.layer].push(v);
        }
    }
    rows
}

/// Sorts a layer by the barycenter (or median) of each node's neighbours in
/// the layer above (`use_up`) or below; a node without such neighbours is
/// keyed by its own place. Ties keep the current order. Updates `pos`.
fn sort_row(row: &mut [usize], pos: &mut [usize], ln: &[LNode], use_up: bool, median: bool) {
    let mut keyed: Vec<(f64, usize, usize)> = Vec::with_capacity(row.len());
    let mut scratch: Vec<usize> = Vec::new();
    for &v in row.iter() {
        let nb = if use_up { &ln[v].up } else { &ln[v].down };
        let key = if nb.is_empty() {
            pos[v] as f64
        } else if median && nb.len() > 2 {
            scratch.clear();
            scratch.extend(nb.iter().map(|&u| pos[u]));
            scratch.sort_unstable();
            let k = scratch.len();
            if k % 2 == 1 {
                scratch[k / 2] as f64
            } else {
                (scratch[k / 2 - 1] + scratch[k / 2]) as f64 / 2.0
            }
        } else {
            nb.iter().map(|&u| pos[u] as f64).sum::<f64>() / nb.len() as f64
        };
        keyed.push((key, pos[v], v));
    }
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, k) in keyed.into_iter().enumerate() {
        row[i] = k.2;
        pos[k.2] = i;
    }
}

/// One sifting pass: every node, by decreasing degree, moves to the place
/// in its layer with the fewest crossings against both neighbouring layers
/// (it stays on ties).
fn sift(rows: &mut [Vec<usize>], pos: &mut [usize], ln: &[LNode], window: usize) {
    let mut local = vec![0usize; ln.len()];
    // Per node of the row (by `local`): positions of its neighbours above
    // (nb[start..mid]) and below (nb[mid..start of the next]); the other
    // layers do not move while a row is sifted.
    let mut start: Vec<usize> = Vec::new();
    let mut mid: Vec<usize> = Vec::new();
    let mut nb: Vec<u32> = Vec::new();
    for row in rows.iter_mut() {
        start.clear();
        mid.clear();
        nb.clear();
        for (k, &v) in row.iter().enumerate() {
            local[v] = k;
            start.push(nb.len());
            nb.extend(ln[v].up.iter().map(|&u| pos[u] as u32));
            mid.push(nb.len());
            nb.extend(ln[v].down.iter().map(|&u| pos[u] as u32));
        }
        start.push(nb.len());
        let mut by_degree = row.clone();
        by_degree.sort_by_key(|&v| (usize::MAX - (ln[v].up.len() + ln[v].down.len()), pos[v]));
        for v in by_degree {
            let here = pos[v];
            let kv = local[v];
            let (v_up, v_down) = (&nb[start[kv]..mid[kv]], &nb[mid[kv]..start[kv + 1]]);
            // cost: crossings of v's edges with v at slot s (after s other
            // nodes), relative to slot lo; passing others[s] moves v from
            // slot s to s + 1. Slots within `window` of here.
            let lo = here.saturating_sub(window);
            let hi = here.saturating_add(window).min(row.len() - 1);
            let (mut cost, mut best, mut best_slot, mut at_here) = (0i64, 0i64, lo, 0i64);
            for s in lo..hi {
                let w = if s < here { row[s] } else { row[s + 1] };
                let kw = local[w];
                let mut d = 0i64;
                for (vs, ws) in [
                    (v_up, &nb[start[kw]..mid[kw]]),
                    (v_down, &nb[mid[kw]..start[kw + 1]]),
                ] {
                    for &x in vs {
                        for &y in ws {
                            d += (y > x) as i64 - (x > y) as i64;
                        }
                    }
                }
                cost += d;
                if cost < best {
                    best = cost;
                    best_slot = s + 1;
                }
                if s + 1 == here {
                    at_here = cost;
                }
            }
            if best < at_here {
                row.remove(here);
                row.insert(best_slot, v);
                let (lo, hi) = (here.min(best_slot), here.max(best_slot));
                for (i, &w) in row.iter().enumerate().take(hi + 1).skip(lo) {
                    pos[w] = i;
                }
            }
        }
    }
}

/// Crossings among the edges of `u` (left) and `v` (right) towards one
/// neighbouring layer: pairs (a of u, b of v) with a placed after b.
/// Degrees are small, so the double loop beats sorting.
fn pair_crossings(a: &[usize], b: &[usize], pos: &[usize]) -> usize {
    let mut total = 0;
    for &x in a {
        for &y in b {
            total += (pos[x] > pos[y]) as usize;
        }
    }
    total
}

/// Local improvement: swap adjacent nodes of a layer while that removes
/// crossings with both neighbouring layers; at most `rounds` passes.
fn transpose(rows: &mut [Vec<usize>], pos: &mut [usize], ln: &[LNode], rounds: usize) {
    for _ in 0..rounds {
        let mut improved = false;
        for row in rows.iter_mut() {
            for i in 0..row.len().saturating_sub(1) {
                let (u, v) = (&ln[row[i]], &ln[row[i + 1]]);
                let now = pair_crossings(&u.up, &v.up, pos) + pair_crossings(&u.down, &v.down, pos);
                let swapped =
                    pair_crossings(&v.up, &u.up, pos) + pair_crossings(&v.down, &u.down, pos);
                if swapped < now {
                    pos[row[i]] = i + 1;
                    pos[row[i + 1]] = i;
                    row.swap(i, i + 1);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between every pair of adjacent layers (Barth–Jünger–Mutzel:
/// sort edges by upper position, count inversions of lower positions).
fn count_crossings(rows: &[Vec<usize>], pos: &[usize], ln: &[LNode]) -> usize {
    let mut total = 0usize;
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for l in 0..rows.len().saturating_sub(1) {
        pairs.clear();
        for &u in &rows[l] {
            for &v in &ln[u].down {
                pairs.push((pos[u], pos[v]));
            }
        }
        pairs.sort_unstable();
        let size = rows[l + 1].len();
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, p)) in pairs.iter().enumerate() {
            // Edges already inserted whose lower end is right of p cross this one.
            let mut i = p + 1;
            let mut le = 0usize;
            while i > 0 {
                le += tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen - le;
            let mut i = p + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Positions closest (weighted least squares) to `desired`, keeping the
/// order and at least `seps[i]` between item i-1 and i. Pool adjacent
/// violators on the offset-shifted targets; O(n).
pub fn constrained_fit(desired: &[f64], weight: &[f64], seps: &[f64]) -> Vec<f64> {
    let n = desired.len();
    let mut offset = vec![0.0f64; n];
    for i in 1..n {
        offset[i] = offset[i - 1] + seps[i];
    }
    // Blocks: (weighted mean, total weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let w = weight[i].max(1e-9);
        blocks.push((desired[i] - offset[i], w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(n);
    for (m, _, c) in blocks {
        for _ in 0..c {
            let i = out.len();
            out.push(m + offset[i]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> Vec<Size> {
        (0..n)
            .map(|i| Size {
                width: 80.0 + (i % 3) as f64 * 30.0,
                height: 36.0,
            })
            .collect()
    }

    fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    fn assert_no_overlap(l: &Layout) {
        for i in 0..l.nodes.len() {
            for j in i + 1..l.nodes.len() {
                assert!(
                    !overlaps(&l.nodes[i], &l.nodes[j]),
                    "{i} {:?} overlaps {j} {:?}",
                    l.nodes[i],
                    l.nodes[j]
                );
            }
        }
    }

    /// A pseudo-random DAG with fan-in and long edges.
    fn dag(n: usize, seed: u64) -> Vec<(usize, usize)> {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut e = Vec::new();
        for v in 1..n {
            for _ in 0..(1 + next() % 3) {
                let back = 1 + (next() % (v as u64).min(12)) as usize;
                e.push((v - back, v));
            }
        }
        e
    }

    #[test]
    fn edges_point_left_to_right_and_boxes_do_not_overlap() {
        let e = dag(150, 7);
        let l = layout(&sizes(150), &e, &Options::default());
        assert!(l.reversed.is_empty());
        for &(a, b) in &e {
            assert!(l.nodes[a].layer < l.nodes[b].layer, "edge {a}->{b}");
            assert!(l.nodes[a].x + l.nodes[a].width < l.nodes[b].x);
        }
        assert_no_overlap(&l);
        // Every edge polyline moves strictly rightwards and ends on its boxes.
        for p in &l.edges {
            assert!(p.points.windows(2).all(|w| w[0].x < w[1].x));
            let (a, b) = (&l.nodes[p.from], &l.nodes[p.to]);
            assert_eq!(p.points[0].x, a.x + a.width);
            assert_eq!(p.points.last().unwrap().x, b.x);
            // Two points per column passed (or one where a box fills its
            // column), horizontal inside it.
            assert!(p.points.len() > b.layer - a.layer);
            assert!(p.points.len() <= 2 * (b.layer - a.layer + 1));
            let slanted = p.points.windows(2).filter(|w| w[0].y != w[1].y).count();
            assert!(slanted <= b.layer - a.layer, "one slant per gap at most");
        }
        assert!(l.width > 0.0 && l.height > 0.0);
        assert!(l.nodes.iter().all(|b| b.x + b.width <= l.width + 1e-9
            && b.y + b.height <= l.height + 1e-9
            && b.y >= -1e-9));
    }

    #[test]
    fn curves_through_edge_points_including_degenerate_edges() {
        let p = |x, y| Point { x, y };
        assert_eq!(
            curve(&[p(0.0, 10.0), p(100.0, 30.0), p(200.0, 30.0)]),
            "M0.0,10.0 C50.0,10.0 50.0,30.0 100.0,30.0 C150.0,30.0 150.0,30.0 200.0,30.0"
        );
        assert_eq!(curve(&[p(1.25, 2.0)]), "M1.2,2.0");
        // Regression: an edge without points used to index `points[0]` and panic.
        assert_eq!(curve(&[]), "");
    }

    #[test]
    fn identical_input_gives_identical_output() {
        let e = dag(300, 99);
        let a = layout(&sizes(300), &e, &Options::default());
        let b = layout(&sizes(300), &e, &Options::default());
        assert_eq!(a, b);
    }

    #[test]
    fn trees_and_diamond_chains_have_no_crossings() {
        // A binary tree of 63 nodes, edges given in a scrambled order.
        let mut tree: Vec<(usize, usize)> = (1..63).map(|v| ((v - 1) / 2, v)).collect();
        tree.reverse();
        tree.swap(3, 40);
        let l = layout(&sizes(63), &tree, &Options::default());
        assert_eq!(l.crossings, 0);
        assert_eq!(l.layers, 6);
        // A chain of 10 diamonds: d_i -> (l_i, r_i) -> d_{i+1}.
        let mut e = Vec::new();
        for i in 0..10 {
            let (d, a, b, next) = (3 * i, 3 * i + 1, 3 * i + 2, 3 * i + 3);
            e.extend([(d, b), (a, next), (d, a), (b, next)]);
        }
        let l = layout(&sizes(31), &e, &Options::default());
        assert_eq!(l.crossings, 0);
        assert_eq!(l.layers, 21);
        assert_no_overlap(&l);
    }

    #[test]
    fn a_straight_chain_is_drawn_straight() {
        let e: Vec<_> = (0..9).map(|i| (i, i + 1)).collect();
        let l = layout(&sizes(10), &e, &Options::default());
        let cy: Vec<f64> = l.nodes.iter().map(|b| b.center().y).collect();
        assert!(cy.iter().all(|y| (y - cy[0]).abs() < 1e-9), "{cy:?}");
    }

    #[test]
    fn cycles_finish_and_are_reported() {
        // 0 -> 1 -> 2 -> 0, plus 2 -> 3, and a self-loop on 3.
        let e = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 3)];
        let l = layout(&sizes(4), &e, &Options::default());
        assert_eq!(l.reversed.len(), 1);
        assert_eq!(l.self_loops, vec![3]);
        assert_eq!(l.edges.len(), 4);
        let rev = l.edges.iter().find(|p| p.reversed).unwrap();
        assert_eq!((rev.from, rev.to), l.reversed[0]);
        assert_no_overlap(&l);
        // A big strongly connected graph: every node points at the next, in a ring.
        let ring: Vec<_> = (0..2000).map(|i| (i, (i + 1) % 2000)).collect();
        let l = layout(&sizes(2000), &ring, &Options::default());
        assert_eq!(l.reversed.len(), 1);
        assert_eq!(l.layers, 2000);
    }

    #[test]
    fn disconnected_components_do_not_overlap() {
        let mut e = dag(40, 3);
        e.extend(dag(40, 5).into_iter().map(|(a, b)| (a + 40, b + 40)));
        e.push((80, 81));
        let l = layout(&sizes(85), &e, &Options::default());
        // Component bounding boxes are disjoint.
        let bbox = |c: usize| {
            let bs: Vec<&NodeBox> = l.nodes.iter().filter(|b| b.component == c).collect();
            let top = bs.iter().map(|b| b.y).fold(f64::INFINITY, f64::min);
            let bottom = bs
                .iter()
                .map(|b| b.y + b.height)
                .fold(f64::NEG_INFINITY, f64::max);
            (top, bottom)
        };
        let comps = l.nodes.iter().map(|b| b.component).max().unwrap() + 1;
        assert_eq!(comps, 6); // two DAGs, one edge, three isolated nodes
        for c in 1..comps {
            assert!(
                bbox(c - 1).1 < bbox(c).0,
                "component {c} overlaps the one above"
            );
        }
        assert_no_overlap(&l);
    }

    #[test]
    fn constrained_fit_respects_order_and_spacing() {
        let y = constrained_fit(&[10.0, 10.0, 10.0], &[1.0, 1.0, 1.0], &[0.0, 5.0, 5.0]);
        assert_eq!(y, vec![5.0, 10.0, 15.0]);
        let y = constrained_fit(&[0.0, 100.0], &[1.0, 1.0], &[0.0, 5.0]);
        assert_eq!(y, vec![0.0, 100.0]);
    }

    /// Proper intersections between the polylines of different edges (the
    /// counter of tests/browser/layout-compare.mjs, all pairs).
    fn drawn_crossings(l: &Layout) -> usize {
        let mut segs: Vec<(Point, Point, usize)> = Vec::new();
        for (e, p) in l.edges.iter().enumerate() {
            for w in p.points.windows(2) {
                segs.push((w[0], w[1], e));
            }
        }
        let orient = |a: Point, b: Point, c: Point| {
            let v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
            (v > 0.0) as i32 - (v < 0.0) as i32
        };
        let mut total = 0;
        for i in 0..segs.len() {
            for j in i + 1..segs.len() {
                let ((a, b, e), (c, d, f)) = (segs[i], segs[j]);
                if e != f
                    && orient(a, b, c) * orient(a, b, d) < 0
                    && orient(c, d, a) * orient(c, d, b) < 0
                {
                    total += 1;
                }
            }
        }
        total
    }

    #[test]
    fn drawn_crossings_are_the_counted_ones() {
        // Edges run horizontally inside each column and straight across each
        // gap, so the polylines cross exactly as often as the layers say
        // (before, boxes narrower than their column let edges cross inside it).
        for (n, seed) in [(150, 7), (120, 11), (60, 5)] {
            let e = dag(n, seed);
            let l = layout(&sizes(n), &e, &Options::default());
            assert!(l.crossings > 0, "seed {seed}");
            assert_eq!(drawn_crossings(&l), l.crossings, "seed {seed}");
        }
    }

    #[test]
    fn k22_has_its_one_unavoidable_crossing() {
        let e = [(0, 2), (0, 3), (1, 2), (1, 3)];
        let l = layout(&sizes(4), &e, &Options::default());
        assert_eq!(l.crossings, 1);
        assert_eq!(drawn_crossings(&l), 1);
    }

    #[test]
    fn a_scrambled_level_planar_graph_gets_no_crossings() {
        // A 6 x 7 grid, (i, j) -> (i + 1, j) and (i, j) -> (i + 1, j + 1):
        // drawn in grid order it has no crossing. Node numbers and edge order
        // scrambled so that the input order is far from that drawing.
        let (cols, rows) = (6usize, 7usize);
        let n = cols * rows;
        let id = |i: usize, j: usize| (i * rows + j) * 17 % n; // 17 is coprime with 42
        let mut e = Vec::new();
        for i in 0..cols - 1 {
            for j in 0..rows {
                e.push((id(i, j), id(i + 1, j)));
                if j + 1 < rows {
                    e.push((id(i, j), id(i + 1, j + 1)));
                }
            }
        }
        e.reverse();
        e.rotate_left(13);
        let l = layout(&sizes(n), &e, &Options::default());
        assert_eq!(l.crossings, 0);
        assert_eq!(drawn_crossings(&l), 0);
        assert_no_overlap(&l);
    }

    #[test]
    fn a_node_feeding_more_than_it_reads_moves_next_to_its_consumers() {
        // 0 -> 1 -> 2 -> 3 and 2 -> 5; 4 reads 0 and feeds 3 and 5: it sits in
        // column 2 (edges of length 1 to 3 and 5), not column 1.
        let e = [(0, 1), (1, 2), (2, 3), (0, 4), (4, 3), (4, 5), (2, 5)];
        let l = layout(&sizes(6), &e, &Options::default());
        let layers: Vec<usize> = l.nodes.iter().map(|b| b.layer).collect();
        assert_eq!(layers, vec![0, 1, 2, 3, 2, 3]);
    }

    #[test]
    fn crossing_count_is_exact() {
        // Two layers, complete bipartite K(3,3): 3 choose 2 squared = 9 crossings.
        let e: Vec<_> = (0..3).flat_map(|a| (3..6).map(move |b| (a, b))).collect();
        let l = layout(&sizes(6), &e, &Options::default());
        assert_eq!(l.crossings, 9);
    }
}
