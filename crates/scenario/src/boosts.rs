//! `[[boosts]]`: People Match boosts. Inboxes must exist; topics and skills must be ones the
//! rules name (only rules give a conversation topics and skills, so any other name could never
//! match); each boost is checked where it is written.

use serde::Deserialize;
use toml::Spanned;

use super::resolve::{Ctx, names};
use super::values::Duration;
use super::{Inbox, ScenarioError};
use model::boosts::{Boost, BoostWhen, Size};
use model::{InboxId, SkillId, TopicId};

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[boosts]] table like { name = \"VIP waiting\", size = \"large\", when = { topic = \"VIP\" } }"
)]
pub struct BoostFile {
    pub name: Spanned<String>,
    pub size: SizeFile,
    pub when: Spanned<BoostWhenFile>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SizeFile {
    Small,
    Medium,
    Large,
    VeryLarge,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like when = { topic = \"VIP\", waited_longer_than = \"3m\" }"
)]
pub struct BoostWhenFile {
    pub inbox: Option<Spanned<String>>,
    pub topic: Option<Spanned<String>>,
    pub skill: Option<Spanned<String>>,
    pub waited_longer_than: Option<Duration>,
    pub overdue: Option<Spanned<bool>>,
    pub due_within: Option<Duration>,
}

/// The boosts in file order; `topics` and `skills` are the names the rules interned.
pub fn resolve_boosts(
    cx: &Ctx,
    files: &[BoostFile],
    inboxes: &[Inbox],
    topics: &[String],
    skills: &[String],
) -> Result<Vec<Boost>, ScenarioError> {
    let mut out = Vec::new();
    for (i, b) in files.iter().enumerate() {
        cx.name(&b.name)?;
        if files[..i]
            .iter()
            .any(|o| o.name.get_ref() == b.name.get_ref())
        {
            return cx.err(
                b.name.span(),
                format!("boost {:?} is defined twice", b.name.get_ref()),
            );
        }
        let w = b.when.get_ref();
        if w.inbox.is_none()
            && w.topic.is_none()
            && w.skill.is_none()
            && w.waited_longer_than.is_none()
            && w.overdue.is_none()
            && w.due_within.is_none()
        {
            return cx.err(
                b.when.span(),
                "a boost needs at least one condition (inbox, topic, skill, waited_longer_than, overdue or due_within); one for every conversation would change no order",
            );
        }
        if let Some(o) = w.overdue.as_ref().filter(|o| !*o.get_ref()) {
            return cx.err(
                o.span(),
                "`overdue = false` is not a condition; write `overdue = true` or leave it out",
            );
        }
        let lookup = |name: &Spanned<String>, all: &[String], what: &str, named_by: &str| match all
            .iter()
            .position(|n| n == name.get_ref())
        {
            Some(i) => Ok(i),
            None => cx.err(
                name.span(),
                format!(
                    "unknown {what} {:?}; {named_by}: {}",
                    name.get_ref(),
                    if all.is_empty() {
                        "none".to_string()
                    } else {
                        names(all.iter())
                    }
                ),
            ),
        };
        let inbox_names: Vec<String> = inboxes.iter().map(|i| i.name.clone()).collect();
        let when = BoostWhen {
            inbox: w
                .inbox
                .as_ref()
                .map(|n| lookup(n, &inbox_names, "inbox", "inboxes are").map(InboxId::new))
                .transpose()?,
            topic: w
                .topic
                .as_ref()
                .map(|n| lookup(n, topics, "topic", "topics the rules name are").map(TopicId::new))
                .transpose()?,
            skill: w
                .skill
                .as_ref()
                .map(|n| lookup(n, skills, "skill", "skills the rules name are").map(SkillId::new))
                .transpose()?,
            waited_longer_than: w.waited_longer_than.map(|d| d.0),
            overdue: w.overdue.is_some(),
            due_within: w.due_within.map(|d| d.0),
        };
        out.push(Boost {
            name: b.name.get_ref().clone(),
            size: match b.size {
                SizeFile::Small => Size::Small,
                SizeFile::Medium => Size::Medium,
                SizeFile::Large => Size::Large,
                SizeFile::VeryLarge => Size::VeryLarge,
            },
            when,
        });
    }
    Ok(out)
}
