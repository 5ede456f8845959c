//! [`ErrorEnvelope`] and [`ErrorBody`]: the JSON error body every response carries.

use serde::{Deserialize, Serialize};

use crate::{ApiError, Status};

/// The JSON body of an error response: `{"error":{"message":…,"type":…,"code":…}}`.
///
/// Serializes with the keys in the order `message`, `type`, `code`; unknown fields
/// are ignored when deserializing.
///
/// ```
/// use dos_errors::{ErrorEnvelope, Status};
///
/// let envelope = ErrorEnvelope::new(Status::PAYMENT_REQUIRED, "insufficient_credits_error", "No credits left.");
/// let json = serde_json::to_string(&envelope).unwrap();
/// assert_eq!(json, r#"{"error":{"message":"No credits left.","type":"insufficient_credits_error","code":402}}"#);
/// assert_eq!(serde_json::from_str::<ErrorEnvelope>(&json).unwrap(), envelope);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorEnvelope {
    /// The error itself.
    pub error: ErrorBody,
}

/// The inner object of an [`ErrorEnvelope`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorBody {
    /// A human-readable, client-facing description of the error.
    pub message: String,
    /// A machine-readable error type such as `"invalid_request_error"`; serialized as `"type"`.
    #[serde(rename = "type")]
    pub error_type: String,
    /// The HTTP status code of the response, as an integer.
    pub code: u16,
}

impl ErrorEnvelope {
    /// An envelope with the given status, type and message.
    #[must_use]
    pub fn new(status: Status, error_type: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorEnvelope {
            error: ErrorBody {
                message: message.into(),
                error_type: error_type.into(),
                code: status.as_u16(),
            },
        }
    }

    /// The envelope of any [`ApiError`] (the same as [`ApiError::to_envelope`]).
    #[must_use]
    pub fn from_error<E: ApiError + ?Sized>(error: &E) -> Self {
        ErrorEnvelope::new(error.status(), error.error_type(), error.message())
    }

    /// The envelope's status, when its `code` is an error status (400..=599).
    #[must_use]
    pub fn status(&self) -> Option<Status> {
        Status::new(self.error.code)
    }
}
