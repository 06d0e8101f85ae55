//! What `GET /metrics` reports, in Prometheus' text format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's pattern (`/v1/document-digitization`), never the raw path.
    pub route: String,
    pub status: u16,
}

/// Every metric the server keeps; `registry` owns their descriptions.
#[derive(Debug)]
pub struct Metrics {
    pub registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub pages: Counter,
    pub conversion_seconds: Histogram,
    pub queue_depth: Gauge,
    pub workers_live: Gauge,
    pub worker_restarts: Counter,
    pub claims: Counter,
    pub reclaims: Counter,
    pub leases_lost: Counter,
    pub stale_completions: Counter,
    pub store_up: Gauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("parasol");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route and status", requests.clone());
        let pages = Counter::default();
        registry.register("pages_converted", "Pages converted", pages.clone());
        let buckets = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0];
        let conversion_seconds = Histogram::new(buckets);
        registry.register(
            "conversion_seconds",
            "Wall-clock seconds of one conversion on a worker",
            conversion_seconds.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "queue_depth",
            "Jobs submitted or started, plus synchronous requests waiting for a worker",
            queue_depth.clone(),
        );
        let workers_live = Gauge::default();
        registry.register("workers_live", "Worker processes started and ready", workers_live.clone());
        let worker_restarts = Counter::default();
        registry.register(
            "worker_restarts",
            "Worker processes replaced after a crash, a timeout or a cancellation that did not stop",
            worker_restarts.clone(),
        );
        let claims = Counter::default();
        registry.register("job_claims", "Jobs this server took from the store", claims.clone());
        let reclaims = Counter::default();
        registry.register(
            "job_reclaims",
            "Claims of a job whose last lease had run out (its server died or stalled)",
            reclaims.clone(),
        );
        let leases_lost = Counter::default();
        registry.register(
            "job_leases_lost",
            "Jobs this server stopped converting because another took them after their lease ran out",
            leases_lost.clone(),
        );
        let stale_completions = Counter::default();
        registry.register(
            "stale_completions",
            "Batch completions the store refused: the lease was gone or the batch completed already",
            stale_completions.clone(),
        );
        let store_up = Gauge::default();
        registry.register(
            "store_up",
            "1 when the job store answered the last check, else 0",
            store_up.clone(),
        );
        Metrics {
            registry,
            requests,
            pages,
            conversion_seconds,
            queue_depth,
            workers_live,
            worker_restarts,
            claims,
            reclaims,
            leases_lost,
            stale_completions,
            store_up,
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}
