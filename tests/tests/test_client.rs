//! `dos_errors::client::ErrorResponse`: decoding every shape of error response.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dos_errors::client::{BodyShape, ErrorResponse, DEFAULT_MAX_MESSAGE_BYTES};
use dos_errors::{ApiError, Retryability, Status};
use proptest::prelude::*;

fn decode(status: u16, headers: &[(&str, &str)], body: &str) -> ErrorResponse {
    ErrorResponse::from_parts(status, headers, body.as_bytes())
}

fn has_control_chars(text: &str) -> bool {
    text.chars().any(char::is_control)
}

// ---- Body shapes --------------------------------------------------------------------------

#[test]
fn envelope() {
    let err = decode(
        401,
        &[],
        r#"{"error":{"message":"The API key is missing, invalid, or has been revoked.","type":"authentication_error","code":401}}"#,
    );
    assert_eq!(err.shape(), BodyShape::Envelope);
    assert_eq!(err.status(), Status::UNAUTHORIZED);
    assert_eq!(err.error_type(), "authentication_error");
    assert_eq!(
        err.message(),
        "The API key is missing, invalid, or has been revoked."
    );
    assert_eq!((err.body_code(), err.code_mismatch()), (Some(401), None));
    assert_eq!(err.retryability(), Retryability::Fatal);
}

#[test]
fn envelope_round_trips_through_to_json() {
    let json = r#"{"error":{"message":"Your account does not have sufficient credits to process the request.","type":"insufficient_credits_error","code":402}}"#;
    assert_eq!(decode(402, &[], json).to_json(), json);
}

#[test]
fn the_http_status_wins_over_the_body_code() {
    let err = decode(
        503,
        &[],
        r#"{"error":{"message":"Model is loading","type":"invalid_request_error","code":400}}"#,
    );
    assert_eq!(err.status(), Status::SERVICE_UNAVAILABLE);
    assert_eq!(err.code_mismatch(), Some(400));
    assert_eq!(err.retryability(), Retryability::Transient);
    assert_eq!(err.to_envelope().error.code, 503);
}

#[test]
fn openai_error() {
    let err = decode(
        401,
        &[("x-request-id", "req_a1b2c3d4e5")],
        r#"{
            "error": {
                "message": "Incorrect API key provided: sk-abc***. You can find your API key at https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": null,
                "code": "invalid_api_key"
            }
        }"#,
    );
    assert_eq!(err.shape(), BodyShape::OpenAi);
    assert_eq!(err.error_type(), "invalid_request_error");
    assert_eq!(err.provider_code(), Some("invalid_api_key"));
    assert_eq!(err.param(), None);
    assert_eq!(err.body_code(), None);
    assert!(err
        .message()
        .starts_with("Incorrect API key provided: sk-abc***."));
    assert_eq!(err.request_id(), Some("req_a1b2c3d4e5"));
}

#[test]
fn openai_error_with_param_and_null_code() {
    let err = decode(
        400,
        &[],
        r#"{"error":{"message":"Invalid value for 'temperature': expected a number between 0 and 2.","type":"invalid_request_error","param":"temperature","code":null}}"#,
    );
    assert_eq!(err.shape(), BodyShape::OpenAi);
    assert_eq!(err.param().as_deref(), Some("temperature"));
    assert_eq!(err.provider_code(), None);
}

#[test]
fn openai_rate_limit_prefers_retry_after_ms() {
    let err = decode(
        429,
        &[
            ("retry-after", "2"),
            ("retry-after-ms", "1500"),
            ("x-should-retry", "true"),
        ],
        r#"{"error":{"message":"Rate limit reached for gpt-4o in organization org-xyz on tokens per min (TPM): Limit 30000, Used 29980, Requested 120. Please try again in 1.5s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}"#,
    );
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
    assert_eq!(err.retryability(), Retryability::Throttled);
    assert_eq!(err.should_retry_header(), Some(true));
    assert_eq!(err.error_type(), "tokens");
}

#[test]
fn anthropic_error() {
    let body = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"#;
    let err = decode(529, &[], body);
    assert_eq!(err.shape(), BodyShape::Anthropic);
    assert_eq!(err.status().as_u16(), 529);
    assert_eq!(err.error_type(), "overloaded_error");
    assert_eq!(err.message(), "Overloaded");
    assert_eq!(err.retryability(), Retryability::Transient);
    assert_eq!(err.request_id(), Some("req_011CSHoEeqs5C35K2UUqR7Fy"));
    // The header, when present, is the request id.
    let err = decode(529, &[("request-id", "req_header")], body);
    assert_eq!(err.request_id(), Some("req_header"));
}

