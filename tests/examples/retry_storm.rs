//! A deterministic fleet simulation: what retries do to a service in trouble.
//!
//! ```text
//! cargo run --release --example retry_storm [-- --clients 1000 --seed 1 --svg PATH]
//! ```
//!
//! N clients (1,000 by default, each its own process with its own `RetryPolicy`,
//! budget and throttles) send requests at 10 per second each, as Poisson arrivals,
//! to one server of fixed capacity (1.25 × their load). Nothing sleeps and nothing
//! touches a socket: a discrete-event loop advances virtual time, and each request
//! goes through a real [`RetryLoop`] — the loop of `retry_blocking`/`retry_async`
//! without the I/O — given the virtual instants.
//!
//! Three incidents of 60 s, after 30 s of normal traffic and followed by 90 s:
//!
//! - **outage**: every attempt fails at once (a 503 from the load balancer);
//! - **overload**: capacity drops to two thirds of the load (a 50 % overload); the
//!   server queues up to 0.5 s of work and rejects the rest with a 503, and each
//!   rejection costs a tenth of a request's work;
//! - **429 storm**: a rate limiter admits half the normal load and answers the rest
//!   with `429` and `Retry-After: 1` (rejections cost the same tenth).
//!
//! For each retry strategy it reports the load amplification (attempts sent ÷
//! requests made) during and after the incident, the goodput during it (requests
//! that succeeded ÷ requests made), the time to recover after capacity returns, and
//! the p99 latency of the successful calls made during the incident and the 30 s
//! after. It prints a Markdown table and writes an SVG chart of the offered load.
//! The same seed gives the same numbers, to the last digit.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use dos_errors::retry::{
    AdaptiveThrottle, Jitter, RetryBudget, RetryDecision, RetryLoop, RetryPolicy, RetryThrottle,
};
use dos_errors::{ApiError, Status};

// ---- Configuration -------------------------------------------------------------------------

/// The fleet, the server and the timeline.
#[derive(Debug, Clone)]
pub struct Config {
    /// Client processes.
    pub clients: u32,
    /// Requests per second per client.
    pub rate_per_client: f64,
    /// Server capacity as a multiple of the normal load.
    pub headroom: f64,
    /// The seed of every random draw: arrivals, jitter, throttles.
    pub seed: u64,
    /// Normal traffic before the incident.
    pub warm_up: Duration,
    /// How long the incident lasts.
    pub incident: Duration,
    /// Normal capacity after the incident.
    pub after: Duration,
    /// Network round trip of every attempt.
    pub round_trip: Duration,
    /// The server rejects an attempt that would wait longer than this in its queue.
    pub max_queue_delay: Duration,
    /// Work of a rejection, as a fraction of the work of a request served.
    pub rejection_cost: f64,
    /// The `Retry-After` of the 429 storm.
    pub storm_retry_after: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clients: 1000,
            rate_per_client: 10.0,
            headroom: 1.25,
            seed: 1,
            warm_up: Duration::from_secs(30),
            incident: Duration::from_secs(60),
            after: Duration::from_secs(90),
            round_trip: Duration::from_millis(10),
            max_queue_delay: Duration::from_millis(500),
            rejection_cost: 0.1,
            storm_retry_after: Duration::from_secs(1),
        }
    }
}

impl Config {
    fn total(&self) -> Duration {
        self.warm_up + self.incident + self.after
    }

    fn incident_start(&self) -> Duration {
        self.warm_up
    }

    fn incident_end(&self) -> Duration {
        self.warm_up + self.incident
    }
}

/// What goes wrong during the incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Every attempt fails at once.
    Outage,
    /// Capacity falls to two thirds of the load.
    Overload,
    /// A rate limiter admits half the load; the rest get 429 with `Retry-After`.
    RateLimitStorm,
}

