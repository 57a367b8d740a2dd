//! The band charts' state: per time bin, a histogram of the runs' values. Histograms add up
//! exactly (integer counts), so shards merge in any order into what one machine would have, and
//! memory grows with the bins, never with the runs.

use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};

use model::time::{HOUR, Instant, MINUTE, Span};
use report::charts::BandPoint;
use sim::Outcome;
use sim::metrics::timeline::{BUCKET, StepSeries, wait_percentiles};

/// Two significant digits: a band drawn to 1% of its value, in a few kilobytes per bin.
const SIGFIGS: u8 = 2;

/// Loads are means over a bin (fractions of a slot): histograms take whole numbers, so they
/// record thousandths.
const MILLI: f64 = 1000.0;

pub type Hist = Histogram<u32>;

/// Bins per series at most. The bin width comes from the horizon the scenario suggests, which
/// gives at most about 1,000 bins; a run can still last far longer (a recipient no schedule
/// ever opens for keeps a run without `until` going for 20 years), and the charts then end
/// here rather than spend memory on years of empty bins.
pub const MAX_BINS: usize = 4000;

pub fn empty() -> Hist {
    Histogram::new(SIGFIGS).expect("2 significant figures are valid")
}

/// One series' histograms, by bin; a bin no run reached has none.
#[derive(Clone, Default, Debug)]
pub struct Series {
    pub bins: Vec<Option<Hist>>,
}

impl Series {
    fn slot(&mut self, bin: usize) -> &mut Hist {
        if self.bins.len() <= bin {
            self.bins.resize(bin + 1, None);
        }
        self.bins[bin].get_or_insert_with(empty)
    }

    /// Counts `value` `count` times in bin `bin`.
    fn record_n(&mut self, bin: usize, value: u64, count: u32) {
        // Auto-resizing histograms take any u64; a failure would be a bug here.
        self.slot(bin)
            .record_n(value, count)
            .expect("auto-resizing histograms take any value");
    }

    pub fn add_bin(&mut self, bin: usize, h: &Hist) -> Result<(), String> {
        self.slot(bin).add(h).map_err(|e| format!("{e:?}"))
    }

    /// Takes `other`'s histograms over where this series has none (merging a state into an
    /// empty one costs no histogram arithmetic), and adds them elsewhere.
    fn add(&mut self, other: Series) {
        if self.bins.len() < other.bins.len() {
            self.bins.resize(other.bins.len(), None);
        }
        for (mine, theirs) in self.bins.iter_mut().zip(other.bins) {
            match (mine, theirs) {
                (_, None) => {}
                (Some(m), Some(t)) => m.add(&t).expect("histograms of one precision always add"),
                (m @ None, t) => *m = t,
            }
        }
    }

    fn get(&self, bin: usize) -> Option<&Hist> {
        self.bins.get(bin).and_then(Option::as_ref)
    }
}

/// Every band series of a sweep, or of a shard of it.
#[derive(Clone, Debug)]
pub struct Bands {
    /// Where the time axes end, in milliseconds: the latest of the runs' single-run axis ends
    /// (shortly after their last activity), so runs that idle on to a far horizon do not
    /// squash the bands into the left edge.
    pub axis_end_ms: u64,
    /// Per campaign: cumulative sends at the end of each bin, while the run lasted.
    pub sends: Vec<Series>,
    /// Per campaign: each run's total sends, in the bin its run ended in (after it, the
    /// cumulative curve stays level).
    pub sends_final: Vec<Series>,
    /// Per inbox: mean busy slots and mean queue per bin (thousandths), while the run lasted.
    pub busy: Vec<Series>,
    pub queue: Vec<Series>,
    /// Per inbox: p90 wait (ms) of the conversations arriving in each bin, where any did.
    pub wait_p90: Vec<Series>,
}

/// One run's values for the bands, not yet in their histograms ([`Bands::values`]).
#[derive(Clone, Debug)]
pub struct RunBands {
    axis_end_ms: u64,
    /// In [`SERIES`] order, each series' values by bin, where it has one.
    series: [Vec<Vec<Option<u64>>>; 5],
}

