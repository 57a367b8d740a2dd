//! Per campaign, a stacked bar of recipients by fate: delivered, failed (by carrier error family),
//! still in flight, skipped (opted out, duplicate), and unreached (cutoff, stop, horizon).

use std::error::Error;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Data, DrawResult, Drawing, FONT, titled};
use crate::summary::CampaignSummary;
use model::EndReason;

/// More bars than this would not be readable: the campaigns with most unreached are shown.
pub const MAX_CAMPAIGNS: usize = 30;

pub struct Unreached<'a>(pub &'a Data<'a>);

/// A fate, its color, and how many of a campaign's recipients met it.
type Fate = (&'static str, RGBColor, fn(&CampaignSummary) -> u64);

fn code(m: &CampaignSummary, c: u32) -> u64 {
    m.failed_by_code.get(&c).copied().unwrap_or(0)
}

const KNOWN_CODES: [u32; 5] = [30003, 30005, 30006, 30007, 30036];

const FATES: [Fate; 13] = [
    ("delivered", RGBColor(44, 160, 44), |m| m.delivered),
    (
        "failed: unreachable handset (30003)",
        RGBColor(255, 187, 120),
        |m| code(m, 30003),
    ),
    (
        "failed: unknown handset (30005)",
        RGBColor(255, 152, 150),
        |m| code(m, 30005),
    ),
    ("failed: landline (30006)", RGBColor(247, 182, 210), |m| {
        code(m, 30006)
    }),
    (
        "failed: filtered as spam (30007)",
        RGBColor(214, 39, 40),
        |m| code(m, 30007),
    ),
    (
        "failed: expired in queue (30036)",
        RGBColor(140, 86, 75),
        |m| code(m, 30036),
    ),
    ("failed: other codes", RGBColor(196, 156, 148), |m| {
        m.failed - KNOWN_CODES.iter().map(|&c| code(m, c)).sum::<u64>()
    }),
    ("sent, no final status yet", RGBColor(199, 199, 199), |m| {
        m.sent - m.delivered - m.failed
    }),
    ("skipped: opted out", RGBColor(148, 103, 189), |m| {
        m.skipped_opted_out
    }),
    ("skipped: duplicate", RGBColor(197, 176, 213), |m| {
        m.skipped_duplicate
    }),
    ("unreached: end time", RGBColor(31, 119, 180), |m| {
        m.unreached_by(EndReason::Cutoff)
    }),
    ("unreached: stopped", RGBColor(23, 190, 207), |m| {
        m.unreached_by(EndReason::Stopped)
    }),
    (
        "unreached: simulation horizon",
        RGBColor(174, 199, 232),
        |m| m.unreached_by(EndReason::Horizon),
    ),
];

impl Drawing for Unreached<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let campaigns = &self.0.summary.campaigns;
        let shown = most_unreached(campaigns);
        let title = if shown.len() < campaigns.len() {
            format!(
                "{title} ({} of {} campaigns, most unreached)",
                shown.len(),
                campaigns.len()
            )
        } else {
            title.to_string()
        };
        let area = titled(root.clone(), &title)?;
        let (plot, legend_area) = area.split_horizontally(area.dim_in_pixel().0 - 300);
        let mut chart = bar_chart(&plot, &shown)?;
        draw_bars(&mut chart, &root, &shown)?;
        // Legend: only the fates that occur, in stacking order.
        let mut y = 40;
        for (label, colour, count) in FATES {
            if shown.iter().all(|c| count(c) == 0) {
                continue;
            }
            legend_area.draw(&Rectangle::new([(10, y), (28, y + 14)], colour.filled()))?;
            legend_area.draw(&Text::new(label, (36, y), (FONT, 13)))?;
            y += 22;
        }
        area.present()?;
        Ok(())
    }
}

/// The campaigns to draw, in scenario order: all of them, or the [`MAX_CAMPAIGNS`] with most
/// recipients unreached.
fn most_unreached(campaigns: &[CampaignSummary]) -> Vec<&CampaignSummary> {
    let mut shown: Vec<usize> = (0..campaigns.len()).collect();
    if shown.len() > MAX_CAMPAIGNS {
        shown.sort_by_key(|&c| (std::cmp::Reverse(campaigns[c].unreached), c));
        shown.truncate(MAX_CAMPAIGNS);
        shown.sort_unstable();
    }
    shown.into_iter().map(|c| &campaigns[c]).collect()
}

type BarChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Recipients across, one row per campaign, with room on the left for the campaigns' names.
fn bar_chart<'a, DB: DrawingBackend + 'a>(
    plot: &'a DrawingArea<DB, Shift>,
    shown: &[&CampaignSummary],
) -> Result<BarChart<'a, DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let x_max = shown.iter().map(|c| c.recipients).max().unwrap_or(1).max(1) as f64 * 1.02;
    let label_width = shown
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(8)
        .min(40) as u32
        * 8
        + 20;
    let mut chart = ChartBuilder::on(plot)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..x_max, 0.0..shown.len() as f64)?;
    // Campaign names are drawn by hand beside each bar: the mesh's own labels sit at
    // "round" values, not at bar centres.
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("recipients")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;
    Ok(chart)
}

/// One stacked bar per campaign, first at the top, its name on `root` beside it.
fn draw_bars<'a, DB: DrawingBackend + 'a>(
    chart: &mut BarChart<'a, DB>,
    root: &DrawingArea<DB, Shift>,
    shown: &[&CampaignSummary],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let n = shown.len() as i32;
    let label_style =
        TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (row, c) in shown.iter().enumerate() {
        let y = f64::from(n - 1 - row as i32);
        let mut x = 0.0;
        for (_, colour, count) in FATES {
            let v = count(c) as f64;
            if v > 0.0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, y + 0.15), (x + v, y + 0.85)],
                    colour.filled(),
                )))?;
                x += v;
            }
        }
        let (px, py) = chart.backend_coord(&(0.0, y + 0.5));
        let name: String = c.name.chars().take(40).collect();
        root.draw(&Text::new(name, (px - 8, py), label_style.clone()))?;
    }
    Ok(())
}
