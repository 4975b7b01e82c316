//! JVN iPedia (JVNDB) as MyJVN serves it:
//!
//! * JVNRSS 3.2 ([`parse_rss`]): `getVulnOverviewList` responses and the
//!   JVNDB RSS data feeds. An RDF / RSS 1.0 document whose `item`s carry the
//!   `sec:` module (`http://jvn.jp/rss/mod_sec/3.0/`): `sec:identifier`
//!   (`JVNDB-2025-002953`), `sec:references` (with `source` and `id`
//!   attributes: CVE, NVD, JVN, CWE and other documents), `sec:cpe` (CPE 2.2
//!   URIs with `vendor` and `product` attributes) and `sec:cvss` (`score`,
//!   `severity`, `vector`, `version`), with `dcterms:issued` and
//!   `dcterms:modified`.
//! * VULDEF 3.2 ([`parse_vuldef`]): `getVulnDetailInfo` responses. A
//!   `VULDEF-Document` (`http://jvn.jp/vuldef/`) of `Vulinfo` elements:
//!   `VulinfoID`, and `VulinfoData` with `Title`,
//!   `VulinfoDescription/Overview`, `Affected/AffectedItem` (`Name`,
//!   `ProductName`, `Cpe`, `VersionNumber`), `Impact/Cvss` (`Severity`,
//!   `Base`, `Vector`), `Related/RelatedItem` (`type` `advisory`, `vendor`,
//!   `cwe`…, with `Name`, `VulinfoID`, `URL`) and the dates
//!   `DateFirstPublished` / `DateLastUpdated`.
//!
//! Element names and namespaces follow the MyJVN API documentation (the
//! `getVulnOverviewList` / `getVulnDetailInfo` pages for `feed=hnd`, which
//! answer with JVNRSS 3.2 / VULDEF 3.2, `jvnrss_3.2.xsd` / `vuldef_3.2.xsd`)
//! and its published example responses. Elements are matched by namespace
//! and local name, so any prefixes work; VULDEF is accepted under both the
//! `http://` namespace real responses use and the `https://` one the
//! documentation shows.
//!
//! One [`Record`] per item / `Vulinfo`, with the JVNDB id as its id; CVE ids
//! and JVN advisory ids (`JVN#…`, `JVNVU#…`) that the entry references become
//! aliases — except that an entry naming several CVEs (JVN often covers a
//! product's whole set of fixes in one entry) keeps them as `related`, since
//! aliases merge and distinct CVEs are distinct vulnerabilities — CWE
//! references `cwes`, other references [`Reference`]s (kind: the
//! reference's `source` or `type`, lower case). JVN's own CWE categories
//! (`CWE-Other`, `CWE-noinfo`) are not CWE ids and are left out. VULDEF
//! `VersionNumber`s are free text (`5.8 (Build 1577) 未満`): they are kept as
//! written, as affected versions, for the matcher to report what it cannot
//! use. Impact, solution and history texts have no place in the model and are
//! not read. A MyJVN error status (`retCd` other than 0) is a problem.
//!
//! XML is hostile input: a DOCTYPE that declares entities is refused, entity
//! references other than the five predefined ones and character references
//! are errors (nothing is ever expanded or fetched), and elements may nest at
//! most [`MAX_DEPTH`] deep. Problems are located by element path,
//! `/rdf:RDF/item[3]/sec:cvss[2]/@score`, indexes counted from 1 among
//! elements of that name, as in XPath.

use jiff::Timestamp;
use yata_model::{
    AffectedProduct, ProductVersion, Record, Reference, Severity, SeverityKind, SourceKind, Status,
    VulnId,
};

use crate::Parsed;

use self::xml::Element;

/// How deep elements may nest (JVN documents nest about 6 deep).
pub const MAX_DEPTH: usize = 64;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RSS: &str = "http://purl.org/rss/1.0/";
const SEC: &str = "http://jvn.jp/rss/mod_sec/3.0/";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const STATUS: &str = "http://jvndb.jvn.jp/myjvn/Status";
const VULDEF: &[&str] = &["http://jvn.jp/vuldef/", "https://jvn.jp/vuldef/"];

/// Where inside an entry, and what is wrong there.
type Located = (String, String);

