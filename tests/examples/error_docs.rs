//! Prints the "Error Codes" documentation page of the demo service, generated from
//! the catalogue of its error enum (the same declaration that answers requests),
//! with its examples in the demo's wire format (`DEMO_FORMAT`, the envelope by
//! default).
//!
//! Run with `cargo run --example error_docs > ERRORS.md`, or
//! `DEMO_FORMAT=problem cargo run --example error_docs`.

use std::process::ExitCode;

use dos_errors::catalog::{markdown, ApiErrorCatalog};
use dos_errors_tests::demo::{DemoConfig, DemoError};

fn main() -> ExitCode {
    let config = match DemoConfig::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    print!(
        "{}",
        markdown::error_codes_page_in("Error Codes", &DemoError::catalog(), config.format)
    );
    ExitCode::SUCCESS
}
