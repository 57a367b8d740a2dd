//! What the charts and pages show a planner, read back from the SVGs and HTML a run writes: titles,
//! labels, legend entries and markers, and a page that reads on a phone's width.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `campaign-sim ARGS` and asserts it wrote its report (exit 1: a threshold failed).
fn cli(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn shipped_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// The report folder of `run` of a shipped scenario at `seed`, under `dir`.
fn run_report(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let out = dir.join(format!("{name}-{seed}"));
    let scenario = shipped_path(name);
    cli(&[
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

/// Asserts `html` lays out at a phone's width: the viewport tag, every table in a box that
/// scrolls sideways, long hashes allowed to wrap.
fn assert_fits_a_phone(html: &str) {
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#),
        "viewport tag"
    );
    let tables = html.matches("<table").count();
    assert!(tables > 0);
    assert_eq!(
        html.matches(r#"<div class="scroll"><table"#).count(),
        tables,
        "every table scrolls in its own box"
    );
    assert_eq!(html.matches("</table></div>").count(), tables);
    assert!(html.contains("code{overflow-wrap:anywhere"), "hashes wrap");
    assert!(html.contains("figure{margin:1em 0;overflow-x:auto}"));
}

#[test]
fn the_run_and_sweep_pages_fit_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "launch.toml", 7);
    assert_fits_a_phone(&std::fs::read_to_string(report.join("index.html")).unwrap());

    let out = dir.path().join("sweep");
    let scenario = shipped_path("single-500.toml");
    cli(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--runs",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_fits_a_phone(&std::fs::read_to_string(out.join("index.html")).unwrap());
}

/// The texts of an SVG chart, with where each is anchored.
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let at = |a: &str| n.attribute(a).and_then(|v| v.parse().ok()).unwrap_or(0.0);
            let text: String = n
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect();
            (at("x"), at("y"), text.trim().to_string())
        })
        .collect()
}

fn has_text(svg: &str, wanted: &str) -> bool {
    texts(svg).iter().any(|(_, _, t)| t == wanted)
}

/// Polylines of an SVG drawn in `stroke`: their points and stroke width.
fn polylines(svg: &str, stroke: &str) -> Vec<(Vec<(i32, i32)>, u32)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .map(|n| {
            let points = n
                .attribute("points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            let width = n.attribute("stroke-width").unwrap().parse().unwrap();
            (points, width)
        })
        .collect()
}

const ALERT: &str = "#C81E1E";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// Time tick labels: `14:00`, or with the date where it changes, `Wed 2 Dec 00:00`. Every tick
/// falls on a whole hour, and the first carries the date.
fn assert_ticks_on_whole_hours(svg: &str, chart: &str) {
    let is_time = |t: &str| t.len() == 5 && t.as_bytes()[2] == b':' && t.ends_with(":00");
    let ticks: Vec<String> = texts(svg)
        .into_iter()
        .map(|(_, _, t)| t)
        .filter(|t| t.ends_with(":00") && t.len() >= 5 && is_time(&t[t.len() - 5..]))
        .collect();
    assert!(ticks.len() >= 2, "{chart}: time ticks {ticks:?}");
    assert!(
        ticks[0].split(' ').count() == 4,
        "{chart}: the first tick has its date: {ticks:?}"
    );
    assert!(
        ticks
            .iter()
            .all(|t| is_time(t) || t.split(' ').count() == 4),
        "{chart}: {ticks:?}"
    );
}

/// Asserts the legend entry `entry` sits right of every time tick: outside the plotted data.
fn assert_legend_outside(svg: &str, entry: &str, chart: &str) {
    let all = texts(svg);
    let (legend_x, _, _) = all
        .iter()
        .find(|(_, _, t)| t == entry)
        .unwrap_or_else(|| panic!("{chart}: no legend entry {entry:?}"));
    let last_tick = all
        .iter()
        .filter(|(_, _, t)| t.ends_with(":00"))
        .map(|(x, _, _)| *x)
        .fold(0.0, f64::max);
    assert!(
        *legend_x > last_tick + 40.0,
        "{chart}: legend at x {legend_x} over the data (last tick at {last_tick})"
    );
}

