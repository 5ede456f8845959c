//! [`FieldViolation`]: one field of a request and what is wrong with it.

use core::fmt;

/// One field of a request and what is wrong with it: Google's
/// `BadRequest.FieldViolation`, an entry of an RFC 9457 problem's `errors`.
///
/// `field` is a path into the request, such as `messages[1].role`.
///
/// ```
/// use dos_errors::FieldViolation;
///
/// let violation = FieldViolation::new("messages[1].role", "must be one of system, user, assistant, tool");
/// assert_eq!(violation.field(), "messages[1].role");
/// assert_eq!(violation.description(), "must be one of system, user, assistant, tool");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldViolation {
    field: String,
    description: String,
}

impl FieldViolation {
    /// A violation of `field` (a path such as `messages[1].role`), described by `description`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        FieldViolation {
            field: field.into(),
            description: description.into(),
        }
    }

    /// The path of the field, e.g. `messages[1].role`.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl fmt::Display for FieldViolation {
    /// `messages[1].role: must be one of …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}
