//! Scheduled feed sources: a local directory and an HTTP location synced by
//! jobs, conditional requests, unchanged content skipped, failures recorded
//! with nothing changed, the API listing them. Real data: RustSec
//! advisories and the CISA KEV catalogue of `../shared/data`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use common::{App, Backend, RequestBody, VULNERABLE_LOCK};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yata_server::ServiceConfig;
use yata_server::config::{FeedSource, FeedsConfig, Location};

fn source(name: &str, location: Location) -> FeedSource {
    FeedSource {
        name: name.into(),
        location,
        format: None,
        every: jiff::SignedDuration::from_hours(1),
    }
}

async fn app(backend: Backend, sources: Vec<FeedSource>) -> Option<App> {
    let config = ServiceConfig {
        feeds: FeedsConfig {
            sources,
            ..FeedsConfig::default()
        },
        ..ServiceConfig::default()
    };
    common::app_with(backend, config).await
}

/// Runs every due job; how many.
async fn run_jobs(app: &App) -> usize {
    let mut n = 0;
    while yata_server::jobs::run_one(&app.state, "test-worker")
        .await
        .unwrap()
    {
        n += 1;
    }
    n
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn rustsec(krate: &str) -> Option<PathBuf> {
    yata_testdata::path(&format!("rustsec/advisory-db/crates/{krate}"))
}

async fn vulns_of(app: &App, org: i64, token: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/organizations/{org}/findings"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut ids: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let aliases = f["aliases"].as_array().cloned().unwrap_or_default();
            std::iter::once(f["id"].clone()).chain(aliases)
        })
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn source_state(app: &App, name: &str) -> Value {
    let r = app.get("/api/v1/feeds/sources", &app.nco).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    r.json()["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .cloned()
        .unwrap()
}

async fn a_directory_source_is_synced_when_it_changes(backend: Backend) {
    let (Some(smallvec), Some(time)) = (rustsec("smallvec"), rustsec("time")) else {
        return;
    };
    let mirror = tempfile::tempdir().unwrap();
    copy_dir(&smallvec, &mirror.path().join("crates/smallvec"));
    let Some(app) = app(
        backend,
        vec![source("mirror", Location::Path(mirror.path().to_owned()))],
    )
    .await
    else {
        return;
    };
    let org = app
        .create_org("Tokyo Power", "operator", &["electricity"])
        .await;
    let token = app.issue_token(org, "analyst").await;
    let asset = app.create_software(org, &token, "billing").await;
    let r = app.upload_lock(asset, &token, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert!(vulns_of(&app, org, &token).await.is_empty());

    // New source: due at once, queued once however often the scheduler
    // looks, with the periodic expiries and deadline scan.
    assert_eq!(yata_server::jobs::schedule(&app.state).await.unwrap(), 3);
    assert_eq!(yata_server::jobs::schedule(&app.state).await.unwrap(), 0);
    assert_eq!(
        run_jobs(&app).await,
        4,
        "the sync, its re-evaluation, the expiries, the deadline scan"
    );
    let mut names: Vec<String> = app
        .state
        .store()
        .schedules()
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    names.sort();
    assert_eq!(names, ["deadline-scan", "expiries", "feed-sync:mirror"]);
    let found = vulns_of(&app, org, &token).await;
    assert!(found.contains(&"RUSTSEC-2021-0003".to_owned()), "{found:?}");
    assert!(
        !found.contains(&"RUSTSEC-2020-0071".to_owned()),
        "{found:?}"
    );
    let s = source_state(&app, "mirror").await;
    assert_eq!(s["outcome"], "imported", "{s}");
    assert!(s["message"].as_str().unwrap().contains("5 added"), "{s}");

    // Nothing changed on disk: nothing imported, no new snapshot.
    let digest = app.state.knowledge().digest.clone();
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds/sources/mirror/sync",
            Some(&app.nco),
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.json());
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(source_state(&app, "mirror").await["outcome"], "unchanged");
    assert_eq!(app.state.knowledge().digest, digest);

    // A new file: imported and merged with what was there.
    copy_dir(&time, &mirror.path().join("crates/time"));
    app.state
        .store()
        .sync_feed_now(&yata_store::Actor::Cli, "mirror")
        .await
        .unwrap();
    assert_eq!(run_jobs(&app).await, 2);
    let found = vulns_of(&app, org, &token).await;
    assert!(found.contains(&"RUSTSEC-2021-0003".to_owned()), "{found:?}");
    assert!(found.contains(&"RUSTSEC-2020-0071".to_owned()), "{found:?}");

    // A broken advisory refuses the import; the knowledge stays.
    let digest = app.state.knowledge().digest.clone();
    std::fs::write(
        mirror.path().join("crates/time/RUSTSEC-2099-0001.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \n```\n# broken\n",
    )
    .unwrap();
    app.state
        .store()
        .sync_feed_now(&yata_store::Actor::Cli, "mirror")
        .await
        .unwrap();
    assert_eq!(run_jobs(&app).await, 1);
    let s = source_state(&app, "mirror").await;
    assert_eq!(s["outcome"], "failed", "{s}");
    assert!(
        s["message"].as_str().unwrap().contains("RUSTSEC-2099-0001"),
        "{s}"
    );
    assert_eq!(app.state.knowledge().digest, digest);

    // Not configured: 404; not the NCO admin: 403.
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds/sources/elsewhere/sync",
            Some(&app.nco),
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds/sources/mirror/sync",
            Some(&token),
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.finish().await;
}

/// What the test's feed server answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// 200 with an ETag; 304 when asked with it.
    Conditional,
    /// 200 with the body whatever the request says.
    IgnoreConditions,
    /// 302 to `/kev.json`.
    Redirect,
    Status(u16),
}

/// A request as the test server saw it: path and `If-None-Match`.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A one-request-per-connection HTTP/1.1 server on 127.0.0.1: `answer`
/// makes the whole response from the path and `If-None-Match`.
async fn http_server(
    answer: impl Fn(&str, Option<&str>) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let (log, answer) = (log.clone(), answer.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).to_string();
                let path = head.split(' ').nth(1).unwrap_or("").to_owned();
                let inm = head.lines().find_map(|l| {
                    let (name, value) = l.split_once(": ")?;
                    name.eq_ignore_ascii_case("if-none-match")
                        .then(|| value.to_owned())
                });
                log.lock().unwrap().push((path.clone(), inm.clone()));
                let _ = conn.write_all(&answer(&path, inm.as_deref())).await;
                let _ = conn.shutdown().await;
            });
        }
    });
    (base, seen)
}

