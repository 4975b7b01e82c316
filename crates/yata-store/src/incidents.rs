//! Incident reports and alerts (part of the one body: compiled per driver
//! as a child of `sql`). See the `incident` module for the rules.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Row};

use super::{DbRow, SqlStore, Write, count, ts, ts_opt};
use crate::{
    AckStatus, Actor, Alert, AlertId, AlertRecipient, AssetId, AttachmentId, AttachmentMeta, Error,
    Incident, IncidentHead, IncidentId, IncidentIndicator, IncidentIndicators, IncidentUpdate,
    IndicatorChanges, NewAlert, NewAttachment, NewIncident, OrgId, RecipientReason, TimelineEntry,
    TimelineKind, UserId,
};

/// How generated statements write bind parameter `n`.
const P: char = super::PARAM;

fn micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::as_microsecond)
}

const HEAD: &str = "SELECT i.id, i.org_id, i.reporter, i.reporter_user, i.title, i.description, \
     i.status, i.tlp, i.detected_at, i.started_at, i.contained_at, i.service_impact, \
     i.continuity_impact, i.handling, i.stix IS NOT NULL AS from_stix, i.created_at, \
     i.updated_at, i.revision FROM incidents i";

fn head_from(r: &DbRow) -> Result<IncidentHead, Error> {
    Ok(IncidentHead {
        id: IncidentId(r.try_get("id")?),
        org: OrgId(r.try_get("org_id")?),
        reporter: r.try_get("reporter")?,
        reporter_user: r.try_get::<Option<i64>, _>("reporter_user")?.map(UserId),
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        status: r.try_get::<&str, _>("status")?.parse()?,
        tlp: tlp(r.try_get("tlp")?)?,
        detected_at: ts_opt(r.try_get("detected_at")?)?,
        started_at: ts_opt(r.try_get("started_at")?)?,
        contained_at: ts_opt(r.try_get("contained_at")?)?,
        service_impact: r.try_get::<&str, _>("service_impact")?.parse()?,
        continuity_impact: r.try_get("continuity_impact")?,
        handling: r.try_get("handling")?,
        from_stix: r.try_get("from_stix")?,
        created_at: ts(r.try_get("created_at")?)?,
        updated_at: ts(r.try_get("updated_at")?)?,
        revision: r.try_get("revision")?,
        recipients: Vec::new(),
    })
}

fn tlp(s: &str) -> Result<crate::Tlp, Error> {
    s.parse()
        .map_err(|e: yata_model::TlpError| Error::Invalid(format!("stored tlp: {e}")))
}

