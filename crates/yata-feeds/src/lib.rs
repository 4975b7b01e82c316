//! Advisory feed formats: bytes of one document in, [`Record`]s of the
//! advisory model out, with located problems for what cannot be read.
//!
//! * [`Format`] names each format and [`Format::detect`] recognises one from
//!   a file name and its first bytes.
//! * Each format module (`osv`, `rustsec`, `cve5`, `kev`, `epss`, `csaf`,
//!   `jvn`) exposes `parse(name, bytes, &mut Parsed)`: every record it can
//!   read goes to [`Parsed::records`], every record it cannot to
//!   [`Parsed::problems`] with the file, the path inside the document
//!   (JSON Pointer-like `/affected/0/ranges`, TOML keys, XML element paths)
//!   and the reason. A parser never panics.
//! * [`source`] walks what a user names (a file, a directory, a zip, a gzip)
//!   into documents, with limits on sizes, counts and compression ratios, and
//!   never lets an archive entry name escape its folder.
//! * [`bundle`] packs sources into one Ed25519-signed file for isolated
//!   networks and opens such a file, verifying it before reading it.

use std::fmt;

pub use yata_model::Record;

pub mod bundle;
pub mod csaf;
pub mod cve5;
pub mod epss;
pub mod import;
pub mod jvn;
pub mod kev;
pub mod osv;
pub mod provider;
pub mod rustsec;
pub mod source;

mod detect;

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Format {
    /// OSV JSON (one advisory per document).
    OsvJson,
    /// OSV YAML (one advisory per document).
    OsvYaml,
    /// RustSec advisory-db Markdown with TOML front matter.
    Rustsec,
    /// One CVE JSON 5.x record.
    Cve5,
    /// The CISA KEV catalog, JSON.
    KevJson,
    /// The CISA KEV catalog, CSV.
    KevCsv,
    /// FIRST EPSS scores, CSV.
    Epss,
    /// One CSAF 2.0 document (advisory or VEX).
    Csaf,
    /// MyJVN `getVulnOverviewList` (JVNRSS 3.2).
    JvnRss,
    /// MyJVN `getVulnDetailInfo` (VULDEF 3.2).
    JvnVuldef,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::OsvJson,
        Format::OsvYaml,
        Format::Rustsec,
        Format::Cve5,
        Format::KevJson,
        Format::KevCsv,
        Format::Epss,
        Format::Csaf,
        Format::JvnRss,
        Format::JvnVuldef,
    ];

    /// The name used on the command line (`--format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::OsvJson => "osv-json",
            Format::OsvYaml => "osv-yaml",
            Format::Rustsec => "rustsec",
            Format::Cve5 => "cve5",
            Format::KevJson => "kev-json",
            Format::KevCsv => "kev-csv",
            Format::Epss => "epss",
            Format::Csaf => "csaf",
            Format::JvnRss => "jvnrss",
            Format::JvnVuldef => "vuldef",
        }
    }

    /// Recognises a format from a document's name and first bytes; `None`
    /// when nothing fits (the document is then skipped with that reason).
    pub fn detect(name: &str, bytes: &[u8]) -> Option<Format> {
        detect::detect(name, bytes)
    }

    /// Parses one document of this format.
    pub fn parse(self, name: &str, bytes: &[u8], out: &mut Parsed) {
        match self {
            Format::OsvJson => osv::parse_json(name, bytes, out),
            Format::OsvYaml => osv::parse_yaml(name, bytes, out),
            Format::Rustsec => rustsec::parse(name, bytes, out),
            Format::Cve5 => cve5::parse(name, bytes, out),
            Format::KevJson => kev::parse_json(name, bytes, out),
            Format::KevCsv => kev::parse_csv(name, bytes, out),
            Format::Epss => epss::parse(name, bytes, out),
            Format::Csaf => csaf::parse(name, bytes, out),
            Format::JvnRss => jvn::parse_rss(name, bytes, out),
            Format::JvnVuldef => jvn::parse_vuldef(name, bytes, out),
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

/// What parsing some documents produced.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    /// Records (or whole documents) that could not be read.
    pub problems: Vec<Problem>,
    /// Documents that were not advisories of the expected format, and why.
    pub skipped: Vec<Problem>,
}

impl Parsed {
    pub fn problem(&mut self, file: &str, path: impl Into<String>, message: impl fmt::Display) {
        self.problems.push(Problem {
            file: file.to_owned(),
            path: path.into(),
            message: message.to_string(),
        });
    }

    pub fn skip(&mut self, file: &str, reason: impl fmt::Display) {
        self.skipped.push(Problem {
            file: file.to_owned(),
            path: String::new(),
            message: reason.to_string(),
        });
    }
}

/// A located problem: `file: path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, or `archive.zip!entry/name.json`.
    pub file: String,
    /// Where inside the document (empty for the whole document).
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.path, self.message)
        }
    }
}

/// Deserialises JSON, locating errors by path (`/affected/0/ranges/1`).
pub(crate) fn from_json<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, (String, String)> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = json_pointer(e.path());
        (path, e.into_inner().to_string())
    })?;
    // Trailing bytes after the document are an error, not ignored.
    de.end().map_err(|e| ("/".to_owned(), e.to_string()))?;
    Ok(value)
}

/// A `serde_path_to_error` path as a JSON Pointer.
pub(crate) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    if out.is_empty() { "/".to_owned() } else { out }
}

/// Reads a feed timestamp as UTC: RFC 3339 with an offset
/// (`2021-11-18T15:15:00Z`, `…+09:00`), a date-time without offset (taken as
/// UTC, as CVE-5 and OSV writers sometimes emit), or a bare date (midnight
/// UTC).
pub(crate) fn timestamp(s: &str) -> Result<jiff::Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    let utc = |dt: jiff::civil::DateTime| {
        jiff::tz::Offset::UTC
            .to_timestamp(dt)
            .map_err(|e| format!("invalid timestamp {s:?}: {e}"))
    };
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return utc(dt);
    }
    match s.parse::<jiff::civil::Date>() {
        Ok(d) => utc(d.to_datetime(jiff::civil::Time::midnight())),
        Err(e) => Err(format!("invalid timestamp {s:?}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_documents_end_where_they_end() {
        let ok: Result<serde_json::Value, _> = super::from_json(b"{\"a\": 1}  \n");
        assert!(ok.is_ok());
        let trailing: Result<serde_json::Value, _> = super::from_json(b"{\"a\": 1} garbage");
        let (path, message) = trailing.unwrap_err();
        assert_eq!(path, "/");
        assert!(message.contains("trailing characters"), "{message}");
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| super::timestamp(s).map(|t| t.to_string());
        assert_eq!(t("2021-11-18T15:15:00Z").unwrap(), "2021-11-18T15:15:00Z");
        assert_eq!(
            t("2021-11-18T15:15:00.123+09:00").unwrap(),
            "2021-11-18T06:15:00.123Z"
        );
        assert_eq!(t("2021-11-18T15:15:00").unwrap(), "2021-11-18T15:15:00Z");
        assert_eq!(t("2021-11-18").unwrap(), "2021-11-18T00:00:00Z");
        assert!(t("yesterday").is_err());
    }
}
