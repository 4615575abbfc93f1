//! A layout as a job that can run elsewhere (the layout web worker): the
//! request and the answer as flat lists of numbers (sent as one
//! `Float64Array`, cheap to move between threads), a key that names a
//! request, and a small cache of finished layouts by key, so a graph shown
//! again (Explore re-opened, the 1-hop view toggled back) is not laid out
//! again.
//!
//! Decoding never panics: a list that is cut short, has a count that does
//! not fit or an index out of range is `None`.

use super::graph::{self, EdgePath, Layout, NodeBox, Options, Point, Size};
use std::sync::Arc;

/// Bumped when the encoding changes (a worker from an older build answers
/// `None`, never a wrong layout).
const FORMAT: f64 = 1.0;

/// Graphs from this many nodes up are laid out off the page's thread: a
/// smaller one takes a few milliseconds, less than starting the worker.
pub const OFF_THREAD_FROM: usize = 150;

/// What to lay out.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub sizes: Vec<Size>,
    pub edges: Vec<(usize, usize)>,
    pub options: Options,
}

impl Request {
    pub fn new(sizes: Vec<Size>, edges: Vec<(usize, usize)>) -> Request {
        Request {
            sizes,
            edges,
            options: Options::default(),
        }
    }

    /// The layout, here and now.
    pub fn run(&self) -> Layout {
        graph::layout(&self.sizes, &self.edges, &self.options)
    }

    /// True when this job is big enough to be worth a worker.
    pub fn is_big(&self) -> bool {
        self.sizes.len() >= OFF_THREAD_FROM
    }

    /// The first nine numbers of `encode` (and of what `key` hashes).
    fn header(&self, job: u32) -> [f64; 9] {
        let o = &self.options;
        [
            FORMAT,
            job as f64,
            self.sizes.len() as f64,
            self.edges.len() as f64,
            o.layer_gap,
            o.node_gap,
            o.component_gap,
            o.sweeps as f64,
            o.align_passes as f64,
        ]
    }

    /// `[FORMAT, job, n, m, layer_gap, node_gap, component_gap, sweeps,
    /// align_passes, (width, height) × n, (from, to) × m]`.
    pub fn encode(&self, job: u32) -> Vec<f64> {
        let mut out = Vec::with_capacity(9 + 2 * self.sizes.len() + 2 * self.edges.len());
        out.extend(self.header(job));
        for s in &self.sizes {
            out.extend([s.width, s.height]);
        }
        for &(a, b) in &self.edges {
            out.extend([a as f64, b as f64]);
        }
        out
    }

    /// The job number and the request, or `None` for a list that is not one.
    pub fn decode(data: &[f64]) -> Option<(u32, Request)> {
        let mut r = Reader::new(data);
        if r.next()? != FORMAT {
            return None;
        }
        let job = r.count(u32::MAX as usize)? as u32;
        let n = r.count(data.len() / 2)?;
        let m = r.count(data.len() / 2)?;
        let options = Options {
            layer_gap: r.finite()?,
            node_gap: r.finite()?,
            component_gap: r.finite()?,
            sweeps: r.count(64)?,
            align_passes: r.count(64)?,
        };
        let mut sizes = Vec::with_capacity(n);
        for _ in 0..n {
            sizes.push(Size {
                width: r.finite()?,
                height: r.finite()?,
            });
        }
        let mut edges = Vec::with_capacity(m);
        for _ in 0..m {
            edges.push((r.count(n)?, r.count(n)?));
        }
        r.done().then_some((
            job,
            Request {
                sizes,
                edges,
                options,
            },
        ))
    }

