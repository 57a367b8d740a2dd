//! Inbox sizing (`campaign-sim size`): per interval of the company's day, the fewest agents of
//! one inbox that meet a service target ("80% within 5m") in at least a given share of runs.
//!
//! Found by simulation with common random numbers: every candidate staffing runs the same seeds
//! (the scenario's seed + i), and every draw is keyed by (seed, entity, purpose), so candidates
//! meet the same customers writing the same messages at the same times and differ only by
//! staffing. A candidate is written as shift groups (consecutive intervals with the same count
//! merged, `days = "daily"`) in place of the inbox's `agents`/`shifts`: exactly what
//! `--write-shifts` writes, so what was searched is what a planner re-runs.
//!
//! The search takes the intervals in the order of the day. While interval k is searched, the
//! earlier ones hold the counts already chosen (their backlog is real) and the later ones an
//! ample count (so interval k's arrivals that wait past its end are not blamed on it); k itself
//! is bisected between 0 and a count known to meet the target, on the rule that more agents never
//! hurts. Lowering the later intervals afterwards can only make the earlier ones worse at their
//! edges, so a last pass re-runs the whole recommended staffing and adds an agent wherever an
//! interval falls short, until every interval holds.
//!
//! "Meets the target in at least `confidence` of runs" is judged conservatively: the one-sided
//! 90% Wilson lower bound of the share of runs meeting it must reach `confidence`, so the answer
//! holds on fresh seeds too, not only on the ones searched (20 runs at confidence 0.9 must all
//! meet it).

mod attainment;
pub mod erlang;
mod output;
mod shifts_file;

use std::collections::BTreeMap;

use rayon::prelude::*;

use model::schedule::{DAY_MINUTES, WeeklySchedule};
use model::time::{MINUTE, Span};
use model::{InboxId, Shift};
use scenario::Scenario;
use sim::Recorded;
use sim::population::Population;

pub use attainment::IntervalRun;
pub use output::{print_table, write_report};
pub use shifts_file::write_shifts;

/// z of the one-sided 90% bound on the share of runs that meet the target.
const Z: f64 = 1.2816;

/// Most agents the search will try in one interval (the scenario reader's own limit).
pub const MAX_AGENTS: u32 = 100_000;

/// "80% within 5m": the share of an interval's conversations an agent must take within `within`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub share: f64,
    pub within: Span,
    pub text: String,
}

impl Target {
    /// An inbox's own `sla = { within, target }`.
    pub fn of_sla(share: f64, within: Span) -> Target {
        let seconds = within.as_millis() / 1000;
        let wait = if seconds.is_multiple_of(60) {
            format!("{}m", seconds / 60)
        } else {
            format!("{seconds}s")
        };
        Target {
            share,
            within,
            text: format!("{}% within {wait}", (share * 1e4).round() / 100.0),
        }
    }

    /// Reads `"80% within 5m"` (or `"0.8 within 5m"`).
    pub fn parse(text: &str) -> Result<Target, String> {
        let bad =
            |why: String| format!("--target {text:?}: {why}; write it like \"80% within 5m\"");
        let (share, within) = text
            .split_once(" within ")
            .ok_or_else(|| bad("expected a share, the word `within` and a wait".into()))?;
        let share = share.trim();
        let value = match share.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
            None => share.parse::<f64>(),
        }
        .map_err(|_| bad(format!("{share:?} is not a share such as 80% or 0.8")))?;
        if !(value > 0.0 && value <= 1.0) {
            return Err(bad(format!(
                "the share {share} must be above 0 and at most 100%"
            )));
        }
        let within = scenario::values::parse_duration(within).map_err(bad)?;
        Ok(Target {
            share: value,
            within,
            text: text.trim().to_string(),
        })
    }
}

