//! Regressions in the outputs.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use campaign_sim::check::{self, Comparison, Side};
use model::record::{Observer, Record};
use model::time::{HOUR, Instant, MINUTE, Span};
use model::{
    AgentId, CampaignId, ConversationId, InboxId, NumberId, OutreachId, Pacing, Phone,
    RecipientRef, Row, Source, Window,
};
use sim::{Metrics, Timeline};

use crate::common::{TokenBucket, after, one_campaign, scenario, shipped};

/// Runs the real binary in `cwd`; returns the exit code and stdout + stderr.
fn campaign_sim(cwd: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Every name in `dir`, sorted, hidden ones included.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn named(name: &str) -> String {
    one_campaign(20, "", "").replace("name = \"one\"", &format!("name = {name:?}"))
}

#[test]
fn run_out_pointing_at_the_scenarios_folder_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scenarios")).unwrap();
    fs::write(dir.path().join("scenarios/s.toml"), named("s")).unwrap();
    let (code, out) = campaign_sim(
        dir.path(),
        &["run", "scenarios/s.toml", "--out", "scenarios"],
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("scenarios"),
        "the message names the folder: {out}"
    );
    assert_eq!(entries(&dir.path().join("scenarios")), ["s.toml"]);
    assert_eq!(entries(dir.path()), ["scenarios"], "no staging left behind");
}

#[test]
fn run_out_pointing_at_a_file_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let (code, out) = campaign_sim(dir.path(), &["run", "s.toml", "--out", "notes.txt"]);
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(entries(dir.path()), ["notes.txt", "s.toml"]);
}

#[test]
fn check_out_pointing_at_a_folder_it_did_not_write_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    fs::create_dir(dir.path().join("results")).unwrap();
    fs::write(dir.path().join("results/keep.txt"), "mine").unwrap();
    let (code, out) = campaign_sim(
        dir.path(),
        &["check", "s.toml", "--seeds", "1", "--out", "results"],
    );
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(entries(&dir.path().join("results")), ["keep.txt"]);
    assert_eq!(entries(dir.path()), ["results", "s.toml"]);
}

#[test]
fn an_empty_scenario_name_does_not_wipe_the_reports_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("")).unwrap();
    fs::create_dir(dir.path().join("reports")).unwrap();
    fs::write(dir.path().join("reports/README.md"), "mine").unwrap();
    let (code, out) = campaign_sim(dir.path(), &["run", "s.toml"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("reports/README.md")).unwrap(),
        "mine",
        "{out}"
    );
    if code != Some(2) {
        let written: Vec<String> = entries(&dir.path().join("reports"))
            .into_iter()
            .filter(|n| n != "README.md")
            .collect();
        assert_eq!(written.len(), 1, "one report folder: {written:?}");
        assert!(!written[0].starts_with('.'), "{written:?}");
        assert!(
            dir.path()
                .join("reports")
                .join(&written[0])
                .join("summary.json")
                .is_file()
        );
    }
}

#[test]
fn a_scenario_named_dot_dot_slash_victim_deletes_nothing_outside_reports() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("reports")).unwrap();
    fs::create_dir(dir.path().join("victim")).unwrap();
    fs::write(dir.path().join("victim/precious.txt"), "mine").unwrap();
    fs::create_dir(work.join("victim")).unwrap();
    fs::write(work.join("victim/precious.txt"), "mine").unwrap();
    fs::write(work.join("s.toml"), named("../victim")).unwrap();
    let (code, out) = campaign_sim(&work, &["run", "s.toml"]);
    assert!(matches!(code, Some(0 | 1)), "{out}");
    assert_eq!(entries(&dir.path().join("victim")), ["precious.txt"]);
    assert_eq!(entries(&work.join("victim")), ["precious.txt"]);
    assert_eq!(entries(dir.path()), ["victim", "work"]);
    let written = entries(&work.join("reports"));
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(!written[0].starts_with('.') && !written[0].contains(".."));
}

