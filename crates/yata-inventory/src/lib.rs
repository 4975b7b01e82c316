//! Inventory formats: the bytes of one document in, an [`Inventory`] out.
//!
//! Parsing for matching is tolerant: real-world documents that bend their
//! spec are read, with located [`Warning`](yata_model::inventory::Warning)s.
//! A document that cannot be read at all is an [`InventoryError`] naming the
//! place and the rule. Strict validation is separate (`validate`).
//! Parsers never panic, never resolve XML external entities, and bound
//! sizes, depths and counts ([`Limits`]).

use std::fmt;

pub use yata_model::inventory::Inventory;

pub mod cyclonedx;
pub mod lockfile;
pub mod os;
pub mod products;
pub mod spdx;

/// An inventory format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Format {
    CycloneDxJson,
    CycloneDxXml,
    SpdxJson,
    SpdxTagValue,
    /// SPDX 3.0 JSON-LD.
    Spdx3,
    /// `package-lock.json` (v1–v3) and `npm-shrinkwrap.json`.
    NpmLock,
    YarnLock,
    PnpmLock,
    CargoLock,
    PoetryLock,
    UvLock,
    PipfileLock,
    Requirements,
    GoMod,
    GemfileLock,
    ComposerLock,
    PomXml,
    GradleLockfile,
    NugetLock,
    PubspecLock,
    MixLock,
    DpkgStatus,
    ApkInstalled,
    /// `rpm -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH}\n'`.
    RpmList,
    ProductCsv,
    ProductXlsx,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::CycloneDxJson,
        Format::CycloneDxXml,
        Format::SpdxJson,
        Format::SpdxTagValue,
        Format::Spdx3,
        Format::NpmLock,
        Format::YarnLock,
        Format::PnpmLock,
        Format::CargoLock,
        Format::PoetryLock,
        Format::UvLock,
        Format::PipfileLock,
        Format::Requirements,
        Format::GoMod,
        Format::GemfileLock,
        Format::ComposerLock,
        Format::PomXml,
        Format::GradleLockfile,
        Format::NugetLock,
        Format::PubspecLock,
        Format::MixLock,
        Format::DpkgStatus,
        Format::ApkInstalled,
        Format::RpmList,
        Format::ProductCsv,
        Format::ProductXlsx,
    ];

    /// The name used on the command line and in [`SourceDocument::format`](yata_model::inventory::SourceDocument).
    pub fn name(self) -> &'static str {
        match self {
            Format::CycloneDxJson => "cyclonedx-json",
            Format::CycloneDxXml => "cyclonedx-xml",
            Format::SpdxJson => "spdx-json",
            Format::SpdxTagValue => "spdx-tag-value",
            Format::Spdx3 => "spdx3-jsonld",
            Format::NpmLock => "npm-lock",
            Format::YarnLock => "yarn-lock",
            Format::PnpmLock => "pnpm-lock",
            Format::CargoLock => "cargo-lock",
            Format::PoetryLock => "poetry-lock",
            Format::UvLock => "uv-lock",
            Format::PipfileLock => "pipfile-lock",
            Format::Requirements => "requirements-txt",
            Format::GoMod => "go-mod",
            Format::GemfileLock => "gemfile-lock",
            Format::ComposerLock => "composer-lock",
            Format::PomXml => "pom-xml",
            Format::GradleLockfile => "gradle-lockfile",
            Format::NugetLock => "nuget-lock",
            Format::PubspecLock => "pubspec-lock",
            Format::MixLock => "mix-lock",
            Format::DpkgStatus => "dpkg-status",
            Format::ApkInstalled => "apk-installed",
            Format::RpmList => "rpm-list",
            Format::ProductCsv => "product-csv",
            Format::ProductXlsx => "product-xlsx",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format {s:?} (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Bounds on what a document may make a parser do.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: usize,
    /// Deepest nesting of JSON/XML/YAML structures and of nested components.
    pub max_depth: usize,
    pub max_components: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 512 << 20,
            max_depth: 128,
            max_components: 5_000_000,
        }
    }
}

/// One of the [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::max_bytes`].
    Size,
    /// [`Limits::max_depth`].
    Depth,
    /// [`Limits::max_components`].
    Components,
}

