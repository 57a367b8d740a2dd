//! From the file as written to a checked [`Scenario`]: defaults filled in, names turned into
//! indices, date-times into virtual time, and every cross-reference checked where it is written.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::dist::{Dist, DistTable, Quantity};
use super::expect::{self, Expectation, Metric, Target};
use super::file::{self, CustomersFile, ScenarioFile};
use super::shifts;
use super::values::{self, DateTimeValue, Share, Zone, non_negative};
use super::{
    Campaign, Carrier, Customers, Inbox, Limits, Number, Outreach, Overlap, Recipients, Scenario,
    ScenarioError, boosts, recipients, rules,
};
use model::Duplicates;
use model::Scope;
use model::time::{Epoch, Instant, MAX_RUN};
use model::{CampaignId, InboxId, NumberId, ZoneId};
use model::{PLATFORM_WINDOWS, Pacing, Window};

/// Most recipients in one generated list (10 million take about 750 MB).
const MAX_RECIPIENTS: u32 = 100_000_000;
/// Most agents in one inbox: far above any contact centre, and each agent is state in the run.
const MAX_AGENTS: u32 = 100_000;

pub(super) struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    /// The distribution written at `table`, whose draws are `quantity`.
    fn dist(&self, table: &Spanned<DistTable>, quantity: Quantity) -> Result<Dist, ScenarioError> {
        DistTable::read(table, quantity).or_else(|(span, m)| self.err(span, m))
    }

    /// Fails on a name that could print as something else: names go to the console, reports and
    /// CI logs verbatim, where a newline forges a line and a bidirectional override reorders one.
    pub(super) fn name(&self, name: &Spanned<String>) -> Result<(), ScenarioError> {
        match name.get_ref().chars().find(|&c| {
            c.is_control()
                || matches!(
                    c,
                    '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
                )
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        }) {
            Some(c) => self.err(
                name.span(),
                format!(
                    "a name cannot hold a control character (newline, tab, escape, \
                     bidirectional override...), found U+{:04X}",
                    c as u32
                ),
            ),
            None => Ok(()),
        }
    }

    pub(super) fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        msg: impl Into<String>,
    ) -> Result<T, ScenarioError> {
        Err(ScenarioError::at(self.path, self.text, Some(span), msg))
    }
}