#[test]
fn a_scenario_name_too_long_for_a_folder_name_still_gets_its_report() {
    let dir = tempfile::tempdir().unwrap();
    // 300 bytes in 150 characters: past the 255 bytes a file name may take on common disks.
    let long = "é".repeat(150);
    fs::write(dir.path().join("s.toml"), named(&long)).unwrap();
    let (code, out) = campaign_sim(dir.path(), &["run", "s.toml"]);
    assert_eq!(code, Some(0), "{out}");
    let written = entries(&dir.path().join("reports"));
    assert_eq!(
        written,
        ["é".repeat(100)],
        "cut at 200 bytes, on a character"
    );
    assert!(
        out.contains(&format!("report: reports/{}", written[0])),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn out_naming_a_symlink_with_a_trailing_slash_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    std::os::unix::fs::symlink("empty", dir.path().join("linkempty")).unwrap();
    let (code, plain) = campaign_sim(dir.path(), &["run", "s.toml", "--out", "linkempty"]);
    assert_eq!(code, Some(2), "{plain}");
    assert!(plain.contains("symbolic link"), "{plain}");
    for out in ["linkempty/", "linkempty/.", "linkempty//"] {
        for command in [&["run", "s.toml"][..], &["check", "s.toml", "--seeds", "1"]] {
            let args = [command, &["--out", out]].concat();
            let (code, console) = campaign_sim(dir.path(), &args);
            assert_eq!(code, Some(2), "{args:?}: {console}");
            assert_eq!(console.lines().count(), 1, "the refusal alone: {console}");
            let wording = |s: &str| {
                s.replace(out, "linkempty")
                    .replace("the check results", "the report")
            };
            assert_eq!(wording(&console), wording(&plain), "{args:?}");
        }
    }
    assert_eq!(entries(dir.path()), ["empty", "linkempty", "s.toml"]);
    assert!(entries(&dir.path().join("empty")).is_empty());
}

#[test]
fn out_dot_leaves_no_staging_folders_behind() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    for args in [
        &["run", "s.toml", "--out", "."][..],
        &["check", "s.toml", "--seeds", "1", "--out", "."],
    ] {
        let (code, out) = campaign_sim(dir.path(), args);
        assert_eq!(code, Some(2), "{args:?}: {out}");
        assert_eq!(entries(dir.path()), ["s.toml"], "{args:?}");
    }
}

