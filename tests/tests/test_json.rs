//! `write_json` is byte-for-byte `serde_json::to_vec(&to_envelope())`, for every input.

use dos_errors::{ApiError, ErrorEnvelope};
use proptest::prelude::*;

#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "value {0} and {1:?}")]
    Interpolated(String, String),
    #[api_error(status = 422, message = "{0}")]
    Whole(String),
    #[api_error(
        status = 409,
        message = "quote \" backslash \\ tab \t newline \n bell \u{7} del \u{7f} é 😀 </script>"
    )]
    StaticEscapes,
    #[api_error(status = 400, display)]
    Displayed(String),
    #[api_error(status = 503)]
    Default,
}

impl std::fmt::Display for E {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            E::Displayed(text) => write!(f, "shown: {text}"),
            _ => f.write_str("other"),
        }
    }
}

fn assert_same_as_serde(error: &E) {
    let ours = error.to_json();
    let serde = serde_json::to_vec(&error.to_envelope()).unwrap();
    assert_eq!(ours.as_bytes(), serde.as_slice(), "{error:?}");
    let back: ErrorEnvelope = serde_json::from_str(&ours).unwrap();
    assert_eq!(back, error.to_envelope());
    assert_eq!(back.error.message, error.message());
    assert_eq!(back.error.code, error.status().as_u16());
}

#[test]
fn static_message_with_every_kind_of_escape() {
    assert_same_as_serde(&E::StaticEscapes);
    assert_eq!(
        E::StaticEscapes.to_json(),
        "{\"error\":{\"message\":\"quote \\\" backslash \\\\ tab \\t newline \\n bell \\u0007 del \u{7f} é 😀 </script>\",\"type\":\"conflict_error\",\"code\":409}}"
    );
    assert_same_as_serde(&E::Default);
}

#[test]
fn every_control_character() {
    for byte in 0u8..0x20 {
        let text = format!("a{}b", byte as char);
        assert_same_as_serde(&E::Whole(text.clone()));
        assert_same_as_serde(&E::Interpolated(text.clone(), text));
    }
}

#[test]
fn write_json_appends() {
    let mut out = b"prefix:".to_vec();
    E::Default.write_json(&mut out);
    E::Whole("x".into()).write_json(&mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        format!(
            "prefix:{}{}",
            E::Default.to_json(),
            E::Whole("x".into()).to_json()
        )
    );
}

#[test]
fn key_order_and_unknown_fields() {
    let json = E::Default.to_json();
    let message = json.find("\"message\"").unwrap();
    let kind = json.find("\"type\"").unwrap();
    let code = json.find("\"code\"").unwrap();
    assert!(message < kind && kind < code);
    let with_extra =
        r#"{"error":{"message":"m","type":"t","code":400,"param":null,"extra":[1]},"id":"x"}"#;
    let parsed: ErrorEnvelope = serde_json::from_str(with_extra).unwrap();
    assert_eq!(parsed.error.error_type, "t");
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\"\\\\\\n\\r\\t\\u{0}-\\u{1f}\\u{7f}é😀 a-z]{0,40}",
        proptest::collection::vec(any::<char>(), 0..40)
            .prop_map(|chars| chars.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn interpolated_bytes_equal_serde(a in text(), b in text()) {
        let error = E::Interpolated(a, b);
        let ours = error.to_json();
        let back: ErrorEnvelope = serde_json::from_str(&ours).unwrap();
        prop_assert_eq!(back.error.message, error.message().into_owned());
        prop_assert_eq!(ours.into_bytes(), serde_json::to_vec(&error.to_envelope()).unwrap());
    }

    #[test]
    fn whole_and_displayed_bytes_equal_serde(a in text()) {
        for error in [E::Whole(a.clone()), E::Displayed(a.clone())] {
            let ours = error.to_json();
            let back: ErrorEnvelope = serde_json::from_str(&ours).unwrap();
            prop_assert_eq!(back, error.to_envelope());
            prop_assert_eq!(ours.into_bytes(), serde_json::to_vec(&error.to_envelope()).unwrap());
        }
    }

    #[test]
    fn hand_written_impls_match_serde_too(message in text(), error_type in text(), code in 400u16..=599) {
        let envelope = ErrorEnvelope::new(dos_errors::Status::new(code).unwrap(), error_type, message);
        let mut ours = Vec::new();
        dos_errors::json::write_envelope(&mut ours, &envelope.error.message, &envelope.error.error_type, code);
        prop_assert_eq!(ours, serde_json::to_vec(&envelope).unwrap());
    }
}

#[test]
fn typed_pieces_write_what_display_writes() {
    use std::borrow::Cow;
    use std::rc::Rc;
    use std::sync::Arc;

    #[derive(Debug, ApiError)]
    enum Typed<'a> {
        #[api_error(status = 400, message = "{0} {1} {2} {3} {4} {5} {6} {7} {8} {9}")]
        Ints(i8, i128, u128, usize, isize, u8, i64, u16, i32, u64),
        #[api_error(status = 400, message = "[{0}] [{1}] [{2}] [{3}] [{4}] [{5}] [{6}]")]
        Strs(
            String,
            &'a str,
            Cow<'a, str>,
            Box<str>,
            Rc<str>,
            Arc<str>,
            &'a String,
        ),
        #[api_error(status = 400, message = "{0:>4}|{1:?}|{2:x}")]
        Specs(u32, &'a str, u8),
    }

    let text = String::from("q\"\n\\é");
    let errors = [
        Typed::Ints(
            i8::MIN,
            i128::MIN,
            u128::MAX,
            usize::MAX,
            isize::MIN,
            0,
            -1,
            u16::MAX,
            i32::MAX,
            7,
        ),
        Typed::Strs(
            text.clone(),
            "tab\there",
            Cow::Borrowed("\u{1}ctl"),
            "😀".into(),
            "rc".into(),
            "arc".into(),
            &text,
        ),
        Typed::Specs(7, "x\"y", 255),
    ];
    let expected = [
        format!(
            "{} {} {} {} {} {} {} {} {} {}",
            i8::MIN,
            i128::MIN,
            u128::MAX,
            usize::MAX,
            isize::MIN,
            0,
            -1,
            u16::MAX,
            i32::MAX,
            7
        ),
        format!("[{text}] [tab\there] [\u{1}ctl] [😀] [rc] [arc] [{text}]"),
        format!("{:>4}|{:?}|{:x}", 7, "x\"y", 255),
    ];
    for (error, expected) in errors.iter().zip(expected) {
        assert_eq!(error.message(), expected);
        let ours = error.to_json();
        assert_eq!(
            ours.as_bytes(),
            serde_json::to_vec(&error.to_envelope()).unwrap().as_slice()
        );
    }
}
