//! The auditor must not pass vacuously: a good trace, mutated so that exactly one invariant
//! breaks, must be named for that invariant; and a lazy campaign system that sends nothing must
//! be caught by liveness, while the real engine passes.

use std::collections::BTreeSet;

use audit::{self, Invariant};
use model::time::{Instant, SECOND, Span};
use model::{
    AgentId, CampaignId, ConversationId, Destination, EndReason, InboxId, NumberId, Phone,
    RecipientRef, Record, SkipReason, Source,
};
use scenario::Scenario;

use crate::common::{Idle, one_campaign, run_audited, scenario};

/// What the auditor finds in `trace`, by invariant name.
fn found(scn: &Scenario, trace: &[(Instant, Record)]) -> BTreeSet<&'static str> {
    crate::common::audit(scn, trace)
        .iter()
        .map(|v| v.invariant.name())
        .collect()
}

/// A campaign paced one SMS every 7.5 s (so moving one send cannot also leave a slot idle) with
/// `campaign_extra` and `outreach_extra` added; `customers` replaces the reply behaviour.
fn paced_evenly(
    count: u32,
    campaign_extra: &str,
    outreach_extra: &str,
    customers: &str,
) -> Scenario {
    scenario(
        &one_campaign(count, campaign_extra, outreach_extra).replace(
            "[[numbers]]",
            &format!("[limits]\npacing = \"even\"\n[customers]\n{customers}\n[[numbers]]"),
        ),
    )
}

const SILENT: &str = "reply_rate = { dist = \"fixed\", value = 0 }";

/// A good trace of `scn`: the auditor finds nothing in it (checked).
fn good_trace(scn: &Scenario) -> Vec<(Instant, Record)> {
    run_audited(scn, 1).trace
}

fn send_positions(trace: &[(Instant, Record)]) -> Vec<usize> {
    (0..trace.len())
        .filter(|&i| matches!(trace[i].1, Record::Send { .. }))
        .collect()
}

/// Who the send at `i` texted.
fn sent_to(trace: &[(Instant, Record)], i: usize) -> (RecipientRef, Phone, NumberId) {
    match trace[i].1 {
        Record::Send { to, phone, number } => (to, phone, number),
        other => panic!("record {i} is not a send: {other:?}"),
    }
}

fn assert_only(scn: &Scenario, trace: &[(Instant, Record)], invariant: Invariant) {
    assert_eq!(found(scn, trace), BTreeSet::from([invariant.name()]));
}

const ONE_MS: Span = Span::from_millis(1);

#[test]
fn a_ninth_send_within_a_minute_breaks_the_send_window() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    // Sends go every 7.5 s: the ninth, at 60 s, moved a millisecond earlier makes 9 in a minute.
    let ninth = send_positions(&trace)[8];
    trace[ninth].0 = trace[ninth].0.checked_sub(ONE_MS).unwrap();
    assert_only(&scn, &trace, Invariant::SendWindow);
}

#[test]
fn a_send_at_the_stop_instant_breaks_the_outreach_time() {
    let scn = paced_evenly(40, "", "stop_at = \"2026-12-01T09:00:03\"", SILENT);
    let mut trace = good_trace(&scn);
    let stopped = trace
        .iter()
        .position(|(_, r)| {
            matches!(
                r,
                Record::Unreached {
                    reason: EndReason::Stopped,
                    ..
                }
            )
        })
        .unwrap();
    let Record::Unreached { to, phone, .. } = trace[stopped].1 else {
        unreachable!()
    };
    let number = NumberId::new(0);
    trace[stopped].1 = Record::Send { to, phone, number };
    assert_only(&scn, &trace, Invariant::OutreachTime);
}

