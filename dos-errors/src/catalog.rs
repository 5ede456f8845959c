//! The error catalogue: a static description of every error a type can produce.
//!
//! `#[derive(ApiError)]` also implements [`ApiErrorCatalog`], so the same
//! declaration that answers requests can describe itself: to an OpenAPI document
//! (feature `utoipa`), or to an "Error Codes" page ([`markdown`]), in any
//! [`Format`] ([`example_json_in`]). A client can tell which declared error a
//! response is ([`ApiErrorCatalog::find`]).
//!
//! ```
//! use dos_errors::catalog::ApiErrorCatalog;
//! use dos_errors::{ApiError, Retryability};
//!
//! #[derive(Debug, ApiError)]
//! enum ChatError {
//!     /// The `model` or `messages` field is missing.
//!     #[api_error(status = 400, message = "Missing required field: {field}")]
//!     MissingField { field: &'static str },
//!     /// The model is being loaded.
//!     #[api_error(status = 503, retry_after = 30)]
//!     Loading,
//! }
//!
//! let specs = ChatError::catalog();
//! assert_eq!(specs[0].name, "MissingField");
//! assert_eq!(specs[0].message, "Missing required field: {field}");
//! assert_eq!(specs[0].summary(), "The `model` or `messages` field is missing.");
//! assert_eq!(specs[1].retryability, Retryability::Transient);
//! assert_eq!(specs[1].retry_after, Some(std::time::Duration::from_secs(30)));
//! assert_eq!(
//!     specs[1].example_json(),
//!     r#"{"error":{"message":"The requested model is temporarily unavailable.","type":"service_unavailable_error","code":503}}"#
//! );
//! ```

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

pub use crate::ErrorSpec;
use crate::{contract, ApiError, Format, GrpcCode, MessageWriter, Retryability, Status};

pub mod markdown;
#[cfg(feature = "utoipa")]
pub mod openapi;

/// A type whose every possible error is known statically. Derived with `ApiError`.
///
/// A `transparent` variant contributes its field's catalogue (entries equal to one
/// already listed are left out). A field type without a catalogue — a hand-written
/// `ApiError` such as [`ErrorResponse`](crate::client::ErrorResponse), or a bare type
/// parameter whose catalogue the generic impl cannot know — contributes nothing.
pub trait ApiErrorCatalog {
    /// Every error of this type, in declaration order.
    fn catalog() -> Vec<ErrorSpec>;

    /// The declared error that `error` — typically a decoded response — is: see
    /// [`find`]. `None` when it is none of them.
    ///
    /// ```
    /// use dos_errors::catalog::ApiErrorCatalog;
    /// use dos_errors::client::ErrorResponse;
    /// use dos_errors::{ApiError, Format};
    ///
    /// #[derive(Debug, ApiError)]
    /// enum ChatError {
    ///     #[api_error(status = 404, code = "model_not_found", message = "No model {0}")]
    ///     NoModel(String),
    ///     #[api_error(status = 404, code = "file_not_found", message = "No file {0}")]
    ///     NoFile(String),
    /// }
    ///
    /// let body = ChatError::NoFile("f1".into()).to_json_as(Format::OpenAi);
    /// let response = ErrorResponse::from_parts(404, &[], body.as_bytes());
    /// assert_eq!(ChatError::find(&response).map(|spec| spec.name), Some("NoFile"));
    /// ```
    fn find<E: ApiError + ?Sized>(error: &E) -> Option<ErrorSpec> {
        find(&Self::catalog(), error).copied()
    }
}

