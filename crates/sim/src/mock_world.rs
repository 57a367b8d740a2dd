//! The world the simulator puts around the engine: a mock carrier that delivers (or fails) each
//! SMS, mock customers who answer, write again and go silent, agents who take their time, and
//! background traffic. Everything it sees or causes goes out as records to its observer.

use engine::{Action, Engine, Inbound, SendLimit};
use model::record::{Observer, Record};
use model::time::{Instant, MAX_RUN, Span};
use model::{
    ConversationId, CustomerId, Destination, InboxId, NumberId, Phone, RecipientRef, Source,
};
use scenario::Scenario;

use crate::background::Background;
use crate::carrier::{Carrier, Verdict};
use crate::customers::CustomerModel;
use crate::driver::World;
use crate::population;
use crate::queue::EventQueue;
use crate::rng::{self, Lane, Purpose, RowDraws, SmsDraw, name_key, stream};
use crate::sampler::Sampler;

/// Something the world will do at a set time.
enum Happening {
    /// The carrier's final word on one SMS (`failure` `None`: delivered).
    CarrierDone {
        to: RecipientRef,
        number: NumberId,
        phone: Phone,
        failure: Option<u32>,
    },
    CustomerWrites(CustomerId),
    AgentDone {
        conversation: ConversationId,
        customer: CustomerId,
    },
    Background(InboxId),
}

/// One customer's side of a conversation.
struct Customer {
    phone: Phone,
    to: Destination,
    source: Source,
    /// Entity key of this customer's draws.
    key: u64,
    /// Words for the handling time of their first message, kept from their row (campaign
    /// replies only).
    first_handle: Option<rng::Kept>,
    /// Which reply body the first message is (campaign replies only).
    body: u32,
    messages: u32,
    written: u32,
    conversation: Option<ConversationId>,
}

/// The last part of a background customer's phone key: no recipient row has it, so background
/// phones never collide with a list's (its value predates typed ids; changing it moves draws).
const BACKGROUND_PHONE: u64 = 0xFFFF_FFFF;

const FOLLOW_UP_BODY: &str = "(follow-up)";
const BACKGROUND_BODY: &str = "(inbound)";

pub struct MockWorld<'a, O> {
    scn: &'a Scenario,
    seed: u64,
    pub observer: O,
    queue: EventQueue<Happening>,
    carrier: Carrier,
    campaign_keys: Vec<u64>,
    /// Per campaign, per outreach: its recipients' carrier verdicts and replies.
    lanes: Vec<Vec<Lane>>,
    models: Vec<CustomerModel>,
    background_model: CustomerModel,
    handle_time: Vec<Sampler>,
    background: Vec<Background>,
    customers: Vec<Customer>,
    /// Who opened each conversation.
    sources: Vec<Source>,
    open_outreaches: usize,
    /// Whether a verdict nobody answers is told when the carrier decides it rather than
    /// scheduled ([`Observer::needs_verdicts_in_order`]).
    verdicts_aside: bool,
    /// Verdicts told aside before the run's limit (the horizon, or the longest run).
    told_aside: u64,
    /// The latest instant of any verdict told aside, the limit's or later included.
    aside_until: Option<Instant>,
    /// As the driver's: the horizon, or the longest run.
    limit: Instant,
    /// The observer was given the recipients' records (sends, skips, unreached rows) before
    /// the run, counted once for every run that replays the same steps: they are not told again
    /// ([`Observer::reads_recipients`]).
    recipients_counted: bool,
}

/// Each campaign's customers in a run of `seed`, their reply rate drawn.
pub fn campaign_models(scn: &Scenario, seed: u64) -> Vec<CustomerModel> {
    scn.campaigns
        .iter()
        .map(|c| {
            CustomerModel::new(
                &c.customers,
                c.reply_style,
                &mut stream(seed, Purpose::ReplyRate, &[name_key(&c.name)]),
            )
        })
        .collect()
}

