//! When no campaign could send to anyone: the grey bands of the send chart. It reads the
//! schedules the way the engine does, so it lives beside the engine, not in the charts.

use std::collections::HashMap;

use engine::schedule::window_after;
use model::ZoneId;
use model::schedule::WeeklySchedule;
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
///
/// `windows` may already hold the windows other callers asked for (the send chart's envelope).
pub fn closed_hours(windows: &mut OpenWindows, end: Instant) -> Vec<(Instant, Instant)> {
    let (scn, outcome) = (windows.scn, windows.outcome);
    let mut open: Vec<(Instant, Instant)> = Vec::new();
    for (c, (campaign, m)) in scn.campaigns.iter().zip(&outcome.campaigns).enumerate() {
        let done = if m.unreached == 0 {
            m.last_send.unwrap_or(Instant::START).min(end)
        } else {
            end
        };
        for (o, outreach) in campaign.outreaches.iter().enumerate() {
            let until = [outreach.end, outreach.stop_at]
                .into_iter()
                .flatten()
                .fold(done, Instant::min);
            open.extend(open_spans(windows, c, o, until));
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

/// When outreach `o` of campaign `c` has its schedule open for at least one recipient on its
/// list, on their own clocks, from its start until `until`: the hours in which its limiter could
/// send. Sorted and merged, so that zones open at once count once.
pub fn open_spans(
    windows: &mut OpenWindows,
    c: usize,
    o: usize,
    until: Instant,
) -> Vec<(Instant, Instant)> {
    let mut open: Vec<(Instant, Instant)> = windows
        .by_zone(c, o, until)
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

/// Which schedule (by position among the distinct ones), in which zone, from and until when.
type WindowsKey = (usize, ZoneId, Instant, Instant);

/// When the outreaches' schedules are open, per time zone, for one run. Campaigns that share a
/// schedule, zones and span (as all two hundred of a big scenario's do) ask for the same windows,
/// and reading a schedule on a zone's clock is costly: it is done once here for every caller.
pub struct OpenWindows<'a> {
    scn: &'a Scenario,
    outcome: &'a Outcome,
    /// Each distinct schedule once (every campaign holds its own copy), so that a key can name
    /// one by its position here.
    schedules: Vec<Option<&'a WeeklySchedule>>,
    spans: HashMap<WindowsKey, Vec<(Instant, Instant)>>,
}

impl<'a> OpenWindows<'a> {
    pub fn new(scn: &'a Scenario, outcome: &'a Outcome) -> Self {
        OpenWindows {
            scn,
            outcome,
            schedules: Vec::new(),
            spans: HashMap::new(),
        }
    }

    /// Per time zone on the list of outreach `o` of campaign `c` (in zone order), when its
    /// schedule is open there, from the outreach's start until `until`.
    pub fn by_zone(&mut self, c: usize, o: usize, until: Instant) -> Vec<ZoneOpen> {
        let campaign = &self.scn.campaigns[c];
        let start = campaign.outreaches[o].start;
        let schedule = self.schedule_key(campaign.schedule.as_ref());
        let counts = &self.outcome.zone_counts[c][o];
        let zones: Vec<(ZoneId, u64)> = (counts.iter().enumerate())
            .filter(|&(_, &recipients)| recipients > 0)
            .map(|(zone, &recipients)| (ZoneId::new(zone), recipients))
            .collect();
        zones
            .into_iter()
            .map(|(zone, recipients)| ZoneOpen {
                recipients,
                spans: self.spans((schedule, zone, start, until)).to_vec(),
            })
            .collect()
    }

    fn schedule_key(&mut self, schedule: Option<&'a WeeklySchedule>) -> usize {
        self.schedules
            .iter()
            .position(|&known| known == schedule)
            .unwrap_or_else(|| {
                self.schedules.push(schedule);
                self.schedules.len() - 1
            })
    }

    fn spans(&mut self, key: WindowsKey) -> &[(Instant, Instant)] {
        let (schedule, zone, from, until) = key;
        let (scn, schedule) = (self.scn, self.schedules[schedule]);
        self.spans
            .entry(key)
            .or_insert_with(|| open_from(scn, schedule, zone, from, until))
    }
}

/// When `schedule` is open in `zone`, from `from` until `until`, in order.
fn open_from(
    scn: &Scenario,
    schedule: Option<&WeeklySchedule>,
    zone: ZoneId,
    from: Instant,
    until: Instant,
) -> Vec<(Instant, Instant)> {
    let tz = &scn.zones[zone.index()].tz;
    let mut spans = Vec::new();
    let mut t = from;
    while t < until {
        let Some((s, e)) = window_after(schedule, tz, scn.epoch, t) else {
            break;
        };
        if s >= until {
            break;
        }
        let e = e.map_or(until, |e| e.min(until));
        spans.push((s.max(from), e));
        t = e;
    }
    spans
}