#[test]
fn send_curves_label_each_cutoff_and_show_each_lists_gap() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "launch.toml", 7);
    let svg = read(&report, "send_curves.svg");
    let summary: serde_json::Value = serde_json::from_str(&read(&report, "summary.json")).unwrap();
    for c in summary["campaigns"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let (recipients, unreached) = (
            c["recipients"].as_u64().unwrap(),
            c["unreached"].as_u64().unwrap(),
        );
        let size = if unreached > 0 {
            format!("list {recipients} ({unreached} unreached)")
        } else {
            format!("list {recipients}")
        };
        assert!(has_text(&svg, &size), "{name}: {size}");
        assert!(has_text(&svg, name), "legend names {name}");
    }
    // Shipping delay notice and Holiday hours have end times; VIP early access has none.
    for cut in ["Shipping delay notice: end time", "Holiday hours: end time"] {
        assert!(has_text(&svg, cut), "{cut}");
    }
    assert!(!has_text(&svg, "VIP early access: end time"));
    for entry in [
        "end time (cutoff)",
        "limiter envelope (480/hour)",
        "list size (dotted); bar: unreached",
        "closed for every recipient",
    ] {
        assert!(has_text(&svg, entry), "legend: {entry}");
    }
    // Markers tell coinciding curves apart: six per campaign and one in its legend key, in its
    // colour (blue, orange, green).
    for colour in ["#1F77B4", "#FF7F0E", "#2CA02C"] {
        let markers = svg
            .matches(&format!("<polygon opacity=\"1\" fill=\"{colour}\""))
            .count();
        assert_eq!(markers, 7, "{colour}");
    }
    assert_ticks_on_whole_hours(&svg, "send_curves");
    assert_legend_outside(&svg, "limiter envelope (480/hour)", "send_curves");
}

#[test]
fn inbox_load_states_utilization_and_sla_and_draws_no_queue_of_zero() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "single-500.toml", 1);
    let svg = read(&report, "inbox_load.svg");
    let summary: serde_json::Value = serde_json::from_str(&read(&report, "summary.json")).unwrap();
    let inbox = &summary["inboxes"][0];
    assert_eq!(
        inbox["max_queue"], 0,
        "nobody waits in single-500 at seed 1"
    );
    let utilization = format!(
        "{:.1} %",
        inbox["utilization_staffed"].as_f64().unwrap() * 100.0
    );
    let caption = texts(&svg)
        .into_iter()
        .map(|(_, _, t)| t)
        .find(|t| t.starts_with("Campaign Replies ("))
        .unwrap();
    assert!(
        caption.contains(&format!("utilization {utilization} of staffed time"))
            && caption.contains("SLA 100.0 % within 5m (target 90.0 %)"),
        "{caption}"
    );
    assert!(has_text(&svg, "waiting in queue: never"));
    let queue_lines = polylines(&svg, ALERT);
    assert_eq!(
        queue_lines.len(),
        1,
        "only the legend key is red: {queue_lines:?}"
    );
    assert!(has_text(&svg, "staffed capacity (slots)"));
    assert_legend_outside(&svg, "staffed capacity (slots)", "inbox_load");

    // Where the queue is not zero, it is drawn; its runs rise off the axis.
    let busy = run_report(dir.path(), "launch.toml", 7);
    let svg = read(&busy, "inbox_load.svg");
    assert!(has_text(&svg, "waiting in queue"));
    assert!(polylines(&svg, ALERT).len() > 2);
    assert_ticks_on_whole_hours(&svg, "inbox_load");
}

#[test]
fn wait_times_label_the_sla_and_keep_zero_percentiles_visible() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "single-500.toml", 1);
    let svg = read(&report, "wait_times.svg");
    assert!(
        has_text(&svg, "SLA 5 min"),
        "the SLA line carries its value"
    );
    assert!(has_text(&svg, "SLA: 90% within 5 min (dashed)"));
    // The SLA line is dashed in the chart and in its legend key: many short red pieces, and
    // a key of two dashes.
    let red = polylines(&svg, ALERT);
    let key_dashes = red
        .iter()
        .filter(|(p, _)| p.len() == 2 && p[1].0 - p[0].0 == 7 && p[0].1 == p[1].1)
        .count();
    assert!(key_dashes >= 1 && red.len() > 10, "{red:?}");
    // All waits are zero: p50, p90 and p99 lie on one another, each wider than the next, so
    // each shows as a stripe.
    for (name, colour, width) in [
        ("p50", "#1F77B4", 6),
        ("p90", "#FF7F0E", 4),
        ("p99", "#2CA02C", 2),
    ] {
        assert!(has_text(&svg, &format!("{name} wait")));
        assert!(
            polylines(&svg, colour)
                .iter()
                .any(|(p, w)| *w == width && p.len() > 2),
            "{name} drawn {width} wide"
        );
    }
    assert_legend_outside(&svg, "p99 wait", "wait_times");
}

