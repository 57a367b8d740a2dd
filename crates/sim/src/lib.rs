//! The discrete-event harness: it owns virtual time and randomness, plays the carrier, the
//! customers and the background traffic, and drives the engine. Read `Sim::run` top to bottom.

mod background;
mod carrier;
mod closed_hours;
mod customers;
pub mod metrics;
mod plan;
pub mod population;
mod queue;
pub mod realtime;
pub mod rng;
mod sampler;

use crate::metrics::{CampaignMetrics, InboxMetrics, Timeline};
use engine::{self, Action, Destination, Engine, Inbound};
use model::record::{self, Kind, NONE};
use model::time::{MAX_RUN, Millis};
use model::{Phone, SkipReason, Status};
use scenario::Scenario;

pub use closed_hours::closed_hours;
pub use plan::{CampaignPlan, Plan, plan};

use background::Background;
use carrier::Carrier;
use customers::CustomerModel;
use queue::EventQueue;
use rng::{Purpose, name_key, stream};
use sampler::Sampler;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub seed: u64,
    /// Keep every event (needed by the auditor and `--trace`).
    pub trace: bool,
    /// Test-only: run the engine with a broken limiter (see [`engine::limiter::Fault`]).
    pub limiter_fault: Option<engine::limiter::Fault>,
}

/// Everything a run produced.
pub struct Outcome {
    pub seed: u64,
    /// Harness events processed plus actions the engine took.
    pub events: u64,
    /// Virtual time the run ended.
    pub end: Millis,
    pub campaigns: Vec<CampaignMetrics>,
    /// Final status of each outreach, `[campaign][outreach]`.
    pub statuses: Vec<Vec<Status>>,
    pub inboxes: Vec<InboxMetrics>,
    /// Per-minute series for charts.
    pub timeline: Timeline,
    /// Phones listed in more than one campaign.
    pub shared_phones: u64,
    pub trace: Vec<record::Event>,
    /// What the engine ran with (recipient lists included), for the auditor.
    pub config: engine::Config,
}

/// The engine's configuration for a scenario, with the recipient `lists` built for it.
pub fn engine_config(scn: &Scenario, lists: model::Lists) -> engine::Config {
    engine::Config {
        epoch: scn.epoch,
        zones: scn.zones.iter().map(|z| z.tz.clone()).collect(),
        windows: scn.limits.windows.clone(),
        pacing: scn.limits.pacing,
        opt_out_scope: scn.limits.opt_out_scope,
        duplicates: scn.limits.duplicates,
        number_inbox: scn.numbers.iter().map(|n| n.inbox).collect(),
        inboxes: scn
            .inboxes
            .iter()
            .map(|i| engine::InboxConfig {
                agents: i.agents,
                capacity: i.capacity,
                sla: i.sla_within,
                same_agent_window: i.same_agent_window,
            })
            .collect(),
        campaigns: scn
            .campaigns
            .iter()
            .zip(lists)
            .map(|(c, lists)| engine::CampaignConfig {
                number: c.number,
                schedule: c.schedule.clone(),
                outreaches: c
                    .outreaches
                    .iter()
                    .zip(lists)
                    .map(|(o, recipients)| engine::OutreachConfig {
                        start: o.start,
                        end: o.end,
                        stop_at: o.stop_at,
                        recipients,
                    })
                    .collect(),
            })
            .collect(),
        limiter_fault: None,
    }
}

pub fn run(scn: &Scenario, opts: &Options) -> Outcome {
    Sim::new(scn, opts).run(&mut |_| {})
}

/// Like [`run`], calling `progress` with the virtual time now and then (for progress bars).
pub fn run_with_progress(
    scn: &Scenario,
    opts: &Options,
    progress: &mut dyn FnMut(Millis),
) -> Outcome {
    Sim::new(scn, opts).run(progress)
}

enum Event {
    /// The carrier's final word on one SMS (`failure` 0: delivered).
    CarrierDone {
        campaign: u32,
        outreach: u32,
        row: u32,
        number: u32,
        phone: Phone,
        failure: u32,
    },
    CustomerWrites {
        thread: u32,
    },
    AgentDone {
        conversation: u32,
        thread: u32,
    },
    Background {
        inbox: u32,
    },
}

