//! The files a sweep leaves, written from a [`State`] alone: `sweep` and `merge` both call
//! [`outputs`], which is what makes a merge of shards byte-identical to one sweep.

use std::fmt::Write;

use serde::Serialize;

use model::CompanyClock;
use model::time::{Epoch, MINUTE};
use report::charts::{BandData, InboxBands, TimeAxis, render_bands};
use scenario::Zone;

use crate::header::{CAMPAIGN_METRICS, INBOX_METRICS};
use crate::state::State;
use crate::stats::{ShareSpread, Spread, round6};

#[derive(Serialize)]
pub struct SweepJson {
    pub scenario: String,
    pub version: String,
    pub scenario_sha256: String,
    pub runs: u64,
    pub first_seed: u64,
    pub campaigns: Vec<CampaignSweep>,
    pub inboxes: Vec<InboxSweep>,
    pub expectations: Vec<ExpectationSweep>,
}

#[derive(Serialize)]
pub struct CampaignSweep {
    pub name: String,
    pub sent: Spread,
    pub unreached: Spread,
    pub replies: Spread,
    pub last_send_s: Spread,
}

#[derive(Serialize)]
pub struct InboxSweep {
    pub name: String,
    pub arrivals: Spread,
    pub wait_p50_s: Spread,
    pub wait_p90_s: Spread,
    pub wait_p99_s: Spread,
    pub max_queue: Spread,
    pub utilization: Spread,
    pub utilization_staffed: Spread,
    pub utilization_busy_hours: Spread,
    pub sla_attainment: ShareSpread,
}

#[derive(Serialize)]
pub struct ExpectationSweep {
    pub threshold: String,
    pub target: String,
    pub metric: String,
    pub condition: String,
    pub runs_passed: u64,
    /// Share of the runs in which the threshold held.
    pub share_passed: f64,
}

/// One output file: its name in the folder and its bytes.
pub type File = (String, Vec<u8>);

/// The values of layout column `k` over the runs, in run order, leaving out runs without one.
fn column(state: &State, k: usize) -> Vec<f64> {
    state.runs.iter().filter_map(|r| r.values[k]).collect()
}

pub fn sweep_json(state: &State) -> SweepJson {
    let h = &state.header;
    let nc = CAMPAIGN_METRICS.len();
    let ni = INBOX_METRICS.len();
    let spread = |k| Spread::of(&column(state, k));
    let campaigns = h
        .campaigns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let k = c * nc;
            CampaignSweep {
                name: name.clone(),
                sent: spread(k),
                unreached: spread(k + 1),
                replies: spread(k + 2),
                last_send_s: spread(k + 3),
            }
        })
        .collect();
    let inboxes = h
        .inboxes
        .iter()
        .enumerate()
        .map(|(i, inbox)| {
            let k = h.campaigns.len() * nc + i * ni;
            InboxSweep {
                name: inbox.name.clone(),
                arrivals: spread(k),
                wait_p50_s: spread(k + 1),
                wait_p90_s: spread(k + 2),
                wait_p99_s: spread(k + 3),
                max_queue: spread(k + 4),
                utilization: spread(k + 5),
                utilization_staffed: spread(k + 6),
                utilization_busy_hours: spread(k + 7),
                sla_attainment: ShareSpread::of(&column(state, k + 8)),
            }
        })
        .collect();
    let runs = state.runs.len() as u64;
    let expectations = h
        .expectations
        .iter()
        .enumerate()
        .map(|(e, info)| {
            let passed = state.runs.iter().filter(|r| r.passed[e]).count() as u64;
            ExpectationSweep {
                threshold: info.threshold.clone(),
                target: info.target.clone(),
                metric: info.metric.clone(),
                condition: info.condition.clone(),
                runs_passed: passed,
                share_passed: if runs == 0 {
                    0.0
                } else {
                    round6(passed as f64 / runs as f64)
                },
            }
        })
        .collect();
    SweepJson {
        scenario: h.scenario.clone(),
        version: h.version.clone(),
        scenario_sha256: h.scenario_sha256.clone(),
        runs: h.runs,
        first_seed: h.first_seed,
        campaigns,
        inboxes,
        expectations,
    }
}

/// A CSV field: quoted when it holds a comma, quote or line break (names may).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `runs.csv`: `seed,kind,name,metric,value`, run by run, in scenario order; a value a run does
/// not have is empty. Values are written in their shortest exact form, so they read back equal.
pub fn runs_csv(state: &State) -> String {
    let h = &state.header;
    let layout = h.layout();
    let mut out = String::from("seed,kind,name,metric,value\n");
    for r in &state.runs {
        let seed = h.seed(r.run);
        for ((kind, name, metric), v) in layout.iter().zip(&r.values) {
            let value = v.map_or(String::new(), |v| v.to_string());
            let _ = writeln!(out, "{seed},{kind},{},{metric},{value}", csv_field(name));
        }
    }
    out
}

