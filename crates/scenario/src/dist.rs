//! Distributions, `{ dist = "lognormal", median = "3s", sigma = 0.8 }`: read key by key, each
//! parameter bounded by what the scenario key measures (a time, a count, a probability) and
//! reported where it is written.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::values::{MAX_TIME, parse_duration};

/// A probability distribution. Values meant as times are in seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Exponential {
        mean: f64,
    },
    LogNormal {
        median: f64,
        sigma: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
    },
    Empirical {
        values: Vec<f64>,
        weights: Vec<f64>,
    },
    /// Counts 1, 2, 3, ... with the given mean (>= 1).
    Geometric {
        mean: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
}

/// Largest lognormal `sigma`. At 3 the mean is already 90 times the median and one draw in a
/// thousand over 10,000 times it; beyond that, single draws of a minutes-long median run to years.
pub const MAX_SIGMA: f64 = 3.0;
/// Most customer messages in one conversation.
pub const MAX_FOLLOW_UPS: f64 = 1000.0;
/// Largest beta `alpha` or `beta`: far past any reply rate a planner means (alpha = 2,
/// beta = 18 is a mean of 0.1), and small enough for the sampler's arithmetic to stay finite.
const MAX_BETA_SHAPE: f64 = 1e6;

/// The kinds and their parameters, as a planner reads them in an error.
const KINDS: &str = "fixed (value), exponential (mean), lognormal (median, sigma), uniform (min, max), beta (alpha, beta), empirical (values, weights), geometric (mean), normal (mean, sd)";

pub(crate) const PARAMS: [(&str, &[&str]); 8] = [
    ("fixed", &["value"]),
    ("exponential", &["mean"]),
    ("lognormal", &["median", "sigma"]),
    ("uniform", &["min", "max"]),
    ("beta", &["alpha", "beta"]),
    ("empirical", &["values", "weights"]),
    ("geometric", &["mean"]),
    ("normal", &["mean", "sd"]),
];

/// What a distribution's draws are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Seconds, written as numbers or duration strings, from 0 to [`MAX_TIME`].
    Time,
    /// Customer messages in a conversation, from 1 to [`MAX_FOLLOW_UPS`].
    Count,
    /// A probability, from 0 to 1.
    Share,
}

impl Quantity {
    fn example(self) -> &'static str {
        match self {
            Quantity::Time => "{ dist = \"lognormal\", median = \"4m\", sigma = 0.6 }",
            Quantity::Count => "{ dist = \"geometric\", mean = 1.4 }",
            Quantity::Share => "{ dist = \"beta\", alpha = 2, beta = 18 }",
        }
    }

    /// An empirical distribution's `values` of this quantity.
    fn values_example(self) -> &'static str {
        match self {
            Quantity::Time => "[\"2m\", \"5m\", \"15m\"]",
            Quantity::Count => "[1, 2, 3]",
            Quantity::Share => "[0.05, 0.1, 0.2]",
        }
    }

    /// Bounds of a value it draws (and of a mean, median, min or max).
    fn bounds(self) -> (f64, f64) {
        match self {
            Quantity::Time => (0.0, (MAX_TIME.as_millis() / 1000) as f64),
            Quantity::Count => (1.0, MAX_FOLLOW_UPS),
            Quantity::Share => (0.0, 1.0),
        }
    }

    /// What parameter `name` must be.
    fn describe(self, name: &str, lo: f64, hi: f64) -> String {
        match self {
            Quantity::Time => format!(
                "{name} is a time from {lo} to {} days: a duration like \"4m\", or seconds",
                hi / 86_400.0
            ),
            Quantity::Count => {
                format!("{name} counts customer messages: a number from {lo} to {hi}")
            }
            Quantity::Share => {
                format!("{name} is a probability: a number from {lo} to {hi} (10% is 0.1)")
            }
        }
    }
}

/// A distribution as written, each value with its place in the file. What bounds its parameters
/// depends on the key it is written under, so [`DistTable::read`] checks it there.
#[derive(Debug, Clone)]
pub struct DistTable(BTreeMap<String, Spanned<toml::Value>>);

