//! Per inbox: busy agent slots stacked by where conversations came from (each campaign's replies,
//! then background traffic), the queue of waiting conversations where there is one, the staffed
//! capacity, and in each panel's caption the inbox's utilization and SLA over the run.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Data, DrawResult, Drawing, FONT, TimeAxis, TimeChart, color, dashed_key, hours, legend,
    line_key, span_hours, time_axes, time_chart,
};
use crate::show;
use crate::summary::InboxSummary;
use model::time::Instant;
use model::{InboxId, Source};
use scenario::{Inbox, Scenario};
use sim::metrics::timeline::{BUCKET, InboxTimeline, StepSeries};
use sim::staffing::staffed_slots;

/// Campaigns named in an inbox's legend; the rest are stacked together.
const NAMED: usize = 6;
/// Points per series at most; longer runs are averaged into wider bins.
const MAX_POINTS: usize = 1000;

pub struct InboxLoad<'a>(pub &'a Data<'a>);

/// How the per-minute buckets up to the axis' end are averaged into at most [`MAX_POINTS`] bins.
#[derive(Clone, Copy)]
struct Bins {
    /// Buckets to a bin.
    width: usize,
    count: usize,
    /// Hours from the start to the axis' end.
    end: f64,
}

impl Bins {
    fn up_to(end: Instant) -> Bins {
        let buckets = end.as_millis().div_ceil(BUCKET.as_millis()) as usize;
        let width = buckets.div_ceil(MAX_POINTS).max(1);
        Bins {
            width,
            count: buckets.div_ceil(width),
            end: hours(end),
        }
    }

    /// The middle of bin `b`, in hours.
    fn x(self, b: usize) -> f64 {
        (b as f64 + 0.5) * span_hours(self.width as u64 * BUCKET)
    }

    /// Per-bin means of `series` added together.
    fn means(self, series: &[&StepSeries]) -> Vec<f64> {
        (0..self.count)
            .map(|b| {
                let sum: f64 = (b * self.width..(b + 1) * self.width)
                    .map(|m| series.iter().map(|s| s.mean(m)).sum::<f64>())
                    .sum();
                sum / self.width as f64
            })
            .collect()
    }
}

/// An opaque lighter shade, so stacked layers keep their own colours.
fn light(c: RGBColor) -> RGBColor {
    let up = |v: u8| v + ((255 - v) as f64 * 0.4) as u8;
    RGBColor(up(c.0), up(c.1), up(c.2))
}

impl Drawing for InboxLoad<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = super::titled(root, title)?;
        let bins = Bins::up_to(d.spec.end);
        let axis = TimeAxis::new(d.scn);
        let panels = area.split_evenly((d.scn.inboxes.len(), 1));
        let lines = d.scn.inboxes.iter().zip(&d.timeline.inboxes).zip(panels);
        for (i, ((inbox, line), panel)) in lines.enumerate() {
            let layers = layers(d.scn, line);
            let staffed = staffed_slots(d.scn, InboxId::new(i), d.spec.end);
            let panel_data = (&layers[..], &line.queue, &staffed[..]);
            let caption = caption(inbox, &d.summary.inboxes[i]);
            draw_panel(&panel, &axis, (inbox, &caption), panel_data, bins)?;
        }
        area.present()?;
        Ok(())
    }
}

/// Busy slots of one source of conversations, or of several stacked as one: its legend entry,
/// its colour, its series.
struct Layer<'a> {
    label: String,
    colour: RGBColor,
    series: Vec<&'a StepSeries>,
}

/// An inbox's busy slots in layers, bottom-up: named campaigns, other campaigns, background.
fn layers<'a>(scn: &Scenario, line: &'a InboxTimeline) -> Vec<Layer<'a>> {
    let mut layers = Vec::new();
    let mut others = Vec::new();
    let mut background = Vec::new();
    for (source, series) in line.busy.iter() {
        match source {
            Source::Background => background.push(series),
            Source::Campaign(c) if layers.len() < NAMED => layers.push(Layer {
                label: format!("replies: {}", scn.campaigns[c.index()].name),
                colour: color(c.index()),
                series: vec![series],
            }),
            Source::Campaign(_) => others.push(series),
        }
    }
    if !others.is_empty() {
        layers.push(Layer {
            label: format!("replies: {} other campaigns", others.len()),
            colour: RGBColor(170, 170, 170),
            series: others,
        });
    }
    if !background.is_empty() {
        layers.push(Layer {
            label: "background inbound".into(),
            colour: RGBColor(120, 120, 120),
            series: background,
        });
    }
    layers
}

/// Each layer's top per bin: its own means on the layer below's top.
fn stack(layers: &[Layer], bins: Bins) -> Vec<Vec<f64>> {
    let mut stacked: Vec<Vec<f64>> = Vec::new();
    for layer in layers {
        let own = bins.means(&layer.series);
        let below = stacked
            .last()
            .cloned()
            .unwrap_or_else(|| vec![0.0; bins.count]);
        stacked.push(own.iter().zip(&below).map(|(a, b)| a + b).collect());
    }
    stacked
}

