//! `ErrorResponse` decodes what each format carries — from this crate's writers
//! and from other servers — and never panics on malformed details.

use std::borrow::Cow;
use std::time::Duration;

use dos_errors::catalog::{self, ApiErrorCatalog};
use dos_errors::client::{BodyShape, ErrorResponse, MAX_METADATA_ENTRIES, MAX_VIOLATIONS};
use dos_errors::{ApiError, FieldViolation, Format, GrpcCode, Status};
use proptest::prelude::*;

fn decode(status: u16, headers: &[(&str, &str)], body: &str) -> ErrorResponse {
    ErrorResponse::from_parts(status, headers, body.as_bytes())
}

fn violation(field: &str, description: &str) -> FieldViolation {
    FieldViolation::new(field, description)
}

// ---- OpenAI ---------------------------------------------------------------------------

#[test]
fn openai_code_and_param() {
    let err = decode(
        404,
        &[],
        r#"{"error":{"message":"The model `gpt-5` does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}"#,
    );
    assert_eq!(err.shape(), BodyShape::OpenAi);
    assert_eq!(err.error_code(), Some("model_not_found"));
    assert_eq!(err.provider_code(), Some("model_not_found"));
    assert_eq!(err.param(), Some(Cow::Borrowed("model")));
    // The trait and the response agree: there is one `param`.
    assert_eq!(ApiError::param(&err), err.param());
    assert!(err.violations().is_empty());
    assert_eq!(err.doc_url(), None);
    assert_eq!(err.grpc_code(), GrpcCode::NotFound);
}

// ---- Anthropic ------------------------------------------------------------------------

#[test]
fn anthropic_carries_type_message_and_request_id() {
    let err = decode(
        529,
        &[],
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
    );
    assert_eq!(err.shape(), BodyShape::Anthropic);
    assert_eq!(err.request_id(), Some("req_1"));
    assert_eq!(
        (err.error_code(), err.param(), err.violations()),
        (None, None, &[][..])
    );
    assert_eq!(
        err.to_json_as(Format::Anthropic),
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
    );
}

// ---- Problem details ------------------------------------------------------------------

#[test]
fn problem_extension_members_and_errors() {
    let err = decode(
        400,
        &[("content-type", "application/problem+json")],
        r##"{"type":"https://docs.example.com/errors#invalid_role","title":"Bad Request","status":400,
            "detail":"Invalid messages","error_type":"invalid_request_error","error_code":"invalid_role",
            "errors":[{"detail":"unknown role","pointer":"#/messages/1/role"},
                      {"detail":"slash and tilde","pointer":"#/a~1b~0c/~01"},
                      {"detail":"plain pointer","pointer":"/tools/0/name"},
                      {"detail":"percent-encoded","pointer":"#/caf%C3%A9%20au%20lait"}]}"##,
    );
    assert_eq!(err.shape(), BodyShape::Problem);
    assert_eq!(err.error_type(), "invalid_request_error");
    assert_eq!(err.error_code(), Some("invalid_role"));
    assert_eq!(
        err.doc_url().as_deref(),
        Some("https://docs.example.com/errors#invalid_role")
    );
    assert_eq!(
        err.violations(),
        [
            violation("messages[1].role", "unknown role"),
            violation("a/b~c.~1", "slash and tilde"),
            violation("tools[0].name", "plain pointer"),
            violation("café au lait", "percent-encoded"),
        ]
    );
    // No `param` member: the first violation's field.
    assert_eq!(err.param().as_deref(), Some("messages[1].role"));
}

