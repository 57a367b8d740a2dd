//! Regressions in the reader.

use std::path::Path;
use std::process::Command;

use model::time::Instant;
use scenario::Scenario;

use crate::bad_input::{assert_rejected_at, assert_rejected_exactly_at};
use crate::common::one_campaign;

/// `one_campaign` with `extra` added to the inbox table.
fn with_inbox(extra: &str) -> String {
    one_campaign(10, "", "").replace("agents = 3", &format!("agents = 3\n{extra}"))
}

/// `one_campaign` with top-level tables (`[limits]`, `[carrier]`...) before the numbers.
fn with_tables(tables: &str) -> String {
    one_campaign(10, "", "").replace("[[numbers]]", &format!("{tables}\n[[numbers]]"))
}

/// The error `Scenario::parse` gives for `text`, as the user sees it.
fn message(text: &str) -> String {
    match Scenario::parse(Path::new("bad.toml"), text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Runs `campaign-sim validate` on `text` written next to `files` (name, contents); returns
/// (exit code, stdout, stderr).
fn validate(text: &str, files: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// --- stop_at and end against the outreach start ---

#[test]
fn stop_at_equal_to_start_is_rejected() {
    let text = one_campaign(10, "", "stop_at = \"2026-12-01T09:00\"");
    assert_rejected_at(&text, "stop_at =", "after its start");
}

#[test]
fn stop_at_before_start_is_rejected() {
    let text = one_campaign(10, "", "stop_at = \"2026-12-01T08:30\"");
    assert_rejected_at(&text, "stop_at =", "after its start");
}

#[test]
fn end_equal_to_start_is_rejected() {
    let text = one_campaign(10, "", "end = \"2026-12-01T09:00\"");
    assert_rejected_at(&text, "end =", "end must be after its start");
}

// --- bounds on times, spreads and counts ---

#[test]
fn a_fixed_handle_time_of_1e30_is_rejected_at_its_value() {
    let text = with_inbox("handle_time = { dist = \"fixed\", value = 1e30 }");
    assert_rejected_exactly_at(&text, "1e30", "366 days");
}

#[test]
fn a_negative_fixed_time_is_rejected() {
    let text = with_inbox("handle_time = { dist = \"fixed\", value = -5 }");
    assert_rejected_exactly_at(&text, "-5", "366 days");
}

#[test]
fn time_parameters_beyond_a_year_are_rejected_where_written() {
    for (table, value) in [
        (
            "[carrier]\nlatency = { dist = \"exponential\", mean = \"400d\" }",
            "\"400d\"",
        ),
        (
            "[customers]\nreply_delay = { dist = \"lognormal\", median = 4e7, sigma = 1 }",
            "4e7",
        ),
        (
            "[customers]\nthink_time = { dist = \"uniform\", min = 0, max = \"1y 2d\" }",
            "\"1y 2d\"",
        ),
        (
            "[customers]\nthink_time = { dist = \"normal\", mean = 60, sd = 1e9 }",
            "1e9",
        ),
        (
            "[customers]\nthink_time = { dist = \"normal\", mean = -60, sd = 1 }",
            "-60",
        ),
    ] {
        assert_rejected_exactly_at(&with_tables(table), value, "366 days");
    }
    let text =
        with_inbox("handle_time = { dist = \"empirical\", values = [60, 1e12], weights = [1, 1] }");
    assert_rejected_at(&text, "handle_time", "366 days");
}

#[test]
fn a_lognormal_sigma_above_the_bound_is_rejected() {
    let text = with_inbox("handle_time = { dist = \"lognormal\", median = \"4m\", sigma = 12 }");
    assert_rejected_exactly_at(&text, "12 }", "`sigma`");
}

#[test]
fn nan_and_infinite_parameters_are_rejected() {
    for dist in [
        "{ dist = \"normal\", mean = nan, sd = 1 }",
        "{ dist = \"fixed\", value = inf }",
        "{ dist = \"uniform\", min = 0, max = inf }",
        "{ dist = \"empirical\", values = [nan], weights = [1] }",
        "{ dist = \"empirical\", values = [60], weights = [inf] }",
        "{ dist = \"beta\", alpha = inf, beta = 1 }",
    ] {
        let text = with_inbox(&format!("handle_time = {dist}"));
        assert_rejected_at(&text, "handle_time", "");
    }
}

#[test]
fn follow_ups_beyond_a_thousand_messages_are_rejected() {
    let text = with_tables("[customers]\nfollow_ups = { dist = \"geometric\", mean = 1e9 }");
    assert_rejected_exactly_at(&text, "1e9", "1000");
}

#[test]
fn a_count_written_as_a_duration_is_rejected() {
    let text = with_tables("[customers]\nfollow_ups = { dist = \"fixed\", value = \"5m\" }");
    assert_rejected_exactly_at(&text, "\"5m\"", "count");
}

#[test]
fn durations_beyond_a_year_are_rejected() {
    for (text, needle) in [
        (with_tables("[carrier]\nvalidity = \"400d\""), "\"400d\""),
        // Used to wrap around when turned into milliseconds.
        (
            with_tables("[carrier]\nvalidity = \"600000000y\""),
            "\"600000000y\"",
        ),
        (with_inbox("same_agent_window = \"2y\""), "\"2y\""),
        (
            with_inbox("sla = { within = \"500d\", target = 0.9 }"),
            "\"500d\"",
        ),
    ] {
        assert_rejected_exactly_at(&text, needle, "366 days");
    }
}

#[test]
fn segments_per_second_is_rejected_at_its_line() {
    let text = with_tables("[carrier]\nsegments_per_second = -0.5");
    assert_rejected_exactly_at(&text, "-0.5", "segments_per_second");
}

// --- limiter windows ---

#[test]
fn a_limit_window_of_zero_seconds_is_rejected() {
    let text =
        with_tables("[limits]\npacing = \"per_window\"\nwindows = [{ max = 8, per = \"0s\" }]");
    assert_rejected_exactly_at(&text, "\"0s\"", "per");
}

#[test]
fn a_limit_window_of_max_zero_is_rejected() {
    let text = with_tables("[limits]\nwindows = [{ max = 0, per = \"60s\" }]");
    assert_rejected_exactly_at(&text, "0, per", "max");
}

#[test]
fn an_empty_list_of_limit_windows_is_rejected() {
    let text = with_tables("[limits]\nwindows = []");
    assert_rejected_at(&text, "windows", "at least one window");
}

// --- date-times ---

#[test]
fn a_date_without_a_time_is_rejected_with_the_fix() {
    let text = one_campaign(10, "", "end = \"2026-12-02\"");
    assert_rejected_exactly_at(&text, "\"2026-12-02\"", "\"2026-12-02T00:00\"");
}

/// Simulation and outreach starts moved to the spring-forward day in New York.
fn spring_forward(outreach_start: &str) -> String {
    one_campaign(10, "", "")
        .replace(
            "start = \"2026-12-01T08:00\"",
            "start = \"2026-03-07T08:00\"",
        )
        .replace(
            "start = \"2026-12-01T09:00\"",
            &format!("start = \"{outreach_start}\""),
        )
}

#[test]
fn a_company_time_in_the_daylight_saving_gap_is_rejected() {
    let text = spring_forward("2026-03-08T02:30");
    assert_rejected_exactly_at(
        &text,
        "\"2026-03-08T02:30\"",
        "2026-03-08T02:30 does not exist in America/New_York: clocks jump from 02:00 to 03:00 that day",
    );
}

#[test]
fn a_named_zone_time_in_the_daylight_saving_gap_is_rejected() {
    let text = spring_forward("2026-03-29T01:15[Europe/London]");
    assert_rejected_exactly_at(
        &text,
        "\"2026-03-29T01:15[",
        "2026-03-29T01:15 does not exist in Europe/London: clocks jump from 01:00 to 02:00 that day",
    );
}

#[test]
fn a_repeated_hour_is_read_as_its_first_occurrence() {
    let text = one_campaign(10, "", "")
        .replace(
            "start = \"2026-12-01T08:00\"",
            "start = \"2026-11-01T01:30\"",
        )
        .replace(
            "start = \"2026-12-01T09:00\"",
            "start = \"2026-11-01T01:45[America/Chicago]\"",
        );
    let scn = crate::common::scenario(&text);
    // 01:30 EDT (UTC-4), not 01:30 EST an hour later.
    assert_eq!(scn.epoch.0.to_string(), "2026-11-01T05:30:00Z");
    // 01:45 CDT (UTC-5) is 06:45Z: 75 minutes after the start.
    assert_eq!(
        scn.campaigns[0].outreaches[0].start,
        Instant::from_millis(75 * 60 * 1000)
    );
}

#[test]
fn a_named_zone_or_an_offset_is_not_read_as_company_time() {
    // 09:00 in Los Angeles is 12:00 in New York: 4 hours after the 08:00 simulation start.
    for start in [
        "2026-12-01T09:00[America/Los_Angeles]",
        "2026-12-01T09:00-08:00",
    ] {
        let text = one_campaign(10, "", "").replace(
            "start = \"2026-12-01T09:00\"",
            &format!("start = \"{start}\""),
        );
        let scn = crate::common::scenario(&text);
        assert_eq!(
            scn.campaigns[0].outreaches[0].start,
            Instant::from_millis(4 * 3600 * 1000),
            "{start}"
        );
    }
}

#[test]
fn a_malformed_date_time_asks_for_the_accepted_forms() {
    let shown = message(&one_campaign(10, "", "end = \"tomorrow 9am\""));
    for form in [
        "\"2026-12-01T09:00\"",
        "\"2026-12-01T09:00[America/Chicago]\"",
        "\"2026-12-01T09:00-06:00\"",
    ] {
        assert!(shown.contains(form), "{form} not in: {shown}");
    }
}

// --- messages in the words of the scenario file ---

#[test]
fn type_errors_are_in_planner_words_not_rust_types() {
    let inbox_cases = [
        "capacity = 3",
        "capacity = true",
        "capacity = { standard = 1.5 }",
        "capacity = { standard = -1 }",
        "capacity = { standard = 99999999999 }",
        "capacity = { standard = 999999999999999999999 }",
        "capacity = { standard = \"3\" }",
        "handle_time = 5",
        "handle_time = \"5m\"",
        "handle_time = true",
        "handle_time = [1, 2]",
        "handle_time = { value = 5 }",
        "handle_time = { dist = \"gamma\", value = 5 }",
        "handle_time = { dist = 5, value = 5 }",
        "handle_time = { dist = \"fixed\" }",
        "handle_time = { dist = \"fixed\", value = true }",
        "handle_time = { dist = \"fixed\", value = 5, x = 1 }",
        "handle_time = { dist = \"lognormal\", median = 5, sigma = \"1m\" }",
        "handle_time = { dist = \"empirical\", values = 5, weights = [1] }",
        "handle_time = { dist = \"empirical\", values = [5], weights = [\"x\"] }",
        "sla = 5",
        "sla = { within = 5, target = 0.9 }",
        "sla = { within = \"5m\", target = \"190%\" }",
        "background = 5",
        "background = { per_hour = \"x\" }",
        "background = { per_hour = [1, \"x\"] }",
        "background = { per_hour = { a = 1 } }",
        "same_agent_window = 5",
        "same_agent_window = { a = 1 }",
    ];
    let table_cases = [
        "[simulation2]",
        "[limits]\nwindows = 5",
        "[limits]\nwindows = [5]",
        "[limits]\nwindows = [{ max = -1, per = \"5m\" }]",
        "[limits]\nwindows = [{ max = 8.5, per = \"5m\" }]",
        "[limits]\npacing = 5",
        "[limits]\npacing = \"fast\"",
        "[limits]\nduplicates = true",
        "[limits]\nopt_out_scope = { a = 1 }",
        "[carrier]\noutcomes = 5",
        "[carrier]\noutcomes = { delivered = \"x\" }",
        "[carrier]\nsegments_per_second = \"x\"",
        "[carrier]\nlatency = 3",
        "[customers]\nreplies = 5",
        "[customers]\nreplies = [5]",
        "[customers]\nreplies = [{ body = 5, weight = 1 }]",
        "[customers]\nreply_rate = { dist = \"beta\", alpha = \"2\", beta = 18 }",
        "[customers]\nfollow_ups = 2",
        "limits = 5",
        "carrier = true",
    ];
    let mut texts: Vec<String> = inbox_cases.iter().map(|c| with_inbox(c)).collect();
    texts.extend(table_cases.iter().map(|c| with_tables(c)));
    for (campaign, outreach) in [
        ("message = 5", ""),
        ("message = { replies = \"lots\" }", ""),
        ("message = { replies = 5 }", ""),
        ("schedule = 5", ""),
        ("schedule = { mon = 5 }", ""),
        ("customers = 5", ""),
        ("", "overlap = 5"),
        ("", "overlap = { campaign = \"A\", fraction = \"x\" }"),
        ("", "end = 5"),
        ("", "end = 2026-12-02T09:00:00"),
    ] {
        texts.push(one_campaign(10, campaign, outreach));
    }
    texts.push(one_campaign(10, "", "").replace("[simulation]", "[simulation]\nseed = -1"));
    texts.push(one_campaign(10, "", "").replace("[simulation]", "[simulation]\nseed = 1.5"));
    texts.push(one_campaign(10, "", "").replace("agents = 3", "agents = \"six\""));
    texts.push(one_campaign(10, "", "").replace("recipients = { count = 10 }", "recipients = 10"));
    texts.push(one_campaign(10, "", "").replace(
        "recipients = { count = 10 }",
        "recipients = { count = -10 }",
    ));

    const RUST_WORDS: [&str; 16] = [
        "u8", "u16", "u32", "u64", "usize", "i32", "i64", "i128", "f32", "f64", "struct", "enum",
        "untagged", "variant", "sequence", "map",
    ];
    for text in &texts {
        let shown = message(text);
        let first = shown.lines().next().unwrap();
        let rust: Vec<&str> = first
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|w| RUST_WORDS.contains(w) || w.ends_with("File"))
            .collect();
        assert!(rust.is_empty(), "Rust words {rust:?} in: {first}");
    }

    let hint = |case: &str, expected: &str| {
        let shown = message(&with_inbox(case));
        assert!(shown.contains(expected), "{expected:?} not in: {shown}");
    };
    hint(
        "handle_time = 5",
        "{ dist = \"lognormal\", median = \"4m\", sigma = 0.6 }",
    );
    hint("handle_time = { value = 5 }", "lognormal (median, sigma)");
    hint(
        "capacity = { standard = 1.5 }",
        "a whole number like standard = 3",
    );
    hint("capacity = 3", "capacity = { standard = 3, maximum = 5 }");
}

#[test]
fn sla_target_written_as_a_percentage_is_reported_at_the_sla_with_the_share() {
    let text = with_inbox("sla = { within = \"5m\", target = 80 }");
    assert_rejected_exactly_at(&text, "80", "0.8");
}

#[test]
fn a_folder_given_as_a_recipient_list_points_at_the_scenario_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lists")).unwrap();
    let text = one_campaign(0, "", "").replace(
        "recipients = { count = 0 }",
        "recipients = { csv = \"lists\" }",
    );
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let line = text.lines().position(|l| l.contains("lists")).unwrap() + 1;
    assert!(
        stderr.contains(&format!("{}:{line}:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("folder"), "{stderr}");
}

#[test]
fn a_vanishing_segments_per_second_is_rejected() {
    // One segment per 1e300 seconds overflowed the carrier queue and delivered at once.
    let text = with_tables("[carrier]\nsegments_per_second = 1e-300");
    assert_rejected_exactly_at(&text, "1e-300", "segments_per_second");
}

#[test]
fn reply_weights_adding_up_to_infinity_are_rejected() {
    let text = with_tables(
        "[customers]\nreplies = [{ body = \"a\", weight = 1e308 }, { body = \"b\", weight = 1e308 }]",
    );
    assert_rejected_at(&text, "replies", "weight");
}

#[test]
fn an_inbox_of_billions_of_agents_is_rejected() {
    // Used to abort the run, allocating 16 GB for the agents.
    let text = one_campaign(10, "", "").replace("agents = 3", "agents = 4000000000");
    assert!(message(&text).contains("agents"));
}

// --- warnings from `validate` ---

#[test]
fn validate_warns_about_an_outreach_of_zero_recipients() {
    let text = one_campaign(0, "", "");
    let (code, stdout, stderr) = validate(&text, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("warning: outreach 1 of campaign \"A\" has no recipients"),
        "{stdout}"
    );
}

#[test]
fn validate_warns_about_a_recipient_list_with_only_a_header() {
    let text = one_campaign(0, "", "").replace(
        "recipients = { count = 0 }",
        "recipients = { csv = \"list.csv\" }",
    );
    let (code, stdout, stderr) = validate(&text, &[("list.csv", "phone,timezone\n")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("warning: outreach 1 of campaign \"A\" has no recipients"),
        "{stdout}"
    );
}

#[test]
fn nan_infinite_and_negative_thresholds_are_rejected_at_their_value() {
    for (table, condition, expected) in [
        ("campaign = \"A\"", "unreached = \"<= nan\"", "finite"),
        ("campaign = \"A\"", "unreached = \">= inf\"", "finite"),
        ("campaign = \"A\"", "sent = \"<= -inf\"", "finite"),
        ("campaign = \"A\"", "unreached = \"<= 1e400\"", "finite"),
        ("campaign = \"A\"", "unreached = \"<= -1\"", "negative"),
        (
            "inbox = \"Replies\"",
            "sla_attainment = \">= -5%\"",
            "negative",
        ),
        (
            "inbox = \"Replies\"",
            "utilization = \"< -0.5\"",
            "negative",
        ),
        ("inbox = \"Replies\"", "sla_attainment = \">= 90\"", "100%"),
    ] {
        let text = one_campaign(10, "", "") + &format!("[[expect]]\n{table}\n{condition}\n");
        let value = &condition[condition.find('"').unwrap()..];
        assert_rejected_exactly_at(&text, value, expected);
    }
}

#[test]
fn names_with_control_characters_are_rejected_where_written() {
    // A newline in a name let a scenario print a fake "ok ... expect" line of its own.
    for bad in [
        r"Order\nok   expect campaign:X unreached <= 1 (observed 0)",
        r"tab\there",
        r"esc\u001b[31mred",
        r"bidi\u202Eevil",
        r"next line\u0085",
        r"line separator\u2028",
        r"del\u007F",
    ] {
        let scenario =
            one_campaign(10, "", "").replace("name = \"one\"", &format!("name = \"{bad}\""));
        let campaign =
            one_campaign(10, "", "").replace("name = \"A\"", &format!("name = \"{bad}\""));
        let inbox = one_campaign(10, "", "").replace("\"Replies\"", &format!("\"{bad}\""));
        for text in [scenario, campaign] {
            assert_rejected_exactly_at(&text, &format!("\"{bad}\""), "control character");
        }
        assert_rejected_at(&inbox, &format!("name = \"{bad}\""), "control character");
    }
}

// --- issue 11: what a new user wrote ---

#[test]
fn an_sla_target_in_percent_is_read_as_a_share() {
    let text = with_inbox("sla = { within = \"5m\", target = \"90%\" }");
    let scn = Scenario::parse(Path::new("s.toml"), &text).unwrap();
    assert_eq!(scn.inboxes[0].sla_target, 0.9);
    let text = with_inbox("sla = { within = \"5m\", target = 0.9 }");
    let scn = Scenario::parse(Path::new("s.toml"), &text).unwrap();
    assert_eq!(scn.inboxes[0].sla_target, 0.9);
}

#[test]
fn an_sla_target_in_percent_outside_0_to_100_is_rejected_at_its_value() {
    let text = with_inbox("sla = { within = \"5m\", target = \"190%\" }");
    assert_rejected_exactly_at(&text, "\"190%\"", "at most 100%");
    let text = with_inbox("sla = { within = \"5m\", target = \"-5%\" }");
    assert_rejected_exactly_at(&text, "\"-5%\"", "0% or more");
    let text = with_inbox("sla = { within = \"5m\", target = \"most\" }");
    assert_rejected_exactly_at(&text, "\"most\"", "like 0.9 or \"90%\"");
}

#[test]
fn time_zone_shares_in_percent_are_read_as_shares() {
    let text = one_campaign(10, "", "").replace(
        "recipients = { count = 10 }",
        "recipients = { count = 10, timezones = { \"America/New_York\" = \"75%\", \"America/Chicago\" = 0.25 } }",
    );
    let scn = Scenario::parse(Path::new("s.toml"), &text).unwrap();
    match &scn.campaigns[0].outreaches[0].recipients {
        scenario::Recipients::Generated { zones, .. } => {
            // In the order of their names: Chicago, New York.
            assert_eq!(zones.iter().map(|z| z.1).collect::<Vec<_>>(), [0.25, 0.75]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_body_words_string_is_answered_with_an_example_of_words() {
    let text = one_campaign(10, "", "").replace(
        "[[campaigns]]",
        "[[rules]]\nname = \"Orders\"\nwhen = { body_words = \"order\" }\nthen = { add_topic = \"Orders\" }\n[[campaigns]]",
    );
    let shown = message(&text);
    assert!(
        shown.contains("body_words = [\"order\", \"tracking\"]"),
        "{shown}"
    );
    assert!(!shown.contains("[1, 2]"), "{shown}");
}

#[test]
fn type_errors_give_an_example_of_the_key_written_not_of_another() {
    let cases = [
        (with_inbox("capacity = { standard = 1.5 }"), "standard = 3"),
        (
            one_campaign(10, "", "").replace("count = 10", "count = \"many\""),
            "count = 500",
        ),
        (
            with_tables("[customers]\nreply_rate = 0.1"),
            "reply_rate = { dist = \"beta\", alpha = 2, beta = 18 }",
        ),
        (
            with_tables("[customers]\nfollow_ups = 2"),
            "follow_ups = { dist = \"geometric\", mean = 1.4 }",
        ),
        (
            with_tables("[limits]\nwindows = { max = 8, per = \"60s\" }"),
            "windows = [{ max = 8, per = \"60s\" }]",
        ),
    ];
    for (text, expected) in cases {
        let shown = message(&text);
        assert!(shown.contains(expected), "{expected:?} not in: {shown}");
    }
}

#[test]
fn a_shift_that_ends_when_it_starts_is_refused_with_what_to_write() {
    let shift = |hours: &str| {
        one_campaign(10, "", "").replace(
            "agents = 3\n",
            &format!("[[inboxes.shifts]]\nagents = 2\ndays = \"daily\"\nhours = \"{hours}\"\n"),
        )
    };
    assert_rejected_exactly_at(&shift("22:00-22:00"), "\"22:00-22:00\"", "00:00-24:00");
    assert_rejected_exactly_at(&shift("00:00-00:00"), "\"00:00-00:00\"", "00:00-24:00");
    // A night shift is accepted, and so is one up to midnight written with an end of 00:00.
    for hours in ["22:00-06:00", "18:00-00:00", "20:00-02:00, 09:00-12:00"] {
        Scenario::parse(Path::new("s.toml"), &shift(hours)).unwrap();
    }
}
