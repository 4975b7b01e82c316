//! The remediation picture: an organisation's figures, a sector's for its
//! ministry (and the NCO), the nation's for the NCO, and who is exposed to
//! one vulnerability. Overdue KEV findings come first wherever
//! organisations are listed.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, State};
use jiff::Timestamp;
use serde_json::{Value, json};
use yata_store::{Asset, AssetId, FindingState, OrgId, OrgKind, OrgSummary, Organization, Role};

use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Weeks of trend every summary carries.
const TREND_WEEKS: u32 = 12;
const WEEK_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;
/// Smaller counts are shown to vendors as `"<5"`.
const VENDOR_THRESHOLD: usize = 5;

fn summary_json(s: &OrgSummary, now: Timestamp) -> Value {
    let this_week = now.as_microsecond() / WEEK_MICROS;
    let trend: Vec<Value> = (0..i64::from(TREND_WEEKS))
        .rev()
        .map(|back| {
            let w = this_week - back;
            let (opened, fixed) = s.weeks.get(&w).copied().unwrap_or_default();
            json!({
                "week_start": Timestamp::from_microsecond(w * WEEK_MICROS).map(rfc3339).ok(),
                "opened": opened,
                "fixed": fixed,
            })
        })
        .collect();
    json!({
        "by_state": s.by_state,
        "open_by_decision": s.open_by_decision,
        "overdue": s.overdue,
        "due_within_7_days": s.due_within_7_days,
        "kev_open": s.kev_open,
        "overdue_kev": s.overdue_kev,
        "fixed": s.fixed,
        "mean_time_to_remediate_days": s
            .mean_time_to_remediate()
            .map(|d| (d.as_secs_f64() / 86_400.0 * 10.0).round() / 10.0),
        "trend": trend,
    })
}

fn org_ref(o: &Organization) -> Value {
    json!({ "id": o.id.0, "name": o.name, "kind": o.kind.as_str(), "sectors": o.sectors })
}

/// Organisations with their figures, overdue KEV first, then overdue, then
/// name.
fn ranked(orgs: &[Organization], sums: &[OrgSummary], now: Timestamp) -> Vec<Value> {
    let by_id: HashMap<OrgId, &OrgSummary> =
        sums.iter().filter_map(|s| Some((s.org?, s))).collect();
    let mut rows: Vec<(&Organization, &OrgSummary)> = orgs
        .iter()
        .filter_map(|o| Some((o, *by_id.get(&o.id)?)))
        .collect();
    rows.sort_by(|(ao, a), (bo, b)| {
        (b.overdue_kev, b.overdue)
            .cmp(&(a.overdue_kev, a.overdue))
            .then_with(|| ao.name.cmp(&bo.name))
    });
    rows.into_iter()
        .map(|(o, s)| {
            let mut v = org_ref(o);
            v["summary"] = summary_json(s, now);
            v
        })
        .collect()
}

fn total(sums: &[OrgSummary]) -> OrgSummary {
    let mut t = OrgSummary::default();
    for s in sums {
        t.add(s);
    }
    t
}

/// Operators and government bodies: the organisations sectors are made of.
fn in_sector(o: &Organization, sector: &str) -> bool {
    matches!(o.kind, OrgKind::Operator | OrgKind::Government)
        && o.sectors.iter().any(|s| s == sector)
}

pub async fn organization(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Read).await?;
    let now = Timestamp::now();
    let sums = state
        .store()
        .finding_summaries(&[org.id], now, TREND_WEEKS)
        .await?;
    let s = sums.first().cloned().unwrap_or_default();
    Ok(Json(
        json!({ "organization": org_ref(&org), "summary": summary_json(&s, now) }),
    ))
}

pub async fn sector(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
) -> Result<Json<Value>, AppError> {
    let allowed = match p.org.kind {
        OrgKind::Nco => true,
        OrgKind::Ministry => p.org.sectors.contains(&code),
        _ => false,
    };
    let sectors = state.store().sectors().await?;
    let Some(sector) = sectors.iter().find(|s| s.code == code) else {
        return Err(AppError::NotFound);
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let orgs: Vec<Organization> = state
        .store()
        .organizations()
        .await?
        .into_iter()
        .filter(|o| in_sector(o, &code))
        .collect();
    let now = Timestamp::now();
    let ids: Vec<OrgId> = orgs.iter().map(|o| o.id).collect();
    let sums = state
        .store()
        .finding_summaries(&ids, now, TREND_WEEKS)
        .await?;
    Ok(Json(json!({
        "sector": { "code": sector.code, "name_ja": sector.name_ja, "name_en": sector.name_en },
        "summary": summary_json(&total(&sums), now),
        "organizations": ranked(&orgs, &sums, now),
    })))
}

pub async fn nation(State(state): State<AppState>, p: Principal) -> Result<Json<Value>, AppError> {
    if !visibility::is_nco(&p, Role::ALL) {
        return Err(AppError::Forbidden("only the NCO sees the nation".into()));
    }
    let orgs: Vec<Organization> = state
        .store()
        .organizations()
        .await?
        .into_iter()
        .filter(|o| matches!(o.kind, OrgKind::Operator | OrgKind::Government))
        .collect();
    let now = Timestamp::now();
    let ids: Vec<OrgId> = orgs.iter().map(|o| o.id).collect();
    let sums = state
        .store()
        .finding_summaries(&ids, now, TREND_WEEKS)
        .await?;
    let by_id: HashMap<OrgId, &OrgSummary> =
        sums.iter().filter_map(|s| Some((s.org?, s))).collect();
    let mut sectors = Vec::new();
    for sector in state.store().sectors().await? {
        let members: Vec<OrgSummary> = orgs
            .iter()
            .filter(|o| in_sector(o, &sector.code))
            .filter_map(|o| by_id.get(&o.id).map(|s| (*s).clone()))
            .collect();
        sectors.push(json!({
            "sector": { "code": sector.code, "name_ja": sector.name_ja, "name_en": sector.name_en },
            "organizations": members.len(),
            "summary": summary_json(&total(&members), now),
        }));
    }
    // Sectors with overdue KEV findings first, as organisations are.
    sectors.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["summary"]["overdue_kev"].as_u64().unwrap_or(0),
                v["summary"]["overdue"].as_u64().unwrap_or(0),
            )
        };
        key(b).cmp(&key(a))
    });
    Ok(Json(json!({
        "summary": summary_json(&total(&sums), now),
        "sectors": sectors,
        "organizations": ranked(&orgs, &sums, now),
    })))
}

