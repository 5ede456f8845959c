//! Every wire format (`Format`): golden bytes, equality with a serde rendering of
//! the same body, escaping of any text, render → decode round trips, re-rendering
//! a decoded response, and no allocation for static messages.

use std::borrow::Cow;
use std::time::Duration;

use dos_errors::client::ErrorResponse;
use dos_errors::{ApiError, FieldViolation, Format, GrpcCode, MessageWriter, Status};
use proptest::prelude::*;

// ---- Declared errors ----------------------------------------------------------------

#[derive(Debug, ApiError)]
#[api_error(docs = "https://docs.example.com/errors", domain = "example.com")]
enum ChatError {
    /// Static: the status's default message and type.
    #[api_error(status = 401)]
    InvalidKey,
    /// Interpolated, with a code and a constant param.
    #[api_error(
        status = 404,
        code = "model_not_found",
        param = "model",
        message = "The model `{model}` does not exist"
    )]
    UnknownModel { model: String },
    /// Format specs, a field used twice, a retry delay from a field.
    #[api_error(
        status = 429,
        code = "rate_limit_exceeded",
        message = "Limit {limit:>5} per {window}; {window:?} \"{limit:x}\""
    )]
    RateLimited {
        limit: u32,
        window: &'static str,
        #[api_error(retry_after)]
        wait: Duration,
    },
    /// Static, with violations from a field.
    #[api_error(
        status = 400,
        type = "invalid_messages_error",
        message = "Invalid messages"
    )]
    InvalidMessages {
        #[api_error(violations)]
        violations: Vec<FieldViolation>,
    },
    /// The param from a field, a tuple placeholder.
    #[api_error(status = 400, message = "Invalid value for {1}")]
    InvalidParam(#[api_error(param)] String, String),
    /// Masked: the field never shows (only `Debug` reads it).
    #[api_error(status = 500)]
    #[allow(dead_code)]
    Database(String),
    /// A declared gRPC code and a constant retry delay.
    #[api_error(status = 503, grpc = "DEADLINE_EXCEEDED", retry_after = 30)]
    Loading,
    #[api_error(transparent)]
    Upstream(Upstream),
}

/// No docs, no domain: what a transparent variant delegates to.
#[derive(Debug, ApiError)]
enum Upstream {
    #[api_error(status = 502, message = "Upstream {0} failed")]
    Failed(String),
}

/// Google's full set of details for a masked error: none but `ErrorInfo`.
fn derived_errors() -> Vec<(&'static str, ChatError)> {
    vec![
        ("static", ChatError::InvalidKey),
        (
            "code and param",
            ChatError::UnknownModel {
                model: "gpt-5\n".into(),
            },
        ),
        (
            "specs and retry",
            ChatError::RateLimited {
                limit: 10,
                window: "minute",
                wait: Duration::from_millis(1500),
            },
        ),
        (
            "violations",
            ChatError::InvalidMessages {
                violations: vec![
                    FieldViolation::new("messages[1].role", "must be \"user\""),
                    FieldViolation::new("a/b~c", "bad"),
                ],
            },
        ),
        (
            "param field",
            ChatError::InvalidParam("temperature".into(), "temperature".into()),
        ),
        ("masked", ChatError::Database("password=hunter2".into())),
        ("grpc and constant retry", ChatError::Loading),
        (
            "transparent",
            ChatError::Upstream(Upstream::Failed("x".into())),
        ),
    ]
}

/// The metadata Google's format shows for each of [`derived_errors`].
fn derived_metadata(name: &str) -> Vec<(&'static str, &'static str)> {
    match name {
        "code and param" => vec![("model", "gpt-5\n")],
        "specs and retry" => vec![("limit", "   10"), ("window", "minute")],
        "param field" => vec![("1", "temperature")],
        "transparent" => vec![("0", "x")],
        _ => vec![],
    }
}

/// A hand-written error answering every method from plain data; its message is
/// written as pieces, the values (`Arg`) becoming Google's metadata by position.
#[derive(Debug, Clone)]
struct Declared {
    status: Status,
    error_type: String,
    pieces: Vec<Piece>,
    code: Option<String>,
    param: Option<String>,
    violations: Vec<FieldViolation>,
    doc_url: Option<String>,
    domain: Option<String>,
    grpc: GrpcCode,
    retry_after: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Arg(String),
}

impl Declared {
    fn metadata(&self) -> Vec<(String, String)> {
        self.pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Arg(value) => Some(value.clone()),
                Piece::Text(_) => None,
            })
            .enumerate()
            .map(|(position, value)| (position.to_string(), value))
            .collect()
    }
}

