//! The request an error is answered for: the service's wire format, and the
//! request's id.
//!
//! A service sets its format once, with a middleware around its routes (see
//! `integrations::axum::error_format` and `integrations::actix::ErrorContext`), not
//! per handler. While the request is handled — every poll of its future — the
//! middleware makes the choice current on the thread, so every error turned into a
//! response then (a handler's, an extractor's rejection, a fallback's, a caught
//! panic's) is written in it, and carries the request id where the format has a
//! place for one. Outside such a scope, errors are written as the envelope.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use crate::retry::rng::mix;
use crate::Format;

/// How a service writes its errors: one [`Format`] for all its routes, and
/// whether a request may ask for RFC 9457 problem details instead.
///
/// With negotiation on, a request whose `Accept` prefers
/// `application/problem+json` (see [`prefers_problem_json`](crate::headers::prefers_problem_json))
/// gets [`Format::Problem`]; every other request gets the service's format.
///
/// ```
/// use dos_errors::integrations::ErrorFormat;
/// use dos_errors::Format;
///
/// let config = ErrorFormat::new(Format::OpenAi).negotiate(true);
/// assert_eq!(config.for_accept(Some("application/json")), Format::OpenAi);
/// assert_eq!(config.for_accept(Some("application/problem+json")), Format::Problem);
/// assert_eq!(config.for_accept(None), Format::OpenAi);
/// assert_eq!(ErrorFormat::default().for_accept(Some("application/problem+json")), Format::Envelope);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ErrorFormat {
    format: Format,
    negotiate: bool,
}

impl ErrorFormat {
    /// Errors in `format`, without negotiation.
    #[must_use]
    pub const fn new(format: Format) -> Self {
        ErrorFormat {
            format,
            negotiate: false,
        }
    }

    /// Turns negotiation of problem details on or off.
    #[must_use]
    pub const fn negotiate(mut self, on: bool) -> Self {
        self.negotiate = on;
        self
    }

    /// The service's format.
    #[must_use]
    pub const fn format(&self) -> Format {
        self.format
    }

    /// Whether a request may ask for problem details.
    #[must_use]
    pub const fn negotiates(&self) -> bool {
        self.negotiate
    }

    /// The format of the errors of a request with this `Accept` header.
    #[must_use]
    pub fn for_accept(&self, accept: Option<&str>) -> Format {
        match accept {
            Some(accept) if self.negotiate && crate::headers::prefers_problem_json(accept) => {
                Format::Problem
            }
            _ => self.format,
        }
    }
}

/// What is current while a request is handled.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestContext {
    /// The format errors are written in.
    pub(crate) format: Format,
    /// The request's id, if a middleware gave it one.
    pub(crate) request_id: Option<Arc<str>>,
}

thread_local! {
    static CURRENT: RefCell<RequestContext> = RefCell::new(RequestContext::default());
}

/// The context of the request being handled on this thread (the defaults outside one).
pub(crate) fn current() -> RequestContext {
    CURRENT.with(|current| current.borrow().clone())
}

/// What a middleware changes in the context of the requests it wraps.
// Made by the framework middlewares (axum, actix-web) only.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Errors are written in this format.
    Format(Format),
    /// The request has this id.
    RequestId(Arc<str>),
}

/// A future polled with a middleware's change applied to the thread's error
/// context (the format, the request id), restored after each poll — even when the
/// poll panics. The future of the framework middlewares of this module.
pub struct InContext<F> {
    inner: Pin<Box<F>>,
    change: Change,
}

impl<F> InContext<F> {
    /// `inner`, run under `change`.
    #[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
    pub(crate) fn new(inner: F, change: Change) -> Self {
        InContext {
            inner: Box::pin(inner),
            change,
        }
    }
}

/// Puts the previous context back when dropped.
struct Restore(Option<RequestContext>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
}

impl<F> std::fmt::Debug for InContext<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InContext")
            .field("change", &self.change)
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for InContext<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let previous = CURRENT.with(|current| {
            let mut current = current.borrow_mut();
            let previous = current.clone();
            match &self.change {
                Change::Format(format) => current.format = *format,
                Change::RequestId(id) => current.request_id = Some(Arc::clone(id)),
            }
            previous
        });
        let _restore = Restore(Some(previous));
        self.inner.as_mut().poll(cx)
    }
}

/// The longest request id a client may send and have echoed.
pub const MAX_REQUEST_ID_LEN: usize = 200;

