//! [`Status`]: an HTTP error status (400..=599) and the one table of defaults derived from it.

use core::fmt;

use crate::contract::{self, defaults};
use crate::{GrpcCode, Retryability};

/// An HTTP *error* status code: a number in `400..=599`.
///
/// A `Status` can only hold a client (4xx) or server (5xx) error code, so every
/// value is something an error response may carry. The defaults an API error falls
/// back to — its `type`, its public message and whether a client may retry it —
/// are all derived from the status through one table (see [`Status::default_type`]).
///
/// ```
/// use dos_errors::{Retryability, Status};
///
/// let status = Status::new(429).unwrap();
/// assert_eq!(status, Status::TOO_MANY_REQUESTS);
/// assert_eq!(status, 429);
/// assert_eq!(status.default_type(), "rate_limit_error");
/// assert_eq!(status.default_retryability(), Retryability::Throttled);
/// assert_eq!(status.to_string(), "429 Too Many Requests");
/// assert!(Status::new(200).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(u16);

impl Status {
    /// `400 Bad Request`.
    pub const BAD_REQUEST: Status = Status(400);
    /// `401 Unauthorized`.
    pub const UNAUTHORIZED: Status = Status(401);
    /// `402 Payment Required`.
    pub const PAYMENT_REQUIRED: Status = Status(402);
    /// `403 Forbidden`.
    pub const FORBIDDEN: Status = Status(403);
    /// `404 Not Found`.
    pub const NOT_FOUND: Status = Status(404);
    /// `405 Method Not Allowed`.
    pub const METHOD_NOT_ALLOWED: Status = Status(405);
    /// `408 Request Timeout`.
    pub const REQUEST_TIMEOUT: Status = Status(408);
    /// `409 Conflict`.
    pub const CONFLICT: Status = Status(409);
    /// `413 Payload Too Large`.
    pub const PAYLOAD_TOO_LARGE: Status = Status(413);
    /// `415 Unsupported Media Type`.
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status(415);
    /// `422 Unprocessable Entity`.
    pub const UNPROCESSABLE_ENTITY: Status = Status(422);
    /// `429 Too Many Requests`.
    pub const TOO_MANY_REQUESTS: Status = Status(429);
    /// `500 Internal Server Error`.
    pub const INTERNAL_SERVER_ERROR: Status = Status(500);
    /// `501 Not Implemented`.
    pub const NOT_IMPLEMENTED: Status = Status(501);
    /// `502 Bad Gateway`.
    pub const BAD_GATEWAY: Status = Status(502);
    /// `503 Service Unavailable`.
    pub const SERVICE_UNAVAILABLE: Status = Status(503);
    /// `504 Gateway Timeout`.
    pub const GATEWAY_TIMEOUT: Status = Status(504);

    /// The status for `code`, or `None` when `code` is not in `400..=599`.
    #[must_use]
    pub const fn new(code: u16) -> Option<Status> {
        if code >= 400 && code <= 599 {
            Some(Status(code))
        } else {
            None
        }
    }

    /// The numeric code.
    #[must_use]
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// `true` for 4xx codes.
    #[must_use]
    pub const fn is_client_error(self) -> bool {
        self.0 < 500
    }

    /// `true` for 5xx codes.
    #[must_use]
    pub const fn is_server_error(self) -> bool {
        self.0 >= 500
    }

