//! `yata serve --demo`: a demonstration nation generated into an empty
//! store, so that the platform shows meaningful work lists, rollups,
//! campaigns and alerts with no network access.
//!
//! * [`advisories`]: a built-in set of well-known real vulnerabilities
//!   (ids, ranges, CVSS, KEV, a few EPSS scores), imported as the first
//!   feed snapshot through the same path as an upload to
//!   `POST /api/v1/feeds`.
//! * [`nation`]: the organisations (the NCO, the five sector ministries
//!   covering the 15 sectors, operators, government bodies, vendors), the
//!   software and appliance templates.
//! * [`generate`]: everything written through the [`yata_store::Store`]
//!   API, findings computed by the server's own evaluation
//!   ([`crate::evaluate::observations`]): users for every role of every
//!   organisation (one shared password, hashed once), assets with
//!   CycloneDX inventories and appliances, some findings moved on
//!   (triage, mitigated, risk accepted, not affected; fixed by a second,
//!   patched inventory), incident reports of one campaign across sectors,
//!   alerts with acknowledgements.
//!
//! Deterministic: the same seed gives the same nation (the password
//! apart, which is random). Some assets are dated back when their
//! findings are computed (their deadlines count from weeks ago, so some
//! are overdue); the store records their first sighting as the day of
//! generation, and a later re-evaluation (a feed import) counts their
//! deadlines from that day.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use sha2::Digest;
use yata_store::{
    AckStatus, Actor, AlertSeverity, Asset, AssetId, AssetKind, Criticality, FindingFilter,
    FindingState, IncidentIndicator, IncidentStatus, Membership, NewAlert, NewAsset, NewIncident,
    NewInventory, NewOrganization, NewUser, OrgId, OrgKind, RecipientReason, Role, ServiceImpact,
    Tlp, Transition, UserId,
};

use crate::error::AppError;
use crate::state::AppState;
use crate::{auth, evaluate};

pub mod advisories;
pub mod nation;

use nation::{Appliance, OrgSpec, Software};

/// The generator's seed: one nation, the same on every machine.
pub const SEED: u64 = 0x5941_5441_2026; // "YATA" 2026

/// A small xorshift64* generator: deterministic, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a database holds, as far as the demo is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// No organisations and no feeds: the demo may be generated.
    Empty,
    /// A demo nation generated before: serve it as it is.
    Demo,
    /// Anything else: the demo refuses it.
    Other,
}

/// Whether the store is empty, a demo, or something else.
pub async fn inspect(state: &AppState) -> Result<Existing, AppError> {
    let orgs = state.store().organizations().await?;
    if orgs
        .iter()
        .any(|o| o.kind == OrgKind::Nco && o.name == nation::NCO.name())
    {
        return Ok(Existing::Demo);
    }
    if orgs.is_empty() && state.store().latest_feed_snapshot().await?.is_none() {
        return Ok(Existing::Empty);
    }
    Ok(Existing::Other)
}

/// One login to print.
#[derive(Debug, Clone)]
pub struct Login {
    pub organization: String,
    pub role: Role,
    pub email: String,
}

/// What [`generate`] made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The one password of every demo user.
    pub password: String,
    pub organizations: usize,
    pub users: usize,
    pub assets: usize,
    pub findings: usize,
    pub incidents: usize,
    pub alerts: usize,
}

/// The logins worth printing: every role of the NCO, one ministry, one
/// operator and one vendor.
pub fn logins() -> Vec<Login> {
    let representative = [
        nation::NCO,
        nation::MINISTRIES[3],
        operator("toto-electric"),
        nation::VENDORS[0],
    ];
    representative
        .iter()
        .flat_map(|o| {
            Role::ALL.iter().map(|&role| Login {
                organization: o.name(),
                role,
                email: o.email(role),
            })
        })
        .collect()
}

fn operator(slug: &str) -> OrgSpec {
    *nation::OPERATORS
        .iter()
        .find(|o| o.slug == slug)
        .unwrap_or(&nation::OPERATORS[0])
}

/// A password of 4 groups of 4 letters and digits (no look-alikes).
fn new_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    let mut s = String::with_capacity(19);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[usize::from(*b) % ALPHABET.len()] as char);
    }
    Ok(s)
}

/// An organisation as generated: its id and people.
#[derive(Debug, Clone)]
struct Made {
    spec: OrgSpec,
    id: OrgId,
    users: BTreeMap<Role, UserId>,
}

