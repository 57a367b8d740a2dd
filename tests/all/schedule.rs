use model::record::Record;
use model::time::{HOUR, MINUTE};
use model::{Status, ZoneId};

use crate::common::{after, one_campaign, run_audited, scenario, sends, shipped};

#[test]
fn a_start_outside_the_window_waits_for_it() {
    // Starts 09:00 but the schedule opens at 13:00.
    let text = one_campaign(10, "schedule = { daily = \"13:00-17:00\" }", "");
    let o = run_audited(&scenario(&text), 1);
    assert_eq!(
        o.campaigns[0].first_send,
        Some(after(5 * HOUR)),
        "13:00 is five hours after the 08:00 start"
    );
}

#[test]
fn recipients_roll_over_to_the_next_open_day() {
    // 09:00-10:00 on weekdays sends at most 480 a day; 1000 recipients need three days.
    let text = one_campaign(1000, "schedule = { mon-fri = \"09:00-10:00\" }", "");
    let o = run_audited(&scenario(&text), 1);
    let last = o.campaigns[0].last_send.unwrap();
    assert!(
        (after(2 * 24 * HOUR + HOUR)..after(2 * 24 * HOUR + 2 * HOUR)).contains(&last),
        "last send at {last}"
    );
    assert_eq!(o.campaigns[0].sent, 1000);
}

#[test]
fn the_window_opens_in_each_recipients_own_time_zone() {
    let text = one_campaign(0, "schedule = { daily = \"09:00-17:00\" }", "")
        .replace("recipients = { count = 0 }", "recipients = { count = 100, timezones = { \"America/New_York\" = 0.5, \"America/Los_Angeles\" = 0.5 } }");
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    let la = scn
        .zones
        .iter()
        .position(|z| z.tz.iana_name() == Some("America/Los_Angeles"))
        .map(ZoneId::new)
        .unwrap();
    let recipients = &o.lists[0][0];
    let (first_la, _) = sends(&o.trace)
        .into_iter()
        .find(|(_, to)| recipients.zone(to.row.index()) == la)
        .unwrap();
    // 09:00 in Los Angeles is 12:00 in New York, four hours after the 08:00 start.
    assert_eq!(first_la, after(4 * HOUR));
    assert_eq!(o.campaigns[0].first_send, Some(after(HOUR)));
}

#[test]
fn the_end_time_leaves_the_rest_unreached_and_the_outreach_completed() {
    // One hour allows 480 of 1000.
    let text = one_campaign(1000, "", "end = \"2026-12-01T10:00\"");
    let o = run_audited(&scenario(&text), 1);
    let m = &o.campaigns[0];
    assert_eq!(m.sent, 480);
    assert_eq!(m.unreached, 520);
    assert_eq!(m.unreached_cutoff, 520);
    assert!(
        m.last_send.unwrap() < after(2 * HOUR),
        "nothing at or after 10:00"
    );
    assert_eq!(o.statuses[0][0], Status::Completed);
}

#[test]
fn a_stopped_outreach_ends_stopped() {
    let text = one_campaign(1000, "", "stop_at = \"2026-12-01T09:30\"");
    let o = run_audited(&scenario(&text), 1);
    assert_eq!(o.statuses[0][0], Status::Stopped);
    assert_eq!(o.campaigns[0].sent, 240, "half an hour of 480/hour");
    assert_eq!(o.campaigns[0].unreached_stopped, 760);
}

#[test]
fn the_launch_scenario_cuts_off_the_shipping_notice() {
    let o = run_audited(&shipped("launch.toml"), 42);
    let shipping = &o.campaigns[0];
    // 09:00-17:00 is eight hours of 480: everyone else is unreached at the end time.
    assert_eq!(shipping.sent, 8 * 480);
    assert_eq!(shipping.unreached, 5000 - 8 * 480);
    assert!(
        shipping.last_send.unwrap() < after(9 * HOUR),
        "last send before 17:00"
    );
    assert!(shipping.last_send.unwrap() >= after(9 * HOUR - 5 * MINUTE));
}

#[test]
fn validate_plans_the_cutoff_without_simulating_customers() {
    let plan = sim::plan(&shipped("launch.toml"));
    let shipping = &plan.campaigns[0];
    assert_eq!(
        (shipping.sends, shipping.unreached),
        (8 * 480, 5000 - 8 * 480)
    );
    assert_eq!(
        plan.campaigns[1].skipped_duplicate, 1,
        "the VIP list repeats one phone"
    );
    assert_eq!(
        plan.shared_phones, 400,
        "10% of Holiday hours' 4,000 overlap the shipping list"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("validate")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/launch.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1160 of 5000 recipients cannot be sent"),
        "{text}"
    );
}

#[test]
fn an_end_time_leaves_the_western_zone_unreached_more_and_the_summary_counts_it_per_zone() {
    // Windows are recipient-local: 09:00 opens in New York at 09:00 but in Los Angeles at
    // 12:00 New York time. The end time, 14:00 New York, gives Los Angeles two hours of the
    // limiter (at most 960 sends) against New York's five, three of them alone.
    let text = one_campaign(0, "schedule = { daily = \"09:00-17:00\" }", "end = \"2026-12-01T14:00\"")
        .replace("recipients = { count = 0 }", "recipients = { count = 3000, timezones = { \"America/New_York\" = 0.5, \"America/Los_Angeles\" = 0.5 } }");
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    let summary = report::summarize(&scn, &o);
    let c = &summary.campaigns[0];
    let (rows, left) = (&c.recipients_by_zone, &c.unreached_by_zone);
    let zones: Vec<&str> = left.iter().map(|(z, _)| z.as_str()).collect();
    assert_eq!(
        zones,
        ["America/New_York", "America/Los_Angeles"],
        "east first"
    );
    assert_eq!(
        rows.iter().map(|(z, _)| z.as_str()).collect::<Vec<_>>(),
        zones
    );
    let total = |v: &[(String, u64)]| v.iter().map(|(_, n)| n).sum::<u64>();
    assert_eq!(total(rows), c.recipients);
    assert_eq!(total(left), c.unreached);
    // summary.json writes them as objects, in that order.
    let json = serde_json::to_string(&summary).unwrap();
    let at = |key: &str| json.find(key).unwrap();
    assert!(
        at("\"unreached_by_zone\":{\"America/New_York\"")
            > at("\"recipients_by_zone\":{\"America/New_York\"")
    );
    let (new_york, los_angeles) = (left[0].1, left[1].1);
    assert!(
        los_angeles >= rows[1].1 - 960,
        "two hours of 480 leave at least {} of Los Angeles: {los_angeles}",
        rows[1].1 - 960
    );
    assert!(
        los_angeles > new_york,
        "the zone that opens later is left more: {new_york} vs {los_angeles}"
    );
    // The counts are of the rows the trace shows left unreached, each in its own zone.
    let la = scn
        .zones
        .iter()
        .position(|z| z.name == "America/Los_Angeles")
        .map(ZoneId::new)
        .unwrap();
    let list = &o.lists[0][0];
    let left_in_la = o
        .trace
        .iter()
        .filter(
            |(_, r)| matches!(r, Record::Unreached { to, .. } if list.zone(to.row.index()) == la),
        )
        .count() as u64;
    assert_eq!(left_in_la, los_angeles);
}
