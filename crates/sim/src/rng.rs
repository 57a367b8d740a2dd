//! Randomness as a pure function of (seed, entity, purpose).
//!
//! Every draw comes from a ChaCha8 stream keyed by the run seed, the entity it belongs to (a
//! campaign by name, a recipient by campaign/outreach/row, a conversation message...) and what it is
//! for. So draws never depend on event order or thread, adding a campaign leaves the others' draws
//! untouched, and "one more agent" meets exactly the same customers (common random numbers).
//!
//! Two draws are made for every SMS (the carrier's verdict, the recipient's reply), and keying a
//! fresh ChaCha8 stream costs four blocks of output however little is read. So a recipient's
//! draws for both are one block of a [`Lane`], the stream of its outreach, at a position fixed by
//! its row (the verdict reads the block's first six words, the reply the next eight, and the last
//! two are kept for the handling time of the recipient's first message, should they write):
//! recipients are mostly drawn in list order, and then four share one refill.

use std::convert::Infallible;

use rand::{Rng, RngExt, SeedableRng, TryRng};
use rand_chacha::ChaCha8Rng;

pub type Stream = ChaCha8Rng;

/// What a stream is used for; part of its key so two purposes never share draws.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    ReplyRate = 1,
    Carrier = 2,
    Reply = 3,
    CustomerMessage = 4,
    AgentHandle = 5,
    Background = 6,
    Population = 7,
    Overlap = 8,
    /// A recipient's SMS: its carrier verdict and reply, each continued by a stream of its own
    /// purpose when its words of the block run out, and two words kept for the handling time
    /// of the first message they write ([`Lane::first_handle`]).
    Sms = 9,
}

/// Which words of a recipient's block a draw reads. A verdict needs four (an outcome, a
/// latency), six with a rejection sampler's retry; a reply two when there is none, and
/// six or more when there is one (rate, delay, body, each follow-up trial).
#[derive(Debug, Clone, Copy)]
pub enum SmsDraw {
    Carrier,
    Reply,
}

impl SmsDraw {
    fn words(self) -> std::ops::Range<usize> {
        match self {
            SmsDraw::Carrier => 0..6,
            SmsDraw::Reply => 6..FIRST_HANDLE.start,
        }
    }

    fn purpose(self) -> Purpose {
        match self {
            SmsDraw::Carrier => Purpose::Carrier,
            SmsDraw::Reply => Purpose::Reply,
        }
    }
}

/// A stable 64-bit key for a name (FNV-1a): the same on every machine and build.
pub fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Folds key words into one 64-bit key, order-sensitively.
pub fn key(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15, |h, &p| key_then(h, p))
}

