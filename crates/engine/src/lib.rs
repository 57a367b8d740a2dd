//! The campaign system under test, sans-IO: it owns no clock, no randomness and no files.
//!
//! A driver (the discrete-event simulator, or an async driver in real time) asks
//! [`Engine::next_wakeup`], calls [`Engine::on_tick`] at that time, feeds in what the outside world
//! did ([`Engine::on_inbound`], [`Engine::on_agent_reply`]) and carries out the [`Action`]s the
//! engine answers with.

mod agents;
pub mod config;
pub mod limiter;
pub mod opt_out;
pub mod outreach;
mod people_match;
mod rules;
pub mod schedule;
mod script;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

pub use config::{CampaignConfig, Config, InboxConfig, OutreachConfig};
pub use limiter::{Limiter, SendLimit};
pub use script::{Replayed, Script};

use agents::Agents;
use model::time::{Instant, Span};
use model::{
    AgentId, AtShiftEnd, CampaignId, ConversationId, CustomerId, Destination, EndReason, InboxId,
    NumberId, OutreachId, Pacing, Phone, RecipientRef, Row, RuleId, ShiftId, SkillId, SkipReason,
    Status, TopicId, Window,
};
use opt_out::{Keyword, Registry};
use outreach::{Outreach, Pick};
use people_match::{Facts, Queue, Score};
use rules::{Message, Routing, Rules};
use script::Replay;

pub struct Inbound<'a> {
    pub phone: Phone,
    pub to: Destination,
    pub body: &'a str,
    /// The driver's handle for this customer's thread, echoed in actions.
    pub customer: CustomerId,
    /// The conversation this message continues, if the customer had one.
    pub conversation: Option<ConversationId>,
    /// The campaign this message answers (routing rules may ask).
    pub campaign: Option<CampaignId>,
}

/// What the campaign system does; the driver carries it out (and may record it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send {
        to: RecipientRef,
        phone: Phone,
        number: NumberId,
    },
    Skip {
        to: RecipientRef,
        phone: Phone,
        reason: SkipReason,
    },
    Unreached {
        to: RecipientRef,
        phone: Phone,
        reason: EndReason,
    },
    Status {
        campaign: CampaignId,
        outreach: OutreachId,
        status: Status,
    },
    /// The customer's keyword silenced their phone (under the opt-out scope).
    OptOut {
        phone: Phone,
        number: NumberId,
        customer: CustomerId,
    },
    OptIn {
        phone: Phone,
        number: NumberId,
        customer: CustomerId,
    },
    /// A conversation entered an inbox's queue.
    Route {
        conversation: ConversationId,
        inbox: InboxId,
        customer: CustomerId,
    },
    /// An agent took a waiting conversation and starts on its message.
    Assign {
        conversation: ConversationId,
        inbox: InboxId,
        agent: AgentId,
        customer: CustomerId,
    },
    /// A customer wrote again within the session: the same agent starts on it.
    Handle {
        conversation: ConversationId,
        inbox: InboxId,
        agent: AgentId,
        customer: CustomerId,
    },
    /// The agent's slot is free again (conversation closed or customer silent too long).
    Release {
        conversation: ConversationId,
        inbox: InboxId,
        agent: AgentId,
    },
    /// The customer wrote within the reopen window of their closed conversation: it enters its
    /// inbox again; an `Assign` follows at once when its last agent is on shift with standard
    /// room.
    Reopen {
        conversation: ConversationId,
        inbox: InboxId,
        customer: CustomerId,
    },
    /// `from`'s shift ended between the customer's messages: `to` holds the conversation now.
    Handover {
        conversation: ConversationId,
        inbox: InboxId,
        from: AgentId,
        to: AgentId,
    },
    /// A routing rule's actions ran for the message opening `conversation`.
    RuleFired {
        rule: RuleId,
        conversation: ConversationId,
    },
    /// A rule moved the conversation to another inbox before it was routed.
    Transfer {
        conversation: ConversationId,
        from: InboxId,
        to: InboxId,
    },
    /// A rule answers the customer at once; the SMS counts toward no send limit.
    AutoReply {
        conversation: ConversationId,
        customer: CustomerId,
    },
    /// A rule closed the conversation: it was routed, but no agent will take it.
    ClosedByRule {
        conversation: ConversationId,
        inbox: InboxId,
    },
    /// A rule looped too often and is off for the rest of the run.
    RuleDisabled { rule: RuleId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Campaign(CampaignId),
    OutreachStart(CampaignId, OutreachId),
    OutreachEnd(CampaignId, OutreachId),
    OutreachStop(CampaignId, OutreachId),
    SessionEnd(ConversationId),
    /// Conversations wait in the inbox and a shift group comes on: it may take them.
    ShiftStart(InboxId),
    /// A shift group's agents who hold conversations go off shift (unless they work overtime).
    ShiftEnd(ShiftId),
}