#[test]
fn a_refused_out_is_refused_before_simulating() {
    // Nineteen years of busy background traffic: minutes of simulation if it were run.
    let dir = tempfile::tempdir().unwrap();
    let long = named("long")
        .replace(
            "start = \"2026-12-01T08:00\"",
            "start = \"2026-12-01T08:00\"\nuntil = \"2045-12-01T08:00\"",
        )
        .replace("agents = 3", "agents = 50\nbackground = { per_hour = 300 }");
    fs::write(dir.path().join("s.toml"), long).unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .current_dir(dir.path())
        .args(["run", "s.toml", "--out", "notes.txt"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("still simulating after 10 s: the target was not checked first");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(2));
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn writing_refuses_a_target_that_appeared_while_simulating() {
    // `run` checks the target before simulating; this is the second check, at write time.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("appeared");
    fs::write(&file, "mine").unwrap();
    let folder = dir.path().join("folder");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("keep.txt"), "mine").unwrap();
    for target in [&file, &folder] {
        let written = report::write_folder(target, |staging| {
            fs::write(staging.join("summary.json"), "{}")
        });
        assert!(written.is_err(), "{}", target.display());
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    assert_eq!(entries(&folder), ["keep.txt"]);
    assert_eq!(entries(dir.path()), ["appeared", "folder"]);
}

#[test]
fn rerunning_into_a_report_folder_keeps_the_users_files_put_there() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    for (args, out) in [
        (&["run", "s.toml", "--out", "keep"][..], "keep"),
        (
            &["check", "s.toml", "--seeds", "1", "--out", "results"],
            "results",
        ),
    ] {
        let (code, console) = campaign_sim(dir.path(), args);
        assert_eq!(code, Some(0), "{console}");
        let report = entries(&dir.path().join(out));
        // Put there by the user, and the scenario itself run from inside the report folder.
        fs::write(dir.path().join(out).join("my-scenario.toml"), named("s")).unwrap();
        fs::write(dir.path().join(out).join("notes.md"), "notes").unwrap();
        let inside = format!("{out}/my-scenario.toml");
        let mut rerun = args.to_vec();
        rerun[1] = &inside;
        let (code, console) = campaign_sim(dir.path(), &rerun);
        assert_eq!(code, Some(2), "{console}");
        assert!(
            console.contains(&format!(
                "{out}/my-scenario.toml was not written by campaign-sim"
            )),
            "names the first foreign file: {console}"
        );
        let mut kept = report.clone();
        kept.extend(["my-scenario.toml".to_string(), "notes.md".to_string()]);
        kept.sort();
        assert_eq!(entries(&dir.path().join(out)), kept, "nothing touched");
        fs::remove_file(dir.path().join(out).join("my-scenario.toml")).unwrap();
        fs::remove_file(dir.path().join(out).join("notes.md")).unwrap();
        let (code, console) = campaign_sim(dir.path(), args);
        assert_eq!(code, Some(0), "a report alone is still replaced: {console}");
    }
    assert_eq!(entries(dir.path()), ["keep", "results", "s.toml"]);
}

#[test]
fn a_true_p50_of_fifteen_minutes_passes_wait_p50_at_most_15m_whole_run_and_per_interval() {
    let scn = scenario(
        &(one_campaign(0, "", "")
            + "[[expect]]\ninbox = \"Replies\"\nwait_p50 = \"<= 15m\"\n\
               [[expect]]\ninbox = \"Replies\"\nwait_p50 = \"<= 15m\"\nevery = \"1h\"\nbetween = \"09:00-17:00\"\n"),
    );
    let mut o = sim::run(&scn, &sim::Options::default());
    // Four conversations from 09:00 (an hour after the start); nearest rank: the 2nd of 4 is 900 s.
    let minutes = |m: u64| Span::from_millis(m * 60_000);
    let waits: [(Instant, Span); 4] = [
        (after(HOUR), minutes(0)),
        (after(HOUR + MINUTE), minutes(15)),
        (after(HOUR + 2 * MINUTE), minutes(15)),
        (after(HOUR + 3 * MINUTE), minutes(30)),
    ];
    let mut watch = (Metrics::new(&scn, &o.lists, &[0.0]), Timeline::new(&scn));
    let (source, phone, inbox) = (Source::Background, Phone(1), InboxId::new(0));
    for (k, &(arrived, wait)) in waits.iter().enumerate() {
        let conversation = ConversationId::new(k);
        let route = Record::Route {
            conversation,
            source,
            phone,
            inbox,
        };
        watch.observe(arrived, &route);
        // The metrics count waits, not who answered: one agent takes them all.
        let agent = AgentId::FIRST;
        let assign = Record::Assign {
            conversation,
            source,
            phone,
            inbox,
            agent,
        };
        watch.observe(arrived + wait, &assign);
    }
    watch.finish(o.end);
    o.inboxes[0] = watch.0.inboxes[0].clone();
    o.timeline.inboxes[0] = watch.1.inboxes[0].clone();
    let summary = report::summarize(&scn, &o);
    assert_eq!(summary.inboxes[0].wait_p50_s, 900.0);
    let [whole_run, per_interval] = &summary.expectations[..] else {
        panic!("two thresholds")
    };
    assert_eq!(
        (whole_run.observed, whole_run.passed),
        (900.0, true),
        "whole run"
    );
    assert_eq!(
        (per_interval.observed, per_interval.passed),
        (900.0, true),
        "per interval"
    );
}

fn with_threshold(condition: &str) -> String {
    one_campaign(300, "", "") + &format!("[[expect]]\ncampaign = \"A\"\n{condition}\n")
}

#[test]
fn check_names_the_worst_seed_in_the_thresholds_direction_not_the_first_failing_one() {
    let seeds = 10;
    // Replies per seed, from single runs made here, independently of `check`.
    let base = scenario(&with_threshold("replies = \">= 0\""));
    let replies: Vec<(u64, f64)> = (0..seeds)
        .map(|k| {
            let seed = base.seed + k;
            let o = sim::run(
                &base,
                &sim::Options {
                    seed,
                    ..Default::default()
                },
            );
            (seed, o.campaigns[0].replies as f64)
        })
        .collect();
    // Ties go to the lowest seed: `min_by`/`max_by` over seed order keep the first of equals.
    let most = *replies
        .iter()
        .rev()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    let least = *replies.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!(
        most.0 != base.seed && least.0 != base.seed,
        "the first seed must not be the extreme one for this test: {replies:?}"
    );
    let worst = |condition: &str| {
        let r = check::check(
            &[scenario(&with_threshold(&format!(
                "replies = \"{condition}\""
            )))],
            &check::Options {
                seeds,
                ..Default::default()
            },
        );
        let t = &r.scenarios[0].thresholds[0];
        (t.worst_seed, t.worst.observed)
    };
    assert_eq!(worst("<= 0"), most, "every run fails: the most replies");
    assert_eq!(worst("< 100000"), most, "every run passes: still the most");
    assert_eq!(
        worst(">= 100000"),
        least,
        "every run fails: the fewest replies"
    );
}

#[test]
fn check_with_zero_seeds_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    let (code, out) = campaign_sim(
        dir.path(),
        &["check", "s.toml", "--seeds", "0", "--out", "results"],
    );
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("--seeds"), "{out}");
    assert_eq!(entries(dir.path()), ["s.toml"]);
}

