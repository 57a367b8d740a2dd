//! Scenario distributions made ready to draw from.

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Beta, Exp, Geometric, Normal};

use model::time::{MAX_RUN, Span};
use rand::Rng;
use scenario::Dist;

#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Exponential(Exp<f64>),
    /// The normal distribution of the draw's logarithm: a draw is its exponential, as
    /// `rand_distr::LogNormal` draws it, kept apart so [`Sampler::span_beyond`] can skip it.
    LogNormal(Normal<f64>),
    Uniform(f64, f64),
    Beta(Beta<f64>),
    Empirical(WeightedIndex<f64>, Vec<f64>),
    /// 1 + failures before the first success.
    Geometric(Geometric),
    Normal(Normal<f64>),
}

impl Sampler {
    /// Parameters were checked when the scenario was read, so construction cannot fail.
    pub fn new(d: &Dist) -> Sampler {
        const CHECKED: &str = "distribution parameters are checked when the scenario is read";
        match d {
            Dist::Fixed(v) => Sampler::Fixed(*v),
            Dist::Exponential { mean } => {
                Sampler::Exponential(Exp::new(1.0 / mean).expect(CHECKED))
            }
            Dist::LogNormal { median, sigma } => {
                Sampler::LogNormal(Normal::new(median.ln(), *sigma).expect(CHECKED))
            }
            Dist::Uniform { min, max } => Sampler::Uniform(*min, *max),
            Dist::Beta { alpha, beta } => Sampler::Beta(Beta::new(*alpha, *beta).expect(CHECKED)),
            Dist::Empirical { values, weights } => {
                Sampler::Empirical(WeightedIndex::new(weights).expect(CHECKED), values.clone())
            }
            Dist::Geometric { mean } => {
                Sampler::Geometric(Geometric::new(1.0 / mean).expect(CHECKED))
            }
            Dist::Normal { mean, sd } => Sampler::Normal(Normal::new(*mean, *sd).expect(CHECKED)),
        }
    }

    pub fn sample(&self, rng: &mut impl Rng) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::LogNormal(log) => log.sample(rng).exp(),
            Sampler::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
            Sampler::Beta(d) => d.sample(rng),
            Sampler::Empirical(w, values) => values[w.sample(rng)],
            Sampler::Geometric(d) => 1.0 + d.sample(rng) as f64,
            Sampler::Normal(d) => d.sample(rng),
        }
    }

    /// A draw read as seconds, in whole milliseconds (negative draws count as zero, and no draw
    /// is longer than the longest run).
    pub fn span(&self, rng: &mut impl Rng) -> Span {
        to_span(self.sample(rng))
    }

    /// [`Sampler::span`]'s draw, from the same words, when it is longer than `bound`; `None`
    /// when it is not. A log-normal draw at most `bound` is often told from its logarithm alone,
    /// without the exponential: the carrier's latencies are drawn this way when only a bound
    /// on them matters.
    pub fn span_beyond(&self, rng: &mut impl Rng, bound: Span) -> Option<Span> {
        let seconds = match self {
            Sampler::LogNormal(log) => {
                let x = log.sample(rng);
                if bound.as_millis() > 0 {
                    // 2^k ms <= bound. A logarithm below ln(2^k / 1000 s), less a margin far
                    // wider than the rounding of this sum and of `exp`, rounds to at most 2^k ms.
                    let k = f64::from(63 - bound.as_millis().leading_zeros());
                    if x <= k * std::f64::consts::LN_2 - 1000f64.ln() - 1e-9 {
                        return None;
                    }
                }
                x.exp()
            }
            _ => self.sample(rng),
        };
        Some(to_span(seconds)).filter(|&s| s > bound)
    }

    /// A draw read as a count of at least one.
    pub fn count(&self, rng: &mut impl Rng) -> u32 {
        round(self.sample(rng).clamp(1.0, u32::MAX as f64)) as u32
    }
}

/// Seconds in whole milliseconds, as [`Sampler::span`] reads a draw.
fn to_span(seconds: f64) -> Span {
    let ms = (seconds * 1000.0).clamp(0.0, MAX_RUN.as_millis() as f64);
    Span::from_millis(round(ms))
}

