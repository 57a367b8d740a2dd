//! docs/scenario.md stays true to the reader. The keys the reader accepts are not listed here:
//! they are asked of the reader itself, by putting an unknown key into each table of a scenario
//! that uses every key and reading the list of valid keys from the error (serde's
//! `deny_unknown_fields`, the distribution reader, the `[[expect]]` metrics). The reference must
//! list exactly those keys, every distribution with its parameters, every word of the keys that
//! take one of a few words; and every TOML example in it must parse (fragments completed by the
//! reference's own smallest scenario).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scenario::Scenario;
use toml::{Table, Value};

const REFERENCE: &str = include_str!("../../docs/scenario.md");

/// A scenario that writes every key the reader accepts (the test checks that it does).
const FULL: &str = r#"
name = "every key"

[simulation]
seed = 3
timezone = "America/New_York"
start = "2026-12-01T08:00"
until = "2026-12-03T00:00"

[limits]
windows = [{ max = 8, per = "60s" }, { max = 40, per = "5m" }]
pacing = "even"
opt_out_scope = "company"
duplicates = "send_once"

[carrier]
latency = { dist = "lognormal", median = "3s", sigma = 0.8 }
segments_per_second = 1.0
validity = "10h"
outcomes = { delivered = 0.99, "30003" = 0.01 }

[customers]
reply_rate = { dist = "beta", alpha = 2, beta = 18 }
reply_delay = { dist = "lognormal", median = "12m", sigma = 1.0 }
replies = [ { body = "Where is my order?", weight = 1 } ]
follow_ups = { dist = "geometric", mean = 1.4 }
think_time = { dist = "exponential", mean = "2m" }

[routing]
at_shift_end = "handover"
reopen_window = "24h"
pull = true

[[numbers]]
number = "+15550100"
inbox = "Replies"
sla = "2m"

[[inboxes]]
name = "Replies"
sla = { within = "5m", target = 0.9 }
capacity = { standard = 3, maximum = 5 }
handle_time = { dist = "lognormal", median = "4m", sigma = 0.6 }
background = { per_hour = 2 }
same_agent_window = "15m"

[[inboxes.shifts]]
agents = 2
days = "mon-fri"
hours = "08:00-16:00"
skills = ["spanish"]
also = ["Orders"]

[[inboxes]]
name = "Orders"
agents = 1

[[campaigns]]
name = "First"
number = "+15550100"
message = { replies = "invite" }
schedule = { mon-fri = "09:00-17:00" }
customers = { reply_rate = { dist = "fixed", value = 0.1 }, reply_delay = { dist = "fixed", value = "1m" }, replies = [ { body = "Thanks", weight = 1 } ], follow_ups = { dist = "fixed", value = 1 }, think_time = { dist = "fixed", value = "1m" } }

[[campaigns.outreaches]]
start = "2026-12-01T09:00"
end = "2026-12-01T17:00"
stop_at = "2026-12-01T16:00"
recipients = { count = 50, timezones = { "America/New_York" = 1.0 } }
overlap = { campaign = "Second", fraction = 0.1 }

[[campaigns]]
name = "Second"
number = "+15550100"

[[campaigns.outreaches]]
start = "2026-12-01T09:00"
recipients = { csv = "recipients/vip.csv" }

[[rules]]
name = "Orders"
when = { body_contains = "order", body_words = ["order"], body_regex = "(?i)order", inbox = "Replies", number = "+15550100", topic = "Order status", campaign = "First" }
then = { move_to_inbox = "Orders", add_topic = "Order status", needs_skill = "spanish", auto_reply = "On it", no_reply_needed = false, close = false }

[[boosts]]
name = "Waiting"
size = "large"
when = { inbox = "Orders", topic = "Order status", skill = "spanish", waited_longer_than = "3m", overdue = true, due_within = "1m" }

[[expect]]
campaign = "First"
unreached = "<= 500"
over = "p95"

[[expect]]
inbox = "Replies"
wait_p90 = "<= 10m"
every = "1h"
between = "09:00-17:00"
"#;

/// Every table whose keys serde checks, by path ("" is the top level). An array of tables is
/// entered at its first entry.
const TABLES: [&str; 27] = [
    "",
    "simulation",
    "limits",
    "limits.windows",
    "carrier",
    "customers",
    "customers.replies",
    "routing",
    "numbers",
    "inboxes",
    "inboxes.sla",
    "inboxes.capacity",
    "inboxes.background",
    "inboxes.shifts",
    "campaigns",
    "campaigns.message",
    "campaigns.customers",
    "campaigns.customers.replies",
    "campaigns.outreaches",
    "campaigns.outreaches.recipients",
    "campaigns.outreaches.overlap",
    "rules",
    "rules.when",
    "rules.then",
    "boosts",
    "boosts.when",
    "expect",
];

