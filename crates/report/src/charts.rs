//! The report's charts, each drawn once for SVG and once for PNG from the same code.
//!
//! Text uses the DejaVu Sans font compiled into the binary, so charts render the same on a
//! machine without fonts or fontconfig.

mod bands;
mod envelope;
mod inbox_load;
mod send_curves;
mod sla_attainment;
mod spec;
mod stacked;
mod staffing;
mod unreached;
mod wait_times;

pub use bands::{BandData, BandPoint, InboxBands, render_bands};
pub use spec::{ChartSpec, OutreachSpec, axis_end};
pub use staffing::{StaffingBar, staffing};

use std::cell::RefCell;
use std::error::Error;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once, PoisonError};

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::Summary;
use model::CompanyClock;
use model::time::{HOUR, Instant, Span};
use scenario::Scenario;
use sim::Timeline;

/// One rendered chart.
pub struct Chart {
    /// File stem: `send_curves`, `unreached`, `inbox_load`, `wait_times`, `sla_attainment`.
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

/// Renders every chart of a run, and runs `beside` (the rest of the report's work) among the
/// drawings: each chart's SVG and bitmap are jobs of their own, taken by the pool's threads in
/// turn ([`in_turn`]). They only read the run, and each lands in its own slot, so the bytes do
/// not depend on the threads.
pub fn render_all<B: Send>(
    d: &Data,
    beside: impl FnOnce() -> B + Send,
) -> (Result<Vec<Chart>, String>, B) {
    register_font();
    let subtitle = format!("{} (seed {})", d.scn.name, d.summary.seed);
    let inboxes = d.scn.inboxes.len() as u32;
    let (send_curves, unreached, inbox_load, wait_times, sla_attainment) = (
        send_curves::SendCurves(d),
        unreached::Unreached(d),
        inbox_load::InboxLoad(d),
        wait_times::WaitTimes(d),
        sla_attainment::SlaAttainment(d),
    );
    let charts = vec![
        Drawings::of(
            "send_curves",
            format!("SMS sent over time: {subtitle}"),
            (1200, 620),
            &send_curves,
        ),
        Drawings::of(
            "unreached",
            format!("What happened to each recipient: {subtitle}"),
            (1200, unreached::height(d.summary)),
            &unreached,
        ),
        Drawings::of(
            "inbox_load",
            format!("Inbox load: {subtitle}"),
            (1200, 60 + 320 * inboxes),
            &inbox_load,
        ),
        Drawings::of(
            "wait_times",
            format!("Wait before an agent takes the conversation: {subtitle}"),
            (1200, 60 + 300 * inboxes),
            &wait_times,
        ),
        Drawings::of(
            "sla_attainment",
            format!("Conversations taken within the SLA: {subtitle}"),
            (1200, 60 + 300 * inboxes),
            &sla_attainment,
        ),
    ];
    render_in_turn(charts, beside)
}

/// Renders `charts`, and runs `beside` among them: each chart's SVG and bitmap are jobs of
/// their own, taken by the pool's threads in turn ([`in_turn`]).
fn render_in_turn<B: Send>(
    charts: Vec<Drawings>,
    beside: impl FnOnce() -> B + Send,
) -> (Result<Vec<Chart>, String>, B) {
    // The bitmaps by area, largest first, then `beside`, then the SVGs: on big a bitmap takes
    // 10-45 ms, the time series 21 ms, an SVG 1-6 ms. (Split in halves, as a parallel iterator
    // splits them, one thread was left idle for a fifth of big's report.)
    let mut order: Vec<usize> = (0..charts.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(charts[c].size.0 * charts[c].size.1));
    let mut jobs: Vec<Job<Piece<B>>> = Vec::new();
    for &c in &order {
        let png = &charts[c].png;
        jobs.push(Box::new(move || Piece::Png(c, png())));
    }
    jobs.push(Box::new(move || Piece::Beside(beside())));
    for &c in &order {
        let svg = &charts[c].svg;
        jobs.push(Box::new(move || Piece::Svg(c, svg())));
    }
    let mut pngs: Vec<Option<Result<Vec<u8>, String>>> = charts.iter().map(|_| None).collect();
    let mut svgs: Vec<Option<Result<String, String>>> = charts.iter().map(|_| None).collect();
    let mut besides = None;
    for piece in in_turn(jobs) {
        match piece {
            Piece::Png(c, png) => pngs[c] = Some(png),
            Piece::Svg(c, svg) => svgs[c] = Some(svg),
            Piece::Beside(b) => besides = Some(b),
        }
    }
    let drawn = (charts.into_iter().zip(svgs).zip(pngs))
        .map(|((c, svg), png)| {
            Ok(Chart {
                name: c.name,
                title: c.title,
                svg: svg.expect("every job runs")?,
                png: png.expect("every job runs")?,
            })
        })
        .collect();
    (drawn, besides.expect("every job runs"))
}

type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// What a job of [`render_in_turn`] leaves: one rendering of chart `c`, or what `beside` gave.
enum Piece<B> {
    Png(usize, Result<Vec<u8>, String>),
    Svg(usize, Result<String, String>),
    Beside(B),
}

/// One chart's two renderings, ready to run.
struct Drawings<'a> {
    name: &'static str,
    title: String,
    size: (u32, u32),
    svg: Box<dyn Fn() -> Result<String, String> + Sync + 'a>,
    png: Box<dyn Fn() -> Result<Vec<u8>, String> + Sync + 'a>,
}