impl ApiError for Declared {
    fn status(&self) -> Status {
        self.status
    }
    fn error_type(&self) -> &str {
        &self.error_type
    }
    fn message(&self) -> Cow<'_, str> {
        dos_errors::message_of(self)
    }
    fn write_message(&self, out: &mut MessageWriter<'_>) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.text(text),
                Piece::Arg(value) => out.arg_str(value),
            }
        }
    }
    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    fn error_code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    fn param(&self) -> Option<Cow<'_, str>> {
        self.param
            .as_deref()
            .or_else(|| self.violations.first().map(FieldViolation::field))
            .map(Cow::Borrowed)
    }
    fn violations(&self) -> &[FieldViolation] {
        &self.violations
    }
    fn doc_url(&self) -> Option<Cow<'_, str>> {
        self.doc_url.as_deref().map(Cow::Borrowed)
    }
    fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
    fn grpc_code(&self) -> GrpcCode {
        self.grpc
    }
}

// ---- A reference rendering with serde ------------------------------------------------

/// What a body shows, read through the public `ApiError` methods, and each format
/// written from it with `#[derive(Serialize)]` structs.
mod reference {
    use std::time::Duration;

    use dos_errors::{ApiError, Format};
    use serde::ser::SerializeMap;
    use serde::{Serialize, Serializer};

    pub struct View {
        pub status: u16,
        pub error_type: String,
        pub message: String,
        pub code: Option<String>,
        pub param: Option<String>,
        pub violations: Vec<(String, String)>,
        pub doc_url: Option<String>,
        pub domain: Option<String>,
        pub grpc: &'static str,
        pub retry_after: Option<Duration>,
        pub metadata: Vec<(String, String)>,
    }

    impl View {
        pub fn of<E: ApiError + ?Sized>(error: &E, metadata: Vec<(String, String)>) -> View {
            View {
                status: error.status().as_u16(),
                error_type: error.error_type().to_owned(),
                message: error.message().into_owned(),
                code: error.error_code().map(str::to_owned),
                param: error.param().map(|p| p.into_owned()),
                violations: error
                    .violations()
                    .iter()
                    .map(|v| (v.field().to_owned(), v.description().to_owned()))
                    .collect(),
                doc_url: error.doc_url().map(|u| u.into_owned()),
                domain: error.domain().map(str::to_owned),
                grpc: error.grpc_code().as_str(),
                retry_after: error.retry_after(),
                metadata,
            }
        }
    }

    pub fn render(view: &View, format: Format) -> String {
        let json = match format {
            Format::Envelope => serde_json::to_string(&Envelope {
                error: EnvelopeBody {
                    message: &view.message,
                    kind: &view.error_type,
                    code: view.status,
                },
            }),
            Format::OpenAi => serde_json::to_string(&OpenAi {
                error: OpenAiBody {
                    message: &view.message,
                    kind: &view.error_type,
                    param: view.param.as_deref(),
                    code: view.code.as_deref(),
                },
            }),
            Format::Anthropic => serde_json::to_string(&Anthropic {
                kind: "error",
                error: AnthropicBody {
                    kind: &view.error_type,
                    message: &view.message,
                },
            }),
            Format::Problem => serde_json::to_string(&Problem {
                kind: view.doc_url.as_deref().unwrap_or("about:blank"),
                title: dos_errors::Status::new(view.status).unwrap().title(),
                status: view.status,
                detail: &view.message,
                error_type: &view.error_type,
                error_code: view.code.as_deref(),
                param: view.param.as_deref(),
                errors: view
                    .violations
                    .iter()
                    .map(|(field, description)| ProblemError {
                        detail: description,
                        pointer: pointer(field),
                    })
                    .collect(),
            }),
            Format::Google => serde_json::to_string(&Google {
                error: GoogleBody {
                    code: view.status,
                    message: &view.message,
                    status: view.grpc,
                    details: google_details(view),
                },
            }),
        };
        json.unwrap()
    }

