//! `dos_errors::retry`: header parsing, the retry policy, the budget and the helpers.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dos_errors::client::ErrorResponse;
use dos_errors::retry::{
    parse_go_duration, parse_grpc_retry_pushback, parse_http_date, parse_ratelimit,
    parse_retry_after, parse_retry_after_ms, parse_rfc3339, rate_limit_reset, retry_async,
    retry_async_outcome, retry_blocking, retry_blocking_outcome, AdaptiveThrottle, GiveUpReason,
    Jitter, RetryBudget, RetryDecision, RetryLoop, RetryPolicy, RetryThrottle,
};
use dos_errors::{ApiError, Retryability, Status};
use proptest::prelude::*;

/// 1994-11-06T08:49:37Z, the date of RFC 9110's examples.
const RFC_EXAMPLE_SECS: u64 = 784_111_777;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn response(status: u16, headers: &[(&str, &str)]) -> ErrorResponse {
    ErrorResponse::from_parts_at(status, headers, b"", at(RFC_EXAMPLE_SECS))
}

/// Runs a future whose awaits never pend (the tests' sleeps and operations are ready at once).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future was not ready"),
    }
}

// ---- Retry-After: delay-seconds ----------------------------------------------------------

#[test]
fn retry_after_delay_seconds() {
    let now = at(RFC_EXAMPLE_SECS);
    let cases: &[(&str, Option<Duration>)] = &[
        ("120", Some(Duration::from_secs(120))),
        ("0", Some(Duration::ZERO)),
        ("  7\t", Some(Duration::from_secs(7))),
        ("1.5", Some(Duration::from_millis(1500))),
        (".25", Some(Duration::from_millis(250))),
        ("3.", Some(Duration::from_secs(3))),
        ("0.0000000019", Some(Duration::from_nanos(1))),
        ("18446744073709551615", Some(Duration::from_secs(u64::MAX))),
    ];
    for (value, expected) in cases {
        assert_eq!(parse_retry_after(value, now), *expected, "{value:?}");
    }
}

#[test]
fn retry_after_rejects_negatives_overflow_and_garbage() {
    let now = at(RFC_EXAMPLE_SECS);
    let rejected = [
        "-1",
        "-0",
        "-1.5",
        "+5",
        "18446744073709551616",
        "99999999999999999999999999",
        "",
        "   ",
        ".",
        "1e3",
        "inf",
        "infinity",
        "NaN",
        "1,5",
        "1.2.3",
        "5s",
        "0x10",
        "1 2",
        "soon",
        "\u{0}",
        "١٢",
    ];
    for value in rejected {
        assert_eq!(parse_retry_after(value, now), None, "{value:?}");
    }
}

// ---- Retry-After: HTTP-dates --------------------------------------------------------------

#[test]
fn retry_after_imf_fixdate() {
    let value = "Sun, 06 Nov 1994 08:49:37 GMT";
    assert_eq!(
        parse_retry_after(value, at(RFC_EXAMPLE_SECS - 90)),
        Some(Duration::from_secs(90))
    );
    // Measured from a `now` with a fraction of a second.
    let now = at(RFC_EXAMPLE_SECS - 2) + Duration::from_millis(250);
    assert_eq!(
        parse_retry_after(value, now),
        Some(Duration::from_millis(1750))
    );
}

#[test]
fn retry_after_rfc850_date() {
    let value = "Sunday, 06-Nov-94 08:49:37 GMT";
    // From 1994, "94" is 1994.
    assert_eq!(
        parse_retry_after(value, at(RFC_EXAMPLE_SECS - 60)),
        Some(Duration::from_secs(60))
    );
    // From 2026, 2094 is more than 50 years ahead, so "94" is still 1994: in the past.
    let now_2026 = at(1_780_000_000);
    assert_eq!(parse_retry_after(value, now_2026), Some(Duration::ZERO));
    // …while "30" is 2030, in the future.
    let in_2030 = parse_http_date("Tuesday, 01-Jan-30 00:00:00 GMT", now_2026).unwrap();
    assert_eq!(in_2030, at(1_893_456_000));
}

