//! The platform's rules a scenario sets: send-limit windows, pacing, opt-out scope and duplicates.

use crate::time::Span;

/// At most `max` sends in any half-open interval `[t, t + per)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub max: u32,
    pub per: Span,
}

/// The platform's fixed limit: 8 per minute and 40 per 5 minutes (480 per hour).
pub const PLATFORM_WINDOWS: [Window; 2] = [
    Window {
        max: 8,
        per: Span::from_millis(60_000),
    },
    Window {
        max: 40,
        per: Span::from_millis(300_000),
    },
];

/// How sends are placed inside what the windows allow; every pacing keeps the windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pacing {
    /// Send as soon as the windows allow (bursts of 8 at the top of each minute).
    #[default]
    Eager,
    /// Never closer than the tightest window's average spacing (7.5 s for the platform limit).
    Even,
    /// Also respect fixed buckets aligned to the start of the simulation.
    PerWindow,
}

/// Who an opt-out silences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every number of the company (the platform's word).
    #[default]
    Company,
    /// Only the number the customer replied to (the carrier's own block).
    SenderNumber,
}

/// A phone listed twice in one outreach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Duplicates {
    #[default]
    SendOnce,
    SendPerRow,
}
