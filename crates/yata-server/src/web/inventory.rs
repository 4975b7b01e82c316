//! Assets: the list with the new-asset form, and an asset's page with its
//! inventory and the upload form (a file input; app.js adds drag and drop).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use yata_store::{AssetId, AssetKind, Criticality, FindingFilter, FindingState};

use super::{Page, Posted, checked, html, layout, see_other};
use crate::api::assets::{NewAssetBody, create_asset, upload_inventory};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

#[derive(Debug, Default, Deserialize)]
pub struct AssetForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    internet_exposed: Option<String>,
    #[serde(default)]
    criticality: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    cpe: String,
}

/// The field an API message names (`name: must be…` → `name`).
fn field_of(message: &str) -> &str {
    message.split(':').next().unwrap_or("")
}

async fn list_page(
    state: &AppState,
    page: &Page,
    sent: Option<(&AssetForm, &str)>,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let org = visibility::organization(state, &page.p, page.p.org.id, Object::Status, Access::Read)
        .await?;
    let assets = state.store().assets(org.id).await?;
    let writes = visibility::writes(&page.p, &org, Object::Status);
    let error = sent.map(|(_, m)| m);
    let error_for = |field: &str| {
        error
            .filter(|m| field_of(m) == field)
            .map(|_| lang.t("form.error.invalid"))
    };
    let form = sent.map(|(f, _)| f);
    let value = |get: fn(&AssetForm) -> &str| form.map(get).unwrap_or("");
    Ok(html! {
        @if assets.is_empty() {
            p { (lang.t("assets.empty")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("assets.col.name")) }
                    th scope="col" { (lang.t("assets.col.kind")) }
                    th scope="col" { (lang.t("assets.col.exposed")) }
                    th scope="col" { (lang.t("assets.col.criticality")) }
                    th scope="col" { (lang.t("assets.col.product")) }
                } }
                tbody { @for a in &assets { tr {
                    td { a href=(format!("/assets/{}", a.id.0)) { (a.name) } }
                    td { (lang.value("asset_kind", a.kind.as_str())) }
                    td { (if a.internet_exposed { lang.t("common.yes") } else { lang.t("common.no") }) }
                    td { (lang.value("criticality", a.criticality.as_str())) }
                    td { (a.vendor.as_deref().unwrap_or("")) " " (a.product.as_deref().unwrap_or("")) " " (a.version.as_deref().unwrap_or("")) }
                } } }
            } }
        }
        @if writes {
            h2 #new { (lang.t("assets.new")) }
            @if let Some(m) = error {
                div.errors role="alert" {
                    p { (lang.t("form.has_errors")) }
                    p lang="en" { small { (m) } }
                }
            }
            form.stack method="post" action="/assets" {
                (layout::csrf(page))
                div {
                    label for="name" { (lang.t("assets.field.name")) }
                    input #name type="text" name="name" required maxlength="200" value=(value(|f| &f.name)) aria-describedby="name-error";
                    (layout::field_error("name-error", error_for("name")))
                }
                div {
                    label for="kind" { (lang.t("assets.field.kind")) }
                    select #kind name="kind" {
                        @for k in AssetKind::ALL {
                            option value=(k.as_str()) selected[value(|f| &f.kind) == k.as_str()] { (lang.value("asset_kind", k.as_str())) }
                        }
                    }
                    (layout::field_error("kind-error", error_for("kind")))
                }
                div {
                    label {
                        input type="checkbox" name="internet_exposed" value="true" checked[form.is_none_or(|f| checked(&f.internet_exposed))];
                        " " (lang.t("assets.field.exposed"))
                    }
                }
                div {
                    label for="criticality" { (lang.t("assets.field.criticality")) }
                    select #criticality name="criticality" {
                        @for c in Criticality::ALL {
                            option value=(c.as_str()) selected[value(|f| &f.criticality) == c.as_str() || (form.is_none() && *c == Criticality::High)] { (lang.value("criticality", c.as_str())) }
                        }
                    }
                }
                fieldset {
                    legend { (lang.t("assets.field.product_only")) }
                    label for="vendor" { (lang.t("assets.field.vendor")) }
                    input #vendor type="text" name="vendor" value=(value(|f| &f.vendor));
                    label for="product" { (lang.t("assets.field.product")) }
                    input #product type="text" name="product" value=(value(|f| &f.product)) aria-describedby="product-error";
                    (layout::field_error("product-error", error_for("product")))
                    label for="version" { (lang.t("assets.field.version")) }
                    input #version type="text" name="version" value=(value(|f| &f.version));
                    label for="cpe" { (lang.t("assets.field.cpe")) }
                    input #cpe type="text" name="cpe" value=(value(|f| &f.cpe)) aria-describedby="cpe-error";
                    (layout::field_error("cpe-error", error_for("cpe")))
                }
                div { button type="submit" { (lang.t("assets.create")) } }
            }
        }
    })
}

