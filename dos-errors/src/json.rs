//! JSON writing: string escaping identical to `serde_json`'s, at run time and in `const` context.
//!
//! Derived code escapes interpolated text with [`JsonStringWriter`] while it is
//! formatted, and takes the envelopes of status defaults from tables this module
//! builds once, at compile time, with its `const fn`s. (Static messages are escaped
//! by the derive itself, by the same rules; tests pin both to `serde_json`.) So
//! derived output is byte-for-byte what `serde_json::to_vec(&error.to_envelope())`
//! would produce.

use core::fmt;

/// How one byte is written inside a JSON string: `0` means as itself, anything else
/// is the character after the backslash (`u` for a `\u00XX` escape).
///
/// The one definition of JSON escaping. A macro, so the compile-time encoders below
/// use it inline: the compile-time interpreter pays for every call, and copies a
/// whole `const` array each time it indexes one, so they avoid both.
macro_rules! escape_kind {
    ($byte:expr) => {
        match $byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0A => b'n',
            0x0C => b'f',
            0x0D => b'r',
            0x00..=0x1F => b'u',
            _ => 0,
        }
    };
}

/// [`escape_kind!`] of every byte, for the run-time writer.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = escape_kind!(byte as u8);
        byte += 1;
    }
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The escape sequence of `byte` (up to 6 bytes) and its length; length 0 means no escape.
fn escape_sequence(byte: u8) -> ([u8; 6], usize) {
    match ESCAPE[byte as usize] {
        0 => ([0; 6], 0),
        b'u' => (
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 0xF) as usize],
            ],
            6,
        ),
        short => ([b'\\', short, 0, 0, 0, 0], 2),
    }
}

/// Appends `text` to `out` as the inside of a JSON string (without the quotes).
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    loop {
        let clean = clean_prefix_len(rest);
        out.extend_from_slice(&rest[..clean]);
        let Some((&byte, after)) = rest[clean..].split_first() else {
            return;
        };
        let (sequence, len) = escape_sequence(byte);
        out.extend_from_slice(&sequence[..len]);
        rest = after;
    }
}

/// How many bytes at the start of `bytes` need no escape.
#[inline]
fn clean_prefix_len(bytes: &[u8]) -> usize {
    // Most text needs no escape: test eight bytes at a time, then find the
    // escape in the word that has one, or check the last few bytes one by one.
    let mut index = 0;
    while let Some(word) = bytes.get(index..index + 8) {
        if any_needs_escape(word) {
            break;
        }
        index += 8;
    }
    while let Some(&byte) = bytes.get(index) {
        if ESCAPE[byte as usize] != 0 {
            break;
        }
        index += 1;
    }
    index
}

/// Whether any of the eight bytes of `word` is a control character, `"` or `\`.
/// Exact: each test below sets a high bit iff some byte matches (a borrow may mark
/// more bytes, but only above a match).
#[inline(always)]
fn any_needs_escape(word: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const fn has_zero_byte(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word
    }
    let word = u64::from_le_bytes([
        word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
    ]);
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = has_zero_byte(word ^ (ONES * b'"' as u64));
    let backslash = has_zero_byte(word ^ (ONES * b'\\' as u64));
    (control | quote | backslash) & HIGHS != 0
}

/// A [`fmt::Write`] that JSON-escapes everything written to it into a byte buffer.
///
/// ```
/// use core::fmt::Write;
/// use dos_errors::json::JsonStringWriter;
///
/// let mut out = Vec::new();
/// write!(JsonStringWriter::new(&mut out), "say \"{}\"\n", "hi").unwrap();
/// assert_eq!(out, br#"say \"hi\"\n"#);
/// ```
#[derive(Debug)]
pub struct JsonStringWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> JsonStringWriter<'a> {
    /// A writer appending escaped text to `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        JsonStringWriter { out }
    }
}

impl fmt::Write for JsonStringWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        escape_into(self.out, text);
        Ok(())
    }
}

/// Appends the decimal digits of `value`.
fn push_u16(out: &mut Vec<u8>, value: u16) {
    let (digits, len) = u16_digits(value);
    out.extend_from_slice(&digits[5 - len..]);
}

/// The decimal digits of `value`, right-aligned in 5 bytes, and how many there are.
const fn u16_digits(mut value: u16) -> ([u8; 5], usize) {
    let mut digits = [b'0'; 5];
    let mut len = 0;
    loop {
        digits[4 - len] = b'0' + (value % 10) as u8;
        len += 1;
        value /= 10;
        if value == 0 {
            return (digits, len);
        }
    }
}

