//! Weekly send hours: plain data, read in each recipient's own time zone by the engine and,
//! independently, by the auditor.

/// Minutes since local midnight, `start < end <= 1440`.
pub type Range = (u16, u16);

/// Minutes in a day: the end of a range that runs to midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

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

    /// A shift group's hours: `hours` on each of `days` (`0` = Monday). A range whose end is at
    /// or before its start is a night shift: it runs to midnight and on from midnight of the next
    /// day (Sunday's into Monday's), so the day named is the day the shift starts.
    pub fn shift(days: &[usize], hours: &[(u16, u16)]) -> Self {
        let mut week: [Vec<Range>; 7] = Default::default();
        for &day in days {
            for &(start, end) in hours {
                if start < end {
                    week[day].push((start, end));
                    continue;
                }
                week[day].push((start, DAY_MINUTES));
                if end > 0 {
                    week[(day + 1) % 7].push((0, end));
                }
            }
        }
        WeeklySchedule::new(week)
    }

    /// Ranges of a weekday, `0` = Monday.
    pub fn ranges(&self, monday_zero: usize) -> &[Range] {
        &self.days[monday_zero]
    }

    pub fn is_never_open(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// A group of an inbox's agents who work the same weekly hours, read on the company clock
/// (a night shift's hours are split at midnight: see [`WeeklySchedule::shift`]).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_night_shift_runs_into_the_next_day_and_sundays_into_monday() {
        let week = WeeklySchedule::shift(&[1, 6], &[(22 * 60, 6 * 60), (9 * 60, 12 * 60)]);
        assert_eq!(week.ranges(1), &[(9 * 60, 12 * 60), (22 * 60, DAY_MINUTES)]);
        assert_eq!(week.ranges(2), &[(0, 6 * 60)]);
        assert_eq!(week.ranges(6), &[(9 * 60, 12 * 60), (22 * 60, DAY_MINUTES)]);
        assert_eq!(week.ranges(0), &[(0, 6 * 60)]);
        // Ending at 00:00 is ending at midnight: nothing spills over.
        let evening = WeeklySchedule::shift(&[0], &[(18 * 60, 0)]);
        assert_eq!(evening.ranges(0), &[(18 * 60, DAY_MINUTES)]);
        assert!(evening.ranges(1).is_empty());
    }
}
