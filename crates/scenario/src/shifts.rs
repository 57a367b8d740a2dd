//! `[[inboxes.shifts]]`: groups of agents who work weekly hours on the company clock, written
//! with the same day keys and hour ranges as campaign schedules.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use model::Shift;

use super::error::ScenarioError;
use super::resolve::Ctx;
use super::values::Schedule;

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an [[inboxes.shifts]] table like { agents = 4, days = \"mon-fri\", hours = \"08:00-16:00\" }"
)]
pub struct ShiftFile {
    pub agents: Spanned<u32>,
    pub days: Spanned<String>,
    pub hours: Spanned<String>,
}

/// Reads an inbox's shift groups; the total agent count is checked by the caller.
pub(super) fn resolve_shifts(cx: &Ctx, shifts: &[ShiftFile]) -> Result<Vec<Shift>, ScenarioError> {
    shifts.iter().map(|s| resolve_shift(cx, s)).collect()
}

fn resolve_shift(cx: &Ctx, s: &ShiftFile) -> Result<Shift, ScenarioError> {
    if *s.agents.get_ref() == 0 {
        return cx.err(s.agents.span(), "a shift needs at least 1 agent");
    }
    // A shift is a one-key schedule: its days read as a schedule's day key, its hours as that
    // key's ranges, so the two syntaxes cannot drift apart.
    let map = BTreeMap::from([(s.days.get_ref().clone(), s.hours.get_ref().clone())]);
    match Schedule::try_from(map) {
        Ok(schedule) => Ok(Shift {
            agents: *s.agents.get_ref(),
            hours: schedule.0,
        }),
        Err(e) => {
            // Name the key at fault: a day problem at `days`, anything else at `hours`.
            let span = if e.contains("day") {
                s.days.span()
            } else {
                s.hours.span()
            };
            cx.err(span, format!("this shift: {e}"))
        }
    }
}
