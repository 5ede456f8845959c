//! [`RetryBudget`]: retries paid from a budget shared by every clone, so a sustained
//! outage stops retry storms — a token bucket, or a share of the recent traffic.

use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::window::{Ring, SLOTS};

/// A retry budget shared between clones and threads: a token bucket (the AWS SDKs'
/// retry quota) or a ratio of the recent requests (Finagle's and tower's budget).
///
/// When the budget refuses a retry, [`RetryPolicy::decide`](super::RetryPolicy::decide)
/// gives up with [`GiveUpReason::BudgetExhausted`](super::GiveUpReason::BudgetExhausted):
/// while a service is down, clients make about one attempt per request instead of
/// three. Clones share the same budget; every operation is a lock-free atomic update
/// and allocates nothing.
///
/// # The token bucket: [`RetryBudget::new`]
///
/// The bucket starts full. Each retry withdraws `retry_cost` tokens and each
/// success puts back `success_refund`, up to `capacity`: retries come back as
/// successes refill the bucket.
///
/// ```
/// use dos_errors::retry::RetryBudget;
///
/// let budget = RetryBudget::new(10, 5, 1);
/// let shared = budget.clone();
/// assert!(budget.try_withdraw());
/// assert!(shared.try_withdraw());
/// assert!(!budget.try_withdraw()); // empty: 10 - 5 - 5
/// shared.record_success();
/// assert_eq!(budget.available(), 1);
/// ```
///
/// # The ratio budget: [`RetryBudget::ratio`]
///
/// Retries may be up to a fraction of the requests sent in the last `ttl`, plus a
/// reserve of `min_per_sec` retries per second for clients with little traffic.
/// Each request [deposits](RetryBudget::deposit) `ratio` of a retry, each retry
/// withdraws one, and both expire after `ttl` (Finagle's `RetryBudget`, tower's
/// `TpsBudget`). The budget follows the traffic: a client sending 1,000 requests a
/// second may retry 200 of them with a ratio of 0.2, one sending 10 may retry 2
/// (plus the reserve), and neither can multiply the load of a failing service by
/// more than `1 + ratio`.
///
/// [`retry_blocking`](super::retry_blocking) and [`retry_async`](super::retry_async)
/// deposit once per call (the first attempt; retries do not pay for retries). Used
/// by hand, call [`RetryPolicy::record_request`](super::RetryPolicy::record_request).
///
/// ```
/// use std::time::{Duration, Instant};
/// use dos_errors::retry::RetryBudget;
///
/// // 20 % of the requests of the last 10 s, and no reserve.
/// let budget = RetryBudget::ratio(0.2, 0, Duration::from_secs(10));
/// let start = Instant::now();
/// for _ in 0..10 {
///     budget.deposit_at(start);
/// }
/// assert!(budget.try_withdraw_at(start));
/// assert!(budget.try_withdraw_at(start));
/// assert!(!budget.try_withdraw_at(start)); // 10 requests pay for 2 retries
///
/// // Deposits and withdrawals expire after the ttl.
/// let later = start + Duration::from_secs(11);
/// budget.deposit_at(later);
/// budget.deposit_at(later);
/// budget.deposit_at(later);
/// budget.deposit_at(later);
/// budget.deposit_at(later);
/// assert_eq!(budget.available_at(later), 1);
/// ```
///
/// The time of each operation can be given (`*_at(now)`, for virtual time and
/// tests); the other methods read [`Instant::now`]. The window starts at the first
/// instant the budget is given and is cut into ten slots that expire one at a time.
///
/// The balance can fall below zero when deposits expire before the retries they
/// paid for: then no retry is allowed until those retries expire too, and
/// [`available`](RetryBudget::available) is 0. Concurrent withdrawals never take
/// more than the balance (one atomic holds it). One approximation remains: an
/// operation that races with the expiry of its own slot — possible only when the
/// budget has been idle for a whole `ttl` — may expire with it.
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<Kind>,
}

enum Kind {
    Bucket(Bucket),
    Ratio(Ratio),
}

struct Bucket {
    tokens: AtomicU32,
    capacity: u32,
    retry_cost: u32,
    success_refund: u32,
}

/// One retry, in the fixed-point units of the ratio budget (ratios to 1/10,000).
const UNIT: i64 = 10_000;

