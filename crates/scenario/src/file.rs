//! The scenario file as written (SPEC.md "Scenario file"): serde shapes only, checked as they are
//! read. Cross-references (inbox names, campaign names) are resolved in `resolve.rs`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::boosts::BoostFile;
use super::dist::DistTable;
use super::values::{DateTimeValue, Duration, Schedule, Share, Zone};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Spanned<String>,
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
    pub rules: Vec<RuleFile>,
    #[serde(default)]
    pub boosts: Vec<BoostFile>,
    #[serde(default)]
    pub routing: RoutingFile,
    #[serde(default)]
    pub expect: Vec<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [simulation] table like simulation = { start = \"2026-12-01T08:00\" }"
)]
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
#[serde(
    deny_unknown_fields,
    expecting = "a [limits] table like limits = { pacing = \"eager\" }"
)]
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
#[serde(
    deny_unknown_fields,
    expecting = "a window like { max = 8, per = \"60s\" }"
)]
pub struct WindowFile {
    pub max: Spanned<u32>,
    pub per: Spanned<Duration>,
}

#[derive(Default, Clone, Copy)]
pub enum PacingFile {
    #[default]
    Eager,
    Even,
    PerWindow,
}

impl Words for PacingFile {
    const WORDS: &[(&str, Self)] = &[
        ("eager", Self::Eager),
        ("even", Self::Even),
        ("per_window", Self::PerWindow),
    ];
}

#[derive(Deserialize, Default)]
#[serde(
    deny_unknown_fields,
    expecting = "a [routing] table like routing = { at_shift_end = \"overtime\", reopen_window = \"24h\", pull = false }"
)]
pub struct RoutingFile {
    #[serde(default)]
    pub at_shift_end: AtShiftEndFile,
    pub reopen_window: Option<Duration>,
    #[serde(default)]
    pub pull: bool,
}

#[derive(Default, Clone, Copy)]
pub enum AtShiftEndFile {
    #[default]
    Overtime,
    Handover,
    Requeue,
}

impl Words for AtShiftEndFile {
    const WORDS: &[(&str, Self)] = &[
        ("overtime", Self::Overtime),
        ("handover", Self::Handover),
        ("requeue", Self::Requeue),
    ];
}

#[derive(Default, Clone, Copy)]
pub enum OptOutScopeFile {
    #[default]
    Company,
    SenderNumber,
}

impl Words for OptOutScopeFile {
    const WORDS: &[(&str, Self)] = &[
        ("company", Self::Company),
        ("sender_number", Self::SenderNumber),
    ];
}

#[derive(Default, Clone, Copy)]
pub enum DuplicatesFile {
    #[default]
    SendOnce,
    SendPerRow,
}

impl Words for DuplicatesFile {
    const WORDS: &[(&str, Self)] = &[
        ("send_once", Self::SendOnce),
        ("send_per_row", Self::SendPerRow),
    ];
}

#[derive(Deserialize, Default)]
#[serde(
    deny_unknown_fields,
    expecting = "a [carrier] table like carrier = { validity = \"10h\" }"
)]
pub struct CarrierFile {
    pub latency: Option<Spanned<DistTable>>,
    pub segments_per_second: Option<Spanned<f64>>,
    pub validity: Option<Duration>,
    pub outcomes: Option<Spanned<BTreeMap<String, Share>>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(
    deny_unknown_fields,
    expecting = "a [customers] table like customers = { reply_delay = { dist = \"exponential\", mean = \"10m\" } }"
)]
pub struct CustomersFile {
    pub reply_rate: Option<Spanned<DistTable>>,
    pub reply_delay: Option<Spanned<DistTable>>,
    pub replies: Option<Spanned<Vec<ReplyFile>>>,
    pub follow_ups: Option<Spanned<DistTable>>,
    pub think_time: Option<Spanned<DistTable>>,
}

