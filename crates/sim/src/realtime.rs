//! The campaign engine on a tokio clock: it sleeps until the engine's next wake-up and hands
//! every SMS to an async carrier. The same engine the simulator drives, so under tokio's paused
//! clock the send schedule must equal the simulator's, send for send (a differential test).
//!
//! Equal times are resolved here, not by tokio's timer order (an internal, not a promise): the
//! engine's own timers go before outside messages due at the same millisecond, as in `sim`.

use std::future::Future;
use std::time::Duration;

use engine::{Action, Config, Destination, Engine, Inbound};
use model::Phone;
use model::time::Millis;

/// One SMS the platform hands to the carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sms {
    pub at: Millis,
    pub campaign: u32,
    pub outreach: u32,
    pub row: u32,
    pub phone: Phone,
    pub number: u32,
}

/// The carrier as the platform sees it. `submit` must not wait for delivery: it returns once the
/// carrier has the message, so the limiter's schedule is not held up by carrier latency.
pub trait Carrier {
    fn submit(&mut self, sms: Sms) -> impl Future<Output = ()>;
}

/// A message from a customer to a company number, due at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub at: Millis,
    pub phone: Phone,
    pub number: u32,
    pub body: String,
}

/// Runs the engine until it has nothing left to do (or `until`), feeding `messages` in at their
/// times; returns every action with the virtual time it was taken.
pub async fn drive(
    config: Config,
    carrier: &mut impl Carrier,
    mut messages: Vec<Message>,
    until: Option<Millis>,
) -> Vec<(Millis, Action)> {
    messages.sort_by_key(|m| m.at);
    let mut messages = messages.into_iter().peekable();
    let mut engine = Engine::new(config);
    let start = tokio::time::Instant::now();
    let mut log = Vec::new();
    let mut actions = Vec::new();
    loop {
        let engine_at = engine.next_wakeup();
        let message_at = messages.peek().map(|m| m.at);
        let Some(t) = [engine_at, message_at].into_iter().flatten().min() else {
            break;
        };
        if until.is_some_and(|u| t >= u) {
            break;
        }
        tokio::time::sleep_until(start + Duration::from_millis(t)).await;
        if engine_at == Some(t) {
            engine.on_tick(t, &mut actions);
        } else {
            let m = messages.next().expect("peeked");
            let msg = Inbound {
                phone: m.phone,
                to: Destination::Number(m.number),
                body: &m.body,
                customer: 0,
                conversation: None,
            };
            engine.on_inbound(t, msg, &mut actions);
        }
        for action in actions.drain(..) {
            if let Action::Send {
                campaign,
                outreach,
                row,
                phone,
                number,
            } = action
            {
                carrier
                    .submit(Sms {
                        at: t,
                        campaign,
                        outreach,
                        row,
                        phone,
                        number,
                    })
                    .await;
            }
            log.push((t, action));
        }
    }
    log
}