/// Campaigns that get a send band, in scenario order: the run's send chart names 10 too, a
/// chart of more bands is unreadable, and each costs a histogram per bin (200 campaigns would
/// hold hundreds of megabytes).
pub const BAND_CAMPAIGNS: usize = 10;

/// The names shard files give the series.
pub const SERIES: [&str; 5] = ["sends", "sends_final", "busy", "queue", "wait_p90"];

impl Bands {
    pub fn new(campaigns: usize, inboxes: usize) -> Bands {
        let campaigns = campaigns.min(BAND_CAMPAIGNS);
        Bands {
            axis_end_ms: 0,
            sends: vec![Series::default(); campaigns],
            sends_final: vec![Series::default(); campaigns],
            busy: vec![Series::default(); inboxes],
            queue: vec![Series::default(); inboxes],
            wait_p90: vec![Series::default(); inboxes],
        }
    }

    /// The series called `name` (one of [`SERIES`]).
    pub fn series_mut(&mut self, name: &str) -> Option<&mut Vec<Series>> {
        let k = SERIES.iter().position(|s| *s == name)?;
        self.all_mut().into_iter().nth(k)
    }

    /// Every series with its name, in [`SERIES`] order.
    pub fn all(&self) -> [(&'static str, &Vec<Series>); 5] {
        [
            (SERIES[0], &self.sends),
            (SERIES[1], &self.sends_final),
            (SERIES[2], &self.busy),
            (SERIES[3], &self.queue),
            (SERIES[4], &self.wait_p90),
        ]
    }

    /// Every series, in [`SERIES`] order, as [`Bands::all`] and [`RunBands`] list them.
    fn all_mut(&mut self) -> [&mut Vec<Series>; 5] {
        [
            &mut self.sends,
            &mut self.sends_final,
            &mut self.busy,
            &mut self.queue,
            &mut self.wait_p90,
        ]
    }

    /// One run's series, binned `bin` wide, as values for [`Bands::record`].
    pub fn values(&self, o: &Outcome, bin: Span) -> RunBands {
        let end = o.end.as_millis();
        let bins = (end.div_ceil(bin.as_millis()).max(1) as usize).min(MAX_BINS);
        let minutes = (bin.as_millis() / BUCKET.as_millis()) as usize;
        let campaigns = self.sends.len();
        let mut sends = Vec::with_capacity(campaigns);
        let mut sends_final = Vec::with_capacity(campaigns);
        for per_minute in o.timeline.sends.iter().take(campaigns) {
            let mut total = 0u64;
            let cumulative = (0..bins)
                .map(|b| {
                    let upto = per_minute.len().min((b + 1) * minutes);
                    let from = per_minute.len().min(b * minutes);
                    total += per_minute[from..upto]
                        .iter()
                        .map(|&n| u64::from(n))
                        .sum::<u64>();
                    Some(total)
                })
                .collect();
            sends.push(cumulative);
            let mut last = vec![None; bins];
            last[bins - 1] = Some(total);
            sends_final.push(last);
        }
        let (mut busy, mut queue, mut wait_p90) = (Vec::new(), Vec::new(), Vec::new());
        for line in &o.timeline.inboxes {
            let sources: Vec<&StepSeries> = line.busy.values().collect();
            let milli = |sum: f64| Some((sum / minutes as f64 * MILLI).round() as u64);
            let minute_ranges = (0..bins).map(|b| b * minutes..(b + 1) * minutes);
            busy.push(
                minute_ranges
                    .clone()
                    .map(|range| {
                        milli(
                            range
                                .map(|m| sources.iter().map(|s| s.mean(m)).sum::<f64>())
                                .sum(),
                        )
                    })
                    .collect(),
            );
            queue.push(
                minute_ranges
                    .map(|range| milli(range.map(|m| line.queue.mean(m)).sum()))
                    .collect(),
            );
            let mut waits = Vec::new();
            for (b, [_, p90, _]) in wait_percentiles(&line.waits, bin) {
                let b = b as usize;
                if b >= MAX_BINS {
                    break;
                }
                if waits.len() <= b {
                    waits.resize(b + 1, None);
                }
                waits[b] = Some(p90.as_millis());
            }
            wait_p90.push(waits);
        }
        RunBands {
            axis_end_ms: report::charts::axis_end(o).as_millis(),
            // In SERIES order, as `record` takes them.
            series: [sends, sends_final, busy, queue, wait_p90],
        }
    }

    /// Adds runs' values (from [`Bands::values`]) bin by bin: each bin's histogram is fetched
    /// once for all of them. A histogram per bin and series is more than the caches hold (21 MB
    /// for the peers' launch), so run by run nearly every value went to memory; in batches of
    /// 32 runs a 200-run sweep of that scenario takes 0.98x the time with one job, 0.97x with
    /// two. Histograms add up counts, so the order in which values arrive changes nothing.
    pub fn record(&mut self, runs: &[RunBands]) {
        for run in runs {
            self.axis_end_ms = self.axis_end_ms.max(run.axis_end_ms);
        }
        for (kind, series) in self.all_mut().into_iter().enumerate() {
            for (index, series) in series.iter_mut().enumerate() {
                let of_runs: Vec<&[Option<u64>]> =
                    runs.iter().map(|r| &r.series[kind][index][..]).collect();
                let bins = of_runs.iter().map(|v| v.len()).max().unwrap_or(0);
                for b in 0..bins {
                    let values = of_runs.iter().filter_map(|v| v.get(b).copied().flatten());
                    // Runs often agree (a replayed sweep's sends, an idle inbox's zeros): a
                    // value repeated is counted once.
                    let mut last: Option<(u64, u32)> = None;
                    for value in values {
                        match &mut last {
                            Some((v, n)) if *v == value => *n += 1,
                            _ => {
                                if let Some((v, n)) = last {
                                    series.record_n(b, v, n);
                                }
                                last = Some((value, 1));
                            }
                        }
                    }
                    if let Some((v, n)) = last {
                        series.record_n(b, v, n);
                    }
                }
            }
        }
    }

    pub fn add(&mut self, other: Bands) {
        self.axis_end_ms = self.axis_end_ms.max(other.axis_end_ms);
        for (mine, theirs) in [
            (&mut self.sends, other.sends),
            (&mut self.sends_final, other.sends_final),
            (&mut self.busy, other.busy),
            (&mut self.queue, other.queue),
            (&mut self.wait_p90, other.wait_p90),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.add(t);
            }
        }
    }
}