#[derive(Deserialize, Clone)]
#[serde(
    deny_unknown_fields,
    expecting = "a reply like { body = \"Thanks!\", weight = 30 }"
)]
pub struct ReplyFile {
    pub body: String,
    pub weight: f64,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[numbers]] table like { number = \"+15550100\", inbox = \"Campaign Replies\" }"
)]
pub struct NumberFile {
    pub number: Spanned<String>,
    pub inbox: Spanned<String>,
    /// Entry-point SLA: overrides the inbox's for conversations this number routes there.
    pub sla: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[rules]] table like { name = \"Orders\", when = { body_words = [\"order\"] }, then = { move_to_inbox = \"Orders\" } }"
)]
pub struct RuleFile {
    pub name: Spanned<String>,
    pub when: Spanned<WhenFile>,
    pub then: Spanned<ThenFile>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like when = { body_contains = \"refund\", inbox = \"Campaign Replies\" }"
)]
pub struct WhenFile {
    pub body_contains: Option<Spanned<String>>,
    pub body_words: Option<Spanned<Vec<String>>>,
    pub body_regex: Option<Spanned<String>>,
    pub inbox: Option<Spanned<String>>,
    pub number: Option<Spanned<String>>,
    pub topic: Option<Spanned<String>>,
    pub campaign: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like then = { move_to_inbox = \"Orders\", add_topic = \"Order status\" }"
)]
pub struct ThenFile {
    pub move_to_inbox: Option<Spanned<String>>,
    pub add_topic: Option<Spanned<String>>,
    pub needs_skill: Option<Spanned<String>>,
    pub auto_reply: Option<Spanned<String>>,
    #[serde(default)]
    pub no_reply_needed: bool,
    #[serde(default)]
    pub close: bool,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an [[inboxes]] table like { name = \"Campaign Replies\", agents = 6 }"
)]
pub struct InboxFile {
    pub name: Spanned<String>,
    /// Always on shift; or `shifts` instead.
    pub agents: Option<Spanned<u32>>,
    pub shifts: Option<Spanned<Vec<super::shifts::ShiftFile>>>,
    pub sla: Option<Spanned<SlaFile>>,
    pub capacity: Option<Spanned<CapacityFile>>,
    pub handle_time: Option<Spanned<DistTable>>,
    pub background: Option<Spanned<BackgroundFile>>,
    pub same_agent_window: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like sla = { within = \"5m\", target = \"90%\" }"
)]
pub struct SlaFile {
    pub within: Duration,
    pub target: Share,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like capacity = { standard = 3, maximum = 5 }"
)]
pub struct CapacityFile {
    pub standard: u32,
    pub maximum: Option<u32>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like background = { per_hour = 30 }"
)]
pub struct BackgroundFile {
    pub per_hour: PerHour,
}

/// One hourly rate for the whole day, or 24 of them (company clock).
pub enum PerHour {
    Flat(f64),
    Profile(Vec<f64>),
}

impl<'de> Deserialize<'de> for PerHour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PerHour;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an hourly rate like 30, or an array of 24 rates (one per hour of the company's day)")
            }
            fn visit_i64<E>(self, v: i64) -> Result<PerHour, E> {
                Ok(PerHour::Flat(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<PerHour, E> {
                Ok(PerHour::Flat(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<PerHour, E> {
                Ok(PerHour::Flat(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PerHour, A::Error> {
                let mut rates = Vec::new();
                while let Some(rate) = seq.next_element()? {
                    rates.push(rate);
                }
                Ok(PerHour::Profile(rates))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[campaigns]] table with name, number and [[campaigns.outreaches]]"
)]
pub struct CampaignFile {
    pub name: Spanned<String>,
    pub number: Spanned<String>,
    pub message: Option<MessageFile>,
    pub schedule: Option<Schedule>,
    pub customers: Option<CustomersFile>,
    pub outreaches: Spanned<Vec<OutreachFile>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like message = { replies = \"invite\" }"
)]
pub struct MessageFile {
    #[serde(default)]
    pub replies: ReplyStyle,
}

/// How the message's wording moves the reply rate.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyStyle {
    Invite,
    #[default]
    Neutral,
    Discourage,
}

impl Words for ReplyStyle {
    const WORDS: &[(&str, Self)] = &[
        ("invite", Self::Invite),
        ("neutral", Self::Neutral),
        ("discourage", Self::Discourage),
    ];
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an outreach like { start = \"2026-12-01T09:00\", recipients = { count = 500 } }"
)]
pub struct OutreachFile {
    pub start: Spanned<DateTimeValue>,
    pub end: Option<Spanned<DateTimeValue>>,
    pub stop_at: Option<Spanned<DateTimeValue>>,
    pub recipients: Spanned<RecipientsFile>,
    pub overlap: Option<OverlapFile>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like recipients = { count = 500 } or recipients = { csv = \"list.csv\" }"
)]
pub struct RecipientsFile {
    pub count: Option<u32>,
    pub timezones: Option<BTreeMap<String, Share>>,
    pub csv: Option<String>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like overlap = { campaign = \"VIP early access\", fraction = 0.1 }"
)]
pub struct OverlapFile {
    pub campaign: Spanned<String>,
    pub fraction: Share,
}

/// A key whose value is one of a few words, `pacing = "eager"`: errors list the words.
pub trait Words: Sized + Copy + 'static {
    const WORDS: &[(&str, Self)];
}

fn one_of<'de, D: Deserializer<'de>, T: Words>(d: D) -> Result<T, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<T: Words> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            let words: Vec<String> = T::WORDS.iter().map(|(w, _)| format!("{w:?}")).collect();
            write!(f, "one of {}", words.join(", "))
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
            T::WORDS
                .iter()
                .find(|(w, _)| *w == s)
                .map(|&(_, v)| v)
                .ok_or_else(|| E::invalid_value(Unexpected::Str(s), &self))
        }
    }
    d.deserialize_str(V(PhantomData))
}

impl<'de> Deserialize<'de> for PacingFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d)
    }
}

impl<'de> Deserialize<'de> for AtShiftEndFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d)
    }
}

impl<'de> Deserialize<'de> for OptOutScopeFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d)
    }
}

impl<'de> Deserialize<'de> for DuplicatesFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d)
    }
}

impl<'de> Deserialize<'de> for ReplyStyle {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_of(d)
    }
}
