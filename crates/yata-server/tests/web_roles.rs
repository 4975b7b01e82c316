//! The pages of every role (issue 9, part 2), in process against SQLite
//! and a real PostgreSQL: each kind's home, a ministry's sectors and its
//! drill-down (404 beyond its sectors), the NCO's nation and exposure
//! search, a vendor's "<5" counts, an incident filed through the form
//! (CSRF required) and correlated on the NCO's page, the alert composer's
//! preview and issue, acknowledgement buttons and the issuer's progress,
//! and escaping of a script-bearing title wherever it appears.
mod common;

use axum::http::StatusCode;
use yata_store::{Actor, OrgId, Role};

use common::browser::{Browser, csrf, location, text, user};
use common::{App, VULNERABLE_LOCK};

async fn nco_org(app: &App) -> i64 {
    app.state
        .store()
        .nco_organization(&Actor::Cli)
        .await
        .unwrap()
        .0
}

/// A signed-in browser of a new user of `org`.
async fn browser<'a>(app: &'a App, org: i64, role: Role, email: &str) -> Browser<'a> {
    user(app, org, role, email).await;
    let b = Browser::new(app);
    b.login(email).await;
    b
}

/// An operator with one software asset carrying the vulnerable lock file.
async fn exposed_operator(app: &App, name: &str, sector: &str) -> (i64, String) {
    let org = app.create_org(name, "operator", &[sector]).await;
    let token = app.issue_token(org, "admin").await;
    let asset = app
        .create_software(org, &token, &format!("{name} web"))
        .await;
    let r = app.upload_lock(asset, &token, VULNERABLE_LOCK).await;
    assert!(
        r.status.is_success(),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    (org, token)
}

async fn homes_oversight_and_exposure(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let (bank, _) = exposed_operator(app, "東都銀行", "finance").await;
    let (power, _) = exposed_operator(app, "北陸電力テスト", "electricity").await;
    let fsa = app
        .create_org("金融庁テスト", "ministry", &["finance"])
        .await;
    let vendor = app.create_org("Vendor K.K.", "vendor", &[]).await;
    let nco = nco_org(app).await;

    // Each kind starts at its own overview, which renders.
    for (org, email, home, needle) in [
        (bank, "ops@bank.example.jp", "/dashboard", "ダッシュボード"),
        (fsa, "sv@fsa.example.jp", "/sectors", "金融"),
        (nco, "duty@nco.example.jp", "/nation", "<svg"),
        (vendor, "psirt@vendor.example.jp", "/vendor", "アドバイザリ"),
    ] {
        let b = browser(app, org, Role::Analyst, email).await;
        let r = b.get("/").await;
        assert_eq!(location(&r), home, "{email}");
        let page = b.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{home}: {}", text(&page));
        assert!(text(&page).contains(needle), "{needle}: {}", text(&page));
    }

    // A ministry: its sector's organisation with its findings, not another
    // sector's.
    let b = Browser::new(app);
    b.login("sv@fsa.example.jp").await;
    let sectors = text(&b.get("/sectors").await);
    assert!(sectors.contains("東都銀行"), "{sectors}");
    assert!(!sectors.contains("北陸電力テスト"), "{sectors}");
    assert!(sectors.contains(&format!("href=\"/organizations/{bank}\"")));
    let drill = b.get(&format!("/organizations/{bank}")).await;
    assert_eq!(drill.status, StatusCode::OK);
    assert!(text(&drill).contains("CVE-2021-25900"), "{}", text(&drill));
    assert!(!text(&drill).contains("name=\"to\""), "read-only");
    let other = b.get(&format!("/organizations/{power}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let exposure = text(&b.get("/exposure?id=CVE-2021-25900").await);
    assert!(exposure.contains("東都銀行"), "{exposure}");
    assert!(!exposure.contains("北陸電力テスト"), "{exposure}");
    // The nation is the NCO's.
    assert_eq!(b.get("/nation").await.status, StatusCode::FORBIDDEN);

    // The NCO: the heat map with the sector rows, the urgent organisations,
    // and who is exposed, by sector.
    let b = Browser::new(app);
    b.login("duty@nco.example.jp").await;
    let nation = text(&b.get("/nation").await);
    assert!(nation.contains("<svg"), "{nation}");
    for needle in ["金融", "電力", "水道", "東都銀行", "北陸電力テスト"] {
        assert!(nation.contains(needle), "{needle}: {nation}");
    }
    let exposure = text(&b.get("/exposure?id=CVE-2021-25900").await);
    assert!(exposure.contains("東都銀行"), "{exposure}");
    assert!(exposure.contains("北陸電力テスト"), "{exposure}");
    assert!(exposure.contains("pkg:cargo/smallvec@1.6.0"), "{exposure}");
    let bad = b.get("/exposure?id=not%20an%20id").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // A vendor: counts per sector, "<5", never who.
    let b = Browser::new(app);
    b.login("psirt@vendor.example.jp").await;
    for path in ["/vendor?id=CVE-2021-25900", "/exposure?id=CVE-2021-25900"] {
        let page = text(&b.get(path).await);
        assert!(page.contains("&lt;5"), "{path}: {page}");
        assert!(page.contains("金融"), "{path}: {page}");
        assert!(!page.contains("東都銀行"), "{path}: {page}");
        assert!(!page.contains("北陸電力テスト"), "{path}: {page}");
        assert!(!page.contains("smallvec@1.6.0"), "{path}: {page}");
    }
    // Other organisations' oversight pages are not theirs.
    assert_eq!(
        b.get(&format!("/organizations/{bank}")).await.status,
        StatusCode::NOT_FOUND
    );
    let b = Browser::new(app);
    b.login("ops@bank.example.jp").await;
    assert_eq!(
        b.get("/exposure?id=CVE-2021-25900").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(b.get("/vendor").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.get(&format!("/organizations/{power}")).await.status,
        StatusCode::NOT_FOUND
    );
}
both!(homes_oversight_and_exposure);

const SCRIPT_TITLE: &str = "<script>alert(1)</script> 不審な通信";

fn assert_escaped(page: &str) {
    assert!(!page.contains("<script>alert(1)"), "unescaped: {page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}

async fn incidents_through_the_form(app: &App) {
    let bank = app.create_org("東都銀行", "operator", &["finance"]).await;
    let bank_token = app.issue_token(bank, "admin").await;
    let asset = app
        .create_software(bank, &bank_token, "ネットバンキング")
        .await;
    let power = app
        .create_org("北陸電力テスト", "operator", &["electricity"])
        .await;
    let power_token = app.issue_token(power, "admin").await;
    let water = app.create_org("水道テスト", "operator", &["water"]).await;
    let nco = nco_org(app).await;
    let b = browser(app, bank, Role::Analyst, "ir@bank.example.jp").await;

    let form = b.get("/incidents/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let body = text(&form);
    for needle in [
        "for=\"incident-title\"",
        "name=\"indicators\"",
        "name=\"asset_ids\"",
        "ネットバンキング",
        "TLP:AMBER+STRICT",
        "name=\"stix\"",
        "type=\"datetime-local\"",
    ] {
        assert!(body.contains(needle), "{needle}: {body}");
    }
    let token = csrf(&form);
    let asset_id = asset.to_string();
    let fields = |csrf: Option<&str>, indicators: &str| {
        let mut f = vec![
            ("title", SCRIPT_TITLE.to_owned()),
            ("description", "外部への不審な通信を検知".to_owned()),
            ("status", "suspected".to_owned()),
            ("tlp", "amber".to_owned()),
            ("detected_at", "2026-05-01T10:30".to_owned()),
            ("service_impact", "degraded".to_owned()),
            ("asset_ids", asset_id.clone()),
            ("vulnerabilities", "CVE-2024-3400".to_owned()),
            ("indicators", indicators.to_owned()),
        ];
        if let Some(c) = csrf {
            f.push(("csrf", c.to_owned()));
        }
        f
    };
    let post = |f: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post("/incidents/new", &pairs).await
        }
    };
    let good = "c2.yata-campaign[.]jp\n198.51.100[.]7\nhxxp://evil.example[.]com/x";
    let filed = || async {
        app.get("/api/v1/incidents", &bank_token).await.json()["incidents"]
            .as_array()
            .unwrap()
            .len()
    };
    // Without the token: 403, nothing filed.
    let r = post(fields(None, good)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(filed().await, 0);
    // A bad indicator: the form again, the error next to its field.
    let r = post(fields(
        Some(&token),
        "198.51.100.7\nnot an indicator at all",
    ))
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&r));
    let body = text(&r);
    assert!(body.contains("id=\"incident-indicators-error\""), "{body}");
    assert!(body.contains("外部への不審な通信を検知"), "kept: {body}");
    assert_escaped(&body);
    assert_eq!(filed().await, 0);
    // Filed.
    let r = post(fields(Some(&token), good)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let path = location(&r);
    assert!(path.ends_with("?done=incidents.filed"), "{path}");
    let id: i64 = path
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = text(&b.get(&path).await);
    for needle in [
        "インシデント報告を提出しました",
        "198.51.100.7",
        "http://evil.example.com/x",
        "2026年5月1日 10:30",
        "サービス低下",
        "ネットバンキング",
        "CVE-2024-3400",
        &format!("/api/v1/incidents/{id}/stix"),
    ] {
        assert!(page.contains(needle), "{needle}: {page}");
    }
    assert_escaped(&page);
    let api = app
        .get(&format!("/api/v1/incidents/{id}"), &bank_token)
        .await
        .json();
    assert_eq!(api["detected_at"], "2026-05-01T01:30:00Z", "Tokyo time");
    assert_eq!(api["tlp"], "amber");
    assert_eq!(api["asset_ids"][0], asset);
    let list = text(&b.get("/incidents").await);
    assert!(
        list.contains(&format!("href=\"/incidents/{id}\"")),
        "{list}"
    );
    assert_escaped(&list);
    // The STIX export works with the session cookie.
    let stix = b.get(&format!("/api/v1/incidents/{id}/stix")).await;
    assert_eq!(stix.status, StatusCode::OK);
    // The reporter's update form.
    let r = b
        .post(
            &format!("/incidents/{id}/update"),
            &[
                ("csrf", &token),
                ("note", "通信先を遮断"),
                ("status", "contained"),
                ("indicators", "203.0.113.9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let page = text(&b.get(&format!("/incidents/{id}")).await);
    assert!(
        page.contains("通信先を遮断") && page.contains("203.0.113.9"),
        "{page}"
    );

    // Another sector's report sharing an indicator.
    let r = app
        .post(
            "/api/v1/incidents",
            &power_token,
            serde_json::json!({
                "title": "制御系への不審なアクセス", "status": "confirmed", "tlp": "amber",
                "indicators": ["c2.yata-campaign.jp"],
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
    let other = r.json()["id"].as_i64().unwrap();

    // The NCO: the report, its related report, the campaign; annotations.
    let n = browser(app, nco, Role::Analyst, "duty@nco.example.jp").await;
    let page = n.get(&format!("/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page);
    assert!(
        body.contains(&format!("href=\"/incidents/{other}\"")),
        "{body}"
    );
    assert!(body.contains("制御系への不審なアクセス"), "{body}");
    assert!(body.contains("/alerts/new?from_incident="), "{body}");
    assert_escaped(&body);
    let body = text(&n.get(&format!("/incidents/{other}")).await);
    assert!(
        body.contains(&format!("href=\"/incidents/{id}\"")),
        "{body}"
    );
    assert_escaped(&body);
    let campaigns = text(&n.get("/campaigns").await);
    assert!(
        campaigns.contains(&format!("href=\"/incidents/{id}\"")),
        "{campaigns}"
    );
    assert!(
        campaigns.contains(&format!("href=\"/incidents/{other}\"")),
        "{campaigns}"
    );
    assert!(campaigns.contains("c2.yata-campaign.jp"), "{campaigns}");
    assert_escaped(&campaigns);
    assert_escaped(&text(&n.get("/incidents").await));
    let r = n
        .post(
            &format!("/incidents/{id}/annotate"),
            &[
                ("csrf", &csrf(&page)),
                ("body", "同一の通信先を電力分野でも確認"),
                ("to_reporter", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    assert!(
        text(&b.get(&format!("/incidents/{id}")).await).contains("同一の通信先を電力分野でも確認")
    );

    // Sideways: another sector's operator does not see it.
    let w = browser(app, water, Role::Admin, "ops@water.example.jp").await;
    assert_eq!(
        w.get(&format!("/incidents/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!text(&w.get("/incidents").await).contains("不審な通信"));
    // Nor may it update it.
    let r = w
        .post(
            &format!("/incidents/{id}/update"),
            &[("csrf", &csrf(&w.get("/incidents").await)), ("note", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
both!(incidents_through_the_form);

async fn alert_composer_acknowledgement_and_progress(app: &App) {
    let bank = app.create_org("東都銀行", "operator", &["finance"]).await;
    let power = app
        .create_org("北陸電力テスト", "operator", &["electricity"])
        .await;
    let nco = nco_org(app).await;
    let n = browser(app, nco, Role::Analyst, "duty@nco.example.jp").await;

    let form = n.get("/alerts/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", text(&form));
    let token = csrf(&form);
    assert!(text(&form).contains("id=\"alert-preview\""));
    assert!(!text(&form).contains("id=\"alert-issue\""), "preview first");
    let fields = |action: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("title_ja", "VPN 装置の緊急更新".to_owned()),
            ("body_ja", "直ちに更新してください。".to_owned()),
            ("title", "Urgent VPN appliance update".to_owned()),
            ("tlp", "amber".to_owned()),
            ("severity", "critical".to_owned()),
            ("deadline", "2030-01-31T17:00".to_owned()),
            ("actions", "更新を適用する\n侵害の有無を確認する".to_owned()),
            ("sectors", "finance".to_owned()),
            ("action", action.to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let n = &n;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            n.post("/alerts/new", &pairs).await
        }
    };
    let issued = || async {
        app.state
            .store()
            .alerts_issued(OrgId(nco), 10)
            .await
            .unwrap()
            .len()
    };
    // No target: refused next to the targets.
    let mut untargeted = fields("preview");
    untargeted.retain(|(k, _)| *k != "sectors");
    let r = post(untargeted).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&r));
    assert!(
        text(&r).contains("id=\"alert-targets-error\""),
        "{}",
        text(&r)
    );
    // The preview: how many, by sector; nothing issued.
    let r = post(fields("preview")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let body = text(&r);
    assert!(body.contains("1 組織が受信します"), "{body}");
    assert!(body.contains("id=\"alert-issue\""), "{body}");
    assert!(body.contains("VPN 装置の緊急更新"), "kept: {body}");
    assert_eq!(issued().await, 0);
    // Issued.
    let r = post(fields("issue")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let progress = location(&r);
    assert!(
        progress.ends_with("/progress?done=alerts.issued"),
        "{progress}"
    );
    let id: i64 = progress
        .trim_start_matches("/alerts/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(issued().await, 1);
    let issued_list = text(&n.get("/alerts/issued").await);
    assert!(issued_list.contains(&format!("href=\"/alerts/{id}/progress\"")));

    // The recipient: the inbox, the alert (read recorded), the buttons.
    let b = browser(app, bank, Role::Analyst, "ops@bank.example.jp").await;
    let inbox = text(&b.get("/alerts").await);
    assert!(inbox.contains("VPN 装置の緊急更新"), "{inbox}");
    assert!(inbox.contains("TLP:AMBER"), "{inbox}");
    assert!(inbox.contains("受信"), "{inbox}");
    let page = b.get(&format!("/alerts/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page);
    for needle in [
        "直ちに更新してください。",
        "侵害の有無を確認する",
        "緊急",
        "既読",
        "対応中にする",
        "対応完了にする",
        "Urgent VPN appliance update",
    ] {
        assert!(body.contains(needle), "{needle}: {body}");
    }
    let ack = |status: &'static str, note: &'static str| {
        let b = &b;
        let token = csrf(&page);
        async move {
            b.post(
                &format!("/alerts/{id}/ack"),
                &[("csrf", &token), ("status", status), ("note", note)],
            )
            .await
        }
    };
    // Without the token nothing moves.
    let r = b
        .post(&format!("/alerts/{id}/ack"), &[("status", "acting")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ack("acting", "更新作業を開始").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let r = ack("done", "全装置を更新済み").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let body = text(&b.get(&location(&r)).await);
    assert!(body.contains("対応状況を記録しました"), "{body}");
    assert!(!body.contains("対応完了にする"), "done: {body}");

    // The issuer's progress: the chart and who did what when.
    let page = n.get(&format!("/alerts/{id}/progress")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page);
    for needle in ["<svg", "東都銀行", "対応完了", "全装置を更新済み", "user:"] {
        assert!(body.contains(needle), "{needle}: {body}");
    }
    let r = n
        .post(&format!("/alerts/{id}/remind"), &[("csrf", &csrf(&page))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));

    // Not a recipient: 404; the progress is the issuer's.
    let p = browser(app, power, Role::Admin, "ops@power.example.jp").await;
    assert_eq!(
        p.get(&format!("/alerts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!text(&p.get("/alerts").await).contains("VPN 装置の緊急更新"));
    assert_ne!(
        b.get(&format!("/alerts/{id}/progress")).await.status,
        StatusCode::OK
    );
    // Operators do not compose.
    assert_eq!(b.get("/alerts/new").await.status, StatusCode::FORBIDDEN);
}
both!(alert_composer_acknowledgement_and_progress);
