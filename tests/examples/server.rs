//! The demo service: an OpenAI-compatible mock of the documented API that answers
//! every error of its documentation from one declaration, in the wire format of
//! `DEMO_FORMAT`; Anthropic's Messages API on `/v1/messages`; its OpenAPI document
//! on `/openapi.json`. See `tests/src/demo/README.md`.
//!
//! ```text
//! cargo run --example server            # 127.0.0.1:8080
//! PORT=9000 DEMO_RATE_LIMIT=3 DEMO_FORMAT=openai cargo run --example server
//! ```
//!
//! Keys: `dos_sk_demo` (has credits), `dos_sk_empty` (no credits: 402),
//! `dos_sk_revoked` (401). Logs go to stderr (`RUST_LOG` filters them).

use std::net::Ipv4Addr;
use std::process::ExitCode;

use dos_errors_tests::demo::{self, DemoConfig, KEYS, MODELS};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let port = match std::env::var("PORT") {
        Err(_) => 8080,
        Ok(value) => match value.trim().parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("PORT must be a port number (0-65535), got {value:?}");
                return ExitCode::FAILURE;
            }
        },
    };
    let config = match DemoConfig::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .map_or_else(|_| format!("127.0.0.1:{port}"), |a| a.to_string());
    tracing::info!(
        "demo API on http://{addr}/v1 — rate limit {} requests per {}s per key, errors in the {} format \
         (Accept: application/problem+json for problem details; /v1/messages: Anthropic's), \
         OpenAPI on http://{addr}/openapi.json",
        config.rate_limit,
        config.rate_window.as_secs(),
        config.format
    );
    tracing::info!(
        "keys: {}",
        KEYS.iter()
            .map(|key| key.key)
            .collect::<Vec<_>>()
            .join(", ")
    );
    tracing::info!(
        "models: {}",
        MODELS
            .iter()
            .map(|model| model.id)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let shutdown = async {
        // If Ctrl-C cannot be listened for, serve until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    };
    match demo::serve(listener, config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("server error: {error}");
            ExitCode::FAILURE
        }
    }
}
