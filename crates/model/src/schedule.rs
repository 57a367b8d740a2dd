//! Weekly send hours: plain data, read in each recipient's own time zone by the engine and,
//! independently, by the auditor.

/// Minutes since local midnight, `start < end <= 1440`.
pub type Range = (u16, u16);

/// Send hours per weekday (Monday first). A day without ranges is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeeklySchedule {
    days: [Vec<Range>; 7],
}

impl WeeklySchedule {
    /// `days[0]` is Monday. Ranges are sorted and merged here so lookups can stop early.
    pub fn new(mut days: [Vec<Range>; 7]) -> Self {
        for day in &mut days {
            day.sort_unstable();
            let mut merged: Vec<Range> = Vec::with_capacity(day.len());
            for &(s, e) in day.iter() {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            *day = merged;
        }
        WeeklySchedule { days }
    }

    /// Ranges of a weekday, `0` = Monday.
    pub fn ranges(&self, monday_zero: usize) -> &[Range] {
        &self.days[monday_zero]
    }

    pub fn is_never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// A group of an inbox's agents who work the same weekly hours, read on the company clock.
/// Its agents are numbered after those of the inbox's earlier groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub agents: u32,
    pub hours: WeeklySchedule,
    /// What its agents are good at: routing prefers them for conversations needing one.
    pub skills: Vec<crate::SkillId>,
    /// Other inboxes its agents also serve (`also`), besides their own.
    pub also: Vec<crate::InboxId>,
    /// `days` and `hours` as the scenario wrote them, for reports.
    pub days_text: String,
    pub hours_text: String,
}
