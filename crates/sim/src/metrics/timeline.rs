//! Per-minute series behind the charts and `timeseries.csv`. Bucketed while the run goes, so a
//! chart of a million sends costs a few thousand points.

use model::record::{Observer, Record};
use model::time::{HOUR, Instant, MINUTE, Span};
use model::{CampaignId, InboxId, Source};
use scenario::Scenario;

use super::Slas;

/// Width of one bucket of every per-minute series.
pub const BUCKET: Span = MINUTE;

/// A quantity that changes in steps (queue depth, busy slots), integrated per bucket so each
/// bucket holds its time-weighted mean.
#[derive(Debug, Clone, Default)]
pub struct StepSeries {
    value: u64,
    since: Instant,
    /// Value x milliseconds accumulated in each bucket.
    area: Vec<u64>,
}

impl StepSeries {
    pub fn value(&self) -> u64 {
        self.value
    }

    pub fn set(&mut self, now: Instant, value: u64) {
        self.advance(now);
        self.value = value;
    }

    /// Accounts the current value up to `now`.
    pub fn advance(&mut self, now: Instant) {
        let (from, to) = (self.since.as_millis(), now.as_millis());
        if self.value > 0 && from < to {
            // The buckets are found by arithmetic once, and the series grown once.
            let width = BUCKET.as_millis();
            let last = ((to - 1) / width) as usize;
            if self.area.len() <= last {
                self.area.resize(last + 1, 0);
            }
            let mut b = (from / width) as usize;
            let mut t = from;
            while t < to {
                let upto = ((b as u64 + 1) * width).min(to);
                self.area[b] += self.value * (upto - t);
                t = upto;
                b += 1;
            }
        }
        self.since = now;
    }

    /// Time-weighted mean over bucket `b`.
    pub fn mean(&self, b: usize) -> f64 {
        self.area
            .get(b)
            .map_or(0.0, |&a| a as f64 / BUCKET.as_millis() as f64)
    }
}

/// Busy agent slots of one inbox, by source of the conversations held.
#[derive(Debug, Clone, Default)]
pub struct BusyBySource {
    /// By campaign (`None`: no agent held one of its conversations here).
    campaigns: Vec<Option<StepSeries>>,
    background: Option<StepSeries>,
}

impl BusyBySource {
    /// The series of `source`, begun if it had none (a change every few seconds: indexed, not
    /// looked up in a map).
    fn of(&mut self, source: Source) -> &mut StepSeries {
        let slot = match source {
            Source::Campaign(c) => {
                if self.campaigns.len() <= c.index() {
                    self.campaigns.resize(c.index() + 1, None);
                }
                &mut self.campaigns[c.index()]
            }
            Source::Background => &mut self.background,
        };
        slot.get_or_insert_with(StepSeries::default)
    }

    /// Each source whose conversations agents held, with its series: campaigns in order,
    /// background last.
    pub fn iter(&self) -> impl Iterator<Item = (Source, &StepSeries)> {
        let campaigns = (self.campaigns.iter().enumerate())
            .filter_map(|(c, s)| Some((Source::Campaign(CampaignId::new(c)), s.as_ref()?)));
        campaigns.chain(self.background.iter().map(|s| (Source::Background, s)))
    }

    /// The series of [`BusyBySource::iter`], in its order.
    pub fn values(&self) -> impl Iterator<Item = &StepSeries> {
        self.iter().map(|(_, s)| s)
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut StepSeries> {
        (self.campaigns.iter_mut().flatten()).chain(self.background.iter_mut())
    }
}

#[derive(Debug, Clone, Default)]
pub struct InboxTimeline {
    pub queue: StepSeries,
    /// Busy agent slots by source.
    pub busy: BusyBySource,
    /// (arrival in the inbox, wait until first assignment) of each conversation.
    pub waits: Vec<(Instant, Span)>,
    /// (arrival in the inbox, whether that wait was within the conversation's SLA) of each
    /// conversation `waits` holds, in the same order.
    pub sla_met: Vec<(Instant, bool)>,
}

impl InboxTimeline {
    fn waited(&mut self, entered: Instant, wait: Span, sla: Span) {
        self.waits.push((entered, wait));
        self.sla_met.push((entered, wait <= sla));
    }
}

/// A conversation as the timeline follows it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    entered: Instant,
    waiting_in: Option<InboxId>,
    sla: Span,
}

/// Per-minute series of the run, bucketed from the record stream.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// SMS sent per campaign per bucket.
    pub sends: Vec<Vec<u32>>,
    pub inboxes: Vec<InboxTimeline>,
    queues: Vec<u64>,
    conversations: Vec<Entry>,
    slas: Slas,
}

impl Timeline {
    pub fn new(scn: &Scenario) -> Self {
        let inboxes = scn.inboxes.len();
        Timeline {
            sends: vec![Vec::new(); scn.campaigns.len()],
            inboxes: vec![InboxTimeline::default(); inboxes],
            queues: vec![0; inboxes],
            conversations: Vec::new(),
            slas: Slas::new(scn),
        }
    }