/// One customer's side of a conversation.
struct Thread {
    phone: Phone,
    to: Destination,
    /// The campaign replied to, or `NONE` for background traffic.
    campaign: u32,
    /// Entity key of this customer's draws.
    key: u64,
    body: u32,
    messages: u32,
    written: u32,
    conversation: Option<u32>,
}

const FOLLOW_UP_BODY: &str = "(follow-up)";
const BACKGROUND_BODY: &str = "(inbound)";

struct Sim<'a> {
    scn: &'a Scenario,
    seed: u64,
    engine: Engine,
    queue: EventQueue<Event>,
    carrier: Carrier,
    campaign_keys: Vec<u64>,
    models: Vec<CustomerModel>,
    background_model: CustomerModel,
    handle_time: Vec<Sampler>,
    background: Vec<Background>,
    threads: Vec<Thread>,
    /// When each conversation entered its inbox, and the campaign it answers (or background).
    entered: Vec<Millis>,
    source: Vec<u32>,
    /// The inbox each conversation waits in, until an agent takes it.
    waiting_in: Vec<Option<u32>>,
    timeline: Timeline,
    campaigns: Vec<CampaignMetrics>,
    inboxes: Vec<InboxMetrics>,
    trace: Option<Vec<record::Event>>,
    events: u64,
    actions: Vec<Action>,
    open_outreaches: usize,
    shared_phones: u64,
    /// The campaign whose customer wrote the inbound message being handled (opt-outs count there).
    replying: u32,
}

impl<'a> Sim<'a> {
    fn new(scn: &'a Scenario, opts: &Options) -> Self {
        let seed = opts.seed;
        let population = population::build(scn);
        let shared_phones = population.shared_phones;
        let mut config = engine_config(scn, population.lists);
        config.limiter_fault = opts.limiter_fault;
        let campaign_keys: Vec<u64> = scn.campaigns.iter().map(|c| name_key(&c.name)).collect();
        let models = scn
            .campaigns
            .iter()
            .zip(&campaign_keys)
            .map(|(c, &k)| {
                CustomerModel::new(
                    &c.customers,
                    c.reply_style,
                    &mut stream(seed, Purpose::ReplyRate, &[k]),
                )
            })
            .collect::<Vec<_>>();
        let campaigns: Vec<CampaignMetrics> = config
            .campaigns
            .iter()
            .zip(&models)
            .map(|(c, m)| CampaignMetrics {
                recipients: c.outreaches.iter().map(|o| o.recipients.len() as u64).sum(),
                reply_rate: m.reply_rate,
                ..Default::default()
            })
            .collect();
        let background: Vec<Background> = scn
            .inboxes
            .iter()
            .map(|i| Background::new(seed, i, scn.zones[0].tz.clone(), scn.epoch))
            .collect();
        let mut sim = Sim {
            scn,
            seed,
            carrier: Carrier::new(&scn.carrier, scn.numbers.len()),
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
            inboxes: scn.inboxes.iter().map(|_| InboxMetrics::new()).collect(),
            open_outreaches: config.campaigns.iter().map(|c| c.outreaches.len()).sum(),
            engine: Engine::new(config),
            queue: EventQueue::new(),
            campaign_keys,
            models,
            background,
            threads: Vec::new(),
            entered: Vec::new(),
            source: Vec::new(),
            waiting_in: Vec::new(),
            timeline: Timeline::new(scn.campaigns.len(), scn.inboxes.len()),
            campaigns,
            trace: opts.trace.then(Vec::new),
            events: 0,
            actions: Vec::new(),
            shared_phones,
            replying: NONE,
        };
        for (i, b) in sim.background.iter_mut().enumerate() {
            if let Some(t) = b.next_arrival(0) {
                sim.queue.push(t, Event::Background { inbox: i as u32 });
            }
        }
        sim
    }

