//! Agents on shifts (issue 9): who may take work when, judged from the records on the company
//! clock, and by the auditor (`off_shift`, `agent_capacity`).

use model::record::Record;
use model::time::{HOUR, Instant};
use scenario::Scenario;

use crate::common::{after, run_audited, scenario};

/// The run starts Tuesday 1 December 2026, 08:00 New York (the company clock). 300 recipients
/// texted from 08:00, everyone delivered replies and writes three times; the inbox's only agents
/// work `shifts`.
fn staffed(shifts: &str) -> Scenario {
    scenario(&format!(
        r#"
name = "shifts"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-03T00:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
reply_delay = {{ dist = "fixed", value = "5m" }}
follow_ups = {{ dist = "fixed", value = 3 }}
replies = [ {{ body = "Where is my order?", weight = 1 }} ]
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
[[inboxes]]
name = "Campaign Replies"
capacity = {{ standard = 2 }}
{shifts}
[[campaigns]]
name = "Shipping delay notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T08:00"
recipients = {{ count = 300 }}
"#
    ))
}

const TEN_TO_NOON: &str =
    "[[inboxes.shifts]]\nagents = 3\ndays = \"mon-fri\"\nhours = \"10:00-12:00\"";

/// Times of the records that `pick` selects.
fn times(trace: &[(Instant, Record)], pick: impl Fn(&Record) -> bool) -> Vec<Instant> {
    trace
        .iter()
        .filter(|(_, r)| pick(r))
        .map(|&(t, _)| t)
        .collect()
}

/// Whether `t` is inside 10:00-12:00 of a day of the run (run start = 08:00 of day 1).
fn between_ten_and_noon(t: Instant) -> bool {
    let of_day = (t.as_millis() + 8 * HOUR.as_millis()) % (24 * HOUR.as_millis());
    (10 * HOUR.as_millis()..12 * HOUR.as_millis()).contains(&of_day)
}

#[test]
fn nothing_is_assigned_outside_the_agents_shift() {
    let scn = staffed(TEN_TO_NOON);
    let outcome = run_audited(&scn, 1);
    let assigned = times(&outcome.trace, |r| matches!(r, Record::Assign { .. }));
    assert!(!assigned.is_empty());
    // Replies from 08:05 on wait for the shift: the first are taken the instant it starts.
    assert_eq!(assigned[0], after(2 * HOUR));
    let outside: Vec<_> = assigned
        .iter()
        .filter(|&&t| !between_ten_and_noon(t))
        .collect();
    assert_eq!(outside, Vec::<&Instant>::new(), "assigned off shift");
    // The next morning's shift takes what waited overnight.
    assert!(assigned.iter().any(|&t| t == after(26 * HOUR)));
}

#[test]
fn overtime_agents_finish_what_they_hold_after_their_shift_but_take_nothing_new() {
    let outcome = run_audited(&staffed(TEN_TO_NOON), 1);
    let noon = after(4 * HOUR);
    let handled_after_noon = times(&outcome.trace, |r| matches!(r, Record::Handle { .. }))
        .into_iter()
        .filter(|&t| t >= noon && t < after(26 * HOUR))
        .count();
    assert!(
        handled_after_noon > 0,
        "agents holding conversations at noon answer their follow-ups"
    );
    let assigned_after_noon = times(&outcome.trace, |r| matches!(r, Record::Assign { .. }))
        .into_iter()
        .filter(|&t| t >= noon && t < after(26 * HOUR))
        .count();
    assert_eq!(assigned_after_noon, 0);
}

#[test]
fn capacity_is_never_exceeded_by_overlapping_shifts() {
    let two_groups = format!(
        "{TEN_TO_NOON}\n[[inboxes.shifts]]\nagents = 2\ndays = \"daily\"\nhours = \"11:00-14:00\""
    );
    let scn = staffed(&two_groups);
    assert_eq!(scn.inboxes[0].agents, 5);
    let outcome = run_audited(&scn, 3);
    // Agents 3 and 4 (the second group) take work from 11:00, never before.
    let second_group_first = outcome.trace.iter().find_map(|&(t, r)| match r {
        Record::Assign { agent, .. } if agent.index() >= 3 => Some(t),
        _ => None,
    });
    assert_eq!(second_group_first, Some(after(3 * HOUR)));
}

