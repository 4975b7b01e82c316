//! `yata serve` as a process: the command-line contract (`admin bootstrap`
//! prints only a token; the first start prints a bootstrap link), and crash
//! safety: the server is killed (SIGKILL) in the middle of large inventory
//! uploads and feed imports, restarted, and each upload or import is found
//! either complete or absent, with the audit chain intact. Against SQLite
//! and PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use yata_store::testing::TestDatabase;

fn yata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yata"))
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    /// Starts `yata serve` on a free port and waits until it is ready.
    fn start(db: &str) -> Server {
        Server::start_with(db, &[])
    }

    /// As [`Server::start`], with more `yata serve` arguments.
    fn start_with(db: &str, extra: &[&str]) -> Server {
        let mut child = yata()
            .args(["serve", "--db", db, "--bind", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("yata serve ended before listening")
                .unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining standard error so the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        let server = Server { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.call("GET", "/readyz", None, &[]).0 != 200 {
            assert!(Instant::now() < deadline, "not ready in 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, Vec<u8>) {
        call(&self.addr, method, path, token, body)
    }

    fn json(&self, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
        let body = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let (status, bytes) = self.call(method, path, Some(token), &body);
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }
}

/// One HTTP/1.1 request to `addr`: the status (0 if the connection broke)
/// and the body.
fn call(addr: &str, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, Vec<u8>) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, Vec::new());
    };
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes())
        .and_then(|()| s.write_all(body))
        .is_err()
    {
        return (0, Vec::new());
    }
    let mut raw = Vec::new();
    if s.read_to_end(&mut raw).is_err() {
        return (0, Vec::new());
    }
    parse_response(&raw)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status and body of an HTTP/1.1 response (Content-Length or chunked).
fn parse_response(raw: &[u8]) -> (u16, Vec<u8>) {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, Vec::new());
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16)
                .unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    (status, body)
}

