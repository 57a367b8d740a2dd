//! Routing rules, entry-point SLAs and topics (issue 9): each test counts what the rules should
//! have done from the customers' own replies in the records, not from the engine's code.

use model::record::Record;
use model::time::Instant;
use model::{ConversationId, InboxId, RuleId, Source};
use scenario::Scenario;

use crate::common::{run_audited, scenario};

const REPLIES: &str = r#"replies = [ { body = "Where is my order?", weight = 3 }, { body = "I want to reorder", weight = 3 }, { body = "Thanks!", weight = 2 } ]"#;

/// One campaign of 200 recipients on +15550100 (replies to "Campaign Replies"); everyone who is
/// delivered replies once, with `REPLIES`; `extra` adds numbers' keys, rules, other campaigns.
fn routed(number_extra: &str, extra: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "routing"
[simulation]
start = "2026-12-01T09:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
{REPLIES}
follow_ups = {{ dist = "fixed", value = 1 }}
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
{number_extra}
[[inboxes]]
name = "Campaign Replies"
agents = 3
[[inboxes]]
name = "Orders"
agents = 3
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 200 }}
{extra}
"#
    ))
}

/// How many first replies had the body `text` (the records name the body by its index).
fn replies_saying(scn: &Scenario, trace: &[(Instant, Record)], text: &str) -> usize {
    trace
        .iter()
        .filter(|(_, r)| match *r {
            Record::Reply {
                source: Source::Campaign(c),
                body: Some(b),
                ..
            } => scn.campaigns[c.index()].customers.replies[b as usize].0 == text,
            _ => false,
        })
        .count()
}

fn count(trace: &[(Instant, Record)], pick: impl Fn(&Record) -> bool) -> usize {
    trace.iter().filter(|(_, r)| pick(r)).count()
}

const ORDERS_RULE: &str = r#"
[[rules]]
name = "Orders go to the Orders inbox"
when = { body_words = ["order", "tracking"], inbox = "Campaign Replies" }
then = { move_to_inbox = "Orders", add_topic = "Order status" }
"#;

#[test]
fn order_words_move_exactly_the_whole_word_orders() {
    let scn = routed("", ORDERS_RULE);
    let o = run_audited(&scn, 1);
    let orders = replies_saying(&scn, &o.trace, "Where is my order?");
    let reorders = replies_saying(&scn, &o.trace, "I want to reorder");
    assert!(orders > 20 && reorders > 20, "{orders} {reorders}");
    let moved = count(
        &o.trace,
        |r| matches!(r, Record::Transfer { to, .. } if *to == InboxId::new(1)),
    );
    assert_eq!(moved, orders, "\"reorder\" is not the word \"order\"");
    let (replies_inbox, orders_inbox) = (&o.inboxes[0], &o.inboxes[1]);
    assert_eq!(orders_inbox.transfers_in, orders as u64);
    assert_eq!(replies_inbox.transfers_out, orders as u64);
    assert_eq!(orders_inbox.arrivals, orders as u64);
    let topic = &orders_inbox.topics[&model::TopicId::new(0)];
    assert_eq!(topic.arrivals, orders as u64);
    assert_eq!(topic.waits.len(), orders);
    assert_eq!(o.rules[0].fired, orders as u64);
    assert_eq!(o.rules[0].disabled_after_loops, None);
    let summary = serde_json::to_value(report::summarize(&scn, &o)).unwrap();
    assert_eq!(summary["inboxes"][1]["transfers_in"], orders as u64);
    assert_eq!(
        summary["inboxes"][1]["topics"]["Order status"]["arrivals"],
        orders as u64
    );
    assert_eq!(summary["rules"][0]["fired"], orders as u64);
    assert!(summary["rules"][0]["disabled_after_loops"].is_null());
}

