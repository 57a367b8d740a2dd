//! Runs nobody watches record by record (`run` without `--trace`, sweeps' replications) take
//! two shortcuts: a scenario's independent parts are simulated at once ([`sim::run_in_parts`]),
//! and a carrier verdict nobody answers is counted when the carrier decides it instead of being
//! scheduled. Both must give exactly the traced run's outcome: the same summary, time series,
//! event count and end, byte for byte, with any number of threads.
//!
//! A sweep's replications also replay the campaign steps recorded once ([`sim::script`]):
//! traced, a replay must give the traced run's records one by one, in the same order.

use model::record::Record;
use model::time::Instant;
use scenario::Scenario;
use sim::Outcome;

use crate::common::{scenario, shipped};

/// Three parts: campaigns A and B on the East number; C and D on numbers of West and North,
/// joined by a West shift group that also serves North; and Lone, an inbox of background
/// traffic alone. STOP replies, follow-ups, cutoffs, a send schedule and a horizon.
fn three_parts(until: &str, background: u32, east_list: u32) -> String {
    format!(
        r#"
name = "parts"
[simulation]
start = "2026-12-01T08:00"
timezone = "America/New_York"
{until}
[carrier]
latency = {{ dist = "lognormal", median = "3s", sigma = 0.8 }}
outcomes = {{ delivered = 0.95, "30003" = 0.05 }}
[customers]
reply_rate = {{ dist = "fixed", value = 0.3 }}
reply_delay = {{ dist = "exponential", mean = "10m" }}
replies = [ {{ body = "STOP", weight = 10 }}, {{ body = "Where is my order?", weight = 90 }} ]
follow_ups = {{ dist = "geometric", mean = 1.5 }}
think_time = {{ dist = "exponential", mean = "2m" }}
[[numbers]]
number = "+15550100"
inbox = "East"
[[numbers]]
number = "+15550101"
inbox = "West"
[[numbers]]
number = "+15550102"
inbox = "North"
[[inboxes]]
name = "East"
agents = 2
handle_time = {{ dist = "exponential", mean = "4m" }}
background = {{ per_hour = {background} }}
[[inboxes]]
name = "West"
handle_time = {{ dist = "exponential", mean = "6m" }}
[[inboxes.shifts]]
agents = 2
days = "daily"
hours = "08:00-20:00"
also = ["North"]
[[inboxes]]
name = "North"
agents = 1
handle_time = {{ dist = "exponential", mean = "5m" }}
[[inboxes]]
name = "Lone"
agents = 1
handle_time = {{ dist = "exponential", mean = "5m" }}
background = {{ per_hour = {background} }}
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
end = "2026-12-01T09:30"
recipients = {{ count = {east_list} }}
[[campaigns.outreaches]]
start = "2026-12-01T10:00"
recipients = {{ count = 300 }}
[[campaigns]]
name = "B"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:30"
recipients = {{ count = 200 }}
[[campaigns]]
name = "C"
number = "+15550101"
schedule = {{ daily = "09:00-17:00" }}
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 900 }}
[[campaigns]]
name = "D"
number = "+15550102"
[[campaigns.outreaches]]
start = "2026-12-01T11:00"
recipients = {{ count = 150 }}
"#
    )
}

/// Everything a run's report is made of, as bytes.
fn outputs(scn: &Scenario, o: &Outcome) -> (String, String, u64, Instant, String) {
    let summary = serde_json::to_string_pretty(&report::summarize(scn, o)).unwrap();
    let mut series = Vec::new();
    report::write_timeseries(&mut series, scn, o).unwrap();
    let statuses = format!("{:?}", o.statuses);
    (
        summary,
        String::from_utf8(series).unwrap(),
        o.events,
        o.end,
        statuses,
    )
}

