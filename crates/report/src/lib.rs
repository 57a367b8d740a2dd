//! What a run leaves behind: `summary.json`, the charts (SVG and PNG), `timeseries.csv`,
//! `index.html`, `trace.csv` and the console table.
//! Reports only read a finished [`Outcome`]; they never reach back into the simulation.
//! A run is measured ([`measure`]) and its thresholds judged ([`judge`]) first; the summary,
//! charts, page and tables are views of those results.

pub mod charts;
mod folder;
pub mod html;
mod measured;
pub mod show;
mod summary;
mod table;
mod timeseries;
mod trace_csv;
mod verdict;

use std::fs;
use std::io::{self, Write};
use std::path::Path;

pub use folder::{MARKER, check_target, default_dir, write_folder};
pub use measured::{CampaignMeasures, InboxMeasures, Measured, measure};
pub use summary::{Summary, summarize};
pub use table::print_table;
pub use timeseries::write_timeseries;
pub use trace_csv::{TraceWriter, trace_beside};
pub use verdict::{Verdict, judge};

use scenario::Scenario;
use sim::Outcome;
use tempfile::NamedTempFile;

/// Writes the report folder of one run: summary, charts, page, time series, and the trace when
/// one was written during the run ([`trace_beside`]).
pub fn write_report(
    dir: &Path,
    scn: &Scenario,
    outcome: &Outcome,
    summary: &Summary,
    trace: Option<NamedTempFile>,
) -> io::Result<()> {
    write_folder(dir, |staging| {
        let mut json = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
        json.push('\n');
        fs::write(staging.join("summary.json"), json)?;
        // Separate files from the same finished run: the time series is written while the
        // charts are drawn.
        write_charts(staging, scn, outcome, summary, || {
            write_series(staging, scn, outcome)
        })?;
        if let Some(trace) = trace {
            trace
                .persist(staging.join("trace.csv"))
                .map_err(|e| e.error)?;
        }
        Ok(())
    })
}

/// The charts, as SVG and PNG, and the page that shows them; `beside` runs while they are drawn.
fn write_charts(
    staging: &Path,
    scn: &Scenario,
    outcome: &Outcome,
    summary: &Summary,
    beside: impl FnOnce() -> io::Result<()> + Send,
) -> io::Result<()> {
    let spec = charts::ChartSpec::of(scn, outcome);
    let data = charts::Data {
        scn,
        summary,
        timeline: &outcome.timeline,
        spec: &spec,
    };
    let (charts, beside) = charts::render_all(&data, beside);
    let charts = charts.map_err(io::Error::other)?;
    beside?;
    for c in &charts {
        fs::write(staging.join(format!("{}.svg", c.name)), &c.svg)?;
        fs::write(staging.join(format!("{}.png", c.name)), &c.png)?;
    }
    fs::write(staging.join("index.html"), html::render(summary, &charts))
}

fn write_series(staging: &Path, scn: &Scenario, outcome: &Outcome) -> io::Result<()> {
    // Tens of megabytes for a big run: large writes, fewer system calls.
    let file = fs::File::create(staging.join("timeseries.csv"))?;
    let mut series = io::BufWriter::with_capacity(1 << 20, file);
    write_timeseries(&mut series, scn, outcome)?;
    series.flush()
}
