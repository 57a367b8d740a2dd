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
/// `1e21` as i128", `unknown field`); a planner reads them in the words of TOML. `key` is the key
/// whose value is at fault: when it has an example of its own, that replaces the generic one, so
/// `body_words = "order"` is shown an array of words rather than of numbers.
pub fn in_toml_words(message: &str, key: Option<&str>) -> String {
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
    let words = WORDS
        .iter()
        .fold(message.to_string(), |m, (rust, toml)| m.replace(rust, toml));
    match key.and_then(|k| KEY_EXAMPLES.iter().find(|(name, _)| *name == k)) {
        Some((name, example)) => GENERIC_EXAMPLES.iter().fold(words, |m, generic| {
            m.replace(
                &format!("like {generic}"),
                &format!("like {name} = {example}"),
            )
        }),
        None => words,
    }
}

/// The examples above, and the distribution a [`crate::dist::DistTable`] shows (a time's): each
/// fits some keys and misleads at others.
const GENERIC_EXAMPLES: [&str; 6] = [
    "6",
    "42",
    "0.9",
    "{ key = value }",
    "[1, 2]",
    "{ dist = \"lognormal\", median = \"4m\", sigma = 0.6 }",
];

/// What a user should have written at keys where a generic example misleads.
const KEY_EXAMPLES: [(&str, &str); 17] = [
    ("body_words", "[\"order\", \"tracking\"]"),
    ("skills", "[\"spanish\"]"),
    ("also", "[\"Support\"]"),
    ("windows", "[{ max = 8, per = \"60s\" }]"),
    ("replies", "[{ body = \"Thanks!\", weight = 30 }]"),
    ("agents", "6"),
    ("count", "500"),
    ("max", "8"),
    ("standard", "3"),
    ("maximum", "5"),
    ("weight", "30"),
    ("segments_per_second", "1.0"),
    (
        "timezones",
        "{ \"America/New_York\" = 0.5, \"America/Chicago\" = 0.5 }",
    ),
    ("outcomes", "{ delivered = 0.97, \"30003\" = 0.03 }"),
    ("schedule", "{ mon-fri = \"09:00-17:00\" }"),
    ("reply_rate", "{ dist = \"beta\", alpha = 2, beta = 18 }"),
    ("follow_ups", "{ dist = \"geometric\", mean = 1.4 }"),
];

/// The key written before the value at byte `at` of `text` (`body_words` in
/// `when = { body_words = "order" }`): the last bare key before an `=` on that line.
pub fn key_before(text: &str, at: usize) -> Option<&str> {
    let line = text.get(..at)?;
    let before = &line[line.rfind('\n').map_or(0, |i| i + 1)..];
    let key = before[..before.rfind('=')?].trim_end();
    let start = (key.char_indices().rev())
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    Some(&key[start..]).filter(|k| !k.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_before_a_value_is_found_inline_and_dotted() {
        let text = "[[rules]]\nwhen = { body_words = \"order\" }\nsla.target = 5";
        assert_eq!(
            key_before(text, text.find("\"order").unwrap()),
            Some("body_words")
        );
        assert_eq!(key_before(text, text.len() - 1), Some("target"));
        assert_eq!(key_before(text, 3), None);
        // Not on a character boundary, or past the end: no key, and no panic.
        assert_eq!(key_before("é = 1", 1), None);
        assert_eq!(key_before("a = 1", 9), None);
        assert_eq!(key_before("¡=A", 3), None);
        assert_eq!(key_before("¡key = 1", 9), Some("key"));
    }
}
