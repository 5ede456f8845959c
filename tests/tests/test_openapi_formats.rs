//! OpenAPI responses and the Error Codes page in every format: the schema of each
//! format accepts exactly what is sent, examples are written in the format, and
//! `application/problem+json` is described when negotiated.

use std::time::Duration;

use dos_errors::catalog::{example_json_in, markdown, openapi, ApiErrorCatalog};
use dos_errors::{ApiError, FieldViolation, Format};
use serde_json::{json, Value};

#[derive(Debug, ApiError)]
#[api_error(docs = "https://docs.example.com/errors", domain = "example.com")]
enum ChatError {
    /// The API key is wrong.
    #[api_error(status = 401)]
    InvalidKey,
    /// The model does not exist.
    #[api_error(
        status = 404,
        code = "model_not_found",
        param = "model",
        message = "The model `{model}` does not exist"
    )]
    UnknownModel { model: String },
    /// Too many requests.
    #[api_error(status = 429, message = "Limit {limit:>5} per minute")]
    RateLimited {
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },
    /// The messages are invalid.
    #[api_error(status = 400, message = "Invalid messages")]
    InvalidMessages {
        #[api_error(violations)]
        violations: Vec<FieldViolation>,
    },
    /// The model is loading.
    #[api_error(status = 503, retry_after = 30)]
    Loading,
}

#[derive(Debug, ApiError)]
enum Bare {
    /// Nothing declared beyond the status.
    #[api_error(status = 500)]
    Internal,
}

fn sample_errors() -> Vec<Box<dyn ApiError>> {
    vec![
        Box::new(ChatError::InvalidKey),
        Box::new(ChatError::UnknownModel {
            model: "gpt-5".into(),
        }),
        Box::new(ChatError::RateLimited {
            limit: 10,
            wait: Duration::from_millis(1500),
        }),
        Box::new(ChatError::InvalidMessages {
            violations: vec![FieldViolation::new("messages[1].role", "unknown role")],
        }),
        Box::new(ChatError::Loading),
        Box::new(Bare::Internal),
    ]
}

/// Checks `value` against the subset of JSON Schema the formats' schemas use, more
/// strictly than JSON Schema does: a member no `properties` (or
/// `additionalProperties`) declares is an error, so a schema must list everything
/// that is sent.
fn validate(schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = branches
            .iter()
            .filter(|branch| validate(branch, value, path).is_ok())
            .count();
        return match matching {
            1 => Ok(()),
            n => Err(format!("{path}: {n} branches of oneOf match {value}")),
        };
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => return Err(format!("{path}: bad type {types}")),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !types.contains(&actual) {
            return Err(format!("{path}: {actual} is not one of {types:?}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{path}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(number) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|min| number < min)
            || schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|max| number > max)
        {
            return Err(format!("{path}: {number} out of range"));
        }
    }
    if let Value::Object(members) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = required.as_str().unwrap_or_default();
            if !members.contains_key(name) {
                return Err(format!("{path}: `{name}` is required"));
            }
        }
        for (name, member) in members {
            let path = format!("{path}/{name}");
            match (
                properties.and_then(|p| p.get(name)),
                schema.get("additionalProperties"),
            ) {
                (Some(property), _) => validate(property, member, &path)?,
                (None, Some(additional)) => validate(additional, member, &path)?,
                (None, None) => return Err(format!("{path}: not in the schema")),
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            validate(item_schema, item, &format!("{path}/{index}"))?;
        }
    }
    Ok(())
}

fn schema(format: Format) -> Value {
    serde_json::to_value(openapi::schema(format)).unwrap()
}