/// Fills each head's TLP:RED recipients.
async fn with_recipients(
    store: &SqlStore,
    mut heads: Vec<IncidentHead>,
) -> Result<Vec<IncidentHead>, Error> {
    let red: Vec<i64> = heads
        .iter()
        .filter(|h| h.tlp == crate::Tlp::Red)
        .map(|h| h.id.0)
        .collect();
    if red.is_empty() {
        return Ok(heads);
    }
    let mut by_incident: BTreeMap<i64, Vec<UserId>> = BTreeMap::new();
    for chunk in red.chunks(400) {
        let sql = format!(
            "SELECT incident_id, user_id FROM incident_recipients WHERE incident_id IN ({}) \
             ORDER BY incident_id, user_id",
            params(1, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&store.pool).await? {
            by_incident
                .entry(r.try_get("incident_id")?)
                .or_default()
                .push(UserId(r.try_get("user_id")?));
        }
    }
    for h in &mut heads {
        if let Some(users) = by_incident.remove(&h.id.0) {
            h.recipients = users;
        }
    }
    Ok(heads)
}

fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("{P}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds (or widens the first/last seen of) indicators of a report.
async fn put_indicators(
    w: &mut Write,
    incident: i64,
    indicators: &[IncidentIndicator],
) -> Result<(), Error> {
    for i in indicators {
        sqlx::query(
            "INSERT INTO incident_indicators (incident_id, kind, value, first_seen, last_seen) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (incident_id, kind, value) DO UPDATE SET \
             first_seen = CASE WHEN excluded.first_seen IS NULL THEN incident_indicators.first_seen \
               WHEN incident_indicators.first_seen IS NULL \
                 OR excluded.first_seen < incident_indicators.first_seen \
               THEN excluded.first_seen ELSE incident_indicators.first_seen END, \
             last_seen = CASE WHEN excluded.last_seen IS NULL THEN incident_indicators.last_seen \
               WHEN incident_indicators.last_seen IS NULL \
                 OR excluded.last_seen > incident_indicators.last_seen \
               THEN excluded.last_seen ELSE incident_indicators.last_seen END",
        )
        .bind(incident)
        .bind(&i.kind)
        .bind(&i.value)
        .bind(micros(i.first_seen))
        .bind(micros(i.last_seen))
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

async fn put_vulns(w: &mut Write, incident: i64, vulns: &[String]) -> Result<(), Error> {
    for v in vulns {
        sqlx::query(
            "INSERT INTO incident_vulns (incident_id, vuln_id) VALUES ($1, $2) \
             ON CONFLICT (incident_id, vuln_id) DO NOTHING",
        )
        .bind(incident)
        .bind(v)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

async fn timeline_entry(
    w: &mut Write,
    incident: i64,
    org: OrgId,
    kind: TimelineKind,
    to_reporter: bool,
    status: Option<&str>,
    body: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO incident_timeline (incident_id, at, actor, org_id, kind, to_reporter, \
         status, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(incident)
    .bind(w.at)
    .bind(&w.actor)
    .bind(org.0)
    .bind(kind.as_str())
    .bind(to_reporter)
    .bind(status)
    .bind(body)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// Moves the report's revision to this write's audit entry (call after
/// auditing).
async fn touch(w: &mut Write, incident: i64) -> Result<(), Error> {
    sqlx::query("UPDATE incidents SET revision = $1, updated_at = $2 WHERE id = $3")
        .bind(w.seq as i64)
        .bind(w.at)
        .bind(incident)
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

/// The report's organisation, or `NotFound`.
async fn incident_org(w: &mut Write, id: IncidentId) -> Result<OrgId, Error> {
    let org: Option<i64> = sqlx::query_scalar("SELECT org_id FROM incidents WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *w.tx)
        .await?;
    org.map(OrgId).ok_or(Error::NotFound("incident"))
}

pub(super) async fn create_incident(
    store: &SqlStore,
    actor: &Actor,
    new: &NewIncident,
) -> Result<IncidentId, Error> {
    let mut w = store.write(actor).await?;
    for asset in &new.assets {
        let owner: Option<i64> = sqlx::query_scalar("SELECT org_id FROM assets WHERE id = $1")
            .bind(asset.0)
            .fetch_optional(&mut *w.tx)
            .await?;
        if owner != Some(new.org.0) {
            return Err(Error::Invalid(format!(
                "asset {asset} is not an asset of organisation {}",
                new.org
            )));
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (org_id, reporter, reporter_user, title, description, status, tlp, \
         detected_at, started_at, contained_at, service_impact, continuity_impact, handling, stix, \
         created_at, updated_at, revision) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 0) \
         RETURNING id",
    )
    .bind(new.org.0)
    .bind(&w.actor)
    .bind(new.reporter_user.map(|u| u.0))
    .bind(&new.title)
    .bind(&new.description)
    .bind(new.status.as_str())
    .bind(new.tlp.as_str())
    .bind(micros(new.detected_at))
    .bind(micros(new.started_at))
    .bind(micros(new.contained_at))
    .bind(new.service_impact.as_str())
    .bind(new.continuity_impact.as_deref())
    .bind(new.handling.as_deref())
    .bind(new.stix.as_deref())
    .bind(w.at)
    .fetch_one(&mut *w.tx)
    .await?;
    for asset in &new.assets {
        sqlx::query(
            "INSERT INTO incident_assets (incident_id, asset_id) VALUES ($1, $2) \
             ON CONFLICT (incident_id, asset_id) DO NOTHING",
        )
        .bind(id)
        .bind(asset.0)
        .execute(&mut *w.tx)
        .await?;
    }
    for user in &new.recipients {
        sqlx::query(
            "INSERT INTO incident_recipients (incident_id, user_id) VALUES ($1, $2) \
             ON CONFLICT (incident_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user.0)
        .execute(&mut *w.tx)
        .await?;
    }
    put_vulns(&mut w, id, &new.vulnerabilities).await?;
    put_indicators(&mut w, id, &new.indicators).await?;
    timeline_entry(
        &mut w,
        id,
        new.org,
        TimelineKind::Filed,
        true,
        Some(new.status.as_str()),
        "",
    )
    .await?;
    w.audit(
        "incident.create",
        &format!("incident:{id}"),
        json!({"organization": new.org.0, "tlp": new.tlp.as_str(),
               "status": new.status.as_str(), "indicators": new.indicators.len(),
               "vulnerabilities": new.vulnerabilities, "stix": new.stix.is_some()}),
    )
    .await?;
    touch(&mut w, id).await?;
    w.commit().await?;
    Ok(IncidentId(id))
}

pub(super) async fn incident(store: &SqlStore, id: IncidentId) -> Result<Option<Incident>, Error> {
    let Some(row) = sqlx::query(AssertSqlSafe(format!("{HEAD} WHERE i.id = $1")))
        .bind(id.0)
        .fetch_optional(&store.pool)
        .await?
    else {
        return Ok(None);
    };
    let head = head_from(&row)?;
    let head = with_recipients(store, vec![head]).await?.remove(0);
    let assets = sqlx::query_scalar::<_, i64>(
        "SELECT asset_id FROM incident_assets WHERE incident_id = $1 ORDER BY asset_id",
    )
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?
    .into_iter()
    .map(AssetId)
    .collect();
    let vulnerabilities = sqlx::query_scalar::<_, String>(
        "SELECT vuln_id FROM incident_vulns WHERE incident_id = $1 ORDER BY vuln_id",
    )
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?;
    let indicators = sqlx::query(
        "SELECT kind, value, first_seen, last_seen FROM incident_indicators \
         WHERE incident_id = $1 ORDER BY kind, value",
    )
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(indicator_from)
    .collect::<Result<_, Error>>()?;
    let attachments = sqlx::query(
        "SELECT id, name, media_type, size, digest, created_at, actor FROM incident_attachments \
         WHERE incident_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(attachment_from)
    .collect::<Result<_, Error>>()?;
    Ok(Some(Incident {
        head,
        assets,
        vulnerabilities,
        indicators,
        attachments,
    }))
}

fn indicator_from(r: &DbRow) -> Result<IncidentIndicator, Error> {
    Ok(IncidentIndicator {
        kind: r.try_get("kind")?,
        value: r.try_get("value")?,
        first_seen: ts_opt(r.try_get("first_seen")?)?,
        last_seen: ts_opt(r.try_get("last_seen")?)?,
    })
}

fn attachment_from(r: &DbRow) -> Result<AttachmentMeta, Error> {
    Ok(AttachmentMeta {
        id: AttachmentId(r.try_get("id")?),
        name: r.try_get("name")?,
        media_type: r.try_get("media_type")?,
        size: count(r.try_get("size")?),
        digest: r.try_get("digest")?,
        created_at: ts(r.try_get("created_at")?)?,
        actor: r.try_get("actor")?,
    })
}

pub(super) async fn incidents(
    store: &SqlStore,
    orgs: Option<&[OrgId]>,
    limit: u32,
) -> Result<Vec<IncidentHead>, Error> {
    let rows = match orgs {
        None => {
            sqlx::query(AssertSqlSafe(format!("{HEAD} ORDER BY i.id DESC LIMIT $1")))
                .bind(i64::from(limit))
                .fetch_all(&store.pool)
                .await?
        }
        Some([]) => Vec::new(),
        Some(orgs) => {
            let sql = format!(
                "{HEAD} WHERE i.org_id IN ({}) ORDER BY i.id DESC LIMIT {P}{}",
                params(1, orgs.len()),
                orgs.len() + 1
            );
            let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
            for o in orgs {
                q = q.bind(o.0);
            }
            q.bind(i64::from(limit)).fetch_all(&store.pool).await?
        }
    };
    let heads = rows.iter().map(head_from).collect::<Result<_, Error>>()?;
    with_recipients(store, heads).await
}

pub(super) async fn incident_heads(
    store: &SqlStore,
    ids: &[IncidentId],
) -> Result<Vec<IncidentHead>, Error> {
    let mut heads = Vec::new();
    for chunk in ids.chunks(400) {
        let sql = format!(
            "{HEAD} WHERE i.id IN ({}) ORDER BY i.id",
            params(1, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false);
        for id in chunk {
            q = q.bind(id.0);
        }
        for r in q.fetch_all(&store.pool).await? {
            heads.push(head_from(&r)?);
        }
    }
    with_recipients(store, heads).await
}

pub(super) async fn incident_stix(
    store: &SqlStore,
    id: IncidentId,
) -> Result<Option<String>, Error> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT stix FROM incidents WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&store.pool)
            .await?
            .flatten(),
    )
}

pub(super) async fn update_incident(
    store: &SqlStore,
    actor: &Actor,
    id: IncidentId,
    u: &IncidentUpdate,
) -> Result<(), Error> {
    let mut w = store.write(actor).await?;
    let org = incident_org(&mut w, id).await?;
    sqlx::query(
        "UPDATE incidents SET status = COALESCE($1, status), \
         contained_at = COALESCE($2, contained_at), \
         service_impact = COALESCE($3, service_impact), \
         continuity_impact = COALESCE($4, continuity_impact), \
         handling = COALESCE($5, handling) WHERE id = $6",
    )
    .bind(u.status.map(|s| s.as_str()))
    .bind(micros(u.contained_at))
    .bind(u.service_impact.map(|s| s.as_str()))
    .bind(u.continuity_impact.as_deref())
    .bind(u.handling.as_deref())
    .bind(id.0)
    .execute(&mut *w.tx)
    .await?;
    put_vulns(&mut w, id.0, &u.add_vulnerabilities).await?;
    put_indicators(&mut w, id.0, &u.add_indicators).await?;
    timeline_entry(
        &mut w,
        id.0,
        org,
        TimelineKind::Update,
        true,
        u.status.map(|s| s.as_str()),
        &u.note,
    )
    .await?;
    w.audit(
        "incident.update",
        &format!("incident:{id}"),
        json!({"status": u.status.map(|s| s.as_str()),
               "indicators_added": u.add_indicators.len(),
               "vulnerabilities_added": u.add_vulnerabilities}),
    )
    .await?;
    touch(&mut w, id.0).await?;
    w.commit().await
}

pub(super) async fn annotate_incident(
    store: &SqlStore,
    actor: &Actor,
    id: IncidentId,
    org: OrgId,
    to_reporter: bool,
    body: &str,
) -> Result<(), Error> {
    let mut w = store.write(actor).await?;
    incident_org(&mut w, id).await?;
    timeline_entry(
        &mut w,
        id.0,
        org,
        TimelineKind::Annotation,
        to_reporter,
        None,
        body,
    )
    .await?;
    w.audit(
        "incident.annotate",
        &format!("incident:{id}"),
        json!({"organization": org.0, "to_reporter": to_reporter}),
    )
    .await?;
    touch(&mut w, id.0).await?;
    w.commit().await
}

pub(super) async fn incident_timeline(
    store: &SqlStore,
    id: IncidentId,
) -> Result<Vec<TimelineEntry>, Error> {
    sqlx::query(
        "SELECT id, at, actor, org_id, kind, to_reporter, status, body FROM incident_timeline \
         WHERE incident_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(TimelineEntry {
            id: r.try_get("id")?,
            at: ts(r.try_get("at")?)?,
            actor: r.try_get("actor")?,
            org: OrgId(r.try_get("org_id")?),
            kind: r.try_get::<&str, _>("kind")?.parse()?,
            to_reporter: r.try_get("to_reporter")?,
            status: r
                .try_get::<Option<&str>, _>("status")?
                .map(str::parse)
                .transpose()?,
            body: r.try_get("body")?,
        })
    })
    .collect()
}

pub(super) async fn add_attachment(
    store: &SqlStore,
    actor: &Actor,
    id: IncidentId,
    org: OrgId,
    a: &NewAttachment,
) -> Result<AttachmentId, Error> {
    let digest = hex(&Sha256::digest(&a.body));
    let mut w = store.write(actor).await?;
    incident_org(&mut w, id).await?;
    let att: i64 = sqlx::query_scalar(
        "INSERT INTO incident_attachments (incident_id, name, media_type, size, digest, body, \
         created_at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id.0)
    .bind(&a.name)
    .bind(&a.media_type)
    .bind(i64::try_from(a.body.len()).unwrap_or(i64::MAX))
    .bind(&digest)
    .bind(&a.body[..])
    .bind(w.at)
    .bind(&w.actor)
    .fetch_one(&mut *w.tx)
    .await?;
    timeline_entry(
        &mut w,
        id.0,
        org,
        TimelineKind::Attachment,
        true,
        None,
        &format!("{} ({} bytes, sha256 {digest})", a.name, a.body.len()),
    )
    .await?;
    w.audit(
        "incident.attach",
        &format!("incident:{id}"),
        json!({"attachment": att, "name": a.name, "size": a.body.len(), "sha256": digest}),
    )
    .await?;
    touch(&mut w, id.0).await?;
    w.commit().await?;
    Ok(AttachmentId(att))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) async fn attachment(
    store: &SqlStore,
    incident: IncidentId,
    id: AttachmentId,
) -> Result<Option<(AttachmentMeta, Vec<u8>)>, Error> {
    let Some(r) = sqlx::query(
        "SELECT id, name, media_type, size, digest, created_at, actor, body \
         FROM incident_attachments WHERE incident_id = $1 AND id = $2",
    )
    .bind(incident.0)
    .bind(id.0)
    .fetch_optional(&store.pool)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((attachment_from(&r)?, r.try_get("body")?)))
}

pub(super) async fn indicator_changes(
    store: &SqlStore,
    after: i64,
) -> Result<IndicatorChanges, Error> {
    let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(revision) FROM incidents")
        .fetch_one(&store.pool)
        .await?;
    let latest = latest.unwrap_or(0);
    if latest <= after {
        return Ok(IndicatorChanges {
            latest: after.max(latest),
            incidents: Vec::new(),
        });
    }
    let heads = sqlx::query(
        "SELECT id, org_id, tlp FROM incidents WHERE revision > $1 AND revision <= $2 ORDER BY id",
    )
    .bind(after)
    .bind(latest)
    .fetch_all(&store.pool)
    .await?;
    let mut incidents: BTreeMap<i64, IncidentIndicators> = BTreeMap::new();
    for r in &heads {
        let id: i64 = r.try_get("id")?;
        incidents.insert(
            id,
            IncidentIndicators {
                id: IncidentId(id),
                org: OrgId(r.try_get("org_id")?),
                tlp: tlp(r.try_get("tlp")?)?,
                indicators: Vec::new(),
            },
        );
    }
    // One pass over the changed reports' indicators (all of them at start).
    let rows = sqlx::query(
        "SELECT ii.incident_id, ii.kind, ii.value, ii.first_seen, ii.last_seen \
         FROM incident_indicators ii JOIN incidents i ON i.id = ii.incident_id \
         WHERE i.revision > $1 AND i.revision <= $2",
    )
    .bind(after)
    .bind(latest)
    .fetch_all(&store.pool)
    .await?;
    for r in &rows {
        let id: i64 = r.try_get("incident_id")?;
        if let Some(set) = incidents.get_mut(&id) {
            set.indicators.push(indicator_from(r)?);
        }
    }
    Ok(IndicatorChanges {
        latest,
        incidents: incidents.into_values().collect(),
    })
}

pub(super) async fn indicator_sightings(
    store: &SqlStore,
    kind: &str,
    value: &str,
) -> Result<Vec<(IncidentId, IncidentIndicator)>, Error> {
    sqlx::query(
        "SELECT incident_id, kind, value, first_seen, last_seen FROM incident_indicators \
         WHERE kind = $1 AND value = $2 ORDER BY incident_id",
    )
    .bind(kind)
    .bind(value)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(|r| Ok((IncidentId(r.try_get("incident_id")?), indicator_from(r)?)))
    .collect()
}

// Alerts.

const ALERT: &str = "SELECT id, issuer_org, issuer, issuer_user, title_ja, body_ja, title_en, \
     body_en, tlp, severity, deadline, actions, targets, vulnerabilities, indicators, \
     source_incident, source_sector, relay_of, created_at FROM alerts";

fn json_list<T: serde::de::DeserializeOwned>(r: &DbRow, column: &str) -> Result<Vec<T>, Error> {
    let text: &str = r.try_get(column)?;
    serde_json::from_str(text).map_err(|e| Error::Invalid(format!("stored alerts.{column}: {e}")))
}

fn alert_from(r: &DbRow) -> Result<Alert, Error> {
    Ok(Alert {
        id: AlertId(r.try_get("id")?),
        issuer_org: OrgId(r.try_get("issuer_org")?),
        issuer: r.try_get("issuer")?,
        issuer_user: r.try_get::<Option<i64>, _>("issuer_user")?.map(UserId),
        title_ja: r.try_get("title_ja")?,
        body_ja: r.try_get("body_ja")?,
        title_en: r.try_get("title_en")?,
        body_en: r.try_get("body_en")?,
        tlp: tlp(r.try_get("tlp")?)?,
        severity: r
            .try_get::<Option<&str>, _>("severity")?
            .map(str::parse)
            .transpose()?,
        deadline: ts_opt(r.try_get("deadline")?)?,
        actions: json_list(r, "actions")?,
        targets: r.try_get("targets")?,
        vulnerabilities: json_list(r, "vulnerabilities")?,
        indicators: json_list(r, "indicators")?,
        exposed_to: Vec::new(),
        named_users: Vec::new(),
        source_incident: r
            .try_get::<Option<i64>, _>("source_incident")?
            .map(IncidentId),
        source_sector: r.try_get("source_sector")?,
        relay_of: r.try_get::<Option<i64>, _>("relay_of")?.map(AlertId),
        created_at: ts(r.try_get("created_at")?)?,
    })
}

/// Fills each alert's exposure targets and named users.
async fn alert_lists(store: &SqlStore, mut alerts: Vec<Alert>) -> Result<Vec<Alert>, Error> {
    for a in &mut alerts {
        a.exposed_to = sqlx::query_scalar(
            "SELECT vuln_id FROM alert_vulns WHERE alert_id = $1 ORDER BY vuln_id",
        )
        .bind(a.id.0)
        .fetch_all(&store.pool)
        .await?;
        if a.tlp == crate::Tlp::Red {
            a.named_users = sqlx::query_scalar::<_, i64>(
                "SELECT user_id FROM alert_users WHERE alert_id = $1 ORDER BY user_id",
            )
            .bind(a.id.0)
            .fetch_all(&store.pool)
            .await?
            .into_iter()
            .map(UserId)
            .collect();
        }
    }
    Ok(alerts)
}

pub(super) async fn create_alert(
    store: &SqlStore,
    actor: &Actor,
    new: &NewAlert,
) -> Result<AlertId, Error> {
    let mut w = store.write(actor).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO alerts (issuer_org, issuer, issuer_user, title_ja, body_ja, title_en, \
         body_en, tlp, severity, deadline, actions, targets, vulnerabilities, indicators, \
         source_incident, source_sector, relay_of, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         RETURNING id",
    )
    .bind(new.issuer_org.0)
    .bind(&w.actor)
    .bind(new.issuer_user.map(|u| u.0))
    .bind(new.title_ja.as_deref())
    .bind(new.body_ja.as_deref())
    .bind(new.title_en.as_deref())
    .bind(new.body_en.as_deref())
    .bind(new.tlp.as_str())
    .bind(new.severity.map(|s| s.as_str()))
    .bind(micros(new.deadline))
    .bind(json!(new.actions).to_string())
    .bind(&new.targets)
    .bind(json!(new.vulnerabilities).to_string())
    .bind(json!(new.indicators).to_string())
    .bind(new.source_incident.map(|i| i.0))
    .bind(new.source_sector.as_deref())
    .bind(new.relay_of.map(|a| a.0))
    .bind(w.at)
    .fetch_one(&mut *w.tx)
    .await?;
    for user in &new.named_users {
        sqlx::query(
            "INSERT INTO alert_users (alert_id, user_id) VALUES ($1, $2) \
             ON CONFLICT (alert_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user.0)
        .execute(&mut *w.tx)
        .await?;
    }
    for (org, reason) in &new.recipients {
        add_recipient(&mut w, id, *org, *reason).await?;
    }
    for v in &new.exposed_to {
        sqlx::query(
            "INSERT INTO alert_vulns (alert_id, vuln_id) VALUES ($1, $2) \
             ON CONFLICT (alert_id, vuln_id) DO NOTHING",
        )
        .bind(id)
        .bind(v)
        .execute(&mut *w.tx)
        .await?;
    }
    let mut exposed = 0;
    if !new.exposed_to.is_empty() {
        // Organisations exposed now: open, in-triage or accepted findings
        // present in their asset's current inventory (as the exposure view
        // counts them).
        let orgs: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT f.org_id FROM findings f JOIN alert_vulns av ON av.vuln_id = f.vuln_id \
             WHERE av.alert_id = $1 AND f.present AND f.state IN ('open', 'in_triage', \
             'risk_accepted', 'mitigated') ORDER BY f.org_id",
        )
        .bind(id)
        .fetch_all(&mut *w.tx)
        .await?;
        for org in orgs {
            if new
                .exposed_within
                .as_ref()
                .is_some_and(|within| !within.contains(&OrgId(org)))
            {
                continue;
            }
            exposed += add_recipient(&mut w, id, OrgId(org), RecipientReason::Exposed).await?;
        }
        if let Some(within) = &new.exposed_within {
            // Later exposures are limited to the same organisations.
            for org in within {
                sqlx::query(
                    "INSERT INTO alert_scope (alert_id, org_id) VALUES ($1, $2) \
                     ON CONFLICT (alert_id, org_id) DO NOTHING",
                )
                .bind(id)
                .bind(org.0)
                .execute(&mut *w.tx)
                .await?;
            }
        }
    }
    w.audit(
        "alert.create",
        &format!("alert:{id}"),
        json!({"issuer": new.issuer_org.0, "tlp": new.tlp.as_str(),
               "recipients": new.recipients.len() as u64 + exposed,
               "exposed_to": new.exposed_to, "source_incident": new.source_incident.map(|i| i.0),
               "relay_of": new.relay_of.map(|a| a.0)}),
    )
    .await?;
    w.commit().await?;
    Ok(AlertId(id))
}

/// Makes `org` a recipient (once); returns 1 if it was new.
async fn add_recipient(
    w: &mut Write,
    alert: i64,
    org: OrgId,
    reason: RecipientReason,
) -> Result<u64, Error> {
    Ok(sqlx::query(
        "INSERT INTO alert_recipients (alert_id, org_id, reason, status, received_at) \
         VALUES ($1, $2, $3, 'received', $4) ON CONFLICT (alert_id, org_id) DO NOTHING",
    )
    .bind(alert)
    .bind(org.0)
    .bind(reason.as_str())
    .bind(w.at)
    .execute(&mut *w.tx)
    .await?
    .rows_affected())
}

/// In the write that opened or reopened findings `ids`: their
/// organisations become recipients of the alerts targeted by exposure to
/// their vulnerabilities (within each alert's scope, if it has one).
pub(super) async fn exposed(w: &mut Write, ids: &[i64]) -> Result<(), Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let any: Option<i64> = sqlx::query_scalar("SELECT alert_id FROM alert_vulns LIMIT 1")
        .fetch_optional(&mut *w.tx)
        .await?;
    if any.is_none() {
        return Ok(());
    }
    for chunk in ids.chunks(400) {
        let sql = format!(
            "INSERT INTO alert_recipients (alert_id, org_id, reason, status, received_at) \
             SELECT DISTINCT av.alert_id, f.org_id, 'exposed', 'received', {P}1 \
             FROM findings f JOIN alert_vulns av ON av.vuln_id = f.vuln_id \
             WHERE f.id IN ({}) AND (NOT EXISTS (SELECT 1 FROM alert_scope s \
               WHERE s.alert_id = av.alert_id) OR EXISTS (SELECT 1 FROM alert_scope s \
               WHERE s.alert_id = av.alert_id AND s.org_id = f.org_id)) \
             ON CONFLICT (alert_id, org_id) DO NOTHING",
            params(2, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false).bind(w.at);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}

pub(super) async fn alert(store: &SqlStore, id: AlertId) -> Result<Option<Alert>, Error> {
    let Some(r) = sqlx::query(AssertSqlSafe(format!("{ALERT} WHERE id = $1")))
        .bind(id.0)
        .fetch_optional(&store.pool)
        .await?
    else {
        return Ok(None);
    };
    Ok(alert_lists(store, vec![alert_from(&r)?]).await?.pop())
}

pub(super) async fn alerts_issued(
    store: &SqlStore,
    org: OrgId,
    limit: u32,
) -> Result<Vec<Alert>, Error> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{ALERT} WHERE issuer_org = $1 ORDER BY id DESC LIMIT $2"
    )))
    .bind(org.0)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await?;
    let alerts = rows.iter().map(alert_from).collect::<Result<_, Error>>()?;
    alert_lists(store, alerts).await
}

pub(super) async fn public_alerts(store: &SqlStore, limit: u32) -> Result<Vec<Alert>, Error> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "{ALERT} WHERE tlp = 'clear' ORDER BY id DESC LIMIT $1"
    )))
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await?;
    let alerts = rows.iter().map(alert_from).collect::<Result<_, Error>>()?;
    alert_lists(store, alerts).await
}