impl<'a, O: Observer> MockWorld<'a, O> {
    /// `outreaches` is how many outreaches the engine runs in all; `models` are the campaigns'
    /// customers ([`campaign_models`]); background customers write to the inboxes `inboxes`
    /// says yes to (all of them, unless the run is simulated in parts).
    pub fn new(
        scn: &'a Scenario,
        seed: u64,
        outreaches: usize,
        models: Vec<CustomerModel>,
        observer: O,
        inboxes: &[bool],
    ) -> Self {
        let campaign_keys: Vec<u64> = scn.campaigns.iter().map(|c| name_key(&c.name)).collect();
        let lanes = scn
            .campaigns
            .iter()
            .zip(&campaign_keys)
            .map(|(c, &key)| {
                (0..c.outreaches.len() as u64)
                    .map(|o| Lane::new(seed, key, o))
                    .collect()
            })
            .collect();
        let mut world = MockWorld {
            scn,
            seed,
            queue: EventQueue::new(),
            carrier: Carrier::new(&scn.carrier, scn.numbers.len()),
            lanes,
            campaign_keys,
            models,
            // Background customers write first; only their follow-ups and think times are used.
            background_model: CustomerModel::new(
                &scn.customers,
                Default::default(),
                &mut stream(seed, Purpose::ReplyRate, &[]),
            ),
            handle_time: scn
                .inboxes
                .iter()
                .map(|i| Sampler::new(&i.handle_time))
                .collect(),
            background: scn
                .inboxes
                .iter()
                .map(|i| Background::new(seed, i, scn.zones[0].tz.clone(), scn.epoch))
                .collect(),
            customers: Vec::new(),
            sources: Vec::new(),
            open_outreaches: outreaches,
            verdicts_aside: !observer.needs_verdicts_in_order(),
            told_aside: 0,
            aside_until: None,
            limit: scn.until.unwrap_or(Instant::START + MAX_RUN),
            recipients_counted: false,
            observer,
        };
        for (i, b) in world.background.iter_mut().enumerate() {
            if !inboxes[i] {
                continue;
            }
            if let Some(t) = b.next_arrival(Instant::START) {
                world.queue.push(t, Happening::Background(InboxId::new(i)));
            }
        }
        world
    }

    /// Room for the customers of `conversations` conversations before their tables grow
    /// ([`engine::Engine::expecting`]).
    pub fn expecting(mut self, conversations: usize) -> Self {
        self.customers.reserve(conversations);
        self.sources.reserve(conversations);
        self
    }

    /// The observer starts from the recipients' records, counted before the run: the run's
    /// own are not told to it.
    pub fn recipients_counted(mut self) -> Self {
        self.recipients_counted = true;
        self
    }

    fn model(&self, source: Source) -> &CustomerModel {
        match source {
            Source::Campaign(c) => &self.models[c.index()],
            Source::Background => &self.background_model,
        }
    }

    fn recipient_key(&self, to: RecipientRef) -> u64 {
        rng::key(&[
            self.campaign_keys[to.campaign.index()],
            to.outreach.get().into(),
            to.row.get().into(),
        ])
    }

    fn carrier_done(
        &mut self,
        now: Instant,
        to: RecipientRef,
        number: NumberId,
        phone: Phone,
        failure: Option<u32>,
    ) {
        self.observer
            .observe(now, &verdict_record(to, number, phone, failure));
        if failure.is_some() {
            return;
        }
        let key = self.recipient_key(to);
        let mut draws = draws(&mut self.lanes, to, SmsDraw::Reply);
        if let Some(reply) = self.models[to.campaign.index()].reply(&mut draws) {
            let customer = CustomerId::new(self.customers.len());
            self.customers.push(Customer {
                phone,
                to: Destination::Number(number),
                source: Source::Campaign(to.campaign),
                key,
                first_handle: Some(
                    self.lanes[to.campaign.index()][to.outreach.index()]
                        .first_handle(to.row.get().into()),
                ),
                body: reply.body,
                messages: reply.messages,
                written: 0,
                conversation: None,
            });
            self.queue.push(
                now.saturating_add(reply.after),
                Happening::CustomerWrites(customer),
            );
        }
    }