pub fn resolve(f: ScenarioFile, path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let cx = Ctx { path, text };
    cx.name(&f.name)?;
    let company = match f.simulation.timezone {
        Some(z) => z,
        None => Zone::get("UTC").expect("UTC is in every tz database"),
    };
    let start = resolve_instant(&cx, &f.simulation.start, &company)?;
    let epoch = Epoch(start);
    let at = |v: &Spanned<DateTimeValue>, what: &str| -> Result<Instant, ScenarioError> {
        let ts = resolve_instant(&cx, v, &company)?;
        if ts < start {
            return cx.err(v.span(), format!("{what} is before the simulation start"));
        }
        Ok(epoch.instant(ts))
    };
    let until = match &f.simulation.until {
        Some(u) => {
            let t = at(u, "`until`")?;
            if t == Instant::START {
                return cx.err(u.span(), "`until` must be after the simulation start");
            }
            if t.since_start() > MAX_RUN {
                return cx.err(u.span(), "the horizon is longer than 20 years: per-minute series would not fit in memory (10 years take about 400 MB)");
            }
            Some(t)
        }
        None => None,
    };

    let limits = resolve_limits(&cx, &f.limits)?;
    let carrier = resolve_carrier(&cx, f.carrier)?;
    let default_customers = merge_customers(&cx, base_customers(), &f.customers)?;

    let shift_skills = shifts::skill_names(&f.inboxes);
    let shift_also = shifts::also_names(&f.inboxes);
    let mut inboxes: Vec<Inbox> = Vec::new();
    for ib in f.inboxes {
        cx.name(&ib.name)?;
        if inboxes.iter().any(|i| i.name == *ib.name.get_ref()) {
            return cx.err(
                ib.name.span(),
                format!("inbox {:?} is defined twice", ib.name.get_ref()),
            );
        }
        inboxes.push(resolve_inbox(&cx, ib)?);
    }
    let inbox_of = |name: &Spanned<String>| -> Result<InboxId, ScenarioError> {
        match inboxes.iter().position(|i| i.name == *name.get_ref()) {
            Some(i) => Ok(InboxId::new(i)),
            None => cx.err(
                name.span(),
                format!(
                    "unknown inbox {:?}; inboxes are: {}",
                    name.get_ref(),
                    names(inboxes.iter().map(|i| &i.name))
                ),
            ),
        }
    };

    let also = shifts::resolve_also(&cx, &shift_also, inbox_of)?;

    let mut numbers: Vec<Number> = Vec::new();
    for n in &f.numbers {
        recipients::parse_phone(n.number.get_ref()).or_else(|m| cx.err(n.number.span(), m))?;
        if numbers.iter().any(|x| x.number == *n.number.get_ref()) {
            return cx.err(
                n.number.span(),
                format!("number {} is listed twice", n.number.get_ref()),
            );
        }
        numbers.push(Number {
            number: n.number.get_ref().clone(),
            inbox: inbox_of(&n.inbox)?,
            sla: n.sla.as_ref().map(|d| d.0),
        });
    }

    for (inbox, groups) in inboxes.iter_mut().zip(also) {
        for (shift, also) in inbox.shifts.iter_mut().zip(groups) {
            shift.also = also;
        }
    }

    let mut zones = vec![company.clone()];
    let mut campaigns: Vec<Campaign> = Vec::new();
    let campaign_names: Vec<&Spanned<String>> = f.campaigns.iter().map(|c| &c.name).collect();
    for (i, name) in campaign_names.iter().enumerate() {
        cx.name(name)?;
        if campaign_names[..i]
            .iter()
            .any(|n| n.get_ref() == name.get_ref())
        {
            return cx.err(
                name.span(),
                format!("campaign {:?} is defined twice", name.get_ref()),
            );
        }
    }
    for c in &f.campaigns {
        let number = match numbers.iter().position(|n| n.number == *c.number.get_ref()) {
            Some(n) => NumberId::new(n),
            None => {
                return cx.err(
                    c.number.span(),
                    format!(
                        "unknown number {}; add it under [[numbers]] with its inbox",
                        c.number.get_ref()
                    ),
                );
            }
        };
        let customers = match &c.customers {
            Some(over) => merge_customers(&cx, default_customers.clone(), over)?,
            None => default_customers.clone(),
        };
        if c.outreaches.get_ref().is_empty() {
            return cx.err(
                c.outreaches.span(),
                "a campaign needs at least one outreach",
            );
        }
        let mut outreaches = Vec::new();
        for o in c.outreaches.get_ref() {
            let start = at(&o.start, "the outreach start")?;
            let end = o
                .end
                .as_ref()
                .map(|e| at(e, "the outreach end"))
                .transpose()?;
            if let (Some(e), Some(span)) = (end, o.end.as_ref().map(|e| e.span()))
                && e <= start
            {
                return cx.err(span, "the outreach end must be after its start");
            }
            let stop_at = o.stop_at.as_ref().map(|s| at(s, "`stop_at`")).transpose()?;
            // A stop at the start would still let the sends due at that instant out.
            if let (Some(s), Some(span)) = (stop_at, o.stop_at.as_ref().map(|s| s.span()))
                && s <= start
            {
                return cx.err(
                    span,
                    "the outreach stop (`stop_at`) must be after its start",
                );
            }
            let recipients = resolve_recipients(&cx, &o.recipients, &mut zones)?;
            let overlap = match &o.overlap {
                None => None,
                Some(ov) => {
                    let Some(other) = campaign_names
                        .iter()
                        .position(|n| n.get_ref() == ov.campaign.get_ref())
                    else {
                        return cx.err(
                            ov.campaign.span(),
                            format!(
                                "unknown campaign {:?}; campaigns are: {}",
                                ov.campaign.get_ref(),
                                names(campaign_names.iter().map(|n| n.get_ref()))
                            ),
                        );
                    };
                    if *campaign_names[other].get_ref() == *c.name.get_ref() {
                        return cx.err(ov.campaign.span(), "a campaign cannot overlap with itself");
                    }
                    Some(Overlap {
                        campaign: CampaignId::new(other),
                        fraction: ov.fraction.0,
                    })
                }
            };
            outreaches.push(Outreach {
                start,
                end,
                stop_at,
                recipients,
                overlap,
            });
        }
        campaigns.push(Campaign {
            name: c.name.get_ref().clone(),
            number,
            reply_style: c.message.as_ref().map(|m| m.replies).unwrap_or_default(),
            schedule: c.schedule.as_ref().map(|s| s.0.clone()),
            customers,
            outreaches,
        });
    }
    check_overlap_cycles(&cx, &f.campaigns, &campaigns)?;

    let expectations = resolve_expectations(&cx, &f.expect, &campaigns, &inboxes)?;
    let mut routing = rules::resolve_rules(&cx, &f.rules, &inboxes, &numbers, &campaigns)?;
    // A boost's `skill` is one a rule can ask for; shift skills come after the rules' own.
    let boosts = boosts::resolve_boosts(
        &cx,
        &f.boosts,
        &inboxes,
        &mut routing.topics,
        &mut routing.skills,
    )?;
    shifts::add_skills(&cx, &mut inboxes, &shift_skills, &mut routing.skills)?;

    Ok(Scenario {
        name: f.name.into_inner(),
        path: path.to_path_buf(),
        sha256: Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        seed: f.simulation.seed,
        zones,
        epoch,
        until,
        limits,
        carrier,
        customers: default_customers,
        numbers,
        inboxes,
        campaigns,
        expectations,
        rules: routing.rules,
        topics: routing.topics,
        skills: routing.skills,
        boosts,
        routing: resolve_routing(&f.routing),
    })
}

