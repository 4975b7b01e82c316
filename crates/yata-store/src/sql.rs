//! The store's body, compiled once per driver (see the crate docs). The
//! parent module provides `Db`, `BACKEND`, `MIGRATOR`, `SKIP_LOCKED`,
//! `PARAM`, `begin_write`, `begin_snapshot` and `backup`.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Pool, Row, Transaction};

use super::{BACKEND, Db, MIGRATOR, PARAM, SKIP_LOCKED};
use crate::audit::ChainCheck;
use crate::{
    Actor, ApiToken, Asset, AssetId, AuditEntry, Backend, BrokenAt, Error, FeedSnapshotMeta,
    Finding, FindingFilter, FindingId, FindingState, FindingTransition, FindingsUpdate, Fut,
    InventoryDocument, InventoryId, InventoryMeta, Job, JobId, Membership, NewAsset,
    NewAssetWithInventory, NewFeedSnapshot, NewInventory, NewJob, NewOrganization, NewSession,
    NewToken, NewUser, Observation, OrgId, OrgKind, OrgSummary, Organization, Role, Sector,
    Session, SessionId, Store, TokenId, Transition, User, UserId,
};
use crate::{
    Attempt, DeadlineEvents, Delivery, DeliveryId, DeliveryTask, Event, FanOut, MailDelivery,
    MailDeliveryId, MailSubscription, MailSubscriptionId, MailTask, NewMailSubscription,
    NewWebhook, Webhook, WebhookId,
};
use crate::{ExposedFinding, ExposureCount};

/// Findings brought in line with observations (`reconcile.rs`).
#[path = "reconcile.rs"]
mod reconcile;

/// Webhooks, e-mail subscriptions, the event outbox and deliveries (`outbox.rs`).
#[path = "outbox.rs"]
mod outbox;

/// Incident reports and alerts (`incidents.rs`).
#[path = "incidents.rs"]
mod incidents;

/// Periodic jobs and the feed sources' state (`schedule.rs`).
#[path = "schedule.rs"]
mod schedule;

type DbRow = <Db as sqlx::Database>::Row;

/// The store on one driver's connection pool.
#[derive(Debug, Clone)]
pub(crate) struct SqlStore {
    pool: Pool<Db>,
}

impl SqlStore {
    pub(crate) async fn new(pool: Pool<Db>) -> Result<Self, Error> {
        MIGRATOR.run(&pool).await?;
        Ok(SqlStore { pool })
    }

    async fn write(&self, actor: &Actor) -> Result<Write, Error> {
        Write::begin(&self.pool, actor).await
    }
}

fn now() -> i64 {
    Timestamp::now().as_microsecond()
}

fn ts(micros: i64) -> Result<Timestamp, Error> {
    Timestamp::from_microsecond(micros)
        .map_err(|e| Error::Invalid(format!("stored timestamp {micros}: {e}")))
}

