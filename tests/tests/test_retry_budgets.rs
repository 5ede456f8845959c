//! `dos_errors::retry`: the fleet-level mechanisms — the ratio budget, gRPC A6's
//! retry throttle, Google SRE's adaptive throttle, the throttled backoff.

use std::time::{Duration, Instant};

use dos_errors::client::ErrorResponse;
use dos_errors::retry::{
    AdaptiveThrottle, ClientThrottled, GiveUpReason, Jitter, RetryBudget, RetryDecision,
    RetryPolicy, RetryThrottle,
};
use proptest::prelude::*;

fn response(status: u16, headers: &[(&str, &str)]) -> ErrorResponse {
    ErrorResponse::from_parts(status, headers, b"")
}

fn secs(base: Instant, seconds: f64) -> Instant {
    base + Duration::from_secs_f64(seconds)
}

// ---- The ratio budget ---------------------------------------------------------------------

#[test]
fn ratio_budget_pays_retries_with_a_share_of_the_requests() {
    let budget = RetryBudget::ratio(0.2, 0, Duration::from_secs(10));
    let t0 = Instant::now();
    for _ in 0..25 {
        budget.deposit_at(t0);
    }
    assert_eq!(budget.available_at(t0), 5);
    let granted = (0..10).filter(|_| budget.try_withdraw_at(t0)).count();
    assert_eq!(granted, 5);
    assert_eq!(budget.available_at(t0), 0);
    // Clones share the balance.
    let clone = budget.clone();
    assert!(clone.shares_tokens_with(&budget));
    for _ in 0..5 {
        clone.deposit_at(t0);
    }
    assert!(budget.try_withdraw_at(t0));
    assert!(!clone.try_withdraw_at(t0));
}

#[test]
fn ratio_budget_reserve_allows_min_per_sec_without_traffic() {
    let budget = RetryBudget::ratio(0.2, 2, Duration::from_secs(10));
    assert_eq!(budget.capacity(), 20); // 2 per second over 10 s
    assert_eq!((budget.retry_cost(), budget.success_refund()), (1, 0));
    let t0 = Instant::now();
    assert_eq!((0..30).filter(|_| budget.try_withdraw_at(t0)).count(), 20);
    // The withdrawals expire with their slot, a ttl later: the reserve is back.
    assert_eq!(budget.available_at(secs(t0, 9.5)), 0);
    assert_eq!(budget.available_at(secs(t0, 10.0)), 20);
    // Successes do not refill a ratio budget; only requests do.
    budget.record_success();
    assert_eq!(budget.available_at(secs(t0, 10.0)), 20);
}

#[test]
fn ratio_budget_deposits_expire_after_the_ttl() {
    let budget = RetryBudget::ratio(0.5, 0, Duration::from_secs(10));
    let t0 = Instant::now();
    for _ in 0..10 {
        budget.deposit_at(t0);
    }
    assert_eq!(budget.available_at(secs(t0, 9.99)), 5);
    assert_eq!(budget.available_at(secs(t0, 10.0)), 0);
    assert!(!budget.try_withdraw_at(secs(t0, 10.0)));
}

#[test]
fn ratio_budget_spent_deposits_that_expire_leave_a_debt() {
    let budget = RetryBudget::ratio(0.5, 0, Duration::from_secs(10));
    let t0 = Instant::now();
    for _ in 0..4 {
        budget.deposit_at(t0); // 2 retries
    }
    assert!(budget.try_withdraw_at(secs(t0, 5.0)));
    assert!(budget.try_withdraw_at(secs(t0, 5.0)));
    // The deposits expire, the retries they paid for do not yet: no retry allowed,
    // even after a new request's deposit.
    budget.deposit_at(secs(t0, 10.5));
    budget.deposit_at(secs(t0, 10.5));
    assert_eq!(budget.available_at(secs(t0, 10.5)), 0);
    assert!(!budget.try_withdraw_at(secs(t0, 10.5)));
    // Once the retries expire too, the new deposits count.
    assert_eq!(budget.available_at(secs(t0, 15.0)), 1);
    assert!(budget.try_withdraw_at(secs(t0, 15.0)));
}

