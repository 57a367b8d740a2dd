//! `campaign-sim sweep` and `merge`: the real executable, judged against single runs made here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::shipped;

const SCENARIO: &str = "single-500.toml";

fn scenario_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(SCENARIO)
}

/// Runs `campaign-sim ARGS` with no batch-system variables but those in `env`.
fn cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_campaign-sim"));
    for var in [
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied()).args(args).output().unwrap()
}

/// `sweep` of the shipped scenario into `out`, with `extra` arguments; asserts it succeeded.
fn sweep(out: &Path, runs: u64, extra: &[&str]) {
    let scenario = scenario_path();
    let runs = runs.to_string();
    let mut args = vec![
        "sweep",
        scenario.to_str().unwrap(),
        "--runs",
        &runs,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = cli(&args, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every file of a folder (hidden ones too) by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_same_folders(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs");
    }
}

const OUTPUTS: [&str; 9] = [
    "sweep.json",
    "runs.csv",
    "index.html",
    "send_curves_band.svg",
    "send_curves_band.png",
    "inbox_load_band.svg",
    "inbox_load_band.png",
    "wait_times_band.svg",
    "wait_times_band.png",
];

/// 70 runs: more than the 32 a thread's state keeps before adding their bands up, so some
/// states add up full batches and some part of one, differently for each number of jobs.
#[test]
fn a_sweep_is_byte_identical_for_any_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sweep(&one, 70, &["--jobs", "1"]);
    sweep(&two, 70, &["--jobs", "2"]);
    for name in OUTPUTS {
        assert!(one.join(name).is_file(), "{name} is missing");
    }
    assert_same_folders(&one, &two);
}

/// Found by review: a shard's `bands.csv` wrote each histogram with the highest value it could
/// hold, which depends on how it grew: recording into it, or adding another in, as rayon's
/// fold and reduce happened to go for the number of jobs (and moving histograms into empty
/// slots rather than adding them changed it again). The counts were right and `merge` read them
/// alike, but the bytes depended on `--jobs`.
#[test]
fn a_shard_folder_is_byte_identical_for_any_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sweep(&one, 7, &["--shard", "1/2", "--jobs", "1"]);
    sweep(&two, 7, &["--shard", "1/2", "--jobs", "2"]);
    assert!(one.join("bands.csv").is_file());
    assert_same_folders(&one, &two);
}

/// Three shard folders of a 7-run sweep, and the merge of them.
fn shards(dir: &Path) -> Vec<PathBuf> {
    (1..=3)
        .map(|i| {
            let out = dir.join(format!("shard-{i}"));
            sweep(&out, 7, &["--shard", &format!("{i}/3"), "--jobs", "1"]);
            out
        })
        .collect()
}

fn merge(shards: &[PathBuf], out: &Path) -> Output {
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap()]);
    cli(&args, &[])
}

#[test]
fn a_merge_of_three_shards_is_byte_identical_to_one_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    sweep(&whole, 7, &[]);
    let shards = shards(dir.path());
    // Shards in any order.
    let merged = dir.path().join("merged");
    let o = merge(
        &[shards[2].clone(), shards[0].clone(), shards[1].clone()],
        &merged,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_same_folders(&whole, &merged);
}

#[test]
fn merge_refuses_a_mixed_missing_or_repeated_set_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let shards = shards(dir.path());
    // A shard of another sweep: 8 runs instead of 7.
    let other = dir.path().join("other");
    sweep(&other, 8, &["--shard", "2/3"]);
    // A shard of a split into 2, and copies of shard 2 whose shard.json says another scenario
    // file or another version wrote it.
    let halves = dir.path().join("halves");
    sweep(&halves, 7, &["--shard", "2/2"]);
    let tampered = |name: &str, from: &str, to: &str| {
        let copy = dir.path().join(name);
        std::fs::create_dir(&copy).unwrap();
        for (file, bytes) in files(&shards[1]) {
            std::fs::write(copy.join(&file), bytes).unwrap();
        }
        let meta = std::fs::read_to_string(copy.join("shard.json")).unwrap();
        assert!(meta.contains(from));
        std::fs::write(copy.join("shard.json"), meta.replacen(from, to, 1)).unwrap();
        copy
    };
    let meta = String::from_utf8(files(&shards[0])["shard.json"].clone()).unwrap();
    let hash_of = |key: &str| {
        let key = format!("\"{key}\": \"");
        meta.split(key.as_str()).nth(1).unwrap()[..64].to_string()
    };
    let edited = tampered("edited", &hash_of("scenario_sha256"), &"0".repeat(64));
    let relisted = tampered("relisted", &hash_of("recipients_sha256"), &"0".repeat(64));
    let newer = tampered("newer", "\"version\": \"", "\"version\": \"9.");
    let out = dir.path().join("merged");
    let one_of = |odd: &PathBuf| vec![shards[0].clone(), odd.clone(), shards[2].clone()];
    let cases: [(Vec<PathBuf>, &str, &str); 8] = [
        (one_of(&edited), "edited", "SHA-256"),
        (one_of(&relisted), "relisted", "recipient CSV differs"),
        (one_of(&newer), "newer", "written by campaign-sim 9."),
        (one_of(&halves), "halves", "split into 2"),
        (
            vec![shards[0].clone(), other.clone(), shards[2].clone()],
            "other",
            "8 runs",
        ),
        (vec![shards[0].clone(), shards[2].clone()], "2/3", "missing"),
        (
            vec![
                shards[0].clone(),
                shards[1].clone(),
                shards[1].clone(),
                shards[2].clone(),
            ],
            "shard-2",
            "both shard 2/3",
        ),
        (
            vec![shards[0].clone(), dir.path().join("nothing-here")],
            "nothing-here",
            "not a readable sweep shard",
        ),
    ];
    for (set, names, why) in cases {
        let o = merge(&set, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set:?}: {err}");
        assert!(err.contains(names) && err.contains(why), "{set:?}: {err}");
        assert!(!out.exists(), "a refused merge writes nothing");
    }
}

