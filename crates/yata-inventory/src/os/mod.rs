//! Operating-system package databases: dpkg `status`, apk `installed`, and
//! RPM package lists, to components with distribution PURLs and OSV
//! ecosystems.
//!
//! * [`parse`] and [`parse_with_distro`] read the bytes of one database. A
//!   package database does not say which distribution release it belongs
//!   to; the distribution comes from `os-release` ([`OsRelease`]), given by
//!   the caller. Without it dpkg packages are `pkg:deb/debian/…` in ecosystem
//!   `Debian` (no release), apk packages `pkg:apk/alpine/…` in `Alpine`, and
//!   RPM packages have no namespace and no ecosystem.
//! * [`scan_rootfs`] reads a root filesystem (an unpacked container image, a
//!   mounted disk): `os-release` first, then the package databases. It is the
//!   one function of this crate that reads files; it resolves every path
//!   inside the root, so that a symlink (absolute or relative) never leads
//!   out of it.
//!
//! Which distributions get an OSV ecosystem:
//!
//! * dpkg: `ID=debian` → `Debian:<major>` and `ID=ubuntu` →
//!   `Ubuntu:<YY.MM>[:LTS]` (by `VERSION_ID`, else `VERSION_CODENAME`);
//! * apk: `ID=alpine` → `Alpine:v<major.minor>`; `wolfi`, `chainguard`,
//!   `alpaquita`, `minimos` get their ecosystem without a release;
//! * RPM (`ID` → ecosystem): `rocky` → `Rocky Linux:<major>`, `almalinux` →
//!   `AlmaLinux:<major>`, `rhel` → `Red Hat` (OSV's Red Hat releases name
//!   CPE product streams such as `rhel_aus:8.4::appstream`, which a package
//!   list does not tell), `opensuse-leap` → `openSUSE:Leap <VERSION_ID>`,
//!   `opensuse-tumbleweed` → `openSUSE:Tumbleweed`, `sles`/`sled` →
//!   `SUSE:<PRETTY_NAME without "SUSE ">`, `mageia` → `Mageia:<VERSION_ID>`,
//!   `photon` → `Photon OS:<VERSION_ID>`, `openEuler` → `openEuler`.
//!
//! Any other distribution (Fedora, CentOS, Amazon Linux, Oracle Linux,
//! derivatives of Debian such as Kali) keeps its `ID` as the PURL namespace,
//! has no ecosystem, and the inventory says so in a warning: its packages
//! can be matched by PURL only.

use std::borrow::Cow;

use yata_model::inventory::{Component, SourceDocument};
use yata_version::ecosystem::{Ecosystem, EcosystemKind};

use crate::{Format, Inventory, InventoryError, Limit, Limits};

mod apk;
mod dpkg;
mod osrelease;
mod rootfs;
mod rpm;

pub use osrelease::OsRelease;
pub use rootfs::scan_rootfs;

/// Warnings kept per document; a garbage input must not turn into millions.
const MAX_WARNINGS: usize = 1000;

/// Parses one package database without knowing the distribution.
pub fn parse(format: Format, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    parse_with_distro(format, bytes, limits, None)
}

/// Parses one package database of the distribution `distro` describes (the
/// root's `os-release`), which sets the PURL namespace, the `distro`
/// qualifier and the ecosystem release.
///
/// `format` must be [`Format::DpkgStatus`], [`Format::ApkInstalled`] or
/// [`Format::RpmList`].
pub fn parse_with_distro(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    distro: Option<&OsRelease>,
) -> Result<Inventory, InventoryError> {
    if bytes.len() > limits.max_bytes {
        return Err(InventoryError::new(
            format,
            "",
            format!(
                "document of {} bytes exceeds the limit of {}",
                bytes.len(),
                limits.max_bytes
            ),
        )
        .with_limit(Limit::Size));
    }
    let mut inv = Inventory::new(SourceDocument::new(format.name(), crate::digest(bytes)));
    let text = match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(text) => Cow::Borrowed(text),
        Cow::Owned(text) => {
            inv.warn("", "not valid UTF-8; invalid bytes replaced with U+FFFD");
            Cow::Owned(text)
        }
    };
    if let Some(os) = distro {
        inv.document
            .metadata
            .insert("os".to_owned(), os.pretty_name().to_owned());
        if let Some(q) = os.distro_qualifier() {
            inv.document.metadata.insert("distro".to_owned(), q);
        }
    }
    let packaging = Packaging::new(format, distro, &mut inv)?;
    match format {
        Format::DpkgStatus => dpkg::read(&text, &packaging, limits, &mut inv)?,
        Format::ApkInstalled => apk::read(&text, &packaging, limits, &mut inv)?,
        Format::RpmList => rpm::read(&text, &packaging, limits, &mut inv)?,
        other => {
            return Err(InventoryError::new(
                other,
                "",
                "not an operating-system package database format",
            ));
        }
    }
    Ok(inv)
}

/// How packages of one database are named: PURL type, namespace, `distro`
/// qualifier, and ecosystem (the same for every package of the database).
#[derive(Debug)]
struct Packaging {
    format: Format,
    ty: &'static str,
    namespace: Option<String>,
    distro: Option<String>,
    ecosystem: Option<String>,
}

