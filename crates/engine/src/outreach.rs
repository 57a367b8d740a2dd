//! One uploaded recipient list of a campaign: which recipient is next, and when it may be sent.
//!
//! Recipients wait in one queue per time zone (list order kept inside each), because the send
//! window opens and closes per zone: at a free slot the earliest-listed recipient whose local window
//! is open goes first, and the others roll over to their next window.

use rustc_hash::FxHashSet;

use model::Duplicates;
use model::Status;
use model::schedule::WeeklySchedule;

use super::config::OutreachConfig;
use super::schedule::window_after;
use jiff::tz::TimeZone;
use model::time::{Epoch, Instant};
use model::{Row, ZoneId};

#[derive(Debug)]
struct ZoneQueue {
    zone: ZoneId,
    rows: Rows,
    next: usize,
    /// The zone's current or next send window; recomputed once `now` passes its end.
    window: Option<(Instant, Option<Instant>)>,
}

impl ZoneQueue {
    fn new(zone: ZoneId, rows: Rows) -> Self {
        ZoneQueue {
            zone,
            rows,
            next: 0,
            window: None,
        }
    }
}

/// A zone's recipients, in list order.
#[derive(Debug)]
enum Rows {
    /// Rows `0..n`: every row of a list made up in one zone with none passed over, kept as a
    /// count (as row numbers, 16 MB for big's 4 M recipients).
    Every(usize),
    Listed(Vec<Row>),
}

impl Rows {
    fn get(&self, i: usize) -> Option<Row> {
        match self {
            Rows::Every(n) => (i < *n).then(|| Row::new(i)),
            Rows::Listed(rows) => rows.get(i).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Rows::Every(n) => *n,
            Rows::Listed(rows) => rows.len(),
        }
    }
}

/// What the next send of this outreach can be.
pub enum Pick {
    Row(Row),
    /// Nobody's window is open now; the earliest one opens then (`None`: never again).
    WaitUntil(Option<Instant>),
    /// No recipient left.
    Exhausted,
}

#[derive(Debug)]
pub struct Outreach {
    pub status: Status,
    queues: Vec<ZoneQueue>,
    /// Rows that repeat an earlier phone of the same list (skipped under `send_once`).
    pub duplicates: Vec<Row>,
}

impl Outreach {
    pub fn new(cfg: &OutreachConfig, duplicates: Duplicates) -> Self {
        // A made-up list never repeats a phone: only listed rows are checked (for 4 M made-up
        // rows the check was a tenth of a large run's simulation).
        let check = duplicates == Duplicates::SendOnce && cfg.recipients.may_repeat_phones();
        if let Some(zone) = cfg.recipients.only_zone().filter(|_| !check) {
            let rows = cfg.recipients.len();
            return Outreach {
                status: Status::Scheduled,
                queues: (rows > 0)
                    .then(|| ZoneQueue::new(zone, Rows::Every(rows)))
                    .into_iter()
                    .collect(),
                duplicates: Vec::new(),
            };
        }
        // Sized up front: growing it by rehashing was 2 % of a large run.
        let mut seen = FxHashSet::with_capacity_and_hasher(
            if check { cfg.recipients.len() } else { 0 },
            Default::default(),
        );
        let mut dup_rows = Vec::new();
        let mut by_zone: Vec<(ZoneId, Vec<Row>)> = Vec::new();
        for (row, zone) in cfg.recipients.zones().enumerate() {
            if check && !seen.insert(cfg.recipients.phone(row)) {
                dup_rows.push(Row::new(row));
                continue;
            }
            let i = match by_zone.iter().position(|(z, _)| *z == zone) {
                Some(i) => i,
                None => {
                    by_zone.push((zone, Vec::new()));
                    by_zone.len() - 1
                }
            };
            by_zone[i].1.push(Row::new(row));
        }
        let queues = by_zone
            .into_iter()
            .map(|(zone, rows)| ZoneQueue::new(zone, Rows::Listed(rows)))
            .collect();
        Outreach {
            status: Status::Scheduled,
            queues,
            duplicates: dup_rows,
        }
    }

