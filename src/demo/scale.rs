//! The scale generator: synthetic projects of N models and M executions for
//! performance work (`runlens-gen --out DIR --models N --executions M`) and
//! the synthetic DAG of the layout benchmark.

use super::logs::long_log;
use super::rng::Rng;
use super::scenario::DEMO_NOW;
use super::{at, json, rfc, GeneratedFile};
use crate::core::wire::*;
use chrono::Duration;
use std::collections::BTreeSet;

/// A synthetic pipeline DAG of `n` models: layers of models grouped in
/// subject-area domains; each model reads 1 to 3 models (sometimes up to 6)
/// mostly from the previous layer and its own domain, sometimes from further
/// back, another domain, or a few widely used hub models.
/// Returns model names and, per model, the indices of its upstream models.
pub fn synthetic_dag(n: usize, seed: u64) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut rng = Rng::new(seed);
    let n = n.max(1);
    let layers = ((n as f64).sqrt() / 2.0).ceil().clamp(2.0, 60.0) as usize;
    let per_layer = n.div_ceil(layers);
    let domains = (per_layer / 6).max(1);
    let names: Vec<String> = (0..n)
        .map(|i| format!("layer_{:02}.model_{:05}", i / per_layer, i))
        .collect();
    let mut upstream: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ups) in upstream.iter_mut().enumerate().skip(per_layer) {
        let layer = i / per_layer;
        let slot = i % per_layer;
        let domain = slot * domains / per_layer;
        let fan_in = if rng.chance(0.1) {
            rng.range(4, 6)
        } else {
            rng.range(1, 3)
        } as usize;
        for _ in 0..fan_in {
            let back = if rng.chance(0.75) {
                1
            } else {
                rng.range(2, 4) as usize
            }
            .min(layer);
            let l = layer - back;
            let lo = l * per_layer;
            let len = ((l + 1) * per_layer).min(n) - lo;
            let u = if rng.chance(0.05) {
                lo + rng.range(0, (len / 100).max(1) as i64 - 1) as usize
            } else {
                let d = if rng.chance(0.85) {
                    domain
                } else {
                    rng.range(0, domains as i64 - 1) as usize
                };
                let (a, b) = (
                    d * len / domains,
                    ((d + 1) * len / domains).max(d * len / domains + 1),
                );
                lo + rng.range(a as i64, b as i64 - 1) as usize
            };
            if !ups.contains(&u) {
                ups.push(u);
            }
        }
    }
    (names, upstream)
}

/// A synthetic project of `models` models ([`synthetic_dag`]) and one run of
/// `executions` executions (models run for several hourly intervals when
/// `executions > models`), in an environment named `scale`.
pub fn scale_files(
    models: usize,
    executions: usize,
    log_lines: usize,
    seed: u64,
) -> Vec<GeneratedFile> {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let now = at(DEMO_NOW);
    let (names, up_idx) = synthetic_dag(models, seed);
    let models = names.len();
    let layers = ((models as f64).sqrt() / 2.0).ceil().clamp(2.0, 60.0) as usize;
    let per_layer = models.div_ceil(layers);
    let upstream: Vec<Vec<String>> = up_idx
        .iter()
        .map(|u| u.iter().map(|&i| names[i].clone()).collect())
        .collect();
    let start = now - Duration::hours(2);
    let per_model = executions.div_ceil(models).max(1);
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let mut execs = Vec::with_capacity(executions);
    'outer: for k in 0..per_model {
        for (i, name) in names.iter().enumerate() {
            if execs.len() >= executions {
                break 'outer;
            }
            let iv = start - Duration::hours((per_model - k) as i64);
            let s = start + Duration::seconds((i / per_layer) as i64 * 30 + rng.range(0, 20));
            let skipped = upstream[i].iter().any(|u| failed.contains(u));
            let fails = !skipped && rng.chance(0.004);
            if fails {
                failed.insert(name.clone());
            } else if skipped {
                failed.insert(name.clone()); // propagate skip downstream
            }
            let d = Duration::milliseconds(rng.range(300, 90_000));
            execs.push(ExecutionDto {
                model: name.clone(),
                status: if fails {
                    "failed"
                } else if skipped {
                    "skipped"
                } else {
                    "complete"
                }
                .into(),
                start: (!skipped).then(|| rfc(s)),
                end: (!skipped).then(|| rfc(s + d)),
                duration_ms: (!skipped).then(|| d.num_milliseconds()),
                interval_start: Some(rfc(iv)),
                interval_end: Some(rfc(iv + Duration::hours(1))),
                error: fails.then(|| {
                    format!(
                        "Runtime Error: division by zero in {name} (row {})",
                        rng.range(1, 99_999)
                    )
                }),
                log_id: None,
            });
        }
    }
    // The first failed execution (or the first one) carries the long log, when one is asked for.
    let long = (log_lines > 0).then(|| long_log("scale-long", log_lines, seed));
    if long.is_some() {
        let at = execs.iter().position(|e| e.status == "failed").unwrap_or(0);
        if let Some(e) = execs.get_mut(at) {
            e.log_id = Some("scale-long".into());
        }
    }
    let id = rng.hex32();
    let end = execs
        .iter()
        .filter_map(|e| e.end.clone())
        .max()
        .unwrap_or_else(|| rfc(start));
    let status = if execs.iter().any(|e| e.status == "failed") {
        "failed"
    } else {
        "complete"
    };
    let doc = RunDoc {
        id: id.clone(),
        environment: "scale".into(),
        status: status.into(),
        refreshed_at: Some(rfc(now)),
        start: rfc(start),
        end: Some(end.clone()),
        executions: execs,
        models: names
            .iter()
            .zip(upstream)
            .map(|(n, up)| ModelDto {
                name: n.clone(),
                kind: "INCREMENTAL_BY_TIME_RANGE".into(),
                cron: Some("@hourly".into()),
                interval_unit: Some("hour".into()),
                dialect: Some("duckdb".into()),
                upstream: up,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let act = ActivityDto {
        id: id.clone(),
        kind: "run".into(),
        status: status.into(),
        start: rfc(start),
        end: Some(end),
        ..Default::default()
    };
    vec![
        GeneratedFile {
            path: "environments.json".into(),
            contents: json(&EnvironmentsDoc {
                environments: vec![EnvironmentDto {
                    name: "scale".into(),
                    kind: "dev".into(),
                    model_count: models as u32,
                    last_run: Some(act.clone()),
                    last_plan: None,
                }],
            }),
        },
        GeneratedFile {
            path: "environments/scale/activity.json".into(),
            contents: json(&ActivityDoc {
                environment: "scale".into(),
                activity: vec![act],
            }),
        },
        GeneratedFile {
            path: format!("environments/scale/runs/{id}.json"),
            contents: json(&doc),
        },
    ]
    .into_iter()
    .chain(long.map(|l| GeneratedFile {
        path: "logs/scale-long.json".into(),
        contents: json(&l),
    }))
    .collect()
}