impl Made {
    fn actor(&self, role: Role) -> Actor {
        self.users
            .get(&role)
            .map_or(Actor::Cli, |u| Actor::User(*u))
    }
}

/// Generates the demo nation into `state`'s store, which must be empty
/// ([`inspect`]). `progress` hears one line per step.
pub async fn generate(
    state: &AppState,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Generated, AppError> {
    let mut rng = Rng::new(SEED);
    let now = Timestamp::now();

    progress("importing the built-in advisories");
    import_advisories(state).await?;

    progress("creating organisations and users");
    let password = new_password()?;
    let hash = auth::hash_password_limited(password.clone()).await?;
    let specs: Vec<OrgSpec> = std::iter::once(nation::NCO)
        .chain(nation::MINISTRIES.iter().copied())
        .chain(nation::OPERATORS.iter().copied())
        .chain(nation::GOVERNMENT.iter().copied())
        .chain(nation::VENDORS.iter().copied())
        .collect();
    let mut made = Vec::with_capacity(specs.len());
    for spec in specs {
        made.push(make_org(state, spec, &hash).await?);
    }
    let users = made.iter().map(|m| m.users.len()).sum();

    progress("registering assets and computing findings");
    let mut assets = 0;
    for m in &made {
        assets += make_assets(state, m, &mut rng, now).await?;
    }

    progress("recording decisions on findings");
    let findings = move_findings(state, &made, &mut rng, now).await?;

    progress("filing incident reports and issuing alerts");
    let incidents = make_incidents(state, &made, now).await?;
    let alerts = make_alerts(state, &made, now).await?;

    Ok(Generated {
        password,
        organizations: made.len(),
        users,
        assets,
        findings,
        incidents,
        alerts,
    })
}

/// The built-in set as the first feed snapshot, stored and swapped in as
/// an upload's is; its re-evaluation job is run at once (there are no
/// assets yet), so that no later run recounts the demo's deadlines.
async fn import_advisories(state: &AppState) -> Result<(), AppError> {
    crate::api::feeds::store_merged(
        state,
        &Actor::Cli,
        |base| crate::api::feeds::merge_records("built-in demo set", advisories::import(), base),
        false,
    )
    .await?;
    while crate::jobs::run_one(state, "demo").await? {}
    Ok(())
}

async fn make_org(state: &AppState, spec: OrgSpec, hash: &str) -> Result<Made, AppError> {
    let store = state.store();
    let id = store
        .create_organization(
            &Actor::Cli,
            &NewOrganization {
                name: spec.name(),
                kind: spec.kind,
                sectors: spec.sectors.iter().map(|s| (*s).to_owned()).collect(),
            },
        )
        .await?;
    let mut users = BTreeMap::new();
    for &role in Role::ALL {
        let user = store
            .create_user(
                &Actor::Cli,
                &NewUser {
                    name: format!("{} {role}", spec.en),
                    email: spec.email(role),
                    password_hash: Some(hash.to_owned()),
                },
            )
            .await?;
        store
            .set_membership(
                &Actor::Cli,
                &Membership {
                    user,
                    org: id,
                    role,
                },
            )
            .await?;
        users.insert(role, user);
    }
    Ok(Made { spec, id, users })
}

/// How many days ago an organisation's assets were first scanned: some
/// long enough for their urgent findings to be overdue.
fn scanned_days_ago(rng: &mut Rng) -> i64 {
    *rng.pick(&[0, 0, 1, 2, 5, 10, 20, 45])
}

async fn make_assets(
    state: &AppState,
    m: &Made,
    rng: &mut Rng,
    now: Timestamp,
) -> Result<usize, AppError> {
    let admin = m.actor(Role::Admin);
    let days = scanned_days_ago(rng);
    let at = now - SignedDuration::from_hours(24 * days);
    // How well patched the organisation is: the chance that a package or
    // appliance is at a vulnerable version.
    let exposure = *rng.pick(&[15, 35, 60, 85]);
    let mut n = 0;
    match m.spec.kind {
        OrgKind::Operator | OrgKind::Government => {
            let (software, appliances) = story(m.spec.slug, rng);
            for (s, vulnerable) in software {
                let v = vulnerable.unwrap_or_else(|| rng.chance(exposure));
                software_asset(state, m, &admin, &s, v, at).await?;
                n += 1;
            }
            for (a, vulnerable) in appliances {
                // The story's appliances run their model's first version.
                let version = match vulnerable {
                    Some(true) => a.vulnerable[0],
                    Some(false) => a.fixed[0],
                    None if rng.chance(exposure) => *rng.pick(a.vulnerable),
                    None => *rng.pick(a.fixed),
                };
                appliance_asset(state, m, &admin, &a, version, at).await?;
                n += 1;
            }
        }
        OrgKind::Vendor => {
            let v = rng.chance(50);
            software_asset(state, m, &admin, &nation::RUST_AGENT, v, at).await?;
            n += 1;
        }
        OrgKind::Nco | OrgKind::Ministry => {}
    }
    Ok(n)
}

type Plan = (
    Vec<(Software, Option<bool>)>,
    Vec<(Appliance, Option<bool>)>,
);

/// An organisation's software and appliances: fixed ones for the
/// organisations the demo's story is about, drawn for the others
/// (`Some(v)`: vulnerable or not by the story; `None`: by chance).
fn story(slug: &str, rng: &mut Rng) -> Plan {
    match slug {
        // The campaign's first victim: an old FortiGate and Log4Shell.
        "toto-electric" => (
            vec![
                (nation::JAVA_PORTAL, Some(true)),
                (nation::GO_GATEWAY, Some(true)),
            ],
            vec![(nation::FORTIGATE, Some(true))],
        ),
        "bank-of-toto" => (
            vec![
                (nation::JAVA_PORTAL, Some(false)),
                (nation::PYTHON_BACKOFFICE, Some(true)),
            ],
            vec![
                (nation::FORTIGATE, Some(true)),
                (nation::APPLIANCES[5], Some(false)),
            ],
        ),
        "toto-port" => (
            vec![(nation::STRUTS_LEGACY, Some(true))],
            vec![(nation::FORTIGATE, Some(true))],
        ),
        "toto-railway" => (
            vec![(nation::DEBIAN_HOST, Some(true))],
            vec![(nation::APPLIANCES[2], Some(true))],
        ),
        _ => {
            let mut software = Vec::new();
            let k = 2 + rng.below(2);
            let mut pool: Vec<Software> = nation::SOFTWARE.to_vec();
            for _ in 0..k {
                let s = pool.remove(rng.below(pool.len()));
                software.push((s, None));
            }
            let mut appliances = vec![(*rng.pick(nation::APPLIANCES), None)];
            if rng.chance(40) {
                appliances.push((*rng.pick(nation::APPLIANCES), None));
            }
            appliances.dedup_by(|a, b| a.0.product == b.0.product);
            (software, appliances)
        }
    }
}

/// A CycloneDX 1.6 JSON SBOM of `s` at vulnerable or fixed versions.
pub fn sbom(s: &Software, vulnerable: bool) -> Vec<u8> {
    let mut components = Vec::new();
    let mut push = |purl_base: &str, qualifiers: &str, version: &str| {
        let (base, q) = match purl_base.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (purl_base, qualifiers.to_owned()),
        };
        let name = base.rsplit('/').next().unwrap_or(base);
        let encoded = version.replace('+', "%2B").replace(':', "%3A");
        components.push(serde_json::json!({
            "type": "library",
            "bom-ref": format!("{base}@{version}"),
            "name": name,
            "version": version,
            "purl": format!("{base}@{encoded}{q}"),
        }));
    };
    for p in s.packages {
        push(
            p.purl,
            p.qualifiers,
            if vulnerable { p.vulnerable } else { p.fixed },
        );
    }
    for (purl, version) in s.others {
        push(purl, "", version);
    }
    serde_json::to_vec(&serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": { "component": { "type": "application", "name": s.en } },
        "components": components,
    }))
    .unwrap_or_default()
}

