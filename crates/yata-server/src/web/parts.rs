//! Pieces the incident, alert and oversight pages share: repeated form
//! fields, TLP badges, Tokyo `datetime-local` values, and an API
//! refusal shown next to the field it names.

use jiff::Timestamp;
use maud::{Markup, html};
use yata_model::Tlp;

use super::Lang;
use crate::error::AppError;

/// A form's fields as sent, repeated names kept (checkboxes, multi-line
/// lists): the pages' forms have repeated fields, which a struct cannot
/// take.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The value of `name` if given and not blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_owned()).filter(|v| !v.is_empty())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a checkbox `name` with `value` was ticked.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// The non-blank lines of the text field `name`, trimmed.
    pub fn lines(&self, name: &str) -> Vec<String> {
        lines(self.get(name))
    }
}

/// The non-blank lines of `text`, trimmed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// User ids written as a list (`12, 15 19`).
pub fn ids(text: &str) -> Result<Vec<i64>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| s.to_owned()))
        .collect()
}

/// A `datetime-local` value (`2026-05-01T10:30`) read in the page's zone
/// (the person's, else Asia/Tokyo; see `i18n`); `Err` names what could
/// not be read.
pub fn zoned_input(field: &str, value: &str) -> Result<Option<Timestamp>, AppError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let local: jiff::civil::DateTime = value
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{field}: a date and time")))?;
    super::i18n::zone()
        .to_timestamp(local)
        .map(Some)
        .map_err(|_| AppError::BadRequest(format!("{field}: a date and time")))
}

/// A time as a `datetime-local` value in the page's zone.
pub fn local_value(t: Option<Timestamp>) -> String {
    t.map(|t| super::i18n::local(t).strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A TLP marking as a badge (`TLP:AMBER`), with its meaning as a tooltip.
pub fn tlp_badge(lang: Lang, tlp: Tlp) -> Markup {
    html! {
        span class=(format!("badge tlp tlp-{}", super::i18n::slug(tlp.as_str())))
            title=(lang.value("tlp", tlp.as_str())) { (tlp.label()) }
    }
}

/// The TLP 2.0 choices of a form: label and one-line meaning each.
pub fn tlp_options(lang: Lang, selected: &str) -> Markup {
    html! {
        @for t in Tlp::ALL {
            option value=(t.as_str()) selected[selected == t.as_str()] {
                (t.label()) " — " (lang.t(&format!("tlp_help.{}", super::i18n::slug(t.as_str()))))
            }
        }
    }
}

/// A refused form: the field the API's message names (`indicators[2]: …`
/// → `indicators`) and the message.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub field: String,
    pub message: String,
}

impl Refusal {
    /// The refusal of a client error, or the error itself for anything
    /// else (not found, forbidden, internal).
    pub fn of(e: AppError) -> Result<Refusal, AppError> {
        let message = match e {
            AppError::BadRequest(m) | AppError::Conflict(m) => m,
            AppError::Unprocessable { message, errors } => {
                let mut m = message;
                for e in errors.iter().take(5) {
                    m.push_str("; ");
                    m.push_str(e);
                }
                return Ok(Refusal {
                    field: "stix".into(),
                    message: m,
                });
            }
            AppError::Forbidden(m) if m.starts_with("tlp") || m.contains("shared onward") => m,
            other => return Err(other),
        };
        let head = message.split(':').next().unwrap_or("");
        let field = head
            .split(['[', '.'])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        Ok(Refusal { field, message })
    }

    /// The error to show next to `field`, if it is this one's.
    pub fn at(refusal: Option<&Refusal>, field: &str) -> Option<String> {
        refusal
            .filter(|r| r.field == field)
            .map(|r| r.message.clone())
    }
}

/// The error next to a field (`id` is what the field's
/// `aria-describedby` names): the page's words and the API's message.
pub fn field_error(lang: Lang, id: &str, message: Option<String>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.field-error id=(id) role="alert" {
                (lang.t("forms.field_refused")) " "
                small lang="en" { (m) }
            }
        }
    }
}

