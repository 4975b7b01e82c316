//! The national-scale server benchmark (issue 7), printed as figures: a
//! synthetic nation in PostgreSQL, loaded, restarted, hit by a new KEV
//! entry and read under load. PostgreSQL only (SQLite is not the national
//! deployment):
//!
//! ```text
//! scripts/pg-test.sh cargo bench -p yata-server --bench national
//! YATA_NATION_ASSETS=4000 scripts/pg-test.sh cargo bench -p yata-server --bench national
//! ```
//!
//! Without `YATA_TEST_PG_URL` it stops with an error. `wrk` (Debian's
//! `apt-get install wrk`) drives the concurrent reads; without it those are
//! skipped.
//!
//! 1. **Load.** The advisories of the shared data (PyPA, Go, RustSec,
//!    CVE-5 with CISA ADP, KEV) are imported and posted to
//!    `POST /api/v1/feeds` as a snapshot. A synthetic nation
//!    (`yata_match::synth`: organisations of Zipf-skewed sizes across the
//!    15 sectors and government bodies, real package names and versions of
//!    the advisory data with Zipf popularity) gets, per organisation, an
//!    operator or government-body organisation with an admin token, every
//!    tenth one a webhook; 15 ministries (one per sector), 3 vendors and
//!    the NCO. Every asset is created and its CycloneDX JSON SBOM (the
//!    advised packages the generator draws, plus filler npm packages no
//!    advisory names, to the component count asked) is uploaded with
//!    `PUT /api/v1/assets/{id}/inventory` through the router: parse, match,
//!    one store transaction with its findings and events, filing in the
//!    population, exactly as a client's upload. Reported: wall time,
//!    components/s, findings, events, `pg_database_size` (after `VACUUM
//!    ANALYZE`, which autovacuum would run after a bulk load).
//! 2. **Replica start-up.** A second store and state on the same database,
//!    as `yata serve` starts: open (migrations checked), the latest snapshot
//!    decoded and indexed, every current inventory filed in the population.
//! 3. **Exposure and views.** `GET /api/v1/vulnerabilities/{id}/exposure`
//!    for the most-exposed vulnerability as the NCO, the ministry of its
//!    most-exposed sector and a vendor, 200 times each in sequence
//!    (in-process, p50/p99), then each with `wrk` at 200 connections for
//!    10 s over a socket; and the nation and sector views with `wrk`.
//! 4. **A new KEV entry.** (a) A CISA KEV JSON adding the most-exposed
//!    vulnerability's CVE, posted with `?wait=true`: the answer comes when
//!    every affected asset is re-evaluated and its findings persisted
//!    (re-prioritised); then the deadline scan and fan-out that queue the
//!    webhook deliveries for the now-near deadlines. (b) A zip of a new
//!    OSV advisory for the most-installed package (every version affected)
//!    with its KEV entry: findings opened, `finding.new` events written in
//!    the same transactions, then fanned out into deliveries.
//!
//! Measured 2026-11-26, release, PostgreSQL 15 from `scripts/pg-test.sh`
//! (fsync off), on 2 cores, `wrk` on the same cores. The shared corpus:
//! 53,691 records, 52,032 vulnerabilities. The generator's packages are all
//! advised ones, drawn at versions the advisories mention, so an advised
//! instance has about 21 findings: far denser than real inventories.
//! Sequential exposure figures are computed each time (a replica with
//! `view_cache` 0); the wrk figures are the server as configured (answers
//! reused for 10 s).
//!
//! | figure | 400 assets | 10,000 assets (default) |
//! |---|---|---|
//! | organisations / component instances / findings | 20 / 80 k / 79 k | 200 / 2.0 M / 2.13 M |
//! | import through the router | 7.7 s (10.5 k components/s) | 235 s (8.5 k components/s) |
//! | database size after load | 169 MiB | 3,834 MiB |
//! | replica start-up (snapshot + index / population) | 1.6 s (1.2 / 0.4) | 26.8 s (1.4 / 25.4) |
//! | exposure, sequential p50/p99: NCO, ministry, vendor (ms) | 3.0/7.3, 1.4/2.2, 0.5/0.9 | 12.2/16.4, 10.7/17.9, 4.7/6.1 |
//! | exposure under wrk -c200, p50/p99: NCO, ministry, vendor (ms) | 23/38, 27/44, 25/42 | 26/41, 25/38, 20/33 |
//! | nation, sector view under wrk -c200, p50/p99 (ms) | 21/37, 20/33 | 26/94, 30/106 |
//! | a feed upload's fixed cost (snapshot merged, stored, indexed) | 3.6 s | 5.5 s |
//! | KEV entry for the most-exposed CVE (assets, findings) | 5.7 s (137, 268) | 40.8 s (3,628, 7,388) |
//! | new advisory + KEV entry (assets, findings opened) | 4.3 s (109, 109) | 30.2 s (2,759, 2,759) |
//!
//! Earlier the same day at 2,500 and 10,000 assets, before exposure
//! answers were reused: exposure under wrk -c200 p99 1.1 s and 1.7 s (NCO),
//! bounded by ~145 computations per second on these cores.
//!
//! Scale: `YATA_NATION_ASSETS` (default 10,000), `YATA_NATION_ORGS`
//! (default one per 50 assets), `YATA_NATION_COMPONENTS` (mean components
//! per asset, default 200), `YATA_NATION_ADVISED` (mean packages per asset
//! drawn from the advisory data, default 10; the rest are filler),
//! `YATA_NATION_UPLOADS` (uploads in flight, default 4),
//! `YATA_NATION_WRK_SECS` (default 10).

