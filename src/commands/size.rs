//! `size`: the fewest agents per interval, its report folder, and `--write-shifts`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use campaign_sim::model::InboxId;
use campaign_sim::model::time::Span;
use campaign_sim::scenario::Scenario;
use campaign_sim::{report, sizing};

use super::{Failure, cannot_write};

pub struct SizeArgs {
    pub path: PathBuf,
    pub inbox: String,
    pub target: Option<sizing::Target>,
    pub confidence: f64,
    pub runs: u64,
    pub interval: Span,
    pub jobs: Option<usize>,
    pub out: Option<PathBuf>,
    pub write_shifts: Option<PathBuf>,
}

pub fn size(a: SizeArgs) -> Result<(), Failure> {
    let scn = Scenario::load(&a.path)?;
    let inbox = inbox_named(&scn, &a)?;
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
        write_whole(file, edited.as_bytes())
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

/// Writes `bytes` to `file` all at once: to a hidden sibling first, renamed into place, so a
/// failure never leaves half a scenario behind.
fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let partial = file.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
}

/// The position of the inbox `--inbox` names, or an error listing the scenario's inboxes.
fn inbox_named(scn: &Scenario, a: &SizeArgs) -> Result<usize, Failure> {
    scn.inboxes
        .iter()
        .position(|i| i.name == a.inbox)
        .ok_or_else(|| {
            let names: Vec<String> = (scn.inboxes.iter())
                .map(|i| format!("{:?}", i.name))
                .collect();
            Failure::Input(format!(
                "--inbox {:?}: {} has no such inbox; its inboxes are {}",
                a.inbox,
                a.path.display(),
                names.join(", ")
            ))
        })
}
