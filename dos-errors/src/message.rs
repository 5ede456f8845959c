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
/// the template's placeholders (by position, `"0"`, `"1"`…, for a hand-written
/// `write_message`), each valued by the text its placeholder produced. A derived error writes its template this way; a
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
enum Target<'a> {
    /// The message as text.
    Text(&'a mut String),
    /// The message as the inside of a JSON string.
    Json(&'a mut Vec<u8>),
    /// Only the interpolated values, as members `"name":"value"` of a JSON object
    /// (without the braces): see [`MessageWriter::json_members_into`].
    JsonMembers {
        out: &'a mut Vec<u8>,
        names: Names,
        count: usize,
    },
    /// Only the interpolated values, as `(name, value)` pairs.
    Pairs {
        out: &'a mut Vec<(String, String)>,
        names: Names,
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
    /// of `template` (see [`Names`]): Google's `ErrorInfo.metadata`.
    pub(crate) fn json_members_into(out: &'a mut Vec<u8>, template: &'static str) -> Self {
        MessageWriter {
            target: Target::JsonMembers {
                out,
                names: Names::new(template),
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
                names: Names::new(template),
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
                if let Some(name) = names.next() {
                    open_member(out, name, count);
                    contract::escape_into(out, value);
                    out.push(b'"');
                }
            }
            Target::Pairs { out, names } => {
                if let Some(name) = names.next() {
                    out.push((name.to_string(), value.to_owned()));
                }
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
                if let Some(name) = names.next() {
                    open_member(out, name, count);
                    let _ =
                        fmt::Write::write_fmt(&mut crate::json::JsonStringWriter::new(out), args);
                    out.push(b'"');
                }
            }
            Target::Pairs { out, names } => {
                if let Some(name) = names.next() {
                    let mut value = String::new();
                    let _ = fmt::Write::write_fmt(&mut value, args);
                    out.push((name.to_string(), value));
                }
            }
        }
    }

    /// An interpolated integer, in decimal (`negative` and its magnitude).
    pub(crate) fn arg_integer(&mut self, negative: bool, magnitude: u128) {
        let mut buffer = [0u8; 40];
        let digits = decimal(&mut buffer, negative, magnitude);
        // Digits need no JSON escaping.
        match &mut self.target {
            Target::Json(out) => out.extend_from_slice(digits),
            Target::JsonMembers { out, names, count } => {
                if let Some(name) = names.next() {
                    open_member(out, name, count);
                    out.extend_from_slice(digits);
                    out.push(b'"');
                }
            }
            Target::Text(_) | Target::Pairs { .. } => {
                // Only ASCII digits and `-` were written.
                self.arg_str(core::str::from_utf8(digits).unwrap_or_default());
            }
        }
    }

    /// A value of the message's metadata that its text does not show (it is
    /// already in the text, or there is no template to name it): nothing for the
    /// text and JSON targets, a member or pair named `name` for the others. A
    /// decoded response uses it to give back the metadata it received, a catalogue
    /// example to name its placeholders.
    pub(crate) fn metadata_entry(&mut self, name: &str, value: &str) {
        match &mut self.target {
            Target::Text(_) | Target::Json(_) => {}
            Target::JsonMembers { out, count, .. } => {
                open_member(out, Name::Given(name), count);
                contract::escape_into(out, value);
                out.push(b'"');
            }
            Target::Pairs { out, .. } => out.push((name.to_owned(), value.to_owned())),
        }
    }
}

/// Names the interpolated values of a message after the placeholders of its
/// template, in order; values past its placeholders (a hand-written
/// `write_message`, which has no template) are named by their position, `"0"` for
/// the first. A value whose placeholder's name came earlier (`{x} or {x:?}`) is
/// left out: the first stands for the field, and names stay unique.
struct Names {
    template: &'static str,
    /// The part of the template after the placeholders named so far.
    rest: &'static str,
    /// How many values have been named so far.
    position: usize,
    /// The placeholders' names so far (the first [`REMEMBERED`]), to tell a
    /// repeated name without reading the template again.
    earlier: [&'static str; REMEMBERED],
}

/// How many placeholder names [`Names`] remembers; past them, it reads the
/// template again to tell repeats.
const REMEMBERED: usize = 8;

/// The name of a member.
#[derive(Clone, Copy)]
enum Name<'a> {
    Given(&'a str),
    Position(usize),
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Given(name) => f.write_str(name),
            Name::Position(position) => write!(f, "{position}"),
        }
    }
}

impl Names {
    fn new(template: &'static str) -> Self {
        Names {
            template,
            rest: template,
            position: 0,
            earlier: [""; REMEMBERED],
        }
    }

    /// The name of the next value, `None` when it is left out.
    fn next(&mut self) -> Option<Name<'static>> {
        let position = self.position;
        self.position += 1;
        let Some(name) = next_placeholder(&mut self.rest) else {
            return Some(Name::Position(position));
        };
        let repeated = match self.earlier.get_mut(position) {
            Some(slot) => {
                *slot = name;
                self.earlier[..position].contains(&name)
            }
            None => contract::placeholder_names(self.template)
                .take(position)
                .any(|earlier| earlier == name),
        };
        (!repeated).then_some(Name::Given(name))
    }
}

