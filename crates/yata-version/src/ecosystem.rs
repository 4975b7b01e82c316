//! OSV ecosystems: names (with release suffixes such as `Debian:12`,
//! `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `Red Hat:rhel_aus:8.4::appstream`), their
//! version orderings, their PURL types, and how package names are normalised
//! within each so that an advisory's name and an inventory's name meet.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::Scheme;

macro_rules! kinds {
    ($( $variant:ident = $name:literal, scheme: $scheme:expr, purl: $purl:expr; )*) => {
        /// The ecosystems that the OSV schema defines.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum EcosystemKind {
            $( $variant, )*
        }

        impl EcosystemKind {
            pub const ALL: &'static [EcosystemKind] = &[$(EcosystemKind::$variant),*];

            /// The OSV spelling.
            pub fn name(self) -> &'static str {
                match self { $(EcosystemKind::$variant => $name,)* }
            }

            /// The version ordering of `ECOSYSTEM` ranges, if the ecosystem has
            /// a well-defined one.
            pub fn scheme(self) -> Option<Scheme> {
                match self { $(EcosystemKind::$variant => $scheme,)* }
            }

            /// The PURL type and, for distributions, the PURL namespace.
            pub fn purl(self) -> Option<(&'static str, Option<&'static str>)> {
                match self { $(EcosystemKind::$variant => $purl,)* }
            }
        }
    };
}

kinds! {
    AlmaLinux = "AlmaLinux", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("almalinux")));
    Alpaquita = "Alpaquita", scheme: Some(Scheme::Alpine), purl: Some(("apk", Some("alpaquita")));
    Alpine = "Alpine", scheme: Some(Scheme::Alpine), purl: Some(("apk", Some("alpine")));
    Android = "Android", scheme: None, purl: None;
    BellSoftHardenedContainers = "BellSoft Hardened Containers", scheme: Some(Scheme::Alpine), purl: None;
    Bioconductor = "Bioconductor", scheme: Some(Scheme::Cran), purl: None;
    Bitnami = "Bitnami", scheme: Some(Scheme::SemVer), purl: Some(("bitnami", None));
    Chainguard = "Chainguard", scheme: Some(Scheme::Alpine), purl: Some(("apk", Some("chainguard")));
    CleanStart = "CleanStart", scheme: None, purl: None;
    ConanCenter = "ConanCenter", scheme: None, purl: Some(("conan", None));
    Cran = "CRAN", scheme: Some(Scheme::Cran), purl: Some(("cran", None));
    CratesIo = "crates.io", scheme: Some(Scheme::Cargo), purl: Some(("cargo", None));
    Debian = "Debian", scheme: Some(Scheme::Debian), purl: Some(("deb", Some("debian")));
    DockerHardenedImages = "Docker Hardened Images", scheme: None, purl: None;
    Echo = "Echo", scheme: None, purl: None;
    FreeBsd = "FreeBSD", scheme: None, purl: None;
    Ghc = "GHC", scheme: Some(Scheme::Hackage), purl: None;
    GitHubActions = "GitHub Actions", scheme: Some(Scheme::SemVer), purl: Some(("github", None));
    Go = "Go", scheme: Some(Scheme::Go), purl: Some(("golang", None));
    Hackage = "Hackage", scheme: Some(Scheme::Hackage), purl: Some(("hackage", None));
    Hex = "Hex", scheme: Some(Scheme::Hex), purl: Some(("hex", None));
    Julia = "Julia", scheme: Some(Scheme::SemVer), purl: Some(("julia", None));
    Kubernetes = "Kubernetes", scheme: Some(Scheme::SemVer), purl: None;
    Linux = "Linux", scheme: None, purl: None;
    Mageia = "Mageia", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("mageia")));
    Maven = "Maven", scheme: Some(Scheme::Maven), purl: Some(("maven", None));
    MinimOs = "MinimOS", scheme: Some(Scheme::Alpine), purl: Some(("apk", Some("minimos")));
    Npm = "npm", scheme: Some(Scheme::Npm), purl: Some(("npm", None));
    NuGet = "NuGet", scheme: Some(Scheme::NuGet), purl: Some(("nuget", None));
    Opam = "opam", scheme: None, purl: Some(("opam", None));
    OpenEuler = "openEuler", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("openeuler")));
    OpenSuse = "openSUSE", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("opensuse")));
    OssFuzz = "OSS-Fuzz", scheme: None, purl: None;
    Packagist = "Packagist", scheme: Some(Scheme::Packagist), purl: Some(("composer", None));
    PhotonOs = "Photon OS", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("photon")));
    Pub = "Pub", scheme: Some(Scheme::Pub), purl: Some(("pub", None));
    PyPI = "PyPI", scheme: Some(Scheme::PyPI), purl: Some(("pypi", None));
    RedHat = "Red Hat", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("redhat")));
    RockyLinux = "Rocky Linux", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("rocky-linux")));
    Root = "Root", scheme: None, purl: None;
    RubyGems = "RubyGems", scheme: Some(Scheme::RubyGems), purl: Some(("gem", None));
    Suse = "SUSE", scheme: Some(Scheme::Rpm), purl: Some(("rpm", Some("suse")));
    SwiftUrl = "SwiftURL", scheme: Some(Scheme::SemVer), purl: Some(("swift", None));
    Ubuntu = "Ubuntu", scheme: Some(Scheme::Debian), purl: Some(("deb", Some("ubuntu")));
    VsCode = "VSCode", scheme: Some(Scheme::SemVer), purl: Some(("vscode-extension", None));
    Wolfi = "Wolfi", scheme: Some(Scheme::Alpine), purl: Some(("apk", Some("wolfi")));
}

