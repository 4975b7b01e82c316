//! Webhooks end to end, in process, against SQLite and PostgreSQL: a small
//! receiver on 127.0.0.1 records what the server POSTs (and fails when
//! told to); inventories are uploaded through the API, and the worker's
//! steps run with a clock the test moves.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::post;
use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use sha2::Sha256;
use yata_server::webhooks::{self, DeliveryConfig};

use common::{App, RequestBody, VULNERABLE_LOCK};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    event: String,
    delivery: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Debug, Default)]
struct Receiver {
    received: Mutex<Vec<Received>>,
    /// Per path: how many more requests to fail (`usize::MAX`: all).
    failing: Mutex<HashMap<String, usize>>,
}

impl Receiver {
    fn fail(&self, path: &str, times: usize) {
        self.failing.lock().unwrap().insert(path.to_owned(), times);
    }

    fn on(&self, path: &str) -> Vec<Received> {
        let all = self.received.lock().unwrap();
        all.iter().filter(|r| r.path == path).cloned().collect()
    }
}

async fn receive(
    State(r): State<Arc<Receiver>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    r.received.lock().unwrap().push(Received {
        path: uri.path().to_owned(),
        event: header("x-yata-event"),
        delivery: header("x-yata-delivery"),
        timestamp: header("x-yata-timestamp"),
        signature: header("x-yata-signature"),
        body: body.to_vec(),
    });
    let mut failing = r.failing.lock().unwrap();
    match failing.get_mut(uri.path()) {
        Some(n) if *n > 0 => {
            if *n != usize::MAX {
                *n -= 1;
            }
            if uri.path() == "/down" {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
        _ => StatusCode::NO_CONTENT,
    }
}

/// A receiver listening on 127.0.0.1; its base URL.
async fn receiver() -> (String, Arc<Receiver>) {
    let r = Arc::new(Receiver::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/{*path}", post(receive))
        .with_state(Arc::clone(&r));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, r)
}

/// Checks the signature as a receiver would, with its own HMAC.
fn verify(secret: &str, r: &Received) {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.", r.timestamp).as_bytes());
    mac.update(&r.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(r.signature, format!("sha256={hex}"), "{r:?}");
    assert!(r.timestamp.parse::<i64>().is_ok(), "{r:?}");
}

fn config() -> DeliveryConfig {
    DeliveryConfig {
        timeout: std::time::Duration::from_secs(5),
        max_attempts: 3,
        ..DeliveryConfig::default()
    }
}

const WORKER: &str = "test-worker";

/// Registers a webhook as `token`; the answer.
async fn register(app: &App, org: i64, token: &str, body: Value) -> common::Reply {
    app.post(
        &format!("/api/v1/organizations/{org}/webhooks"),
        token,
        body,
    )
    .await
}

/// The BOD 26-04 decisions, least urgent first.
const DECISIONS: [&str; 5] = [
    "fix on system upgrade",
    "60 days",
    "14 days",
    "3 days",
    "3 days & forensic investigation",
];

fn urgency(d: &Value) -> Option<usize> {
    DECISIONS.iter().position(|x| Some(*x) == d.as_str())
}

/// The organisation's open findings: id → (decision, deadline).
async fn open_findings(app: &App, org: i64, token: &str) -> BTreeMap<i64, (Value, Value)> {
    let list = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            token,
        )
        .await
        .json();
    list["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["finding_id"].as_i64().unwrap(),
                (f["decision"].clone(), f["deadline"].clone()),
            )
        })
        .collect()
}

