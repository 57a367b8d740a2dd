//! A run is a stream of `(Instant, Record)`: one record per thing that happened, in the order it
//! happened. The metrics, the timeline, the trace writer and the auditor are all [`Observer`]s of
//! that one stream, so none of them reaches into the simulation and each can be added or left
//! out without touching the others.

use crate::ids::{
    AgentId, CampaignId, ConversationId, Destination, InboxId, NumberId, OutreachId, RecipientRef,
    Row, RuleId, Source,
};
use crate::time::Instant;
use crate::{EndReason, Phone, SkipReason, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// An outreach began sending.
    Start {
        campaign: CampaignId,
        outreach: OutreachId,
    },
    /// An outreach ended: every row handled, its end time passed, or stopped by hand.
    Finish {
        campaign: CampaignId,
        outreach: OutreachId,
        status: Status,
    },
    /// The platform handed an SMS to the carrier.
    Send {
        to: RecipientRef,
        phone: Phone,
        number: NumberId,
    },
    /// A recipient passed over without an SMS.
    Skip {
        to: RecipientRef,
        phone: Phone,
        reason: SkipReason,
    },
    /// A recipient nobody texted.
    Unreached {
        to: RecipientRef,
        phone: Phone,
        reason: EndReason,
    },
    Deliver {
        to: RecipientRef,
        phone: Phone,
        number: NumberId,
    },
    /// The carrier gave up with an error code (30036: expired in the number's queue).
    Fail {
        to: RecipientRef,
        phone: Phone,
        number: NumberId,
        code: u32,
    },
    /// A customer message: the first reply to a campaign or a later message of the conversation.
    Reply {
        source: Source,
        phone: Phone,
        to: Destination,
        follow_up: bool,
        /// For a first reply to a campaign: which of the campaign's `customers.replies` bodies
        /// it was, so the auditor can read the words itself rather than trust the engine.
        body: Option<u32>,
    },
    OptOut {
        source: Source,
        phone: Phone,
        number: NumberId,
    },
    OptIn {
        source: Source,
        phone: Phone,
        number: NumberId,
    },
    /// A conversation entered an inbox's queue.
    Route {
        conversation: ConversationId,
        source: Source,
        phone: Phone,
        inbox: InboxId,
    },
    /// An agent took a waiting conversation.
    Assign {
        conversation: ConversationId,
        source: Source,
        phone: Phone,
        inbox: InboxId,
        agent: AgentId,
    },
    /// The customer wrote again within the session; the same agent starts on it.
    Handle {
        conversation: ConversationId,
        source: Source,
        phone: Phone,
        inbox: InboxId,
        agent: AgentId,
    },
    /// The agent's slot is free again (conversation closed or customer silent too long).
    Release {
        conversation: ConversationId,
        source: Source,
        inbox: InboxId,
        agent: AgentId,
    },
    /// The customer wrote within the reopen window of their closed conversation: it enters its
    /// inbox again (an `Assign` follows at once when its last agent is on shift with standard
    /// room).
    Reopen {
        conversation: ConversationId,
        source: Source,
        phone: Phone,
        inbox: InboxId,
    },
    /// An agent whose shift ended passed the conversation (between messages) to another agent.
    Handover {
        conversation: ConversationId,
        source: Source,
        inbox: InboxId,
        from: AgentId,
        to: AgentId,
    },
    /// A routing rule's actions ran for the message that opened `conversation`.
    RuleFired {
        rule: RuleId,
        conversation: ConversationId,
    },
    /// A rule moved the conversation from one inbox to another (before it was routed).
    Transfer {
        conversation: ConversationId,
        from: InboxId,
        to: InboxId,
    },
    /// A rule answered the customer at once: an SMS outside every send limit.
    AutoReply {
        conversation: ConversationId,
        phone: Phone,
        /// The number the customer wrote to; `None` for other channels.
        number: Option<NumberId>,
    },
    /// A rule closed the conversation (or marked it "no reply needed"): no agent will see it.
    ClosedByRule {
        conversation: ConversationId,
        inbox: InboxId,
    },
    /// A rule looped too often and is switched off for the rest of the run.
    RuleDisabled { rule: RuleId },
}

/// A record's columns as `trace.csv` writes them; a column a record does not have is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Columns {
    pub campaign: Option<CampaignId>,
    pub outreach: Option<OutreachId>,
    pub row: Option<Row>,
    pub phone: Option<Phone>,
    /// The company number an SMS went from or a reply went to.
    pub number: Option<NumberId>,
    pub inbox: Option<InboxId>,
    pub agent: Option<AgentId>,
}

