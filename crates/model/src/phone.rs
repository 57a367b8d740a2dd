//! Customers' phone numbers and recipient rows.

use std::sync::Arc;

use crate::ZoneId;

/// A customer's phone number. Numbers from files keep their digits; generated ones have bit 60 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(pub u64);

impl Phone {
    pub const GENERATED: u64 = 1 << 60;
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 & Phone::GENERATED != 0 {
            write!(f, "sim-{:015x}", self.0 & (Phone::GENERATED - 1))
        } else {
            write!(f, "+{}", self.0)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub phone: Phone,
    /// The recipient's time zone (the scenario's `zones`).
    pub zone: ZoneId,
}

/// Who one outreach texts, in list order. Shared, not copied: a list depends on the scenario
/// alone, so every run of a scenario, and the auditor judging it, read the same one.
#[derive(Debug, Clone)]
pub struct List(Arc<Rows>);

#[derive(Debug)]
enum Rows {
    /// Rows as they were listed (read from a file, or changed after they were made).
    Listed(Box<[Recipient]>),
    /// Made-up rows, whose phones are a function of the list and the row: only their zones are
    /// kept, if they differ. Lists of millions are mostly made up, and a made-up row then takes
    /// 2 bytes or none, not 16.
    Generated {
        key: u64,
        phone: fn(u64, u64) -> Phone,
        len: usize,
        zones: Zones,
    },
}

#[derive(Debug)]
enum Zones {
    All(ZoneId),
    PerRow(Box<[ZoneId]>),
}

impl List {
    /// Made-up rows: row `r` texts `phone(key, r)` in `zones[r]`.
    pub fn generated(key: u64, phone: fn(u64, u64) -> Phone, zones: Vec<ZoneId>) -> List {
        let len = zones.len();
        let zones = match zones.first() {
            Some(&first) if zones.iter().all(|&z| z == first) => Zones::All(first),
            _ => Zones::PerRow(zones.into()),
        };
        List(Arc::new(Rows::Generated {
            key,
            phone,
            len,
            zones,
        }))
    }

    /// `len` made-up rows, all in `zone`: row `r` texts `phone(key, r)`.
    pub fn generated_in(key: u64, phone: fn(u64, u64) -> Phone, len: usize, zone: ZoneId) -> List {
        List(Arc::new(Rows::Generated {
            key,
            phone,
            len,
            zones: Zones::All(zone),
        }))
    }