const ENVELOPE_HEAD: &[u8] = br#"{"error":{"message":""#;
const ENVELOPE_TYPE: &[u8] = br#"","type":""#;
const ENVELOPE_CODE: &[u8] = br#"","code":"#;
const ENVELOPE_TAIL: &[u8] = b"}}";

/// Appends the compact JSON of an error envelope; the same bytes as serde_json.
pub fn write_envelope(out: &mut Vec<u8>, message: &str, error_type: &str, code: u16) {
    out.reserve(ENVELOPE_HEAD.len() + message.len() + error_type.len() + 24);
    out.extend_from_slice(ENVELOPE_HEAD);
    escape_into(out, message);
    write_envelope_tail(out, error_type, code);
}

/// Appends everything after the message: `","type":"…","code":…}}`.
pub(crate) fn write_envelope_tail(out: &mut Vec<u8>, error_type: &str, code: u16) {
    out.extend_from_slice(ENVELOPE_TYPE);
    escape_into(out, error_type);
    out.extend_from_slice(ENVELOPE_CODE);
    push_u16(out, code);
    out.extend_from_slice(ENVELOPE_TAIL);
}

/// Appends the start of an envelope, up to the opening quote of the message.
pub(crate) fn write_envelope_head(out: &mut Vec<u8>) {
    out.extend_from_slice(ENVELOPE_HEAD);
}

/// The parts of an envelope in order, each with whether it is escaped; without a
/// message, only the parts of its tail (the others are empty).
const fn parts<'a>(
    message: Option<&'a str>,
    error_type: &'a str,
    digits: &'a [u8],
) -> [(&'a [u8], bool); 7] {
    let (head, message) = match message {
        Some(message) => (ENVELOPE_HEAD, message.as_bytes()),
        None => (b"".as_slice(), b"".as_slice()),
    };
    [
        (head, false),
        (message, true),
        (ENVELOPE_TYPE, false),
        (error_type.as_bytes(), true),
        (ENVELOPE_CODE, false),
        (digits, false),
        (ENVELOPE_TAIL, false),
    ]
}

// The `const fn`s below run in the compile-time interpreter for every variant of
// every derived type, which makes them a large part of a derive's compile time: they
// do as little per byte as they can. Lengths are counted without writing, plain
// parts are copied without looking at their bytes.

/// The length of the encoded `parts`.
const fn encoded_len(parts: &[(&[u8], bool); 7]) -> usize {
    let mut len = 0;
    let mut part = 0;
    while part < parts.len() {
        let (bytes, escape) = parts[part];
        len += bytes.len();
        if escape {
            let mut index = 0;
            while index < bytes.len() {
                len += match escape_kind!(bytes[index]) {
                    0 => 0,
                    b'u' => 5,
                    _ => 1,
                };
                index += 1;
            }
        }
        part += 1;
    }
    len
}

/// The encoded `parts` as an array of exactly `N` bytes. Panics (a compile-time
/// error in a `const`) unless `N` is their [`encoded_len`].
const fn encode<const N: usize>(parts: &[(&[u8], bool); 7], wrong_len: &str) -> [u8; N] {
    let (out, at) = encode_at([0u8; N], 0, parts, wrong_len);
    if at != N {
        panic!("{}", wrong_len);
    }
    out
}

/// Writes the encoded `parts` into `out` from `at` on; returns `out` and the end.
/// Panics if they do not fit.
const fn encode_at<const N: usize>(
    mut out: [u8; N],
    mut at: usize,
    parts: &[(&[u8], bool); 7],
    wrong_len: &str,
) -> ([u8; N], usize) {
    let mut part = 0;
    while part < parts.len() {
        let (bytes, escape) = parts[part];
        if at + bytes.len() > N {
            panic!("{}", wrong_len);
        }
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            match if escape { escape_kind!(byte) } else { 0 } {
                0 => {
                    out[at] = byte;
                    at += 1;
                }
                b'u' => {
                    if at + 6 > N {
                        panic!("{}", wrong_len);
                    }
                    out[at] = b'\\';
                    out[at + 1] = b'u';
                    out[at + 2] = b'0';
                    out[at + 3] = b'0';
                    out[at + 4] = HEX[(byte >> 4) as usize];
                    out[at + 5] = HEX[(byte & 0xF) as usize];
                    at += 6;
                }
                kind => {
                    if at + 2 > N {
                        panic!("{}", wrong_len);
                    }
                    out[at] = b'\\';
                    out[at + 1] = kind;
                    at += 2;
                }
            }
            index += 1;
        }
        part += 1;
    }
    (out, at)
}

