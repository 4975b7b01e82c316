//! The remediation picture: an organisation's figures, a sector's for its
//! ministry (and the NCO), the nation's for the NCO, and who is exposed to
//! one vulnerability. Overdue KEV findings come first wherever
//! organisations are listed.
//!
//! At national scale (millions of findings) the views are bounded by what
//! they show, not by the findings:
//!
//! * The nation and sector views aggregate every finding, which takes
//!   seconds on millions; a replica computes them once ([`Rollups`]: every
//!   operator's and government body's figures, the nation's answer and each
//!   sector's, serialised) and serves those bytes for
//!   `ServiceConfig::view_cache` (10 s by default). A request after that
//!   gets them while one refresh runs in the background; one after four
//!   times that waits for a fresh computation. Each answer says when its
//!   figures were computed (`as_of`). The nation's lists the
//!   [`NATION_LISTED`] most urgent organisations (`organizations_total`
//!   says how many there are); a sector's lists all of its own.
//! * Who is exposed to a vulnerability: per organisation counts from one
//!   aggregate over the partial index of exposed findings
//!   (`Store::exposure_counts`), the organisations from the cache, and the
//!   NCO's and ministries' listing of findings from one bounded query
//!   (`Store::exposed_findings`): at most [`EXPOSURE_LISTED`] findings, by
//!   organisation, asset and id; counts are always complete and
//!   `truncated` says whether the listing is. An answer is kept for
//!   `view_cache` per vulnerability and per audience (the NCO, each
//!   ministry, vendors), so the hundreds of people asking about the same
//!   vulnerability during an incident cost one computation every ten
//!   seconds ([`ExposureCache`]; `as_of` again).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value, json};
use yata_store::{ExposedFinding, FindingState, OrgId, OrgKind, OrgSummary, Organization, Role};

use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Weeks of trend every summary carries.
const TREND_WEEKS: u32 = 12;
const WEEK_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;
/// Smaller counts are shown to vendors as `"<5"`.
const VENDOR_THRESHOLD: u64 = 5;
/// Most findings the exposure view lists (NCO and ministries); the counts
/// cover all of them. The most-exposed vulnerability of a nation has tens
/// of thousands: listing them all would be megabytes of JSON per request.
pub const EXPOSURE_LISTED: u32 = 500;
/// Organisations the nation's view lists, most urgent first (each
/// sector's view lists all of its own): thousands would be megabytes per
/// answer.
const NATION_LISTED: usize = 100;
/// A rollup older than `view_cache` times this is not served while it is
/// refreshed: the request waits for fresh figures.
const MAX_STALENESS: u32 = 4;

