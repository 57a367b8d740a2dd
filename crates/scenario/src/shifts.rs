//! `[[inboxes.shifts]]`: groups of agents who work weekly hours on the company clock, written
//! with the same day keys and hour ranges as campaign schedules.

use serde::Deserialize;
use toml::Spanned;

use model::Shift;
use model::schedule::WeeklySchedule;

use super::error::ScenarioError;
use super::resolve::Ctx;
use super::values::{parse_days, parse_shift_hours};

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an [[inboxes.shifts]] table like { agents = 4, days = \"mon-fri\", hours = \"08:00-16:00\" }"
)]
pub struct ShiftFile {
    pub agents: Spanned<u32>,
    pub days: Spanned<String>,
    pub hours: Spanned<String>,
    #[serde(default)]
    pub skills: Vec<Spanned<String>>,
    /// Other inboxes these agents also serve.
    #[serde(default)]
    pub also: Vec<Spanned<String>>,
}

/// Each shift group's `also` inbox names, `[inbox][group]`, kept until every inbox is known.
pub(super) fn also_names(inboxes: &[super::file::InboxFile]) -> Vec<Vec<Vec<Spanned<String>>>> {
    inboxes
        .iter()
        .map(|ib| {
            ib.shifts
                .iter()
                .flat_map(|s| s.get_ref().iter().map(|g| g.also.clone()))
                .collect()
        })
        .collect()
}

/// Each shift group's `also` inboxes, `[inbox][group]`; `inbox_of` resolves a name.
pub(super) fn resolve_also(
    cx: &Ctx,
    names: &[Vec<Vec<Spanned<String>>>],
    inbox_of: impl Fn(&Spanned<String>) -> Result<model::InboxId, ScenarioError>,
) -> Result<Vec<Vec<Vec<model::InboxId>>>, ScenarioError> {
    let mut all = Vec::new();
    for (home, groups) in names.iter().enumerate() {
        let mut per_group = Vec::new();
        for names in groups {
            let mut also = Vec::new();
            for name in names {
                let other = inbox_of(name)?;
                if other.index() == home {
                    return cx.err(
                        name.span(),
                        "`also` names other inboxes; these agents serve their own already",
                    );
                }
                if also.contains(&other) {
                    return cx.err(name.span(), "this inbox is named twice in `also`");
                }
                also.push(other);
            }
            per_group.push(also);
        }
        all.push(per_group);
    }
    Ok(all)
}

/// Each shift group's skill names, `[inbox][group]`, kept until the rules have named theirs:
/// skill ids follow the rules' order first, so adding skills to shifts renumbers nothing.
pub(super) fn skill_names(inboxes: &[super::file::InboxFile]) -> Vec<Vec<Vec<Spanned<String>>>> {
    inboxes
        .iter()
        .map(|ib| {
            ib.shifts
                .iter()
                .flat_map(|s| s.get_ref().iter().map(|g| g.skills.clone()))
                .collect()
        })
        .collect()
}

/// Gives each shift group its skills, interning names the rules did not use.
pub(super) fn add_skills(
    cx: &Ctx,
    inboxes: &mut [super::Inbox],
    names: &[Vec<Vec<Spanned<String>>>],
    skills: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    for (inbox, groups) in inboxes.iter_mut().zip(names) {
        for (shift, names) in inbox.shifts.iter_mut().zip(groups) {
            for name in names {
                cx.name(name)?;
                let id = super::rules::intern(skills, name);
                shift.skills.push(model::SkillId::new(id));
            }
        }
    }
    Ok(())
}

/// Reads an inbox's shift groups; the total agent count is checked by the caller.
pub(super) fn resolve_shifts(cx: &Ctx, shifts: &[ShiftFile]) -> Result<Vec<Shift>, ScenarioError> {
    shifts.iter().map(|s| resolve_shift(cx, s)).collect()
}

fn resolve_shift(cx: &Ctx, s: &ShiftFile) -> Result<Shift, ScenarioError> {
    if *s.agents.get_ref() == 0 {
        return cx.err(s.agents.span(), "a shift needs at least 1 agent");
    }
    // The same day keys and clock times as a schedule's, so the two syntaxes cannot drift
    // apart; only a shift's hours may run past midnight.
    let days = parse_days(s.days.get_ref())
        .or_else(|e| cx.err(s.days.span(), format!("this shift: {e}")))?;
    let hours = parse_shift_hours(s.hours.get_ref())
        .or_else(|e| cx.err(s.hours.span(), format!("this shift: {e}")))?;
    Ok(Shift {
        agents: *s.agents.get_ref(),
        hours: WeeklySchedule::shift(&days, &hours),
        skills: Vec::new(),
        also: Vec::new(),
        days_text: s.days.get_ref().clone(),
        hours_text: s.hours.get_ref().clone(),
    })
}
