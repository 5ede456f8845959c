//! The generated "Error Codes" page of the demo service matches the checked-in golden
//! file. After a deliberate change, regenerate it with
//! `cargo run --example error_docs > tests/golden/error_codes.md` and review the diff.

use dos_errors::catalog::{markdown, ApiErrorCatalog};
use dos_errors_tests::demo::DemoError;

const GOLDEN: &str = include_str!("../golden/error_codes.md");

#[test]
fn error_codes_page_matches_the_golden_file() {
    let page = markdown::error_codes_page("Error Codes", &DemoError::catalog());
    if page != GOLDEN {
        let first_difference = page
            .lines()
            .zip(GOLDEN.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| page.lines().count().min(GOLDEN.lines().count()));
        panic!(
            "the generated page differs from tests/golden/error_codes.md at line {}:\n  generated: {:?}\n  golden:    {:?}",
            first_difference + 1,
            page.lines().nth(first_difference),
            GOLDEN.lines().nth(first_difference)
        );
    }
}

#[test]
fn page_has_the_documented_shape() {
    // The documented page's structure: the envelope, then each documented status with triggers,
    // an example and how to fix it, then the retry advice.
    let page = GOLDEN;
    assert!(page.contains("## Error Response Format"));
    for status in [
        "## 400 Bad Request",
        "## 401 Unauthorized",
        "## 402 Payment Required",
        "## 429 Too Many Requests",
        "## 500 Internal Server Error",
        "## 503 Service Unavailable",
    ] {
        let at = page
            .find(status)
            .unwrap_or_else(|| panic!("{status} missing"));
        let section = &page[at..];
        let end = section[3..].find("\n## ").map_or(section.len(), |n| n + 3);
        let section = &section[..end];
        assert!(section.contains("**Common triggers:**"), "{status}");
        assert!(
            section.contains("**Example:**\n\n```json\n{\"error\":{"),
            "{status}"
        );
        assert!(section.contains("**How to fix:**"), "{status}");
    }
    assert!(page.contains("## Best Practices for Error Handling"));
}

#[test]
fn the_page_in_each_format_shows_the_declared_codes() {
    use dos_errors::Format;
    let catalog = DemoError::catalog();
    // Each status shows the example of its first error; 401s are all `invalid_api_key`.
    for (format, shown) in [
        (Format::OpenAi, r#""param":null,"code":"invalid_api_key""#),
        (
            Format::Problem,
            r#""type":"https://docs.dos.ai/errors#invalid_api_key""#,
        ),
        (
            Format::Google,
            r#""reason":"INVALID_API_KEY","domain":"dos.ai""#,
        ),
        (
            Format::Anthropic,
            r#"{"type":"error","error":{"type":"authentication_error""#,
        ),
    ] {
        let page = markdown::error_codes_page_in("Error Codes", &catalog, format);
        assert!(page.contains(shown), "{format}: {shown}");
        assert!(page.contains("## 400 Bad Request"), "{format}");
    }
}
