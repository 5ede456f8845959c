//! [`Format`]: the wire formats an error can be rendered in, and the writers of
//! each.
//!
//! Every writer appends compact JSON to a `Vec<u8>`, member by member, with the
//! bytes `serde_json` would write (strings escaped by [`contract::escape_into`],
//! the one escaper). None allocates: a static message is copied, an interpolated
//! one written piece by piece straight into the buffer.

use core::fmt;
use core::ops::Range;
use std::borrow::Cow;

use crate::{contract, ApiError, ErrorSpec, FieldViolation, MessageWriter};

mod google;
pub(crate) mod pointer;
mod problem;

#[allow(unused_imports)] // for the gRPC integration
pub(crate) use google::{details, GoogleDetails};
pub(crate) use problem::ABOUT_BLANK;

/// A wire format for error bodies.
///
/// Every format carries the same declaration; the status and `Retry-After` of a
/// response are the same in all of them. Each body is written member by member in
/// the order shown below (M the message, T the type, S the status, C the
/// [code](crate::ApiError::error_code), P the [param](crate::ApiError::param)), with
/// exactly the bytes `serde_json` writes for the same value, and without
/// allocating; [`ErrorResponse`](crate::client::ErrorResponse) decodes all of them.
///
/// ```
/// use dos_errors::Format;
///
/// assert_eq!(Format::default(), Format::Envelope);
/// assert_eq!(Format::from_name("problem"), Some(Format::Problem));
/// assert_eq!(Format::Problem.content_type(), "application/problem+json");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// The API's own envelope: `{"error":{"message":M,"type":T,"code":S}}`, whatever
    /// else is declared.
    ///
    /// ```
    /// # use dos_errors::{ApiError, Format};
    /// #[derive(Debug, ApiError)]
    /// #[api_error(status = 404, code = "model_not_found", message = "No such model")]
    /// struct NoModel;
    ///
    /// assert_eq!(
    ///     NoModel.to_json_as(Format::Envelope),
    ///     r#"{"error":{"message":"No such model","type":"not_found_error","code":404}}"#
    /// );
    /// ```
    #[default]
    Envelope,
    /// OpenAI's: `{"error":{"message":M,"type":T,"param":P,"code":C}}`, `null` for an
    /// absent P or C.
    ///
    /// ```
    /// # use dos_errors::{ApiError, Format};
    /// #[derive(Debug, ApiError)]
    /// #[api_error(status = 404, code = "model_not_found", param = "model", message = "No such model")]
    /// struct NoModel;
    ///
    /// assert_eq!(
    ///     NoModel.to_json_as(Format::OpenAi),
    ///     r#"{"error":{"message":"No such model","type":"not_found_error","param":"model","code":"model_not_found"}}"#
    /// );
    /// ```
    OpenAi,
    /// Anthropic's: `{"type":"error","error":{"type":T,"message":M}}`. The framework
    /// integrations append `"request_id":…` when the request has an id.
    ///
    /// ```
    /// # use dos_errors::{ApiError, Format};
    /// #[derive(Debug, ApiError)]
    /// #[api_error(status = 529, type = "overloaded_error", message = "Overloaded")]
    /// struct Overloaded;
    ///
    /// assert_eq!(
    ///     Overloaded.to_json_as(Format::Anthropic),
    ///     r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
    /// );
    /// ```
    Anthropic,
    /// RFC 9457 problem details, `application/problem+json`:
    ///
    /// - `type`: the error's [documentation link](crate::ApiError::doc_url), else
    ///   `"about:blank"`;
    /// - `title`: the status's reason phrase (`"Too Many Requests"`; `"Client Error"`
    ///   or `"Server Error"` for a status without one);
    /// - `status`: S; `detail`: M;
    /// - extension members: `error_type` (T, always), `error_code` (C), `param` (P),
    ///   each only when present;
    /// - `errors`, when there are [violations](crate::ApiError::violations):
    ///   `[{"detail":…,"pointer":"#/messages/1/role"}]`, each field path
    ///   (`messages[1].role`) as an RFC 6901 JSON pointer in URI fragment form (`~`
    ///   written `~0`, `/` written `~1`, other characters a fragment cannot hold
    ///   percent-encoded).
    ///
    /// ```
    /// # use dos_errors::{ApiError, Format};
    /// #[derive(Debug, ApiError)]
    /// #[api_error(docs = "https://docs.example.com/errors")]
    /// enum ChatError {
    ///     #[api_error(status = 429, code = "rate_limit_exceeded", message = "Slow down")]
    ///     RateLimited,
    /// }
    ///
    /// assert_eq!(
    ///     ChatError::RateLimited.to_json_as(Format::Problem),
    ///     concat!(
    ///         r#"{"type":"https://docs.example.com/errors#rate_limit_exceeded","#,
    ///         r#""title":"Too Many Requests","status":429,"detail":"Slow down","#,
    ///         r#""error_type":"rate_limit_error","error_code":"rate_limit_exceeded"}"#
    ///     )
    /// );
    /// ```
    Problem,
    /// Google's AIP-193: `{"error":{"code":S,"message":M,"status":<gRPC name>,"details":[…]}}`,
    /// with these details, in this order, each with its
    /// `"@type":"type.googleapis.com/google.rpc.…"`:
    ///
    /// - `ErrorInfo`, always: `reason` (C upper-cased, else T upper-cased),
    ///   `domain` when declared, and `metadata` when the message interpolates
    ///   values: each keyed by the name written in its placeholder (`"0"` for
    ///   `{0}`), valued by the text it produced (format spec applied); never for a
    ///   masked error;
    /// - `RetryInfo` with `retryDelay` (a protobuf JSON duration: `"30s"`,
    ///   `"1.500s"`) when there is a [retry-after](crate::ApiError::retry_after);
    /// - `BadRequest` with `fieldViolations` (`field`, `description`) when there are
    ///   violations or a param (a lone param becomes one violation described by M);
    /// - `Help` with `links: [{"description":"Documentation of <C, else T>","url":…}]`
    ///   when there is a documentation link.
    ///
    /// ```
    /// # use dos_errors::{ApiError, Format};
    /// #[derive(Debug, ApiError)]
    /// #[api_error(domain = "example.com")]
    /// enum ChatError {
    ///     #[api_error(status = 429, message = "Limit: {limit}/min", retry_after = 30)]
    ///     RateLimited { limit: u32 },
    /// }
    ///
    /// assert_eq!(
    ///     ChatError::RateLimited { limit: 10 }.to_json_as(Format::Google),
    ///     concat!(
    ///         r#"{"error":{"code":429,"message":"Limit: 10/min","status":"RESOURCE_EXHAUSTED","details":["#,
    ///         r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_ERROR","#,
    ///         r#""domain":"example.com","metadata":{"limit":"10"}},"#,
    ///         r#"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"}]}}"#
    ///     )
    /// );
    /// ```
    Google,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Envelope,
        Format::OpenAi,
        Format::Anthropic,
        Format::Problem,
        Format::Google,
    ];

    /// The format named `name`: `envelope`, `openai`, `anthropic`, `problem`, `google`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The lower-case name of [`from_name`](Format::from_name).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Format::Envelope => "envelope",
            Format::OpenAi => "openai",
            Format::Anthropic => "anthropic",
            Format::Problem => "problem",
            Format::Google => "google",
        }
    }

    /// The `Content-Type` of a body in this format.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Problem => "application/problem+json",
            _ => "application/json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Appends the body of `error` in `format`. `request_id` is carried by the formats