    fn run(mut self, progress: &mut dyn FnMut(Millis)) -> Outcome {
        // Without a horizon the run goes until no work is left, but never past the longest run.
        let limit = self.scn.until.unwrap_or(MAX_RUN);
        let mut now = 0;
        let mut steps: u32 = 0;
        loop {
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(1 << 16) {
                progress(now);
            }
            let engine_at = self.engine.next_wakeup();
            let Some(t) = [engine_at, self.queue.peek_time()]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            if t >= limit {
                now = limit;
                break;
            }
            now = t;
            // At equal times the platform acts first: its timers were set before the world's news.
            if engine_at == Some(t) {
                self.engine.on_tick(t, &mut self.actions);
            } else {
                let (_, event) = self.queue.pop().expect("peeked");
                self.events += 1;
                self.on_event(t, event);
            }
            self.apply_actions(t);
        }
        let end = self.scn.until.unwrap_or(now);
        self.engine.end_of_run(&mut self.actions);
        self.apply_actions(end);
        self.count_unanswered(end);
        for m in &mut self.inboxes {
            m.advance(end);
        }
        self.timeline.finish(end);
        let statuses = self
            .engine
            .config()
            .campaigns
            .iter()
            .enumerate()
            .map(|(c, cfg)| {
                (0..cfg.outreaches.len() as u32)
                    .map(|o| self.engine.outreach_status(c as u32, o))
                    .collect()
            })
            .collect();
        Outcome {
            seed: self.seed,
            events: self.events,
            end,
            campaigns: self.campaigns,
            statuses,
            inboxes: self.inboxes,
            timeline: self.timeline,
            shared_phones: self.shared_phones,
            trace: self.trace.unwrap_or_default(),
            config: self.engine.into_config(),
        }
    }

    /// Customers still waiting when the run ends waited at least until then: their waits count
    /// (as lower bounds), so an inbox that answers nobody cannot report short waits.
    fn count_unanswered(&mut self, end: Millis) {
        for (c, inbox) in self.waiting_in.iter().enumerate() {
            let Some(inbox) = *inbox else { continue };
            let entered = self.entered[c];
            let wait = end.saturating_sub(entered);
            let sla = self.scn.inboxes[inbox as usize].sla_within;
            self.inboxes[inbox as usize].unanswered(wait, sla);
            self.timeline.inboxes[inbox as usize]
                .waits
                .push((entered, wait));
        }
    }

    fn record(&mut self, e: record::Event) {
        if let Some(t) = &mut self.trace {
            t.push(e);
        }
    }

    fn model(&self, campaign: u32) -> &CustomerModel {
        if campaign == NONE {
            &self.background_model
        } else {
            &self.models[campaign as usize]
        }
    }

