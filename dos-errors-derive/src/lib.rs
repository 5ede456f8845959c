//! The `#[derive(ApiError)]` macro of [dos-errors](https://docs.rs/dos-errors).
//!
//! Use it through the runtime crate, which re-exports it: `use dos_errors::ApiError;`.
//! The attribute reference is on the re-export, `dos_errors::ApiError`.
//!
//! ```
//! use dos_errors::ApiError;
//!
//! #[derive(Debug, ApiError)]
//! enum ChatError {
//!     #[api_error(status = 400, message = "Missing required field: {field}")]
//!     MissingField { field: &'static str },
//!     #[api_error(status = 429, retry_after = 6)]
//!     RateLimited,
//! }
//!
//! assert_eq!(
//!     ChatError::MissingField { field: "model" }.to_json(),
//!     r#"{"error":{"message":"Missing required field: model","type":"invalid_request_error","code":400}}"#
//! );
//! assert!(ChatError::RateLimited.is_retryable());
//! ```
//!
//! The pipeline, one module per stage: `ast` builds a typed model of the input
//! (reading attributes with `attr` and message formats with `fmt`), `valid` checks
//! the rules that span several attributes and resolves each variant to literal
//! values, `generics` infers bounds, and `expand` generates code that cannot fail.
//! All problems of one input are reported together. The rules themselves — status
//! defaults, escaping, the envelope, template and name grammars — come from
//! `contract`, the very file the runtime crate compiles.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[allow(missing_docs)]
mod ast;
#[allow(missing_docs)]
mod attr;
#[allow(missing_docs, dead_code)]
mod contract;
#[allow(missing_docs)]
mod expand;
#[allow(missing_docs)]
mod fmt;
#[allow(missing_docs)]
mod generics;
#[cfg(test)]
mod tests;
#[allow(missing_docs)]
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `dos_errors::ApiError`. See the documentation of `dos_errors::ApiError`.
#[proc_macro_derive(ApiError, attributes(api_error))]
pub fn derive_api_error(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

fn derive(node: &DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = Errors::default();
    let Some(input) = ast::Input::from_syn(&mut errors, node) else {
        let container = valid::container_settings(&attr::Attrs::default());
        return errors.into_compile_errors(node, &container);
    };
    let (container, plans) = valid::check(&mut errors, &input);
    if errors.is_empty() {
        expand::derive(&input, &container, &plans)
    } else {
        errors.into_compile_errors(node, &container)
    }
}

/// Every problem found in one input, reported together.
#[derive(Default)]
struct Errors(Vec<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    fn extend(&mut self, errors: impl IntoIterator<Item = syn::Error>) {
        self.0.extend(errors);
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors as `compile_error!`s, next to a stub impl that stops a cascade.
    fn into_compile_errors(
        self,
        node: &DeriveInput,
        container: &valid::Container,
    ) -> proc_macro2::TokenStream {
        let mut tokens = expand::stub(node, container);
        for error in self.0 {
            tokens.extend(error.to_compile_error());
        }
        tokens
    }
}
