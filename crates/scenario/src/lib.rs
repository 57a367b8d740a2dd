//! The scenario file (TOML, see SPEC.md): read, checked, and resolved into plain data.
//!
//! Every problem is a [`ScenarioError`] naming file, line and column: type errors and unknown keys
//! come from the TOML reader (in TOML's words, see `error.rs`), bad values from the value types in
//! `values.rs` and `dist.rs`, and broken cross-references (an unknown inbox, an end before its
//! start) from `resolve.rs`.

mod boosts;
mod dist;
mod error;
mod expect;
mod file;
mod recipients;
mod resolve;
mod rules;
mod schema;
mod shifts;
pub mod values;

use std::path::{Path, PathBuf};

pub use dist::Dist;
pub use error::ScenarioError;
pub use expect::{Expectation, Interval, Metric, Op, Over, Target};
pub use file::ReplyStyle;
pub use schema::json_schema;
pub use values::Zone;

use model::CompanyClock;
use model::Duplicates;
use model::Recipient;
use model::Scope;
use model::boosts::Boost;
use model::rules::Rule;
use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};
use model::{CampaignId, InboxId, NumberId, SkillId, TopicId, ZoneId};
use model::{Pacing, Window};

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub path: PathBuf,
    /// Hex SHA-256 of the file's bytes, so a report names exactly what it ran.
    pub sha256: String,
    pub seed: u64,
    /// Time zones by index; 0 is the company's.
    pub zones: Vec<Zone>,
    pub epoch: Epoch,
    /// Optional horizon (virtual time); without it the run goes until all work is done.
    pub until: Option<Instant>,
    pub limits: Limits,
    pub carrier: Carrier,
    /// Customer behaviour for background traffic and campaigns that do not override it.
    pub customers: Customers,
    pub numbers: Vec<Number>,
    pub inboxes: Vec<Inbox>,
    pub campaigns: Vec<Campaign>,
    pub expectations: Vec<Expectation>,
    /// Routing rules in file (sort) order.
    pub rules: Vec<Rule>,
    /// Topic and skill names, by `TopicId` and `SkillId`.
    pub topics: Vec<String>,
    pub skills: Vec<String>,
    /// People Match boosts in file order.
    pub boosts: Vec<Boost>,
    pub routing: model::RoutingSettings,
}

impl Scenario {
    /// This scenario with `campaigns` in place of its own, as the send plan sees it: no
    /// thresholds and no routing (they name campaigns by position, and the plan has no
    /// replies). For what-if plans, without copying the other campaigns' lists.
    pub fn sending_only(&self, campaigns: Vec<Campaign>) -> Scenario {
        Scenario {
            name: self.name.clone(),
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            seed: self.seed,
            zones: self.zones.clone(),
            epoch: self.epoch,
            until: self.until,
            limits: self.limits.clone(),
            carrier: self.carrier.clone(),
            customers: self.customers.clone(),
            numbers: self.numbers.clone(),
            inboxes: self.inboxes.clone(),
            campaigns,
            expectations: Vec::new(),
            rules: Vec::new(),
            topics: Vec::new(),
            skills: Vec::new(),
            boosts: Vec::new(),
            routing: self.routing,
        }
    }

    /// Conditions that can never hold, worded for a warning: topics that rules or boosts look
    /// for but no rule adds, and skills that boosts look for but no rule asks for (only rules
    /// give conversations topics and needed skills). Usually a typo.
    pub fn dead_conditions(&self) -> Vec<String> {
        let added: Vec<TopicId> = self.rules.iter().filter_map(|r| r.then.add_topic).collect();
        let needed: Vec<SkillId> = self
            .rules
            .iter()
            .filter_map(|r| r.then.needs_skill)
            .collect();
        let sought_topics = (self.rules.iter().filter_map(|r| r.when.topic))
            .chain(self.boosts.iter().filter_map(|b| b.when.topic));
        let mut dead: Vec<TopicId> = sought_topics.filter(|t| !added.contains(t)).collect();
        dead.sort_unstable();
        dead.dedup();
        let mut dead_skills: Vec<SkillId> = (self.boosts.iter())
            .filter_map(|b| b.when.skill)
            .filter(|s| !needed.contains(s))
            .collect();
        dead_skills.sort_unstable();
        dead_skills.dedup();
        let topics = dead.into_iter().map(|t| {
            format!(
                "no rule adds topic {:?}: the conditions on it never hold",
                self.topics[t.index()]
            )
        });
        let skills = dead_skills.into_iter().map(|s| {
            format!(
                "no rule asks for skill {:?}: the boosts on it never hold",
                self.skills[s.index()]
            )
        });
        topics.chain(skills).collect()
    }

