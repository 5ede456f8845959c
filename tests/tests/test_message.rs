//! Public messages: interpolation, format specs, escapes, defaults, masking, `display`.

use std::fmt;

use dos_errors::ApiError;

#[test]
fn interpolates_named_and_positional_fields_with_specs() {
    #[derive(Debug, ApiError)]
    enum E {
        #[api_error(status = 400, message = "Missing required field: {field}")]
        Missing { field: &'static str },
        #[api_error(status = 400, message = "The model `{0}` does not exist")]
        Unknown(String),
        #[api_error(
            status = 400,
            message = "temperature must be between 0 and 2, got {value:.1}"
        )]
        Temperature { value: f64 },
        #[api_error(
            status = 400,
            message = "{0:?} / {1:>5} / {1:<5}| / {2:#x} / {2:08b} / {3:e}"
        )]
        Specs(&'static str, u32, u8, f64),
        #[api_error(status = 400, message = "{{literal}} {0}{{}} {0}")]
        Braces(u8),
    }
    assert_eq!(
        E::Missing { field: "model" }.message(),
        "Missing required field: model"
    );
    assert_eq!(
        E::Unknown("gpt-9".into()).message(),
        "The model `gpt-9` does not exist"
    );
    assert_eq!(
        E::Temperature { value: 2.345 }.message(),
        "temperature must be between 0 and 2, got 2.3"
    );
    assert_eq!(
        E::Specs("q\"", 42, 10, 1500.0).message(),
        format!(
            "{:?} / {:>5} / {:<5}| / {:#x} / {:08b} / {:e}",
            "q\"", 42, 42, 10, 10, 1500.0
        )
    );
    assert_eq!(E::Braces(7).message(), "{literal} 7{} 7");
}

#[test]
fn static_messages_are_borrowed_and_interpolated_ones_owned() {
    use std::borrow::Cow;
    #[derive(Debug, ApiError)]
    enum E {
        #[api_error(status = 404, message = "No such thing")]
        Static,
        #[api_error(status = 404)]
        Default,
        #[api_error(status = 404, message = "No {0}")]
        Dynamic(u8),
    }
    assert!(matches!(
        E::Static.message(),
        Cow::Borrowed("No such thing")
    ));
    assert!(matches!(E::Default.message(), Cow::Borrowed("Not Found.")));
    assert!(matches!(E::Dynamic(1).message(), Cow::Owned(ref s) if s == "No 1"));
}

#[test]
fn five_hundreds_never_leak_display_by_default() {
    #[derive(Debug, thiserror::Error, ApiError)]
    enum E {
        #[error("database failed: {0}")]
        #[api_error(status = 500)]
        Database(String),
        #[error("upstream said {0}")]
        #[api_error(status = 502)]
        Upstream(String),
        #[error("explicit")]
        #[api_error(status = 503, message = "Try again in a minute")]
        Explicit,
    }
    let err = E::Database("password=hunter2".into());
    assert_eq!(err.to_string(), "database failed: password=hunter2");
    assert_eq!(
        err.message(),
        "An unexpected error occurred on our servers."
    );
    assert!(!err.to_json().contains("hunter2"));
    assert_eq!(E::Upstream("x".into()).message(), "Bad Gateway.");
    assert_eq!(E::Explicit.message(), "Try again in a minute");
}

#[test]
fn display_is_used_only_when_opted_in() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 400)]
    enum E {
        #[api_error(display)]
        Shown {
            what: String,
        },
        Hidden {
            what: String,
        },
    }
    impl fmt::Display for E {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                E::Shown { what } | E::Hidden { what } => write!(f, "display of \"{what}\""),
            }
        }
    }
    let shown = E::Shown { what: "x".into() };
    assert_eq!(shown.message(), "display of \"x\"");
    assert_eq!(
        shown.to_json(),
        r#"{"error":{"message":"display of \"x\"","type":"invalid_request_error","code":400}}"#
    );
    let hidden = E::Hidden { what: "x".into() };
    assert_eq!(
        hidden.message(),
        "The request is malformed or contains invalid parameters."
    );
}

