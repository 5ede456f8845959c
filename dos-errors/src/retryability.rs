//! [`Retryability`]: whether, and how, a failed request may be retried.

/// Whether a client may retry a request that failed with a given error.
///
/// ```
/// use dos_errors::{Retryability, Status};
///
/// assert_eq!(Status::BAD_REQUEST.default_retryability(), Retryability::Fatal);
/// assert_eq!(Status::SERVICE_UNAVAILABLE.default_retryability(), Retryability::Transient);
/// assert!(Retryability::Throttled.is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Retryability {
    /// Retrying the same request cannot succeed (400, 401, 402, …): fix the request instead.
    Fatal,
    /// A passing failure (500, 503, …): retry with exponential backoff.
    Transient,
    /// Rate limited (429): wait — at least as long as `Retry-After` says — then retry.
    Throttled,
}

impl Retryability {
    /// `true` unless [`Fatal`](Retryability::Fatal).
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        !matches!(self, Retryability::Fatal)
    }
}
