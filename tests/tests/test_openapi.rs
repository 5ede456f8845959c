//! OpenAPI from the same declaration (feature `utoipa`): `ToSchema` for the envelope,
//! `IntoResponses` for derived types, checked on the demo service's error enum.

use dos_errors::catalog::ApiErrorCatalog;
use dos_errors::{ErrorEnvelope, Status};
use serde_json::Value;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder, PathsBuilder};
use utoipa::{IntoResponses, PartialSchema, ToSchema};

use dos_errors_tests::demo::DemoError;

fn document() -> Value {
    let operation = OperationBuilder::new()
        .operation_id(Some("createChatCompletion"))
        .responses(
            utoipa::openapi::ResponsesBuilder::new()
                .responses_from_into_responses::<DemoError>()
                .build(),
        )
        .build();
    let openapi = OpenApiBuilder::new()
        .info(InfoBuilder::new().title("demo").version("1").build())
        .paths(
            PathsBuilder::new()
                .path(
                    "/v1/chat/completions",
                    PathItem::new(HttpMethod::Post, operation),
                )
                .build(),
        )
        .components(Some(
            ComponentsBuilder::new()
                .schema(ErrorEnvelope::name(), ErrorEnvelope::schema())
                .build(),
        ))
        .build();
    serde_json::to_value(&openapi).unwrap()
}

#[test]
fn envelope_schema_has_the_real_shape() {
    let schema = serde_json::to_value(ErrorEnvelope::schema()).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["error"]));
    let body = &schema["properties"]["error"];
    assert_eq!(
        body["required"],
        serde_json::json!(["message", "type", "code"])
    );
    assert_eq!(body["properties"]["message"]["type"], "string");
    assert_eq!(body["properties"]["type"]["type"], "string");
    assert_eq!(body["properties"]["code"]["type"], "integer");
    assert_eq!(ErrorEnvelope::name(), "ErrorEnvelope");
}

#[test]
fn every_status_of_the_demo_enum_is_documented_with_parseable_examples() {
    let doc = document();
    let responses = &doc["paths"]["/v1/chat/completions"]["post"]["responses"];
    let catalog = DemoError::catalog();
    assert!(!catalog.is_empty());
    for spec in &catalog {
        let code = spec.status.as_u16().to_string();
        let response = &responses[&code];
        assert!(response.is_object(), "status {code} missing");
        let description = response["description"].as_str().unwrap();
        assert!(
            description.starts_with(spec.status.default_message()),
            "{description}"
        );
        let examples = response["content"]["application/json"]["examples"]
            .as_object()
            .unwrap();
        let example = &examples[spec.name]["value"];
        let parsed: ErrorEnvelope = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(parsed.error.code, spec.status.as_u16());
        assert_eq!(parsed.error.error_type, spec.error_type);
        assert_eq!(parsed.error.message, spec.message);
    }
    // Every status in the document comes from the catalogue.
    for code in responses.as_object().unwrap().keys() {
        let status = Status::new(code.parse().unwrap()).unwrap();
        assert!(catalog.iter().any(|spec| spec.status == status), "{code}");
    }
}

#[test]
fn retry_after_is_documented_on_retryable_429_and_503_only() {
    let responses = DemoError::responses();
    for (code, response) in &responses {
        let json = serde_json::to_value(response).unwrap();
        let has_header = json["headers"]["Retry-After"].is_object();
        let expected = code == "429" || code == "503";
        assert_eq!(has_header, expected, "status {code}: {json}");
        if has_header {
            assert_eq!(json["headers"]["Retry-After"]["schema"]["type"], "integer");
        }
    }
    assert!(responses.contains_key("429") && responses.contains_key("503"));
}

#[test]
fn x_should_retry_is_documented_where_a_declaration_overrides_its_status() {
    #[derive(Debug, dos_errors::ApiError)]
    #[api_error(integrations(utoipa))]
    #[allow(dead_code)] // only its responses are read
    enum Declared {
        #[api_error(status = 409, retryable)]
        Busy,
        #[api_error(status = 409)]
        Conflict,
        #[api_error(status = 503, retryable = false)]
        Retired,
        #[api_error(status = 404)]
        Missing,
    }
    let responses = Declared::responses();
    for (code, expected) in [("409", true), ("503", true), ("404", false)] {
        let json = serde_json::to_value(&responses[code]).unwrap();
        let header = &json["headers"]["x-should-retry"];
        assert_eq!(header.is_object(), expected, "status {code}: {json}");
        if expected {
            assert_eq!(
                header["schema"]["enum"],
                serde_json::json!(["true", "false"])
            );
        }
    }
    // The demo declares no override: none of its responses has the header.
    for (code, response) in DemoError::responses() {
        let json = serde_json::to_value(response).unwrap();
        assert!(json["headers"]["x-should-retry"].is_null(), "{code}");
    }
}
