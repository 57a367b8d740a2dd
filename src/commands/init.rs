//! `init`: writes a commented starting scenario. The examples are the shipped scenario files,
//! compiled in, so what `init` writes is what the tests run; a recipient list they name is
//! written beside the scenario, at the same relative path, and so is the JSON Schema their
//! `#:schema` line names (a test keeps that file equal to `campaign-sim schema`).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::Failure;

/// The shipped scenarios `init` can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Example {
    /// Three Black Friday campaigns, a CSV list, one inbox on shifts, routing settings.
    BlackFriday,
    /// A holiday launch: three campaigns, two inboxes, background traffic, thresholds.
    Launch,
    /// The smallest useful scenario: one campaign of 500 recipients, one inbox.
    Single,
}

/// A file of an example: its path relative to the scenario, and its text.
struct File {
    path: &'static str,
    text: &'static str,
}

impl Example {
    /// The scenario, then the files it names: the recipient lists it reads (paths as the
    /// scenario writes them) and the schema its `#:schema` line names, for editors.
    fn files(self) -> (&'static str, Vec<File>) {
        let (scenario, mut files) = self.scenario_and_lists();
        files.push(File {
            path: "scenario.schema.json",
            text: include_str!("../../scenarios/scenario.schema.json"),
        });
        (scenario, files)
    }

    fn scenario_and_lists(self) -> (&'static str, Vec<File>) {
        match self {
            Example::BlackFriday => (
                include_str!("../../scenarios/black-friday.toml"),
                vec![File {
                    path: "black-friday-list.csv",
                    text: include_str!("../../scenarios/black-friday-list.csv"),
                }],
            ),
            Example::Launch => (
                include_str!("../../scenarios/launch.toml"),
                vec![File {
                    path: "recipients/vip.csv",
                    text: include_str!("../../scenarios/recipients/vip.csv"),
                }],
            ),
            Example::Single => (include_str!("../../scenarios/single-500.toml"), Vec::new()),
        }
    }

    /// Its name on the command line.
    pub fn name(self) -> String {
        self.to_possible_value()
            .expect("no variant is skipped")
            .get_name()
            .to_string()
    }
}

pub fn init(example: Example, out: PathBuf) -> Result<(), Failure> {
    let (scenario, lists) = example.files();
    let dir = out.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut writes = vec![(out.clone(), scenario)];
    for list in lists {
        let path = dir.join(list.path);
        // A file already there with these very bytes is one a second `init` wrote: keep it.
        if fs::read(&path).is_ok_and(|bytes| bytes == list.text.as_bytes()) {
            continue;
        }
        writes.push((path, list.text));
    }
    // Nothing is written unless every file can be: no half-made starting point.
    for (path, _) in &writes {
        if path.exists() {
            return Err(Failure::Input(format!(
                "{} already exists; init never overwrites a file: name another one \
                 (campaign-sim init NEW.toml) or move it away",
                path.display()
            )));
        }
    }
    for (path, text) in &writes {
        write_new(path, text)
            .map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))?;
    }
    let mut stdout = io::stdout().lock();
    let _ = writeln!(
        stdout,
        "wrote {} (the {} example){}",
        out.display(),
        example.name(),
        match writes.len() {
            1 => String::new(),
            _ => format!(
                " with {}",
                writes[1..]
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    );
    let _ = writeln!(
        stdout,
        "next: edit it (every key is in docs/scenario.md), then\n  campaign-sim validate {}\n  campaign-sim run {}",
        out.display(),
        out.display()
    );
    Ok(())
}

/// Creates `path` (and its folder) with `text`; fails if it exists.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())
}
