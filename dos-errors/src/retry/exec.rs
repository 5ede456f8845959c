//! Running an operation under a [`RetryPolicy`]: blocking, or async with any
//! executor's sleep, both on [`RetryLoop`], the loop without the I/O.

use std::future::Future;
use std::time::{Duration, Instant};

use super::{ClientThrottled, GiveUpReason, RetryDecision, RetryPolicy};
use crate::ApiError;

/// What a retry helper did: the final result, how many attempts it made, and why it stopped retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryOutcome<T, E> {
    /// The first success, or the error of the last attempt — or [`ClientThrottled`]
    /// (as `E`) when an [`AdaptiveThrottle`](super::AdaptiveThrottle) rejected the next attempt.
    pub result: Result<T, E>,
    /// Attempts sent, the first included: at least 1, unless an adaptive throttle
    /// rejected the first attempt (then 0).
    pub attempts: u32,
    /// Why the policy gave up; `None` when the result is a success.
    pub give_up: Option<GiveUpReason>,
}

/// The retry loop without the I/O: what [`retry_blocking`] and [`retry_async`] do
/// around each attempt, for loops of your own — an event loop, a state machine, a
/// simulation in virtual time.
///
/// Create one per request (that counts the request for a ratio budget), then for
/// each attempt: [`before_attempt`](RetryLoop::before_attempt) (the adaptive
/// throttle may reject it: do not send it then), send, and report the result with
/// [`on_success`](RetryLoop::on_success) or [`on_error`](RetryLoop::on_error), which
/// says whether and when to retry. Every method has an `_at(now)` variant taking the
/// time; the others read the clock only when the policy needs it (a deadline, a
/// ratio budget, an adaptive throttle).
///
/// ```
/// use std::time::{Duration, Instant};
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::retry::{Jitter, RetryDecision, RetryLoop, RetryPolicy};
///
/// let policy = RetryPolicy::default().jitter(Jitter::None);
/// let mut now = Instant::now(); // or any virtual time
/// let mut run = RetryLoop::new_at(&policy, now);
/// let answers = [503, 503, 200];
/// let mut waited = Duration::ZERO;
/// for status in answers {
///     run.before_attempt_at(now).expect("no adaptive throttle here");
///     if status == 200 {
///         run.on_success_at(now);
///         break;
///     }
///     match run.on_error_at(&ErrorResponse::from_parts(status, &[], b""), now) {
///         RetryDecision::RetryAfter(delay) => { now += delay; waited += delay; }
///         RetryDecision::GiveUp(reason) => panic!("{reason}"),
///     }
/// }
/// assert_eq!(run.attempts(), 3);
/// assert_eq!(waited, Duration::from_millis(1500));
/// ```
#[derive(Debug)]
pub struct RetryLoop<'p> {
    policy: &'p RetryPolicy,
    attempts: u32,
}

impl<'p> RetryLoop<'p> {
    /// Starts a request under `policy`: a ratio budget counts it.
    #[must_use]
    pub fn new(policy: &'p RetryPolicy) -> Self {
        if let Some(now) = policy.clock() {
            policy.record_request_at(now);
        }
        RetryLoop {
            policy,
            attempts: 0,
        }
    }

    /// [`new`](RetryLoop::new) at `now`.
    #[must_use]
    pub fn new_at(policy: &'p RetryPolicy, now: Instant) -> Self {
        policy.record_request_at(now);
        RetryLoop {
            policy,
            attempts: 0,
        }
    }

    /// Before sending an attempt: the adaptive throttle, if any, may reject it
    /// locally. `Ok` counts the attempt as sent.
    pub fn before_attempt(&mut self) -> Result<(), ClientThrottled> {
        self.before(None)
    }

    /// [`before_attempt`](RetryLoop::before_attempt) at `now`.
    pub fn before_attempt_at(&mut self, now: Instant) -> Result<(), ClientThrottled> {
        self.before(Some(now))
    }

    fn before(&mut self, now: Option<Instant>) -> Result<(), ClientThrottled> {
        if let Some(adaptive) = &self.policy.adaptive {
            if !adaptive.should_send_at(now.unwrap_or_else(Instant::now)) {
                return Err(ClientThrottled);
            }
        }
        self.attempts = self.attempts.saturating_add(1);
        Ok(())
    }

    /// The attempt succeeded: the budget, the retry throttle and the adaptive throttle are told.
    pub fn on_success(&mut self) {
        self.success(None);
    }

    /// [`on_success`](RetryLoop::on_success) at `now`.
    pub fn on_success_at(&mut self, now: Instant) {
        self.success(Some(now));
    }

    fn success(&mut self, now: Option<Instant>) {
        self.policy.record_success();
        if let Some(adaptive) = &self.policy.adaptive {
            adaptive.record_accept_at(now.unwrap_or_else(Instant::now));
        }
    }

    /// The attempt failed with `error`: whether and when to retry
    /// ([`RetryPolicy::decide`] with the attempts made so far). The adaptive
    /// throttle records the response.
    pub fn on_error<E: ApiError + ?Sized>(&mut self, error: &E) -> RetryDecision {
        let now = self.policy.clock();
        self.error(error, now)
    }

    /// [`on_error`](RetryLoop::on_error) at `now`.
    pub fn on_error_at<E: ApiError + ?Sized>(&mut self, error: &E, now: Instant) -> RetryDecision {
        self.error(error, Some(now))
    }

    fn error<E: ApiError + ?Sized>(&mut self, error: &E, now: Option<Instant>) -> RetryDecision {
        if let Some(adaptive) = &self.policy.adaptive {
            adaptive.record_error_at(error, now.unwrap_or_else(Instant::now));
        }
        self.policy
            .decide_inner(self.attempts.saturating_sub(1), error, now)
    }

