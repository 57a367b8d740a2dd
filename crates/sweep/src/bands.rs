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

    fn record(&mut self, bin: usize, value: u64) {
        // Auto-resizing histograms take any u64; a failure would be a bug here.
        self.slot(bin)
            .record(value)
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
        Some(match name {
            "sends" => &mut self.sends,
            "sends_final" => &mut self.sends_final,
            "busy" => &mut self.busy,
            "queue" => &mut self.queue,
            "wait_p90" => &mut self.wait_p90,
            _ => return None,
        })
    }

    pub fn all(&self) -> [(&'static str, &Vec<Series>); 5] {
        [
            (SERIES[0], &self.sends),
            (SERIES[1], &self.sends_final),
            (SERIES[2], &self.busy),
            (SERIES[3], &self.queue),
            (SERIES[4], &self.wait_p90),
        ]
    }

    /// Adds one run's series, binned `bin` wide.
    pub fn record(&mut self, o: &Outcome, bin: Span) {
        let end = o.end.as_millis();
        self.axis_end_ms = self
            .axis_end_ms
            .max(report::charts::axis_end(o).as_millis());
        let bins = (end.div_ceil(bin.as_millis()).max(1) as usize).min(MAX_BINS);
        let minutes = (bin.as_millis() / BUCKET.as_millis()) as usize;
        for (c, per_minute) in o.timeline.sends.iter().enumerate().take(BAND_CAMPAIGNS) {
            let mut total = 0u64;
            for b in 0..bins {
                let upto = per_minute.len().min((b + 1) * minutes);
                let from = per_minute.len().min(b * minutes);
                total += per_minute[from..upto]
                    .iter()
                    .map(|&n| u64::from(n))
                    .sum::<u64>();
                self.sends[c].record(b, total);
            }
            self.sends_final[c].record(bins - 1, total);
        }
        for (i, line) in o.timeline.inboxes.iter().enumerate() {
            let sources: Vec<&StepSeries> = line.busy.values().collect();
            for b in 0..bins {
                let minute_range = b * minutes..(b + 1) * minutes;
                let busy: f64 = minute_range
                    .clone()
                    .map(|m| sources.iter().map(|s| s.mean(m)).sum::<f64>())
                    .sum();
                let queue: f64 = minute_range.map(|m| line.queue.mean(m)).sum();
                let milli = |sum: f64| (sum / minutes as f64 * MILLI).round() as u64;
                self.busy[i].record(b, milli(busy));
                self.queue[i].record(b, milli(queue));
            }
            for (b, [_, p90, _]) in wait_percentiles(&line.waits, bin) {
                if b as usize >= MAX_BINS {
                    break;
                }
                self.wait_p90[i].record(b as usize, p90.as_millis());
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

    #[test]
    fn ended_runs_count_with_their_final_sends_and_no_load() {
        let scn = single_500();
        let bin = 15 * MINUTE;
        let mut bands = Bands::new(1, 1);
        let mut ends = Vec::new();
        for seed in 1..=4 {
            let o = sim::run(&scn, &sim::Options { seed, trace: false });
            ends.push(o.end);
            bands.record(&o, bin);
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
            bands.record(&o, bin);
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
