use model::record::Record;
use model::time::{HOUR, Instant, MINUTE, Span};
use model::{CampaignId, PLATFORM_WINDOWS, Pacing, Window};

use crate::common::{one_campaign, run_audited, scenario, shipped};

fn send_times(o: &sim::Outcome, campaign: usize) -> Vec<Instant> {
    crate::common::sends(&o.trace)
        .into_iter()
        .filter(|(_, to)| to.campaign == CampaignId::new(campaign))
        .map(|(t, _)| t)
        .collect()
}

#[test]
fn five_hundred_recipients_take_a_little_over_an_hour() {
    let o = run_audited(&shipped("single-500.toml"), 1);
    let t = send_times(&o, 0);
    assert_eq!(t.len(), 500);
    let span = t[499] - t[0];
    assert!(
        span > 60 * MINUTE && span <= 65 * MINUTE,
        "last send {span:?} after the first"
    );
    let first_hour = t.iter().filter(|&&x| x < t[0] + HOUR).count();
    assert!(first_hour <= 480, "{first_hour} sends in the first hour");
}

#[test]
fn every_pacing_keeps_the_windows() {
    for pacing in ["eager", "even", "per_window"] {
        let text = one_campaign(700, "", "").replace(
            "[[numbers]]",
            &format!("[limits]\npacing = \"{pacing}\"\n[[numbers]]"),
        );
        let o = run_audited(&scenario(&text), 3);
        let t = send_times(&o, 0);
        assert_eq!(t.len(), 700);
        // 700 sends need at least 17 full 5-minute windows whatever the pacing.
        assert!(
            t[699] - t[0] >= 17 * 5 * MINUTE,
            "{pacing}: {:?}",
            t[699] - t[0]
        );
    }
}

#[test]
fn outreaches_of_one_campaign_share_its_limit() {
    let text = one_campaign(
        300,
        "",
        "[[campaigns.outreaches]]\nstart = \"2026-12-01T09:00\"\nrecipients = { count = 300 }",
    );
    let o = run_audited(&scenario(&text), 1);
    let t = send_times(&o, 0);
    assert_eq!(t.len(), 600);
    let first_hour = t.iter().filter(|&&x| x < t[0] + HOUR).count();
    assert_eq!(
        first_hour, 480,
        "two lists still get 480 per hour between them"
    );
}

#[test]
fn each_campaign_gets_its_own_limit_even_on_one_number() {
    let text = one_campaign(480, "", "")
        + "[[campaigns]]\nname = \"B\"\nnumber = \"+15550100\"\n[[campaigns.outreaches]]\nstart = \"2026-12-01T09:00\"\nrecipients = { count = 480 }\n";
    let o = run_audited(&scenario(&text), 1);
    for c in 0..2 {
        let t = send_times(&o, c);
        assert_eq!(t.len(), 480);
        assert!(
            t[479] - t[0] < HOUR,
            "campaign {c} finishes within the hour"
        );
    }
}

#[test]
fn declared_windows_are_enforced_and_audited() {
    let text = one_campaign(100, "", "").replace(
        "[[numbers]]",
        "[limits]\nwindows = [{ max = 2, per = \"10s\" }]\n[[numbers]]",
    );
    let scn = scenario(&text);
    assert_eq!(
        scn.limits.windows,
        vec![Window {
            max: 2,
            per: Span::from_millis(10_000)
        }]
    );
    let o = run_audited(&scn, 1);
    let t = send_times(&o, 0);
    assert_eq!(
        t[99] - t[0],
        Span::from_millis(49 * 10_000),
        "two every ten seconds"
    );
    assert_ne!(scn.limits.windows, PLATFORM_WINDOWS.to_vec());
    assert_eq!(scn.limits.pacing, Pacing::Eager);
}

#[test]
fn the_auditor_catches_a_limiter_that_breaks_the_sliding_window() {
    // Fixed per-minute buckets of 8 allow 16 sends across a bucket boundary: a plausible bug.
    let scn = scenario(&one_campaign(40, "", ""));
    let mut o = run_audited(&scn, 1);
    for (n, (t, _)) in o
        .trace
        .iter_mut()
        .filter(|(_, r)| matches!(r, Record::Send { .. }))
        .enumerate()
    {
        *t = Instant::from_millis(59_000 + (n as u64 / 8) * 1_000);
    }
    let v = crate::common::audit(&scn, &o.trace);
    assert!(
        v.iter()
            .any(|v| v.invariant == audit::Invariant::SendWindow)
    );
}

#[test]
fn the_shipped_scenarios_pass_the_audit() {
    for name in ["single-500.toml", "launch.toml", "black-friday.toml"] {
        for seed in 1..=3 {
            run_audited(&shipped(name), seed);
        }
    }
}
