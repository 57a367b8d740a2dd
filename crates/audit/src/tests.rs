//! Hand-made traces against small scenarios: each invariant fires on a trace that breaks it and
//! stays quiet on one that keeps it.

use std::path::Path;

use model::record::Trace;
use model::schedule::WeeklySchedule;
use model::time::{HOUR, Instant, MAX_RUN, MINUTE, SECOND, Span};
use model::{
    AgentId, AtShiftEnd, CampaignId, ConversationId, Destination, EndReason, InboxId, Lists,
    NumberId, Observer, OutreachId, Phone, Recipient, RecipientRef, Record, Row, RuleId, Shift,
    SkipReason, Source, ZoneId,
};
use scenario::{Recipients, Scenario};

use super::{Auditor, Invariant, Roster, Violation, audit};

/// One campaign "A" on number 0 (+15550100; number 1 is +15550101) whose outreach starts at
/// 09:00 New York time, one hour after the simulation start, and texts 3 recipients unless
/// `outreach` says otherwise. Pacing is even unless `limits` says otherwise, so a late send does
/// not also leave an eager slot idle.
fn scenario(simulation: &str, limits: &str, campaign: &str, outreach: &str) -> Scenario {
    let limits = if limits.contains("pacing") {
        limits.to_string()
    } else {
        format!("pacing = \"even\"\n{limits}")
    };
    let recipients = if outreach.starts_with("recipients") {
        ""
    } else {
        "recipients = { count = 3 }"
    };
    let text = format!(
        r#"
name = "t"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
{simulation}
[limits]
{limits}
[customers]
replies = [ {{ body = "Thanks!", weight = 1 }}, {{ body = " stop ", weight = 0 }}, {{ body = "Start", weight = 0 }}, {{ body = "STOP PLEASE", weight = 0 }} ]
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[numbers]]
number = "+15550101"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 2
capacity = {{ standard = 1 }}
[[campaigns]]
name = "A"
number = "+15550100"
{campaign}
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
{recipients}
{outreach}
"#
    );
    Scenario::parse(Path::new("t.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn plain() -> Scenario {
    scenario("", "", "", "")
}

/// A second outreach of the same 3 phones at 10:00.
const SECOND_OUTREACH: &str =
    "[[campaigns.outreaches]]\nstart = \"2026-12-01T10:00\"\nrecipients = { count = 3 }";

/// Row `r` of every generated list texts [`phone`]`(r)`, in the list's first zone.
fn lists(scn: &Scenario) -> Lists {
    scn.campaigns
        .iter()
        .map(|c| {
            c.outreaches
                .iter()
                .map(|o| match &o.recipients {
                    Recipients::Generated { count, zones } => {
                        let zone = zones.first().map_or(ZoneId::new(0), |&(z, _)| z);
                        (0..*count as usize)
                            .map(|r| Recipient {
                                phone: phone(r),
                                zone,
                            })
                            .collect()
                    }
                    Recipients::Listed { rows, .. } => rows.iter().copied().collect(),
                })
                .collect()
        })
        .collect()
}

/// The first outreach's start, 09:00 New York time.
const NINE: Instant = Instant::from_millis(3_600_000);

fn at(after_nine: Span) -> Instant {
    NINE + after_nine
}

fn phone(row: usize) -> Phone {
    Phone(1000 + u64::try_from(row).unwrap())
}

fn row_of(outreach: usize, row: usize) -> RecipientRef {
    RecipientRef {
        campaign: CampaignId::new(0),
        outreach: OutreachId::new(outreach),
        row: Row::new(row),
    }
}

fn to(row: usize) -> RecipientRef {
    row_of(0, row)
}

/// A send to `to` from number 0, of `phone`.
fn send_of(t: Instant, to: RecipientRef, phone: Phone) -> (Instant, Record) {
    let number = NumberId::new(0);
    (t, Record::Send { to, phone, number })
}

fn send(t: Instant, row: usize) -> (Instant, Record) {
    send_of(t, to(row), phone(row))
}

fn skip(t: Instant, to: RecipientRef, reason: SkipReason) -> (Instant, Record) {
    let phone = phone(to.row.index());
    (t, Record::Skip { to, phone, reason })
}

fn unreached(t: Instant, to: RecipientRef, reason: EndReason) -> (Instant, Record) {
    let phone = phone(to.row.index());
    (t, Record::Unreached { to, phone, reason })
}

fn deliver(t: Instant, row: usize) -> (Instant, Record) {
    let (to, phone, number) = (to(row), phone(row), NumberId::new(0));
    (t, Record::Deliver { to, phone, number })
}

/// A first reply from row `row`'s phone to number `number`, with the scenario's reply `body`.
fn reply(t: Instant, row: usize, number: usize, body: u32) -> (Instant, Record) {
    let record = Record::Reply {
        source: Source::Campaign(CampaignId::new(0)),
        phone: phone(row),
        to: Destination::Number(NumberId::new(number)),
        follow_up: false,
        body: Some(body),
    };
    (t, record)
}

fn assign(t: Instant, conversation: usize, agent: usize) -> (Instant, Record) {
    let record = Record::Assign {
        conversation: ConversationId::new(conversation),
        source: Source::Campaign(CampaignId::new(0)),
        phone: phone(conversation),
        inbox: InboxId::new(0),
        agent: AgentId::new(agent),
    };
    (t, record)
}

fn release(t: Instant, conversation: usize, agent: usize) -> (Instant, Record) {
    let record = Record::Release {
        conversation: ConversationId::new(conversation),
        source: Source::Campaign(CampaignId::new(0)),
        inbox: InboxId::new(0),
        agent: AgentId::new(agent),
    };
    (t, record)
}

/// Rows `0..n` of the first outreach sent at 09:00.
fn all_sent(n: usize) -> Vec<(Instant, Record)> {
    (0..n).map(|r| send(NINE, r)).collect()
}

fn run(scn: &Scenario, trace: &[(Instant, Record)]) -> Vec<Violation> {
    audit(scn, &lists(scn), trace)
}

fn names(found: &[Violation]) -> Vec<&'static str> {
    found.iter().map(|v| v.invariant.name()).collect()
}

