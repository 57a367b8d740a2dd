//! Where an outreach stands, and why a recipient got no SMS.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Scheduled,
    InProgress,
    /// Every row was handled, or the end time passed.
    Completed,
    /// Cancelled by hand: terminal, cannot resume.
    Stopped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Stopped => "stopped",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Stopped)
    }
}

/// Why a recipient was passed over without an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    OptedOut,
    Duplicate,
}

/// Why a recipient was never reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The outreach's end time passed.
    Cutoff,
    /// The outreach was stopped by hand.
    Stopped,
    /// The simulation horizon came first.
    Horizon,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::OptedOut => "opted_out",
            SkipReason::Duplicate => "duplicate",
        }
    }
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Cutoff => "cutoff",
            EndReason::Stopped => "stopped",
            EndReason::Horizon => "horizon",
        }
    }
}
