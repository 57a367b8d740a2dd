//! The company's clock: virtual time as the people who run the campaigns read it, in the
//! company's time zone. Every report, table and finding shows times through it, so one instant
//! reads the same in `summary.json`, the charts, `timeseries.csv`, `validate` and `check`.
//! Recipients' own clocks are another matter: the engine and the auditor read those.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::time::{Epoch, Instant};

#[derive(Debug, Clone)]
pub struct CompanyClock {
    zone: TimeZone,
    epoch: Epoch,
}

impl CompanyClock {
    /// The clock of `zone`, for a run whose start stands for `epoch`.
    pub fn new(zone: TimeZone, epoch: Epoch) -> Self {
        CompanyClock { zone, epoch }
    }

    /// What the clock reads at `t`.
    pub fn reading(&self, t: Instant) -> DateTime {
        self.zone.to_datetime(self.epoch.timestamp(t))
    }

    /// `2026-12-01T09:00:07`: first and last sends in `summary.json`.
    pub fn datetime_seconds(&self, t: Instant) -> String {
        self.reading(t).strftime("%Y-%m-%dT%H:%M:%S").to_string()
    }

    /// `2026-12-01 09:00:07.250`: where `check` found a breach, to the millisecond, since
    /// breaches of a 60 s window are a few milliseconds apart.
    pub fn datetime_millis(&self, t: Instant) -> String {
        self.reading(t)
            .strftime("%Y-%m-%d %H:%M:%S%.3f")
            .to_string()
    }

    /// `2026-12-01T09:00-05:00`: rows of `timeseries.csv`. The UTC offset tells apart the two
    /// hours that read alike when daylight saving ends.
    pub fn datetime_offset(&self, t: Instant) -> String {
        let ts = self.epoch.timestamp(t);
        let offset = self.zone.to_offset(ts);
        let secs = offset.seconds();
        let sign = if secs < 0 { '-' } else { '+' };
        let (h, m) = (secs.abs() / 3600, secs.abs() / 60 % 60);
        let local = offset.to_datetime(ts).strftime("%Y-%m-%dT%H:%M");
        format!("{local}{sign}{h:02}:{m:02}")
    }

    /// `Tue 09:00`: labels of a time axis, where a planner looks for the day and the hour.
    pub fn weekday_time(&self, t: Instant) -> String {
        self.reading(t).strftime("%a %H:%M").to_string()
    }

    /// `12-01 09:00`: first and last sends in the console tables, which have little room.
    pub fn month_day_time(&self, t: Instant) -> String {
        self.reading(t).strftime("%m-%d %H:%M").to_string()
    }

    /// `2026-12-01T09:00`: a reading to the minute, such as where a threshold's worst interval
    /// starts. Intervals are taken on readings, not instants (the hour the clock repeats is one
    /// interval), so this formats a reading.
    pub fn datetime_minutes(reading: DateTime) -> String {
        format!(
            "{}T{:02}:{:02}",
            reading.date(),
            reading.hour(),
            reading.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    fn new_york_from(start: &str) -> CompanyClock {
        let zone = TimeZone::get("America/New_York").unwrap();
        let start: DateTime = start.parse().unwrap();
        CompanyClock::new(zone.clone(), Epoch(zone.to_timestamp(start).unwrap()))
    }

    #[test]
    fn each_format_reads_the_company_clock() {
        let clock = new_york_from("2026-12-01T09:00");
        let t = Instant::from_millis(7_250);
        assert_eq!(clock.datetime_seconds(t), "2026-12-01T09:00:07");
        assert_eq!(clock.datetime_millis(t), "2026-12-01 09:00:07.250");
        assert_eq!(clock.datetime_offset(t), "2026-12-01T09:00-05:00");
        assert_eq!(clock.weekday_time(t), "Tue 09:00");
        assert_eq!(clock.month_day_time(t), "12-01 09:00");
        assert_eq!(
            CompanyClock::datetime_minutes(clock.reading(t)),
            "2026-12-01T09:00"
        );
    }

    #[test]
    fn the_hour_repeated_when_daylight_saving_ends_reads_apart_only_by_its_offset() {
        let clock = new_york_from("2026-11-01T01:30");
        let (first, second) = (Instant::START, Instant::START + HOUR);
        assert_eq!(clock.reading(first), clock.reading(second));
        assert_eq!(clock.datetime_offset(first), "2026-11-01T01:30-04:00");
        assert_eq!(clock.datetime_offset(second), "2026-11-01T01:30-05:00");
    }
}
