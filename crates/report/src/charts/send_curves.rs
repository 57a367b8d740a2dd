//! Cumulative SMS sent per campaign, the limiter's envelope through each outreach's open hours, the
//! end-time cutoffs (each labelled with its campaign), each list's size with the gap left
//! unreached, and the hours when no recipient's schedule is open on their own clock.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Data, DrawResult, Drawing, FONT, OutreachSpec, TimeAxis, TimeChart, color, dashed_key,
    envelope, hours, legend, line_key, time_axes, time_chart, titled,
};
use crate::summary::CampaignSummary;
use model::time::{HOUR, Instant};
use scenario::Scenario;
use sim::metrics::timeline::BUCKET;
use std::collections::BTreeMap;

/// Campaigns drawn in their own color and legend entry; the rest are drawn grey.
const NAMED: usize = 10;

pub struct SendCurves<'a>(pub &'a Data<'a>);

impl Drawing for SendCurves<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = titled(root, title)?;
        let end = hours(d.spec.end);
        let rate_per_hour = envelope_rate(d.scn);
        let curves: Vec<Vec<(f64, f64)>> = d
            .timeline
            .sends
            .iter()
            .map(|per_minute| cumulative(per_minute, end))
            .collect();
        let y_max = d
            .summary
            .campaigns
            .iter()
            .take(NAMED)
            .map(|c| c.recipients as f64)
            .chain(curves.iter().flat_map(|c| c.last().map(|p| p.1)))
            .fold(1.0, f64::max);
        let names: Vec<&str> = d.scn.campaigns[..NAMED.min(curves.len())]
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let cutoffs = cutoffs(&names, &d.spec.outreaches);
        let y_max = headroom(y_max, cutoffs.len(), area.dim_in_pixel().1);

        let axis = TimeAxis::new(d.scn);
        let mut chart = time_chart(
            ChartBuilder::on(&area)
                .margin(16)
                .x_label_area_size(50)
                .y_label_area_size(70),
            &axis,
            end,
            0.0..y_max,
        )?;
        time_axes(&mut chart, &axis, "SMS sent (cumulative)", false)?;
        draw_closed(&mut chart, &d.spec.closed_hours, y_max)?;

        let envelope = Envelope {
            rate_per_hour,
            y_max,
        };
        let mut marked_cutoff = false;
        let named = NAMED.min(curves.len());
        let sizes: Vec<u64> = d.summary.campaigns[..named]
            .iter()
            .map(|c| c.recipients)
            .collect();
        // Unnamed campaigns first, so the named ones are drawn over them.
        let order = (NAMED.min(curves.len())..curves.len()).chain(0..NAMED.min(curves.len()));
        for c in order {
            let name = &d.scn.campaigns[c].name;
            draw_curve(&mut chart, c, &curves, name)?;
            if c < NAMED {
                let outreaches = &d.spec.outreaches[c];
                draw_outreaches(&mut chart, c, outreaches, envelope, &mut marked_cutoff)?;
                let campaign = &d.summary.campaigns[c];
                let shared = sizes.iter().filter(|&&n| n == campaign.recipients).count();
                draw_list_size(&mut chart, c, campaign, shared, &curves[c], end)?;
            }
        }
        draw_cutoff_labels(&mut chart, &cutoffs, (end, y_max))?;
        envelope_key(&mut chart, rate_per_hour)?;
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("list size (dotted); bar: unreached")
            // Dots, not the envelope's dashes: the two keys looked alike.
            .legend(|(x, y)| {
                let dot = |dx| Circle::new((dx, 0), 1, BLACK.mix(0.6).filled());
                EmptyElement::at((x, y)) + dot(2) + dot(9) + dot(16)
            });
        legend(&mut chart)?;
        area.present()?;
        Ok(())
    }
}

/// Rows of cutoff labels stacked down from the top before they start again.
const LABEL_ROWS: usize = 8;
/// Pixels of one row of cutoff labels.
const LABEL_ROW: i32 = 17;

/// The top of the y axis: 5 % over the highest list or curve, and more where the cutoff labels
/// along the top need it, so that no list's level runs through them. `height` is the drawing
/// area's, of which the margins and the time axis take 82 pixels.
fn headroom(highest: f64, cutoffs: usize, height: u32) -> f64 {
    let plot = f64::from(height.saturating_sub(82).max(1));
    let labels = f64::from(8 + LABEL_ROW * cutoffs.min(LABEL_ROWS) as i32);
    let free = (1.0 - labels / plot).max(0.5);
    (highest * 1.05).max(highest / free)
}

