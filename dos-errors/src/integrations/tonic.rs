//! The `tonic` feature (tonic 0.14): errors as gRPC statuses, with Google's rich
//! error details.
//!
//! [`status`] turns any [`ApiError`] into a `tonic::Status`, and a derived type
//! that asks for it (`#[api_error(integrations(tonic))]`) converts into one with
//! `From`, so `?` works in a service method:
//!
//! - **code**: [`ApiError::grpc_code`] (the status's default, or `grpc = "…"`);
//! - **message**: the public message — a masked 5xx stays masked;
//! - **details** (`grpc-status-details-bin`, a `google.rpc.Status` with the same
//!   code and message): the details of [`Format::Google`](crate::Format::Google),
//!   with the same values — `ErrorInfo` (reason, domain, metadata), `RetryInfo`
//!   when there is a [retry-after](ApiError::retry_after), `BadRequest` with the
//!   field violations (or the param), `Help` with the documentation link;
//! - **metadata**: `grpc-retry-pushback-ms` with the retry-after in milliseconds
//!   (rounded up), so that a gRPC client with a retry policy (gRPC A6) waits as
//!   long; and `-1`, "do not retry", for an error declared not retryable whose code
//!   a client would otherwise retry (a non-retryable `UNAVAILABLE`, say); and
//!   `x-should-retry: true` for an error declared retryable whose code clients do
//!   not retry (a retryable `ABORTED`), which
//!   [`ErrorResponse::from_tonic`](crate::client::ErrorResponse::from_tonic) follows.
//!
//! On the client side, [`ErrorResponse::from_tonic`](crate::client::ErrorResponse::from_tonic)
//! reads all of it back, so the [`RetryPolicy`](crate::retry::RetryPolicy) retries
//! tonic calls as it retries HTTP calls.
//!
//! tonic 0.14 needs Rust 1.88, so this feature does too; the rest of the crate
//! builds with Rust 1.80.
//!
//! ```
//! use std::time::Duration;
//! use dos_errors::integrations::tonic::status;
//! use dos_errors::ApiError;
//!
//! #[derive(Debug, ApiError)]
//! #[api_error(integrations(tonic), domain = "example.com", docs = "https://docs.example.com/errors")]
//! enum ChatError {
//!     #[api_error(status = 404, code = "model_not_found", message = "The model `{model}` does not exist")]
//!     UnknownModel { model: String },
//!     #[api_error(status = 503, message = "Loading, retry shortly")]
//!     Loading {
//!         #[api_error(retry_after)]
//!         wait: Duration,
//!     },
//!     #[api_error(status = 500)]
//!     Database(String),
//! }
//!
//! // In a tonic service, `?` turns the error into its status.
//! fn find(model: &str) -> Result<&'static str, tonic::Status> {
//!     match model {
//!         "dos-1" => Ok("dos-1"),
//!         "dos-2" => Err(ChatError::Loading { wait: Duration::from_millis(1500) })?,
//!         "dos-3" => Err(ChatError::Database("pool exhausted on 10.0.0.7".into()))?,
//!         _ => Err(ChatError::UnknownModel { model: model.to_owned() })?,
//!     }
//! }
//!
//! let failed = find("gpt-5").unwrap_err();
//! assert_eq!(failed.code(), tonic::Code::NotFound);
//! assert_eq!(failed.message(), "The model `gpt-5` does not exist");
//! assert!(!failed.details().is_empty()); // ErrorInfo and Help
//!
//! let failed = find("dos-2").unwrap_err();
//! assert_eq!(failed.code(), tonic::Code::Unavailable);
//! assert_eq!(failed.metadata().get("grpc-retry-pushback-ms").unwrap(), "1500");
//!
//! // A masked 5xx says nothing of its cause (with the `tracing` feature, the
//! // cause is logged, once).
//! let failed = find("dos-3").unwrap_err();
//! assert_eq!(failed.code(), tonic::Code::Internal);
//! assert_eq!(failed.message(), "An unexpected error occurred on our servers.");
//!
//! // Any `ApiError`, derived with the opt-in or not, hand-written or decoded:
//! let sent = status(&ChatError::UnknownModel { model: "gpt-5".into() });
//! assert_eq!(sent.code(), tonic::Code::NotFound);
//!
//! // A client reads everything back.
//! let err = dos_errors::client::ErrorResponse::from_tonic(&sent);
//! assert_eq!(err.error_code(), Some("model_not_found"));
//! assert_eq!(err.metadata(), [("model".to_owned(), "gpt-5".to_owned())]);
//! assert_eq!(err.doc_url().as_deref(), Some("https://docs.example.com/errors#model_not_found"));
//! assert_eq!(err.domain(), Some("example.com"));
//! ```
//!
//! A status is built from the error alone: a request id or a service's chosen
//! [`Format`](crate::Format) plays no part (gRPC has one format).
//!
//! # Retrying a tonic call
//!
//! The example of the README: a call through a tonic client (the one `tonic-build`
//! generates, here written by hand) wrapped in
//! [`retry_async`](crate::retry::retry_async). The first attempt fails with
//! `UNAVAILABLE` and a `RetryInfo` of 20 ms, the second succeeds.
//!
//! ```
//! # use std::future::Future;
//! # use std::pin::Pin;
//! # use std::sync::atomic::{AtomicU32, Ordering};
//! # use std::sync::Arc;
//! # use std::time::{Duration, Instant};
//! # use dos_errors::ApiError;
//! # use tonic::codegen::http;
//! #
//! # #[derive(Clone, PartialEq, prost::Message)]
//! # pub struct CompleteRequest { #[prost(string, tag = "1")] pub model: String }
//! # #[derive(Clone, PartialEq, prost::Message)]
//! # pub struct CompleteReply { #[prost(string, tag = "1")] pub text: String }
//! #
//! # /// What `tonic-build` generates for `service Chat { rpc Complete(…) returns (…); }`.
//! # #[derive(Clone)]
//! # pub struct ChatClient<T> { inner: tonic::client::Grpc<T> }
//! # impl<T> ChatClient<T>
//! # where
//! #     T: tonic::client::GrpcService<tonic::body::Body>,
//! #     T::Error: Into<tonic::codegen::StdError>,
//! #     T::ResponseBody: tonic::codegen::Body<Data = tonic::codegen::Bytes> + Send + 'static,
//! #     <T::ResponseBody as tonic::codegen::Body>::Error: Into<tonic::codegen::StdError> + Send,
//! # {
//! #     pub fn new(inner: T) -> Self { ChatClient { inner: tonic::client::Grpc::new(inner) } }
//! #     pub async fn complete(
//! #         &mut self,
//! #         request: CompleteRequest,
//! #     ) -> Result<tonic::Response<CompleteReply>, tonic::Status> {
//! #         self.inner.ready().await.map_err(|e| tonic::Status::unknown(e.into().to_string()))?;
//! #         let path = http::uri::PathAndQuery::from_static("/chat.Chat/Complete");
//! #         let codec = tonic_prost::ProstCodec::default();
//! #         self.inner.unary(tonic::Request::new(request), path, codec).await
//! #     }
//! # }
//! #
//! # #[derive(Debug, ApiError)]
//! # #[api_error(integrations(tonic))]
//! # enum ChatError {
//! #     #[api_error(status = 503, message = "The model `{model}` is loading")]
//! #     Loading { model: String, #[api_error(retry_after)] wait: Duration },
//! # }
//! #
//! # /// The server's handler: loading at the first call, then an answer.
//! # #[derive(Clone, Default)]
//! # struct Complete(Arc<AtomicU32>);
//! # impl tonic::server::UnaryService<CompleteRequest> for Complete {
//! #     type Response = CompleteReply;
//! #     type Future = Pin<Box<dyn Future<Output = Result<tonic::Response<CompleteReply>, tonic::Status>> + Send>>;
//! #     fn call(&mut self, request: tonic::Request<CompleteRequest>) -> Self::Future {
//! #         let calls = self.0.fetch_add(1, Ordering::SeqCst) + 1;
//! #         Box::pin(async move {
//! #             let model = request.into_inner().model;
//! #             if calls == 1 {
//! #                 Err(ChatError::Loading { model: model.clone(), wait: Duration::from_millis(20) })?;
//! #             }
//! #             Ok(tonic::Response::new(CompleteReply { text: format!("{model}: hello") }))
//! #         })
//! #     }
//! # }
//! #
//! # /// A tonic server in the same process, without a socket: tonic's own server
//! # /// code answers the client's HTTP requests.
//! # #[derive(Clone, Default)]
//! # struct InProcess(Complete);
//! # impl tonic::codegen::Service<http::Request<tonic::body::Body>> for InProcess {
//! #     type Response = http::Response<tonic::body::Body>;
//! #     type Error = std::convert::Infallible;
//! #     type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;
//! #     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
//! #         std::task::Poll::Ready(Ok(()))
//! #     }
//! #     fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
//! #         let handler = self.0.clone();
//! #         Box::pin(async move {
//! #             let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
//! #             Ok(grpc.unary(handler, request).await)
//! #         })
//! #     }
//! # }
//! #
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), dos_errors::client::ErrorResponse> {
//! # let channel = InProcess::default();
//! # let started = Instant::now();
//! use dos_errors::client::ErrorResponse;
//! use dos_errors::retry::{retry_async, RetryPolicy};
//!
//! let client = ChatClient::new(channel); // e.g. a `tonic::transport::Channel`
//! let policy = RetryPolicy::default().base_delay(Duration::from_millis(5));
//!
//! let reply = retry_async(
//!     &policy,
//!     || {
//!         let mut client = client.clone();
//!         async move {
//!             let request = CompleteRequest { model: "dos-1".into() };
//!             // A failed call: its status, decoded (code, details, pushback).
//!             client.complete(request).await.map_err(ErrorResponse::from)
//!         }
//!     },
//!     tokio::time::sleep,
//! )
//! .await?;
//! assert_eq!(reply.into_inner().text, "dos-1: hello");
//! # assert!(started.elapsed() >= Duration::from_millis(20)); // the server's RetryInfo was honoured
//! # Ok(())
//! # }
//! ```

use bytes::Bytes;
use prost::Message as _;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::Code;

use super::probe::Detail;
use crate::headers::{should_retry_override, X_SHOULD_RETRY};
use crate::{format, ApiError, GrpcCode, Status};

pub(crate) mod rpc;

#[doc(hidden)]
pub use ::tonic as __tonic;

/// The metadata key of gRPC A6's server pushback: milliseconds to wait before a
/// retry, or a negative value for "do not retry".
pub const RETRY_PUSHBACK_MS: &str = "grpc-retry-pushback-ms";

/// The gRPC status for any [`ApiError`]: its [gRPC code](ApiError::grpc_code), its
/// public message, Google's rich error details in `grpc-status-details-bin`, and
/// `grpc-retry-pushback-ms` (see the [module documentation](self)).
///
/// A `grpc_code` of `OK`, which no declaration can give, is sent as `UNKNOWN`: an
/// error is never a success. Derived types that opt in (`integrations(tonic)`)
/// convert with `From` through this function, after logging (with the `tracing`
/// feature) what a masked error hides; this function logs nothing.
///
/// Rendering runs the error's own formatting code (a field's `Display`): a panic
/// there propagates.
///
/// ```
/// use std::borrow::Cow;
/// use dos_errors::integrations::tonic::status;
/// use dos_errors::{ApiError, Status};
///
/// /// A hand-written error: no derive, no opt-in.
/// struct Overloaded;
///
/// impl ApiError for Overloaded {
///     fn status(&self) -> Status { Status::SERVICE_UNAVAILABLE }
///     fn error_type(&self) -> &str { "overloaded_error" }
///     fn message(&self) -> Cow<'_, str> { Cow::Borrowed("Try again soon.") }
///     fn retry_after(&self) -> Option<std::time::Duration> { Some(std::time::Duration::from_secs(2)) }
/// }
///
/// let status = status(&Overloaded);
/// assert_eq!(status.code(), tonic::Code::Unavailable);
/// assert_eq!(status.message(), "Try again soon.");
/// assert_eq!(status.metadata().get("grpc-retry-pushback-ms").unwrap(), "2000");
/// ```
#[must_use]
pub fn status<E: ApiError + ?Sized>(error: &E) -> tonic::Status {
    let code = match error.grpc_code() {
        GrpcCode::Ok => GrpcCode::Unknown,
        code => code,
    };
    let message = error.message().into_owned();
    let details = details(error, code, &message);
    let mut metadata = MetadataMap::new();
    // What a client reads from the code alone, corrected where the declaration differs.
    let seen = Status::new(code.http_status()).unwrap_or(Status::INTERNAL_SERVER_ERROR);
    let should_retry = should_retry_override(error.is_retryable(), seen);
    if let Some(millis) = pushback_millis(error, should_retry) {
        metadata.insert(RETRY_PUSHBACK_MS, MetadataValue::from(millis));
    }
    if should_retry == Some(true) {
        metadata.insert(X_SHOULD_RETRY, MetadataValue::from_static("true"));
    }
    tonic::Status::with_details_and_metadata(
        Code::from_i32(code.as_i32()),
        message,
        Bytes::from(details),
        metadata,
    )
}

/// The body of a derived `From<Type> for tonic::Status`: logs the error at its
/// declared level, then builds its status. Not public API.
#[doc(hidden)]
pub fn respond<'a, E: ApiError + ?Sized>(
    error: &'a E,
    probe: impl FnOnce() -> Detail<'a>,
) -> tonic::Status {
    super::log::report(error, probe);
    status(error)
}