/// Tables whose keys are values, not names the reader fixes: distributions (checked by kind
/// below) and maps (day keys, outcome codes, time zones).
const OPEN_TABLES: [&str; 14] = [
    "carrier.latency",
    "carrier.outcomes",
    "customers.reply_rate",
    "customers.reply_delay",
    "customers.follow_ups",
    "customers.think_time",
    "campaigns.customers.reply_rate",
    "campaigns.customers.reply_delay",
    "campaigns.customers.follow_ups",
    "campaigns.customers.think_time",
    "campaigns.schedule",
    "campaigns.outreaches.recipients.timezones",
    "inboxes.handle_time",
    "inboxes.background.per_hour",
];

/// The keys of an `[[expect]]` besides its metrics (`resolve_expectations` reads them by name).
const EXPECT_KEYS: [&str; 5] = ["campaign", "inbox", "over", "every", "between"];

const BOGUS: &str = "zz_not_a_key";

fn scenario_path() -> PathBuf {
    // In scenarios/, so CSV paths of examples resolve to the shipped lists.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference-example.toml")
}

fn parse(value: &Value) -> Result<Scenario, String> {
    let text = toml::to_string(value).unwrap();
    Scenario::parse(&scenario_path(), &text).map_err(|e| e.message)
}

fn full() -> Value {
    let value: Value = toml::from_str(FULL).unwrap();
    if let Err(e) = parse(&value) {
        panic!("the scenario with every key does not parse: {e}");
    }
    value
}

/// The table at `path`, entering arrays at their first entry.
fn table_at<'a>(value: &'a mut Value, path: &str) -> &'a mut Table {
    let mut here = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        here = here.get_mut(part).unwrap_or_else(|| panic!("no {path}"));
        if let Value::Array(items) = here {
            here = &mut items[0];
        }
    }
    here.as_table_mut().unwrap()
}

/// The value at `path` in any entry of the arrays on the way, if the scenario has one.
fn value_at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    fn find<'a>(here: &'a Value, parts: &[&str]) -> Option<&'a Value> {
        let Some((first, rest)) = parts.split_first() else {
            return Some(here);
        };
        let next = here.get(*first)?;
        match next {
            Value::Array(items) if !rest.is_empty() => {
                items.iter().find_map(|item| find(item, rest))
            }
            _ => find(next, rest),
        }
    }
    find(value, &path.split('.').collect::<Vec<_>>())
}

/// The words in backticks or double quotes in `text`, in order.
fn quoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['`', '"']) {
        let q = rest[i..].chars().next().unwrap();
        let after = &rest[i + 1..];
        let Some(j) = after.find(q) else { break };
        out.push(after[..j].to_string());
        rest = &after[j + 1..];
    }
    out
}

/// The error of parsing `value`, which must fail.
fn error_of(value: &Value) -> String {
    match parse(value) {
        Ok(_) => panic!(
            "expected an error for:\n{}",
            toml::to_string(value).unwrap()
        ),
        Err(m) => m,
    }
}

/// The keys the reader accepts in the table at `path`, from its error for an unknown key.
fn accepted_keys(path: &str) -> Vec<String> {
    let mut value = full();
    table_at(&mut value, path).insert(BOGUS.into(), Value::Integer(1));
    let message = error_of(&value);
    let marker = format!("unknown key `{BOGUS}`, expected ");
    let Some(at) = message.find(&marker) else {
        panic!("{path}: unexpected error {message:?}");
    };
    quoted(&message[at + marker.len()..])
}

/// The metrics an `[[expect]]` about a campaign (entry 0) or an inbox (entry 1) takes.
fn metrics(entry: usize) -> Vec<String> {
    let mut value = full();
    let expects = value.get_mut("expect").unwrap().as_array_mut().unwrap();
    let table = expects[entry].as_table_mut().unwrap();
    table.insert(BOGUS.into(), Value::String("<= 1".into()));
    let message = error_of(&value);
    let (_, list) = message.split_once("expected one of: ").unwrap();
    list.split(", ").map(|m| m.trim().to_string()).collect()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Every key path the reader accepts.
pub fn reader_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for table in TABLES.iter().filter(|t| **t != "expect") {
        for key in accepted_keys(table) {
            keys.insert(join(table, &key));
        }
    }
    for key in EXPECT_KEYS
        .into_iter()
        .map(String::from)
        .chain(metrics(0))
        .chain(metrics(1))
    {
        keys.insert(join("expect", &key));
    }
    keys
}

