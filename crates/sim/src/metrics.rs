//! What a run measured: counters per campaign, waits and load per inbox, counted by watching
//! the run's records.

mod cannot_reply;
mod shift_time;
mod sla;
pub mod timeline;

pub use shift_time::GroupTime;
pub use sla::Slas;

pub use timeline::Timeline;

use std::collections::BTreeMap;

use model::record::{Observer, Record};
use model::rules::MAX_LOOPS;
use model::time::{Instant, Span};
use model::{
    ConversationId, EndReason, InboxId, Lists, Phone, RecipientRef, RuleId, SkipReason, Source,
    TopicId,
};
use scenario::Scenario;

/// The wait percentiles every report shows: p50, p90, p99.
pub const WAIT_PERCENTS: [usize; 3] = [50, 90, 99];

/// Nearest rank over `sorted` waits: the smallest wait w such that at least `percent` % of them
/// are <= w; `None` for no waits. Exact and computed in integers, so a whole run and each of its
/// intervals answer by one definition.
pub fn nearest_rank(sorted: &[Span], percent: usize) -> Option<Span> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// p50, p90 and p99 of `sorted` waits; `None` for no waits.
pub fn wait_percentiles(sorted: &[Span]) -> Option<[Span; 3]> {
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
    /// Of `unreached`, by the time zone of each recipient's row (`[zone]`, the scenario's
    /// zones): planners move send windows per zone.
    pub unreached_by_zone: Vec<u64>,
    pub skipped_opted_out: u64,
    pub skipped_duplicate: u64,
    /// Customers who answered the campaign SMS (first messages only).
    pub replies: u64,
    pub opt_outs: u64,
    pub opt_ins: u64,
    pub first_send: Option<Instant>,
    pub last_send: Option<Instant>,
    /// The reply probability drawn for this campaign in this run.
    pub reply_rate: f64,
}

impl CampaignMetrics {
    /// What the records of recipients counted in `counted`; every field is named, so that a
    /// new one is sorted into the recipients' records or the others.
    fn take_recipients(&mut self, counted: &CampaignMetrics) {
        let CampaignMetrics {
            recipients: _,
            sent,
            delivered: _,
            failed: _,
            failed_by_code: _,
            unreached,
            unreached_cutoff,
            unreached_stopped,
            unreached_horizon,
            unreached_by_zone,
            skipped_opted_out,
            skipped_duplicate,
            replies: _,
            opt_outs: _,
            opt_ins: _,
            first_send,
            last_send,
            reply_rate: _,
        } = counted;
        self.sent = *sent;
        self.unreached = *unreached;
        self.unreached_cutoff = *unreached_cutoff;
        self.unreached_stopped = *unreached_stopped;
        self.unreached_horizon = *unreached_horizon;
        self.unreached_by_zone.clone_from(unreached_by_zone);
        self.skipped_opted_out = *skipped_opted_out;
        self.skipped_duplicate = *skipped_duplicate;
        self.first_send = *first_send;
        self.last_send = *last_send;
    }
}

#[derive(Debug, Clone, Default)]
pub struct InboxMetrics {
    /// Conversations that entered the inbox's queue, reopened ones again each time.
    pub arrivals: u64,
    pub arrivals_from_campaigns: u64,
    /// Closed conversations the customer reopened within the reopen window (among `arrivals`).
    pub reopened: u64,
    /// Conversations whose agent slot was freed (closed, the customer went silent, or the
    /// agent let it go at a shift end), reopened ones again each time.
    pub handled: u64,
    /// Wait from entering the inbox to the first assignment of each conversation: every one
    /// kept, so percentiles are exact.
    pub waits: Vec<Span>,
    pub within_sla: u64,
    /// Conversations no agent had taken when the run ended; their waits count up to the end.
    pub unanswered: u64,
    pub queue: u64,
    pub max_queue: u64,
    pub busy_slots: u64,
    /// Integral of busy slots over time, in slot-milliseconds.
    pub busy_slot_ms: u128,
    last_change: Instant,
    /// Conversations routing rules moved out of and into this inbox.
    pub transfers_out: u64,
    pub transfers_in: u64,
    /// Conversations a rule closed (or marked "no reply needed") here: they never wait.
    pub closed_by_rules: u64,
    /// Conversations routed here with each topic, and their waits.
    pub topics: BTreeMap<TopicId, TopicMetrics>,
    /// Time this inbox's agents held conversations after their shift ended (finishing what
    /// they held).
    pub overtime: Span,
    /// Each shift group's busy and staffed slot-time on shift (empty without shifts).
    pub shift_groups: Vec<shift_time::GroupTime>,
    /// Customer messages that reached an agent (assigned or handled) from an opted-out customer.
    pub cannot_reply: u64,
}