/// The encoded `google.rpc.Status` of `error`: `code`, `message`, and the details
/// of the Google JSON format ([`format::details`]), in its order.
fn details<E: ApiError + ?Sized>(error: &E, code: GrpcCode, message: &str) -> Vec<u8> {
    let google = format::details(error);
    let mut details = Vec::with_capacity(4);
    details.push(rpc::Any::pack(
        rpc::ERROR_INFO,
        &rpc::ErrorInfo {
            reason: google.reason.into_bytes(),
            domain: google.domain.unwrap_or_default().as_bytes().to_vec(),
            metadata: google
                .metadata
                .into_iter()
                .map(|(key, value)| rpc::MetadataEntry {
                    key: key.into_bytes(),
                    value: value.into_bytes(),
                })
                .collect(),
        },
    ));
    if let Some(delay) = google.retry_delay {
        details.push(rpc::Any::pack(
            rpc::RETRY_INFO,
            &rpc::RetryInfo {
                retry_delay: Some(delay.into()),
            },
        ));
    }
    if !google.field_violations.is_empty() {
        details.push(rpc::Any::pack(
            rpc::BAD_REQUEST,
            &rpc::BadRequest {
                field_violations: google
                    .field_violations
                    .iter()
                    .map(|violation| rpc::FieldViolation {
                        field: violation.field().as_bytes().to_vec(),
                        description: violation.description().as_bytes().to_vec(),
                    })
                    .collect(),
            },
        ));
    }
    if let Some((description, url)) = google.help {
        details.push(rpc::Any::pack(
            rpc::HELP,
            &rpc::Help {
                links: vec![rpc::Link {
                    description: description.into_bytes(),
                    url: url.as_bytes().to_vec(),
                }],
            },
        ));
    }
    rpc::Status {
        code: code.as_i32(),
        message: message.as_bytes().to_vec(),
        details,
    }
    .encode_to_vec()
}

