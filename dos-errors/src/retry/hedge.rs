//! Hedging: a second attempt of an idempotent call when the first is slow.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use super::{ClientThrottled, GiveUpReason, RetryOutcome, RetryPolicy};
use crate::{ApiError, Retryability};

/// What woke the hedging loop.
enum Event<T, E> {
    /// Attempt 0 (the first) or 1 (the hedge) answered.
    Answer(usize, Result<T, E>),
    /// The hedging delay (or a pushback delay) is over.
    Timer,
}

/// Sends `make_request()`; if it has not answered after `delay`, sends a second
/// attempt, and returns the first success. Only for idempotent calls: both may run.
///
/// The loser is cancelled by dropping its future. The hedge is a retry for the
/// policy (the rules of gRPC A6's hedging):
///
/// - it is sent only if the policy allows a retry (`max_retries ≥ 1`), its
///   [`RetryThrottle`](super::RetryThrottle) is above half, its deadline has not
///   passed, its [`AdaptiveThrottle`](super::AdaptiveThrottle) lets it through and
///   its [`RetryBudget`](super::RetryBudget) pays for it — the same budget as retries;
/// - when the first attempt fails before `delay` with a retryable error, the hedge
///   is sent at once — or, if the error carries a `Retry-After`, after it (a
///   `Retry-After` above `max_retry_after` gives up instead);
/// - a fatal error from either attempt is returned at once;
/// - when both fail, the error of the last one to answer is returned.
///
/// As in [`retry_async`](super::retry_async), the request counts once for a ratio
/// budget, every response is reported to the throttles, an attempt rejected by the
/// adaptive throttle is not sent (a rejected first attempt returns [`ClientThrottled`]
/// as `E`), and `sleep` is your executor's timer.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::retry::{hedge_async, RetryPolicy};
///
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     struct Noop;
/// #     impl std::task::Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
/// #     let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
/// #     let mut future = std::pin::pin!(future);
/// #     let mut context = std::task::Context::from_waker(&waker);
/// #     loop {
/// #         if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
/// #             return output;
/// #         }
/// #     }
/// # }
/// # /// A future that is ready after being polled `polls` times.
/// # struct After(u32);
/// # impl std::future::Future for After {
/// #     type Output = ();
/// #     fn poll(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
/// #         if self.0 == 0 { std::task::Poll::Ready(()) } else { self.0 -= 1; std::task::Poll::Pending }
/// #     }
/// # }
/// let policy = RetryPolicy::default();
/// let mut sent = 0;
/// let answer: Result<&str, ErrorResponse> = block_on(hedge_async(
///     &policy,
///     Duration::from_millis(50),
///     || {
///         sent += 1;
///         let (slow, answer) = if sent == 1 { (1000, "first") } else { (1, "hedge") };
///         async move {
///             After(slow).await; // the first attempt is stuck
///             Ok(answer)
///         }
///     },
///     |_delay| After(3), // stands in for the executor's timer
/// ));
/// assert_eq!(answer.unwrap(), "hedge");
/// assert_eq!(sent, 2);
/// ```
pub async fn hedge_async<T, E, Op, Fut, Sleep, SleepFut>(
    policy: &RetryPolicy,
    delay: Duration,
    make_request: Op,
    sleep: Sleep,
) -> Result<T, E>
where
    E: ApiError + From<ClientThrottled>,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    hedge_async_outcome(policy, delay, make_request, sleep)
        .await
        .result
}

