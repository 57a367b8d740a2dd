//! A JSON Schema of the scenario file, for editors (Taplo / Even Better TOML read a `#:schema`
//! line) to complete and check keys as they are typed. It is written beside the serde shapes of
//! `file.rs` and takes the word lists, distribution kinds and metrics from the reader's own
//! tables; tests check that its keys are exactly the ones the reader accepts and that every
//! shipped scenario validates against it. The reader stays the judge: the schema checks shapes,
//! not cross-references or sums of shares.

use serde_json::{Map, Value, json};

use super::dist::PARAMS;
use super::expect::{CAMPAIGN_METRICS, INBOX_METRICS};
use super::file::{AtShiftEndFile, DuplicatesFile, OptOutScopeFile, PacingFile, ReplyStyle, Words};

const REFERENCE: &str = "docs/scenario.md";

/// The JSON Schema (draft 2020-12) of a scenario file.
pub fn json_schema() -> Value {
    let mut root = table(
        "A campaign-sim scenario: campaigns, recipients, numbers, inboxes and agents.",
        &[
            (
                "name",
                text("The scenario's name; reports go to reports/<name>/."),
            ),
            ("simulation", simulation()),
            ("limits", limits()),
            ("carrier", carrier()),
            (
                "customers",
                customers("How recipients reply (defaults for every campaign)."),
            ),
            ("numbers", array_of(number())),
            ("inboxes", array_of(inbox())),
            ("campaigns", array_of(campaign())),
            ("rules", array_of(rule())),
            ("boosts", array_of(boost())),
            ("routing", routing()),
            ("expect", array_of(expect())),
        ],
        &["name", "simulation", "numbers", "inboxes", "campaigns"],
    );
    let root = root.as_object_mut().expect("a table is an object");
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("title".into(), json!("campaign-sim scenario"));
    Value::Object(std::mem::take(root))
}

/// A table with exactly these keys.
fn table(description: &str, keys: &[(&str, Value)], required: &[&str]) -> Value {
    let properties: Map<String, Value> = keys
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    json!({
        "type": "object",
        "description": format!("{description} See {REFERENCE}."),
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn array_of(item: Value) -> Value {
    json!({ "type": "array", "items": item })
}

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": "boolean", "description": description })
}

fn whole(description: &str, minimum: u64) -> Value {
    json!({ "type": "integer", "minimum": minimum, "description": description })
}

fn share(description: &str) -> Value {
    json!({
        "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 1 },
            { "type": "string", "pattern": "^\\s*(100(\\.0+)?|\\d{1,2}(\\.\\d+)?)\\s*%\\s*$" },
        ],
        "description": format!("{description} 0.9 or \"90%\"."),
    })
}

fn duration(description: &str) -> Value {
    json!({
        "type": "string",
        "description": format!("{description} A duration like \"90s\", \"5m\", \"2h30m\" or \"1d\"."),
    })
}

fn date_time(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}",
        "description": format!(
            "{description} \"2026-12-01T09:00\" (company time zone), \
             \"2026-12-01T09:00[America/Chicago]\" or \"2026-12-01T09:00-06:00\"."
        ),
    })
}

fn one_of<T: Words>(description: &str) -> Value {
    let words: Vec<&str> = T::WORDS.iter().map(|(w, _)| *w).collect();
    json!({ "enum": words, "description": description })
}

/// Hours of a day: `"09:00-17:00"`, several comma-separated, or `"closed"`.
fn hours(description: &str) -> Value {
    text(description)
}

const DAY_KEY: &str = "^(daily|(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)$";

/// A distribution: one alternative per kind, with exactly that kind's parameters.
fn dist(description: &str) -> Value {
    let number_or_time = json!({ "type": ["number", "string"] });
    let kinds: Vec<Value> = PARAMS
        .iter()
        .map(|(kind, params)| {
            let mut properties = Map::new();
            properties.insert("dist".into(), json!({ "const": kind }));
            for p in *params {
                let schema = match *p {
                    "values" | "weights" => json!({ "type": "array", "items": number_or_time }),
                    _ => number_or_time.clone(),
                };
                properties.insert(p.to_string(), schema);
            }
            let mut required = vec!["dist"];
            required.extend(params.iter());
            json!({
                "type": "object",
                "title": kind,
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            })
        })
        .collect();
    json!({
        "description": format!("{description} A distribution like {{ dist = \"lognormal\", median = \"4m\", sigma = 0.6 }}."),
        "oneOf": kinds,
    })
}

fn simulation() -> Value {
    table(
        "When the run starts and on which clock.",
        &[
            (
                "seed",
                whole("Seed of the run's random draws (default 1).", 0),
            ),
            (
                "timezone",
                text("The company's IANA time zone (default \"UTC\")."),
            ),
            ("start", date_time("When virtual time starts.")),
            (
                "until",
                date_time("Optional horizon (default: until all work is done)."),
            ),
        ],
        &["start"],
    )
}