#[derive(Debug, Clone, Default)]
pub struct TopicMetrics {
    pub arrivals: u64,
    /// Waits of the topic's conversations, as the inbox's `waits` counts them.
    pub waits: Vec<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct RuleMetrics {
    /// Messages whose rounds ran the rule's actions (a loop counts each time).
    pub fired: u64,
    /// The loops after which the rule was switched off, if it was.
    pub disabled_after_loops: Option<u32>,
}

impl InboxMetrics {
    pub fn new() -> Self {
        InboxMetrics::default()
    }

    fn enqueue(&mut self) {
        self.queue += 1;
    }

    /// Notes the queue length once all that one happening caused is done, so a conversation
    /// taken the moment it arrives never counts as waiting.
    fn settle(&mut self) {
        self.max_queue = self.max_queue.max(self.queue);
    }

    /// Records a first assignment after waiting `wait`.
    fn assign(&mut self, now: Instant, wait: Span, sla: Span, topics: &[TopicId]) {
        self.queue -= 1;
        self.topic_waits(topics, wait);
        self.waits.push(wait);
        if wait <= sla {
            self.within_sla += 1;
        }
        self.set_busy(now, self.busy_slots + 1);
    }

    /// Records a conversation still waiting when the run ended, `wait` after it arrived.
    pub fn unanswered(&mut self, wait: Span, sla: Span, topics: &[TopicId]) {
        self.unanswered += 1;
        self.topic_waits(topics, wait);
        self.waits.push(wait);
        if wait <= sla {
            self.within_sla += 1;
        }
    }

    fn topic_waits(&mut self, topics: &[TopicId], wait: Span) {
        for topic in topics {
            self.topics.entry(*topic).or_default().waits.push(wait);
        }
    }

    fn release(&mut self, now: Instant) {
        self.handled += 1;
        self.set_busy(now, self.busy_slots - 1);
    }

    fn set_busy(&mut self, now: Instant, busy: u64) {
        self.advance(now);
        self.busy_slots = busy;
    }

    /// Accounts busy time up to `now`.
    fn advance(&mut self, now: Instant) {
        let span = now.saturating_since(self.last_change).as_millis();
        self.busy_slot_ms += u128::from(self.busy_slots) * u128::from(span);
        self.last_change = now;
    }

    /// p50, p90 and p99 of the waits so far, `None` with no assignment yet.
    pub fn wait_percentiles(&self) -> Option<[Span; 3]> {
        let mut sorted = self.waits.clone();
        sorted.sort_unstable();
        wait_percentiles(&sorted)
    }
}

/// A conversation as the metrics follow it.
#[derive(Debug, Clone)]
struct Entry {
    entered: Instant,
    /// The inbox it waits in, until an agent takes it.
    waiting_in: Option<InboxId>,
    /// Its SLA: the inbox's, or the entry-point SLA of the number it came in by.
    sla: Span,
}

/// Counts everything per campaign and per inbox from the record stream.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub campaigns: Vec<CampaignMetrics>,
    pub inboxes: Vec<InboxMetrics>,
    pub rules: Vec<RuleMetrics>,
    slas: Slas,
    /// The topic each rule adds, if any.
    rule_topics: Vec<Option<TopicId>>,
    /// Topics the rules gave the conversation about to be routed.
    pending_topics: Vec<TopicId>,
    conversations: Vec<Entry>,
    /// The topics of the conversations that have any (most have none, so they are kept apart).
    topics: BTreeMap<ConversationId, Box<[TopicId]>>,
    /// Inboxes a conversation entered since the last settle.
    routed: Vec<InboxId>,
    shift_time: shift_time::ShiftTime,
    silenced: cannot_reply::Silenced,
    /// Who each outreach texts: an unreached record names a row, its zone is on the list.
    lists: Lists,
}