/// that have a place for it (Anthropic's `request_id`); the framework integrations
/// pass the id of the request being answered.
pub(crate) fn write<E: ApiError + ?Sized>(
    error: &E,
    format: Format,
    request_id: Option<&str>,
    out: &mut Vec<u8>,
) {
    match format {
        Format::Envelope => write_envelope(error, out),
        Format::OpenAi => write_openai(&Members::of(error), out),
        Format::Anthropic => write_anthropic(&Members::of(error), request_id, out),
        Format::Problem => problem::write(&Members::of(error), out),
        Format::Google => google::write(&Members::of(error), out),
    }
}

/// The envelope: `{"error":{"message":…,"type":…,"code":…}}`.
fn write_envelope<E: ApiError + ?Sized>(error: &E, out: &mut Vec<u8>) {
    let members = Members::of(error);
    if let Some(spec) = members.spec {
        if !spec.envelope_json.is_empty() {
            raw(out, spec.envelope_json);
            return;
        }
    }
    raw(out, contract::ENVELOPE_HEAD);
    members.message(out);
    raw(out, contract::ENVELOPE_TYPE);
    members.declared_text(out, members.error_type);
    raw(out, contract::ENVELOPE_CODE);
    push_status(out, members.status);
    raw(out, contract::ENVELOPE_END);
}

