//! # dos-errors
//!
//! Declare an HTTP API's errors once, on an annotated enum, and get the whole
//! error contract: status, error type, public message, retryability,
//! `Retry-After`, and the JSON error envelope
//! `{"error":{"message":…,"type":…,"code":…}}` — checked at compile time.
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::{ApiError, Retryability, Status};
//!
//! #[derive(Debug, ApiError)]
//! enum ChatError {
//!     #[api_error(status = 400, message = "Missing required field: {field}")]
//!     MissingField { field: &'static str },
//!
//!     #[api_error(status = 401)]
//!     InvalidKey,
//!
//!     #[api_error(status = 429, message = "Rate limit exceeded: {limit} requests per minute")]
//!     RateLimited { limit: u32, #[api_error(retry_after)] wait: Duration },
//!
//!     #[api_error(status = 500)]
//!     Database(String),
//! }
//!
//! let err = ChatError::MissingField { field: "model" };
//! assert_eq!(err.status(), Status::BAD_REQUEST);
//! assert_eq!(
//!     err.to_json(),
//!     r#"{"error":{"message":"Missing required field: model","type":"invalid_request_error","code":400}}"#
//! );
//!
//! let err = ChatError::RateLimited { limit: 10, wait: Duration::from_secs(7) };
//! assert_eq!(err.retryability(), Retryability::Throttled);
//! assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
//!
//! // 5xx details stay internal: clients get the status's default message.
//! let err = ChatError::Database("connection refused on 10.0.0.7".into());
//! assert_eq!(err.message(), "An unexpected error occurred on our servers.");
//! # assert_eq!(ChatError::InvalidKey.error_type(), "authentication_error");
//! ```
//!
//! The same error in another wire format, for a service that speaks OpenAI's, Anthropic's,
//! RFC 9457's or Google's:
//!
//! ```
//! # use dos_errors::ApiError;
//! use dos_errors::Format;
//! # #[derive(Debug, ApiError)]
//! # enum ChatError {
//! #     #[api_error(status = 400, code = "missing_required_parameter", message = "Missing required field: {field}")]
//! #     MissingField { #[api_error(param)] field: &'static str },
//! # }
//!
//! let err = ChatError::MissingField { field: "model" };
//! assert_eq!(
//!     err.to_json_as(Format::Problem),
//!     r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"Missing required field: model","error_type":"invalid_request_error","error_code":"missing_required_parameter","param":"model"}"#
//! );
//! ```
//!
//! # Where to read on
//!
//! | you want | see |
//! |---|---|
//! | every attribute key, masking, transparent errors, compile errors | the [`ApiError`](derive@ApiError) derive |
//! | the defaults of each status | [`Status`] |
//! | the wire formats | [`Format`] |
//! | axum, actix-web, tonic, http, tower; the service's format; request ids | [`integrations`] |
//! | OpenAPI responses and the "Error Codes" page | [`catalog`] |
//! | decoding any error response (HTTP or gRPC), transport failures | [`client`], [`headers`] |
//! | retry policies, budgets, throttles, hedging | [`retry`] |
//!
//! The default build depends on `serde`, `serde_json` and the derive only; each
//! framework is a feature (`http`, `axum`, `actix-web`, `tonic`, `utoipa`, `tracing`,
//! `reqwest`, `tower`), and a type opts in to a framework's traits with
//! `#[api_error(integrations(...))]`, so features stay additive.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api_error;
pub mod catalog;
pub mod client;
// The contract shared with the derive (which compiles this very file); not every
// item is used by both.
#[allow(dead_code)]
mod contract;
mod envelope;
mod format;
pub mod headers;
pub mod integrations;
pub mod json;
mod message;
pub mod retry;
mod spec;
mod status;
mod violation;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use api_error::ApiError;
pub use contract::{GrpcCode, LogLevel, Retryability};
pub use envelope::{ErrorBody, ErrorEnvelope};
pub use format::Format;
pub use message::{message_of, MessageWriter};
pub use spec::ErrorSpec;
pub use status::{InvalidStatus, Status};
pub use violation::FieldViolation;

#[doc = include_str!("derive.md")]
pub use dos_errors_derive::ApiError;