#[test]
fn ratio_budget_applies_its_settings_and_takes_bad_values_without_panicking() {
    let settings = |budget: RetryBudget| budget.ratio_settings().unwrap();
    assert_eq!(
        settings(RetryBudget::ratio(0.2, 10, Duration::from_secs(10))),
        (0.2, 10, Duration::from_secs(10))
    );
    assert_eq!(
        settings(RetryBudget::ratio(f64::NAN, 0, Duration::ZERO)).0,
        0.0
    );
    assert_eq!(settings(RetryBudget::ratio(-3.0, 0, Duration::ZERO)).0, 0.0);
    assert_eq!(
        settings(RetryBudget::ratio(1e300, 0, Duration::MAX)).0,
        1000.0
    );
    assert_eq!(
        settings(RetryBudget::ratio(f64::INFINITY, u32::MAX, Duration::MAX)).2,
        Duration::from_secs(3600)
    );
    assert_eq!(
        settings(RetryBudget::ratio(1.0, 1, Duration::ZERO)).2,
        Duration::from_millis(1)
    );
    // Extremes still work.
    let budget = RetryBudget::ratio(1000.0, u32::MAX, Duration::MAX);
    let t0 = Instant::now();
    budget.deposit_at(t0);
    assert!(budget.try_withdraw_at(t0));
    assert_eq!(budget.capacity(), u32::MAX);
    // A zero ratio pays nothing.
    let nothing = RetryBudget::ratio(0.0, 0, Duration::from_secs(1));
    nothing.deposit_at(t0);
    assert!(!nothing.try_withdraw_at(t0));
    assert_eq!(RetryBudget::default().ratio_settings(), None);
}

#[test]
fn token_bucket_ignores_deposits() {
    let bucket = RetryBudget::new(10, 5, 1);
    bucket.deposit();
    bucket.deposit_at(Instant::now());
    assert_eq!(bucket.available(), 10);
    assert!(bucket.try_withdraw_at(Instant::now()));
    assert_eq!(bucket.available_at(Instant::now()), 5);
}

