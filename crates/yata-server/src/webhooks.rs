//! Webhook notifications: the store's outbox events, fanned out to the
//! webhooks that want them, sent signed, retried with backoff.
//!
//! * **Events** are written by the store in the transaction of the change
//!   that causes them: `finding.new` when an upload, a re-evaluation or an
//!   expired risk acceptance opens or reopens a finding;
//!   `finding.deadline_approaching` and `finding.overdue` by the deadline
//!   scan ([`scan_deadlines`], a periodic job every minute), once per
//!   finding. Only organisations with a webhook or an e-mail subscription
//!   ([`crate::mail`]) subscribed get events.
//! * **Fan-out** ([`dispatch`]): an event goes to each webhook of its
//!   organisation subscribed to its kind, registered before it occurred,
//!   whose `min_decision` its finding's BOD 26-04 decision reaches (a
//!   finding without a decision reaches none). The rule is [`wants`]; the
//!   same rule picks its e-mail subscriptions ([`crate::mail::wants`], when
//!   the server has SMTP configured), in the same store transaction.
//! * **Delivery** ([`deliver_due`]): a claimed delivery is POSTed as JSON
//!   ([`payload`]) with `X-Yata-Event`, `X-Yata-Delivery` (the delivery's
//!   id, the same on every retry), `X-Yata-Timestamp` (Unix seconds) and
//!   `X-Yata-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"
//!   keyed with the webhook's secret>` ([`signature`]). Any 2xx is
//!   delivered; anything else (other statuses, redirects, refused
//!   connections, timeouts) is retried after 30 s, 2 min, 8 min… (×4,
//!   at most 6 h) until the attempts run out, then given up; every
//!   attempt is in the delivery log. At least once: a worker that dies
//!   mid-request leaves a lease that expires, and the delivery is sent
//!   again with the same `X-Yata-Delivery`.
//!
//! Webhook URLs are fetched from the server, so whoever registers one can
//! make the server connect to any host it reaches (SSRF): registration is
//! for organisation admins only, and a switch restricting destinations is
//! still to come.

use std::collections::HashMap;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use sha2::Sha256;
use yata_priority::Timeline;
use yata_store::{
    Attempt, DeadlineEvents, Event, EventKind, FanOut, MailSubscription, OrgId, Webhook,
};

use crate::api::rfc3339;
use crate::error::AppError;
use crate::state::AppState;

pub(crate) mod client;

/// How deliveries are made; the default is what `yata serve` uses.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// One attempt, from connecting to the response's status line.
    pub timeout: Duration,
    /// Attempts before a delivery is given up.
    pub max_attempts: u32,
    /// The wait after the first failure; each next one is four times
    /// longer, up to `max_backoff`.
    pub first_retry: SignedDuration,
    pub max_backoff: SignedDuration,
    /// Deliveries sent at once by one worker.
    pub concurrency: usize,
    /// How far ahead a deadline is "approaching".
    pub deadline_window: SignedDuration,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            timeout: Duration::from_secs(10),
            max_attempts: 8,
            first_retry: SignedDuration::from_secs(30),
            max_backoff: SignedDuration::from_hours(6),
            concurrency: 8,
            deadline_window: SignedDuration::from_hours(72),
        }
    }
}

impl DeliveryConfig {
    /// The wait after the `attempts`-th failed attempt.
    pub fn backoff(&self, attempts: u32) -> SignedDuration {
        let mut wait = self.first_retry;
        for _ in 1..attempts {
            wait = wait.saturating_mul(4);
            if wait >= self.max_backoff {
                break;
            }
        }
        wait.min(self.max_backoff)
    }

    /// A delivery's lease: longer than any attempt.
    fn lease(&self) -> SignedDuration {
        SignedDuration::try_from(self.timeout)
            .unwrap_or(SignedDuration::from_secs(60))
            .saturating_add(SignedDuration::from_secs(60))
    }
}

/// The prefix of generated webhook secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// The decision's place in the BOD 26-04 order; `None` for none or an
/// unknown name.
fn urgency(decision: Option<&str>) -> Option<Timeline> {
    decision?.parse().ok()
}

/// Whether webhook `w` receives event `e`.
pub fn wants(w: &Webhook, e: &Event) -> bool {
    reaches(w.org, &w.events, w.created_at, w.min_decision.as_deref(), e)
}

/// The rule of [`wants`] for any subscriber: of the event's organisation,
/// subscribed to its kind, made before it, and its finding's decision at
/// least `min_decision`.
pub(crate) fn reaches(
    org: OrgId,
    events: &[EventKind],
    created_at: Timestamp,
    min_decision: Option<&str>,
    e: &Event,
) -> bool {
    org == e.org
        && events.contains(&e.kind)
        && created_at <= e.occurred_at
        && match urgency(min_decision) {
            None => true,
            Some(min) => urgency(e.decision.as_deref()).is_some_and(|d| d >= min),
        }
}

