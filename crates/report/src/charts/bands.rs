//! A sweep's band charts: per time bin, the median over runs as a line and the p5-p95 range as a
//! shaded band. They take plain per-bin percentiles, so whoever aggregates the runs (the sweep
//! crate, with mergeable histograms) decides how, and these only draw.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Chart, DrawResult, Drawing, Drawings, FONT, TimeAxis, TimeChart, color, dashed_key,
    legend, sla_line, time_axes, time_chart, titled,
};

/// One time bin's spread over the runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    /// The bin's middle, in hours from the start.
    pub x: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// What the band charts of one inbox show.
pub struct InboxBands {
    pub name: String,
    /// `8 agents x 3`, as the scenario staffs it.
    pub staffing: String,
    /// Agents x capacity of an inbox staffed all the time; `None` with shifts.
    pub staffed_slots: Option<f64>,
    /// With shifts: the staffed slots as steps, (hours from the start, slots from then on).
    pub staffed_steps: Vec<(f64, f64)>,
    pub sla_within_minutes: f64,
    pub sla_target: f64,
    /// Busy agent slots, per-bin mean of each run.
    pub busy: Vec<BandPoint>,
    /// Conversations waiting, per-bin mean of each run.
    pub queue: Vec<BandPoint>,
    /// Each run's p90 wait (minutes) of the conversations that arrived in the bin; bins where
    /// no run had an arrival are left out.
    pub wait_p90: Vec<BandPoint>,
}

/// Everything the band charts read: no scenario file needed, so `merge` can draw them.
pub struct BandData {
    pub scenario: String,
    pub runs: u64,
    pub axis: TimeAxis,
    /// Where the time axes end, in hours.
    pub end: f64,
    /// Width of one bin, in minutes (for the titles).
    pub bin_minutes: u64,
    /// Per campaign (the first ten): its name and its cumulative sends.
    pub campaigns: Vec<(String, Vec<BandPoint>)>,
    pub inboxes: Vec<InboxBands>,
}

/// `send_curves_band`, `inbox_load_band` and `wait_times_band`.
pub fn render_bands(d: &BandData) -> Result<Vec<Chart>, String> {
    super::register_font();
    let subtitle = format!(
        "{} ({} runs; line: median, band: p5-p95 per {}-minute bin)",
        d.scenario, d.runs, d.bin_minutes
    );
    let inboxes = d.inboxes.len().max(1) as u32;
    let (sends, load, waits) = (SendBands(d), LoadBands(d), WaitBands(d));
    let charts = vec![
        Drawings::of(
            "send_curves_band",
            format!("SMS sent over time: {subtitle}"),
            (1200, 620),
            &sends,
        ),
        Drawings::of(
            "inbox_load_band",
            format!("Inbox load: {subtitle}"),
            (1200, 60 + 320 * inboxes),
            &load,
        ),
        Drawings::of(
            "wait_times_band",
            format!("p90 wait before an agent takes the conversation: {subtitle}"),
            (1200, 60 + 300 * inboxes),
            &waits,
        ),
    ];
    super::render_in_turn(charts, || ()).0
}

/// Draws `points` as a shaded p5-p95 band and a median line in `colour`; bins missing from
/// `points` break both, so an interval without data is not drawn as if it had some.
fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    points: &[BandPoint],
    colour: RGBColor,
    label: &str,
    bin_hours: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let gap = |a: &BandPoint, b: &BandPoint| b.x - a.x > bin_hours * 1.5;
    let mut first = true;
    for run in points.chunk_by(|a, b| !gap(a, b)) {
        let outline: Vec<(f64, f64)> = run
            .iter()
            .map(|p| (p.x, p.p95))
            .chain(run.iter().rev().map(|p| (p.x, p.p5)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(0.22).filled(),
        )))?;
        if run.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(
                (run[0].x, run[0].p50),
                2,
                colour.filled(),
            )))?;
        }
        let line = chart.draw_series(LineSeries::new(
            run.iter().map(|p| (p.x, p.p50)),
            colour.stroke_width(2),
        ))?;
        if first {
            first = false;
            line.label(format!("{label}: median, p5-p95"))
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + Rectangle::new([(0, -6), (18, 6)], colour.mix(0.22).filled())
                        + PathElement::new(vec![(0, 0), (18, 0)], colour.stroke_width(2))
                });
        }
    }
    Ok(())
}

/// Room above the highest band, staffed line or SLA line.
const HEADROOM: f64 = 1.15;

fn top(points: &[BandPoint]) -> f64 {
    points.iter().map(|p| p.p95).fold(0.0, f64::max)
}

struct SendBands<'a>(&'a BandData);

impl Drawing for SendBands<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = titled(root, title)?;
        let y_max = d.campaigns.iter().map(|(_, p)| top(p)).fold(1.0, f64::max) * 1.05;
        let mut chart = time_chart(
            ChartBuilder::on(&area)
                .margin(16)
                .x_label_area_size(50)
                .y_label_area_size(70),
            &d.axis,
            d.end,
            0.0..y_max,
        )?;
        time_axes(&mut chart, &d.axis, "SMS sent (cumulative)", false)?;
        let bin = d.bin_minutes as f64 / 60.0;
        for (c, (name, points)) in d.campaigns.iter().enumerate() {
            draw_band(&mut chart, points, color(c), name, bin)?;
        }
        legend(&mut chart)?;
        area.present()?;
        Ok(())
    }
}

struct LoadBands<'a>(&'a BandData);

