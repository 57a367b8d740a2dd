//! Inbound traffic that is not campaign replies: a Poisson stream per inbox whose hourly rate
//! follows the company's clock (24 rates), drawn by thinning a stream at the peak rate.

use jiff::tz::TimeZone;
use rand::RngExt;

use super::rng::{Purpose, Stream, name_key, stream};
use model::time::{Epoch, HOUR, Instant, MAX_RUN, Span};
use scenario::Inbox;

pub struct Background {
    per_hour: [f64; 24],
    peak: f64,
    rng: Stream,
    zone: TimeZone,
    epoch: Epoch,
    /// Arrivals so far; numbers each background customer.
    pub arrivals: u64,
}

impl Background {
    pub fn new(seed: u64, inbox: &Inbox, zone: TimeZone, epoch: Epoch) -> Self {
        Background {
            per_hour: inbox.background_per_hour,
            peak: inbox
                .background_per_hour
                .iter()
                .copied()
                .fold(0.0, f64::max),
            rng: stream(seed, Purpose::Background, &[name_key(&inbox.name)]),
            zone,
            epoch,
            arrivals: 0,
        }
    }

    /// The next arrival after `now`, or `None` if this inbox has no background traffic.
    pub fn next_arrival(&mut self, mut now: Instant) -> Option<Instant> {
        if self.peak <= 0.0 {
            return None;
        }
        loop {
            let u: f64 = self.rng.random();
            let gap_hours = -(1.0 - u).ln() / self.peak;
            let gap = (gap_hours * HOUR.as_millis() as f64).round().max(1.0);
            now = now.saturating_add(Span::from_millis(gap as u64));
            if now.since_start() >= MAX_RUN {
                return None;
            }
            let hour = self.zone.to_datetime(self.epoch.timestamp(now)).hour() as usize;
            if self.rng.random::<f64>() * self.peak < self.per_hour[hour] {
                return Some(now);
            }
        }
    }
}