/// SMS per hour the tightest of the limiter's windows allows over a long run.
fn envelope_rate(scn: &Scenario) -> f64 {
    scn.limits
        .windows
        .iter()
        .map(|w| w.max as f64 * HOUR.as_millis() as f64 / w.per.as_millis() as f64)
        .fold(f64::INFINITY, f64::min)
}

/// A campaign's cumulative sends as (hours, total) points: flat from its first sending minute,
/// a step at the end of each minute it sent in, and level to the axis' `end`. Only the corners
/// are kept: a minute's point on the line through its neighbours draws nothing, and at a steady
/// 8 SMS a minute most are (big's 200 curves were 2.4 MB of SVG).
fn cumulative(per_minute: &[u32], end: f64) -> Vec<(f64, f64)> {
    // (minute, total), compared exactly in whole numbers.
    let mut corners: Vec<(u64, u64)> = Vec::new();
    let mut total = 0;
    for (b, &n) in (0u64..).zip(per_minute) {
        if n == 0 {
            continue;
        }
        if corners.is_empty() {
            corners.push((b, 0));
        }
        total += u64::from(n);
        let next = (b + 1, total);
        if let [.., p, q] = corners[..]
            && (q.0 - p.0) * (next.1 - q.1) == (next.0 - q.0) * (q.1 - p.1)
        {
            corners.pop();
        }
        corners.push(next);
    }
    let mut points: Vec<(f64, f64)> = corners
        .iter()
        .map(|&(b, total)| (hours(Instant::START + b * BUCKET), total as f64))
        .collect();
    if let Some(&(_, last)) = points.last() {
        points.push((end, last));
    }
    points
}

/// Shades the bands when no recipient could be sent, behind everything else.
fn draw_closed<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    closed: &[(f64, f64)],
    y_max: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    if closed.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(closed.iter().map(|&(a, b)| {
            Rectangle::new(
                [(a, 0.0), (b, y_max)],
                RGBColor(120, 120, 120).mix(0.12).filled(),
            )
        }))?
        .label("closed for every recipient")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 6), (x + 18, y + 6)],
                RGBColor(120, 120, 120).mix(0.25).filled(),
            )
        });
    Ok(())
}

/// Campaign `c`'s curve: a named campaign in its own color and legend entry, the others grey
/// under one entry (given with the first of them).
fn draw_curve<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    c: usize,
    curves: &[Vec<(f64, f64)>],
    name: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = if c < NAMED {
        color(c).stroke_width(2)
    } else {
        RGBColor(170, 170, 170).stroke_width(1)
    };
    chart.draw_series(LineSeries::new(curves[c].iter().copied(), style))?;
    if c < NAMED {
        let shape = Shape::of(c);
        let colour = color(c);
        chart
            .draw_series(
                markers(&curves[c], c, curves.len().min(NAMED))
                    .into_iter()
                    .map(|p| EmptyElement::at(p) + shape.at_pixel((0, 0), colour)),
            )?
            .label(name.to_string())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (18, 0)], colour.stroke_width(2))
                    + shape.at_pixel((9, 0), colour)
            });
    } else if c == NAMED {
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!("{} other campaigns", curves.len() - NAMED))
            .legend(line_key(RGBColor(170, 170, 170)));
    }
    Ok(())
}

/// Marker shapes, one per named campaign (by index), so that curves lying on one another, as two
/// campaigns held to the same limit do, can still be told apart.
#[derive(Clone, Copy)]
enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
}

impl Shape {
    fn of(c: usize) -> Shape {
        [
            Shape::Circle,
            Shape::Triangle,
            Shape::Square,
            Shape::Diamond,
        ][c % 4]
    }

    /// The marker as a polygon around pixel `(x, y)`.
    fn at_pixel(self, (x, y): (i32, i32), colour: RGBColor) -> Polygon<(i32, i32)> {
        let corners: Vec<(i32, i32)> = match self {
            Shape::Circle => (0..12)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::TAU / 12.0;
                    (
                        (5.0 * a.cos()).round() as i32,
                        (5.0 * a.sin()).round() as i32,
                    )
                })
                .collect(),
            Shape::Triangle => vec![(0, -6), (6, 5), (-6, 5)],
            Shape::Square => vec![(-5, -5), (5, -5), (5, 5), (-5, 5)],
            Shape::Diamond => vec![(0, -6), (6, 0), (0, 6), (-6, 0)],
        };
        Polygon::new(
            corners
                .into_iter()
                .map(|(dx, dy)| (x + dx, y + dy))
                .collect::<Vec<_>>(),
            colour.filled(),
        )
    }
}