/// The one violation found, which must be of `invariant`.
fn only(found: Vec<Violation>, invariant: Invariant) -> Violation {
    assert_eq!(names(&found), [invariant.name()], "{found:#?}");
    found.into_iter().next().unwrap()
}

fn a() -> Option<CampaignId> {
    Some(CampaignId::new(0))
}

#[test]
fn a_good_trace_passes() {
    let mut trace = all_sent(3);
    trace.extend([
        deliver(at(MINUTE), 0),
        reply(at(2 * MINUTE), 0, 0, 0),
        assign(at(2 * MINUTE), 0, 0),
        assign(at(3 * MINUTE), 1, 1),
        release(at(4 * MINUTE), 0, 0),
        assign(at(5 * MINUTE), 2, 0),
    ]);
    assert_eq!(run(&plain(), &trace), []);
}

// send_window

#[test]
fn one_send_too_many_in_a_window_breaks_the_send_window() {
    let scn = scenario("", "windows = [ { max = 2, per = \"60s\" } ]", "", "");
    let trace = [
        send(NINE, 0),
        send(at(10 * SECOND), 1),
        send(at(20 * SECOND), 2),
    ];
    let v = only(run(&scn, &trace), Invariant::SendWindow);
    assert_eq!((v.campaign, v.t), (a(), at(20 * SECOND)));
    assert_eq!(
        v.to_string(),
        "send_window at t=3620000 ms (campaign #0): 3 sends between t=3600000 ms and t=3620000 ms, more than 2 per 60 s"
    );
}

#[test]
fn sends_a_whole_window_apart_keep_the_send_window() {
    let scn = scenario("", "windows = [ { max = 2, per = \"60s\" } ]", "", "");
    let trace = [send(NINE, 0), send(NINE, 1), send(at(MINUTE), 2)];
    assert_eq!(run(&scn, &trace), []);
}

#[test]
fn each_window_reports_its_first_breach_only() {
    let scn = scenario(
        "",
        "windows = [ { max = 1, per = \"60s\" }, { max = 2, per = \"1h\" } ]",
        "",
        "recipients = { count = 4 }",
    );
    let mut trace = all_sent(3);
    trace.push(send(at(2 * MINUTE), 3));
    let found = run(&scn, &trace);
    assert_eq!(names(&found), ["send_window", "send_window"]);
    assert_eq!(
        found[0].detail,
        "2 sends between t=3600000 ms and t=3600000 ms, more than 1 per 60 s"
    );
    assert_eq!(
        found[1].detail,
        "3 sends between t=3600000 ms and t=3600000 ms, more than 2 per 3600 s"
    );
}

// outreach_time

#[test]
fn a_send_before_the_start_breaks_the_outreach_time() {
    let trace = [
        send(NINE.saturating_sub(SECOND), 0),
        send(NINE, 1),
        send(NINE, 2),
    ];
    let v = only(run(&plain(), &trace), Invariant::OutreachTime);
    assert_eq!((v.campaign, v.t), (a(), Instant::from_millis(3_599_000)));
    assert_eq!(v.detail, "sent before the outreach start (t=3600000 ms)");
}

#[test]
fn sends_at_the_stop_or_end_break_the_outreach_time() {
    let scn = scenario(
        "",
        "",
        "",
        "end = \"2026-12-01T10:00\"\nstop_at = \"2026-12-01T09:30\"",
    );
    let trace = [
        send(NINE, 0),
        send(at(30 * MINUTE), 1),
        send(at(60 * MINUTE), 2),
    ];
    let found = run(&scn, &trace);
    let details: Vec<(Instant, &str)> = found.iter().map(|v| (v.t, v.detail.as_str())).collect();
    assert_eq!(names(&found), ["outreach_time"; 3]);
    assert_eq!(
        details,
        [
            (
                at(30 * MINUTE),
                "sent at or after the outreach was stopped (t=5400000 ms)"
            ),
            (
                at(60 * MINUTE),
                "sent at or after the outreach end (t=7200000 ms)"
            ),
            (
                at(60 * MINUTE),
                "sent at or after the outreach was stopped (t=5400000 ms)"
            ),
        ]
    );
}

