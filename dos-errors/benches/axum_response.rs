//! A derived error turned into an axum response, in-process, against a hand-written
//! `(StatusCode, headers, body)` response of the same bytes (issue 10's target:
//! ≤ 1.1×).
//!
//! Each contender is a one-route `Router` whose handler fails; one request is sent
//! through it with `tower::ServiceExt::oneshot` on a current-thread runtime and the
//! response's body is collected, so both sides pay the same routing, runtime and
//! body plumbing and differ only in how the error becomes a response:
//!
//! - **derive**: the handler returns `Err(ChatError::…)` of an
//!   `#[api_error(integrations(axum))]` type: status, `Content-Type`, `Retry-After`
//!   and the envelope written by the derive;
//! - **hand-written**: the handler returns `(StatusCode, [(name, value); n], body)`
//!   with the same status, headers and body bytes: for the static message a
//!   `&'static str` (rendering nothing at all), for the interpolated one a
//!   `format!` of the whole body from the values (what a hand-written handler has to
//!   do at least; it does not even escape them).
//!
//! `cargo bench -p dos-errors --features axum --bench axum_response`; see BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use dos_errors::ApiError;
use tower::ServiceExt as _;

#[path = "support/interleaved.rs"]
mod support;

use support::{find, measure, median, ratio, sampler, Sample};

#[derive(Debug, Clone, ApiError)]
#[api_error(integrations(axum))]
enum ChatError {
    /// A static message.
    #[api_error(status = 401, code = "invalid_api_key")]
    InvalidKey,
    /// An interpolated message and a `Retry-After`.
    #[api_error(
        status = 429,
        code = "rate_limit_exceeded",
        message = "Model {model} is limited to {limit} requests per minute",
        retry_after = 20
    )]
    RateLimited { model: String, limit: u32 },
}

fn cases() -> [(&'static str, ChatError); 2] {
    [
        ("static", ChatError::InvalidKey),
        (
            "interpolated",
            ChatError::RateLimited {
                model: "gpt-4o-mini".into(),
                limit: 10_000,
            },
        ),
    ]
}

/// The router whose only route fails with `error`.
fn derived(error: ChatError) -> Router {
    Router::new().route(
        "/",
        get(move || {
            let error = error.clone();
            async move { Err::<(), ChatError>(black_box(error)) }
        }),
    )
}

/// The router whose only route answers the error of `case` by hand.
fn hand_written(case: &str) -> Router {
    const JSON: &str = "application/json";
    match case {
        "static" => Router::new().route(
            "/",
            get(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    [(CONTENT_TYPE, JSON)],
                    r#"{"error":{"message":"The API key is missing, invalid, or has been revoked.","type":"authentication_error","code":401}}"#,
                )
            }),
        ),
        _ => {
            let (model, limit): (String, u32) = ("gpt-4o-mini".into(), 10_000);
            Router::new().route(
                "/",
                get(move || {
                    let model = model.clone();
                    async move {
                        let body = format!(
                            r#"{{"error":{{"message":"Model {} is limited to {} requests per minute","type":"rate_limit_error","code":429}}}}"#,
                            black_box(&model),
                            black_box(limit)
                        );
                        (
                            StatusCode::TOO_MANY_REQUESTS,
                            [(CONTENT_TYPE, JSON), (RETRY_AFTER, "20")],
                            body,
                        )
                    }
                }),
            )
        }
    }
}

/// Status, headers and body bytes of one call through `router`.
async fn call(router: Router) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    let request = Request::builder()
        .uri("/")
        .body(Body::empty())
        .expect("request");
    let response = router.oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, headers, body.to_vec())
}

/// A sample of one call through `router` per iteration: the request, the
/// response, its body collected.
fn caller(router: Router) -> Sample {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    sampler(move || {
        runtime.block_on(async {
            let request = Request::builder()
                .uri("/")
                .body(Body::empty())
                .expect("request");
            let response = black_box(router.clone())
                .oneshot(request)
                .await
                .expect("infallible");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await;
            (status, body.map(|body| body.len()).unwrap_or(0))
        })
    })
}

const ROUNDS: usize = 2000;
const SAMPLE_TARGET: Duration = Duration::from_micros(100);

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return; // `cargo test --benches` and `--list`: nothing to list
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut contenders = Vec::new();
    for (case, error) in cases() {
        // The hand-written response has exactly the derived one's bytes.
        let derive = derived(error);
        let by_hand = hand_written(case);
        let (a, b) =
            runtime.block_on(async { (call(derive.clone()).await, call(by_hand.clone()).await) });
        assert_eq!(a, b, "{case}: the two responses differ");
        contenders.push((case, "derive", caller(derive)));
        contenders.push((case, "hand-written", caller(by_hand)));
    }
    let contenders = measure(contenders, ROUNDS, SAMPLE_TARGET);
    println!("{ROUNDS} interleaved rounds; ns per request (median); ratios are medians of per-round ratios\n");
    println!("| error | derive | hand-written | derive / hand-written | target |");
    println!("|---|---:|---:|---:|---|");
    for (case, _) in cases() {
        let derive = find(&contenders, case, "derive");
        let by_hand = find(&contenders, case, "hand-written");
        let ratio = ratio(derive, by_hand);
        let verdict = if ratio <= 1.1 { "met" } else { "MISSED" };
        println!(
            "| {case} | {:.0} | {:.0} | {ratio:.3} | ≤ 1.1 — {verdict} |",
            median(&derive.nanos),
            median(&by_hand.nanos)
        );
    }
}
