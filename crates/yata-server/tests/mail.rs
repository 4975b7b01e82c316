//! E-mail notifications end to end, in process, against SQLite and
//! PostgreSQL: a small SMTP server on 127.0.0.1 (greeting, EHLO, MAIL,
//! RCPT, DATA, QUIT; told per address to answer RCPT with 4xx or 5xx)
//! keeps what it is sent; inventories are uploaded through the API, and
//! the e-mail loop's steps run with a clock the test moves.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use base64ct::{Base64, Encoding};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use yata_server::ServiceConfig;
use yata_server::mail::{self, Mailer, Security, SmtpConfig};
use yata_server::webhooks::DeliveryConfig;

use common::{App, Backend, RequestBody, VULNERABLE_LOCK};

/// One message the SMTP server accepted.
#[derive(Debug, Clone)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

impl Received {
    /// The value of header `name`, unfolded, encoded words decoded.
    fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\r\n\r\n")?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| decode_words(v.trim()))
        })
    }

    /// The body: base64, decoded.
    fn text(&self) -> String {
        assert_eq!(
            self.header("Content-Transfer-Encoding").as_deref(),
            Some("base64")
        );
        assert_eq!(
            self.header("Content-Type").as_deref(),
            Some("text/plain; charset=utf-8")
        );
        let (_, body) = self.data.split_once("\r\n\r\n").unwrap();
        let b64: String = body.split_whitespace().collect();
        String::from_utf8(Base64::decode_vec(&b64).unwrap()).unwrap()
    }
}

/// RFC 2047: `=?utf-8?b?…?=` words (whitespace between two of them is
/// dropped), other words as they are.
fn decode_words(value: &str) -> String {
    let mut out = Vec::new();
    let mut last_encoded = false;
    for (i, word) in value.split(' ').enumerate() {
        let encoded = word
            .strip_prefix("=?utf-8?b?")
            .and_then(|w| w.strip_suffix("?="));
        if i > 0 && !(last_encoded && encoded.is_some()) {
            out.push(b' ');
        }
        match encoded {
            Some(b64) => out.extend(Base64::decode_vec(b64).unwrap()),
            None => out.extend_from_slice(word.as_bytes()),
        }
        last_encoded = encoded.is_some();
    }
    String::from_utf8(out).unwrap()
}

#[derive(Debug, Default)]
struct Smtp {
    received: Mutex<Vec<Received>>,
    /// Every RCPT TO address, accepted or not.
    rcpt: Mutex<Vec<String>>,
    /// Every command's verb.
    verbs: Mutex<Vec<String>>,
    /// Per address: how many RCPTs to answer 451 before accepting.
    busy: Mutex<HashMap<String, usize>>,
    /// Addresses answered 550.
    unknown: Mutex<BTreeSet<String>>,
}

impl Smtp {
    fn to(&self, address: &str) -> Vec<Received> {
        let all = self.received.lock().unwrap();
        all.iter()
            .filter(|r| r.to.iter().any(|t| t == address))
            .cloned()
            .collect()
    }

    fn rcpt_count(&self, address: &str) -> usize {
        let all = self.rcpt.lock().unwrap();
        all.iter().filter(|a| *a == address).count()
    }

    /// The answer to `RCPT TO:<address>`.
    fn rcpt(&self, address: &str) -> &'static str {
        self.rcpt.lock().unwrap().push(address.to_owned());
        if self.unknown.lock().unwrap().contains(address) {
            return "550 5.1.1 no such mailbox";
        }
        match self.busy.lock().unwrap().get_mut(address) {
            Some(n) if *n > 0 => {
                *n -= 1;
                "451 4.3.0 mailbox busy, try again later"
            }
            _ => "250 2.1.5 ok",
        }
    }
}

/// The address inside `<…>` of a MAIL or RCPT command.
fn angle(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line.rfind('>').unwrap_or(line.len());
    line[start..end].to_owned()
}