impl fmt::Display for EcosystemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An ecosystem name that OSV does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OSV ecosystem {0:?}")]
pub struct UnknownEcosystem(pub Box<str>);

/// An OSV ecosystem string: a kind and an optional release (`Debian:12` has
/// kind Debian and release `12`; `Maven:https://maven.google.com` has the
/// repository as its "release").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ecosystem {
    kind: EcosystemKind,
    release: Option<Box<str>>,
}

impl Ecosystem {
    pub fn new(kind: EcosystemKind, release: Option<&str>) -> Ecosystem {
        Ecosystem {
            kind,
            release: release.filter(|r| !r.is_empty()).map(Into::into),
        }
    }

    pub fn kind(&self) -> EcosystemKind {
        self.kind
    }

    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// The version ordering of `ECOSYSTEM` ranges. `Root:<Base>:…` takes the
    /// ordering of the base it repackages (`Root:Alpine:3.18` → Alpine).
    pub fn scheme(&self) -> Option<Scheme> {
        if self.kind == EcosystemKind::Root {
            let base = self.release()?.split(':').next()?;
            return base.parse::<Ecosystem>().ok()?.scheme();
        }
        self.kind.scheme()
    }

    /// Whether an advisory for `self` applies to a package of ecosystem
    /// `installed`: same kind, and `self` names no release or the same one.
    /// `Debian` covers `Debian:12`; `Debian:11` does not cover `Debian:12`.
    pub fn covers(&self, installed: &Ecosystem) -> bool {
        self.kind == installed.kind
            && match (&self.release, &installed.release) {
                (None, _) => true,
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
            }
    }

    /// Normalises a package name the way the ecosystem compares names, so
    /// that names from advisories and inventories meet:
    ///
    /// * PyPI: PEP 503 (lowercase; runs of `-`, `_`, `.` become one `-`);
    /// * crates.io: lowercase, `_` as `-` (crates.io treats them as one);
    /// * NuGet, Packagist, Pub, Hex, GitHub Actions, Debian, Ubuntu:
    ///   case-insensitive, so lowercase;
    /// * everything else (npm, Maven `group:artifact`, Go module paths,
    ///   RubyGems, RPM, Alpine, CRAN, Hackage, …) is case-sensitive: unchanged.
    pub fn normalize_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        use EcosystemKind as K;
        match self.kind {
            K::PyPI => Cow::Owned(pep503(name)),
            K::CratesIo => {
                if name.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') {
                    Cow::Owned(name.to_ascii_lowercase().replace('_', "-"))
                } else {
                    Cow::Borrowed(name)
                }
            }
            K::NuGet
            | K::Packagist
            | K::Pub
            | K::Hex
            | K::GitHubActions
            | K::Debian
            | K::Ubuntu => lowercase(name),
            _ => Cow::Borrowed(name),
        }
    }

    /// The ecosystem and package name that a package identified by PURL
    /// components belongs to, or `None` when no OSV ecosystem covers its type.
    ///
    /// `distro` is the PURL's `distro` qualifier: for `deb` and `apk` it
    /// selects the release (`debian-12`, `bookworm`, `ubuntu-22.04`, `jammy`,
    /// `alpine-3.20`, `3.20.3`). A distribution package without a recognisable
    /// release gets the ecosystem without a release, which only release-less
    /// advisories cover.
    pub fn from_purl(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        distro: Option<&str>,
    ) -> Option<(Ecosystem, String)> {
        use EcosystemKind as K;
        let ns = namespace.map(|n| n.to_ascii_lowercase());
        let kind = EcosystemKind::ALL.iter().copied().find(|k| match k.purl() {
            Some((t, None)) => t == ty,
            Some((t, Some(n))) => t == ty && ns.as_deref() == Some(n),
            None => false,
        });
        let kind = match (kind, ty, ns.as_deref()) {
            (Some(k), _, _) => k,
            (None, "rpm", Some("rocky")) => K::RockyLinux,
            (None, "rpm", Some("photon-os")) => K::PhotonOs,
            (None, "rpm", Some("opensuse-leap" | "opensuse-tumbleweed")) => K::OpenSuse,
            (None, "rpm", Some("sles" | "sled")) => K::Suse,
            _ => return None,
        };
        let release = distro.and_then(|d| distro_release(kind, d));
        let name = match (kind, namespace) {
            (K::Maven, Some(group)) => format!("{group}:{name}"),
            (K::Npm | K::Go | K::Packagist | K::GitHubActions | K::SwiftUrl, Some(ns)) => {
                format!("{ns}/{name}")
            }
            _ => name.to_owned(),
        };
        Some((Ecosystem::new(kind, release.as_deref()), name))
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.name())?;
        if let Some(r) = &self.release {
            write!(f, ":{r}")?;
        }
        Ok(())
    }
}

