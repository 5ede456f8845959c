//! The `actix-web` feature (actix-web 4): derived types that ask for it
//! (`#[api_error(integrations(actix_web))]`) convert into `actix_web::Error`, so
//! handlers return `Result<_, YourError>` and `?` works, and [`json_config`]
//! answers malformed JSON bodies with envelopes.
//!
//! ```
//! use actix_web::{web, App};
//! use dos_errors::ApiError;
//!
//! #[derive(Debug, ApiError)]
//! #[api_error(integrations(actix_web))]
//! enum ChatError {
//!     #[api_error(status = 404, message = "No such model: {0}")]
//!     UnknownModel(String),
//! }
//!
//! async fn model(path: web::Path<String>) -> Result<String, ChatError> {
//!     Err(ChatError::UnknownModel(path.into_inner()))
//! }
//!
//! let app = App::new()
//!     .app_data(dos_errors::integrations::actix::json_config())
//!     .route("/v1/models/{id}", web::get().to(model));
//! ```
//!
//! # Why `From<YourError> for actix_web::Error` and not `ResponseError`
//!
//! `actix_web::ResponseError` requires `Debug + Display`. Implementing it for
//! every derived type would make this feature non-additive: turning it on anywhere
//! in a dependency graph would break every crate deriving `ApiError` on a type
//! without `Display`, and a where clause cannot make a non-generic impl
//! conditional. The conversion gives handlers the same behaviour — the response is
//! status, JSON envelope and `Retry-After` — and needs nothing of the type. The
//! converted error is an [`ActixError`], which does implement `ResponseError`.
//! A derived type must not also implement `ResponseError` by hand: the two
//! conversions into `actix_web::Error` would conflict.

use std::fmt;
use std::future::{ready, Ready};
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::header::{
    HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER,
};
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use super::context::{request_id_for, Change, RequestScope};
use super::log;
use super::probe::Detail;
use super::{ErrorFormat, InContext, Rejection, Rendered};
use crate::{ApiError, Status};

/// An [`ApiError`] ready to be sent by actix-web: its status, envelope,
/// `Retry-After`, and — with the `tracing` feature, when its declaration has a log
/// level — the internal description logged when the response is made.
///
/// ```
/// use actix_web::ResponseError;
/// use dos_errors::{integrations::{actix::ActixError, Rejection}, Status};
///
/// let error = ActixError::new(&Rejection::from_status(Status::PAYMENT_REQUIRED));
/// assert_eq!(error.status_code().as_u16(), 402);
/// ```
pub struct ActixError {
    status: Status,
    content_type: &'static str,
    error_type: String,
    body: Vec<u8>,
    retry_after: Option<u64>,
    should_retry: Option<bool>,
    anthropic_request_id: Option<String>,
    description: Option<log::Logged>,
    logged: AtomicBool,
}

impl ActixError {
    /// Renders `error` now; the envelope is built once.
    pub fn new<E: ApiError + ?Sized>(error: &E) -> Self {
        Self::with_description(error, None)
    }

    /// Used by derived conversions: also keeps the internal description to log. Not public API.
    #[doc(hidden)]
    pub fn capture<'a, E: ApiError + ?Sized>(
        error: &'a E,
        probe: impl FnOnce() -> Detail<'a>,
    ) -> Self {
        Self::with_description(error, log::description(error, probe))
    }

    fn with_description<E: ApiError + ?Sized>(error: &E, description: Option<log::Logged>) -> Self {
        let Rendered {
            status,
            content_type,
            body,
            retry_after,
            should_retry,
            anthropic_request_id,
        } = Rendered::of(error);
        ActixError {
            status,
            content_type,
            error_type: error.error_type().to_owned(),
            body,
            retry_after,
            should_retry,
            anthropic_request_id,
            description,
            logged: AtomicBool::new(false),
        }
    }

    /// The status of the response.
    #[must_use]
    pub fn status(&self) -> Status {
        self.status
    }

    /// The JSON envelope sent as the body.
    #[must_use]
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for ActixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActixError")
            .field("status", &self.status.as_u16())
            .field("error_type", &self.error_type)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ActixError {
    /// The status and type, never the internal description: actix logs this text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.status, self.error_type)
    }
}

impl ResponseError for ActixError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let Some(description) = &self.description {
            if !self.logged.swap(true, Ordering::Relaxed) {
                log::emit(description, self.status.as_u16(), &self.error_type);
            }
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((CONTENT_TYPE, self.content_type));
        if let Some(seconds) = self.retry_after {
            response.insert_header((RETRY_AFTER, seconds));
        }
        if let Some(retry) = self.should_retry {
            let value = if retry { "true" } else { "false" };
            response.insert_header((crate::headers::X_SHOULD_RETRY, value));
        }
        if let Some(id) = &self.anthropic_request_id {
            response.insert_header((crate::headers::ANTHROPIC_REQUEST_ID, id.as_str()));
        }
        response.body(self.body.clone())
    }
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        ActixError::new(self).status_code()
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        ActixError::new(self).error_response()
    }
}

