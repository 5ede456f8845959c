//! [`Format`]: the wire formats an error can be rendered in.

use core::fmt;

use crate::{contract, ApiError};

/// A wire format for error bodies.
///
/// Every format carries the same declaration; the status and `Retry-After` of a
/// response are the same in all of them.
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
    /// The API's own envelope: `{"error":{"message":…,"type":…,"code":<status>}}`.
    #[default]
    Envelope,
    /// OpenAI's: `{"error":{"message":…,"type":…,"param":…,"code":…}}`.
    OpenAi,
    /// Anthropic's: `{"type":"error","error":{"type":…,"message":…}}`.
    Anthropic,
    /// RFC 9457 problem details (`application/problem+json`).
    Problem,
    /// Google's AIP-193: `{"error":{"code":…,"message":…,"status":…,"details":[…]}}`.
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
/// that have a place for it (Anthropic's `request_id`).
pub(crate) fn write<E: ApiError + ?Sized>(
    error: &E,
    format: Format,
    request_id: Option<&str>,
    out: &mut Vec<u8>,
) {
    let _ = request_id;
    match format {
        // The other formats are rendered by the wire-formats work (issue 10).
        Format::Envelope
        | Format::OpenAi
        | Format::Anthropic
        | Format::Problem
        | Format::Google => {
            write_envelope(error, out);
        }
    }
}

/// The envelope: `{"error":{"message":…,"type":…,"code":…}}`.
fn write_envelope<E: ApiError + ?Sized>(error: &E, out: &mut Vec<u8>) {
    if let Some(json) = error.spec().map(|spec| spec.envelope_json) {
        if !json.is_empty() {
            out.extend_from_slice(json.as_bytes());
            return;
        }
    }
    out.extend_from_slice(contract::ENVELOPE_HEAD.as_bytes());
    error.write_message(&mut crate::MessageWriter::json_into(out));
    contract::write_envelope_tail(out, error.error_type(), error.status().as_u16());
}
