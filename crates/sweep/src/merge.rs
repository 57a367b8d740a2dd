//! Merging shard folders: refuse anything that is not exactly one whole sweep (shards of
//! different scenarios, versions or splits, a shard missing or given twice), then add them up.

use std::path::PathBuf;

use crate::shard::Shard;
use crate::state::State;

/// Adds up shards read from their folders (`(folder, shard, state)`), after checking they are
/// the N shards of one sweep. Errors name the folder at fault.
pub fn merge(shards: Vec<(PathBuf, Shard, State)>) -> Result<State, String> {
    let Some((first_dir, first_shard, first)) = shards.first() else {
        return Err("merge needs at least one shard folder".into());
    };
    let (h, n) = (&first.header, first_shard.count);
    let mut seen: Vec<Option<&PathBuf>> = vec![None; n as usize];
    for (dir, shard, state) in &shards {
        let other = &state.header;
        let clash = if other.scenario_sha256 != h.scenario_sha256 || other.scenario != h.scenario {
            Some(format!(
                "is of scenario {:?} (SHA-256 {}), {} of {:?} (SHA-256 {})",
                other.scenario,
                other.scenario_sha256,
                first_dir.display(),
                h.scenario,
                h.scenario_sha256
            ))
        } else if other.recipients_sha256 != h.recipients_sha256 {
            Some(format!(
                "was run on other recipient lists than {} (a recipient CSV differs, or a campaign-sim \
                 that makes up phones differently wrote one of them)",
                first_dir.display()
            ))
        } else if other.version != h.version {
            Some(format!(
                "was written by campaign-sim {}, {} by {}",
                other.version,
                first_dir.display(),
                h.version
            ))
        } else if shard.count != n {
            Some(format!(
                "is shard {shard} of a split into {}, {} of a split into {n}",
                shard.count,
                first_dir.display()
            ))
        } else if other.runs != h.runs || other.first_seed != h.first_seed {
            Some(format!(
                "is part of a sweep of {} runs from seed {}, {} of {} runs from seed {}",
                other.runs,
                other.first_seed,
                first_dir.display(),
                h.runs,
                h.first_seed
            ))
        } else if other != h {
            Some(format!(
                "describes the sweep differently from {} (damaged shard.json?)",
                first_dir.display()
            ))
        } else {
            None
        };
        if let Some(why) = clash {
            return Err(format!("shard {} {why}", dir.display()));
        }
        let slot = &mut seen[(shard.index - 1) as usize];
        if let Some(earlier) = slot {
            return Err(format!(
                "{} and {} are both shard {shard}: give each shard once",
                earlier.display(),
                dir.display()
            ));
        }
        *slot = Some(dir);
        let expected: Vec<u64> = shard.runs(h.runs).collect();
        let found: Vec<u64> = state.runs.iter().map(|r| r.run).collect();
        if expected != found {
            return Err(format!(
                "shard {} ({shard}) should hold {} runs (runs i with i mod {n} = {}) but holds {}: it is incomplete or damaged",
                dir.display(),
                expected.len(),
                shard.index - 1,
                found.len()
            ));
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{}/{n}", i + 1))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard {} missing: merge needs all {n} shards of the sweep",
            missing.join(", ")
        ));
    }
    let mut total = State::new(h.clone());
    for (_, _, state) in shards {
        total.add(state);
    }
    Ok(total.in_run_order())
}