use std::collections::HashMap;
use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::{Value, json};
use sqlx::{Connection, Row};
use tower::ServiceExt;
use yata_knowledge::AdvisoryDb;
use yata_match::synth::{Catalogue, Nation, NationConfig, SECTORS};
use yata_match::{AssetId as PopAssetId, InstalledPackage};
use yata_priority::Policy;
use yata_server::{AppState, ServiceConfig, auth, router};
use yata_store::testing::TestDatabase;
use yata_store::{Actor, EventKind, NewOrganization, NewToken, NewWebhook, OrgId, OrgKind, Role};

const SOURCES: &[&str] = &[
    "osv/pypa",
    "osv/Go.zip",
    "rustsec/advisory-db",
    "cve5/vulnrichment-2024-10-24.zip",
    "kev/known_exploited_vulnerabilities.json",
];

/// The store's sector codes, in the order of `synth::SECTORS` (its 16th,
/// government bodies, are `government` organisations of the government
/// sector).
const SECTOR_CODES: &[&str] = &[
    "ict",
    "finance",
    "aviation",
    "airports",
    "railways",
    "electricity",
    "gas",
    "government",
    "medical",
    "water",
    "logistics",
    "chemicals",
    "credit_cards",
    "petroleum",
    "ports",
    "government",
];

/// The new vulnerability of step 4b.
const NEW_CVE: &str = "CVE-2099-0001";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn send(
    app: &axum::Router,
    method: Method,
    path: &str,
    token: &str,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            if body.starts_with(b"{") {
                "application/json"
            } else {
                "application/octet-stream"
            },
        )
        .body(Body::from(body))
        .unwrap();
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    (
        status,
        r.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(bytes)))
}

async fn token(s: &dyn yata_store::Store, org: OrgId, role: Role) -> String {
    let secret = auth::new_secret(auth::TOKEN_PREFIX).unwrap();
    s.create_token(
        &Actor::Cli,
        &NewToken {
            hash: auth::secret_hash(&secret),
            name: "bench".into(),
            org,
            user: None,
            role,
            expires_at: None,
        },
    )
    .await
    .unwrap();
    secret
}

fn purl(p: &InstalledPackage) -> Option<String> {
    let (kind, namespace) = p.ecosystem.kind().purl()?;
    let ns = namespace.map(|n| format!("{n}/")).unwrap_or_default();
    Some(format!(
        "pkg:{kind}/{ns}{}@{}",
        p.name,
        p.version.as_deref()?
    ))
}

