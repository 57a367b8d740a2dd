//! `trace.csv`: one row per event, `t_ms,event,campaign,outreach,recipient,phone,inbox,agent,detail`.

use std::io::{self, Write};

use model::record::NONE;
use scenario::Scenario;
use sim::Outcome;

pub fn write_trace(out: &mut impl Write, scn: &Scenario, o: &Outcome) -> io::Result<()> {
    writeln!(
        out,
        "t_ms,event,campaign,outreach,recipient,phone,inbox,agent,detail"
    )?;
    let opt = |v: u32| {
        if v == NONE {
            String::new()
        } else {
            v.to_string()
        }
    };
    for e in &o.trace {
        let campaign = if e.campaign == NONE {
            ""
        } else {
            scn.campaigns[e.campaign as usize].name.as_str()
        };
        let inbox = if e.inbox == NONE {
            ""
        } else {
            scn.inboxes[e.inbox as usize].name.as_str()
        };
        let phone = e.phone.map(|p| p.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            e.t,
            e.kind.name(),
            csv_field(campaign),
            opt(e.outreach),
            opt(e.recipient),
            phone,
            csv_field(inbox),
            opt(e.agent),
            e.kind.detail()
        )?;
    }
    Ok(())
}

/// Quotes a name only when it needs it.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}