impl Timer {
    /// Order of timers due at the same instant: "nothing is sent at or after an end or a stop"
    /// must not depend on which timer was set first, so ends and stops go before anything that
    /// can send, and starts before the sends they enable. A shift's end goes last: the agents
    /// coming on take the customers waiting in the queue before any session handed over to
    /// them. Within a rank, timers go in the order of what they are for (campaigns in file
    /// order, then sessions, then shift starts), never in the order they were set: when a timer
    /// was set depends on when an outdated one happened to be dropped, which depends on every
    /// other timer of the run, even of campaigns and inboxes that share nothing with it. So a
    /// campaign's slot (`Campaign`, declared first) goes before sessions and shift starts of its
    /// rank: every campaign timer due at an instant runs before every other timer due then,
    /// which a replayed campaign step relies on ([`Script`]).
    fn rank(self) -> u8 {
        match self {
            Timer::OutreachEnd(..) | Timer::OutreachStop(..) => 0,
            Timer::OutreachStart(..) => 1,
            Timer::Campaign(_) | Timer::SessionEnd(_) | Timer::ShiftStart(_) => 2,
            Timer::ShiftEnd(_) => 3,
        }
    }
}

struct Campaign<L> {
    limiter: L,
    outreaches: Vec<Outreach>,
    /// The one pending slot timer that counts; older heap entries are stale.
    wake: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConversationState {
    Waiting,
    Handling(AgentId),
    AwaitingCustomer {
        agent: AgentId,
        until: Instant,
    },
    /// The agent let it go at `at` (closed, or the customer stayed silent): the customer can
    /// reopen it within the reopen window.
    Ended {
        agent: AgentId,
        at: Instant,
    },
    /// A rule closed it; the customer's next message opens a new conversation.
    ClosedByRule,
}

struct Conversation {
    inbox: InboxId,
    customer: CustomerId,
    /// The skill the rules say it needs: People Match boosts look at it, and agents with it
    /// are preferred.
    skill: Option<SkillId>,
    /// Due date = entering the queue + this (the inbox's SLA, or the number's entry-point SLA).
    sla: Span,
    state: ConversationState,
}

/// The campaign system. Generic over its send limiter only so tests can swap in a broken one;
/// everything else uses the platform's [`Limiter`].
pub struct Engine<L = Limiter> {
    config: Config,
    campaigns: Vec<Campaign<L>>,
    registry: Registry,
    agents: Agents,
    /// Per inbox, its waiting conversations in People Match order.
    waiting: Vec<Queue>,
    /// Per inbox, the one pending shift-start timer that counts; older heap entries are stale.
    shift_wake: Vec<Option<Instant>>,
    /// Per shift group, the pending shift-end timer (set only when agents do not work overtime).
    shift_end: Vec<Option<Instant>>,
    rules: Rules,
    conversations: Vec<Conversation>,
    /// The rules' topics of the conversations that have any (most have none, so they are kept
    /// apart), for People Match when one waits again after a reopen.
    topics: BTreeMap<ConversationId, Box<[TopicId]>>,
    /// (due, rank, timer, when set): a timer set twice for one instant runs once (then it is
    /// stale); the number setting it apart only keeps the entries distinct.
    timers: BinaryHeap<Reverse<(Instant, u8, Timer, u64)>>,
    timer_seq: u64,
    /// The campaigns' steps, when they are replayed rather than decided ([`Engine::replay`]).
    replay: Option<Replay>,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        Engine::with_limiters(config, Limiter::new)
    }
}

impl<L: SendLimit> Engine<L> {
    /// An engine whose campaigns use the limiters `limiter` builds from the scenario's windows.
    pub fn with_limiters(config: Config, mut limiter: impl FnMut(&[Window], Pacing) -> L) -> Self {
        let campaigns = config
            .campaigns
            .iter()
            .map(|c| Campaign {
                limiter: limiter(&config.windows, config.pacing),
                outreaches: c
                    .outreaches
                    .iter()
                    .map(|o| Outreach::new(o, config.duplicates))
                    .collect(),
                wake: None,
            })
            .collect();
        let mut timers = Vec::new();
        for (c, cfg) in config.campaigns.iter().enumerate() {
            for (o, ocfg) in cfg.outreaches.iter().enumerate() {
                let (c, o) = (CampaignId::new(c), OutreachId::new(o));
                timers.push((ocfg.start, Timer::OutreachStart(c, o)));
                timers.extend(ocfg.end.map(|end| (end, Timer::OutreachEnd(c, o))));
                timers.extend(ocfg.stop_at.map(|stop| (stop, Timer::OutreachStop(c, o))));
            }
        }
        let mut engine = Engine {
            registry: Registry::new(config.opt_out_scope),
            agents: Agents::new(
                &config.inboxes,
                config.routing.pull,
                config.zones[0].clone(),
                config.epoch,
            ),
            waiting: config.inboxes.iter().map(|_| Queue::default()).collect(),
            shift_wake: vec![None; config.inboxes.len()],
            shift_end: vec![None; config.inboxes.iter().map(|i| i.shifts.len()).sum()],
            rules: Rules::new(&config.rules),
            campaigns,
            conversations: Vec::new(),
            topics: BTreeMap::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            replay: None,
            config,
        };
        for (t, timer) in timers {
            engine.set_timer(t, timer);
        }
        engine
    }