    pub fn len(&self) -> usize {
        match &*self.0 {
            Rows::Listed(rows) => rows.len(),
            Rows::Generated { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, row: usize) -> Option<Recipient> {
        (row < self.len()).then(|| Recipient {
            phone: self.phone(row),
            zone: self.zone(row),
        })
    }

    /// The phone of row `row`, which must be in the list.
    pub fn phone(&self, row: usize) -> Phone {
        match &*self.0 {
            Rows::Listed(rows) => rows[row].phone,
            Rows::Generated {
                key, phone, len, ..
            } => {
                assert!(row < *len, "row {row} of a list of {len}");
                phone(*key, row as u64)
            }
        }
    }

    /// The zone of row `row`, which must be in the list.
    pub fn zone(&self, row: usize) -> ZoneId {
        match &*self.0 {
            Rows::Listed(rows) => rows[row].zone,
            Rows::Generated { len, zones, .. } => match zones {
                Zones::All(zone) => {
                    assert!(row < *len, "row {row} of a list of {len}");
                    *zone
                }
                Zones::PerRow(zones) => zones[row],
            },
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Recipient> + '_ {
        (0..self.len()).map(|row| Recipient {
            phone: self.phone(row),
            zone: self.zone(row),
        })
    }

    /// The zones row by row, without making up phones.
    pub fn zones(&self) -> impl ExactSizeIterator<Item = ZoneId> + '_ {
        (0..self.len()).map(|row| self.zone(row))
    }

    /// Rows per zone, indexed by zone, for a scenario of `zones` zones.
    pub fn count_by_zone(&self, zones: usize) -> Vec<u64> {
        let mut counts = vec![0; zones];
        match &*self.0 {
            Rows::Generated {
                len,
                zones: Zones::All(zone),
                ..
            } => counts[zone.index()] = *len as u64,
            _ => {
                for zone in self.zones() {
                    counts[zone.index()] += 1;
                }
            }
        }
        counts
    }

    pub fn to_vec(&self) -> Vec<Recipient> {
        self.iter().collect()
    }
}

impl From<Vec<Recipient>> for List {
    fn from(rows: Vec<Recipient>) -> List {
        List(Arc::new(Rows::Listed(rows.into())))
    }
}

impl<const N: usize> From<[Recipient; N]> for List {
    fn from(rows: [Recipient; N]) -> List {
        List::from(rows.to_vec())
    }
}

impl FromIterator<Recipient> for List {
    fn from_iter<I: IntoIterator<Item = Recipient>>(rows: I) -> List {
        List::from(rows.into_iter().collect::<Vec<_>>())
    }
}

/// Who each outreach texts, `lists[campaign][outreach][row]`.
pub type Lists = Vec<Vec<List>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_rows_read_as_the_same_rows_listed() {
        let phone = |key: u64, row: u64| Phone(Phone::GENERATED | (key * 1000 + row));
        let zones: Vec<ZoneId> = [2, 0, 1, 1, 0].map(ZoneId::new).to_vec();
        let made_up = List::generated(7, phone, zones.clone());
        let rows: Vec<Recipient> = (zones.iter().enumerate())
            .map(|(r, &zone)| Recipient {
                phone: phone(7, r as u64),
                zone,
            })
            .collect();
        let listed = List::from(rows.clone());
        for list in [&made_up, &listed] {
            assert_eq!(list.len(), 5);
            assert_eq!(list.to_vec(), rows);
            assert_eq!(list.zones().collect::<Vec<_>>(), zones);
            for (r, row) in rows.iter().enumerate() {
                assert_eq!(list.get(r), Some(*row));
                assert_eq!((list.phone(r), list.zone(r)), (row.phone, row.zone));
            }
            assert_eq!(list.get(5), None);
        }
        assert!(List::generated(7, phone, Vec::new()).is_empty());
    }

    #[test]
    fn made_up_rows_in_one_zone_read_as_listed_ones() {
        let phone = |key: u64, row: u64| Phone(Phone::GENERATED | (key * 1000 + row));
        let zone = ZoneId::new(3);
        let rows: Vec<Recipient> = (0..4)
            .map(|r| Recipient {
                phone: phone(9, r),
                zone,
            })
            .collect();
        for list in [
            List::generated_in(9, phone, 4, zone),
            List::generated(9, phone, vec![zone; 4]),
            List::from(rows.clone()),
        ] {
            assert_eq!(list.to_vec(), rows);
            assert_eq!(list.get(4), None);
            assert_eq!(list.count_by_zone(5), [0, 0, 0, 4, 0]);
        }
        let mixed = List::generated(9, phone, [1, 0, 1].map(ZoneId::new).to_vec());
        assert_eq!(mixed.count_by_zone(2), [1, 2]);
    }

    #[test]
    #[should_panic(expected = "row 5 of a list of 5")]
    fn a_made_up_list_has_no_phone_past_its_end() {
        let phone = |_: u64, row: u64| Phone(row);
        List::generated(7, phone, [0, 1, 0, 0, 0].map(ZoneId::new).to_vec()).phone(5);
    }

    #[test]
    #[should_panic(expected = "row 5 of a list of 5")]
    fn a_made_up_list_in_one_zone_has_no_zone_past_its_end() {
        let phone = |_: u64, row: u64| Phone(row);
        List::generated_in(7, phone, 5, ZoneId::new(0)).zone(5);
    }
}
