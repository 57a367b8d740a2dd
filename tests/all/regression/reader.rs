//! Regressions in the reader.

use crate::bad_input::assert_rejected_at;
use crate::common::one_campaign;

// --- stop_at and end against the outreach start ---

#[test]
fn stop_at_equal_to_start_is_rejected() {
    let text = one_campaign(10, "", "stop_at = \"2026-12-01T09:00\"");
    assert_rejected_at(&text, "stop_at =", "after its start");
}

#[test]
fn stop_at_before_start_is_rejected() {
    let text = one_campaign(10, "", "stop_at = \"2026-12-01T08:30\"");
    assert_rejected_at(&text, "stop_at =", "after its start");
}

#[test]
fn end_equal_to_start_is_rejected() {
    let text = one_campaign(10, "", "end = \"2026-12-01T09:00\"");
    assert_rejected_at(&text, "end =", "end must be after its start");
}
