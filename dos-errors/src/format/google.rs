//! Google's AIP-193 errors: `{"error":{"code","message","status","details":[…]}}`
//! (see [`Format::Google`](crate::Format::Google) for the details), and the same
//! details as data for a gRPC status ([`details`]).

use std::borrow::Cow;
use std::time::Duration;

use super::{push_status, raw, string, Members};
use crate::contract::push_u64;
use crate::{contract, ApiError, ErrorSpec, FieldViolation, MessageWriter};

/// The `@type` prefix of every detail.
macro_rules! detail_type {
    ($name:literal) => {
        concat!(
            r#"{"@type":"type.googleapis.com/google.rpc."#,
            $name,
            r#"""#
        )
    };
}

/// What a `Help` link to the documentation of an error says, before the error's
/// code (else its type).
const HELP_DESCRIPTION: &str = "Documentation of ";

/// Appends the Google error of `error`.
pub(super) fn write<E: ApiError + ?Sized>(members: &Members<'_, E>, out: &mut Vec<u8>) {
    let error = members.error;
    raw(out, r#"{"error":{"code":"#);
    push_status(out, members.status);
    raw(out, r#","message":""#);
    let message = members.message(out);
    raw(out, r#"","status":""#);
    let grpc_code = match members.spec {
        Some(spec) => spec.grpc_code,
        None => error.grpc_code(),
    };
    // gRPC names need no escaping.
    raw(out, grpc_code.as_str());
    raw(out, r#"","details":["#);

    raw(out, detail_type!("ErrorInfo"));
    raw(out, r#","reason":""#);
    let reason = members.code.unwrap_or(members.error_type);
    if members.spec.is_some() {
        // A declared code or type: lower snake case ASCII.
        out.extend(reason.bytes().map(|byte| byte.to_ascii_uppercase()));
    } else {
        upper_case_into(out, reason);
    }
    out.push(b'"');
    if let Some(domain) = error.domain() {
        raw(out, r#","domain":"#);
        string(out, domain);
    }
    if shows_metadata(members.spec) {
        let start = out.len();
        raw(out, r#","metadata":{"#);
        let mut writer = MessageWriter::json_members_into(out);
        error.write_message(&mut writer);
        if writer.count() == 0 {
            out.truncate(start);
        } else {
            out.push(b'}');
        }
    }
    out.push(b'}');

    if let Some(delay) = error.retry_after() {
        raw(out, ",");
        raw(out, detail_type!("RetryInfo"));
        raw(out, r#","retryDelay":""#);
        protobuf_duration_into(out, delay);
        raw(out, "\"}");
    }

    let violations = members.violations();
    let param = if violations.is_empty() {
        members.param()
    } else {
        None
    };
    if !violations.is_empty() || param.is_some() {
        raw(out, ",");
        raw(out, detail_type!("BadRequest"));
        raw(out, r#","fieldViolations":["#);
        for (index, violation) in violations.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            raw(out, r#"{"field":"#);
            string(out, violation.field());
            raw(out, r#","description":"#);
            string(out, violation.description());
            out.push(b'}');
        }
        if let Some(param) = param {
            // A lone param: one violation, described by the message.
            raw(out, r#"{"field":"#);
            string(out, &param);
            raw(out, r#","description":""#);
            out.extend_from_within(message);
            raw(out, "\"}");
        }
        raw(out, "]}");
    }

    if let Some(url) = members.doc_url() {
        raw(out, ",");
        raw(out, detail_type!("Help"));
        raw(out, r#","links":[{"description":""#);
        raw(out, HELP_DESCRIPTION);
        members.declared_text(out, reason);
        raw(out, r#"","url":""#);
        members.declared_text(out, &url);
        raw(out, "\"}]}");
    }
    raw(out, "]}}");
}

/// What `ErrorInfo.reason` is made of: the code, else the type.
fn reason<E: ApiError + ?Sized>(error: &E) -> &str {
    error.error_code().unwrap_or_else(|| error.error_type())
}

/// Whether an error with this spec has metadata to show: a masked error shows
/// none, and a declared message that interpolates nothing has none. The values of
/// a derived message are named after its template's placeholders as it is
/// written; those of a hand-written error (no spec), if it writes any, by position.
fn shows_metadata(spec: Option<&ErrorSpec>) -> bool {
    match spec {
        Some(spec) => !spec.masked && spec.interpolated,
        None => true,
    }
}

/// Appends `text` escaped and ASCII-upper-cased (escape sequences are left as
/// `serde_json` writes them: `\n`, `\u001f`).
fn upper_case_into(out: &mut Vec<u8>, text: &str) {
    let start = out.len();
    contract::escape_into(out, text);
    let mut index = start;
    while let Some(byte) = out.get_mut(index) {
        if *byte == b'\\' {
            index += if out.get(index + 1) == Some(&b'u') {
                6
            } else {
                2
            };
        } else {
            byte.make_ascii_uppercase();
            index += 1;
        }
    }
}

/// Appends `delay` as a protobuf JSON duration without its quotes: whole seconds
/// (`30s`), else 3, 6 or 9 fractional digits (`1.500s`).
pub(crate) fn protobuf_duration_into(out: &mut Vec<u8>, delay: Duration) {
    push_u64(out, delay.as_secs());
    let nanos = delay.subsec_nanos();
    if nanos != 0 {
        let (digits, fraction) = if nanos % 1_000_000 == 0 {
            (3, nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            (6, nanos / 1_000)
        } else {
            (9, nanos)
        };
        out.push(b'.');
        let mut buffer = [b'0'; 9];
        let mut rest = fraction;
        for at in (0..digits).rev() {
            buffer[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out.extend_from_slice(&buffer[..digits]);
    }
    out.push(b's');
}

/// The details of Google's format as data, for a gRPC status
/// (`google.rpc.Status.details`): the same values [`Format::Google`](crate::Format::Google)
/// writes, computed by the same rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // read by the gRPC integration
pub(crate) struct GoogleDetails<'a> {
    /// `ErrorInfo.reason`: the code, else the type, upper-cased.
    pub(crate) reason: String,
    /// `ErrorInfo.domain`.
    pub(crate) domain: Option<&'a str>,
    /// `ErrorInfo.metadata`, in the order of the message's placeholders.
    pub(crate) metadata: Vec<(String, String)>,
    /// `RetryInfo.retry_delay`.
    pub(crate) retry_delay: Option<Duration>,
    /// `BadRequest.field_violations`: the violations, else the param described by
    /// the message, else none (then no `BadRequest`).
    pub(crate) field_violations: Cow<'a, [FieldViolation]>,
    /// `Help.links`: `(description, url)` of the documentation link, if any.
    pub(crate) help: Option<(String, Cow<'a, str>)>,
}

/// The details of `error` as [`Format::Google`](crate::Format::Google) writes them.
#[allow(dead_code)] // called by the gRPC integration
pub(crate) fn details<E: ApiError + ?Sized>(error: &E) -> GoogleDetails<'_> {
    let mut metadata = Vec::new();
    if shows_metadata(error.spec()) {
        error.write_message(&mut MessageWriter::pairs_into(&mut metadata));
    }
    let violations = error.violations();
    let field_violations = match error.param() {
        Some(param) if violations.is_empty() => Cow::Owned(vec![FieldViolation::new(
            param.into_owned(),
            error.message().into_owned(),
        )]),
        _ => Cow::Borrowed(violations),
    };
    GoogleDetails {
        reason: reason(error).to_ascii_uppercase(),
        domain: error.domain(),
        metadata,
        retry_delay: error.retry_after(),
        field_violations,
        help: error
            .doc_url()
            .map(|url| (format!("{HELP_DESCRIPTION}{}", reason(error)), url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Format;

    #[derive(Debug, crate::ApiError)]
    #[api_error(
        crate = "crate",
        docs = "https://docs.example.com/e",
        domain = "example.com"
    )]
    enum Sample {
        #[api_error(status = 429, code = "slow_down", message = "{n:>3} and {n:x}, {who}")]
        Interpolated {
            n: u8,
            who: String,
            #[api_error(retry_after)]
            wait: Duration,
        },
        #[api_error(status = 400, param = "model", message = "Bad \"model\"")]
        LoneParam,
        #[api_error(status = 400, message = "Bad fields")]
        Violations {
            #[api_error(violations)]
            violations: Vec<FieldViolation>,
        },
        #[api_error(status = 500)]
        Masked(#[allow(dead_code)] String),
    }

    /// The details as the JSON writer wrote them, read back with serde_json.
    fn details_of_json(error: &Sample) -> serde_json::Value {
        let body: serde_json::Value =
            serde_json::from_str(&error.to_json_as(Format::Google)).unwrap();
        body["error"]["details"].clone()
    }

    /// The same details built from [`details`].
    fn details_as_json(details: &GoogleDetails<'_>) -> serde_json::Value {
        let mut error_info = serde_json::json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": details.reason,
        });
        if let Some(domain) = details.domain {
            error_info["domain"] = domain.into();
        }
        if !details.metadata.is_empty() {
            let metadata: serde_json::Map<String, serde_json::Value> = details
                .metadata
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().into()))
                .collect();
            error_info["metadata"] = metadata.into();
        }
        let mut all = vec![error_info];
        if let Some(delay) = details.retry_delay {
            let mut text = Vec::new();
            protobuf_duration_into(&mut text, delay);
            all.push(serde_json::json!({
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": String::from_utf8(text).unwrap(),
            }));
        }
        if !details.field_violations.is_empty() {
            let violations: Vec<_> = details
                .field_violations
                .iter()
                .map(|v| serde_json::json!({"field": v.field(), "description": v.description()}))
                .collect();
            all.push(serde_json::json!({
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": violations,
            }));
        }
        if let Some((description, url)) = &details.help {
            all.push(serde_json::json!({
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{"description": description, "url": url}],
            }));
        }
        serde_json::Value::Array(all)
    }

    #[test]
    fn details_for_grpc_are_the_google_json_details() {
        let errors = [
            Sample::Interpolated {
                n: 10,
                who: "me \"too\"".into(),
                wait: Duration::from_millis(2500),
            },
            Sample::LoneParam,
            Sample::Violations {
                violations: vec![
                    FieldViolation::new("a[0]", "x"),
                    FieldViolation::new("b", "y"),
                ],
            },
            Sample::Masked("secret".into()),
        ];
        for error in &errors {
            let details = details(error);
            assert_eq!(
                details_as_json(&details),
                details_of_json(error),
                "{error:?}"
            );
        }
        let interpolated = details(&errors[0]);
        assert_eq!(
            interpolated.metadata,
            [
                ("n".to_owned(), " 10".to_owned()),
                ("who".to_owned(), "me \"too\"".to_owned())
            ]
        );
        assert_eq!(interpolated.reason, "SLOW_DOWN");
        assert!(matches!(
            details(&errors[1]).field_violations,
            Cow::Owned(_)
        ));
        assert!(matches!(
            details(&errors[2]).field_violations,
            Cow::Borrowed(_)
        ));
        assert!(details(&errors[3]).metadata.is_empty());
    }

    fn duration(delay: Duration) -> String {
        let mut out = Vec::new();
        protobuf_duration_into(&mut out, delay);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn durations_as_protobuf_json() {
        assert_eq!(duration(Duration::from_secs(30)), "30s");
        assert_eq!(duration(Duration::ZERO), "0s");
        assert_eq!(duration(Duration::from_millis(1500)), "1.500s");
        assert_eq!(duration(Duration::from_micros(20)), "0.000020s");
        assert_eq!(duration(Duration::new(3, 7)), "3.000000007s");
        assert_eq!(
            duration(Duration::new(u64::MAX, 999_999_999)),
            "18446744073709551615.999999999s"
        );
        for delay in [
            Duration::from_millis(1500),
            Duration::from_micros(20),
            Duration::new(3, 7),
        ] {
            assert_eq!(
                crate::headers::parse_protobuf_duration(&duration(delay)),
                Some(delay)
            );
        }
    }

    #[test]
    fn upper_casing_leaves_escapes_alone() {
        let mut out = Vec::new();
        upper_case_into(&mut out, "a\u{1f}b\n\"é\\z");
        assert_eq!(String::from_utf8(out).unwrap(), r#"A\u001fB\n\"é\\Z"#);
    }
}
