//! Client side: [`ErrorResponse`] decodes any HTTP error response into an [`ApiError`].
//!
//! Give it the status, the headers and the body of a failed response, whatever
//! the API: this crate's envelope, OpenAI, Anthropic, RFC 9457 problem+json, Google
//! AIP-193 (every [`Format`](crate::Format), and what other servers send in
//! them), a JSON string, plain text, HTML or nothing. Decoding never fails and
//! never panics; sizes and counts are bounded. The result implements [`ApiError`]
//! with everything the body carries — code, param, violations, documentation link,
//! gRPC code — so the same [`RetryPolicy`](crate::retry::RetryPolicy) retries it and
//! your own errors, and a proxy can pass it on in any format
//! ([`ApiError::write_as`]).
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::client::{BodyShape, ErrorResponse};
//! use dos_errors::{ApiError, Retryability, Status};
//!
//! let err = ErrorResponse::from_parts(
//!     429,
//!     &[("Retry-After", "20"), ("x-request-id", "req_8f2c")],
//!     br#"{"error":{"message":"Rate limit exceeded: 10 requests per minute","type":"rate_limit_error","code":429}}"#,
//! );
//! assert_eq!(err.shape(), BodyShape::Envelope);
//! assert_eq!(err.status(), Status::TOO_MANY_REQUESTS);
//! assert_eq!(err.error_type(), "rate_limit_error");
//! assert_eq!(err.message(), "Rate limit exceeded: 10 requests per minute");
//! assert_eq!(err.retryability(), Retryability::Throttled);
//! assert_eq!(err.retry_after(), Some(Duration::from_secs(20)));
//! assert_eq!(err.request_id(), Some("req_8f2c"));
//!
//! // A proxy's HTML page: the text is the message, the type is the status's.
//! let err = ErrorResponse::from_parts(502, &[], b"<html><body>Bad gateway</body></html>");
//! assert_eq!(err.shape(), BodyShape::Text);
//! assert_eq!(err.error_type(), "bad_gateway_error");
//! assert_eq!(err.message(), "<html><body>Bad gateway</body></html>");
//!
//! // Google's details: the code, the violations, the delay, the documentation.
//! let err = ErrorResponse::from_parts(400, &[], br#"{"error":{"code":400,"message":"Bad role","status":"INVALID_ARGUMENT","details":[
//!     {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_ROLE","domain":"example.com"},
//!     {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"messages[1].role","description":"unknown role"}]},
//!     {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Docs","url":"https://docs.example.com/errors#invalid_role"}]}
//! ]}}"#);
//! assert_eq!(err.shape(), BodyShape::Google);
//! assert_eq!(err.error_code(), Some("invalid_role"));
//! assert_eq!(err.param().as_deref(), Some("messages[1].role"));
//! assert_eq!(err.violations()[0].description(), "unknown role");
//! assert_eq!(err.doc_url().as_deref(), Some("https://docs.example.com/errors#invalid_role"));
//! assert_eq!(err.grpc_code(), dos_errors::GrpcCode::InvalidArgument);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use crate::headers::{parse_protobuf_duration, ErrorHeaders};
use crate::{ApiError, FieldViolation, GrpcCode, MessageWriter, Retryability, Status};

mod body;
mod call_error;
#[cfg(feature = "http")]
mod http;
mod text;
#[cfg(feature = "tonic")]
mod tonic;

#[cfg(feature = "tower")]
pub(crate) use self::http::header_pairs;
#[cfg(feature = "http")]
pub use self::http::ResponseHead;
pub use call_error::{CallError, TransportKind};