const RECIPIENT: &str = "SELECT alert_id, org_id, reason, status, received_at, read_at, read_by, \
     acting_at, acting_by, done_at, done_by, note, reminded_at, reminders FROM alert_recipients";

fn recipient_from(r: &DbRow) -> Result<AlertRecipient, Error> {
    let step = |at: &str, by: &str| -> Result<Option<(Timestamp, String)>, Error> {
        Ok(
            match (
                r.try_get::<Option<i64>, _>(at)?,
                r.try_get::<Option<String>, _>(by)?,
            ) {
                (Some(at), Some(by)) => Some((ts(at)?, by)),
                _ => None,
            },
        )
    };
    Ok(AlertRecipient {
        alert: AlertId(r.try_get("alert_id")?),
        org: OrgId(r.try_get("org_id")?),
        reason: r.try_get::<&str, _>("reason")?.parse()?,
        status: r.try_get::<&str, _>("status")?.parse()?,
        received_at: ts(r.try_get("received_at")?)?,
        read: step("read_at", "read_by")?,
        acting: step("acting_at", "acting_by")?,
        done: step("done_at", "done_by")?,
        note: r.try_get("note")?,
        reminded_at: ts_opt(r.try_get("reminded_at")?)?,
        reminders: u32::try_from(r.try_get::<i64, _>("reminders")?).unwrap_or(u32::MAX),
    })
}

