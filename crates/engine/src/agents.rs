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
    /// Per inbox and load, a bit per agent of `by_number` (same order): set while the agent
    /// holds that many conversations, less than their `limit`. `pick` looks only at agents with
    /// room, and with no skill needed it goes up the loads and stops at the first on shift: a
    /// busy inbox's agents all hold some, and finding the least loaded by looking at each was
    /// 4 % of a large run. Loads get a level when an agent first reaches them, not up to the
    /// capacity, which has no bound.
    by_load: Vec<Vec<Vec<u64>>>,
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
        let by_load = by_number
            .iter()
            .map(|agents| {
                // Everyone starts idle: at load 0 if they may hold anything.
                let mut idle = vec![0; agents.len().div_ceil(64)];
                for (i, a) in agents.iter().enumerate() {
                    if limit[a.index()] > 0 {
                        idle[i / 64] |= 1 << (i % 64);
                    }
                }
                vec![idle]
            })
            .collect();
        Agents {
            held: vec![Vec::new(); staff.agents.len()],
            by_number,
            by_load,
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
        match needed {
            None => self.least_loaded(inbox, now),
            Some(_) => self.best_match(inbox, now, needed),
        }
    }

    /// [`Agents::pick`] with no skill needed, where nobody matches better than anybody else:
    /// the first agent on shift at the lowest load under their standard capacity, else (when
    /// agents pull) at the lowest load beyond it.
    fn least_loaded(&self, inbox: InboxId, now: Instant) -> Option<AgentId> {
        let agents = &self.by_number[inbox.index()];
        for beyond_standard in [false, true] {
            for (load, level) in self.by_load[inbox.index()].iter().enumerate() {
                for (w, &word) in level.iter().enumerate() {
                    let mut bits = word;
                    while bits != 0 {
                        let a = agents[w * 64 + bits.trailing_zeros() as usize];
                        bits &= bits - 1;
                        debug_assert_eq!(self.load(a), load as u32);
                        if (load as u32 >= self.standard[a.index()]) == beyond_standard
                            && self.on_shift(a, now)
                        {
                            return Some(a);
                        }
                    }
                }
            }
        }
        None
    }

    /// [`Agents::pick`] of an agent with the `needed` skill if one is free, looking at every
    /// agent with room.
    fn best_match(&self, inbox: InboxId, now: Instant, needed: Option<SkillId>) -> Option<AgentId> {
        let mut best: Option<((bool, bool, u32), AgentId)> = None;
        let agents = &self.by_number[inbox.index()];
        let levels = &self.by_load[inbox.index()];
        'scan: for w in 0..agents.len().div_ceil(64) {
            let mut bits = levels.iter().fold(0, |room, level| room | level[w]);
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
                // in a quiet inbox stop at the first agent.
                if !rank.0 && rank.2 == 0 && !rank.1 {
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
        let was = self.load(a);
        self.held[a.index()].push(conversation);
        for inbox in self.staff.serves(a) {
            self.free[inbox.index()] -= 1;
        }
        self.move_load(a, was);
    }

    pub fn release(&mut self, a: AgentId, conversation: ConversationId) {
        let was = self.load(a);
        let held = &mut self.held[a.index()];
        let at = held
            .iter()
            .position(|&c| c == conversation)
            .expect("an agent releases only what they hold");
        held.remove(at);
        for inbox in self.staff.serves(a) {
            self.free[inbox.index()] += 1;
        }
        self.move_load(a, was);
    }

    /// Moves agent `a`'s bit in `by_load` of every inbox they serve from load `was` to their
    /// load now (out of it at their limit, back in below it).
    fn move_load(&mut self, a: AgentId, was: u32) {
        let (now, limit) = (self.load(a), self.limit[a.index()]);
        for inbox in self.staff.serves(a) {
            let i = self.by_number[inbox.index()]
                .binary_search(&a)
                .expect("an agent is listed in every inbox they serve");
            let levels = &mut self.by_load[inbox.index()];
            let bit = 1 << (i % 64);
            if was < limit {
                levels[was as usize][i / 64] &= !bit;
            }
            if now < limit {
                if levels.len() <= now as usize {
                    let words = levels[0].len();
                    levels.resize(now as usize + 1, vec![0; words]);
                }
                levels[now as usize][i / 64] |= bit;
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

    /// `pick` against its rule, read straight off every agent: on shift and under their limit;
    /// under the standard capacity before beyond it, then the needed skill, then the fewest
    /// conversations, then the lowest number. Two inboxes with different capacities, agents
    /// who pull, a shift group with a skill serving both, takes and releases at random hours.
    #[test]
    fn picks_follow_the_rule_through_random_takes_and_releases() {
        let epoch = Epoch("2026-12-01T00:00Z".parse().unwrap());
        let day_shift = Shift {
            agents: 3,
            hours: WeeklySchedule::new(std::array::from_fn(|_| vec![(9 * 60, 17 * 60)])),
            skills: vec![SkillId::new(0)],
            also: vec![InboxId::new(1)],
            days_text: String::new(),
            hours_text: String::new(),
        };
        let inbox = |agents, capacity, maximum, shifts: Vec<Shift>| InboxConfig {
            agents,
            shifts,
            capacity,
            maximum,
            sla: model::time::Span::ZERO,
            same_agent_window: model::time::Span::ZERO,
        };
        let configs = [inbox(5, 2, 4, vec![day_shift]), inbox(70, 1, 3, Vec::new())];
        let mut agents = Agents::new(&configs, true, TimeZone::UTC, epoch);
        // SplitMix64: the engine draws nothing, so it has no generator of its own.
        let mut state = 7u64;
        let mut draw = |n: u64| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        };
        let mut next = 0;
        let (mut skilled, mut beyond) = (0, 0);
        for step in 0..20_000u64 {
            let t = at(model::time::Span::from_millis(step * 90_000));
            let inbox = InboxId::new(draw(2) as usize);
            let needed = (draw(10) < 3).then(|| SkillId::new(0));
            agents.read_clock(inbox, t);
            let expected = (agents.by_number[inbox.index()].iter())
                .filter(|&&a| agents.has_room(a) && agents.on_shift(a, t))
                .min_by_key(|&&a| {
                    let load = agents.load(a);
                    let standard = load >= agents.standard[a.index()];
                    (standard, !agents.has(a, needed), load, a)
                })
                .copied();
            let picked = agents.pick(inbox, t, needed);
            assert_eq!(picked, expected, "step {step}, {inbox:?}, {needed:?}");
            match picked {
                Some(a) if draw(20) < 11 => {
                    skilled += usize::from(agents.has(a, Some(SkillId::new(0))));
                    beyond += usize::from(agents.load(a) >= agents.standard[a.index()]);
                    agents.take(a, conv(next));
                    next += 1;
                }
                _ => {
                    let a = AgentId::new(draw(agents.held.len() as u64) as usize);
                    if let Some(&c) = agents.held(a).first() {
                        agents.release(a, c);
                    }
                }
            }
        }
        // The walk went where the rule has choices to make.
        assert!(
            skilled > 100 && beyond > 100,
            "{skilled} skilled, {beyond} beyond"
        );
    }

    /// A review found that a capacity of a billion made a billion levels of bits (24 GB) and
    /// walked them at every pick: levels now follow the loads agents reach.
    #[test]
    fn an_inbox_of_huge_capacity_keeps_levels_only_for_loads_reached() {
        let epoch = Epoch("2026-12-01T00:00Z".parse().unwrap());
        let inbox = InboxConfig {
            agents: 3,
            shifts: Vec::new(),
            capacity: 1_000_000_000,
            maximum: 1_000_000_000,
            sla: model::time::Span::ZERO,
            same_agent_window: model::time::Span::ZERO,
        };
        let mut agents = Agents::new(&[inbox], true, TimeZone::UTC, epoch);
        assert_eq!(agents.by_load[0].len(), 1);
        let t = at(HOUR);
        for c in 0..7 {
            let a = agents.pick(INBOX, t, None).expect("room for all");
            assert_eq!(
                a,
                AgentId::new(c % 3),
                "the least loaded, lowest number first"
            );
            agents.take(a, conv(c));
        }
        // Loads 3, 2, 2: levels up to 3, and the next pick is agent 1.
        assert_eq!(agents.by_load[0].len(), 4);
        assert_eq!(agents.pick(INBOX, t, None), Some(AgentId::new(1)));
        agents.release(AgentId::new(0), conv(0));
        agents.release(AgentId::new(0), conv(3));
        assert_eq!(agents.pick(INBOX, t, None), Some(AgentId::new(0)));
    }
}
