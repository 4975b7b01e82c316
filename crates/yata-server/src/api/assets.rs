//! Assets and their inventory documents. Uploading a document parses it,
//! matches it against the current knowledge and, in one store transaction,
//! makes it the asset's current inventory and brings the asset's findings
//! in line.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_store::{
    Actor, Asset, AssetId, AssetKind, Criticality, FindingFilter, FindingsUpdate, NewAsset,
    NewAssetWithInventory, NewInventory, OrgId, Organization,
};

use crate::api::{parse_enum, rfc3339};
use crate::auth::Principal;
use crate::error::AppError;
use crate::evaluate::{self, PRODUCT_FORMAT};
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

pub fn asset_json(a: &Asset) -> Value {
    json!({
        "id": a.id.0,
        "organization_id": a.org.0,
        "name": a.name,
        "kind": a.kind.as_str(),
        "internet_exposed": a.internet_exposed,
        "criticality": a.criticality.as_str(),
        "vendor": a.vendor,
        "product": a.product,
        "version": a.version,
        "cpe": a.cpe,
        "created_at": rfc3339(a.created_at),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAssetBody {
    pub name: String,
    pub kind: String,
    pub internet_exposed: bool,
    pub criticality: String,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub cpe: Option<String>,
}

fn non_empty(field: &str, v: Option<String>) -> Result<Option<String>, AppError> {
    match v.map(|s| s.trim().to_owned()) {
        Some(s) if s.chars().count() > 500 => Err(AppError::BadRequest(format!(
            "{field}: longer than 500 characters"
        ))),
        Some(s) if s.is_empty() => Ok(None),
        other => Ok(other),
    }
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Json(body): Json<NewAssetBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let id = create_asset(&state, &p, OrgId(org), body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.0 }))))
}

/// Registers an asset of `org` (a product asset with its findings, in one
/// transaction); shared by the API and the web UI.
pub(crate) async fn create_asset(
    state: &AppState,
    p: &Principal,
    org: OrgId,
    body: NewAssetBody,
) -> Result<AssetId, AppError> {
    let org = visibility::organization(state, p, org, Object::Status, Access::Write).await?;
    let kind: AssetKind = parse_enum("kind", &body.kind)?;
    let criticality: Criticality = parse_enum("criticality", &body.criticality)?;
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "name: must be 1 to 200 characters".into(),
        ));
    }
    let new = NewAsset {
        org: org.id,
        name,
        kind,
        internet_exposed: body.internet_exposed,
        criticality,
        vendor: non_empty("vendor", body.vendor)?,
        product: non_empty("product", body.product)?,
        version: non_empty("version", body.version)?,
        cpe: non_empty("cpe", body.cpe)?,
    };
    if let Some(cpe) = &new.cpe {
        yata_cpe::Cpe::parse(cpe).map_err(|e| AppError::BadRequest(format!("cpe: {e}")))?;
    }
    if kind == AssetKind::Product && new.product.is_none() && new.cpe.is_none() {
        return Err(AppError::BadRequest(
            "product: a product asset needs a product name or a cpe".into(),
        ));
    }
    if kind == AssetKind::Software
        && [&new.vendor, &new.product, &new.version, &new.cpe]
            .iter()
            .any(|f| f.is_some())
    {
        return Err(AppError::BadRequest(
            "kind: vendor, product, version and cpe are for product assets; software assets take inventory documents".into(),
        ));
    }
    let id = if kind == AssetKind::Product {
        // The asset, its one-product inventory and its findings in one
        // transaction: a product asset never exists without them.
        let asset = Asset {
            id: AssetId(0),
            org: org.id,
            name: new.name.clone(),
            kind,
            internet_exposed: new.internet_exposed,
            criticality: new.criticality,
            vendor: new.vendor.clone(),
            product: new.product.clone(),
            version: new.version.clone(),
            cpe: new.cpe.clone(),
            created_at: Timestamp::now(),
        };
        let (knowledge, policy, org_kind) = (state.knowledge(), state.policy().clone(), org.kind);
        let item = tokio::task::spawn_blocking(move || {
            product_item(&knowledge, &policy, org_kind, &asset, Timestamp::now())
        })
        .await
        .map_err(AppError::internal)?;
        let ids = state.store().create_assets(&p.actor, &[item]).await?;
        let id = *ids
            .first()
            .ok_or_else(|| AppError::internal("no asset created"))?;
        state.installed().write().await.products.insert(id);
        id
    } else {
        state.store().create_asset(&p.actor, &new).await?
    };
    Ok(id)
}

pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Read).await?;
    let assets = state.store().assets(org.id).await?;
    Ok(Json(json!({
        "assets": assets.iter().map(asset_json).collect::<Vec<_>>()
    })))
}

pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(asset): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (asset, _) =
        visibility::asset(&state, &p, AssetId(asset), Object::Status, Access::Read).await?;
    Ok(Json(asset_json(&asset)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    format: Option<String>,
    /// The document's file name, for format detection (`Cargo.lock`, …).
    name: Option<String>,
}

pub async fn put_inventory(
    State(state): State<AppState>,
    p: Principal,
    Path(asset): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let u = upload_inventory(
        &state,
        &p,
        AssetId(asset),
        q.format.as_deref(),
        q.name.as_deref(),
        body,
    )
    .await?;
    Ok(Json(json!({
        "components": u.components,
        "format": u.format,
        "warnings": u.warnings,
        "findings": update_json(&u.update),
    })))
}

/// What an accepted inventory upload did.
#[derive(Debug)]
pub(crate) struct Uploaded {
    pub components: usize,
    pub format: &'static str,
    pub warnings: Vec<String>,
    pub update: FindingsUpdate,
}

/// Parses `body` (in `format`, or detected with the help of the file
/// `name`) and makes it the asset's current inventory with its findings,
/// in one transaction; a document that cannot be read is `Unprocessable`
/// with its located error and changes nothing. Shared by the API and the
/// web UI.
pub(crate) async fn upload_inventory(
    state: &AppState,
    p: &Principal,
    asset: AssetId,
    format: Option<&str>,
    name: Option<&str>,
    body: Bytes,
) -> Result<Uploaded, AppError> {
    let (asset, org) = visibility::asset(state, p, asset, Object::Inventory, Access::Write).await?;
    if asset.kind == AssetKind::Product {
        return Err(AppError::Conflict(
            "a product asset takes no inventory document: its vendor, product, version and cpe are its inventory".into(),
        ));
    }
    let format = match format {
        Some(f) => f
            .parse::<yata_inventory::Format>()
            .map_err(|e| AppError::BadRequest(format!("format: {e}")))?,
        None => yata_inventory::detect(name.unwrap_or(""), &body).ok_or_else(|| {
            AppError::Unprocessable {
                message: "the document's format is not recognised: give ?format= or ?name=".into(),
                errors: Vec::new(),
            }
        })?,
    };
    let limits = state.config().inventory_limits.clone();
    let parse_body = body.clone();
    let inventory =
        tokio::task::spawn_blocking(move || yata_inventory::parse(format, &parse_body, &limits))
            .await
            .map_err(AppError::internal)?
            .map_err(|e| AppError::Unprocessable {
                message: "the inventory document cannot be read; nothing was changed".into(),
                errors: vec![e.to_string()],
            })?;
    let components = inventory.components.len() + inventory.products.len();
    let warnings: Vec<String> = inventory
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect();
    let update = store_parsed(
        state,
        &p.actor,
        &asset,
        &org,
        format.name(),
        body.to_vec(),
        "raw",
        inventory,
    )
    .await?;
    Ok(Uploaded {
        components,
        format: format.name(),
        warnings,
        update,
    })
}

pub fn update_json(u: &FindingsUpdate) -> Value {
    json!({
        "opened": u.opened,
        "reopened": u.reopened,
        "refreshed": u.refreshed,
        "resolved": u.resolved,
    })
}

/// Makes `body` (read as `inventory`) the asset's current inventory and
/// reconciles its findings, in one store transaction.
#[allow(clippy::too_many_arguments)] // Each is one fact about the upload; a struct would only rename them.
async fn store_parsed(
    state: &AppState,
    actor: &Actor,
    asset: &Asset,
    org: &Organization,
    format: &str,
    body: Vec<u8>,
    encoding: &str,
    inventory: yata_model::inventory::Inventory,
) -> Result<FindingsUpdate, AppError> {
    let existing = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset: Some(asset.id),
            state: None,
        })
        .await?;
    let components = (inventory.components.len() + inventory.products.len()) as u64;
    // Matched against the knowledge of the moment; if a feed import swaps
    // it meanwhile, matched again (its re-evaluation may have read the
    // previous inventory).
    let mut inventory = inventory;
    let mut observations;
    let mut tries = 0;
    loop {
        let knowledge = state.knowledge();
        let digest = knowledge.digest.clone();
        let policy = state.policy().clone();
        let (asset_c, kind, existing_c) = (asset.clone(), org.kind, existing.clone());
        let (o, inv) = tokio::task::spawn_blocking(move || {
            let observations = evaluate::observations(
                &knowledge,
                &policy,
                &inventory,
                &asset_c,
                kind,
                &existing_c,
                Timestamp::now(),
            );
            (observations, inventory)
        })
        .await
        .map_err(AppError::internal)?;
        observations = o;
        inventory = inv;
        tries += 1;
        if state.knowledge().digest == digest || tries == 3 {
            break;
        }
    }
    let digest = yata_inventory::digest(&body);
    let (_, update) = state
        .store()
        .replace_inventory(
            actor,
            &NewInventory {
                asset: asset.id,
                format: format.to_owned(),
                digest,
                components,
                encoding: encoding.to_owned(),
                body,
            },
            &observations,
        )
        .await?;
    // Committed: from now on feed changes look at this asset by what it
    // has installed now.
    evaluate::install(&mut *state.installed().write().await, asset, &inventory);
    Ok(update)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkQuery {
    /// `product-csv` or `product-xlsx`; detected if absent.
    format: Option<String>,
}