async fn findings_reach_subscribed_webhooks_signed_and_once(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let (base, receiver) = receiver().await;
    // What decisions the lock's findings get, learnt on a probe organisation
    // (same kind, same asset attributes).
    let probe = app.create_org("Probe", "operator", &["finance"]).await;
    let probe_admin = app.issue_token(probe, "admin").await;
    let probe_asset = app.create_software(probe, &probe_admin, "probe").await;
    let r = app
        .upload_lock(probe_asset, &probe_admin, VULNERABLE_LOCK)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let probed = open_findings(app, probe, &probe_admin).await;
    let top = probed
        .values()
        .filter_map(|(d, _)| urgency(d))
        .max()
        .unwrap();

    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let analyst = app.issue_token(org, "analyst").await;
    let other = app.create_org("Other Bank", "operator", &["finance"]).await;
    let other_admin = app.issue_token(other, "admin").await;

    // Registration: http(s) only, known events and decisions, a usable secret.
    for (body, field) in [
        (
            json!({ "url": "ftp://127.0.0.1/x", "events": ["finding.new"] }),
            "url",
        ),
        (
            json!({ "url": "file:///etc/passwd", "events": ["finding.new"] }),
            "url",
        ),
        (
            json!({ "url": "http://u:p@127.0.0.1/x", "events": ["finding.new"] }),
            "url",
        ),
        (
            json!({ "url": format!("{base}/all"), "events": [] }),
            "events",
        ),
        (
            json!({ "url": format!("{base}/all"), "events": ["finding.gone"] }),
            "events",
        ),
        (
            json!({ "url": format!("{base}/all"), "events": ["finding.new"], "min_decision": "fix at next system upgrade" }),
            "min_decision",
        ),
        (
            json!({ "url": format!("{base}/all"), "events": ["finding.new"], "secret": "short" }),
            "secret",
        ),
    ] {
        let r = register(app, org, &admin, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.json());
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with(field), "{message}");
    }
    let secret = "a-receivers-secret-of-some-length";
    let r = register(
        app,
        org,
        &admin,
        json!({ "url": format!("{base}/all"), "secret": secret,
                "events": ["finding.new", "finding.deadline_approaching", "finding.overdue"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let all = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["secret"], secret);
    let r = register(
        app,
        org,
        &admin,
        json!({ "url": format!("{base}/urgent"), "events": ["finding.new"],
                "min_decision": DECISIONS[top] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let urgent = r.json()["id"].as_i64().unwrap();
    let urgent_secret = r.json()["secret"].as_str().unwrap().to_owned();
    assert!(
        urgent_secret.starts_with("whsec_") && urgent_secret.len() == 6 + 64,
        "a generated 256-bit secret: {urgent_secret}"
    );
    // Another organisation's webhook hears nothing of this one.
    let r = register(
        app,
        other,
        &other_admin,
        json!({ "url": format!("{base}/other"), "events": ["finding.new", "finding.overdue"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Listed without secrets, to the organisation's admin only.
    let r = app
        .get(&format!("/api/v1/organizations/{org}/webhooks"), &admin)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert!(
        !text.contains(secret) && !text.contains(&urgent_secret),
        "{text}"
    );
    let hooks = r.json()["webhooks"].as_array().unwrap().clone();
    assert_eq!(hooks.len(), 2);
    assert_eq!(
        hooks[0]["events"],
        json!([
            "finding.new",
            "finding.deadline_approaching",
            "finding.overdue"
        ])
    );
    assert_eq!(hooks[1]["min_decision"], DECISIONS[top]);
    for token in [&analyst, &other_admin, &app.nco] {
        let r = app
            .get(&format!("/api/v1/organizations/{org}/webhooks"), token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }

    // The upload writes the events with its findings; the worker sends them.
    let asset = app.create_software(org, &admin, "online banking").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let findings = open_findings(app, org, &admin).await;
    assert!(findings.len() >= 4, "{findings:?}");
    let pending = app.state.store().undispatched_events(1000).await.unwrap();
    assert_eq!(pending.len(), findings.len(), "one finding.new per finding");
    assert!(receiver.received.lock().unwrap().is_empty());

    let t0 = Timestamp::now();
    let (made, attempted) = webhooks::run_once(&app.state, WORKER, t0, &config())
        .await
        .unwrap();
    let qualifying: BTreeSet<i64> = findings
        .iter()
        .filter(|(_, (d, _))| urgency(d) >= Some(top))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(made as usize, findings.len() + qualifying.len());
    assert_eq!(attempted, made as usize);

    let got = receiver.on("/all");
    assert_eq!(got.len(), findings.len());
    let mut ids = BTreeSet::new();
    for r in &got {
        verify(secret, r);
        assert_eq!(r.event, "finding.new");
        let v = r.json();
        assert_eq!(v["event"], "finding.new");
        assert_eq!(v["organization_id"], org);
        assert!(v["id"].is_i64() && r.delivery.parse::<i64>().is_ok(), "{v}");
        let id = v["data"]["finding_id"].as_i64().unwrap();
        let (decision, deadline) = &findings[&id];
        assert_eq!(&v["data"]["decision"], decision);
        assert_eq!(&v["data"]["deadline"], deadline);
        assert_eq!(v["data"]["asset_id"], asset);
        assert_eq!(v["data"]["state"], "open");
        assert!(v["data"]["vulnerability_id"].is_string(), "{v}");
        assert!(ids.insert(id), "finding {id} twice");
    }
    assert_eq!(ids, findings.keys().copied().collect());
    // Only the findings at or above the minimum decision.
    let got = receiver.on("/urgent");
    let urgent_ids: BTreeSet<i64> = got
        .iter()
        .map(|r| {
            verify(&urgent_secret, r);
            r.json()["data"]["finding_id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(
        (urgent_ids, got.len()),
        (qualifying.clone(), qualifying.len())
    );
    if findings
        .values()
        .map(|(d, _)| urgency(d))
        .collect::<BTreeSet<_>>()
        .len()
        > 1
    {
        assert!(
            qualifying.len() < findings.len(),
            "some are below the minimum"
        );
    }
    assert!(receiver.on("/other").is_empty());
    // Nothing more to do; an upload that opens nothing sends nothing.
    assert_eq!(
        webhooks::run_once(&app.state, WORKER, t0, &config())
            .await
            .unwrap(),
        (0, 0)
    );
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        webhooks::run_once(&app.state, WORKER, t0, &config())
            .await
            .unwrap(),
        (0, 0)
    );

    // Deadlines: approaching once, then overdue once, with the clock moved.
    let deadlines: BTreeMap<i64, Timestamp> = findings
        .iter()
        .filter_map(|(id, (_, d))| Some((*id, d.as_str()?.parse().ok()?)))
        .collect();
    let first = *deadlines.values().min().unwrap();
    let soon = first - SignedDuration::from_hours(1);
    let window = soon + SignedDuration::from_hours(72);
    let approaching: BTreeSet<i64> = deadlines
        .iter()
        .filter(|(_, d)| **d >= soon && **d < window)
        .map(|(id, _)| *id)
        .collect();
    let scan = webhooks::scan_deadlines(&app.state, soon, &config())
        .await
        .unwrap();
    assert_eq!(
        (scan.approaching as usize, scan.overdue),
        (approaching.len(), 0)
    );
    assert_eq!(
        webhooks::scan_deadlines(&app.state, soon, &config())
            .await
            .unwrap(),
        Default::default(),
        "once per finding"
    );
    let late = *deadlines.values().max().unwrap() + SignedDuration::from_secs(1);
    let scan = webhooks::scan_deadlines(&app.state, late, &config())
        .await
        .unwrap();
    assert_eq!(
        (scan.approaching, scan.overdue as usize),
        (0, deadlines.len())
    );
    webhooks::run_once(&app.state, WORKER, late, &config())
        .await
        .unwrap();
    let by_event = |event: &str| -> BTreeSet<i64> {
        receiver
            .on("/all")
            .iter()
            .filter(|r| r.event == event)
            .map(|r| {
                verify(secret, r);
                r.json()["data"]["finding_id"].as_i64().unwrap()
            })
            .collect()
    };
    assert_eq!(by_event("finding.deadline_approaching"), approaching);
    assert_eq!(
        by_event("finding.overdue"),
        deadlines.keys().copied().collect()
    );
    assert_eq!(
        receiver.on("/all").len(),
        findings.len() + approaching.len() + deadlines.len()
    );
    assert_eq!(
        receiver.on("/urgent").len(),
        qualifying.len(),
        "not subscribed"
    );
    assert!(receiver.on("/other").is_empty());

    // The delivery log: the organisation's admin only.
    let path = format!("/api/v1/organizations/{org}/webhooks/{all}/deliveries");
    let r = app.get(&path, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let log = r.json()["deliveries"].as_array().unwrap().clone();
    assert_eq!(log.len(), receiver.on("/all").len());
    for d in &log {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(
            (d["attempts"].as_i64(), d["last_status"].as_i64()),
            (Some(1), Some(204))
        );
        assert!(
            d["delivered_at"].is_string() && d["next_attempt_at"].is_null(),
            "{d}"
        );
    }
    let r = app.get(&format!("{path}?limit=2"), &admin).await;
    assert_eq!(r.json()["deliveries"].as_array().unwrap().len(), 2);
    for token in [&analyst, &other_admin, &app.nco] {
        assert_eq!(app.get(&path, token).await.status, StatusCode::NOT_FOUND);
    }
    // Another organisation's webhook through this organisation: 404.
    let r = app
        .get(
            &format!("/api/v1/organizations/{other}/webhooks/{all}/deliveries"),
            &other_admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Deleted: gone with its log; others cannot delete it.
    let del = format!("/api/v1/organizations/{org}/webhooks/{urgent}");
    for token in [&analyst, &other_admin, &app.nco] {
        let r = app
            .send(Method::DELETE, &del, Some(token), RequestBody::None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = app
        .send(Method::DELETE, &del, Some(&admin), RequestBody::None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .send(Method::DELETE, &del, Some(&admin), RequestBody::None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("{del}/deliveries"), &admin).await.status,
        StatusCode::NOT_FOUND
    );
    // Registering and deleting are audited, without the secret.
    let audit = app.get("/api/v1/audit?limit=10000", &app.nco).await.json();
    let entries = audit["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("webhook."))
        .collect();
    assert_eq!(
        actions,
        [
            "webhook.create",
            "webhook.create",
            "webhook.create",
            "webhook.delete"
        ]
    );
    let text = audit.to_string();
    assert!(!text.contains(secret) && !text.contains(&urgent_secret));
    assert!(app.state.store().verify_audit().await.unwrap().is_ok());
}
both!(findings_reach_subscribed_webhooks_signed_and_once);

async fn failed_deliveries_are_retried_with_backoff_then_given_up(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let (base, receiver) = receiver().await;
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let mut hooks = BTreeMap::new();
    for (name, url) in [
        ("flaky", format!("{base}/flaky")),
        ("down", format!("{base}/down")),
        ("closed", format!("http://{closed}/hook")),
    ] {
        let r = register(
            app,
            org,
            &admin,
            json!({ "url": url, "events": ["finding.new"] }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        hooks.insert(
            name,
            (
                r.json()["id"].as_i64().unwrap(),
                r.json()["secret"].as_str().unwrap().to_owned(),
            ),
        );
    }
    let asset = app.create_software(org, &admin, "online banking").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    let n = open_findings(app, org, &admin).await.len();
    // The flaky receiver fails the first two rounds; the other never answers 2xx.
    receiver.fail("/flaky", 2 * n);
    receiver.fail("/down", usize::MAX);
    let c = config();
    let run = |now: Timestamp| webhooks::run_once(&app.state, WORKER, now, &c);
    let log = |name: &str| {
        let path = format!(
            "/api/v1/organizations/{org}/webhooks/{}/deliveries",
            hooks[name].0
        );
        let admin = admin.clone();
        async move { app.get(&path, &admin).await }
    };

    let t0 = Timestamp::now();
    assert_eq!(run(t0).await.unwrap(), (3 * n as u64, 3 * n));
    for name in ["flaky", "down", "closed"] {
        let r = log(name).await.json();
        for d in r["deliveries"].as_array().unwrap() {
            assert_eq!(d["status"], "pending", "{d}");
            assert_eq!(d["attempts"], 1);
            let next: Timestamp = d["next_attempt_at"].as_str().unwrap().parse().unwrap();
            let wait = next.duration_since(t0).as_secs();
            assert!((29..=31).contains(&wait), "first retry after 30 s: {wait}");
            match name {
                "closed" => {
                    assert!(d["last_status"].is_null(), "{d}");
                    assert!(d["last_error"].as_str().unwrap().contains("connect"), "{d}");
                }
                "down" => assert_eq!(
                    (d["last_status"].as_i64(), d["last_error"].as_str()),
                    (Some(503), Some("HTTP 503"))
                ),
                _ => assert_eq!(d["last_status"], 500),
            }
        }
    }
    // Not due yet; then the second attempt, then not due for 2 minutes.
    let secs = |s: i64| SignedDuration::from_secs(s);
    assert_eq!(run(t0 + secs(10)).await.unwrap(), (0, 0));
    assert_eq!(run(t0 + secs(31)).await.unwrap(), (0, 3 * n));
    assert_eq!(run(t0 + secs(31 + 100)).await.unwrap(), (0, 0));
    // The third: the flaky receiver takes it, the others are given up.
    assert_eq!(run(t0 + secs(31 + 121)).await.unwrap(), (0, 3 * n));
    assert_eq!(
        run(t0 + SignedDuration::from_hours(24)).await.unwrap(),
        (0, 0)
    );
    for (name, status) in [
        ("flaky", "delivered"),
        ("down", "failed"),
        ("closed", "failed"),
    ] {
        let r = log(name).await.json();
        let entries = r["deliveries"].as_array().unwrap();
        assert_eq!(entries.len(), n);
        for d in entries {
            assert_eq!(
                (d["status"].as_str(), d["attempts"].as_i64()),
                (Some(status), Some(3)),
                "{d}"
            );
            assert!(d["next_attempt_at"].is_null(), "{d}");
            if status == "failed" {
                assert!(
                    d["failed_at"].is_string() && d["delivered_at"].is_null(),
                    "{d}"
                );
            } else {
                assert_eq!(d["last_status"], 204);
                assert!(d["last_error"].is_null(), "{d}");
            }
        }
    }
    // Each retry is signed afresh and keeps its delivery id.
    for path in ["/flaky", "/down"] {
        let got = receiver.on(path);
        assert_eq!(got.len(), 3 * n);
        let secret = &hooks[&path[1..]].1;
        let mut per_delivery: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for r in &got {
            verify(secret, r);
            per_delivery
                .entry(r.delivery.clone())
                .or_default()
                .push(r.timestamp.parse().unwrap());
        }
        assert_eq!(per_delivery.len(), n);
        for times in per_delivery.values() {
            assert_eq!(times.len(), 3);
            assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
        }
    }
}
both!(failed_deliveries_are_retried_with_backoff_then_given_up);

/// An HTTPS receiver whose certificate the system does not trust: the
/// handshake is refused, nothing is sent, and the log says why.
async fn https_receivers_need_a_trusted_certificate(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let tls = yata_server::tls::server_config(&cert_path, &key_path).unwrap();
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    let listener = yata_server::tls::TlsListener::new(tcp, tls).unwrap();
    let r = Arc::new(Receiver::default());
    let receiver = Router::new()
        .route("/{*path}", post(receive))
        .with_state(Arc::clone(&r));
    let server = tokio::spawn(async move { axum::serve(listener, receiver).await });

    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let reply = register(
        app,
        org,
        &admin,
        json!({ "url": format!("https://{addr}/hook"), "events": ["finding.new"] }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let id = reply.json()["id"].as_i64().unwrap();
    let asset = app.create_software(org, &admin, "online banking").await;
    assert_eq!(
        app.upload_lock(asset, &admin, VULNERABLE_LOCK).await.status,
        StatusCode::OK
    );
    let (made, attempted) = webhooks::run_once(&app.state, WORKER, Timestamp::now(), &config())
        .await
        .unwrap();
    assert!(made > 0 && attempted == made as usize);
    assert!(r.received.lock().unwrap().is_empty());
    let log = app
        .get(
            &format!("/api/v1/organizations/{org}/webhooks/{id}/deliveries"),
            &admin,
        )
        .await
        .json();
    for d in log["deliveries"].as_array().unwrap() {
        let error = d["last_error"].as_str().unwrap();
        assert!(
            error.starts_with("tls: ") && error.contains("certificate"),
            "{error}"
        );
        assert_eq!(
            (d["status"].as_str(), d["attempts"].as_i64()),
            (Some("pending"), Some(1))
        );
    }
    server.abort();
}
both!(https_receivers_need_a_trusted_certificate);
