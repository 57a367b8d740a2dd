//! Mock customers: whether a texted customer replies, when, with what, and how the conversation
//! goes on. Each campaign has its own model; background traffic uses the scenario's defaults.

use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;

use super::sampler::Sampler;
use model::time::Span;
use rand::Rng;
use scenario::{Customers, ReplyStyle};

pub struct CustomerModel {
    /// Probability that a delivered SMS gets a reply, drawn for this run.
    pub reply_rate: f64,
    reply_delay: Sampler,
    bodies: Vec<String>,
    body_weights: WeightedIndex<f64>,
    follow_ups: Sampler,
    think_time: Sampler,
}

/// The customer's first message.
pub struct Reply {
    pub after: Span,
    pub body: u32,
    /// Customer messages in the conversation, this one included.
    pub messages: u32,
}

impl CustomerModel {
    /// `rate_rng` draws the campaign's reply rate; the message wording scales it.
    pub fn new(c: &Customers, style: ReplyStyle, rate_rng: &mut impl Rng) -> Self {
        let scale = match style {
            ReplyStyle::Invite => 1.5,
            ReplyStyle::Neutral => 1.0,
            ReplyStyle::Discourage => 0.5,
        };
        let drawn = Sampler::new(&c.reply_rate).sample(rate_rng);
        CustomerModel {
            reply_rate: (drawn * scale).clamp(0.0, 1.0),
            reply_delay: Sampler::new(&c.reply_delay),
            bodies: c.replies.iter().map(|(b, _)| b.clone()).collect(),
            body_weights: WeightedIndex::new(c.replies.iter().map(|(_, w)| *w))
                .expect("reply weights are checked when the scenario is read"),
            follow_ups: Sampler::new(&c.follow_ups),
            think_time: Sampler::new(&c.think_time),
        }
    }

    /// Whether (and how) the recipient of a delivered SMS answers.
    pub fn reply(&self, rng: &mut impl Rng) -> Option<Reply> {
        if !self.answers(rng) {
            return None;
        }
        Some(Reply {
            after: self.reply_delay.span(rng),
            body: self.body_weights.sample(rng) as u32,
            messages: self.follow_ups.count(rng),
        })
    }

    /// Whether the recipient of a delivered SMS answers: the first draw of [`CustomerModel::reply`],
    /// without drawing the answer.
    pub fn answers(&self, rng: &mut impl Rng) -> bool {
        rng.random::<f64>() < self.reply_rate
    }

    pub fn body(&self, index: u32) -> &str {
        &self.bodies[index as usize]
    }

    pub fn messages(&self, rng: &mut impl Rng) -> u32 {
        self.follow_ups.count(rng)
    }

    pub fn think_time(&self, rng: &mut impl Rng) -> Span {
        self.think_time.span(rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use scenario::Dist;

    fn model(rate: f64) -> CustomerModel {
        let c = Customers {
            reply_rate: Dist::Fixed(rate),
            reply_delay: Dist::Exponential { mean: 600.0 },
            replies: vec![("STOP".into(), 1.0), ("Where is my order?".into(), 9.0)],
            follow_ups: Dist::Geometric { mean: 1.5 },
            think_time: Dist::Exponential { mean: 120.0 },
        };
        CustomerModel::new(&c, ReplyStyle::Neutral, &mut ChaCha8Rng::seed_from_u64(0))
    }

    /// The send decides whether a recipient answers with `answers`, the verdict draws the
    /// answer with `reply`: from the same words, they must agree.
    #[test]
    fn answers_says_whether_reply_answers() {
        for rate in [0.0, 0.1, 0.5, 1.0] {
            let m = model(rate);
            let mut yes = 0;
            for seed in 0..2000 {
                let answers = m.answers(&mut ChaCha8Rng::seed_from_u64(seed));
                let reply = m.reply(&mut ChaCha8Rng::seed_from_u64(seed));
                assert_eq!(answers, reply.is_some(), "rate {rate}, seed {seed}");
                yes += u32::from(answers);
            }
            let share = f64::from(yes) / 2000.0;
            assert!((share - rate).abs() < 0.05, "rate {rate}: {share} answered");
        }
    }
}