/// At most this many bytes of a body are read by default (64 KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// Messages are cut to at most this many bytes by default (8 KiB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 8 * 1024;
/// Error types, codes, `param`, request ids, the fields of violations and the
/// names and values of metadata are cut to at most this many bytes.
pub const MAX_FIELD_BYTES: usize = 256;
/// At most this many field violations are kept (a problem's `errors`, Google's
/// `fieldViolations`); the others are skipped.
pub const MAX_VIOLATIONS: usize = 64;
/// At most this many entries of Google's `ErrorInfo.metadata` are kept.
pub const MAX_METADATA_ENTRIES: usize = 64;
/// A documentation link longer than this is dropped (a cut link leads nowhere).
const MAX_URL_BYTES: usize = 2048;

/// Which shape of error body [`ErrorResponse`] recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyShape {
    /// This crate's envelope ([`Format::Envelope`](crate::Format::Envelope)):
    /// `{"error":{"message","type","code":401}}`.
    Envelope,
    /// OpenAI's: `{"error":{"message","type","param","code":"invalid_api_key"}}` — a string
    /// `code` or a `param` member tells it from the envelope.
    OpenAi,
    /// Anthropic's: `{"type":"error","error":{"type","message"}}`.
    Anthropic,
    /// RFC 9457 problem details: `{"type","title","status","detail"}`, recognised by
    /// the `application/problem+json` content type or by its members.
    Problem,
    /// Google's AIP-193: `{"error":{"code","message","status":"RESOURCE_EXHAUSTED","details":[…]}}`.
    Google,
    /// Other JSON: `{"error":"…"}`, `{"message":"…"}`, `{"detail":"…"}`, or a JSON
    /// value with no message at all (then the body text is the message).
    Json,
    /// A JSON string: `"Service unavailable"`.
    JsonString,
    /// Not JSON: plain text, HTML, or JSON cut short by the size limit.
    Text,
    /// An empty or all-whitespace body.
    Empty,
}

/// Limits for decoding error responses; [`ErrorResponse::from_parts`] uses the defaults.
///
/// ```
/// use dos_errors::client::ErrorResponse;
/// use dos_errors::ApiError;
///
/// let decoder = ErrorResponse::decoder().max_message_bytes(2);
/// let err = decoder.decode(500, &[], "Désolé".as_bytes());
/// assert_eq!(err.message(), "D"); // "Dé" is 3 bytes: the cut never splits a character
/// assert!(err.truncated());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodeOptions {
    max_body_bytes: usize,
    max_message_bytes: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::new()
    }
}

impl DecodeOptions {
    /// The defaults: [`DEFAULT_MAX_BODY_BYTES`] and [`DEFAULT_MAX_MESSAGE_BYTES`].
    #[must_use]
    pub const fn new() -> Self {
        DecodeOptions {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }

    /// Reads at most `bytes` of a body; the rest is ignored (JSON cut short is read as text).
    #[must_use]
    pub const fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Cuts messages to at most `bytes`, on a character boundary.
    #[must_use]
    pub const fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }

    /// Decodes a response, measuring `Retry-After` dates from the system clock.
    #[must_use]
    pub fn decode(&self, status: u16, headers: &[(&str, &str)], body: &[u8]) -> ErrorResponse {
        self.decode_at(status, headers, body, SystemTime::now())
    }

    /// Decodes a response, measuring `Retry-After` dates from `now`.
    #[must_use]
    pub fn decode_at(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
        now: SystemTime,
    ) -> ErrorResponse {
        ErrorResponse::decode(*self, status, headers, body, now)
    }
}

