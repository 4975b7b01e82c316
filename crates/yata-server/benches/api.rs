//! Server benchmarks of issue 6, printed as figures (each scenario runs
//! once at full size; a criterion loop would take an hour):
//!
//! 1. inventory upload end to end: a 100,000-component CycloneDX JSON SBOM
//!    PUT through the router (parse, match against the Go advisories of the
//!    shared OSV data, one store transaction with its findings);
//! 2. findings listing: `GET /organizations/{org}/findings` for an
//!    organisation with 100,000 findings;
//! 3. concurrent reads: `wrk` (Debian's) with 200 connections against a
//!    real socket for 10 s each on two read endpoints, p50/p99.
//!
//! Each on SQLite, and on PostgreSQL when `YATA_TEST_PG_URL` names a server
//! (`scripts/pg-test.sh cargo bench -p yata-server --bench api`).
//! `YATA_BENCH_COMPONENTS` and `YATA_BENCH_FINDINGS` scale the sizes;
//! `YATA_BENCH_GO_EVERY` sets how many components are advised Go modules;
//! `YATA_BENCH_ONLY=upload` stops after the upload.

use std::process::Command;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::{Value, json};
use tower::ServiceExt;
use yata_match::synth::{Catalogue, SplitMix64};
use yata_priority::Policy;
use yata_server::{AppState, Knowledge, ServiceConfig, auth, router};
use yata_store::testing::TestDatabase;
use yata_store::{
    Actor, AssetKind, Criticality, NewAsset, NewInventory, NewOrganization, NewToken, Observation,
    OrgKind, Role,
};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The Go advisories of the shared OSV data.
fn knowledge() -> (Knowledge, Catalogue) {
    let zip = yata_testdata::path("osv/Go.zip").expect("shared data: osv/Go.zip");
    let result = yata_feeds::import::import(&zip, &Default::default(), &|_| {}).unwrap();
    let db = yata_knowledge::AdvisoryDb::new(result.records);
    let catalogue = Catalogue::from_records(db.records(), 1.0);
    (Knowledge::new(db, Some("bench".into())), catalogue)
}

