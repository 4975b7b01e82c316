//! What every request shares: the store, the advisory knowledge with its
//! match index, the deadline policy, limits and counters.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use yata_knowledge::AdvisoryDb;
use yata_match::MatchIndex;
use yata_priority::Policy;
use yata_store::{OrgId, Organization, Store};

use crate::auth::LoginLimiter;
use crate::metrics::Metrics;

/// Limits and switches of one server.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Largest JSON request body.
    pub max_json_body: usize,
    /// Largest inventory document or feed upload.
    pub max_upload: usize,
    /// Inventory parser limits (size, depth, components).
    pub inventory_limits: yata_inventory::Limits,
    /// Requests running longer are answered 408 (uploads get ten times as long).
    pub request_timeout: std::time::Duration,
    /// Served over TLS: adds Strict-Transport-Security and `Secure` cookies.
    pub tls: bool,
    /// Keys a signed feed bundle may be signed with; none: bundles refused.
    pub trusted_keys: Vec<yata_feeds::bundle::VerifyingKey>,
    /// How long a replica holds a job before another may take it over.
    pub job_lease: jiff::SignedDuration,
    /// The scheduled feed sources and the offline switch.
    pub feeds: crate::config::FeedsConfig,
    /// E-mail notifications: the SMTP server and sender (`[smtp]` of the
    /// configuration file). `None`: e-mail is off (no subscriptions can be
    /// made, events make no e-mail deliveries).
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// How long the nation and sector views are served from one
    /// computation before it is refreshed (see `api::views`); zero:
    /// computed for every request.
    pub view_cache: std::time::Duration,
    /// What links incident reports: the known-benign list and the
    /// common-value limit (`[incidents]` of the configuration file).
    pub correlation: yata_correlate::Config,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_json_body: 1 << 20,
            max_upload: 512 << 20,
            inventory_limits: yata_inventory::Limits::default(),
            request_timeout: std::time::Duration::from_secs(30),
            tls: false,
            trusted_keys: Vec::new(),
            job_lease: jiff::SignedDuration::from_mins(30),
            feeds: crate::config::FeedsConfig::default(),
            smtp: None,
            view_cache: std::time::Duration::from_secs(10),
            correlation: yata_correlate::Config::default(),
        }
    }
}

/// The advisories the server matches against, and their index.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub db: AdvisoryDb,
    pub index: MatchIndex,
    /// SHA-256 of the stored snapshot this came from; `None`: no feeds yet.
    pub digest: Option<String>,
}

impl Knowledge {
    pub fn new(db: AdvisoryDb, digest: Option<String>) -> Knowledge {
        let index = MatchIndex::build(&db);
        Knowledge { db, index, digest }
    }
}

/// What every asset has installed, for re-evaluating only the assets a
/// feed change can touch: software assets' packages in a
/// [`yata_match::Population`], product assets by id (their products are
/// few and matched by name and CPE, so every product asset is looked at
/// again on any change).
#[derive(Debug, Default)]
pub struct Installed {
    pub packages: yata_match::Population,
    pub products: std::collections::BTreeSet<yata_store::AssetId>,
}

/// The shared state handed to every handler (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Box<dyn Store>,
    knowledge: RwLock<Arc<Knowledge>>,
    policy: Policy,
    config: ServiceConfig,
    metrics: Metrics,
    login_limiter: LoginLimiter,
    ready: AtomicBool,
    /// One feed import or re-evaluation at a time.
    evaluation: tokio::sync::Mutex<()>,
    /// Organisations by id. Sound because the store has no operation that
    /// changes an organisation once created; one that does must clear it
    /// (and tell the other replicas).
    organizations: RwLock<std::collections::HashMap<OrgId, Organization>>,
    installed: tokio::sync::RwLock<Installed>,
    /// The nation and sector views, computed at most once per
    /// `view_cache`.
    rollups: crate::api::views::Rollups,
    exposures: crate::api::views::ExposureCache,
    /// The incident indicators' correlation index, caught up with the
    /// store by revision.
    correlation: crate::correlation::Correlation,
}

impl AppState {
    pub fn new(store: Box<dyn Store>, policy: Policy, config: ServiceConfig) -> AppState {
        AppState(Arc::new(Inner {
            store,
            knowledge: RwLock::new(Arc::new(Knowledge::default())),
            policy,
            metrics: Metrics::default(),
            login_limiter: LoginLimiter::default(),
            ready: AtomicBool::new(false),
            evaluation: tokio::sync::Mutex::new(()),
            organizations: RwLock::new(Default::default()),
            installed: tokio::sync::RwLock::new(Installed::default()),
            rollups: Default::default(),
            exposures: Default::default(),
            correlation: crate::correlation::Correlation::new(config.correlation.clone()),
            config,
        }))
    }

    pub fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }

    /// The current knowledge; a feed import swaps it whole, so a request
    /// works on one consistent version from start to end.
    pub fn knowledge(&self) -> Arc<Knowledge> {
        match self.0.knowledge.read() {
            Ok(k) => Arc::clone(&k),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn set_knowledge(&self, k: Knowledge) {
        let k = Arc::new(k);
        match self.0.knowledge.write() {
            Ok(mut slot) => *slot = k,
            Err(poisoned) => *poisoned.into_inner() = k,
        }
    }

    /// The organisation `id` (cached: every authenticated request needs
    /// its caller's).
    pub async fn organization(&self, id: OrgId) -> Result<Option<Organization>, yata_store::Error> {
        if let Some(o) = self
            .0
            .organizations
            .read()
            .ok()
            .and_then(|m| m.get(&id).cloned())
        {
            return Ok(Some(o));
        }
        let found = self.store().organization(id).await?;
        if let (Some(o), Ok(mut m)) = (&found, self.0.organizations.write()) {
            m.insert(id, o.clone());
        }
        Ok(found)
    }

    /// The organisations `ids` that exist, by id: from the cache, and if
    /// any is missing from it, every organisation read in one query (no
    /// lookup per organisation).
    pub async fn organizations(
        &self,
        ids: &[OrgId],
    ) -> Result<std::collections::HashMap<OrgId, Organization>, yata_store::Error> {
        let cached = |m: &std::collections::HashMap<OrgId, Organization>| {
            ids.iter()
                .filter_map(|id| m.get(id).map(|o| (*id, o.clone())))
                .collect::<std::collections::HashMap<_, _>>()
        };
        if let Ok(m) = self.0.organizations.read() {
            let found = cached(&m);
            if found.len() == ids.len() {
                return Ok(found);
            }
        }
        let all = self.store().organizations().await?;
        let mut m = match self.0.organizations.write() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        m.extend(all.into_iter().map(|o| (o.id, o)));
        Ok(cached(&m))
    }

    pub(crate) fn rollups(&self) -> &crate::api::views::Rollups {
        &self.0.rollups
    }

    pub(crate) fn correlation(&self) -> &crate::correlation::Correlation {
        &self.0.correlation
    }

    pub(crate) fn exposures(&self) -> &crate::api::views::ExposureCache {
        &self.0.exposures
    }

    /// What the assets have installed (kept current by uploads).
    pub fn installed(&self) -> &tokio::sync::RwLock<Installed> {
        &self.0.installed
    }

    pub fn policy(&self) -> &Policy {
        &self.0.policy
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.0.config
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub fn login_limiter(&self) -> &LoginLimiter {
        &self.0.login_limiter
    }

    /// Knowledge loaded and migrations applied: `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.0.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self) {
        self.0.ready.store(true, Ordering::Release);
    }

    /// Held while feeds are imported or findings re-evaluated.
    pub fn evaluation_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.0.evaluation
    }
}
