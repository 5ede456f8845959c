//! `dos_errors::retry`: hedging, the retry loop without I/O, and the local error of
//! the adaptive throttle through the helpers — on an executor in virtual time.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use dos_errors::client::ErrorResponse;
use dos_errors::retry::{
    hedge_async, hedge_async_outcome, retry_async_outcome, retry_blocking, retry_blocking_outcome,
    AdaptiveThrottle, ClientThrottled, GiveUpReason, Jitter, RetryBudget, RetryDecision, RetryLoop,
    RetryOutcome, RetryPolicy, RetryThrottle,
};
use dos_errors::ApiError;

// ---- An executor in virtual time ----------------------------------------------------------

/// `sleep(d)` completes when the virtual clock reaches it; the clock jumps to the next
/// deadline whenever nothing else can progress. Single-threaded, no waker needed: every
/// future is polled again after each jump.
#[derive(Clone, Default)]
struct Clock(Rc<RefCell<(Duration, Vec<Duration>)>>);

impl Clock {
    fn now(&self) -> Duration {
        self.0.borrow().0
    }

    fn sleep(&self, delay: Duration) -> Sleep {
        Sleep {
            clock: self.clone(),
            at: self.now() + delay,
        }
    }

    fn run<F: Future>(&self, future: F) -> F::Output {
        struct Noop;
        impl Wake for Noop {
            fn wake(self: Arc<Self>) {}
        }
        let waker = Waker::from(Arc::new(Noop));
        let mut context = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            let mut state = self.0.borrow_mut();
            let next = state
                .1
                .drain(..)
                .min()
                .expect("nothing to wait for: a deadlock");
            state.0 = state.0.max(next);
        }
    }
}

struct Sleep {
    clock: Clock,
    at: Duration,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        let mut state = self.clock.0.borrow_mut();
        if state.0 >= self.at {
            Poll::Ready(())
        } else {
            state.1.push(self.at);
            Poll::Pending
        }
    }
}

/// Sets its flag when dropped before the attempt answered: the attempt was cancelled.
struct Cancelled {
    flag: Rc<Cell<bool>>,
    armed: bool,
}

impl Cancelled {
    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for Cancelled {
    fn drop(&mut self) {
        if self.armed {
            self.flag.set(true);
        }
    }
}

/// What an attempt answers: a success's label, or the status, headers and body of an error.
type Answer = Result<&'static str, (u16, &'static [(&'static str, &'static str)], &'static str)>;

/// An attempt that answers after `latency`: a success with `label`, or an error response.
fn attempt(
    clock: &Clock,
    latency_ms: u64,
    answer: Answer,
    cancelled: &Rc<Cell<bool>>,
) -> impl Future<Output = Result<&'static str, ErrorResponse>> {
    let sleep = clock.sleep(Duration::from_millis(latency_ms));
    let mut guard = Cancelled {
        flag: cancelled.clone(),
        armed: true,
    };
    async move {
        sleep.await;
        guard.disarm(); // a method call moves the whole guard into the future
        answer.map_err(|(status, headers, body)| {
            ErrorResponse::from_parts(status, headers, body.as_bytes())
        })
    }
}

/// Hedges with `delay_ms` over attempts described by `(latency_ms, answer)`; returns
/// the outcome, the virtual time it took, how many attempts were made and which were cancelled.
fn hedge(
    policy: &RetryPolicy,
    delay_ms: u64,
    attempts: &[(u64, Answer)],
) -> (
    RetryOutcome<&'static str, ErrorResponse>,
    Duration,
    usize,
    Vec<bool>,
) {
    let clock = Clock::default();
    let flags: Vec<Rc<Cell<bool>>> = attempts.iter().map(|_| Rc::default()).collect();
    let mut made = 0;
    let outcome = clock.run(hedge_async_outcome(
        policy,
        Duration::from_millis(delay_ms),
        || {
            let (latency, answer) = attempts[made];
            let future = attempt(&clock, latency, answer, &flags[made]);
            made += 1;
            future
        },
        |delay| clock.sleep(delay),
    ));
    let cancelled = flags.iter().map(|flag| flag.get()).collect();
    (outcome, clock.now(), made, cancelled)
}

const UNAVAILABLE: Answer = Err((503, &[], "unavailable"));

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

