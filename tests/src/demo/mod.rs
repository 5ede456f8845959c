//! The demo service: a mock of the documented API — OpenAI's routes, Anthropic's
//! `/v1/messages`, its own `/openapi.json`, and the gRPC service `dos.chat.v1.Chat`
//! — that produces every error of its documentation, all from one
//! `#[derive(ApiError)]` enum. `README.md` next to this file documents it for users.
//!
//! `cargo run --example server` serves HTTP on `127.0.0.1:$PORT` (8080 by default)
//! and gRPC on `127.0.0.1:$GRPC_PORT` (50051 by default), over one state; the
//! end-to-end tests start the same [`app`] on an ephemeral port with [`spawn`]
//! (and the gRPC service with [`grpc::spawn`], over the state of [`spawn_shared`]).
//!
//! Checks run in this order ([`checks`]): routing (unknown route 404, wrong method
//! 405 — no key needed); then, on every `/v1` route, the key (401), the per-key
//! rate limit (429), the body — size (413), content type (415), JSON syntax and
//! fields (400) — credits (402), and the model's state (503 / 500). Errors are
//! written in [`DemoConfig::format`] (RFC 9457 problem details when `Accept` asks
//! for them); those of `/v1/messages` always in Anthropic's format. The gRPC
//! methods run the checks of their HTTP routes, in the same order, and answer the
//! same errors as gRPC statuses with Google's rich error details ([`grpc`]).
//!
//! The code is split by concern:
//!
//! | module | what |
//! |---|---|
//! | `errors` | [`DemoError`], the declaration of every error |
//! | `models`, `keys` | the models and API keys the demo knows |
//! | `config` | [`DemoConfig`], from code or the environment |
//! | `state` | [`Demo`]: rate-limit windows and counters, shared by every transport |
//! | [`checks`] | the checks of a request, independent of the transport |
//! | [`http`] | the axum router: layers, the OpenAI-compatible routes, the framework's errors |
//! | [`anthropic`] | `POST /v1/messages`, Anthropic's Messages API, its errors in Anthropic's format |
//! | [`openapi`] | `GET /openapi.json`, from the same declarations and checks |
//! | [`grpc`] | the gRPC service `dos.chat.v1.Chat` on tonic: the same checks, errors as gRPC statuses |
//! | [`proto`] | the messages of `tests/proto/dos/chat/v1/chat.proto` and a client, written by hand |

pub mod anthropic;
pub mod checks;
mod config;
mod errors;
pub mod grpc;
pub mod http;
pub mod keys;
pub mod models;
pub mod openapi;
pub mod proto;
mod state;

pub use config::DemoConfig;
pub use errors::{DemoError, InferenceFault};
pub use http::{app, router, serve, serve_shared, spawn, spawn_shared, Shared};
pub use keys::{ApiKey, KEYS};
pub use models::{Behavior, Model, MODELS};
pub use state::Demo;
