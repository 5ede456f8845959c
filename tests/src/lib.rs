//! Integration tests of dos-errors (unpublished).

pub mod demo;