/// Who is exposed to vulnerability `id` (any alias): for the NCO every
/// organisation and asset with the finding's state and deadline, grouped
/// by sector; for a ministry the same within its sectors; for a vendor
/// counts per sector, below five shown as `"<5"`; for anyone else 404.
pub async fn exposure(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let vendor = p.org.kind == OrgKind::Vendor;
    if !matches!(p.org.kind, OrgKind::Nco | OrgKind::Ministry) && !vendor {
        return Err(AppError::NotFound);
    }
    let vuln: yata_model::VulnId = id
        .parse()
        .map_err(|e| AppError::BadRequest(format!("id: {e}")))?;
    let knowledge = state.knowledge();
    let (primary, ids) = match knowledge.db.get(&vuln) {
        Some(v) => {
            let mut ids: Vec<String> = v.aliases().iter().map(|a| a.as_str().to_owned()).collect();
            ids.push(v.id().as_str().to_owned());
            (v.id().as_str().to_owned(), ids)
        }
        None => (vuln.as_str().to_owned(), vec![vuln.as_str().to_owned()]),
    };
    drop(knowledge);
    let findings = state.store().findings_of_vulnerabilities(&ids).await?;
    let now = Timestamp::now();
    // sector → organisation → assets.
    let mut sectors: BTreeMap<String, BTreeMap<OrgId, Vec<Value>>> = BTreeMap::new();
    let mut orgs: HashMap<OrgId, Organization> = HashMap::new();
    let mut assets: HashMap<AssetId, Option<Asset>> = HashMap::new();
    for f in findings.iter().filter(|f| {
        f.present
            && !matches!(
                f.state,
                FindingState::Fixed | FindingState::NotAffected | FindingState::FalsePositive
            )
    }) {
        let org = match orgs.get(&f.org) {
            Some(o) => o.clone(),
            None => {
                let Some(o) = state.organization(f.org).await? else {
                    continue;
                };
                orgs.insert(o.id, o.clone());
                o
            }
        };
        let visible = vendor || visibility::sees(&p, &org, Object::Status);
        if !visible {
            continue;
        }
        let asset = match assets.get(&f.asset) {
            Some(a) => a.clone(),
            None => {
                let a = state.store().asset(f.asset).await?;
                assets.insert(f.asset, a.clone());
                a
            }
        };
        let row = json!({
            "asset_id": f.asset.0,
            "asset": asset.as_ref().map(|a| a.name.clone()),
            "internet_exposed": asset.as_ref().map(|a| a.internet_exposed),
            "finding_id": f.id.0,
            "subject": f.subject,
            "state": f.state.as_str(),
            "decision": f.decision,
            "deadline": f.deadline.map(rfc3339),
            "overdue": f.deadline.is_some_and(|d| d < now)
                && matches!(f.state, FindingState::Open | FindingState::InTriage),
        });
        let org_sectors = if org.sectors.is_empty() {
            vec!["none".to_owned()]
        } else {
            org.sectors.clone()
        };
        for s in org_sectors {
            if p.org.kind == OrgKind::Ministry && !p.org.sectors.contains(&s) {
                continue;
            }
            sectors
                .entry(s)
                .or_default()
                .entry(org.id)
                .or_default()
                .push(row.clone());
        }
    }
    let count = |n: usize| {
        if vendor && n < VENDOR_THRESHOLD {
            json!("<5")
        } else {
            json!(n)
        }
    };
    let mut out_sectors = Vec::new();
    // An organisation in two sectors is listed under both, counted once.
    let mut all_orgs = std::collections::HashSet::new();
    let mut all_assets = std::collections::HashSet::new();
    for (code, by_org) in &sectors {
        let assets_in: usize = by_org.values().map(Vec::len).sum();
        for (org, rows) in by_org {
            all_orgs.insert(*org);
            all_assets.extend(rows.iter().filter_map(|r| r["asset_id"].as_i64()));
        }
        let mut entry = json!({
            "sector": code,
            "organizations": count(by_org.len()),
            "assets": count(assets_in),
        });
        if !vendor {
            entry["exposed"] = Value::Array(
                by_org
                    .iter()
                    .map(|(id, rows)| {
                        let mut v = orgs.get(id).map(org_ref).unwrap_or(Value::Null);
                        v["assets"] = Value::Array(rows.clone());
                        v
                    })
                    .collect(),
            );
        }
        out_sectors.push(entry);
    }
    Ok(Json(json!({
        "vulnerability": primary,
        "aliases": ids,
        "organizations": count(all_orgs.len()),
        "assets": count(all_assets.len()),
        "sectors": out_sectors,
    })))
}