impl Columns {
    fn recipient(to: RecipientRef, phone: Phone) -> Columns {
        Columns {
            campaign: Some(to.campaign),
            outreach: Some(to.outreach),
            row: Some(to.row),
            phone: Some(phone),
            ..Columns::default()
        }
    }
}

impl Record {
    /// The `event` column of `trace.csv`.
    pub fn name(&self) -> &'static str {
        match self {
            Record::Start { .. } => "start",
            Record::Finish { .. } => "finish",
            Record::Send { .. } => "send",
            Record::Skip { .. } => "skip",
            Record::Unreached { .. } => "unreached",
            Record::Deliver { .. } => "deliver",
            Record::Fail { .. } => "fail",
            Record::Reply { .. } => "reply",
            Record::OptOut { .. } => "opt_out",
            Record::OptIn { .. } => "opt_in",
            Record::Route { .. } => "route",
            Record::Assign { .. } => "assign",
            Record::Handle { .. } => "handle",
            Record::Release { .. } => "release",
            Record::Reopen { .. } => "reopen",
            Record::Handover { .. } => "handover",
            Record::RuleFired { .. } => "rule_fired",
            Record::Transfer { .. } => "transfer",
            Record::AutoReply { .. } => "auto_reply",
            Record::ClosedByRule { .. } => "closed_by_rule",
            Record::RuleDisabled { .. } => "rule_disabled",
        }
    }

    /// The `detail` column of `trace.csv`: the reason, code or status, where there is one.
    pub fn detail(&self) -> String {
        match self {
            Record::Skip { reason, .. } => reason.as_str().into(),
            Record::Fail { code, .. } => code.to_string(),
            Record::Reply {
                follow_up: true, ..
            } => "follow_up".into(),
            Record::Finish { status, .. } => status.as_str().into(),
            Record::Unreached { reason, .. } => reason.as_str().into(),
            // trace.csv has no rule or conversation column: the detail names them.
            Record::RuleFired { rule, conversation } => {
                format!("rule {rule} conversation {conversation}")
            }
            Record::Transfer {
                conversation, from, ..
            } => format!("conversation {conversation} from inbox {from}"),
            Record::AutoReply { conversation, .. } | Record::ClosedByRule { conversation, .. } => {
                format!("conversation {conversation}")
            }
            Record::RuleDisabled { rule } => format!("rule {rule}"),
            Record::Reopen { conversation, .. } => format!("conversation {conversation}"),
            Record::Handover {
                conversation, from, ..
            } => format!("conversation {conversation} from agent {from}"),
            _ => String::new(),
        }
    }

    pub fn columns(&self) -> Columns {
        match *self {
            Record::Start { campaign, outreach }
            | Record::Finish {
                campaign, outreach, ..
            } => Columns {
                campaign: Some(campaign),
                outreach: Some(outreach),
                ..Columns::default()
            },
            Record::Send { to, phone, number }
            | Record::Deliver { to, phone, number }
            | Record::Fail {
                to, phone, number, ..
            } => Columns {
                number: Some(number),
                ..Columns::recipient(to, phone)
            },
            Record::Skip { to, phone, .. } | Record::Unreached { to, phone, .. } => {
                Columns::recipient(to, phone)
            }
            Record::Reply {
                source, phone, to, ..
            } => {
                let (number, inbox) = match to {
                    Destination::Number(n) => (Some(n), None),
                    Destination::Inbox(i) => (None, Some(i)),
                };
                Columns {
                    campaign: source.campaign(),
                    phone: Some(phone),
                    number,
                    inbox,
                    ..Columns::default()
                }
            }
            Record::OptOut {
                source,
                phone,
                number,
            }
            | Record::OptIn {
                source,
                phone,
                number,
            } => Columns {
                campaign: source.campaign(),
                phone: Some(phone),
                number: Some(number),
                ..Columns::default()
            },
            Record::Route {
                source,
                phone,
                inbox,
                ..
            }
            | Record::Reopen {
                source,
                phone,
                inbox,
                ..
            } => Columns {
                campaign: source.campaign(),
                phone: Some(phone),
                inbox: Some(inbox),
                ..Columns::default()
            },
            Record::Assign {
                source,
                phone,
                inbox,
                agent,
                ..
            }
            | Record::Handle {
                source,
                phone,
                inbox,
                agent,
                ..
            } => Columns {
                campaign: source.campaign(),
                phone: Some(phone),
                inbox: Some(inbox),
                agent: Some(agent),
                ..Columns::default()
            },
            Record::Release { inbox, agent, .. }
            | Record::Handover {
                inbox, to: agent, ..
            } => Columns {
                inbox: Some(inbox),
                agent: Some(agent),
                ..Columns::default()
            },
            Record::Transfer { to: inbox, .. } | Record::ClosedByRule { inbox, .. } => Columns {
                inbox: Some(inbox),
                ..Columns::default()
            },
            Record::AutoReply { phone, number, .. } => Columns {
                phone: Some(phone),
                number,
                ..Columns::default()
            },
            Record::RuleFired { .. } | Record::RuleDisabled { .. } => Columns::default(),
        }
    }
}