/// The key of `parts` and then `part`, from the key of `parts`: `key(&[a, b, c])` is
/// `key_then(key(&[a, b]), c)`, so many keys sharing a prefix fold it once.
pub fn key_then(prefix: u64, part: u64) -> u64 {
    mix(prefix ^ mix(part.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

pub fn stream(seed: u64, purpose: Purpose, entity: &[u64]) -> Stream {
    let mut k = key(&[seed, purpose as u64]);
    for &e in entity {
        k = key(&[k, e]);
    }
    ChaCha8Rng::seed_from_u64(k)
}

/// 32-bit words in one ChaCha block, the draws each row of a lane owns.
const BLOCK: usize = 16;
/// A row's words for the handling time of its recipient's first message ([`Lane::first_handle`]).
const FIRST_HANDLE: std::ops::Range<usize> = 14..BLOCK;
/// Blocks ChaCha8 computes at once, and so the rows a lane reads from one refill.
const REFILL: u64 = 4;

/// The SMS stream of one outreach's recipients: row `r` owns words `16r..16r+16`.
/// The last two refills are kept, as recipients' carrier verdicts come back and their replies
/// are drawn a little out of list order.
pub struct Lane {
    rng: Stream,
    kept: [(u64, [u32; BLOCK * REFILL as usize]); 2],
    /// Which of `kept` to overwrite next.
    older: usize,
    /// The refill `rng` stands at: rows are mostly drawn in order, and seeking costs more than
    /// the words of a row.
    at: u64,
    seed: u64,
    entity: [u64; 2],
}

impl Lane {
    /// The lane of an outreach, named as in [`RowDraws`]' fallback: `campaign` is the
    /// campaign's key, `outreach` its outreach's number.
    pub fn new(seed: u64, campaign: u64, outreach: u64) -> Lane {
        Lane {
            rng: stream(seed, Purpose::Sms, &[campaign, outreach]),
            kept: [(u64::MAX, [0; BLOCK * REFILL as usize]); 2],
            older: 0,
            at: 0,
            seed,
            entity: [campaign, outreach],
        }
    }

    /// Row `row`'s draws for `what`.
    pub fn row(&mut self, row: u64, what: SmsDraw) -> RowDraws<'_> {
        let then = Then {
            seed: self.seed,
            purpose: what.purpose(),
            entity: Entity::Row([self.entity[0], self.entity[1], row]),
        };
        RowDraws {
            words: &self.block(row)[what.words()],
            used: 0,
            overflow: None,
            then,
        }
    }

    /// The words row `row` keeps for the handling time of the first message its recipient
    /// writes, if they write: that draw comes when an agent takes the message up, long after
    /// the lane has moved on, so they are copied out when the reply is drawn.
    pub fn first_handle(&mut self, row: u64) -> Kept {
        let block = self.block(row);
        Kept([block[FIRST_HANDLE.start], block[FIRST_HANDLE.start + 1]])
    }

    fn block(&mut self, row: u64) -> &[u32] {
        let refill = row / REFILL;
        let slot = match self.kept.iter().position(|k| k.0 == refill) {
            Some(slot) => slot,
            None => {
                let slot = self.older;
                if self.at != refill {
                    self.rng
                        .set_word_pos(u128::from(refill * REFILL) * BLOCK as u128);
                }
                let (at, words) = &mut self.kept[slot];
                *at = refill;
                self.rng.fill(&mut words[..]);
                self.at = refill + 1;
                slot
            }
        };
        self.older = 1 - slot;
        let from = (row % REFILL) as usize * BLOCK;
        &self.kept[slot].1[from..from + BLOCK]
    }
}

/// Two words of a row kept for a draw made later ([`Lane::first_handle`]).
#[derive(Debug, Clone, Copy)]
pub struct Kept([u32; 2]);

impl Kept {
    /// Draws that read the kept words first, then go on in the stream of `message` (a
    /// customer's key and the message's number) for `purpose`: the stream the draw would have
    /// come from without them.
    pub fn draws(&self, seed: u64, purpose: Purpose, message: [u64; 2]) -> RowDraws<'_> {
        RowDraws {
            words: &self.0,
            used: 0,
            overflow: None,
            then: Then {
                seed,
                purpose,
                entity: Entity::Message(message),
            },
        }
    }
}

/// Some words of a row's block of its lane, read in order; a draw that needs more words than
/// that (a reply with several follow-ups, a rejection sampler's retries) goes on in the stream
/// `then` names.
pub struct RowDraws<'a> {
    words: &'a [u32],
    used: usize,
    /// Boxed, as it is rarely made and a row's draws are made and moved for every SMS.
    overflow: Option<Box<Stream>>,
    then: Then,
}

/// The stream a row's draws go on in: that of their entity, for their purpose.
struct Then {
    seed: u64,
    purpose: Purpose,
    entity: Entity,
}

enum Entity {
    /// A recipient: the campaign's key, the outreach, the row.
    Row([u64; 3]),
    /// A customer's message ([`Kept`] words): the customer's key, the message's number.
    Message([u64; 2]),
}

impl RowDraws<'_> {
    /// The next word past the block's (rarely needed, so kept out of the readers' way).
    #[cold]
    #[inline(never)]
    fn overflow_u32(&mut self) -> u32 {
        let Then {
            seed,
            purpose,
            ref entity,
        } = self.then;
        let entity: &[u64] = match entity {
            Entity::Row(row) => row,
            Entity::Message(message) => message,
        };
        self.overflow
            .get_or_insert_with(|| Box::new(stream(seed, purpose, entity)))
            .next_u32()
    }
}

