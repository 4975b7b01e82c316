//! The inverted index of incident indicators (DESIGN.md flow 6): for the
//! national cyber office, which other reports share indicators with this
//! one ([`Correlator::related`]), which reports form campaigns, across
//! sectors ([`Correlator::clusters`]), and when each indicator was first and
//! last seen ([`Correlator::indicator`]).
//!
//! * **No pairs.** The index maps each distinct indicator to the reports
//!   carrying it (its *postings*) and each report to its indicators; it never
//!   holds report pairs. Memory grows with the number of indicator
//!   occurrences, and every query's work is bounded by the postings it
//!   reads: `related` by the postings of one report's indicators,
//!   `clusters` by all postings once (union-find), never by pairs.
//! * **What links.** Two reports are linked when they share an indicator
//!   that *links*: one not on the known-benign list ([`Benign`]) and carried
//!   by at most [`Config::common_limit`] reports. The second rule, the
//!   common-value guard, keeps `related` bounded (at most `common_limit`
//!   postings per indicator read) and keeps a value that everyone sees (a
//!   popular installer's hash, a resolver missing from the list) from
//!   joining every campaign into one. Benign and common values are still
//!   indexed: [`Correlator::indicator`] answers for them.
//! * **Visibility.** The caller says which reports the asker may see
//!   (`visible`); nothing else is returned, and `clusters` links only
//!   through visible reports, so an invisible report neither appears nor
//!   joins two visible ones. `related` lists the asker's own report's
//!   indicators as the shared ones.
//! * **Values.** Indicators arrive as (kind, value) in normalised form, as
//!   [`yata_indicator::Indicator`] gives and the store keeps them; the index
//!   does not normalise again (rebuilding from the store would parse every
//!   value), so an unnormalised value simply meets no normalised one.
//!   Timestamps are microseconds since the epoch, passed in: the index keeps
//!   no clock.
//!
//! # Layout
//!
//! Each distinct (kind, value) is stored once: its text in one string arena,
//! a 16-byte record (arena offset with the kind and benign flag packed in,
//! length, postings word), and a `u32` in a hash table keyed by the text.
//! The postings word is the report slot itself when one report carries the
//! value (most values), or the index of a sorted `Vec<u32>` of slots when
//! several do. A report holds its indicators' ids (sorted) and each one's
//! first and last seen; a value carried by several reports keeps their
//! earliest first and latest last seen beside its slots, counted again from
//! its reports only when the report that set one of them leaves or narrows
//! it. Values no report carries any more are freed and their ids
//! reused; the arena is compacted when half of it is dead. Measured figures
//! are in `benches/correlate.rs`.
//!
//! Pure and in-memory: no IO, no async, no clock.

#![forbid(unsafe_code)]

mod benign;

use std::cmp::Reverse;
use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use yata_indicator::{Indicator, Kind};

pub use benign::{Benign, DEFAULT_LIST};

/// The store's numeric key of an incident report.
pub type ReportId = u64;

/// Longest indicator value accepted ([`yata_indicator::MAX_LEN`]).
pub const MAX_VALUE_LEN: usize = yata_indicator::MAX_LEN;

/// Most reports one index holds (report slots are 31-bit).
pub const MAX_REPORTS: usize = (MANY - 1) as usize;

/// Why the index refused an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of a benign list ([`Benign::parse`]), counted from 1.
    #[error("benign list: line {line}: {message}")]
    Benign { line: usize, message: String },
    /// An indicator of [`Correlator::upsert`], by its position in the list.
    #[error("report {report}: indicators[{index}]: empty value")]
    EmptyValue { report: ReportId, index: usize },
    #[error("report {report}: indicators[{index}]: value longer than {MAX_VALUE_LEN} bytes")]
    ValueTooLong { report: ReportId, index: usize },
    #[error("report {report}: the index already holds its maximum of {MAX_REPORTS} reports")]
    Full { report: ReportId },
}

