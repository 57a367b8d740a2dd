//! Per campaign, a stacked bar of recipients by fate: delivered, failed (by carrier error code),
//! still in flight, skipped (opted out, duplicate), and unreached (cutoff, stop, horizon), each
//! slice with its count. Below, when a campaign whose list spans several time zones left anyone
//! unreached, that campaign's zones: how many of each zone's recipients nobody texted, since a
//! planner moves send windows zone by zone.

use std::error::Error;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::stacked::{self, BAR, CALLOUT, Place, Slice, count, share};
use super::{Data, DrawResult, Drawing, FONT, titled};
use crate::Summary;
use crate::summary::CampaignSummary;
use model::EndReason;

/// More bars than this would not be readable: the campaigns with most unreached are shown.
pub const MAX_CAMPAIGNS: usize = 30;
/// Campaigns whose zones the lower panel shows, the most unreached first.
const MAX_ZONE_CAMPAIGNS: usize = 4;
/// Zones per campaign in the lower panel, the most unreached first.
const MAX_ZONES: usize = 8;

/// A bar, the line of labels below it and air (none needed after the last row).
const ROW: i32 = BAR + CALLOUT + AIR;
const AIR: i32 = 14;
/// The line naming a campaign above its zones.
const HEADER: i32 = 26;
const TITLE: u32 = 40;
/// The zone panel's own, smaller title (plotters gives a title its text height and some padding).
const PANEL_TITLE: u32 = 32;
const MARGIN: u32 = 16;
const AXIS: u32 = 50;
const LEGEND_WIDTH: u32 = 300;
const LEGEND_LINE: i32 = 22;
/// Room the bars' totals take beyond the longest bar.
const TOTAL_ROOM: f64 = 1.12;

struct Fate {
    name: &'static str,
    colour: RGBColor,
    /// Recipients nobody texted: hatched, so they read as a problem, never as one more colour.
    unreached: bool,
    count: fn(&CampaignSummary) -> u64,
}

fn code(m: &CampaignSummary, c: u32) -> u64 {
    m.failed_by_code.get(&c).copied().unwrap_or(0)
}

const KNOWN_CODES: [u32; 5] = [30003, 30005, 30006, 30007, 30036];

/// Delivered in green, failures each in a hue of its own (none red or magenta: those are the
/// unreached), skips in greys, unreached in deep, hatched reds and magentas.
const FATES: [Fate; 13] = [
    fate("delivered", RGBColor(27, 150, 60), |m| m.delivered),
    fate(
        "failed: unreachable handset (30003)",
        RGBColor(245, 130, 32),
        |m| code(m, 30003),
    ),
    fate(
        "failed: unknown handset (30005)",
        RGBColor(140, 86, 45),
        |m| code(m, 30005),
    ),
    fate("failed: landline (30006)", RGBColor(205, 180, 20), |m| {
        code(m, 30006)
    }),
    fate(
        "failed: filtered as spam (30007)",
        RGBColor(40, 110, 200),
        |m| code(m, 30007),
    ),
    fate(
        "failed: expired in queue (30036)",
        RGBColor(0, 150, 150),
        |m| code(m, 30036),
    ),
    fate("failed: other codes", RGBColor(120, 95, 180), |m| {
        m.failed - KNOWN_CODES.iter().map(|&c| code(m, c)).sum::<u64>()
    }),
    fate("sent, no final status yet", RGBColor(170, 215, 165), |m| {
        m.sent - m.delivered - m.failed
    }),
    fate("skipped: opted out", RGBColor(95, 95, 95), |m| {
        m.skipped_opted_out
    }),
    fate("skipped: duplicate", RGBColor(175, 175, 175), |m| {
        m.skipped_duplicate
    }),
    unreached("unreached: end time", RGBColor(190, 0, 100), |m| {
        m.unreached_by(EndReason::Cutoff)
    }),
    unreached("unreached: stopped", RGBColor(150, 0, 30), |m| {
        m.unreached_by(EndReason::Stopped)
    }),
    unreached(
        "unreached: simulation horizon",
        RGBColor(105, 0, 120),
        |m| m.unreached_by(EndReason::Horizon),
    ),
];

