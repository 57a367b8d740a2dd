use std::path::Path;

use engine::SendLimit;
use model::record::Record;
use model::time::{Instant, Span};
use model::{Pacing, RecipientRef, Window};
use scenario::Scenario;
use sim::Outcome;

pub fn scenario(toml: &str) -> Scenario {
    Scenario::parse(Path::new("test.toml"), toml).unwrap_or_else(|e| panic!("{e}"))
}

pub fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The instant `span` after the run's start.
pub fn after(span: Span) -> Instant {
    Instant::START + span
}

/// Every SMS sent in `trace`: when, and to which row.
pub fn sends(trace: &[(Instant, Record)]) -> Vec<(Instant, RecipientRef)> {
    trace
        .iter()
        .filter_map(|&(t, r)| match r {
            Record::Send { to, .. } => Some((t, to)),
            _ => None,
        })
        .collect()
}

/// Every violation the auditor finds in `trace` of a run of `scn`.
pub fn audit(scn: &Scenario, trace: &[(Instant, Record)]) -> Vec<audit::Violation> {
    audit::audit(scn, &sim::population::build(scn).lists, trace)
}

/// A deliberately wrong limiter: a token bucket of `per_minute` tokens refilled continuously. It
/// lets a full bucket go at once and then one send every 60/`per_minute` s, so 8 per minute
/// becomes 15 in the first minute.
pub struct TokenBucket {
    interval: Span,
    capacity: Span,
    credit: Span,
    last: Instant,
}

impl TokenBucket {
    pub fn new(per_minute: u32) -> Self {
        let interval = Span::from_millis(60_000 / u64::from(per_minute.max(1)));
        let full = interval.checked_mul(u64::from(per_minute)).unwrap();
        TokenBucket {
            interval,
            capacity: full,
            credit: full,
            last: Instant::START,
        }
    }

    fn credit_at(&self, now: Instant) -> Span {
        (self.credit + (now - self.last)).min(self.capacity)
    }
}

impl SendLimit for TokenBucket {
    fn next_allowed(&self, now: Instant) -> Option<Instant> {
        let credit = self.credit_at(now);
        Some(if credit >= self.interval {
            now
        } else {
            now + (self.interval - credit)
        })
    }

    fn record(&mut self, at: Instant) {
        self.credit = self.credit_at(at) - self.interval;
        self.last = at;
    }
}

/// A lazy campaign system that never sends: it leaves everyone unreached, which every safety
/// invariant accepts and only the auditor's liveness check catches.
pub struct Idle;

impl SendLimit for Idle {
    fn next_allowed(&self, _now: Instant) -> Option<Instant> {
        None
    }

    fn record(&mut self, _at: Instant) {
        unreachable!("an idle limiter allows no send")
    }
}

/// A run of `scn` with every record kept, its campaigns under the limiters `limiter` builds.
pub fn run_with_limiter<L: SendLimit>(
    scn: &Scenario,
    seed: u64,
    limiter: impl Fn() -> L,
) -> Outcome {
    let opts = sim::Options { seed, trace: true };
    let population = sim::population::build(scn);
    sim::Run::with(scn, &population, &opts, (), |_: &[Window], _: Pacing| {
        limiter()
    })
    .finish()
    .0
}

/// Runs with a full trace and fails the test on any invariant the auditor finds broken.
pub fn run_audited(scn: &Scenario, seed: u64) -> Outcome {
    let outcome = sim::run(scn, &sim::Options { seed, trace: true });
    let violations = audit(scn, &outcome.trace);
    assert!(
        violations.is_empty(),
        "{} violations in {} seed {seed}, first: {}",
        violations.len(),
        scn.name,
        violations[0]
    );
    for (c, m) in outcome.campaigns.iter().enumerate() {
        assert_eq!(
            m.recipients,
            m.sent + m.unreached + m.skipped_opted_out + m.skipped_duplicate,
            "conservation for campaign {c}"
        );
    }
    outcome
}

/// A scenario with one campaign of `count` recipients in New York, with extra TOML appended to the
/// campaign table (schedule...) and to the outreach table (end...).
pub fn one_campaign(count: u32, campaign_extra: &str, outreach_extra: &str) -> String {
    format!(
        r#"
name = "one"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 3
[[campaigns]]
name = "A"
number = "+15550100"
{campaign_extra}
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = {{ count = {count} }}
{outreach_extra}
"#
    )
}

/// One agent with one slot under the replies of 1000 SMS, three in ten of which are answered:
/// from the first replies on, conversations wait far longer than the 2-minute SLA.
pub const UNDERSTAFFED: &str = r#"
name = "understaffed"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
[customers]
reply_rate = { dist = "fixed", value = 0.3 }
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 1
capacity = { standard = 1, maximum = 1 }
sla = { within = "2m", target = 0.9 }
[[campaigns]]
name = "Burst"
number = "+15550100"
message = { replies = "invite" }
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 1000 }
"#;
