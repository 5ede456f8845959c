//! Logging the internal description of an error when it becomes a response.
//!
//! An error is logged at the level its declaration gives (`log = "…"`, see
//! [`ErrorSpec::log`](crate::ErrorSpec::log)): by default a masked 5xx at error
//! level, nothing else. Without the `tracing` feature nothing is logged. The event
//! is emitted in the current span, so a request span (see the framework modules)
//! gives it the request's method, path and id.

#[cfg(feature = "tracing")]
use core::fmt::{self, Write as _};
#[cfg(feature = "tracing")]
use std::error::Error;

use super::probe::Detail;
use crate::{ApiError, LogLevel};

#[cfg(feature = "tracing")]
/// The level `error` is logged at when it becomes a response: its declaration's,
/// `Off` for an error without one.
pub(crate) fn level_of<E: ApiError + ?Sized>(error: &E) -> LogLevel {
    error.spec().map_or(LogLevel::Off, |spec| spec.log)
}

/// What is logged of an error: its internal description, at a level.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))] // read when logging
pub(crate) struct Logged {
    pub(crate) level: LogLevel,
    /// The client sees only the status's default message, not this description.
    pub(crate) masked: bool,
    pub(crate) description: String,
}

/// The internal description to log for `error`, with its level: `Some` only with
/// the `tracing` feature and a level other than `Off`. `probe` is only called then.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn description<'a, E: ApiError + ?Sized>(
    error: &E,
    probe: impl FnOnce() -> Detail<'a>,
) -> Option<Logged> {
    #[cfg(feature = "tracing")]
    {
        let level = level_of(error);
        if level != LogLevel::Off {
            return Some(Logged {
                level,
                masked: error.spec().is_some_and(|spec| spec.masked),
                description: describe(&probe()).unwrap_or_default(),
            });
        }
    }
    None
}

/// Logs the internal description of an error in the current span.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
pub(crate) fn emit(logged: &Logged, status: u16, error_type: &str) {
    #[cfg(feature = "tracing")]
    {
        let description = logged.description.as_str();
        macro_rules! event {
            ($level:ident) => {
                if logged.masked {
                    ::tracing::event!(
                        target: "dos_errors",
                        ::tracing::Level::$level,
                        status,
                        error_type,
                        error = description,
                        "internal error hidden from the client"
                    )
                } else {
                    ::tracing::event!(
                        target: "dos_errors",
                        ::tracing::Level::$level,
                        status,
                        error_type,
                        error = description,
                        "error answered to the client"
                    )
                }
            };
        }
        match logged.level {
            LogLevel::Error => event!(ERROR),
            LogLevel::Warn => event!(WARN),
            LogLevel::Info => event!(INFO),
            LogLevel::Debug => event!(DEBUG),
            LogLevel::Off => {}
        }
    }
}

/// Logs `error`'s internal description at its declared level (with `tracing`).
// actix-web logs when its error is rendered (`log::description`), not here.
#[cfg_attr(not(any(feature = "axum", feature = "tonic")), allow(dead_code))]
pub(crate) fn report<'a, E: ApiError + ?Sized>(error: &E, probe: impl FnOnce() -> Detail<'a>) {
    if let Some(logged) = description(error, probe) {
        emit(&logged, error.status().as_u16(), error.error_type());
    }
}

#[cfg(feature = "tracing")]
/// How many `source()` levels a description follows; guards against cycles.
const MAX_SOURCES: usize = 16;

#[cfg(feature = "tracing")]
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

#[cfg(feature = "tracing")]
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