/// Runs `scn` traced (every verdict scheduled), untraced and in parts; fails naming the first
/// difference.
pub fn whole_and_in_parts(scn: &Scenario, seed: u64) {
    let traced = sim::run(scn, &sim::Options { seed, trace: true });
    same_as_traced(scn, seed, &traced);
}

/// Runs `scn` untraced, in parts and replaying its campaign steps (where they can be
/// recorded), and compares each with `traced`, its traced run of `seed`.
pub fn same_as_traced(scn: &Scenario, seed: u64, traced: &Outcome) {
    let opts = sim::Options { seed, trace: false };
    let t = outputs(scn, traced);
    let mut runs = vec![
        ("untraced", sim::run(scn, &opts)),
        ("in parts", sim::run_in_parts(scn, &opts, &|_| {})),
    ];
    let population = sim::population::build(scn);
    if let Some(script) = sim::script::record(scn, &population) {
        let replayed = |trace| {
            sim::run_on(
                scn,
                &population,
                Some(&script),
                &sim::Options { seed, trace },
            )
        };
        same_records(&replayed(true).trace, &traced.trace, seed);
        runs.push(("replaying the campaigns", replayed(false)));
    }
    for (how, o) in runs {
        let o = outputs(scn, &o);
        same_text(&format!("summary {how}, seed {seed}"), &o.0, &t.0);
        same_text(&format!("time series {how}, seed {seed}"), &o.1, &t.1);
        assert_eq!(
            (o.2, o.3, &o.4),
            (t.2, t.3, &t.4),
            "events, end, statuses {how}"
        );
    }
}

/// The same records in the same order, or a failure naming the first that differs.
fn same_records(replayed: &[(Instant, Record)], traced: &[(Instant, Record)], seed: u64) {
    if let Some((i, (r, t))) = replayed
        .iter()
        .zip(traced)
        .enumerate()
        .find(|(_, (r, t))| r != t)
    {
        panic!("seed {seed}: record {i} replayed {r:?}, traced {t:?}");
    }
    assert_eq!(replayed.len(), traced.len(), "seed {seed}: records");
}

/// Equal texts, or a failure naming the first line that differs (not two whole reports).
fn same_text(what: &str, parts: &str, whole: &str) {
    if parts == whole {
        return;
    }
    let (line, (p, w)) = parts
        .lines()
        .chain(std::iter::once("(end)"))
        .zip(whole.lines().chain(std::iter::once("(end)")))
        .enumerate()
        .find(|(_, (p, w))| p != w)
        .expect("texts differ");
    panic!("{what}: line {} in parts {p:?}, whole {w:?}", line + 1);
}

pub fn part_count(scn: &Scenario) -> usize {
    sim::parts(scn, &sim::population::build(scn)).len()
}

#[test]
fn a_run_in_parts_has_the_whole_runs_outcome() {
    let scn = scenario(&three_parts("until = \"2026-12-02T08:00\"", 4, 2000));
    assert_eq!(part_count(&scn), 3);
    let o = sim::run(&scn, &sim::Options::default());
    assert!(o.campaigns.iter().all(|c| c.sent > 0));
    assert!(o.inboxes.iter().all(|i| i.arrivals > 0));
    for seed in 1..=6 {
        whole_and_in_parts(&scn, seed);
    }
}

#[test]
fn parts_that_end_at_different_times_end_the_run_together() {
    // No horizon and no background: the run ends when the longest part is done, and every part
    // counts its unreached at that end. East's 4,000 outlast everyone else's lists.
    let scn = scenario(&three_parts("", 0, 4000));
    assert_eq!(part_count(&scn), 3);
    let o = sim::run_in_parts(&scn, &sim::Options::default(), &|_| {});
    let a_cutoff = o.campaigns[0].unreached_cutoff;
    assert!(a_cutoff > 0, "the first list outlasts its end time");
    for seed in 1..=4 {
        whole_and_in_parts(&scn, seed);
    }
}

