//! Weekly send schedules, evaluated in each recipient's own time zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::time::{Epoch, Millis};

/// Minutes since local midnight, `start < end <= 1440`.
pub type Range = (u16, u16);

/// Send hours per weekday (Monday first). A day without ranges is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklySchedule {
    days: [Vec<Range>; 7],
}

impl WeeklySchedule {
    /// `days[0]` is Monday. Ranges are sorted and merged here so lookups can stop early.
    pub fn new(mut days: [Vec<Range>; 7]) -> Self {
        for day in &mut days {
            day.sort_unstable();
            let mut merged: Vec<Range> = Vec::with_capacity(day.len());
            for &(s, e) in day.iter() {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *day = merged;
        }
        WeeklySchedule { days }
    }

    /// Ranges of a weekday, `0` = Monday.
    pub fn ranges(&self, monday_zero: usize) -> &[Range] {
        &self.days[monday_zero]
    }

    pub fn is_never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// The first send window `[start, end)` (virtual time) whose end is after `at`, for a recipient in
/// `tz`; `start` may be before `at` when the window is open at `at`. `None` schedule: always open.
pub fn window_after(
    schedule: Option<&WeeklySchedule>,
    tz: &TimeZone,
    epoch: Epoch,
    at: Millis,
) -> Option<(Millis, Millis)> {
    let Some(schedule) = schedule else {
        return Some((0, Millis::MAX));
    };
    if schedule.is_never_open() {
        return None;
    }
    let local_today = tz.to_datetime(epoch.timestamp(at)).date();
    // A week and a day always reaches the next open day, whatever the daylight-saving shifts.
    let mut day = local_today;
    for _ in 0..9 {
        let weekday = day.weekday().to_monday_zero_offset() as usize;
        for &(s, e) in schedule.ranges(weekday) {
            let start = local_instant(tz, epoch, day, s);
            let end = local_instant(tz, epoch, day, e);
            if end > at && end > start {
                return Some((start, end));
            }
        }
        day = day.tomorrow().ok()?;
    }
    None
}

/// Virtual time of `minute` minutes after local midnight of `day`. Times skipped or repeated by a
/// daylight-saving change resolve the "compatible" way (as calendars do: later for a gap).
fn local_instant(tz: &TimeZone, epoch: Epoch, day: Date, minute: u16) -> Millis {
    let (day, minute) = if minute >= 1440 {
        (day.tomorrow().unwrap_or(day), minute - 1440)
    } else {
        (day, minute)
    };
    let civil = day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
    match tz.to_ambiguous_timestamp(civil).compatible() {
        Ok(ts) => epoch.millis(ts),
        Err(_) => Millis::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

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
        let w = window_after(Some(&weekdays_9_to_17()), &ny, e, 0).unwrap();
        assert_eq!(w, (HOUR, 9 * HOUR));
    }

    #[test]
    fn friday_evening_rolls_over_to_monday_morning() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let e = epoch("2026-12-04T18:00", &ny); // a Friday
        let (start, _) = window_after(Some(&weekdays_9_to_17()), &ny, e, 0).unwrap();
        assert_eq!(start, (24 + 24 + 15) * HOUR);
    }

    #[test]
    fn the_window_follows_the_recipient_zone() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let la = TimeZone::get("America/Los_Angeles").unwrap();
        let e = epoch("2026-12-01T09:00", &ny);
        let (start, end) = window_after(Some(&weekdays_9_to_17()), &la, e, 0).unwrap();
        assert_eq!((start, end), (3 * HOUR, 11 * HOUR));
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
            window_after(Some(&WeeklySchedule::new(days)), &ny, e, 9 * HOUR).unwrap();
        assert_eq!(
            start,
            23 * HOUR,
            "only 23 hours pass between 09:00 and 09:00 across the change"
        );
        assert_eq!(end - start, 8 * HOUR);
    }
}
