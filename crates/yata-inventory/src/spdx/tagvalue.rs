//! SPDX 2 tag-value into a [`Doc2`]; locations are `line N` (1-based).
//!
//! A line is `Tag: value`; a value that starts with `<text>` runs to the
//! next `</text>`, over lines. Blank lines and lines starting with `#` are
//! comments. Package tags belong to the package opened by the last
//! `PackageName`; a `FileName`, `SnippetSPDXID` or `LicenseID` closes it.

use super::{Doc2, ExternalRef, Package2, Relationship2};
use crate::{Format, InventoryError, Limit, Limits};

type Warnings = Vec<(String, String)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Document,
    Package,
    Other,
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<(Doc2, Warnings), InventoryError> {
    let err = |line: usize, msg: String| {
        let path = if line == 0 {
            String::new()
        } else {
            format!("line {line}")
        };
        InventoryError::new(Format::SpdxTagValue, path, msg)
    };
    let mut w = Warnings::new();
    let text = String::from_utf8_lossy(bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        w.push((String::new(), "invalid UTF-8 replaced by U+FFFD".to_owned()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut doc = Doc2::default();
    let mut section = Section::Document;
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((n, line)) = lines.next() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = line.split_once(':') else {
            w.push((format!("line {n}"), "expected `Tag: value`".to_owned()));
            continue;
        };
        let tag = tag.trim();
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            w.push((format!("line {n}"), "expected `Tag: value`".to_owned()));
            continue;
        }
        let rest = rest.trim();
        let value: String = match rest.strip_prefix("<text>") {
            Some(first) => match first.find("</text>") {
                Some(end) => first[..end].to_owned(),
                None => {
                    let mut v = first.to_owned();
                    loop {
                        let Some((_, next)) = lines.next() else {
                            return Err(err(n, format!("{tag}: <text> without </text>")));
                        };
                        v.push('\n');
                        if let Some(end) = next.find("</text>") {
                            v.push_str(&next[..end]);
                            break;
                        }
                        v.push_str(next);
                    }
                    v
                }
            },
            None => rest.to_owned(),
        };
        let at = format!("line {n}");
        let package = match section {
            Section::Package => doc.packages.last_mut(),
            _ => None,
        };
        match (tag, package) {
            ("SPDXVersion", _) => {
                doc.spdx_version.get_or_insert(value);
            }
            ("DocumentName", _) => {
                doc.name.get_or_insert(value);
            }
            ("DocumentNamespace", _) => {
                doc.namespace.get_or_insert(value);
            }
            ("Creator", _) => doc.creators.push(value),
            ("Created", _) => {
                doc.created.get_or_insert((value, at));
            }
            ("PackageName", _) => {
                if doc.packages.len() >= limits.max_components {
                    return Err(err(
                        n,
                        format!("more packages than the limit of {}", limits.max_components),
                    )
                    .with_limit(Limit::Components));
                }
                section = Section::Package;
                doc.packages.push(Package2 {
                    path: at,
                    name: Some(value),
                    ..Package2::default()
                });
            }
            ("FileName", _) => {
                section = Section::Other;
                doc.files += 1;
            }
            ("SnippetSPDXID", _) => {
                section = Section::Other;
                doc.snippets += 1;
            }
            ("LicenseID", _) => section = Section::Other,
            ("Relationship", _) => {
                let mut parts = value.split_whitespace();
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (Some(from), Some(ty), Some(to), None) => {
                        doc.relationships.push(Relationship2 {
                            from: from.to_owned(),
                            ty: ty.to_ascii_uppercase(),
                            to: to.to_owned(),
                        })
                    }
                    _ => w.push((at, "expected `Relationship: <id> <TYPE> <id>`".to_owned())),
                }
            }
            ("SPDXID", Some(p)) => {
                p.id.get_or_insert(value);
            }
            ("PackageVersion", Some(p)) => {
                p.version.get_or_insert(value);
            }
            ("PackageSupplier", Some(p)) => {
                p.supplier.get_or_insert(value);
            }
            ("PackageLicenseConcluded", Some(p)) => {
                p.license_concluded.get_or_insert(value);
            }
            ("PackageLicenseDeclared", Some(p)) => {
                p.license_declared.get_or_insert(value);
            }
            ("PrimaryPackagePurpose", Some(p)) => {
                p.purpose.get_or_insert(value);
            }
            ("PackageChecksum", Some(p)) => match value.split_once(':') {
                Some((alg, v)) => p
                    .checksums
                    .push((alg.trim().to_owned(), v.trim().to_owned())),
                None => w.push((
                    at,
                    "expected `PackageChecksum: <ALGORITHM>: <value>`".to_owned(),
                )),
            },
            ("ExternalRef", Some(p)) => {
                let mut parts = value.split_whitespace();
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (Some(_category), Some(ty), Some(locator), None) => {
                        p.external_refs.push(ExternalRef {
                            path: at,
                            ty: ty.to_owned(),
                            locator: locator.to_owned(),
                        })
                    }
                    _ => w.push((
                        at,
                        "expected `ExternalRef: <category> <type> <locator>`".to_owned(),
                    )),
                }
            }
            (
                "PackageVersion"
                | "PackageSupplier"
                | "PackageLicenseConcluded"
                | "PackageLicenseDeclared"
                | "PrimaryPackagePurpose"
                | "PackageChecksum"
                | "ExternalRef",
                None,
            ) => w.push((at, format!("{tag} outside a package; ignored"))),
            _ => {}
        }
    }
    if doc.spdx_version.is_none() {
        return Err(err(
            0,
            "no SPDXVersion: not an SPDX tag-value document".to_owned(),
        ));
    }
    Ok((doc, w))
}
