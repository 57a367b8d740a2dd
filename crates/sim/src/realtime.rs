//! The campaign engine on a tokio clock: it sleeps until the driver's next step, hands every SMS
//! to an async carrier, takes customer messages live from a channel and hands conversations to
//! async agents, whose answers go back to the engine when they come. The same engine and the same
//! [`Driver`] loop the simulator uses, so under tokio's paused clock it must do what the
//! simulator does, action for action (a differential test).
//!
//! Equal times are resolved by the driver, not by tokio's timer order (an internal, not a
//! promise): the engine's own timers go before outside happenings due at the same millisecond
//! (driver.rs), and outside happenings go in the order they reached the driver. That is why a
//! [`Message`] carries its own time and is sent ahead of it: it is queued before its millisecond
//! comes, so it goes before any agent's answer given at that millisecond, and answers given at
//! one millisecond go in the order the agents were handed their turns.

use std::future::{Future, pending, poll_fn};
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use engine::{Action, Config, Engine, Inbound};
use model::time::Instant;
use model::{
    AgentId, CampaignId, ConversationId, CustomerId, Destination, InboxId, NumberId, Phone,
    RecipientRef,
};
use tokio::sync::mpsc;

use crate::driver::{Driver, World};
use crate::queue::EventQueue;

/// The driver's clock: milliseconds since the run began, on tokio's clock (real time, or paused
/// time in tests). Whoever sends messages or plays the agents reads the same clock, so their
/// times name the same instants as the driver's.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: tokio::time::Instant,
}

impl Clock {
    /// A clock whose run begins now.
    pub fn starting_now() -> Self {
        Clock {
            start: tokio::time::Instant::now(),
        }
    }

    /// When `t` comes on tokio's clock.
    pub fn at(self, t: Instant) -> tokio::time::Instant {
        self.start + Duration::from_millis(t.as_millis())
    }

    /// Now, to the millisecond (rounded down, so never ahead of tokio's clock).
    pub fn now(self) -> Instant {
        let ms = self.start.elapsed().as_millis();
        Instant::from_millis(u64::try_from(ms).expect("a run shorter than 500 million years"))
    }
}

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

/// A customer's message, due at `at` on the driver's [`Clock`]: to a company number or straight to
/// an inbox, as [`engine::Inbound`] describes it. Send it before `at` (a live gateway stamps it
/// with [`Clock::now`] as it comes in); one that reaches the driver after `at` is taken at once,
/// since the driver cannot go back in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub at: Instant,
    pub phone: Phone,
    pub to: Destination,
    pub body: String,
    /// The sender's handle for this customer's thread, echoed in routing actions.
    pub customer: CustomerId,
    /// The conversation this message continues, if the customer had one.
    pub conversation: Option<ConversationId>,
    /// The campaign this message answers, if the sender knows it (rules on `campaign` look at
    /// it).
    pub campaign: Option<CampaignId>,
}

/// An agent starts on a customer's message: a conversation just assigned to them, or the
/// customer writing again within the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn {
    pub at: Instant,
    pub conversation: ConversationId,
    pub inbox: InboxId,
    pub agent: AgentId,
    pub customer: CustomerId,
}

/// An agent's answer. `close` ends the conversation and frees the agent's slot; otherwise the
/// agent keeps it while the customer may write again within the inbox's same-agent window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentReply {
    pub close: bool,
}

/// The agents as the platform sees them.
pub trait Agents {
    /// Hands `turn` to its agent; the future resolves when they answer, and the answer reaches the
    /// engine at that instant. The future must not borrow `self`: many agents work at once. For
    /// runs that must repeat exactly, it should be ready when its instant comes (a timer), not
    /// wait on another task, whose wake-up order tokio does not promise.
    fn handle(&mut self, turn: Turn) -> impl Future<Output = AgentReply> + 'static;
}

/// What comes from outside, queued in the order it is to be taken.
enum Happening {
    Message(Message),
    Answer {
        conversation: ConversationId,
        reply: AgentReply,
    },
}

/// An agent at work on one turn.
type Working = Pin<Box<dyn Future<Output = (ConversationId, AgentReply)>>>;

/// The outside on tokio's clock: what has arrived, who is at work, and the SMS waiting to be
/// handed to the carrier.
struct Live<'a, A> {
    agents: &'a mut A,
    arrived: EventQueue<Happening>,
    /// In the order the agents were handed their turns.
    working: Vec<Working>,
    outbox: Vec<Sms>,
    log: Vec<(Instant, Action)>,
}

impl<A: Agents> Live<'_, A> {
    fn start_turn(&mut self, turn: Turn) {
        let answer = self.agents.handle(turn);
        self.working
            .push(Box::pin(async move { (turn.conversation, answer.await) }));
    }
}

