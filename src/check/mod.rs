//! CI mode: run scenarios over many seeds, audit every trace, judge every threshold, and say
//! plainly what broke, where, when, and how to reproduce it.
//!
//! Runs are independent and collected in (scenario, seed) order, so the report does not depend
//! on how many threads ran them.

mod divergence;
mod hash;
mod junit;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use audit::{Auditor, Invariant, Roster, Violation};
use engine::{Limiter, SendLimit};
use model::time::Instant;
use model::{CampaignId, Pacing, Window};
use report::Verdict;
use scenario::{Expectation, Op, Over, Scenario};
use sim::population::Population;

pub use divergence::{Comparison, Divergence, Side};
pub use junit::to_junit;

use divergence::Tap;
use hash::TraceHash;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seeds per scenario: the scenario's seed and the ones after it. At least 1 (the command
    /// line refuses 0).
    pub seeds: u64,
    /// Run each seed twice, side by side, and compare the runs record by record.
    pub verify_determinism: bool,
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
    /// SHA-256 of the run's records, column by column as `trace.csv` shows them (plus the
    /// company number), computed while the run goes.
    pub trace_sha256: String,
    /// With `--verify-determinism`: whether a second run gave the same trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deterministic: Option<bool>,
    #[serde(skip)]
    pub verdicts: Vec<Verdict>,
}

#[derive(Debug)]
pub struct ThresholdCheck {
    /// The threshold judged on the worst run in its direction (the largest value for `<=`/`<`,
    /// the smallest for `>=`/`>`; ties to the lowest seed).
    pub worst: Verdict,
    pub worst_seed: u64,
    pub runs: usize,
    pub runs_passed: usize,
    pub passed: bool,
}

/// `check.json` spells the threshold and its worst run out flat, beside the counts.
impl Serialize for ThresholdCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            threshold: String,
            target: String,
            metric: &'static str,
            condition: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            interval: Option<String>,
            over: &'static str,
            runs: usize,
            runs_passed: usize,
            passed: bool,
            worst_seed: u64,
            worst_observed: f64,
            worst_observed_text: String,
        }
        let e = &self.worst.expectation;
        Json {
            threshold: self.worst.threshold(),
            target: self.worst.target(),
            metric: e.metric.name(),
            condition: &e.condition,
            interval: self.worst.interval(),
            over: e.over.name(),
            runs: self.runs,
            runs_passed: self.runs_passed,
            passed: self.passed,
            worst_seed: self.worst_seed,
            worst_observed: self.worst.observed,
            worst_observed_text: self.worst.observed_text(),
        }
        .serialize(s)
    }
}

#[derive(Serialize, Debug, Clone)]
pub struct Breach {
    pub scenario: String,
    pub kind: BreachKind,
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

/// What a breach broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreachKind {
    /// An invariant the auditor proves on every run.
    Invariant(Invariant),
    /// A scenario's `[[expect]]` threshold, judged over the seeds.
    Threshold,
    /// Two runs of one seed differed.
    Determinism,
}

impl BreachKind {
    /// `send_window`, `schedule`, ..., `threshold` or `determinism`.
    pub fn name(self) -> &'static str {
        match self {
            BreachKind::Invariant(i) => i.name(),
            BreachKind::Threshold => "threshold",
            BreachKind::Determinism => "determinism",
        }
    }
}

impl Serialize for BreachKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BREACH {} in {} (seed {})",
            self.kind.name(),
            self.scenario,
            self.seed
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
    /// With `--verify-determinism`: where a second run of the seed first differed, if it did.
    divergence: Option<Option<Divergence>>,
}

/// One scenario as `check` runs it: its recipient lists, and the auditor's reading of them, are
/// built once for every seed.
struct Subject<'a> {
    scn: &'a Scenario,
    population: &'a Population,
    roster: Roster<'a>,
}