#[test]
fn retry_after_asctime_date() {
    assert_eq!(
        parse_retry_after("Sun Nov  6 08:49:37 1994", at(RFC_EXAMPLE_SECS - 5)),
        Some(Duration::from_secs(5))
    );
    assert_eq!(
        parse_retry_after("Sun Nov 6 08:49:37 1994", at(RFC_EXAMPLE_SECS - 5)),
        Some(Duration::from_secs(5))
    );
}

#[test]
fn all_three_date_formats_agree() {
    let expected = Some(at(RFC_EXAMPLE_SECS));
    for value in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "  sun, 06 nov 1994 08:49:37 gmt  ",
        "Sun, 06 Nov 1994 08:49:37 UTC",
    ] {
        assert_eq!(
            parse_http_date(value, at(RFC_EXAMPLE_SECS)),
            expected,
            "{value:?}"
        );
    }
}

#[test]
fn retry_after_date_in_the_past_is_zero() {
    let now = at(RFC_EXAMPLE_SECS + 3600);
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(
        parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(
        parse_retry_after("Mon, 01 Jan 1900 00:00:00 GMT", now),
        Some(Duration::ZERO)
    );
}

#[test]
fn leap_years_and_far_dates() {
    let now = at(0);
    assert!(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT", now).is_some());
    assert!(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT", now).is_some());
    assert_eq!(parse_http_date("Wed, 29 Feb 2023 00:00:00 GMT", now), None);
    assert_eq!(parse_http_date("Mon, 29 Feb 1900 00:00:00 GMT", now), None);
    assert_eq!(
        parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT", now),
        Some(at(253_402_300_799))
    );
}

#[test]
fn malformed_dates_are_rejected() {
    let now = at(RFC_EXAMPLE_SECS);
    let rejected = [
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08:49:37:00 GMT",
        "Sun, -6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sunday, 06-Nov-94-1 08:49:37 GMT",
        "Sunday, 06-Nov 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 08:49:37",
        "Sun,",
        "1994-11-06T08:49:37Z",
    ];
    for value in rejected {
        assert_eq!(parse_http_date(value, now), None, "{value:?}");
        assert_eq!(parse_retry_after(value, now), None, "{value:?}");
    }
}

#[test]
fn retry_after_ms_values() {
    let cases: &[(&str, Option<Duration>)] = &[
        ("1500", Some(Duration::from_millis(1500))),
        (" 250 ", Some(Duration::from_millis(250))),
        ("0.5", Some(Duration::from_micros(500))),
        ("12.345678", Some(Duration::from_nanos(12_345_678))),
        ("-1", None),
        ("inf", None),
        ("NaN", None),
        ("1e3", None),
        ("", None),
        ("100ms", None),
        ("99999999999999999999", None),
    ];
    for (value, expected) in cases {
        assert_eq!(parse_retry_after_ms(value), *expected, "{value:?}");
    }
}

// ---- The policy ---------------------------------------------------------------------------

#[test]
fn default_policy_matches_the_best_sdks() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let unavailable = response(503, &[]);
    assert_eq!(
        policy.decide(0, &unavailable),
        RetryDecision::RetryAfter(Duration::from_millis(500))
    );
    assert_eq!(
        policy.decide(1, &unavailable),
        RetryDecision::RetryAfter(Duration::from_secs(1))
    );
    assert_eq!(
        policy.decide(2, &unavailable),
        RetryDecision::GiveUp(GiveUpReason::RetriesExhausted)
    );
    assert_eq!(RetryPolicy::default().retries(), 2);
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let policy = RetryPolicy::default()
        .max_retries(u32::MAX)
        .jitter(Jitter::None);
    let expected_ms = [500, 1000, 2000, 4000, 8000, 8000, 8000];
    for (n, ms) in expected_ms.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap();
        assert_eq!(
            policy.decide(n, &response(500, &[])).delay(),
            Some(Duration::from_millis(ms)),
            "retry {n}"
        );
    }
    // No overflow, however many retries.
    assert_eq!(
        policy.decide(u32::MAX - 1, &response(500, &[])).delay(),
        Some(Duration::from_secs(8))
    );
    let huge = RetryPolicy::default()
        .base_delay(Duration::MAX)
        .max_delay(Duration::MAX)
        .jitter(Jitter::None);
    assert_eq!(huge.backoff(60), Duration::MAX);
}

#[test]
fn seed_statuses_follow_the_documentation() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    for status in [429, 500, 503] {
        assert!(
            policy.decide(0, &response(status, &[])).is_retry(),
            "{status}"
        );
    }
    for status in [400, 401, 402] {
        assert_eq!(
            policy.decide(0, &response(status, &[])),
            RetryDecision::GiveUp(GiveUpReason::Fatal),
            "{status}"
        );
    }
}

