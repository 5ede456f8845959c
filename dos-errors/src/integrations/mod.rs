//! Framework integrations, each behind a cargo feature (all off by default).
//!
//! | feature | what it adds |
//! |---|---|
//! | `http` | `integrations::http::response`: an `http::Response` from any [`ApiError`]; `ErrorResponse::from_http(parts or response, body)` |
//! | `axum` | `IntoResponse` for derived types that opt in; `integrations::axum`: the `Json` extractor with envelope rejections, `not_found` and `method_not_allowed` fallbacks, the `envelope_errors` safety net, `panic_response`, `request_span` (implies `http`) |
//! | `actix-web` | derived types that opt in convert into `actix_web::Error` (status, envelope, `Retry-After`); `integrations::actix::json_config` for JSON payload errors |
//! | `utoipa` | `IntoResponses` for derived types that opt in; schemas of the bodies |
//! | `tower` | `integrations::tower::HttpRetryPolicy`, a `tower::retry::Policy` driven by [`RetryPolicy`](crate::retry::RetryPolicy) (implies `http`) |
//! | `reqwest` | `ErrorResponse::from_reqwest(response).await`, reading a bounded body |
//! | `tonic` | `integrations::tonic::status`: a `tonic::Status` with Google's rich error details and `grpc-retry-pushback-ms` from any [`ApiError`]; `From` for derived types that opt in; `ErrorResponse::from_tonic` |
//! | `tracing` | errors log their internal description at their declared level when they become responses (masked 5xx at error level by default) |
//!
//! The default build has none of them: only `serde` and `serde_json`.
//!
//! # Framework impls for derived types: a per-type opt-in
//!
//! A derived type implements a framework's traits only when it asks for them,
//! with a type-level key:
//!
//! ```ignore
//! #[derive(Debug, ApiError)]
//! #[api_error(integrations(axum, actix_web, utoipa))]
//! enum ChatError { /* … */ }
//! ```
//!
//! So features stay additive: turning `axum` on in one crate of a build adds no
//! impl to the types of another crate, which may implement `IntoResponse` for its
//! derived types by hand. Asking for a framework whose feature is off is a compile
//! error that names the feature. The impls ask nothing more of the type than
//! `ApiError` itself (no `Display`, no `'static`).
//!
//! With `actix-web`, derived types get `From<Type> for actix_web::Error` rather
//! than `actix_web::ResponseError`, whose `Debug + Display` supertraits a derived
//! type may not have (see the `actix` module). With `tonic`, they get
//! `From<Type> for tonic::Status`.
//!
//! # Turning an error into a response
//!
//! Every HTTP integration answers with the same response: the error's status,
//! `Content-Type: application/json`, the envelope of [`ApiError::to_json`] as
//! body, `Retry-After: <seconds>` ([`retry_after_seconds`], rounded up) when
//! [`ApiError::retry_after`] is set, and `x-should-retry: true` (or `false`) when
//! the error is declared retryable (or not) against its status's default
//! ([`should_retry_override`](crate::headers::should_retry_override)), so that
//! clients retry what the declaration says. Rendering calls the error's own code (its
//! `Display` for a `display` message, the `Display` of interpolated fields): if
//! that code panics, the panic propagates like any panic in a handler — put a
//! panic-catching layer in front of the routes (see `integrations::axum::panic_response`).
//!
//! With `tracing`, an error whose declaration has a log level (see
//! [`ErrorSpec::log`](crate::ErrorSpec::log): by default a masked 5xx at error
//! level) logs its internal description — its `Display` and `source()` chain, or
//! its `Debug` when it has no `Display` — once, at that level, when the axum or
//! actix-web integration turns it into a response, or when it converts into a
//! `tonic::Status`. The event is emitted inside the
//! current span: with `integrations::axum::request_span` in front of the routes,
//! that span carries the request's `x-request-id`. The client still sees only the
//! public message.

use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "actix-web")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;
// The scoped context serves the framework integrations; `ErrorFormat` and request
// ids are plain values, usable without them.
#[cfg_attr(not(any(feature = "http", feature = "actix-web")), allow(dead_code))]
mod context;
#[cfg(feature = "http")]
pub mod http;
#[cfg(any(feature = "axum", feature = "actix-web", feature = "tonic"))]
pub(crate) mod log;
pub(crate) mod probe;
#[cfg(feature = "reqwest")]
mod reqwest;
#[cfg(feature = "tonic")]
pub mod tonic;
#[cfg(feature = "tower")]
pub mod tower;

use crate::{ApiError, Status};

/// The `Content-Type` of every error response.
pub const CONTENT_TYPE_JSON: &str = "application/json";

pub use crate::headers::retry_after_seconds;
pub use context::{new_request_id, ErrorFormat, InContext, MAX_REQUEST_ID_LEN};

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
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
    pub(crate) retry_after: Option<u64>,
    /// `x-should-retry`, where the status alone would mislead a client.
    pub(crate) should_retry: Option<bool>,
    /// Anthropic's `request-id` header, with the id its body carries: the official
    /// Anthropic SDKs read the id of an error from there.
    pub(crate) anthropic_request_id: Option<String>,
}

#[cfg(any(feature = "http", feature = "actix-web"))]
impl Rendered {
    /// Renders `error` for the request being handled: in its service's format,
    /// with its request id (see [`ErrorFormat`]).
    pub(crate) fn of<E: ApiError + ?Sized>(error: &E) -> Rendered {
        let context = context::current();
        Rendered::with(error, context.format, context.request_id.as_deref())
    }

    /// Renders `error` in `format`, with `request_id` where the format carries one.
    pub(crate) fn with<E: ApiError + ?Sized>(
        error: &E,
        format: crate::Format,
        request_id: Option<&str>,
    ) -> Rendered {
        let mut body = Vec::with_capacity(128);
        crate::format::write(error, format, request_id, &mut body);
        let status = error.status();
        Rendered {
            status,
            content_type: format.content_type(),
            body,
            retry_after: error.retry_after().map(retry_after_seconds),
            should_retry: crate::headers::should_retry_override(error.is_retryable(), status),
            anthropic_request_id: request_id
                .filter(|_| format == crate::Format::Anthropic)
                .map(str::to_owned),
        }
    }
}

/// `integrations(axum)` without the `axum` feature: a compile error naming it.
#[cfg(not(feature = "axum"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_axum {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`integrations(axum)` needs the `axum` feature of dos-errors: add `features = [\"axum\"]` to the `dos-errors` dependency"
        );
    };
}

/// `integrations(actix_web)` without the `actix-web` feature: a compile error naming it.
#[cfg(not(feature = "actix-web"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_actix {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`integrations(actix_web)` needs the `actix-web` feature of dos-errors: add `features = [\"actix-web\"]` to the `dos-errors` dependency"
        );
    };
}

/// `integrations(utoipa)` without the `utoipa` feature: a compile error naming it.
#[cfg(not(feature = "utoipa"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_utoipa {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`integrations(utoipa)` needs the `utoipa` feature of dos-errors: add `features = [\"utoipa\"]` to the `dos-errors` dependency"
        );
    };
}

/// `integrations(tonic)` without the `tonic` feature: a compile error naming it.
#[cfg(not(feature = "tonic"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_tonic {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`integrations(tonic)` needs the `tonic` feature of dos-errors: add `features = [\"tonic\"]` to the `dos-errors` dependency"
        );
    };
}
