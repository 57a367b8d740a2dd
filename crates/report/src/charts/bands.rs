//! A sweep's band charts: per time bin, the median over runs as a line and the p5-p95 range as a
//! shaded band. They take plain per-bin percentiles, so whoever aggregates the runs (the sweep
//! crate, with mergeable histograms) decides how, and these only draw.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Chart, DrawResult, Drawing, FONT, TimeAxis, TimeChart, color, legend, line_key,
    time_axes, titled,
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
    Ok(vec![
        super::render(
            "send_curves_band",
            format!("SMS sent over time: {subtitle}"),
            (1200, 620),
            &SendBands(d),
        )?,
        super::render(
            "inbox_load_band",
            format!("Inbox load: {subtitle}"),
            (1200, 60 + 320 * inboxes),
            &LoadBands(d),
        )?,
        super::render(
            "wait_times_band",
            format!("p90 wait before an agent takes the conversation: {subtitle}"),
            (1200, 60 + 300 * inboxes),
            &WaitBands(d),
        )?,
    ])
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

/// Room above the highest band, staffed line or SLA line for the legend in the upper right.
const HEADROOM: f64 = 1.5;

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
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..d.end, 0.0..y_max)?;
        time_axes(&mut chart, &d.axis, "SMS sent (cumulative)", false)?;
        let bin = d.bin_minutes as f64 / 60.0;
        for (c, (name, points)) in d.campaigns.iter().enumerate() {
            draw_band(&mut chart, points, color(c), name, bin)?;
        }
        // Curves climb from the lower left and level off high: the lower right stays free.
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
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
            let y_max = top(&inbox.busy)
                .max(top(&inbox.queue))
                .max(inbox.staffed_slots.unwrap_or(0.0))
                .max(1.0)
                * HEADROOM;
            let mut chart = ChartBuilder::on(&panel)
                .caption(format!("{} ({})", inbox.name, inbox.staffing), (FONT, 17))
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..d.end, 0.0..y_max)?;
            time_axes(&mut chart, &d.axis, "conversations (bin mean)", true)?;
            draw_band(&mut chart, &inbox.busy, color(0), "busy agent slots", bin)?;
            draw_band(&mut chart, &inbox.queue, ALERT, "waiting in queue", bin)?;
            if let Some(slots) = inbox.staffed_slots {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(0.0, slots), (d.end, slots)],
                        8,
                        5,
                        BLACK.stroke_width(2),
                    ))?
                    .label("staffed capacity (slots)")
                    .legend(line_key(BLACK.stroke_width(2)));
            }
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        area.present()?;
        Ok(())
    }
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
            let y_max = top(&inbox.wait_p90).max(sla).max(1.0) * HEADROOM;
            let mut chart = ChartBuilder::on(&panel)
                .caption(
                    format!(
                        "{}: SLA {:.0}% within {} min",
                        inbox.name,
                        inbox.sla_target * 100.0,
                        sla
                    ),
                    (FONT, 17),
                )
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..d.end, 0.0..y_max)?;
            time_axes(&mut chart, &d.axis, "p90 wait (minutes)", true)?;
            draw_band(&mut chart, &inbox.wait_p90, color(1), "p90 wait", bin)?;
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, sla), (d.end, sla)],
                    8,
                    5,
                    ALERT.stroke_width(2),
                ))?
                .label("SLA: answer within")
                .legend(line_key(ALERT.stroke_width(2)));
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        area.present()?;
        Ok(())
    }
}
