//! Real dbt artifacts from a public project (../shared/dbt: coderxio/sagerx,
//! manifest v12 and run_results v6 from `dbt docs generate`) decode into a
//! run with the exact counts of the project, and its lineage lays out.

use runlens::core::dbt::read;
use runlens::core::graph::Options;
use runlens::core::lineage::Lineage;
use runlens::core::model::Status;
use std::path::Path;

#[test]
fn sagerx_manifest_v12_and_run_results_v6() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/dbt");
    let (Ok(manifest), Ok(results)) = (
        std::fs::read_to_string(dir.join("sagerx-manifest-v12.json")),
        std::fs::read_to_string(dir.join("sagerx-run_results-v6.json")),
    ) else {
        assert!(
            std::env::var("CI").is_err(),
            "../shared/dbt is missing in CI"
        );
        eprintln!("skipped: ../shared/dbt is not next to this checkout");
        return;
    };
    let d = read(&manifest, &results, None).expect("reads");
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    assert_eq!(d.dbt_version, "1.9.3");
    assert_eq!(d.command.as_deref(), Some("docs generate"));
    let r = &d.run;
    assert_eq!(r.id.as_str(), "f55d52bb75cb436d9fb6fa27db3f81e9");
    assert_eq!(r.status, Status::Complete);
    let kinds = |k: &str| r.models.iter().filter(|m| m.kind == k).count();
    assert_eq!(r.models.len(), 106 + 1 + 30, "models, the seed and sources");
    assert_eq!(kinds("source"), 30);
    assert_eq!(kinds("seed"), 1);
    assert_eq!(r.executions.len(), 107);
    assert_eq!(r.audits.len(), 59);
    assert!(r.executions.iter().all(|e| e.status == Status::Complete));
    assert!(
        r.audits.iter().all(|a| !a.model.is_empty()),
        "every test is attached to a node"
    );
    assert!(r
        .models
        .iter()
        .filter(|m| m.kind != "source" && m.kind != "seed")
        .all(|m| m.definition.is_some()));
    assert_eq!(d.logs.len(), 166);

    let lineage = Lineage::from_run(r);
    assert_eq!(lineage.len(), 137, "no upstream name outside the project");
    assert!(lineage.external.iter().all(|e| !e));
    let layout = lineage.layout(&Options::default());
    assert!(layout.reversed.is_empty() && layout.self_loops.is_empty());
    for &(a, b) in &lineage.edges {
        assert!(layout.nodes[a].layer < layout.nodes[b].layer);
    }
    assert!(layout.layers >= 4, "{} layers", layout.layers);
}