impl From<JsonPayloadError> for Rejection {
    /// A body over the limit is 413, a wrong content type 415, bad JSON 400.
    fn from(error: JsonPayloadError) -> Self {
        match error {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                Rejection::from_plain(Status::PAYLOAD_TOO_LARGE, &error.to_string())
            }
            JsonPayloadError::ContentType => Rejection::new(
                Status::UNSUPPORTED_MEDIA_TYPE,
                "Expected request with `Content-Type: application/json`",
            ),
            // Valid JSON of the wrong shape is not "malformed": say which (axum's words).
            JsonPayloadError::Deserialize(cause) if cause.is_data() => Rejection::new(
                Status::BAD_REQUEST,
                format!("Failed to deserialize the JSON body into the target type: {cause}"),
            ),
            JsonPayloadError::Deserialize(cause) => Rejection::new(
                Status::BAD_REQUEST,
                format!("Malformed JSON in the request body: {cause}"),
            ),
            JsonPayloadError::Serialize(_) => Rejection::from_status(Status::INTERNAL_SERVER_ERROR),
            other => Rejection::from_plain(Status::BAD_REQUEST, &other.to_string()),
        }
    }
}

/// A `web::JsonConfig` whose payload errors (malformed JSON, wrong content type,
/// body over the limit) are envelopes: register it with `App::app_data`.
#[must_use]
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default().error_handler(json_error)
}

/// The error handler of [`json_config`], for a `JsonConfig` built otherwise.
pub fn json_error(error: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    Rejection::from(error).into()
}

impl actix_web::Responder for Rejection {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse<BoxBody> {
        ActixError::new(&self).error_response()
    }
}

impl From<PathError> for Rejection {
    /// A path segment that does not parse is an unknown resource: 404, as actix says.
    fn from(error: PathError) -> Self {
        Rejection::from_plain(Status::NOT_FOUND, &error.to_string())
    }
}

impl From<QueryPayloadError> for Rejection {
    /// A query string that does not parse: 400.
    fn from(error: QueryPayloadError) -> Self {
        Rejection::from_plain(Status::BAD_REQUEST, &error.to_string())
    }
}

impl From<UrlencodedError> for Rejection {
    /// A body over the limit is 413, a wrong content type 415, anything else 400.
    fn from(error: UrlencodedError) -> Self {
        let status = match error {
            UrlencodedError::Overflow { .. } => Status::PAYLOAD_TOO_LARGE,
            UrlencodedError::ContentType => Status::UNSUPPORTED_MEDIA_TYPE,
            _ => Status::BAD_REQUEST,
        };
        Rejection::from_plain(status, &error.to_string())
    }
}

/// A `web::PathConfig` whose errors are written like every other error (404):
/// register it with `App::app_data`.
#[must_use]
pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default()
        .error_handler(|error, _request| Rejection::from(error).into())
}

/// A `web::QueryConfig` whose errors are written like every other error (400).
#[must_use]
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|error, _request| Rejection::from(error).into())
}

/// A `web::FormConfig` whose errors are written like every other error (400, 413, 415).
#[must_use]
pub fn form_config() -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .error_handler(|error, _request| Rejection::from(error).into())
}

/// The default service answering unknown routes with a 404 error:
/// `App::default_service(web::to(not_found))`.
///
/// With actix, a 405 for a known path and another method exists only for a
/// resource: `.service(web::resource("/v1/chat/completions").route(web::post().to(chat)))`
/// answers `GET` with an (empty) 405, which [`envelope_errors`] turns into an error
/// in the service's format. A route added with `App::route` has no resource of its
/// own: another method falls through to the default service, this 404.
pub async fn not_found() -> Rejection {
    Rejection::from_status(Status::NOT_FOUND)
}

/// Middleware (`App::wrap`) turning every error response that is not JSON —
/// actix's empty 405 for a known resource with the wrong method (see
/// [`not_found`] for routes added with `App::route`), a plain-text error
/// of another middleware — into an error of the same status in the request's
/// format. A plain text of up to 1 KiB becomes the message of a 4xx; 5xx get their
/// default message. Other headers (`Allow`, `Retry-After`, …) are kept. Put it
/// inside [`ErrorFormat`] (wrap it first) so that it follows the service's format.
#[must_use]
pub fn envelope_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        if is_json(response.headers()) {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        }
        Ok(ErrorHandlerResponse::Future(Box::pin(async move {
            let (request, response) = response.into_parts();
            let status = Status::new(response.status().as_u16()).unwrap_or(Status::BAD_REQUEST);
            let headers = response.headers().clone();
            let text =
                match actix_web::body::to_bytes_limited(response.into_body(), PLAIN_TEXT_LIMIT)
                    .await
                {
                    Ok(Ok(bytes)) => String::from_utf8(bytes.to_vec()).unwrap_or_default(),
                    _ => String::new(),
                };
            let mut replaced =
                ActixError::new(&Rejection::from_plain(status, &text)).error_response();
            for (name, value) in &headers {
                if name != CONTENT_TYPE && name != CONTENT_LENGTH {
                    replaced.headers_mut().append(name.clone(), value.clone());
                }
            }
            Ok(ServiceResponse::new(request, replaced).map_into_right_body())
        })))
    })
}

