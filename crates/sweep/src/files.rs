//! A shard folder: the state of a slice of a sweep's runs, in files `merge` reads back exactly.
//!
//! - `shard.json`: the sweep's [`Header`] (names, scenario SHA-256, version, total runs, first
//!   seed, chart inputs), which shard this is, and the latest end of its runs;
//! - `runs.csv`: the same rows a sweep's `runs.csv` has, for this shard's runs;
//! - `expectations.csv`: `seed,expectation,passed`, each threshold (0-based, scenario order) per run;
//! - `bands.csv`: `series,index,bin,histogram`, the band histograms in hdrhistogram's V2
//!   serialization, base64-encoded.
//!
//! Numbers are written in their shortest exact form, so what is read back equals what was
//! written, bit for bit.

use std::fs;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::bands::{Bands, MAX_BINS, decode, encode};
use crate::header::Header;
use crate::outputs::runs_csv;
use crate::shard::Shard;
use crate::state::{RunValues, State};

/// Names this folder kind and its layout; a later layout gets a new one.
const FORMAT: &str = "campaign-sim sweep shard v2";

#[derive(Serialize, Deserialize)]
struct ShardJson {
    format: String,
    shard: ShardNumber,
    runs_in_shard: u64,
    axis_end_ms: u64,
    header: Header,
}

#[derive(Serialize, Deserialize)]
struct ShardNumber {
    index: u64,
    count: u64,
}

/// Writes `state`, the runs of `shard`, into folder `dir` (all at once, like every report).
pub fn write_shard(dir: &Path, shard: Shard, state: &State) -> std::io::Result<()> {
    let meta = ShardJson {
        format: FORMAT.into(),
        shard: ShardNumber {
            index: shard.index,
            count: shard.count,
        },
        runs_in_shard: state.runs.len() as u64,
        axis_end_ms: state.bands().axis_end_ms,
        header: state.header.clone(),
    };
    let mut expectations = String::from("seed,expectation,passed\n");
    for r in &state.runs {
        for (k, passed) in r.passed.iter().enumerate() {
            expectations.push_str(&format!("{},{k},{passed}\n", state.header.seed(r.run)));
        }
    }
    let mut bands = String::from("series,index,bin,histogram\n");
    for (name, series) in state.bands().all() {
        for (index, s) in series.iter().enumerate() {
            for (bin, h) in s.bins.iter().enumerate() {
                if let Some(h) = h {
                    let text = STANDARD.encode(encode(h));
                    bands.push_str(&format!("{name},{index},{bin},{text}\n"));
                }
            }
        }
    }
    report::write_folder(dir, |staging| {
        let mut json = serde_json::to_string_pretty(&meta).map_err(std::io::Error::other)?;
        json.push('\n');
        fs::write(staging.join("shard.json"), json)?;
        fs::write(staging.join("runs.csv"), runs_csv(state))?;
        fs::write(staging.join("expectations.csv"), expectations)?;
        fs::write(staging.join("bands.csv"), bands)
    })
}

/// Reads a shard folder back; errors say what is wrong, not where in the code.
pub fn read_shard(dir: &Path) -> Result<(Shard, State), String> {
    let read = |name: &str| {
        fs::read_to_string(dir.join(name)).map_err(|e| format!("cannot read {name}: {e}"))
    };
    let meta: ShardJson = serde_json::from_str(&read("shard.json")?)
        .map_err(|e| format!("shard.json is not a sweep shard's: {e}"))?;
    if meta.format != FORMAT {
        return Err(format!(
            "shard.json has format {:?}; this campaign-sim reads {FORMAT:?}",
            meta.format
        ));
    }
    let shard = Shard::new(meta.shard.index, meta.shard.count)?;
    let mut state = State::new(meta.header);
    state.runs = read_runs(&read("runs.csv")?, &state.header)?;
    read_expectations(&read("expectations.csv")?, &mut state)?;
    let mut bands = read_bands(&read("bands.csv")?, &state.header)?;
    bands.axis_end_ms = meta.axis_end_ms;
    let state = state.with_bands(bands);
    if state.runs.len() as u64 != meta.runs_in_shard {
        return Err(format!(
            "runs.csv holds {} runs, shard.json says {}",
            state.runs.len(),
            meta.runs_in_shard
        ));
    }
    Ok((shard, state))
}

