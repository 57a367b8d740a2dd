//! CI mode: run scenarios over many seeds, audit every trace, judge every threshold, and say
//! plainly what broke, where, when, and how to reproduce it.
//!
//! Runs are independent and collected in (scenario, seed) order, so the report does not depend
//! on how many threads ran them.

mod divergence;
mod junit;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use audit::{Auditor, Violation};
use engine::limiter::Fault;
use model::record::Event;
use model::time::Millis;
use report::{self, Verdict};
use scenario::{Expectation, Op, Over, Scenario};
use sim::{self, Outcome};

pub use divergence::{Divergence, first_difference};
pub use junit::to_junit;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seeds per scenario: the scenario's seed and the ones after it. At least 1 (the command
    /// line refuses 0).
    pub seeds: u64,
    /// Run each seed twice and compare the traces record by record.
    pub verify_determinism: bool,
    /// Test-only: check a broken limiter (proves the auditor catches one).
    pub limiter_fault: Option<Fault>,
}

#[derive(Serialize, Debug)]
pub struct Report {
    pub passed: bool,
    pub scenarios: Vec<ScenarioCheck>,
    /// Everything that failed, one line each, in scenario and seed order.
    pub breaches: Vec<Breach>,
}

#[derive(Serialize, Debug)]
pub struct ScenarioCheck {
    pub name: String,
    pub path: String,
    pub runs: Vec<RunCheck>,
    pub thresholds: Vec<ThresholdCheck>,
}

#[derive(Serialize, Debug)]
pub struct RunCheck {
    pub seed: u64,
    pub events: u64,
    pub violations: usize,
    /// SHA-256 of the full trace.
    pub trace_sha256: String,
    /// With `--verify-determinism`: whether a second run gave the same trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deterministic: Option<bool>,
    #[serde(skip)]
    pub verdicts: Vec<Verdict>,
}

#[derive(Serialize, Debug)]
pub struct ThresholdCheck {
    /// The threshold as written, for people (see [`report::show::threshold`]).
    pub threshold: String,
    pub target: String,
    pub metric: &'static str,
    pub condition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    pub over: &'static str,
    pub runs: usize,
    pub runs_passed: usize,
    pub passed: bool,
    /// The worst run in the threshold's direction (the largest value for `<=`/`<`, the smallest
    /// for `>=`/`>`; ties to the lowest seed): its seed and value.
    pub worst_seed: u64,
    pub worst_observed: f64,
    /// `worst_observed` in its unit, for people: `14m11s`, `92.6 %`, `1160`.
    pub worst_observed_text: String,
}

#[derive(Serialize, Debug, Clone)]
pub struct Breach {
    pub scenario: String,
    /// `send_window`, `schedule`, ..., `threshold` or `determinism`.
    pub kind: String,
    pub seed: u64,
    /// How many times the run broke it (an invariant broken at every SMS is one breach).
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// Company-clock time of the breach (the first, when repeated), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub message: String,
    /// The command that reproduces it.
    pub reproduce: String,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BREACH {} in {} (seed {})",
            self.kind, self.scenario, self.seed
        )?;
        if let Some(c) = &self.campaign {
            write!(f, ", campaign {c:?}")?;
        }
        if self.count > 1 {
            write!(f, ", {} times", self.count)?;
        }
        if let Some(at) = &self.at {
            let first = if self.count > 1 { "first " } else { "" };
            write!(f, ", {first}at {at}")?;
        }
        write!(f, ": {}\n  reproduce: {}", self.message, self.reproduce)
    }
}

/// One run's raw results.
struct Run {
    seed: u64,
    events: u64,
    violations: Vec<Violation>,
    verdicts: Vec<Verdict>,
    hash: String,
    /// With `--verify-determinism`: whether a second run gave the same trace, and if not where
    /// the two first differ.
    deterministic: Option<bool>,
    divergence: Option<Divergence>,
}