#[test]
fn container_defaults_and_variant_overrides() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 400, type = "validation_error", message = "Invalid request")]
    enum E {
        Plain,
        #[api_error(message = "Bad {0}")]
        Custom(&'static str),
        #[api_error(status = 404, type = "not_found_error")]
        Missing,
        #[api_error(display)]
        Display,
    }
    impl fmt::Display for E {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("shown")
        }
    }
    assert_eq!(E::Plain.message(), "Invalid request");
    assert_eq!(E::Plain.error_type(), "validation_error");
    assert_eq!(E::Custom("x").message(), "Bad x");
    assert_eq!(E::Missing.status(), 404);
    assert_eq!(E::Missing.error_type(), "not_found_error");
    assert_eq!(E::Missing.message(), "Invalid request");
    assert_eq!(E::Display.message(), "shown");
}

#[test]
fn type_level_display_applies_to_every_variant() {
    #[derive(Debug, thiserror::Error, ApiError)]
    #[api_error(status = 422, display)]
    enum E {
        #[error("field {0} is wrong")]
        Wrong(&'static str),
        #[error("ignored")]
        #[api_error(message = "overridden")]
        Overridden,
    }
    assert_eq!(E::Wrong("x").message(), "field x is wrong");
    assert_eq!(E::Overridden.message(), "overridden");
}

/// Every spec the derive accepts formats exactly as `format!` and thiserror do:
/// the public message equals thiserror's `Display` of the same format string, and
/// its JSON equals `serde_json`'s escaping of that text.
#[test]
fn messages_equal_thiserror_display_for_every_accepted_spec() {
    macro_rules! same_message {
        ($($variant:ident $fields:tt = $format:literal;)*) => {
            #[derive(Debug, thiserror::Error, ApiError)]
            enum E {
                $(
                    #[error($format)]
                    #[api_error(status = 400, message = $format)]
                    $variant $fields,
                )*
            }
        };
    }
    same_message! {
        FillStar(u32) = "[{0:*^9}]";
        FillDollar(u32) = "[{0:$<4}] [{0:$>4}]";
        FillBrace(&'static str) = "[{0:-^11}]";
        Pointer { at: Box<u8> } = "at {at:p}";
        Signs(i64, f64) = "{0:+} {0:+05} {1:+.2} {1:^+#12.3e}";
        Alternate(u32, Vec<u8>) = "{0:#x} {0:#X} {0:#o} {0:#b} {1:#?}";
        DebugHex(Vec<u8>) = "{0:x?} {0:X?} {0:02x?}";
        Unicode(&'static str, char) = "«{0:é^7}» {1:>3} {1:?}";
        Quotes(String) = "\"{0}\" \\ {0:?}\n\t\u{1}";
        Extremes(i128, u128, i8, isize) = "{0} {1} {2} {3}";
        Strings(String, Box<str>, std::sync::Arc<str>, std::borrow::Cow<'static, str>, std::rc::Rc<str>) = "{0}|{1}|{2}|{3}|{4}";
        Floats(f32, f64) = "{0} {1} {1:.0} {1:10.3} {1:<10.3}|";
    }
    let errors = [
        E::FillStar(42),
        E::FillDollar(7),
        E::FillBrace("mid"),
        E::Pointer { at: Box::new(3) },
        E::Signs(-12, 1.23456),
        E::Alternate(255, vec![1, 2]),
        E::DebugHex(vec![10, 255]),
        E::Unicode("ü", 'ß'),
        E::Quotes("a\"b\\c\nd".into()),
        E::Extremes(i128::MIN, u128::MAX, i8::MIN, isize::MIN),
        E::Strings(
            "s".into(),
            "b".into(),
            std::sync::Arc::from("a"),
            std::borrow::Cow::Borrowed("c"),
            std::rc::Rc::from("r"),
        ),
        E::Floats(0.1, -2.5e-7),
    ];
    for error in &errors {
        let display = error.to_string();
        assert_eq!(error.message(), display, "{error:?}");
        let envelope: serde_json::Value = serde_json::from_str(&error.to_json()).unwrap();
        assert_eq!(envelope["error"]["message"], display.as_str(), "{error:?}");
        let expected = serde_json::to_string(&display).unwrap();
        assert!(error.to_json().contains(&expected), "{error:?}");
    }
    // `{at:p}` is the field's own pointer (the box's heap address), as with thiserror.
    if let E::Pointer { at } = &errors[3] {
        assert_eq!(errors[3].message(), format!("at {:p}", *at));
    }
    // `*` and `$` are fills here, not counts.
    assert_eq!(errors[0].message(), "[***42****]");
    assert_eq!(errors[1].message(), "[7$$$] [$$$7]");
}
