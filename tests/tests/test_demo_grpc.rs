//! End-to-end: the demo's gRPC service `dos.chat.v1.Chat` over a real loopback
//! socket, called with a tonic client (`demo::proto::ChatClient` over a
//! `tonic::transport::Channel`). Every error is checked three ways: its code,
//! message and encoded details against the status the library makes of the
//! `DemoError` the HTTP route answers with; read by an independent reader
//! (tonic-types' `StatusExt`); and decoded by `ErrorResponse::from_tonic`. The
//! HTTP routes, over the same state, answer the same errors with the same details
//! (Google's format), and count against the same rate limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dos_errors::client::ErrorResponse;
use dos_errors::integrations::tonic::status;
use dos_errors::retry::{retry_async_outcome, RetryOutcome, RetryPolicy};
use dos_errors::{ApiError, FieldViolation, Format, GrpcCode, Retryability};
use dos_errors_tests::demo::proto::{
    ChatClient, ChatCompletion, ChatCompletionRequest, ChatMessage, ListModelsRequest,
};
use dos_errors_tests::demo::{grpc, spawn_shared, Demo, DemoConfig, DemoError, InferenceFault};
use tonic::transport::Channel;
use tonic::Code;
use tonic_types::StatusExt;

mod support;

const MASKED: &str = "An unexpected error occurred on our servers.";

/// The demo's gRPC service (and its HTTP routes, over the same state) on
/// ephemeral loopback ports.
struct Running {
    grpc: SocketAddr,
    http: SocketAddr,
    client: ChatClient<Channel>,
}

async fn start(config: DemoConfig) -> Running {
    let state = Arc::new(Demo::new(config));
    let (grpc, _) = grpc::spawn(state.clone()).await.expect("a loopback port");
    let (http, _) = spawn_shared(state).await.expect("a loopback port");
    Running {
        grpc,
        http,
        client: connect(grpc).await,
    }
}

async fn connect(addr: SocketAddr) -> ChatClient<Channel> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("an endpoint")
        .timeout(Duration::from_secs(10))
        .connect()
        .await
        .expect("a connection");
    ChatClient::new(channel)
}

fn unlimited() -> DemoConfig {
    DemoConfig {
        rate_limit: 100_000,
        ..DemoConfig::default()
    }
}

/// `message` with `authorization: <authorization>` (none for `None`).
fn call<M>(authorization: Option<&str>, message: M) -> tonic::Request<M> {
    let mut request = tonic::Request::new(message);
    if let Some(value) = authorization {
        request
            .metadata_mut()
            .insert("authorization", value.parse().expect("ascii"));
    }
    request
}

const DEMO: Option<&str> = Some("Bearer dos_sk_demo");

fn chat(model: &str, messages: &[(&str, &str)]) -> ChatCompletionRequest {
    ChatCompletionRequest {
        model: model.to_owned(),
        messages: messages
            .iter()
            .map(|(role, content)| ChatMessage {
                role: (*role).to_owned(),
                content: (*content).to_owned(),
            })
            .collect(),
        temperature: None,
        max_tokens: None,
    }
}

fn hi(model: &str) -> ChatCompletionRequest {
    chat(model, &[("user", "hi")])
}

impl Running {
    async fn complete(
        &self,
        authorization: Option<&str>,
        request: ChatCompletionRequest,
    ) -> Result<ChatCompletion, tonic::Status> {
        let mut client = self.client.clone();
        let response = client
            .create_chat_completion(call(authorization, request))
            .await?;
        Ok(response.into_inner())
    }

    async fn fail(
        &self,
        authorization: Option<&str>,
        request: ChatCompletionRequest,
    ) -> tonic::Status {
        match self.complete(authorization, request).await {
            Ok(answer) => panic!("expected an error, got {answer:?}"),
            Err(status) => status,
        }
    }

