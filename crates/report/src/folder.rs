//! Report folders: where a report may go, and writing one all at once.
//!
//! A report replaces only an earlier report: a folder campaign-sim wrote, whose [`MARKER`] lists
//! every entry in it. Anything else at the target (a file, a folder of the user's, a report the
//! user put files into) is refused untouched, so a mistyped `--out`, an odd scenario name or a
//! rerun can never delete a user's files.

use std::fmt;
use std::fs;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The file that marks a folder as a campaign-sim report, in every report folder (run and check).
pub const MARKER: &str = ".campaign-sim-report";

/// The marker's first line; the entries the report wrote follow, one relative path a line. A
/// marker without it (written before the list existed) lists nothing, so such a folder is
/// replaced only when the marker is all it holds.
const MARKER_HEADER: &str = "# Written by campaign-sim. The next report here replaces this folder, \
but only while it holds nothing other than the entries listed below: keep your own files elsewhere.";

/// Where `run` writes without `--out`: `reports/` and the scenario's name as one folder name.
pub fn default_dir(scenario_name: &str) -> PathBuf {
    Path::new("reports").join(folder_name(scenario_name))
}

/// Longest folder name made from a scenario name, in bytes: disks commonly take 255, and the
/// margin leaves room for the name to grow a suffix by hand.
const MAX_FOLDER_NAME: usize = 200;

/// A scenario name as a single, visible folder name: letters, digits, `-`, `_` and `.` stay, any
/// other character becomes `-`, `..` becomes `-`, runs of `-` shrink to one, the name is cut to
/// [`MAX_FOLDER_NAME`] bytes on a character, and leading or trailing dots and dashes go. A name
/// left empty is `unnamed`.
fn folder_name(name: &str) -> String {
    let mut folder = String::new();
    for c in name.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            c
        } else {
            '-'
        };
        if c == '.' && folder.ends_with('.') {
            folder.pop();
            if !folder.ends_with('-') {
                folder.push('-');
            }
        } else if !(c == '-' && folder.ends_with('-')) {
            folder.push(c);
        }
    }
    let trimmed = folder[..folder.floor_char_boundary(MAX_FOLDER_NAME)].trim_matches(['.', '-']);
    if trimmed.is_empty() {
        "unnamed".into()
    } else {
        trimmed.into()
    }
}

/// What stands at a report's target.
enum Target {
    Absent,
    Empty,
    Report,
}

/// Why a target is not ours to replace.
#[derive(Debug)]
enum Refused {
    Symlink,
    File,
    Foreign,
    /// An entry the marker does not list, and whether that marker lists nothing at all.
    Unlisted(PathBuf, bool),
    CurrentFolder,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not_ours = "a report only replaces an empty folder or an earlier report";
        match self {
            Refused::Symlink => write!(f, "it is a symbolic link; {not_ours}")?,
            Refused::File => write!(f, "it is a file; {not_ours}")?,
            Refused::Foreign => write!(
                f,
                "it is a folder that campaign-sim did not write (it has no {MARKER} file); {not_ours}"
            )?,
            Refused::Unlisted(entry, false) => write!(
                f,
                "{} was not written by campaign-sim (its {MARKER} does not list it); {not_ours}",
                entry.display()
            )?,
            Refused::Unlisted(entry, true) => write!(
                f,
                "{} is not listed in the folder's {MARKER}, which an earlier campaign-sim wrote \
                 without a list of its files (delete the folder by hand if it holds nothing of \
                 yours); {not_ours}",
                entry.display()
            )?,
            Refused::CurrentFolder => f.write_str(
                "it is the current folder or one above it, which a report cannot replace",
            )?,
        }
        f.write_str(". Nothing was changed: choose another folder")
    }
}

impl std::error::Error for Refused {}

fn refuse(why: Refused) -> io::Error {
    io::Error::new(ErrorKind::AlreadyExists, why)
}

/// Fails unless a report may be written at `dir`; run it before simulating, so a refused target
/// costs nothing.
pub fn check_target(dir: &Path) -> io::Result<()> {
    inspect(dir).map(|_| ())
}

fn inspect(dir: &Path) -> io::Result<Target> {
    let dir = &bare(dir);
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Target::Absent),
        other => other?,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(Refused::Symlink));
    }
    if !meta.is_dir() {
        return Err(refuse(Refused::File));
    }
    // The folder is replaced by a rename: the one the user stands in cannot be.
    let here = std::env::current_dir()?;
    if here.starts_with(fs::canonicalize(dir)?) {
        return Err(refuse(Refused::CurrentFolder));
    }
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
        let text = fs::read_to_string(dir.join(MARKER))?;
        let (listed, old_format): (Vec<&str>, bool) = match text.split_once('\n') {
            Some((MARKER_HEADER, rest)) => (rest.lines().collect(), false),
            _ => (Vec::new(), true),
        };
        match entries(dir)?
            .into_iter()
            .find(|e| e != MARKER && !listed.contains(&e.as_str()))
        {
            Some(entry) => Err(refuse(Refused::Unlisted(dir.join(entry), old_format))),
            None => Ok(Target::Report),
        }
    } else if fs::read_dir(dir)?.next().is_none() {
        Ok(Target::Empty)
    } else {
        Err(refuse(Refused::Foreign))
    }
}

