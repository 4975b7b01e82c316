//! Alerts (注意喚起): issued by the NCO or a ministry to everyone, sectors,
//! named organisations or every organisation exposed to vulnerabilities
//! (kept current by the store as new exposures appear), or, at TLP:RED,
//! to named people; acknowledged by the recipients (received → read →
//! acting → done); progress and reminders for the issuer. Every read asks
//! [`crate::tlp`].

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_model::{Tlp, VulnId};
use yata_store::{
    AckStatus, Alert, AlertId, AlertRecipient, AlertSeverity, IncidentId, NewAlert, OrgId, OrgKind,
    Organization, RecipientReason, Role, UserId,
};

use crate::api::incidents::{IndicatorBody, indicators};
use crate::api::{parse_enum, rfc3339};
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::tlp::{self, Standing};
use crate::visibility::{self, Access};

const MAX_TITLE: usize = 300;
const MAX_BODY: usize = 100_000;
const MAX_ACTIONS: usize = 50;
const LIST_LIMIT: u32 = 1_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default)]
    pub(crate) all: bool,
    #[serde(default)]
    pub(crate) sectors: Vec<String>,
    #[serde(default)]
    pub(crate) organizations: Vec<i64>,
    #[serde(default)]
    pub(crate) exposed_to: Vec<String>,
}

impl Targets {
    fn is_empty(&self) -> bool {
        !self.all
            && self.sectors.is_empty()
            && self.organizations.is_empty()
            && self.exposed_to.is_empty()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAlertBody {
    pub(crate) title: Option<String>,
    pub(crate) body: Option<String>,
    pub(crate) title_ja: Option<String>,
    pub(crate) body_ja: Option<String>,
    pub(crate) tlp: Option<String>,
    pub(crate) severity: Option<String>,
    pub(crate) deadline: Option<Timestamp>,
    #[serde(default)]
    pub(crate) actions: Vec<String>,
    #[serde(default)]
    pub(crate) targets: Targets,
    #[serde(default)]
    pub(crate) recipients: Vec<i64>,
    #[serde(default)]
    pub(crate) vulnerabilities: Vec<String>,
    #[serde(default)]
    pub(crate) indicators: Vec<IndicatorBody>,
    /// An incident report the alert shares (sanitised: the reporter is
    /// named only by its sector).
    pub(crate) from_incident: Option<i64>,
    /// An alert this one relays (a ministry to its sectors).
    pub(crate) relay_of: Option<i64>,
}

pub(crate) fn issuer(p: &Principal) -> Result<(), AppError> {
    if matches!(p.org.kind, OrgKind::Nco | OrgKind::Ministry)
        && matches!(p.role, Role::Admin | Role::Analyst)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "alerts are issued by the NCO's and the ministries' admins and analysts".into(),
        ))
    }
}

fn text(
    field: &str,
    s: Option<&str>,
    max: usize,
    one_line: bool,
) -> Result<Option<String>, AppError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > max || (one_line && s.contains(['\n', '\r'])) {
        return Err(AppError::BadRequest(format!(
            "{field}: at most {max} characters{}",
            if one_line { " on one line" } else { "" }
        )));
    }
    Ok(Some(s.to_owned()))
}

/// Who an alert reaches, as computed at issue (exposure is completed by
/// the store in the same transaction).
struct Audience {
    recipients: Vec<(OrgId, RecipientReason)>,
    exposed_to: Vec<String>,
    exposed_within: Option<Vec<OrgId>>,
    named: Vec<UserId>,
}

/// The organisations `p` may address: every other one (the NCO), the
/// operators and government bodies of its sectors (a ministry).
async fn reach(state: &AppState, p: &Principal) -> Result<Option<BTreeSet<OrgId>>, AppError> {
    Ok(match p.org.kind {
        OrgKind::Nco => None,
        _ => Some(
            state
                .store()
                .supervised_organizations(p.org.id)
                .await?
                .into_iter()
                .collect(),
        ),
    })
}

