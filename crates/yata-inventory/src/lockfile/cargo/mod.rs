//! `Cargo.lock`, versions 1–4.
//!
//! v1 has no `version` key and keeps checksums in `[metadata]`
//! (`"checksum name version (source)" = "hex"`); v2 has no `version` key
//! and checksums inline; v3 and v4 say `version = 3` / `4`.
//! Packages without a registry `source` (path and workspace crates, git
//! crates) are kept with a warning and a plain `pkg:cargo` PURL.
//!
//! Cargo writes every lockfile in one layout, which [`canonical`] reads
//! without a TOML parser (the parser was a scan's largest cost on big
//! lockfiles). Any other text goes to the TOML parser. Both give the same
//! [`Doc`] for every text the first accepts: the tests and the
//! `inv_lock_cargo` fuzz target compare them.

mod canonical;

use std::collections::HashMap;

use toml::{Table, Value};

use super::common::{CRATES_IO, Lock, hex_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::CargoLock;

const CRATES_IO_SOURCES: &[&str] = &[
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// What a lockfile says, borrowed from its text or its TOML table: all
/// the inventory is built from.
#[derive(Debug, Default, PartialEq)]
struct Doc<'a> {
    /// The top-level `version`.
    version: Option<i64>,
    /// The `[[package]]` entries in order; `None` for one that is not a
    /// table.
    packages: Vec<Option<Package<'a>>>,
    /// v1's `[metadata]` checksums: `name version (source)` → hex.
    v1_checksums: HashMap<&'a str, &'a str>,
}

/// One `[[package]]`: its string keys (absent when missing or not a
/// string) and the strings of its `dependencies` array.
#[derive(Debug, Default, PartialEq)]
struct Package<'a> {
    name: Option<&'a str>,
    version: Option<&'a str>,
    source: Option<&'a str>,
    checksum: Option<&'a str>,
    dependencies: Vec<&'a str>,
}

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = super::common::text(F, bytes)?;
    match canonical::read(text, limits) {
        Some(doc) => build(&doc, bytes, limits),
        None => via_toml(text, bytes, limits),
    }
}

/// [`parse`] by the TOML parser alone, whatever the layout.
pub fn parse_via_toml(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    via_toml(super::common::text(F, bytes)?, bytes, limits)
}

fn via_toml(text: &str, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let table = super::common::toml_text(F, text, limits)?;
    build(&Doc::of_table(&table)?, bytes, limits)
}

impl<'a> Doc<'a> {
    fn of_table(doc: &'a Table) -> Result<Doc<'a>, InventoryError> {
        let v1_checksums = doc
            .get("metadata")
            .and_then(Value::as_table)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.strip_prefix("checksum ")?, v.as_str()?)))
            .collect();
        let version = match doc.get("version") {
            Some(Value::Integer(n)) => Some(*n),
            Some(_) => return Err(InventoryError::new(F, "/version", "expected an integer")),
            None => None,
        };
        let packages = match doc.get("package") {
            Some(Value::Array(p)) => p
                .iter()
                .map(|p| p.as_table().map(Package::of_table))
                .collect(),
            Some(_) => {
                return Err(InventoryError::new(
                    F,
                    "/package",
                    "expected an array of tables",
                ));
            }
            None => Vec::new(),
        };
        Ok(Doc {
            version,
            packages,
            v1_checksums,
        })
    }
}

