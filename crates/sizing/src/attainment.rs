//! What one run says about one inbox, interval by interval of the company's day: an observer of
//! the record stream, like the metrics, that never reaches into the simulation.

use model::CompanyClock;
use model::InboxId;
use model::record::{Observer, Record};
use model::time::{Instant, MINUTE, Span};

/// Length of the buckets whose arrival counts measure burstiness.
const BURST_BUCKET_MS: u64 = 5 * MINUTE.as_millis();

/// One interval of the day, summed over every day of one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntervalRun {
    /// Conversations that entered the inbox's queue in the interval (reopened ones again).
    pub arrivals: u64,
    /// Of those, conversations answered by an agent or still waiting at the end (the target's
    /// denominator: conversations a rule closed never wait).
    pub waited: u64,
    /// Of `waited`, those answered within the target's wait.
    pub within: u64,
    /// Answered (or still waiting) only after their interval had ended.
    pub carried: u64,
    /// Campaign replies among `arrivals`.
    pub from_campaigns: u64,
    /// Agent slots freed, and the slot-time they were held, in milliseconds.
    pub holds: u64,
    pub hold_ms: u128,
    /// Customer messages an agent took: first assignments plus follow-ups in the session.
    pub messages: u64,
    /// Hours the run covered this interval.
    pub hours: f64,
    /// Sum over 5-minute buckets of (count - mean)^2 and of the mean, to compare the spread of
    /// arrivals with Poisson's (variance = mean).
    pub burst_sq: f64,
    pub burst_mean: f64,
}

impl IntervalRun {
    /// Whether the interval met the target in this run: no conversation waited, or at least
    /// `share` of them were answered within the wait.
    pub fn met(&self, share: f64) -> bool {
        self.waited == 0 || self.within as f64 >= share * self.waited as f64 - 1e-9
    }
}

#[derive(Debug, Clone, Copy)]
struct Conversation {
    entered: Instant,
    interval: usize,
    /// Milliseconds from entering to the end of its interval.
    left_in_interval: u64,
    waiting: bool,
    held_since: Option<Instant>,
}

/// Watches one inbox of one run.
pub struct Watch {
    inbox: InboxId,
    clock: CompanyClock,
    interval_ms: u64,
    within: Span,
    conversations: Vec<Option<Conversation>>,
    /// Arrivals per 5-minute bucket of the run (bucket index by run time).
    buckets: Vec<u32>,
    pub intervals: Vec<IntervalRun>,
}

impl Watch {
    pub fn new(inbox: InboxId, clock: CompanyClock, interval: Span, within: Span) -> Self {
        let n = (24 * 60 / interval.div_floor(MINUTE)) as usize;
        Watch {
            inbox,
            clock,
            interval_ms: interval.as_millis(),
            within,
            conversations: Vec::new(),
            buckets: Vec::new(),
            intervals: vec![IntervalRun::default(); n],
        }
    }

    /// The interval of the day `t` falls in, and the milliseconds left in it, on the company
    /// clock (readings: the hour repeated when daylight saving ends counts twice).
    fn interval_of(&self, t: Instant) -> (usize, u64) {
        let local = self.clock.reading(t);
        let ms = ((local.hour() as u64 * 60 + local.minute() as u64) * 60 + local.second() as u64)
            * 1000
            + local.millisecond() as u64;
        let k = (ms / self.interval_ms) as usize;
        (
            k.min(self.intervals.len() - 1),
            (k as u64 + 1) * self.interval_ms - ms,
        )
    }

    fn enter(&mut self, conversation: usize, now: Instant, campaign: bool) {
        let (interval, left) = self.interval_of(now);
        if self.conversations.len() <= conversation {
            self.conversations.resize(conversation + 1, None);
        }
        self.conversations[conversation] = Some(Conversation {
            entered: now,
            interval,
            left_in_interval: left,
            waiting: true,
            held_since: None,
        });
        let iv = &mut self.intervals[interval];
        iv.arrivals += 1;
        iv.from_campaigns += u64::from(campaign);
        let b = (now.as_millis() / BURST_BUCKET_MS) as usize;
        if self.buckets.len() <= b {
            self.buckets.resize(b + 1, 0);
        }
        self.buckets[b] += 1;
    }