/// In the zone panel, the unreached of a campaign left for more than one reason.
const SEVERAL_REASONS: (&str, RGBColor) = ("unreached: several reasons", RGBColor(70, 0, 45));
/// Zone recipients who were texted or skipped: the background the unreached stand out on.
const REACHED: RGBColor = RGBColor(200, 200, 200);

const fn fate(name: &'static str, colour: RGBColor, count: fn(&CampaignSummary) -> u64) -> Fate {
    Fate {
        name,
        colour,
        unreached: false,
        count,
    }
}

const fn unreached(
    name: &'static str,
    colour: RGBColor,
    count: fn(&CampaignSummary) -> u64,
) -> Fate {
    Fate {
        unreached: true,
        ..fate(name, colour, count)
    }
}

pub struct Unreached<'a>(pub &'a Data<'a>);

/// The chart's height in pixels: a row per campaign shown, and the zone panel when there is one.
pub fn height(summary: &Summary) -> u32 {
    let shown = most_unreached(&summary.campaigns);
    TITLE + fates_height(&shown) + zones_height(&zoned(&shown))
}

fn fates_height(shown: &[&CampaignSummary]) -> u32 {
    let legend = 40 + LEGEND_LINE as u32 * (occurring(shown).count() as u32 + 2);
    let bars = 2 * MARGIN + AXIS + 8 + (ROW as u32 * shown.len() as u32).saturating_sub(AIR as u32);
    bars.max(legend)
}

fn zones_height(zoned: &[Zoned]) -> u32 {
    if zoned.is_empty() {
        return 0;
    }
    let rows: u32 = zoned
        .iter()
        .map(|z| HEADER as u32 + ROW as u32 * z.zones.len() as u32)
        .sum();
    PANEL_TITLE + 2 * MARGIN + AXIS + 8 + rows - AIR as u32
}

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
        let zoned = zoned(&shown);
        let (fates, zones) = area.split_vertically(fates_height(&shown));
        draw_fates(&root, &fates, &shown)?;
        if !zoned.is_empty() {
            draw_zones(&root, &zones, &zoned, campaigns_with_zones(&shown).len())?;
        }
        area.present()?;
        Ok(())
    }
}

/// The campaigns to draw, in scenario order: all of them, or the [`MAX_CAMPAIGNS`] with most
/// recipients unreached.
fn most_unreached(campaigns: &[CampaignSummary]) -> Vec<&CampaignSummary> {
    let all: Vec<&CampaignSummary> = campaigns.iter().collect();
    most(&all, MAX_CAMPAIGNS, |c| c.unreached)
}

/// Up to `max` of `items` with the largest `key`, in their order.
fn most<T: Copy>(items: &[T], max: usize, key: impl Fn(T) -> u64) -> Vec<T> {
    let mut kept: Vec<usize> = (0..items.len()).collect();
    if kept.len() > max {
        kept.sort_by_key(|&i| (std::cmp::Reverse(key(items[i])), i));
        kept.truncate(max);
        kept.sort_unstable();
    }
    kept.into_iter().map(|i| items[i]).collect()
}

fn occurring<'a>(shown: &'a [&CampaignSummary]) -> impl Iterator<Item = &'a Fate> {
    FATES
        .iter()
        .filter(|f| shown.iter().any(|c| (f.count)(c) > 0))
}

type BarChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// An x axis of recipients up to `x_max` (room for the totals added) below a plotting area whose
/// rows the caller places in pixels, with `label_width` on the left for the rows' names.
fn bar_axis<'a, DB: DrawingBackend + 'a>(
    plot: &'a DrawingArea<DB, Shift>,
    x_max: u64,
    label_width: u32,
    x_desc: &str,
) -> Result<BarChart<'a, DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(plot)
        .margin(MARGIN)
        .x_label_area_size(AXIS)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0.0..x_max.max(1) as f64 * TOTAL_ROOM, 0.0..1.0)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(x_desc)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()?;
    Ok(chart)
}

