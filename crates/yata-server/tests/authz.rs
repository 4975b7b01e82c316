//! The authorisation matrix: every route of the router's table × every
//! role of every kind of organisation (own, same sector, other sector, the
//! supervising ministry, another ministry, the NCO, a vendor) and no
//! credentials, against one target organisation's objects. The expected
//! answer is written here, independently of `visibility.rs`; a route with
//! no row here fails the test, so no new route escapes it.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yata_store::{OrgId, OrgKind, Role};

use common::{App, RequestBody, VULNERABLE_LOCK};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    /// A member of the target organisation.
    Own,
    /// Another operator of the target's sector.
    SameSector,
    /// An operator of another sector.
    OtherSector,
    /// The ministry supervising the target's sector.
    Supervising,
    /// A ministry of other sectors.
    OtherMinistry,
    Nco,
    Vendor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Past authorisation: anything but 401, 403 and 404.
    Allow,
    NotFound,
    Forbidden,
    Unauthenticated,
    /// Wrong credentials: 401, or 429 once the log-in limiter has seen
    /// enough of them (every in-process request comes from one address).
    LoginRefused,
}

/// The rules of DESIGN.md "Visibility" and of issue 6, one row per route.
fn expect(operation: &str, caller: Option<(Rel, Role)>) -> Expect {
    use Expect::*;
    use Rel::*;
    let public = matches!(
        operation,
        "healthz"
            | "readyz"
            | "metrics"
            | "openapi"
            | "login"
            | "bootstrap_page"
            | "bootstrap_submit"
            | "public_alerts"
    );
    match operation {
        // Wrong credentials / unknown link whoever asks.
        "login" => return LoginRefused,
        "bootstrap_submit" => return NotFound,
        _ if public => return Allow,
        _ => {}
    }
    let Some((rel, role)) = caller else {
        return Unauthenticated;
    };
    let writer = matches!(role, Role::Admin | Role::Analyst);
    let sees_status = matches!(rel, Own | Nco | Supervising);
    match operation {
        "whoami" | "logout" | "list_sectors" | "list_organizations" | "feed_status" => Allow,
        "create_organization" | "import_feeds" | "sync_feed_source" => {
            if rel == Nco && role == Role::Admin {
                Allow
            } else {
                Forbidden
            }
        }
        "feed_sources" => {
            if rel == Nco {
                Allow
            } else {
                Forbidden
            }
        }
        "audit_log" | "audit_verify" => {
            if rel == Nco && matches!(role, Role::Admin | Role::Auditor) {
                Allow
            } else {
                Forbidden
            }
        }
        "get_organization" | "list_assets" | "get_asset" | "inventory_history"
        | "list_findings" | "get_finding" | "finding_history" | "export_vex" => {
            if sees_status {
                Allow
            } else {
                NotFound
            }
        }
        "create_asset" | "transition_finding" | "bulk_products" | "transition_findings" => {
            match rel {
                Own if writer => Allow,
                Own | Nco | Supervising => Forbidden,
                _ => NotFound,
            }
        }
        "get_inventory" => {
            if rel == Own {
                Allow
            } else {
                NotFound
            }
        }
        "put_inventory" => match rel {
            Own if writer => Allow,
            Own => Forbidden,
            _ => NotFound,
        },
        "create_token" | "list_tokens" | "revoke_token" => {
            if matches!(rel, Own | Nco) && role == Role::Admin {
                Allow
            } else {
                NotFound
            }
        }
        // The organisation's own admins only, not even the NCO's.
        "create_webhook"
        | "list_webhooks"
        | "delete_webhook"
        | "webhook_deliveries"
        | "create_mail_subscription"
        | "list_mail_subscriptions"
        | "delete_mail_subscription"
        | "mail_deliveries" => {
            if rel == Own && role == Role::Admin {
                Allow
            } else {
                NotFound
            }
        }
        "organization_summary" => {
            if sees_status {
                Allow
            } else {
                NotFound
            }
        }
        // The target's sector (finance): the NCO and its ministry.
        "sector_summary" => {
            if matches!(rel, Nco | Supervising) {
                Allow
            } else {
                NotFound
            }
        }
        "nation_summary" => {
            if rel == Nco {
                Allow
            } else {
                Forbidden
            }
        }
        "exposure" => {
            if matches!(rel, Nco | Supervising | OtherMinistry | Vendor) {
                Allow
            } else {
                NotFound
            }
        }
        // Incident reports (the target's, TLP:AMBER): up the chain only.
        "create_incident" => {
            if writer {
                Allow
            } else {
                Forbidden
            }
        }
        "list_incidents" | "list_alerts" => Allow,
        "get_incident" | "incident_stix" | "get_attachment" => {
            if sees_status {
                Allow
            } else {
                NotFound
            }
        }
        "update_incident" | "attach_to_incident" => match rel {
            Own if writer => Allow,
            Own | Nco | Supervising => Forbidden,
            _ => NotFound,
        },
        "annotate_incident" => match rel {
            Nco | Supervising if writer => Allow,
            Own | Nco | Supervising => Forbidden,
            _ => NotFound,
        },
        "related_incidents" => match rel {
            Nco | Supervising => Allow,
            Own => Forbidden,
            _ => NotFound,
        },
        "incident_clusters" | "indicator" => {
            if matches!(rel, Nco | Supervising | OtherMinistry) {
                Allow
            } else {
                Forbidden
            }
        }
        // Alerts: issued by the NCO's and ministries' writers; the one
        // here is the NCO's, TLP:AMBER, to the target organisation.
        "create_alert" | "preview_alert" => {
            if matches!(rel, Nco | Supervising | OtherMinistry) && writer {
                Allow
            } else {
                Forbidden
            }
        }
        "get_alert" => {
            if matches!(rel, Own | Nco) {
                Allow
            } else {
                NotFound
            }
        }
        "acknowledge_alert" => match rel {
            Own if writer => Allow,
            Own | Nco => Forbidden,
            _ => NotFound,
        },
        "alert_progress" => match rel {
            Nco => Allow,
            Own => Forbidden,
            _ => NotFound,
        },
        "remind_alert" => match rel {
            Nco if writer => Allow,
            Own | Nco => Forbidden,
            _ => NotFound,
        },
        other => panic!("route {other} has no row in the authorisation matrix: add one"),
    }
}

