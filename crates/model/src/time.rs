//! Virtual time: instants counted in integer milliseconds from the run's start, spans between
//! them, and the way back to wall time.
//!
//! Integers, so equal times compare equal on every machine. Two types, so an instant cannot be
//! added to an instant nor a span mistaken for a time of day. Arithmetic that can leave the range
//! says so: `checked_*` answers `None`, `saturating_*` stops at the end of time, and the plain
//! operators panic (as std's do) where a wrap would otherwise turn a late time into an early one.

use std::fmt;
use std::ops::{Add, Mul, Sub};

use jiff::Timestamp;

/// A length of virtual time, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(u64);

/// A point of virtual time: milliseconds since the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

pub const SECOND: Span = Span(1_000);
pub const MINUTE: Span = Span(60 * SECOND.0);
pub const HOUR: Span = Span(60 * MINUTE.0);
pub const DAY: Span = Span(24 * HOUR.0);

/// The longest run there is: a horizon can ask for at most this, a run without one stops here,
/// and no random draw of a duration is longer. So virtual time stays far from the end of its
/// range, and per-minute series stay within memory (10 years take about 400 MB).
pub const MAX_RUN: Span = Span(20 * 366 * DAY.0);

impl Span {
    pub const ZERO: Span = Span(0);

    pub const fn from_millis(ms: u64) -> Span {
        Span(ms)
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn checked_add(self, other: Span) -> Option<Span> {
        self.0.checked_add(other.0).map(Span)
    }

    pub fn saturating_add(self, other: Span) -> Span {
        Span(self.0.saturating_add(other.0))
    }

    pub fn checked_mul(self, n: u64) -> Option<Span> {
        self.0.checked_mul(n).map(Span)
    }

    /// How many whole `unit`s fit in this span (`unit` must not be zero).
    pub fn div_floor(self, unit: Span) -> u64 {
        self.0 / unit.0
    }
}

impl Instant {
    /// The run's start.
    pub const START: Instant = Instant(0);
    /// The end of virtual time: nothing is ever scheduled this late in a run bounded by
    /// [`MAX_RUN`]; saturating arithmetic stops here.
    pub const END: Instant = Instant(u64::MAX);

    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms)
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The span from the start to this instant.
    pub const fn since_start(self) -> Span {
        Span(self.0)
    }

    pub fn checked_add(self, span: Span) -> Option<Instant> {
        self.0.checked_add(span.0).map(Instant)
    }

    pub fn saturating_add(self, span: Span) -> Instant {
        Instant(self.0.saturating_add(span.0))
    }

    /// The span back to `earlier`, or `None` when `earlier` is in fact later.
    pub fn checked_since(self, earlier: Instant) -> Option<Span> {
        self.0.checked_sub(earlier.0).map(Span)
    }

    /// The span back to `earlier`, zero when `earlier` is in fact later.
    pub fn saturating_since(self, earlier: Instant) -> Span {
        Span(self.0.saturating_sub(earlier.0))
    }

    pub fn checked_sub(self, span: Span) -> Option<Instant> {
        self.0.checked_sub(span.0).map(Instant)
    }

    pub fn saturating_sub(self, span: Span) -> Instant {
        Instant(self.0.saturating_sub(span.0))
    }

    /// The start of the `unit`-long bucket holding this instant, counted from the start.
    pub fn bucket(self, unit: Span) -> u64 {
        self.0 / unit.0
    }
}

impl Add<Span> for Instant {
    type Output = Instant;
    fn add(self, span: Span) -> Instant {
        self.checked_add(span).expect("virtual time past its end")
    }
}

impl Sub<Instant> for Instant {
    type Output = Span;
    fn sub(self, earlier: Instant) -> Span {
        self.checked_since(earlier)
            .expect("span to a later instant")
    }
}

impl Add for Span {
    type Output = Span;
    fn add(self, other: Span) -> Span {
        self.checked_add(other).expect("span past the end of time")
    }
}

impl Sub for Span {
    type Output = Span;
    fn sub(self, other: Span) -> Span {
        Span(self.0.checked_sub(other.0).expect("negative span"))
    }
}

impl Mul<Span> for u64 {
    type Output = Span;
    fn mul(self, span: Span) -> Span {
        span.checked_mul(self).expect("span past the end of time")
    }
}

impl fmt::Display for Instant {
    /// `t=1234 ms`: the virtual time as traces write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={} ms", self.0)
    }
}

/// The wall-clock instant that the run's start stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(pub Timestamp);

impl Epoch {
    pub fn timestamp(self, t: Instant) -> Timestamp {
        // Scenarios are validated to fit in jiff's range, which spans thousands of years.
        let t = i64::try_from(t.0).unwrap_or(i64::MAX);
        Timestamp::from_millisecond(self.0.as_millisecond().saturating_add(t))
            .unwrap_or(Timestamp::MAX)
    }

    /// The virtual time of `ts`; instants before the start map to the start.
    pub fn instant(self, ts: Timestamp) -> Instant {
        let ms = ts.as_millisecond().saturating_sub(self.0.as_millisecond());
        Instant(u64::try_from(ms).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_that_would_wrap_says_so() {
        let late = Instant::END.saturating_sub(SECOND);
        assert_eq!(late.checked_add(HOUR), None);
        assert_eq!(late.saturating_add(HOUR), Instant::END);
        assert_eq!(Instant::START.checked_since(late), None);
        assert_eq!(Instant::START.saturating_since(late), Span::ZERO);
        assert_eq!(
            Instant::from_millis(5) - Instant::from_millis(2),
            Span::from_millis(3)
        );
        assert_eq!(2 * HOUR, Span::from_millis(7_200_000));
    }

    #[test]
    #[should_panic(expected = "span to a later instant")]
    fn an_instant_minus_a_later_one_panics_rather_than_wrapping() {
        let _ = Instant::START - Instant::from_millis(1);
    }
}
