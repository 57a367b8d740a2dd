//! Staffed capacity over time for inboxes on shifts: the slots (agents x standard capacity) of the
//! groups on shift, read on the company clock with the engine's schedule arithmetic.

use model::InboxId;
use model::time::Instant;
use scenario::Scenario;

/// The steps of `inbox`'s staffed slots from the start until `end`: `(from, slots)`, the first at
/// the start. Inboxes without shifts have one step, all their agents.
pub fn staffed_slots(scn: &Scenario, inbox: InboxId, end: Instant) -> Vec<(Instant, u32)> {
    let ib = &scn.inboxes[inbox.index()];
    if ib.shifts.is_empty() {
        return vec![(Instant::START, ib.agents * ib.capacity)];
    }
    let tz = &scn.zones[0].tz;
    // Every shift window's start (+) and end (-) before `end`.
    let mut changes: Vec<(Instant, i64)> = Vec::new();
    for shift in &ib.shifts {
        let slots = i64::from(shift.agents) * i64::from(ib.capacity);
        let mut t = Instant::START;
        while t < end {
            let Some((start, Some(stop))) =
                engine::schedule::window_after(Some(&shift.hours), tz, scn.epoch, t)
            else {
                break;
            };
            if start >= end {
                break;
            }
            changes.push((start.max(Instant::START), slots));
            changes.push((stop, -slots));
            t = stop;
        }
    }
    changes.sort_unstable();
    let mut steps = vec![(Instant::START, 0u32)];
    let mut now = 0i64;
    for (t, change) in changes {
        now += change;
        let slots = u32::try_from(now).expect("windows close only after they open");
        match steps.last_mut() {
            Some(last) if last.0 == t => last.1 = slots,
            _ => steps.push((t, slots)),
        }
    }
    // A window that ends where the next begins (a night shift at midnight) changes nothing.
    steps.dedup_by_key(|step| step.1);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::HOUR;

    #[test]
    fn two_groups_step_up_and_down_with_their_hours() {
        let text = r#"
name = "s"
[simulation]
timezone = "America/New_York"
start = "2026-12-01T08:00"
[[numbers]]
number = "+15550100"
inbox = "R"
[[inboxes]]
name = "R"
capacity = { standard = 2 }
[[inboxes.shifts]]
agents = 2
days = "daily"
hours = "10:00-12:00"
[[inboxes.shifts]]
agents = 1
days = "daily"
hours = "11:00-14:00"
[[campaigns]]
name = "A"
number = "+15550100"
[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { count = 1 }
"#;
        let scn = Scenario::parse(std::path::Path::new("s.toml"), text).unwrap();
        let at = |h: u64| Instant::START + h * HOUR;
        assert_eq!(
            staffed_slots(&scn, InboxId::new(0), at(12)),
            [(at(0), 0), (at(2), 4), (at(3), 6), (at(4), 2), (at(6), 0)]
        );
    }
}
