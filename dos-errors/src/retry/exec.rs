//! Running an operation under a [`RetryPolicy`]: blocking, or async with any executor's sleep.

use std::future::Future;
use std::time::Duration;

use super::{GiveUpReason, RetryDecision, RetryPolicy};
use crate::ApiError;

/// What a retry helper did: the final result, how many attempts it made, and why it stopped retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryOutcome<T, E> {
    /// The first success, or the error of the last attempt.
    pub result: Result<T, E>,
    /// Attempts made, the first included (so at least 1).
    pub attempts: u32,
    /// Why the policy gave up; `None` when the result is a success.
    pub give_up: Option<GiveUpReason>,
}

/// One step of the loop shared by both helpers: record a success, or ask the policy.
enum Step<T, E> {
    Done(RetryOutcome<T, E>),
    Sleep(Duration),
}

fn step<T, E: ApiError>(policy: &RetryPolicy, result: Result<T, E>, attempts: u32) -> Step<T, E> {
    match result {
        Ok(value) => {
            policy.record_success();
            Step::Done(RetryOutcome {
                result: Ok(value),
                attempts,
                give_up: None,
            })
        }
        Err(error) => match policy.decide(attempts - 1, &error) {
            RetryDecision::RetryAfter(delay) => Step::Sleep(delay),
            RetryDecision::GiveUp(reason) => Step::Done(RetryOutcome {
                result: Err(error),
                attempts,
                give_up: Some(reason),
            }),
        },
    }
}

/// Calls `op` until it succeeds or `policy` gives up, sleeping the thread between
/// attempts; returns the success or the last error.
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
    E: ApiError,
    F: FnMut() -> Result<T, E>,
{
    retry_blocking_outcome(policy, op).result
}

/// [`retry_blocking`], also telling how many attempts were made and why it gave up.
pub fn retry_blocking_outcome<T, E, F>(policy: &RetryPolicy, mut op: F) -> RetryOutcome<T, E>
where
    E: ApiError,
    F: FnMut() -> Result<T, E>,
{
    let mut attempts: u32 = 0;
    loop {
        attempts = attempts.saturating_add(1);
        match step(policy, op(), attempts) {
            Step::Done(outcome) => return outcome,
            Step::Sleep(delay) => std::thread::sleep(delay),
        }
    }
}

/// Awaits `op()` until it succeeds or `policy` gives up, awaiting `sleep(delay)`
/// between attempts; returns the success or the last error.
///
/// Works with any executor: pass its timer, e.g. `tokio::time::sleep`.
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
    E: ApiError,
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
    E: ApiError,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    let mut attempts: u32 = 0;
    loop {
        attempts = attempts.saturating_add(1);
        match step(policy, op().await, attempts) {
            Step::Done(outcome) => return outcome,
            Step::Sleep(delay) => sleep(delay).await,
        }
    }
}