#[test]
fn the_validator_can_fail() {
    let openai = schema(Format::OpenAi);
    let ok = json!({"error":{"message":"m","type":"t","param":null,"code":"c"}});
    assert_eq!(validate(&openai, &ok, ""), Ok(()));
    for wrong in [
        json!({"error":{"message":"m","type":"t","param":null}}),
        json!({"error":{"message":"m","type":"t","param":null,"code":1}}),
        json!({"error":{"message":"m","type":"t","param":null,"code":null,"extra":1}}),
        json!({"error":{"message":"m","type":"t","param":null,"code":null},"x":1}),
    ] {
        assert!(validate(&openai, &wrong, "").is_err(), "{wrong}");
    }
    let google = schema_for_google_detail(json!({"@type":"type.googleapis.com/google.rpc.Help"}));
    assert!(validate(&schema(Format::Google), &google, "").is_err());
}

fn schema_for_google_detail(detail: Value) -> Value {
    json!({"error":{"code":400,"message":"m","status":"INVALID_ARGUMENT","details":[detail]}})
}

#[test]
fn every_body_sent_matches_its_format_schema() {
    for format in Format::ALL {
        let schema = schema(format);
        for error in sample_errors() {
            let body: Value = serde_json::from_str(&error.to_json_as(format)).unwrap();
            assert_eq!(validate(&schema, &body, ""), Ok(()), "{format}: {body}");
        }
    }
    // Anthropic's `request_id`, which the integrations append.
    let body = json!({"type":"error","error":{"type":"t","message":"m"},"request_id":"req_1"});
    assert_eq!(validate(&schema(Format::Anthropic), &body, ""), Ok(()));
}

#[test]
fn schemas_list_what_is_always_sent_as_required() {
    let required = |schema: &Value| schema["required"].clone();
    assert_eq!(
        required(&schema(Format::OpenAi)["properties"]["error"]),
        json!(["message", "type", "param", "code"])
    );
    assert_eq!(
        required(&schema(Format::Problem)),
        json!(["type", "title", "status", "detail", "error_type"])
    );
    assert_eq!(
        required(&schema(Format::Google)["properties"]["error"]),
        json!(["code", "message", "status", "details"])
    );
    assert_eq!(
        required(&schema(Format::Anthropic)),
        json!(["type", "error"])
    );
    let metadata = &schema(Format::Google)["properties"]["error"]["properties"]["details"]["items"]
        ["oneOf"][0]["properties"]["metadata"];
    assert_eq!(metadata["additionalProperties"], json!({"type": "string"}));
    assert_eq!(openapi::schema_name(Format::Problem), "Problem");
}

#[test]
fn responses_in_each_format_have_its_schema_and_examples() {
    let specs = ChatError::catalog();
    for format in Format::ALL {
        let responses = openapi::responses_in(&specs, format, false);
        assert_eq!(
            responses.keys().collect::<Vec<_>>(),
            ["400", "401", "404", "429", "503"]
        );
        for spec in &specs {
            let response =
                serde_json::to_value(&responses[&spec.status.as_u16().to_string()]).unwrap();
            let content = response["content"].as_object().unwrap();
            assert_eq!(content.keys().collect::<Vec<_>>(), [format.content_type()]);
            let media = &content[format.content_type()];
            assert_eq!(media["schema"], schema(format), "{format}");
            let example = &media["examples"][spec.name]["value"];
            let expected: Value = serde_json::from_str(&example_json_in(spec, format)).unwrap();
            assert_eq!(example, &expected, "{format} {}", spec.name);
            assert_eq!(
                validate(&media["schema"], example, ""),
                Ok(()),
                "{format} {}",
                spec.name
            );
            assert_eq!(
                response["headers"].get("Retry-After").is_some(),
                spec.documents_retry_after(),
                "{format} {}",
                spec.name
            );
        }
    }
}

