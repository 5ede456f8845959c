//! One small error enum served by an actix-web app (and, for comparison, an axum
//! app), called over loopback with reqwest: status, exact body, `Content-Type`,
//! `Retry-After`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use dos_errors::ApiError;
use support::{client, send, Captured, Reply};

mod support;

#[derive(Debug, thiserror::Error, ApiError)]
#[api_error(integrations(actix_web, axum))]
enum ShopError {
    #[error("missing field {field}")]
    #[api_error(status = 400, message = "Missing required field: {field}")]
    MissingField { field: &'static str },

    #[error("bad key")]
    #[api_error(status = 401)]
    InvalidKey,

    #[error("rate limited")]
    #[api_error(
        status = 429,
        message = "Rate limit exceeded: {limit} requests per minute"
    )]
    RateLimited {
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },

    #[error("database failed: {0}")]
    #[api_error(status = 500)]
    Database(#[source] io::Error),

    #[error("model {model} loading")]
    #[api_error(status = 503, type = "model_loading_error", retry_after = 30)]
    ModelLoading { model: String },
}

/// No `Display`: the actix-web conversion does not need one.
#[derive(Debug, ApiError)]
#[api_error(status = 402, integrations(actix_web, axum))]
struct NoCredits;

fn shop_error(case: &str) -> Option<ShopError> {
    Some(match case {
        "missing" => ShopError::MissingField { field: "model" },
        "key" => ShopError::InvalidKey,
        "limited" => ShopError::RateLimited {
            limit: 10,
            wait: Duration::from_millis(2500),
        },
        "database" => ShopError::Database(io::Error::other("connection refused on 10.0.0.7:5432")),
        "database-once" => ShopError::Database(io::Error::other("pool exhausted (logged once)")),
        "loading" => ShopError::ModelLoading {
            model: "dos-chat-small".into(),
        },
        _ => return None,
    })
}

async fn actix_fail(case: web::Path<String>) -> Result<HttpResponse, ShopError> {
    match shop_error(&case) {
        Some(error) => Err(error),
        None => Ok(HttpResponse::Ok().body("fine")),
    }
}

async fn actix_credits() -> Result<HttpResponse, NoCredits> {
    Err(NoCredits)
}

/// `?` converts into `actix_web::Error`.
async fn actix_question_mark() -> actix_web::Result<HttpResponse> {
    Err(ShopError::InvalidKey)?;
    Ok(HttpResponse::Ok().finish())
}

async fn actix_echo(body: web::Json<serde_json::Value>) -> HttpResponse {
    HttpResponse::Ok().json(body.into_inner())
}