impl<'de> Deserialize<'de> for DistTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DistTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a distribution like {} (kinds: {KINDS})",
                    Quantity::Time.example()
                )
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<DistTable, A::Error> {
                let mut keys = BTreeMap::new();
                while let Some((key, value)) = map.next_entry()? {
                    keys.insert(key, value);
                }
                Ok(DistTable(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// A problem and where it is: one parameter, or the whole table.
pub type Located = (Range<usize>, String);

impl DistTable {
    /// Checks the distribution `table` for a key whose draws are `quantity`.
    pub fn read(table: &Spanned<DistTable>, quantity: Quantity) -> Result<Dist, Located> {
        let keys = &table.get_ref().0;
        let kinds = || format!("the kinds are {KINDS}, e.g. {}", quantity.example());
        let Some(kind) = keys.get("dist") else {
            return Err((table.span(), format!("missing key `dist`: {}", kinds())));
        };
        let Some(&(name, params)) = kind
            .get_ref()
            .as_str()
            .and_then(|n| PARAMS.iter().find(|(k, _)| *k == n))
        else {
            let found = kind.get_ref();
            return Err((kind.span(), format!("unknown `dist` {found}: {}", kinds())));
        };
        let takes = params.join(" and ");
        if let Some((key, v)) = keys
            .iter()
            .find(|(k, _)| *k != "dist" && !params.contains(&k.as_str()))
        {
            return Err((
                v.span(),
                format!("unknown key `{key}`: a {name} distribution takes {takes}"),
            ));
        }
        if quantity == Quantity::Share
            && matches!(name, "exponential" | "lognormal" | "geometric" | "normal")
        {
            return Err((
                kind.span(),
                format!(
                    "a {name} distribution draws values outside 0..1, and this is a probability: \
                     use fixed, uniform, beta or empirical"
                ),
            ));
        }
        let param = |key: &'static str| {
            keys.get(key)
                .map(|v| Param {
                    name: format!("`{key}`"),
                    value: v.get_ref(),
                    span: v.span(),
                })
                .ok_or_else(|| {
                    let m = format!("a {name} distribution needs `{key}` (it takes {takes})");
                    (table.span(), m)
                })
        };
        let drawn = |key| param(key)?.drawn(quantity);
        let positive = |key| param(key)?.above_zero(Param::drawn, quantity);
        Ok(match name {
            "fixed" => Dist::Fixed(drawn("value")?),
            "exponential" => Dist::Exponential {
                mean: positive("mean")?,
            },
            "lognormal" => Dist::LogNormal {
                median: positive("median")?,
                sigma: param("sigma")?
                    .number(MAX_SIGMA, "the spread of a lognormal: 0.6 is typical")?,
            },
            "uniform" => {
                let (min, max) = (drawn("min")?, drawn("max")?);
                if min > max {
                    let m = format!("`max` ({max}) is below `min` ({min})");
                    return Err((param("max")?.span, m));
                }
                Dist::Uniform { min, max }
            }
            "beta" => {
                let shape = |p: &Param, _| {
                    p.number(MAX_BETA_SHAPE, "alpha = 2, beta = 18 is a mean of 0.1")
                };
                Dist::Beta {
                    alpha: param("alpha")?.above_zero(shape, quantity)?,
                    beta: param("beta")?.above_zero(shape, quantity)?,
                }
            }
            "empirical" => {
                let values =
                    param("values")?.list(quantity.values_example(), |p| p.drawn(quantity))?;
                let weights_at = param("weights")?;
                let weights =
                    weights_at.list("[6, 3, 1]", |p| p.number(f64::MAX, "a relative weight"))?;
                if values.is_empty() || values.len() != weights.len() {
                    let m = format!(
                        "`values` and `weights` must be non-empty and of equal length ({} vs {})",
                        values.len(),
                        weights.len()
                    );
                    return Err((weights_at.span, m));
                }
                let total: f64 = weights.iter().sum();
                if !(total > 0.0 && total.is_finite()) {
                    let m = "`weights` must add up to a positive number".to_string();
                    return Err((weights_at.span, m));
                }
                Dist::Empirical { values, weights }
            }
            "geometric" => {
                let mean = drawn("mean")?;
                if mean < 1.0 {
                    let m = format!("`mean` of a geometric count must be at least 1, found {mean}");
                    return Err((param("mean")?.span, m));
                }
                Dist::Geometric { mean }
            }
            "normal" => Dist::Normal {
                mean: drawn("mean")?,
                sd: param("sd")?.spread(quantity)?,
            },
            _ => unreachable!("every kind in PARAMS is read above"),
        })
    }
}

/// One parameter as written.
struct Param<'a> {
    /// As errors name it: "`median`", "item 2 of `values`".
    name: String,
    value: &'a toml::Value,
    span: Range<usize>,
}

impl Param<'_> {
    /// A value drawn, or a mean, median, min or max: within the quantity's bounds.
    fn drawn(&self, quantity: Quantity) -> Result<f64, Located> {
        let (lo, hi) = quantity.bounds();
        self.within(quantity, lo, hi)
    }

    /// A standard deviation: from 0 to the largest value drawn.
    fn spread(&self, quantity: Quantity) -> Result<f64, Located> {
        self.within(quantity, 0.0, quantity.bounds().1)
    }

    fn within(&self, quantity: Quantity, lo: f64, hi: f64) -> Result<f64, Located> {
        let x = match (self.value, quantity) {
            (toml::Value::String(s), Quantity::Time) => {
                parse_duration(s)
                    .map_err(|m| (self.span.clone(), format!("{}: {m}", self.name)))?
                    .as_millis() as f64
                    / 1000.0
            }
            (toml::Value::Integer(i), _) => *i as f64,
            (toml::Value::Float(f), _) => *f,
            _ => f64::NAN,
        };
        if (lo..=hi).contains(&x) {
            Ok(x)
        } else {
            Err((self.span.clone(), quantity.describe(&self.name, lo, hi)))
        }
    }

    /// A plain number from 0 to `hi`; `hint` says what is usual.
    fn number(&self, hi: f64, hint: &str) -> Result<f64, Located> {
        let x = match self.value {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) => *f,
            _ => f64::NAN,
        };
        if (0.0..=hi).contains(&x) {
            return Ok(x);
        }
        let name = &self.name;
        let m = if hi == f64::MAX {
            format!("{name} must be a number of 0 or more ({hint})")
        } else {
            format!("{name} must be a number from 0 to {hi} ({hint})")
        };
        Err((self.span.clone(), m))
    }

    fn above_zero(
        &self,
        read: impl Fn(&Self, Quantity) -> Result<f64, Located>,
        quantity: Quantity,
    ) -> Result<f64, Located> {
        match read(self, quantity)? {
            x if x > 0.0 => Ok(x),
            _ => Err((self.span.clone(), format!("{} must be above 0", self.name))),
        }
    }

    /// An array: its items have no place of their own, so a bad one is named by its position.
    fn list(
        &self,
        example: &str,
        read: impl Fn(&Self) -> Result<f64, Located>,
    ) -> Result<Vec<f64>, Located> {
        let Some(items) = self.value.as_array() else {
            let m = format!("{} is an array like {example}", self.name);
            return Err((self.span.clone(), m));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let item = Param {
                    name: format!("item {} of {}", i + 1, self.name),
                    value,
                    span: self.span.clone(),
                };
                read(&item)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, quantity: Quantity) -> Result<Dist, Located> {
        #[derive(Deserialize)]
        struct Key {
            d: Spanned<DistTable>,
        }
        let key: Key = toml::from_str(&format!("d = {text}")).unwrap();
        DistTable::read(&key.d, quantity)
    }

    #[test]
    fn times_read_as_seconds_from_durations_or_numbers() {
        assert_eq!(
            read(
                r#"{ dist = "lognormal", median = "3s", sigma = 0.8 }"#,
                Quantity::Time
            ),
            Ok(Dist::LogNormal {
                median: 3.0,
                sigma: 0.8
            })
        );
        assert_eq!(
            read(
                r#"{ dist = "uniform", min = 30, max = "2m" }"#,
                Quantity::Time
            ),
            Ok(Dist::Uniform {
                min: 30.0,
                max: 120.0
            })
        );
    }

    #[test]
    fn bounds_follow_what_is_drawn() {
        let fixed = |v: &str, q| read(&format!(r#"{{ dist = "fixed", value = {v} }}"#), q);
        assert!(fixed("31622400", Quantity::Time).is_ok(), "366 days");
        assert!(fixed("31622401", Quantity::Time).is_err());
        assert!(fixed("1000", Quantity::Count).is_ok());
        assert!(fixed("0", Quantity::Count).is_err());
        assert!(fixed("1", Quantity::Share).is_ok());
        assert!(fixed("\"1s\"", Quantity::Share).is_err());
    }
}
