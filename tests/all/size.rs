//! `campaign-sim size`: the fewest agents per interval of the day that meet a target, found by
//! simulation with common random numbers. Held to the tests' own Erlang C where queueing theory
//! knows the answer, to fresh seeds where it does not, and to its own files.

use std::path::{Path, PathBuf};
use std::process::Command;

use model::InboxId;
use model::record::Record;
use model::time::{HOUR, Span};
use scenario::Scenario;
use sizing::{Options, Target};

use crate::common::{scenario, shipped};
use crate::erlang::{SLA_MINUTES, erlang_prediction};

fn options(scn: &Scenario, inbox: &str, target: &str, runs: u64, interval: Span) -> Options {
    Options {
        inbox: InboxId::new(
            scn.inboxes
                .iter()
                .position(|i| i.name == inbox)
                .expect("the inbox"),
        ),
        target: Target::parse(target).unwrap(),
        confidence: 0.9,
        runs,
        interval,
    }
}

/// An M/M/c inbox: background Poisson arrivals at `per_hour`, exponential 5-minute handle times,
/// one message per conversation, capacity 1, over four days.
fn poisson_inbox(per_hour: f64) -> String {
    format!(
        r#"
name = "poisson"
[simulation]
timezone = "UTC"
start = "2026-12-01T00:00"
until = "2026-12-05T00:00"
[customers]
follow_ups = {{ dist = "fixed", value = 1 }}
[[numbers]]
number = "+15550100"
inbox = "Queue"
[[inboxes]]
name = "Queue"
agents = 1
capacity = {{ standard = 1 }}
handle_time = {{ dist = "exponential", mean = "5m" }}
background = {{ per_hour = {per_hour} }}
[[campaigns]]
name = "Silent"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T00:00"
recipients = {{ count = 0 }}
"#
    )
}

/// The tests' Erlang C answer: the fewest servers whose P(wait <= 5m) reaches `share`.
fn erlang_agents(per_hour: f64, share: f64) -> u32 {
    let mu = 60.0 / 5.0;
    (1..1000)
        .find(|&c| erlang_prediction(c, per_hour, mu).service_level >= share)
        .unwrap()
}

#[test]
fn poisson_arrivals_are_sized_as_erlang_c_says_within_one_agent_at_every_load() {
    assert_eq!(SLA_MINUTES, 5.0);
    let mut lines = Vec::new();
    let mut failed = false;
    // a = 0.5, 2.4, 9 and 20 Erlangs; the last is heavy (about 23 agents at 87% occupancy).
    for per_hour in [6.0, 28.8, 108.0, 240.0] {
        let scn = scenario(&poisson_inbox(per_hour));
        // 15 runs: the fewest that can show confidence 0.9 (all must meet the target).
        let opts = options(&scn, "Queue", "80% within 5m", 15, 6 * HOUR);
        let sized = sizing::size(&scn, &opts, &mut |_| {}).unwrap();
        let expected = erlang_agents(per_hour, 0.8);
        for (k, &agents) in sized.staffing.iter().enumerate() {
            if agents.abs_diff(expected) > 1 {
                failed = true;
            }
            lines.push(format!(
                "{per_hour}/h interval {k}: simulation {agents}, Erlang C {expected}"
            ));
        }
    }
    eprintln!("{}", lines.join("\n"));
    assert!(!failed, "{}", lines.join("\n"));
}

/// A smaller campaign-driven inbox than the launch: replies of two campaigns (their reply rates
/// drawn per run), think times and follow-ups, three conversations per agent.
const CAMPAIGNS: &str = r#"
# Two campaigns whose replies share one inbox.
name = "two-campaigns"
[simulation]
seed = 7
timezone = "America/New_York"
start = "2026-12-01T08:00"
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"   # the inbox being sized
agents = 4
capacity = { standard = 3 }
handle_time = { dist = "lognormal", median = "4m", sigma = 0.6 }
[[campaigns]]
name = "Morning"
number = "+15550100"
message = { replies = "invite" }
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 1500 }
[[campaigns]]
name = "Noon"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T12:00"
recipients = { count = 1000 }
"#;

fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_campaign_inbox_sized_on_some_seeds_meets_the_target_on_fresh_ones() {
    let scn = scenario(CAMPAIGNS);
    let opts = options(&scn, "Replies", "80% within 5m", 20, HOUR);
    let sized = sizing::size(&scn, &opts, &mut |_| {}).unwrap();
    assert!(sized.staffing.iter().any(|&n| n > 0));
    // Fresh seeds: none of the search's (7..27).
    let fresh = sizing::evaluate_seeds(&scn, &opts, &sized.staffing, 10_000, 40);
    for k in 0..sized.staffing.len() {
        let met = sizing::runs_met(&fresh, k, 0.8);
        assert!(
            met as f64 >= 0.9 * 40.0,
            "interval {k} with {} agents met the target in {met} of 40 fresh runs",
            sized.staffing[k]
        );
    }
    // And one agent fewer in the busiest interval is not enough on the search's seeds: the
    // answer is the smallest, not merely a safe one.
    let (k, &most) = sized
        .staffing
        .iter()
        .enumerate()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .unwrap();
    let mut fewer = sized.staffing.clone();
    fewer[k] = most - 1;
    let runs = sizing::evaluate(&scn, &opts, &fewer);
    let met = sizing::runs_met(&runs, k, 0.8);
    assert!(
        sizing::wilson_lower(met, 20) < 0.9,
        "interval {k} holds with {} agents too ({met} of 20)",
        most - 1
    );
}

#[test]
fn candidate_staffings_meet_the_same_customers_at_the_same_times() {
    let scn = scenario(CAMPAIGNS);
    let opts = options(&scn, "Replies", "80% within 5m", 1, HOUR);
    let run = |agents: u32| {
        let staffed = sizing::staffed(&scn, opts.inbox, &[agents; 24], HOUR);
        sim::run(
            &staffed,
            &sim::Options {
                seed: 11,
                trace: true,
            },
        )
        .trace
    };
    let (few, many) = (run(1), run(12));
    let first_replies = |trace: &[(model::time::Instant, Record)]| -> Vec<_> {
        trace
            .iter()
            .filter_map(|&(t, r)| match r {
                Record::Reply {
                    phone,
                    follow_up: false,
                    body,
                    ..
                } => Some((t, phone, body)),
                _ => None,
            })
            .collect()
    };
    let waits = |trace: &[(model::time::Instant, Record)]| {
        trace
            .iter()
            .filter(|(_, r)| matches!(r, Record::Assign { .. }))
            .map(|(t, _)| *t)
            .collect::<Vec<_>>()
    };
    let replies = first_replies(&few);
    assert!(replies.len() > 50, "{} replies", replies.len());
    assert_eq!(replies, first_replies(&many));
    // The staffing did change what agents did.
    assert_ne!(waits(&few), waits(&many));
}