fn summary_json(s: &OrgSummary, now: Timestamp) -> Value {
    let this_week = now.as_microsecond() / WEEK_MICROS;
    let trend: Vec<Value> = (0..i64::from(TREND_WEEKS))
        .rev()
        .map(|back| {
            let w = this_week - back;
            let (opened, fixed) = s.weeks.get(&w).copied().unwrap_or_default();
            let (open, overdue) = s.backlog.get(&w).copied().unwrap_or_default();
            json!({
                "week_start": Timestamp::from_microsecond(w * WEEK_MICROS).map(rfc3339).ok(),
                "opened": opened,
                "fixed": fixed,
                "open": open,
                "overdue": overdue,
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

/// The nation's and the sectors' answers, serialised from one
/// computation of every operator's and government body's figures.
#[derive(Debug)]
pub(crate) struct Rollup {
    computed: Instant,
    nation: Bytes,
    /// By sector code.
    sectors: HashMap<String, Bytes>,
}

/// A replica's latest [`Rollup`] and the lock its one refresh holds.
#[derive(Debug, Default)]
pub struct Rollups {
    current: std::sync::RwLock<Option<Arc<Rollup>>>,
    refresh: Arc<tokio::sync::Mutex<()>>,
}

impl Rollups {
    fn get(&self) -> Option<Arc<Rollup>> {
        match self.current.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, r: Arc<Rollup>) {
        match self.current.write() {
            Ok(mut slot) => *slot = Some(r),
            Err(poisoned) => *poisoned.into_inner() = Some(r),
        }
    }
}

/// The rollup to answer from: the cached one while fresh; a stale one
/// (refreshed meanwhile, once) up to [`MAX_STALENESS`]; else a new one,
/// computed once however many requests wait for it.
async fn rollup(state: &AppState) -> Result<Arc<Rollup>, AppError> {
    let ttl = state.config().view_cache;
    let cache = state.rollups();
    if let Some(r) = cache.get() {
        let age = r.computed.elapsed();
        if age < ttl {
            return Ok(r);
        }
        if age < ttl * MAX_STALENESS {
            if let Ok(guard) = Arc::clone(&cache.refresh).try_lock_owned() {
                let state = state.clone();
                tokio::spawn(async move {
                    let _guard = guard;
                    match compute_rollup(&state).await {
                        Ok(r) => state.rollups().set(Arc::new(r)),
                        Err(e) => tracing::error!(error = %e, "refreshing the views failed"),
                    }
                });
            }
            return Ok(r);
        }
    }
    let asked = Instant::now();
    let _guard = cache.refresh.lock().await;
    // Computed by another request while this one waited.
    if let Some(r) = cache.get()
        && r.computed >= asked
    {
        return Ok(r);
    }
    let r = Arc::new(compute_rollup(state).await?);
    if ttl > Duration::ZERO {
        cache.set(Arc::clone(&r));
    }
    Ok(r)
}

async fn compute_rollup(state: &AppState) -> Result<Rollup, AppError> {
    let computed = Instant::now();
    let orgs: Vec<Organization> = state
        .store()
        .organizations()
        .await?
        .into_iter()
        .filter(|o| matches!(o.kind, OrgKind::Operator | OrgKind::Government))
        .collect();
    let sectors = state.store().sectors().await?;
    let now = Timestamp::now();
    let ids: Vec<OrgId> = orgs.iter().map(|o| o.id).collect();
    let sums = state
        .store()
        .finding_summaries(&ids, now, TREND_WEEKS)
        .await?;
    // Thousands of organisations' JSON: off the async threads.
    tokio::task::spawn_blocking(move || {
        let as_of = rfc3339(now);
        let by_id: HashMap<OrgId, &OrgSummary> =
            sums.iter().filter_map(|s| Some((s.org?, s))).collect();
        let mut nation_sectors = Vec::new();
        let mut sector_answers = HashMap::new();
        for sector in &sectors {
            let members: Vec<Organization> = orgs
                .iter()
                .filter(|o| in_sector(o, &sector.code))
                .cloned()
                .collect();
            let member_sums: Vec<OrgSummary> = members
                .iter()
                .filter_map(|o| by_id.get(&o.id).map(|s| (*s).clone()))
                .collect();
            let sector_ref = json!({ "code": sector.code, "name_ja": sector.name_ja, "name_en": sector.name_en });
            let summary = summary_json(&total(&member_sums), now);
            nation_sectors.push(json!({
                "sector": sector_ref,
                "organizations": member_sums.len(),
                "summary": summary,
            }));
            let answer = json!({
                "sector": sector_ref,
                "as_of": as_of,
                "summary": summary,
                "organizations": ranked(&members, &member_sums, now),
            });
            sector_answers.insert(sector.code.clone(), to_bytes(&answer)?);
        }
        // Sectors with overdue KEV findings first, as organisations are.
        nation_sectors.sort_by(|a, b| {
            let key = |v: &Value| {
                (
                    v["summary"]["overdue_kev"].as_u64().unwrap_or(0),
                    v["summary"]["overdue"].as_u64().unwrap_or(0),
                )
            };
            key(b).cmp(&key(a))
        });
        let nation = json!({
            "as_of": as_of,
            "summary": summary_json(&total(&sums), now),
            "sectors": nation_sectors,
            "organizations": ranked(&orgs, &sums, now)
                .into_iter()
                .take(NATION_LISTED)
                .collect::<Vec<_>>(),
            "organizations_total": orgs.len(),
        });
        Ok(Rollup {
            computed,
            nation: to_bytes(&nation)?,
            sectors: sector_answers,
        })
    })
    .await
    .map_err(AppError::internal)?
}

fn to_bytes(v: &Value) -> Result<Bytes, AppError> {
    serde_json::to_vec(v)
        .map(Bytes::from)
        .map_err(AppError::internal)
}

/// Already serialised JSON.
fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub async fn sector(
    State(state): State<AppState>,
    p: Principal,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    Ok(json_bytes(sector_answer(&state, &p, &code).await?))
}

/// Sector `code`'s answer (its ministry and the NCO; 404 for anyone else),
/// serialised: the API's body, which the pages read too.
pub(crate) async fn sector_answer(
    state: &AppState,
    p: &Principal,
    code: &str,
) -> Result<Bytes, AppError> {
    let allowed = match p.org.kind {
        OrgKind::Nco => true,
        OrgKind::Ministry => p.org.sectors.iter().any(|s| s == code),
        _ => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let r = rollup(state).await?;
    let answer = r.sectors.get(code).ok_or(AppError::NotFound)?;
    Ok(answer.clone())
}

pub async fn nation(State(state): State<AppState>, p: Principal) -> Result<Response, AppError> {
    Ok(json_bytes(nation_answer(&state, &p).await?))
}

/// The nation's answer (the NCO), serialised.
pub(crate) async fn nation_answer(state: &AppState, p: &Principal) -> Result<Bytes, AppError> {
    if !visibility::is_nco(p, Role::ALL) {
        return Err(AppError::Forbidden("only the NCO sees the nation".into()));
    }
    Ok(rollup(state).await?.nation.clone())
}

/// Who is exposed to vulnerability `id` (any alias): for the NCO every
/// organisation and asset with the finding's state and deadline, grouped
/// by sector; for a ministry the same within its sectors; for a vendor
/// counts per sector, below five shown as `"<5"`; for anyone else 404.
/// The listing stops at [`EXPOSURE_LISTED`] findings (`truncated`); the
/// counts are complete.
pub async fn exposure(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    Ok(json_bytes(exposure_answer(&state, &p, &id).await?))
}

/// Who is exposed to `id`, as [`exposure`] answers `p`, serialised.
pub(crate) async fn exposure_answer(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<Bytes, AppError> {
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
    let audience = match p.org.kind {
        OrgKind::Nco => Audience::Nco,
        OrgKind::Ministry => Audience::Ministry(p.org.id),
        _ => Audience::Vendors,
    };
    let key = (primary.clone(), audience);
    let ttl = state.config().view_cache;
    let cache = state.exposures();
    if let Some(body) = cache.fresh(&key, ttl) {
        return Ok(body);
    }
    // One computation per answer at a time; the others wait and reuse it.
    let _guard = cache.compute.lock().await;
    if let Some(body) = cache.fresh(&key, ttl) {
        return Ok(body);
    }
    let mut answer = compute_exposure(state, p, vendor, primary, ids).await?;
    answer["as_of"] = json!(rfc3339(Timestamp::now()));
    let body = to_bytes(&answer)?;
    if ttl > Duration::ZERO {
        cache.put(key, body.clone(), ttl);
    }
    Ok(body)
}

/// Who sees what in an exposure answer: the NCO all, a ministry its
/// sectors, vendors counts only (the same for every vendor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Audience {
    Nco,
    Ministry(OrgId),
    Vendors,
}

/// Exposure answers by (primary vulnerability id, audience), serialised.
#[derive(Debug, Default)]
pub struct ExposureCache {
    answers: std::sync::Mutex<HashMap<(String, Audience), (Instant, Bytes)>>,
    compute: tokio::sync::Mutex<()>,
}

/// Answers kept at most; beyond, the expired ones are dropped, and if
/// that is not enough, all.
const EXPOSURE_CACHED: usize = 4096;

impl ExposureCache {
    fn fresh(&self, key: &(String, Audience), ttl: Duration) -> Option<Bytes> {
        let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        let (at, body) = answers.get(key)?;
        (at.elapsed() < ttl).then(|| body.clone())
    }

    fn put(&self, key: (String, Audience), body: Bytes, ttl: Duration) {
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        if answers.len() >= EXPOSURE_CACHED {
            answers.retain(|_, (at, _)| at.elapsed() < ttl);
            if answers.len() >= EXPOSURE_CACHED {
                answers.clear();
            }
        }
        answers.insert(key, (Instant::now(), body));
    }
}

async fn compute_exposure(
    state: &AppState,
    p: &Principal,
    vendor: bool,
    primary: String,
    ids: Vec<String>,
) -> Result<Value, AppError> {
    let counts = state.store().exposure_counts(&ids).await?;
    let org_ids: Vec<OrgId> = counts.iter().map(|c| c.org).collect();
    let orgs = state.organizations(&org_ids).await?;
    // The organisations the caller sees, by id, each with the sectors it
    // is listed under (an organisation in two sectors is listed under
    // both, counted once in the totals).
    let mut visible = Vec::new();
    for c in &counts {
        let Some(org) = orgs.get(&c.org) else {
            continue;
        };
        if !vendor && !visibility::sees(p, org, Object::Status) {
            continue;
        }
        let none = ["none".to_owned()];
        let listed_under = if org.sectors.is_empty() {
            &none[..]
        } else {
            &org.sectors[..]
        };
        let sectors: Vec<String> = listed_under
            .iter()
            .filter(|s| p.org.kind != OrgKind::Ministry || p.org.sectors.contains(s))
            .cloned()
            .collect();
        if sectors.is_empty() {
            continue;
        }
        visible.push((c, org, sectors));
    }
    let count = |n: u64| {
        if vendor && n < VENDOR_THRESHOLD {
            json!("<5")
        } else {
            json!(n)
        }
    };
    // sector → (organisations, assets), and the organisations listed there.
    let mut sectors: BTreeMap<&str, (u64, u64, Vec<&Organization>)> = BTreeMap::new();
    for (c, org, in_sectors) in &visible {
        for s in in_sectors {
            let e = sectors.entry(s.as_str()).or_default();
            e.0 += 1;
            e.1 += c.assets;
            e.2.push(*org);
        }
    }
    let total_assets: u64 = visible.iter().map(|(c, _, _)| c.assets).sum();
    let total_findings: u64 = visible.iter().map(|(c, _, _)| c.findings).sum();
    // The listing: the first organisations by id whose findings fill it.
    let mut rows_of: HashMap<OrgId, Vec<Value>> = HashMap::new();
    let mut listed = 0;
    if !vendor {
        let mut wanted = Vec::new();
        let mut n = 0;
        for (c, _, _) in &visible {
            if n >= u64::from(EXPOSURE_LISTED) {
                break;
            }
            wanted.push(c.org);
            n += c.findings;
        }
        let now = Timestamp::now();
        let rows = state
            .store()
            .exposed_findings(&ids, &wanted, EXPOSURE_LISTED)
            .await?;
        listed = rows.len();
        for f in &rows {
            rows_of.entry(f.org).or_default().push(exposed_json(f, now));
        }
    }
    let out_sectors: Vec<Value> = sectors
        .iter()
        .map(|(code, (n_orgs, n_assets, members))| {
            let mut entry = json!({
                "sector": code,
                "organizations": count(*n_orgs),
                "assets": count(*n_assets),
            });
            if !vendor {
                entry["exposed"] = Value::Array(
                    members
                        .iter()
                        .filter_map(|o| {
                            let rows = rows_of.get(&o.id)?;
                            let mut v = org_ref(o);
                            v["assets"] = Value::Array(rows.clone());
                            Some(v)
                        })
                        .collect(),
                );
            }
            entry
        })
        .collect();
    let mut answer = json!({
        "vulnerability": primary,
        "aliases": ids,
        "organizations": count(visible.len() as u64),
        "assets": count(total_assets),
        "sectors": out_sectors,
    });
    if !vendor {
        answer["findings"] = json!(total_findings);
        answer["listed"] = json!(listed);
        answer["truncated"] = json!((listed as u64) < total_findings);
    }
    Ok(answer)
}

fn exposed_json(f: &ExposedFinding, now: Timestamp) -> Value {
    json!({
        "asset_id": f.asset.0,
        "asset": f.asset_name,
        "internet_exposed": f.internet_exposed,
        "finding_id": f.id.0,
        "subject": f.subject,
        "state": f.state.as_str(),
        "decision": f.decision,
        "deadline": f.deadline.map(rfc3339),
        "overdue": f.deadline.is_some_and(|d| d < now)
            && matches!(f.state, FindingState::Open | FindingState::InTriage),
    })
}