/// `sweep.json`'s spread of `metric` of the first campaign or inbox.
fn spread<'a>(json: &'a Value, kind: &str, metric: &str) -> &'a Value {
    &json[kind][0][metric]
}

#[test]
fn a_sweeps_numbers_are_the_same_seeds_single_runs_numbers() {
    let runs = 6;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    sweep(&out, runs, &[]);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json["runs"], runs);

    // Single runs of the same seeds, measured as `run` measures them.
    let scn = shipped(SCENARIO);
    let summaries: Vec<report::Summary> = (0..runs)
        .map(|i| {
            let opts = sim::Options {
                seed: scn.seed + i,
                trace: false,
            };
            report::summarize(&scn, &sim::run(&scn, &opts))
        })
        .collect();
    let mean = |values: Vec<f64>| values.iter().sum::<f64>() / values.len() as f64;
    let replies = mean(
        summaries
            .iter()
            .map(|s| s.campaigns[0].replies as f64)
            .collect(),
    );
    let wait_p90 = mean(summaries.iter().map(|s| s.inboxes[0].wait_p90_s).collect());
    let attainment = mean(
        summaries
            .iter()
            .map(|s| s.inboxes[0].sla_attainment)
            .collect(),
    );
    assert!(
        summaries
            .iter()
            .any(|s| s.inboxes[0].wait_p90_s != summaries[0].inboxes[0].wait_p90_s),
        "waits must vary across seeds for this test"
    );
    let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() <= 1e-6;
    assert!(close(
        &spread(&json, "campaigns", "replies")["mean"],
        replies
    ));
    assert!(close(
        &spread(&json, "inboxes", "wait_p90_s")["mean"],
        wait_p90
    ));
    assert!(close(
        &spread(&json, "inboxes", "sla_attainment")["mean"],
        attainment
    ));
    // The median of 6 values by nearest rank is the 3rd smallest.
    let mut p90s: Vec<f64> = summaries.iter().map(|s| s.inboxes[0].wait_p90_s).collect();
    p90s.sort_by(f64::total_cmp);
    assert_eq!(spread(&json, "inboxes", "wait_p90_s")["p50"], p90s[2]);

    // Every spread is ordered, and the interval holds the mean.
    for kind in ["campaigns", "inboxes"] {
        for (metric, s) in json[kind][0].as_object().unwrap() {
            if metric == "name" {
                continue;
            }
            let v = |k: &str| s[k].as_f64().unwrap();
            assert!(v("p5") <= v("p50") && v("p50") <= v("p95"), "{metric}: {s}");
            if metric == "sla_attainment" {
                assert!(
                    v("ci95_low") <= v("mean") && v("mean") <= v("ci95_high"),
                    "{s}"
                );
                assert!(v("ci95_low") >= 0.0 && v("ci95_high") <= 1.0, "{s}");
            }
        }
    }

    // runs.csv: one row per run and metric, in seed order; each row is that seed's single run.
    let csv = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "seed,kind,name,metric,value");
    let metrics = 4 * scn.campaigns.len() + 9 * scn.inboxes.len();
    assert_eq!(rows.len() - 1, runs as usize * metrics);
    for (i, s) in summaries.iter().enumerate() {
        let sent = format!(
            "{},campaign,Order update,sent,{}",
            s.seed, s.campaigns[0].sent
        );
        assert_eq!(rows[1 + i * metrics], sent);
        let inbox = &s.inboxes[0];
        for (metric, value) in [
            ("utilization_staffed", inbox.utilization_staffed),
            ("utilization_busy_hours", inbox.utilization_busy_hours),
        ] {
            let row = format!("{},inbox,{},{metric},", s.seed, inbox.name);
            let found = rows.iter().find_map(|r| r.strip_prefix(row.as_str()));
            assert_eq!(
                found.map(|v| v.parse::<f64>().unwrap()),
                Some(value),
                "{row}"
            );
        }
    }

    // Thresholds: the share of runs in which each held.
    let held = summaries
        .iter()
        .filter(|s| s.expectations[0].passed)
        .count();
    assert_eq!(json["expectations"][0]["runs_passed"], held);
}

