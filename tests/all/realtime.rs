//! The engine on tokio's paused clock must do exactly what it does in the simulator: given what
//! the simulated customers and agents did, the async driver takes the same actions at the same
//! milliseconds.

use std::collections::{HashMap, VecDeque};
use std::future::{Future, pending};
use std::time::Duration;

use engine::Action;
use model::record::Record;
use model::time::{Instant, MINUTE, Span};
use model::{
    CampaignId, ConversationId, CustomerId, Destination, InboxId, Phone, RecipientRef, SkipReason,
    Source, Status,
};
use scenario::Scenario;
use sim::realtime::{self, AgentReply, Agents, Carrier, Clock, Message, Sms, Turn};
use tokio::sync::mpsc;

use crate::common::{run_audited, sends, shipped};

/// Accepts every SMS and "delivers" it later on its own task, as a real carrier client would.
struct MockCarrier {
    accepted: Vec<Sms>,
}

impl Carrier for MockCarrier {
    async fn submit(&mut self, sms: Sms) {
        self.accepted.push(sms);
        tokio::spawn(async { tokio::time::sleep(Duration::from_secs(3)).await });
    }
}

/// How long before its time a replayed message reaches the driver. Any lead will do: the message
/// must be queued before its millisecond comes, so the driver, not tokio, orders it among the
/// answers given at that millisecond.
const AHEAD: Span = Span::from_millis(1);

/// Sends `messages` (in time order) from a task of their own, each just before it is due, as a
/// gateway would while the driver runs; the channel closes after the last.
fn live(clock: Clock, messages: Vec<Message>) -> mpsc::Receiver<Message> {
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(async move {
        for m in messages {
            tokio::time::sleep_until(clock.at(m.at.saturating_sub(AHEAD))).await;
            tx.send(m)
                .await
                .expect("the driver listens until the horizon");
        }
    });
    rx
}

#[tokio::test(start_paused = true)]
async fn the_async_driver_sends_exactly_what_the_simulator_sends() {
    for name in ["single-500.toml", "launch.toml"] {
        let scn = shipped(name);
        let o = run_audited(&scn, 42);
        let sim_sends = sends(&o.trace);
        // Replay what the simulated customers asked of the platform (STOP / START).
        let messages: Vec<Message> = o
            .trace
            .iter()
            .filter_map(|&(at, r)| {
                let (body, phone, number) = match r {
                    Record::OptOut { phone, number, .. } => ("STOP", phone, number),
                    Record::OptIn { phone, number, .. } => ("START", phone, number),
                    _ => return None,
                };
                Some(Message {
                    at,
                    phone,
                    to: Destination::Number(number),
                    body: body.into(),
                    customer: CustomerId::new(0),
                    conversation: None,
                    campaign: None,
                })
            })
            .collect();
        let config = sim::engine_config(&scn, sim::population::build(&scn).lists);
        let mut carrier = MockCarrier {
            accepted: Vec::new(),
        };
        let clock = Clock::starting_now();
        let inbound = live(clock, messages);
        let log = realtime::drive(
            config,
            clock,
            &mut carrier,
            // No conversation was replayed: handing an agent a turn fails the test.
            &mut ReplayedAgents {
                clock,
                turns: Vec::new(),
            },
            inbound,
            scn.until,
        )
        .await;
        let rt_sends: Vec<(Instant, RecipientRef)> = log
            .iter()
            .filter_map(|&(t, a)| match a {
                Action::Send { to, .. } => Some((t, to)),
                _ => None,
            })
            .collect();
        assert_eq!(rt_sends.len(), sim_sends.len(), "{name}");
        assert!(rt_sends == sim_sends, "{name}: the send schedules differ");
        assert_eq!(carrier.accepted.len(), sim_sends.len());
        let last = sim_sends.last().unwrap().0;
        assert!(
            clock.now() >= last,
            "the driver slept on tokio's clock until its last send"
        );
        if name == "launch.toml" {
            let skipped = log
                .iter()
                .filter(|(_, a)| {
                    matches!(
                        a,
                        Action::Skip {
                            reason: SkipReason::OptedOut,
                            ..
                        }
                    )
                })
                .count();
            assert!(
                skipped > 0,
                "the replayed opt-outs made the engine skip someone"
            );
        }
    }
}

/// The shipped scenarios, and launch once more with a two-minute same-agent window: its customers
/// think two minutes on average, so many sessions run out and free the agent before they write
/// again (with the default fifteen minutes, hardly any do).
fn with_conversations() -> Vec<(&'static str, Scenario)> {
    let mut short_sessions = shipped("launch.toml");
    for inbox in &mut short_sessions.inboxes {
        inbox.same_agent_window = 2 * MINUTE;
    }
    let mut with_rules = launch_with_rules();
    for inbox in &mut with_rules.inboxes {
        inbox.same_agent_window = 2 * MINUTE;
    }
    vec![
        ("single-500", shipped("single-500.toml")),
        ("launch", shipped("launch.toml")),
        ("launch, two-minute sessions", short_sessions),
        ("launch with rules and a boost", with_rules),
    ]
}

