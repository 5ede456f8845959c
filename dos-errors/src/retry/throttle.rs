//! [`RetryThrottle`]: gRPC's retry throttling (proposal A6), shared by clones, lock-free.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// gRPC's retry throttling (gRFC A6, "Throttling Retry Attempts and Hedged RPCs"):
/// retries stop while too many recent attempts have failed.
///
/// The throttle holds `token_count`, starting at `max_tokens`. Every failed attempt
/// takes one token, every successful one returns `token_ratio` (never above
/// `max_tokens`). While `token_count ≤ max_tokens / 2`, no retry and no hedge is
/// sent: [`RetryPolicy::decide`](super::RetryPolicy::decide) gives up with
/// [`GiveUpReason::RetryThrottled`](super::GiveUpReason::RetryThrottled), and the
/// failure goes back to the caller at once. First attempts are always sent.
///
/// Attach it with [`RetryPolicy::throttle`](super::RetryPolicy::throttle); the
/// policy then counts every retryable failure it is asked about (fatal errors such
/// as a 400 are not counted: they say nothing about the server's health) and every
/// success reported by [`record_success`](super::RetryPolicy::record_success).
///
/// As in gRPC, `token_ratio` keeps three decimals and the token count is exact
/// (thousandths of a token in one atomic): clones share it, every update is one
/// lock-free atomic operation, and it always stays within `0..=max_tokens`.
///
/// ```
/// use dos_errors::retry::RetryThrottle;
///
/// let throttle = RetryThrottle::new(10, 0.1); // gRPC's example values
/// for _ in 0..4 {
///     assert!(throttle.record_failure()); // 9, 8, 7, 6 tokens: still above 5
/// }
/// assert!(!throttle.record_failure()); // 5 tokens: retries stop
/// assert!(throttle.is_throttled());
/// for _ in 0..10 {
///     throttle.record_success(); // +0.1 each
/// }
/// assert_eq!(throttle.tokens(), 6.0);
/// assert!(!throttle.is_throttled());
/// ```
#[derive(Clone)]
pub struct RetryThrottle {
    inner: Arc<Tokens>,
}

struct Tokens {
    /// Thousandths of a token.
    milli: AtomicU32,
    max_milli: u32,
    ratio_milli: u32,
}

impl RetryThrottle {
    /// A full throttle of `max_tokens` (clamped to gRPC's `1..=1000`) where each
    /// success returns `token_ratio` tokens (to three decimals, clamped to
    /// `0.0..=max_tokens`; NaN is 0).
    #[must_use]
    pub fn new(max_tokens: u32, token_ratio: f64) -> Self {
        let max_milli = max_tokens.clamp(1, 1000) * 1000;
        let ratio_milli = if token_ratio.is_nan() {
            0.0
        } else {
            // gRPC ignores decimal places beyond the third (0.5466 is 0.546); a ratio
            // written with three decimals is kept exactly, although 0.003 · 1000 is
            // 2.9999999999999996 in binary.
            let scaled = token_ratio * 1000.0;
            let nearest = scaled.round();
            let thousandths = if (scaled - nearest).abs() < 1e-6 {
                nearest
            } else {
                scaled.floor()
            };
            thousandths.clamp(0.0, f64::from(max_milli))
        };
        // In 0..=1,000,000 after the clamp, so the cast is exact.
        let ratio_milli = ratio_milli as u32;
        RetryThrottle {
            inner: Arc::new(Tokens {
                milli: AtomicU32::new(max_milli),
                max_milli,
                ratio_milli,
            }),
        }
    }

    /// Takes a token for a failed attempt; returns whether retries are still allowed
    /// after it (more than `max_tokens / 2` tokens left).
    pub fn record_failure(&self) -> bool {
        let previous = self
            .inner
            .milli
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |milli| {
                Some(milli.saturating_sub(1000))
            })
            // The closure always returns Some.
            .unwrap_or_else(|milli| milli);
        self.allows(previous.saturating_sub(1000))
    }

    /// Returns `token_ratio` tokens for a successful attempt, up to `max_tokens`.
    pub fn record_success(&self) {
        let (ratio, max) = (self.inner.ratio_milli, self.inner.max_milli);
        let _ = self
            .inner
            .milli
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |milli| {
                Some(milli.saturating_add(ratio).min(max))
            });
    }

    /// `true` while retries and hedges are stopped: `tokens ≤ max_tokens / 2`.
    #[must_use]
    pub fn is_throttled(&self) -> bool {
        !self.allows(self.inner.milli.load(Ordering::Acquire))
    }

    /// The token count now (exact to the thousandth).
    #[must_use]
    pub fn tokens(&self) -> f64 {
        f64::from(self.inner.milli.load(Ordering::Acquire)) / 1000.0
    }

    /// The most tokens, as applied.
    #[must_use]
    pub fn max_tokens(&self) -> u32 {
        self.inner.max_milli / 1000
    }

    /// Tokens returned per success, as applied (three decimals).
    #[must_use]
    pub fn token_ratio(&self) -> f64 {
        f64::from(self.inner.ratio_milli) / 1000.0
    }

    /// `true` when both throttles are clones of one.
    #[must_use]
    pub fn shares_tokens_with(&self, other: &RetryThrottle) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    fn allows(&self, milli: u32) -> bool {
        // tokens > max / 2, in thousandths and without a division.
        u64::from(milli) * 2 > u64::from(self.inner.max_milli)
    }
}

impl fmt::Debug for RetryThrottle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryThrottle")
            .field("tokens", &self.tokens())
            .field("max_tokens", &self.max_tokens())
            .field("token_ratio", &self.token_ratio())
            .finish()
    }
}
