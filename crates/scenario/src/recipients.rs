//! Recipient lists uploaded as CSV files (`phone,timezone` per row).

use std::path::Path;

use super::ScenarioError;
use super::values::Zone;
use model::{Phone, Recipient, ZoneId};

/// Reads a recipient CSV; `zone_index` interns each time zone name.
pub fn read_csv(
    path: &Path,
    mut zone_index: impl FnMut(&Zone) -> ZoneId,
) -> Result<Vec<Recipient>, ScenarioError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| {
            ScenarioError::whole_file(path, format!("cannot read the recipient list: {e}"))
        })?;
    let headers = reader
        .headers()
        .map_err(|e| ScenarioError::at_line(path, 1, 1, e.to_string()))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                ScenarioError::at_line(
                    path,
                    1,
                    1,
                    format!(
                        "expected a header row with columns `phone,timezone`, found `{}`",
                        headers.iter().collect::<Vec<_>>().join(",")
                    ),
                )
            })
    };
    let (phone_col, zone_col) = (col("phone")?, col("timezone")?);
    let mut zones: Vec<(String, ZoneId)> = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ScenarioError::at_line(path, line, 1, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let column_of = |i: usize| record.iter().take(i).map(|f| f.len() + 1).sum::<usize>() + 1;
        let phone = parse_phone(record.get(phone_col).unwrap_or(""))
            .map_err(|m| ScenarioError::at_line(path, line, column_of(phone_col), m))?;
        let name = record.get(zone_col).unwrap_or("");
        let zone = match zones.iter().find(|(n, _)| n == name) {
            Some(&(_, z)) => z,
            None => {
                let z = Zone::get(name)
                    .map_err(|m| ScenarioError::at_line(path, line, column_of(zone_col), m))?;
                let idx = zone_index(&z);
                zones.push((name.to_string(), idx));
                idx
            }
        };
        rows.push(Recipient { phone, zone });
    }
    Ok(rows)
}

/// `+1 (555) 010-0100` and `15550100100` are the same phone: digits only, 7 to 15 of them.
pub fn parse_phone(s: &str) -> Result<Phone, String> {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
        .collect();
    if !(7..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "expected a phone number of 7 to 15 digits, found {s:?}"
        ));
    }
    Ok(Phone(digits.parse().expect("checked digits")))
}
