//! The company's agents: who is on shift, which inboxes each serves, and how many conversations
//! each holds against capacity. One pool for every inbox, so an agent who also serves another
//! inbox (`also`) carries one load whichever inbox the work comes from.
//!
//! Shift hours are weekly schedules on the company clock, read with the same window arithmetic as
//! campaign schedules ([`crate::schedule::window_after`]). Each shift group keeps the window it is
//! in (or the next one), so a reading costs a comparison until that window has passed.

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant};
use model::{AgentId, ConversationId, InboxId, ShiftId, SkillId, Staff};

use super::config::InboxConfig;
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
    staff: Staff,
    /// Per inbox, the agents who serve it in number order: the order `pick` breaks ties in, so
    /// that it can stop at the first idle match.
    by_number: Vec<Vec<AgentId>>,
    /// Per inbox, a bit per agent of `by_number` (same order): set while they hold less than
    /// their `limit`. A busy inbox has few such agents, and `pick` looks only at them.
    room: Vec<Vec<u64>>,
    /// The conversations each agent holds now.
    held: Vec<Vec<ConversationId>>,
    /// Each agent's standard capacity (their own inbox's): routing auto-assigns up to it.
    standard: Vec<u32>,
    /// What each agent may hold: `capacity.maximum` when agents pull work, else `standard`.
    limit: Vec<u32>,
    groups: Vec<Group>,
    /// Per inbox, free slots (under `limit`) of the agents serving it, on shift or not: zero
    /// means nobody can take anything there, the common case under load, which needs no look
    /// at the agents.
    free: Vec<u32>,
    zone: TimeZone,
    epoch: Epoch,
}

impl Agents {
    /// The agents of `inboxes`; with `pull`, each may hold up to their inbox's maximum.
    pub fn new(inboxes: &[InboxConfig], pull: bool, zone: TimeZone, epoch: Epoch) -> Self {
        let staff = Staff::new(inboxes.iter().map(|i| (i.agents, &i.shifts[..])));
        let inbox_of = |a: &model::staff::Agent| &inboxes[a.home.index()];
        let standard: Vec<u32> = staff.agents.iter().map(|a| inbox_of(a).capacity).collect();
        let limit: Vec<u32> = if pull {
            staff.agents.iter().map(|a| inbox_of(a).maximum).collect()
        } else {
            standard.clone()
        };
        let mut free = vec![0; inboxes.len()];
        for (a, &room) in limit.iter().enumerate() {
            for inbox in staff.serves(AgentId::new(a)) {
                free[inbox.index()] += room;
            }
        }
        let groups = inboxes
            .iter()
            .flat_map(|i| &i.shifts)
            .map(|s| Group {
                hours: s.hours.clone(),
                skills: s.skills.clone(),
                window: None,
            })
            .collect();
        let by_number: Vec<Vec<AgentId>> = staff
            .serving
            .iter()
            .map(|agents| {
                let mut agents = agents.clone();
                agents.sort_unstable();
                agents
            })
            .collect();
        let room = by_number
            .iter()
            .map(|agents| {
                let mut bits = vec![0; agents.len().div_ceil(64)];
                for (i, a) in agents.iter().enumerate() {
                    if limit[a.index()] > 0 {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                bits
            })
            .collect();
        Agents {
            held: vec![Vec::new(); staff.agents.len()],
            by_number,
            room,
            staff,
            standard,
            limit,
            groups,
            free,
            zone,
            epoch,
        }
    }

    /// The "next most available" agent of `inbox` at `now`: on shift and under capacity. Agents
    /// under their standard capacity come before those who would pull beyond it; then one with
    /// the `needed` skill (skills raise a match, they do not filter); then the one holding the
    /// fewest conversations, then the lowest number.
    pub fn pick(
        &mut self,
        inbox: InboxId,
        now: Instant,
        needed: Option<SkillId>,
    ) -> Option<AgentId> {
        if self.free[inbox.index()] == 0 {
            return None;
        }
        self.read_clock(inbox, now);
        let mut best: Option<((bool, bool, u32), AgentId)> = None;
        let agents = &self.by_number[inbox.index()];
        'scan: for (w, &word) in self.room[inbox.index()].iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let a = agents[w * 64 + bits.trailing_zeros() as usize];
                bits &= bits - 1;
                debug_assert!(self.has_room(a));
                if !self.on_shift(a, now) {
                    continue;
                }
                let load = self.load(a);
                let rank = (load >= self.standard[a.index()], !self.has(a, needed), load);
                if best.is_none_or(|(b, _)| rank < b) {
                    best = Some((rank, a));
                }
                // In number order, the first idle match is the one to take: most assignments
                // in a quiet inbox stop at the first agent. With no skill needed nobody
                // matches better than anybody else, so the first idle agent is that match.
                if !rank.0 && rank.2 == 0 && (needed.is_none() || !rank.1) {
                    break 'scan;
                }
            }
        }
        best.map(|(_, a)| a)
    }

