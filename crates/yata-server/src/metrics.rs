//! Request counters and latency histograms in the Prometheus text format
//! (`/metrics`). Labels are the route template, never the raw path, so the
//! series stay few.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String), Series>>,
}

#[derive(Debug, Default)]
struct Series {
    /// Responses by status code.
    statuses: BTreeMap<u16, u64>,
    /// Cumulative per bucket, as Prometheus wants them.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        *s.statuses.entry(status).or_default() += 1;
        let secs = elapsed.as_secs_f64();
        for (b, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *b += 1;
            }
        }
        s.count += 1;
        s.sum += secs;
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(map) = self.series.lock() else {
            return out;
        };
        out.push_str("# HELP yata_http_requests_total HTTP responses by route and status.\n");
        out.push_str("# TYPE yata_http_requests_total counter\n");
        for ((method, route), s) in map.iter() {
            for (status, n) in &s.statuses {
                let _ = writeln!(
                    out,
                    "yata_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP yata_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE yata_http_request_duration_seconds histogram\n");
        for ((method, route), s) in map.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (n, bound) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "yata_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "yata_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "yata_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "yata_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.record("GET", "/healthz", 200, Duration::from_micros(500));
        m.record("GET", "/healthz", 200, Duration::from_millis(30));
        m.record("GET", "/healthz", 503, Duration::from_secs(20));
        let text = m.render();
        assert!(text.contains(
            "yata_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(
            text.contains("route=\"/healthz\",le=\"0.001\"} 1"),
            "{text}"
        );
        assert!(text.contains("route=\"/healthz\",le=\"0.05\"} 2"), "{text}");
        assert!(text.contains("route=\"/healthz\",le=\"+Inf\"} 3"), "{text}");
    }
}
