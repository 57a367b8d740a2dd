//! `[routing]` and `also` (issue 9): agents who serve several inboxes, agents who pull work up
//! to `capacity.maximum`, what happens at the end of a shift, and conversations reopened within
//! the reopen window. Every run is audited (`agent_capacity`, `off_shift`, `agent_inbox`).

use std::collections::BTreeMap;

use model::record::Record;
use model::time::{HOUR, Instant};
use model::{AgentId, ConversationId, InboxId};
use scenario::Scenario;

use crate::common::{after, run_audited, scenario};

/// The run starts Tuesday 1 December 2026, 08:00 New York (the company clock). 300 recipients
/// texted from 08:00 all reply and write `messages` times; customers answer an agent after
/// `think`. `inboxes` and `routing` are TOML written after the numbers.
fn desk(messages: u32, think: &str, inboxes: &str, routing: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "routing settings"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-03T00:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
reply_delay = {{ dist = "fixed", value = "5m" }}
follow_ups = {{ dist = "fixed", value = {messages} }}
think_time = {{ dist = "fixed", value = "{think}" }}
replies = [ {{ body = "Where is my order?", weight = 1 }} ]
{routing}
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
{inboxes}
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 300 }}
"#
    ))
}

/// The most conversations any agent held at once.
fn peak_load(trace: &[(Instant, Record)]) -> u32 {
    let mut load: BTreeMap<AgentId, u32> = BTreeMap::new();
    let mut peak = 0;
    for &(_, r) in trace {
        match r {
            Record::Assign { agent, .. } => {
                let l = load.entry(agent).or_default();
                *l += 1;
                peak = peak.max(*l);
            }
            Record::Release { agent, .. } => *load.get_mut(&agent).unwrap() -= 1,
            _ => {}
        }
    }
    peak
}

#[test]
fn agents_of_another_inbox_who_also_serve_this_one_take_its_work() {
    let inboxes = r#"
[[inboxes]]
name = "Campaign Replies"
agents = 1
capacity = { standard = 1 }
[[inboxes]]
name = "Orders"
capacity = { standard = 1 }
[[inboxes.shifts]]
agents = 1
days = "daily"
hours = "00:00-24:00"
also = ["Campaign Replies"]"#;
    let outcome = run_audited(&desk(1, "1m", inboxes, ""), 1);
    let mut by_agent: BTreeMap<AgentId, u32> = BTreeMap::new();
    for &(_, r) in outcome.trace.iter() {
        if let Record::Assign { inbox, agent, .. } = r {
            assert_eq!(inbox, InboxId::FIRST, "only campaign replies come in");
            *by_agent.entry(agent).or_default() += 1;
        }
    }
    // Agent 0 is the inbox's own, agent 1 the Orders agent: both answer campaign replies.
    assert_eq!(
        by_agent.keys().copied().collect::<Vec<_>>(),
        [AgentId::new(0), AgentId::new(1)]
    );
    assert_eq!(by_agent.values().sum::<u32>(), first_replies(&outcome));
    // One person, one load: never two at once with capacity 1 (the auditor holds it too).
    assert_eq!(peak_load(&outcome.trace), 1);
}

#[test]
fn agents_pull_up_to_the_maximum_only_when_pulling_is_on() {
    let inboxes = "[[inboxes]]\nname = \"Campaign Replies\"\nagents = 2\ncapacity = { standard = 1, maximum = 3 }";
    let auto = run_audited(&desk(1, "1m", inboxes, ""), 1);
    assert_eq!(
        peak_load(&auto.trace),
        1,
        "routing auto-assigns up to standard"
    );
    let pulled = run_audited(&desk(1, "1m", inboxes, "[routing]\npull = true"), 1);
    assert_eq!(
        peak_load(&pulled.trace),
        3,
        "a waiting queue is pulled up to maximum"
    );
    let wait = |o: &sim::Outcome| o.inboxes[0].wait_percentiles().unwrap()[1];
    assert!(wait(&pulled) < wait(&auto), "pulling shortens the wait");
}

/// 10:00-12:00 three agents, 12:00-14:00 two more; customers write three times and think 10
/// minutes (within the 15-minute session), so agents hold sessions at noon.
fn noon_change(at_shift_end: &str) -> Scenario {
    let inboxes = r#"
[[inboxes]]
name = "Campaign Replies"
capacity = { standard = 2 }
[[inboxes.shifts]]
agents = 3
days = "daily"
hours = "10:00-12:00"
[[inboxes.shifts]]
agents = 2
days = "daily"
hours = "12:00-14:00""#;
    let routing = format!("[routing]\nat_shift_end = \"{at_shift_end}\"");
    desk(3, "10m", inboxes, &routing)
}

