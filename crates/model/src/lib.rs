//! The vocabulary every other crate speaks: virtual time and the company's clock, phones and
//! recipient rows, the platform's limits, weekly schedules, statuses, and the records a run is
//! made of.
//!
//! It depends on nothing of ours, so the engine, the simulator, the auditor and the report can
//! share words without sharing code.

pub mod boosts;
pub mod clock;
pub mod ids;
pub mod limits;
pub mod phone;
pub mod record;
pub mod routing;
pub mod rules;
pub mod schedule;
pub mod staff;
pub mod status;
pub mod time;

pub use clock::CompanyClock;
pub use ids::{
    AgentId, CampaignId, ConversationId, CustomerId, Destination, InboxId, NumberId, OutreachId,
    RecipientRef, Row, RuleId, ShiftId, SkillId, Source, TopicId, ZoneId,
};
pub use limits::{Duplicates, PLATFORM_WINDOWS, Pacing, Scope, Window};
pub use phone::{List, Lists, Phone, Recipient};
pub use record::{Observer, Record};
pub use routing::{AtShiftEnd, RoutingSettings};
pub use schedule::Shift;
pub use staff::Staff;
pub use status::{EndReason, SkipReason, Status};
pub use time::{Instant, Span};
