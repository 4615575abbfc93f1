//! Layout benchmark and converter.
//!
//!   runlens-layout                               generated DAGs of 100, 1,000, 5,000 and 20,000 nodes
//!   runlens-layout --sizes 1000,5000             other sizes
//!   runlens-layout --graph g.json [--out l.json] a graph file {"nodes": ["id", ...], "edges": [["from", "to"], ...]}
//!   runlens-layout --write-graph 1000 g.json     write a generated DAG as a graph file (to feed other engines)
//!
//! Prints per graph: nodes, edges, layers, milliseconds (median of the runs), edge crossings.
//! `--out` writes {"ms", "crossings", "nodes": [{"id", "x", "y", "width", "height"}], "edges": [{"from", "to", "points": [{"x", "y"}]}]}.
//! Build with `--release` for meaningful figures.

use runlens::core::graph::{layout, Layout, Options, Size};
use runlens::core::lineage::node_size;
use runlens::demo::synthetic_dag;
use serde::{Deserialize, Serialize};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Deserialize, Serialize)]
struct GraphFile {
    nodes: Vec<String>,
    edges: Vec<(String, String)>,
}

#[derive(Serialize)]
struct OutNode<'a> {
    id: &'a str,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

#[derive(Serialize)]
struct OutPoint {
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct OutEdge<'a> {
    from: &'a str,
    to: &'a str,
    points: Vec<OutPoint>,
}

#[derive(Serialize)]
struct OutLayout<'a> {
    /// Milliseconds of `layout` alone (median of the runs), for harnesses
    /// that compare engines without counting process start.
    ms: f64,
    /// Crossings between adjacent layers as the layout counts them.
    crossings: usize,
    nodes: Vec<OutNode<'a>>,
    edges: Vec<OutEdge<'a>>,
}

fn generated(n: usize) -> (Vec<String>, Vec<(usize, usize)>) {
    let (names, upstream) = synthetic_dag(n, 42);
    let edges = upstream
        .iter()
        .enumerate()
        .flat_map(|(to, ups)| ups.iter().map(move |&from| (from, to)))
        .collect();
    (names, edges)
}

fn measure(names: &[String], edges: &[(usize, usize)]) -> (Layout, f64) {
    let sizes: Vec<Size> = names.iter().map(|n| node_size(n)).collect();
    let opts = Options::default();
    let runs = if names.len() <= 5_000 { 5 } else { 3 };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let l = layout(&sizes, edges, &opts);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(l);
    }
    times.sort_by(f64::total_cmp);
    (last.expect("at least one run"), times[times.len() / 2])
}

fn row(label: &str, names: &[String], edges: &[(usize, usize)]) -> (Layout, f64) {
    let (l, ms) = measure(names, edges);
    println!(
        "{label:<24} {:>8} {:>8} {:>7} {:>10.1} {:>10}",
        names.len(),
        edges.len(),
        l.layers,
        ms,
        l.crossings
    );
    (l, ms)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(n) = get("--write-graph") {
        let (Ok(n), Some(path)) = (
            n.parse::<usize>(),
            args.iter()
                .position(|a| a == "--write-graph")
                .and_then(|i| args.get(i + 2)),
        ) else {
            eprintln!("usage: --write-graph N FILE");
            return ExitCode::FAILURE;
        };
        let (names, edges) = generated(n);
        let file = GraphFile {
            edges: edges
                .iter()
                .map(|&(a, b)| (names[a].clone(), names[b].clone()))
                .collect(),
            nodes: names,
        };
        if let Err(e) = std::fs::write(path, serde_json::to_string(&file).expect("serializable")) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
        println!(
            "wrote {} nodes, {} edges to {path}",
            file.nodes.len(),
            file.edges.len()
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "{:<24} {:>8} {:>8} {:>7} {:>10} {:>10}",
        "graph", "nodes", "edges", "layers", "ms", "crossings"
    );
    if let Some(path) = get("--graph") {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let g: GraphFile = match serde_json::from_str(&text) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{path} is not a graph file ({{\"nodes\": [..], \"edges\": [[from, to], ..]}}): {e}");
                return ExitCode::FAILURE;
            }
        };
        let index: std::collections::HashMap<&str, usize> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut edges = Vec::with_capacity(g.edges.len());
        for (a, b) in &g.edges {
            match (index.get(a.as_str()), index.get(b.as_str())) {
                (Some(&x), Some(&y)) => edges.push((x, y)),
                _ => {
                    eprintln!("edge {a} -> {b} names a node that is not in \"nodes\"");
                    return ExitCode::FAILURE;
                }
            }
        }
        let (l, ms) = row(&path, &g.nodes, &edges);
        if !l.reversed.is_empty() || !l.self_loops.is_empty() {
            println!(
                "cycles: {} edges reversed, {} self-loops",
                l.reversed.len(),
                l.self_loops.len()
            );
        }
        if let Some(out) = get("--out") {
            let doc = OutLayout {
                ms,
                crossings: l.crossings,
                nodes: l
                    .nodes
                    .iter()
                    .zip(&g.nodes)
                    .map(|(b, id)| OutNode {
                        id,
                        x: b.x,
                        y: b.y,
                        width: b.width,
                        height: b.height,
                    })
                    .collect(),
                edges: l
                    .edges
                    .iter()
                    .map(|e| OutEdge {
                        from: &g.nodes[e.from],
                        to: &g.nodes[e.to],
                        points: e
                            .points
                            .iter()
                            .map(|p| OutPoint { x: p.x, y: p.y })
                            .collect(),
                    })
                    .collect(),
            };
            if let Err(e) = std::fs::write(&out, serde_json::to_string(&doc).expect("serializable"))
            {
                eprintln!("cannot write {out}: {e}");
                return ExitCode::FAILURE;
            }
            println!("layout written to {out}");
        }
        return ExitCode::SUCCESS;
    }
    let sizes: Vec<usize> = get("--sizes")
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1_000, 5_000, 20_000]);
    for n in sizes {
        let (names, edges) = generated(n);
        row(&format!("generated-{n}"), &names, &edges);
    }
    ExitCode::SUCCESS
}