    /// Every agent of the company, numbered once (see [`model::Staff`]).
    pub fn staff(&self) -> model::Staff {
        model::Staff::new(self.inboxes.iter().map(|i| (i.agents, &i.shifts[..])))
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub windows: Vec<Window>,
    pub pacing: Pacing,
    pub opt_out_scope: Scope,
    pub duplicates: Duplicates,
}

#[derive(Debug, Clone)]
pub struct Carrier {
    /// Seconds from leaving the number's queue to the final status.
    pub latency: Dist,
    pub segments_per_second: f64,
    /// Queued longer than this: the message fails (30036).
    pub validity: Span,
    /// Final statuses and their shares; `None` is delivered, `Some(code)` an error code.
    pub outcomes: Vec<(Option<u32>, f64)>,
}

#[derive(Debug, Clone)]
pub struct Customers {
    /// The share of delivered recipients who reply, drawn once per campaign per run.
    pub reply_rate: Dist,
    /// Seconds from delivery to the first reply.
    pub reply_delay: Dist,
    pub replies: Vec<(String, f64)>,
    /// Customer messages per conversation (>= 1).
    pub follow_ups: Dist,
    /// Seconds the customer takes to answer an agent.
    pub think_time: Dist,
}

#[derive(Debug, Clone)]
pub struct Number {
    pub number: String,
    pub inbox: InboxId,
    /// Entry-point SLA: overrides the inbox's for conversations this number routes there.
    pub sla: Option<Span>,
}

impl Inbox {
    /// The most of its own agents on shift at once in a week, read on the company clock; all of
    /// them without shifts. Groups who work apart are never all on shift together, so their sum
    /// overstates what the inbox has at any hour.
    pub fn most_on_shift(&self) -> u32 {
        if self.shifts.is_empty() {
            return self.agents;
        }
        // The number on shift only rises where a range starts.
        let starts = (0..7).flat_map(|day| {
            (self.shifts.iter())
                .flat_map(move |s| s.hours.ranges(day).iter().map(move |r| (day, r.0)))
        });
        starts
            .map(|(day, minute)| self.on_shift_at(day, minute))
            .max()
            .unwrap_or(0)
    }

    /// Agents of the groups whose hours cover `minute` of weekday `day` (`0` = Monday).
    fn on_shift_at(&self, day: usize, minute: u16) -> u32 {
        (self.shifts.iter())
            .filter(|s| {
                (s.hours.ranges(day).iter()).any(|&(from, to)| from <= minute && minute < to)
            })
            .map(|s| s.agents)
            .sum()
    }
}

#[derive(Debug, Clone)]
pub struct Inbox {
    pub name: String,
    /// Every agent of the inbox: `agents = N`, or the shift groups' agents added up.
    pub agents: u32,
    /// The shift groups, agents numbered group after group; none: every agent is always on shift.
    pub shifts: Vec<model::Shift>,
    /// Conversations an agent is auto-assigned at once.
    pub capacity: u32,
    /// What an agent may hold by pulling work by hand, when `routing.pull` is on.
    pub capacity_maximum: u32,
    /// Seconds an agent spends on one customer message.
    pub handle_time: Dist,
    pub sla_within: Span,
    pub sla_target: f64,
    /// Other inbound conversations per hour, for each hour of the company's day.
    pub background_per_hour: [f64; 24],
    pub same_agent_window: Span,
}

#[derive(Debug, Clone)]
pub struct Campaign {
    pub name: String,
    pub number: NumberId,
    pub reply_style: ReplyStyle,
    pub schedule: Option<WeeklySchedule>,
    pub customers: Customers,
    pub outreaches: Vec<Outreach>,
}

#[derive(Debug, Clone)]
pub struct Outreach {
    pub start: Instant,
    pub end: Option<Instant>,
    pub stop_at: Option<Instant>,
    pub recipients: Recipients,
    pub overlap: Option<Overlap>,
}

#[derive(Debug, Clone)]
pub enum Recipients {
    /// `count` recipients spread over zones by share (zone index, share).
    Generated {
        count: u32,
        zones: Vec<(ZoneId, f64)>,
    },
    /// Rows read from a CSV file, in file order.
    Listed { csv: PathBuf, rows: Vec<Recipient> },
}

impl Recipients {
    /// No one to text: legal (a list still being collected), but worth a warning.
    pub fn is_empty(&self) -> bool {
        match self {
            Recipients::Generated { count, .. } => *count == 0,
            Recipients::Listed { rows, .. } => rows.is_empty(),
        }
    }
}

/// Share a fraction of this outreach's recipients with another campaign's first outreach.
#[derive(Debug, Clone)]
pub struct Overlap {
    pub campaign: CampaignId,
    pub fraction: f64,
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let bytes = std::fs::read(path).map_err(|e| {
            ScenarioError::whole_file(path, format!("cannot read the scenario: {e}"))
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| ScenarioError::whole_file(path, format!("not UTF-8 text: {e}")))?;
        Scenario::parse(path, &text)
    }

    /// Checks scenario `text`; `path` names it in errors and anchors relative CSV paths.
    pub fn parse(path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
        let file: file::ScenarioFile = toml::from_str(text).map_err(|e| {
            let key = e
                .span()
                .and_then(|span| error::key_before(text, span.start));
            let message = error::in_toml_words(e.message().trim_end(), key);
            ScenarioError::at(path, text, e.span(), message)
        })?;
        resolve::resolve(file, path, text)
    }

    /// The clock every report shows times on: the company's time zone (zone 0) from the start.
    pub fn company_clock(&self) -> CompanyClock {
        CompanyClock::new(self.zones[0].tz.clone(), self.epoch)
    }
}
