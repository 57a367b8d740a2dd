//! The event trace: one record per thing that happened, in the order it happened.
//! The auditor proves the invariants from it; `--trace` writes it as `trace.csv`.

use crate::time::Millis;
use crate::{EndReason, Phone, SkipReason, Status};

/// No campaign, outreach, inbox or agent for this event.
pub const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Start,
    Send,
    Skip(SkipReason),
    Deliver,
    /// Carrier error code (30036: expired in the number's queue).
    Fail(u32),
    /// A customer message: the first reply to a campaign or a later message of the conversation.
    Reply {
        follow_up: bool,
        /// For a first reply to a campaign: which of the campaign's `customers.replies` bodies
        /// it was, so the auditor can read the words itself rather than trust the engine.
        body: Option<u32>,
    },
    OptOut,
    OptIn,
    Route,
    Assign,
    Handle,
    Release,
    Finish(Status),
    Unreached(EndReason),
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::Send => "send",
            Kind::Skip(_) => "skip",
            Kind::Deliver => "deliver",
            Kind::Fail(_) => "fail",
            Kind::Reply { .. } => "reply",
            Kind::OptOut => "opt_out",
            Kind::OptIn => "opt_in",
            Kind::Route => "route",
            Kind::Assign => "assign",
            Kind::Handle => "handle",
            Kind::Release => "release",
            Kind::Finish(_) => "finish",
            Kind::Unreached(_) => "unreached",
        }
    }

    pub fn detail(self) -> String {
        match self {
            Kind::Skip(SkipReason::OptedOut) => "opted_out".into(),
            Kind::Skip(SkipReason::Duplicate) => "duplicate".into(),
            Kind::Fail(code) => code.to_string(),
            Kind::Reply {
                follow_up: true, ..
            } => "follow_up".into(),
            Kind::Finish(status) => status.as_str().into(),
            Kind::Unreached(EndReason::Cutoff) => "cutoff".into(),
            Kind::Unreached(EndReason::Stopped) => "stopped".into(),
            Kind::Unreached(EndReason::Horizon) => "horizon".into(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub t: Millis,
    pub kind: Kind,
    pub campaign: u32,
    pub outreach: u32,
    /// Row of the recipient in its outreach's list.
    pub recipient: u32,
    pub phone: Option<Phone>,
    /// The company number an SMS went from or a reply went to.
    pub number: u32,
    pub inbox: u32,
    pub agent: u32,
}

impl Event {
    /// An event about one recipient row of an outreach.
    pub fn recipient(
        t: Millis,
        kind: Kind,
        campaign: u32,
        outreach: u32,
        row: u32,
        phone: Phone,
    ) -> Event {
        Event {
            campaign,
            outreach,
            recipient: row,
            phone: Some(phone),
            ..Event::new(t, kind)
        }
    }

    pub fn new(t: Millis, kind: Kind) -> Event {
        Event {
            t,
            kind,
            campaign: NONE,
            outreach: NONE,
            recipient: NONE,
            phone: None,
            number: NONE,
            inbox: NONE,
            agent: NONE,
        }
    }
}