impl Scenario {
    /// All three, in the order of the report.
    pub const ALL: [Scenario; 3] = [
        Scenario::Outage,
        Scenario::Overload,
        Scenario::RateLimitStorm,
    ];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Outage => "(a) total outage, 60 s",
            Scenario::Overload => "(b) 50 % overload, 60 s",
            Scenario::RateLimitStorm => "(c) 429 storm with Retry-After, 60 s",
        }
    }
}

/// How clients retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `RetryPolicy::never()`.
    NoRetries,
    /// `RetryPolicy::default()`: 3 attempts, 500 ms doubling, full jitter, no budget.
    Naive,
    /// Naive plus the AWS token bucket `RetryBudget::default()` (500, 5, 1).
    TokenBucket,
    /// Naive plus `RetryBudget::ratio(0.2, 1, 10 s)`.
    RatioBudget,
    /// Naive plus gRPC A6's `RetryThrottle::new(10, 0.1)`.
    A6Throttle,
    /// Naive plus Google SRE's `AdaptiveThrottle::new(2.0, 120 s)`.
    Adaptive,
    /// What we recommend: see [`Strategy::policy`].
    Recommended,
}

impl Strategy {
    /// All of them, in the order of the report.
    pub const ALL: [Strategy; 7] = [
        Strategy::NoRetries,
        Strategy::Naive,
        Strategy::TokenBucket,
        Strategy::RatioBudget,
        Strategy::A6Throttle,
        Strategy::Adaptive,
        Strategy::Recommended,
    ];

    /// The name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::NoRetries => "no retries",
            Strategy::Naive => "naive (3 attempts, backoff)",
            Strategy::TokenBucket => "token bucket (500, 5, 1)",
            Strategy::RatioBudget => "ratio budget (0.2, 1/s, 10 s)",
            Strategy::A6Throttle => "A6 throttle (10, 0.1)",
            Strategy::Adaptive => "adaptive (k = 2, 120 s)",
            Strategy::Recommended => "recommended",
        }
    }

    /// The policy of one client; `seed` makes its jitter and draws repeatable.
    pub fn policy(self, seed: u64) -> RetryPolicy {
        let naive = RetryPolicy::default().jitter(Jitter::Full).seed(seed);
        match self {
            Strategy::NoRetries => RetryPolicy::never().seed(seed),
            Strategy::Naive => naive,
            Strategy::TokenBucket => naive.budget(RetryBudget::default()),
            Strategy::RatioBudget => {
                naive.budget(RetryBudget::ratio(0.2, 1, Duration::from_secs(10)))
            }
            Strategy::A6Throttle => naive.throttle(RetryThrottle::new(10, 0.1)),
            Strategy::Adaptive => naive.adaptive(
                AdaptiveThrottle::new(2.0, Duration::from_secs(120)).seed(seed ^ ADAPTIVE_SEED),
            ),
            Strategy::Recommended => recommended(seed),
        }
    }
}

/// The combination we recommend, as one client builds it.
pub fn recommended(seed: u64) -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(50))
        .throttled_base_delay(Duration::from_secs(1))
        .budget(RetryBudget::ratio(0.1, 1, Duration::from_secs(10)))
        .throttle(RetryThrottle::new(10, 0.1))
        .seed(seed)
}

const ADAPTIVE_SEED: u64 = 0xADA9_71BE;

// ---- The server's answers -----------------------------------------------------------------

/// What a failed attempt gets back: the sim's own small [`ApiError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimError {
    /// 503: down, or the queue is full.
    Unavailable,
    /// 429 with a `Retry-After`.
    RateLimited(Duration),
}

impl ApiError for SimError {
    fn status(&self) -> Status {
        match self {
            SimError::Unavailable => Status::SERVICE_UNAVAILABLE,
            SimError::RateLimited(_) => Status::TOO_MANY_REQUESTS,
        }
    }

