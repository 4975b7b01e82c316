//! Incident reports, their correlation and alerts through the API, on
//! both stores (issue 8): routing up the chain and never sideways, TLP,
//! STIX bundles in and out on the shared examples, related reports and
//! campaigns across sectors, alerts by exposure kept current,
//! acknowledgements, progress, relays and sanitised sharing.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yata_store::{Actor, NewToken, OrgId, OrgKind, Role, UserId};

use common::{App, RequestBody, VULNERABLE_LOCK};

/// The organisations of a test and their tokens.
struct World {
    bank: OrgId,
    bank_admin: String,
    bank_viewer: String,
    other_bank: OrgId,
    other_bank_admin: String,
    railway: OrgId,
    railway_admin: String,
    fsa_admin: String,
    mlit_admin: String,
    vendor_admin: String,
    nco_analyst: String,
}

async fn world(app: &App) -> World {
    let s = &app.state;
    let bank = common::organization(s, "Target Bank", OrgKind::Operator, &["finance"]).await;
    let other_bank = common::organization(s, "Other Bank", OrgKind::Operator, &["finance"]).await;
    let railway = common::organization(s, "Railway", OrgKind::Operator, &["railways"]).await;
    let fsa = common::organization(s, "FSA", OrgKind::Ministry, &["finance"]).await;
    let mlit = common::organization(s, "MLIT", OrgKind::Ministry, &["railways"]).await;
    let vendor = common::organization(s, "Vendor", OrgKind::Vendor, &[]).await;
    let nco = s.store().nco_organization(&Actor::Cli).await.unwrap();
    World {
        bank,
        bank_admin: common::token(s, bank, Role::Admin).await,
        bank_viewer: common::token(s, bank, Role::Viewer).await,
        other_bank,
        other_bank_admin: common::token(s, other_bank, Role::Admin).await,
        railway,
        railway_admin: common::token(s, railway, Role::Admin).await,
        fsa_admin: common::token(s, fsa, Role::Admin).await,
        mlit_admin: common::token(s, mlit, Role::Admin).await,
        vendor_admin: common::token(s, vendor, Role::Admin).await,
        nco_analyst: common::token(s, nco, Role::Analyst).await,
    }
}

/// A person with a membership and a token bound to them.
async fn person(app: &App, org: OrgId, role: Role, email: &str) -> (UserId, String) {
    let store = app.state.store();
    let user = common::member(&app.state, org, role, email, email, None).await;
    let secret = yata_server::auth::new_secret(yata_server::auth::TOKEN_PREFIX).unwrap();
    store
        .create_token(
            &Actor::Cli,
            &NewToken {
                hash: yata_server::auth::secret_hash(&secret),
                name: email.into(),
                org,
                user: Some(user),
                role,
                expires_at: None,
            },
        )
        .await
        .unwrap();
    (user, secret)
}

fn report(title: &str, tlp: &str, indicators: Value) -> Value {
    json!({
        "title": title,
        "description": "beacons to a C2 server",
        "status": "confirmed",
        "tlp": tlp,
        "indicators": indicators,
        "vulnerabilities": ["cve-2024-3400"],
        "detected_at": "2026-11-20T01:00:00Z",
        "service_impact": "degraded",
    })
}