#[test]
fn a_send_while_the_recipients_clock_reads_closed_breaks_the_schedule() {
    // New York opens at 09:00, Los Angeles three hours later. Swap a 09:00 New York send with a
    // later Los Angeles one: the Los Angeles recipient is then texted at 06:00 their time.
    let text = one_campaign(0, "schedule = { daily = \"09:00-17:00\" }", "")
        .replace("recipients = { count = 0 }", "recipients = { count = 2000, timezones = { \"America/New_York\" = 0.5, \"America/Los_Angeles\" = 0.5 } }")
        .replace("[[numbers]]", &format!("[limits]\npacing = \"even\"\n[customers]\n{SILENT}\n[[numbers]]"));
    let scn = scenario(&text);
    let mut trace = good_trace(&scn);
    let lists = sim::population::build(&scn).lists;
    let zone_of = |i: usize| {
        let (to, _, _) = sent_to(&trace, i);
        lists[0][0].zone(to.row.index())
    };
    let sends = send_positions(&trace);
    let early = sends[0];
    let late = *sends
        .iter()
        .find(|&&i| zone_of(i) != zone_of(early))
        .unwrap();
    let (a_to, a_phone, a_number) = sent_to(&trace, early);
    let (b_to, b_phone, b_number) = sent_to(&trace, late);
    trace[early].1 = Record::Send {
        to: b_to,
        phone: b_phone,
        number: a_number,
    };
    trace[late].1 = Record::Send {
        to: a_to,
        phone: a_phone,
        number: b_number,
    };
    assert_only(&scn, &trace, Invariant::Schedule);
}

#[test]
fn a_send_to_a_phone_that_had_replied_stop_breaks_the_opt_out() {
    // Nobody replies; then the tenth recipient is made to write "stop" (the second body) just
    // before their SMS goes out.
    let scn = paced_evenly(
        40,
        "",
        "",
        "reply_rate = { dist = \"fixed\", value = 0 }\nreplies = [ { body = \"Thanks!\", weight = 1 }, { body = \"stop\", weight = 0 } ]",
    );
    let mut trace = good_trace(&scn);
    let tenth = send_positions(&trace)[9];
    let (to, phone, number) = sent_to(&trace, tenth);
    let stop = Record::Reply {
        source: Source::Campaign(to.campaign),
        phone,
        to: Destination::Number(number),
        follow_up: false,
        body: Some(1),
    };
    trace.insert(tenth, (trace[tenth].0, stop));
    assert_only(&scn, &trace, Invariant::OptedOut);
}

#[test]
fn an_engine_deaf_to_stop_is_caught_from_what_customers_wrote() {
    // Everyone replies STOP to campaign A; B texts them a day later and skips them all. Erase
    // the engine's own opt-out records and let B text one of them: the auditor reads the replies.
    let scn = scenario(&crate::opt_out::stop_storm("company", false));
    let mut trace = good_trace(&scn);
    trace.retain(|(_, r)| !matches!(r, Record::OptOut { .. }));
    let skip = trace
        .iter()
        .position(|(_, r)| {
            matches!(
                r,
                Record::Skip {
                    reason: SkipReason::OptedOut,
                    ..
                }
            )
        })
        .unwrap();
    let Record::Skip { to, phone, .. } = trace[skip].1 else {
        unreachable!()
    };
    let number = NumberId::new(1);
    trace[skip].1 = Record::Send { to, phone, number };
    assert_only(&scn, &trace, Invariant::OptedOut);
}

#[test]
fn a_recipient_without_a_fate_breaks_conservation() {
    let scn = paced_evenly(40, "", "end = \"2026-12-01T09:01\"", SILENT);
    let mut trace = good_trace(&scn);
    let cut = trace
        .iter()
        .position(|(_, r)| {
            matches!(
                r,
                Record::Unreached {
                    reason: EndReason::Cutoff,
                    ..
                }
            )
        })
        .unwrap();
    trace.remove(cut);
    assert_only(&scn, &trace, Invariant::Conservation);
}

#[test]
fn one_phone_texted_twice_in_an_outreach_breaks_send_once() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    let sends = send_positions(&trace);
    let (_, first_phone, _) = sent_to(&trace, sends[0]);
    let (to, _, number) = sent_to(&trace, sends[1]);
    trace[sends[1]].1 = Record::Send {
        to,
        phone: first_phone,
        number,
    };
    assert_only(&scn, &trace, Invariant::Duplicate);
}

#[test]
fn an_agent_given_one_conversation_too_many_breaks_capacity() {
    let scn = paced_evenly(
        40,
        "",
        "",
        "reply_rate = { dist = \"fixed\", value = 1 }\nreplies = [ { body = \"hi\", weight = 1 } ]",
    );
    let mut trace = good_trace(&scn);
    let assign = trace
        .iter()
        .position(|(_, r)| matches!(r, Record::Assign { .. }))
        .unwrap();
    trace.insert(assign + 1, trace[assign]);
    assert_only(&scn, &trace, Invariant::AgentCapacity);
}

