//! `trace.csv`: one row per record, `t_ms,event,campaign,outreach,recipient,phone,inbox,agent,detail`.
//! The writer is an observer of the record stream, so it can follow a run as it goes or replay a
//! kept trace.

use std::io::{self, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use model::record::{Observer, Record};
use model::time::Instant;
use scenario::Scenario;

use crate::folder::file_beside;

pub struct TraceWriter<'a, W: Write> {
    out: W,
    scn: &'a Scenario,
    /// The first write error; later records are not written.
    error: Option<io::Error>,
}

impl<'a, W: Write> TraceWriter<'a, W> {
    /// Writes the header row.
    pub fn new(mut out: W, scn: &'a Scenario) -> io::Result<Self> {
        writeln!(
            out,
            "t_ms,event,campaign,outreach,recipient,phone,inbox,agent,detail"
        )?;
        Ok(TraceWriter {
            out,
            scn,
            error: None,
        })
    }

    /// Flushes what was written; the first error the writer met, if any.
    pub fn close(mut self) -> io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn row(&mut self, at: Instant, record: &Record) -> io::Result<()> {
        let c = record.columns();
        let campaign = c
            .campaign
            .map_or("", |c| &self.scn.campaigns[c.index()].name);
        let inbox = c.inbox.map_or("", |i| &self.scn.inboxes[i.index()].name);
        let opt = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
        writeln!(
            self.out,
            "{},{},{},{},{},{},{},{},{}",
            at.as_millis(),
            record.name(),
            csv_field(campaign),
            opt(c.outreach.map(|o| o.get())),
            opt(c.row.map(|r| r.get())),
            c.phone.map(|p| p.to_string()).unwrap_or_default(),
            csv_field(inbox),
            opt(c.agent.map(|a| a.get())),
            record.detail()
        )
    }
}

impl<W: Write> Observer for TraceWriter<'_, W> {
    fn observe(&mut self, at: Instant, record: &Record) {
        if self.error.is_none()
            && let Err(e) = self.row(at, record)
        {
            self.error = Some(e);
        }
    }
}

/// A trace writer into a hidden file beside report folder `dir`: the run streams `trace.csv`
/// there as it goes, so no trace is held in memory, and [`crate::write_report`] moves it in.
pub fn trace_beside<'a>(
    dir: &Path,
    scn: &'a Scenario,
) -> io::Result<TraceWriter<'a, io::BufWriter<NamedTempFile>>> {
    TraceWriter::new(io::BufWriter::new(file_beside(dir)?), scn)
}

/// Quotes a name only when it needs it.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}