/// How much of a plain-text error body [`envelope_errors`] reads for the message.
const PLAIN_TEXT_LIMIT: usize = 1024;

/// `true` when the `Content-Type` is JSON (`application/json` or `…+json`).
fn is_json(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json") || mime.ends_with("+json")
        })
}

/// [`ErrorFormat`] is actix middleware too: `App::wrap(ErrorFormat::new(Format::OpenAi))`
/// makes it the format of every error answered for the requests it wraps.
///
/// ```
/// use actix_web::{web, App};
/// use dos_errors::integrations::actix::{envelope_errors, not_found};
/// use dos_errors::integrations::ErrorFormat;
/// use dos_errors::Format;
///
/// let app = App::new()
///     .default_service(web::to(not_found))
///     .wrap(envelope_errors())
///     .wrap(ErrorFormat::new(Format::Problem));
/// ```
impl<S, B> Transform<S, ServiceRequest> for ErrorFormat
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = ErrorFormatService<S>;
    type InitError = ();
    type Future = Ready<Result<ErrorFormatService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ErrorFormatService {
            service,
            config: *self,
        }))
    }
}

/// The service of the [`ErrorFormat`] middleware.
pub struct ErrorFormatService<S> {
    service: S,
    config: ErrorFormat,
}

impl<S, B> Service<ServiceRequest> for ErrorFormatService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = InContext<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let accept = request
            .headers()
            .get(ACCEPT)
            .and_then(|value| value.to_str().ok());
        let format = self.config.for_accept(accept);
        InContext::new(self.service.call(request), Change::Format(format))
    }
}

/// Middleware giving every request an id, as [`axum::request_span`](super::axum)
/// does: the client's sane `x-request-id`, else a new one; set on the request,
/// echoed in every response's `x-request-id`, carried by the formats that have a
/// place for it, and recorded in a `request` span with the `tracing` feature.
/// `App::wrap(actix_web::middleware::from_fn(request_span))`.
///
/// # Errors
/// Those of the wrapped service, unchanged.
pub async fn request_span<B: MessageBody>(
    mut request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let id = request_id_for(
        request
            .headers()
            .get(X_REQUEST_ID)
            .map(HeaderValue::as_bytes),
    );
    let value = HeaderValue::from_str(&id).ok();
    if let Some(value) = &value {
        request.headers_mut().insert(X_REQUEST_ID, value.clone());
    }
    let scope = RequestScope::new(id, request.method().as_str(), request.path());
    let mut response = scope.run(next.call(request)).await?;
    if let Some(value) = value {
        response.headers_mut().insert(X_REQUEST_ID, value);
    }
    Ok(response)
}

/// The request id header.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// `integrations(actix_web)`: `From<Type> for actix_web::Error` for a derived type.
///
/// The derive's where clause names the type itself, never `Self` (which here would
/// be `actix_web::Error`), so it is used as it is.
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_actix {
    (impl [$($impl_generics:tt)*] for [$($self_ty:tt)*] where [$($where_clause:tt)*]) => {
        #[automatically_derived]
        impl $($impl_generics)* ::core::convert::From<$($self_ty)*>
            for $crate::__private::actix_web::Error
        $($where_clause)*
        {
            fn from(error: $($self_ty)*) -> Self {
                #[allow(unused_imports)]
                use $crate::__private::{
                    ProbeDebug as _, ProbeDisplay as _, ProbeError as _, ProbeNone as _,
                };
                let error = &error;
                $crate::__private::actix_web::Error::from(
                    $crate::integrations::actix::ActixError::capture(error, || {
                        (&&&$crate::__private::Probe(error)).__dos_errors_detail()
                    }),
                )
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_of_the_wrong_shape_is_not_called_malformed() {
        let data = serde_json::from_str::<u32>(r#""five""#).unwrap_err();
        let rejection = Rejection::from(JsonPayloadError::Deserialize(data));
        assert_eq!(rejection.status(), Status::BAD_REQUEST);
        assert!(
            rejection.message().starts_with(
                "Failed to deserialize the JSON body into the target type: invalid type"
            ),
            "{}",
            rejection.message()
        );
        let syntax = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let rejection = Rejection::from(JsonPayloadError::Deserialize(syntax));
        assert!(rejection
            .message()
            .starts_with("Malformed JSON in the request body: EOF"));
    }
}