    fn google_details(view: &View) -> Vec<Detail<'_>> {
        let reason_source = view.code.as_deref().unwrap_or(&view.error_type);
        let mut details = vec![Detail::ErrorInfo {
            kind: "type.googleapis.com/google.rpc.ErrorInfo",
            reason: reason_source.to_ascii_uppercase(),
            domain: view.domain.as_deref(),
            metadata: Ordered(&view.metadata),
        }];
        if let Some(delay) = view.retry_after {
            details.push(Detail::RetryInfo {
                kind: "type.googleapis.com/google.rpc.RetryInfo",
                retry_delay: protobuf_duration(delay),
            });
        }
        let mut violations: Vec<FieldViolation<'_>> = view
            .violations
            .iter()
            .map(|(field, description)| FieldViolation { field, description })
            .collect();
        if violations.is_empty() {
            if let Some(param) = &view.param {
                violations.push(FieldViolation {
                    field: param,
                    description: &view.message,
                });
            }
        }
        if !violations.is_empty() {
            details.push(Detail::BadRequest {
                kind: "type.googleapis.com/google.rpc.BadRequest",
                field_violations: violations,
            });
        }
        if let Some(url) = &view.doc_url {
            details.push(Detail::Help {
                kind: "type.googleapis.com/google.rpc.Help",
                links: vec![Link {
                    description: format!("Documentation of {reason_source}"),
                    url,
                }],
            });
        }
        details
    }

    pub fn protobuf_duration(delay: Duration) -> String {
        let (secs, nanos) = (delay.as_secs(), delay.subsec_nanos());
        if nanos == 0 {
            format!("{secs}s")
        } else if nanos % 1_000_000 == 0 {
            format!("{secs}.{:03}s", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            format!("{secs}.{:06}s", nanos / 1_000)
        } else {
            format!("{secs}.{nanos:09}s")
        }
    }

    /// `messages[1].role` as `#/messages/1/role` (RFC 6901, URI fragment form).
    pub fn pointer(path: &str) -> String {
        let mut segments: Vec<&str> = Vec::new();
        let mut rest = path;
        while !path.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let (key, tail) = after.split_once(']').unwrap_or((after, ""));
                let unquoted = ['"', '\'']
                    .iter()
                    .find_map(|&q| key.strip_prefix(q)?.strip_suffix(q));
                segments.push(unquoted.unwrap_or(key));
                rest = tail;
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                segments.push(&rest[..end]);
                rest = &rest[end..];
            }
            if let Some(tail) = rest.strip_prefix('.') {
                rest = tail;
            } else if rest.is_empty() {
                break;
            }
        }
        let mut pointer = String::from("#");
        for segment in segments {
            pointer.push('/');
            for byte in segment.bytes() {
                match byte {
                    b'~' => pointer.push_str("~0"),
                    b'/' => pointer.push_str("~1"),
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => pointer.push(byte as char),
                    b'-' | b'.' | b'_' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
                    | b',' | b';' | b'=' | b':' | b'@' | b'?' => pointer.push(byte as char),
                    _ => pointer.push_str(&format!("%{byte:02X}")),
                }
            }
        }
        pointer
    }

    #[derive(Serialize)]
    struct Envelope<'a> {
        error: EnvelopeBody<'a>,
    }

    #[derive(Serialize)]
    struct EnvelopeBody<'a> {
        message: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        code: u16,
    }

    #[derive(Serialize)]
    struct OpenAi<'a> {
        error: OpenAiBody<'a>,
    }

    #[derive(Serialize)]
    struct OpenAiBody<'a> {
        message: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        param: Option<&'a str>,
        code: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct Anthropic<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        error: AnthropicBody<'a>,
    }

    #[derive(Serialize)]
    struct AnthropicBody<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        message: &'a str,
    }

    #[derive(Serialize)]
    struct Problem<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        title: &'a str,
        status: u16,
        detail: &'a str,
        error_type: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error_code: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        param: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        errors: Vec<ProblemError<'a>>,
    }

    #[derive(Serialize)]
    struct ProblemError<'a> {
        detail: &'a str,
        pointer: String,
    }

    #[derive(Serialize)]
    struct Google<'a> {
        error: GoogleBody<'a>,
    }

    #[derive(Serialize)]
    struct GoogleBody<'a> {
        code: u16,
        message: &'a str,
        status: &'a str,
        details: Vec<Detail<'a>>,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Detail<'a> {
        ErrorInfo {
            #[serde(rename = "@type")]
            kind: &'a str,
            reason: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            domain: Option<&'a str>,
            #[serde(skip_serializing_if = "Ordered::is_empty")]
            metadata: Ordered<'a>,
        },
        RetryInfo {
            #[serde(rename = "@type")]
            kind: &'a str,
            #[serde(rename = "retryDelay")]
            retry_delay: String,
        },
        BadRequest {
            #[serde(rename = "@type")]
            kind: &'a str,
            #[serde(rename = "fieldViolations")]
            field_violations: Vec<FieldViolation<'a>>,
        },
        Help {
            #[serde(rename = "@type")]
            kind: &'a str,
            links: Vec<Link<'a>>,
        },
    }

    #[derive(Serialize)]
    struct FieldViolation<'a> {
        field: &'a str,
        description: &'a str,
    }

    #[derive(Serialize)]
    struct Link<'a> {
        description: String,
        url: &'a str,
    }

    /// A JSON object with its members in this order.
    struct Ordered<'a>(&'a [(String, String)]);

    impl Ordered<'_> {
        fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    impl Serialize for Ordered<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (name, value) in self.0 {
                map.serialize_entry(name, value)?;
            }
            map.end()
        }
    }
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