    fn error_type(&self) -> &str {
        self.status().default_type()
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.status().default_message())
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            SimError::Unavailable => None,
            SimError::RateLimited(delay) => Some(*delay),
        }
    }
}

/// One FIFO server with a bounded queue; time in nanoseconds of virtual time.
struct Server {
    /// When the work accepted so far is done.
    busy_until: u64,
    /// Normal work per request served, in nanoseconds.
    service: f64,
    /// The rate limiter of the storm: tokens and the time they were counted.
    limiter_tokens: f64,
    limiter_at: u64,
}

// ---- Statistics ---------------------------------------------------------------------------

/// Counters per 100 ms of virtual time.
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    /// Requests made by the application.
    requests: u64,
    /// Attempts sent to the server.
    attempts: u64,
    /// Attempts the server answered with an error.
    rejected: u64,
    /// Requests that completed with a success / with a failure (local rejections included).
    succeeded: u64,
    failed: u64,
}

const BUCKET: u64 = 100_000_000;

/// The results of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Attempts sent ÷ requests made, during the incident.
    pub amplification_during: f64,
    /// Attempts sent ÷ requests made, in the 30 s after the incident.
    pub amplification_after: f64,
    /// Requests that succeeded during the incident ÷ requests made during it.
    pub goodput: f64,
    /// From the end of the incident to the first 100 ms that starts 5 s of health
    /// (≤ 1 % of attempts rejected, ≤ 1 % of completed requests failed); `None` if never.
    pub recovery: Option<Duration>,
    /// p99 latency of the successful requests made during the incident and the 30 s after.
    pub p99: Duration,
    /// Requests rejected locally by an adaptive throttle, over the whole run.
    pub local_rejections: u64,
    /// Attempts sent per second, second by second, for the chart.
    pub offered_per_second: Vec<f64>,
}

// ---- The simulation -----------------------------------------------------------------------

/// SplitMix64, for the arrivals (the policies have their own generators).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Exponentially distributed, with mean `mean` nanoseconds.
    fn exponential(&mut self, mean: f64) -> u64 {
        let uniform = ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64; // (0, 1]
        (-uniform.ln() * mean) as u64
    }
}

fn client_seed(seed: u64, client: u32) -> u64 {
    Rng(seed ^ (u64::from(client) << 32)).next()
}

/// What happens next, ordered by time then by scheduling order (deterministic ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A client makes a new request.
    Arrival(u32),
    /// The answer to a request's attempt arrives.
    Answer(u32),
    /// A request's backoff is over.
    Retry(u32),
}

/// A request in flight.
struct Request<'p> {
    made_at: u64,
    run: RetryLoop<'p>,
    answer: Result<(), SimError>,
}