    /// This engine's campaigns replay `script` (recorded from an engine of the same campaigns,
    /// lists and limits) instead of deciding their steps; its configuration holds no outreach.
    /// See [`script`](crate::script) for when a script is the same for every run.
    pub fn replay(mut self, script: Arc<Script>) -> Self {
        assert!(
            self.campaigns.iter().all(|c| c.outreaches.is_empty()),
            "a replaying engine's campaigns have no outreaches of their own"
        );
        self.replay = Some(Replay::new(script));
        self
    }

    /// Room for `conversations` conversations before the table of them grows (the tables that
    /// gain an entry per conversation, copied as they doubled, cost 5 % of a large run).
    pub fn expecting(mut self, conversations: usize) -> Self {
        self.conversations.reserve(conversations);
        self
    }

    /// The outreach's status now; a replaying engine knows only how the recorded run left it,
    /// and answers that at any time (the runs it serves read it once they are over).
    pub fn outreach_status(&self, campaign: CampaignId, outreach: OutreachId) -> Status {
        match &self.replay {
            Some(replay) => replay.script().status(campaign, outreach),
            None => self.outreach(campaign, outreach).status,
        }
    }

    /// When the engine next needs `on_tick`, if ever.
    pub fn next_wakeup(&self) -> Option<Instant> {
        let own = self.timers.peek().map(|Reverse((t, _, _, _))| *t);
        match (self.replay.as_ref().and_then(Replay::next_at), own) {
            (Some(step), Some(own)) => Some(step.min(own)),
            (step, own) => step.or(own),
        }
    }

    /// Does the next thing due at or before `now`: one timer (a campaign's sends, an outreach's
    /// start, end or stop, a session's end), or one replayed campaign step, whose actions
    /// [`Engine::replayed`] then lends rather than `out` taking copies. A driver calls again
    /// while `next_wakeup` is due, so the end of a large list is handed over one outreach at a
    /// time, not all at once.
    pub fn on_tick(&mut self, now: Instant, out: &mut Vec<Action>) -> Option<Replayed> {
        let own = self.timers.peek().map(|Reverse((t, _, _, _))| *t);
        if let Some(replay) = &mut self.replay
            && let Some(t) = replay.next_step()
            && t <= now
            && own.is_none_or(|own| t <= own)
        {
            // A campaign step goes before the engine's own timers due at its instant.
            return Some(replay.take());
        }
        if let Some(&Reverse((t, _, timer, _))) = self.timers.peek()
            && t <= now
        {
            self.timers.pop();
            match timer {
                Timer::Campaign(c) => {
                    if self.campaigns[c.index()].wake == Some(t) {
                        self.campaigns[c.index()].wake = None;
                        self.run_campaign(c, t, out);
                    }
                }
                Timer::OutreachStart(c, o) => self.start_outreach(c, o, t, out),
                Timer::OutreachEnd(c, o) => {
                    self.end_outreach(c, o, EndReason::Cutoff, Status::Completed, out)
                }
                Timer::OutreachStop(c, o) => {
                    self.end_outreach(c, o, EndReason::Stopped, Status::Stopped, out)
                }
                Timer::SessionEnd(conversation) => self.end_session(conversation, t, out),
                Timer::ShiftStart(inbox) => {
                    if self.shift_wake[inbox.index()] == Some(t) {
                        self.shift_wake[inbox.index()] = None;
                        let inboxes = self.agents.served_with(inbox);
                        self.assign_across(&inboxes, t, out);
                    }
                }
                Timer::ShiftEnd(group) => {
                    if self.shift_end[group.index()] == Some(t) {
                        self.shift_end[group.index()] = None;
                        self.end_shift(group, t, out);
                    }
                }
            }
        }
        self.drop_stale_timers();
        None
    }

    /// The actions of a replayed campaign step [`Engine::on_tick`] took.
    pub fn replayed(&self, step: Replayed) -> &[Action] {
        let replay = self.replay.as_ref();
        replay
            .expect("only a replaying engine takes replayed steps")
            .actions(step)
    }

