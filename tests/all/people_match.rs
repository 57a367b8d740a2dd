//! People Match (issue 9): boosts order an inbox's queue. The engine is driven message by message
//! (one agent, one slot) so each test knows exactly who waits when the agent comes free.

use engine::{Action, Config, Engine, Inbound, InboxConfig};
use model::boosts::{Boost, BoostWhen, Size};
use model::rules::{Rule, Then, When};
use model::time::{Epoch, Instant, MINUTE, SECOND, Span};
use model::{
    AtShiftEnd, ConversationId, CustomerId, Destination, Duplicates, InboxId, NumberId,
    PLATFORM_WINDOWS, Pacing, Phone, RoutingSettings, Scope, TopicId,
};

use crate::bad_input::{assert_rejected_at, assert_rejected_exactly_at};

/// The only topic: the rule's.
fn vip() -> TopicId {
    TopicId::new(0)
}

/// One inbox (one agent, one slot, SLA 5 min) fed by two numbers, the second with an entry-point
/// SLA of 1 min; a rule gives messages that say "VIP" the topic VIP.
fn desk(boosts: Vec<Boost>) -> Engine {
    Engine::new(Config {
        epoch: Epoch("2026-12-01T00:00Z".parse().unwrap()),
        zones: vec![jiff::tz::TimeZone::UTC],
        windows: PLATFORM_WINDOWS.to_vec(),
        pacing: Pacing::Eager,
        opt_out_scope: Scope::Company,
        duplicates: Duplicates::SendOnce,
        number_inbox: vec![InboxId::new(0); 2],
        number_sla: vec![None, Some(MINUTE)],
        rules: vec![Rule {
            name: "VIPs".into(),
            when: When {
                body_contains: Some("VIP".into()),
                ..When::default()
            },
            then: Then {
                add_topic: Some(vip()),
                ..Then::default()
            },
        }],
        boosts,
        routing: RoutingSettings {
            at_shift_end: AtShiftEnd::Overtime,
            reopen_window: Span::ZERO,
            pull: false,
        },
        inboxes: vec![InboxConfig {
            agents: 1,
            shifts: Vec::new(),
            capacity: 1,
            maximum: 1,
            sla: 5 * MINUTE,
            same_agent_window: 15 * MINUTE,
        }],
        campaigns: Vec::new(),
    })
}

fn boost(size: Size, when: BoostWhen) -> Boost {
    Boost {
        name: "B".into(),
        size,
        when,
    }
}

/// Customer `n` writes `body` to number `number` at `at`; conversations are numbered in order.
fn write(engine: &mut Engine, at: Instant, n: usize, number: usize, body: &str) {
    let msg = Inbound {
        phone: Phone(15551230000 + n as u64),
        to: Destination::Number(NumberId::new(number)),
        body,
        customer: CustomerId::new(n),
        conversation: None,
        campaign: None,
    };
    engine.on_inbound(at, msg, &mut Vec::new());
}

/// The agent closes `done` at `at`; the conversations the agent then takes, in order.
fn close(engine: &mut Engine, at: Instant, done: usize) -> Vec<ConversationId> {
    let mut out = Vec::new();
    engine.on_agent_reply(at, ConversationId::new(done), true, &mut out);
    out.iter()
        .filter_map(|a| match *a {
            Action::Assign { conversation, .. } => Some(conversation),
            _ => None,
        })
        .collect()
}

fn at(span: Span) -> Instant {
    Instant::START.saturating_add(span)
}

/// Serves every waiting conversation one after the other, from conversation 0 (the agent's).
fn serve_all(engine: &mut Engine, from: Instant, n: usize) -> Vec<usize> {
    let mut order = Vec::new();
    let mut done = 0;
    for i in 0..n {
        let next = close(
            engine,
            from.saturating_add(Span::from_millis(i as u64)),
            done,
        );
        done = next.first().map_or(done, |c| c.index());
        order.extend(next.iter().map(|c| c.index()));
    }
    order
}