fn limits() -> Value {
    let window = table(
        "A sliding window: at most `max` sends of a campaign in any `per`.",
        &[
            ("max", whole("Sends per window.", 1)),
            ("per", duration("The window's length.")),
        ],
        &["max", "per"],
    );
    table(
        "The platform's per-campaign send limiter.",
        &[
            ("windows", array_of(window)),
            (
                "pacing",
                one_of::<PacingFile>("How sends are spaced (default \"eager\")."),
            ),
            (
                "opt_out_scope",
                one_of::<OptOutScopeFile>("What a STOP blocks (default \"company\")."),
            ),
            (
                "duplicates",
                one_of::<DuplicatesFile>(
                    "A phone listed twice in an outreach (default \"send_once\").",
                ),
            ),
        ],
        &[],
    )
}

fn carrier() -> Value {
    table(
        "The mock carrier.",
        &[
            (
                "latency",
                dist("From leaving the queue to the final status."),
            ),
            (
                "segments_per_second",
                json!({ "type": "number", "description": "Per sending number (default 1.0)." }),
            ),
            (
                "validity",
                duration("Queued longer than this fails with 30036 (default \"10h\")."),
            ),
            (
                "outcomes",
                json!({
                    "type": "object",
                    "description": "Final statuses and their shares, adding up to 1: \"delivered\" or a five-digit error code.",
                    "propertyNames": { "pattern": "^(delivered|[1-9][0-9]{4})$" },
                    "additionalProperties": { "type": "number", "minimum": 0 },
                }),
            ),
        ],
        &[],
    )
}

fn customers(description: &str) -> Value {
    let reply = table(
        "A first reply and its relative weight.",
        &[
            ("body", text("The reply's text.")),
            ("weight", json!({ "type": "number", "minimum": 0 })),
        ],
        &["body", "weight"],
    );
    table(
        description,
        &[
            (
                "reply_rate",
                dist("Share of delivered recipients who reply (0 to 1)."),
            ),
            ("reply_delay", dist("From delivery to the first reply.")),
            ("replies", array_of(reply)),
            (
                "follow_ups",
                dist("Customer messages per conversation (1 or more)."),
            ),
            (
                "think_time",
                dist("The customer's pause after an agent's answer."),
            ),
        ],
        &[],
    )
}

fn number() -> Value {
    table(
        "A sending number and the inbox its replies go to.",
        &[
            ("number", text("A phone number, 7 to 15 digits.")),
            ("inbox", text("The inbox replies go to.")),
            (
                "sla",
                duration("Entry-point SLA, overriding the inbox's `sla.within`."),
            ),
        ],
        &["number", "inbox"],
    )
}

fn inbox() -> Value {
    let shift = table(
        "A group of agents working weekly hours on the company clock.",
        &[
            ("agents", whole("Agents in the group.", 1)),
            (
                "days",
                json!({ "type": "string", "pattern": DAY_KEY, "description": "\"mon-fri\", \"sat\" or \"daily\"." }),
            ),
            (
                "hours",
                hours(
                    "\"08:00-16:00\"; several comma-separated; a range that ends at or before its \
                     start (\"22:00-06:00\") is a night shift, ending the next day.",
                ),
            ),
            ("skills", array_of(text("A skill rules can ask for."))),
            (
                "also",
                array_of(text("Another inbox these agents also serve.")),
            ),
        ],
        &["agents", "days", "hours"],
    );
    table(
        "An inbox and its agents: `agents = N` or [[inboxes.shifts]].",
        &[
            ("name", text("The inbox's name.")),
            ("agents", whole("Agents always on shift.", 0)),
            ("shifts", array_of(shift)),
            (
                "sla",
                table(
                    "The service level (default 90% within 5m).",
                    &[
                        ("within", duration("The wait a conversation is due within.")),
                        ("target", share("The share that should meet it.")),
                    ],
                    &["within", "target"],
                ),
            ),
            (
                "capacity",
                table(
                    "Conversations per agent (default standard 3, maximum 5).",
                    &[
                        ("standard", whole("Assigned at once.", 1)),
                        (
                            "maximum",
                            whole("Pulled by hand with routing.pull (default: standard).", 1),
                        ),
                    ],
                    &["standard"],
                ),
            ),
            ("handle_time", dist("An agent's time per customer message.")),
            (
                "background",
                table(
                    "Other inbound conversations (Poisson).",
                    &[(
                        "per_hour",
                        json!({
                            "description": "Per hour, or 24 values (hours of the company's day, midnight first).",
                            "oneOf": [
                                { "type": "number", "minimum": 0 },
                                { "type": "array", "items": { "type": "number", "minimum": 0 }, "minItems": 24, "maxItems": 24 },
                            ],
                        }),
                    )],
                    &["per_hour"],
                ),
            ),
            (
                "same_agent_window",
                duration("Silence that ends a session (default \"15m\")."),
            ),
        ],
        &["name"],
    )
}