/// Runs one seed, audited and hashed as it goes; with `verify_determinism`, a second run of the
/// same seed goes side by side and every record is compared.
fn run_one<L: SendLimit>(
    subject: &Subject,
    seed: u64,
    opts: &Options,
    limiter: &(impl Fn(&[Window], Pacing) -> L + Sync),
) -> Run {
    let scn = subject.scn;
    let sim_opts = sim::Options { seed, trace: false };
    let population = subject.population;
    let auditor = Auditor::new(scn, &subject.roster);
    let (outcome, (auditor, hash), divergence) = if opts.verify_determinism {
        let comparison = Rc::new(RefCell::new(Comparison::default()));
        let tap = |side| Tap {
            side,
            comparison: Rc::clone(&comparison),
        };
        let watch = ((auditor, TraceHash::default()), tap(Side::First));
        let mut first = sim::Run::with(scn, population, &sim_opts, watch, limiter);
        let mut second = sim::Run::with(scn, population, &sim_opts, tap(Side::Second), limiter);
        // Side by side, so only the records one run is ahead by are ever held.
        loop {
            let (more_first, more_second) = (first.step(), second.step());
            let mut compared = comparison.borrow_mut();
            if !more_first {
                compared.ended(Side::First);
            }
            if !more_second {
                compared.ended(Side::Second);
            }
            if !(more_first || more_second) {
                break;
            }
        }
        let (outcome, (watchers, _)) = first.finish();
        drop(second.finish());
        let divergence = Rc::into_inner(comparison)
            .expect("both runs are over")
            .into_inner()
            .finish();
        (outcome, watchers, Some(divergence))
    } else {
        let watch = (auditor, TraceHash::default());
        let (outcome, watchers) =
            sim::Run::with(scn, population, &sim_opts, watch, limiter).finish();
        (outcome, watchers, None)
    };
    let measured = report::measure(scn, &outcome);
    let verdicts = scn
        .expectations
        .iter()
        .map(|e| report::judge(e, &measured))
        .collect();
    Run {
        seed,
        events: outcome.events,
        violations: auditor.into_violations(),
        verdicts,
        hash: hash.hex(),
        divergence,
    }
}

/// Where a breach happened: the company's clock for people, the virtual time to find it in
/// `trace.csv` (`2026-12-01 09:00:07.250 (t=7250 ms)`).
fn local(scn: &Scenario, t: Instant) -> String {
    format!("{} ({t})", scn.company_clock().datetime_millis(t))
}

