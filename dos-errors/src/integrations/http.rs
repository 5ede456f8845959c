//! The `http` feature: [`response`] builds an `http::Response` from any [`ApiError`]
//! (in the request's error format); the client decodes one with `ErrorResponse::from_http`.

use http::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use http::StatusCode;

use super::Rendered;
use crate::{ApiError, Status};

pub use super::CONTENT_TYPE_JSON;

/// The response for `error`: its status, its body in the format of the request
/// being handled (the envelope, `Content-Type: application/json`, outside a
/// service's [`ErrorFormat`](super::ErrorFormat) scope), and `Retry-After` (whole
/// seconds, rounded up) when [`ApiError::retry_after`] is set.
///
/// Rendering runs the error's own formatting code (a field's `Display`): a panic
/// there propagates.
///
/// ```
/// use std::time::Duration;
/// use dos_errors::{integrations::http::response, ApiError};
///
/// #[derive(Debug, ApiError)]
/// #[api_error(status = 429)]
/// struct Slow {
///     #[api_error(retry_after)]
///     wait: Duration,
/// }
///
/// let response = response(&Slow { wait: Duration::from_millis(1500) });
/// assert_eq!(response.status(), 429);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// assert_eq!(response.headers()["retry-after"], "2");
/// assert_eq!(
///     response.body().as_slice(),
///     br#"{"error":{"message":"You have exceeded the rate limit for your account.","type":"rate_limit_error","code":429}}"#
/// );
/// ```
#[must_use]
pub fn response<E: ApiError + ?Sized>(error: &E) -> http::Response<Vec<u8>> {
    into_http(Rendered::of(error))
}

/// The response for `error` in `format`, with `request_id` where the format carries
/// one (Anthropic's `request_id`), whatever the current request's choice.
///
/// ```
/// use dos_errors::{integrations::http::response_in, ApiError, Format};
///
/// #[derive(Debug, ApiError)]
/// #[api_error(status = 404)]
/// struct Missing;
///
/// let response = response_in(&Missing, Format::Problem, None);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[must_use]
pub fn response_in<E: ApiError + ?Sized>(
    error: &E,
    format: crate::Format,
    request_id: Option<&str>,
) -> http::Response<Vec<u8>> {
    into_http(Rendered::with(error, format, request_id))
}

fn into_http(rendered: Rendered) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(rendered.body);
    *response.status_mut() = status_code(rendered.status);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(rendered.content_type),
    );
    if let Some(seconds) = rendered.retry_after {
        let value = match crate::headers::small_seconds_text(seconds) {
            Some(text) => HeaderValue::from_static(text),
            None => HeaderValue::from(seconds),
        };
        headers.insert(RETRY_AFTER, value);
    }
    if let Some(retry) = rendered.should_retry {
        let value = HeaderValue::from_static(if retry { "true" } else { "false" });
        headers.insert(crate::headers::X_SHOULD_RETRY, value);
    }
    if let Some(id) = rendered.anthropic_request_id {
        // An echoed id is visible ASCII, a new one base32: always a valid value.
        if let Ok(value) = HeaderValue::try_from(id) {
            headers.insert(crate::headers::ANTHROPIC_REQUEST_ID, value);
        }
    }
    response
}

/// The `http` status code of a [`Status`].
#[must_use]
pub fn status_code(status: Status) -> StatusCode {
    // Every code in 400..=599 is a valid StatusCode; the fallback is unreachable.
    StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub use crate::client::ResponseHead;
