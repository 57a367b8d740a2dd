//! An inbox fed by background traffic alone is an M/M/c queue: Poisson arrivals (a flat
//! `per_hour` rate, drawn by thinning at that same rate, so no arrival is ever thinned away),
//! exponential handle times, `agents` servers of capacity 1, one customer message per
//! conversation (the agent's answer closes it), and first-come first-served (every due date is
//! arrival + the same SLA). Its steady-state waits are then known in closed form, Erlang C, which
//! this module computes on its own and holds the simulator's measured waits to.

use std::sync::OnceLock;

use model::time::{HOUR, Instant, MINUTE, Span};
use rayon::prelude::*;

use crate::common::scenario;

/// Mean handle time: 5 minutes, so each agent serves mu = 12 conversations an hour.
const HANDLE_MINUTES: f64 = 5.0;
/// The service level is taken at the inbox's default SLA, 5 minutes.
pub(crate) const SLA_MINUTES: f64 = 5.0;
/// Replications (seeds) per load.
const REPLICATIONS: u64 = 40;
/// Conversations arriving in the first hours wait in a queue that started empty; they are left
/// out. The slowest load to settle (c = 10, rho = 0.9) relaxes on a scale of about
/// 1 / (c mu (1 - sqrt rho)^2) = 3.2 h, so 8 h leaves a transient of about e^-2.5 of its start.
const WARM_UP: Span = Span::from_millis(8 * HOUR.as_millis());
/// Arrivals this close to the horizon may still be waiting when the run ends, their waits cut
/// short. P(wait > 3 h) = C e^{-(c mu - lambda) 3 h} < e^-18 at every load here.
const TAIL: Span = Span::from_millis(3 * HOUR.as_millis());
/// Measured hours per replication, between the warm-up and the tail.
const MEASURED_HOURS: u64 = 1000;

/// Bonferroni over the 9 assertions (3 loads x 3 measures), for a family-wise 5% false-alarm
/// rate: each interval is a two-sided 1 - 0.05/9 interval of Student's t with
/// REPLICATIONS - 1 = 39 degrees of freedom, t(0.99722; 39) = 2.93 (normal quantile 2.773 by
/// the Cornish-Fisher expansion). The measures of one load are correlated, so this is
/// conservative, not loose: any single interval is still a 99.4% one.
const T_CRIT: f64 = 2.93;

/// One load: `agents` agents, `per_hour` arrivals, 5-minute mean handle time.
#[derive(Debug, Clone, Copy)]
struct Load {
    name: &'static str,
    agents: u32,
    per_hour: f64,
}

const LOADS: [Load; 3] = [
    // rho = 0.5
    Load {
        name: "light (c = 1, rho = 0.5)",
        agents: 1,
        per_hour: 6.0,
    },
    // rho = 0.8
    Load {
        name: "medium (c = 3, rho = 0.8)",
        agents: 3,
        per_hour: 28.8,
    },
    // rho = 0.9
    Load {
        name: "heavy (c = 10, rho = 0.9)",
        agents: 10,
        per_hour: 108.0,
    },
];

/// Erlang's C formula: the probability that an arrival to an M/M/c queue with offered load
/// a = lambda/mu Erlangs (a < c) has to wait,
///
/// ```text
///                 a^c / c! * c / (c - a)
/// C(c, a) = ----------------------------------------
///           sum_{k=0}^{c-1} a^k / k!  +  a^c / c! * c / (c - a)
/// ```
///
/// (L. Kleinrock, Queueing Systems, Vol. 1: Theory, Wiley 1975, section 3.5, eq. 3.40).
/// Each term a^k/k! is built from the previous one (times a/k), never from a^k and k! apart, so
/// nothing overflows in f64 for c and a up to a few hundred.
fn erlang_c(c: u32, a: f64) -> f64 {
    assert!(
        c >= 1 && a > 0.0 && a < f64::from(c),
        "stable only for a < c"
    );
    let mut term = 1.0; // a^0 / 0!
    let mut below = 0.0;
    for k in 0..c {
        below += term;
        term *= a / f64::from(k + 1);
    }
    // `term` is now a^c / c!.
    let waiting = term * f64::from(c) / (f64::from(c) - a);
    waiting / (below + waiting)
}

/// What Erlang C predicts for `agents` servers of rate `mu` per hour at `lambda` per hour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prediction {
    p_wait: f64,
    /// Minutes.
    mean_wait: f64,
    /// P(wait <= SLA_MINUTES).
    pub(crate) service_level: f64,
}

