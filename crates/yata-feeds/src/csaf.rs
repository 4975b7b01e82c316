//! CSAF 2.0 documents (every profile: security advisories, VEX,
//! informational advisories, incident responses, `csaf_base`) to one
//! [`Record`] per entry of `vulnerabilities[]`.
//!
//! This is a tolerant importer, not a validator (the CSAF validator is its
//! own crate): it takes what it can use and reports, located by JSON Pointer,
//! what it cannot. A vulnerability of the wrong shape costs its own record
//! only; a reference to a product or group id the product tree does not
//! define costs that reference only.
//!
//! How a vulnerability becomes a record:
//!
//! * **id**: its `cve`; else the first `ids[].text` that is a valid id; else
//!   `<tracking.id>#<index>`. The other ones become aliases.
//! * **the advisory's `tracking.id`** goes to [`Record::related`], not to
//!   the aliases. Aliases say "the same vulnerability", and the knowledge
//!   layer merges records whose ids and aliases meet: one advisory id on
//!   every vulnerability of a multi-CVE advisory would merge all its CVEs
//!   into one vulnerability (and, through CVEs shared by advisories, merge
//!   unrelated advisories). `related` keeps every vulnerability findable by
//!   the advisory id without that.
//! * **published / modified**: the vulnerability's `release_date`, else the
//!   document's `tracking.initial_release_date`; the document's
//!   `tracking.current_release_date`. (`discovery_date` is not used: a
//!   discovery is not a publication.)
//! * **summary**: the vulnerability's `title`, else the document's.
//!   **details**: the vulnerability's notes, `description` and `summary`
//!   first, legal disclaimers left out.
//! * **severities**: `scores[].cvss_v2` / `cvss_v3` vector and base score,
//!   given `by` the publisher's namespace (or name).
//! * **products**: one [`AffectedProduct`] per product id the vulnerability
//!   gives a status or a remediation, with vendor, product, version, CPE,
//!   PURL and platforms resolved from the product tree (module `tree`).
//!   The status groups map to [`Status`]: `known_affected`,
//!   `first_affected`, `last_affected` → affected; `known_not_affected` →
//!   unaffected; `fixed`, `first_fixed` → fixed; `under_investigation`;
//!   `recommended`. A product with a version gets one [`ProductVersion`] per
//!   status (`version_type` `csaf` for an exact version, `vers` for a
//!   `vers:` range, `vls` for a free-form range); one without gets its
//!   status as `default_status`. A not-affected product's justification is
//!   its VEX flag label, or else the `impact` threats' details.
//!
//! Remediations, flags and impact statements are attached to at most
//! [`MAX_LINKS`] product entries per document: groups make that number grow
//! as the product of two lists, and a small document must not be able to
//! ask for gigabytes.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use yata_model::{
    AffectedProduct, ProductVersion, Record, Reference, Remediation, Severity, SeverityKind,
    SourceKind, Status, VulnId,
};

use crate::Parsed;

mod schema;
mod tree;

use schema::{Csaf, ProductTree, Vulnerability};
use tree::{Product, Tree};

/// Most product entries that remediations and justifications may be copied
/// to in one document.
pub const MAX_LINKS: usize = 1 << 20;

/// Parses one CSAF 2.0 document into `out`.
pub fn parse(name: &str, bytes: &[u8], out: &mut Parsed) {
    let csaf: Csaf = match crate::from_json(bytes) {
        Ok(csaf) => csaf,
        Err((path, message)) => {
            out.problem(name, path, message);
            return;
        }
    };
    let mut problems = Problems::default();
    let doc = DocContext::new(&csaf, &mut problems);
    let tree = match csaf.product_tree {
        None => Tree::default(),
        Some(value) => match typed::<ProductTree>(value, "/product_tree") {
            Ok(tree) => Tree::build(&tree, &mut problems),
            Err((path, message)) => {
                problems.push(path, message);
                Tree::unreadable()
            }
        },
    };
    let mut links = 0;
    for (index, value) in csaf.vulnerabilities.into_iter().enumerate() {
        let at = format!("/vulnerabilities/{index}");
        match typed::<Vulnerability>(value, &at) {
            Ok(vuln) => {
                let mut ctx = VulnContext {
                    doc: &doc,
                    tree: &tree,
                    at: &at,
                    problems: &mut problems,
                    links: &mut links,
                };
                if let Some(record) = ctx.record(index, &vuln) {
                    out.records.push(record);
                }
            }
            Err((path, message)) => problems.push(path, message),
        }
    }
    for (path, message) in problems.0 {
        out.problem(name, path, message);
    }
}