    /// What the outside world does.
    fn on_event(&mut self, now: Millis, event: Event) {
        match event {
            Event::CarrierDone {
                campaign,
                outreach,
                row,
                number,
                phone,
                failure,
            } => {
                let m = &mut self.campaigns[campaign as usize];
                let kind = if failure == 0 {
                    m.delivered += 1;
                    Kind::Deliver
                } else {
                    m.failed += 1;
                    *m.failed_by_code.entry(failure).or_default() += 1;
                    Kind::Fail(failure)
                };
                self.record(record::Event {
                    number,
                    ..record::Event::recipient(now, kind, campaign, outreach, row, phone)
                });
                if failure != 0 {
                    return;
                }
                let key = rng::key(&[
                    self.campaign_keys[campaign as usize],
                    outreach.into(),
                    row.into(),
                ]);
                let mut draws = stream(self.seed, Purpose::Reply, &[key]);
                if let Some(reply) = self.models[campaign as usize].reply(&mut draws) {
                    let thread = self.threads.len() as u32;
                    self.threads.push(Thread {
                        phone,
                        to: Destination::Number(number),
                        campaign,
                        key,
                        body: reply.body,
                        messages: reply.messages,
                        written: 0,
                        conversation: None,
                    });
                    self.queue.push(
                        now.saturating_add(reply.after),
                        Event::CustomerWrites { thread },
                    );
                }
            }
            Event::CustomerWrites { thread } => {
                let th = &mut self.threads[thread as usize];
                let follow_up = th.written > 0;
                th.written += 1;
                let (phone, to, campaign, conversation, body) =
                    (th.phone, th.to, th.campaign, th.conversation, th.body);
                if campaign != NONE && !follow_up {
                    self.campaigns[campaign as usize].replies += 1;
                }
                let (number, inbox) = match to {
                    Destination::Number(n) => (n, NONE),
                    Destination::Inbox(i) => (NONE, i),
                };
                self.record(record::Event {
                    campaign,
                    phone: Some(phone),
                    number,
                    inbox,
                    ..record::Event::new(
                        now,
                        Kind::Reply {
                            follow_up,
                            body: (!follow_up && campaign != NONE).then_some(body),
                        },
                    )
                });
                // Field borrows (not `self.model`) so the engine can be driven while `body` lives.
                let model = if campaign == NONE {
                    &self.background_model
                } else {
                    &self.models[campaign as usize]
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
                    customer: thread.into(),
                    conversation,
                };
                self.replying = campaign;
                self.engine.on_inbound(now, msg, &mut self.actions);
            }
            Event::AgentDone {
                conversation,
                thread,
            } => {
                let th = &self.threads[thread as usize];
                let close = th.written >= th.messages;
                let pause = (!close).then(|| {
                    let mut draws = stream(
                        self.seed,
                        Purpose::CustomerMessage,
                        &[th.key, th.written.into()],
                    );
                    self.model(th.campaign).think_time(&mut draws)
                });
                self.engine
                    .on_agent_reply(now, conversation, close, &mut self.actions);
                if let Some(pause) = pause {
                    self.queue
                        .push(now.saturating_add(pause), Event::CustomerWrites { thread });
                }
            }
            Event::Background { inbox } => {
                let campaigns_done = self.open_outreaches == 0 && self.scn.until.is_none();
                if campaigns_done {
                    return;
                }
                let b = &mut self.background[inbox as usize];
                let n = b.arrivals;
                b.arrivals += 1;
                if let Some(t) = b.next_arrival(now) {
                    self.queue.push(t, Event::Background { inbox });
                }
                let key = rng::key(&[name_key(&self.scn.inboxes[inbox as usize].name), n]);
                let mut draws = stream(self.seed, Purpose::Background, &[key]);
                let thread = self.threads.len() as u32;
                self.threads.push(Thread {
                    phone: population::generated_phone(&[key, u64::from(u32::MAX)]),
                    to: Destination::Inbox(inbox),
                    campaign: NONE,
                    key,
                    body: 0,
                    messages: self.background_model.messages(&mut draws),
                    written: 0,
                    conversation: None,
                });
                self.on_event(now, Event::CustomerWrites { thread });
            }
        }
    }

    /// Carries out what the engine decided at `now`.
    fn apply_actions(&mut self, now: Millis) {
        let mut actions = std::mem::take(&mut self.actions);
        self.events += actions.len() as u64;
        for &action in &actions {
            self.apply(now, action);
        }
        for &action in &actions {
            if let Action::Route { inbox, .. } = action {
                self.inboxes[inbox as usize].settle();
            }
        }
        actions.clear();
        self.actions = actions;
    }

