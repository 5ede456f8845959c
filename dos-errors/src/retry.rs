//! Client-side retries: [`RetryPolicy`] decides whether and when to retry any [`ApiError`].
//!
//! The policy follows the API documentation — retry 429, 500 and 503 with
//! exponential backoff, honour `Retry-After`, never retry 400, 401 or 402 — with
//! the defaults of the best SDKs (two retries, 500 ms doubling up to 8 s, full
//! jitter, `Retry-After` honoured up to 120 s) and what they add on top: an
//! overall deadline, a retry budget shared across clients, and a server's
//! `x-should-retry` header taking precedence over the status. For what keeps a
//! whole fleet of clients from multiplying the load of a failing service, see
//! [below](#retries-that-cannot-take-a-fleet-down).
//!
//! Because it works on the [`ApiError`] trait, one policy serves decoded responses
//! ([`ErrorResponse`](crate::client::ErrorResponse)) and your own error types alike.
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::client::ErrorResponse;
//! use dos_errors::retry::{GiveUpReason, Jitter, RetryDecision, RetryPolicy};
//!
//! let policy = RetryPolicy::default().max_retries(3).jitter(Jitter::None);
//!
//! // A 503: exponential backoff, 500 ms, then 1 s, then 2 s, then give up.
//! let unavailable = ErrorResponse::from_parts(503, &[], b"");
//! assert_eq!(policy.decide(0, &unavailable), RetryDecision::RetryAfter(Duration::from_millis(500)));
//! assert_eq!(policy.decide(2, &unavailable), RetryDecision::RetryAfter(Duration::from_secs(2)));
//! assert_eq!(policy.decide(3, &unavailable), RetryDecision::GiveUp(GiveUpReason::RetriesExhausted));
//!
//! // A 429 with Retry-After: the server's delay is a minimum.
//! let limited = ErrorResponse::from_parts(429, &[("Retry-After", "7")], b"");
//! assert_eq!(policy.decide(0, &limited), RetryDecision::RetryAfter(Duration::from_secs(7)));
//!
//! // A 401 is never retried.
//! let unauthorized = ErrorResponse::from_parts(401, &[], b"");
//! assert_eq!(policy.decide(0, &unauthorized), RetryDecision::GiveUp(GiveUpReason::Fatal));
//! ```
//!
//! # Calling an API: decoding and retrying errors
//!
//! The example of the README: decode each failed response, let the policy retry it.
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::client::ErrorResponse;
//! use dos_errors::retry::{retry_blocking, RetryBudget, RetryPolicy};
//! use dos_errors::ApiError;
//!
//! /// Stands in for your HTTP client: the status, headers and body of attempt `n`.
//! fn send(n: u32) -> (u16, Vec<(&'static str, &'static str)>, &'static [u8]) {
//!     match n {
//!         1 => (503, vec![], br#"{"error":{"message":"The requested model is temporarily unavailable.","type":"service_unavailable_error","code":503}}"#),
//!         2 => (429, vec![("retry-after-ms", "20"), ("x-request-id", "req_42")],
//!               br#"{"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":429}}"#),
//!         _ => (200, vec![], br#"{"id":"chatcmpl-1"}"#),
//!     }
//! }
//!
//! let policy = RetryPolicy::default()      // 2 retries, 500 ms doubling to 8 s, full jitter,
//!     .max_retries(3)                      // Retry-After honoured up to 120 s
//!     .base_delay(Duration::from_millis(10))
//!     .budget(RetryBudget::default());     // shared by clones: stops retry storms
//!
//! let mut attempts = 0;
//! let result = retry_blocking(&policy, || {
//!     attempts += 1;
//!     let (status, headers, body) = send(attempts);
//!     if (200..300).contains(&status) {
//!         Ok(body)
//!     } else {
//!         Err(ErrorResponse::from_parts(status, &headers, body))
//!     }
//! });
//! assert_eq!(result.unwrap(), br#"{"id":"chatcmpl-1"}"#);
//! assert_eq!(attempts, 3); // 503, then 429 (waited at least 20 ms), then success
//!
//! // When the policy gives up, you get the last error, decoded.
//! let err = ErrorResponse::from_parts(401, &[], br#"{"error":{"message":"Incorrect API key provided: sk-abc***","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#);
//! assert!(!err.is_retryable());
//! assert_eq!(err.provider_code(), Some("invalid_api_key"));
//! assert_eq!(err.to_string(), "401 Unauthorized (invalid_request_error): Incorrect API key provided: sk-abc***");
//! ```
//!
//! # Retries that cannot take a fleet down
//!
//! One client retrying a failed request is harmless. Thousands retrying into an
//! outage multiply the load of a service that is trying to recover: with three
//! attempts per request, a service that fails everything receives three times its
//! traffic. The mechanisms below bound that. Each is opt-in
//! (`RetryPolicy::default()` behaves without them), shared by the clones of a
//! policy, lock-free, and allocation-free per decision:
//!
//! | mechanism | follows | what it bounds |
//! |---|---|---|
//! | [`RetryBudget::new`], a token bucket | the AWS SDKs' retry quota | retries after a run of failures; successes refill it |
//! | [`RetryBudget::ratio`] | Finagle's `RetryBudget`, tower's `TpsBudget` | retries and hedges, to a share of the requests of the last `ttl` |
//! | [`RetryThrottle`] ([`RetryPolicy::throttle`]) | gRPC A6 retry throttling | no retry, no hedge while too many recent attempts fail |
//! | [`AdaptiveThrottle`] ([`RetryPolicy::adaptive`]) | Google SRE book, ch. 21 "Handling Overload" | first attempts too: rejected locally while the backend rejects most |
//! | [`RetryPolicy::throttled_base_delay`] | AWS's 2026 retry behaviour | the backoff of throttling errors (1 s) apart from transient ones (50 ms) |
//! | server pushback | RFC 9110 `Retry-After`, IETF `RateLimit`, OpenAI and Anthropic reset headers, gRPC A6 pushback | waits as long as the server says, up to `max_retry_after` ([`headers`](crate::headers)) |
//! | [`hedge_async`] | gRPC A6 hedging | a second attempt of a slow idempotent call, paid from the same budget |
//!
//! ## What we recommend
//!
//! One policy per process and per service, cloned wherever requests are made (the
//! budget and the throttle are shared by the clones):
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::retry::{RetryBudget, RetryPolicy, RetryThrottle};
//!
//! let policy = RetryPolicy::default()                 // 3 attempts, full jitter, Retry-After up to 120 s
//!     .base_delay(Duration::from_millis(50))          // transient errors: retry soon…
//!     .throttled_base_delay(Duration::from_secs(1))   // …throttling errors: not so soon
//!     .throttle(RetryThrottle::new(10, 0.1))          // gRPC A6: stop retrying while attempts fail
//!     .budget(RetryBudget::ratio(0.1, 1, Duration::from_secs(10))); // ≤ 10 % more attempts, + 1/s
//! # let _ = policy;
//! ```
//!
//! `examples/retry_storm.rs` simulates 1,000 such clients (in virtual time, seeded)
//! through three incidents; its numbers are in `BENCHMARKS.md`. With this policy a
//! total outage of 60 s costs the service 1.01 attempts per request, against 2.98
//! with plain retries; under a 50 % overload the goodput stays that of the best
//! strategy (62.9 % of the requests, against 63.0 % without retries and 47.3 % with
//! plain retries); and the service recovers as fast as without retries.
//!
//! In those incidents the A6 throttle does the work: it stops retrying after five
//! failures in a row, and after a long run of failures it waits for fifty-one
//! successes before it retries again. The ratio budget
//! bounds what the throttle lets through: retries while fewer than about one
//! attempt in eleven fails, and hedges, which a slow service that still answers
//! never makes fail. Keep its `min_per_sec` small against the traffic of one process:
//! Finagle's 10 per second suits a process sending hundreds of requests per second;
//! for one sending 10, it would allow doubling them.
//!
//! The [`AdaptiveThrottle`] is not in the recommendation: with the book's
//! two-minute window it keeps rejecting requests locally for more than a minute
//! after the service has recovered (measured). It is the one mechanism that sheds
//! first attempts too; use it where those alone can overwhelm the backend, with a
//! window of seconds.
//!
//! ## Loops of your own, and virtual time
//!
//! [`retry_blocking`] and [`retry_async`] run [`RetryLoop`], the retry loop without
//! the I/O; use it directly in an event loop or a state machine. Everything that
//! depends on time — deadlines, the ratio budget's window, the adaptive throttle's
//! window — has a variant taking the instant (`decide_at`, `new_at`,
//! `deposit_at`, `should_send_at`…); the other methods read [`Instant::now`], and
//! only when the policy needs a clock. Windows start at the first instant they are
//! given, so instants of a virtual clock (`base + offset`) give the same results on
//! every run.