/// Located problems of one document: (JSON Pointer, message).
#[derive(Debug, Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }
}

/// Deserialises a part of the document, locating errors below `at`.
fn typed<T: DeserializeOwned>(value: serde_json::Value, at: &str) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = crate::json_pointer(e.path());
        let path = if inner == "/" {
            at.to_owned()
        } else {
            format!("{at}{inner}")
        };
        (path, e.into_inner().to_string())
    })
}

/// What every record of a document shares.
struct DocContext {
    tracking_id: String,
    /// `tracking.id` as an id, when it is one.
    advisory: Option<VulnId>,
    title: Option<String>,
    published: Option<Timestamp>,
    modified: Option<Timestamp>,
    /// Who gives the scores: the publisher's namespace, else its name.
    by: Option<String>,
    references: Vec<Reference>,
}

impl DocContext {
    fn new(csaf: &Csaf, problems: &mut Problems) -> DocContext {
        let document = &csaf.document;
        let tracking = &document.tracking;
        let advisory = match tracking.id.parse::<VulnId>() {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(
                    "/document/tracking/id",
                    format!("not usable as an advisory id: {e}"),
                );
                None
            }
        };
        let publisher = document.publisher.as_ref();
        DocContext {
            tracking_id: tracking.id.clone(),
            advisory,
            title: non_empty(document.title.as_deref()),
            published: date(
                tracking.initial_release_date.as_deref(),
                "/document/tracking/initial_release_date",
                problems,
            ),
            modified: date(
                tracking.current_release_date.as_deref(),
                "/document/tracking/current_release_date",
                problems,
            ),
            by: publisher
                .and_then(|p| non_empty(p.namespace.as_deref()))
                .or_else(|| publisher.and_then(|p| non_empty(p.name.as_deref()))),
            references: document.references.iter().map(reference).collect(),
        }
    }
}

/// Reading one vulnerability.
struct VulnContext<'a> {
    doc: &'a DocContext,
    tree: &'a Tree,
    /// `/vulnerabilities/<index>`.
    at: &'a str,
    problems: &'a mut Problems,
    /// Product entries remediations and justifications were copied to so
    /// far in this document.
    links: &'a mut usize,
}

/// What one vulnerability says about one product.
#[derive(Debug, Default)]
struct Entry {
    statuses: BTreeSet<Status>,
    /// The first VEX flag's label, if the product is not affected.
    flag: Option<String>,
    /// `impact` threats' details, if the product is not affected.
    impacts: Vec<String>,
    remediations: Vec<Remediation>,
}

impl<'a> VulnContext<'a> {
    fn record(&mut self, index: usize, v: &Vulnerability) -> Option<Record> {
        let at = self.at;
        let cve = v
            .cve
            .as_deref()
            .and_then(|cve| match cve.parse::<VulnId>() {
                Ok(id) => Some(id),
                Err(e) => {
                    self.problems.push(format!("{at}/cve"), e.to_string());
                    None
                }
            });
        // `ids[].text` is free text in CSAF (a tracker URL, "Bug 1234"); those
        // that are not ids are left out quietly.
        let ids: Vec<VulnId> = v.ids.iter().filter_map(|i| i.text.parse().ok()).collect();
        let fallback = || format!("{}#{index}", self.doc.tracking_id).parse().ok();
        let Some(id) = cve
            .clone()
            .or_else(|| ids.first().cloned())
            .or_else(fallback)
        else {
            self.problems.push(
                at,
                "no id: no cve, no ids[] entry that is an id, and the tracking id is not one",
            );
            return None;
        };
        let mut record = Record::new(SourceKind::Csaf, id);
        record.document = Some(match &self.doc.by {
            Some(publisher) => format!("{publisher} {}", self.doc.tracking_id),
            None => self.doc.tracking_id.clone(),
        });
        record.aliases = cve.into_iter().chain(ids).collect();
        record.aliases.remove(&record.id);
        record.related.extend(self.doc.advisory.clone());
        record.related.remove(&record.id);
        record.published = date(
            v.release_date.as_deref(),
            &format!("{at}/release_date"),
            self.problems,
        )
        .or(self.doc.published);
        record.modified = self.doc.modified;
        record.summary = non_empty(v.title.as_deref()).or_else(|| self.doc.title.clone());
        record.details = details(v);
        if let Some(cwe) = &v.cwe {
            match cwe_id(&cwe.id) {
                Some(id) => {
                    record.cwes.insert(id);
                }
                None => self.problems.push(
                    format!("{at}/cwe/id"),
                    format!("{:?} is not a CWE id (CWE-<number>)", cwe.id),
                ),
            }
        }
        record.references = references(v, self.doc);
        record.severities = self.severities(v);
        record.products = self.products(v);
        Some(record)
    }