    /// The earliest-listed recipient whose local window is open at `now`, without taking it.
    pub fn pick(
        &mut self,
        now: Instant,
        schedule: Option<&WeeklySchedule>,
        zones: &[TimeZone],
        epoch: Epoch,
    ) -> Pick {
        let mut best: Option<Row> = None;
        let mut opens: Option<Instant> = None;
        let mut any_left = false;
        for q in self.queues.iter_mut() {
            let Some(head) = q.rows.get(q.next) else {
                continue;
            };
            any_left = true;
            if q.window
                .is_none_or(|(_, end)| end.is_some_and(|end| now >= end))
            {
                q.window = window_after(schedule, &zones[q.zone.index()], epoch, now);
            }
            match q.window {
                Some((start, _)) if start <= now => best = Some(best.map_or(head, |b| b.min(head))),
                Some((start, _)) => opens = Some(opens.map_or(start, |o| o.min(start))),
                None => {}
            }
        }
        match (best, opens) {
            (Some(row), _) => Pick::Row(row),
            (None, Some(t)) => Pick::WaitUntil(Some(t)),
            // Rows left but no window ever opens: nothing more can be sent.
            (None, None) if any_left => Pick::WaitUntil(None),
            (None, None) => Pick::Exhausted,
        }
    }

    /// Takes the row `pick` returned.
    pub fn take(&mut self, row: Row) {
        let q = self
            .queues
            .iter_mut()
            .find(|q| q.rows.get(q.next) == Some(row))
            .expect("take() follows pick()");
        q.next += 1;
    }

    /// Takes every row not yet handled, in list order (for the unreached count at a cutoff).
    pub fn drain(&mut self) -> Vec<Row> {
        let mut rest: Vec<Row> = self
            .queues
            .iter_mut()
            .flat_map(|q| {
                let (rows, from) = (&q.rows, q.next);
                q.next = rows.len();
                (from..rows.len()).filter_map(|i| rows.get(i))
            })
            .collect();
        rest.sort_unstable();
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::schedule::Range;
    use model::time::MINUTE;
    use model::{List, Recipient};

    fn outreach(recipients: List) -> Outreach {
        let cfg = OutreachConfig {
            start: Instant::START,
            end: None,
            stop_at: None,
            recipients,
        };
        Outreach::new(&cfg, Duplicates::SendOnce)
    }

    /// Picks and takes every hour of two days (a window of 09:00-11:00 UTC each day), draining
    /// what is left at `drain_at`: the rows sent, and the rows drained.
    fn play(mut o: Outreach, drain_at: usize) -> (Vec<Row>, Vec<Row>) {
        let days: [Vec<Range>; 7] = std::array::from_fn(|_| vec![(9 * 60, 11 * 60)]);
        let schedule = WeeklySchedule::new(days);
        let utc = [TimeZone::UTC];
        let epoch = Epoch("2026-12-01T00:00Z".parse().unwrap());
        let mut sent = Vec::new();
        for minute in 0..48 * 60 {
            if sent.len() == drain_at {
                break;
            }
            let now = Instant::START + minute * MINUTE;
            if let Pick::Row(row) = o.pick(now, Some(&schedule), &utc, epoch) {
                o.take(row);
                sent.push(row);
            }
        }
        (sent, o.drain())
    }

    #[test]
    fn a_made_up_list_in_one_zone_is_taken_as_the_same_rows_listed() {
        let zone = ZoneId::new(0);
        for len in [0, 1, 7, 500] {
            let made_up = List::generated_in(0xfeed, len, zone);
            let listed: List = made_up.iter().collect::<Vec<Recipient>>().into();
            for drain_at in [0, 1, len / 2, len] {
                let (a, b) = (outreach(made_up.clone()), outreach(listed.clone()));
                assert!(matches!(
                    a.queues.first().map(|q| &q.rows),
                    Some(Rows::Every(_)) | None
                ));
                assert!(matches!(
                    b.queues.first().map(|q| &q.rows),
                    Some(Rows::Listed(_)) | None
                ));
                let (sent, drained) = play(a, drain_at);
                assert_eq!((sent.clone(), drained.clone()), play(b, drain_at));
                assert_eq!(sent.len() + drained.len(), len, "every row once");
                assert!(sent.iter().chain(&drained).map(|r| r.index()).eq(0..len));
            }
        }
    }
}