/// Seeds in a shard folder's runs.csv, in order, without repeats.
fn shard_seeds(dir: &Path) -> Vec<u64> {
    let mut seeds: Vec<u64> = std::fs::read_to_string(dir.join("runs.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    seeds.dedup();
    seeds
}

#[test]
fn shard_env_takes_kubernetes_and_slurm_array_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario_path();
    let first = shipped(SCENARIO).seed;
    let shard = |name: &str, extra: &[&str], env: &[(&str, &str)]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "sweep",
            scenario.to_str().unwrap(),
            "--runs",
            "7",
            "--shard",
            "env",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        (cli(&args, env), out)
    };
    // Kubernetes: JOB_COMPLETION_INDEX is 0-based, so index 1 is shard 2/3: runs 1 and 4.
    let (o, out) = shard("k8s", &["--shards", "3"], &[("JOB_COMPLETION_INDEX", "1")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(shard_seeds(&out), [first + 1, first + 4]);
    // Slurm `--array=1-3`: task 3 is the third shard: runs 2 and 5.
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    let (o, out) = shard("slurm", &[], &slurm);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(shard_seeds(&out), [first + 2, first + 5]);
    // Neither set, or Kubernetes without --shards: exit 2, nothing written.
    for (name, extra, env) in [
        ("none", &[][..], &[][..]),
        ("no-count", &[][..], &[("JOB_COMPLETION_INDEX", "0")][..]),
        (
            "past-end",
            &["--shards", "3"][..],
            &[("JOB_COMPLETION_INDEX", "3")][..],
        ),
    ] {
        let (o, out) = shard(name, extra, env);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(!out.exists(), "{name}");
    }
}

#[test]
fn bad_sweep_arguments_exit_2_before_running() {
    let scenario = scenario_path();
    let s = scenario.to_str().unwrap();
    for args in [
        &["sweep", s, "--runs", "0"][..],
        &["sweep", s][..],
        &["sweep", s, "--runs", "3", "--shard", "4/3"][..],
        &["sweep", s, "--runs", "3", "--shard", "1/3", "--shards", "3"][..],
        &["sweep", "no-such-file.toml", "--runs", "3"][..],
        &["merge"][..],
    ] {
        let o = cli(args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
    }
    // A target that is not a report folder is refused before running, and left as it was.
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("notes.txt");
    std::fs::write(&taken, "mine").unwrap();
    let o = cli(
        &["sweep", s, "--runs", "2", "--out", taken.to_str().unwrap()],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// An inbox whose waits run to hours: the console table stays in line with its header (a wait
/// band like `1h2m3s [4m5s - 16h38m40s]` once pushed its row past the header's columns).
#[test]
fn a_long_wait_band_keeps_the_console_table_in_line() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("understaffed.toml");
    std::fs::write(&scenario, crate::common::UNDERSTAFFED).unwrap();
    let out = dir.path().join("sweep");
    let o = cli(
        &[
            "sweep",
            scenario.to_str().unwrap(),
            "--runs",
            "3",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let printed = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("inbox "))
        .expect("an inbox table");
    let row = lines[header + 1];
    assert!(row.starts_with("Replies "), "{printed}");
    let wait = &row[row.find("] ").expect("the arrivals band") + 2..];
    assert!(
        wait.trim_start().find(" [").is_some_and(|n| n > 8),
        "waits run to hours, wider than the column's 22: {row}"
    );
    for l in [lines[header], row] {
        assert_eq!(
            l.chars().count(),
            lines[header].chars().count(),
            "{printed}"
        );
    }
    // Each column ends where its header ends.
    let end_of = |l: &str, word: &str| l.find(word).map(|i| i + word.len());
    let wait_end = end_of(lines[header], "wait p90").unwrap();
    assert_eq!(&row[wait_end - 1..wait_end], "]", "{printed}");
}