pub async fn list(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let body = list_page(&state, &page, None).await?;
    Ok(html(
        StatusCode::OK,
        layout::page(&page, page.lang.t("assets.title"), body),
    ))
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The new-asset form, by the API's rules (`create_asset`); a refused
/// one is shown again with its error.
pub async fn create(
    State(state): State<AppState>,
    Posted { page, form, .. }: Posted<AssetForm>,
) -> Result<Response, AppError> {
    let body = NewAssetBody {
        name: form.name.clone(),
        kind: form.kind.clone(),
        internet_exposed: checked(&form.internet_exposed),
        criticality: form.criticality.clone(),
        vendor: opt(&form.vendor),
        product: opt(&form.product),
        version: opt(&form.version),
        cpe: opt(&form.cpe),
    };
    match create_asset(&state, &page.p, page.p.org.id, body).await {
        Ok(id) => Ok(see_other(&format!("/assets/{}?done=asset_created", id.0))),
        Err(AppError::BadRequest(message)) => {
            let markup = list_page(&state, &page, Some((&form, &message))).await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(&page, page.lang.t("assets.title"), markup),
            ))
        }
        Err(e) => Err(e),
    }
}

/// What an upload said, to show on the asset's page.
enum Outcome<'a> {
    None,
    Refused {
        message: &'a str,
        errors: &'a [String],
    },
}

