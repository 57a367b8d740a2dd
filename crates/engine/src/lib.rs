//! The campaign system under test, sans-IO: it owns no clock, no randomness and no files.
//!
//! A driver (the discrete-event simulator, or an async driver in real time) asks
//! [`Engine::next_wakeup`], calls [`Engine::on_tick`] at that time, feeds in what the outside world
//! did ([`Engine::on_inbound`], [`Engine::on_agent_reply`]) and carries out the [`Action`]s the
//! engine answers with.

pub mod config;
mod inbox;
pub mod limiter;
pub mod opt_out;
pub mod outreach;
pub mod schedule;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use config::{CampaignConfig, Config, InboxConfig, OutreachConfig};

use inbox::Inbox;
use limiter::Limiter;
use model::time::Millis;
use model::{EndReason, Phone, SkipReason, Status};
use opt_out::{Keyword, Registry};
use outreach::{Outreach, Pick};

/// Where an inbound message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// An SMS to one of the company's numbers.
    Number(u32),
    /// Inbound traffic from other channels straight into an inbox.
    Inbox(u32),
}

pub struct Inbound<'a> {
    pub phone: Phone,
    pub to: Destination,
    pub body: &'a str,
    /// The driver's handle for this customer's thread, echoed in actions.
    pub customer: u64,
    /// The conversation this message continues, if the customer had one.
    pub conversation: Option<u32>,
}

/// What the campaign system does; the driver carries it out (and may record it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Send {
        campaign: u32,
        outreach: u32,
        row: u32,
        phone: Phone,
        number: u32,
    },
    Skip {
        campaign: u32,
        outreach: u32,
        row: u32,
        phone: Phone,
        reason: SkipReason,
    },
    Unreached {
        campaign: u32,
        outreach: u32,
        row: u32,
        phone: Phone,
        reason: EndReason,
    },
    Status {
        campaign: u32,
        outreach: u32,
        status: Status,
    },
    OptOut {
        phone: Phone,
        number: u32,
    },
    OptIn {
        phone: Phone,
        number: u32,
    },
    /// A conversation entered an inbox's queue.
    Route {
        conversation: u32,
        inbox: u32,
        customer: u64,
    },
    /// An agent took a waiting conversation and starts on its message.
    Assign {
        conversation: u32,
        inbox: u32,
        agent: u32,
        customer: u64,
    },
    /// A customer wrote again within the session: the same agent starts on it.
    Handle {
        conversation: u32,
        inbox: u32,
        agent: u32,
        customer: u64,
    },
    /// The agent's slot is free again (conversation closed or customer silent too long).
    Release {
        conversation: u32,
        inbox: u32,
        agent: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Campaign(u32),
    OutreachStart(u32, u32),
    OutreachEnd(u32, u32),
    OutreachStop(u32, u32),
    SessionEnd(u32),
}

impl Timer {
    /// Order of timers due at the same instant: "nothing is sent at or after an end or a stop"
    /// must not depend on which timer was set first, so ends and stops go before anything that
    /// can send, and starts before the sends they enable. Others keep the order they were set in.
    fn rank(self) -> u8 {
        match self {
            Timer::OutreachEnd(..) | Timer::OutreachStop(..) => 0,
            Timer::OutreachStart(..) => 1,
            Timer::Campaign(_) | Timer::SessionEnd(_) => 2,
        }
    }
}

