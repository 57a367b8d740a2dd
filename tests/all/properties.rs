//! Random scenarios thrown at the simulator: whatever the mix of campaigns, schedules, time
//! zones, cutoffs, opt-out storms and daylight-saving days, the auditor must find nothing.
//! And random or mangled scenario files must give errors, never a panic.

use std::path::Path;

use proptest::prelude::*;

use campaign_sim::scenario::Scenario;

use crate::common::run_audited;

const ZONES: [&str; 6] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone)]
struct Campaign {
    number: usize,
    schedule: Option<(Vec<bool>, (u16, u16))>,
    outreaches: Vec<Outreach>,
}

#[derive(Debug, Clone)]
struct Outreach {
    start_min: u32,
    end_after_min: Option<u32>,
    stop_after_min: Option<u32>,
    count: u32,
    zones: Vec<usize>,
    overlap: Option<f64>,
}

fn outreach() -> impl Strategy<Value = Outreach> {
    (
        0u32..36 * 60,
        proptest::option::of(1u32..20 * 60),
        proptest::option::of(1u32..20 * 60),
        0u32..350,
        proptest::collection::vec(0usize..ZONES.len(), 1..4),
        proptest::option::of(0.0f64..1.0),
    )
        .prop_map(
            |(start_min, end_after_min, stop_after_min, count, zones, overlap)| Outreach {
                start_min,
                end_after_min,
                stop_after_min,
                count,
                zones,
                overlap,
            },
        )
}

fn campaign() -> impl Strategy<Value = Campaign> {
    let hours = (0u16..23, 1u16..12).prop_map(|(s, len)| (s * 60, ((s + len).min(24)) * 60));
    (
        0usize..3,
        proptest::option::of((proptest::collection::vec(any::<bool>(), 7), hours)),
        proptest::collection::vec(outreach(), 1..3),
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

/// `start` is days after 2026-03-06 (so runs cross the US and EU daylight-saving changes).
#[allow(clippy::too_many_arguments)]
fn toml(
    company: usize,
    start_day: u32,
    pacing: &str,
    scope: &str,
    duplicates: &str,
    stop_weight: u32,
    reply_rate: f64,
    extra: (Option<(u32, u32)>, u32),
    campaigns: &[Campaign],
) -> String {
    let (windows, background) = extra;
    let base = jiff::civil::date(2026, 3, 6)
        .checked_add(jiff::Span::new().days(start_day as i64))
        .unwrap();
    let at = |min: u32| {
        let dt = base
            .at(0, 0, 0, 0)
            .checked_add(jiff::Span::new().minutes(min as i64))
            .unwrap();
        dt.strftime("%Y-%m-%dT%H:%M").to_string()
    };
    let mut s = format!(
        "name = \"prop\"\n[simulation]\ntimezone = \"{}\"\nstart = \"{}\"\nuntil = \"{}\"\n\
         [limits]\npacing = \"{pacing}\"\nopt_out_scope = \"{scope}\"\nduplicates = \"{duplicates}\"\n{}\
         [customers]\nreply_rate = {{ dist = \"fixed\", value = {reply_rate} }}\n\
         reply_delay = {{ dist = \"exponential\", mean = \"10m\" }}\n\
         replies = [ {{ body = \"STOP\", weight = {stop_weight} }}, {{ body = \"start\", weight = 2 }}, {{ body = \"hi\", weight = 10 }} ]\n",
        ZONES[company],
        at(0),
        at(5 * 24 * 60),
        windows.map_or(String::new(), |(max, per)| format!(
            "windows = [{{ max = {max}, per = \"{per}s\" }}]\n"
        )),
    );
    for n in 0..3 {
        s += &format!(
            "[[numbers]]\nnumber = \"+1555010000{n}\"\ninbox = \"I{}\"\n",
            n % 2
        );
    }
    for i in 0..2 {
        s += &format!(
            "[[inboxes]]\nname = \"I{i}\"\nagents = {}\ncapacity = {{ standard = 2 }}\nbackground = {{ per_hour = {background} }}\n",
            i + 1
        );
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
                at(o.start_min)
            );
            if let Some(e) = o.end_after_min {
                s += &format!("end = \"{}\"\n", at(o.start_min + e));
            }
            if let Some(e) = o.stop_after_min {
                s += &format!("stop_at = \"{}\"\n", at(o.start_min + e));
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_auditor_finds_nothing_in_random_scenarios(
        company in 0usize..ZONES.len(),
        start_day in 0u32..250,
        pacing in prop::sample::select(vec!["eager", "even", "per_window"]),
        scope in prop::sample::select(vec!["company", "sender_number"]),
        duplicates in prop::sample::select(vec!["send_once", "send_per_row"]),
        stop_weight in 0u32..40,
        reply_rate in 0.0f64..1.0,
        windows in proptest::option::of((1u32..10, 5u32..120)),
        background in 0u32..20,
        campaigns in proptest::collection::vec(campaign(), 1..4),
        seed in 0u64..1000,
    ) {
        let text = toml(company, start_day, pacing, scope, duplicates, stop_weight, reply_rate, (windows, background), &campaigns);
        let scn = Scenario::parse(Path::new("prop.toml"), &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        // run_audited fails on any violation and checks conservation per campaign.
        run_audited(&scn, seed);
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