/// The tails (see [`tail_bytes`]) of every error status with its default type,
/// built once here rather than once per derived variant, one after the other.
const DEFAULT_TAILS: [u8; DEFAULT_TAIL_ENDS[DEFAULT_TAIL_ENDS.len() - 1]] = {
    let mut out = [0u8; DEFAULT_TAIL_ENDS[DEFAULT_TAIL_ENDS.len() - 1]];
    let mut at = 0;
    let mut code = 400;
    while code <= 599 {
        let (digits, len) = u16_digits(code);
        let error_type = crate::status::from_checked(code).default_type();
        (out, at) = encode_at(
            out,
            at,
            &parts(None, error_type, digits.split_at(5 - len).1),
            "",
        );
        code += 1;
    }
    out
};

/// Where the tail of status `400 + i` ends in [`DEFAULT_TAILS`].
const DEFAULT_TAIL_ENDS: [usize; 200] = {
    let mut ends = [0; 200];
    let mut end = 0;
    let mut code = 400;
    while code <= 599 {
        end += tail_len(crate::status::from_checked(code).default_type(), code);
        ends[(code - 400) as usize] = end;
        code += 1;
    }
    ends
};

/// The whole envelope of every error status with its default message and type,
/// built once here, one after the other: derived variants that declare neither a
/// message nor a type write theirs from this table.
const DEFAULT_ENVELOPES: [u8; DEFAULT_ENVELOPE_ENDS[DEFAULT_ENVELOPE_ENDS.len() - 1]] = {
    let mut out = [0u8; DEFAULT_ENVELOPE_ENDS[DEFAULT_ENVELOPE_ENDS.len() - 1]];
    let mut at = 0;
    let mut code = 400;
    while code <= 599 {
        let (digits, len) = u16_digits(code);
        let status = crate::status::from_checked(code);
        (out, at) = encode_at(
            out,
            at,
            &parts(
                Some(status.default_message()),
                status.default_type(),
                digits.split_at(5 - len).1,
            ),
            "",
        );
        code += 1;
    }
    out
};

/// Where the envelope of status `400 + i` ends in [`DEFAULT_ENVELOPES`].
const DEFAULT_ENVELOPE_ENDS: [usize; 200] = {
    let mut ends = [0; 200];
    let mut end = 0;
    let mut code = 400;
    while code <= 599 {
        let status = crate::status::from_checked(code);
        end += envelope_len(status.default_message(), status.default_type(), code);
        ends[(code - 400) as usize] = end;
        code += 1;
    }
    ends
};