/// One indicator of a report, with when the report saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting<'a> {
    pub kind: Kind,
    /// The normalised value.
    pub value: &'a str,
    /// Microseconds since the epoch. If `first_seen > last_seen`, the two
    /// are swapped.
    pub first_seen: i64,
    pub last_seen: i64,
}

impl<'a> Sighting<'a> {
    pub fn new(indicator: &'a Indicator, first_seen: i64, last_seen: i64) -> Sighting<'a> {
        Sighting {
            kind: indicator.kind(),
            value: indicator.value(),
            first_seen,
            last_seen,
        }
    }
}

/// An indicator held by the index, borrowed from it. Ordered by kind, then
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorRef<'a> {
    pub kind: Kind,
    pub value: &'a str,
}

/// A report that shares linking indicators with the one asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related<'a> {
    pub report: ReportId,
    pub group: u32,
    /// The shared linking indicators (never benign or common ones), sorted.
    pub shared: Vec<IndicatorRef<'a>>,
}

/// What [`Correlator::clusters`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterQuery {
    /// Fewest reports in a cluster returned.
    pub min_size: usize,
    /// Fewest distinct groups (sectors) among a cluster's reports: 2 asks
    /// for campaigns across sectors.
    pub min_groups: usize,
    /// Most linking indicators listed per cluster (all are counted).
    pub max_indicators: usize,
}

impl Default for ClusterQuery {
    /// Clusters of two or more reports, any groups, 20 indicators listed.
    fn default() -> ClusterQuery {
        ClusterQuery {
            min_size: 2,
            min_groups: 1,
            max_indicators: 20,
        }
    }
}

/// A connected component of visible reports linked by shared linking
/// indicators (transitively: A–B and B–C make A, B and C one cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster<'a> {
    /// Sorted.
    pub reports: Vec<ReportId>,
    /// The distinct groups of its reports, sorted.
    pub groups: Vec<u32>,
    /// Its linking indicators (carried by two or more of its reports), most
    /// reports first, then by indicator; at most
    /// [`ClusterQuery::max_indicators`].
    pub indicators: Vec<Link<'a>>,
    /// How many linking indicators it has in all.
    pub indicator_count: usize,
}

/// A linking indicator of a cluster and how many of its reports carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    pub indicator: IndicatorRef<'a>,
    pub reports: usize,
}

/// An indicator's figures over all reports carrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorStats {
    pub reports: usize,
    pub first_seen: i64,
    pub last_seen: i64,
    /// On the benign list: it links nothing.
    pub benign: bool,
    /// Carried by more than [`Config::common_limit`] reports: it links
    /// nothing while that lasts.
    pub common: bool,
}

/// How the index decides what links reports.
#[derive(Debug, Clone)]
pub struct Config {
    pub benign: Benign,
    /// An indicator carried by more reports than this links none of them.
    pub common_limit: usize,
}

impl Default for Config {
    /// The built-in benign list; common above 10,000 reports.
    fn default() -> Config {
        Config {
            benign: Benign::default(),
            common_limit: 10_000,
        }
    }
}

/// The postings word of a value nobody carries (a freed value).
const NONE: u32 = u32::MAX;
/// Set in a postings word that indexes `Correlator::many`.
const MANY: u32 = 1 << 31;
/// Arena offsets are 48 bits; the kind code and the benign flag sit above.
const OFFSET_BITS: u32 = 48;
const BENIGN_BIT: u64 = 1 << 56;

/// One distinct (kind, value).
#[derive(Debug, Clone, Copy)]
struct Value {
    /// Arena offset (bits 0–47), kind code (48–55), benign flag (56).
    meta: u64,
    len: u32,
    /// `NONE`, a report slot, or `MANY | index into Correlator::many`.
    postings: u32,
}

impl Value {
    fn start(self) -> usize {
        (self.meta & ((1 << OFFSET_BITS) - 1)) as usize
    }
    fn kind_code(self) -> u8 {
        (self.meta >> OFFSET_BITS) as u8
    }
    fn benign(self) -> bool {
        self.meta & BENIGN_BIT != 0
    }
}