#[test]
fn a_regex_rule_closes_thanks_and_no_agent_ever_sees_them() {
    let scn = routed(
        "",
        r#"
[[rules]]
name = "Thanks need no answer"
when = { body_regex = "(?i)^thanks\\b" }
then = { no_reply_needed = true }
"#,
    );
    let o = run_audited(&scn, 2);
    let thanks = replies_saying(&scn, &o.trace, "Thanks!");
    assert!(thanks > 10, "{thanks}");
    let closed: Vec<ConversationId> = o
        .trace
        .iter()
        .filter_map(|(_, r)| match *r {
            Record::ClosedByRule { conversation, .. } => Some(conversation),
            _ => None,
        })
        .collect();
    assert_eq!(closed.len(), thanks);
    assert_eq!(o.inboxes[0].closed_by_rules, thanks as u64);
    let reached_agent = count(
        &o.trace,
        |r| matches!(r, Record::Assign { conversation, .. } if closed.contains(conversation)),
    );
    assert_eq!(reached_agent, 0);
    // Everyone else was answered: arrivals = taken by an agent + closed by the rule.
    assert_eq!(
        o.inboxes[0].arrivals,
        o.inboxes[0].waits.len() as u64 + thanks as u64
    );
}

#[test]
fn a_ping_pong_pair_is_switched_off_after_exactly_ten_loops() {
    let scn = routed(
        "",
        r#"
[[rules]]
name = "Replies to Orders"
when = { inbox = "Campaign Replies" }
then = { move_to_inbox = "Orders" }
[[rules]]
name = "Orders back to Replies"
when = { inbox = "Orders" }
then = { move_to_inbox = "Campaign Replies" }
"#,
    );
    let o = run_audited(&scn, 1);
    let fired = |rule: usize| {
        count(
            &o.trace,
            |r| matches!(r, Record::RuleFired { rule: x, .. } if *x == RuleId::new(rule)),
        )
    };
    // The first message: each rule fires once, then 9 loops each; the 10th loop of the first
    // rule switches it off, and the conversation stays where the second rule left it. Later
    // messages stay in Campaign Replies, where only the switched-off rule matches.
    assert_eq!((fired(0), fired(1)), (10, 10));
    let disabled: Vec<RuleId> = o
        .trace
        .iter()
        .filter_map(|(_, r)| match *r {
            Record::RuleDisabled { rule } => Some(rule),
            _ => None,
        })
        .collect();
    assert_eq!(disabled, [RuleId::new(0)]);
    assert_eq!(o.rules[0].disabled_after_loops, Some(10));
    assert_eq!(o.rules[1].disabled_after_loops, None);
    assert_eq!(
        o.inboxes[1].arrivals, 0,
        "every conversation ends in Replies"
    );
    assert_eq!(o.inboxes[0].transfers_out, 10);
    assert_eq!(o.inboxes[0].transfers_in, 10);
}

/// Mean wait (first assignment) of the conversations of each campaign, from the records.
fn mean_waits(trace: &[(Instant, Record)], campaigns: usize) -> Vec<f64> {
    let mut routed_at: Vec<(Instant, Source)> = Vec::new();
    let mut waits = vec![Vec::new(); campaigns];
    for &(t, r) in trace {
        match r {
            Record::Route { source, .. } => routed_at.push((t, source)),
            Record::Assign { conversation, .. } => {
                let (entered, source) = routed_at[conversation.index()];
                let c = source.campaign().expect("no background traffic here");
                waits[c.index()].push((t - entered).as_millis() as f64);
            }
            _ => {}
        }
    }
    waits
        .iter()
        .map(|w| w.iter().sum::<f64>() / w.len() as f64)
        .collect()
}

fn two_numbers(entry_sla: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "entry points"
[simulation]
start = "2026-12-01T09:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
follow_ups = {{ dist = "fixed", value = 1 }}
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
{entry_sla}
[[numbers]]
number = "+15550101"
inbox = "Campaign Replies"
[[inboxes]]
name = "Campaign Replies"
agents = 1
capacity = {{ standard = 1 }}
sla = {{ within = "1h", target = 0.9 }}
handle_time = {{ dist = "fixed", value = "2m" }}
[[campaigns]]
name = "VIP"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 40 }}
[[campaigns]]
name = "Everyone"
number = "+15550101"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 40 }}
"#
    ))
}

