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
