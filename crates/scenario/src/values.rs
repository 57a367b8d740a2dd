//! The scalar kinds of the scenario file: durations, date-times, time zones, distributions,
//! schedules. Each checks itself while it is read, so a bad value is reported at its own line.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::fmt::temporal::{Pieces, TimeZoneAnnotationKind};
use jiff::tz::{AmbiguousOffset, TimeZone};
use serde::Deserialize;

use model::schedule::{DAY_MINUTES, Range, WeeklySchedule};
use model::time::{DAY, Span};

/// `x >= 0` and finite (so NaN and infinities are rejected).
pub fn non_negative(x: f64) -> bool {
    x >= 0.0 && x.is_finite()
}

/// A share from 0 to 1, written as a number (`0.9`) or a percentage (`"90%"`), as `size --target`
/// and `[[expect]]` thresholds take it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

impl Share {
    /// `share` as read from `written`; a number above 1 may be a percentage without its `%`.
    fn checked(share: f64, written: &str, percent: bool) -> Result<Share, String> {
        if !share.is_finite() {
            return Err(format!(
                "expected a share like 0.9 or \"90%\", found {written}"
            ));
        }
        if share < 0.0 {
            return Err(format!("a share is 0% or more, found {written}"));
        }
        if share > 1.0 {
            let hint = if percent || share > 100.0 {
                String::new()
            } else {
                format!(": {share}% is written {} or \"{share}%\"", share / 100.0)
            };
            return Err(format!(
                "a share is at most 100% (1), found {written}{hint}"
            ));
        }
        Ok(Share(share))
    }