fn records(text: &str, header: &str, file: &str) -> Result<Vec<csv::StringRecord>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let found = reader.headers().map_err(|e| format!("{file}: {e}"))?;
    if found.iter().collect::<Vec<_>>().join(",") != header {
        return Err(format!("{file}: the header is not {header:?}"));
    }
    reader
        .records()
        .map(|r| r.map_err(|e| format!("{file}: {e}")))
        .collect()
}

fn number<T: std::str::FromStr>(text: &str, what: &str, file: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{file}: {what} {text:?} is not a number"))
}

fn read_runs(text: &str, h: &Header) -> Result<Vec<RunValues>, String> {
    let layout = h.layout();
    let rows = records(text, "seed,kind,name,metric,value", "runs.csv")?;
    if rows.len() % layout.len().max(1) != 0 {
        return Err("runs.csv: a run's rows are incomplete".into());
    }
    let mut runs = Vec::new();
    for chunk in rows.chunks(layout.len().max(1)) {
        let seed: u64 = number(&chunk[0][0], "seed", "runs.csv")?;
        let mut values = Vec::new();
        for (row, (kind, name, metric)) in chunk.iter().zip(&layout) {
            if row[0] != chunk[0][0] || &row[1] != *kind || &row[2] != *name || &row[3] != *metric {
                return Err(format!(
                    "runs.csv: expected seed {seed}, {kind} {name:?}, {metric}; found {:?}",
                    row.iter().collect::<Vec<_>>()
                ));
            }
            values.push(match &row[4] {
                "" => None,
                v => Some(number(v, "value", "runs.csv")?),
            });
        }
        runs.push(RunValues {
            run: seed.wrapping_sub(h.first_seed),
            values,
            passed: Vec::new(),
        });
    }
    Ok(runs)
}

fn read_expectations(text: &str, state: &mut State) -> Result<(), String> {
    let n = state.header.expectations.len();
    let rows = records(text, "seed,expectation,passed", "expectations.csv")?;
    if rows.len() != n * state.runs.len() {
        return Err(format!(
            "expectations.csv: {} rows for {} runs of {n} thresholds",
            rows.len(),
            state.runs.len()
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let run = &mut state.runs[i / n.max(1)];
        let seed: u64 = number(&row[0], "seed", "expectations.csv")?;
        let k: usize = number(&row[1], "expectation", "expectations.csv")?;
        if state.header.seed(run.run) != seed || k != i % n {
            return Err(format!(
                "expectations.csv: row {} is not seed {}, threshold {}",
                i + 2,
                state.header.seed(run.run),
                i % n
            ));
        }
        run.passed.push(match &row[2] {
            "true" => true,
            "false" => false,
            other => return Err(format!("expectations.csv: passed is {other:?}")),
        });
    }
    Ok(())
}

fn read_bands(text: &str, h: &Header) -> Result<Bands, String> {
    let mut bands = Bands::new(h.campaigns.len(), h.inboxes.len());
    for row in records(text, "series,index,bin,histogram", "bands.csv")? {
        let name = &row[0];
        let index: usize = number(&row[1], "index", "bands.csv")?;
        let bin: usize = number(&row[2], "bin", "bands.csv")?;
        if bin >= MAX_BINS {
            return Err(format!("bands.csv: bin {bin} is out of range"));
        }
        let bytes = STANDARD
            .decode(&row[3])
            .map_err(|e| format!("bands.csv: {e}"))?;
        let h = decode(&bytes).map_err(|e| format!("bands.csv: {e}"))?;
        let series = bands
            .series_mut(name)
            .ok_or_else(|| format!("bands.csv: unknown series {name:?}"))?;
        let s = series
            .get_mut(index)
            .ok_or_else(|| format!("bands.csv: {name} {index} does not exist"))?;
        s.add_bin(bin, &h)?;
    }
    Ok(bands)
}
