//! [`MessageWriter`]: where an error writes its public message, piece by piece.

use core::fmt;

use crate::contract;

/// Receives an error's public message piece by piece: literal text, and the
/// values interpolated into it.
///
/// [`ApiError::write_message`](crate::ApiError::write_message) writes into one.
/// The same pieces become the message as a `String`, the JSON-escaped message of
/// every wire format, and — because interpolated values are told apart from the
/// text around them — the metadata of Google's `ErrorInfo`, keyed by the names of
/// the template's placeholders. A derived error writes its template this way; a
/// hand-written one that overrides `write_message` gets the same benefits.
///
/// Writing never fails. `MessageWriter` also implements [`fmt::Write`], so `write!`
/// appends literal text.
///
/// ```
/// use std::borrow::Cow;
/// use dos_errors::{ApiError, MessageWriter, Status};
///
/// struct TooLong { limit: usize }
///
/// impl ApiError for TooLong {
///     fn status(&self) -> Status { Status::BAD_REQUEST }
///     fn error_type(&self) -> &str { "invalid_request_error" }
///     fn message(&self) -> Cow<'_, str> { dos_errors::message_of(self) }
///     fn write_message(&self, out: &mut MessageWriter<'_>) {
///         out.text("Prompts are limited to ");
///         out.arg_fmt(format_args!("{}", self.limit));
///         out.text(" tokens");
///     }
/// }
///
/// assert_eq!(TooLong { limit: 8192 }.message(), "Prompts are limited to 8192 tokens");
/// ```
pub struct MessageWriter<'a> {
    target: Target<'a>,
}

/// What the pieces become.
// The members and pairs targets serve the Google format and gRPC details.
#[allow(dead_code)]
enum Target<'a> {
    /// The message as text.
    Text(&'a mut String),
    /// The message as the inside of a JSON string.
    Json(&'a mut Vec<u8>),
    /// Only the interpolated values, as members `"name":"value"` of a JSON object
    /// (without the braces), named by `names` in order (by position past its end).
    JsonMembers {
        out: &'a mut Vec<u8>,
        names: contract::Template<'static>,
        count: usize,
    },
    /// Only the interpolated values, as `(name, value)` pairs.
    Pairs {
        out: &'a mut Vec<(String, String)>,
        names: contract::Template<'static>,
    },
}

impl fmt::Debug for MessageWriter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match self.target {
            Target::Text(_) => "text",
            Target::Json(_) => "json",
            Target::JsonMembers { .. } => "json members",
            Target::Pairs { .. } => "pairs",
        };
        f.debug_struct("MessageWriter")
            .field("target", &target)
            .finish()
    }
}

#[allow(dead_code)]
impl<'a> MessageWriter<'a> {
    /// A writer appending the message as text.
    pub(crate) fn text_into(out: &'a mut String) -> Self {
        MessageWriter {
            target: Target::Text(out),
        }
    }

    /// A writer appending the message JSON-escaped (the inside of a JSON string).
    pub(crate) fn json_into(out: &'a mut Vec<u8>) -> Self {
        MessageWriter {
            target: Target::Json(out),
        }
    }

    /// A writer appending only the interpolated values, as members `"name":"value"`
    /// of a JSON object (no braces, comma-separated), named after the placeholders
    /// of `template`; values past its placeholders are named by their position.
    pub(crate) fn json_members_into(out: &'a mut Vec<u8>, template: &'static str) -> Self {
        MessageWriter {
            target: Target::JsonMembers {
                out,
                names: contract::template(template),
                count: 0,
            },
        }
    }

    /// A writer collecting only the interpolated values as `(name, value)` pairs,
    /// named as by [`json_members_into`](Self::json_members_into).
    pub(crate) fn pairs_into(out: &'a mut Vec<(String, String)>, template: &'static str) -> Self {
        MessageWriter {
            target: Target::Pairs {
                out,
                names: contract::template(template),
            },
        }
    }

    /// How many JSON members a [`json_members_into`](Self::json_members_into)
    /// writer has written (0 for other writers).
    #[must_use]
    pub(crate) fn count(&self) -> usize {
        match self.target {
            Target::JsonMembers { count, .. } => count,
            _ => 0,
        }
    }

