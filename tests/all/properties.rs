//! Random scenarios thrown at the simulator: whatever the mix of campaigns, schedules, time
//! zones, cutoffs, opt-out storms and daylight-saving days, the auditor must find nothing.
//! The generators lean on boundaries, where defects hide: outreach times drawn from a few shared
//! instants (one's end is another's start, a stop lands on a schedule edge), schedule edges at the
//! hours clocks jump, start days on daylight-saving changes in zones with odd offsets, lists of
//! 0, 1 and limit-sized counts, many outreaches on one campaign, reply rates of 0 and 1.
//! And random or mangled scenario files must give errors, never a panic.
//!
//! CI runs 128 scenarios; `PROPTEST_CASES=10000 cargo test --release --test all properties`
//! hunts longer.

use std::path::Path;

use proptest::prelude::*;

use scenario::Scenario;

use crate::common::run_audited;

const ZONES: [&str; 10] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
    // Clocks jump at midnight, by half an hour, or by odd quarter hours.
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Days after 2026-03-06 on which some zone above changes its clocks (US, EU, Chile, Australia).
const CHANGE_DAYS: [u32; 7] = [2, 23, 30, 184, 212, 233, 240];

/// Schedule edges, in minutes: midnight, the hours clocks jump at, office hours, the day's end.
const EDGES: [u16; 12] = [0, 30, 60, 90, 120, 135, 150, 180, 540, 1020, 1410, 1440];

#[derive(Debug, Clone)]
struct Campaign {
    number: usize,
    schedule: Option<(Vec<bool>, (u16, u16))>,
    outreaches: Vec<Outreach>,
}

/// Times are indices into the scenario's shared instants, so outreaches meet at the same ones.
#[derive(Debug, Clone)]
struct Outreach {
    start: usize,
    end: Option<usize>,
    stop: Option<usize>,
    count: u32,
    zones: Vec<usize>,
    overlap: Option<f64>,
}

fn count() -> impl Strategy<Value = u32> {
    prop_oneof![
        prop::sample::select(vec![0u32, 1, 2, 7, 8, 9, 39, 40, 41]),
        0u32..350,
        350u32..1500,
    ]
}

fn outreach() -> impl Strategy<Value = Outreach> {
    (
        0usize..6,
        proptest::option::of(1usize..6),
        proptest::option::of(1usize..6),
        count(),
        proptest::collection::vec(0usize..ZONES.len(), 1..4),
        proptest::option::of(prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0]),
    )
        .prop_map(|(start, end, stop, count, zones, overlap)| Outreach {
            start,
            end: end.map(|d| start + d),
            stop: stop.map(|d| start + d),
            count,
            zones,
            overlap,
        })
}

fn campaign() -> impl Strategy<Value = Campaign> {
    let hours = (0..EDGES.len() - 1).prop_flat_map(|i| {
        (
            Just(EDGES[i]),
            prop::sample::select(EDGES[i + 1..].to_vec()),
        )
    });
    (
        0usize..3,
        proptest::option::of((proptest::collection::vec(any::<bool>(), 7), hours)),
        proptest::collection::vec(outreach(), 1..6),
    )
        .prop_map(|(number, schedule, outreaches)| Campaign {
            number,
            schedule,
            outreaches,
        })
        // A schedule needs at least one open day.
        .prop_filter("schedule opens", |c| {
            c.schedule
                .as_ref()
                .is_none_or(|(d, _)| d.iter().any(|&x| x))
        })
}