#[test]
fn the_time_axis_ends_soon_after_the_last_activity_not_at_the_horizon() {
    // A campaign of a few hundred texts on the first morning of a three-day horizon.
    let scn = crate::common::scenario(
        r#"
        name = "short"
        [simulation]
        timezone = "America/New_York"
        start = "2026-12-01T08:00"
        until = "2026-12-04T08:00"
        [[numbers]]
        number = "+15550100"
        inbox = "Replies"
        [[inboxes]]
        name = "Replies"
        agents = 2
        [[campaigns]]
        name = "Morning"
        number = "+15550100"
        [[campaigns.outreaches]]
        start = "2026-12-01T09:00"
        recipients = { count = 200 }
        "#,
    );
    let o = sim::run(&scn, &sim::Options::default());
    let spec = report::charts::ChartSpec::of(&scn, &o);
    let hours = report::charts::hours(spec.end);
    assert!(
        o.end.since_start().as_millis() > 60 * 3_600_000,
        "the run lasts the horizon"
    );
    assert!(
        hours <= 6.0,
        "the axis ends at {hours} h, not at the horizon"
    );
    assert_eq!(hours.fract(), 0.0, "on a whole hour");
}

#[test]
fn sweep_bands_scale_busy_slots_on_their_own_and_show_the_sla() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let scenario = shipped_path("launch.toml");
    cli(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--runs",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    let load = read(&out, "inbox_load_band.svg");
    for desc in ["busy slots (bin mean)", "waiting (bin mean)"] {
        assert_eq!(
            texts(&load).iter().filter(|(_, _, t)| t == desc).count(),
            2,
            "{desc}: a chart of its own in each of the two inboxes"
        );
    }
    assert!(
        !texts(&load).iter().any(|(_, _, t)| t.ends_with(".0")),
        "counts read 24, not 24.0"
    );
    let wait = read(&out, "wait_times_band.svg");
    assert!(has_text(&wait, "SLA 5 min") && has_text(&wait, "SLA: 90% within 5 min (dashed)"));
    assert_legend_outside(&wait, "SLA: 90% within 5 min (dashed)", "wait_times_band");
    let page = read(&out, "index.html");
    assert!(page.contains("<td>wait p90</td>") && page.contains("<td>last send</td>"));
    assert!(!page.contains("<td>wait_p90_s</td>"));
}

#[test]
fn cutoffs_and_list_sizes_shared_by_many_campaigns_make_one_label_each() {
    // big: ten named campaigns of 20,000 recipients each, all cut off at one hour.
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "big.toml", 1);
    let svg = read(&report, "send_curves.svg");
    let labels: Vec<String> = texts(&svg)
        .into_iter()
        .map(|(_, _, t)| t)
        .filter(|t| t.ends_with(": end time"))
        .collect();
    assert_eq!(labels, ["c001, c002 and 8 more: end time"]);
    assert!(has_text(&svg, "lists of 20000 (10 campaigns)"));
}

#[test]
fn the_sweep_load_band_draws_the_staffed_capacity_of_an_inbox_on_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shifts.toml");
    std::fs::write(
        &path,
        r#"
name = "shifts"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-02T08:00"
[[numbers]]
number = "+15550100"
inbox = "Replies"
[[inboxes]]
name = "Replies"
[[inboxes.shifts]]
agents = 3
days = "daily"
hours = "09:00-12:00"
[[inboxes.shifts]]
agents = 1
days = "daily"
hours = "12:00-17:00"
[[campaigns]]
name = "Notice"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 200 }
"#,
    )
    .unwrap();
    let out = dir.path().join("sweep");
    cli(&[
        "sweep",
        path.to_str().unwrap(),
        "--runs",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let svg = read(&out, "inbox_load_band.svg");
    assert!(has_text(&svg, "staffed capacity (slots)"));
    // The dashed staffed line steps: its pieces lie at more than one height.
    let heights: std::collections::BTreeSet<i32> = polylines(&svg, "#000000")
        .iter()
        .filter(|(p, w)| *w == 2 && p.len() == 2 && p[0].1 == p[1].1 && p[1].0 - p[0].0 < 12)
        .map(|(p, _)| p[0].1)
        .collect();
    assert!(
        heights.len() >= 2,
        "one staffed level per shift: {heights:?}"
    );
}

/// `7000` as the charts write it: `7,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Widths of the SVG's rectangles filled with `fill`.
fn rect_widths(svg: &str, fill: &str) -> Vec<u32> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect()
}