    /// Attempts sent so far.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// One step of the loop shared by both helpers.
enum Step<T, E> {
    Done(RetryOutcome<T, E>),
    Sleep(Duration),
}

/// Sends an attempt (`send()`: a result, or a future of one) unless the adaptive throttle rejects it.
fn attempt<R, T, E, F>(run: &mut RetryLoop<'_>, send: F) -> Result<R, RetryOutcome<T, E>>
where
    E: From<ClientThrottled>,
    F: FnOnce() -> R,
{
    match run.before_attempt() {
        Ok(()) => Ok(send()),
        Err(local) => Err(RetryOutcome {
            result: Err(E::from(local)),
            attempts: run.attempts(),
            give_up: Some(GiveUpReason::ClientThrottled),
        }),
    }
}

fn step<T, E: ApiError>(run: &mut RetryLoop<'_>, result: Result<T, E>) -> Step<T, E> {
    match result {
        Ok(value) => {
            run.on_success();
            Step::Done(RetryOutcome {
                result: Ok(value),
                attempts: run.attempts(),
                give_up: None,
            })
        }
        Err(error) => match run.on_error(&error) {
            RetryDecision::RetryAfter(delay) => Step::Sleep(delay),
            RetryDecision::GiveUp(reason) => Step::Done(RetryOutcome {
                result: Err(error),
                attempts: run.attempts(),
                give_up: Some(reason),
            }),
        },
    }
}

/// Calls `op` until it succeeds or `policy` gives up, sleeping the thread between
/// attempts; returns the success or the last error.
///
/// With an [`AdaptiveThrottle`](super::AdaptiveThrottle) in the policy, an attempt
/// it rejects is not made and the call returns [`ClientThrottled`] converted into
/// `E` — hence the bound `E: From<ClientThrottled>`, which
/// [`ErrorResponse`](crate::client::ErrorResponse) and `Box<dyn ApiError>` meet
/// (see [`ClientThrottled`] for your own types).
///
/// ```
/// use std::time::Duration;
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::retry::{retry_blocking, RetryPolicy};
///
/// let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
/// let mut calls = 0;
/// let result = retry_blocking(&policy, || {
///     calls += 1;
///     if calls < 3 { Err(ErrorResponse::from_parts(503, &[], b"")) } else { Ok("done") }
/// });
/// assert_eq!(result.unwrap(), "done");
/// assert_eq!(calls, 3);
/// ```
pub fn retry_blocking<T, E, F>(policy: &RetryPolicy, op: F) -> Result<T, E>
where
    E: ApiError + From<ClientThrottled>,
    F: FnMut() -> Result<T, E>,
{
    retry_blocking_outcome(policy, op).result
}

/// [`retry_blocking`], also telling how many attempts were made and why it gave up.
pub fn retry_blocking_outcome<T, E, F>(policy: &RetryPolicy, mut op: F) -> RetryOutcome<T, E>
where
    E: ApiError + From<ClientThrottled>,
    F: FnMut() -> Result<T, E>,
{
    let mut run = RetryLoop::new(policy);
    loop {
        let result = match attempt(&mut run, &mut op) {
            Ok(result) => result,
            Err(local) => return local,
        };
        match step(&mut run, result) {
            Step::Done(outcome) => return outcome,
            Step::Sleep(delay) => std::thread::sleep(delay),
        }
    }
}

/// Awaits `op()` until it succeeds or `policy` gives up, awaiting `sleep(delay)`
/// between attempts; returns the success or the last error.
///
/// Works with any executor: pass its timer, e.g. `tokio::time::sleep`. About the
/// bound `E: From<ClientThrottled>`, see [`retry_blocking`].
///
/// ```
/// use std::time::Duration;
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::retry::{retry_async, Jitter, RetryPolicy};
///
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     // This example's futures never wait, so polling once is enough.
/// #     struct Noop;
/// #     impl std::task::Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
/// #     let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
/// #     let mut future = std::pin::pin!(future);
/// #     match future.as_mut().poll(&mut std::task::Context::from_waker(&waker)) {
/// #         std::task::Poll::Ready(output) => output,
/// #         std::task::Poll::Pending => unreachable!(),
/// #     }
/// # }
/// let policy = RetryPolicy::default().jitter(Jitter::None);
/// let mut slept = Vec::new();
/// let result: Result<(), _> = block_on(retry_async(
///     &policy,
///     || async { Err(ErrorResponse::from_parts(500, &[], b"")) },
///     |delay| {
///         slept.push(delay);
///         async {}
///     },
/// ));
/// assert_eq!(result.unwrap_err().http_status(), 500);
/// assert_eq!(slept, [Duration::from_millis(500), Duration::from_secs(1)]);
/// ```
pub async fn retry_async<T, E, Op, Fut, Sleep, SleepFut>(
    policy: &RetryPolicy,
    op: Op,
    sleep: Sleep,
) -> Result<T, E>
where
    E: ApiError + From<ClientThrottled>,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    retry_async_outcome(policy, op, sleep).await.result
}

/// [`retry_async`], also telling how many attempts were made and why it gave up.
pub async fn retry_async_outcome<T, E, Op, Fut, Sleep, SleepFut>(
    policy: &RetryPolicy,
    mut op: Op,
    mut sleep: Sleep,
) -> RetryOutcome<T, E>
where
    E: ApiError + From<ClientThrottled>,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    let mut run = RetryLoop::new(policy);
    loop {
        let future = match attempt(&mut run, &mut op) {
            Ok(future) => future,
            Err(local) => return local,
        };
        match step(&mut run, future.await) {
            Step::Done(outcome) => return outcome,
            Step::Sleep(delay) => sleep(delay).await,
        }
    }
}
