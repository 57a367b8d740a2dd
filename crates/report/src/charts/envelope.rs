//! The limiter's envelope: the most an outreach could have sent by each instant, given the
//! limiter's long-run rate and when its schedule is open on each recipient's own clock.
//!
//! By each instant T the most that can be sent is a maximum flow from recipients to the
//! limiter's time, and by the max-flow min-cut theorem it equals the least, over every set S of
//! time zones, of (recipients outside S) + rate x (time before T when some zone of S is open).
//! Both terms grow linearly between the instants when a zone opens or closes, so the envelope is
//! exact with at most one bend between two of them. Zones whose windows coincide are one zone to
//! this bound; past [`MAX_ZONES`] distinct ones only the two extreme sets are tried, which still
//! bounds the sends from above but more loosely.

use super::{OutreachSpec, hours};

/// Distinct zone timetables beyond which not every set of zones is tried (2^12 sets).
const MAX_ZONES: usize = 12;

/// The envelope as (hours, total) points from the outreach's start until the whole list could
/// have been sent or its open hours end.
pub fn envelope(outreach: &OutreachSpec, rate_per_hour: f64) -> Vec<(f64, f64)> {
    let zones = timetables(outreach);
    let everyone: f64 = zones.iter().map(|z| z.0).sum();
    let sets = cut_sets(zones.len());
    let mut bounds: Vec<f64> = zones
        .iter()
        .flat_map(|z| z.1.iter().flat_map(|&(s, e)| [s, e]))
        .collect();
    bounds.sort_by(f64::total_cmp);
    bounds.dedup();
    // Each set's term at the current instant: recipients outside it, plus its open time so far.
    let mut terms: Vec<f64> = sets
        .iter()
        .map(|&set| outside(&zones, set, everyone))
        .collect();
    let mut points = vec![(hours(outreach.start), 0.0)];
    for pair in bounds.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let open = open_mask(&zones, from);
        let (mut level, mut rising) = (f64::INFINITY, f64::INFINITY);
        for (term, &set) in terms.iter_mut().zip(&sets) {
            if set & open == 0 {
                level = level.min(*term);
            } else {
                rising = rising.min(*term);
                *term += (to - from) * rate_per_hour;
            }
        }
        points.push((from, level.min(rising)));
        let meets = from + (level - rising) / rate_per_hour;
        if from < meets && meets < to {
            points.push((meets, level));
        }
        let reached = level.min(rising + (to - from) * rate_per_hour);
        points.push((to, reached));
        if reached >= everyone {
            break;
        }
    }
    points.dedup();
    points
}

/// The list's zones as (recipients, open spans in hours), those with the same spans merged.
fn timetables(outreach: &OutreachSpec) -> Vec<(f64, Vec<(f64, f64)>)> {
    let mut merged: Vec<(f64, Vec<(f64, f64)>)> = Vec::new();
    for zone in &outreach.zones {
        let spans: Vec<(f64, f64)> = zone
            .spans
            .iter()
            .map(|&(s, e)| (hours(s), hours(e)))
            .collect();
        match merged.iter_mut().find(|m| m.1 == spans) {
            Some(m) => m.0 += zone.recipients as f64,
            None => merged.push((zone.recipients as f64, spans)),
        }
    }
    merged
}

/// The sets of zones the cut is taken over, as bit masks: all of them for a few zones, else
/// the empty set (the list's size) and the full one (the rate through open hours).
fn cut_sets(zones: usize) -> Vec<u32> {
    if zones <= MAX_ZONES {
        (0..1u32 << zones).collect()
    } else {
        vec![0, u32::MAX]
    }
}

fn outside(zones: &[(f64, Vec<(f64, f64)>)], set: u32, everyone: f64) -> f64 {
    let inside: f64 = zones
        .iter()
        .enumerate()
        .filter(|&(z, _)| in_set(set, z))
        .map(|(_, zone)| zone.0)
        .sum();
    everyone - inside
}

/// The zones open from `at` until the next bound (no span starts or ends in between).
fn open_mask(zones: &[(f64, Vec<(f64, f64)>)], at: f64) -> u32 {
    zones
        .iter()
        .enumerate()
        .filter(|(_, zone)| zone.1.iter().any(|&(s, e)| s <= at && at < e))
        .fold(0, |mask, (z, _)| mask | bit(z))
}

fn in_set(set: u32, zone: usize) -> bool {
    set & bit(zone) != 0
}