    fn severities(&mut self, v: &Vulnerability) -> Vec<Severity> {
        let mut out: Vec<Severity> = Vec::new();
        for (k, score) in v.scores.iter().enumerate() {
            let at = format!("{}/scores/{k}", self.at);
            // Scores name products too: check the references, even though
            // the model keeps severities per record.
            let products_at = format!("{at}/products");
            self.tree
                .targets((&score.products, &products_at), (&[], ""), self.problems);
            let versions = [
                ("cvss_v2", SeverityKind::CvssV2, &score.cvss_v2),
                ("cvss_v3", SeverityKind::CvssV3, &score.cvss_v3),
            ];
            for (field, kind, cvss) in versions {
                let Some(cvss) = cvss else { continue };
                let Some(vector) = non_empty(cvss.vector_string.as_deref()) else {
                    self.problems
                        .push(format!("{at}/{field}"), "no vectorString: score not kept");
                    continue;
                };
                let severity = Severity {
                    kind,
                    score: vector,
                    base_score: cvss.base_score,
                    by: self.doc.by.clone(),
                };
                if !out.contains(&severity) {
                    out.push(severity);
                }
            }
        }
        out
    }

    fn products(&mut self, v: &Vulnerability) -> Vec<AffectedProduct> {
        let at = self.at;
        let tree = self.tree;
        let mut entries: BTreeMap<&str, Entry> = BTreeMap::new();
        if let Some(ps) = &v.product_status {
            let groups = [
                ("known_affected", &ps.known_affected, Status::Affected),
                ("first_affected", &ps.first_affected, Status::Affected),
                ("last_affected", &ps.last_affected, Status::Affected),
                (
                    "known_not_affected",
                    &ps.known_not_affected,
                    Status::Unaffected,
                ),
                ("fixed", &ps.fixed, Status::Fixed),
                ("first_fixed", &ps.first_fixed, Status::Fixed),
                (
                    "under_investigation",
                    &ps.under_investigation,
                    Status::UnderInvestigation,
                ),
                ("recommended", &ps.recommended, Status::Recommended),
            ];
            for (field, ids, status) in groups {
                let ids_at = format!("{at}/product_status/{field}");
                let targets = tree.targets((ids, &ids_at), (&[], ""), self.problems);
                for id in targets {
                    entries.entry(id).or_default().statuses.insert(status);
                }
            }
        }
        let not_affected = |entries: &BTreeMap<&str, Entry>, id: &str| {
            entries
                .get(id)
                .is_some_and(|e| e.statuses.contains(&Status::Unaffected))
        };
        for (k, flag) in v.flags.iter().enumerate() {
            let flag_at = format!("{at}/flags/{k}");
            let targets = self.refs(&flag.product_ids, &flag.group_ids, &flag_at);
            for id in targets {
                if !not_affected(&entries, id) || !self.link(&flag_at) {
                    continue;
                }
                let entry = entries.entry(id).or_default();
                match &entry.flag {
                    None => entry.flag = Some(flag.label.clone()),
                    Some(first) if *first != flag.label => self.problems.push(
                        flag_at.clone(),
                        format!("product {id:?} already has the flag {first:?}; kept that one"),
                    ),
                    Some(_) => {}
                }
            }
        }
        for (k, threat) in v.threats.iter().enumerate() {
            let threat_at = format!("{at}/threats/{k}");
            let targets = self.refs(&threat.product_ids, &threat.group_ids, &threat_at);
            let details = threat.details.trim();
            if threat.category != "impact" || details.is_empty() {
                continue;
            }
            for id in targets {
                if !not_affected(&entries, id) || !self.link(&threat_at) {
                    continue;
                }
                let impacts = &mut entries.entry(id).or_default().impacts;
                if !impacts.iter().any(|i| i == details) {
                    impacts.push(details.to_owned());
                }
            }
        }
        for (k, rem) in v.remediations.iter().enumerate() {
            let rem_at = format!("{at}/remediations/{k}");
            if rem.product_ids.is_empty() && rem.group_ids.is_empty() {
                self.problems.push(
                    rem_at,
                    "names no product or group: not attached to any product",
                );
                continue;
            }
            let targets = self.refs(&rem.product_ids, &rem.group_ids, &rem_at);
            for id in targets {
                if !self.link(&rem_at) {
                    break;
                }
                entries
                    .entry(id)
                    .or_default()
                    .remediations
                    .push(Remediation {
                        category: rem.category.clone(),
                        details: rem.details.clone(),
                        url: non_empty(rem.url.as_deref()),
                    });
            }
        }
        entries
            .into_iter()
            .filter_map(|(id, entry)| Some(affected(tree.product(id)?, entry)))
            .collect()
    }

