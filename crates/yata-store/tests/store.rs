//! The store's behaviour, run twice: against SQLite (a temporary file) and
//! against PostgreSQL (a fresh database per test on the server that
//! `YATA_TEST_PG_URL` names; see `scripts/pg-test.sh`). Without that
//! variable the PostgreSQL half skips with a message, or fails when `CI` is
//! set.

use std::str::FromStr;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use sqlx::migrate::Migrator;
use sqlx::{Connection, Row};
use yata_store::testing::TestDatabase;
use yata_store::*;

/// One test's database, open.
struct TestDb {
    store: Arc<dyn Store>,
    url: String,
    db: TestDatabase,
}

async fn opened(db: TestDatabase) -> TestDb {
    TestDb {
        store: Arc::from(open(&db.url).await.unwrap()),
        url: db.url.clone(),
        db,
    }
}

async fn sqlite_db() -> TestDb {
    opened(TestDatabase::sqlite()).await
}

async fn pg_db() -> Option<TestDb> {
    Some(opened(TestDatabase::postgres().await?).await)
}

impl TestDb {
    async fn finish(self) {
        self.store.close().await.unwrap();
        self.db.finish().await;
    }

    /// Another new database on the same kind of store (and server).
    async fn empty_sibling(&self) -> TestDatabase {
        match self.store.backend() {
            Backend::Sqlite => TestDatabase::sqlite(),
            Backend::Postgres => TestDatabase::postgres().await.unwrap(),
        }
    }

    /// Runs SQL behind the store's back, as an intruder with file or
    /// superuser access would.
    async fn raw(&self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.store.backend() {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                sqlx::raw_sql(sql).execute(&mut c).await?;
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                sqlx::raw_sql(sql).execute(&mut c).await?;
            }
        }
        Ok(())
    }

    async fn applied_migrations(&self) -> Vec<(i64, String, String)> {
        applied_migrations(self.store.backend(), &self.url).await
    }

    async fn audit_len(&self) -> u64 {
        self.store.verify_audit().await.unwrap().unwrap()
    }
}

/// The migrations sqlx recorded as applied: version, description and
/// checksum (hex).
async fn applied_migrations(backend: Backend, url: &str) -> Vec<(i64, String, String)> {
    const SQL: &str = "SELECT version, description, checksum FROM _sqlx_migrations \
                       WHERE success ORDER BY version";
    macro_rules! read {
        ($conn:ty) => {{
            let mut c = <$conn>::connect(url).await.unwrap();
            let rows = sqlx::query(SQL).fetch_all(&mut c).await.unwrap();
            c.close().await.unwrap();
            rows.iter()
                .map(|r| (r.get(0), r.get(1), hex(r.get::<&[u8], _>(2))))
                .collect()
        }};
    }
    match backend {
        Backend::Sqlite => read!(sqlx::SqliteConnection),
        Backend::Postgres => read!(sqlx::PgConnection),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Each test runs once per database: `sqlite::NAME` and `postgres::NAME`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = super::sqlite_db().await;
                super::$name(&db).await;
                db.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let Some(db) = super::pg_db().await else { return };
                super::$name(&db).await;
                db.finish().await;
            })*
        }
    };
}

both!(
    sectors_are_seeded,
    organizations_and_supervision,
    users_memberships_tokens,
    inventory_replacement_updates_findings,
    transitions_are_checked_and_recorded,
    failed_writes_change_nothing,
    accepted_risks_expire,
    jobs_are_leased_once,
    concurrent_writers_keep_one_chain,
    tampered_audit_entry_is_caught,
    truncated_audit_log_is_caught,
    backup_under_writes_restores_and_verifies,
    databases_migrated_by_sqlx_macro_still_open,
    large_inventories_reconcile_quickly,
    findings_refresh_without_a_new_inventory,
    a_scoped_refresh_leaves_other_findings_alone,
    sessions_round_trip_and_end,
    tokens_of_an_organization,
    bootstrap_links_make_one_admin_each,
    the_nco_organization_is_found_or_made,
    feed_snapshots_keep_history,
    new_writes_keep_one_chain,
    bulk_assets_are_one_transaction,
    batch_transitions_are_all_or_nothing,
    summaries_and_exposure_queries,
    other_processes_hear_of_committed_changes,
    reprioritisation_is_recorded,
    webhook_events_are_written_with_their_cause,
    webhook_deliveries_are_leased_once_and_logged,
    periodic_jobs_are_queued_once_per_period,
    mail_subscriptions_get_events_and_their_own_queue,
    incidents_keep_indicators_timeline_and_revisions,
    alerts_reach_exposed_organisations_now_and_later,
);

const ADMIN: Actor = Actor::Cli;

fn org(name: &str, kind: OrgKind, sectors: &[&str]) -> NewOrganization {
    NewOrganization {
        name: name.to_owned(),
        kind,
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
    }
}

fn software(org: OrgId, name: &str) -> NewAsset {
    NewAsset {
        org,
        name: name.to_owned(),
        kind: AssetKind::Software,
        internet_exposed: true,
        criticality: Criticality::VeryHigh,
        vendor: None,
        product: None,
        version: None,
        cpe: None,
    }
}

fn inventory(asset: AssetId, tag: &str) -> NewInventory {
    NewInventory {
        asset,
        format: "cyclonedx-json".to_owned(),
        digest: format!("digest-{tag}"),
        components: 3,
        encoding: "json".to_owned(),
        body: format!("{{\"tag\":\"{tag}\"}}").into_bytes(),
    }
}

fn seen(vuln: &str, subject: &str) -> Observation {
    Observation {
        vuln_id: vuln.to_owned(),
        subject: subject.to_owned(),
        decision: Some("3 days".to_owned()),
        deadline: Some(Timestamp::from_second(1_900_000_000).unwrap()),
        kev: false,
        epss: None,
        explanation: format!("{{\"vuln\":\"{vuln}\"}}"),
    }
}

async fn setup_asset(db: &TestDb) -> (OrgId, AssetId) {
    let o = db
        .store
        .create_organization(&ADMIN, &org("Rail East", OrgKind::Operator, &["railways"]))
        .await
        .unwrap();
    let a = db
        .store
        .create_asset(&ADMIN, &software(o, "ticketing"))
        .await
        .unwrap();
    (o, a)
}

async fn finding_by(db: &TestDb, org: OrgId, vuln: &str) -> Finding {
    let all = db
        .store
        .findings(&FindingFilter {
            org,
            asset: None,
            state: None,
        })
        .await
        .unwrap();
    all.into_iter().find(|f| f.vuln_id == vuln).unwrap()
}

async fn sectors_are_seeded(db: &TestDb) {
    let sectors = db.store.sectors().await.unwrap();
    let codes: Vec<&str> = sectors.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "ict",
            "finance",
            "aviation",
            "airports",
            "railways",
            "electricity",
            "gas",
            "government",
            "medical",
            "water",
            "logistics",
            "chemicals",
            "credit_cards",
            "petroleum",
            "ports"
        ]
    );
    assert_eq!(sectors[0].name_ja, "情報通信");
    assert_eq!(sectors[7].name_ja, "政府・行政サービス");
    assert_eq!(sectors[12].name_ja, "クレジット");
    assert_eq!(sectors[14].name_en, "Ports");
    assert_eq!(db.audit_len().await, 0);
}

async fn organizations_and_supervision(db: &TestDb) {
    let s = &db.store;
    let fsa = s
        .create_organization(
            &ADMIN,
            &org("FSA", OrgKind::Ministry, &["finance", "credit_cards"]),
        )
        .await
        .unwrap();
    let bank = s
        .create_organization(&ADMIN, &org("Bank", OrgKind::Operator, &["finance"]))
        .await
        .unwrap();
    let cards = s
        .create_organization(
            &ADMIN,
            &org("Cards", OrgKind::Operator, &["credit_cards", "ict"]),
        )
        .await
        .unwrap();
    let rail = s
        .create_organization(&ADMIN, &org("Rail", OrgKind::Operator, &["railways"]))
        .await
        .unwrap();
    let _vendor = s
        .create_organization(&ADMIN, &org("Vendor", OrgKind::Vendor, &[]))
        .await
        .unwrap();
    let mlit = s
        .create_organization(
            &ADMIN,
            &org("MLIT", OrgKind::Ministry, &["railways", "finance"]),
        )
        .await
        .unwrap();

    assert_eq!(
        s.supervised_organizations(fsa).await.unwrap(),
        [bank, cards]
    );
    assert_eq!(s.supervised_organizations(bank).await.unwrap(), []);
    assert_eq!(
        s.organizations_in_sectors(&["ict".into(), "railways".into()])
            .await
            .unwrap(),
        [cards, rail, mlit]
    );
    let got = s.organization(cards).await.unwrap().unwrap();
    assert_eq!(got.name, "Cards");
    assert_eq!(got.kind, OrgKind::Operator);
    assert_eq!(got.sectors, ["credit_cards", "ict"]);
    assert_eq!(s.organizations().await.unwrap().len(), 6);
    assert!(s.organization(OrgId(999)).await.unwrap().is_none());

    let dup = s
        .create_organization(&ADMIN, &org("Bank", OrgKind::Operator, &[]))
        .await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    let bad = s
        .create_organization(&ADMIN, &org("Nowhere", OrgKind::Operator, &["space"]))
        .await;
    assert!(matches!(bad, Err(Error::Invalid(_))), "{bad:?}");
    assert_eq!(db.audit_len().await, 6);
}

async fn users_memberships_tokens(db: &TestDb) {
    let s = &db.store;
    let nco = s
        .create_organization(&ADMIN, &org("NCO", OrgKind::Nco, &[]))
        .await
        .unwrap();
    assert!(!s.nco_admin_exists().await.unwrap());
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    let u = s
        .create_user(
            &ADMIN,
            &NewUser {
                name: "Aoi".into(),
                email: "aoi@example.jp".into(),
                password_hash: Some(hash.into()),
            },
        )
        .await
        .unwrap();
    let again = s
        .create_user(
            &ADMIN,
            &NewUser {
                name: "X".into(),
                email: "aoi@example.jp".into(),
                password_hash: None,
            },
        )
        .await;
    assert!(matches!(again, Err(Error::Conflict(_))));
    let got = s.user_by_email("aoi@example.jp").await.unwrap().unwrap();
    assert_eq!((got.id, got.password_hash.as_deref()), (u, Some(hash)));
    assert_eq!(s.user(u).await.unwrap().unwrap().name, "Aoi");

    let m = Membership {
        user: u,
        org: nco,
        role: Role::Viewer,
    };
    s.set_membership(&ADMIN, &m).await.unwrap();
    assert!(!s.nco_admin_exists().await.unwrap());
    s.set_membership(
        &ADMIN,
        &Membership {
            role: Role::Admin,
            ..m.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(s.memberships(u).await.unwrap()[0].role, Role::Admin);
    assert!(s.nco_admin_exists().await.unwrap());

    let secret = [7u8; 32];
    let expires = Timestamp::now() + SignedDuration::from_hours(24);
    let t = s
        .create_token(
            &Actor::User(u),
            &NewToken {
                hash: secret,
                name: "ci".into(),
                org: nco,
                user: Some(u),
                role: Role::Analyst,
                expires_at: Some(expires),
            },
        )
        .await
        .unwrap();
    let tok = s.token_by_hash(&secret).await.unwrap().unwrap();
    assert_eq!((tok.id, tok.role, tok.user), (t, Role::Analyst, Some(u)));
    assert!(tok.is_valid_at(Timestamp::now()));
    assert!(!tok.is_valid_at(expires));
    assert!(s.token_by_hash(&[8u8; 32]).await.unwrap().is_none());
    s.revoke_token(&ADMIN, t).await.unwrap();
    assert!(
        !s.token_by_hash(&secret)
            .await
            .unwrap()
            .unwrap()
            .is_valid_at(Timestamp::now())
    );
    assert!(matches!(
        s.revoke_token(&ADMIN, TokenId(999)).await,
        Err(Error::NotFound(_))
    ));

    let log = s.audit_entries(0, 100).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "organization.create",
            "user.create",
            "membership.set",
            "membership.set",
            "token.create",
            "token.revoke"
        ]
    );
    assert!(
        !log[1].details.contains("argon2"),
        "password hash in the audit log"
    );
    assert_eq!(log[4].actor, format!("user:{u}"));
}

