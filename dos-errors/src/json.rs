//! JSON writing: string escaping identical to `serde_json`'s, at run time and in `const` context.
//!
//! The escaping rules and the envelope's layout are defined once, in the contract
//! that both this crate and the derive compile; everything here applies them.

use core::fmt;

use crate::contract::{self, escape_kind, HEX};

pub use crate::contract::escape_into;

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

/// Appends the compact JSON of an error envelope; the same bytes as serde_json.
///
/// ```
/// let mut out = Vec::new();
/// dos_errors::json::write_envelope(&mut out, "No \"credits\"", "insufficient_credits_error", 402);
/// assert_eq!(out, br#"{"error":{"message":"No \"credits\"","type":"insufficient_credits_error","code":402}}"#);
/// ```
pub fn write_envelope(out: &mut Vec<u8>, message: &str, error_type: &str, code: u16) {
    contract::write_envelope(out, message, error_type, code);
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

/// The parts of an envelope in order, each with whether it is escaped; without a
/// message, only the parts of its tail (the others are empty).
const fn parts<'a>(
    message: Option<&'a str>,
    error_type: &'a str,
    digits: &'a [u8],
) -> [(&'a [u8], bool); 7] {
    let (head, message) = match message {
        Some(message) => (contract::ENVELOPE_HEAD.as_bytes(), message.as_bytes()),
        None => (b"".as_slice(), b"".as_slice()),
    };
    [
        (head, false),
        (message, true),
        (contract::ENVELOPE_TYPE.as_bytes(), false),
        (error_type.as_bytes(), true),
        (contract::ENVELOPE_CODE.as_bytes(), false),
        (digits, false),
        (contract::ENVELOPE_END.as_bytes(), false),
    ]
}

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
                len += match escape_kind(bytes[index]) {
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
    let mut out = [0u8; N];
    let mut at = 0;
    let mut part = 0;
    while part < parts.len() {
        let (bytes, escape) = parts[part];
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            let kind = if escape { escape_kind(byte) } else { 0 };
            let len = match kind {
                0 => 1,
                b'u' => 6,
                _ => 2,
            };
            if at + len > N {
                panic!("{}", wrong_len);
            }
            match kind {
                0 => out[at] = byte,
                b'u' => {
                    out[at] = b'\\';
                    out[at + 1] = b'u';
                    out[at + 2] = b'0';
                    out[at + 3] = b'0';
                    out[at + 4] = HEX[(byte >> 4) as usize];
                    out[at + 5] = HEX[(byte & 0xF) as usize];
                }
                kind => {
                    out[at] = b'\\';
                    out[at + 1] = kind;
                }
            }
            at += len;
            index += 1;
        }
        part += 1;
    }
    if at != N {
        panic!("{}", wrong_len);
    }
    out
}

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
/// context; the same bytes as [`write_envelope`].
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
        contract::write_envelope_tail(&mut out, TYPE, 503);
        assert_eq!(TAIL, out.as_slice());
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

    #[test]
    fn every_byte_escapes_as_serde_json_does() {
        for byte in 0..0x80u8 {
            let text = format!("a{}b", char::from(byte));
            let mut out = Vec::new();
            escape_into(&mut out, &text);
            let serde = serde_json::to_vec(&text).unwrap();
            assert_eq!(out, serde[1..serde.len() - 1], "{byte:#x}");
            assert_eq!(contract::needs_no_escape(&text), out == text.as_bytes());
        }
    }
}
