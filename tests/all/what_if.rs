//! `validate`'s what-if (issue 10): for a campaign whose list cannot all be sent before its end
//! time at 480 an hour, how many campaigns (the list split evenly) or how much later an end
//! would reach everyone. Checked against the limit's own arithmetic: 8 a minute and 40 per 5
//! minutes let eager sending go 8 a minute without a pause.

use std::process::Command;

use model::CampaignId;
use model::time::MINUTE;

use crate::common::{after, one_campaign, scenario};

#[test]
fn a_list_too_long_for_its_end_time_is_reached_by_more_campaigns_or_a_later_end() {
    // 1000 recipients from 09:00 (an hour after the run's start) with an end at 10:00: 480 go.
    let scn = scenario(&one_campaign(1000, "", "end = \"2026-12-01T10:00\""));
    let plan = sim::plan(&scn);
    assert_eq!(
        (plan.campaigns[0].sends, plan.campaigns[0].unreached_at_end),
        (480, 520)
    );
    let w = sim::what_if(&scn, CampaignId::FIRST);
    // Two lists of 500 need 63 minutes each; three of 334 fit in 42.
    assert_eq!(w.split, Some(3));
    // 1000 at 8 a minute: the last of 125 minutes of sending starts at 09:00 + 124 min.
    assert_eq!(w.all_sent_at, Some(after(60 * MINUTE + 124 * MINUTE)));
}

#[test]
fn a_schedule_that_never_opens_before_the_end_cannot_be_helped_by_splitting() {
    // Sends only on Sundays, and the outreach ends on Tuesday evening before any Sunday.
    let scn = scenario(&one_campaign(
        100,
        "schedule = { sun = \"09:00-17:00\" }",
        "end = \"2026-12-01T20:00\"",
    ));
    let w = sim::what_if(&scn, CampaignId::FIRST);
    assert_eq!(w.split, None);
    // Without the end, the first Sunday (6 December) sends them all by 09:12.
    let sunday_nine = after((5 * 24 + 1) * 60 * MINUTE);
    assert_eq!(w.all_sent_at, Some(sunday_nine + 12 * MINUTE));
}

#[test]
fn validate_prints_the_what_if_under_the_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, one_campaign(1000, "", "end = \"2026-12-01T10:00\"")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(
            "to reach all 1000: split the list evenly over 3 campaigns (each has its own limit of 480 an hour); or an end time after 12-01 11:04"
        ),
        "{stdout}"
    );
}
