//! A sweep records its campaigns' steps once and every replication replays them
//! ([`sim::script`]). A replay must give the traced run's records one by one, and a scenario
//! whose runs could take other campaign steps (a phone texted twice) is never recorded.

use std::path::Path;

use model::record::{Observer, Record};
use model::time::Instant;
use scenario::Scenario;

use crate::common::scenario;
use crate::parts::whole_and_in_parts;

/// Conversations wait overnight for Desk's 09:00 shift, when Notice's first outreach starts on
/// Desk's number: a shift start and a campaign's first sends at one instant. Notice's lists end
/// at a cutoff and at a stop; STOP replies register opt-outs that can skip nobody. Later starts
/// at `later` (13:00 on the first day, or past the longest run); `background` conversations an
/// hour come to Desk.
fn coinciding(until: &str, later: &str, background: u32) -> String {
    format!(
        r#"
name = "replay"
[simulation]
start = "2026-12-01T00:00"
timezone = "America/New_York"
{until}
[customers]
reply_rate = {{ dist = "fixed", value = 0.3 }}
reply_delay = {{ dist = "exponential", mean = "10m" }}
replies = [ {{ body = "STOP", weight = 20 }}, {{ body = "Where is my order?", weight = 80 }} ]
follow_ups = {{ dist = "geometric", mean = 1.5 }}
[[numbers]]
number = "+15550100"
inbox = "Desk"
[[inboxes]]
name = "Desk"
handle_time = {{ dist = "exponential", mean = "4m" }}
background = {{ per_hour = {background} }}
[[inboxes.shifts]]
agents = 2
days = "daily"
hours = "09:00-17:00"
[[campaigns]]
name = "Notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
end = "2026-12-01T10:00"
recipients = {{ count = 600 }}
[[campaigns.outreaches]]
start = "2026-12-01T11:00"
stop_at = "2026-12-01T11:30"
recipients = {{ count = 400, timezones = {{ "America/New_York" = 0.5, "America/Los_Angeles" = 0.5 }} }}
[[campaigns]]
name = "Later"
number = "+15550100"
[[campaigns.outreaches]]
start = "{later}"
recipients = {{ count = 600 }}
"#
    )
}

fn script(scn: &Scenario) -> Option<sim::Recorded> {
    sim::script::record(scn, &sim::population::build(scn))
}

#[test]
fn replayed_campaign_steps_give_the_traced_runs_records() {
    // With a horizon the campaigns are not done by it (Later's list outlasts it); without one
    // the run ends with its last piece of work, or at the longest run when Later would start
    // after it (without background traffic, which would last as long).
    for (until, later, background) in [
        ("until = \"2026-12-01T14:00\"", "2026-12-01T13:00", 3),
        ("", "2026-12-01T13:00", 3),
        ("", "2047-12-01T13:00", 0),
    ] {
        let scn = scenario(&coinciding(until, later, background));
        let recorded = script(&scn).expect("no phone is texted twice");
        let o = sim::run(&scn, &sim::Options::default());
        let left = scn.until.is_some() || later.starts_with("2047");
        assert_eq!(o.campaigns[1].unreached_horizon > 0, left);
        assert!(recorded.steps() > 50, "{} steps", recorded.steps());
        for seed in 1..=5 {
            whole_and_in_parts(&scn, seed);
        }
    }
}

/// Counts the sends it is told of; says whether it reads recipients' records.
struct Sends {
    reads: bool,
    told: u64,
}

impl Observer for Sends {
    fn observe(&mut self, _at: Instant, record: &Record) {
        self.told += u64::from(matches!(record, Record::Send { .. }));
    }
    fn reads_recipients(&self) -> bool {
        self.reads
    }
}