#[test]
fn sends_within_start_and_stop_keep_the_outreach_time() {
    let scn = scenario("", "", "", "stop_at = \"2026-12-01T09:30\"");
    let last = at(30 * MINUTE).saturating_sub(Span::from_millis(1));
    let trace = [send(NINE, 0), send(NINE, 1), send(last, 2)];
    assert_eq!(run(&scn, &trace), []);
}

// schedule

#[test]
fn a_send_when_the_schedule_has_closed_breaks_the_schedule() {
    let scn = scenario("", "", "schedule = { daily = \"09:00-17:00\" }", "");
    let trace = [send(NINE, 0), send(NINE, 1), send(at(8 * 60 * MINUTE), 2)];
    let v = only(run(&scn, &trace), Invariant::Schedule);
    assert_eq!((v.campaign, v.t), (a(), at(8 * 60 * MINUTE)));
    assert_eq!(
        v.detail,
        "sent at 2026-12-01 17:00:00 local time of the recipient (row 2), outside the schedule"
    );
}

#[test]
fn the_schedule_is_read_on_the_recipients_own_clock() {
    let scn = scenario(
        "",
        "",
        "schedule = { daily = \"09:00-17:00\" }",
        "recipients = { count = 3, timezones = { \"America/Los_Angeles\" = 1.0 } }",
    );
    // 09:00 in New York is 06:00 in Los Angeles; 12:00 is 09:00 there.
    let found = run(&scn, &all_sent(3));
    assert_eq!(names(&found), ["schedule"; 3]);
    assert_eq!(
        found[0].detail,
        "sent at 2026-12-01 06:00:00 local time of the recipient (row 0), outside the schedule"
    );
    let noon: Vec<_> = (0..3).map(|r| send(at(3 * 60 * MINUTE), r)).collect();
    assert_eq!(run(&scn, &noon), []);
}

#[test]
fn sends_inside_the_schedule_keep_it() {
    let scn = scenario("", "", "schedule = { daily = \"09:00-17:00\" }", "");
    let last = at(8 * 60 * MINUTE).saturating_sub(Span::from_millis(1));
    let trace = [send(NINE, 0), send(NINE, 1), send(last, 2)];
    assert_eq!(run(&scn, &trace), []);
}

// opted_out

/// The first outreach sent at 09:00; `between` (replies); the second outreach at 10:00 with
/// row 0 `sent` or skipped as opted out.
fn two_outreaches(between: &[(Instant, Record)], sent: bool) -> Vec<(Instant, Record)> {
    let ten = at(60 * MINUTE);
    let mut trace = all_sent(3);
    trace.extend_from_slice(between);
    trace.push(if sent {
        send_of(ten, row_of(1, 0), phone(0))
    } else {
        skip(ten, row_of(1, 0), SkipReason::OptedOut)
    });
    trace.extend((1..3).map(|r| send_of(ten, row_of(1, r), phone(r))));
    trace
}

#[test]
fn a_send_to_a_phone_that_replied_stop_breaks_the_opt_out() {
    let scn = scenario("", "", "", SECOND_OUTREACH);
    let trace = two_outreaches(&[reply(at(5 * MINUTE), 0, 0, 1)], true);
    let v = only(run(&scn, &trace), Invariant::OptedOut);
    assert_eq!((v.campaign, v.t), (a(), at(60 * MINUTE)));
    assert_eq!(
        v.detail,
        "sent to +1000, who had replied an opt-out keyword"
    );
}

#[test]
fn skipping_the_opted_out_keeps_the_opt_out() {
    let scn = scenario("", "", "", SECOND_OUTREACH);
    let trace = two_outreaches(&[reply(at(5 * MINUTE), 0, 0, 1)], false);
    assert_eq!(run(&scn, &trace), []);
}

#[test]
fn only_whole_keywords_opt_out_and_start_opts_back_in() {
    let scn = scenario("", "", "", SECOND_OUTREACH);
    let back_in = [
        reply(at(5 * MINUTE), 0, 0, 1),
        reply(at(6 * MINUTE), 0, 0, 2),
    ];
    assert_eq!(run(&scn, &two_outreaches(&back_in, true)), []);
    let please = [reply(at(5 * MINUTE), 0, 0, 3)];
    assert_eq!(run(&scn, &two_outreaches(&please, true)), []);
}

#[test]
fn the_opt_out_scope_decides_which_numbers_a_stop_silences() {
    // STOP written to number 1; the second outreach sends from number 0.
    let stop_to_other = [reply(at(5 * MINUTE), 0, 1, 1)];
    let company = scenario("", "", "", SECOND_OUTREACH);
    let v = only(
        run(&company, &two_outreaches(&stop_to_other, true)),
        Invariant::OptedOut,
    );
    assert_eq!(v.t, at(60 * MINUTE));
    let sender = scenario("", "opt_out_scope = \"sender_number\"", "", SECOND_OUTREACH);
    assert_eq!(run(&sender, &two_outreaches(&stop_to_other, true)), []);
    let stop_to_same = [reply(at(5 * MINUTE), 0, 0, 1)];
    let found = run(&sender, &two_outreaches(&stop_to_same, true));
    only(found, Invariant::OptedOut);
}