struct Sim<'p> {
    config: &'p Config,
    scenario: Scenario,
    base: Instant,
    queue: BinaryHeap<Reverse<(u64, u64, Event)>>,
    sequence: u64,
    server: Server,
    policies: &'p [RetryPolicy],
    requests: Vec<Option<Request<'p>>>,
    free: Vec<u32>,
    buckets: Vec<Bucket>,
    latencies: Vec<u64>,
    local_rejections: u64,
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl<'p> Sim<'p> {
    fn schedule(&mut self, at: u64, event: Event) {
        self.sequence += 1;
        self.queue.push(Reverse((at, self.sequence, event)));
    }

    fn bucket(&mut self, at: u64) -> &mut Bucket {
        let index = usize::try_from(at / BUCKET).unwrap_or(usize::MAX);
        let last = self.buckets.len() - 1;
        &mut self.buckets[index.min(last)]
    }

    fn instant(&self, at: u64) -> Instant {
        self.base + Duration::from_nanos(at)
    }

    fn in_incident(&self, at: u64) -> bool {
        (nanos(self.config.incident_start())..nanos(self.config.incident_end())).contains(&at)
    }

    /// The server's answer to an attempt sent at `at`, and when it reaches the client.
    fn serve(&mut self, at: u64) -> (Result<(), SimError>, u64) {
        let round_trip = nanos(self.config.round_trip);
        let incident = self.in_incident(at);
        let server = &mut self.server;
        let (capacity_factor, limiter) = match (incident, self.scenario) {
            (true, Scenario::Outage) => return (Err(SimError::Unavailable), at + round_trip),
            (true, Scenario::Overload) => (1.5 * self.config.headroom, false),
            (true, Scenario::RateLimitStorm) => (1.0, true),
            (false, _) => (1.0, false),
        };
        let service = server.service * capacity_factor;
        let rejection = (service * self.config.rejection_cost) as u64;
        if limiter {
            // A token bucket admitting half the normal load, with a burst of 100 ms.
            let rate = 0.5 * f64::from(self.config.clients) * self.config.rate_per_client;
            let elapsed = (at - server.limiter_at.min(at)) as f64 / 1e9;
            server.limiter_tokens = (server.limiter_tokens + elapsed * rate).min(rate / 10.0);
            server.limiter_at = at;
            if server.limiter_tokens < 1.0 {
                server.busy_until = server.busy_until.max(at) + rejection;
                let retry_after = self.config.storm_retry_after;
                return (Err(SimError::RateLimited(retry_after)), at + round_trip);
            }
            server.limiter_tokens -= 1.0;
        }
        let start = server.busy_until.max(at);
        if start - at > nanos(self.config.max_queue_delay) {
            server.busy_until = start + rejection;
            return (Err(SimError::Unavailable), at + round_trip);
        }
        server.busy_until = start + service as u64;
        (Ok(()), server.busy_until + round_trip)
    }

    /// Sends the next attempt of request `id`, unless the adaptive throttle rejects it.
    fn attempt(&mut self, id: u32, at: u64) {
        let now = self.instant(at);
        let request = self.requests[id as usize].as_mut().expect("live request");
        if request.run.before_attempt_at(now).is_err() {
            self.local_rejections += 1;
            self.finish(id, at, false);
            return;
        }
        self.bucket(at).attempts += 1;
        let (answer, answered_at) = self.serve(at);
        if answer.is_err() {
            self.bucket(at).rejected += 1;
        }
        let request = self.requests[id as usize].as_mut().expect("live request");
        request.answer = answer;
        self.schedule(answered_at, Event::Answer(id));
    }

    fn finish(&mut self, id: u32, at: u64, success: bool) {
        let request = self.requests[id as usize].take().expect("live request");
        self.free.push(id);
        let bucket = self.bucket(at);
        if success {
            bucket.succeeded += 1;
            let window = nanos(self.config.incident_start())
                ..nanos(self.config.incident_end() + Duration::from_secs(30));
            if window.contains(&request.made_at) {
                self.latencies.push(at - request.made_at);
            }
        } else {
            bucket.failed += 1;
        }
    }

    fn run(&mut self, arrivals: &mut [Rng]) {
        let end = nanos(self.config.total());
        let mean = 1e9 / self.config.rate_per_client;
        for client in 0..self.config.clients {
            let first = arrivals[client as usize].exponential(mean);
            self.schedule(first, Event::Arrival(client));
        }
        while let Some(Reverse((at, _, event))) = self.queue.pop() {
            match event {
                Event::Arrival(client) => {
                    if at >= end {
                        continue;
                    }
                    let next = at + arrivals[client as usize].exponential(mean);
                    self.schedule(next, Event::Arrival(client));
                    self.bucket(at).requests += 1;
                    let policies = self.policies;
                    let policy = &policies[client as usize];
                    let request = Request {
                        made_at: at,
                        run: RetryLoop::new_at(policy, self.base + Duration::from_nanos(at)),
                        answer: Ok(()),
                    };
                    let id = match self.free.pop() {
                        Some(id) => {
                            self.requests[id as usize] = Some(request);
                            id
                        }
                        None => {
                            self.requests.push(Some(request));
                            u32::try_from(self.requests.len() - 1)
                                .expect("fewer than 2^32 requests in flight")
                        }
                    };
                    self.attempt(id, at);
                }
                Event::Retry(id) => self.attempt(id, at),
                Event::Answer(id) => {
                    let now = self.instant(at);
                    let request = self.requests[id as usize].as_mut().expect("live request");
                    match request.answer {
                        Ok(()) => {
                            request.run.on_success_at(now);
                            self.finish(id, at, true);
                        }
                        Err(error) => match request.run.on_error_at(&error, now) {
                            RetryDecision::RetryAfter(delay) => {
                                self.schedule(at + nanos(delay), Event::Retry(id));
                            }
                            RetryDecision::GiveUp(_) => self.finish(id, at, false),
                        },
                    }
                }
            }
        }
    }
}

