//! RFC 9457 problem details: `{"type","title","status","detail",…}` (see
//! [`Format::Problem`](crate::Format::Problem) for the members).

use super::{pointer, push_status, raw, string, Members};
use crate::{contract, ApiError};

/// The `type` of a problem without a documentation link (RFC 9457 §4.2.1).
pub(crate) const ABOUT_BLANK: &str = "about:blank";

/// [`contract::title`] of every error status, computed when this crate compiles.
const TITLES: [&str; 200] = {
    let mut titles = [""; 200];
    let mut index = 0;
    while index < titles.len() {
        titles[index] = contract::title(400 + index as u16);
        index += 1;
    }
    titles
};

/// The title of a problem of status `status`.
#[inline]
fn title(status: u16) -> &'static str {
    match TITLES.get(usize::from(status).wrapping_sub(400)) {
        Some(title) => title,
        None => contract::title(status),
    }
}

/// Appends the problem of `error`.
pub(super) fn write<E: ApiError + ?Sized>(members: &Members<'_, E>, out: &mut Vec<u8>) {
    let error = members.error;
    let status = members.status;
    raw(out, r#"{"type":"#);
    match members.doc_url() {
        Some(url) => members.declared_string(out, &url),
        None => raw(out, r#""about:blank""#),
    }
    raw(out, r#","title":""#);
    // Reason phrases need no escaping.
    raw(out, title(status));
    raw(out, r#"","status":"#);
    push_status(out, status);
    raw(out, r#","detail":""#);
    members.message(out);
    raw(out, r#"","error_type":"#);
    members.declared_string(out, members.error_type);
    if let Some(code) = members.code {
        raw(out, r#","error_code":"#);
        members.declared_string(out, code);
    }
    if let Some(param) = error.param() {
        raw(out, r#","param":"#);
        string(out, &param);
    }
    let violations = error.violations();
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
