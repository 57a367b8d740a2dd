use std::path::Path;

use scenario::Scenario;
use sim::{self, Outcome};

pub fn scenario(toml: &str) -> Scenario {
    Scenario::parse(Path::new("test.toml"), toml).unwrap_or_else(|e| panic!("{e}"))
}

pub fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Every violation the auditor finds in `trace` of a run of `scn`.
pub fn audit(scn: &Scenario, trace: &[model::record::Event]) -> Vec<audit::Violation> {
    audit::Auditor::new(scn, sim::population::build(scn).lists).audit(trace)
}

/// Runs with a full trace and fails the test on any invariant the auditor finds broken.
pub fn run_audited(scn: &Scenario, seed: u64) -> Outcome {
    let outcome = sim::run(
        scn,
        &sim::Options {
            seed,
            trace: true,
            ..Default::default()
        },
    );
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