fn overtime_s(o: &sim::Outcome) -> u64 {
    o.inboxes[0].overtime.as_millis() / 1000
}

/// `scn` with `count` recipients instead of 300.
fn with_recipients(mut scn: Scenario, count: u32) -> Scenario {
    match &mut scn.campaigns[0].outreaches[0].recipients {
        scenario::Recipients::Generated { count: n, .. } => *n = count,
        scenario::Recipients::Listed { .. } => unreachable!("the desk's list is generated"),
    }
    scn
}

#[test]
fn at_shift_end_agents_finish_hand_over_or_let_go_of_what_they_hold() {
    let noon = after(4 * HOUR);
    let morning = |a: AgentId| a.index() < 3;
    // 24 customers: the morning shift has taken everyone by noon, and holds sessions then.
    let light = |at_end: &str| run_audited(&with_recipients(noon_change(at_end), 24), 1);
    let (overtime, handover, requeue) = (light("overtime"), light("handover"), light("requeue"));
    let waiting_at_noon = |o: &sim::Outcome| {
        let routed = count(o, |r| matches!(r, Record::Route { .. }));
        let taken = (o.trace.iter())
            .filter(|&&(t, r)| t < noon && matches!(r, Record::Assign { .. }))
            .count();
        routed - taken
    };
    assert_eq!(waiting_at_noon(&handover), 0);

    // Overtime: the morning agents keep their sessions past noon.
    let kept = overtime.trace.iter().filter(|&&(t, r)| {
        t > noon
            && t < after(6 * HOUR)
            && matches!(r, Record::Handle { agent, .. } if morning(agent))
    });
    assert!(kept.count() > 0);
    assert!(
        !overtime
            .trace
            .iter()
            .any(|(_, r)| matches!(r, Record::Handover { .. }))
    );

    // Handover: sessions move at noon from morning agents to afternoon agents.
    let handed: Vec<(Instant, AgentId, AgentId)> = (handover.trace.iter())
        .filter_map(|&(t, r)| match r {
            Record::Handover { from, to, .. } => Some((t, from, to)),
            _ => None,
        })
        .collect();
    assert!(!handed.is_empty());
    assert!(
        handed
            .iter()
            .all(|&(t, from, to)| t >= noon && morning(from) && !morning(to))
    );
    assert!(
        handed.iter().any(|&(t, ..)| t == noon),
        "those between messages go at noon"
    );

    // Requeue: the morning agents let go; nobody hands anything over.
    assert!(
        !requeue
            .trace
            .iter()
            .any(|(_, r)| matches!(r, Record::Handover { .. }))
    );
    let let_go_at_noon = requeue.trace.iter().filter(|&&(t, r)| {
        t == noon && matches!(r, Record::Release { agent, .. } if morning(agent))
    });
    assert!(let_go_at_noon.count() > 0);

    // Finishing only the message in hand is less overtime than finishing every session.
    assert!(overtime_s(&handover) < overtime_s(&overtime));
    assert!(overtime_s(&requeue) < overtime_s(&overtime));
}

#[test]
fn at_a_shift_change_customers_waiting_in_the_queue_come_before_handed_over_sessions() {
    // 300 customers: hundreds still wait at noon, so the afternoon agents' every slot goes to
    // them, whichever timer was set first; the morning sessions find no room and are let go.
    let noon = after(4 * HOUR);
    let busy = run_audited(&noon_change("handover"), 1);
    let at_noon: Vec<Record> = (busy.trace.iter())
        .filter(|&&(t, _)| t == noon)
        .map(|&(_, r)| r)
        .collect();
    let assigned = at_noon
        .iter()
        .filter(|r| matches!(r, Record::Assign { .. }))
        .count();
    assert_eq!(assigned, 4, "two afternoon agents with room for two each");
    assert!(!at_noon.iter().any(|r| matches!(r, Record::Handover { .. })));
    assert!(
        at_noon
            .iter()
            .any(|r| matches!(r, Record::Release { agent, .. } if agent.index() < 3))
    );
}

/// A hundred always-on agents, more than the replies and their sessions need; customers write twice and think 20
/// minutes, longer than the 15-minute session, so each session runs out before the customer
/// writes again.
fn slow_customers(routing: &str) -> Scenario {
    let inboxes =
        "[[inboxes]]\nname = \"Campaign Replies\"\nagents = 100\ncapacity = { standard = 3 }";
    desk(2, "20m", inboxes, routing)
}

