//! NISTIR 7696 name matching: attribute comparison (§6.1, table 6-2) and
//! name comparison (§6.2).

use std::fmt;

use crate::value::wildcard_match;
use crate::{Attribute, Cpe, Value};

/// How a source name (or value) relates to a target, as sets of products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Source and target name the same products.
    Equal,
    /// The source names some of the target's products (target is wider).
    Subset,
    /// The source names all of the target's products and more (source is
    /// wider, for example by ANY or a wildcard).
    Superset,
    /// No product is named by both.
    Disjoint,
    /// Names only: some attributes are SUBSET and others SUPERSET, so none of
    /// NISTIR 7696's four name relations holds although the names share
    /// products. Never the result of comparing values.
    Overlap,
    /// The target has unquoted wildcards, which NISTIR 7696 table 6-2 leaves
    /// undefined (unless another attribute is already disjoint).
    Undefined,
}

impl Relation {
    /// Lowercase name: `equal`, `subset`, `superset`, `disjoint`, `overlap`
    /// or `undefined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::Subset => "subset",
            Relation::Superset => "superset",
            Relation::Disjoint => "disjoint",
            Relation::Overlap => "overlap",
            Relation::Undefined => "undefined",
        }
    }

    /// The relation seen from the other side: SUBSET and SUPERSET swap. Only
    /// exact for wildcard-free names (else the swapped comparison is
    /// undefined).
    pub fn reverse(self) -> Relation {
        match self {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            other => other,
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Value<'_> {
    /// NISTIR 7696 attribute comparison of this (source) value with a target
    /// value: table 6-2, in the order of the spec's `compare` pseudocode.
    /// Strings compare case-insensitively; unquoted wildcards in the source
    /// match, in the target make the result [`Relation::Undefined`].
    pub fn compare(self, target: Value<'_>) -> Relation {
        if target.has_wildcards() {
            return Relation::Undefined;
        }
        compare_known(self, target)
    }
}

/// [`Value::compare`] once the target is known to have no wildcards.
fn compare_known(source: Value<'_>, target: Value<'_>) -> Relation {
    match (source, target) {
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => Relation::Equal,
        (Value::Str(s), Value::Str(t)) if s.eq_ignore_case(t) => Relation::Equal,
        (Value::Any, _) => Relation::Superset,
        (_, Value::Any) => Relation::Subset,
        (Value::Na, _) | (_, Value::Na) => Relation::Disjoint,
        (Value::Str(s), Value::Str(t)) => {
            if s.has_wildcards() && wildcard_match(s.as_fs().as_bytes(), t.as_fs().as_bytes()) {
                Relation::Superset
            } else {
                Relation::Disjoint
            }
        }
    }
}

impl Cpe {
    /// NISTIR 7696 name comparison of this (source) name with a target name.
    ///
    /// - any attribute DISJOINT: [`Relation::Disjoint`];
    /// - else any UNDEFINED (wildcards in the target): [`Relation::Undefined`];
    /// - else all EQUAL: [`Relation::Equal`]; all SUBSET or EQUAL:
    ///   [`Relation::Subset`]; all SUPERSET or EQUAL: [`Relation::Superset`];
    /// - else [`Relation::Overlap`].
    ///
    /// Allocates nothing.
    pub fn compare(&self, target: &Cpe) -> Relation {
        let (mut subset, mut superset, mut undefined) = (false, false, false);
        for i in 0..Attribute::ALL.len() {
            let relation = if target.wildcard_bit(i) {
                Relation::Undefined
            } else {
                let a = Attribute::ALL[i];
                compare_known(self.get(a), target.get(a))
            };
            match relation {
                Relation::Disjoint => return Relation::Disjoint,
                Relation::Undefined => undefined = true,
                Relation::Subset => subset = true,
                Relation::Superset => superset = true,
                Relation::Equal | Relation::Overlap => {}
            }
        }
        match (undefined, subset, superset) {
            (true, _, _) => Relation::Undefined,
            (false, false, false) => Relation::Equal,
            (false, true, false) => Relation::Subset,
            (false, false, true) => Relation::Superset,
            (false, true, true) => Relation::Overlap,
        }
    }

    /// The attribute comparisons behind [`Cpe::compare`], in binding order
    /// (see [`Attribute::ALL`]).
    pub fn compare_attributes(&self, target: &Cpe) -> [Relation; 11] {
        Attribute::ALL.map(|a| self.get(a).compare(target.get(a)))
    }

    /// NISTIR 7696 `CPE_EQUAL`: every attribute EQUAL.
    pub fn is_equal(&self, target: &Cpe) -> bool {
        self.compare(target) == Relation::Equal
    }

    /// NISTIR 7696 `CPE_SUBSET`: every attribute SUBSET or EQUAL (so equal
    /// names are subsets of each other).
    pub fn is_subset(&self, target: &Cpe) -> bool {
        matches!(self.compare(target), Relation::Subset | Relation::Equal)
    }

    /// NISTIR 7696 `CPE_SUPERSET`: every attribute SUPERSET or EQUAL. This is
    /// the usual "does this (pattern) name match that product" question.
    pub fn is_superset(&self, target: &Cpe) -> bool {
        matches!(self.compare(target), Relation::Superset | Relation::Equal)
    }

    /// NISTIR 7696 `CPE_DISJOINT`: some attribute DISJOINT.
    pub fn is_disjoint(&self, target: &Cpe) -> bool {
        self.compare(target) == Relation::Disjoint
    }
}