/// Registers every row of an asset register (CSV or XLSX: vendor, product,
/// version, CPE, host name, exposure, criticality…) as a product asset with
/// its findings, in one transaction. A row without exposure counts as
/// internet-exposed and one without criticality as high: the conservative
/// defaults, reported in the answer.
pub async fn bulk_products(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Query(q): Query<BulkQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Write).await?;
    let format = match q.format.as_deref() {
        Some(f) => f
            .parse::<yata_inventory::Format>()
            .map_err(|e| AppError::BadRequest(format!("format: {e}")))?,
        None => yata_inventory::detect("", &body)
            .filter(|f| {
                matches!(
                    f,
                    yata_inventory::Format::ProductCsv | yata_inventory::Format::ProductXlsx
                )
            })
            .unwrap_or(yata_inventory::Format::ProductCsv),
    };
    if !matches!(
        format,
        yata_inventory::Format::ProductCsv | yata_inventory::Format::ProductXlsx
    ) {
        return Err(AppError::BadRequest(
            "format: an asset register is product-csv or product-xlsx".into(),
        ));
    }
    let limits = state.config().inventory_limits.clone();
    let register =
        tokio::task::spawn_blocking(move || yata_inventory::parse(format, &body, &limits))
            .await
            .map_err(AppError::internal)?
            .map_err(|e| AppError::Unprocessable {
                message: "the asset register cannot be read; nothing was changed".into(),
                errors: vec![e.to_string()],
            })?;
    let mut names = std::collections::HashSet::new();
    let mut errors = Vec::new();
    let mut defaults = 0;
    let mut assets = Vec::with_capacity(register.products.len());
    for (row, product) in register.products.iter().enumerate() {
        let name = product.hostname.clone().unwrap_or_else(|| {
            [
                product.vendor.as_deref(),
                Some(product.product.as_str()),
                product.version.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        });
        if !names.insert(name.clone()) {
            errors.push(format!(
                "products[{row}]: asset name {name:?} appears twice"
            ));
            continue;
        }
        if product.internet_exposed.is_none() || product.criticality.is_none() {
            defaults += 1;
        }
        assets.push(Asset {
            id: AssetId(0),
            org: org.id,
            name,
            kind: AssetKind::Product,
            internet_exposed: product.internet_exposed.unwrap_or(true),
            criticality: match product.criticality {
                Some(yata_model::inventory::Criticality::Low) => Criticality::Low,
                Some(yata_model::inventory::Criticality::Medium) => Criticality::Medium,
                Some(yata_model::inventory::Criticality::VeryHigh) => Criticality::VeryHigh,
                Some(yata_model::inventory::Criticality::High) | None => Criticality::High,
            },
            vendor: product.vendor.clone(),
            product: Some(product.product.clone()).filter(|p| !p.is_empty()),
            version: product.version.clone(),
            cpe: product.cpe.clone(),
            created_at: Timestamp::now(),
        });
    }
    if !errors.is_empty() || assets.is_empty() {
        return Err(AppError::Unprocessable {
            message: "the asset register has no usable rows or repeats names; nothing was changed"
                .into(),
            errors,
        });
    }
    let knowledge = state.knowledge();
    let policy = state.policy().clone();
    let kind = org.kind;
    let items = tokio::task::spawn_blocking(move || {
        assets
            .iter()
            .map(|a| product_item(&knowledge, &policy, kind, a, Timestamp::now()))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(AppError::internal)?;
    let findings: usize = items.iter().map(|i| i.observations.len()).sum();
    let ids = state.store().create_assets(&p.actor, &items).await?;
    state
        .installed()
        .write()
        .await
        .products
        .extend(ids.iter().copied());
    let warnings: Vec<String> = register
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.path, w.message))
        .collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "ids": ids.iter().map(|i| i.0).collect::<Vec<_>>(),
            "created": ids.len(),
            "findings": findings,
            "rows_with_defaults": defaults,
            "warnings": warnings,
        })),
    ))
}