#[test]
fn the_large_scenario_in_parts_has_the_whole_runs_outcome() {
    let scn = shipped("big.toml");
    // Ten inboxes, each with the twenty campaigns whose numbers route to it.
    assert_eq!(part_count(&scn), 10);
    whole_and_in_parts(&scn, 3);
}

#[test]
fn a_run_in_parts_is_the_same_with_any_number_of_threads() {
    let scn = scenario(&three_parts("until = \"2026-12-02T08:00\"", 4, 2000));
    let with_threads = |n| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        let o = pool.install(|| sim::run_in_parts(&scn, &sim::Options::default(), &|_| {}));
        outputs(&scn, &o)
    };
    let one = with_threads(1);
    assert_eq!(with_threads(2), one);
    assert_eq!(with_threads(5), one);
}

#[test]
fn anything_two_campaigns_share_keeps_them_in_one_part() {
    let base = three_parts("until = \"2026-12-02T08:00\"", 4, 2000);
    // A rule keeps counts over every conversation it sees.
    let rule = format!(
        "{base}\n[[rules]]\nname = \"tag\"\nwhen = {{ body_contains = \"order\" }}\nthen = {{ add_topic = \"orders\" }}\n"
    );
    assert_eq!(part_count(&scenario(&rule)), 1);
    // Without a horizon, background traffic lasts until every campaign is over.
    assert_eq!(part_count(&scenario(&three_parts("", 4, 2000))), 1);
    // A phone on two lists carries an opt-out from one campaign to the other.
    let overlap = base.replace(
        "start = \"2026-12-01T11:00\"\nrecipients = { count = 150 }",
        "start = \"2026-12-01T11:00\"\nrecipients = { count = 150 }\noverlap = { campaign = \"A\", fraction = 0.1 }",
    );
    assert_ne!(overlap, base);
    assert_eq!(part_count(&scenario(&overlap)), 1);
    // Without the West group serving North, North and its campaign D are a part of their own.
    let apart = base.replace("also = [\"North\"]\n", "");
    assert_ne!(apart, base);
    assert_eq!(part_count(&scenario(&apart)), 4);
    assert!(!same_part(&scenario(&apart), 2, 3));
    assert!(same_part(&scenario(&base), 2, 3));
    // D on C's number: one carrier queue, one part.
    let one_number = apart.replace(
        "name = \"D\"\nnumber = \"+15550102\"",
        "name = \"D\"\nnumber = \"+15550101\"",
    );
    assert_ne!(one_number, apart);
    assert!(same_part(&scenario(&one_number), 2, 3));
}

/// Whether campaigns `a` and `b` (in file order) are simulated in one part.
fn same_part(scn: &Scenario, a: usize, b: usize) -> bool {
    let parts = sim::parts(scn, &sim::population::build(scn));
    parts.iter().any(|p| p.campaigns[a] && p.campaigns[b])
}

/// Thirty SMS nobody answers, sent from 09:00, and nothing else: the carrier's verdicts are
/// the last things that happen.
fn silent_campaign(until: &str, latency: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "silent"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
{until}
[carrier]
latency = {latency}
outcomes = {{ delivered = 0.8, "30003" = 0.2 }}
[customers]
reply_rate = {{ dist = "fixed", value = 0 }}
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 1
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 30 }}
"#
    ))
}