/// An HTTP error response decoded on the client side, whatever the API that sent it.
///
/// Built by [`ErrorResponse::from_parts`] (or a [`DecodeOptions`]); see the
/// [module documentation](crate::client) for an example. As an [`ApiError`]:
///
/// - [`status`](ApiError::status) is the HTTP status. For a status outside
///   `400..=599` (a 200 carrying an error body, a stray redirect) it is the body's
///   code if that is an error status, else 500; [`http_status`](Self::http_status)
///   keeps the raw one. When the body's code disagrees with the HTTP status, the
///   HTTP status wins and [`code_mismatch`](Self::code_mismatch) tells.
/// - [`error_type`](ApiError::error_type) is the body's type when it has one (for
///   Google, `error.status` as sent, e.g. `RESOURCE_EXHAUSTED`; for problem+json,
///   the `error_type` extension member, else the `type` URI unless `about:blank`),
///   else the status's default.
/// - [`message`](ApiError::message) is the body's message — or, for a body without
///   one, its text — cleaned (see below); the status's default when empty.
/// - [`retryability`](ApiError::retryability) follows `x-should-retry` when present
///   (`true`: transient, or throttled for a 429; `false`: fatal), else the status; a
///   `grpc-retry-pushback-ms` that says not to retry (negative) makes it fatal.
/// - [`retry_after`](ApiError::retry_after) comes from `retry-after-ms`, else
///   `Retry-After`, else `grpc-retry-pushback-ms`, else Google's `RetryInfo.retryDelay`
///   in the body, else — on a 429 — the rate-limit reset headers (see
///   [`headers`](crate::headers#how-a-decoded-response-gets-its-delay)).
/// - [`error_code`](ApiError::error_code) is OpenAI's string `code`, a problem's
///   `error_code`, or Google's `ErrorInfo.reason` lower-cased.
/// - [`violations`](ApiError::violations) are a problem's `errors` (each JSON
///   pointer read back as a field path: `#/messages/1/role` is
///   `messages[1].role`) or Google's `BadRequest.fieldViolations`, at most
///   [`MAX_VIOLATIONS`]; [`param`](ApiError::param) is OpenAI's `param`, a
///   problem's `param`, else the field of the first violation.
/// - [`doc_url`](ApiError::doc_url) is the URL of Google's first `Help` link, or a
///   problem's `type` when it is an `http(s)` URL.
/// - [`domain`](ApiError::domain) is Google's `ErrorInfo.domain`, and
///   [`metadata`](Self::metadata) its `metadata`.
/// - [`grpc_code`](ApiError::grpc_code) is Google's `status`, else the status's
///   default.
///
/// Written back in any [`Format`](crate::Format) ([`ApiError::write_as`]), a
/// response gives the body it was decoded from when this crate wrote that body in
/// the same format — Google's metadata included, Anthropic's `request_id` left to
/// the integrations — as long as its texts needed no cleaning (see below) and its
/// field paths are plain (`a.b[0]`): what a proxy needs to pass errors on.
///
/// Messages are cleaned for logs and terminals: invalid UTF-8 is replaced, line
/// breaks and other whitespace runs become one space, other control characters and
/// bidirectional-text overrides are removed, and the result is cut on a character
/// boundary to the message limit (8 KiB by default). Every other text taken from
/// the body is cleaned the same way and cut to [`MAX_FIELD_BYTES`] (descriptions of
/// violations to the message limit); a documentation link longer than 2 KiB is
/// dropped rather than cut.
#[derive(Clone, PartialEq, Eq)]
pub struct ErrorResponse {
    // Boxed so that `Result<T, ErrorResponse>` stays one pointer wide.
    inner: Box<Fields>,
}

/// The fields of an [`ErrorResponse`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    http_status: u16,
    status: Status,
    body_code: Option<u16>,
    shape: BodyShape,
    error_type: Cow<'static, str>,
    message: Cow<'static, str>,
    param: Option<String>,
    error_code: Option<String>,
    violations: Vec<FieldViolation>,
    doc_url: Option<String>,
    domain: Option<String>,
    metadata: Vec<(String, String)>,
    grpc_code: Option<GrpcCode>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    should_retry: Option<bool>,
    truncated: bool,
}