/// The panel's caption: how the inbox is staffed, and how it did over the run, so the figures
/// an inbox is judged on sit next to the load that explains them.
fn caption(inbox: &Inbox, summary: &InboxSummary) -> String {
    format!(
        "{} ({}): utilization {} of staffed time, {} in busy hours; SLA {} within {} (target {})",
        inbox.name,
        show::staffing(inbox),
        show::percent(summary.utilization_staffed),
        show::percent(summary.utilization_busy_hours),
        show::percent(summary.sla_attainment),
        show::duration(summary.sla_within_s),
        show::percent(summary.sla_target),
    )
}

/// The queue as runs of bins where someone waited: a queue of zero is not drawn, since a red
/// line along the x axis would read as the axis itself. Bins whose mean queue is under
/// `visible` (a fraction of a pixel) count as zero for the same reason.
fn draw_queue<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    queue: &[f64],
    bins: Bins,
    visible: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let points: Vec<(usize, f64)> = queue.iter().copied().enumerate().collect();
    let waiting = |p: &(usize, f64)| p.1 >= visible;
    let label = if queue.iter().any(|&v| v > 0.0) {
        "waiting in queue"
    } else {
        "waiting in queue: never"
    };
    for run in points.chunk_by(|a, b| waiting(a) == waiting(b)) {
        if !waiting(&run[0]) {
            continue;
        }
        // Each run starts and ends on the axis, at the bins either side.
        let (first, last) = (run[0].0, run[run.len() - 1].0);
        let edges = [
            first.checked_sub(1),
            Some(last + 1).filter(|&b| b < bins.count),
        ];
        let line: Vec<(f64, f64)> = edges[0]
            .map(|b| (bins.x(b), 0.0))
            .into_iter()
            .chain(run.iter().map(|&(b, v)| (bins.x(b), v)))
            .chain(edges[1].map(|b| (bins.x(b), 0.0)))
            .collect();
        // Segment by segment: the PNG rasterizer mitres the sharp corner where a run meets
        // the axis into a spike below it.
        chart.draw_series(
            line.windows(2)
                .map(|pair| PathElement::new(pair.to_vec(), ALERT.stroke_width(2))),
        )?;
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
        .label(label)
        .legend(line_key(ALERT.stroke_width(2)));
    Ok(())
}

/// The staffed slots of an inbox on shifts as a line of steps up to `end` hours. A shift that
/// starts before the axis' end can end after it: its step is cut there, or the line would run on
/// past the plot and back along the axis.
fn shift_steps(steps: &[(Instant, u32)], end: f64) -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    for (k, &(t, slots)) in steps.iter().enumerate() {
        let from = hours(t);
        if from >= end {
            break;
        }
        let until = steps
            .get(k + 1)
            .map_or(end, |&(next, _)| hours(next).min(end));
        points.extend([(from, f64::from(slots)), (until, f64::from(slots))]);
    }
    points
}

/// One inbox's panel: its busy slots stacked in `layers`, its queue, its staffed capacity (the
/// steps of `sim::staffing::staffed_slots`).
fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    axis: &TimeAxis,
    (inbox, caption): (&Inbox, &str),
    (layers, queue, steps): (&[Layer], &StepSeries, &[(Instant, u32)]),
    bins: Bins,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let stacked = stack(layers, bins);
    let queue = bins.means(&[queue]);
    let staffed = f64::from(steps.iter().map(|&(_, s)| s).max().unwrap_or(0));
    // Always-on agents: one level across the chart. Shifts: a step at each change.
    let staffed_line: Vec<(f64, f64)> = if inbox.shifts.is_empty() {
        vec![(0.0, staffed), (bins.end, staffed)]
    } else {
        shift_steps(steps, bins.end)
    };
    let y_max = stacked
        .last()
        .into_iter()
        .flatten()
        .chain(&queue)
        .fold(staffed, |m, &v| m.max(v))
        .max(1.0)
        * 1.15;

    let mut chart = time_chart(
        ChartBuilder::on(panel)
            .caption(caption, (FONT, 16))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70),
        axis,
        bins.end,
        0.0..y_max,
    )?;
    time_axes(&mut chart, axis, "conversations (per-minute mean)", false)?;
    for (layer, top) in layers.iter().zip(&stacked).rev() {
        let colour = layer.colour;
        chart
            .draw_series(AreaSeries::new(
                top.iter().enumerate().map(|(b, &v)| (bins.x(b), v)),
                0.0,
                light(colour).filled(),
            ))?
            .label(layer.label.clone())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 18, y + 6)], light(colour).filled())
            });
    }
    draw_queue(&mut chart, &queue, bins, y_max / 400.0)?;
    chart
        .draw_series(DashedLineSeries::new(
            staffed_line,
            8,
            5,
            BLACK.stroke_width(2),
        ))?
        .label("staffed capacity (slots)")
        .legend(dashed_key(BLACK.stroke_width(2)));
    legend(&mut chart)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::HOUR;

    #[test]
    fn a_shift_running_past_the_axis_end_is_cut_there() {
        // 12 slots from 6 h to 22 h, 3 from 22 h; the axis ends at 15.25 h.
        let steps = [
            (Instant::START, 0),
            (Instant::START + 6 * HOUR, 12),
            (Instant::START + 22 * HOUR, 3),
        ];
        let line = shift_steps(&steps, 15.25);
        assert_eq!(line, [(0.0, 0.0), (6.0, 0.0), (6.0, 12.0), (15.25, 12.0)]);
    }
}