// conservation

#[test]
fn a_row_without_a_fate_breaks_conservation() {
    let trace = [send(NINE, 0), send(NINE, 1), deliver(at(MINUTE), 0)];
    let v = only(run(&plain(), &trace), Invariant::Conservation);
    // Dated at the last record, where the run ended.
    assert_eq!((v.campaign, v.t), (a(), at(MINUTE)));
    assert_eq!(
        v.detail,
        "1 recipients of outreach 0 do not have exactly one fate (first: row 2, 0 fates)"
    );
}

#[test]
fn a_row_with_two_fates_breaks_conservation() {
    let trace = [
        send(NINE, 0),
        send(NINE, 1),
        unreached(at(MINUTE), to(0), EndReason::Cutoff),
    ];
    let v = only(run(&plain(), &trace), Invariant::Conservation);
    assert_eq!(
        v.detail,
        "2 recipients of outreach 0 do not have exactly one fate (first: row 0, 2 fates)"
    );
}

#[test]
fn an_empty_trace_leaves_everyone_without_a_fate_at_the_start() {
    let v = only(run(&plain(), &[]), Invariant::Conservation);
    assert_eq!(v.t, Instant::START);
    assert_eq!(
        v.detail,
        "3 recipients of outreach 0 do not have exactly one fate (first: row 0, 0 fates)"
    );
}

#[test]
fn one_fate_each_keeps_conservation() {
    let scn = scenario("", "", "", "end = \"2026-12-01T10:00\"");
    let trace = [
        send(NINE, 0),
        skip(NINE, to(1), SkipReason::Duplicate),
        unreached(at(60 * MINUTE), to(2), EndReason::Cutoff),
    ];
    assert_eq!(run(&scn, &trace), []);
}

// duplicate

/// Lists where row 1 of the first outreach has row 0's phone.
fn listed_twice(scn: &Scenario) -> Lists {
    let mut lists = lists(scn);
    let mut list = lists[0][0].to_vec();
    list[1].phone = phone(0);
    lists[0][0] = list.into();
    lists
}

#[test]
fn one_phone_texted_twice_in_an_outreach_breaks_send_once() {
    let scn = plain();
    let trace = [send(NINE, 0), send_of(NINE, to(1), phone(0)), send(NINE, 2)];
    let found = audit(&scn, &listed_twice(&scn), &trace);
    let v = only(found, Invariant::Duplicate);
    assert_eq!((v.campaign, v.t), (a(), NINE));
    assert_eq!(v.detail, "+1000 sent twice in outreach 0");
}

#[test]
fn a_phone_the_list_lacks_texted_twice_breaks_send_once() {
    let trace = [
        send(NINE, 0),
        send_of(NINE, to(1), Phone(7)),
        send_of(NINE, to(2), Phone(7)),
    ];
    let v = only(run(&plain(), &trace), Invariant::Duplicate);
    assert_eq!(v.detail, "+7 sent twice in outreach 0");
}

#[test]
fn skipping_a_listed_duplicate_keeps_send_once() {
    let scn = plain();
    let trace = [
        send(NINE, 0),
        skip(NINE, to(1), SkipReason::Duplicate),
        send(NINE, 2),
    ];
    assert_eq!(audit(&scn, &listed_twice(&scn), &trace), []);
}

#[test]
fn the_same_phone_in_two_outreaches_or_sent_per_row_is_no_duplicate() {
    let scn = scenario("", "", "", SECOND_OUTREACH);
    assert_eq!(run(&scn, &two_outreaches(&[], true)), []);
    let per_row = scenario("", "duplicates = \"send_per_row\"", "", "");
    let trace = [send(NINE, 0), send_of(NINE, to(1), phone(0)), send(NINE, 2)];
    assert_eq!(audit(&per_row, &listed_twice(&per_row), &trace), []);
}

// agent_capacity

#[test]
fn an_agent_given_one_conversation_too_many_breaks_capacity() {
    let mut trace = all_sent(3);
    trace.extend([assign(at(MINUTE), 0, 1), assign(at(2 * MINUTE), 1, 1)]);
    let v = only(run(&plain(), &trace), Invariant::AgentCapacity);
    assert_eq!((v.campaign, v.t), (None, at(2 * MINUTE)));
    assert_eq!(v.detail, "agent 1 holds 2 conversations, capacity 1");
}

/// The plain scenario's two agents on shifts: agent 0 works 09:00-10:00 every day, agent 1
/// 10:00-11:00 (New York, the company clock).
fn on_shifts() -> Scenario {
    let mut scn = plain();
    let daily = |from: u16, to: u16| WeeklySchedule::new(std::array::from_fn(|_| vec![(from, to)]));
    scn.inboxes[0].shifts = vec![
        Shift {
            agents: 1,
            hours: daily(9 * 60, 10 * 60),
            skills: Vec::new(),
            also: Vec::new(),
            days_text: String::new(),
            hours_text: String::new(),
        },
        Shift {
            agents: 1,
            hours: daily(10 * 60, 11 * 60),
            skills: Vec::new(),
            also: Vec::new(),
            days_text: String::new(),
            hours_text: String::new(),
        },
    ];
    scn
}