/// At or above saturation (lambda >= c mu) the queue grows without bound: everyone waits,
/// forever in the limit (C tends to 1 and the mean wait to infinity as a tends to c).
pub(crate) fn erlang_prediction(agents: u32, lambda: f64, mu: f64) -> Prediction {
    // (With a relative margin, so 3 x 9.6 reads as 28.8, saturated, whatever the rounding.)
    if lambda >= f64::from(agents) * mu * (1.0 - 1e-9) {
        return Prediction {
            p_wait: 1.0,
            mean_wait: f64::INFINITY,
            service_level: 0.0,
        };
    }
    let c = erlang_c(agents, lambda / mu);
    // Spare capacity c mu - lambda, per minute: waits are C times exponential of this rate.
    let spare = (f64::from(agents) * mu - lambda) / 60.0;
    Prediction {
        p_wait: c,
        mean_wait: c / spare,
        service_level: 1.0 - c * (-spare * SLA_MINUTES).exp(),
    }
}

fn scenario_toml(load: Load) -> String {
    let until = WARM_UP + Span::from_millis(MEASURED_HOURS * HOUR.as_millis()) + TAIL;
    let hours = i64::try_from(until.as_millis() / HOUR.as_millis()).unwrap();
    let until = jiff::civil::date(2026, 12, 1)
        .at(0, 0, 0, 0)
        .checked_add(jiff::Span::new().hours(hours))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M");
    format!(
        r#"
name = "erlang"
[simulation]
timezone = "UTC"
start = "2026-12-01T00:00"
until = "{until}"
[customers]
follow_ups = {{ dist = "fixed", value = 1 }}
[[numbers]]
number = "+15550100"
inbox = "Queue"
[[inboxes]]
name = "Queue"
agents = {}
capacity = {{ standard = 1 }}
handle_time = {{ dist = "exponential", mean = "{HANDLE_MINUTES}m" }}
background = {{ per_hour = {} }}
[[campaigns]]
name = "Silent"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T00:00"
recipients = {{ count = 0 }}
"#,
        load.agents, load.per_hour,
    )
}

/// One replication's steady-state estimates, from the waits of the conversations that arrived
/// after the warm-up and before the tail.
#[derive(Debug, Clone, Copy)]
struct Replication {
    p_wait: f64,
    mean_wait: f64,
    service_level: f64,
}

fn replicate(toml: &str, seed: u64) -> Replication {
    let scn = scenario(toml);
    let until = scn.until.expect("the scenario has a horizon");
    let outcome = sim::run(&scn, &sim::Options { seed, trace: false });
    assert_eq!(outcome.inboxes.len(), 1);
    let from = Instant::START + WARM_UP;
    let to = until.saturating_sub(TAIL);
    let waits: Vec<Span> = outcome.timeline.inboxes[0]
        .waits
        .iter()
        .filter(|&&(arrived, _)| arrived >= from && arrived < to)
        .map(|&(_, wait)| wait)
        .collect();
    assert!(
        waits.len() > 100,
        "seed {seed}: only {} arrivals",
        waits.len()
    );
    let n = waits.len() as f64;
    let sla = Span::from_millis((SLA_MINUTES * MINUTE.as_millis() as f64) as u64);
    Replication {
        p_wait: waits.iter().filter(|w| !w.is_zero()).count() as f64 / n,
        mean_wait: waits
            .iter()
            .map(|w| w.as_millis() as f64 / MINUTE.as_millis() as f64)
            .sum::<f64>()
            / n,
        service_level: waits.iter().filter(|&&w| w <= sla).count() as f64 / n,
    }
}

/// Mean and standard error of the mean across replications.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    mean: f64,
    se: f64,
}

impl Estimate {
    fn of(xs: impl Iterator<Item = f64> + Clone) -> Self {
        let n = xs.clone().count() as f64;
        let mean = xs.clone().sum::<f64>() / n;
        let var = xs.map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate {
            mean,
            se: (var / n).sqrt(),
        }
    }

    fn half_width(&self) -> f64 {
        T_CRIT * self.se
    }

    fn covers(&self, truth: f64) -> bool {
        (truth - self.mean).abs() <= self.half_width()
    }
}

/// A load's measured estimates.
#[derive(Debug, Clone, Copy)]
struct Measured {
    load: Load,
    p_wait: Estimate,
    mean_wait: Estimate,
    service_level: Estimate,
}