    /// Literal text of the message.
    pub fn text(&mut self, text: &str) {
        match &mut self.target {
            Target::Text(out) => out.push_str(text),
            Target::Json(out) => contract::escape_into(out, text),
            Target::JsonMembers { .. } | Target::Pairs { .. } => {}
        }
    }

    /// Literal text known to need no JSON escaping (checked by the derive).
    pub(crate) fn clean_text(&mut self, text: &str) {
        match &mut self.target {
            Target::Text(out) => out.push_str(text),
            Target::Json(out) => out.extend_from_slice(text.as_bytes()),
            Target::JsonMembers { .. } | Target::Pairs { .. } => {}
        }
    }

    /// An interpolated value, already text.
    pub fn arg_str(&mut self, value: &str) {
        match &mut self.target {
            Target::Text(out) => out.push_str(value),
            Target::Json(out) => contract::escape_into(out, value),
            Target::JsonMembers { out, names, count } => {
                open_member(out, names, count);
                contract::escape_into(out, value);
                out.push(b'"');
            }
            Target::Pairs { out, names } => {
                let name = next_name(names, out.len());
                out.push((name, value.to_owned()));
            }
        }
    }

    /// An interpolated value, formatted: `out.arg_fmt(format_args!("{:.1}", x))`.
    pub fn arg_fmt(&mut self, args: fmt::Arguments<'_>) {
        // Writing into memory cannot fail; a Display impl returning an error leaves
        // what it wrote, and the JSON stays well-formed.
        match &mut self.target {
            Target::Text(out) => {
                let _ = fmt::Write::write_fmt(*out, args);
            }
            Target::Json(out) => {
                let _ = fmt::Write::write_fmt(&mut crate::json::JsonStringWriter::new(out), args);
            }
            Target::JsonMembers { out, names, count } => {
                open_member(out, names, count);
                let _ = fmt::Write::write_fmt(&mut crate::json::JsonStringWriter::new(out), args);
                out.push(b'"');
            }
            Target::Pairs { out, names } => {
                let name = next_name(names, out.len());
                let mut value = String::new();
                let _ = fmt::Write::write_fmt(&mut value, args);
                out.push((name, value));
            }
        }
    }

    /// An interpolated integer, in decimal (`negative` and its magnitude).
    pub(crate) fn arg_integer(&mut self, negative: bool, magnitude: u128) {
        let mut buffer = [0u8; 40];
        let mut at = buffer.len();
        let mut rest = magnitude;
        loop {
            at -= 1;
            buffer[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if negative {
            at -= 1;
            buffer[at] = b'-';
        }
        // Only ASCII digits and `-` were written.
        let digits = core::str::from_utf8(&buffer[at..]).unwrap_or_default();
        match &mut self.target {
            Target::Json(out) => out.extend_from_slice(digits.as_bytes()),
            _ => self.arg_str(digits),
        }
    }
}

/// Starts the member of the next value: `,"name":"`.
fn open_member(out: &mut Vec<u8>, names: &mut contract::Template<'static>, count: &mut usize) {
    if *count > 0 {
        out.push(b',');
    }
    out.push(b'"');
    match next_placeholder(names) {
        Some(name) => contract::escape_into(out, name),
        None => contract::escape_into(out, &count.to_string()),
    }
    out.extend_from_slice(b"\":\"");
    *count += 1;
}

/// The name of the next value: its placeholder's, or its position.
fn next_name(names: &mut contract::Template<'static>, position: usize) -> String {
    next_placeholder(names).map_or_else(|| position.to_string(), str::to_owned)
}

fn next_placeholder(names: &mut contract::Template<'static>) -> Option<&'static str> {
    names.find_map(|piece| match piece {
        Ok(contract::Piece::Arg { name, .. }) => Some(name),
        _ => None,
    })
}

impl fmt::Write for MessageWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.text(text);
        Ok(())
    }
}

/// The public message of `error` built from its [`write_message`](crate::ApiError::write_message):
/// what a hand-written [`ApiError::message`](crate::ApiError::message) returns when
/// it overrides `write_message` (only then: the default `write_message` calls
/// `message`).
pub fn message_of<E: crate::ApiError + ?Sized>(error: &E) -> std::borrow::Cow<'static, str> {
    let mut text = String::new();
    error.write_message(&mut MessageWriter::text_into(&mut text));
    std::borrow::Cow::Owned(text)
}