#[test]
fn x_should_retry_wins_over_the_status() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let no = response(503, &[("x-should-retry", "false")]);
    assert_eq!(
        policy.decide(0, &no),
        RetryDecision::GiveUp(GiveUpReason::Fatal)
    );
    let yes = response(400, &[("X-Should-Retry", "true")]);
    assert_eq!(yes.retryability(), Retryability::Transient);
    assert_eq!(
        policy.decide(0, &yes),
        RetryDecision::RetryAfter(Duration::from_millis(500))
    );
}

#[test]
fn retry_after_is_a_minimum() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let limited = response(429, &[("retry-after", "7")]);
    assert_eq!(
        policy.decide(0, &limited),
        RetryDecision::RetryAfter(Duration::from_secs(7))
    );
    // The server's delay is used as given, also when it is shorter than the backoff
    // would be (here 1 s): the backoff applies only when the server says nothing.
    let short = response(503, &[("retry-after", "0.25")]);
    assert_eq!(
        policy.decide(1, &short),
        RetryDecision::RetryAfter(Duration::from_millis(250))
    );
    let long = response(503, &[("retry-after", "20")]);
    assert_eq!(
        policy.decide(1, &long),
        RetryDecision::RetryAfter(Duration::from_secs(20))
    );
    // With jitter, at most 10% is added, never anything taken away.
    let jittered = RetryPolicy::default().seed(42);
    for _ in 0..1000 {
        let delay = jittered.decide(0, &limited).delay().unwrap();
        assert!(delay >= Duration::from_secs(7), "{delay:?}");
        assert!(delay <= Duration::from_millis(7700), "{delay:?}");
    }
}

#[test]
fn retry_after_above_the_limit_gives_up_and_keeps_the_delay() {
    let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(60));
    let err = response(429, &[("Retry-After", "3600")]);
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::GiveUp(GiveUpReason::RetryAfterTooLong {
            retry_after: Duration::from_secs(3600),
            max: Duration::from_secs(60),
        })
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    // Exactly at the limit is honoured.
    let at_limit = response(429, &[("Retry-After", "60")]);
    assert!(policy.decide(0, &at_limit).is_retry());
}

#[test]
fn never_sleeps_past_the_deadline() {
    let now = Instant::now();
    let policy = RetryPolicy::default()
        .jitter(Jitter::None)
        .deadline(now + Duration::from_secs(3));
    let limited = response(429, &[("retry-after", "5")]);
    assert_eq!(
        policy.decide_at(0, &limited, now),
        RetryDecision::GiveUp(GiveUpReason::Deadline)
    );
    let soon = response(429, &[("retry-after", "2")]);
    assert_eq!(
        policy.decide_at(0, &soon, now),
        RetryDecision::RetryAfter(Duration::from_secs(2))
    );
    // Ending exactly at the deadline is allowed; one nanosecond later is not.
    assert!(policy
        .decide_at(0, &soon, now + Duration::from_secs(1))
        .is_retry());
    assert_eq!(
        policy.decide_at(0, &soon, now + Duration::from_nanos(1_000_000_001)),
        RetryDecision::GiveUp(GiveUpReason::Deadline)
    );
    // Through `decide`, the real clock: a deadline already past gives up.
    let past = RetryPolicy::default().deadline(Instant::now());
    assert_eq!(
        past.decide(0, &soon),
        RetryDecision::GiveUp(GiveUpReason::Deadline)
    );
    assert!(past.no_deadline().decide(0, &soon).is_retry());
}

