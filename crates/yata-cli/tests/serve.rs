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
        let mut child = yata()
            .args(["serve", "--db", db, "--bind", "127.0.0.1:0"])
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