/// A product asset to create with its one-product inventory and findings.
pub(crate) fn product_item(
    knowledge: &crate::state::Knowledge,
    policy: &yata_priority::Policy,
    org_kind: yata_store::OrgKind,
    a: &Asset,
    now: Timestamp,
) -> NewAssetWithInventory {
    let inventory = evaluate::product_inventory(a);
    let observations = evaluate::observations(knowledge, policy, &inventory, a, org_kind, &[], now);
    let body = serde_json::to_vec(&asset_json(a)).unwrap_or_default();
    NewAssetWithInventory {
        asset: NewAsset {
            org: a.org,
            name: a.name.clone(),
            kind: a.kind,
            internet_exposed: a.internet_exposed,
            criticality: a.criticality,
            vendor: a.vendor.clone(),
            product: a.product.clone(),
            version: a.version.clone(),
            cpe: a.cpe.clone(),
        },
        inventory: NewInventory {
            asset: AssetId(0),
            format: PRODUCT_FORMAT.into(),
            digest: yata_inventory::digest(&body),
            components: 1,
            encoding: "json".into(),
            body,
        },
        observations,
    }
}

/// The asset's current document, as uploaded.
pub async fn get_inventory(
    State(state): State<AppState>,
    p: Principal,
    Path(asset): Path<i64>,
) -> Result<Response, AppError> {
    let (asset, _) =
        visibility::asset(&state, &p, AssetId(asset), Object::Inventory, Access::Read).await?;
    let doc = state
        .store()
        .current_inventory(asset.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let content_type = if doc.encoding == "json" || doc.meta.format.contains("json") {
        "application/json"
    } else {
        "application/octet-stream"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::HeaderName::from_static("x-yata-format"),
                doc.meta.format.clone(),
            ),
        ],
        doc.body,
    )
        .into_response())
}

pub async fn history(
    State(state): State<AppState>,
    p: Principal,
    Path(asset): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (asset, _) =
        visibility::asset(&state, &p, AssetId(asset), Object::Status, Access::Read).await?;
    let docs = state.store().inventory_history(asset.id).await?;
    Ok(Json(json!({
        "inventories": docs.iter().map(|d| json!({
            "id": d.id.0,
            "format": d.format,
            "digest": d.digest,
            "uploaded_at": rfc3339(d.uploaded_at),
            "uploaded_by": d.uploaded_by,
            "components": d.components,
            "current": d.is_current,
        })).collect::<Vec<_>>()
    })))
}