impl<'a> Drawings<'a> {
    fn of(
        name: &'static str,
        title: String,
        size: (u32, u32),
        chart: &'a (impl Drawing + Sync),
    ) -> Self {
        let fail = move |e: Box<dyn Error>| format!("chart {name}: {e}");
        let (svg_title, png_title) = (title.clone(), title.clone());
        Drawings {
            name,
            title,
            size,
            svg: Box::new(move || draw_svg(chart, &svg_title, size).map_err(fail)),
            png: Box::new(move || draw_png(chart, &png_title, size).map_err(fail)),
        }
    }
}

/// Runs `jobs` on the thread pool, each thread taking the next job no thread has taken, in the
/// order given; their results come back in that order.
fn in_turn<T: Send>(jobs: Vec<Job<T>>) -> Vec<T> {
    let jobs: Vec<Mutex<Option<Job<T>>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let done: Vec<Mutex<Option<T>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(jobs.len()) {
            s.spawn(|_| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let job = lock(job).take().expect("each job is taken once");
                    let result = job();
                    *lock(&done[i]) = Some(result);
                }
            });
        }
    });
    done.into_iter()
        .map(|d| (d.into_inner().unwrap_or_else(PoisonError::into_inner)).expect("every job runs"))
        .collect()
}

/// A job panicking poisons nothing that matters: the panic goes on to the caller.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn draw_svg(chart: &impl Drawing, title: &str, size: (u32, u32)) -> Result<String, Box<dyn Error>> {
    let mut svg = String::new();
    chart.draw(
        SVGBackend::with_string(&mut svg, size).into_drawing_area(),
        title,
    )?;
    Ok(svg)
}