/// The summary at the top of a refused form; the message itself when no
/// field of the form is the one it names.
pub fn refusal_summary(lang: Lang, refusal: Option<&Refusal>, fields: &[&str]) -> Markup {
    html! {
        @if let Some(r) = refusal {
            div.errors role="alert" {
                p { (lang.t("form.has_errors")) }
                @if !fields.contains(&r.field.as_str()) {
                    p lang="en" { small { (r.message) } }
                }
            }
        }
    }
}

/// A table of counts by sector (sector names in the user's language).
/// Several sectors' names, in the order given, joined as a Japanese list.
pub fn sector_names<'a>(lang: Lang, codes: impl IntoIterator<Item = &'a str>) -> String {
    codes
        .into_iter()
        .map(|c| sector_name(lang, c))
        .collect::<Vec<_>>()
        .join("、")
}

pub fn sector_name(lang: Lang, code: &str) -> String {
    if code == "none" {
        lang.t("forms.no_sector").to_owned()
    } else {
        lang.value("sector", code).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use yata_store::{
        AckStatus, AlertSeverity, IncidentStatus, RecipientReason, ServiceImpact, TimelineKind,
    };

    use super::*;

    /// The keys the incident, alert and oversight pages build at run time.
    #[test]
    fn every_value_and_flash_of_the_role_pages_has_a_text() {
        let mut keys: Vec<String> = Vec::new();
        for t in Tlp::ALL {
            keys.push(format!("tlp_help.{}", super::super::i18n::slug(t.as_str())));
        }
        let groups: [(&str, Vec<&str>); 6] = [
            (
                "incident_status",
                IncidentStatus::ALL.iter().map(|v| v.as_str()).collect(),
            ),
            (
                "service_impact",
                ServiceImpact::ALL.iter().map(|v| v.as_str()).collect(),
            ),
            (
                "severity",
                AlertSeverity::ALL.iter().map(|v| v.as_str()).collect(),
            ),
            ("ack", AckStatus::ALL.iter().map(|v| v.as_str()).collect()),
            (
                "reason",
                RecipientReason::ALL.iter().map(|v| v.as_str()).collect(),
            ),
            (
                "timeline",
                TimelineKind::ALL.iter().map(|v| v.as_str()).collect(),
            ),
        ];
        for (group, values) in groups {
            keys.extend(values.iter().map(|v| format!("{group}.{v}")));
        }
        for f in ["filed", "updated", "annotated", "attached"] {
            keys.push(format!("incidents.flash.{f}"));
        }
        for f in ["acknowledged", "reminded", "issued"] {
            keys.push(format!("alerts.flash.{f}"));
        }
        for key in keys {
            for lang in Lang::ALL {
                assert!(lang.lookup(&key).is_some(), "{key} ({lang:?})");
            }
        }
    }

    #[test]
    fn refusals_name_their_field() {
        let r = Refusal::of(AppError::BadRequest(
            "indicators[2]: not an indicator".into(),
        ))
        .unwrap();
        assert_eq!(r.field, "indicators");
        let r = Refusal::of(AppError::BadRequest(
            "targets.organizations[0]: 7 is not an organisation you may alert".into(),
        ))
        .unwrap();
        assert_eq!(r.field, "targets");
        assert!(Refusal::of(AppError::NotFound).is_err());
    }

    #[test]
    fn datetime_local_is_tokyo() {
        let t = zoned_input("detected_at", "2026-05-01T10:30")
            .unwrap()
            .unwrap();
        assert_eq!(crate::api::rfc3339(t), "2026-05-01T01:30:00Z");
        assert_eq!(local_value(Some(t)), "2026-05-01T10:30");
        assert!(zoned_input("detected_at", "yesterday").is_err());
        assert_eq!(zoned_input("detected_at", " ").unwrap(), None);
    }
}