fn clock(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Everything a generated scenario is made of, besides its campaigns.
#[derive(Debug, Clone)]
struct World {
    company: usize,
    /// Days after 2026-03-06.
    start_day: u32,
    /// Minutes after the start day's midnight, ascending: the instants outreaches share.
    instants: Vec<u32>,
    horizon: bool,
    pacing: &'static str,
    scope: &'static str,
    duplicates: &'static str,
    stop_weight: u32,
    reply_rate: f64,
    windows: Option<(u32, u32)>,
    background: u32,
    routing: Routing,
}

/// How the second inbox is staffed and what `[routing]` says.
#[derive(Debug, Clone)]
struct Routing {
    /// Two shift groups from these company-clock minutes of the day, instead of one always-on
    /// agent.
    shifts: Option<(u16, u16)>,
    /// Whether the second group also serves the first inbox.
    also: bool,
    at_shift_end: &'static str,
    pull: bool,
    reopen_window: &'static str,
}

fn routing() -> impl Strategy<Value = Routing> {
    // Shift edges on the hour clocks jump and on whole hours, or anywhere.
    let edge = prop_oneof![
        prop::sample::select(vec![0u16, 60, 120, 180, 540, 720, 1020]),
        0u16..1440,
    ];
    (
        proptest::option::of((edge.clone(), edge)),
        prop::sample::select(vec!["overtime", "handover", "requeue"]),
        any::<bool>(),
        prop::sample::select(vec!["0s", "1ms", "20m", "24h"]),
        any::<bool>(),
    )
        .prop_map(
            |(shifts, at_shift_end, pull, reopen_window, also)| Routing {
                shifts,
                also,
                at_shift_end,
                pull,
                reopen_window,
            },
        )
}

fn world() -> impl Strategy<Value = World> {
    let day = prop_oneof![
        prop::sample::select(CHANGE_DAYS.to_vec()).prop_flat_map(|d| d.saturating_sub(1)..=d),
        0u32..250,
    ];
    // Instants on the hour clocks jump, on schedule edges, or anywhere in three days.
    let instant = prop_oneof![
        prop::sample::select(vec![0u32, 60, 120, 150, 180, 540, 1020, 1440, 1440 + 120]),
        0u32..3 * 24 * 60,
    ];
    (
        (
            0usize..ZONES.len(),
            day,
            proptest::collection::vec(instant, 12),
            any::<bool>(),
        ),
        (
            prop::sample::select(vec!["eager", "even", "per_window"]),
            prop::sample::select(vec!["company", "sender_number"]),
            prop::sample::select(vec!["send_once", "send_per_row"]),
        ),
        (
            0u32..40,
            prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0],
            // (max, seconds): one a second to forty a day.
            proptest::option::of(prop::sample::select(vec![
                (1u32, 1u32),
                (1, 60),
                (2, 7),
                (8, 60),
                (40, 300),
                (1000, 1),
                (40, 86_400),
            ])),
            0u32..20,
        ),
        routing(),
    )
        .prop_map(
            |(
                (company, start_day, mut instants, horizon),
                (pacing, scope, duplicates),
                (stop_weight, reply_rate, windows, background),
                routing,
            )| {
                instants.sort_unstable();
                instants.dedup();
                World {
                    company,
                    start_day,
                    instants,
                    horizon,
                    pacing,
                    scope,
                    duplicates,
                    stop_weight,
                    reply_rate,
                    windows,
                    background,
                    routing,
                }
            },
        )
}