    /// `CreateChatCompletion` of [`hi`] to `model` with the demo key, retried by
    /// `policy`.
    async fn complete_retried(
        &self,
        policy: &RetryPolicy,
        model: &str,
    ) -> RetryOutcome<ChatCompletion, ErrorResponse> {
        retry_async_outcome(
            policy,
            || async {
                self.complete(DEMO, hi(model))
                    .await
                    .map_err(ErrorResponse::from)
            },
            tokio::time::sleep,
        )
        .await
    }

    async fn list(&self, authorization: Option<&str>) -> Result<Vec<String>, tonic::Status> {
        let mut client = self.client.clone();
        let response = client
            .list_models(call(authorization, ListModelsRequest {}))
            .await?;
        Ok(response
            .into_inner()
            .models
            .into_iter()
            .map(|model| model.id)
            .collect())
    }
}

fn pushback(status: &tonic::Status) -> Option<&str> {
    status
        .metadata()
        .get("grpc-retry-pushback-ms")
        .map(|value| value.to_str().expect("ascii"))
}

/// What the tests expect of an error, written out (not derived from the enum).
struct Expected<'a> {
    code: Code,
    message: &'a str,
    /// `ErrorInfo.reason`, and the anchor of the `Help` link.
    reason: &'a str,
    metadata: &'a [(&'a str, &'a str)],
    /// `BadRequest`'s fields.
    violations: &'a [&'a str],
}