impl Metrics {
    /// The recipient `lists` and `reply_rates` per campaign, in scenario order.
    pub fn new(scn: &Scenario, lists: &Lists, reply_rates: &[f64]) -> Self {
        Metrics {
            campaigns: lists
                .iter()
                .zip(reply_rates)
                .map(|(outreaches, &reply_rate)| CampaignMetrics {
                    recipients: outreaches.iter().map(|l| l.len() as u64).sum(),
                    reply_rate,
                    unreached_by_zone: vec![0; scn.zones.len()],
                    ..Default::default()
                })
                .collect(),
            inboxes: vec![InboxMetrics::new(); scn.inboxes.len()],
            rules: vec![RuleMetrics::default(); scn.rules.len()],
            slas: Slas::new(scn),
            rule_topics: scn.rules.iter().map(|r| r.then.add_topic).collect(),
            pending_topics: Vec::new(),
            conversations: Vec::new(),
            topics: BTreeMap::new(),
            routed: Vec::new(),
            shift_time: shift_time::ShiftTime::new(scn),
            silenced: cannot_reply::Silenced::new(scn),
            lists: lists.clone(),
        }
    }

    /// Room for `conversations` conversations before their table grows ([`engine::Engine::expecting`]).
    pub fn expecting(mut self, conversations: usize) -> Self {
        self.conversations.reserve(conversations);
        self
    }

    /// Starts from the recipients' records (sends, skips, unreached rows) that `counted` saw:
    /// the run's own are then not told to it ([`model::Observer::reads_recipients`]).
    pub(crate) fn with_recipients_of(mut self, counted: &Metrics) -> Self {
        for (m, counted) in self.campaigns.iter_mut().zip(&counted.campaigns) {
            m.take_recipients(counted);
        }
        self
    }

    /// A customer message reached an agent, who cannot answer it by SMS if the customer opted out.
    fn reaches_agent(&mut self, phone: Phone, source: Source, inbox: InboxId) {
        if self.silenced.cannot_reply(phone, source) {
            self.inboxes[inbox.index()].cannot_reply += 1;
        }
    }

    fn campaign(&mut self, source: Source) -> Option<&mut CampaignMetrics> {
        source.campaign().map(|c| &mut self.campaigns[c.index()])
    }

    fn route(
        &mut self,
        conversation: ConversationId,
        source: Source,
        inbox: InboxId,
        now: Instant,
    ) {
        debug_assert_eq!(self.conversations.len(), conversation.index());
        let topics = std::mem::take(&mut self.pending_topics);
        let m = &mut self.inboxes[inbox.index()];
        for topic in &topics {
            m.topics.entry(*topic).or_default().arrivals += 1;
        }
        self.conversations.push(Entry {
            entered: now,
            waiting_in: Some(inbox),
            sla: self.slas.of(source, inbox),
        });
        if !topics.is_empty() {
            self.topics.insert(conversation, topics.into());
        }
        m.arrivals += 1;
        if source.campaign().is_some() {
            m.arrivals_from_campaigns += 1;
        }
        m.enqueue();
        self.routed.push(inbox);
    }