#[test]
fn an_entry_point_sla_puts_its_numbers_replies_first_in_the_queue() {
    let plain = run_audited(&two_numbers(""), 3);
    let [vip, everyone] = mean_waits(&plain.trace, 2)[..] else {
        unreachable!()
    };
    assert!(
        vip > everyone / 2.0 && everyone > vip / 2.0,
        "one SLA for both: similar waits ({vip} ms, {everyone} ms)"
    );
    let scn = two_numbers("sla = \"1m\"");
    let fast = run_audited(&scn, 3);
    let [vip, everyone] = mean_waits(&fast.trace, 2)[..] else {
        unreachable!()
    };
    assert!(
        vip * 3.0 < everyone,
        "due 1 m after arrival beats due 1 h after: {vip} ms vs {everyone} ms"
    );
    // SLA attainment holds VIP replies to 1 minute: with one slow agent, some miss it.
    let missed = fast.inboxes[0].waits.len() as u64 - fast.inboxes[0].within_sla;
    assert!(missed > 0 && plain.inboxes[0].within_sla >= fast.inboxes[0].within_sla);
}

#[test]
fn auto_replies_are_counted_once_per_message_and_use_no_send_slot() {
    let rules = r#"
[[rules]]
name = "Acknowledge orders"
when = { body_contains = "ORDER" }
then = { auto_reply = "We are looking into it." }
[[rules]]
name = "Tag orders"
when = { body_contains = "order" }
then = { add_topic = "Order status", auto_reply = "Second answer, never sent." }
"#;
    let scn = routed("", rules);
    let with = run_audited(&scn, 4);
    let without = run_audited(&routed("", ""), 4);
    // body_contains is a substring in any case: "reorder" contains "order".
    let matching = replies_saying(&scn, &with.trace, "Where is my order?")
        + replies_saying(&scn, &with.trace, "I want to reorder");
    let auto = count(&with.trace, |r| matches!(r, Record::AutoReply { .. }));
    assert_eq!(
        auto, matching,
        "one auto-reply per message, however many rules match"
    );
    assert_eq!(with.rules[0].fired, matching as u64);
    assert_eq!(with.rules[1].fired, matching as u64);
    let sends = |o: &sim::Outcome| crate::common::sends(&o.trace);
    assert_eq!(
        sends(&with),
        sends(&without),
        "auto-replies take no slot of the send limit"
    );
}

#[test]
fn a_rule_on_the_campaign_and_number_closes_only_that_campaigns_replies() {
    let scn = routed(
        "",
        r#"
[[campaigns]]
name = "Survey"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 50 }
[[rules]]
name = "Survey answers are closed"
when = { campaign = "Survey", number = "+15550100" }
then = { close = true }
"#,
    );
    let o = run_audited(&scn, 5);
    let survey_replies = o.campaigns[1].replies;
    assert!(survey_replies > 10);
    assert_eq!(o.inboxes[0].closed_by_rules, survey_replies);
}

/// `one_campaign` (one inbox, "Replies"; one number, +15550100; campaign "A") with one rule.
fn with_rule(when: &str, then: &str) -> String {
    let base = crate::common::one_campaign(10, "", "");
    format!("{base}\n[[rules]]\nname = \"R\"\nwhen = {when}\nthen = {then}\n")
}