/// A body that passes validation, so only authorisation can refuse it.
fn body(operation: &str, finding: i64) -> RequestBody {
    match operation {
        "login" => {
            RequestBody::Json(json!({ "email": "nobody@example.jp", "password": "wrong password" }))
        }
        "bootstrap_submit" => {
            RequestBody::Form("name=A&email=a%40example.jp&password=long+enough+password".into())
        }
        "create_organization" => {
            RequestBody::Json(json!({ "name": format!("org {}", next()), "kind": "vendor" }))
        }
        "create_token" => RequestBody::Json(json!({ "role": "viewer", "name": "matrix" })),
        "create_webhook" => RequestBody::Json(
            json!({ "url": "http://127.0.0.1:9/matrix", "events": ["finding.new"] }),
        ),
        "create_mail_subscription" => RequestBody::Json(
            json!({ "address": format!("matrix{}@example.jp", next()), "events": ["finding.new"] }),
        ),
        "create_asset" => RequestBody::Json(
            json!({ "name": format!("asset {}", next()), "kind": "software", "internet_exposed": false, "criticality": "low" }),
        ),
        "put_inventory" => RequestBody::Raw(VULNERABLE_LOCK.as_bytes().to_vec()),
        "bulk_products" => RequestBody::Raw(
            format!(
                "vendor,product,version,hostname\nFortinet,FortiOS,7.0.1,fw-{}\n",
                next()
            )
            .into_bytes(),
        ),
        "transition_finding" => RequestBody::Json(json!({ "to": "in_triage", "note": "matrix" })),
        "transition_findings" => RequestBody::Json(
            json!({ "transitions": [{ "finding_id": finding, "to": "in_triage", "note": "matrix" }] }),
        ),
        "import_feeds" => RequestBody::Raw(b"not a feed".to_vec()),
        "create_incident" => RequestBody::Json(
            json!({ "title": "matrix", "status": "suspected", "tlp": "amber", "indicators": ["198.51.100.1"] }),
        ),
        "update_incident" => RequestBody::Json(json!({ "note": "matrix" })),
        "annotate_incident" => RequestBody::Json(json!({ "body": "matrix" })),
        "attach_to_incident" => RequestBody::Raw(b"matrix".to_vec()),
        "create_alert" | "preview_alert" => RequestBody::Json(
            json!({ "title": "matrix", "tlp": "green", "targets": { "all": true } }),
        ),
        "acknowledge_alert" => RequestBody::Json(json!({ "status": "read" })),
        _ => RequestBody::None,
    }
}

