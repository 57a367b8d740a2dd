//! Customers' phone numbers and recipient rows.

use std::sync::Arc;

use crate::ZoneId;

/// A customer's phone number. Numbers from files keep their digits; generated ones have bit 60 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(pub u64);

impl Phone {
    pub const GENERATED: u64 = 1 << 60;

    /// Row `row` of the made-up list keyed `list`. The rows are offset by the key and mixed one
    /// to one onto 60-bit numbers, so a made-up list never repeats a phone (its outreaches need
    /// no duplicate check), and two lists share one only where their offset rows overlap.
    pub fn made_up(list: u64, row: u64) -> Phone {
        Phone(Phone::GENERATED | mix60(list.wrapping_add(row) & (Phone::GENERATED - 1)))
    }
}

/// SplitMix64's finaliser cut to 60 bits. Each step can be undone (a right shift xored in, a
/// product by an odd number modulo 2^60), so distinct numbers below 2^60 stay distinct.
fn mix60(mut z: u64) -> u64 {
    const BITS: u64 = Phone::GENERATED - 1;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9) & BITS;
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb) & BITS;
    z ^ (z >> 31)
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
    /// Made-up rows, whose phones are [`Phone::made_up`] from the list's key: only their zones
    /// are kept, if they differ. Lists of millions are mostly made up, and a made-up row then
    /// takes 2 bytes or none, not 16.
    Generated { key: u64, zones: Zones },
}

#[derive(Debug)]
enum Zones {
    All { zone: ZoneId, len: usize },
    PerRow(Box<[ZoneId]>),
}

impl Zones {
    fn len(&self) -> usize {
        match self {
            Zones::All { len, .. } => *len,
            Zones::PerRow(zones) => zones.len(),
        }
    }
}

impl List {
    /// Made-up rows: row `r` texts [`Phone::made_up`]`(key, r)` in `zones[r]`.
    pub fn generated(key: u64, zones: Vec<ZoneId>) -> List {
        let zones = match zones.first() {
            Some(&zone) if zones.iter().all(|&z| z == zone) => Zones::All {
                zone,
                len: zones.len(),
            },
            _ => Zones::PerRow(zones.into()),
        };
        List(Arc::new(Rows::Generated { key, zones }))
    }

    /// `len` made-up rows, all in `zone`: row `r` texts [`Phone::made_up`]`(key, r)`.
    pub fn generated_in(key: u64, len: usize, zone: ZoneId) -> List {
        List(Arc::new(Rows::Generated {
            key,
            zones: Zones::All { zone, len },
        }))
    }

    /// Whether two rows may hold one phone: only listed rows can, as made-up ones never repeat.
    pub fn may_repeat_phones(&self) -> bool {
        matches!(*self.0, Rows::Listed(_))
    }

    /// The zone of every row, where the list was made up in one zone.
    pub fn only_zone(&self) -> Option<ZoneId> {
        match &*self.0 {
            Rows::Generated {
                zones: Zones::All { zone, .. },
                ..
            } => Some(*zone),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        match &*self.0 {
            Rows::Listed(rows) => rows.len(),
            Rows::Generated { zones, .. } => zones.len(),
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
            Rows::Generated { key, zones } => {
                let len = zones.len();
                assert!(row < len, "row {row} of a list of {len}");
                Phone::made_up(*key, row as u64)
            }
        }
    }

    /// The zone of row `row`, which must be in the list.
    pub fn zone(&self, row: usize) -> ZoneId {
        match &*self.0 {
            Rows::Listed(rows) => rows[row].zone,
            Rows::Generated { zones, .. } => match zones {
                Zones::All { zone, len } => {
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
                zones: Zones::All { zone, len },
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

    /// What a listed copy of made-up rows would hold.
    fn listed(key: u64, zones: &[ZoneId]) -> Vec<Recipient> {
        (zones.iter().enumerate())
            .map(|(r, &zone)| Recipient {
                phone: Phone::made_up(key, r as u64),
                zone,
            })
            .collect()
    }

    #[test]
    fn made_up_rows_read_as_the_same_rows_listed() {
        let zones: Vec<ZoneId> = [2, 0, 1, 1, 0].map(ZoneId::new).to_vec();
        let rows = listed(7, &zones);
        let made_up = List::generated(7, zones.clone());
        let copy = List::from(rows.clone());
        for list in [&made_up, &copy] {
            assert_eq!(list.len(), 5);
            assert_eq!(list.to_vec(), rows);
            assert_eq!(list.zones().collect::<Vec<_>>(), zones);
            for (r, row) in rows.iter().enumerate() {
                assert_eq!(list.get(r), Some(*row));
                assert_eq!((list.phone(r), list.zone(r)), (row.phone, row.zone));
            }
            assert_eq!(list.get(5), None);
            assert_eq!(list.count_by_zone(3), [2, 2, 1]);
        }
        assert!(!made_up.may_repeat_phones() && copy.may_repeat_phones());
        assert!(List::generated(7, Vec::new()).is_empty());
    }

    #[test]
    fn made_up_rows_in_one_zone_read_as_listed_ones() {
        let zone = ZoneId::new(3);
        let rows = listed(9, &[zone; 4]);
        for list in [
            List::generated_in(9, 4, zone),
            List::generated(9, vec![zone; 4]),
            List::from(rows.clone()),
        ] {
            assert_eq!(list.to_vec(), rows);
            assert_eq!(list.get(4), None);
            assert_eq!(list.count_by_zone(5), [0, 0, 0, 4, 0]);
        }
    }

    /// Outreaches of made-up lists skip the duplicate check, on this promise.
    #[test]
    fn a_made_up_list_never_repeats_a_phone() {
        // Keys where the offset rows wrap past 2^60 and 2^64, and an ordinary one.
        for key in [u64::MAX - 5, Phone::GENERATED - 3, 0x9e37_79b9_7f4a_7c15] {
            let mut phones: Vec<Phone> = (0..200_000).map(|r| Phone::made_up(key, r)).collect();
            assert!(
                phones
                    .iter()
                    .all(|p| p.0 & Phone::GENERATED != 0 && p.0 >> 61 == 0)
            );
            phones.sort_unstable();
            phones.dedup();
            assert_eq!(phones.len(), 200_000, "key {key:#x}");
        }
        // Rows 2^60 apart would meet: the mix is one to one on 60 bits, and no list is that long.
        assert_eq!(Phone::made_up(5, 1), Phone::made_up(5, (1 << 60) + 1));
        // The phones look random: neighbouring rows differ in about half their bits.
        let differ = (0..1000u64)
            .map(|r| (Phone::made_up(1, r).0 ^ Phone::made_up(1, r + 1).0).count_ones())
            .sum::<u32>();
        assert!((25_000..35_000).contains(&differ), "{differ}");
    }

    #[test]
    #[should_panic(expected = "row 5 of a list of 5")]
    fn a_made_up_list_has_no_phone_past_its_end() {
        List::generated(7, [0, 1, 0, 0, 0].map(ZoneId::new).to_vec()).phone(5);
    }

    #[test]
    #[should_panic(expected = "row 5 of a list of 5")]
    fn a_made_up_list_in_one_zone_has_no_zone_past_its_end() {
        List::generated_in(7, 5, ZoneId::new(0)).zone(5);
    }
}