#[test]
fn problem_pointers_with_tilde_and_slash_round_trip() {
    let fields = ["a/b", "~", "~1", "x.y~0z/[3]/w", "headers[\"x/y\"]", "é/%"];
    let error = TestError {
        violations: fields.iter().map(|f| violation(f, "bad")).collect(),
    };
    let body = error.to_json_as(Format::Problem);
    assert!(body.contains(r##""pointer":"#/a~1b""##), "{body}");
    assert!(body.contains(r##""pointer":"#/~0""##), "{body}");
    assert!(body.contains(r##""pointer":"#/~01""##), "{body}");
    let err = decode(400, &[], &body);
    let decoded: Vec<&str> = err.violations().iter().map(FieldViolation::field).collect();
    // Keys in brackets come back as names, and a name right after `]` as one
    // after a `.`; everything else as it was.
    assert_eq!(
        decoded,
        ["a/b", "~", "~1", "x.y~0z/[3]./w", "headers.x/y", "é/%"]
    );
}

#[test]
fn problem_type_is_a_doc_link_only_when_it_is_a_web_url() {
    let err = decode(
        404,
        &[("content-type", "application/problem+json")],
        r#"{"type":"tag:example.com,2024:not-found","title":"Not Found","status":404}"#,
    );
    assert_eq!(err.error_type(), "tag:example.com,2024:not-found");
    assert_eq!(err.doc_url(), None);
    let err = decode(
        404,
        &[],
        r#"{"type":"HTTPS://Example.com/probs/x","title":"Not Found","status":404,"detail":"x"}"#,
    );
    assert_eq!(err.error_type(), "HTTPS://Example.com/probs/x");
    assert_eq!(
        err.doc_url().as_deref(),
        Some("HTTPS://Example.com/probs/x")
    );
    let err = decode(
        404,
        &[],
        r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"x"}"#,
    );
    assert_eq!((err.error_type(), err.doc_url()), ("not_found_error", None));
}

// ---- Google ---------------------------------------------------------------------------

const GOOGLE: &str = r#"{"error":{"code":400,"message":"Invalid request","status":"FAILED_PRECONDITION","details":[
    {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com",
     "metadata":{"service":"generativelanguage.googleapis.com","count":7,"service":"dup","nested":{"a":1}}},
    {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
        {"field":"contents[0].parts","description":"must not be empty"},
        {"description":"no field"},
        {"field":"x"},
        "not an object",
        {}
    ]},
    {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"none"},{"description":"Docs","url":"https://ai.google.dev/docs"},{"url":"https://second"}]},
    {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.250s"}
]}}"#;

#[test]
fn google_details() {
    let err = decode(400, &[], GOOGLE);
    assert_eq!(err.shape(), BodyShape::Google);
    assert_eq!(err.error_type(), "FAILED_PRECONDITION");
    assert_eq!(err.grpc_code(), GrpcCode::FailedPrecondition);
    assert_eq!(err.error_code(), Some("api_key_invalid"));
    assert_eq!(err.domain(), Some("googleapis.com"));
    // Strings only, the first of each name.
    assert_eq!(
        err.metadata(),
        [(
            "service".to_owned(),
            "generativelanguage.googleapis.com".to_owned()
        )]
    );
    assert_eq!(
        err.violations(),
        [
            violation("contents[0].parts", "must not be empty"),
            violation("", "no field"),
            violation("x", ""),
        ]
    );
    assert_eq!(err.param().as_deref(), Some("contents[0].parts"));
    assert_eq!(err.doc_url().as_deref(), Some("https://ai.google.dev/docs"));
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1250)));
}

#[test]
fn google_status_that_is_not_a_grpc_name_falls_back_to_the_status() {
    let err = decode(
        429,
        &[],
        r#"{"error":{"code":429,"message":"x","status":"SLOW_DOWN"}}"#,
    );
    assert_eq!(err.error_type(), "SLOW_DOWN");
    assert_eq!(err.grpc_code(), GrpcCode::ResourceExhausted);
}

#[test]
fn other_shapes_answer_the_status_defaults() {
    let err = decode(503, &[], "Service Unavailable");
    assert_eq!(
        err.grpc_code(),
        Status::SERVICE_UNAVAILABLE.default_grpc_code()
    );
    assert_eq!(
        (err.error_code(), err.param(), err.doc_url(), err.domain()),
        (None, None, None, None)
    );
    assert!(err.metadata().is_empty() && err.violations().is_empty());
}

// ---- Bounds ---------------------------------------------------------------------------

