//! `dos_errors::client::CallError`: error responses and transport failures in one
//! `ApiError`, so that a retry policy retries connection failures and timeouts too.

use std::error::Error as _;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use dos_errors::client::{CallError, ErrorResponse, TransportKind};
use dos_errors::retry::{
    retry_async_outcome, retry_blocking_outcome, GiveUpReason, Jitter, RetryPolicy,
};
use dos_errors::{ApiError, Format, GrpcCode, Retryability, Status};
use dos_errors_tests::demo::{self, DemoConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---- Without a client: the table and the conversions --------------------------------------

#[test]
fn each_transport_kind_answers_with_its_documented_row() {
    let rows = [
        (
            TransportKind::Connect,
            503,
            "api_connection_error",
            "Connection error.",
            Retryability::Transient,
        ),
        (
            TransportKind::Timeout,
            504,
            "api_timeout_error",
            "Request timed out.",
            Retryability::Transient,
        ),
        (
            TransportKind::Interrupted,
            502,
            "api_connection_error",
            "The connection was interrupted before the response was complete.",
            Retryability::Transient,
        ),
        (
            TransportKind::Other,
            500,
            "api_call_error",
            "The API call failed.",
            Retryability::Fatal,
        ),
    ];
    for (kind, status, error_type, message, retryability) in rows {
        let err = CallError::transport(kind, "details for the log, not for the envelope");
        assert_eq!(err.transport_kind(), Some(kind));
        assert!(err.response().is_none());
        assert_eq!(err.status().as_u16(), status, "{kind:?}");
        assert_eq!(err.error_type(), error_type, "{kind:?}");
        assert_eq!(err.message(), message, "{kind:?}");
        assert_eq!(err.retryability(), retryability, "{kind:?}");
        assert_eq!(err.retry_after(), None);
        assert_eq!(
            err.to_json(),
            format!(
                r#"{{"error":{{"message":"{message}","type":"{error_type}","code":{status}}}}}"#
            )
        );
        assert_eq!(
            err.to_string(),
            format!("{} ({error_type}): {message}", err.status())
        );
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("details for the log, not for the envelope")
        );
    }
}

#[test]
fn the_source_is_the_underlying_error() {
    let err = CallError::transport(
        TransportKind::Interrupted,
        io::Error::from(io::ErrorKind::ConnectionReset),
    );
    let io = err.source().and_then(|e| e.downcast_ref::<io::Error>());
    assert_eq!(
        io.map(io::Error::kind),
        Some(io::ErrorKind::ConnectionReset)
    );
    // A clone shares it.
    let clone = err.clone();
    assert!(std::ptr::eq(
        clone.source().expect("a source") as *const _ as *const u8,
        err.source().expect("a source") as *const _ as *const u8,
    ));
    assert!(format!("{err:?}").contains("Interrupted"));
}

#[test]
fn an_error_response_answers_as_itself() {
    let response = ErrorResponse::from_parts(
        429,
        &[("retry-after", "7"), ("x-request-id", "req_9")],
        br#"{"error":{"message":"Slow down","type":"rate_limit_error","code":429}}"#,
    );
    let err = CallError::from(response.clone());
    assert_eq!(err.transport_kind(), None);
    assert_eq!(err.response(), Some(&response));
    assert_eq!(err.status(), Status::TOO_MANY_REQUESTS);
    assert_eq!(err.error_type(), "rate_limit_error");
    assert_eq!(err.message(), "Slow down");
    assert_eq!(err.retryability(), Retryability::Throttled);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.to_json(), response.to_json());
    assert_eq!(err.to_string(), response.to_string());
    assert!(err.source().is_none());
    assert_eq!(err.into_response().ok(), Some(response));

    let transport = CallError::transport(TransportKind::Timeout, "slow");
    assert!(transport.into_response().is_err());
}

#[test]
fn an_error_response_answers_every_method_as_itself() {
    // A Google body carries everything: code, param, violations, link, domain, metadata.
    let body = br#"{"error":{"code":400,"message":"Invalid messages","status":"INVALID_ARGUMENT","details":[
        {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_VALUE","domain":"dos.ai","metadata":{"role":"robot"}},
        {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"messages[0].role","description":"unknown role"}]},
        {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"docs","url":"https://docs.dos.ai/errors#invalid_value"}]}]}}"#;
    let response = ErrorResponse::from_parts(400, &[], body);
    let err = CallError::from(response.clone());
    assert_eq!(err.error_code(), Some("invalid_value"));
    assert_eq!(err.error_code(), response.error_code());
    assert_eq!(err.param().as_deref(), Some("messages[0].role"));
    assert_eq!(err.violations(), response.violations());
    assert_eq!(err.violations().len(), 1);
    assert_eq!(
        err.doc_url().as_deref(),
        Some("https://docs.dos.ai/errors#invalid_value")
    );
    assert_eq!(err.domain(), Some("dos.ai"));
    assert_eq!(err.grpc_code(), GrpcCode::InvalidArgument);
    for format in [
        Format::Envelope,
        Format::OpenAi,
        Format::Anthropic,
        Format::Problem,
        Format::Google,
    ] {
        assert_eq!(
            err.to_json_as(format),
            response.to_json_as(format),
            "{format}"
        );
    }

    // A transport failure has none of them, and its status's gRPC code.
    let transport = CallError::transport(TransportKind::Connect, "refused");
    assert_eq!(transport.error_code(), None);
    assert_eq!(transport.param(), None);
    assert!(transport.violations().is_empty());
    assert_eq!(transport.doc_url(), None);
    assert_eq!(transport.domain(), None);
    assert_eq!(
        transport.grpc_code(),
        transport.status().default_grpc_code()
    );
    assert!(transport
        .to_json_as(Format::Google)
        .contains(&*transport.message()));
}