    fn load(&self, a: AgentId) -> u32 {
        u32::try_from(self.held[a.index()].len()).expect("a load is at most a u32 capacity")
    }

    fn has_room(&self, a: AgentId) -> bool {
        self.load(a) < self.limit[a.index()]
    }

    /// Whether routing may still auto-assign agent `a` work (pulling goes beyond).
    pub fn has_standard_room(&self, a: AgentId) -> bool {
        self.load(a) < self.standard[a.index()]
    }

    /// Whether agent `a` has the `needed` skill (false when none is needed: no one is preferred).
    fn has(&self, a: AgentId, needed: Option<SkillId>) -> bool {
        match (needed, self.staff.agents[a.index()].group) {
            (Some(skill), Some(g)) => self.groups[g.index()].skills.contains(&skill),
            _ => false,
        }
    }

    pub fn take(&mut self, a: AgentId, conversation: ConversationId) {
        let had_room = self.has_room(a);
        self.held[a.index()].push(conversation);
        for inbox in self.staff.serves(a) {
            self.free[inbox.index()] -= 1;
        }
        if had_room != self.has_room(a) {
            self.mark_room(a);
        }
    }

    pub fn release(&mut self, a: AgentId, conversation: ConversationId) {
        let had_room = self.has_room(a);
        let held = &mut self.held[a.index()];
        let at = held
            .iter()
            .position(|&c| c == conversation)
            .expect("an agent releases only what they hold");
        held.remove(at);
        for inbox in self.staff.serves(a) {
            self.free[inbox.index()] += 1;
        }
        if had_room != self.has_room(a) {
            self.mark_room(a);
        }
    }