async fn software_asset(
    state: &AppState,
    m: &Made,
    actor: &Actor,
    s: &Software,
    vulnerable: bool,
    at: Timestamp,
) -> Result<AssetId, AppError> {
    let id = state
        .store()
        .create_asset(
            actor,
            &NewAsset {
                org: m.id,
                name: format!("{} ({})", s.ja, s.en),
                kind: AssetKind::Software,
                internet_exposed: s.internet_exposed,
                criticality: s.criticality,
                vendor: None,
                product: None,
                version: None,
                cpe: None,
            },
        )
        .await?;
    let asset = state
        .store()
        .asset(id)
        .await?
        .ok_or_else(|| AppError::internal("demo: the asset just created is missing"))?;
    upload(state, m, actor, &asset, sbom(s, vulnerable), at).await?;
    Ok(id)
}

/// Makes `body` (a CycloneDX JSON SBOM) the asset's inventory with the
/// findings the server's evaluation gives, deadlines counted from `at`.
async fn upload(
    state: &AppState,
    m: &Made,
    actor: &Actor,
    asset: &Asset,
    body: Vec<u8>,
    at: Timestamp,
) -> Result<yata_store::FindingsUpdate, AppError> {
    let format = yata_inventory::Format::CycloneDxJson;
    let inventory = yata_inventory::parse(format, &body, &state.config().inventory_limits)
        .map_err(AppError::internal)?;
    let existing = state
        .store()
        .findings(&FindingFilter {
            org: m.id,
            asset: Some(asset.id),
            state: None,
        })
        .await?;
    let observations = evaluate::observations(
        &state.knowledge(),
        state.policy(),
        &inventory,
        asset,
        m.spec.kind,
        &existing,
        at,
    );
    let (_, update) = state
        .store()
        .replace_inventory(
            actor,
            &NewInventory {
                asset: asset.id,
                format: format.name().to_owned(),
                digest: yata_inventory::digest(&body),
                components: inventory.components.len() as u64,
                encoding: "raw".into(),
                body,
            },
            &observations,
        )
        .await?;
    evaluate::install(&mut *state.installed().write().await, asset, &inventory);
    Ok(update)
}