fn toml(w: &World, campaigns: &[Campaign]) -> String {
    let base = jiff::civil::date(2026, 3, 6)
        .checked_add(jiff::Span::new().days(w.start_day as i64))
        .unwrap();
    let at = |min: u32| {
        let dt = base
            .at(0, 0, 0, 0)
            .checked_add(jiff::Span::new().minutes(min as i64))
            .unwrap();
        // A named zone pins the instant even where the company's clock skips or repeats it.
        format!("{}[UTC]", dt.strftime("%Y-%m-%dT%H:%M"))
    };
    // Instants past the last shared one lie a day apart.
    let instant = |i: usize| match w.instants.get(i) {
        Some(&m) => m,
        None => w.instants.last().copied().unwrap_or(0) + 1440 * (i + 1 - w.instants.len()) as u32,
    };
    let mut s = format!(
        "name = \"prop\"\n[simulation]\ntimezone = \"{}\"\nstart = \"{}\"\n{}\
         [limits]\npacing = \"{}\"\nopt_out_scope = \"{}\"\nduplicates = \"{}\"\n{}\
         [customers]\nreply_rate = {{ dist = \"fixed\", value = {} }}\n\
         reply_delay = {{ dist = \"exponential\", mean = \"10m\" }}\n\
         replies = [ {{ body = \"STOP\", weight = {} }}, {{ body = \"start\", weight = 2 }}, {{ body = \"hi\", weight = 10 }} ]\n",
        ZONES[w.company],
        at(0),
        if w.horizon {
            format!("until = \"{}\"\n", at(6 * 24 * 60))
        } else {
            String::new()
        },
        w.pacing,
        w.scope,
        w.duplicates,
        w.windows.map_or(String::new(), |(max, per)| format!(
            "windows = [{{ max = {max}, per = \"{per}s\" }}]\n"
        )),
        w.reply_rate,
        w.stop_weight,
    );
    for n in 0..3 {
        s += &format!(
            "[[numbers]]\nnumber = \"+1555010000{n}\"\ninbox = \"I{}\"\n",
            n % 2
        );
    }
    let r = &w.routing;
    s += &format!(
        "[routing]\nat_shift_end = \"{}\"\npull = {}\nreopen_window = \"{}\"\n",
        r.at_shift_end, r.pull, r.reopen_window
    );
    for i in 0..2 {
        s += &format!(
            "[[inboxes]]\nname = \"I{i}\"\ncapacity = {{ standard = 2, maximum = 3 }}\nbackground = {{ per_hour = {} }}\nsame_agent_window = \"2m\"\n",
            w.background
        );
        match r.shifts.filter(|_| i == 1) {
            None => s += &format!("agents = {}\n", i + 1),
            Some((a, b)) => {
                // Two groups: [a, a + 3 h) and [b, b + 5 h), each cut at midnight.
                let hours = |from: u16, len: u16| {
                    format!("{}-{}", clock(from), clock((from + len).min(1440)))
                };
                s += &format!(
                    "[[inboxes.shifts]]\nagents = 1\ndays = \"daily\"\nhours = \"{}\"\n\
                     [[inboxes.shifts]]\nagents = 2\ndays = \"mon-fri\"\nhours = \"{}\"\n{}",
                    hours(a, 180),
                    hours(b, 300),
                    if r.also { "also = [\"I0\"]\n" } else { "" }
                );
            }
        }
    }
    for (k, c) in campaigns.iter().enumerate() {
        s += &format!(
            "[[campaigns]]\nname = \"C{k}\"\nnumber = \"+1555010000{}\"\n",
            c.number
        );
        if let Some((days, (from, to))) = &c.schedule {
            let open: Vec<String> = DAYS
                .iter()
                .zip(days)
                .filter(|(_, o)| **o)
                .map(|(d, _)| format!("{d} = \"{}-{}\"", clock(*from), clock(*to)))
                .collect();
            s += &format!("schedule = {{ {} }}\n", open.join(", "));
        }
        for o in &c.outreaches {
            s += &format!(
                "[[campaigns.outreaches]]\nstart = \"{}\"\n",
                at(instant(o.start))
            );
            if let Some(e) = o.end {
                s += &format!("end = \"{}\"\n", at(instant(e)));
            }
            if let Some(e) = o.stop {
                s += &format!("stop_at = \"{}\"\n", at(instant(e)));
            }
            let zones: Vec<String> = {
                let mut z = o.zones.clone();
                z.sort_unstable();
                z.dedup();
                z.iter()
                    .map(|&i| format!("\"{}\" = {}", ZONES[i], 1.0 / z.len() as f64))
                    .collect()
            };
            s += &format!(
                "recipients = {{ count = {}, timezones = {{ {} }} }}\n",
                o.count,
                zones.join(", ")
            );
            if let (Some(f), true) = (o.overlap, k > 0) {
                s += &format!(
                    "overlap = {{ campaign = \"C{}\", fraction = {f:.3} }}\n",
                    k - 1
                );
            }
        }
    }
    s
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_auditor_finds_nothing_in_random_scenarios(
        world in world(),
        campaigns in proptest::collection::vec(campaign(), 1..4),
        seed in 0u64..1000,
    ) {
        let text = toml(&world, &campaigns);
        let scn = Scenario::parse(Path::new("prop.toml"), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        // run_audited fails on any violation and checks conservation per campaign.
        let outcome = run_audited(&scn, seed);
        // A run without a horizon ends with its work: no timer with nothing to do outlasts it.
        if let (None, Some(&(last, _))) = (scn.until, outcome.trace.last()) {
            prop_assert_eq!(outcome.end, last, "{}", text);
        }
        // Nobody watching, verdicts are told aside and independent parts run at once: the
        // outcome is the same.
        crate::parts::same_as_traced(&scn, seed, &outcome);
    }

    /// Random scenarios that fall apart in two, one per inbox (no shift group serving both, no
    /// overlapping lists, background traffic only under a horizon; shift groups ending and
    /// starting at one instant, handovers and requeues included): simulated in parts they must
    /// come out exactly as simulated whole.
    #[test]
    fn random_scenarios_in_parts_have_the_whole_runs_outcome(
        world in world().prop_map(|mut w| {
            w.routing.also = false;
            if !w.horizon {
                w.background = 0;
            }
            w
        }),
        campaigns in proptest::collection::vec(campaign(), 1..4),
        seed in 0u64..1000,
    ) {
        let campaigns: Vec<Campaign> = campaigns
            .into_iter()
            .map(|mut c| {
                c.outreaches.iter_mut().for_each(|o| o.overlap = None);
                c
            })
            .collect();
        let text = toml(&world, &campaigns);
        let scn = Scenario::parse(Path::new("prop.toml"), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(crate::parts::part_count(&scn), 2, "{}", text);
        crate::parts::whole_and_in_parts(&scn, seed);
    }

    #[test]
    fn arbitrary_text_is_an_error_not_a_panic(text in ".{0,400}") {
        let _ = Scenario::parse(Path::new("fuzz.toml"), &text);
    }

    #[test]
    fn mangled_scenarios_are_errors_with_a_location_not_panics(
        cut in 0usize..4000, len in 0usize..40, insert in "[a-z0-9=\"\\[\\]{},. \n-]{0,12}",
    ) {
        let launch = include_str!("../../scenarios/launch.toml");
        let at = cut.min(launch.len());
        let at = (0..=at).rev().find(|&i| launch.is_char_boundary(i)).unwrap();
        let end = (at + len).min(launch.len());
        let end = (end..=launch.len()).find(|&i| launch.is_char_boundary(i)).unwrap();
        let text = format!("{}{}{}", &launch[..at], insert, &launch[end..]);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mangled.toml");
        if let Err(e) = Scenario::parse(&dir, &text) {
            let shown = e.to_string();
            prop_assert!(shown.contains("mangled.toml"), "{}", shown);
        }
    }
}
