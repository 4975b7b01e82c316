//! The web UI's message catalogues (`messages/ja.toml`, `messages/en.toml`,
//! compiled in) and how pages use them: `lang.t("key")` for a text,
//! `lang.f("key", &[("name", value)])` for one with `{name}` placeholders,
//! `lang.value("state", "open")` for a value of a closed set shown to users
//! (states, decisions, kinds, roles, sectors, TLP labels: key
//! `state.open`, see [`slug`]), and `lang.datetime(t)` for a time.
//!
//! Those two call forms (`.t("` and `.f("` with a literal key) are the only
//! ones pages use with literal keys: a test reads every `src/web/**/*.rs`
//! for them and checks each key is in both catalogues, and another that
//! both catalogues have the same keys and placeholders.
//!
//! Times are shown in the person's time zone: their preference (an IANA
//! name kept on their account, carried by the `yata_tz` cookie and set
//! for the request's task by `web::router`, see [`in_zone`]), else
//! Asia/Tokyo — a fixed UTC+9, which Japan has kept without summer time
//! since 1951 (as `mail::catalogue` reasons), so the default needs no
//! time-zone database. Japanese shows `2026年11月29日 13:03`, English
//! `29 Nov 2026, 13:03`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::Timestamp;

/// The language a page is written in: Japanese unless the user chose
/// English (the `yata_lang` cookie, or `?lang=` on a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

/// The cookie that keeps a browser's language.
pub const LANG_COOKIE: &str = "yata_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// `ja` or `en`: the `lang` attribute and the cookie value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn catalogue(self) -> &'static BTreeMap<String, String> {
        static JA: OnceLock<BTreeMap<String, String>> = OnceLock::new();
        static EN: OnceLock<BTreeMap<String, String>> = OnceLock::new();
        match self {
            Lang::Ja => JA.get_or_init(|| load(include_str!("messages/ja.toml"))),
            Lang::En => EN.get_or_init(|| load(include_str!("messages/en.toml"))),
        }
    }

    /// The text of `key`; the key itself if the catalogue lacks it (the
    /// tests make sure none does).
    pub fn t(self, key: &str) -> &str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text of `key` if the catalogue has it.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        self.catalogue().get(key).map(String::as_str)
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn f(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.t(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// A value of a closed set as users read it: `group.slug(value)`, or
    /// the value itself if the catalogue has no name for it.
    pub fn value<'a>(self, group: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
        match self.lookup(&format!("{group}.{}", slug(value))) {
            Some(s) => s.into(),
            None => value.into(),
        }
    }

    /// A time in Tokyo, in this language's format.
    pub fn datetime(self, t: Timestamp) -> String {
        let local = local(t);
        match self {
            Lang::Ja => local.strftime("%Y年%-m月%-d日 %H:%M").to_string(),
            Lang::En => local.strftime("%-d %b %Y, %H:%M").to_string(),
        }
    }

    /// A date in Tokyo, in this language's format.
    pub fn date(self, t: Timestamp) -> String {
        let local = local(t);
        match self {
            Lang::Ja => local.strftime("%Y年%-m月%-d日").to_string(),
            Lang::En => local.strftime("%-d %b %Y").to_string(),
        }
    }
}

tokio::task_local! {
    /// The time zone of the person a page is for (see the module docs).
    static ZONE: jiff::tz::TimeZone;
}

/// Asia/Tokyo (UTC+9, no summer time; see the module docs).
pub fn tokyo() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(9))
}

/// The zone of the page being rendered: the person's, else Tokyo.
pub fn zone() -> jiff::tz::TimeZone {
    ZONE.try_with(Clone::clone).unwrap_or_else(|_| tokyo())
}

/// Runs `f` (a request's handling) with `zone` as the page's zone.
pub async fn in_zone<F: std::future::Future>(zone: jiff::tz::TimeZone, f: F) -> F::Output {
    ZONE.scope(zone, f).await
}

/// A time in the page's zone.
pub fn local(t: Timestamp) -> jiff::civil::DateTime {
    zone().to_datetime(t)
}

/// An IANA time zone name the system's time-zone database knows (the
/// preference's check), as the database spells it.
pub fn known_zone(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    jiff::tz::TimeZone::get(name)
        .ok()
        .and_then(|z| z.iana_name().map(str::to_owned))
}

