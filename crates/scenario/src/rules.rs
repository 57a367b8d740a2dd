//! `[[rules]]`: names turned into ids (inboxes, numbers and campaigns must exist; topics and
//! skills are interned as they are first named), and each rule checked where it is written.

use toml::Spanned;

use super::file::{RuleFile, ThenFile, WhenFile};
use super::resolve::{Ctx, names};
use super::{Campaign, Inbox, Number, ScenarioError};
use model::rules::{Rule, Then, When};
use model::{CampaignId, InboxId, NumberId, SkillId, TopicId};

/// The rules, and the topic and skill names their ids stand for.
pub struct Resolved {
    pub rules: Vec<Rule>,
    pub topics: Vec<String>,
    pub skills: Vec<String>,
}

/// What a rule's names refer to.
struct Known<'a> {
    inboxes: &'a [Inbox],
    numbers: &'a [Number],
    campaigns: &'a [Campaign],
}

pub fn resolve_rules(
    cx: &Ctx,
    files: &[RuleFile],
    inboxes: &[Inbox],
    numbers: &[Number],
    campaigns: &[Campaign],
) -> Result<Resolved, ScenarioError> {
    let known = Known {
        inboxes,
        numbers,
        campaigns,
    };
    let mut out = Resolved {
        rules: Vec::new(),
        topics: Vec::new(),
        skills: Vec::new(),
    };
    for (i, r) in files.iter().enumerate() {
        cx.name(&r.name)?;
        if files[..i]
            .iter()
            .any(|o| o.name.get_ref() == r.name.get_ref())
        {
            return cx.err(
                r.name.span(),
                format!("rule {:?} is defined twice", r.name.get_ref()),
            );
        }
        let when = resolve_when(cx, &r.when, &known, &mut out.topics)?;
        let then = resolve_then(cx, &r.then, &known, &mut out)?;
        out.rules.push(Rule {
            name: r.name.get_ref().clone(),
            when,
            then,
        });
    }
    Ok(out)
}

fn resolve_when(
    cx: &Ctx,
    w: &Spanned<WhenFile>,
    known: &Known,
    topics: &mut Vec<String>,
) -> Result<When, ScenarioError> {
    let f = w.get_ref();
    let given = [
        f.body_contains.is_some(),
        f.body_words.is_some(),
        f.body_regex.is_some(),
        f.inbox.is_some(),
        f.number.is_some(),
        f.topic.is_some(),
        f.campaign.is_some(),
    ];
    if !given.contains(&true) {
        return cx.err(
            w.span(),
            "a rule needs at least one condition (body_contains, body_words, body_regex, inbox, number, topic or campaign); a rule for every message would route them all the same way",
        );
    }
    if let Some(text) = f.body_contains.as_ref().filter(|t| t.get_ref().is_empty()) {
        return cx.err(
            text.span(),
            "`body_contains` is empty: it would match every message",
        );
    }
    if let Some(words) = &f.body_words
        && (words.get_ref().is_empty() || words.get_ref().iter().any(|w| w.trim().is_empty()))
    {
        return cx.err(
            words.span(),
            "`body_words` needs at least one word, and no empty ones, e.g. [\"order\", \"tracking\"]",
        );
    }
    if let Some(pattern) = &f.body_regex
        && let Err(e) = regex::Regex::new(pattern.get_ref())
    {
        let first = e.to_string();
        let why = first.lines().last().unwrap_or("invalid pattern");
        return cx.err(
            pattern.span(),
            format!(
                "`body_regex` does not compile: {}",
                why.trim().trim_start_matches("error: ")
            ),
        );
    }
    Ok(When {
        body_contains: f.body_contains.as_ref().map(|t| t.get_ref().clone()),
        body_words: f
            .body_words
            .as_ref()
            .map(|w| w.get_ref().clone())
            .unwrap_or_default(),
        body_regex: f.body_regex.as_ref().map(|t| t.get_ref().clone()),
        inbox: f
            .inbox
            .as_ref()
            .map(|n| inbox_of(cx, n, known))
            .transpose()?,
        number: f
            .number
            .as_ref()
            .map(|n| number_of(cx, n, known))
            .transpose()?,
        topic: f.topic.as_ref().map(|t| TopicId::new(intern(topics, t))),
        campaign: f
            .campaign
            .as_ref()
            .map(|n| campaign_of(cx, n, known))
            .transpose()?,
    })
}

