//! End-to-end: the demo server on an ephemeral loopback port, called over HTTP with
//! reqwest. Every case checks the status, the exact body, `Content-Type` and `Retry-After`.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use dos_errors_tests::demo::{spawn, DemoConfig};
use support::{send, Reply};

mod support;

/// A client for one server.
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        Client {
            http: support::client(),
            base: format!("http://{addr}"),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        send(request).await
    }

    async fn get(&self, path: &str, key: Option<&str>) -> Reply {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        send(request).await
    }

    /// `POST /v1/chat/completions` with a JSON body.
    async fn chat(&self, key: &str, body: &str) -> Reply {
        self.chat_with(key, "application/json", body).await
    }

    async fn chat_with(&self, key: &str, content_type: &str, body: &str) -> Reply {
        let request = self
            .http
            .post(format!("{}/v1/chat/completions", self.base))
            .bearer_auth(key)
            .header("content-type", content_type)
            .body(body.to_owned());
        send(request).await
    }
}

fn envelope(code: u16, error_type: &str, message: &str) -> String {
    format!(r#"{{"error":{{"message":"{message}","type":"{error_type}","code":{code}}}}}"#)
}

/// Asserts an error reply: status, exact body, JSON content type, `Retry-After`.
#[track_caller]
fn assert_error(
    reply: &Reply,
    code: u16,
    error_type: &str,
    message: &str,
    retry_after: Option<&str>,
) {
    assert_eq!(reply.status, code, "status of {reply:?}");
    assert_eq!(
        reply.body,
        envelope(code, error_type, message),
        "body of {reply:?}"
    );
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/json"),
        "content type of {reply:?}"
    );
    assert_eq!(
        reply.retry_after.as_deref(),
        retry_after,
        "Retry-After of {reply:?}"
    );
}

/// A config whose rate limit never triggers.
fn unlimited() -> DemoConfig {
    DemoConfig {
        rate_limit: 100_000,
        ..DemoConfig::default()
    }
}

async fn start(config: DemoConfig) -> Client {
    let (addr, _server) = spawn(config).await.expect("bind a loopback port");
    Client::new(addr)
}

const DEMO: &str = "dos_sk_demo";
const HELLO: &str =
    r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hello there"}]}"#;

#[tokio::test]
async fn models_are_listed_in_openai_shape() {
    let client = start(unlimited()).await;
    let reply = client.get("/v1/models", Some(DEMO)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let list: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(list["object"], "list");
    let ids: Vec<&str> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|model| {
            assert_eq!(model["object"], "model");
            assert!(model["created"].is_u64());
            assert_eq!(model["owned_by"], "dos");
            model["id"].as_str().expect("id")
        })
        .collect();
    assert_eq!(
        ids,
        [
            "dos-chat-small",
            "dos-chat-large",
            "dos-loading",
            "dos-crash"
        ]
    );
    assert_eq!(list["data"][1]["context_length"], 32768);
}

#[tokio::test]
async fn a_completion_echoes_in_openai_shape() {
    let client = start(unlimited()).await;
    let reply = client.chat(DEMO, HELLO).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let completion: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(completion["object"], "chat.completion");
    assert!(completion["id"]
        .as_str()
        .expect("id")
        .starts_with("chatcmpl-"));
    assert!(completion["created"].is_u64());
    assert_eq!(completion["model"], "dos-chat-small");
    let choice = &completion["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(choice["message"]["content"], "You said: hello there");
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(completion["usage"]["prompt_tokens"], 2);
    assert_eq!(completion["usage"]["completion_tokens"], 4);
    assert_eq!(completion["usage"]["total_tokens"], 6);

    let cut = r#"{"model":"dos-chat-large","messages":[{"role":"user","content":"a b c"}],"max_tokens":2,"temperature":0}"#;
    let completion: serde_json::Value =
        serde_json::from_str(&client.chat(DEMO, cut).await.body).expect("JSON");
    assert_eq!(completion["choices"][0]["message"]["content"], "You said:");
    assert_eq!(completion["choices"][0]["finish_reason"], "length");
}

#[tokio::test]
async fn every_400_of_the_seed() {
    let client = start(unlimited()).await;
    let cases = [
        (
            r#"{"model":"#,
            "Malformed JSON in the request body: EOF while parsing a value at line 1 column 9",
        ),
        ("[1,2]", "The request body must be a JSON object"),
        (
            r#"{"messages":[{"role":"user","content":"hi"}]}"#,
            "Missing required field: model",
        ),
        (
            r#"{"model":"dos-chat-small"}"#,
            "Missing required field: messages",
        ),
        (
            r#"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#,
            "The model `gpt-9` does not exist",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[]}"#,
            "messages must contain at least one message",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"temperature":2.5}"#,
            "temperature must be between 0 and 2, got 2.5",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"temperature":-0.1}"#,
            "temperature must be between 0 and 2, got -0.1",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}"#,
            "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got -1",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"max_tokens":8193}"#,
            "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got 8193",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"max_tokens":"many"}"#,
            "Invalid value for max_tokens: expected an integer",
        ),
        (
            r#"{"model":42,"messages":[]}"#,
            "Invalid value for model: expected a string",
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}],"stream":true}"#,
            "Invalid value for stream: expected false (this demo does not stream)",
        ),
    ];
    for (body, message) in cases {
        let reply = client.chat(DEMO, body).await;
        assert_error(&reply, 400, "invalid_request_error", message, None);
    }
    // The large model's context is larger.
    let fits = r#"{"model":"dos-chat-large","messages":[{"role":"user","content":"hi"}],"max_tokens":32768}"#;
    assert_eq!(client.chat(DEMO, fits).await.status, 200);
}

