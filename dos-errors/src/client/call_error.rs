//! [`CallError`]: what a call to an HTTP API can fail with — an error response, or
//! no response at all.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::ErrorResponse;
use crate::{ApiError, FieldViolation, GrpcCode, MessageWriter, Retryability, Status};

/// Why a call got no (complete) response: the kind of a transport failure in a [`CallError`].
///
/// Each kind answers [`ApiError`] with a fixed status, type and message, chosen so that a
/// log line reads like what happened and so that the client retries the same failures as
/// the official OpenAI and Anthropic SDKs (their `APIConnectionError` and `APITimeoutError`):
///
/// | kind | status | type | message | retryability |
/// |---|---|---|---|---|
/// | [`Connect`](Self::Connect) | 503 | `api_connection_error` | `Connection error.` | transient |
/// | [`Timeout`](Self::Timeout) | 504 | `api_timeout_error` | `Request timed out.` | transient |
/// | [`Interrupted`](Self::Interrupted) | 502 | `api_connection_error` | `The connection was interrupted before the response was complete.` | transient |
/// | [`Other`](Self::Other) | 500 | `api_call_error` | `The API call failed.` | fatal |
///
/// The statuses are those a reverse proxy answers for the same failures (nginx: 502 for a
/// connection closed early, 504 for a timeout; 503 for a service that cannot be reached).
/// The messages are fixed: the failure's details — addresses, URLs — stay in
/// [`source`](std::error::Error::source) and never reach [`ApiError::message`] or the JSON
/// envelope, so a service may answer its own clients with a `CallError` from an upstream.
///
/// A timeout or an interruption may happen after the server received the request, as with
/// the SDKs, which retry them too. Retry a call that is not idempotent only when the server
/// deduplicates it (an idempotency key); otherwise stop on these kinds yourself (see
/// [`CallError::transport_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made: refused, unreachable, DNS or TLS failure. The request
    /// was not sent, so a retry is safe for any call.
    Connect,
    /// No response within the client's time limit (connect, read or total).
    Timeout,
    /// The connection broke after the request was sent: reset, closed before the response
    /// or in the middle of its body, or an unreadable HTTP response.
    Interrupted,
    /// Anything else: an invalid request (a malformed URL or header), a redirect loop, a
    /// success body that cannot be decoded. Retrying would fail the same way.
    Other,
}

impl TransportKind {
    /// The status this kind answers with (see the [table](TransportKind)).
    #[must_use]
    pub const fn status(self) -> Status {
        match self {
            TransportKind::Connect => Status::SERVICE_UNAVAILABLE,
            TransportKind::Timeout => Status::GATEWAY_TIMEOUT,
            TransportKind::Interrupted => Status::BAD_GATEWAY,
            TransportKind::Other => Status::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error type this kind answers with: `api_connection_error`, `api_timeout_error`
    /// or `api_call_error`.
    #[must_use]
    pub const fn error_type(self) -> &'static str {
        match self {
            TransportKind::Connect | TransportKind::Interrupted => "api_connection_error",
            TransportKind::Timeout => "api_timeout_error",
            TransportKind::Other => "api_call_error",
        }
    }

    /// The fixed public message of this kind.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            TransportKind::Connect => "Connection error.",
            TransportKind::Timeout => "Request timed out.",
            TransportKind::Interrupted => {
                "The connection was interrupted before the response was complete."
            }
            TransportKind::Other => "The API call failed.",
        }
    }

    /// Transient for [`Connect`](Self::Connect), [`Timeout`](Self::Timeout) and
    /// [`Interrupted`](Self::Interrupted); fatal for [`Other`](Self::Other).
    #[must_use]
    pub const fn retryability(self) -> Retryability {
        match self {
            TransportKind::Connect | TransportKind::Timeout | TransportKind::Interrupted => {
                Retryability::Transient
            }
            TransportKind::Other => Retryability::Fatal,
        }
    }
}

