//! The per-campaign send limiter: strict sliding windows ("any 60 s holds at most 8 sends").
//!
//! Only the last `max` send times of the largest window matter, so a ring of them answers
//! "when may the next SMS go?" in O(windows) without looking at any recipient.

use std::collections::VecDeque;

use model::time::Millis;
use model::{Pacing, Window};

/// A deliberately wrong limiter, so tests can prove the auditor and `check` catch one.
/// No scenario can ask for it; only library callers set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A token bucket of `per_minute` tokens refilled continuously: it lets a full bucket go at
    /// once and then one send every 60/`per_minute` s, so 8 per minute becomes 15 in the first.
    TokenBucket { per_minute: u32 },
    /// Never allows a send: a lazy campaign system that leaves everyone unreached, which every
    /// safety invariant accepts and only the auditor's liveness check catches.
    Idle,
}

/// The state of a [`Fault`].
#[derive(Debug, Clone)]
enum Broken {
    Bucket(Bucket),
    Idle,
}

/// Token-bucket state for [`Fault::TokenBucket`], in milliseconds of refill.
#[derive(Debug, Clone)]
struct Bucket {
    interval: Millis,
    capacity: Millis,
    credit: Millis,
    last: Millis,
}

impl Bucket {
    fn credit_at(&self, now: Millis) -> Millis {
        (self.credit + (now - self.last)).min(self.capacity)
    }
}

#[derive(Debug, Clone)]
pub struct Limiter {
    windows: Vec<Window>,
    pacing: Pacing,
    /// Send times, oldest first, at most the largest `max` of all windows.
    recent: VecDeque<Millis>,
    depth: usize,
    /// For `Even`: minimum gap between two sends.
    spacing: Millis,
    fault: Option<Broken>,
}

impl Limiter {
    pub fn new(windows: &[Window], pacing: Pacing) -> Self {
        Limiter::with_fault(windows, pacing, None)
    }

    pub fn with_fault(windows: &[Window], pacing: Pacing, fault: Option<Fault>) -> Self {
        // At least one, so `Even` pacing always knows the last send.
        let depth = windows
            .iter()
            .map(|w| w.max as usize)
            .max()
            .unwrap_or(0)
            .max(1);
        let spacing = windows
            .iter()
            .map(|w| w.per.div_ceil(u64::from(w.max.max(1))))
            .max()
            .unwrap_or(0);
        Limiter {
            windows: windows.to_vec(),
            pacing,
            recent: VecDeque::with_capacity(depth),
            depth,
            spacing,
            fault: fault.map(|f| match f {
                Fault::TokenBucket { per_minute } => {
                    let interval = 60_000 / Millis::from(per_minute.max(1));
                    Broken::Bucket(Bucket {
                        interval,
                        capacity: interval * Millis::from(per_minute),
                        credit: interval * Millis::from(per_minute),
                        last: 0,
                    })
                }
                Fault::Idle => Broken::Idle,
            }),
        }
    }

    /// The earliest time at or after `now` at which one more send keeps every window.
    pub fn next_allowed(&self, now: Millis) -> Millis {
        match &self.fault {
            Some(Broken::Bucket(b)) => {
                let credit = b.credit_at(now);
                return if credit >= b.interval {
                    now
                } else {
                    now + (b.interval - credit)
                };
            }
            Some(Broken::Idle) => return Millis::MAX,
            None => {}
        }
        let mut t = now;
        for w in &self.windows {
            let n = w.max as usize;
            if n == 0 {
                return Millis::MAX;
            }
            if self.recent.len() >= n {
                // The n-th most recent send must have left the window.
                t = t.max(self.recent[self.recent.len() - n].saturating_add(w.per));
            }
        }
        match self.pacing {
            Pacing::Eager => t,
            Pacing::Even => match self.recent.back() {
                Some(&last) => t.max(last.saturating_add(self.spacing)),
                None => t,
            },
            Pacing::PerWindow => self.next_in_buckets(t),
        }
    }

    fn next_in_buckets(&self, mut t: Millis) -> Millis {
        // Moving to a later bucket can only lower bucket counts, so a few passes settle.
        loop {
            let before = t;
            for w in &self.windows {
                let bucket_start = t - t % w.per;
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

    /// Records a send at `t`; `t` must not be earlier than `next_allowed`.
    pub fn record(&mut self, t: Millis) {
        if let Some(Broken::Bucket(b)) = &mut self.fault {
            b.credit = b.credit_at(t) - b.interval;
            b.last = t;
        }
        if self.recent.len() == self.depth {
            self.recent.pop_front();
        }
        self.recent.push_back(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::PLATFORM_WINDOWS;

    fn drive(pacing: Pacing, n: usize) -> Vec<Millis> {
        let mut l = Limiter::new(&PLATFORM_WINDOWS, pacing);
        let mut out = Vec::new();
        let mut now = 0;
        for _ in 0..n {
            now = l.next_allowed(now);
            l.record(now);
            out.push(now);
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
