//! The client-side integrations against the running demo server: the tower retry
//! policy and the reqwest decoder.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use dos_errors::client::{BodyShape, ErrorResponse};
use dos_errors::integrations::tower::HttpRetryPolicy;
use dos_errors::retry::{Jitter, RetryPolicy};
use dos_errors::{ApiError, Retryability};
use dos_errors_tests::demo::{spawn, DemoConfig};
use support::client;
use tower::{Service, ServiceBuilder, ServiceExt};

mod support;

async fn start(config: DemoConfig) -> SocketAddr {
    spawn(config).await.expect("bind a loopback port").0
}

/// A tower service sending `http` requests with reqwest, counting its calls.
fn http_service(
    calls: Arc<AtomicUsize>,
) -> impl Service<
    http::Request<String>,
    Response = http::Response<Bytes>,
    Error = reqwest::Error,
    Future = impl Send,
> + Clone {
    let http = client();
    tower::service_fn(move |request: http::Request<String>| {
        let http = http.clone();
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            let response = http.execute(reqwest::Request::try_from(request)?).await?;
            let mut builder = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await?;
            Ok(builder.body(body).expect("valid response"))
        }
    })
}

/// No jitter and a short backoff: the delays are the server's `Retry-After`.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .base_delay(Duration::from_millis(10))
        .jitter(Jitter::None)
}

fn chat_request(addr: SocketAddr, key: &str, model: &str) -> http::Request<String> {
    http::Request::post(format!("http://{addr}/v1/chat/completions"))
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"model":"{model}","messages":[{{"role":"user","content":"hi"}}]}}"#
        ))
        .expect("request")
}

