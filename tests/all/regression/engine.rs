//! Regressions in the campaign system and the simulator: ties at coinciding instants, virtual
//! time that ran backwards, and schedules read across daylight-saving changes.

use model::OutreachId;
use model::record::Record;
use model::time::{HOUR, Instant};
use scenario::{Dist, Scenario};
use sim::{self, Outcome};

use crate::common::{after, one_campaign, run_audited, scenario};

/// One campaign of `count` recipients in `zone` (also the company's zone), starting at `start`
/// local time with `schedule`, and nothing else.
fn in_zone(zone: &str, start: &str, schedule: &str, count: u32) -> String {
    format!(
        r#"
name = "dst"
[simulation]
timezone = "{zone}"
start = "{start}"
[customers]
reply_rate = {{ dist = "fixed", value = 0 }}
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 1
[[campaigns]]
name = "A"
number = "+15550100"
schedule = {{ {schedule} }}
[[campaigns.outreaches]]
start = "{start}"
recipients = {{ count = {count} }}
"#
    )
}

/// Virtual time of a zoned instant such as `2026-03-08T03:00-04:00[America/New_York]`.
fn at(scn: &Scenario, zoned: &str) -> Instant {
    let z: jiff::ZonedDateTime = zoned.parse().unwrap();
    scn.epoch.instant(z.timestamp())
}

