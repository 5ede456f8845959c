//! The gRPC service `dos.chat.v1.Chat` (`tests/proto/dos/chat/v1/chat.proto`,
//! messages in [`proto`](super::proto)) on tonic: the same error enum, models,
//! keys, rate limit and check order as the HTTP routes, over the same [`Demo`]
//! state, so a key has one rate limit whichever way it calls.
//!
//! Each call runs the checks of its HTTP route, in order ([`checks::LIST_MODELS`],
//! [`checks::CHAT_COMPLETIONS`]):
//!
//! 1. the method: an unknown one is `UNIMPLEMENTED`, tonic's own answer (the
//!    convention gRPC clients rely on, e.g. to probe for reflection), no key needed;
//! 2. the key, from the `authorization` metadata (`Bearer dos_sk_…`): missing,
//!    malformed, not `dos_sk_…`, unknown or revoked is `UNAUTHENTICATED`;
//! 3. the rate limit: `RESOURCE_EXHAUSTED` with `RetryInfo`;
//! 4. the request message: tonic decodes it (at most
//!    [`DemoConfig::max_body_bytes`](super::DemoConfig::max_body_bytes), as over
//!    HTTP; a message over that or that is not protobuf gets tonic's own status,
//!    `OUT_OF_RANGE` or `INTERNAL`, as from any tonic server); then its fields
//!    ([`checks::chat_fields`]): `INVALID_ARGUMENT` with a `BadRequest`;
//! 5. the credits: `FAILED_PRECONDITION`;
//! 6. the model: `UNAVAILABLE` with `RetryInfo` while `dos-loading` loads, a masked
//!    `INTERNAL` when `dos-crash` fails or `dos-panic` panics.
//!
//! proto3 cannot tell a field that is absent from one that has its default value.
//! An empty `model` is the missing field (`missing_required_parameter`, violation
//! on `model`); an empty `messages` answers what HTTP answers to `"messages":[]`
//! (`invalid_value`, "messages must contain at least one message"): the message
//! that says what to send, rather than "missing", for a list the client may well
//! have sent empty. `temperature` and `max_tokens` are `optional`: absent is
//! absent, 0 is 0.
//!
//! Every error is a [`DemoError`], turned into its status by the derived
//! `From<DemoError> for tonic::Status` (code, public message, rich details in
//! `grpc-status-details-bin`, `grpc-retry-pushback-ms`), which logs what a masked
//! error hides, once. A panic in a handler is caught by tower-http's
//! `CatchPanic`, as on the HTTP routes: tonic has no panic handler of its
//! own, and a tower layer works around any service, so the handlers stay plain
//! functions (the library itself never catches panics). The outermost layer gives
//! each call a request id (the client's `x-request-id` metadata when sane, else a
//! new one, echoed in the response metadata), a `request` span with it, and one
//! access log line with the call's gRPC code, as the HTTP access log does.

use std::any::Any;
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use dos_errors::integrations::{new_request_id, MAX_REQUEST_ID_LEN};
use dos_errors::GrpcCode;
use tonic::body::Body;
use tonic::codegen::{http, Service};
use tonic::server::{Grpc, UnaryService};
use tonic_prost::ProstCodec;
use tower_http::catch_panic::CatchPanic;
use tracing::Instrument as _;

use super::checks::{self, ChatFields, MessageFields};
use super::http::{panic_detail, Shared};
use super::keys::ApiKey;
use super::models;
use super::proto::{
    ChatCompletion, ChatCompletionRequest, ListModelsRequest, ListModelsResponse, Model,
    CREATE_CHAT_COMPLETION, LIST_MODELS,
};
use super::{Demo, DemoConfig, DemoError};

/// A boxed future, as tonic's generated code uses.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What answers a caught panic.
type PanicStatus = fn(Box<dyn Any + Send>) -> http::Response<Body>;

/// The gRPC server's whole service: the access log and request id, the panic
/// catcher, then [`ChatService`]. Serve it with tonic's `Server`.
pub type GrpcService = AccessLog<CatchPanic<ChatService, PanicStatus>>;

