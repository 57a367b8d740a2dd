//! Which slice of a sweep's runs one machine runs: shard I of N takes the runs i with
//! i mod N = I - 1, so every shard gets runs from the whole range and the slices never overlap.

use std::fmt;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// More shards than this is a typo, not a cluster.
pub const MAX_SHARDS: u64 = 100_000;

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The whole sweep as one shard.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "a sweep splits into 1 to {MAX_SHARDS} shards, not {count}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered 1 to {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// `I/N`, as `--shard` takes it.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes I/N (such as 2/8) or env, not {text:?}");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n)
    }

    /// The shard a batch system's array task stands for: a Kubernetes indexed Job's
    /// `JOB_COMPLETION_INDEX` (0-based) with `shards` from the command line, or a Slurm array's
    /// `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN` (so `--array=1-8` and `0-7` both work)
    /// and `SLURM_ARRAY_TASK_COUNT`. `var` reads the environment (tests pass their own).
    pub fn from_env(
        shards: Option<u64>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, String> {
        let number = |name: &str| -> Result<Option<u64>, String> {
            var(name)
                .map(|v| {
                    v.trim().parse::<u64>().map_err(|_| {
                        format!("{name}={v:?} is not a whole number, so it cannot pick a shard")
                    })
                })
                .transpose()
        };
        if let Some(k) = number("JOB_COMPLETION_INDEX")? {
            let n = shards.ok_or(
                "JOB_COMPLETION_INDEX is set (Kubernetes indexed Job): give the Job's completions \
                 as --shards N",
            )?;
            return Shard::new(k.saturating_add(1), n);
        }
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let count = number("SLURM_ARRAY_TASK_COUNT")?
                .ok_or("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")?;
            if let Some(n) = shards.filter(|&n| n != count) {
                return Err(format!(
                    "--shards {n} disagrees with SLURM_ARRAY_TASK_COUNT={count}"
                ));
            }
            let offset = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
            })?;
            return Shard::new(offset + 1, count);
        }
        Err(
            "it needs JOB_COMPLETION_INDEX (Kubernetes indexed Job, with --shards N) \
             or SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm array); neither is set"
                .into(),
        )
    }

    /// The 0-based run numbers of a sweep of `runs` runs that this shard runs, in order.
    pub fn runs(self, runs: u64) -> impl Iterator<Item = u64> {
        (self.index - 1..runs).step_by(self.count as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs() {
        let mut all: Vec<u64> = (1..=3)
            .flat_map(|i| Shard::new(i, 3).unwrap().runs(10))
            .collect();
        assert_eq!(
            Shard::new(2, 3).unwrap().runs(10).collect::<Vec<_>>(),
            [1, 4, 7]
        );
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn bad_shards_are_refused() {
        for bad in ["0/3", "4/3", "1/0", "x", "1/", "/2", "2-3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Shard::parse("3/8"), Ok(Shard { index: 3, count: 8 }));
    }
}
