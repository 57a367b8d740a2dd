//! `campaign-sim init`: each example is written as shipped, with its recipient list, and
//! validates where it was written; an existing file is never overwritten.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scenario::Scenario;

const EXAMPLES: [(&str, &str); 3] = [
    ("black-friday", "black-friday.toml"),
    ("launch", "launch.toml"),
    ("single", "single-500.toml"),
];

fn campaign_sim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

#[test]
fn every_example_is_written_as_shipped_and_validates() {
    for (example, file) in EXAMPLES {
        let dir = tempfile::tempdir().unwrap();
        let out = campaign_sim(
            dir.path(),
            &["init", "plans/start.toml", "--example", example],
        );
        assert_eq!(out.status.code(), Some(0), "{example}: {out:?}");
        let written = dir.path().join("plans/start.toml");
        assert_eq!(
            std::fs::read(&written).unwrap(),
            std::fs::read(shipped(file)).unwrap(),
            "{example}"
        );
        // The schema its `#:schema` line names came with it.
        assert_eq!(
            std::fs::read(dir.path().join("plans/scenario.schema.json")).unwrap(),
            std::fs::read(shipped("scenario.schema.json")).unwrap(),
            "{example}"
        );
        // Its recipient list came with it: the scenario reads where it was written.
        Scenario::load(&written).unwrap_or_else(|e| panic!("{example}: {e}"));
        let validate = campaign_sim(dir.path(), &["validate", "plans/start.toml"]);
        assert_eq!(validate.status.code(), Some(0), "{example}: {validate:?}");
    }
}

#[test]
fn the_default_is_black_friday_in_scenario_toml_and_out_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = campaign_sim(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read(dir.path().join("scenario.toml")).unwrap(),
        std::fs::read(shipped("black-friday.toml")).unwrap()
    );
    let out = campaign_sim(
        dir.path(),
        &["init", "--out", "other.toml", "--example", "single"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    Scenario::load(&dir.path().join("other.toml")).unwrap();
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scenario.toml"), "keep me").unwrap();
    let out = campaign_sim(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("scenario.toml already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scenario.toml")).unwrap(),
        "keep me"
    );
    assert!(
        !dir.path().join("black-friday-list.csv").exists(),
        "nothing is written when one file cannot be"
    );

    // A recipient list of the same name but other rows is not overwritten either.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("black-friday-list.csv"), "phone,timezone\n").unwrap();
    let out = campaign_sim(dir.path(), &["init", "new.toml"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!dir.path().join("new.toml").exists());
}

#[test]
fn an_unknown_example_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = campaign_sim(dir.path(), &["init", "--example", "easter"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("black-friday, launch, single"), "{stderr}");
}