impl Drawing for LoadBands<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = titled(root, title)?;
        let bin = d.bin_minutes as f64 / 60.0;
        let panels = area.split_evenly((d.inboxes.len().max(1), 1));
        for (inbox, panel) in d.inboxes.iter().zip(panels) {
            // Busy slots and the queue on scales of their own: a long queue on the busy slots'
            // scale would squash them flat.
            let panel =
                panel.titled(&format!("{} ({})", inbox.name, inbox.staffing), (FONT, 17))?;
            let split = panel.dim_in_pixel().1 * 11 / 20;
            let (upper, lower) = panel.split_vertically(split);
            draw_busy(&upper, d, inbox, bin)?;
            draw_waiting(&lower, d, inbox, bin)?;
        }
        area.present()?;
        Ok(())
    }
}

/// An inbox's busy agent slots against its staffed capacity.
fn draw_busy<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &BandData,
    inbox: &InboxBands,
    bin: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let staffed = staffed_line(inbox, d.end);
    let y_max = staffed
        .iter()
        .map(|p| p.1)
        .fold(top(&inbox.busy), f64::max)
        .max(1.0)
        * HEADROOM;
    let mut chart = time_chart(
        // The time axis is read off the queue's chart below, which shares it.
        ChartBuilder::on(area)
            .margin(8)
            .x_label_area_size(0)
            .y_label_area_size(70),
        &d.axis,
        d.end,
        0.0..y_max,
    )?;
    time_axes(&mut chart, &d.axis, "busy slots (bin mean)", true)?;
    draw_band(&mut chart, &inbox.busy, color(0), "busy agent slots", bin)?;
    if !staffed.is_empty() {
        chart
            .draw_series(DashedLineSeries::new(staffed, 8, 5, BLACK.stroke_width(2)))?
            .label("staffed capacity (slots)")
            .legend(dashed_key(BLACK.stroke_width(2)));
    }
    legend(&mut chart)?;
    Ok(())
}

/// The staffed capacity up to `end` hours: one level for an inbox staffed all the time, a step
/// at each change for one on shifts; empty when neither is known.
fn staffed_line(inbox: &InboxBands, end: f64) -> Vec<(f64, f64)> {
    if let Some(slots) = inbox.staffed_slots {
        return vec![(0.0, slots), (end, slots)];
    }
    let steps = &inbox.staffed_steps;
    let mut points = Vec::new();
    for (k, &(from, slots)) in steps.iter().enumerate().filter(|(_, s)| s.0 < end) {
        let until = steps.get(k + 1).map_or(end, |s| s.0).min(end);
        points.extend([(from, slots), (until, slots)]);
    }
    points
}

/// An inbox's waiting conversations.
fn draw_waiting<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &BandData,
    inbox: &InboxBands,
    bin: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let y_max = top(&inbox.queue).max(1.0) * HEADROOM;
    // A little below zero, so a median queue of zero shows above the axis, not on it.
    let mut chart = time_chart(
        ChartBuilder::on(area)
            .margin(8)
            .x_label_area_size(45)
            .y_label_area_size(70),
        &d.axis,
        d.end,
        -y_max * 0.06..y_max,
    )?;
    time_axes(&mut chart, &d.axis, "waiting (bin mean)", true)?;
    draw_band(&mut chart, &inbox.queue, ALERT, "waiting in queue", bin)?;
    legend(&mut chart)?;
    Ok(())
}

struct WaitBands<'a>(&'a BandData);

impl Drawing for WaitBands<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = titled(root, title)?;
        let bin = d.bin_minutes as f64 / 60.0;
        let panels = area.split_evenly((d.inboxes.len().max(1), 1));
        for (inbox, panel) in d.inboxes.iter().zip(panels) {
            let sla = inbox.sla_within_minutes;
            let sla_text = format!("SLA: {:.0}% within {sla} min", inbox.sla_target * 100.0);
            let (shown, peak) = clipped_waits(&inbox.wait_p90, sla);
            let y_max = top(&shown).max(sla).max(1.0) * HEADROOM;
            let mut chart = time_chart(
                ChartBuilder::on(&panel)
                    .caption(format!("{}: {sla_text}", inbox.name), (FONT, 17))
                    .margin(12)
                    .x_label_area_size(45)
                    .y_label_area_size(70),
                &d.axis,
                d.end,
                0.0..y_max,
            )?;
            time_axes(&mut chart, &d.axis, "p90 wait (minutes)", true)?;
            draw_band(&mut chart, &shown, color(1), "p90 wait", bin)?;
            if let Some(peak) = peak {
                chart
                    .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                    .label(format!("cut at the top; p95 reaches {peak:.0} min"))
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y + 4), (x + 9, y - 4), (x + 18, y + 4)], BLACK)
                    });
            }
            sla_line(&mut chart, sla, d.end, &sla_text)?;
            legend(&mut chart)?;
        }
        area.present()?;
        Ok(())
    }
}

/// Waits cut at a height where the SLA line stays readable: a few runs waiting hours would set
/// the axis to hundreds of minutes, and a 5-minute SLA would lie on the x axis. The axis keeps
/// the medians whole and at least four times the SLA; what is cut comes back as the peak, for
/// the legend.
fn clipped_waits(points: &[BandPoint], sla: f64) -> (Vec<BandPoint>, Option<f64>) {
    let median_top = points.iter().map(|p| p.p50).fold(0.0, f64::max);
    let ceiling = (sla * 4.0).max(median_top * 1.1).max(1.0);
    let peak = top(points);
    let cut = |v: f64| v.min(ceiling);
    let shown = points
        .iter()
        .map(|p| BandPoint {
            x: p.x,
            p5: cut(p.p5),
            p50: cut(p.p50),
            p95: cut(p.p95),
        })
        .collect();
    (shown, (peak > ceiling).then_some(peak))
}
