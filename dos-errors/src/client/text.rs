//! Cleaning text that came from a server before it reaches logs and terminals.

use crate::FieldViolation;

/// `text` with whitespace runs folded to one space, control characters and
/// bidirectional overrides removed, trimmed, and cut on a character boundary to
/// at most `max_bytes`; and whether anything was cut.
pub(super) fn clean(text: &str, max_bytes: usize) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(max_bytes));
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if ch.is_control() || is_bidi_control(ch) {
            continue;
        }
        let space = usize::from(pending_space);
        if out.len() + space + ch.len_utf8() > max_bytes {
            return (out, true);
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    (out, false)
}

/// The rules a decoder applies to every text it keeps, whatever the wire: each
/// text cleaned and bounded by [`clean`], an empty one absent, and whether any was
/// cut remembered for [`ErrorResponse::truncated`](super::ErrorResponse::truncated).
#[derive(Debug, Default)]
pub(super) struct Cleaner {
    /// Some text was cut to its limit.
    pub(super) truncated: bool,
}

impl Cleaner {
    /// `text` cleaned and cut to `max_bytes`; `None` when nothing is left.
    pub(super) fn text(&mut self, text: &str, max_bytes: usize) -> Option<String> {
        let (cleaned, cut) = clean(text, max_bytes);
        self.truncated |= cut;
        Some(cleaned).filter(|cleaned| !cleaned.is_empty())
    }

    /// A documentation link: a link cut to [`MAX_URL_BYTES`](super::MAX_URL_BYTES)
    /// leads nowhere, so it is dropped rather than kept cut.
    pub(super) fn url(&mut self, url: &str) -> Option<String> {
        let (cleaned, cut) = clean(url, super::MAX_URL_BYTES);
        self.truncated |= cut;
        Some(cleaned).filter(|cleaned| !cut && !cleaned.is_empty())
    }

    /// Field violations `(field, description)`: fields bounded as short fields,
    /// descriptions as messages; a violation with neither is dropped; at most
    /// [`MAX_VIOLATIONS`](super::MAX_VIOLATIONS).
    pub(super) fn violations<T: AsRef<str>>(
        &mut self,
        violations: impl IntoIterator<Item = (T, T)>,
        max_message_bytes: usize,
    ) -> Vec<FieldViolation> {
        violations
            .into_iter()
            .filter_map(|(field, description)| {
                let field = self.text(field.as_ref(), super::MAX_FIELD_BYTES);
                let description = self.text(description.as_ref(), max_message_bytes);
                (field.is_some() || description.is_some()).then(|| {
                    FieldViolation::new(field.unwrap_or_default(), description.unwrap_or_default())
                })
            })
            .take(super::MAX_VIOLATIONS)
            .collect()
    }

    /// Metadata `(name, value)`: names and values bounded as short fields; an entry
    /// whose name cleans to nothing is dropped, and names are told apart once
    /// cleaned, the first entry of each name kept; at most
    /// [`MAX_METADATA_ENTRIES`](super::MAX_METADATA_ENTRIES).
    pub(super) fn metadata<T: AsRef<str>>(
        &mut self,
        entries: impl IntoIterator<Item = (T, T)>,
    ) -> Vec<(String, String)> {
        let mut kept: Vec<(String, String)> = Vec::new();
        for (name, value) in entries {
            if kept.len() == super::MAX_METADATA_ENTRIES {
                break;
            }
            let Some(name) = self.text(name.as_ref(), super::MAX_FIELD_BYTES) else {
                continue;
            };
            if kept.iter().all(|(known, _)| *known != name) {
                let value = self.text(value.as_ref(), super::MAX_FIELD_BYTES);
                kept.push((name, value.unwrap_or_default()));
            }
        }
        kept
    }
}

/// Characters that reorder the text around them ("Trojan Source"): a message
/// containing them can display differently from what it is.
fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `bytes` without a UTF-8 sequence cut short at its end (left by a size limit),
/// so the lossy decoding of a cut body does not end in a replacement character.
pub(super) fn trim_incomplete_char(bytes: &[u8]) -> &[u8] {
    // A sequence is at most 4 bytes: look for its lead byte among the last 3.
    for back in 1..=bytes.len().min(3) {
        let index = bytes.len() - back;
        let byte = bytes[index];
        if byte & 0b1100_0000 == 0b1000_0000 {
            continue; // a continuation byte: keep looking for the lead
        }
        let needed = match byte {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if needed > back {
            &bytes[..index]
        } else {
            bytes
        };
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(
            clean("  a\r\n\tb\u{0}c \u{202E}d  ", 100),
            ("a bc d".to_owned(), false)
        );
        assert_eq!(clean("héllo", 2), ("h".to_owned(), true));
        assert_eq!(clean("ab cd", 3), ("ab".to_owned(), true));
        assert_eq!(clean("", 0), (String::new(), false));
    }

    #[test]
    fn incomplete_tails() {
        let text = "a€".as_bytes(); // € is 3 bytes
        assert_eq!(trim_incomplete_char(&text[..2]), b"a");
        assert_eq!(trim_incomplete_char(&text[..3]), b"a");
        assert_eq!(trim_incomplete_char(text), text);
        assert_eq!(
            trim_incomplete_char(b"\x80\x80\x80\x80"),
            b"\x80\x80\x80\x80"
        );
    }

    #[test]
    fn the_cleaner_applies_one_set_of_rules() {
        let mut clean = Cleaner::default();
        assert_eq!(
            clean.text("  a\u{202E}b \n c ", 64).as_deref(),
            Some("ab c")
        );
        assert_eq!(clean.text(" \t ", 64), None);
        assert!(!clean.truncated);

        // Names are compared once cleaned; the first of each is kept.
        let metadata =
            clean.metadata([("model ", "a"), ("model", "b"), ("\u{7}", "c"), ("x", "\n")]);
        assert_eq!(
            metadata,
            [
                ("model".to_owned(), "a".to_owned()),
                ("x".to_owned(), String::new())
            ]
        );
        let many = (0..100).map(|i| (format!("k{i}"), String::new()));
        assert_eq!(
            clean.metadata(many).len(),
            super::super::MAX_METADATA_ENTRIES
        );

        let violations = clean.violations([("", " "), ("model", ""), ("", "why")], 64);
        let kept: Vec<_> = violations
            .iter()
            .map(|v| (v.field(), v.description()))
            .collect();
        assert_eq!(kept, [("model", ""), ("", "why")]);
        let many = (0..100).map(|i| (format!("f{i}"), String::new()));
        assert_eq!(
            clean.violations(many, 64).len(),
            super::super::MAX_VIOLATIONS
        );
        assert!(!clean.truncated);

        // A cut link is dropped; a cut text is kept, and both are remembered.
        let long = format!(
            "https://example.com/{}",
            "a".repeat(super::super::MAX_URL_BYTES)
        );
        assert_eq!(clean.url(&long), None);
        assert!(clean.truncated);
        let mut clean = Cleaner::default();
        assert_eq!(clean.text("abcdef", 3).as_deref(), Some("abc"));
        assert!(clean.truncated);
    }
}
