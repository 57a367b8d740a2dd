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
    rows: Vec<Row>,
    next: usize,
    /// The zone's current or next send window; recomputed once `now` passes its end.
    window: Option<(Instant, Option<Instant>)>,
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
        // Sized up front: growing it by rehashing was 2 % of a large run.
        let mut seen = FxHashSet::with_capacity_and_hasher(
            if check { cfg.recipients.len() } else { 0 },
            Default::default(),
        );
        let mut dup_rows = Vec::new();
        let mut queues: Vec<ZoneQueue> = Vec::new();
        for (row, zone) in cfg.recipients.zones().enumerate() {
            if check && !seen.insert(cfg.recipients.phone(row)) {
                dup_rows.push(Row::new(row));
                continue;
            }
            let row = Row::new(row);
            let q = match queues.iter_mut().position(|q| q.zone == zone) {
                Some(i) => &mut queues[i],
                None => {
                    queues.push(ZoneQueue {
                        zone,
                        rows: Vec::new(),
                        next: 0,
                        window: None,
                    });
                    queues.last_mut().expect("just pushed")
                }
            };
            q.rows.push(row);
        }
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
            let Some(&head) = q.rows.get(q.next) else {
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
            .find(|q| q.rows.get(q.next) == Some(&row))
            .expect("take() follows pick()");
        q.next += 1;
    }

    /// Takes every row not yet handled, in list order (for the unreached count at a cutoff).
    pub fn drain(&mut self) -> Vec<Row> {
        let mut rest: Vec<Row> = self
            .queues
            .iter_mut()
            .flat_map(|q| {
                let rows = &q.rows[q.next..];
                q.next = q.rows.len();
                rows.iter().copied()
            })
            .collect();
        rest.sort_unstable();
        rest
    }
}