async fn appliance_asset(
    state: &AppState,
    m: &Made,
    actor: &Actor,
    a: &Appliance,
    version: &str,
    at: Timestamp,
) -> Result<AssetId, AppError> {
    let asset = Asset {
        id: AssetId(0),
        org: m.id,
        name: format!("{} ({} {version})", a.ja, a.en),
        kind: AssetKind::Product,
        internet_exposed: true,
        criticality: Criticality::High,
        vendor: Some(a.vendor.into()),
        product: Some(a.product.into()),
        version: Some(version.into()),
        cpe: None,
        created_at: at,
    };
    let item = crate::api::assets::product_item(
        &state.knowledge(),
        state.policy(),
        m.spec.kind,
        &asset,
        at,
    );
    let ids = state.store().create_assets(actor, &[item]).await?;
    let id = *ids
        .first()
        .ok_or_else(|| AppError::internal("demo: no asset created"))?;
    state.installed().write().await.products.insert(id);
    Ok(id)
}

/// Moves some findings on as analysts would, and patches a few assets
/// (a second inventory at fixed versions: the store marks their findings
/// fixed). Returns how many findings exist in the end.
async fn move_findings(
    state: &AppState,
    made: &[Made],
    rng: &mut Rng,
    now: Timestamp,
) -> Result<usize, AppError> {
    let store = state.store();
    let mut total = 0;
    for m in made {
        let analyst = m.actor(Role::Analyst);
        let findings = store
            .findings(&FindingFilter {
                org: m.id,
                asset: None,
                state: None,
            })
            .await?;
        // The story's FortiGate finding stays open: it is what the alerts
        // and the tests look at.
        let story =
            |f: &yata_store::Finding| m.spec.slug == "toto-electric" && f.subject == "product";
        for f in findings.iter().filter(|f| !story(f)) {
            let (to, justification, note, until) = match rng.below(12) {
                0 | 1 => (
                    FindingState::InTriage,
                    None,
                    "調査中 / under investigation",
                    None,
                ),
                2 => (
                    FindingState::Mitigated,
                    None,
                    "WAF で遮断済み / blocked at the WAF until the upgrade",
                    None,
                ),
                3 => (
                    FindingState::RiskAccepted,
                    None,
                    "更新は次回計画停止時 / upgrade at the next planned outage",
                    Some(now + SignedDuration::from_hours(24 * 30)),
                ),
                4 => (
                    FindingState::NotAffected,
                    Some("vulnerable_code_not_in_execute_path"),
                    "該当機能は未使用 / the affected function is never called",
                    None,
                ),
                _ => continue,
            };
            store
                .transition_finding(
                    &analyst,
                    f.id,
                    &Transition {
                        from: f.state,
                        to,
                        justification: justification.map(str::to_owned),
                        note: note.to_owned(),
                        risk_accepted_until: until,
                    },
                )
                .await?;
        }
        // One patched asset per organisation now and then.
        if rng.chance(30) {
            let assets = store.assets(m.id).await?;
            if let Some(asset) = assets
                .iter()
                .find(|a| a.kind == AssetKind::Software && !a.name.contains("gateway"))
            {
                let template = nation::SOFTWARE
                    .iter()
                    .chain(std::iter::once(&nation::RUST_AGENT))
                    .find(|s| asset.name == format!("{} ({})", s.ja, s.en));
                if let Some(s) = template {
                    upload(state, m, &m.actor(Role::Admin), asset, sbom(s, false), now).await?;
                }
            }
        }
        total += store
            .findings(&FindingFilter {
                org: m.id,
                asset: None,
                state: None,
            })
            .await?
            .len();
    }
    Ok(total)
}