/// The gRPC service over `state`, with its layers (see the [module documentation](self)).
pub fn service(state: Shared) -> GrpcService {
    AccessLog {
        inner: CatchPanic::custom(ChatService { demo: state }, panic_status as PanicStatus),
    }
}

/// Serves the gRPC service over `state` on `listener` until `shutdown` completes.
///
/// # Errors
/// The server's transport errors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    tonic::transport::Server::builder()
        .serve_with_incoming_shutdown(service(state), incoming, shutdown)
        .await
}

/// Starts the gRPC service over `state` (shared with [`spawn_shared`](super::http::spawn_shared)
/// for one rate limit) on an ephemeral loopback port in the current tokio runtime;
/// it stops with the runtime (or when the returned handle is aborted).
///
/// # Errors
/// When no loopback port can be bound.
pub async fn spawn(state: Shared) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        if let Err(error) = serve(listener, state, std::future::pending()).await {
            tracing::error!(%error, "demo gRPC server stopped");
        }
    });
    Ok((addr, handle))
}

/// [`spawn`] over a fresh state.
///
/// # Errors
/// When no loopback port can be bound.
pub async fn spawn_new(
    config: DemoConfig,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    spawn(Arc::new(Demo::new(config))).await
}

/// `dos.chat.v1.Chat`: routes a call by its path, checks its key and rate limit,
/// then decodes its message and runs its handler.
#[derive(Debug, Clone)]
pub struct ChatService {
    demo: Shared,
}

impl Service<http::Request<Body>> for ChatService {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let demo = self.demo.clone();
        Box::pin(async move { Ok(route(demo, request).await) })
    }
}

async fn route(demo: Shared, request: http::Request<Body>) -> http::Response<Body> {
    match request.uri().path() {
        LIST_MODELS => match authorize(&demo, request.headers()) {
            Ok(_) => {
                Grpc::new(ProstCodec::default())
                    .unary(ListModels, request)
                    .await
            }
            Err(error) => tonic::Status::from(error).into_http(),
        },
        CREATE_CHAT_COMPLETION => match authorize(&demo, request.headers()) {
            Ok(key) => {
                let limit = demo.config.max_body_bytes;
                Grpc::new(ProstCodec::default())
                    .max_decoding_message_size(limit)
                    .unary(CreateChatCompletion { demo, key }, request)
                    .await
            }
            Err(error) => tonic::Status::from(error).into_http(),
        },
        path => tonic::Status::unimplemented(format!("Unknown method {path}")).into_http(),
    }
}

/// The key of the `authorization` metadata (`UNAUTHENTICATED`), then the rate
/// limit (`RESOURCE_EXHAUSTED`): the checks of every method, before its message
/// is read, as on every HTTP `/v1` route.
fn authorize(demo: &Demo, metadata: &http::HeaderMap) -> Result<ApiKey, DemoError> {
    let authorization = metadata
        .get(http::header::AUTHORIZATION)
        .map(http::HeaderValue::as_bytes);
    let key = checks::bearer_key(authorization).and_then(checks::authenticate)?;
    demo.count_request(key.key)?;
    Ok(key)
}

/// `ListModels`: the public models.
#[derive(Debug, Clone, Copy)]
struct ListModels;

impl UnaryService<ListModelsRequest> for ListModels {
    type Response = ListModelsResponse;
    type Future = Ready<Result<tonic::Response<ListModelsResponse>, tonic::Status>>;

    fn call(&mut self, _: tonic::Request<ListModelsRequest>) -> Self::Future {
        let models = models::listed()
            .iter()
            .map(|model| Model {
                id: model.id.to_owned(),
                context_length: model.context,
            })
            .collect();
        ready(Ok(tonic::Response::new(ListModelsResponse { models })))
    }
}

/// `CreateChatCompletion` for an authenticated key.
#[derive(Debug, Clone)]
struct CreateChatCompletion {
    demo: Shared,
    key: ApiKey,
}

