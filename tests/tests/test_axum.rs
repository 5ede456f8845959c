//! The axum integration without a network: `IntoResponse` of derived types, the
//! envelope `Json` extractor, the fallbacks and the plain-text safety net.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use dos_errors::integrations::axum::{envelope_errors, method_not_allowed, not_found, Json};
use dos_errors::ApiError;
use tower::ServiceExt;

async fn parts(response: Response) -> (u16, Option<String>, Option<String>, String) {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("ascii").to_owned())
    };
    let content_type = header("content-type");
    let retry_after = header("retry-after");
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (
        status,
        content_type,
        retry_after,
        String::from_utf8(body.to_vec()).expect("UTF-8"),
    )
}

#[tokio::test]
async fn derived_types_are_responses() {
    #[derive(Debug, ApiError)]
    #[api_error(integrations(axum))]
    enum E {
        #[api_error(status = 429, message = "Slow down: {limit} per minute")]
        Limited {
            limit: u32,
            #[api_error(retry_after)]
            wait: Option<Duration>,
        },
        #[api_error(status = 503, retry_after = 30)]
        Loading,
    }
    let response = E::Limited {
        limit: 5,
        wait: Some(Duration::from_millis(100)),
    }
    .into_response();
    assert_eq!(
        parts(response).await,
        (
            429,
            Some("application/json".to_owned()),
            Some("1".to_owned()),
            r#"{"error":{"message":"Slow down: 5 per minute","type":"rate_limit_error","code":429}}"#.to_owned()
        )
    );
    let (status, _, retry_after, _) = parts(
        E::Limited {
            limit: 5,
            wait: None,
        }
        .into_response(),
    )
    .await;
    assert_eq!((status, retry_after), (429, None));
    let (status, _, retry_after, _) = parts(E::Loading.into_response()).await;
    assert_eq!((status, retry_after.as_deref()), (503, Some("30")));
}

#[tokio::test]
async fn generic_and_borrowing_types_are_responses() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 404, message = "No such {what}: {id}", integrations(axum))]
    struct Missing<'a, T: std::fmt::Display> {
        what: &'a str,
        id: T,
    }
    let (status, _, _, body) = parts(
        Missing {
            what: "model",
            id: 7,
        }
        .into_response(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        r#"{"error":{"message":"No such model: 7","type":"not_found_error","code":404}}"#
    );
}

/// A message whose `Display` panics: the library does not catch the panic (it
/// would hide the bug, and does nothing under `panic = "abort"`); it propagates like
/// any panic in a handler, and a panic-catching layer answers with a masked 500.
#[tokio::test]
async fn a_panicking_message_panics_and_a_catch_panic_layer_answers() {
    struct Bomb;
    impl std::fmt::Display for Bomb {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("Display exploded")
        }
    }
    impl std::fmt::Debug for Bomb {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Bomb")
        }
    }
    #[derive(Debug, ApiError)]
    #[api_error(status = 409, message = "Conflict with {0}", integrations(axum))]
    struct Conflict(Bomb);

    let caught = std::panic::catch_unwind(|| Conflict(Bomb).into_response());
    let panic = caught.expect_err("the panic propagates");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"Display exploded"));

    async fn handler() -> Result<(), Conflict> {
        Err(Conflict(Bomb))
    }
    let app = Router::new().route("/conflict", get(handler)).layer(
        tower_http::catch_panic::CatchPanicLayer::custom(
            dos_errors::integrations::axum::panic_response,
        ),
    );
    let response = app
        .oneshot(Request::get("/conflict").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, content_type, _, body) = parts(response).await;
    assert_eq!(status, 500);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(
        body,
        r#"{"error":{"message":"An unexpected error occurred on our servers.","type":"server_error","code":500}}"#
    );
}

fn app() -> Router {
    async fn create(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
        Json(body)
    }
    async fn plain_text() -> (StatusCode, &'static str) {
        (StatusCode::CONFLICT, "already exists")
    }
    async fn plain_500() -> (StatusCode, &'static str) {
        (StatusCode::INTERNAL_SERVER_ERROR, "db password is hunter2")
    }
    Router::new()
        .route("/items", post(create))
        .route("/plain", post(plain_text))
        .route("/plain500", post(plain_500))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::map_response(envelope_errors))
}