/// Runs one scenario with one strategy.
pub fn simulate(config: &Config, scenario: Scenario, strategy: Strategy) -> Stats {
    let policies: Vec<RetryPolicy> = (0..config.clients)
        .map(|client| strategy.policy(client_seed(config.seed, client)))
        .collect();
    let mut arrivals: Vec<Rng> = (0..config.clients)
        .map(|client| Rng(client_seed(config.seed ^ 0xA11, client)))
        .collect();
    let load = f64::from(config.clients) * config.rate_per_client;
    let buckets =
        usize::try_from(nanos(config.total() + Duration::from_secs(30)) / BUCKET).unwrap_or(0) + 1;
    let mut sim = Sim {
        config,
        scenario,
        base: Instant::now(),
        queue: BinaryHeap::new(),
        sequence: 0,
        server: Server {
            busy_until: 0,
            service: 1e9 / (load * config.headroom),
            limiter_tokens: 0.0,
            limiter_at: 0,
        },
        policies: &policies,
        requests: Vec::new(),
        free: Vec::new(),
        buckets: vec![Bucket::default(); buckets],
        latencies: Vec::new(),
        local_rejections: 0,
    };
    sim.run(&mut arrivals);
    let Sim {
        buckets,
        mut latencies,
        local_rejections,
        ..
    } = sim;
    summarize(config, &buckets, &mut latencies, local_rejections)
}

fn summarize(
    config: &Config,
    buckets: &[Bucket],
    latencies: &mut [u64],
    local_rejections: u64,
) -> Stats {
    let index = |at: Duration| usize::try_from(nanos(at) / BUCKET).unwrap_or(0);
    let (start, end) = (index(config.incident_start()), index(config.incident_end()));
    let after_end = index(config.incident_end() + Duration::from_secs(30));
    let sum = |range: std::ops::Range<usize>, field: fn(&Bucket) -> u64| -> u64 {
        buckets[range].iter().map(field).sum()
    };
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let amplification_during = ratio(
        sum(start..end, |b| b.attempts),
        sum(start..end, |b| b.requests),
    );
    let amplification_after = ratio(
        sum(end..after_end, |b| b.attempts),
        sum(end..after_end, |b| b.requests),
    );
    let goodput = ratio(
        sum(start..end, |b| b.succeeded),
        sum(start..end, |b| b.requests),
    );

    let healthy =
        |b: &Bucket| b.rejected * 100 <= b.attempts && b.failed * 100 <= b.succeeded + b.failed;
    let last = index(config.total());
    let run = 50; // 5 s of 100 ms buckets
    let recovery = (end..last.saturating_sub(run))
        .find(|&first| buckets[first..first + run].iter().all(healthy))
        .map(|first| Duration::from_nanos((first - end) as u64 * BUCKET));

    latencies.sort_unstable();
    let p99 = if latencies.is_empty() {
        Duration::ZERO
    } else {
        let rank = (latencies.len() * 99).div_ceil(100).max(1) - 1;
        Duration::from_nanos(latencies[rank])
    };

    let offered_per_second = buckets[..last]
        .chunks(10)
        .map(|second| second.iter().map(|b| b.attempts).sum::<u64>() as f64)
        .collect();
    Stats {
        amplification_during,
        amplification_after,
        goodput,
        recovery,
        p99,
        local_rejections,
        offered_per_second,
    }
}

