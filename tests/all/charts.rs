//! What the charts and pages show a planner, read back from the SVGs and HTML a run writes: titles,
//! labels, legend entries and markers, and a page that reads on a phone's width.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `campaign-sim ARGS` and asserts it wrote its report (exit 1: a threshold failed).
fn cli(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn shipped_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// The report folder of `run` of a shipped scenario at `seed`, under `dir`.
fn run_report(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let out = dir.join(format!("{name}-{seed}"));
    let scenario = shipped_path(name);
    cli(&[
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

/// Asserts `html` lays out at a phone's width: the viewport tag, every table in a box that
/// scrolls sideways, long hashes allowed to wrap.
fn assert_fits_a_phone(html: &str) {
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#),
        "viewport tag"
    );
    let tables = html.matches("<table").count();
    assert!(tables > 0);
    assert_eq!(
        html.matches(r#"<div class="scroll"><table"#).count(),
        tables,
        "every table scrolls in its own box"
    );
    assert_eq!(html.matches("</table></div>").count(), tables);
    assert!(html.contains("code{overflow-wrap:anywhere"), "hashes wrap");
    assert!(html.contains("figure{margin:1em 0;overflow-x:auto}"));
}

#[test]
fn the_run_and_sweep_pages_fit_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "launch.toml", 7);
    assert_fits_a_phone(&std::fs::read_to_string(report.join("index.html")).unwrap());

    let out = dir.path().join("sweep");
    let scenario = shipped_path("single-500.toml");
    cli(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--runs",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_fits_a_phone(&std::fs::read_to_string(out.join("index.html")).unwrap());
}