    fn customer_writes(
        &mut self,
        now: Instant,
        customer: CustomerId,
        engine: &mut Engine<impl SendLimit>,
        decided: &mut Vec<Action>,
    ) {
        let c = &mut self.customers[customer.index()];
        let follow_up = c.written > 0;
        c.written += 1;
        let (phone, to, source, body, conversation) =
            (c.phone, c.to, c.source, c.body, c.conversation);
        let first_campaign_reply = !follow_up && source.campaign().is_some();
        self.observer.observe(
            now,
            &Record::Reply {
                source,
                phone,
                to,
                follow_up,
                body: first_campaign_reply.then_some(body),
            },
        );
        // Field borrows (not `self.model`), so the engine can be driven while `body` lives.
        let model = match source {
            Source::Campaign(c) => &self.models[c.index()],
            Source::Background => &self.background_model,
        };
        let body = match (follow_up, to) {
            (true, _) => FOLLOW_UP_BODY,
            (false, Destination::Inbox(_)) => BACKGROUND_BODY,
            (false, Destination::Number(_)) => model.body(body),
        };
        let msg = Inbound {
            phone,
            to,
            body,
            customer,
            conversation,
            campaign: source.campaign(),
        };
        engine.on_inbound(now, msg, decided);
    }

    fn agent_done(
        &mut self,
        now: Instant,
        conversation: ConversationId,
        customer: CustomerId,
        engine: &mut Engine<impl SendLimit>,
        decided: &mut Vec<Action>,
    ) {
        let c = &self.customers[customer.index()];
        let close = c.written >= c.messages;
        let pause = (!close).then(|| {
            let mut draws = stream(
                self.seed,
                Purpose::CustomerMessage,
                &[c.key, c.written.into()],
            );
            self.model(c.source).think_time(&mut draws)
        });
        engine.on_agent_reply(now, conversation, close, decided);
        if let Some(pause) = pause {
            self.queue.push(
                now.saturating_add(pause),
                Happening::CustomerWrites(customer),
            );
        }
    }

    fn background_arrives(
        &mut self,
        now: Instant,
        inbox: InboxId,
        engine: &mut Engine<impl SendLimit>,
        decided: &mut Vec<Action>,
    ) {
        let b = &mut self.background[inbox.index()];
        let n = b.arrivals;
        b.arrivals += 1;
        if let Some(t) = b.next_arrival(now) {
            self.queue.push(t, Happening::Background(inbox));
        }
        let key = rng::key(&[name_key(&self.scn.inboxes[inbox.index()].name), n]);
        let mut draws = stream(self.seed, Purpose::Background, &[key]);
        let customer = CustomerId::new(self.customers.len());
        self.customers.push(Customer {
            phone: population::generated_phone(rng::key(&[key, BACKGROUND_PHONE])),
            to: Destination::Inbox(inbox),
            source: Source::Background,
            key,
            first_handle: None,
            body: 0,
            messages: self.background_model.messages(&mut draws),
            written: 0,
            conversation: None,
        });
        self.customer_writes(now, customer, engine, decided);
    }

    /// The SMS goes to the carrier, whose verdict comes back later.
    fn send(&mut self, now: Instant, to: RecipientRef, phone: Phone, number: NumberId) {
        if !self.recipients_counted {
            self.observer
                .observe(now, &Record::Send { to, phone, number });
        }
        // With verdicts aside, the verdict of a recipient who would not write back even if
        // delivered is told aside, and its instant matters only if it is the latest so far or
        // falls at or after the run's limit: below both, the carrier need not work it out.
        let wont_answer = self.verdicts_aside && !self.would_answer(to);
        let needed_after = match (wont_answer, self.aside_until) {
            (true, Some(latest)) => (self.limit.checked_sub(Span::from_millis(1)))
                .map(|last_counted| latest.min(last_counted)),
            _ => None,
        };
        let verdict = self.carrier.submit(
            number,
            now,
            &mut draws(&mut self.lanes, to, SmsDraw::Carrier),
            needed_after,
        );
        if wont_answer || (self.verdicts_aside && verdict.failure.is_some()) {
            return self.tell_aside(now, to, number, phone, verdict);
        }
        self.queue.push_soon(
            verdict
                .at
                .expect("no bound was given, so the instant is told"),
            Happening::CarrierDone {
                to,
                number,
                phone,
                failure: verdict.failure,
            },
        );
    }

