//! gRPC with tonic: `integrations::tonic::status` and the derived
//! `From<Error> for tonic::Status` (code, public message, Google's rich error
//! details read back by tonic-types, `grpc-retry-pushback-ms`), and
//! `ErrorResponse::from_tonic` reading them back — directly, and over a real tonic
//! server and channel on loopback, with `retry_async` retrying the call.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use dos_errors::client::{BodyShape, ErrorResponse, MAX_METADATA_ENTRIES, MAX_VIOLATIONS};
use dos_errors::integrations::tonic::status;
use dos_errors::retry::{retry_async_outcome, RetryPolicy};
use dos_errors::{ApiError, FieldViolation, Format, GrpcCode, Retryability, Status};
use support::Captured;
use tonic::Code;
use tonic_types::{ErrorDetails, StatusExt};

mod support;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(
    integrations(tonic),
    domain = "dos.ai",
    docs = "https://docs.dos.ai/errors"
)]
enum ChatError {
    #[error("no model {model}")]
    #[api_error(
        status = 404,
        code = "model_not_found",
        message = "The model `{model}` does not exist"
    )]
    UnknownModel { model: String },

    #[error("bad key")]
    #[api_error(status = 401)]
    InvalidKey,

    /// The placeholders are not in the order of the fields.
    #[error("limited")]
    #[api_error(
        status = 429,
        code = "rate_limit_exceeded",
        message = "Rate limit: {limit} requests per {period}"
    )]
    RateLimited {
        period: &'static str,
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },

    #[error("invalid messages")]
    #[api_error(status = 400, code = "invalid_messages", message = "Invalid messages")]
    Invalid {
        #[api_error(violations)]
        violations: Vec<FieldViolation>,
    },

    #[error("no model given")]
    #[api_error(
        status = 400,
        param = "model",
        message = "Missing required parameter: model"
    )]
    MissingModel,

    #[error("bad {param}")]
    #[api_error(status = 400, message = "Invalid value for {param}")]
    BadParam {
        #[api_error(param)]
        param: String,
    },

    #[error("no credits")]
    #[api_error(
        status = 400,
        grpc = "FAILED_PRECONDITION",
        code = "insufficient_credits",
        message = "Insufficient credits"
    )]
    NoCredits,

    #[error("database failed")]
    #[api_error(status = 500)]
    Database(#[source] io::Error),

    #[error("loading")]
    #[api_error(status = 503, retry_after = 30, message = "The model is loading")]
    Loading,

    #[error("warming up")]
    #[api_error(status = 503, message = "The model `{model}` is warming up")]
    WarmingUp {
        model: String,
        #[api_error(retry_after)]
        wait: Duration,
    },

    #[error("maintenance")]
    #[api_error(status = 503, retryable = false, message = "Down for maintenance")]
    Maintenance,
}

/// Without `domain` or `docs`: no domain, no `Help`.
#[derive(Debug, ApiError)]
#[api_error(status = 402, integrations(tonic))]
struct PaymentRequired;

/// One of each kind of error, by name.
fn errors() -> Vec<(&'static str, ChatError)> {
    vec![
        (
            "interpolated",
            ChatError::UnknownModel {
                model: "gpt-5".into(),
            },
        ),
        ("static", ChatError::InvalidKey),
        (
            "retry-after-field",
            ChatError::RateLimited {
                period: "minute",
                limit: 10,
                wait: Duration::from_millis(2500),
            },
        ),
        (
            "violations",
            ChatError::Invalid {
                violations: vec![
                    FieldViolation::new("messages[1].role", "unknown role `robot`"),
                    FieldViolation::new("temperature", "must be at most 2"),
                ],
            },
        ),
        ("constant-param", ChatError::MissingModel),
        (
            "param-field",
            ChatError::BadParam {
                param: "top_p".into(),
            },
        ),
        ("grpc-override", ChatError::NoCredits),
        (
            "masked",
            ChatError::Database(io::Error::other("connection refused on 10.0.0.7:5432")),
        ),
        ("retry-after-constant", ChatError::Loading),
        ("do-not-retry", ChatError::Maintenance),
    ]
}