/// Asserts no two texts on one line of the plot (left of the legend at `legend_x`) overprint,
/// taking a glyph as 0.6 of the 13-pixel font at least (digits are 0.64).
fn assert_no_overprint(svg: &str, legend_x: f64) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let mut spans: Vec<(i64, f64, f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let at = |a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
            let (x, y) = (at("x")?, at("y")?);
            let text: String = n
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect();
            let text = text.trim().to_string();
            let width = text.chars().count() as f64 * 0.6 * 12.9;
            let left = match n.attribute("text-anchor") {
                Some("middle") => x - width / 2.0,
                Some("end") => x - width,
                _ => x,
            };
            (x < legend_x).then_some((y as i64, left, left + width, text))
        })
        .collect();
    spans.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
    for pair in spans.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a.0 != b.0 || a.2 <= b.1,
            "{:?} and {:?} overprint on line y={}",
            a.3,
            b.3,
            a.0
        );
    }
}

#[test]
fn the_unreached_chart_labels_counts_and_shares_and_shows_a_single_skipped_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "black-friday.toml", 2026);
    let svg = read(&report, "unreached.svg");
    let summary: serde_json::Value = serde_json::from_str(&read(&report, "summary.json")).unwrap();
    let campaigns = summary["campaigns"].as_array().unwrap();
    let n = |c: &serde_json::Value, key: &str| c[key].as_u64().unwrap();
    for c in campaigns {
        // Each bar ends with its list size.
        assert!(has_text(&svg, &thousands(n(c, "recipients"))), "{c}");
    }
    let door = campaigns
        .iter()
        .find(|c| c["name"] == "Doorbusters")
        .unwrap();
    let (unreached, recipients) = (n(door, "unreached"), n(door, "recipients"));
    assert!(unreached > 0, "Doorbusters' end time cuts its list");
    let share = (unreached as f64 * 100.0 / recipients as f64).round();
    assert!(
        has_text(&svg, &format!("{} ({share}%)", thousands(unreached))),
        "the unreached slice says how many and what share of the list"
    );
    let delivered = n(door, "delivered");
    let share = (delivered as f64 * 100.0 / recipients as f64).round();
    assert!(has_text(
        &svg,
        &format!("{} ({share}%)", thousands(delivered))
    ));
    // Failures too narrow for their labels still have their counts, below the bar.
    for (code, count) in door["failed_by_code"].as_object().unwrap() {
        let count = count.as_u64().unwrap();
        assert!(has_text(&svg, &thousands(count)), "{code}: {count}");
    }

    // VIP early access skips one duplicate phone of its 61: a slice of 1 that must still show.
    let vip = &campaigns[0];
    assert_eq!(n(vip, "skipped_duplicate"), 1);
    assert!(has_text(&svg, "skipped: duplicate"));
    let duplicate_grey = "#AFAFAF";
    let widths = rect_widths(&svg, duplicate_grey);
    // The slice (26 px high, as every bar), the label's key and the legend's key.
    assert!(
        widths.iter().filter(|&&w| w >= 3).count() >= 3,
        "a one-recipient slice is drawn at least 3 px wide: {widths:?}"
    );
    assert!(has_text(&svg, "1"), "its count is written");

    // The zone panel: Doorbusters' list spans three zones; each zone's unreached is labelled.
    assert!(has_text(
        &svg,
        "Unreached by recipient time zone (zones east first)"
    ));
    assert!(has_text(&svg, "reached (texted or skipped)"));
    assert_eq!(
        texts(&svg)
            .iter()
            .filter(|(_, _, t)| t == "unreached: end time")
            .count(),
        2,
        "both legends name the end time, the zone panel's unreached drawn as the bars'"
    );
    for (zone, left) in door["unreached_by_zone"].as_object().unwrap() {
        assert!(has_text(&svg, zone), "zone row {zone}");
        let left = thousands(left.as_u64().unwrap());
        assert!(
            texts(&svg)
                .iter()
                .any(|(_, _, t)| t == &left || t.starts_with(&format!("{left} ("))),
            "{zone}: {left} unreached"
        );
    }
    assert!(has_text(
        &svg,
        &format!(
            "Doorbusters: {} of {} unreached ({}%)",
            thousands(unreached),
            thousands(recipients),
            (unreached as f64 * 100.0 / recipients as f64).round()
        )
    ));
    assert_no_overprint(&svg, 900.0);

    let html = read(&report, "index.html");
    assert!(html.contains("<h2>Unreached by recipient time zone</h2>"));
    assert!(html.contains("<td>Doorbusters</td><td>America/Los_Angeles</td><td>1750</td>"));
}

