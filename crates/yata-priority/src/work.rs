//! Work-list order: deadline (sooner first, none last), then decision urgency
//! (most urgent first), then EPSS score (higher first, none last), then CVSS
//! score (higher first, none last), then id (ascending). A total order: NaN
//! scores count as missing and −0 as 0, so `Eq` and `Ord` agree.

use std::cmp::Ordering;

use crate::tables::Decisions;

/// What the work list sorts a finding by.
#[derive(Debug, Clone)]
pub struct WorkKey {
    pub deadline_days: Option<u32>,
    pub decisions: Decisions,
    /// EPSS probability score.
    pub epss: Option<f64>,
    /// CVSS base score.
    pub cvss: Option<f64>,
    /// The finding's vulnerability id.
    pub id: String,
}

/// Orders two work-list entries; see the module documentation.
pub fn cmp_work(a: &WorkKey, b: &WorkKey) -> Ordering {
    none_last(a.deadline_days, b.deadline_days, |x, y| x.cmp(&y))
        .then_with(|| b.decisions.urgency().cmp(&a.decisions.urgency()))
        .then_with(|| none_last(score(a.epss), score(b.epss), |x, y| y.total_cmp(&x)))
        .then_with(|| none_last(score(a.cvss), score(b.cvss), |x, y| y.total_cmp(&x)))
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.decisions.forensics.cmp(&b.decisions.forensics))
}

/// A comparable score: NaN is missing, −0 is 0.
fn score(x: Option<f64>) -> Option<f64> {
    x.filter(|x| !x.is_nan()).map(|x| x + 0.0)
}

fn none_last<T>(a: Option<T>, b: Option<T>, cmp: impl Fn(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => cmp(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

impl PartialEq for WorkKey {
    fn eq(&self, other: &WorkKey) -> bool {
        cmp_work(self, other) == Ordering::Equal
    }
}

impl Eq for WorkKey {}

impl PartialOrd for WorkKey {
    fn partial_cmp(&self, other: &WorkKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WorkKey {
    fn cmp(&self, other: &WorkKey) -> Ordering {
        cmp_work(self, other)
    }
}