    /// The reason phrase of RFC 9110 (or the IANA registry) for this code, if it has one.
    ///
    /// ```
    /// # use dos_errors::Status;
    /// assert_eq!(Status::NOT_FOUND.canonical_reason(), Some("Not Found"));
    /// assert_eq!(Status::new(499).unwrap().canonical_reason(), None);
    /// ```
    #[must_use]
    pub const fn canonical_reason(self) -> Option<&'static str> {
        defaults(self.0).reason
    }

    /// The error `type` sent when a variant does not set one, e.g. `"rate_limit_error"` for 429.
    ///
    /// Unlisted 4xx codes give `"invalid_request_error"`, unlisted 5xx codes `"server_error"`.
    #[must_use]
    pub const fn default_type(self) -> &'static str {
        defaults(self.0).error_type
    }

    /// The public message sent when a variant does not set one.
    ///
    /// For the statuses of the API documentation (400, 401, 402, 429, 500, 503)
    /// this is its own wording; for other codes the reason phrase followed by a
    /// period, or `"Client error."` / `"Server error."` where the code has no
    /// reason phrase.
    #[must_use]
    pub const fn default_message(self) -> &'static str {
        defaults(self.0).message
    }

    /// Whether a client may retry a request that failed with this status.
    ///
    /// 429 is [`Throttled`](Retryability::Throttled); 408, 500, 502, 503, 504 and
    /// unlisted 5xx are [`Transient`](Retryability::Transient); 501, 505 and every
    /// other 4xx are [`Fatal`](Retryability::Fatal).
    #[must_use]
    pub const fn default_retryability(self) -> Retryability {
        defaults(self.0).retryability
    }

    /// The gRPC code of an error with this status, unless it declares another:
    /// 400, 413, 415 and 422 `INVALID_ARGUMENT`, 401 `UNAUTHENTICATED`, 402
    /// `FAILED_PRECONDITION`, 403 `PERMISSION_DENIED`, 404 `NOT_FOUND`, 405 and 501
    /// `UNIMPLEMENTED`, 408 and 504 `DEADLINE_EXCEEDED`, 409 `ABORTED`, 429
    /// `RESOURCE_EXHAUSTED`, 499 `CANCELLED`, 500 `INTERNAL`, 502 and 503
    /// `UNAVAILABLE`; other 4xx `FAILED_PRECONDITION`, other 5xx `UNKNOWN`.
    ///
    /// ```
    /// # use dos_errors::{GrpcCode, Status};
    /// assert_eq!(Status::TOO_MANY_REQUESTS.default_grpc_code(), GrpcCode::ResourceExhausted);
    /// assert_eq!(Status::new(418).unwrap().default_grpc_code(), GrpcCode::FailedPrecondition);
    /// ```
    #[must_use]
    pub const fn default_grpc_code(self) -> GrpcCode {
        defaults(self.0).grpc
    }

    /// The reason phrase, or `Client Error` / `Server Error` where the code has none
    /// (the `title` of an RFC 9457 problem).
    ///
    /// ```
    /// # use dos_errors::Status;
    /// assert_eq!(Status::TOO_MANY_REQUESTS.title(), "Too Many Requests");
    /// assert_eq!(Status::new(499).unwrap().title(), "Client Error");
    /// ```
    #[must_use]
    pub const fn title(self) -> &'static str {
        contract::title(self.0)
    }
}

impl fmt::Display for Status {
    /// Writes the code and, where one exists, its reason phrase: `429 Too Many Requests`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.canonical_reason() {
            Some(reason) => write!(f, "{} {}", self.0, reason),
            None => write!(f, "{}", self.0),
        }
    }
}

impl From<Status> for u16 {
    fn from(status: Status) -> u16 {
        status.0
    }
}

/// The error returned when converting a number outside `400..=599` into a [`Status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidStatus(pub u16);

impl fmt::Display for InvalidStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not an HTTP error status (400..=599)", self.0)
    }
}

impl std::error::Error for InvalidStatus {}

impl TryFrom<u16> for Status {
    type Error = InvalidStatus;

    fn try_from(code: u16) -> Result<Status, InvalidStatus> {
        Status::new(code).ok_or(InvalidStatus(code))
    }
}

impl PartialEq<u16> for Status {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Status> for u16 {
    fn eq(&self, other: &Status) -> bool {
        *self == other.0
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Status, D::Error> {
        let code = <u16 as serde::Deserialize>::deserialize(deserializer)?;
        Status::new(code).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Unsigned(code.into()),
                &"an HTTP error status in 400..=599",
            )
        })
    }
}