#[test]
fn concurrent_deciders_never_overspend_a_ratio_budget() {
    let budget = RetryBudget::ratio(0.25, 3, Duration::from_secs(10));
    let now = Instant::now();
    for _ in 0..400 {
        budget.deposit_at(now); // 100 retries, plus 30 in reserve
    }
    let policy = RetryPolicy::default().budget(budget.clone());
    let granted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let policy = policy.clone();
                scope.spawn(move || {
                    let err = response(503, &[]);
                    (0..100)
                        .filter(|_| policy.decide_at(0, &err, now).is_retry())
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(granted, 130);
    assert_eq!(budget.available_at(now), 0);
}

#[test]
fn concurrent_deposits_and_withdrawals_conserve_the_balance() {
    let budget = RetryBudget::ratio(0.5, 0, Duration::from_secs(10));
    let now = Instant::now();
    let granted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let budget = budget.clone();
                scope.spawn(move || {
                    let mut granted = 0;
                    for _ in 0..1000 {
                        budget.deposit_at(now);
                        granted += usize::from(budget.try_withdraw_at(now));
                    }
                    granted
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    // 6000 requests pay for 3000 retries: what was not taken is still there.
    assert!(granted <= 3000, "{granted}");
    assert_eq!(budget.available_at(now) as usize + granted, 3000);
}

/// The ratio budget as a plain list of dated amounts, for comparison.
struct RatioModel {
    reserve: i64,
    deposit: i64,
    entries: Vec<(u64, i64)>,
}

impl RatioModel {
    const UNIT: i64 = 10_000;

    fn balance(&self, slot: u64) -> i64 {
        let live = |&&(entry_slot, _): &&(u64, i64)| entry_slot + 10 > slot;
        self.reserve
            + self
                .entries
                .iter()
                .filter(live)
                .map(|(_, amount)| amount)
                .sum::<i64>()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Deposit,
    Withdraw,
    Wait(u64),
}

proptest! {
    /// The lock-free budget decides exactly as the model: retries granted in the
    /// window never exceed the reserve plus the window's deposits.
    #[test]
    fn ratio_budget_matches_its_model(
        hundredths in 0u32..300,
        min_per_sec in 0u32..3,
        ops in prop::collection::vec(
            prop_oneof![3 => Just(Op::Deposit), 3 => Just(Op::Withdraw), 1 => (0u64..4000).prop_map(Op::Wait)],
            0..400,
        ),
    ) {
        let ratio = f64::from(hundredths) / 100.0;
        let budget = RetryBudget::ratio(ratio, min_per_sec, Duration::from_secs(10));
        let mut model = RatioModel {
            reserve: i64::from(min_per_sec) * 10 * RatioModel::UNIT,
            deposit: i64::from(hundredths) * 100,
            entries: Vec::new(),
        };
        let base = Instant::now();
        // The window starts at the first instant the budget is given.
        prop_assert_eq!(budget.available_at(base), min_per_sec * 10);
        let mut millis = 0u64;
        for op in ops {
            let now = base + Duration::from_millis(millis);
            let slot = millis / 1000; // ten slots of one second
            match op {
                Op::Deposit => {
                    budget.deposit_at(now);
                    model.entries.push((slot, model.deposit));
                }
                Op::Withdraw => {
                    let expected = model.balance(slot) >= RatioModel::UNIT;
                    prop_assert_eq!(budget.try_withdraw_at(now), expected);
                    if expected {
                        model.entries.push((slot, -RatioModel::UNIT));
                        // Never over-spent: withdrawals in the window ≤ reserve + deposits in it.
                        let (mut spent, mut paid) = (0, model.reserve);
                        for &(entry_slot, amount) in &model.entries {
                            if entry_slot + 10 > slot {
                                if amount < 0 { spent -= amount } else { paid += amount }
                            }
                        }
                        prop_assert!(spent <= paid);
                    }
                }
                Op::Wait(ms) => millis += ms,
            }
            let available = u32::try_from(model.balance(slot).max(0) / RatioModel::UNIT).unwrap();
            prop_assert_eq!(budget.available_at(now), available);
        }
    }
}

// ---- gRPC A6: the retry throttle ----------------------------------------------------------

#[test]
fn a6_throttle_follows_the_proposal() {
    let throttle = RetryThrottle::new(10, 0.1);
    assert_eq!(
        (
            throttle.max_tokens(),
            throttle.token_ratio(),
            throttle.tokens()
        ),
        (10, 0.1, 10.0)
    );
    // Retries stop at max/2 and come back above it.
    let allowed: Vec<bool> = (0..6).map(|_| throttle.record_failure()).collect();
    assert_eq!(allowed, [true, true, true, true, false, false]);
    assert_eq!(throttle.tokens(), 4.0);
    for _ in 0..10 {
        throttle.record_success();
    }
    assert!(throttle.is_throttled()); // exactly 5: still at the threshold
    throttle.record_success();
    assert!(!throttle.is_throttled());
    // Never below 0, never above max.
    for _ in 0..100 {
        throttle.record_failure();
    }
    assert_eq!(throttle.tokens(), 0.0);
    for _ in 0..1000 {
        throttle.record_success();
    }
    assert_eq!(throttle.tokens(), 10.0);
}

#[test]
fn a6_throttle_clamps_as_grpc_does() {
    // "Decimal places beyond 3 are ignored. (eg. 0.5466 is treated as 0.546.)"
    assert_eq!(RetryThrottle::new(10, 0.5466).token_ratio(), 0.546);
    assert_eq!(RetryThrottle::new(10, 0.003).token_ratio(), 0.003);
    assert_eq!(RetryThrottle::new(10, 0.9999).token_ratio(), 0.999);
    assert_eq!(RetryThrottle::new(0, 1.0).max_tokens(), 1);
    assert_eq!(RetryThrottle::new(5000, 1.0).max_tokens(), 1000);
    assert_eq!(RetryThrottle::new(10, f64::NAN).token_ratio(), 0.0);
    assert_eq!(RetryThrottle::new(10, -1.0).token_ratio(), 0.0);
    assert_eq!(RetryThrottle::new(10, 1e9).token_ratio(), 10.0);
    // A throttle of one token stops retries at the first failure (0 ≤ 0.5).
    assert!(!RetryThrottle::new(1, 0.1).record_failure());
}

#[test]
fn policy_counts_retryable_failures_and_successes_in_the_throttle() {
    let throttle = RetryThrottle::new(4, 1.0);
    let policy = RetryPolicy::default()
        .jitter(Jitter::None)
        .throttle(throttle.clone());
    let err = response(503, &[]);
    // A fatal error says nothing about the server: not counted.
    assert_eq!(
        policy.decide(0, &response(400, &[])),
        RetryDecision::GiveUp(GiveUpReason::Fatal)
    );
    assert_eq!(throttle.tokens(), 4.0);
    // The last attempt's failure counts too (A6: every failed RPC).
    assert_eq!(
        policy.decide(2, &err),
        RetryDecision::GiveUp(GiveUpReason::RetriesExhausted)
    );
    assert_eq!(throttle.tokens(), 3.0);
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::GiveUp(GiveUpReason::RetryThrottled)
    );
    assert_eq!(throttle.tokens(), 2.0);
    policy.record_success();
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::GiveUp(GiveUpReason::RetryThrottled)
    );
    policy.record_success();
    policy.record_success();
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::RetryAfter(Duration::from_millis(500))
    );
    assert!(policy
        .retry_throttle()
        .unwrap()
        .shares_tokens_with(&throttle));
    assert_eq!(
        GiveUpReason::RetryThrottled.to_string(),
        "retries are throttled: too many recent attempts failed"
    );
}

#[test]
fn concurrent_failures_take_one_token_each() {
    let throttle = RetryThrottle::new(1000, 0.001);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let throttle = throttle.clone();
            scope.spawn(move || {
                for _ in 0..200 {
                    throttle.record_failure();
                    throttle.record_success();
                }
            });
        }
    });
    assert_eq!(throttle.tokens(), 200.8); // 1000 - 800 failures + 800 · 0.001
}

