//! An "Error Codes" documentation page, generated from a catalogue.
//!
//! The page has the shape of a typical API's error reference: the envelope format,
//! then one section per status with its meaning, the common triggers (one per
//! error, from its doc comment's first paragraph), an example body, and how to fix
//! it (the `# How to fix` sections of the doc comments, plus retry advice for
//! retryable statuses); a closing section sums up the retry rules.
//!
//! ```
//! use dos_errors::catalog::{markdown, ApiErrorCatalog};
//! use dos_errors::ApiError;
//!
//! #[derive(Debug, ApiError)]
//! enum ChatError {
//!     /// The `messages` array is empty.
//!     ///
//!     /// # How to fix
//!     /// - Send at least one message.
//!     #[api_error(status = 400, message = "messages must not be empty")]
//!     EmptyMessages,
//! }
//!
//! let page = markdown::error_codes_page("Error Codes", &ChatError::catalog());
//! assert!(page.contains("## 400 Bad Request"));
//! assert!(page.contains("- The `messages` array is empty."));
//! assert!(page.contains("- Send at least one message."));
//! ```
//!
//! [`error_codes_page_in`] writes the same page for a service whose errors are in
//! another [`Format`]: its "Error Response Format" section shows that format, and
//! the examples are written in it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{example_json_in, ErrorSpec};
use crate::{Format, Retryability, Status};

/// Renders the page titled `title` for `specs`, statuses in ascending order, for
/// errors in the envelope format ([`error_codes_page_in`] with [`Format::Envelope`]).
#[must_use]
pub fn error_codes_page(title: &str, specs: &[ErrorSpec]) -> String {
    error_codes_page_in(title, specs, Format::Envelope)
}

/// Renders the page titled `title` for `specs`, statuses in ascending order, for
/// errors sent in `format`: the "Error Response Format" section describes that
/// format, and each status's example is written in it (placeholders shown as
/// written, see [`example_json_in`]).
///
/// ```
/// use dos_errors::catalog::{markdown, ApiErrorCatalog};
/// use dos_errors::{ApiError, Format};
///
/// #[derive(Debug, ApiError)]
/// enum ChatError {
///     /// The model does not exist.
///     #[api_error(status = 404, code = "model_not_found", message = "No model {model}")]
///     NoModel { model: String },
/// }
///
/// let page = markdown::error_codes_page_in("Errors", &ChatError::catalog(), Format::Problem);
/// assert!(page.contains("RFC 9457"));
/// assert!(page.contains(r#""error_code":"model_not_found""#));
/// ```
#[must_use]
pub fn error_codes_page_in(title: &str, specs: &[ErrorSpec], format: Format) -> String {
    let mut by_status: BTreeMap<Status, Vec<&ErrorSpec>> = BTreeMap::new();
    for spec in specs {
        by_status.entry(spec.status).or_default().push(spec);
    }

    let mut page = String::new();
    let _ = write!(
        page,
        "# {title}\n\n\
         When an API request fails, the response includes an HTTP status code and a JSON body \
         with error details.\n\n\
         ## Error Response Format\n\n\
         {}",
        format_section(format)
    );

    for (status, specs) in &by_status {
        status_section(&mut page, *status, specs, format);
    }
    retry_section(&mut page, &by_status);
    page
}