fn count(o: &sim::Outcome, pick: impl Fn(&Record) -> bool) -> usize {
    o.trace.iter().filter(|(_, r)| pick(r)).count()
}

/// Customers who replied (everyone whose SMS was delivered).
fn first_replies(o: &sim::Outcome) -> u32 {
    let n = count(o, |r| {
        matches!(
            r,
            Record::Reply {
                follow_up: false,
                ..
            }
        )
    });
    assert!(n > 250, "most of the 300 SMS are delivered");
    u32::try_from(n).unwrap()
}

#[test]
fn a_customer_writing_after_the_session_reopens_their_conversation_with_the_same_agent() {
    let reopened = run_audited(&slow_customers(""), 1);
    let routes = count(&reopened, |r| matches!(r, Record::Route { .. }));
    let reopens = count(&reopened, |r| matches!(r, Record::Reopen { .. }));
    let n = first_replies(&reopened) as usize;
    assert_eq!(
        (routes, reopens),
        (n, n),
        "one conversation per customer, reopened once"
    );
    assert_eq!(reopened.inboxes[0].reopened, n as u64);
    assert_eq!(
        reopened.inboxes[0].arrivals,
        2 * n as u64,
        "a reopened conversation arrives again"
    );
    // Back to the agent who had it whenever that agent has room (standard capacity 3), and to
    // someone else when they are full.
    let mut last: BTreeMap<ConversationId, AgentId> = BTreeMap::new();
    let mut load: BTreeMap<AgentId, u32> = BTreeMap::new();
    let (mut same, mut elsewhere, mut reopen_at) = (0, 0, None);
    for &(t, r) in reopened.trace.iter() {
        match r {
            Record::Release {
                conversation,
                agent,
                ..
            } => {
                last.insert(conversation, agent);
                *load.get_mut(&agent).unwrap() -= 1;
            }
            Record::Reopen { conversation, .. } => reopen_at = Some((conversation, t)),
            Record::Assign {
                conversation,
                agent,
                ..
            } => {
                if reopen_at == Some((conversation, t)) {
                    let before = last[&conversation];
                    if load.get(&before).copied().unwrap_or(0) < 3 {
                        assert_eq!(agent, before, "{conversation:?} had room with {before:?}");
                        same += 1;
                    } else {
                        assert_ne!(agent, before, "{before:?} was full");
                        elsewhere += 1;
                    }
                }
                *load.entry(agent).or_default() += 1;
            }
            _ => {}
        }
    }
    assert_eq!(same + elsewhere, n);
    assert!(
        same > n * 3 / 4,
        "with room to spare, most reopens go back to their agent ({same} of {n})"
    );

    // Without the window, the late message is a new conversation, routed by the rules.
    let fresh = run_audited(&slow_customers("[routing]\nreopen_window = \"0s\""), 1);
    assert_eq!(count(&fresh, |r| matches!(r, Record::Reopen { .. })), 0);
    let n = first_replies(&fresh) as usize;
    assert_eq!(count(&fresh, |r| matches!(r, Record::Route { .. })), 2 * n);
}

#[test]
fn the_reopen_window_counts_from_the_close() {
    // The session runs out 15 min + 1 ms after the agent's answer; the customer writes at 20
    // min: 4 min 59.999 s after the close.
    let within = run_audited(&slow_customers("[routing]\nreopen_window = \"5m\""), 1);
    let n = first_replies(&within) as usize;
    assert_eq!(count(&within, |r| matches!(r, Record::Reopen { .. })), n);
    let short = run_audited(&slow_customers("[routing]\nreopen_window = \"4m\""), 1);
    assert_eq!(count(&short, |r| matches!(r, Record::Reopen { .. })), 0);
}

#[test]
fn hours_that_run_through_midnight_are_one_shift_whatever_happens_at_its_end() {
    // One agent working every day 00:00-24:00, with more work than they can finish by midnight:
    // the day's end is no shift end, so requeueing changes nothing.
    let inboxes = r#"
[[inboxes]]
name = "Campaign Replies"
capacity = { standard = 2 }
[[inboxes.shifts]]
agents = 1
days = "daily"
hours = "00:00-24:00""#;
    let run = |at_end: &str| {
        let routing = format!("[routing]\nat_shift_end = \"{at_end}\"");
        run_audited(&desk(3, "10m", inboxes, &routing), 1).trace
    };
    let overtime = run("overtime");
    let midnight = after(16 * HOUR);
    assert!(
        overtime
            .iter()
            .any(|&(t, r)| t > midnight && matches!(r, Record::Handle { .. })),
        "sessions run past midnight"
    );
    assert!(overtime == run("requeue"));
    assert!(overtime == run("handover"));
}

