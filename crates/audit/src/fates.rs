//! Fates: every recipient row ends with exactly one of sent, skipped or unreached
//! (conservation), and with duplicates sent once no phone is texted twice in one outreach.
//!
//! A bit per row says whether it has had a fate; the rare rows with more than one are counted
//! apart. Duplicates look phones up in each list sorted by phone, with a bit per distinct phone,
//! so nothing here grows with the number of records.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use model::time::Instant;
use model::{CampaignId, Lists, OutreachId, Phone, Recipient, RecipientRef, Row};

use super::{Invariant, Violation};

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

/// The distinct phones of one list, for telling whether a phone was texted already.
struct Phonebook {
    /// The first row of each distinct phone, in phone order.
    rows: Vec<Row>,
    /// Which of those phones were texted.
    sent: Bitset,
    /// Texted phones the list does not hold (a wrong trace; kept apart).
    strangers: FxHashSet<Phone>,
}

impl Phonebook {
    fn new(list: &[Recipient]) -> Phonebook {
        let mut rows: Vec<Row> = (0..list.len()).map(Row::new).collect();
        rows.sort_by_key(|r| (list[r.index()].phone, *r));
        rows.dedup_by_key(|r| list[r.index()].phone);
        Phonebook {
            sent: Bitset::new(rows.len()),
            rows,
            strangers: FxHashSet::default(),
        }
    }

    /// Marks `phone` texted; whether it was not texted before.
    fn first_text(&mut self, list: &[Recipient], phone: Phone) -> bool {
        match self
            .rows
            .binary_search_by_key(&phone, |r| list[r.index()].phone)
        {
            Ok(k) => self.sent.insert(k),
            Err(_) => self.strangers.insert(phone),
        }
    }
}

/// One outreach's rows.
struct Rows {
    /// Rows with at least one fate.
    fated: Bitset,
    /// Rows with more than one fate, and how many (saturating).
    extra: BTreeMap<Row, u8>,
    /// With duplicates sent once.
    phonebook: Option<Phonebook>,
}

pub struct Fates<'a> {
    lists: &'a Lists,
    rows: Vec<Vec<Rows>>,
    duplicates: Vec<Violation>,
}

impl<'a> Fates<'a> {
    /// `send_once`: whether a phone may be texted only once per outreach.
    pub fn new(lists: &'a Lists, send_once: bool) -> Fates<'a> {
        let rows = lists
            .iter()
            .map(|outreaches| {
                outreaches
                    .iter()
                    .map(|list| Rows {
                        fated: Bitset::new(list.len()),
                        extra: BTreeMap::new(),
                        phonebook: send_once.then(|| Phonebook::new(list)),
                    })
                    .collect()
            })
            .collect();
        Fates {
            lists,
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
        let list = &self.lists[to.campaign.index()][to.outreach.index()];
        let rows = &mut self.rows[to.campaign.index()][to.outreach.index()];
        let Some(book) = &mut rows.phonebook else {
            return;
        };
        if !book.first_text(list, phone) {
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