fn ts_opt(micros: Option<i64>) -> Result<Option<Timestamp>, Error> {
    micros.map(ts).transpose()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A write in progress: one transaction that holds the audit head.
struct Write {
    tx: Transaction<'static, Db>,
    actor: String,
    at: i64,
    seq: u64,
    hash: String,
}

impl Write {
    async fn begin(pool: &Pool<Db>, actor: &Actor) -> Result<Self, Error> {
        let mut tx = super::begin_write(pool).await?;
        // A no-op update: on PostgreSQL it takes the head's row lock, so
        // writers queue here, before touching anything else (no deadlocks).
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx)
            .await?;
        Ok(Write {
            tx,
            actor: actor.to_string(),
            at: now(),
            seq: count(row.try_get("seq")?),
            hash: row.try_get("hash")?,
        })
    }

    /// Appends an audit entry in this transaction.
    async fn audit(
        &mut self,
        action: &str,
        object: &str,
        details: serde_json::Value,
    ) -> Result<(), Error> {
        let details = details.to_string();
        let seq = self.seq + 1;
        let hash = crate::audit::entry_hash(
            &self.hash,
            seq,
            self.at,
            &self.actor,
            action,
            object,
            &details,
        );
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, object, details, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(seq as i64)
        .bind(self.at)
        .bind(&self.actor)
        .bind(action)
        .bind(object)
        .bind(&details)
        .bind(&self.hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        self.seq = seq;
        self.hash = hash;
        Ok(())
    }

    /// Queues a job, audited.
    async fn enqueue_job(&mut self, job: &NewJob) -> Result<JobId, Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, run_at, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&job.kind)
        .bind(&job.payload)
        .bind(job.run_at.as_microsecond())
        .bind(self.at)
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "job.enqueue",
            &format!("job:{id}"),
            json!({"kind": job.kind, "run_at": job.run_at.to_string()}),
        )
        .await?;
        Ok(JobId(id))
    }

    /// Tells the other processes on this database, when the transaction
    /// commits (PostgreSQL `NOTIFY`; nothing on SQLite).
    async fn notify(&mut self, payload: &str) -> Result<(), Error> {
        super::notify(&mut self.tx, payload).await?;
        Ok(())
    }

    async fn commit(mut self) -> Result<(), Error> {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq as i64)
            .bind(&self.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Inserts an asset and audits it.
    async fn create_asset(&mut self, new: &NewAsset) -> Result<AssetId, Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assets (org_id, name, kind, internet_exposed, criticality, \
             vendor, product, version, cpe, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.org.0)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.internet_exposed)
        .bind(new.criticality.as_str())
        .bind(new.vendor.as_deref())
        .bind(new.product.as_deref())
        .bind(new.version.as_deref())
        .bind(new.cpe.as_deref())
        .bind(self.at)
        .fetch_one(&mut *self.tx)
        .await?;
        self.audit(
            "asset.create",
            &format!("asset:{id}"),
            json!({"organization": new.org.0, "name": new.name,
                   "kind": new.kind.as_str(), "internet_exposed": new.internet_exposed,
                   "criticality": new.criticality.as_str(), "vendor": new.vendor,
                   "product": new.product, "version": new.version, "cpe": new.cpe}),
        )
        .await?;
        Ok(AssetId(id))
    }

    /// Makes `inv` the asset's current inventory and reconciles its
    /// findings with `observations`, audited.
    async fn replace_inventory(
        &mut self,
        inv: &NewInventory,
        observations: &[Observation],
    ) -> Result<(InventoryId, FindingsUpdate), Error> {
        let org = self.asset_org(inv.asset).await?;
        sqlx::query("UPDATE inventories SET is_current = FALSE WHERE asset_id = $1 AND is_current")
            .bind(inv.asset.0)
            .execute(&mut *self.tx)
            .await?;
        let inventory: i64 = sqlx::query_scalar(
            "INSERT INTO inventories (asset_id, format, digest, uploaded_at, uploaded_by, \
             components, encoding, body, is_current) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE) RETURNING id",
        )
        .bind(inv.asset.0)
        .bind(&inv.format)
        .bind(&inv.digest)
        .bind(self.at)
        .bind(&self.actor)
        .bind(i64::try_from(inv.components).unwrap_or(i64::MAX))
        .bind(&inv.encoding[..])
        .bind(&inv.body[..])
        .fetch_one(&mut *self.tx)
        .await?;

        let notes = reconcile::Notes {
            reopened: format!("reappeared in inventory {inventory}"),
            resolved: format!("no longer in inventory {inventory}"),
        };
        let (update, entered) =
            reconcile::reconcile(self, org, inv.asset.0, observations, &notes).await?;
        outbox::findings_new(self, &entered).await?;
        incidents::exposed(self, &entered).await?;
        self.audit(
            "inventory.replace",
            &format!("asset:{}", inv.asset),
            json!({"inventory": inventory, "format": inv.format, "digest": inv.digest,
                   "components": inv.components, "findings_opened": update.opened,
                   "findings_reopened": update.reopened,
                   "findings_refreshed": update.refreshed,
                   "findings_resolved": update.resolved}),
        )
        .await?;
        self.notify(&format!("inventory:{}", inv.asset)).await?;
        Ok((InventoryId(inventory), update))
    }

    /// Applies `t` to finding `id` if it is still in `t.from`, recording
    /// and auditing it.
    async fn transition_finding(&mut self, id: FindingId, t: &Transition) -> Result<(), Error> {
        let changed = sqlx::query(
            "UPDATE findings SET state = $1, state_changed_at = $2, justification = $3, \
             risk_accepted_until = $4 WHERE id = $5 AND state = $6",
        )
        .bind(t.to.as_str())
        .bind(self.at)
        .bind(t.justification.as_deref())
        .bind(t.risk_accepted_until.map(|t| t.as_microsecond()))
        .bind(id.0)
        .bind(t.from.as_str())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let state: Option<String> =
                sqlx::query_scalar("SELECT state FROM findings WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *self.tx)
                    .await?;
            return Err(match state {
                None => Error::NotFound("finding"),
                Some(s) => Error::Conflict(format!("finding {id} is {s}, not {}", t.from.as_str())),
            });
        }
        self.transition(id.0, t.from, t.to, t.justification.as_deref(), &t.note)
            .await?;
        self.audit(
            "finding.transition",
            &format!("finding:{id}"),
            json!({"from": t.from.as_str(), "to": t.to.as_str(),
                   "justification": t.justification, "note": t.note,
                   "risk_accepted_until": t.risk_accepted_until.map(|t| t.to_string())}),
        )
        .await?;
        Ok(())
    }

    /// Inserts an organisation with its sectors and audits it.
    async fn create_organization(&mut self, new: &NewOrganization) -> Result<OrgId, Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (name, kind, created_at) VALUES ($1, $2, $3) \
             RETURNING id",
        )
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(self.at)
        .fetch_one(&mut *self.tx)
        .await?;
        let sectors: std::collections::BTreeSet<&str> =
            new.sectors.iter().map(String::as_str).collect();
        for sector in &sectors {
            sqlx::query("INSERT INTO organization_sectors (org_id, sector) VALUES ($1, $2)")
                .bind(id)
                .bind(*sector)
                .execute(&mut *self.tx)
                .await?;
        }
        self.audit(
            "organization.create",
            &format!("organization:{id}"),
            json!({"name": new.name, "kind": new.kind.as_str(), "sectors": sectors}),
        )
        .await?;
        Ok(OrgId(id))
    }

    /// The NCO organisation, created (and audited) if there is none.
    async fn nco_organization(&mut self) -> Result<OrgId, Error> {
        let found: Option<i64> = sqlx::query_scalar(FIRST_NCO)
            .fetch_optional(&mut *self.tx)
            .await?;
        match found {
            Some(id) => Ok(OrgId(id)),
            None => {
                self.create_organization(&NewOrganization {
                    name: NCO_NAME.to_owned(),
                    kind: OrgKind::Nco,
                    sectors: Vec::new(),
                })
                .await
            }
        }
    }

    /// Inserts a user and audits it.
    async fn create_user(&mut self, new: &NewUser) -> Result<UserId, Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.email)
        .bind(new.password_hash.as_deref())
        .bind(self.at)
        .fetch_one(&mut *self.tx)
        .await?;
        // Never the password hash in the log.
        self.audit(
            "user.create",
            &format!("user:{id}"),
            json!({"name": new.name, "email": new.email,
                   "password": new.password_hash.is_some()}),
        )
        .await?;
        Ok(UserId(id))
    }

    /// Adds or changes a membership and audits it.
    async fn set_membership(&mut self, m: &Membership) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO memberships (user_id, org_id, role, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role",
        )
        .bind(m.user.0)
        .bind(m.org.0)
        .bind(m.role.as_str())
        .bind(self.at)
        .execute(&mut *self.tx)
        .await?;
        self.audit(
            "membership.set",
            &format!("user:{}", m.user),
            json!({"organization": m.org.0, "role": m.role.as_str()}),
        )
        .await?;
        Ok(())
    }

    /// The organisation of an asset; `NotFound` if there is no such asset.
    async fn asset_org(&mut self, asset: AssetId) -> Result<i64, Error> {
        sqlx::query_scalar("SELECT org_id FROM assets WHERE id = $1")
            .bind(asset.0)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(Error::NotFound("asset"))
    }

    /// Records a finding's move (its row is updated by the caller).
    async fn transition(
        &mut self,
        finding: i64,
        from: FindingState,
        to: FindingState,
        justification: Option<&str>,
        note: &str,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO finding_transitions \
             (finding_id, at, actor, from_state, to_state, justification, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(finding)
        .bind(self.at)
        .bind(&self.actor)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(justification)
        .bind(note)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

/// The NCO organisation, if any.
const FIRST_NCO: &str = "SELECT id FROM organizations WHERE kind = 'nco' ORDER BY id LIMIT 1";
/// The name of the NCO organisation the store creates when there is none.
const NCO_NAME: &str = "National Cyber Office";

const ASSET_COLUMNS: &str = "id, org_id, name, kind, internet_exposed, criticality, \
                             vendor, product, version, cpe, created_at";
const FINDING_COLUMNS: &str = "id, org_id, asset_id, vuln_id, subject, first_seen, last_seen, \
     present, state, state_changed_at, decision, deadline, justification, \
     risk_accepted_until, kev, explanation";
/// A finding someone is exposed through: present and not closed by a fix
/// or a decision. Written exactly as the predicate of the partial index
/// `findings_exposed` (migration 0008), which SQLite uses only for a query
/// that repeats its terms.
const EXPOSED: &str = "present AND state NOT IN ('fixed', 'not_affected', 'false_positive')";
/// Most vulnerability ids (aliases) one exposure query takes; more are
/// refused as `Invalid` (a vulnerability has a handful).
const MAX_EXPOSURE_IDS: usize = 1000;

/// `first`…`first + n - 1` as numbered parameters, comma-separated.
fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("{PARAM}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const INVENTORY_COLUMNS: &str =
    "id, asset_id, format, digest, uploaded_at, uploaded_by, components, is_current";
const TOKEN_COLUMNS: &str = "id, name, org_id, user_id, role, created_at, expires_at, revoked_at";
const SESSION_COLUMNS: &str = "id, user_id, org_id, csrf_hash, created_at, expires_at";
const USER_COLUMNS: &str =
    "id, name, email, password_hash, created_at, disabled_at, language, time_zone";

fn user_from(r: &DbRow) -> Result<User, Error> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        password_hash: r.try_get("password_hash")?,
        created_at: ts(r.try_get("created_at")?)?,
        disabled_at: ts_opt(r.try_get("disabled_at")?)?,
        language: r.try_get("language")?,
        time_zone: r.try_get("time_zone")?,
    })
}

fn token_from(r: &DbRow) -> Result<ApiToken, Error> {
    Ok(ApiToken {
        id: TokenId(r.try_get("id")?),
        name: r.try_get("name")?,
        org: OrgId(r.try_get("org_id")?),
        user: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
        role: r.try_get::<&str, _>("role")?.parse()?,
        created_at: ts(r.try_get("created_at")?)?,
        expires_at: ts_opt(r.try_get("expires_at")?)?,
        revoked_at: ts_opt(r.try_get("revoked_at")?)?,
    })
}

fn session_from(r: &DbRow) -> Result<Session, Error> {
    let id = SessionId(r.try_get("id")?);
    let csrf: &[u8] = r.try_get("csrf_hash")?;
    Ok(Session {
        id,
        user: UserId(r.try_get("user_id")?),
        org: OrgId(r.try_get("org_id")?),
        csrf_hash: csrf.try_into().map_err(|_| {
            Error::Invalid(format!(
                "stored csrf hash of session {id}: {} bytes",
                csrf.len()
            ))
        })?,
        created_at: ts(r.try_get("created_at")?)?,
        expires_at: ts(r.try_get("expires_at")?)?,
    })
}