    fn answered(&mut self, conversation: usize, wait: Span) {
        let Some(c) = self.conversations.get(conversation).copied().flatten() else {
            return;
        };
        let iv = &mut self.intervals[c.interval];
        iv.waited += 1;
        iv.within += u64::from(wait <= self.within);
        iv.carried += u64::from(wait.as_millis() >= c.left_in_interval);
    }

    /// Hours each interval was covered between the start and `end`, stepping a minute at a time
    /// on the company clock.
    fn cover(&mut self, end: Instant) {
        let mut t = Instant::START;
        while t < end {
            let (k, left) = self.interval_of(t);
            let step = left.min(end.as_millis() - t.as_millis()).max(1);
            self.intervals[k].hours += step as f64 / 3_600_000.0;
            t = Instant::from_millis(t.as_millis() + step);
        }
    }

    /// Burstiness: for each interval, the 5-minute buckets' deviation from the interval's mean
    /// count in that run.
    fn burstiness(&mut self) {
        let n = self.intervals.len();
        let mut counts: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (b, &count) in self.buckets.iter().enumerate() {
            let (k, _) = self.interval_of(Instant::from_millis(b as u64 * BURST_BUCKET_MS));
            counts[k].push(count);
        }
        for (iv, counts) in self.intervals.iter_mut().zip(counts) {
            if counts.is_empty() {
                continue;
            }
            let mean = counts.iter().map(|&c| f64::from(c)).sum::<f64>() / counts.len() as f64;
            iv.burst_sq += counts
                .iter()
                .map(|&c| (f64::from(c) - mean).powi(2))
                .sum::<f64>();
            iv.burst_mean += mean * counts.len() as f64;
        }
    }
}

impl Observer for Watch {
    /// Waits and load only: carrier verdicts are not watched.
    fn needs_verdicts_in_order(&self) -> bool {
        false
    }

    /// Nor sends, skips or unreached rows.
    fn reads_recipients(&self) -> bool {
        false
    }

    fn observe(&mut self, now: Instant, record: &Record) {
        match *record {
            Record::Route {
                conversation,
                source,
                inbox,
                ..
            }
            | Record::Reopen {
                conversation,
                source,
                inbox,
                ..
            } if inbox == self.inbox => {
                self.enter(conversation.index(), now, source.campaign().is_some());
            }
            Record::Assign {
                conversation,
                inbox,
                ..
            } if inbox == self.inbox => {
                let i = conversation.index();
                if let Some(c) = self.conversations.get(i).copied().flatten() {
                    if c.waiting {
                        self.answered(i, now - c.entered);
                    }
                    self.intervals[c.interval].messages += 1;
                    if let Some(Some(c)) = self.conversations.get_mut(i) {
                        c.waiting = false;
                        c.held_since = Some(now);
                    }
                }
            }
            Record::Handle {
                conversation,
                inbox,
                ..
            } if inbox == self.inbox => {
                if let Some(c) = self
                    .conversations
                    .get(conversation.index())
                    .copied()
                    .flatten()
                {
                    self.intervals[c.interval].messages += 1;
                }
            }
            Record::Release {
                conversation,
                inbox,
                ..
            } if inbox == self.inbox => {
                if let Some(Some(c)) = self.conversations.get_mut(conversation.index())
                    && let Some(since) = c.held_since.take()
                {
                    let iv = &mut self.intervals[c.interval];
                    iv.holds += 1;
                    iv.hold_ms += u128::from((now - since).as_millis());
                }
            }
            Record::ClosedByRule {
                conversation,
                inbox,
            } if inbox == self.inbox => {
                if let Some(Some(c)) = self.conversations.get_mut(conversation.index()) {
                    c.waiting = false;
                }
            }
            _ => {}
        }
    }

    /// Conversations still waiting count with the wait they had so far, as in the reports.
    fn finish(&mut self, end: Instant) {
        let waiting: Vec<(usize, Span)> = self
            .conversations
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.filter(|c| c.waiting)
                    .map(|c| (i, end.saturating_since(c.entered)))
            })
            .collect();
        for (i, wait) in waiting {
            self.answered(i, wait);
        }
        self.cover(end);
        self.burstiness();
    }
}