    /// Whether the recipient writes back if the carrier delivers. Their reply is drawn from
    /// their own row, so deciding it at the send draws what the verdict's step would (where
    /// the rest of the answer is drawn).
    fn would_answer(&mut self, to: RecipientRef) -> bool {
        (self.models[to.campaign.index()]).answers(&mut draws(&mut self.lanes, to, SmsDraw::Reply))
    }

    /// A verdict nobody answers, told at once, as of its send at `sent` (see
    /// [`Observer::needs_verdicts_in_order`]), unless it comes back at or after the run's
    /// limit, where the scheduled verdict would never be taken either. Without an instant, it
    /// comes back by the latest verdict so far and before the limit.
    fn tell_aside(
        &mut self,
        sent: Instant,
        to: RecipientRef,
        number: NumberId,
        phone: Phone,
        verdict: Verdict,
    ) {
        if let Some(at) = verdict.at {
            self.aside_until = self.aside_until.max(Some(at));
            if at >= self.limit {
                return;
            }
        }
        self.told_aside += 1;
        let record = verdict_record(to, number, phone, verdict.failure);
        self.observer.observe(sent, &record);
    }

    /// An agent starts on the customer's message (first assignment or within the session);
    /// they answer after a handling time.
    fn agent_starts(
        &mut self,
        now: Instant,
        conversation: ConversationId,
        inbox: InboxId,
        customer: CustomerId,
    ) {
        let c = &self.customers[customer.index()];
        let entity = [c.key, c.written.into()];
        let handle_time = &self.handle_time[inbox.index()];
        let handle = match c.first_handle.filter(|_| c.written == 1) {
            Some(kept) => {
                handle_time.span(&mut kept.draws(self.seed, Purpose::AgentHandle, entity))
            }
            None => handle_time.span(&mut stream(self.seed, Purpose::AgentHandle, &entity)),
        };
        self.queue.push(
            now.saturating_add(handle),
            Happening::AgentDone {
                conversation,
                customer,
            },
        );
    }

    fn apply(&mut self, now: Instant, action: Action) {
        let record = match action {
            Action::Send { to, phone, number } => return self.send(now, to, phone, number),
            Action::Skip { to, phone, reason } => Record::Skip { to, phone, reason },
            Action::Unreached { to, phone, reason } => Record::Unreached { to, phone, reason },
            Action::Status {
                campaign,
                outreach,
                status,
            } => {
                if status.is_terminal() {
                    self.open_outreaches -= 1;
                    // Without a horizon, background traffic lasts as long as the campaigns: an
                    // arrival already drawn for later would only stretch the run to its time.
                    if self.open_outreaches == 0 && self.scn.until.is_none() {
                        self.queue
                            .retain(|h| !matches!(h, Happening::Background(_)));
                    }
                    Record::Finish {
                        campaign,
                        outreach,
                        status,
                    }
                } else {
                    Record::Start { campaign, outreach }
                }
            }
            Action::OptOut {
                phone,
                number,
                customer,
            } => Record::OptOut {
                source: self.customers[customer.index()].source,
                phone,
                number,
            },
            Action::OptIn {
                phone,
                number,
                customer,
            } => Record::OptIn {
                source: self.customers[customer.index()].source,
                phone,
                number,
            },
            _ => self.in_conversation(now, action),
        };
        let of_recipient = matches!(record, Record::Skip { .. } | Record::Unreached { .. });
        if !(of_recipient && self.recipients_counted) {
            self.observer.observe(now, &record);
        }
    }