async fn session<S>(socket: S, smtp: Arc<Smtp>) -> std::io::Result<()>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin,
{
    let (read, mut write) = tokio::io::split(socket);
    let mut read = BufReader::new(read);
    write.write_all(b"220 mail.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        smtp.verbs.lock().unwrap().push(verb.clone());
        let reply: &str = match verb.as_str() {
            "EHLO" => "250-mail.test\r\n250 8BITMIME",
            "HELO" | "NOOP" => "250 ok",
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                "250 ok"
            }
            "MAIL" => {
                from = angle(&command);
                "250 2.1.0 ok"
            }
            "RCPT" => {
                let address = angle(&command);
                let reply = smtp.rcpt(&address);
                if reply.starts_with('2') {
                    to.push(address);
                }
                reply
            }
            "DATA" if to.is_empty() => "554 no valid recipients",
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    let text = String::from_utf8(line.clone()).expect("7-bit message");
                    if text == ".\r\n" {
                        break;
                    }
                    data.push_str(text.strip_prefix('.').unwrap_or(&text));
                }
                smtp.received.lock().unwrap().push(Received {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 2.0.0 queued"
            }
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 not implemented",
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// An SMTP server on 127.0.0.1; its port.
async fn smtp_server() -> (u16, Arc<Smtp>) {
    let smtp = Arc::new(Smtp::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = Arc::clone(&smtp);
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(session(socket, Arc::clone(&state)));
        }
    });
    (port, smtp)
}

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::None,
        username: None,
        password_file: None,
        password_env: None,
        from: "YATA-Shield <yata-shield@example.jp>".parse().unwrap(),
        timeout: SignedDuration::from_secs(5),
        base_url: Some("https://yata.example.jp/".into()),
    }
}

/// Short waits: the test moves the clock by seconds, not minutes.
fn config() -> DeliveryConfig {
    DeliveryConfig {
        max_attempts: 3,
        first_retry: SignedDuration::from_secs(2),
        ..DeliveryConfig::default()
    }
}

const WORKER: &str = "test-worker";

/// An app whose server has SMTP configured (the server at `port`).
async fn app(backend: Backend, port: u16) -> Option<App> {
    common::app_with(
        backend,
        ServiceConfig {
            smtp: Some(smtp_config(port)),
            ..ServiceConfig::default()
        },
    )
    .await
}

async fn subscribe(app: &App, org: i64, token: &str, body: Value) -> common::Reply {
    app.post(
        &format!("/api/v1/organizations/{org}/mail-subscriptions"),
        token,
        body,
    )
    .await
}

/// The BOD 26-04 decisions, least urgent first, and their Japanese names.
const DECISIONS: [(&str, &str); 5] = [
    ("fix on system upgrade", "次回のシステム更新時に修正"),
    ("60 days", "60日以内"),
    ("14 days", "14日以内"),
    ("3 days", "3日以内"),
    (
        "3 days & forensic investigation",
        "3日以内（フォレンジック調査を含む）",
    ),
];

fn urgency(d: &Value) -> Option<usize> {
    DECISIONS.iter().position(|x| Some(x.0) == d.as_str())
}

/// The organisation's open findings: id → the finding's JSON.
async fn open_findings(app: &App, org: i64, token: &str) -> BTreeMap<i64, Value> {
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
        .map(|f| (f["finding_id"].as_i64().unwrap(), f.clone()))
        .collect()
}