/// Where the row whose top is `offset` pixels into the plot puts its bar.
fn place<DB: DrawingBackend>(chart: &BarChart<'_, DB>, offset: i32) -> Place {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let x_max = chart.x_range().end;
    Place {
        left: xs.start,
        top: ys.start + 8 + offset,
        scale: f64::from(xs.end - xs.start) / x_max,
        right_limit: xs.end,
    }
}

/// Pixels of the widest of `names`, plus air.
fn label_width<'n, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: impl Iterator<Item = &'n str>,
) -> Result<u32, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let font = TextStyle::from((FONT, 14).into_font());
    let mut widest = 0;
    for name in names {
        widest = widest.max(root.estimate_text_size(&shortened(name), &font)?.0);
    }
    Ok(widest + 20)
}

fn shortened(name: &str) -> String {
    name.chars().take(40).collect()
}

/// `name` right-aligned just left of the bar at `at`.
fn row_name<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, at: &Place, name: &str) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    root.draw(&Text::new(
        shortened(name),
        (at.left - 8, at.top + BAR / 2),
        style,
    ))?;
    Ok(())
}

/// One bar per campaign, first at the top, and the legend of the fates that occur.
fn draw_fates<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    shown: &[&CampaignSummary],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (plot, legend_area) = area.split_horizontally(area.dim_in_pixel().0 - LEGEND_WIDTH);
    let x_max = shown.iter().map(|c| c.recipients).max().unwrap_or(1);
    let names = label_width(root, shown.iter().map(|c| c.name.as_str()))?;
    let chart = bar_axis(&plot, x_max, names, "recipients")?;
    for (row, c) in shown.iter().enumerate() {
        let at = place(&chart, row as i32 * ROW);
        let slices: Vec<Slice> = FATES
            .iter()
            .map(|f| Slice {
                count: (f.count)(c),
                colour: f.colour,
                hatched: f.unreached,
            })
            .collect();
        stacked::bar(root, &at, &slices, c.recipients, &count(c.recipients))?;
        row_name(root, &at, &c.name)?;
    }
    let keys: Vec<(&str, RGBColor, bool)> = occurring(shown)
        .map(|f| (f.name, f.colour, f.unreached))
        .collect();
    legend(
        &legend_area,
        &keys,
        "label: count (share of the list); bar end: list size",
    )
}

/// The legend: a key and name per entry, and a `note` on how to read the labels.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[(&str, RGBColor, bool)],
    note: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut y = 40;
    for &(name, colour, hatched) in keys {
        stacked::swatch(area, (10, y), (28, y + 14), colour, hatched)?;
        area.draw(&Text::new(name, (36, y), (FONT, 13)))?;
        y += LEGEND_LINE;
    }
    // The note wraps at its semicolon: the legend column is narrow.
    for line in note.split("; ") {
        area.draw(&Text::new(
            line.to_string(),
            (10, y + 6),
            (FONT, 12).into_font().color(&BLACK.mix(0.6)),
        ))?;
        y += LEGEND_LINE - 6;
    }
    Ok(())
}

/// A campaign of the zone panel, with the zones it shows.
struct Zoned<'a> {
    campaign: &'a CampaignSummary,
    /// Zone, recipients, unreached; east first, as in the summary.
    zones: Vec<(&'a str, u64, u64)>,
    /// Zones of the list left out (more than [`MAX_ZONES`]).
    hidden: usize,
    /// The fate its unreached are drawn as: their one reason's, as in the bars above.
    unreached: (&'static str, RGBColor),
}

/// The name and colour of the reason `c`'s unreached were left for, or of several reasons.
fn unreached_fate(c: &CampaignSummary) -> (&'static str, RGBColor) {
    let mut reasons = FATES.iter().filter(|f| f.unreached && (f.count)(c) > 0);
    match (reasons.next(), reasons.next()) {
        (Some(only), None) => (only.name, only.colour),
        _ => SEVERAL_REASONS,
    }
}

/// Campaigns that left someone unreached and whose list spans several zones (with one zone the
/// bar above already says it all), the [`MAX_ZONE_CAMPAIGNS`] with most unreached.
fn campaigns_with_zones<'a>(shown: &[&'a CampaignSummary]) -> Vec<&'a CampaignSummary> {
    shown
        .iter()
        .copied()
        .filter(|c| c.unreached > 0 && c.recipients_by_zone.len() > 1)
        .collect()
}

