//! `size`'s chart: agents per interval of the company's day, the simulation's answer against
//! Erlang C's. It reads plain numbers, so the report crate knows nothing of the search.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{ALERT, Chart, DrawResult, Drawing, FONT, color, line_key};

/// One interval of the day: where it starts and ends (hours since midnight) and both answers.
#[derive(Debug, Clone, Copy)]
pub struct StaffingBar {
    pub from_h: f64,
    pub to_h: f64,
    pub simulated: u32,
    pub erlang_c: u32,
}

struct Staffing<'a> {
    inbox: &'a str,
    bars: &'a [StaffingBar],
}

/// Renders the `staffing` chart (SVG and PNG) for `inbox`.
pub fn staffing(subtitle: &str, inbox: &str, bars: &[StaffingBar]) -> Result<Chart, String> {
    super::register_font();
    let chart = Staffing { inbox, bars };
    let drawings = super::Drawings::of(
        "staffing",
        format!("Agents needed per interval: {subtitle}"),
        (1200, 560),
        &chart,
    );
    let (charts, ()) = super::render_in_turn(vec![drawings], || ());
    Ok(charts?.remove(0))
}

/// The steps of a per-interval count, as a line.
fn steps(bars: &[StaffingBar], value: impl Fn(&StaffingBar) -> u32) -> Vec<(f64, f64)> {
    bars.iter()
        .flat_map(|b| {
            let v = f64::from(value(b));
            [(b.from_h, v), (b.to_h, v)]
        })
        .collect()
}

impl Drawing for Staffing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let area = super::titled(root, title)?;
        let y_max = self
            .bars
            .iter()
            .map(|b| b.simulated.max(b.erlang_c))
            .max()
            .unwrap_or(0)
            .max(1) as f64
            * 1.2;
        let mut chart = ChartBuilder::on(&area)
            .caption(
                format!(
                    "{}: simulation (target met with the requested confidence) vs Erlang C",
                    self.inbox
                ),
                (FONT, 17),
            )
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..24.0, 0.0..y_max)?;
        chart
            .configure_mesh()
            .x_labels(13)
            .x_label_formatter(&|x| format!("{:02}:00", *x as u32))
            .x_desc("time of day (company clock)")
            .y_desc("agents")
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let sim = color(0);
        chart
            .draw_series(self.bars.iter().filter(|b| b.simulated > 0).map(|b| {
                Rectangle::new(
                    [(b.from_h, 0.0), (b.to_h, f64::from(b.simulated))],
                    sim.mix(0.35).filled(),
                )
            }))?
            .label("simulation")
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 18, y + 5)], sim.mix(0.35).filled())
            });
        chart.draw_series(LineSeries::new(
            steps(self.bars, |b| b.simulated),
            sim.stroke_width(2),
        ))?;
        chart
            .draw_series(DashedLineSeries::new(
                steps(self.bars, |b| b.erlang_c),
                8,
                5,
                ALERT.stroke_width(2),
            ))?
            .label("Erlang C (same arrival rate and mean handle time)")
            .legend(line_key(ALERT.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
        Ok(())
    }
}