#[test]
fn budget_stops_a_retry_storm_and_successes_refill_it() {
    let budget = RetryBudget::new(10, 5, 1);
    let policy = RetryPolicy::default().budget(budget.clone());
    let err = response(503, &[]);
    assert!(policy.decide(0, &err).is_retry());
    assert!(policy.clone().decide(0, &err).is_retry());
    assert_eq!(
        policy.decide(0, &err),
        RetryDecision::GiveUp(GiveUpReason::BudgetExhausted)
    );
    assert_eq!(budget.available(), 0);
    for _ in 0..5 {
        policy.record_success();
    }
    assert!(policy.decide(0, &err).is_retry());
    // Successes never overfill the bucket.
    for _ in 0..100 {
        budget.record_success();
    }
    assert_eq!(budget.available(), 10);
}

#[test]
fn giving_up_for_other_reasons_costs_no_tokens() {
    let budget = RetryBudget::new(10, 5, 1);
    let policy = RetryPolicy::default().budget(budget.clone());
    policy.decide(0, &response(401, &[]));
    policy.decide(2, &response(503, &[]));
    policy.decide(0, &response(429, &[("retry-after", "1000")]));
    assert_eq!(budget.available(), 10);
}

#[test]
fn budget_is_shared_between_threads() {
    let budget = RetryBudget::default();
    assert_eq!(
        (
            budget.capacity(),
            budget.retry_cost(),
            budget.success_refund()
        ),
        (500, 5, 1)
    );
    let policy = RetryPolicy::default().budget(budget.clone());
    let granted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let policy = policy.clone();
                scope.spawn(move || {
                    let err = response(500, &[]);
                    (0..100)
                        .filter(|_| policy.decide(0, &err).is_retry())
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(granted, 100); // 500 tokens / 5 per retry, out of 400 asked
    assert_eq!(budget.available(), 0);
    assert!(policy.retry_budget().unwrap().shares_tokens_with(&budget));
}

#[test]
fn without_a_budget_decide_is_repeatable() {
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let err = response(429, &[("retry-after", "3")]);
    let first = policy.decide(1, &err);
    for _ in 0..1000 {
        assert_eq!(policy.decide(1, &err), first);
    }
}

#[test]
fn seeded_jitter_repeats() {
    let err = response(500, &[]);
    let draws = |seed| {
        let policy = RetryPolicy::default().max_retries(10).seed(seed);
        (0..10)
            .map(|n| policy.decide(n, &err).delay().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(draws(7), draws(7));
    assert_ne!(draws(7), draws(8));
    // Full jitter really varies.
    let delays = draws(7);
    assert!(delays.iter().any(|d| *d != delays[0]));
}

#[test]
fn equal_jitter_keeps_half_the_backoff() {
    let policy = RetryPolicy::default().jitter(Jitter::Equal).seed(3);
    for _ in 0..1000 {
        let delay = policy.decide(1, &response(500, &[])).delay().unwrap();
        assert!(delay >= Duration::from_millis(500) && delay <= Duration::from_secs(1));
    }
}

#[test]
fn never_policy_gives_up_at_once() {
    assert_eq!(
        RetryPolicy::never().decide(0, &response(503, &[])),
        RetryDecision::GiveUp(GiveUpReason::RetriesExhausted)
    );
}

#[test]
fn one_policy_serves_server_side_error_types() {
    #[derive(Debug, dos_errors::ApiError)]
    enum ChatError {
        #[api_error(status = 429)]
        RateLimited {
            #[api_error(retry_after)]
            wait: Duration,
        },
        #[api_error(status = 402)]
        NoCredits,
    }
    let policy = RetryPolicy::default().jitter(Jitter::None);
    let wait = Duration::from_secs(4);
    assert_eq!(
        policy.decide(0, &ChatError::RateLimited { wait }),
        RetryDecision::RetryAfter(wait)
    );
    assert_eq!(
        policy.decide(0, &ChatError::NoCredits),
        RetryDecision::GiveUp(GiveUpReason::Fatal)
    );
    // Through a trait object too.
    let boxed: Box<dyn ApiError> = Box::new(ChatError::NoCredits);
    assert!(!policy.decide(0, &boxed).is_retry());
}

#[test]
fn give_up_reasons_explain_themselves() {
    let reason = GiveUpReason::RetryAfterTooLong {
        retry_after: Duration::from_secs(300),
        max: Duration::from_secs(120),
    };
    assert_eq!(
        reason.to_string(),
        "the server asked to wait 300s, more than the 120s allowed"
    );
    assert_eq!(
        GiveUpReason::BudgetExhausted.to_string(),
        "the retry budget is exhausted"
    );
}

// ---- No allocation on the hot path --------------------------------------------------------

#[path = "support/counting.rs"]
mod counting;

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

#[test]
fn decide_and_header_parsing_do_not_allocate() {
    let now = Instant::now();
    let policy = RetryPolicy::default()
        .max_retries(5)
        .deadline(now + Duration::from_secs(60))
        .budget(RetryBudget::default())
        .seed(1);
    let errors = [
        response(503, &[]),
        response(429, &[("retry-after", "3")]),
        response(401, &[]),
    ];
    let clock = at(RFC_EXAMPLE_SECS);
    let count = counting::allocations_during(|| {
        for retries in 0..6 {
            for err in &errors {
                std::hint::black_box(policy.decide(retries, err));
                std::hint::black_box(policy.decide_at(retries, err, now));
            }
        }
        for value in [
            " 120 ",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "garbage",
        ] {
            std::hint::black_box(parse_retry_after(value, clock));
            std::hint::black_box(parse_retry_after_ms(value));
        }
        policy.record_success();
    });
    assert_eq!(count, 0);
    // The counter does see allocations.
    assert!(counting::allocations_during(|| drop(std::hint::black_box(vec![0u8; 8]))) >= 1);
}

#[test]
fn fleet_mechanisms_and_reset_headers_do_not_allocate() {
    let base = Instant::now();
    let ratio = RetryBudget::ratio(0.2, 10, Duration::from_secs(10));
    let throttle = RetryThrottle::new(10, 0.1);
    let adaptive = AdaptiveThrottle::new(2.0, Duration::from_secs(60)).seed(1);
    let policy = RetryPolicy::default()
        .max_retries(5)
        .throttled_base_delay(Duration::from_secs(1))
        .deadline(base + Duration::from_secs(3600))
        .budget(ratio.clone())
        .throttle(throttle.clone())
        .adaptive(adaptive.clone())
        .seed(1);
    let errors = [
        response(503, &[]),
        response(429, &[("retry-after", "3")]),
        response(429, &[]),
        response(401, &[]),
    ];
    let headers = [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "1s"),
        ("x-ratelimit-reset-tokens", "6m0s"),
        ("anthropic-ratelimit-tokens-remaining", "0"),
        ("anthropic-ratelimit-tokens-reset", "1994-11-06T08:50:00Z"),
        ("RateLimit", r#""burst";r=0;t=7, "day";r=9;t=600"#),
        ("RateLimit-Reset", "4"),
    ];
    let clock = at(RFC_EXAMPLE_SECS);
    let count = counting::allocations_during(|| {
        // Twenty minutes of virtual time: every slot of every window expires many times.
        for step in 0..12_000u64 {
            let now = base + Duration::from_millis(step * 100);
            let mut run = RetryLoop::new_at(&policy, now);
            let _ = std::hint::black_box(run.before_attempt_at(now));
            for err in &errors {
                std::hint::black_box(run.on_error_at(err, now));
                std::hint::black_box(policy.decide_at(1, err, now));
            }
            run.on_success_at(now);
            ratio.deposit_at(now);
            std::hint::black_box(ratio.try_withdraw_at(now));
            std::hint::black_box(ratio.available_at(now));
            std::hint::black_box(adaptive.should_send_at(now));
            adaptive.record_accept_at(now);
            std::hint::black_box(adaptive.rejection_probability_at(now));
            std::hint::black_box(throttle.record_failure());
            throttle.record_success();
        }
        // The variants that read the clock.
        let mut run = RetryLoop::new(&policy);
        let _ = std::hint::black_box(run.before_attempt());
        std::hint::black_box(run.on_error(&errors[0]));
        run.on_success();
        std::hint::black_box(policy.decide(0, &errors[0]));
        policy.record_request();
        for value in [
            "1s",
            "6m0s",
            "450ms",
            "1h2m3.5s",
            r#""d";r=0;t=30"#,
            "limit=1, remaining=0, reset=2",
            "2026-01-27T12:00:00.5+01:00",
            "-1",
            "250",
            "garbage",
        ] {
            std::hint::black_box(parse_go_duration(value));
            std::hint::black_box(parse_ratelimit(value));
            std::hint::black_box(parse_rfc3339(value));
            std::hint::black_box(parse_grpc_retry_pushback(value));
        }
        std::hint::black_box(rate_limit_reset(&headers, clock));
    });
    assert_eq!(count, 0);
}

// ---- Helpers ------------------------------------------------------------------------------

fn failing(status: u16, attempt: u32) -> ErrorResponse {
    ErrorResponse::from_parts(status, &[], format!("attempt {attempt}").as_bytes())
}

#[test]
fn retry_blocking_returns_the_last_error_after_all_attempts() {
    let policy = RetryPolicy::default()
        .max_retries(3)
        .base_delay(Duration::from_millis(1));
    let mut calls = 0;
    let outcome = retry_blocking_outcome(&policy, || -> Result<(), _> {
        calls += 1;
        Err(failing(503, calls))
    });
    assert_eq!(calls, 4);
    assert_eq!(outcome.attempts, 4);
    assert_eq!(outcome.give_up, Some(GiveUpReason::RetriesExhausted));
    assert_eq!(outcome.result.unwrap_err().message(), "attempt 4");
}

#[test]
fn retry_blocking_stops_at_a_fatal_error_and_at_success() {
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let mut calls = 0;
    let result: Result<(), _> = retry_blocking(&policy, || {
        calls += 1;
        Err(failing(401, calls))
    });
    assert_eq!(
        (calls, result.unwrap_err().status()),
        (1, Status::UNAUTHORIZED)
    );

    let mut calls = 0;
    let outcome = retry_blocking_outcome(&policy, || {
        calls += 1;
        if calls == 1 {
            Err(failing(500, calls))
        } else {
            Ok(calls)
        }
    });
    assert_eq!(outcome.result.unwrap(), 2);
    assert_eq!((outcome.attempts, outcome.give_up), (2, None));
}

#[test]
fn retry_async_sleeps_with_the_given_function() {
    let policy = RetryPolicy::default().max_retries(3).jitter(Jitter::None);
    let mut slept = Vec::new();
    let mut calls = 0;
    let outcome = block_on(retry_async_outcome(
        &policy,
        || {
            calls += 1;
            let attempt = calls;
            async move { Err::<(), _>(failing(500, attempt)) }
        },
        |delay| {
            slept.push(delay);
            async {}
        },
    ));
    assert_eq!(slept, [500, 1000, 2000].map(Duration::from_millis).to_vec());
    assert_eq!(outcome.attempts, 4);
    assert_eq!(outcome.result.unwrap_err().message(), "attempt 4");
}

#[test]
fn retry_async_refunds_the_budget_on_success() {
    let budget = RetryBudget::new(10, 5, 2);
    let policy = RetryPolicy::default().budget(budget.clone());
    let mut calls = 0;
    let result = block_on(retry_async(
        &policy,
        || {
            calls += 1;
            let attempt = calls;
            async move {
                if attempt < 2 {
                    Err(failing(503, attempt))
                } else {
                    Ok("ok")
                }
            }
        },
        |_| async {},
    ));
    assert_eq!(result.unwrap(), "ok");
    assert_eq!(calls, 2);
    assert_eq!(budget.available(), 7); // 10 - 5 for the retry + 2 for the success
}

// ---- Properties ---------------------------------------------------------------------------

proptest! {
    #[test]
    fn jitter_never_exceeds_the_cap(
        base_ms in 0u64..20_000,
        cap_ms in 0u64..60_000,
        retries in 0u32..100,
        seed: u64,
        equal: bool,
    ) {
        let cap = Duration::from_millis(cap_ms);
        let policy = RetryPolicy::default()
            .max_retries(u32::MAX)
            .base_delay(Duration::from_millis(base_ms))
            .max_delay(cap)
            .jitter(if equal { Jitter::Equal } else { Jitter::Full })
            .seed(seed);
        let delay = policy.decide(retries, &response(503, &[])).delay().unwrap();
        prop_assert!(delay <= policy.backoff(retries));
        prop_assert!(delay <= cap);
    }

    #[test]
    fn retry_after_is_never_undercut(
        retry_after_ms in 0u64..=120_000,
        retries in 0u32..2,
        seed: u64,
        jitter in prop_oneof![Just(Jitter::None), Just(Jitter::Full), Just(Jitter::Equal)],
    ) {
        let policy = RetryPolicy::default().jitter(jitter).seed(seed);
        let value = retry_after_ms.to_string();
        let err = response(429, &[("retry-after-ms", value.as_str())]);
        let retry_after = Duration::from_millis(retry_after_ms);
        let delay = policy.decide(retries, &err).delay().unwrap();
        prop_assert!(delay >= retry_after);
        prop_assert!(delay <= retry_after + retry_after / 10);
    }

    #[test]
    fn fatal_is_never_retried(status in 0u16..1000, retries: u32, seed: u64, header: bool) {
        let headers: &[(&str, &str)] = if header { &[("x-should-retry", "false")] } else { &[] };
        let err = response(status, headers);
        let policy = RetryPolicy::default().max_retries(u32::MAX).seed(seed).budget(RetryBudget::default());
        if err.retryability() == Retryability::Fatal {
            prop_assert_eq!(policy.decide(retries, &err), RetryDecision::GiveUp(GiveUpReason::Fatal));
        }
        if header {
            prop_assert_eq!(err.retryability(), Retryability::Fatal);
        }
    }

    #[test]
    fn budget_exhaustion_stops_retries(capacity in 0u32..200, cost in 1u32..20, asks in 0u32..300) {
        let policy = RetryPolicy::default()
            .max_retries(u32::MAX)
            .budget(RetryBudget::new(capacity, cost, 1));
        let err = response(500, &[]);
        let mut granted = 0;
        for _ in 0..asks {
            match policy.decide(0, &err) {
                RetryDecision::RetryAfter(_) => granted += 1,
                RetryDecision::GiveUp(reason) => prop_assert_eq!(reason, GiveUpReason::BudgetExhausted),
            }
        }
        prop_assert_eq!(granted, asks.min(capacity / cost));
    }

    #[test]
    fn parse_retry_after_never_panics(value in any::<String>(), secs in any::<u64>()) {
        let now = UNIX_EPOCH.checked_add(Duration::from_secs(secs)).unwrap_or(UNIX_EPOCH);
        let _ = parse_retry_after(&value, now);
        let _ = parse_retry_after_ms(&value);
    }

    #[test]
    fn delay_seconds_round_trip(secs: u64, millis in 0u32..1000) {
        let now = UNIX_EPOCH;
        prop_assert_eq!(parse_retry_after(&secs.to_string(), now), Some(Duration::from_secs(secs)));
        let value = format!("{secs}.{millis:03}");
        prop_assert_eq!(
            parse_retry_after(&value, now),
            Some(Duration::new(secs, millis * 1_000_000))
        );
    }
}
