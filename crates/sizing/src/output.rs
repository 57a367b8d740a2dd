//! What `size` leaves behind: `staffing.csv`, `size.json`, the `staffing` chart, and the table
//! it prints. Every figure comes from the recommended staffing's runs, in seed order, so the
//! files do not depend on how many threads ran them.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use model::time::MINUTE;
use scenario::Scenario;

use crate::{Options, Sizing, erlang, hours_text, runs_met, shift_groups};

/// One row of `staffing.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub interval: String,
    pub arrivals_per_hour: f64,
    pub mean_handle_s: f64,
    pub agents: u32,
    pub target_met_share: f64,
    pub erlang_c_agents: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShiftGroup {
    pub agents: u32,
    pub days: &'static str,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SizeJson {
    pub scenario: String,
    pub version: &'static str,
    pub scenario_sha256: String,
    pub inbox: String,
    pub target: String,
    pub target_share: f64,
    pub target_within_s: f64,
    pub confidence: f64,
    pub runs: u64,
    pub first_seed: u64,
    pub interval_s: u64,
    pub capacity_standard: u32,
    /// How the search went: candidates simulated and runs in all.
    pub candidates: u64,
    pub simulated_runs: u64,
    pub ample_agents: u32,
    pub agent_hours_per_day: f64,
    pub erlang_c_agent_hours_per_day: f64,
    pub intervals: Vec<Row>,
    pub shifts: Vec<ShiftGroup>,
    /// Why the simulation and Erlang C differ, from what the runs show.
    pub why_different: String,
}