/// Checks `received` against `expected` (the `DemoError` the HTTP route answers
/// with) and `literal` (the values written out): code, message, the encoded
/// details and pushback, what tonic-types reads, what `from_tonic` decodes.
fn assert_error(received: &tonic::Status, expected: &DemoError, literal: &Expected<'_>) {
    let what = literal.message;
    // The status the library makes of the error, byte for byte.
    let sent = status(expected);
    assert_eq!(received.code(), literal.code, "{what}");
    assert_eq!(received.code(), sent.code(), "{what}");
    assert_eq!(received.message(), literal.message);
    assert_eq!(received.message(), sent.message(), "{what}");
    assert_eq!(received.details(), sent.details(), "{what}");
    assert_eq!(pushback(received), pushback(&sent), "{what}");

    // tonic-types, an independent reader of the rich details.
    let details = received.check_error_details().expect(what);
    let info = details.error_info().expect(what);
    assert_eq!(info.domain, "dos.ai", "{what}");
    assert_eq!(info.reason, literal.reason, "{what}");
    let link = &details.help().expect(what).links[0];
    assert_eq!(
        link.url,
        format!(
            "https://docs.dos.ai/errors#{}",
            literal.reason.to_lowercase()
        ),
        "{what}"
    );
    let metadata: HashMap<&str, &str> = info
        .metadata
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        metadata,
        literal.metadata.iter().copied().collect(),
        "{what}"
    );
    let fields: Vec<&str> = details
        .bad_request()
        .map(|bad| {
            bad.field_violations
                .iter()
                .map(|violation| violation.field.as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(fields, literal.violations, "{what}");
    assert_eq!(
        details.retry_info().and_then(|retry| retry.retry_delay),
        expected.retry_after(),
        "{what}"
    );

    // The crate's own client.
    let decoded = ErrorResponse::from_tonic(received);
    assert_eq!(decoded.grpc_code(), expected.grpc_code(), "{what}");
    assert_eq!(decoded.message(), expected.message(), "{what}");
    // Google's `reason` is the code, else the type.
    let reason = expected.error_code().unwrap_or(expected.error_type());
    assert_eq!(decoded.error_code(), Some(reason), "{what}");
    assert_eq!(decoded.domain(), Some("dos.ai"), "{what}");
    assert_eq!(decoded.doc_url(), expected.doc_url(), "{what}");
    assert_eq!(decoded.retry_after(), expected.retry_after(), "{what}");
    if expected.violations().is_empty() {
        assert_eq!(
            decoded.param(),
            expected.param(),
            "a param is a violation: {what}"
        );
    } else {
        assert_eq!(decoded.violations(), expected.violations(), "{what}");
    }
}

// ---- Success ----------------------------------------------------------------------------

#[tokio::test]
async fn list_models_lists_the_public_models() {
    let demo = start(unlimited()).await;
    let mut client = demo.client.clone();
    let models = client
        .list_models(call(DEMO, ListModelsRequest {}))
        .await
        .expect("the list")
        .into_inner()
        .models;
    let listed: Vec<(&str, u32)> = models
        .iter()
        .map(|model| (model.id.as_str(), model.context_length))
        .collect();
    assert_eq!(
        listed,
        [
            ("dos-chat-small", 8192),
            ("dos-chat-large", 32768),
            ("dos-loading", 8192),
            ("dos-crash", 8192),
        ]
    );
}

#[tokio::test]
async fn create_chat_completion_echoes_the_last_message() {
    let demo = start(unlimited()).await;
    let request = chat(
        "dos-chat-small",
        &[
            ("system", "be brief"),
            ("user", "first"),
            ("assistant", "ok"),
            ("user", "Hello there"),
        ],
    );
    let answer = demo.complete(DEMO, request).await.expect("an answer");
    assert_eq!(answer.content, "You said: Hello there");
    assert_eq!(answer.model, "dos-chat-small");
    assert_eq!(answer.id, "chatcmpl-00000001");

    // max_tokens cuts the echo (in words); temperature within 0-2 is accepted.
    let request = ChatCompletionRequest {
        temperature: Some(2.0),
        max_tokens: Some(2),
        ..chat("dos-chat-large", &[("user", "one two three")])
    };
    let answer = demo.complete(DEMO, request).await.expect("an answer");
    assert_eq!(answer.content, "You said:");
    assert_eq!(answer.model, "dos-chat-large");
    assert_eq!(answer.id, "chatcmpl-00000002");

    // The HTTP routes number their completions with the same counter.
    let reply = support::send(
        support::client()
            .post(format!("http://{}/v1/chat/completions", demo.http))
            .bearer_auth("dos_sk_demo")
            .header("content-type", "application/json")
            .body(r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}]}"#),
    )
    .await;
    assert!(
        reply.body.contains(r#""id":"chatcmpl-00000003""#),
        "{reply:?}"
    );
}

#[tokio::test]
async fn the_request_id_is_echoed_in_the_metadata() {
    let demo = start(unlimited()).await;
    let mut client = demo.client.clone();
    let mut request = call(DEMO, ListModelsRequest {});
    request
        .metadata_mut()
        .insert("x-request-id", "req_grpc_test_1".parse().expect("ascii"));
    let response = client.list_models(request).await.expect("the list");
    assert_eq!(
        response
            .metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("req_grpc_test_1")
    );
    // An error carries it too, and a new one when none (or an insane one) was sent.
    let failed = demo.list(None).await.expect_err("no key");
    let id = failed.metadata().get("x-request-id").expect("an id");
    assert!(id.to_str().expect("ascii").starts_with("req_"), "{id:?}");
    assert_eq!(id.len(), 30);
}

// ---- Errors -----------------------------------------------------------------------------

#[tokio::test]
async fn every_unauthenticated_key() {
    let demo = start(unlimited()).await;
    let cases = [
        (
            None,
            DemoError::MissingAuthorization,
            "Missing Authorization header: send `Authorization: Bearer YOUR_API_KEY`",
        ),
        (
            Some("Basic ZG9zOnNr"),
            DemoError::MalformedAuthorization,
            "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`",
        ),
        (
            Some("Bearer "),
            DemoError::MalformedAuthorization,
            "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`",
        ),
        (
            Some("Bearer sk_live_123"),
            DemoError::InvalidKeyFormat,
            "Invalid API key: keys start with `dos_sk_`",
        ),
        (
            Some("Bearer dos_sk_unknown"),
            DemoError::UnknownKey,
            "Invalid API key",
        ),
        (
            Some("Bearer dos_sk_revoked"),
            DemoError::RevokedKey,
            "This API key has been revoked",
        ),
    ];
    for (authorization, expected, message) in cases {
        let literal = Expected {
            code: Code::Unauthenticated,
            message,
            reason: "INVALID_API_KEY",
            metadata: &[],
            violations: &[],
        };
        // Both methods check the key first.
        let failed = demo.list(authorization).await.expect_err(message);
        assert_error(&failed, &expected, &literal);
        let failed = demo.fail(authorization, chat("", &[])).await;
        assert_error(&failed, &expected, &literal);
    }
}

/// The 400s: each request, the error the HTTP route answers with, and its values.
fn invalid_arguments() -> Vec<(ChatCompletionRequest, DemoError, Expected<'static>)> {
    let roles = "must be one of system, user, assistant, tool";
    vec![
        (
            hi(""),
            DemoError::MissingField { field: "model" },
            Expected {
                code: Code::InvalidArgument,
                message: "Missing required field: model",
                reason: "MISSING_REQUIRED_PARAMETER",
                metadata: &[("field", "model")],
                violations: &["model"],
            },
        ),
        (
            hi("gpt-9"),
            DemoError::UnknownModel {
                model: "gpt-9".into(),
            },
            Expected {
                code: Code::InvalidArgument,
                message: "The model `gpt-9` does not exist",
                reason: "MODEL_NOT_FOUND",
                metadata: &[("model", "gpt-9")],
                violations: &["model"],
            },
        ),
        (
            chat("dos-chat-small", &[]),
            DemoError::EmptyMessages,
            Expected {
                code: Code::InvalidArgument,
                message: "messages must contain at least one message",
                reason: "INVALID_VALUE",
                metadata: &[],
                violations: &["messages"],
            },
        ),
        (
            ChatCompletionRequest {
                temperature: Some(3.0),
                ..hi("dos-chat-small")
            },
            DemoError::TemperatureOutOfRange {
                value: 3.0,
                max: 2,
            },
            Expected {
                code: Code::InvalidArgument,
                message: "temperature must be between 0 and 2, got 3",
                reason: "INVALID_VALUE",
                metadata: &[("max", "2"), ("value", "3")],
                violations: &["temperature"],
            },
        ),
        (
            ChatCompletionRequest {
                max_tokens: Some(9000),
                ..hi("dos-chat-small")
            },
            DemoError::MaxTokensOutOfRange {
                value: 9000,
                min: 0,
                model: "dos-chat-small",
                context: 8192,
            },
            Expected {
                code: Code::InvalidArgument,
                message: "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got 9000",
                reason: "INVALID_VALUE",
                metadata: &[
                    ("min", "0"),
                    ("context", "8192"),
                    ("model", "dos-chat-small"),
                    ("value", "9000"),
                ],
                violations: &["max_tokens"],
            },
        ),
        (
            ChatCompletionRequest {
                max_tokens: Some(-1),
                ..hi("dos-chat-small")
            },
            DemoError::MaxTokensOutOfRange {
                value: -1,
                min: 0,
                model: "dos-chat-small",
                context: 8192,
            },
            Expected {
                code: Code::InvalidArgument,
                message: "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got -1",
                reason: "INVALID_VALUE",
                metadata: &[
                    ("min", "0"),
                    ("context", "8192"),
                    ("model", "dos-chat-small"),
                    ("value", "-1"),
                ],
                violations: &["max_tokens"],
            },
        ),
        (
            chat(
                "dos-chat-small",
                &[("robot", "a"), ("user", "b"), ("", "c")],
            ),
            DemoError::InvalidRoles {
                fields: "messages[0].role, messages[2].role".into(),
                allowed: "system, user, assistant, tool",
                violations: vec![
                    FieldViolation::new("messages[0].role", roles),
                    FieldViolation::new("messages[2].role", roles),
                ],
            },
            Expected {
                code: Code::InvalidArgument,
                message: "Invalid message role: messages[0].role, messages[2].role must be one of system, user, assistant, tool",
                reason: "INVALID_VALUE",
                metadata: &[
                    ("fields", "messages[0].role, messages[2].role"),
                    ("allowed", "system, user, assistant, tool"),
                ],
                violations: &["messages[0].role", "messages[2].role"],
            },
        ),
    ]
}

#[tokio::test]
async fn every_invalid_argument() {
    let demo = start(unlimited()).await;
    for (request, expected, literal) in invalid_arguments() {
        let failed = demo.fail(DEMO, request).await;
        assert_error(&failed, &expected, &literal);
    }
    // The violations' descriptions, as tonic-types reads them.
    let failed = demo
        .fail(DEMO, chat("dos-chat-small", &[("bot", "x")]))
        .await;
    let details = failed.check_error_details().expect("details");
    let violation = &details
        .bad_request()
        .expect("a BadRequest")
        .field_violations[0];
    assert_eq!(violation.field, "messages[0].role");
    assert_eq!(
        violation.description,
        "must be one of system, user, assistant, tool"
    );
    // NaN, which JSON cannot send, is outside 0-2 too.
    let failed = demo
        .fail(
            DEMO,
            ChatCompletionRequest {
                temperature: Some(f64::NAN),
                ..hi("dos-chat-small")
            },
        )
        .await;
    assert_eq!(failed.code(), Code::InvalidArgument);
    assert_eq!(
        failed.message(),
        "temperature must be between 0 and 2, got NaN"
    );
}

#[tokio::test]
async fn no_credits_is_a_failed_precondition() {
    let demo = start(unlimited()).await;
    let failed = demo
        .fail(Some("Bearer dos_sk_empty"), hi("dos-chat-small"))
        .await;
    assert_error(
        &failed,
        &DemoError::NoCredits,
        &Expected {
            code: Code::FailedPrecondition,
            message: "Your account does not have sufficient credits to process the request.",
            reason: "INSUFFICIENT_CREDITS",
            metadata: &[],
            violations: &[],
        },
    );
    // Listing the models needs no credits.
    assert!(demo.list(Some("Bearer dos_sk_empty")).await.is_ok());
}

#[tokio::test]
async fn the_rate_limit_is_resource_exhausted_with_retry_info() {
    let demo = start(DemoConfig {
        rate_limit: 2,
        ..DemoConfig::default()
    })
    .await;
    assert!(demo.list(DEMO).await.is_ok());
    assert!(demo.complete(DEMO, hi("dos-chat-small")).await.is_ok());
    let failed = demo.list(DEMO).await.expect_err("the third call");
    assert_eq!(failed.code(), Code::ResourceExhausted);
    assert_eq!(
        failed.message(),
        "Rate limit exceeded: 2 requests per 10 seconds"
    );
    let details = failed.check_error_details().expect("details");
    let info = details.error_info().expect("an ErrorInfo");
    assert_eq!(info.reason, "RATE_LIMIT_EXCEEDED");
    assert_eq!(info.domain, "dos.ai");
    assert_eq!(info.metadata.get("limit").map(String::as_str), Some("2"));
    assert_eq!(info.metadata.get("window").map(String::as_str), Some("10"));
    let delay = details
        .retry_info()
        .and_then(|retry| retry.retry_delay)
        .expect("a RetryInfo");
    assert!(
        delay > Duration::from_secs(9) && delay <= Duration::from_secs(10),
        "{delay:?}"
    );
    // The pushback is the same delay, in milliseconds rounded up.
    let millis: u128 = pushback(&failed)
        .expect("grpc-retry-pushback-ms")
        .parse()
        .expect("a number");
    assert_eq!(millis, delay.as_nanos().div_ceil(1_000_000));
    assert!(details.help().is_some());
    let decoded = ErrorResponse::from_tonic(&failed);
    assert_eq!(decoded.retry_after(), Some(delay));
    assert_eq!(decoded.error_code(), Some("rate_limit_exceeded"));
    assert_eq!(decoded.retryability(), Retryability::Throttled);

    // Another key has its own window.
    assert!(demo.list(Some("Bearer dos_sk_empty")).await.is_ok());
}

#[tokio::test]
async fn a_loading_model_is_unavailable_with_retry_info() {
    let demo = start(unlimited()).await;
    let failed = demo.fail(DEMO, hi("dos-loading")).await;
    let expected = DemoError::ModelLoading {
        model: "dos-loading",
        wait: Duration::from_secs(3),
    };
    assert_error(
        &failed,
        &expected,
        &Expected {
            code: Code::Unavailable,
            message: "The model dos-loading is loading; retry shortly",
            reason: "MODEL_LOADING",
            metadata: &[("model", "dos-loading")],
            violations: &[],
        },
    );
    assert_eq!(pushback(&failed), Some("3000"));
    let details = failed.check_error_details().expect("details");
    assert_eq!(
        details.retry_info().and_then(|retry| retry.retry_delay),
        Some(Duration::from_secs(3))
    );
}

#[tokio::test]
async fn a_crash_and_a_panic_are_masked_internals_and_the_server_keeps_serving() {
    let demo = start(unlimited()).await;
    let masked = Expected {
        code: Code::Internal,
        message: MASKED,
        reason: "SERVER_ERROR",
        metadata: &[],
        violations: &[],
    };
    let failed = demo.fail(DEMO, hi("dos-crash")).await;
    let crash = DemoError::ModelCrashed {
        model: "dos-crash",
        cause: InferenceFault::new(3),
    };
    assert_error(&failed, &crash, &masked);

    let failed = demo.fail(DEMO, hi("dos-panic")).await;
    let panic = DemoError::Panicked {
        detail: "model dos-panic panicked on purpose".into(),
    };
    assert_error(&failed, &panic, &masked);

    // Nothing of the causes crosses the wire.
    for failed in [
        demo.fail(DEMO, hi("dos-crash")).await,
        demo.fail(DEMO, hi("dos-panic")).await,
    ] {
        let everything = format!("{:?} {:?}", failed.details(), failed.metadata());
        for secret in ["CUDA", "worker", "on purpose", "panicked"] {
            assert!(!everything.contains(secret), "{secret}: {everything}");
        }
        assert!(!String::from_utf8_lossy(failed.details()).contains("CUDA"));
    }

    // The server (and this very connection) keeps serving.
    assert_eq!(demo.list(DEMO).await.expect("the list").len(), 4);
    let answer = demo
        .complete(DEMO, hi("dos-chat-small"))
        .await
        .expect("an answer after the panic");
    assert_eq!(answer.content, "You said: hi");
}

#[tokio::test]
async fn an_unknown_method_is_unimplemented_without_a_key() {
    let demo = start(unlimited()).await;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", demo.grpc))
        .expect("an endpoint")
        .connect()
        .await
        .expect("a connection");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let path =
        tonic::codegen::http::uri::PathAndQuery::from_static("/dos.chat.v1.Chat/DeleteModel");
    let failed = grpc
        .unary::<ListModelsRequest, ListModelsRequest, _>(
            tonic::Request::new(ListModelsRequest {}),
            path,
            tonic_prost::ProstCodec::default(),
        )
        .await
        .expect_err("no such method");
    assert_eq!(failed.code(), Code::Unimplemented);
    assert_eq!(
        failed.message(),
        "Unknown method /dos.chat.v1.Chat/DeleteModel"
    );
}

// ---- Check order ------------------------------------------------------------------------

#[tokio::test]
async fn the_checks_run_in_the_http_order() {
    let demo = start(DemoConfig {
        rate_limit: 4,
        ..DemoConfig::default()
    })
    .await;
    let empty = Some("Bearer dos_sk_empty");
    let code = |result: Result<ChatCompletion, tonic::Status>| {
        result.map_or_else(|status| status.code(), |_| Code::Ok)
    };
    // The key before the message.
    let revoked = Some("Bearer dos_sk_revoked");
    assert_eq!(
        code(demo.complete(revoked, hi("")).await),
        Code::Unauthenticated
    );
    // The message before the credits; the credits before the model.
    assert_eq!(
        code(demo.complete(empty, hi("gpt-9")).await),
        Code::InvalidArgument
    );
    assert_eq!(
        code(demo.complete(empty, hi("dos-loading")).await),
        Code::FailedPrecondition
    );
    assert_eq!(
        code(demo.complete(empty, hi("dos-panic")).await),
        Code::FailedPrecondition
    );
    // The three refused calls counted (as the fourth does); the rate limit comes
    // before the message, and a refusal does not count.
    assert_eq!(
        code(demo.complete(empty, hi("dos-chat-small")).await),
        Code::FailedPrecondition
    );
    for _ in 0..2 {
        assert_eq!(
            code(demo.complete(empty, hi("")).await),
            Code::ResourceExhausted
        );
    }
    // The key before the rate limit.
    assert_eq!(
        code(demo.complete(revoked, hi("dos-chat-small")).await),
        Code::Unauthenticated
    );
}

// ---- The same as over HTTP --------------------------------------------------------------

/// The HTTP body with the fields of `request` (an empty model is absent).
fn json_of(request: &ChatCompletionRequest) -> String {
    let mut body = serde_json::Map::new();
    if !request.model.is_empty() {
        body.insert("model".into(), request.model.clone().into());
    }
    let messages: Vec<serde_json::Value> = request
        .messages
        .iter()
        .map(|m| serde_json::json!({"role": m.role, "content": m.content}))
        .collect();
    body.insert("messages".into(), messages.into());
    if let Some(temperature) = request.temperature {
        body.insert("temperature".into(), temperature.into());
    }
    if let Some(max_tokens) = request.max_tokens {
        body.insert("max_tokens".into(), max_tokens.into());
    }
    serde_json::Value::Object(body).to_string()
}

#[tokio::test]
async fn grpc_answers_the_errors_of_http_in_google_s_format() {
    let demo = start(DemoConfig {
        format: Format::Google,
        ..unlimited()
    })
    .await;
    let http = support::client();
    let mut cases: Vec<(&str, ChatCompletionRequest)> = invalid_arguments()
        .into_iter()
        .map(|(request, _, _)| ("dos_sk_demo", request))
        .collect();
    cases.extend([
        ("dos_sk_nobody", hi("dos-chat-small")),
        ("dos_sk_revoked", hi("dos-chat-small")),
        ("dos_sk_empty", hi("dos-chat-small")),
        ("dos_sk_demo", hi("dos-loading")),
        ("dos_sk_demo", hi("dos-crash")),
        ("dos_sk_demo", hi("dos-panic")),
    ]);
    for (key, request) in cases {
        let body = json_of(&request);
        let reply = support::send(
            http.post(format!("http://{}/v1/chat/completions", demo.http))
                .bearer_auth(key)
                .header("content-type", "application/json")
                .body(body.clone()),
        )
        .await;
        let over_http: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
        let failed = demo.fail(Some(&format!("Bearer {key}")), request).await;
        let decoded = ErrorResponse::from_tonic(&failed);
        let over_grpc: serde_json::Value =
            serde_json::from_str(&decoded.to_json_as(Format::Google)).expect("JSON");
        for field in ["message", "status", "details"] {
            assert_eq!(
                over_grpc["error"][field], over_http["error"][field],
                "{field} of {body} with {key}"
            );
        }
        assert_eq!(
            over_http["error"]["status"].as_str(),
            Some(
                GrpcCode::from_i32(failed.code() as i32)
                    .expect("a code")
                    .as_str()
            ),
            "{body}"
        );
        if let Some(seconds) = &reply.retry_after {
            assert_eq!(pushback(&failed), Some(format!("{seconds}000").as_str()));
        }
    }
}

#[tokio::test]
async fn the_rate_limit_is_shared_with_http() {
    let demo = start(DemoConfig {
        rate_limit: 3,
        ..DemoConfig::default()
    })
    .await;
    let http = support::client();
    let models = |key: &str| {
        http.get(format!("http://{}/v1/models", demo.http))
            .bearer_auth(key)
    };
    assert_eq!(support::send(models("dos_sk_demo")).await.status, 200);
    assert!(demo.list(DEMO).await.is_ok());
    assert_eq!(support::send(models("dos_sk_demo")).await.status, 200);
    // Three in the window, two of them over HTTP: gRPC refuses the fourth…
    let failed = demo.list(DEMO).await.expect_err("the fourth call");
    assert_eq!(failed.code(), Code::ResourceExhausted);
    // …and so does HTTP.
    let reply = support::send(models("dos_sk_demo")).await;
    assert_eq!(reply.status, 429);
    assert!(reply
        .body
        .contains("Rate limit exceeded: 3 requests per 10 seconds"));
}

// ---- Retrying ---------------------------------------------------------------------------

#[tokio::test]
async fn retry_async_retries_a_loading_model_after_its_retry_info() {
    let demo = start(DemoConfig {
        loading_failures: Some(2),
        loading_retry_after: Duration::from_millis(60),
        ..unlimited()
    })
    .await;
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let started = Instant::now();
    let outcome = demo.complete_retried(&policy, "dos-loading").await;
    assert_eq!(
        outcome.result.expect("ready at last").content,
        "You said: hi"
    );
    assert_eq!(outcome.attempts, 3);
    // Two waits of the server's RetryInfo, not of the 1 ms backoff.
    assert!(
        started.elapsed() >= Duration::from_millis(120),
        "{:?}",
        started.elapsed()
    );

    // INVALID_ARGUMENT is not retried.
    let outcome = demo.complete_retried(&policy, "gpt-9").await;
    assert_eq!(outcome.attempts, 1);
    let error = outcome.result.expect_err("not retried");
    assert_eq!(error.grpc_code(), GrpcCode::InvalidArgument);
    assert_eq!(error.error_code(), Some("model_not_found"));
}

#[tokio::test]
async fn retry_async_stops_as_its_policy_says_on_an_always_loading_model() {
    let demo = start(DemoConfig {
        loading_retry_after: Duration::from_millis(30),
        ..unlimited()
    })
    .await;
    let policy = RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_retries(2);
    let started = Instant::now();
    let outcome = demo.complete_retried(&policy, "dos-loading").await;
    assert_eq!(outcome.attempts, 3);
    let error = outcome.result.expect_err("always loading");
    assert_eq!(error.grpc_code(), GrpcCode::Unavailable);
    assert_eq!(error.retry_after(), Some(Duration::from_millis(30)));
    assert!(started.elapsed() >= Duration::from_millis(60));
}

#[tokio::test]
async fn retry_async_waits_out_the_rate_limit() {
    let demo = start(DemoConfig {
        rate_limit: 1,
        rate_window: Duration::from_millis(400),
        ..DemoConfig::default()
    })
    .await;
    assert!(demo.list(DEMO).await.is_ok());
    let refused = demo.list(DEMO).await.expect_err("over the limit");
    let told = ErrorResponse::from_tonic(&refused)
        .retry_after()
        .expect("a RetryInfo");
    assert!(
        told > Duration::from_millis(200) && told <= Duration::from_millis(400),
        "{told:?}"
    );
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let started = Instant::now();
    let outcome = demo.complete_retried(&policy, "dos-chat-small").await;
    assert_eq!(
        outcome.result.expect("after the wait").content,
        "You said: hi"
    );
    assert_eq!(outcome.attempts, 2);
    // It waited what the RetryInfo said (less the time since it was told).
    assert!(
        started.elapsed() >= told.saturating_sub(Duration::from_millis(100)),
        "{:?} < {told:?}",
        started.elapsed()
    );
}
