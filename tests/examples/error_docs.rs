//! Prints the "Error Codes" documentation page of the demo service, generated from
//! the catalogue of its error enum (the same declaration that answers requests).
//!
//! Run with `cargo run --example error_docs > ERRORS.md`.

use dos_errors::catalog::{markdown, ApiErrorCatalog};
use dos_errors_tests::demo::DemoError;

fn main() {
    print!(
        "{}",
        markdown::error_codes_page("Error Codes", &DemoError::catalog())
    );
}
