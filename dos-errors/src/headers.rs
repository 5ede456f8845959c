//! HTTP headers about errors and retries: the one place that parses them.
//!
//! `Retry-After` (delay-seconds or an HTTP-date), `retry-after-ms`,
//! `grpc-retry-pushback-ms`, `x-should-retry`, the rate-limit reset headers (IETF
//! `RateLimit`, OpenAI's `x-ratelimit-reset-*`, Anthropic's
//! `anthropic-ratelimit-*-reset`), the request id headers and the problem+json
//! content type are read here, for the client's decoder
//! ([`ErrorResponse`](crate::client::ErrorResponse)) and the retry policy alike;
//! [`retry_after_seconds`] writes the value servers send. Nothing here allocates or
//! panics: a malformed value is ignored (`None`) — except a malformed
//! `grpc-retry-pushback-ms`, which gRPC reads as "do not retry" (see [`Pushback`]).
//!
//! # How a decoded response gets its delay
//!
//! [`ErrorResponse::retry_after`](crate::client::ErrorResponse) is the first of:
//!
//! 1. `retry-after-ms` (OpenAI, Azure);
//! 2. `Retry-After` (RFC 9110);
//! 3. `grpc-retry-pushback-ms`, when not negative (gRPC A6);
//! 4. the `RetryInfo.retryDelay` of a Google error body;
//! 5. on a 429 only, the reset of the rate limit in effect ([`rate_limit_reset`]).
//!
//! A gRPC status ([`ErrorResponse::from_tonic`](crate::client::ErrorResponse::from_tonic))
//! has no body: its `RetryInfo` detail comes first, then its metadata in the order
//! above (1, 2, 3, then 5).
//!
//! The [`RetryPolicy`](crate::retry::RetryPolicy) treats them all alike: a minimum
//! wait, and a give-up when longer than its `max_retry_after`.

use std::time::{Duration, SystemTime};

mod accept;
mod http_date;
mod rate_limit;

pub use accept::prefers_problem_json;
use http_date::parse_decimal;
pub use http_date::{parse_http_date, parse_rfc3339};
use rate_limit::RateLimitHeaders;
pub use rate_limit::{parse_go_duration, parse_ratelimit};

/// The value of a `Retry-After` header for `delay`: whole seconds, rounded up.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::headers::retry_after_seconds;
///
/// assert_eq!(retry_after_seconds(Duration::from_secs(30)), 30);
/// assert_eq!(retry_after_seconds(Duration::from_millis(1200)), 2);
/// assert_eq!(retry_after_seconds(Duration::ZERO), 0);
/// ```
#[must_use]
pub const fn retry_after_seconds(delay: Duration) -> u64 {
    let whole = delay.as_secs();
    if delay.subsec_nanos() > 0 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// The `x-should-retry` header a server sends with an error whose retryability is
/// `retryable`, answered with `status` (over gRPC: the status of its code,
/// [`GrpcCode::http_status`](crate::GrpcCode::http_status)): `Some(true)` when the
/// error is retryable although errors of `status` are not by default, `Some(false)`
/// when it is not although they are — wherever the status alone would mislead a
/// client —, else `None`, and no header. The official OpenAI and Anthropic SDKs and
/// [`ErrorResponse`](crate::client::ErrorResponse) follow the header over the status.
///
/// ```
/// use dos_errors::headers::should_retry_override;
/// use dos_errors::Status;
///
/// assert_eq!(should_retry_override(true, Status::CONFLICT), Some(true));
/// assert_eq!(should_retry_override(false, Status::SERVICE_UNAVAILABLE), Some(false));
/// assert_eq!(should_retry_override(true, Status::SERVICE_UNAVAILABLE), None);
/// assert_eq!(should_retry_override(false, Status::NOT_FOUND), None);
/// ```
#[must_use]
pub const fn should_retry_override(retryable: bool, status: crate::Status) -> Option<bool> {
    crate::contract::should_retry_override(retryable, status.as_u16())
}

/// The name of the header of [`should_retry_override`].
pub const X_SHOULD_RETRY: &str = "x-should-retry";

/// The request id header of Anthropic's API (`request-id`); others send
/// `x-request-id`. A response decoded here takes its id from either.
pub const ANTHROPIC_REQUEST_ID: &str = "request-id";

/// The decimal text of `seconds` as a `&'static str` when it is below 1000 — the
/// usual `Retry-After` values —, so that a header can borrow it instead of
/// formatting (and allocating) on every response.
#[cfg(any(feature = "http", test))]
#[must_use]
pub(crate) fn small_seconds_text(seconds: u64) -> Option<&'static str> {
    let (digits, len) = SMALL_SECONDS.get(usize::try_from(seconds).ok()?)?;
    core::str::from_utf8(&digits[..usize::from(*len)]).ok()
}