#[test]
fn a_retry_policy_retries_connection_failures_and_stops_on_other_failures() {
    let policy = RetryPolicy::default()
        .max_retries(5)
        .base_delay(Duration::from_millis(1));

    // Refused twice, timed out once, then a success.
    let mut attempt = 0;
    let outcome = retry_blocking_outcome(&policy, || {
        attempt += 1;
        match attempt {
            1 | 2 => Err(CallError::transport(TransportKind::Connect, "refused")),
            3 => Err(CallError::transport(TransportKind::Timeout, "timed out")),
            _ => Ok("done"),
        }
    });
    assert_eq!(outcome.result.expect("a success"), "done");
    assert_eq!(outcome.attempts, 4);

    // `?` converts an `ErrorResponse`; a 400 is fatal.
    let outcome = retry_blocking_outcome(&policy, || -> Result<(), CallError> {
        Err(ErrorResponse::from_parts(400, &[], b"bad"))?;
        Ok(())
    });
    assert_eq!(outcome.attempts, 1);
    assert_eq!(outcome.give_up, Some(GiveUpReason::Fatal));

    let outcome = retry_blocking_outcome(&policy, || -> Result<(), _> {
        Err(CallError::transport(TransportKind::Other, "invalid URL"))
    });
    assert_eq!(outcome.attempts, 1);
    assert_eq!(outcome.give_up, Some(GiveUpReason::Fatal));
}

// ---- With reqwest -------------------------------------------------------------------------

fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .expect("client")
}

/// A loopback address where nothing listens (the port was free a moment ago).
/// `GET http://{addr}/` with a client that gives up after `timeout`.
async fn get(addr: SocketAddr, timeout: Duration) -> reqwest::Result<reqwest::Response> {
    client(timeout).get(format!("http://{addr}/")).send().await
}

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Whatever the client sends, until the end of the request head.
async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

/// A server that answers every connection with `answer(stream)`, on an ephemeral port.
async fn raw_server<F, Fut>(answer: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream));
        }
    });
    addr
}

fn reqwest_source(err: &CallError) -> &reqwest::Error {
    err.source()
        .and_then(|e| e.downcast_ref::<reqwest::Error>())
        .expect("the reqwest::Error is the source")
}

#[tokio::test]
async fn a_call_is_retried_until_a_server_listens_on_the_port() {
    let addr = free_addr();
    let listening_after = Duration::from_millis(300);
    let server = tokio::spawn(async move {
        tokio::time::sleep(listening_after).await;
        let listener = TcpListener::bind(addr).await.expect("bind the port again");
        demo::serve(listener, DemoConfig::default(), std::future::pending()).await
    });

    let http = client(Duration::from_secs(5));
    let url = format!("http://{addr}/v1/models");
    let policy = RetryPolicy::default()
        .max_retries(10)
        .base_delay(Duration::from_millis(20))
        .jitter(Jitter::Equal);
    let started = std::time::Instant::now();
    let outcome = retry_async_outcome(
        &policy,
        || async {
            let response = http.get(&url).bearer_auth("dos_sk_demo").send().await?;
            let response = CallError::check_status(response).await?;
            Ok::<_, CallError>(response.text().await?)
        },
        tokio::time::sleep,
    )
    .await;

    let body = outcome.result.expect("a success once the server listens");
    assert!(body.contains("dos-chat-small"), "{body}");
    assert!(outcome.attempts > 1, "the first attempts were refused");
    assert!(started.elapsed() >= listening_after);
    server.abort();
}