    /// An inbound SMS (or other-channel message) arrives.
    pub fn on_inbound(&mut self, now: Instant, msg: Inbound<'_>, out: &mut Vec<Action>) {
        self.inbound(now, msg, out);
        self.drop_stale_timers();
    }

    fn inbound(&mut self, now: Instant, msg: Inbound<'_>, out: &mut Vec<Action>) {
        if let Destination::Number(number) = msg.to
            && self.keyword(number, &msg, out)
        {
            return;
        }
        if let Some(c) = msg.conversation {
            // A session past its window, or of an agent whose shift is over, ends now, whether
            // or not its timer has run yet.
            self.end_session(c, now, out);
            if let ConversationState::AwaitingCustomer { agent, .. } =
                self.conversations[c.index()].state
                && self.config.routing.at_shift_end != AtShiftEnd::Overtime
                && !self.agents.is_on_shift(agent, now)
            {
                self.let_go(c, agent, now, out);
            }
            let conv = &mut self.conversations[c.index()];
            match conv.state {
                ConversationState::AwaitingCustomer { agent, .. } => {
                    conv.state = ConversationState::Handling(agent);
                    out.push(Action::Handle {
                        conversation: c,
                        inbox: conv.inbox,
                        agent,
                        customer: conv.customer,
                    });
                    return;
                }
                ConversationState::Ended { agent, at }
                    if now <= at.saturating_add(self.config.routing.reopen_window)
                        && self.config.routing.reopen_window > Span::ZERO =>
                {
                    self.reopen(c, agent, now, out);
                    return;
                }
                _ => {}
            }
        }
        self.open_conversation(now, &msg, out);
    }

    /// The customer wrote again soon after their conversation ended: it goes back to the agent
    /// who had it when that agent is on shift with standard room (a reopen is not pulled work),
    /// else it waits in its inbox again, due by its SLA from now.
    fn reopen(&mut self, c: ConversationId, last: AgentId, now: Instant, out: &mut Vec<Action>) {
        let conv = &mut self.conversations[c.index()];
        let (inbox, customer) = (conv.inbox, conv.customer);
        out.push(Action::Reopen {
            conversation: c,
            inbox,
            customer,
        });
        if self.agents.is_on_shift(last, now) && self.agents.has_standard_room(last) {
            conv.state = ConversationState::Handling(last);
            self.take(last, c, now);
            out.push(Action::Assign {
                conversation: c,
                inbox,
                agent: last,
                customer,
            });
            return;
        }
        conv.state = ConversationState::Waiting;
        let due = now.saturating_add(conv.sla);
        let facts = Facts {
            inbox,
            topics: self.topics.get(&c).map_or(&[], |t| t),
            skill: conv.skill,
            entered: now,
            due,
        };
        let score = Score::of(&self.config.boosts, &facts);
        self.waiting[inbox.index()].push(due, c, score);
        self.assign(inbox, now, out);
    }

    /// A message that continues no live session opens a conversation: the rules run on it, then
    /// it waits in the inbox they leave it in, due by that inbox's SLA (or the number's
    /// entry-point SLA, in the inbox the number routes to).
    fn open_conversation(&mut self, now: Instant, msg: &Inbound<'_>, out: &mut Vec<Action>) {
        let (entry, number) = match msg.to {
            Destination::Number(n) => (self.config.number_inbox[n.index()], Some(n)),
            Destination::Inbox(i) => (i, None),
        };
        let conversation = ConversationId::new(self.conversations.len());
        let mut routing = Routing::entering(entry);
        let message = Message {
            body: msg.body,
            number,
            campaign: msg.campaign,
            conversation,
            customer: msg.customer,
        };
        self.rules.run(&message, &mut routing, out);
        let inbox = routing.inbox;
        let entry_sla = number
            .filter(|_| inbox == entry)
            .and_then(|n| self.config.number_sla[n.index()]);
        let sla = entry_sla.unwrap_or(self.config.inboxes[inbox.index()].sla);
        self.conversations.push(Conversation {
            inbox,
            customer: msg.customer,
            skill: routing.skill,
            sla,
            state: if routing.ends {
                ConversationState::ClosedByRule
            } else {
                ConversationState::Waiting
            },
        });
        out.push(Action::Route {
            conversation,
            inbox,
            customer: msg.customer,
        });
        if routing.ends {
            out.push(Action::ClosedByRule {
                conversation,
                inbox,
            });
            return;
        }
        if !routing.topics.is_empty() {
            self.topics
                .insert(conversation, routing.topics.as_slice().into());
        }
        let due = now.saturating_add(sla);
        let facts = Facts {
            inbox,
            topics: &routing.topics,
            skill: routing.skill,
            entered: now,
            due,
        };
        let score = Score::of(&self.config.boosts, &facts);
        self.waiting[inbox.index()].push(due, conversation, score);
        self.assign(inbox, now, out);
    }

