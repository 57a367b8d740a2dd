//! What a run measured: counters per campaign, waits and load per inbox.

pub mod timeline;

pub use timeline::Timeline;

use std::collections::BTreeMap;

use model::time::Millis;

/// The wait percentiles every report shows: p50, p90, p99.
pub const WAIT_PERCENTS: [usize; 3] = [50, 90, 99];

/// Nearest rank over `sorted` waits: the smallest wait w such that at least `percent` % of them
/// are <= w; `None` for no waits. Exact and computed in integers, so a whole run and each of its
/// intervals answer by one definition.
pub fn nearest_rank(sorted: &[Millis], percent: usize) -> Option<Millis> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// p50, p90 and p99 of `sorted` waits; `None` for no waits.
pub fn wait_percentiles(sorted: &[Millis]) -> Option<[Millis; 3]> {
    let [p50, p90, p99] = WAIT_PERCENTS.map(|p| nearest_rank(sorted, p));
    Some([p50?, p90?, p99?])
}

#[derive(Debug, Clone, Default)]
pub struct CampaignMetrics {
    pub recipients: u64,
    pub sent: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Failures by carrier error code.
    pub failed_by_code: BTreeMap<u32, u64>,
    pub unreached: u64,
    pub unreached_cutoff: u64,
    pub unreached_stopped: u64,
    pub unreached_horizon: u64,
    pub skipped_opted_out: u64,
    pub skipped_duplicate: u64,
    /// Customers who answered the campaign SMS (first messages only).
    pub replies: u64,
    pub opt_outs: u64,
    pub opt_ins: u64,
    pub first_send: Option<Millis>,
    pub last_send: Option<Millis>,
    /// The reply probability drawn for this campaign in this run.
    pub reply_rate: f64,
}

#[derive(Debug, Clone)]
pub struct InboxMetrics {
    /// Conversations that entered the inbox.
    pub arrivals: u64,
    pub arrivals_from_campaigns: u64,
    /// Conversations whose agent slot was freed (closed, or the customer went silent).
    pub handled: u64,
    /// Wait from entering the inbox to the first assignment of each conversation, in
    /// milliseconds: every one kept, so percentiles are exact.
    pub waits: Vec<Millis>,
    pub within_sla: u64,
    /// Conversations no agent had taken when the run ended; their waits count up to the end.
    pub unanswered: u64,
    pub queue: u64,
    pub max_queue: u64,
    pub busy_slots: u64,
    /// Integral of busy slots over time, in slot-milliseconds.
    pub busy_slot_ms: u128,
    last_change: Millis,
}

impl InboxMetrics {
    pub fn new() -> Self {
        InboxMetrics {
            arrivals: 0,
            arrivals_from_campaigns: 0,
            handled: 0,
            waits: Vec::new(),
            within_sla: 0,
            unanswered: 0,
            queue: 0,
            max_queue: 0,
            busy_slots: 0,
            busy_slot_ms: 0,
            last_change: 0,
        }
    }

    pub fn enqueue(&mut self) {
        self.queue += 1;
    }

    /// Notes the queue length once all that happens at one instant is done, so a conversation
    /// taken the moment it arrives never counts as waiting.
    pub fn settle(&mut self) {
        self.max_queue = self.max_queue.max(self.queue);
    }

    /// Records a first assignment after waiting `wait`.
    pub fn assign(&mut self, now: Millis, wait: Millis, sla: Millis) {
        self.queue -= 1;
        self.waits.push(wait);
        if wait <= sla {
            self.within_sla += 1;
        }
        self.set_busy(now, self.busy_slots + 1);
    }

    /// Records a conversation still waiting when the run ended, `wait` after it arrived.
    pub fn unanswered(&mut self, wait: Millis, sla: Millis) {
        self.unanswered += 1;
        self.waits.push(wait);
        if wait <= sla {
            self.within_sla += 1;
        }
    }

    pub fn release(&mut self, now: Millis) {
        self.handled += 1;
        self.set_busy(now, self.busy_slots - 1);
    }

    fn set_busy(&mut self, now: Millis, busy: u64) {
        self.advance(now);
        self.busy_slots = busy;
    }

    /// Accounts busy time up to `now`.
    pub fn advance(&mut self, now: Millis) {
        self.busy_slot_ms += u128::from(self.busy_slots) * u128::from(now - self.last_change);
        self.last_change = now;
    }

    /// p50, p90 and p99 of the waits so far, `None` with no assignment yet.
    pub fn wait_percentiles(&self) -> Option<[Millis; 3]> {
        let mut sorted = self.waits.clone();
        sorted.sort_unstable();
        wait_percentiles(&sorted)
    }
}

impl Default for InboxMetrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_the_smallest_wait_covering_the_share() {
        let waits: Vec<Millis> = (1..=10).collect();
        assert_eq!(nearest_rank(&waits, 50), Some(5));
        assert_eq!(nearest_rank(&waits, 90), Some(9));
        assert_eq!(nearest_rank(&waits, 99), Some(10));
        assert_eq!(nearest_rank(&[7], 50), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
        // 99% of 100 is exactly 99 conversations: no rounding up to the 100th.
        let hundred: Vec<Millis> = (1..=100).collect();
        assert_eq!(nearest_rank(&hundred, 99), Some(99));
    }
}