/// The part of the reference under the heading `## title`.
fn section(title: &str) -> &'static str {
    let start = REFERENCE
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("the reference has no section {title:?}"));
    let body = &REFERENCE[start + title.len() + 5..];
    &body[..body.find("\n## ").unwrap_or(body.len())]
}

/// Table rows of `text` whose first cell is a name in backticks: (name, whole row).
fn rows(text: &str) -> Vec<(String, &str)> {
    text.lines()
        .filter_map(|line| {
            let cell = line.strip_prefix("| `")?;
            let name = &cell[..cell.find('`')?];
            Some((name.to_string(), line))
        })
        .collect()
}

fn documented_keys() -> Vec<(String, &'static str)> {
    rows(section("Keys"))
}

#[test]
fn the_reference_lists_exactly_the_keys_the_reader_accepts() {
    let reader = reader_keys();
    // Sanity: the derivation found the keys this test was written against, and more.
    for key in [
        "simulation.start",
        "inboxes.shifts.also",
        "routing.pull",
        "expect.wait_p90",
    ] {
        assert!(reader.contains(key), "{key} not derived from the reader");
    }
    let documented: BTreeSet<String> = documented_keys().into_iter().map(|(k, _)| k).collect();
    let missing: Vec<&String> = reader.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&reader).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/scenario.md is out of date: keys the reader accepts but the reference does not \
         list: {missing:?}; keys the reference lists but the reader rejects: {stale:?}"
    );
}

#[test]
fn every_table_of_the_reader_is_checked_here() {
    // A key whose value is a table must be one whose keys this test asks the reader for (or one
    // of open keys): a new table in the file cannot hide its keys from the reference.
    let value = full();
    // The metrics of `[[expect]]` are conditions (strings), never tables.
    for key in reader_keys()
        .into_iter()
        .filter(|k| !k.starts_with("expect."))
    {
        let Some(v) = value_at(&value, &key) else {
            panic!("the scenario with every key in {} lacks {key}", file!());
        };
        let is_table = v.is_table()
            || v.as_array()
                .is_some_and(|a| a.first().is_some_and(Value::is_table));
        if is_table {
            assert!(
                TABLES.contains(&key.as_str()) || OPEN_TABLES.contains(&key.as_str()),
                "{key} is a table: add it to TABLES (or OPEN_TABLES) in {}",
                file!()
            );
        }
    }
}

#[test]
fn every_distribution_and_its_parameters_are_in_the_reference() {
    let mut value = full();
    let latency = |table: &mut Value, dist: Table| {
        table_at(table, "carrier").insert("latency".into(), Value::Table(dist));
    };
    let mut unknown = Table::new();
    unknown.insert("dist".into(), Value::String("zz_not_a_kind".into()));
    latency(&mut value, unknown);
    let message = error_of(&value);
    let (_, kinds) = message.split_once("the kinds are ").unwrap();
    let kinds = &kinds[..kinds.find(", e.g.").unwrap()];
    let kinds: Vec<&str> = kinds
        .split("), ")
        .map(|k| k.split(" (").next().unwrap().trim())
        .collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
    let documented = rows(section("Distributions"));
    let names: BTreeSet<&str> = documented.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        kinds.iter().copied().collect(),
        "the reference's distribution table differs from the reader's kinds"
    );
    for kind in kinds {
        let mut value = full();
        let mut dist = Table::new();
        dist.insert("dist".into(), Value::String(kind.into()));
        dist.insert(BOGUS.into(), Value::Integer(1));
        latency(&mut value, dist);
        let message = error_of(&value);
        let (_, params) = message
            .split_once("distribution takes ")
            .unwrap_or_else(|| panic!("{kind}: {message}"));
        let row = documented.iter().find(|(n, _)| n == kind).unwrap().1;
        let row_params = row.split('|').nth(2).unwrap();
        let listed = quoted(row_params);
        for param in params.split(" and ") {
            assert!(
                listed.iter().any(|p| p == param),
                "{kind}: parameter `{param}` is not in the reference's row: {row}"
            );
        }
    }
}

#[test]
fn every_word_of_a_one_of_key_is_in_the_reference() {
    let documented = documented_keys();
    for path in [
        "limits.pacing",
        "limits.opt_out_scope",
        "limits.duplicates",
        "routing.at_shift_end",
        "campaigns.message.replies",
        "boosts.size",
    ] {
        let (table, key) = path.rsplit_once('.').unwrap();
        let mut value = full();
        table_at(&mut value, table).insert(key.into(), Value::String(BOGUS.into()));
        let message = error_of(&value);
        let (_, words) = message
            .split_once("expected one of ")
            .unwrap_or_else(|| panic!("{path}: {message}"));
        let row = documented
            .iter()
            .find(|(k, _)| k == path)
            .unwrap_or_else(|| panic!("{path} is not in the reference"))
            .1;
        let words = quoted(words);
        assert!(words.len() >= 2, "{path}: {words:?}");
        for word in words {
            assert!(
                row.contains(&format!("\"{word}\"")),
                "{path}: \"{word}\" is not in the reference's row: {row}"
            );
        }
    }
}