async fn inventory_replacement_updates_findings(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let (i1, up) = s
        .replace_inventory(
            &ADMIN,
            &inventory(a, "1"),
            &[seen("CVE-1", "pkg:npm/a@1"), seen("CVE-2", "pkg:npm/b@1")],
        )
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 2,
            ..Default::default()
        }
    );
    let (i2, up) = s
        .replace_inventory(
            &ADMIN,
            &inventory(a, "2"),
            &[seen("CVE-2", "pkg:npm/b@1"), seen("CVE-3", "pkg:npm/c@1")],
        )
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 1,
            refreshed: 1,
            resolved: 1,
            reopened: 0
        }
    );
    let f1 = finding_by(db, o, "CVE-1").await;
    assert_eq!((f1.state, f1.present), (FindingState::Fixed, false));
    let (_, up) = s
        .replace_inventory(
            &ADMIN,
            &inventory(a, "3"),
            &[
                seen("CVE-1", "pkg:npm/a@1"),
                seen("CVE-2", "pkg:npm/b@1"),
                seen("CVE-3", "pkg:npm/c@1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            reopened: 1,
            refreshed: 2,
            ..Default::default()
        }
    );
    let f1b = finding_by(db, o, "CVE-1").await;
    assert_eq!(
        (f1b.id, f1b.state, f1b.present),
        (f1.id, FindingState::Open, true)
    );
    assert_eq!(f1b.first_seen, f1.first_seen);
    let moves: Vec<(FindingState, FindingState)> = s
        .finding_history(f1.id)
        .await
        .unwrap()
        .iter()
        .map(|t| (t.from, t.to))
        .collect();
    assert_eq!(
        moves,
        [
            (FindingState::Open, FindingState::Fixed),
            (FindingState::Fixed, FindingState::Open)
        ]
    );

    let history = s.inventory_history(a).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history.iter().filter(|h| h.is_current).count(), 1);
    assert_eq!((history[0].id, history[1].id), (i1, i2));
    let current = s.current_inventory(a).await.unwrap().unwrap();
    assert_eq!(current.body, b"{\"tag\":\"3\"}");
    assert_eq!(current.meta.uploaded_by, "cli");

    let open = s
        .findings(&FindingFilter {
            org: o,
            asset: Some(a),
            state: Some(FindingState::Open),
        })
        .await
        .unwrap();
    assert_eq!(open.len(), 3);
    assert_eq!(
        open[0].deadline,
        Some(Timestamp::from_second(1_900_000_000).unwrap())
    );
    assert_eq!(open[0].decision.as_deref(), Some("3 days"));
    assert_eq!(db.audit_len().await, 5);
}

async fn transitions_are_checked_and_recorded(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "1"),
        &[seen("CVE-9", "pkg:cargo/x@1")],
    )
    .await
    .unwrap();
    let f = finding_by(db, o, "CVE-9").await;
    let analyst = Actor::User(UserId(42));
    let triage = Transition {
        from: FindingState::Open,
        to: FindingState::InTriage,
        justification: None,
        note: "looking".into(),
        risk_accepted_until: None,
    };
    s.transition_finding(&analyst, f.id, &triage).await.unwrap();
    let stale = s.transition_finding(&analyst, f.id, &triage).await;
    assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
    let missing = s
        .transition_finding(&analyst, FindingId(999), &triage)
        .await;
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");

    let not_affected = Transition {
        from: FindingState::InTriage,
        to: FindingState::NotAffected,
        justification: Some("vulnerable_code_not_in_execute_path".into()),
        note: "never called".into(),
        risk_accepted_until: None,
    };
    s.transition_finding(&analyst, f.id, &not_affected)
        .await
        .unwrap();
    let got = s.finding(f.id).await.unwrap().unwrap();
    assert_eq!(got.state, FindingState::NotAffected);
    assert_eq!(
        got.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    let history = s.finding_history(f.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].actor, "user:42");
    assert_eq!(history[1].note, "never called");

    // A decision survives re-uploads while the component is still there.
    let (_, up) = s
        .replace_inventory(
            &ADMIN,
            &inventory(a, "2"),
            &[seen("CVE-9", "pkg:cargo/x@1")],
        )
        .await
        .unwrap();
    assert_eq!(up.refreshed, 1);
    assert_eq!(
        s.finding(f.id).await.unwrap().unwrap().state,
        FindingState::NotAffected
    );
}

async fn failed_writes_change_nothing(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    s.replace_inventory(&ADMIN, &inventory(a, "1"), &[seen("CVE-5", "p")])
        .await
        .unwrap();
    let f = finding_by(db, o, "CVE-5").await;
    let before = db.audit_len().await;

    // The schema refuses not_affected without a justification: rolled back.
    let bad = Transition {
        from: FindingState::Open,
        to: FindingState::NotAffected,
        justification: None,
        note: "".into(),
        risk_accepted_until: None,
    };
    assert!(matches!(
        s.transition_finding(&ADMIN, f.id, &bad).await,
        Err(Error::Invalid(_))
    ));
    let bad = Transition {
        to: FindingState::RiskAccepted,
        justification: None,
        ..bad
    };
    assert!(matches!(
        s.transition_finding(&ADMIN, f.id, &bad).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(
        s.finding(f.id).await.unwrap().unwrap().state,
        FindingState::Open
    );
    assert!(s.finding_history(f.id).await.unwrap().is_empty());

    // An upload to a missing asset, and one whose findings cannot be written.
    let r = s
        .replace_inventory(&ADMIN, &inventory(AssetId(999), "x"), &[])
        .await;
    assert!(matches!(r, Err(Error::NotFound(_))), "{r:?}");
    let dup_asset = s.create_asset(&ADMIN, &software(o, "ticketing")).await;
    assert!(matches!(dup_asset, Err(Error::Conflict(_))));
    assert_eq!(db.audit_len().await, before);
    assert_eq!(s.inventory_history(a).await.unwrap().len(), 1);
}

async fn accepted_risks_expire(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "1"),
        &[seen("CVE-7", "p"), seen("CVE-8", "q")],
    )
    .await
    .unwrap();
    let until = Timestamp::from_second(2_000_000_000).unwrap();
    for vuln in ["CVE-7", "CVE-8"] {
        let f = finding_by(db, o, vuln).await;
        let t = Transition {
            from: FindingState::Open,
            to: FindingState::RiskAccepted,
            justification: None,
            note: "compensating control".into(),
            risk_accepted_until: Some(if vuln == "CVE-7" {
                until
            } else {
                until + SignedDuration::from_hours(1)
            }),
        };
        s.transition_finding(&ADMIN, f.id, &t).await.unwrap();
    }
    assert_eq!(
        s.reopen_expired_risks(until - SignedDuration::from_secs(1))
            .await
            .unwrap(),
        0
    );
    let before = db.audit_len().await;
    assert_eq!(s.reopen_expired_risks(until).await.unwrap(), 1);
    assert_eq!(db.audit_len().await, before + 1);
    let f7 = finding_by(db, o, "CVE-7").await;
    assert_eq!(
        (f7.state, f7.risk_accepted_until),
        (FindingState::Open, None)
    );
    let last = s.finding_history(f7.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.to),
        ("system", FindingState::Open)
    );
    assert_eq!(
        finding_by(db, o, "CVE-8").await.state,
        FindingState::RiskAccepted
    );
}

async fn jobs_are_leased_once(db: &TestDb) {
    let s = &db.store;
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let lease = SignedDuration::from_secs(60);
    for kind in ["feed.sync", "rematch"] {
        s.enqueue_job(
            &ADMIN,
            &NewJob {
                kind: kind.into(),
                payload: "{}".into(),
                run_at: t0,
            },
        )
        .await
        .unwrap();
    }
    s.enqueue_job(
        &ADMIN,
        &NewJob {
            kind: "later".into(),
            payload: "{}".into(),
            run_at: t0 + SignedDuration::from_hours(1),
        },
    )
    .await
    .unwrap();
    let j1 = s.claim_job("w1", t0, lease).await.unwrap().unwrap();
    let j2 = s.claim_job("w2", t0, lease).await.unwrap().unwrap();
    assert_eq!(
        (j1.kind.as_str(), j2.kind.as_str()),
        ("feed.sync", "rematch")
    );
    assert!(s.claim_job("w3", t0, lease).await.unwrap().is_none());
    assert!(matches!(
        s.finish_job(j1.id, "w2").await,
        Err(Error::Conflict(_))
    ));
    s.finish_job(j1.id, "w1").await.unwrap();
    // w2's lease runs out: the job goes to another worker.
    let again = s.claim_job("w3", t0 + lease, lease).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (j2.id, 2));
    assert!(matches!(
        s.finish_job(j2.id, "w2").await,
        Err(Error::Conflict(_))
    ));
    // A long job keeps its lease by renewing it; the one it was taken
    // from cannot.
    s.renew_job(j2.id, "w3", t0 + lease * 3).await.unwrap();
    assert!(
        s.claim_job("w4", t0 + lease * 2, lease)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        s.renew_job(j2.id, "w2", t0 + lease * 9).await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        db.audit_len().await,
        3,
        "enqueues are audited, leases are not"
    );
}

async fn concurrent_writers_keep_one_chain(db: &TestDb) {
    let mut tasks = Vec::new();
    for t in 0..6 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                store
                    .create_organization(
                        &ADMIN,
                        &org(&format!("org-{t}-{i}"), OrgKind::Operator, &["water"]),
                    )
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(db.audit_len().await, 60);
}

async fn tampered_audit_entry_is_caught(db: &TestDb) {
    let (o, _) = setup_asset(db).await;
    db.store
        .create_organization(&ADMIN, &org("Third", OrgKind::Vendor, &[]))
        .await
        .unwrap();
    assert_eq!(db.audit_len().await, 3);
    let entry = db.store.audit_entries(1, 1).await.unwrap().remove(0);
    assert_eq!(entry.object, format!("asset:{}", AssetId(1)));
    assert!(o.0 > 0);

    let edit = "UPDATE audit_log SET details = '{\"name\":\"innocent\"}' WHERE seq = 2";
    assert!(
        db.raw(edit).await.is_err(),
        "the append-only trigger must refuse updates"
    );
    let drop_trigger = match db.store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    db.raw(drop_trigger).await.unwrap();
    db.raw(edit).await.unwrap();
    let broken = db.store.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 2, "{broken}");
    assert!(broken.reason.contains("altered"), "{broken}");

    // Recomputing that entry's hash does not help: the next one names it.
    let forged = db.store.audit_entries(1, 1).await.unwrap().remove(0);
    let hash = yata_store::audit::hash_entry(&forged);
    db.raw(&format!(
        "UPDATE audit_log SET hash = '{hash}' WHERE seq = 2"
    ))
    .await
    .unwrap();
    let broken = db.store.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");
}

async fn truncated_audit_log_is_caught(db: &TestDb) {
    setup_asset(db).await;
    assert_eq!(db.audit_len().await, 2);
    let drop_trigger = match db.store.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    db.raw(drop_trigger).await.unwrap();
    db.raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let broken = db.store.verify_audit().await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 2, "{broken}");
}

