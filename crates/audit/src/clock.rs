//! The recipient's wall clock, read the auditor's own way: an instant is inside a schedule when the
//! local reading at that instant falls in a range of that local day. Written apart from the
//! engine's window arithmetic, so the two can disagree, and a disagreement is found.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, MINUTE, Millis};

/// Whether a recipient in `tz` may be sent at virtual time `t`. No schedule: always.
pub fn is_open(schedule: Option<&WeeklySchedule>, tz: &TimeZone, epoch: Epoch, t: Millis) -> bool {
    let Some(schedule) = schedule else {
        return true;
    };
    let local = tz.to_datetime(epoch.timestamp(t));
    let weekday = local.weekday().to_monday_zero_offset() as usize;
    let ms_of_day = ((u64::from(local.hour() as u8) * 60 + local.minute() as u64) * 60
        + local.second() as u64)
        * 1000
        + local.millisecond() as u64;
    schedule
        .ranges(weekday)
        .iter()
        .any(|&(s, e)| u64::from(s) * MINUTE <= ms_of_day && ms_of_day < u64::from(e) * MINUTE)
}

/// Instants worth reading in `[from, to)`: `from` itself, then every whole UTC minute. Schedule
/// ranges are whole local minutes and every time zone in use is a whole number of minutes off
/// UTC, so a schedule opens or closes only on such an instant.
pub fn minutes(epoch: Epoch, from: Millis, to: Millis) -> impl Iterator<Item = Millis> {
    let absolute = epoch.0.as_millisecond();
    let to_minute = |t: Millis| {
        let abs = absolute.saturating_add(t as i64);
        let next = abs.div_euclid(MINUTE as i64).saturating_add(1) * MINUTE as i64;
        (next - absolute) as Millis
    };
    let first_minute = to_minute(from);
    std::iter::once(from)
        .chain((0..).map(move |k: u64| first_minute.saturating_add(k * MINUTE)))
        .take_while(move |&t| t < to)
}

/// Shown in findings: the recipient's own clock at `t`.
pub fn local_reading(tz: &TimeZone, epoch: Epoch, t: Millis) -> String {
    let ts: Timestamp = epoch.timestamp(t);
    tz.to_datetime(ts).strftime("%Y-%m-%d %H:%M:%S").to_string()
}