/// A new webhook of `org`, made directly in the store.
async fn webhook(state: &yata_server::AppState, org: OrgId) -> i64 {
    state
        .store()
        .create_webhook(
            &yata_store::Actor::Cli,
            &yata_store::NewWebhook {
                org,
                url: "http://127.0.0.1:9/matrix".into(),
                events: vec![yata_store::EventKind::FindingNew],
                min_decision: None,
                secret: "matrix-secret-matrix-secret".into(),
            },
        )
        .await
        .unwrap()
        .0
}

/// A new e-mail subscription of `org`, made directly in the store.
async fn mail_subscription(state: &yata_server::AppState, org: OrgId) -> i64 {
    state
        .store()
        .create_mail_subscription(
            &yata_store::Actor::Cli,
            &yata_store::NewMailSubscription {
                org,
                address: format!("matrix{}@example.jp", next()),
                events: vec![yata_store::EventKind::FindingNew],
                min_decision: None,
                language: yata_store::MailLanguage::JaEn,
            },
        )
        .await
        .unwrap()
        .0
}

fn next() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn every_route_every_role_every_relation(app: &App) {
    let has_feeds = app.load_rustsec().await;
    let state = &app.state;
    let target = common::organization(state, "Target Bank", OrgKind::Operator, &["finance"]).await;
    let mut orgs = vec![(Rel::Own, target)];
    for (rel, name, kind, sectors) in [
        (
            Rel::SameSector,
            "Other Bank",
            OrgKind::Operator,
            &["finance"][..],
        ),
        (
            Rel::OtherSector,
            "Railway",
            OrgKind::Operator,
            &["railways"][..],
        ),
        (Rel::Supervising, "FSA", OrgKind::Ministry, &["finance"][..]),
        (
            Rel::OtherMinistry,
            "MLIT",
            OrgKind::Ministry,
            &["railways"][..],
        ),
        (Rel::Vendor, "Vendor", OrgKind::Vendor, &[][..]),
    ] {
        orgs.push((rel, common::organization(state, name, kind, sectors).await));
    }
    let nco = state
        .store()
        .nco_organization(&yata_store::Actor::Cli)
        .await
        .unwrap();
    orgs.push((Rel::Nco, nco));

    // The target's objects.
    let admin = common::token(state, target, Role::Admin).await;
    let asset = app.create_software(target.0, &admin, "core").await;
    let r = app
        .send(
            Method::PUT,
            &format!("/api/v1/assets/{asset}/inventory?name=Cargo.lock"),
            Some(&admin),
            RequestBody::Raw(VULNERABLE_LOCK.as_bytes().to_vec()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let list = app
        .get(
            &format!("/api/v1/organizations/{}/findings", target.0),
            &admin,
        )
        .await
        .json();
    let finding = list["findings"][0]["finding_id"].as_i64();
    assert!(finding.is_some() || !has_feeds, "{list}");
    let spare = app
        .post(
            &format!("/api/v1/organizations/{}/tokens", target.0),
            &admin,
            json!({ "role": "viewer", "name": "spare" }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    // The target's report with an attachment, and an NCO alert to it.
    let incident = app
        .post(
            "/api/v1/incidents",
            &admin,
            json!({ "title": "matrix report", "status": "confirmed", "tlp": "amber",
                    "indicators": ["198.51.100.1"] }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let attachment = app
        .send(
            Method::POST,
            &format!("/api/v1/incidents/{incident}/attachments?name=a.txt"),
            Some(&admin),
            RequestBody::Raw(b"matrix".to_vec()),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let alert = app
        .post(
            "/api/v1/alerts",
            &app.nco,
            json!({ "title": "matrix alert", "tlp": "amber",
                    "targets": { "organizations": [target.0] } }),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    /// Who calls (none: no credentials) and with which token.
    type Caller = (Option<(Rel, Role)>, Option<String>);
    let mut callers: Vec<Caller> = vec![(None, None)];
    for (rel, org) in &orgs {
        for role in Role::ALL {
            callers.push((
                Some((*rel, *role)),
                Some(common::token(state, OrgId(org.0), *role).await),
            ));
        }
    }

    let mut checked = 0;
    let mut failures = Vec::new();
    for (route, _) in yata_server::api::routes(&yata_server::ServiceConfig::default()) {
        if (route.path.contains("{finding}")
            || matches!(route.operation, "export_vex" | "transition_findings"))
            && finding.is_none()
        {
            continue; // Without the shared data there are no findings (outside CI only).
        }
        let path = route
            .path
            .replace("{org}", &target.0.to_string())
            .replace("{asset}", &asset.to_string())
            .replace("{finding}", &finding.unwrap_or(0).to_string())
            .replace("{token}", &spare.to_string())
            .replace("{secret}", &"0".repeat(64))
            .replace("{sector}", "finance")
            .replace("{id}", "RUSTSEC-2021-0003")
            .replace("{source}", common::MATRIX_SOURCE)
            .replace("{incident}", &incident.to_string())
            .replace("{attachment}", &attachment.to_string())
            .replace("{alert}", &alert.to_string());
        let path = if route.operation == "put_inventory" {
            format!("{path}?name=Cargo.lock")
        } else if route.operation == "attach_to_incident" {
            format!("{path}?name=matrix.txt")
        } else if route.operation == "indicator" {
            format!("{path}?value=198.51.100.1")
        } else {
            path
        };
        for (caller, token) in &callers {
            // A webhook of its own for each deletion, so an earlier one
            // cannot make a later caller's answer 404.
            let path = if path.contains("{webhook}") {
                path.replace("{webhook}", &webhook(state, target).await.to_string())
            } else if path.contains("{subscription}") {
                path.replace(
                    "{subscription}",
                    &mail_subscription(state, target).await.to_string(),
                )
            } else {
                path.clone()
            };
            let want = expect(route.operation, *caller);
            let r = app
                .send(
                    route.method.clone(),
                    &path,
                    token.as_deref(),
                    body(route.operation, finding.unwrap_or(0)),
                )
                .await;
            let got = r.status;
            let ok = match want {
                Expect::Allow => ![
                    StatusCode::UNAUTHORIZED,
                    StatusCode::FORBIDDEN,
                    StatusCode::NOT_FOUND,
                ]
                .contains(&got),
                Expect::NotFound => got == StatusCode::NOT_FOUND,
                Expect::Forbidden => got == StatusCode::FORBIDDEN,
                Expect::Unauthenticated => got == StatusCode::UNAUTHORIZED,
                Expect::LoginRefused => {
                    [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&got)
                }
            };
            if !ok {
                let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                failures.push(format!(
                    "{} {} as {caller:?}: want {want:?}, got {got} {body}",
                    route.method, route.path
                ));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cases wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 500, "{checked}");
}
both!(every_route_every_role_every_relation);