// ---- Reporting ----------------------------------------------------------------------------

/// The results of every strategy for one scenario.
pub struct ScenarioReport {
    /// Which incident.
    pub scenario: Scenario,
    /// One row per strategy, in the order of [`Strategy::ALL`].
    pub rows: Vec<(Strategy, Stats)>,
}

/// The Markdown table of one scenario.
pub fn markdown(config: &Config, report: &ScenarioReport) -> String {
    // The last 100 ms that can start 5 s of health before the run ends.
    let horizon = config.after.saturating_sub(Duration::from_secs(5));
    let mut out = String::new();
    let _ = writeln!(out, "#### {}\n", report.scenario.name());
    out.push_str("| strategy | amplification during | amplification after | goodput during | recovery | p99 of successes |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for (strategy, stats) in &report.rows {
        let recovery = match stats.recovery {
            Some(recovery) => format!("{:.1} s", recovery.as_secs_f64()),
            None => format!("> {} s", horizon.as_secs()),
        };
        let _ = writeln!(
            out,
            "| {} | {:.2}× | {:.2}× | {:.1} % | {} | {} ms |",
            strategy.name(),
            stats.amplification_during,
            stats.amplification_after,
            stats.goodput * 100.0,
            recovery,
            stats.p99.as_millis(),
        );
    }
    out
}

const COLOURS: [&str; 7] = [
    "#222222", "#d62728", "#ff7f0e", "#9467bd", "#2ca02c", "#17becf", "#1f77b4",
];