/// The error of a call to an HTTP API: an error response ([`ErrorResponse`]), or a transport
/// failure — no connection, a timeout, a connection broken off, another failure
/// ([`TransportKind`]).
///
/// It implements [`ApiError`], so a [`RetryPolicy`](crate::retry::RetryPolicy) retries
/// connection failures and timeouts as well as 429s and 5xx responses, like the official
/// SDKs. An error response answers as its [`ErrorResponse`] does; a transport failure as its
/// kind's row in the [table](TransportKind). `From<ErrorResponse>` and, with the `reqwest`
/// feature, `From<reqwest::Error>` let `?` build one inside the retried closure.
///
/// - [`Display`](fmt::Display): an error response shows as its [`ErrorResponse`] does; a
///   transport failure as `503 Service Unavailable (api_connection_error): Connection error.`
/// - [`source`](Error::source): the underlying error of a transport failure (with
///   `reqwest`, the `reqwest::Error`, which `downcast_ref` recovers); `None` for a response.
///   Print the chain — `{:#}` with anyhow, or a loop over `source()` — to see what failed.
///
/// ```
/// use std::io;
/// use std::time::Duration;
/// use dos_errors::client::{CallError, ErrorResponse, TransportKind};
/// use dos_errors::retry::{retry_blocking, RetryPolicy};
/// use dos_errors::{ApiError, Status};
///
/// /// Stands in for an HTTP client: refused twice, then a 401.
/// fn call(attempt: u32) -> Result<&'static str, CallError> {
///     if attempt <= 2 {
///         let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
///         return Err(CallError::transport(TransportKind::Connect, refused));
///     }
///     let body = br#"{"error":{"message":"Bad key","type":"authentication_error","code":401}}"#;
///     Err(ErrorResponse::from_parts(401, &[], body).into())
/// }
///
/// let policy = RetryPolicy::default().max_retries(5).base_delay(Duration::from_millis(1));
/// let mut attempts = 0;
/// let err = retry_blocking(&policy, || {
///     attempts += 1;
///     call(attempts)
/// })
/// .unwrap_err();
/// assert_eq!(attempts, 3); // two connection failures retried, the 401 is fatal
/// assert_eq!(err.response().map(|response| response.message()), Some("Bad key".into()));
///
/// let err = call(1).unwrap_err();
/// assert_eq!(err.transport_kind(), Some(TransportKind::Connect));
/// assert_eq!(err.status(), Status::SERVICE_UNAVAILABLE);
/// assert!(err.is_retryable());
/// assert_eq!(
///     err.to_string(),
///     "503 Service Unavailable (api_connection_error): Connection error."
/// );
/// let source = std::error::Error::source(&err).and_then(|e| e.downcast_ref::<io::Error>());
/// assert_eq!(source.map(io::Error::kind), Some(io::ErrorKind::ConnectionRefused));
/// ```
#[cfg_attr(
    feature = "reqwest",
    doc = r#"
With `reqwest` (feature `reqwest`): `?` turns a `reqwest::Error` into a `CallError` and
[`CallError::check_status`] turns a non-2xx response into one. This retries a call
to a loopback port where nothing listens yet — each refused connection is a transient
[`Connect`](TransportKind::Connect) — until a server starts there:

```
use std::time::Duration;
use dos_errors::client::CallError;
use dos_errors::retry::{retry_async, RetryPolicy};

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), CallError> {
# let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
# let addr = free.local_addr().unwrap();
# drop(free); // nothing listens on `addr` now
# let server = tokio::spawn(async move {
#     // A server that starts after 200 ms and answers one request with `ok`.
#     use tokio::io::{AsyncReadExt, AsyncWriteExt};
#     tokio::time::sleep(Duration::from_millis(200)).await;
#     let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
#     let (mut stream, _) = listener.accept().await.unwrap();
#     let mut request = Vec::new();
#     while !request.ends_with(b"\r\n\r\n") {
#         let mut byte = [0];
#         if stream.read(&mut byte).await.unwrap() == 0 { break; }
#         request.push(byte[0]);
#     }
#     let response = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
#     stream.write_all(response).await.unwrap();
# });
let client = reqwest::Client::builder().no_proxy().build()?;
let url = format!("http://{addr}/v1/models"); // nothing listens there yet
let policy = RetryPolicy::default().max_retries(10).base_delay(Duration::from_millis(50));

let body = retry_async(
    &policy,
    || async {
        let response = client.get(&url).send().await?; // refused: CallError, transient
        let response = CallError::check_status(response).await?; // 4xx/5xx: decoded
        Ok::<_, CallError>(response.text().await?)
    },
    tokio::time::sleep,
)
.await?;
assert_eq!(body, "ok");
# server.await.unwrap();
# Ok(())
# }
```
"#
)]
pub struct CallError {
    repr: Repr,
}

enum Repr {
    Response(ErrorResponse),
    // Boxed so that a `CallError` stays two pointers wide.
    Transport(Box<Transport>),
}

struct Transport {
    kind: TransportKind,
    // An `Arc` so that `CallError` is `Clone`.
    source: Arc<dyn Error + Send + Sync + 'static>,
}

