//! The HTTP API contract of issue 6, in process, against SQLite and a real
//! PostgreSQL: organisations, tokens, assets, inventory upload → findings,
//! the workflow, visibility answers, feeds, errors, sessions, bootstrap.

mod common;

use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use yata_server::auth;
use yata_store::{Actor, Role};

use common::{App, FIXED_LOCK, RequestBody, VULNERABLE_LOCK};

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().unwrap()
}

fn with_alias<'a>(v: &'a Value, alias: &str) -> Option<&'a Value> {
    findings(v).iter().find(|f| {
        f["id"] == alias
            || f["aliases"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == alias))
    })
}

fn is_rfc3339(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.parse::<jiff::Timestamp>().is_ok() && s.ends_with('Z'))
}

async fn upload_gives_explained_findings_and_the_workflow_records_decisions(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let org = app
        .create_org("Example Bank", "operator", &["finance"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    let asset = app.create_software(org, &admin, "online banking").await;

    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let v = r.json();
    assert_eq!(v["components"], 5);
    assert_eq!(v["format"], "cargo-lock");

    let r = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json();
    for alias in [
        "RUSTSEC-2021-0003",
        "RUSTSEC-2020-0071",
        "RUSTSEC-2021-0078",
        "RUSTSEC-2021-0079",
    ] {
        assert!(with_alias(&list, alias).is_some(), "no finding {alias}");
    }
    assert!(
        findings(&list)
            .iter()
            .all(|f| f["package"]["name"] != "serde"),
        "serde 1.0.200 is clean"
    );
    let smallvec = with_alias(&list, "RUSTSEC-2021-0003").unwrap();
    // The scan's fields…
    assert_eq!(smallvec["id"], "CVE-2021-25900");
    assert_eq!(smallvec["package"]["purl"], "pkg:cargo/smallvec@1.6.0");
    assert_eq!(smallvec["confidence"], "exact");
    assert_eq!(smallvec["cvss"]["base"], 9.8);
    assert!(smallvec["decision"].is_string());
    assert!(smallvec["explanation"].is_string());
    // …and the platform's.
    assert_eq!(smallvec["asset_id"], asset);
    assert_eq!(smallvec["state"], "open");
    assert!(is_rfc3339(&smallvec["first_seen"]), "{smallvec}");
    let days = smallvec["deadline_days"].as_i64();
    assert_eq!(smallvec["deadline"].is_string(), days.is_some());
    if let (Some(d), Some(deadline)) = (days, smallvec["deadline"].as_str()) {
        let first: jiff::Timestamp = smallvec["first_seen"].as_str().unwrap().parse().unwrap();
        let deadline: jiff::Timestamp = deadline.parse().unwrap();
        let span = deadline.duration_since(first).as_secs();
        assert!(
            (span - d * 86_400).abs() <= 1,
            "deadline {span}s after first seen, policy {d} days"
        );
    }
    // Deadline order: no finding with a deadline after one without.
    let deadlines: Vec<Option<&str>> = findings(&list)
        .iter()
        .map(|f| f["deadline"].as_str())
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort_by_key(|d| (d.is_none(), d.map(str::to_owned)));
    assert_eq!(deadlines, sorted);

    let id = smallvec["finding_id"].as_i64().unwrap();
    let path = format!("/api/v1/findings/{id}/transitions");
    // not_affected needs a VEX justification.
    let r = app
        .post(
            &path,
            &admin,
            json!({ "to": "not_affected", "note": "not used" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("justification")
    );
    let r = app
        .post(
            &path,
            &admin,
            json!({ "to": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "note": "insert_many is never called" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["state"], "not_affected");
    // risk_accepted needs an expiry in the future.
    let other = with_alias(&list, "RUSTSEC-2020-0071").unwrap()["finding_id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(
            &format!("/api/v1/findings/{other}/transitions"),
            &admin,
            json!({ "to": "risk_accepted", "note": "replacing time next quarter" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &format!("/api/v1/findings/{other}/transitions"),
            &admin,
            json!({ "to": "risk_accepted", "note": "replacing time next quarter", "expires_at": "2099-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());

    let r = app.get(&path, &admin).await;
    let history = r.json();
    let t = &history["transitions"][0];
    assert_eq!(t["from"], "open");
    assert_eq!(t["to"], "not_affected");
    assert_eq!(t["justification"], "vulnerable_code_not_in_execute_path");
    assert!(t["actor"].as_str().unwrap().starts_with("token:"));

    let open = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await
        .json();
    assert!(with_alias(&open, "RUSTSEC-2021-0003").is_none());
    assert!(with_alias(&open, "RUSTSEC-2020-0071").is_none());

    // A batch moves several findings at once, or none of them.
    let open_now = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await
        .json();
    let ids: Vec<i64> = findings(&open_now)
        .iter()
        .map(|f| f["finding_id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 2);
    let outsider = app.create_org("Other Bank", "operator", &["finance"]).await;
    let outsider_admin = app.issue_token(outsider, "admin").await;
    let batch = |ids: &[i64]| json!({ "transitions": ids.iter().map(|id| json!({ "finding_id": id, "to": "in_triage", "note": "weekly triage" })).collect::<Vec<_>>() });
    let r = app
        .post("/api/v1/findings/transitions", &outsider_admin, batch(&ids))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another bank's findings");
    let r = app
        .post(
            "/api/v1/findings/transitions",
            &admin,
            batch(&[ids[0], ids[0]]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("transitions[1].finding_id")
    );
    let r = app
        .post("/api/v1/findings/transitions", &admin, batch(&ids))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["applied"], ids.len());
    let triaged = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=in_triage"),
            &admin,
        )
        .await
        .json();
    assert_eq!(findings(&triaged).len(), ids.len());
    let back: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "finding_id": id, "to": "open", "note": "back" }))
        .collect();
    let r = app
        .post(
            "/api/v1/findings/transitions",
            &admin,
            json!({ "transitions": back }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Upgrading everything resolves the open findings; the decided ones
    // keep their decision.
    let r = app.upload_lock(asset, &admin, FIXED_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["findings"]["resolved"].as_u64().unwrap() >= 2);
    let open = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await
        .json();
    assert!(findings(&open).is_empty(), "{open}");
    // Going back reopens the fixed ones with their history.
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert!(
        r.json()["findings"]["reopened"].as_u64().unwrap() >= 2,
        "{:?}",
        r.json()
    );
    let hyper = with_alias(
        &app.get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await
        .json(),
        "RUSTSEC-2021-0078",
    )
    .cloned()
    .expect("hyper reopened");
    let id = hyper["finding_id"].as_i64().unwrap();
    let h = app
        .get(&format!("/api/v1/findings/{id}/transitions"), &admin)
        .await
        .json();
    let moves: Vec<(&str, &str)> = h["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["from"].as_str().unwrap(), t["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("open", "in_triage"),
            ("in_triage", "open"),
            ("open", "fixed"),
            ("fixed", "open")
        ]
    );

    let hist = app
        .get(&format!("/api/v1/assets/{asset}/inventories"), &admin)
        .await
        .json();
    assert_eq!(hist["inventories"].as_array().unwrap().len(), 3);
    assert!(app.state.store().verify_audit().await.unwrap().is_ok());
}
both!(upload_gives_explained_findings_and_the_workflow_records_decisions);

async fn a_bad_document_is_refused_with_its_location_and_changes_nothing(app: &App) {
    let org = app.create_org("Gas Co", "operator", &["gas"]).await;
    let admin = app.issue_token(org, "admin").await;
    let asset = app.create_software(org, &admin, "scada historian").await;
    let before = app
        .state
        .store()
        .audit_entries(0, 100_000)
        .await
        .unwrap()
        .len();
    let r = app
        .send(
            Method::PUT,
            &format!("/api/v1/assets/{asset}/inventory?format=cyclonedx-json"),
            Some(&admin),
            RequestBody::Raw(br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "a"},"#.to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let e = r.json();
    assert_eq!(e["error"]["code"], "unprocessable");
    let located = e["error"]["errors"][0].as_str().unwrap();
    assert!(located.contains("line 1"), "{located}");
    assert!(
        e["error"]["request_id"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    // Unrecognised documents too.
    let r = app
        .send(
            Method::PUT,
            &format!("/api/v1/assets/{asset}/inventory"),
            Some(&admin),
            RequestBody::Raw(b"hello".to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = app
        .state
        .store()
        .audit_entries(0, 100_000)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "a refused upload writes nothing");
    let hist = app
        .get(&format!("/api/v1/assets/{asset}/inventories"), &admin)
        .await
        .json();
    assert!(hist["inventories"].as_array().unwrap().is_empty());
}
both!(a_bad_document_is_refused_with_its_location_and_changes_nothing);

async fn others_objects_answer_404_and_ministries_see_their_sectors(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let bank = app.create_org("Bank A", "operator", &["finance"]).await;
    let other_bank = app.create_org("Bank B", "operator", &["finance"]).await;
    let fsa = app
        .create_org("Financial Services Agency", "ministry", &["finance"])
        .await;
    let mlit = app
        .create_org("Transport Ministry", "ministry", &["railways", "aviation"])
        .await;
    let vendor = app.create_org("Vendor K.K.", "vendor", &[]).await;
    let admin = app.issue_token(bank, "admin").await;
    let viewer = app.issue_token(bank, "viewer").await;
    let asset = app.create_software(bank, &admin, "core banking").await;
    assert_eq!(
        app.upload_lock(asset, &admin, VULNERABLE_LOCK).await.status,
        StatusCode::OK
    );
    let list = app
        .get(&format!("/api/v1/organizations/{bank}/findings"), &admin)
        .await
        .json();
    let finding = findings(&list)[0]["finding_id"].as_i64().unwrap();

    let b = app.issue_token(other_bank, "admin").await;
    let v = app.issue_token(vendor, "admin").await;
    let m = app.issue_token(mlit, "admin").await;
    for (who, token) in [
        ("other bank", &b),
        ("vendor", &v),
        ("other-sector ministry", &m),
    ] {
        for path in [
            format!("/api/v1/organizations/{bank}"),
            format!("/api/v1/organizations/{bank}/findings"),
            format!("/api/v1/assets/{asset}"),
            format!("/api/v1/assets/{asset}/inventory"),
            format!("/api/v1/findings/{finding}"),
        ] {
            let r = app.get(&path, token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} GET {path}");
            assert_eq!(r.json()["error"]["code"], "not_found");
        }
        let r = app
            .post(
                &format!("/api/v1/findings/{finding}/transitions"),
                token,
                json!({ "to": "in_triage", "note": "x" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
    }
    // A missing object answers exactly like an invisible one.
    let r = app.get("/api/v1/findings/999999", &b).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The supervising ministry sees status and findings, not raw inventories,
    // and changes nothing.
    let f = app.issue_token(fsa, "analyst").await;
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{bank}/findings"), &f)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/assets/{asset}"), &f).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("/api/v1/assets/{asset}/inventory"), &f)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &format!("/api/v1/findings/{finding}/transitions"),
            &f,
            json!({ "to": "in_triage", "note": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let orgs = app.get("/api/v1/organizations", &f).await.json();
    let mut seen: Vec<i64> = orgs["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, [bank, other_bank, fsa]);

    // A viewer of the bank reads but does not decide.
    assert_eq!(
        app.get(&format!("/api/v1/findings/{finding}"), &viewer)
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .post(
            &format!("/api/v1/findings/{finding}/transitions"),
            &viewer,
            json!({ "to": "in_triage", "note": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Only the NCO admin creates organisations and imports feeds.
    let r = app
        .post(
            "/api/v1/organizations",
            &admin,
            json!({ "name": "X", "kind": "vendor" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds",
            Some(&admin),
            RequestBody::Raw(b"{}".to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
both!(others_objects_answer_404_and_ministries_see_their_sectors);

async fn feeds_imported_later_re_evaluate_uploaded_inventories(app: &App) {
    let Some(snapshot) = common::rustsec_snapshot() else {
        return;
    };
    let org = app.create_org("Rail Co", "operator", &["railways"]).await;
    let admin = app.issue_token(org, "admin").await;
    let asset = app.create_software(org, &admin, "signalling").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.json()["findings"]["opened"], 0, "no advisories yet");
    // In the background: 202 and a job the worker runs.
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds",
            Some(&app.nco),
            RequestBody::Raw(snapshot.to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.json());
    assert!(r.json()["vulnerabilities"].as_u64().unwrap() > 500);
    assert!(
        yata_server::jobs::run_one(&app.state, "test")
            .await
            .unwrap()
    );
    assert!(
        !yata_server::jobs::run_one(&app.state, "test")
            .await
            .unwrap()
    );
    let list = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?state=open"),
            &admin,
        )
        .await
        .json();
    assert!(with_alias(&list, "RUSTSEC-2021-0003").is_some(), "{list}");
    let status = app.get("/api/v1/feeds", &admin).await.json();
    assert_eq!(status["vulnerabilities"], r.json()["vulnerabilities"]);

    // A raw source is merged into what is there: one RustSec advisory file.
    let dir = yata_testdata::path("rustsec/advisory-db/crates/smallvec").unwrap();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?format=rustsec&wait=true",
            Some(&app.nco),
            RequestBody::Raw(std::fs::read(&file).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(
        r.json()["vulnerabilities"],
        status["vulnerabilities"],
        "merged, not replaced"
    );
    // The same advisory zipped: a zip upload is opened, not refused as an
    // unknown format (regression, issue 7: the body's temporary file had no
    // `.zip` name).
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let name = format!(
        "crates/smallvec/{}",
        file.file_name().unwrap().to_string_lossy()
    );
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, &std::fs::read(&file).unwrap()).unwrap();
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?format=rustsec&wait=true",
            Some(&app.nco),
            RequestBody::Raw(zip.finish().unwrap().into_inner()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["sources"][0]["documents"], 1, "{:?}", r.json());
    // Garbage is refused and changes nothing.
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?format=osv-json",
            Some(&app.nco),
            RequestBody::Raw(b"{\"id\": 5}".to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json());
    assert_eq!(
        app.get("/api/v1/feeds", &admin).await.json()["vulnerabilities"],
        status["vulnerabilities"]
    );
}
both!(feeds_imported_later_re_evaluate_uploaded_inventories);

async fn a_kev_product_without_versions_is_a_possible_finding(app: &App) {
    let Some(kev) = yata_testdata::path("kev/known_exploited_vulnerabilities.json") else {
        return;
    };
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?wait=true",
            Some(&app.nco),
            RequestBody::Raw(std::fs::read(kev).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let org = app
        .create_org("Ministry of X IT", "government", &["government"])
        .await;
    let admin = app.issue_token(org, "analyst").await;
    let r = app
        .post(
            &format!("/api/v1/organizations/{org}/assets"),
            &admin,
            json!({ "name": "vpn-gw-01", "kind": "product", "internet_exposed": true, "criticality": "very-high",
                    "vendor": "Citrix", "product": "NetScaler ADC", "version": "13.1-48.47" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let list = app
        .get(&format!("/api/v1/organizations/{org}/findings"), &admin)
        .await
        .json();
    assert!(
        !findings(&list).is_empty(),
        "KEV names Citrix NetScaler ADC"
    );
    for f in findings(&list) {
        assert_eq!(f["confidence"], "product-only", "{f}");
        assert_eq!(f["kev"], true);
        assert_eq!(f["product"]["vendor"], "Citrix");
    }
    // An inventory document is for software assets.
    let asset = list["findings"][0]["asset_id"].as_i64().unwrap();
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}
both!(a_kev_product_without_versions_is_a_possible_finding);

async fn an_asset_register_becomes_product_assets_in_one_go(app: &App) {
    let Some(kev) = yata_testdata::path("kev/known_exploited_vulnerabilities.json") else {
        return;
    };
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?wait=true",
            Some(&app.nco),
            RequestBody::Raw(std::fs::read(kev).unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let org = app
        .create_org("Airport Co", "operator", &["airports"])
        .await;
    let admin = app.issue_token(org, "admin").await;
    // A register as Japanese Excel users export it (UTF-8 here), Japanese headers.
    let csv = "ベンダー,製品名,バージョン,ホスト名,外部公開,重要度\n\
               Citrix,NetScaler ADC,14.1-43.50,vpn-gw-01,はい,最高\n\
               Fortinet,FortiOS,7.0.1,fw-01,いいえ,高\n\
               Example,Internal Wiki,1.0,wiki-01,,\n";
    let path = format!("/api/v1/organizations/{org}/assets/bulk");
    let r = app
        .send(
            Method::POST,
            &path,
            Some(&admin),
            RequestBody::Raw(csv.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let v = r.json();
    assert_eq!(v["created"], 3);
    assert_eq!(v["rows_with_defaults"], 1);
    assert!(
        v["findings"].as_u64().unwrap() >= 2,
        "Citrix and Fortinet are in KEV: {v}"
    );
    let assets = app
        .get(&format!("/api/v1/organizations/{org}/assets"), &admin)
        .await
        .json();
    let gw = assets["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "vpn-gw-01")
        .unwrap()
        .clone();
    assert_eq!(gw["kind"], "product");
    assert_eq!(gw["internet_exposed"], true);
    assert_eq!(gw["criticality"], "very-high");
    let wiki = assets["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "wiki-01")
        .unwrap()
        .clone();
    assert_eq!(
        (
            wiki["internet_exposed"].clone(),
            wiki["criticality"].clone()
        ),
        (json!(true), json!("high")),
        "conservative defaults"
    );
    let list = app
        .get(
            &format!("/api/v1/organizations/{org}/findings?asset={}", gw["id"]),
            &admin,
        )
        .await
        .json();
    assert!(!findings(&list).is_empty());
    // A register with a bad row, or a name already taken, changes nothing.
    let before = app
        .get(&format!("/api/v1/organizations/{org}/assets"), &admin)
        .await
        .json()["assets"]
        .as_array()
        .unwrap()
        .len();
    let bad = "vendor,product,internet exposed\nCitrix,NetScaler ADC,perhaps\n";
    let r = app
        .send(
            Method::POST,
            &path,
            Some(&admin),
            RequestBody::Raw(bad.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("row 1"),
        "{:?}",
        r.json()
    );
    let taken = "vendor,product,hostname\nA,B,new-host\nCitrix,NetScaler ADC,vpn-gw-01\n";
    let r = app
        .send(
            Method::POST,
            &path,
            Some(&admin),
            RequestBody::Raw(taken.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json());
    let after = app
        .get(&format!("/api/v1/organizations/{org}/assets"), &admin)
        .await
        .json()["assets"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}
both!(an_asset_register_becomes_product_assets_in_one_go);

async fn views_roll_up_and_exposure_follows_visibility(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let bank = app.create_org("Bank", "operator", &["finance"]).await;
    let rail = app.create_org("Rail", "operator", &["railways"]).await;
    let fsa = app.create_org("FSA", "ministry", &["finance"]).await;
    let vendor = app.create_org("Vendor", "vendor", &[]).await;
    let (b, r, f, v) = (
        app.issue_token(bank, "admin").await,
        app.issue_token(rail, "admin").await,
        app.issue_token(fsa, "viewer").await,
        app.issue_token(vendor, "viewer").await,
    );
    for (org, token) in [(bank, &b), (rail, &r)] {
        let asset = app.create_software(org, token, "core").await;
        assert_eq!(
            app.upload_lock(asset, token, VULNERABLE_LOCK).await.status,
            StatusCode::OK
        );
    }
    let sum = app
        .get(&format!("/api/v1/organizations/{bank}/summary"), &b)
        .await
        .json();
    let open = sum["summary"]["by_state"]["open"].as_u64().unwrap();
    assert!(open >= 4, "{sum}");
    let by_decision: u64 = sum["summary"]["open_by_decision"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(by_decision, open);
    let trend = sum["summary"]["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend[11]["opened"].as_u64(), Some(open), "this week's");

    // The finance sector: its ministry and the NCO; not the railway.
    let sector = app.get("/api/v1/sectors/finance/summary", &f).await;
    assert_eq!(sector.status, StatusCode::OK);
    let names: Vec<String> = sector.json()["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Bank"]);
    assert_eq!(
        app.get("/api/v1/sectors/railways/summary", &f).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/sectors/finance/summary", &r).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/sectors/atlantis/summary", &app.nco)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let nation = app.get("/api/v1/summary", &app.nco).await.json();
    let nation_open = nation["summary"]["by_state"]["open"].as_u64().unwrap();
    assert_eq!(nation_open, 2 * open, "both organisations, one lock each");
    assert_eq!(nation["organizations"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get("/api/v1/summary", &f).await.status,
        StatusCode::FORBIDDEN
    );

    // Exposure, by an alias.
    let path = "/api/v1/vulnerabilities/RUSTSEC-2021-0003/exposure";
    let nco = app.get(path, &app.nco).await.json();
    assert_eq!(nco["vulnerability"], "CVE-2021-25900");
    assert_eq!(nco["organizations"], 2);
    let sectors: Vec<&str> = nco["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sector"].as_str().unwrap())
        .collect();
    assert_eq!(sectors, ["finance", "railways"]);
    let row = &nco["sectors"][0]["exposed"][0];
    assert_eq!(row["name"], "Bank");
    assert_eq!(row["assets"][0]["state"], "open");
    assert!(row["assets"][0]["deadline"].is_string());
    let ministry = app.get(path, &f).await.json();
    assert_eq!(ministry["organizations"], 1);
    assert_eq!(ministry["sectors"].as_array().unwrap().len(), 1);
    let counts = app.get(path, &v).await.json();
    assert_eq!(counts["organizations"], "<5");
    assert_eq!(counts["sectors"][0]["assets"], "<5");
    assert!(
        counts["sectors"][0].get("exposed").is_none(),
        "never identities"
    );
    assert!(!String::from_utf8_lossy(&app.get(path, &v).await.body).contains("Bank"));
    assert_eq!(app.get(path, &b).await.status, StatusCode::NOT_FOUND);
    // A decision that the bank is not affected takes it off the list.
    let list = app
        .get(&format!("/api/v1/organizations/{bank}/findings"), &b)
        .await
        .json();
    let id = with_alias(&list, "RUSTSEC-2021-0003").unwrap()["finding_id"]
        .as_i64()
        .unwrap();
    let before = app.get(path, &app.nco).await.json();
    assert_eq!(before["organizations"], 2);
    let t = app
        .post(&format!("/api/v1/findings/{id}/transitions"), &b, json!({ "to": "not_affected", "justification": "component_not_present", "note": "feature off" }))
        .await;
    assert_eq!(t.status, StatusCode::OK);
    // The NCO's answer is reused for view_cache (1 s here): the same
    // figures as of the same time, or fresh ones; then recomputed.
    let after = app.get(path, &app.nco).await.json();
    if after["as_of"] == before["as_of"] {
        assert_eq!(after, before, "reused whole");
    } else {
        assert_eq!(after["organizations"], 1);
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let fresh = app.get(path, &app.nco).await.json();
    assert_eq!(fresh["organizations"], 1);
    // Aliases share one answer.
    let by_cve = app
        .get("/api/v1/vulnerabilities/CVE-2021-25900/exposure", &app.nco)
        .await
        .json();
    assert_eq!(by_cve, fresh);
}
both!(views_roll_up_and_exposure_follows_visibility);

async fn a_changed_advisory_re_evaluates_only_the_assets_it_can_touch(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let bank = app.create_org("Bank", "operator", &["finance"]).await;
    let admin = app.issue_token(bank, "admin").await;
    let vulnerable = app.create_software(bank, &admin, "uses smallvec").await;
    assert_eq!(
        app.upload_lock(vulnerable, &admin, VULNERABLE_LOCK)
            .await
            .status,
        StatusCode::OK
    );
    let clean = app.create_software(bank, &admin, "serde only").await;
    let serde_only = "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    assert_eq!(
        app.upload_lock(clean, &admin, serde_only).await.status,
        StatusCode::OK
    );
    // The smallvec advisory, withdrawn upstream.
    let file =
        yata_testdata::path("rustsec/advisory-db/crates/smallvec/RUSTSEC-2021-0003.md").unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    let withdrawn = text.replacen(
        "date = \"2021-01-08\"",
        "date = \"2021-01-08\"\nwithdrawn = \"2026-11-20\"",
        1,
    );
    assert_ne!(text, withdrawn);
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?format=rustsec&wait=true",
            Some(&app.nco),
            RequestBody::Raw(withdrawn.into_bytes()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let v = r.json();
    assert_eq!(
        v["reevaluated"]["assets"], 1,
        "only the asset with smallvec: {v}"
    );
    assert_eq!(v["reevaluated"]["findings"]["resolved"], 1, "{v}");
    let list = app
        .get(&format!("/api/v1/organizations/{bank}/findings"), &admin)
        .await
        .json();
    let f = with_alias(&list, "RUSTSEC-2021-0003").expect("kept, closed");
    assert_eq!(f["state"], "fixed");
    let id = f["finding_id"].as_i64().unwrap();
    let h = app
        .get(&format!("/api/v1/findings/{id}/transitions"), &admin)
        .await
        .json();
    assert_eq!(
        h["transitions"][0]["note"],
        "no longer matched on re-evaluation"
    );
    // The other findings were not touched.
    assert!(
        findings(&list)
            .iter()
            .filter(|f| f["state"] == "open")
            .count()
            >= 3
    );
    // Importing the same again changes nothing and looks at nothing.
    let file =
        yata_testdata::path("rustsec/advisory-db/crates/smallvec/RUSTSEC-2021-0003.md").unwrap();
    let again = std::fs::read_to_string(file).unwrap().replacen(
        "date = \"2021-01-08\"",
        "date = \"2021-01-08\"\nwithdrawn = \"2026-11-20\"",
        1,
    );
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?format=rustsec&wait=true",
            Some(&app.nco),
            RequestBody::Raw(again.into_bytes()),
        )
        .await;
    assert_eq!(r.json()["reevaluated"]["assets"], 0, "{:?}", r.json());
}
both!(a_changed_advisory_re_evaluates_only_the_assets_it_can_touch);

async fn kev_additions_and_epss_jumps_re_prioritise_and_are_recorded(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let bank = app.create_org("Bank", "operator", &["finance"]).await;
    let admin = app.issue_token(bank, "admin").await;
    let asset = app.create_software(bank, &admin, "uses smallvec").await;
    let r = app.upload_lock(asset, &admin, VULNERABLE_LOCK).await;
    assert_eq!(r.status, StatusCode::OK);
    let admin = &admin;
    let history = |cve: &'static str| async move {
        let list = app
            .get(&format!("/api/v1/organizations/{bank}/findings"), admin)
            .await
            .json();
        let f = with_alias(&list, cve).expect("a finding").clone();
        let id = f["finding_id"].as_i64().unwrap();
        let h = app
            .get(&format!("/api/v1/findings/{id}/transitions"), admin)
            .await
            .json();
        (f, h["transitions"].as_array().unwrap().clone())
    };
    let import = |body: Vec<u8>, format: &'static str| async move {
        let r = app
            .send(
                Method::POST,
                &format!("/api/v1/feeds?format={format}&wait=true"),
                Some(&app.nco),
                RequestBody::Raw(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
        r.json()
    };
    let (before, h) = history("CVE-2021-25900").await;
    assert_eq!(before["kev"], false);
    assert!(h.is_empty());
    // The real catalogue's first entry, as CISA would add it for this CVE.
    let kev = yata_testdata::path("kev/known_exploited_vulnerabilities.json").unwrap();
    let mut catalogue: Value = serde_json::from_slice(&std::fs::read(kev).unwrap()).unwrap();
    let mut entry = catalogue["vulnerabilities"][0].clone();
    entry["cveID"] = json!("CVE-2021-25900");
    entry["dateAdded"] = json!("2026-11-26");
    catalogue["vulnerabilities"] = json!([entry]);
    catalogue["count"] = json!(1);
    let v = import(catalogue.to_string().into_bytes(), "kev-json").await;
    assert_eq!(v["reevaluated"]["assets"], 1, "{v}");
    let (after, h) = history("CVE-2021-25900").await;
    assert_eq!(after["kev"], true);
    assert_eq!(after["state"], "open", "the state is kept");
    assert_eq!(h.len(), 1, "{h:?}");
    let note = h[0]["note"].as_str().unwrap();
    assert!(
        note.starts_with("re-prioritised: ") && note.ends_with(" (now in CISA KEV)"),
        "{note}"
    );
    // EPSS: a first low score is no jump; seventy points up is.
    let epss = |score: &str| {
        format!(
            "#model_version:v2025.03.14,score_date:2026-11-26T00:00:00+0000\ncve,epss,percentile\nCVE-2021-25900,{score},0.9\n"
        )
        .into_bytes()
    };
    import(epss("0.05"), "epss").await;
    assert_eq!(history("CVE-2021-25900").await.1.len(), 1);
    import(epss("0.75"), "epss").await;
    let (_, h) = history("CVE-2021-25900").await;
    assert_eq!(h.len(), 2, "{h:?}");
    assert!(
        h[1]["note"]
            .as_str()
            .unwrap()
            .ends_with("(EPSS 0.050 → 0.750)"),
        "{h:?}"
    );
}
both!(kev_additions_and_epss_jumps_re_prioritise_and_are_recorded);

/// Signed bundles: accepted only when signed by a key the server trusts,
/// checked before anything in them is read.
#[tokio::test]
async fn signed_bundles_are_imported_only_from_trusted_keys() {
    let Some(dir) = yata_testdata::path("rustsec/advisory-db/crates/smallvec") else {
        return;
    };
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    let trusted = yata_feeds::bundle::SigningKey::from_bytes(&[7; 32]);
    let stranger = yata_feeds::bundle::SigningKey::from_bytes(&[9; 32]);
    let source = [yata_feeds::bundle::Source::Directory {
        name: "smallvec".into(),
        files,
    }];
    let good = yata_feeds::bundle::create(&source, &trusted, jiff::Timestamp::now()).unwrap();
    let foreign = yata_feeds::bundle::create(&source, &stranger, jiff::Timestamp::now()).unwrap();
    let mut tampered = good.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;

    let config = yata_server::ServiceConfig {
        trusted_keys: vec![trusted.verifying_key()],
        ..Default::default()
    };
    let app = common::app_with(common::Backend::Sqlite, config)
        .await
        .unwrap();
    for (what, bytes) in [("foreign", &foreign), ("tampered", &tampered)] {
        let r = app
            .send(
                Method::POST,
                "/api/v1/feeds?wait=true",
                Some(&app.nco),
                RequestBody::Raw(bytes.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("bundle:"),
            "{what}: {:?}",
            r.json()
        );
    }
    assert_eq!(
        app.get("/api/v1/feeds", &app.nco).await.json()["vulnerabilities"],
        0,
        "nothing imported"
    );
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds?wait=true",
            Some(&app.nco),
            RequestBody::Raw(good.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    assert_eq!(r.json()["sources"][0]["kind"], "bundle");
    assert!(r.json()["vulnerabilities"].as_u64().unwrap() >= 5);
    app.finish().await;

    // A server that trusts no key refuses every bundle.
    let app = common::app(common::Backend::Sqlite).await.unwrap();
    let r = app
        .send(
            Method::POST,
            "/api/v1/feeds",
            Some(&app.nco),
            RequestBody::Raw(good),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("trusts no keys")
    );
    app.finish().await;
}

/// A vulnerability whose primary id changes (an advisory that is given a
/// CVE) keeps its finding: state, history and deadline.
async fn a_finding_keeps_its_decision_when_its_vulnerability_gets_a_cve(app: &App) {
    let Some(file) =
        yata_testdata::path("rustsec/advisory-db/crates/smallvec/RUSTSEC-2021-0003.md")
    else {
        return;
    };
    let original = std::fs::read_to_string(file).unwrap();
    let before_cve = original.replacen("\"CVE-2021-25900\", ", "", 1);
    assert_ne!(before_cve, original);
    let import = |text: String| {
        app.send(
            Method::POST,
            "/api/v1/feeds?format=rustsec&wait=true",
            Some(&app.nco),
            RequestBody::Raw(text.into_bytes()),
        )
    };
    assert_eq!(import(before_cve).await.status, StatusCode::OK);
    let org = app.create_org("Bank", "operator", &["finance"]).await;
    let admin = app.issue_token(org, "admin").await;
    let asset = app.create_software(org, &admin, "core").await;
    assert_eq!(
        app.upload_lock(asset, &admin, VULNERABLE_LOCK).await.status,
        StatusCode::OK
    );
    let list = app
        .get(&format!("/api/v1/organizations/{org}/findings"), &admin)
        .await
        .json();
    assert_eq!(findings(&list).len(), 1, "{list}");
    let f = &findings(&list)[0];
    assert_ne!(f["id"], "CVE-2021-25900", "no CVE yet: {f}");
    let id = f["finding_id"].as_i64().unwrap();
    let r = app
        .post(&format!("/api/v1/findings/{id}/transitions"), &admin, json!({ "to": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "note": "insert_many unused" }))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // The advisory now names its CVE, which becomes the primary id.
    let r = import(original).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let list = app
        .get(&format!("/api/v1/organizations/{org}/findings"), &admin)
        .await
        .json();
    assert_eq!(
        findings(&list).len(),
        1,
        "the same finding, not a second one: {list}"
    );
    let f = &findings(&list)[0];
    assert_eq!(f["finding_id"], id);
    assert_eq!(f["state"], "not_affected");
    assert_eq!(
        f["id"], "CVE-2021-25900",
        "the explanation names the new primary id"
    );
}
both!(a_finding_keeps_its_decision_when_its_vulnerability_gets_a_cve);

async fn errors_share_one_shape(app: &App) {
    let r = app
        .send(
            Method::GET,
            "/api/v1/organizations",
            None,
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"]["code"], "unauthenticated");
    let r = app
        .send(
            Method::GET,
            "/api/v1/organizations",
            Some("yata_0000"),
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/v1/nothing-here", &app.nco).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app
        .send(
            Method::POST,
            "/api/v1/organizations",
            Some(&app.nco),
            RequestBody::Raw(b"{not json".to_vec()),
        )
        .await;
    assert!(r.status.is_client_error());
    assert!(r.json()["error"]["request_id"].is_string());
    let r = app
        .post(
            "/api/v1/organizations",
            &app.nco,
            json!({ "name": "X", "kind": "pirate" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("kind:")
    );
    let r = app
        .post(
            "/api/v1/organizations",
            &app.nco,
            json!({ "name": "X", "kind": "operator", "sectors": ["space"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.json());
    let r = app
        .post(
            "/api/v1/organizations",
            &app.nco,
            json!({ "name": "X", "kind": "vendor", "extra": 1 }),
        )
        .await;
    assert!(r.status.is_client_error());
    // Security headers on every answer.
    for h in [
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "x-request-id",
    ] {
        assert!(r.headers.contains_key(h), "{h}");
    }
    // A JSON body over the limit.
    let big = json!({ "name": "x".repeat(2 << 20), "kind": "vendor" });
    let r = app.post("/api/v1/organizations", &app.nco, big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
}
both!(errors_share_one_shape);

async fn tokens_are_shown_once_listed_without_secret_and_revocable(app: &App) {
    let org = app.create_org("Water Co", "operator", &["water"]).await;
    let admin = app.issue_token(org, "admin").await;
    let r = app
        .post(
            &format!("/api/v1/organizations/{org}/tokens"),
            &admin,
            json!({ "role": "viewer", "name": "dashboard" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let viewer = r.json()["token"].as_str().unwrap().to_owned();
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.get("/api/v1/session", &viewer).await.json()["role"],
        "viewer"
    );
    let listed = app
        .get(&format!("/api/v1/organizations/{org}/tokens"), &admin)
        .await;
    assert!(!String::from_utf8_lossy(&listed.body).contains(&viewer));
    // A viewer cannot see or make tokens.
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{org}/tokens"), &viewer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .send(
            Method::DELETE,
            &format!("/api/v1/organizations/{org}/tokens/{id}"),
            Some(&admin),
            RequestBody::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/session", &viewer).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .post(
            &format!("/api/v1/organizations/{org}/tokens"),
            &admin,
            json!({ "role": "viewer", "name": "x", "expires_in_days": 0 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
both!(tokens_are_shown_once_listed_without_secret_and_revocable);

async fn sessions_need_csrf_for_changes_and_logins_are_rate_limited(app: &App) {
    let org = app.create_org("Hospital", "operator", &["medical"]).await;
    let user = common::member(
        &app.state,
        yata_store::OrgId(org),
        Role::Admin,
        "Sato",
        "sato@hospital.example.jp",
        Some("correct horse battery"),
    )
    .await;
    let login =
        |password: &str| json!({ "email": "Sato@hospital.example.jp", "password": password });
    let r = app
        .send(
            Method::POST,
            "/api/v1/session",
            None,
            RequestBody::Json(login("correct horse battery")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json());
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    let with_cookie = |method: Method, path: &str, csrf: Option<&str>, body: Value| {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            req = req.header(auth::CSRF_HEADER, c);
        }
        req.body(axum::body::Body::from(body.to_string())).unwrap()
    };
    let r = app
        .request(with_cookie(Method::GET, "/api/v1/session", None, json!({})))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user_id"], user.0);
    let asset = json!({ "name": "ehr", "kind": "software", "internet_exposed": false, "criticality": "very-high" });
    let path = format!("/api/v1/organizations/{org}/assets");
    let r = app
        .request(with_cookie(Method::POST, &path, None, asset.clone()))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF header");
    let r = app
        .request(with_cookie(
            Method::POST,
            &path,
            Some("wrong"),
            asset.clone(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "wrong CSRF header");
    let r = app
        .request(with_cookie(Method::POST, &path, Some(&csrf), asset))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = app
        .request(with_cookie(
            Method::DELETE,
            "/api/v1/session",
            Some(&csrf),
            json!({}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .request(with_cookie(Method::GET, "/api/v1/session", None, json!({})))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "logged out");

    for _ in 0..5 {
        let r = app
            .send(
                Method::POST,
                "/api/v1/session",
                None,
                RequestBody::Json(login("wrong")),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .send(
            Method::POST,
            "/api/v1/session",
            None,
            RequestBody::Json(login("correct horse battery")),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password, for a while"
    );
}
both!(sessions_need_csrf_for_changes_and_logins_are_rate_limited);

async fn a_bootstrap_link_creates_the_first_nco_admin_once(app: &App) {
    let secret = auth::new_secret("").unwrap();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    app.state
        .store()
        .create_bootstrap_link(&Actor::System, &auth::secret_hash(&secret), expires)
        .await
        .unwrap();
    let page = app
        .send(
            Method::GET,
            &format!("/bootstrap/{secret}"),
            None,
            RequestBody::None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        html.find("初期設定").unwrap() < html.find("First start").unwrap(),
        "Japanese first"
    );
    let form = "name=Suzuki&email=suzuki%40nco.example.jp&password=a+long+passphrase";
    let r = app
        .send(
            Method::POST,
            &format!("/bootstrap/{secret}"),
            None,
            RequestBody::Form(form.into()),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(r.headers.contains_key(header::SET_COOKIE));
    let r = app
        .send(
            Method::POST,
            &format!("/bootstrap/{secret}"),
            None,
            RequestBody::Form(form.replace("suzuki", "tanaka")),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "used once");
    let r = app
        .send(
            Method::POST,
            "/api/v1/session",
            None,
            RequestBody::Json(
                json!({ "email": "suzuki@nco.example.jp", "password": "a long passphrase" }),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
both!(a_bootstrap_link_creates_the_first_nco_admin_once);

/// Served on both stores alike, so once is enough.
#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let doc = yata_server::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let routes = yata_server::api::routes(&yata_server::ServiceConfig::default());
    for (r, _) in &routes {
        let op = &doc["paths"][r.path][r.method.as_str().to_lowercase()];
        assert_eq!(op["operationId"], r.operation, "{} {}", r.method, r.path);
        if let Some(schema) =
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
        {
            let name = schema.rsplit('/').next().unwrap();
            assert!(doc["components"]["schemas"][name].is_object(), "{schema}");
        }
    }
    let count: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(count, routes.len());
    // The contract's routes are all there.
    for (method, path) in [
        ("post", "/api/v1/organizations"),
        ("post", "/api/v1/organizations/{org}/tokens"),
        ("post", "/api/v1/organizations/{org}/assets"),
        ("put", "/api/v1/assets/{asset}/inventory"),
        ("get", "/api/v1/organizations/{org}/findings"),
        ("post", "/api/v1/findings/{finding}/transitions"),
        ("post", "/api/v1/feeds"),
        ("post", "/api/v1/organizations/{org}/webhooks"),
        (
            "get",
            "/api/v1/organizations/{org}/webhooks/{webhook}/deliveries",
        ),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
}

/// Hostile input on every route: malformed bodies, wrong types, deep
/// nesting, junk query strings and path parameters. Every answer is a
/// client error in the one error shape, never a 500 and never a hang.
async fn hostile_input_is_a_client_error_on_every_route(app: &App) {
    let org = app.create_org("Target", "operator", &["ict"]).await;
    let admin = app.issue_token(org, "admin").await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bodies: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"\xff\xfe\x00garbage".to_vec(),
        b"[1,2,3]".to_vec(),
        br#"{"name": 5, "kind": [], "sectors": "x", "to": null, "transitions": "x"}"#.to_vec(),
        deep.into_bytes(),
        br#"{"bomFormat":"CycloneDX","specVersion":"9.9","components":{}}"#.to_vec(),
        b"YATASNAP\x01\x00\x00\x00truncated".to_vec(),
        b"PK\x03\x04not really a zip".to_vec(),
    ];
    let routes = yata_server::api::routes(&yata_server::ServiceConfig::default());
    let mut checked = 0;
    for (route, _) in &routes {
        for param in [
            "0",
            "-1",
            "99999999999999999999",
            "abc",
            "%00",
            "1%20OR%201=1",
        ] {
            let path = route
                .path
                .replace("{org}", param)
                .replace("{asset}", param)
                .replace("{finding}", param)
                .replace("{token}", param)
                .replace("{webhook}", param)
                .replace("{secret}", param);
            for query in [
                "",
                "?state=nonsense&asset=x&format=%ff&after=-5&limit=abc&wait=maybe",
            ] {
                for (i, body) in bodies.iter().enumerate() {
                    if route.method == Method::GET && i > 0 {
                        break;
                    }
                    let uri = format!("{path}{query}");
                    let Ok(req) = Request::builder()
                        .method(route.method.clone())
                        .uri(&uri)
                        .header(header::AUTHORIZATION, format!("Bearer {}", app.nco))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(axum::body::Body::from(body.clone()))
                    else {
                        continue; // Not even a URI: never reaches the server.
                    };
                    let r = app.request(req).await;
                    assert!(
                        !r.status.is_server_error(),
                        "{} {uri} body #{i}: {} {}",
                        route.method,
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    );
                    if r.status.is_client_error() {
                        let v: Value = serde_json::from_slice(&r.body).unwrap_or_else(|_| {
                            panic!(
                                "{} {uri}: not the error shape: {:?}",
                                route.method,
                                String::from_utf8_lossy(&r.body)
                            )
                        });
                        assert!(
                            v["error"]["code"].is_string() && v["error"]["request_id"].is_string(),
                            "{v}"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
    // The organisation's own routes with the organisation's admin too.
    let r = app
        .send(
            Method::PUT,
            &format!("/api/v1/organizations/{org}/assets"),
            Some(&admin),
            RequestBody::Raw(b"{".to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}
both!(hostile_input_is_a_client_error_on_every_route);