/// `x.round()` for `0 <= x < 2^63` (NaN reads as 0, as `as u64` does), without the call into
/// the C library `f64::round` compiles to on baseline x86-64: it was 2-3 % of a replication.
/// `x - trunc(x)` is exact, so halves go up exactly as `f64::round` sends them.
fn round(x: f64) -> u64 {
    let whole = x as u64;
    whole + u64::from(x - whole as f64 >= 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_is_f64_round_on_halves_and_their_neighbours() {
        let mut xs = vec![0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5];
        xs.extend((0..2000).map(|i| f64::from(i) * 0.25));
        for x in xs.clone() {
            xs.extend([x.next_up(), x.next_down().max(0.0)]);
        }
        xs.extend([1e15 + 0.5, 9.2e18, 3.7e9 + 0.49]);
        for x in xs {
            assert_eq!(round(x), x.round() as u64, "{x:e}");
        }
        assert_eq!(round(f64::NAN), 0);
    }
    use crate::rng::{Purpose, stream};

    /// Pins exact draws: a dependency change that moves sampling math by one bit fails here
    /// (rand_distr's `std_math` feature keeps it independent of the platform libm).
    #[test]
    fn golden_draws_for_seed_42() {
        let mut rng = stream(42, Purpose::Reply, &[1]);
        let beta = Sampler::new(&Dist::Beta {
            alpha: 2.0,
            beta: 18.0,
        })
        .sample(&mut rng);
        let logn = Sampler::new(&Dist::LogNormal {
            median: 3.0,
            sigma: 0.8,
        })
        .sample(&mut rng);
        let got = format!("{beta:.17e} {logn:.17e}");
        assert_eq!(got, include_str!("golden_draws.txt").trim());
    }

    /// The shortcut may only skip work: over bounds at, around and between powers of two
    /// (the shortcut's steps) and draws of every size, it answers what the whole draw says
    /// and reads the same words.
    #[test]
    fn span_beyond_answers_as_the_whole_draw_does() {
        let samplers = [
            Sampler::new(&Dist::LogNormal {
                median: 3.0,
                sigma: 0.8,
            }),
            Sampler::new(&Dist::LogNormal {
                median: 0.001,
                sigma: 2.5,
            }),
            Sampler::new(&Dist::LogNormal {
                median: 86_400.0,
                sigma: 0.05,
            }),
            Sampler::new(&Dist::Exponential { mean: 20.0 }),
            Sampler::new(&Dist::Fixed(4.096)),
        ];
        let mut bounds: Vec<u64> = vec![0, 1, 2, 3, 999, 1000, 1001];
        for k in 1..40 {
            bounds.extend([(1 << k) - 1, 1 << k, (1 << k) + 1, 3 << (k - 1)]);
        }
        let (mut skipped, mut beyond) = (0, 0);
        for (i, s) in samplers.iter().enumerate() {
            for (j, &b) in bounds.iter().enumerate() {
                let mut rng = stream(7, Purpose::Carrier, &[i as u64, j as u64]);
                for _ in 0..200 {
                    let mut whole = rng.clone();
                    let exact = s.span(&mut whole);
                    let got = s.span_beyond(&mut rng, Span::from_millis(b));
                    assert_eq!(got, (exact.as_millis() > b).then_some(exact), "{i} {b}");
                    assert_eq!(rng.next_u64(), whole.next_u64(), "words read");
                    skipped += usize::from(got.is_none());
                    beyond += usize::from(got.is_some());
                }
            }
        }
        // Both answers were given many times.
        assert!(skipped > 10_000 && beyond > 10_000, "{skipped} {beyond}");
    }

    #[test]
    fn geometric_counts_start_at_one_with_the_given_mean() {
        let s = Sampler::new(&Dist::Geometric { mean: 1.4 });
        let mut rng = stream(1, Purpose::Reply, &[2]);
        let draws: Vec<u32> = (0..20_000).map(|_| s.count(&mut rng)).collect();
        assert!(draws.iter().all(|&d| d >= 1));
        let mean = draws.iter().map(|&d| d as f64).sum::<f64>() / draws.len() as f64;
        assert!((mean - 1.4).abs() < 0.03, "mean {mean}");
    }
}