impl FromStr for Ecosystem {
    type Err = UnknownEcosystem;

    /// The OSV spelling, with an optional `:release` suffix; case-insensitive
    /// on the kind, printed back canonically.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (base, release) = match s.split_once(':') {
            Some((b, r)) => (b, Some(r)),
            None => (s, None),
        };
        let kind = EcosystemKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == base)
            .or_else(|| {
                EcosystemKind::ALL
                    .iter()
                    .copied()
                    .find(|k| k.name().eq_ignore_ascii_case(base))
            })
            .ok_or_else(|| UnknownEcosystem(s.into()))?;
        Ok(Ecosystem::new(kind, release))
    }
}

fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// PEP 503: `re.sub(r"[-_.]+", "-", name).lower()`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

const DEBIAN_CODENAMES: &[(&str, &str)] = &[
    ("buzz", "1.1"),
    ("rex", "1.2"),
    ("bo", "1.3"),
    ("hamm", "2.0"),
    ("slink", "2.1"),
    ("potato", "2.2"),
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
    ("sid", "sid"),
];

/// Ubuntu releases: codename, number, LTS.
const UBUNTU_RELEASES: &[(&str, &str, bool)] = &[
    ("precise", "12.04", true),
    ("trusty", "14.04", true),
    ("xenial", "16.04", true),
    ("bionic", "18.04", true),
    ("cosmic", "18.10", false),
    ("disco", "19.04", false),
    ("eoan", "19.10", false),
    ("focal", "20.04", true),
    ("groovy", "20.10", false),
    ("hirsute", "21.04", false),
    ("impish", "21.10", false),
    ("jammy", "22.04", true),
    ("kinetic", "22.10", false),
    ("lunar", "23.04", false),
    ("mantic", "23.10", false),
    ("noble", "24.04", true),
    ("oracular", "24.10", false),
    ("plucky", "25.04", false),
    ("questing", "25.10", false),
    ("resolute", "26.04", true),
];

