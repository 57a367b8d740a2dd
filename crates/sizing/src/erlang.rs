//! Erlang C, the textbook M/M/c answer the simulation is set beside: Poisson arrivals at rate
//! lambda, exponential holding times of mean h, c identical servers, first come first served, in
//! steady state. An arrival waits with probability C(c, a) (a = lambda h Erlangs) and, if it
//! waits, its wait is exponential with rate (c - a) / h, so
//! P(wait <= t) = 1 - C(c, a) exp(-(c - a) t / h).
//!
//! C is computed through Erlang B's recursion, B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), and
//! C = c B / (c - a (1 - B)): every step stays in [0, 1], so nothing overflows at any size.

/// The probability that an arrival waits, for `c` servers at `a` Erlangs (`a < c`).
pub fn p_wait(c: u64, a: f64) -> f64 {
    debug_assert!(a >= 0.0 && (a < c as f64));
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let c = c as f64;
    c * b / (c - a * (1.0 - b))
}

/// The share of arrivals answered within `within_s` seconds with `c` servers at `lambda` arrivals
/// per second and a mean holding time of `hold_s` seconds; 0 when the queue is unstable.
pub fn service_level(c: u64, lambda: f64, hold_s: f64, within_s: f64) -> f64 {
    let a = lambda * hold_s;
    if a <= 0.0 {
        return 1.0;
    }
    if a >= c as f64 {
        return 0.0;
    }
    1.0 - p_wait(c, a) * (-(c as f64 - a) * within_s / hold_s).exp()
}

/// Most agents Erlang C is asked about: beyond this the answer is "more than the scenario may
/// staff" and reported as that.
pub const MAX_AGENTS: u32 = 100_000;

/// The fewest agents, each `capacity` servers, whose Erlang C service level reaches `target`:
/// 0 with no arrivals.
pub fn agents(per_hour: f64, hold_s: f64, capacity: u32, within_s: f64, target: f64) -> u32 {
    let lambda = per_hour / 3600.0;
    if lambda <= 0.0 || hold_s <= 0.0 {
        return 0;
    }
    let capacity = u64::from(capacity.max(1));
    // Start at the least stable count and walk up: the service level rises with every server.
    let a = lambda * hold_s;
    let mut n = ((a / capacity as f64).floor() as u32).max(1);
    while n < MAX_AGENTS
        && service_level(u64::from(n) * capacity, lambda, hold_s, within_s) < target
    {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_server_waits_with_probability_rho() {
        for rho in [0.1, 0.5, 0.9] {
            assert!((p_wait(1, rho) - rho).abs() < 1e-12);
        }
        // Two servers at one Erlang: C = 1/3.
        assert!((p_wait(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_classic_call_centre_example() {
        // 100 calls per half hour, 3 minutes each: a = 10 Erlangs. 80% within 20 s takes 14
        // agents (service level 0.796 at 13, 0.888 at 14).
        let per_hour = 200.0;
        assert!((service_level(13, per_hour / 3600.0, 180.0, 20.0) - 0.7956).abs() < 1e-4);
        assert!((service_level(14, per_hour / 3600.0, 180.0, 20.0) - 0.8884).abs() < 1e-4);
        assert_eq!(agents(per_hour, 180.0, 1, 20.0, 0.8), 14);
        // Three slots per agent: 14 servers' worth is 5 agents (15 servers), 4 is 12 servers.
        assert_eq!(agents(per_hour, 180.0, 3, 20.0, 0.8), 5);
        assert_eq!(agents(0.0, 180.0, 1, 20.0, 0.8), 0);
    }
}
