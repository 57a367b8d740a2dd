//! A running SHA-256 of a run's records: `check.json` names every run's trace by it, without
//! keeping the trace. It covers each record's columns as `trace.csv` shows them, plus the company
//! number; conversation ids and reply bodies are not in it (two runs can still be compared on
//! those: `--verify-determinism` compares whole records).

use sha2::{Digest, Sha256};

use model::record::{Observer, Record};
use model::time::Instant;

/// How the hash writes a column a record does not have: a value no id takes (see
/// `model::ids`). The encoding is fixed so hashes stay comparable across versions.
const ABSENT_U32: u32 = 0xFFFF_FFFF;
const ABSENT_PHONE: u64 = 0xFFFF_FFFF_FFFF_FFFF;

#[derive(Default)]
pub struct TraceHash(Sha256);

impl TraceHash {
    pub fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Observer for TraceHash {
    fn observe(&mut self, at: Instant, record: &Record) {
        let h = &mut self.0;
        h.update(at.as_millis().to_le_bytes());
        h.update(record.name().as_bytes());
        h.update(record.detail().as_bytes());
        let c = record.columns();
        for v in [
            c.campaign.map(|c| c.get()),
            c.outreach.map(|o| o.get()),
            c.row.map(|r| r.get()),
            c.number.map(|n| n.get()),
            c.inbox.map(|i| i.get()),
            c.agent.map(|a| a.get()),
        ] {
            h.update(v.unwrap_or(ABSENT_U32).to_le_bytes());
        }
        h.update(c.phone.map_or(ABSENT_PHONE, |p| p.0).to_le_bytes());
    }
}
