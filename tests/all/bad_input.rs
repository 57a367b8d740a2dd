//! Bad scenario files: the real binary must exit 2 and name the file, line and column.

use std::path::PathBuf;
use std::process::Command;

use crate::common::one_campaign;

/// Writes `text` to a temp file, runs `campaign-sim run` on it, and returns (exit code, stderr).
fn run_bad(text: &str) -> (i32, String, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("report"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        path,
        dir,
    )
}

/// Asserts exit 2 and a message `FILE:LINE:COL: ...` pointing at the line holding `needle`.
pub(crate) fn assert_rejected_at(text: &str, needle: &str, expected: &str) {
    assert_rejected(text, needle, expected, false);
}

/// Like [`assert_rejected_at`], and the column is where `needle` starts: the offending value itself.
pub(crate) fn assert_rejected_exactly_at(text: &str, needle: &str, expected: &str) {
    assert_rejected(text, needle, expected, true);
}

fn assert_rejected(text: &str, needle: &str, expected: &str, with_column: bool) {
    let (code, stderr, path, dir) = run_bad(text);
    assert_eq!(code, 2, "stderr: {stderr}");
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
        .expect("needle in text");
    let prefix = if with_column {
        format!("{}:{line}:{column}:", path.display())
    } else {
        format!("{}:{line}:", path.display())
    };
    assert!(stderr.contains(&prefix), "expected {prefix} in: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dir.path().join("report").exists(),
        "no report for a bad file"
    );
}

#[test]
fn wrong_type() {
    let text = one_campaign(10, "", "").replace("agents = 3", "agents = \"six\"");
    assert_rejected_at(&text, "agents =", "invalid type");
}

#[test]
fn unknown_key_lists_the_valid_ones() {
    let text = one_campaign(10, "colour = \"blue\"", "");
    assert_rejected_at(&text, "colour", "expected one of");
}

#[test]
fn end_before_start() {
    let text = one_campaign(10, "", "end = \"2026-12-01T08:30\"");
    assert_rejected_at(&text, "end =", "end must be after its start");
}

#[test]
fn unknown_inbox() {
    let text = one_campaign(10, "", "").replace("inbox = \"Replies\"", "inbox = \"Nowhere\"");
    assert_rejected_at(&text, "Nowhere", "unknown inbox");
}

#[test]
fn reply_rate_above_one() {
    let text = one_campaign(10, "", "").replace(
        "[[numbers]]",
        "[customers]\nreply_rate = { dist = \"fixed\", value = 1.5 }\n[[numbers]]",
    );
    assert_rejected_at(&text, "reply_rate", "probability");
}

#[test]
fn bad_timezone() {
    let text = one_campaign(10, "", "").replace("America/New_York", "America/Atlantis");
    assert_rejected_at(&text, "Atlantis", "unknown time zone");
}

#[test]
fn bad_schedule_hours() {
    let text = one_campaign(10, "schedule = { mon = \"9am-5pm\" }", "");
    assert_rejected_at(&text, "schedule", "HH:MM");
}

#[test]
fn a_missing_file_is_bad_input_not_a_panic() {
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .args(["run", "no/such/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/scenario.toml"));
}

#[test]
fn a_bad_csv_row_names_the_csv_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("list.csv"),
        "phone,timezone\n+15550001111,America/Chicago\nnot-a-phone,America/Chicago\n",
    )
    .unwrap();
    let text = one_campaign(0, "", "").replace(
        "recipients = { count = 0 }",
        "recipients = { csv = \"list.csv\" }",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("validate")
        .arg(dir.path().join("s.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("list.csv:3:1:"), "{stderr}");
}

#[test]
fn a_missing_recipient_list_points_at_the_scenario_line() {
    let text = one_campaign(0, "", "").replace(
        "recipients = { count = 0 }",
        "recipients = { csv = \"nowhere.csv\" }",
    );
    assert_rejected_at(&text, "nowhere.csv", "cannot read the recipient list");
}

#[test]
fn an_inbox_with_agents_and_shifts_is_rejected_at_agents() {
    let shift = "[[inboxes.shifts]]\nagents = 2\ndays = \"mon-fri\"\nhours = \"08:00-16:00\"\n[[campaigns]]";
    let text = one_campaign(10, "", "").replacen("[[campaigns]]", shift, 1);
    assert_rejected_at(&text, "agents = 3", "not both");
}

#[test]
fn an_inbox_without_agents_or_shifts_is_rejected_at_its_name() {
    let text = one_campaign(10, "", "").replace("agents = 3\n", "");
    assert_rejected_at(
        &text,
        "name = \"Replies\"",
        "needs `agents = N` or `[[inboxes.shifts]]`",
    );
}

#[test]
fn a_shift_with_an_unknown_day_is_rejected_at_its_days() {
    let shift = "[[inboxes.shifts]]\nagents = 2\ndays = \"mon-fry\"\nhours = \"08:00-16:00\"\n[[campaigns]]";
    let text = one_campaign(10, "", "")
        .replace("agents = 3\n", "")
        .replacen("[[campaigns]]", shift, 1);
    assert_rejected_exactly_at(&text, "\"mon-fry\"", "unknown day \"fry\"");
}

#[test]
fn a_shift_with_bad_hours_or_no_agents_is_rejected_there() {
    let shift = |agents: u32, hours: &str| {
        format!(
            "[[inboxes.shifts]]\nagents = {agents}\ndays = \"daily\"\nhours = \"{hours}\"\n[[campaigns]]"
        )
    };
    let base = one_campaign(10, "", "").replace("agents = 3\n", "");
    let text = base.replacen("[[campaigns]]", &shift(2, "16:00-16:00"), 1);
    assert_rejected_exactly_at(&text, "\"16:00-16:00\"", "this shift");
    let text = base.replacen("[[campaigns]]", &shift(0, "08:00-16:00"), 1);
    assert_rejected_at(&text, "agents = 0", "at least 1 agent");
}

#[test]
fn a_shift_that_also_serves_an_unknown_or_its_own_inbox_is_rejected_at_the_name() {
    let shift = |also: &str| {
        format!(
            "[[inboxes.shifts]]\nagents = 2\ndays = \"daily\"\nhours = \"08:00-16:00\"\nalso = {also}\n[[campaigns]]"
        )
    };
    let base = one_campaign(10, "", "").replace("agents = 3\n", "");
    let text = base.replacen("[[campaigns]]", &shift("[\"Suport\"]"), 1);
    assert_rejected_exactly_at(&text, "\"Suport\"", "unknown inbox \"Suport\"");
    let text = base.replacen("[[campaigns]]", &shift("[\"Replies\"]"), 1);
    assert_rejected_exactly_at(&text, "\"Replies\"]", "serve their own already");
}

#[test]
fn a_routing_table_with_an_unknown_word_or_key_is_rejected_there() {
    let base = one_campaign(10, "", "");
    let text = base.replacen(
        "[[campaigns]]",
        "[routing]\nat_shift_end = \"leave\"\n[[campaigns]]",
        1,
    );
    assert_rejected_exactly_at(
        &text,
        "\"leave\"",
        "one of \"overtime\", \"handover\", \"requeue\"",
    );
    let text = base.replacen(
        "[[campaigns]]",
        "[routing]\nreopen = \"24h\"\n[[campaigns]]",
        1,
    );
    assert_rejected_at(&text, "reopen =", "reopen_window");
}