/// Reads `--interval`: a whole number of minutes that divides the 24-hour day.
pub fn parse_interval(text: &str) -> Result<Span, String> {
    let span = scenario::values::parse_duration(text).map_err(|e| format!("--interval: {e}"))?;
    let ms = span.as_millis();
    let day = 24 * 60 * MINUTE.as_millis();
    if ms == 0 || !ms.is_multiple_of(MINUTE.as_millis()) || !day.is_multiple_of(ms) {
        return Err(format!(
            "--interval {text:?} must be a whole number of minutes that divides 24h (such as 15m, 30m, 1h, 2h, 4h, 24h)"
        ));
    }
    Ok(span)
}

#[derive(Debug, Clone)]
pub struct Options {
    pub inbox: InboxId,
    pub target: Target,
    pub confidence: f64,
    pub runs: u64,
    pub interval: Span,
}

/// The fewest runs with which `confidence` can be shown at all (every run meeting the target).
pub fn min_runs(confidence: f64) -> u64 {
    (1..=100_000)
        .find(|&n| wilson_lower(n, n) >= confidence)
        .unwrap_or(u64::MAX)
}

/// The one-sided lower Wilson score bound (z = [`Z`]) of a share of `k` in `n`.
pub fn wilson_lower(k: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (centre - spread) / (1.0 + z2 / n)
}

/// A staffing of the inbox: agents per interval of the day.
pub type Staffing = Vec<u32>;

/// A staffing as shift groups: runs of equal counts above 0, daily, in the order of the day. A
/// run that ends the day and one with the same count that starts it are one night shift (last,
/// `from > to`): the same agents work on past midnight.
pub fn shift_groups(staffing: &[u32], interval: Span) -> Vec<(u32, u16, u16)> {
    let minutes = interval.div_floor(MINUTE) as u16;
    let mut groups: Vec<(u32, u16, u16)> = Vec::new();
    for (k, &n) in staffing.iter().enumerate() {
        let (from, to) = (k as u16 * minutes, (k as u16 + 1) * minutes);
        match groups.last_mut() {
            Some(last) if last.0 == n && last.2 == from => last.2 = to,
            _ if n == 0 => {}
            _ => groups.push((n, from, to)),
        }
    }
    if let [first, .., last] = groups[..]
        && first.1 == 0
        && last.2 == DAY_MINUTES
        && first.0 == last.0
    {
        groups.remove(0);
        if let Some(night) = groups.last_mut() {
            night.2 = first.2;
        }
    }
    groups
}

/// Every weekday, as `days = "daily"` names them.
const DAILY: [usize; 7] = [0, 1, 2, 3, 4, 5, 6];

/// `HH:MM-HH:MM` of minutes since midnight (`24:00` at the end of the day).
pub fn hours_text(from: u16, to: u16) -> String {
    format!(
        "{:02}:{:02}-{:02}:{:02}",
        from / 60,
        from % 60,
        to / 60,
        to % 60
    )
}

/// `scn` with the inbox staffed as `staffing` says.
pub fn staffed(scn: &Scenario, inbox: InboxId, staffing: &[u32], interval: Span) -> Scenario {
    let mut scn = scn.clone();
    let ib = &mut scn.inboxes[inbox.index()];
    ib.agents = 0;
    ib.shifts = shift_groups(staffing, interval)
        .into_iter()
        .map(|(agents, from, to)| Shift {
            agents,
            hours: WeeklySchedule::shift(&DAILY, &[(from, to)]),
            skills: Vec::new(),
            also: Vec::new(),
            days_text: "daily".into(),
            hours_text: hours_text(from, to),
        })
        .collect();
    scn
}

/// Every run of one candidate: `[run][interval]`.
pub type Evaluation = Vec<Vec<IntervalRun>>;

/// What every candidate's runs share: the recipient lists and, where every run takes the same
/// campaign steps, those steps. Neither depends on how the inbox is staffed (the steps are
/// recorded where nobody answers, so no agent ever works there), so a search builds them once
/// rather than for each of its candidates: 51 of them, 5 ms each, in a `size` of the peers'
/// launch, a serial 0.25 s of its 3.5 s.
struct Shared {
    population: Population,
    script: Option<Recorded>,
}

