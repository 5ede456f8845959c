//! The internal description of a masked error, and its logging with the `tracing` feature.
//!
//! Derived code finds the best description a type offers without requiring any
//! trait of it, by autoref-based specialization: `(&&&Probe(&error)).__dos_errors_detail()`
//! resolves to [`ProbeError`] when the type is a `std::error::Error` (message and
//! `source()` chain), else [`ProbeDisplay`], else [`ProbeDebug`], else [`ProbeNone`].
//! Method resolution tries the receiver with the most references first, and each
//! trait is implemented for one level of reference less than the previous one.

use core::fmt::{self, Write as _};
use std::error::Error;

use crate::ApiError;

/// Wraps the error whose description is probed. Not public API.
pub struct Probe<'a, T>(pub &'a T);

// By hand: a derive would require `T: Copy`; the last probe takes it by value.
impl<T> Clone for Probe<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Probe<'_, T> {}

/// The best description an error type offers. Not public API.
pub enum Detail<'a> {
    /// The type is an error: its message and `source()` chain.
    Error(&'a (dyn Error + 'a)),
    /// The type has a `Display`.
    Display(&'a (dyn fmt::Display + 'a)),
    /// The type has only a `Debug`.
    Debug(&'a (dyn fmt::Debug + 'a)),
    /// Nothing to say beyond the status and type.
    None,
}

/// Chosen when the probed type implements `std::error::Error`.
pub trait ProbeError<'a> {
    /// The description.
    fn __dos_errors_detail(self) -> Detail<'a>;
}

/// Chosen when the probed type implements `Display` but not `Error`.
pub trait ProbeDisplay<'a> {
    /// The description.
    fn __dos_errors_detail(self) -> Detail<'a>;
}

/// Chosen when the probed type implements only `Debug`.
pub trait ProbeDebug<'a> {
    /// The description.
    fn __dos_errors_detail(self) -> Detail<'a>;
}

/// Chosen when the probed type has no description.
pub trait ProbeNone<'a> {
    /// The description.
    fn __dos_errors_detail(self) -> Detail<'a>;
}

impl<'a, T: Error> ProbeError<'a> for &&&Probe<'a, T> {
    fn __dos_errors_detail(self) -> Detail<'a> {
        Detail::Error(self.0)
    }
}

impl<'a, T: fmt::Display> ProbeDisplay<'a> for &&Probe<'a, T> {
    fn __dos_errors_detail(self) -> Detail<'a> {
        Detail::Display(self.0)
    }
}

impl<'a, T: fmt::Debug> ProbeDebug<'a> for &Probe<'a, T> {
    fn __dos_errors_detail(self) -> Detail<'a> {
        Detail::Debug(self.0)
    }
}

impl<'a, T> ProbeNone<'a> for Probe<'a, T> {
    fn __dos_errors_detail(self) -> Detail<'a> {
        Detail::None
    }
}

/// How many `source()` levels a description follows; guards against cycles.
const MAX_SOURCES: usize = 16;

/// The text of a description: `message: source: source…`, or `None` for [`Detail::None`].
#[must_use]
pub fn describe(detail: &Detail<'_>) -> Option<String> {
    let mut text = String::new();
    // Writing to a String cannot fail; a Display impl that errors leaves what it wrote.
    let _ = match detail {
        Detail::Error(error) => write_chain(&mut text, *error),
        Detail::Display(display) => write!(text, "{display}"),
        Detail::Debug(debug) => write!(text, "{debug:?}"),
        Detail::None => return None,
    };
    Some(text)
}

fn write_chain(text: &mut String, error: &dyn Error) -> fmt::Result {
    write!(text, "{error}")?;
    let mut source = error.source();
    let mut depth = 0;
    while let Some(cause) = source {
        if depth == MAX_SOURCES {
            return text.write_str(": …");
        }
        write!(text, ": {cause}")?;
        source = cause.source();
        depth += 1;
    }
    Ok(())
}

/// The internal description to log for `error` when it becomes a response: `Some`
/// only with the `tracing` feature, for a masked 5xx. `probe` is only called then.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub fn masked_description<'a, E: ApiError + ?Sized>(
    error: &E,
    probe: impl FnOnce() -> Detail<'a>,
) -> Option<String> {
    #[cfg(feature = "tracing")]
    if error.__masked() && error.status().is_server_error() {
        return Some(describe(&probe()).unwrap_or_default());
    }
    None
}

/// Logs the internal description of a masked error at error level, in the current span.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub fn log_masked(status: u16, error_type: &str, description: &str) {
    #[cfg(feature = "tracing")]
    ::tracing::error!(
        target: "dos_errors",
        status,
        error_type,
        error = description,
        "internal error hidden from the client"
    );
}

/// Logs `error`'s internal description when it is a masked 5xx and `tracing` is on.
pub fn report_masked<'a, E: ApiError + ?Sized>(error: &E, probe: impl FnOnce() -> Detail<'a>) {
    if let Some(description) = masked_description(error, probe) {
        log_masked(error.status().as_u16(), error.error_type(), &description);
    }
}