/// An SVG chart: attempts sent per second over time, one panel per scenario, one line per strategy.
pub fn svg(config: &Config, reports: &[ScenarioReport]) -> String {
    let (width, panel_height, left, top, gap) = (1000.0, 260.0, 70.0, 40.0, 70.0);
    let plot_width = width - left - 250.0;
    let height = top + (panel_height + gap) * reports.len() as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{left}" y="22" font-size="15">Offered load (attempts sent per second), {} clients at {} req/s each; the grey band is the incident</text>"#,
        config.clients, config.rate_per_client
    );
    let seconds = config.total().as_secs_f64();
    let normal = f64::from(config.clients) * config.rate_per_client;
    for (panel, report) in reports.iter().enumerate() {
        let y0 = top + panel as f64 * (panel_height + gap) + 20.0;
        let peak = report
            .rows
            .iter()
            .flat_map(|(_, stats)| stats.offered_per_second.iter().copied())
            .fold(normal * 1.5, f64::max);
        let y_max = nice_ceiling(peak);
        let x = |second: f64| left + second / seconds * plot_width;
        let y = |value: f64| y0 + panel_height - value / y_max * panel_height;
        let _ = writeln!(
            out,
            r#"<text x="{left}" y="{}" font-size="13" font-weight="bold">{}</text>"#,
            y0 - 6.0,
            report.scenario.name()
        );
        let (incident_x, incident_w) = (
            x(config.incident_start().as_secs_f64()),
            x(config.incident_end().as_secs_f64()) - x(config.incident_start().as_secs_f64()),
        );
        let _ = writeln!(
            out,
            r##"<rect x="{incident_x:.1}" y="{y0:.1}" width="{incident_w:.1}" height="{panel_height}" fill="#eeeeee"/>"##
        );
        for tick in 0..=4 {
            let value = y_max * f64::from(tick) / 4.0;
            let _ = writeln!(
                out,
                r##"<line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                left + plot_width,
                y(value),
                y(value),
                left - 6.0,
                y(value) + 4.0,
                value.round()
            );
        }
        let mut second = 0.0;
        while second <= seconds {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{second} s</text>"#,
                x(second),
                y0 + panel_height + 16.0
            );
            second += 30.0;
        }
        // What the server can take: its capacity, or the limiter's rate during the storm.
        let (start, end) = (
            config.incident_start().as_secs_f64(),
            config.incident_end().as_secs_f64(),
        );
        let during = match report.scenario {
            Scenario::Outage => 0.0,
            Scenario::Overload => normal / 1.5,
            Scenario::RateLimitStorm => normal * 0.5,
        };
        let capacity = normal * config.headroom;
        let _ = writeln!(
            out,
            r##"<polyline fill="none" stroke="#888888" stroke-dasharray="6 4" points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"/>"##,
            x(0.0),
            y(capacity),
            x(start),
            y(capacity),
            x(start),
            y(during),
            x(end),
            y(during),
            x(end),
            y(capacity),
            x(seconds),
            y(capacity)
        );
        let legend_x = left + plot_width + 14.0;
        let legend_y = y0 + 14.0 + Strategy::ALL.len() as f64 * 17.0;
        let _ = writeln!(
            out,
            r##"<line x1="{legend_x:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#888888" stroke-dasharray="6 4"/><text x="{:.1}" y="{legend_y:.1}">server capacity (admitted rate)</text>"##,
            legend_x + 18.0,
            legend_y - 4.0,
            legend_y - 4.0,
            legend_x + 24.0
        );
        for (index, (strategy, stats)) in report.rows.iter().enumerate() {
            let colour = COLOURS[index % COLOURS.len()];
            let points: Vec<String> = stats
                .offered_per_second
                .iter()
                .enumerate()
                .map(|(second, value)| format!("{:.1},{:.1}", x(second as f64 + 0.5), y(*value)))
                .collect();
            let width = if *strategy == Strategy::Recommended {
                2.5
            } else {
                1.2
            };
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="{width}" points="{}"/>"#,
                points.join(" ")
            );
            let legend_y = y0 + 14.0 + index as f64 * 17.0;
            let legend_x = left + plot_width + 14.0;
            let _ = writeln!(
                out,
                r#"<line x1="{legend_x:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="3"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                legend_x + 18.0,
                legend_y - 4.0,
                legend_y - 4.0,
                legend_x + 24.0,
                legend_y,
                strategy.name()
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

fn nice_ceiling(value: f64) -> f64 {
    let magnitude = 10f64.powf(value.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if value <= step * magnitude {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// Every scenario with every strategy.
pub fn run_all(config: &Config) -> Vec<ScenarioReport> {
    Scenario::ALL
        .iter()
        .map(|&scenario| ScenarioReport {
            scenario,
            rows: Strategy::ALL
                .iter()
                .map(|&strategy| (strategy, simulate(config, scenario, strategy)))
                .collect(),
        })
        .collect()
}

fn main() {
    let mut config = Config::default();
    let mut svg_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/retry_storm.svg").to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--clients", Some(n)) => config.clients = n.parse().expect("--clients takes a number"),
            ("--seed", Some(n)) => config.seed = n.parse().expect("--seed takes a number"),
            ("--svg", Some(path)) => svg_path = path,
            _ => {
                eprintln!("usage: retry_storm [--clients N] [--seed S] [--svg PATH]");
                std::process::exit(2);
            }
        }
    }
    let started = Instant::now();
    let reports = run_all(&config);
    for report in &reports {
        println!("{}", markdown(&config, report));
    }
    match std::fs::write(&svg_path, svg(&config, &reports)) {
        Ok(()) => println!("chart: {svg_path}"),
        Err(error) => eprintln!("could not write {svg_path}: {error}"),
    }
    eprintln!(
        "{} clients, seed {}: {:.1} s of wall time",
        config.clients,
        config.seed,
        started.elapsed().as_secs_f64()
    );
}