use std::fmt;
use std::time::{Duration, Instant};

use crate::{ApiError, Retryability};

mod adaptive;
mod budget;
mod exec;
mod hedge;
pub(crate) mod rng;
mod throttle;
mod window;

pub use crate::headers::{
    parse_go_duration, parse_grpc_retry_pushback, parse_http_date, parse_ratelimit,
    parse_retry_after, parse_retry_after_ms, parse_rfc3339, rate_limit_reset, Pushback,
};
pub use adaptive::{AdaptiveThrottle, ClientThrottled};
pub use budget::RetryBudget;
pub use exec::{
    retry_async, retry_async_outcome, retry_blocking, retry_blocking_outcome, RetryLoop,
    RetryOutcome,
};
pub use hedge::{hedge_async, hedge_async_outcome};
pub use throttle::RetryThrottle;

use rng::SharedRng;

/// How the exponential backoff is randomised.
///
/// Randomness spreads the retries of many clients over time, so that they do not
/// all hit a recovering server at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Jitter {
    /// No randomness: the backoff is exactly `min(cap, base·2^n)`, and nothing is added to a `Retry-After`.
    None,
    /// "Full jitter": uniformly in `[0, min(cap, base·2^n)]` — the fewest total calls under contention.
    #[default]
    Full,
    /// "Equal jitter": half the backoff, plus uniformly up to the other half; never retries immediately.
    Equal,
}

