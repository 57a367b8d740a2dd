//! When no campaign could send to anyone: the grey bands of the send chart. It reads the
//! schedules the way the engine does, so it lives beside the engine, not in the charts.

use std::collections::BTreeSet;

use engine::schedule::window_after;
use model::ZoneId;
use model::time::Instant;

use scenario::Scenario;

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
            let zones: BTreeSet<ZoneId> = list.iter().map(|r| r.zone).collect();
            for zone in zones {
                let tz = &scn.zones[zone.index()].tz;
                let mut t = o.start;
                while t < until {
                    let Some((s, e)) = window_after(c.schedule.as_ref(), tz, scn.epoch, t) else {
                        break;
                    };
                    if s >= until {
                        break;
                    }
                    let e = e.map_or(until, |e| e.min(until));
                    open.push((s.max(o.start), e));
                    t = e;
                }
            }
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