/// Everything the outputs show, computed once.
pub fn summarize(scn: &Scenario, opts: &Options, s: &Sizing) -> SizeJson {
    let inbox = &scn.inboxes[opts.inbox.index()];
    let within_s = opts.target.within.as_millis() as f64 / 1000.0;
    let n = s.staffing.len();
    let hours_per = opts.interval.as_millis() as f64 / 3_600_000.0;
    let minutes = opts.interval.div_floor(MINUTE) as u16;
    // Every run's figures pooled per interval.
    let pooled: Vec<crate::IntervalRun> = (0..n)
        .map(|k| {
            let mut t = crate::IntervalRun::default();
            for run in &s.runs {
                let r = &run[k];
                t.arrivals += r.arrivals;
                t.waited += r.waited;
                t.within += r.within;
                t.carried += r.carried;
                t.from_campaigns += r.from_campaigns;
                t.holds += r.holds;
                t.hold_ms += r.hold_ms;
                t.messages += r.messages;
                t.hours += r.hours;
                t.burst_sq += r.burst_sq;
                t.burst_mean += r.burst_mean;
            }
            t
        })
        .collect();
    let all_holds: u64 = pooled.iter().map(|p| p.holds).sum();
    let all_hold_ms: u128 = pooled.iter().map(|p| p.hold_ms).sum();
    let inbox_mean_hold_s = if all_holds > 0 {
        all_hold_ms as f64 / all_holds as f64 / 1000.0
    } else {
        0.0
    };
    let rows: Vec<Row> = (0..n)
        .map(|k| {
            let p = &pooled[k];
            let per_hour = if p.hours > 0.0 {
                p.arrivals as f64 / p.hours
            } else {
                0.0
            };
            let handle_s = if p.holds > 0 {
                p.hold_ms as f64 / p.holds as f64 / 1000.0
            } else {
                inbox_mean_hold_s
            };
            let from = k as u16 * minutes;
            Row {
                interval: hours_text(from, from + minutes),
                arrivals_per_hour: round(per_hour, 3),
                mean_handle_s: round(handle_s, 1),
                agents: s.staffing[k],
                target_met_share: round(
                    runs_met(&s.runs, k, opts.target.share) as f64 / s.runs.len() as f64,
                    4,
                ),
                erlang_c_agents: erlang::agents(
                    per_hour,
                    handle_s,
                    inbox.capacity,
                    within_s,
                    opts.target.share,
                ),
            }
        })
        .collect();
    let agent_hours = rows.iter().map(|r| f64::from(r.agents)).sum::<f64>() * hours_per;
    let erlang_hours = rows
        .iter()
        .map(|r| f64::from(r.erlang_c_agents))
        .sum::<f64>()
        * hours_per;
    let volume = volume_dispersion(s);
    let why = why_different(
        opts,
        inbox.capacity,
        &pooled,
        &rows,
        (agent_hours, erlang_hours),
        volume,
    );
    SizeJson {
        scenario: scn.name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        scenario_sha256: scn.sha256.clone(),
        inbox: inbox.name.clone(),
        target: opts.target.text.clone(),
        target_share: opts.target.share,
        target_within_s: within_s,
        confidence: opts.confidence,
        runs: opts.runs,
        first_seed: scn.seed,
        interval_s: opts.interval.as_millis() / 1000,
        capacity_standard: inbox.capacity,
        candidates: s.candidates,
        simulated_runs: s.candidates * opts.runs,
        ample_agents: s.ample,
        agent_hours_per_day: round(agent_hours, 3),
        erlang_c_agent_hours_per_day: round(erlang_hours, 3),
        intervals: rows,
        shifts: shift_groups(&s.staffing, opts.interval)
            .into_iter()
            .map(|(agents, from, to)| ShiftGroup {
                agents,
                days: "daily",
                hours: hours_text(from, to),
            })
            .collect(),
        why_different: why,
    }
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Variance over mean of an interval's arrivals across runs, pooled over the intervals: about 1
/// for Poisson arrivals, far above when the volume itself is random (campaign reply rates).
fn volume_dispersion(s: &Sizing) -> f64 {
    let n = s.runs.len() as f64;
    if n < 2.0 {
        return 1.0;
    }
    let (mut var, mut mean) = (0.0, 0.0);
    for k in 0..s.staffing.len() {
        let counts: Vec<f64> = s.runs.iter().map(|r| r[k].arrivals as f64).collect();
        let m = counts.iter().sum::<f64>() / n;
        var += counts.iter().map(|c| (c - m).powi(2)).sum::<f64>() / (n - 1.0);
        mean += m;
    }
    if mean > 0.0 { var / mean } else { 1.0 }
}

/// One sentence on why the two answers differ, built from what the runs measured.
fn why_different(
    opts: &Options,
    capacity: u32,
    pooled: &[crate::IntervalRun],
    rows: &[Row],
    (agent_hours, erlang_hours): (f64, f64),
    volume: f64,
) -> String {
    let active: Vec<usize> = (0..rows.len())
        .filter(|&k| pooled[k].arrivals > 0)
        .collect();
    if active.is_empty() {
        return "No conversation reached the inbox in any run, so neither answer staffs it.".into();
    }
    let more = active
        .iter()
        .filter(|&&k| rows[k].agents > rows[k].erlang_c_agents)
        .count();
    let fewer = active
        .iter()
        .filter(|&&k| rows[k].agents < rows[k].erlang_c_agents)
        .count();
    let mut s = format!(
        "Simulation staffs {agent_hours:.1} agent-hours a day against Erlang C's {erlang_hours:.1} \
         (more agents in {more}, fewer in {fewer}, the same in {} of {} intervals with arrivals)",
        active.len() - more - fewer,
        active.len()
    );
    let mut reasons: Vec<String> = Vec::new();
    let arrivals: u64 = pooled.iter().map(|p| p.arrivals).sum();
    let from_campaigns: u64 = pooled.iter().map(|p| p.from_campaigns).sum();
    let sq: f64 = pooled.iter().map(|p| p.burst_sq).sum();
    let mean: f64 = pooled.iter().map(|p| p.burst_mean).sum();
    let dispersion = if mean > 0.0 { sq / mean } else { 1.0 };
    if dispersion >= 1.5 {
        reasons.push(format!(
            "arrivals come in bursts ({:.0}% are campaign replies; 5-minute counts vary {dispersion:.1} times as much as Poisson arrivals would), where Erlang C assumes a steady Poisson stream",
            100.0 * from_campaigns as f64 / arrivals as f64
        ));
    } else if from_campaigns > 0 {
        reasons.push(format!(
            "{:.0}% of arrivals are campaign replies, though no burstier than Poisson arrivals (5-minute counts vary {dispersion:.1} times as much)",
            100.0 * from_campaigns as f64 / arrivals as f64
        ));
    }
    if volume >= 1.5 {
        reasons.push(format!(
            "how many conversations an interval gets varies from run to run {volume:.1} times as much as Poisson arrivals would (reply rates are drawn per campaign per run), and the staffing must cover the busy runs too"
        ));
    }
    if capacity > 1 {
        reasons.push(format!(
            "each agent holds up to {capacity} conversations at once, which Erlang C counts as {capacity} independent servers per agent"
        ));
    }
    let holds: u64 = pooled.iter().map(|p| p.holds).sum();
    let messages: u64 = pooled.iter().map(|p| p.messages).sum();
    if holds > 0 {
        let per_conversation = messages as f64 / holds as f64;
        if per_conversation > 1.05 {
            reasons.push(format!(
                "customers write {per_conversation:.2} messages per conversation, and a slot stays held through their pauses within the session (so handle times are not exponential)"
            ));
        }
    }
    let waited: u64 = pooled.iter().map(|p| p.waited).sum();
    let carried: u64 = pooled.iter().map(|p| p.carried).sum();
    if waited > 0 && carried > 0 {
        reasons.push(format!(
            "{:.1}% of conversations were answered only after their interval ended (backlog carried into the next shift), where Erlang C sees each interval in steady state alone",
            100.0 * carried as f64 / waited as f64
        ));
    }
    reasons.push(format!(
        "the simulation must meet the target in at least {:.0}% of runs (judged with a 90% lower confidence bound), where Erlang C meets it on average",
        opts.confidence * 100.0
    ));
    let _ = write!(s, ": {}.", reasons.join("; "));
    s
}

/// The `staffing.csv` text.
pub fn staffing_csv(j: &SizeJson) -> String {
    let mut out = String::from(
        "interval,arrivals_per_hour,mean_handle_s,agents,target_met_share,erlang_c_agents\n",
    );
    for r in &j.intervals {
        let _ = writeln!(
            out,
            "{},{:.3},{:.1},{},{:.4},{}",
            r.interval,
            r.arrivals_per_hour,
            r.mean_handle_s,
            r.agents,
            r.target_met_share,
            r.erlang_c_agents
        );
    }
    out
}

/// Writes the report folder (all at once, as every report is) and gives back its summary.
pub fn write_report(
    dir: &Path,
    scn: &Scenario,
    opts: &Options,
    s: &Sizing,
) -> io::Result<SizeJson> {
    let j = summarize(scn, opts, s);
    let minutes = opts.interval.div_floor(MINUTE) as f64;
    let bars: Vec<report::charts::StaffingBar> = j
        .intervals
        .iter()
        .enumerate()
        .map(|(k, r)| report::charts::StaffingBar {
            from_h: k as f64 * minutes / 60.0,
            to_h: (k + 1) as f64 * minutes / 60.0,
            simulated: r.agents,
            erlang_c: r.erlang_c_agents,
        })
        .collect();
    let chart = report::charts::staffing(
        &format!("{}, target {}", scn.name, opts.target.text),
        &j.inbox,
        &bars,
    )
    .map_err(io::Error::other)?;
    report::write_folder(dir, |staging| {
        let mut json = serde_json::to_string_pretty(&j).map_err(io::Error::other)?;
        json.push('\n');
        fs::write(staging.join("size.json"), json)?;
        fs::write(staging.join("staffing.csv"), staffing_csv(&j))?;
        fs::write(staging.join("staffing.svg"), &chart.svg)?;
        fs::write(staging.join("staffing.png"), &chart.png)
    })?;
    Ok(j)
}

/// The table `size` prints.
pub fn print_table(out: &mut impl Write, j: &SizeJson) -> io::Result<()> {
    writeln!(
        out,
        "{} / {}: {} with confidence {} over {} runs (seeds {}..{}), {} candidate staffings simulated ({} runs)\n",
        j.scenario,
        j.inbox,
        j.target,
        j.confidence,
        j.runs,
        j.first_seed,
        j.first_seed.wrapping_add(j.runs - 1),
        j.candidates,
        j.simulated_runs
    )?;
    writeln!(
        out,
        "{:<12} {:>10} {:>10} {:>7} {:>10} {:>9}",
        "interval", "arrivals/h", "handle", "agents", "target met", "Erlang C"
    )?;
    for r in &j.intervals {
        writeln!(
            out,
            "{:<12} {:>10.2} {:>9.0}s {:>7} {:>9.0}% {:>9}",
            r.interval,
            r.arrivals_per_hour,
            r.mean_handle_s,
            r.agents,
            r.target_met_share * 100.0,
            r.erlang_c_agents
        )?;
    }
    writeln!(
        out,
        "\nagent-hours per day: {:.1} (Erlang C: {:.1})",
        j.agent_hours_per_day, j.erlang_c_agent_hours_per_day
    )?;
    writeln!(out, "shifts:")?;
    for g in &j.shifts {
        let agents = if g.agents == 1 { "agent" } else { "agents" };
        writeln!(out, "  {} {agents}, {} {}", g.agents, g.days, g.hours)?;
    }
    writeln!(out, "\nwhy they differ: {}", j.why_different)
}