/// Violations of one invariant for one campaign in one run, as (the earliest, how many): an
/// invariant broken at every SMS is one breach with a count, not a line per SMS.
fn group(violations: &[Violation]) -> Vec<(&Violation, usize)> {
    let mut groups: Vec<(&Violation, usize)> = Vec::new();
    let mut index: BTreeMap<(Invariant, Option<CampaignId>), usize> = BTreeMap::new();
    for v in violations {
        let key = (v.invariant, v.campaign);
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
    check_with_limiters(scenarios, opts, Limiter::new)
}

/// Like [`check`], with campaigns sending under the limiters `limiter` builds (tests prove with
/// broken ones that `check` catches them).
pub fn check_with_limiters<L: SendLimit>(
    scenarios: &[Scenario],
    opts: &Options,
    limiter: impl Fn(&[Window], Pacing) -> L + Sync,
) -> Report {
    assert!(opts.seeds > 0, "check needs at least one seed");
    let jobs: Vec<(usize, u64)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..opts.seeds).map(move |k| (i, s.seed.wrapping_add(k))))
        .collect();
    // Lists depend on the scenario only: built once, sent to and audited against by every seed.
    let populations: Vec<Population> = scenarios.par_iter().map(sim::population::build).collect();
    let subjects: Vec<Subject> = scenarios
        .par_iter()
        .zip(&populations)
        .map(|(scn, population)| Subject {
            scn,
            population,
            roster: Roster::new(scn, &population.lists),
        })
        .collect();
    let runs: Vec<Run> = jobs
        .par_iter()
        .map(|&(i, seed)| run_one(&subjects[i], seed, opts, &limiter))
        .collect();
    let mut breaches = Vec::new();
    let mut checks = Vec::new();
    let mut runs = runs.into_iter();
    for scn in scenarios {
        let mine: Vec<Run> = runs.by_ref().take(opts.seeds as usize).collect();
        for r in &mine {
            breaches.extend(run_breaches(scn, r));
        }
        let thresholds = scn
            .expectations
            .iter()
            .enumerate()
            .map(|(k, e)| judge_over_seeds(scn, e, k, &mine, &mut breaches))
            .collect();
        checks.push(ScenarioCheck {
            name: scn.name.clone(),
            path: scn.path.display().to_string(),
            runs: mine
                .into_iter()
                .map(|r| RunCheck {
                    seed: r.seed,
                    events: r.events,
                    violations: r.violations.len(),
                    trace_sha256: r.hash,
                    deterministic: r.divergence.as_ref().map(Option::is_none),
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

/// The command that reproduces a run of `scn`.
fn reproduce(scn: &Scenario, seed: u64) -> String {
    format!(
        "campaign-sim run {} --seed {seed} --trace",
        scn.path.display()
    )
}

/// One run's invariant breaches (grouped) and its determinism breach, if any.
fn run_breaches(scn: &Scenario, r: &Run) -> Vec<Breach> {
    let mut breaches: Vec<Breach> = group(&r.violations)
        .into_iter()
        .map(|(v, count)| Breach {
            scenario: scn.name.clone(),
            kind: BreachKind::Invariant(v.invariant),
            seed: r.seed,
            count,
            campaign: v.campaign.map(|c| scn.campaigns[c.index()].name.clone()),
            at: Some(local(scn, v.t)),
            message: v.detail.clone(),
            reproduce: reproduce(scn, r.seed),
        })
        .collect();
    if let Some(Some(d)) = &r.divergence {
        breaches.push(Breach {
            scenario: scn.name.clone(),
            kind: BreachKind::Determinism,
            seed: r.seed,
            count: 1,
            campaign: None,
            at: d.t().map(|t| local(scn, t)),
            message: d.describe(scn),
            reproduce: reproduce(scn, r.seed),
        });
    }
    breaches
}

/// Threshold `e` (the `k`-th of `scn`) over every seed's verdict; a breach when too few held.
fn judge_over_seeds(
    scn: &Scenario,
    e: &Expectation,
    k: usize,
    runs: &[Run],
    breaches: &mut Vec<Breach>,
) -> ThresholdCheck {
    let verdicts: Vec<(u64, &Verdict)> = runs.iter().map(|r| (r.seed, &r.verdicts[k])).collect();
    let runs_passed = verdicts.iter().filter(|(_, v)| v.passed).count();
    let needed = match e.over {
        Over::EveryRun => verdicts.len(),
        Over::P95 => (verdicts.len() * 95).div_ceil(100),
    };
    let (worst_seed, worst) = worst_run(e, &verdicts);
    let passed = runs_passed >= needed;
    if !passed {
        let worst_interval = worst.worst_interval_text();
        let at = worst_interval
            .as_deref()
            .map_or(String::new(), |w| format!(" (interval from {w})"));
        breaches.push(Breach {
            scenario: scn.name.clone(),
            kind: BreachKind::Threshold,
            seed: worst_seed,
            count: 1,
            campaign: None,
            at: worst_interval,
            message: format!(
                "{} held in {runs_passed} of {} runs; worst seed {worst_seed} observed {}{at}",
                worst.threshold(),
                verdicts.len(),
                worst.observed_text()
            ),
            reproduce: reproduce(scn, worst_seed),
        });
    }
    ThresholdCheck {
        worst: worst.clone(),
        worst_seed,
        runs: verdicts.len(),
        runs_passed,
        passed,
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
