//! The crate boundaries are the architecture: who may depend on whom is checked here, so a
//! convenient import cannot quietly undo it.

use std::collections::BTreeSet;
use std::path::Path;

/// The names under `[dependencies]` of a workspace crate's manifest.
fn dependencies(krate: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates")
        .join(krate)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

const OURS: [&str; 8] = [
    "model", "engine", "scenario", "sim", "audit", "report", "sweep", "sizing",
];

fn ours(krate: &str) -> BTreeSet<String> {
    dependencies(krate)
        .into_iter()
        .filter(|d| OURS.contains(&d.as_str()))
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Every crate of ours `krate` depends on, directly or through another.
fn reaches(krate: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo = vec![krate.to_string()];
    while let Some(next) = todo.pop() {
        for dep in ours(&next) {
            if found.insert(dep.clone()) {
                todo.push(dep);
            }
        }
    }
    found
}

#[test]
fn the_auditor_never_sees_the_engine_or_the_simulator() {
    assert_eq!(ours("audit"), set(&["model", "scenario"]));
    // Not through the scenario reader either.
    assert_eq!(reaches("audit"), set(&["model", "scenario"]));
}

#[test]
fn the_engine_depends_on_the_model_alone_and_does_no_io_or_randomness() {
    assert_eq!(ours("engine"), set(&["model"]));
    let all = dependencies("engine");
    for banned in [
        "rand",
        "rand_chacha",
        "rand_distr",
        "tokio",
        "csv",
        "serde_json",
        "toml",
    ] {
        assert!(!all.contains(banned), "the engine depends on {banned}");
    }
}

#[test]
fn the_model_depends_on_nothing_of_ours() {
    assert_eq!(ours("model"), set(&[]));
}

#[test]
fn reports_read_results_and_never_drive_the_engine() {
    assert!(!ours("report").contains("engine"));
}

#[test]
fn the_scenario_reader_knows_only_the_model() {
    assert_eq!(reaches("scenario"), set(&["model"]));
}

#[test]
fn sweeps_measure_runs_as_reports_do_and_never_drive_the_engine() {
    // A sweep's numbers must be single runs' numbers: it measures through `report`, and runs
    // through `sim`, never by configuring the engine itself.
    assert_eq!(ours("sweep"), set(&["model", "scenario", "sim", "report"]));
}

#[test]
fn every_crate_of_ours_is_named_here() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut named: Vec<String> = OURS.iter().map(|s| s.to_string()).collect();
    named.sort();
    assert_eq!(found, named);
}

#[test]
fn sizing_drives_runs_through_the_simulator_and_never_the_engine() {
    // It staffs a scenario and reads runs' records; the engine stays the simulator's business.
    assert_eq!(ours("sizing"), set(&["model", "scenario", "sim", "report"]));
    assert!(!ours("report").contains("sizing"));
    assert!(!ours("sim").contains("sizing"));
}