impl UnaryService<ChatCompletionRequest> for CreateChatCompletion {
    type Response = ChatCompletion;
    type Future = Ready<Result<tonic::Response<ChatCompletion>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<ChatCompletionRequest>) -> Self::Future {
        let answer = create_chat_completion(&self.demo, &self.key, request.get_ref());
        // `From<DemoError>`: the status, and the log line of a masked error.
        ready(
            answer
                .map(tonic::Response::new)
                .map_err(tonic::Status::from),
        )
    }
}

/// The checks of a completion after the key and rate limit — its fields, the
/// credits, the model — and the echo of the last message.
fn create_chat_completion(
    demo: &Demo,
    key: &ApiKey,
    request: &ChatCompletionRequest,
) -> Result<ChatCompletion, DemoError> {
    let messages: Vec<MessageFields<'_>> = request
        .messages
        .iter()
        .map(|message| MessageFields {
            role: &message.role,
            content: &message.content,
        })
        .collect();
    let fields = ChatFields {
        // proto3: an empty string is an unset one, the missing field.
        model: Some(request.model.as_str()).filter(|model| !model.is_empty()),
        // proto3: no messages and an empty list are one; HTTP's empty list answers.
        messages: Some(&messages),
        temperature: request.temperature,
        max_tokens: request.max_tokens.map(i64::from),
    };
    let chat = checks::chat_fields(&fields)?;
    checks::credits(key)?;
    let echo = checks::run_model(demo, key, &chat)?;
    Ok(ChatCompletion {
        id: format!("chatcmpl-{:08}", demo.next_completion()),
        model: chat.model.id.to_owned(),
        content: echo.text,
    })
}

/// The status of a caught panic: [`DemoError::Panicked`], a masked `INTERNAL`
/// whose conversion logs the panic's message.
fn panic_status(panic: Box<dyn Any + Send>) -> http::Response<Body> {
    let detail = panic_detail(&*panic);
    tonic::Status::from(DemoError::Panicked { detail }).into_http()
}

/// The request id metadata.
const X_REQUEST_ID: &str = "x-request-id";

/// The outermost layer: each call's request id (echoed in the response
/// metadata), a `request` span with it, and one access log line with the call's
/// gRPC code.
#[derive(Debug, Clone)]
pub struct AccessLog<S> {
    inner: S,
}

impl<S, ResBody> Service<http::Request<Body>> for AccessLog<S>
where
    S: Service<http::Request<Body>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    ResBody: Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        let id = match request.headers().get(X_REQUEST_ID) {
            Some(sent)
                if (1..=MAX_REQUEST_ID_LEN).contains(&sent.len())
                    && sent.as_bytes().iter().all(u8::is_ascii_graphic) =>
            {
                String::from_utf8_lossy(sent.as_bytes()).into_owned()
            }
            _ => new_request_id(),
        };
        // Visible ASCII: a valid header value.
        let value = http::HeaderValue::from_str(&id).ok();
        if let Some(value) = &value {
            request.headers_mut().insert(X_REQUEST_ID, value.clone());
        }
        let rpc = request.uri().path().to_owned();
        let span = tracing::error_span!("request", rpc, request_id = %id);
        let started = Instant::now();
        let future = span.in_scope(|| self.inner.call(request));
        Box::pin(
            async move {
                let mut response = future.await?;
                // A failed unary call is trailers-only: its status is in the headers.
                // A success has it in the trailers, and it is OK.
                let code = response
                    .headers()
                    .get("grpc-status")
                    .and_then(|code| code.to_str().ok())
                    .and_then(|code| code.parse().ok())
                    .and_then(GrpcCode::from_i32)
                    .unwrap_or(GrpcCode::Ok);
                tracing::info!(
                    rpc,
                    code = code.as_str(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "request"
                );
                if let Some(value) = value {
                    response.headers_mut().insert(X_REQUEST_ID, value);
                }
                Ok(response)
            }
            .instrument(span),
        )
    }
}