/// Starts the actix-web app on an ephemeral loopback port.
fn start_actix() -> (SocketAddr, actix_web::dev::ServerHandle) {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = HttpServer::new(|| {
        App::new()
            .app_data(dos_errors::integrations::actix::json_config().limit(64))
            .route("/fail/{case}", web::get().to(actix_fail))
            .route("/credits", web::get().to(actix_credits))
            .route("/question-mark", web::get().to(actix_question_mark))
            .route("/echo", web::post().to(actix_echo))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// The same routes with axum.
async fn start_axum() -> SocketAddr {
    use axum::extract::Path;
    use axum::routing::get;

    async fn fail(Path(case): Path<String>) -> Result<&'static str, ShopError> {
        match shop_error(&case) {
            Some(error) => Err(error),
            None => Ok("fine"),
        }
    }
    async fn credits() -> Result<(), NoCredits> {
        Err(NoCredits)
    }
    let app = axum::Router::new()
        .route("/fail/{case}", get(fail))
        .route("/credits", get(credits));
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn expected(code: u16, error_type: &str, message: &str, retry_after: Option<&str>) -> Reply {
    Reply {
        status: code,
        content_type: Some("application/json".to_owned()),
        retry_after: retry_after.map(str::to_owned),
        body: format!(
            r#"{{"error":{{"message":"{message}","type":"{error_type}","code":{code}}}}}"#
        ),
    }
}

fn cases() -> Vec<(&'static str, Reply)> {
    vec![
        (
            "/fail/missing",
            expected(
                400,
                "invalid_request_error",
                "Missing required field: model",
                None,
            ),
        ),
        (
            "/fail/key",
            expected(
                401,
                "authentication_error",
                "The API key is missing, invalid, or has been revoked.",
                None,
            ),
        ),
        (
            "/fail/limited",
            expected(
                429,
                "rate_limit_error",
                "Rate limit exceeded: 10 requests per minute",
                Some("3"),
            ),
        ),
        (
            "/fail/database",
            expected(
                500,
                "server_error",
                "An unexpected error occurred on our servers.",
                None,
            ),
        ),
        (
            "/fail/loading",
            expected(
                503,
                "model_loading_error",
                "The requested model is temporarily unavailable.",
                Some("30"),
            ),
        ),
        (
            "/credits",
            expected(
                402,
                "insufficient_credits_error",
                "Your account does not have sufficient credits to process the request.",
                None,
            ),
        ),
    ]
}

#[actix_web::test]
async fn actix_answers_with_envelopes() {
    let (addr, server) = start_actix();
    let http = client();
    for (path, want) in cases() {
        let got = send(http.get(format!("http://{addr}{path}"))).await;
        assert_eq!(got, want, "{path}");
    }
    let got = send(http.get(format!("http://{addr}/question-mark"))).await;
    assert_eq!(got, cases()[1].1);
    let ok = send(http.get(format!("http://{addr}/fail/none"))).await;
    assert_eq!((ok.status, ok.body.as_str()), (200, "fine"));
    server.stop(true).await;
}

#[actix_web::test]
async fn actix_json_payload_errors_are_envelopes() {
    let (addr, server) = start_actix();
    let http = client();
    let url = format!("http://{addr}/echo");
    let post = |content_type: &'static str, body: &'static str| {
        http.post(&url)
            .header("content-type", content_type)
            .body(body)
    };
    let got = send(post("application/json", r#"{"model":"#)).await;
    assert_eq!(
        got,
        expected(
            400,
            "invalid_request_error",
            "Malformed JSON in the request body: EOF while parsing a value at line 1 column 9",
            None
        )
    );
    let got = send(post("text/plain", r#"{"a":1}"#)).await;
    assert_eq!(
        got,
        expected(
            415,
            "invalid_request_error",
            "Expected request with `Content-Type: application/json`",
            None
        )
    );
    let got = send(post(
        "application/json",
        r#"{"a":"0123456789012345678901234567890123456789012345678901234567890123456789"}"#,
    ))
    .await;
    assert_eq!(got.status, 413);
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert!(
        got.body
            .starts_with(r#"{"error":{"message":"JSON payload ("#),
        "{}",
        got.body
    );
    assert!(
        got.body
            .ends_with(r#"","type":"request_too_large_error","code":413}}"#),
        "{}",
        got.body
    );
    let got = send(post("application/json", r#"{"a":1}"#)).await;
    assert_eq!((got.status, got.body.as_str()), (200, r#"{"a":1}"#));
    server.stop(true).await;
}

#[tokio::test]
async fn axum_answers_byte_for_byte_the_same() {
    let addr = start_axum().await;
    let http = client();
    for (path, want) in cases() {
        let got = send(http.get(format!("http://{addr}{path}"))).await;
        assert_eq!(got, want, "{path}");
    }
}

#[actix_web::test]
async fn actix_logs_the_masked_500_once() {
    let logs = Captured::default();
    // actix runs handlers on its worker thread: the subscriber must be global. This
    // is the only test of this binary that installs one.
    tracing::subscriber::set_global_default(logs.subscriber(tracing::Level::INFO))
        .expect("the only global subscriber");
    let (addr, server) = start_actix();
    let got = send(client().get(format!("http://{addr}/fail/database-once"))).await;
    assert_eq!(got, cases()[3].1);
    server.stop(true).await;

    // Other tests of this binary log too: look only for this request's error.
    let logs = logs.text();
    let masked: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("pool exhausted"))
        .collect();
    assert_eq!(masked.len(), 1, "{logs}");
    assert!(masked[0].contains("ERROR"), "{logs}");
    assert!(masked[0].contains("hidden from the client"), "{logs}");
    assert!(
        masked[0].contains("database failed: pool exhausted (logged once)"),
        "{logs}"
    );
    assert!(!got.body.contains("pool"));
}

/// The conversion reuses the derive's where clause (inferred bounds included) in an
/// impl for another type: generic types with long clauses convert.
#[test]
fn long_where_clauses_convert() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 400, message = "{a} {b} {c} {d} {e} {f} {g} {h}")]
    #[api_error(integrations(actix_web))]
    struct Many<A, B, C, D, E, F, G, H>
    where
        A: Clone + Send + Sync + 'static,
        B: Clone + Send + Sync + 'static,
        C: Clone + Send + Sync + 'static,
        D: Clone + Send + Sync + 'static,
        E: Clone + Send + Sync + 'static,
        F: Clone + Send + Sync + 'static,
        G: Clone + Send + Sync + 'static,
        H: Clone + Send + Sync + 'static,
    {
        a: A,
        b: B,
        c: C,
        d: D,
        e: E,
        f: F,
        g: G,
        h: H,
    }
    let many = Many {
        a: 1,
        b: 2,
        c: 3,
        d: 4,
        e: 5,
        f: 6,
        g: 7,
        h: "eight",
    };
    let error: actix_web::Error = many.into();
    assert_eq!(error.as_response_error().status_code().as_u16(), 400);
}

/// Declared retryability that differs from the status's default travels as
/// `x-should-retry`, the same from both frameworks, and a decoding client follows it.
#[tokio::test]
async fn a_retryability_the_status_does_not_tell_is_sent_as_x_should_retry() {
    use actix_web::ResponseError as _;
    use axum::response::IntoResponse as _;
    use dos_errors::client::ErrorResponse;
    use dos_errors::integrations::actix::ActixError;

    #[derive(Debug, Clone, Copy, ApiError)]
    #[api_error(integrations(actix_web, axum))]
    enum Declared {
        #[api_error(status = 409, retryable, retry_after = 2)]
        Busy,
        #[api_error(status = 503, retryable = false)]
        Retired,
        #[api_error(status = 503)]
        Loading,
        #[api_error(status = 404)]
        Missing,
    }

    for (error, sent) in [
        (Declared::Busy, Some("true")),
        (Declared::Retired, Some("false")),
        (Declared::Loading, None),
        (Declared::Missing, None),
    ] {
        let axum = error.into_response();
        let from_axum = axum
            .headers()
            .get("x-should-retry")
            .map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(from_axum.as_deref(), sent, "axum, {error:?}");
        let actix = ActixError::new(&error).error_response();
        let from_actix = actix
            .headers()
            .get("x-should-retry")
            .map(|value| value.to_str().unwrap().to_owned());
        assert_eq!(from_actix.as_deref(), sent, "actix, {error:?}");

        let head: Vec<(&str, &str)> = sent.map(|v| ("x-should-retry", v)).into_iter().collect();
        let decoded = ErrorResponse::from_parts(error.status().as_u16(), &head, b"");
        assert_eq!(decoded.is_retryable(), error.is_retryable(), "{error:?}");
    }
}