    /// Handles a one-word keyword message to `number`; whether the message was one.
    fn keyword(&mut self, number: NumberId, msg: &Inbound<'_>, out: &mut Vec<Action>) -> bool {
        let (phone, customer) = (msg.phone, msg.customer);
        match opt_out::classify(msg.body) {
            Some(Keyword::OptOut) => {
                self.registry.opt_out(number, phone);
                out.push(Action::OptOut {
                    phone,
                    number,
                    customer,
                });
            }
            Some(Keyword::OptIn) => {
                self.registry.opt_in(number, phone);
                out.push(Action::OptIn {
                    phone,
                    number,
                    customer,
                });
            }
            // The platform answers HELP/INFO itself; no agent sees it.
            Some(Keyword::Help) => {}
            None => return false,
        }
        true
    }

    /// The agent answered the customer's message; `close` ends the conversation at once.
    pub fn on_agent_reply(
        &mut self,
        now: Instant,
        conversation: ConversationId,
        close: bool,
        out: &mut Vec<Action>,
    ) {
        let conv = &mut self.conversations[conversation.index()];
        let ConversationState::Handling(agent) = conv.state else {
            panic!("an agent replied in conversation {conversation}, which no agent handles");
        };
        if close {
            self.release(conversation, now, out);
        } else {
            let until =
                now.saturating_add(self.config.inboxes[conv.inbox.index()].same_agent_window);
            conv.state = ConversationState::AwaitingCustomer { agent, until };
            // "Silent for longer than the window": the session ends just after it.
            let after = until.saturating_add(Span::from_millis(1));
            self.set_timer(after, Timer::SessionEnd(conversation));
            // An agent past the end of their shift finished this message and goes.
            if self.config.routing.at_shift_end != AtShiftEnd::Overtime
                && !self.agents.is_on_shift(agent, now)
            {
                self.let_go(conversation, agent, now, out);
            }
        }
        self.drop_stale_timers();
    }

    /// How many campaigns the engine runs.
    pub fn campaigns(&self) -> usize {
        self.campaigns.len()
    }

    /// The run is over for `campaign`: whoever it did not reach stays unreached. One campaign at
    /// a time, so a driver never holds every unreached row of a large run at once. A replaying
    /// engine gives the recorded run's rows: its runs end once every campaign step is taken, as
    /// the recorded run did.
    pub fn end_of_run(&mut self, campaign: CampaignId, out: &mut Vec<Action>) {
        if let Some(replay) = &self.replay {
            out.extend_from_slice(replay.script().at_end(campaign));
            return;
        }
        for o in OutreachId::all(self.campaigns[campaign.index()].outreaches.len()) {
            self.mark_unreached(campaign, o, EndReason::Horizon, out);
        }
    }

    fn outreach(&self, c: CampaignId, o: OutreachId) -> &Outreach {
        &self.campaigns[c.index()].outreaches[o.index()]
    }

    fn outreach_mut(&mut self, c: CampaignId, o: OutreachId) -> &mut Outreach {
        &mut self.campaigns[c.index()].outreaches[o.index()]
    }

    /// Pops timers at the head that would do nothing (a start or end of an outreach already
    /// over, a campaign slot superseded, a session the customer renewed), so `next_wakeup` names
    /// only real work and a run without a horizon ends with its work, not at a moot end time.
    fn drop_stale_timers(&mut self) {
        while let Some(&Reverse((t, _, timer, _))) = self.timers.peek() {
            if !self.is_stale(t, timer) {
                return;
            }
            self.timers.pop();
            // A wake-up dropped for having nothing to do is forgotten, so that the next work
            // (an outreach starting, a conversation waiting or taken) sets it again.
            match timer {
                Timer::Campaign(c) if self.campaigns[c.index()].wake == Some(t) => {
                    self.campaigns[c.index()].wake = None;
                }
                Timer::ShiftStart(i) if self.shift_wake[i.index()] == Some(t) => {
                    self.shift_wake[i.index()] = None;
                }
                Timer::ShiftEnd(g) if self.shift_end[g.index()] == Some(t) => {
                    self.shift_end[g.index()] = None;
                }
                _ => {}
            }
        }
    }

