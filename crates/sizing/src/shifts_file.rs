//! `size --write-shifts FILE`: the scenario file as the user wrote it, comments and layout kept,
//! with the sized inbox's `agents`/`[[inboxes.shifts]]` replaced by the recommended shifts.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::{hours_text, shift_groups};
use model::time::Span;

/// The scenario `text` with inbox `inbox` (by name) staffed as `staffing`: one
/// `[[inboxes.shifts]]` group per run of equal counts, `days = "daily"`. An inbox no agent
/// staffs keeps `agents = 0`.
pub fn write_shifts(
    text: &str,
    inbox: &str,
    staffing: &[u32],
    interval: Span,
) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("cannot edit the scenario file: {e}"))?;
    // A new name, so running the staffed copy writes its own report folder instead of
    // replacing the report of the scenario it was sized from.
    if let Some(name) = doc.get("name").and_then(Item::as_str) {
        let staffed = format!("{name} (staffed by size)");
        doc["name"] = value(staffed);
    }
    let inboxes = doc
        .get_mut("inboxes")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("the scenario file has no [[inboxes]] tables to edit")?;
    let table = inboxes
        .iter_mut()
        .find(|t| t.get("name").and_then(Item::as_str) == Some(inbox))
        .ok_or_else(|| format!("the scenario file has no [[inboxes]] named {inbox:?}"))?;
    let groups = shift_groups(staffing, interval);
    table.remove("agents");
    let mut skills_or_also = false;
    if let Some(old) = table.remove("shifts") {
        skills_or_also = old.as_array_of_tables().is_some_and(|a| {
            a.iter()
                .any(|g| g.contains_key("skills") || g.contains_key("also"))
        });
    }
    if groups.is_empty() {
        table.insert("agents", value(0));
    } else {
        let mut shifts = ArrayOfTables::new();
        for (agents, from, to) in groups {
            let mut g = Table::new();
            g.insert("agents", value(i64::from(agents)));
            g.insert("days", value("daily"));
            g.insert("hours", value(hours_text(from, to)));
            shifts.push(g);
        }
        table.insert("shifts", Item::ArrayOfTables(shifts));
    }
    let mut out = String::new();
    if skills_or_also {
        out.push_str(
            "# campaign-sim size: the replaced shifts had skills or `also`; the recommended ones have neither.\n",
        );
    }
    out.push_str(&doc.to_string());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::HOUR;

    #[test]
    fn replaces_only_the_named_inbox_and_keeps_comments() {
        let text = r#"# my launch
name = "x"
[[inboxes]]
name = "A"   # the reply inbox
agents = 6
capacity = { standard = 3 }
[[inboxes]]
name = "B"
agents = 2
[[campaigns]]
name = "c"
"#;
        let mut staffing = vec![0u32; 24];
        staffing[9..12].fill(4);
        staffing[12] = 2;
        let out = write_shifts(text, "A", &staffing, HOUR).unwrap();
        assert!(out.starts_with("# my launch\n"), "{out}");
        assert!(out.contains("# the reply inbox"), "{out}");
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        let a = &parsed["inboxes"].as_array_of_tables().unwrap();
        let first = a.get(0).unwrap();
        assert!(!first.contains_key("agents"));
        let shifts = first["shifts"].as_array_of_tables().unwrap();
        assert_eq!(shifts.len(), 2);
        assert_eq!(
            shifts.get(0).unwrap()["hours"].as_str(),
            Some("09:00-12:00")
        );
        assert_eq!(shifts.get(1).unwrap()["agents"].as_integer(), Some(2));
        assert_eq!(a.get(1).unwrap()["agents"].as_integer(), Some(2));
    }

    #[test]
    fn replaces_shift_groups_and_says_when_skills_are_dropped() {
        let text = r#"name = "x"
[[inboxes]]
name = "A"
[[inboxes.shifts]]  # morning crew
agents = 3
days = "mon-fri"
hours = "08:00-16:00"
skills = ["spanish"]
[[inboxes.shifts]]
agents = 2
days = "daily"
hours = "12:00-20:00"
[[campaigns]]   # kept
name = "c"
"#;
        let out = write_shifts(text, "A", &[2; 24], HOUR).unwrap();
        assert!(out.starts_with("# campaign-sim size: the replaced shifts had skills"));
        assert!(out.contains("[[campaigns]]   # kept"), "{out}");
        assert!(!out.contains("morning crew"), "{out}");
        let parsed: toml_edit::DocumentMut = out.parse().unwrap();
        let shifts = parsed["inboxes"][0]["shifts"].as_array_of_tables().unwrap();
        assert_eq!(shifts.len(), 1);
        assert_eq!(
            shifts.get(0).unwrap()["hours"].as_str(),
            Some("00:00-24:00")
        );
        assert!(write_shifts(text, "B", &[2; 24], HOUR).is_err());
    }
}