async fn audience(
    state: &AppState,
    p: &Principal,
    targets: &Targets,
    tlp: Tlp,
    named: &[i64],
) -> Result<Audience, AppError> {
    let reach = reach(state, p).await?;
    let within = |o: OrgId| o != p.org.id && reach.as_ref().is_none_or(|r| r.contains(&o));
    if tlp == Tlp::Red {
        if !targets.is_empty() {
            return Err(AppError::BadRequest(
                "targets: a TLP:RED alert reaches named people only: give recipients (user ids), not targets".into(),
            ));
        }
        if named.is_empty() {
            return Err(AppError::BadRequest(
                "recipients: a TLP:RED alert needs the user ids of its named recipients".into(),
            ));
        }
        let mut recipients = BTreeMap::new();
        let mut users = Vec::new();
        for (i, &u) in named.iter().enumerate() {
            let orgs: Vec<OrgId> = state
                .store()
                .memberships(UserId(u))
                .await?
                .into_iter()
                .map(|m| m.org)
                .filter(|&o| within(o))
                .collect();
            if orgs.is_empty() {
                return Err(AppError::BadRequest(format!(
                    "recipients[{i}]: user {u} is not a member of an organisation you may alert"
                )));
            }
            for o in orgs {
                recipients.insert(o, RecipientReason::Named);
            }
            users.push(UserId(u));
        }
        users.sort();
        users.dedup();
        return Ok(Audience {
            recipients: recipients.into_iter().collect(),
            exposed_to: Vec::new(),
            exposed_within: None,
            named: users,
        });
    }
    if !named.is_empty() {
        return Err(AppError::BadRequest(
            "recipients: only a TLP:RED alert names people; use targets".into(),
        ));
    }
    if targets.is_empty() {
        return Err(AppError::BadRequest(
            "targets: name at least one of all, sectors, organizations, exposed_to".into(),
        ));
    }
    let mut recipients: BTreeMap<OrgId, RecipientReason> = BTreeMap::new();
    let mut add = |o: OrgId, r: RecipientReason| {
        recipients.entry(o).or_insert(r);
    };
    for (i, &o) in targets.organizations.iter().enumerate() {
        let exists = state.organization(OrgId(o)).await?.is_some();
        if !exists || !within(OrgId(o)) {
            return Err(AppError::BadRequest(format!(
                "targets.organizations[{i}]: {o} is not an organisation you may alert"
            )));
        }
        add(OrgId(o), RecipientReason::Organization);
    }
    if !targets.sectors.is_empty() {
        let known: BTreeSet<String> = state
            .store()
            .sectors()
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect();
        for (i, s) in targets.sectors.iter().enumerate() {
            if !known.contains(s) {
                return Err(AppError::BadRequest(format!(
                    "targets.sectors[{i}]: unknown sector {s:?}"
                )));
            }
            if p.org.kind == OrgKind::Ministry && !p.org.sectors.contains(s) {
                return Err(AppError::BadRequest(format!(
                    "targets.sectors[{i}]: {s:?} is not one of your sectors"
                )));
            }
        }
        for o in state
            .store()
            .organizations_in_sectors(&targets.sectors)
            .await?
        {
            if within(o) {
                add(o, RecipientReason::Sector);
            }
        }
    }
    if targets.all {
        match &reach {
            None => {
                for o in state.store().organizations().await? {
                    if o.id != p.org.id {
                        add(o.id, RecipientReason::All);
                    }
                }
            }
            Some(r) => {
                for &o in r {
                    add(o, RecipientReason::All);
                }
            }
        }
    }
    let mut exposed_to = BTreeSet::new();
    {
        let knowledge = state.knowledge();
        for (i, v) in targets.exposed_to.iter().enumerate() {
            let id: VulnId = v
                .parse()
                .map_err(|e| AppError::BadRequest(format!("targets.exposed_to[{i}]: {e}")))?;
            exposed_to.insert(id.as_str().to_owned());
            if let Some(view) = knowledge.db.get(&id) {
                exposed_to.insert(view.id().as_str().to_owned());
                exposed_to.extend(view.aliases().iter().map(|a| a.as_str().to_owned()));
            }
        }
    }
    Ok(Audience {
        recipients: recipients.into_iter().collect(),
        exposed_to: exposed_to.into_iter().collect(),
        exposed_within: reach.map(|r| r.into_iter().collect()),
        named: Vec::new(),
    })
}

/// `POST /api/v1/alerts`.
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Json(b): Json<NewAlertBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let id = issue(&state, &p, b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.0 }))))
}

/// Issues an alert (the API's and the composer's one way).
pub(crate) async fn issue(
    state: &AppState,
    p: &Principal,
    b: NewAlertBody,
) -> Result<AlertId, AppError> {
    issuer(p)?;
    let new = new_alert(state, p, b).await?;
    Ok(state.store().create_alert(&p.actor, &new).await?)
}