impl<A: Agents> World for Live<'_, A> {
    fn next_at(&self) -> Option<Instant> {
        self.arrived.peek_time()
    }

    fn advance(&mut self, now: Instant, engine: &mut Engine, decided: &mut Vec<Action>) {
        match self.arrived.pop().expect("the driver saw it coming").1 {
            Happening::Message(m) => {
                let msg = Inbound {
                    phone: m.phone,
                    to: m.to,
                    body: &m.body,
                    customer: m.customer,
                    conversation: m.conversation,
                    campaign: m.campaign,
                };
                engine.on_inbound(now, msg, decided);
            }
            Happening::Answer {
                conversation,
                reply,
            } => engine.on_agent_reply(now, conversation, reply.close, decided),
        }
    }

    fn carry_out(&mut self, now: Instant, decided: &[Action]) {
        for &action in decided {
            match action {
                Action::Send { to, phone, number } => self.outbox.push(Sms {
                    at: now,
                    to,
                    phone,
                    number,
                }),
                Action::Assign {
                    conversation,
                    inbox,
                    agent,
                    customer,
                }
                | Action::Handle {
                    conversation,
                    inbox,
                    agent,
                    customer,
                } => self.start_turn(Turn {
                    at: now,
                    conversation,
                    inbox,
                    agent,
                    customer,
                }),
                _ => {}
            }
            self.log.push((now, action));
        }
    }
}

/// What the driver waits for next.
enum Outside {
    Answer(ConversationId, AgentReply),
    Message(Message),
    /// No more messages will come.
    Closed,
    /// The driver's next step (or the horizon) has come.
    Due,
}

/// Runs the engine on `clock` until it has nothing left to do and nothing more can come from
/// outside (or until `until`): SMS go to `carrier`, messages come from `inbound`, conversations go
/// to `agents`. Returns every action with the instant it was taken, the end of run's included.
pub async fn drive(
    config: Config,
    clock: Clock,
    carrier: &mut impl Carrier,
    agents: &mut impl Agents,
    inbound: mpsc::Receiver<Message>,
    until: Option<Instant>,
) -> Vec<(Instant, Action)> {
    let live = Live {
        agents,
        arrived: EventQueue::new(),
        working: Vec::new(),
        outbox: Vec::new(),
        log: Vec::new(),
    };
    let mut driver = Driver::new(Engine::new(config), live, until);
    let mut inbound = Some(inbound);
    loop {
        for sms in std::mem::take(&mut driver.world.outbox) {
            carrier.submit(sms).await;
        }
        let next = driver.next().map(|(t, _)| t);
        let more_may_come = inbound.is_some() || !driver.world.working.is_empty();
        // With nothing due, wait for the outside: until the horizon, or for as long as it takes.
        let wake = match next {
            Some(t) => Some(t),
            None if more_may_come => until,
            None => break,
        };
        let world = &mut driver.world;
        match outside(&mut world.working, &mut inbound, wake.map(|t| clock.at(t))).await {
            Outside::Answer(conversation, reply) => world.arrived.push(
                clock.now(),
                Happening::Answer {
                    conversation,
                    reply,
                },
            ),
            Outside::Message(m) => world
                .arrived
                .push(m.at.max(clock.now()), Happening::Message(m)),
            Outside::Closed => inbound = None,
            Outside::Due if next.is_none() => break,
            Outside::Due => {
                driver.step();
            }
        }
    }
    driver.finish().world.log
}

/// Waits for the next thing from outside, or for `wake`. Answers and messages that are in are
/// queued before a step due at the same instant is taken, so no step overtakes them; the order
/// is fixed (`biased`), not drawn at random as `select!` otherwise does.
async fn outside(
    working: &mut Vec<Working>,
    inbound: &mut Option<mpsc::Receiver<Message>>,
    wake: Option<tokio::time::Instant>,
) -> Outside {
    tokio::select! {
        biased;
        (conversation, reply) = answered(working) => Outside::Answer(conversation, reply),
        message = received(inbound) => message.map_or(Outside::Closed, Outside::Message),
        () = sleep_until(wake) => Outside::Due,
    }
}

/// The first agent, in the order they were handed their turns, who has answered.
async fn answered(working: &mut Vec<Working>) -> (ConversationId, AgentReply) {
    poll_fn(|cx| {
        let done = working
            .iter_mut()
            .enumerate()
            .find_map(|(i, w)| match w.as_mut().poll(cx) {
                Poll::Ready(answer) => Some((i, answer)),
                Poll::Pending => None,
            });
        match done {
            Some((i, answer)) => {
                drop(working.remove(i));
                Poll::Ready(answer)
            }
            None => Poll::Pending,
        }
    })
    .await
}

/// The next message; `None` once every sender is gone. Once the driver has seen that (`inbound`
/// is `None`), it never resolves.
async fn received(inbound: &mut Option<mpsc::Receiver<Message>>) -> Option<Message> {
    match inbound {
        Some(rx) => rx.recv().await,
        None => pending().await,
    }
}

async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(t) => tokio::time::sleep_until(t).await,
        None => pending().await,
    }
}