/// Where campaign `c` of `n` named ones carries its markers: six points spread over its curve,
/// offset from the other campaigns' so that markers of coinciding curves do not cover each other.
fn markers(curve: &[(f64, f64)], c: usize, n: usize) -> Vec<(f64, f64)> {
    const PER_CURVE: usize = 6;
    let (Some(&(first, _)), Some(&(last, _))) = (curve.first(), curve.last()) else {
        return Vec::new();
    };
    (0..PER_CURVE)
        .map(|k| {
            let share = (k as f64 + (c as f64 + 0.5) / n.max(1) as f64) / PER_CURVE as f64;
            let x = first + share * (last - first);
            // On the line between the corners either side.
            let upto = curve.partition_point(|&(px, _)| px <= x);
            let (x0, y0) = curve[upto.saturating_sub(1)];
            let y = match curve.get(upto) {
                Some(&(x1, y1)) if x1 > x0 => y0 + (x - x0) / (x1 - x0) * (y1 - y0),
                _ => y0,
            };
            (x, y)
        })
        .collect()
}

/// The named campaigns' cutoffs by instant, each with the campaigns cut off then, in order.
fn cutoffs(names: &[&str], outreaches: &[Vec<OutreachSpec>]) -> BTreeMap<Instant, Vec<String>> {
    let mut at: BTreeMap<Instant, Vec<String>> = BTreeMap::new();
    for (name, outreaches) in names.iter().zip(outreaches) {
        for cut in outreaches.iter().filter_map(|o| o.end) {
            let here = at.entry(cut).or_default();
            if !here.iter().any(|n| n == name) {
                here.push(name.to_string());
            }
        }
    }
    at
}

/// Labels each cutoff line with the campaigns it cuts off (a few named, the rest counted, so
/// that ten campaigns cut off at one hour make one label), stacked down from the top so that
/// labels of nearby cutoffs do not overprint; in the right half of the chart a label sits left
/// of its line, away from the legend.
fn draw_cutoff_labels<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    cutoffs: &BTreeMap<Instant, Vec<String>>,
    (end, y_max): (f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for (k, (&cut, names)) in cutoffs.iter().enumerate() {
        let who = match names.len() {
            1..=2 => names.join(", "),
            n => format!("{}, {} and {} more", names[0], names[1], n - 2),
        };
        let x = hours(cut);
        let (dx, h) = if x > end / 2.0 {
            (-5, plotters::style::text_anchor::HPos::Right)
        } else {
            (5, plotters::style::text_anchor::HPos::Left)
        };
        let font =
            (FONT, 13)
                .into_font()
                .color(&ALERT)
                .pos(plotters::style::text_anchor::Pos::new(
                    h,
                    plotters::style::text_anchor::VPos::Top,
                ));
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y_max))
                + Text::new(
                    format!("{who}: end time"),
                    (dx, 4 + LABEL_ROW * (k % LABEL_ROWS) as i32),
                    font,
                ),
        ))?;
    }
    Ok(())
}

/// Campaign `c`'s list size as a dotted level from its first send to the axis' end, and at the
/// right the gap to what was sent, labelled (under the level, clear of the cutoff labels along
/// the top) with the recipients left unreached. When `shared`
/// campaigns have lists of one size, the label says so once instead of overprinting.
fn draw_list_size<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    c: usize,
    campaign: &CampaignSummary,
    shared: usize,
    curve: &[(f64, f64)],
    end: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let size = campaign.recipients as f64;
    let from = curve.first().map_or(0.0, |p| p.0);
    let sent = curve.last().map_or(0.0, |p| p.1);
    let colour = color(c);
    chart.draw_series(DashedLineSeries::new(
        [(from, size), (end, size)],
        2,
        4,
        colour.stroke_width(1),
    ))?;
    if campaign.unreached > 0 {
        chart.draw_series(LineSeries::new(
            [(end, sent), (end, size)],
            colour.stroke_width(4),
        ))?;
    }
    let (gap, colour) = match shared {
        0 | 1 if campaign.unreached > 0 => (
            format!(
                "list {} ({} unreached)",
                campaign.recipients, campaign.unreached
            ),
            colour,
        ),
        0 | 1 => (format!("list {}", campaign.recipients), colour),
        n => (
            format!("lists of {} ({n} campaigns)", campaign.recipients),
            RGBColor(90, 90, 90),
        ),
    };
    chart.draw_series(std::iter::once(
        EmptyElement::at((end, size))
            + Text::new(
                gap,
                (-6, 4),
                (FONT, 12)
                    .into_font()
                    .color(&colour)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Top,
                    )),
            ),
    ))?;
    Ok(())
}