/// The body of the "Error Response Format" section for `format`.
fn format_section(format: Format) -> &'static str {
    match format {
        Format::Envelope => {
            "All errors follow this structure:\n\n\
             ```json\n\
             {\n  \"error\": {\n    \"message\": \"A human-readable description of the error.\",\n    \
             \"type\": \"error_type\",\n    \"code\": 401\n  }\n}\n\
             ```\n\n\
             `code` repeats the HTTP status as an integer.\n"
        }
        Format::OpenAi => {
            "All errors follow this structure:\n\n\
             ```json\n\
             {\n  \"error\": {\n    \"message\": \"A human-readable description of the error.\",\n    \
             \"type\": \"error_type\",\n    \"param\": \"model\",\n    \"code\": \"error_code\"\n  }\n}\n\
             ```\n\n\
             `param` names the request parameter at fault and `code` is the error's stable, \
             machine-readable code; each is `null` when it does not apply.\n"
        }
        Format::Anthropic => {
            "All errors follow this structure:\n\n\
             ```json\n\
             {\n  \"type\": \"error\",\n  \"error\": {\n    \"type\": \"error_type\",\n    \
             \"message\": \"A human-readable description of the error.\"\n  },\n  \
             \"request_id\": \"req_011CSHoEeqs5C35K2UUqR7Fy\"\n}\n\
             ```\n\n\
             `request_id` identifies the request, when it has an id; quote it when you contact us.\n"
        }
        Format::Problem => {
            "All errors are RFC 9457 problem details (`Content-Type: application/problem+json`):\n\n\
             ```json\n\
             {\n  \"type\": \"https://docs.example.com/errors#error_code\",\n  \
             \"title\": \"Bad Request\",\n  \"status\": 400,\n  \
             \"detail\": \"A human-readable description of the error.\",\n  \
             \"error_type\": \"error_type\",\n  \"error_code\": \"error_code\",\n  \
             \"param\": \"messages[1].role\",\n  \"errors\": [\n    \
             { \"detail\": \"What is wrong with the field.\", \"pointer\": \"#/messages/1/role\" }\n  ]\n}\n\
             ```\n\n\
             `type` links to the documentation of the error (`about:blank` when there is none), \
             `title` is the reason phrase of the HTTP status and `status` the status itself. \
             `error_type` is always present; `error_code` (the error's stable, machine-readable code), \
             `param` (the request parameter at fault) and `errors` (the fields of the request that are \
             wrong, each as a JSON pointer into the request body) only when they apply.\n"
        }
        Format::Google => {
            "All errors follow this structure ([AIP-193](https://google.aip.dev/193)):\n\n\
             ```json\n\
             {\n  \"error\": {\n    \"code\": 400,\n    \
             \"message\": \"A human-readable description of the error.\",\n    \
             \"status\": \"INVALID_ARGUMENT\",\n    \"details\": [\n      {\n        \
             \"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\",\n        \
             \"reason\": \"ERROR_CODE\",\n        \"domain\": \"example.com\",\n        \
             \"metadata\": { \"field\": \"value\" }\n      },\n      {\n        \
             \"@type\": \"type.googleapis.com/google.rpc.RetryInfo\",\n        \
             \"retryDelay\": \"30s\"\n      },\n      {\n        \
             \"@type\": \"type.googleapis.com/google.rpc.BadRequest\",\n        \
             \"fieldViolations\": [\n          { \"field\": \"messages[1].role\", \"description\": \"What is wrong with the field.\" }\n        ]\n      },\n      {\n        \
             \"@type\": \"type.googleapis.com/google.rpc.Help\",\n        \
             \"links\": [\n          { \"description\": \"Documentation of error_code\", \"url\": \"https://docs.example.com/errors#error_code\" }\n        ]\n      }\n    ]\n  }\n}\n\
             ```\n\n\
             `code` is the HTTP status and `status` the matching gRPC code. `ErrorInfo` is always \
             present: `reason` is the error's stable code (else its type) in upper case, and \
             `metadata` holds the values quoted in the message. `RetryInfo` says how long to wait \
             before retrying, `BadRequest` which fields of the request are wrong, and `Help` links \
             to the documentation of the error; each appears only when it applies.\n"
        }
    }
}

