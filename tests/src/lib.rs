//! Integration tests of dos-errors (unpublished).

pub mod demo;

/// The examples of the repository's README, run as doc tests so that they cannot
/// drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