/// Who an alert would reach now: organisations, by sector, named people.
#[derive(Debug, Clone, Default)]
pub(crate) struct Preview {
    pub organizations: usize,
    pub by_sector: BTreeMap<String, u64>,
    pub named_people: usize,
}

/// `POST /api/v1/alerts/preview`: who the alert would reach now, by sector
/// (the composer's targeting preview); nothing is issued.
pub async fn preview(
    State(state): State<AppState>,
    p: Principal,
    Json(b): Json<NewAlertBody>,
) -> Result<Json<Value>, AppError> {
    let v = preview_of(&state, &p, b).await?;
    Ok(Json(json!({
        "organizations": v.organizations,
        "by_sector": v.by_sector,
        "named_people": v.named_people,
    })))
}

/// The targeting preview (the API's and the composer's): nothing is
/// issued.
pub(crate) async fn preview_of(
    state: &AppState,
    p: &Principal,
    b: NewAlertBody,
) -> Result<Preview, AppError> {
    issuer(p)?;
    let new = new_alert(state, p, b).await?;
    let mut orgs: BTreeSet<OrgId> = new.recipients.iter().map(|(o, _)| *o).collect();
    if !new.exposed_to.is_empty() {
        for c in state.store().exposure_counts(&new.exposed_to).await? {
            if new
                .exposed_within
                .as_ref()
                .is_none_or(|w| w.contains(&c.org))
            {
                orgs.insert(c.org);
            }
        }
    }
    let ids: Vec<OrgId> = orgs.iter().copied().collect();
    let known = state.organizations(&ids).await?;
    let mut by_sector: BTreeMap<String, u64> = BTreeMap::new();
    for o in known.values() {
        let sector = o.sectors.first().cloned().unwrap_or_else(|| "none".into());
        *by_sector.entry(sector).or_default() += 1;
    }
    Ok(Preview {
        organizations: orgs.len(),
        by_sector,
        named_people: new.named_users.len(),
    })
}

async fn new_alert(state: &AppState, p: &Principal, b: NewAlertBody) -> Result<NewAlert, AppError> {
    let original = match b.relay_of {
        Some(id) => Some(readable(state, p, AlertId(id)).await?.0),
        None => None,
    };
    let tlp: Tlp = match (&b.tlp, &original) {
        (Some(t), _) => parse_enum("tlp", t)?,
        (None, Some(o)) => o.tlp,
        (None, None) => return Err(AppError::BadRequest("tlp: required".into())),
    };
    if let Some(o) = &original {
        tlp::relay(o.tlp, tlp).map_err(AppError::Forbidden)?;
    }
    let or = |given: Option<String>, from: fn(&Alert) -> Option<String>| {
        given.or_else(|| original.as_ref().and_then(from))
    };
    let title_en = text(
        "title",
        or(b.title, |a| a.title_en.clone()).as_deref(),
        MAX_TITLE,
        true,
    )?;
    let title_ja = text(
        "title_ja",
        or(b.title_ja, |a| a.title_ja.clone()).as_deref(),
        MAX_TITLE,
        true,
    )?;
    let body_en = text(
        "body",
        or(b.body, |a| a.body_en.clone()).as_deref(),
        MAX_BODY,
        false,
    )?;
    let body_ja = text(
        "body_ja",
        or(b.body_ja, |a| a.body_ja.clone()).as_deref(),
        MAX_BODY,
        false,
    )?;
    if title_en.is_none() && title_ja.is_none() {
        return Err(AppError::BadRequest(
            "title: give title (English) or title_ja (Japanese), or both".into(),
        ));
    }
    let severity: Option<AlertSeverity> = match &b.severity {
        Some(s) => Some(parse_enum("severity", s)?),
        None => original.as_ref().and_then(|o| o.severity),
    };
    let mut actions = if b.actions.is_empty() {
        original
            .as_ref()
            .map(|o| o.actions.clone())
            .unwrap_or_default()
    } else {
        b.actions
    };
    if actions.len() > MAX_ACTIONS {
        return Err(AppError::BadRequest(format!(
            "actions: at most {MAX_ACTIONS}"
        )));
    }
    for (i, a) in actions.iter_mut().enumerate() {
        *a = text(&format!("actions[{i}]"), Some(a), 1_000, false)?
            .ok_or_else(|| AppError::BadRequest(format!("actions[{i}]: empty")))?;
    }
    let now = Timestamp::now();
    let mut inds: BTreeSet<(String, String)> = indicators(&b.indicators, now, now)?
        .into_iter()
        .map(|i| (i.kind, i.value))
        .collect();
    let mut vulns: BTreeSet<String> = BTreeSet::new();
    for (i, v) in b.vulnerabilities.iter().enumerate() {
        let id: VulnId = v
            .parse()
            .map_err(|e| AppError::BadRequest(format!("vulnerabilities[{i}]: {e}")))?;
        vulns.insert(id.as_str().to_owned());
    }
    if let Some(o) = &original {
        inds.extend(o.indicators.iter().cloned());
        vulns.extend(o.vulnerabilities.iter().cloned());
    }
    // Sanitised sharing of a report: its indicators and vulnerabilities,
    // attributed to its sector, never to its organisation.
    let (source_incident, source_sector) = match b.from_incident {
        Some(id) => {
            let (report, org) =
                visibility::incident(state, p, IncidentId(id), Access::Read).await?;
            tlp::derive(report.head.tlp, tlp).map_err(AppError::Forbidden)?;
            inds.extend(
                report
                    .indicators
                    .iter()
                    .map(|i| (i.kind.clone(), i.value.clone())),
            );
            vulns.extend(report.vulnerabilities.iter().cloned());
            (
                Some(report.head.id),
                Some(
                    org.sectors
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "none".into()),
                ),
            )
        }
        None => (
            None,
            original.as_ref().and_then(|o| o.source_sector.clone()),
        ),
    };
    let audience = audience(state, p, &b.targets, tlp, &b.recipients).await?;
    Ok(NewAlert {
        issuer_org: p.org.id,
        issuer_user: p.user,
        title_ja,
        body_ja,
        title_en,
        body_en,
        tlp,
        severity,
        deadline: b.deadline.or(original.as_ref().and_then(|o| o.deadline)),
        actions,
        targets: json!({
            "all": b.targets.all,
            "sectors": b.targets.sectors,
            "organizations": b.targets.organizations,
            "exposed_to": b.targets.exposed_to,
        })
        .to_string(),
        vulnerabilities: vulns.into_iter().collect(),
        indicators: inds.into_iter().collect(),
        exposed_to: audience.exposed_to,
        recipients: audience.recipients,
        named_users: audience.named,
        source_incident,
        source_sector,
        relay_of: original.map(|o| o.id),
        exposed_within: audience.exposed_within,
    })
}

