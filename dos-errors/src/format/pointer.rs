//! Field paths (`messages[1].role`, the [`FieldViolation`](crate::FieldViolation)
//! notation) as RFC 6901 JSON pointers in URI fragment form (`#/messages/1/role`,
//! an RFC 9457 problem's `errors[].pointer`), and back.
//!
//! A path is a sequence of segments: names separated by `.`, and `[…]` holding an
//! index or a key (quotes around a key are dropped). In the pointer each segment
//! follows a `/`, with `~` written `~0` and `/` written `~1` (RFC 6901 §3), and
//! every byte a URI fragment cannot hold percent-encoded (RFC 6901 §6). Reading a
//! pointer back, a segment of digits becomes `[n]`, any other `.name`: a path of
//! names that are not all digits and of `[n]` indexes comes back as it was.

use std::borrow::Cow;

/// Appends the pointer of `field`, `#/…`: ASCII that needs no JSON escaping.
pub(crate) fn write(out: &mut Vec<u8>, field: &str) {
    out.push(b'#');
    for segment in segments(field) {
        out.push(b'/');
        for &byte in segment.as_bytes() {
            match byte {
                b'~' => out.extend_from_slice(b"~0"),
                b'/' => out.extend_from_slice(b"~1"),
                byte if is_fragment_byte(byte) => out.push(byte),
                byte => out.extend_from_slice(&[
                    b'%',
                    HEX_UPPER[usize::from(byte >> 4)],
                    HEX_UPPER[usize::from(byte & 0xF)],
                ]),
            }
        }
    }
}

/// The field path a pointer stands for: `#/messages/1/role` (or `/messages/1/role`)
/// is `messages[1].role`. Anything that is not a pointer is taken as the path
/// itself.
pub(crate) fn field(pointer: &str) -> String {
    let decoded = match pointer.strip_prefix('#') {
        Some(fragment) => percent_decode(fragment),
        None => Cow::Borrowed(pointer),
    };
    let Some(path) = decoded.strip_prefix('/') else {
        return decoded.into_owned();
    };
    let mut field = String::with_capacity(path.len() + 2);
    for (index, segment) in path.split('/').enumerate() {
        let bracketed =
            index > 0 && !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
        if bracketed {
            field.push('[');
        } else if index > 0 {
            field.push('.');
        }
        unescape_into(&mut field, segment);
        if bracketed {
            field.push(']');
        }
    }
    field
}

/// The segments of a field path.
fn segments(path: &str) -> Segments<'_> {
    Segments {
        rest: path,
        pending: !path.is_empty(),
    }
}

struct Segments<'a> {
    rest: &'a str,
    /// Whether a segment is still due (after a trailing `.`, an empty one).
    pending: bool,
}

impl<'a> Iterator for Segments<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if !self.pending {
            return None;
        }
        let (segment, after) = match self.rest.strip_prefix('[') {
            Some(inner) => {
                let end = inner.find(']').unwrap_or(inner.len());
                let key = &inner[..end];
                let key = ["\"", "'"]
                    .iter()
                    .find_map(|quote| key.strip_prefix(quote)?.strip_suffix(quote))
                    .unwrap_or(key);
                (key, inner.get(end + 1..).unwrap_or(""))
            }
            None => {
                let end = self.rest.find(['.', '[']).unwrap_or(self.rest.len());
                self.rest.split_at(end)
            }
        };
        match after.strip_prefix('.') {
            Some(rest) => self.rest = rest,
            None => {
                self.rest = after;
                self.pending = !after.is_empty();
            }
        }
        Some(segment)
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The bytes a URI fragment holds as they are (RFC 3986: unreserved, sub-delims,
/// `:`, `@`, `/`, `?`), but `~` and `/`, which a pointer segment escapes.
fn is_fragment_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'?'
        )
}

/// `%XX` sequences decoded; a `%` not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits: at most 0xFF.
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Appends `segment` with `~1` read as `/` and `~0` as `~` (a `~` before anything
/// else stays as it is).
fn unescape_into(out: &mut String, segment: &str) {
    let mut chars = segment.chars();
    while let Some(ch) = chars.next() {
        if ch != '~' {
            out.push(ch);
            continue;
        }
        let mut lookahead = chars.clone();
        match lookahead.next() {
            Some('0') => {
                out.push('~');
                chars = lookahead;
            }
            Some('1') => {
                out.push('/');
                chars = lookahead;
            }
            _ => out.push('~'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(field: &str) -> String {
        let mut out = Vec::new();
        write(&mut out, field);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_become_pointers() {
        for (path, expected) in [
            ("messages[1].role", "#/messages/1/role"),
            ("model", "#/model"),
            ("a/b~c", "#/a~1b~0c"),
            ("labels[\"x.y\"].v", "#/labels/x.y/v"),
            ("é d%", "#/%C3%A9%20d%25"),
            ("q\"\\", "#/q%22%5C"),
            ("a..b", "#/a//b"),
            ("a.", "#/a/"),
            ("", "#"),
            ("[0]", "#/0"),
            ("a[1", "#/a/1"),
            ("m[1][2]", "#/m/1/2"),
        ] {
            assert_eq!(pointer(path), expected, "{path}");
        }
    }

    #[test]
    fn pointers_become_paths() {
        for (pointer, expected) in [
            ("#/messages/1/role", "messages[1].role"),
            ("/messages/1/role", "messages[1].role"),
            ("#/a~1b~0c", "a/b~c"),
            ("#/~01", "~1"),
            ("#/a~", "a~"),
            ("#/%C3%A9%20d%25", "é d%"),
            ("#/bad%zz%", "bad%zz%"),
            ("#/%FF", "\u{FFFD}"),
            ("#", ""),
            ("#/", ""),
            ("model", "model"),
            ("", ""),
            ("#/m/1/2", "m[1][2]"),
        ] {
            assert_eq!(field(pointer), expected, "{pointer}");
        }
    }

    #[test]
    fn canonical_paths_come_back() {
        for path in [
            "messages[1].role",
            "a/b~c.d[0]",
            "tools[3].function.parameters[\u{1F600}]",
            "x",
            "a..b",
            "a.",
            "100%",
        ] {
            let expected = path.replace("[\u{1F600}]", ".\u{1F600}");
            assert_eq!(field(&pointer(path)), expected, "{path}");
        }
    }
}