/// What to do after a failed attempt: the answer of [`RetryPolicy::decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryDecision {
    /// Sleep this long, then retry.
    RetryAfter(Duration),
    /// Do not retry; return the error to the caller.
    GiveUp(GiveUpReason),
}

impl RetryDecision {
    /// The delay before the retry, or `None` when giving up.
    #[must_use]
    pub fn delay(&self) -> Option<Duration> {
        match self {
            RetryDecision::RetryAfter(delay) => Some(*delay),
            RetryDecision::GiveUp(_) => None,
        }
    }

    /// `true` for [`RetryAfter`](RetryDecision::RetryAfter).
    #[must_use]
    pub fn is_retry(&self) -> bool {
        matches!(self, RetryDecision::RetryAfter(_))
    }
}

/// Why a [`RetryPolicy`] gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The error is not retryable: its status (400, 401, 402…) or an
    /// `x-should-retry: false` header says a retry cannot succeed.
    Fatal,
    /// The policy's [`max_retries`](RetryPolicy::max_retries) have all been made.
    RetriesExhausted,
    /// The server asked to wait longer than [`max_retry_after`](RetryPolicy::max_retry_after).
    /// The error still carries the server's delay in its `retry_after()`.
    RetryAfterTooLong {
        /// What the server asked for.
        retry_after: Duration,
        /// The policy's limit.
        max: Duration,
    },
    /// Sleeping before the retry would end after the policy's [`deadline`](RetryPolicy::deadline).
    Deadline,
    /// The shared [`RetryBudget`] has too few tokens left: the service is failing for many requests.
    BudgetExhausted,
    /// The [`RetryThrottle`] (gRPC A6) has too few tokens: too many recent attempts failed.
    RetryThrottled,
    /// The [`AdaptiveThrottle`] rejected the next attempt locally; it was not sent.
    ClientThrottled,
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiveUpReason::Fatal => f.write_str("the error is not retryable"),
            GiveUpReason::RetriesExhausted => f.write_str("all retries have been made"),
            GiveUpReason::RetryAfterTooLong { retry_after, max } => write!(
                f,
                "the server asked to wait {retry_after:?}, more than the {max:?} allowed"
            ),
            GiveUpReason::Deadline => f.write_str("the retry would end after the deadline"),
            GiveUpReason::BudgetExhausted => f.write_str("the retry budget is exhausted"),
            GiveUpReason::RetryThrottled => {
                f.write_str("retries are throttled: too many recent attempts failed")
            }
            GiveUpReason::ClientThrottled => {
                f.write_str("the adaptive throttle rejected the attempt locally")
            }
        }
    }
}

