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
    /// The template of a derived message being written: its literal text is
    /// written from here, before each value and at the end.
    template: Option<TemplateText>,
}

/// The part of a template still to write.
enum TemplateText {
    /// The runs of literal text around the values, JSON-escaped, each preceded by
    /// its length in bytes as one `char` (prepared by the derive): copied as they
    /// are (into JSON, or into text when escaping changed nothing). The derive
    /// prepares the runs of the whole envelope: unless the envelope itself is
    /// written, `head` bytes are left out of the first run and `tail` bytes out of
    /// the last.
    Pieces {
        rest: &'static str,
        head: usize,
        tail: usize,
    },
    /// The template itself, read placeholder by placeholder (the names are
    /// wanted, or the text needs unescaping).
    Cursor {
        cursor: contract::Cursor<'static>,
        /// The literal text needs no JSON escaping.
        clean: bool,
    },
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
    #[inline]
    pub(crate) fn text_into(out: &'a mut String) -> Self {
        MessageWriter {
            target: Target::Text(out),
            template: None,
        }
    }

    /// A writer appending the message JSON-escaped (the inside of a JSON string).
    #[inline]
    pub(crate) fn json_into(out: &'a mut Vec<u8>) -> Self {
        MessageWriter {
            target: Target::Json(out),
            template: None,
        }
    }

    /// A writer appending only the interpolated values, as members `"name":"value"`
    /// of a JSON object (no braces, comma-separated), named after the placeholders
    /// of the message's template (see [`Names`]): Google's `ErrorInfo.metadata`.
    pub(crate) fn json_members_into(out: &'a mut Vec<u8>) -> Self {
        MessageWriter {
            target: Target::JsonMembers {
                out,
                names: Names::default(),
                count: 0,
            },
            template: None,
        }
    }

