//! Dart/Flutter `pubspec.lock` (<https://dart.dev/tools/pub/glossary#lockfile>).
//!
//! Every `packages` entry from a `hosted` or `git` source is a component
//! (`direct dev` → scope `dev`; hosted `sha256` as a hash; git `url` and
//! `resolved-ref` as a `vcs_url` qualifier). `sdk` and `path` packages are
//! not published versions and are skipped with a warning. The `sdks`
//! constraints are noted in the metadata. The lockfile records no edges.

use serde_json::Value;

use super::common::{Lock, PUB, hash, package_in, pointer_token, text, yaml};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::PubspecLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let doc = yaml(F, text, limits)?;
    let mut b = Lock::new(F, bytes, limits);
    let root = match &doc {
        Value::Object(o) => o,
        Value::Null => return Ok(b.finish()),
        _ => return Err(InventoryError::new(F, "", "expected a mapping")),
    };
    if let Some(sdks) = root.get("sdks").and_then(Value::as_object) {
        for (sdk, constraint) in sdks {
            if let Some(c) = constraint.as_str() {
                b.inv
                    .document
                    .metadata
                    .insert(format!("sdk.{sdk}"), c.to_owned());
            }
        }
    }
    let packages = match root.get("packages") {
        None | Some(Value::Null) => return Ok(b.finish()),
        Some(Value::Object(o)) => o,
        Some(_) => return Err(InventoryError::new(F, "/packages", "expected a mapping")),
    };
    for (key, p) in packages {
        let path = format!("/packages/{}", pointer_token(key));
        let Some(p) = p.as_object() else {
            return Err(InventoryError::new(F, path, "expected a mapping"));
        };
        let source = p.get("source").and_then(Value::as_str).unwrap_or("");
        let version = p.get("version").and_then(Value::as_str);
        let desc = p.get("description");
        let name = desc
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .filter(|_| source == "hosted")
            .unwrap_or(key);
        let vcs;
        let mut q: Vec<(&str, &str)> = Vec::new();
        match source {
            "hosted" => {
                if let Some(url) = desc.and_then(|d| d.get("url")).and_then(Value::as_str)
                    && !matches!(
                        url.trim_end_matches('/'),
                        "https://pub.dev" | "https://pub.dartlang.org"
                    )
                {
                    q.push(("repository_url", url));
                }
            }
            "git" => {
                let url = desc.and_then(|d| d.get("url")).and_then(Value::as_str);
                let rev = desc
                    .and_then(|d| d.get("resolved-ref"))
                    .and_then(Value::as_str);
                vcs = match (url, rev) {
                    (Some(u), Some(r)) => Some(format!("git+{u}@{r}")),
                    (Some(u), None) => Some(format!("git+{u}")),
                    _ => None,
                };
                if let Some(v) = &vcs {
                    q.push(("vcs_url", v));
                }
            }
            "sdk" | "path" => {
                b.warn(
                    &path,
                    format!(
                        "{key} comes from the {source} source, not a published version; skipped"
                    ),
                );
                continue;
            }
            other => {
                b.warn(
                    format!("{path}/source"),
                    format!("unknown source {other:?}; skipped"),
                );
                continue;
            }
        }
        if version.is_none() {
            b.warn(format!("{path}/version"), "missing; kept without version");
        }
        let mut c = package_in(PUB, None, name, version, &q).0;
        match p.get("dependency").and_then(Value::as_str) {
            Some("direct dev") => c.scope = Some("dev".into()),
            Some("direct main" | "transitive" | "direct overridden") => {}
            Some(other) => b.warn(
                format!("{path}/dependency"),
                format!("unknown dependency kind {other:?}"),
            ),
            None => {}
        }
        if let Some(sha) = desc.and_then(|d| d.get("sha256")).and_then(Value::as_str) {
            c.hashes.push(hash("SHA-256", sha));
        }
        b.insert(&path, c)?;
    }
    Ok(b.finish())
}