// ---- Hedging ------------------------------------------------------------------------------

#[test]
fn a_slow_first_attempt_is_hedged_and_cancelled() {
    let policy = RetryPolicy::default();
    let (outcome, took, made, cancelled) =
        hedge(&policy, 20, &[(100, Ok("first")), (10, Ok("hedge"))]);
    assert_eq!(outcome.result.unwrap(), "hedge");
    assert_eq!((outcome.attempts, outcome.give_up, made), (2, None, 2));
    assert_eq!(took, ms(30));
    assert_eq!(cancelled, [true, false]);
}

#[test]
fn a_fast_first_attempt_is_not_hedged() {
    let (outcome, took, made, _) = hedge(
        &RetryPolicy::default(),
        20,
        &[(5, Ok("first")), (1, Ok("hedge"))],
    );
    assert_eq!(
        (outcome.result.unwrap(), outcome.attempts, made),
        ("first", 1, 1)
    );
    assert_eq!(took, ms(5));
}

#[test]
fn a_retryable_failure_sends_the_hedge_at_once() {
    let (outcome, took, made, _) = hedge(
        &RetryPolicy::default(),
        20,
        &[(5, UNAVAILABLE), (10, Ok("hedge"))],
    );
    assert_eq!((outcome.result.unwrap(), made), ("hedge", 2));
    assert_eq!(took, ms(15));
}

#[test]
fn a_pushback_delays_the_hedge() {
    const LIMITED: Answer = Err((429, &[("retry-after-ms", "50")], "slow down"));
    let (outcome, took, made, _) = hedge(
        &RetryPolicy::default(),
        20,
        &[(5, LIMITED), (10, Ok("hedge"))],
    );
    assert_eq!((outcome.result.unwrap(), made), ("hedge", 2));
    assert_eq!(took, ms(65));
    // A pushback above max_retry_after gives up.
    let policy = RetryPolicy::default().max_retry_after(ms(10));
    let (outcome, _, made, _) = hedge(&policy, 20, &[(5, LIMITED), (10, Ok("hedge"))]);
    assert_eq!(made, 1);
    assert_eq!(
        outcome.give_up,
        Some(GiveUpReason::RetryAfterTooLong {
            retry_after: ms(50),
            max: ms(10)
        })
    );
}

#[test]
fn a_fatal_error_is_returned_at_once() {
    const BAD: Answer = Err((400, &[], "bad request"));
    let (outcome, took, made, cancelled) = hedge(
        &RetryPolicy::default(),
        20,
        &[(30, BAD), (100, Ok("hedge"))],
    );
    assert_eq!(outcome.result.unwrap_err().http_status(), 400);
    assert_eq!((outcome.give_up, made), (Some(GiveUpReason::Fatal), 2));
    assert_eq!(took, ms(30));
    assert_eq!(cancelled, [false, true]);
}

#[test]
fn when_both_fail_the_last_error_is_returned() {
    const FIRST: Answer = Err((503, &[], "first failed"));
    const SECOND: Answer = Err((500, &[], "hedge failed"));
    let (outcome, took, _, _) = hedge(&RetryPolicy::default(), 20, &[(100, FIRST), (10, SECOND)]);
    assert_eq!(outcome.result.unwrap_err().message(), "first failed");
    assert_eq!(
        (outcome.attempts, outcome.give_up),
        (2, Some(GiveUpReason::RetriesExhausted))
    );
    assert_eq!(took, ms(100));
}

#[test]
fn hedges_are_paid_from_the_retry_budget() {
    let budget = RetryBudget::new(5, 5, 1);
    let policy = RetryPolicy::default().budget(budget.clone());
    let slow_then_fast = [(100, Ok("first")), (10, Ok("hedge"))];
    let (outcome, ..) = hedge(&policy, 20, &slow_then_fast);
    assert_eq!((outcome.result.unwrap(), outcome.attempts), ("hedge", 2));
    assert_eq!(budget.available(), 1); // 5 - 5 for the hedge + 1 for the success
                                       // Too few tokens: no hedge, the first attempt's answer.
    let (outcome, took, made, _) = hedge(&policy, 20, &slow_then_fast);
    assert_eq!((outcome.result.unwrap(), made), ("first", 1));
    assert_eq!(took, ms(100));
    // And when the first then fails, the budget is why nothing else was tried.
    let budget = RetryBudget::new(0, 5, 1);
    let policy = RetryPolicy::default().budget(budget);
    let (outcome, ..) = hedge(&policy, 20, &[(100, UNAVAILABLE), (10, Ok("hedge"))]);
    assert_eq!(outcome.give_up, Some(GiveUpReason::BudgetExhausted));
}

