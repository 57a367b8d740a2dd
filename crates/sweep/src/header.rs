//! What a sweep is of: everything the final outputs name besides the runs' numbers, taken from
//! the scenario once, and carried in every shard so that `merge` needs no scenario file.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use model::InboxId;
use model::time::{HOUR, Instant, Span};
use scenario::{Scenario, Target};
use sim::metrics::timeline::wait_interval;
use sim::population::Population;

/// The metrics each run reports per campaign, in `runs.csv` and `sweep.json` order.
pub const CAMPAIGN_METRICS: [&str; 4] = ["sent", "unreached", "replies", "last_send_s"];
/// The metrics each run reports per inbox.
pub const INBOX_METRICS: [&str; 9] = [
    "arrivals",
    "wait_p50_s",
    "wait_p90_s",
    "wait_p99_s",
    "max_queue",
    "utilization",
    "utilization_staffed",
    "utilization_busy_hours",
    "sla_attainment",
];

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Header {
    pub scenario: String,
    pub scenario_sha256: String,
    /// SHA-256 of the recipient lists as built (phones and time zones, list by list): recipient
    /// CSVs are files of their own, which the scenario's hash does not cover.
    pub recipients_sha256: String,
    pub version: String,
    /// Runs of the whole sweep (every shard's together).
    pub runs: u64,
    pub first_seed: u64,
    /// The company's IANA zone and the instant the run starts at, for the charts' time axes.
    pub zone: String,
    pub epoch: String,
    /// Width of the band charts' time bins, in milliseconds.
    pub bin_ms: u64,
    pub campaigns: Vec<String>,
    pub inboxes: Vec<InboxInfo>,
    pub expectations: Vec<ExpectationInfo>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct InboxInfo {
    pub name: String,
    /// `8 agents x 3`, or `up to 5 on shift x 3` (`report::show::staffing`).
    pub staffing: String,
    /// Agents x standard capacity, when the inbox is staffed all the time (`agents = N`); the
    /// load chart draws it as a line.
    pub staffed_slots: Option<u64>,
    /// For an inbox on shifts, its staffed slots as steps: (hours from the start, slots from
    /// then on), up to the horizon the scenario suggests (see [`bin_width`]). The load chart
    /// draws them as its staffed-capacity line.
    #[serde(default)]
    pub staffed_steps: Vec<(f64, u64)>,
    pub sla_within_s: f64,
    pub sla_target: f64,
}

/// A threshold as `sweep.json` names it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ExpectationInfo {
    pub threshold: String,
    pub target: String,
    pub metric: String,
    pub condition: String,
}

impl Header {
    pub fn of(scn: &Scenario, population: &Population, runs: u64) -> Header {
        let target_name = |t: Target| match t {
            Target::Campaign(c) => format!("campaign:{}", scn.campaigns[c.index()].name),
            Target::Inbox(i) => format!("inbox:{}", scn.inboxes[i.index()].name),
        };
        let horizon = expected_end(scn);
        Header {
            scenario: scn.name.clone(),
            scenario_sha256: scn.sha256.clone(),
            recipients_sha256: lists_sha256(population),
            version: env!("CARGO_PKG_VERSION").to_string(),
            runs,
            first_seed: scn.seed,
            zone: scn.zones[0].name.clone(),
            epoch: scn.epoch.0.to_string(),
            bin_ms: bin_width(scn).as_millis(),
            campaigns: scn.campaigns.iter().map(|c| c.name.clone()).collect(),
            inboxes: scn
                .inboxes
                .iter()
                .enumerate()
                .map(|(k, i)| InboxInfo {
                    name: i.name.clone(),
                    staffing: report::show::staffing(i),
                    staffed_slots: i
                        .shifts
                        .is_empty()
                        .then(|| u64::from(i.agents) * u64::from(i.capacity)),
                    staffed_steps: if i.shifts.is_empty() {
                        Vec::new()
                    } else {
                        staffed_steps(scn, InboxId::new(k), horizon)
                    },
                    sla_within_s: i.sla_within.as_millis() as f64 / 1000.0,
                    sla_target: i.sla_target,
                })
                .collect(),
            expectations: scn
                .expectations
                .iter()
                .map(|e| {
                    let target = target_name(e.target);
                    ExpectationInfo {
                        threshold: report::show::threshold(&target, e),
                        target,
                        metric: e.metric.name().to_string(),
                        condition: e.condition.clone(),
                    }
                })
                .collect(),
        }
    }

    /// Every (kind, name, metric) a run reports, in `runs.csv` order.
    pub fn layout(&self) -> Vec<(&'static str, &str, &'static str)> {
        let campaigns = self.campaigns.iter().flat_map(|name| {
            CAMPAIGN_METRICS
                .iter()
                .map(move |&m| ("campaign", name.as_str(), m))
        });
        let inboxes = self.inboxes.iter().flat_map(|i| {
            INBOX_METRICS
                .iter()
                .map(move |&m| ("inbox", i.name.as_str(), m))
        });
        campaigns.chain(inboxes).collect()
    }

    /// The seed of run `i` (0-based): the scenario's seed plus `i`, as `check` numbers them.
    pub fn seed(&self, i: u64) -> u64 {
        self.first_seed.wrapping_add(i)
    }
}

/// Band charts' bin width, fixed by the scenario before any run so that every shard bins alike:
/// the wait interval single runs use (15 minutes up to two days, whole hours beyond) for the
/// length the scenario suggests: its horizon, or else a day past the plan's last send.
fn bin_width(scn: &Scenario) -> Span {
    wait_interval(expected_end(scn))
}

/// Where a run of `scn` is expected to end: its horizon, or else a day past the plan's last send.
fn expected_end(scn: &Scenario) -> Instant {
    scn.until.unwrap_or_else(|| {
        let plan = sim::plan(scn);
        let last = plan
            .campaigns
            .iter()
            .filter_map(|c| c.last_send)
            .max()
            .unwrap_or(Instant::START);
        last.saturating_add(24 * HOUR)
    })
}

/// An inbox's staffed slots up to `end`, as (hours from the start, slots) steps.
fn staffed_steps(scn: &Scenario, inbox: InboxId, end: Instant) -> Vec<(f64, u64)> {
    sim::staffing::staffed_slots(scn, inbox, end)
        .into_iter()
        .map(|(t, slots)| {
            let hours = t.as_millis() as f64 / HOUR.as_millis() as f64;
            (hours, u64::from(slots))
        })
        .collect()
}

/// A hash of every list, row by row: the phone and the time zone's index.
fn lists_sha256(population: &Population) -> String {
    let mut h = Sha256::new();
    for (c, outreaches) in population.lists.iter().enumerate() {
        for (o, list) in outreaches.iter().enumerate() {
            h.update((c as u64).to_le_bytes());
            h.update((o as u64).to_le_bytes());
            h.update((list.len() as u64).to_le_bytes());
            for r in list.iter() {
                h.update(r.phone.0.to_le_bytes());
                h.update((r.zone.index() as u64).to_le_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
