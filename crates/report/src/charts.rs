//! The report's charts, each drawn once for SVG and once for PNG from the same code.
//!
//! Text uses the DejaVu Sans font compiled into the binary, so charts render the same on a
//! machine without fonts or fontconfig.

mod bands;
mod inbox_load;
mod send_curves;
mod spec;
mod staffing;
mod unreached;
mod wait_times;

pub use bands::{BandData, BandPoint, InboxBands, render_bands};
pub use spec::{ChartSpec, OutreachSpec};
pub use staffing::{StaffingBar, staffing};

use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::Summary;
use model::CompanyClock;
use model::time::{HOUR, Instant, Span};
use scenario::Scenario;
use sim::Timeline;

/// One rendered chart.
pub struct Chart {
    /// File stem: `send_curves`, `unreached`, `inbox_load`, `wait_times`.
    pub name: &'static str,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// What every chart may read: the run's summary and per-minute series, and the chart spec.
pub struct Data<'a> {
    pub scn: &'a Scenario,
    pub summary: &'a Summary,
    pub timeline: &'a Timeline,
    pub spec: &'a ChartSpec,
}

type DrawResult = Result<(), Box<dyn Error>>;

const FONT: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| ())
            .expect("the embedded DejaVu font is valid");
        plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
            .map_err(|_| ())
            .expect("the embedded DejaVu font is valid");
    });
}

/// One chart's drawing code, run once per backend (SVG and bitmap).
trait Drawing {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Renders every chart of a run.
pub fn render_all(d: &Data) -> Result<Vec<Chart>, String> {
    register_font();
    let subtitle = format!("{} (seed {})", d.scn.name, d.summary.seed);
    let inboxes = d.scn.inboxes.len() as u32;
    let rows = d.scn.campaigns.len().min(unreached::MAX_CAMPAIGNS) as u32;
    Ok(vec![
        render(
            "send_curves",
            format!("SMS sent over time: {subtitle}"),
            (1200, 620),
            &send_curves::SendCurves(d),
        )?,
        render(
            "unreached",
            format!("What happened to each recipient: {subtitle}"),
            (1200, 200 + 34 * rows),
            &unreached::Unreached(d),
        )?,
        render(
            "inbox_load",
            format!("Inbox load: {subtitle}"),
            (1200, 60 + 320 * inboxes),
            &inbox_load::InboxLoad(d),
        )?,
        render(
            "wait_times",
            format!("Wait before an agent takes the conversation: {subtitle}"),
            (1200, 60 + 300 * inboxes),
            &wait_times::WaitTimes(d),
        )?,
    ])
}

fn render(
    name: &'static str,
    title: String,
    size: (u32, u32),
    chart: &impl Drawing,
) -> Result<Chart, String> {
    let fail = |e: Box<dyn Error>| format!("chart {name}: {e}");
    let mut svg = String::new();
    chart
        .draw(
            SVGBackend::with_string(&mut svg, size).into_drawing_area(),
            &title,
        )
        .map_err(fail)?;
    let mut rgb = vec![0u8; (size.0 * size.1 * 3) as usize];
    chart
        .draw(
            BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area(),
            &title,
        )
        .map_err(fail)?;
    Ok(Chart {
        name,
        title,
        svg,
        png: encode_png(&rgb, size).map_err(|e| format!("chart {name}: {e}"))?,
    })
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

/// Draws the chart title across the top and returns the area below it.
fn titled<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    Ok(root.titled(title, (FONT, 22).into_font().style(FontStyle::Bold))?)
}

/// Hours since the start: the unit of every time axis.
pub fn hours(t: Instant) -> f64 {
    span_hours(t.since_start())
}

/// A span in hours.
pub fn span_hours(s: Span) -> f64 {
    s.as_millis() as f64 / HOUR.as_millis() as f64
}

/// A time axis: hours since the start, labelled on the company's clock.
pub struct TimeAxis {
    clock: CompanyClock,
    /// Names the company's zone: the hours a planner reads depend on it.
    name: String,
}

impl TimeAxis {
    pub fn new(scn: &Scenario) -> Self {
        TimeAxis::on(scn.company_clock(), &scn.zones[0].name)
    }

    /// The axis of `clock`, whose zone is called `zone` (for readers without the scenario).
    pub fn on(clock: CompanyClock, zone: &str) -> Self {
        TimeAxis {
            clock,
            name: format!("time ({zone})"),
        }
    }

    pub fn label(&self, hours: f64) -> String {
        let t = Instant::from_millis((hours.max(0.0) * HOUR.as_millis() as f64) as u64);
        self.clock.weekday_time(t)
    }
}

type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes of a chart over time: the company's clock below, `y_desc` on the left, whole numbers on
/// the y axis unless `y_decimals` is set.
fn time_axes<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    axis: &TimeAxis,
    y_desc: &str,
    y_decimals: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let whole = |y: &f64| format!("{y:.0}");
    let tenths = |y: &f64| format!("{y:.1}");
    chart
        .configure_mesh()
        .x_labels(10)
        .x_label_formatter(&|x| axis.label(*x))
        .x_desc(&axis.name)
        .y_desc(y_desc)
        .y_label_formatter(if y_decimals { &tenths } else { &whole })
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(())
}

/// The series legend, boxed, in a corner.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// A legend key: a short line in `style`.
fn line_key(style: impl Into<ShapeStyle>) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    let style = style.into();
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style)
}

/// Cutoffs, queues and SLA lines: what a planner must notice.
const ALERT: RGBColor = RGBColor(200, 30, 30);

/// A distinct color per series index.
fn color(i: usize) -> RGBColor {
    const COLORS: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
        RGBColor(127, 127, 127),
    ];
    COLORS[i % COLORS.len()]
}