fn zoned<'a>(shown: &[&'a CampaignSummary]) -> Vec<Zoned<'a>> {
    let candidates = campaigns_with_zones(shown);
    most(&candidates, MAX_ZONE_CAMPAIGNS, |c| c.unreached)
        .into_iter()
        .map(|c| {
            let all: Vec<(&str, u64, u64)> = c
                .recipients_by_zone
                .iter()
                .zip(&c.unreached_by_zone)
                .map(|((zone, rows), (_, left))| (zone.as_str(), *rows, *left))
                .collect();
            let zones = most(&all, MAX_ZONES, |(_, _, left)| left);
            Zoned {
                campaign: c,
                hidden: all.len() - zones.len(),
                zones,
                unreached: unreached_fate(c),
            }
        })
        .collect()
}

/// Per campaign of `zoned`, a header and one bar per zone: its recipients, the unreached hatched.
fn draw_zones<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    zoned: &[Zoned],
    candidates: usize,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut title = "Unreached by recipient time zone (zones east first)".to_string();
    if zoned.len() < candidates {
        title = format!(
            "{title}: {} of {candidates} campaigns, most unreached",
            zoned.len()
        );
    }
    let area = area.titled(&title, (FONT, 18).into_font().style(FontStyle::Bold))?;
    let (plot, legend_area) = area.split_horizontally(area.dim_in_pixel().0 - LEGEND_WIDTH);
    let x_max = zoned
        .iter()
        .flat_map(|z| z.zones.iter().map(|&(_, rows, _)| rows))
        .max()
        .unwrap_or(1);
    let names = label_width(root, zoned.iter().flat_map(|z| z.zones.iter().map(|z| z.0)))?;
    let chart = bar_axis(&plot, x_max, names, "recipients in the time zone")?;
    let header = TextStyle::from((FONT, 14).into_font().style(FontStyle::Bold))
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut offset = 0;
    for z in zoned {
        let at = place(&chart, offset);
        let c = z.campaign;
        let mut text = format!(
            "{}: {} of {} unreached ({})",
            shortened(&c.name),
            count(c.unreached),
            count(c.recipients),
            share(c.unreached, c.recipients)
        );
        if z.hidden > 0 {
            text.push_str(&format!(
                ", {} zones with fewest unreached not shown",
                z.hidden
            ));
        }
        // Inside the plot, on the campaign's own row: left of it the y axis would cross it.
        root.draw(&Text::new(
            text,
            (at.left + 6, at.top + HEADER / 2 - 4),
            header.clone(),
        ))?;
        offset += HEADER;
        for &(zone, rows, left) in &z.zones {
            let at = place(&chart, offset);
            let slices = [
                Slice {
                    count: rows - left,
                    colour: REACHED,
                    hatched: false,
                },
                Slice {
                    count: left,
                    colour: z.unreached.1,
                    hatched: true,
                },
            ];
            stacked::bar(root, &at, &slices, rows, &count(rows))?;
            row_name(root, &at, zone)?;
            offset += ROW;
        }
    }
    // The reasons drawn, in the order of the bars' legend.
    let mut keys = vec![("reached (texted or skipped)", REACHED, false)];
    for (name, colour) in FATES
        .iter()
        .map(|f| (f.name, f.colour))
        .chain(std::iter::once(SEVERAL_REASONS))
    {
        if zoned.iter().any(|z| z.unreached.0 == name) {
            keys.push((name, colour, true));
        }
    }
    legend(
        &legend_area,
        &keys,
        "label: count (share of the zone); bar end: recipients in the zone",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_fates_share_a_colour() {
        for (i, a) in FATES.iter().enumerate() {
            for b in &FATES[i + 1..] {
                assert_ne!(a.colour, b.colour, "{} and {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn the_most_keeps_order_and_the_largest() {
        let kept = most(&[5u64, 1, 9, 3, 7], 3, |v| v);
        assert_eq!(kept, [5, 9, 7]);
        assert_eq!(most(&[1u64, 2], 3, |v| v), [1, 2]);
    }
}
