//! `sweep` (whole, or one shard) and `merge`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use campaign_sim::report;
use campaign_sim::scenario::Scenario;

use super::{Failure, cannot_write};

pub fn sweep(
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

pub fn merge(folders: Vec<PathBuf>, out: Option<PathBuf>) -> Result<(), Failure> {
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