// ---- Golden bytes ----------------------------------------------------------------------

/// The five bodies of `error`, in `Format::ALL` order.
fn bodies<E: ApiError + ?Sized>(error: &E) -> Vec<String> {
    Format::ALL
        .into_iter()
        .map(|format| error.to_json_as(format))
        .collect()
}

#[test]
fn golden_static_message() {
    assert_eq!(
        bodies(&ChatError::InvalidKey),
        [
            r#"{"error":{"message":"The API key is missing, invalid, or has been revoked.","type":"authentication_error","code":401}}"#,
            r#"{"error":{"message":"The API key is missing, invalid, or has been revoked.","type":"authentication_error","param":null,"code":null}}"#,
            r#"{"type":"error","error":{"type":"authentication_error","message":"The API key is missing, invalid, or has been revoked."}}"#,
            r#"{"type":"https://docs.example.com/errors#authentication_error","title":"Unauthorized","status":401,"detail":"The API key is missing, invalid, or has been revoked.","error_type":"authentication_error"}"#,
            r#"{"error":{"code":401,"message":"The API key is missing, invalid, or has been revoked.","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"AUTHENTICATION_ERROR","domain":"example.com"},{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of authentication_error","url":"https://docs.example.com/errors#authentication_error"}]}]}}"#,
        ]
    );
}

#[test]
fn golden_code_and_constant_param() {
    let error = ChatError::UnknownModel {
        model: "gpt-5\n".into(),
    };
    assert_eq!(
        bodies(&error),
        [
            r#"{"error":{"message":"The model `gpt-5\n` does not exist","type":"not_found_error","code":404}}"#,
            r#"{"error":{"message":"The model `gpt-5\n` does not exist","type":"not_found_error","param":"model","code":"model_not_found"}}"#,
            r#"{"type":"error","error":{"type":"not_found_error","message":"The model `gpt-5\n` does not exist"}}"#,
            r#"{"type":"https://docs.example.com/errors#model_not_found","title":"Not Found","status":404,"detail":"The model `gpt-5\n` does not exist","error_type":"not_found_error","error_code":"model_not_found","param":"model"}"#,
            concat!(
                r#"{"error":{"code":404,"message":"The model `gpt-5\n` does not exist","status":"NOT_FOUND","details":["#,
                r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"MODEL_NOT_FOUND","domain":"example.com","metadata":{"model":"gpt-5\n"}},"#,
                // A lone param: one violation, described by the message.
                r#"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"model","description":"The model `gpt-5\n` does not exist"}]},"#,
                r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of model_not_found","url":"https://docs.example.com/errors#model_not_found"}]}]}}"#
            ),
        ]
    );
}

#[test]
fn golden_format_specs_and_retry_delay() {
    let error = ChatError::RateLimited {
        limit: 10,
        window: "minute",
        wait: Duration::from_millis(1500),
    };
    let message = r#"Limit    10 per minute; \"minute\" \"a\""#;
    assert_eq!(
        bodies(&error),
        [
            format!(
                r#"{{"error":{{"message":"{message}","type":"rate_limit_error","code":429}}}}"#
            ),
            format!(
                r#"{{"error":{{"message":"{message}","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}}}"#
            ),
            format!(
                r#"{{"type":"error","error":{{"type":"rate_limit_error","message":"{message}"}}}}"#
            ),
            format!(
                r#"{{"type":"https://docs.example.com/errors#rate_limit_exceeded","title":"Too Many Requests","status":429,"detail":"{message}","error_type":"rate_limit_error","error_code":"rate_limit_exceeded"}}"#
            ),
            format!(
                concat!(
                    r#"{{"error":{{"code":429,"message":"{message}","status":"RESOURCE_EXHAUSTED","details":["#,
                    // `{limit:>5}` and `{limit:x}`: the first placeholder of a name stands for it.
                    r#"{{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"example.com","metadata":{{"limit":"   10","window":"minute"}}}},"#,
                    r#"{{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.500s"}},"#,
                    r#"{{"@type":"type.googleapis.com/google.rpc.Help","links":[{{"description":"Documentation of rate_limit_exceeded","url":"https://docs.example.com/errors#rate_limit_exceeded"}}]}}]}}}}"#
                ),
                message = message
            ),
        ]
    );
}