fn bootstrap_token(db: &str) -> String {
    let out = yata()
        .args(["admin", "bootstrap", "--db", db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap();
    let token = token.trim_end_matches('\n');
    assert!(
        token.starts_with("yata_") && !token.contains(char::is_whitespace),
        "only the token: {token:?}"
    );
    token.to_owned()
}

fn audit_intact(db: &str) {
    let out = yata()
        .args(["audit", "verify", "--db", db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "audit chain: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CycloneDX 1.6 JSON SBOM of `n` npm packages (about 200 bytes each).
fn big_sbom(n: usize) -> Vec<u8> {
    let components: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "type": "library",
                "bom-ref": format!("c{i}"),
                "name": format!("pkg-{i}"),
                "version": format!("1.{}.{}", i % 50, i % 7),
                "purl": format!("pkg:npm/pkg-{i}@1.{}.{}", i % 50, i % 7),
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": components,
    }))
    .unwrap()
}

fn crash_during_uploads_and_imports(db: &str, dir: &Path) {
    let token = bootstrap_token(db);
    let server = Server::start(db);
    let (status, org) = server.json("GET", "/api/v1/session", &token, Value::Null);
    assert_eq!(status, 200, "{org}");
    let org_id = org["organization"]["id"].as_i64().unwrap();
    let (status, asset) = server.json(
        "POST",
        &format!("/api/v1/organizations/{org_id}/assets"),
        &token,
        json!({ "name": "big", "kind": "software", "internet_exposed": true, "criticality": "high" }),
    );
    assert_eq!(status, 201, "{asset}");
    let asset = asset["id"].as_i64().unwrap();
    let sbom = big_sbom(100_000);
    let snapshot = dir.join("rustsec.snap");
    let rustsec = yata_testdata::path("rustsec/advisory-db");
    if let Some(rustsec) = &rustsec {
        let out = yata()
            .args(["feed", "import"])
            .arg(rustsec)
            .arg("--out")
            .arg(&snapshot)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    drop(server);

    let mut server = Server::start(db);
    let mut complete_uploads = 0;
    // Kill at different moments: while the body arrives, while it is parsed
    // and matched, while the transaction writes.
    for delay_ms in [50u64, 300, 900, 2000] {
        let addr = server.addr.clone();
        let (body, t) = (sbom.clone(), token.clone());
        let upload = std::thread::spawn(move || {
            call(
                &addr,
                "PUT",
                &format!("/api/v1/assets/{asset}/inventory"),
                Some(&t),
                &body,
            )
            .0
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        server.kill();
        let _ = upload.join();
        server = Server::start(db);
        let (status, hist) = server.json(
            "GET",
            &format!("/api/v1/assets/{asset}/inventories"),
            &token,
            Value::Null,
        );
        assert_eq!(status, 200);
        let docs = hist["inventories"].as_array().unwrap();
        // Each upload either landed whole or not at all.
        for d in docs {
            assert_eq!(d["components"], 100_000, "{d}");
        }
        assert!(docs.len() >= complete_uploads, "a landed upload stays");
        eprintln!(
            "killed {delay_ms} ms into an upload: {}",
            if docs.len() > complete_uploads {
                "complete"
            } else {
                "absent"
            }
        );
        complete_uploads = docs.len();
        audit_intact(db);
    }
    // After the crashes the asset takes an upload as usual.
    let (status, reply) = server.call(
        "PUT",
        &format!("/api/v1/assets/{asset}/inventory"),
        Some(&token),
        &sbom,
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&reply));
    let (_, hist) = server.json(
        "GET",
        &format!("/api/v1/assets/{asset}/inventories"),
        &token,
        Value::Null,
    );
    assert_eq!(
        hist["inventories"].as_array().unwrap().len(),
        complete_uploads + 1
    );
    if rustsec.is_some() {
        let bytes = std::fs::read(&snapshot).unwrap();
        for delay_ms in [20u64, 200, 600] {
            let addr = server.addr.clone();
            let (body, t) = (bytes.clone(), token.clone());
            let import = std::thread::spawn(move || {
                call(&addr, "POST", "/api/v1/feeds?wait=true", Some(&t), &body).0
            });
            std::thread::sleep(Duration::from_millis(delay_ms));
            server.kill();
            let _ = import.join();
            server = Server::start(db);
            let (status, feeds) = server.json("GET", "/api/v1/feeds", &token, Value::Null);
            assert_eq!(status, 200);
            let n = feeds["vulnerabilities"].as_u64().unwrap();
            assert!(n == 0 || n > 500, "an import is all or nothing: {n}");
            eprintln!("killed {delay_ms} ms into an import: {n} vulnerabilities");
            audit_intact(db);
        }
        let (status, reply) = server.call("POST", "/api/v1/feeds?wait=true", Some(&token), &bytes);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&reply));
    }
    server.kill();
    audit_intact(db);
}

#[test]
fn killed_mid_upload_or_import_sqlite() {
    let db = TestDatabase::sqlite();
    let dir = tempfile::tempdir().unwrap();
    crash_during_uploads_and_imports(&db.url, dir.path());
}

#[test]
fn killed_mid_upload_or_import_postgres() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDatabase::postgres()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    crash_during_uploads_and_imports(&db.url, dir.path());
    rt.block_on(db.finish());
}

#[test]
fn first_start_prints_a_bootstrap_link_and_the_link_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let mut child = yata()
        .args(["serve", "--db", &db, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let link = line.trim();
    let rest = link.strip_prefix("http://").expect(link);
    let (addr, path) = rest.split_once('/').unwrap();
    assert!(path.starts_with("bootstrap/"), "{link}");
    let server = Server {
        child,
        addr: addr.to_owned(),
    };
    let (status, page) = server.call("GET", &format!("/{path}"), None, &[]);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("初期設定"));
    let form = b"name=Admin&email=admin%40nco.example.jp&password=a+long+passphrase";
    let post = |s: &Server| {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        let head = format!(
            "POST /{path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            form.len()
        );
        c.write_all(head.as_bytes()).unwrap();
        c.write_all(form).unwrap();
        let mut raw = Vec::new();
        c.read_to_end(&mut raw).unwrap();
        parse_response(&raw).0
    };
    assert_eq!(post(&server), 200);
    assert_eq!(post(&server), 404, "the link works once");
    drop(server);
    // With an NCO admin, a restart prints no link.
    let out = {
        let mut child = yata()
            .args(["serve", "--db", &db, "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        while let Some(Ok(l)) = lines.next() {
            if l.contains("listening on") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        child.kill().unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn feeds_imported_into_the_store_are_what_the_server_runs_on() {
    let Some(rustsec) = yata_testdata::path("rustsec/advisory-db") else {
        return;
    };
    let db = TestDatabase::sqlite();
    let token = bootstrap_token(&db.url);
    let out = yata()
        .args(["feed", "import"])
        .arg(&rustsec)
        .args(["--db", &db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-evaluation queued"));
    let server = Server::start(&db.url);
    let (status, feeds) = server.json("GET", "/api/v1/feeds", &token, Value::Null);
    assert_eq!(status, 200);
    assert!(feeds["vulnerabilities"].as_u64().unwrap() > 500, "{feeds}");
    // A second import on top of the stored one keeps what is there.
    let kev = yata_testdata::path("kev/known_exploited_vulnerabilities.json").unwrap();
    let out = yata()
        .args(["feed", "import"])
        .arg(&kev)
        .args(["--db", &db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);
    let server = Server::start(&db.url);
    let (_, after) = server.json("GET", "/api/v1/feeds", &token, Value::Null);
    assert!(
        after["records"].as_u64() > feeds["records"].as_u64(),
        "{after} vs {feeds}"
    );
    server.kill();
    audit_intact(&db.url);
}

/// Polls `f` until it holds, for at most `secs` seconds.
#[track_caller]
fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "not within {secs} s: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Three replicas on one PostgreSQL behave as one: writes through one are
/// seen through the others (the in-memory knowledge follows through
/// LISTEN/NOTIFY), a background job runs exactly once, and a job whose
/// replica died is finished by another once its lease expires.
#[test]
fn replicas_on_one_postgres_behave_as_one() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDatabase::postgres()) else {
        return;
    };
    let Some(rustsec) = yata_testdata::path("rustsec/advisory-db") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("rustsec.snap");
    let out = yata()
        .args(["feed", "import"])
        .arg(&rustsec)
        .arg("--out")
        .arg(&snapshot)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = bootstrap_token(&db.url);
    let lease = ["--job-lease-secs", "3"];
    let a = Server::start_with(&db.url, &lease);
    let b = Server::start_with(&db.url, &lease);
    let c = Server::start_with(&db.url, &lease);

    let (_, me) = a.json("GET", "/api/v1/session", &token, Value::Null);
    let org = me["organization"]["id"].as_i64().unwrap();
    let (status, asset) = a.json(
        "POST",
        &format!("/api/v1/organizations/{org}/assets"),
        &token,
        json!({ "name": "payments", "kind": "software", "internet_exposed": true, "criticality": "high" }),
    );
    assert_eq!(status, 201, "{asset}");
    let asset = asset["id"].as_i64().unwrap();
    let lock = "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    let (status, _) = a.call(
        "PUT",
        &format!("/api/v1/assets/{asset}/inventory?name=Cargo.lock"),
        Some(&token),
        lock.as_bytes(),
    );
    assert_eq!(status, 200);

    // Feeds in through A, in the background.
    let (status, body) = a.call(
        "POST",
        "/api/v1/feeds",
        Some(&token),
        &std::fs::read(&snapshot).unwrap(),
    );
    assert_eq!(status, 202, "{}", String::from_utf8_lossy(&body));
    // B's knowledge follows without a restart.
    eventually(20, "B loads the new snapshot", || {
        b.json("GET", "/api/v1/feeds", &token, Value::Null).1["vulnerabilities"].as_u64()
            > Some(500)
    });
    // Some replica runs the re-evaluation; C shows its findings.
    let findings = format!("/api/v1/organizations/{org}/findings");
    eventually(30, "findings through C", || {
        c.json("GET", &findings, &token, Value::Null).1["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    });
    // Exactly once: one re-evaluation of the asset in the audit log.
    std::thread::sleep(Duration::from_secs(3));
    let refreshes = |s: &Server| {
        let (_, log) = s.json("GET", "/api/v1/audit?limit=10000", &token, Value::Null);
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "findings.refresh")
            .count()
    };
    assert_eq!(refreshes(&b), 1, "the job ran once across three replicas");

    // A replica dies holding a job: the test plays that replica, claiming
    // the job and never finishing it. Another takes it over after the lease.
    let store = rt.block_on(yata_store::open(&db.url)).unwrap();
    let job = rt
        .block_on(store.enqueue_job(
            &yata_store::Actor::Cli,
            &yata_store::NewJob {
                kind: "reevaluate".into(),
                payload: "\"all\"".into(),
                run_at: jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1),
            },
        ))
        .unwrap();
    let claimed = rt
        .block_on(store.claim_job(
            "dead-replica",
            jiff::Timestamp::now(),
            jiff::SignedDuration::from_secs(3),
        ))
        .unwrap();
    if claimed.as_ref().map(|j| j.id) == Some(job) {
        a.kill();
        eventually(30, "another replica finishes the dead one's job", || {
            refreshes(&b) == 2
        });
        let late = rt.block_on(store.finish_job(job, "dead-replica"));
        assert!(late.is_err(), "the dead replica's lease is gone");
    } else {
        // A live replica was quicker than the test: it runs the job itself.
        eventually(30, "the job runs", || refreshes(&b) == 2);
    }
    rt.block_on(store.close()).unwrap();
    drop((b, c));
    audit_intact(&db.url);
    rt.block_on(db.finish());
}

#[test]
fn a_scheduled_feed_source_is_synced_once_by_one_of_the_replicas() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = rt.block_on(TestDatabase::postgres()) else {
        return;
    };
    let Some(smallvec) = yata_testdata::path("rustsec/advisory-db/crates/smallvec") else {
        return;
    };
    // A local mirror (what an isolated network has), synced every minute;
    // empty until the inventory is in (a replica that uploads while
    // another swaps in new feeds is a race of its own, see the notes).
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("mirror/crates/smallvec");
    std::fs::create_dir_all(&mirror).unwrap();
    let config = dir.path().join("yata.toml");
    std::fs::write(
        &config,
        format!(
            "[feeds]\noffline = true\n\n[[feeds.source]]\nname = \"mirror\"\npath = {:?}\nevery = \"1m\"\n",
            dir.path().join("mirror").display().to_string()
        ),
    )
    .unwrap();
    let token = bootstrap_token(&db.url);
    let args = ["--config", config.to_str().unwrap()];
    let a = Server::start_with(&db.url, &args);
    let b = Server::start_with(&db.url, &args);
    let (_, me) = a.json("GET", "/api/v1/session", &token, Value::Null);
    let org = me["organization"]["id"].as_i64().unwrap();
    let (_, asset) = a.json(
        "POST",
        &format!("/api/v1/organizations/{org}/assets"),
        &token,
        json!({ "name": "payments", "kind": "software", "internet_exposed": true, "criticality": "high" }),
    );
    let lock = "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    let (status, _) = a.call(
        "PUT",
        &format!("/api/v1/assets/{}/inventory?name=Cargo.lock", asset["id"]),
        Some(&token),
        lock.as_bytes(),
    );
    assert_eq!(status, 200);
    for e in std::fs::read_dir(&smallvec).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), mirror.join(e.file_name())).unwrap();
    }
    let (status, _) = a.call(
        "POST",
        "/api/v1/feeds/sources/mirror/sync",
        Some(&token),
        &[],
    );
    assert_eq!(status, 202);
    let findings = format!("/api/v1/organizations/{org}/findings");
    eventually(60, "findings from the synced mirror through B", || {
        b.json("GET", &findings, &token, Value::Null).1["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    });
    let (status, sources) = b.json("GET", "/api/v1/feeds/sources", &token, Value::Null);
    assert_eq!(status, 200);
    assert_eq!(sources["offline"], true);
    assert_eq!(sources["sources"][0]["outcome"], "imported", "{sources}");
    // One snapshot stored, though two replicas look (queuing is not
    // audited; the store test checks it is done once).
    std::thread::sleep(Duration::from_secs(3));
    let (_, log) = a.json("GET", "/api/v1/audit?limit=10000", &token, Value::Null);
    let count = |action: &str, detail: Option<&str>| {
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["action"] == action && detail.is_none_or(|d| e["details"].to_string().contains(d))
            })
            .count()
    };
    assert_eq!(count("feed_snapshot.put", None), 1, "{log}");
    drop((a, b));
    audit_intact(&db.url);
    rt.block_on(db.finish());
}

#[test]
fn a_bad_configuration_file_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("yata.toml");
    std::fs::write(
        &config,
        "[feeds]\noffline = true\n\n[[feeds.source]]\nname = \"kev\"\nofficial = \"cisa-kev\"\nevery = \"1h\"\n",
    )
    .unwrap();
    let db = format!("sqlite://{}", dir.path().join("y.db").display());
    let out = yata()
        .args(["serve", "--db", &db, "--bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad input");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("yata.toml: [[feeds.source]] #1 (\"kev\"): https://www.cisa.gov/")
            && err.contains("offline = true"),
        "{err}"
    );
    assert!(!dir.path().join("y.db").exists(), "nothing was created");
    // E-mail in clear text to another host: refused before anything starts.
    std::fs::write(
        &config,
        "[smtp]\nhost = \"mail.example.jp\"\nsecurity = \"none\"\nfrom = \"yata@example.jp\"\n",
    )
    .unwrap();
    let out = yata()
        .args(["serve", "--db", &db, "--bind", "127.0.0.1:0", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad input");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("yata.toml: smtp.security"), "{err}");
    assert!(!dir.path().join("y.db").exists(), "nothing was created");
}

/// Starts `yata serve --demo --db <db>` and reads its standard output up
/// to the logins' end and its standard error up to "listening on".
fn start_demo(db: &Path) -> (Server, Vec<String>) {
    let mut child = yata()
        .args(["serve", "--demo", "--db"])
        .arg(db)
        .args(["--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let end = line.contains("every organisation has the four roles");
        out.push(line);
        if end {
            break;
        }
    }
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("ended before listening").unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let server = Server { child, addr };
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.call("GET", "/readyz", None, &[]).0 != 200 {
        assert!(Instant::now() < deadline, "not ready in 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, out)
}

/// One request with the raw response head (for Set-Cookie).
fn raw_call(addr: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    (head, parse_response(&raw).1)
}

/// Issue 9: `yata serve --demo` generates a nation into an empty file,
/// prints logins that work, serves it, serves it again on a restart
/// without regenerating, and refuses a database it did not make.
#[test]
fn demo_prints_logins_that_work_and_refuses_other_databases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let (server, out) = start_demo(&db);
    let text = out.join("\n");
    let password = out
        .iter()
        .find_map(|l| l.strip_prefix("password of every demo user: "))
        .unwrap_or_else(|| panic!("no password in {text}"))
        .to_owned();
    assert!(text.contains("YATA-Shield demo:"), "{text}");
    for role in ["admin", "analyst", "viewer", "auditor"] {
        assert!(text.contains(&format!("{role}@nco.demo.example")), "{text}");
    }
    assert!(text.contains("@meti.demo.example") && text.contains("@toto-electric.demo.example"));
    let login =
        serde_json::to_vec(&json!({ "email": "admin@nco.demo.example", "password": password }))
            .unwrap();
    let (head, _) = raw_call(&server.addr, "POST", "/api/v1/session", "", &login);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let cookie = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no cookie: {head}"))
        .to_owned();
    let (head, body) = raw_call(
        &server.addr,
        "GET",
        "/api/v1/summary",
        &format!("Cookie: {cookie}\r\n"),
        &[],
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let summary: Value = serde_json::from_slice(&body).unwrap();
    assert!(summary.to_string().contains("overdue"), "{summary}");
    drop(server);

    // Again: served as it is, the same logins, no new nation.
    let (server, out) = start_demo(&db);
    let text = out.join("\n");
    assert!(
        text.contains("as printed when the demo was generated"),
        "{text}"
    );
    assert!(!text.contains("YATA-Shield demo:"), "{text}");
    let (head, _) = raw_call(&server.addr, "POST", "/api/v1/session", "", &login);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    drop(server);

    // Another database: refused, exit code 2, and left as it was.
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    bootstrap_token(&other);
    let out = yata()
        .args(["serve", "--demo", "--db", &other, "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not empty and not a demo database"), "{err}");
    audit_intact(&other);
}