/// `[routing]`; a closed conversation reopens for 24 hours by default, the window the
/// platform recommends (DOMAIN.md "Replies and routing").
fn resolve_routing(r: &file::RoutingFile) -> model::RoutingSettings {
    model::RoutingSettings {
        at_shift_end: match r.at_shift_end {
            file::AtShiftEndFile::Overtime => model::AtShiftEnd::Overtime,
            file::AtShiftEndFile::Handover => model::AtShiftEnd::Handover,
            file::AtShiftEndFile::Requeue => model::AtShiftEnd::Requeue,
        },
        reopen_window: r
            .reopen_window
            .as_ref()
            .map_or(24 * model::time::HOUR, |d| d.0),
        pull: r.pull,
    }
}

pub(super) fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    it.map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ")
}

fn resolve_instant(
    cx: &Ctx,
    v: &Spanned<DateTimeValue>,
    company: &Zone,
) -> Result<jiff::Timestamp, ScenarioError> {
    v.get_ref()
        .resolve(company)
        .or_else(|m| cx.err(v.span(), m))
}

fn resolve_limits(cx: &Ctx, l: &file::LimitsFile) -> Result<Limits, ScenarioError> {
    let windows = match &l.windows {
        None => PLATFORM_WINDOWS.to_vec(),
        Some(ws) => {
            // The limiter is the product: a file cannot switch it off, only declare other windows.
            if ws.get_ref().is_empty() {
                return cx.err(
                    ws.span(),
                    "`windows` needs at least one window, e.g. [{ max = 8, per = \"60s\" }]",
                );
            }
            let mut windows = Vec::new();
            for w in ws.get_ref() {
                if *w.max.get_ref() == 0 {
                    return cx.err(w.max.span(), "`max` must be at least 1 send per window");
                }
                if w.per.get_ref().0.is_zero() {
                    return cx.err(w.per.span(), "`per` must be longer than 0s, e.g. \"60s\"");
                }
                windows.push(Window {
                    max: *w.max.get_ref(),
                    per: w.per.get_ref().0,
                });
            }
            windows
        }
    };
    Ok(Limits {
        windows,
        pacing: match l.pacing {
            file::PacingFile::Eager => Pacing::Eager,
            file::PacingFile::Even => Pacing::Even,
            file::PacingFile::PerWindow => Pacing::PerWindow,
        },
        opt_out_scope: match l.opt_out_scope {
            file::OptOutScopeFile::Company => Scope::Company,
            file::OptOutScopeFile::SenderNumber => Scope::SenderNumber,
        },
        duplicates: match l.duplicates {
            file::DuplicatesFile::SendOnce => Duplicates::SendOnce,
            file::DuplicatesFile::SendPerRow => Duplicates::SendPerRow,
        },
    })
}