#[test]
fn a_conversation_given_to_an_agent_off_shift_breaks_off_shift() {
    // Three agents on every day; agent 3 works Sundays only, and the run is on a Tuesday.
    let shifts = "[[inboxes.shifts]]\nagents = 3\ndays = \"daily\"\nhours = \"00:00-24:00\"\n\
                  [[inboxes.shifts]]\nagents = 1\ndays = \"sun\"\nhours = \"09:00-17:00\"";
    let text = one_campaign(40, "", "")
        .replace("agents = 3", shifts)
        .replace(
            "[[numbers]]",
            "[limits]\npacing = \"even\"\n[customers]\nreply_rate = { dist = \"fixed\", value = 1 }\n[[numbers]]",
        );
    let scn = scenario(&text);
    let mut trace = good_trace(&scn);
    let first = trace
        .iter()
        .find_map(|(_, r)| match r {
            Record::Assign { conversation, .. } => Some(*conversation),
            _ => None,
        })
        .unwrap();
    // The same conversation, handled start to end by the Sunday agent instead.
    let sunday = AgentId::new(3);
    for (_, r) in &mut trace {
        match r {
            Record::Assign {
                conversation,
                agent,
                ..
            }
            | Record::Handle {
                conversation,
                agent,
                ..
            }
            | Record::Release {
                conversation,
                agent,
                ..
            } if *conversation == first => *agent = sunday,
            _ => {}
        }
    }
    assert_only(&scn, &trace, Invariant::OffShift);
}

#[test]
fn an_event_earlier_than_the_one_before_breaks_monotonic_time() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    let deliver = trace
        .iter()
        .position(|(t, r)| matches!(r, Record::Deliver { .. }) && *t > Instant::START)
        .unwrap();
    trace[deliver].0 = trace[deliver - 1].0.checked_sub(ONE_MS).unwrap();
    assert_only(&scn, &trace, Invariant::MonotonicTime);
}

#[test]
fn a_send_held_back_while_the_windows_allowed_it_breaks_liveness() {
    // Eager pacing: 20 recipients go 8 at 0 s, 8 at 60 s, 4 at 120 s. Holding the last one back
    // 30 s keeps every window and every time rule, but left a free slot unused.
    let scn = scenario(&one_campaign(20, "", "").replace(
        "[[numbers]]",
        &format!("[customers]\n{SILENT}\n[[numbers]]"),
    ));
    let mut trace = good_trace(&scn);
    let last = *send_positions(&trace).last().unwrap();
    let mut held = trace.remove(last);
    held.0 = held.0 + 30 * SECOND;
    let at = trace.partition_point(|(t, _)| *t <= held.0);
    trace.insert(at, held);
    assert_only(&scn, &trace, Invariant::Liveness);
}

fn lazy_run(scn: &Scenario) -> Vec<(Instant, Record)> {
    let o = crate::common::run_with_limiter(scn, 1, || Idle);
    assert_eq!(o.campaigns[0].sent, 0, "the lazy engine sends nothing");
    o.trace
}

#[test]
fn a_lazy_engine_that_sends_nothing_is_caught_by_liveness() {
    // With a horizon, leaving everyone unreached keeps every safety invariant.
    let scn = scenario(
        &one_campaign(100, "schedule = { daily = \"09:00-17:00\" }", "").replace(
            "start = \"2026-12-01T08:00\"",
            "start = \"2026-12-01T08:00\"\nuntil = \"2026-12-02T08:00\"",
        ),
    );
    assert_only(&scn, &lazy_run(&scn), Invariant::Liveness);
    run_audited(&scn, 1);
}

#[test]
fn without_a_horizon_nobody_may_be_left_for_the_horizon() {
    let scn = scenario(&one_campaign(100, "", ""));
    let trace = lazy_run(&scn);
    let v = crate::common::audit(&scn, &trace);
    assert!(v.iter().any(|v| v.invariant == Invariant::Liveness
        && v.campaign == Some(CampaignId::new(0))
        && v.detail.contains("no horizon")));
    run_audited(&scn, 1);
}

/// `one_campaign` where every delivered recipient replies once, with `extra` (rules, inboxes)
/// appended.
fn everyone_replies(extra: &str) -> Scenario {
    let customers = "[customers]\nreply_rate = { dist = \"fixed\", value = 1 }\nfollow_ups = { dist = \"fixed\", value = 1 }\n[[numbers]]";
    scenario(&format!(
        "{}\n{extra}",
        one_campaign(30, "", "").replace("[[numbers]]", customers)
    ))
}

