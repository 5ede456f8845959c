//! HTTP headers about errors and retries: the one place that parses them.
//!
//! `Retry-After` (delay-seconds or an HTTP-date), `retry-after-ms`,
//! `x-should-retry`, the request id headers and the problem+json content type are
//! read here, for the client's decoder ([`ErrorResponse`](crate::client::ErrorResponse))
//! and the retry policy alike; [`retry_after_seconds`] writes the value servers send.
//! Nothing here allocates or panics: a malformed value is ignored (`None`).

use std::time::{Duration, SystemTime};

mod accept;
mod http_date;

pub use accept::prefers_problem_json;
use http_date::parse_decimal;
pub use http_date::parse_http_date;

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
    /// From `retry-after-ms`, else `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// `x-should-retry`.
    pub(crate) should_retry: Option<bool>,
    /// `x-request-id`, else `request-id`.
    pub(crate) request_id: Option<&'a str>,
    /// The content type is `application/problem+json`.
    pub(crate) problem_json: bool,
}

impl<'a> ErrorHeaders<'a> {
    /// Reads `(name, value)` pairs; names match case-insensitively, the first valid
    /// value of each header wins, malformed values are ignored.
    pub(crate) fn read(headers: &[(&'a str, &'a str)], now: SystemTime) -> Self {
        let mut retry_after_ms = None;
        let mut retry_after = None;
        let mut should_retry = None;
        let mut x_request_id = None;
        let mut request_id = None;
        let mut problem_json = false;
        for &(name, value) in headers {
            let name = name.trim();
            let is = |expected: &str| name.eq_ignore_ascii_case(expected);
            if is("retry-after-ms") {
                retry_after_ms = retry_after_ms.or_else(|| parse_retry_after_ms(value));
            } else if is("retry-after") {
                retry_after = retry_after.or_else(|| parse_retry_after(value, now));
            } else if is("x-should-retry") {
                should_retry = should_retry.or_else(|| parse_bool(value));
            } else if is("x-request-id") {
                x_request_id = x_request_id.or(Some(value.trim()).filter(|v| !v.is_empty()));
            } else if is("request-id") {
                request_id = request_id.or(Some(value.trim()).filter(|v| !v.is_empty()));
            } else if is("content-type") {
                let media_type = value.split(';').next().unwrap_or_default().trim();
                problem_json |= media_type.eq_ignore_ascii_case("application/problem+json");
            }
        }
        ErrorHeaders {
            retry_after: retry_after_ms.or(retry_after),
            should_retry,
            request_id: x_request_id.or(request_id),
            problem_json,
        }
    }
}