#[test]
fn agents_who_pull_work_hold_up_to_the_maximum_capacity() {
    let mut scn = plain();
    scn.inboxes[0].capacity_maximum = 2;
    scn.routing.pull = true;
    let mut trace = all_sent(3);
    trace.extend([assign(at(MINUTE), 0, 1), assign(at(MINUTE), 1, 1)]);
    assert_eq!(run(&scn, &trace), [], "two is within the maximum");
    trace.push(assign(at(2 * MINUTE), 2, 1));
    let v = only(run(&scn, &trace), Invariant::AgentCapacity);
    assert_eq!(v.detail, "agent 1 holds 3 conversations, capacity 2");
}

fn handover(t: Instant, conversation: usize, from: usize, to: usize) -> (Instant, Record) {
    let record = Record::Handover {
        conversation: ConversationId::new(conversation),
        source: Source::Campaign(CampaignId::new(0)),
        inbox: InboxId::new(0),
        from: AgentId::new(from),
        to: AgentId::new(to),
    };
    (t, record)
}

#[test]
fn a_handover_moves_the_load_from_one_agent_to_the_other() {
    let mut trace = all_sent(3);
    trace.extend([
        assign(at(MINUTE), 0, 0),
        assign(at(MINUTE), 1, 1),
        handover(at(2 * MINUTE), 0, 0, 1),
    ]);
    let v = only(run(&plain(), &trace), Invariant::AgentCapacity);
    assert_eq!(v.detail, "agent 1 holds 2 conversations, capacity 1");
    // Agent 0 is free again: the handover took the conversation off them.
    trace.truncate(trace.len() - 2);
    trace.extend([
        handover(at(2 * MINUTE), 0, 0, 1),
        assign(at(3 * MINUTE), 2, 0),
    ]);
    assert_eq!(run(&plain(), &trace), []);
}

/// The plain scenario with a second inbox, "Orders", whose one agent (agent 2) works a shift
/// that also serves "Replies" when `also`.
fn with_orders(also: bool) -> Scenario {
    let mut scn = plain();
    let mut orders = scn.inboxes[0].clone();
    orders.name = "Orders".into();
    orders.agents = 1;
    orders.shifts = vec![Shift {
        agents: 1,
        hours: WeeklySchedule::new(std::array::from_fn(|_| vec![(0, 24 * 60)])),
        skills: Vec::new(),
        also: if also {
            vec![InboxId::new(0)]
        } else {
            Vec::new()
        },
        days_text: String::new(),
        hours_text: String::new(),
    }];
    scn.inboxes.push(orders);
    scn
}

// agent_inbox

#[test]
fn an_agent_taking_work_of_an_inbox_they_do_not_serve_breaks_agent_inbox() {
    let mut trace = all_sent(3);
    trace.push(assign(at(MINUTE), 0, 2));
    let v = only(run(&with_orders(false), &trace), Invariant::AgentInbox);
    assert_eq!(
        v.detail,
        "agent 2 took a conversation of inbox #0, which they do not serve"
    );
    assert_eq!(
        run(&with_orders(true), &trace),
        [],
        "`also` makes it theirs"
    );
}

// off_shift

#[test]
fn a_conversation_assigned_before_the_agents_shift_is_off_shift() {
    let mut trace = all_sent(3);
    trace.extend([assign(at(30 * MINUTE), 0, 0), assign(at(30 * MINUTE), 1, 1)]);
    let v = only(run(&on_shifts(), &trace), Invariant::OffShift);
    assert_eq!((v.campaign, v.t), (None, at(30 * MINUTE)));
    assert_eq!(
        v.detail,
        "agent 1 was assigned a conversation at 2026-12-01 09:30:00, outside their shift"
    );
}

#[test]
fn the_first_instant_of_a_shift_is_on_it_and_its_end_is_not() {
    let mut trace = all_sent(3);
    trace.extend([assign(at(HOUR), 0, 1), assign(at(HOUR), 1, 0)]);
    let v = only(run(&on_shifts(), &trace), Invariant::OffShift);
    assert!(v.detail.starts_with("agent 0 was"), "{}", v.detail);
    let mut kept = all_sent(3);
    kept.extend([assign(at(HOUR), 0, 1), release(at(2 * HOUR), 0, 1)]);
    assert_eq!(run(&on_shifts(), &kept), []);
}

fn handle(t: Instant, conversation: usize, agent: usize) -> (Instant, Record) {
    let record = Record::Handle {
        conversation: ConversationId::new(conversation),
        source: Source::Campaign(CampaignId::new(0)),
        phone: phone(conversation),
        inbox: InboxId::new(0),
        agent: AgentId::new(agent),
    };
    (t, record)
}

