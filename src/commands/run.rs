//! `run`: one run, its report folder and its table.

use std::io::{self, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use campaign_sim::model::time::Instant;
use campaign_sim::scenario::Scenario;
use campaign_sim::{report, sim};

use super::{Failure, cannot_write};

pub fn run(
    path: PathBuf,
    seed: Option<u64>,
    out: Option<PathBuf>,
    trace: bool,
) -> Result<(), Failure> {
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
    let progress = |now: Instant| bar.set_position(now.as_millis() / 1000);
    // Without a trace nobody needs the records in one stream: the scenario's independent parts
    // (if it has several) are simulated at once, with the same outcome.
    let (outcome, writer) = match writer {
        Some(writer) => {
            let (outcome, writer) =
                sim::run_with_progress(&scn, &opts, writer, &mut |now| progress(now));
            (outcome, Some(writer))
        }
        None => (sim::run_in_parts(&scn, &opts, &progress), None),
    };
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