/// The ```toml blocks of the reference, in order.
pub fn toml_blocks() -> Vec<&'static str> {
    REFERENCE
        .split("```toml\n")
        .skip(1)
        .map(|b| &b[..b.find("```").unwrap()])
        .collect()
}

/// `fragment` added to `base`: tables merged key by key; an array entry with the same `name`
/// (for numbers, the same `number`) replaces the base's, others are appended.
pub fn complete(base: &mut Table, fragment: Table) {
    for (key, value) in fragment {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(f)) => complete(b, f),
            (Some(Value::Array(b)), Value::Array(f)) => {
                for entry in f {
                    let id = |v: &Value| v.get("name").or_else(|| v.get("number")).cloned();
                    match b
                        .iter_mut()
                        .find(|e| id(e).is_some() && id(e) == id(&entry))
                    {
                        Some(same) => *same = entry,
                        None => b.push(entry),
                    }
                }
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[test]
fn every_example_in_the_reference_parses() {
    let blocks = toml_blocks();
    assert!(blocks.len() >= 15, "only {} examples found", blocks.len());
    let smallest: Table = toml::from_str(blocks[0]).unwrap();
    assert!(
        smallest.contains_key("name"),
        "the first example is the smallest scenario"
    );
    for (i, block) in blocks.iter().enumerate() {
        let fragment: Table = toml::from_str(block)
            .unwrap_or_else(|e| panic!("example {} is not TOML: {e}\n{block}", i + 1));
        let whole = if fragment.contains_key("name") {
            fragment
        } else {
            let mut whole = smallest.clone();
            complete(&mut whole, fragment);
            whole
        };
        if let Err(e) = parse(&Value::Table(whole)) {
            panic!(
                "example {} of docs/scenario.md does not parse: {e}\n{block}",
                i + 1
            );
        }
    }
}

#[test]
fn a_broken_example_would_be_caught() {
    // The completion does not make any fragment valid: a bad value still fails.
    let mut whole: Table = toml::from_str(toml_blocks()[0]).unwrap();
    complete(
        &mut whole,
        toml::from_str("[limits]\npacing = \"sometimes\"").unwrap(),
    );
    assert!(parse(&Value::Table(whole)).is_err());
}

/// The subcommands `campaign-sim --help` lists.
fn subcommands() -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let commands = &text[text.find("Commands:").unwrap()..];
    commands
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect()
}

#[test]
fn every_command_help_has_an_example_its_exit_codes_and_the_reference() {
    let commands = subcommands();
    assert!(commands.len() >= 7, "{commands:?}");
    for command in commands {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
            .args([command.as_str(), "--help"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{command}");
        let help = String::from_utf8(out.stdout).unwrap();
        for part in [
            "Example:\n  campaign-sim ",
            "Exit codes: 0 all good",
            "docs/scenario.md",
        ] {
            assert!(
                help.contains(part),
                "`{command} --help` lacks {part:?}:\n{help}"
            );
        }
    }
}

/// `line` split into words as a shell would, for the double quotes the README uses.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn every_command_in_the_readme_names_a_command_and_shipped_files_that_exist() {
    let readme = include_str!("../../README.md");
    let commands = subcommands();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for line in readme.lines() {
        let line = line.trim().trim_start_matches("$ ");
        let line = line.split(" # ").next().unwrap();
        let Some(rest) = line
            .strip_prefix("campaign-sim ")
            .or_else(|| line.strip_prefix("cargo run --release -- "))
        else {
            continue;
        };
        let args = words(rest);
        assert!(
            commands.contains(&args[0]),
            "README runs `{line}`, but {:?} is not a command",
            args[0]
        );
        for arg in args.iter().filter(|a| a.starts_with("scenarios/")) {
            assert!(
                root.join(arg).exists(),
                "README runs `{line}`: {arg} does not exist"
            );
        }
        // Parsed as the command line would parse it: `--help` after the arguments exits 0
        // only if every option before it is known.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_campaign-sim"))
            .current_dir(root)
            .args(&args)
            .arg("--help")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "README runs `{line}`: {out:?}");
        seen += 1;
    }
    assert!(seen >= 6, "only {seen} commands found in the README");
}
