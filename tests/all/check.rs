//! `campaign-sim check`: CI mode over many seeds.

use std::process::Command;

use campaign_sim::check::{self, Options};
use model::time::HOUR;
use model::{Pacing, Window};
use scenario::Scenario;

use crate::common::{TokenBucket, after, one_campaign, scenario, shipped};

#[test]
fn a_token_bucket_limiter_is_caught_with_campaign_window_and_time() {
    let scn = shipped("single-500.toml");
    let broken = check::check_with_limiters(
        std::slice::from_ref(&scn),
        &Options {
            seeds: 2,
            ..Default::default()
        },
        |_: &[Window], _: Pacing| TokenBucket::new(8),
    );
    assert!(!broken.passed);
    let b = broken
        .breaches
        .iter()
        .find(|b| b.kind.name() == "send_window")
        .expect("a window breach");
    assert_eq!(b.campaign.as_deref(), Some("Order update"));
    assert!(b.message.contains("more than 8 per 60 s"), "{}", b.message);
    assert!(
        b.at.as_deref()
            .is_some_and(|t| t.starts_with("2026-12-01 09:00")),
        "{:?}",
        b.at
    );
    assert!(b.reproduce.contains("--seed") && b.reproduce.contains("single-500.toml"));

    let real = check::check(
        std::slice::from_ref(&scn),
        &Options {
            seeds: 2,
            ..Default::default()
        },
    );
    assert!(real.passed, "{:?}", real.breaches);
}

fn with_threshold(condition: &str) -> String {
    one_campaign(300, "", "") + &format!("[[expect]]\ncampaign = \"A\"\n{condition}\n")
}

#[test]
fn thresholds_over_seeds_every_run_or_p95() {
    // Replies vary by seed; pick thresholds from single runs made here, independently of `check`.
    let scn = scenario(&with_threshold("replies = \">= 0\""));
    let mut replies: Vec<u64> = (0..20)
        .map(|k| {
            sim::run(
                &scn,
                &sim::Options {
                    seed: scn.seed + k,
                    ..Default::default()
                },
            )
            .campaigns[0]
                .replies
        })
        .collect();
    replies.sort_unstable();
    assert!(
        replies[0] < replies[19],
        "replies must vary across seeds for this test"
    );
    // `<= replies[18]` holds in at least 19 of 20 runs (exactly 19 unless the top two tie).
    let p95 = replies[18];
    let all_but_top = replies.iter().filter(|&&r| r <= p95).count();
    let judge = |cond: &str, over: &str| {
        let text = with_threshold(&format!("replies = \"<= {cond}\"\nover = \"{over}\""));
        let r = check::check(
            &[scenario(&text)],
            &Options {
                seeds: 20,
                ..Default::default()
            },
        );
        let t = &r.scenarios[0].thresholds[0];
        (t.runs_passed, t.passed, r.passed)
    };
    assert_eq!(
        judge(&p95.to_string(), "p95"),
        (all_but_top, all_but_top >= 19, all_but_top >= 19)
    );
    assert_eq!(judge(&p95.to_string(), "every_run").1, all_but_top == 20);
    assert_eq!(
        judge(&replies[19].to_string(), "every_run"),
        (20, true, true)
    );
}

#[test]
fn per_interval_thresholds_judge_the_worst_hour() {
    // One agent, steady background traffic: waits vary hour by hour.
    let text = one_campaign(0, "", "")
        .replace("agents = 3", "agents = 1\ncapacity = { standard = 1 }\nbackground = { per_hour = 10 }\nhandle_time = { dist = \"exponential\", mean = \"5m\" }")
        .replace("start = \"2026-12-01T08:00\"", "start = \"2026-12-01T08:00\"\nuntil = \"2026-12-01T20:00\"")
        + "[[expect]]\ninbox = \"Replies\"\nwait_p90 = \"<= 1s\"\nevery = \"1h\"\nbetween = \"09:00-17:00\"\n";
    let scn = scenario(&text);
    let o = sim::run(
        &scn,
        &sim::Options {
            seed: 3,
            ..Default::default()
        },
    );
    // Independent reckoning: p90 (nearest rank) of waits per company-clock hour 09..17.
    let mut worst: f64 = 0.0;
    for hour in 1..9u64 {
        let mut w: Vec<u64> = o.timeline.inboxes[0]
            .waits
            .iter()
            .filter(|(t, _)| *t >= after(hour * HOUR) && *t < after((hour + 1) * HOUR))
            .map(|&(_, w)| w.as_millis())
            .collect();
        if w.is_empty() {
            continue;
        }
        w.sort_unstable();
        let rank = (0.9 * w.len() as f64).ceil() as usize;
        worst = worst.max(w[rank - 1] as f64 / 1000.0);
    }
    assert!(
        worst > 1.0,
        "a single agent at this load makes someone wait"
    );
    let summary = report::summarize(&scn, &o);
    let v = &summary.expectations[0];
    assert_eq!(v.observed, worst);
    assert!(!v.passed);
    assert!(
        v.worst_interval
            .is_some_and(|w| w.date() == jiff::civil::date(2026, 12, 1))
    );
}

fn cli(args: &[&str], scenario_text: Option<&str>) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_campaign-sim"));
    cmd.arg("check");
    if let Some(text) = scenario_text {
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        cmd.arg(dir.path().join("s.toml"));
    }
    let out = cmd
        .args(args)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        dir,
    )
}

#[test]
fn check_exit_codes_and_result_files() {
    let (code, _, dir) = cli(
        &["--seeds", "3", "--verify-determinism"],
        Some(&with_threshold("sent = \"== 300\"")),
    );
    assert_eq!(code, Some(2), "a bad condition is bad input");
    assert!(!dir.path().join("out").exists());

    let (code, out, dir) = cli(
        &["--seeds", "3", "--verify-determinism"],
        Some(&with_threshold("sent = \">= 300\"")),
    );
    assert_eq!(code, Some(0), "{out}");
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    assert!(junit.contains("tests=\"4\" failures=\"0\""), "{junit}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/check.json")).unwrap()).unwrap();
    assert_eq!(json["passed"], true);
    assert!(dir.path().join("out").join(report::MARKER).is_file());
    assert!(
        json["scenarios"][0]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["deterministic"] == true)
    );

    let (code, out, dir) = cli(&["--seeds", "3"], Some(&with_threshold("sent = \"< 300\"")));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("BREACH threshold") && out.contains("reproduce: campaign-sim run"),
        "{out}"
    );
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    assert!(
        junit.contains("failures=\"1\"") && junit.contains("<failure"),
        "{junit}"
    );
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let scn: Vec<Scenario> = vec![shipped("launch.toml")];
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| {
            check::check(
                &scn,
                &Options {
                    seeds: 4,
                    ..Default::default()
                },
            )
        });
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn the_shipped_scenarios_pass_check_deterministically() {
    let scns = vec![shipped("single-500.toml"), shipped("launch.toml")];
    let r = check::check(
        &scns,
        &Options {
            seeds: 5,
            verify_determinism: true,
        },
    );
    assert!(r.passed, "{:#?}", r.breaches);
}
