//! The replica's correlation index of incident indicators
//! (`yata-correlate`): built from the store at first use and caught up
//! with it before every correlation answer and after every report this
//! replica writes, by revision (the audit sequence number of each report's
//! last write; see `yata_store::incident`), so a report filed through
//! another replica is correlated here too. The store alone is the truth.
//!
//! Visibility: the index is asked with a predicate built from the caller's
//! routing (organisations whose reports it sees) and TLP (TLP:RED reports
//! only for their author and named people), so nothing the caller may not
//! see is listed or links two reports it sees.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use yata_correlate::{ClusterQuery, Correlator, ReportId, Sighting};
use yata_indicator::{Indicator, Kind};
use yata_model::Tlp;
use yata_store::{IncidentId, OrgId, OrgKind, Organization};

use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access};

/// The index and what visibility needs to know of each report in it.
#[derive(Debug)]
pub struct Correlation {
    /// One catch-up at a time (they apply changes in revision order).
    refresh: tokio::sync::Mutex<()>,
    inner: RwLock<Inner>,
}

#[derive(Debug)]
struct Inner {
    index: Correlator,
    /// Each report's organisation and marking.
    reports: HashMap<ReportId, (OrgId, Tlp)>,
    /// The revision the index reflects.
    revision: i64,
}

impl Correlation {
    pub fn new(config: yata_correlate::Config) -> Correlation {
        Correlation {
            refresh: tokio::sync::Mutex::new(()),
            inner: RwLock::new(Inner {
                index: Correlator::new(config),
                reports: HashMap::new(),
                revision: 0,
            }),
        }
    }
}

/// Brings the index up to the store's latest report revision.
pub async fn refresh(state: &AppState) -> Result<(), AppError> {
    let c = state.correlation();
    let _one = c.refresh.lock().await;
    let after = c.inner.read().map_err(AppError::internal)?.revision;
    let changes = state.store().indicator_changes(after).await?;
    if changes.incidents.is_empty() {
        return Ok(());
    }
    let groups = sector_groups(state).await?;
    let mut orgs: HashMap<OrgId, u32> = HashMap::new();
    for i in &changes.incidents {
        if let std::collections::hash_map::Entry::Vacant(e) = orgs.entry(i.org) {
            let org = state.organization(i.org).await?;
            e.insert(group_of(&groups, org.as_ref()));
        }
    }
    let mut inner = c.inner.write().map_err(AppError::internal)?;
    for i in &changes.incidents {
        let kinds: Vec<(Kind, &str, i64, i64)> = i
            .indicators
            .iter()
            .filter_map(|x| {
                let kind = x.kind.parse().ok()?;
                let first = x.first_seen.map_or(0, |t| t.as_microsecond());
                let last = x.last_seen.map_or(first, |t| t.as_microsecond());
                Some((kind, x.value.as_str(), first, last))
            })
            .collect();
        let id = i.id.0 as ReportId;
        inner
            .index
            .upsert(
                id,
                orgs[&i.org],
                kinds
                    .iter()
                    .map(|&(kind, value, first_seen, last_seen)| Sighting {
                        kind,
                        value,
                        first_seen,
                        last_seen,
                    }),
            )
            .map_err(AppError::internal)?;
        inner.reports.insert(id, (i.org, i.tlp));
    }
    inner.revision = changes.latest;
    Ok(())
}

/// Sector code → group number (its seeded position; 0: no sector).
async fn sector_groups(state: &AppState) -> Result<HashMap<String, u32>, AppError> {
    Ok(state
        .store()
        .sectors()
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s.code, i as u32 + 1))
        .collect())
}

fn group_of(groups: &HashMap<String, u32>, org: Option<&Organization>) -> u32 {
    org.and_then(|o| o.sectors.first())
        .and_then(|s| groups.get(s).copied())
        .unwrap_or(0)
}

/// What the caller sees of the index: the organisations whose reports
/// routing lets it see, and which TLP:RED reports among theirs it may read.
struct Viewer {
    orgs: HashMap<OrgId, Organization>,
    red: HashSet<ReportId>,
}

impl Viewer {
    fn sees(&self, reports: &HashMap<ReportId, (OrgId, Tlp)>, r: ReportId) -> bool {
        match reports.get(&r) {
            Some((org, tlp)) => {
                self.orgs.contains_key(org) && (*tlp != Tlp::Red || self.red.contains(&r))
            }
            None => false,
        }
    }
}

async fn viewer(state: &AppState, p: &Principal) -> Result<Viewer, AppError> {
    let orgs: HashMap<OrgId, Organization> = state
        .store()
        .organizations()
        .await?
        .into_iter()
        .filter(|o| visibility::sees_reports_of(p, o))
        .map(|o| (o.id, o))
        .collect();
    let red_ids: Vec<IncidentId> = {
        let inner = state
            .correlation()
            .inner
            .read()
            .map_err(AppError::internal)?;
        inner
            .reports
            .iter()
            .filter(|(_, (org, tlp))| *tlp == Tlp::Red && orgs.contains_key(org))
            .map(|(&id, _)| IncidentId(id as i64))
            .collect()
    };
    let red = if red_ids.is_empty() {
        HashSet::new()
    } else {
        state
            .store()
            .incident_heads(&red_ids)
            .await?
            .iter()
            .filter(|h| crate::tlp::reads_report(p, h))
            .map(|h| h.id.0 as ReportId)
            .collect()
    };
    Ok(Viewer { orgs, red })
}