/// A histogram in hdrhistogram's V2 serialization (uncompressed: shards are small, and the
/// format stays readable by every hdrhistogram implementation). Written from a fresh histogram
/// that its counts were added into: the header's highest trackable value depends on how a
/// histogram grew (by recording, or by adding another in), which would make a shard's bytes
/// depend on how its runs were split between threads.
pub fn encode(h: &Hist) -> Vec<u8> {
    let mut canonical = empty();
    canonical
        .add(h)
        .expect("histograms of one precision always add");
    let mut out = Vec::new();
    V2Serializer::new()
        .serialize(&canonical, &mut out)
        .expect("a histogram serializes into memory");
    out
}

pub fn decode(bytes: &[u8]) -> Result<Hist, String> {
    let h: Hist = Deserializer::new()
        .deserialize(&mut &bytes[..])
        .map_err(|e| format!("not a V2 histogram: {e:?}"))?;
    // Deserialized histograms do not grow; a fresh one that does takes its counts.
    let mut grown = empty();
    grown.add(&h).map_err(|e| format!("{e:?}"))?;
    Ok(grown)
}

/// The value at nearest rank `percent`, as the lowest value of its histogram bucket: exact
/// below 256, else at most 1% low (500 sends read 500, 3999 read 3984), never above the truth.
fn at(h: &Hist, percent: f64) -> f64 {
    h.lowest_equivalent(h.value_at_quantile(percent / 100.0)) as f64
}

fn point(x: f64, h: &Hist, unit: f64) -> BandPoint {
    BandPoint {
        x,
        p5: at(h, 5.0) / unit,
        p50: at(h, 50.0) / unit,
        p95: at(h, 95.0) / unit,
    }
}

