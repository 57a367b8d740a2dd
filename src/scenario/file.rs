//! The scenario file as written (SPEC.md "Scenario file"): serde shapes only, checked as they are
//! read. Cross-references (inbox names, campaign names) are resolved in `resolve.rs`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::dist::DistTable;
use super::values::{DateTimeValue, Duration, Schedule, Zone};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: String,
    pub simulation: SimulationFile,
    #[serde(default)]
    pub limits: LimitsFile,
    #[serde(default)]
    pub carrier: CarrierFile,
    #[serde(default)]
    pub customers: CustomersFile,
    pub numbers: Vec<NumberFile>,
    pub inboxes: Vec<InboxFile>,
    pub campaigns: Vec<CampaignFile>,
    #[serde(default)]
    pub expect: Vec<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationFile {
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub timezone: Option<Zone>,
    pub start: Spanned<DateTimeValue>,
    pub until: Option<Spanned<DateTimeValue>>,
}

fn default_seed() -> u64 {
    1
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LimitsFile {
    pub windows: Option<Spanned<Vec<WindowFile>>>,
    #[serde(default)]
    pub pacing: PacingFile,
    #[serde(default)]
    pub opt_out_scope: OptOutScopeFile,
    #[serde(default)]
    pub duplicates: DuplicatesFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowFile {
    pub max: Spanned<u32>,
    pub per: Spanned<Duration>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum PacingFile {
    #[default]
    Eager,
    Even,
    PerWindow,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum OptOutScopeFile {
    #[default]
    Company,
    SenderNumber,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatesFile {
    #[default]
    SendOnce,
    SendPerRow,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CarrierFile {
    pub latency: Option<Spanned<DistTable>>,
    pub segments_per_second: Option<Spanned<f64>>,
    pub validity: Option<Duration>,
    pub outcomes: Option<Spanned<BTreeMap<String, f64>>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct CustomersFile {
    pub reply_rate: Option<Spanned<DistTable>>,
    pub reply_delay: Option<Spanned<DistTable>>,
    pub replies: Option<Vec<ReplyFile>>,
    pub follow_ups: Option<Spanned<DistTable>>,
    pub think_time: Option<Spanned<DistTable>>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReplyFile {
    pub body: String,
    pub weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberFile {
    pub number: Spanned<String>,
    pub inbox: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxFile {
    pub name: Spanned<String>,
    pub agents: u32,
    pub sla: Option<SlaFile>,
    pub capacity: Option<CapacityFile>,
    pub handle_time: Option<Spanned<DistTable>>,
    pub background: Option<Spanned<BackgroundFile>>,
    pub same_agent_window: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    pub within: Duration,
    pub target: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityFile {
    pub standard: u32,
    pub maximum: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackgroundFile {
    pub per_hour: PerHour,
}

/// One hourly rate for the whole day, or 24 of them (company clock).
#[derive(Deserialize)]
#[serde(untagged)]
pub enum PerHour {
    Flat(f64),
    Profile(Vec<f64>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    pub name: Spanned<String>,
    pub number: Spanned<String>,
    pub message: Option<MessageFile>,
    pub schedule: Option<Schedule>,
    pub customers: Option<CustomersFile>,
    pub outreaches: Spanned<Vec<OutreachFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFile {
    #[serde(default)]
    pub replies: ReplyStyle,
}

/// How the message's wording moves the reply rate.
#[derive(Deserialize, Default, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReplyStyle {
    Invite,
    #[default]
    Neutral,
    Discourage,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutreachFile {
    pub start: Spanned<DateTimeValue>,
    pub end: Option<Spanned<DateTimeValue>>,
    pub stop_at: Option<Spanned<DateTimeValue>>,
    pub recipients: Spanned<RecipientsFile>,
    pub overlap: Option<OverlapFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientsFile {
    pub count: Option<u32>,
    pub timezones: Option<BTreeMap<String, f64>>,
    pub csv: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlapFile {
    pub campaign: Spanned<String>,
    pub fraction: Spanned<f64>,
}