/// Correlation is the NCO's and the ministries' (within their sectors).
fn analyst_office(p: &Principal) -> Result<(), AppError> {
    if matches!(p.org.kind, OrgKind::Nco | OrgKind::Ministry) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "correlation across reports is the NCO's and the ministries'".into(),
        ))
    }
}

/// Related reports listed at most.
const RELATED_LIMIT: usize = 200;

/// `GET /api/v1/incidents/{incident}/related`: the reports the caller sees
/// that share indicators with this one, most shared first.
pub async fn related(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(related_of(&state, &p, IncidentId(id)).await?))
}

/// The related reports of report `id` as [`related`] answers `p` (the
/// report's page shows the same).
pub(crate) async fn related_of(
    state: &AppState,
    p: &Principal,
    id: IncidentId,
) -> Result<Value, AppError> {
    let (i, _) = visibility::incident(state, p, id, Access::Read).await?;
    analyst_office(p)?;
    refresh(state).await?;
    let viewer = viewer(state, p).await?;
    let inner = state
        .correlation()
        .inner
        .read()
        .map_err(AppError::internal)?;
    let related: Vec<Value> = inner
        .index
        .related(
            i.head.id.0 as ReportId,
            |r| viewer.sees(&inner.reports, r),
            RELATED_LIMIT,
        )
        .iter()
        .map(|r| {
            let org = inner
                .reports
                .get(&r.report)
                .and_then(|(o, _)| viewer.orgs.get(o));
            json!({
                "id": r.report,
                "organization_id": org.map(|o| o.id.0),
                "sectors": org.map(|o| o.sectors.clone()).unwrap_or_default(),
                "shared_indicators": r.shared.iter().map(|s| s.value).collect::<Vec<_>>(),
                "shared": r.shared.iter()
                    .map(|s| json!({"type": s.kind.as_str(), "value": s.value}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "id": id.0, "related": related }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClustersQuery {
    /// Only clusters whose reports come from two or more sectors.
    across_sectors: Option<bool>,
    min_size: Option<usize>,
}

/// `GET /api/v1/incidents/clusters`: campaigns — reports linked,
/// transitively, by shared indicators — largest first.
pub async fn clusters(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<ClustersQuery>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(
        clusters_of(&state, &p, q.across_sectors.unwrap_or(false), q.min_size).await?,
    ))
}

/// Campaigns as [`clusters`] answers `p` (the campaigns page shows the
/// same).
pub(crate) async fn clusters_of(
    state: &AppState,
    p: &Principal,
    across_sectors: bool,
    min_size: Option<usize>,
) -> Result<Value, AppError> {
    analyst_office(p)?;
    refresh(state).await?;
    let viewer = viewer(state, p).await?;
    let sectors: HashMap<u32, String> = sector_groups(state)
        .await?
        .into_iter()
        .map(|(code, g)| (g, code))
        .collect();
    let query = ClusterQuery {
        min_size: min_size.unwrap_or(2).clamp(2, 1_000_000),
        min_groups: if across_sectors { 2 } else { 1 },
        max_indicators: 20,
    };
    let inner = state
        .correlation()
        .inner
        .read()
        .map_err(AppError::internal)?;
    let clusters: Vec<Value> = inner
        .index
        .clusters(&query, |r| viewer.sees(&inner.reports, r))
        .iter()
        .take(100)
        .map(|c| {
            json!({
                "incidents": c.reports,
                "sectors": c.groups.iter().filter_map(|g| sectors.get(g)).collect::<Vec<_>>(),
                "indicators": c.indicators.iter().map(|l| json!({
                    "type": l.indicator.kind.as_str(),
                    "value": l.indicator.value,
                    "reports": l.reports,
                })).collect::<Vec<_>>(),
                "indicator_count": c.indicator_count,
            })
        })
        .collect();
    Ok(json!({ "clusters": clusters }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    value: String,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /api/v1/indicators?value=…`: an indicator across the reports the
/// caller sees: which, and first and last seen over them.
pub async fn indicator(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<IndicatorQuery>,
) -> Result<Json<Value>, AppError> {
    analyst_office(&p)?;
    let ind = match &q.kind {
        Some(k) => {
            let kind: Kind = k
                .parse()
                .map_err(|e| AppError::BadRequest(format!("type: {e}")))?;
            Indicator::parse_as(kind, &q.value)
        }
        None => Indicator::parse(&q.value),
    }
    .map_err(|e| AppError::BadRequest(format!("value: {e}")))?;
    refresh(&state).await?;
    let viewer = viewer(&state, &p).await?;
    let sightings = state
        .store()
        .indicator_sightings(ind.kind().as_str(), ind.value())
        .await?;
    // Flags from the whole index (benign, common), sightings only from the
    // reports the caller sees.
    let (benign, common, visible) = {
        let inner = state
            .correlation()
            .inner
            .read()
            .map_err(AppError::internal)?;
        let stats = inner.index.indicator(ind.kind(), ind.value());
        let visible: Vec<_> = sightings
            .iter()
            .filter(|(id, _)| viewer.sees(&inner.reports, id.0 as ReportId))
            .cloned()
            .collect();
        (
            stats.is_some_and(|s| s.benign),
            stats.is_some_and(|s| s.common),
            visible,
        )
    };
    let first = visible.iter().filter_map(|(_, s)| s.first_seen).min();
    let last = visible.iter().filter_map(|(_, s)| s.last_seen).max();
    Ok(Json(json!({
        "type": ind.kind().as_str(),
        "value": ind.value(),
        "benign": benign,
        "common": common,
        "incidents": visible.iter().map(|(id, _)| id.0).collect::<Vec<_>>(),
        "first_seen": first.map(rfc3339),
        "last_seen": last.map(rfc3339),
    })))
}
