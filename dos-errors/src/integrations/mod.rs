//! Framework integrations, each behind a cargo feature (all off by default).
//!
//! | feature | what it adds |
//! |---|---|
//! | `http` | `integrations::http::response`: an `http::Response` from any [`ApiError`]; `ErrorResponse::from_http(parts or response, body)` |
//! | `axum` | `IntoResponse` for every derived type; `integrations::axum`: the `Json` extractor with envelope rejections, `not_found` and `method_not_allowed` fallbacks, the `envelope_errors` safety net, `panic_response`, `request_span` (implies `http`) |
//! | `actix-web` | every derived type converts into `actix_web::Error` (status, envelope, `Retry-After`); `integrations::actix::json_config` for JSON payload errors |
//! | `tower` | `integrations::tower::HttpRetryPolicy`, a `tower::retry::Policy` driven by [`RetryPolicy`](crate::retry::RetryPolicy) (implies `http`) |
//! | `reqwest` | `ErrorResponse::from_reqwest(response).await`, reading a bounded body |
//! | `tracing` | masked 5xx errors log their internal description, once, at error level, when they become responses |
//!
//! The default build has none of them: only `serde` and `serde_json`.
//!
//! With `actix-web`, derived types get `From<Type> for actix_web::Error` rather than
//! `actix_web::ResponseError`, whose `Debug + Display` supertraits would break every
//! type without `Display` as soon as any crate in the build turned the feature on
//! (see the `actix` module).
//!
//! # How derived types get framework impls
//!
//! The derive crate has no features. After every `impl ApiError` it calls
//! `dos_errors::__private::derive_hooks!`, which calls one hook macro per
//! framework. Each hook is defined twice in this crate, under
//! `#[cfg(feature = "…")]` and `#[cfg(not(feature = "…"))]`, so what a derive
//! generates is decided by the features of `dos-errors` itself: with `axum` on,
//! every derived type implements `axum::response::IntoResponse`; with it off,
//! the hook expands to nothing. Features stay additive: nothing they generate asks
//! anything more of a derived type than `ApiError` itself. A derived type must not
//! also implement `IntoResponse` (or `ResponseError`) by hand while the feature is
//! on: the impls would conflict.
//!
//! # Turning an error into a response
//!
//! Every integration answers with the same response: the error's status,
//! `Content-Type: application/json`, the envelope of [`ApiError::to_json`] as
//! body, and `Retry-After: <seconds>` ([`retry_after_seconds`], rounded up) when
//! [`ApiError::retry_after`] is set. If producing the body fails — a `Display`
//! impl used by the message panics — the body falls back to the status's default
//! envelope: a serialization problem never changes the status.
//!
//! With `tracing`, an error whose public message hides its own description
//! (a 5xx without an explicit message, see [`ApiError`]) logs that description —
//! its `Display` and `source()` chain, or its `Debug` when it has no `Display` —
//! once, at error level, when the axum or actix-web integration turns it into a
//! response. The event is emitted inside the current span: with
//! `integrations::axum::request_span` in front of the routes, that span carries the
//! request's `x-request-id`. The client still sees only the public message.

use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "actix-web")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "reqwest")]
mod reqwest;
#[cfg(feature = "tower")]
pub mod tower;
mod tracing;

#[cfg(any(feature = "http", feature = "actix-web"))]
use crate::json;
use crate::{ApiError, Status};

/// What hook macros and derived code use; re-exported by `dos_errors::__private`.
pub(crate) mod hooks {
    pub use super::tracing::{
        describe, log_masked, masked_description, report_masked, Detail, Probe, ProbeDebug,
        ProbeDisplay, ProbeError, ProbeNone,
    };

    #[cfg(feature = "actix-web")]
    pub use super::actix::ActixError;
    #[cfg(feature = "axum")]
    pub use super::axum::respond as axum_respond;
    #[cfg(feature = "actix-web")]
    pub use ::actix_web;
    #[cfg(feature = "axum")]
    pub use ::axum;
}

/// The `Content-Type` of every error response.
pub const CONTENT_TYPE_JSON: &str = "application/json";

pub use crate::headers::retry_after_seconds;

/// An error answered by the framework rather than by a handler: a bad body, an
/// unknown route, a wrong method, a panic. Its type and, unless given, its
/// message are the defaults of its status.
///
/// ```
/// use dos_errors::{integrations::Rejection, ApiError, Status};
///
/// let rejection = Rejection::from_status(Status::NOT_FOUND);
/// assert_eq!(rejection.to_json(), r#"{"error":{"message":"Not Found.","type":"not_found_error","code":404}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    status: Status,
    message: Cow<'static, str>,
}

impl Rejection {
    /// A rejection with its own public message.
    pub fn new(status: Status, message: impl Into<Cow<'static, str>>) -> Self {
        Rejection {
            status,
            message: message.into(),
        }
    }

    /// A rejection with the default message of `status`.
    #[must_use]
    pub fn from_status(status: Status) -> Self {
        Rejection::new(status, status.default_message())
    }

    /// A rejection from a status and a framework's plain-text explanation: the text
    /// becomes the message of a 4xx; 5xx keep their default message.
    #[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
    pub(crate) fn from_plain(status: Status, text: &str) -> Self {
        let text = text.trim();
        if status.is_client_error() && !text.is_empty() {
            Rejection::new(status, text.to_owned())
        } else {
            Rejection::from_status(status)
        }
    }
}

impl ApiError for Rejection {
    fn status(&self) -> Status {
        self.status
    }

    fn error_type(&self) -> &str {
        self.status.default_type()
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.message)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for Rejection {}

/// The parts of a response every integration sends for an error.
#[cfg(any(feature = "http", feature = "actix-web"))]
pub(crate) struct Rendered {
    pub(crate) status: Status,
    pub(crate) body: Vec<u8>,
    pub(crate) retry_after: Option<u64>,
}

#[cfg(any(feature = "http", feature = "actix-web"))]
impl Rendered {
    /// Renders `error`; a panic while formatting it gives the status's default envelope.
    pub(crate) fn of<E: ApiError + ?Sized>(error: &E) -> Rendered {
        let status = error.status();
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut body = Vec::with_capacity(128);
            error.write_json(&mut body);
            (body, error.retry_after().map(retry_after_seconds))
        }));
        match rendered {
            Ok((body, retry_after)) => Rendered {
                status,
                body,
                retry_after,
            },
            Err(_) => Rendered {
                status,
                body: static_envelope(status),
                retry_after: None,
            },
        }
    }
}

/// The default envelope of `status`: its default message and type.
#[cfg(any(feature = "http", feature = "actix-web"))]
pub(crate) fn static_envelope(status: Status) -> Vec<u8> {
    let mut body = Vec::with_capacity(128);
    json::write_envelope(
        &mut body,
        status.default_message(),
        status.default_type(),
        status.as_u16(),
    );
    body
}

/// Without a feature, its hook expands to nothing.
#[cfg(not(feature = "axum"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __hook_axum {
    ($($input:tt)*) => {};
}

/// Without a feature, its hook expands to nothing.
#[cfg(not(feature = "actix-web"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __hook_actix {
    ($($input:tt)*) => {};
}