/// Parses a JVNRSS 3.2 document (`getVulnOverviewList`, JVNDB RSS feeds).
pub fn parse_rss(name: &str, bytes: &[u8], out: &mut Parsed) {
    let Some(root) = document(name, bytes, out) else {
        return;
    };
    if !root.is(RDF, "RDF") {
        return out.problem(
            name,
            format!("/{}", root.qname),
            "jvn: the root element is not rdf:RDF (JVNRSS)",
        );
    }
    status(name, &root, out);
    for (n, item) in root.named(RSS, "item").enumerate() {
        let path = format!("/{}/{}[{}]", root.qname, item.qname, n + 1);
        match rss_item(item) {
            Ok(r) => out.records.push(split_cves(r)),
            Err((at, message)) => {
                out.problem(name, format!("{path}{at}"), format!("jvn: {message}"))
            }
        }
    }
}

/// Parses a VULDEF 3.2 document (`getVulnDetailInfo`).
pub fn parse_vuldef(name: &str, bytes: &[u8], out: &mut Parsed) {
    let Some(root) = document(name, bytes, out) else {
        return;
    };
    if !root.is_vuldef("VULDEF-Document") {
        return out.problem(
            name,
            format!("/{}", root.qname),
            "jvn: the root element is not VULDEF-Document (VULDEF)",
        );
    }
    status(name, &root, out);
    for (n, info) in root.vuldef("Vulinfo").enumerate() {
        let path = format!("/{}/{}[{}]", root.qname, info.qname, n + 1);
        match vulinfo(info) {
            Ok(r) => out.records.push(split_cves(r)),
            Err((at, message)) => {
                out.problem(name, format!("{path}{at}"), format!("jvn: {message}"))
            }
        }
    }
}

fn document(name: &str, bytes: &[u8], out: &mut Parsed) -> Option<Element> {
    match xml::parse(bytes) {
        Ok(root) => Some(root),
        Err(e) => {
            out.problem(name, e.path, format!("jvn: {}", e.message));
            None
        }
    }
}

/// A MyJVN error status is a problem of the document.
fn status(name: &str, root: &Element, out: &mut Parsed) {
    for s in root.named(STATUS, "Status") {
        let code = s.attr("retCd").unwrap_or("0").trim();
        if code != "0" && !code.is_empty() {
            out.problem(
                name,
                format!("/{}/{}", root.qname, s.qname),
                format!(
                    "jvn: MyJVN answered with an error (retCd {code}, errCd {:?}): {}",
                    s.attr("errCd").unwrap_or(""),
                    s.attr("errMsg").unwrap_or("")
                ),
            );
        }
    }
}

fn rss_item(item: &Element) -> Result<Record, Located> {
    let id_el = item
        .child(SEC, "identifier")
        .ok_or_else(|| (String::new(), "no sec:identifier".to_owned()))?;
    let mut r = Record::new(SourceKind::Jvn, vuln_id(id_el)?);
    r.summary = item.child(RSS, "title").and_then(Element::text);
    r.details = item.child(RSS, "description").and_then(Element::text);
    if let Some(link) = item.child(RSS, "link").and_then(Element::text) {
        add_reference(&mut r, Some("advisory".to_owned()), link);
    }
    for reference in item.named(SEC, "references") {
        let id = reference.attr("id").unwrap_or("").trim();
        if id.starts_with("CWE-") {
            // `id="CWE-502"`, titled with the CWE's name, linking to MITRE.
            if is_cwe(id) {
                r.cwes.insert(id.to_owned());
            }
            continue;
        }
        add_alias(&mut r, id);
        if let Some(url) = reference.text() {
            let kind = reference
                .attr("source")
                .map(str::trim)
                .filter(|s| !s.is_empty());
            add_reference(&mut r, kind.map(lower), url);
        }
    }
    for cpe in item.named(SEC, "cpe") {
        let vendor = cpe.attr("vendor").unwrap_or("");
        let product = cpe.attr("product").unwrap_or("");
        add_product(&mut r, vendor, product, cpe.text(), Vec::new());
    }
    for (k, cvss) in item.named(SEC, "cvss").enumerate() {
        let at = |attr: &str| format!("/{}[{}]/@{attr}", cvss.qname, k + 1);
        let base_score = match cvss.attr("score").map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(score(s).map_err(|m| (at("score"), m))?),
        };
        r.severities.push(Severity {
            kind: cvss_kind(cvss.attr("version").unwrap_or("")),
            score: cvss.attr("vector").unwrap_or("").trim().to_owned(),
            base_score,
            by: None,
        });
    }
    r.published = time(item.child(DCTERMS, "issued"))?;
    r.modified = match time(item.child(DCTERMS, "modified"))? {
        Some(t) => Some(t),
        None => time(item.child(DC, "date"))?,
    };
    Ok(r)
}

