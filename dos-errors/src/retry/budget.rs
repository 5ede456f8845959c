//! [`RetryBudget`]: a token bucket shared by every clone, so a sustained outage stops retry storms.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// A retry token bucket shared between clones and threads (the AWS SDKs' retry quota).
///
/// The bucket starts full. Each retry withdraws `retry_cost` tokens and each
/// success puts back `success_refund`, up to `capacity`. When too few tokens are
/// left, [`RetryPolicy::decide`](super::RetryPolicy::decide) gives up with
/// [`GiveUpReason::BudgetExhausted`](super::GiveUpReason::BudgetExhausted): while
/// a service is down, clients make one attempt per request instead of three, and
/// retries come back as successes refill the bucket.
///
/// Clones share the same tokens; every operation is a lock-free atomic update.
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
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<Bucket>,
}

struct Bucket {
    tokens: AtomicU32,
    capacity: u32,
    retry_cost: u32,
    success_refund: u32,
}

impl RetryBudget {
    /// The AWS SDKs' defaults: capacity 500, a retry costs 5, a success refunds 1.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Tokens a retry costs by default.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// Tokens a success refunds by default.
    pub const DEFAULT_SUCCESS_REFUND: u32 = 1;

    /// A full bucket of `capacity` tokens; a retry costs `retry_cost`, a success refunds `success_refund`.
    #[must_use]
    pub fn new(capacity: u32, retry_cost: u32, success_refund: u32) -> Self {
        RetryBudget {
            inner: Arc::new(Bucket {
                tokens: AtomicU32::new(capacity),
                capacity,
                retry_cost,
                success_refund,
            }),
        }
    }

    /// Takes the cost of one retry from the bucket; `false` (and nothing taken) when too few tokens are left.
    pub fn try_withdraw(&self) -> bool {
        let cost = self.inner.retry_cost;
        self.inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Puts the refund of one success back, never above the capacity.
    pub fn record_success(&self) {
        let (refund, capacity) = (self.inner.success_refund, self.inner.capacity);
        // The closure always returns Some, so this cannot fail.
        let _ = self
            .inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(refund).min(capacity))
            });
    }

    /// Tokens left now.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.inner.tokens.load(Ordering::Acquire)
    }

    /// The most tokens the bucket holds.
    #[must_use]
    pub fn capacity(&self) -> u32 {
        self.inner.capacity
    }

    /// Tokens a retry costs.
    #[must_use]
    pub fn retry_cost(&self) -> u32 {
        self.inner.retry_cost
    }

    /// Tokens a success refunds.
    #[must_use]
    pub fn success_refund(&self) -> u32 {
        self.inner.success_refund
    }

    /// `true` when both budgets are clones of one bucket.
    #[must_use]
    pub fn shares_tokens_with(&self, other: &RetryBudget) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
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
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("capacity", &self.inner.capacity)
            .field("retry_cost", &self.inner.retry_cost)
            .field("success_refund", &self.inner.success_refund)
            .finish()
    }
}