#[test]
fn golden_violations() {
    let error = ChatError::InvalidMessages {
        violations: vec![
            FieldViolation::new("messages[1].role", "must be \"user\""),
            FieldViolation::new("a/b~c", "bad"),
        ],
    };
    let bodies = bodies(&error);
    assert_eq!(
        bodies[1],
        r#"{"error":{"message":"Invalid messages","type":"invalid_messages_error","param":"messages[1].role","code":null}}"#
    );
    assert_eq!(
        bodies[3],
        concat!(
            r#"{"type":"https://docs.example.com/errors#invalid_messages_error","title":"Bad Request","status":400,"#,
            r#""detail":"Invalid messages","error_type":"invalid_messages_error","param":"messages[1].role","#,
            r##""errors":[{"detail":"must be \"user\"","pointer":"#/messages/1/role"},{"detail":"bad","pointer":"#/a~1b~0c"}]}"##
        )
    );
    assert_eq!(
        bodies[4],
        concat!(
            r#"{"error":{"code":400,"message":"Invalid messages","status":"INVALID_ARGUMENT","details":["#,
            r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_MESSAGES_ERROR","domain":"example.com"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"messages[1].role","description":"must be \"user\""},{"field":"a/b~c","description":"bad"}]},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of invalid_messages_error","url":"https://docs.example.com/errors#invalid_messages_error"}]}]}}"#
        )
    );
}

#[test]
fn golden_masked_error_shows_no_field() {
    let bodies = bodies(&ChatError::Database("password=hunter2".into()));
    for body in &bodies {
        assert!(!body.contains("hunter2"), "{body}");
    }
    assert_eq!(
        bodies[4],
        concat!(
            r#"{"error":{"code":500,"message":"An unexpected error occurred on our servers.","status":"INTERNAL","details":["#,
            r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVER_ERROR","domain":"example.com"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of server_error","url":"https://docs.example.com/errors#server_error"}]}]}}"#
        )
    );
    assert_eq!(
        bodies[3],
        r#"{"type":"https://docs.example.com/errors#server_error","title":"Internal Server Error","status":500,"detail":"An unexpected error occurred on our servers.","error_type":"server_error"}"#
    );
}

#[test]
fn golden_declared_grpc_code_and_constant_delay() {
    assert_eq!(
        ChatError::Loading.to_json_as(Format::Google),
        concat!(
            r#"{"error":{"code":503,"message":"The requested model is temporarily unavailable.","status":"DEADLINE_EXCEEDED","details":["#,
            r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_UNAVAILABLE_ERROR","domain":"example.com"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of service_unavailable_error","url":"https://docs.example.com/errors#service_unavailable_error"}]}]}}"#
        )
    );
}

#[test]
fn golden_transparent_delegates_everything() {
    let outer = ChatError::Upstream(Upstream::Failed("x".into()));
    let inner = Upstream::Failed("x".into());
    assert_eq!(bodies(&outer), bodies(&inner));
    assert_eq!(
        bodies(&inner)[3..],
        [
            // Neither docs nor domain on the inner type.
            r#"{"type":"about:blank","title":"Bad Gateway","status":502,"detail":"Upstream x failed","error_type":"bad_gateway_error"}"#,
            r#"{"error":{"code":502,"message":"Upstream x failed","status":"UNAVAILABLE","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"BAD_GATEWAY_ERROR","metadata":{"0":"x"}}]}}"#,
        ]
    );
}

#[test]
fn golden_hand_written_error() {
    let error = Declared {
        status: Status::new(499).unwrap(),
        error_type: "Odd Type".into(),
        pieces: vec![
            Piece::Text("Tab\there: ".into()),
            Piece::Arg("\"quoted\"".into()),
            Piece::Text(" and ".into()),
            Piece::Arg("\u{1}".into()),
        ],
        code: Some("weird\ncode".into()),
        param: None,
        violations: vec![FieldViolation::new("é d%", "no")],
        doc_url: Some("https://d.example/e".into()),
        domain: None,
        grpc: GrpcCode::Cancelled,
        retry_after: Some(Duration::from_micros(20)),
    };
    assert_eq!(
        bodies(&error),
        [
            r#"{"error":{"message":"Tab\there: \"quoted\" and \u0001","type":"Odd Type","code":499}}"#,
            r#"{"error":{"message":"Tab\there: \"quoted\" and \u0001","type":"Odd Type","param":"é d%","code":"weird\ncode"}}"#,
            r#"{"type":"error","error":{"type":"Odd Type","message":"Tab\there: \"quoted\" and \u0001"}}"#,
            // A status without a reason phrase: its class's title.
            r##"{"type":"https://d.example/e","title":"Client Error","status":499,"detail":"Tab\there: \"quoted\" and \u0001","error_type":"Odd Type","error_code":"weird\ncode","param":"é d%","errors":[{"detail":"no","pointer":"#/%C3%A9%20d%25"}]}"##,
            concat!(
                r#"{"error":{"code":499,"message":"Tab\there: \"quoted\" and \u0001","status":"CANCELLED","details":["#,
                // Upper-cased, but not the escape sequences.
                r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"WEIRD\nCODE","metadata":{"0":"\"quoted\"","1":"\u0001"}},"#,
                r#"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"0.000020s"},"#,
                r#"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"é d%","description":"no"}]},"#,
                r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of weird\ncode","url":"https://d.example/e"}]}]}}"#
            ),
        ]
    );
}