proptest! {
    #[test]
    fn a6_tokens_stay_within_bounds_and_match_the_model(
        max_tokens in 1u32..50,
        ratio_thousandths in 0u32..3000,
        events in prop::collection::vec(any::<bool>(), 0..300),
    ) {
        let throttle = RetryThrottle::new(max_tokens, f64::from(ratio_thousandths) / 1000.0);
        let max = i64::from(max_tokens) * 1000;
        let ratio = i64::from(ratio_thousandths).min(max);
        let mut model = max;
        for success in events {
            if success {
                throttle.record_success();
                model = (model + ratio).min(max);
            } else {
                let allowed = throttle.record_failure();
                model = (model - 1000).max(0);
                prop_assert_eq!(allowed, model * 2 > max);
            }
            let tokens = throttle.tokens();
            prop_assert!((0.0..=f64::from(max_tokens)).contains(&tokens));
            prop_assert_eq!(tokens, model as f64 / 1000.0);
            prop_assert_eq!(throttle.is_throttled(), model * 2 <= max);
        }
    }
}

// ---- Google SRE: the adaptive throttle ----------------------------------------------------

#[test]
fn adaptive_probability_is_the_books_formula() {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(120)).seed(1);
    let now = Instant::now();
    assert_eq!(throttle.rejection_probability_at(now), 0.0);
    for _ in 0..30 {
        throttle.record_accept_at(now);
    }
    let mut sent = 0;
    for _ in 0..200 {
        let (requests, accepts) = throttle.counts_at(now);
        let expected =
            ((requests as f64 - 2.0 * accepts as f64) / (requests as f64 + 1.0)).max(0.0);
        assert_eq!(throttle.rejection_probability_at(now), expected);
        sent += usize::from(throttle.should_send_at(now));
    }
    // Rejections start once requests pass 2·30: the first 60 always go through.
    assert!((60..200).contains(&sent), "{sent}");
    assert_eq!(throttle.counts_at(now), (200, 30));
    assert_eq!(
        (throttle.k(), throttle.window()),
        (2.0, Duration::from_secs(120))
    );
}

#[test]
fn adaptive_rejections_follow_the_probability() {
    let throttle = AdaptiveThrottle::new(1.5, Duration::from_secs(60)).seed(99);
    let now = Instant::now();
    for _ in 0..2000 {
        throttle.record_accept_at(now);
    }
    let (mut expected, mut variance, mut rejected) = (0.0, 0.0, 0.0);
    for _ in 0..20_000 {
        let p = throttle.rejection_probability_at(now);
        expected += p;
        variance += p * (1.0 - p);
        if !throttle.should_send_at(now) {
            rejected += 1.0;
        }
    }
    let deviation = (rejected - expected) / f64::sqrt(variance);
    assert!(
        deviation.abs() < 4.0,
        "rejected {rejected}, expected {expected:.0}"
    );
    assert!(rejected > 5000.0);
}

#[test]
fn adaptive_counts_expire_with_the_window() {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(10)).seed(5);
    let t0 = Instant::now();
    for _ in 0..100 {
        throttle.should_send_at(t0);
    }
    assert!(throttle.rejection_probability_at(t0) > 0.9);
    assert_eq!(throttle.counts_at(secs(t0, 9.9)), (100, 0));
    assert_eq!(throttle.counts_at(secs(t0, 10.0)), (0, 0));
    assert_eq!(throttle.rejection_probability_at(secs(t0, 10.0)), 0.0);
    assert!(throttle.should_send_at(secs(t0, 10.0)));
}

