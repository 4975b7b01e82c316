//! The keys under which advisories are indexed and installed things looked
//! up: a package by its ecosystem and normalised name, a product by its
//! normalised vendor and product names.

use std::fmt;

use yata_version::ecosystem::{Ecosystem, EcosystemKind};

/// A package, as advisories and inventories both name it: the ecosystem kind
/// (without release: releases are compared when evaluating, see
/// [`Ecosystem::covers`]) and the name normalised the ecosystem's way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageKey {
    kind: EcosystemKind,
    name: Box<str>,
}

impl PackageKey {
    /// The key of package `name` in `ecosystem`.
    pub fn new(ecosystem: &Ecosystem, name: &str) -> PackageKey {
        let name = ecosystem.normalize_name(name);
        // Go module paths are case-sensitive, but the PURL spec lowercases
        // `golang` PURLs, so an inventory's Go packages arrive lowercased:
        // compare them without case (no two real modules differ only so).
        let name: Box<str> = match ecosystem.kind() {
            EcosystemKind::Go => name.to_lowercase().into(),
            _ => name.into(),
        };
        PackageKey {
            kind: ecosystem.kind(),
            name,
        }
    }

    pub fn kind(&self) -> EcosystemKind {
        self.kind
    }

    /// The normalised name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for PackageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// A product, by vendor and product name after [`normalize_vendor`] and
/// [`normalize_product`]: `Palo Alto Networks` / `PAN-OS` and the CPE's
/// `paloaltonetworks` / `pan-os` meet as `paloaltonetworks` / `panos`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductKey {
    vendor: Box<str>,
    product: Box<str>,
}

impl ProductKey {
    /// The key of a vendor's product, or `None` when either name is empty
    /// after normalisation or is a placeholder (`n/a`, `unknown`, `*`, `-`).
    pub fn new(vendor: &str, product: &str) -> Option<ProductKey> {
        let vendor = normalize_vendor(vendor);
        let product = normalize_product(product);
        if is_placeholder(&vendor) || is_placeholder(&product) {
            return None;
        }
        Some(ProductKey {
            vendor: vendor.into(),
            product: product.into(),
        })
    }

    /// The keys a vendor's product name stands for: the whole name, each
    /// alternative of a list (`FortiOS and FortiADC`, `Fortinet FortiOS,
    /// FortiADC`: KEV and older CVE records name several products in one
    /// field), and each of those without a leading vendor name (`Apache
    /// Tomcat` by `Apache Software Foundation` is also `tomcat`).
    pub fn variants(vendor: &str, product: &str) -> Vec<ProductKey> {
        let vendor_words = words(vendor);
        let mut names: Vec<String> = vec![normalize_product(product)];
        for part in product
            .split([',', ';', '&'])
            .flat_map(|p| p.split(" and "))
        {
            let w = words(part);
            names.push(w.concat());
            let skip = w
                .iter()
                .zip(&vendor_words)
                .take_while(|(a, b)| a == b)
                .count();
            if skip > 0 && skip < w.len() {
                names.push(w[skip..].concat());
            }
        }
        let mut keys: Vec<ProductKey> = names
            .iter()
            .filter_map(|p| ProductKey::new(vendor, p))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The key of a CPE's vendor and product, when both are plain values.
    pub fn from_cpe(cpe: &yata_cpe::Cpe) -> Option<ProductKey> {
        let vendor = cpe.vendor().as_str()?;
        let product = cpe.product().as_str()?;
        if vendor.as_fs().contains(['*', '?']) || product.as_fs().contains(['*', '?']) {
            return None;
        }
        ProductKey::new(vendor.as_fs(), product.as_fs())
    }

    pub fn vendor(&self) -> &str {
        &self.vendor
    }

    pub fn product(&self) -> &str {
        &self.product
    }
}

impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.vendor, self.product)
    }
}