/// The bands over `runs` runs, as the charts draw them.
pub struct Drawn {
    pub end_hours: f64,
    pub campaigns: Vec<Vec<BandPoint>>,
    pub inboxes: Vec<(Vec<BandPoint>, Vec<BandPoint>, Vec<BandPoint>)>,
}

impl Bands {
    /// Percentiles per bin over `runs` runs: a run that had ended by a bin counts with its final
    /// sends and with no load, so every bin speaks for every run.
    pub fn draw(&self, runs: u64, bin: Span) -> Drawn {
        let cap = Instant::START + MAX_BINS as u64 * bin;
        let end = Instant::from_millis(self.axis_end_ms)
            .max(Instant::START + HOUR)
            .min(cap);
        let bins = end.as_millis().div_ceil(bin.as_millis()) as usize;
        let bin_h = bin.as_millis() as f64 / HOUR.as_millis() as f64;
        let campaigns = self
            .sends
            .iter()
            .zip(&self.sends_final)
            .map(|(sends, finals)| {
                let mut ended = empty();
                let mut points = Vec::new();
                for b in 0..bins {
                    let mut h = ended.clone();
                    if let Some(going) = sends.get(b) {
                        h.add(going).expect("same precision");
                    }
                    if !h.is_empty() {
                        points.push(point((b + 1) as f64 * bin_h, &h, 1.0));
                    }
                    if let Some(f) = finals.get(b) {
                        ended.add(f).expect("same precision");
                    }
                }
                points
            })
            .collect();
        let load = |series: &Series| -> Vec<BandPoint> {
            (0..bins)
                .map(|b| {
                    let mut h = series.get(b).cloned().unwrap_or_else(empty);
                    let idle = runs.saturating_sub(h.len());
                    if idle > 0 {
                        h.record_n(0, idle as u32).expect("zero fits");
                    }
                    point((b as f64 + 0.5) * bin_h, &h, MILLI)
                })
                .collect()
        };
        let minute_ms = MINUTE.as_millis() as f64;
        let inboxes = (0..self.busy.len())
            .map(|i| {
                let waits = (0..bins)
                    .filter_map(|b| {
                        let h = self.wait_p90[i].get(b)?;
                        Some(point((b as f64 + 0.5) * bin_h, h, minute_ms))
                    })
                    .collect();
                (load(&self.busy[i]), load(&self.queue[i]), waits)
            })
            .collect();
        Drawn {
            end_hours: end.as_millis() as f64 / HOUR.as_millis() as f64,
            campaigns,
            inboxes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenario::Scenario;

    fn single_500() -> Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/single-500.toml");
        Scenario::load(&path).unwrap()
    }

    /// Every histogram of `bands`, by series, index and bin.
    fn histograms(bands: &Bands) -> Vec<(&str, usize, usize, Hist)> {
        let mut all = Vec::new();
        for (name, series) in bands.all() {
            for (index, s) in series.iter().enumerate() {
                for (bin, h) in s.bins.iter().enumerate() {
                    all.extend(h.clone().map(|h| (name, index, bin, h)));
                }
            }
        }
        all
    }

    #[test]
    fn runs_recorded_together_count_as_runs_recorded_one_by_one() {
        let scn = single_500();
        let bin = 15 * MINUTE;
        let (mut together, mut one_by_one) = (Bands::new(1, 1), Bands::new(1, 1));
        let runs: Vec<RunBands> = (1..=7)
            .map(|seed| together.values(&sim::run(&scn, &sim::Options { seed, trace: false }), bin))
            .collect();
        for run in &runs {
            one_by_one.record(std::slice::from_ref(run));
        }
        // Out of order, and in two batches: the counts cannot tell.
        let mut shuffled = runs.clone();
        shuffled.swap(0, 6);
        shuffled.swap(2, 3);
        together.record(&shuffled[..3]);
        together.record(&shuffled[3..]);
        let (a, b) = (histograms(&together), histograms(&one_by_one));
        assert_eq!(a, b);
        assert_eq!(together.axis_end_ms, one_by_one.axis_end_ms);
        // The runs agree on their sends (counted once per value) and not on their load.
        let first_bin = |name: &str| {
            a.iter()
                .find(|h| h.0 == name && h.2 == 0)
                .unwrap()
                .3
                .clone()
        };
        assert_eq!(first_bin("sends").len(), 7);
        assert!(first_bin("sends").max() == first_bin("sends").min());
        let mut busy = a.iter().filter(|h| h.0 == "busy").map(|h| &h.3);
        assert!(
            busy.any(|h| h.max() != h.min()),
            "the load differs between runs"
        );
    }

    #[test]
    fn ended_runs_count_with_their_final_sends_and_no_load() {
        let scn = single_500();
        let bin = 15 * MINUTE;
        let mut bands = Bands::new(1, 1);
        let mut ends = Vec::new();
        for seed in 1..=4 {
            let o = sim::run(&scn, &sim::Options { seed, trace: false });
            ends.push(o.end);
            let values = bands.values(&o, bin);
            bands.record(&[values]);
        }
        ends.sort();
        assert!(ends[0] < ends[3], "runs must end at different times here");
        let drawn = bands.draw(4, bin);
        let bins = ends[3].as_millis().div_ceil(bin.as_millis()) as usize;
        // Every run sent all 500 within the first 65 minutes and stays level after it ended.
        let sends = &drawn.campaigns[0];
        assert_eq!(sends.len(), bins);
        for p in &sends[5..] {
            assert_eq!((p.p5, p.p50, p.p95), (500.0, 500.0, 500.0));
        }
        assert!(sends[0].p50 > 0.0 && sends[0].p50 < 500.0);
        // In the last bin only the longest run is still going: the others count as idle.
        let (busy, queue, waits) = &drawn.inboxes[0];
        assert_eq!((busy.len(), queue.len()), (bins, bins));
        let last = busy[bins - 1];
        assert_eq!((last.p5, last.p50), (0.0, 0.0));
        for p in busy.iter().chain(queue).chain(waits) {
            assert!(p.p5 <= p.p50 && p.p50 <= p.p95, "{p:?}");
        }
    }

    #[test]
    fn the_time_axis_ends_shortly_after_the_last_activity_not_at_a_far_horizon() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/single-500.toml");
        let text = std::fs::read_to_string(&path).unwrap().replacen(
            "[simulation]\n",
            "[simulation]\nuntil = \"2026-12-04T09:00\"\n",
            1,
        );
        let scn = Scenario::parse(&path, &text).unwrap();
        let bin = 15 * MINUTE;
        let mut bands = Bands::new(1, 1);
        let mut last_activity = Instant::START;
        for seed in 1..=3 {
            let o = sim::run(&scn, &sim::Options { seed, trace: false });
            assert_eq!(
                o.end,
                Instant::START + 72 * HOUR,
                "runs idle on to the horizon"
            );
            last_activity = last_activity.max(report::charts::axis_end(&o));
            let values = bands.values(&o, bin);
            bands.record(&[values]);
        }
        let drawn = bands.draw(3, bin);
        // 500 sends take about an hour and their replies a few more: the axis ends within hours
        // of that, on the latest run's single-run axis end, not three days in.
        assert_eq!(
            drawn.end_hours,
            last_activity.as_millis() as f64 / 3_600_000.0
        );
        assert!(drawn.end_hours < 12.0, "axis ends at {} h", drawn.end_hours);
        let bins = last_activity.as_millis().div_ceil(bin.as_millis()) as usize;
        assert_eq!(drawn.inboxes[0].0.len(), bins);
    }

    #[test]
    fn histograms_survive_their_serialization_and_add_exactly() {
        let mut a = empty();
        let mut b = empty();
        for v in [0, 3, 250, 4_000, 1_234_567] {
            a.record(v).unwrap();
            b.record(v * 2 + 1).unwrap();
        }
        let back = decode(&encode(&a)).unwrap();
        assert_eq!(back, a);
        let mut whole = empty();
        whole.add(&a).unwrap();
        whole.add(&b).unwrap();
        let mut merged = decode(&encode(&b)).unwrap();
        merged.add(&back).unwrap();
        assert_eq!(merged, whole);
        assert_eq!(at(&merged, 50.0), at(&whole, 50.0));
    }
}