fn vulinfo(info: &Element) -> Result<Record, Located> {
    let id_el = info
        .vuldef("VulinfoID")
        .next()
        .ok_or_else(|| (String::new(), "no VulinfoID".to_owned()))?;
    let mut r = Record::new(SourceKind::Jvn, vuln_id(id_el)?);
    let data = info
        .vuldef("VulinfoData")
        .next()
        .ok_or_else(|| (String::new(), "no VulinfoData".to_owned()))?;
    let under = |at: String| format!("/{}{at}", data.qname);
    let first =
        |parent: &Element, name: &'static str| parent.vuldef(name).next().and_then(Element::text);

    r.summary = first(data, "Title");
    r.details = data
        .vuldef("VulinfoDescription")
        .next()
        .and_then(|d| first(d, "Overview"));
    for affected in data.vuldef("Affected") {
        for item in affected.vuldef("AffectedItem") {
            let versions = item
                .vuldef("VersionNumber")
                .filter_map(Element::text)
                .map(|v| ProductVersion {
                    version: v,
                    status: Status::Affected,
                    version_type: None,
                    less_than: None,
                    less_than_or_equal: None,
                    changes: Vec::new(),
                })
                .collect::<Vec<_>>();
            let vendor = first(item, "Name").unwrap_or_default();
            let product = first(item, "ProductName").unwrap_or_default();
            let cpes: Vec<String> = item.vuldef("Cpe").filter_map(Element::text).collect();
            if cpes.is_empty() {
                add_product(&mut r, &vendor, &product, None, versions);
            } else {
                for (i, cpe) in cpes.into_iter().enumerate() {
                    // The versions belong to the item, not to one CPE.
                    let v = if i == 0 { versions.clone() } else { Vec::new() };
                    add_product(&mut r, &vendor, &product, Some(cpe), v);
                }
            }
        }
    }
    for impact in data.vuldef("Impact") {
        for (k, cvss) in impact.vuldef("Cvss").enumerate() {
            let at = format!("/{}/{}[{}]/Base", impact.qname, cvss.qname, k + 1);
            let base_score = match first(cvss, "Base") {
                None => None,
                Some(s) => Some(score(&s).map_err(|m| (under(at), m))?),
            };
            r.severities.push(Severity {
                kind: cvss_kind(cvss.attr("version").unwrap_or("")),
                score: first(cvss, "Vector").unwrap_or_default(),
                base_score,
                by: None,
            });
        }
    }
    for related in data.vuldef("Related") {
        for item in related.vuldef("RelatedItem") {
            let kind = item.attr("type").map(str::trim).unwrap_or("");
            let id = first(item, "VulinfoID").unwrap_or_default();
            if kind == "cwe" {
                if is_cwe(&id) {
                    r.cwes.insert(id);
                }
                continue;
            }
            if kind == "advisory" {
                add_alias(&mut r, &id);
            }
            if let Some(url) = first(item, "URL") {
                let kind = Some(kind).filter(|k| !k.is_empty()).map(lower);
                add_reference(&mut r, kind, url);
            }
        }
    }
    r.published =
        time(data.vuldef("DateFirstPublished").next()).map_err(|(at, m)| (under(at), m))?;
    r.modified = time(data.vuldef("DateLastUpdated").next()).map_err(|(at, m)| (under(at), m))?;
    Ok(r)
}

fn vuln_id(el: &Element) -> Result<VulnId, Located> {
    let text = el.text().unwrap_or_default();
    text.parse()
        .map_err(|e| (format!("/{}", el.qname), format!("{e}")))
}

/// CVE ids and JVN's own advisory ids (`JVN#12345678`, `JVNVU#99709964`)
/// name the same vulnerability as the entry; other ids (`ICSA-25-091-01`)
/// are documents about it.
fn add_alias(r: &mut Record, id: &str) {
    let Ok(id) = id.parse::<VulnId>() else {
        return;
    };
    let jvn = id.as_str().starts_with("JVN#") || id.as_str().starts_with("JVNVU#");
    if (id.is_cve() || jvn) && id != r.id {
        r.aliases.insert(id);
    }
}

/// Moves the CVE aliases of an entry naming more than one CVE to `related`.
fn split_cves(mut r: Record) -> Record {
    if r.aliases.iter().filter(|a| a.is_cve()).count() > 1 {
        let cves: Vec<VulnId> = r.aliases.iter().filter(|a| a.is_cve()).cloned().collect();
        for cve in cves {
            r.aliases.remove(&cve);
            r.related.insert(cve);
        }
    }
    r
}

fn add_reference(r: &mut Record, kind: Option<String>, url: String) {
    let reference = Reference { kind, url };
    if !r.references.contains(&reference) {
        r.references.push(reference);
    }
}