#[test]
fn violations_and_metadata_are_bounded() {
    let many = (0..MAX_VIOLATIONS * 3)
        .map(|n| format!(r#"{{"field":"f{n}","description":"d"}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let metadata = (0..MAX_METADATA_ENTRIES * 3)
        .map(|n| format!(r#""k{n}":"v""#))
        .collect::<Vec<_>>()
        .join(",");
    let body = format!(
        r#"{{"error":{{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":[
            {{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"R","metadata":{{{metadata}}}}},
            {{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{many}]}},
            {{"@type":"type.googleapis.com/google.rpc.Help","links":[{{"url":"https://x"}}]}}]}}}}"#
    );
    let err = decode(400, &[], &body);
    assert_eq!(err.violations().len(), MAX_VIOLATIONS);
    assert_eq!(
        err.violations()[MAX_VIOLATIONS - 1].field(),
        format!("f{}", MAX_VIOLATIONS - 1)
    );
    assert_eq!(err.metadata().len(), MAX_METADATA_ENTRIES);
    // What follows the bounded lists is still read.
    assert_eq!(err.doc_url().as_deref(), Some("https://x"));
}

#[test]
fn long_texts_are_cut_and_long_links_dropped() {
    let long = "x".repeat(5_000);
    let body = format!(
        r#"{{"error":{{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":[
            {{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{long}","domain":"{long}","metadata":{{"{long}":"{long}"}}}},
            {{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{{"field":"{long}","description":"{long}"}}]}},
            {{"@type":"type.googleapis.com/google.rpc.Help","links":[{{"url":"https://x/{long}"}}]}}]}}}}"#
    );
    let err = decode(400, &[], &body);
    assert!(err.truncated());
    assert!(err.error_code().unwrap().len() <= 256);
    assert!(err.domain().unwrap().len() <= 256);
    assert!(err.metadata()[0].0.len() <= 256 && err.metadata()[0].1.len() <= 256);
    assert!(err.violations()[0].field().len() <= 256);
    assert!(err.violations()[0].description().len() <= 8 * 1024);
    assert_eq!(err.doc_url(), None);
}

#[test]
fn texts_from_details_are_cleaned() {
    let err = decode(
        400,
        &[],
        r#"{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":[
            {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"A\u001b[31m","metadata":{"k\n":"v\u202e1"}},
            {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"a\tb","description":"line\nbreak"}]}]}}"#,
    );
    assert_eq!(err.error_code(), Some("a[31m"));
    assert_eq!(err.metadata(), [("k".to_owned(), "v1".to_owned())]);
    assert_eq!(err.violations(), [violation("a b", "line break")]);
}

// ---- Finding the declared error --------------------------------------------------------

#[derive(Debug, ApiError)]
#[api_error(docs = "https://docs.example.com/errors")]
enum ChatError {
    #[api_error(status = 404, code = "model_not_found", message = "No model {0}")]
    NoModel(String),
    #[api_error(status = 404, code = "file_not_found", message = "No file {0}")]
    NoFile(String),
    #[api_error(status = 404, message = "No route")]
    NoRoute,
    #[api_error(status = 429, type = "tokens_error")]
    Tokens,
    #[api_error(status = 429, type = "requests_error")]
    Requests,
}

#[test]
fn find_identifies_the_declared_error_in_every_format() {
    let specs = ChatError::catalog();
    for (name, error) in [
        ("NoModel", ChatError::NoModel("m".into())),
        ("NoFile", ChatError::NoFile("f".into())),
        ("NoRoute", ChatError::NoRoute),
        ("Tokens", ChatError::Tokens),
        ("Requests", ChatError::Requests),
    ] {
        for format in Format::ALL {
            let body = error.to_json_as(format);
            let response = decode(error.status().as_u16(), &[], &body);
            let expected = match (name, format) {
                // The envelope and Anthropic carry no code: the 404 of the type
                // without a code.
                ("NoModel" | "NoFile", Format::Envelope | Format::Anthropic) => "NoRoute",
                _ => name,
            };
            assert_eq!(
                ChatError::find(&response).map(|spec| spec.name),
                Some(expected),
                "{name} in {format}"
            );
            assert_eq!(
                catalog::find(&specs, &response).map(|spec| spec.name),
                Some(expected)
            );
        }
    }
    // Another status, another code: none.
    let other = decode(
        404,
        &[],
        r#"{"error":{"message":"x","type":"not_found_error","param":null,"code":"user_not_found"}}"#,
    );
    assert_eq!(ChatError::find(&other), None);
    let other = decode(410, &[], "");
    assert_eq!(ChatError::find(&other), None);
}