#[tokio::test]
async fn every_401_of_the_seed() {
    let client = start(unlimited()).await;
    let url = format!("{}/v1/models", client.base);
    let missing = client.send(client.http.get(&url)).await;
    assert_error(
        &missing,
        401,
        "authentication_error",
        "Missing Authorization header: send `Authorization: Bearer YOUR_API_KEY`",
        None,
    );
    for header in [
        "Basic ZG9zOnNr",
        "Bearer",
        "Bearer ",
        "bearer dos_sk_demo",
        "dos_sk_demo",
    ] {
        let reply = client
            .send(client.http.get(&url).header("authorization", header))
            .await;
        assert_error(
            &reply,
            401,
            "authentication_error",
            "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`",
            None,
        );
    }
    let cases = [
        ("sk_live_123", "Invalid API key: keys start with `dos_sk_`"),
        ("dos_sk_DEMO", "Invalid API key"),
        ("dos_sk_unknown", "Invalid API key"),
        ("dos_sk_revoked", "This API key has been revoked"),
    ];
    for (key, message) in cases {
        assert_error(
            &client.get("/v1/models", Some(key)).await,
            401,
            "authentication_error",
            message,
            None,
        );
        assert_error(
            &client.chat(key, HELLO).await,
            401,
            "authentication_error",
            message,
            None,
        );
    }
}

#[tokio::test]
async fn payment_server_and_unavailable_errors() {
    let client = start(DemoConfig {
        loading_retry_after: Duration::from_millis(29_200),
        ..unlimited()
    })
    .await;
    assert_error(
        &client.chat("dos_sk_empty", HELLO).await,
        402,
        "insufficient_credits_error",
        "Your account does not have sufficient credits to process the request.",
        None,
    );
    let loading = r#"{"model":"dos-loading","messages":[{"role":"user","content":"hi"}]}"#;
    assert_error(
        &client.chat(DEMO, loading).await,
        503,
        "service_unavailable_error",
        "The model dos-loading is loading; retry shortly",
        Some("30"), // 29.2 s, rounded up
    );
    let crash = r#"{"model":"dos-crash","messages":[{"role":"user","content":"hi"}]}"#;
    assert_error(
        &client.chat(DEMO, crash).await,
        500,
        "server_error",
        "An unexpected error occurred on our servers.",
        None,
    );
}

#[tokio::test]
async fn routing_errors_need_no_key() {
    let client = start(unlimited()).await;
    assert_error(
        &client.get("/v2/models", None).await,
        404,
        "not_found_error",
        "Unknown route: GET /v2/models",
        None,
    );
    assert_error(
        &client.get("/", None).await,
        404,
        "not_found_error",
        "Unknown route: GET /",
        None,
    );
    let reply = client
        .send(client.http.delete(format!("{}/v1/models", client.base)))
        .await;
    assert_error(
        &reply,
        405,
        "invalid_request_error",
        "Method DELETE is not allowed on /v1/models",
        None,
    );
    let reply = client.get("/v1/chat/completions", None).await;
    assert_error(
        &reply,
        405,
        "invalid_request_error",
        "Method GET is not allowed on /v1/chat/completions",
        None,
    );
}

#[tokio::test]
async fn body_size_and_content_type() {
    let client = start(unlimited()).await;
    let huge = format!(
        r#"{{"model":"dos-chat-small","messages":[{{"role":"user","content":"{}"}}]}}"#,
        "a".repeat(1024 * 1024)
    );
    assert_error(
        &client.chat(DEMO, &huge).await,
        413,
        "request_too_large_error",
        "The request body is larger than 1048576 bytes",
        None,
    );
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks: Vec<Result<String, io::Error>> =
        vec![Ok("x".repeat(700 * 1024)), Ok("y".repeat(700 * 1024))];
    let streamed = client
        .http
        .post(format!("{}/v1/chat/completions", client.base))
        .bearer_auth(DEMO)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )));
    assert_error(
        &client.send(streamed).await,
        413,
        "request_too_large_error",
        "The request body is larger than 1048576 bytes",
        None,
    );
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        assert_error(
            &client.chat_with(DEMO, content_type, HELLO).await,
            415,
            "invalid_request_error",
            "Content-Type must be application/json",
            None,
        );
    }
    let no_type = client
        .http
        .post(format!("{}/v1/chat/completions", client.base))
        .bearer_auth(DEMO)
        .body(HELLO);
    assert_error(
        &client.send(no_type).await,
        415,
        "invalid_request_error",
        "Content-Type must be application/json",
        None,
    );
    assert_eq!(
        client
            .chat_with(DEMO, "application/json; charset=utf-8", HELLO)
            .await
            .status,
        200
    );
    // An empty body is malformed JSON.
    assert_error(
        &client.chat(DEMO, "").await,
        400,
        "invalid_request_error",
        "Malformed JSON in the request body: EOF while parsing a value at line 1 column 0",
        None,
    );
}