/// The launch scenario with routing rules on every condition the live driver must pass on
/// (the campaign a message answers, its words, its inbox), each kind of action, and a boost.
fn launch_with_rules() -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/launch.toml");
    let text = std::fs::read_to_string(&path).unwrap()
        + r#"
[[rules]]
name = "VIP replies get a topic"
when = { campaign = "VIP early access" }
then = { add_topic = "VIP" }
[[rules]]
name = "Thanks need no reply"
when = { body_words = ["thanks"] }
then = { no_reply_needed = true, auto_reply = "You're welcome!" }
[[rules]]
name = "Orders to Support"
when = { body_contains = "order", inbox = "Campaign Replies" }
then = { move_to_inbox = "Support" }
[[boosts]]
name = "VIP first"
size = "large"
when = { topic = "VIP" }
"#;
    Scenario::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(start_paused = true)]
async fn with_live_customers_and_agents_the_async_driver_does_what_the_simulator_does() {
    let (mut handled, mut closes, mut session_ends, mut to_inboxes) = (0, 0, 0, 0);
    let (mut reopened, mut by_campaign_rule) = (0, 0);
    for (name, scn) in with_conversations() {
        let o = run_audited(&scn, 42);
        let replay = Replay::read(&scn, &o.trace);
        let config = sim::engine_config(&scn, sim::population::build(&scn).lists);
        let mut carrier = MockCarrier {
            accepted: Vec::new(),
        };
        let clock = Clock::starting_now();
        let mut agents = ReplayedAgents {
            clock,
            turns: replay.turns(),
        };
        let inbound = live(clock, replay.messages.clone());
        let log =
            realtime::drive(config, clock, &mut carrier, &mut agents, inbound, scn.until).await;

        if let Some(i) =
            (0..log.len().max(replay.actions.len())).find(|&i| log.get(i) != replay.actions.get(i))
        {
            panic!(
                "{name}: action {i} of {} differs: the async driver {:?}, the simulator {:?}",
                replay.actions.len(),
                log.get(i),
                replay.actions.get(i)
            );
        }
        assert!(
            agents.turns.iter().all(VecDeque::is_empty),
            "{name}: every turn the simulator's agents took was handed out"
        );
        assert_eq!(carrier.accepted.len(), sends(&o.trace).len(), "{name}");
        handled += log
            .iter()
            .filter(|(_, a)| matches!(a, Action::Handle { .. }))
            .count();
        closes += replay.closes();
        reopened += count(&log, |a| matches!(a, Action::Reopen { .. }));
        by_campaign_rule += count(
            &log,
            |a| matches!(a, Action::RuleFired { rule, .. } if rule.index() == 0),
        );
        session_ends += replay.session_ends;
        to_inboxes += replay
            .messages
            .iter()
            .filter(|m| matches!(m.to, Destination::Inbox(_)))
            .count();
    }
    // Not vacuous: customers wrote again within sessions, agents closed conversations, sessions
    // ran out (and their customers reopened them), messages came to inboxes as well as to
    // numbers, and rules fired on the campaign a message answers.
    assert!(handled > 0 && closes > 0 && session_ends > 0 && to_inboxes > 0);
    assert!(reopened > 0 && by_campaign_rule > 0);
}

fn count(log: &[(Instant, Action)], pick: impl Fn(&Action) -> bool) -> usize {
    log.iter().filter(|(_, a)| pick(a)).count()
}

/// Agents who take each turn when the simulator's agents did, and answer when they did.
struct ReplayedAgents {
    clock: Clock,
    /// Each conversation's turns, in order ([`Replay::turns`]).
    turns: Vec<VecDeque<(Instant, Option<Answer>)>>,
}

impl Agents for ReplayedAgents {
    fn handle(&mut self, turn: Turn) -> impl Future<Output = AgentReply> + 'static {
        let (started, answer) = self
            .turns
            .get_mut(turn.conversation.index())
            .and_then(VecDeque::pop_front)
            .unwrap_or_else(|| panic!("the simulator's agents took no such turn: {turn:?}"));
        assert_eq!(turn.at, started, "{turn:?} began when the simulator's did");
        let clock = self.clock;
        async move {
            let Some(Answer { at, close }) = answer else {
                return pending().await;
            };
            tokio::time::sleep_until(clock.at(at)).await;
            AgentReply { close }
        }
    }
}