/// [`hedge_async`], also telling how many attempts were sent (1 or 2) and why no
/// further attempt was made.
pub async fn hedge_async_outcome<T, E, Op, Fut, Sleep, SleepFut>(
    policy: &RetryPolicy,
    delay: Duration,
    mut make_request: Op,
    mut sleep: Sleep,
) -> RetryOutcome<T, E>
where
    E: ApiError + From<ClientThrottled>,
    Op: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    let now = policy.clock();
    if let Some(now) = now {
        policy.record_request_at(now);
    }
    if let Some(adaptive) = &policy.adaptive {
        if !adaptive.should_send_at(now.unwrap_or_else(Instant::now)) {
            return RetryOutcome {
                result: Err(E::from(ClientThrottled)),
                attempts: 0,
                give_up: Some(GiveUpReason::ClientThrottled),
            };
        }
    }

    let mut first = pin!(Some(make_request()));
    let mut second = pin!(None::<Fut>);
    let mut timer = pin!(None::<SleepFut>);
    let mut sent: u32 = 1;
    // Why the hedge will not be sent, once that is known.
    let mut refused: Option<GiveUpReason> = None;
    // The error of a failed attempt, while waiting for the other one or for a pushback delay.
    let mut failed: Option<E> = None;
    if policy.max_retries == 0 {
        refused = Some(GiveUpReason::RetriesExhausted);
    } else {
        timer.set(Some(sleep(delay)));
    }

    loop {
        let event = poll_fn(|cx| {
            if let Some(future) = first.as_mut().as_pin_mut() {
                if let Poll::Ready(result) = future.poll(cx) {
                    return Poll::Ready(Event::Answer(0, result));
                }
            }
            if let Some(future) = second.as_mut().as_pin_mut() {
                if let Poll::Ready(result) = future.poll(cx) {
                    return Poll::Ready(Event::Answer(1, result));
                }
            }
            if let Some(timer) = timer.as_mut().as_pin_mut() {
                if timer.poll(cx).is_ready() {
                    return Poll::Ready(Event::Timer);
                }
            }
            Poll::Pending
        })
        .await;

        let error = match event {
            Event::Timer => {
                timer.set(None);
                match policy.hedge_permit(policy.clock()) {
                    Ok(()) => {
                        second.set(Some(make_request()));
                        sent += 1;
                    }
                    Err(reason) => refused = Some(reason),
                }
                match (first.is_none() && second.is_none(), failed.take()) {
                    // The first attempt failed and the delayed hedge was refused.
                    (true, Some(error)) => {
                        return RetryOutcome {
                            result: Err(error),
                            attempts: sent,
                            give_up: refused,
                        }
                    }
                    (_, kept) => failed = kept,
                }
                continue;
            }
            Event::Answer(index, result) => {
                if index == 0 {
                    first.set(None);
                } else {
                    second.set(None);
                }
                let now = policy.clock();
                match result {
                    Ok(value) => {
                        policy.record_success();
                        if let Some(adaptive) = &policy.adaptive {
                            adaptive.record_accept_at(now.unwrap_or_else(Instant::now));
                        }
                        return RetryOutcome {
                            result: Ok(value),
                            attempts: sent,
                            give_up: None,
                        };
                    }
                    Err(error) => {
                        if let Some(adaptive) = &policy.adaptive {
                            adaptive.record_error_at(&error, now.unwrap_or_else(Instant::now));
                        }
                        error
                    }
                }
            }
        };

        let give_up = |error, reason| RetryOutcome {
            result: Err(error),
            attempts: sent,
            give_up: Some(reason),
        };
        if error.retryability() == Retryability::Fatal {
            return give_up(error, GiveUpReason::Fatal);
        }
        if let Some(throttle) = &policy.throttle {
            throttle.record_failure();
        }
        if first.is_some() || second.is_some() {
            // The other attempt may still succeed.
            failed = Some(error);
            continue;
        }
        if sent == 2 {
            return give_up(error, GiveUpReason::RetriesExhausted);
        }
        if let Some(reason) = refused.take() {
            return give_up(error, reason);
        }
        // The first attempt failed before the hedging delay: hedge now, or after the server's delay.
        if let Some(retry_after) = error.retry_after() {
            if retry_after > policy.max_retry_after {
                let max = policy.max_retry_after;
                return give_up(error, GiveUpReason::RetryAfterTooLong { retry_after, max });
            }
            timer.set(Some(sleep(retry_after)));
            failed = Some(error);
            continue;
        }
        timer.set(None);
        match policy.hedge_permit(policy.clock()) {
            Ok(()) => {
                second.set(Some(make_request()));
                sent += 1;
                failed = Some(error);
            }
            Err(reason) => return give_up(error, reason),
        }
    }
}
