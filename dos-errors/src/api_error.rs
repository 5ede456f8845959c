//! The [`ApiError`] trait: everything a server needs to answer with an error, and a client to act on it.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::{
    format, ErrorEnvelope, ErrorSpec, FieldViolation, Format, GrpcCode, MessageWriter,
    Retryability, Status,
};

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

    /// The stable machine-readable code of this error, e.g. `"model_not_found"`
    /// (OpenAI's and Stripe's `code`, Google's `ErrorInfo.reason`). Default: `None`.
    fn error_code(&self) -> Option<&str> {
        None
    }

    /// The request parameter at fault, e.g. `"model"` (OpenAI's `param`). Default:
    /// the field of the first of [`violations`](ApiError::violations), if any.
    fn param(&self) -> Option<Cow<'_, str>> {
        self.violations()
            .first()
            .map(|violation| Cow::Borrowed(violation.field()))
    }

    /// The fields of the request that are wrong, and why (Google's `BadRequest`,
    /// an RFC 9457 problem's `errors`). Default: none.
    fn violations(&self) -> &[FieldViolation] {
        &[]
    }

    /// A link to the documentation of this error. Default: `None`.
    fn doc_url(&self) -> Option<Cow<'_, str>> {
        None
    }

    /// The service's domain, e.g. `"dos.ai"` (Google's `ErrorInfo.domain`). Default: `None`.
    fn domain(&self) -> Option<&str> {
        None
    }

    /// The gRPC code of this error. Default: [`Status::default_grpc_code`].
    fn grpc_code(&self) -> GrpcCode {
        self.status().default_grpc_code()
    }

    /// The declared error this value is, when it comes from a declaration
    /// (`#[derive(ApiError)]`; a transparent variant answers with its field's).
    /// Default: `None`.
    ///
    /// An error that returns a spec answers as it declares: its status, type,
    /// code, documentation link and gRPC code are the spec's, and so is its message
    /// when the spec's message is static. The wire formats rely on it: they copy
    /// those members from the spec (checked and escaped by the derive) instead of
    /// escaping them again.
    fn spec(&self) -> Option<&'static ErrorSpec> {
        None
    }

    /// Writes the public message piece by piece: literal text and interpolated
    /// values (see [`MessageWriter`]). Default: [`message`](ApiError::message) as
    /// one piece of text.
    fn write_message(&self, out: &mut MessageWriter<'_>) {
        out.text(&self.message());
    }

    /// The JSON error body as a value.
    fn to_envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope::from_error(self)
    }

    /// The JSON error body as compact JSON: `{"error":{"message":…,"type":…,"code":…}}`.
    fn to_json(&self) -> String {
        self.to_json_as(Format::Envelope)
    }

    /// Appends the bytes of [`to_json`](ApiError::to_json) to `out`.
    fn write_json(&self, out: &mut Vec<u8>) {
        self.write_as(Format::Envelope, out);
    }

    /// Appends the body of this error in `format` to `out`: the same bytes
    /// `serde_json` would write for that body, and no allocation but the growth of
    /// `out` for a static message (see [`Format`] for each body).
    fn write_as(&self, format: Format, out: &mut Vec<u8>) {
        format::write(self, format, None, out);
    }

    /// The body of this error in `format`, as compact JSON.
    fn to_json_as(&self, format: Format) -> String {
        let mut out = Vec::with_capacity(128);
        self.write_as(format, &mut out);
        // Every format appends only valid UTF-8 (escaped str data and ASCII).
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
            fn error_code(&self) -> Option<&str> { (**self).error_code() }
            fn param(&self) -> Option<Cow<'_, str>> { (**self).param() }
            fn violations(&self) -> &[FieldViolation] { (**self).violations() }
            fn doc_url(&self) -> Option<Cow<'_, str>> { (**self).doc_url() }
            fn domain(&self) -> Option<&str> { (**self).domain() }
            fn grpc_code(&self) -> GrpcCode { (**self).grpc_code() }
            fn spec(&self) -> Option<&'static ErrorSpec> { (**self).spec() }
            fn write_message(&self, out: &mut MessageWriter<'_>) { (**self).write_message(out) }
            fn write_as(&self, format: Format, out: &mut Vec<u8>) { (**self).write_as(format, out) }
            fn to_json_as(&self, format: Format) -> String { (**self).to_json_as(format) }
            fn to_envelope(&self) -> ErrorEnvelope { (**self).to_envelope() }
            fn to_json(&self) -> String { (**self).to_json() }
            fn write_json(&self, out: &mut Vec<u8>) { (**self).write_json(out) }
        }
    )*};
}

forward_api_error!(&T, Box<T>, Arc<T>);