    /// Sets agent `a`'s bit in `room` of every inbox they serve to whether they have room (on
    /// a take or release that changed it: most do not).
    fn mark_room(&mut self, a: AgentId) {
        let has_room = self.has_room(a);
        for inbox in self.staff.serves(a) {
            let i = self.by_number[inbox.index()]
                .binary_search(&a)
                .expect("an agent is listed in every inbox they serve");
            let (word, bit) = (&mut self.room[inbox.index()][i / 64], 1 << (i % 64));
            if has_room {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// The inboxes agent `a` serves, their own first.
    pub fn serves(&self, a: AgentId) -> &[InboxId] {
        self.staff.serves(a)
    }

    /// The inboxes whose agents a shift start of `inbox` may bring on: `inbox` and every inbox
    /// its groups also serve, in inbox order.
    pub fn served_with(&self, inbox: InboxId) -> Vec<InboxId> {
        let mut inboxes: Vec<InboxId> = (self.staff.groups_serving[inbox.index()].iter())
            .flat_map(|g| self.staff.groups[g.index()].serves.iter().copied())
            .chain(std::iter::once(inbox))
            .collect();
        inboxes.sort_unstable();
        inboxes.dedup();
        inboxes
    }

    /// The conversations agent `a` holds, in the order they took them.
    pub fn held(&self, a: AgentId) -> &[ConversationId] {
        &self.held[a.index()]
    }

    pub fn group_of(&self, a: AgentId) -> Option<ShiftId> {
        self.staff.agents[a.index()].group
    }

    pub fn members(&self, g: ShiftId) -> impl Iterator<Item = AgentId> + use<> {
        self.staff.members(g)
    }

    /// The earliest instant after `now` when a shift group serving `inbox` that is off now comes
    /// on: work that cannot be taken now may be taken then. Groups on shift now are left out:
    /// their agents take more when they release something, which wakes the inbox anyway.
    pub fn next_shift_start(&mut self, inbox: InboxId, now: Instant) -> Option<Instant> {
        self.read_clock(inbox, now);
        self.staff.groups_serving[inbox.index()]
            .iter()
            .filter_map(|g| self.groups[g.index()].window.map(|(start, _)| start))
            .filter(|&start| start > now)
            .min()
    }

    /// When agent `a`'s shift, on now, ends; `None` for agents always on shift, off shift now,
    /// or on a shift that never ends.
    pub fn shift_end(&mut self, a: AgentId, now: Instant) -> Option<Instant> {
        let g = self.group_of(a)?;
        self.read_group(g, now);
        match self.groups[g.index()].window {
            Some((start, end)) if start <= now => end.filter(|&e| now < e),
            _ => None,
        }
    }

    pub fn is_on_shift(&mut self, a: AgentId, now: Instant) -> bool {
        if let Some(g) = self.group_of(a) {
            self.read_group(g, now);
        }
        self.on_shift(a, now)
    }

    /// Brings the windows of the groups serving `inbox` up to `now`.
    fn read_clock(&mut self, inbox: InboxId, now: Instant) {
        for i in 0..self.staff.groups_serving[inbox.index()].len() {
            self.read_group(self.staff.groups_serving[inbox.index()][i], now);
        }
    }

    /// Brings group `g`'s window up to `now` (virtual time only moves forward).
    fn read_group(&mut self, g: ShiftId, now: Instant) {
        let group = &mut self.groups[g.index()];
        let passed = match group.window {
            None => true,
            Some((_, end)) => end.is_some_and(|e| e <= now),
        };
        if passed {
            group.window = window_after(Some(&group.hours), &self.zone, self.epoch, now);
        }
    }

    /// Whether agent `a` is on shift at `now`; the groups' windows must have been read at `now`.
    fn on_shift(&self, a: AgentId, now: Instant) -> bool {
        let Some(group) = self.group_of(a) else {
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
    use model::Shift;
    use model::time::{HOUR, MINUTE};

    const INBOX: InboxId = InboxId::FIRST;

    fn conv(c: usize) -> ConversationId {
        ConversationId::new(c)
    }

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
            also: Vec::new(),
            days_text: String::new(),
            hours_text: String::new(),
        };
        let epoch = Epoch("2026-12-01T00:00Z".parse().unwrap());
        let shifts = [daily(9 * 60, 10 * 60), daily(9 * 60 + 30, 12 * 60)];
        let inbox = InboxConfig {
            agents: 0,
            shifts: shifts.to_vec(),
            capacity: 1,
            maximum: 1,
            sla: model::time::Span::ZERO,
            same_agent_window: model::time::Span::ZERO,
        };
        Agents::new(&[inbox], false, TimeZone::UTC, epoch)
    }

    fn at(t: model::time::Span) -> Instant {
        Instant::START + t
    }

    #[test]
    fn an_agent_with_the_needed_skill_is_preferred_even_when_busier() {
        let mut agents = two_groups();
        let t = at(9 * HOUR + 30 * MINUTE);
        assert_eq!(agents.pick(INBOX, t, None), Some(AgentId::new(0)));
        assert_eq!(
            agents.pick(INBOX, t, Some(SkillId::new(0))),
            Some(AgentId::new(1))
        );
        agents.take(AgentId::new(1), conv(1));
        // A preference, not a filter: with the skilled agent full, the other one takes it.
        assert_eq!(
            agents.pick(INBOX, t, Some(SkillId::new(0))),
            Some(AgentId::new(0))
        );
    }

    #[test]
    fn nobody_is_picked_before_the_first_shift_and_the_inbox_wakes_at_its_start() {
        let mut agents = two_groups();
        assert_eq!(agents.pick(INBOX, at(8 * HOUR), None), None);
        assert_eq!(
            agents.next_shift_start(INBOX, at(8 * HOUR)),
            Some(at(9 * HOUR))
        );
        assert_eq!(
            agents.pick(INBOX, at(9 * HOUR), None),
            Some(AgentId::new(0))
        );
    }

    #[test]
    fn an_agent_past_the_end_of_their_shift_takes_nothing_new() {
        let mut agents = two_groups();
        assert_eq!(
            agents.pick(INBOX, at(9 * HOUR), None),
            Some(AgentId::new(0))
        );
        agents.take(AgentId::new(0), conv(0));
        assert_eq!(
            agents.pick(INBOX, at(9 * HOUR + 30 * MINUTE), None),
            Some(AgentId::new(1))
        );
        agents.release(AgentId::new(0), conv(0));
        // Both free at 09:45: the least loaded, then the lowest index.
        assert_eq!(
            agents.pick(INBOX, at(9 * HOUR + 45 * MINUTE), None),
            Some(AgentId::new(0))
        );
        // 10:00 ends agent 0's shift: only agent 1 is on.
        assert_eq!(
            agents.pick(INBOX, at(10 * HOUR), None),
            Some(AgentId::new(1))
        );
        agents.take(AgentId::new(1), conv(1));
        assert_eq!(
            agents.pick(INBOX, at(10 * HOUR), None),
            None,
            "agent 0 is off shift"
        );
        // The next start is agent 0's tomorrow; agent 1 is on shift (its release wakes the inbox).
        assert_eq!(
            agents.next_shift_start(INBOX, at(10 * HOUR)),
            Some(at(33 * HOUR))
        );
    }
}
