//! Webhooks, e-mail subscriptions, the event outbox and the two delivery
//! queues (part of the one body: compiled per driver as a child of `sql`).
//!
//! Events are written by the write that causes them ([`findings_new`] from
//! the reconciliation and from risk expiry, [`scan_deadlines`] for the
//! passage of time) and only for organisations with a webhook or an e-mail
//! subscription subscribed to the event's kind, so a platform without
//! either writes none. Fanning them out into deliveries
//! ([`dispatch_events`]: both channels in one transaction) and the
//! deliveries' leases and attempts are queue bookkeeping and, like job
//! leases, not audited. The two queues (`webhook_deliveries`,
//! `mail_deliveries`) have the same columns and are claimed and finished
//! by the same statements ([`claim_next`], [`finish`]).

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::{AssertSqlSafe, Row};

use super::{DbRow, SKIP_LOCKED, SqlStore, Write, ts, ts_opt};
use crate::{
    Actor, AssetId, Attempt, DeadlineEvents, Delivery, DeliveryId, DeliveryTask, Error, Event,
    EventId, EventKind, FanOut, FindingId, MailDelivery, MailDeliveryId, MailSubscription,
    MailSubscriptionId, MailTask, NewMailSubscription, NewWebhook, OrgId, Webhook, WebhookId,
};

/// How generated statements write bind parameter `n` (see `reconcile.rs`).
const P: char = super::PARAM;

/// Rows per generated statement: far below either database's parameter
/// limit (see `MAX_BINDS` in `reconcile.rs` for why not more).
const CHUNK: usize = 400;

/// The organisations with a webhook or an e-mail subscription subscribed
/// to the event kind bound as parameter 1.
fn subscribers() -> String {
    format!(
        "SELECT w.org_id FROM webhooks w JOIN webhook_events s ON s.webhook_id = w.id \
         WHERE s.event = {P}1 \
         UNION SELECT m.org_id FROM mail_subscriptions m \
         JOIN mail_subscription_events s ON s.subscription_id = m.id WHERE s.event = {P}1"
    )
}

/// The columns an event copies from its finding, as `INSERT INTO events`
/// lists them, with parameter 1 the kind and 2 the time.
const EVENT_INSERT: &str = "INSERT INTO events (org_id, kind, finding_id, asset_id, vuln_id, \
     subject, decision, deadline, state, occurred_at)";

fn event_select() -> String {
    format!(
        "SELECT f.org_id, {P}1, f.id, f.asset_id, f.vuln_id, f.subject, f.decision, \
         f.deadline, f.state, {P}2 FROM findings f"
    )
}

const EVENT_COLUMNS: &str = "e.id, e.org_id, e.kind, e.finding_id, e.asset_id, e.vuln_id, \
     e.subject, e.decision, e.deadline, e.state, e.occurred_at";

/// The columns both delivery queues have (`webhook_deliveries` adds
/// `webhook_id`, `mail_deliveries` `subscription_id`).
const DELIVERY_COLUMNS: &str = "d.id AS delivery_id, d.event_id, d.created_at, \
     d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, \
     d.delivered_at, d.failed_at";

/// `n` parameters `{P}first`, `{P}first+1`… separated by commas.
fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("{P}{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether any webhook or e-mail subscription subscribes to `kind` (the
/// cheap way out for a platform without either).
async fn subscribed(w: &mut Write, kind: EventKind) -> Result<bool, Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM webhook_events WHERE event = $1) \
         + (SELECT COUNT(*) FROM mail_subscription_events WHERE event = $1)",
    )
    .bind(kind.as_str())
    .fetch_one(&mut *w.tx)
    .await?;
    Ok(n > 0)
}

/// Writes `finding.new` for the findings `ids`, just opened or reopened by
/// this write, of the organisations subscribed to it.
pub(super) async fn findings_new(w: &mut Write, ids: &[i64]) -> Result<(), Error> {
    if ids.is_empty() || !subscribed(w, EventKind::FindingNew).await? {
        return Ok(());
    }
    let (insert, select, subscribers) = (EVENT_INSERT, event_select(), subscribers());
    for chunk in ids.chunks(CHUNK) {
        let list = params(3, chunk.len());
        let sql = format!(
            "{insert} {select} WHERE f.id IN ({list}) AND f.org_id IN ({subscribers}) \
             ORDER BY f.id"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .persistent(false)
            .bind(EventKind::FindingNew.as_str())
            .bind(w.at);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *w.tx).await?;
    }
    Ok(())
}