impl Shared {
    fn of(scn: &Scenario) -> Shared {
        let population = sim::population::build(scn);
        let script = sim::script::record(scn, &population);
        Shared { population, script }
    }
}

/// Runs the seeds of a search (the scenario's seed + i) with the inbox staffed as `staffing`,
/// in parallel, results in seed order.
pub fn evaluate(scn: &Scenario, opts: &Options, staffing: &[u32]) -> Evaluation {
    evaluate_seeds(scn, opts, staffing, scn.seed, opts.runs)
}

/// Like [`evaluate`], for `runs` seeds from `first_seed` (tests re-run with fresh seeds).
pub fn evaluate_seeds(
    scn: &Scenario,
    opts: &Options,
    staffing: &[u32],
    first_seed: u64,
    runs: u64,
) -> Evaluation {
    let staffed = staffed(scn, opts.inbox, staffing, opts.interval);
    evaluate_on(&staffed, &Shared::of(scn), opts, first_seed, runs)
}

/// Runs `runs` seeds from `first_seed` of `scn` staffed as it is written (a scenario that
/// `--write-shifts` wrote, say).
pub fn evaluate_as_written(
    scn: &Scenario,
    opts: &Options,
    first_seed: u64,
    runs: u64,
) -> Evaluation {
    evaluate_on(scn, &Shared::of(scn), opts, first_seed, runs)
}

/// Runs `runs` seeds from `first_seed` of `scn`, whose lists and steps `shared` holds.
fn evaluate_on(
    scn: &Scenario,
    shared: &Shared,
    opts: &Options,
    first_seed: u64,
    runs: u64,
) -> Evaluation {
    (0..runs)
        .into_par_iter()
        .map(|i| {
            let watch = attainment::Watch::new(
                opts.inbox,
                scn.company_clock(),
                opts.interval,
                opts.target.within,
            );
            let seed = first_seed.wrapping_add(i);
            let opts = sim::Options { seed, trace: false };
            let (population, script) = (&shared.population, shared.script.as_ref());
            let (_, watch) = sim::run_observed_on(scn, population, script, &opts, watch);
            watch.intervals
        })
        .collect()
}

/// Runs (of `eval`) in which interval `k` met the target.
pub fn runs_met(eval: &Evaluation, k: usize, share: f64) -> u64 {
    eval.iter().filter(|run| run[k].met(share)).count() as u64
}

/// Whether interval `k` meets the target with the requested confidence.
fn holds(eval: &Evaluation, k: usize, opts: &Options) -> bool {
    let met = runs_met(eval, k, opts.target.share);
    wilson_lower(met, eval.len() as u64) >= opts.confidence
}

/// What the search found.
#[derive(Debug, Clone)]
pub struct Sizing {
    pub staffing: Staffing,
    /// The recommended staffing's runs (the search's seeds).
    pub runs: Evaluation,
    /// The count every interval held before its turn.
    pub ample: u32,
    /// Candidate staffings simulated (each over every seed).
    pub candidates: u64,
}

#[derive(Debug)]
pub enum SizeError {
    /// Even this many agents in every interval do not meet the target.
    Unreachable { agents: u32, interval: usize },
}

