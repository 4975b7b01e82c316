//! Identity and order, part one: how versions compare.
//!
//! * [`Scheme`]: one version ordering per ecosystem (SemVer, crates.io, Go, npm,
//!   PyPI, Maven, NuGet, RubyGems, Packagist, Pub, Hex, CRAN, Hackage, Debian,
//!   RPM, Alpine) plus a documented [generic](scheme::generic) ordering for
//!   free-form product versions.
//! * [`Version`]: a parsed, validated version of one scheme. Versions of the same
//!   scheme are totally ordered; versions of different schemes are unordered.
//!
//! Every parser rejects what its ecosystem would reject, with a reason; there is
//! no silent fallback from one scheme to another.

pub mod ecosystem;
mod error;
pub mod osv;
pub mod scheme;
pub mod vers;

pub use error::{UnknownScheme, VersionError};
pub use scheme::{Scheme, Version};
