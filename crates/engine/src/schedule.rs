//! Weekly send schedules, evaluated in each recipient's own time zone.
//!
//! A schedule is a reading of the recipient's wall clock (DOMAIN.md): an instant is open when the
//! recipient's clock then reads a time inside a range of that local day. So on the day the clock
//! jumps forward a range opens at the first reading after the gap, a range wholly inside the gap
//! is closed that day, and a reading that occurs twice when the clock falls back is open twice.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};

/// How far ahead the next open window is searched. A weekly range can be lost to a
/// daylight-saving gap for a week, never for years; past this the schedule never opens.
const SEARCH_DAYS: usize = 2 * 366;

const MINUTE_MS: i64 = 60_000;
/// More than any UTC offset there is (the largest are +14:00 and -12:00).
const OFFSET_REACH_MS: i64 = 26 * 60 * MINUTE_MS;

/// The first send window `[start, end)` (virtual time) whose end is after `at`, for a recipient in
/// `tz`; `start` may be before `at` when the window is open at `at`, and an end of `None` never
/// comes (no schedule: always open). `None` result: the schedule never opens again.
pub fn window_after(
    schedule: Option<&WeeklySchedule>,
    tz: &TimeZone,
    epoch: Epoch,
    at: Instant,
) -> Option<(Instant, Option<Instant>)> {
    let Some(schedule) = schedule else {
        return Some((Instant::START, None));
    };
    if schedule.is_never_open() {
        return None;
    }
    let at_ms = epoch.timestamp(at).as_millisecond();
    // The local day before `at`'s too: after a fall-back across midnight, readings of the previous
    // day come round again.
    let mut day = tz
        .to_datetime(epoch.timestamp(at))
        .date()
        .yesterday()
        .ok()?;
    let mut best: Option<(i64, i64)> = None;
    for _ in 0..SEARCH_DAYS {
        // Every reading of this day or a later one is later than the best window found so far.
        let Some(midnight) = local_midnight_ms(day) else {
            // Past the last date there is: no later window.
            break;
        };
        if best.is_some_and(|(start, _)| midnight - OFFSET_REACH_MS > start) {
            break;
        }
        let weekday = day.weekday().to_monday_zero_offset() as usize;
        for &(s, e) in schedule.ranges(weekday) {
            for (start, end) in instants_reading(tz, day, s, e) {
                if end > at_ms && best.is_none_or(|(b, _)| start < b) {
                    best = Some((start, end));
                }
            }
        }
        day = day.tomorrow().ok()?;
    }
    let epoch_ms = epoch.0.as_millisecond();
    best.map(|(start, end)| {
        let virtual_time =
            |ms: i64| Instant::from_millis(u64::try_from(ms - epoch_ms).unwrap_or(0));
        (virtual_time(start), Some(virtual_time(end)))
    })
}

/// Local midnight of `day` as if the clock were UTC, in milliseconds since 1970 (`None` past the
/// range of timestamps).
fn local_midnight_ms(day: Date) -> Option<i64> {
    TimeZone::UTC
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .ok()
        .map(|ts| ts.as_millisecond())
}

/// The instant intervals (ms since 1970, ascending, disjoint) during which a clock in `tz` reads a
/// time of `day` in `[from, to)` minutes. Usually one interval; none when the range falls inside a
/// daylight-saving gap; two when part of it is read twice.
fn instants_reading(tz: &TimeZone, day: Date, from: u16, to: u16) -> Vec<(i64, i64)> {
    let Some(midnight) = local_midnight_ms(day) else {
        return Vec::new();
    };
    let (read_from, read_to) = (
        midnight + i64::from(from) * MINUTE_MS,
        midnight + i64::from(to) * MINUTE_MS,
    );
    let mut out: Vec<(i64, i64)> = Vec::new();
    // Walk the stretches of constant UTC offset around the day: in each, the clock reads
    // `instant + offset`, so the instants reading inside the range are the range shifted back.
    let mut stretch_start = read_from - OFFSET_REACH_MS;
    let reach_end = read_to + OFFSET_REACH_MS;
    let Ok(first) = Timestamp::from_millisecond(stretch_start) else {
        return out;
    };
    let mut offset = tz.to_offset(first);
    let mut transitions = tz.following(first);
    while stretch_start < reach_end {
        let (stretch_end, next_offset) = match transitions.next() {
            Some(tr) => (tr.timestamp().as_millisecond(), tr.offset()),
            None => (i64::MAX, offset),
        };
        let shift = offset_ms(offset);
        let start = (read_from - shift).max(stretch_start);
        let end = (read_to - shift).min(stretch_end);
        if start < end {
            match out.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => out.push((start, end)),
            }
        }
        stretch_start = stretch_end;
        offset = next_offset;
    }
    out
}

fn offset_ms(offset: Offset) -> i64 {
    i64::from(offset.seconds()) * 1000
}

