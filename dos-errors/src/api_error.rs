//! The [`ApiError`] trait: everything a server needs to answer with an error, and a client to act on it.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::{json, ErrorEnvelope, Retryability, Status};

/// An error that knows how it is presented to the clients of an HTTP API.
///
/// Usually derived with [`#[derive(ApiError)]`](derive@crate::ApiError); implement it
/// by hand when the answers are computed. Only [`status`](ApiError::status),
/// [`error_type`](ApiError::error_type) and [`message`](ApiError::message) are
/// required; everything else has a default built from them.
///
/// ```
/// use std::borrow::Cow;
/// use dos_errors::{ApiError, Retryability, Status};
///
/// struct Overloaded;
///
/// impl ApiError for Overloaded {
///     fn status(&self) -> Status { Status::SERVICE_UNAVAILABLE }
///     fn error_type(&self) -> &str { "overloaded_error" }
///     fn message(&self) -> Cow<'_, str> { Cow::Borrowed("Try again soon.") }
/// }
///
/// assert_eq!(Overloaded.retryability(), Retryability::Transient);
/// assert_eq!(
///     Overloaded.to_json(),
///     r#"{"error":{"message":"Try again soon.","type":"overloaded_error","code":503}}"#
/// );
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `ApiError`",
    label = "`{Self}` is not an API error",
    note = "derive it with `#[derive(dos_errors::ApiError)]` or implement `ApiError` by hand"
)]
pub trait ApiError {
    /// The HTTP status of the response.
    fn status(&self) -> Status;

    /// The machine-readable error type, e.g. `"invalid_request_error"`.
    fn error_type(&self) -> &str;

    /// The public, client-facing message. Never internal details unless chosen so.
    fn message(&self) -> Cow<'_, str>;

    /// Whether a client may retry. Default: [`Status::default_retryability`].
    fn retryability(&self) -> Retryability {
        self.status().default_retryability()
    }

    /// `true` unless [`retryability`](ApiError::retryability) is `Fatal`.
    fn is_retryable(&self) -> bool {
        self.retryability() != Retryability::Fatal
    }

    /// How long the client should wait before retrying (`Retry-After`). Default: `None`.
    fn retry_after(&self) -> Option<Duration> {
        None
    }

    /// The JSON error body as a value.
    fn to_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::from_error(self)
    }

    /// The JSON error body as compact JSON: `{"error":{"message":…,"type":…,"code":…}}`.
    fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(128);
        self.write_json(&mut out);
        // write_json only ever appends valid UTF-8 (escaped str data and ASCII).
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Appends the bytes of [`to_json`](ApiError::to_json) to `out`.
    fn write_json(&self, out: &mut Vec<u8>) {
        json::write_envelope(
            out,
            &self.message(),
            self.error_type(),
            self.status().as_u16(),
        );
    }

    /// Writes the public message into `sink`. Derived code writes interpolated
    /// messages piece by piece, so one expansion serves both `message` and
    /// `write_json`; not part of the API.
    #[doc(hidden)]
    fn __write_message(&self, sink: &mut crate::__private::Sink<'_>) {
        sink.str(&self.message());
    }

    /// `true` when the public message deliberately hides this error's own
    /// description (a 5xx without an explicit message). Integrations log the
    /// internal description of such errors; not part of the API.
    #[doc(hidden)]
    fn __masked(&self) -> bool {
        false
    }
}

macro_rules! forward_api_error {
    ($($pointer:ty),*) => {$(
        impl<T: ApiError + ?Sized> ApiError for $pointer {
            fn status(&self) -> Status { (**self).status() }
            fn error_type(&self) -> &str { (**self).error_type() }
            fn message(&self) -> Cow<'_, str> { (**self).message() }
            fn retryability(&self) -> Retryability { (**self).retryability() }
            fn is_retryable(&self) -> bool { (**self).is_retryable() }
            fn retry_after(&self) -> Option<Duration> { (**self).retry_after() }
            fn to_envelope(&self) -> ErrorEnvelope { (**self).to_envelope() }
            fn to_json(&self) -> String { (**self).to_json() }
            fn write_json(&self, out: &mut Vec<u8>) { (**self).write_json(out) }
            fn __write_message(&self, sink: &mut crate::__private::Sink<'_>) { (**self).__write_message(sink) }
            fn __masked(&self) -> bool { (**self).__masked() }
        }
    )*};
}

forward_api_error!(&T, Box<T>, Arc<T>);