fn draw_png(
    chart: &impl Drawing,
    title: &str,
    size: (u32, u32),
) -> Result<Vec<u8>, Box<dyn Error>> {
    thread_local! {
        /// The last bitmap drawn on this thread, whose memory the next one reuses: big's take
        /// 2-12 MB each, and fresh memory costs a page fault per 4 KB when first written.
        static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    PIXELS.with_borrow_mut(|rgb| {
        rgb.clear();
        rgb.resize((size.0 * size.1 * 3) as usize, 0);
        chart.draw(
            BitMapBackend::with_buffer(rgb, size).into_drawing_area(),
            title,
        )?;
        Ok(encode_png(rgb, size)?)
    })
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    // Deflated by zlib-rs (png's `zlib-rs` feature) rather than miniz_oxide: half the encoding
    // time for files 5-7% larger (measured at level 5). Level 3, each row filtered against the
    // row above: most of the saving is the level; `Up` also spares png's adaptive choice, which
    // tries four filters on every row that does not repeat the one above and then filters it
    // again, and compresses charts nearly as well (3-4% larger). Against level 5 with the
    // adaptive choice, big's charts take 37 ms of encoding rather than 55 ms, for files 9%
    // larger; `run` of launch 0.88x the wall time, of big 0.97x.
    enc.set_deflate_compression(png::DeflateCompression::Level(3));
    enc.set_filter(png::Filter::Up);
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

/// Minutes between ticks, the shortest that keeps the axis to [`MAX_TICKS`] labels: quarter
/// hours for a run of an hour or two, whole hours, then days, which fall on midnights.
const TICK_STEPS: [u32; 11] = [15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080];
const MAX_TICKS: f64 = 9.0;

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

    fn instant(hours: f64) -> Instant {
        Instant::from_millis((hours.max(0.0) * HOUR.as_millis() as f64) as u64)
    }

    /// Ticks up to `end` hours, on whole hours of the company's clock (2:00, 4:00... or
    /// midnights), each with its label: the time, and the date too on the first tick and where
    /// the date changes, so a planner never counts days from the start.
    pub fn ticks(&self, end: f64) -> Vec<(f64, String)> {
        let step = TICK_STEPS
            .into_iter()
            .find(|&s| end * 60.0 / f64::from(s) <= MAX_TICKS)
            .unwrap_or(10080);
        // Readings are walked a quarter hour (or an hour) at a time from the first one on the
        // clock's quarter hour, so ticks fall on the company's whole hours in any zone.
        let walk = step.min(60);
        let start = self.clock.reading(Instant::START);
        let past = i64::from(start.minute()) * 60 + i64::from(start.second());
        let to_first =
            (i64::from(walk) * 60 - past % (i64::from(walk) * 60)) % (i64::from(walk) * 60);
        let mut ticks: Vec<(f64, String)> = Vec::new();
        let mut previous_date = None;
        let mut h = to_first as f64 / 3600.0;
        while h <= end + 1e-9 {
            let reading = self.clock.reading(Self::instant(h));
            if on_step(reading, step) {
                let date = reading.date();
                let format = if previous_date == Some(date) {
                    "%H:%M"
                } else {
                    "%a %-d %b %H:%M"
                };
                ticks.push((h, reading.strftime(format).to_string()));
                previous_date = Some(date);
            }
            h += f64::from(walk) / 60.0;
        }
        ticks
    }
}

/// Whether `reading` is a tick of axes stepping `step` minutes: minutes of the day divisible by
/// the step, or for steps of days, midnights of every so many days of the year's count.
fn on_step(reading: jiff::civil::DateTime, step: u32) -> bool {
    let minute_of_day =
        u32::try_from(i32::from(reading.hour()) * 60 + i32::from(reading.minute())).unwrap_or(0);
    if step < 1440 {
        minute_of_day.is_multiple_of(step)
    } else {
        let days = step / 1440;
        minute_of_day == 0 && (reading.date().day_of_year() as u32 - 1).is_multiple_of(days)
    }
}

/// Hours from the start to `end`, with ticks where [`TimeAxis::ticks`] puts them rather than
/// at round numbers of hours since the start. The hours take the plotted area but for
/// [`LEGEND_WIDTH`] on the right, where the legend goes: no data is drawn there, so no line runs
/// through its text.
pub struct HourAxis {
    hours: RangedCoordf64,
    ticks: Vec<f64>,
}

impl HourAxis {
    fn data_pixels((left, right): (i32, i32)) -> (i32, i32) {
        (left, (right - LEGEND_WIDTH as i32).max(left + 1))
    }
}

impl Ranged for HourAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.hours.map(value, Self::data_pixels(limit))
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> std::ops::Range<i32> {
        let (left, right) = Self::data_pixels(limit);
        left..right
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // No light grid lines between ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.hours.range()
    }
}

type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<HourAxis, RangedCoordf64>>;

/// Room at the right of every chart over time, where the legend goes (see [`HourAxis`]).
const LEGEND_WIDTH: u32 = 290;