fn by_slug<'a>(made: &'a [Made], slug: &str) -> Result<&'a Made, AppError> {
    made.iter()
        .find(|m| m.spec.slug == slug)
        .ok_or_else(|| AppError::internal(format!("demo: no organisation {slug}")))
}

/// A normalised indicator seen from `first` to `last`.
fn indicator(
    value: &str,
    first: Timestamp,
    last: Timestamp,
) -> Result<IncidentIndicator, AppError> {
    let i = yata_indicator::Indicator::parse(value)
        .map_err(|e| AppError::internal(format!("demo indicator {value}: {e}")))?;
    Ok(IncidentIndicator {
        kind: i.kind().as_str().to_owned(),
        value: i.value().to_owned(),
        first_seen: Some(first),
        last_seen: Some(last),
    })
}

/// The campaign's indicators. Every address and domain is fictional: the
/// addresses are not documentation ranges (which the correlation's benign
/// list ignores) but are made up for the demo, and `.example` domains are
/// reserved.
pub const CAMPAIGN_IP: &str = "45.77.120.15";
pub const CAMPAIGN_IP_2: &str = "45.77.120.16";
pub const CAMPAIGN_DOMAIN: &str = "vpn-update.fortigate-support.example";
/// The SHA-256 of the campaign's (fictional) implant.
pub fn campaign_hash() -> String {
    let digest = sha2::Sha256::digest(b"YATA-Shield demo: fictional implant");
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

struct Report {
    slug: &'static str,
    title: &'static str,
    description: &'static str,
    tlp: Tlp,
    status: IncidentStatus,
    impact: ServiceImpact,
    days_ago: i64,
    indicators: Vec<String>,
    vulnerabilities: &'static [&'static str],
}