fn trace_hash(trace: &[Event]) -> String {
    let mut h = Sha256::new();
    for e in trace {
        h.update(e.t.to_le_bytes());
        h.update(e.kind.name().as_bytes());
        h.update(e.kind.detail().as_bytes());
        for v in [
            e.campaign,
            e.outreach,
            e.recipient,
            e.number,
            e.inbox,
            e.agent,
        ] {
            h.update(v.to_le_bytes());
        }
        h.update(e.phone.map_or(u64::MAX, |p| p.0).to_le_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn run_one(scn: &Scenario, auditor: &Auditor, seed: u64, opts: &Options) -> Run {
    let sim_opts = sim::Options {
        seed,
        trace: true,
        limiter_fault: opts.limiter_fault,
    };
    let outcome: Outcome = sim::run(scn, &sim_opts);
    let hash = trace_hash(&outcome.trace);
    let replay = opts
        .verify_determinism
        .then(|| first_difference(&outcome.trace, &sim::run(scn, &sim_opts).trace));
    let violations = auditor.audit(&outcome.trace);
    let summary = report::summarize(scn, &outcome);
    Run {
        seed,
        events: outcome.events,
        violations,
        verdicts: summary.expectations,
        hash,
        deterministic: replay.as_ref().map(Option::is_none),
        divergence: replay.flatten(),
    }
}

fn local(scn: &Scenario, t: Millis) -> String {
    let dt = scn.zones[0].tz.to_datetime(scn.epoch.timestamp(t));
    format!("{} (t={t} ms)", dt.strftime("%Y-%m-%d %H:%M:%S%.3f"))
}

/// Violations of one invariant for one campaign in one run, as (the earliest, how many): an
/// invariant broken at every SMS is one breach with a count, not a line per SMS.
fn group(violations: &[Violation]) -> Vec<(&Violation, usize)> {
    let mut groups: Vec<(&Violation, usize)> = Vec::new();
    let mut index: BTreeMap<(&str, Option<u32>), usize> = BTreeMap::new();
    for v in violations {
        let key = (v.invariant.name(), v.campaign);
        match index.get(&key) {
            Some(&g) => {
                let (first, count) = &mut groups[g];
                *count += 1;
                if v.t < first.t {
                    *first = v;
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push((v, 1));
            }
        }
    }
    groups
}

/// The run that did worst on threshold `e`: the largest value for `<=`/`<`, the smallest for
/// `>=`/`>`, ties to the lowest seed.
fn worst_run<'a>(e: &Expectation, verdicts: &[(u64, &'a Verdict)]) -> (u64, &'a Verdict) {
    let badness = |v: &Verdict| match e.op {
        Op::Le | Op::Lt => v.observed,
        Op::Ge | Op::Gt => -v.observed,
    };
    // A per-interval run with no conversation in any interval measured nothing: it is never
    // the worst while another run measured something.
    let measured = |v: &Verdict| e.interval.is_none() || v.worst_interval.is_some();
    *verdicts
        .iter()
        .max_by(|(seed_a, a), (seed_b, b)| {
            measured(a)
                .cmp(&measured(b))
                .then(badness(a).total_cmp(&badness(b)))
                .then(seed_b.cmp(seed_a))
        })
        .expect("at least one seed per scenario")
}

/// Runs every scenario over `opts.seeds` seeds on all cores.
pub fn check(scenarios: &[Scenario], opts: &Options) -> Report {
    assert!(opts.seeds > 0, "check needs at least one seed");
    let jobs: Vec<(usize, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..opts.seeds).map(move |k| (i, s.seed.wrapping_add(k))))
        .collect();
    // One auditor per scenario: it rebuilds the recipient lists once, not once per seed.
    let auditors: Vec<Auditor> = scenarios
        .par_iter()
        .map(|s| Auditor::new(s, sim::population::build(s).lists))
        .collect();
    let runs: Vec<Run> = jobs
        .par_iter()
        .map(|&(i, seed)| run_one(&scenarios[i], &auditors[i], seed, opts))
        .collect();
    let mut breaches = Vec::new();
    let mut checks = Vec::new();
    let mut runs = runs.into_iter();
    for scn in scenarios {
        let path = scn.path.display().to_string();
        let reproduce = |seed: u64| format!("campaign-sim run {path} --seed {seed} --trace");
        let mine: Vec<Run> = runs.by_ref().take(opts.seeds as usize).collect();
        for r in &mine {
            for (v, count) in group(&r.violations) {
                breaches.push(Breach {
                    scenario: scn.name.clone(),
                    kind: v.invariant.name().to_string(),
                    seed: r.seed,
                    count,
                    campaign: v.campaign.map(|c| scn.campaigns[c as usize].name.clone()),
                    at: Some(local(scn, v.t)),
                    message: v.detail.clone(),
                    reproduce: reproduce(r.seed),
                });
            }
            if let Some(d) = &r.divergence {
                breaches.push(Breach {
                    scenario: scn.name.clone(),
                    kind: "determinism".into(),
                    seed: r.seed,
                    count: 1,
                    campaign: None,
                    at: d.t().map(|t| local(scn, t)),
                    message: d.describe(scn),
                    reproduce: reproduce(r.seed),
                });
            }
        }
        let thresholds: Vec<ThresholdCheck> = scn
            .expectations
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let verdicts: Vec<(u64, &Verdict)> = mine.iter().map(|r| (r.seed, &r.verdicts[k])).collect();
                let runs_passed = verdicts.iter().filter(|(_, v)| v.passed).count();
                let needed = match e.over {
                    Over::EveryRun => verdicts.len(),
                    Over::P95 => (verdicts.len() * 95).div_ceil(100),
                };
                let (worst_seed, worst) = worst_run(e, &verdicts);
                let passed = runs_passed >= needed;
                if !passed {
                    let at = worst.worst_interval.as_deref().map_or(String::new(), |w| format!(" (interval from {w})"));
                    breaches.push(Breach {
                        scenario: scn.name.clone(),
                        kind: "threshold".into(),
                        seed: worst_seed,
                        count: 1,
                        campaign: None,
                        at: worst.worst_interval.clone(),
                        message: format!(
                            "{} held in {runs_passed} of {} runs; worst seed {worst_seed} observed {}{at}",
                            worst.threshold,
                            verdicts.len(),
                            worst.observed_text
                        ),
                        reproduce: reproduce(worst_seed),
                    });
                }
                ThresholdCheck {
                    threshold: worst.threshold.clone(),
                    target: worst.target.clone(),
                    metric: worst.metric,
                    condition: worst.condition.clone(),
                    interval: worst.interval.clone(),
                    over: e.over.name(),
                    runs: verdicts.len(),
                    runs_passed,
                    passed,
                    worst_seed,
                    worst_observed: worst.observed,
                    worst_observed_text: worst.observed_text.clone(),
                }
            })
            .collect();
        checks.push(ScenarioCheck {
            name: scn.name.clone(),
            path,
            runs: mine
                .into_iter()
                .map(|r| RunCheck {
                    seed: r.seed,
                    events: r.events,
                    violations: r.violations.len(),
                    trace_sha256: r.hash,
                    deterministic: r.deterministic,
                    verdicts: r.verdicts,
                })
                .collect(),
            thresholds,
        });
    }
    Report {
        passed: breaches.is_empty(),
        scenarios: checks,
        breaches,
    }
}

/// The compact table `check` prints.
pub fn print_table(out: &mut impl std::io::Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<24} {:>5} {:>11} {:>11} {:>12}  result",
        "scenario", "runs", "violations", "thresholds", "determinism"
    )?;
    for s in &r.scenarios {
        let violations: usize = s.runs.iter().map(|r| r.violations).sum();
        let thresholds_ok = s.thresholds.iter().filter(|t| t.passed).count();
        let determinism = if s.runs.iter().all(|r| r.deterministic.is_none()) {
            "-".to_string()
        } else if s.runs.iter().all(|r| r.deterministic == Some(true)) {
            "ok".to_string()
        } else {
            "DIFFERS".to_string()
        };
        let ok = violations == 0 && thresholds_ok == s.thresholds.len() && determinism != "DIFFERS";
        writeln!(
            out,
            "{:<24} {:>5} {:>11} {:>11} {:>12}  {}",
            s.name,
            s.runs.len(),
            violations,
            format!("{thresholds_ok}/{}", s.thresholds.len()),
            determinism,
            if ok { "pass" } else { "FAIL" }
        )?;
    }
    for b in &r.breaches {
        writeln!(out, "{b}")?;
    }
    Ok(())
}