// ---- Malformed details -----------------------------------------------------------------

#[test]
fn malformed_details_are_skipped() {
    for body in [
        r#"{"error":{"status":"X","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":"no"}]}}"#,
        r#"{"error":{"status":"X","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[1,[],null,{"field":7}]}]}}"#,
        r#"{"error":{"status":"X","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","metadata":[1,2],"reason":5}]}}"#,
        r#"{"error":{"status":"X","details":[{"@type":"type.googleapis.com/google.rpc.Help","links":{"url":"x"}}]}}"#,
        r#"{"error":{"status":"X","details":[{"@type":"type.googleapis.com/google.rpc.Help","links":[{"url":5},"u"]}]}}"#,
        r##"{"type":"about:blank","title":"t","status":400,"errors":{"pointer":"#/a"}}"##,
        r#"{"type":"about:blank","title":"t","status":400,"errors":[{"pointer":5,"detail":[]},{"pointer":"%"}]}"#,
        r#"{"type":5,"title":"t","status":400,"error_type":{},"error_code":[],"param":1}"#,
    ] {
        let err = decode(400, &[], body);
        assert_eq!(err.status(), Status::BAD_REQUEST, "{body}");
        assert_eq!(err.doc_url(), None, "{body}");
        assert!(err.metadata().is_empty(), "{body}");
        for violation in err.violations() {
            assert!(!violation.field().is_empty() || !violation.description().is_empty());
        }
        for format in Format::ALL {
            let json = err.to_json_as(format);
            assert!(
                serde_json::from_str::<serde_json::Value>(&json).is_ok(),
                "{json}"
            );
        }
    }
}

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(r#"{"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":["#),
            Just(r#"{"type":"https://x/y","title":"t","status":400,"errors":["#),
            Just(r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","#),
            Just(r#"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":["#),
            Just(r#"{"@type":"type.googleapis.com/google.rpc.Help","links":["#),
            Just(r#"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"#),
            Just(r#""metadata":{"#),
            Just(r#""reason":"#),
            Just(r#""field":"#),
            Just(r#""pointer":"#),
            Just(r#""detail":"#),
            Just(r#""url":"#),
            Just(r##""#/a~1b~0c%C3%A9""##),
            Just(r#""~%""#),
            Just(r#""x""#),
            Just("1e999"),
            Just("-1"),
            Just("null"),
            Just(","),
            Just(":"),
            Just("{"),
            Just("}"),
            Just("]"),
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat().into_bytes())
}

proptest! {
    #[test]
    fn decoding_details_never_panics(body in fragments(), problem: bool) {
        let headers: &[(&str, &str)] = if problem {
            &[("content-type", "application/problem+json")]
        } else {
            &[]
        };
        let err = ErrorResponse::from_parts(400, headers, &body);
        prop_assert!(err.violations().len() <= MAX_VIOLATIONS);
        prop_assert!(err.metadata().len() <= MAX_METADATA_ENTRIES);
        for format in Format::ALL {
            let json = err.to_json_as(format);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
    }
}

/// A hand-written error with violations only.
struct TestError {
    violations: Vec<FieldViolation>,
}

impl ApiError for TestError {
    fn status(&self) -> Status {
        Status::BAD_REQUEST
    }
    fn error_type(&self) -> &str {
        "invalid_request_error"
    }
    fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed("Invalid fields")
    }
    fn violations(&self) -> &[FieldViolation] {
        &self.violations
    }
}