/// Adds a product, or a CPE and versions to the product of that vendor and
/// name already listed.
fn add_product(
    r: &mut Record,
    vendor: &str,
    product: &str,
    cpe: Option<String>,
    versions: Vec<ProductVersion>,
) {
    let vendor = Some(vendor.trim().to_owned()).filter(|s| !s.is_empty());
    let product = Some(product.trim().to_owned()).filter(|s| !s.is_empty());
    let at = r
        .products
        .iter()
        .position(|p| p.vendor == vendor && p.product == product);
    let at = at.unwrap_or_else(|| {
        let mut p = AffectedProduct::named("", "");
        p.vendor = vendor;
        p.product = product;
        r.products.push(p);
        r.products.len() - 1
    });
    let p = &mut r.products[at];
    if let Some(cpe) = cpe
        && !p.cpes.contains(&cpe)
    {
        p.cpes.push(cpe);
    }
    p.versions.extend(versions);
}

fn cvss_kind(version: &str) -> SeverityKind {
    match version.trim().split('.').next().unwrap_or("") {
        "2" => SeverityKind::CvssV2,
        "3" => SeverityKind::CvssV3,
        "4" => SeverityKind::CvssV4,
        _ => SeverityKind::Other(format!("CVSS {}", version.trim())),
    }
}

fn score(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=10.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a CVSS score from 0 to 10")),
    }
}

/// The time an element holds, if it holds one. JVN writes
/// `2025-04-04T14:45:58+09:00`, and its data feeds `2016-01-26T13:36+09:00`.
fn time(el: Option<&Element>) -> Result<Option<Timestamp>, Located> {
    let Some(el) = el else {
        return Ok(None);
    };
    let Some(text) = el.text() else {
        return Ok(None); // `<dcterms:issued />`
    };
    crate::timestamp(&text)
        .or_else(|message| {
            with_seconds(&text)
                .and_then(|t| crate::timestamp(&t).ok())
                .ok_or(message)
        })
        .map(Some)
        .map_err(|message| (format!("/{}", el.qname), message))
}

/// `…T13:36+09:00` as `…T13:36:00+09:00`.
fn with_seconds(s: &str) -> Option<String> {
    let t = s.find('T')?;
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let minutes_only = digits(t + 1..t + 3) && b.get(t + 3) == Some(&b':') && digits(t + 4..t + 6);
    (minutes_only && b.get(t + 6) != Some(&b':'))
        .then(|| format!("{}:00{}", &s[..t + 6], &s[t + 6..]))
}

