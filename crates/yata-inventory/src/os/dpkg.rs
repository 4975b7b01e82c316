//! dpkg's `status` file (deb-control(5) paragraphs).
//!
//! A package counts as installed when its `Status` is `<want> ok installed`
//! (`install ok installed`, and `hold ok installed` for held packages);
//! packages with other statuses (`deinstall ok config-files`,
//! `install ok half-installed`, …) are skipped and counted in the metadata
//! key `not_installed`.

use super::{Packaging, stanzas, warn};
use crate::{InventoryError, Limits};
use yata_model::inventory::Inventory;

#[derive(Default)]
struct Fields<'a> {
    package: Option<&'a str>,
    version: Option<&'a str>,
    architecture: Option<&'a str>,
    source: Option<&'a str>,
    maintainer: Option<&'a str>,
    status: Option<&'a str>,
}

pub(super) fn read(
    text: &str,
    packaging: &Packaging,
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    let mut not_installed = 0usize;
    for stanza in stanzas(text) {
        let first = stanza[0].0;
        let path = format!("line {first}");
        let mut f = Fields::default();
        for &(n, line) in &stanza {
            if line.starts_with([' ', '\t']) || line.starts_with('#') {
                // A continuation line (Description, Conffiles) or a comment:
                // none of the fields read here spans lines.
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                warn(inv, &format!("line {n}"), "not a `Field: value` line");
                continue;
            };
            let value = value.trim();
            let slot = match key.trim() {
                k if k.eq_ignore_ascii_case("Package") => &mut f.package,
                k if k.eq_ignore_ascii_case("Version") => &mut f.version,
                k if k.eq_ignore_ascii_case("Architecture") => &mut f.architecture,
                k if k.eq_ignore_ascii_case("Source") => &mut f.source,
                k if k.eq_ignore_ascii_case("Maintainer") => &mut f.maintainer,
                k if k.eq_ignore_ascii_case("Status") => &mut f.status,
                _ => continue,
            };
            *slot = Some(value).filter(|v| !v.is_empty());
        }
        let Some(name) = f.package else {
            warn(inv, &path, "paragraph without a Package field skipped");
            continue;
        };
        let installed = match f.status {
            Some(status) => {
                let words: Vec<&str> = status.split_ascii_whitespace().collect();
                matches!(words.as_slice(), [_, "ok", "installed"])
            }
            None => {
                warn(
                    inv,
                    &path,
                    format!("package {name:?} has no Status; skipped"),
                );
                false
            }
        };
        if !installed {
            not_installed += 1;
            continue;
        }
        if f.version.is_none() {
            warn(
                inv,
                &path,
                format!("installed package {name:?} has no Version"),
            );
        }
        let mut c = packaging.component(name, f.version, &[("arch", f.architecture)], inv, &path);
        c.supplier = f.maintainer.map(str::to_owned);
        // `Source: name` or `Source: name (version)`; without it the source
        // package is the binary package.
        let (source, source_version) = match f.source {
            Some(s) => match s.split_once('(') {
                Some((n, v)) => (n.trim(), Some(v.trim_end_matches(')').trim())),
                None => (s, None),
            },
            None => (name, None),
        };
        c.source_package = Some(source.to_owned());
        c.source_version = source_version
            .filter(|v| !v.is_empty() && Some(*v) != f.version)
            .map(str::to_owned);
        packaging.push(c, limits, inv, &path)?;
    }
    inv.document
        .metadata
        .insert("not_installed".to_owned(), not_installed.to_string());
    Ok(())
}