struct Ratio {
    ring: Ring,
    ratio: f64,
    min_per_sec: u32,
    /// What one request deposits, in units.
    deposit: i64,
    /// `min_per_sec · ttl` retries, in units: always there, never expiring.
    reserve: i64,
    /// `reserve` + the sum of `slots`: what may be withdrawn now.
    balance: AtomicI64,
    /// The net deposits of each slot of the window, in units.
    slots: [AtomicI64; SLOTS],
}

impl Ratio {
    /// Moves to the slot of `now`, expiring what leaves the window; the slot to write to.
    fn slot(&self, now: Instant) -> usize {
        self.ring.advance(now, |expired| {
            let old = self.slots[expired].swap(0, Ordering::AcqRel);
            self.balance.fetch_sub(old, Ordering::AcqRel);
        })
    }

    fn deposit_at(&self, now: Instant) {
        let slot = self.slot(now);
        self.slots[slot].fetch_add(self.deposit, Ordering::AcqRel);
        self.balance.fetch_add(self.deposit, Ordering::AcqRel);
    }

    fn try_withdraw_at(&self, now: Instant) -> bool {
        let slot = self.slot(now);
        let paid = self
            .balance
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |balance| {
                (balance >= UNIT).then(|| balance - UNIT)
            })
            .is_ok();
        if paid {
            self.slots[slot].fetch_sub(UNIT, Ordering::AcqRel);
        }
        paid
    }

    fn whole_retries(&self) -> u32 {
        let balance = self.balance.load(Ordering::Acquire).max(0) / UNIT;
        u32::try_from(balance).unwrap_or(u32::MAX)
    }
}

impl RetryBudget {
    /// The AWS SDKs' defaults: capacity 500, a retry costs 5, a success refunds 1.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Tokens a retry costs by default.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// Tokens a success refunds by default.
    pub const DEFAULT_SUCCESS_REFUND: u32 = 1;

    /// A token bucket: full with `capacity` tokens; a retry costs `retry_cost`, a success refunds `success_refund`.
    #[must_use]
    pub fn new(capacity: u32, retry_cost: u32, success_refund: u32) -> Self {
        RetryBudget {
            inner: Arc::new(Kind::Bucket(Bucket {
                tokens: AtomicU32::new(capacity),
                capacity,
                retry_cost,
                success_refund,
            })),
        }
    }

    /// A ratio budget: retries up to `ratio` of the requests deposited in the last
    /// `ttl`, plus `min_per_sec` retries per second; e.g. `ratio(0.2, 10, 10 s)`,
    /// Finagle's defaults.
    ///
    /// Bad values do not panic: `ratio` is clamped to `0.0..=1000.0` (NaN is 0) and
    /// kept to four decimals, `ttl` to `1 ms..=1 h`.
    #[must_use]
    pub fn ratio(ratio: f64, min_per_sec: u32, ttl: Duration) -> Self {
        let ratio = if ratio.is_nan() {
            0.0
        } else {
            ratio.clamp(0.0, 1000.0)
        };
        let ttl = ttl.clamp(Duration::from_millis(1), Duration::from_secs(3600));
        // At most 1000 · 10,000: exact in f64 and far inside i64.
        let deposit = (ratio * UNIT as f64).round() as i64;
        let reserve = i128::from(min_per_sec) * i128::try_from(ttl.as_nanos()).unwrap_or(i128::MAX)
            / 1_000_000_000
            * i128::from(UNIT);
        let reserve = i64::try_from(reserve).unwrap_or(i64::MAX);
        RetryBudget {
            inner: Arc::new(Kind::Ratio(Ratio {
                ring: Ring::new(ttl),
                ratio,
                min_per_sec,
                deposit,
                reserve,
                balance: AtomicI64::new(reserve),
                slots: std::array::from_fn(|_| AtomicI64::new(0)),
            })),
        }
    }

    /// Counts a request sent: a ratio budget gains `ratio` of a retry, for `ttl`.
    /// A token bucket ignores it.
    pub fn deposit(&self) {
        if let Kind::Ratio(ratio) = &*self.inner {
            ratio.deposit_at(Instant::now());
        }
    }

    /// [`deposit`](RetryBudget::deposit) at `now`.
    pub fn deposit_at(&self, now: Instant) {
        if let Kind::Ratio(ratio) = &*self.inner {
            ratio.deposit_at(now);
        }
    }