/// Where the limiter's envelope is drawn: its slope, and the chart's top edge.
#[derive(Clone, Copy)]
struct Envelope {
    rate_per_hour: f64,
    y_max: f64,
}

/// Each outreach of named campaign `c`: the most the limiter lets it send from its start, and
/// its cutoff. The first cutoff drawn gets the legend entry.
fn draw_outreaches<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    c: usize,
    outreaches: &[OutreachSpec],
    Envelope {
        rate_per_hour,
        y_max,
    }: Envelope,
    marked_cutoff: &mut bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for outreach in outreaches {
        chart.draw_series(DashedLineSeries::new(
            envelope::envelope(outreach, rate_per_hour),
            6,
            5,
            color(c).mix(0.8).stroke_width(1),
        ))?;
        if let Some(cut) = outreach.end {
            let x = hours(cut);
            let line = chart.draw_series(LineSeries::new(
                [(x, 0.0), (x, y_max)],
                ALERT.stroke_width(2),
            ))?;
            if !*marked_cutoff {
                *marked_cutoff = true;
                line.label("end time (cutoff)")
                    .legend(line_key(ALERT.stroke_width(2)));
            }
        }
    }
    Ok(())
}

/// The envelope's legend entry, drawn off-chart so it only shows in the legend.
fn envelope_key<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    rate_per_hour: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(DashedLineSeries::new(
            std::iter::empty::<(f64, f64)>(),
            6,
            5,
            BLACK.stroke_width(1),
        ))?
        .label(format!("limiter envelope ({rate_per_hour:.0}/hour)"))
        .legend(dashed_key(BLACK.mix(0.6)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::charts::ChartSpec;

    const WEST: &str = r#"
            name = "west"
            [simulation]
            timezone = "America/New_York"
            start = "2026-12-01T08:00"
            [[numbers]]
            number = "+15550100"
            inbox = "Replies"
            [[inboxes]]
            name = "Replies"
            agents = 2
            [[campaigns]]
            name = "West coast"
            number = "+15550100"
            schedule = { daily = "09:00-17:00" }
            [[campaigns.outreaches]]
            start = "2026-12-01T09:00"
            recipients = { count = 6000, timezones = { "America/Los_Angeles" = 1.0 } }
        "#;

    /// The total at minute `m` read off a polyline, by straight lines between its points.
    fn read(curve: &[(f64, f64)], m: u64) -> f64 {
        let x = hours(Instant::START + m * BUCKET);
        let i = curve.partition_point(|&(px, _)| px <= x).max(1);
        let ((x0, y0), (x1, y1)) = (curve[i - 1], curve[i.min(curve.len() - 1)]);
        if x1 > x0 {
            y0 + (x - x0) / (x1 - x0) * (y1 - y0)
        } else {
            y0
        }
    }

    #[test]
    fn a_steady_curve_keeps_only_its_corners_and_still_passes_every_minute() {
        // Idle, 8 a minute for an hour, a slower minute, 8 a minute again, a gap, one minute.
        let mut per_minute = vec![0; 5];
        per_minute.extend([8; 60]);
        per_minute.push(3);
        per_minute.extend([8; 30]);
        per_minute.extend([0; 10]);
        per_minute.push(8);
        let end = 3.0;
        let curve = cumulative(&per_minute, end);
        // Start, end of the first run, the slow minute, end of the second run, after the gap, end.
        assert_eq!(curve.len(), 6, "{curve:?}");
        assert_eq!(curve[0], (hours(Instant::START + 5 * BUCKET), 0.0));
        assert_eq!(curve.last(), Some(&(end, 8.0 * 91.0 + 3.0)));
        let mut total = 0.0;
        for (m, &n) in (1u64..).zip(&per_minute) {
            total += f64::from(n);
            if n > 0 {
                let read = read(&curve, m);
                assert!(
                    (read - total).abs() < 1e-9,
                    "minute {m}: {read} on the line, {total} sent"
                );
            }
        }
    }

    #[test]
    fn markers_sit_on_the_drawn_line() {
        let curve = cumulative(&[8; 120], 4.0);
        assert_eq!(curve.len(), 3);
        for (x, y) in markers(&curve, 0, 1) {
            let want = if x <= 2.0 { x * 60.0 * 8.0 } else { 960.0 };
            assert!(
                (y - want).abs() < 1e-6,
                "marker at {x} h reads {y}, the line {want}"
            );
        }
    }

    #[test]
    fn sends_fell_inside_bands_shaded_closed_on_the_company_clock() {
        // Los Angeles recipients of a New York company are texted until 20:00 New York time.
        let text = WEST;
        let scn = Scenario::parse(Path::new("west.toml"), text).unwrap();
        let outcome = sim::run(
            &scn,
            &sim::Options {
                seed: 1,
                trace: true,
            },
        );
        let closed = shaded_without_sends(&scn, &outcome);
        assert!(!closed.is_empty(), "nights are closed for everyone");
    }

    #[test]
    fn a_campaign_with_nobody_left_to_text_keeps_no_band_open() {
        // On Tuesday evening only Holiday hours has recipients left, and its schedule closes for
        // the last of them (those shared with Shipping, in Los Angeles) at 21:00 New York time;
        // VIP early access has texted everyone, so its Los Angeles windows, open until 23:00,
        // no longer count.
        let scn = Scenario::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/launch.toml"),
        )
        .unwrap();
        let outcome = sim::run(
            &scn,
            &sim::Options {
                seed: 42,
                trace: true,
            },
        );
        let vip = &outcome.campaigns[1];
        assert_eq!(vip.unreached, 0, "VIP early access texts everyone");
        // The run starts Tuesday 08:00 New York time.
        let (evening, late) = (11.0, 15.0);
        let closed = shaded_without_sends(&scn, &outcome);
        assert!(
            closed.iter().any(|&(a, b)| a < late && evening < b),
            "nothing shaded in Tue 19:00-23:00 ET: {closed:?}"
        );
    }

    #[test]
    fn the_envelope_bounds_every_curve_and_meets_one_sent_at_the_limit() {
        // Launch's campaigns share recipients across zones and one is cut off; West coast sends
        // 6000 Los Angeles recipients 09:00-17:00 their time at 480 an hour, 3840 a day.
        let launch = Scenario::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/launch.toml"),
        )
        .unwrap();
        let west = Scenario::parse(Path::new("west.toml"), WEST).unwrap();
        for scn in [&launch, &west] {
            let outcome = sim::run(
                scn,
                &sim::Options {
                    seed: 42,
                    trace: false,
                },
            );
            let spec = ChartSpec::of(scn, &outcome);
            let rate = envelope_rate(scn);
            for (c, outreaches) in spec.outreaches.iter().enumerate() {
                let [outreach] = outreaches.as_slice() else {
                    continue;
                };
                let top = envelope::envelope(outreach, rate);
                let mut sent = 0.0;
                for (b, &n) in outcome.timeline.sends[c].iter().enumerate() {
                    sent += f64::from(n);
                    let h = hours(Instant::START + (b as u64 + 1) * BUCKET);
                    // The limiter may send a minute's 8 at once; the envelope is its hourly rate.
                    assert!(
                        sent <= envelope::value_at(&top, h) + 8.0,
                        "{}: {sent} sent by {h:.3} h, over the envelope {}",
                        scn.campaigns[c].name,
                        envelope::value_at(&top, h)
                    );
                }
            }
        }
        let outcome = sim::run(
            &west,
            &sim::Options {
                seed: 42,
                trace: false,
            },
        );
        let top = envelope::envelope(&ChartSpec::of(&west, &outcome).outreaches[0][0], 480.0);
        // Recipient 09:00-17:00 Los Angeles time is 12:00-20:00 New York time, 4-12 h in.
        assert!(
            (envelope::value_at(&top, 12.0) - 3840.0).abs() < 1e-6,
            "{top:?}"
        );
        assert!(
            (envelope::value_at(&top, 20.0) - 3840.0).abs() < 1e-6,
            "{top:?}"
        );
        let by_first_close: u32 = outcome.timeline.sends[0][..12 * 60].iter().sum();
        assert!(
            by_first_close >= 3830,
            "sent {by_first_close} on the first day"
        );
    }

    /// The bands shaded closed, after checking that no send falls inside one.
    fn shaded_without_sends(scn: &Scenario, outcome: &sim::Outcome) -> Vec<(f64, f64)> {
        let closed = ChartSpec::of(scn, outcome).closed_hours;
        let sends = outcome
            .trace
            .iter()
            .filter(|(_, r)| matches!(r, model::Record::Send { .. }));
        for &(t, _) in sends {
            let h = hours(t);
            assert!(
                !closed.iter().any(|&(a, b)| a < h && h < b),
                "a send at {h:.3} h lies in a band shaded closed"
            );
        }
        closed
    }
}