fn asset_from(r: &DbRow) -> Result<Asset, Error> {
    Ok(Asset {
        id: AssetId(r.try_get("id")?),
        org: OrgId(r.try_get("org_id")?),
        name: r.try_get("name")?,
        kind: r.try_get::<&str, _>("kind")?.parse()?,
        internet_exposed: r.try_get("internet_exposed")?,
        criticality: r.try_get::<&str, _>("criticality")?.parse()?,
        vendor: r.try_get("vendor")?,
        product: r.try_get("product")?,
        version: r.try_get("version")?,
        cpe: r.try_get("cpe")?,
        created_at: ts(r.try_get("created_at")?)?,
    })
}

fn inventory_from(r: &DbRow) -> Result<InventoryMeta, Error> {
    Ok(InventoryMeta {
        id: InventoryId(r.try_get("id")?),
        asset: AssetId(r.try_get("asset_id")?),
        format: r.try_get("format")?,
        digest: r.try_get("digest")?,
        uploaded_at: ts(r.try_get("uploaded_at")?)?,
        uploaded_by: r.try_get("uploaded_by")?,
        components: count(r.try_get("components")?),
        is_current: r.try_get("is_current")?,
    })
}

fn finding_from(r: &DbRow) -> Result<Finding, Error> {
    Ok(Finding {
        id: FindingId(r.try_get("id")?),
        org: OrgId(r.try_get("org_id")?),
        asset: AssetId(r.try_get("asset_id")?),
        vuln_id: r.try_get("vuln_id")?,
        subject: r.try_get("subject")?,
        first_seen: ts(r.try_get("first_seen")?)?,
        last_seen: ts(r.try_get("last_seen")?)?,
        present: r.try_get("present")?,
        state: r.try_get::<&str, _>("state")?.parse()?,
        state_changed_at: ts(r.try_get("state_changed_at")?)?,
        decision: r.try_get("decision")?,
        deadline: ts_opt(r.try_get("deadline")?)?,
        justification: r.try_get("justification")?,
        risk_accepted_until: ts_opt(r.try_get("risk_accepted_until")?)?,
        kev: r.try_get("kev")?,
        explanation: r.try_get("explanation")?,
    })
}