#[test]
fn anthropic_invalid_request() {
    let err = decode(
        400,
        &[],
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"#,
    );
    assert_eq!(err.shape(), BodyShape::Anthropic);
    assert_eq!(err.message(), "max_tokens: Field required");
    assert_eq!(err.retryability(), Retryability::Fatal);
}

#[test]
fn problem_details_by_content_type() {
    let err = decode(
        403,
        &[("Content-Type", "application/problem+json; charset=utf-8")],
        r#"{
            "type": "https://example.com/probs/out-of-credit",
            "title": "You do not have enough credit.",
            "detail": "Your current balance is 30, but that costs 50.",
            "instance": "/account/12345/msgs/abc",
            "balance": 30,
            "accounts": ["/account/12345", "/account/67890"]
        }"#,
    );
    assert_eq!(err.shape(), BodyShape::Problem);
    assert_eq!(err.error_type(), "https://example.com/probs/out-of-credit");
    assert_eq!(
        err.message(),
        "Your current balance is 30, but that costs 50."
    );
    assert_eq!(err.body_code(), None);
}

#[test]
fn problem_details_by_members() {
    let err = decode(
        429,
        &[("content-type", "application/json")],
        r#"{"type":"about:blank","title":"Too Many Requests","status":429}"#,
    );
    assert_eq!(err.shape(), BodyShape::Problem);
    assert_eq!(err.error_type(), "rate_limit_error"); // about:blank: the status's type
    assert_eq!(err.message(), "Too Many Requests"); // no detail: the title
    assert_eq!((err.body_code(), err.code_mismatch()), (Some(429), None));
}

#[test]
fn google_error_with_retry_info() {
    let body = r#"{
      "error": {
        "code": 429,
        "message": "Resource has been exhausted (e.g. check quota).",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com", "quota_limit": "GenerateRequestsPerMinutePerProjectPerModel"}
          },
          {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "32s"}
        ]
      }
    }"#;
    let err = decode(429, &[], body);
    assert_eq!(err.shape(), BodyShape::Google);
    assert_eq!(err.error_type(), "RESOURCE_EXHAUSTED");
    assert_eq!(
        err.message(),
        "Resource has been exhausted (e.g. check quota)."
    );
    assert_eq!(err.error_code(), Some("rate_limit_exceeded"));
    assert_eq!(err.provider_code(), err.error_code());
    assert_eq!(err.domain(), Some("googleapis.com"));
    assert_eq!(
        err.doc_url().as_deref(),
        Some("https://ai.google.dev/gemini-api/docs/rate-limits")
    );
    assert_eq!(
        err.metadata()[1],
        (
            "quota_limit".to_owned(),
            "GenerateRequestsPerMinutePerProjectPerModel".to_owned()
        )
    );
    assert_eq!(err.body_code(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(32)));
    // A Retry-After header takes precedence over the body's RetryInfo.
    let err = decode(429, &[("Retry-After", "5")], body);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
}

#[test]
fn google_error_without_details() {
    let err = decode(
        503,
        &[],
        r#"{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}"#,
    );
    assert_eq!(err.shape(), BodyShape::Google);
    assert_eq!(err.error_type(), "UNAVAILABLE");
    assert_eq!(err.retry_after(), None);
}

