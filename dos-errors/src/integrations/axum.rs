//! The `axum` feature (axum 0.8): derived types that ask for it
//! (`#[api_error(integrations(axum))]`) implement `axum::response::IntoResponse`,
//! and axum's own rejections can answer with envelopes too.
//!
//! ```
//! use axum::{middleware, routing::post, Router};
//! use dos_errors::integrations::axum::{envelope_errors, method_not_allowed, not_found, Json};
//! use dos_errors::ApiError;
//!
//! #[derive(Debug, ApiError)]
//! #[api_error(integrations(axum))]
//! enum ChatError {
//!     #[api_error(status = 400, message = "Missing required field: {field}")]
//!     MissingField { field: &'static str },
//! }
//!
//! // `Json` rejects bad bodies with envelopes; `ChatError` is a response by itself.
//! async fn chat(Json(body): Json<serde_json::Value>) -> Result<String, ChatError> {
//!     match body.get("model") {
//!         Some(model) => Ok(model.to_string()),
//!         None => Err(ChatError::MissingField { field: "model" }),
//!     }
//! }
//!
//! let app: Router = Router::new()
//!     .route("/v1/chat/completions", post(chat))
//!     .fallback(not_found) // unknown route: 404 envelope
//!     .method_not_allowed_fallback(method_not_allowed) // 405 envelope
//!     .layer(middleware::map_response(envelope_errors)); // any other plain-text error
//! ```
//!
//! A derived type's `into_response` logs its internal description at its declared
//! level (by default a masked 5xx at error level) when the `tracing` feature is on;
//! put [`request_span`] in front of the routes so that the log line carries the
//! request's `x-request-id`, and [`error_format`] to choose the wire format.

use std::any::Any;

use axum::body::Body;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::context::{request_id_for, Change, RequestScope};
use super::probe::Detail;
pub use super::Rejection;
use super::{ErrorFormat, InContext};
use crate::{ApiError, Status};

/// The axum response for any [`ApiError`]; see [`http::response`](super::http::response).
///
/// Derived types implement `IntoResponse` through this function; call it for
/// errors that implement [`ApiError`] by hand.
#[must_use]
pub fn into_response<E: ApiError + ?Sized>(error: &E) -> Response {
    super::http::response(error).map(Body::from)
}

/// The body of a derived `into_response`: logs the error at its declared level,
/// then responds. Not public API.
#[doc(hidden)]
pub fn respond<'a, E: ApiError + ?Sized>(
    error: &'a E,
    probe: impl FnOnce() -> Detail<'a>,
) -> Response {
    super::log::report(error, probe);
    into_response(error)
}

/// `integrations(axum)`: `IntoResponse` for a derived type.
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_axum {
    (impl [$($impl_generics:tt)*] for [$($self_ty:tt)*] where [$($where_clause:tt)*]) => {
        #[automatically_derived]
        impl $($impl_generics)* $crate::__private::axum::response::IntoResponse for $($self_ty)*
        $($where_clause)*
        {
            fn into_response(self) -> $crate::__private::axum::response::Response {
                #[allow(unused_imports)]
                use $crate::__private::{
                    ProbeDebug as _, ProbeDisplay as _, ProbeError as _, ProbeNone as _,
                };
                $crate::integrations::axum::respond(&self, || {
                    (&&&$crate::__private::Probe(&self)).__dos_errors_detail()
                })
            }
        }
    };
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        into_response(&self)
    }
}

/// Any axum rejection status as an error [`Status`]; 400 if it is not an error status.
fn rejection_status(status: axum::http::StatusCode) -> Status {
    Status::new(status.as_u16()).unwrap_or(Status::BAD_REQUEST)
}

impl From<JsonRejection> for Rejection {
    /// Malformed JSON and fields that do not fit are 400 (axum says 422 for the
    /// latter; the envelope convention is 400 for every invalid parameter), a wrong
    /// or missing content type 415, a body over the limit 413.
    fn from(rejection: JsonRejection) -> Self {
        let status = match rejection {
            JsonRejection::JsonDataError(_) => Status::BAD_REQUEST,
            _ => rejection_status(rejection.status()),
        };
        Rejection::from_plain(status, &rejection.body_text())
    }
}

impl From<BytesRejection> for Rejection {
    /// A body over the limit is 413; any other failure to read it 400.
    fn from(rejection: BytesRejection) -> Self {
        Rejection::from_plain(rejection_status(rejection.status()), &rejection.body_text())
    }
}