    /// Names the request: equal requests have equal keys. The FNV-1a hash
    /// of `encode(0)`'s bytes, read without building that list (a big
    /// lineage's request is asked its key on the page's thread).
    pub fn key(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut put = |x: f64| {
            for b in x.to_bits().to_le_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for x in self.header(0) {
            put(x);
        }
        for s in &self.sizes {
            put(s.width);
            put(s.height);
        }
        for &(a, b) in &self.edges {
            put(a as f64);
            put(b as f64);
        }
        h
    }
}

/// `[FORMAT, job, width, height, layers, crossings, n, (x, y, w, h, layer,
/// component) × n, m, (from, to, reversed, k, (x, y) × k) × m, r, (from,
/// to) × r, s, node × s]`.
pub fn encode_layout(job: u32, l: &Layout) -> Vec<f64> {
    let points: usize = l.edges.iter().map(|e| e.points.len()).sum();
    let mut out = Vec::with_capacity(
        10 + 6 * l.nodes.len() + 4 * l.edges.len() + 2 * points + 2 * l.reversed.len(),
    );
    out.extend([
        FORMAT,
        job as f64,
        l.width,
        l.height,
        l.layers as f64,
        l.crossings as f64,
        l.nodes.len() as f64,
    ]);
    for b in &l.nodes {
        out.extend([
            b.x,
            b.y,
            b.width,
            b.height,
            b.layer as f64,
            b.component as f64,
        ]);
    }
    out.push(l.edges.len() as f64);
    for e in &l.edges {
        out.extend([
            e.from as f64,
            e.to as f64,
            if e.reversed { 1.0 } else { 0.0 },
            e.points.len() as f64,
        ]);
        for p in &e.points {
            out.extend([p.x, p.y]);
        }
    }
    out.push(l.reversed.len() as f64);
    for &(a, b) in &l.reversed {
        out.extend([a as f64, b as f64]);
    }
    out.push(l.self_loops.len() as f64);
    out.extend(l.self_loops.iter().map(|&v| v as f64));
    out
}

/// The job number and the layout, or `None` for a list that is not one.
pub fn decode_layout(data: &[f64]) -> Option<(u32, Layout)> {
    let mut r = Reader::new(data);
    if r.next()? != FORMAT {
        return None;
    }
    let job = r.count(u32::MAX as usize)? as u32;
    let (width, height) = (r.finite()?, r.finite()?);
    let layers = r.count(data.len())?;
    let crossings = r.count(usize::MAX)?;
    let n = r.count(data.len() / 6)?;
    let mut nodes = Vec::with_capacity(n);
    for _ in 0..n {
        nodes.push(NodeBox {
            x: r.finite()?,
            y: r.finite()?,
            width: r.finite()?,
            height: r.finite()?,
            layer: r.count(data.len())?,
            component: r.count(data.len())?,
        });
    }
    let m = r.count(data.len() / 4)?;
    let mut edges = Vec::with_capacity(m);
    for _ in 0..m {
        let (from, to) = (r.count(n)?, r.count(n)?);
        let reversed = r.count(2)? == 1;
        let k = r.count(data.len() / 2)?;
        let mut points = Vec::with_capacity(k);
        for _ in 0..k {
            points.push(Point {
                x: r.finite()?,
                y: r.finite()?,
            });
        }
        edges.push(EdgePath {
            from,
            to,
            points,
            reversed,
        });
    }
    let rn = r.count(data.len() / 2)?;
    let mut reversed = Vec::with_capacity(rn);
    for _ in 0..rn {
        reversed.push((r.count(n)?, r.count(n)?));
    }
    let sn = r.count(data.len())?;
    let mut self_loops = Vec::with_capacity(sn);
    for _ in 0..sn {
        self_loops.push(r.count(n)?);
    }
    r.done().then_some((
        job,
        Layout {
            nodes,
            edges,
            width,
            height,
            layers,
            crossings,
            reversed,
            self_loops,
        },
    ))
}

/// Reads numbers off the front of a list.
struct Reader<'a> {
    data: &'a [f64],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [f64]) -> Reader<'a> {
        Reader { data, at: 0 }
    }

    fn next(&mut self) -> Option<f64> {
        let x = *self.data.get(self.at)?;
        self.at += 1;
        Some(x)
    }

    fn finite(&mut self) -> Option<f64> {
        self.next().filter(|x| x.is_finite())
    }

    /// A whole number below `limit` (a count or an index).
    fn count(&mut self, limit: usize) -> Option<usize> {
        let x = self.next()?;
        (x >= 0.0 && x.fract() == 0.0 && x < limit as f64).then_some(x as usize)
    }

    fn done(&self) -> bool {
        self.at == self.data.len()
    }
}

/// The last few layouts, by request key (the newest first).
#[derive(Debug, Default)]
pub struct Cache {
    entries: Vec<(u64, Arc<Layout>)>,
}

impl Cache {
    /// Layouts kept: enough for a graph, a few neighbourhoods and another
    /// run's graph.
    pub const KEEP: usize = 8;

    pub fn get(&mut self, key: u64) -> Option<Arc<Layout>> {
        let i = self.entries.iter().position(|(k, _)| *k == key)?;
        let e = self.entries.remove(i);
        let layout = e.1.clone();
        self.entries.insert(0, e);
        Some(layout)
    }

