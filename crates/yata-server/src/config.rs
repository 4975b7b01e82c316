//! The server's configuration file (`yata serve --config FILE`), TOML:
//! `[feeds]` here, `[smtp]` in [`crate::mail::SmtpConfig`].
//!
//! ```toml
//! [feeds]
//! # Feeds never contact the outside (isolated networks): a source with a
//! # URL is refused at start-up; feeds arrive as local files or signed
//! # bundles. (Webhooks and [smtp] go where their settings say.)
//! offline = false
//! max_download_mib = 4096
//!
//! [[feeds.source]]
//! name = "kev"
//! official = "cisa-kev"          # the official location, see `Official`
//! every = "1h"
//!
//! [[feeds.source]]
//! name = "osv-pypi"
//! official = "osv"
//! ecosystem = "PyPI"
//! every = "6h"
//!
//! [[feeds.source]]
//! name = "vendor-csaf"
//! url = "https://example.jp/csaf/advisories.zip"
//! format = "csaf"                 # optional: detection otherwise
//! every = "1d"
//!
//! [[feeds.source]]
//! name = "example-psirt"
//! provider = "https://example.jp/.well-known/csaf/provider-metadata.json"
//! every = "1h"                    # a CSAF provider: its public ROLIE feeds
//!
//! [[feeds.source]]
//! name = "mirror"
//! path = "/srv/yata/feeds/osv"    # a local file or directory
//! every = "10m"
//! ```
//!
//! ```toml
//! [incidents]
//! # Values that never link two incident reports, one per line: addresses,
//! # CIDR blocks, domains, `*.example.com` suffixes (see yata-correlate).
//! benign_list = "/etc/yata/benign.txt"
//! builtin_benign = true          # keep the built-in list too (default)
//! common_limit = 10000           # a value in more reports links none
//! ```
//!
//! Periods are jiff's friendly durations (`90s`, `10m`, `6h`, `1d`,
//! `1h 30m`), at least one minute. Every error names the source.

use std::collections::BTreeSet;
use std::path::PathBuf;

use jiff::SignedDuration;
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub feeds: FeedsFile,
    /// E-mail notifications (see [`crate::mail::SmtpConfig`]); none: off.
    #[serde(default)]
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// What links incident reports (see [`ConfigFile::correlation`]).
    #[serde(default)]
    pub incidents: IncidentsFile,
}

/// The `[incidents]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentsFile {
    pub benign_list: Option<PathBuf>,
    pub builtin_benign: Option<bool>,
    pub common_limit: Option<usize>,
}