#[test]
fn check_with_more_seeds_than_a_run_can_hold_is_bad_usage_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), named("s")).unwrap();
    for seeds in ["18446744073709551615", "1000000000000", "100001"] {
        let (code, out) = campaign_sim(
            dir.path(),
            &["check", "s.toml", "--seeds", seeds, "--out", "results"],
        );
        assert_eq!(code, Some(2), "{seeds}: {out}");
        assert!(out.contains("--seeds") && out.contains("100000"), "{out}");
        assert_eq!(entries(dir.path()), ["s.toml"]);
    }
}

#[test]
fn a_breach_repeated_in_one_run_is_reported_once_with_its_count() {
    // A token bucket breaks both windows (8 per 60 s and 40 per 300 s): one invariant, twice.
    let r = check::check_with_limiters(
        &[shipped("single-500.toml")],
        &check::Options {
            seeds: 2,
            ..Default::default()
        },
        |_: &[Window], _: Pacing| TokenBucket::new(8),
    );
    let json = serde_json::to_value(&r).unwrap();
    let windows: Vec<&serde_json::Value> = json["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "send_window")
        .collect();
    let seeds: Vec<u64> = windows
        .iter()
        .map(|b| b["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, [1, 2], "one line per (invariant, campaign, seed)");
    for (b, breach) in windows
        .iter()
        .zip(r.breaches.iter().filter(|b| b.kind.name() == "send_window"))
    {
        let count = b["count"].as_u64().expect("a count");
        assert!(count >= 2, "{b}");
        let shown = breach.to_string();
        assert!(shown.contains(&format!("{count} times")), "{shown}");
        assert!(shown.contains("reproduce: campaign-sim run"), "{shown}");
        assert!(
            b["at"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-12-01 09:0")),
            "the first time: {b}"
        );
    }
}

#[test]
fn verify_determinism_says_where_two_runs_first_differ() {
    let scn = scenario(&one_campaign(3, "", ""));
    let send = |ms: u64, row: usize| {
        let to = RecipientRef {
            campaign: CampaignId::new(0),
            outreach: OutreachId::new(0),
            row: Row::new(row),
        };
        let phone = Phone(15_550_000 + row as u64);
        let number = NumberId::new(0);
        (Instant::from_millis(ms), Record::Send { to, phone, number })
    };
    let start = (
        Instant::START,
        Record::Start {
            campaign: CampaignId::new(0),
            outreach: OutreachId::new(0),
        },
    );
    let first = [
        start,
        send(3_600_000, 0),
        send(3_600_000, 1),
        send(3_600_000, 2),
    ];
    let mut second = first;
    second[2] = send(3_601_000, 2);
    let compare = |a: &[(Instant, Record)], b: &[(Instant, Record)]| {
        let mut c = Comparison::default();
        // Interleaved as `check` runs them: one record of each run at a time.
        for k in 0..a.len().max(b.len()) {
            if let Some(&r) = a.get(k) {
                c.offer(Side::First, r);
            }
            if let Some(&r) = b.get(k) {
                c.offer(Side::Second, r);
            }
        }
        c.finish()
    };
    assert!(compare(&first, &first).is_none());

    let d = compare(&first, &second).expect("they differ");
    assert_eq!(
        (d.index, d.first, d.second),
        (2, Some(first[2]), Some(second[2]))
    );
    let text = d.describe(&scn);
    for part in [
        "record 3",
        "2026-12-01 09:00:00.000 (t=3600000 ms)",
        "2026-12-01 09:00:01.000 (t=3601000 ms)",
        "send",
        "campaign \"A\"",
        "recipient 1",
        "recipient 2",
        "phone +15550001",
        "phone +15550002",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }

    // A run that ends early differs where the other goes on: known at once, nothing held.
    let mut c = Comparison::default();
    for &r in &first[..3] {
        c.offer(Side::First, r);
        c.offer(Side::Second, r);
    }
    c.ended(Side::Second);
    c.offer(Side::First, first[3]);
    c.offer(Side::First, first[0]);
    let d = c.finish().expect("the second run ended early");
    assert_eq!((d.index, d.first, d.second), (3, Some(first[3]), None));

    let d = compare(&first, &first[..3]).expect("one is shorter");
    assert_eq!((d.index, d.second), (3, None));
    assert!(
        d.describe(&scn).contains("ends after 3 records"),
        "{}",
        d.describe(&scn)
    );
}

/// One agent serving steady background traffic from 08:00 to 20:00: people wait minutes.
fn busy_inbox(thresholds: &str) -> String {
    one_campaign(0, "", "")
        .replace(
            "agents = 3",
            "agents = 1\ncapacity = { standard = 1 }\nbackground = { per_hour = 10 }\n\
             handle_time = { dist = \"exponential\", mean = \"5m\" }",
        )
        .replace(
            "start = \"2026-12-01T08:00\"",
            "start = \"2026-12-01T08:00\"\nuntil = \"2026-12-01T20:00\"",
        )
        + thresholds
}

#[test]
fn thresholds_that_differ_only_by_interval_and_over_are_shown_apart() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.toml"),
        busy_inbox(
            "[[expect]]\ninbox = \"Replies\"\nwait_p90 = \"<= 5m\"\n\
             [[expect]]\ninbox = \"Replies\"\nwait_p90 = \"<= 5m\"\nevery = \"1h\"\n\
             between = \"09:00-17:00\"\nover = \"p95\"\n",
        ),
    )
    .unwrap();
    let per_interval = "inbox:Replies wait_p90 <= 5m every 1h between 09:00-17:00, over p95";
    let (_, console) = campaign_sim(
        dir.path(),
        &["run", "s.toml", "--seed", "3", "--out", "out"],
    );
    let expects: Vec<&str> = console.lines().filter(|l| l.contains(" expect ")).collect();
    assert_eq!(expects.len(), 2, "{console}");
    assert!(
        expects[0].contains("inbox:Replies wait_p90 <= 5m (observed"),
        "{console}"
    );
    assert!(expects[1].contains(per_interval), "{console}");
    let html = fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    assert!(
        html.contains(&per_interval.replace('<', "&lt;")),
        "index.html"
    );
    let (_, check) = campaign_sim(
        dir.path(),
        &["check", "s.toml", "--seeds", "2", "--out", "c"],
    );
    assert!(check.contains(per_interval), "{check}");
}

/// The value after `observed ` in a line, up to `)` or `,`.
fn observed(line: &str) -> &str {
    let at = line.find("observed ").expect("an observed value") + "observed ".len();
    line[at..].split([')', ',', ';']).next().unwrap()
}

#[test]
fn observed_values_are_shown_in_their_units() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("s.toml"),
        busy_inbox(
            "[[expect]]\ninbox = \"Replies\"\nwait_p90 = \"<= 1m\"\n\
             [[expect]]\ninbox = \"Replies\"\nsla_attainment = \">= 99%\"\n\
             [[expect]]\ninbox = \"Replies\"\nutilization = \"<= 0.1\"\n\
             [[expect]]\ninbox = \"Replies\"\nmax_queue = \"<= 0\"\n",
        ),
    )
    .unwrap();
    let (_, console) = campaign_sim(dir.path(), &["run", "s.toml", "--out", "out"]);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out/summary.json")).unwrap()).unwrap();
    let inbox = &summary["inboxes"][0];
    let expects: Vec<&str> = console.lines().filter(|l| l.contains(" expect ")).collect();
    assert_eq!(expects.len(), 4, "{console}");
    let wait = observed(expects[0]);
    assert!(
        wait.chars()
            .all(|c| c.is_ascii_digit() || "dhms".contains(c))
            && wait.ends_with(['d', 'h', 'm', 's']),
        "a duration such as 14m11s: {wait:?}"
    );
    assert!(
        inbox["wait_p90_s"].as_f64().unwrap() > 60.0,
        "someone waits minutes"
    );
    let percent = |share: &serde_json::Value| format!("{:.1} %", share.as_f64().unwrap() * 100.0);
    assert_eq!(observed(expects[1]), percent(&inbox["sla_attainment"]));
    assert_eq!(observed(expects[2]), percent(&inbox["utilization"]));
    assert_eq!(observed(expects[3]), inbox["max_queue"].to_string());
    // The machine contract keeps raw numbers beside the text.
    assert_eq!(
        summary["expectations"][1]["observed"],
        inbox["sla_attainment"]
    );
    let html = fs::read_to_string(dir.path().join("out/index.html")).unwrap();
    for e in &expects {
        assert!(
            html.contains(&format!("<td>{}</td>", observed(e))),
            "{e} in index.html"
        );
    }
    let (_, check) = campaign_sim(
        dir.path(),
        &["check", "s.toml", "--seeds", "1", "--out", "c"],
    );
    let breach = check
        .lines()
        .find(|l| l.contains("wait_p90 <= 1m"))
        .expect("the wait threshold fails");
    assert_eq!(observed(breach), wait, "{breach}");
}

#[test]
fn customers_still_waiting_when_the_run_ended_were_left_out_of_the_waits() {
    // Nobody staffs the inbox: every reply waits until the run ends. Those waits must count,
    // or an inbox that answers nobody reports a 0 s p90 and 100 % SLA.
    let text = crate::common::one_campaign(500, "", "")
        .replace("agents = 3", "agents = 0")
        .replace(
            "[[numbers]]",
            "[customers]\nreply_rate = { dist = \"fixed\", value = 0.2 }\nreplies = [ { body = \"hi\", weight = 1 } ]\n[[numbers]]",
        );
    let scn = crate::common::scenario(&text);
    let o = crate::common::run_audited(&scn, 1);
    let s = report::summarize(&scn, &o);
    let inbox = &s.inboxes[0];
    assert!(inbox.arrivals > 50, "{} replies", inbox.arrivals);
    assert_eq!(inbox.unanswered, inbox.arrivals);
    assert!(inbox.wait_p90_s > 300.0, "p90 {} s", inbox.wait_p90_s);
    assert!(inbox.sla_attainment < 0.9, "SLA {}", inbox.sla_attainment);
}
