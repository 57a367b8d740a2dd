use engine::{
    Action, CampaignConfig, Config, Destination, Engine, Inbound, InboxConfig, OutreachConfig,
};
use model::Scope;
use model::time::{Epoch, HOUR, MINUTE};
use model::{Duplicates, Phone, Recipient, SkipReason};
use model::{PLATFORM_WINDOWS, Pacing};

use crate::common::{run_audited, scenario};

/// Two campaigns on two numbers texting the same phone: A at 0, B an hour later.
fn two_campaigns(scope: Scope) -> Engine {
    let campaign = |number, start| CampaignConfig {
        number,
        schedule: None,
        outreaches: vec![OutreachConfig {
            start,
            end: None,
            stop_at: None,
            recipients: vec![Recipient {
                phone: Phone(15551234567),
                zone: 0,
            }],
        }],
    };
    Engine::new(Config {
        epoch: Epoch("2026-12-01T00:00Z".parse().unwrap()),
        zones: vec![jiff::tz::TimeZone::UTC],
        windows: PLATFORM_WINDOWS.to_vec(),
        pacing: Pacing::Eager,
        opt_out_scope: scope,
        duplicates: Duplicates::SendOnce,
        number_inbox: vec![0, 0],
        inboxes: vec![InboxConfig {
            agents: 1,
            capacity: 1,
            sla: 5 * MINUTE,
            same_agent_window: 15 * MINUTE,
        }],
        campaigns: vec![campaign(0, 0), campaign(1, HOUR)],
        limiter_fault: None,
    })
}

/// Drives the engine to the end, injecting customer messages (time, number, body) on the way.
fn drive(mut engine: Engine, messages: &[(u64, u32, &str)]) -> Vec<Action> {
    let mut all = Vec::new();
    let mut out = Vec::new();
    let mut pending = messages.to_vec();
    loop {
        let next_msg = pending.first().map(|m| m.0);
        let Some(t) = [engine.next_wakeup(), next_msg].into_iter().flatten().min() else {
            break;
        };
        if next_msg == Some(t) {
            let (_, number, body) = pending.remove(0);
            let msg = Inbound {
                phone: Phone(15551234567),
                to: Destination::Number(number),
                body,
                customer: 0,
                conversation: None,
            };
            engine.on_inbound(t, msg, &mut out);
        } else {
            engine.on_tick(t, &mut out);
        }
        all.append(&mut out);
    }
    all
}

fn b_skipped(actions: &[Action]) -> bool {
    actions.iter().any(|a| {
        matches!(
            a,
            Action::Skip {
                campaign: 1,
                reason: SkipReason::OptedOut,
                ..
            }
        )
    })
}

fn b_sent(actions: &[Action]) -> bool {
    actions
        .iter()
        .any(|a| matches!(a, Action::Send { campaign: 1, .. }))
}

#[test]
fn stop_to_campaign_a_makes_campaign_b_skip_the_phone() {
    let a = drive(two_campaigns(Scope::Company), &[(10 * MINUTE, 0, "stop")]);
    assert!(b_skipped(&a) && !b_sent(&a));
}

#[test]
fn start_after_stop_restores_the_phone() {
    let a = drive(
        two_campaigns(Scope::Company),
        &[(10 * MINUTE, 0, "STOP"), (20 * MINUTE, 0, "Start")],
    );
    assert!(b_sent(&a) && !b_skipped(&a));
}

#[test]
fn stop_please_is_not_an_opt_out() {
    let a = drive(
        two_campaigns(Scope::Company),
        &[(10 * MINUTE, 0, "STOP PLEASE")],
    );
    assert!(b_sent(&a));
    assert!(
        a.iter().any(|x| matches!(x, Action::Route { .. })),
        "it reaches an agent instead"
    );
}

#[test]
fn sender_number_scope_blocks_only_the_number_replied_to() {
    let a = drive(
        two_campaigns(Scope::SenderNumber),
        &[(10 * MINUTE, 0, "STOP")],
    );
    assert!(b_sent(&a), "B sends from another number");
    let a = drive(
        two_campaigns(Scope::SenderNumber),
        &[(10 * MINUTE, 1, "STOP")],
    );
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