fn audit_from(r: &DbRow) -> Result<AuditEntry, Error> {
    Ok(AuditEntry {
        seq: count(r.try_get("seq")?),
        at: ts(r.try_get("at")?)?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        object: r.try_get("object")?,
        details: r.try_get("details")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

impl SqlStore {
    /// [`Store::refresh_findings`], or with `only` [`Store::refresh_findings_of`].
    async fn refresh(
        &self,
        actor: &Actor,
        asset: AssetId,
        observations: &[Observation],
        only: Option<&[String]>,
    ) -> Result<FindingsUpdate, Error> {
        let mut w = self.write(actor).await?;
        let org = w.asset_org(asset).await?;
        let notes = reconcile::Notes {
            reopened: "matched again on re-evaluation".to_owned(),
            resolved: "no longer matched on re-evaluation".to_owned(),
        };
        let (update, entered) =
            reconcile::reconcile_only(&mut w, org, asset.0, observations, &notes, only).await?;
        outbox::findings_new(&mut w, &entered).await?;
        incidents::exposed(&mut w, &entered).await?;
        w.audit(
            "findings.refresh",
            &format!("asset:{asset}"),
            json!({"findings_opened": update.opened,
                   "findings_reopened": update.reopened,
                   "findings_refreshed": update.refreshed,
                   "findings_resolved": update.resolved}),
        )
        .await?;
        w.commit().await?;
        Ok(update)
    }

    /// Organisations with their sectors; `filter` is a WHERE clause on `o`
    /// binding `$1` to `id` when given.
    async fn load_organizations(&self, id: Option<OrgId>) -> Result<Vec<Organization>, Error> {
        let id = id.map(|i| i.0);
        let rows = sqlx::query(
            "SELECT id, name, kind, created_at FROM organizations \
             WHERE $1 IS NULL OR id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let sector_rows = sqlx::query(
            "SELECT org_id, sector FROM organization_sectors \
             WHERE $1 IS NULL OR org_id = $1 ORDER BY org_id, sector",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut sectors: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for r in &sector_rows {
            sectors
                .entry(r.try_get("org_id")?)
                .or_default()
                .push(r.try_get("sector")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(Organization {
                    id: OrgId(id),
                    name: r.try_get("name")?,
                    kind: r.try_get::<&str, _>("kind")?.parse()?,
                    sectors: sectors.remove(&id).unwrap_or_default(),
                    created_at: ts(r.try_get("created_at")?)?,
                })
            })
            .collect()
    }
}

impl Store for SqlStore {
    fn backend(&self) -> Backend {
        BACKEND
    }

    fn close(&self) -> Fut<'_, ()> {
        Box::pin(async move {
            self.pool.close().await;
            Ok(())
        })
    }

    fn sectors(&self) -> Fut<'_, Vec<Sector>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT code, name_ja, name_en FROM sectors ORDER BY position")
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(Sector {
                        code: r.try_get("code")?,
                        name_ja: r.try_get("name_ja")?,
                        name_en: r.try_get("name_en")?,
                    })
                })
                .collect()
        })
    }

    fn create_organization<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a NewOrganization,
    ) -> Fut<'a, OrgId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id = w.create_organization(new).await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn organization(&self, id: OrgId) -> Fut<'_, Option<Organization>> {
        Box::pin(async move { Ok(self.load_organizations(Some(id)).await?.pop()) })
    }

    fn organizations(&self) -> Fut<'_, Vec<Organization>> {
        Box::pin(self.load_organizations(None))
    }

    fn supervised_organizations(&self, ministry: OrgId) -> Fut<'_, Vec<OrgId>> {
        Box::pin(async move {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT o.id FROM organizations o \
                 JOIN organization_sectors os ON os.org_id = o.id \
                 JOIN organization_sectors ms ON ms.sector = os.sector \
                 JOIN organizations m ON m.id = ms.org_id \
                 WHERE m.id = $1 AND m.kind = 'ministry' \
                   AND o.kind IN ('operator', 'government') \
                 ORDER BY o.id",
            )
            .bind(ministry.0)
            .fetch_all(&self.pool)
            .await?;
            Ok(ids.into_iter().map(OrgId).collect())
        })
    }

    fn organizations_in_sectors<'a>(&'a self, sectors: &'a [String]) -> Fut<'a, Vec<OrgId>> {
        Box::pin(async move {
            if sectors.is_empty() {
                return Ok(Vec::new());
            }
            let placeholders: Vec<String> = (1..=sectors.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT DISTINCT org_id FROM organization_sectors WHERE sector IN ({}) \
                 ORDER BY org_id",
                placeholders.join(", ")
            );
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql));
            for s in sectors {
                q = q.bind(s.as_str());
            }
            let ids: Vec<i64> = q.fetch_all(&self.pool).await?;
            Ok(ids.into_iter().map(OrgId).collect())
        })
    }

    fn nco_admin_exists(&self) -> Fut<'_, bool> {
        Box::pin(async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM memberships m \
                         JOIN organizations o ON o.id = m.org_id \
                         WHERE o.kind = 'nco' AND m.role = 'admin') \
                      + (SELECT COUNT(*) FROM api_tokens t \
                         JOIN organizations o ON o.id = t.org_id \
                         WHERE o.kind = 'nco' AND t.role = 'admin' \
                           AND t.revoked_at IS NULL \
                           AND (t.expires_at IS NULL OR t.expires_at > $1))",
            )
            .bind(now())
            .fetch_one(&self.pool)
            .await?;
            Ok(n > 0)
        })
    }

    fn nco_organization<'a>(&'a self, actor: &'a Actor) -> Fut<'a, OrgId> {
        Box::pin(async move {
            // Usually there is one: no need to queue for the write lock.
            let found: Option<i64> = sqlx::query_scalar(FIRST_NCO)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(id) = found {
                return Ok(OrgId(id));
            }
            // Again under the lock: a concurrent caller may have made it.
            let mut w = self.write(actor).await?;
            let id = w.nco_organization().await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn create_bootstrap_link<'a>(
        &'a self,
        actor: &'a Actor,
        hash: &'a [u8; 32],
        expires_at: Timestamp,
    ) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO bootstrap_links (token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&hash[..])
            .bind(w.at)
            .bind(expires_at.as_microsecond())
            .fetch_one(&mut *w.tx)
            .await?;
            w.audit(
                "bootstrap_link.create",
                &format!("bootstrap_link:{id}"),
                json!({"expires_at": expires_at.to_string()}),
            )
            .await?;
            w.commit().await
        })
    }

    fn bootstrap_admin<'a>(
        &'a self,
        actor: &'a Actor,
        link: &'a [u8; 32],
        now: Timestamp,
        user: &'a NewUser,
    ) -> Fut<'a, Option<(OrgId, UserId)>> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let used: Option<i64> = sqlx::query_scalar(
                "UPDATE bootstrap_links SET used_at = $1 \
                 WHERE token_hash = $2 AND used_at IS NULL AND $3 < expires_at RETURNING id",
            )
            .bind(w.at)
            .bind(&link[..])
            .bind(now.as_microsecond())
            .fetch_optional(&mut *w.tx)
            .await?;
            // No usable link: dropping the write rolls it back.
            let Some(link) = used else { return Ok(None) };
            // One first admin: every other link (another replica's, an
            // earlier start's) is spent with this one.
            sqlx::query("UPDATE bootstrap_links SET used_at = $1 WHERE used_at IS NULL")
                .bind(w.at)
                .execute(&mut *w.tx)
                .await?;
            w.audit(
                "bootstrap_link.use",
                &format!("bootstrap_link:{link}"),
                json!({"now": now.to_string()}),
            )
            .await?;
            let org = w.nco_organization().await?;
            let user = w.create_user(user).await?;
            w.set_membership(&Membership {
                user,
                org,
                role: Role::Admin,
            })
            .await?;
            w.commit().await?;
            Ok(Some((org, user)))
        })
    }

    fn create_user<'a>(&'a self, actor: &'a Actor, new: &'a NewUser) -> Fut<'a, UserId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id = w.create_user(new).await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn user(&self, id: UserId) -> Fut<'_, Option<User>> {
        Box::pin(async move {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(user_from).transpose()
        })
    }

    fn user_by_email<'a>(&'a self, email: &'a str) -> Fut<'a, Option<User>> {
        Box::pin(async move {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(user_from).transpose()
        })
    }

    fn set_membership<'a>(&'a self, actor: &'a Actor, m: &'a Membership) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            w.set_membership(m).await?;
            w.commit().await
        })
    }

    fn memberships(&self, user: UserId) -> Fut<'_, Vec<Membership>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT user_id, org_id, role FROM memberships WHERE user_id = $1 ORDER BY org_id",
            )
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Membership {
                        user: UserId(r.try_get("user_id")?),
                        org: OrgId(r.try_get("org_id")?),
                        role: r.try_get::<&str, _>("role")?.parse()?,
                    })
                })
                .collect()
        })
    }

    fn create_token<'a>(&'a self, actor: &'a Actor, new: &'a NewToken) -> Fut<'a, TokenId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens \
                 (token_hash, name, org_id, user_id, role, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&new.hash[..])
            .bind(&new.name)
            .bind(new.org.0)
            .bind(new.user.map(|u| u.0))
            .bind(new.role.as_str())
            .bind(w.at)
            .bind(new.expires_at.map(|t| t.as_microsecond()))
            .fetch_one(&mut *w.tx)
            .await?;
            w.audit(
                "token.create",
                &format!("token:{id}"),
                json!({"name": new.name, "organization": new.org.0,
                       "user": new.user.map(|u| u.0), "role": new.role.as_str(),
                       "expires_at": new.expires_at.map(|t| t.to_string())}),
            )
            .await?;
            w.commit().await?;
            Ok(TokenId(id))
        })
    }

    fn tokens(&self, org: OrgId) -> Fut<'_, Vec<ApiToken>> {
        Box::pin(async move {
            let sql =
                format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE org_id = $1 ORDER BY id");
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(token_from).collect()
        })
    }

    fn token_by_hash<'a>(&'a self, hash: &'a [u8; 32]) -> Fut<'a, Option<ApiToken>> {
        Box::pin(async move {
            let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(&hash[..])
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(token_from).transpose()
        })
    }

    fn revoke_token<'a>(&'a self, actor: &'a Actor, id: TokenId) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let found = sqlx::query(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
            )
            .bind(w.at)
            .bind(id.0)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
            if found == 0 {
                return Err(Error::NotFound("token"));
            }
            w.audit("token.revoke", &format!("token:{id}"), json!({}))
                .await?;
            w.commit().await
        })
    }

    fn create_session<'a>(&'a self, actor: &'a Actor, new: &'a NewSession) -> Fut<'a, SessionId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sessions \
                 (token_hash, user_id, org_id, csrf_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&new.hash[..])
            .bind(new.user.0)
            .bind(new.org.0)
            .bind(&new.csrf_hash[..])
            .bind(w.at)
            .bind(new.expires_at.as_microsecond())
            .fetch_one(&mut *w.tx)
            .await?;
            // Never the hashes in the log.
            w.audit(
                "session.create",
                &format!("session:{id}"),
                json!({"user": new.user.0, "organization": new.org.0,
                       "expires_at": new.expires_at.to_string()}),
            )
            .await?;
            w.commit().await?;
            Ok(SessionId(id))
        })
    }

    fn session_by_hash<'a>(&'a self, hash: &'a [u8; 32]) -> Fut<'a, Option<Session>> {
        Box::pin(async move {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(&hash[..])
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(session_from).transpose()
        })
    }

    fn delete_session<'a>(&'a self, actor: &'a Actor, id: SessionId) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let user: i64 =
                sqlx::query_scalar("DELETE FROM sessions WHERE id = $1 RETURNING user_id")
                    .bind(id.0)
                    .fetch_optional(&mut *w.tx)
                    .await?
                    .ok_or(Error::NotFound("session"))?;
            w.audit(
                "session.delete",
                &format!("session:{id}"),
                json!({"user": user}),
            )
            .await?;
            w.commit().await
        })
    }

    fn create_asset<'a>(&'a self, actor: &'a Actor, new: &'a NewAsset) -> Fut<'a, AssetId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id = w.create_asset(new).await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn create_assets<'a>(
        &'a self,
        actor: &'a Actor,
        items: &'a [NewAssetWithInventory],
    ) -> Fut<'a, Vec<AssetId>> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let mut ids = Vec::with_capacity(items.len());
            for item in items {
                let id = w.create_asset(&item.asset).await?;
                let inventory = NewInventory {
                    asset: id,
                    ..item.inventory.clone()
                };
                w.replace_inventory(&inventory, &item.observations).await?;
                ids.push(id);
            }
            w.commit().await?;
            Ok(ids)
        })
    }

    fn asset(&self, id: AssetId) -> Fut<'_, Option<Asset>> {
        Box::pin(async move {
            let sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(asset_from).transpose()
        })
    }

    fn assets(&self, org: OrgId) -> Fut<'_, Vec<Asset>> {
        Box::pin(async move {
            let sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE org_id = $1 ORDER BY id");
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(org.0)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(asset_from).collect()
        })
    }

    fn replace_inventory<'a>(
        &'a self,
        actor: &'a Actor,
        inv: &'a NewInventory,
        observations: &'a [Observation],
    ) -> Fut<'a, (InventoryId, FindingsUpdate)> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let result = w.replace_inventory(inv, observations).await?;
            w.commit().await?;
            Ok(result)
        })
    }

    fn current_inventory(&self, asset: AssetId) -> Fut<'_, Option<InventoryDocument>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {INVENTORY_COLUMNS}, encoding, body FROM inventories \
                 WHERE asset_id = $1 AND is_current"
            );
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(asset.0)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| {
                Ok(InventoryDocument {
                    meta: inventory_from(&r)?,
                    encoding: r.try_get("encoding")?,
                    body: r.try_get("body")?,
                })
            })
            .transpose()
        })
    }

    fn inventory_history(&self, asset: AssetId) -> Fut<'_, Vec<InventoryMeta>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {INVENTORY_COLUMNS} FROM inventories WHERE asset_id = $1 ORDER BY id"
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(asset.0)
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(inventory_from).collect()
        })
    }

    fn assets_with_inventory(&self) -> Fut<'_, Vec<AssetId>> {
        Box::pin(async move {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT asset_id FROM inventories WHERE is_current ORDER BY asset_id",
            )
            .fetch_all(&self.pool)
            .await?;
            Ok(ids.into_iter().map(AssetId).collect())
        })
    }

    fn refresh_findings<'a>(
        &'a self,
        actor: &'a Actor,
        asset: AssetId,
        observations: &'a [Observation],
    ) -> Fut<'a, FindingsUpdate> {
        Box::pin(self.refresh(actor, asset, observations, None))
    }

    fn refresh_findings_of<'a>(
        &'a self,
        actor: &'a Actor,
        asset: AssetId,
        observations: &'a [Observation],
        vulns: &'a [String],
    ) -> Fut<'a, FindingsUpdate> {
        Box::pin(self.refresh(actor, asset, observations, Some(vulns)))
    }

    fn findings<'a>(&'a self, filter: &'a FindingFilter) -> Fut<'a, Vec<Finding>> {
        Box::pin(async move {
            // Only the conditions asked for, so the planner can use the
            // asset and state indexes (`$2 IS NULL OR …` defeats them:
            // measured, a 50-finding asset listing scanned the organisation's
            // 150,000 findings on SQLite).
            let mut conditions = String::from("org_id = $1");
            let mut n = 1;
            if filter.asset.is_some() {
                n += 1;
                conditions.push_str(&format!(" AND asset_id = ${n}"));
            }
            if filter.state.is_some() {
                n += 1;
                conditions.push_str(&format!(" AND state = ${n}"));
            }
            let sql = format!(
                "SELECT {FINDING_COLUMNS} FROM findings WHERE {conditions} \
                 ORDER BY deadline IS NULL, deadline, id"
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(filter.org.0);
            if let Some(asset) = filter.asset {
                query = query.bind(asset.0);
            }
            if let Some(state) = filter.state {
                query = query.bind(state.as_str());
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.iter().map(finding_from).collect()
        })
    }

    fn finding(&self, id: FindingId) -> Fut<'_, Option<Finding>> {
        Box::pin(async move {
            let sql = format!("SELECT {FINDING_COLUMNS} FROM findings WHERE id = $1");
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(finding_from).transpose()
        })
    }

    fn findings_of_vulnerabilities<'a>(&'a self, ids: &'a [String]) -> Fut<'a, Vec<Finding>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for chunk in ids.chunks(500) {
                let list = (1..=chunk.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT {FINDING_COLUMNS} FROM findings WHERE vuln_id IN ({list}) \
                     ORDER BY org_id, asset_id, id"
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                for r in q.fetch_all(&self.pool).await? {
                    out.push(finding_from(&r)?);
                }
            }
            Ok(out)
        })
    }

    fn exposure_counts<'a>(&'a self, ids: &'a [String]) -> Fut<'a, Vec<ExposureCount>> {
        Box::pin(async move {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            if ids.len() > MAX_EXPOSURE_IDS {
                return Err(Error::Invalid(format!(
                    "exposure: {} vulnerability ids, at most {MAX_EXPOSURE_IDS}",
                    ids.len()
                )));
            }
            // Distinct assets per organisation as the rows of an inner
            // grouping: both databases stream it from the index.
            let sql = format!(
                "SELECT org_id, COUNT(*) AS assets, CAST(SUM(n) AS BIGINT) AS findings FROM \
                 (SELECT org_id, asset_id, COUNT(*) AS n FROM findings \
                  WHERE vuln_id IN ({}) AND {EXPOSED} GROUP BY org_id, asset_id) AS exposed \
                 GROUP BY org_id ORDER BY org_id",
                params(1, ids.len())
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(ExposureCount {
                        org: OrgId(r.try_get("org_id")?),
                        assets: count(r.try_get("assets")?),
                        findings: count(r.try_get("findings")?),
                    })
                })
                .collect()
        })
    }

    fn exposed_findings<'a>(
        &'a self,
        ids: &'a [String],
        orgs: &'a [OrgId],
        limit: u32,
    ) -> Fut<'a, Vec<ExposedFinding>> {
        Box::pin(async move {
            if ids.is_empty() || orgs.is_empty() || limit == 0 {
                return Ok(Vec::new());
            }
            if ids.len() > MAX_EXPOSURE_IDS || orgs.len() > MAX_EXPOSURE_IDS {
                return Err(Error::Invalid(format!(
                    "exposure: {} vulnerability ids and {} organisations, at most \
                     {MAX_EXPOSURE_IDS} of each",
                    ids.len(),
                    orgs.len()
                )));
            }
            // The findings first (from the partial index, at most `limit`),
            // then their assets: the inner query's WHERE must name the
            // index's terms as written for SQLite to use it.
            let sql = format!(
                "SELECT e.id, e.org_id, e.asset_id, a.name AS asset_name, a.internet_exposed, \
                 e.subject, e.state, e.decision, e.deadline FROM \
                 (SELECT id, org_id, asset_id, subject, state, decision, deadline FROM findings \
                  WHERE vuln_id IN ({}) AND org_id IN ({}) AND {EXPOSED} \
                  ORDER BY org_id, asset_id, id LIMIT {PARAM}{}) AS e \
                 JOIN assets a ON a.id = e.asset_id \
                 ORDER BY e.org_id, e.asset_id, e.id",
                params(1, ids.len()),
                params(ids.len() + 1, orgs.len()),
                ids.len() + orgs.len() + 1
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(id.as_str());
            }
            for o in orgs {
                q = q.bind(o.0);
            }
            q.bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(ExposedFinding {
                        id: FindingId(r.try_get("id")?),
                        org: OrgId(r.try_get("org_id")?),
                        asset: AssetId(r.try_get("asset_id")?),
                        asset_name: r.try_get("asset_name")?,
                        internet_exposed: r.try_get("internet_exposed")?,
                        subject: r.try_get("subject")?,
                        state: r.try_get::<&str, _>("state")?.parse()?,
                        decision: r.try_get("decision")?,
                        deadline: ts_opt(r.try_get("deadline")?)?,
                    })
                })
                .collect()
        })
    }

    fn finding_summaries<'a>(
        &'a self,
        orgs: &'a [OrgId],
        now: Timestamp,
        weeks: u32,
    ) -> Fut<'a, Vec<OrgSummary>> {
        Box::pin(async move {
            const WEEK: i64 = 7 * 24 * 3600 * 1_000_000;
            let now_us = now.as_microsecond();
            let since = now_us - i64::from(weeks) * WEEK;
            let mut by_org: std::collections::BTreeMap<i64, OrgSummary> = orgs
                .iter()
                .map(|o| {
                    (
                        o.0,
                        OrgSummary {
                            org: Some(*o),
                            ..OrgSummary::default()
                        },
                    )
                })
                .collect();
            let open = "state IN ('open', 'in_triage')";
            for chunk in orgs.chunks(500) {
                // $1.. the organisations, then the fixed parameters.
                let n = chunk.len();
                let list = (1..=n)
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (a, b) = (n + 1, n + 2);
                let bind = |sql: String| {
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for o in chunk {
                        q = q.bind(o.0);
                    }
                    q
                };
                let rows = bind(format!(
                    "SELECT org_id, state, COUNT(*) AS n FROM findings \
                     WHERE org_id IN ({list}) GROUP BY org_id, state"
                ))
                .fetch_all(&self.pool)
                .await?;
                for r in rows {
                    let e = by_org.entry(r.try_get("org_id")?).or_default();
                    e.by_state
                        .insert(r.try_get("state")?, count(r.try_get("n")?));
                }
                let rows = bind(format!(
                    "SELECT org_id, decision, COUNT(*) AS n FROM findings \
                     WHERE org_id IN ({list}) AND {open} GROUP BY org_id, decision"
                ))
                .fetch_all(&self.pool)
                .await?;
                for r in rows {
                    let e = by_org.entry(r.try_get("org_id")?).or_default();
                    let d: Option<String> = r.try_get("decision")?;
                    e.open_by_decision
                        .insert(d.unwrap_or_else(|| "none".into()), count(r.try_get("n")?));
                }
                let rows = bind(format!(
                    "SELECT org_id, \
                     CAST(SUM(CASE WHEN deadline < ${a} THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
                     CAST(SUM(CASE WHEN deadline >= ${a} AND deadline < ${b} THEN 1 ELSE 0 END) AS BIGINT) AS soon, \
                     CAST(SUM(CASE WHEN kev THEN 1 ELSE 0 END) AS BIGINT) AS kev, \
                     CAST(SUM(CASE WHEN kev AND deadline < ${a} THEN 1 ELSE 0 END) AS BIGINT) AS overdue_kev \
                     FROM findings WHERE org_id IN ({list}) AND {open} GROUP BY org_id"
                ))
                .bind(now_us)
                .bind(now_us + WEEK)
                .fetch_all(&self.pool)
                .await?;
                for r in rows {
                    let e = by_org.entry(r.try_get("org_id")?).or_default();
                    e.overdue = count(r.try_get("overdue")?);
                    e.due_within_7_days = count(r.try_get("soon")?);
                    e.kev_open = count(r.try_get("kev")?);
                    e.overdue_kev = count(r.try_get("overdue_kev")?);
                }
                let rows = bind(format!(
                    "SELECT org_id, COUNT(*) AS n, \
                     CAST(SUM((state_changed_at - first_seen) / 1000000) AS BIGINT) AS total \
                     FROM findings WHERE org_id IN ({list}) AND state = 'fixed' GROUP BY org_id"
                ))
                .fetch_all(&self.pool)
                .await?;
                for r in rows {
                    let e = by_org.entry(r.try_get("org_id")?).or_default();
                    e.fixed = count(r.try_get("n")?);
                    e.remediation_seconds = r.try_get::<Option<i64>, _>("total")?.unwrap_or(0);
                }
                for (column, fixed) in [("first_seen", false), ("state_changed_at", true)] {
                    let extra = if fixed { " AND state = 'fixed'" } else { "" };
                    let rows = bind(format!(
                        "SELECT org_id, {column} / ${a} AS week, COUNT(*) AS n FROM findings \
                         WHERE org_id IN ({list}) AND {column} >= ${b}{extra} \
                         GROUP BY org_id, {column} / ${a}"
                    ))
                    .bind(WEEK)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                    for r in rows {
                        let e = by_org.entry(r.try_get("org_id")?).or_default();
                        let w = e.weeks.entry(r.try_get("week")?).or_default();
                        if fixed {
                            w.1 = count(r.try_get("n")?);
                        } else {
                            w.0 = count(r.try_get("n")?);
                        }
                    }
                }
                // The backlog at each week's end: one pass, two sums per week.
                let ends: Vec<(i64, i64)> = (since / WEEK..=now_us / WEEK)
                    .map(|w| (w, ((w + 1) * WEEK).min(now_us)))
                    .collect();
                let mut sums = String::new();
                for (k, _) in ends.iter().enumerate() {
                    let t = n + 1 + k;
                    let alive = format!(
                        "first_seen <= ${t} AND (state IN ('open', 'in_triage') \
                         OR state_changed_at > ${t}) AND state <> 'false_positive'"
                    );
                    sums.push_str(&format!(
                        ", CAST(SUM(CASE WHEN {alive} THEN 1 ELSE 0 END) AS BIGINT) AS o{k}, \
                         CAST(SUM(CASE WHEN {alive} AND deadline < ${t} THEN 1 ELSE 0 END) \
                         AS BIGINT) AS d{k}"
                    ));
                }
                let mut q = bind(format!(
                    "SELECT org_id{sums} FROM findings WHERE org_id IN ({list}) \
                     AND (state IN ('open', 'in_triage') OR state_changed_at > ${first}) \
                     GROUP BY org_id",
                    first = n + 1
                ));
                for (_, t) in &ends {
                    q = q.bind(*t);
                }
                for r in q.fetch_all(&self.pool).await? {
                    let e = by_org.entry(r.try_get("org_id")?).or_default();
                    for (k, (w, _)) in ends.iter().enumerate() {
                        let open: Option<i64> = r.try_get(format!("o{k}").as_str())?;
                        let overdue: Option<i64> = r.try_get(format!("d{k}").as_str())?;
                        e.backlog
                            .insert(*w, (count(open.unwrap_or(0)), count(overdue.unwrap_or(0))));
                    }
                }
            }
            Ok(by_org.into_values().collect())
        })
    }

    fn transition_finding<'a>(
        &'a self,
        actor: &'a Actor,
        id: FindingId,
        t: &'a Transition,
    ) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            w.transition_finding(id, t).await?;
            w.commit().await
        })
    }

    fn transition_findings<'a>(
        &'a self,
        actor: &'a Actor,
        moves: &'a [(FindingId, Transition)],
    ) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            for (id, t) in moves {
                w.transition_finding(*id, t).await?;
            }
            w.commit().await
        })
    }

    fn finding_history(&self, id: FindingId) -> Fut<'_, Vec<FindingTransition>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT at, actor, from_state, to_state, justification, note \
                 FROM finding_transitions WHERE finding_id = $1 ORDER BY id",
            )
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(FindingTransition {
                        at: ts(r.try_get("at")?)?,
                        actor: r.try_get("actor")?,
                        from: r.try_get::<&str, _>("from_state")?.parse()?,
                        to: r.try_get::<&str, _>("to_state")?.parse()?,
                        justification: r.try_get("justification")?,
                        note: r.try_get("note")?,
                    })
                })
                .collect()
        })
    }

    fn reopen_expired_risks(&self, now: Timestamp) -> Fut<'_, u64> {
        Box::pin(async move {
            let mut w = self.write(&Actor::System).await?;
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM findings WHERE state = 'risk_accepted' \
                 AND risk_accepted_until <= $1 ORDER BY id",
            )
            .bind(now.as_microsecond())
            .fetch_all(&mut *w.tx)
            .await?;
            if ids.is_empty() {
                return Ok(0);
            }
            for &id in &ids {
                sqlx::query(
                    "UPDATE findings SET state = 'open', state_changed_at = $1, \
                     risk_accepted_until = NULL WHERE id = $2",
                )
                .bind(w.at)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
                w.transition(
                    id,
                    FindingState::RiskAccepted,
                    FindingState::Open,
                    None,
                    "risk acceptance expired",
                )
                .await?;
            }
            outbox::findings_new(&mut w, &ids).await?;
            incidents::exposed(&mut w, &ids).await?;
            w.audit(
                "finding.risk_expired",
                "findings",
                json!({"findings": ids, "now": now.to_string()}),
            )
            .await?;
            w.commit().await?;
            Ok(ids.len() as u64)
        })
    }

    fn put_feed_snapshot<'a>(&'a self, actor: &'a Actor, new: &'a NewFeedSnapshot) -> Fut<'a, i64> {
        Box::pin(async move {
            // Hashed before the write begins: no lock held meanwhile.
            let digest = crate::audit::hex(&Sha256::digest(&new.body));
            if !digest.eq_ignore_ascii_case(&new.digest) {
                return Err(Error::Invalid(format!(
                    "feed snapshot digest {:?} is not the SHA-256 of the body ({digest})",
                    new.digest
                )));
            }
            let size = i64::try_from(new.body.len())
                .map_err(|_| Error::Invalid("feed snapshot too large".to_owned()))?;
            let mut w = self.write(actor).await?;
            // Built on the latest snapshot, or another import came first
            // and this one would undo it.
            let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM feed_snapshots")
                .fetch_one(&mut *w.tx)
                .await?;
            if latest != new.base {
                return Err(Error::Conflict(format!(
                    "feed snapshot built on {} but the latest is {}: import again",
                    new.base.map_or("none".into(), |b| b.to_string()),
                    latest.map_or("none".into(), |b| b.to_string())
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO feed_snapshots (imported_at, imported_by, digest, summary, size, body) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(w.at)
            .bind(&w.actor)
            .bind(&digest)
            .bind(&new.summary)
            .bind(size)
            .bind(&new.body[..])
            .fetch_one(&mut *w.tx)
            .await?;
            w.audit(
                "feed_snapshot.put",
                &format!("feed_snapshot:{id}"),
                json!({"digest": digest, "size": size}),
            )
            .await?;
            if let Some(job) = &new.job {
                w.enqueue_job(job).await?;
            }
            w.notify(&format!("feed:{digest}")).await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn changes(&self) -> Fut<'_, Option<tokio::sync::mpsc::Receiver<String>>> {
        Box::pin(super::listen(&self.pool))
    }

    fn latest_feed_snapshot(&self) -> Fut<'_, Option<(FeedSnapshotMeta, Vec<u8>)>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT id, imported_at, imported_by, digest, summary, size, body \
                 FROM feed_snapshots ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(&self.pool)
            .await?;
            row.map(|r| {
                let meta = FeedSnapshotMeta {
                    id: r.try_get("id")?,
                    imported_at: ts(r.try_get("imported_at")?)?,
                    imported_by: r.try_get("imported_by")?,
                    digest: r.try_get("digest")?,
                    summary: r.try_get("summary")?,
                    size: count(r.try_get("size")?),
                };
                Ok((meta, r.try_get("body")?))
            })
            .transpose()
        })
    }

    fn enqueue_job<'a>(&'a self, actor: &'a Actor, job: &'a NewJob) -> Fut<'a, JobId> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let id = w.enqueue_job(job).await?;
            w.commit().await?;
            Ok(id)
        })
    }

    fn claim_job<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<Job>> {
        Box::pin(async move {
            let until = now
                .checked_add(lease)
                .map_err(|e| Error::Invalid(format!("lease: {e}")))?;
            let sql = format!(
                "UPDATE jobs SET lease_until = $1, lease_owner = $2, attempts = attempts + 1 \
                 WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= $3 \
                             AND (lease_until IS NULL OR lease_until <= $3) \
                             ORDER BY run_at, id LIMIT 1 {SKIP_LOCKED}) \
                 RETURNING id, kind, payload, attempts, lease_until"
            );
            let row = sqlx::query(AssertSqlSafe(sql))
                .bind(until.as_microsecond())
                .bind(worker)
                .bind(now.as_microsecond())
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| {
                Ok(Job {
                    id: JobId(r.try_get("id")?),
                    kind: r.try_get("kind")?,
                    payload: r.try_get("payload")?,
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
                    lease_until: ts(r.try_get("lease_until")?)?,
                })
            })
            .transpose()
        })
    }

    fn renew_job<'a>(&'a self, id: JobId, worker: &'a str, until: Timestamp) -> Fut<'a, ()> {
        Box::pin(async move {
            let renewed = sqlx::query(
                "UPDATE jobs SET lease_until = $1 \
                 WHERE id = $2 AND lease_owner = $3 AND done_at IS NULL",
            )
            .bind(until.as_microsecond())
            .bind(id.0)
            .bind(worker)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if renewed == 0 {
                return Err(Error::Conflict(format!(
                    "job {id} is not leased to {worker}"
                )));
            }
            Ok(())
        })
    }

    fn finish_job<'a>(&'a self, id: JobId, worker: &'a str) -> Fut<'a, ()> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE jobs SET done_at = $1, lease_until = NULL \
                 WHERE id = $2 AND lease_owner = $3 AND done_at IS NULL",
            )
            .bind(now())
            .bind(id.0)
            .bind(worker)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(Error::Conflict(format!(
                    "job {id} is not leased to {worker}"
                )));
            }
            Ok(())
        })
    }

    fn schedule_jobs<'a>(
        &'a self,
        periodic: &'a [crate::Periodic],
        now: Timestamp,
    ) -> Fut<'a, Vec<JobId>> {
        Box::pin(schedule::schedule(self, periodic, now))
    }

    fn schedules(&self) -> Fut<'_, Vec<(String, Timestamp)>> {
        Box::pin(schedule::schedules(self))
    }

    fn sync_feed_now<'a>(&'a self, actor: &'a Actor, name: &'a str) -> Fut<'a, JobId> {
        Box::pin(schedule::sync_now(self, actor, name))
    }

    fn feed_sources(&self) -> Fut<'_, Vec<crate::FeedSourceState>> {
        Box::pin(schedule::sources(self))
    }

    fn feed_source<'a>(&'a self, name: &'a str) -> Fut<'a, Option<crate::FeedSourceState>> {
        Box::pin(schedule::source(self, name))
    }

    fn record_feed_sync<'a>(&'a self, result: &'a crate::FeedSyncResult) -> Fut<'a, ()> {
        Box::pin(schedule::record(self, result))
    }

    fn create_webhook<'a>(&'a self, actor: &'a Actor, new: &'a NewWebhook) -> Fut<'a, WebhookId> {
        Box::pin(outbox::create_webhook(self, actor, new))
    }

    fn webhooks(&self, org: OrgId) -> Fut<'_, Vec<Webhook>> {
        Box::pin(outbox::webhooks(self, org))
    }

    fn delete_webhook<'a>(&'a self, actor: &'a Actor, id: WebhookId) -> Fut<'a, ()> {
        Box::pin(outbox::delete_webhook(self, actor, id))
    }

    fn webhook_deliveries(&self, webhook: WebhookId, limit: u32) -> Fut<'_, Vec<Delivery>> {
        Box::pin(outbox::webhook_deliveries(self, webhook, limit))
    }

    fn scan_deadlines(&self, now: Timestamp, window: SignedDuration) -> Fut<'_, DeadlineEvents> {
        Box::pin(outbox::scan_deadlines(self, now, window))
    }

    fn undispatched_events(&self, limit: u32) -> Fut<'_, Vec<Event>> {
        Box::pin(outbox::undispatched_events(self, limit))
    }

    fn dispatch_events<'a>(&'a self, fan_out: &'a [FanOut], at: Timestamp) -> Fut<'a, u64> {
        Box::pin(outbox::dispatch_events(self, fan_out, at))
    }

    fn claim_delivery<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<DeliveryTask>> {
        Box::pin(outbox::claim_delivery(self, worker, now, lease))
    }

    fn finish_delivery<'a>(
        &'a self,
        id: DeliveryId,
        worker: &'a str,
        attempt: &'a Attempt,
    ) -> Fut<'a, ()> {
        Box::pin(outbox::finish_delivery(self, id, worker, attempt))
    }

    fn create_mail_subscription<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a NewMailSubscription,
    ) -> Fut<'a, MailSubscriptionId> {
        Box::pin(outbox::create_mail_subscription(self, actor, new))
    }

    fn mail_subscriptions(&self, org: OrgId) -> Fut<'_, Vec<MailSubscription>> {
        Box::pin(outbox::mail_subscriptions(self, org))
    }

    fn delete_mail_subscription<'a>(
        &'a self,
        actor: &'a Actor,
        id: MailSubscriptionId,
    ) -> Fut<'a, ()> {
        Box::pin(outbox::delete_mail_subscription(self, actor, id))
    }

    fn mail_deliveries(
        &self,
        subscription: MailSubscriptionId,
        limit: u32,
    ) -> Fut<'_, Vec<MailDelivery>> {
        Box::pin(outbox::mail_deliveries(self, subscription, limit))
    }

    fn claim_mail_delivery<'a>(
        &'a self,
        worker: &'a str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Fut<'a, Option<MailTask>> {
        Box::pin(outbox::claim_mail_delivery(self, worker, now, lease))
    }

    fn finish_mail_delivery<'a>(
        &'a self,
        id: MailDeliveryId,
        worker: &'a str,
        attempt: &'a Attempt,
    ) -> Fut<'a, ()> {
        Box::pin(outbox::finish_mail_delivery(self, id, worker, attempt))
    }

    fn set_user_preferences<'a>(
        &'a self,
        actor: &'a Actor,
        user: UserId,
        language: Option<&'a str>,
        time_zone: Option<&'a str>,
    ) -> Fut<'a, ()> {
        Box::pin(async move {
            let mut w = self.write(actor).await?;
            let n = sqlx::query("UPDATE users SET language = $1, time_zone = $2 WHERE id = $3")
                .bind(language)
                .bind(time_zone)
                .bind(user.0)
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::NotFound("user"));
            }
            w.audit(
                "user.preferences",
                &format!("user:{user}"),
                json!({"language": language, "time_zone": time_zone}),
            )
            .await?;
            w.commit().await
        })
    }

    fn create_incident<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a crate::NewIncident,
    ) -> Fut<'a, crate::IncidentId> {
        Box::pin(incidents::create_incident(self, actor, new))
    }

    fn incident(&self, id: crate::IncidentId) -> Fut<'_, Option<crate::Incident>> {
        Box::pin(incidents::incident(self, id))
    }

    fn incidents<'a>(
        &'a self,
        orgs: Option<&'a [OrgId]>,
        limit: u32,
    ) -> Fut<'a, Vec<crate::IncidentHead>> {
        Box::pin(incidents::incidents(self, orgs, limit))
    }

    fn incident_heads<'a>(
        &'a self,
        ids: &'a [crate::IncidentId],
    ) -> Fut<'a, Vec<crate::IncidentHead>> {
        Box::pin(incidents::incident_heads(self, ids))
    }

    fn incident_stix(&self, id: crate::IncidentId) -> Fut<'_, Option<String>> {
        Box::pin(incidents::incident_stix(self, id))
    }

    fn update_incident<'a>(
        &'a self,
        actor: &'a Actor,
        id: crate::IncidentId,
        update: &'a crate::IncidentUpdate,
    ) -> Fut<'a, ()> {
        Box::pin(incidents::update_incident(self, actor, id, update))
    }

    fn annotate_incident<'a>(
        &'a self,
        actor: &'a Actor,
        id: crate::IncidentId,
        org: OrgId,
        to_reporter: bool,
        body: &'a str,
    ) -> Fut<'a, ()> {
        Box::pin(incidents::annotate_incident(
            self,
            actor,
            id,
            org,
            to_reporter,
            body,
        ))
    }

    fn incident_timeline(&self, id: crate::IncidentId) -> Fut<'_, Vec<crate::TimelineEntry>> {
        Box::pin(incidents::incident_timeline(self, id))
    }

    fn add_attachment<'a>(
        &'a self,
        actor: &'a Actor,
        id: crate::IncidentId,
        org: OrgId,
        attachment: &'a crate::NewAttachment,
    ) -> Fut<'a, crate::AttachmentId> {
        Box::pin(incidents::add_attachment(self, actor, id, org, attachment))
    }

    fn attachment(
        &self,
        incident: crate::IncidentId,
        id: crate::AttachmentId,
    ) -> Fut<'_, Option<(crate::AttachmentMeta, Vec<u8>)>> {
        Box::pin(incidents::attachment(self, incident, id))
    }

    fn indicator_changes(&self, after: i64) -> Fut<'_, crate::IndicatorChanges> {
        Box::pin(incidents::indicator_changes(self, after))
    }

    fn indicator_sightings<'a>(
        &'a self,
        kind: &'a str,
        value: &'a str,
    ) -> Fut<'a, Vec<(crate::IncidentId, crate::IncidentIndicator)>> {
        Box::pin(incidents::indicator_sightings(self, kind, value))
    }

    fn create_alert<'a>(
        &'a self,
        actor: &'a Actor,
        new: &'a crate::NewAlert,
    ) -> Fut<'a, crate::AlertId> {
        Box::pin(incidents::create_alert(self, actor, new))
    }

    fn alert(&self, id: crate::AlertId) -> Fut<'_, Option<crate::Alert>> {
        Box::pin(incidents::alert(self, id))
    }

    fn alert_inbox(
        &self,
        org: OrgId,
        limit: u32,
    ) -> Fut<'_, Vec<(crate::Alert, crate::AlertRecipient)>> {
        Box::pin(incidents::alert_inbox(self, org, limit))
    }

    fn alerts_issued(&self, org: OrgId, limit: u32) -> Fut<'_, Vec<crate::Alert>> {
        Box::pin(incidents::alerts_issued(self, org, limit))
    }

    fn public_alerts(&self, limit: u32) -> Fut<'_, Vec<crate::Alert>> {
        Box::pin(incidents::public_alerts(self, limit))
    }

    fn alert_recipients(&self, id: crate::AlertId) -> Fut<'_, Vec<crate::AlertRecipient>> {
        Box::pin(incidents::alert_recipients(self, id))
    }

    fn alert_recipient(
        &self,
        id: crate::AlertId,
        org: OrgId,
    ) -> Fut<'_, Option<crate::AlertRecipient>> {
        Box::pin(incidents::alert_recipient(self, id, org))
    }

    fn acknowledge_alert<'a>(
        &'a self,
        actor: &'a Actor,
        id: crate::AlertId,
        org: OrgId,
        status: crate::AckStatus,
        note: Option<&'a str>,
    ) -> Fut<'a, crate::AlertRecipient> {
        Box::pin(incidents::acknowledge_alert(
            self, actor, id, org, status, note,
        ))
    }

    fn remind_alert<'a>(&'a self, actor: &'a Actor, id: crate::AlertId) -> Fut<'a, u64> {
        Box::pin(incidents::remind_alert(self, actor, id))
    }

    fn audit_entries(&self, after: u64, limit: u32) -> Fut<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, object, details, prev_hash, hash \
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(i64::try_from(after).unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(audit_from).collect()
        })
    }

    fn verify_audit(&self) -> Fut<'_, Result<u64, BrokenAt>> {
        Box::pin(async move {
            // One read-only snapshot: concurrent writers cannot make the
            // head and the entries disagree.
            let mut tx = super::begin_snapshot(&self.pool).await?;
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
            let (head_seq, head_hash): (i64, String) =
                (head.try_get("seq")?, head.try_get("hash")?);
            let mut check = ChainCheck::new();
            let mut after = 0i64;
            const PAGE: i64 = 10_000;
            loop {
                let rows = sqlx::query(
                    "SELECT seq, at, actor, action, object, details, prev_hash, hash \
                     FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
                )
                .bind(after)
                .bind(head_seq)
                .bind(PAGE)
                .fetch_all(&mut *tx)
                .await?;
                for r in &rows {
                    let e = audit_from(r)?;
                    if let Err(broken) = check.check(&e) {
                        return Ok(Err(broken));
                    }
                    after = e.seq as i64;
                }
                if (rows.len() as i64) < PAGE {
                    break;
                }
            }
            let beyond: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq > $1")
                .bind(head_seq)
                .fetch_one(&mut *tx)
                .await?;
            tx.rollback().await?;
            if beyond > 0 {
                return Ok(Err(BrokenAt {
                    seq: count(head_seq) + 1,
                    reason: format!("{beyond} entries beyond the head"),
                }));
            }
            Ok(check.finish(count(head_seq), &head_hash))
        })
    }

    fn backup<'a>(&'a self, out: &'a Path) -> Fut<'a, ()> {
        Box::pin(super::backup(&self.pool, out))
    }
}
