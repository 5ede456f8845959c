//! Raw identifiers as fields, escaped braces, repeated placeholders, keyword-named fields.
use dos_errors::ApiError;

#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, message = "{{literal}} {r#type} and {type:?} again {{{type}}}")]
    A { r#type: String },
    #[api_error(status = 400, message = "{0}{1}{0}")]
    B(u8, char),
}

fn main() {
    let err = E::A { r#type: "t".into() };
    assert_eq!(err.message(), "{literal} t and \"t\" again {t}");
    assert_eq!(E::B(1, 'x').message(), "1x1");
}
