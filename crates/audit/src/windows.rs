//! Send windows: at most `max` sends of a campaign in any half-open interval of length `per`.
//! Judged at each send from the last `max` sends before it, which is all a window needs to
//! remember; liveness reads the same memory to know when one more SMS would have fitted.

use std::collections::VecDeque;

use model::time::{Instant, SECOND};
use model::{CampaignId, Window};

use super::{Invariant, Violation};

/// One campaign's sends as its windows see them.
pub struct SendWindows {
    windows: Vec<Recent>,
}

struct Recent {
    window: Window,
    /// The last `window.max` sends, oldest first.
    times: VecDeque<Instant>,
    /// The first breach of this window (later ones are not reported).
    breach: Option<Violation>,
}

impl SendWindows {
    pub fn new(windows: &[Window]) -> SendWindows {
        SendWindows {
            windows: windows
                .iter()
                .map(|&window| Recent {
                    window,
                    times: VecDeque::new(),
                    breach: None,
                })
                .collect(),
        }
    }

    /// Judges a send of campaign `c` at `t` against the sends before it, then remembers it.
    pub fn send(&mut self, c: CampaignId, t: Instant) {
        for r in &mut self.windows {
            let n = r.window.max as usize;
            if r.breach.is_none() && r.times.len() == n {
                // n+1 sends spanning less than `per` fit in one half-open window of length `per`.
                let oldest = r.times.front().copied().unwrap_or(t);
                if t.checked_since(oldest).is_some_and(|d| d < r.window.per) {
                    r.breach = Some(Violation {
                        invariant: Invariant::SendWindow,
                        campaign: Some(c),
                        t,
                        detail: format!(
                            "{} sends between {oldest} and {t}, more than {} per {} s",
                            n + 1,
                            r.window.max,
                            r.window.per.div_floor(SECOND)
                        ),
                    });
                }
            }
            r.times.push_back(t);
            if r.times.len() > n {
                r.times.pop_front();
            }
        }
    }

    /// The earliest instant at which the sends so far leave room for one more in every window.
    pub fn allowed(&self) -> Instant {
        self.windows
            .iter()
            .filter(|r| r.times.len() == r.window.max as usize)
            .filter_map(|r| Some(r.times.front()?.saturating_add(r.window.per)))
            .max()
            .unwrap_or(Instant::START)
    }

    /// The breaches found, one at most per window, in the scenario's window order.
    pub fn into_breaches(self) -> impl Iterator<Item = Violation> {
        self.windows.into_iter().filter_map(|r| r.breach)
    }
}
