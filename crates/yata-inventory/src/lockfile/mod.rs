//! Lockfiles and manifests, one module per format.
//!
//! TEMPORARY dispatcher on the `inv-lock2` branch: the shared version (and the
//! npm/yarn/pnpm/Cargo/Python modules) come from the lockfile colleague's
//! branch at merge.
use crate::{Format, Inventory, InventoryError, Limits};

pub mod cargo;
pub mod common2;
pub mod composer;
pub mod gemfile;
pub mod gomod;
pub mod gradle;
pub mod mix;
pub mod npm;
pub mod nuget;
pub mod pipfile;
pub mod pnpm;
pub mod poetry;
pub mod pom;
pub mod pubspec;
pub mod requirements;
pub mod uv;
pub mod yarn;

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