    /// The products named by an object's `product_ids` and `group_ids`
    /// (the object at `at`).
    fn refs(&mut self, product_ids: &[String], group_ids: &[String], at: &str) -> Vec<&'a str> {
        self.tree.targets(
            (product_ids, &format!("{at}/product_ids")),
            (group_ids, &format!("{at}/group_ids")),
            self.problems,
        )
    }

    /// Counts one more product entry something is copied to; false (and
    /// one problem) once the document has used [`MAX_LINKS`].
    fn link(&mut self, at: &str) -> bool {
        *self.links += 1;
        if *self.links == MAX_LINKS + 1 {
            self.problems.push(
                at,
                format!(
                    "more than {MAX_LINKS} product links in one document: the rest are not attached"
                ),
            );
        }
        *self.links <= MAX_LINKS
    }
}

fn affected(product: &Product, entry: Entry) -> AffectedProduct {
    let (versions, default_status) = match &product.version {
        Some((version, kind)) => (
            entry
                .statuses
                .iter()
                .map(|&status| ProductVersion {
                    version: version.clone(),
                    status,
                    version_type: Some((*kind).to_owned()),
                    less_than: None,
                    less_than_or_equal: None,
                    changes: Vec::new(),
                })
                .collect(),
            None,
        ),
        // Contradicting statuses are the validator's business; the first
        // in `Status` order (affected before the rest) is kept.
        None => (Vec::new(), entry.statuses.first().copied()),
    };
    let justification = if entry.statuses.contains(&Status::Unaffected) {
        entry
            .flag
            .or_else(|| (!entry.impacts.is_empty()).then(|| entry.impacts.join("\n\n")))
    } else {
        None
    };
    AffectedProduct {
        vendor: product.vendor.clone(),
        product: product.product.clone(),
        cpes: product.cpes.clone(),
        purl: product.purl.clone(),
        package_name: None,
        collection_url: None,
        platforms: product.platforms.clone(),
        versions,
        default_status,
        justification,
        remediations: entry.remediations,
    }
}

/// The vulnerability's notes as text: descriptions and summaries first,
/// then the others in document order, legal disclaimers left out.
fn details(v: &Vulnerability) -> Option<String> {
    let rank = |category: &str| match category {
        "description" => 0,
        "summary" => 1,
        _ => 2,
    };
    let mut notes: Vec<_> = v
        .notes
        .iter()
        .filter(|n| n.category != "legal_disclaimer" && !n.text.trim().is_empty())
        .collect();
    notes.sort_by_key(|n| rank(&n.category));
    let texts: Vec<&str> = notes.iter().map(|n| n.text.trim()).collect();
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

/// The vulnerability's references, then the document's, each URL once.
fn references(v: &Vulnerability, doc: &DocContext) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    for r in v
        .references
        .iter()
        .map(reference)
        .chain(doc.references.iter().cloned())
    {
        if !out.iter().any(|o| o.url == r.url) {
            out.push(r);
        }
    }
    out
}

fn reference(r: &schema::Reference) -> Reference {
    Reference {
        kind: non_empty(r.category.as_deref()).map(|c| c.to_ascii_lowercase()),
        url: r.url.clone(),
    }
}

/// `CWE-<1 to 6 digits>`, as the schema's pattern says, in upper case.
fn cwe_id(s: &str) -> Option<String> {
    let s = s.trim();
    let digits = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("CWE-"))
        .map(|_| &s[4..])?;
    let valid = (1..=6).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    valid.then(|| format!("CWE-{digits}"))
}

/// A timestamp field, `None` when absent; reported at `at` when unreadable.
fn date(s: Option<&str>, at: &str, problems: &mut Problems) -> Option<Timestamp> {
    match crate::timestamp(s?) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(at, e);
            None
        }
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