/// The postings of a value carried by two or more reports.
#[derive(Debug, Default)]
struct Many {
    /// Report slots, sorted.
    slots: Vec<u32>,
    /// The earliest first seen and latest last seen over them.
    seen: [i64; 2],
}

#[derive(Debug, Default)]
struct Report {
    id: ReportId,
    group: u32,
    live: bool,
    /// Value ids, sorted, distinct.
    values: Box<[u32]>,
    /// `[first_seen, last_seen]` of each of `values`.
    seen: Box<[[i64; 2]]>,
}

/// The inverted index. See the crate docs.
#[derive(Debug)]
pub struct Correlator {
    benign: Benign,
    common_limit: usize,
    /// Every live value's text, back to back (dead ones until compaction).
    text: String,
    dead_text: usize,
    values: Vec<Value>,
    free_values: Vec<u32>,
    /// Value ids hashed by (kind code, text).
    index: HashTable<u32>,
    /// Postings of values carried by two or more reports.
    many: Vec<Many>,
    free_many: Vec<u32>,
    reports: Vec<Report>,
    free_reports: Vec<u32>,
    slots: FxHashMap<ReportId, u32>,
    postings: usize,
}

impl Default for Correlator {
    fn default() -> Correlator {
        Correlator::new(Config::default())
    }
}

fn hash_key(kind: u8, text: &str) -> u64 {
    FxBuildHasher.hash_one((kind, text))
}

fn kind_of(code: u8) -> Kind {
    Kind::ALL[usize::from(code)]
}

fn text_of(text: &str, v: Value) -> &str {
    &text[v.start()..v.start() + v.len as usize]
}

impl Correlator {
    pub fn new(config: Config) -> Correlator {
        Correlator {
            benign: config.benign,
            common_limit: config.common_limit,
            text: String::new(),
            dead_text: 0,
            values: Vec::new(),
            free_values: Vec::new(),
            index: HashTable::new(),
            many: Vec::new(),
            free_many: Vec::new(),
            reports: Vec::new(),
            free_reports: Vec::new(),
            slots: FxHashMap::default(),
            postings: 0,
        }
    }

    /// Makes room for `reports` more reports carrying `values` more distinct
    /// values of `text_bytes` bytes in all: a rebuild from the store that
    /// knows its counts avoids the growth copies (and their peak memory).
    pub fn reserve(&mut self, reports: usize, values: usize, text_bytes: usize) {
        self.reports.reserve(reports);
        self.slots.reserve(reports);
        self.values.reserve(values);
        let (held, text) = (&self.values, &self.text);
        self.index.reserve(values, |&id| {
            let v = held[id as usize];
            hash_key(v.kind_code(), text_of(text, v))
        });
        self.text.reserve(text_bytes);
    }