impl Packaging {
    fn new(
        format: Format,
        os: Option<&OsRelease>,
        inv: &mut Inventory,
    ) -> Result<Packaging, InventoryError> {
        let distro = os.and_then(OsRelease::distro_qualifier);
        let (ty, default_namespace) = match format {
            Format::DpkgStatus => ("deb", Some("debian")),
            Format::ApkInstalled => ("apk", Some("alpine")),
            Format::RpmList => ("rpm", None),
            other => {
                return Err(InventoryError::new(
                    other,
                    "",
                    "not an operating-system package database format",
                ));
            }
        };
        let namespace = match os {
            None => default_namespace.map(str::to_owned),
            Some(os) if ty == "rpm" && os.id() == "rhel" => Some("redhat".to_owned()),
            Some(os) => Some(os.id().to_ascii_lowercase()),
        };
        let ecosystem = match (ty, os) {
            ("rpm", Some(os)) => rpm_ecosystem(os),
            ("rpm", None) => None,
            _ => Ecosystem::from_purl(ty, namespace.as_deref(), "_", distro.as_deref())
                .map(|(e, _)| e),
        };
        match (&ecosystem, os) {
            (None, Some(os)) => inv.warn(
                "",
                format!(
                    "distribution {:?} has no OSV ecosystem; its packages can be matched by PURL only",
                    os.id()
                ),
            ),
            (None, None) => inv.warn(
                "",
                "distribution unknown: RPM packages get no PURL namespace and no ecosystem",
            ),
            (Some(e), None) => inv.warn(
                "",
                format!("distribution release unknown: ecosystem {e} without a release"),
            ),
            (Some(_), Some(_)) => {}
        }
        Ok(Packaging {
            format,
            ty,
            namespace,
            distro,
            ecosystem: ecosystem.map(|e| e.to_string()),
        })
    }

    /// A component with its PURL (id) and ecosystem; `qualifiers` besides
    /// `distro`, empty values skipped.
    fn component(
        &self,
        name: &str,
        version: Option<&str>,
        qualifiers: &[(&str, Option<&str>)],
        inv: &mut Inventory,
        path: &str,
    ) -> Component {
        let mut c = Component::named(name);
        c.version = version.map(str::to_owned);
        c.ecosystem = self.ecosystem.clone();
        let mut b = yata_purl::Purl::builder(self.ty, name);
        if let Some(ns) = &self.namespace {
            b = b.namespace(ns);
        }
        if let Some(v) = version {
            b = b.version(v);
        }
        for (k, v) in qualifiers {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                b = b.qualifier(k, v);
            }
        }
        if let Some(d) = &self.distro {
            b = b.qualifier("distro", d);
        }
        match b.build() {
            Ok(purl) => {
                let purl = purl.to_string();
                c.id = Some(purl.clone());
                c.purl = Some(purl);
            }
            Err(e) => {
                warn(inv, path, format!("no PURL for package {name:?}: {e}"));
                c.id = Some(match version {
                    Some(v) => format!("{name}@{v}"),
                    None => name.to_owned(),
                });
            }
        }
        c
    }

    /// Adds `c`, refusing more than `limits.max_components`.
    fn push(
        &self,
        c: Component,
        limits: &Limits,
        inv: &mut Inventory,
        path: &str,
    ) -> Result<(), InventoryError> {
        if inv.components.len() >= limits.max_components {
            return Err(InventoryError::new(
                self.format,
                path,
                format!("more than {} packages", limits.max_components),
            )
            .with_limit(Limit::Components));
        }
        inv.components.push(c);
        Ok(())
    }
}

/// The OSV ecosystem of RPM packages of `os` (see the module docs).
fn rpm_ecosystem(os: &OsRelease) -> Option<Ecosystem> {
    use EcosystemKind as K;
    let major = || {
        os.version_id()
            .and_then(|v| v.split('.').next())
            .map(str::to_owned)
    };
    let (kind, release) = match os.id() {
        "rhel" => (K::RedHat, None),
        "rocky" => (K::RockyLinux, major()),
        "almalinux" => (K::AlmaLinux, major()),
        "opensuse-leap" => (K::OpenSuse, os.version_id().map(|v| format!("Leap {v}"))),
        "opensuse-tumbleweed" => (K::OpenSuse, Some("Tumbleweed".to_owned())),
        "sles" | "sled" => (
            K::Suse,
            os.get("PRETTY_NAME")
                .map(|p| p.strip_prefix("SUSE ").unwrap_or(p).to_owned()),
        ),
        "mageia" => (K::Mageia, os.version_id().map(str::to_owned)),
        "photon" => (K::PhotonOs, os.version_id().map(str::to_owned)),
        "openEuler" | "openeuler" => (K::OpenEuler, None),
        _ => return None,
    };
    Some(Ecosystem::new(kind, release.as_deref()))
}

/// Adds a warning unless the document already has [`MAX_WARNINGS`].
fn warn(inv: &mut Inventory, path: &str, message: impl Into<String>) {
    match inv.warnings.len() {
        n if n < MAX_WARNINGS => inv.warn(path, message),
        n if n == MAX_WARNINGS => inv.warn("", "further warnings omitted"),
        _ => {}
    }
}

/// Blank-line separated stanzas of `text`: each is its lines with their
/// 1-based line numbers.
fn stanzas(text: &str) -> impl Iterator<Item = Vec<(usize, &str)>> {
    let mut lines = text.lines().enumerate().peekable();
    std::iter::from_fn(move || {
        while lines.next_if(|(_, l)| l.trim().is_empty()).is_some() {}
        let mut stanza = Vec::new();
        while let Some((i, l)) = lines.next_if(|(_, l)| !l.trim().is_empty()) {
            stanza.push((i + 1, l));
        }
        (!stanza.is_empty()).then_some(stanza)
    })
}