/// When and how often to retry a failed request.
///
/// Build it from [`RetryPolicy::default`] and ask [`decide`](RetryPolicy::decide)
/// after each failure, or hand it to [`retry_blocking`] / [`retry_async`].
///
/// The delay before retry `n` (counting from 0) is:
///
/// 1. the backoff `min(max_delay, base_delay·2^n)`, randomised by the [`Jitter`]
///    (full jitter by default, which never exceeds `max_delay`); for a throttled
///    error (a 429) the base is [`throttled_base_delay`](RetryPolicy::throttled_base_delay)
///    when set;
/// 2. if the error carries a `Retry-After`, at least that: the server's value is a
///    minimum, never undercut. With jitter on, up to 10% is added on top of it, so
///    clients told the same date do not all return at once. A `Retry-After` above
///    [`max_retry_after`](RetryPolicy::max_retry_after) gives up instead (the
///    `max_delay` cap applies to the backoff only).
///
/// Cloning is cheap; clones share the random sequence and the [`RetryBudget`],
/// [`RetryThrottle`] and [`AdaptiveThrottle`], if any. Without a budget and a
/// throttle, `decide` has no effect on the policy other than drawing jitter: asked
/// twice, it answers the same, up to jitter.
#[derive(Clone)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    throttled_base_delay: Option<Duration>,
    max_delay: Duration,
    max_retry_after: Duration,
    jitter: Jitter,
    deadline: Option<Instant>,
    budget: Option<RetryBudget>,
    throttle: Option<RetryThrottle>,
    adaptive: Option<AdaptiveThrottle>,
    rng: SharedRng,
}

impl Default for RetryPolicy {
    /// Two retries, 500 ms doubling up to 8 s (429s too), full jitter, `Retry-After`
    /// honoured up to 120 s, no deadline, no budget, no throttle.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            throttled_base_delay: None,
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
            jitter: Jitter::Full,
            deadline: None,
            budget: None,
            throttle: None,
            adaptive: None,
            rng: SharedRng::from_entropy(),
        }
    }
}

impl RetryPolicy {
    /// The same as [`RetryPolicy::default`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    #[must_use]
    pub fn never() -> Self {
        Self::default().max_retries(0)
    }