/// An agent's answer in the simulator, as its records tell it.
#[derive(Debug, Clone, Copy)]
struct Answer {
    at: Instant,
    close: bool,
}

/// One conversation as the simulator's records tell it.
struct Conversation {
    customer: CustomerId,
    inbox: InboxId,
    /// Each turn an agent took: when they started, and their answer (`None`: none before the
    /// horizon, or not read yet).
    turns: Vec<(Instant, Option<Answer>)>,
}

/// What the simulated customers and agents did, read back from a run's records, and what the
/// platform did in return, in the async driver's words.
///
/// Customer messages are the `Reply` records, worded as the simulated customers word them
/// (mock_world.rs). The trace has no record of an agent's answer, but the engine's answer to it
/// shows when it was:
/// - an answer that closes the conversation releases the agent at once: `Release` at that
///   millisecond, and the customer writes no more;
/// - an answer that leaves it open starts the same-agent window: if the customer was silent
///   longer, the engine released the agent one millisecond after the window, so the answer came
///   `window + 1 ms` before that `Release` (the customer's next message, later, tells the two
///   apart; a session that ran out but whose customer wrote again only after the horizon reads as
///   a close at the release: the same `Release` at the same millisecond);
/// - if the customer wrote again within the window (`Handle`), the answer came at most a window
///   before, and any such time leaves the engine doing the same: the replay answers exactly a
///   window before (or as the turn began, if later), so the message lands on the session's last
///   millisecond and the engine's "within the window" edge is part of the proof.
///
/// Re-drawing the agents' handling times instead would copy the simulated world's seeded draws
/// into the test, and a record of each answer would change the trace every run writes.
///
/// At one millisecond the async driver takes a customer's message before an agent's answer
/// (realtime.rs); the simulator takes them in the order it scheduled them. No such tie in these
/// runs changes what the engine does; should one ever, this test names the first action that
/// differs.
#[derive(Default)]
struct Replay {
    messages: Vec<Message>,
    conversations: Vec<Conversation>,
    actions: Vec<(Instant, Action)>,
    /// Each customer's handle, by the phone and destination they write from and to.
    threads: HashMap<(Phone, Destination), CustomerId>,
    /// The conversation each customer is in, by handle.
    customers: Vec<Option<ConversationId>>,
    /// Whose message the platform is taking (a `Route` follows its message).
    writing: Option<CustomerId>,
    /// Answers that left the conversation open until the customer's silence ended it.
    session_ends: usize,
}

impl Replay {
    fn read(scn: &Scenario, trace: &[(Instant, Record)]) -> Replay {
        let mut replay = Replay::default();
        for &(t, record) in trace {
            if let Some(action) = replay.record(scn, t, record) {
                replay.actions.push((t, action));
            }
        }
        replay
    }

    /// Each conversation's turns, for the replayed agents.
    fn turns(&self) -> Vec<VecDeque<(Instant, Option<Answer>)>> {
        self.conversations
            .iter()
            .map(|c| c.turns.iter().copied().collect())
            .collect()
    }

    /// How many answers closed their conversation.
    fn closes(&self) -> usize {
        let turns = self.conversations.iter().flat_map(|c| &c.turns);
        turns.filter(|(_, a)| a.is_some_and(|a| a.close)).count()
    }