fn resolve_carrier(cx: &Ctx, c: file::CarrierFile) -> Result<Carrier, ScenarioError> {
    let outcomes = match c.outcomes {
        None => vec![
            (None, 0.965),
            (Some(30003), 0.01),
            (Some(30005), 0.01),
            (Some(30006), 0.01),
            (Some(30007), 0.005),
        ],
        Some(map) => {
            let mut out = Vec::new();
            for (k, &Share(share)) in map.get_ref() {
                let code = if k == "delivered" {
                    None
                } else {
                    match k.parse::<u32>() {
                        Ok(code) if (10000..100000).contains(&code) => Some(code),
                        _ => return cx.err(map.span(), format!("outcome {k:?}: expected \"delivered\" or a five-digit carrier error code like \"30003\"")),
                    }
                };
                out.push((code, share));
            }
            let total: f64 = out.iter().map(|(_, s)| s).sum();
            if (total - 1.0).abs() > 1e-6 {
                return cx.err(
                    map.span(),
                    format!("outcome shares must add up to 1, they add up to {total}"),
                );
            }
            out
        }
    };
    let sps = match &c.segments_per_second {
        None => 1.0,
        Some(s) => match *s.get_ref() {
            // Slower than a segment a day, the gap between two sends overflows the clock.
            sps if sps >= 1.0 / 86_400.0 && sps.is_finite() => sps,
            _ => {
                return cx.err(
                    s.span(),
                    "`segments_per_second` must be at least one segment a day (1/86400); a long code sends about 1",
                );
            }
        },
    };
    Ok(Carrier {
        latency: match &c.latency {
            Some(d) => cx.dist(d, Quantity::Time)?,
            None => Dist::LogNormal {
                median: 3.0,
                sigma: 0.8,
            },
        },
        segments_per_second: sps,
        validity: c.validity.map_or(10 * model::time::HOUR, |d| d.0),
        outcomes,
    })
}

fn base_customers() -> Customers {
    Customers {
        reply_rate: Dist::Beta {
            alpha: 2.0,
            beta: 18.0,
        },
        reply_delay: Dist::LogNormal {
            median: 720.0,
            sigma: 1.0,
        },
        replies: vec![
            ("STOP".into(), 2.0),
            ("Where is my order?".into(), 50.0),
            ("Thanks!".into(), 30.0),
            ("START".into(), 1.0),
        ],
        follow_ups: Dist::Geometric { mean: 1.4 },
        think_time: Dist::Exponential { mean: 120.0 },
    }
}

fn merge_customers(
    cx: &Ctx,
    mut base: Customers,
    over: &CustomersFile,
) -> Result<Customers, ScenarioError> {
    if let Some(d) = &over.reply_rate {
        base.reply_rate = cx.dist(d, Quantity::Share)?;
    }
    if let Some(d) = &over.reply_delay {
        base.reply_delay = cx.dist(d, Quantity::Time)?;
    }
    if let Some(r) = &over.replies {
        let weights = r.get_ref().iter().map(|x| x.weight);
        let total: f64 = weights.clone().sum();
        if weights.clone().any(|w| !non_negative(w)) || total <= 0.0 || total.is_infinite() {
            return cx.err(
                r.span(),
                "`replies` needs at least one body with a positive weight (weights >= 0, adding up to a finite number)",
            );
        }
        base.replies = r
            .get_ref()
            .iter()
            .map(|x| (x.body.clone(), x.weight))
            .collect();
    }
    if let Some(d) = &over.follow_ups {
        base.follow_ups = cx.dist(d, Quantity::Count)?;
    }
    if let Some(d) = &over.think_time {
        base.think_time = cx.dist(d, Quantity::Time)?;
    }
    Ok(base)
}

/// `agents = N` (always on shift) or `[[inboxes.shifts]]`, exactly one; with the agent count.
fn resolve_staff(
    cx: &Ctx,
    ib: &file::InboxFile,
) -> Result<(u32, Vec<model::Shift>), ScenarioError> {
    let (agents, shifts, span) = match (&ib.agents, &ib.shifts) {
        (Some(a), None) => (*a.get_ref(), Vec::new(), a.span()),
        (None, Some(s)) => {
            let shifts = shifts::resolve_shifts(cx, s.get_ref())?;
            let total = shifts.iter().map(|s| u64::from(s.agents)).sum::<u64>();
            let total = u32::try_from(total).unwrap_or(u32::MAX);
            (total, shifts, s.span())
        }
        (Some(a), Some(_)) => {
            return cx.err(
                a.span(),
                "an inbox has `agents = N` (always on shift) or `[[inboxes.shifts]]`, not both",
            );
        }
        (None, None) => {
            return cx.err(
                ib.name.span(),
                "this inbox needs `agents = N` or `[[inboxes.shifts]]` tables",
            );
        }
    };
    if agents > MAX_AGENTS {
        return cx.err(span, format!("`agents` is at most {MAX_AGENTS} per inbox"));
    }
    Ok((agents, shifts))
}