/// Cuts a table of 200 byte strings laid end to end into its entries.
const fn entries<const LEN: usize>(
    table: &'static [u8; LEN],
    ends: &[usize; 200],
) -> [&'static [u8]; 200] {
    let mut out: [&'static [u8]; 200] = [&[]; 200];
    let mut index = 0;
    while index < 200 {
        let start = if index == 0 { 0 } else { ends[index - 1] };
        out[index] = table.split_at(ends[index]).0.split_at(start).1;
        index += 1;
    }
    out
}

/// Entry `code - 400`: the envelope of `code` with its default message and type.
pub(crate) const DEFAULT_ENVELOPE: [&[u8]; 200] =
    entries(&DEFAULT_ENVELOPES, &DEFAULT_ENVELOPE_ENDS);

/// Entry `code - 400`: `","type":"<default type>","code":<code>}}`.
pub(crate) const DEFAULT_TAIL: [&[u8]; 200] = entries(&DEFAULT_TAILS, &DEFAULT_TAIL_ENDS);

/// The length of [`envelope_bytes`]'s result: used as its array length.
#[must_use]
pub const fn envelope_len(message: &str, error_type: &str, code: u16) -> usize {
    let (digits, len) = u16_digits(code);
    encoded_len(&parts(
        Some(message),
        error_type,
        digits.split_at(5 - len).1,
    ))
}

/// The complete compact JSON envelope as a byte array, computable in `const`
/// context (the runtime builds its per-status default envelopes with it); the same
/// bytes as [`write_envelope`].
///
/// `N` must be [`envelope_len`] of the same arguments; evaluating it in a `const`
/// with another `N` is a compile-time error.
///
/// ```
/// use dos_errors::json::{envelope_bytes, envelope_len};
///
/// const LEN: usize = envelope_len("Slow down \"please\"", "rate_limit_error", 429);
/// const JSON: [u8; LEN] = envelope_bytes("Slow down \"please\"", "rate_limit_error", 429);
/// assert_eq!(
///     &JSON,
///     br#"{"error":{"message":"Slow down \"please\"","type":"rate_limit_error","code":429}}"#
/// );
/// ```
#[must_use]
pub const fn envelope_bytes<const N: usize>(message: &str, error_type: &str, code: u16) -> [u8; N] {
    let (digits, len) = u16_digits(code);
    encode(
        &parts(Some(message), error_type, digits.split_at(5 - len).1),
        "envelope_bytes: N must be envelope_len(..)",
    )
}

/// The length of [`tail_bytes`]'s result.
#[must_use]
pub const fn tail_len(error_type: &str, code: u16) -> usize {
    let (digits, len) = u16_digits(code);
    encoded_len(&parts(None, error_type, digits.split_at(5 - len).1))
}

/// Everything after the message, `","type":"…","code":…}}`, computable in `const`
/// context.
///
/// `N` must be [`tail_len`] of the same arguments.
#[must_use]
pub const fn tail_bytes<const N: usize>(error_type: &str, code: u16) -> [u8; N] {
    let (digits, len) = u16_digits(code);
    encode(
        &parts(None, error_type, digits.split_at(5 - len).1),
        "tail_bytes: N must be tail_len(..)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_test_agrees_with_the_table_for_every_byte_and_position() {
        for filler in [b'a', 0x7F, 0x80, 0xFF, b'!', b'#', b'[', b']', 0x20] {
            for byte in 0..=255u8 {
                for position in 0..8 {
                    let mut word = [filler; 8];
                    word[position] = byte;
                    let expected = ESCAPE[byte as usize] != 0;
                    assert_eq!(any_needs_escape(&word), expected, "{word:?}");
                }
            }
        }
    }

    #[test]
    fn compile_time_envelopes_equal_run_time_ones() {
        const MESSAGE: &str = "quote \" backslash \\ nl \n bell \u{7} del \u{7f} é 😀";
        const TYPE: &str = "odd\ttype";
        const LEN: usize = envelope_len(MESSAGE, TYPE, 429);
        const JSON: [u8; LEN] = envelope_bytes(MESSAGE, TYPE, 429);
        const TAIL_LEN: usize = tail_len(TYPE, 503);
        const TAIL: [u8; TAIL_LEN] = tail_bytes(TYPE, 503);
        let mut out = Vec::new();
        write_envelope(&mut out, MESSAGE, TYPE, 429);
        assert_eq!(JSON, out.as_slice());
        out.clear();
        write_envelope_tail(&mut out, TYPE, 503);
        assert_eq!(TAIL, out.as_slice());
    }

    #[test]
    fn default_tables_hold_the_defaults_of_every_status() {
        for code in 400..=599 {
            let status = crate::status::from_checked(code);
            let mut out = Vec::new();
            write_envelope_tail(&mut out, status.default_type(), code);
            assert_eq!(DEFAULT_TAIL[usize::from(code - 400)], out.as_slice());
            out.clear();
            write_envelope(
                &mut out,
                status.default_message(),
                status.default_type(),
                code,
            );
            assert_eq!(DEFAULT_ENVELOPE[usize::from(code - 400)], out.as_slice());
        }
    }

    #[test]
    #[should_panic = "envelope_bytes: N must be envelope_len(..)"]
    fn a_longer_array_is_refused() {
        let _ = envelope_bytes::<80>("message \n", "type", 400);
    }

    #[test]
    #[should_panic = "tail_bytes: N must be tail_len(..)"]
    fn a_shorter_array_is_refused() {
        let _ = tail_bytes::<24>("type\u{1}", 400);
    }

    #[test]
    fn escapes_at_every_offset_of_the_word_loop() {
        for len in 0..20 {
            for at in 0..len {
                let mut text = "x".repeat(len);
                text.replace_range(at..=at, "\"\u{1}\\é");
                let mut out = Vec::new();
                escape_into(&mut out, &text);
                let serde = serde_json::to_vec(&text).unwrap();
                assert_eq!(out, serde[1..serde.len() - 1], "{text:?}");
            }
        }
    }
}
