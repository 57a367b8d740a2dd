//! Fates: every recipient row ends with exactly one of sent, skipped or unreached
//! (conservation), and with duplicates sent once no phone is texted twice in one outreach.
//!
//! A bit per row says whether it has had a fate; the rare rows with more than one are counted
//! apart. Duplicates go by each list's phonebook (built once per scenario: the first row holding
//! each phone), with a bit per row, so nothing here grows with the number of records.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use model::time::Instant;
use model::{CampaignId, List, OutreachId, Phone, RecipientRef, Row};

use super::{Invariant, Roster, Violation};

/// A fixed-size set of small integers.
#[derive(Debug, Clone)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    pub fn new(len: usize) -> Bitset {
        Bitset {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Adds `i`; whether it was absent.
    pub fn insert(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        let absent = self.words[word] & bit == 0;
        self.words[word] |= bit;
        absent
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The smallest integer below `len` not in the set.
    pub fn first_absent(&self) -> Option<usize> {
        let (k, w) = self
            .words
            .iter()
            .enumerate()
            .find(|(_, w)| **w != u64::MAX)?;
        Some(k * 64 + w.trailing_ones() as usize).filter(|&i| i < self.len)
    }
}

/// The distinct phones of one list: which row first holds each. Built once per scenario and
/// shared by the auditors of all its runs.
pub struct Phonebook {
    /// For each row, the first row of the list with the same phone.
    first_of: Vec<Row>,
    /// The first row of each distinct phone, in phone order.
    by_phone: Vec<Row>,
}

impl Phonebook {
    pub fn new(list: &List) -> Phonebook {
        let mut pairs: Vec<(Phone, Row)> = list
            .iter()
            .enumerate()
            .map(|(r, rec)| (rec.phone, Row::new(r)))
            .collect();
        pairs.sort_unstable();
        let mut first_of = vec![Row::new(0); list.len()];
        let mut by_phone = Vec::new();
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            let first = group[0].1;
            by_phone.push(first);
            for &(_, row) in group {
                first_of[row.index()] = first;
            }
        }
        Phonebook { first_of, by_phone }
    }

    /// The first row holding `phone`, found from the row it was sent to when that row holds it.
    fn first_row(&self, list: &List, row: Row, phone: Phone) -> Option<Row> {
        if list.get(row.index()).is_some_and(|r| r.phone == phone) {
            return Some(self.first_of[row.index()]);
        }
        let k = self
            .by_phone
            .binary_search_by_key(&phone, |r| list.phone(r.index()))
            .ok()?;
        Some(self.by_phone[k])
    }
}

/// Which phones of one list a run texted.
struct Texted {
    /// By the first row holding the phone.
    sent: Bitset,
    /// Texted phones the list does not hold (a wrong trace; kept apart).
    strangers: FxHashSet<Phone>,
}

/// One outreach's rows.
struct Rows {
    /// Rows with at least one fate.
    fated: Bitset,
    /// Rows with more than one fate, and how many (saturating).
    extra: BTreeMap<Row, u8>,
    /// With duplicates sent once.
    texted: Option<Texted>,
}

pub struct Fates<'a> {
    roster: &'a Roster<'a>,
    rows: Vec<Vec<Rows>>,
    duplicates: Vec<Violation>,
}

impl<'a> Fates<'a> {
    pub fn new(roster: &'a Roster<'a>) -> Fates<'a> {
        let rows = roster
            .lists
            .iter()
            .zip(&roster.phonebooks)
            .map(|(outreaches, books)| {
                outreaches
                    .iter()
                    .zip(books)
                    .map(|(list, book)| Rows {
                        fated: Bitset::new(list.len()),
                        extra: BTreeMap::new(),
                        texted: book.as_ref().map(|b| Texted {
                            sent: Bitset::new(b.first_of.len()),
                            strangers: FxHashSet::default(),
                        }),
                    })
                    .collect()
            })
            .collect();
        Fates {
            roster,
            rows,
            duplicates: Vec::new(),
        }
    }

    /// A sent, skipped or unreached row.
    pub fn fate(&mut self, to: RecipientRef) {
        let rows = &mut self.rows[to.campaign.index()][to.outreach.index()];
        if !rows.fated.insert(to.row.index()) {
            let n = rows.extra.entry(to.row).or_insert(1);
            *n = n.saturating_add(1);
        }
    }

    /// A send to `phone` at `t`: a duplicate when that phone was texted before in the outreach.
    pub fn send(&mut self, t: Instant, to: RecipientRef, phone: Phone) {
        let (c, o) = (to.campaign.index(), to.outreach.index());
        let list = &self.roster.lists[c][o];
        let Some(texted) = &mut self.rows[c][o].texted else {
            return;
        };
        let book = self.roster.phonebooks[c][o]
            .as_ref()
            .expect("a phonebook wherever duplicates are checked");
        let first = match book.first_row(list, to.row, phone) {
            Some(row) => texted.sent.insert(row.index()),
            None => texted.strangers.insert(phone),
        };
        if !first {
            self.duplicates.push(Violation {
                invariant: Invariant::Duplicate,
                campaign: Some(to.campaign),
                t,
                detail: format!("{phone} sent twice in outreach {}", to.outreach),
            });
        }
    }

    pub fn take_duplicates(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.duplicates)
    }

    /// Outreaches with a row that has no fate or more than one, dated `end`.
    pub fn conservation(&self, end: Instant) -> Vec<Violation> {
        let mut found = Vec::new();
        for (c, outreaches) in self.rows.iter().enumerate() {
            for (o, rows) in outreaches.iter().enumerate() {
                let unfated = rows.fated.len - rows.fated.count();
                let bad = unfated + rows.extra.len();
                let first_unfated = rows.fated.first_absent().map(|r| (Row::new(r), 0));
                let first_extra = rows.extra.first_key_value().map(|(&r, &n)| (r, n));
                let Some((first, fates)) = first_unfated.into_iter().chain(first_extra).min()
                else {
                    continue;
                };
                found.push(Violation {
                    invariant: Invariant::Conservation,
                    campaign: Some(CampaignId::new(c)),
                    t: end,
                    detail: format!(
                        "{bad} recipients of outreach {} do not have exactly one fate (first: row {first}, {fates} fates)",
                        OutreachId::new(o)
                    ),
                });
            }
        }
        found
    }
}