async fn call(
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &'static str,
) -> (u16, Option<String>, Option<String>, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = app()
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("infallible");
    parts(response).await
}

fn envelope(code: u16, error_type: &str, message: &str) -> String {
    format!(r#"{{"error":{{"message":"{message}","type":"{error_type}","code":{code}}}}}"#)
}

#[tokio::test]
async fn axum_rejections_are_envelopes() {
    let json = Some("application/json");
    let (status, content_type, _, body) = call("POST", "/items", json, r#"{"a":"#).await;
    assert_eq!((status, content_type.as_deref()), (400, json));
    assert!(
        body.starts_with(r#"{"error":{"message":"Failed to parse the request body as JSON: "#),
        "{body}"
    );
    assert!(
        body.ends_with(r#"","type":"invalid_request_error","code":400}}"#),
        "{body}"
    );

    let (status, _, _, body) = call("POST", "/items", None, r#"{"a":1}"#).await;
    assert_eq!(status, 415);
    assert_eq!(
        body,
        envelope(
            415,
            "invalid_request_error",
            "Expected request with `Content-Type: application/json`"
        )
    );

    let (status, _, _, body) = call("POST", "/items", json, "").await;
    assert_eq!(status, 400, "a missing body is malformed JSON: {body}");

    let (status, _, _, body) = call("GET", "/nowhere", None, "").await;
    assert_eq!(
        (status, body),
        (404, envelope(404, "not_found_error", "Not Found."))
    );

    let (status, _, _, body) = call("GET", "/items", None, "").await;
    assert_eq!(
        (status, body),
        (
            405,
            envelope(405, "invalid_request_error", "Method Not Allowed.")
        )
    );

    let (status, _, _, body) = call("POST", "/items", json, r#"{"a":1}"#).await;
    assert_eq!((status, body.as_str()), (200, r#"{"a":1}"#));
}

#[tokio::test]
async fn plain_text_errors_become_envelopes() {
    let (status, content_type, _, body) = call("POST", "/plain", None, "").await;
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(
        (status, body),
        (409, envelope(409, "conflict_error", "already exists"))
    );
    // A 5xx keeps its text out of the response.
    let (status, _, _, body) = call("POST", "/plain500", None, "").await;
    assert_eq!(
        (status, body),
        (
            500,
            envelope(
                500,
                "server_error",
                "An unexpected error occurred on our servers."
            )
        )
    );
}

#[tokio::test]
async fn a_panicking_handler_becomes_a_masked_500() {
    use dos_errors::integrations::axum::panic_response;
    use tower_http::catch_panic::CatchPanicLayer;

    async fn boom() -> &'static str {
        panic!("secret state: 0xdeadbeef")
    }
    let app = Router::new()
        .route("/boom", post(boom))
        .layer(CatchPanicLayer::custom(panic_response));
    let request = Request::post("/boom").body(Body::empty()).expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    let (status, content_type, _, body) = parts(response).await;
    assert_eq!(
        (status, content_type.as_deref()),
        (500, Some("application/json"))
    );
    assert_eq!(
        body,
        envelope(
            500,
            "server_error",
            "An unexpected error occurred on our servers."
        )
    );
}

/// An error in Anthropic's format carries its request id in Anthropic's
/// `request-id` header too, where the official Anthropic SDKs read it.
#[test]
fn anthropic_errors_carry_the_request_id_header() {
    use dos_errors::integrations::http::response_in;
    use dos_errors::Format;

    #[derive(Debug, ApiError)]
    #[api_error(status = 404)]
    struct Missing;

    let response = response_in(&Missing, Format::Anthropic, Some("req_42"));
    assert_eq!(response.headers()["request-id"], "req_42");
    let body = String::from_utf8(response.into_body()).unwrap();
    assert!(body.ends_with(r#","request_id":"req_42"}"#), "{body}");
    for format in [
        Format::Envelope,
        Format::OpenAi,
        Format::Problem,
        Format::Google,
    ] {
        let response = response_in(&Missing, format, Some("req_42"));
        assert!(response.headers().get("request-id").is_none(), "{format}");
    }
    let response = response_in(&Missing, Format::Anthropic, None);
    assert!(response.headers().get("request-id").is_none());
}
