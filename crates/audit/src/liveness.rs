//! Liveness: with eager pacing the campaign system is work-conserving. Whenever a recipient is
//! still due, their outreach is running, their local window is open and the send windows allow one
//! more SMS, an SMS goes out at that instant. A system that idles (or stalls on a schedule it
//! cannot read) passes every safety invariant; this is what catches it.

use model::Pacing;
use model::record::{Event, Kind};
use model::time::{MAX_RUN, Millis};
use model::{EndReason, Lists};
use scenario::Scenario;

use super::{Invariant, Violation, clock};

pub fn check(scn: &Scenario, lists: &Lists, trace: &[Event], found: &mut Vec<Violation>) {
    let mut fates: Vec<Vec<&Event>> = vec![Vec::new(); scn.campaigns.len()];
    for e in trace {
        if matches!(e.kind, Kind::Send | Kind::Skip(_) | Kind::Unreached(_))
            && let Some(events) = fates.get_mut(e.campaign as usize)
        {
            events.push(e);
        }
    }
    for (c, events) in fates.iter().enumerate() {
        if scn.until.is_none() {
            left_behind(c as u32, events, found);
        }
        if scn.limits.pacing == Pacing::Eager {
            idle_slots(scn, c, &lists[c], events, found);
        }
    }
}

/// Without a horizon the run lasts until the work is done, so nobody may be left for "horizon",
/// unless the work outlasted the longest run the simulator carries out (the summary says so).
fn left_behind(c: u32, events: &[&Event], found: &mut Vec<Violation>) {
    let mut left = events
        .iter()
        .filter(|e| e.kind == Kind::Unreached(EndReason::Horizon) && e.t < MAX_RUN);
    if let Some(first) = left.next() {
        found.push(Violation {
            invariant: Invariant::Liveness,
            campaign: Some(c),
            t: first.t,
            detail: format!(
                "{} recipients left unreached when the run ended, though the scenario sets no horizon: the campaign system stopped with work left",
                1 + left.count()
            ),
        });
    }
}

/// Reports the first instant the campaign left a free slot unused while someone was due.
fn idle_slots(
    scn: &Scenario,
    c: usize,
    lists: &[Vec<model::Recipient>],
    events: &[&Event],
    found: &mut Vec<Violation>,
) {
    // Recipients without a fate yet, per outreach and time zone.
    let mut due: Vec<Vec<u32>> = lists
        .iter()
        .map(|rows| {
            let mut per_zone = vec![0; scn.zones.len()];
            for r in rows {
                per_zone[r.zone as usize] += 1;
            }
            per_zone
        })
        .collect();
    let mut sends: Vec<Millis> = Vec::new();
    let mut since = 0;
    for group in events.chunk_by(|a, b| a.t == b.t) {
        let now = group[0].t;
        if let Some(v) = first_idle_slot(scn, c, &due, &sends, since, now) {
            found.push(v);
            return;
        }
        for e in group {
            if e.kind == Kind::Send {
                sends.push(e.t);
            }
            let zone = lists
                .get(e.outreach as usize)
                .and_then(|rows| rows.get(e.recipient as usize))
                .map(|r| r.zone as usize);
            if let Some(z) = zone {
                let n = &mut due[e.outreach as usize][z];
                *n = n.saturating_sub(1);
            }
        }
        since = now;
    }
}

/// The first instant in `[from, to)` at which the campaign could have sent and did not.
fn first_idle_slot(
    scn: &Scenario,
    c: usize,
    due: &[Vec<u32>],
    sends: &[Millis],
    from: Millis,
    to: Millis,
) -> Option<Violation> {
    // The send windows, read from the sends so far: the earliest instant one more SMS fits.
    let allowed = scn
        .limits
        .windows
        .iter()
        .filter_map(|w| {
            let n = w.max as usize;
            (sends.len() >= n).then(|| sends[sends.len() - n].saturating_add(w.per))
        })
        .max()
        .unwrap_or(0);
    let from = from.max(allowed);
    let campaign = &scn.campaigns[c];
    let running: Vec<(usize, Millis, Millis)> = campaign
        .outreaches
        .iter()
        .enumerate()
        .filter(|(o, _)| due[*o].iter().any(|&n| n > 0))
        .map(|(o, out)| {
            let closes = [out.end, out.stop_at].into_iter().flatten().min();
            (o, out.start, closes.unwrap_or(Millis::MAX))
        })
        .filter(|&(_, start, closes)| start < to && closes > from)
        .collect();
    let first = running.iter().map(|&(_, start, _)| start).min()?.max(from);
    let idle_at = |t: Millis| -> Option<Violation> {
        for &(o, start, closes) in &running {
            if !(start <= t && t < closes) {
                continue;
            }
            for (z, &n) in due[o].iter().enumerate() {
                let tz = &scn.zones[z].tz;
                if n > 0 && clock::is_open(campaign.schedule.as_ref(), tz, scn.epoch, t) {
                    return Some(Violation {
                        invariant: Invariant::Liveness,
                        campaign: Some(c as u32),
                        t,
                        detail: format!(
                            "no SMS although the send windows allowed one and {n} recipients of outreach {o} in {} were due (their clock read {}, inside the schedule)",
                            scn.zones[z].name,
                            clock::local_reading(tz, scn.epoch, t)
                        ),
                    });
                }
            }
        }
        None
    };
    // Whole minutes, and the starts of outreaches in between (a start need not be on a minute).
    let mut starts: Vec<Millis> = running
        .iter()
        .map(|&(_, start, _)| start)
        .filter(|&s| s > first && s < to)
        .collect();
    starts.sort_unstable();
    let mut starts = starts.into_iter().peekable();
    for t in clock::minutes(scn.epoch, first, to) {
        while let Some(s) = starts.next_if(|&s| s < t) {
            if let Some(v) = idle_at(s) {
                return Some(v);
            }
        }
        if let Some(v) = idle_at(t) {
            return Some(v);
        }
    }
    starts.find_map(idle_at)
}