    /// Room for `conversations` conversations before their table grows ([`engine::Engine::expecting`]).
    pub fn expecting(mut self, conversations: usize) -> Self {
        self.conversations.reserve(conversations);
        self
    }

    /// Starts from the sends `counted` saw: the run's own are then not told to it
    /// ([`model::Observer::reads_recipients`]).
    pub(crate) fn with_sends_of(mut self, counted: &Timeline) -> Self {
        self.sends.clone_from(&counted.sends);
        self
    }

    /// Moves a campaign's series out (for [`crate::parts`]).
    pub(crate) fn take_campaign(&mut self, campaign: CampaignId) -> Vec<u32> {
        std::mem::take(&mut self.sends[campaign.index()])
    }

    pub(crate) fn put_campaign(&mut self, campaign: CampaignId, sends: Vec<u32>) {
        self.sends[campaign.index()] = sends;
    }

    /// Moves an inbox's series out (for [`crate::parts`]).
    pub(crate) fn take_inbox(&mut self, inbox: InboxId) -> InboxTimeline {
        std::mem::take(&mut self.inboxes[inbox.index()])
    }

    pub(crate) fn put_inbox(&mut self, inbox: InboxId, timeline: InboxTimeline) {
        self.inboxes[inbox.index()] = timeline;
    }

    fn send(&mut self, campaign: CampaignId, now: Instant) {
        let series = &mut self.sends[campaign.index()];
        let b = now.bucket(BUCKET) as usize;
        if series.len() <= b {
            series.resize(b + 1, 0);
        }
        series[b] += 1;
    }

    /// Conversations: queues, waits and busy slots.
    fn follow(&mut self, now: Instant, record: &Record) {
        match *record {
            Record::Route { inbox, source, .. } => {
                self.conversations.push(Entry {
                    entered: now,
                    waiting_in: Some(inbox),
                    sla: self.slas.of(source, inbox),
                });
                self.queue_change(inbox, now, true);
            }
            Record::Assign {
                conversation,
                source,
                inbox,
                ..
            } => {
                let entry = &mut self.conversations[conversation.index()];
                entry.waiting_in = None;
                let (entered, sla) = (entry.entered, entry.sla);
                self.queue_change(inbox, now, false);
                self.inboxes[inbox.index()].waited(entered, now - entered, sla);
                self.busy_change(inbox, source, now, true);
            }
            Record::Release { source, inbox, .. } => self.busy_change(inbox, source, now, false),
            Record::Reopen {
                conversation,
                inbox,
                ..
            } => {
                let entry = &mut self.conversations[conversation.index()];
                entry.entered = now;
                entry.waiting_in = Some(inbox);
                self.queue_change(inbox, now, true);
            }
            // Routed, then closed at once: it leaves the queue without a wait.
            Record::ClosedByRule {
                conversation,
                inbox,
            } => {
                self.conversations[conversation.index()].waiting_in = None;
                self.queue_change(inbox, now, false);
            }
            Record::Start { .. }
            | Record::Finish { .. }
            | Record::Reply { .. }
            | Record::OptOut { .. }
            | Record::OptIn { .. }
            | Record::Handle { .. }
            | Record::Handover { .. }
            | Record::RuleFired { .. }
            | Record::Transfer { .. }
            | Record::AutoReply { .. }
            | Record::RuleDisabled { .. } => {}
            Record::Send { .. }
            | Record::Deliver { .. }
            | Record::Fail { .. }
            | Record::Skip { .. }
            | Record::Unreached { .. } => unreachable!("a recipient's records are seen inline"),
        }
    }

    fn busy_change(&mut self, inbox: InboxId, source: Source, now: Instant, up: bool) {
        let s = self.inboxes[inbox.index()].busy.of(source);
        let v = if up { s.value() + 1 } else { s.value() - 1 };
        s.set(now, v);
    }

    fn queue_change(&mut self, inbox: InboxId, now: Instant, up: bool) {
        let q = &mut self.queues[inbox.index()];
        *q = if up { *q + 1 } else { *q - 1 };
        self.inboxes[inbox.index()].queue.set(now, *q);
    }
}

impl Observer for Timeline {
    /// Sends are bucketed inline, in the world's send path; verdicts and the other records of
    /// recipients are in no series; conversations are followed out of line.
    #[inline]
    fn observe(&mut self, now: Instant, record: &Record) {
        match *record {
            Record::Send { to, .. } => self.send(to.campaign, now),
            Record::Deliver { .. }
            | Record::Fail { .. }
            | Record::Skip { .. }
            | Record::Unreached { .. } => {}
            _ => self.follow(now, record),
        }
    }

    /// Verdicts are not in any series.
    fn needs_verdicts_in_order(&self) -> bool {
        false
    }

    /// Closes every step series at the end of the run; customers still waiting count with the
    /// wait they had so far, and so miss their SLA only once they have waited longer than it, as
    /// the summary counts them.
    fn finish(&mut self, end: Instant) {
        for entry in &self.conversations {
            if let Some(inbox) = entry.waiting_in {
                let wait = end.saturating_since(entry.entered);
                self.inboxes[inbox.index()].waited(entry.entered, wait, entry.sla);
            }
        }
        for i in &mut self.inboxes {
            i.queue.advance(end);
            for s in i.busy.values_mut() {
                s.advance(end);
            }
        }
    }
}