async fn backup_under_writes_restores_and_verifies(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.db");
    if db.store.backend() == Backend::Postgres {
        assert!(matches!(
            db.store.backup(&out).await,
            Err(Error::Unsupported { .. })
        ));
        return;
    }
    let writer = {
        let store = db.store.clone();
        tokio::spawn(async move {
            for i in 0..100 {
                store
                    .create_organization(
                        &ADMIN,
                        &org(&format!("busy-{i}"), OrgKind::Operator, &["gas"]),
                    )
                    .await
                    .unwrap();
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    db.store.backup(&out).await.unwrap();
    writer.await.unwrap();
    assert!(
        matches!(db.store.backup(&out).await, Err(Error::Conflict(_))),
        "never overwrites"
    );

    let target = dir.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    let entries = restore(&url, &out).await.unwrap().unwrap();
    let restored = open(&url).await.unwrap();
    assert_eq!(restored.verify_audit().await.unwrap(), Ok(entries));
    // The copy is one snapshot: its organisations are exactly its audited creations.
    assert_eq!(
        restored.organizations().await.unwrap().len() as u64,
        entries
    );
    restored.close().await.unwrap();

    // A tampered backup is refused and the target left alone.
    let bad = dir.path().join("bad.db");
    std::fs::copy(&out, &bad).unwrap();
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", bad.display()))
        .await
        .unwrap();
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 1",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    assert!(restore(&url, &bad).await.unwrap().is_err());
    let still = open(&url).await.unwrap();
    assert_eq!(still.verify_audit().await.unwrap(), Ok(entries));
    still.close().await.unwrap();
}

#[tokio::test]
async fn open_by_url() {
    let s = open("sqlite::memory:").await.unwrap();
    assert_eq!(s.backend(), Backend::Sqlite);
    s.create_organization(&ADMIN, &org("NCO", OrgKind::Nco, &[]))
        .await
        .unwrap();
    assert_eq!(s.organizations().await.unwrap().len(), 1);
    assert_eq!(s.verify_audit().await.unwrap(), Ok(1));
    s.close().await.unwrap();
    assert!(matches!(
        open("mysql://localhost/yata").await,
        Err(Error::Url(_))
    ));
}

/// The migrations were embedded by `sqlx::migrate!` before they were
/// embedded with `include_str!`: a database migrated by that build must
/// open, so the store records exactly what sqlx's own reading of the
/// directory (the macro's code path) computes.
async fn databases_migrated_by_sqlx_macro_still_open(db: &TestDb) {
    let backend = db.store.backend();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend.to_string());
    let sqlx_reading = Migrator::new(dir).await.unwrap();
    let expected: Vec<(i64, String, String)> = sqlx_reading
        .iter()
        .map(|m| (m.version, m.description.to_string(), hex(&m.checksum)))
        .collect();
    assert_eq!(db.applied_migrations().await, expected);
    // 0001 as the `migrate!` build recorded it (read from its databases):
    // a released migration never changes.
    let init = match backend {
        Backend::Sqlite => {
            "d82992b14bc0a65f01b09aefdf2c5ba8e813b577090ee28c6276de5b9f3be737\
             7a5569249a037a23dd32deaaa77fe0e8"
        }
        Backend::Postgres => {
            "50603c40efbbdf819b7b7685d2ae910a7ae6366d374068ea0ca37d276b243563\
             7b673f16e86af531e28a40eb65df1c46"
        }
    };
    assert_eq!(expected[0], (1, "init".to_owned(), init.to_owned()));

    // A database that build left at 0001, with data in it.
    let old = db.empty_sibling().await;
    match backend {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&old.url)
                .unwrap()
                .create_if_missing(true);
            let mut c = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx_reading.run_to(1, &mut c).await.unwrap();
            c.close().await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&old.url).await.unwrap();
            sqlx_reading.run_to(1, &mut c).await.unwrap();
            c.close().await.unwrap();
        }
    }
    assert_eq!(applied_migrations(backend, &old.url).await, expected[..1]);
    let old = opened(old).await;
    assert_eq!(old.applied_migrations().await, expected);
    old.store
        .create_organization(&ADMIN, &org("After", OrgKind::Vendor, &[]))
        .await
        .unwrap();
    assert_eq!(old.audit_len().await, 1);
    old.finish().await;
}

/// Observation `i` of upload `round`: its own decision, deadline and
/// explanation, so a batched write that mixed rows up would show.
fn numbered(i: u32, round: u32) -> Observation {
    Observation {
        vuln_id: format!("CVE-2024-{i}"),
        subject: format!("pkg:npm/p{i}@1.0.{}", i % 7),
        decision: (!i.is_multiple_of(3)).then(|| format!("d{}", (i + round) % 5)),
        deadline: (!i.is_multiple_of(4))
            .then(|| Timestamp::from_second(1_900_000_000 + i64::from(i * 10 + round)).unwrap()),
        kev: (i + round).is_multiple_of(5),
        epss: (!i.is_multiple_of(6)).then(|| f64::from(i % 10) / 10.0),
        explanation: format!("{{\"i\":{i},\"round\":{round}}}"),
    }
}

async fn large_inventories_reconcile_quickly(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let all = FindingFilter {
        org: o,
        asset: Some(a),
        state: None,
    };
    let started = std::time::Instant::now();
    let first: Vec<Observation> = (0..20_000).map(|i| numbered(i, 1)).collect();
    let (_, up) = s
        .replace_inventory(&ADMIN, &inventory(a, "1"), &first)
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 20_000,
            ..Default::default()
        }
    );
    let second: Vec<Observation> = (5_000..25_000).map(|i| numbered(i, 2)).collect();
    let (i2, up) = s
        .replace_inventory(&ADMIN, &inventory(a, "2"), &second)
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 5_000,
            refreshed: 15_000,
            resolved: 5_000,
            reopened: 0
        }
    );
    eprintln!(
        "{}: two uploads of 20,000 observations in {:?}",
        s.backend(),
        started.elapsed()
    );

    let findings = s.findings(&all).await.unwrap();
    assert_eq!(findings.len(), 25_000);
    for f in &findings {
        let i: u32 = f
            .vuln_id
            .strip_prefix("CVE-2024-")
            .unwrap()
            .parse()
            .unwrap();
        let round = if i < 5_000 { 1 } else { 2 };
        let want = numbered(i, round);
        assert_eq!(
            (&f.subject, &f.decision, f.deadline, &f.explanation),
            (
                &want.subject,
                &want.decision,
                want.deadline,
                &want.explanation
            ),
            "finding {i}"
        );
        let state = if i < 5_000 {
            FindingState::Fixed
        } else {
            FindingState::Open
        };
        assert_eq!((f.state, f.present), (state, i >= 5_000), "finding {i}");
        if f.present {
            assert_eq!(f.kev, want.kev, "finding {i}: kev written in batch");
        }
    }
    let f0 = finding_by(db, o, "CVE-2024-0").await;
    let history = s.finding_history(f0.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].note.as_str()),
        (
            FindingState::Open,
            FindingState::Fixed,
            format!("no longer in inventory {i2}").as_str()
        )
    );

    // Re-evaluation against the second inventory: the first 5,000 match
    // again (reopened), the last 5,000 no longer (resolved).
    let started = std::time::Instant::now();
    let third: Vec<Observation> = (0..20_000).map(|i| numbered(i, 3)).collect();
    let up = s.refresh_findings(&ADMIN, a, &third).await.unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 0,
            refreshed: 15_000,
            resolved: 5_000,
            reopened: 5_000
        }
    );
    eprintln!(
        "{}: refresh of 20,000 observations in {:?}",
        s.backend(),
        started.elapsed()
    );
    let findings = s.findings(&all).await.unwrap();
    for f in &findings {
        let i: u32 = f
            .vuln_id
            .strip_prefix("CVE-2024-")
            .unwrap()
            .parse()
            .unwrap();
        let round = if i < 20_000 { 3 } else { 2 };
        assert_eq!(f.explanation, numbered(i, round).explanation, "finding {i}");
        let state = if i < 20_000 {
            FindingState::Open
        } else {
            FindingState::Fixed
        };
        assert_eq!((f.state, f.present), (state, i < 20_000), "finding {i}");
    }
    assert_eq!(s.finding_history(f0.id).await.unwrap().len(), 2);
    assert_eq!(db.audit_len().await, 5);
}

async fn a_scoped_refresh_leaves_other_findings_alone(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "1"),
        &[seen("CVE-1", "p"), seen("CVE-2", "q")],
    )
    .await
    .unwrap();
    let before = finding_by(db, o, "CVE-1").await;
    let rescored = Observation {
        decision: Some("immediate".into()),
        explanation: "{\"rescored\":true}".into(),
        ..seen("CVE-2", "q")
    };
    // CVE-2 is re-scored; CVE-1 is not in the scope, observed or not.
    let only = ["CVE-2".to_owned(), "CVE-9".to_owned()];
    let up = s
        .refresh_findings_of(&Actor::System, a, std::slice::from_ref(&rescored), &only)
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            refreshed: 1,
            ..FindingsUpdate::default()
        }
    );
    assert_eq!(finding_by(db, o, "CVE-1").await, before, "untouched");
    let f2 = finding_by(db, o, "CVE-2").await;
    assert_eq!(f2.decision, rescored.decision);
    assert_eq!(f2.explanation, rescored.explanation);
    // CVE-1 withdrawn: only it is resolved.
    let up = s
        .refresh_findings_of(&Actor::System, a, &[], &["CVE-1".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            resolved: 1,
            ..FindingsUpdate::default()
        }
    );
    assert_eq!(finding_by(db, o, "CVE-1").await.state, FindingState::Fixed);
    assert_eq!(finding_by(db, o, "CVE-2").await, f2);
}

async fn findings_refresh_without_a_new_inventory(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let b = s
        .create_asset(&ADMIN, &software(o, "billing"))
        .await
        .unwrap();
    assert_eq!(s.assets_with_inventory().await.unwrap(), []);
    let (inv, _) = s
        .replace_inventory(
            &ADMIN,
            &inventory(a, "1"),
            &[seen("CVE-1", "p"), seen("CVE-2", "q"), seen("CVE-3", "r")],
        )
        .await
        .unwrap();
    assert_eq!(s.assets_with_inventory().await.unwrap(), [a]);
    let f3 = finding_by(db, o, "CVE-3").await;
    let triage = Transition {
        from: FindingState::Open,
        to: FindingState::InTriage,
        justification: None,
        note: "looking".into(),
        risk_accepted_until: None,
    };
    s.transition_finding(&ADMIN, f3.id, &triage).await.unwrap();

    // The feed changed: CVE-1 and CVE-3 no longer match, CVE-2 is
    // re-scored, CVE-4 is new (given twice: the first counts).
    let rescored = Observation {
        decision: Some("immediate".into()),
        deadline: Some(Timestamp::from_second(1_800_000_000).unwrap()),
        kev: true,
        explanation: "{\"rescored\":true}".into(),
        ..seen("CVE-2", "q")
    };
    let new = seen("CVE-4", "s");
    let twice = Observation {
        explanation: "{\"second\":true}".into(),
        ..new.clone()
    };
    let up = s
        .refresh_findings(&Actor::System, a, &[rescored.clone(), new.clone(), twice])
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            opened: 1,
            refreshed: 1,
            resolved: 2,
            reopened: 0
        }
    );
    let f1 = finding_by(db, o, "CVE-1").await;
    assert_eq!((f1.state, f1.present), (FindingState::Fixed, false));
    let last = s.finding_history(f1.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.to, last.note.as_str()),
        (
            "system",
            FindingState::Fixed,
            "no longer matched on re-evaluation"
        )
    );
    assert_eq!(finding_by(db, o, "CVE-3").await.state, FindingState::Fixed);
    let f2 = finding_by(db, o, "CVE-2").await;
    assert_eq!(
        (
            f2.state,
            f2.decision.clone(),
            f2.deadline,
            f2.explanation.clone()
        ),
        (
            FindingState::Open,
            rescored.decision.clone(),
            rescored.deadline,
            rescored.explanation.clone()
        )
    );
    assert!(f2.kev, "re-scored into KEV");
    assert_eq!(
        finding_by(db, o, "CVE-4").await.explanation,
        new.explanation
    );

    // CVE-1 matches again: reopened, with the same id.
    let up = s
        .refresh_findings(&Actor::System, a, &[seen("CVE-1", "p"), rescored, new])
        .await
        .unwrap();
    assert_eq!(
        up,
        FindingsUpdate {
            reopened: 1,
            refreshed: 2,
            ..Default::default()
        }
    );
    let f1b = finding_by(db, o, "CVE-1").await;
    assert_eq!(
        (f1b.id, f1b.state, f1b.present),
        (f1.id, FindingState::Open, true)
    );
    let last = s.finding_history(f1.id).await.unwrap().pop().unwrap();
    assert_eq!(last.note, "matched again on re-evaluation");

    // The inventories are untouched; the refresh is audited per asset.
    let history = s.inventory_history(a).await.unwrap();
    assert_eq!((history.len(), history[0].id), (1, inv));
    assert!(history[0].is_current);
    let log = s.audit_entries(0, 100).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.object.as_str(),
            last.actor.as_str()
        ),
        ("findings.refresh", format!("asset:{a}").as_str(), "system")
    );
    assert!(
        last.details.contains("\"findings_reopened\":1"),
        "{}",
        last.details
    );

    let before = db.audit_len().await;
    let missing = s.refresh_findings(&ADMIN, AssetId(999), &[]).await;
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");
    assert_eq!(db.audit_len().await, before);
    s.replace_inventory(&ADMIN, &inventory(b, "b"), &[])
        .await
        .unwrap();
    assert_eq!(s.assets_with_inventory().await.unwrap(), [a, b]);
}

