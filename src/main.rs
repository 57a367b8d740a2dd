//! The `campaign-sim` command line. Exit codes: 0 all good, 1 a threshold or invariant was
//! breached, 2 bad usage or bad input.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use campaign_sim::model::time::{Instant, Span};
use campaign_sim::model::{CampaignId, CompanyClock, InboxId};
use campaign_sim::scenario::{Scenario, ScenarioError};
use campaign_sim::sim;
use campaign_sim::{check, report, sizing};

#[derive(Parser)]
#[command(
    name = "campaign-sim",
    version,
    about = "Simulate proactive SMS campaigns: send limits, cutoffs, opt-outs and inbox load"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write its report folder.
    Run {
        scenario: PathBuf,
        /// Seed of this run (default: the scenario's `simulation.seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Report folder (default: reports/<scenario name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write trace.csv, one row per event.
        #[arg(long)]
        trace: bool,
    },
    /// Read and check a scenario without simulating, and print the send plan.
    Validate { scenario: PathBuf },
    /// CI mode: run scenarios over many seeds, audit every trace and judge every threshold.
    Check {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Seeds per scenario (its own seed and the ones after it), 1 to 100000.
        #[arg(long, default_value_t = 10, value_parser = seed_count)]
        seeds: u64,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long)]
        jobs: Option<usize>,
        /// Where check.json and junit.xml go.
        #[arg(long, default_value = "reports/check")]
        out: PathBuf,
        /// Run every seed twice and say where the traces first differ, if they do.
        #[arg(long)]
        verify_determinism: bool,
    },
    /// Many seeded runs of one scenario: how every metric spreads over them (mean, p5, p50,
    /// p95, a 95% interval for SLA attainment), with band charts. Outputs do not depend on
    /// --jobs.
    Sweep {
        scenario: PathBuf,
        /// Runs: run i (0-based) uses the scenario's seed + i; 1 to 100000.
        #[arg(long, value_parser = run_count)]
        runs: u64,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long)]
        jobs: Option<usize>,
        /// Output folder (default: reports/<scenario name>-sweep/; with --shard I/N:
        /// reports/<scenario name>-sweep-shard-I-of-N/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run one slice and write a shard folder for `merge`: I/N (1-based) takes the runs i
        /// with i mod N = I-1; `env` reads I and N from a Kubernetes indexed Job
        /// (JOB_COMPLETION_INDEX, with --shards N) or a Slurm array (SLURM_ARRAY_TASK_ID minus
        /// SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT).
        #[arg(long)]
        shard: Option<String>,
        /// With --shard env: the number of shards (a Kubernetes Job's completions).
        #[arg(long)]
        shards: Option<u64>,
    },
    /// Combine the shard folders of `sweep --shard` into the folder one `sweep` of all runs
    /// writes, byte for byte.
    Merge {
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder (default: reports/<scenario name>-sweep/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Smallest staffing of an inbox per interval of the day that meets a target, by simulation,
    /// with Erlang C beside it.
    Size {
        scenario: PathBuf,
        /// The inbox to size, by name.
        #[arg(long)]
        inbox: String,
        /// Share of each interval's conversations an agent takes within a wait, such as
        /// "80% within 5m" (default: the inbox's own `sla`).
        #[arg(long, value_parser = sizing::Target::parse)]
        target: Option<sizing::Target>,
        /// Share of runs in which every interval must meet the target, above 0 and below 1.
        #[arg(long, default_value_t = 0.9, value_parser = confidence)]
        confidence: f64,
        /// Runs per candidate staffing (seeds: the scenario's seed and the ones after it).
        #[arg(long, default_value_t = 20, value_parser = seed_count)]
        runs: u64,
        /// Length of each interval of the day; it divides 24h.
        #[arg(long, default_value = "1h", value_parser = sizing::parse_interval)]
        interval: Span,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long)]
        jobs: Option<usize>,
        /// Report folder (default: reports/<scenario name>-size/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write a copy of the scenario staffed with the recommended shifts.
        #[arg(long)]
        write_shifts: Option<PathBuf>,
    },
}

fn confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(c) if c > 0.0 && c < 1.0 => Ok(c),
        _ => Err(format!(
            "{s:?}: give the share of runs as a number above 0 and below 1, such as 0.9"
        )),
    }
}