/// Every entry under `dir` as a relative path with `/` between parts, in name order (a folder
/// just before what it holds); links are listed, never followed.
fn entries(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        for entry in fs::read_dir(dir.join(&rel))? {
            let path = rel.join(entry?.file_name());
            found.push(
                path.to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/"),
            );
            if fs::symlink_metadata(dir.join(&path))?.is_dir() {
                pending.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `dir` without a trailing `/` or `/.`, which would make the system follow a link at `dir`
/// where it should see the link itself.
fn bare(dir: &Path) -> PathBuf {
    dir.components().collect()
}

/// A hidden file beside report folder `dir`, for a file of the report written before the rest
/// (the trace, while the run goes); removed when dropped unless [`write_folder`] moved it in.
pub fn file_beside(dir: &Path) -> io::Result<NamedTempFile> {
    let parent = parent_of(&bare(dir))?;
    fs::create_dir_all(&parent)?;
    tempfile::Builder::new()
        .prefix(".campaign-sim-")
        .tempfile_in(&parent)
}

/// The folder that holds `dir`, where staging happens so the final rename stays on one disk.
fn parent_of(dir: &Path) -> io::Result<PathBuf> {
    let parent = if dir.exists() {
        fs::canonicalize(dir)?.parent().map(Path::to_path_buf)
    } else {
        dir.parent().map(Path::to_path_buf)
    };
    Ok(match parent {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => PathBuf::from("."),
    })
}

/// Writes folder `dir` all at once: `fill` writes into a hidden sibling folder, which replaces
/// `dir` only when complete, so a failed or interrupted run leaves no half-written report. The
/// target is checked again here, since it may have changed while the run simulated; on every
/// failure the staging folder is removed and whatever stood at `dir` is left as it was.
pub fn write_folder(dir: &Path, fill: impl FnOnce(&Path) -> io::Result<()>) -> io::Result<()> {
    let dir = &bare(dir);
    check_target(dir)?;
    let parent = parent_of(dir)?;
    fs::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".campaign-sim-")
        .tempdir_in(&parent)?;
    fill(staging.path())?;
    let mut marker = format!("{MARKER_HEADER}\n");
    for entry in entries(staging.path())? {
        marker.push_str(&entry);
        marker.push('\n');
    }
    fs::write(staging.path().join(MARKER), marker)?;
    match inspect(dir)? {
        Target::Absent => fs::rename(staging.path(), dir)?,
        Target::Empty | Target::Report => replace(&parent, staging.path(), dir)?,
    }
    // In place now: nothing is left for the guard to remove.
    let _ = staging.keep();
    Ok(())
}

/// Moves the earlier folder at `dir` aside, puts `staged` in its place, then deletes the earlier
/// one; if the second move fails, the earlier folder goes back.
fn replace(parent: &Path, staged: &Path, dir: &Path) -> io::Result<()> {
    let old = tempfile::Builder::new()
        .prefix(".campaign-sim-old-")
        .tempdir_in(parent)?;
    let aside = old.path().join("report");
    fs::rename(dir, &aside)?;
    if let Err(e) = fs::rename(staged, dir) {
        if fs::rename(&aside, dir).is_err() {
            let kept = old.keep();
            return Err(io::Error::new(
                e.kind(),
                format!("{e}; the earlier report is kept in {}", kept.display()),
            ));
        }
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_become_one_visible_folder_name() {
        for (name, folder) in [
            ("launch", "launch"),
            ("single-500", "single-500"),
            ("Holiday launch", "Holiday-launch"),
            ("", "unnamed"),
            ("..", "unnamed"),
            ("../victim", "victim"),
            ("a/../../b", "a-b"),
            (".hidden", "hidden"),
            ("C:\\temp\\x", "C-temp-x"),
            ("v1.2", "v1.2"),
            ("a..b", "a-b"),
            ("Lancement été", "Lancement-été"),
            (&"a".repeat(300), &"a".repeat(200)),
            (&format!("{}é", "a".repeat(199)), &"a".repeat(199)),
            (&format!("{}-b", "a".repeat(199)), &"a".repeat(199)),
        ] {
            assert_eq!(folder_name(name), folder, "{name:?}");
        }
    }

    #[test]
    fn a_report_folder_is_replaced_and_an_empty_folder_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        for content in ["first", "second"] {
            write_folder(&out, |d| fs::write(d.join("summary.json"), content)).unwrap();
            assert_eq!(
                fs::read_to_string(out.join("summary.json")).unwrap(),
                content
            );
        }
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        left.sort();
        assert_eq!(left, ["out"]);
    }

    #[test]
    fn a_marker_without_a_list_covers_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(
            out.join(MARKER),
            "This folder was written by campaign-sim.\n",
        )
        .unwrap();
        fs::write(out.join("summary.json"), "{}").unwrap();
        let refused = write_folder(&out, |_| Ok(())).unwrap_err().to_string();
        assert!(refused.contains("summary.json is not listed"), "{refused}");
        fs::remove_file(out.join("summary.json")).unwrap();
        write_folder(&out, |d| fs::write(d.join("summary.json"), "{}")).unwrap();
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(marker, format!("{MARKER_HEADER}\nsummary.json\n"));
    }

    #[test]
    fn a_failed_fill_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let failed = write_folder(&out, |_| Err(io::Error::other("disk full")));
        assert!(failed.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