fn resolve_then(
    cx: &Ctx,
    t: &Spanned<ThenFile>,
    known: &Known,
    out: &mut Resolved,
) -> Result<Then, ScenarioError> {
    let f = t.get_ref();
    let given = [
        f.move_to_inbox.is_some(),
        f.add_topic.is_some(),
        f.needs_skill.is_some(),
        f.auto_reply.is_some(),
        f.no_reply_needed,
        f.close,
    ];
    if !given.contains(&true) {
        return cx.err(
            t.span(),
            "a rule needs at least one action (move_to_inbox, add_topic, needs_skill, auto_reply, no_reply_needed = true or close = true)",
        );
    }
    for name in [&f.add_topic, &f.needs_skill, &f.auto_reply]
        .into_iter()
        .flatten()
    {
        if name.get_ref().trim().is_empty() {
            return cx.err(name.span(), "this action needs a text, found an empty one");
        }
    }
    Ok(Then {
        move_to_inbox: f
            .move_to_inbox
            .as_ref()
            .map(|n| inbox_of(cx, n, known))
            .transpose()?,
        add_topic: f
            .add_topic
            .as_ref()
            .map(|t| TopicId::new(intern(&mut out.topics, t))),
        needs_skill: f
            .needs_skill
            .as_ref()
            .map(|s| SkillId::new(intern(&mut out.skills, s))),
        auto_reply: f.auto_reply.as_ref().map(|t| t.get_ref().clone()),
        no_reply_needed: f.no_reply_needed,
        close: f.close,
    })
}

/// The position of `name` in `names`, added at the end the first time it is named.
pub(super) fn intern(names: &mut Vec<String>, name: &Spanned<String>) -> usize {
    match names.iter().position(|n| n == name.get_ref()) {
        Some(i) => i,
        None => {
            names.push(name.get_ref().clone());
            names.len() - 1
        }
    }
}

fn inbox_of(cx: &Ctx, name: &Spanned<String>, known: &Known) -> Result<InboxId, ScenarioError> {
    match known.inboxes.iter().position(|i| i.name == *name.get_ref()) {
        Some(i) => Ok(InboxId::new(i)),
        None => cx.err(
            name.span(),
            format!(
                "unknown inbox {:?}; inboxes are: {}",
                name.get_ref(),
                names(known.inboxes.iter().map(|i| &i.name))
            ),
        ),
    }
}

fn number_of(cx: &Ctx, name: &Spanned<String>, known: &Known) -> Result<NumberId, ScenarioError> {
    match known
        .numbers
        .iter()
        .position(|n| n.number == *name.get_ref())
    {
        Some(n) => Ok(NumberId::new(n)),
        None => cx.err(
            name.span(),
            format!(
                "unknown number {}; numbers are: {}",
                name.get_ref(),
                names(known.numbers.iter().map(|n| &n.number))
            ),
        ),
    }
}

fn campaign_of(
    cx: &Ctx,
    name: &Spanned<String>,
    known: &Known,
) -> Result<CampaignId, ScenarioError> {
    match known
        .campaigns
        .iter()
        .position(|c| c.name == *name.get_ref())
    {
        Some(c) => Ok(CampaignId::new(c)),
        None => cx.err(
            name.span(),
            format!(
                "unknown campaign {:?}; campaigns are: {}",
                name.get_ref(),
                names(known.campaigns.iter().map(|c| &c.name))
            ),
        ),
    }
}
