//! The web UI (issue 9, part 1), in process against SQLite and a real
//! PostgreSQL: signing in through the form, the work list after an upload
//! through the upload form, a finding's page and its transition form
//! (CSRF required), visibility (another organisation's pages are 404),
//! escaping, the Content-Security-Policy, languages and Tokyo times,
//! tokens and webhooks.

mod common;

use axum::http::{StatusCode, header};
use yata_server::auth;
use yata_store::{OrgId, Role};

use common::browser::{Browser, PASSWORD, csrf, location, text, user};
use common::{App, VULNERABLE_LOCK};

/// Finding ids in the order the work list links them.
fn linked_findings(body: &str) -> Vec<i64> {
    body.match_indices("href=\"/findings/")
        .filter_map(|(i, _)| {
            let rest = &body[i + "href=\"/findings/".len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

async fn sign_in_upload_work_list_and_transition(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let org = app.create_org("東都銀行", "operator", &["finance"]).await;
    let admin = app.issue_token(org, "admin").await;
    user(app, org, Role::Admin, "sato@bank.example.jp").await;
    let b = Browser::new(app);

    // Not signed in: pages go to the log-in page, which comes back.
    let r = b.get("/findings").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=%2Ffindings");
    let r = b.get("/").await;
    assert_eq!(location(&r), "/login");
    // The API keeps its 401.
    assert_eq!(
        b.get("/api/v1/session").await.status,
        StatusCode::UNAUTHORIZED
    );

    // A log-in form without its token changes nothing.
    let r = b
        .post(
            "/login",
            &[("email", "sato@bank.example.jp"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A wrong password is refused on the page.
    let page = b.get("/login?next=/findings").await;
    assert!(text(&page).contains("<html lang=\"ja\""));
    let token = csrf(&page);
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &token),
                ("email", "sato@bank.example.jp"),
                ("password", "wrong"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(text(&r).contains("メールアドレスまたはパスワードが正しくありません"));
    assert!(!b.cookies.lock().unwrap().contains_key("yata_session"));
    let r = b
        .post(
            "/login",
            &[
                ("csrf", &token),
                ("email", "Sato@bank.example.jp"),
                ("password", PASSWORD),
                ("next", "/findings"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    assert_eq!(location(&r), "/findings");
    assert_eq!(location(&b.get("/").await), "/dashboard");

    // An asset through the form, a Cargo.lock through the upload form.
    let assets = b.get("/assets").await;
    assert_eq!(assets.status, StatusCode::OK);
    let r = b
        .post(
            "/assets",
            &[
                ("csrf", &csrf(&assets)),
                ("name", "インターネットバンキング"),
                ("kind", "software"),
                ("internet_exposed", "true"),
                ("criticality", "high"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let asset_path = location(&r);
    assert!(asset_path.ends_with("?done=asset_created"), "{asset_path}");
    let asset_page = b.get(&asset_path).await;
    assert!(text(&asset_page).contains("資産を登録しました"));
    let asset_id: i64 = asset_path
        .trim_start_matches("/assets/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // A document that cannot be read shows the parser's located error and
    // changes nothing.
    let r = b
        .upload(
            &format!("/assets/{asset_id}/inventory"),
            &csrf(&asset_page),
            "Cargo.lock",
            b"version = 3\n[[package]]\nname = \n",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&r));
    assert!(text(&r).contains("この文書は取り込めませんでした"));
    assert!(text(&r).contains("line"), "located: {}", text(&r));
    let history = app
        .get(&format!("/api/v1/assets/{asset_id}/inventories"), &admin)
        .await
        .json();
    assert_eq!(history["inventories"].as_array().unwrap().len(), 0);
    // Without the token, nothing either.
    let r = b
        .upload(
            &format!("/assets/{asset_id}/inventory"),
            "not-the-token",
            "Cargo.lock",
            VULNERABLE_LOCK.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .upload(
            &format!("/assets/{asset_id}/inventory"),
            &csrf(&asset_page),
            "Cargo.lock",
            VULNERABLE_LOCK.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    assert!(text(&b.get(&location(&r)).await).contains("cargo-lock"));

    // The work list: the findings, in work order.
    let list = b.get("/findings").await;
    assert_eq!(list.status, StatusCode::OK);
    let body = text(&list);
    assert!(body.contains("CVE-2021-25900"), "{body}");
    let shown = linked_findings(&body);
    let mut api = app
        .get(&format!("/api/v1/organizations/{org}/findings"), &admin)
        .await
        .json()["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(shown.len(), api.len());
    api.sort_by(|a, b| {
        let key = |f: &serde_json::Value| {
            (
                f["deadline"].as_str().map(str::to_owned).is_none(),
                f["deadline"].as_str().map(str::to_owned),
            )
        };
        key(a).cmp(&key(b))
    });
    let deadlines: Vec<Option<String>> = shown
        .iter()
        .map(|id| {
            api.iter().find(|f| f["finding_id"] == *id).unwrap()["deadline"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let mut sorted = deadlines.clone();
    sorted.sort_by_key(|d| (d.is_none(), d.clone()));
    assert_eq!(deadlines, sorted, "work order: deadline first");
    // Filters work without JavaScript (a GET form).
    let filtered = text(
        &b.get(&format!("/findings?asset={asset_id}&state=all"))
            .await,
    );
    assert_eq!(linked_findings(&filtered).len(), shown.len());
    assert!(linked_findings(&text(&b.get("/findings?state=fixed").await)).is_empty());

    // A finding's page: its inputs with their sources, fixed versions,
    // the transition form, times in Tokyo.
    let smallvec = api
        .iter()
        .find(|f| f["id"] == "CVE-2021-25900")
        .unwrap()
        .clone();
    let id = smallvec["finding_id"].as_i64().unwrap();
    let path = format!("/findings/{id}");
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page);
    for needle in [
        "CVE-2021-25900",
        "pkg:cargo/smallvec@1.6.0",
        "CVSS",
        "EPSS",
        "悪用状況（Exploitation）",
        "修正版",
        "1.6.1",
        "VEX 正当化理由",
        "脆弱なコードが実行経路にない",
        "name=\"csrf\"",
    ] {
        assert!(body.contains(needle), "{needle}: {body}");
    }
    let first_seen: jiff::Timestamp = smallvec["first_seen"].as_str().unwrap().parse().unwrap();
    let jst = jiff::tz::offset(9)
        .to_datetime(first_seen)
        .strftime("%Y年%-m月%-d日 %H:%M")
        .to_string();
    assert!(body.contains(&jst), "{jst} in {body}");

    let state = || async {
        app.get(&format!("/api/v1/findings/{id}"), &admin)
            .await
            .json()["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let move_to = [
        ("to", "not_affected"),
        ("justification", "vulnerable_code_not_in_execute_path"),
        ("note", "insert_many は呼ばれない"),
    ];
    // Without the token, or with a wrong one: 403, nothing changed.
    let r = b.post(&path, &move_to).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(text(&r).contains("<html lang=\"ja\""), "an HTML page");
    let mut wrong = vec![("csrf", "0".repeat(64))];
    wrong.extend(move_to.iter().map(|(k, v)| (*k, v.to_string())));
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(b.post(&path, &wrong).await.status, StatusCode::FORBIDDEN);
    assert_eq!(state().await, "open");
    // A refused move shows its error next to the field.
    let token = csrf(&page);
    let r = b
        .post(
            &path,
            &[
                ("csrf", &token),
                ("to", "not_affected"),
                ("note", "not used"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(
        body.contains("id=\"justification-error\" role=\"alert\">この項目は必須です。"),
        "{body}"
    );
    assert_eq!(state().await, "open");
    let mut ok = vec![("csrf", token.as_str())];
    ok.extend(move_to);
    let r = b.post(&path, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    assert_eq!(location(&r), format!("{path}?done=transitioned"));
    let after = text(&b.get(&location(&r)).await);
    assert!(after.contains("対応状況を更新しました"));
    assert!(after.contains("insert_many は呼ばれない"), "history");
    assert_eq!(state().await, "not_affected");
    let history = app
        .get(&format!("/api/v1/findings/{id}/transitions"), &admin)
        .await
        .json();
    assert_eq!(
        history["transitions"][0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    assert!(
        history["transitions"][0]["actor"]
            .as_str()
            .unwrap()
            .starts_with("user:"),
        "{history}"
    );

    // The dashboard: figures and charts.
    let dash = text(&b.get("/dashboard").await);
    assert!(
        dash.contains("<svg") && dash.contains("role=\"img\""),
        "{dash}"
    );
    // The trend of open and overdue findings, at each week's end.
    assert!(dash.contains("対応中・期限超過の推移"), "{dash}");

    // Signing out ends the session.
    let token = csrf(&b.get("/dashboard").await);
    assert_eq!(
        b.post("/logout", &[("csrf", &token)]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(b.get("/findings").await.status, StatusCode::SEE_OTHER);
}
both!(sign_in_upload_work_list_and_transition);

async fn another_organisation_s_pages_are_404(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let bank = app.create_org("Bank", "operator", &["finance"]).await;
    let admin = app.issue_token(bank, "admin").await;
    let asset = app.create_software(bank, &admin, "core banking").await;
    assert_eq!(
        app.upload_lock(asset, &admin, VULNERABLE_LOCK).await.status,
        StatusCode::OK
    );
    let finding = app
        .get(&format!("/api/v1/organizations/{bank}/findings"), &admin)
        .await
        .json()["findings"][0]["finding_id"]
        .as_i64()
        .unwrap();
    let other = app.create_org("Other Bank", "operator", &["finance"]).await;
    user(app, other, Role::Admin, "admin@other.example.jp").await;
    let b = Browser::new(app);
    b.login("admin@other.example.jp").await;
    for path in [
        format!("/findings/{finding}"),
        format!("/assets/{asset}"),
        "/findings/999999".to_owned(),
    ] {
        let r = b.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(text(&r).contains("ページが見つかりません"), "{path}");
        assert!(!text(&r).contains("core banking"));
    }
    // A form against it, with a valid token of the caller's session: 404,
    // nothing changed.
    let token = csrf(&b.get("/findings").await);
    let r = b
        .post(
            &format!("/findings/{finding}"),
            &[("csrf", &token), ("to", "in_triage"), ("note", "mine now")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = b
        .upload(
            &format!("/assets/{asset}/inventory"),
            &token,
            "Cargo.lock",
            VULNERABLE_LOCK.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/findings/{finding}"), &admin)
            .await
            .json()["state"],
        "open"
    );
    // Malformed ids are error pages too, never a 500.
    for path in ["/findings/abc", "/assets/99999999999999999999", "/nope"] {
        let r = b.get(path).await;
        assert!(r.status.is_client_error(), "{path}: {}", r.status);
    }
    let r = b.get("/findings/abc").await;
    assert!(text(&r).contains("<html lang=\"ja\""), "{}", text(&r));
    // Its own work list shows none of them.
    assert!(linked_findings(&text(&b.get("/findings?state=all").await)).is_empty());
    // A viewer of the bank sees the finding but gets no form, and a post
    // is refused.
    user(app, bank, Role::Viewer, "viewer@bank.example.jp").await;
    let v = Browser::new(app);
    v.login("viewer@bank.example.jp").await;
    let page = v.get(&format!("/findings/{finding}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!text(&page).contains("name=\"note\""));
    let token = csrf(&page);
    let r = v
        .post(
            &format!("/findings/{finding}"),
            &[("csrf", &token), ("to", "in_triage"), ("note", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Admin pages are not for viewers.
    assert_eq!(v.get("/tokens").await.status, StatusCode::NOT_FOUND);
    assert!(!text(&page).contains("href=\"/tokens\""));
}
both!(another_organisation_s_pages_are_404);

async fn names_are_escaped_and_languages_switch(app: &App) {
    let org = app
        .create_org("<b>Evil</b> & Co", "government", &["government"])
        .await;
    user(app, org, Role::Analyst, "tanaka@gov.example.jp").await;
    let b = Browser::new(app);

    // Japanese by default; English after switching, before signing in too.
    let login = b.get("/login").await;
    assert!(text(&login).contains("<html lang=\"ja\""));
    let r = b
        .post(
            "/lang",
            &[("csrf", &csrf(&login)), ("lang", "en"), ("next", "/login")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login");
    let login = b.get("/login").await;
    assert!(text(&login).contains("<html lang=\"en\""));
    assert!(text(&login).contains("Sign in"));
    // A link may ask for a language too.
    assert!(text(&b.get("/login?lang=ja").await).contains("<html lang=\"ja\""));
    b.login("tanaka@gov.example.jp").await;

    let assets = b.get("/assets").await;
    assert!(text(&assets).contains("<html lang=\"en\""));
    let evil = "<script>alert(1)</script>";
    let r = b
        .post(
            "/assets",
            &[
                ("csrf", &csrf(&assets)),
                ("name", evil),
                ("kind", "software"),
                ("criticality", "low"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));
    let asset_page = b.get(&location(&r)).await;
    for r in [
        &asset_page,
        &b.get("/assets").await,
        &b.get("/findings").await,
    ] {
        let body = text(r);
        assert!(!body.contains(evil), "raw script: {body}");
        assert!(!body.contains("<b>Evil</b>"), "raw organisation name");
    }
    assert!(text(&asset_page).contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text(&asset_page).contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co"));
    // A refused form shows the input again, escaped.
    let r = b
        .post(
            "/assets",
            &[
                ("csrf", &csrf(&asset_page)),
                ("name", "\"><script>alert(2)</script>"),
                ("kind", "product"),
                ("criticality", "low"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!text(&r).contains("<script>alert(2)"));
    assert!(text(&r).contains("Please check what you entered."));
    // Nothing is reflected from the query either.
    let r = b
        .get("/findings?done=%3Cscript%3Ex%3C%2Fscript%3E&decision=%3Cscript%3E&asset=%22%3E%3Cscript%3E")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!text(&r).contains("<script>x"));
    assert!(!text(&r).contains("decision=<script>"));

    // Times in Tokyo, English format.
    let created = app
        .state
        .store()
        .assets(OrgId(org))
        .await
        .unwrap()
        .remove(0)
        .created_at;
    let en = jiff::tz::offset(9)
        .to_datetime(created)
        .strftime("%-d %b %Y, %H:%M")
        .to_string();
    assert!(text(&asset_page).contains(&en), "{en}");
    // Back to Japanese, signed in (the session's token).
    let r = b
        .post(
            "/lang",
            &[
                ("csrf", &csrf(&asset_page)),
                ("lang", "ja"),
                ("next", "/assets"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/assets");
    let ja = text(&b.get("/assets").await);
    assert!(ja.contains("<html lang=\"ja\"") && ja.contains("資産の登録"));
    // Out-of-site redirects are refused.
    let r = b
        .post(
            "/lang",
            &[
                ("csrf", &csrf(&asset_page)),
                ("lang", "ja"),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/");

    // Static files: hashed names, long cache, right types; others 404.
    let css = ja
        .split("href=\"/static/")
        .nth(1)
        .map(|s| format!("/static/{}", &s[..s.find('"').unwrap()]))
        .unwrap();
    let r = b.get(&css).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        r.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(b.get("/static/app.css").await.status, StatusCode::NOT_FOUND);
}
both!(names_are_escaped_and_languages_switch);

async fn admins_manage_tokens_and_webhooks(app: &App) {
    let org = app.create_org("Water Works", "operator", &["water"]).await;
    user(app, org, Role::Admin, "admin@water.example.jp").await;
    let b = Browser::new(app);
    b.login("admin@water.example.jp").await;

    let page = b.get("/tokens").await;
    assert_eq!(page.status, StatusCode::OK);
    let r = b
        .post(
            "/tokens",
            &[
                ("csrf", &csrf(&page)),
                ("name", "CI scanner"),
                ("role", "analyst"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    let body = text(&r);
    let at = body.find(auth::TOKEN_PREFIX).expect("the secret, once");
    let secret = &body[at..at + auth::TOKEN_PREFIX.len() + 64];
    assert_eq!(
        app.get("/api/v1/session", secret).await.status,
        StatusCode::OK
    );
    // Not shown again.
    let list = b.get("/tokens").await;
    assert!(!text(&list).contains(secret));
    let tokens = app.state.store().tokens(OrgId(org)).await.unwrap();
    let id = tokens.iter().find(|t| t.name == "CI scanner").unwrap().id.0;
    let r = b
        .post(&format!("/tokens/{id}/revoke"), &[("csrf", &csrf(&list))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/session", secret).await.status,
        StatusCode::UNAUTHORIZED
    );

    let page = b.get("/settings/webhooks").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = csrf(&page);
    let r = b
        .post(
            "/settings/webhooks",
            &[
                ("csrf", &token),
                ("url", "https://hooks.water.example.jp/yata"),
                ("events", "finding.new"),
                ("events", "finding.overdue"),
                ("min_decision", "14 days"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", text(&r));
    assert!(text(&r).contains("ywh_") || text(&r).contains("class=\"secret\""));
    let hooks = app.state.store().webhooks(OrgId(org)).await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].events.len(), 2);
    let listed = text(&b.get("/settings/webhooks").await);
    assert!(listed.contains("https://hooks.water.example.jp/yata"));
    let r = b
        .post(
            &format!("/settings/webhooks/{}/delete", hooks[0].id.0),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.state
            .store()
            .webhooks(OrgId(org))
            .await
            .unwrap()
            .is_empty()
    );
}
both!(admins_manage_tokens_and_webhooks);

/// A person's language and time zone are kept on their account: they
/// follow them to a new browser, and every time is shown in their zone.
async fn preferences_follow_the_person(app: &App) {
    if !app.load_rustsec().await {
        return;
    }
    let org = app.create_org("Zone Bank", "operator", &["finance"]).await;
    user(app, org, Role::Admin, "zone@bank.example").await;
    let token = app.issue_token(org, "admin").await;
    let asset = app.create_software(org, &token, "core").await;
    assert_eq!(
        app.upload_lock(asset, &token, common::VULNERABLE_LOCK)
            .await
            .status,
        StatusCode::OK
    );
    let findings = app
        .get(&format!("/api/v1/organizations/{org}/findings"), &token)
        .await
        .json();
    let first = &findings["findings"][0];
    let seen: jiff::Timestamp = first["first_seen"].as_str().unwrap().parse().unwrap();
    let id = first["finding_id"].as_i64().unwrap();

    let b = Browser::new(app);
    b.login("zone@bank.example").await;
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo")
        .unwrap()
        .to_datetime(seen)
        .strftime("%Y年%-m月%-d日 %H:%M")
        .to_string();
    assert!(text(&b.get(&format!("/findings/{id}")).await).contains(&tokyo));

    let form = b.get("/settings/preferences").await;
    assert_eq!(form.status, StatusCode::OK);
    let token_field = csrf(&form);
    // Without the form token: refused, nothing kept.
    let r = b
        .post(
            "/settings/preferences",
            &[("lang", "en"), ("time_zone", "Europe/London")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(
            "/settings/preferences",
            &[
                ("csrf", &token_field),
                ("lang", "en"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = b
        .post(
            "/settings/preferences",
            &[
                ("csrf", &token_field),
                ("lang", "en"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", text(&r));

    // A new browser: the person's preferences come with the log-in.
    let other = Browser::new(app);
    other.login("zone@bank.example").await;
    let page = text(&other.get(&format!("/findings/{id}")).await);
    let london = jiff::tz::TimeZone::get("Europe/London")
        .unwrap()
        .to_datetime(seen)
        .strftime("%-d %b %Y, %H:%M")
        .to_string();
    assert!(page.contains("lang=\"en\""), "{page}");
    assert!(page.contains(&london), "{london} not in {page}");
    assert!(!page.contains(&tokyo));
}
both!(preferences_follow_the_person);