async fn new_findings_are_mailed_in_japanese_then_english(backend: Backend) {
    let (port, smtp) = smtp_server().await;
    let Some(app) = app(backend, port).await else {
        return;
    };
    if !app.load_rustsec().await {
        return app.finish().await;
    }
    let mailer = Mailer::new(&smtp_config(port)).unwrap();
    // What decisions the lock's findings get, learnt on a probe organisation.
    let probe = app.create_org("Probe", "operator", &["finance"]).await;
    let probe_admin = app.issue_token(probe, "admin").await;
    let probe_asset = app.create_software(probe, &probe_admin, "probe").await;
    let r = app
        .upload_lock(probe_asset, &probe_admin, VULNERABLE_LOCK)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let top = open_findings(&app, probe, &probe_admin)
        .await
        .values()
        .filter_map(|f| urgency(&f["decision"]))
        .max()
        .unwrap();

    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let analyst = app.issue_token(org, "analyst").await;
    let other = app.create_org("Other Bank", "operator", &["finance"]).await;
    let other_admin = app.issue_token(other, "admin").await;

    // Validation names the field.
    for (body, field) in [
        (
            json!({ "address": "not an address", "events": ["finding.new"] }),
            "address",
        ),
        (
            json!({ "address": "Name <a@example.jp>", "events": ["finding.new"] }),
            "address",
        ),
        (json!({ "address": "a@example.jp", "events": [] }), "events"),
        (
            json!({ "address": "a@example.jp", "events": ["finding.gone"] }),
            "events",
        ),
        (
            json!({ "address": "a@example.jp", "events": ["finding.new"], "min_decision": "soon" }),
            "min_decision",
        ),
        (
            json!({ "address": "a@example.jp", "events": ["finding.new"], "language": "de" }),
            "language",
        ),
    ] {
        let r = subscribe(&app, org, &admin, body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.json());
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with(field), "{message}");
    }
    let r = subscribe(
        &app,
        org,
        &admin,
        json!({ "address": "soc@bank.example.jp", "events": ["finding.new", "finding.overdue"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let all = r.json()["id"].as_i64().unwrap();
    let r = subscribe(
        &app,
        org,
        &admin,
        json!({ "address": " soc@Bank.Example.JP ", "events": ["finding.new"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "one address once");
    let r = subscribe(
        &app,
        org,
        &admin,
        json!({ "address": "ciso@bank.example.jp", "events": ["finding.new"],
                "min_decision": DECISIONS[top].0, "language": "en" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let urgent = r.json()["id"].as_i64().unwrap();
    let r = subscribe(
        &app,
        other,
        &other_admin,
        json!({ "address": "soc@other.example.jp", "events": ["finding.new"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Listed to the organisation's admin only.
    let list_path = format!("/api/v1/organizations/{org}/mail-subscriptions");
    let r = app.get(&list_path, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["enabled"], true);
    let subs = v["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(
        (
            &subs[0]["address"],
            &subs[0]["language"],
            &subs[0]["events"],
            &subs[0]["min_decision"]
        ),
        (
            &json!("soc@bank.example.jp"),
            &json!("ja+en"),
            &json!(["finding.new", "finding.overdue"]),
            &Value::Null
        )
    );
    assert_eq!(
        (&subs[1]["language"], &subs[1]["min_decision"]),
        (&json!("en"), &json!(DECISIONS[top].0))
    );
    for token in [&analyst, &other_admin, &app.nco] {
        assert_eq!(
            app.get(&list_path, token).await.status,
            StatusCode::NOT_FOUND
        );
    }

    // The upload writes the events; the e-mail loop sends them.
    let asset = app.create_software(org, &admin, "online banking").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let findings = open_findings(&app, org, &admin).await;
    assert!(findings.len() >= 4, "{findings:?}");
    assert!(smtp.received.lock().unwrap().is_empty());
    let t0 = Timestamp::now();
    let (made, attempted) = mail::run_once(&app.state, &mailer, WORKER, t0, &config())
        .await
        .unwrap();
    let qualifying: BTreeSet<i64> = findings
        .iter()
        .filter(|(_, f)| urgency(&f["decision"]) >= Some(top))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(made as usize, findings.len() + qualifying.len());
    assert_eq!(attempted, made as usize);

    // One message per finding, to the one address, Japanese then English.
    let got = smtp.to("soc@bank.example.jp");
    assert_eq!(got.len(), findings.len());
    let mut seen = BTreeSet::new();
    let mut message_ids = BTreeSet::new();
    for m in &got {
        assert_eq!(m.to, ["soc@bank.example.jp"]);
        assert_eq!(m.from, "yata-shield@example.jp");
        assert_eq!(m.header("To").unwrap(), "soc@bank.example.jp");
        assert_eq!(
            m.header("From").unwrap(),
            "YATA-Shield <yata-shield@example.jp>"
        );
        let id = m.header("Message-ID").unwrap();
        assert!(
            id.starts_with("<yata-shield.") && id.ends_with("@example.jp>"),
            "{id}"
        );
        assert!(message_ids.insert(id));
        assert!(m.header("Date").is_some());
        let subject = m.header("Subject").unwrap();
        let text = m.text();
        // Which finding: the link says.
        let finding: i64 = text
            .lines()
            .find_map(|l| l.strip_prefix("詳細: https://yata.example.jp/api/v1/findings/"))
            .unwrap()
            .parse()
            .unwrap();
        assert!(seen.insert(finding), "finding {finding} twice");
        let f = &findings[&finding];
        let vuln = f["id"].as_str().unwrap();
        assert_eq!(
            subject,
            format!(
                "[YATA-Shield] 新たな脆弱性: {vuln} (online banking) / \
                 New finding: {vuln} (online banking)"
            )
        );
        let (ja, en) = text.split_once("\n----").unwrap();
        let deadline: Timestamp = f["deadline"].as_str().unwrap().parse().unwrap();
        let tokyo = jiff::tz::offset(9).to_datetime(deadline);
        let decision = DECISIONS[urgency(&f["decision"]).unwrap()];
        assert!(ja.starts_with("Example Bank の資産に新たな脆弱性が見つかりました。"));
        for line in [
            format!("脆弱性: {vuln}"),
            "資産: online banking".to_owned(),
            format!("コンポーネント: {}", f["subject"].as_str().unwrap()),
            "組織: Example Bank".to_owned(),
            format!("判定（BOD 26-04）: {}", decision.1),
            format!(
                "対応期限: {}年{}月{}日 {:02}:{:02} (JST)",
                tokyo.year(),
                tokyo.month(),
                tokyo.day(),
                tokyo.hour(),
                tokyo.minute()
            ),
        ] {
            assert!(ja.lines().any(|l| l == line), "{line}\n{ja}");
        }
        assert!(en.contains("A new vulnerability was found in an asset of Example Bank."));
        for line in [
            format!("Vulnerability: {vuln}"),
            "Asset: online banking".to_owned(),
            format!("Decision (BOD 26-04): {}", decision.0),
            format!("Details: https://yata.example.jp/api/v1/findings/{finding}"),
        ] {
            assert!(en.lines().any(|l| l == line), "{line}\n{en}");
        }
        assert!(en.contains(" JST"), "{en}");
    }
    assert_eq!(seen, findings.keys().copied().collect());
    // The English-only subscriber: only the findings at or above its minimum.
    let got = smtp.to("ciso@bank.example.jp");
    assert_eq!(got.len(), qualifying.len());
    for m in &got {
        let subject = m.header("Subject").unwrap();
        assert!(
            subject.starts_with("[YATA-Shield] New finding: "),
            "{subject}"
        );
        assert!(!m.text().contains("脆弱性"));
    }
    if findings
        .values()
        .map(|f| urgency(&f["decision"]))
        .collect::<BTreeSet<_>>()
        .len()
        > 1
    {
        assert!(
            qualifying.len() < findings.len(),
            "some are below the minimum"
        );
    }
    assert!(smtp.to("soc@other.example.jp").is_empty());
    assert_eq!(
        mail::run_once(&app.state, &mailer, WORKER, t0, &config())
            .await
            .unwrap(),
        (0, 0),
        "nothing twice"
    );

    // The delivery log: the organisation's admin only.
    let log_path = format!("/api/v1/organizations/{org}/mail-subscriptions/{all}/deliveries");
    let r = app.get(&log_path, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    let log = r.json()["deliveries"].as_array().unwrap().clone();
    assert_eq!(log.len(), findings.len());
    for d in &log {
        assert_eq!(
            (
                d["status"].as_str(),
                d["attempts"].as_i64(),
                d["last_status"].as_i64(),
                d["event"].as_str()
            ),
            (Some("delivered"), Some(1), Some(250), Some("finding.new")),
            "{d}"
        );
    }
    for token in [&analyst, &other_admin, &app.nco] {
        assert_eq!(
            app.get(&log_path, token).await.status,
            StatusCode::NOT_FOUND
        );
    }

    // Deleted with its log, by the organisation's admin only; audited.
    let del = format!("/api/v1/organizations/{org}/mail-subscriptions/{urgent}");
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
    assert_eq!(
        app.get(&format!("{del}/deliveries"), &admin).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = app.get("/api/v1/audit?limit=10000", &app.nco).await.json();
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("mail_subscription."))
        .collect();
    assert_eq!(
        actions,
        [
            "mail_subscription.create",
            "mail_subscription.create",
            "mail_subscription.create",
            "mail_subscription.delete"
        ]
    );
    app.finish().await;
}

async fn transient_failures_are_retried_and_rejections_given_up(backend: Backend) {
    let (port, smtp) = smtp_server().await;
    let Some(app) = app(backend, port).await else {
        return;
    };
    if !app.load_rustsec().await {
        return app.finish().await;
    }
    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let mut subs = BTreeMap::new();
    for address in ["busy@bank.example.jp", "gone@bank.example.jp"] {
        let r = subscribe(
            &app,
            org,
            &admin,
            json!({ "address": address, "events": ["finding.new"], "language": "ja" }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        subs.insert(address, r.json()["id"].as_i64().unwrap());
    }
    let asset = app.create_software(org, &admin, "online banking").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    let n = open_findings(&app, org, &admin).await.len();
    let log = |address: &str| {
        let path = format!(
            "/api/v1/organizations/{org}/mail-subscriptions/{}/deliveries",
            subs[address]
        );
        let (app, admin) = (&app, admin.clone());
        async move {
            let r = app.get(&path, &admin).await;
            assert_eq!(r.status, StatusCode::OK);
            r.json()["deliveries"].as_array().unwrap().clone()
        }
    };
    let c = config();
    let secs = SignedDuration::from_secs;
    let t0 = Timestamp::now();

    // First the SMTP server cannot be reached: every delivery waits.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let down = Mailer::new(&smtp_config(closed)).unwrap();
    assert_eq!(
        mail::run_once(&app.state, &down, WORKER, t0, &c)
            .await
            .unwrap(),
        (2 * n as u64, 2 * n)
    );
    for address in subs.keys() {
        for d in log(address).await {
            assert_eq!(
                (d["status"].as_str(), d["attempts"].as_i64()),
                (Some("pending"), Some(1)),
                "{d}"
            );
            assert!(d["last_status"].is_null(), "{d}");
            assert!(d["last_error"].as_str().unwrap().contains("onnect"), "{d}");
            let next: Timestamp = d["next_attempt_at"].as_str().unwrap().parse().unwrap();
            assert!((1..=3).contains(&next.duration_since(t0).as_secs()), "{d}");
        }
    }

    // Then it answers: 451 for one mailbox (once per message), 550 for the other.
    smtp.busy
        .lock()
        .unwrap()
        .insert("busy@bank.example.jp".into(), n);
    smtp.unknown
        .lock()
        .unwrap()
        .insert("gone@bank.example.jp".into());
    let mailer = Mailer::new(&smtp_config(port)).unwrap();
    let run = |now: Timestamp| mail::run_once(&app.state, &mailer, WORKER, now, &c);
    assert_eq!(run(t0 + secs(1)).await.unwrap(), (0, 0), "not due yet");
    assert_eq!(run(t0 + secs(3)).await.unwrap(), (0, 2 * n));
    for d in log("gone@bank.example.jp").await {
        assert_eq!(
            (
                d["status"].as_str(),
                d["attempts"].as_i64(),
                d["last_status"].as_i64()
            ),
            (Some("failed"), Some(2), Some(550)),
            "a permanent rejection is given up at once: {d}"
        );
        assert!(
            d["last_error"]
                .as_str()
                .unwrap()
                .contains("no such mailbox"),
            "{d}"
        );
        assert!(
            d["failed_at"].is_string() && d["next_attempt_at"].is_null(),
            "{d}"
        );
    }
    for d in log("busy@bank.example.jp").await {
        assert_eq!(
            (
                d["status"].as_str(),
                d["attempts"].as_i64(),
                d["last_status"].as_i64()
            ),
            (Some("pending"), Some(2), Some(451)),
            "{d}"
        );
        let next: Timestamp = d["next_attempt_at"].as_str().unwrap().parse().unwrap();
        // The second wait is four times the first.
        assert!(
            (10..=12).contains(&next.duration_since(t0).as_secs()),
            "{d}"
        );
    }
    assert!(smtp.received.lock().unwrap().is_empty());
    assert_eq!(run(t0 + secs(9)).await.unwrap(), (0, 0));
    assert_eq!(run(t0 + secs(12)).await.unwrap(), (0, n));
    assert_eq!(run(t0 + secs(3600)).await.unwrap(), (0, 0));
    for d in log("busy@bank.example.jp").await {
        assert_eq!(
            (
                d["status"].as_str(),
                d["attempts"].as_i64(),
                d["last_status"].as_i64()
            ),
            (Some("delivered"), Some(3), Some(250)),
            "{d}"
        );
        assert!(
            d["last_error"].is_null() && d["next_attempt_at"].is_null(),
            "{d}"
        );
    }
    let got = smtp.to("busy@bank.example.jp");
    assert_eq!(got.len(), n);
    assert!(got.iter().all(|m| {
        m.header("Subject")
            .unwrap()
            .starts_with("[YATA-Shield] 新たな脆弱性: ")
    }));
    assert_eq!(smtp.rcpt_count("busy@bank.example.jp"), 2 * n);
    assert_eq!(smtp.rcpt_count("gone@bank.example.jp"), n);
    assert!(smtp.to("gone@bank.example.jp").is_empty());
    app.finish().await;
}

/// `starttls` never falls back to clear text, and `tls` checks the
/// server's certificate against the system's trust anchors.
async fn tls_is_required_and_verified(backend: Backend) {
    let (port, smtp) = smtp_server().await;
    let Some(app) = app(backend, port).await else {
        return;
    };
    if !app.load_rustsec().await {
        return app.finish().await;
    }
    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let r = subscribe(
        &app,
        org,
        &admin,
        json!({ "address": "soc@bank.example.jp", "events": ["finding.new"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let sub = r.json()["id"].as_i64().unwrap();
    let asset = app.create_software(org, &admin, "online banking").await;
    assert_eq!(
        app.upload_lock(asset, &admin, VULNERABLE_LOCK).await.status,
        StatusCode::OK
    );
    let n = open_findings(&app, org, &admin).await.len();
    let log = || async {
        app.get(
            &format!("/api/v1/organizations/{org}/mail-subscriptions/{sub}/deliveries"),
            &admin,
        )
        .await
        .json()["deliveries"]
            .as_array()
            .unwrap()
            .clone()
    };

    // The test server offers no STARTTLS: nothing goes out in clear text.
    let starttls = Mailer::new(&SmtpConfig {
        security: Security::Starttls,
        ..smtp_config(port)
    })
    .unwrap();
    let t0 = Timestamp::now();
    assert_eq!(
        mail::run_once(&app.state, &starttls, WORKER, t0, &config())
            .await
            .unwrap(),
        (n as u64, n)
    );
    let verbs = smtp.verbs.lock().unwrap().clone();
    assert!(
        verbs.iter().all(|v| v == "EHLO" || v == "QUIT"),
        "{verbs:?}"
    );
    for d in log().await {
        assert_eq!(d["status"], "pending", "{d}");
        let error = d["last_error"].as_str().unwrap();
        assert!(error.to_ascii_lowercase().contains("starttls"), "{error}");
    }

    // A TLS server whose certificate nobody trusts: refused in the handshake.
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let tls = yata_server::tls::server_config(&cert_path, &key_path).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls_port = listener.local_addr().unwrap().port();
    let state = Arc::clone(&smtp);
    let server = tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            if let Ok(stream) = acceptor.accept(socket).await {
                tokio::spawn(session(stream, Arc::clone(&state)));
            }
        }
    });
    let wrapped = Mailer::new(&SmtpConfig {
        security: Security::Tls,
        ..smtp_config(tls_port)
    })
    .unwrap();
    let t1 = t0 + SignedDuration::from_secs(3);
    assert_eq!(
        mail::run_once(&app.state, &wrapped, WORKER, t1, &config())
            .await
            .unwrap(),
        (0, n)
    );
    for d in log().await {
        assert_eq!(
            (d["status"].as_str(), d["attempts"].as_i64()),
            (Some("pending"), Some(2)),
            "{d}"
        );
        let error = d["last_error"].as_str().unwrap();
        assert!(error.contains("certificate"), "{error}");
    }
    assert!(smtp.received.lock().unwrap().is_empty());
    assert!(smtp.rcpt.lock().unwrap().is_empty());
    server.abort();
    app.finish().await;
}

/// Without `[smtp]`: subscriptions are refused and events make no e-mail.
async fn without_smtp_there_is_no_mail(app: &App) {
    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let r = subscribe(
        app,
        org,
        &admin,
        json!({ "address": "soc@bank.example.jp", "events": ["finding.new"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("[smtp]")
    );
    let r = app
        .get(
            &format!("/api/v1/organizations/{org}/mail-subscriptions"),
            &admin,
        )
        .await
        .json();
    assert_eq!(r, json!({ "enabled": false, "subscriptions": [] }));
    // A subscription kept from when e-mail was on gets no deliveries.
    if !app.load_rustsec().await {
        return;
    }
    app.state
        .store()
        .create_mail_subscription(
            &yata_store::Actor::Cli,
            &yata_store::NewMailSubscription {
                org: yata_store::OrgId(org),
                address: "soc@bank.example.jp".into(),
                events: vec![yata_store::EventKind::FindingNew],
                min_decision: None,
                language: yata_store::MailLanguage::JaEn,
            },
        )
        .await
        .unwrap();
    let asset = app.create_software(org, &admin, "online banking").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !app.state
            .store()
            .undispatched_events(10)
            .await
            .unwrap()
            .is_empty()
    );
    let made = yata_server::webhooks::dispatch(&app.state, Timestamp::now())
        .await
        .unwrap();
    assert_eq!(made, 0);
    assert!(
        app.state
            .store()
            .undispatched_events(10)
            .await
            .unwrap()
            .is_empty()
    );
}
both!(without_smtp_there_is_no_mail);

/// Runs `case(backend)` against SQLite and PostgreSQL as two tests (the
/// case makes its own app: its configuration names its SMTP server).
macro_rules! both_backends {
    ($case:ident) => {
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$case($crate::common::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$case($crate::common::Backend::Postgres).await;
            }
        }
    };
}
both_backends!(new_findings_are_mailed_in_japanese_then_english);
both_backends!(transient_failures_are_retried_and_rejections_given_up);
both_backends!(tls_is_required_and_verified);
