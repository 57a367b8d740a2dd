//! The `campaign-sim` command line. Exit codes: 0 all good, 1 a threshold or invariant was
//! breached, 2 bad usage or bad input.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use campaign_sim::model::time::Span;
use campaign_sim::sizing;

use commands::init::{Example, init};
use commands::schema::schema;
use commands::size::SizeArgs;
use commands::{Failure, check::check, run::run, size::size, sweep, validate::validate};

#[derive(Parser)]
#[command(
    name = "campaign-sim",
    version,
    about = "Simulate proactive SMS campaigns: send limits, cutoffs, opt-outs and inbox load",
    after_help = "Start with `campaign-sim init` (a commented scenario), then `validate` and `run` it.\nThe scenario format, every key with its default: docs/scenario.md in the campaign-sim repository.\nExit codes: 0 all good; 1 a threshold or invariant was breached; 2 bad usage or bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A command's `--help` ending: an example, its exit codes, where the format is documented.
macro_rules! after_help {
    ($text:literal, $codes:literal) => {
        concat!(
            $text,
            "\n\nExit codes: ",
            $codes,
            "\nErrors in a scenario name its file, line and column.\n\
             Every scenario key, its default and an example: docs/scenario.md in the \
             campaign-sim repository."
        )
    };
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write its report folder.
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim run scenarios/launch.toml --seed 7 --trace\n\n\
             Writes summary.json, timeseries.csv, the charts and index.html (and trace.csv \
             with --trace).",
        "0 all good; 1 a threshold or invariant was breached; 2 bad usage or bad input."
    ))]
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
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim validate scenarios/black-friday.toml\n\n\
             Writes nothing.",
        "0 all good; 2 bad usage or bad input."
    ))]
    Validate { scenario: PathBuf },
    /// CI mode: run scenarios over many seeds, audit every trace and judge every threshold.
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim check scenarios/launch.toml scenarios/single-500.toml --seeds 20",
        "0 all good; 1 a threshold or invariant was breached; 2 bad usage or bad input."
    ))]
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
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim sweep scenarios/launch.toml --runs 200",
        "0 all good; 2 bad usage or bad input."
    ))]
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
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim sweep scenarios/launch.toml --runs 200 --shard 1/2\n  \
             campaign-sim sweep scenarios/launch.toml --runs 200 --shard 2/2\n  \
             campaign-sim merge reports/launch-sweep-shard-1-of-2 \
             reports/launch-sweep-shard-2-of-2",
        "0 all good; 2 bad usage or bad input."
    ))]
    Merge {
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder (default: reports/<scenario name>-sweep/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a commented starting scenario (one of the shipped examples, with the recipient
    /// list it reads) to edit.
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim init my-launch.toml --example launch\n  \
             campaign-sim validate my-launch.toml",
        "0 all good; 2 bad usage or bad input."
    ))]
    Init {
        /// Where to write it (default: scenario.toml); an existing file is never overwritten.
        file: Option<PathBuf>,
        /// The same as FILE.
        #[arg(long, conflicts_with = "file")]
        out: Option<PathBuf>,
        /// Which shipped scenario to start from.
        #[arg(long, value_enum, default_value_t = Example::BlackFriday)]
        example: Example,
    },
    /// Print the JSON Schema of the scenario file, for editors to complete and check keys
    /// (Taplo / Even Better TOML read a `#:schema ./scenario.schema.json` first line).
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim schema > scenario.schema.json",
        "0 all good; 2 bad usage."
    ))]
    Schema,
    /// Smallest staffing of an inbox per interval of the day that meets a target, by simulation,
    /// with Erlang C beside it.
    #[command(after_help = after_help!(
        "Example:\n  campaign-sim size scenarios/launch.toml --inbox \"Campaign Replies\" \
             --target \"80% within 5m\"",
        "0 all good; 2 bad usage or bad input."
    ))]
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
        #[arg(long, default_value_t = 20, value_parser = run_count)]
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
    whole_count(s, MAX_RUNS, "runs")
}

/// Every seed's results are kept until the report is written, and each seed is a whole run: far
/// beyond this, memory runs out or the check never ends.
const MAX_SEEDS: u64 = 100_000;

fn seed_count(s: &str) -> Result<u64, String> {
    whole_count(s, MAX_SEEDS, "seeds")
}

/// A whole number of `what` from 1 to `max`.
fn whole_count(s: &str, max: u64, what: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err(format!("0 {what}: at least 1 is needed")),
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!("at most {max} {what}")),
        Err(e) => Err(format!(
            "{e}: give a whole number of {what} from 1 to {max}"
        )),
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
        } => sweep::sweep(scenario, runs, jobs, out, shard, shards),
        Command::Merge { shards, out } => sweep::merge(shards, out),
        Command::Schema => schema(),
        Command::Init { file, out, example } => init(
            example,
            file.or(out)
                .unwrap_or_else(|| PathBuf::from("scenario.toml")),
        ),
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
