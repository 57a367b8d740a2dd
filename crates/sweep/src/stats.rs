//! Summaries of one metric over a sweep's runs: the mean, nearest-rank percentiles (the
//! definition the waits of one run use), and a Student t confidence interval for a mean.

use serde::Serialize;

/// A metric over the runs that measured it; `None` everywhere when none did.
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub mean: Option<f64>,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// A share's spread with the 95% confidence interval of its mean.
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
pub struct ShareSpread {
    pub mean: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    pub p5: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// Six decimals, as single runs round their shares: stable text, finer than anyone reads.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The mean of `values` in the order given (run order, so the sum is the same every time).
fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The smallest value such that at least `percent` % of the values are at most it.
pub fn nearest_rank(sorted: &[f64], percent: usize) -> Option<f64> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Spread {
            mean: mean(values).map(round6),
            p5: nearest_rank(&sorted, 5),
            p50: nearest_rank(&sorted, 50),
            p95: nearest_rank(&sorted, 95),
        }
    }
}

impl ShareSpread {
    /// With one run the interval is that run's value; shares cannot leave [0, 1], so neither
    /// does the interval.
    pub fn of(values: &[f64]) -> ShareSpread {
        let s = Spread::of(values);
        let (low, high) = match mean(values) {
            Some(m) if values.len() > 1 => {
                let n = values.len() as f64;
                let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
                let half = t975(values.len() as u64 - 1) * (var / n).sqrt();
                (
                    Some(round6((m - half).clamp(0.0, 1.0))),
                    Some(round6((m + half).clamp(0.0, 1.0))),
                )
            }
            Some(m) => (Some(round6(m)), Some(round6(m))),
            None => (None, None),
        };
        ShareSpread {
            mean: s.mean,
            ci95_low: low,
            ci95_high: high,
            p5: s.p5,
            p50: s.p50,
            p95: s.p95,
        }
    }
}

/// Student t's 0.975 quantile for 1 to 30 degrees of freedom (standard tables, six decimals).
const T975: [f64; 30] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
    2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
    2.048407, 2.045230, 2.042272,
];

/// Student t's 0.975 quantile for `df` degrees of freedom: the table up to 30, beyond it the
/// Cornish-Fisher expansion around the normal quantile (off by less than 1e-6 there), so no
/// statistics library is needed for one number.
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    if let Some(&t) = T975.get(df as usize - 1) {
        return t;
    }
    let z: f64 = 1.959_963_984_540_054;
    let n = df as f64;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    z + (z3 + z) / (4.0 * n)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92160.0 * n.powi(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_and_mean() {
        let values: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        let s = Spread::of(&values);
        assert_eq!(s.mean, Some(10.5));
        assert_eq!((s.p5, s.p50, s.p95), (Some(1.0), Some(10.0), Some(19.0)));
        assert_eq!(Spread::of(&[]).p50, None);
    }

    #[test]
    fn t_quantiles_meet_the_table_and_the_normal() {
        // Published values: t(0.975, 40) = 2.021075, 60: 2.000298, 120: 1.979930.
        for (df, t) in [(40, 2.021075), (60, 2.000298), (120, 1.979930)] {
            assert!((t975(df) - t).abs() < 1e-5, "df {df}: {}", t975(df));
        }
        assert!((t975(1_000_000) - 1.959964).abs() < 1e-5);
    }

    #[test]
    fn share_interval_is_clamped_and_collapses_for_one_run() {
        let one = ShareSpread::of(&[0.8]);
        assert_eq!((one.ci95_low, one.ci95_high), (Some(0.8), Some(0.8)));
        let wide = ShareSpread::of(&[1.0, 0.0]);
        assert_eq!((wide.ci95_low, wide.ci95_high), (Some(0.0), Some(1.0)));
        let s = ShareSpread::of(&[0.9, 0.95, 1.0]);
        // mean 0.95, sd 0.05, t(2) = 4.302653: half-width 0.124207.
        assert_eq!((s.ci95_low, s.ci95_high), (Some(0.825793), Some(1.0)));
    }
}
