//! The per-campaign send limiter: strict sliding windows ("any 60 s holds at most 8 sends").
//!
//! Only the last `max` send times of the largest window matter, so a ring of them answers
//! "when may the next SMS go?" in O(windows) without looking at any recipient.

use std::collections::VecDeque;

use model::time::{Instant, Span};
use model::{Pacing, Window};

/// What the engine asks of a campaign's send limiter. The platform's rule is [`Limiter`]; the
/// engine is generic over this so tests can put a deliberately wrong one in its place and prove
/// that the auditor, not the limiter's own code, catches it.
pub trait SendLimit {
    /// The earliest instant at or after `now` at which one more send keeps the limits, or `None`
    /// when no send will ever be allowed.
    fn next_allowed(&self, now: Instant) -> Option<Instant>;

    /// Notes a send at `at`, which is not earlier than `next_allowed` said.
    fn record(&mut self, at: Instant);
}

#[derive(Debug, Clone)]
pub struct Limiter {
    windows: Vec<Window>,
    pacing: Pacing,
    /// Send times, oldest first, at most the largest `max` of all windows.
    recent: VecDeque<Instant>,
    depth: usize,
    /// For `Even`: minimum gap between two sends.
    spacing: Span,
}

impl Limiter {
    pub fn new(windows: &[Window], pacing: Pacing) -> Self {
        // At least one, so `Even` pacing always knows the last send.
        let depth = windows
            .iter()
            .map(|w| w.max as usize)
            .max()
            .unwrap_or(0)
            .max(1);
        let spacing = windows
            .iter()
            .map(|w| Span::from_millis(w.per.as_millis().div_ceil(u64::from(w.max.max(1)))))
            .max()
            .unwrap_or(Span::ZERO);
        Limiter {
            windows: windows.to_vec(),
            pacing,
            recent: VecDeque::with_capacity(depth),
            depth,
            spacing,
        }
    }

    /// The first instant at or after `t` where no fixed bucket of any window is full.
    fn next_in_buckets(&self, mut t: Instant) -> Instant {
        // Moving to a later bucket can only lower bucket counts, so a few passes settle.
        loop {
            let before = t;
            for w in &self.windows {
                let bucket_start = Instant::from_millis(t.bucket(w.per) * w.per.as_millis());
                let in_bucket = self.recent.iter().rev().take_while(|&&s| s >= bucket_start);
                if in_bucket.count() >= w.max as usize {
                    t = bucket_start.saturating_add(w.per);
                }
            }
            if t == before {
                return t;
            }
        }
    }
}

impl SendLimit for Limiter {
    fn next_allowed(&self, now: Instant) -> Option<Instant> {
        let mut t = now;
        for w in &self.windows {
            let n = w.max as usize;
            if n == 0 {
                return None;
            }
            if self.recent.len() >= n {
                // The n-th most recent send must have left the window.
                t = t.max(self.recent[self.recent.len() - n].saturating_add(w.per));
            }
        }
        Some(match self.pacing {
            Pacing::Eager => t,
            Pacing::Even => match self.recent.back() {
                Some(&last) => t.max(last.saturating_add(self.spacing)),
                None => t,
            },
            Pacing::PerWindow => self.next_in_buckets(t),
        })
    }

    fn record(&mut self, at: Instant) {
        if self.recent.len() == self.depth {
            self.recent.pop_front();
        }
        self.recent.push_back(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::PLATFORM_WINDOWS;

    /// The send times (in ms) of `n` sends made as soon as the limiter allows.
    fn drive(pacing: Pacing, n: usize) -> Vec<u64> {
        let mut l = Limiter::new(&PLATFORM_WINDOWS, pacing);
        let mut out = Vec::new();
        let mut now = Instant::START;
        for _ in 0..n {
            now = l
                .next_allowed(now)
                .expect("the platform's windows allow sends");
            l.record(now);
            out.push(now.as_millis());
        }
        out
    }

    #[test]
    fn eager_bursts_eight_per_minute_then_waits_for_the_five_minute_window() {
        let t = drive(Pacing::Eager, 41);
        assert!(t[..8].iter().all(|&x| x == 0));
        assert_eq!(t[8], 60_000);
        assert_eq!(t[39], 240_000);
        assert_eq!(
            t[40], 300_000,
            "the 41st send waits for the first to leave the 5-minute window"
        );
    }

    #[test]
    fn even_pacing_spaces_sends_seven_and_a_half_seconds_apart() {
        let t = drive(Pacing::Even, 10);
        assert!(t.windows(2).all(|p| p[1] - p[0] == 7_500));
    }

    #[test]
    fn per_window_pacing_never_sends_more_than_eight_in_a_minute_bucket() {
        let t = drive(Pacing::PerWindow, 100);
        for minute in 0..30 {
            let n = t.iter().filter(|&&x| x / 60_000 == minute).count();
            assert!(n <= 8);
        }
    }
}
