//! apk-tools' installed database (`lib/apk/db/installed`): blank-line
//! separated records of `X:value` lines (the apk "installed database"
//! format). Read: `P` name, `V` version, `A` arch, `o` origin (the source
//! package), `m` maintainer, `L` licence, `C` checksum (`Q1` + base64
//! SHA-1, kept as written). File lines (`F`, `R`, `a`, `Z`, …) are skipped.

use super::{Packaging, stanzas, warn};
use crate::{InventoryError, Limits};
use yata_model::inventory::{Hash, Inventory};

pub(super) fn read(
    text: &str,
    packaging: &Packaging,
    limits: &Limits,
    inv: &mut Inventory,
) -> Result<(), InventoryError> {
    for stanza in stanzas(text) {
        let path = format!("line {}", stanza[0].0);
        let (mut name, mut version, mut arch, mut origin) = (None, None, None, None);
        let (mut maintainer, mut license, mut checksum) = (None, None, None);
        for &(n, line) in &stanza {
            let mut chars = line.chars();
            let (Some(key), Some(':')) = (chars.next(), chars.next()) else {
                warn(inv, &format!("line {n}"), "not an `X:value` line");
                continue;
            };
            let value = Some(chars.as_str().trim()).filter(|v| !v.is_empty());
            match key {
                'P' => name = value,
                'V' => version = value,
                'A' => arch = value,
                'o' => origin = value,
                'm' => maintainer = value,
                'L' => license = value,
                'C' => checksum = value,
                _ => {}
            }
        }
        let Some(name) = name else {
            // A record of only file lines belongs to no package.
            warn(
                inv,
                &path,
                "record without a P: (package name) line skipped",
            );
            continue;
        };
        if version.is_none() {
            warn(inv, &path, format!("package {name:?} has no V: line"));
        }
        let mut c = packaging.component(name, version, &[("arch", arch)], inv, &path);
        c.source_package = Some(origin.unwrap_or(name).to_owned());
        c.supplier = maintainer.map(str::to_owned);
        c.licenses = license.map(str::to_owned).into_iter().collect();
        if let Some(sum) = checksum {
            let alg = if sum.starts_with("Q1") {
                "SHA-1"
            } else {
                "MD5"
            };
            c.hashes.push(Hash {
                alg: alg.to_owned(),
                value: sum.to_owned(),
            });
        }
        packaging.push(c, limits, inv, &path)?;
    }
    Ok(())
}