/// The deadline scan (see [`crate::Store::scan_deadlines`]).
pub(super) async fn scan_deadlines(
    store: &SqlStore,
    now: Timestamp,
    window: SignedDuration,
) -> Result<DeadlineEvents, Error> {
    let now_us = now.as_microsecond();
    let until = now
        .checked_add(window)
        .map_err(|e| Error::Invalid(format!("deadline window: {e}")))?
        .as_microsecond();
    let mut w = store.write(&Actor::System).await?;
    let mut written = DeadlineEvents::default();
    // Overdue first: a finding already past its deadline is overdue, never
    // also approaching.
    for (kind, from, to) in [
        (EventKind::Overdue, i64::MIN, now_us),
        (EventKind::DeadlineApproaching, now_us, until),
    ] {
        if !subscribed(&mut w, kind).await? {
            continue;
        }
        let sql = format!(
            "{EVENT_INSERT} {} WHERE f.org_id IN ({}) \
             AND f.state IN ('open', 'in_triage') \
             AND f.deadline >= {P}3 AND f.deadline < {P}4 \
             AND NOT EXISTS (SELECT 1 FROM events e WHERE e.finding_id = f.id AND e.kind = {P}1) \
             ORDER BY f.id",
            event_select(),
            subscribers()
        );
        let n = sqlx::query(AssertSqlSafe(sql))
            .bind(kind.as_str())
            .bind(now_us)
            .bind(from)
            .bind(to)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        match kind {
            EventKind::Overdue => written.overdue = n,
            _ => written.approaching = n,
        }
    }
    if written == DeadlineEvents::default() {
        return Ok(written); // Nothing written: dropping the write rolls it back.
    }
    w.audit(
        "events.deadlines",
        "findings",
        json!({"now": now.to_string(), "approaching": written.approaching,
               "overdue": written.overdue}),
    )
    .await?;
    w.commit().await?;
    Ok(written)
}

/// `scheme://host[:port]` of a URL: what the audit log keeps of it.
fn origin(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    // Never credentials either.
    match url[start..end].rfind('@') {
        Some(_) => &url[..start],
        None => &url[..end],
    }
}

pub(super) async fn create_webhook(
    store: &SqlStore,
    actor: &Actor,
    new: &NewWebhook,
) -> Result<WebhookId, Error> {
    let events: BTreeSet<EventKind> = new.events.iter().copied().collect();
    if events.is_empty() {
        return Err(Error::Invalid("a webhook needs at least one event".into()));
    }
    let mut w = store.write(actor).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhooks (org_id, url, min_decision, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.org.0)
    .bind(&new.url)
    .bind(new.min_decision.as_deref())
    .bind(&new.secret)
    .bind(w.at)
    .fetch_one(&mut *w.tx)
    .await?;
    for e in &events {
        sqlx::query("INSERT INTO webhook_events (webhook_id, event) VALUES ($1, $2)")
            .bind(id)
            .bind(e.as_str())
            .execute(&mut *w.tx)
            .await?;
    }
    w.audit(
        "webhook.create",
        &format!("webhook:{id}"),
        json!({"organization": new.org.0, "origin": origin(&new.url),
               "events": events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
               "min_decision": new.min_decision}),
    )
    .await?;
    w.commit().await?;
    Ok(WebhookId(id))
}