fn status_section(page: &mut String, status: Status, specs: &[&ErrorSpec], format: Format) {
    let _ = write!(page, "\n## {status}\n\n{}\n", status.default_message());

    let _ = write!(page, "\n**Common triggers:**\n\n");
    for spec in specs {
        let summary = match spec.summary() {
            "" => spec.name,
            summary => summary,
        };
        match spec.code {
            Some(code) => {
                let _ = writeln!(
                    page,
                    "- {} (`{}`, code `{code}`)",
                    one_line(summary),
                    spec.error_type
                );
            }
            None => {
                let _ = writeln!(page, "- {} (`{}`)", one_line(summary), spec.error_type);
            }
        }
    }

    let _ = write!(
        page,
        "\n**Example:**\n\n```json\n{}\n```\n",
        example_json_in(specs[0], format)
    );

    let mut fixes: Vec<String> = Vec::new();
    for spec in specs {
        for fix in fix_items(spec.how_to_fix().unwrap_or("")) {
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
    }
    if let Some(advice) = retry_advice(specs) {
        fixes.push(advice);
    }
    if !fixes.is_empty() {
        let _ = write!(page, "\n**How to fix:**\n\n");
        for fix in fixes {
            let _ = writeln!(page, "- {fix}");
        }
    }
}

/// What a client should do about a retryable status, or `None` when it must not retry.
fn retry_advice(specs: &[&ErrorSpec]) -> Option<String> {
    let throttled = specs
        .iter()
        .any(|s| s.retryability == Retryability::Throttled);
    let transient = specs
        .iter()
        .any(|s| s.retryability == Retryability::Transient);
    let header = specs.iter().any(|s| s.sends_retry_after());
    let mut advice = if throttled {
        "Wait, then retry with exponential backoff".to_owned()
    } else if transient {
        "Retry the request with exponential backoff".to_owned()
    } else {
        return None;
    };
    if header {
        advice.push_str("; the `Retry-After` header says how many seconds to wait at least");
    }
    if let Some(delay) = specs.iter().filter_map(|s| s.retry_after).max() {
        let _ = write!(advice, " (typically {} s)", delay.as_secs());
    }
    advice.push('.');
    Some(advice)
}

fn retry_section(page: &mut String, by_status: &BTreeMap<Status, Vec<&ErrorSpec>>) {
    let retryable: Vec<String> = by_status
        .iter()
        .filter(|(_, specs)| specs.iter().any(|s| s.retryability.is_retryable()))
        .map(|(status, _)| status.as_u16().to_string())
        .collect();
    let fatal: Vec<String> = by_status
        .iter()
        .filter(|(_, specs)| specs.iter().all(|s| !s.retryability.is_retryable()))
        .map(|(status, _)| status.as_u16().to_string())
        .collect();
    let _ = write!(page, "\n## Best Practices for Error Handling\n");
    if !retryable.is_empty() {
        let _ = write!(
            page,
            "\n**Implement retry logic.** For transient errors ({}), retry automatically with \
             exponential backoff, and never retry sooner than the `Retry-After` header asks.\n",
            retryable.join(", ")
        );
    }
    if !fatal.is_empty() {
        let _ = write!(
            page,
            "\n**Do not retry** {}: the same request fails again. Fix the request first.\n",
            fatal.join(", ")
        );
    }
    let _ = write!(
        page,
        "\n**Log error details.** Always log the full error response; the `message` field \
         often says exactly what went wrong.\n"
    );
}

/// The items of a `# How to fix` section: each `-` or `*` bullet with the lines
/// that continue it, else each paragraph; on one line each.
fn fix_items(section: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut open = false;
    for line in section.lines() {
        let line = line.trim();
        let bullet = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .or_else(|| line.strip_prefix('-').filter(|rest| rest.is_empty()));
        match (bullet, items.last_mut()) {
            _ if line.is_empty() => open = false,
            (Some(item), _) => {
                items.push(item.trim().to_owned());
                open = true;
            }
            (None, Some(last)) if open => {
                last.push(' ');
                last.push_str(line);
            }
            (None, _) => {
                items.push(line.to_owned());
                open = true;
            }
        }
    }
    items.retain(|item| !item.is_empty());
    items
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::fix_items;

    #[test]
    fn a_wrapped_bullet_stays_one_item() {
        let section = "- Send the key in the `Authorization` header,\n  as `Bearer <key>`.\n* Or create a new key.\n";
        assert_eq!(
            fix_items(section),
            [
                "Send the key in the `Authorization` header, as `Bearer <key>`.",
                "Or create a new key.",
            ]
        );
    }

    #[test]
    fn paragraphs_are_items_when_there_are_no_bullets() {
        let section = "Lower the temperature\nbelow 2.\n\nOr leave it out.";
        assert_eq!(
            fix_items(section),
            ["Lower the temperature below 2.", "Or leave it out."]
        );
        assert!(fix_items("").is_empty());
        assert!(fix_items("-\n\n  \n").is_empty());
    }
}