#[test]
fn rules_naming_what_does_not_exist_are_rejected_where_written() {
    use crate::bad_input::{assert_rejected_at, assert_rejected_exactly_at};
    let close = "{ close = true }";
    assert_rejected_exactly_at(
        &with_rule("{ inbox = \"Replies\" }", "{ move_to_inbox = \"Ordrs\" }"),
        "\"Ordrs\"",
        "unknown inbox \"Ordrs\"; inboxes are: \"Replies\"",
    );
    assert_rejected_exactly_at(
        &with_rule("{ number = \"+15550199\" }", close),
        "\"+15550199\"",
        "unknown number +15550199",
    );
    assert_rejected_exactly_at(
        &with_rule("{ campaign = \"B\" }", close),
        "\"B\"",
        "unknown campaign \"B\"; campaigns are: \"A\"",
    );
    assert_rejected_exactly_at(
        &with_rule("{ body_words = [] }", close),
        "[]",
        "`body_words` needs at least one word",
    );
    assert_rejected_exactly_at(
        &with_rule("{ body_regex = \"(order\" }", close),
        "\"(order\"",
        "`body_regex` does not compile",
    );
    assert_rejected_at(
        &with_rule("{}", close),
        "when = {}",
        "a rule needs at least one condition",
    );
    let bad_sla = with_rule("{ campaign = \"A\" }", close)
        .replace("inbox = \"Replies\"", "inbox = \"Replies\"\nsla = \"soon\"");
    assert_rejected_at(&bad_sla, "sla = \"soon\"", "duration");
    assert_rejected_at(
        &with_rule("{ body_contains = \"refund\" }", "{}"),
        "then = {}",
        "a rule needs at least one action",
    );
}

/// SPEC.md's "Routing (scenario keys)" example, copied as written (issue 9 began with it being
/// refused), completed with the inboxes and the campaign it names: it reads, and runs audited.
const SPEC_ROUTING_EXAMPLE: &str = r#"
[[inboxes]]
name = "Campaign Replies"
sla = { within = "5m", target = 0.9 }
capacity = { standard = 3, maximum = 5 }   # maximum: what an agent may pull by hand (routing.pull = true)
[[inboxes.shifts]]                         # instead of `agents = N`; days/hours on the company clock
agents = 4
days = "mon-fri"                           # same day keys as schedules
hours = "08:00-16:00"
skills = ["spanish"]                       # optional
also = ["Support"]                         # optional: these agents also serve these inboxes
[[inboxes.shifts]]
agents = 3
days = "mon-sat"
hours = "12:00-20:00"

[routing]
at_shift_end = "overtime"                  # overtime (finish what you hold) | handover | requeue
reopen_window = "24h"
pull = false                               # true: agents pull up to `maximum` when the queue waits

[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
sla = "2m"                                 # optional entry-point SLA: overrides the inbox SLA

[[rules]]                                  # file order = sort order; every condition given must hold
name = "Orders go to the Orders inbox"
when = { body_words = ["order", "tracking"], inbox = "Campaign Replies" }
# other conditions: body_contains = "refund" (case-insensitive substring), body_regex = "(?i)^where",
#                   number = "+15550100", topic = "VIP", campaign = "Shipping delay notice"
then = { move_to_inbox = "Orders", add_topic = "Order status" }
# other actions: needs_skill = "spanish", auto_reply = "text", no_reply_needed = true, close = true

[[boosts]]                                 # People Match: scores add up; highest first, then earliest due
name = "VIP waiting"
size = "large"                             # small 1 | medium 3 | large 5 | very_large 10
when = { topic = "VIP", waited_longer_than = "3m" }
# other conditions: inbox, skill, overdue = true, due_within = "2m"
"#;

#[test]
fn the_spec_routing_example_reads_and_runs_audited() {
    let text = format!(
        r#"
name = "spec routing"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-02T08:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
{REPLIES}
{SPEC_ROUTING_EXAMPLE}
[[inboxes]]
name = "Support"
agents = 2
[[inboxes]]
name = "Orders"
agents = 2
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 300 }}
"#
    );
    let scn = scenario(&text);
    assert_eq!(scn.routing.at_shift_end, model::AtShiftEnd::Overtime);
    assert_eq!(scn.routing.reopen_window, 24 * model::time::HOUR);
    assert_eq!(scn.inboxes[0].shifts[0].also, [InboxId::new(1)]);
    let outcome = run_audited(&scn, 1);
    let moved = outcome
        .trace
        .iter()
        .filter(|(_, r)| matches!(r, Record::Transfer { to, .. } if *to == InboxId::new(2)));
    assert!(moved.count() > 0, "the order rule moves replies to Orders");
}
