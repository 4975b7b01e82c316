//! Gradle dependency locking `gradle.lockfile`
//! (<https://docs.gradle.org/current/userguide/dependency_locking.html>).
//!
//! Each `group:artifact:version=configuration,…` line is a Maven component;
//! one locked only in test configurations (`testCompileClasspath`,
//! `integrationTestRuntimeClasspath`, `androidTestImplementation…`) has scope
//! `test`. The `empty=` line lists configurations that resolve to nothing and
//! is noted in the metadata. Comments start with `#`.

use super::common::{Lock, MAVEN, package_in, text};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::GradleLockfile;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let mut b = Lock::new(F, bytes, limits);
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (coords, configs) = line.split_once('=').unwrap_or((line, ""));
        if coords == "empty" {
            if !configs.is_empty() {
                b.inv
                    .document
                    .metadata
                    .insert("empty".into(), configs.to_owned());
            }
            continue;
        }
        let parts: Vec<&str> = coords.split(':').collect();
        let [group, artifact, version] = parts[..] else {
            return Err(InventoryError::new(
                F,
                format!("line {n}"),
                format!("expected group:artifact:version, found {coords:?}"),
            ));
        };
        if group.is_empty() || artifact.is_empty() || version.is_empty() {
            return Err(InventoryError::new(
                F,
                format!("line {n}"),
                format!("empty part in {coords:?}"),
            ));
        }
        let mut c = package_in(MAVEN, Some(group), artifact, Some(version), &[]).0;
        let configs: Vec<&str> = configs
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if !configs.is_empty() && configs.iter().all(|c| is_test(c)) {
            c.scope = Some("test".into());
        }
        b.insert(&format!("line {n}"), c)?;
    }
    Ok(b.finish())
}

/// A configuration of test code: `test…` or `…Test…` in camel case.
fn is_test(config: &str) -> bool {
    config.starts_with("test") || config.contains("Test")
}