pub(super) async fn alert_inbox(
    store: &SqlStore,
    org: OrgId,
    limit: u32,
) -> Result<Vec<(Alert, AlertRecipient)>, Error> {
    let recipients: Vec<AlertRecipient> = sqlx::query(AssertSqlSafe(format!(
        "{RECIPIENT} WHERE org_id = $1 ORDER BY alert_id DESC LIMIT $2"
    )))
    .bind(org.0)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(recipient_from)
    .collect::<Result<_, Error>>()?;
    let mut out = Vec::with_capacity(recipients.len());
    for r in recipients {
        if let Some(a) = alert(store, r.alert).await? {
            out.push((a, r));
        }
    }
    Ok(out)
}

pub(super) async fn alert_recipients(
    store: &SqlStore,
    id: AlertId,
) -> Result<Vec<AlertRecipient>, Error> {
    sqlx::query(AssertSqlSafe(format!(
        "{RECIPIENT} WHERE alert_id = $1 ORDER BY org_id"
    )))
    .bind(id.0)
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(recipient_from)
    .collect()
}

pub(super) async fn alert_recipient(
    store: &SqlStore,
    id: AlertId,
    org: OrgId,
) -> Result<Option<AlertRecipient>, Error> {
    sqlx::query(AssertSqlSafe(format!(
        "{RECIPIENT} WHERE alert_id = $1 AND org_id = $2"
    )))
    .bind(id.0)
    .bind(org.0)
    .fetch_optional(&store.pool)
    .await?
    .as_ref()
    .map(recipient_from)
    .transpose()
}

