//! Generated code names everything by absolute path and chooses how a field is
//! written by the compiler, not by the spelling of its type: it compiles inside
//! `#![no_implicit_prelude]` and next to user items that shadow standard names,
//! and a user type named `String` is formatted through its own `Display`.

use dos_errors::ApiError;

/// User items named like standard ones, in a module without the prelude.
mod shadowed {
    #![no_implicit_prelude]
    #![allow(non_camel_case_types, dead_code, clippy::upper_case_acronyms)]

    /// Not `std::string::String`: a type of the user's, with its own `Display`.
    pub struct String(pub &'static ::core::primitive::str);

    impl ::core::fmt::Display for String {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            ::core::write!(f, "<{}>", self.0)
        }
    }

    impl ::core::fmt::Debug for String {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_str("String")
        }
    }

    pub struct Option;
    pub struct Result;
    pub struct Vec;
    pub struct Cow;
    pub struct Box;
    pub struct Some;
    pub struct Ok;
    pub struct Duration;
    pub struct Arg;
    pub struct u8;
    pub struct u32;
    pub struct bool;
    pub struct str;
    pub mod core {}
    pub mod std {}
    pub mod dos_errors {}

    #[derive(::dos_errors::ApiError)]
    #[api_error(docs = "https://docs.dos.ai/errors", domain = "dos.ai")]
    pub enum ShadowError {
        #[api_error(
            status = 400,
            code = "bad_name",
            message = "bad name {name} ({n}, {n:>4})"
        )]
        BadName {
            name: String,
            n: ::core::primitive::u32,
            #[api_error(param)]
            field: ::std::string::String,
        },
        #[api_error(status = 429, message = "slow down")]
        Slow {
            #[api_error(retry_after)]
            wait: ::core::option::Option<::core::time::Duration>,
        },
        #[api_error(status = 400)]
        Invalid {
            #[api_error(violations)]
            violations: ::std::vec::Vec<::dos_errors::FieldViolation>,
        },
        #[api_error(status = 500)]
        Masked(String),
        #[api_error(transparent)]
        Inner(Inner),
    }

    #[derive(::dos_errors::ApiError)]
    #[api_error(status = 503, retry_after = 7, message = "{0} is loading")]
    pub struct Inner(pub &'static ::core::primitive::str);
}

#[test]
fn generated_code_ignores_shadowed_names() {
    use shadowed::{Inner, ShadowError, String};
    use std::time::Duration;

    let error = ShadowError::BadName {
        name: String("model"),
        n: 7,
        field: "model".to_owned(),
    };
    assert_eq!(error.message(), "bad name <model> (7,    7)");
    assert_eq!(
        error.to_json(),
        r#"{"error":{"message":"bad name <model> (7,    7)","type":"invalid_request_error","code":400}}"#
    );
    assert_eq!(error.error_code(), Some("bad_name"));
    assert_eq!(error.param().as_deref(), Some("model"));
    assert_eq!(
        error.doc_url().as_deref(),
        Some("https://docs.dos.ai/errors#bad_name")
    );
    assert_eq!(error.domain(), Some("dos.ai"));

    let slow = ShadowError::Slow {
        wait: Some(Duration::from_secs(3)),
    };
    assert_eq!(slow.retry_after(), Some(Duration::from_secs(3)));
    let invalid = ShadowError::Invalid {
        violations: vec![dos_errors::FieldViolation::new("model", "is required")],
    };
    assert_eq!(invalid.param().as_deref(), Some("model"));
    assert_eq!(
        ShadowError::Masked(String("secret")).message(),
        "An unexpected error occurred on our servers."
    );
    let inner = ShadowError::Inner(Inner("dos-chat"));
    assert_eq!(inner.message(), "dos-chat is loading");
    assert_eq!(inner.retry_after(), Some(Duration::from_secs(7)));
}

/// `#[api_error(crate = "…")]` points the generated code at the runtime crate
/// under another path (here a re-export; `tests/additivity/a` renames the
/// dependency itself in its `Cargo.toml`).
#[test]
fn the_crate_path_can_be_given() {
    mod reexported {
        pub use dos_errors as errors;
    }

    #[derive(Debug, ApiError)]
    #[api_error(crate = "reexported::errors", status = 402)]
    struct NoCredits;

    assert_eq!(NoCredits.status(), 402);
    assert_eq!(
        NoCredits.to_json(),
        r#"{"error":{"message":"Your account does not have sufficient credits to process the request.","type":"insufficient_credits_error","code":402}}"#
    );
}