/// Two always-on groups: agents 0 and 1 without skills, agent 2 speaking Spanish; a rule marks
/// conversations whose first message says "hola" as needing Spanish. Half the customers write it.
fn with_a_spanish_speaker() -> Scenario {
    let mut scn = staffed(
        "[[inboxes.shifts]]\nagents = 2\ndays = \"daily\"\nhours = \"00:00-24:00\"\n\
         [[inboxes.shifts]]\nagents = 1\ndays = \"daily\"\nhours = \"00:00-24:00\"\nskills = [\"spanish\"]\n\
         [[rules]]\nname = \"Spanish\"\nwhen = { body_words = [\"hola\"] }\nthen = { needs_skill = \"spanish\" }",
    );
    scn.campaigns[0].customers.replies = vec![
        ("Hola, donde esta mi pedido?".to_string(), 1.0),
        ("Where is my order?".to_string(), 1.0),
    ];
    scn.campaigns[0].customers.follow_ups = scenario::Dist::Fixed(1.0);
    scn
}

#[test]
fn a_skilled_agent_is_preferred_whenever_they_have_room() {
    let scn = with_a_spanish_speaker();
    let outcome = run_audited(&scn, 2);
    let mut said_hola = std::collections::BTreeMap::new();
    let mut load = [0u32; 3];
    let (mut to_speaker, mut skipped_speaker_with_room) = (0, 0);
    for &(_, r) in outcome.trace.iter() {
        match r {
            Record::Reply {
                phone,
                body: Some(b),
                ..
            } => {
                said_hola.insert(phone, b == 0);
            }
            Record::Assign { phone, agent, .. } => {
                if said_hola.get(&phone) == Some(&true) {
                    if agent.index() == 2 {
                        to_speaker += 1;
                    } else if load[2] < 2 {
                        skipped_speaker_with_room += 1;
                    }
                }
                load[agent.index()] += 1;
            }
            Record::Release { agent, .. } => load[agent.index()] -= 1,
            _ => {}
        }
    }
    assert!(to_speaker > 20, "only {to_speaker} to the Spanish speaker");
    assert_eq!(skipped_speaker_with_room, 0);
}