async fn make_incidents(
    state: &AppState,
    made: &[Made],
    now: Timestamp,
) -> Result<usize, AppError> {
    let hash = campaign_hash();
    let reports = [
        Report {
            slug: "toto-electric",
            title: "SSL-VPN 装置への不正侵入 / Intrusion through the SSL-VPN appliance",
            description: "FortiGate の SSL-VPN から不審な通信。設定ファイルの持ち出しと不審なバイナリを確認。\nSuspicious connections from the FortiGate SSL-VPN; configuration exfiltrated and an unknown binary found.",
            tlp: Tlp::Amber,
            status: IncidentStatus::Contained,
            impact: ServiceImpact::Degraded,
            days_ago: 9,
            indicators: vec![CAMPAIGN_IP.into(), CAMPAIGN_DOMAIN.into(), hash.clone()],
            vulnerabilities: &["CVE-2022-42475"],
        },
        Report {
            slug: "bank-of-toto",
            title: "VPN 装置からの不審な外部通信 / Suspicious outbound traffic from the VPN gateway",
            description: "VPN 装置から既知の不審ドメインへの名前解決を検知。\nThe VPN gateway resolved a known-bad domain.",
            tlp: Tlp::Green,
            status: IncidentStatus::Confirmed,
            impact: ServiceImpact::None,
            days_ago: 6,
            indicators: vec![CAMPAIGN_IP.into(), CAMPAIGN_DOMAIN.into()],
            vulnerabilities: &["CVE-2022-42475"],
        },
        Report {
            slug: "toto-port",
            title: "ターミナル管理系への侵入の試み / Attempted intrusion into terminal operations",
            description: "SSL-VPN 経由で不審なファイルが設置された。\nA suspicious file was planted through the SSL-VPN.",
            tlp: Tlp::AmberStrict,
            status: IncidentStatus::Suspected,
            impact: ServiceImpact::None,
            days_ago: 3,
            indicators: vec![CAMPAIGN_IP_2.into(), CAMPAIGN_DOMAIN.into(), hash],
            vulnerabilities: &["CVE-2022-42475"],
        },
        Report {
            slug: "toto-hospital",
            title: "請求書を装った標的型メール / Spear-phishing disguised as an invoice",
            description: "職員宛てに請求書を装ったメール。添付ファイルは開封前に隔離。\nInvoice-themed e-mail to staff; the attachment was quarantined before it was opened.",
            tlp: Tlp::Green,
            status: IncidentStatus::Recovered,
            impact: ServiceImpact::None,
            days_ago: 14,
            indicators: vec![
                "billing@toto-invoice.example".into(),
                "hxxps://toto-invoice[.]example/download/invoice.zip".into(),
            ],
            vulnerabilities: &[],
        },
        Report {
            slug: "toto-railway",
            title: "リモートアクセス装置のセッション乗っ取り / Session hijacking on the remote-access gateway",
            description: "NetScaler のセッションが外部から再利用された形跡。\nNetScaler sessions were replayed from outside.",
            tlp: Tlp::Amber,
            status: IncidentStatus::Confirmed,
            impact: ServiceImpact::Degraded,
            days_ago: 2,
            indicators: vec!["45.134.26.77".into()],
            vulnerabilities: &["CVE-2023-4966"],
        },
    ];
    for r in &reports {
        let m = by_slug(made, r.slug)?;
        let started = now - SignedDuration::from_hours(24 * r.days_ago + 6);
        let detected = now - SignedDuration::from_hours(24 * r.days_ago);
        let indicators = r
            .indicators
            .iter()
            .map(|v| indicator(v, started, detected))
            .collect::<Result<Vec<_>, _>>()?;
        state
            .store()
            .create_incident(
                &m.actor(Role::Analyst),
                &NewIncident {
                    org: m.id,
                    reporter_user: m.users.get(&Role::Analyst).copied(),
                    title: r.title.into(),
                    description: r.description.into(),
                    status: r.status,
                    tlp: r.tlp,
                    detected_at: Some(detected),
                    started_at: Some(started),
                    contained_at: (r.status == IncidentStatus::Contained
                        || r.status == IncidentStatus::Recovered)
                        .then_some(detected + SignedDuration::from_hours(20)),
                    service_impact: r.impact,
                    continuity_impact: None,
                    handling: None,
                    assets: Vec::new(),
                    vulnerabilities: r.vulnerabilities.iter().map(|v| (*v).to_owned()).collect(),
                    indicators,
                    recipients: Vec::new(),
                    stix: None,
                },
            )
            .await?;
    }
    Ok(reports.len())
}

/// Every id of the vulnerability `id` in the current knowledge.
fn ids_of(state: &AppState, id: &str) -> Vec<String> {
    let mut ids = vec![id.to_owned()];
    if let Ok(v) = id.parse::<yata_model::VulnId>()
        && let Some(view) = state.knowledge().db.get(&v)
    {
        ids.push(view.id().as_str().to_owned());
        ids.extend(view.aliases().iter().map(|a| a.as_str().to_owned()));
    }
    ids.sort();
    ids.dedup();
    ids
}