#[test]
fn json_string_body() {
    let err = decode(503, &[], r#""Service temporarily unavailable""#);
    assert_eq!(err.shape(), BodyShape::JsonString);
    assert_eq!(err.message(), "Service temporarily unavailable");
    assert_eq!(err.error_type(), "service_unavailable_error");
    assert_eq!(
        decode(503, &[], r#""  ""#).message(),
        Status::SERVICE_UNAVAILABLE.default_message()
    );
}

#[test]
fn other_json_bodies() {
    let err = decode(401, &[], r#"{"error":"invalid_token"}"#);
    assert_eq!(
        (err.shape(), err.message().as_ref()),
        (BodyShape::Json, "invalid_token")
    );
    let err = decode(404, &[], r#"{"detail":"Not Found"}"#); // FastAPI
    assert_eq!(err.message(), "Not Found");
    let err = decode(403, &[], r#"{"message":"Forbidden"}"#); // AWS API Gateway
    assert_eq!(err.message(), "Forbidden");
    // Nothing to use as a message: the body text is the message.
    let err = decode(500, &[], r#"{"ok":false,"trace":[1,2]}"#);
    assert_eq!(err.message(), r#"{"ok":false,"trace":[1,2]}"#);
    let err = decode(500, &[], "[1, 2, 3]");
    assert_eq!(
        (err.shape(), err.message().as_ref()),
        (BodyShape::Json, "[1, 2, 3]")
    );
}

#[test]
fn plain_text_body() {
    let err = decode(
        502,
        &[("content-type", "text/plain")],
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
    );
    assert_eq!(err.shape(), BodyShape::Text);
    assert_eq!(err.error_type(), "bad_gateway_error");
    assert_eq!(
        err.message(),
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
    );
}

#[test]
fn html_body_is_one_clean_line() {
    let html = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let err = decode(504, &[("content-type", "text/html")], html);
    assert_eq!(err.shape(), BodyShape::Text);
    assert_eq!(
        err.message(),
        "<html> <head><title>504 Gateway Time-out</title></head> <body> <center><h1>504 Gateway Time-out</h1></center> <hr><center>nginx</center> </body> </html>"
    );
    assert_eq!(err.retryability(), Retryability::Transient);
}

#[test]
fn empty_and_blank_bodies_give_the_default_message() {
    for body in ["", "   ", "\r\n\t \n"] {
        let err = decode(503, &[], body);
        assert_eq!(err.shape(), BodyShape::Empty, "{body:?}");
        assert_eq!(
            err.message(),
            "The requested model is temporarily unavailable."
        );
        assert_eq!(err.error_type(), "service_unavailable_error");
    }
    let err = decode(400, &[], r#"{"error":{"message":"","type":"","code":400}}"#);
    assert_eq!(err.message(), Status::BAD_REQUEST.default_message());
    assert_eq!(err.error_type(), "invalid_request_error");
}

// ---- Cleaning and bounding ----------------------------------------------------------------

#[test]
fn invalid_utf8_is_replaced() {
    let err = ErrorResponse::from_parts(500, &[], b"caf\xC3\xA9 \xFF\xFE broken");
    assert_eq!(err.message(), "café \u{FFFD}\u{FFFD} broken");
}

#[test]
fn control_characters_are_removed() {
    let err = decode(
        500,
        &[],
        "\u{1b}[31mred\u{1b}[0m\u{7} alert\u{0}\u{202E}txt.exe",
    );
    assert_eq!(err.message(), "[31mred[0m alerttxt.exe");
    let err = decode(
        400,
        &[],
        r#"{"error":{"message":"line1\nline2\u0000\u001b","type":"bad\ttype","code":400}}"#,
    );
    assert_eq!(err.message(), "line1 line2");
    assert_eq!(err.error_type(), "bad type");
}

#[test]
fn long_messages_are_cut_on_a_character_boundary() {
    let text = "é".repeat(10_000); // 20,000 bytes
    let err = decode(500, &[], &text);
    assert!(err.message().len() <= DEFAULT_MAX_MESSAGE_BYTES);
    assert!(err.message().len() >= DEFAULT_MAX_MESSAGE_BYTES - 1);
    assert!(err.message().chars().all(|c| c == 'é'));
    assert!(err.truncated());

    let json = format!(r#"{{"error":{{"message":"{text}","type":"server_error","code":500}}}}"#);
    let err = decode(500, &[], &json);
    assert_eq!(err.shape(), BodyShape::Envelope);
    assert!(err.message().len() <= DEFAULT_MAX_MESSAGE_BYTES);

    let err = ErrorResponse::decoder()
        .max_message_bytes(5)
        .decode(500, &[], "€€€".as_bytes());
    assert_eq!(err.message(), "€");
}

#[test]
fn bodies_are_read_up_to_the_limit() {
    let json = r#"{"error":{"message":"Missing required field: model","type":"invalid_request_error","code":400}}"#;
    let small = ErrorResponse::decoder().max_body_bytes(20);
    let err = small.decode(400, &[], json.as_bytes());
    assert_eq!(err.shape(), BodyShape::Text);
    assert_eq!(err.message(), r#"{"error":{"message":"#);
    assert!(err.truncated());
    // A multi-byte character cut by the limit is dropped, not replaced.
    let err = ErrorResponse::decoder()
        .max_body_bytes(4)
        .decode(500, &[], "abc€".as_bytes());
    assert_eq!(err.message(), "abc");
    // The default reads 64 KiB.
    let big = format!("{}{}", " ".repeat(70 * 1024), json);
    let err = decode(400, &[], &big);
    assert_eq!(err.shape(), BodyShape::Empty);
    assert!(err.truncated());
    assert!(!decode(400, &[], json).truncated());
}

#[test]
fn deep_or_hostile_json_is_harmless() {
    let deep = "[".repeat(100_000);
    assert_eq!(decode(500, &[], &deep).shape(), BodyShape::Text);
    let deep_error = format!("{}{}", r#"{"error":"#.repeat(5_000), "1");
    assert_eq!(decode(500, &[], &deep_error).shape(), BodyShape::Text);
    let nested_ok = format!(
        r#"{{"error":{{"message":"ok","type":"t","code":500,"extra":{}1{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(decode(500, &[], &nested_ok).message(), "ok");
    for body in [
        r#"{"error":{"message":"x","code":1e400}}"#,
        r#"{"error":{"message":"x","code":-429}}"#,
        r#"{"error":{"message":"x","code":429.5}}"#,
        r#"{"error":{"message":"x","code":99999999999999999999999}}"#,
        r#"{"error":{"message":"x","message":"y"}}"#,
        r#"{"error":{"message":{"nested":true},"type":["a"],"code":"429"}}"#,
        r#"{"error":null}"#,
        r#"{"error":{"details":"not-a-list","status":5}}"#,
        r#"{"error":{"details":[1,"two",null,{"@type":7}],"status":"X"}}"#,
    ] {
        let err = decode(500, &[], body);
        assert_eq!(err.status(), Status::INTERNAL_SERVER_ERROR, "{body}");
        assert!(!err.message().is_empty(), "{body}");
    }
    assert_eq!(
        decode(500, &[], r#"{"error":{"message":"x","code":429.0}}"#).body_code(),
        Some(429)
    );
}

// ---- Statuses outside 400..=599 -----------------------------------------------------------

#[test]
fn a_200_carrying_an_error_takes_the_body_code() {
    let err = decode(
        200,
        &[],
        r#"{"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":429}}"#,
    );
    assert_eq!(err.status(), Status::TOO_MANY_REQUESTS);
    assert_eq!(err.http_status(), 200);
    assert_eq!(err.code_mismatch(), None);
    assert_eq!(err.retryability(), Retryability::Throttled);
}

#[test]
fn other_statuses_fall_back_to_500() {
    let err = decode(302, &[("location", "/login")], "");
    assert_eq!(
        (err.status(), err.http_status()),
        (Status::INTERNAL_SERVER_ERROR, 302)
    );
    let err = decode(200, &[], r#"{"error":{"message":"odd","code":200}}"#);
    assert_eq!(err.status(), Status::INTERNAL_SERVER_ERROR);
    assert_eq!(err.code_mismatch(), Some(200));
    for status in [0, 99, 1000, u16::MAX] {
        assert_eq!(
            decode(status, &[], "").status(),
            Status::INTERNAL_SERVER_ERROR
        );
    }
}

// ---- Headers ------------------------------------------------------------------------------

#[test]
fn header_names_are_case_insensitive_and_trimmed() {
    let err = decode(
        429,
        &[(" RETRY-AFTER ", " 5 "), ("X-Request-ID", "  req_9  ")],
        "",
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(err.request_id(), Some("req_9"));
}

#[test]
fn retry_after_http_date_uses_the_given_clock() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777 - 30);
    let err = ErrorResponse::from_parts_at(
        503,
        &[("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")],
        b"",
        now,
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    let later = ErrorResponse::from_parts_at(
        503,
        &[("Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT")],
        b"",
        SystemTime::now(),
    );
    assert_eq!(later.retry_after(), Some(Duration::ZERO));
}

#[test]
fn malformed_retry_headers_are_ignored() {
    let err = decode(
        429,
        &[
            ("retry-after-ms", "NaN"),
            ("retry-after", "-3"),
            ("retry-after", "4"),
        ],
        "",
    );
    // The first valid value wins; invalid ones are skipped.
    assert_eq!(err.retry_after(), Some(Duration::from_secs(4)));
    let err = decode(429, &[("retry-after", "tomorrow")], "");
    assert_eq!(err.retry_after(), None);
}

#[test]
fn x_should_retry_overrides_the_status() {
    let cases: &[(u16, &str, Retryability, Option<bool>)] = &[
        (400, "true", Retryability::Transient, Some(true)),
        (429, "TRUE", Retryability::Throttled, Some(true)),
        (503, "false", Retryability::Fatal, Some(false)),
        (503, " False ", Retryability::Fatal, Some(false)),
        (503, "maybe", Retryability::Transient, None),
        (400, "1", Retryability::Fatal, None),
    ];
    for &(status, value, retryability, header) in cases {
        let err = decode(status, &[("x-should-retry", value)], "");
        assert_eq!(err.retryability(), retryability, "{status} {value:?}");
        assert_eq!(err.should_retry_header(), header, "{status} {value:?}");
        assert_eq!(err.is_retryable(), retryability.is_retryable());
    }
}

#[test]
fn request_id_headers() {
    assert_eq!(
        decode(500, &[("request-id", "req_1")], "").request_id(),
        Some("req_1")
    );
    assert_eq!(
        decode(
            500,
            &[("request-id", "req_1"), ("x-request-id", "req_2")],
            ""
        )
        .request_id(),
        Some("req_2")
    );
    assert_eq!(
        decode(500, &[("x-request-id", "  ")], "").request_id(),
        None
    );
    let long = "r".repeat(10_000);
    let err = decode(500, &[("x-request-id", long.as_str())], "");
    assert!(err.request_id().unwrap().len() <= 256);
}

// ---- Traits -------------------------------------------------------------------------------

#[test]
fn display_debug_clone_and_error() {
    let err = decode(
        429,
        &[("x-request-id", "req_1")],
        r#"{"error":{"message":"Slow down","type":"rate_limit_error","code":429}}"#,
    );
    assert_eq!(
        err.to_string(),
        "429 Too Many Requests (rate_limit_error): Slow down [request id: req_1]"
    );
    let odd = decode(200, &[], "");
    assert_eq!(
        odd.to_string(),
        "500 Internal Server Error (server_error, received HTTP 200): An unexpected error occurred on our servers."
    );
    assert_eq!(err.clone(), err);
    assert!(format!("{err:?}").contains("Slow down"));
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().starts_with("429"));
}

// ---- Properties ---------------------------------------------------------------------------

fn header_strategy() -> impl Strategy<Value = (String, String)> {
    let names = prop_oneof![
        Just("retry-after".to_owned()),
        Just("Retry-After-Ms".to_owned()),
        Just("x-should-retry".to_owned()),
        Just("x-request-id".to_owned()),
        Just("content-type".to_owned()),
        any::<String>(),
    ];
    let values = prop_oneof![
        any::<String>(),
        "[0-9.-]{0,25}",
        Just("Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
        Just("application/problem+json".to_owned()),
    ];
    (names, values)
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        any::<String>().prop_map(String::into_bytes),
        // JSON-ish fragments, to reach the shape detection.
        prop::collection::vec(
            prop_oneof![
                Just(r#"{"error":"#),
                Just(r#"{"type":"error","#),
                Just(r#""message":"#),
                Just(r#""code":"#),
                Just(r#""status":"#),
                Just(r#""details":["#),
                Just(r#""@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"#),
                Just(r#""title":"#),
                Just("\"x\""),
                Just("429"),
                Just("null"),
                Just(","),
                Just("}"),
                Just("]"),
            ],
            0..20
        )
        .prop_map(|parts| parts.concat().into_bytes()),
    ]
}

proptest! {
    #[test]
    fn from_parts_never_panics(
        status: u16,
        headers in prop::collection::vec(header_strategy(), 0..6),
        body in body_strategy(),
        max_message in 0usize..64,
    ) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let err = ErrorResponse::from_parts(status, &headers, &body);
        prop_assert!((400..=599).contains(&err.status().as_u16()));
        prop_assert_eq!(err.http_status(), status);
        prop_assert!(!err.message().is_empty());
        prop_assert!(err.message().len() <= DEFAULT_MAX_MESSAGE_BYTES);
        prop_assert!(!has_control_chars(&err.message()));
        prop_assert!(!has_control_chars(err.error_type()));
        let _ = err.to_string();
        let _ = err.to_json();

        let bounded = ErrorResponse::decoder().max_message_bytes(max_message).max_body_bytes(40);
        let err = bounded.decode(status, &headers, &body);
        let default_message = err.status().default_message();
        prop_assert!(err.message().len() <= max_message || err.message() == default_message);
    }

    #[test]
    fn text_bodies_are_their_own_message(text in "[a-zA-Z][a-zA-Z .,!?]{0,200}") {
        let err = decode(503, &[], &text);
        prop_assert_eq!(err.shape(), BodyShape::Text);
        let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(err.message(), expected.as_str());
    }
}
