//! Everything the campaign system is configured with: plain data, built from a scenario.

use jiff::tz::TimeZone;

use model::List;
use model::boosts::Boost;
use model::rules::Rule;
use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};
use model::{Duplicates, Pacing, RoutingSettings, Scope, Window};
use model::{InboxId, NumberId, Shift};

#[derive(Debug, Clone)]
pub struct Config {
    pub epoch: Epoch,
    /// Time zones referred to by index from recipients.
    pub zones: Vec<TimeZone>,
    pub windows: Vec<Window>,
    pub pacing: Pacing,
    pub opt_out_scope: Scope,
    pub duplicates: Duplicates,
    /// The inbox each sending number's replies go to, by number.
    pub number_inbox: Vec<InboxId>,
    /// Each number's entry-point SLA, if it overrides the inbox's.
    pub number_sla: Vec<Option<Span>>,
    /// Routing rules in sort order.
    pub rules: Vec<Rule>,
    /// People Match boosts.
    pub boosts: Vec<Boost>,
    pub routing: RoutingSettings,
    pub inboxes: Vec<InboxConfig>,
    pub campaigns: Vec<CampaignConfig>,
}

#[derive(Debug, Clone)]
pub struct InboxConfig {
    /// Always-on agents; ignored when `shifts` names the agents instead.
    pub agents: u32,
    /// Shift groups on the company clock (`zones[0]`); empty: `agents` are always on shift.
    pub shifts: Vec<Shift>,
    /// Conversations an agent is auto-assigned at once.
    pub capacity: u32,
    /// What an agent may hold by pulling work, when `routing.pull` is on.
    pub maximum: u32,
    /// Due date = contact time + this.
    pub sla: Span,
    /// A customer silent longer than this ends the session and frees the agent's slot.
    pub same_agent_window: Span,
}

#[derive(Debug, Clone)]
pub struct CampaignConfig {
    pub number: NumberId,
    /// `None`: sends at any hour.
    pub schedule: Option<WeeklySchedule>,
    pub outreaches: Vec<OutreachConfig>,
}

#[derive(Debug, Clone)]
pub struct OutreachConfig {
    pub start: Instant,
    /// Nothing is sent at or after it; the rest stays unreached and the outreach ends Completed.
    pub end: Option<Instant>,
    /// Cancelled by hand at this time: ends Stopped.
    pub stop_at: Option<Instant>,
    pub recipients: List,
}

impl OutreachConfig {
    /// Whether the outreach may send at `now`: from its start, and before its end and its stop.
    pub fn sends_at(&self, now: Instant) -> bool {
        self.start <= now
            && self.end.is_none_or(|e| now < e)
            && self.stop_at.is_none_or(|s| now < s)
    }
}
