//! [`AdaptiveThrottle`]: Google SRE's client-side throttling, and [`ClientThrottled`],
//! the local error of a request it rejects.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::rng::SharedRng;
use super::window::{Ring, SLOTS};
use crate::client::ErrorResponse;
use crate::{ApiError, Retryability, Status};

/// Google SRE's adaptive client-side throttling ("Handling Overload", *Site
/// Reliability Engineering*, ch. 21): when the backend rejects most requests, the
/// client rejects some locally, before they cost the backend anything.
///
/// Over a sliding `window` the throttle counts
///
/// - `requests`: every request the application tried to send, including those the
///   throttle rejected ([`should_send`](AdaptiveThrottle::should_send) counts them), and
/// - `accepts`: the responses the backend accepted
///   ([`record_accept`](AdaptiveThrottle::record_accept)),
///
/// and rejects each new request with probability
/// `max(0, (requests − k·accepts) / (requests + 1))`, computed before it is
/// counted. With `k = 2` (the book's choice) the backend keeps receiving about twice
/// the traffic it accepts: enough to notice when it recovers, little enough to
/// recover. Lower `k` sheds more; higher `k` sheds less.
///
/// **What counts as accepted**: any response except a throttling or an overload
/// error — see [`is_accepted`](AdaptiveThrottle::is_accepted). A 400 or a 500 is
/// accepted: the backend spent its work on it.
///
/// Attach it with [`RetryPolicy::adaptive`](super::RetryPolicy::adaptive):
/// [`retry_blocking`](super::retry_blocking), [`retry_async`](super::retry_async),
/// [`hedge_async`](super::hedge_async) and [`RetryLoop`](super::RetryLoop) then
/// consult it before every attempt, record every response, and return
/// [`ClientThrottled`] instead of sending a rejected attempt.
///
/// Clones share the counts and the random sequence; every operation is a few
/// lock-free atomic updates and allocates nothing. The time of each operation can be
/// given (`*_at(now)`, for virtual time and tests); the other methods read
/// [`Instant::now`]. The window starts at the first instant given and is cut into ten
/// slots that expire one at a time.
///
/// ```
/// use std::time::{Duration, Instant};
/// use dos_errors::retry::AdaptiveThrottle;
///
/// let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(120)).seed(7);
/// let now = Instant::now();
/// // Healthy: every request accepted, nothing rejected.
/// for _ in 0..100 {
///     assert!(throttle.should_send_at(now));
///     throttle.record_accept_at(now);
/// }
/// // The backend starts rejecting everything: more and more requests stay local.
/// let rejected = (0..1000).filter(|_| !throttle.should_send_at(now)).count();
/// assert!((450..650).contains(&rejected), "{rejected}"); // about 560 expected
/// // (1100 − 2·100) / 1101
/// assert!((throttle.rejection_probability_at(now) - 900.0 / 1101.0).abs() < 1e-12);
/// ```
#[derive(Clone)]
pub struct AdaptiveThrottle {
    inner: Arc<Counts>,
}

struct Counts {
    ring: Ring,
    k: f64,
    requests: [AtomicU64; SLOTS],
    accepts: [AtomicU64; SLOTS],
    rng: SharedRng,
}

impl Counts {
    fn slot(&self, now: Instant) -> usize {
        self.ring.advance(now, |expired| {
            self.requests[expired].store(0, Ordering::Release);
            self.accepts[expired].store(0, Ordering::Release);
        })
    }

    fn totals(&self) -> (u64, u64) {
        let sum = |slots: &[AtomicU64; SLOTS]| {
            slots
                .iter()
                .map(|slot| slot.load(Ordering::Acquire))
                .fold(0u64, u64::saturating_add)
        };
        (sum(&self.requests), sum(&self.accepts))
    }

    fn probability(&self) -> f64 {
        let (requests, accepts) = self.totals();
        // u64 → f64 rounds beyond 2^53 requests; irrelevant for a probability.
        let (requests, accepts) = (requests as f64, accepts as f64);
        ((requests - self.k * accepts) / (requests + 1.0)).clamp(0.0, 1.0)
    }
}

impl AdaptiveThrottle {
    /// The book's `k`.
    pub const DEFAULT_K: f64 = 2.0;
    /// The book's window: two minutes.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(120);