    /// A closed conversation the customer wrote to again waits anew, with the SLA it had.
    fn reopen(
        &mut self,
        conversation: ConversationId,
        source: Source,
        inbox: InboxId,
        now: Instant,
    ) {
        let entry = &mut self.conversations[conversation.index()];
        entry.entered = now;
        entry.waiting_in = Some(inbox);
        let m = &mut self.inboxes[inbox.index()];
        if let Some(topics) = self.topics.get(&conversation) {
            for topic in topics {
                m.topics.entry(*topic).or_default().arrivals += 1;
            }
        }
        m.arrivals += 1;
        m.reopened += 1;
        if source.campaign().is_some() {
            m.arrivals_from_campaigns += 1;
        }
        m.enqueue();
        self.routed.push(inbox);
    }

    fn assign(&mut self, conversation: ConversationId, inbox: InboxId, now: Instant) {
        let entry = &mut self.conversations[conversation.index()];
        entry.waiting_in = None;
        let wait = now - entry.entered;
        let topics = self.topics.get(&conversation).map_or(&[][..], |t| t);
        self.inboxes[inbox.index()].assign(now, wait, entry.sla, topics);
    }

    /// What routing rules did: counted per rule and per inbox.
    fn by_rule(&mut self, record: &Record) {
        match *record {
            Record::RuleFired { rule, .. } => {
                self.rules[rule.index()].fired += 1;
                let topic = self.rule_topics[rule.index()];
                if let Some(t) = topic.filter(|t| !self.pending_topics.contains(t)) {
                    self.pending_topics.push(t);
                }
            }
            Record::RuleDisabled { rule } => self.disable(rule),
            Record::Transfer { from, to, .. } => {
                self.inboxes[from.index()].transfers_out += 1;
                self.inboxes[to.index()].transfers_in += 1;
            }
            Record::ClosedByRule {
                conversation,
                inbox,
            } => {
                self.conversations[conversation.index()].waiting_in = None;
                let m = &mut self.inboxes[inbox.index()];
                m.queue -= 1;
                m.closed_by_rules += 1;
            }
            _ => {}
        }
    }

    fn disable(&mut self, rule: RuleId) {
        self.rules[rule.index()].disabled_after_loops = Some(MAX_LOOPS);
    }

    fn unreached(&mut self, to: RecipientRef, reason: EndReason) {
        let zone = self.lists[to.campaign.index()][to.outreach.index()].zone(to.row.index());
        let m = &mut self.campaigns[to.campaign.index()];
        m.unreached += 1;
        m.unreached_by_zone[zone.index()] += 1;
        match reason {
            EndReason::Cutoff => m.unreached_cutoff += 1,
            EndReason::Stopped => m.unreached_stopped += 1,
            EndReason::Horizon => m.unreached_horizon += 1,
        }
    }

    /// Everything but a recipient's records: replies, opt-outs, conversations and rules.
    fn follow(&mut self, now: Instant, record: &Record) {
        match *record {
            Record::Reply {
                source,
                follow_up: false,
                ..
            } => {
                if let Some(m) = self.campaign(source) {
                    m.replies += 1;
                }
            }
            Record::OptOut {
                source,
                phone,
                number,
            } => {
                self.silenced.opt_out(phone, number);
                if let Some(m) = self.campaign(source) {
                    m.opt_outs += 1;
                }
            }
            Record::OptIn {
                source,
                phone,
                number,
            } => {
                self.silenced.opt_in(phone, number);
                if let Some(m) = self.campaign(source) {
                    m.opt_ins += 1;
                }
            }
            Record::Route {
                conversation,
                source,
                inbox,
                ..
            } => self.route(conversation, source, inbox, now),
            Record::Assign {
                conversation,
                source,
                phone,
                inbox,
                agent,
            } => {
                self.reaches_agent(phone, source, inbox);
                self.shift_time.assign(agent, now);
                self.assign(conversation, inbox, now);
            }
            Record::Handle {
                source,
                phone,
                inbox,
                ..
            } => self.reaches_agent(phone, source, inbox),
            Record::Release { inbox, agent, .. } => {
                self.shift_time.release(agent, now);
                self.inboxes[inbox.index()].release(now);
            }
            Record::Reopen {
                conversation,
                source,
                inbox,
                ..
            } => self.reopen(conversation, source, inbox, now),
            Record::Handover { from, to, .. } => {
                self.shift_time.release(from, now);
                self.shift_time.assign(to, now);
            }
            Record::RuleFired { .. }
            | Record::RuleDisabled { .. }
            | Record::Transfer { .. }
            | Record::ClosedByRule { .. } => self.by_rule(record),
            Record::Reply { .. }
            | Record::Start { .. }
            | Record::Finish { .. }
            | Record::AutoReply { .. } => {}
            Record::Send { .. }
            | Record::Deliver { .. }
            | Record::Fail { .. }
            | Record::Skip { .. }
            | Record::Unreached { .. } => unreachable!("a recipient's records are counted inline"),
        }
    }
}