/// Runs of a sweep: each is a whole run, and every run's values are kept for `runs.csv`.
const MAX_RUNS: u64 = 100_000;

fn run_count(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n @ 1..=MAX_RUNS) => Ok(n),
        Ok(0) => Err("a sweep needs at least one run".into()),
        Ok(_) => Err(format!("a sweep has at most {MAX_RUNS} runs")),
        Err(e) => Err(format!(
            "{e}: give a whole number of runs from 1 to {MAX_RUNS}"
        )),
    }
}

/// Every seed's results are kept until the report is written, and each seed is a whole run: far
/// beyond this, memory runs out or the check never ends.
const MAX_SEEDS: u64 = 100_000;

fn seed_count(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n @ 1..=MAX_SEEDS) => Ok(n),
        Ok(0) => Err("check needs at least one seed".into()),
        Ok(_) => Err(format!("check runs at most {MAX_SEEDS} seeds per scenario")),
        Err(e) => Err(format!(
            "{e}: give a whole number of seeds from 1 to {MAX_SEEDS}"
        )),
    }
}

enum Failure {
    /// Thresholds breached: exit 1.
    Breach,
    /// Bad input or usage: exit 2.
    Input(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Run {
            scenario,
            seed,
            out,
            trace,
        } => run(scenario, seed, out, trace),
        Command::Validate { scenario } => validate(scenario),
        Command::Check {
            scenarios,
            seeds,
            jobs,
            out,
            verify_determinism,
        } => check(scenarios, seeds, jobs, out, verify_determinism),
        Command::Sweep {
            scenario,
            runs,
            jobs,
            out,
            shard,
            shards,
        } => sweep(scenario, runs, jobs, out, shard, shards),
        Command::Merge { shards, out } => merge(shards, out),
        Command::Size {
            scenario,
            inbox,
            target,
            confidence,
            runs,
            interval,
            jobs,
            out,
            write_shifts,
        } => size(SizeArgs {
            path: scenario,
            inbox,
            target,
            confidence,
            runs,
            interval,
            jobs,
            out,
            write_shifts,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Breach) => ExitCode::from(1),
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(path: PathBuf, seed: Option<u64>, out: Option<PathBuf>, trace: bool) -> Result<(), Failure> {
    let scn = Scenario::load(&path)?;
    let seed = seed.unwrap_or(scn.seed);
    let dir = out.unwrap_or_else(|| report::default_dir(&scn.name));
    report::check_target(&dir).map_err(|e| cannot_write("the report", &dir, e))?;
    let bar = progress_bar(&scn);
    let cannot_write_report = |e| cannot_write("the report", &dir, e);
    // The trace goes to disk as the run makes it, never all in memory.
    let writer = trace
        .then(|| report::trace_beside(&dir, &scn))
        .transpose()
        .map_err(cannot_write_report)?;
    let opts = sim::Options { seed, trace: false };
    let (outcome, writer) = sim::run_with_progress(&scn, &opts, writer, &mut |now| {
        bar.set_position(now.as_millis() / 1000)
    });
    bar.finish_and_clear();
    let trace_file = writer
        .map(|w| w.close()?.into_inner().map_err(|e| e.into_error()))
        .transpose()
        .map_err(cannot_write_report)?;
    let summary = report::summarize(&scn, &outcome);
    report::write_report(&dir, &scn, &outcome, &summary, trace_file)
        .map_err(cannot_write_report)?;
    let mut stdout = io::stdout().lock();
    let _ = report::print_table(&mut stdout, &summary);
    let _ = writeln!(stdout, "\nreport: {}", dir.display());
    if summary.expectations.iter().all(|e| e.passed) {
        Ok(())
    } else {
        Err(Failure::Breach)
    }
}

fn check(
    paths: Vec<PathBuf>,
    seeds: u64,
    jobs: Option<usize>,
    out: PathBuf,
    verify_determinism: bool,
) -> Result<(), Failure> {
    // Every file is read before anything runs: a typo fails fast with exit 2.
    let scenarios = paths
        .iter()
        .map(|p| Scenario::load(p))
        .collect::<Result<Vec<_>, _>>()?;
    report::check_target(&out).map_err(|e| cannot_write("the check results", &out, e))?;
    let opts = check::Options {
        seeds,
        verify_determinism,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Input(format!("cannot start {jobs:?} worker threads: {e}")))?;
    let report = pool.install(|| check::check(&scenarios, &opts));
    report::write_folder(&out, |dir| {
        let mut json = serde_json::to_string_pretty(&report).map_err(io::Error::other)?;
        json.push('\n');
        std::fs::write(dir.join("check.json"), json)?;
        std::fs::write(dir.join("junit.xml"), check::to_junit(&report))
    })
    .map_err(|e| cannot_write("the check results", &out, e))?;
    let mut stdout = io::stdout().lock();
    let _ = check::print_table(&mut stdout, &report);
    let _ = writeln!(
        stdout,
        "\nresults: {}/check.json, {}/junit.xml",
        out.display(),
        out.display()
    );
    if report.passed {
        Ok(())
    } else {
        Err(Failure::Breach)
    }
}

/// What would reach everyone, in a planner's words.
fn what_if_line(w: &sim::WhatIf, p: &sim::CampaignPlan, company: &CompanyClock) -> String {
    let split = match w.split {
        Some(k) => format!(
            "split the list evenly over {k} campaigns (each has its own limit of 480 an hour)"
        ),
        None => format!(
            "no split into up to {} campaigns reaches everyone (the schedule or a stop is the limit)",
            sim::MAX_SPLIT
        ),
    };
    let later = match w.all_sent_at {
        None => {
            "no later end reaches everyone (the schedule never opens again, or a stop comes first)"
                .to_string()
        }
        Some(t) => {
            let what = if p.unreached_at_end > 0 {
                "an end time"
            } else {
                "a horizon (`simulation.until`)"
            };
            format!(
                "{what} after {} (the last send without one)",
                company.month_day_time(t)
            )
        }
    };
    format!("to reach all {}: {split}; or {later}", p.recipients)
}

fn sweep(
    path: PathBuf,
    runs: u64,
    jobs: Option<usize>,
    out: Option<PathBuf>,
    shard: Option<String>,
    shards: Option<u64>,
) -> Result<(), Failure> {
    let shard = match (shard.as_deref(), shards) {
        (None, None) => None,
        (Some("env"), shards) => Some(
            campaign_sim::sweep::Shard::from_env(shards, |k| std::env::var(k).ok())
                .map_err(|e| Failure::Input(format!("--shard env: {e}")))?,
        ),
        (Some(text), None) => {
            Some(campaign_sim::sweep::Shard::parse(text).map_err(Failure::Input)?)
        }
        (_, Some(_)) => {
            return Err(Failure::Input(
                "--shards goes with --shard env (give I/N to --shard otherwise)".into(),
            ));
        }
    };
    let scn = Scenario::load(&path)?;
    let dir = out.unwrap_or_else(|| {
        let name = match shard {
            Some(s) => format!("{}-sweep-shard-{}-of-{}", scn.name, s.index, s.count),
            None => format!("{}-sweep", scn.name),
        };
        report::default_dir(&name)
    });
    let what = if shard.is_some() {
        "the shard"
    } else {
        "the sweep"
    };
    report::check_target(&dir).map_err(|e| cannot_write(what, &dir, e))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Input(format!("cannot start {jobs:?} worker threads: {e}")))?;
    let slice = shard.unwrap_or(campaign_sim::sweep::Shard::WHOLE);
    let bar = ProgressBar::new(slice.runs(runs).count() as u64).with_style(
        ProgressStyle::with_template("{spinner} runs {pos}/{len} [{bar:40}] {elapsed}, ETA {eta}")
            .expect("valid template"),
    );
    let state = pool.install(|| campaign_sim::sweep::simulate(&scn, runs, slice, &|| bar.inc(1)));
    bar.finish_and_clear();
    let mut stdout = io::stdout().lock();
    match shard {
        Some(s) => {
            campaign_sim::sweep::files::write_shard(&dir, s, &state)
                .map_err(|e| cannot_write(what, &dir, e))?;
            let _ = writeln!(
                stdout,
                "{}: shard {s} ran {} of {runs} runs\nshard: {}",
                scn.name,
                state.runs.len(),
                dir.display()
            );
        }
        None => write_sweep(&dir, &state, &mut stdout)?,
    }
    Ok(())
}

/// Writes a whole sweep's folder from its state and prints its table: `sweep` and `merge` end
/// here alike.
fn write_sweep(
    dir: &Path,
    state: &campaign_sim::sweep::State,
    stdout: &mut impl Write,
) -> Result<(), Failure> {
    let files = campaign_sim::sweep::outputs(state).map_err(Failure::Input)?;
    report::write_folder(dir, |staging| {
        for (name, bytes) in &files {
            std::fs::write(staging.join(name), bytes)?;
        }
        Ok(())
    })
    .map_err(|e| cannot_write("the sweep", dir, e))?;
    let _ = campaign_sim::sweep::outputs::print_table(stdout, state);
    let _ = writeln!(stdout, "\nsweep: {}", dir.display());
    Ok(())
}

fn merge(folders: Vec<PathBuf>, out: Option<PathBuf>) -> Result<(), Failure> {
    let mut shards = Vec::new();
    for dir in folders {
        let (shard, state) = campaign_sim::sweep::files::read_shard(&dir).map_err(|e| {
            Failure::Input(format!(
                "{} is not a readable sweep shard: {e}",
                dir.display()
            ))
        })?;
        shards.push((dir, shard, state));
    }
    let state = campaign_sim::sweep::merge(shards).map_err(Failure::Input)?;
    let dir =
        out.unwrap_or_else(|| report::default_dir(&format!("{}-sweep", state.header.scenario)));
    report::check_target(&dir).map_err(|e| cannot_write("the sweep", &dir, e))?;
    write_sweep(&dir, &state, &mut io::stdout().lock())
}

struct SizeArgs {
    path: PathBuf,
    inbox: String,
    target: Option<sizing::Target>,
    confidence: f64,
    runs: u64,
    interval: Span,
    jobs: Option<usize>,
    out: Option<PathBuf>,
    write_shifts: Option<PathBuf>,
}

fn size(a: SizeArgs) -> Result<(), Failure> {
    let scn = Scenario::load(&a.path)?;
    let inbox = scn
        .inboxes
        .iter()
        .position(|i| i.name == a.inbox)
        .ok_or_else(|| {
            let names: Vec<String> = scn
                .inboxes
                .iter()
                .map(|i| format!("{:?}", i.name))
                .collect();
            Failure::Input(format!(
                "--inbox {:?}: {} has no such inbox; its inboxes are {}",
                a.inbox,
                a.path.display(),
                names.join(", ")
            ))
        })?;
    let needed = sizing::min_runs(a.confidence);
    if a.runs < needed {
        return Err(Failure::Input(format!(
            "--runs {} is too few to show confidence {}: it takes at least {needed} runs, all meeting the target",
            a.runs, a.confidence
        )));
    }
    // Refuse before simulating: the report folder and the shifts file must be writable targets.
    let dir = a
        .out
        .unwrap_or_else(|| report::default_dir(&format!("{}-size", scn.name)));
    report::check_target(&dir).map_err(|e| cannot_write("the sizing report", &dir, e))?;
    let original =
        match &a.write_shifts {
            Some(file) => {
                if same_file(file, &a.path) {
                    return Err(Failure::Input(format!(
                        "--write-shifts {}: that is the scenario being sized; name another file",
                        file.display()
                    )));
                }
                Some(std::fs::read_to_string(&a.path).map_err(|e| {
                    Failure::Input(format!("cannot read {}: {e}", a.path.display()))
                })?)
            }
            None => None,
        };
    let target = a.target.unwrap_or_else(|| {
        let ib = &scn.inboxes[inbox];
        sizing::Target::of_sla(ib.sla_target, ib.sla_within)
    });
    let opts = sizing::Options {
        inbox: InboxId::new(inbox),
        target,
        confidence: a.confidence,
        runs: a.runs,
        interval: a.interval,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Input(format!("cannot start {:?} worker threads: {e}", a.jobs)))?;
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} candidate staffing {pos} {elapsed}")
            .expect("valid template"),
    );
    let sized = pool.install(|| sizing::size(&scn, &opts, &mut |n| bar.set_position(n)));
    bar.finish_and_clear();
    let sized = sized.map_err(|e| match e {
        sizing::SizeError::Unreachable { agents, interval } => {
            let minutes = opts.interval.as_millis() / 60_000;
            let from = (interval as u64 * minutes) as u16;
            Failure::Input(format!(
                "the target {} cannot be met in {} even with {agents} agents",
                opts.target.text,
                sizing::hours_text(from, from + minutes as u16)
            ))
        }
    })?;
    let summary = sizing::write_report(&dir, &scn, &opts, &sized)
        .map_err(|e| cannot_write("the sizing report", &dir, e))?;
    if let (Some(file), Some(text)) = (&a.write_shifts, original) {
        let edited = sizing::write_shifts(
            &text,
            &scn.inboxes[inbox].name,
            &sized.staffing,
            opts.interval,
        )
        .map_err(Failure::Input)?;
        std::fs::write(file, edited)
            .map_err(|e| Failure::Input(format!("cannot write {}: {e}", file.display())))?;
    }
    let mut stdout = io::stdout().lock();
    let _ = sizing::print_table(&mut stdout, &summary);
    let _ = writeln!(stdout, "\nreport: {}", dir.display());
    if let Some(file) = &a.write_shifts {
        let _ = writeln!(stdout, "scenario with these shifts: {}", file.display());
    }
    Ok(())
}

