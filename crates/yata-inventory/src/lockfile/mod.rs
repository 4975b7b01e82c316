//! Lockfiles and manifests: one module per format, each with
//! `parse(bytes, limits)`. Shared helpers and the `Lock` builder are in
//! `common`.

use crate::{Format, Inventory, InventoryError, Limits};

mod common;

mod cargo;
mod npm;
mod pipfile;
mod pnpm;
mod poetry;
mod requirements;
mod uv;
mod yarn;

mod composer;
mod gemfile;
mod gomod;
mod gradle;
mod mix;
mod nuget;
mod pom;
mod pubspec;

/// A `Cargo.lock` read by the TOML parser alone, never by the reader of
/// Cargo's own layout that [`parse`] tries first: for tests and the fuzz
/// target that compare the two.
#[doc(hidden)]
pub fn cargo_lock_via_toml(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    cargo::parse_via_toml(bytes, limits)
}

/// Parses one lockfile or manifest of `format`.
pub fn parse(format: Format, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    match format {
        Format::NpmLock => npm::parse(bytes, limits),
        Format::YarnLock => yarn::parse(bytes, limits),
        Format::PnpmLock => pnpm::parse(bytes, limits),
        Format::CargoLock => cargo::parse(bytes, limits),
        Format::PoetryLock => poetry::parse(bytes, limits),
        Format::UvLock => uv::parse(bytes, limits),
        Format::PipfileLock => pipfile::parse(bytes, limits),
        Format::Requirements => requirements::parse(bytes, limits),
        Format::GoMod => gomod::parse(bytes, limits),
        Format::GemfileLock => gemfile::parse(bytes, limits),
        Format::ComposerLock => composer::parse(bytes, limits),
        Format::PomXml => pom::parse(bytes, limits),
        Format::GradleLockfile => gradle::parse(bytes, limits),
        Format::NugetLock => nuget::parse(bytes, limits),
        Format::PubspecLock => pubspec::parse(bytes, limits),
        Format::MixLock => mix::parse(bytes, limits),
        other => Err(InventoryError::new(other, "", "not a lockfile format")),
    }
}