#[tokio::test]
async fn the_checks_run_in_the_documented_order() {
    let client = start(DemoConfig {
        rate_limit: 2,
        rate_window: Duration::from_secs(60),
        ..DemoConfig::default()
    })
    .await;
    // Authentication before the body.
    assert_eq!(client.chat("dos_sk_revoked", "not json").await.status, 401);
    // The body (413 before 415 before 400) before credits; credits before the model's state.
    let big = "z".repeat(1024 * 1024 + 1);
    assert_eq!(
        client
            .chat_with("dos_sk_empty", "text/plain", &big)
            .await
            .status,
        413
    );
    assert_eq!(
        client
            .chat_with("dos_sk_empty", "text/plain", "not json")
            .await
            .status,
        415
    );
    // dos_sk_empty has used its two requests: the third is rate limited before anything else.
    let limited = client.chat("dos_sk_empty", "not json").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.retry_after.as_deref(), Some("60"));
    // The demo key's failed request counts: after a 400 and a 200, its window is full.
    assert_eq!(client.chat(DEMO, "not json").await.status, 400);
    assert_eq!(client.chat(DEMO, HELLO).await.status, 200);
    assert_eq!(client.get("/v1/models", Some(DEMO)).await.status, 429);

    let client = start(unlimited()).await;
    assert_eq!(client.chat("dos_sk_empty", "not json").await.status, 400);
    let loading = r#"{"model":"dos-loading","messages":[{"role":"user","content":"hi"}]}"#;
    assert_eq!(client.chat("dos_sk_empty", loading).await.status, 402);
    // Unknown routes and wrong methods come first, without a key.
    assert_eq!(
        client
            .get("/v1/nothing", Some("dos_sk_revoked"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn rate_limit_counts_every_authenticated_request_but_429s() {
    let client = start(DemoConfig {
        rate_limit: 3,
        rate_window: Duration::from_millis(900),
        ..DemoConfig::default()
    })
    .await;
    assert_eq!(client.get("/v1/models", Some(DEMO)).await.status, 200);
    assert_eq!(client.chat(DEMO, "{").await.status, 400);
    assert_eq!(client.chat(DEMO, HELLO).await.status, 200);
    // The server counted the last request before this instant.
    let last_counted = Instant::now();
    // Unauthenticated requests do not count against the key.
    assert_eq!(
        client
            .get("/v1/models", Some("dos_sk_revoked"))
            .await
            .status,
        401
    );
    for _ in 0..3 {
        let reply = client.get("/v1/models", Some(DEMO)).await;
        assert_error(
            &reply,
            429,
            "rate_limit_error",
            "Rate limit exceeded: 3 requests per 1 seconds",
            Some("1"), // under 900 ms, rounded up
        );
    }
    // Another key has its own window.
    assert_eq!(client.chat("dos_sk_empty", HELLO).await.status, 402);
    // The refused requests did not count: once the window has passed, three fit again.
    tokio::time::sleep(
        Duration::from_millis(900).saturating_sub(last_counted.elapsed())
            + Duration::from_millis(20),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(client.get("/v1/models", Some(DEMO)).await.status, 200);
    }
    assert_eq!(client.get("/v1/models", Some(DEMO)).await.status, 429);
}

#[tokio::test]
async fn a_panicking_handler_is_a_masked_500_and_the_server_keeps_serving() {
    let client = start(unlimited()).await;
    let panic = r#"{"model":"dos-panic","messages":[{"role":"user","content":"hi"}]}"#;
    for _ in 0..2 {
        assert_error(
            &client.chat(DEMO, panic).await,
            500,
            "server_error",
            "An unexpected error occurred on our servers.",
            None,
        );
        assert_eq!(client.chat(DEMO, HELLO).await.status, 200);
    }
}

#[test]
fn demo_rate_limit_sets_the_limit() {
    let config = |value: Option<&str>| {
        DemoConfig::from_vars(|name| {
            value
                .filter(|_| name == "DEMO_RATE_LIMIT")
                .map(str::to_owned)
        })
    };
    assert_eq!(config(None).map(|config| config.rate_limit), Ok(10));
    assert_eq!(config(Some("25")).map(|config| config.rate_limit), Ok(25));
    assert_eq!(config(Some(" 3 ")).map(|config| config.rate_limit), Ok(3));
    for bad in ["0", "-1", "ten", ""] {
        assert!(config(Some(bad)).is_err(), "{bad:?}");
    }
    let defaults = DemoConfig::default();
    assert_eq!(defaults.rate_window, Duration::from_secs(10));
    assert_eq!(defaults.max_body_bytes, 1024 * 1024);
    assert_eq!(defaults.loading_failures, None);
}