/// The digits of 0 to 999, built when this crate compiles.
#[cfg(any(feature = "http", test))]
static SMALL_SECONDS: [([u8; 3], u8); 1000] = {
    let mut table = [([0; 3], 0); 1000];
    let mut n = 0;
    while n < table.len() {
        let (hundreds, tens, ones) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = if n >= 100 {
            ([b'0' + hundreds, b'0' + tens, b'0' + ones], 3)
        } else if n >= 10 {
            ([b'0' + tens, b'0' + ones, 0], 2)
        } else {
            ([b'0' + ones, 0, 0], 1)
        };
        n += 1;
    }
    table
};

/// Parses a `Retry-After` header value: delay-seconds or an HTTP-date.
///
/// - delay-seconds: `120`; a fraction is tolerated (`1.5`); surrounding whitespace is ignored;
/// - an HTTP-date in any of the three formats of RFC 9110 (see [`parse_http_date`]):
///   the time left until it, measured from `now`; a date in the past is zero.
///
/// Anything else — garbage, a sign, an exponent, `inf`/`NaN`, a number too large
/// for a `u64` of seconds, an impossible date — is `None`. Never panics, never allocates.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use dos_errors::headers::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(784_111_700);
/// assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
/// assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(77)));
/// assert_eq!(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now), Some(Duration::ZERO));
/// assert_eq!(parse_retry_after("-1", now), None);
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
#[must_use]
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    match value.as_bytes().first()? {
        b'0'..=b'9' | b'.' => parse_delay_seconds(value),
        _ => {
            let date = parse_http_date(value, now)?;
            Some(date.duration_since(now).unwrap_or(Duration::ZERO))
        }
    }
}

/// Seconds as a non-negative decimal (`12`, `1.5`), the delay-seconds of `Retry-After`.
pub(crate) fn parse_delay_seconds(value: &str) -> Option<Duration> {
    let (seconds, nanos) = parse_decimal(value)?;
    Some(Duration::new(seconds, nanos))
}

/// Parses a `retry-after-ms` header value (OpenAI's, Azure's): milliseconds, fraction allowed.
///
/// The same rules as [`parse_retry_after`]'s delay-seconds: no sign, no exponent,
/// whitespace ignored, anything malformed or too large is `None`.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::headers::parse_retry_after_ms;
///
/// assert_eq!(parse_retry_after_ms("1500"), Some(Duration::from_millis(1500)));
/// assert_eq!(parse_retry_after_ms("2.5"), Some(Duration::from_micros(2500)));
/// assert_eq!(parse_retry_after_ms("NaN"), None);
/// ```
#[must_use]
pub fn parse_retry_after_ms(value: &str) -> Option<Duration> {
    let (millis, billionths) = parse_decimal(value.trim())?;
    // A billionth of a millisecond is a thousandth of a nanosecond.
    Duration::from_millis(millis).checked_add(Duration::from_nanos(u64::from(billionths / 1000)))
}

/// What a `grpc-retry-pushback-ms` header asks for (gRPC A6, "Pushback").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pushback {
    /// Retry after this delay, not sooner.
    RetryAfter(Duration),
    /// Do not retry at all: the value was negative or could not be read.
    DoNotRetry,
}

/// Parses a `grpc-retry-pushback-ms` value, as gRPC A6 defines it: a signed 32-bit
/// integer of milliseconds; a negative or unreadable value asks the client not to
/// retry at all.
///
/// Leading zeros and surrounding whitespace are tolerated.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::headers::{parse_grpc_retry_pushback, Pushback};
///
/// assert_eq!(parse_grpc_retry_pushback("250"), Pushback::RetryAfter(Duration::from_millis(250)));
/// assert_eq!(parse_grpc_retry_pushback("-1"), Pushback::DoNotRetry);
/// assert_eq!(parse_grpc_retry_pushback("soon"), Pushback::DoNotRetry);
/// ```
#[must_use]
pub fn parse_grpc_retry_pushback(value: &str) -> Pushback {
    let value = value.trim();
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Pushback::DoNotRetry;
    }
    match value.parse::<i32>() {
        Ok(millis) => u64::try_from(millis).map_or(Pushback::DoNotRetry, |m| {
            Pushback::RetryAfter(Duration::from_millis(m))
        }),
        Err(_) => Pushback::DoNotRetry,
    }
}

