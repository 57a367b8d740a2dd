//! The commands, one module each; what they share: how a command fails, and how it says it
//! cannot write its folder.

pub mod check;
pub mod init;
pub mod run;
pub mod schema;
pub mod size;
pub mod sweep;
pub mod validate;

use std::io;
use std::path::Path;

use campaign_sim::scenario::ScenarioError;

pub enum Failure {
    /// Thresholds breached: exit 1.
    Breach,
    /// Bad input or usage: exit 2.
    Input(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

pub fn cannot_write(what: &str, dir: &Path, e: io::Error) -> Failure {
    Failure::Input(format!("cannot write {what} to {}: {e}", dir.display()))
}