struct Campaign {
    limiter: Limiter,
    outreaches: Vec<Outreach>,
    /// The one pending slot timer that counts; older heap entries are stale.
    wake: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConversationState {
    Waiting,
    Handling,
    AwaitingCustomer { until: Millis },
    Closed,
}

struct Conversation {
    inbox: u32,
    agent: u32,
    customer: u64,
    state: ConversationState,
}

pub struct Engine {
    config: Config,
    campaigns: Vec<Campaign>,
    registry: Registry,
    inboxes: Vec<Inbox>,
    conversations: Vec<Conversation>,
    timers: BinaryHeap<Reverse<(Millis, u8, u64, Timer)>>,
    timer_seq: u64,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        let campaigns = config
            .campaigns
            .iter()
            .map(|c| Campaign {
                limiter: Limiter::with_fault(&config.windows, config.pacing, config.limiter_fault),
                outreaches: c
                    .outreaches
                    .iter()
                    .map(|o| Outreach::new(o, config.duplicates))
                    .collect(),
                wake: None,
            })
            .collect();
        let mut engine = Engine {
            registry: Registry::new(config.opt_out_scope),
            inboxes: config.inboxes.iter().map(Inbox::new).collect(),
            campaigns,
            conversations: Vec::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            config,
        };
        for (c, cfg) in engine.config.campaigns.clone().iter().enumerate() {
            for (o, ocfg) in cfg.outreaches.iter().enumerate() {
                let (c, o) = (c as u32, o as u32);
                engine.set_timer(ocfg.start, Timer::OutreachStart(c, o));
                if let Some(end) = ocfg.end {
                    engine.set_timer(end, Timer::OutreachEnd(c, o));
                }
                if let Some(stop) = ocfg.stop_at {
                    engine.set_timer(stop, Timer::OutreachStop(c, o));
                }
            }
        }
        engine
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn into_config(self) -> Config {
        self.config
    }

    pub fn outreach_status(&self, campaign: u32, outreach: u32) -> Status {
        self.campaigns[campaign as usize].outreaches[outreach as usize].status
    }

    /// When the engine next needs `on_tick`, if ever.
    pub fn next_wakeup(&self) -> Option<Millis> {
        self.timers.peek().map(|Reverse((t, _, _, _))| *t)
    }

