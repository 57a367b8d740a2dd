//! JUnit XML, so CI systems show each scenario's runs and thresholds as test cases.

use std::fmt::Write;

use super::{BreachKind, Report};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn to_junit(r: &Report) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = r
        .scenarios
        .iter()
        .map(|s| s.runs.len() + s.thresholds.len())
        .sum();
    let failures = r.breaches.len();
    let _ = writeln!(
        x,
        "<testsuites name=\"campaign-sim check\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for s in &r.scenarios {
        let mine: Vec<_> = r.breaches.iter().filter(|b| b.scenario == s.name).collect();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            esc(&s.name),
            s.runs.len() + s.thresholds.len(),
            mine.len()
        );
        for run in &s.runs {
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"seed {}: invariants\"",
                esc(&s.name),
                run.seed
            );
            let broken: Vec<_> = mine
                .iter()
                .filter(|b| b.seed == run.seed && b.kind != BreachKind::Threshold)
                .collect();
            if broken.is_empty() {
                x.push_str("/>\n");
            } else {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"{} breaches\">",
                    broken.len()
                );
                for b in broken {
                    let _ = writeln!(x, "{}", esc(&b.to_string()));
                }
                x.push_str("      </failure>\n    </testcase>\n");
            }
        }
        for t in &s.thresholds {
            let name = format!("threshold {}", t.worst.threshold());
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\"",
                esc(&s.name),
                esc(&name)
            );
            if t.passed {
                x.push_str("/>\n");
            } else {
                let _ = writeln!(
                    x,
                    ">\n      <failure message=\"held in {} of {} runs; worst seed {} observed {}\"/>\n    </testcase>",
                    t.runs_passed,
                    t.runs,
                    t.worst_seed,
                    esc(&t.worst.observed_text())
                );
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