impl Observer for Metrics {
    /// A recipient's records (mostly SMS and verdicts, several per recipient) are counted
    /// inline, in the world's send path; the rest of the stream is followed out of line.
    #[inline]
    fn observe(&mut self, now: Instant, record: &Record) {
        match *record {
            Record::Send { to, .. } => {
                let m = &mut self.campaigns[to.campaign.index()];
                m.sent += 1;
                m.first_send.get_or_insert(now);
                m.last_send = Some(now);
            }
            Record::Deliver { to, .. } => self.campaigns[to.campaign.index()].delivered += 1,
            Record::Fail { to, code, .. } => {
                let m = &mut self.campaigns[to.campaign.index()];
                m.failed += 1;
                *m.failed_by_code.entry(code).or_default() += 1;
            }
            Record::Skip { to, reason, .. } => {
                let m = &mut self.campaigns[to.campaign.index()];
                match reason {
                    SkipReason::OptedOut => m.skipped_opted_out += 1,
                    SkipReason::Duplicate => m.skipped_duplicate += 1,
                }
            }
            Record::Unreached { to, reason, .. } => self.unreached(to, reason),
            _ => self.follow(now, record),
        }
    }

    /// Verdicts are only counted.
    fn needs_verdicts_in_order(&self) -> bool {
        false
    }

    fn settle(&mut self, _at: Instant) {
        for inbox in self.routed.drain(..) {
            self.inboxes[inbox.index()].settle();
        }
    }

    /// Customers still waiting when the run ends waited at least until then: their waits count
    /// (as lower bounds), so an inbox that answers nobody cannot report short waits.
    fn finish(&mut self, end: Instant) {
        for (c, entry) in self.conversations.iter().enumerate() {
            if let Some(inbox) = entry.waiting_in {
                let wait = end.saturating_since(entry.entered);
                let topics = self.topics.get(&ConversationId::new(c));
                let topics = topics.map_or(&[][..], |t| t);
                self.inboxes[inbox.index()].unanswered(wait, entry.sla, topics);
            }
        }
        for (m, (overtime, groups)) in self.inboxes.iter_mut().zip(self.shift_time.finish(end)) {
            m.advance(end);
            m.overtime = overtime;
            m.shift_groups = groups;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_the_smallest_wait_covering_the_share() {
        let ms = Span::from_millis;
        let waits: Vec<Span> = (1..=10).map(ms).collect();
        assert_eq!(nearest_rank(&waits, 50), Some(ms(5)));
        assert_eq!(nearest_rank(&waits, 90), Some(ms(9)));
        assert_eq!(nearest_rank(&waits, 99), Some(ms(10)));
        assert_eq!(nearest_rank(&[ms(7)], 50), Some(ms(7)));
        assert_eq!(nearest_rank(&[], 50), None);
        // 99% of 100 is exactly 99 conversations: no rounding up to the 100th.
        let hundred: Vec<Span> = (1..=100).map(ms).collect();
        assert_eq!(nearest_rank(&hundred, 99), Some(ms(99)));
    }
}