fn size_cmd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("size")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn written_shifts_parse_keep_comments_reproduce_the_search_and_meet_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_temp(dir.path(), "two.toml", CAMPAIGNS);
    let written = dir.path().join("staffed.toml");
    let out = dir.path().join("report");
    let o = size_cmd(&[
        input.to_str().unwrap(),
        "--inbox",
        "Replies",
        "--target",
        "80% within 5m",
        "--out",
        out.to_str().unwrap(),
        "--write-shifts",
        written.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("# Two campaigns whose replies share one inbox."));
    assert!(text.contains("# the inbox being sized"));
    assert!(text.contains("[[inboxes.shifts]]"));
    let scn = Scenario::load(&written).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // Its own name: running it does not replace the report of the scenario it came from.
    assert_eq!(scn.name, "two-campaigns (staffed by size)");
    let opts = options(&scn, "Replies", "80% within 5m", 20, HOUR);
    // The search's seeds on the written file give exactly the shares the report shows.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("size.json")).unwrap()).unwrap();
    let runs = sizing::evaluate_as_written(&scn, &opts, scn.seed, 20);
    for (k, row) in json["intervals"].as_array().unwrap().iter().enumerate() {
        let met = sizing::runs_met(&runs, k, 0.8) as f64 / 20.0;
        assert_eq!(
            row["target_met_share"].as_f64().unwrap(),
            met,
            "interval {k}"
        );
        assert!(met >= 0.9, "interval {k}: {met}");
    }
    // Fresh seeds too.
    let fresh = sizing::evaluate_as_written(&scn, &opts, 5_000, 20);
    for k in 0..24 {
        assert!(sizing::runs_met(&fresh, k, 0.8) >= 18, "interval {k}");
    }
    // `run` takes it as it is.
    let o = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .args(["run", written.to_str().unwrap(), "--out"])
        .arg(dir.path().join("run"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("staffing.csv")).unwrap();
    assert!(csv.starts_with(
        "interval,arrivals_per_hour,mean_handle_s,agents,target_met_share,erlang_c_agents\n00:00-01:00,"
    ));
    assert_eq!(csv.lines().count(), 25);
    for chart in ["staffing.svg", "staffing.png"] {
        assert!(out.join(chart).is_file(), "{chart}");
    }
}

#[test]
fn size_outputs_are_byte_identical_for_any_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_temp(dir.path(), "two.toml", CAMPAIGNS);
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|jobs| {
            let out = dir.path().join(format!("jobs{jobs}"));
            let o = size_cmd(&[
                input.to_str().unwrap(),
                "--inbox",
                "Replies",
                "--interval",
                "2h",
                "--runs",
                "15",
                "--jobs",
                jobs,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            out
        })
        .collect();
    for file in ["size.json", "staffing.csv", "staffing.svg", "staffing.png"] {
        assert_eq!(
            std::fs::read(outs[0].join(file)).unwrap(),
            std::fs::read(outs[1].join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn bad_target_inbox_interval_and_runs_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_temp(dir.path(), "two.toml", CAMPAIGNS);
    let path = input.to_str().unwrap();
    let cases: [(&[&str], &str); 10] = [
        (&["--inbox", "Replies", "--target", "80%"], "within"),
        (
            &["--inbox", "Replies", "--target", "150% within 5m"],
            "at most 100%",
        ),
        (
            &["--inbox", "Replies", "--target", "eighty within 5m"],
            "not a share",
        ),
        (
            &["--inbox", "Replies", "--target", "80% within soon"],
            "duration",
        ),
        (
            &["--inbox", "Nope"],
            "no such inbox; its inboxes are \"Replies\"",
        ),
        (&["--inbox", "Replies", "--interval", "7m"], "divides 24h"),
        (&["--inbox", "Replies", "--interval", "0s"], "divides 24h"),
        (&["--inbox", "Replies", "--interval", "soon"], "--interval"),
        (&["--inbox", "Replies", "--confidence", "1"], "below 1"),
        (&["--inbox", "Replies", "--runs", "5"], "too few"),
    ];
    for (args, expected) in cases {
        let mut all = vec![path];
        all.extend_from_slice(args);
        let o = size_cmd(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // The scenario itself is never overwritten.
    let o = size_cmd(&[path, "--inbox", "Replies", "--write-shifts", path]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the scenario being sized"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), CAMPAIGNS);
}

#[test]
fn the_launch_reply_inbox_is_sized_with_erlang_c_beside_it() {
    let scn = shipped("launch.toml");
    let opts = options(&scn, "Campaign Replies", "80% within 5m", 20, HOUR);
    let sized = sizing::size(&scn, &opts, &mut |_| {}).unwrap();
    // The afternoon of the launch needs agents; the small hours need none.
    assert!(sized.staffing[11] > 0);
    assert_eq!(sized.staffing[4], 0);
    assert!(
        sized.candidates < 24 * 8,
        "{} candidates: the search must not try every count",
        sized.candidates
    );
}

/// A search records the campaigns' steps once, from the scenario as written, and runs every
/// candidate staffing on them: a candidate's runs must be those of its own staffed scenario
/// recorded and run alone (no agent works where steps are recorded, so none can change them).
#[test]
fn candidates_run_on_steps_recorded_once_as_when_recorded_alone() {
    let scn = scenario(CAMPAIGNS);
    let population = sim::population::build(&scn);
    assert!(
        sim::script::record(&scn, &population).is_some(),
        "the candidates' runs replay recorded steps here"
    );
    let opts = options(&scn, "Replies", "80% within 5m", 15, HOUR);
    // Shifts: 2 agents from 09:00 to 17:00, 1 around the clock otherwise.
    let staffing: Vec<u32> = (0..24)
        .map(|h| if (9..17).contains(&h) { 2 } else { 1 })
        .collect();
    let searched = sizing::evaluate(&scn, &opts, &staffing);
    let alone = sizing::staffed(&scn, opts.inbox, &staffing, opts.interval);
    let alone = sizing::evaluate_as_written(&alone, &opts, scn.seed, opts.runs);
    assert_eq!(searched, alone);
    assert!(searched.iter().flatten().any(|i| i.arrivals > 0));
}