    /// A throttle with multiplier `k` (at least 0; NaN is the book's 2) over a
    /// sliding `window` (at least 10 ns).
    #[must_use]
    pub fn new(k: f64, window: Duration) -> Self {
        let k = if k.is_nan() {
            Self::DEFAULT_K
        } else {
            k.clamp(0.0, 1e12)
        };
        AdaptiveThrottle {
            inner: Arc::new(Counts {
                ring: Ring::new(window),
                k,
                requests: std::array::from_fn(|_| AtomicU64::new(0)),
                accepts: std::array::from_fn(|_| AtomicU64::new(0)),
                rng: SharedRng::from_entropy(),
            }),
        }
    }

    /// Makes the random draws a repeatable sequence fixed by the number given, for tests and
    /// simulations (the sequence is shared with the clones).
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        self.inner.rng.reseed(seed);
        self
    }

    /// Counts a request and decides whether to send it (`true`) or reject it locally.
    pub fn should_send(&self) -> bool {
        self.should_send_at(Instant::now())
    }

    /// [`should_send`](AdaptiveThrottle::should_send) at `now`.
    pub fn should_send_at(&self, now: Instant) -> bool {
        let counts = &*self.inner;
        let slot = counts.slot(now);
        let probability = counts.probability();
        counts.requests[slot].fetch_add(1, Ordering::AcqRel);
        // A zero probability draws nothing, so healthy traffic costs no random numbers.
        probability == 0.0 || counts.rng.unit() >= probability
    }

    /// Counts a response that the backend accepted.
    pub fn record_accept(&self) {
        self.record_accept_at(Instant::now());
    }

    /// [`record_accept`](AdaptiveThrottle::record_accept) at `now`.
    pub fn record_accept_at(&self, now: Instant) {
        let counts = &*self.inner;
        let slot = counts.slot(now);
        counts.accepts[slot].fetch_add(1, Ordering::AcqRel);
    }

    /// Records the response of a sent attempt that failed with `error`: an accept
    /// unless [`is_accepted`](AdaptiveThrottle::is_accepted) says otherwise.
    pub fn record_error<E: ApiError + ?Sized>(&self, error: &E) {
        self.record_error_at(error, Instant::now());
    }

    /// [`record_error`](AdaptiveThrottle::record_error) at `now`.
    pub fn record_error_at<E: ApiError + ?Sized>(&self, error: &E, now: Instant) {
        if Self::is_accepted(error) {
            self.record_accept_at(now);
        }
    }

    /// Whether the backend accepted a request that failed with `error`.
    ///
    /// Everything is accepted except throttling and overload: an error whose
    /// retryability is [`Throttled`](Retryability::Throttled), a 429, a 503, a 529
    /// (Anthropic's "overloaded"), or an error of type `client_throttled_error`
    /// ([`ClientThrottled`], e.g. from a nested throttle). Successes are always accepted.
    ///
    /// ```
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::retry::{AdaptiveThrottle, ClientThrottled};
    ///
    /// assert!(AdaptiveThrottle::is_accepted(&ErrorResponse::from_parts(400, &[], b"")));
    /// assert!(AdaptiveThrottle::is_accepted(&ErrorResponse::from_parts(500, &[], b"")));
    /// assert!(!AdaptiveThrottle::is_accepted(&ErrorResponse::from_parts(429, &[], b"")));
    /// assert!(!AdaptiveThrottle::is_accepted(&ErrorResponse::from_parts(503, &[], b"")));
    /// assert!(!AdaptiveThrottle::is_accepted(&ClientThrottled));
    /// ```
    #[must_use]
    pub fn is_accepted<E: ApiError + ?Sized>(error: &E) -> bool {
        let rejected = error.retryability() == Retryability::Throttled
            || matches!(error.status().as_u16(), 429 | 503 | 529)
            || error.error_type() == ClientThrottled::ERROR_TYPE;
        !rejected
    }

    /// The probability that the next request is rejected, now.
    #[must_use]
    pub fn rejection_probability(&self) -> f64 {
        self.rejection_probability_at(Instant::now())
    }

    /// [`rejection_probability`](AdaptiveThrottle::rejection_probability) at `now`.
    #[must_use]
    pub fn rejection_probability_at(&self, now: Instant) -> f64 {
        self.inner.slot(now);
        self.inner.probability()
    }

    /// `(requests, accepts)` in the window at `now`.
    #[must_use]
    pub fn counts_at(&self, now: Instant) -> (u64, u64) {
        self.inner.slot(now);
        self.inner.totals()
    }

    /// The multiplier `k`, as applied.
    #[must_use]
    pub fn k(&self) -> f64 {
        self.inner.k
    }

    /// The window, as applied (a multiple of ten slots).
    #[must_use]
    pub fn window(&self) -> Duration {
        self.inner.ring.window()
    }

    /// `true` when both throttles are clones of one.
    #[must_use]
    pub fn shares_counts_with(&self, other: &AdaptiveThrottle) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Default for AdaptiveThrottle {
    /// `k = 2` over two minutes, the book's values.
    fn default() -> Self {
        AdaptiveThrottle::new(Self::DEFAULT_K, Self::DEFAULT_WINDOW)
    }
}

