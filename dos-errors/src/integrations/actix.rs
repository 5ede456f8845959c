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
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::BoxBody;
use actix_web::error::JsonPayloadError;
use actix_web::http::header::{CONTENT_TYPE, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use super::log;
use super::probe::Detail;
use super::{Rejection, Rendered};
use crate::LogLevel;
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
    error_type: String,
    body: Vec<u8>,
    retry_after: Option<u64>,
    description: Option<(LogLevel, String)>,
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

    fn with_description<E: ApiError + ?Sized>(
        error: &E,
        description: Option<(LogLevel, String)>,
    ) -> Self {
        let Rendered {
            status,
            body,
            retry_after,
        } = Rendered::of(error);
        ActixError {
            status,
            error_type: error.error_type().to_owned(),
            body,
            retry_after,
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
        if let Some((level, description)) = &self.description {
            if !self.logged.swap(true, Ordering::Relaxed) {
                log::emit(*level, self.status.as_u16(), &self.error_type, description);
            }
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((CONTENT_TYPE, super::CONTENT_TYPE_JSON));
        if let Some(seconds) = self.retry_after {
            response.insert_header((RETRY_AFTER, seconds));
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
