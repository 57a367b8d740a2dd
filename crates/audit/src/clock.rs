//! The recipient's wall clock, read the auditor's own way: an instant is inside a schedule when the
//! local reading at that instant falls in a range of that local day. Written apart from the
//! engine's window arithmetic, so the two can disagree, and a disagreement is found.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, MINUTE, Span};

/// Whether a recipient in `tz` may be sent at virtual time `t`. No schedule: always.
pub fn is_open(schedule: Option<&WeeklySchedule>, tz: &TimeZone, epoch: Epoch, t: Instant) -> bool {
    let Some(schedule) = schedule else {
        return true;
    };
    let local = tz.to_datetime(epoch.timestamp(t));
    let weekday = usize::from(local.weekday().to_monday_zero_offset().unsigned_abs());
    let seconds = (u64::from(local.hour().unsigned_abs()) * 60
        + u64::from(local.minute().unsigned_abs()))
        * 60
        + u64::from(local.second().unsigned_abs());
    let of_day = Span::from_millis(seconds * 1000 + u64::from(local.millisecond().unsigned_abs()));
    schedule
        .ranges(weekday)
        .iter()
        .any(|&(s, e)| u64::from(s) * MINUTE <= of_day && of_day < u64::from(e) * MINUTE)
}

/// Instants worth reading in `[from, to)`: `from` itself, then every whole UTC minute. Schedule
/// ranges are whole local minutes and every time zone in use is a whole number of minutes off
/// UTC, so a schedule opens or closes only on such an instant.
pub fn minutes(epoch: Epoch, from: Instant, to: Instant) -> impl Iterator<Item = Instant> {
    let first_minute = next_whole_minute(epoch, from);
    std::iter::once(from)
        .chain(std::iter::successors(first_minute, |t| {
            t.checked_add(MINUTE)
        }))
        .take_while(move |&t| t < to)
}

/// The first whole UTC minute after `t` (strictly), in virtual time; `None` past the end of time.
fn next_whole_minute(epoch: Epoch, t: Instant) -> Option<Instant> {
    let absolute = epoch.0.as_millisecond();
    let minute = i64::try_from(MINUTE.as_millis()).ok()?;
    let abs = absolute.saturating_add(i64::try_from(t.as_millis()).unwrap_or(i64::MAX));
    let next = abs
        .div_euclid(minute)
        .saturating_add(1)
        .saturating_mul(minute);
    u64::try_from(next.saturating_sub(absolute))
        .ok()
        .map(Instant::from_millis)
}

/// Shown in findings: the recipient's own clock at `t`.
pub fn local_reading(tz: &TimeZone, epoch: Epoch, t: Instant) -> String {
    let ts: Timestamp = epoch.timestamp(t);
    tz.to_datetime(ts).strftime("%Y-%m-%d %H:%M:%S").to_string()
}