    /// How many retries after the first attempt (default 2); `0` disables retrying.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The backoff before the first retry (default 500 ms); it doubles with each retry.
    #[must_use]
    pub fn base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The backoff before the first retry of a throttled error (a 429, or any error
    /// whose retryability is [`Throttled`](Retryability::Throttled)) that carries no
    /// `Retry-After`; it doubles with each retry, up to [`max_delay`](RetryPolicy::max_delay).
    /// Default: the [`base_delay`](RetryPolicy::base_delay).
    ///
    /// A rate limit rarely clears in milliseconds: AWS's 2026 retry behaviour waits
    /// from 1 s on throttling errors against 50 ms on transient ones.
    ///
    /// ```
    /// use std::time::Duration;
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::retry::{Jitter, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default()
    ///     .base_delay(Duration::from_millis(50))
    ///     .throttled_base_delay(Duration::from_secs(1))
    ///     .jitter(Jitter::None);
    /// let unavailable = ErrorResponse::from_parts(503, &[], b"");
    /// let limited = ErrorResponse::from_parts(429, &[], b"");
    /// assert_eq!(policy.decide(1, &unavailable).delay(), Some(Duration::from_millis(100)));
    /// assert_eq!(policy.decide(1, &limited).delay(), Some(Duration::from_secs(2)));
    /// ```
    #[must_use]
    pub fn throttled_base_delay(mut self, delay: Duration) -> Self {
        self.throttled_base_delay = Some(delay);
        self
    }

    /// The cap of the backoff (default 8 s). Does not shorten a server's `Retry-After`.
    #[must_use]
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The longest `Retry-After` honoured (default 120 s); a longer one gives up.
    #[must_use]
    pub fn max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// How the backoff is randomised (default [`Jitter::Full`]).
    #[must_use]
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Never schedule a sleep that would end after `deadline`: give up with
    /// [`GiveUpReason::Deadline`] instead.
    #[must_use]
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Removes the deadline.
    #[must_use]
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Draws retries from a shared [`RetryBudget`]: each retry withdraws tokens, and
    /// with none left the policy gives up with [`GiveUpReason::BudgetExhausted`].
    /// Report successes with [`record_success`](RetryPolicy::record_success) (the
    /// helpers [`retry_blocking`] and [`retry_async`] do).
    #[must_use]
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Stops retries while too many recent attempts fail: gRPC A6's throttle (see
    /// [`RetryThrottle`]). The policy then records every retryable failure it is
    /// asked about (in [`decide`](RetryPolicy::decide)) and every success (in
    /// [`record_success`](RetryPolicy::record_success)), and gives up with
    /// [`GiveUpReason::RetryThrottled`] while the throttle is at or below half.
    ///
    /// ```
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::retry::{GiveUpReason, RetryDecision, RetryPolicy, RetryThrottle};
    ///
    /// let policy = RetryPolicy::default().throttle(RetryThrottle::new(4, 0.5));
    /// let unavailable = ErrorResponse::from_parts(503, &[], b"");
    /// assert!(policy.decide(0, &unavailable).is_retry()); // 3 tokens left, above 2
    /// assert_eq!(
    ///     policy.decide(0, &unavailable), // 2 tokens left
    ///     RetryDecision::GiveUp(GiveUpReason::RetryThrottled)
    /// );
    /// policy.record_success(); // 2.5
    /// assert!(policy.decide(0, &ErrorResponse::from_parts(400, &[], b"")).delay().is_none());
    /// assert!(!policy.retry_throttle().unwrap().is_throttled()); // a 400 is not counted
    /// ```
    #[must_use]
    pub fn throttle(mut self, throttle: RetryThrottle) -> Self {
        self.throttle = Some(throttle);
        self
    }

    /// Rejects attempts locally while the backend rejects most of them: Google SRE's
    /// adaptive throttling (see [`AdaptiveThrottle`]).
    ///
    /// [`retry_blocking`], [`retry_async`], [`hedge_async`] and [`RetryLoop`] consult
    /// it before every attempt, first ones included, and record every response; a
    /// rejected attempt is not sent and the call returns [`ClientThrottled`] (as the
    /// caller's error type) with [`GiveUpReason::ClientThrottled`]. [`decide`](RetryPolicy::decide)
    /// alone does not consult it.
    #[must_use]
    pub fn adaptive(mut self, throttle: AdaptiveThrottle) -> Self {
        self.adaptive = Some(throttle);
        self
    }

    /// Makes the jitter a repeatable sequence fixed by `seed`, for tests.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.rng = SharedRng::seeded(seed);
        self
    }

    /// The configured number of retries.
    #[must_use]
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The configured deadline, if any.
    #[must_use]
    pub fn deadline_at(&self) -> Option<Instant> {
        self.deadline
    }

    /// The budget, if any.
    #[must_use]
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }

    /// The retry throttle, if any.
    #[must_use]
    pub fn retry_throttle(&self) -> Option<&RetryThrottle> {
        self.throttle.as_ref()
    }

    /// The adaptive throttle, if any.
    #[must_use]
    pub fn adaptive_throttle(&self) -> Option<&AdaptiveThrottle> {
        self.adaptive.as_ref()
    }

