//! The error catalogue: a static description of every error a type can produce.
//!
//! `#[derive(ApiError)]` also implements [`ApiErrorCatalog`], so the same
//! declaration that answers requests can describe itself: to an OpenAPI document
//! (feature `utoipa`), or to an "Error Codes" page ([`markdown`]).
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

use std::sync::Arc;

pub use crate::ErrorSpec;

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