#[tokio::test]
async fn a_refused_connection_is_a_transient_connect_failure() {
    let addr = free_addr();
    let error = get(addr, Duration::from_secs(5))
        .await
        .expect_err("nothing listens");
    let err = CallError::from(error);
    assert_eq!(err.transport_kind(), Some(TransportKind::Connect));
    assert_eq!(err.status(), Status::SERVICE_UNAVAILABLE);
    assert_eq!(err.error_type(), "api_connection_error");
    assert!(err.is_retryable());
    assert!(reqwest_source(&err).is_connect());
    // The address stays out of the public message.
    assert!(!err.to_json().contains(&addr.port().to_string()));
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_transient_timeout() {
    let addr = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let error = get(addr, Duration::from_millis(200))
        .await
        .expect_err("no answer");
    let err = CallError::from(error);
    assert_eq!(err.transport_kind(), Some(TransportKind::Timeout));
    assert_eq!(err.status(), Status::GATEWAY_TIMEOUT);
    assert_eq!(err.error_type(), "api_timeout_error");
    assert!(err.is_retryable());
    assert!(reqwest_source(&err).is_timeout());
}

#[tokio::test]
async fn a_body_that_stalls_is_a_timeout_too() {
    let addr = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhalf")
            .await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let response = get(addr, Duration::from_millis(300))
        .await
        .expect("the head arrives");
    let err = CallError::from(response.text().await.expect_err("the body stalls"));
    assert_eq!(err.transport_kind(), Some(TransportKind::Timeout));
}

#[tokio::test]
async fn a_connection_closed_before_the_response_is_interrupted() {
    let addr = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        drop(stream);
    })
    .await;
    let error = get(addr, Duration::from_secs(5))
        .await
        .expect_err("closed without a response");
    let err = CallError::from(error);
    assert_eq!(err.transport_kind(), Some(TransportKind::Interrupted));
    assert_eq!(err.status(), Status::BAD_GATEWAY);
    assert_eq!(err.error_type(), "api_connection_error");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_body_cut_short_is_interrupted() {
    let addr = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhalf")
            .await;
        // Closed with 96 bytes still owed.
    })
    .await;
    let response = get(addr, Duration::from_secs(5))
        .await
        .expect("the head arrives");
    let error = response.text().await.expect_err("the body breaks off");
    assert!(
        error.is_decode(),
        "reqwest reports a broken body as a decode error"
    );
    let err = CallError::from(error);
    assert_eq!(err.transport_kind(), Some(TransportKind::Interrupted));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn an_invalid_url_is_returned_at_once() {
    let http = client(Duration::from_secs(5));
    let calls = AtomicU32::new(0);
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(1));
    let outcome = retry_async_outcome(
        &policy,
        || async {
            calls.fetch_add(1, Ordering::SeqCst);
            let response = http.get("http://exa mple.invalid/").send().await?;
            Ok::<_, CallError>(response.status())
        },
        tokio::time::sleep,
    )
    .await;
    let err = outcome.result.expect_err("not a URL");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(outcome.attempts, 1);
    assert_eq!(outcome.give_up, Some(GiveUpReason::Fatal));
    assert_eq!(err.transport_kind(), Some(TransportKind::Other));
    assert_eq!(err.status(), Status::INTERNAL_SERVER_ERROR);
    assert_eq!(err.error_type(), "api_call_error");
    assert!(reqwest_source(&err).is_builder());
}

#[tokio::test]
async fn check_status_decodes_error_responses_and_passes_successes() {
    let (addr, server) = demo::spawn(DemoConfig {
        loading_failures: Some(1),
        loading_retry_after: Duration::ZERO,
        ..DemoConfig::default()
    })
    .await
    .expect("demo");
    let http = client(Duration::from_secs(5));
    let chat = |key: &'static str, model: &'static str| {
        let request = http
            .post(format!("http://{addr}/v1/chat/completions"))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"model":"{model}","messages":[{{"role":"user","content":"hi"}}]}}"#
            ));
        async move {
            let response = CallError::check_status(request.send().await?).await?;
            Ok::<_, CallError>(response.status().as_u16())
        }
    };
    let policy = RetryPolicy::default()
        .max_retries(3)
        .base_delay(Duration::from_millis(10));

    // A 503 (with Retry-After: 0) is retried, then the model is ready.
    let outcome = retry_async_outcome(
        &policy,
        || chat("dos_sk_demo", "dos-loading"),
        tokio::time::sleep,
    )
    .await;
    assert_eq!(outcome.result.expect("ready on the second attempt"), 200);
    assert_eq!(outcome.attempts, 2);

    // A 401 is returned at once, decoded with its headers.
    let outcome = retry_async_outcome(
        &policy,
        || chat("dos_sk_revoked", "dos-chat-small"),
        tokio::time::sleep,
    )
    .await;
    assert_eq!(outcome.attempts, 1);
    let err = outcome.result.expect_err("revoked");
    let response = err.response().expect("an error response");
    assert_eq!(response.http_status(), 401);
    assert_eq!(response.error_type(), "authentication_error");
    assert!(response
        .request_id()
        .is_some_and(|id| id.starts_with("req_")));
    server.abort();
}

#[tokio::test]
async fn an_error_for_status_error_keeps_its_status() {
    let addr = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
            .await;
    })
    .await;
    let response = get(addr, Duration::from_secs(5)).await.expect("a response");
    let err = CallError::from(response.error_for_status().expect_err("a 503"));
    let response = err.response().expect("an error response");
    assert_eq!(response.http_status(), 503);
    assert_eq!(err.retryability(), Retryability::Transient);
}