/// The OSV release suffix for a PURL `distro` qualifier value.
fn distro_release(kind: EcosystemKind, distro: &str) -> Option<String> {
    let d = distro.trim().to_ascii_lowercase();
    match kind {
        EcosystemKind::Debian => {
            let d = d.strip_prefix("debian-").unwrap_or(&d);
            if let Some((_, n)) = DEBIAN_CODENAMES.iter().find(|(c, _)| *c == d) {
                return Some((*n).to_owned());
            }
            // "12", "12.5" → "12" (OSV uses the major release from 4 on).
            let major = d.split('.').next()?;
            (!major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()))
                .then(|| major.to_owned())
        }
        EcosystemKind::Ubuntu => {
            let d = d.strip_prefix("ubuntu-").unwrap_or(&d);
            let (number, lts) = match UBUNTU_RELEASES.iter().find(|(c, _, _)| *c == d) {
                Some((_, n, lts)) => (*n, *lts),
                None => {
                    // "22.04" or "22.04.3"
                    let mut parts = d.split('.');
                    let (y, m) = (parts.next()?, parts.next()?);
                    let number = UBUNTU_RELEASES
                        .iter()
                        .find(|(_, n, _)| *n == format!("{y}.{m}"))?;
                    (number.1, number.2)
                }
            };
            Some(if lts {
                format!("{number}:LTS")
            } else {
                number.to_owned()
            })
        }
        EcosystemKind::Alpine => {
            let d = d.strip_prefix("alpine-").unwrap_or(&d);
            let d = d.strip_prefix('v').unwrap_or(d);
            let mut parts = d.split('.');
            let (major, minor) = (parts.next()?, parts.next()?);
            let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            (numeric(major) && numeric(minor)).then(|| format!("v{major}.{minor}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eco(s: &str) -> Ecosystem {
        s.parse().unwrap()
    }

    #[test]
    fn names_round_trip_with_releases() {
        for s in [
            "Debian:12",
            "Alpine:v3.20",
            "Ubuntu:22.04:LTS",
            "Ubuntu:Pro:18.04:LTS",
            "Red Hat:rhel_aus:8.4::appstream",
            "Maven:https://maven.google.com",
            "crates.io",
            "GitHub Actions",
        ] {
            assert_eq!(eco(s).to_string(), s);
        }
        assert_eq!(eco("pypi").to_string(), "PyPI");
        assert!("Nonesuch".parse::<Ecosystem>().is_err());
    }

    #[test]
    fn schemes() {
        assert_eq!(eco("Debian:12").scheme(), Some(Scheme::Debian));
        assert_eq!(eco("Ubuntu:22.04:LTS").scheme(), Some(Scheme::Debian));
        assert_eq!(eco("Rocky Linux:9").scheme(), Some(Scheme::Rpm));
        assert_eq!(eco("Root:Alpine:3.18").scheme(), Some(Scheme::Alpine));
        assert_eq!(eco("Root:PyPI").scheme(), Some(Scheme::PyPI));
        assert_eq!(eco("Linux").scheme(), None);
    }

    #[test]
    fn release_coverage() {
        assert!(eco("Debian").covers(&eco("Debian:12")));
        assert!(eco("Debian:12").covers(&eco("Debian:12")));
        assert!(!eco("Debian:11").covers(&eco("Debian:12")));
        assert!(!eco("Debian:12").covers(&eco("Debian")));
        assert!(!eco("Ubuntu:22.04:LTS").covers(&eco("Debian:12")));
    }

    #[test]
    fn name_normalisation() {
        let check = |e: &str, name: &str, want: &str| {
            assert_eq!(eco(e).normalize_name(name), want, "{e} {name}")
        };
        check("PyPI", "Django_REST.framework", "django-rest-framework");
        check("PyPI", "zope..interface", "zope-interface");
        check("crates.io", "Serde_JSON", "serde-json");
        check("NuGet", "Newtonsoft.Json", "newtonsoft.json");
        check("npm", "JSONStream", "JSONStream");
        check("Maven", "org.Apache:Foo", "org.Apache:Foo");
        check(
            "Go",
            "github.com/BurntSushi/toml",
            "github.com/BurntSushi/toml",
        );
    }

    #[test]
    fn from_purl_components() {
        let check = |ty, ns, name, distro, want_eco: &str, want_name: &str| {
            let (e, n) = Ecosystem::from_purl(ty, ns, name, distro).unwrap();
            assert_eq!((e.to_string().as_str(), n.as_str()), (want_eco, want_name));
        };
        check("pypi", None, "django", None, "PyPI", "django");
        check(
            "maven",
            Some("org.apache.logging.log4j"),
            "log4j-core",
            None,
            "Maven",
            "org.apache.logging.log4j:log4j-core",
        );
        check("npm", Some("@babel"), "core", None, "npm", "@babel/core");
        check(
            "golang",
            Some("golang.org/x"),
            "net",
            None,
            "Go",
            "golang.org/x/net",
        );
        check(
            "deb",
            Some("debian"),
            "openssl",
            Some("debian-12"),
            "Debian:12",
            "openssl",
        );
        check(
            "deb",
            Some("debian"),
            "openssl",
            Some("bookworm"),
            "Debian:12",
            "openssl",
        );
        check(
            "deb",
            Some("ubuntu"),
            "openssl",
            Some("jammy"),
            "Ubuntu:22.04:LTS",
            "openssl",
        );
        check(
            "deb",
            Some("ubuntu"),
            "openssl",
            Some("ubuntu-23.10"),
            "Ubuntu:23.10",
            "openssl",
        );
        check(
            "apk",
            Some("alpine"),
            "musl",
            Some("alpine-3.20.3"),
            "Alpine:v3.20",
            "musl",
        );
        check(
            "deb",
            Some("debian"),
            "openssl",
            Some("nonsense"),
            "Debian",
            "openssl",
        );
        check("rpm", Some("redhat"), "openssl", None, "Red Hat", "openssl");
        assert!(Ecosystem::from_purl("deb", Some("kali"), "x", None).is_none());
        assert!(Ecosystem::from_purl("generic", None, "x", None).is_none());
    }

    #[test]
    fn every_kind_with_a_purl_maps_back() {
        for &k in EcosystemKind::ALL {
            if let Some((ty, ns)) = k.purl() {
                let (e, _) = Ecosystem::from_purl(ty, ns, "x", None).unwrap();
                assert_eq!(e.kind(), k);
            }
        }
    }
}
