//! The demo nation (issue 9): generated into a fresh SQLite store, it has
//! the shape the demo promises — every sector supervised, organisations of
//! every kind, users for every role, findings (KEV ones, overdue and not,
//! decided in every way), a campaign of reports across sectors, alerts
//! with recipients and acknowledgements — and the concrete facts its
//! story is about.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::Value;
use tower::ServiceExt;
use yata_priority::Policy;
use yata_server::demo::{self, Existing, nation};
use yata_server::{AppState, ServiceConfig, auth, router};
use yata_store::testing::TestDatabase;
use yata_store::{
    AckStatus, Actor, AssetKind, Finding, FindingFilter, FindingState, NewToken, OrgKind,
    RecipientReason, Role,
};

async fn get(state: &AppState, path: &str, token: &str) -> (u16, Value) {
    let response = router(state.clone())
        .oneshot(
            Request::builder()
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_nation_has_its_shape_and_story() {
    let db = TestDatabase::sqlite();
    let state = AppState::new(
        yata_store::open(&db.url).await.unwrap(),
        Policy::default(),
        ServiceConfig::default(),
    );
    state.set_ready();
    let store = state.store();
    assert_eq!(demo::inspect(&state).await.unwrap(), Existing::Empty);
    let started = std::time::Instant::now();
    let generated = demo::generate(&state, &|_| {}).await.unwrap();
    eprintln!(
        "demo generated in {:.2} s: {generated:?}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(demo::inspect(&state).await.unwrap(), Existing::Demo);

    // Organisations: every table's entry, every kind, all 15 sectors
    // supervised by a ministry and operated in.
    let orgs = store.organizations().await.unwrap();
    let specs: Vec<_> = std::iter::once(nation::NCO)
        .chain(nation::MINISTRIES.iter().copied())
        .chain(nation::OPERATORS.iter().copied())
        .chain(nation::GOVERNMENT.iter().copied())
        .chain(nation::VENDORS.iter().copied())
        .collect();
    assert_eq!(orgs.len(), specs.len());
    assert_eq!(generated.organizations, specs.len());
    let kinds: BTreeSet<OrgKind> = orgs.iter().map(|o| o.kind).collect();
    assert_eq!(kinds.len(), OrgKind::ALL.len(), "every kind: {kinds:?}");
    let sectors: BTreeSet<String> = store
        .sectors()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(sectors.len(), 15);
    let supervised: BTreeSet<String> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Ministry)
        .flat_map(|o| o.sectors.clone())
        .collect();
    assert_eq!(supervised, sectors);
    let operated: BTreeSet<String> = orgs
        .iter()
        .filter(|o| matches!(o.kind, OrgKind::Operator | OrgKind::Government))
        .flat_map(|o| o.sectors.clone())
        .collect();
    assert_eq!(operated, sectors);
    let id_of = |slug: &str| {
        let spec = specs.iter().find(|s| s.slug == slug).unwrap();
        orgs.iter().find(|o| o.name == spec.name()).unwrap().id
    };

    // Users: every role of every organisation, with the one password.
    assert_eq!(generated.users, specs.len() * Role::ALL.len());
    for spec in &specs {
        for &role in Role::ALL {
            let user = store
                .user_by_email(&spec.email(role))
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{}", spec.email(role)));
            let m = store.memberships(user.id).await.unwrap();
            assert_eq!(m.len(), 1);
            assert_eq!((m[0].org, m[0].role), (id_of(spec.slug), role));
        }
    }
    let nco_admin = store
        .user_by_email(&nation::NCO.email(Role::Admin))
        .await
        .unwrap()
        .unwrap();
    assert!(auth::verify_password(
        &generated.password,
        nco_admin.password_hash.as_deref().unwrap()
    ));
    assert!(!auth::verify_password(
        "wrong password",
        nco_admin.password_hash.as_deref().unwrap()
    ));

    // Findings: of every organisation with assets, in every state the demo
    // moves them to, KEV ones, overdue and not.
    let now = Timestamp::now();
    let mut all: Vec<Finding> = Vec::new();
    let mut assets = 0;
    for o in &orgs {
        assets += store.assets(o.id).await.unwrap().len();
        all.extend(
            store
                .findings(&FindingFilter {
                    org: o.id,
                    asset: None,
                    state: None,
                })
                .await
                .unwrap(),
        );
    }
    assert_eq!(assets, generated.assets);
    assert_eq!(all.len(), generated.findings);
    assert!(all.len() >= 50, "{} findings", all.len());
    let states: BTreeMap<FindingState, usize> = all.iter().fold(BTreeMap::new(), |mut m, f| {
        *m.entry(f.state).or_default() += 1;
        m
    });
    for s in [
        FindingState::Open,
        FindingState::InTriage,
        FindingState::Fixed,
        FindingState::Mitigated,
        FindingState::RiskAccepted,
        FindingState::NotAffected,
    ] {
        assert!(states.contains_key(&s), "no {s} finding: {states:?}");
    }
    assert!(
        all.iter()
            .filter(|f| f.state == FindingState::RiskAccepted)
            .all(|f| f.risk_accepted_until.is_some_and(|u| u > now))
    );
    assert!(
        all.iter()
            .filter(|f| f.state == FindingState::NotAffected)
            .all(|f| f.justification.is_some())
    );
    let active = |f: &&Finding| matches!(f.state, FindingState::Open | FindingState::InTriage);
    let overdue = all
        .iter()
        .filter(active)
        .filter(|f| f.deadline.is_some_and(|d| d < now))
        .count();
    let on_time = all
        .iter()
        .filter(active)
        .filter(|f| f.deadline.is_some_and(|d| d >= now))
        .count();
    assert!(
        overdue > 0 && on_time > 0,
        "overdue {overdue}, on time {on_time}"
    );
    assert!(all.iter().filter(active).any(|f| f.kev));
    assert!(all.iter().any(|f| !f.kev));

    // The story: Toto Electric Power's FortiGate (FortiOS 7.0.x, internet
    // exposed) has the KEV-listed SSL-VPN overflow, decided by the KEV-
    // driven policy, with the version entry that matched.
    let electric = id_of("toto-electric");
    let electric_assets = store.assets(electric).await.unwrap();
    let fortigate = electric_assets
        .iter()
        .find(|a| a.kind == AssetKind::Product && a.product.as_deref() == Some("FortiOS"))
        .unwrap();
    assert!(fortigate.version.as_deref().unwrap().starts_with("7.0."));
    let electric_findings: Vec<&Finding> = all.iter().filter(|f| f.org == electric).collect();
    let fortios = electric_findings
        .iter()
        .find(|f| f.asset == fortigate.id && f.vuln_id == "CVE-2022-42475")
        .expect("CVE-2022-42475 on the FortiGate");
    assert!(fortios.kev);
    assert_eq!(
        fortios.decision.as_deref(),
        Some("3 days & forensic investigation")
    );
    let explanation: Value = serde_json::from_str(&fortios.explanation).unwrap();
    let text = explanation.to_string();
    assert!(text.contains("7.0.8"), "{explanation:#}");
    // Log4Shell on its customer portal, explained by the range's event.
    let log4shell = electric_findings
        .iter()
        .find(|f| f.vuln_id == "CVE-2021-44228")
        .expect("Log4Shell on the customer portal");
    assert!(
        log4shell.subject.contains("log4j-core@2.14.1"),
        "{}",
        log4shell.subject
    );
    assert!(log4shell.kev);
    let explanation: Value = serde_json::from_str(&log4shell.explanation).unwrap();
    let text = explanation.to_string();
    assert!(
        text.contains("2.15.0") && text.contains("2.13.0"),
        "{explanation:#}"
    );

    // Incidents: five reports, three of them from three sectors sharing
    // the campaign's indicators.
    let reports = store.incidents(None, 100).await.unwrap();
    assert_eq!(reports.len(), generated.incidents);
    let sightings = store
        .indicator_sightings("domain", demo::CAMPAIGN_DOMAIN)
        .await
        .unwrap();
    let sharing: BTreeSet<_> = sightings.iter().map(|(id, _)| *id).collect();
    assert_eq!(sharing.len(), 3);
    let sharing_sectors: BTreeSet<String> = reports
        .iter()
        .filter(|r| sharing.contains(&r.id))
        .flat_map(|r| orgs.iter().find(|o| o.id == r.org).unwrap().sectors.clone())
        .collect();
    assert_eq!(sharing_sectors.len(), 3, "{sharing_sectors:?}");

    // Alerts: to all, to sectors, to the exposed (Toto Electric among them,
    // by exposure), with acknowledgements moved on.
    let nco = id_of("nco");
    let issued = store.alerts_issued(nco, 100).await.unwrap();
    let by_meti = store.alerts_issued(id_of("meti"), 100).await.unwrap();
    assert_eq!(issued.len() + by_meti.len(), generated.alerts);
    let exposure = issued.iter().find(|a| !a.exposed_to.is_empty()).unwrap();
    let recipients = store.alert_recipients(exposure.id).await.unwrap();
    let electric_r = recipients.iter().find(|r| r.org == electric).unwrap();
    assert_eq!(electric_r.reason, RecipientReason::Exposed);
    let all_alert = issued.iter().find(|a| a.exposed_to.is_empty()).unwrap();
    let to_all = store.alert_recipients(all_alert.id).await.unwrap();
    assert_eq!(to_all.len(), orgs.len() - 1);
    assert!(to_all.iter().any(|r| r.status == AckStatus::Done));
    let sector_recipients = store.alert_recipients(by_meti[0].id).await.unwrap();
    assert!(
        sector_recipients
            .iter()
            .all(|r| r.reason == RecipientReason::Sector)
    );
    assert!(
        sector_recipients
            .iter()
            .any(|r| r.status == AckStatus::Acting)
    );

    // The NCO's view through the API: overdue and KEV figures.
    let secret = auth::new_secret(auth::TOKEN_PREFIX).unwrap();
    store
        .create_token(
            &Actor::Cli,
            &NewToken {
                hash: auth::secret_hash(&secret),
                name: "test".into(),
                org: nco,
                user: None,
                role: Role::Viewer,
                expires_at: None,
            },
        )
        .await
        .unwrap();
    let (status, summary) = get(&state, "/api/v1/summary", &secret).await;
    assert_eq!(status, 200, "{summary}");
    let text = summary.to_string();
    assert!(text.contains("overdue"), "{summary:#}");
    let (status, exposure) = get(
        &state,
        "/api/v1/vulnerabilities/CVE-2022-42475/exposure",
        &secret,
    )
    .await;
    assert_eq!(status, 200, "{exposure}");
    assert!(
        exposure.to_string().contains("FortiOS") || exposure.to_string().contains("SSL-VPN"),
        "{exposure:#}"
    );

    assert!(store.verify_audit().await.unwrap().is_ok());
    store.close().await.unwrap();
    db.finish().await;
}

#[test]
fn the_generator_is_deterministic() {
    let draw = || {
        let mut rng = demo::Rng::new(demo::SEED);
        (0..64).map(|_| rng.next_u64()).collect::<Vec<_>>()
    };
    assert_eq!(draw(), draw());
    let sbom = demo::sbom(&nation::JAVA_PORTAL, true);
    assert_eq!(sbom, demo::sbom(&nation::JAVA_PORTAL, true));
    let text = String::from_utf8(sbom).unwrap();
    assert!(text.contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
}
