//! A bounded concurrent load test of the demo server on loopback: 8 tasks × 40
//! requests of mixed cases; every response is a well-formed envelope (Anthropic's
//! error body on `/v1/messages`), or a success, with the expected status, and
//! nothing hangs.

use std::time::Duration;

use dos_errors::ErrorEnvelope;
use dos_errors_tests::demo::{spawn, DemoConfig};

const TASKS: usize = 8;
const REQUESTS_PER_TASK: usize = 40;

/// One kind of request and the status it must get.
#[derive(Debug, Clone, Copy)]
struct Case {
    method: &'static str,
    path: &'static str,
    key: Option<&'static str>,
    body: &'static str,
    status: u16,
}

const CASES: [Case; 13] = [
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}]}"#,
        status: 200,
    },
    Case {
        method: "GET",
        path: "/v1/models",
        key: Some("dos_sk_demo"),
        body: "",
        status: 200,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"#,
        status: 400,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-chat-small","messages":[]}"#,
        status: 400,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_revoked"),
        body: "{}",
        status: 401,
    },
    Case {
        method: "GET",
        path: "/v1/models",
        key: None,
        body: "",
        status: 401,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_empty"),
        body: r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}]}"#,
        status: 402,
    },
    Case {
        method: "GET",
        path: "/nowhere",
        key: None,
        body: "",
        status: 404,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-crash","messages":[{"role":"user","content":"hi"}]}"#,
        status: 500,
    },
    Case {
        method: "POST",
        path: "/v1/chat/completions",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-loading","messages":[{"role":"user","content":"hi"}]}"#,
        status: 503,
    },
    Case {
        method: "POST",
        path: "/v1/messages",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-chat-small","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#,
        status: 200,
    },
    Case {
        method: "POST",
        path: "/v1/messages",
        key: Some("dos_sk_demo"),
        body: r#"{"model":"dos-chat-small","max_tokens":10,"messages":[{"role":"system","content":"hi"}]}"#,
        status: 400,
    },
    Case {
        method: "POST",
        path: "/v1/messages",
        key: None,
        body: "{}",
        status: 401,
    },
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_concurrent_requests_all_get_well_formed_answers() {
    let config = DemoConfig {
        rate_limit: 1_000_000,
        ..DemoConfig::default()
    };
    let (addr, server) = spawn(config).await.expect("bind a loopback port");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let http = http.clone();
        tasks.push(tokio::spawn(async move {
            for request in 0..REQUESTS_PER_TASK {
                let case = CASES[(task * 7 + request) % CASES.len()];
                let url = format!("http://{addr}{}", case.path);
                let mut builder = match case.method {
                    "GET" => http.get(url),
                    _ => http
                        .post(url)
                        .header("content-type", "application/json")
                        .body(case.body),
                };
                if let Some(key) = case.key {
                    builder = builder.bearer_auth(key);
                }
                let response = builder.send().await.expect("response");
                let status = response.status().as_u16();
                let content_type = response.headers().get("content-type").cloned();
                let body = response.bytes().await.expect("body");
                assert_eq!(
                    status,
                    case.status,
                    "{case:?}: {}",
                    String::from_utf8_lossy(&body)
                );
                assert_eq!(
                    content_type.as_ref().map(|value| value.as_bytes()),
                    Some(&b"application/json"[..])
                );
                let anthropic = case.path == "/v1/messages";
                if status >= 400 && anthropic {
                    // Anthropic's format, with the request's id.
                    let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
                    assert_eq!(value["type"], "error");
                    assert!(value["request_id"]
                        .as_str()
                        .is_some_and(|id| id.starts_with("req_")));
                } else if status >= 400 {
                    let envelope: ErrorEnvelope =
                        serde_json::from_slice(&body).expect("an envelope");
                    assert_eq!(envelope.error.code, status);
                    assert!(!envelope.error.message.is_empty());
                } else if anthropic {
                    let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
                    assert_eq!(value["type"], "message");
                } else {
                    let value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
                    assert!(value["object"] == "chat.completion" || value["object"] == "list");
                }
            }
        }));
    }
    let all = async {
        for task in tasks {
            task.await.expect("task");
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("the load test hung");
    server.abort();
}