/// The first of `specs` that `error` is: same status, and the same code when the
/// error carries one (a Google `reason`, which is the code else the type, also
/// matches a spec without code by its type); else the same type, a spec without
/// code first (a format that carries codes would have shown it). Formats that carry
/// no code (the envelope, Anthropic's) cannot tell apart errors of the same status
/// and type: the first without code, else the first, is the answer.
///
/// ```
/// use dos_errors::catalog::{self, ApiErrorCatalog};
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::{ApiError, Format};
///
/// #[derive(Debug, ApiError)]
/// enum ChatError {
///     #[api_error(status = 429, type = "tokens_error")]
///     Tokens,
///     #[api_error(status = 429, type = "requests_error")]
///     Requests,
/// }
///
/// let specs = ChatError::catalog();
/// for format in Format::ALL {
///     let body = ChatError::Requests.to_json_as(format);
///     let response = ErrorResponse::from_parts(429, &[], body.as_bytes());
///     assert_eq!(catalog::find(&specs, &response).map(|spec| spec.name), Some("Requests"), "{format}");
/// }
/// ```
pub fn find<'a, E: ApiError + ?Sized>(specs: &'a [ErrorSpec], error: &E) -> Option<&'a ErrorSpec> {
    let status = error.status();
    let mut candidates = specs.iter().filter(|spec| spec.status == status);
    match error.error_code() {
        Some(code) => candidates
            .clone()
            .find(|spec| spec.code == Some(code))
            .or_else(|| candidates.find(|spec| spec.code.is_none() && spec.error_type == code)),
        None => {
            let error_type = error.error_type();
            candidates
                .clone()
                .find(|spec| spec.code.is_none() && spec.error_type == error_type)
                .or_else(|| candidates.find(|spec| spec.error_type == error_type))
        }
    }
}

/// An example body of `spec` in `format`, as compact JSON: the message is the
/// template as written (`"Missing required field: {field}"`), each placeholder
/// stands for its own value (Google's metadata: `{"field":"{field}"}`), and what
/// only fields supply at run time (a `param` or `violations` field, a
/// `retry_after` field) is left out. For [`Format::Envelope`] it is
/// [`ErrorSpec::example_json`].
///
/// ```
/// use dos_errors::catalog::{example_json_in, ApiErrorCatalog};
/// use dos_errors::{ApiError, Format};
///
/// #[derive(Debug, ApiError)]
/// enum ChatError {
///     #[api_error(status = 400, param = "model", message = "Unknown model {model}")]
///     UnknownModel { model: String },
/// }
///
/// let spec = &ChatError::catalog()[0];
/// assert_eq!(
///     example_json_in(spec, Format::OpenAi),
///     r#"{"error":{"message":"Unknown model {model}","type":"invalid_request_error","param":"model","code":null}}"#
/// );
/// assert_eq!(example_json_in(spec, Format::Envelope), spec.example_json());
/// ```
#[must_use]
pub fn example_json_in(spec: &ErrorSpec, format: Format) -> String {
    Example(spec).to_json_as(format)
}

/// A declared error as the example of its catalogue entry.
struct Example<'a>(&'a ErrorSpec);

impl ApiError for Example<'_> {
    fn status(&self) -> Status {
        self.0.status
    }

    fn error_type(&self) -> &str {
        self.0.error_type
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.0.message)
    }

    fn retryability(&self) -> Retryability {
        self.0.retryability
    }

    fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    fn error_code(&self) -> Option<&str> {
        self.0.code
    }

    fn param(&self) -> Option<Cow<'_, str>> {
        self.0.param.map(Cow::Borrowed)
    }

    fn doc_url(&self) -> Option<Cow<'_, str>> {
        self.0.doc_url.map(Cow::Borrowed)
    }

    fn domain(&self) -> Option<&str> {
        self.0.domain
    }

    fn grpc_code(&self) -> GrpcCode {
        self.0.grpc_code
    }

    /// The template as written; each placeholder (the first of each name) as the
    /// value of its metadata entry.
    fn write_message(&self, out: &mut MessageWriter<'_>) {
        out.text(self.0.message);
        if !self.0.interpolated || self.0.masked {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for piece in contract::template(self.0.message) {
            let Ok(contract::Piece::Arg { name, spec }) = piece else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let placeholder = if spec.is_empty() {
                format!("{{{name}}}")
            } else {
                format!("{{{name}:{spec}}}")
            };
            out.metadata_entry(name, &placeholder);
        }
    }
}

macro_rules! forward_catalog {
    ($($pointer:ty),*) => {$(
        impl<T: ApiErrorCatalog + ?Sized> ApiErrorCatalog for $pointer {
            fn catalog() -> Vec<ErrorSpec> {
                T::catalog()
            }
        }
    )*};
}

forward_catalog!(&T, Box<T>, Arc<T>);