    /// Gives back spare capacity (after a rebuild).
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.values.shrink_to_fit();
        self.free_values.shrink_to_fit();
        let (values, text) = (&self.values, &self.text);
        self.index.shrink_to_fit(|&id| {
            let v = values[id as usize];
            hash_key(v.kind_code(), text_of(text, v))
        });
        self.many.shrink_to_fit();
        self.free_many.shrink_to_fit();
        self.reports.shrink_to_fit();
        self.free_reports.shrink_to_fit();
        self.slots.shrink_to_fit();
    }

    /// Files `report` (of `group`, e.g. its sector's code) with exactly
    /// `indicators`, replacing whatever it had: links through values it no
    /// longer carries are gone. The same value twice is one, seen from the
    /// earlier first to the later last. On error nothing changes.
    pub fn upsert<'a>(
        &mut self,
        report: ReportId,
        group: u32,
        indicators: impl IntoIterator<Item = Sighting<'a>>,
    ) -> Result<(), Error> {
        let sightings: Vec<Sighting<'a>> = indicators.into_iter().collect();
        for (index, s) in sightings.iter().enumerate() {
            if s.value.is_empty() {
                return Err(Error::EmptyValue { report, index });
            }
            if s.value.len() > MAX_VALUE_LEN {
                return Err(Error::ValueTooLong { report, index });
            }
        }
        let existing = self.slots.get(&report).copied();
        if existing.is_none() && self.free_reports.is_empty() && self.reports.len() >= MAX_REPORTS {
            return Err(Error::Full { report });
        }
        let mut new: Vec<(u32, [i64; 2])> = sightings
            .iter()
            .map(|s| {
                let seen = [s.first_seen.min(s.last_seen), s.first_seen.max(s.last_seen)];
                (self.intern(s.kind, s.value), seen)
            })
            .collect();
        new.sort_unstable_by_key(|e| e.0);
        new.dedup_by(|later, kept| {
            if later.0 != kept.0 {
                return false;
            }
            kept.1 = [kept.1[0].min(later.1[0]), kept.1[1].max(later.1[1])];
            true
        });

        let slot = match existing {
            Some(slot) => slot,
            None => {
                let slot = match self.free_reports.pop() {
                    Some(slot) => slot,
                    None => {
                        self.reports.push(Report::default());
                        (self.reports.len() - 1) as u32
                    }
                };
                self.slots.insert(report, slot);
                slot
            }
        };
        let old = std::mem::take(&mut self.reports[slot as usize].values);
        let old_seen = std::mem::take(&mut self.reports[slot as usize].seen);
        self.postings -= old.len();
        self.postings += new.len();
        // Values whose first/last seen over several reports must be counted
        // again once this report is written.
        let mut recount = Vec::new();
        // Old and new are sorted: one merge finds what to drop and to add.
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < new.len() {
            match (old.get(i), new.get(j)) {
                (Some(&o), Some(&(n, seen))) if o == n => {
                    if seen != old_seen[i] {
                        self.change_seen(n, old_seen[i], seen, &mut recount);
                    }
                    i += 1;
                    j += 1;
                }
                (Some(&o), Some(&(n, _))) if o < n => {
                    self.remove_posting(o, slot, old_seen[i], &mut recount);
                    i += 1;
                }
                (Some(&o), None) => {
                    self.remove_posting(o, slot, old_seen[i], &mut recount);
                    i += 1;
                }
                (_, Some(&(n, seen))) => {
                    self.add_posting(n, slot, seen);
                    j += 1;
                }
                (None, None) => unreachable!(),
            }
        }
        let r = &mut self.reports[slot as usize];
        r.id = report;
        r.group = group;
        r.live = true;
        r.values = new.iter().map(|e| e.0).collect();
        r.seen = new.iter().map(|e| e.1).collect();
        self.recount(recount);
        self.maybe_compact();
        Ok(())
    }

    /// Removes `report` and its links. Whether it was held.
    pub fn remove(&mut self, report: ReportId) -> bool {
        let Some(slot) = self.slots.remove(&report) else {
            return false;
        };
        let r = std::mem::take(&mut self.reports[slot as usize]);
        self.postings -= r.values.len();
        let mut recount = Vec::new();
        for (&v, &seen) in r.values.iter().zip(&r.seen) {
            self.remove_posting(v, slot, seen, &mut recount);
        }
        self.recount(recount);
        self.free_reports.push(slot);
        self.maybe_compact();
        true
    }

    /// The id of (kind, value), created with no postings if new.
    fn intern(&mut self, kind: Kind, value: &str) -> u32 {
        let code = kind as u8;
        let hash = hash_key(code, value);
        let (values, text) = (&self.values, &self.text);
        let found = self.index.find(hash, |&id| {
            let v = values[id as usize];
            v.kind_code() == code && text_of(text, v) == value
        });
        if let Some(&id) = found {
            return id;
        }
        let mut meta = self.text.len() as u64 | (u64::from(code) << OFFSET_BITS);
        if self.benign.contains(kind, value) {
            meta |= BENIGN_BIT;
        }
        self.text.push_str(value);
        let record = Value {
            meta,
            len: value.len() as u32,
            postings: NONE,
        };
        let id = match self.free_values.pop() {
            Some(id) => {
                self.values[id as usize] = record;
                id
            }
            None => {
                self.values.push(record);
                (self.values.len() - 1) as u32
            }
        };
        let (values, text) = (&self.values, &self.text);
        self.index.insert_unique(hash, id, |&id| {
            let v = values[id as usize];
            hash_key(v.kind_code(), text_of(text, v))
        });
        id
    }

    /// When the report in `slot` saw `value` (which it carries).
    fn seen_by(&self, slot: u32, value: u32) -> [i64; 2] {
        let r = &self.reports[slot as usize];
        r.values
            .binary_search(&value)
            .map_or([i64::MAX, i64::MIN], |i| r.seen[i])
    }

    fn add_posting(&mut self, value: u32, slot: u32, seen: [i64; 2]) {
        let word = self.values[value as usize].postings;
        if word == NONE {
            self.values[value as usize].postings = slot;
        } else if word & MANY == 0 {
            let other = self.seen_by(word, value);
            let many = Many {
                slots: if word < slot {
                    vec![word, slot]
                } else {
                    vec![slot, word]
                },
                seen: widen(other, seen),
            };
            let at = match self.free_many.pop() {
                Some(at) => {
                    self.many[at as usize] = many;
                    at
                }
                None => {
                    self.many.push(many);
                    (self.many.len() - 1) as u32
                }
            };
            self.values[value as usize].postings = MANY | at;
        } else {
            let many = &mut self.many[(word & !MANY) as usize];
            if let Err(at) = many.slots.binary_search(&slot) {
                many.slots.insert(at, slot);
            }
            many.seen = widen(many.seen, seen);
        }
    }

    /// `slot` no longer carries `value`, which it saw `seen`.
    fn remove_posting(&mut self, value: u32, slot: u32, seen: [i64; 2], recount: &mut Vec<u32>) {
        let word = self.values[value as usize].postings;
        if word & MANY == 0 {
            debug_assert_eq!(word, slot);
            self.free_value(value);
            return;
        }
        let at = word & !MANY;
        let many = &mut self.many[at as usize];
        if let Ok(i) = many.slots.binary_search(&slot) {
            many.slots.remove(i);
        }
        if many.slots.len() == 1 {
            self.values[value as usize].postings = many.slots[0];
            self.many[at as usize] = Many::default();
            self.free_many.push(at);
        } else if seen[0] == many.seen[0] || seen[1] == many.seen[1] {
            recount.push(value);
        }
    }

    /// The report carrying `value` saw it `old`, now `new`.
    fn change_seen(&mut self, value: u32, old: [i64; 2], new: [i64; 2], recount: &mut Vec<u32>) {
        let word = self.values[value as usize].postings;
        if word & MANY == 0 {
            return;
        }
        let many = &mut self.many[(word & !MANY) as usize];
        if (old[0] == many.seen[0] && new[0] > old[0])
            || (old[1] == many.seen[1] && new[1] < old[1])
        {
            recount.push(value);
        } else {
            many.seen = widen(many.seen, new);
        }
    }

    /// Counts the first/last seen of values carried by several reports
    /// again, from their reports (after one of them narrowed or left).
    fn recount(&mut self, values: Vec<u32>) {
        for value in values {
            let word = self.values[value as usize].postings;
            if word == NONE || word & MANY == 0 {
                continue;
            }
            let at = (word & !MANY) as usize;
            let seen = self.many[at]
                .slots
                .iter()
                .fold([i64::MAX, i64::MIN], |acc, &s| {
                    widen(acc, self.seen_by(s, value))
                });
            self.many[at].seen = seen;
        }
    }

    fn free_value(&mut self, id: u32) {
        let v = self.values[id as usize];
        let hash = hash_key(v.kind_code(), text_of(&self.text, v));
        if let Ok(entry) = self.index.find_entry(hash, |&x| x == id) {
            entry.remove();
        }
        self.dead_text += v.len as usize;
        self.values[id as usize] = Value {
            meta: 0,
            len: 0,
            postings: NONE,
        };
        self.free_values.push(id);
    }

    /// Rewrites the arena without dead text once half of it is dead.
    fn maybe_compact(&mut self) {
        if self.dead_text < 4096 || self.dead_text * 2 < self.text.len() {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.dead_text);
        for v in &mut self.values {
            if v.postings == NONE {
                continue;
            }
            let start = text.len() as u64;
            text.push_str(&self.text[v.start()..v.start() + v.len as usize]);
            v.meta = (v.meta & !((1 << OFFSET_BITS) - 1)) | start;
        }
        self.text = text;
        self.dead_text = 0;
    }

    fn postings_of(&self, value: u32) -> &[u32] {
        let word = &self.values[value as usize].postings;
        if *word == NONE {
            &[]
        } else if word & MANY != 0 {
            &self.many[(word & !MANY) as usize].slots
        } else {
            std::slice::from_ref(word)
        }
    }

    /// Whether `value` links the reports carrying it.
    fn links(&self, value: u32) -> bool {
        let v = self.values[value as usize];
        // Carried by two reports or more (a postings list), not benign, not
        // common.
        v.postings != NONE
            && v.postings & MANY != 0
            && !v.benign()
            && self.postings_of(value).len() <= self.common_limit
    }

    fn indicator_ref(&self, value: u32) -> IndicatorRef<'_> {
        let v = self.values[value as usize];
        IndicatorRef {
            kind: kind_of(v.kind_code()),
            value: text_of(&self.text, v),
        }
    }

    fn find(&self, kind: Kind, value: &str) -> Option<u32> {
        let code = kind as u8;
        self.index
            .find(hash_key(code, value), |&id| {
                let v = self.values[id as usize];
                v.kind_code() == code && text_of(&self.text, v) == value
            })
            .copied()
    }

    /// The reports sharing linking indicators with `report` for which
    /// `visible` holds, most shared indicators first, then by id; at most
    /// `limit`. Reads the postings of `report`'s linking indicators only
    /// (at most [`Config::common_limit`] each).
    pub fn related(
        &self,
        report: ReportId,
        visible: impl Fn(ReportId) -> bool,
        limit: usize,
    ) -> Vec<Related<'_>> {
        let Some(&slot) = self.slots.get(&report) else {
            return Vec::new();
        };
        let mine = &self.reports[slot as usize];
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for &v in &mine.values {
            if self.links(v) {
                for &other in self.postings_of(v) {
                    if other != slot {
                        *counts.entry(other).or_default() += 1;
                    }
                }
            }
        }
        let mut hits: Vec<(Reverse<u32>, ReportId, u32)> = counts
            .into_iter()
            .map(|(other, n)| (Reverse(n), self.reports[other as usize].id, other))
            .filter(|&(_, id, _)| visible(id))
            .collect();
        hits.sort_unstable();
        hits.truncate(limit);
        hits.into_iter()
            .map(|(_, id, other)| {
                let theirs = &self.reports[other as usize];
                let mut shared: Vec<IndicatorRef<'_>> =
                    sorted_intersection(&mine.values, &theirs.values)
                        .filter(|&v| self.links(v))
                        .map(|v| self.indicator_ref(v))
                        .collect();
                shared.sort_unstable();
                Related {
                    report: id,
                    group: theirs.group,
                    shared,
                }
            })
            .collect()
    }

    /// The clusters of visible reports (connected components of the
    /// "shares a linking indicator" relation among them) that `query`
    /// asks for: largest first, then by most groups, then by lowest report
    /// id. One union-find pass over all postings.
    pub fn clusters(
        &self,
        query: &ClusterQuery,
        visible: impl Fn(ReportId) -> bool,
    ) -> Vec<Cluster<'_>> {
        let n = self.reports.len();
        let shown: Vec<bool> = self
            .reports
            .iter()
            .map(|r| r.live && visible(r.id))
            .collect();
        let mut sets = UnionFind::new(n);
        for value in 0..self.values.len() as u32 {
            if self.links(value) {
                let mut seen = self
                    .postings_of(value)
                    .iter()
                    .filter(|&&s| shown[s as usize]);
                if let Some(&first) = seen.next() {
                    for &s in seen {
                        sets.union(first, s);
                    }
                }
            }
        }
        // Component roots → cluster numbers, for the components wanted.
        let mut size = vec![0u32; n];
        for s in 0..n as u32 {
            if shown[s as usize] {
                size[sets.find(s) as usize] += 1;
            }
        }
        let mut number = vec![u32::MAX; n];
        let mut members: Vec<Vec<u32>> = Vec::new();
        for s in 0..n as u32 {
            if !shown[s as usize] {
                continue;
            }
            let root = sets.find(s) as usize;
            if (size[root] as usize) < query.min_size.max(1) {
                continue;
            }
            if number[root] == u32::MAX {
                number[root] = members.len() as u32;
                members.push(Vec::with_capacity(size[root] as usize));
            }
            members[number[root] as usize].push(s);
        }
        let mut links: Vec<Vec<(u32, usize)>> = vec![Vec::new(); members.len()];
        for value in 0..self.values.len() as u32 {
            if self.links(value) {
                let mut carriers = self
                    .postings_of(value)
                    .iter()
                    .filter(|&&s| shown[s as usize]);
                if let Some(&first) = carriers.next() {
                    let count = 1 + carriers.count();
                    let c = number[sets.find(first) as usize];
                    if count >= 2 && c != u32::MAX {
                        links[c as usize].push((value, count));
                    }
                }
            }
        }
        let mut clusters: Vec<Cluster<'_>> = members
            .into_iter()
            .zip(links)
            .map(|(slots, links)| self.cluster(&slots, links, query.max_indicators))
            .filter(|c| c.groups.len() >= query.min_groups)
            .collect();
        clusters.sort_by(|a, b| {
            (
                Reverse(a.reports.len()),
                Reverse(a.groups.len()),
                a.reports[0],
            )
                .cmp(&(
                    Reverse(b.reports.len()),
                    Reverse(b.groups.len()),
                    b.reports[0],
                ))
        });
        clusters
    }

    /// The cluster of `report` among visible reports (itself alone if it
    /// shares nothing), or `None` if it is not held or not visible. Reads
    /// only the postings of the cluster's own indicators.
    pub fn cluster_of(
        &self,
        report: ReportId,
        max_indicators: usize,
        visible: impl Fn(ReportId) -> bool,
    ) -> Option<Cluster<'_>> {
        let &start = self.slots.get(&report)?;
        if !visible(report) {
            return None;
        }
        let mut shown: FxHashMap<u32, bool> = FxHashMap::default();
        let mut is_shown = |s: u32| {
            *shown
                .entry(s)
                .or_insert_with(|| visible(self.reports[s as usize].id))
        };
        let mut members = vec![start];
        let mut in_cluster: FxHashSet<u32> = FxHashSet::from_iter([start]);
        let mut done_values: FxHashSet<u32> = FxHashSet::default();
        let mut links = Vec::new();
        let mut next = 0;
        while let Some(&slot) = members.get(next) {
            next += 1;
            for &v in &self.reports[slot as usize].values {
                if !self.links(v) || !done_values.insert(v) {
                    continue;
                }
                let mut count = 0;
                for &other in self.postings_of(v) {
                    if is_shown(other) {
                        count += 1;
                        if in_cluster.insert(other) {
                            members.push(other);
                        }
                    }
                }
                if count >= 2 {
                    links.push((v, count));
                }
            }
        }
        Some(self.cluster(&members, links, max_indicators))
    }

    fn cluster(&self, slots: &[u32], mut links: Vec<(u32, usize)>, max: usize) -> Cluster<'_> {
        let mut reports: Vec<ReportId> =
            slots.iter().map(|&s| self.reports[s as usize].id).collect();
        reports.sort_unstable();
        let mut groups: Vec<u32> = slots
            .iter()
            .map(|&s| self.reports[s as usize].group)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        let indicator_count = links.len();
        let key = |&(v, n): &(u32, usize)| (Reverse(n), self.indicator_ref(v));
        if links.len() > max {
            links.select_nth_unstable_by_key(max, key);
            links.truncate(max);
        }
        links.sort_unstable_by_key(key);
        Cluster {
            reports,
            groups,
            indicators: links
                .into_iter()
                .map(|(v, n)| Link {
                    indicator: self.indicator_ref(v),
                    reports: n,
                })
                .collect(),
            indicator_count,
        }
    }

    /// An indicator's figures over all reports carrying it (benign and
    /// common ones included), or `None` if no report does.
    pub fn indicator(&self, kind: Kind, value: &str) -> Option<IndicatorStats> {
        let id = self.find(kind, value)?;
        let postings = self.postings_of(id);
        let word = self.values[id as usize].postings;
        let [first_seen, last_seen] = if word & MANY == 0 {
            self.seen_by(word, id)
        } else {
            self.many[(word & !MANY) as usize].seen
        };
        Some(IndicatorStats {
            reports: postings.len(),
            first_seen,
            last_seen,
            benign: self.values[id as usize].benign(),
            common: postings.len() > self.common_limit,
        })
    }

    /// The reports carrying an indicator, sorted (all of them: the caller
    /// filters by visibility).
    pub fn reports_with(&self, kind: Kind, value: &str) -> Vec<ReportId> {
        let mut ids: Vec<ReportId> = self
            .find(kind, value)
            .map(|id| self.postings_of(id))
            .unwrap_or_default()
            .iter()
            .map(|&s| self.reports[s as usize].id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Whether `report` is held.
    pub fn contains(&self, report: ReportId) -> bool {
        self.slots.contains_key(&report)
    }

    /// The reports held.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The distinct indicators held.
    pub fn indicator_count(&self) -> usize {
        self.values.len() - self.free_values.len()
    }

    /// The indicator occurrences held (report–indicator pairs).
    pub fn posting_count(&self) -> usize {
        self.postings
    }

    /// The index's own heap allocations, approximately (capacities, hash
    /// tables by bucket count, each boxed list; allocator overhead not
    /// counted).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let table = |capacity: usize, item: usize| {
            if capacity == 0 {
                0
            } else {
                let buckets = (capacity * 8 / 7).next_power_of_two().max(4);
                buckets * (item + 1) + 16
            }
        };
        self.benign.heap_bytes()
            + self.text.capacity()
            + self.values.capacity() * size_of::<Value>()
            + self.free_values.capacity() * 4
            + table(self.index.capacity(), 4)
            + self.many.capacity() * size_of::<Many>()
            + self
                .many
                .iter()
                .map(|m| m.slots.capacity() * 4)
                .sum::<usize>()
            + self.free_many.capacity() * 4
            + self.reports.capacity() * size_of::<Report>()
            + self
                .reports
                .iter()
                .map(|r| r.values.len() * 4 + r.seen.len() * 16)
                .sum::<usize>()
            + self.free_reports.capacity() * 4
            + table(self.slots.capacity(), size_of::<(ReportId, u32)>())
    }
}

/// The earliest first and latest last of two sightings.
fn widen(a: [i64; 2], b: [i64; 2]) -> [i64; 2] {
    [a[0].min(b[0]), a[1].max(b[1])]
}

/// The common elements of two sorted lists.
fn sorted_intersection<'a>(a: &'a [u32], b: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    return Some(a[i - 1]);
                }
            }
        }
        None
    })
}

/// Disjoint sets over report slots: union by size, path halving.
struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a as usize] >= self.size[b as usize] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind_of(kind as u8), kind);
        }
    }
}