/// Every load simulated REPLICATIONS times, once per test binary (both tests read it).
fn measured() -> &'static [Measured] {
    static MEASURED: OnceLock<Vec<Measured>> = OnceLock::new();
    MEASURED.get_or_init(|| {
        LOADS
            .iter()
            .map(|&load| {
                let toml = scenario_toml(load);
                let reps: Vec<Replication> = (1..=REPLICATIONS)
                    .into_par_iter()
                    .map(|seed| replicate(&toml, seed))
                    .collect();
                Measured {
                    load,
                    p_wait: Estimate::of(reps.iter().map(|r| r.p_wait)),
                    mean_wait: Estimate::of(reps.iter().map(|r| r.mean_wait)),
                    service_level: Estimate::of(reps.iter().map(|r| r.service_level)),
                }
            })
            .collect()
    })
}

/// The measures of `m` whose confidence interval misses what `oracle` predicts, as lines for a
/// failure message (empty: every interval covers its prediction).
fn misses(m: &Measured, oracle: Prediction) -> Vec<String> {
    [
        ("P(wait > 0)", m.p_wait, oracle.p_wait),
        ("mean wait (min)", m.mean_wait, oracle.mean_wait),
        ("P(wait <= 5m)", m.service_level, oracle.service_level),
    ]
    .into_iter()
    .filter(|(_, est, truth)| !est.covers(*truth))
    .map(|(what, est, truth)| {
        format!(
            "{}: {what} measured {:.4} +- {:.4}, Erlang C says {truth:.4}",
            m.load.name,
            est.mean,
            est.half_width()
        )
    })
    .collect()
}

const MU: f64 = 60.0 / HANDLE_MINUTES;

#[test]
fn erlang_c_gives_the_textbook_values() {
    // M/M/1: an arrival waits exactly when the server is busy, with probability rho.
    for rho in [0.1, 0.5, 0.9] {
        assert!((erlang_c(1, rho) - rho).abs() < 1e-12);
    }
    // M/M/2 at a = 1: C = (1/2 * 2) / (1 + 1 + 1) = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    // The Erlang B recursion, an independent route: B(0) = 1, B(k) = a B / (k + a B), and
    // C = c B / (c - a (1 - B)).
    for (c, a) in [(3, 2.4), (10, 9.0), (50, 45.0)] {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (f64::from(k) + a * b);
        }
        let via_b = f64::from(c) * b / (f64::from(c) - a * (1.0 - b));
        assert!((erlang_c(c, a) - via_b).abs() < 1e-12, "c = {c}, a = {a}");
    }
}

#[test]
fn m_m_c_inbox_waits_match_erlang_c_at_light_medium_and_heavy_load() {
    let mut failures = Vec::new();
    for m in measured() {
        let oracle = erlang_prediction(m.load.agents, m.load.per_hour, MU);
        eprintln!(
            "{}: P(wait>0) {:.4} +- {:.4} (Erlang C {:.4}); mean wait {:.3} +- {:.3} min ({:.3}); \
             P(wait<=5m) {:.4} +- {:.4} ({:.4})",
            m.load.name,
            m.p_wait.mean,
            m.p_wait.half_width(),
            oracle.p_wait,
            m.mean_wait.mean,
            m.mean_wait.half_width(),
            oracle.mean_wait,
            m.service_level.mean,
            m.service_level.half_width(),
            oracle.service_level,
        );
        failures.extend(misses(m, oracle));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The comparison has teeth: an oracle that gets the queue slightly wrong (service 5% or 20%
/// faster or slower, one agent more or fewer) is rejected at every load by each of the three
/// measures on its own, so none of the assertions above holds vacuously.
#[test]
fn a_slightly_wrong_erlang_c_oracle_is_rejected_by_every_measure_at_every_load() {
    for m in measured() {
        let (c, lambda) = (m.load.agents, m.load.per_hour);
        let mut wrong = vec![
            ("mu + 20%", erlang_prediction(c, lambda, MU * 1.2)),
            ("mu - 20%", erlang_prediction(c, lambda, MU * 0.8)),
            ("mu + 5%", erlang_prediction(c, lambda, MU * 1.05)),
            ("mu - 5%", erlang_prediction(c, lambda, MU * 0.95)),
            ("c + 1 agents", erlang_prediction(c + 1, lambda, MU)),
        ];
        if c > 1 {
            wrong.push(("c - 1 agents", erlang_prediction(c - 1, lambda, MU)));
        }
        for (what, oracle) in wrong {
            let missed = misses(m, oracle);
            eprintln!(
                "{} with {what} ({oracle:?}): {} of 3 measures reject it",
                m.load.name,
                missed.len()
            );
            assert_eq!(
                missed.len(),
                3,
                "{}: an oracle with {what} passed some measure: {oracle:?}",
                m.load.name
            );
        }
    }
}