    /// Tells the budget and the retry throttle, if any, that an attempt succeeded:
    /// a token bucket refunds some tokens, the throttle gains its `token_ratio`.
    pub fn record_success(&self) {
        if let Some(budget) = &self.budget {
            budget.record_success();
        }
        if let Some(throttle) = &self.throttle {
            throttle.record_success();
        }
    }

    /// Tells the budget, if any, that a request is being sent: a ratio budget gains
    /// its share of a retry (see [`RetryBudget::ratio`]). Call it once per request,
    /// not per retry; [`retry_blocking`], [`retry_async`], [`hedge_async`] and
    /// [`RetryLoop`] do.
    pub fn record_request(&self) {
        if let Some(budget) = &self.budget {
            budget.deposit();
        }
    }

    /// [`record_request`](RetryPolicy::record_request) at `now`.
    pub fn record_request_at(&self, now: Instant) {
        if let Some(budget) = &self.budget {
            budget.deposit_at(now);
        }
    }

    /// The current time if something in the policy depends on it, else `None`
    /// (the clock is not read).
    pub(crate) fn clock(&self) -> Option<Instant> {
        let needs_clock = self.deadline.is_some()
            || self.adaptive.is_some()
            || self.budget.as_ref().is_some_and(RetryBudget::needs_clock);
        needs_clock.then(Instant::now)
    }

    /// Whether a hedge (a second, concurrent attempt) may be sent at `now`; pays for it.
    pub(crate) fn hedge_permit(&self, now: Option<Instant>) -> Result<(), GiveUpReason> {
        if self.max_retries == 0 {
            return Err(GiveUpReason::RetriesExhausted);
        }
        if self
            .throttle
            .as_ref()
            .is_some_and(RetryThrottle::is_throttled)
        {
            return Err(GiveUpReason::RetryThrottled);
        }
        if let (Some(deadline), Some(now)) = (self.deadline, now) {
            if now > deadline {
                return Err(GiveUpReason::Deadline);
            }
        }
        if let Some(adaptive) = &self.adaptive {
            if !adaptive.should_send_at(now.unwrap_or_else(Instant::now)) {
                return Err(GiveUpReason::ClientThrottled);
            }
        }
        self.withdraw(now)
    }

    /// Pays for a retry or a hedge from the budget, if any.
    fn withdraw(&self, now: Option<Instant>) -> Result<(), GiveUpReason> {
        let Some(budget) = &self.budget else {
            return Ok(());
        };
        let paid = match now {
            Some(now) => budget.try_withdraw_at(now),
            None => budget.try_withdraw(),
        };
        if paid {
            Ok(())
        } else {
            Err(GiveUpReason::BudgetExhausted)
        }
    }