    /// Pays for one retry; `false` (and nothing taken) when the budget cannot.
    pub fn try_withdraw(&self) -> bool {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.try_withdraw(),
            Kind::Ratio(ratio) => ratio.try_withdraw_at(Instant::now()),
        }
    }

    /// [`try_withdraw`](RetryBudget::try_withdraw) at `now`.
    pub fn try_withdraw_at(&self, now: Instant) -> bool {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.try_withdraw(),
            Kind::Ratio(ratio) => ratio.try_withdraw_at(now),
        }
    }

    /// Puts the refund of one success back into a token bucket, never above the
    /// capacity. A ratio budget ignores it: its deposits come from requests.
    pub fn record_success(&self) {
        if let Kind::Bucket(bucket) = &*self.inner {
            bucket.record_success();
        }
    }

    /// Tokens left now in a token bucket; whole retries allowed now by a ratio budget.
    #[must_use]
    pub fn available(&self) -> u32 {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.tokens.load(Ordering::Acquire),
            Kind::Ratio(ratio) => {
                ratio.slot(Instant::now());
                ratio.whole_retries()
            }
        }
    }

    /// [`available`](RetryBudget::available) at `now`.
    #[must_use]
    pub fn available_at(&self, now: Instant) -> u32 {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.tokens.load(Ordering::Acquire),
            Kind::Ratio(ratio) => {
                ratio.slot(now);
                ratio.whole_retries()
            }
        }
    }

    /// The most tokens a bucket holds; for a ratio budget, its reserve
    /// (`min_per_sec · ttl` retries, which need no deposit).
    #[must_use]
    pub fn capacity(&self) -> u32 {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.capacity,
            Kind::Ratio(ratio) => u32::try_from(ratio.reserve / UNIT).unwrap_or(u32::MAX),
        }
    }

    /// Tokens a retry costs (1 for a ratio budget).
    #[must_use]
    pub fn retry_cost(&self) -> u32 {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.retry_cost,
            Kind::Ratio(_) => 1,
        }
    }

    /// Tokens a success refunds (0 for a ratio budget).
    #[must_use]
    pub fn success_refund(&self) -> u32 {
        match &*self.inner {
            Kind::Bucket(bucket) => bucket.success_refund,
            Kind::Ratio(_) => 0,
        }
    }

    /// For a ratio budget, `(ratio, min_per_sec, ttl)` as applied; `None` for a token bucket.
    #[must_use]
    pub fn ratio_settings(&self) -> Option<(f64, u32, Duration)> {
        match &*self.inner {
            Kind::Bucket(_) => None,
            Kind::Ratio(ratio) => Some((ratio.ratio, ratio.min_per_sec, ratio.ring.window())),
        }
    }

    /// `true` when both budgets are clones of one budget.
    #[must_use]
    pub fn shares_tokens_with(&self, other: &RetryBudget) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Whether operations depend on the time (a ratio budget).
    pub(crate) fn needs_clock(&self) -> bool {
        matches!(&*self.inner, Kind::Ratio(_))
    }
}

impl Bucket {
    fn try_withdraw(&self) -> bool {
        let cost = self.retry_cost;
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    fn record_success(&self) {
        let (refund, capacity) = (self.success_refund, self.capacity);
        // The closure always returns Some, so this cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(refund).min(capacity))
            });
    }
}

impl Default for RetryBudget {
    /// [`RetryBudget::new`]`(500, 5, 1)`.
    fn default() -> Self {
        RetryBudget::new(
            Self::DEFAULT_CAPACITY,
            Self::DEFAULT_RETRY_COST,
            Self::DEFAULT_SUCCESS_REFUND,
        )
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.inner {
            Kind::Bucket(bucket) => f
                .debug_struct("RetryBudget")
                .field("available", &bucket.tokens.load(Ordering::Acquire))
                .field("capacity", &bucket.capacity)
                .field("retry_cost", &bucket.retry_cost)
                .field("success_refund", &bucket.success_refund)
                .finish(),
            Kind::Ratio(ratio) => f
                .debug_struct("RetryBudget")
                .field("ratio", &ratio.ratio)
                .field("min_per_sec", &ratio.min_per_sec)
                .field("ttl", &ratio.ring.window())
                .field("available", &ratio.whole_retries())
                .finish(),
        }
    }
}
