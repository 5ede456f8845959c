//! RFC 9457 problem details: `{"type","title","status","detail",…}` (see
//! [`Format::Problem`](crate::Format::Problem) for the members).

use super::{pointer, push_status, raw, string, Members};
use crate::{contract, ApiError};

/// The `type` of a problem without a documentation link (RFC 9457 §4.2.1).
pub(crate) const ABOUT_BLANK: &str = "about:blank";

/// What a problem has between the closing quote of its type and the opening
/// quote of its detail, `","title":"Too Many Requests","status":429,"detail":"`,
/// for every error status, built when this crate compiles: one copy on every
/// response.
const TITLE_TO_DETAIL: [([u8; TITLE_TO_DETAIL_MAX], u8); 200] = {
    let mut table = [([0; TITLE_TO_DETAIL_MAX], 0); 200];
    let mut index = 0;
    while index < table.len() {
        table[index] = title_to_detail(400 + index as u16);
        index += 1;
    }
    table
};

/// The longest `TITLE_TO_DETAIL` entry: the longest reason phrase (31 bytes) and
/// 37 bytes around it.
const TITLE_TO_DETAIL_MAX: usize = 72;

/// One entry of [`TITLE_TO_DETAIL`]: the bytes and how many there are.
const fn title_to_detail(status: u16) -> ([u8; TITLE_TO_DETAIL_MAX], u8) {
    let digits = [
        b'0' + (status / 100 % 10) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
    ];
    let parts: [&[u8]; 5] = [
        br#"","title":""#,
        contract::title(status).as_bytes(),
        br#"","status":"#,
        &digits,
        br#","detail":""#,
    ];
    let mut bytes = [0; TITLE_TO_DETAIL_MAX];
    let mut len = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut at = 0;
        while at < parts[part].len() {
            // Reason phrases need no escaping; a longer one fails the build here.
            bytes[len] = parts[part][at];
            len += 1;
            at += 1;
        }
        part += 1;
    }
    (bytes, len as u8)
}

/// Appends what a problem of status `status` has between the closing quote of
/// its type and the opening quote of its detail.
#[inline]
fn title_to_detail_into(out: &mut Vec<u8>, status: u16) {
    match TITLE_TO_DETAIL.get(usize::from(status).wrapping_sub(400)) {
        Some((bytes, len)) => out.extend_from_slice(&bytes[..usize::from(*len)]),
        None => {
            raw(out, r#"","title":""#);
            raw(out, contract::title(status));
            raw(out, r#"","status":"#);
            push_status(out, status);
            raw(out, r#","detail":""#);
        }
    }
}

/// Appends the problem of `error`.
pub(super) fn write<E: ApiError + ?Sized>(members: &Members<'_, E>, out: &mut Vec<u8>) {
    let status = members.status;
    raw(out, r#"{"type":""#);
    match members.doc_url() {
        Some(url) => members.declared_text(out, &url),
        None => raw(out, ABOUT_BLANK),
    }
    title_to_detail_into(out, status);
    members.message(out);
    raw(out, r#"","error_type":""#);
    members.declared_text(out, members.error_type);
    if let Some(code) = members.code {
        raw(out, r#"","error_code":""#);
        members.declared_text(out, code);
    }
    out.push(b'"');
    if let Some(param) = members.param() {
        raw(out, r#","param":"#);
        string(out, &param);
    }
    let violations = members.violations();
    if !violations.is_empty() {
        raw(out, r#","errors":["#);
        for (index, violation) in violations.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            raw(out, r#"{"detail":"#);
            string(out, violation.description());
            raw(out, r#","pointer":""#);
            pointer::write(out, violation.field());
            raw(out, "\"}");
        }
        out.push(b']');
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_title() {
        for status in 400..=599 {
            let mut out = Vec::new();
            title_to_detail_into(&mut out, status);
            let expected = format!(
                r#"","title":"{}","status":{status},"detail":""#,
                contract::title(status)
            );
            assert_eq!(String::from_utf8(out).unwrap(), expected);
            assert!(contract::needs_no_escape(contract::title(status)));
        }
        let mut out = Vec::new();
        title_to_detail_into(&mut out, 600);
        assert_eq!(out, br#"","title":"Server Error","status":600,"detail":""#);
    }
}