    fn is_stale(&self, t: Instant, timer: Timer) -> bool {
        match timer {
            // A campaign none of whose outreaches is sending has no slot to use.
            Timer::Campaign(c) => {
                let campaign = &self.campaigns[c.index()];
                campaign.wake != Some(t)
                    || !(campaign.outreaches.iter()).any(|o| o.status == Status::InProgress)
            }
            Timer::OutreachStart(c, o) => self.outreach(c, o).status != Status::Scheduled,
            Timer::OutreachEnd(c, o) | Timer::OutreachStop(c, o) => {
                self.outreach(c, o).status.is_terminal()
            }
            Timer::SessionEnd(conversation) => !matches!(
                self.conversations[conversation.index()].state,
                ConversationState::AwaitingCustomer { until, .. } if t > until
            ),
            // With nobody waiting or nothing held, a shift's start or end has nothing to do; a run
            // without a horizon must not last until it.
            Timer::ShiftStart(inbox) => {
                self.shift_wake[inbox.index()] != Some(t) || self.waiting[inbox.index()].is_empty()
            }
            Timer::ShiftEnd(group) => {
                self.shift_end[group.index()] != Some(t)
                    || self
                        .agents
                        .members(group)
                        .all(|a| self.agents.held(a).is_empty())
            }
        }
    }

    fn set_timer(&mut self, t: Instant, timer: Timer) {
        self.timer_seq += 1;
        self.timers
            .push(Reverse((t, timer.rank(), timer, self.timer_seq)));
    }

    fn wake_campaign(&mut self, c: CampaignId, t: Instant) {
        let campaign = &mut self.campaigns[c.index()];
        if campaign.wake.is_none_or(|w| t < w) {
            campaign.wake = Some(t);
            self.set_timer(t, Timer::Campaign(c));
        }
    }

    fn start_outreach(
        &mut self,
        c: CampaignId,
        o: OutreachId,
        now: Instant,
        out: &mut Vec<Action>,
    ) {
        if self.outreach(c, o).status != Status::Scheduled {
            return;
        }
        self.outreach_mut(c, o).status = Status::InProgress;
        out.push(Action::Status {
            campaign: c,
            outreach: o,
            status: Status::InProgress,
        });
        self.skip_duplicates(c, o, out);
        self.run_campaign(c, now, out);
    }

    /// Passes over the rows that repeat an earlier phone of the list.
    fn skip_duplicates(&self, c: CampaignId, o: OutreachId, out: &mut Vec<Action>) {
        let recipients = &self.config.campaigns[c.index()].outreaches[o.index()].recipients;
        for &row in &self.outreach(c, o).duplicates {
            out.push(Action::Skip {
                to: RecipientRef {
                    campaign: c,
                    outreach: o,
                    row,
                },
                phone: recipients.phone(row.index()),
                reason: SkipReason::Duplicate,
            });
        }
    }

    fn end_outreach(
        &mut self,
        c: CampaignId,
        o: OutreachId,
        reason: EndReason,
        status: Status,
        out: &mut Vec<Action>,
    ) {
        match self.outreach(c, o).status {
            s if s.is_terminal() => return,
            // Ended before it began: its duplicates still count as such, not as unreached.
            Status::Scheduled => {
                self.outreach_mut(c, o).status = Status::InProgress;
                self.skip_duplicates(c, o, out);
            }
            _ => {}
        }
        self.mark_unreached(c, o, reason, out);
        self.outreach_mut(c, o).status = status;
        out.push(Action::Status {
            campaign: c,
            outreach: o,
            status,
        });
    }

    fn mark_unreached(
        &mut self,
        c: CampaignId,
        o: OutreachId,
        reason: EndReason,
        out: &mut Vec<Action>,
    ) {
        let recipients = &self.config.campaigns[c.index()].outreaches[o.index()].recipients;
        let outreach = &mut self.campaigns[c.index()].outreaches[o.index()];
        let to = |row: Row| RecipientRef {
            campaign: c,
            outreach: o,
            row,
        };
        if outreach.status == Status::Scheduled {
            // Never started: every row is unreached, duplicates included (nothing was checked).
            for (row, r) in recipients.iter().enumerate() {
                out.push(Action::Unreached {
                    to: to(Row::new(row)),
                    phone: r.phone,
                    reason,
                });
            }
            outreach.duplicates.clear();
            outreach.drain();
            return;
        }
        for row in outreach.drain() {
            out.push(Action::Unreached {
                to: to(row),
                phone: recipients.phone(row.index()),
                reason,
            });
        }
    }

    /// Sends everything the limiter allows now, then sleeps until the next allowed slot or window.
    fn run_campaign(&mut self, c: CampaignId, now: Instant, out: &mut Vec<Action>) {
        loop {
            let campaign = &self.campaigns[c.index()];
            let allowed = campaign.limiter.next_allowed(now);
            if allowed != Some(now) {
                let any_active = campaign
                    .outreaches
                    .iter()
                    .any(|o| o.status == Status::InProgress);
                if let Some(t) = allowed.filter(|_| any_active) {
                    self.wake_campaign(c, t);
                }
                return;
            }
            let Some(to) = self.next_recipient(c, now, out) else {
                return;
            };
            self.send_or_skip(to, now, out);
        }
    }

