//! A vendor's home: its product assets and, for each vulnerability among
//! its products' findings (or one it searches for), how many customers
//! are exposed per sector — counts only, below five as "<5", never who
//! (the exposure API's vendor answer). Advisories: none can be published
//! on the platform yet, and the page says so.

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use yata_store::{FindingFilter, FindingState, OrgKind};

use super::oversight::{ExposureQuery, exposure_form, exposure_markup};
use super::{Page, html, layout};
use crate::api::views::exposure_answer;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Vulnerabilities of the vendor's products shown with their counts at
/// most.
const SHOWN: usize = 20;

pub async fn page(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ExposureQuery>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    if page.p.org.kind != OrgKind::Vendor {
        return Err(AppError::NotFound);
    }
    let org =
        visibility::organization(&state, &page.p, page.p.org.id, Object::Status, Access::Read)
            .await?;
    let assets = state.store().assets(org.id).await?;
    let findings = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset: None,
            state: None,
        })
        .await?;
    let vulns: BTreeSet<String> = findings
        .iter()
        .filter(|f| matches!(f.state, FindingState::Open | FindingState::InTriage))
        .map(|f| f.vuln_id.clone())
        .collect();
    let mut counts = Vec::new();
    for v in vulns.iter().take(SHOWN) {
        let bytes = exposure_answer(&state, &page.p, v).await?;
        counts
            .push(serde_json::from_slice::<serde_json::Value>(&bytes).map_err(AppError::internal)?);
    }
    let searched = q.id_value();
    let search =
        match searched {
            "" => None,
            id => Some(match exposure_answer(&state, &page.p, id).await {
                Ok(bytes) => Ok(serde_json::from_slice::<serde_json::Value>(&bytes)
                    .map_err(AppError::internal)?),
                Err(AppError::BadRequest(m)) => Err(m),
                Err(e) => return Err(e),
            }),
        };
    let body = html! {
        p.note { (lang.t("vendor.counts_rule")) }
        h2 { (lang.t("vendor.search_title")) }
        (exposure_form(lang, "/vendor", searched))
        @match &search {
            Some(Ok(a)) => { (exposure_markup(lang, a)) }
            Some(Err(m)) => { div.errors role="alert" { p { (lang.t("oversight.bad_id")) } p lang="en" { small { (m) } } } }
            None => {}
        }
        h2 { (lang.t("vendor.products")) }
        @if assets.is_empty() {
            p { (lang.t("vendor.no_products")) " " a href="/assets" { (lang.t("vendor.register")) } }
        } @else {
            ul { @for a in &assets { li {
                a href=(format!("/assets/{}", a.id.0)) { (a.name) }
                @if let (Some(v), Some(p)) = (&a.vendor, &a.product) { " — " (v) " " (p) }
                @if let Some(v) = &a.version { " " (v) }
            } } }
        }
        h2 { (lang.t("vendor.exposure_title")) }
        @if counts.is_empty() {
            p { (lang.t("vendor.no_vulnerabilities")) }
        } @else {
            @if vulns.len() > SHOWN {
                p { (lang.f("vendor.shown", &[("shown", &SHOWN.to_string()), ("total", &vulns.len().to_string())])) }
            }
            @for a in &counts {
                section {
                    h3 { code { (a["vulnerability"].as_str().unwrap_or("")) } }
                    (exposure_markup(lang, a))
                }
            }
        }
        h2 { (lang.t("vendor.advisories")) }
        p { (lang.t("vendor.no_advisories")) }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("vendor.title"), body),
    ))
}
