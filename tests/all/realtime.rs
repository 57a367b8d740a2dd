//! The engine on tokio's paused clock must send exactly what the simulator sends.

use std::time::Duration;

use engine::Action;
use model::record::Record;
use model::time::Instant;
use model::{RecipientRef, SkipReason};
use sim::realtime::{self, Carrier, Message, Sms};

use crate::common::{run_audited, sends, shipped};

/// Accepts every SMS and "delivers" it later on its own task, as a real carrier client would.
struct MockCarrier {
    accepted: Vec<Sms>,
}

impl Carrier for MockCarrier {
    async fn submit(&mut self, sms: Sms) {
        self.accepted.push(sms);
        tokio::spawn(async { tokio::time::sleep(Duration::from_secs(3)).await });
    }
}

#[tokio::test(start_paused = true)]
async fn the_async_driver_sends_exactly_what_the_simulator_sends() {
    for name in ["single-500.toml", "launch.toml"] {
        let scn = shipped(name);
        let o = run_audited(&scn, 42);
        let sim_sends = sends(&o.trace);
        // Replay what the simulated customers asked of the platform (STOP / START).
        let messages: Vec<Message> = o
            .trace
            .iter()
            .filter_map(|&(at, r)| {
                let (body, phone, number) = match r {
                    Record::OptOut { phone, number, .. } => ("STOP", phone, number),
                    Record::OptIn { phone, number, .. } => ("START", phone, number),
                    _ => return None,
                };
                Some(Message {
                    at,
                    phone,
                    number,
                    body: body.into(),
                })
            })
            .collect();
        let config = sim::engine_config(&scn, sim::population::build(&scn).lists);
        let mut carrier = MockCarrier {
            accepted: Vec::new(),
        };
        let started = tokio::time::Instant::now();
        let log = realtime::drive(config, &mut carrier, messages, scn.until).await;
        let rt_sends: Vec<(Instant, RecipientRef)> = log
            .iter()
            .filter_map(|&(t, a)| match a {
                Action::Send { to, .. } => Some((t, to)),
                _ => None,
            })
            .collect();
        assert_eq!(rt_sends.len(), sim_sends.len(), "{name}");
        assert!(rt_sends == sim_sends, "{name}: the send schedules differ");
        assert_eq!(carrier.accepted.len(), sim_sends.len());
        let last = sim_sends.last().unwrap().0;
        assert!(
            started.elapsed() >= Duration::from_millis(last.as_millis()),
            "the driver slept on tokio's clock"
        );
        if name == "launch.toml" {
            let skipped = log
                .iter()
                .filter(|(_, a)| {
                    matches!(
                        a,
                        Action::Skip {
                            reason: SkipReason::OptedOut,
                            ..
                        }
                    )
                })
                .count();
            assert!(
                skipped > 0,
                "the replayed opt-outs made the engine skip someone"
            );
        }
    }
}