    /// Takes the next recipient any outreach of the campaign may text at `now`, in outreach
    /// order; with none, sets the wake-up for the earliest window to open.
    fn next_recipient(
        &mut self,
        c: CampaignId,
        now: Instant,
        out: &mut Vec<Action>,
    ) -> Option<RecipientRef> {
        let cfg = &self.config.campaigns[c.index()];
        let campaign = &mut self.campaigns[c.index()];
        let mut opens: Option<Instant> = None;
        for (o, outreach) in campaign.outreaches.iter_mut().enumerate() {
            // The end or stop instant closes an outreach whatever timer ran first.
            if outreach.status != Status::InProgress || !cfg.outreaches[o].sends_at(now) {
                continue;
            }
            let outreach_id = OutreachId::new(o);
            match outreach.pick(
                now,
                cfg.schedule.as_ref(),
                &self.config.zones,
                self.config.epoch,
            ) {
                Pick::Row(row) => {
                    outreach.take(row);
                    return Some(RecipientRef {
                        campaign: c,
                        outreach: outreach_id,
                        row,
                    });
                }
                Pick::WaitUntil(t) => opens = [opens, t].into_iter().flatten().min(),
                Pick::Exhausted => {
                    outreach.status = Status::Completed;
                    out.push(Action::Status {
                        campaign: c,
                        outreach: outreach_id,
                        status: Status::Completed,
                    });
                }
            }
        }
        if let Some(t) = opens {
            self.wake_campaign(c, t);
        }
        None
    }

    /// Texts `to`, unless the phone opted out: then it is passed over without using a slot.
    fn send_or_skip(&mut self, to: RecipientRef, now: Instant, out: &mut Vec<Action>) {
        let cfg = &self.config.campaigns[to.campaign.index()];
        let phone = cfg.outreaches[to.outreach.index()]
            .recipients
            .phone(to.row.index());
        if self.registry.is_opted_out(cfg.number, phone) {
            out.push(Action::Skip {
                to,
                phone,
                reason: SkipReason::OptedOut,
            });
            return;
        }
        self.campaigns[to.campaign.index()].limiter.record(now);
        out.push(Action::Send {
            to,
            phone,
            number: cfg.number,
        });
    }

    /// Gives waiting conversations to agents while any can take one; if some still wait, wakes
    /// the inbox at the next shift start (a release wakes it anyway).
    fn assign(&mut self, inbox: InboxId, now: Instant, out: &mut Vec<Action>) {
        while self.assign_next(inbox, now, out) {}
        self.wake_at_next_shift(inbox, now);
    }

    /// [`Engine::assign`] over several inboxes whose agents overlap (`also`): the next to go is
    /// always the best of the inboxes' next conversations (highest People Match score, then
    /// earliest due, then inbox order), as an agent serving several inboxes takes the best of
    /// what they serve, not their own inbox's first.
    fn assign_across(&mut self, inboxes: &[InboxId], now: Instant, out: &mut Vec<Action>) {
        let mut open = inboxes.to_vec();
        loop {
            let best = (open.iter().enumerate())
                .filter_map(|(k, &i)| {
                    let (score, due) = self.waiting[i.index()].head(now)?;
                    Some((std::cmp::Reverse(score), due, i, k))
                })
                .min();
            let Some((_, _, inbox, k)) = best else {
                break;
            };
            if !self.assign_next(inbox, now, out) {
                // Nobody can take this inbox's work now; the others may still have room.
                open.remove(k);
            }
        }
        for &inbox in inboxes {
            self.wake_at_next_shift(inbox, now);
        }
    }

    /// Gives `inbox`'s next conversation to the "next most available" agent; whether one could
    /// take it.
    fn assign_next(&mut self, inbox: InboxId, now: Instant, out: &mut Vec<Action>) -> bool {
        let Some(conversation) = self.waiting[inbox.index()].peek(now) else {
            return false;
        };
        let skill = self.conversations[conversation.index()].skill;
        let Some(agent) = self.agents.pick(inbox, now, skill) else {
            return false;
        };
        self.waiting[inbox.index()].pop(now);
        self.take(agent, conversation, now);
        let conv = &mut self.conversations[conversation.index()];
        conv.state = ConversationState::Handling(agent);
        out.push(Action::Assign {
            conversation,
            inbox,
            agent,
            customer: conv.customer,
        });
        true
    }

