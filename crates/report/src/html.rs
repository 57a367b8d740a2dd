//! `index.html`: one self-contained page (no external requests) with the run's facts, warnings,
//! thresholds, the campaign and inbox tables, what routing did (when it did anything), and every
//! chart inlined as SVG.

use std::fmt::Write;

use super::show;
use super::summary::{CampaignSummary, InboxSummary, RuleSummary, ShiftGroupSummary, Summary};
use super::verdict::Verdict;
use crate::charts::Chart;

/// `s` with the characters HTML gives meaning to escaped.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn opt(v: &Option<String>) -> String {
    v.as_deref()
        .map_or("-".into(), |s| esc(&s.replace('T', " ")))
}

/// The look every page shares. On a phone's width a table or chart wider than the screen scrolls
/// sideways inside its own box, so the page itself never runs off the right edge; charts keep a
/// minimum width there, since shrunk to 390 px their text could not be read.
pub const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;max-width:1280px;color:#222;padding:0 1em}
.scroll{overflow-x:auto;max-width:100%}code{overflow-wrap:anywhere;word-break:break-all}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{padding:.3em .7em;border-bottom:1px solid #e5e5e5;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.facts td{text-align:left}
.warn{background:#fff5e0;border-left:4px solid #e69500;padding:.4em .8em;margin:.3em 0}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}
figure{margin:1em 0;overflow-x:auto}figure svg{box-sizing:border-box;width:100%;min-width:960px;height:auto;border:1px solid #eee}
@media (max-width:600px){body{margin:1em auto;padding:0 .6em}table{font-size:.8em}th,td{padding:.25em .45em}}";

/// The top of a page up to its heading: the viewport tag makes a phone lay the page out at its
/// own width instead of shrinking a desktop-wide page to fit.
pub fn head(title: &str) -> String {
    let title = esc(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    )
}

/// Puts every table of `body` in a box of its own that scrolls sideways (see [`STYLE`]).
pub fn scrolling_tables(body: &str) -> String {
    body.replace("<table", "<div class=\"scroll\"><table")
        .replace("</table>", "</table></div>")
}

pub fn render(s: &Summary, charts: &[Chart]) -> String {
    let mut h = head(&format!("campaign-sim report: {}", s.scenario));
    facts(&mut h, s);
    warnings(&mut h, &s.warnings);
    thresholds(&mut h, &s.expectations);
    campaigns(&mut h, &s.campaigns);
    unreached_by_zone(&mut h, &s.campaigns);
    inboxes(&mut h, &s.inboxes);
    routing(&mut h, &s.inboxes);
    topics(&mut h, &s.inboxes);
    rules(&mut h, &s.rules);
    shift_groups(&mut h, &s.shift_groups);
    // Only the tables scroll: the charts (megabytes of SVG for a big run) are not searched.
    let mut h = scrolling_tables(&h);
    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        figure(&mut h, c);
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// What ran: scenario, seed, version, file hash, events, simulated time.
fn facts(h: &mut String, s: &Summary) {
    let _ = writeln!(
        h,
        "<table class=\"facts\"><tr><td>scenario</td><td>{}</td></tr><tr><td>seed</td><td>{}</td></tr><tr><td>campaign-sim version</td><td>{}</td></tr><tr><td>scenario SHA-256</td><td><code>{}</code></td></tr><tr><td>events</td><td>{}</td></tr><tr><td>simulated time</td><td>{:.1} hours</td></tr></table>",
        esc(&s.scenario),
        s.seed,
        s.version,
        s.scenario_sha256,
        s.events,
        s.end_s / 3600.0
    );
}

fn warnings(h: &mut String, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    h.push_str("<h2>Warnings</h2>\n");
    for w in warnings {
        let _ = writeln!(h, "<div class=\"warn\">{}</div>", esc(w));
    }
}

fn thresholds(h: &mut String, verdicts: &[Verdict]) {
    if verdicts.is_empty() {
        return;
    }
    h.push_str("<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>observed</th><th>worst interval from</th><th>result</th></tr>\n");
    for e in verdicts {
        let (class, word) = if e.passed {
            ("pass", "pass")
        } else {
            ("fail", "FAIL")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{word}</td></tr>",
            esc(&e.threshold()),
            esc(&e.observed_text()),
            opt(&e.worst_interval_text())
        );
    }
    h.push_str("</table>\n");
}

fn campaigns(h: &mut String, campaigns: &[CampaignSummary]) {
    h.push_str("<h2>Campaigns</h2>\n<table><tr><th>campaign</th><th>recipients</th><th>sent</th><th>delivered</th><th>failed</th><th>unreached</th><th>skipped opted out</th><th>skipped duplicate</th><th>replies</th><th>opt-outs</th><th>first send</th><th>last send</th><th>status</th></tr>\n");
    for c in campaigns {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.name),
            c.recipients,
            c.sent,
            c.delivered,
            c.failed,
            c.unreached,
            c.skipped_opted_out,
            c.skipped_duplicate,
            c.replies,
            c.opt_outs,
            opt(&c.first_send),
            opt(&c.last_send),
            c.status.as_str()
        );
    }
    h.push_str("</table>\n");
}

/// Per campaign that left anyone unreached, each zone of its list: planners move send windows
/// zone by zone. Shown only when someone was left.
fn unreached_by_zone(h: &mut String, campaigns: &[CampaignSummary]) {
    let left: Vec<&CampaignSummary> = campaigns.iter().filter(|c| c.unreached > 0).collect();
    if left.is_empty() {
        return;
    }
    h.push_str("<h2>Unreached by recipient time zone</h2>\n<table><tr><th>campaign</th><th>time zone</th><th>recipients</th><th>unreached</th><th>share of the zone</th></tr>\n");
    for c in left {
        for ((zone, rows), (_, unreached)) in c.recipients_by_zone.iter().zip(&c.unreached_by_zone)
        {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{rows}</td><td>{unreached}</td><td>{}</td></tr>",
                esc(&c.name),
                esc(zone),
                show::percent(*unreached as f64 / (*rows).max(1) as f64)
            );
        }
    }
    h.push_str("</table>\n");
}

fn inboxes(h: &mut String, inboxes: &[InboxSummary]) {
    h.push_str("<h2>Inboxes</h2>\n<table><tr><th>inbox</th><th>staffing (agents x capacity)</th><th>arrivals</th><th>from campaigns</th><th>handled</th><th>wait p50</th><th>wait p90</th><th>wait p99</th><th>max queue</th><th>SLA attainment</th><th>utilization (staffed time)</th><th>utilization (busy hours)</th></tr>\n");
    for i in inboxes {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} (target {} within {})</td><td>{}</td><td>{}</td></tr>",
            esc(&i.name),
            esc(&i.staffing),
            i.arrivals,
            i.arrivals_from_campaigns,
            i.handled,
            show::duration(i.wait_p50_s),
            show::duration(i.wait_p90_s),
            show::duration(i.wait_p99_s),
            i.max_queue,
            show::percent(i.sla_attainment),
            show::percent(i.sla_target),
            show::duration(i.sla_within_s),
            show::percent(i.utilization_staffed),
            show::percent(i.utilization_busy_hours)
        );
    }
    h.push_str("</table>\n");
}

