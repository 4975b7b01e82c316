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
            .replace("{source}", common::MATRIX_SOURCE);
        let path = if route.operation == "put_inventory" {
            format!("{path}?name=Cargo.lock")
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