impl ConfigFile {
    /// The correlation settings: the built-in benign list (unless
    /// `builtin_benign = false`) plus the `benign_list` file's values, and
    /// the common-value limit. Errors name the file and its line.
    pub fn correlation(&self) -> Result<yata_correlate::Config, String> {
        let i = &self.incidents;
        let mut text = String::new();
        if i.builtin_benign.unwrap_or(true) {
            text.push_str(yata_correlate::DEFAULT_LIST);
            text.push('\n');
        }
        if let Some(path) = &i.benign_list {
            let own = std::fs::read_to_string(path)
                .map_err(|e| format!("[incidents] benign_list {}: {e}", path.display()))?;
            yata_correlate::Benign::parse(&own)
                .map_err(|e| format!("[incidents] benign_list {}: {e}", path.display()))?;
            text.push_str(&own);
        }
        let benign =
            yata_correlate::Benign::parse(&text).map_err(|e| format!("[incidents]: {e}"))?;
        let common_limit = match i.common_limit {
            Some(0) => return Err("[incidents] common_limit: must be at least 1".into()),
            Some(n) => n,
            None => yata_correlate::Config::default().common_limit,
        };
        Ok(yata_correlate::Config {
            benign,
            common_limit,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsFile {
    #[serde(default)]
    pub offline: bool,
    #[serde(default = "default_max_download_mib")]
    pub max_download_mib: u64,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceFile>,
}

impl Default for FeedsFile {
    fn default() -> Self {
        FeedsFile {
            offline: false,
            max_download_mib: default_max_download_mib(),
            sources: Vec::new(),
        }
    }
}

fn default_max_download_mib() -> u64 {
    4096
}

/// One `[[feeds.source]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub name: String,
    pub official: Option<String>,
    pub ecosystem: Option<String>,
    pub url: Option<String>,
    pub path: Option<PathBuf>,
    /// A CSAF provider's `provider-metadata.json`.
    pub provider: Option<String>,
    pub format: Option<String>,
    pub every: String,
}

/// The official locations the configuration can name instead of a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Official {
    /// osv.dev's export of one ecosystem: `all.zip` in its public bucket
    /// (needs `ecosystem`, e.g. `PyPI`, `Go`, `Debian:12`).
    Osv,
    /// The CVE list (cvelistV5), the `main` branch as a zip.
    CveList,
    /// CISA's Known Exploited Vulnerabilities catalogue, JSON.
    CisaKev,
    /// FIRST EPSS scores of the day, gzipped CSV.
    Epss,
    /// JVN iPedia's data feed of new and updated entries (JVNRSS, as MyJVN
    /// serves it).
    Jvn,
}

impl Official {
    pub const ALL: [(&'static str, Official); 5] = [
        ("osv", Official::Osv),
        ("cve-list", Official::CveList),
        ("cisa-kev", Official::CisaKev),
        ("epss", Official::Epss),
        ("jvn", Official::Jvn),
    ];

    /// The URL, for `ecosystem` where that matters.
    pub fn url(self, ecosystem: Option<&str>) -> Result<String, String> {
        Ok(match self {
            Official::Osv => {
                let e = ecosystem.ok_or("official = \"osv\" needs `ecosystem` (e.g. \"PyPI\")")?;
                if e.is_empty()
                    || !e
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || " .:-_".contains(c))
                {
                    return Err(format!("ecosystem {e:?}: not an OSV ecosystem name"));
                }
                format!(
                    "https://osv-vulnerabilities.storage.googleapis.com/{}/all.zip",
                    e.replace(' ', "%20").replace(':', "%3A")
                )
            }
            Official::CveList => {
                "https://github.com/CVEProject/cvelistV5/archive/refs/heads/main.zip".into()
            }
            Official::CisaKev => {
                "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
                    .into()
            }
            Official::Epss => "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz".into(),
            Official::Jvn => "https://jvndb.jvn.jp/ja/rss/jvndb.rdf".into(),
        })
    }
}

/// Where a source is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Fetched over HTTP(S), conditionally.
    Url(String),
    /// A local file or directory, read in place.
    Path(PathBuf),
    /// A CSAF provider, by the URL of its `provider-metadata.json`: the
    /// documents of its public (TLP:CLEAR / WHITE) ROLIE feeds and
    /// directories, fetched when updated since the last sync.
    CsafProvider(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Url(u) | Location::CsafProvider(u) => f.write_str(u),
            Location::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A scheduled source, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSource {
    pub name: String,
    pub location: Location,
    pub format: Option<yata_feeds::Format>,
    pub every: SignedDuration,
}

/// The `[feeds]` section, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedsConfig {
    pub offline: bool,
    pub max_download: u64,
    /// One download, from connecting to the last byte.
    pub download_timeout: std::time::Duration,
    pub sources: Vec<FeedSource>,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            offline: false,
            max_download: default_max_download_mib() << 20,
            download_timeout: DOWNLOAD_TIMEOUT,
            sources: Vec::new(),
        }
    }
}