/// The search; `progress` hears each candidate's number as it starts.
pub fn size(
    scn: &Scenario,
    opts: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Sizing, SizeError> {
    let k_all = (24 * 60 / opts.interval.div_floor(MINUTE)) as usize;
    let mut cache: BTreeMap<Staffing, Evaluation> = BTreeMap::new();
    let mut candidates = 0u64;
    let shared = Shared::of(scn);
    let mut eval = |staffing: &Staffing| -> Evaluation {
        if let Some(e) = cache.get(staffing) {
            return e.clone();
        }
        candidates += 1;
        progress(candidates);
        let staffed = staffed(scn, opts.inbox, staffing, opts.interval);
        let e = evaluate_on(&staffed, &shared, opts, scn.seed, opts.runs);
        cache.insert(staffing.clone(), e.clone());
        e
    };
    let active = |e: &Evaluation, k: usize| e.iter().any(|run| run[k].arrivals > 0);

    // An ample count: the inbox's own largest staffing, doubled until every interval holds.
    let inbox = &scn.inboxes[opts.inbox.index()];
    let own = inbox
        .shifts
        .iter()
        .map(|s| s.agents)
        .max()
        .unwrap_or(inbox.agents);
    let mut ample = own.max(1);
    let first = loop {
        let e = eval(&vec![ample; k_all]);
        match (0..k_all).find(|&k| !holds(&e, k, opts)) {
            None => break e,
            Some(k) if ample >= MAX_AGENTS => {
                return Err(SizeError::Unreachable {
                    agents: ample,
                    interval: k,
                });
            }
            Some(_) => ample = ample.saturating_mul(2).min(MAX_AGENTS),
        }
    };

    let mut staffing = vec![ample; k_all];
    for k in 0..k_all {
        if !active(&first, k) {
            staffing[k] = 0;
            continue;
        }
        // A count known to hold with the earlier intervals as chosen.
        let mut hi = ample;
        loop {
            staffing[k] = hi;
            if holds(&eval(&staffing), k, opts) {
                break;
            }
            if hi >= MAX_AGENTS {
                return Err(SizeError::Unreachable {
                    agents: hi,
                    interval: k,
                });
            }
            hi = hi.saturating_mul(2).min(MAX_AGENTS);
        }
        let mut lo = 0;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            staffing[k] = mid;
            if holds(&eval(&staffing), k, opts) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        staffing[k] = hi;
    }

    // The later intervals were ample while each was searched; check the whole day as chosen.
    let runs = loop {
        let e = eval(&staffing);
        let short: Vec<usize> = (0..k_all).filter(|&k| !holds(&e, k, opts)).collect();
        if short.is_empty() {
            break e;
        }
        for k in short {
            if staffing[k] >= MAX_AGENTS {
                return Err(SizeError::Unreachable {
                    agents: staffing[k],
                    interval: k,
                });
            }
            staffing[k] += 1;
        }
    };
    Ok(Sizing {
        staffing,
        runs,
        ample,
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::HOUR;

    const SCENARIO: &str = r#"name = "night"
[simulation]
start = "2026-12-01T09:00"
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
agents = 3
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 10 }
"#;

    /// 2 agents from 22:00 to 06:00, 3 from 09:00 to 17:00.
    fn night_and_day() -> Vec<u32> {
        let mut staffing = vec![0u32; 24];
        staffing[..6].fill(2);
        staffing[22..].fill(2);
        staffing[9..17].fill(3);
        staffing
    }

    #[test]
    fn a_night_staffed_across_midnight_is_one_overnight_group() {
        assert_eq!(
            shift_groups(&night_and_day(), HOUR),
            [(3, 9 * 60, 17 * 60), (2, 22 * 60, 6 * 60)]
        );
        assert_eq!(hours_text(22 * 60, 6 * 60), "22:00-06:00");
        // Staffed all day, the group is not a night shift.
        assert_eq!(shift_groups(&[2; 24], HOUR), [(2, 0, 24 * 60)]);
    }

    #[test]
    fn written_overnight_shifts_read_back_as_the_staffing_searched() {
        let scn = Scenario::parse(std::path::Path::new("night.toml"), SCENARIO).unwrap();
        let searched = staffed(&scn, InboxId::new(0), &night_and_day(), HOUR);
        let text = write_shifts(SCENARIO, "Replies", &night_and_day(), HOUR).unwrap();
        assert!(text.contains("hours = \"22:00-06:00\""), "{text}");
        let written = Scenario::parse(std::path::Path::new("night.toml"), &text).unwrap();
        assert_eq!(written.inboxes[0].shifts, searched.inboxes[0].shifts);
    }
}