#[test]
fn negotiation_adds_the_problem_media_type() {
    let specs = ChatError::catalog();
    let responses = openapi::responses_in(&specs, Format::Google, true);
    let response = serde_json::to_value(&responses["404"]).unwrap();
    let content = response["content"].as_object().unwrap();
    assert_eq!(
        content.keys().collect::<Vec<_>>(),
        ["application/json", "application/problem+json"]
    );
    let problem = &content["application/problem+json"];
    assert_eq!(problem["schema"], schema(Format::Problem));
    assert_eq!(
        problem["examples"]["UnknownModel"]["value"],
        json!({
            "type": "https://docs.example.com/errors#model_not_found",
            "title": "Not Found",
            "status": 404,
            "detail": "The model `{model}` does not exist",
            "error_type": "not_found_error",
            "error_code": "model_not_found",
            "param": "model"
        })
    );
    // Problem is already the format: one media type.
    let responses = openapi::responses_in(&specs, Format::Problem, true);
    let response = serde_json::to_value(&responses["404"]).unwrap();
    assert_eq!(response["content"].as_object().unwrap().len(), 1);
}

#[test]
fn the_envelope_responses_are_unchanged() {
    let specs = ChatError::catalog();
    assert_eq!(
        serde_json::to_value(openapi::responses(&specs)).unwrap(),
        serde_json::to_value(openapi::responses_in(&specs, Format::Envelope, false)).unwrap()
    );
    let example = &serde_json::to_value(&openapi::responses(&specs)["401"]).unwrap()["content"]
        ["application/json"]["examples"]["InvalidKey"]["value"];
    assert_eq!(
        example,
        &serde_json::to_value(specs[0].example_envelope()).unwrap()
    );
}

#[test]
fn google_examples_name_their_placeholders() {
    let specs = ChatError::catalog();
    assert_eq!(
        example_json_in(&specs[2], Format::Google),
        concat!(
            r#"{"error":{"code":429,"message":"Limit {limit:>5} per minute","status":"RESOURCE_EXHAUSTED","details":["#,
            r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_ERROR","domain":"example.com","metadata":{"limit":"{limit:>5}"}},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of rate_limit_error","url":"https://docs.example.com/errors#rate_limit_error"}]}]}}"#
        )
    );
    assert_eq!(
        example_json_in(&specs[4], Format::Google),
        concat!(
            r#"{"error":{"code":503,"message":"The requested model is temporarily unavailable.","status":"UNAVAILABLE","details":["#,
            r#"{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_UNAVAILABLE_ERROR","domain":"example.com"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"},"#,
            r#"{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of service_unavailable_error","url":"https://docs.example.com/errors#service_unavailable_error"}]}]}}"#
        )
    );
}

// ---- The Error Codes page ----------------------------------------------------------------

/// The JSON of the first ```json block after `heading`.
fn json_block_after<'a>(page: &'a str, heading: &str) -> &'a str {
    let section = &page[page.find(heading).unwrap()..];
    let start = section.find("```json\n").unwrap() + "```json\n".len();
    let end = start + section[start..].find("\n```").unwrap();
    &section[start..end]
}

#[test]
fn the_page_describes_the_format_it_is_in() {
    let specs = ChatError::catalog();
    assert_eq!(
        markdown::error_codes_page_in("Errors", &specs, Format::Envelope),
        markdown::error_codes_page("Errors", &specs)
    );
    for format in Format::ALL {
        let page = markdown::error_codes_page_in("Errors", &specs, format);
        // The structure shown is a body of the format.
        let structure: Value =
            serde_json::from_str(json_block_after(&page, "## Error Response Format")).unwrap();
        assert_eq!(
            validate(&schema(format), &structure, ""),
            Ok(()),
            "{format}"
        );
        // Each status's example is written in the format.
        let example = json_block_after(&page, "## 404 Not Found");
        assert_eq!(example, example_json_in(&specs[1], format), "{format}");
    }
    let page = markdown::error_codes_page_in("Errors", &specs, Format::Problem);
    assert!(page.contains("`Content-Type: application/problem+json`"));
    let page = markdown::error_codes_page_in("Errors", &specs, Format::OpenAi);
    assert!(page.contains("`null` when it does not apply"));
}