/// Where `p` stands with `alert`.
async fn standing(
    state: &AppState,
    p: &Principal,
    alert: &Alert,
) -> Result<(Standing, Option<AlertRecipient>), AppError> {
    if alert.issuer_org == p.org.id {
        return Ok((Standing::Issuer, None));
    }
    match state.store().alert_recipient(alert.id, p.org.id).await? {
        Some(r) => Ok((Standing::Recipient, Some(r))),
        None => Ok((Standing::Member, None)),
    }
}

/// The alert, if `p` may read it (404 otherwise, as for a missing one).
pub(crate) async fn readable(
    state: &AppState,
    p: &Principal,
    id: AlertId,
) -> Result<(Alert, Standing, Option<AlertRecipient>), AppError> {
    let alert = state.store().alert(id).await?.ok_or(AppError::NotFound)?;
    let (standing, recipient) = standing(state, p, &alert).await?;
    if !tlp::reads_alert(Some((p, standing)), &alert) {
        return Err(AppError::NotFound);
    }
    Ok((alert, standing, recipient))
}

fn step(s: &Option<(Timestamp, String)>) -> Value {
    match s {
        Some((at, by)) => json!({ "at": rfc3339(*at), "by": by }),
        None => Value::Null,
    }
}

fn ack_json(r: &AlertRecipient) -> Value {
    json!({
        "status": r.status.as_str(),
        "reason": r.reason.as_str(),
        "received_at": rfc3339(r.received_at),
        "read": step(&r.read),
        "acting": step(&r.acting),
        "done": step(&r.done),
        "note": r.note,
        "reminders": r.reminders,
        "reminded_at": r.reminded_at.map(rfc3339),
    })
}

