//! `campaign-sim schema`: its keys are exactly the reader's, every shipped scenario and every
//! example of the reference validate against it, an unknown key does not, and the copy shipped
//! beside the scenarios (which their `#:schema` line names) is the command's output.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::reference::{complete, reader_keys, toml_blocks};

fn schema() -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).unwrap()
}

/// A TOML text as the JSON value an editor validates.
fn as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).unwrap();
    serde_json::to_value(value).unwrap()
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Every key path the schema names, array entries entered.
fn schema_keys(schema: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, sub) in properties {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        out.insert(path.clone());
        schema_keys(sub.get("items").unwrap_or(sub), &path, out);
    }
}

#[test]
fn the_schema_names_exactly_the_keys_the_reader_accepts() {
    let mut keys = BTreeSet::new();
    schema_keys(&schema(), "", &mut keys);
    let reader = reader_keys();
    let missing: Vec<&String> = reader.difference(&keys).collect();
    let extra: Vec<&String> = keys.difference(&reader).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the schema lacks {missing:?} and has {extra:?} the reader rejects"
    );
}

#[test]
fn every_shipped_scenario_validates_against_the_schema() {
    let validator = validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let value = as_json(&std::fs::read_to_string(&path).unwrap());
            let found = errors(&validator, &value);
            assert!(found.is_empty(), "{}: {found:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} scenarios found");
}

#[test]
fn every_example_of_the_reference_validates_against_the_schema() {
    let validator = validator();
    let blocks = toml_blocks();
    let smallest: toml::Table = toml::from_str(blocks[0]).unwrap();
    for block in blocks {
        let fragment: toml::Table = toml::from_str(block).unwrap();
        let mut whole = smallest.clone();
        if fragment.contains_key("name") {
            whole = fragment;
        } else {
            complete(&mut whole, fragment);
        }
        let value = serde_json::to_value(toml::Value::Table(whole)).unwrap();
        let found = errors(&validator, &value);
        assert!(found.is_empty(), "{found:?}\n{block}");
    }
}

#[test]
fn unknown_keys_and_bad_words_fail_the_schema() {
    let validator = validator();
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/black-friday.toml"),
    )
    .unwrap();
    for (broken, what) in [
        (
            shipped.replace("[routing]", "[routing]\nzz_not_a_key = 1"),
            "a key in [routing]",
        ),
        (
            shipped.replace("agents = 4", "agent = 4"),
            "a shift's `agent`",
        ),
        (
            shipped.replace("pull = true", "pull = \"yes\""),
            "a string for a boolean",
        ),
        (
            shipped.replace("\"handover\"", "\"hand_over\""),
            "an unknown word",
        ),
        (
            shipped.replace("dist = \"beta\", alpha = 2", "dist = \"beta\", alpah = 2"),
            "a distribution's parameter",
        ),
    ] {
        assert_ne!(broken, shipped, "{what}: the edit did not apply");
        assert!(
            !validator.is_valid(&as_json(&broken)),
            "{what} passed the schema"
        );
    }
}

#[test]
fn the_shipped_schema_file_is_the_commands_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/scenario.schema.json");
    let mut expected = serde_json::to_string_pretty(&scenario::json_schema()).unwrap();
    expected.push('\n');
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        shipped == expected,
        "scenarios/scenario.schema.json differs from `campaign-sim schema`: \
         run `campaign-sim schema > scenarios/scenario.schema.json` (or UPDATE_SCHEMA=1 cargo \
         test --release --test all schema)"
    );
    assert_eq!(schema(), serde_json::from_str::<Value>(&expected).unwrap());
}