fn campaign() -> Value {
    let outreach = table(
        "One recipient list sent by its campaign.",
        &[
            ("start", date_time("When sending may begin.")),
            (
                "end",
                date_time("The cutoff (company time unless a zone is named)."),
            ),
            ("stop_at", date_time("Cancelled by hand at this instant.")),
            (
                "recipients",
                table(
                    "{ count = N } (optionally with timezones) or { csv = \"list.csv\" }.",
                    &[
                        ("count", whole("Generated recipients.", 0)),
                        (
                            "timezones",
                            json!({
                                "type": "object",
                                "description": "IANA zone -> share, adding up to 1.",
                                "additionalProperties": share("A share."),
                            }),
                        ),
                        (
                            "csv",
                            text("A CSV (phone,timezone), relative to the scenario file."),
                        ),
                    ],
                    &[],
                ),
            ),
            (
                "overlap",
                table(
                    "Share recipients with another campaign's first outreach.",
                    &[
                        ("campaign", text("The other campaign.")),
                        ("fraction", share("Share of this list also on that one.")),
                    ],
                    &["campaign", "fraction"],
                ),
            ),
        ],
        &["start", "recipients"],
    );
    table(
        "A campaign: its number, schedule and outreaches.",
        &[
            ("name", text("The campaign's name.")),
            ("number", text("A number listed under [[numbers]].")),
            (
                "message",
                table(
                    "How the wording moves the reply rate.",
                    &[("replies", one_of::<ReplyStyle>("Default \"neutral\"."))],
                    &[],
                ),
            ),
            (
                "schedule",
                json!({
                    "type": "object",
                    "description": "Send hours on each recipient's clock: day key -> \"HH:MM-HH:MM\" or \"closed\".",
                    "propertyNames": { "pattern": DAY_KEY },
                    "additionalProperties": { "type": "string" },
                }),
            ),
            (
                "customers",
                customers("This campaign's overrides of [customers]."),
            ),
            ("outreaches", array_of(outreach)),
        ],
        &["name", "number", "outreaches"],
    )
}

fn rule() -> Value {
    table(
        "A routing rule: every condition in `when` must hold.",
        &[
            ("name", text("The rule's name.")),
            (
                "when",
                table(
                    "Conditions (at least one).",
                    &[
                        ("body_contains", text("Substring, any case.")),
                        ("body_words", array_of(text("A whole word, any case."))),
                        ("body_regex", text("A regular expression.")),
                        ("inbox", text("The conversation's inbox now.")),
                        ("number", text("The number written to.")),
                        ("topic", text("A topic it already has.")),
                        ("campaign", text("The campaign answered.")),
                    ],
                    &[],
                ),
            ),
            (
                "then",
                table(
                    "Actions (at least one).",
                    &[
                        ("move_to_inbox", text("Move it there.")),
                        ("add_topic", text("Tag it.")),
                        ("needs_skill", text("Prefer agents with this skill.")),
                        ("auto_reply", text("Send this text.")),
                        ("no_reply_needed", boolean("Close it at once.")),
                        ("close", boolean("Close it at once.")),
                    ],
                    &[],
                ),
            ),
        ],
        &["name", "when", "then"],
    )
}

fn boost() -> Value {
    table(
        "A People Match boost.",
        &[
            ("name", text("The boost's name.")),
            (
                "size",
                json!({ "enum": ["small", "medium", "large", "very_large"], "description": "Adds 1, 3, 5 or 10." }),
            ),
            (
                "when",
                table(
                    "Conditions (at least one).",
                    &[
                        ("inbox", text("Waits in this inbox.")),
                        ("topic", text("Has this topic.")),
                        ("skill", text("Needs this skill.")),
                        ("waited_longer_than", duration("Has waited this long.")),
                        (
                            "overdue",
                            json!({ "const": true, "description": "Past its due time." }),
                        ),
                        ("due_within", duration("Due within this long.")),
                    ],
                    &[],
                ),
            ),
        ],
        &["name", "size", "when"],
    )
}

fn routing() -> Value {
    table(
        "Routing settings.",
        &[
            (
                "at_shift_end",
                one_of::<AtShiftEndFile>("At a shift's end (default \"overtime\")."),
            ),
            (
                "reopen_window",
                duration("A closed conversation reopens within this (default \"24h\")."),
            ),
            (
                "pull",
                boolean("Agents pull up to capacity.maximum (default false)."),
            ),
        ],
        &[],
    )
}

fn expect() -> Value {
    let condition = json!({
        "type": "string",
        "pattern": "^\\s*(<=|>=|<|>)",
        "description": "A condition like \"<= 10m\", \">= 90%\" or \"< 500\".",
    });
    let mut keys = vec![
        ("campaign", text("The campaign judged (or `inbox`).")),
        ("inbox", text("The inbox judged (or `campaign`).")),
        (
            "over",
            json!({ "enum": ["every_run", "p95"], "description": "Over several seeds (default \"every_run\")." }),
        ),
        (
            "every",
            duration("Judge per interval of the company's day."),
        ),
        (
            "between",
            hours("With `every`: the part of each day judged."),
        ),
    ];
    for (metric, _) in CAMPAIGN_METRICS.iter().chain(INBOX_METRICS.iter()) {
        keys.push((metric, condition.clone()));
    }
    table("A threshold: a breach exits 1.", &keys, &[])
}