/// How long until the rate limit that refused a request has quota again, from the
/// rate-limit headers of the response; `None` when they say nothing usable.
///
/// Reads IETF `RateLimit` (`"default";r=0;t=30`, see [`parse_ratelimit`]; also the
/// older drafts' `RateLimit-Reset`/`RateLimit-Remaining`), OpenAI's
/// `x-ratelimit-reset-<kind>` (a Go duration, see [`parse_go_duration`]) and
/// Anthropic's `anthropic-ratelimit-<kind>-reset` (an RFC 3339 time, measured from
/// `now`), each with its `remaining` header.
///
/// The limits in effect are those reported exhausted (remaining 0); when none is,
/// all of them. The latest of their resets is the answer: the request needs quota
/// from each. A decoded 429 uses this when the response has no `Retry-After`.
/// Never panics, never allocates (beyond twelve limits, extra headers are ignored).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use dos_errors::headers::rate_limit_reset;
///
/// let headers = [
///     ("x-ratelimit-remaining-requests", "0"),
///     ("x-ratelimit-reset-requests", "1s"),
///     ("x-ratelimit-remaining-tokens", "40000"),
///     ("x-ratelimit-reset-tokens", "6m0s"),
/// ];
/// assert_eq!(rate_limit_reset(&headers, UNIX_EPOCH), Some(Duration::from_secs(1)));
///
/// let headers = [("anthropic-ratelimit-tokens-reset", "1970-01-01T00:00:30Z")];
/// assert_eq!(rate_limit_reset(&headers, UNIX_EPOCH), Some(Duration::from_secs(30)));
/// ```
#[must_use]
pub fn rate_limit_reset(headers: &[(&str, &str)], now: SystemTime) -> Option<Duration> {
    let mut collected = RateLimitHeaders::default();
    for &(name, value) in headers {
        collected.offer(name.trim(), value);
    }
    collected.reset(now)
}

/// A protobuf JSON duration such as Google's `RetryInfo.retryDelay`: `"32s"`, `"1.500s"`.
pub(crate) fn parse_protobuf_duration(value: &str) -> Option<Duration> {
    parse_delay_seconds(value.trim().strip_suffix('s')?)
}

/// `true` / `false`, any case, surrounding whitespace ignored (`x-should-retry`).
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// What the headers of an error response say, as the client's decoder reads them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErrorHeaders<'a> {
    /// From `retry-after-ms`, else `Retry-After`, else a non-negative `grpc-retry-pushback-ms`.
    pub(crate) retry_after: Option<Duration>,
    /// On a 429 without any of the above: the reset of the rate limit in effect.
    pub(crate) rate_limit_reset: Option<Duration>,
    /// `Some(false)` for a pushback that says not to retry, else `x-should-retry`.
    pub(crate) should_retry: Option<bool>,
    /// `x-request-id`, else `request-id`.
    pub(crate) request_id: Option<&'a str>,
    /// The content type is `application/problem+json`.
    pub(crate) problem_json: bool,
}