#[test]
fn a_session_kept_past_the_shift_is_overtime_unless_agents_hand_over_or_requeue() {
    let mut trace = all_sent(3);
    trace.extend([assign(at(30 * MINUTE), 0, 0), handle(at(65 * MINUTE), 0, 0)]);
    assert_eq!(
        run(&on_shifts(), &trace),
        [],
        "overtime: finishing held work"
    );
    for at_end in [AtShiftEnd::Handover, AtShiftEnd::Requeue] {
        let mut scn = on_shifts();
        scn.routing.at_shift_end = at_end;
        let v = only(run(&scn, &trace), Invariant::OffShift);
        assert_eq!(
            v.detail,
            "agent 0 kept a session at 2026-12-01 10:05:00, outside their shift"
        );
    }
}

#[test]
fn a_released_slot_may_be_assigned_again() {
    let mut trace = all_sent(3);
    trace.extend([
        assign(at(MINUTE), 0, 1),
        release(at(2 * MINUTE), 0, 1),
        assign(at(2 * MINUTE), 1, 1),
        assign(at(2 * MINUTE), 2, 0),
    ]);
    assert_eq!(run(&plain(), &trace), []);
}

// monotonic_time

#[test]
fn a_record_earlier_than_the_one_before_breaks_monotonic_time() {
    let mut trace = all_sent(3);
    trace.extend([
        deliver(at(60 * SECOND), 0),
        deliver(at(30 * SECOND), 1),
        deliver(at(120 * SECOND), 2),
        deliver(at(90 * SECOND), 2),
    ]);
    let v = only(run(&plain(), &trace), Invariant::MonotonicTime);
    assert_eq!((v.campaign, v.t), (None, at(30 * SECOND)));
    assert_eq!(
        v.detail,
        "event 4 (deliver) at t=3630000 ms comes after one at t=3660000 ms; 2 such steps back in all"
    );
}

#[test]
fn records_at_the_same_instant_keep_monotonic_time() {
    let mut trace = all_sent(3);
    trace.extend([deliver(NINE, 0), deliver(NINE, 1), deliver(at(SECOND), 2)]);
    assert_eq!(run(&plain(), &trace), []);
}

// liveness

fn eager(count: u32, campaign: &str) -> Scenario {
    let recipients = format!("recipients = {{ count = {count} }}");
    scenario("", "pacing = \"eager\"", campaign, &recipients)
}

#[test]
fn eager_sends_as_fast_as_the_windows_allow_keep_liveness() {
    // The platform's windows: 8 a minute.
    let scn = eager(10, "");
    let mut trace = all_sent(8);
    trace.extend([send(at(MINUTE), 8), send(at(MINUTE), 9)]);
    assert_eq!(run(&scn, &trace), []);
}

#[test]
fn a_send_held_back_while_the_windows_allowed_it_breaks_liveness() {
    let scn = eager(10, "");
    let mut trace = all_sent(8);
    trace.extend([send(at(MINUTE), 8), send(at(90 * SECOND), 9)]);
    let v = only(run(&scn, &trace), Invariant::Liveness);
    assert_eq!((v.campaign, v.t), (a(), at(MINUTE)));
    assert_eq!(
        v.detail,
        "no SMS although the send windows allowed one and 1 recipients of outreach 0 in America/New_York were due (their clock read 2026-12-01 09:01:00, inside the schedule)"
    );
}

#[test]
fn waiting_for_the_schedule_to_open_keeps_liveness() {
    let scn = eager(3, "schedule = { daily = \"10:00-17:00\" }");
    let trace: Vec<_> = (0..3).map(|r| send(at(60 * MINUTE), r)).collect();
    assert_eq!(run(&scn, &trace), []);
    let late: Vec<_> = (0..3).map(|r| send(at(61 * MINUTE), r)).collect();
    let v = only(run(&scn, &late), Invariant::Liveness);
    assert_eq!(v.t, at(60 * MINUTE));
}

#[test]
fn an_engine_that_sends_nothing_before_the_horizon_breaks_liveness() {
    let scn = scenario("until = \"2026-12-02T08:00\"", "pacing = \"eager\"", "", "");
    let horizon = Instant::START + 24 * 60 * MINUTE;
    let trace: Vec<_> = (0..3)
        .map(|r| unreached(horizon, to(r), EndReason::Horizon))
        .collect();
    let v = only(run(&scn, &trace), Invariant::Liveness);
    assert_eq!(v.t, NINE);
    assert!(v.detail.contains("3 recipients of outreach 0"), "{v}");
}

#[test]
fn without_a_horizon_nobody_may_be_left_for_the_horizon() {
    let mut trace = all_sent(1);
    trace.extend([
        unreached(at(MINUTE), to(1), EndReason::Horizon),
        unreached(at(2 * MINUTE), to(2), EndReason::Horizon),
    ]);
    let v = only(run(&plain(), &trace), Invariant::Liveness);
    assert_eq!((v.campaign, v.t), (a(), at(MINUTE)));
    assert_eq!(
        v.detail,
        "2 recipients left unreached when the run ended, though the scenario sets no horizon: the campaign system stopped with work left"
    );
}