    fn parse(text: &str) -> Result<Share, String> {
        let written = format!("{text:?}");
        let percent = text
            .trim()
            .strip_suffix('%')
            .and_then(|p| p.trim().parse::<f64>().ok())
            .ok_or_else(|| format!("expected a share like 0.9 or \"90%\", found {written}"))?;
        Share::checked(percent / 100.0, &written, true)
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Share;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a share like 0.9 or \"90%\"")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Share, E> {
                Share::checked(v, &v.to_string(), false).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Share, E> {
                Share::checked(v as f64, &v.to_string(), false).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Share, E> {
                Share::checked(v as f64, &v.to_string(), false).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Share, E> {
                Share::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A span of time written as `"90s"`, `"5m"`, `"2h30m"` or `"1d"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub Span);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration in quotes like \"90s\", \"5m\", \"2h30m\" or \"1d\"")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Duration, E> {
                parse_duration(s).map(Duration).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// The longest time a scenario may write, as a duration or in a distribution of times. A year is
/// longer than any campaign, reply, handling time or window a planner means, and it keeps sums of
/// virtual times far from the end of the millisecond clock.
pub const MAX_TIME: Span = Span::from_millis(366 * DAY.as_millis());

pub fn parse_duration(s: &str) -> Result<Span, String> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| {
        format!("expected a duration like \"90s\", \"5m\", \"2h30m\" or \"1d\", found {s:?} ({e})")
    })?;
    match u64::try_from(d.as_millis()).map(Span::from_millis) {
        Ok(span) if span <= MAX_TIME => Ok(span),
        _ => Err(format!(
            "{s:?} is longer than 366 days, the longest time a scenario takes"
        )),
    }
}

/// A date-time: a reading of the company's wall clock (`"2026-12-01T09:00"`), of a named zone's
/// (`"2026-12-01T09:00[Europe/London]"`), or an instant given with its UTC offset
/// (`"2026-12-01T09:00-05:00"`).
///
/// A reading the wall clock skips (the hour it jumps over when daylight saving starts) is an
/// error. A reading it shows twice (the hour it repeats when daylight saving ends) is its first
/// occurrence, the earlier instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateTimeValue {
    /// On the company clock, which is only known once the whole file is read.
    Local(DateTime),
    Instant(Timestamp),
}

const DATE_TIME_FORMS: &str = "\"2026-12-01T09:00\" (company time zone), \"2026-12-01T09:00[America/Chicago]\" (a named time zone) or \"2026-12-01T09:00-06:00\" (a UTC offset); seconds are optional";

impl DateTimeValue {
    pub fn resolve(&self, company: &Zone) -> Result<Timestamp, String> {
        match self {
            DateTimeValue::Instant(ts) => Ok(*ts),
            DateTimeValue::Local(dt) => company.instant(*dt),
        }
    }

    fn parse(s: &str) -> Result<DateTimeValue, String> {
        let malformed = || format!("{s:?} is not a date-time: write {DATE_TIME_FORMS}");
        let pieces = Pieces::parse(s).map_err(|_| malformed())?;
        let Some(time) = pieces.time() else {
            // Read as midnight, a date alone would silently cut a day short when meant as an end.
            let date = pieces.date().to_string();
            let fix = match s.strip_prefix(date.as_str()) {
                Some(rest) => format!("{date}T00:00{rest}"),
                None => format!("{date}T00:00"),
            };
            return Err(format!(
                "{s:?} is a date without a time: write {fix:?} for midnight, or the time you mean"
            ));
        };
        let dt = pieces.date().to_datetime(time);
        if pieces.offset().is_some() {
            // The offset fixes the instant; a zone named beside it must agree with it.
            let instant = if pieces.time_zone_annotation().is_some() {
                s.parse::<jiff::ZonedDateTime>().map(|z| z.timestamp())
            } else {
                s.parse::<Timestamp>()
            };
            return instant
                .map(DateTimeValue::Instant)
                .map_err(|e| format!("{}: {e}", malformed()));
        }
        match pieces.time_zone_annotation().map(|a| a.kind()) {
            None => Ok(DateTimeValue::Local(dt)),
            Some(TimeZoneAnnotationKind::Named(name)) => Zone::get(name.as_str())?
                .instant(dt)
                .map(DateTimeValue::Instant),
            // A bracketed offset, `[-05:00]`: a clock without jumps.
            Some(_) => pieces
                .to_time_zone()
                .ok()
                .flatten()
                .and_then(|tz| tz.to_ambiguous_timestamp(dt).earlier().ok())
                .map(DateTimeValue::Instant)
                .ok_or_else(malformed),
        }
    }
}

impl<'de> Deserialize<'de> for DateTimeValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DateTimeValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a date-time in quotes: {DATE_TIME_FORMS}")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DateTimeValue, E> {
                DateTimeValue::parse(s).map_err(E::custom)
            }
            /// TOML's own date-times (unquoted) arrive as a one-entry table.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<DateTimeValue, A::Error> {
                let message = match map.next_entry::<String, String>() {
                    Ok(Some((_, written))) => match DateTimeValue::parse(&written) {
                        Err(e) => e,
                        Ok(_) => format!("write the date-time in quotes: \"{written}\""),
                    },
                    _ => format!("write the date-time in quotes: {DATE_TIME_FORMS}"),
                };
                Err(serde::de::Error::custom(message))
            }
        }
        d.deserialize_str(V)
    }
}

/// An IANA time zone name, looked up in the database compiled into the binary.
#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub tz: TimeZone,
}

impl Zone {
    pub fn get(name: &str) -> Result<Zone, String> {
        TimeZone::get(name)
            .map(|tz| Zone {
                name: name.to_string(),
                tz,
            })
            .map_err(|_| {
                format!(
                    "unknown time zone {name:?}: expected an IANA name like \"America/New_York\""
                )
            })
    }
}

impl Zone {
    /// The instant this zone's wall clock reads `dt`: see [`DateTimeValue`] for the readings
    /// it skips or repeats.
    pub fn instant(&self, dt: DateTime) -> Result<Timestamp, String> {
        let ambiguous = self.tz.to_ambiguous_timestamp(dt);
        if let AmbiguousOffset::Gap { before, after } = ambiguous.offset() {
            // Read with the later offset, `dt` falls just before the jump.
            let jump = after
                .to_timestamp(dt)
                .ok()
                .and_then(|t| self.tz.following(t).next())
                .map(|transition| transition.timestamp());
            let Some(jump) = jump else {
                return Err(format!("{} does not exist in {}", reading(dt), self.name));
            };
            let (from, to) = (before.to_datetime(jump), after.to_datetime(jump));
            let jump = if from.date() == dt.date() && to.date() == dt.date() {
                format!(
                    "{} to {} that day",
                    from.strftime("%H:%M"),
                    to.strftime("%H:%M")
                )
            } else {
                format!("{} to {}", reading(from), reading(to))
            };
            return Err(format!(
                "{} does not exist in {}: clocks jump from {jump}",
                reading(dt),
                self.name,
            ));
        }
        ambiguous
            .earlier()
            .map_err(|e| format!("{} cannot be placed in {}: {e}", reading(dt), self.name))
    }
}

/// `dt` as the scenario writes it: seconds only when there are some.
fn reading(dt: DateTime) -> String {
    if dt.second() == 0 && dt.subsec_nanosecond() == 0 {
        dt.strftime("%Y-%m-%dT%H:%M").to_string()
    } else {
        dt.to_string()
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Zone::get(&s).map_err(serde::de::Error::custom)
    }
}

/// Send hours per weekday: `{ mon-fri = "09:00-17:00", sat = "10:00-14:00", sun = "closed" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BTreeMap<String, String>")]
pub struct Schedule(pub WeeklySchedule);

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl TryFrom<BTreeMap<String, String>> for Schedule {
    type Error = String;
    fn try_from(map: BTreeMap<String, String>) -> Result<Schedule, String> {
        let mut days: [Vec<Range>; 7] = Default::default();
        let mut named = [false; 7];
        for (key, hours) in &map {
            let ranges = parse_hours(hours).map_err(|e| format!("`{key}`: {e}"))?;
            for d in parse_days(key)? {
                if named[d] {
                    return Err(format!("{} is named twice in the schedule", DAYS[d]));
                }
                named[d] = true;
                days[d] = ranges.clone();
            }
        }
        let schedule = WeeklySchedule::new(days);
        if schedule.is_never_open() {
            return Err("the schedule never opens: name at least one day with send hours".into());
        }
        Ok(Schedule(schedule))
    }
}

/// A day key, `"mon-fri"`, `"sat"` or `"daily"`: the weekdays it names, `0` = Monday.
pub fn parse_days(key: &str) -> Result<Vec<usize>, String> {
    let day = |s: &str| {
        DAYS.iter().position(|d| *d == s).ok_or_else(|| {
            format!("unknown day {s:?}: expected mon..sun, a range like \"mon-fri\", or \"daily\"")
        })
    };
    if key == "daily" {
        return Ok((0..7).collect());
    }
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (day(a)?, day(b)?);
            if a > b {
                return Err(format!("day range {key:?} runs backwards"));
            }
            Ok((a..=b).collect())
        }
        None => Ok(vec![day(key)?]),
    }
}

fn parse_hours(s: &str) -> Result<Vec<Range>, String> {
    if s.trim().eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    s.split(',').map(parse_range).collect()
}

/// `"09:00-17:00"` as minutes since midnight (end up to `24:00`).
pub fn parse_range(part: &str) -> Result<Range, String> {
    let (start, end) = parse_clocks(part)?;
    if start >= end {
        return Err(format!("{part:?} ends before it starts"));
    }
    Ok((start, end))
}

/// A shift group's `hours`: ranges like `"08:00-16:00"`, comma-separated. A range that ends at or
/// before its start, `"22:00-06:00"`, is a night shift (see [`WeeklySchedule::shift`]).
pub fn parse_shift_hours(s: &str) -> Result<Vec<(u16, u16)>, String> {
    if s.trim().eq_ignore_ascii_case("closed") {
        return Err("a shift needs working hours like \"08:00-16:00\", not \"closed\"".into());
    }
    s.split(',').map(parse_shift_range).collect()
}

fn parse_shift_range(part: &str) -> Result<(u16, u16), String> {
    let (start, end) = parse_clocks(part)?;
    if start == end {
        // Read as a night shift it would last a whole day, from any hour: more likely a typo
        // than a 24-hour shift, and agents on all the time are what "00:00-24:00" says.
        return Err(format!(
            "{part:?} ends when it starts: a shift runs from its start to an end within 24 hours \
             (for agents on all day, write \"00:00-24:00\")"
        ));
    }
    if start == DAY_MINUTES {
        return Err(format!(
            "{part:?} starts at the end of the day: write it from 00:00 on the next day"
        ));
    }
    Ok((start, end))
}

/// The two clock times of `"HH:MM-HH:MM"`, in minutes since midnight.
fn parse_clocks(part: &str) -> Result<(u16, u16), String> {
    let (a, b) = part
        .trim()
        .split_once('-')
        .ok_or_else(|| format!("expected \"HH:MM-HH:MM\" or \"closed\", found {part:?}"))?;
    Ok((parse_clock(a)?, parse_clock(b)?))
}

fn parse_clock(s: &str) -> Result<u16, String> {
    let bad = || format!("expected a clock time HH:MM (00:00 to 24:00), found {s:?}");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_spec_forms() {
        assert_eq!(parse_duration("90s"), Ok(Span::from_millis(90_000)));
        assert_eq!(parse_duration("5m"), Ok(Span::from_millis(300_000)));
        assert_eq!(parse_duration("2h30m"), Ok(Span::from_millis(9_000_000)));
        assert_eq!(parse_duration("1d"), Ok(Span::from_millis(86_400_000)));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn schedules_with_ranges_and_closed_days() {
        let map = BTreeMap::from([
            (
                "mon-fri".to_string(),
                "09:00-12:00, 13:00-17:00".to_string(),
            ),
            ("sat".to_string(), "closed".to_string()),
        ]);
        let s = Schedule::try_from(map).unwrap().0;
        assert_eq!(s.ranges(0), &[(540, 720), (780, 1020)]);
        assert!(s.ranges(5).is_empty());
        assert!(s.ranges(6).is_empty(), "a day not named is closed");
        let bad = BTreeMap::from([("mon".to_string(), "17:00-09:00".to_string())]);
        assert!(Schedule::try_from(bad).is_err());
    }
}