/// The CycloneDX JSON SBOM of one asset: its advised packages and filler
/// to `components`.
fn sbom(packages: &[&InstalledPackage], components: usize, asset: u32) -> Vec<u8> {
    let mut list: Vec<Value> = packages
        .iter()
        .filter_map(|p| purl(p))
        .map(|purl| json!({ "type": "library", "name": purl, "purl": purl }))
        .collect();
    let mut k = 0u32;
    while list.len() < components {
        // Filler: npm packages no advisory names, from a pool of 20,000.
        let n = (asset.wrapping_mul(7919).wrapping_add(k * 104_729)) % 20_000;
        list.push(json!({ "type": "library", "name": format!("filler-{n}"),
                          "purl": format!("pkg:npm/filler-{n}@1.{}.0", n % 17) }));
        k += 1;
    }
    for (i, c) in list.iter_mut().enumerate() {
        c["bom-ref"] = json!(format!("c{i}"));
    }
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": list,
    }))
    .unwrap()
}

/// p50, p99 and requests/s of a `wrk` run at 200 connections on `path`.
fn wrk(addr: std::net::SocketAddr, token: &str, path: &str, secs: u64) -> Option<String> {
    let out = Command::new("wrk")
        .args(["-t2", "-c200", &format!("-d{secs}s"), "--latency", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("http://{addr}{path}"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let pick = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    let non2xx = text
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
        .map(str::trim)
        .unwrap_or("all 2xx");
    Some(format!(
        "p50 {} p99 {} ({rps} req/s; {non2xx})",
        pick("50%"),
        pick("99%")
    ))
}

struct Loaded {
    state: AppState,
    nco: String,
    ministries: HashMap<&'static str, String>,
    vendor: String,
    /// (ecosystem, name) → installs, for the most-installed package.
    installs: HashMap<(String, String), u64>,
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let v: i64 = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut c)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let _ = c.close().await;
    v
}

async fn db_size(url: &str) -> f64 {
    scalar(url, "SELECT pg_database_size(current_database())").await as f64 / (1 << 20) as f64
}

async fn load(url: &str, db: AdvisoryDb, catalogue: &Catalogue) -> Loaded {
    let assets = env_u64("YATA_NATION_ASSETS", 10_000) as u32;
    let orgs = env_u64("YATA_NATION_ORGS", u64::from(assets / 50).max(20)) as u32;
    let components = env_u64("YATA_NATION_COMPONENTS", 200) as usize;
    let advised = env_u64("YATA_NATION_ADVISED", 10);
    let in_flight = env_u64("YATA_NATION_UPLOADS", 4) as usize;
    let nation = Nation::generate(&NationConfig {
        organisations: orgs,
        assets,
        instances: u64::from(assets) * advised,
        ..NationConfig::national()
    });
    assert_eq!(SECTORS.len(), SECTOR_CODES.len());

    let store = yata_store::open(url).await.unwrap();
    let state = AppState::new(store, Policy::default(), ServiceConfig::default());
    state.set_ready();
    let s = state.store();
    let nco_org = s.nco_organization(&Actor::Cli).await.unwrap();
    let nco = token(s, nco_org, Role::Admin).await;
    let app = router(state.clone());

    // The advisories, as an NCO admin posts a snapshot.
    let started = Instant::now();
    let snapshot = yata_knowledge::snapshot::encode(&db, Timestamp::now()).unwrap();
    let snapshot_mb = snapshot.len() as f64 / 1e6;
    let (status, reply) = send(
        &app,
        Method::POST,
        "/api/v1/feeds?wait=true",
        &nco,
        snapshot,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", json_of(&reply));
    println!(
        "feeds: {} vulnerabilities, snapshot {snapshot_mb:.0} MB, posted in {:.1} s",
        db.len(),
        started.elapsed().as_secs_f64()
    );

    // Organisations, tokens, webhooks.
    let started = Instant::now();
    let mut ministries = HashMap::new();
    for (i, code) in SECTOR_CODES.iter().take(15).enumerate() {
        let m = s
            .create_organization(
                &Actor::Cli,
                &NewOrganization {
                    name: format!("Ministry {i} ({code})"),
                    kind: OrgKind::Ministry,
                    sectors: vec![(*code).to_owned()],
                },
            )
            .await
            .unwrap();
        ministries.insert(*code, token(s, m, Role::Viewer).await);
    }
    let mut vendor = String::new();
    for i in 0..3 {
        let v = s
            .create_organization(
                &Actor::Cli,
                &NewOrganization {
                    name: format!("Vendor {i}"),
                    kind: OrgKind::Vendor,
                    sectors: Vec::new(),
                },
            )
            .await
            .unwrap();
        vendor = token(s, v, Role::Viewer).await;
    }
    let mut org_tokens = Vec::with_capacity(nation.organisations().len());
    let mut hooked = 0;
    for o in nation.organisations() {
        let government = usize::from(o.sector) == SECTORS.len() - 1;
        let id = s
            .create_organization(
                &Actor::Cli,
                &NewOrganization {
                    name: format!("Organisation {}", o.id),
                    kind: if government {
                        OrgKind::Government
                    } else {
                        OrgKind::Operator
                    },
                    sectors: vec![SECTOR_CODES[usize::from(o.sector)].to_owned()],
                },
            )
            .await
            .unwrap();
        if o.id % 10 == 0 {
            s.create_webhook(
                &Actor::Cli,
                &NewWebhook {
                    org: id,
                    url: "http://127.0.0.1:9/hook".into(),
                    events: vec![
                        EventKind::FindingNew,
                        EventKind::DeadlineApproaching,
                        EventKind::Overdue,
                    ],
                    min_decision: None,
                    secret: "whsec_bench".into(),
                },
            )
            .await
            .unwrap();
            hooked += 1;
        }
        org_tokens.push((id, token(s, id, Role::Admin).await));
    }
    println!(
        "nation: {} organisations ({hooked} with a webhook) + 15 ministries + 3 vendors + NCO, made in {:.1} s",
        nation.organisations().len(),
        started.elapsed().as_secs_f64()
    );

    // Assets and their uploads, `in_flight` at a time.
    let nation = Arc::new(nation);
    let catalogue = Arc::new(catalogue.clone());
    let org_tokens = Arc::new(org_tokens);
    let started = Instant::now();
    let mut installs: HashMap<(String, String), u64> = HashMap::new();
    let mut instances = 0u64;
    let mut advised_instances = 0u64;
    let mut set = tokio::task::JoinSet::new();
    let mut next = 0usize;
    let orgs_list: Vec<(usize, u32)> = nation
        .organisations()
        .iter()
        .enumerate()
        .flat_map(|(i, o)| o.assets.clone().map(move |a| (i, a)))
        .collect();
    let total = orgs_list.len();
    let mut done = 0usize;
    let mut findings_opened = 0u64;
    let mut last_report = Instant::now();
    while done < total {
        while set.len() < in_flight && next < total {
            let (oi, a) = orgs_list[next];
            next += 1;
            let packages: Vec<InstalledPackage> = nation
                .packages_of(&catalogue, PopAssetId(a))
                .into_iter()
                .cloned()
                .collect();
            for p in &packages {
                *installs
                    .entry((p.ecosystem.to_string(), p.name.clone()))
                    .or_default() += 1;
            }
            advised_instances += packages.len() as u64;
            instances += packages.len().max(components) as u64;
            let (app, org_tokens) = (app.clone(), Arc::clone(&org_tokens));
            let criticality = ["low", "medium", "high", "very-high"][(a % 4) as usize];
            set.spawn(async move {
                let (org, secret) = &org_tokens[oi];
                let body = {
                    let refs: Vec<&InstalledPackage> = packages.iter().collect();
                    sbom(&refs, components, a)
                };
                let (status, reply) = send(
                    &app,
                    Method::POST,
                    &format!("/api/v1/organizations/{}/assets", org.0),
                    secret,
                    serde_json::to_vec(&json!({
                        "name": format!("asset-{a}"),
                        "kind": "software",
                        "internet_exposed": a % 3 == 0,
                        "criticality": criticality,
                    }))
                    .unwrap(),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{}", json_of(&reply));
                let id = json_of(&reply)["id"].as_i64().unwrap();
                let (status, reply) = send(
                    &app,
                    Method::PUT,
                    &format!("/api/v1/assets/{id}/inventory?format=cyclonedx-json"),
                    secret,
                    body,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{}", json_of(&reply));
                json_of(&reply)["findings"]["opened"].as_u64().unwrap_or(0)
            });
        }
        if let Some(r) = set.join_next().await {
            findings_opened += r.unwrap();
            done += 1;
        }
        if last_report.elapsed() > Duration::from_secs(60) {
            last_report = Instant::now();
            eprintln!(
                "  … {done}/{total} assets, {findings_opened} findings, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let vacuum = Instant::now();
    {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql("VACUUM ANALYZE")
            .execute(&mut c)
            .await
            .unwrap();
        let _ = c.close().await;
    }
    let vacuum = vacuum.elapsed().as_secs_f64();
    let findings = scalar(url, "SELECT COUNT(*) FROM findings").await;
    let events = scalar(url, "SELECT COUNT(*) FROM events").await;
    println!(
        "scale: {} organisations, {total} assets, {instances} component instances ({advised_instances} of advised packages), {findings} findings, {events} webhook events",
        nation.organisations().len()
    );
    println!(
        "import: {secs:.1} s through the router ({in_flight} uploads in flight), {:.0} components/s, {:.0} assets/s, {:.0} findings/s; VACUUM ANALYZE {vacuum:.1} s",
        instances as f64 / secs,
        total as f64 / secs,
        findings as f64 / secs
    );
    println!("database size: {:.0} MiB", db_size(url).await);
    // What the delivery loop does next: the load's events fanned out, the
    // deadline scan's first pass.
    let (scanned, deliveries, took) = queue_webhooks(&state).await;
    println!(
        "after the load: deadline scan + fan-out {:.1} s ({} approaching, {} overdue events; {deliveries} deliveries queued)",
        took.as_secs_f64(),
        scanned.approaching,
        scanned.overdue
    );
    Loaded {
        state,
        nco,
        ministries,
        vendor,
        installs,
    }
}

/// As `yata serve` starts: store opened, snapshot loaded, population filed.
async fn start_replica(url: &str) {
    let started = Instant::now();
    let store = yata_store::open(url).await.unwrap();
    let opened = started.elapsed();
    let state = AppState::new(store, Policy::default(), ServiceConfig::default());
    let t = Instant::now();
    yata_server::api::feeds::reload(&state).await.unwrap();
    let knowledge = t.elapsed();
    let t = Instant::now();
    let _changes = state.store().changes().await.unwrap();
    let assets = yata_server::reevaluate::load_installed(&state)
        .await
        .unwrap();
    let population = t.elapsed();
    state.set_ready();
    println!(
        "replica start-up: {:.1} s to ready (open + migrations check {:.0} ms, snapshot decode + index build {:.1} s, {assets} inventories filed in the population {:.1} s)",
        started.elapsed().as_secs_f64(),
        ms(opened),
        knowledge.as_secs_f64(),
        population.as_secs_f64()
    );
    state.store().close().await.unwrap();
}

/// The most-exposed vulnerability: its stored id and its exposed findings.
async fn most_exposed(url: &str) -> (String, i64) {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let row = sqlx::query(
        "SELECT vuln_id, COUNT(*) AS n FROM findings WHERE present AND state NOT IN \
         ('fixed', 'not_affected', 'false_positive') GROUP BY vuln_id ORDER BY n DESC, vuln_id LIMIT 1",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    let _ = c.close().await;
    (row.get("vuln_id"), row.get("n"))
}

/// The scan nodes of PostgreSQL's plan for `sql`, with its execution time.
async fn plan(url: &str, sql: &str) -> String {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN ANALYZE {sql}")))
        .fetch_all(&mut c)
        .await
        .unwrap();
    let _ = c.close().await;
    rows.iter()
        .map(|r| r.get::<String, _>(0))
        .filter(|l| l.contains("Scan") || l.contains("Heap Fetches") || l.contains("Execution"))
        .map(|l| l.trim().trim_start_matches("->").trim().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Sequential latency of `path` as `token`, in process.
async fn sequential(app: &axum::Router, path: &str, token: &str, n: usize) -> (f64, f64, usize) {
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for _ in 0..n {
        let t = Instant::now();
        let (status, body) = send(app, Method::GET, path, token, Vec::new()).await;
        times.push(ms(t.elapsed()));
        assert_eq!(status, StatusCode::OK, "{}", json_of(&body));
        size = body.len();
    }
    times.sort_by(f64::total_cmp);
    (percentile(&times, 0.5), percentile(&times, 0.99), size)
}

fn kev_catalog(cve: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2099.01.01",
        "dateReleased": "2099-01-01T00:00:00.000Z",
        "count": 1,
        "vulnerabilities": [{
            "cveID": cve,
            "vendorProject": "Bench",
            "product": "Bench",
            "vulnerabilityName": "Benchmark vulnerability",
            "dateAdded": "2026-11-26",
            "shortDescription": "A vulnerability added by the national benchmark.",
            "requiredAction": "Apply updates per vendor instructions.",
            "dueDate": "2026-12-17",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "",
            "cwes": []
        }]
    }))
    .unwrap()
}

/// Events and deliveries after a change: the deadline scan and the fan-out
/// the delivery loop runs.
async fn queue_webhooks(state: &AppState) -> (yata_store::DeadlineEvents, u64, Duration) {
    let t = Instant::now();
    let scanned = yata_server::webhooks::scan_deadlines(
        state,
        Timestamp::now(),
        &yata_server::webhooks::DeliveryConfig::default(),
    )
    .await
    .unwrap();
    let deliveries = yata_server::webhooks::dispatch(state, Timestamp::now())
        .await
        .unwrap();
    (scanned, deliveries, t.elapsed())
}

async fn run(db: TestDatabase, advisories: AdvisoryDb, catalogue: &Catalogue) {
    let url = db.url.clone();
    let loaded = load(&url, advisories, catalogue).await;
    start_replica(&url).await;

    let state = loaded.state.clone();
    let app = router(state.clone());
    // Sequential figures measure the computation: a replica of its own
    // whose views and exposure answers are never reused (view_cache 0).
    // The wrk figures are the server as configured (answers reused for
    // view_cache, 10 s).
    let uncached = AppState::new(
        yata_store::open(&url).await.unwrap(),
        Policy::default(),
        ServiceConfig {
            view_cache: std::time::Duration::ZERO,
            ..ServiceConfig::default()
        },
    );
    yata_server::api::feeds::reload(&uncached).await.unwrap();
    uncached.set_ready();
    let (vuln, exposed) = most_exposed(&url).await;
    let path = format!("/api/v1/vulnerabilities/{vuln}/exposure");
    let nco_view = json_of(
        &send(&app, Method::GET, &path, &loaded.nco, Vec::new())
            .await
            .1,
    );
    // The ministry of the sector with the most exposed organisations.
    let sector = nco_view["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|s| s["organizations"].as_u64().unwrap_or(0))
        .and_then(|s| s["sector"].as_str())
        .unwrap()
        .to_owned();
    let ministry = loaded.ministries[sector.as_str()].clone();
    println!(
        "most exposed: {vuln}: {exposed} findings, {} organisations, {} assets; ministry of {sector}",
        nco_view["organizations"], nco_view["assets"]
    );
    println!(
        "plan of the exposure count: {}",
        plan(
            &url,
            &format!(
                "SELECT org_id, COUNT(*) AS assets, SUM(n) FROM (SELECT org_id, asset_id, COUNT(*) AS n \
                 FROM findings WHERE vuln_id IN ('{vuln}') AND present AND state NOT IN \
                 ('fixed', 'not_affected', 'false_positive') GROUP BY org_id, asset_id) AS e GROUP BY org_id"
            )
        )
        .await
    );
    for (role, token) in [
        ("NCO", &loaded.nco),
        ("ministry", &ministry),
        ("vendor", &loaded.vendor),
    ] {
        let (p50, p99, size) = sequential(&router(uncached.clone()), &path, token, 200).await;
        println!(
            "exposure as {role}, sequential (200, in process, computed each time): p50 {p50:.1} ms, p99 {p99:.1} ms ({:.0} kB)",
            size as f64 / 1e3
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let secs = env_u64("YATA_NATION_WRK_SECS", 10);
    let nation_path = "/api/v1/summary".to_owned();
    let sector_path = format!("/api/v1/sectors/{sector}/summary");
    for (what, token, path) in [
        ("exposure as NCO", &loaded.nco, &path),
        ("exposure as ministry", &ministry, &path),
        ("exposure as vendor", &loaded.vendor, &path),
        ("nation view (NCO)", &loaded.nco, &nation_path),
        ("sector view (ministry)", &ministry, &sector_path),
    ] {
        let (status, body) =
            send(&router(state.clone()), Method::GET, path, token, Vec::new()).await;
        assert_eq!(status, StatusCode::OK, "{}", json_of(&body));
        match wrk(addr, token, path, secs) {
            Some(figures) => println!(
                "wrk 200 connections {secs} s, {what} ({:.0} kB): {figures}",
                body.len() as f64 / 1e3
            ),
            None => println!("wrk not available (apt-get install wrk): {what} not measured"),
        }
    }
    server.abort();

    // 4. The fixed cost of any feed upload (merge into the stored snapshot,
    // store it, rebuild the index): a KEV entry for a CVE no one has.
    let app = router(state.clone());
    let t = Instant::now();
    let (status, reply) = send(
        &app,
        Method::POST,
        "/api/v1/feeds?format=kev-json&wait=true",
        &loaded.nco,
        kev_catalog("CVE-2099-0002"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", json_of(&reply));
    println!(
        "KEV entry for a CVE no one has (the fixed cost: snapshot merged, stored, index rebuilt): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // 4a. A KEV entry for the most-exposed vulnerability's CVE.
    let cve = {
        let k = state.knowledge();
        let v = k.db.get(&vuln.parse().unwrap()).unwrap();
        std::iter::once(v.id())
            .chain(v.aliases())
            .map(|a| a.as_str().to_owned())
            .find(|a| a.starts_with("CVE-"))
    };
    match cve {
        Some(cve) => {
            let t = Instant::now();
            let (status, reply) = send(
                &app,
                Method::POST,
                "/api/v1/feeds?format=kev-json&wait=true",
                &loaded.nco,
                kev_catalog(&cve),
            )
            .await;
            let persisted = t.elapsed();
            assert_eq!(status, StatusCode::OK, "{}", json_of(&reply));
            let reply = json_of(&reply);
            let (scanned, deliveries, queued) = queue_webhooks(&state).await;
            println!(
                "KEV entry for {cve} ({exposed} exposed findings): re-evaluated and persisted in {:.2} s ({} assets; findings {}); deadline scan + fan-out {:.2} s ({} approaching, {} overdue events, {deliveries} deliveries queued); total {:.2} s",
                persisted.as_secs_f64(),
                reply["reevaluated"]["assets"],
                reply["reevaluated"]["findings"],
                queued.as_secs_f64(),
                scanned.approaching,
                scanned.overdue,
                (persisted + queued).as_secs_f64()
            );
        }
        None => println!("KEV entry: {vuln} has no CVE id; skipped"),
    }

    // 4b. A new advisory for the most-installed package, with its KEV entry.
    let ((eco, name), installs) = loaded
        .installs
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone())))
        .map(|(k, n)| (k.clone(), *n))
        .unwrap();
    let range_type = if eco == "PyPI" { "ECOSYSTEM" } else { "SEMVER" };
    let osv = json!({
        "schema_version": "1.6.0",
        "id": "BENCH-2099-0001",
        "modified": "2026-11-26T00:00:00Z",
        "published": "2026-11-26T00:00:00Z",
        "aliases": [NEW_CVE],
        "summary": "A benchmark zero-day in every version",
        "affected": [{
            "package": { "ecosystem": eco, "name": name },
            "ranges": [{ "type": range_type, "events": [{ "introduced": "0" }] }]
        }]
    });
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("osv/BENCH-2099-0001.json", options).unwrap();
    zip.write_all(&serde_json::to_vec(&osv).unwrap()).unwrap();
    zip.start_file("kev/known_exploited_vulnerabilities.json", options)
        .unwrap();
    zip.write_all(&kev_catalog(NEW_CVE)).unwrap();
    let body = zip.finish().unwrap().into_inner();
    let events_before = scalar(&url, "SELECT COUNT(*) FROM events").await;
    let t = Instant::now();
    let (status, reply) = send(
        &app,
        Method::POST,
        "/api/v1/feeds?wait=true",
        &loaded.nco,
        body,
    )
    .await;
    let persisted = t.elapsed();
    assert_eq!(status, StatusCode::OK, "{}", json_of(&reply));
    let reply = json_of(&reply);
    let written = scalar(&url, "SELECT COUNT(*) FROM events").await - events_before;
    let (scanned, deliveries, queued) = queue_webhooks(&state).await;
    println!(
        "new advisory + KEV entry {NEW_CVE} on {eco}/{name} ({installs} installs): re-evaluated and persisted in {:.2} s ({} assets; findings {}; {written} finding.new events written with them); deadline scan + fan-out {:.2} s ({} approaching events, {deliveries} deliveries queued); total {:.2} s",
        persisted.as_secs_f64(),
        reply["reevaluated"]["assets"],
        reply["reevaluated"]["findings"],
        queued.as_secs_f64(),
        scanned.approaching,
        (persisted + queued).as_secs_f64()
    );
    let new_path = format!("/api/v1/vulnerabilities/{NEW_CVE}/exposure");
    yata_server::api::feeds::reload(&uncached).await.unwrap();
    for (role, token) in [("NCO", &loaded.nco), ("vendor", &loaded.vendor)] {
        let (p50, p99, size) = sequential(&router(uncached.clone()), &new_path, token, 100).await;
        println!(
            "exposure of {NEW_CVE} as {role}, sequential (100): p50 {p50:.1} ms, p99 {p99:.1} ms ({:.0} kB)",
            size as f64 / 1e3
        );
    }
    println!("database size at the end: {:.0} MiB", db_size(&url).await);
    uncached.store().close().await.unwrap();
    state.store().close().await.unwrap();
    db.finish().await;
}

fn main() {
    // The server's warnings and errors (an internal error's cause).
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .init();
    if std::env::var(yata_store::testing::PG_ENV).is_err() {
        eprintln!(
            "error: the national benchmark needs PostgreSQL: set {} or run under scripts/pg-test.sh",
            yata_store::testing::PG_ENV
        );
        std::process::exit(2);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let mut records = Vec::new();
    for source in SOURCES {
        let path = yata_testdata::path(source).unwrap_or_else(|| panic!("shared data: {source}"));
        let r = yata_feeds::import::import(&path, &Default::default(), &|_| {}).unwrap();
        records.extend(r.records);
    }
    let db = AdvisoryDb::new(records);
    let catalogue = Catalogue::from_records(db.records(), 1.0);
    println!(
        "advisories: {} records, {} vulnerabilities, {} packages / {} versions to draw from, imported in {:.1} s",
        db.records().len(),
        db.len(),
        catalogue.packages(),
        catalogue.package_versions(),
        started.elapsed().as_secs_f64()
    );
    let pg = rt
        .block_on(TestDatabase::postgres())
        .expect("PostgreSQL test database");
    rt.block_on(run(pg, db, &catalogue));
}