#[test]
fn a_minimal_hand_written_error_has_only_what_it_declares() {
    struct Teapot;
    impl ApiError for Teapot {
        fn status(&self) -> Status {
            Status::new(418).unwrap()
        }
        fn error_type(&self) -> &str {
            "teapot_error"
        }
        fn message(&self) -> Cow<'_, str> {
            "I'm a teapot".into()
        }
    }
    assert_eq!(
        bodies(&Teapot),
        [
            r#"{"error":{"message":"I'm a teapot","type":"teapot_error","code":418}}"#,
            r#"{"error":{"message":"I'm a teapot","type":"teapot_error","param":null,"code":null}}"#,
            r#"{"type":"error","error":{"type":"teapot_error","message":"I'm a teapot"}}"#,
            r#"{"type":"about:blank","title":"I'm a teapot","status":418,"detail":"I'm a teapot","error_type":"teapot_error"}"#,
            r#"{"error":{"code":418,"message":"I'm a teapot","status":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"TEAPOT_ERROR"}]}}"#,
        ]
    );
}

// ---- serde equality --------------------------------------------------------------------

#[test]
fn every_format_is_the_json_serde_writes() {
    for (name, error) in derived_errors() {
        let view = reference::View::of(&error, owned(&derived_metadata(name)));
        for format in Format::ALL {
            let ours = error.to_json_as(format);
            let expected = reference::render(&view, format);
            assert_eq!(ours, expected, "{name} in {format}");
            // And it parses back to the same value.
            let parsed: serde_json::Value = serde_json::from_str(&ours).unwrap();
            let value: serde_json::Value = serde_json::from_str(&expected).unwrap();
            assert_eq!(parsed, value, "{name} in {format}");
        }
    }
}

#[test]
fn write_as_appends() {
    let mut out = b"prefix ".to_vec();
    ChatError::InvalidKey.write_as(Format::Google, &mut out);
    assert_eq!(
        out,
        [
            b"prefix ".as_slice(),
            ChatError::InvalidKey.to_json_as(Format::Google).as_bytes()
        ]
        .concat()
    );
}

// ---- Properties ------------------------------------------------------------------------

const STATUSES: [u16; 15] = [
    400, 401, 402, 403, 404, 409, 413, 418, 422, 429, 499, 500, 502, 503, 599,
];

fn status_strategy() -> impl Strategy<Value = Status> {
    prop::sample::select(STATUSES.to_vec()).prop_map(|code| Status::new(code).unwrap())
}

fn grpc_strategy() -> impl Strategy<Value = GrpcCode> {
    prop::sample::select(GrpcCode::ALL.to_vec())
}

/// Any declared error, any text anywhere.
fn any_declared() -> impl Strategy<Value = Declared> {
    let pieces = prop::collection::vec(
        prop_oneof![
            any::<String>().prop_map(Piece::Text),
            any::<String>().prop_map(Piece::Arg)
        ],
        0..5,
    );
    let violations = prop::collection::vec(
        (any::<String>(), any::<String>()).prop_map(|(f, d)| FieldViolation::new(f, d)),
        0..4,
    );
    (
        (status_strategy(), any::<String>(), pieces, grpc_strategy()),
        (
            any::<Option<String>>(),
            any::<Option<String>>(),
            violations,
            any::<Option<String>>(),
            any::<Option<String>>(),
            any::<Option<(u32, u32)>>(),
        ),
    )
        .prop_map(
            |(
                (status, error_type, pieces, grpc),
                (code, param, violations, doc_url, domain, delay),
            )| Declared {
                status,
                error_type,
                pieces,
                code,
                param,
                violations,
                doc_url,
                domain,
                grpc,
                retry_after: delay
                    .map(|(secs, nanos)| Duration::new(u64::from(secs), nanos % 1_000_000_000)),
            },
        )
}

/// A word that survives the client's cleaning as it is, with characters JSON and
/// URI fragments escape.
const WORD: &str = "[a-zA-Z0-9\"\\\\/~%é😀'{}.<>&#?]{1,8}";
const NAME: &str = "[a-z][a-z0-9_]{0,15}";
/// A path segment: not all digits, no `.`, `[`, `]`, no whitespace.
const SEGMENT: &str = "[a-zA-Z_~/%é😀\"'-][a-zA-Z0-9_~/%é😀\"'-]{0,6}";

