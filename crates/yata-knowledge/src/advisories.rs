//! The advisory store: records from every source, merged by alias into
//! vulnerabilities.
//!
//! * Records are keyed by `(source, document, id)`: a newer copy of a record replaces
//!   the older one, an identical copy changes nothing ([`AdvisoryDb::update`]).
//! * Two records belong to the same vulnerability when their ids or aliases
//!   meet, transitively (a PYSEC advisory aliasing a CVE, that CVE's CVE-5
//!   record, its KEV entry and its EPSS score become one vulnerability).
//! * A vulnerability's id is its CVE when it has one (the lowest, when the
//!   aliases name several), else its lowest GHSA, else its lowest id.
//! * Nothing is flattened away: each fact stays in the record that said it,
//!   and the merged view ([`VulnView`]) names the source of every fact.
//!
//! Everything here is deterministic: the same records give the same
//! vulnerabilities, ids and ordering whatever order they arrive in.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

use jiff::Timestamp;
use serde::Serialize;
use yata_model::{Record, SourceKind, VulnId};

/// One merged vulnerability: its id, every other id it is known by, and the
/// records (indices into [`AdvisoryDb::records`]) that describe it.
#[derive(Debug, Clone)]
pub struct Vulnerability {
    id: VulnId,
    aliases: Vec<VulnId>,
    records: Vec<u32>,
}

/// Records merged into vulnerabilities.
#[derive(Debug, Default)]
pub struct AdvisoryDb {
    /// Sorted by `(source, document, id)`, one per key.
    records: Vec<Record>,
    /// Sorted by id.
    vulns: Vec<Vulnerability>,
    /// Every id and alias to its vulnerability: `(vulnerability, which id)`
    /// pairs hashed by the id's text, so no id is stored twice.
    by_id: HashTable<(u32, u32)>,
}

/// What [`AdvisoryDb::update`] did with the records it was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpdateSummary {
    /// New `(source, document, id)` keys.
    pub added: usize,
    /// Records that replaced a different copy.
    pub updated: usize,
    /// Records identical to the copy already held.
    pub unchanged: usize,
    /// Records older (by `modified`) than the copy already held, which was kept.
    pub stale: usize,
}

impl AdvisoryDb {
    /// Merges `records`. Of several records with the same key, the
    /// one modified last is kept (the last given, on a tie).
    pub fn new(records: Vec<Record>) -> AdvisoryDb {
        let mut db = AdvisoryDb::default();
        db.update(records);
        db
    }

    /// Adds or replaces records and merges again. The records are applied
    /// in the order given: of several with one key, each is compared with the
    /// one held before it.
    pub fn update(&mut self, mut incoming: Vec<Record>) -> UpdateSummary {
        let mut summary = UpdateSummary::default();
        // A stable sort keeps the given order within each key.
        incoming.sort_by(key_cmp);
        let held = std::mem::take(&mut self.records);
        let mut merged = Vec::with_capacity(held.len() + incoming.len());
        let mut held = held.into_iter().peekable();
        let mut incoming = incoming.into_iter().peekable();
        while let Some(next) = incoming.next() {
            // Everything held before this key stays as it is.
            while held
                .peek()
                .is_some_and(|h| key_cmp(h, &next) == Ordering::Less)
            {
                merged.extend(held.next());
            }
            let mut current = match held.next_if(|h| key_cmp(h, &next) == Ordering::Equal) {
                Some(h) => apply(&mut summary, h, next),
                None => {
                    summary.added += 1;
                    next
                }
            };
            while let Some(same) = incoming.next_if(|r| key_cmp(r, &current) == Ordering::Equal) {
                current = apply(&mut summary, current, same);
            }
            merged.push(current);
        }
        merged.extend(held);
        self.records = merged;
        self.merge();
        summary
    }

    /// Every record, sorted by `(source, document, id)`.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Takes the records out (for writing a snapshot, say).
    pub fn into_records(self) -> Vec<Record> {
        self.records
    }