/// The JSON body of an event's deliveries.
pub fn payload(e: &Event) -> Value {
    json!({
        "id": e.id.0,
        "event": e.kind.as_str(),
        "organization_id": e.org.0,
        "occurred_at": rfc3339(e.occurred_at),
        "data": {
            "finding_id": e.finding.0,
            "asset_id": e.asset.0,
            "vulnerability_id": e.vuln_id,
            "subject": e.subject,
            "decision": e.decision,
            "deadline": e.deadline.map(rfc3339),
            "state": e.state.as_str(),
        },
    })
}

/// `sha256=` and the hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed with
/// the secret's UTF-8 bytes.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let mut out = String::from("sha256=");
    for b in mac.finalize().into_bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Writes the deadline events due at `now` (see
/// [`yata_store::Store::scan_deadlines`]).
pub async fn scan_deadlines(
    state: &AppState,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Result<DeadlineEvents, AppError> {
    Ok(state
        .store()
        .scan_deadlines(now, config.deadline_window)
        .await?)
}

/// Events fanned out per store call.
const DISPATCH_BATCH: u32 = 500;

/// Fans every undispatched event out into webhook and e-mail deliveries
/// due at `now` (e-mail only when the server has SMTP configured);
/// returns how many deliveries it made.
pub async fn dispatch(state: &AppState, now: Timestamp) -> Result<u64, AppError> {
    let store = state.store();
    let mail = state.config().smtp.is_some();
    let mut subscribers: HashMap<OrgId, (Vec<Webhook>, Vec<MailSubscription>)> = HashMap::new();
    let mut created = 0;
    loop {
        let events = store.undispatched_events(DISPATCH_BATCH).await?;
        if events.is_empty() {
            return Ok(created);
        }
        let mut fan_out: Vec<FanOut> = Vec::with_capacity(events.len());
        for e in &events {
            let (hooks, mailboxes) = match subscribers.entry(e.org) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let hooks = store.webhooks(e.org).await?;
                    let mailboxes = if mail {
                        store.mail_subscriptions(e.org).await?
                    } else {
                        Vec::new()
                    };
                    v.insert((hooks, mailboxes))
                }
            };
            fan_out.push(FanOut {
                event: e.id,
                webhooks: hooks.iter().filter(|w| wants(w, e)).map(|w| w.id).collect(),
                mail: mailboxes
                    .iter()
                    .filter(|m| crate::mail::wants(m, e))
                    .map(|m| m.id)
                    .collect(),
            });
        }
        created += store.dispatch_events(&fan_out, now).await?;
        if events.len() < DISPATCH_BATCH as usize {
            return Ok(created);
        }
    }
}

