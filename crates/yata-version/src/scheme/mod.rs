//! The version schemes and the [`Version`] sum type over them.
//!
//! Each scheme lives in its own module as a validated type implementing
//! `FromStr<Err = VersionError>`, `Display` (the input exactly as given),
//! and `Ord`/`Eq` (equality is order-equality: `1.0 == 1.0.0` where the
//! ecosystem says so).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::ecosystem::Ecosystem;
use crate::{UnknownScheme, VersionError};

pub mod alpine;
pub mod cargo;
pub mod cran;
pub mod debian;
pub mod generic;
pub mod go;
pub mod hackage;
pub mod hex;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod packagist;
pub mod pub_;
pub mod pypi;
pub mod rpm;
pub mod rubygems;
pub mod semver;

#[cfg(test)]
mod laws;
pub(crate) mod natural;
pub(crate) mod num;

macro_rules! schemes {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $name:literal ),* $(,)?) => {
        /// A version ordering: one per ecosystem, plus `Generic`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Scheme {
            $( $(#[$doc])* $variant, )*
        }

        impl Scheme {
            /// Every scheme, in declaration order.
            pub const ALL: &'static [Scheme] = &[$(Scheme::$variant),*];

            /// The canonical name: the OSV ecosystem name where there is one.
            pub fn name(self) -> &'static str {
                match self { $(Scheme::$variant => $name,)* }
            }

            /// Parses `input` as a version of this scheme.
            pub fn parse(self, input: &str) -> Result<Version, VersionError> {
                match self { $(Scheme::$variant => input.parse::<$ty>().map(Version::$variant),)* }
            }
        }

        /// A parsed, valid version of some scheme.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum Version {
            $( $variant($ty), )*
        }

        impl Version {
            pub fn scheme(&self) -> Scheme {
                match self { $(Version::$variant(_) => Scheme::$variant,)* }
            }

            /// The order of two versions of the same scheme; `None` across schemes.
            pub fn try_cmp(&self, other: &Version) -> Option<Ordering> {
                match (self, other) {
                    $((Version::$variant(a), Version::$variant(b)) => Some(a.cmp(b)),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for Version {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(Version::$variant(v) => v.fmt(f),)* }
            }
        }
    };
}

schemes! {
    /// SemVer 2.0 as OSV's `SEMVER` range type applies it (lenient: a leading
    /// `v`, missing minor/patch, unbounded numbers).
    SemVer(semver::SemVersion) = "SemVer",
    /// crates.io: strict SemVer 2.0, build metadata ignored for precedence.
    Cargo(cargo::CargoVersion) = "crates.io",
    /// Go modules: `vX.Y.Z`, pseudo-versions, `+incompatible`.
    Go(go::GoVersion) = "Go",
    /// npm: node-semver.
    Npm(npm::NpmVersion) = "npm",
    /// PyPI: PEP 440, with pre-PEP 440 legacy versions ordered before all of them.
    PyPI(pypi::PypiVersion) = "PyPI",
    /// Maven: `ComparableVersion`.
    Maven(maven::MavenVersion) = "Maven",
    /// NuGet: `NuGetVersion` (four numeric parts, case-insensitive labels).
    NuGet(nuget::NugetVersion) = "NuGet",
    /// RubyGems: `Gem::Version`.
    RubyGems(rubygems::GemVersion) = "RubyGems",
    /// Packagist: Composer's `VersionParser` normalisation and `version_compare`.
    Packagist(packagist::PackagistVersion) = "Packagist",
    /// Pub (Dart): SemVer with build metadata ordered after the plain version.
    Pub(pub_::PubVersion) = "Pub",
    /// Hex (Erlang/Elixir): SemVer 2.0.
    Hex(hex::HexVersion) = "Hex",
    /// CRAN: R's `package_version` (integers separated by `.` or `-`).
    Cran(cran::CranVersion) = "CRAN",
    /// Hackage: Haskell PVP (integers separated by `.`).
    Hackage(hackage::HackageVersion) = "Hackage",
    /// Debian and Ubuntu: dpkg's ordering with epochs and `~`.
    Debian(debian::DebianVersion) = "Debian",
    /// RPM distributions: rpmvercmp with epoch, `~` and `^`.
    Rpm(rpm::RpmVersion) = "Red Hat",
    /// Alpine: apk-tools' ordering.
    Alpine(alpine::AlpineVersion) = "Alpine",
    /// Free-form vendor product versions (see [`generic`]).
    Generic(generic::GenericVersion) = "generic",
}

impl Scheme {
    /// Compares two version strings of this scheme.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        Ok(a.try_cmp(&b)
            .expect("both versions come from the same scheme"))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = UnknownScheme;

    /// Accepts OSV ecosystem names with a known ordering (with or without a
    /// release suffix such as `Debian:12`; see [`Ecosystem::scheme`]), the
    /// PURL type names of the same ecosystems, `SemVer` and `generic`,
    /// case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(scheme) = s.parse::<Ecosystem>().ok().and_then(|e| e.scheme()) {
            return Ok(scheme);
        }
        let scheme = match s.trim().to_ascii_lowercase().as_str() {
            "semver" => Scheme::SemVer,
            "cargo" => Scheme::Cargo,
            "golang" => Scheme::Go,
            "pep440" => Scheme::PyPI,
            "gem" => Scheme::RubyGems,
            "composer" => Scheme::Packagist,
            "deb" => Scheme::Debian,
            "redhat" | "rpm" => Scheme::Rpm,
            "apk" => Scheme::Alpine,
            "generic" => Scheme::Generic,
            _ => return Err(UnknownScheme(s.into())),
        };
        Ok(scheme)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.try_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.try_cmp(other)
    }
}

#[cfg(test)]
mod tests {
    use super::Scheme;

    /// The names `yata version cmp --ecosystem` promises to accept.
    #[test]
    fn command_line_names() {
        for (name, scheme) in [
            ("PyPI", Scheme::PyPI),
            ("npm", Scheme::Npm),
            ("Maven", Scheme::Maven),
            ("Go", Scheme::Go),
            ("crates.io", Scheme::Cargo),
            ("Debian", Scheme::Debian),
            ("Debian:12", Scheme::Debian),
            ("Ubuntu:22.04:LTS", Scheme::Debian),
            ("Alpine", Scheme::Alpine),
            ("Alpine:v3.20", Scheme::Alpine),
            ("Red Hat", Scheme::Rpm),
            ("RubyGems", Scheme::RubyGems),
            ("NuGet", Scheme::NuGet),
            ("Packagist", Scheme::Packagist),
            ("Pub", Scheme::Pub),
            ("Hex", Scheme::Hex),
            ("CRAN", Scheme::Cran),
            ("Hackage", Scheme::Hackage),
            ("SemVer", Scheme::SemVer),
            ("generic", Scheme::Generic),
            ("pypi", Scheme::PyPI),
            ("golang", Scheme::Go),
        ] {
            assert_eq!(name.parse::<Scheme>(), Ok(scheme), "{name}");
        }
        for scheme in Scheme::ALL {
            assert_eq!(scheme.name().parse::<Scheme>(), Ok(*scheme));
        }
        assert!("Linux".parse::<Scheme>().is_err());
        assert!("cobol".parse::<Scheme>().is_err());
    }
}