fn person(name: &str, email: &str) -> NewUser {
    NewUser {
        name: name.to_owned(),
        email: email.to_owned(),
        password_hash: None,
    }
}

async fn sessions_round_trip_and_end(db: &TestDb) {
    let s = &db.store;
    let nco = s
        .create_organization(&ADMIN, &org("NCO", OrgKind::Nco, &[]))
        .await
        .unwrap();
    let u = s
        .create_user(&ADMIN, &person("Aoi", "aoi@example.jp"))
        .await
        .unwrap();
    let expires = Timestamp::from_second(1_900_000_000).unwrap();
    let new = NewSession {
        hash: [1; 32],
        user: u,
        org: nco,
        csrf_hash: [2; 32],
        expires_at: expires,
    };
    let id = s.create_session(&Actor::User(u), &new).await.unwrap();
    let got = s.session_by_hash(&[1; 32]).await.unwrap().unwrap();
    assert_eq!(
        (got.id, got.user, got.org, got.csrf_hash, got.expires_at),
        (id, u, nco, [2; 32], expires)
    );
    assert!(got.created_at <= Timestamp::now());
    assert!(got.is_valid_at(expires - SignedDuration::from_micros(1)));
    assert!(!got.is_valid_at(expires));

    // An expired session is still found: the caller decides.
    let stale = NewSession {
        hash: [3; 32],
        csrf_hash: [4; 32],
        expires_at: Timestamp::from_second(1_000_000_000).unwrap(),
        ..new.clone()
    };
    let stale_id = s.create_session(&Actor::User(u), &stale).await.unwrap();
    let got = s.session_by_hash(&[3; 32]).await.unwrap().unwrap();
    assert_eq!(got.id, stale_id);
    assert!(!got.is_valid_at(Timestamp::now()));
    assert!(s.session_by_hash(&[9; 32]).await.unwrap().is_none());

    // Refused writes change nothing.
    let before = db.audit_len().await;
    let again = s.create_session(&ADMIN, &new).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    let nobody = NewSession {
        hash: [5; 32],
        user: UserId(999),
        ..new.clone()
    };
    let nobody = s.create_session(&ADMIN, &nobody).await;
    assert!(matches!(nobody, Err(Error::Invalid(_))), "{nobody:?}");
    assert_eq!(db.audit_len().await, before);

    s.delete_session(&Actor::User(u), id).await.unwrap();
    assert!(s.session_by_hash(&[1; 32]).await.unwrap().is_none());
    assert!(s.session_by_hash(&[3; 32]).await.unwrap().is_some());
    let gone = s.delete_session(&Actor::User(u), id).await;
    assert!(matches!(gone, Err(Error::NotFound(_))), "{gone:?}");

    let log = s.audit_entries(0, 100).await.unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.object.as_str()))
        .collect();
    let (session, stale_session) = (format!("session:{id}"), format!("session:{stale_id}"));
    assert_eq!(
        actions[2..],
        [
            ("session.create", session.as_str()),
            ("session.create", stale_session.as_str()),
            ("session.delete", session.as_str()),
        ]
    );
    assert_eq!(log[4].actor, format!("user:{u}"));
    assert!(!log[2].details.contains("hash"), "{}", log[2].details);
    assert_eq!(db.audit_len().await, 5);
}

async fn tokens_of_an_organization(db: &TestDb) {
    let s = &db.store;
    let nco = s
        .create_organization(&ADMIN, &org("NCO", OrgKind::Nco, &[]))
        .await
        .unwrap();
    let bank = s
        .create_organization(&ADMIN, &org("Bank", OrgKind::Operator, &["finance"]))
        .await
        .unwrap();
    let token = |n: u8, org: OrgId| NewToken {
        hash: [n; 32],
        name: format!("t{n}"),
        org,
        user: None,
        role: Role::Viewer,
        expires_at: None,
    };
    let t1 = s.create_token(&ADMIN, &token(1, bank)).await.unwrap();
    let t2 = s.create_token(&ADMIN, &token(2, nco)).await.unwrap();
    let t3 = s.create_token(&ADMIN, &token(3, bank)).await.unwrap();
    s.revoke_token(&ADMIN, t1).await.unwrap();
    let listed = s.tokens(bank).await.unwrap();
    let ids: Vec<TokenId> = listed.iter().map(|t| t.id).collect();
    assert_eq!(ids, [t1, t3], "revoked ones too, by id");
    assert!(listed[0].revoked_at.is_some());
    assert_eq!(listed[1], s.token_by_hash(&[3; 32]).await.unwrap().unwrap());
    assert_eq!(s.tokens(nco).await.unwrap()[0].id, t2);
    assert!(s.tokens(OrgId(999)).await.unwrap().is_empty());
    assert_eq!(db.audit_len().await, 6);
}

async fn bootstrap_links_make_one_admin_each(db: &TestDb) {
    let s = &db.store;
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let expiry = t0 + SignedDuration::from_hours(1);
    s.create_bootstrap_link(&ADMIN, &[1; 32], expiry)
        .await
        .unwrap();
    s.create_bootstrap_link(&ADMIN, &[2; 32], expiry)
        .await
        .unwrap();
    let dup = s.create_bootstrap_link(&ADMIN, &[1; 32], expiry).await;
    assert!(matches!(dup, Err(Error::Conflict(_))), "{dup:?}");
    let aoi = person("Aoi", "aoi@example.jp");
    let ren = person("Ren", "ren@example.jp");

    // Unknown and expired links change nothing.
    let before = db.audit_len().await;
    let bootstrap = |link: u8, now: Timestamp, user: &NewUser| {
        let user = user.clone();
        let store = db.store.clone();
        async move {
            store
                .bootstrap_admin(&Actor::System, &[link; 32], now, &user)
                .await
        }
    };
    assert_eq!(bootstrap(9, t0, &aoi).await.unwrap(), None);
    assert_eq!(bootstrap(1, expiry, &aoi).await.unwrap(), None);
    assert_eq!(db.audit_len().await, before);
    assert!(s.user_by_email("aoi@example.jp").await.unwrap().is_none());
    assert!(s.organizations().await.unwrap().is_empty());

    // A valid link: the NCO organisation is made, with its first admin.
    let just_before = expiry - SignedDuration::from_micros(1);
    let (nco, user) = bootstrap(1, just_before, &aoi).await.unwrap().unwrap();
    let o = s.organization(nco).await.unwrap().unwrap();
    assert_eq!(
        (o.name.as_str(), o.kind, o.sectors.len()),
        ("National Cyber Office", OrgKind::Nco, 0)
    );
    assert_eq!(s.user(user).await.unwrap().unwrap().email, aoi.email);
    assert_eq!(
        s.memberships(user).await.unwrap(),
        [Membership {
            user,
            org: nco,
            role: Role::Admin
        }]
    );
    assert!(s.nco_admin_exists().await.unwrap());
    let log = s.audit_entries(before, 100).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "bootstrap_link.use",
            "organization.create",
            "user.create",
            "membership.set"
        ]
    );
    assert!(log.iter().all(|e| e.actor == "system"));

    // The link works once, and every other link made before (another
    // replica's, an earlier start's) was spent with it.
    assert_eq!(bootstrap(1, t0, &ren).await.unwrap(), None);
    assert_eq!(bootstrap(2, t0, &ren).await.unwrap(), None);
    assert!(s.user_by_email("ren@example.jp").await.unwrap().is_none());

    // A link made afterwards; a taken e-mail: refused, and the link stays
    // usable.
    s.create_bootstrap_link(&ADMIN, &[3; 32], expiry)
        .await
        .unwrap();
    let before = db.audit_len().await;
    let taken = bootstrap(3, t0, &aoi).await;
    assert!(matches!(taken, Err(Error::Conflict(_))), "{taken:?}");
    assert_eq!(db.audit_len().await, before);
    let (nco2, ren_id) = bootstrap(3, t0, &ren).await.unwrap().unwrap();
    assert_eq!(nco2, nco, "the existing NCO organisation");
    assert_eq!(s.organizations().await.unwrap().len(), 1);
    assert_eq!(s.memberships(ren_id).await.unwrap()[0].role, Role::Admin);
    assert_eq!(db.audit_len().await, before + 3);
}

async fn the_nco_organization_is_found_or_made(db: &TestDb) {
    let s = &db.store;
    let made = s.nco_organization(&ADMIN).await.unwrap();
    let o = s.organization(made).await.unwrap().unwrap();
    assert_eq!(
        (o.name.as_str(), o.kind, o.sectors.len()),
        ("National Cyber Office", OrgKind::Nco, 0)
    );
    assert_eq!(s.nco_organization(&ADMIN).await.unwrap(), made);
    let log = s.audit_entries(0, 100).await.unwrap();
    assert_eq!(log.len(), 1, "made once, audited once");
    assert_eq!(
        (log[0].action.as_str(), log[0].object.as_str()),
        (
            "organization.create",
            format!("organization:{made}").as_str()
        )
    );
    // With several, the first.
    s.create_organization(&ADMIN, &org("NCO annex", OrgKind::Nco, &[]))
        .await
        .unwrap();
    assert_eq!(s.nco_organization(&ADMIN).await.unwrap(), made);
    assert!(!s.nco_admin_exists().await.unwrap());
    assert_eq!(db.audit_len().await, 2);
}

/// A snapshot built on none (the first); set `base` for later ones.
fn snapshot(body: Vec<u8>, summary: &str) -> NewFeedSnapshot {
    use sha2::Digest;
    NewFeedSnapshot {
        digest: hex(&sha2::Sha256::digest(&body)),
        summary: summary.to_owned(),
        body,
        base: None,
        job: None,
    }
}