#[test]
fn a_very_large_vip_boost_is_served_before_older_unboosted_customers() {
    let vip = boost(
        Size::VeryLarge,
        BoostWhen {
            topic: Some(vip()),
            ..BoostWhen::default()
        },
    );
    let mut desk = desk(vec![vip]);
    write(&mut desk, at(Span::ZERO), 0, 0, "hello");
    write(&mut desk, at(SECOND), 1, 0, "where is my parcel");
    write(&mut desk, at(2 * SECOND), 2, 0, "hi again");
    write(&mut desk, at(3 * SECOND), 3, 0, "VIP here, call me");
    assert_eq!(serve_all(&mut desk, at(MINUTE), 3), vec![3, 1, 2]);
}

#[test]
fn without_boosts_the_earliest_due_customer_is_served_first() {
    let mut desk = desk(Vec::new());
    write(&mut desk, at(Span::ZERO), 0, 0, "hello");
    write(&mut desk, at(SECOND), 1, 0, "VIP here");
    // Written later to the number with a 1-minute entry SLA: due first.
    write(&mut desk, at(2 * SECOND), 2, 1, "hello");
    assert_eq!(serve_all(&mut desk, at(MINUTE), 2), vec![2, 1]);
}

#[test]
fn a_vip_who_waited_ten_minutes_overtakes_at_exactly_that_instant() {
    let waited = boost(
        Size::Small,
        BoostWhen {
            topic: Some(vip()),
            waited_longer_than: Some(10 * MINUTE),
            ..BoostWhen::default()
        },
    );
    let vip_entered = at(2 * SECOND);
    for (freed, first) in [
        (
            vip_entered.saturating_add(10 * MINUTE - Span::from_millis(1)),
            1,
        ),
        (vip_entered.saturating_add(10 * MINUTE), 2),
    ] {
        let mut desk = desk(vec![waited.clone()]);
        write(&mut desk, at(Span::ZERO), 0, 0, "hello");
        write(&mut desk, at(SECOND), 1, 0, "where is my parcel");
        write(&mut desk, vip_entered, 2, 0, "VIP here");
        assert_eq!(
            close(&mut desk, freed, 0),
            vec![ConversationId::new(first)],
            "agent free at {freed}"
        );
    }
}

#[test]
fn equally_boosted_customers_are_served_by_earliest_due_date() {
    let everyone = boost(
        Size::Large,
        BoostWhen {
            inbox: Some(InboxId::new(0)),
            ..BoostWhen::default()
        },
    );
    let mut desk = desk(vec![everyone]);
    write(&mut desk, at(Span::ZERO), 0, 0, "hello");
    write(&mut desk, at(SECOND), 1, 0, "first to write, due in 5 min");
    write(&mut desk, at(2 * SECOND), 2, 1, "second, due in 1 min");
    write(&mut desk, at(3 * SECOND), 3, 0, "third, due in 5 min");
    assert_eq!(serve_all(&mut desk, at(MINUTE), 3), vec![2, 1, 3]);
}

#[test]
fn an_overdue_boost_lifts_a_vip_from_the_due_date_on() {
    let overdue_vip = boost(
        Size::Medium,
        BoostWhen {
            topic: Some(vip()),
            overdue: true,
            ..BoostWhen::default()
        },
    );
    // Conversation 1 is due at 1 s + 5 min, the VIP (2) at 3 s + 5 min: due later, first once overdue.
    let vip_due = at(3 * SECOND).saturating_add(5 * MINUTE);
    for (freed, first) in [
        (vip_due.saturating_sub(Span::from_millis(1)), 1),
        (vip_due, 2),
    ] {
        let mut desk = desk(vec![overdue_vip.clone()]);
        write(&mut desk, at(Span::ZERO), 0, 0, "hello");
        write(&mut desk, at(SECOND), 1, 0, "hello");
        write(&mut desk, at(3 * SECOND), 2, 0, "VIP here");
        assert_eq!(
            close(&mut desk, freed, 0),
            vec![ConversationId::new(first)],
            "agent free at {freed}"
        );
    }
}

/// A boost on a topic or skill that no rule gives a conversation never holds: it is accepted
/// (SPEC.md's own example has one) and `validate` warns, naming it, since it is usually a typo.
#[test]
fn boosts_on_what_no_rule_gives_are_accepted_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for (when, warning) in [
        (
            "{ topic = \"VIPP\" }",
            "warning: no rule adds topic \"VIPP\"",
        ),
        (
            "{ skill = \"spanish\" }",
            "warning: no rule asks for skill \"spanish\"",
        ),
    ] {
        let path = dir.path().join("s.toml");
        std::fs::write(&path, with_boost("\"large\"", when)).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
            .arg("validate")
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains(warning), "{stdout}");
        assert!(
            !stdout.contains("topic \"VIP\""),
            "the rule adds VIP: {stdout}"
        );
    }
}