/// Interval over which wait percentiles are taken: 15 minutes for runs up to two days, else
/// whole hours, wide enough for at most about 1,000 intervals (a 10-year run: 88 hours).
pub fn wait_interval(end: Instant) -> Span {
    let end = end.as_millis();
    if end <= (48 * HOUR).as_millis() {
        15 * MINUTE
    } else {
        end.div_ceil(1000).div_ceil(HOUR.as_millis()).max(1) * HOUR
    }
}

/// (interval index, p50, p90, p99) in milliseconds, for intervals with at least one conversation.
pub fn wait_percentiles(waits: &[(Instant, Span)], interval: Span) -> Vec<(u64, [Span; 3])> {
    let mut by_interval: Vec<(u64, Span)> = waits
        .iter()
        .map(|&(t, w)| (t.bucket(interval), w))
        .collect();
    by_interval.sort_unstable();
    by_interval
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|chunk| {
            let sorted: Vec<Span> = chunk.iter().map(|&(_, w)| w).collect();
            Some((chunk[0].0, super::wait_percentiles(&sorted)?))
        })
        .collect()
}

/// Conversations of one interval of arrival and how many of them were taken within their SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalAttainment {
    /// Index of the interval since the start.
    pub interval: u64,
    pub arrived: u64,
    pub met: u64,
}

impl IntervalAttainment {
    pub fn share(&self) -> f64 {
        self.met as f64 / self.arrived as f64
    }
}

/// SLA attainment per interval of arrival, for intervals with at least one conversation: an
/// interval nobody arrived in has no attainment (not 0%, not 100%).
pub fn sla_attainment(sla_met: &[(Instant, bool)], interval: Span) -> Vec<IntervalAttainment> {
    let mut by_interval: Vec<(u64, bool)> = sla_met
        .iter()
        .map(|&(t, met)| (t.bucket(interval), met))
        .collect();
    by_interval.sort_unstable();
    by_interval
        .chunk_by(|a, b| a.0 == b.0)
        .map(|chunk| IntervalAttainment {
            interval: chunk[0].0,
            arrived: chunk.len() as u64,
            met: chunk.iter().filter(|&&(_, met)| met).count() as u64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_series_averages_over_each_minute() {
        let at = Instant::from_millis;
        let mut s = StepSeries::default();
        s.set(at(30_000), 2); // 0 for the first half minute, then 2
        s.set(at(90_000), 0); // 2 until 1.5 minutes
        s.advance(at(180_000));
        assert_eq!(s.mean(0), 1.0);
        assert_eq!(s.mean(1), 1.0);
        assert_eq!(s.mean(2), 0.0);
    }

    /// Changes on bucket edges, within one bucket and across many, against the area summed
    /// millisecond by millisecond.
    #[test]
    fn step_series_areas_are_the_values_summed_over_each_millisecond() {
        let minute = BUCKET.as_millis();
        let changes = [
            (0, 2),
            (0, 3),
            (minute, 1),
            (minute, 4),
            (minute + 1, 0),
            (2 * minute - 1, 2),
            (5 * minute + 7, 5),
            (5 * minute + 9, 1),
        ];
        let end = 7 * minute + 3;
        let mut s = StepSeries::default();
        for &(t, v) in &changes {
            s.set(Instant::from_millis(t), v);
        }
        s.advance(Instant::from_millis(end));
        let mut expected = [0u64; 8];
        for ms in 0..end {
            let value = changes
                .iter()
                .rev()
                .find(|&&(t, _)| t <= ms)
                .map_or(0, |c| c.1);
            expected[(ms / minute) as usize] += value;
        }
        for (b, &area) in expected.iter().enumerate() {
            assert_eq!(s.mean(b), area as f64 / minute as f64, "bucket {b}");
        }
    }

    #[test]
    fn nearest_rank_percentiles_per_interval() {
        let ms = Span::from_millis;
        let waits: Vec<(Instant, Span)> = (1..=100)
            .map(|w| (Instant::START, ms(w)))
            .chain([(Instant::START + HOUR, ms(7))])
            .collect();
        let p = wait_percentiles(&waits, 15 * MINUTE);
        assert_eq!(p, vec![(0, [ms(50), ms(90), ms(99)]), (4, [ms(7); 3])]);
    }

    #[test]
    fn attainment_per_interval_counts_only_intervals_with_arrivals() {
        let at = |m: u64| Instant::START + m * MINUTE;
        let met = [
            (at(1), true),
            (at(14), false),
            (at(50), true),
            (at(59), true),
        ];
        let a = sla_attainment(&met, 15 * MINUTE);
        let row = |interval, arrived, met| IntervalAttainment {
            interval,
            arrived,
            met,
        };
        // Nobody arrived in 00:15-00:45: no row, rather than 0% or 100%.
        assert_eq!(a, vec![row(0, 2, 1), row(3, 2, 2)]);
        assert_eq!(a[0].share(), 0.5);
    }
}