fn field_path() -> impl Strategy<Value = String> {
    (
        SEGMENT,
        prop::collection::vec(
            prop_oneof![
                SEGMENT.prop_map(|s| format!(".{s}")),
                (0u16..1000).prop_map(|n| format!("[{n}]")),
            ],
            0..4,
        ),
    )
        .prop_map(|(first, rest)| format!("{first}{}", rest.concat()))
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(WORD, 1..5).prop_map(|words| words.join(" "))
}

/// A declared error whose texts a decoder keeps as they are (no control
/// characters, no runs of whitespace, lower-case names).
fn clean_declared() -> impl Strategy<Value = Declared> {
    let pieces = prop::collection::vec((any::<bool>(), WORD), 1..5).prop_map(|words| {
        let mut pieces = Vec::new();
        for (index, (is_arg, word)) in words.into_iter().enumerate() {
            if index > 0 {
                pieces.push(Piece::Text(" ".into()));
            }
            pieces.push(if is_arg {
                Piece::Arg(word)
            } else {
                Piece::Text(word)
            });
        }
        pieces
    });
    let violations = prop::collection::vec(
        (field_path(), sentence()).prop_map(|(f, d)| FieldViolation::new(f, d)),
        0..4,
    );
    (
        (status_strategy(), NAME, pieces, grpc_strategy()),
        (
            prop::option::of(NAME),
            prop::option::of(field_path()),
            violations,
            prop::option::of(
                NAME.prop_map(|anchor| format!("https://docs.example.com/e#{anchor}")),
            ),
            prop::option::of("[a-z]{1,8}\\.com"),
            prop::option::of(0u32..100_000_000),
        ),
    )
        .prop_map(
            |(
                (status, error_type, pieces, grpc),
                (code, param, violations, doc_url, domain, millis),
            )| Declared {
                status,
                error_type,
                pieces,
                code,
                param,
                violations,
                doc_url,
                domain,
                grpc,
                retry_after: millis.map(|ms| Duration::from_millis(u64::from(ms))),
            },
        )
}

/// The headers a server sends with a body in `format`.
fn headers(error: &Declared, format: Format) -> Vec<(String, String)> {
    let mut headers = vec![("content-type".to_owned(), format.content_type().to_owned())];
    if let Some(delay) = error.retry_after {
        headers.push(("retry-after-ms".to_owned(), delay.as_millis().to_string()));
    }
    headers
}

fn decode(error: &Declared, format: Format, body: &str) -> ErrorResponse {
    let headers = headers(error, format);
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    ErrorResponse::from_parts(error.status.as_u16(), &headers, body.as_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the text, every format writes the bytes serde_json writes.
    #[test]
    fn every_format_escapes_as_serde_json_does(error in any_declared()) {
        let view = reference::View::of(&error, error.metadata());
        for format in Format::ALL {
            let ours = error.to_json_as(format);
            prop_assert_eq!(&ours, &reference::render(&view, format), "{}", format);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&ours).is_ok());
        }
    }

    /// A body decodes back to what its format carries, and the decoded response
    /// writes the same body again.
    #[test]
    fn every_format_decodes_back(error in clean_declared()) {
        let message = error.message().into_owned();
        let param = error.param().map(Cow::into_owned);
        for format in Format::ALL {
            let body = error.to_json_as(format);
            let decoded = decode(&error, format, &body);
            prop_assert_eq!(decoded.status(), error.status);
            prop_assert_eq!(decoded.message(), message.as_str());
            prop_assert_eq!(decoded.retry_after(), error.retry_after);
            prop_assert_eq!(decoded.to_json_as(format), body, "{} re-rendered", format);
            match format {
                Format::Envelope | Format::Anthropic => {
                    prop_assert_eq!(decoded.error_type(), error.error_type.as_str());
                    prop_assert_eq!(decoded.error_code(), None);
                    prop_assert!(decoded.violations().is_empty());
                }
                Format::OpenAi => {
                    prop_assert_eq!(decoded.error_type(), error.error_type.as_str());
                    prop_assert_eq!(decoded.error_code(), error.code.as_deref());
                    prop_assert_eq!(decoded.param().map(Cow::into_owned), param.clone());
                }
                Format::Problem => {
                    prop_assert_eq!(decoded.error_type(), error.error_type.as_str());
                    prop_assert_eq!(decoded.error_code(), error.code.as_deref());
                    prop_assert_eq!(decoded.param().map(Cow::into_owned), param.clone());
                    prop_assert_eq!(decoded.violations(), error.violations.as_slice());
                    prop_assert_eq!(decoded.doc_url(), error.doc_url());
                }
                Format::Google => {
                    prop_assert_eq!(decoded.grpc_code(), error.grpc);
                    let reason = error.code.as_deref().unwrap_or(&error.error_type);
                    prop_assert_eq!(decoded.error_code(), Some(reason));
                    let violations = match (&param, error.violations.is_empty()) {
                        (Some(param), true) => vec![FieldViolation::new(param.clone(), message.clone())],
                        _ => error.violations.clone(),
                    };
                    prop_assert_eq!(decoded.violations(), violations.as_slice());
                    prop_assert_eq!(
                        decoded.param().map(Cow::into_owned),
                        violations.first().map(|v| v.field().to_owned())
                    );
                    prop_assert_eq!(decoded.doc_url(), error.doc_url());
                    prop_assert_eq!(decoded.domain(), error.domain.as_deref());
                    let metadata = error.metadata();
                    prop_assert_eq!(decoded.metadata(), metadata.as_slice());
                }
            }
        }
    }
}