/// OpenAI's: `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
fn write_openai<E: ApiError + ?Sized>(members: &Members<'_, E>, out: &mut Vec<u8>) {
    raw(out, r#"{"error":{"message":""#);
    members.message(out);
    raw(out, r#"","type":""#);
    members.declared_text(out, members.error_type);
    raw(out, r#"","param":"#);
    match members.param() {
        Some(param) => string(out, &param),
        None => raw(out, "null"),
    }
    match members.code {
        Some(code) => {
            raw(out, r#","code":""#);
            members.declared_text(out, code);
            raw(out, "\"}}");
        }
        None => raw(out, r#","code":null}}"#),
    }
}

/// Anthropic's: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`.
fn write_anthropic<E: ApiError + ?Sized>(
    members: &Members<'_, E>,
    request_id: Option<&str>,
    out: &mut Vec<u8>,
) {
    raw(out, r#"{"type":"error","error":{"type":""#);
    members.declared_text(out, members.error_type);
    raw(out, r#"","message":""#);
    members.message(out);
    raw(out, "\"}");
    if let Some(id) = request_id {
        raw(out, r#","request_id":"#);
        string(out, id);
    }
    out.push(b'}');
}

// ---- Pieces shared by the writers ---------------------------------------------------

/// What the formats write of an error, read once.
///
/// A declared error (one with a [spec](ApiError::spec)) answers its status, type,
/// code, documentation link and gRPC code from its declaration: strings the derive checked to need no
/// JSON escaping (lower snake case names, a URL without quotes or backslashes), so
/// they are copied. A static message was escaped when the derive expanded: it is
/// copied out of the spec's envelope.
struct Members<'a, E: ?Sized> {
    error: &'a E,
    spec: Option<&'static ErrorSpec>,
    status: u16,
    error_type: &'a str,
    code: Option<&'a str>,
}

impl<'a, E: ApiError + ?Sized> Members<'a, E> {
    #[inline]
    fn of(error: &'a E) -> Self {
        match error.spec() {
            Some(spec) => Members {
                error,
                spec: Some(spec),
                status: spec.status.as_u16(),
                error_type: spec.error_type,
                code: spec.code,
            },
            None => Members {
                error,
                spec: None,
                status: error.status().as_u16(),
                error_type: error.error_type(),
                code: error.error_code(),
            },
        }
    }

    /// Appends `text`, one of the type, the code or the documentation link, as
    /// the inside of a JSON string: copied when it comes from a declaration, else
    /// escaped.
    #[inline(always)]
    fn declared_text(&self, out: &mut Vec<u8>, text: &str) {
        if self.spec.is_some() {
            raw(out, text);
        } else {
            contract::escape_into(out, text);
        }
    }

    /// The documentation link.
    #[inline]
    fn doc_url(&self) -> Option<Cow<'a, str>> {
        match self.spec {
            Some(spec) => spec.doc_url.map(Cow::Borrowed),
            None => self.error.doc_url(),
        }
    }

    /// The parameter: a declared error that reads none from its fields has its
    /// constant (or none).
    #[inline]
    fn param(&self) -> Option<Cow<'a, str>> {
        match self.spec {
            Some(spec) if !spec.param_from_field && !spec.violations_from_field => {
                spec.param.map(Cow::Borrowed)
            }
            _ => self.error.param(),
        }
    }

    /// The violations: none for a declared error without a `violations` field.
    #[inline]
    fn violations(&self) -> &'a [FieldViolation] {
        match self.spec {
            Some(spec) if !spec.violations_from_field => &[],
            _ => self.error.violations(),
        }
    }

    /// Appends the escaped message (the inside of its JSON string) and returns
    /// where it is in `out`, for writers that repeat it.
    #[inline]
    fn message(&self, out: &mut Vec<u8>) -> Range<usize> {
        let start = out.len();
        match self.spec.and_then(escaped_static_message) {
            Some(escaped) => raw(out, escaped),
            None => self.error.write_message(&mut MessageWriter::json_into(out)),
        }
        start..out.len()
    }
}

/// The escaped message of a declared error whose message is static: the part of
/// the envelope the derive prepared (`envelope_json`, empty for other messages)
/// between its head and `","type":"…`. The type needs no escaping, so where that
/// part ends is known; the bytes there are checked all the same.
#[inline]
fn escaped_static_message(spec: &ErrorSpec) -> Option<&'static str> {
    let json = spec.envelope_json;
    let tail = contract::declared_envelope_tail_len(spec.error_type, spec.status.as_u16());
    let end = json.len().checked_sub(tail)?;
    let delimited = json.starts_with(contract::ENVELOPE_HEAD)
        && json.as_bytes()[end..].starts_with(contract::ENVELOPE_TYPE.as_bytes());
    json.get(contract::ENVELOPE_HEAD.len()..end)
        .filter(|_| delimited)
}

/// Appends `text` as it is (JSON punctuation and member names).
#[inline(always)]
fn raw(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
}

/// Appends `text` as a JSON string, quotes included.
#[inline]
fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    contract::escape_into(out, text);
    out.push(b'"');
}

/// Appends an HTTP status.
#[inline(always)]
fn push_status(out: &mut Vec<u8>, status: u16) {
    contract::push_decimal(out, status);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, crate::ApiError)]
    #[api_error(
        crate = "crate",
        status = 529,
        type = "overloaded_error",
        message = "Overloaded"
    )]
    struct Overloaded;

    fn body(format: Format, request_id: Option<&str>) -> String {
        let mut out = Vec::new();
        write(&Overloaded, format, request_id, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn anthropic_carries_the_request_id_and_no_other_format_does() {
        assert_eq!(
            body(Format::Anthropic, Some("req_\"1\"")),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_\"1\""}"#
        );
        assert_eq!(
            body(Format::Anthropic, None),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        );
        for format in [
            Format::Envelope,
            Format::OpenAi,
            Format::Problem,
            Format::Google,
        ] {
            assert_eq!(body(format, Some("req_1")), body(format, None), "{format}");
            assert_eq!(body(format, None), Overloaded.to_json_as(format));
        }
    }

    #[test]
    fn a_static_message_is_cut_out_of_the_envelope() {
        let spec = Overloaded.spec().unwrap();
        assert_eq!(escaped_static_message(spec), Some("Overloaded"));
        let interpolated = ErrorSpec {
            envelope_json: "",
            ..*spec
        };
        assert_eq!(escaped_static_message(&interpolated), None);
        // Bytes that are not the envelope's layout are not trusted.
        let odd = ErrorSpec {
            envelope_json: r#"{"error":{"message":"Overloaded","kind":"overloaded_error","code":529}}"#,
            ..*spec
        };
        assert_eq!(escaped_static_message(&odd), None);
    }
}