/// Every file of a sweep's folder.
pub fn outputs(state: &State) -> Result<Vec<File>, String> {
    let summary = sweep_json(state);
    let mut json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    json.push('\n');
    let charts = render_bands(&band_data(state)?)?;
    let mut files: Vec<File> = vec![
        ("sweep.json".into(), json.into_bytes()),
        ("runs.csv".into(), runs_csv(state).into_bytes()),
    ];
    for c in &charts {
        files.push((format!("{}.svg", c.name), c.svg.clone().into_bytes()));
        files.push((format!("{}.png", c.name), c.png.clone()));
    }
    files.push((
        "index.html".into(),
        crate::html::render(&summary, &charts).into_bytes(),
    ));
    Ok(files)
}

fn band_data(state: &State) -> Result<BandData, String> {
    let h = &state.header;
    let zone = Zone::get(&h.zone)?;
    let epoch = Epoch(
        h.epoch
            .parse()
            .map_err(|e| format!("start {:?}: {e}", h.epoch))?,
    );
    let drawn = state.bands().draw(state.runs.len() as u64, state.bin());
    Ok(BandData {
        scenario: h.scenario.clone(),
        runs: state.runs.len() as u64,
        axis: TimeAxis::on(CompanyClock::new(zone.tz, epoch), &h.zone),
        end: drawn.end_hours,
        bin_minutes: h.bin_ms / MINUTE.as_millis(),
        campaigns: h.campaigns.iter().cloned().zip(drawn.campaigns).collect(),
        inboxes: h
            .inboxes
            .iter()
            .zip(drawn.inboxes)
            .map(|(i, (busy, queue, wait_p90))| InboxBands {
                name: i.name.clone(),
                staffing: i.staffing.clone(),
                staffed_slots: i.staffed_slots.map(|n| n as f64),
                staffed_steps: i
                    .staffed_steps
                    .iter()
                    .map(|&(h, n)| (h, n as f64))
                    .collect(),
                sla_within_minutes: i.sla_within_s / 60.0,
                sla_target: i.sla_target,
                busy,
                queue,
                wait_p90,
            })
            .collect(),
    })
}

/// A table with a name column and three right-aligned ones, each at least its `least` width and
/// wider where a cell needs it: a long tail such as `16h38m40s` must not push its row out of
/// line with the header.
fn columns(
    out: &mut impl std::io::Write,
    header: [&str; 4],
    rows: &[[String; 4]],
    least: [usize; 4],
) -> std::io::Result<()> {
    let widths: Vec<usize> = (0..4)
        .map(|k| {
            rows.iter()
                .map(|r| r[k].chars().count())
                .chain([header[k].chars().count(), least[k]])
                .max()
                .unwrap_or(least[k])
        })
        .collect();
    let line = |cells: [&str; 4]| {
        format!(
            "{:<w0$} {:>w1$} {:>w2$} {:>w3$}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    writeln!(out, "{}", line(header))?;
    for r in rows {
        writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3]]))?;
    }
    Ok(())
}

/// The console's view of a sweep: per campaign and inbox, the metrics a planner reads first,
/// as median and p5-p95.
pub fn print_table(out: &mut impl std::io::Write, state: &State) -> std::io::Result<()> {
    let s = sweep_json(state);
    let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0}"));
    let dur = |v: Option<f64>| v.map_or("-".into(), report::show::duration);
    let pct = |v: Option<f64>| v.map_or("-".into(), report::show::percent);
    writeln!(
        out,
        "{} ({} runs from seed {}): median [p5 - p95]\n",
        s.scenario, s.runs, s.first_seed
    )?;
    let band = |f: &dyn Fn(Option<f64>) -> String, x: &Spread| {
        format!("{} [{} - {}]", f(x.p50), f(x.p5), f(x.p95))
    };
    let campaigns: Vec<[String; 4]> = s
        .campaigns
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                band(&num, &c.sent),
                band(&num, &c.unreached),
                band(&num, &c.replies),
            ]
        })
        .collect();
    columns(
        out,
        ["campaign", "sent", "unreached", "replies"],
        &campaigns,
        [28, 22, 22, 22],
    )?;
    let inboxes: Vec<[String; 4]> = s
        .inboxes
        .iter()
        .map(|i| {
            let a = &i.sla_attainment;
            [
                i.name.clone(),
                band(&num, &i.arrivals),
                band(&dur, &i.wait_p90_s),
                format!(
                    "{} ({} - {})",
                    pct(a.mean),
                    pct(a.ci95_low),
                    pct(a.ci95_high)
                ),
            ]
        })
        .collect();
    writeln!(out)?;
    columns(
        out,
        ["inbox", "arrivals", "wait p90", "SLA mean (95% CI)"],
        &inboxes,
        [28, 22, 22, 30],
    )?;
    for e in &s.expectations {
        writeln!(
            out,
            "expect {}: held in {} of {} runs",
            e.threshold, e.runs_passed, s.runs
        )?;
    }
    Ok(())
}
