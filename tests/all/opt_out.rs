use std::collections::VecDeque;

use engine::{Action, CampaignConfig, Config, Engine, Inbound, InboxConfig, OutreachConfig};
use model::time::{Epoch, HOUR, Instant, MINUTE, Span};
use model::{
    AtShiftEnd, CampaignId, CustomerId, Destination, Duplicates, InboxId, NumberId,
    PLATFORM_WINDOWS, Pacing, Phone, Recipient, RoutingSettings, Scope, SkipReason, ZoneId,
};
use sim::driver::{Driver, World};

use crate::common::{after, run_audited, scenario};

/// Two campaigns on two numbers texting the same phone: A at 0, B an hour later.
fn two_campaigns(scope: Scope) -> Engine {
    let campaign = |number, start| CampaignConfig {
        number: NumberId::new(number),
        schedule: None,
        outreaches: vec![OutreachConfig {
            start,
            end: None,
            stop_at: None,
            recipients: [Recipient {
                phone: Phone(15551234567),
                zone: ZoneId::new(0),
            }]
            .into(),
        }],
    };
    Engine::new(Config {
        epoch: Epoch("2026-12-01T00:00Z".parse().unwrap()),
        zones: vec![jiff::tz::TimeZone::UTC],
        windows: PLATFORM_WINDOWS.to_vec(),
        pacing: Pacing::Eager,
        opt_out_scope: scope,
        duplicates: Duplicates::SendOnce,
        number_inbox: vec![InboxId::new(0); 2],
        number_sla: vec![None; 2],
        rules: Vec::new(),
        boosts: Vec::new(),
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
        campaigns: vec![campaign(0, Instant::START), campaign(1, after(HOUR))],
    })
}

/// The customer's messages (time, number, body), and every action the engine took.
struct Customer {
    messages: VecDeque<(Instant, usize, &'static str)>,
    actions: Vec<Action>,
}

impl World for Customer {
    fn next_at(&self) -> Option<Instant> {
        self.messages.front().map(|m| m.0)
    }

    fn advance(&mut self, now: Instant, engine: &mut Engine, decided: &mut Vec<Action>) {
        let (_, number, body) = self.messages.pop_front().unwrap();
        let msg = Inbound {
            phone: Phone(15551234567),
            to: Destination::Number(NumberId::new(number)),
            body,
            customer: CustomerId::new(0),
            conversation: None,
            campaign: None,
        };
        engine.on_inbound(now, msg, decided);
    }

    fn carry_out(&mut self, _now: Instant, decided: &[Action]) {
        self.actions.extend_from_slice(decided);
    }
}

/// Drives the engine to the end, injecting customer messages (minutes, number, body) on the way.
fn drive(engine: Engine, messages: &[(u64, usize, &'static str)]) -> Vec<Action> {
    let customer = Customer {
        messages: messages
            .iter()
            .map(|&(m, n, body)| (after(m * MINUTE), n, body))
            .collect(),
        actions: Vec::new(),
    };
    let mut driver = Driver::new(engine, customer, None);
    while driver.step() {}
    driver.finish().world.actions
}

fn b_skipped(actions: &[Action]) -> bool {
    actions.iter().any(|a| {
        matches!(
            a,
            Action::Skip {
                to,
                reason: SkipReason::OptedOut,
                ..
            } if to.campaign == CampaignId::new(1)
        )
    })
}

fn b_sent(actions: &[Action]) -> bool {
    actions
        .iter()
        .any(|a| matches!(a, Action::Send { to, .. } if to.campaign == CampaignId::new(1)))
}

#[test]
fn stop_to_campaign_a_makes_campaign_b_skip_the_phone() {
    let a = drive(two_campaigns(Scope::Company), &[(10, 0, "stop")]);
    assert!(b_skipped(&a) && !b_sent(&a));
}

#[test]
fn start_after_stop_restores_the_phone() {
    let a = drive(
        two_campaigns(Scope::Company),
        &[(10, 0, "STOP"), (20, 0, "Start")],
    );
    assert!(b_sent(&a) && !b_skipped(&a));
}

#[test]
fn stop_please_is_not_an_opt_out() {
    let a = drive(two_campaigns(Scope::Company), &[(10, 0, "STOP PLEASE")]);
    assert!(b_sent(&a));
    assert!(
        a.iter().any(|x| matches!(x, Action::Route { .. })),
        "it reaches an agent instead"
    );
}

#[test]
fn sender_number_scope_blocks_only_the_number_replied_to() {
    let a = drive(two_campaigns(Scope::SenderNumber), &[(10, 0, "STOP")]);
    assert!(b_sent(&a), "B sends from another number");
    let a = drive(two_campaigns(Scope::SenderNumber), &[(10, 1, "STOP")]);
    assert!(b_skipped(&a), "STOP to B's number blocks B");
}

/// Everyone replies STOP to A; B, a day later, texts the same phones.
pub(crate) fn stop_storm(scope: &str, same_number: bool) -> String {
    let b_number = if same_number {
        "+15550100"
    } else {
        "+15550101"
    };
    format!(
        r#"
name = "stop-storm"
[simulation]
start = "2026-12-01T08:00"
[limits]
opt_out_scope = "{scope}"
[carrier]
outcomes = {{ delivered = 1.0 }}
[customers]
reply_rate = {{ dist = "fixed", value = 1.0 }}
reply_delay = {{ dist = "fixed", value = "1m" }}
replies = [ {{ body = "STOP", weight = 1 }} ]
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[numbers]]
number = "+15550101"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 1
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = 50 }}
[[campaigns]]
name = "B"
number = "{b_number}"
[[campaigns.outreaches]]
start = "2026-12-02T09:00"
recipients = {{ count = 50 }}
overlap = {{ campaign = "A", fraction = 1.0 }}
"#
    )
}