fn resolve_inbox(cx: &Ctx, ib: file::InboxFile) -> Result<Inbox, ScenarioError> {
    let (agents, shifts) = resolve_staff(cx, &ib)?;
    let (standard, maximum) = match &ib.capacity {
        Some(c) => {
            let (standard, maximum) = (c.get_ref().standard, c.get_ref().maximum);
            let maximum = maximum.unwrap_or(standard);
            if standard == 0 || maximum < standard {
                return cx.err(c.span(), "`capacity` needs 1 <= standard <= maximum");
            }
            (standard, maximum)
        }
        None => (3, 5),
    };
    let background_per_hour = match &ib.background {
        None => [0.0; 24],
        Some(b) => {
            let rates = match &b.get_ref().per_hour {
                file::PerHour::Flat(r) => [*r; 24],
                file::PerHour::Profile(v) => match <[f64; 24]>::try_from(v.as_slice()) {
                    Ok(a) => a,
                    Err(_) => return cx.err(
                        b.span(),
                        format!(
                            "`per_hour` needs one rate or 24 (one per hour of the day), found {}",
                            v.len()
                        ),
                    ),
                },
            };
            if rates.iter().any(|r| !(*r >= 0.0 && r.is_finite())) {
                return cx.err(b.span(), "`per_hour` rates must be >= 0");
            }
            rates
        }
    };
    let (sla_within, sla_target) = match &ib.sla {
        Some(s) => (s.get_ref().within.0, s.get_ref().target.0),
        None => (5 * model::time::MINUTE, 0.9),
    };
    Ok(Inbox {
        name: ib.name.into_inner(),
        agents,
        shifts,
        capacity: standard,
        capacity_maximum: maximum,
        handle_time: match &ib.handle_time {
            Some(d) => cx.dist(d, Quantity::Time)?,
            None => Dist::LogNormal {
                median: 240.0,
                sigma: 0.6,
            },
        },
        sla_within,
        sla_target,
        background_per_hour,
        same_agent_window: ib
            .same_agent_window
            .map_or(15 * model::time::MINUTE, |d| d.0),
    })
}

fn resolve_recipients(
    cx: &Ctx,
    r: &Spanned<file::RecipientsFile>,
    zones: &mut Vec<Zone>,
) -> Result<Recipients, ScenarioError> {
    let mut intern = |z: &Zone| -> ZoneId {
        match zones.iter().position(|x| x.name == z.name) {
            Some(i) => ZoneId::new(i),
            None => {
                zones.push(z.clone());
                ZoneId::new(zones.len() - 1)
            }
        }
    };
    let f = r.get_ref();
    match (&f.count, &f.csv) {
        (Some(count), None) => {
            if *count > MAX_RECIPIENTS {
                return cx.err(r.span(), format!("{count} recipients is more than campaign-sim takes in one outreach ({MAX_RECIPIENTS}, about 8 GB of memory)"));
            }
            let shares = match &f.timezones {
                None => vec![(ZoneId::new(0), 1.0)],
                Some(map) => {
                    let mut v = Vec::new();
                    for (name, &Share(share)) in map {
                        let zone = Zone::get(name).or_else(|m| cx.err(r.span(), m))?;
                        v.push((intern(&zone), share));
                    }
                    let total: f64 = v.iter().map(|(_, s)| s).sum();
                    if (total - 1.0).abs() > 1e-3 {
                        return cx.err(r.span(), format!("time zone shares must add up to 1, they add up to {total}"));
                    }
                    v
                }
            };
            Ok(Recipients::Generated { count: *count, zones: shares })
        }
        (None, Some(csv)) => {
            if f.timezones.is_some() {
                return cx.err(r.span(), "`timezones` goes with `count`; a CSV names each recipient's time zone");
            }
            let base = cx.path.parent().unwrap_or(Path::new("."));
            let csv_path = base.join(csv);
            // A list that cannot be opened is fixed here, in the scenario; problems inside it are
            // reported at their own line of the CSV.
            if csv_path.is_dir() {
                return cx.err(r.span(), format!("the recipient list {} is a folder: name a CSV file", csv_path.display()));
            }
            if let Err(e) = std::fs::File::open(&csv_path) {
                return cx.err(r.span(), format!("cannot read the recipient list {}: {e}", csv_path.display()));
            }
            let rows = recipients::read_csv(&csv_path, &mut intern)?;
            Ok(Recipients::Listed { csv: csv_path, rows })
        }
        _ => cx.err(r.span(), "expected recipients = { count = N } (optionally with `timezones`) or { csv = \"path.csv\" }"),
    }
}