/// Whether `a` and `b` name one file (after resolving links), or `a` is spelled as `b` is.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn cannot_write(what: &str, dir: &Path, e: io::Error) -> Failure {
    Failure::Input(format!("cannot write {what} to {}: {e}", dir.display()))
}

/// Simulated time on stderr while a long run goes; indicatif draws nothing when stderr is not a
/// terminal, so pipes and CI logs stay clean.
fn progress_bar(scn: &Scenario) -> ProgressBar {
    match scn.until {
        Some(until) => ProgressBar::new(until.as_millis() / 1000).with_style(
            ProgressStyle::with_template("{spinner} simulated {pos}/{len} s [{bar:40}] {elapsed}")
                .expect("valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} simulated {pos} s {elapsed}")
                .expect("valid template"),
        ),
    }
}

fn validate(path: PathBuf) -> Result<(), Failure> {
    let scn = Scenario::load(&path)?;
    let plan = sim::plan(&scn);
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: ok ({} campaigns, {} inboxes)\nplan without replies or opt-outs (limiter and schedules only):",
        path.display(),
        scn.campaigns.len(),
        scn.inboxes.len()
    );
    let _ = writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>9} {:>11} {:>11}",
        "campaign", "recips", "sends", "unreached", "first send", "last send"
    );
    let company = scn.company_clock();
    let clock = |t: Option<Instant>| t.map_or("-".to_string(), |t| company.month_day_time(t));
    for (c, p) in scn.campaigns.iter().zip(&plan.campaigns) {
        let _ = writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>9} {:>11} {:>11}",
            c.name,
            p.recipients,
            p.sends,
            p.unreached,
            clock(p.first_send),
            clock(p.last_send)
        );
    }
    for c in &scn.campaigns {
        for (i, o) in c.outreaches.iter().enumerate() {
            if o.recipients.is_empty() {
                let _ = writeln!(
                    out,
                    "warning: outreach {} of campaign {:?} has no recipients",
                    i + 1,
                    c.name
                );
            }
        }
    }
    for ((c, campaign), p) in scn.campaigns.iter().enumerate().zip(&plan.campaigns) {
        if p.sends == 0 && p.recipients > 0 {
            let _ = writeln!(
                out,
                "warning: campaign {:?} can send nothing: check its start, end and schedule",
                campaign.name
            );
        } else if p.unreached > 0 {
            let _ = writeln!(
                out,
                "warning: campaign {:?}: {} of {} recipients cannot be sent before the end time or horizon",
                campaign.name, p.unreached, p.recipients
            );
            let what_if = sim::what_if(&scn, CampaignId::new(c));
            let _ = writeln!(out, "  {}", what_if_line(&what_if, p, &company));
        }
    }
    for dead in scn.dead_conditions() {
        let _ = writeln!(out, "warning: {dead}");
    }
    if plan.shared_phones > 0 {
        let _ = writeln!(
            out,
            "warning: {} phones are on more than one campaign: each campaign texts them",
            plan.shared_phones
        );
    }
    Ok(())
}
