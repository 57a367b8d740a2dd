//! Virtual time: integer milliseconds since the simulation start, and the way back to wall time.

use jiff::Timestamp;

/// Milliseconds since the simulation start. Integers, so equal times compare equal on every machine.
pub type Millis = u64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// The longest run there is: a horizon can ask for at most this, a run without one stops here,
/// and no random draw of a duration is longer. So virtual time stays far from wrapping, and
/// per-minute series stay within memory (10 years take about 400 MB).
pub const MAX_RUN: Millis = 20 * 366 * DAY;

/// The instant that virtual time 0 stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(pub Timestamp);

impl Epoch {
    pub fn timestamp(self, t: Millis) -> Timestamp {
        // Scenarios are validated to fit in jiff's range, which spans thousands of years.
        let t = i64::try_from(t).unwrap_or(i64::MAX);
        Timestamp::from_millisecond(self.0.as_millisecond().saturating_add(t))
            .unwrap_or(Timestamp::MAX)
    }

    /// Virtual time of `ts`; instants before the start map to 0.
    pub fn millis(self, ts: Timestamp) -> Millis {
        (ts.as_millisecond() - self.0.as_millisecond()).max(0) as Millis
    }
}
