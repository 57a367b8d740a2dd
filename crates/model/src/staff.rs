//! Who works where: every agent of the company numbered once, so that an agent who serves
//! several inboxes (`also`) is one person with one load, whichever inbox a conversation is in.
//!
//! Agents are numbered inbox after inbox; within an inbox, shift group after shift group, or
//! `0..agents` for an inbox with `agents = N` (always on shift). Shift groups are numbered
//! inbox after inbox in file order.

use crate::{AgentId, InboxId, Shift, ShiftId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    /// The inbox whose `agents` or `[[inboxes.shifts]]` list them.
    pub home: InboxId,
    /// `None`: always on shift.
    pub group: Option<ShiftId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub home: InboxId,
    /// Its agents, numbered consecutively.
    pub agents: std::ops::Range<usize>,
    /// The inboxes its agents serve: their own first, then `also` in the order written.
    pub serves: Vec<InboxId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub agents: Vec<Agent>,
    pub groups: Vec<Group>,
    /// Per inbox, the agents who serve it: its own, then other inboxes' agents who also serve
    /// it, each in agent order.
    pub serving: Vec<Vec<AgentId>>,
    /// Per inbox, the shift groups whose agents serve it.
    pub groups_serving: Vec<Vec<ShiftId>>,
}

impl Staff {
    /// `inboxes`: each inbox's `agents = N` and its shift groups (which replace `N` when given).
    pub fn new<'a>(inboxes: impl IntoIterator<Item = (u32, &'a [Shift])>) -> Staff {
        let inboxes: Vec<(u32, &[Shift])> = inboxes.into_iter().collect();
        let mut agents = Vec::new();
        let mut groups = Vec::new();
        for (i, &(count, shifts)) in inboxes.iter().enumerate() {
            let home = InboxId::new(i);
            if shifts.is_empty() {
                agents.extend((0..count).map(|_| Agent { home, group: None }));
            }
            for shift in shifts {
                let group = Some(ShiftId::new(groups.len()));
                let first = agents.len();
                agents.extend((0..shift.agents).map(|_| Agent { home, group }));
                let also = shift.also.iter().filter(|&&other| other != home);
                groups.push(Group {
                    home,
                    agents: first..agents.len(),
                    serves: std::iter::once(home).chain(also.copied()).collect(),
                });
            }
        }
        let mut serving = vec![Vec::new(); inboxes.len()];
        let mut groups_serving = vec![Vec::new(); inboxes.len()];
        for (g, group) in groups.iter().enumerate() {
            for inbox in &group.serves {
                groups_serving[inbox.index()].push(ShiftId::new(g));
            }
        }
        for (a, agent) in agents.iter().enumerate() {
            let serves = match agent.group {
                Some(g) => &groups[g.index()].serves[..],
                None => std::slice::from_ref(&agent.home),
            };
            for inbox in serves {
                serving[inbox.index()].push(AgentId::new(a));
            }
        }
        Staff {
            agents,
            groups,
            serving,
            groups_serving,
        }
    }

    /// The inboxes agent `a` serves, their own first.
    pub fn serves(&self, a: AgentId) -> &[InboxId] {
        let agent = &self.agents[a.index()];
        match agent.group {
            Some(g) => &self.groups[g.index()].serves,
            None => std::slice::from_ref(&agent.home),
        }
    }

    pub fn members(&self, g: ShiftId) -> impl Iterator<Item = AgentId> + use<> {
        self.groups[g.index()].agents.clone().map(AgentId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::WeeklySchedule;

    fn shift(agents: u32, also: &[usize]) -> Shift {
        Shift {
            agents,
            hours: WeeklySchedule::new(std::array::from_fn(|_| vec![(0, 24 * 60)])),
            skills: Vec::new(),
            also: also.iter().map(|&i| InboxId::new(i)).collect(),
            days_text: String::new(),
            hours_text: String::new(),
        }
    }

    #[test]
    fn agents_are_numbered_inbox_after_inbox_and_also_agents_serve_both() {
        let support = [shift(2, &[]), shift(1, &[0])];
        let staff = Staff::new([(3, &[][..]), (0, &support[..])]);
        let ids = |v: &[usize]| v.iter().map(|&a| AgentId::new(a)).collect::<Vec<_>>();
        assert_eq!(staff.agents.len(), 6);
        assert_eq!(staff.agents[3].home, InboxId::new(1));
        assert_eq!(staff.agents[5].group, Some(ShiftId::new(1)));
        assert_eq!(staff.serving[0], ids(&[0, 1, 2, 5]));
        assert_eq!(staff.serving[1], ids(&[3, 4, 5]));
        assert_eq!(
            staff.serves(AgentId::new(5)),
            [InboxId::new(1), InboxId::new(0)]
        );
        assert_eq!(staff.serves(AgentId::new(0)), [InboxId::new(0)]);
        assert_eq!(staff.groups_serving[0], [ShiftId::new(1)]);
        assert_eq!(
            staff.members(ShiftId::new(1)).collect::<Vec<_>>(),
            ids(&[5])
        );
    }
}
