//! What an "event" is, pinned: the count `Outcome::events` reports (and the benches divide by)
//! is the README's definition, computed here from the trace records, so counting more (or
//! fewer) things as events fails here rather than quietly moving events/s.
//!
//! An event is one step of the world (a carrier outcome, a customer message, an agent's answer)
//! or one action of the engine (every other record). Every record is one of them, and an agent's
//! answer (the end of a handling time) is the one event without a record of its own: in a run
//! without a horizon every handling that starts ends, so those are the `assign` and `handle`
//! records once more.

use model::record::Record;
use scenario::Scenario;

use crate::common::{scenario, shipped};

/// `Outcome::events` as the README defines it, from a full trace of a run with no horizon.
fn events_by_definition(trace: &[(model::time::Instant, Record)]) -> u64 {
    let (mut world, mut engine) = (0, 0);
    for (_, record) in trace {
        // No wildcard: a new kind of record must be placed on one side or the other here.
        match record {
            // The world's steps: the carrier's verdict on an SMS, a customer writing (a first
            // reply, a follow-up, or background traffic).
            Record::Deliver { .. } | Record::Fail { .. } | Record::Reply { .. } => world += 1,
            // An agent starts on a message, and answers it later: the answer is a world step.
            Record::Assign { .. } | Record::Handle { .. } => {
                engine += 1;
                world += 1;
            }
            // The engine's actions.
            Record::Start { .. }
            | Record::Finish { .. }
            | Record::Send { .. }
            | Record::Skip { .. }
            | Record::Unreached { .. }
            | Record::OptOut { .. }
            | Record::OptIn { .. }
            | Record::Route { .. }
            | Record::Release { .. }
            | Record::Reopen { .. }
            | Record::Handover { .. }
            | Record::RuleFired { .. }
            | Record::Transfer { .. }
            | Record::AutoReply { .. }
            | Record::ClosedByRule { .. }
            | Record::RuleDisabled { .. } => engine += 1,
        }
    }
    world + engine
}

fn assert_counted_by_definition(scn: &Scenario, seeds: std::ops::RangeInclusive<u64>) {
    assert!(
        scn.until.is_none(),
        "the identity holds for runs without a horizon"
    );
    for seed in seeds {
        let outcome = sim::run(scn, &sim::Options { seed, trace: true });
        assert!(outcome.events > 0);
        assert_eq!(
            outcome.events,
            events_by_definition(&outcome.trace),
            "{} seed {seed}: the event count is no longer the README's definition",
            scn.name
        );
    }
}

#[test]
fn single_500_counts_events_as_the_readme_defines_them() {
    let scn = shipped("single-500.toml");
    assert_counted_by_definition(&scn, 1..=3);
    // The same count, spelt out for seed 1 from the trace: one send per recipient texted, one
    // carrier outcome per send, and the conversations' records.
    let outcome = sim::run(
        &scn,
        &sim::Options {
            seed: 1,
            trace: true,
        },
    );
    let count = |name: &str| {
        outcome
            .trace
            .iter()
            .filter(|(_, r)| r.name() == name)
            .count()
    };
    let sends = count("send");
    assert_eq!(count("deliver") + count("fail"), sends);
    assert_eq!(
        outcome.events as usize,
        outcome.trace.len() + count("assign") + count("handle")
    );
}

#[test]
fn routing_rules_and_reopened_conversations_count_once_per_record() {
    // Rules that move, answer and close, reopening, background traffic and follow-ups: every
    // kind of conversation record the engine makes in a run without a horizon.
    let scn = scenario(
        r#"
name = "events"
[simulation]
timezone = "UTC"
start = "2026-12-01T08:00"
[routing]
reopen_window = "2h"
[customers]
reply_rate = { dist = "fixed", value = 0.6 }
reply_delay = { dist = "exponential", mean = "5m" }
follow_ups = { dist = "geometric", mean = 1.6 }
replies = [ { body = "Where is my order?", weight = 3 }, { body = "Thanks!", weight = 2 },
            { body = "STOP", weight = 1 }, { body = "START", weight = 1 } ]
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 2
background = { per_hour = 4 }
same_agent_window = "1m"
[[inboxes]]
name = "Orders"
agents = 1
[[rules]]
name = "orders"
when = { body_words = ["order"] }
then = { move_to_inbox = "Orders" }
[[rules]]
name = "thanks"
when = { body_contains = "thanks" }
then = { auto_reply = "You're welcome", close = true }
[[campaigns]]
name = "c"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 300 }
"#,
    );
    assert_counted_by_definition(&scn, 1..=3);
    let outcome = sim::run(
        &scn,
        &sim::Options {
            seed: 1,
            trace: true,
        },
    );
    for kind in [
        "transfer",
        "auto_reply",
        "closed_by_rule",
        "assign",
        "handle",
        "release",
        "reopen",
        "opt_out",
        "opt_in",
    ] {
        assert!(
            outcome.trace.iter().any(|(_, r)| r.name() == kind),
            "the scenario makes {kind} records"
        );
    }
}
