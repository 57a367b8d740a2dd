//! Per inbox: wait percentiles (p50, p90, p99) of the conversations arriving in each interval,
//! against the SLA's "within" line, labelled with its value. Lower percentiles are drawn wider
//! under higher ones, and the axis starts a little below zero, so percentiles that coincide
//! (all zero, in a quiet inbox) all stay visible.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Data, DrawResult, Drawing, FONT, TimeAxis, color, hours, legend, line_key, sla_line, time_axes,
    time_chart,
};
use model::time::{HOUR, MINUTE, Span};
use sim::metrics::timeline::{wait_interval, wait_percentiles};

pub struct WaitTimes<'a>(pub &'a Data<'a>);

impl Drawing for WaitTimes<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let end = d.spec.end;
        let step = wait_interval(end);
        let area = super::titled(
            root,
            &format!(
                "{title}, per {}-minute interval of arrival",
                step.div_floor(MINUTE)
            ),
        )?;
        let axis = TimeAxis::new(d.scn);
        let x_end = hours(end);
        let panels = area.split_evenly((d.scn.inboxes.len(), 1));
        for ((inbox, line), panel) in d.scn.inboxes.iter().zip(&d.timeline.inboxes).zip(panels) {
            let points = wait_percentiles(&line.waits, step);
            let minutes = |s: Span| s.as_millis() as f64 / MINUTE.as_millis() as f64;
            let sla = minutes(inbox.sla_within);
            let y_max = points
                .iter()
                .map(|(_, p)| minutes(p[2]))
                .fold(sla, f64::max)
                .max(1.0)
                * 1.15;
            let sla_text = format!("SLA: {:.0}% within {sla} min", inbox.sla_target * 100.0);
            let mut chart = time_chart(
                ChartBuilder::on(&panel)
                    .caption(format!("{}: {sla_text}", inbox.name), (FONT, 17))
                    .margin(12)
                    .x_label_area_size(45)
                    .y_label_area_size(70),
                &axis,
                x_end,
                -y_max * 0.04..y_max,
            )?;
            time_axes(&mut chart, &axis, "wait (minutes)", true)?;
            let x_of =
                |i: u64| (i as f64 + 0.5) * step.as_millis() as f64 / HOUR.as_millis() as f64;
            for (k, name) in ["p50", "p90", "p99"].into_iter().enumerate() {
                let colour = color(k);
                // p50 widest, p99 narrowest: where they coincide, each shows as a stripe.
                let width = 6 - 2 * k as u32;
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|(i, p)| (x_of(*i), minutes(p[k]))),
                        colour.stroke_width(width),
                    ))?
                    .label(format!("{name} wait"))
                    .legend(line_key(colour.stroke_width(width)));
                // Dots mark the intervals while they can still be told apart.
                if points.len() <= 200 {
                    chart.draw_series(points.iter().map(|(i, p)| {
                        Circle::new((x_of(*i), minutes(p[k])), width + 1, colour.filled())
                    }))?;
                }
            }
            sla_line(&mut chart, sla, x_end, &sla_text)?;
            legend(&mut chart)?;
        }
        area.present()?;
        Ok(())
    }
}