#[test]
fn an_opt_out_storm_is_honoured_under_both_scopes() {
    let o = run_audited(&scenario(&stop_storm("company", false)), 1);
    assert_eq!(o.campaigns[0].opt_outs, 50);
    assert_eq!(
        (o.campaigns[1].sent, o.campaigns[1].skipped_opted_out),
        (0, 50)
    );

    let o = run_audited(&scenario(&stop_storm("sender_number", false)), 1);
    assert_eq!(
        o.campaigns[1].sent, 50,
        "another number may still text them"
    );

    let o = run_audited(&scenario(&stop_storm("sender_number", true)), 1);
    assert_eq!(
        o.campaigns[1].skipped_opted_out, 50,
        "the same number may not"
    );
}

/// Campaign B texts 40 phones at 08:00; campaign A texts the same phones at the same time and
/// every one answers A with STOP 5 minutes later. B's customers answer an hour later, opted out.
fn stop_before_answering(scope: &str, b_number: &str) -> String {
    format!(
        r#"
name = "cannot-reply"
[simulation]
start = "2026-12-01T08:00"
[limits]
opt_out_scope = "{scope}"
[carrier]
outcomes = {{ delivered = 1.0 }}
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
follow_ups = {{ dist = "fixed", value = 1 }}
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[numbers]]
number = "+15550101"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 2
[[campaigns]]
name = "A"
number = "+15550100"
[campaigns.customers]
reply_delay = {{ dist = "fixed", value = "5m" }}
replies = [ {{ body = "STOP", weight = 1 }} ]
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 40 }}
[[campaigns]]
name = "B"
number = "{b_number}"
[campaigns.customers]
reply_delay = {{ dist = "fixed", value = "1h" }}
replies = [ {{ body = "Where is my order?", weight = 1 }} ]
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 40 }}
overlap = {{ campaign = "A", fraction = 1.0 }}
"#
    )
}

#[test]
fn messages_of_opted_out_customers_reach_agents_who_cannot_reply() {
    let o = run_audited(&scenario(&stop_before_answering("company", "+15550101")), 1);
    assert_eq!(o.campaigns[0].opt_outs, 40);
    assert_eq!(
        o.campaigns[1].sent, 40,
        "B texted everyone before the STOPs"
    );
    assert_eq!(o.campaigns[1].replies, 40);
    // Every answer to B reached an agent, from a customer no SMS may go to.
    assert_eq!(o.inboxes[0].arrivals, 40);
    assert_eq!(o.inboxes[0].cannot_reply, 40);
    // The carrier's narrower scope: STOP to A's number leaves B's number free to answer.
    let o = run_audited(
        &scenario(&stop_before_answering("sender_number", "+15550101")),
        1,
    );
    assert_eq!(o.inboxes[0].cannot_reply, 0);
    let o = run_audited(
        &scenario(&stop_before_answering("sender_number", "+15550100")),
        1,
    );
    assert_eq!(o.inboxes[0].cannot_reply, 40);
}
