//! [`ErrorSpec`]: one declared error, as data.

use std::time::Duration;

use crate::{contract, ErrorEnvelope, GrpcCode, LogLevel, Retryability, Status};

/// One error a type can produce, as declared: everything about it that does not
/// depend on the values of its fields.
///
/// `#[derive(ApiError)]` resolves each variant to an `ErrorSpec` when it expands —
/// the status's defaults applied, the message escaped, every rule checked — and
/// the derived type answers every [`ApiError`](crate::ApiError) method from its
/// table of specs (plus the fields read at run time: interpolated values, a
/// `retry_after`, `param` or `violations` field). The same entries are the type's
/// [catalogue](crate::catalog), and [`ApiError::spec`](crate::ApiError::spec) tells
/// which one an error value is.
///
/// ```
/// use dos_errors::catalog::ApiErrorCatalog;
/// use dos_errors::{ApiError, GrpcCode, Retryability};
///
/// #[derive(Debug, ApiError)]
/// enum ChatError {
///     /// The model does not exist.
///     #[api_error(status = 400, message = "The model `{model}` does not exist")]
///     UnknownModel { model: String },
///     #[api_error(status = 503, retry_after = 30)]
///     Loading,
/// }
///
/// let specs = ChatError::catalog();
/// assert_eq!(specs[0].name, "UnknownModel");
/// assert_eq!(specs[0].message, "The model `{model}` does not exist");
/// assert_eq!(specs[0].grpc_code, GrpcCode::InvalidArgument);
/// assert_eq!(specs[1].retryability, Retryability::Transient);
/// assert_eq!(specs[1].retry_after, Some(std::time::Duration::from_secs(30)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorSpec {
    /// The variant's name (the type's name for a struct).
    pub name: &'static str,
    /// The HTTP status.
    pub status: Status,
    /// The error type.
    pub error_type: &'static str,
    /// The public message: its text when it is static (no placeholders; `{{`/`}}`
    /// already read as braces), the template as written when it interpolates fields
    /// (`"Missing required field: {field}"`, see
    /// [`interpolated`](ErrorSpec::interpolated)), the status's default message when
    /// none is declared; empty when the message is the error's `Display` (`display`).
    pub message: &'static str,
    /// `true` when the public message is the error's own `Display` text.
    pub message_is_display: bool,
    /// `true` when [`message`](ErrorSpec::message) is a template whose
    /// placeholders are filled from the fields at run time.
    pub interpolated: bool,
    /// Whether clients may retry.
    pub retryability: Retryability,
    /// A constant `Retry-After` (`retry_after = N`).
    pub retry_after: Option<Duration>,
    /// `true` when a field supplies `Retry-After` per error.
    pub retry_after_from_field: bool,
    /// `true` when the public message hides the error's own description (a 5xx
    /// without an explicit message): the internal text only goes to logs.
    pub masked: bool,
    /// The level at which integrations log the internal description of this
    /// error when it becomes a response (`log = "…"`; by default `Error` for masked
    /// errors and `Off` for the others).
    pub log: LogLevel,
    /// The stable machine-readable code (`code = "model_not_found"`).
    pub code: Option<&'static str>,
    /// The request parameter at fault, when declared as a constant (`param = "model"`).
    pub param: Option<&'static str>,
    /// `true` when a field holds the parameter at fault.
    pub param_from_field: bool,
    /// `true` when a field holds the field violations.
    pub violations_from_field: bool,
    /// The documentation link: `{docs}#{code, else type}` when the type declares `docs`.
    pub doc_url: Option<&'static str>,
    /// The service's domain (`domain = "dos.ai"`, Google's `ErrorInfo.domain`).
    pub domain: Option<&'static str>,
    /// The gRPC code (`grpc = "…"`, else the status's default).
    pub grpc_code: GrpcCode,
    /// The variant's doc comment.
    pub docs: &'static str,
    /// The compact JSON envelope of this error when its message is static (written
    /// as it is by [`ApiError::write_json`](crate::ApiError::write_json)); empty otherwise.
    pub envelope_json: &'static str,
}

impl ErrorSpec {
    /// Whether responses of this error may carry a `Retry-After` header.
    #[must_use]
    pub fn sends_retry_after(&self) -> bool {
        self.retry_after.is_some() || self.retry_after_from_field
    }

    /// Whether responses of this status advertise `Retry-After` in the API's
    /// description: the error sends one, or it is a retryable 429 or 503.
    #[must_use]
    pub fn documents_retry_after(&self) -> bool {
        self.sends_retry_after()
            || (self.retryability.is_retryable()
                && contract::carries_retry_after(self.status.as_u16()))
    }

    /// The `x-should-retry` header responses of this error carry: `Some(true)`
    /// when it is declared retryable and its status is not by default,
    /// `Some(false)` in the opposite case, else `None` (see
    /// [`should_retry_override`](crate::headers::should_retry_override)).
    #[must_use]
    pub const fn should_retry_header(&self) -> Option<bool> {
        contract::should_retry_override(self.retryability.is_retryable(), self.status.as_u16())
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

    /// The names of the message's placeholders, in order (none unless
    /// [`interpolated`](ErrorSpec::interpolated)).
    pub fn placeholders(&self) -> impl Iterator<Item = &'static str> {
        let template = if self.interpolated { self.message } else { "" };
        contract::placeholder_names(template)
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
        contract::write_envelope(
            &mut out,
            self.message,
            self.error_type,
            self.status.as_u16(),
        );
        String::from_utf8(out).unwrap_or_default()
    }
}
