//! When no campaign could send to anyone: the grey bands of the send chart. It reads the
//! schedules the way the engine does, so it lives beside the engine, not in the charts.

use std::collections::BTreeMap;

use engine::schedule::window_after;
use model::time::Instant;
use model::{Recipient, ZoneId};

use scenario::{Campaign, Outreach, Scenario};

use crate::Outcome;

/// Spans of virtual time when no campaign may send to any of its recipients: schedules are read
/// on each recipient's own clock, so a band is shaded only when every zone on every list is closed.
/// A campaign's windows count only while it could still send: from each outreach's start until
/// its end or stop, and never after the campaign's last send once nobody is left unreached, so a
/// finished campaign's open hours do not hide that the others are closed. A campaign without a
/// schedule is open at every hour of that span; before the first start and after the last
/// campaign is done, nothing is open.
pub fn closed_hours(scn: &Scenario, outcome: &Outcome, end: Instant) -> Vec<(Instant, Instant)> {
    let mut open: Vec<(Instant, Instant)> = Vec::new();
    for ((c, lists), m) in scn
        .campaigns
        .iter()
        .zip(&outcome.lists)
        .zip(&outcome.campaigns)
    {
        let done = if m.unreached == 0 {
            m.last_send.unwrap_or(Instant::START).min(end)
        } else {
            end
        };
        for (o, list) in c.outreaches.iter().zip(lists) {
            let until = [o.end, o.stop_at]
                .into_iter()
                .flatten()
                .fold(done, Instant::min);
            open.extend(open_spans(scn, c, o, list, until));
        }
    }
    open.sort_unstable();
    let mut closed = Vec::new();
    let mut covered = Instant::START;
    for (s, e) in open {
        if s > covered {
            closed.push((covered, s));
        }
        covered = covered.max(e);
    }
    if covered < end {
        closed.push((covered, end));
    }
    closed
}

/// When an outreach's schedule is open for at least one recipient on its list, on their own
/// clocks, from its start until `until`: the hours in which its limiter could send. Sorted and
/// merged, so that zones open at once count once.
pub fn open_spans(
    scn: &Scenario,
    campaign: &Campaign,
    outreach: &Outreach,
    list: &[Recipient],
    until: Instant,
) -> Vec<(Instant, Instant)> {
    let mut open: Vec<(Instant, Instant)> = open_by_zone(scn, campaign, outreach, list, until)
        .into_iter()
        .flat_map(|zone| zone.spans)
        .collect();
    open.sort_unstable();
    let mut merged: Vec<(Instant, Instant)> = Vec::new();
    for (s, e) in open {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The recipients of one time zone on an outreach's list, and when its schedule is open on
/// their clock.
pub struct ZoneOpen {
    pub recipients: u64,
    /// In order, from the outreach's start until the `until` asked for.
    pub spans: Vec<(Instant, Instant)>,
}

/// Per time zone on an outreach's list (in zone order), when its schedule is open there, from
/// the outreach's start until `until`.
pub fn open_by_zone(
    scn: &Scenario,
    campaign: &Campaign,
    outreach: &Outreach,
    list: &[Recipient],
    until: Instant,
) -> Vec<ZoneOpen> {
    let mut counts: BTreeMap<ZoneId, u64> = BTreeMap::new();
    for r in list {
        *counts.entry(r.zone).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(zone, recipients)| {
            let tz = &scn.zones[zone.index()].tz;
            let mut spans = Vec::new();
            let mut t = outreach.start;
            while t < until {
                let Some((s, e)) = window_after(campaign.schedule.as_ref(), tz, scn.epoch, t)
                else {
                    break;
                };
                if s >= until {
                    break;
                }
                let e = e.map_or(until, |e| e.min(until));
                spans.push((s.max(outreach.start), e));
                t = e;
            }
            ZoneOpen { recipients, spans }
        })
        .collect()
}