/// The name of the next placeholder of a valid template (one the derive
/// accepted), and `rest` moved past it: the names
/// [`contract::placeholder_names`] reads, found with a byte scan instead of a
/// full parse, because Google's format names values on every response.
fn next_placeholder<'t>(rest: &mut &'t str) -> Option<&'t str> {
    loop {
        let open = rest.find('{')?;
        let after = &rest[open + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            *rest = escaped;
            continue;
        }
        let close = after.find('}').unwrap_or(after.len());
        let inside = &after[..close];
        *rest = after.get(close + 1..).unwrap_or("");
        let name = inside.split(':').next().unwrap_or_default().trim();
        return Some(name.strip_prefix("r#").unwrap_or(name));
    }
}

/// Starts the member of the next value: `,"name":"`.
fn open_member(out: &mut Vec<u8>, name: Name<'_>, count: &mut usize) {
    if *count > 0 {
        out.push(b',');
    }
    out.push(b'"');
    match name {
        Name::Given(name) => contract::escape_into(out, name),
        Name::Position(position) => {
            let mut buffer = [0u8; 40];
            out.extend_from_slice(decimal(&mut buffer, false, position as u128));
        }
    }
    out.extend_from_slice(b"\":\"");
    *count += 1;
}

/// The decimal digits of `magnitude`, after a `-` when `negative`, written at the
/// end of `buffer` (40 bytes hold any `u128`): ASCII.
fn decimal(buffer: &mut [u8; 40], negative: bool, magnitude: u128) -> &[u8] {
    let mut at = buffer.len();
    // 128-bit division is a library call: most values fit 64 bits.
    match u64::try_from(magnitude) {
        Ok(mut rest) => loop {
            at -= 1;
            buffer[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        },
        Err(_) => {
            let mut rest = magnitude;
            loop {
                at -= 1;
                buffer[at] = b'0' + (rest % 10) as u8;
                rest /= 10;
                if rest == 0 {
                    break;
                }
            }
        }
    }
    if negative {
        at -= 1;
        buffer[at] = b'-';
    }
    &buffer[at..]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_the_placeholders_the_contract_reads() {
        for template in [
            "",
            "no placeholders }} {{",
            "{a} and {b:>5} {{c}} {r#type:?} { d } {0}",
            "{{{x}}}",
            "{x:{{}",
            "{x:#010.3e}{y}",
            "{unclosed",
            "é{é}€{€:x}",
        ] {
            let mut rest = template;
            let scanned: Vec<&str> = std::iter::from_fn(|| next_placeholder(&mut rest)).collect();
            let parsed: Vec<&str> = contract::placeholder_names(template).collect();
            if contract::template(template).all(|piece| piece.is_ok()) {
                assert_eq!(scanned, parsed, "{template:?}");
            }
        }
    }

    #[test]
    fn repeated_names_are_left_out_past_the_remembered_ones() {
        let template = "{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}{a}{j}{k}";
        let mut out = Vec::new();
        let mut writer = MessageWriter::json_members_into(&mut out, template);
        for value in [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
        ] {
            writer.arg_str(value);
        }
        assert_eq!(writer.count(), 12);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10","k":"13","13":"14""#
        );
    }

    #[test]
    fn integers_of_any_width() {
        for (negative, magnitude, expected) in [
            (false, 0, "0"),
            (true, 7, "-7"),
            (false, u128::from(u64::MAX), "18446744073709551615"),
            (false, u128::from(u64::MAX) + 1, "18446744073709551616"),
            (true, u128::MAX, "-340282366920938463463374607431768211455"),
        ] {
            let mut buffer = [0u8; 40];
            assert_eq!(
                decimal(&mut buffer, negative, magnitude),
                expected.as_bytes()
            );
        }
    }
}