/// Per inbox, what routing did besides queueing: shown only when something happened.
fn routing(h: &mut String, inboxes: &[InboxSummary]) {
    let quiet = |i: &InboxSummary| {
        i.transfers_in + i.transfers_out + i.closed_by_rules + i.reopened + i.cannot_reply == 0
            && i.overtime_s == 0.0
    };
    if inboxes.iter().all(quiet) {
        return;
    }
    h.push_str("<h2>Routing</h2>\n<table><tr><th>inbox</th><th>transfers in</th><th>transfers out</th><th>closed by rules</th><th>reopened</th><th>overtime</th><th>cannot reply (opted out)</th></tr>\n");
    for i in inboxes {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&i.name),
            i.transfers_in,
            i.transfers_out,
            i.closed_by_rules,
            i.reopened,
            show::duration(i.overtime_s),
            i.cannot_reply
        );
    }
    h.push_str("</table>\n");
}

fn topics(h: &mut String, inboxes: &[InboxSummary]) {
    if inboxes.iter().all(|i| i.topics.is_empty()) {
        return;
    }
    h.push_str("<h2>Topics</h2>\n<table><tr><th>inbox</th><th>topic</th><th>arrivals</th><th>wait p50</th><th>wait p90</th></tr>\n");
    let wait = |w: Option<f64>| w.map_or("-".into(), show::duration);
    for i in inboxes {
        for (topic, t) in &i.topics {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&i.name),
                esc(topic),
                t.arrivals,
                wait(t.wait_p50_s),
                wait(t.wait_p90_s)
            );
        }
    }
    h.push_str("</table>\n");
}

fn rules(h: &mut String, rules: &[RuleSummary]) {
    if rules.is_empty() {
        return;
    }
    h.push_str(
        "<h2>Rules</h2>\n<table><tr><th>rule</th><th>fired</th><th>switched off</th></tr>\n",
    );
    for r in rules {
        let off = r
            .disabled_after_loops
            .map_or("-".into(), |n| format!("after {n} loops"));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.name),
            r.fired,
            off
        );
    }
    h.push_str("</table>\n");
}

fn shift_groups(h: &mut String, groups: &[ShiftGroupSummary]) {
    if groups.is_empty() {
        return;
    }
    h.push_str("<h2>Shift groups</h2>\n<table><tr><th>inbox</th><th>days</th><th>hours</th><th>agents</th><th>occupancy</th></tr>\n");
    for g in groups {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&g.inbox),
            esc(&g.days),
            esc(&g.hours),
            g.agents,
            g.occupancy.map_or("-".into(), show::percent)
        );
    }
    h.push_str("</table>\n");
}

/// A chart's SVG inlined, without the XML declaration a document cannot have mid-page.
pub fn figure(h: &mut String, c: &Chart) {
    let svg = c.svg.trim_start_matches(|ch: char| ch != '<');
    let svg = if svg.starts_with("<?xml") {
        &svg[svg.find("?>").map_or(0, |i| i + 2)..]
    } else {
        svg
    };
    let _ = writeln!(
        h,
        "<figure id=\"{}\" aria-label=\"{}\">\n{}\n</figure>",
        c.name,
        esc(&c.title),
        svg.trim()
    );
}