/// `CWE-` and digits.
fn is_cwe(s: &str) -> bool {
    s.strip_prefix("CWE-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// A small element tree over quick-xml, with what JVN documents need and the
/// safety rules of the module: no entity is ever expanded, nesting is
/// bounded.
mod xml {
    use quick_xml::NsReader;
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::name::ResolveResult;

    use super::MAX_DEPTH;

    #[derive(Debug)]
    pub(super) struct Element {
        /// The namespace the name resolves to, if any.
        pub ns: Option<String>,
        /// The name as written (`sec:cvss`), for problem paths.
        pub qname: String,
        pub local: String,
        /// Attributes by name as written, values with references resolved.
        pub attrs: Vec<(String, String)>,
        /// The text directly inside, references resolved.
        pub text: String,
        pub children: Vec<Element>,
    }

    impl Element {
        pub fn is(&self, ns: &str, local: &str) -> bool {
            self.local == local && self.ns.as_deref() == Some(ns)
        }

        pub fn is_vuldef(&self, local: &str) -> bool {
            self.local == local
                && self
                    .ns
                    .as_deref()
                    .is_none_or(|ns| super::VULDEF.contains(&ns))
        }

        /// The children named `ns:local`.
        pub fn named(
            &self,
            ns: &'static str,
            local: &'static str,
        ) -> impl Iterator<Item = &Element> {
            self.children.iter().filter(move |c| c.is(ns, local))
        }

        /// The children named `local` in the VULDEF namespace (or none).
        pub fn vuldef(&self, local: &'static str) -> impl Iterator<Item = &Element> {
            self.children.iter().filter(move |c| c.is_vuldef(local))
        }

        pub fn child(&self, ns: &'static str, local: &'static str) -> Option<&Element> {
            self.named(ns, local).next()
        }

        /// An unprefixed attribute's value.
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }

        /// The text, trimmed; `None` when empty.
        pub fn text(&self) -> Option<String> {
            Some(self.text.trim().to_owned()).filter(|t| !t.is_empty())
        }
    }

    #[derive(Debug)]
    pub(super) struct Error {
        /// The element path where reading stopped.
        pub path: String,
        pub message: String,
    }

    /// Reads a whole UTF-8 document into its root element.
    pub(super) fn parse(bytes: &[u8]) -> Result<Element, Error> {
        let fail = |stack: &[Element], message: String| Error {
            path: path(stack),
            message,
        };
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            fail(
                &[],
                format!(
                    "not UTF-8 (invalid byte at {}); MyJVN documents are UTF-8",
                    e.valid_up_to()
                ),
            )
        })?;
        let mut reader = NsReader::from_str(text);
        let mut stack: Vec<Element> = Vec::new();
        let mut root = None;
        loop {
            let event = match reader.read_resolved_event() {
                Ok((ns, event)) => {
                    let ns = match ns {
                        ResolveResult::Bound(ns) => Some(ns.as_ref().to_owned()),
                        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
                    };
                    (ns, event)
                }
                Err(e) => {
                    let at = reader.error_position();
                    return Err(fail(
                        &stack,
                        format!("not well-formed XML at byte {at}: {e}"),
                    ));
                }
            };
            let at = reader.buffer_position();
            match event {
                (ns, Event::Start(e)) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(fail(
                            &stack,
                            format!("elements nest deeper than {MAX_DEPTH} (byte {at})"),
                        ));
                    }
                    let el = element(ns, &e).map_err(|m| fail(&stack, m))?;
                    stack.push(el);
                }
                (ns, Event::Empty(e)) => {
                    let el = element(ns, &e).map_err(|m| fail(&stack, m))?;
                    attach(&mut stack, &mut root, el).map_err(|m| fail(&stack, m))?;
                }
                (_, Event::End(_)) => {
                    if let Some(el) = stack.pop() {
                        attach(&mut stack, &mut root, el).map_err(|m| fail(&stack, m))?;
                    }
                }
                (_, Event::Text(t)) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                (_, Event::CData(t)) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                (_, Event::GeneralRef(r)) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_owned(),
                            None => {
                                return Err(fail(
                                    &stack,
                                    format!(
                                        "reference to the undeclared entity &{}; (byte {at}): \
                                         entities are never expanded",
                                        &*r
                                    ),
                                ));
                            }
                        },
                        Err(e) => {
                            return Err(fail(&stack, format!("{e} (byte {at})")));
                        }
                    };
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&resolved);
                    }
                }
                // A DOCTYPE without declarations is harmless (an external DTD
                // it names is never fetched); one with entities is refused.
                (_, Event::DocType(d)) if d.xml10_content().contains("<!ENTITY") => {
                    return Err(fail(
                        &stack,
                        "the DOCTYPE declares entities: refused, entities are never expanded"
                            .to_owned(),
                    ));
                }
                (_, Event::Eof) => break,
                _ => {} // declarations, DOCTYPEs, comments, processing instructions
            }
        }
        if !stack.is_empty() {
            return Err(fail(
                &stack,
                "the document ends inside an element".to_owned(),
            ));
        }
        root.ok_or_else(|| fail(&[], "no root element".to_owned()))
    }

    fn element(ns: Option<String>, e: &BytesStart<'_>) -> Result<Element, String> {
        let qname = e.name().as_ref().to_owned();
        let local = e.local_name().as_ref().to_owned();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| format!("<{qname}>: {e}"))?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| {
                    format!(
                        "<{qname}> attribute {}: {e} (entities are never expanded)",
                        a.key.as_ref()
                    )
                })?;
            attrs.push((a.key.as_ref().to_owned(), value.into_owned()));
        }
        Ok(Element {
            ns,
            qname,
            local,
            attrs,
            text: String::new(),
            children: Vec::new(),
        })
    }

    fn attach(
        stack: &mut [Element],
        root: &mut Option<Element>,
        el: Element,
    ) -> Result<(), String> {
        match stack.last_mut() {
            Some(parent) => parent.children.push(el),
            None if root.is_none() => *root = Some(el),
            None => return Err(format!("a second root element <{}>", el.qname)),
        }
        Ok(())
    }

    fn path(stack: &[Element]) -> String {
        stack.iter().map(|e| format!("/{}", e.qname)).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_with_and_without_seconds() {
        let root = super::xml::parse(
            b"<r xmlns:d='http://purl.org/dc/terms/'><d:issued>2016-01-26T13:36+09:00</d:issued>\
              <d:modified>2025-04-04T14:45:58+09:00</d:modified></r>",
        )
        .unwrap();
        let t = |l| {
            let el = root.child(super::DCTERMS, l);
            super::time(el).unwrap().unwrap().to_string()
        };
        assert_eq!(t("issued"), "2016-01-26T04:36:00Z");
        assert_eq!(t("modified"), "2025-04-04T05:45:58Z");
    }
}