#[test]
fn a_run_whose_last_step_is_a_verdict_ends_when_it_comes_back() {
    let scn = silent_campaign("", r#"{ dist = "lognormal", median = "3s", sigma = 0.8 }"#);
    let traced = sim::run(
        &scn,
        &sim::Options {
            seed: 1,
            trace: true,
        },
    );
    let last_verdict = traced
        .trace
        .iter()
        .filter(|(_, r)| matches!(r, Record::Deliver { .. } | Record::Fail { .. }))
        .map(|&(t, _)| t)
        .max()
        .unwrap();
    assert_eq!(traced.end, last_verdict);
    let untraced = sim::run(
        &scn,
        &sim::Options {
            seed: 1,
            trace: false,
        },
    );
    assert_eq!(
        untraced.campaigns[0].delivered + untraced.campaigns[0].failed,
        30
    );
    assert_eq!(untraced.end, last_verdict);
    whole_and_in_parts(&scn, 1);
}

#[test]
fn verdicts_after_the_horizon_are_not_counted_told_aside_or_not() {
    // Eight SMS a minute from 09:00, each verdict 90 s later; the horizon at 09:02:30 leaves
    // those of the 09:01 and 09:02 bursts (16) after it.
    let scn = silent_campaign(
        r#"until = "2026-12-01T09:02:30""#,
        r#"{ dist = "fixed", value = "90s" }"#,
    );
    let untraced = sim::run(&scn, &sim::Options::default());
    let a = &untraced.campaigns[0];
    assert_eq!(a.sent, 24);
    assert_eq!(a.delivered + a.failed, 8);
    whole_and_in_parts(&scn, 1);
}

/// A verdict told aside is often counted without its instant being worked out: only whether
/// it falls after the latest so far, or at or after the horizon, matters. Log-normal latencies
/// with a heavy tail put the latest verdict past the horizon early, so later verdicts between
/// the horizon and that latest one must still be left out, as a traced run leaves them.
#[test]
fn verdicts_aside_without_their_instant_are_counted_as_traced_ones_around_the_horizon() {
    let scn = silent_campaign(
        r#"until = "2026-12-01T09:04:00""#,
        r#"{ dist = "lognormal", median = "40s", sigma = 1.5 }"#,
    );
    for seed in 1..=20 {
        whole_and_in_parts(&scn, seed);
    }
}

/// Found by review: the engine ordered timers due at one instant by when they were set, and a
/// shift end dropped as outdated is set again later only when it reaches the head of the heap,
/// which in the whole run depends on the other part's timers (here T's sends). Two Sales groups
/// ending at 17:00 then ran in another order, and under `handover` the one agent coming on went
/// to another group's customer: seed 10 differed (events, handled, waits).
#[test]
fn shift_ends_at_one_instant_go_in_the_same_order_whole_or_in_parts() {
    let shift = |hours: &str| {
        format!("[[inboxes.shifts]]\nagents = 1\ndays = \"daily\"\nhours = \"{hours}\"\n")
    };
    let scn = scenario(&format!(
        r#"
name = "review"
[simulation]
start = "2026-12-01T08:00"
timezone = "America/New_York"
until = "2026-12-02T08:00"
[routing]
at_shift_end = "handover"
[carrier]
latency = {{ dist = "lognormal", median = "3s", sigma = 0.8 }}
outcomes = {{ delivered = 0.95, "30003" = 0.05 }}
[customers]
reply_rate = {{ dist = "fixed", value = 0.8 }}
reply_delay = {{ dist = "exponential", mean = "2h" }}
replies = [ {{ body = "Where is my order?", weight = 90 }} ]
follow_ups = {{ dist = "geometric", mean = 4 }}
think_time = {{ dist = "exponential", mean = "1h" }}
[[numbers]]
number = "+15550100"
inbox = "Sales"
[[numbers]]
number = "+15550101"
inbox = "Other"
[[inboxes]]
name = "Sales"
capacity = {{ standard = 1 }}
same_agent_window = "10h"
handle_time = {{ dist = "exponential", mean = "3m" }}
{}{}{}{}[[inboxes]]
name = "Other"
agents = 1
handle_time = {{ dist = "exponential", mean = "3m" }}
[[campaigns]]
name = "S"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 12 }}
[[campaigns]]
name = "T"
number = "+15550101"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 5000 }}
"#,
        shift("09:00-17:00"),
        shift("09:00-17:00"),
        shift("09:00-17:00"),
        shift("17:00-23:00"),
    ));
    assert_eq!(part_count(&scn), 2);
    whole_and_in_parts(&scn, 10);
}
