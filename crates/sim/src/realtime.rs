//! The campaign engine on a tokio clock: it sleeps until the driver's next step and hands every
//! SMS to an async carrier. The same engine and the same [`Driver`] loop the simulator uses, so
//! under tokio's paused clock the send schedule must equal the simulator's, send for send (a
//! differential test).
//!
//! Equal times are resolved by the driver, not by tokio's timer order (an internal, not a
//! promise): the engine's own timers go before outside messages due at the same millisecond.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use engine::{Action, Config, Engine, Inbound};
use model::time::Instant;
use model::{CustomerId, Destination, NumberId, Phone, RecipientRef};

use crate::driver::{Driver, World};

/// One SMS the platform hands to the carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sms {
    pub at: Instant,
    pub to: RecipientRef,
    pub phone: Phone,
    pub number: NumberId,
}

/// The carrier as the platform sees it. `submit` must not wait for delivery: it returns once the
/// carrier has the message, so the limiter's schedule is not held up by carrier latency.
pub trait Carrier {
    fn submit(&mut self, sms: Sms) -> impl Future<Output = ()>;
}

/// A message from a customer to a company number, due at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub at: Instant,
    pub phone: Phone,
    pub number: NumberId,
    pub body: String,
}

/// Messages due at set times, and the SMS waiting to be handed to the carrier.
struct Live {
    messages: VecDeque<Message>,
    outbox: Vec<Sms>,
    log: Vec<(Instant, Action)>,
}

impl World for Live {
    fn next_at(&self) -> Option<Instant> {
        self.messages.front().map(|m| m.at)
    }

    fn advance(&mut self, now: Instant, engine: &mut Engine, decided: &mut Vec<Action>) {
        let m = self.messages.pop_front().expect("the driver saw it coming");
        let msg = Inbound {
            phone: m.phone,
            to: Destination::Number(m.number),
            body: &m.body,
            customer: CustomerId::new(0),
            conversation: None,
        };
        engine.on_inbound(now, msg, decided);
    }

    fn carry_out(&mut self, now: Instant, decided: &[Action]) {
        for &action in decided {
            if let Action::Send { to, phone, number } = action {
                self.outbox.push(Sms {
                    at: now,
                    to,
                    phone,
                    number,
                });
            }
            self.log.push((now, action));
        }
    }
}

/// Runs the engine until it has nothing left to do (or `until`), feeding `messages` in at their
/// times; returns every action with the virtual time it was taken.
pub async fn drive(
    config: Config,
    carrier: &mut impl Carrier,
    mut messages: Vec<Message>,
    until: Option<Instant>,
) -> Vec<(Instant, Action)> {
    messages.sort_by_key(|m| m.at);
    let live = Live {
        messages: messages.into(),
        outbox: Vec::new(),
        log: Vec::new(),
    };
    let mut driver = Driver::new(Engine::new(config), live, until);
    let start = tokio::time::Instant::now();
    while let Some((t, _)) = driver.next() {
        tokio::time::sleep_until(start + Duration::from_millis(t.as_millis())).await;
        driver.step();
        for sms in std::mem::take(&mut driver.world.outbox) {
            carrier.submit(sms).await;
        }
    }
    driver.world.log
}