/// Words that name a company's legal form rather than the company, dropped
/// from the end of vendor names (`Fortinet, Inc.` is `fortinet`).
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "plc",
    "sa",
    "kk",
    "bv",
    "nv",
    "株式会社",
    "有限会社",
];

/// A vendor name reduced to what names it: case folded, legal-form words
/// (`Inc.`, `Corporation`, `Ltd.`, `株式会社`, …) dropped from either end,
/// and everything but letters and digits removed (`Palo Alto Networks` →
/// `paloaltonetworks`, `Fortinet, Inc.` → `fortinet`).
pub fn normalize_vendor(name: &str) -> String {
    let mut words = words(name);
    // Japanese legal forms are written without a space: 株式会社日立製作所.
    for w in words.iter_mut() {
        for form in ["株式会社", "有限会社"] {
            if let Some(rest) = w.strip_prefix(form).or_else(|| w.strip_suffix(form))
                && !rest.is_empty()
            {
                *w = rest.to_owned();
            }
        }
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    while words.len() > 1 && LEGAL_SUFFIXES.contains(&words[0].as_str()) {
        words.remove(0);
    }
    words.concat()
}

/// A product name with case folded and everything but letters and digits
/// removed (`PAN-OS` → `panos`, `FortiOS` → `fortios`).
pub fn normalize_product(name: &str) -> String {
    words(name).concat()
}

/// Runs of letters and digits, lowercased. A CPE's escapes (`\-`) are
/// separators like any other punctuation.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_placeholder(normalized: &str) -> bool {
    matches!(
        normalized,
        "" | "na" | "unknown" | "unspecified" | "none" | "all" | "various"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vendor: &str, product: &str, expect: Option<&str>) {
        let got = ProductKey::new(vendor, product).map(|k| k.to_string());
        assert_eq!(got.as_deref(), expect, "{vendor:?} / {product:?}");
    }

    #[test]
    fn vendor_and_product_names_meet_their_cpe_spelling() {
        check(
            "Palo Alto Networks",
            "PAN-OS",
            Some("paloaltonetworks:panos"),
        );
        check(
            "paloaltonetworks",
            "pan\\-os",
            Some("paloaltonetworks:panos"),
        );
        check("Fortinet, Inc.", "FortiOS", Some("fortinet:fortios"));
        check(
            "Microsoft Corporation",
            "Windows Server",
            Some("microsoft:windowsserver"),
        );
        check("株式会社日立製作所", "JP1/Base", Some("日立製作所:jp1base"));
        check("Ivanti", "Connect Secure", Some("ivanti:connectsecure"));
    }

    #[test]
    fn product_lists_and_vendor_prefixes_give_variants() {
        let keys = |v: &str, p: &str| -> Vec<String> {
            ProductKey::variants(v, p)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(
            keys("Fortinet", "FortiOS and FortiADC"),
            [
                "fortinet:fortiadc",
                "fortinet:fortios",
                "fortinet:fortiosandfortiadc"
            ]
        );
        assert_eq!(
            keys("Fortinet", "Fortinet FortiOS, fortiADC"),
            [
                "fortinet:fortiadc",
                "fortinet:fortinetfortios",
                "fortinet:fortinetfortiosfortiadc",
                "fortinet:fortios"
            ]
        );
        assert_eq!(
            keys("Apache Software Foundation", "Apache Tomcat"),
            [
                "apachesoftwarefoundation:apachetomcat",
                "apachesoftwarefoundation:tomcat"
            ]
        );
        assert_eq!(
            keys("Palo Alto Networks", "PAN-OS"),
            ["paloaltonetworks:panos"]
        );
    }

    #[test]
    fn placeholders_are_not_keys() {
        check("n/a", "n/a", None);
        check("Acme", "", None);
        check("Unknown", "Widget", None);
    }

    #[test]
    fn a_legal_form_alone_is_kept() {
        // "Company" is a real (if odd) vendor name when it is all there is.
        check("Company", "Widget", Some("company:widget"));
    }
}