    /// Every vulnerability, sorted by id.
    pub fn vulnerabilities(&self) -> impl ExactSizeIterator<Item = VulnView<'_>> {
        self.vulns.iter().map(|vuln| VulnView { db: self, vuln })
    }

    pub fn len(&self) -> usize {
        self.vulns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vulns.is_empty()
    }

    /// The vulnerability known by `id` (its own id or any alias).
    pub fn get(&self, id: &VulnId) -> Option<VulnView<'_>> {
        let &(i, _) = self.by_id.find(hash_id(id), |&(v, k)| {
            self.vulns[v as usize].nth_id(k) == id
        })?;
        Some(VulnView {
            db: self,
            vuln: &self.vulns[i as usize],
        })
    }

    /// Counts for `yata feed stats`.
    pub fn stats(&self) -> Stats {
        let mut stats = Stats {
            vulnerabilities: self.vulns.len(),
            ..Stats::default()
        };
        for r in &self.records {
            *stats.by_source.entry(r.source.as_str()).or_default() += 1;
        }
        for v in self.vulnerabilities() {
            let ecosystems: BTreeSet<&str> = v
                .records()
                .flat_map(|r| r.packages.iter().map(|p| p.ecosystem.as_str()))
                .collect();
            for e in ecosystems {
                *stats.by_ecosystem.entry(e.to_owned()).or_default() += 1;
            }
            stats.kev += usize::from(v.records().any(|r| r.kev.is_some()));
            stats.with_epss += usize::from(v.records().any(|r| r.epss.is_some()));
            stats.withdrawn += usize::from(v.withdrawn().is_some());
        }
        stats
    }

    /// Recomputes the vulnerabilities from the records (union-find over ids).
    fn merge(&mut self) {
        let mut node: FxHashMap<&VulnId, u32> = FxHashMap::default();
        node.reserve(self.records.len() * 2);
        let mut parent: Vec<u32> = Vec::with_capacity(self.records.len() * 2);
        let mut ids: Vec<&VulnId> = Vec::with_capacity(self.records.len() * 2);
        let mut record_nodes: Vec<u32> = Vec::with_capacity(self.records.len());
        for record in &self.records {
            let mut first: Option<u32> = None;
            for id in record.ids() {
                let n = *node.entry(id).or_insert_with(|| {
                    parent.push(parent.len() as u32);
                    ids.push(id);
                    (parent.len() - 1) as u32
                });
                match first {
                    None => first = Some(n),
                    Some(f) => union(&mut parent, f, n),
                }
            }
            record_nodes.push(first.expect("a record has an id"));
        }
        // Group ids and records by root: sort (root, kind, index) triples and
        // walk the runs, rather than allocating a map of vectors.
        let mut members: Vec<(u32, bool, u32)> = Vec::with_capacity(ids.len() + record_nodes.len());
        for n in 0..ids.len() as u32 {
            members.push((find(&mut parent, n), false, n));
        }
        for (i, &n) in record_nodes.iter().enumerate() {
            members.push((find(&mut parent, n), true, i as u32));
        }
        members.sort_unstable();
        let mut vulns: Vec<Vulnerability> = Vec::new();
        let mut group_ids: Vec<&VulnId> = Vec::new();
        for run in members.chunk_by(|a, b| a.0 == b.0) {
            group_ids.clear();
            group_ids.extend(run.iter().filter(|m| !m.1).map(|m| ids[m.2 as usize]));
            group_ids.sort_by(|a, b| canonical_order(a, b));
            let records = run.iter().filter(|m| m.1).map(|m| m.2).collect();
            vulns.push(Vulnerability {
                id: group_ids[0].clone(),
                aliases: group_ids[1..].iter().map(|a| (*a).clone()).collect(),
                records,
            });
        }
        vulns.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        let mut by_id = HashTable::with_capacity(ids.len());
        for (i, v) in vulns.iter().enumerate() {
            for k in 0..=v.aliases.len() as u32 {
                let entry = (i as u32, k);
                by_id.insert_unique(hash_id(v.nth_id(k)), entry, |&(v, k)| {
                    hash_id(vulns[v as usize].nth_id(k))
                });
            }
        }
        self.vulns = vulns;
        self.by_id = by_id;
    }
}

/// Orders records by their key, `(source, document, id)`.
/// What differs between two databases, record by record: the records of
/// `new` that `old` lacks or holds differently, and the records of `old`
/// that `new` lacks. A re-evaluation needs to look only at the
/// vulnerabilities these name.
pub fn changed_records<'a>(
    old: &'a AdvisoryDb,
    new: &'a AdvisoryDb,
) -> (Vec<&'a Record>, Vec<&'a Record>) {
    let (mut changed, mut removed) = (Vec::new(), Vec::new());
    let (mut o, mut n) = (old.records.iter().peekable(), new.records.iter().peekable());
    loop {
        match (o.peek(), n.peek()) {
            (None, None) => break,
            (Some(_), None) => removed.extend(o.next()),
            (None, Some(_)) => changed.extend(n.next()),
            (Some(a), Some(b)) => match key_cmp(a, b) {
                Ordering::Less => removed.extend(o.next()),
                Ordering::Greater => changed.extend(n.next()),
                Ordering::Equal => {
                    let (a, b) = (o.next(), n.next());
                    if a != b {
                        changed.extend(b);
                    }
                }
            },
        }
    }
    (changed, removed)
}

fn key_cmp(a: &Record, b: &Record) -> Ordering {
    (a.source, &a.document, &a.id).cmp(&(b.source, &b.document, &b.id))
}