impl fmt::Debug for AdaptiveThrottle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (requests, accepts) = self.inner.totals();
        f.debug_struct("AdaptiveThrottle")
            .field("k", &self.inner.k)
            .field("window", &self.window())
            .field("requests", &requests)
            .field("accepts", &accepts)
            .finish()
    }
}

/// The local error of a request that an [`AdaptiveThrottle`] rejected: it was never sent.
///
/// An [`ApiError`]: status 503, type `client_throttled_error`, retryable
/// ([`Transient`](Retryability::Transient)) — the service is overloaded, try later.
///
/// The retry helpers return it as their own error type `E`, so they require
/// `E: From<ClientThrottled>`. It is implemented for
/// [`ErrorResponse`] (a 503 with this type and message, as if the service had sent
/// it, without request id) and for `Box<dyn ApiError>`. For your own error enum, add
/// a variant:
///
/// ```
/// use dos_errors::retry::ClientThrottled;
/// use dos_errors::ApiError;
///
/// #[derive(Debug, ApiError)]
/// enum CallError {
///     #[api_error(status = 502)]
///     Upstream,
///     #[api_error(transparent)]
///     Throttled(ClientThrottled),
/// }
///
/// impl From<ClientThrottled> for CallError {
///     fn from(local: ClientThrottled) -> Self {
///         CallError::Throttled(local)
///     }
/// }
///
/// let err = CallError::from(ClientThrottled);
/// assert_eq!(err.status().as_u16(), 503);
/// assert_eq!(err.error_type(), "client_throttled_error");
/// assert!(err.is_retryable());
/// # assert_eq!(CallError::Upstream.status().as_u16(), 502);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ClientThrottled;

impl ClientThrottled {
    /// `client_throttled_error`.
    pub const ERROR_TYPE: &'static str = "client_throttled_error";
    /// The public message.
    pub const MESSAGE: &'static str =
        "The request was not sent: the client is throttling requests while the service rejects most of them.";
}

impl ApiError for ClientThrottled {
    fn status(&self) -> Status {
        Status::SERVICE_UNAVAILABLE
    }

    fn error_type(&self) -> &str {
        Self::ERROR_TYPE
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(Self::MESSAGE)
    }

    fn retryability(&self) -> Retryability {
        Retryability::Transient
    }
}

impl fmt::Display for ClientThrottled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request rejected locally by the adaptive client-side throttle")
    }
}

impl std::error::Error for ClientThrottled {}

impl From<ClientThrottled> for ErrorResponse {
    /// A 503 of type `client_throttled_error`, decoded from the envelope that
    /// [`ClientThrottled::to_json`](ApiError::to_json) writes (shape
    /// [`Envelope`](crate::client::BodyShape::Envelope), no headers, no request id).
    fn from(_: ClientThrottled) -> Self {
        // No headers, so the clock is never read: any instant will do.
        let envelope = ClientThrottled.to_json();
        ErrorResponse::from_parts_at(503, &[], envelope.as_bytes(), std::time::UNIX_EPOCH)
    }
}

impl From<ClientThrottled> for crate::client::CallError {
    /// The [`ErrorResponse`] of the local error.
    fn from(local: ClientThrottled) -> Self {
        ErrorResponse::from(local).into()
    }
}

impl From<ClientThrottled> for Box<dyn ApiError> {
    fn from(local: ClientThrottled) -> Self {
        Box::new(local)
    }
}

impl From<ClientThrottled> for Box<dyn ApiError + Send + Sync> {
    fn from(local: ClientThrottled) -> Self {
        Box::new(local)
    }
}