/// A value's catalogue key part: lower case, every run of other characters
/// than ASCII letters and digits one `_`, none at the ends
/// (`3 days & forensic investigation` → `3_days_forensic_investigation`).
pub fn slug(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// A catalogue: nested TOML tables flattened to dotted keys.
fn load(text: &str) -> BTreeMap<String, String> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        // Compiled in and checked by the tests: cannot happen in a build
        // that passed them.
        Err(e) => panic!("web message catalogue: {e}"),
    };
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => panic!("web message catalogue: {key} is not a string: {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            rest = &rest[i + 1..];
            if let Some(j) = rest.find('}') {
                out.insert(rest[..j].to_owned());
                rest = &rest[j + 1..];
            }
        }
        out
    }

    #[test]
    fn both_catalogues_have_the_same_keys_and_placeholders() {
        let ja = Lang::Ja.catalogue();
        let en = Lang::En.catalogue();
        let ja_keys: BTreeSet<_> = ja.keys().collect();
        let en_keys: BTreeSet<_> = en.keys().collect();
        assert_eq!(
            ja_keys.symmetric_difference(&en_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys in one catalogue only"
        );
        for (k, v) in ja {
            assert_eq!(placeholders(v), placeholders(&en[k]), "{k}");
            assert!(!v.trim().is_empty() && !en[k].trim().is_empty(), "{k}");
        }
    }

    /// Every literal key of a `.t("…")` or `.f("…"` call in the web
    /// module's sources.
    fn used_keys() -> BTreeSet<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut files = vec![dir];
        let mut keys = BTreeSet::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Code lines only: the docs show the call forms as examples.
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for call in [".t(\"", ".f(\""] {
                    for (i, _) in line.match_indices(call) {
                        let rest = &line[i + call.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        keys.insert((path.display().to_string(), key.to_owned()));
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn every_key_the_pages_use_exists() {
        let used = used_keys();
        assert!(used.len() > 50, "the scan found only {}", used.len());
        for (file, key) in used {
            for lang in Lang::ALL {
                assert!(lang.lookup(&key).is_some(), "{file}: {key} ({lang:?})");
            }
        }
    }

    /// Keys the pages build at run time: the navigation, error pages,
    /// form errors, flash messages, sources of SSVC values.
    #[test]
    fn every_key_built_at_run_time_exists() {
        let mut keys: Vec<String> = super::super::layout::NAV
            .iter()
            .map(|n| n.key.to_owned())
            .collect();
        for code in [
            "forbidden",
            "not_found",
            "bad_request",
            "conflict",
            "unprocessable",
            "too_many_requests",
            "unavailable",
            "timeout",
            "payload_too_large",
            "method_not_allowed",
            "internal",
        ] {
            keys.push(format!("error.{code}"));
        }
        for rule in [
            "required",
            "not_allowed",
            "invalid",
            "length",
            "future",
            "workflow",
        ] {
            keys.push(format!("form.error.{rule}"));
        }
        for flash in [
            "transitioned",
            "asset_created",
            "uploaded",
            "token_revoked",
            "webhook_deleted",
        ] {
            keys.push(format!("flash.{flash}"));
        }
        for source in ["kev", "cisa_adp", "derived_from_cvss", "asset", "default"] {
            keys.push(format!("source.{source}"));
        }
        for delivery in ["delivered", "failed", "pending"] {
            keys.push(format!("delivery.{delivery}"));
        }
        for lang in Lang::ALL {
            keys.push(format!("lang.{}", lang.code()));
        }
        for key in keys {
            for lang in Lang::ALL {
                assert!(lang.lookup(&key).is_some(), "{key} ({lang:?})");
            }
        }
    }

    #[test]
    fn every_value_shown_to_users_has_a_name() {
        use yata_store::{AssetKind, Criticality, FindingState, OrgKind, Role};
        let mut values: Vec<(&str, String)> = Vec::new();
        values.extend(
            FindingState::ALL
                .iter()
                .map(|v| ("state", v.as_str().into())),
        );
        values.extend(Role::ALL.iter().map(|v| ("role", v.as_str().into())));
        values.extend(OrgKind::ALL.iter().map(|v| ("kind", v.as_str().into())));
        values.extend(
            AssetKind::ALL
                .iter()
                .map(|v| ("asset_kind", v.as_str().into())),
        );
        values.extend(
            Criticality::ALL
                .iter()
                .map(|v| ("criticality", v.as_str().into())),
        );
        values.extend(
            yata_store::EventKind::ALL
                .iter()
                .map(|v| ("event", v.as_str().into())),
        );
        values.extend(
            yata_vex::JustificationKind::ALL
                .iter()
                .map(|v| ("justification", v.as_str().into())),
        );
        use yata_priority::points::Timeline;
        for d in [
            Timeline::FixOnSystemUpgrade,
            Timeline::Days60,
            Timeline::Days14,
            Timeline::Days3,
            Timeline::Days3Forensic,
        ] {
            values.push(("decision", d.to_string()));
        }
        values.push(("decision", "none".into()));
        for tlp in ["clear", "green", "amber", "amber+strict", "red"] {
            values.push(("tlp", tlp.into()));
        }
        for sector in [
            "ict",
            "finance",
            "aviation",
            "airports",
            "railways",
            "electricity",
            "gas",
            "government",
            "medical",
            "water",
            "logistics",
            "chemicals",
            "credit_cards",
            "petroleum",
            "ports",
        ] {
            values.push(("sector", sector.into()));
        }
        for (group, value) in values {
            for lang in Lang::ALL {
                let key = format!("{group}.{}", slug(&value));
                assert!(lang.lookup(&key).is_some(), "{key} ({lang:?})");
            }
        }
    }

    #[test]
    fn times_are_tokyo_in_each_language_s_format() {
        // 04:03 UTC is 13:03 in Tokyo.
        let t: Timestamp = "2026-11-29T04:03:00Z".parse().unwrap();
        assert_eq!(Lang::Ja.datetime(t), "2026年11月29日 13:03");
        assert_eq!(Lang::En.datetime(t), "29 Nov 2026, 13:03");
        // The next day in Tokyo.
        let t: Timestamp = "2026-12-31T15:30:00Z".parse().unwrap();
        assert_eq!(Lang::Ja.date(t), "2027年1月1日");
        assert_eq!(Lang::En.date(t), "1 Jan 2027");
    }

    #[test]
    fn slugs_and_placeholders() {
        assert_eq!(
            slug("3 days & forensic investigation"),
            "3_days_forensic_investigation"
        );
        assert_eq!(slug("amber+strict"), "amber_strict");
        assert_eq!(slug("very-high"), "very_high");
        assert_eq!(
            Lang::En.f("findings.count", &[("count", "3")]),
            "3 findings"
        );
        assert_eq!(Lang::Ja.f("findings.count", &[("count", "3")]), "3 件");
    }
}