    /// While conversations wait that nobody on shift can take, the next shift start of a group
    /// serving the inbox is a timer.
    fn wake_at_next_shift(&mut self, inbox: InboxId, now: Instant) {
        if self.waiting[inbox.index()].is_empty() {
            return;
        }
        if let Some(t) = self.agents.next_shift_start(inbox, now)
            && self.shift_wake[inbox.index()].is_none_or(|w| t < w)
        {
            self.shift_wake[inbox.index()] = Some(t);
            self.set_timer(t, Timer::ShiftStart(inbox));
        }
    }

    /// `agent` holds `conversation` from now; unless agents work overtime, the end of their
    /// shift is a timer.
    fn take(&mut self, agent: AgentId, conversation: ConversationId, now: Instant) {
        self.agents.take(agent, conversation);
        if self.config.routing.at_shift_end == AtShiftEnd::Overtime {
            return;
        }
        if let (Some(group), Some(end)) = (
            self.agents.group_of(agent),
            self.agents.shift_end(agent, now),
        ) && self.shift_end[group.index()].is_none_or(|w| w != end)
        {
            self.shift_end[group.index()] = Some(end);
            self.set_timer(end, Timer::ShiftEnd(group));
        }
    }

    /// The group's shift is over: its agents let go of the conversations that wait on the
    /// customer; those they are writing in go when the message is done (`on_agent_reply`).
    fn end_shift(&mut self, group: ShiftId, now: Instant, out: &mut Vec<Action>) {
        let Some(first) = self.agents.members(group).next() else {
            return;
        };
        // Hours that run on (to midnight, and from midnight) are one shift: its end comes later
        // (a timer that finds nothing held then is dropped, see `is_stale`).
        if let Some(end) = self.agents.shift_end(first, now) {
            self.shift_end[group.index()] = Some(end);
            self.set_timer(end, Timer::ShiftEnd(group));
            return;
        }
        for agent in self.agents.members(group) {
            let between: Vec<ConversationId> = (self.agents.held(agent).iter())
                .copied()
                .filter(|c| {
                    matches!(
                        self.conversations[c.index()].state,
                        ConversationState::AwaitingCustomer { .. }
                    )
                })
                .collect();
            for conversation in between {
                self.let_go(conversation, agent, now, out);
            }
        }
    }

    /// `agent`, off shift, gives up a conversation that waits on the customer: to an agent on
    /// shift with standard room in its inbox (`handover`), or to nobody (`requeue`, or no one has
    /// room): the customer's next message then waits in the queue.
    fn let_go(
        &mut self,
        conversation: ConversationId,
        agent: AgentId,
        now: Instant,
        out: &mut Vec<Action>,
    ) {
        let conv = &self.conversations[conversation.index()];
        let (inbox, skill) = (conv.inbox, conv.skill);
        // A handover is auto-assigned work: never beyond standard capacity, pulling or not.
        let to = match self.config.routing.at_shift_end {
            AtShiftEnd::Handover => {
                (self.agents.pick(inbox, now, skill)).filter(|&a| self.agents.has_standard_room(a))
            }
            AtShiftEnd::Requeue => None,
            AtShiftEnd::Overtime => unreachable!("agents who work overtime let nothing go"),
        };
        let Some(to) = to else {
            self.release(conversation, now, out);
            return;
        };
        self.agents.release(agent, conversation);
        self.take(to, conversation, now);
        if let ConversationState::AwaitingCustomer { agent, .. } =
            &mut self.conversations[conversation.index()].state
        {
            *agent = to;
        }
        out.push(Action::Handover {
            conversation,
            inbox,
            from: agent,
            to,
        });
    }

    fn end_session(&mut self, conversation: ConversationId, now: Instant, out: &mut Vec<Action>) {
        if let ConversationState::AwaitingCustomer { until, .. } =
            self.conversations[conversation.index()].state
            && now > until
        {
            self.release(conversation, now, out);
        }
    }

    /// The agent lets the conversation go; they may take more from any inbox they serve.
    fn release(&mut self, conversation: ConversationId, now: Instant, out: &mut Vec<Action>) {
        let conv = &mut self.conversations[conversation.index()];
        let agent = match conv.state {
            ConversationState::Handling(agent)
            | ConversationState::AwaitingCustomer { agent, .. } => agent,
            ConversationState::Waiting
            | ConversationState::Ended { .. }
            | ConversationState::ClosedByRule => {
                panic!("conversation {conversation} released without an agent")
            }
        };
        conv.state = ConversationState::Ended { agent, at: now };
        let inbox = conv.inbox;
        self.agents.release(agent, conversation);
        out.push(Action::Release {
            conversation,
            inbox,
            agent,
        });
        match *self.agents.serves(agent) {
            [own] => self.assign(own, now, out),
            ref several => {
                let inboxes = several.to_vec();
                self.assign_across(&inboxes, now, out);
            }
        }
    }
}