async fn file(app: &App, token: &str, body: Value) -> i64 {
    let r = app.post("/api/v1/incidents", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    r.json()["id"].as_i64().unwrap()
}

async fn reports_go_up_the_chain_and_never_sideways(app: &App) {
    let w = world(app).await;
    let asset = app
        .create_software(w.bank.0, &w.bank_admin, "online banking")
        .await;
    let mut body = report(
        "C2 beacons from the online banking servers",
        "amber",
        json!(["hxxp://evil[.]example/c2", {"type": "ipv4", "value": "198.51.100.7"}, "EVIL.example"]),
    );
    body["asset_ids"] = json!([asset]);
    let id = file(app, &w.bank_admin, body).await;
    let path = format!("/api/v1/incidents/{id}");

    let mine = app.get(&path, &w.bank_viewer).await;
    assert_eq!(mine.status, StatusCode::OK);
    let mine = mine.json();
    assert_eq!(mine["tlp"], "amber");
    assert_eq!(mine["asset_ids"], json!([asset]));
    assert_eq!(mine["vulnerabilities"], json!(["CVE-2024-3400"]));
    let values: Vec<(&str, &str)> = mine["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["type"].as_str().unwrap(), i["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        values,
        [
            ("domain", "evil.example"),
            ("ipv4", "198.51.100.7"),
            ("url", "http://evil.example/c2")
        ]
    );

    // Up the chain: its ministry and the NCO; never sideways.
    for (token, want) in [
        (&w.fsa_admin, StatusCode::OK),
        (&w.nco_analyst, StatusCode::OK),
        (&w.other_bank_admin, StatusCode::NOT_FOUND),
        (&w.railway_admin, StatusCode::NOT_FOUND),
        (&w.mlit_admin, StatusCode::NOT_FOUND),
        (&w.vendor_admin, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&path, token).await.status, want);
        let listed = app.get("/api/v1/incidents", token).await.json();
        let n = listed["incidents"].as_array().unwrap().len();
        assert_eq!(n, usize::from(want == StatusCode::OK), "{listed}");
    }

    // Bad input: located, nothing written.
    let bad = app
        .post(
            "/api/v1/incidents",
            &w.bank_admin,
            report(
                "bad",
                "amber",
                json!(["198.51.100.8", "not an indicator at all"]),
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("indicators[1]"),
        "{}",
        bad.json()
    );
    let mut foreign = report("foreign asset", "amber", json!([]));
    let other_asset = app
        .create_software(w.other_bank.0, &w.other_bank_admin, "atm")
        .await;
    foreign["asset_ids"] = json!([other_asset]);
    let r = app.post("/api/v1/incidents", &w.bank_admin, foreign).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let listed = app.get("/api/v1/incidents", &w.bank_admin).await.json();
    assert_eq!(listed["incidents"].as_array().unwrap().len(), 1);
    let r = app
        .post(
            "/api/v1/incidents",
            &w.bank_viewer,
            report("v", "amber", json!([])),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The reporter updates; a hop may not.
    let update = json!({ "note": "isolated the servers", "status": "contained",
                         "indicators": ["203.0.113.9"] });
    let r = app
        .post(&format!("{path}/updates"), &w.bank_admin, update.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    assert_eq!(r.json()["status"], "contained");
    assert_eq!(r.json()["indicators"].as_array().unwrap().len(), 4);
    for token in [&w.bank_viewer, &w.fsa_admin, &w.nco_analyst] {
        let r = app
            .post(&format!("{path}/updates"), token, update.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    // Hops annotate; the reporter sees what is addressed to it.
    for (token, to_reporter, text) in [
        (&w.fsa_admin, true, "please send the mail headers"),
        (&w.nco_analyst, false, "same C2 seen in railways"),
    ] {
        let r = app
            .post(
                &format!("{path}/annotations"),
                token,
                json!({ "body": text, "to_reporter": to_reporter }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = app
        .post(
            &format!("{path}/annotations"),
            &w.bank_admin,
            json!({ "body": "self" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let bodies = |v: &Value| -> Vec<String> {
        v["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e["kind"].as_str().unwrap(),
                    e["body"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        bodies(&app.get(&path, &w.bank_admin).await.json()),
        [
            "filed:",
            "update:isolated the servers",
            "annotation:please send the mail headers"
        ]
    );
    assert_eq!(
        bodies(&app.get(&path, &w.nco_analyst).await.json()).len(),
        4
    );

    // Attachments: kept with their digest, the reporter's only to add.
    let r = app
        .send(
            Method::POST,
            &format!("{path}/attachments?name=headers.txt"),
            Some(&w.bank_admin),
            RequestBody::Raw(b"Received: from evil.example".to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let att = r.json()["id"].as_i64().unwrap();
    let r = app
        .get(&format!("{path}/attachments/{att}"), &w.fsa_admin)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, b"Received: from evil.example");
    assert_eq!(
        r.headers["x-content-sha256"],
        sha256_hex(b"Received: from evil.example").as_str()
    );
    let r = app
        .get(&format!("{path}/attachments/{att}"), &w.other_bank_admin)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
both!(reports_go_up_the_chain_and_never_sideways);

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn red_reports_reach_named_people_only(app: &App) {
    let w = world(app).await;
    let nco = app
        .state
        .store()
        .nco_organization(&Actor::Cli)
        .await
        .unwrap();
    let (_, author) = person(app, w.bank, Role::Analyst, "author@bank.example").await;
    let (_, colleague) = person(app, w.bank, Role::Admin, "colleague@bank.example").await;
    let (named, named_token) = person(app, nco, Role::Viewer, "duty@nco.example").await;
    let (_, other_nco) = person(app, nco, Role::Admin, "chief@nco.example").await;
    let (outsider, _) = person(app, w.railway, Role::Admin, "ops@rail.example").await;

    // Named people must be on the report's way up.
    let mut body = report("insider", "red", json!(["198.51.100.99"]));
    body["recipients"] = json!([outsider.0]);
    let r = app.post("/api/v1/incidents", &author, body.clone()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json());
    body["recipients"] = json!([]);
    let r = app.post("/api/v1/incidents", &author, body.clone()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    body["recipients"] = json!([named.0]);
    let id = file(app, &author, body).await;
    let path = format!("/api/v1/incidents/{id}");
    for (who, token, want) in [
        ("author", &author, StatusCode::OK),
        ("named", &named_token, StatusCode::OK),
        ("colleague", &colleague, StatusCode::NOT_FOUND),
        ("bank token", &w.bank_admin, StatusCode::NOT_FOUND),
        ("other NCO person", &other_nco, StatusCode::NOT_FOUND),
        ("NCO token", &w.nco_analyst, StatusCode::NOT_FOUND),
        ("ministry", &w.fsa_admin, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&path, token).await.status, want, "{who}");
        let n = app.get("/api/v1/incidents", token).await.json()["incidents"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(n, usize::from(want == StatusCode::OK), "{who}");
    }
}
both!(red_reports_reach_named_people_only);

/// Every STIX example of the shared data, filed as a report: every object
/// comes back unchanged in the export.
async fn stix_bundles_round_trip(app: &App) {
    let w = world(app).await;
    let Some(dir) = yata_testdata::path("stix/examples") else {
        return;
    };
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    let mut indicators = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        let bundle = original["type"] == "bundle";
        let r = app
            .request(
                axum::http::Request::post("/api/v1/incidents")
                    .header("authorization", format!("Bearer {}", w.bank_admin))
                    .header("content-type", "application/stix+json")
                    .body(axum::body::Body::from(bytes.clone()))
                    .unwrap(),
            )
            .await;
        if !bundle {
            // One example is a lone campaign object, not a bundle.
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                f.display()
            );
            continue;
        }
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}: {}",
            f.display(),
            r.json()
        );
        let id = r.json()["id"].as_i64().unwrap();
        let report = app
            .get(&format!("/api/v1/incidents/{id}"), &w.fsa_admin)
            .await
            .json();
        assert_eq!(report["from_stix"], true);
        indicators += report["indicators"].as_array().unwrap().len();
        let out = app
            .get(&format!("/api/v1/incidents/{id}/stix"), &w.nco_analyst)
            .await;
        assert_eq!(out.status, StatusCode::OK);
        let exported = out.json();
        for o in original["objects"].as_array().unwrap() {
            assert!(
                exported["objects"].as_array().unwrap().contains(o),
                "{}: {} missing from the export",
                f.display(),
                o["id"]
            );
        }
        yata_stix::Bundle::parse(&out.body, &yata_stix::Limits::default())
            .unwrap_or_else(|e| panic!("{}: export does not parse: {e}", f.display()));
    }
    assert!(indicators > 10, "{indicators}");

    // The C2 example's one address, as the file says.
    let c2 = std::fs::read(dir.join("indicator-for-c2-ip-address.json")).unwrap();
    let r = app
        .request(
            axum::http::Request::post("/api/v1/incidents?tlp=green")
                .header("authorization", format!("Bearer {}", w.bank_admin))
                .header("content-type", "application/stix+json")
                .body(axum::body::Body::from(c2))
                .unwrap(),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let report = app
        .get(&format!("/api/v1/incidents/{id}"), &w.bank_admin)
        .await
        .json();
    assert_eq!(report["title"], "IP Address for known C2 channel");
    assert_eq!(report["tlp"], "green");
    assert_eq!(
        report["indicators"],
        json!([{"type": "ipv4", "value": "10.0.0.0",
                "first_seen": "2014-05-08T09:00:00Z", "last_seen": "2014-05-08T09:00:00Z"}])
    );

    // A report filed as JSON exports as a bundle that files back as the
    // same indicators and vulnerabilities.
    let id = file(app, &w.bank_admin, report_json_for_round_trip()).await;
    let bundle = app
        .get(&format!("/api/v1/incidents/{id}/stix"), &w.bank_admin)
        .await;
    let r = app
        .request(
            axum::http::Request::post("/api/v1/incidents")
                .header("authorization", format!("Bearer {}", w.bank_admin))
                .header("content-type", "application/stix+json")
                .body(axum::body::Body::from(bundle.body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let back = app
        .get(
            &format!("/api/v1/incidents/{}", r.json()["id"]),
            &w.bank_admin,
        )
        .await
        .json();
    let first = app
        .get(&format!("/api/v1/incidents/{id}"), &w.bank_admin)
        .await
        .json();
    let values = |v: &Value| -> Vec<(String, String)> {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["type"].as_str().unwrap().into(),
                    i["value"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(values(&back), values(&first));
    assert_eq!(back["vulnerabilities"], first["vulnerabilities"]);
    assert_eq!(back["tlp"], "amber");
    assert_eq!(back["title"], first["title"]);

    // Not a bundle: located, nothing filed.
    let before = app.get("/api/v1/incidents", &w.bank_admin).await.json()["incidents"]
        .as_array()
        .unwrap()
        .len();
    let r = app
        .request(
            axum::http::Request::post("/api/v1/incidents")
                .header("authorization", format!("Bearer {}", w.bank_admin))
                .header("content-type", "application/stix+json")
                .body(axum::body::Body::from(
                    r#"{"type":"bundle","id":"bundle--not-a-uuid","objects":[]}"#,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json());
    let after = app.get("/api/v1/incidents", &w.bank_admin).await.json()["incidents"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}
both!(stix_bundles_round_trip);

fn report_json_for_round_trip() -> Value {
    report(
        "Ransomware staging",
        "amber",
        json!([
            "198.51.100.7",
            "2001:db8::1",
            "evil.example",
            "http://evil.example/payload.bin",
            "ops@evil.example",
            "d41d8cd98f00b204e9800998ecf8427e",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "198.51.100.0/24"
        ]),
    )
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    out
}

async fn reports_are_correlated_across_sectors(app: &App) {
    let w = world(app).await;
    let shared = json!(["45.133.1.7", "c2.evil.example", "8.8.8.8"]);
    let bank = file(app, &w.bank_admin, report("bank", "amber", shared.clone())).await;
    let rail = file(
        app,
        &w.railway_admin,
        report(
            "rail",
            "green",
            json!([
                "45[.]133[.]1[.]7",
                "hxxps://c2.evil.example/x",
                "C2.EVIL.EXAMPLE"
            ]),
        ),
    )
    .await;
    // Shares only a public resolver with the bank: no link.
    let resolver = file(
        app,
        &w.other_bank_admin,
        report("dns", "amber", json!(["8.8.8.8"])),
    )
    .await;
    // Linked to the railway report only through a third one.
    let chain = file(
        app,
        &w.railway_admin,
        report("chain", "amber", json!(["c2.evil.example", "203.0.113.50"])),
    )
    .await;
    let _ = chain;

    let related = app
        .get(&format!("/api/v1/incidents/{bank}/related"), &w.nco_analyst)
        .await;
    assert_eq!(related.status, StatusCode::OK, "{}", related.json());
    let related = related.json();
    let list = related["related"].as_array().unwrap();
    assert_eq!(list[0]["id"], rail);
    assert_eq!(
        list[0]["shared_indicators"],
        json!(["45.133.1.7", "c2.evil.example"])
    );
    assert!(list.iter().all(|r| r["id"] != resolver), "{related}");

    // The ministry sees its own sector only; the operator not at all.
    let fsa = app
        .get(&format!("/api/v1/incidents/{bank}/related"), &w.fsa_admin)
        .await
        .json();
    assert_eq!(fsa["related"], json!([]));
    assert_eq!(
        app.get(&format!("/api/v1/incidents/{bank}/related"), &w.bank_admin)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/incidents/{bank}/related"), &w.mlit_admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Campaigns across sectors: bank + both railway reports.
    let clusters = app
        .get(
            "/api/v1/incidents/clusters?across_sectors=true",
            &w.nco_analyst,
        )
        .await
        .json();
    let c = &clusters["clusters"][0];
    let mut ids: Vec<i64> = c["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, [bank, rail, chain]);
    assert_eq!(c["sectors"], json!(["finance", "railways"]));
    assert_eq!(clusters["clusters"].as_array().unwrap().len(), 1);
    let fsa = app
        .get(
            "/api/v1/incidents/clusters?across_sectors=true",
            &w.fsa_admin,
        )
        .await
        .json();
    assert_eq!(fsa["clusters"], json!([]));

    // One indicator across reports: first and last seen over them.
    let ind = app
        .get("/api/v1/indicators?value=45%5B.%5D133.1.7", &w.nco_analyst)
        .await
        .json();
    assert_eq!(ind["type"], "ipv4");
    assert_eq!(ind["incidents"], json!([bank, rail]));
    assert_eq!(ind["first_seen"], "2026-11-20T01:00:00Z");
    let resolver_stats = app
        .get("/api/v1/indicators?value=8.8.8.8", &w.nco_analyst)
        .await
        .json();
    assert_eq!(resolver_stats["benign"], true);
    assert_eq!(resolver_stats["incidents"], json!([bank, resolver]));
}
both!(reports_are_correlated_across_sectors);

async fn alerts_reach_the_exposed_and_are_acknowledged(app: &App) {
    let has_feeds = app.load_rustsec().await;
    if !has_feeds {
        return;
    }
    let w = world(app).await;
    let bank_asset = app.create_software(w.bank.0, &w.bank_admin, "core").await;
    assert_eq!(
        app.upload_lock(bank_asset, &w.bank_admin, VULNERABLE_LOCK)
            .await
            .status,
        StatusCode::OK
    );
    let bank_analyst = common::token(&app.state, w.bank, Role::Analyst).await;

    // Only the NCO's and the ministries' writers issue alerts.
    let alert = json!({
        "title": "smallvec buffer overflow",
        "title_ja": "smallvec のバッファオーバーフロー",
        "body": "Update smallvec to 1.6.1 or later.",
        "body_ja": "smallvec を 1.6.1 以降に更新してください。",
        "tlp": "amber", "severity": "high", "deadline": "2026-12-01T00:00:00Z",
        "actions": ["update smallvec"],
        "targets": { "exposed_to": ["RUSTSEC-2021-0003"] },
    });
    for token in [&w.bank_admin, &w.vendor_admin] {
        assert_eq!(
            app.post("/api/v1/alerts", token, alert.clone())
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let preview = app
        .post("/api/v1/alerts/preview", &w.nco_analyst, alert.clone())
        .await
        .json();
    assert_eq!(preview["organizations"], 1, "{preview}");
    assert_eq!(preview["by_sector"], json!({"finance": 1}));
    let r = app
        .post("/api/v1/alerts", &w.nco_analyst, alert.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/alerts/{id}");

    // Exposed now: the bank; later exposures join as they appear.
    let inbox = |token: &str| {
        let token = token.to_owned();
        async move {
            app.get("/api/v1/alerts", &token).await.json()["alerts"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let got = inbox(&w.bank_admin).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["acknowledgement"]["status"], "received");
    assert_eq!(got[0]["title_ja"], "smallvec のバッファオーバーフロー");
    assert!(got[0].get("targets").is_none(), "targets are the issuer's");
    assert!(inbox(&w.other_bank_admin).await.is_empty());
    let other_asset = app
        .create_software(w.other_bank.0, &w.other_bank_admin, "atm")
        .await;
    app.upload_lock(other_asset, &w.other_bank_admin, VULNERABLE_LOCK)
        .await;
    assert_eq!(inbox(&w.other_bank_admin).await.len(), 1);

    // AMBER: recipients and the issuer only.
    assert_eq!(
        app.get(&path, &w.railway_admin).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path, &w.fsa_admin).await.status,
        StatusCode::NOT_FOUND
    );
    let read = app.get(&path, &w.bank_viewer).await.json();
    assert_eq!(read["acknowledgement"]["status"], "read");
    assert!(
        read["acknowledgement"]["read"]["by"]
            .as_str()
            .unwrap()
            .starts_with("token:")
    );

    // Acknowledgements move forward, by writers.
    let ack = |status: &str| json!({ "status": status, "note": "patching tonight" });
    assert_eq!(
        app.post(&format!("{path}/ack"), &w.bank_viewer, ack("acting"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(&format!("{path}/ack"), &bank_analyst, ack("acting"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json());
    assert_eq!(r.json()["status"], "acting");
    assert_eq!(
        app.post(&format!("{path}/ack"), &bank_analyst, ack("read"))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post(&format!("{path}/ack"), &w.nco_analyst, ack("done"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The issuer's progress and reminders.
    let progress = app
        .get(&format!("{path}/progress"), &w.nco_analyst)
        .await
        .json();
    assert_eq!(progress["total"], 2, "{progress}");
    assert_eq!(progress["by_status"]["acting"], 1);
    assert_eq!(progress["by_status"]["received"], 1);
    assert_eq!(progress["by_sector"]["finance"]["acting"], 1);
    assert_eq!(
        app.get(&format!("{path}/progress"), &w.bank_admin)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(&format!("{path}/remind"), &w.nco_analyst, json!({}))
        .await;
    assert_eq!(r.json()["reminded"], 1);
    assert_eq!(
        inbox(&w.other_bank_admin).await[0]["acknowledgement"]["reminders"],
        1
    );

    // GREEN: every member may read it, recipients have it in their inbox;
    // CLEAR: the public feed.
    let green = app
        .post(
            "/api/v1/alerts",
            &w.nco_analyst,
            json!({ "title": "rail advisory", "tlp": "green", "targets": { "sectors": ["railways"] } }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(inbox(&w.railway_admin).await.len(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/alerts/{green}"), &w.vendor_admin)
            .await
            .status,
        StatusCode::OK
    );
    app.post(
        "/api/v1/alerts",
        &w.nco_analyst,
        json!({ "title_ja": "公開情報", "tlp": "clear", "targets": { "all": true } }),
    )
    .await;
    let public = app
        .send(
            Method::GET,
            "/api/v1/public/alerts",
            None,
            RequestBody::None,
        )
        .await
        .json();
    assert_eq!(public["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(public["alerts"][0]["title_ja"], "公開情報");

    // A ministry alerts its own sectors only, and relays what TLP allows.
    let r = app
        .post(
            "/api/v1/alerts",
            &w.fsa_admin,
            json!({ "title": "x", "tlp": "amber", "targets": { "sectors": ["railways"] } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let nco_to_fsa = |tlp: &str| json!({ "title": format!("for finance ({tlp})"), "tlp": tlp, "targets": { "sectors": ["finance"] } });
    for (tlp, want) in [
        ("amber", StatusCode::CREATED),
        ("amber+strict", StatusCode::FORBIDDEN),
    ] {
        let original = app
            .post("/api/v1/alerts", &w.nco_analyst, nco_to_fsa(tlp))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let r = app
            .post(
                "/api/v1/alerts",
                &w.fsa_admin,
                json!({ "relay_of": original, "targets": { "all": true } }),
            )
            .await;
        assert_eq!(r.status, want, "{tlp}: {}", r.json());
    }
    let relayed = inbox(&w.other_bank_admin).await;
    assert!(
        relayed.iter().any(|a| a["relay_of"].is_i64()),
        "{relayed:?}"
    );

    // Shared from a report: attributed to the sector, never the reporter.
    let report_id = file(
        app,
        &w.bank_admin,
        report("phish", "amber", json!(["phish.evil.example"])),
    )
    .await;
    for (tlp, want) in [
        ("green", StatusCode::FORBIDDEN),
        ("amber", StatusCode::CREATED),
    ] {
        let r = app
            .post(
                "/api/v1/alerts",
                &w.nco_analyst,
                json!({ "title": "phishing wave", "tlp": tlp, "from_incident": report_id,
                        "targets": { "sectors": ["railways"] } }),
            )
            .await;
        assert_eq!(r.status, want, "{tlp}: {}", r.json());
    }
    let strict = file(
        app,
        &w.bank_admin,
        report("strict", "amber+strict", json!(["x.evil.example"])),
    )
    .await;
    let r = app
        .post(
            "/api/v1/alerts",
            &w.nco_analyst,
            json!({ "title": "no", "tlp": "red", "from_incident": strict, "recipients": [] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let shared = inbox(&w.railway_admin)
        .await
        .into_iter()
        .find(|a| a["title"] == "phishing wave")
        .unwrap();
    assert_eq!(shared["source"], json!({ "sector": "finance" }));
    assert_eq!(
        shared["indicators"],
        json!([{ "type": "domain", "value": "phish.evil.example" }])
    );
    let text = shared.to_string();
    assert!(
        !text.contains("Target Bank") && !text.contains("source_incident"),
        "{text}"
    );

    // RED: named people only.
    let (named, named_token) = person(app, w.railway, Role::Viewer, "duty@rail.example").await;
    let r = app
        .post(
            "/api/v1/alerts",
            &w.nco_analyst,
            json!({ "title": "eyes only", "tlp": "red", "targets": { "all": true } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let red = app
        .post(
            "/api/v1/alerts",
            &w.nco_analyst,
            json!({ "title": "eyes only", "tlp": "red", "recipients": [named.0] }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let red_path = format!("/api/v1/alerts/{red}");
    assert_eq!(
        app.get(&red_path, &named_token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&red_path, &w.railway_admin).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&red_path, &w.nco_analyst).await.status,
        StatusCode::OK
    );
    assert!(inbox(&w.railway_admin).await.iter().all(|a| a["id"] != red));
}
both!(alerts_reach_the_exposed_and_are_acknowledged);

/// A report filed through one replica is correlated by another on the
/// same database, which catches up by revision.
async fn another_replica_correlates_reports_filed_elsewhere(app: &App) {
    let w = world(app).await;
    let store = yata_store::open(&app.db.url).await.unwrap();
    let replica = yata_server::AppState::new(
        store,
        yata_priority::Policy::default(),
        yata_server::ServiceConfig::default(),
    );
    replica.set_ready();
    let other = App {
        router: yata_server::router(replica.clone()),
        state: replica,
        db: yata_store::testing::TestDatabase::sqlite(),
        nco: app.nco.clone(),
    };
    let a = file(
        app,
        &w.bank_admin,
        report("a", "amber", json!(["45.9.9.9"])),
    )
    .await;
    // The other replica builds its index now, with report a.
    let r = other
        .get(&format!("/api/v1/incidents/{a}/related"), &w.nco_analyst)
        .await;
    assert_eq!(r.json()["related"], json!([]));
    // Filed through the first replica; the other catches up.
    let b = file(
        app,
        &w.railway_admin,
        report("b", "amber", json!(["45[.]9[.]9[.]9"])),
    )
    .await;
    let r = other
        .get(&format!("/api/v1/incidents/{a}/related"), &w.nco_analyst)
        .await;
    assert_eq!(r.json()["related"][0]["id"], b, "{}", r.json());
    // An update through the first replica links b to a third report.
    let c = file(
        app,
        &w.fsa_admin,
        report("c", "amber", json!(["45.9.9.10"])),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/incidents/{b}/updates"),
            &w.railway_admin,
            json!({ "note": "more", "indicators": ["45.9.9.10"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = other
        .get(&format!("/api/v1/incidents/{b}/related"), &w.nco_analyst)
        .await;
    let ids: Vec<i64> = r.json()["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [a, c], "{}", r.json());
    other.state.store().close().await.unwrap();
}
both!(another_replica_correlates_reports_filed_elsewhere);
