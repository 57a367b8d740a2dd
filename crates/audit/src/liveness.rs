//! Liveness: with eager pacing the campaign system is work-conserving. Whenever a recipient is
//! still due, their outreach is running, their local window is open and the send windows allow one
//! more SMS, an SMS goes out at that instant. A system that idles (or stalls on a schedule it
//! cannot read) passes every safety invariant; this is what catches it.
//!
//! Judged online, one campaign at a time, from its fate records (send, skip, unreached): when the
//! first record of a later instant arrives, the stretch since the previous instant is read for a
//! free slot, with what was due and what the windows allowed before that record. So the state is
//! a count of due recipients per outreach and time zone, not the records.

use model::time::{Instant, MAX_RUN};
use model::{CampaignId, List, OutreachId, Pacing, ZoneId};
use scenario::Scenario;

use super::windows::SendWindows;
use super::{Invariant, Violation, clock};

/// One campaign's liveness, as its fate records arrive.
pub struct Liveness {
    /// Recipients without a fate yet, `[outreach][zone]`.
    due: Vec<Vec<u32>>,
    /// The instant of the latest fate record.
    latest: Option<Instant>,
    /// The first idle slot; none is looked for after it.
    idle: Option<Violation>,
    /// Recipients left for the horizon before the longest run: the first one's instant, and how
    /// many.
    left: Option<(Instant, usize)>,
}

impl Liveness {
    pub fn new(zones: usize, lists: &[List]) -> Liveness {
        let due = lists
            .iter()
            .map(|rows| {
                let mut per_zone = vec![0; zones];
                for zone in rows.zones() {
                    per_zone[zone.index()] += 1;
                }
                per_zone
            })
            .collect();
        Liveness {
            due,
            latest: None,
            idle: None,
            left: None,
        }
    }

    /// Before a fate record of campaign `c` at `now` is counted: with eager pacing, a record at a
    /// later instant than the last one closes the stretch in between, which is read for an idle
    /// slot with the windows as the sends so far left them.
    pub fn before_fate(
        &mut self,
        scn: &Scenario,
        c: CampaignId,
        now: Instant,
        windows: &SendWindows,
    ) {
        if scn.limits.pacing != Pacing::Eager || self.idle.is_some() || self.latest == Some(now) {
            return;
        }
        let since = self.latest.unwrap_or(Instant::START);
        let from = since.max(windows.allowed());
        self.idle = first_idle_slot(scn, c, &self.due, from, now);
        self.latest = Some(now);
    }

    /// A fate record of a row of `outreach` in zone `zone` (`None`: a row the list lacks).
    pub fn fate(&mut self, outreach: OutreachId, zone: Option<ZoneId>) {
        if let Some(n) = zone.and_then(|z| {
            self.due
                .get_mut(outreach.index())
                .and_then(|zones| zones.get_mut(z.index()))
        }) {
            *n = n.saturating_sub(1);
        }
    }

    /// A recipient left unreached for the horizon at `t`. Without a horizon the run lasts until
    /// the work is done, so nobody may be left so, unless the work outlasted the longest run the
    /// simulator carries out (the summary says so).
    pub fn left_for_horizon(&mut self, scn: &Scenario, t: Instant) {
        if scn.until.is_none() && t.since_start() < MAX_RUN {
            let (_, n) = self.left.get_or_insert((t, 0));
            *n += 1;
        }
    }

    /// What was found for campaign `c`: recipients left behind, then the first idle slot.
    pub fn into_violations(self, c: CampaignId) -> impl Iterator<Item = Violation> {
        let left = self.left.map(|(t, n)| Violation {
            invariant: Invariant::Liveness,
            campaign: Some(c),
            t,
            detail: format!(
                "{n} recipients left unreached when the run ended, though the scenario sets no horizon: the campaign system stopped with work left"
            ),
        });
        left.into_iter().chain(self.idle)
    }
}

/// An outreach with recipients due: its index, start, and when it closes (end or stop), if ever.
type Running = (usize, Instant, Option<Instant>);

/// The first instant in `[from, to)` at which the campaign could have sent and did not (`from`
/// already moved to when the send windows allow one more SMS).
fn first_idle_slot(
    scn: &Scenario,
    c: CampaignId,
    due: &[Vec<u32>],
    from: Instant,
    to: Instant,
) -> Option<Violation> {
    let running: Vec<Running> = scn.campaigns[c.index()]
        .outreaches
        .iter()
        .enumerate()
        .filter(|(o, _)| due[*o].iter().any(|&n| n > 0))
        .map(|(o, out)| {
            (
                o,
                out.start,
                [out.end, out.stop_at].into_iter().flatten().min(),
            )
        })
        .filter(|&(_, start, closes)| start < to && closes.is_none_or(|closes| closes > from))
        .collect();
    let first = running.iter().map(|&(_, start, _)| start).min()?.max(from);
    let idle_at = |t: Instant| idle_at(scn, c, &running, due, t);
    // Whole minutes, and the starts of outreaches in between (a start need not be on a minute).
    let mut starts: Vec<Instant> = running
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

/// A violation when at `t` a running outreach had someone due whose clock read open.
fn idle_at(
    scn: &Scenario,
    c: CampaignId,
    running: &[Running],
    due: &[Vec<u32>],
    t: Instant,
) -> Option<Violation> {
    let campaign = &scn.campaigns[c.index()];
    for &(o, start, closes) in running {
        if !(start <= t && closes.is_none_or(|closes| t < closes)) {
            continue;
        }
        for (z, &n) in due[o].iter().enumerate() {
            let tz = &scn.zones[z].tz;
            if n > 0 && clock::is_open(campaign.schedule.as_ref(), tz, scn.epoch, t) {
                return Some(Violation {
                    invariant: Invariant::Liveness,
                    campaign: Some(c),
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
}