    /// A writer collecting only the interpolated values as `(name, value)` pairs,
    /// named as by [`json_members_into`](Self::json_members_into).
    pub(crate) fn pairs_into(out: &'a mut Vec<(String, String)>) -> Self {
        MessageWriter {
            target: Target::Pairs {
                out,
                names: Names::default(),
            },
            template: None,
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

    /// Starts writing a derived message from its `template`: its literal text is
    /// written by the writer itself, before each value and at
    /// [`end_template`](Self::end_template). `runs` is the text of its envelope
    /// as [`TemplateText::Pieces`] holds it (empty when the derive could not
    /// prepare it), of which the message leaves out `head` bytes at the start and
    /// `tail` at the end; `clean` tells whether escaping changed nothing.
    #[inline]
    pub(crate) fn begin_template(
        &mut self,
        template: &'static str,
        runs: &'static str,
        (head, tail): (usize, usize),
        clean: bool,
    ) {
        let pieces = TemplateText::Pieces {
            rest: runs,
            head,
            tail,
        };
        self.template = Some(match self.target {
            Target::Json(_) if !runs.is_empty() => pieces,
            Target::Text(_) if clean && !runs.is_empty() => pieces,
            _ => TemplateText::Cursor {
                cursor: contract::Cursor::new(template),
                clean,
            },
        });
    }

    /// Starts writing a whole envelope from its `runs` (see
    /// [`TemplateText::Pieces`]): into JSON only.
    #[inline]
    pub(crate) fn begin_envelope(&mut self, runs: &'static str) {
        self.template = Some(TemplateText::Pieces {
            rest: runs,
            head: 0,
            tail: 0,
        });
    }

    /// Writes what is left of the template's text.
    #[inline]
    pub(crate) fn end_template(&mut self) {
        loop {
            let more = match &self.template {
                Some(TemplateText::Pieces { rest, .. }) => !rest.is_empty(),
                Some(TemplateText::Cursor { .. }) => self.next_placeholder().is_some(),
                None => false,
            };
            if !more {
                break;
            }
            if matches!(self.template, Some(TemplateText::Pieces { .. })) {
                self.next_placeholder();
            }
        }
        self.template = None;
    }

    /// Writes the template's text up to the next placeholder and returns its name;
    /// `None` without a template or past its last placeholder.
    #[inline]
    fn next_placeholder(&mut self) -> Option<&'static str> {
        let MessageWriter { target, template } = self;
        match template.as_mut()? {
            TemplateText::Pieces { rest, head, tail } => {
                // Most runs are shorter than 128 bytes: their length is one ASCII byte.
                let (length, width) = match rest.as_bytes().first()? {
                    &byte if byte < 0x80 => (usize::from(byte), 1),
                    _ => {
                        let length = rest.chars().next()?;
                        (length as usize, length.len_utf8())
                    }
                };
                let run = &rest[width..];
                let end = length.min(run.len());
                let (mut piece, after) = match (run.get(..end), run.get(end..)) {
                    (Some(piece), Some(after)) => (piece, after),
                    _ => (run, ""),
                };
                *rest = after;
                // The envelope's head opens the first run, its tail closes the last.
                if *head > 0 {
                    piece = piece.get(*head..).unwrap_or_default();
                    *head = 0;
                }
                if after.is_empty() && *tail > 0 {
                    piece = piece
                        .get(..piece.len().saturating_sub(*tail))
                        .unwrap_or_default();
                }
                match target {
                    Target::Text(out) => out.push_str(piece),
                    Target::Json(out) => out.extend_from_slice(piece.as_bytes()),
                    Target::JsonMembers { .. } | Target::Pairs { .. } => {}
                }
                None
            }
            TemplateText::Cursor { cursor, clean } => {
                let clean = *clean;
                cursor.next_placeholder(|piece| match target {
                    Target::Text(out) => out.push_str(piece),
                    Target::Json(out) if clean => out.extend_from_slice(piece.as_bytes()),
                    Target::Json(out) => contract::escape_into(out, piece),
                    Target::JsonMembers { .. } | Target::Pairs { .. } => {}
                })
            }
        }
    }

    /// Literal text of the message.
    #[inline]
    pub fn text(&mut self, text: &str) {
        match &mut self.target {
            Target::Text(out) => out.push_str(text),
            Target::Json(out) => contract::escape_into(out, text),
            Target::JsonMembers { .. } | Target::Pairs { .. } => {}
        }
    }

    /// An interpolated value, already text.
    #[inline]
    pub fn arg_str(&mut self, value: &str) {
        let placeholder = self.next_placeholder();
        match &mut self.target {
            Target::Text(out) => out.push_str(value),
            Target::Json(out) => contract::escape_into(out, value),
            Target::JsonMembers { out, names, count } => {
                if let Some(name) = names.next(placeholder) {
                    open_member(out, name, count);
                    contract::escape_into(out, value);
                    out.push(b'"');
                }
            }
            Target::Pairs { out, names } => {
                if let Some(name) = names.next(placeholder) {
                    out.push((name.to_string(), value.to_owned()));
                }
            }
        }
    }

    /// An interpolated value, formatted: `out.arg_fmt(format_args!("{:.1}", x))`.
    pub fn arg_fmt(&mut self, args: fmt::Arguments<'_>) {
        let placeholder = self.next_placeholder();
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
                if let Some(name) = names.next(placeholder) {
                    open_member(out, name, count);
                    let _ =
                        fmt::Write::write_fmt(&mut crate::json::JsonStringWriter::new(out), args);
                    out.push(b'"');
                }
            }
            Target::Pairs { out, names } => {
                if let Some(name) = names.next(placeholder) {
                    let mut value = String::new();
                    let _ = fmt::Write::write_fmt(&mut value, args);
                    out.push((name.to_string(), value));
                }
            }
        }
    }

    /// An interpolated integer, in decimal (`negative` and its magnitude).
    #[inline]
    pub(crate) fn arg_integer(&mut self, negative: bool, magnitude: u128) {
        let placeholder = self.next_placeholder();
        let mut buffer = [0u8; 40];
        let digits = decimal(&mut buffer, negative, magnitude);
        // Only ASCII digits and `-`: no JSON escaping.
        match &mut self.target {
            Target::Text(out) => out.push_str(core::str::from_utf8(digits).unwrap_or_default()),
            Target::Json(out) => out.extend_from_slice(digits),
            Target::JsonMembers { out, names, count } => {
                if let Some(name) = names.next(placeholder) {
                    open_member(out, name, count);
                    out.extend_from_slice(digits);
                    out.push(b'"');
                }
            }
            Target::Pairs { out, names } => {
                if let Some(name) = names.next(placeholder) {
                    let value = core::str::from_utf8(digits).unwrap_or_default().to_owned();
                    out.push((name.to_string(), value));
                }
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
/// template (the writer reads them as it writes the template's text); values
/// without a placeholder (a hand-written `write_message`, which has no template)
/// are named by their position, `"0"` for the first. A value whose placeholder's
/// name came earlier (`{x} or {x:?}`) is left out: the first stands for the field,
/// and names stay unique.
#[derive(Default)]
struct Names {
    /// How many values have been named so far.
    position: usize,
    /// The placeholders' names so far (the first [`REMEMBERED`]).
    earlier: [&'static str; REMEMBERED],
    /// More names than [`REMEMBERED`], rarely.
    more: Vec<&'static str>,
}

/// How many placeholder names [`Names`] keeps without allocating.
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
    /// The name of the next value, whose placeholder is named `placeholder` (if
    /// it has one); `None` when it is left out.
    fn next(&mut self, placeholder: Option<&'static str>) -> Option<Name<'static>> {
        let position = self.position;
        self.position += 1;
        let Some(name) = placeholder else {
            return Some(Name::Position(position));
        };
        let count = position.min(REMEMBERED);
        let repeated = self.earlier[..count].contains(&name) || self.more.contains(&name);
        match self.earlier.get_mut(position) {
            Some(slot) => *slot = name,
            None => self.more.push(name),
        }
        (!repeated).then_some(Name::Given(name))
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
    fn a_template_writes_its_own_text_around_the_values() {
        let mut text = String::new();
        let mut writer = MessageWriter::text_into(&mut text);
        writer.begin_template(
            "a {x} {{b}} {y:>3}!",
            "\u{4}<<a \u{5} {b} \u{2}!>",
            (2, 1),
            true,
        );
        writer.arg_str("1");
        writer.arg_fmt(format_args!("{:>3}", 2));
        writer.end_template();
        assert_eq!(text, "a 1 {b}   2!");

        let mut json = Vec::new();
        let mut writer = MessageWriter::json_into(&mut json);
        writer.begin_template("say \"{0}\"\n", "\u{6}say \\\"\u{4}\\\"\\n", (0, 0), false);
        writer.arg_integer(true, 5);
        writer.end_template();
        assert_eq!(json, br#"say \"-5\"\n"#);
    }

    #[test]
    fn repeated_names_are_left_out_past_the_remembered_ones() {
        let template = "{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}{a}{j}{k}";
        let mut out = Vec::new();
        let mut writer = MessageWriter::json_members_into(&mut out);
        writer.begin_template(template, "", (0, 0), true);
        for value in [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
        ] {
            writer.arg_str(value);
        }
        writer.end_template();
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