impl ErrorResponse {
    /// Decodes a response with the default limits; `Retry-After` dates are measured from the system clock.
    ///
    /// `headers` are `(name, value)` pairs; names match case-insensitively and
    /// surrounding whitespace is ignored. Never fails, never panics.
    #[must_use]
    pub fn from_parts(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Self {
        DecodeOptions::new().decode(status, headers, body)
    }

    /// [`from_parts`](Self::from_parts), measuring `Retry-After` dates from `now`.
    #[must_use]
    pub fn from_parts_at(
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
        now: SystemTime,
    ) -> Self {
        DecodeOptions::new().decode_at(status, headers, body, now)
    }

    /// Options to decode with other limits.
    #[must_use]
    pub const fn decoder() -> DecodeOptions {
        DecodeOptions::new()
    }

    fn decode(
        options: DecodeOptions,
        http_status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
        now: SystemTime,
    ) -> Self {
        let headers = ErrorHeaders::read(headers, http_status, now);

        let cut_body = body.len() > options.max_body_bytes;
        let body = if cut_body {
            text::trim_incomplete_char(&body[..options.max_body_bytes])
        } else {
            body
        };
        let decoded = body::decode_json(body, headers.problem_json).unwrap_or_default();

        let body_code = decoded.body_code;
        let status = Status::new(http_status)
            .or_else(|| body_code.and_then(Status::new))
            .unwrap_or(Status::INTERNAL_SERVER_ERROR);

        let mut clean = text::Cleaner::default();
        let doc_url = decoded.doc_url.as_deref().and_then(|url| clean.url(url));
        // A body without a message field (text, HTML, unknown JSON) is its own message.
        let message = match &decoded.message {
            Some(message) => clean.text(message, options.max_message_bytes),
            None => clean.text(&String::from_utf8_lossy(body), options.max_message_bytes),
        };
        let shape = match decoded.shape {
            Some(shape) => shape,
            None if message.is_none() => BodyShape::Empty,
            None => BodyShape::Text,
        };
        let error_type = decoded
            .error_type
            .and_then(|t| clean.text(&t, MAX_FIELD_BYTES));
        let param = decoded.param.and_then(|p| clean.text(&p, MAX_FIELD_BYTES));
        let error_code = decoded
            .error_code
            .and_then(|c| clean.text(&c, MAX_FIELD_BYTES));
        let violations = clean.violations(decoded.violations, options.max_message_bytes);
        let metadata = clean.metadata(decoded.metadata);
        let domain = decoded.domain.and_then(|d| clean.text(&d, MAX_FIELD_BYTES));

        let request_id = headers
            .request_id
            .or(decoded.request_id.as_deref())
            .and_then(|id| clean.text(id, MAX_FIELD_BYTES));
        let retry_after = headers
            .retry_after
            .or_else(|| parse_protobuf_duration(decoded.retry_delay.as_deref()?))
            .or(headers.rate_limit_reset);

        let inner = Fields {
            http_status,
            status,
            body_code,
            shape,
            error_type: error_type.map_or(Cow::Borrowed(status.default_type()), Cow::Owned),
            message: message.map_or(Cow::Borrowed(status.default_message()), Cow::Owned),
            param,
            error_code,
            violations,
            doc_url,
            domain,
            metadata,
            grpc_code: decoded.grpc_code,
            request_id,
            retry_after,
            should_retry: headers.should_retry,
            truncated: cut_body || clean.truncated,
        };
        ErrorResponse {
            inner: Box::new(inner),
        }
    }

    /// The HTTP status as received, even outside `400..=599`.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        self.inner.http_status
    }

    /// The numeric code in the body (`error.code`, or a problem's `status`), if any.
    #[must_use]
    pub fn body_code(&self) -> Option<u16> {
        self.inner.body_code
    }

    /// The body's code when it differs from [`status`](ApiError::status) — the body
    /// and the HTTP status disagree, and the status was kept.
    #[must_use]
    pub fn code_mismatch(&self) -> Option<u16> {
        self.inner
            .body_code
            .filter(|&code| code != self.inner.status.as_u16())
    }

    /// Which shape of body was recognised.
    #[must_use]
    pub fn shape(&self) -> BodyShape {
        self.inner.shape
    }

