//! Per inbox: busy agent slots stacked by where conversations came from (each campaign's replies,
//! then background traffic), the queue of waiting conversations, and the staffed capacity.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Data, DrawResult, Drawing, FONT, TimeAxis, color, hours, legend, line_key, span_hours,
    time_axes,
};
use model::Source;
use sim::metrics::timeline::{BUCKET, StepSeries};

/// Campaigns named in an inbox's legend; the rest are stacked together.
const NAMED: usize = 6;
/// Points per series at most; longer runs are averaged into wider bins.
const MAX_POINTS: usize = 1000;

pub struct InboxLoad<'a>(pub &'a Data<'a>);

/// Per-bin means of `series`, `width` buckets to a bin.
fn binned(series: &[&StepSeries], bins: usize, width: usize) -> Vec<f64> {
    (0..bins)
        .map(|b| {
            let sum: f64 = (b * width..(b + 1) * width)
                .map(|m| series.iter().map(|s| s.mean(m)).sum::<f64>())
                .sum();
            sum / width as f64
        })
        .collect()
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
        let end = d.spec.end;
        let buckets = end.as_millis().div_ceil(BUCKET.as_millis()) as usize;
        let width = buckets.div_ceil(MAX_POINTS).max(1);
        let bins = buckets.div_ceil(width);
        let bin_h = span_hours(width as u64 * BUCKET);
        let x_of = |b: usize| (b as f64 + 0.5) * bin_h;
        let axis = TimeAxis::new(d.scn);
        let panels = area.split_evenly((d.scn.inboxes.len(), 1));
        for ((inbox, line), panel) in d.scn.inboxes.iter().zip(&d.timeline.inboxes).zip(panels) {
            // Layers bottom-up: named campaigns, other campaigns, background.
            let mut layers: Vec<(String, RGBColor, Vec<&StepSeries>)> = Vec::new();
            let mut others = Vec::new();
            let mut background = Vec::new();
            for (&source, series) in &line.busy {
                match source {
                    Source::Background => background.push(series),
                    Source::Campaign(c) if layers.len() < NAMED => {
                        let name = format!("replies: {}", d.scn.campaigns[c.index()].name);
                        layers.push((name, color(c.index()), vec![series]));
                    }
                    Source::Campaign(_) => others.push(series),
                }
            }
            if !others.is_empty() {
                layers.push((
                    format!("replies: {} other campaigns", others.len()),
                    RGBColor(170, 170, 170),
                    others,
                ));
            }
            if !background.is_empty() {
                layers.push((
                    "background inbound".into(),
                    RGBColor(120, 120, 120),
                    background,
                ));
            }
            let mut stacked: Vec<Vec<f64>> = Vec::new();
            for (_, _, series) in &layers {
                let own = binned(series, bins, width);
                let below = stacked.last().cloned().unwrap_or_else(|| vec![0.0; bins]);
                stacked.push(own.iter().zip(&below).map(|(a, b)| a + b).collect());
            }
            let queue = binned(&[&line.queue], bins, width);
            let staffed = f64::from(inbox.agents * inbox.capacity);
            let y_max = stacked
                .last()
                .into_iter()
                .flatten()
                .chain(&queue)
                .fold(staffed, |m, &v| m.max(v))
                .max(1.0)
                * 1.15;

            let mut chart = ChartBuilder::on(&panel)
                .caption(
                    format!(
                        "{} ({} agents x {})",
                        inbox.name, inbox.agents, inbox.capacity
                    ),
                    (FONT, 17),
                )
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..hours(end), 0.0..y_max)?;
            time_axes(&mut chart, &axis, "conversations (per-minute mean)", false)?;
            for ((label, colour, _), top) in layers.iter().zip(&stacked).rev() {
                let colour = *colour;
                chart
                    .draw_series(AreaSeries::new(
                        top.iter().enumerate().map(|(b, &v)| (x_of(b), v)),
                        0.0,
                        light(colour).filled(),
                    ))?
                    .label(label.clone())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 18, y + 6)], light(colour).filled())
                    });
            }
            chart
                .draw_series(LineSeries::new(
                    queue.iter().enumerate().map(|(b, &v)| (x_of(b), v)),
                    ALERT.stroke_width(2),
                ))?
                .label("waiting in queue")
                .legend(line_key(ALERT.stroke_width(2)));
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, staffed), (hours(end), staffed)],
                    8,
                    5,
                    BLACK.stroke_width(2),
                ))?
                .label("staffed capacity (slots)")
                .legend(line_key(BLACK.stroke_width(2)));
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        area.present()?;
        Ok(())
    }
}
