//! The demo service: an OpenAI-compatible mock of the documented API that answers
//! every error of its documentation from one declaration, in the wire format of
//! `DEMO_FORMAT`; Anthropic's Messages API on `/v1/messages`; its OpenAPI document
//! on `/openapi.json`; and the gRPC service `dos.chat.v1.Chat`
//! (`tests/proto/dos/chat/v1/chat.proto`) over the same state. See
//! `tests/src/demo/README.md`.
//!
//! ```text
//! cargo run --example server            # HTTP on 127.0.0.1:8080, gRPC on 127.0.0.1:50051
//! PORT=9000 GRPC_PORT=9001 DEMO_RATE_LIMIT=3 DEMO_FORMAT=openai cargo run --example server
//! ```
//!
//! Keys: `dos_sk_demo` (has credits), `dos_sk_empty` (no credits: 402),
//! `dos_sk_revoked` (401). Logs go to stderr (`RUST_LOG` filters them).

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::Arc;

use dos_errors_tests::demo::{self, grpc, Demo, DemoConfig, KEYS, MODELS};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

/// The port of the variable `name`, else `default`.
fn port(name: &str, default: u16) -> Result<u16, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => value
            .trim()
            .parse::<u16>()
            .map_err(|_| format!("{name} must be a port number (0-65535), got {value:?}")),
    }
}

/// A listener on `127.0.0.1:port`, and its address.
async fn listen(port: u16) -> Result<(TcpListener, String), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error}"))?;
    let addr = listener
        .local_addr()
        .map_or_else(|_| format!("127.0.0.1:{port}"), |a| a.to_string());
    Ok((listener, addr))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let setup = async {
        let config = DemoConfig::from_env()?;
        let http = listen(port("PORT", 8080)?).await?;
        let grpc = listen(port("GRPC_PORT", 50051)?).await?;
        Ok::<_, String>((config, http, grpc))
    };
    let (config, (listener, addr), (grpc_listener, grpc_addr)) = match setup.await {
        Ok(setup) => setup,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "demo API on http://{addr}/v1 — rate limit {} requests per {}s per key, errors in the {} format \
         (Accept: application/problem+json for problem details; /v1/messages: Anthropic's), \
         OpenAPI on http://{addr}/openapi.json",
        config.rate_limit,
        config.rate_window.as_secs(),
        config.format
    );
    tracing::info!(
        "demo gRPC service dos.chat.v1.Chat on {grpc_addr} (plaintext; the contract: tests/proto/dos/chat/v1/chat.proto)"
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
    // One state for both transports: a key has one rate limit whichever way it calls.
    let state = Arc::new(Demo::new(config));
    // Ctrl-C stops both servers gracefully; so does either one's failure.
    let (stop, stopped) = watch::channel(false);
    let until_stopped = |mut stopped: watch::Receiver<bool>| async move {
        // An error: the sender is gone, and so is the reason to wait.
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let stop = &stop;
    let ctrl_c = async {
        tokio::select! {
            signal = tokio::signal::ctrl_c() => {
                if signal.is_ok() {
                    tracing::info!("shutting down");
                    stop.send_replace(true);
                }
                // If Ctrl-C cannot be listened for, serve until killed.
            }
            () = until_stopped(stopped.clone()) => {}
        }
    };
    let http = async {
        let served =
            demo::serve_shared(listener, state.clone(), until_stopped(stopped.clone())).await;
        stop.send_replace(true);
        served.map_err(|error| format!("HTTP server error: {error}"))
    };
    let grpc = async {
        let served =
            grpc::serve(grpc_listener, state.clone(), until_stopped(stopped.clone())).await;
        stop.send_replace(true);
        served.map_err(|error| format!("gRPC server error: {error}"))
    };
    let ((), http, grpc) = tokio::join!(ctrl_c, http, grpc);
    let mut code = ExitCode::SUCCESS;
    for error in [http, grpc].into_iter().filter_map(Result::err) {
        eprintln!("{error}");
        code = ExitCode::FAILURE;
    }
    code
}