#[test]
fn a_ratio_budget_counts_one_request_per_hedged_call() {
    let budget = RetryBudget::ratio(1.0, 0, Duration::from_secs(10));
    let policy = RetryPolicy::default().budget(budget.clone());
    for _ in 0..3 {
        let (outcome, ..) = hedge(&policy, 20, &[(100, Ok("first")), (10, Ok("hedge"))]);
        assert_eq!(outcome.attempts, 2);
        assert_eq!(budget.available(), 0);
    }
}

#[test]
fn a6_throttle_and_max_retries_stop_hedges() {
    let throttle = RetryThrottle::new(2, 0.1);
    throttle.record_failure(); // 1 token: at the threshold
    let policy = RetryPolicy::default().throttle(throttle.clone());
    let (outcome, ..) = hedge(&policy, 20, &[(100, UNAVAILABLE), (10, Ok("hedge"))]);
    assert_eq!(
        (outcome.attempts, outcome.give_up),
        (1, Some(GiveUpReason::RetryThrottled))
    );
    assert_eq!(throttle.tokens(), 0.0); // the failure counted

    let (outcome, took, made, _) = hedge(
        &RetryPolicy::never(),
        20,
        &[(100, Ok("first")), (10, Ok("hedge"))],
    );
    assert_eq!((outcome.result.unwrap(), made), ("first", 1));
    assert_eq!(took, ms(100));
}

#[test]
fn an_adaptive_throttle_can_reject_the_first_attempt_locally() {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(60)).seed(11);
    let now = Instant::now();
    for _ in 0..100_000 {
        throttle.should_send_at(now);
    }
    let policy = RetryPolicy::default().adaptive(throttle);
    let (outcome, _, made, _) = hedge(&policy, 20, &[(5, Ok("first"))]);
    assert_eq!(made, 0);
    assert_eq!(
        (outcome.attempts, outcome.give_up),
        (0, Some(GiveUpReason::ClientThrottled))
    );
    let err = outcome.result.unwrap_err();
    assert_eq!(err.error_type(), "client_throttled_error");
}

#[test]
fn hedge_async_returns_the_result() {
    let clock = Clock::default();
    let result: Result<u32, ErrorResponse> = clock.run(hedge_async(
        &RetryPolicy::default(),
        ms(1),
        || async { Ok(7) },
        |delay| clock.sleep(delay),
    ));
    assert_eq!(result.unwrap(), 7);
}

// ---- The local error through the helpers --------------------------------------------------

/// An adaptive throttle that has seen a hundred thousand requests and no accept:
/// it rejects nearly everything.
fn rejecting_throttle(seed: u64) -> AdaptiveThrottle {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(60)).seed(seed);
    let now = Instant::now();
    for _ in 0..100_000 {
        throttle.should_send_at(now);
    }
    throttle
}

#[test]
fn retry_blocking_returns_client_throttled_without_sending() {
    let policy = RetryPolicy::default().adaptive(rejecting_throttle(1));
    let mut calls = 0;
    let outcome = retry_blocking_outcome(&policy, || -> Result<(), ErrorResponse> {
        calls += 1;
        Ok(())
    });
    assert_eq!(calls, 0);
    assert_eq!(
        (outcome.attempts, outcome.give_up),
        (0, Some(GiveUpReason::ClientThrottled))
    );
    let err = outcome.result.unwrap_err();
    assert_eq!(err.status().as_u16(), 503);
    assert_eq!(err.error_type(), "client_throttled_error");
    assert_eq!(err.message(), ClientThrottled::MESSAGE);
    assert!(err.is_retryable());
    assert_eq!(err.to_json(), ClientThrottled.to_json());
    assert_eq!(
        GiveUpReason::ClientThrottled.to_string(),
        "the adaptive throttle rejected the attempt locally"
    );
}

