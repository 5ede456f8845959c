//! End-to-end: what the demo logs. Each test installs its own subscriber for its
//! thread and runs the server on that thread (a single-threaded runtime).
//!
//! These tests live in a binary of their own: `tracing` caches whether a callsite
//! is enabled when a thread first reaches it, and a test of another file reaching
//! `request_span` without a subscriber at the moment this one installs its own
//! could leave the request's span disabled here (the log line then lacks the id).

use std::time::Duration;

use dos_errors_tests::demo::proto::{ChatClient, ChatCompletionRequest, ChatMessage};
use dos_errors_tests::demo::{grpc, spawn, DemoConfig};
use support::{send, Captured};

mod support;

/// Runs `requests` against a fresh demo under a capturing subscriber; returns the logs.
async fn logs_of(requests: &[(&str, &str, &str)]) -> (String, Vec<u16>) {
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::INFO);
    let _guard = tracing::subscriber::set_default(subscriber);

    let config = DemoConfig {
        rate_limit: 1000,
        loading_retry_after: Duration::from_secs(3),
        ..DemoConfig::default()
    };
    let (addr, _server) = spawn(config).await.expect("bind a loopback port");
    let http = support::client();
    let mut statuses = Vec::new();
    for (path, request_id, body) in requests {
        let request = http
            .post(format!("http://{addr}{path}"))
            .bearer_auth("dos_sk_demo")
            .header("content-type", "application/json")
            .header("x-request-id", *request_id)
            .body((*body).to_owned());
        let reply = send(request).await;
        assert!(!reply.body.contains("CUDA"), "{reply:?}");
        assert!(!reply.body.contains("on purpose"), "{reply:?}");
        statuses.push(reply.status);
    }
    (logs.text(), statuses)
}

#[tokio::test(flavor = "current_thread")]
async fn masked_500s_log_their_internal_detail_once_with_the_request_id() {
    let crash = r#"{"model":"dos-crash","messages":[{"role":"user","content":"hi"}]}"#;
    let (logs, statuses) = logs_of(&[
        ("/v1/chat/completions", "req_test_crash_42", crash),
        // Public 4xx messages are not logged as hidden errors.
        ("/v1/chat/completions", "req_test_400", "{"),
    ])
    .await;
    assert_eq!(statuses, [500, 400]);
    let masked: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("hidden from the client"))
        .collect();
    assert_eq!(masked.len(), 1, "logged once: {logs}");
    let line = masked[0];
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("req_test_crash_42"), "{line}");
    assert!(
        line.contains("model dos-crash crashed: inference worker 3 lost its GPU context (CUDA error 700 at 0x7f3a9c)"),
        "the Display and source chain: {line}"
    );
    // One access log line per request, with its id and status.
    for (id, status) in [("req_test_crash_42", "500"), ("req_test_400", "400")] {
        let access: Vec<&str> = logs
            .lines()
            .filter(|line| line.contains(id) && line.contains(" request "))
            .collect();
        assert_eq!(access.len(), 1, "{id}: {logs}");
        assert!(
            access[0].contains(&format!("status={status}")),
            "{}",
            access[0]
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_panic_on_the_anthropic_route_is_logged_with_the_request_id() {
    let panic =
        r#"{"model":"dos-panic","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#;
    let (logs, statuses) = logs_of(&[("/v1/messages", "req_test_panic_7", panic)]).await;
    assert_eq!(statuses, [500]);
    let masked: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("hidden from the client"))
        .collect();
    assert_eq!(masked.len(), 1, "logged once: {logs}");
    assert!(masked[0].contains("req_test_panic_7"), "{}", masked[0]);
    assert!(
        masked[0].contains("handler panicked: model dos-panic panicked on purpose"),
        "{}",
        masked[0]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn grpc_masked_errors_log_their_detail_once_with_the_request_id() {
    let logs = Captured::default();
    let subscriber = logs.subscriber(tracing::Level::INFO);
    let _guard = tracing::subscriber::set_default(subscriber);

    let config = DemoConfig {
        rate_limit: 1000,
        ..DemoConfig::default()
    };
    let (addr, _server) = grpc::spawn_new(config).await.expect("bind a loopback port");
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("an endpoint")
        .connect()
        .await
        .expect("a connection");
    let mut client = ChatClient::new(channel);
    let calls = [
        ("dos-crash", "req_grpc_crash_42", tonic::Code::Internal),
        ("dos-panic", "req_grpc_panic_7", tonic::Code::Internal),
        ("gpt-9", "req_grpc_400", tonic::Code::InvalidArgument),
        ("dos-chat-small", "req_grpc_ok", tonic::Code::Ok),
    ];
    for (model, id, code) in calls {
        let mut request = tonic::Request::new(ChatCompletionRequest {
            model: model.to_owned(),
            messages: vec![ChatMessage {
                role: "user".into(),
                content: "hi".into(),
            }],
            temperature: None,
            max_tokens: None,
        });
        let metadata = request.metadata_mut();
        metadata.insert(
            "authorization",
            "Bearer dos_sk_demo".parse().expect("ascii"),
        );
        metadata.insert("x-request-id", id.parse().expect("ascii"));
        let answered = client
            .create_chat_completion(request)
            .await
            .map_or_else(|status| status.code(), |_| tonic::Code::Ok);
        assert_eq!(answered, code, "{model}");
    }
    let logs = logs.text();
    let masked: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("hidden from the client"))
        .collect();
    assert_eq!(masked.len(), 2, "each logged once: {logs}");
    assert!(masked[0].contains("ERROR"), "{}", masked[0]);
    assert!(masked[0].contains("req_grpc_crash_42"), "{}", masked[0]);
    assert!(
        masked[0].contains("model dos-crash crashed: inference worker 3 lost its GPU context (CUDA error 700 at 0x7f3a9c)"),
        "the Display and source chain: {}",
        masked[0]
    );
    assert!(masked[1].contains("req_grpc_panic_7"), "{}", masked[1]);
    assert!(
        masked[1].contains("handler panicked: model dos-panic panicked on purpose"),
        "{}",
        masked[1]
    );
    // One access log line per call, with its id, method and gRPC code.
    for (_, id, code) in calls {
        let access: Vec<&str> = logs
            .lines()
            .filter(|line| line.contains(id) && line.contains(" request "))
            .collect();
        assert_eq!(access.len(), 1, "{id}: {logs}");
        let code = dos_errors::GrpcCode::from_i32(code as i32).expect("a code");
        assert!(
            access[0].contains(&format!("code=\"{}\"", code.as_str())),
            "{}",
            access[0]
        );
        assert!(
            access[0].contains("/dos.chat.v1.Chat/CreateChatCompletion"),
            "{}",
            access[0]
        );
    }
}
