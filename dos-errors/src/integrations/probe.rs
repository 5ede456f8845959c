//! The internal description of an error: what integrations log, never send.
//!
//! Generated code finds the best description a type offers without requiring any
//! trait of it, by autoref-based specialization: `(&&&Probe(&error)).__dos_errors_detail()`
//! resolves to [`ProbeError`] when the type is a `std::error::Error` (message and
//! `source()` chain), else [`ProbeDisplay`], else [`ProbeDebug`], else [`ProbeNone`].
//! Method resolution tries the receiver with the most references first, and each
//! trait is implemented for one level of reference less than the previous one.

use core::fmt;
use std::error::Error;

/// Wraps the error whose description is probed.
pub struct Probe<'a, T>(pub &'a T);

// By hand: a derive would require `T: Copy`; the last probe takes it by value.
impl<T> Clone for Probe<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Probe<'_, T> {}

/// The best description an error type offers.
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
