//! `schema`: the JSON Schema of the scenario file, for editors.

use std::io::{self, Write};

use campaign_sim::scenario;

use super::Failure;

pub fn schema() -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(&scenario::json_schema())
        .map_err(|e| Failure::Input(format!("cannot write the schema: {e}")))?;
    text.push('\n');
    // A closed pipe (`campaign-sim schema | head`) is not an error of the schema.
    let _ = io::stdout().lock().write_all(text.as_bytes());
    Ok(())
}