/// Applies `incoming` over `held` (same key), counting what happened.
fn apply(summary: &mut UpdateSummary, held: Record, incoming: Record) -> Record {
    if held == incoming {
        summary.unchanged += 1;
        held
    } else if is_older(&incoming, &held) {
        summary.stale += 1;
        held
    } else {
        summary.updated += 1;
        incoming
    }
}

impl Vulnerability {
    /// The id (`0`) or the `k`th alias (`k` ≥ 1).
    fn nth_id(&self, k: u32) -> &VulnId {
        match k {
            0 => &self.id,
            k => &self.aliases[k as usize - 1],
        }
    }
}

fn hash_id(id: &VulnId) -> u64 {
    use std::hash::BuildHasher;
    FxBuildHasher.hash_one(id.as_str())
}

fn find(parent: &mut [u32], mut n: u32) -> u32 {
    while parent[n as usize] != n {
        let grand = parent[parent[n as usize] as usize];
        parent[n as usize] = grand;
        n = grand;
    }
    n
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

/// Whether `incoming` is an older copy than `held` (both dated, and earlier).
fn is_older(incoming: &Record, held: &Record) -> bool {
    matches!((incoming.modified, held.modified), (Some(a), Some(b)) if a < b)
}

/// CVE ids first (by year, then number), then GHSA ids, then the rest; ties
/// by text.
fn canonical_order(a: &VulnId, b: &VulnId) -> Ordering {
    fn rank(id: &VulnId) -> (u8, u32, u64) {
        if id.is_cve() {
            let mut parts = id.as_str()[4..].split('-');
            let year = parts
                .next()
                .and_then(|y| y.parse().ok())
                .unwrap_or(u32::MAX);
            let number = parts
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(u64::MAX);
            (0, year, number)
        } else if id.prefix() == "GHSA" {
            (1, 0, 0)
        } else {
            (2, 0, 0)
        }
    }
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
}

/// Counts over an [`AdvisoryDb`] (the `yata feed stats` JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Merged vulnerabilities.
    pub vulnerabilities: usize,
    /// Records contributed by each source.
    pub by_source: BTreeMap<&'static str, usize>,
    /// Vulnerabilities with at least one affected package in each ecosystem
    /// (as the advisories write it).
    pub by_ecosystem: BTreeMap<String, usize>,
    /// Vulnerabilities in the KEV catalog (or marked KEV by CISA's ADP).
    pub kev: usize,
    /// Vulnerabilities with an EPSS score.
    pub with_epss: usize,
    /// Vulnerabilities withdrawn by every source that describes them.
    pub withdrawn: usize,
}

/// A vulnerability together with the store, to read its records.
#[derive(Debug, Clone, Copy)]
pub struct VulnView<'a> {
    db: &'a AdvisoryDb,
    vuln: &'a Vulnerability,
}

/// The order in which sources are asked for a summary: the most concise
/// writers first.
const SUMMARY_ORDER: &[SourceKind] = &[
    SourceKind::Osv,
    SourceKind::Rustsec,
    SourceKind::Csaf,
    SourceKind::Cve5,
    SourceKind::Jvn,
    SourceKind::Kev,
];

/// The order in which sources are asked for details: the CNA's description
/// first.
const DETAILS_ORDER: &[SourceKind] = &[
    SourceKind::Cve5,
    SourceKind::Osv,
    SourceKind::Rustsec,
    SourceKind::Csaf,
    SourceKind::Jvn,
    SourceKind::Kev,
];

/// Sources whose records can be withdrawn; KEV and EPSS only add signals.
const DESCRIBING: &[SourceKind] = &[
    SourceKind::Osv,
    SourceKind::Rustsec,
    SourceKind::Cve5,
    SourceKind::Csaf,
    SourceKind::Jvn,
];