#[allow(clippy::too_many_lines)] // Three alerts written out: data, not logic.
async fn make_alerts(state: &AppState, made: &[Made], now: Timestamp) -> Result<usize, AppError> {
    let store = state.store();
    let nco = by_slug(made, nation::NCO.slug)?;
    let meti = by_slug(made, "meti")?;
    let base = |title_ja: &str, title_en: &str, body_ja: &str, body_en: &str, tlp| NewAlert {
        issuer_org: nco.id,
        issuer_user: nco.users.get(&Role::Admin).copied(),
        title_ja: Some(title_ja.into()),
        body_ja: Some(body_ja.into()),
        title_en: Some(title_en.into()),
        body_en: Some(body_en.into()),
        tlp,
        severity: None,
        deadline: None,
        actions: Vec::new(),
        targets: "{}".into(),
        vulnerabilities: Vec::new(),
        indicators: Vec::new(),
        exposed_to: Vec::new(),
        recipients: Vec::new(),
        named_users: Vec::new(),
        source_incident: None,
        source_sector: None,
        relay_of: None,
        exposed_within: None,
    };

    // 1. To everyone.
    let mut all = base(
        "長期休暇に向けたセキュリティ対策のお願い",
        "Security measures before the long holidays",
        "長期休暇中の監視体制、VPN 装置の更新状況、バックアップの確認をお願いします。",
        "Check holiday monitoring, the patch level of VPN appliances and your backups.",
        Tlp::Green,
    );
    all.severity = Some(AlertSeverity::Medium);
    all.targets = serde_json::json!({ "all": true }).to_string();
    all.recipients = made
        .iter()
        .filter(|m| m.id != nco.id)
        .map(|m| (m.id, RecipientReason::All))
        .collect();
    all.actions = vec!["VPN 装置を最新版に更新 / update VPN appliances".into()];
    let all_id = store.create_alert(&nco.actor(Role::Admin), &all).await?;

    // 2. To the energy sectors, from METI, with the campaign's indicators.
    let sectors = vec![
        "electricity".to_owned(),
        "gas".to_owned(),
        "petroleum".to_owned(),
    ];
    let mut energy = base(
        "エネルギー分野の SSL-VPN 装置を狙う攻撃活動",
        "Campaign against SSL-VPN appliances in the energy sectors",
        "複数分野から同一の通信先が報告されています。下記の指標を確認してください。",
        "Several sectors report the same infrastructure. Check for the indicators below.",
        Tlp::Amber,
    );
    energy.issuer_org = meti.id;
    energy.issuer_user = meti.users.get(&Role::Admin).copied();
    energy.severity = Some(AlertSeverity::High);
    energy.targets = serde_json::json!({ "sectors": sectors }).to_string();
    energy.recipients = store
        .organizations_in_sectors(&sectors)
        .await?
        .into_iter()
        .filter(|o| *o != meti.id)
        .map(|o| (o, RecipientReason::Sector))
        .collect();
    energy.indicators = [CAMPAIGN_IP, CAMPAIGN_DOMAIN]
        .iter()
        .map(|v| indicator(v, now, now).map(|i| (i.kind, i.value)))
        .collect::<Result<_, _>>()?;
    energy.indicators.push(("sha256".into(), campaign_hash()));
    energy.vulnerabilities = vec!["CVE-2022-42475".into()];
    let energy_id = store
        .create_alert(&meti.actor(Role::Admin), &energy)
        .await?;

    // 3. To everyone exposed to the FortiOS SSL-VPN vulnerability (KEV).
    let mut exposed = base(
        "【緊急】FortiOS SSL-VPN の脆弱性 (CVE-2022-42475) の悪用",
        "[Urgent] Exploitation of the FortiOS SSL-VPN vulnerability (CVE-2022-42475)",
        "本脆弱性は悪用が確認されています (CISA KEV)。直ちに修正版へ更新し、侵害の有無を調査してください。",
        "Known exploited (CISA KEV). Upgrade now and look for signs of compromise.",
        Tlp::Amber,
    );
    exposed.severity = Some(AlertSeverity::Critical);
    exposed.deadline = Some(now + SignedDuration::from_hours(72));
    exposed.targets = serde_json::json!({ "exposed_to": ["CVE-2022-42475"] }).to_string();
    exposed.vulnerabilities = vec!["CVE-2022-42475".into()];
    exposed.exposed_to = ids_of(state, "CVE-2022-42475");
    exposed.actions = vec![
        "修正版へ更新 / upgrade FortiOS".into(),
        "侵害の痕跡を調査 / look for compromise".into(),
    ];
    let exposed_id = store
        .create_alert(&nco.actor(Role::Admin), &exposed)
        .await?;

    // Acknowledgements: some read, some acting, some done.
    for (alert, steps) in [
        (
            all_id,
            [AckStatus::Read, AckStatus::Acting, AckStatus::Done],
        ),
        (
            energy_id,
            [AckStatus::Read, AckStatus::Acting, AckStatus::Read],
        ),
        (
            exposed_id,
            [AckStatus::Acting, AckStatus::Done, AckStatus::Read],
        ),
    ] {
        let recipients = store.alert_recipients(alert).await?;
        for (r, status) in recipients.iter().zip(steps.iter().cycle()).step_by(2) {
            let Some(m) = made.iter().find(|m| m.id == r.org) else {
                continue;
            };
            store
                .acknowledge_alert(&m.actor(Role::Admin), alert, m.id, *status, None)
                .await?;
        }
    }
    Ok(3)
}
