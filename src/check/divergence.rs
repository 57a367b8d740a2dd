//! Where two runs of one seed part ways. "The traces differ" sends a reader hunting through
//! millions of events; the first record that differs, with both runs' events side by side, is
//! where the nondeterminism starts.

use std::fmt::Write;

use super::local;
use model::record::{Event, NONE};
use scenario::Scenario;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// Index of the first record that differs (0-based).
    pub index: usize,
    /// That record in each run; `None` where that run's trace has already ended.
    pub first: Option<Event>,
    pub second: Option<Event>,
}

/// The first record at which two traces of one seed differ, or `None` when they are equal.
pub fn first_difference(first: &[Event], second: &[Event]) -> Option<Divergence> {
    let index = first
        .iter()
        .zip(second)
        .position(|(a, b)| a != b)
        .or_else(|| (first.len() != second.len()).then(|| first.len().min(second.len())))?;
    Some(Divergence {
        index,
        first: first.get(index).copied(),
        second: second.get(index).copied(),
    })
}

impl Divergence {
    /// The record's number and both runs' events, with names from the scenario; record n is
    /// row n of `trace.csv` below its header.
    pub fn describe(&self, scn: &Scenario) -> String {
        format!(
            "two runs of this seed first differ at trace record {}: first run: {}; second run: {}",
            self.index + 1,
            self.event(scn, self.first),
            self.event(scn, self.second)
        )
    }

    /// The earliest virtual time of the two differing records.
    pub fn t(&self) -> Option<u64> {
        self.first.iter().chain(&self.second).map(|e| e.t).min()
    }

    fn event(&self, scn: &Scenario, e: Option<Event>) -> String {
        let Some(e) = e else {
            return format!("its trace ends after {} records", self.index);
        };
        let mut s = format!("{} at {}", e.kind.name(), local(scn, e.t));
        let quoted = |name: Option<&String>| name.map(|n| format!("{n:?}"));
        let fields = [
            (
                "campaign",
                e.campaign,
                quoted(scn.campaigns.get(e.campaign as usize).map(|c| &c.name)),
            ),
            ("outreach", e.outreach, None),
            ("recipient", e.recipient, None),
            (
                "number",
                e.number,
                scn.numbers.get(e.number as usize).map(|n| n.number.clone()),
            ),
            (
                "inbox",
                e.inbox,
                quoted(scn.inboxes.get(e.inbox as usize).map(|i| &i.name)),
            ),
            ("agent", e.agent, None),
        ];
        for (field, index, named) in fields {
            if index != NONE {
                let shown = named.unwrap_or_else(|| index.to_string());
                let _ = write!(s, ", {field} {shown}");
            }
        }
        if let Some(phone) = e.phone {
            let _ = write!(s, ", phone {phone}");
        }
        let detail = e.kind.detail();
        if !detail.is_empty() {
            let _ = write!(s, ", detail {detail}");
        }
        s
    }
}
