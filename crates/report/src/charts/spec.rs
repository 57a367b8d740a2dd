//! What the charts need to know of a run beyond its summary and series, gathered once from the
//! scenario and the outcome: the drawing code never reads the engine's configuration.

use model::time::{HOUR, Instant};
use scenario::Scenario;
use sim::Outcome;
use sim::metrics::timeline::BUCKET;

use super::hours;

pub struct ChartSpec {
    /// Where every time axis ends: the whole hour after the last send, busy agent or waiting
    /// conversation (a run's end can be days of nothing later, which would squash the activity
    /// into the left edge), but no later than the run's end and at least an hour in, so that a
    /// run of a few minutes still has an axis to read.
    pub end: Instant,
    /// Per campaign, per outreach: what the send chart's limiter envelope and cutoffs start from.
    pub outreaches: Vec<Vec<OutreachSpec>>,
    /// Spans when no campaign could send to anyone (see [`sim::closed_hours`]), in hours from the
    /// start.
    pub closed_hours: Vec<(f64, f64)>,
}

pub struct OutreachSpec {
    pub start: Instant,
    /// The end time (cutoff), if the outreach has one.
    pub end: Option<Instant>,
    /// Rows on its list, as the engine was given them.
    pub recipients: u64,
    /// Per time zone on its list, how many recipients and when its schedule was open on their
    /// clock, up to its cutoff, its stop or the axis' end: whom its limiter could send to when.
    pub zones: Vec<sim::ZoneOpen>,
}

impl ChartSpec {
    pub fn of(scn: &Scenario, outcome: &Outcome) -> ChartSpec {
        let end = axis_end(outcome);
        // Shared by the envelopes and the closed hours, which mostly ask for the same windows.
        let mut windows = sim::OpenWindows::new(scn, outcome);
        let outreaches = (scn.campaigns.iter().zip(&outcome.lists).enumerate())
            .map(|(c, (campaign, lists))| {
                (campaign.outreaches.iter().zip(lists).enumerate())
                    .map(|(i, (o, list))| {
                        let until = [o.end, o.stop_at]
                            .into_iter()
                            .flatten()
                            .fold(end, Instant::min);
                        OutreachSpec {
                            start: o.start,
                            end: o.end,
                            recipients: list.len() as u64,
                            zones: windows.by_zone(c, i, until),
                        }
                    })
                    .collect()
            })
            .collect();
        ChartSpec {
            end,
            outreaches,
            closed_hours: closed_hours(&mut windows, hours(end)),
        }
    }
}

/// See [`ChartSpec::end`]. Sweeps end their band charts at the latest of their runs'.
pub fn axis_end(outcome: &Outcome) -> Instant {
    let last = last_activity(outcome);
    let hour = HOUR.as_millis();
    // A quarter hour of air after the last activity, then up to the next whole hour.
    let after = (last.as_millis() + hour / 4).div_ceil(hour) * hour;
    Instant::from_millis(after)
        .min(outcome.end)
        .max(Instant::START + HOUR)
}

/// The end of the last minute in which anything was sent, busy or waiting.
fn last_activity(outcome: &Outcome) -> Instant {
    let timeline = &outcome.timeline;
    let minutes = outcome.end.as_millis().div_ceil(BUCKET.as_millis()) as usize;
    let sends = timeline
        .sends
        .iter()
        .filter_map(|per_minute| per_minute.iter().rposition(|&n| n > 0));
    let inboxes = timeline.inboxes.iter().filter_map(|line| {
        let series = || line.busy.values().chain(std::iter::once(&line.queue));
        (0..minutes)
            .rev()
            .find(|&m| series().any(|s| s.mean(m) > 0.0))
    });
    let last = sends.chain(inboxes).max().map_or(0, |m| m + 1);
    Instant::START + last as u64 * BUCKET
}

/// Hours (from the start) when no campaign could send to anyone, up to `end_h`. The bands are
/// cut at the instant the axis' end reads back to, and the last one is drawn to the axis' end
/// itself: hours and back can lose a millisecond, which would leave a gap or a sliver at the edge.
fn closed_hours(windows: &mut sim::OpenWindows, end_h: f64) -> Vec<(f64, f64)> {
    let end = Instant::from_millis((end_h * HOUR.as_millis() as f64) as u64);
    sim::closed_hours(windows, end)
        .into_iter()
        .map(|(s, e)| (hours(s), if e == end { end_h } else { hours(e) }))
        .collect()
}