pub(super) async fn acknowledge_alert(
    store: &SqlStore,
    actor: &Actor,
    id: AlertId,
    org: OrgId,
    status: AckStatus,
    note: Option<&str>,
) -> Result<AlertRecipient, Error> {
    let mut w = store.write(actor).await?;
    let current: Option<String> = sqlx::query_scalar(
        "SELECT status FROM alert_recipients WHERE alert_id = $1 AND org_id = $2",
    )
    .bind(id.0)
    .bind(org.0)
    .fetch_optional(&mut *w.tx)
    .await?;
    let current: AckStatus = current.ok_or(Error::NotFound("alert recipient"))?.parse()?;
    if status < current || (status == current && status != AckStatus::Read) {
        return Err(Error::Conflict(format!(
            "the acknowledgement is {current}: it cannot move to {status}"
        )));
    }
    if status == current {
        // Read again: nothing to record.
        drop(w);
        return alert_recipient(store, id, org)
            .await?
            .ok_or(Error::NotFound("alert recipient"));
    }
    // Each step up to `status` not yet taken is taken now, by this actor.
    for (step, at, by) in [
        (AckStatus::Read, "read_at", "read_by"),
        (AckStatus::Acting, "acting_at", "acting_by"),
        (AckStatus::Done, "done_at", "done_by"),
    ] {
        if step <= status {
            let sql = format!(
                "UPDATE alert_recipients SET {at} = COALESCE({at}, {P}1), \
                 {by} = COALESCE({by}, {P}2) WHERE alert_id = {P}3 AND org_id = {P}4"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(w.at)
                .bind(&w.actor)
                .bind(id.0)
                .bind(org.0)
                .execute(&mut *w.tx)
                .await?;
        }
    }
    sqlx::query(
        "UPDATE alert_recipients SET status = $1, note = COALESCE($2, note) \
         WHERE alert_id = $3 AND org_id = $4",
    )
    .bind(status.as_str())
    .bind(note)
    .bind(id.0)
    .bind(org.0)
    .execute(&mut *w.tx)
    .await?;
    w.audit(
        "alert.acknowledge",
        &format!("alert:{id}"),
        json!({"organization": org.0, "status": status.as_str(), "from": current.as_str()}),
    )
    .await?;
    w.commit().await?;
    alert_recipient(store, id, org)
        .await?
        .ok_or(Error::NotFound("alert recipient"))
}

pub(super) async fn remind_alert(
    store: &SqlStore,
    actor: &Actor,
    id: AlertId,
) -> Result<u64, Error> {
    let mut w = store.write(actor).await?;
    let n = sqlx::query(
        "UPDATE alert_recipients SET reminded_at = $1, reminders = reminders + 1 \
         WHERE alert_id = $2 AND status IN ('received', 'read')",
    )
    .bind(w.at)
    .bind(id.0)
    .execute(&mut *w.tx)
    .await?
    .rows_affected();
    w.audit(
        "alert.remind",
        &format!("alert:{id}"),
        json!({"reminded": n}),
    )
    .await?;
    w.commit().await?;
    Ok(n)
}