#[test]
fn left_for_a_horizon_that_exists_or_past_the_longest_run_keeps_liveness() {
    let with_horizon = scenario("until = \"2026-12-02T08:00\"", "", "", "");
    let horizon = Instant::START + 24 * 60 * MINUTE;
    let mut trace = all_sent(1);
    trace.push(unreached(horizon, to(1), EndReason::Horizon));
    trace.push(unreached(horizon, to(2), EndReason::Horizon));
    assert_eq!(run(&with_horizon, &trace), []);
    let longest = Instant::START + MAX_RUN;
    let mut trace = all_sent(1);
    trace.push(unreached(longest, to(1), EndReason::Horizon));
    trace.push(unreached(longest, to(2), EndReason::Horizon));
    assert_eq!(run(&plain(), &trace), []);
}

// All together, online.

/// One trace breaking every invariant, in an order unlike the order findings come out.
fn everything_broken() -> (Scenario, Lists, Vec<(Instant, Record)>) {
    let scn = scenario(
        "",
        "windows = [ { max = 1, per = \"60s\" } ]",
        "",
        SECOND_OUTREACH,
    );
    let lists = listed_twice(&scn);
    let trace = vec![
        assign(NINE, 0, 0),
        send(NINE, 0),
        send_of(NINE, to(1), phone(0)),
        assign(at(MINUTE), 1, 0),
        reply(at(2 * MINUTE), 2, 0, 1),
        send(at(3 * MINUTE), 2),
        send_of(at(59 * MINUTE), row_of(1, 0), phone(0)),
        deliver(at(30 * MINUTE), 0),
        unreached(at(90 * MINUTE), row_of(1, 1), EndReason::Horizon),
    ];
    (scn, lists, trace)
}

#[test]
fn findings_come_out_by_invariant_in_a_fixed_order() {
    let (scn, lists, trace) = everything_broken();
    let found = audit(&scn, &lists, &trace);
    assert_eq!(
        names(&found),
        [
            "monotonic_time",
            "send_window",
            "outreach_time",
            "opted_out",
            "duplicate",
            "conservation",
            "agent_capacity",
            "liveness",
        ]
    );
    let conservation = &found[5];
    assert_eq!(conservation.t, at(90 * MINUTE));
    assert_eq!(
        conservation.detail,
        "1 recipients of outreach 1 do not have exactly one fate (first: row 2, 0 fates)"
    );
}

#[test]
fn records_fed_one_at_a_time_give_the_same_findings() {
    let (scn, lists, trace) = everything_broken();
    let whole = audit(&scn, &lists, &trace);
    let roster = Roster::new(&scn, &lists);
    let mut auditor = Auditor::new(&scn, &roster);
    // Alongside another observer, with a settle after each record, as a live run feeds it.
    let mut kept = Trace::new();
    {
        let mut both: (&mut Trace, &mut Auditor) = (&mut kept, &mut auditor);
        let observer: &mut dyn Observer = &mut both;
        for &(t, record) in &trace {
            observer.observe(t, &record);
            observer.settle(t);
        }
        observer.finish(at(90 * MINUTE));
        observer.finish(at(90 * MINUTE));
    }
    assert_eq!(kept, trace);
    assert_eq!(auditor.violations(), whole.as_slice());
    assert_eq!(auditor.into_violations().len(), 8);
}

#[test]
fn auditors_of_one_scenario_share_its_roster() {
    let scn = plain();
    let lists = lists(&scn);
    let roster = Roster::new(&scn, &lists);
    let mut good = Auditor::new(&scn, &roster);
    let mut bad = Auditor::new(&scn, &roster);
    for (t, record) in all_sent(3) {
        good.observe(t, &record);
    }
    for (t, record) in all_sent(2) {
        bad.observe(t, &record);
    }
    good.finish(NINE);
    bad.finish(NINE);
    assert_eq!(good.violations(), []);
    assert_eq!(names(bad.violations()), ["conservation"]);
}

#[test]
#[should_panic(expected = "before the run was finished")]
fn findings_are_not_read_before_the_run_is_finished() {
    let scn = plain();
    let lists = lists(&scn);
    let roster = Roster::new(&scn, &lists);
    let auditor = Auditor::new(&scn, &roster);
    let _ = auditor.violations();
}