/// Something that watches a run's record stream.
pub trait Observer {
    fn observe(&mut self, at: Instant, record: &Record);

    /// Everything caused by one happening (one carrier report, one customer message, one round
    /// of the platform's timers) has been observed.
    fn settle(&mut self, _at: Instant) {}

    /// The run ended at `end`; no record follows.
    fn finish(&mut self, _end: Instant) {}

    /// Whether the carrier's verdicts (`deliver`, `fail`) must reach this observer in time
    /// order, among the other records. An observer that only counts them, reading neither
    /// their order nor their instants, says no: then a verdict nobody answers is handed over
    /// when the carrier decides it, as of the instant of its send, and is never scheduled,
    /// which spares a run most of its scheduling.
    fn needs_verdicts_in_order(&self) -> bool {
        true
    }

    /// Whether this observer reads the records of recipients (`send`, `skip`, `unreached`). In
    /// a run that replays recorded campaign steps they are the same whatever the seed: when
    /// nobody but the run's own metrics reads them, the metrics take them counted once for
    /// every run, and they are not told again.
    fn reads_recipients(&self) -> bool {
        true
    }
}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn observe(&mut self, at: Instant, record: &Record) {
        (**self).observe(at, record);
    }
    fn needs_verdicts_in_order(&self) -> bool {
        (**self).needs_verdicts_in_order()
    }
    fn reads_recipients(&self) -> bool {
        (**self).reads_recipients()
    }
    fn settle(&mut self, at: Instant) {
        (**self).settle(at);
    }
    fn finish(&mut self, end: Instant) {
        (**self).finish(end);
    }
}

impl<O: Observer> Observer for Option<O> {
    fn observe(&mut self, at: Instant, record: &Record) {
        if let Some(o) = self {
            o.observe(at, record);
        }
    }
    fn settle(&mut self, at: Instant) {
        if let Some(o) = self {
            o.settle(at);
        }
    }
    fn finish(&mut self, end: Instant) {
        if let Some(o) = self {
            o.finish(end);
        }
    }
    fn needs_verdicts_in_order(&self) -> bool {
        self.as_ref().is_some_and(O::needs_verdicts_in_order)
    }
    fn reads_recipients(&self) -> bool {
        self.as_ref().is_some_and(O::reads_recipients)
    }
}

/// Nobody watching.
impl Observer for () {
    fn observe(&mut self, _at: Instant, _record: &Record) {}
    fn needs_verdicts_in_order(&self) -> bool {
        false
    }
    fn reads_recipients(&self) -> bool {
        false
    }
}

impl<A: Observer, B: Observer> Observer for (A, B) {
    fn observe(&mut self, at: Instant, record: &Record) {
        self.0.observe(at, record);
        self.1.observe(at, record);
    }
    fn settle(&mut self, at: Instant) {
        self.0.settle(at);
        self.1.settle(at);
    }
    fn finish(&mut self, end: Instant) {
        self.0.finish(end);
        self.1.finish(end);
    }
    fn needs_verdicts_in_order(&self) -> bool {
        self.0.needs_verdicts_in_order() || self.1.needs_verdicts_in_order()
    }
    fn reads_recipients(&self) -> bool {
        self.0.reads_recipients() || self.1.reads_recipients()
    }
}

/// Every record of a run, kept in memory (for `--trace` and for tests).
pub type Trace = Vec<(Instant, Record)>;

impl Observer for Trace {
    fn observe(&mut self, at: Instant, record: &Record) {
        self.push((at, *record));
    }
}
