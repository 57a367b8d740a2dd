//! The mock carrier: each sending number drains its queue at a fixed rate (about one segment per
//! second for a long code); a message then takes a random latency to its final status.

use rand::RngExt;

use super::sampler::Sampler;
use model::NumberId;
use model::time::{Instant, Span};
use rand::Rng;

/// Error code for a message that waited in the queue longer than the validity period.
pub const EXPIRED: u32 = 30036;

pub struct Carrier {
    latency: Sampler,
    /// (error code or `None` for delivered, cumulative share).
    outcomes: Vec<(Option<u32>, f64)>,
    gap: Span,
    validity: Span,
    /// When each number's queue can take the next message.
    next_free: Vec<Instant>,
}

/// The final status of one message and when it is known.
pub struct Verdict {
    /// `None`: at or before the instant the caller gave as `needed_after` (see
    /// [`Carrier::submit`]).
    pub at: Option<Instant>,
    /// `None`: delivered; else the carrier error code.
    pub failure: Option<u32>,
}

impl Carrier {
    pub fn new(c: &scenario::Carrier, numbers: usize) -> Self {
        let mut acc = 0.0;
        let outcomes = c
            .outcomes
            .iter()
            .map(|&(code, share)| {
                acc += share;
                (code, acc)
            })
            .collect();
        Carrier {
            latency: Sampler::new(&c.latency),
            outcomes,
            gap: Span::from_millis((1000.0 / c.segments_per_second).ceil() as u64),
            validity: c.validity,
            next_free: vec![Instant::START; numbers],
        }
    }

    /// Hands one single-segment SMS to the carrier at `now`. With `needed_after`, the verdict's
    /// instant is only told when it comes after that, which spares most latencies'
    /// exponential ([`Sampler::span_beyond`]); the draws are the same either way.
    pub fn submit(
        &mut self,
        number: NumberId,
        now: Instant,
        rng: &mut impl Rng,
        needed_after: Option<Instant>,
    ) -> Verdict {
        let free = &mut self.next_free[number.index()];
        let leaves = (*free).max(now);
        if leaves - now > self.validity {
            // Dropped from the queue without taking a sending slot.
            return Verdict {
                at: Some(now.saturating_add(self.validity)),
                failure: Some(EXPIRED),
            };
        }
        *free = leaves.saturating_add(self.gap);
        let u: f64 = rng.random();
        let failure = self
            .outcomes
            .iter()
            .find(|(_, cum)| u < *cum)
            .or(self.outcomes.last())
            .and_then(|(code, _)| *code);
        let at = match needed_after.and_then(|after| after.checked_since(leaves)) {
            Some(room) => self
                .latency
                .span_beyond(rng, room)
                .map(|latency| leaves.saturating_add(latency)),
            None => Some(leaves.saturating_add(self.latency.span(rng))),
        };
        Verdict { at, failure }
    }
}