impl TryRng for RowDraws<'_> {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        if let Some(&word) = self.words.get(self.used) {
            self.used += 1;
            return Ok(word);
        }
        Ok(self.overflow_u32())
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = u64::from(self.next_u32());
        let hi = u64::from(self.next_u32());
        Ok(hi << 32 | lo)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let w = self.next_u32().to_le_bytes();
            chunk.copy_from_slice(&w[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn a_key_folds_its_parts_one_after_another() {
        assert_eq!(key(&[7, 1, 3]), key_then(key(&[7, 1]), 3));
        assert_eq!(key(&[7]), key_then(key(&[]), 7));
        assert_ne!(key(&[7, 1, 3]), key_then(key(&[7, 3]), 1));
    }

    #[test]
    fn streams_depend_only_on_their_key() {
        let a: u64 = stream(42, Purpose::Reply, &[7, 1, 3]).random();
        let b: u64 = stream(42, Purpose::Reply, &[7, 1, 3]).random();
        let c: u64 = stream(42, Purpose::Reply, &[7, 1, 4]).random();
        let d: u64 = stream(42, Purpose::Carrier, &[7, 1, 3]).random();
        let e: u64 = stream(43, Purpose::Reply, &[7, 1, 3]).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && a != e);
    }

    #[test]
    fn a_row_draws_the_same_however_its_lane_was_read_before() {
        let draw = |rows: &[u64]| -> Vec<u64> {
            let mut lane = Lane::new(42, 7, 1);
            rows.iter()
                .map(|&r| {
                    let mut d = lane.row(r, SmsDraw::Reply);
                    // Past the row's words, into the overflow stream.
                    (0..12).map(|_| d.next_u64()).last().unwrap()
                        ^ lane.row(r, SmsDraw::Reply).next_u64()
                        ^ lane.row(r, SmsDraw::Carrier).next_u64()
                })
                .collect()
        };
        // In order, the lane reads refill after refill without seeking; shuffled, it seeks back
        // to refills it let go.
        let ordered: Vec<u64> = (0..14).chain([500, 501]).collect();
        let shuffled = [501, 3, 0, 13, 9, 2, 500, 1, 12, 4, 8, 5, 11, 6, 10, 7];
        let in_order = draw(&ordered);
        let out_of_order = draw(&shuffled);
        let by_row =
            |v: &[u64], rows: &[u64], r: u64| v[rows.iter().position(|&x| x == r).unwrap()];
        for &r in &ordered {
            assert_eq!(
                by_row(&in_order, &ordered, r),
                by_row(&out_of_order, &shuffled, r)
            );
        }
        assert_ne!(in_order[0], in_order[1]);
    }

    /// Row `r` of a lane is words `16r..16r+16` of its stream, however the lane got there:
    /// refill after refill, jumps of one and two refills, back to one let go or kept.
    #[test]
    fn a_lanes_rows_are_its_streams_words_sixteen_at_a_time() {
        let mut lane = Lane::new(42, 7, 1);
        let mut direct = stream(42, Purpose::Sms, &[7, 1]);
        for row in (0..13).chain([17, 25, 26, 2, 40, 1, 41]) {
            direct.set_word_pos(u128::from(row) * BLOCK as u128);
            let words: Vec<u32> = (0..BLOCK).map(|_| direct.next_u32()).collect();
            assert_eq!(lane.block(row), &words[..], "row {row}");
        }
    }

    #[test]
    fn kept_words_are_the_rows_last_two_then_the_messages_own_stream() {
        let mut lane = Lane::new(42, 7, 1);
        let mut reply = lane.row(5, SmsDraw::Reply);
        let reply_words: Vec<u32> = (0..8).map(|_| reply.next_u32()).collect();
        let first_handle = lane.first_handle(5);
        let mut kept = first_handle.draws(42, Purpose::AgentHandle, [99, 1]);
        let (a, b) = (kept.next_u32(), kept.next_u32());
        // The reply's eight words, then the kept two, are the row's block in order: none shared.
        let mut whole = stream(42, Purpose::Sms, &[7, 1]);
        whole.set_word_pos(5 * BLOCK as u128 + 6);
        let block: Vec<u32> = (0..10).map(|_| whole.next_u32()).collect();
        assert_eq!(block[..8], reply_words[..]);
        assert_eq!(block[8..], [a, b]);
        // Past them, the stream the message's handling time draws from without kept words.
        let mut own = stream(42, Purpose::AgentHandle, &[99, 1]);
        assert_eq!(kept.next_u64(), own.next_u64());
    }

    #[test]
    fn rows_lanes_and_purposes_draw_apart() {
        let first = |what, campaign, outreach, row| -> u64 {
            Lane::new(42, campaign, outreach).row(row, what).next_u64()
        };
        let a = first(SmsDraw::Carrier, 7, 1, 3);
        assert_eq!(a, first(SmsDraw::Carrier, 7, 1, 3));
        for other in [
            first(SmsDraw::Carrier, 7, 1, 4),
            first(SmsDraw::Carrier, 7, 2, 3),
            first(SmsDraw::Carrier, 8, 1, 3),
            first(SmsDraw::Reply, 7, 1, 3),
        ] {
            assert_ne!(a, other);
        }
    }
}