/// The request id to use: the client's `x-request-id` when it is 1 to
/// [`MAX_REQUEST_ID_LEN`] visible ASCII characters, else a new one.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) fn request_id_for(sent: Option<&[u8]>) -> Arc<str> {
    match sent {
        Some(id)
            if !id.is_empty()
                && id.len() <= MAX_REQUEST_ID_LEN
                && id.iter().all(u8::is_ascii_graphic) =>
        {
            Arc::from(String::from_utf8_lossy(id).as_ref())
        }
        _ => Arc::from(new_request_id().as_str()),
    }
}

/// What a request-id middleware runs a request under: its id as the current request
/// id and, with the `tracing` feature, a `request` span (at error level, so that it
/// is there for every error logged) recording the method, path and id — made from
/// the request before the request is handed on.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) struct RequestScope {
    id: Arc<str>,
    #[cfg(feature = "tracing")]
    span: ::tracing::Span,
}

#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
impl RequestScope {
    /// The scope of the request `method path` with the id `id`.
    pub(crate) fn new(id: Arc<str>, method: &str, path: &str) -> Self {
        #[cfg(feature = "tracing")]
        let span =
            ::tracing::error_span!("request", method = %method, path = %path, request_id = %id);
        #[cfg(not(feature = "tracing"))]
        let _ = (method, path);
        RequestScope {
            id,
            #[cfg(feature = "tracing")]
            span,
        }
    }

    /// `future`, the request's handling, run in this scope.
    pub(crate) fn run<F: Future>(self, future: F) -> impl Future<Output = F::Output> {
        let future = InContext::new(future, Change::RequestId(self.id));
        #[cfg(feature = "tracing")]
        let future = ::tracing::Instrument::instrument(future, self.span);
        future
    }
}

/// A new request id: `req_` and 26 lower-case base32 characters (128 bits), unique
/// within the process (a counter passed through a bijective mix) and, with a
/// per-process random key, across processes. URL-safe.
///
/// ```
/// let a = dos_errors::integrations::new_request_id();
/// let b = dos_errors::integrations::new_request_id();
/// assert_ne!(a, b);
/// assert!(a.starts_with("req_") && a.len() == 30);
/// assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'));
/// ```
#[must_use]
pub fn new_request_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::OnceLock;

    static KEYS: OnceLock<(u64, u64)> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let (high_key, low_key) = *KEYS.get_or_init(|| {
        let state = std::collections::hash_map::RandomState::new();
        let mut first = state.build_hasher();
        first.write_u64(1);
        let mut second = state.build_hasher();
        second.write_u64(2);
        (first.finish(), second.finish())
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let high = mix(high_key.wrapping_add(count.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    let low = mix(low_key ^ count);
    let value = (u128::from(high) << 64) | u128::from(low);
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut id = String::with_capacity(30);
    id.push_str("req_");
    for index in (0..26).rev() {
        let digit = (value >> (index * 5)) & 0x1F;
        id.push(char::from(ALPHABET[digit as usize]));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore_even_after_a_panic() {
        fn poll_once<F: Future>(future: F) -> F::Output {
            struct Noop;
            impl std::task::Wake for Noop {
                fn wake(self: Arc<Self>) {}
            }
            let waker = std::task::Waker::from(Arc::new(Noop));
            let mut future = std::pin::pin!(future);
            match future.as_mut().poll(&mut TaskContext::from_waker(&waker)) {
                Poll::Ready(output) => output,
                Poll::Pending => unreachable!("these futures never wait"),
            }
        }
        let inner = InContext::new(
            async { (current().format, current().request_id) },
            Change::Format(Format::Google),
        );
        let outer = InContext::new(inner, Change::RequestId(Arc::from("req_1")));
        let (format, id) = poll_once(outer);
        assert_eq!(format, Format::Google);
        assert_eq!(id.as_deref(), Some("req_1"));
        assert_eq!(current().format, Format::Envelope);

        let panicking = InContext::new(
            async { panic!("handler panicked") },
            Change::Format(Format::Problem),
        );
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            poll_once(panicking);
        }));
        assert!(caught.is_err());
        assert_eq!(current().format, Format::Envelope);
    }

    #[test]
    fn request_ids_are_echoed_only_when_sane() {
        assert_eq!(&*request_id_for(Some(b"abc-123")), "abc-123");
        for bad in [
            &b""[..],
            b"has space",
            b"\x00",
            &[b'a'; 201][..],
            "é".as_bytes(),
        ] {
            assert!(request_id_for(Some(bad)).starts_with("req_"), "{bad:?}");
        }
        let ids: std::collections::HashSet<String> =
            (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
    }
}