/// A replay's sends, skips and unreached rows are the same in every run: they are counted once
/// when the script is recorded, and told to no observer that does not read them. Told or not,
/// the run measures what its traced run measures.
#[test]
fn recipients_counted_once_are_told_only_to_observers_that_read_them() {
    let scn = scenario(&coinciding("", "2026-12-01T13:00", 3));
    let population = sim::population::build(&scn);
    let recorded = sim::script::record(&scn, &population).expect("no phone is texted twice");
    let traced = sim::run(
        &scn,
        &sim::Options {
            seed: 9,
            trace: true,
        },
    );
    let opts = sim::Options {
        seed: 9,
        trace: false,
    };
    let summary = |o: &sim::Outcome| serde_json::to_string(&report::summarize(&scn, o)).unwrap();
    let sent: u64 = traced.campaigns.iter().map(|c| c.sent).sum();
    assert!(sent > 500 && traced.campaigns.iter().any(|c| c.unreached > 0));
    // Every figure the metrics and series keep, not only those the reports show today: a figure
    // made from recipients' records and not carried over from the counts would differ here.
    let kept =
        |o: &sim::Outcome| format!("{:?}", (&o.campaigns, &o.inboxes, &o.rules, &o.timeline));
    let mut each = Vec::new();
    for reads in [true, false] {
        let watch = Sends { reads, told: 0 };
        let (o, watch) = sim::run_observed_on(&scn, &population, Some(&recorded), &opts, watch);
        assert_eq!(watch.told, if reads { sent } else { 0 }, "reads: {reads}");
        assert_eq!(summary(&o), summary(&traced), "reads: {reads}");
        assert_eq!(o.timeline.sends, traced.timeline.sends, "reads: {reads}");
        each.push(kept(&o));
    }
    assert!(each[0] == each[1], "the counted run keeps other figures");
}

#[test]
fn a_sweep_replaying_its_campaigns_writes_what_plain_runs_measure() {
    // Each replication's values are its plain run's values (`report::summarize`).
    let scn = scenario(&coinciding(
        "until = \"2026-12-02T00:00\"",
        "2026-12-01T13:00",
        3,
    ));
    let state = sweep::simulate(&scn, 4, sweep::Shard::WHOLE, &|| {});
    for run in &state.runs {
        let seed = state.header.seed(run.run);
        let plain = sim::run(&scn, &sim::Options { seed, trace: false });
        let summary = report::summarize(&scn, &plain);
        let sent: Vec<f64> = summary.campaigns.iter().map(|c| c.sent as f64).collect();
        let replies: Vec<f64> = summary.campaigns.iter().map(|c| c.replies as f64).collect();
        assert_eq!(run.values[0], Some(sent[0]));
        assert_eq!(run.values[2], Some(replies[0]));
        assert_eq!(run.values[6], Some(replies[1]));
    }
}

/// `scn` with its lists written next to it: `lists` are (file name, CSV text).
fn with_lists(toml: &str, lists: &[(&str, &str)]) -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in lists {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join("s.toml");
    std::fs::write(&path, toml).unwrap();
    Scenario::load(Path::new(&path)).unwrap_or_else(|e| panic!("{e}"))
}

fn listed(duplicates: &str, outreaches: &[&str]) -> String {
    let mut s = format!(
        r#"
name = "lists"
[simulation]
start = "2026-12-01T09:00"
timezone = "America/New_York"
[limits]
duplicates = "{duplicates}"
[[numbers]]
number = "+15550100"
inbox = "Desk"
[[inboxes]]
name = "Desk"
agents = 1
[[campaigns]]
name = "A"
number = "+15550100"
"#
    );
    for csv in outreaches {
        s += &format!(
            "[[campaigns.outreaches]]\nstart = \"2026-12-01T09:00\"\nrecipients = {{ csv = \"{csv}\" }}\n"
        );
    }
    s
}

#[test]
fn a_phone_texted_twice_is_not_replayed() {
    let once = "phone,timezone\n+15552000000,America/Chicago\n+15552000001,America/Chicago\n";
    let twice = "phone,timezone\n+15552000000,America/Chicago\n+15552000000,America/Chicago\n";
    let other = "phone,timezone\n+15552000001,America/Chicago\n+15552000002,America/Chicago\n";
    let lists = [
        ("once.csv", once),
        ("twice.csv", twice),
        ("other.csv", other),
    ];
    let case = |duplicates, outreaches: &[&str]| {
        script(&with_lists(&listed(duplicates, outreaches), &lists)).is_some()
    };
    // One list per phone, or a repeat `send_once` passes over: the same steps in every run.
    assert!(case("send_once", &["once.csv"]));
    assert!(case("send_once", &["twice.csv"]));
    // A repeat texted again, or a phone on two lists: an opt-out can skip its second SMS.
    assert!(!case("send_per_row", &["twice.csv"]));
    assert!(!case("send_once", &["once.csv", "other.csv"]));
    // Lists shared between campaigns (`overlap`), as launch's are.
    assert!(script(&crate::common::shipped("launch.toml")).is_none());
    assert!(script(&crate::common::shipped("single-500.toml")).is_some());
}
