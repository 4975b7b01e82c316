//! RPM package lists, one package a line, as printed by
//! `rpm -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n'`.
//!
//! The epoch part is optional (`(none)` or absent means no epoch), so is the
//! `%{SOURCERPM}` column (`name-version-release.src.rpm` → the source
//! package). `gpg-pubkey` entries are the keys rpm imported, not packages:
//! skipped. The RPM database itself (`var/lib/rpm`, Berkeley DB, NDB or
//! SQLite) is not read: that needs rpm.

use super::{Packaging, warn};
use crate::{InventoryError, Limits};
use yata_model::inventory::Inventory;

pub(super) fn read(
    text: &str,
    packaging: &Packaging,
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    for (i, line) in text.lines().enumerate() {
        let path = format!("line {}", i + 1);
        let mut words = line.split_ascii_whitespace();
        let Some(name) = words.next() else {
            continue;
        };
        if name.starts_with('#') || name == "gpg-pubkey" {
            continue;
        }
        let Some(evr) = words.next() else {
            warn(inv, &path, format!("package {name:?} has no version"));
            continue;
        };
        let arch = words.next().filter(|a| *a != "(none)");
        let source_rpm = words.next().filter(|s| *s != "(none)");
        let (epoch, vr) = match evr.split_once(':') {
            Some((e, vr)) if e == "(none)" || e.is_empty() => (None, vr),
            Some((e, vr)) if e.bytes().all(|b| b.is_ascii_digit()) => (Some(e), vr),
            Some(_) => {
                warn(inv, &path, format!("{evr:?} is not EPOCH:VERSION-RELEASE"));
                continue;
            }
            None => (None, evr),
        };
        if !vr.contains('-') {
            warn(
                inv,
                &path,
                format!("{vr:?} has no release (VERSION-RELEASE expected)"),
            );
        }
        let mut c = packaging.component(
            name,
            Some(vr),
            &[("arch", arch), ("epoch", epoch)],
            inv,
            &path,
        );
        if let Some((src, src_vr)) = source_rpm.and_then(split_source_rpm) {
            c.source_package = Some(src.to_owned());
            c.source_version = (src_vr != vr).then(|| src_vr.to_owned());
        }
        packaging.push(c, limits, inv, &path)?;
    }
    Ok(())
}

/// `openssl-3.0.7-27.el9.src.rpm` → (`openssl`, `3.0.7-27.el9`).
fn split_source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let (name_version, release) = stem.rsplit_once('-')?;
    let (name, version) = name_version.rsplit_once('-')?;
    let vr = &stem[name.len() + 1..];
    (!name.is_empty() && !version.is_empty() && !release.is_empty()).then_some((name, vr))
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_rpm() {
        assert_eq!(
            super::split_source_rpm("openssl-3.0.7-27.el9.src.rpm"),
            Some(("openssl", "3.0.7-27.el9"))
        );
        assert_eq!(super::split_source_rpm("x.src.rpm"), None);
    }
}