#[test]
fn auditors_of_many_seeds_can_run_on_many_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Auditor<'static>>();
    send_and_sync::<Scenario>();
    send_and_sync::<Lists>();
    send_and_sync::<Roster<'static>>();
    let scn = plain();
    let lists = lists(&scn);
    let found: Vec<Vec<Violation>> = std::thread::scope(|s| {
        let runs: Vec<_> = (1..4)
            .map(|n| {
                let (scn, lists) = (&scn, &lists);
                s.spawn(move || audit(scn, lists, &all_sent(n)))
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(found.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1, 0]);
}

fn rule_fired(t: Instant, rule: usize, conversation: usize) -> (Instant, Record) {
    let record = Record::RuleFired {
        rule: RuleId::new(rule),
        conversation: ConversationId::new(conversation),
    };
    (t, record)
}

fn transfer(t: Instant, conversation: usize, to: usize) -> (Instant, Record) {
    let record = Record::Transfer {
        conversation: ConversationId::new(conversation),
        from: InboxId::new(0),
        to: InboxId::new(to),
    };
    (t, record)
}

fn closed_by_rule(t: Instant, conversation: usize) -> (Instant, Record) {
    let record = Record::ClosedByRule {
        conversation: ConversationId::new(conversation),
        inbox: InboxId::new(0),
    };
    (t, record)
}

#[test]
fn a_transfer_must_land_in_an_inbox_of_the_scenario() {
    let mut trace = all_sent(3);
    trace.push(transfer(at(MINUTE), 0, 0));
    assert_eq!(run(&plain(), &trace), []);
    trace.push(transfer(at(2 * MINUTE), 1, 1));
    let v = only(run(&plain(), &trace), Invariant::TransferTarget);
    assert!(v.detail.contains("inbox #1"), "{}", v.detail);
}

#[test]
fn a_rule_switched_off_never_fires_again() {
    let mut trace = all_sent(3);
    trace.extend([
        rule_fired(at(MINUTE), 0, 0),
        (
            at(MINUTE),
            Record::RuleDisabled {
                rule: RuleId::new(0),
            },
        ),
        rule_fired(at(2 * MINUTE), 1, 1),
    ]);
    assert_eq!(run(&plain(), &trace), []);
    trace.push(rule_fired(at(3 * MINUTE), 0, 2));
    let v = only(run(&plain(), &trace), Invariant::DisabledRule);
    assert_eq!(v.t, at(3 * MINUTE));
}

#[test]
fn a_conversation_closed_by_a_rule_never_reaches_an_agent() {
    let mut trace = all_sent(3);
    trace.extend([closed_by_rule(at(MINUTE), 0), assign(at(MINUTE), 1, 0)]);
    assert_eq!(run(&plain(), &trace), []);
    trace.push(assign(at(2 * MINUTE), 0, 1));
    let v = only(run(&plain(), &trace), Invariant::ClosedByRule);
    assert_eq!(v.t, at(2 * MINUTE));
}

fn route(t: Instant, conversation: usize) -> (Instant, Record) {
    let record = Record::Route {
        conversation: ConversationId::new(conversation),
        source: Source::Campaign(CampaignId::new(0)),
        phone: phone(conversation),
        inbox: InboxId::new(0),
    };
    (t, record)
}

/// `plain` with a rule giving every reply the topic VIP and one boost on that topic.
fn boosted(size: &str, extra: &str) -> Scenario {
    let boost = format!(
        "[[rules]]\nname = \"VIPs\"\nwhen = {{ body_contains = \"thanks\" }}\nthen = {{ add_topic = \"VIP\" }}\n[[boosts]]\nname = \"VIP\"\nsize = \"{size}\"\nwhen = {{ topic = \"VIP\"{extra} }}"
    );
    scenario(
        "",
        "",
        "",
        &format!("recipients = {{ count = 3 }}\n{boost}"),
    )
}

/// Customer 0 routed without topics at 1 min, customer 1 routed at 2 min as a VIP.
fn plain_then_vip() -> Vec<(Instant, Record)> {
    let mut trace = all_sent(3);
    trace.extend([
        reply(at(MINUTE), 0, 0, 0),
        route(at(MINUTE), 0),
        reply(at(2 * MINUTE), 1, 0, 0),
        rule_fired(at(2 * MINUTE), 0, 1),
        route(at(2 * MINUTE), 1),
    ]);
    trace
}

#[test]
fn an_agent_taking_an_older_customer_while_a_vip_waits_breaks_people_match() {
    let scn = boosted("very_large", "");
    let mut served = plain_then_vip();
    served.extend([assign(at(3 * MINUTE), 1, 0), assign(at(3 * MINUTE), 0, 1)]);
    assert_eq!(run(&scn, &served), []);
    let mut skipped = plain_then_vip();
    skipped.push(assign(at(3 * MINUTE), 0, 0));
    let v = only(run(&scn, &skipped), Invariant::PeopleMatch);
    assert!(v.detail.contains("score 10"), "{}", v.detail);
    assert_eq!(
        run(&plain(), &skipped),
        [],
        "no boosts: due order is not judged here"
    );
}

#[test]
fn a_wait_boost_counts_from_exactly_entered_plus_its_duration() {
    let scn = boosted("small", ", waited_longer_than = \"10m\"");
    let vip_entered = at(2 * MINUTE);
    let mut before = plain_then_vip();
    before.push(assign(
        vip_entered + (10 * MINUTE - Span::from_millis(1)),
        0,
        0,
    ));
    assert_eq!(run(&scn, &before), []);
    let mut after = plain_then_vip();
    after.push(assign(vip_entered + 10 * MINUTE, 0, 0));
    let v = only(run(&scn, &after), Invariant::PeopleMatch);
    assert_eq!(v.t, vip_entered + 10 * MINUTE);
}
