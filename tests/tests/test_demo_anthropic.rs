//! End-to-end: `POST /v1/messages`, Anthropic's Messages API on the demo — its
//! success body, every error in Anthropic's format whatever the service's, the
//! `request-id` header, and the checks it shares with the other routes.

use std::time::Duration;

use dos_errors::Format;
use dos_errors_tests::demo::DemoConfig;
use serde_json::json;
use support::Answer;

mod support;

type Demo = support::DemoSite;

impl Demo {
    /// `POST /v1/messages` with `headers` and `body`.
    async fn messages(&self, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/v1/messages", self.base))
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        support::answer(request).await
    }

    /// `POST /v1/messages` with the demo key in `x-api-key` and a JSON body.
    async fn create(&self, body: &str) -> Answer {
        self.messages(&[("x-api-key", "dos_sk_demo"), (JSON.0, JSON.1)], body)
            .await
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");
const HELLO: &str = r#"{"model":"dos-chat-small","max_tokens":100,"messages":[{"role":"user","content":"hello there"}]}"#;

fn unlimited() -> DemoConfig {
    DemoConfig {
        rate_limit: 100_000,
        ..DemoConfig::default()
    }
}

/// Asserts an error of the route: status, Anthropic's body with the request's id,
/// the JSON content type, both id headers, `Retry-After`.
#[track_caller]
fn assert_anthropic(
    reply: &Answer,
    status: u16,
    error_type: &str,
    message: &str,
    retry_after: Option<&str>,
) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let id = reply.header("x-request-id").expect("x-request-id");
    assert_eq!(reply.header("request-id"), Some(id), "request-id");
    assert_eq!(
        reply.json(),
        json!({"type":"error","error":{"type":error_type,"message":message},"request_id":id}),
        "{reply:?}"
    );
    assert_eq!(reply.header("retry-after"), retry_after);
}

#[tokio::test]
async fn a_message_echoes_in_anthropics_shape() {
    let demo = Demo::start(unlimited()).await;
    let reply = demo.create(HELLO).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let id = reply.header("x-request-id").expect("x-request-id");
    assert!(id.starts_with("req_"));
    assert_eq!(reply.header("request-id"), Some(id));
    let message = reply.json();
    let message_id = message["id"].as_str().expect("id");
    assert!(message_id.starts_with("msg_"), "{message_id}");
    assert_eq!(
        message,
        json!({
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": "dos-chat-small",
            "content": [{"type": "text", "text": "You said: hello there"}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": 2, "output_tokens": 4}
        })
    );
    // Cut by max_tokens; every message counted; a system prompt accepted.
    let cut = r#"{"model":"dos-chat-large","max_tokens":2,"system":"be brief","messages":[{"role":"user","content":"a b"},{"role":"assistant","content":"c"},{"role":"user","content":"d e f"}]}"#;
    let message = demo.create(cut).await.json();
    assert_eq!(message["content"][0]["text"], "You said:");
    assert_eq!(message["stop_reason"], "max_tokens");
    assert_eq!(
        message["usage"],
        json!({"input_tokens": 6, "output_tokens": 2})
    );
    // The client's request id is used, in both headers.
    let traced = demo
        .messages(
            &[
                ("x-api-key", "dos_sk_demo"),
                JSON,
                ("x-request-id", "trace-7"),
            ],
            HELLO,
        )
        .await;
    assert_eq!(traced.header("request-id"), Some("trace-7"));
    assert_eq!(traced.header("x-request-id"), Some("trace-7"));
}

#[tokio::test]
async fn every_error_is_in_anthropics_format() {
    let demo = Demo::start(DemoConfig {
        format: Format::Google,
        loading_retry_after: Duration::from_millis(2_500),
        ..unlimited()
    })
    .await;
    let key = ("x-api-key", "dos_sk_demo");
    let body = |fields: &str| {
        format!(
            r#"{{"model":"dos-chat-small","max_tokens":10,"messages":[{{"role":"user","content":"hi"}}]{fields}}}"#
        )
    };
    let invalid = "invalid_request_error";
    let cases: Vec<(String, &str)> = vec![
        (r#"{"model":"#.to_owned(), "Malformed JSON in the request body: EOF while parsing a value at line 1 column 9"),
        ("[]".to_owned(), "The request body must be a JSON object"),
        (r#"{"model":"dos-chat-small","messages":[]}"#.to_owned(), "Missing required field: max_tokens"),
        (r#"{"max_tokens":1,"messages":[]}"#.to_owned(), "Missing required field: model"),
        (r#"{"model":"dos-chat-small","max_tokens":1}"#.to_owned(), "Missing required field: messages"),
        (r#"{"model":"claude-9","max_tokens":1,"messages":[]}"#.to_owned(), "The model `claude-9` does not exist"),
        (r#"{"model":"dos-chat-small","max_tokens":1,"messages":[]}"#.to_owned(), "messages must contain at least one message"),
        (
            r#"{"model":"dos-chat-small","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}"#.to_owned(),
            "Invalid value for messages[0].content: expected a string",
        ),
        (
            r#"{"model":"dos-chat-small","max_tokens":null,"messages":[{"role":"user","content":"hi"}]}"#.to_owned(),
            "Invalid value for max_tokens: expected an integer",
        ),
        (body(r#","system":["x"]"#), "Invalid value for system: expected a string"),
        (body(r#","temperature":1.5"#), "temperature must be between 0 and 1, got 1.5"),
        (
            r#"{"model":"dos-chat-small","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}"#.to_owned(),
            "max_tokens must be between 1 and 8192 (the context of dos-chat-small), got 0",
        ),
        (body(r#","stream":true"#), "Invalid value for stream: expected false (this demo does not stream)"),
        (
            r#"{"model":"dos-chat-small","max_tokens":1,"messages":[{"role":"system","content":"a"},{"role":"tool","content":"b"}]}"#.to_owned(),
            "Invalid message role: messages[0].role, messages[1].role must be one of user, assistant",
        ),
    ];
    for (body, message) in cases {
        let reply = demo.messages(&[key, JSON], &body).await;
        assert_anthropic(&reply, 400, invalid, message, None);
    }

    let hello = body("");
    let cases = [
        (
            vec![JSON],
            "Missing API key: send `x-api-key: YOUR_API_KEY`",
        ),
        (
            vec![JSON, ("authorization", "Basic eDp5")],
            "Incorrect Authorization header format: it must be `Bearer YOUR_API_KEY`",
        ),
        (
            vec![JSON, ("x-api-key", "sk-ant-1")],
            "Invalid API key: keys start with `dos_sk_`",
        ),
        (
            vec![JSON, ("x-api-key", "dos_sk_nobody")],
            "Invalid API key",
        ),
        (
            vec![JSON, ("authorization", "Bearer dos_sk_revoked")],
            "This API key has been revoked",
        ),
        // x-api-key first: a revoked one is not saved by a good bearer key.
        (
            vec![
                JSON,
                ("x-api-key", "dos_sk_revoked"),
                ("authorization", "Bearer dos_sk_demo"),
            ],
            "This API key has been revoked",
        ),
    ];
    for (headers, message) in cases {
        let reply = demo.messages(&headers, &hello).await;
        assert_anthropic(&reply, 401, "authentication_error", message, None);
    }
    let bearer = demo
        .messages(&[JSON, ("authorization", "Bearer dos_sk_demo")], &hello)
        .await;
    assert_eq!(bearer.status, 200, "{bearer:?}");

    let reply = demo
        .messages(&[JSON, ("x-api-key", "dos_sk_empty")], &hello)
        .await;
    assert_anthropic(
        &reply,
        402,
        "insufficient_credits_error",
        "Your account does not have sufficient credits to process the request.",
        None,
    );
    let reply = demo
        .messages(&[key, JSON], &"x".repeat(1024 * 1024 + 1))
        .await;
    assert_anthropic(
        &reply,
        413,
        "request_too_large_error",
        "The request body is larger than 1048576 bytes",
        None,
    );
    let reply = demo
        .messages(&[key, ("content-type", "text/plain")], &hello)
        .await;
    assert_anthropic(
        &reply,
        415,
        invalid,
        "Content-Type must be application/json",
        None,
    );
    let model = |id: &str| {
        format!(
            r#"{{"model":"{id}","max_tokens":10,"messages":[{{"role":"user","content":"hi"}}]}}"#
        )
    };
    let masked = "An unexpected error occurred on our servers.";
    for id in ["dos-crash", "dos-panic"] {
        let reply = demo.create(&model(id)).await;
        assert_anthropic(&reply, 500, "server_error", masked, None);
    }
    let reply = demo.create(&model("dos-loading")).await;
    assert_anthropic(
        &reply,
        503,
        "service_unavailable_error",
        "The model dos-loading is loading; retry shortly",
        Some("3"),
    );
    // After a panic, the route still serves.
    assert_eq!(demo.create(HELLO).await.status, 200);
}

#[tokio::test]
async fn the_route_keeps_its_format_and_the_others_keep_theirs() {
    let demo = Demo::start(DemoConfig {
        format: Format::OpenAi,
        ..unlimited()
    })
    .await;
    // Asking for problem details changes nothing here.
    let reply = demo
        .messages(&[JSON, ("accept", "application/problem+json")], HELLO)
        .await;
    assert_anthropic(
        &reply,
        401,
        "authentication_error",
        "Missing API key: send `x-api-key: YOUR_API_KEY`",
        None,
    );
    // A wrong method on the route: Anthropic's format, with `Allow`.
    let reply = demo
        .send(demo.http.get(format!("{}/v1/messages", demo.base)))
        .await;
    assert_anthropic(
        &reply,
        405,
        "invalid_request_error",
        "Method GET is not allowed on /v1/messages",
        None,
    );
    assert_eq!(reply.header("allow"), Some("POST"));
    // The other routes answer in the service's format, without `request-id`.
    let reply = demo
        .send(demo.http.get(format!("{}/v1/models", demo.base)))
        .await;
    assert_eq!(reply.json()["error"]["code"], "invalid_api_key");
    assert_eq!(reply.header("request-id"), None);
    let reply = demo
        .send(demo.http.get(format!("{}/v1/messages/batches", demo.base)))
        .await;
    assert_eq!(reply.json()["error"]["code"], "unknown_route");
}

#[tokio::test]
async fn the_checks_and_the_rate_limit_are_those_of_the_other_routes() {
    let demo = Demo::start(DemoConfig {
        rate_limit: 3,
        rate_window: Duration::from_secs(60),
        ..DemoConfig::default()
    })
    .await;
    let empty = ("x-api-key", "dos_sk_empty");
    // The key before the body; the body (413, then 415, then 400) before the credits.
    let revoked = demo
        .messages(&[("x-api-key", "dos_sk_revoked")], "not json")
        .await;
    assert_eq!(revoked.status, 401);
    let big = "z".repeat(1024 * 1024 + 1);
    assert_eq!(demo.messages(&[empty], &big).await.status, 413);
    assert_eq!(demo.messages(&[empty], "not json").await.status, 415);
    assert_eq!(demo.messages(&[empty, JSON], "not json").await.status, 400);
    assert_eq!(demo.messages(&[empty, JSON], "not json").await.status, 429);
    // One window per key, across the routes.
    assert_eq!(demo.create("not json").await.status, 400);
    let chat = demo
        .http
        .post(format!("{}/v1/chat/completions", demo.base))
        .bearer_auth("dos_sk_demo")
        .header("content-type", "application/json")
        .body(r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}]}"#);
    assert_eq!(demo.send(chat).await.status, 200);
    assert_eq!(demo.create(HELLO).await.status, 200);
    let limited = demo.create(HELLO).await;
    assert_anthropic(
        &limited,
        429,
        "rate_limit_error",
        "Rate limit exceeded: 3 requests per 60 seconds",
        Some("60"),
    );
    let models = demo
        .send(
            demo.http
                .get(format!("{}/v1/models", demo.base))
                .bearer_auth("dos_sk_demo"),
        )
        .await;
    assert_eq!(models.status, 429);

    // Credits before the model's state.
    let demo = Demo::start(unlimited()).await;
    let loading =
        r#"{"model":"dos-loading","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#;
    assert_eq!(demo.messages(&[empty, JSON], loading).await.status, 402);
    assert_eq!(demo.messages(&[empty, JSON], "{}").await.status, 400);
}