/// Stores `new` on whatever is latest, again if another write came first.
async fn put_on_latest(store: &dyn Store, actor: &Actor, new: &NewFeedSnapshot) -> i64 {
    loop {
        let base = store
            .latest_feed_snapshot()
            .await
            .unwrap()
            .map(|(m, _)| m.id);
        match store
            .put_feed_snapshot(
                actor,
                &NewFeedSnapshot {
                    base,
                    ..new.clone()
                },
            )
            .await
        {
            Ok(id) => return id,
            Err(Error::Conflict(_)) => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

async fn feed_snapshots_keep_history(db: &TestDb) {
    let s = &db.store;
    assert!(s.latest_feed_snapshot().await.unwrap().is_none());
    let first = snapshot(b"YATASNAP one".to_vec(), r#"{"records":1}"#);
    let id1 = s.put_feed_snapshot(&ADMIN, &first).await.unwrap();
    let (meta, body) = s.latest_feed_snapshot().await.unwrap().unwrap();
    assert_eq!(
        (meta.id, meta.size, &meta.digest, &meta.summary, body),
        (id1, 12, &first.digest, &first.summary, first.body.clone())
    );
    assert_eq!(meta.imported_by, "cli");

    // A larger one, its digest in capitals: stored lower-case.
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let second = snapshot(big, r#"{"records":300000}"#);
    let shouting = NewFeedSnapshot {
        digest: second.digest.to_uppercase(),
        base: Some(id1),
        ..second.clone()
    };
    let id2 = s
        .put_feed_snapshot(&Actor::System, &shouting)
        .await
        .unwrap();
    assert!(id2 > id1);
    let (meta, body) = s.latest_feed_snapshot().await.unwrap().unwrap();
    assert_eq!(
        (meta.id, meta.size, &meta.digest, meta.imported_by.as_str()),
        (id2, 3_000_000, &second.digest, "system")
    );
    assert!(body == second.body);

    // A digest that is not the body's: refused, nothing written.
    let before = db.audit_len().await;
    let wrong = NewFeedSnapshot {
        digest: first.digest.clone(),
        base: Some(id2),
        ..second.clone()
    };
    let refused = s.put_feed_snapshot(&ADMIN, &wrong).await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    // Built on an older snapshot than the latest: another import came
    // first and this one would undo it: refused, nothing written.
    let stale = NewFeedSnapshot {
        base: Some(id1),
        ..second.clone()
    };
    let refused = s.put_feed_snapshot(&ADMIN, &stale).await;
    assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    assert_eq!(db.audit_len().await, before);
    assert_eq!(s.latest_feed_snapshot().await.unwrap().unwrap().0.id, id2);

    // The log names digest and size, never the body.
    let log = s.audit_entries(0, 10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[1].action.as_str(), log[1].object.as_str()),
        ("feed_snapshot.put", format!("feed_snapshot:{id2}").as_str())
    );
    assert!(
        log[1].details.contains(&second.digest),
        "{}",
        log[1].details
    );
    assert!(log[1].details.contains("3000000"), "{}", log[1].details);
    assert!(log[1].details.len() < 200, "{}", log[1].details);
}

/// Every new kind of write, from concurrent tasks: one unbroken chain.
async fn new_writes_keep_one_chain(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let t0 = Timestamp::now();
    let later = t0 + SignedDuration::from_hours(1);
    let mut tasks = Vec::new();
    for t in 0..4u8 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let who = person(&format!("p{t}"), &format!("p{t}@example.jp"));
            // A concurrent task's first admin spends this task's link:
            // make another and try again.
            let mut attempt = 0u8;
            let (nco, user) = loop {
                let link = [100 + t + 4 * attempt; 32];
                attempt += 1;
                store
                    .create_bootstrap_link(&ADMIN, &link, later)
                    .await
                    .unwrap();
                if let Some(made) = store
                    .bootstrap_admin(&Actor::System, &link, t0, &who)
                    .await
                    .unwrap()
                {
                    break made;
                }
            };
            assert_eq!(store.nco_organization(&ADMIN).await.unwrap(), nco);
            let session = NewSession {
                hash: [t; 32],
                user,
                org: nco,
                csrf_hash: [t; 32],
                expires_at: later,
            };
            let id = store
                .create_session(&Actor::User(user), &session)
                .await
                .unwrap();
            put_on_latest(
                store.as_ref(),
                &Actor::System,
                &snapshot(vec![t; 100], "{}"),
            )
            .await;
            store
                .refresh_findings(&Actor::System, a, &[seen(&format!("CVE-{t}"), "p")])
                .await
                .unwrap();
            store.delete_session(&Actor::User(user), id).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 2 for the setup; per task: link use, user, membership, session,
    // snapshot, refresh, log-out; one NCO organisation; and the links made
    // (more than four when one task's first admin spent another's link).
    let total = db.audit_len().await;
    let log = s.audit_entries(0, 10_000).await.unwrap();
    assert_eq!(log.len() as u64, total);
    let links = log
        .iter()
        .filter(|e| e.action == "bootstrap_link.create")
        .count();
    assert!(links >= 4, "{links}");
    assert_eq!(total as usize - links, 2 + 4 * 7 + 1);
    assert_eq!(s.organizations().await.unwrap().len(), 2);
    assert_eq!(
        s.findings(&FindingFilter {
            org: o,
            asset: Some(a),
            state: None
        })
        .await
        .unwrap()
        .len(),
        4
    );
}

async fn bulk_assets_are_one_transaction(db: &TestDb) {
    let (o, _) = setup_asset(db).await;
    let item = |name: &str, vuln: &str| NewAssetWithInventory {
        asset: software(o, name),
        inventory: inventory(AssetId(0), name),
        observations: vec![seen(vuln, "product:citrix/netscaler@14.1")],
    };
    let before = db.audit_len().await;
    let ids = db
        .store
        .create_assets(
            &ADMIN,
            &[item("gw-1", "CVE-2025-5777"), item("gw-2", "CVE-2025-5777")],
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let doc = db.store.current_inventory(*id).await.unwrap().unwrap();
        assert_eq!(doc.meta.asset, *id);
    }
    let open = db
        .store
        .findings(&FindingFilter {
            org: o,
            asset: None,
            state: Some(FindingState::Open),
        })
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    let written = db.audit_len().await;
    assert_eq!(
        written,
        before + 4,
        "one asset and one inventory entry each"
    );
    // A taken name anywhere in the batch: nothing at all is written.
    let err = db
        .store
        .create_assets(
            &ADMIN,
            &[item("gw-3", "CVE-2025-5777"), item("gw-1", "CVE-2025-5777")],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert_eq!(
        db.store.assets(o).await.unwrap().len(),
        3,
        "ticketing, gw-1, gw-2"
    );
    assert_eq!(db.audit_len().await, written);
}

async fn batch_transitions_are_all_or_nothing(db: &TestDb) {
    let (o, a) = setup_asset(db).await;
    db.store
        .replace_inventory(
            &ADMIN,
            &inventory(a, "batch"),
            &[
                seen("CVE-2024-1", "pkg:npm/a@1"),
                seen("CVE-2024-2", "pkg:npm/b@1"),
            ],
        )
        .await
        .unwrap();
    let f1 = finding_by(db, o, "CVE-2024-1").await.id;
    let f2 = finding_by(db, o, "CVE-2024-2").await.id;
    let triage = |from| Transition {
        from,
        to: FindingState::InTriage,
        justification: None,
        note: "batch".into(),
        risk_accepted_until: None,
    };
    let before = db.audit_len().await;
    // The second move names a state the finding is not in: neither applies.
    let err = db
        .store
        .transition_findings(
            &ADMIN,
            &[
                (f1, triage(FindingState::Open)),
                (f2, triage(FindingState::Fixed)),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert_eq!(
        finding_by(db, o, "CVE-2024-1").await.state,
        FindingState::Open
    );
    assert_eq!(db.audit_len().await, before);
    db.store
        .transition_findings(
            &ADMIN,
            &[
                (f1, triage(FindingState::Open)),
                (f2, triage(FindingState::Open)),
            ],
        )
        .await
        .unwrap();
    for v in ["CVE-2024-1", "CVE-2024-2"] {
        assert_eq!(finding_by(db, o, v).await.state, FindingState::InTriage);
    }
    assert_eq!(db.audit_len().await, before + 2);
    assert_eq!(db.store.finding_history(f2).await.unwrap().len(), 1);
}

async fn summaries_and_exposure_queries(db: &TestDb) {
    let (o, a) = setup_asset(db).await;
    let other = db
        .store
        .create_organization(&ADMIN, &org("Rail West", OrgKind::Operator, &["railways"]))
        .await
        .unwrap();
    let now = Timestamp::now();
    let day = SignedDuration::from_hours(24);
    let obs = |vuln: &str, deadline: Option<Timestamp>, kev: bool| Observation {
        deadline,
        kev,
        ..seen(vuln, "pkg:npm/x@1")
    };
    db.store
        .replace_inventory(
            &ADMIN,
            &inventory(a, "sum"),
            &[
                obs("CVE-A", Some(now - day), true),
                obs("CVE-B", Some(now + 3 * day), false),
                obs("CVE-C", None, false),
                obs("CVE-D", Some(now - 2 * day), false),
            ],
        )
        .await
        .unwrap();
    let c = finding_by(db, o, "CVE-C").await;
    db.store
        .transition_finding(
            &ADMIN,
            c.id,
            &Transition {
                from: FindingState::Open,
                to: FindingState::Fixed,
                justification: None,
                note: "patched".into(),
                risk_accepted_until: None,
            },
        )
        .await
        .unwrap();
    let sums = db
        .store
        .finding_summaries(&[o, other], now, 12)
        .await
        .unwrap();
    assert_eq!(sums.len(), 2);
    let s = &sums[0];
    assert_eq!(s.org, Some(o));
    assert_eq!(s.by_state.get("open"), Some(&3));
    assert_eq!(s.by_state.get("fixed"), Some(&1));
    assert_eq!(s.open_by_decision.get("3 days"), Some(&3));
    assert_eq!((s.overdue, s.due_within_7_days), (2, 1));
    assert_eq!((s.kev_open, s.overdue_kev), (1, 1));
    assert_eq!(s.fixed, 1);
    assert!(s.mean_time_to_remediate().is_some_and(|d| !d.is_negative()));
    let week = now.as_microsecond() / (7 * 24 * 3600 * 1_000_000);
    assert_eq!(s.weeks.get(&week), Some(&(4, 1)));
    // The backlog at the end of this week so far: the three open ones, two
    // overdue; a week ago none had been seen.
    let later = db
        .store
        .finding_summaries(&[o], Timestamp::now(), 12)
        .await
        .unwrap();
    assert_eq!(later[0].backlog.get(&week), Some(&(3, 2)));
    assert_eq!(later[0].backlog.get(&(week - 1)), Some(&(0, 0)));
    assert_eq!(later[0].backlog.len(), 13);
    let empty = &sums[1];
    assert_eq!(empty.org, Some(other));
    assert!(empty.by_state.is_empty() && empty.overdue == 0);
    let mut total = OrgSummary::default();
    total.add(s);
    total.add(empty);
    assert_eq!(total.by_state.get("open"), Some(&3));

    let hits = db
        .store
        .findings_of_vulnerabilities(&["CVE-A".into(), "CVE-D".into(), "CVE-Z".into()])
        .await
        .unwrap();
    let mut ids: Vec<&str> = hits.iter().map(|f| f.vuln_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["CVE-A", "CVE-D"]);
    assert!(hits.iter().any(|f| f.kev));

    // Exposure: the fixed CVE-C exposes no one; an unknown id adds nothing.
    let exposure_ids: Vec<String> = ["CVE-A", "CVE-C", "CVE-D", "CVE-Z"]
        .map(String::from)
        .to_vec();
    let counts = db.store.exposure_counts(&exposure_ids).await.unwrap();
    assert_eq!(counts.len(), 1, "{counts:?}");
    assert_eq!(
        (counts[0].org, counts[0].assets, counts[0].findings),
        (o, 1, 2)
    );
    let listed = db
        .store
        .exposed_findings(&exposure_ids, &[o, other], 10)
        .await
        .unwrap();
    let vulns: Vec<FindingId> = listed.iter().map(|f| f.id).collect();
    assert_eq!(
        vulns,
        [
            finding_by(db, o, "CVE-A").await.id,
            finding_by(db, o, "CVE-D").await.id
        ]
    );
    assert_eq!(listed[0].asset, a);
    assert_eq!(listed[0].asset_name, "ticketing");
    assert!(listed[0].internet_exposed);
    assert_eq!(listed[0].state, FindingState::Open);
    assert_eq!(listed[0].decision.as_deref(), Some("3 days"));
    assert_eq!(
        db.store
            .exposed_findings(&exposure_ids, &[o], 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        db.store
            .exposed_findings(&exposure_ids, &[other], 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn other_processes_hear_of_committed_changes(db: &TestDb) {
    // A second store on the same database stands for another replica.
    let other = open(&db.url).await.unwrap();
    let Some(mut rx) = other.changes().await.unwrap() else {
        assert_eq!(
            db.store.backend(),
            Backend::Sqlite,
            "only SQLite has no announcements"
        );
        return;
    };
    let (_, a) = setup_asset(db).await;
    // A rolled-back write announces nothing.
    let err = db
        .store
        .replace_inventory(&ADMIN, &inventory(AssetId(9_999), "ghost"), &[])
        .await;
    assert!(err.is_err());
    db.store
        .replace_inventory(&ADMIN, &inventory(a, "x"), &[seen("CVE-1", "s")])
        .await
        .unwrap();
    let feed = snapshot(b"snapshot".to_vec(), "{}");
    let digest = feed.digest.clone();
    put_on_latest(db.store.as_ref(), &ADMIN, &feed).await;
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let next = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("announced within 10 s")
            .unwrap();
        heard.push(next);
    }
    assert_eq!(heard, [format!("inventory:{a}"), format!("feed:{digest}")]);
    other.close().await.unwrap();
}

fn webhook(org: OrgId, events: &[EventKind]) -> NewWebhook {
    NewWebhook {
        org,
        url: "https://hooks.example.jp/services/T0/secret-path".into(),
        events: events.to_vec(),
        min_decision: Some("14 days".into()),
        secret: "s3cret-s3cret-s3cret".into(),
    }
}

/// The undispatched events as (kind, vulnerability) pairs, in order.
async fn pending(db: &TestDb) -> Vec<(EventKind, String)> {
    let events = db.store.undispatched_events(1000).await.unwrap();
    events.into_iter().map(|e| (e.kind, e.vuln_id)).collect()
}

async fn webhook_events_are_written_with_their_cause(db: &TestDb) {
    use EventKind::*;
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let other = s
        .create_organization(&ADMIN, &org("Rail West", OrgKind::Operator, &["railways"]))
        .await
        .unwrap();
    // No webhook, or another organisation's: no events.
    s.replace_inventory(&ADMIN, &inventory(a, "1"), &[seen("CVE-1", "p")])
        .await
        .unwrap();
    s.create_webhook(&ADMIN, &webhook(other, &[FindingNew]))
        .await
        .unwrap();
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "2"),
        &[seen("CVE-1", "p"), seen("CVE-2", "p")],
    )
    .await
    .unwrap();
    assert!(pending(db).await.is_empty());

    // Registered: audited without the secret or the URL's path.
    let before = db.audit_len().await;
    let h = s
        .create_webhook(&ADMIN, &webhook(o, &[Overdue, FindingNew, Overdue]))
        .await
        .unwrap();
    let entry = s.audit_entries(before, 10).await.unwrap().pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), db.audit_len().await),
        ("webhook.create", before + 1)
    );
    assert!(
        !entry.details.contains("s3cret") && !entry.details.contains("secret-path"),
        "{}",
        entry.details
    );
    let hooks = s.webhooks(o).await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(
        (
            hooks[0].id,
            &hooks[0].events,
            hooks[0].min_decision.as_deref()
        ),
        (h, &vec![FindingNew, Overdue], Some("14 days"))
    );
    assert!(matches!(
        s.create_webhook(&ADMIN, &webhook(o, &[])).await,
        Err(Error::Invalid(_))
    ));

    // Opened and reopened findings, in the upload's transaction.
    s.replace_inventory(&ADMIN, &inventory(a, "3"), &[seen("CVE-2", "p")])
        .await
        .unwrap();
    assert!(pending(db).await.is_empty(), "resolving is no event");
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "4"),
        &[seen("CVE-1", "p"), seen("CVE-2", "p"), seen("CVE-3", "p")],
    )
    .await
    .unwrap();
    let events = s.undispatched_events(1000).await.unwrap();
    let mut vulns: Vec<&str> = events.iter().map(|e| e.vuln_id.as_str()).collect();
    vulns.sort();
    assert_eq!(vulns, ["CVE-1", "CVE-3"]);
    for e in &events {
        let f = finding_by(db, o, &e.vuln_id).await;
        assert_eq!(
            (e.kind, e.org, e.finding, e.asset, e.state),
            (FindingNew, o, f.id, a, FindingState::Open)
        );
        assert_eq!((&e.decision, e.deadline), (&f.decision, f.deadline));
    }
    // Re-evaluation reopens too.
    s.refresh_findings(&ADMIN, a, &[seen("CVE-1", "p"), seen("CVE-2", "p")])
        .await
        .unwrap();
    s.refresh_findings(
        &ADMIN,
        a,
        &[seen("CVE-1", "p"), seen("CVE-2", "p"), seen("CVE-3", "p")],
    )
    .await
    .unwrap();
    assert_eq!(pending(db).await.len(), 3);
    // An expired risk acceptance reopens the finding: new again.
    let f2 = finding_by(db, o, "CVE-2").await;
    let until = Timestamp::from_second(1_800_000_000).unwrap();
    s.transition_finding(
        &ADMIN,
        f2.id,
        &Transition {
            from: FindingState::Open,
            to: FindingState::RiskAccepted,
            justification: None,
            note: "for now".into(),
            risk_accepted_until: Some(until),
        },
    )
    .await
    .unwrap();
    s.reopen_expired_risks(until).await.unwrap();
    assert_eq!(
        pending(db).await.last().unwrap(),
        &(FindingNew, "CVE-2".to_owned())
    );

    // A write that fails writes no events.
    let count = pending(db).await.len();
    let item = |name: &str| NewAssetWithInventory {
        asset: software(o, name),
        inventory: inventory(AssetId(0), name),
        observations: vec![seen("CVE-9", "q")],
    };
    let err = s
        .create_assets(&ADMIN, &[item("fresh"), item("ticketing")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert_eq!(pending(db).await.len(), count);

    // Deadlines (all at `seen`'s 1_900_000_000 s): approaching once, then
    // overdue once, for subscribed kinds only.
    let deadline = Timestamp::from_second(1_900_000_000).unwrap();
    let window = SignedDuration::from_hours(72);
    let scan = |now: Timestamp| s.scan_deadlines(now, window);
    let early = deadline - SignedDuration::from_hours(100);
    assert_eq!(scan(early).await.unwrap(), DeadlineEvents::default());
    let soon = deadline - SignedDuration::from_hours(1);
    assert_eq!(
        scan(soon).await.unwrap(),
        DeadlineEvents::default(),
        "nobody subscribed to deadline_approaching"
    );
    s.create_webhook(&ADMIN, &webhook(o, &[DeadlineApproaching]))
        .await
        .unwrap();
    let before = db.audit_len().await;
    assert_eq!(
        scan(soon).await.unwrap(),
        DeadlineEvents {
            approaching: 3,
            overdue: 0
        }
    );
    assert_eq!(db.audit_len().await, before + 1);
    assert_eq!(scan(soon).await.unwrap(), DeadlineEvents::default());
    // A finding in triage counts; a fixed one does not.
    let f3 = finding_by(db, o, "CVE-3").await;
    s.transition_finding(
        &ADMIN,
        f3.id,
        &Transition {
            from: FindingState::Open,
            to: FindingState::Fixed,
            justification: None,
            note: "patched".into(),
            risk_accepted_until: None,
        },
    )
    .await
    .unwrap();
    let late = deadline + SignedDuration::from_secs(1);
    assert_eq!(
        scan(late).await.unwrap(),
        DeadlineEvents {
            approaching: 0,
            overdue: 2
        }
    );
    assert_eq!(scan(late).await.unwrap(), DeadlineEvents::default());
    assert_eq!(
        db.audit_len().await,
        before + 3,
        "two scans and a transition: empty scans are not audited"
    );
    let kinds: Vec<EventKind> = pending(db).await.iter().map(|e| e.0).collect();
    assert_eq!(kinds.iter().filter(|k| **k == Overdue).count(), 2);
    assert_eq!(
        kinds.iter().filter(|k| **k == DeadlineApproaching).count(),
        3
    );
}

async fn webhook_deliveries_are_leased_once_and_logged(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let h = s
        .create_webhook(&ADMIN, &webhook(o, &[EventKind::FindingNew]))
        .await
        .unwrap();
    let h2 = s
        .create_webhook(&ADMIN, &webhook(o, &[EventKind::FindingNew]))
        .await
        .unwrap();
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "1"),
        &[seen("CVE-1", "p"), seen("CVE-2", "p"), seen("CVE-3", "p")],
    )
    .await
    .unwrap();
    let events = s.undispatched_events(1000).await.unwrap();
    assert_eq!(events.len(), 3);
    let audit = db.audit_len().await;

    // Fan-out: each event to the webhooks the service chose, once.
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let fan: Vec<FanOut> = events
        .iter()
        .map(|e| {
            let hooks = if e.vuln_id == "CVE-1" {
                vec![h, h2]
            } else {
                vec![h]
            };
            FanOut {
                event: e.id,
                webhooks: hooks,
                mail: Vec::new(),
            }
        })
        .collect();
    assert_eq!(s.dispatch_events(&fan, t0).await.unwrap(), 4);
    assert_eq!(s.dispatch_events(&fan, t0).await.unwrap(), 0);
    assert!(s.undispatched_events(1000).await.unwrap().is_empty());

    // Every due delivery leased once.
    let lease = SignedDuration::from_secs(60);
    let mut tasks = Vec::new();
    while let Some(t) = s.claim_delivery("w1", t0, lease).await.unwrap() {
        tasks.push(t);
    }
    assert_eq!(tasks.len(), 4);
    assert!(s.claim_delivery("w2", t0, lease).await.unwrap().is_none());
    for t in &tasks {
        assert_eq!(t.delivery.attempts, 1);
        assert_eq!(t.secret, "s3cret-s3cret-s3cret");
        assert_eq!(t.url, "https://hooks.example.jp/services/T0/secret-path");
        assert_eq!(t.event.id, t.delivery.event);
        assert_eq!(t.event.org, o);
    }
    let of_h: Vec<&DeliveryTask> = tasks.iter().filter(|t| t.delivery.webhook == h).collect();
    assert_eq!(of_h.len(), 3);
    let at = t0 + SignedDuration::from_secs(1);
    let retry_at = t0 + SignedDuration::from_secs(30);
    assert!(matches!(
        s.finish_delivery(
            of_h[0].delivery.id,
            "w2",
            &Attempt::Delivered { at, status: 200 }
        )
        .await,
        Err(Error::Conflict(_))
    ));
    s.finish_delivery(
        of_h[0].delivery.id,
        "w1",
        &Attempt::Delivered { at, status: 204 },
    )
    .await
    .unwrap();
    s.finish_delivery(
        of_h[1].delivery.id,
        "w1",
        &Attempt::Failed {
            at,
            status: Some(503),
            error: "HTTP 503".into(),
            retry_at: Some(retry_at),
        },
    )
    .await
    .unwrap();
    s.finish_delivery(
        of_h[2].delivery.id,
        "w1",
        &Attempt::Failed {
            at,
            status: None,
            error: "connection refused".into(),
            retry_at: None,
        },
    )
    .await
    .unwrap();

    // The log, newest first.
    let log = s.webhook_deliveries(h, 100).await.unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.windows(2).all(|w| w[0].id > w[1].id));
    let entry = |id: DeliveryId| log.iter().find(|d| d.id == id).unwrap().clone();
    let delivered = entry(of_h[0].delivery.id);
    assert_eq!(
        (
            delivered.delivered_at,
            delivered.last_status,
            delivered.next_attempt_at
        ),
        (Some(at), Some(204), None)
    );
    assert_eq!(delivered.kind, EventKind::FindingNew);
    let retried = entry(of_h[1].delivery.id);
    assert_eq!(
        (
            retried.next_attempt_at,
            retried.last_status,
            retried.last_error.as_deref()
        ),
        (Some(retry_at), Some(503), Some("HTTP 503"))
    );
    assert_eq!((retried.delivered_at, retried.failed_at), (None, None));
    let given_up = entry(of_h[2].delivery.id);
    assert_eq!(
        (
            given_up.failed_at,
            given_up.next_attempt_at,
            given_up.last_status
        ),
        (Some(at), None, None)
    );
    assert_eq!(s.webhook_deliveries(h, 1).await.unwrap().len(), 1);

    // Before the retry is due nothing is claimable; then the retry, and
    // h2's delivery whose lease ran out.
    let t1 = t0 + SignedDuration::from_secs(29);
    assert!(s.claim_delivery("w2", t1, lease).await.unwrap().is_none());
    let t2 = t0 + lease;
    let mut again = Vec::new();
    while let Some(t) = s.claim_delivery("w2", t2, lease).await.unwrap() {
        again.push((t.delivery.id, t.delivery.attempts));
    }
    again.sort();
    let mut want = vec![(of_h[1].delivery.id, 2)];
    want.extend(
        tasks
            .iter()
            .filter(|t| t.delivery.webhook == h2)
            .map(|t| (t.delivery.id, 2)),
    );
    want.sort();
    assert_eq!(again, want);
    assert_eq!(db.audit_len().await, audit, "deliveries are not audited");

    // Deleting a webhook deletes its deliveries; w2 cannot finish one.
    s.delete_webhook(&ADMIN, h2).await.unwrap();
    assert!(s.webhook_deliveries(h2, 100).await.unwrap().is_empty());
    let gone = tasks.iter().find(|t| t.delivery.webhook == h2).unwrap();
    assert!(matches!(
        s.finish_delivery(
            gone.delivery.id,
            "w2",
            &Attempt::Delivered { at, status: 200 }
        )
        .await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        s.delete_webhook(&ADMIN, h2).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(db.audit_len().await, audit + 1);
    assert_eq!(s.webhooks(o).await.unwrap().len(), 1);
}

/// An organisation with only an e-mail subscription gets events; they fan
/// out with the webhooks' in one transaction into a queue of their own,
/// leased once, logged, deleted with the subscription.
async fn mail_subscriptions_get_events_and_their_own_queue(db: &TestDb) {
    let s = &db.store;
    let (o, a) = setup_asset(db).await;
    let new = NewMailSubscription {
        org: o,
        address: "soc@rail-east.example.jp".into(),
        events: vec![EventKind::Overdue, EventKind::FindingNew],
        min_decision: Some("14 days".into()),
        language: MailLanguage::JaEn,
    };
    let m = s.create_mail_subscription(&ADMIN, &new).await.unwrap();
    assert!(matches!(
        s.create_mail_subscription(&ADMIN, &new).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        s.create_mail_subscription(
            &ADMIN,
            &NewMailSubscription {
                events: vec![],
                address: "other@example.jp".into(),
                ..new.clone()
            }
        )
        .await,
        Err(Error::Invalid(_))
    ));
    let subs = s.mail_subscriptions(o).await.unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(
        (
            subs[0].id,
            subs[0].address.as_str(),
            &subs[0].events[..],
            subs[0].min_decision.as_deref(),
            subs[0].language
        ),
        (
            m,
            "soc@rail-east.example.jp",
            &[EventKind::FindingNew, EventKind::Overdue][..],
            Some("14 days"),
            MailLanguage::JaEn
        )
    );
    let h = s
        .create_webhook(&ADMIN, &webhook(o, &[EventKind::FindingNew]))
        .await
        .unwrap();
    s.replace_inventory(
        &ADMIN,
        &inventory(a, "1"),
        &[seen("CVE-1", "p"), seen("CVE-2", "p")],
    )
    .await
    .unwrap();
    let events = s.undispatched_events(1000).await.unwrap();
    assert_eq!(events.len(), 2, "written once, whoever subscribed");
    let audit = db.audit_len().await;
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let fan: Vec<FanOut> = events
        .iter()
        .map(|e| FanOut {
            event: e.id,
            webhooks: vec![h],
            mail: if e.vuln_id == "CVE-1" {
                vec![m]
            } else {
                vec![]
            },
        })
        .collect();
    assert_eq!(s.dispatch_events(&fan, t0).await.unwrap(), 3);
    assert_eq!(s.dispatch_events(&fan, t0).await.unwrap(), 0);
    let lease = SignedDuration::from_secs(60);
    let task = s
        .claim_mail_delivery("w1", t0, lease)
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.claim_mail_delivery("w2", t0, lease)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        (
            task.address.as_str(),
            task.language,
            task.event.vuln_id.as_str(),
            task.delivery.attempts,
            task.delivery.subscription
        ),
        (
            "soc@rail-east.example.jp",
            MailLanguage::JaEn,
            "CVE-1",
            1,
            m
        )
    );
    // The webhook queue is separate: both its deliveries are there.
    let mut hooks = 0;
    while s.claim_delivery("w1", t0, lease).await.unwrap().is_some() {
        hooks += 1;
    }
    assert_eq!(hooks, 2);
    let at = t0 + SignedDuration::from_secs(1);
    let retry_at = t0 + SignedDuration::from_secs(30);
    assert!(matches!(
        s.finish_mail_delivery(
            task.delivery.id,
            "w2",
            &Attempt::Delivered { at, status: 250 }
        )
        .await,
        Err(Error::Conflict(_))
    ));
    s.finish_mail_delivery(
        task.delivery.id,
        "w1",
        &Attempt::Failed {
            at,
            status: Some(451),
            error: "451 try again later".into(),
            retry_at: Some(retry_at),
        },
    )
    .await
    .unwrap();
    let log = s.mail_deliveries(m, 100).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].kind,
            log[0].last_status,
            log[0].next_attempt_at,
            log[0].failed_at
        ),
        (EventKind::FindingNew, Some(451), Some(retry_at), None)
    );
    assert!(
        s.claim_mail_delivery("w2", at, lease)
            .await
            .unwrap()
            .is_none()
    );
    let again = s
        .claim_mail_delivery("w2", retry_at, lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.delivery.attempts, 2);
    s.finish_mail_delivery(
        again.delivery.id,
        "w2",
        &Attempt::Delivered {
            at: retry_at,
            status: 250,
        },
    )
    .await
    .unwrap();
    let log = s.mail_deliveries(m, 100).await.unwrap();
    assert_eq!(
        (
            log[0].delivered_at,
            log[0].last_status,
            log[0].next_attempt_at
        ),
        (Some(retry_at), Some(250), None)
    );
    assert_eq!(db.audit_len().await, audit, "deliveries are not audited");

    // Deleting the subscription deletes its log; audited.
    s.delete_mail_subscription(&ADMIN, m).await.unwrap();
    assert!(s.mail_deliveries(m, 100).await.unwrap().is_empty());
    assert!(matches!(
        s.delete_mail_subscription(&ADMIN, m).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(db.audit_len().await, audit + 1);
    assert!(s.mail_subscriptions(o).await.unwrap().is_empty());
}

async fn reprioritisation_is_recorded(db: &TestDb) {
    let (o, a) = setup_asset(db).await;
    let s = &db.store;
    s.replace_inventory(&ADMIN, &inventory(a, "p"), &[seen("CVE-9", "pkg:npm/x@1")])
        .await
        .unwrap();
    let f = finding_by(db, o, "CVE-9").await;
    // Same priority: nothing recorded.
    s.refresh_findings(&Actor::System, a, &[seen("CVE-9", "pkg:npm/x@1")])
        .await
        .unwrap();
    assert!(s.finding_history(f.id).await.unwrap().is_empty());
    // Into KEV, decision up: recorded, state kept.
    let urgent = Observation {
        decision: Some("immediate".into()),
        kev: true,
        ..seen("CVE-9", "pkg:npm/x@1")
    };
    s.refresh_findings(&Actor::System, a, &[urgent])
        .await
        .unwrap();
    let h = s.finding_history(f.id).await.unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(
        (h[0].from, h[0].to),
        (FindingState::Open, FindingState::Open)
    );
    assert_eq!(
        h[0].note,
        "re-prioritised: 3 days → immediate (now in CISA KEV)"
    );
    assert_eq!(h[0].actor, "system");
    assert_eq!(finding_by(db, o, "CVE-9").await.state, FindingState::Open);
    // EPSS: a first score is no jump; ten points up from the score it was
    // last prioritised with is, decision or not, even in small steps.
    let scored = |epss: f64| Observation {
        decision: Some("immediate".into()),
        kev: true,
        epss: Some(epss),
        ..seen("CVE-9", "pkg:npm/x@1")
    };
    for step in [0.05, 0.12, 0.14] {
        s.refresh_findings(&Actor::System, a, &[scored(step)])
            .await
            .unwrap();
    }
    assert_eq!(s.finding_history(f.id).await.unwrap().len(), 1);
    s.refresh_findings(&Actor::System, a, &[scored(0.15)])
        .await
        .unwrap();
    let h = s.finding_history(f.id).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(
        h[1].note,
        "re-prioritised: immediate → immediate (EPSS 0.050 → 0.150)"
    );
    // Exactly ten points up is a jump (no floating-point shortfall).
    s.refresh_findings(&Actor::System, a, &[scored(0.25)])
        .await
        .unwrap();
    assert_eq!(s.finding_history(f.id).await.unwrap().len(), 3);
    // Falling is not a jump.
    s.refresh_findings(&Actor::System, a, &[scored(0.2)])
        .await
        .unwrap();
    assert_eq!(s.finding_history(f.id).await.unwrap().len(), 3);
}

async fn periodic_jobs_are_queued_once_per_period(db: &TestDb) {
    let s = &db.store;
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let hour = SignedDuration::from_hours(1);
    let sources = vec![
        Periodic::feed_sync("kev", hour),
        Periodic::feed_sync("osv-pypi", hour * 6),
    ];
    // New schedules are due at once; several schedulers at the same moment
    // (replicas) queue each job once.
    let (a, b, c) = tokio::join!(
        s.schedule_jobs(&sources, t0),
        s.schedule_jobs(&sources, t0),
        s.schedule_jobs(&sources, t0),
    );
    let queued: Vec<JobId> = [a.unwrap(), b.unwrap(), c.unwrap()].concat();
    assert_eq!(queued.len(), 2, "{queued:?}");
    let mut payloads = Vec::new();
    while let Some(job) = s.claim_job("w", t0, hour).await.unwrap() {
        assert_eq!(job.kind, FEED_SYNC_JOB);
        payloads.push(job.payload.clone());
        s.finish_job(job.id, "w").await.unwrap();
    }
    payloads.sort();
    assert_eq!(
        payloads,
        [r#"{"source":"kev"}"#, r#"{"source":"osv-pypi"}"#]
    );
    // Not due again before its period; then only the one whose period passed.
    let later = t0 + SignedDuration::from_mins(59);
    assert!(s.schedule_jobs(&sources, later).await.unwrap().is_empty());
    // Due again: still queued once by concurrent schedulers.
    let (a, b, c) = tokio::join!(
        s.schedule_jobs(&sources, t0 + hour),
        s.schedule_jobs(&sources, t0 + hour),
        s.schedule_jobs(&sources, t0 + hour),
    );
    assert_eq!(a.unwrap().len() + b.unwrap().len() + c.unwrap().len(), 1);
    // A success keeps validators and fingerprint; a failure keeps them too.
    s.record_feed_sync(&FeedSyncResult {
        name: "kev".into(),
        checked_at: t0,
        outcome: SyncOutcome::Imported,
        message: "1,484 records".into(),
        etag: Some("\"abc\"".into()),
        last_modified: Some("Tue, 25 Nov 2026 10:00:00 GMT".into()),
        fingerprint: Some("f1".into()),
    })
    .await
    .unwrap();
    s.record_feed_sync(&FeedSyncResult {
        name: "kev".into(),
        checked_at: t0 + hour,
        outcome: SyncOutcome::Failed,
        message: "connect: refused".into(),
        etag: None,
        last_modified: None,
        fingerprint: None,
    })
    .await
    .unwrap();
    let kev = s.feed_source("kev").await.unwrap().unwrap();
    assert_eq!(kev.etag.as_deref(), Some("\"abc\""));
    assert_eq!(kev.fingerprint.as_deref(), Some("f1"));
    assert_eq!(kev.changed_at, Some(t0));
    assert_eq!(kev.checked_at, Some(t0 + hour));
    assert_eq!(kev.outcome, Some(SyncOutcome::Failed));
    assert_eq!(kev.message.as_deref(), Some("connect: refused"));
    // A source synced on demand before it was ever scheduled is recorded.
    s.sync_feed_now(&Actor::System, "local").await.unwrap();
    s.record_feed_sync(&FeedSyncResult {
        name: "local".into(),
        checked_at: t0,
        outcome: SyncOutcome::Unchanged,
        message: "not modified".into(),
        etag: None,
        last_modified: None,
        fingerprint: Some("f2".into()),
    })
    .await
    .unwrap();
    assert_eq!(
        s.feed_sources()
            .await
            .unwrap()
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["kev", "local"]
    );
    assert_eq!(
        s.schedules().await.unwrap(),
        [
            ("feed-sync:kev".to_owned(), t0 + hour * 2),
            ("feed-sync:osv-pypi".to_owned(), t0 + hour * 6)
        ]
    );
    assert!(s.feed_source("absent").await.unwrap().is_none());
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn indicator(kind: &str, value: &str, first: i64, last: i64) -> IncidentIndicator {
    IncidentIndicator {
        kind: kind.to_owned(),
        value: value.to_owned(),
        first_seen: Some(at(first)),
        last_seen: Some(at(last)),
    }
}

fn report(org: OrgId, title: &str, indicators: Vec<IncidentIndicator>) -> NewIncident {
    NewIncident {
        org,
        reporter_user: None,
        title: title.to_owned(),
        description: "phishing wave".to_owned(),
        status: IncidentStatus::Suspected,
        tlp: Tlp::Amber,
        detected_at: Some(at(1_790_000_000)),
        started_at: None,
        contained_at: None,
        service_impact: ServiceImpact::Degraded,
        continuity_impact: None,
        handling: Some("do not contact the sender".to_owned()),
        assets: Vec::new(),
        vulnerabilities: vec!["CVE-2024-3400".to_owned()],
        indicators,
        recipients: Vec::new(),
        stix: None,
    }
}

async fn incidents_keep_indicators_timeline_and_revisions(db: &TestDb) {
    let s = &db.store;
    let (mine, asset) = setup_asset(db).await;
    let other = s
        .create_organization(&ADMIN, &org("Gas West", OrgKind::Operator, &["gas"]))
        .await
        .unwrap();
    let foreign = s
        .create_asset(&ADMIN, &software(other, "meters"))
        .await
        .unwrap();

    // Another organisation's asset: refused, nothing written.
    let before = s.audit_entries(0, 10_000).await.unwrap().len();
    let mut bad = report(mine, "bad", vec![indicator("ipv4", "198.51.100.7", 10, 20)]);
    bad.assets = vec![foreign];
    assert!(matches!(
        s.create_incident(&ADMIN, &bad).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(s.audit_entries(0, 10_000).await.unwrap().len(), before);
    assert!(s.incidents(None, 100).await.unwrap().is_empty());

    let mut first = report(
        mine,
        "C2 beacons",
        vec![
            indicator("ipv4", "198.51.100.7", 100, 200),
            indicator("domain", "evil.example", 150, 150),
        ],
    );
    first.assets = vec![asset];
    let a = s.create_incident(&ADMIN, &first).await.unwrap();
    let b = s
        .create_incident(
            &ADMIN,
            &report(
                other,
                "Same C2",
                vec![indicator("ipv4", "198.51.100.7", 50, 60)],
            ),
        )
        .await
        .unwrap();
    let got = s.incident(a).await.unwrap().unwrap();
    assert_eq!(got.head.title, "C2 beacons");
    assert_eq!(got.head.tlp, Tlp::Amber);
    assert_eq!(got.head.status, IncidentStatus::Suspected);
    assert_eq!(got.assets, vec![asset]);
    assert_eq!(got.vulnerabilities, vec!["CVE-2024-3400".to_owned()]);
    assert_eq!(
        got.indicators
            .iter()
            .map(|i| (i.kind.as_str(), i.value.as_str()))
            .collect::<Vec<_>>(),
        [("domain", "evil.example"), ("ipv4", "198.51.100.7")]
    );

    // Every report at start, then only what changed.
    let all = s.indicator_changes(0).await.unwrap();
    assert_eq!(
        all.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [a, b]
    );
    assert_eq!(all.incidents[0].indicators.len(), 2);
    assert!(
        s.indicator_changes(all.latest)
            .await
            .unwrap()
            .incidents
            .is_empty()
    );

    // An update widens an indicator's sightings and adds one; the revision
    // moves, and a follower sees only this report, whole.
    s.update_incident(
        &ADMIN,
        a,
        &IncidentUpdate {
            status: Some(IncidentStatus::Contained),
            contained_at: Some(at(300)),
            add_indicators: vec![
                indicator("ipv4", "198.51.100.7", 90, 400),
                indicator("url", "http://evil.example/x", 300, 300),
            ],
            note: "isolated the mail gateway".to_owned(),
            ..IncidentUpdate::default()
        },
    )
    .await
    .unwrap();
    let changed = s.indicator_changes(all.latest).await.unwrap();
    assert!(changed.latest > all.latest);
    assert_eq!(changed.incidents.len(), 1);
    assert_eq!(changed.incidents[0].id, a);
    assert_eq!(changed.incidents[0].indicators.len(), 3);
    let got = s.incident(a).await.unwrap().unwrap();
    assert_eq!(got.head.status, IncidentStatus::Contained);
    assert_eq!(got.head.contained_at, Some(at(300)));
    let ip = got.indicators.iter().find(|i| i.kind == "ipv4").unwrap();
    assert_eq!((ip.first_seen, ip.last_seen), (Some(at(90)), Some(at(400))));

    // A hop annotates; an attachment is kept with its digest.
    let nco = s.nco_organization(&ADMIN).await.unwrap();
    s.annotate_incident(&ADMIN, a, nco, false, "seen in two sectors")
        .await
        .unwrap();
    let file = s
        .add_attachment(
            &ADMIN,
            a,
            mine,
            &NewAttachment {
                name: "headers.txt".into(),
                media_type: "text/plain".into(),
                body: b"Received: from evil.example".to_vec(),
            },
        )
        .await
        .unwrap();
    let (meta, body) = s.attachment(a, file).await.unwrap().unwrap();
    assert_eq!(body, b"Received: from evil.example");
    assert_eq!(meta.size, 27);
    assert_eq!(meta.digest, hex(&sha256(b"Received: from evil.example")));
    assert!(s.attachment(b, file).await.unwrap().is_none());
    let timeline = s.incident_timeline(a).await.unwrap();
    assert_eq!(
        timeline
            .iter()
            .map(|e| (e.kind, e.to_reporter))
            .collect::<Vec<_>>(),
        [
            (TimelineKind::Filed, true),
            (TimelineKind::Update, true),
            (TimelineKind::Annotation, false),
            (TimelineKind::Attachment, true),
        ]
    );
    assert_eq!(timeline[1].status, Some(IncidentStatus::Contained));
    assert_eq!(timeline[2].org, nco);

    // Listings by organisation; missing reports.
    let mine = s.incidents(Some(&[mine]), 100).await.unwrap();
    assert_eq!(mine.iter().map(|h| h.id).collect::<Vec<_>>(), [a]);
    assert_eq!(s.incidents(None, 100).await.unwrap().len(), 2);
    assert!(s.incident(IncidentId(9_999)).await.unwrap().is_none());
    assert!(matches!(
        s.update_incident(&ADMIN, IncidentId(9_999), &IncidentUpdate::default())
            .await,
        Err(Error::NotFound(_))
    ));
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

async fn alerts_reach_exposed_organisations_now_and_later(db: &TestDb) {
    let s = &db.store;
    let (exposed_org, asset) = setup_asset(db).await;
    s.replace_inventory(
        &ADMIN,
        &inventory(asset, "one"),
        &[seen("CVE-2024-3400", "pkg:generic/panos@10.2.0")],
    )
    .await
    .unwrap();
    let later = s
        .create_organization(&ADMIN, &org("Rail West", OrgKind::Operator, &["railways"]))
        .await
        .unwrap();
    let later_asset = s
        .create_asset(&ADMIN, &software(later, "signals"))
        .await
        .unwrap();
    let outside = s
        .create_organization(&ADMIN, &org("Gas North", OrgKind::Operator, &["gas"]))
        .await
        .unwrap();
    let outside_asset = s
        .create_asset(&ADMIN, &software(outside, "meters"))
        .await
        .unwrap();
    let named = s
        .create_organization(&ADMIN, &org("Water", OrgKind::Operator, &["water"]))
        .await
        .unwrap();
    let nco = s.nco_organization(&ADMIN).await.unwrap();

    let new = NewAlert {
        issuer_org: nco,
        issuer_user: None,
        title_ja: Some("PAN-OS の脆弱性".into()),
        body_ja: Some("直ちに更新してください".into()),
        title_en: Some("PAN-OS vulnerability".into()),
        body_en: Some("Update now".into()),
        tlp: Tlp::Amber,
        severity: Some(AlertSeverity::Critical),
        deadline: Some(at(1_900_000_000)),
        actions: vec!["apply the hotfix".into()],
        targets: r#"{"exposed_to":["CVE-2024-3400"]}"#.into(),
        vulnerabilities: vec!["CVE-2024-3400".into()],
        indicators: vec![("ipv4".into(), "198.51.100.7".into())],
        exposed_to: vec!["CVE-2024-3400".into(), "GHSA-xxxx-yyyy-zzzz".into()],
        recipients: vec![(named, RecipientReason::Organization)],
        named_users: Vec::new(),
        source_incident: None,
        source_sector: Some("railways".into()),
        relay_of: None,
        // Railways only: Gas North's later exposure does not reach it.
        exposed_within: Some(vec![exposed_org, later]),
    };
    let id = s.create_alert(&ADMIN, &new).await.unwrap();
    let orgs = |r: Vec<AlertRecipient>| {
        r.into_iter()
            .map(|r| (r.org, r.reason, r.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        orgs(s.alert_recipients(id).await.unwrap()),
        [
            (exposed_org, RecipientReason::Exposed, AckStatus::Received),
            (named, RecipientReason::Organization, AckStatus::Received),
        ]
    );
    let got = s.alert(id).await.unwrap().unwrap();
    assert_eq!(got.title_ja.as_deref(), Some("PAN-OS の脆弱性"));
    assert_eq!(got.actions, ["apply the hotfix"]);
    assert_eq!(
        got.indicators,
        [("ipv4".to_owned(), "198.51.100.7".to_owned())]
    );
    assert_eq!(got.exposed_to.len(), 2);

    // New exposures join in the write that opens their findings: inside
    // the scope (by an alias, too), not outside it.
    s.replace_inventory(
        &ADMIN,
        &inventory(later_asset, "two"),
        &[seen("GHSA-xxxx-yyyy-zzzz", "pkg:npm/x@1")],
    )
    .await
    .unwrap();
    s.replace_inventory(
        &ADMIN,
        &inventory(outside_asset, "three"),
        &[seen("CVE-2024-3400", "pkg:generic/panos@10.2.0")],
    )
    .await
    .unwrap();
    assert_eq!(
        orgs(s.alert_recipients(id).await.unwrap()),
        [
            (exposed_org, RecipientReason::Exposed, AckStatus::Received),
            (later, RecipientReason::Exposed, AckStatus::Received),
            (named, RecipientReason::Organization, AckStatus::Received),
        ]
    );

    // Acknowledgements move forward, taking the steps before.
    let r = s
        .acknowledge_alert(
            &Actor::User(UserId(7)),
            id,
            exposed_org,
            AckStatus::Acting,
            Some("patch window tonight"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, AckStatus::Acting);
    assert_eq!(r.read.as_ref().unwrap().1, "user:7");
    assert_eq!(r.acting.as_ref().unwrap().1, "user:7");
    assert!(r.done.is_none());
    assert_eq!(r.note.as_deref(), Some("patch window tonight"));
    assert!(matches!(
        s.acknowledge_alert(&ADMIN, id, exposed_org, AckStatus::Read, None)
            .await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        s.acknowledge_alert(&ADMIN, id, outside, AckStatus::Read, None)
            .await,
        Err(Error::NotFound(_))
    ));
    // Reading again records nothing.
    let audit = s.audit_entries(0, 10_000).await.unwrap().len();
    s.acknowledge_alert(&ADMIN, id, named, AckStatus::Read, None)
        .await
        .unwrap();
    s.acknowledge_alert(&ADMIN, id, named, AckStatus::Read, None)
        .await
        .unwrap();
    assert_eq!(s.audit_entries(0, 10_000).await.unwrap().len(), audit + 1);

    // Reminders go to those not yet acting.
    assert_eq!(s.remind_alert(&ADMIN, id).await.unwrap(), 2);
    let inbox = s.alert_inbox(later, 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].1.reminders, 1);
    assert!(s.alert_inbox(outside, 10).await.unwrap().is_empty());
    assert_eq!(s.alerts_issued(nco, 10).await.unwrap().len(), 1);
    assert!(s.public_alerts(10).await.unwrap().is_empty());
}