/// Overlaps are built in dependency order, so a loop of them has no first campaign.
fn check_overlap_cycles(
    cx: &Ctx,
    files: &[file::CampaignFile],
    campaigns: &[Campaign],
) -> Result<(), ScenarioError> {
    for (start, c) in campaigns.iter().enumerate() {
        let mut seen = vec![false; campaigns.len()];
        let mut stack: Vec<usize> = c
            .outreaches
            .iter()
            .filter_map(|o| o.overlap.as_ref().map(|ov| ov.campaign.index()))
            .collect();
        while let Some(next) = stack.pop() {
            if next == start {
                return cx.err(
                    files[start].name.span(),
                    format!(
                        "campaign {:?} overlaps with itself through a loop of `overlap` references",
                        c.name
                    ),
                );
            }
            if !std::mem::replace(&mut seen[next], true) {
                stack.extend(
                    campaigns[next]
                        .outreaches
                        .iter()
                        .filter_map(|o| o.overlap.as_ref().map(|ov| ov.campaign.index())),
                );
            }
        }
    }
    Ok(())
}

fn resolve_expectations(
    cx: &Ctx,
    tables: &[Spanned<BTreeMap<String, Spanned<toml::Value>>>],
    campaigns: &[Campaign],
    inboxes: &[Inbox],
) -> Result<Vec<Expectation>, ScenarioError> {
    let mut out = Vec::new();
    for table in tables {
        let map = table.get_ref();
        let name_of =
            |key: &str| -> Result<Option<(&String, std::ops::Range<usize>)>, ScenarioError> {
                match map.get(key) {
                    None => Ok(None),
                    Some(v) => match v.get_ref() {
                        toml::Value::String(s) => Ok(Some((s, v.span()))),
                        _ => cx.err(v.span(), format!("`{key}` must be a name (a string)")),
                    },
                }
            };
        let target = match (name_of("campaign")?, name_of("inbox")?) {
            (Some((n, span)), None) => match campaigns.iter().position(|c| c.name == *n) {
                Some(i) => Target::Campaign(CampaignId::new(i)),
                None => return cx.err(span, format!("unknown campaign {n:?}")),
            },
            (None, Some((n, span))) => match inboxes.iter().position(|i| i.name == *n) {
                Some(i) => Target::Inbox(InboxId::new(i)),
                None => return cx.err(span, format!("unknown inbox {n:?}")),
            },
            _ => {
                return cx.err(
                    table.span(),
                    "an [[expect]] names exactly one `campaign` or one `inbox`",
                );
            }
        };
        let string_of =
            |key: &str| -> Result<Option<(&String, std::ops::Range<usize>)>, ScenarioError> {
                name_of(key)
            };
        let over = match string_of("over")? {
            Some((v, span)) => expect::Over::parse(v).or_else(|m| cx.err(span, m))?,
            None => expect::Over::EveryRun,
        };
        let interval = match (string_of("every")?, string_of("between")?) {
            (None, None) => None,
            (Some((every, span)), between) => {
                let every = values::parse_duration(every).or_else(|m| cx.err(span.clone(), m))?;
                if every < model::time::MINUTE {
                    return cx.err(span, "`every` must be at least one minute");
                }
                let (from, to) = match between {
                    None => (0, 24 * 60),
                    Some((b, bspan)) => values::parse_range(b).or_else(|m| cx.err(bspan, m))?,
                };
                Some(expect::Interval { every, from, to })
            }
            (None, Some((_, span))) => {
                return cx.err(span, "`between` goes with `every`, e.g. every = \"1h\"");
            }
        };
        let mut any = false;
        for (key, value) in map {
            if ["campaign", "inbox", "over", "every", "between"].contains(&key.as_str()) {
                continue;
            }
            any = true;
            let metric = Metric::parse(target, key).or_else(|m| cx.err(value.span(), m))?;
            let toml::Value::String(cond) = value.get_ref() else {
                return cx.err(value.span(), "expected a condition string like \"<= 10m\"");
            };
            let (op, threshold) =
                expect::parse_condition(metric, cond).or_else(|m| cx.err(value.span(), m))?;
            if interval.is_some() && !metric.per_interval() {
                return cx.err(value.span(), format!("`{key}` cannot be taken per interval; per-interval metrics are wait_p50, wait_p90, wait_p99 and sla_attainment"));
            }
            out.push(Expectation {
                target,
                metric,
                op,
                threshold,
                condition: cond.clone(),
                over,
                interval,
            });
        }
        if !any {
            return cx.err(
                table.span(),
                "this [[expect]] has no threshold, e.g. wait_p90 = \"<= 10m\"",
            );
        }
    }
    Ok(out)
}