/// `axum::Json` whose rejections are envelopes (see `From<JsonRejection> for Rejection`).
///
/// As a response it serializes like `axum::Json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(rejection.into()),
        }
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A fallback handler answering unknown routes with a 404 envelope:
/// `Router::fallback(not_found)`.
pub async fn not_found() -> Rejection {
    Rejection::from_status(Status::NOT_FOUND)
}

/// A handler answering a known route called with the wrong method with a 405
/// envelope: `Router::method_not_allowed_fallback(method_not_allowed)`. axum keeps
/// the `Allow` header.
pub async fn method_not_allowed() -> Rejection {
    Rejection::from_status(Status::METHOD_NOT_ALLOWED)
}

/// How much of a plain-text error body [`envelope_errors`] reads for the message.
const PLAIN_TEXT_LIMIT: usize = 1024;

/// Middleware turning every error response that is not JSON — axum's plain-text
/// rejections, its empty 404 and 405, a timeout layer's 408 — into an envelope of
/// the same status: `Router::layer(axum::middleware::map_response(envelope_errors))`.
///
/// The plain text (up to 1 KiB) becomes the message of a 4xx; 5xx get their
/// default message. Other headers (`Allow`, `Retry-After`, …) are kept.
pub async fn envelope_errors(response: Response) -> Response {
    let Some(status) = Status::new(response.status().as_u16()) else {
        return response;
    };
    if is_json(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, PLAIN_TEXT_LIMIT).await {
        Ok(bytes) => String::from_utf8(bytes.to_vec()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let mut enveloped = into_response(&Rejection::from_plain(status, &text));
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            enveloped.headers_mut().append(name, value.clone());
        }
    }
    enveloped
}

/// `true` when the `Content-Type` is JSON (`application/json` or `…+json`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json") || mime.ends_with("+json")
        })
        .unwrap_or(false)
}

/// The response to a panic in a handler: a masked 500 envelope. Use it with
/// `tower_http::catch_panic::CatchPanicLayer::custom(panic_response)`. With the
/// `tracing` feature, the panic's message is logged at error level.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let logged = super::log::Logged {
        level: crate::LogLevel::Error,
        masked: true,
        description: format!("handler panicked: {message}"),
    };
    super::log::emit(&logged, 500, Status::INTERNAL_SERVER_ERROR.default_type());
    into_response(&Rejection::from_status(Status::INTERNAL_SERVER_ERROR))
}

/// Middleware making `config` the error format of every request it wraps: every
/// error answered inside — a handler's, a rejection, a fallback, a caught panic,
/// [`envelope_errors`] placed inside it — is written in the request's format (see
/// [`ErrorFormat`]).
///
/// ```
/// use axum::{middleware, routing::get, Router};
/// use dos_errors::integrations::axum::{error_format, not_found};
/// use dos_errors::integrations::ErrorFormat;
/// use dos_errors::Format;
///
/// let app: Router = Router::new()
///     .route("/v1/models", get(|| async { "[]" }))
///     .fallback(not_found)
///     .layer(middleware::from_fn_with_state(
///         ErrorFormat::new(Format::OpenAi).negotiate(true),
///         error_format,
///     ));
/// ```
///
/// A route may wrap itself in another format (an inner layer wins).
pub async fn error_format(
    axum::extract::State(config): axum::extract::State<ErrorFormat>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let accept = request
        .headers()
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok());
    let format = config.for_accept(accept);
    InContext::new(next.run(request), Change::Format(format)).await
}

/// Middleware giving every request an id: the client's `x-request-id` when it is
/// sane (see [`MAX_REQUEST_ID_LEN`](super::MAX_REQUEST_ID_LEN)), else a new one
/// ([`new_request_id`](super::new_request_id)). The id is set on the request (for
/// handlers and inner layers), echoed in the response's `x-request-id` — success
/// or error —, carried by the error formats that have a place for it (Anthropic's
/// `request_id`), and, with the `tracing` feature, recorded in a `request` span
/// (with the method and path) around the rest of the request, so that errors
/// logged while it is handled carry it.
/// `Router::layer(axum::middleware::from_fn(request_span))`.
pub async fn request_span(mut request: Request, next: axum::middleware::Next) -> Response {
    let id = request_id_for(
        request
            .headers()
            .get(X_REQUEST_ID)
            .map(HeaderValue::as_bytes),
    );
    // A new id is base32; an echoed one was checked to be visible ASCII.
    let value = HeaderValue::from_str(&id).ok();
    if let Some(value) = &value {
        request.headers_mut().insert(X_REQUEST_ID, value.clone());
    }
    let scope = RequestScope::new(id, request.method().as_str(), request.uri().path());
    let mut response = scope.run(next.run(request)).await;
    if let Some(value) = value {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    response
}

/// The request id header.
const X_REQUEST_ID: &str = "x-request-id";