#[tokio::test]
async fn tower_retries_a_503_then_succeeds() {
    let addr = start(DemoConfig {
        loading_failures: Some(1),
        loading_retry_after: Duration::ZERO,
        ..DemoConfig::default()
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let service = ServiceBuilder::new()
        .retry(HttpRetryPolicy::new(policy()))
        .service(http_service(calls.clone()));
    let response = service
        .oneshot(chat_request(addr, "dos_sk_demo", "dos-loading"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one 503, then the success");
    let completion: serde_json::Value = serde_json::from_slice(response.body()).expect("JSON");
    assert_eq!(completion["model"], "dos-loading");
}

#[tokio::test]
async fn tower_honours_the_retry_after_of_a_429() {
    let addr = start(DemoConfig {
        rate_limit: 1,
        rate_window: Duration::from_millis(800),
        ..DemoConfig::default()
    })
    .await;
    // Use the key's only slot.
    let first = client()
        .get(format!("http://{addr}/v1/models"))
        .bearer_auth("dos_sk_demo")
        .send()
        .await
        .expect("response");
    assert_eq!(first.status(), 200);

    let calls = Arc::new(AtomicUsize::new(0));
    let service = ServiceBuilder::new()
        .retry(HttpRetryPolicy::new(policy()))
        .service(http_service(calls.clone()));
    let started = Instant::now();
    let response = service
        .oneshot(chat_request(addr, "dos_sk_demo", "dos-chat-small"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one 429, then the success");
    // The 429 said `Retry-After: 1` (under 800 ms, rounded up): the retry waited that long.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn tower_does_not_retry_fatal_errors() {
    let addr = start(DemoConfig::default()).await;
    for (key, model, status) in [
        ("dos_sk_unknown", "dos-chat-small", 401),
        ("dos_sk_empty", "dos-chat-small", 402),
        ("dos_sk_demo", "no-such-model", 400),
    ] {
        let calls = Arc::new(AtomicUsize::new(0));
        let service = ServiceBuilder::new()
            .retry(HttpRetryPolicy::new(policy()))
            .service(http_service(calls.clone()));
        let response = service
            .oneshot(chat_request(addr, key, model))
            .await
            .expect("response");
        assert_eq!(response.status(), status);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{status} is not retried");

        // The body was left for the caller: decode it with `from_http`.
        let (parts, body) = response.into_parts();
        let error = ErrorResponse::from_http(&parts, &body);
        assert_eq!(error.status(), status);
        assert_eq!(error.shape(), BodyShape::Envelope);
        assert_eq!(error.retryability(), Retryability::Fatal);
        assert!(error.request_id().is_some_and(|id| id.starts_with("req_")));
    }
}

#[tokio::test]
async fn tower_gives_up_when_retries_are_exhausted() {
    let addr = start(DemoConfig {
        loading_retry_after: Duration::ZERO,
        ..DemoConfig::default()
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    let service = ServiceBuilder::new()
        .retry(HttpRetryPolicy::new(policy().max_retries(2)))
        .service(http_service(calls.clone()));
    let response = service
        .oneshot(chat_request(addr, "dos_sk_demo", "dos-loading"))
        .await
        .expect("response");
    assert_eq!(response.status(), 503);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "the first attempt and two retries"
    );
}

#[tokio::test]
async fn reqwest_responses_decode_into_error_responses() {
    let addr = start(DemoConfig {
        rate_limit: 2,
        rate_window: Duration::from_secs(5),
        loading_retry_after: Duration::from_secs(30),
        ..DemoConfig::default()
    })
    .await;
    let http = client();
    let chat = |key: &str, model: &str| {
        http.post(format!("http://{addr}/v1/chat/completions"))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .header("x-request-id", "req_from_test")
            .body(format!(
                r#"{{"model":"{model}","messages":[{{"role":"user","content":"hi"}}]}}"#
            ))
            .send()
    };

    let unavailable =
        ErrorResponse::from_reqwest(chat("dos_sk_demo", "dos-loading").await.expect("response"))
            .await;
    assert_eq!(unavailable.status(), 503);
    assert_eq!(unavailable.error_type(), "service_unavailable_error");
    assert_eq!(
        unavailable.message(),
        "The model dos-loading is loading; retry shortly"
    );
    assert_eq!(unavailable.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(unavailable.retryability(), Retryability::Transient);
    assert_eq!(unavailable.request_id(), Some("req_from_test"));

    let _ = chat("dos_sk_demo", "dos-chat-small")
        .await
        .expect("response");
    let limited = ErrorResponse::from_reqwest(
        chat("dos_sk_demo", "dos-chat-small")
            .await
            .expect("response"),
    )
    .await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.error_type(), "rate_limit_error");
    assert_eq!(
        limited.message(),
        "Rate limit exceeded: 2 requests per 5 seconds"
    );
    assert_eq!(limited.retryability(), Retryability::Throttled);
    assert!(limited
        .retry_after()
        .is_some_and(|wait| wait <= Duration::from_secs(5)));

    let unauthorized = ErrorResponse::from_reqwest(
        chat("dos_sk_revoked", "dos-chat-small")
            .await
            .expect("response"),
    )
    .await;
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(unauthorized.message(), "This API key has been revoked");
    assert_eq!(unauthorized.retryability(), Retryability::Fatal);
    assert_eq!(
        policy().decide(0, &unauthorized),
        dos_errors::retry::RetryDecision::GiveUp(dos_errors::retry::GiveUpReason::Fatal)
    );
}

#[tokio::test]
async fn reqwest_bodies_are_read_within_a_bound() {
    // A server whose error page is 4 MiB of text.
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::BAD_GATEWAY,
            "x".repeat(4 * 1024 * 1024),
        )
    });
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });

    let response = client()
        .get(format!("http://{addr}/"))
        .send()
        .await
        .expect("response");
    let error = ErrorResponse::from_reqwest_limited(response, 1000).await;
    assert_eq!(error.status(), 502);
    assert_eq!(error.shape(), BodyShape::Text);
    assert!(error.truncated());
    assert!(error.message().len() <= 1000);

    let response = client()
        .get(format!("http://{addr}/"))
        .send()
        .await
        .expect("response");
    let error = ErrorResponse::from_reqwest(response).await;
    assert!(error.truncated());
    assert_eq!(error.error_type(), "bad_gateway_error");
}