fn position(trace: &[(Instant, Record)], pick: impl Fn(&Record) -> bool) -> usize {
    trace.iter().position(|(_, r)| pick(r)).unwrap()
}

#[test]
fn a_transfer_to_an_inbox_the_scenario_lacks_breaks_the_transfer_target() {
    let scn = everyone_replies(
        "[[inboxes]]\nname = \"Orders\"\nagents = 1\n[[rules]]\nname = \"All to Orders\"\nwhen = { campaign = \"A\" }\nthen = { move_to_inbox = \"Orders\" }",
    );
    let mut trace = good_trace(&scn);
    let i = position(&trace, |r| matches!(r, Record::Transfer { .. }));
    if let Record::Transfer { to, .. } = &mut trace[i].1 {
        *to = InboxId::new(7);
    }
    assert_only(&scn, &trace, Invariant::TransferTarget);
}

#[test]
fn a_rule_firing_after_it_was_switched_off_breaks_disabled_rule() {
    let scn = everyone_replies(
        "[[inboxes]]\nname = \"Orders\"\nagents = 1\n[[rules]]\nname = \"To Orders\"\nwhen = { inbox = \"Replies\" }\nthen = { move_to_inbox = \"Orders\" }\n[[rules]]\nname = \"Back\"\nwhen = { inbox = \"Orders\" }\nthen = { move_to_inbox = \"Replies\" }",
    );
    let mut trace = good_trace(&scn);
    let i = position(&trace, |r| matches!(r, Record::RuleDisabled { .. }));
    let Record::RuleDisabled { rule } = trace[i].1 else {
        unreachable!()
    };
    let conversation = ConversationId::new(0);
    trace.insert(
        i + 1,
        (trace[i].0, Record::RuleFired { rule, conversation }),
    );
    assert_only(&scn, &trace, Invariant::DisabledRule);
}

#[test]
fn an_agent_on_a_conversation_a_rule_closed_breaks_closed_by_rule() {
    let scn = everyone_replies(
        "[[rules]]\nname = \"Close all\"\nwhen = { campaign = \"A\" }\nthen = { close = true }",
    );
    let mut trace = good_trace(&scn);
    let i = position(&trace, |r| matches!(r, Record::ClosedByRule { .. }));
    let Record::ClosedByRule {
        conversation,
        inbox,
    } = trace[i].1
    else {
        unreachable!()
    };
    let handle = Record::Handle {
        conversation,
        source: Source::Campaign(CampaignId::new(0)),
        phone: Phone(15550000000),
        inbox,
        agent: AgentId::new(0),
    };
    trace.insert(i + 1, (trace[i].0, handle));
    assert_only(&scn, &trace, Invariant::ClosedByRule);
}

#[test]
fn an_agent_taking_an_older_customer_before_a_waiting_vip_breaks_people_match() {
    let scn = crate::people_match::busy_desk();
    let mut trace = good_trace(&scn);
    let vip = |trace: &[(Instant, Record)], c| {
        trace
            .iter()
            .any(|(_, r)| matches!(*r, Record::RuleFired { conversation, .. } if conversation == c))
    };
    let assigned = |r: &Record| match *r {
        Record::Assign { conversation, .. } => Some(conversation),
        _ => None,
    };
    // The first VIP taken while an older plain customer (routed before it) still waited.
    let (i, overtaken) = (0..trace.len())
        .find_map(|i| {
            let v = assigned(&trace[i].1).filter(|&c| vip(&trace, c))?;
            let older = (i + 1..trace.len())
                .filter_map(|j| assigned(&trace[j].1))
                .find(|&c| c < v && !vip(&trace, c))?;
            Some((i, older))
        })
        .expect("a VIP jumps the queue in a busy run");
    let j = position(&trace, |r| assigned(r) == Some(overtaken));
    let swap = |r: &mut Record, to: ConversationId| {
        if let Record::Assign { conversation, .. } = r {
            *conversation = to;
        }
    };
    let v = assigned(&trace[i].1).unwrap();
    swap(&mut trace[i].1, overtaken);
    swap(&mut trace[j].1, v);
    assert_only(&scn, &trace, Invariant::PeopleMatch);
}
