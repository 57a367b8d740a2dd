//! Golden outputs: every file a run of each shipped scenario writes, by SHA-256. A change of
//! behaviour, chart or format shows up here as a named file, so it is made on purpose. After a
//! deliberate change, `UPDATE_GOLDEN=1 cargo test --release --test all golden` rewrites the list;
//! say in the commit why the outputs changed.
//!
//! Like every byte-identity promise of this project, it holds on machines with the same libm
//! (see the README on determinism).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

/// The shipped scenarios and the seed each is pinned at.
const RUNS: [(&str, u64); 4] = [
    ("single-500", 1),
    ("launch", 7),
    ("big", 1),
    ("black-friday", 2026),
];

/// `file -> sha256` of everything `run --trace` writes for `scenario` at `seed`.
fn digests(scenario: &str, seed: u64, dir: &Path) -> BTreeMap<String, String> {
    let out = dir.join(format!("{scenario}-{seed}"));
    let status = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{scenario}.toml")))
        .args(["--seed", &seed.to_string(), "--trace", "--out"])
        .arg(&out)
        .output()
        .unwrap()
        .status;
    // 1: a threshold failed for this seed; the report is written either way.
    assert!(matches!(status.code(), Some(0 | 1)), "{scenario}: {status}");
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let hash = Sha256::digest(std::fs::read(&path).unwrap());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        found.insert(format!("{scenario}-{seed}/{name}"), hex);
    }
    found
}

#[test]
fn every_shipped_scenario_writes_the_golden_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut found = BTreeMap::new();
    for (scenario, seed) in RUNS {
        found.extend(digests(scenario, seed, dir.path()));
    }
    let listed: String = found.iter().map(|(f, h)| format!("{h}  {f}\n")).collect();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/outputs.sha256");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &listed).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    let differing: Vec<&str> = listed
        .lines()
        .zip(expected.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.split("  ").nth(1).unwrap_or(a))
        .collect();
    assert!(
        differing.is_empty() && listed.lines().count() == expected.lines().count(),
        "outputs differ from tests/golden/outputs.sha256: {differing:?} (see this file's header)"
    );
}

/// The README shows two charts of `run scenarios/launch.toml` (its seed, 42) and what it prints;
/// they must be what the tool draws and says today, not those of an older build.
#[test]
fn the_readme_images_and_console_are_what_the_tool_draws_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("launch");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_readme_shows(
        "cargo run --release -- run scenarios/launch.toml",
        &["run", "scenarios/launch.toml"],
        (&out, "reports/launch"),
    );
    for chart in ["send_curves.png", "inbox_load.png"] {
        let drawn = std::fs::read(out.join(chart)).unwrap();
        let shown = std::fs::read(root.join("reports/example").join(chart)).unwrap();
        assert!(
            drawn == shown,
            "reports/example/{chart} is stale: copy it from `cargo run --release -- run scenarios/launch.toml`"
        );
    }
}

/// The README's sweep example, whose numbers its text reads out, is what `sweep` prints today.
#[test]
fn the_readme_sweep_example_is_what_sweep_prints() {
    let dir = tempfile::tempdir().unwrap();
    assert_readme_shows(
        "campaign-sim sweep scenarios/launch.toml --runs 100",
        &["sweep", "scenarios/launch.toml", "--runs", "100"],
        (&dir.path().join("sweep"), "reports/launch-sweep"),
    );
}

/// Runs `args` with `--out` the first of `out`, and compares what it prints (that folder read as
/// the second) with the README's block after `$ {command}`.
fn assert_readme_shows(command: &str, args: &[&str], (out, shown_as): (&Path, &str)) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .current_dir(root)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let printed = String::from_utf8(run.stdout)
        .unwrap()
        .replace(&out.display().to_string(), shown_as);
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let prompt = format!("$ {command}\n");
    let shown =
        &readme[readme.find(&prompt).expect("the README shows the command") + prompt.len()..];
    let shown = &shown[..shown.find("```").unwrap()];
    assert_eq!(
        shown, printed,
        "the README's example of `{command}` is stale: paste what it prints"
    );
}