    /// The request id from `x-request-id` or `request-id` (or an Anthropic body's `request_id`).
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The `x-should-retry` header: `Some(true)` or `Some(false)` when present and valid;
    /// `Some(false)` also when a `grpc-retry-pushback-ms` says not to retry.
    #[must_use]
    pub fn should_retry_header(&self) -> Option<bool> {
        self.inner.should_retry
    }

    /// The same as [`ApiError::error_code`]: OpenAI's `error.code`
    /// (`"invalid_api_key"`), a problem's `error_code`, or the `reason` of a Google
    /// `ErrorInfo` detail lower-cased (`"rate_limit_exceeded"`).
    #[must_use]
    pub fn provider_code(&self) -> Option<&str> {
        self.error_code()
    }

    /// Google's `ErrorInfo.metadata`, `(name, value)` in the body's order (the first
    /// of each name, at most [`MAX_METADATA_ENTRIES`]); empty for other shapes.
    #[must_use]
    pub fn metadata(&self) -> &[(String, String)] {
        &self.inner.metadata
    }

    /// `true` when the body was longer than the body limit, or a message or field was cut.
    #[must_use]
    pub fn truncated(&self) -> bool {
        self.inner.truncated
    }
}

impl ApiError for ErrorResponse {
    fn status(&self) -> Status {
        self.inner.status
    }

    fn error_type(&self) -> &str {
        &self.inner.error_type
    }

    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.inner.message)
    }

    fn retryability(&self) -> Retryability {
        match self.inner.should_retry {
            Some(false) => Retryability::Fatal,
            Some(true) => Retryability::retryable(self.inner.status.as_u16()),
            None => self.inner.status.default_retryability(),
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    fn error_code(&self) -> Option<&str> {
        self.inner.error_code.as_deref()
    }

    fn param(&self) -> Option<Cow<'_, str>> {
        self.inner
            .param
            .as_deref()
            .or_else(|| self.inner.violations.first().map(FieldViolation::field))
            .map(Cow::Borrowed)
    }

    fn violations(&self) -> &[FieldViolation] {
        &self.inner.violations
    }

    fn doc_url(&self) -> Option<Cow<'_, str>> {
        self.inner.doc_url.as_deref().map(Cow::Borrowed)
    }

    fn domain(&self) -> Option<&str> {
        self.inner.domain.as_deref()
    }

    fn grpc_code(&self) -> GrpcCode {
        self.inner
            .grpc_code
            .unwrap_or_else(|| self.inner.status.default_grpc_code())
    }

    /// The message, and Google's metadata as values the message does not show, so
    /// that the Google format writes them back.
    fn write_message(&self, out: &mut MessageWriter<'_>) {
        out.text(&self.inner.message);
        for (name, value) in &self.inner.metadata {
            out.metadata_entry(name, value);
        }
    }
}

impl fmt::Display for ErrorResponse {
    /// `429 Too Many Requests (rate_limit_error): Rate limit exceeded [request id: req_1]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}", self.inner.status, self.inner.error_type)?;
        if self.inner.http_status != self.inner.status.as_u16() {
            write!(f, ", received HTTP {}", self.inner.http_status)?;
        }
        write!(f, "): {}", self.inner.message)?;
        if let Some(id) = &self.inner.request_id {
            write!(f, " [request id: {id}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("ErrorResponse")
            .field("http_status", &inner.http_status)
            .field("status", &inner.status)
            .field("body_code", &inner.body_code)
            .field("shape", &inner.shape)
            .field("error_type", &inner.error_type)
            .field("message", &inner.message)
            .field("param", &inner.param)
            .field("error_code", &inner.error_code)
            .field("violations", &inner.violations)
            .field("doc_url", &inner.doc_url)
            .field("domain", &inner.domain)
            .field("metadata", &inner.metadata)
            .field("grpc_code", &inner.grpc_code)
            .field("request_id", &inner.request_id)
            .field("retry_after", &inner.retry_after)
            .field("should_retry", &inner.should_retry)
            .field("truncated", &inner.truncated)
            .finish()
    }
}

impl std::error::Error for ErrorResponse {}