/// `n` components: one in `go_every` (`YATA_BENCH_GO_EVERY`, default 10;
/// 0: none) a Go module at a version the advisories mention (many
/// affected), the rest npm packages no advisory names.
fn sbom(n: usize, catalogue: &Catalogue) -> Vec<u8> {
    let go_every = env_usize("YATA_BENCH_GO_EVERY", 10);
    let go = catalogue.installs();
    let mut rng = SplitMix64::new(7);
    let components: Vec<Value> = (0..n)
        .map(|i| {
            let purl = if go_every > 0 && i % go_every == 0 && !go.is_empty() {
                let p = &go[rng.below(go.len() as u64) as usize];
                format!(
                    "pkg:golang/{}@{}",
                    p.name,
                    p.version.as_deref().unwrap_or("v0.0.0")
                )
            } else {
                format!("pkg:npm/bench-pkg-{i}@1.{}.{}", i % 40, i % 9)
            };
            json!({ "type": "library", "bom-ref": format!("c{i}"), "name": format!("c{i}"), "purl": purl })
        })
        .collect();
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components,
    }))
    .unwrap()
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
        .body(Body::from(body))
        .unwrap();
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    (
        status,
        r.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

async fn run(
    name: &str,
    db: TestDatabase,
    k: &(Knowledge, Catalogue),
    components: usize,
    findings: usize,
) {
    let store = yata_store::open(&db.url).await.unwrap();
    let state = AppState::new(store, Policy::default(), ServiceConfig::default());
    state.set_knowledge(Knowledge::new(
        yata_knowledge::snapshot::decode(
            &yata_knowledge::snapshot::encode(&k.0.db, Timestamp::now()).unwrap(),
        )
        .unwrap()
        .db,
        Some("bench".into()),
    ));
    state.set_ready();
    let s = state.store();
    let org = s
        .create_organization(
            &Actor::Cli,
            &NewOrganization {
                name: "Bench".into(),
                kind: OrgKind::Operator,
                sectors: vec!["ict".into()],
            },
        )
        .await
        .unwrap();
    let secret = auth::new_secret(auth::TOKEN_PREFIX).unwrap();
    s.create_token(
        &Actor::Cli,
        &NewToken {
            hash: auth::secret_hash(&secret),
            name: "bench".into(),
            org,
            user: None,
            role: Role::Admin,
            expires_at: None,
        },
    )
    .await
    .unwrap();
    let app = router(state.clone());
    let new_asset = |name: &str| NewAsset {
        org,
        name: name.into(),
        kind: AssetKind::Software,
        internet_exposed: true,
        criticality: Criticality::High,
        vendor: None,
        product: None,
        version: None,
        cpe: None,
    };

    // 1. Upload.
    let asset = s
        .create_asset(&Actor::Cli, &new_asset("upload"))
        .await
        .unwrap();
    let body = sbom(components, &k.1);
    let mb = body.len() as f64 / 1e6;
    let started = Instant::now();
    let (status, reply) = send(
        &app,
        Method::PUT,
        &format!("/api/v1/assets/{}/inventory?format=cyclonedx-json", asset.0),
        &secret,
        body,
    )
    .await;
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply)
    );
    let reply: Value = serde_json::from_slice(&reply).unwrap();
    println!(
        "{name}: upload {components} components ({mb:.0} MB, {} findings opened): {secs:.2} s, {:.0} components/s",
        reply["findings"]["opened"],
        components as f64 / secs
    );

    if std::env::var("YATA_BENCH_ONLY").is_ok_and(|v| v == "upload") {
        state.store().close().await.unwrap();
        db.finish().await;
        return;
    }

    // 2. Listing an organisation's 100k findings.
    let listed = s
        .create_asset(&Actor::Cli, &new_asset("listing"))
        .await
        .unwrap();
    let (_, sample) = send(
        &app,
        Method::GET,
        &format!("/api/v1/organizations/{}/findings", org.0),
        &secret,
        Vec::new(),
    )
    .await;
    let sample: Value = serde_json::from_slice(&sample).unwrap();
    let explanation = sample["findings"][0].clone();
    let observations: Vec<Observation> = (0..findings)
        .map(|i| Observation {
            vuln_id: format!("GO-2099-{i:05}"),
            subject: format!("pkg:golang/example.com/m{i}@v1.0.0"),
            decision: Some("14 days".into()),
            deadline: Some(
                Timestamp::now() + jiff::SignedDuration::from_hours(24 * (i % 60) as i64),
            ),
            kev: i % 50 == 0,
            epss: Some(0.01),
            explanation: explanation.to_string(),
        })
        .collect();
    let started = Instant::now();
    s.replace_inventory(
        &Actor::Cli,
        &NewInventory {
            asset: listed,
            format: "cyclonedx-json".into(),
            digest: "0".repeat(64),
            components: findings as u64,
            encoding: "raw".into(),
            body: b"{}".to_vec(),
        },
        &observations,
    )
    .await
    .unwrap();
    println!(
        "{name}: storing {findings} findings in one transaction: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let path = format!(
        "/api/v1/organizations/{}/findings?asset={}",
        org.0, listed.0
    );
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let (status, bytes) = send(&app, Method::GET, &path, &secret, Vec::new()).await;
        times.push(started.elapsed().as_secs_f64());
        assert_eq!(status, StatusCode::OK);
        size = bytes.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{name}: listing {findings} findings ({:.0} MB of JSON): best {:.2} s, median {:.2} s of 5",
        size as f64 / 1e6,
        times[0],
        times[2]
    );

    // 3. Concurrent reads over a real socket.
    let small = s
        .create_asset(&Actor::Cli, &new_asset("small"))
        .await
        .unwrap();
    let few: Vec<Observation> = observations.iter().take(50).cloned().collect();
    s.replace_inventory(
        &Actor::Cli,
        &NewInventory {
            asset: small,
            format: "cyclonedx-json".into(),
            digest: "1".repeat(64),
            components: 50,
            encoding: "raw".into(),
            body: b"{}".to_vec(),
        },
        &few,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    for (what, path) in [
        ("GET asset", format!("/api/v1/assets/{}", small.0)),
        (
            "GET 50 findings",
            format!("/api/v1/organizations/{}/findings?asset={}", org.0, small.0),
        ),
    ] {
        let out = Command::new("wrk")
            .args(["-t2", "-c200", "-d10s", "--latency", "-H"])
            .arg(format!("Authorization: Bearer {secret}"))
            .arg(format!("http://{addr}{path}"))
            .output();
        match out {
            Ok(o) if o.status.success() => {
                let text = String::from_utf8_lossy(&o.stdout);
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
                    .unwrap_or("?");
                let non2xx = text
                    .lines()
                    .find(|l| l.contains("Non-2xx"))
                    .unwrap_or("all 2xx");
                println!(
                    "{name}: wrk 200 connections, {what}: p50 {} p99 {} ({rps}; {non2xx})",
                    pick("50%"),
                    pick("99%")
                );
            }
            _ => println!(
                "{name}: wrk not available (apt-get install wrk): concurrent reads not measured"
            ),
        }
    }
    server.abort();
    state.store().close().await.unwrap();
    db.finish().await;
}

fn main() {
    let components = env_usize("YATA_BENCH_COMPONENTS", 100_000);
    let findings = env_usize("YATA_BENCH_FINDINGS", 100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let k = knowledge();
    println!(
        "knowledge: {} Go vulnerabilities, {} package versions, loaded in {:.1} s",
        k.0.db.len(),
        k.1.installs().len(),
        started.elapsed().as_secs_f64()
    );
    rt.block_on(run(
        "sqlite",
        TestDatabase::sqlite(),
        &k,
        components,
        findings,
    ));
    if let Some(db) = rt.block_on(TestDatabase::postgres()) {
        rt.block_on(run("postgres", db, &k, components, findings));
    }
}