    fn apply(&mut self, now: Millis, action: Action) {
        match action {
            Action::Send {
                campaign,
                outreach,
                row,
                phone,
                number,
            } => {
                let m = &mut self.campaigns[campaign as usize];
                m.sent += 1;
                m.first_send.get_or_insert(now);
                m.last_send = Some(now);
                self.timeline.send(campaign, now);
                self.record(record::Event {
                    number,
                    ..record::Event::recipient(now, Kind::Send, campaign, outreach, row, phone)
                });
                let key = [
                    self.campaign_keys[campaign as usize],
                    outreach.into(),
                    row.into(),
                ];
                let verdict = self.carrier.submit(
                    number,
                    now,
                    &mut stream(self.seed, Purpose::Carrier, &key),
                );
                self.queue.push(
                    verdict.at,
                    Event::CarrierDone {
                        campaign,
                        outreach,
                        row,
                        number,
                        phone,
                        failure: verdict.failure.unwrap_or(0),
                    },
                );
            }
            Action::Skip {
                campaign,
                outreach,
                row,
                phone,
                reason,
            } => {
                let m = &mut self.campaigns[campaign as usize];
                match reason {
                    SkipReason::OptedOut => m.skipped_opted_out += 1,
                    SkipReason::Duplicate => m.skipped_duplicate += 1,
                }
                self.record(record::Event::recipient(
                    now,
                    Kind::Skip(reason),
                    campaign,
                    outreach,
                    row,
                    phone,
                ));
            }
            Action::Unreached {
                campaign,
                outreach,
                row,
                phone,
                reason,
            } => {
                let m = &mut self.campaigns[campaign as usize];
                m.unreached += 1;
                match reason {
                    model::EndReason::Cutoff => m.unreached_cutoff += 1,
                    model::EndReason::Stopped => m.unreached_stopped += 1,
                    model::EndReason::Horizon => m.unreached_horizon += 1,
                }
                self.record(record::Event::recipient(
                    now,
                    Kind::Unreached(reason),
                    campaign,
                    outreach,
                    row,
                    phone,
                ));
            }
            Action::Status {
                campaign,
                outreach,
                status,
            } => {
                if status.is_terminal() {
                    self.open_outreaches -= 1;
                }
                let kind = if status == Status::InProgress {
                    Kind::Start
                } else {
                    Kind::Finish(status)
                };
                self.record(record::Event {
                    campaign,
                    outreach,
                    ..record::Event::new(now, kind)
                });
            }
            Action::OptOut { phone, number } | Action::OptIn { phone, number } => {
                let opted_out = matches!(action, Action::OptOut { .. });
                let campaign = self.replying;
                if let Some(m) = self.campaigns.get_mut(campaign as usize) {
                    if opted_out {
                        m.opt_outs += 1;
                    } else {
                        m.opt_ins += 1;
                    }
                }
                let kind = if opted_out { Kind::OptOut } else { Kind::OptIn };
                self.record(record::Event {
                    campaign,
                    phone: Some(phone),
                    number,
                    ..record::Event::new(now, kind)
                });
            }
            Action::Route {
                conversation,
                inbox,
                customer,
            } => {
                let th = &mut self.threads[customer as usize];
                th.conversation = Some(conversation);
                let (phone, campaign) = (th.phone, th.campaign);
                debug_assert_eq!(self.entered.len(), conversation as usize);
                self.entered.push(now);
                self.source.push(campaign);
                self.waiting_in.push(Some(inbox));
                let m = &mut self.inboxes[inbox as usize];
                m.arrivals += 1;
                if campaign != NONE {
                    m.arrivals_from_campaigns += 1;
                }
                m.enqueue();
                self.timeline.inboxes[inbox as usize]
                    .queue
                    .set(now, m.queue);
                self.record(record::Event {
                    campaign,
                    phone: Some(phone),
                    inbox,
                    ..record::Event::new(now, Kind::Route)
                });
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
                let kind = if matches!(action, Action::Assign { .. }) {
                    let entered = self.entered[conversation as usize];
                    let wait = now - entered;
                    self.waiting_in[conversation as usize] = None;
                    let sla = self.scn.inboxes[inbox as usize].sla_within;
                    let m = &mut self.inboxes[inbox as usize];
                    m.assign(now, wait, sla);
                    let line = &mut self.timeline.inboxes[inbox as usize];
                    line.queue.set(now, m.queue);
                    line.waits.push((entered, wait));
                    let source = self.source[conversation as usize];
                    self.timeline.busy_change(inbox, source, now, true);
                    Kind::Assign
                } else {
                    Kind::Handle
                };
                let th = &self.threads[customer as usize];
                let mut draws = stream(
                    self.seed,
                    Purpose::AgentHandle,
                    &[th.key, th.written.into()],
                );
                let handle = self.handle_time[inbox as usize].millis(&mut draws);
                let (phone, campaign) = (th.phone, th.campaign);
                self.queue.push(
                    now.saturating_add(handle),
                    Event::AgentDone {
                        conversation,
                        thread: customer as u32,
                    },
                );
                self.record(record::Event {
                    campaign,
                    phone: Some(phone),
                    inbox,
                    agent,
                    ..record::Event::new(now, kind)
                });
            }
            Action::Release {
                conversation,
                inbox,
                agent,
            } => {
                self.inboxes[inbox as usize].release(now);
                let source = self.source[conversation as usize];
                self.timeline.busy_change(inbox, source, now, false);
                self.record(record::Event {
                    inbox,
                    agent,
                    ..record::Event::new(now, Kind::Release)
                });
            }
        }
    }
}