    /// The backoff before retry `retries_so_far`, before jitter: `min(max_delay, base_delay·2^n)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use dos_errors::retry::RetryPolicy;
    ///
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.backoff(0), Duration::from_millis(500));
    /// assert_eq!(policy.backoff(3), Duration::from_secs(4));
    /// assert_eq!(policy.backoff(40), Duration::from_secs(8));
    /// ```
    #[must_use]
    pub fn backoff(&self, retries_so_far: u32) -> Duration {
        self.backoff_from(self.base_delay, retries_so_far)
    }

    fn backoff_from(&self, base_delay: Duration, retries_so_far: u32) -> Duration {
        2u32.checked_pow(retries_so_far)
            .and_then(|factor| base_delay.checked_mul(factor))
            .map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }

    /// Whether and when to retry after `error`, `retries_so_far` retries having been
    /// made (0 after the first failure).
    ///
    /// In order: a [`Fatal`](Retryability::Fatal) error gives up; a retry throttle,
    /// if any, counts the failure; a request that has used all its retries gives up,
    /// so does a `Retry-After` above the limit, or a retry throttle at or below half;
    /// then the delay is computed (see [`RetryPolicy`]); a delay ending past the
    /// deadline gives up; finally the budget, if any, pays for the retry or gives
    /// up. Tokens are only withdrawn for a retry actually scheduled.
    ///
    /// Allocates nothing. Reads the clock only when a deadline or a ratio budget is
    /// set (an adaptive throttle is not consulted here: see [`RetryLoop`]).
    pub fn decide<E: ApiError + ?Sized>(&self, retries_so_far: u32, error: &E) -> RetryDecision {
        let now = if self.deadline.is_some()
            || self.budget.as_ref().is_some_and(RetryBudget::needs_clock)
        {
            Some(Instant::now())
        } else {
            None
        };
        self.decide_inner(retries_so_far, error, now)
    }

    /// [`decide`](RetryPolicy::decide) with the current time given, for deterministic
    /// deadlines and ratio budgets (virtual time, tests).
    pub fn decide_at<E: ApiError + ?Sized>(
        &self,
        retries_so_far: u32,
        error: &E,
        now: Instant,
    ) -> RetryDecision {
        self.decide_inner(retries_so_far, error, Some(now))
    }

    pub(crate) fn decide_inner<E: ApiError + ?Sized>(
        &self,
        retries_so_far: u32,
        error: &E,
        now: Option<Instant>,
    ) -> RetryDecision {
        let retryability = error.retryability();
        if retryability == Retryability::Fatal {
            return RetryDecision::GiveUp(GiveUpReason::Fatal);
        }
        // gRPC A6 counts every retryable failure, the last attempt's too.
        let throttle_allows = self
            .throttle
            .as_ref()
            .map_or(true, RetryThrottle::record_failure);
        if retries_so_far >= self.max_retries {
            return RetryDecision::GiveUp(GiveUpReason::RetriesExhausted);
        }
        let retry_after = error.retry_after();
        if let Some(retry_after) = retry_after {
            if retry_after > self.max_retry_after {
                return RetryDecision::GiveUp(GiveUpReason::RetryAfterTooLong {
                    retry_after,
                    max: self.max_retry_after,
                });
            }
        }
        if !throttle_allows {
            return RetryDecision::GiveUp(GiveUpReason::RetryThrottled);
        }
        let delay = self.delay(retries_so_far, retryability, retry_after);
        if let (Some(deadline), Some(now)) = (self.deadline, now) {
            match now.checked_add(delay) {
                Some(wake) if wake <= deadline => {}
                _ => return RetryDecision::GiveUp(GiveUpReason::Deadline),
            }
        }
        if let Err(reason) = self.withdraw(now) {
            return RetryDecision::GiveUp(reason);
        }
        RetryDecision::RetryAfter(delay)
    }

    /// The server's `Retry-After` (plus up to 10% jitter) when it gave one, else the
    /// jittered backoff. The server knows when capacity returns: its delay is used as
    /// given, neither shortened nor stretched beyond the 10% that spreads out clients
    /// sent the same date.
    fn delay(
        &self,
        retries_so_far: u32,
        retryability: Retryability,
        retry_after: Option<Duration>,
    ) -> Duration {
        if let Some(minimum) = retry_after {
            let extra = match self.jitter {
                Jitter::None => Duration::ZERO,
                Jitter::Full | Jitter::Equal => self.rng.duration_up_to(minimum / 10),
            };
            return minimum.saturating_add(extra);
        }
        let base_delay = match (retryability, self.throttled_base_delay) {
            (Retryability::Throttled, Some(throttled)) => throttled,
            _ => self.base_delay,
        };
        let backoff = self.backoff_from(base_delay, retries_so_far);
        match self.jitter {
            Jitter::None => backoff,
            Jitter::Full => self.rng.duration_up_to(backoff),
            Jitter::Equal => {
                let half = backoff / 2;
                half + self.rng.duration_up_to(backoff - half)
            }
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("base_delay", &self.base_delay)
            .field("throttled_base_delay", &self.throttled_base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("jitter", &self.jitter)
            .field("deadline", &self.deadline)
            .field("budget", &self.budget)
            .field("throttle", &self.throttle)
            .field("adaptive", &self.adaptive)
            .finish_non_exhaustive()
    }
}
