//! Who the recipients are: generated lists (phones and time zones) and overlaps between campaigns.
//!
//! Lists depend on the scenario only, not on the run seed: every replication texts the same people,
//! and only their behaviour varies.

use std::sync::Arc;

use rand::seq::SliceRandom;
use rand::seq::index::sample;
use rayon::prelude::*;

use super::rng::{self, Purpose, name_key};
use model::{List, Lists, Phone, Recipient, ZoneId};
use scenario::{Recipients, Scenario};

#[derive(Debug, Clone)]
pub struct Population {
    pub lists: Lists,
    /// Recipients per zone of each list, `[campaign][outreach][zone]`: counted once here, as
    /// every run's report and charts show them.
    pub zone_counts: Arc<[Vec<Vec<u64>>]>,
    /// Phones listed in more than one campaign (each counted once).
    pub shared_phones: u64,
}

/// The seed of population streams: fixed, so lists do not change with the run seed.
const POPULATION_SEED: u64 = 0;

pub fn build(scn: &Scenario) -> Population {
    // Made-up phones are taken as unique, so only uploaded rows and overlap copies can be shared:
    // (phone, campaign) of those is all the sharing count needs.
    let mut candidates: Vec<(Phone, usize)> = Vec::new();
    let mut lists: Vec<Option<Vec<List>>> = vec![None; scn.campaigns.len()];
    // Overlaps copy from another campaign's first outreach, so build in waves of campaigns whose
    // sources are built (the scenario reader rejected loops); a wave's lists are built in
    // parallel, each a function of the scenario alone.
    while lists.iter().any(Option::is_none) {
        let ready: Vec<usize> = (0..scn.campaigns.len())
            .filter(|&c| {
                lists[c].is_none()
                    && scn.campaigns[c].outreaches.iter().all(|o| {
                        o.overlap
                            .as_ref()
                            .is_none_or(|ov| lists[ov.campaign.index()].is_some())
                    })
            })
            .collect();
        let built: Vec<CampaignLists> = ready
            .par_iter()
            .map(|&c| campaign_lists(scn, c, &lists))
            .collect();
        for (&c, (campaign, shared)) in ready.iter().zip(built) {
            lists[c] = Some(campaign);
            candidates.extend(shared);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let shared_phones = candidates
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|campaigns| campaigns.len() > 1)
        .count() as u64;
    let lists: Lists = lists.into_iter().map(|l| l.expect("all built")).collect();
    let zone_counts = lists
        .par_iter()
        .map(|outreaches| {
            (outreaches.iter())
                .map(|list| list.count_by_zone(scn.zones.len()))
                .collect()
        })
        .collect::<Vec<_>>()
        .into();
    Population {
        lists,
        zone_counts,
        shared_phones,
    }
}

/// A campaign's lists, and the (phone, campaign) pairs that may be shared with another campaign.
type CampaignLists = (Vec<List>, Vec<(Phone, usize)>);

/// Campaign `c`'s lists, the campaigns it copies from being built in `lists`.
fn campaign_lists(scn: &Scenario, c: usize, lists: &[Option<Vec<List>>]) -> CampaignLists {
    let campaign = &scn.campaigns[c];
    let ckey = name_key(&campaign.name);
    let mut candidates = Vec::new();
    let built = campaign
        .outreaches
        .iter()
        .enumerate()
        .map(|(o, outreach)| {
            let o = o as u64;
            let mut rows = match (&outreach.recipients, &outreach.overlap) {
                (Recipients::Listed { rows, .. }, _) => {
                    candidates.extend(rows.iter().map(|r| (r.phone, c)));
                    rows.clone()
                }
                (Recipients::Generated { count, zones }, None) => {
                    return generated(*count, zones, ckey, o);
                }
                (Recipients::Generated { count, zones }, Some(_)) => {
                    generated(*count, zones, ckey, o).to_vec()
                }
            };
            if let Some(ov) = &outreach.overlap {
                let source = &lists[ov.campaign.index()].as_ref().expect("built first")[0];
                for phone in share(&mut rows, source, ov.fraction, ckey, o) {
                    candidates.extend([(phone, c), (phone, ov.campaign.index())]);
                }
            }
            List::from(rows)
        })
        .collect();
    (built, candidates)
}

/// `count` made-up recipients of outreach `outreach` of the campaign keyed `ckey`, spread over
/// `zones` in exact shares, in an order drawn once and for all.
fn generated(count: u32, zones: &[(ZoneId, f64)], ckey: u64, outreach: u64) -> List {
    let key = rng::key(&[ckey, outreach]);
    // All in one zone, every order is the same list (and the stream is this list's alone).
    let mut shared = zones.iter().filter(|(_, share)| *share > 0.0);
    if let (Some(&(zone, _)), None) = (shared.next(), shared.next()) {
        return List::generated_in(key, count as usize, zone);
    }
    let mut zone_of = apportion(count as usize, zones);
    let mut s = rng::stream(POPULATION_SEED, Purpose::Population, &[ckey, outreach]);
    zone_of.shuffle(&mut s);
    List::generated(key, zone_of)
}

/// A background customer's phone, which no real list holds: unique with overwhelming odds (60
/// random bits of `key`, the [`rng::key`] of what it belongs to).
pub fn generated_phone(key: u64) -> Phone {
    Phone(Phone::GENERATED | (key & (Phone::GENERATED - 1)))
}

/// Exact counts per zone by largest remainder, so shares are honoured without sampling noise.
fn apportion(n: usize, zones: &[(ZoneId, f64)]) -> Vec<ZoneId> {
    let total: f64 = zones.iter().map(|(_, s)| s).sum();
    let exact: Vec<f64> = zones.iter().map(|(_, s)| s / total * n as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let short = n - counts.iter().sum::<usize>();
    for &i in order.iter().take(short) {
        counts[i] += 1;
    }
    zones
        .iter()
        .zip(counts)
        .flat_map(|(&(z, _), c)| std::iter::repeat_n(z, c))
        .collect()
}

/// Replaces `fraction` of `rows` (at random positions) with recipients of `source`; returns the
/// phones copied.
fn share(
    rows: &mut [Recipient],
    source: &List,
    fraction: f64,
    ckey: u64,
    outreach: u64,
) -> Vec<Phone> {
    let k = ((fraction * rows.len() as f64).round() as usize).min(source.len());
    let mut s = rng::stream(POPULATION_SEED, Purpose::Overlap, &[ckey, outreach]);
    let targets = sample(&mut s, rows.len(), k);
    let picks = sample(&mut s, source.len(), k);
    targets
        .iter()
        .zip(picks.iter())
        .map(|(t, p)| {
            rows[t] = source.get(p).expect("picked among the source's rows");
            rows[t].phone
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_honours_shares_exactly() {
        let zone = ZoneId::new;
        let z = apportion(5000, &[(zone(1), 0.5), (zone(2), 0.2), (zone(3), 0.3)]);
        assert_eq!(z.iter().filter(|&&x| x == zone(1)).count(), 2500);
        assert_eq!(z.iter().filter(|&&x| x == zone(2)).count(), 1000);
        assert_eq!(z.iter().filter(|&&x| x == zone(3)).count(), 1500);
        let thirds = apportion(10, &[(zone(1), 1.0 / 3.0), (zone(2), 2.0 / 3.0)]);
        assert_eq!(thirds.len(), 10);
    }
}