fn ok(body: &[u8], etag: Option<&str>) -> Vec<u8> {
    let etag = etag.map_or(String::new(), |e| format!("ETag: {e}\r\n"));
    let mut r = format!(
        "HTTP/1.1 200 OK\r\n{etag}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn status(code: u16) -> Vec<u8> {
    format!("HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

/// Serves `body` as `/kev.json` as `mode` says.
async fn feed_server(body: Vec<u8>) -> (String, Seen, Arc<Mutex<Mode>>) {
    let mode = Arc::new(Mutex::new(Mode::Conditional));
    let m = mode.clone();
    let (base, seen) = http_server(move |path, inm| {
        let etag = "\"kev-1\"";
        match *m.lock().unwrap() {
            Mode::Redirect if path == "/moved" => {
                b"HTTP/1.1 302 Found\r\nLocation: /kev.json\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
            Mode::Conditional if inm == Some(etag) => {
                format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n").into_bytes()
            }
            Mode::Status(code) => status(code),
            _ => ok(&body, Some(etag)),
        }
    })
    .await;
    (base, seen, mode)
}

async fn an_http_source_is_fetched_conditionally(backend: Backend) {
    let Some(kev) = yata_testdata::path("kev/known_exploited_vulnerabilities.json") else {
        return;
    };
    let body = std::fs::read(&kev).unwrap();
    let entries = serde_json::from_slice::<Value>(&body).unwrap()["vulnerabilities"]
        .as_array()
        .unwrap()
        .len();
    let (base, served, mode) = feed_server(body).await;
    let Some(app) = app(
        backend,
        vec![
            source("kev", Location::Url(format!("{base}/kev.json"))),
            source("moved", Location::Url(format!("{base}/moved"))),
        ],
    )
    .await
    else {
        return;
    };
    let sync = |name: &'static str| {
        let app = &app;
        async move {
            app.state
                .store()
                .sync_feed_now(&yata_store::Actor::Cli, name)
                .await
                .unwrap();
            while yata_server::jobs::run_one(&app.state, "w").await.unwrap() {}
            source_state(app, name).await
        }
    };
    let s = sync("kev").await;
    assert_eq!(s["outcome"], "imported", "{s}");
    assert_eq!(
        app.state.knowledge().db.len(),
        entries,
        "every KEV entry is a vulnerability"
    );
    // Asked again with the ETag: 304, unchanged.
    let s = sync("kev").await;
    assert_eq!(s["outcome"], "unchanged", "{s}");
    assert_eq!(s["message"], "not modified (HTTP 304)");
    assert_eq!(
        served.lock().unwrap().last().unwrap().1.as_deref(),
        Some("\"kev-1\"")
    );
    // A server that ignores conditions: the same bytes are not imported.
    *mode.lock().unwrap() = Mode::IgnoreConditions;
    let digest = app.state.knowledge().digest.clone();
    let s = sync("kev").await;
    assert_eq!(s["outcome"], "unchanged", "{s}");
    assert!(
        s["message"].as_str().unwrap().starts_with("the same "),
        "{s}"
    );
    assert_eq!(app.state.knowledge().digest, digest);
    // A failure is recorded and changes nothing; the validators stay.
    *mode.lock().unwrap() = Mode::Status(503);
    let s = sync("kev").await;
    assert_eq!(s["outcome"], "failed", "{s}");
    assert!(s["message"].as_str().unwrap().contains("HTTP 503"), "{s}");
    *mode.lock().unwrap() = Mode::Conditional;
    let s = sync("kev").await;
    assert_eq!(s["message"], "not modified (HTTP 304)", "{s}");
    // Redirects are followed (a first fetch: no validators sent); the
    // catalogue it leads to is the one already merged: nothing stored.
    *mode.lock().unwrap() = Mode::Redirect;
    let s = sync("moved").await;
    assert_eq!(s["outcome"], "unchanged", "{s}");
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .ends_with("bytes fetched; every record read is already in the latest snapshot"),
        "{s}"
    );
    assert_eq!(app.state.knowledge().digest, digest);
    let requests = served.lock().unwrap().clone();
    assert_eq!(
        requests[requests.len() - 2..],
        [("/moved".to_owned(), None), ("/kev.json".to_owned(), None)]
    );
    app.finish().await;
}

/// A CSAF provider's site: documents by name with their `updated` time,
/// and the bytes served for a name when they differ from the document's.
#[derive(Default)]
struct Provider {
    base: String,
    documents: Vec<(String, Vec<u8>, String)>,
    tampered: Option<(String, Vec<u8>)>,
}

impl Provider {
    fn answer(&self, path: &str) -> Vec<u8> {
        let base = &self.base;
        if path == "/.well-known/csaf/provider-metadata.json" {
            let metadata = serde_json::json!({
                "canonical_url": format!("{base}/.well-known/csaf/provider-metadata.json"),
                "distributions": [{ "rolie": { "feeds": [
                    { "tlp_label": "WHITE", "url": format!("{base}/feed-tlp-white.json") },
                    { "tlp_label": "AMBER", "url": format!("{base}/feed-tlp-amber.json") },
                ]}}],
                "last_updated": "2026-11-01T00:00:00Z",
                "metadata_version": "2.0",
                "publisher": { "category": "vendor", "name": "Example PSIRT", "namespace": base },
                "role": "csaf_trusted_provider",
            });
            return ok(metadata.to_string().as_bytes(), None);
        }
        if path == "/feed-tlp-white.json" {
            let entries: Vec<Value> = self
                .documents
                .iter()
                .map(|(name, _, updated)| {
                    let src = format!("{base}/docs/{name}");
                    serde_json::json!({
                        "id": name,
                        "title": name,
                        "link": [
                            { "rel": "self", "href": src },
                            { "rel": "hash", "href": format!("{src}.sha256") },
                        ],
                        "published": "2026-01-01T00:00:00Z",
                        "updated": updated,
                        "content": { "type": "application/json", "src": src },
                        "format": { "schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0" },
                    })
                })
                .collect();
            let feed = serde_json::json!({ "feed": { "id": "white", "title": "TLP:WHITE", "updated": "2026-11-01T00:00:00Z", "entry": entries } });
            return ok(feed.to_string().as_bytes(), None);
        }
        for (name, bytes, _) in &self.documents {
            if path == format!("/docs/{name}.sha256") {
                use sha2::Digest;
                let hex: String = sha2::Sha256::digest(bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                return ok(format!("{hex}  {name}\n").as_bytes(), None);
            }
            if path == format!("/docs/{name}") {
                let served = match &self.tampered {
                    Some((n, b)) if n == name => b,
                    _ => bytes,
                };
                return ok(served, None);
            }
        }
        status(404)
    }
}

async fn a_csaf_provider_is_crawled_for_updated_documents(backend: Backend) {
    let Some(dir) = yata_testdata::path("csaf/examples/csaf") else {
        return;
    };
    let site = Arc::new(Mutex::new(Provider::default()));
    for (name, updated) in [
        ("rhsa-2021_5186.json", "2026-10-01T00:00:00Z"),
        ("bsi-2022-0001.json", "2026-11-01T00:00:00Z"),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        site.lock()
            .unwrap()
            .documents
            .push((name.to_owned(), bytes, updated.to_owned()));
    }
    let s = site.clone();
    let (base, seen) = http_server(move |path, _| s.lock().unwrap().answer(path)).await;
    site.lock().unwrap().base = base.clone();
    let Some(app) = app(
        backend,
        vec![source(
            "psirt",
            Location::CsafProvider(format!("{base}/.well-known/csaf/provider-metadata.json")),
        )],
    )
    .await
    else {
        return;
    };
    let sync = || async {
        seen.lock().unwrap().clear();
        app.state
            .store()
            .sync_feed_now(&yata_store::Actor::Cli, "psirt")
            .await
            .unwrap();
        while yata_server::jobs::run_one(&app.state, "w").await.unwrap() {}
        let fetched: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| p.starts_with("/docs/") && !p.ends_with(".sha256"))
            .collect();
        (source_state(&app, "psirt").await, fetched)
    };
    let knows = |id: &str| {
        let id: yata_model::VulnId = id.parse().unwrap();
        app.state.knowledge().db.get(&id).is_some()
    };

    // First crawl: every public document, never the TLP:AMBER feed.
    let (s, fetched) = sync().await;
    assert_eq!(s["outcome"], "imported", "{s}");
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .starts_with("2 CSAF documents fetched"),
        "{s}"
    );
    assert_eq!(fetched.len(), 2);
    assert!(
        !seen
            .lock()
            .unwrap()
            .iter()
            .any(|(p, _)| p.contains("amber"))
    );
    for id in ["CVE-2021-4104", "CVE-2021-4125", "CVE-2022-27193"] {
        assert!(knows(id), "{id}");
    }
    // Nothing updated: only the documents within a day of the newest are
    // fetched again, and nothing new is stored.
    let digest = app.state.knowledge().digest.clone();
    let (s, fetched) = sync().await;
    assert_eq!(s["outcome"], "unchanged", "{s}");
    assert!(
        s["message"]
            .as_str()
            .unwrap()
            .ends_with("every record read is already in the latest snapshot"),
        "{s}"
    );
    assert_eq!(fetched, ["/docs/bsi-2022-0001.json"]);
    assert_eq!(app.state.knowledge().digest, digest);
    // A revision of one document: fetched and imported.
    {
        let mut site = site.lock().unwrap();
        let doc = &mut site.documents[1];
        doc.2 = "2026-11-20T00:00:00Z".into();
        let text = String::from_utf8(doc.1.clone()).unwrap();
        let revised = text.replacen("This leads to", "This then leads to", 1);
        assert_ne!(text, revised);
        doc.1 = revised.into_bytes();
    }
    let (s, fetched) = sync().await;
    assert_eq!(s["outcome"], "imported", "{s}");
    assert!(s["message"].as_str().unwrap().contains("1 updated"), "{s}");
    assert_eq!(fetched, ["/docs/bsi-2022-0001.json"]);
    // A document that does not match its hash refuses the sync, and the
    // hash file's content is not repeated.
    let digest = app.state.knowledge().digest.clone();
    {
        let mut site = site.lock().unwrap();
        site.documents[0].2 = "2026-11-25T00:00:00Z".into();
        let mut evil = site.documents[0].1.clone();
        evil.extend_from_slice(b" ");
        site.tampered = Some(("rhsa-2021_5186.json".into(), evil));
    }
    let (s, _) = sync().await;
    assert_eq!(s["outcome"], "failed", "{s}");
    let message = s["message"].as_str().unwrap();
    assert!(message.contains("does not match its hash"), "{s}");
    assert!(!message.contains("expected"), "{s}");
    assert_eq!(app.state.knowledge().digest, digest);
    // Once it matches again it is fetched (the failure moved nothing on).
    site.lock().unwrap().tampered = None;
    let (s, fetched) = sync().await;
    assert_eq!(s["outcome"], "unchanged", "the same records as before: {s}");
    assert!(
        fetched.contains(&"/docs/rhsa-2021_5186.json".to_owned()),
        "{fetched:?}"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csaf_provider_sqlite() {
    a_csaf_provider_is_crawled_for_updated_documents(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csaf_provider_postgres() {
    a_csaf_provider_is_crawled_for_updated_documents(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_source_sqlite() {
    a_directory_source_is_synced_when_it_changes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_source_postgres() {
    a_directory_source_is_synced_when_it_changes(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_source_sqlite() {
    an_http_source_is_fetched_conditionally(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_source_postgres() {
    an_http_source_is_fetched_conditionally(Backend::Postgres).await;
}