// ---- Re-rendering decoded responses ------------------------------------------------------

/// Derived errors whose messages a decoder keeps as they are.
fn clean_derived_errors() -> Vec<ChatError> {
    vec![
        ChatError::InvalidKey,
        ChatError::UnknownModel {
            model: "gpt-5".into(),
        },
        ChatError::RateLimited {
            limit: 12_345,
            window: "minute",
            wait: Duration::from_secs(20),
        },
        ChatError::InvalidMessages {
            violations: vec![
                FieldViolation::new("messages[1].role", "must be \"user\""),
                FieldViolation::new("tools[0].a/b~c", "bad"),
            ],
        },
        ChatError::InvalidParam("temperature".into(), "temperature".into()),
        ChatError::Database("secret".into()),
        ChatError::Loading,
        ChatError::Upstream(Upstream::Failed("x".into())),
    ]
}

#[test]
fn a_decoded_response_renders_the_body_it_came_from() {
    for error in clean_derived_errors() {
        for format in Format::ALL {
            let body = error.to_json_as(format);
            let retry_after = error.retry_after().map(|d| d.as_secs().to_string());
            let mut headers = vec![("content-type", format.content_type())];
            if let Some(seconds) = &retry_after {
                headers.push(("retry-after", seconds));
            }
            let decoded =
                ErrorResponse::from_parts(error.status().as_u16(), &headers, body.as_bytes());
            assert_eq!(decoded.to_json_as(format), body, "{error:?} in {format}");
        }
    }
}

#[test]
fn a_proxy_passes_a_problem_on_in_other_formats() {
    for error in clean_derived_errors() {
        let problem = error.to_json_as(Format::Problem);
        let decoded = ErrorResponse::from_parts(
            error.status().as_u16(),
            &[("content-type", "application/problem+json")],
            problem.as_bytes(),
        );
        // What a problem carries is all the envelope, OpenAI and Anthropic need.
        for format in [Format::Envelope, Format::OpenAi, Format::Anthropic] {
            assert_eq!(
                decoded.to_json_as(format),
                error.to_json_as(format),
                "{error:?} in {format}"
            );
        }
    }
}

// ---- Allocation ------------------------------------------------------------------------

#[path = "support/counting.rs"]
mod counting;

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

#[test]
fn writing_any_format_into_a_reserved_buffer_allocates_nothing() {
    let errors = derived_errors();
    let decoded = ErrorResponse::from_parts(
        429,
        &[],
        ChatError::RateLimited {
            limit: 10,
            window: "minute",
            wait: Duration::from_secs(3),
        }
        .to_json_as(Format::Google)
        .as_bytes(),
    );
    assert_eq!(decoded.metadata().len(), 2);
    let mut out = Vec::with_capacity(64 * 1024);
    for format in Format::ALL {
        for (name, error) in &errors {
            // Static messages, and the others too: strings and integers are
            // written straight into the buffer, format specs through `fmt`.
            let allocations = allocations_during(|| error.write_as(format, &mut out));
            assert_eq!(allocations, 0, "{name} in {format}");
        }
        let allocations = allocations_during(|| decoded.write_as(format, &mut out));
        assert_eq!(allocations, 0, "a decoded response in {format}");
    }
    // Nothing was skipped to save an allocation.
    let expected: String = Format::ALL
        .into_iter()
        .flat_map(|format| {
            errors
                .iter()
                .map(move |(_, error)| error.to_json_as(format))
                .chain([decoded.to_json_as(format)])
        })
        .collect();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

use counting::allocations_during;

#[test]
fn the_counter_counts() {
    assert_eq!(
        allocations_during(|| drop(std::hint::black_box(vec![1u8; 16]))),
        1
    );
}