/// Five customers, one follow-up each, and no horizon: the run must end with its last record,
/// not at a shift end or a shift start that has nothing left to do.
fn without_horizon(at_shift_end: &str, shifts: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "no horizon"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
reply_delay = {{ dist = "fixed", value = "5m" }}
follow_ups = {{ dist = "fixed", value = 2 }}
think_time = {{ dist = "fixed", value = "1m" }}
replies = [ {{ body = "Where is my order?", weight = 1 }} ]
[routing]
at_shift_end = "{at_shift_end}"
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
[[inboxes]]
name = "Campaign Replies"
capacity = {{ standard = 1 }}
{shifts}
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 5 }}
"#
    ))
}

#[test]
fn a_run_without_a_horizon_ends_with_its_last_record_not_at_a_shift_edge() {
    let day = "[[inboxes.shifts]]\nagents = 2\ndays = \"daily\"\nhours = \"08:00-20:00\"";
    let and_wednesday =
        format!("{day}\n[[inboxes.shifts]]\nagents = 1\ndays = \"wed\"\nhours = \"08:00-09:00\"");
    for (at_end, shifts) in [
        ("overtime", day),
        ("handover", day),
        ("requeue", day),
        ("overtime", and_wednesday.as_str()),
    ] {
        let outcome = run_audited(&without_horizon(at_end, shifts), 1);
        let last = outcome.trace.last().unwrap().0;
        assert!(last < after(HOUR), "all work is done within the first hour");
        assert_eq!(outcome.end, last, "{at_end}, {shifts}");
    }
}

#[test]
fn agents_serving_two_inboxes_take_the_earliest_due_of_both_not_their_own_first() {
    // "Orders" has no agents of its own: the Campaign Replies agents also serve it. Its 20
    // customers wrote at 08:05-08:07, among the first of the 120 waiting when the shift starts
    // at 10:00; they used to wait all day behind the agents' own inbox.
    let outcome = run_audited(&scenario(HELPERS_ONLY), 1);
    let orders = InboxId::new(1);
    let mut entered: BTreeMap<ConversationId, Instant> = BTreeMap::new();
    let mut taken: Vec<(Instant, InboxId, Instant)> = Vec::new();
    for &(t, r) in outcome.trace.iter() {
        match r {
            Record::Route { conversation, .. } => {
                entered.insert(conversation, t);
            }
            Record::Assign {
                conversation,
                inbox,
                ..
            } => taken.push((t, inbox, entered[&conversation])),
            _ => {}
        }
    }
    let first_orders = taken.iter().find(|&&(_, inbox, _)| inbox == orders);
    assert_eq!(
        first_orders.map(|&(t, ..)| t),
        Some(after(2 * HOUR)),
        "from the shift's first instant"
    );
    // Both inboxes have the same SLA, so due order is arrival order, across the two queues.
    let arrivals: Vec<Instant> = taken.iter().map(|&(.., e)| e).collect();
    assert!(
        arrivals.is_sorted(),
        "taken in due order across both inboxes"
    );
    assert!(taken.iter().filter(|&&(_, i, _)| i == orders).count() >= 10);
}

const HELPERS_ONLY: &str = r#"
name = "helpers only"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-02T00:00"
[customers]
reply_rate = { dist = "fixed", value = 1 }
reply_delay = { dist = "fixed", value = "5m" }
follow_ups = { dist = "fixed", value = 3 }
think_time = { dist = "fixed", value = "10m" }
replies = [ { body = "Where is my order?", weight = 1 } ]
[routing]
at_shift_end = "overtime"
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
[[numbers]]
number = "+15550101"
inbox = "Orders"
[[inboxes]]
name = "Campaign Replies"
capacity = { standard = 2 }
[[inboxes.shifts]]
agents = 3
days = "daily"
hours = "10:00-12:00"
also = ["Orders"]
[[inboxes]]
name = "Orders"
agents = 0
capacity = { standard = 2 }
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = { count = 100 }
[[campaigns]]
name = "B"
number = "+15550101"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = { count = 20 }
"#;
