//! `check`: CI mode over many seeds; `check.json` and `junit.xml`.

use std::io::{self, Write};
use std::path::PathBuf;

use campaign_sim::check;
use campaign_sim::report;
use campaign_sim::scenario::Scenario;

use super::{Failure, cannot_write};

pub fn check(
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
