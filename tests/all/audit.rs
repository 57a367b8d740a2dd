//! The auditor must not pass vacuously: a good trace, mutated so that exactly one invariant
//! breaks, must be named for that invariant; and a lazy campaign system that sends nothing must
//! be caught by liveness, while the real engine passes.

use std::collections::BTreeSet;

use audit::{self, Invariant};
use engine::limiter::Fault;
use model::record::{Event, Kind};
use model::{EndReason, SkipReason};
use scenario::Scenario;

use crate::common::{one_campaign, run_audited, scenario};

/// What the auditor finds in `trace`, by invariant name.
fn found(scn: &Scenario, trace: &[Event]) -> BTreeSet<&'static str> {
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
fn good_trace(scn: &Scenario) -> Vec<Event> {
    run_audited(scn, 1).trace
}

fn send_positions(trace: &[Event]) -> Vec<usize> {
    (0..trace.len())
        .filter(|&i| trace[i].kind == Kind::Send)
        .collect()
}

fn assert_only(scn: &Scenario, trace: &[Event], invariant: Invariant) {
    assert_eq!(found(scn, trace), BTreeSet::from([invariant.name()]));
}

#[test]
fn a_ninth_send_within_a_minute_breaks_the_send_window() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    // Sends go every 7.5 s: the ninth, at 60 s, moved a millisecond earlier makes 9 in a minute.
    let ninth = send_positions(&trace)[8];
    trace[ninth].t -= 1;
    assert_only(&scn, &trace, Invariant::SendWindow);
}

#[test]
fn a_send_at_the_stop_instant_breaks_the_outreach_time() {
    let scn = paced_evenly(40, "", "stop_at = \"2026-12-01T09:00:03\"", SILENT);
    let mut trace = good_trace(&scn);
    let stopped = trace
        .iter()
        .position(|e| e.kind == Kind::Unreached(EndReason::Stopped))
        .unwrap();
    trace[stopped].kind = Kind::Send;
    trace[stopped].number = 0;
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
    let zone_of = |e: &Event| lists[0][0][e.recipient as usize].zone;
    let sends = send_positions(&trace);
    let early = sends[0];
    let late = *sends
        .iter()
        .find(|&&i| zone_of(&trace[i]) != zone_of(&trace[early]))
        .unwrap();
    let (a, b) = (trace[early], trace[late]);
    (trace[early].recipient, trace[early].phone) = (b.recipient, b.phone);
    (trace[late].recipient, trace[late].phone) = (a.recipient, a.phone);
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
    let send = trace[tenth];
    let stop = Event {
        phone: send.phone,
        number: send.number,
        campaign: send.campaign,
        ..Event::new(
            send.t,
            Kind::Reply {
                follow_up: false,
                body: Some(1),
            },
        )
    };
    trace.insert(tenth, stop);
    assert_only(&scn, &trace, Invariant::OptedOut);
}

#[test]
fn an_engine_deaf_to_stop_is_caught_from_what_customers_wrote() {
    // Everyone replies STOP to campaign A; B texts them a day later and skips them all. Erase
    // the engine's own opt-out records and let B text one of them: the auditor reads the replies.
    let scn = scenario(&crate::opt_out::stop_storm("company", false));
    let mut trace = good_trace(&scn);
    trace.retain(|e| e.kind != Kind::OptOut);
    let skip = trace
        .iter()
        .position(|e| e.kind == Kind::Skip(SkipReason::OptedOut))
        .unwrap();
    trace[skip].kind = Kind::Send;
    trace[skip].number = 1;
    assert_only(&scn, &trace, Invariant::OptedOut);
}

#[test]
fn a_recipient_without_a_fate_breaks_conservation() {
    let scn = paced_evenly(40, "", "end = \"2026-12-01T09:01\"", SILENT);
    let mut trace = good_trace(&scn);
    let cut = trace
        .iter()
        .position(|e| e.kind == Kind::Unreached(EndReason::Cutoff))
        .unwrap();
    trace.remove(cut);
    assert_only(&scn, &trace, Invariant::Conservation);
}

#[test]
fn one_phone_texted_twice_in_an_outreach_breaks_send_once() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    let sends = send_positions(&trace);
    trace[sends[1]].phone = trace[sends[0]].phone;
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
    let assign = trace.iter().position(|e| e.kind == Kind::Assign).unwrap();
    trace.insert(assign + 1, trace[assign]);
    assert_only(&scn, &trace, Invariant::AgentCapacity);
}

#[test]
fn an_event_earlier_than_the_one_before_breaks_monotonic_time() {
    let scn = paced_evenly(40, "", "", SILENT);
    let mut trace = good_trace(&scn);
    let deliver = trace
        .iter()
        .position(|e| e.kind == Kind::Deliver && e.t > 0)
        .unwrap();
    trace[deliver].t = trace[deliver - 1].t - 1;
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
    held.t += 30_000;
    let at = trace.partition_point(|e| e.t <= held.t);
    trace.insert(at, held);
    assert_only(&scn, &trace, Invariant::Liveness);
}

fn lazy_run(scn: &Scenario) -> Vec<Event> {
    let o = sim::run(
        scn,
        &sim::Options {
            seed: 1,
            trace: true,
            limiter_fault: Some(Fault::Idle),
        },
    );
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
    assert!(
        v.iter()
            .any(|v| v.invariant == Invariant::Liveness && v.detail.contains("no horizon"))
    );
    run_audited(&scn, 1);
}
