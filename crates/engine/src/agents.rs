//! An inbox's agents: who is on shift, and how many conversations each holds against capacity.
//!
//! Shift hours are weekly schedules on the company clock, read with the same window arithmetic as
//! campaign schedules ([`crate::schedule::window_after`]). Each shift group keeps the window it is
//! in (or the next one), so a reading costs a comparison until that window has passed.

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant};
use model::{AgentId, Shift, ShiftId, SkillId};

use super::schedule::window_after;

#[derive(Debug)]
struct Group {
    hours: WeeklySchedule,
    skills: Vec<SkillId>,
    /// The first window `[start, end)` whose end is after the last reading; `None` before the
    /// first reading, and also once the hours never open again.
    window: Option<(Instant, Option<Instant>)>,
}

#[derive(Debug)]
pub struct Agents {
    /// Conversations each agent holds now.
    load: Vec<u32>,
    /// Each agent's shift group; `None`: always on shift (`agents = N`).
    group_of: Vec<Option<ShiftId>>,
    groups: Vec<Group>,
    capacity: u32,
    /// Free slots over all agents, on shift or not: zero means nobody can take anything, which is
    /// the common case under load and needs no look at the agents.
    free_slots: u32,
    zone: TimeZone,
    epoch: Epoch,
}

impl Agents {
    /// `agents` always-on agents when `shifts` is empty, else the shift groups' agents in order.
    pub fn new(agents: u32, shifts: &[Shift], capacity: u32, zone: TimeZone, epoch: Epoch) -> Self {
        let group_of: Vec<Option<ShiftId>> = if shifts.is_empty() {
            vec![None; agents as usize]
        } else {
            shifts
                .iter()
                .enumerate()
                .flat_map(|(g, s)| std::iter::repeat_n(Some(ShiftId::new(g)), s.agents as usize))
                .collect()
        };
        let count = u32::try_from(group_of.len()).expect("agent counts are checked by the reader");
        Agents {
            load: vec![0; group_of.len()],
            group_of,
            groups: shifts
                .iter()
                .map(|s| Group {
                    hours: s.hours.clone(),
                    skills: s.skills.clone(),
                    window: None,
                })
                .collect(),
            capacity,
            free_slots: count * capacity,
            zone,
            epoch,
        }
    }

    /// The "next most available" agent at `now`: on shift and under capacity; one with the
    /// `needed` skill first (skills raise a match, they do not filter), then the one holding the
    /// fewest conversations, then the lowest index.
    pub fn pick(&mut self, now: Instant, needed: Option<SkillId>) -> Option<AgentId> {
        if self.free_slots == 0 {
            return None;
        }
        self.read_clock(now);
        let (agent, _) = self
            .load
            .iter()
            .enumerate()
            .filter(|&(i, &l)| l < self.capacity && self.on_shift(i, now))
            .min_by_key(|&(i, &l)| (!self.has(i, needed), l, i))?;
        Some(AgentId::new(agent))
    }

    /// Whether agent `i` has the `needed` skill (false when none is needed: no one is preferred).
    fn has(&self, i: usize, needed: Option<SkillId>) -> bool {
        match (needed, self.group_of[i]) {
            (Some(skill), Some(g)) => self.groups[g.index()].skills.contains(&skill),
            _ => false,
        }
    }

    pub fn take(&mut self, agent: AgentId) {
        self.load[agent.index()] += 1;
        self.free_slots -= 1;
    }

    pub fn release(&mut self, agent: AgentId) {
        self.load[agent.index()] -= 1;
        self.free_slots += 1;
    }

    /// The earliest instant after `now` when a shift group that is off now comes on: work that
    /// cannot be taken now may be taken then. Groups on shift now are left out: their agents
    /// take more when they release something, which wakes the inbox anyway.
    pub fn next_shift_start(&mut self, now: Instant) -> Option<Instant> {
        self.read_clock(now);
        self.groups
            .iter()
            .filter_map(|g| g.window.map(|(start, _)| start))
            .filter(|&start| start > now)
            .min()
    }

