//! Cleaning text that came from a server before it reaches logs and terminals.

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
}