#[test]
fn boxed_and_derived_error_types_take_the_local_error() {
    let policy = RetryPolicy::default().adaptive(rejecting_throttle(2));
    let boxed: Result<(), Box<dyn ApiError>> = retry_blocking(&policy, || Ok(()));
    assert_eq!(boxed.unwrap_err().error_type(), "client_throttled_error");
    let shared: Result<(), Box<dyn ApiError + Send + Sync>> = retry_blocking(&policy, || Ok(()));
    assert_eq!(shared.unwrap_err().status().as_u16(), 503);

    #[derive(Debug, dos_errors::ApiError)]
    enum CallError {
        #[api_error(status = 502)]
        Upstream,
        #[api_error(transparent)]
        Throttled(ClientThrottled),
    }
    impl From<ClientThrottled> for CallError {
        fn from(local: ClientThrottled) -> Self {
            CallError::Throttled(local)
        }
    }
    let derived: Result<(), CallError> = retry_blocking(&policy, || Err(CallError::Upstream));
    assert!(matches!(
        derived,
        Err(CallError::Throttled(ClientThrottled))
    ));
}

#[test]
fn helpers_report_every_response_to_the_adaptive_throttle() {
    let throttle = AdaptiveThrottle::new(2.0, Duration::from_secs(60)).seed(3);
    let policy = RetryPolicy::never().adaptive(throttle.clone());
    let now = Instant::now();
    let ok: Result<(), ErrorResponse> = retry_blocking(&policy, || Ok(()));
    assert!(ok.is_ok());
    let _ = retry_blocking(&policy, || -> Result<(), _> {
        Err(ErrorResponse::from_parts(500, &[], b""))
    });
    let _ = retry_blocking(&policy, || -> Result<(), _> {
        Err(ErrorResponse::from_parts(503, &[], b""))
    });
    let _ = retry_blocking(&policy, || -> Result<(), _> {
        Err(ErrorResponse::from_parts(429, &[], b""))
    });
    // Four requests; the success and the 500 were accepted, the 503 and the 429 were not.
    assert_eq!(throttle.counts_at(now), (4, 2));
}

#[test]
fn retry_async_counts_one_request_per_call_in_a_ratio_budget() {
    // One retry per request: the call's deposit pays for its first retry, not the second.
    let budget = RetryBudget::ratio(1.0, 0, Duration::from_secs(10));
    let policy = RetryPolicy::default()
        .max_retries(5)
        .jitter(Jitter::None)
        .budget(budget);
    let clock = Clock::default();
    let outcome = clock.run(retry_async_outcome(
        &policy,
        || async { Err::<(), _>(ErrorResponse::from_parts(503, &[], b"")) },
        |delay| clock.sleep(delay),
    ));
    assert_eq!(
        (outcome.attempts, outcome.give_up),
        (2, Some(GiveUpReason::BudgetExhausted))
    );
    assert_eq!(clock.now(), ms(500));
}

#[test]
fn retry_loop_runs_in_virtual_time() {
    let base = Instant::now();
    let at = |millis| base + Duration::from_millis(millis);
    let budget = RetryBudget::ratio(0.5, 0, Duration::from_secs(10));
    let policy = RetryPolicy::default()
        .max_retries(10)
        .jitter(Jitter::None)
        .deadline(at(2000))
        .budget(budget.clone());
    // Two requests deposit one retry.
    let mut other = RetryLoop::new_at(&policy, at(0));
    let mut run = RetryLoop::new_at(&policy, at(0));
    assert_eq!(budget.available_at(at(0)), 1);
    let err = ErrorResponse::from_parts(503, &[], b"");
    run.before_attempt_at(at(0)).unwrap();
    assert_eq!(
        run.on_error_at(&err, at(0)),
        RetryDecision::RetryAfter(ms(500))
    );
    run.before_attempt_at(at(500)).unwrap();
    assert_eq!(
        run.on_error_at(&err, at(500)),
        RetryDecision::GiveUp(GiveUpReason::BudgetExhausted)
    );
    assert_eq!(run.attempts(), 2);
    // The deadline is read from the instant given, not the clock.
    other.before_attempt_at(at(1800)).unwrap();
    assert_eq!(
        other.on_error_at(&err, at(1800)),
        RetryDecision::GiveUp(GiveUpReason::Deadline)
    );
    other.on_success_at(at(1900));
}