#[test]
fn adaptive_seeds_repeat() {
    let decisions = |seed| {
        let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(60)).seed(seed);
        let now = Instant::now();
        (0..500)
            .map(|_| throttle.should_send_at(now))
            .collect::<Vec<_>>()
    };
    assert_eq!(decisions(3), decisions(3));
    assert_ne!(decisions(3), decisions(4));
}

#[test]
fn adaptive_takes_bad_values_without_panicking() {
    assert_eq!(AdaptiveThrottle::new(f64::NAN, Duration::ZERO).k(), 2.0);
    assert_eq!(AdaptiveThrottle::new(-1.0, Duration::MAX).k(), 0.0);
    let throttle = AdaptiveThrottle::new(f64::INFINITY, Duration::ZERO);
    let now = Instant::now();
    throttle.record_accept_at(now);
    assert!(throttle.should_send_at(now));
    assert_eq!(
        AdaptiveThrottle::default().window(),
        Duration::from_secs(120)
    );
}

#[test]
fn what_counts_as_accepted() {
    for status in [400, 401, 402, 404, 409, 500, 502, 504] {
        assert!(
            AdaptiveThrottle::is_accepted(&response(status, &[])),
            "{status}"
        );
    }
    for status in [429, 503, 529] {
        assert!(
            !AdaptiveThrottle::is_accepted(&response(status, &[])),
            "{status}"
        );
    }
    // Nor is a local rejection, e.g. from a nested throttle.
    assert!(!AdaptiveThrottle::is_accepted(&ClientThrottled));
    let err = ErrorResponse::from(ClientThrottled);
    assert!(!AdaptiveThrottle::is_accepted(&err));
}

proptest! {
    /// While `k · accepts ≥ requests` nothing is rejected, whatever the seed.
    #[test]
    fn adaptive_never_rejects_while_accepts_keep_up(seed: u64, k in 1.0f64..4.0, n in 1usize..300) {
        let throttle = AdaptiveThrottle::new(k, Duration::from_secs(60)).seed(seed);
        let now = Instant::now();
        for _ in 0..n {
            prop_assert!(throttle.should_send_at(now));
            throttle.record_accept_at(now);
        }
        let p = throttle.rejection_probability_at(now);
        prop_assert!((0.0..=1.0).contains(&p));
    }
}

// ---- The throttled backoff ----------------------------------------------------------------

#[test]
fn throttled_errors_back_off_from_their_own_base() {
    let policy = RetryPolicy::default()
        .max_retries(5)
        .base_delay(Duration::from_millis(50))
        .throttled_base_delay(Duration::from_secs(1))
        .jitter(Jitter::None);
    let delays = |err: &ErrorResponse| -> Vec<Duration> {
        (0..5)
            .map(|n| policy.decide(n, err).delay().unwrap())
            .collect()
    };
    assert_eq!(
        delays(&response(503, &[])),
        [50, 100, 200, 400, 800].map(Duration::from_millis)
    );
    assert_eq!(
        delays(&response(429, &[])),
        [1, 2, 4, 8, 8].map(Duration::from_secs)
    );
    // x-should-retry: true on a 429 is throttled too; a 503 marked retryable is transient.
    assert_eq!(
        policy
            .decide(0, &response(429, &[("x-should-retry", "true")]))
            .delay(),
        Some(Duration::from_secs(1))
    );
    // The server's delay still wins.
    assert_eq!(
        policy
            .decide(0, &response(429, &[("retry-after-ms", "20")]))
            .delay(),
        Some(Duration::from_millis(20))
    );
    // Unset, a 429 backs off like any error: today's behaviour.
    let default = RetryPolicy::default().jitter(Jitter::None);
    assert_eq!(
        default.decide(0, &response(429, &[])).delay(),
        Some(Duration::from_millis(500))
    );
}

#[test]
fn a_failed_attempt_counts_as_an_accept_unless_the_backend_refused_it() {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(60));
    let now = Instant::now();
    let failed = |status: u16| ErrorResponse::from_parts(status, &[], b"");
    throttle.record_error(&failed(500)); // the backend answered: accepted
    throttle.record_error(&failed(404));
    throttle.record_error(&failed(429)); // throttled: not accepted
    throttle.record_error(&failed(503)); // overloaded: not accepted
    assert_eq!(throttle.counts_at(now + Duration::from_millis(1)).1, 2);
}