/// Claims the deliveries due at `now` and sends them, `concurrency` at a
/// time, recording each attempt; returns how many it attempted. Stops
/// after a few rounds so the caller's loop goes on.
pub async fn deliver_due(
    state: &AppState,
    worker: &str,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Result<usize, AppError> {
    const ROUNDS: usize = 8;
    let mut attempted = 0;
    // `now` moves on with the real clock: rounds of slow receivers take
    // long, and a lease or signature timestamp from the start would be
    // stale (another replica could claim a delivery still being sent).
    let started = std::time::Instant::now();
    let clock = || {
        now.checked_add(jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default())
            .unwrap_or(now)
    };
    for _ in 0..ROUNDS {
        let mut sends = tokio::task::JoinSet::new();
        for _ in 0..config.concurrency.max(1) {
            let now = clock();
            let Some(task) = state
                .store()
                .claim_delivery(worker, now, config.lease())
                .await?
            else {
                break;
            };
            let config = config.clone();
            sends.spawn(async move {
                let attempt = send(&task, now, &config).await;
                (task.delivery.id, attempt)
            });
        }
        if sends.is_empty() {
            break;
        }
        while let Some(done) = sends.join_next().await {
            let (id, attempt) = done.map_err(AppError::internal)?;
            attempted += 1;
            match state.store().finish_delivery(id, worker, &attempt).await {
                // Its webhook was deleted, or the lease ran out and another
                // worker took it: nothing to record here.
                Err(yata_store::Error::Conflict(_)) => {}
                other => other?,
            }
        }
    }
    Ok(attempted)
}

/// One attempt of a claimed delivery.
async fn send(task: &yata_store::DeliveryTask, now: Timestamp, config: &DeliveryConfig) -> Attempt {
    let body = payload(&task.event).to_string().into_bytes();
    let timestamp = now.as_second();
    let headers = [
        ("x-yata-event", task.event.kind.as_str().to_owned()),
        ("x-yata-delivery", task.delivery.id.0.to_string()),
        ("x-yata-timestamp", timestamp.to_string()),
        (
            "x-yata-signature",
            signature(&task.secret, timestamp, &body),
        ),
    ];
    let result = match client::target(&task.url) {
        Ok(target) => client::post(&target, &headers, body, config.timeout).await,
        Err(e) => Err(format!("url: {e}")),
    };
    let (status, error) = match result {
        Ok(status) if (200..300).contains(&status) => {
            return Attempt::Delivered { at: now, status };
        }
        Ok(status) => (Some(status), format!("HTTP {status}")),
        Err(e) => (None, e),
    };
    let attempts = task.delivery.attempts;
    let retry_at = (attempts < config.max_attempts)
        .then(|| now.checked_add(config.backoff(attempts)).ok())
        .flatten();
    tracing::info!(
        delivery = task.delivery.id.0,
        attempts,
        error = %error,
        retry = retry_at.is_some(),
        "webhook delivery failed"
    );
    Attempt::Failed {
        at: now,
        status,
        error,
        retry_at,
    }
}

/// One round of the delivery loop: fan-out, then sending what is due.
/// Returns the deliveries made and attempted.
pub async fn run_once(
    state: &AppState,
    worker: &str,
    now: Timestamp,
    config: &DeliveryConfig,
) -> Result<(u64, usize), AppError> {
    let made = dispatch(state, now).await?;
    let attempted = deliver_due(state, worker, now, config).await?;
    Ok((made, attempted))
}

/// The delivery loop of `yata serve`, beside the job worker so that a slow
/// receiver never holds up re-evaluation.
pub async fn work(state: AppState, worker: String) {
    let config = DeliveryConfig::default();
    loop {
        match run_once(&state, &worker, Timestamp::now(), &config).await {
            Ok((0, 0)) => {}
            Ok(_) => continue,
            Err(e) => tracing::error!(error = %e, "webhook deliveries failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use yata_store::{AssetId, EventId, FindingId, FindingState, WebhookId};

    use super::*;

    #[test]
    fn backoff_grows_fourfold_up_to_its_cap() {
        let c = DeliveryConfig::default();
        let waits: Vec<i64> = (1..=8).map(|n| c.backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 120, 480, 1920, 7680, 21600, 21600, 21600]);
        assert_eq!(c.backoff(u32::MAX).as_secs(), 21600);
    }

    /// Python's `hmac.new(b"whsec_test", b"1700000000.{\"id\":1}", "sha256")` agrees.
    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"id":1}"#),
            "sha256=2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8"
        );
    }

    fn event(decision: Option<&str>) -> Event {
        Event {
            id: EventId(1),
            org: OrgId(2),
            kind: EventKind::FindingNew,
            finding: FindingId(3),
            asset: AssetId(4),
            vuln_id: "CVE-2021-25900".into(),
            subject: "pkg:cargo/smallvec@1.6.0".into(),
            decision: decision.map(str::to_owned),
            deadline: None,
            state: FindingState::Open,
            occurred_at: Timestamp::from_second(1_800_000_000).unwrap(),
        }
    }

    fn hook(min: Option<&str>) -> Webhook {
        Webhook {
            id: WebhookId(5),
            org: OrgId(2),
            url: "https://example.jp/hook".into(),
            events: vec![EventKind::FindingNew],
            min_decision: min.map(str::to_owned),
            created_at: Timestamp::from_second(1_700_000_000).unwrap(),
        }
    }

    #[test]
    fn min_decision_follows_the_bod_26_04_order() {
        let all = [
            "fix on system upgrade",
            "60 days",
            "14 days",
            "3 days",
            "3 days & forensic investigation",
        ];
        for (i, min) in all.iter().enumerate() {
            for (j, decision) in all.iter().enumerate() {
                assert_eq!(
                    wants(&hook(Some(min)), &event(Some(decision))),
                    j >= i,
                    "{decision} against {min}"
                );
            }
            assert!(!wants(&hook(Some(min)), &event(None)));
        }
        assert!(wants(&hook(None), &event(None)));
        let mut other = event(Some("3 days"));
        other.org = OrgId(9);
        assert!(!wants(&hook(None), &other));
        let mut overdue = event(Some("3 days"));
        overdue.kind = EventKind::Overdue;
        assert!(!wants(&hook(None), &overdue), "not subscribed");
        let mut early = event(Some("3 days"));
        early.occurred_at = Timestamp::from_second(1_600_000_000).unwrap();
        assert!(!wants(&hook(None), &early), "before the webhook existed");
    }
}
