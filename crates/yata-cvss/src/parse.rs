//! What the versions share: a table of metrics and the strict parser over it.
//! A vector holds, per metric of its table, the index of the value given.

use std::fmt;

use crate::{Error, Version};

/// The group a metric belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Mandatory in every vector.
    Base,
    /// v2/v3 temporal, v4 threat.
    Temporal,
    Environmental,
    /// v4 supplemental: never scored.
    Supplemental,
}

/// A metric a version defines: its abbreviation, its values as written in
/// vectors, and its group.
#[derive(Debug)]
pub struct Metric {
    name: &'static str,
    values: &'static [&'static str],
    group: Group,
}

impl Metric {
    /// The abbreviation, e.g. `"AV"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The values as written, e.g. `["N", "A", "L", "P"]`.
    pub fn values(&self) -> &'static [&'static str] {
        self.values
    }

    pub fn group(&self) -> Group {
        self.group
    }
}

pub(crate) const fn metric(
    name: &'static str,
    group: Group,
    values: &'static [&'static str],
) -> Metric {
    Metric {
        name,
        values,
        group,
    }
}

/// The value given for each metric of a table, as an index into its values.
pub(crate) type Values<const N: usize> = [Option<u8>; N];

/// Longest piece of input quoted back in an error.
const QUOTE_MAX: usize = 32;

fn quote(s: &str) -> String {
    s.chars().take(QUOTE_MAX).collect()
}

/// Parses `METRIC:VALUE` components separated by `/`, in any order.
pub(crate) fn parse<const N: usize>(
    version: Version,
    body: &str,
    table: &'static [Metric; N],
) -> Result<Values<N>, Error> {
    let mut out = [None; N];
    // Nothing but a prefix: the first base metric is missing.
    for component in body
        .split('/')
        .filter(|c| !(body.is_empty() && c.is_empty()))
    {
        let Some((name, value)) = component.split_once(':') else {
            return Err(Error::Malformed {
                version,
                component: quote(component),
            });
        };
        let Some(i) = table.iter().position(|m| m.name == name) else {
            return Err(Error::UnknownMetric {
                version,
                metric: quote(name),
            });
        };
        let metric = &table[i];
        if out[i].is_some() {
            return Err(Error::Duplicate {
                version,
                metric: metric.name,
            });
        }
        let Some(j) = metric.values.iter().position(|v| *v == value) else {
            return Err(Error::InvalidValue {
                version,
                metric: metric.name,
                value: quote(value),
            });
        };
        // Tables have a handful of values each.
        out[i] = Some(j as u8);
    }
    if let Some(m) = table
        .iter()
        .zip(&out)
        .find(|(m, v)| m.group == Group::Base && v.is_none())
    {
        return Err(Error::Missing {
            version,
            metric: m.0.name,
        });
    }
    Ok(out)
}

/// The value given for metric `i`, if any.
pub(crate) fn value<const N: usize>(
    table: &'static [Metric; N],
    values: &Values<N>,
    i: usize,
) -> Option<&'static str> {
    values[i].map(|j| table[i].values[usize::from(j)])
}

/// The value given for the metric called `name`, if any.
pub(crate) fn by_name<const N: usize>(
    table: &'static [Metric; N],
    values: &Values<N>,
    name: &str,
) -> Option<&'static str> {
    let i = table.iter().position(|m| m.name == name)?;
    value(table, values, i)
}

/// Whether a metric of `group` is given with a value other than "not defined".
pub(crate) fn defined<const N: usize>(
    table: &'static [Metric; N],
    values: &Values<N>,
    group: Group,
) -> bool {
    (0..N).any(|i| {
        table[i].group == group && value(table, values, i).is_some_and(|v| v != "X" && v != "ND")
    })
}

/// The given metrics in table order, `/`-separated.
pub(crate) fn write<const N: usize>(
    f: &mut fmt::Formatter<'_>,
    table: &'static [Metric; N],
    values: &Values<N>,
) -> fmt::Result {
    let mut first = true;
    for (i, m) in table.iter().enumerate() {
        if let Some(v) = value(table, values, i) {
            if !first {
                f.write_str("/")?;
            }
            first = false;
            write!(f, "{}:{v}", m.name)?;
        }
    }
    Ok(())
}
