//! Per inbox: the share of the conversations arriving in each interval that an agent took within
//! their SLA, as bars against the SLA's target, and the whole run's attainment in the panel's
//! title. Intervals nobody arrived in are left blank: they have no attainment, and a bar at 0%
//! (or 100%) would claim one. Bars below the target are red, and each bar has a dot on its top,
//! so an interval at 0% still shows as a red dot on the axis.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    ALERT, Data, DrawResult, Drawing, FONT, TimeAxis, TimeChart, dashed_key, hours, legend,
    time_axes, time_chart,
};
use crate::show;
use crate::summary::InboxSummary;
use model::time::{HOUR, MINUTE};
use sim::metrics::timeline::{IntervalAttainment, sla_attainment, wait_interval};

/// Intervals at or above the target.
const MET: RGBColor = RGBColor(44, 160, 44);

pub struct SlaAttainment<'a>(pub &'a Data<'a>);

impl Drawing for SlaAttainment<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>, title: &str) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        // The wait chart's intervals, so the two charts line up interval for interval.
        let step = wait_interval(d.spec.end);
        let area = super::titled(
            root,
            &format!(
                "{title}, per {}-minute interval of arrival (blank: nobody arrived)",
                step.div_floor(MINUTE)
            ),
        )?;
        let axis = TimeAxis::new(d.scn);
        let x_end = hours(d.spec.end);
        let step_h = step.as_millis() as f64 / HOUR.as_millis() as f64;
        let panels = area.split_evenly((d.summary.inboxes.len(), 1));
        for ((inbox, line), panel) in d
            .summary
            .inboxes
            .iter()
            .zip(&d.timeline.inboxes)
            .zip(panels)
        {
            let mut chart = time_chart(
                ChartBuilder::on(&panel)
                    .caption(caption(inbox), (FONT, 17))
                    .margin(12)
                    .x_label_area_size(45)
                    .y_label_area_size(70),
                &axis,
                x_end,
                // A little below zero, so that a 0% interval's dot sits above the axis line.
                -4.0..110.0,
            )?;
            time_axes(&mut chart, &axis, "taken within SLA (%)", false)?;
            let target = inbox.sla_target * 100.0;
            let (met, missed): (Vec<_>, Vec<_>) = sla_attainment(&line.sla_met, step)
                .into_iter()
                .partition(|a| a.share() * 100.0 >= target);
            bars(&mut chart, &met, step_h, MET, "interval at or above target")?;
            bars(&mut chart, &missed, step_h, ALERT, "interval below target")?;
            target_line(&mut chart, inbox, x_end)?;
            legend(&mut chart)?;
        }
        area.present()?;
        Ok(())
    }
}

/// `Inbox: 87.5 % within 5m over the run (target 90.0 %)`.
fn caption(inbox: &InboxSummary) -> String {
    format!(
        "{}: {} within {} over the run (target {})",
        inbox.name,
        show::percent(inbox.sla_attainment),
        show::duration(inbox.sla_within_s),
        show::percent(inbox.sla_target),
    )
}

/// One bar per interval, a little narrower than the interval so neighbours stay apart, with a
/// dot on its top that shows even where the bar has no height.
fn bars<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    intervals: &[IntervalAttainment],
    step_h: f64,
    colour: RGBColor,
    label: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let x_of = |a: &IntervalAttainment| a.interval as f64 * step_h;
    chart
        .draw_series(intervals.iter().map(|a| {
            let x = x_of(a);
            Rectangle::new(
                [
                    (x + step_h * 0.1, 0.0),
                    (x + step_h * 0.9, a.share() * 100.0),
                ],
                colour.mix(0.6).filled(),
            )
        }))?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], colour.filled()));
    chart.draw_series(intervals.iter().map(|a| {
        Circle::new(
            (x_of(a) + step_h / 2.0, a.share() * 100.0),
            3,
            colour.filled(),
        )
    }))?;
    Ok(())
}

/// The SLA's target as a dashed line across the panel, labelled on the chart and in the legend.
fn target_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    inbox: &InboxSummary,
    end: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let target = inbox.sla_target * 100.0;
    let style = BLACK.stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, target), (end, target)],
            8,
            5,
            style,
        ))?
        .label(format!(
            "SLA target: {} within {} (dashed)",
            show::percent(inbox.sla_target),
            show::duration(inbox.sla_within_s)
        ))
        .legend(dashed_key(style));
    let label = format!("target {}", show::percent(inbox.sla_target));
    // On a white ground: it sits over the first bars, which reach above the target line.
    let width = 8 * label.chars().count() as i32;
    chart.draw_series(std::iter::once(
        EmptyElement::at((0.0, target))
            + Rectangle::new([(3, -20), (9 + width, -3)], WHITE.mix(0.85).filled())
            + Text::new(label, (6, -18), (FONT, 13).into_font().color(&BLACK)),
    ))?;
    Ok(())
}