    pub fn put(&mut self, key: u64, layout: Arc<Layout>) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.insert(0, (key, layout));
        self.entries.truncate(Cache::KEEP);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dbt::fnv1a_bytes;

    fn diamond() -> Request {
        let s = |w: f64| Size {
            width: w,
            height: 44.0,
        };
        // A cycle (3 -> 0) and a self-loop (2 -> 2) so every part of a layout is used.
        Request::new(
            vec![s(180.0), s(150.0), s(210.5), s(160.0)],
            vec![(0, 1), (0, 2), (1, 3), (2, 3), (3, 0), (2, 2)],
        )
    }

    #[test]
    fn a_request_and_its_layout_survive_the_trip_exactly() {
        let req = diamond();
        let (job, back) = Request::decode(&req.encode(7)).unwrap();
        assert_eq!((job, &back), (7, &req));
        let l = req.run();
        assert_eq!(l.reversed.len(), 1);
        assert_eq!(l.self_loops, vec![2]);
        let (job, back) = decode_layout(&encode_layout(9, &l)).unwrap();
        assert_eq!(job, 9);
        assert_eq!(back, l);
        // A big graph's crossing count (millions) is a count like any other.
        let mut many = l.clone();
        many.crossings = 3_000_000_000;
        assert_eq!(decode_layout(&encode_layout(1, &many)).unwrap().1, many);
    }

    #[test]
    fn lists_that_are_not_a_request_or_a_layout_are_refused() {
        let req = diamond().encode(1);
        let l = encode_layout(1, &diamond().run());
        for data in [&req[..], &l[..]] {
            // Every truncation, one number more, and the wrong format.
            for cut in 0..data.len() {
                assert_eq!(Request::decode(&data[..cut]).map(|r| r.0), None);
                assert_eq!(decode_layout(&data[..cut]).map(|r| r.0), None);
            }
            let mut longer = data.to_vec();
            longer.push(0.0);
            assert!(Request::decode(&longer).is_none());
            assert!(decode_layout(&longer).is_none());
            let mut other = data.to_vec();
            other[0] = 2.0;
            assert!(Request::decode(&other).is_none());
            assert!(decode_layout(&other).is_none());
        }
        // An edge to a node that does not exist, a NaN size, a huge count.
        let mut bad = req.clone();
        let last = bad.len() - 1;
        bad[last] = 4.0;
        assert!(Request::decode(&bad).is_none());
        let mut bad = req.clone();
        bad[9] = f64::NAN;
        assert!(Request::decode(&bad).is_none());
        let mut bad = req.clone();
        bad[2] = 1e300;
        assert!(Request::decode(&bad).is_none());
        assert!(decode_layout(&[FORMAT, 0.0, 1.0, 1.0, 0.0, 0.0, 1e18]).is_none());
    }

    #[test]
    fn keys_name_requests() {
        let a = diamond();
        let mut b = diamond();
        assert_eq!(a.key(), b.key());
        b.edges.pop();
        assert_ne!(a.key(), b.key());
        let mut c = diamond();
        c.sizes[0].width += 0.5;
        assert_ne!(a.key(), c.key());
        // The hash of the encoded request, as it always was.
        for r in [a, b, c] {
            let bytes = r
                .encode(0)
                .into_iter()
                .flat_map(|x| x.to_bits().to_le_bytes());
            assert_eq!(r.key(), fnv1a_bytes(bytes));
        }
    }

    #[test]
    fn the_cache_keeps_the_most_recently_used_layouts() {
        let mut cache = Cache::default();
        let l = Arc::new(diamond().run());
        for k in 0..Cache::KEEP as u64 {
            cache.put(k, l.clone());
        }
        assert!(cache.get(0).is_some()); // 0 is now the newest
        cache.put(100, l.clone()); // 1 goes
        assert_eq!(cache.len(), Cache::KEEP);
        assert!(cache.get(1).is_none());
        assert!(cache.get(0).is_some());
        assert!(cache.get(100).is_some());
        cache.put(100, l);
        assert_eq!(cache.len(), Cache::KEEP);
    }

    #[test]
    fn big_jobs_are_those_worth_a_worker() {
        let s = Size {
            width: 1.0,
            height: 1.0,
        };
        assert!(!Request::new(vec![s; OFF_THREAD_FROM - 1], vec![]).is_big());
        assert!(Request::new(vec![s; OFF_THREAD_FROM], vec![]).is_big());
    }
}