fn pushback(status: &tonic::Status) -> Option<&str> {
    status
        .metadata()
        .get("grpc-retry-pushback-ms")
        .map(|value| value.to_str().unwrap())
}

/// What Google's JSON format says of `error`, as `serde_json` reads it: the
/// reference the gRPC details must agree with.
fn google_json(error: &dyn ApiError) -> serde_json::Value {
    serde_json::from_str(&error.to_json_as(Format::Google)).unwrap()
}

// ---- Server side: the status ------------------------------------------------------------

#[test]
fn code_message_and_every_detail_as_tonic_types_reads_them() {
    for (name, error) in errors() {
        let sent = status(&error);
        assert_eq!(sent.code() as i32, error.grpc_code().as_i32(), "{name}");
        assert_eq!(sent.message(), error.message(), "{name}");

        // tonic-types, the reader of the Rust gRPC ecosystem, reads every detail.
        let details = sent.check_error_details().expect(name);
        let json = google_json(&error);
        let json_details = json["error"]["details"].as_array().unwrap();
        let json_detail = |kind: &str| {
            json_details
                .iter()
                .find(|detail| detail["@type"] == format!("type.googleapis.com/google.rpc.{kind}"))
        };

        // ErrorInfo: always, exactly as in the Google JSON format.
        let info = details.error_info().expect(name);
        let json_info = json_detail("ErrorInfo").unwrap();
        assert_eq!(info.reason, json_info["reason"], "{name}");
        assert_eq!(
            info.reason,
            error
                .error_code()
                .unwrap_or(error.error_type())
                .to_ascii_uppercase()
        );
        assert_eq!(info.domain, "dos.ai", "{name}");
        let json_metadata: HashMap<String, String> = json_info
            .get("metadata")
            .map(|metadata| serde_json::from_value(metadata.clone()).unwrap())
            .unwrap_or_default();
        assert_eq!(info.metadata, json_metadata, "{name}");

        // RetryInfo and the pushback: with a retry-after only.
        let delay = details.retry_info().and_then(|retry| retry.retry_delay);
        assert_eq!(delay, error.retry_after(), "{name}");
        assert_eq!(json_detail("RetryInfo").is_some(), delay.is_some());

        // BadRequest: the violations, else the param described by the message.
        let violations: Vec<FieldViolation> = details
            .bad_request()
            .map(|bad| {
                bad.field_violations
                    .iter()
                    .map(|v| FieldViolation::new(&v.field, &v.description))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(violations, expected_violations(&error), "{name}");
        assert_eq!(json_detail("BadRequest").is_some(), !violations.is_empty());

        // Help: the documentation link of the code, else of the type.
        let help = details.help().expect(name);
        let reason = error.error_code().unwrap_or(error.error_type());
        assert_eq!(help.links.len(), 1);
        assert_eq!(help.links[0].url, error.doc_url().unwrap(), "{name}");
        assert_eq!(
            help.links[0].url,
            format!("https://docs.dos.ai/errors#{reason}")
        );
        assert_eq!(
            help.links[0].description,
            format!("Documentation of {reason}")
        );
        assert_eq!(
            json_detail("Help").unwrap()["links"][0]["description"],
            help.links[0].description
        );

        // The details' own code and message are the status's.
        let rich = <tonic_types::pb::Status as prost::Message>::decode(sent.details()).unwrap();
        assert_eq!(rich.code, sent.code() as i32, "{name}");
        assert_eq!(rich.message, sent.message(), "{name}");
        // In the order of the Google JSON format.
        let kinds: Vec<&str> = rich
            .details
            .iter()
            .map(|any| any.type_url.as_str())
            .collect();
        let json_kinds: Vec<&str> = json_details
            .iter()
            .map(|detail| detail["@type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, json_kinds, "{name}");
    }
}

/// The violations a status sends for `error`: its own, else its param described
/// by its message.
fn expected_violations(error: &dyn ApiError) -> Vec<FieldViolation> {
    match error.param() {
        Some(param) if error.violations().is_empty() => {
            vec![FieldViolation::new(param, error.message())]
        }
        _ => error.violations().to_vec(),
    }
}

#[test]
fn each_kind_of_error_sends_its_code_and_details() {
    let sent: HashMap<&str, tonic::Status> = errors()
        .into_iter()
        .map(|(name, error)| (name, tonic::Status::from(error)))
        .collect();
    let info = |name: &str| sent[name].get_details_error_info().unwrap();

    let interpolated = &sent["interpolated"];
    assert_eq!(interpolated.code(), Code::NotFound);
    assert_eq!(interpolated.message(), "The model `gpt-5` does not exist");
    assert_eq!(info("interpolated").reason, "MODEL_NOT_FOUND");
    assert_eq!(
        info("interpolated").metadata,
        HashMap::from([("model".to_owned(), "gpt-5".to_owned())])
    );

    let fixed = &sent["static"];
    assert_eq!(fixed.code(), Code::Unauthenticated);
    assert_eq!(
        fixed.message(),
        "The API key is missing, invalid, or has been revoked."
    );
    assert_eq!(info("static").reason, "AUTHENTICATION_ERROR");
    assert!(info("static").metadata.is_empty());
    assert!(fixed.get_details_retry_info().is_none());
    assert!(fixed.get_details_bad_request().is_none());
    assert_eq!(pushback(fixed), None);

    let limited = &sent["retry-after-field"];
    assert_eq!(limited.code(), Code::ResourceExhausted);
    assert_eq!(limited.message(), "Rate limit: 10 requests per minute");
    assert_eq!(
        limited.get_details_retry_info().unwrap().retry_delay,
        Some(Duration::from_millis(2500))
    );
    assert_eq!(pushback(limited), Some("2500"));

    let invalid = &sent["violations"].get_details_bad_request().unwrap();
    assert_eq!(invalid.field_violations.len(), 2);
    assert_eq!(invalid.field_violations[0].field, "messages[1].role");
    assert_eq!(invalid.field_violations[1].description, "must be at most 2");

    let param = sent["constant-param"].get_details_bad_request().unwrap();
    assert_eq!(param.field_violations.len(), 1);
    assert_eq!(param.field_violations[0].field, "model");
    assert_eq!(
        param.field_violations[0].description,
        "Missing required parameter: model"
    );
    let param = sent["param-field"].get_details_bad_request().unwrap();
    assert_eq!(param.field_violations[0].field, "top_p");
    assert_eq!(
        info("param-field").metadata,
        HashMap::from([("param".to_owned(), "top_p".to_owned())])
    );

    let credits = &sent["grpc-override"];
    assert_eq!(credits.code(), Code::FailedPrecondition);
    assert_eq!(info("grpc-override").reason, "INSUFFICIENT_CREDITS");

    let masked = &sent["masked"];
    assert_eq!(masked.code(), Code::Internal);
    assert_eq!(
        masked.message(),
        "An unexpected error occurred on our servers."
    );
    assert!(info("masked").metadata.is_empty());
    let details = String::from_utf8_lossy(masked.details()).into_owned();
    assert!(!details.contains("10.0.0.7"), "{details}");

    let loading = &sent["retry-after-constant"];
    assert_eq!(loading.code(), Code::Unavailable);
    assert_eq!(
        loading.get_details_retry_info().unwrap().retry_delay,
        Some(Duration::from_secs(30))
    );
    assert_eq!(pushback(loading), Some("30000"));

    // A 503 declared not retryable: UNAVAILABLE, which clients retry, so the
    // pushback says not to.
    let maintenance = &sent["do-not-retry"];
    assert_eq!(maintenance.code(), Code::Unavailable);
    assert_eq!(pushback(maintenance), Some("-1"));
    assert!(maintenance.get_details_retry_info().is_none());

    // No domain, no docs: an ErrorInfo without domain, no Help.
    let payment = tonic::Status::from(PaymentRequired);
    assert_eq!(payment.code(), Code::FailedPrecondition);
    let details = payment.check_error_details().unwrap();
    assert_eq!(
        details.error_info().unwrap().reason,
        "INSUFFICIENT_CREDITS_ERROR"
    );
    assert_eq!(details.error_info().unwrap().domain, "");
    assert!(details.help().is_none());
}

#[test]
fn metadata_keeps_the_order_of_the_placeholders() {
    // `{limit}` comes before `{period}` in the message, after it in the fields;
    // and `period` sorts after `limit`, so a name order would hide a field order.
    let error = ChatError::RateLimited {
        period: "minute",
        limit: 10,
        wait: Duration::from_secs(1),
    };
    let sent = status(&error);
    let details = sent.details();
    let at = |needle: &[u8]| {
        details
            .windows(needle.len())
            .position(|window| window == needle)
            .unwrap()
    };
    assert!(at(b"limit") < at(b"period"));
    let decoded = ErrorResponse::from_tonic(&sent);
    assert_eq!(
        decoded.metadata(),
        [
            ("limit".to_owned(), "10".to_owned()),
            ("period".to_owned(), "minute".to_owned())
        ]
    );
    assert_eq!(
        decoded.to_json_as(Format::Google),
        error.to_json_as(Format::Google)
    );
}

#[test]
fn derived_types_convert_with_from_and_question_mark() {
    /// Generic, with no `Display` and no `'static` bound.
    #[derive(Debug, ApiError)]
    #[api_error(integrations(tonic))]
    enum Lookup<'a, T: std::fmt::Display> {
        #[api_error(status = 404, message = "No {0}")]
        Missing(&'a T),
    }

    fn find(name: &str) -> Result<(), tonic::Status> {
        if name.is_empty() {
            Err(ChatError::MissingModel)?;
        }
        Err(Lookup::Missing(&name))?
    }

    let missing = find("").unwrap_err();
    assert_eq!(missing.code(), Code::InvalidArgument);
    assert_eq!(missing.message(), "Missing required parameter: model");
    let lookup = find("dos-1").unwrap_err();
    assert_eq!(lookup.code(), Code::NotFound);
    assert_eq!(lookup.message(), "No dos-1");
    // The derived `From` and `status` send the same status.
    let error = ChatError::UnknownModel {
        model: "dos-9".into(),
    };
    let direct = status(&error);
    let converted = tonic::Status::from(error);
    assert_eq!(
        (direct.code(), direct.message(), direct.details()),
        (converted.code(), converted.message(), converted.details())
    );
    assert_eq!(direct.metadata().len(), converted.metadata().len());
}

#[test]
fn a_masked_error_logs_its_cause_once_when_it_converts() {
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::INFO);
    let sent = tracing::subscriber::with_default(subscriber, || {
        let error = ChatError::Database(io::Error::other("connection refused on 10.0.0.7:5432"));
        // `status` logs nothing: only the conversion does.
        let _ = status(&error);
        tonic::Status::from(error)
    });
    let text = logs.text();
    assert_eq!(
        text.matches("internal error hidden from the client")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("ERROR"), "{text}");
    assert!(
        text.contains("database failed: connection refused on 10.0.0.7:5432"),
        "{text}"
    );
    assert!(text.contains("status=500"), "{text}");
    assert!(!sent.message().contains("10.0.0.7"));

    // A 4xx logs nothing.
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::INFO);
    tracing::subscriber::with_default(subscriber, || {
        drop(tonic::Status::from(ChatError::InvalidKey));
    });
    assert_eq!(logs.text(), "");
}

// ---- Client side: decoding a status -----------------------------------------------------

#[test]
fn decoding_a_status_gives_back_the_error() {
    for (name, error) in errors() {
        let decoded = ErrorResponse::from_tonic(&status(&error));
        assert_eq!(decoded.shape(), BodyShape::Google, "{name}");
        assert_eq!(decoded.status(), error.status(), "{name}");
        assert_eq!(decoded.http_status(), error.status().as_u16(), "{name}");
        assert_eq!(decoded.error_type(), error.grpc_code().as_str(), "{name}");
        assert_eq!(decoded.message(), error.message(), "{name}");
        assert_eq!(decoded.retryability(), error.retryability(), "{name}");
        assert_eq!(decoded.is_retryable(), error.is_retryable(), "{name}");
        assert_eq!(decoded.retry_after(), error.retry_after(), "{name}");
        // ErrorInfo.reason carries the code, else the type.
        assert_eq!(
            decoded.error_code(),
            Some(error.error_code().unwrap_or(error.error_type())),
            "{name}"
        );
        assert_eq!(decoded.param(), error.param(), "{name}");
        assert_eq!(decoded.violations(), expected_violations(&error), "{name}");
        assert_eq!(decoded.doc_url(), error.doc_url(), "{name}");
        assert_eq!(decoded.domain(), error.domain(), "{name}");
        assert_eq!(decoded.grpc_code(), error.grpc_code(), "{name}");
        assert_eq!(decoded.spec(), None);
        assert!(!decoded.truncated(), "{name}");
        // Written back as Google's JSON: the original's body, byte for byte.
        assert_eq!(
            decoded.to_json_as(Format::Google),
            error.to_json_as(Format::Google),
            "{name}"
        );
        // And sent again as a status: the same status.
        let resent = status(&decoded);
        let sent = status(&error);
        assert_eq!(
            (resent.code(), resent.message(), resent.details()),
            (sent.code(), sent.message(), sent.details()),
            "{name}"
        );
        assert_eq!(pushback(&resent), pushback(&sent), "{name}");
    }
}

#[test]
fn the_status_comes_back_as_the_http_status_of_the_code() {
    // A 402 is FAILED_PRECONDITION, which is a 400 when it comes back.
    let decoded = ErrorResponse::from_tonic(&status(&PaymentRequired));
    assert_eq!(decoded.status(), Status::BAD_REQUEST);
    assert_eq!(decoded.grpc_code(), GrpcCode::FailedPrecondition);
    assert_eq!(decoded.error_type(), "FAILED_PRECONDITION");
    assert_eq!(decoded.error_code(), Some("insufficient_credits_error"));
    assert_eq!(decoded.retryability(), Retryability::Fatal);
    for code in GrpcCode::ALL {
        let decoded =
            ErrorResponse::from_tonic(&tonic::Status::new(Code::from_i32(code.as_i32()), ""));
        if code == GrpcCode::Ok {
            // No error: read as UNKNOWN.
            assert_eq!(decoded.grpc_code(), GrpcCode::Unknown);
            assert_eq!(decoded.status(), Status::INTERNAL_SERVER_ERROR);
            continue;
        }
        assert_eq!(decoded.grpc_code(), code);
        assert_eq!(decoded.status().as_u16(), code.http_status(), "{code}");
        assert_eq!(decoded.error_type(), code.as_str());
        assert_eq!(decoded.message(), decoded.status().default_message());
        assert_eq!(decoded.shape(), BodyShape::Empty);
        assert_eq!(
            decoded.retryability(),
            decoded.status().default_retryability()
        );
    }
    let retried: Vec<GrpcCode> = GrpcCode::ALL
        .into_iter()
        .filter(|&code| {
            ErrorResponse::from_tonic(&tonic::Status::new(Code::from_i32(code.as_i32()), ""))
                .is_retryable()
        })
        .collect();
    assert_eq!(
        retried,
        [
            GrpcCode::Ok, // as UNKNOWN
            GrpcCode::Unknown,
            GrpcCode::DeadlineExceeded,
            GrpcCode::ResourceExhausted,
            GrpcCode::Internal,
            GrpcCode::Unavailable,
            GrpcCode::DataLoss,
        ]
    );
}

#[test]
fn statuses_of_other_servers() {
    // Written by tonic-types, as another Rust server would: a detail this crate
    // does not read (QuotaFailure) is skipped.
    let mut details = ErrorDetails::with_error_info(
        "QUOTA_EXCEEDED",
        "googleapis.com",
        HashMap::from([("service".to_owned(), "pubsub.googleapis.com".to_owned())]),
    );
    details
        .set_quota_failure(vec![tonic_types::QuotaViolation::new(
            "project:123",
            "Requests per minute",
        )])
        .set_retry_info(Some(Duration::from_millis(1500)))
        .set_help(vec![tonic_types::HelpLink::new(
            "Quotas",
            "https://cloud.google.com/pubsub/quotas",
        )]);
    let sent = tonic::Status::with_error_details(
        Code::ResourceExhausted,
        "Quota exceeded\nfor project 123",
        details,
    );
    let err = ErrorResponse::from_tonic(&sent);
    assert_eq!(err.status(), Status::TOO_MANY_REQUESTS);
    assert_eq!(err.retryability(), Retryability::Throttled);
    assert_eq!(err.message(), "Quota exceeded for project 123"); // cleaned
    assert_eq!(err.error_code(), Some("quota_exceeded"));
    assert_eq!(err.domain(), Some("googleapis.com"));
    assert_eq!(
        err.metadata(),
        [("service".to_owned(), "pubsub.googleapis.com".to_owned())]
    );
    assert_eq!(err.retry_after(), Some(Duration::from_millis(1500)));
    assert_eq!(
        err.doc_url().as_deref(),
        Some("https://cloud.google.com/pubsub/quotas")
    );
    assert!(err.violations().is_empty());

    // Without details: the pushback gives the delay; a negative one says not to retry.
    let with_pushback = |value: &str| {
        let mut metadata = tonic::metadata::MetadataMap::new();
        metadata.insert("grpc-retry-pushback-ms", value.parse().unwrap());
        metadata.insert("x-request-id", "req_42".parse().unwrap());
        ErrorResponse::from_tonic(&tonic::Status::with_metadata(
            Code::Unavailable,
            "busy",
            metadata,
        ))
    };
    let err = with_pushback("250");
    assert_eq!(err.retry_after(), Some(Duration::from_millis(250)));
    assert_eq!(err.retryability(), Retryability::Transient);
    assert_eq!(err.request_id(), Some("req_42"));
    assert_eq!(err.shape(), BodyShape::Text);
    for value in ["-1", "soon", "2147483648"] {
        let err = with_pushback(value);
        assert_eq!(err.retryability(), Retryability::Fatal, "{value}");
        assert_eq!(err.retry_after(), None, "{value}");
        assert_eq!(err.should_retry_header(), Some(false));
    }

    // RetryInfo wins over the pushback (which is rounded to milliseconds).
    let mut both = status(&ChatError::WarmingUp {
        model: "dos-1".into(),
        wait: Duration::from_micros(1500),
    });
    assert_eq!(pushback(&both), Some("2"));
    assert_eq!(
        ErrorResponse::from_tonic(&both).retry_after(),
        Some(Duration::from_micros(1500))
    );
    both.metadata_mut()
        .insert("grpc-retry-pushback-ms", "-1".parse().unwrap());
    assert!(!ErrorResponse::from_tonic(&both).is_retryable());

    // Details that are not a google.rpc.Status: the code and the message still count.
    for garbage in [
        &b"\xff\xff\xff"[..],
        b"not protobuf at all",
        &status(&ChatError::InvalidKey).details()[..7],
    ] {
        let err = ErrorResponse::from_tonic(&tonic::Status::with_details(
            Code::NotFound,
            "gone",
            garbage.to_vec().into(),
        ));
        assert_eq!(err.status(), Status::NOT_FOUND);
        assert_eq!(err.message(), "gone");
        assert_eq!(err.shape(), BodyShape::Text);
        assert_eq!(err.error_code(), None);
    }

    // Bounds: violations and metadata as for a decoded body.
    let many = ChatError::Invalid {
        violations: (0..MAX_VIOLATIONS + 10)
            .map(|n| FieldViolation::new(format!("f{n}"), "bad"))
            .collect(),
    };
    assert_eq!(
        ErrorResponse::from_tonic(&status(&many)).violations().len(),
        MAX_VIOLATIONS
    );
    let metadata: HashMap<String, String> = (0..MAX_METADATA_ENTRIES + 10)
        .map(|n| (format!("k{n}"), "v".to_owned()))
        .collect();
    let sent = tonic::Status::with_error_details(
        Code::Internal,
        "",
        ErrorDetails::with_error_info("X", "", metadata),
    );
    let err = ErrorResponse::from_tonic(&sent);
    assert_eq!(err.metadata().len(), MAX_METADATA_ENTRIES);
    // No message: the status's default, masked like any 500's.
    assert_eq!(
        err.message(),
        "An unexpected error occurred on our servers."
    );
}

// ---- Over loopback: a tonic server and channel ------------------------------------------

/// `chat.Chat/Complete`'s request and reply.
#[derive(Clone, PartialEq, prost::Message)]
struct CompleteRequest {
    #[prost(string, tag = "1")]
    model: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct CompleteReply {
    #[prost(string, tag = "1")]
    text: String,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The handler: what each model answers; `dos-warming` is warming up at its
/// first call and answers after.
async fn complete(call: u32, request: CompleteRequest) -> Result<CompleteReply, ChatError> {
    match request.model.as_str() {
        "dos-1" => Ok(CompleteReply {
            text: "hello".into(),
        }),
        "dos-warming" if call == 1 => Err(ChatError::WarmingUp {
            model: request.model,
            wait: Duration::from_millis(50),
        }),
        "dos-warming" => Ok(CompleteReply {
            text: "warm".into(),
        }),
        "dos-db" => Err(ChatError::Database(io::Error::other("disk full on db-3"))),
        _ => Err(ChatError::UnknownModel {
            model: request.model,
        }),
    }
}

/// What `tonic-build` generates for one unary method, by hand; counts the calls
/// for `dos-warming`.
#[derive(Clone, Default)]
struct CompleteMethod(Arc<AtomicU32>);

impl tonic::server::UnaryService<CompleteRequest> for CompleteMethod {
    type Response = CompleteReply;
    type Future = BoxFuture<Result<tonic::Response<CompleteReply>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<CompleteRequest>) -> Self::Future {
        let request = request.into_inner();
        let call = match request.model.as_str() {
            "dos-warming" => self.0.fetch_add(1, Ordering::SeqCst) + 1,
            _ => 0,
        };
        Box::pin(async move {
            let reply = complete(call, request).await?; // From<ChatError>
            Ok(tonic::Response::new(reply))
        })
    }
}

/// The server's service: routes `/chat.Chat/Complete` to the method.
#[derive(Clone, Default)]
struct ChatServer(CompleteMethod);

impl tonic::codegen::Service<http::Request<tonic::body::Body>> for ChatServer {
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let method = self.0.clone();
        Box::pin(async move {
            if request.uri().path() != "/chat.Chat/Complete" {
                return Ok(tonic::Status::unimplemented("no such method").into_http());
            }
            let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
            Ok(grpc.unary(method, request).await)
        })
    }
}

/// Serves a [`ChatServer`] on a loopback port; returns the port's address and
/// how many times `dos-warming` was called.
async fn serve() -> (SocketAddr, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let server = ChatServer::default();
    let calls = server.0 .0.clone();
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tokio::spawn(
        tonic::transport::Server::builder()
            .timeout(Duration::from_secs(10))
            .serve_with_incoming(server, incoming),
    );
    (addr, calls)
}

/// A client of `chat.Chat` over `channel`, as `tonic-build` would generate it.
#[derive(Clone)]
struct ChatClient(tonic::client::Grpc<tonic::transport::Channel>);

impl ChatClient {
    async fn connect(addr: SocketAddr) -> ChatClient {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .timeout(Duration::from_secs(10))
            .connect()
            .await
            .unwrap();
        ChatClient(tonic::client::Grpc::new(channel))
    }

    async fn complete(&mut self, model: &str) -> Result<CompleteReply, tonic::Status> {
        self.0
            .ready()
            .await
            .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
        let request = tonic::Request::new(CompleteRequest {
            model: model.to_owned(),
        });
        let path = http::uri::PathAndQuery::from_static("/chat.Chat/Complete");
        let codec = tonic_prost::ProstCodec::default();
        Ok(self.0.unary(request, path, codec).await?.into_inner())
    }
}

#[tokio::test]
async fn a_call_over_loopback_carries_every_detail() {
    let (addr, _) = serve().await;
    let mut client = ChatClient::connect(addr).await;
    assert_eq!(client.complete("dos-1").await.unwrap().text, "hello");

    // Over HTTP/2: the message percent-encoded, the details base64 in the trailers.
    let model = "modèle «ü» 🚀";
    let received = client.complete(model).await.unwrap_err();
    let error = ChatError::UnknownModel {
        model: model.to_owned(),
    };
    assert_eq!(received.code(), Code::NotFound);
    assert_eq!(received.message(), error.message());
    assert_eq!(received.details(), status(&error).details());
    let decoded = ErrorResponse::from_tonic(&received);
    assert_eq!(decoded.metadata(), [("model".to_owned(), model.to_owned())]);
    assert_eq!(
        decoded.to_json_as(Format::Google),
        error.to_json_as(Format::Google)
    );

    // The pushback arrives as metadata.
    let received = client.complete("dos-warming").await.unwrap_err();
    assert_eq!(received.code(), Code::Unavailable);
    assert_eq!(pushback(&received), Some("50"));
    let decoded = ErrorResponse::from_tonic(&received);
    assert_eq!(decoded.retry_after(), Some(Duration::from_millis(50)));
    assert_eq!(decoded.retryability(), Retryability::Transient);
    assert_eq!(decoded.message(), "The model `dos-warming` is warming up");

    // A masked error: nothing of its cause crosses the wire.
    let received = client.complete("dos-db").await.unwrap_err();
    assert_eq!(received.code(), Code::Internal);
    assert_eq!(
        received.message(),
        "An unexpected error occurred on our servers."
    );
    assert!(!String::from_utf8_lossy(received.details()).contains("db-3"));
    assert!(received
        .metadata()
        .iter()
        .all(|entry| !format!("{entry:?}").contains("db-3")));
}

#[tokio::test]
async fn retry_async_retries_a_tonic_call() {
    let (addr, calls) = serve().await;
    let client = ChatClient::connect(addr).await;
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));

    let started = Instant::now();
    let outcome = retry_async_outcome(
        &policy,
        || {
            let mut client = client.clone();
            async move {
                client
                    .complete("dos-warming")
                    .await
                    .map_err(ErrorResponse::from)
            }
        },
        tokio::time::sleep,
    )
    .await;
    assert_eq!(outcome.result.unwrap().text, "warm");
    assert_eq!(outcome.attempts, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // UNAVAILABLE with RetryInfo of 50 ms: the wait was at least that.
    assert!(started.elapsed() >= Duration::from_millis(50));

    // NOT_FOUND is not retried.
    let outcome = retry_async_outcome(
        &policy,
        || {
            let mut client = client.clone();
            async move { client.complete("gpt-5").await.map_err(ErrorResponse::from) }
        },
        tokio::time::sleep,
    )
    .await;
    let err = outcome.result.unwrap_err();
    assert_eq!(outcome.attempts, 1);
    assert_eq!(err.grpc_code(), GrpcCode::NotFound);
    assert_eq!(err.error_code(), Some("model_not_found"));
}

// ---- The fuzz target's seeds ------------------------------------------------------------

/// The input of the `tonic_details` fuzz target for a status (see `fuzz/README.md`):
/// code, pushback (255: none), message, details.
fn fuzz_input(sent: &tonic::Status) -> Vec<u8> {
    let mut input = vec![u8::try_from(sent.code() as i32).unwrap()];
    match pushback(sent) {
        Some(value) => {
            input.push(u8::try_from(value.len()).unwrap());
            input.extend_from_slice(value.as_bytes());
        }
        None => input.push(255),
    }
    input.push(u8::try_from(sent.message().len()).unwrap());
    input.extend_from_slice(sent.message().as_bytes());
    input.extend_from_slice(sent.details());
    input
}

#[test]
fn fuzz_seeds_are_the_statuses_this_crate_sends() {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/seeds/tonic_details");
    let mut compared = 0;
    for (name, error) in errors() {
        let path = format!("{seeds}/dos-errors-{name}");
        let seed = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            seed == fuzz_input(&status(&error)),
            "{path} is not what `status` sends for {error:?}: update fuzz/seeds/generate.py \
             and run it"
        );
        compared += 1;
    }
    assert_eq!(compared, 10);
}
