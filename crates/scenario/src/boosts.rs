//! `[[boosts]]`: People Match boosts. Inboxes must exist; each boost is checked where it is
//! written. A topic or skill that no rule gives a conversation is accepted (SPEC.md's own example
//! boosts a topic only a commented-out rule would add) and `validate` warns about it
//! ([`super::Scenario::dead_conditions`]).

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

/// The boosts in file order; `topics` and `skills` are the names the rules interned, to which
/// the boosts' own are added.
pub fn resolve_boosts(
    cx: &Ctx,
    files: &[BoostFile],
    inboxes: &[Inbox],
    topics: &mut Vec<String>,
    skills: &mut Vec<String>,
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
        let inbox = match &w.inbox {
            None => None,
            Some(name) => match inboxes.iter().position(|i| i.name == *name.get_ref()) {
                Some(i) => Some(InboxId::new(i)),
                None => {
                    return cx.err(
                        name.span(),
                        format!(
                            "unknown inbox {:?}; inboxes are: {}",
                            name.get_ref(),
                            names(inboxes.iter().map(|i| &i.name))
                        ),
                    );
                }
            },
        };
        for name in [&w.topic, &w.skill].into_iter().flatten() {
            cx.name(name)?;
        }
        let when = BoostWhen {
            inbox,
            topic: (w.topic.as_ref()).map(|t| TopicId::new(super::rules::intern(topics, t))),
            skill: (w.skill.as_ref()).map(|s| SkillId::new(super::rules::intern(skills, s))),
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