/// The `grpc-retry-pushback-ms` of `error`: `-1` when it is declared not
/// retryable but a client would retry its code (`should_retry` is
/// `Some(false)`), else its retry-after in milliseconds (rounded up, at most
/// `i32::MAX`) when it is retryable, else none.
fn pushback_millis<E: ApiError + ?Sized>(error: &E, should_retry: Option<bool>) -> Option<i32> {
    if should_retry == Some(false) {
        return Some(-1);
    }
    if !error.is_retryable() {
        return None;
    }
    let delay = error.retry_after()?;
    Some(i32::try_from(delay.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX))
}

/// `integrations(tonic)`: `From<Type> for tonic::Status` for a derived type.
#[doc(hidden)]
#[macro_export]
macro_rules! __integrate_tonic {
    (impl [$($impl_generics:tt)*] for [$($self_ty:tt)*] where [$($where_clause:tt)*]) => {
        #[automatically_derived]
        impl $($impl_generics)* ::core::convert::From<$($self_ty)*>
            for $crate::integrations::tonic::__tonic::Status
        $($where_clause)*
        {
            fn from(error: $($self_ty)*) -> Self {
                #[allow(unused_imports)]
                use $crate::__private::{
                    ProbeDebug as _, ProbeDisplay as _, ProbeError as _, ProbeNone as _,
                };
                let error = &error;
                $crate::integrations::tonic::respond(error, || {
                    (&&&$crate::__private::Probe(error)).__dos_errors_detail()
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::Duration;

    use super::*;
    use crate::{FieldViolation, Retryability};

    /// A hand-written error whose every answer is chosen by the test.
    struct Custom {
        status: Status,
        grpc: GrpcCode,
        retryability: Retryability,
        retry_after: Option<Duration>,
    }

    impl ApiError for Custom {
        fn status(&self) -> Status {
            self.status
        }
        fn error_type(&self) -> &str {
            "custom_error"
        }
        fn message(&self) -> Cow<'_, str> {
            Cow::Borrowed("Custom")
        }
        fn retryability(&self) -> Retryability {
            self.retryability
        }
        fn retry_after(&self) -> Option<Duration> {
            self.retry_after
        }
        fn grpc_code(&self) -> GrpcCode {
            self.grpc
        }
        fn violations(&self) -> &[FieldViolation] {
            &[]
        }
    }

    fn custom(status: u16, grpc: GrpcCode, retryability: Retryability) -> Custom {
        Custom {
            status: Status::new(status).unwrap(),
            grpc,
            retryability,
            retry_after: None,
        }
    }

    fn pushback(status: &tonic::Status) -> Option<&str> {
        status
            .metadata()
            .get(RETRY_PUSHBACK_MS)
            .map(|value| value.to_str().unwrap())
    }

    #[test]
    fn ok_is_never_sent() {
        let sent = status(&custom(500, GrpcCode::Ok, Retryability::Transient));
        assert_eq!(sent.code(), Code::Unknown);
        let details = rpc::Status::decode(sent.details()).unwrap();
        assert_eq!(details.code, 2);
        assert_eq!(details.message, b"Custom");
    }

    #[test]
    fn pushback_rounds_up_and_says_do_not_retry_when_a_client_would() {
        let mut error = custom(429, GrpcCode::ResourceExhausted, Retryability::Throttled);
        assert_eq!(pushback(&status(&error)), None);
        for (delay, sent) in [
            (Duration::from_millis(1500), "1500"),
            (Duration::from_micros(1), "1"),
            (Duration::ZERO, "0"),
            (Duration::from_secs(u64::MAX), "2147483647"),
        ] {
            error.retry_after = Some(delay);
            assert_eq!(pushback(&status(&error)), Some(sent), "{delay:?}");
        }
        // Declared fatal, with a code that clients retry: "do not retry".
        error.retryability = Retryability::Fatal;
        assert_eq!(pushback(&status(&error)), Some("-1"));
        let fatal = custom(503, GrpcCode::Unavailable, Retryability::Fatal);
        assert_eq!(pushback(&status(&fatal)), Some("-1"));
        // Fatal with a code no client retries: nothing to say.
        let fatal = custom(400, GrpcCode::InvalidArgument, Retryability::Fatal);
        assert_eq!(pushback(&status(&fatal)), None);
        // What the code is retried as decides, not the HTTP status: a fatal 400
        // sent as UNAVAILABLE says "do not retry".
        let fatal = custom(400, GrpcCode::Unavailable, Retryability::Fatal);
        assert_eq!(pushback(&status(&fatal)), Some("-1"));
    }

    #[test]
    fn a_retryable_error_on_a_code_no_client_retries_says_so() {
        let should_retry = |status: &tonic::Status| status.metadata().get(X_SHOULD_RETRY).cloned();
        let mut error = custom(409, GrpcCode::Aborted, Retryability::Transient);
        error.retry_after = Some(Duration::from_secs(2));
        let sent = status(&error);
        assert_eq!(should_retry(&sent).unwrap(), "true");
        assert_eq!(pushback(&sent), Some("2000"));
        let decoded = crate::client::ErrorResponse::from_tonic(&sent);
        assert_eq!(decoded.retryability(), Retryability::Transient);
        assert_eq!(decoded.retry_after(), Some(Duration::from_secs(2)));
        // A code clients retry anyway needs no word.
        let error = custom(409, GrpcCode::Unavailable, Retryability::Transient);
        assert_eq!(should_retry(&status(&error)), None);
        let error = custom(503, GrpcCode::Unavailable, Retryability::Transient);
        assert_eq!(should_retry(&status(&error)), None);
    }
}