    /// Brings each group's window up to `now` (virtual time only moves forward).
    fn read_clock(&mut self, now: Instant) {
        for g in &mut self.groups {
            let passed = match g.window {
                None => true,
                Some((_, end)) => end.is_some_and(|e| e <= now),
            };
            if passed {
                g.window = window_after(Some(&g.hours), &self.zone, self.epoch, now);
            }
        }
    }

    /// Whether agent `i` is on shift at `now`; the groups' windows must have been read at `now`.
    fn on_shift(&self, i: usize, now: Instant) -> bool {
        let Some(group) = self.group_of[i] else {
            return true;
        };
        self.groups[group.index()]
            .window
            .is_some_and(|(start, end)| start <= now && end.is_none_or(|e| now < e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::{HOUR, MINUTE};

    /// Two groups of one agent each, working 09:00-10:00 and 09:30-12:00 (with skill 0) every
    /// day; the company clock is UTC and the run starts at midnight.
    fn two_groups() -> Agents {
        let daily = |from: u16, to: u16| Shift {
            agents: 1,
            hours: WeeklySchedule::new(std::array::from_fn(|_| vec![(from, to)])),
            skills: if from == 9 * 60 {
                Vec::new()
            } else {
                vec![SkillId::new(0)]
            },
            days_text: String::new(),
            hours_text: String::new(),
        };
        let epoch = Epoch("2026-12-01T00:00Z".parse().unwrap());
        let shifts = [daily(9 * 60, 10 * 60), daily(9 * 60 + 30, 12 * 60)];
        Agents::new(0, &shifts, 1, TimeZone::UTC, epoch)
    }

    fn at(t: model::time::Span) -> Instant {
        Instant::START + t
    }

    #[test]
    fn an_agent_with_the_needed_skill_is_preferred_even_when_busier() {
        let mut agents = two_groups();
        let t = at(9 * HOUR + 30 * MINUTE);
        assert_eq!(agents.pick(t, None), Some(AgentId::new(0)));
        assert_eq!(agents.pick(t, Some(SkillId::new(0))), Some(AgentId::new(1)));
        agents.take(AgentId::new(1));
        // A preference, not a filter: with the skilled agent full, the other one takes it.
        assert_eq!(agents.pick(t, Some(SkillId::new(0))), Some(AgentId::new(0)));
    }

    #[test]
    fn nobody_is_picked_before_the_first_shift_and_the_inbox_wakes_at_its_start() {
        let mut agents = two_groups();
        assert_eq!(agents.pick(at(8 * HOUR), None), None);
        assert_eq!(agents.next_shift_start(at(8 * HOUR)), Some(at(9 * HOUR)));
        assert_eq!(agents.pick(at(9 * HOUR), None), Some(AgentId::new(0)));
    }

    #[test]
    fn an_agent_past_the_end_of_their_shift_takes_nothing_new() {
        let mut agents = two_groups();
        assert_eq!(agents.pick(at(9 * HOUR), None), Some(AgentId::new(0)));
        agents.take(AgentId::new(0));
        assert_eq!(
            agents.pick(at(9 * HOUR + 30 * MINUTE), None),
            Some(AgentId::new(1))
        );
        agents.release(AgentId::new(0));
        // Both free at 09:45: the least loaded, then the lowest index.
        assert_eq!(
            agents.pick(at(9 * HOUR + 45 * MINUTE), None),
            Some(AgentId::new(0))
        );
        // 10:00 ends agent 0's shift: only agent 1 is on.
        assert_eq!(agents.pick(at(10 * HOUR), None), Some(AgentId::new(1)));
        agents.take(AgentId::new(1));
        assert_eq!(
            agents.pick(at(10 * HOUR), None),
            None,
            "agent 0 is off shift"
        );
        // The next start is agent 0's tomorrow; agent 1 is on shift (its release wakes the inbox).
        assert_eq!(agents.next_shift_start(at(10 * HOUR)), Some(at(33 * HOUR)));
    }
}