    /// What an action about a conversation means for the customer and the agent.
    fn in_conversation(&mut self, now: Instant, action: Action) -> Record {
        match action {
            Action::Route {
                conversation,
                inbox,
                customer,
            } => {
                let c = &mut self.customers[customer.index()];
                c.conversation = Some(conversation);
                debug_assert_eq!(self.sources.len(), conversation.index());
                self.sources.push(c.source);
                Record::Route {
                    conversation,
                    source: c.source,
                    phone: c.phone,
                    inbox,
                }
            }
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
            } => {
                self.agent_starts(now, conversation, inbox, customer);
                let c = &self.customers[customer.index()];
                let (source, phone) = (c.source, c.phone);
                if matches!(action, Action::Assign { .. }) {
                    Record::Assign {
                        conversation,
                        source,
                        phone,
                        inbox,
                        agent,
                    }
                } else {
                    Record::Handle {
                        conversation,
                        source,
                        phone,
                        inbox,
                        agent,
                    }
                }
            }
            Action::Release {
                conversation,
                inbox,
                agent,
            } => Record::Release {
                conversation,
                source: self.sources[conversation.index()],
                inbox,
                agent,
            },
            Action::Reopen {
                conversation,
                inbox,
                customer,
            } => {
                let c = &self.customers[customer.index()];
                Record::Reopen {
                    conversation,
                    source: c.source,
                    phone: c.phone,
                    inbox,
                }
            }
            Action::Handover {
                conversation,
                inbox,
                from,
                to,
            } => Record::Handover {
                conversation,
                source: self.sources[conversation.index()],
                inbox,
                from,
                to,
            },
            _ => self.by_rule(action),
        }
    }

    /// What a routing rule did, as a record.
    fn by_rule(&self, action: Action) -> Record {
        match action {
            Action::AutoReply {
                conversation,
                customer,
            } => {
                let c = &self.customers[customer.index()];
                let number = match c.to {
                    Destination::Number(n) => Some(n),
                    Destination::Inbox(_) => None,
                };
                Record::AutoReply {
                    conversation,
                    phone: c.phone,
                    number,
                }
            }
            Action::RuleFired { rule, conversation } => Record::RuleFired { rule, conversation },
            Action::Transfer {
                conversation,
                from,
                to,
            } => Record::Transfer {
                conversation,
                from,
                to,
            },
            Action::ClosedByRule {
                conversation,
                inbox,
            } => Record::ClosedByRule {
                conversation,
                inbox,
            },
            Action::RuleDisabled { rule } => Record::RuleDisabled { rule },
            _ => unreachable!("not about a conversation: {action:?}"),
        }
    }
}

impl<O: Observer, L: SendLimit> World<L> for MockWorld<'_, O> {
    fn next_at(&self) -> Option<Instant> {
        self.queue.peek_time()
    }

    fn advance(&mut self, now: Instant, engine: &mut Engine<L>, decided: &mut Vec<Action>) {
        let (_, happening) = self.queue.pop().expect("the driver saw it coming");
        match happening {
            Happening::CarrierDone {
                to,
                number,
                phone,
                failure,
            } => self.carrier_done(now, to, number, phone, failure),
            Happening::CustomerWrites(customer) => {
                self.customer_writes(now, customer, engine, decided)
            }
            Happening::AgentDone {
                conversation,
                customer,
            } => self.agent_done(now, conversation, customer, engine, decided),
            Happening::Background(inbox) => self.background_arrives(now, inbox, engine, decided),
        }
    }

    fn carry_out(&mut self, now: Instant, decided: &[Action]) {
        for &action in decided {
            self.apply(now, action);
        }
        self.observer.settle(now);
    }

    fn finish(&mut self, end: Instant) {
        self.observer.finish(end);
    }

    fn aside(&self) -> (u64, Option<Instant>) {
        (self.told_aside, self.aside_until)
    }
}

fn verdict_record(
    to: RecipientRef,
    number: NumberId,
    phone: Phone,
    failure: Option<u32>,
) -> Record {
    match failure {
        None => Record::Deliver { to, phone, number },
        Some(code) => Record::Fail {
            to,
            phone,
            number,
            code,
        },
    }
}

/// The recipient's draws for `what` in `lanes` (per campaign, per outreach).
fn draws(lanes: &mut [Vec<Lane>], to: RecipientRef, what: SmsDraw) -> RowDraws<'_> {
    lanes[to.campaign.index()][to.outreach.index()].row(to.row.get().into(), what)
}
