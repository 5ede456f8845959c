//! Integration tests of dos-errors (unpublished).