/// Zones past the 32nd share the last bit: they only meet the full set, which holds every bit.
fn bit(zone: usize) -> u32 {
    1 << zone.min(31)
}

/// The envelope's value at `h` hours, read off its points.
#[cfg(test)]
pub fn value_at(points: &[(f64, f64)], h: f64) -> f64 {
    let k = points.partition_point(|p| p.0 <= h);
    if k == 0 {
        return 0.0;
    }
    let (x0, y0) = points[k - 1];
    match points.get(k) {
        Some(&(x1, y1)) if x1 > x0 => y0 + (y1 - y0) * (h - x0) / (x1 - x0),
        _ => y0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::{HOUR, Instant};

    fn at(h: f64) -> Instant {
        Instant::from_millis((h * HOUR.as_millis() as f64) as u64)
    }

    fn outreach(zones: &[(u64, &[(f64, f64)])]) -> OutreachSpec {
        OutreachSpec {
            start: Instant::START,
            end: None,
            recipients: zones.iter().map(|z| z.0).sum(),
            zones: zones
                .iter()
                .map(|&(recipients, spans)| sim::ZoneOpen {
                    recipients,
                    spans: spans.iter().map(|&(s, e)| (at(s), at(e))).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn one_zone_rises_at_the_rate_while_open_and_stays_level_while_closed() {
        // 10 per hour, open 1-3 h and 5-9 h, 50 recipients: 20 by 3 h, all 50 by 8 h.
        let points = envelope(&outreach(&[(50, &[(1.0, 3.0), (5.0, 9.0)])]), 10.0);
        assert_eq!(value_at(&points, 1.0), 0.0);
        assert!((value_at(&points, 3.0) - 20.0).abs() < 1e-9);
        assert!((value_at(&points, 4.5) - 20.0).abs() < 1e-9);
        assert!((value_at(&points, 8.0) - 50.0).abs() < 1e-9);
        assert_eq!(points.last().unwrap().1, 50.0);
    }

    #[test]
    fn a_zone_with_few_recipients_cannot_use_its_open_hours_twice() {
        // East is open 0-4 h with 5 recipients, west 2-6 h with 100. By 2 h only east's 5 can
        // have been sent, though 20 could at the rate; from 2 h west adds 10 an hour.
        let points = envelope(&outreach(&[(5, &[(0.0, 4.0)]), (100, &[(2.0, 6.0)])]), 10.0);
        assert!((value_at(&points, 2.0) - 5.0).abs() < 1e-9, "{points:?}");
        assert!((value_at(&points, 0.25) - 2.5).abs() < 1e-9, "{points:?}");
        assert!((value_at(&points, 4.0) - 25.0).abs() < 1e-9, "{points:?}");
        assert!((value_at(&points, 6.0) - 45.0).abs() < 1e-9, "{points:?}");
    }

    #[test]
    fn recipients_saved_for_a_later_window_keep_the_bound_at_every_instant() {
        // East (10) is open 0-1 h and 3-4 h, west (10) 0-2 h, at 10 an hour. By 2 h at most 20
        // could be sent (west's window holds 10 more); by 4 h everyone. A greedy that spends
        // the first hour on west and the second on east would sit under this bound, and one
        // that spends both hours on east is under it at 4 h: the bound is every schedule's top.
        let points = envelope(
            &outreach(&[(10, &[(0.0, 1.0), (3.0, 4.0)]), (10, &[(0.0, 2.0)])]),
            10.0,
        );
        assert!((value_at(&points, 1.0) - 10.0).abs() < 1e-9, "{points:?}");
        assert!((value_at(&points, 2.0) - 20.0).abs() < 1e-9, "{points:?}");
        assert!((value_at(&points, 3.5) - 20.0).abs() < 1e-9, "{points:?}");
    }

    #[test]
    fn many_distinct_zones_still_bound_by_the_rate_and_the_list() {
        let spans: Vec<Vec<(f64, f64)>> = (0..14)
            .map(|z| vec![(f64::from(z), f64::from(z) + 1.0)])
            .collect();
        let zones: Vec<(u64, &[(f64, f64)])> = spans.iter().map(|s| (3, s.as_slice())).collect();
        let points = envelope(&outreach(&zones), 10.0);
        assert!((value_at(&points, 1.0) - 10.0).abs() < 1e-9, "{points:?}");
        assert_eq!(points.last().unwrap().1, 42.0);
    }
}
