//! The company's routing settings (`[routing]`): what happens to conversations at a shift's end,
//! how long a closed conversation can be reopened, and whether agents pull work beyond their
//! standard capacity.

use crate::time::Span;

/// What agents do with the conversations they hold when their shift ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AtShiftEnd {
    /// They stay and finish what they hold (reported as overtime).
    #[default]
    Overtime,
    /// They finish the message in hand; each conversation then passes to an agent on shift in
    /// its inbox with standard room (after the customers waiting in the queue), or is let go as
    /// with `Requeue` when nobody has room.
    Handover,
    /// They finish the message in hand and let the conversation go: the customer's next
    /// message waits in the inbox's queue for whoever is on shift.
    Requeue,
}

impl AtShiftEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            AtShiftEnd::Overtime => "overtime",
            AtShiftEnd::Handover => "handover",
            AtShiftEnd::Requeue => "requeue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingSettings {
    pub at_shift_end: AtShiftEnd,
    /// A customer who writes within this span of their conversation's close reopens it, with
    /// the same agent if that agent is on shift and has room. Zero: never reopened.
    pub reopen_window: Span,
    /// Agents pull waiting conversations beyond `capacity.standard`, up to `capacity.maximum`,
    /// when nobody on shift has standard room left.
    pub pull: bool,
}
