//! RFC 9457 problem details: `{"type","title","status","detail",…}` (see
//! [`Format::Problem`](crate::Format::Problem) for the members).

use super::{message, pointer, raw, string};
use crate::{contract, ApiError};

/// The `type` of a problem without a documentation link (RFC 9457 §4.2.1).
pub(crate) const ABOUT_BLANK: &str = "about:blank";

/// Appends the problem of `error`.
pub(super) fn write<E: ApiError + ?Sized>(error: &E, out: &mut Vec<u8>) {
    let status = error.status().as_u16();
    raw(out, r#"{"type":"#);
    string(out, error.doc_url().as_deref().unwrap_or(ABOUT_BLANK));
    raw(out, r#","title":"#);
    string(out, contract::title(status));
    raw(out, r#","status":"#);
    contract::push_decimal(out, status);
    raw(out, r#","detail":""#);
    message(error, out);
    raw(out, r#"","error_type":"#);
    string(out, error.error_type());
    if let Some(code) = error.error_code() {
        raw(out, r#","error_code":"#);
        string(out, code);
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