/// How much of `[from, to)` falls outside `schedule`'s open windows in `tz` (an agent's time
/// past their shift, say). Walks the windows in between, one [`window_after`] each.
pub fn time_outside(
    schedule: &WeeklySchedule,
    tz: &TimeZone,
    epoch: Epoch,
    from: Instant,
    to: Instant,
) -> Span {
    let mut outside = Span::ZERO;
    let mut t = from;
    while t < to {
        match window_after(Some(schedule), tz, epoch, t) {
            Some((start, Some(end))) if start < to => {
                outside = outside + start.saturating_since(t);
                t = end.max(t);
            }
            // Never open again, or not before `to`: the rest is outside.
            _ => return outside + to.saturating_since(t),
        }
    }
    outside
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::schedule::Range;
    use model::time::HOUR;

    fn weekdays_9_to_17() -> WeeklySchedule {
        let mut days: [Vec<Range>; 7] = Default::default();
        for d in days.iter_mut().take(5) {
            d.push((9 * 60, 17 * 60));
        }
        WeeklySchedule::new(days)
    }

    fn epoch(s: &str, tz: &TimeZone) -> Epoch {
        let dt: jiff::civil::DateTime = s.parse().unwrap();
        Epoch(tz.to_ambiguous_timestamp(dt).compatible().unwrap())
    }

    #[test]
    fn a_start_before_opening_waits_for_nine_local() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-12-01T08:00", &ny); // a Tuesday
        let w = window_after(Some(&weekdays_9_to_17()), &ny, e, Instant::START).unwrap();
        assert_eq!(w, (after(HOUR), Some(after(9 * HOUR))));
    }

    #[test]
    fn time_outside_counts_the_closed_hours_between_two_instants() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-12-01T08:00", &ny); // a Tuesday
        let hours = weekdays_9_to_17();
        let outside = |from, to| time_outside(&hours, &ny, e, after(from), after(to));
        // 08:00-10:00: one hour before opening.
        assert_eq!(outside(Span::ZERO, 2 * HOUR), HOUR);
        // 16:00 to Wednesday 10:00: 16 closed hours overnight.
        assert_eq!(outside(8 * HOUR, 26 * HOUR), 16 * HOUR);
        // Inside the window: nothing.
        assert_eq!(outside(2 * HOUR, 3 * HOUR), Span::ZERO);
        // Friday 17:00 to Monday 09:00 (from Tuesday 08:00): all of the weekend.
        assert_eq!(outside(81 * HOUR, 145 * HOUR), 64 * HOUR);
    }

    #[test]
    fn friday_evening_rolls_over_to_monday_morning() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-12-04T18:00", &ny); // a Friday
        let (start, _) = window_after(Some(&weekdays_9_to_17()), &ny, e, Instant::START).unwrap();
        assert_eq!(start, after((24 + 24 + 15) * HOUR));
    }

    #[test]
    fn the_window_follows_the_recipient_zone() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let la = TimeZone::get("America/Los_Angeles").unwrap();
        let e = epoch("2026-12-01T09:00", &ny);
        let (start, end) = window_after(Some(&weekdays_9_to_17()), &la, e, Instant::START).unwrap();
        assert_eq!((start, end), (after(3 * HOUR), Some(after(11 * HOUR))));
    }

    #[test]
    fn daylight_saving_day_keeps_local_hours() {
        let ny = TimeZone::get("America/New_York").unwrap();
        // 2026-03-08 is the spring-forward Sunday: an all-week 09:00-17:00 schedule.
        let mut days: [Vec<Range>; 7] = Default::default();
        for d in days.iter_mut() {
            d.push((9 * 60, 17 * 60));
        }
        let e = epoch("2026-03-07T09:00", &ny);
        let (start, end) =
            window_after(Some(&WeeklySchedule::new(days)), &ny, e, after(9 * HOUR)).unwrap();
        assert_eq!(
            start,
            after(23 * HOUR),
            "only 23 hours pass between 09:00 and 09:00 across the change"
        );
        assert_eq!(end.unwrap() - start, 8 * HOUR);
    }

    /// The instant `span` after the start.
    fn after(span: model::time::Span) -> Instant {
        Instant::START + span
    }

    /// A schedule open on every day with the same hours.
    fn daily(from: u16, to: u16) -> WeeklySchedule {
        WeeklySchedule::new(std::array::from_fn(|_| vec![(from, to)]))
    }

    /// Virtual time of an instant written with its zone, e.g. `2026-03-08T03:00-04:00[America/New_York]`.
    fn at(e: Epoch, zoned: &str) -> Instant {
        let z: jiff::ZonedDateTime = zoned.parse().unwrap();
        e.instant(z.timestamp())
    }

    fn window(s: &WeeklySchedule, zone: &str, e: Epoch, from: &str) -> (Instant, Instant) {
        let tz = TimeZone::get(zone).unwrap();
        let (start, end) = window_after(Some(s), &tz, e, at(e, from)).unwrap();
        (start, end.expect("a weekly window ends"))
    }

    #[test]
    fn a_range_starting_inside_the_spring_gap_opens_at_the_first_reading_after_it() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-03-07T12:00", &ny);
        let w = window(
            &daily(2 * 60 + 15, 4 * 60),
            "America/New_York",
            e,
            "2026-03-08T00:00-05:00[America/New_York]",
        );
        assert_eq!(
            w.0,
            at(e, "2026-03-08T03:00-04:00[America/New_York]"),
            "not 03:15"
        );
        assert_eq!(w.1, at(e, "2026-03-08T04:00-04:00[America/New_York]"));
    }

    #[test]
    fn a_weekly_range_lost_to_the_gap_opens_a_week_later() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let mut days: [Vec<Range>; 7] = Default::default();
        days[6].push((2 * 60, 3 * 60)); // Sunday 02:00-03:00
        let e = epoch("2026-03-07T12:00", &ny);
        let w = window(
            &WeeklySchedule::new(days),
            "America/New_York",
            e,
            "2026-03-07T12:00-05:00[America/New_York]",
        );
        assert_eq!(w.0, at(e, "2026-03-15T02:00-04:00[America/New_York]"));
        assert_eq!(w.1 - w.0, HOUR);
    }

    #[test]
    fn the_repeated_hour_after_fall_back_is_closed_where_the_range_does_not_cover_its_reading() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-10-31T12:00", &ny);
        let s = daily(90, 3 * 60); // 01:30-03:00
        let first = window(
            &s,
            "America/New_York",
            e,
            "2026-11-01T00:00-04:00[America/New_York]",
        );
        assert_eq!(
            first,
            (
                at(e, "2026-11-01T01:30-04:00[America/New_York]"),
                at(e, "2026-11-01T01:00-05:00[America/New_York]")
            )
        );
        // 01:00-01:29 read a second time is outside 01:30-03:00: closed until 01:30 comes again.
        let second = window(
            &s,
            "America/New_York",
            e,
            "2026-11-01T01:00-05:00[America/New_York]",
        );
        assert_eq!(
            second,
            (
                at(e, "2026-11-01T01:30-05:00[America/New_York]"),
                at(e, "2026-11-01T03:00-05:00[America/New_York]")
            )
        );
    }

    #[test]
    fn a_reading_that_occurs_twice_is_open_twice() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-10-31T12:00", &ny);
        let s = daily(30, 90); // 00:30-01:30
        let first = window(
            &s,
            "America/New_York",
            e,
            "2026-11-01T00:00-04:00[America/New_York]",
        );
        assert_eq!(
            first,
            (
                at(e, "2026-11-01T00:30-04:00[America/New_York]"),
                at(e, "2026-11-01T01:30-04:00[America/New_York]")
            )
        );
        let again = window(
            &s,
            "America/New_York",
            e,
            "2026-11-01T01:30-04:00[America/New_York]",
        );
        assert_eq!(
            again,
            (
                at(e, "2026-11-01T01:00-05:00[America/New_York]"),
                at(e, "2026-11-01T01:30-05:00[America/New_York]")
            )
        );
    }

    #[test]
    fn a_range_at_midnight_is_closed_on_a_day_whose_midnight_is_skipped() {
        // Chile moves its clocks from 00:00 to 01:00 on Sunday 6 September 2026.
        let santiago = TimeZone::get("America/Santiago").unwrap();
        let e = epoch("2026-09-05T12:00", &santiago);
        let w = window(
            &daily(0, 30),
            "America/Santiago",
            e,
            "2026-09-05T12:00-04:00[America/Santiago]",
        );
        assert_eq!(w.0, at(e, "2026-09-07T00:00-03:00[America/Santiago]"));
    }

    #[test]
    fn a_half_hour_daylight_saving_shift_keeps_readings() {
        // Lord Howe Island moves from 02:00 to 02:30 on Sunday 4 October 2026.
        let lh = TimeZone::get("Australia/Lord_Howe").unwrap();
        let e = epoch("2026-10-03T12:00", &lh);
        let inside = window(
            &daily(2 * 60, 2 * 60 + 20),
            "Australia/Lord_Howe",
            e,
            "2026-10-04T00:00+10:30[Australia/Lord_Howe]",
        );
        assert_eq!(
            inside.0,
            at(e, "2026-10-05T02:00+11:00[Australia/Lord_Howe]"),
            "02:00-02:20 does not exist that day"
        );
        let across = window(
            &daily(2 * 60 + 10, 3 * 60),
            "Australia/Lord_Howe",
            e,
            "2026-10-04T00:00+10:30[Australia/Lord_Howe]",
        );
        assert_eq!(
            across,
            (
                at(e, "2026-10-04T02:30+11:00[Australia/Lord_Howe]"),
                at(e, "2026-10-04T03:00+11:00[Australia/Lord_Howe]")
            )
        );
    }
}