impl<'a> ErrorHeaders<'a> {
    /// Reads `(name, value)` pairs of a response with HTTP status `status`; names
    /// match case-insensitively, the first valid value of each header wins,
    /// malformed values are ignored (a malformed pushback is a "do not retry").
    pub(crate) fn read(headers: &[(&'a str, &'a str)], status: u16, now: SystemTime) -> Self {
        let mut retry_after_ms = None;
        let mut retry_after = None;
        let mut pushback = None;
        let mut should_retry = None;
        let mut x_request_id = None;
        let mut request_id = None;
        let mut problem_json = false;
        let mut rate_limits = RateLimitHeaders::default();
        for &(name, value) in headers {
            let name = name.trim();
            let is = |expected: &str| name.eq_ignore_ascii_case(expected);
            if is("retry-after-ms") {
                retry_after_ms = retry_after_ms.or_else(|| parse_retry_after_ms(value));
            } else if is("retry-after") {
                retry_after = retry_after.or_else(|| parse_retry_after(value, now));
            } else if is("grpc-retry-pushback-ms") {
                pushback = pushback.or(Some(parse_grpc_retry_pushback(value)));
            } else if is(X_SHOULD_RETRY) {
                should_retry = should_retry.or_else(|| parse_bool(value));
            } else if is("x-request-id") {
                x_request_id = x_request_id.or(Some(value.trim()).filter(|v| !v.is_empty()));
            } else if is(ANTHROPIC_REQUEST_ID) {
                request_id = request_id.or(Some(value.trim()).filter(|v| !v.is_empty()));
            } else if is("content-type") {
                let media_type = value.split(';').next().unwrap_or_default().trim();
                problem_json |= media_type.eq_ignore_ascii_case("application/problem+json");
            } else if status == 429 {
                rate_limits.offer(name, value);
            }
        }
        let pushback_after = match pushback {
            Some(Pushback::RetryAfter(delay)) => Some(delay),
            Some(Pushback::DoNotRetry) => {
                should_retry = Some(false);
                None
            }
            None => None,
        };
        let retry_after = retry_after_ms.or(retry_after).or(pushback_after);
        let rate_limit_reset = match retry_after {
            None if status == 429 => rate_limits.reset(now),
            _ => None,
        };
        ErrorHeaders {
            retry_after,
            rate_limit_reset,
            should_retry,
            request_id: x_request_id.or(request_id),
            problem_json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_seconds_are_their_decimal_text() {
        for seconds in 0..1000u64 {
            assert_eq!(
                small_seconds_text(seconds),
                Some(seconds.to_string().as_str())
            );
        }
        assert_eq!(small_seconds_text(1000), None);
        assert_eq!(small_seconds_text(u64::MAX), None);
    }
    use std::time::UNIX_EPOCH;

    #[test]
    fn reset_headers_count_only_on_a_429_without_retry_after() {
        let limited = [
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "3s"),
        ];
        let read = |headers: &[(&'static str, &'static str)], status| {
            ErrorHeaders::read(headers, status, UNIX_EPOCH)
        };
        assert_eq!(
            read(&limited, 429).rate_limit_reset,
            Some(Duration::from_secs(3))
        );
        assert_eq!(read(&limited, 503).rate_limit_reset, None);
        let with_retry_after = [limited[0], limited[1], ("Retry-After", "1")];
        let headers = read(&with_retry_after, 429);
        assert_eq!(
            (headers.retry_after, headers.rate_limit_reset),
            (Some(Duration::from_secs(1)), None)
        );
    }

    #[test]
    fn pushback() {
        let read =
            |headers: &[(&'static str, &'static str)]| ErrorHeaders::read(headers, 503, UNIX_EPOCH);
        let headers = read(&[("grpc-retry-pushback-ms", "1500")]);
        assert_eq!(headers.retry_after, Some(Duration::from_millis(1500)));
        assert_eq!(headers.should_retry, None);
        // Retry-After comes first.
        let headers = read(&[("grpc-retry-pushback-ms", "1500"), ("retry-after", "2")]);
        assert_eq!(headers.retry_after, Some(Duration::from_secs(2)));
        // "Do not retry" wins over x-should-retry.
        for value in ["-1", "", "1.5", "2147483648"] {
            let headers = read(&[
                ("x-should-retry", "true"),
                ("GRPC-Retry-Pushback-Ms", value),
            ]);
            assert_eq!(
                (headers.retry_after, headers.should_retry),
                (None, Some(false)),
                "{value:?}"
            );
        }
        assert_eq!(
            parse_grpc_retry_pushback(" 007 "),
            Pushback::RetryAfter(Duration::from_millis(7))
        );
        assert_eq!(
            parse_grpc_retry_pushback("2147483647"),
            Pushback::RetryAfter(Duration::from_millis(2_147_483_647))
        );
        assert_eq!(
            parse_grpc_retry_pushback("-0"),
            Pushback::RetryAfter(Duration::ZERO)
        );
        assert_eq!(parse_grpc_retry_pushback("+5"), Pushback::DoNotRetry);
    }
}