/// An alert as `standing` may read it: targets and the source report's
/// id are the issuer's; everyone sees the source's sector only.
pub(crate) fn alert_json(
    a: &Alert,
    standing: Option<Standing>,
    issuer: Option<&Organization>,
) -> Value {
    let mut v = json!({
        "id": a.id.0,
        "title": a.title_en,
        "body": a.body_en,
        "title_ja": a.title_ja,
        "body_ja": a.body_ja,
        "tlp": a.tlp.as_str(),
        "severity": a.severity.map(|s| s.as_str()),
        "deadline": a.deadline.map(rfc3339),
        "actions": a.actions,
        "vulnerabilities": a.vulnerabilities,
        "indicators": a.indicators.iter()
            .map(|(k, v)| json!({ "type": k, "value": v }))
            .collect::<Vec<_>>(),
        "source": a.source_sector.as_ref().map(|s| json!({ "sector": s })),
        "issuer": issuer.map(|o| json!({ "id": o.id.0, "name": o.name, "kind": o.kind.as_str() })),
        "relay_of": a.relay_of.map(|r| r.0),
        "created_at": rfc3339(a.created_at),
    });
    if let (Some(Standing::Issuer), Value::Object(m)) = (standing, &mut v) {
        m.insert(
            "targets".into(),
            serde_json::from_str(&a.targets).unwrap_or(Value::Null),
        );
        m.insert("exposed_to".into(), json!(a.exposed_to));
        m.insert(
            "named_recipients".into(),
            json!(a.named_users.iter().map(|u| u.0).collect::<Vec<_>>()),
        );
        m.insert(
            "source_incident".into(),
            json!(a.source_incident.map(|i| i.0)),
        );
    }
    v
}

/// The alert, opened by `p`: as a recipient, the first opening records
/// "read" with who and when (the API's and the alert's page).
pub(crate) async fn open(
    state: &AppState,
    p: &Principal,
    id: AlertId,
) -> Result<(Alert, Standing, Option<AlertRecipient>), AppError> {
    let (alert, standing, mut recipient) = readable(state, p, id).await?;
    if recipient
        .as_ref()
        .is_some_and(|r| r.status == AckStatus::Received)
    {
        recipient = Some(
            state
                .store()
                .acknowledge_alert(&p.actor, alert.id, p.org.id, AckStatus::Read, None)
                .await?,
        );
    }
    Ok((alert, standing, recipient))
}

/// `GET /api/v1/alerts/{alert}`: reading it as a recipient records "read"
/// (first opened) with who and when.
pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (alert, standing, recipient) = open(&state, &p, AlertId(id)).await?;
    let issuer = state.organization(alert.issuer_org).await?;
    let mut v = alert_json(&alert, Some(standing), issuer.as_ref());
    if let (Value::Object(m), Some(r)) = (&mut v, &recipient) {
        m.insert("acknowledgement".into(), ack_json(r));
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The alerts the caller's organisation issued, not those it received.
    issued: Option<bool>,
}

/// `GET /api/v1/alerts`: the caller's inbox (or, with `?issued=true`, what
/// its organisation issued), newest first.
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let mut out = Vec::new();
    if q.issued.unwrap_or(false) {
        for a in issued(&state, &p).await? {
            out.push(alert_json(&a, Some(Standing::Issuer), Some(&p.org)));
        }
    } else {
        for (a, r) in inbox(&state, &p).await? {
            let issuer = state.organization(a.issuer_org).await?;
            let mut v = alert_json(&a, Some(Standing::Recipient), issuer.as_ref());
            if let Value::Object(m) = &mut v {
                m.insert("acknowledgement".into(), ack_json(&r));
            }
            out.push(v);
        }
    }
    Ok(Json(json!({ "alerts": out })))
}