impl FeedsConfig {
    pub fn source(&self, name: &str) -> Option<&FeedSource> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// How long one download may take.
const DOWNLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// The shortest period a source may be synced at.
const MIN_PERIOD: SignedDuration = SignedDuration::from_secs(60);

impl ConfigFile {
    /// Reads the TOML text; errors carry the line and column.
    pub fn from_toml(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The checked `[feeds]` section.
    pub fn feeds(&self) -> Result<FeedsConfig, String> {
        let f = &self.feeds;
        if f.max_download_mib == 0 {
            return Err("[feeds] max_download_mib: must be at least 1".into());
        }
        let mut names = BTreeSet::new();
        let mut sources = Vec::with_capacity(f.sources.len());
        for (i, s) in f.sources.iter().enumerate() {
            let at = format!("[[feeds.source]] #{} ({:?})", i + 1, s.name);
            let source = check_source(s, f.offline).map_err(|e| format!("{at}: {e}"))?;
            if !names.insert(source.name.clone()) {
                return Err(format!("{at}: another source has this name"));
            }
            sources.push(source);
        }
        Ok(FeedsConfig {
            offline: f.offline,
            max_download: f.max_download_mib.saturating_mul(1 << 20),
            download_timeout: DOWNLOAD_TIMEOUT,
            sources,
        })
    }
}

fn check_source(s: &SourceFile, offline: bool) -> Result<FeedSource, String> {
    if s.name.is_empty()
        || s.name.len() > 64
        || !s
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err("name: 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'".into());
    }
    let location = match (&s.official, &s.url, &s.path, &s.provider) {
        (Some(official), None, None, None) => {
            let o = Official::ALL
                .iter()
                .find(|(n, _)| n == official)
                .map(|&(_, o)| o)
                .ok_or_else(|| {
                    format!(
                        "official {official:?}: one of {}",
                        Official::ALL.map(|(n, _)| n).join(", ")
                    )
                })?;
            Location::Url(o.url(s.ecosystem.as_deref())?)
        }
        (None, Some(url), None, None) => {
            crate::webhooks::client::target(url).map_err(|e| format!("url {url:?}: {e}"))?;
            Location::Url(url.clone())
        }
        (None, None, Some(path), None) => Location::Path(path.clone()),
        (None, None, None, Some(url)) => {
            crate::webhooks::client::target(url).map_err(|e| format!("provider {url:?}: {e}"))?;
            Location::CsafProvider(url.clone())
        }
        _ => return Err("exactly one of `official`, `url`, `path` and `provider`".into()),
    };
    if s.ecosystem.is_some() && s.official.as_deref() != Some("osv") {
        return Err("`ecosystem` goes with official = \"osv\" only".into());
    }
    if let (true, Location::Url(url) | Location::CsafProvider(url)) = (offline, &location) {
        return Err(format!(
            "{url}: [feeds] offline = true (never contact the outside): use a local `path` \
             or import signed bundles"
        ));
    }
    let format = s
        .format
        .as_deref()
        .map(|f| f.parse::<yata_feeds::Format>())
        .transpose()
        .map_err(|e| format!("format: {e}"))?;
    let every = period(&s.every).map_err(|e| format!("every {:?}: {e}", s.every))?;
    if every < MIN_PERIOD {
        return Err(format!("every {:?}: at least one minute", s.every));
    }
    Ok(FeedSource {
        name: s.name.clone(),
        location,
        format,
        every,
    })
}

/// A friendly duration, days counted as 24 hours.
fn period(text: &str) -> Result<SignedDuration, String> {
    let span: jiff::Span = text.parse().map_err(|e| format!("{e}"))?;
    span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| format!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the module's documentation.
    const EXAMPLE: &str = r#"
[feeds]
offline = false
max_download_mib = 4096

[[feeds.source]]
name = "kev"
official = "cisa-kev"
every = "1h"

[[feeds.source]]
name = "osv-pypi"
official = "osv"
ecosystem = "PyPI"
every = "6h"

[[feeds.source]]
name = "vendor-csaf"
url = "https://example.jp/csaf/advisories.zip"
format = "csaf"
every = "1d"

[[feeds.source]]
name = "example-psirt"
provider = "https://example.jp/.well-known/csaf/provider-metadata.json"
every = "1h"

[[feeds.source]]
name = "mirror"
path = "/srv/yata/feeds/osv"
every = "10m"
"#;

    #[test]
    fn the_documented_example_reads() {
        let feeds = ConfigFile::from_toml(EXAMPLE).unwrap().feeds().unwrap();
        assert_eq!(feeds.max_download, 4096 << 20);
        let got: Vec<(&str, String, i64)> = feeds
            .sources
            .iter()
            .map(|s| (s.name.as_str(), s.location.to_string(), s.every.as_secs()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "kev",
                    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json".to_owned(),
                    3600
                ),
                (
                    "osv-pypi",
                    "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip".to_owned(),
                    6 * 3600
                ),
                (
                    "vendor-csaf",
                    "https://example.jp/csaf/advisories.zip".to_owned(),
                    86400
                ),
                (
                    "example-psirt",
                    "https://example.jp/.well-known/csaf/provider-metadata.json".to_owned(),
                    3600
                ),
                ("mirror", "/srv/yata/feeds/osv".to_owned(), 600),
            ]
        );
        assert_eq!(feeds.sources[2].format, Some(yata_feeds::Format::Csaf));
        assert!(matches!(
            feeds.sources[3].location,
            Location::CsafProvider(_)
        ));
        assert_eq!(
            Official::Osv.url(Some("Debian:12")).unwrap(),
            "https://osv-vulnerabilities.storage.googleapis.com/Debian%3A12/all.zip"
        );
    }