async fn asset_page(
    state: &AppState,
    page: &Page,
    id: AssetId,
    outcome: Outcome<'_>,
) -> Result<(String, Markup), AppError> {
    let lang = page.lang;
    let (asset, org) = visibility::asset(state, &page.p, id, Object::Status, Access::Read).await?;
    let sees_inventory = visibility::sees(&page.p, &org, Object::Inventory);
    let writes_inventory = visibility::writes(&page.p, &org, Object::Inventory);
    let history = if sees_inventory {
        state.store().inventory_history(asset.id).await?
    } else {
        Vec::new()
    };
    let findings = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset: Some(asset.id),
            state: None,
        })
        .await?;
    let active = findings
        .iter()
        .filter(|f| matches!(f.state, FindingState::Open | FindingState::InTriage))
        .count();
    let current = history.iter().rev().find(|d| d.is_current);
    let body = html! {
        dl.facts {
            dt { (lang.t("assets.col.kind")) }
            dd { (lang.value("asset_kind", asset.kind.as_str())) }
            dt { (lang.t("assets.col.exposed")) }
            dd { (if asset.internet_exposed { lang.t("common.yes") } else { lang.t("common.no") }) }
            dt { (lang.t("assets.col.criticality")) }
            dd { (lang.value("criticality", asset.criticality.as_str())) }
            @if asset.kind == AssetKind::Product {
                dt { (lang.t("assets.col.product")) }
                dd { (asset.vendor.as_deref().unwrap_or("")) " " (asset.product.as_deref().unwrap_or("")) " " (asset.version.as_deref().unwrap_or("")) }
                @if let Some(cpe) = &asset.cpe {
                    dt { "CPE" }
                    dd { code { (cpe) } }
                }
            }
            dt { (lang.t("assets.findings")) }
            dd {
                a href=(format!("/findings?asset={}", asset.id.0)) {
                    (lang.f("assets.findings_count", &[("active", &active.to_string()), ("total", &findings.len().to_string())]))
                }
            }
            dt { (lang.t("assets.created")) }
            dd { (lang.datetime(asset.created_at)) }
        }
        @if sees_inventory && asset.kind == AssetKind::Software {
            h2 { (lang.t("assets.inventory")) }
            @match current {
                Some(doc) => {
                    p { (lang.f("assets.inventory_current", &[
                        ("format", &doc.format),
                        ("components", &doc.components.to_string()),
                        ("at", &lang.datetime(doc.uploaded_at)),
                    ])) }
                }
                None => { p { (lang.t("assets.inventory_none")) } }
            }
            @if let Outcome::Refused { message, errors } = &outcome {
                div.errors role="alert" {
                    p { (lang.t("assets.upload_refused")) }
                    p lang="en" { (message) }
                    @if !errors.is_empty() {
                        ul lang="en" { @for e in *errors { li { code { (e) } } } }
                    }
                }
            }
            @if writes_inventory {
                h3 { (lang.t("assets.upload_title")) }
                form.stack method="post" action=(format!("/assets/{}/inventory", asset.id.0)) enctype="multipart/form-data" {
                    (layout::csrf(page))
                    div.dropzone {
                        label for="document" { (lang.t("assets.upload.file")) }
                        input #document type="file" name="document" required;
                        p { small { (lang.t("assets.upload.drop")) } " " span data-file-name {} }
                    }
                    div { button type="submit" { (lang.t("assets.upload.submit")) } }
                }
            }
            @if history.len() > 1 {
                h3 { (lang.t("assets.history_title")) }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { (lang.t("assets.history.at")) }
                        th scope="col" { (lang.t("assets.history.format")) }
                        th scope="col" class="num" { (lang.t("assets.history.components")) }
                        th scope="col" { (lang.t("assets.history.by")) }
                    } }
                    tbody { @for d in history.iter().rev() { tr {
                        td { (lang.datetime(d.uploaded_at)) }
                        td { (d.format) }
                        td.num { (d.components) }
                        td { (d.uploaded_by) }
                    } } }
                } }
            }
        }
    };
    Ok((asset.name, body))
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (title, body) = asset_page(&state, &page, AssetId(id), Outcome::None).await?;
    Ok(html(StatusCode::OK, layout::page(&page, &title, body)))
}

#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// The upload form: the API's `upload_inventory` (parse, match, one
/// transaction); a document that cannot be read shows the parser's
/// located errors and changes nothing.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, files, .. }: Posted<NoFields>,
) -> Result<Response, AppError> {
    let asset = AssetId(id);
    // Visible and writable first: an invisible asset is 404 whatever was sent.
    visibility::asset(&state, &page.p, asset, Object::Inventory, Access::Write).await?;
    let Some(file) = files.into_iter().find(|f| f.field == "document") else {
        return Err(AppError::BadRequest("document: no file".into()));
    };
    let result = upload_inventory(
        &state,
        &page.p,
        asset,
        None,
        file.file_name.as_deref(),
        file.bytes,
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/assets/{id}?done=uploaded"))),
        Err(AppError::Unprocessable { message, errors }) => {
            let (title, body) = asset_page(
                &state,
                &page,
                asset,
                Outcome::Refused {
                    message: &message,
                    errors: &errors,
                },
            )
            .await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(&page, &title, body),
            ))
        }
        Err(AppError::BadRequest(message)) | Err(AppError::Conflict(message)) => {
            let (title, body) = asset_page(
                &state,
                &page,
                asset,
                Outcome::Refused {
                    message: &message,
                    errors: &[],
                },
            )
            .await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(&page, &title, body),
            ))
        }
        Err(e) => Err(e),
    }
}