#[test]
fn overtime_is_the_time_agents_hold_conversations_past_their_shift() {
    let outcome = run_audited(&staffed(TEN_TO_NOON), 1);
    // Busy stretches (at least one conversation held) per agent, from the records.
    let (mut load, mut since) = ([0u32; 3], [Instant::START; 3]);
    let mut busy: Vec<(u64, u64)> = Vec::new();
    for &(t, r) in outcome.trace.iter() {
        match r {
            Record::Assign { agent, .. } => {
                let i = agent.index();
                if load[i] == 0 {
                    since[i] = t;
                }
                load[i] += 1;
            }
            Record::Release { agent, .. } => {
                let i = agent.index();
                load[i] -= 1;
                if load[i] == 0 {
                    busy.push((since[i].as_millis(), t.as_millis()));
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        load, [0; 3],
        "the horizon is far after the last conversation"
    );
    let h = HOUR.as_millis();
    // The shifts of the run: Tuesday and Wednesday 10:00-12:00 (run time 2h-4h, 26h-28h).
    let on_shift = [(2 * h, 4 * h), (26 * h, 28 * h)];
    let overlap = |(a, b): (u64, u64), (s, e): (u64, u64)| b.min(e).saturating_sub(a.max(s));
    let expected: u64 = busy
        .iter()
        .map(|&stretch| {
            stretch.1 - stretch.0 - on_shift.iter().map(|&w| overlap(stretch, w)).sum::<u64>()
        })
        .sum();
    assert!(expected > 0, "agents finish conversations after noon");
    assert_eq!(outcome.inboxes[0].overtime.as_millis(), expected);
}

#[test]
fn always_on_agents_work_no_overtime() {
    let outcome = run_audited(&staffed("agents = 3"), 1);
    assert!(outcome.inboxes[0].handled > 0);
    assert_eq!(outcome.inboxes[0].overtime, model::time::Span::ZERO);
}

#[test]
fn occupancy_counts_busy_slots_only_while_the_group_is_on_shift() {
    let outcome = run_audited(&staffed(TEN_TO_NOON), 1);
    let h = HOUR.as_millis();
    let end = outcome.end.as_millis();
    let on_shift = [(2 * h, 4 * h), (26 * h, 28 * h)];
    let overlap = |(a, b): (u64, u64), (s, e): (u64, u64)| b.min(e).saturating_sub(a.max(s));
    let on = |stretch: (u64, u64)| on_shift.iter().map(|&w| overlap(stretch, w)).sum::<u64>();
    // Held conversations x time, from the records, counted only on shift.
    let (mut load, mut last, mut busy) = (0u64, 0u64, 0u128);
    for &(t, r) in outcome.trace.iter() {
        let change: i64 = match r {
            Record::Assign { .. } => 1,
            Record::Release { .. } => -1,
            _ => continue,
        };
        busy += u128::from(load) * u128::from(on((last, t.as_millis())));
        last = t.as_millis();
        load = load.checked_add_signed(change).unwrap();
    }
    let staffed = 3 * 2 * u128::from(on((0, end)));
    let group = outcome.inboxes[0].shift_groups[0];
    assert_eq!((group.busy_slot_ms, group.staffed_slot_ms), (busy, staffed));
    // Everyone who replied is waiting at 10:00: the shift is busy.
    assert!(busy * 2 > staffed, "occupancy {busy}/{staffed}");
}

#[test]
fn utilization_over_staffed_time_is_not_diluted_by_the_hours_nobody_works() {
    // 40 hours simulated (Tuesday 08:00 to Thursday 00:00); the agents work 10:00-12:00 on
    // Tuesday and Wednesday: 4 of the 40 hours, so the staffed variant is ten times larger.
    let scn = staffed(TEN_TO_NOON);
    let outcome = run_audited(&scn, 1);
    let summary = report::summarize(&scn, &outcome);
    let inbox = &summary.inboxes[0];
    assert!(inbox.utilization > 0.0);
    let ratio = inbox.utilization_staffed / inbox.utilization;
    assert!((ratio - 10.0).abs() < 1e-3, "{ratio}");
    // The same slot-time as the group's occupancy, which leaves out the overtime after noon.
    let occupancy = summary.shift_groups[0].occupancy.unwrap();
    assert!(
        inbox.utilization_staffed > occupancy,
        "{} vs {occupancy}",
        inbox.utilization_staffed
    );
}

/// A night team on `days`, 22:00-06:00 (issue 11), and one customer who writes at about 02:00
/// on Wednesday and one at 02:00 on Thursday. The run starts Tuesday 1 December 2026, 08:00 New
/// York, and stops Friday 00:00.
fn night_team(days: &str) -> Scenario {
    let outreach = |start: &str| {
        format!("[[campaigns.outreaches]]\nstart = \"{start}\"\nrecipients = {{ count = 1 }}\n")
    };
    scenario(&format!(
        r#"
name = "night team"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-04T00:00"
[customers]
reply_rate = {{ dist = "fixed", value = 1 }}
reply_delay = {{ dist = "fixed", value = "5m" }}
follow_ups = {{ dist = "fixed", value = 1 }}
replies = [ {{ body = "Where is my order?", weight = 1 }} ]
[[numbers]]
number = "+15550100"
inbox = "Campaign Replies"
[[inboxes]]
name = "Campaign Replies"
capacity = {{ standard = 2 }}
[[inboxes.shifts]]
agents = 1
days = "{days}"
hours = "22:00-06:00"
[[campaigns]]
name = "Night owls"
number = "+15550100"
{}{}"#,
        outreach("2026-12-02T01:55"),
        outreach("2026-12-03T01:55")
    ))
}

#[test]
fn an_overnight_shift_runs_past_midnight_into_the_day_after_each_listed_day() {
    let scn = night_team("tue");
    let outcome = run_audited(&scn, 1);
    let assigned = times(&outcome.trace, |r| matches!(r, Record::Assign { .. }));
    // Tuesday's night runs into Wednesday: the 02:00 customer is taken at once (run time 18h).
    let wednesday_two = after(18 * HOUR);
    assert!(
        assigned
            .iter()
            .any(|&t| t >= wednesday_two && t < wednesday_two + 10 * model::time::MINUTE),
        "{assigned:?}"
    );
    // Wednesday is not listed: nobody works Thursday's small hours, and the run ends first.
    assert_eq!(assigned.len(), 1, "{assigned:?}");
    let received = times(&outcome.trace, |r| matches!(r, Record::Route { .. }));
    assert!(
        received.iter().any(|&t| t >= after(42 * HOUR)),
        "{received:?}"
    );

    // Staffed: Tuesday 22:00 to Wednesday 06:00 (run time 14h-22h), one step, no break at midnight.
    let slots = sim::staffing::staffed_slots(&scn, model::InboxId::new(0), outcome.end);
    assert_eq!(
        slots,
        [
            (Instant::START, 0),
            (after(14 * HOUR), 2),
            (after(22 * HOUR), 0)
        ]
    );
    let group = outcome.inboxes[0].shift_groups[0];
    assert_eq!(group.staffed_slot_ms, 2 * 8 * u128::from(HOUR.as_millis()));
}

#[test]
fn a_sunday_night_shift_runs_into_monday_and_ends_at_or_before_its_start_time() {
    let week = |days: &str, hours: &str| {
        let text = format!(
            "[[inboxes.shifts]]\nagents = 1\ndays = \"{days}\"\nhours = \"{hours}\"\n[[campaigns]]"
        );
        let scn = scenario(
            &crate::common::one_campaign(10, "", "")
                .replace("agents = 3\n", "")
                .replacen("[[campaigns]]", &text, 1),
        );
        scn.inboxes[0].shifts[0].hours.clone()
    };
    let sunday_night = week("sun", "22:00-06:00");
    assert_eq!(sunday_night.ranges(6), &[(22 * 60, 24 * 60)]);
    assert_eq!(sunday_night.ranges(0), &[(0, 6 * 60)]);
    // An end of 00:00 is midnight: the shift ends with its day.
    let to_midnight = week("mon", "18:00-00:00");
    assert_eq!(to_midnight.ranges(0), &[(18 * 60, 24 * 60)]);
    assert!(to_midnight.ranges(1).is_empty());
}

/// The three utilizations share their busy slot-time and divide it by ever less staffed time:
/// every agent all the run, the agents on shift, the agents on shift in the hours with work.
#[test]
fn busy_hours_utilization_is_never_below_the_other_two() {
    for name in ["launch.toml", "black-friday.toml", "single-500.toml"] {
        let scn = crate::common::shipped(name);
        for seed in 1..=3 {
            let o = sim::run(&scn, &sim::Options { seed, trace: false });
            for i in report::summarize(&scn, &o).inboxes {
                // Each is rounded to 6 decimals on its own.
                let (all, staffed, busy) = (
                    i.utilization,
                    i.utilization_staffed,
                    i.utilization_busy_hours,
                );
                assert!(
                    all <= staffed + 1e-6 && staffed <= busy + 1e-6,
                    "{name} seed {seed} {}: {all} {staffed} {busy}",
                    i.name
                );
            }
        }
    }
}

#[test]
fn an_inbox_busy_every_hour_has_no_idle_hours_to_leave_out() {
    // Background conversations all day and night, far more than one an hour: every hour of the
    // run has work, so the busy hours are the whole run.
    let scn = scenario(
        r#"
name = "round the clock"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-02T08:00"
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 4
background = { per_hour = 30 }
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 50 }
"#,
    );
    let o = run_audited(&scn, 1);
    let inbox = &report::summarize(&scn, &o).inboxes[0];
    assert!(inbox.utilization > 0.0);
    assert_eq!(inbox.utilization_busy_hours, inbox.utilization);
    assert_eq!(inbox.utilization_staffed, inbox.utilization);
}

#[test]
fn a_launchs_quiet_nights_do_not_dilute_busy_hours_utilization() {
    let scn = crate::common::shipped("launch.toml");
    let o = sim::run(
        &scn,
        &sim::Options {
            seed: 42,
            trace: false,
        },
    );
    let summary = report::summarize(&scn, &o);
    let replies = &summary.inboxes[0];
    assert_eq!(replies.name, "Campaign Replies");
    // The replies come on the first day; the run goes on to its horizon 64 hours in.
    assert!(
        replies.utilization_busy_hours > 3.0 * replies.utilization_staffed,
        "{} vs {}",
        replies.utilization_busy_hours,
        replies.utilization_staffed
    );
    // Its agents are always on, so the two differ by the hours counted: a whole number of them
    // (the run starts on the hour), at least every hour someone arrived in, and fewer than all.
    let run_hours = o.end.as_millis() as f64 / HOUR.as_millis() as f64;
    let busy_hours = run_hours * replies.utilization / replies.utilization_busy_hours;
    assert!(
        (busy_hours - busy_hours.round()).abs() < 0.01,
        "{busy_hours}"
    );
    let arrival_hours: std::collections::BTreeSet<u64> = o.timeline.inboxes[0]
        .waits
        .iter()
        .map(|(t, _)| t.bucket(HOUR))
        .collect();
    assert!(busy_hours.round() as usize >= arrival_hours.len());
    assert!(busy_hours < run_hours / 2.0, "{busy_hours} of {run_hours}");
}