fn sends(o: &Outcome) -> Vec<Instant> {
    crate::common::sends(&o.trace)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

#[test]
fn a_range_starting_inside_the_spring_gap_opened_a_quarter_hour_late() {
    // 2026-03-08 New York: 02:00 jumps to 03:00; 02:15-04:00 reads open from 03:00.
    let text = in_zone(
        "America/New_York",
        "2026-03-08T00:00",
        "sun = \"02:15-04:00\"",
        100,
    );
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    assert_eq!(
        o.campaigns[0].first_send,
        Some(at(&scn, "2026-03-08T03:00-04:00[America/New_York]"))
    );
}

#[test]
fn a_weekly_window_lost_to_the_gap_stopped_the_campaign_for_good() {
    // Sunday 02:00-03:00 sends 480 on 1 March, does not exist on 8 March, and comes back on
    // 15 March: the rest of the list waits for it, however far.
    let text = in_zone(
        "America/New_York",
        "2026-03-01T00:00",
        "sun = \"02:00-03:00\"",
        1000,
    );
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    let m = &o.campaigns[0];
    assert_eq!((m.sent, m.unreached), (1000, 0));
    let third_week = at(&scn, "2026-03-15T02:00-04:00[America/New_York]");
    assert_eq!(
        sends(&o)
            .iter()
            .filter(|&&t| t >= third_week && t < third_week + HOUR)
            .count(),
        480
    );
}

#[test]
fn the_repeated_hour_after_fall_back_was_sent_outside_the_range() {
    // 2026-11-01 New York: 02:00 EDT falls back to 01:00 EST. 01:30-03:00 does not cover the
    // second 01:00-01:29, so nothing goes out from 06:00Z to 06:30Z.
    let text = in_zone(
        "America/New_York",
        "2026-11-01T00:00",
        "sun = \"01:30-03:00\"",
        2000,
    );
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    let closed = at(&scn, "2026-11-01T01:00-05:00[America/New_York]")
        ..at(&scn, "2026-11-01T01:30-05:00[America/New_York]");
    assert!(sends(&o).iter().all(|t| !closed.contains(t)));
    assert!(o.campaigns[0].sent > 0);
}

#[test]
fn a_reading_that_occurs_twice_was_open_only_once() {
    // 00:30-01:30 covers both passes of 01:00-01:29 on the fall-back day.
    let text = in_zone(
        "America/New_York",
        "2026-11-01T00:00",
        "sun = \"00:30-01:30\"",
        2000,
    );
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    let second = at(&scn, "2026-11-01T01:00-05:00[America/New_York]")
        ..at(&scn, "2026-11-01T01:30-05:00[America/New_York]");
    let in_second = sends(&o).iter().filter(|t| second.contains(t)).count();
    assert_eq!(in_second, 240, "half an hour at 480 per hour");
}

#[test]
fn a_midnight_range_sent_at_one_on_a_day_whose_midnight_is_skipped() {
    // Chile jumps from 00:00 to 01:00 on Sunday 6 September 2026: 00:00-00:30 is closed that day.
    let text = in_zone(
        "America/Santiago",
        "2026-09-05T12:00",
        "daily = \"00:00-00:30\"",
        1000,
    );
    let scn = scenario(&text);
    let o = run_audited(&scn, 1);
    assert_eq!(
        o.campaigns[0].first_send,
        Some(at(&scn, "2026-09-07T00:00-03:00[America/Santiago]"))
    );
}

#[test]
fn an_outreach_sent_at_the_instant_its_end_met_another_outreachs_start() {
    // Outreach 1 ends at 10:00, when outreach 0 (listed first, its recipients still asleep in
    // Kolkata) starts. Nothing of outreach 1 may go out at 10:00.
    let text = one_campaign(
        0,
        "schedule = { daily = \"09:00-17:00\" }",
        "",
    )
    .replace(
        "start = \"2026-12-01T09:00\"\nrecipients = { count = 0 }",
        "start = \"2026-12-01T10:00\"\nrecipients = { count = 100, timezones = { \"Asia/Kolkata\" = 1.0 } }\n\
         [[campaigns.outreaches]]\nstart = \"2026-12-01T09:00\"\nend = \"2026-12-01T10:00\"\nrecipients = { count = 1000 }",
    );
    let o = run_audited(&scenario(&text), 1);
    let end = after(2 * HOUR); // 10:00, two hours after the 08:00 start
    let second: Vec<Instant> = crate::common::sends(&o.trace)
        .into_iter()
        .filter(|(_, to)| to.outreach == OutreachId::new(1))
        .map(|(t, _)| t)
        .collect();
    let late = second.iter().filter(|&&t| t >= end).count();
    assert_eq!(late, 0);
    let outreach_1 = second.len();
    assert_eq!(outreach_1, 480, "09:00 to 10:00 at 480 per hour");
}

#[test]
fn a_stop_at_the_start_instant_let_eight_sms_out() {
    // The reader now refuses such a file; the engine must hold the rule on its own.
    let mut scn = scenario(&one_campaign(100, "", ""));
    let outreach = &mut scn.campaigns[0].outreaches[0];
    outreach.stop_at = Some(outreach.start);
    let o = run_audited(&scn, 1);
    assert_eq!(o.campaigns[0].sent, 0);
    assert_eq!(o.campaigns[0].unreached, 100);
}

#[test]
fn a_huge_handle_time_ran_virtual_time_backwards() {
    // The reader now bounds handle times; the simulator must not wrap on its own.
    let mut scn = scenario(
        &one_campaign(20, "", "")
            .replace(
                "[[numbers]]",
                "[customers]\nreply_rate = { dist = \"fixed\", value = 1 }\n[[numbers]]",
            )
            .replace(
                "start = \"2026-12-01T08:00\"",
                "start = \"2026-12-01T08:00\"\nuntil = \"2026-12-31T08:00\"",
            ),
    );
    scn.inboxes[0].handle_time = Dist::Fixed(1e30);
    let o = sim::run(
        &scn,
        &sim::Options {
            seed: 1,
            trace: true,
        },
    );
    assert!(
        o.trace.windows(2).all(|w| w[0].0 <= w[1].0),
        "time went backwards"
    );
    assert!(
        o.trace
            .iter()
            .any(|(_, r)| matches!(r, Record::Assign { .. })),
        "agents took conversations"
    );
    let summary = report::summarize(&scn, &o);
    let u = summary.inboxes[0].utilization;
    assert!((0.0..=1.0).contains(&u), "utilization {u}");
    assert_eq!(o.end, after(30 * 24 * HOUR));
}

#[test]
fn validates_plan_left_the_list_behind_a_weekly_window_lost_to_the_gap() {
    // `validate` plans with the engine alone: it must read the schedule the same way.
    let text = in_zone(
        "America/New_York",
        "2026-03-01T00:00",
        "sun = \"02:00-03:00\"",
        1000,
    );
    let plan = sim::plan(&scenario(&text));
    assert_eq!(
        (plan.campaigns[0].sends, plan.campaigns[0].unreached),
        (1000, 0)
    );
}

#[test]
fn a_finished_outreachs_end_time_kept_the_run_going_without_background_traffic() {
    // 100 recipients are done by 09:13, their outreach's end is the next day at 17:00. Without a
    // horizon, background traffic stops once every outreach has ended; the run must end with the
    // work, not idle on to an end time that no longer matters (diluting utilization 30-fold).
    let text = one_campaign(100, "", "end = \"2026-12-02T17:00\"")
        .replace("agents = 3", "agents = 3\nbackground = { per_hour = 30 }");
    let o = run_audited(&scenario(&text), 1);
    assert_eq!(o.campaigns[0].sent, 100);
    assert!(
        o.end < after(12 * HOUR),
        "the run ended {} h after its start",
        o.end.since_start().div_floor(HOUR)
    );
}

#[test]
fn work_outlasting_the_twenty_year_limit_was_blamed_on_the_campaign_system() {
    // One minute a week sends 8: 10,000 recipients need 24 years. The simulator's own limit stops
    // the run after 20; that is not the campaign system stalling, so the audit passes.
    let text = one_campaign(10_000, "schedule = { sun = \"09:00-09:01\" }", "");
    let o = run_audited(&scenario(&text), 1);
    assert!(o.campaigns[0].unreached_horizon > 0);
    assert_eq!(o.end, after(model::time::MAX_RUN));
}

#[test]
fn a_stopped_outreach_kept_a_run_without_a_horizon_going_until_its_next_send_window() {
    // Tuesday 09:00 start, Sundays-only schedule, stopped a minute later: nothing is left to do
    // after the stop, yet the campaign's wake-up for Sunday's window outlived it.
    let mut scn = scenario(&one_campaign(
        10,
        "schedule = { sun = \"09:00-17:00\" }",
        "",
    ));
    let outreach = &mut scn.campaigns[0].outreaches[0];
    outreach.stop_at = Some(outreach.start + model::time::MINUTE);
    let o = run_audited(&scn, 1);
    assert_eq!(o.campaigns[0].unreached, 10);
    let last = o.trace.last().unwrap().0;
    assert_eq!(
        last,
        after(HOUR + model::time::MINUTE),
        "the stop is the last thing"
    );
    assert_eq!(o.end, last);
}