/// `one_campaign` (one inbox, "Replies"; campaign "A") with a rule tagging "VIP" and one boost.
fn with_boost(size: &str, when: &str) -> String {
    let base = crate::common::one_campaign(10, "", "");
    format!(
        "{base}\n[[rules]]\nname = \"R\"\nwhen = {{ body_contains = \"VIP\" }}\nthen = {{ add_topic = \"VIP\" }}\n\n[[boosts]]\nname = \"Boost\"\nsize = {size}\nwhen = {when}\n"
    )
}

#[test]
fn boosts_naming_what_does_not_exist_are_rejected_where_written() {
    assert_rejected_exactly_at(
        &with_boost("\"large\"", "{ inbox = \"Ordrs\" }"),
        "\"Ordrs\"",
        "unknown inbox \"Ordrs\"; inboxes are: \"Replies\"",
    );
    assert_rejected_at(
        &with_boost("\"huge\"", "{ topic = \"VIP\" }"),
        "size = \"huge\"",
        "very_large",
    );
    assert_rejected_at(
        &with_boost("\"small\"", "{ waited_longer_than = \"a while\" }"),
        "a while",
        "duration",
    );
    assert_rejected_at(
        &with_boost("\"small\"", "{ due_within = \"-2m\" }"),
        "due_within",
        "duration",
    );
    assert_rejected_exactly_at(
        &with_boost("\"small\"", "{ overdue = false }"),
        "false",
        "`overdue = false` is not a condition",
    );
    assert_rejected_at(
        &with_boost("\"small\"", "{}"),
        "when = {}",
        "a boost needs at least one condition",
    );
}

/// 400 recipients who all reply at once to two agents: a long queue. Replies about orders are
/// VIPs; every conversation gains once it waited 10 minutes, and once it is due within 2 minutes.
pub(crate) fn busy_desk() -> scenario::Scenario {
    crate::common::scenario(
        r#"
name = "people match"
[simulation]
start = "2026-12-01T09:00"
[customers]
reply_rate = { dist = "fixed", value = 1 }
replies = [ { body = "Where is my order?", weight = 1 }, { body = "Thanks!", weight = 3 } ]
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 2
sla = { within = "30m", target = 0.8 }
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 400 }
[[rules]]
name = "Order questions are VIPs"
when = { body_words = ["order"] }
then = { add_topic = "VIP" }
[[boosts]]
name = "VIP"
size = "large"
when = { topic = "VIP" }
[[boosts]]
name = "Waited long"
size = "very_large"
when = { waited_longer_than = "10m", inbox = "Replies" }
[[boosts]]
name = "Nearly due"
size = "small"
when = { due_within = "2m" }
"#,
    )
}

#[test]
fn in_a_busy_run_every_assignment_keeps_the_people_match_order() {
    use model::record::Record;
    let scn = busy_desk();
    // The auditor re-derives every waiting conversation's score at each assignment.
    let o = crate::common::run_audited(&scn, 3);
    let vips: std::collections::BTreeSet<ConversationId> = o
        .trace
        .iter()
        .filter_map(|(_, r)| match *r {
            Record::RuleFired { conversation, .. } => Some(conversation),
            _ => None,
        })
        .collect();
    // VIPs jump the queue: some VIP is taken before a customer who entered the queue earlier.
    let mut waiting: Vec<(ConversationId, Instant)> = Vec::new();
    let mut overtakes = 0;
    for (t, r) in &o.trace {
        match *r {
            Record::Route { conversation, .. } => waiting.push((conversation, *t)),
            Record::Assign { conversation, .. } => {
                let entered = waiting.iter().find(|w| w.0 == conversation).unwrap().1;
                if vips.contains(&conversation) && waiting.iter().any(|w| w.1 < entered) {
                    overtakes += 1;
                }
                waiting.retain(|w| w.0 != conversation);
            }
            _ => {}
        }
    }
    assert!(vips.len() > 50, "{}", vips.len());
    assert!(overtakes > 10, "{overtakes}");
}