impl<'a> VulnView<'a> {
    pub fn id(&self) -> &'a VulnId {
        &self.vuln.id
    }

    /// Every other id, canonical order.
    pub fn aliases(&self) -> &'a [VulnId] {
        &self.vuln.aliases
    }

    /// The records describing this vulnerability, by `(source, id)`.
    pub fn records(&self) -> impl Iterator<Item = &'a Record> + use<'a> {
        let db = self.db;
        self.vuln
            .records
            .iter()
            .map(move |&i| &db.records[i as usize])
    }

    /// When the vulnerability was withdrawn: when every record of a
    /// describing source (OSV, RustSec, CVE-5, CSAF, JVN) is withdrawn, the
    /// latest of their withdrawal times. A vulnerability known only from KEV
    /// or EPSS is never withdrawn.
    pub fn withdrawn(&self) -> Option<Timestamp> {
        let mut latest = None;
        for r in self.records().filter(|r| DESCRIBING.contains(&r.source)) {
            let w = r.withdrawn?;
            latest = latest.max(Some(w));
        }
        latest
    }

    fn first<T>(
        &self,
        order: &[SourceKind],
        pick: impl Fn(&'a Record) -> Option<T>,
    ) -> Option<Sourced<'a, T>> {
        order.iter().find_map(|&source| {
            self.records()
                .filter(|r| r.source == source)
                .find_map(|r| pick(r).map(|value| Sourced::new(r, value)))
        })
    }

    /// The summary, from the first source (in a fixed order) that has one.
    pub fn summary(&self) -> Option<Sourced<'a, &'a str>> {
        self.first(SUMMARY_ORDER, |r| {
            r.summary.as_deref().filter(|s| !s.is_empty())
        })
    }

    /// The details, from the first source (in a fixed order) that has them.
    pub fn details(&self) -> Option<Sourced<'a, &'a str>> {
        self.first(DETAILS_ORDER, |r| {
            r.details.as_deref().filter(|s| !s.is_empty())
        })
    }

    /// The KEV entry: the catalog's own when present, else CISA ADP's marker.
    pub fn kev(&self) -> Option<Sourced<'a, &'a yata_model::Kev>> {
        self.first(&[SourceKind::Kev, SourceKind::Cve5, SourceKind::Osv], |r| {
            r.kev.as_ref()
        })
    }

    /// The most recent EPSS score.
    pub fn epss(&self) -> Option<Sourced<'a, &'a yata_model::Epss>> {
        self.records()
            .filter_map(|r| r.epss.as_ref().map(|e| Sourced::new(r, e)))
            .max_by_key(|s| s.value.date)
    }

    /// The most recent SSVC decision points.
    pub fn ssvc(&self) -> Option<Sourced<'a, &'a yata_model::Ssvc>> {
        self.records()
            .filter_map(|r| r.ssvc.as_ref().map(|s| Sourced::new(r, s)))
            .max_by_key(|s| s.value.timestamp)
    }

    /// The merged record as JSON (`yata vuln show`): every fact with the
    /// source and record id that gave it.
    pub fn to_json(&self) -> serde_json::Value {
        let published = self
            .records()
            .filter_map(|r| r.published.map(|t| Sourced::new(r, t)))
            .min_by_key(|s| s.value);
        let modified = self
            .records()
            .filter_map(|r| r.modified.map(|t| Sourced::new(r, t)))
            .max_by_key(|s| s.value);
        let mut cwes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in self.records() {
            for c in &r.cwes {
                cwes.entry(c).or_default().insert(r.source.as_str());
            }
        }
        let facts = |f: &dyn Fn(&'a Record) -> Vec<serde_json::Value>| -> Vec<serde_json::Value> {
            self.records()
                .flat_map(|r| {
                    f(r).into_iter().map(move |mut v| {
                        if let serde_json::Value::Object(m) = &mut v {
                            m.insert("source".into(), r.source.as_str().into());
                            m.insert("record".into(), r.id.as_str().into());
                            m.insert(
                                "as_of".into(),
                                serde_json::to_value(r.modified).unwrap_or_default(),
                            );
                        }
                        v
                    })
                })
                .collect()
        };
        let json = |v: &dyn erased::Ser| v.to_value();
        serde_json::json!({
            "id": self.id(),
            "aliases": self.aliases(),
            "withdrawn": self.withdrawn(),
            "summary": self.summary(),
            "details": self.details(),
            "published": published,
            "modified": modified,
            "severities": facts(&|r| r.severities.iter().map(|s| json(s)).collect()),
            "cwes": cwes.iter().map(|(id, sources)| serde_json::json!({"id": id, "sources": sources})).collect::<Vec<_>>(),
            "references": facts(&|r| r.references.iter().map(|x| json(x)).collect()),
            "packages": facts(&|r| r.packages.iter().map(|x| json(x)).collect()),
            "products": facts(&|r| r.products.iter().map(|x| json(x)).collect()),
            "kev": self.kev(),
            "ssvc": self.ssvc(),
            "epss": self.epss(),
            "records": self.records().map(|r| serde_json::json!({
                "source": r.source,
                "document": r.document,
                "id": r.id,
                "aliases": r.aliases,
                "modified": r.modified,
                "withdrawn": r.withdrawn,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Serialising a borrowed fact to a JSON value, object-safely.
mod erased {
    pub(super) trait Ser {
        fn to_value(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

/// A fact with the source and record that stated it, and when the source
/// last changed that record.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sourced<'a, T> {
    pub value: T,
    pub source: SourceKind,
    pub record: &'a VulnId,
    pub as_of: Option<Timestamp>,
}

impl<'a, T> Sourced<'a, T> {
    fn new(record: &'a Record, value: T) -> Self {
        Sourced {
            value,
            source: record.source,
            record: &record.id,
            as_of: record.modified,
        }
    }
}
