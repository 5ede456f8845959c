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
//! See the [`ApiError`](derive@ApiError) derive for every attribute.
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
