//! Two runs of one seed, side by side, record by record. "The traces differ" sends a reader
//! hunting through millions of events; the first record that differs, with both runs' records
//! side by side, is where the nondeterminism starts. Neither run's trace is kept: only the
//! records one run is ahead of the other by.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Write;
use std::rc::Rc;

use model::record::{Observer, Record};
use model::time::Instant;
use scenario::Scenario;

use super::local;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// Index of the first record that differs (0-based).
    pub index: u64,
    /// That record in each run; `None` where that run had already ended.
    pub first: Option<(Instant, Record)>,
    pub second: Option<(Instant, Record)>,
}

/// Which of the two runs a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    First,
    Second,
}

/// The comparison of two record streams as they are produced.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Records one side produced that the other has not yet matched.
    ahead: VecDeque<(Instant, Record)>,
    ahead_side: Option<Side>,
    /// A run that has no more records: anything the other offers beyond the matched ones differs.
    ended: Option<Side>,
    matched: u64,
    divergence: Option<Divergence>,
}

impl Comparison {
    /// One more record of `side`'s run, compared with the other run's record at its position.
    pub fn offer(&mut self, side: Side, record: (Instant, Record)) {
        if self.divergence.is_some() {
            return;
        }
        if self.ahead.is_empty() || self.ahead_side == Some(side) {
            if self.ended.is_some_and(|ended| ended != side) {
                self.diverge(side, Some(record), None);
                return;
            }
            self.ahead_side = Some(side);
            self.ahead.push_back(record);
            return;
        }
        let other = self.ahead.pop_front().expect("not empty");
        if other != record {
            self.diverge(side, Some(record), Some(other));
            return;
        }
        self.matched += 1;
    }

    /// `side`'s run is over: if the other has already gone further, they differ there.
    pub fn ended(&mut self, side: Side) {
        if self.divergence.is_some() || self.ended.is_some() {
            return;
        }
        self.ended = Some(side);
        if self.ahead_side.is_some_and(|ahead| ahead != side)
            && let Some(other) = self.ahead.pop_front()
        {
            self.diverge(side, None, Some(other));
        }
    }

    /// The runs differ at the next unmatched record: `mine` from `side`, `other` from the other.
    fn diverge(
        &mut self,
        side: Side,
        mine: Option<(Instant, Record)>,
        other: Option<(Instant, Record)>,
    ) {
        let (first, second) = match side {
            Side::First => (mine, other),
            Side::Second => (other, mine),
        };
        self.divergence = Some(Divergence {
            index: self.matched,
            first,
            second,
        });
        self.ahead.clear();
    }

    /// Both runs are over: where they first differ, if anywhere (one may have ended early).
    pub fn finish(mut self) -> Option<Divergence> {
        if self.divergence.is_none()
            && let Some(extra) = self.ahead.pop_front()
        {
            let (first, second) = match self.ahead_side {
                Some(Side::First) => (Some(extra), None),
                _ => (None, Some(extra)),
            };
            self.divergence = Some(Divergence {
                index: self.matched,
                first,
                second,
            });
        }
        self.divergence
    }
}

/// One run's feed into a shared [`Comparison`].
pub struct Tap {
    pub side: Side,
    pub comparison: Rc<RefCell<Comparison>>,
}

impl Observer for Tap {
    fn observe(&mut self, at: Instant, record: &Record) {
        self.comparison.borrow_mut().offer(self.side, (at, *record));
    }
}

impl Divergence {
    /// The record's number and both runs' records, with names from the scenario; record n is
    /// row n of `trace.csv` below its header.
    pub fn describe(&self, scn: &Scenario) -> String {
        format!(
            "two runs of this seed first differ at trace record {}: first run: {}; second run: {}",
            self.index + 1,
            self.record(scn, self.first),
            self.record(scn, self.second)
        )
    }

    /// The earliest virtual time of the two differing records.
    pub fn t(&self) -> Option<Instant> {
        self.first.iter().chain(&self.second).map(|(t, _)| *t).min()
    }

    fn record(&self, scn: &Scenario, r: Option<(Instant, Record)>) -> String {
        let Some((t, r)) = r else {
            return format!("its trace ends after {} records", self.index);
        };
        let c = r.columns();
        let mut s = format!("{} at {}", r.name(), local(scn, t));
        let quoted = |name: &String| format!("{name:?}");
        let fields = [
            (
                "campaign",
                c.campaign.map(|c| quoted(&scn.campaigns[c.index()].name)),
            ),
            ("outreach", c.outreach.map(|o| o.to_string())),
            ("recipient", c.row.map(|r| r.to_string())),
            (
                "number",
                c.number.map(|n| scn.numbers[n.index()].number.clone()),
            ),
            (
                "inbox",
                c.inbox.map(|i| quoted(&scn.inboxes[i.index()].name)),
            ),
            ("agent", c.agent.map(|a| a.to_string())),
        ];
        for (field, shown) in fields {
            if let Some(shown) = shown {
                let _ = write!(s, ", {field} {shown}");
            }
        }
        if let Some(phone) = c.phone {
            let _ = write!(s, ", phone {phone}");
        }
        let detail = r.detail();
        if !detail.is_empty() {
            let _ = write!(s, ", detail {detail}");
        }
        s
    }
}
