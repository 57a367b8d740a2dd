//! Per inbox: wait percentiles (p50, p90, p99) of the conversations arriving in each interval,
//! against the SLA's "within" line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Data, DrawResult, Drawing, FONT, TimeAxis, color, hours, legend, line_key, time_axes,
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
                .build_cartesian_2d(0.0..x_end, 0.0..y_max)?;
            time_axes(&mut chart, &axis, "wait (minutes)", true)?;
            let x_of =
                |i: u64| (i as f64 + 0.5) * step.as_millis() as f64 / HOUR.as_millis() as f64;
            for (k, name) in ["p50", "p90", "p99"].into_iter().enumerate() {
                let colour = color(k);
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|(i, p)| (x_of(*i), minutes(p[k]))),
                        colour.stroke_width(2),
                    ))?
                    .label(format!("{name} wait"))
                    .legend(line_key(colour.stroke_width(2)));
                // Dots mark the intervals while they can still be told apart.
                if points.len() <= 200 {
                    chart.draw_series(points.iter().map(|(i, p)| {
                        Circle::new((x_of(*i), minutes(p[k])), 2, colour.filled())
                    }))?;
                }
            }
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, sla), (x_end, sla)],
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