/// The caller's inbox with its acknowledgements, newest first, as TLP
/// lets it read them.
pub(crate) async fn inbox(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(Alert, AlertRecipient)>, AppError> {
    Ok(state
        .store()
        .alert_inbox(p.org.id, LIST_LIMIT)
        .await?
        .into_iter()
        .filter(|(a, _)| tlp::reads_alert(Some((p, Standing::Recipient)), a))
        .collect())
}

/// What the caller's organisation issued, newest first, as TLP lets it
/// read them.
pub(crate) async fn issued(state: &AppState, p: &Principal) -> Result<Vec<Alert>, AppError> {
    Ok(state
        .store()
        .alerts_issued(p.org.id, LIST_LIMIT)
        .await?
        .into_iter()
        .filter(|a| tlp::reads_alert(Some((p, Standing::Issuer)), a))
        .collect())
}

/// `GET /api/v1/public/alerts`: TLP:CLEAR alerts, for anyone.
pub async fn public(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let mut out = Vec::new();
    for a in state.store().public_alerts(LIST_LIMIT).await? {
        if tlp::reads_alert(None, &a) {
            let issuer = state.organization(a.issuer_org).await?;
            out.push(alert_json(&a, None, issuer.as_ref()));
        }
    }
    Ok(Json(json!({ "alerts": out })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckBody {
    status: String,
    note: Option<String>,
}

/// `POST /api/v1/alerts/{alert}/ack`: a recipient organisation's
/// acknowledgement moves forward.
pub async fn ack(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Json(b): Json<AckBody>,
) -> Result<Json<Value>, AppError> {
    let r = acknowledge(&state, &p, AlertId(id), &b.status, b.note.as_deref()).await?;
    Ok(Json(ack_json(&r)))
}

/// A recipient organisation's acknowledgement of alert `id` moves forward
/// (the API's and the alert page's buttons).
pub(crate) async fn acknowledge(
    state: &AppState,
    p: &Principal,
    id: AlertId,
    status: &str,
    note: Option<&str>,
) -> Result<AlertRecipient, AppError> {
    let (alert, standing, _) = readable(state, p, id).await?;
    if standing != Standing::Recipient {
        return Err(AppError::Forbidden(
            "only a recipient organisation acknowledges an alert".into(),
        ));
    }
    if !matches!(p.role, Role::Admin | Role::Analyst) {
        return Err(AppError::Forbidden(format!(
            "role {} may not acknowledge alerts",
            p.role
        )));
    }
    let status: AckStatus = parse_enum("status", status)?;
    if status == AckStatus::Received {
        return Err(AppError::BadRequest(
            "status: one of read, acting, done (received is recorded on delivery)".into(),
        ));
    }
    let note = text("note", note, 10_000, false)?;
    Ok(state
        .store()
        .acknowledge_alert(&p.actor, alert.id, p.org.id, status, note.as_deref())
        .await?)
}

async fn issued_by_caller(state: &AppState, p: &Principal, id: AlertId) -> Result<Alert, AppError> {
    let (alert, standing, _) = readable(state, p, id).await?;
    if standing != Standing::Issuer {
        return Err(AppError::Forbidden(
            "only the issuing organisation follows an alert's progress".into(),
        ));
    }
    Ok(alert)
}

/// `GET /api/v1/alerts/{alert}/progress`: acknowledgements by status, by
/// sector and by organisation (the issuer).
pub async fn progress(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(progress_of(&state, &p, AlertId(id)).await?))
}

/// Alert `id`'s progress for its issuer (the API's answer; the progress
/// page reads the same).
pub(crate) async fn progress_of(
    state: &AppState,
    p: &Principal,
    id: AlertId,
) -> Result<Value, AppError> {
    let alert = issued_by_caller(state, p, id).await?;
    let recipients = state.store().alert_recipients(alert.id).await?;
    let ids: Vec<OrgId> = recipients.iter().map(|r| r.org).collect();
    let orgs = state.organizations(&ids).await?;
    let blank = || -> BTreeMap<&'static str, u64> {
        AckStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect()
    };
    let mut by_status = blank();
    let mut by_sector: BTreeMap<String, BTreeMap<&'static str, u64>> = BTreeMap::new();
    let mut list = Vec::with_capacity(recipients.len());
    for r in &recipients {
        let org = orgs.get(&r.org);
        let sector = org
            .and_then(|o| o.sectors.first().cloned())
            .unwrap_or_else(|| "none".into());
        *by_status.entry(r.status.as_str()).or_default() += 1;
        *by_sector
            .entry(sector.clone())
            .or_insert_with(blank)
            .entry(r.status.as_str())
            .or_default() += 1;
        let mut v = ack_json(r);
        if let Value::Object(m) = &mut v {
            m.insert("organization_id".into(), json!(r.org.0));
            m.insert("name".into(), json!(org.map(|o| o.name.clone())));
            m.insert("sector".into(), json!(sector));
        }
        list.push(v);
    }
    Ok(json!({
        "id": alert.id.0,
        "total": recipients.len(),
        "by_status": by_status,
        "by_sector": by_sector,
        "organizations": list,
    }))
}

/// `POST /api/v1/alerts/{alert}/remind`: a reminder to every recipient
/// not yet acting (shown in their inbox).
pub async fn remind(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let n = remind_all(&state, &p, AlertId(id)).await?;
    Ok(Json(json!({ "reminded": n })))
}

/// A reminder to every recipient of alert `id` not yet acting; how many.
pub(crate) async fn remind_all(
    state: &AppState,
    p: &Principal,
    id: AlertId,
) -> Result<u64, AppError> {
    let alert = issued_by_caller(state, p, id).await?;
    issuer(p)?;
    Ok(state.store().remind_alert(&p.actor, alert.id).await?)
}