    /// Does everything due at or before `now`.
    pub fn on_tick(&mut self, now: Millis, out: &mut Vec<Action>) {
        while let Some(&Reverse((t, _, _, timer))) = self.timers.peek() {
            if t > now {
                break;
            }
            self.timers.pop();
            match timer {
                Timer::Campaign(c) => {
                    if self.campaigns[c as usize].wake == Some(t) {
                        self.campaigns[c as usize].wake = None;
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
            }
        }
        self.drop_stale_timers();
    }

    /// An inbound SMS (or other-channel message) arrives.
    pub fn on_inbound(&mut self, now: Millis, msg: Inbound<'_>, out: &mut Vec<Action>) {
        self.inbound(now, msg, out);
        self.drop_stale_timers();
    }

    fn inbound(&mut self, now: Millis, msg: Inbound<'_>, out: &mut Vec<Action>) {
        if let Destination::Number(number) = msg.to {
            match opt_out::classify(msg.body) {
                Some(Keyword::OptOut) => {
                    self.registry.opt_out(number, msg.phone);
                    out.push(Action::OptOut {
                        phone: msg.phone,
                        number,
                    });
                    return;
                }
                Some(Keyword::OptIn) => {
                    self.registry.opt_in(number, msg.phone);
                    out.push(Action::OptIn {
                        phone: msg.phone,
                        number,
                    });
                    return;
                }
                // The platform answers HELP/INFO itself; no agent sees it.
                Some(Keyword::Help) => return,
                None => {}
            }
        }
        if let Some(c) = msg.conversation {
            let conv = &mut self.conversations[c as usize];
            if let ConversationState::AwaitingCustomer { until } = conv.state
                && now <= until
            {
                conv.state = ConversationState::Handling;
                out.push(Action::Handle {
                    conversation: c,
                    inbox: conv.inbox,
                    agent: conv.agent,
                    customer: conv.customer,
                });
                return;
            }
        }
        let inbox = match msg.to {
            Destination::Number(n) => self.config.number_inbox[n as usize],
            Destination::Inbox(i) => i,
        };
        let conversation = self.conversations.len() as u32;
        self.conversations.push(Conversation {
            inbox,
            agent: u32::MAX,
            customer: msg.customer,
            state: ConversationState::Waiting,
        });
        out.push(Action::Route {
            conversation,
            inbox,
            customer: msg.customer,
        });
        let due = now.saturating_add(self.config.inboxes[inbox as usize].sla);
        self.inboxes[inbox as usize].enqueue(due, conversation);
        self.assign(inbox, out);
    }

    /// The agent answered the customer's message; `close` ends the conversation at once.
    pub fn on_agent_reply(
        &mut self,
        now: Millis,
        conversation: u32,
        close: bool,
        out: &mut Vec<Action>,
    ) {
        let conv = &mut self.conversations[conversation as usize];
        debug_assert_eq!(conv.state, ConversationState::Handling);
        if close {
            self.release(conversation, out);
        } else {
            let until =
                now.saturating_add(self.config.inboxes[conv.inbox as usize].same_agent_window);
            conv.state = ConversationState::AwaitingCustomer { until };
            // "Silent for longer than the window": the session ends just after it.
            self.set_timer(until.saturating_add(1), Timer::SessionEnd(conversation));
        }
        self.drop_stale_timers();
    }

    /// The run is over at `now`: whoever was not reached stays unreached.
    pub fn end_of_run(&mut self, out: &mut Vec<Action>) {
        for c in 0..self.campaigns.len() as u32 {
            for o in 0..self.campaigns[c as usize].outreaches.len() as u32 {
                self.mark_unreached(c, o, EndReason::Horizon, out);
            }
        }
    }

    /// Pops timers at the head that would do nothing (a start or end of an outreach already
    /// over, a campaign slot superseded, a session the customer renewed), so `next_wakeup` names
    /// only real work and a run without a horizon ends with its work, not at a moot end time.
    fn drop_stale_timers(&mut self) {
        while let Some(&Reverse((t, _, _, timer))) = self.timers.peek() {
            if !self.is_stale(t, timer) {
                return;
            }
            self.timers.pop();
        }
    }

    fn is_stale(&self, t: Millis, timer: Timer) -> bool {
        let status = |c: u32, o: u32| self.campaigns[c as usize].outreaches[o as usize].status;
        match timer {
            Timer::Campaign(c) => self.campaigns[c as usize].wake != Some(t),
            Timer::OutreachStart(c, o) => status(c, o) != Status::Scheduled,
            Timer::OutreachEnd(c, o) | Timer::OutreachStop(c, o) => status(c, o).is_terminal(),
            Timer::SessionEnd(conversation) => !matches!(
                self.conversations[conversation as usize].state,
                ConversationState::AwaitingCustomer { until } if t > until
            ),
        }
    }

    fn set_timer(&mut self, t: Millis, timer: Timer) {
        self.timer_seq += 1;
        self.timers
            .push(Reverse((t, timer.rank(), self.timer_seq, timer)));
    }

    fn wake_campaign(&mut self, c: u32, t: Millis) {
        if t == Millis::MAX {
            return;
        }
        let campaign = &mut self.campaigns[c as usize];
        if campaign.wake.is_none_or(|w| t < w) {
            campaign.wake = Some(t);
            self.set_timer(t, Timer::Campaign(c));
        }
    }

    fn start_outreach(&mut self, c: u32, o: u32, now: Millis, out: &mut Vec<Action>) {
        let outreach = &mut self.campaigns[c as usize].outreaches[o as usize];
        if outreach.status != Status::Scheduled {
            return;
        }
        outreach.status = Status::InProgress;
        out.push(Action::Status {
            campaign: c,
            outreach: o,
            status: Status::InProgress,
        });
        let recipients = &self.config.campaigns[c as usize].outreaches[o as usize].recipients;
        for &row in &outreach.duplicates {
            out.push(Action::Skip {
                campaign: c,
                outreach: o,
                row,
                phone: recipients[row as usize].phone,
                reason: SkipReason::Duplicate,
            });
        }
        self.run_campaign(c, now, out);
    }

    fn end_outreach(
        &mut self,
        c: u32,
        o: u32,
        reason: EndReason,
        status: Status,
        out: &mut Vec<Action>,
    ) {
        let outreach = &mut self.campaigns[c as usize].outreaches[o as usize];
        if outreach.status.is_terminal() {
            return;
        }
        if outreach.status == Status::Scheduled {
            // Ended before it began: its duplicates still count as such, not as unreached.
            outreach.status = Status::InProgress;
            let recipients = &self.config.campaigns[c as usize].outreaches[o as usize].recipients;
            for &row in &outreach.duplicates {
                out.push(Action::Skip {
                    campaign: c,
                    outreach: o,
                    row,
                    phone: recipients[row as usize].phone,
                    reason: SkipReason::Duplicate,
                });
            }
        }
        self.mark_unreached(c, o, reason, out);
        self.campaigns[c as usize].outreaches[o as usize].status = status;
        out.push(Action::Status {
            campaign: c,
            outreach: o,
            status,
        });
    }

    fn mark_unreached(&mut self, c: u32, o: u32, reason: EndReason, out: &mut Vec<Action>) {
        let outreach = &mut self.campaigns[c as usize].outreaches[o as usize];
        let recipients = &self.config.campaigns[c as usize].outreaches[o as usize].recipients;
        if outreach.status == Status::Scheduled {
            // Never started: every row is unreached, duplicates included (nothing was checked).
            for (row, r) in recipients.iter().enumerate() {
                out.push(Action::Unreached {
                    campaign: c,
                    outreach: o,
                    row: row as u32,
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
                campaign: c,
                outreach: o,
                row,
                phone: recipients[row as usize].phone,
                reason,
            });
        }
    }

    /// Sends everything the limiter allows now, then sleeps until the next allowed slot or window.
    fn run_campaign(&mut self, c: u32, now: Millis, out: &mut Vec<Action>) {
        let cfg = &self.config.campaigns[c as usize];
        let campaign = &mut self.campaigns[c as usize];
        loop {
            let allowed = campaign.limiter.next_allowed(now);
            if allowed > now {
                let any_active = campaign
                    .outreaches
                    .iter()
                    .any(|o| o.status == Status::InProgress);
                if any_active {
                    self.wake_campaign(c, allowed);
                }
                return;
            }
            let mut chosen = None;
            let mut opens = Millis::MAX;
            for (o, outreach) in campaign.outreaches.iter_mut().enumerate() {
                // The end or stop instant closes an outreach whatever timer ran first.
                if outreach.status != Status::InProgress || !cfg.outreaches[o].sends_at(now) {
                    continue;
                }
                match outreach.pick(
                    now,
                    cfg.schedule.as_ref(),
                    &self.config.zones,
                    self.config.epoch,
                ) {
                    Pick::Row(row) => {
                        chosen = Some((o as u32, row));
                        break;
                    }
                    Pick::WaitUntil(t) => opens = opens.min(t),
                    Pick::Exhausted => {
                        outreach.status = Status::Completed;
                        out.push(Action::Status {
                            campaign: c,
                            outreach: o as u32,
                            status: Status::Completed,
                        });
                    }
                }
            }
            let Some((o, row)) = chosen else {
                self.wake_campaign(c, opens);
                return;
            };
            campaign.outreaches[o as usize].take(row);
            let phone = cfg.outreaches[o as usize].recipients[row as usize].phone;
            if self.registry.is_opted_out(cfg.number, phone) {
                // Skipped before sending, so it does not use up a slot of the limit.
                out.push(Action::Skip {
                    campaign: c,
                    outreach: o,
                    row,
                    phone,
                    reason: SkipReason::OptedOut,
                });
                continue;
            }
            campaign.limiter.record(now);
            out.push(Action::Send {
                campaign: c,
                outreach: o,
                row,
                phone,
                number: cfg.number,
            });
        }
    }

    fn assign(&mut self, inbox: u32, out: &mut Vec<Action>) {
        while let Some((conversation, agent)) = self.inboxes[inbox as usize].assign_next() {
            let conv = &mut self.conversations[conversation as usize];
            conv.agent = agent;
            conv.state = ConversationState::Handling;
            out.push(Action::Assign {
                conversation,
                inbox,
                agent,
                customer: conv.customer,
            });
        }
    }

    fn end_session(&mut self, conversation: u32, now: Millis, out: &mut Vec<Action>) {
        if let ConversationState::AwaitingCustomer { until } =
            self.conversations[conversation as usize].state
            && now > until
        {
            self.release(conversation, out);
        }
    }

    fn release(&mut self, conversation: u32, out: &mut Vec<Action>) {
        let conv = &mut self.conversations[conversation as usize];
        conv.state = ConversationState::Closed;
        let (inbox, agent) = (conv.inbox, conv.agent);
        self.inboxes[inbox as usize].release(agent);
        out.push(Action::Release {
            conversation,
            inbox,
            agent,
        });
        self.assign(inbox, out);
    }
}
