//! Errors in scenario and recipient files, located by file, line and column.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A problem with an input file. Displayed as `file:line:column: what was expected`, with the
/// offending line and a caret under the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: PathBuf,
    /// 1-based; 0 when the problem is the file as a whole (it cannot be read).
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line of the file, when there is one.
    pub source_line: Option<String>,
}

impl ScenarioError {
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
        }
    }

    /// Locates byte `span` of `text` (the whole file).
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let offset = span.map_or(0, |s| s.start.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[line_start..offset].chars().count() + 1;
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        ScenarioError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            source_line: Some(
                text[line_start..line_end]
                    .trim_end_matches('\r')
                    .to_string(),
            ),
        }
    }

    pub fn at_line(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            source_line: None,
        }
    }
}

/// serde words type errors after the Rust types a file is read into (`expected u32`, "integer
/// `1e21` as i128", `unknown field`); a planner reads them in the words of TOML.
pub fn in_toml_words(message: &str) -> String {
    const WORDS: [(&str, &str); 13] = [
        (" as i128", ""),
        ("floating point `", "number `"),
        ("invalid type: map", "invalid type: table"),
        ("invalid type: sequence", "invalid type: array"),
        (
            "expected u16",
            "expected a whole number from 0 to 65535, like 6",
        ),
        (
            "expected u32",
            "expected a whole number like 6 (at most 4294967295)",
        ),
        (
            "expected u64",
            "expected a whole number like 42 (0 or more)",
        ),
        ("expected i64", "expected a whole number like 6"),
        ("expected f64", "expected a number like 0.9"),
        ("expected a map", "expected a table like { key = value }"),
        ("expected a sequence", "expected an array like [1, 2]"),
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
    ];
    WORDS
        .iter()
        .fold(message.to_string(), |m, (rust, toml)| m.replace(rust, toml))
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string().len();
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {:>col$}",
                "",
                self.line,
                src,
                "",
                "^",
                col = self.column
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