pub(super) async fn webhooks(store: &SqlStore, org: OrgId) -> Result<Vec<Webhook>, Error> {
    let rows = sqlx::query(
        "SELECT id, org_id, url, min_decision, created_at FROM webhooks \
         WHERE org_id = $1 ORDER BY id",
    )
    .bind(org.0)
    .fetch_all(&store.pool)
    .await?;
    let subscriptions = sqlx::query(
        "SELECT s.webhook_id, s.event FROM webhook_events s \
         JOIN webhooks w ON w.id = s.webhook_id WHERE w.org_id = $1",
    )
    .bind(org.0)
    .fetch_all(&store.pool)
    .await?;
    let mut hooks = rows
        .iter()
        .map(|r| {
            Ok(Webhook {
                id: WebhookId(r.try_get("id")?),
                org: OrgId(r.try_get("org_id")?),
                url: r.try_get("url")?,
                events: Vec::new(),
                min_decision: r.try_get("min_decision")?,
                created_at: ts(r.try_get("created_at")?)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    for r in &subscriptions {
        let id = WebhookId(r.try_get("webhook_id")?);
        let kind: EventKind = r.try_get::<&str, _>("event")?.parse()?;
        if let Some(h) = hooks.iter_mut().find(|h| h.id == id) {
            h.events.push(kind);
        }
    }
    for h in &mut hooks {
        h.events.sort();
    }
    Ok(hooks)
}

pub(super) async fn delete_webhook(
    store: &SqlStore,
    actor: &Actor,
    id: WebhookId,
) -> Result<(), Error> {
    let mut w = store.write(actor).await?;
    let org: i64 = sqlx::query_scalar("DELETE FROM webhooks WHERE id = $1 RETURNING org_id")
        .bind(id.0)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or(Error::NotFound("webhook"))?;
    w.audit(
        "webhook.delete",
        &format!("webhook:{id}"),
        json!({"organization": org}),
    )
    .await?;
    w.commit().await
}

fn event_from(r: &DbRow) -> Result<Event, Error> {
    Ok(Event {
        id: EventId(r.try_get("id")?),
        org: OrgId(r.try_get("org_id")?),
        kind: r.try_get::<&str, _>("kind")?.parse()?,
        finding: FindingId(r.try_get("finding_id")?),
        asset: AssetId(r.try_get("asset_id")?),
        vuln_id: r.try_get("vuln_id")?,
        subject: r.try_get("subject")?,
        decision: r.try_get("decision")?,
        deadline: ts_opt(r.try_get("deadline")?)?,
        state: r.try_get::<&str, _>("state")?.parse()?,
        occurred_at: ts(r.try_get("occurred_at")?)?,
    })
}

fn delivery_from(r: &DbRow) -> Result<Delivery, Error> {
    Ok(Delivery {
        id: DeliveryId(r.try_get("delivery_id")?),
        webhook: WebhookId(r.try_get("webhook_id")?),
        event: EventId(r.try_get("event_id")?),
        kind: r.try_get::<&str, _>("kind")?.parse()?,
        created_at: ts(r.try_get("created_at")?)?,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: ts_opt(r.try_get("next_attempt_at")?)?,
        last_attempt_at: ts_opt(r.try_get("last_attempt_at")?)?,
        last_status: r
            .try_get::<Option<i64>, _>("last_status")?
            .and_then(|s| u16::try_from(s).ok()),
        last_error: r.try_get("last_error")?,
        delivered_at: ts_opt(r.try_get("delivered_at")?)?,
        failed_at: ts_opt(r.try_get("failed_at")?)?,
    })
}

pub(super) async fn webhook_deliveries(
    store: &SqlStore,
    webhook: WebhookId,
    limit: u32,
) -> Result<Vec<Delivery>, Error> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS}, d.webhook_id, e.kind FROM webhook_deliveries d \
         JOIN events e ON e.id = d.event_id WHERE d.webhook_id = $1 \
         ORDER BY d.id DESC LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(webhook.0)
        .bind(i64::from(limit))
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(delivery_from).collect()
}

pub(super) async fn undispatched_events(store: &SqlStore, limit: u32) -> Result<Vec<Event>, Error> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM events e WHERE e.dispatched_at IS NULL \
         ORDER BY e.id LIMIT $1"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(i64::from(limit))
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(event_from).collect()
}

pub(super) async fn dispatch_events(
    store: &SqlStore,
    fan_out: &[FanOut],
    at: Timestamp,
) -> Result<u64, Error> {
    let at = at.as_microsecond();
    let mut tx = super::super::begin_write(&store.pool).await?;
    let mut created = 0;
    for chunk in fan_out.chunks(CHUNK) {
        // Lock the events still undispatched, skipping those another
        // replica holds, then mark them.
        let list = params(1, chunk.len());
        let sql = format!(
            "SELECT id FROM events WHERE id IN ({list}) AND dispatched_at IS NULL \
             ORDER BY id {SKIP_LOCKED}"
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).persistent(false);
        for f in chunk {
            q = q.bind(f.event.0);
        }
        let mine: BTreeSet<i64> = q.fetch_all(&mut *tx).await?.into_iter().collect();
        if mine.is_empty() {
            continue;
        }
        let sql = format!(
            "UPDATE events SET dispatched_at = {P}1 WHERE id IN ({})",
            params(2, mine.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false).bind(at);
        for id in &mine {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
        let mine: Vec<&FanOut> = chunk.iter().filter(|f| mine.contains(&f.event.0)).collect();
        let hooks: Vec<(i64, i64)> = mine
            .iter()
            .flat_map(|f| f.webhooks.iter().map(|h| (h.0, f.event.0)))
            .collect();
        let mail: Vec<(i64, i64)> = mine
            .iter()
            .flat_map(|f| f.mail.iter().map(|m| (m.0, f.event.0)))
            .collect();
        for (table, target, rows) in [
            ("webhook_deliveries", "webhook_id", hooks),
            ("mail_deliveries", "subscription_id", mail),
        ] {
            // $1 now; per row: target, event.
            for rows in rows.chunks(CHUNK) {
                let values = (0..rows.len())
                    .map(|i| format!("({P}{}, {P}{}, {P}1, {P}1)", 2 + 2 * i, 3 + 2 * i))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "INSERT INTO {table} ({target}, event_id, created_at, next_attempt_at) \
                     VALUES {values}"
                );
                let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(false).bind(at);
                for (target, event) in rows {
                    q = q.bind(*target).bind(*event);
                }
                created += q.execute(&mut *tx).await?.rows_affected();
            }
        }
    }
    tx.commit().await?;
    Ok(created)
}

/// Leases the oldest due row of the delivery queue `table` to `worker`
/// until `now + lease`, counting an attempt; its id.
async fn claim_next(
    store: &SqlStore,
    table: &str,
    worker: &str,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<i64>, Error> {
    let until = now
        .checked_add(lease)
        .map_err(|e| Error::Invalid(format!("lease: {e}")))?;
    let sql = format!(
        "UPDATE {table} SET lease_until = $1, lease_owner = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM {table} WHERE next_attempt_at <= $3 \
                     AND (lease_until IS NULL OR lease_until <= $3) \
                     ORDER BY next_attempt_at, id LIMIT 1 {SKIP_LOCKED}) \
         RETURNING id"
    );
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(until.as_microsecond())
        .bind(worker)
        .bind(now.as_microsecond())
        .fetch_optional(&store.pool)
        .await?)
}

/// Records how the attempt at row `id` of the delivery queue `table`
/// ended and releases its lease; `Conflict` naming `what` if `worker` no
/// longer holds it.
async fn finish(
    store: &SqlStore,
    table: &str,
    what: &str,
    id: i64,
    worker: &str,
    attempt: &Attempt,
) -> Result<(), Error> {
    let (at, status, error, next, delivered, failed) = match attempt {
        Attempt::Delivered { at, status } => (*at, Some(*status), None, None, Some(*at), None),
        Attempt::Failed {
            at,
            status,
            error,
            retry_at,
        } => (
            *at,
            *status,
            Some(error.as_str()),
            *retry_at,
            None,
            retry_at.is_none().then_some(*at),
        ),
    };
    let micros = |t: Option<Timestamp>| t.map(|t| t.as_microsecond());
    let sql = format!(
        "UPDATE {table} SET lease_until = NULL, lease_owner = NULL, \
         last_attempt_at = $1, last_status = $2, last_error = $3, next_attempt_at = $4, \
         delivered_at = $5, failed_at = $6 WHERE id = $7 AND lease_owner = $8"
    );
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(at.as_microsecond())
        .bind(status.map(i64::from))
        .bind(error)
        .bind(micros(next))
        .bind(micros(delivered))
        .bind(micros(failed))
        .bind(id)
        .bind(worker)
        .execute(&store.pool)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(Error::Conflict(format!(
            "{what} {id} is not leased to {worker}"
        )));
    }
    Ok(())
}

pub(super) async fn claim_delivery(
    store: &SqlStore,
    worker: &str,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<DeliveryTask>, Error> {
    loop {
        let Some(id) = claim_next(store, "webhook_deliveries", worker, now, lease).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, d.webhook_id, {EVENT_COLUMNS}, w.url, w.secret \
             FROM webhook_deliveries d JOIN events e ON e.id = d.event_id \
             JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&store.pool)
            .await?;
        // None: its webhook was deleted meanwhile, and it with it.
        if let Some(r) = row {
            return Ok(Some(DeliveryTask {
                delivery: delivery_from(&r)?,
                event: event_from(&r)?,
                url: r.try_get("url")?,
                secret: r.try_get("secret")?,
            }));
        }
    }
}

pub(super) async fn finish_delivery(
    store: &SqlStore,
    id: DeliveryId,
    worker: &str,
    attempt: &Attempt,
) -> Result<(), Error> {
    finish(
        store,
        "webhook_deliveries",
        "delivery",
        id.0,
        worker,
        attempt,
    )
    .await
}

pub(super) async fn create_mail_subscription(
    store: &SqlStore,
    actor: &Actor,
    new: &NewMailSubscription,
) -> Result<MailSubscriptionId, Error> {
    let events: BTreeSet<EventKind> = new.events.iter().copied().collect();
    if events.is_empty() {
        return Err(Error::Invalid(
            "an e-mail subscription needs at least one event".into(),
        ));
    }
    let mut w = store.write(actor).await?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_subscriptions WHERE org_id = $1 AND address = $2",
    )
    .bind(new.org.0)
    .bind(&new.address)
    .fetch_one(&mut *w.tx)
    .await?;
    if taken > 0 {
        return Err(Error::Conflict(format!(
            "{} is subscribed already",
            new.address
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO mail_subscriptions (org_id, address, min_decision, language, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.org.0)
    .bind(&new.address)
    .bind(new.min_decision.as_deref())
    .bind(new.language.as_str())
    .bind(w.at)
    .fetch_one(&mut *w.tx)
    .await?;
    for e in &events {
        sqlx::query(
            "INSERT INTO mail_subscription_events (subscription_id, event) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(e.as_str())
        .execute(&mut *w.tx)
        .await?;
    }
    w.audit(
        "mail_subscription.create",
        &format!("mail_subscription:{id}"),
        json!({"organization": new.org.0, "address": new.address,
               "events": events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
               "min_decision": new.min_decision, "language": new.language.as_str()}),
    )
    .await?;
    w.commit().await?;
    Ok(MailSubscriptionId(id))
}

pub(super) async fn mail_subscriptions(
    store: &SqlStore,
    org: OrgId,
) -> Result<Vec<MailSubscription>, Error> {
    let rows = sqlx::query(
        "SELECT id, org_id, address, min_decision, language, created_at \
         FROM mail_subscriptions WHERE org_id = $1 ORDER BY id",
    )
    .bind(org.0)
    .fetch_all(&store.pool)
    .await?;
    let subscriptions = sqlx::query(
        "SELECT s.subscription_id, s.event FROM mail_subscription_events s \
         JOIN mail_subscriptions m ON m.id = s.subscription_id WHERE m.org_id = $1",
    )
    .bind(org.0)
    .fetch_all(&store.pool)
    .await?;
    let mut subs = rows
        .iter()
        .map(|r| {
            Ok(MailSubscription {
                id: MailSubscriptionId(r.try_get("id")?),
                org: OrgId(r.try_get("org_id")?),
                address: r.try_get("address")?,
                events: Vec::new(),
                min_decision: r.try_get("min_decision")?,
                language: r.try_get::<&str, _>("language")?.parse()?,
                created_at: ts(r.try_get("created_at")?)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    for r in &subscriptions {
        let id = MailSubscriptionId(r.try_get("subscription_id")?);
        let kind: EventKind = r.try_get::<&str, _>("event")?.parse()?;
        if let Some(m) = subs.iter_mut().find(|m| m.id == id) {
            m.events.push(kind);
        }
    }
    for m in &mut subs {
        m.events.sort();
    }
    Ok(subs)
}

pub(super) async fn delete_mail_subscription(
    store: &SqlStore,
    actor: &Actor,
    id: MailSubscriptionId,
) -> Result<(), Error> {
    let mut w = store.write(actor).await?;
    let row = sqlx::query("DELETE FROM mail_subscriptions WHERE id = $1 RETURNING org_id, address")
        .bind(id.0)
        .fetch_optional(&mut *w.tx)
        .await?
        .ok_or(Error::NotFound("e-mail subscription"))?;
    let (org, address): (i64, String) = (row.try_get("org_id")?, row.try_get("address")?);
    w.audit(
        "mail_subscription.delete",
        &format!("mail_subscription:{id}"),
        json!({"organization": org, "address": address}),
    )
    .await?;
    w.commit().await
}

fn mail_delivery_from(r: &DbRow) -> Result<MailDelivery, Error> {
    Ok(MailDelivery {
        id: MailDeliveryId(r.try_get("delivery_id")?),
        subscription: MailSubscriptionId(r.try_get("subscription_id")?),
        event: EventId(r.try_get("event_id")?),
        kind: r.try_get::<&str, _>("kind")?.parse()?,
        created_at: ts(r.try_get("created_at")?)?,
        attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: ts_opt(r.try_get("next_attempt_at")?)?,
        last_attempt_at: ts_opt(r.try_get("last_attempt_at")?)?,
        last_status: r
            .try_get::<Option<i64>, _>("last_status")?
            .and_then(|s| u16::try_from(s).ok()),
        last_error: r.try_get("last_error")?,
        delivered_at: ts_opt(r.try_get("delivered_at")?)?,
        failed_at: ts_opt(r.try_get("failed_at")?)?,
    })
}

pub(super) async fn mail_deliveries(
    store: &SqlStore,
    subscription: MailSubscriptionId,
    limit: u32,
) -> Result<Vec<MailDelivery>, Error> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS}, d.subscription_id, e.kind FROM mail_deliveries d \
         JOIN events e ON e.id = d.event_id WHERE d.subscription_id = $1 \
         ORDER BY d.id DESC LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(subscription.0)
        .bind(i64::from(limit))
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(mail_delivery_from).collect()
}

pub(super) async fn claim_mail_delivery(
    store: &SqlStore,
    worker: &str,
    now: Timestamp,
    lease: SignedDuration,
) -> Result<Option<MailTask>, Error> {
    loop {
        let Some(id) = claim_next(store, "mail_deliveries", worker, now, lease).await? else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, d.subscription_id, {EVENT_COLUMNS}, m.address, \
             m.language FROM mail_deliveries d JOIN events e ON e.id = d.event_id \
             JOIN mail_subscriptions m ON m.id = d.subscription_id WHERE d.id = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&store.pool)
            .await?;
        // None: its subscription was deleted meanwhile, and it with it.
        if let Some(r) = row {
            return Ok(Some(MailTask {
                delivery: mail_delivery_from(&r)?,
                event: event_from(&r)?,
                address: r.try_get("address")?,
                language: r.try_get::<&str, _>("language")?.parse()?,
            }));
        }
    }
}

pub(super) async fn finish_mail_delivery(
    store: &SqlStore,
    id: MailDeliveryId,
    worker: &str,
    attempt: &Attempt,
) -> Result<(), Error> {
    finish(
        store,
        "mail_deliveries",
        "e-mail delivery",
        id.0,
        worker,
        attempt,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn the_audit_log_keeps_only_a_urls_origin() {
        for (url, want) in [
            (
                "https://hooks.example.jp/services/T0/B0/secret",
                "https://hooks.example.jp",
            ),
            ("http://127.0.0.1:8080?token=x", "http://127.0.0.1:8080"),
            ("https://user:pw@example.jp/x", "https://"),
            ("https://example.jp", "https://example.jp"),
        ] {
            assert_eq!(origin(url), want, "{url}");
        }
    }
}
