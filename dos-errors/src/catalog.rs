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
use std::time::Duration;

use crate::{json, ErrorEnvelope, Retryability, Status};

pub mod markdown;
#[cfg(feature = "utoipa")]
pub mod openapi;

/// Without the `utoipa` feature the derive hook adds nothing.
#[cfg(not(feature = "utoipa"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __hook_utoipa {
    ($($tokens:tt)*) => {};
}

/// One error a type can produce, as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorSpec {
    /// The variant's name (the type's name for a struct).
    pub name: &'static str,
    /// The HTTP status.
    pub status: Status,
    /// The error type.
    pub error_type: &'static str,
    /// The message template as written, placeholders included
    /// (`"Missing required field: {field}"`); the status's default message when
    /// none is declared; empty when the message is the error's `Display` (`display`).
    pub message: &'static str,
    /// `true` when the public message is the error's own `Display` text.
    pub message_is_display: bool,
    /// Whether clients may retry.
    pub retryability: Retryability,
    /// A constant `Retry-After` (`retry_after = N`).
    pub retry_after: Option<Duration>,
    /// `true` when a field supplies `Retry-After` per error.
    pub retry_after_from_field: bool,
    /// `true` when the public message hides the error's own description (a 5xx
    /// without an explicit message): the internal text only goes to logs.
    pub masked: bool,
    /// The variant's doc comment.
    pub docs: &'static str,
}

impl ErrorSpec {
    /// Whether responses of this error may carry a `Retry-After` header.
    #[must_use]
    pub fn sends_retry_after(&self) -> bool {
        self.retry_after.is_some() || self.retry_after_from_field
    }

    /// The first paragraph of the doc comment: what triggers the error.
    #[must_use]
    pub fn summary(&self) -> &'static str {
        let body = self.docs.split("\n#").next().unwrap_or("");
        body.split("\n\n").next().unwrap_or("").trim()
    }

    /// The text of a `# How to fix` section of the doc comment, if any.
    #[must_use]
    pub fn how_to_fix(&self) -> Option<&'static str> {
        let mut rest = self.docs;
        loop {
            let start = rest.find('#')?;
            let at_line_start = start == 0 || rest[..start].ends_with('\n');
            let heading_end = rest[start..].find('\n').map_or(rest.len(), |n| start + n);
            let heading = rest[start..heading_end].trim_start_matches('#').trim();
            if at_line_start && heading.eq_ignore_ascii_case("how to fix") {
                let body = &rest[heading_end..];
                let end = body.find("\n#").unwrap_or(body.len());
                return Some(body[..end].trim());
            }
            rest = &rest[heading_end..];
        }
    }

    /// An example response body: the envelope with the template as its message.
    #[must_use]
    pub fn example_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::new(self.status, self.error_type, self.message)
    }

    /// [`example_envelope`](ErrorSpec::example_envelope) as compact JSON.
    #[must_use]
    pub fn example_json(&self) -> String {
        let mut out = Vec::new();
        json::write_envelope(
            &mut out,
            self.message,
            self.error_type,
            self.status.as_u16(),
        );
        String::from_utf8(out).unwrap_or_default()
    }
}

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

/// Support for derived catalogues; not public API.
#[doc(hidden)]
pub mod __private {
    use core::marker::PhantomData;

    use std::time::Duration;

    use super::{ApiErrorCatalog, ErrorSpec};
    use crate::Retryability;

    /// Builds the entry of a variant with its own status (derived code): the
    /// status's defaults fill what the variant leaves out.
    ///
    /// `retryable`: 0 = the status's default, 1 = `retryable`, 2 = `retryable = false`.
    /// `retry_after`: `Some(seconds)` for a constant; with `only_if_retryable` it
    /// applies only when the variant is retryable (a type-level default).
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    #[must_use]
    pub const fn spec(
        name: &'static str,
        code: u16,
        error_type: Option<&'static str>,
        message: Option<&'static str>,
        message_is_display: bool,
        retryable: u8,
        retry_after: Option<u64>,
        only_if_retryable: bool,
        retry_after_from_field: bool,
        masked: bool,
        docs: &'static str,
    ) -> ErrorSpec {
        let status = crate::status::from_checked(code);
        let retryability = match retryable {
            1 => crate::__private::retryable(code),
            2 => Retryability::Fatal,
            _ => status.default_retryability(),
        };
        let retry_after = match retry_after {
            Some(seconds) if !only_if_retryable || retryability.is_retryable() => {
                Some(Duration::from_secs(seconds))
            }
            _ => None,
        };
        ErrorSpec {
            name,
            status,
            error_type: match error_type {
                Some(error_type) => error_type,
                None => status.default_type(),
            },
            message: match message {
                Some(message) => message,
                None if message_is_display => "",
                None => status.default_message(),
            },
            message_is_display,
            retryability,
            retry_after,
            retry_after_from_field,
            masked,
            docs,
        }
    }

    /// Appends `spec` unless an equal entry is already listed.
    pub fn push_unique(specs: &mut Vec<ErrorSpec>, spec: ErrorSpec) {
        if !specs.contains(&spec) {
            specs.push(spec);
        }
    }

    /// Asks for the catalogue of `T` if it has one (autoref specialization).
    pub struct Probe<T: ?Sized>(PhantomData<fn() -> Box<T>>);

    impl<T: ?Sized> Probe<T> {
        #[must_use]
        pub const fn new() -> Self {
            Probe(PhantomData)
        }
    }

    impl<T: ?Sized> Default for Probe<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Chosen when `T: ApiErrorCatalog`.
    pub trait ViaCatalog {
        fn specs(&self) -> Vec<ErrorSpec>;
    }

    impl<T: ApiErrorCatalog + ?Sized> ViaCatalog for &Probe<T> {
        fn specs(&self) -> Vec<ErrorSpec> {
            T::catalog()
        }
    }

    /// The fallback: no catalogue.
    pub trait ViaNothing {
        fn specs(&self) -> Vec<ErrorSpec>;
    }

    impl<T: ?Sized> ViaNothing for Probe<T> {
        fn specs(&self) -> Vec<ErrorSpec> {
            Vec::new()
        }
    }
}