impl<'a> Package<'a> {
    fn of_table(table: &'a Table) -> Package<'a> {
        let str_of = |key| table.get(key).and_then(Value::as_str);
        Package {
            name: str_of("name"),
            version: str_of("version"),
            source: str_of("source"),
            checksum: str_of("checksum"),
            dependencies: match table.get("dependencies") {
                Some(Value::Array(d)) => d.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            },
        }
    }
}

fn build(doc: &Doc<'_>, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut lock = Lock::new(F, bytes, limits);
    lock.inv.document.spec_version = Some(match doc.version {
        Some(n) => n.to_string(),
        None if !doc.v1_checksums.is_empty() => "1".to_owned(),
        None => "2".to_owned(),
    });

    struct Pkg<'a> {
        at: String,
        name: &'a str,
        version: &'a str,
        deps: &'a [&'a str],
    }
    let mut pkgs = Vec::with_capacity(doc.packages.len());
    let mut ids: HashMap<(&str, &str), String> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<String>> = HashMap::new();
    for (i, package) in doc.packages.iter().enumerate() {
        let at = format!("/package/{i}");
        let Some(package) = package else {
            return Err(lock.error(at, "expected a table"));
        };
        let (Some(name), Some(version)) = (package.name, package.version) else {
            return Err(lock.error(at, "a package needs `name` and `version`"));
        };
        let source = package.source;
        match source {
            Some(s) if CRATES_IO_SOURCES.contains(&s) => {}
            Some(s) if s.starts_with("git+") => {
                lock.warn(at.clone(), format!("{name} {version}: from git ({s})"))
            }
            Some(s) => lock.warn(
                at.clone(),
                format!("{name} {version}: from another registry ({s})"),
            ),
            None => lock.warn(
                at.clone(),
                format!("{name} {version}: path or workspace crate, not from a registry"),
            ),
        }
        let mut c = lock.package(&at, CRATES_IO, name, version);
        let checksum = package.checksum.or_else(|| {
            let key = match source {
                Some(s) => format!("{name} {version} ({s})"),
                None => format!("{name} {version}"),
            };
            doc.v1_checksums.get(key.as_str()).copied()
        });
        if let Some(checksum) = checksum {
            match hex_hash("SHA-256", checksum) {
                Some(h) => c.hashes.push(h),
                None => lock.warn(format!("{at}/checksum"), "not hex: ignored"),
            }
        }
        let id = lock.add(&at, c)?;
        ids.insert((name, version), id.clone());
        by_name.entry(name).or_default().push(id);
        pkgs.push(Pkg {
            at,
            name,
            version,
            deps: &package.dependencies,
        });
    }

    // `name`, `name version` or `name version (source)`.
    for p in &pkgs {
        let Some(from) = ids.get(&(p.name, p.version)) else {
            continue;
        };
        for dep in p.deps {
            let mut words = dep.split_whitespace();
            let name = words.next().unwrap_or_default();
            let target = match words.next() {
                Some(version) => ids.get(&(name, version)),
                None => match by_name.get(name).map(Vec::as_slice) {
                    Some([only]) => Some(only),
                    _ => None,
                },
            };
            match target {
                Some(to) => lock.edge(from, to),
                None => lock.warn(
                    format!("{}/dependencies", p.at),
                    format!("{dep}: no such package in the lockfile"),
                ),
            }
        }
    }
    Ok(lock.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lockfile(path: &str) -> String {
        let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    const REAL: &[&str] = &[
        "../../Cargo.lock",
        "../../fuzz/Cargo.lock",
        "tests/data/lockfiles/cargo/v1-Cargo.lock",
        "tests/data/lockfiles/cargo/v2-Cargo.lock",
        "tests/data/lockfiles/cargo/v3-Cargo.lock",
        "tests/data/lockfiles/cargo/v4-Cargo.lock",
    ];

    /// Cargo's own lockfiles, of every version, are read without the TOML
    /// parser, to what the parser reads from them.
    #[test]
    fn both_readers_agree_on_cargos_lockfiles() {
        let limits = Limits::default();
        for path in REAL {
            let text = lockfile(path);
            let fast = canonical::read(&text, &limits)
                .unwrap_or_else(|| panic!("{path}: not read as Cargo's layout"));
            let table = super::super::common::toml_text(F, &text, &limits).unwrap();
            assert_eq!(fast, Doc::of_table(&table).unwrap(), "{path}");
            assert!(!fast.packages.is_empty(), "{path}");
        }
    }

    /// Texts at the edges of the layout, read here, give what the parser
    /// gives: non-ASCII text, empty and inline arrays, a repeated package,
    /// and the errors of a package without a version.
    #[test]
    fn edge_cases_of_the_layout_are_read_as_the_parser_reads_them() {
        let limits = Limits::default();
        for text in [
            "# 日本語のコメント é\u{2028}\nversion = 0\n",
            "[[package]]\nname = \"名前\"\nversion = \"1.0.0\"\ndependencies = []\n",
            "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\t\"a\" ,\n\n]\n\
             [[package]]\nname = \"a\"\nversion = \"1.0.0\"\nchecksum = \"AB\"\n",
            "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nchecksum = \"xyz\"\n",
            "[[package]]\nname = \"a\"\n",
            "[[package]]\n",
            "",
        ] {
            assert!(canonical::read(text, &limits).is_some(), "{text:?}");
            assert_eq!(
                parse(text.as_bytes(), &limits),
                parse_via_toml(text.as_bytes(), &limits),
                "{text:?}"
            );
        }
    }

    /// The same lockfile in other layouts goes to the parser and gives the
    /// same inventory.
    #[test]
    fn other_layouts_are_parsed_alike() {
        let limits = Limits::default();
        let text = lockfile("../../Cargo.lock");
        let fast = parse(text.as_bytes(), &limits).unwrap();
        for variant in [
            text.replace('\n', "\r\n"),
            text.replacen("version = 4", "version = 4 # the format", 1),
            text.replace("[[package]]", "[[ package ]]"),
            text.replace(" = ", "="),
            text.replace("\n \"", "\n # a dependency\n \""),
            text.replacen("# It is", "# [It] is", 1),
            format!("{text}\n[metadata]\n[[patch.unused]]\nname = \"x\"\nversion = \"1.0.0\"\n"),
        ] {
            assert!(canonical::read(&variant, &limits).is_none(), "{variant}");
            let parsed = parse(variant.as_bytes(), &limits).unwrap();
            assert_eq!(parsed.components, fast.components);
            assert_eq!(parsed.dependencies, fast.dependencies);
            assert_eq!(parsed.warnings, fast.warnings);
            assert_eq!(parsed.document.spec_version, fast.document.spec_version);
        }
    }
}