#[test]
fn a_run_that_reaches_everyone_has_no_zone_panel_or_table() {
    let dir = tempfile::tempdir().unwrap();
    let report = run_report(dir.path(), "single-500.toml", 1);
    let summary: serde_json::Value = serde_json::from_str(&read(&report, "summary.json")).unwrap();
    assert_eq!(summary["campaigns"][0]["unreached"], 0);
    let svg = read(&report, "unreached.svg");
    assert!(!svg.contains("Unreached by recipient time zone"));
    assert!(!has_text(&svg, "reached (texted or skipped)"));
    assert!(!read(&report, "index.html").contains("Unreached by recipient time zone"));
    assert_no_overprint(&svg, 900.0);
}

/// Rects of an SVG filled with `fill` at `opacity`.
fn rects(svg: &str, fill: &str, opacity: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.attribute("fill") == Some(fill)
                && n.attribute("opacity") == Some(opacity)
        })
        .count()
}

#[test]
fn sla_attainment_marks_the_intervals_below_target_and_only_those_with_arrivals() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("understaffed.toml");
    std::fs::write(&scenario, crate::common::UNDERSTAFFED).unwrap();
    let report = dir.path().join("report");
    cli(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        report.to_str().unwrap(),
    ]);
    let svg = read(&report, "sla_attainment.svg");
    let summary: serde_json::Value = serde_json::from_str(&read(&report, "summary.json")).unwrap();
    let attainment = summary["inboxes"][0]["sla_attainment"].as_f64().unwrap();
    assert!(attainment < 0.9, "the inbox misses its SLA: {attainment}");

    let title = texts(&svg)
        .into_iter()
        .map(|(_, _, t)| t)
        .find(|t| t.starts_with("Conversations taken within the SLA: understaffed (seed"))
        .expect("chart title");
    assert!(
        title.ends_with("-minute interval of arrival (blank: nobody arrived)"),
        "{title}"
    );
    let caption = format!(
        "Replies: {:.1} % within 2m over the run (target 90.0 %)",
        attainment * 100.0
    );
    for text in [
        caption.as_str(),
        "taken within SLA (%)",
        "time (America/New_York)",
        "target 90.0 %",
        "interval at or above target",
        "interval below target",
        "SLA target: 90.0 % within 2m (dashed)",
    ] {
        assert!(has_text(&svg, text), "missing {text:?}");
    }
    assert_ticks_on_whole_hours(&svg, "sla_attainment");
    assert_legend_outside(&svg, "interval below target", "sla_attainment");

    // timeseries.csv holds a row for each interval in which someone arrived: the chart draws a
    // bar and a dot for each of those and nothing for the others, red where below the target.
    let shares: Vec<f64> = read(&report, "timeseries.csv")
        .lines()
        .filter(|l| l.contains(",sla_attainment,Replies,"))
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let below = shares.iter().filter(|&&a| a < 0.9).count();
    assert!(below >= 1, "an interval below target: {shares:?}");
    assert_eq!(rects(&svg, ALERT, "0.6"), below, "red bars");
    assert_eq!(
        rects(&svg, "#2CA02C", "0.6"),
        shares.len() - below,
        "green bars"
    );
    let dots = roxmltree::Document::parse(&svg)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(dots, shares.len(), "one dot per interval with arrivals");
}