impl CallError {
    /// A transport failure of `kind`, keeping `source` as the [`source`](Error::source).
    ///
    /// For HTTP clients other than `reqwest`: classify their errors into a [`TransportKind`].
    /// `source` may be any error, or a `&str` / `String` describing the failure.
    pub fn transport(
        kind: TransportKind,
        source: impl Into<Box<dyn Error + Send + Sync + 'static>>,
    ) -> Self {
        CallError {
            repr: Repr::Transport(Box::new(Transport {
                kind,
                source: Arc::from(source.into()),
            })),
        }
    }

    /// The error response, when the call got one.
    #[must_use]
    pub fn response(&self) -> Option<&ErrorResponse> {
        match &self.repr {
            Repr::Response(response) => Some(response),
            Repr::Transport(_) => None,
        }
    }

    /// The error response, when the call got one; else the error itself back.
    pub fn into_response(self) -> Result<ErrorResponse, CallError> {
        match self.repr {
            Repr::Response(response) => Ok(response),
            Repr::Transport(_) => Err(self),
        }
    }

    /// The kind of transport failure; `None` for an error response.
    #[must_use]
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match &self.repr {
            Repr::Response(_) => None,
            Repr::Transport(transport) => Some(transport.kind),
        }
    }
}

impl From<ErrorResponse> for CallError {
    fn from(response: ErrorResponse) -> Self {
        CallError {
            repr: Repr::Response(response),
        }
    }
}

impl ApiError for CallError {
    fn status(&self) -> Status {
        match &self.repr {
            Repr::Response(response) => response.status(),
            Repr::Transport(transport) => transport.kind.status(),
        }
    }

    fn error_type(&self) -> &str {
        match &self.repr {
            Repr::Response(response) => response.error_type(),
            Repr::Transport(transport) => transport.kind.error_type(),
        }
    }

    fn message(&self) -> Cow<'_, str> {
        match &self.repr {
            Repr::Response(response) => response.message(),
            Repr::Transport(transport) => Cow::Borrowed(transport.kind.message()),
        }
    }

    fn retryability(&self) -> Retryability {
        match &self.repr {
            Repr::Response(response) => response.retryability(),
            Repr::Transport(transport) => transport.kind.retryability(),
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        self.response().and_then(ApiError::retry_after)
    }

    fn error_code(&self) -> Option<&str> {
        self.response().and_then(ApiError::error_code)
    }

    fn param(&self) -> Option<Cow<'_, str>> {
        self.response().and_then(ApiError::param)
    }

    fn violations(&self) -> &[FieldViolation] {
        self.response().map_or(&[], ApiError::violations)
    }

    fn doc_url(&self) -> Option<Cow<'_, str>> {
        self.response().and_then(ApiError::doc_url)
    }

    fn domain(&self) -> Option<&str> {
        self.response().and_then(ApiError::domain)
    }

    fn grpc_code(&self) -> GrpcCode {
        match &self.repr {
            Repr::Response(response) => response.grpc_code(),
            Repr::Transport(transport) => transport.kind.status().default_grpc_code(),
        }
    }

    fn write_message(&self, out: &mut MessageWriter<'_>) {
        match &self.repr {
            Repr::Response(response) => response.write_message(out),
            Repr::Transport(transport) => out.text(transport.kind.message()),
        }
    }
}

impl fmt::Display for CallError {
    /// An error response as [`ErrorResponse`] shows it; a transport failure as
    /// `504 Gateway Timeout (api_timeout_error): Request timed out.` — its cause is the
    /// [`source`](Error::source).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Response(response) => fmt::Display::fmt(response, f),
            Repr::Transport(transport) => {
                let kind = transport.kind;
                write!(
                    f,
                    "{} ({}): {}",
                    kind.status(),
                    kind.error_type(),
                    kind.message()
                )
            }
        }
    }
}

impl fmt::Debug for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Response(response) => f.debug_tuple("Response").field(response).finish(),
            Repr::Transport(transport) => f
                .debug_struct("Transport")
                .field("kind", &transport.kind)
                .field("source", &transport.source)
                .finish(),
        }
    }
}

impl Clone for CallError {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Response(response) => Repr::Response(response.clone()),
            Repr::Transport(transport) => Repr::Transport(Box::new(Transport {
                kind: transport.kind,
                source: Arc::clone(&transport.source),
            })),
        };
        CallError { repr }
    }
}

impl Error for CallError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match &self.repr {
            Repr::Response(_) => None,
            Repr::Transport(transport) => Some(&*transport.source),
        }
    }
}