/// A document that cannot be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct InventoryError {
    pub format: &'static str,
    /// JSON Pointer, XML element path, `line N`, `row N`…; empty for the
    /// whole document.
    pub path: String,
    pub message: String,
    /// The limit the document exceeded, when that is why it was refused.
    pub limit: Option<Limit>,
}

impl fmt::Display for InventoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.format, self.message)
        } else {
            write!(f, "{}: {}: {}", self.format, self.path, self.message)
        }
    }
}

impl InventoryError {
    pub fn new(format: Format, path: impl Into<String>, message: impl fmt::Display) -> Self {
        InventoryError {
            format: format.name(),
            path: path.into(),
            message: message.to_string(),
            limit: None,
        }
    }

    /// The same error, marked as exceeding `limit`.
    pub fn with_limit(mut self, limit: Limit) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// Parses one document of `format`.
pub fn parse(format: Format, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
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
    match format {
        Format::CycloneDxJson => cyclonedx::parse_json(bytes, limits),
        Format::CycloneDxXml => cyclonedx::parse_xml(bytes, limits),
        Format::SpdxJson => spdx::parse_json(bytes, limits),
        Format::SpdxTagValue => spdx::parse_tag_value(bytes, limits),
        Format::Spdx3 => spdx::parse_v3(bytes, limits),
        Format::DpkgStatus | Format::ApkInstalled | Format::RpmList => {
            os::parse(format, bytes, limits)
        }
        Format::ProductCsv | Format::ProductXlsx => products::parse(format, bytes, limits),
        lock => lockfile::parse(lock, bytes, limits),
    }
}

/// Recognises a format from a file name and its first bytes.
pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
    let file = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    let by_name = match file.as_str() {
        "package-lock.json" | "npm-shrinkwrap.json" => Some(Format::NpmLock),
        "yarn.lock" => Some(Format::YarnLock),
        "pnpm-lock.yaml" => Some(Format::PnpmLock),
        "cargo.lock" => Some(Format::CargoLock),
        "poetry.lock" => Some(Format::PoetryLock),
        "uv.lock" => Some(Format::UvLock),
        "pipfile.lock" => Some(Format::PipfileLock),
        "go.mod" => Some(Format::GoMod),
        "gemfile.lock" => Some(Format::GemfileLock),
        "composer.lock" => Some(Format::ComposerLock),
        "pom.xml" => Some(Format::PomXml),
        "gradle.lockfile" => Some(Format::GradleLockfile),
        "packages.lock.json" => Some(Format::NugetLock),
        "pubspec.lock" => Some(Format::PubspecLock),
        "mix.lock" => Some(Format::MixLock),
        "status" => Some(Format::DpkgStatus),
        "installed" => Some(Format::ApkInstalled),
        f if f.starts_with("requirements") && f.ends_with(".txt") => Some(Format::Requirements),
        f if f.ends_with(".xlsx") => Some(Format::ProductXlsx),
        _ => None,
    };
    if by_name.is_some() {
        return by_name;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(8192)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        if head.contains("\"bomFormat\"") && head.contains("CycloneDX") {
            return Some(Format::CycloneDxJson);
        }
        if head.contains("\"spdxVersion\"") {
            return Some(Format::SpdxJson);
        }
        if head.contains("spdx.org/rdf/3") || head.contains("\"@graph\"") {
            return Some(Format::Spdx3);
        }
        // SPDX 2 JSON whose writer sorts keys puts `spdxVersion` after the
        // files and packages, beyond the head; their `SPDXID` keys (SPDX 3
        // writes `spdxId`) come first.
        if head.contains("\"SPDXID\"") {
            return Some(Format::SpdxJson);
        }
        return None;
    }
    if head.starts_with('<') {
        if head.contains("cyclonedx.org/schema/bom") {
            return Some(Format::CycloneDxXml);
        }
        if head.contains("maven.apache.org/POM") || head.contains("<project") {
            return Some(Format::PomXml);
        }
        return None;
    }
    if head.starts_with("SPDXVersion:") || head.contains("\nSPDXVersion:") {
        return Some(Format::SpdxTagValue);
    }
    if head.starts_with("Package: ") {
        return Some(Format::DpkgStatus);
    }
    if head.starts_with("C:Q1") || head.starts_with("P:") {
        return Some(Format::ApkInstalled);
    }
    if file.ends_with(".csv") {
        return Some(Format::ProductCsv);
    }
    None
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in hash.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