    #[test]
    fn offline_refuses_every_url_and_names_the_source() {
        let text = EXAMPLE.replace("offline = false", "offline = true");
        let e = ConfigFile::from_toml(&text).unwrap().feeds().unwrap_err();
        assert!(
            e.starts_with("[[feeds.source]] #1 (\"kev\"): https://www.cisa.gov/"),
            "{e}"
        );
        assert!(e.contains("offline = true"), "{e}");
        let local = "[feeds]\noffline = true\n[[feeds.source]]\nname = \"m\"\npath = \"/srv/f\"\nevery = \"1h\"\n";
        assert_eq!(
            ConfigFile::from_toml(local)
                .unwrap()
                .feeds()
                .unwrap()
                .sources
                .len(),
            1
        );
    }

    #[test]
    fn bad_sources_are_refused_with_their_place() {
        let one = |body: &str| {
            ConfigFile::from_toml(&format!("[[feeds.source]]\n{body}\n"))
                .and_then(|c| c.feeds())
                .unwrap_err()
        };
        for (body, wanted) in [
            ("name = \"a\"\nevery = \"1h\"", "exactly one of"),
            (
                "name = \"a\"\npath = \"/x\"\nurl = \"https://x.jp/\"\nevery = \"1h\"",
                "exactly one of",
            ),
            (
                "name = \"a\"\nofficial = \"nvd\"\nevery = \"1h\"",
                "one of osv, cve-list",
            ),
            (
                "name = \"a\"\nofficial = \"osv\"\nevery = \"1h\"",
                "needs `ecosystem`",
            ),
            (
                "name = \"a\"\nofficial = \"osv\"\necosystem = \"../x\"\nevery = \"1h\"",
                "not an OSV ecosystem",
            ),
            (
                "name = \"a\"\nurl = \"ftp://x.jp/f\"\nevery = \"1h\"",
                "scheme ftp",
            ),
            (
                "name = \"a\"\npath = \"/x\"\nevery = \"10s\"",
                "at least one minute",
            ),
            (
                "name = \"a\"\npath = \"/x\"\nevery = \"soon\"",
                "every \"soon\"",
            ),
            ("name = \"a b\"\npath = \"/x\"\nevery = \"1h\"", "name:"),
            (
                "name = \"a\"\npath = \"/x\"\nformat = \"pdf\"\nevery = \"1h\"",
                "format:",
            ),
            (
                "name = \"a\"\npath = \"/x\"\nevery = \"1h\"\ncolour = 1",
                "unknown field `colour`",
            ),
        ] {
            let e = one(body);
            assert!(e.contains(wanted), "{body:?}: {e}");
        }
        let twice = "[[feeds.source]]\nname = \"a\"\npath = \"/x\"\nevery = \"1h\"\n".repeat(2);
        let e = ConfigFile::from_toml(&twice).unwrap().feeds().unwrap_err();
        assert!(
            e.starts_with("[[feeds.source]] #2 (\"a\"): another source"),
            "{e}"
        );
    }

    #[test]
    fn incidents_section_adds_to_the_builtin_benign_list() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("benign.txt");
        std::fs::write(&list, "# ours\nresolver.example.jp\n45.0.0.0/8\n").unwrap();
        let text = format!(
            "[incidents]\nbenign_list = {:?}\ncommon_limit = 50\n",
            list.display().to_string()
        );
        let c = ConfigFile::from_toml(&text).unwrap().correlation().unwrap();
        assert_eq!(c.common_limit, 50);
        use yata_indicator::Kind;
        assert!(c.benign.contains(Kind::Domain, "resolver.example.jp"));
        assert!(c.benign.contains(Kind::Ipv4, "45.1.2.3"));
        assert!(c.benign.contains(Kind::Ipv4, "8.8.8.8"), "built-in kept");
        let without = format!("{text}builtin_benign = false\n");
        let c = ConfigFile::from_toml(&without)
            .unwrap()
            .correlation()
            .unwrap();
        assert!(!c.benign.contains(Kind::Ipv4, "8.8.8.8"));

        std::fs::write(&list, "ok.example\nnot a value at all\n").unwrap();
        let e = ConfigFile::from_toml(&text)
            .unwrap()
            .correlation()
            .unwrap_err();
        assert!(e.contains("benign.txt") && e.contains("line 2"), "{e}");
        let e = ConfigFile::from_toml("[incidents]\ncommon_limit = 0\n")
            .unwrap()
            .correlation()
            .unwrap_err();
        assert!(e.contains("common_limit"), "{e}");
    }
}