    /// Reads one record; the platform's action it tells of, if it is one.
    fn record(&mut self, scn: &Scenario, t: Instant, record: Record) -> Option<Action> {
        Some(match record {
            Record::Reply {
                source,
                phone,
                to,
                follow_up,
                body,
            } => {
                let body = match (follow_up, to, source) {
                    (true, _, _) => "(follow-up)",
                    (false, Destination::Inbox(_), _) => "(inbound)",
                    (false, Destination::Number(_), Source::Campaign(c)) => {
                        let body = body.expect("a first reply names its body");
                        &scn.campaigns[c.index()].customers.replies[body as usize].0
                    }
                    (false, Destination::Number(_), Source::Background) => {
                        unreachable!("background traffic writes to inboxes")
                    }
                };
                self.customer_writes(scn, t, (phone, to, source.campaign()), follow_up, body);
                return None;
            }
            Record::Deliver { .. } | Record::Fail { .. } => return None,
            Record::RuleFired { rule, conversation } => Action::RuleFired { rule, conversation },
            Record::Transfer {
                conversation,
                from,
                to,
            } => Action::Transfer {
                conversation,
                from,
                to,
            },
            Record::AutoReply { conversation, .. } => Action::AutoReply {
                conversation,
                customer: self.writing.expect("an auto-reply answers its message"),
            },
            Record::ClosedByRule {
                conversation,
                inbox,
            } => Action::ClosedByRule {
                conversation,
                inbox,
            },
            Record::RuleDisabled { rule } => Action::RuleDisabled { rule },
            Record::Start { campaign, outreach } => Action::Status {
                campaign,
                outreach,
                status: Status::InProgress,
            },
            Record::Finish {
                campaign,
                outreach,
                status,
            } => Action::Status {
                campaign,
                outreach,
                status,
            },
            Record::Send { to, phone, number } => Action::Send { to, phone, number },
            Record::Skip { to, phone, reason } => Action::Skip { to, phone, reason },
            Record::Unreached { to, phone, reason } => Action::Unreached { to, phone, reason },
            Record::OptOut { phone, number, .. } => Action::OptOut {
                phone,
                number,
                customer: self.writing.expect("a keyword follows its message"),
            },
            Record::OptIn { phone, number, .. } => Action::OptIn {
                phone,
                number,
                customer: self.writing.expect("a keyword follows its message"),
            },
            Record::Route {
                conversation,
                inbox,
                ..
            } => self.route(conversation, inbox),
            Record::Assign {
                conversation,
                inbox,
                agent,
                ..
            } => Action::Assign {
                conversation,
                inbox,
                agent,
                customer: self.agent_starts(t, conversation),
            },
            Record::Handle {
                conversation,
                inbox,
                agent,
                ..
            } => {
                // The customer wrote again within the session: see the type's comment.
                let window = scn.inboxes[inbox.index()].same_agent_window;
                let (started, answer) = self.latest_turn(conversation);
                *answer = Some(Answer {
                    at: t.saturating_sub(window).max(*started),
                    close: false,
                });
                Action::Handle {
                    conversation,
                    inbox,
                    agent,
                    customer: self.agent_starts(t, conversation),
                }
            }
            Record::Reopen {
                conversation,
                inbox,
                ..
            } => Action::Reopen {
                conversation,
                inbox,
                customer: self.writing.expect("a reopen follows its message"),
            },
            Record::Handover { .. } => unreachable!("the replayed agents work no shifts"),
            Record::Release {
                conversation,
                inbox,
                agent,
                ..
            } => {
                // A close, unless the customer writes again (`customer_writes`).
                *self.latest_turn(conversation).1 = Some(Answer { at: t, close: true });
                Action::Release {
                    conversation,
                    inbox,
                    agent,
                }
            }
        })
    }

    fn customer_writes(
        &mut self,
        scn: &Scenario,
        at: Instant,
        (phone, to, campaign): (Phone, Destination, Option<CampaignId>),
        follow_up: bool,
        body: &str,
    ) {
        let customer = if follow_up {
            self.threads[&(phone, to)]
        } else {
            let customer = CustomerId::new(self.customers.len());
            self.customers.push(None);
            self.threads.insert((phone, to), customer);
            customer
        };
        let conversation = self.customers[customer.index()];
        if follow_up {
            let c = conversation.expect("a customer writes again after an agent's answer");
            let window = scn.inboxes[self.conversations[c.index()].inbox.index()].same_agent_window;
            let (started, answer) = self.latest_turn(c);
            if let Some(answer) = answer.as_mut().filter(|a| a.close) {
                // The agent was released before the customer wrote again: not a close, the
                // session ran out one millisecond after the window.
                answer.at = answer
                    .at
                    .checked_sub(window + Span::from_millis(1))
                    .filter(|at| at >= started)
                    .expect("the session began with the agent's answer");
                answer.close = false;
                self.session_ends += 1;
            }
        }
        self.writing = Some(customer);
        self.messages.push(Message {
            at,
            phone,
            to,
            body: body.into(),
            customer,
            conversation,
            campaign,
        });
    }

    fn route(&mut self, conversation: ConversationId, inbox: InboxId) -> Action {
        let customer = self.writing.expect("a conversation opens with a message");
        assert_eq!(conversation.index(), self.conversations.len());
        self.customers[customer.index()] = Some(conversation);
        self.conversations.push(Conversation {
            customer,
            inbox,
            turns: Vec::new(),
        });
        Action::Route {
            conversation,
            inbox,
            customer,
        }
    }

    /// An agent starts a turn of `conversation` at `t`; whose conversation it is.
    fn agent_starts(&mut self, t: Instant, conversation: ConversationId) -> CustomerId {
        let c = &mut self.conversations[conversation.index()];
        c.turns.push((t, None));
        c.customer
    }

    fn latest_turn(&mut self, conversation: ConversationId) -> (&Instant, &mut Option<Answer>) {
        let (started, answer) = self.conversations[conversation.index()]
            .turns
            .last_mut()
            .expect("an agent took the conversation");
        (started, answer)
    }
}