/// A chart over time from the start to `end` hours, with `y` up the side, its ticks on whole
/// hours of `axis` and [`LEGEND_WIDTH`] kept free on the right.
fn time_chart<'a, 'b, DB: DrawingBackend>(
    builder: &mut ChartBuilder<'a, 'b, DB>,
    axis: &TimeAxis,
    end: f64,
    y: std::ops::Range<f64>,
) -> Result<TimeChart<'a, DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let x = HourAxis {
        hours: (0.0..end).into(),
        ticks: axis.ticks(end).into_iter().map(|(h, _)| h).collect(),
    };
    Ok(builder.build_cartesian_2d(x, y)?)
}

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
    let ticks = axis.ticks(chart.x_range().end);
    let label = |x: &f64| {
        ticks
            .iter()
            .find(|(h, _)| (h - x).abs() < 1e-6)
            .map_or_else(String::new, |(_, l)| l.clone())
    };
    // An axis may start a little below zero, so that series at zero show above it; no label
    // there.
    // Decimals only between whole numbers: a count reads `500`, not `500.0`.
    let whole = |y: &f64| {
        if *y < 0.0 {
            String::new()
        } else {
            format!("{y:.0}")
        }
    };
    let tenths = |y: &f64| match *y {
        y if y < 0.0 => String::new(),
        y if (y - y.round()).abs() < 1e-9 => format!("{y:.0}"),
        y => format!("{y:.1}"),
    };
    // A label every 40 pixels at most, so a short panel's axis does not overprint.
    let y_labels = (chart.plotting_area().dim_in_pixel().1 / 40).clamp(2, 10) as usize;
    chart
        .configure_mesh()
        .y_labels(y_labels)
        .x_label_formatter(&label)
        .x_desc(&axis.name)
        .y_desc(y_desc)
        .y_label_formatter(if y_decimals { &tenths } else { &whole })
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(())
}

/// The series legend, boxed, in the room kept free of data at the right (see [`HourAxis`]).
/// The SLA's wait as a dashed line from the start to `end`, labelled with its value on the chart
/// and as `text` in the legend, drawn the same in both.
fn sla_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    sla_minutes: f64,
    end: f64,
    text: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, sla_minutes), (end, sla_minutes)],
            8,
            5,
            ALERT.stroke_width(2),
        ))?
        .label(format!("{text} (dashed)"))
        .legend(dashed_key(ALERT.stroke_width(2)));
    chart.draw_series(std::iter::once(
        EmptyElement::at((0.0, sla_minutes))
            + Text::new(
                format!("SLA {sla_minutes} min"),
                (6, -18),
                (FONT, 13).into_font().color(&ALERT),
            ),
    ))?;
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut TimeChart<'a, DB>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (width, _) = chart.plotting_area().dim_in_pixel();
    let left = (width as i32 - LEGEND_WIDTH as i32 + 10).max(0);
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::Coordinate(left, 0))
        .label_font((FONT, 14))
        .background_style(WHITE)
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// A legend key: a short line in `style`.
fn line_key(style: impl Into<ShapeStyle>) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    let style = style.into();
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style)
}

/// A legend key: a dashed line in `style`, as the chart draws it.
fn dashed_key<DB: DrawingBackend>(
    style: impl Into<ShapeStyle>,
) -> impl Fn((i32, i32)) -> DashedKey<DB> {
    let style = style.into();
    move |(x, y)| {
        EmptyElement::at((x, y))
            + PathElement::new(vec![(0, 0), (7, 0)], style)
            + PathElement::new(vec![(11, 0), (18, 0)], style)
    }
}

/// Two dashes side by side.
type DashedKey<DB> = plotters::element::ComposedElement<
    (i32, i32),
    DB,
    PathElement<(i32, i32)>,
    PathElement<(i32, i32)>,
>;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter and the level only change how the pixels are packed: rows repeating the one
    /// above, rows unlike it, odd widths, the file decodes to what was drawn.
    #[test]
    fn a_chart_png_decodes_to_the_pixels_it_was_made_from() {
        for (w, h) in [(1, 1), (7, 3), (1200, 40)] {
            let (width, rows) = (w as usize, h as usize);
            let mut rgb = vec![255u8; width * rows * 3];
            // White rows, then a coloured block in the left half, then a last row of noise.
            for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
                if i / width >= rows / 2 && i % width < width.div_ceil(2) {
                    px.copy_from_slice(&[31, 119, 180]);
                }
            }
            let last = (rows - 1) * width * 3;
            for (i, b) in rgb[last..].iter_mut().enumerate() {
                *b = (i * 37 % 251) as u8;
            }
            let png = encode_png(&rgb, (w, h)).unwrap();
            let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
                .read_info()
                .unwrap();
            let mut decoded = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut decoded).unwrap();
            assert_eq!((info.width, info.height), (w, h));
            assert_eq!(info.color_type, png::ColorType::Rgb);
            assert!(decoded[..info.buffer_size()] == rgb[..], "{w}x{h}");
        }
    }
}
