//! End-to-end: `GET /openapi.json` — its shape, the errors each route lists (those
//! of its checks), and that it is true: what the demo answers, in every format, is
//! a documented status, content type and body, with the documented headers.
//! (`tests/sdk/check.sh` runs schemathesis against it for the same reason.)

use std::collections::BTreeSet;

use dos_errors::catalog::openapi;
use dos_errors::Format;
use dos_errors_tests::demo::{checks, openapi as demo_openapi, DemoConfig};
use serde_json::{json, Value};

mod support;

type Demo = support::DemoSite;

impl Demo {
    async fn document(&self) -> Value {
        let reply = self
            .send(self.http.get(format!("{}/openapi.json", self.base)))
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.headers.get("content-type").map(String::as_str),
            Some("application/json")
        );
        serde_json::from_str(&reply.body).expect("JSON")
    }
}

fn statuses(document: &Value, path: &str, method: &str) -> Vec<String> {
    document["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path}"))
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_document_is_served_without_a_key() {
    for format in Format::ALL {
        let demo = Demo::start(DemoConfig {
            format,
            ..DemoConfig::default()
        })
        .await;
        let document = demo.document().await;
        let expected: Value =
            serde_json::from_str(&demo_openapi::document_json(format)).expect("JSON");
        assert_eq!(document, expected, "{format}");
        assert_eq!(document["openapi"], "3.1.0");
        let paths: Vec<&String> = document["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .collect();
        assert_eq!(
            paths,
            [
                "/openapi.json",
                "/v1/chat/completions",
                "/v1/messages",
                "/v1/models"
            ]
        );
    }
}

#[tokio::test]
async fn each_route_lists_the_errors_of_its_checks_only() {
    let demo = Demo::start(DemoConfig::default()).await;
    let document = demo.document().await;
    assert_eq!(
        statuses(&document, "/v1/models", "get"),
        ["200", "401", "429"]
    );
    let body_route = [
        "200", "400", "401", "402", "413", "415", "429", "500", "503",
    ];
    assert_eq!(
        statuses(&document, "/v1/chat/completions", "post"),
        body_route
    );
    assert_eq!(statuses(&document, "/v1/messages", "post"), body_route);
    assert_eq!(statuses(&document, "/openapi.json", "get"), ["200"]);

    // The examples are the errors of the checks, by name.
    for (path, method, route) in [
        ("/v1/models", "get", checks::LIST_MODELS),
        ("/v1/chat/completions", "post", checks::CHAT_COMPLETIONS),
        ("/v1/messages", "post", checks::MESSAGES),
    ] {
        let responses = &document["paths"][path][method]["responses"];
        let mut documented = BTreeSet::new();
        for (status, response) in responses.as_object().expect("responses") {
            if status == "200" {
                continue;
            }
            let examples = response["content"]["application/json"]["examples"]
                .as_object()
                .expect("examples");
            documented.extend(examples.keys().cloned());
        }
        let expected: BTreeSet<String> = checks::errors_of(route)
            .iter()
            .map(|spec| spec.name.to_owned())
            .collect();
        assert_eq!(documented, expected, "{method} {path}");
    }
    let messages_401 = &document["paths"]["/v1/messages"]["post"]["responses"]["401"];
    let examples = &messages_401["content"]["application/json"]["examples"];
    assert!(examples["MissingApiKey"].is_object() && examples["MissingAuthorization"].is_null());
}

#[tokio::test]
async fn error_responses_carry_the_formats_schema_and_the_headers() {
    for format in Format::ALL {
        let demo = Demo::start(DemoConfig {
            format,
            ..DemoConfig::default()
        })
        .await;
        let document = demo.document().await;
        let service_schema = serde_json::to_value(openapi::schema(format)).expect("schema");
        let anthropic_schema =
            serde_json::to_value(openapi::schema(Format::Anthropic)).expect("schema");
        let problem_schema =
            serde_json::to_value(openapi::schema(Format::Problem)).expect("schema");
        for (path, method) in [
            ("/v1/models", "get"),
            ("/v1/chat/completions", "post"),
            ("/v1/messages", "post"),
            ("/openapi.json", "get"),
        ] {
            let anthropic_route = path == "/v1/messages";
            let responses = document["paths"][path][method]["responses"]
                .as_object()
                .expect("responses");
            for (status, response) in responses {
                let headers = &response["headers"];
                assert!(headers["x-request-id"].is_object(), "{path} {status}");
                // Errors in Anthropic's format carry Anthropic's header, whatever the route.
                let anthropic_error = format == Format::Anthropic && status != "200";
                assert_eq!(
                    headers["request-id"].is_object(),
                    anthropic_route || anthropic_error,
                    "{path} {status}"
                );
                let retry_after = status == "429" || status == "503";
                assert_eq!(
                    headers["Retry-After"].is_object(),
                    retry_after,
                    "{path} {status}"
                );
                let content = response["content"].as_object().expect("content");
                if status == "200" {
                    assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
                    continue;
                }
                let (schema, negotiated) = if anthropic_route {
                    (&anthropic_schema, false)
                } else {
                    (&service_schema, format != Format::Problem)
                };
                let content_type = if anthropic_route {
                    "application/json"
                } else {
                    format.content_type()
                };
                assert_eq!(
                    &content[content_type]["schema"], schema,
                    "{format} {path} {status}"
                );
                let problem = content.get("application/problem+json");
                assert_eq!(
                    problem.is_some() && negotiated,
                    negotiated,
                    "{format} {path} {status}"
                );
                if negotiated {
                    assert_eq!(&problem.expect("problem")["schema"], &problem_schema);
                }
                assert_eq!(
                    content.len(),
                    1 + usize::from(negotiated),
                    "{format} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn request_schemas_and_security_follow_the_checks() {
    let demo = Demo::start(DemoConfig::default()).await;
    let document = demo.document().await;
    let schemas = &document["components"]["schemas"];
    let listed = json!([
        "dos-chat-small",
        "dos-chat-large",
        "dos-loading",
        "dos-crash"
    ]);

    let chat = &schemas["ChatCompletionRequest"]["allOf"][0];
    assert_eq!(chat["required"], json!(["model", "messages"]));
    assert_eq!(chat["properties"]["model"]["enum"], listed);
    assert_eq!(chat["properties"]["messages"]["minItems"], 1);
    let role = &chat["properties"]["messages"]["items"]["properties"]["role"];
    assert_eq!(role["enum"], json!(["system", "user", "assistant", "tool"]));
    assert_eq!(chat["properties"]["temperature"]["maximum"], 2);
    assert_eq!(chat["properties"]["max_tokens"]["minimum"], 0);

    let messages = &schemas["MessagesRequest"]["allOf"][0];
    assert_eq!(
        messages["required"],
        json!(["model", "messages", "max_tokens"])
    );
    assert_eq!(messages["properties"]["max_tokens"]["type"], "integer");
    assert_eq!(messages["properties"]["max_tokens"]["minimum"], 1);
    let role = &messages["properties"]["messages"]["items"]["properties"]["role"];
    assert_eq!(role["enum"], json!(["user", "assistant"]));
    assert_eq!(messages["properties"]["temperature"]["maximum"], 1);

    // max_tokens: at most the context of the model asked for.
    for request in ["ChatCompletionRequest", "MessagesRequest"] {
        assert_eq!(
            schemas[request]["allOf"][1]["anyOf"],
            json!([
                {"type": "object", "properties": {
                    "max_tokens": {"maximum": 8192},
                    "model": {"enum": ["dos-chat-small", "dos-loading", "dos-crash"]}}},
                {"type": "object", "properties": {
                    "max_tokens": {"maximum": 32768},
                    "model": {"enum": ["dos-chat-large"]}}}
            ]),
            "{request}"
        );
    }

    assert_eq!(
        document["components"]["securitySchemes"],
        json!({
            "bearer": {"type": "http", "scheme": "bearer"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}
        })
    );
    let security = |path: &str, method: &str| document["paths"][path][method]["security"].clone();
    assert_eq!(security("/v1/models", "get"), json!([{"bearer": []}]));
    assert_eq!(
        security("/v1/chat/completions", "post"),
        json!([{"bearer": []}])
    );
    assert_eq!(
        security("/v1/messages", "post"),
        json!([{"apiKey": []}, {"bearer": []}])
    );
    assert_eq!(security("/openapi.json", "get"), Value::Null);
}

/// Validates `value` against `schema` (the JSON Schema keywords the document
/// uses), resolving `$ref`s in `document`. Returns what is wrong, if anything.
fn validate(document: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return validate(
            document,
            &document["components"]["schemas"][name],
            value,
            at,
        );
    }
    let fail = |what: &str| Err(format!("{at}: {what} ({value})"));
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let fits = types.iter().any(|kind| match *kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        if !fits {
            return fail(&format!("not of type {types:?}"));
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            return fail("not in the enum");
        }
    }
    if let (Some(minimum), Some(number)) = (schema["minimum"].as_f64(), value.as_f64()) {
        if number < minimum {
            return fail("below the minimum");
        }
    }
    if let (Some(maximum), Some(number)) = (schema["maximum"].as_f64(), value.as_f64()) {
        if number > maximum {
            return fail("above the maximum");
        }
    }
    if let Some(object) = value.as_object() {
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                return fail(&format!("no `{name}`"));
            }
        }
        for (name, member) in object {
            if let Some(property) = schema["properties"].get(name) {
                validate(document, property, member, &format!("{at}.{name}"))?;
            } else if let Some(additional) = schema.get("additionalProperties") {
                validate(document, additional, member, &format!("{at}.{name}"))?;
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (index, item) in array.iter().enumerate() {
            validate(document, items, item, &format!("{at}[{index}]"))?;
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        validate(document, part, value, at)?;
    }
    if let Some(any) = schema["anyOf"].as_array() {
        if !any
            .iter()
            .any(|part| validate(document, part, value, at).is_ok())
        {
            return fail("matches no anyOf");
        }
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let matches = one
            .iter()
            .filter(|part| validate(document, part, value, at).is_ok())
            .count();
        if matches != 1 {
            return fail(&format!("matches {matches} of oneOf"));
        }
    }
    Ok(())
}

#[test]
fn the_validator_can_fail() {
    let document = json!({"components": {"schemas": {}}});
    let schema = json!({"type": "object", "required": ["a"], "properties": {
        "a": {"type": ["integer", "null"], "maximum": 3},
        "b": {"oneOf": [{"enum": [1]}, {"type": "integer"}]}}});
    assert!(validate(&document, &schema, &json!({"a": 3}), "$").is_ok());
    assert!(validate(&document, &schema, &json!({"a": null}), "$").is_ok());
    for bad in [
        json!({}),
        json!({"a": 4}),
        json!({"a": "3"}),
        json!({"a": 1, "b": 1}),
        json!([]),
    ] {
        assert!(validate(&document, &schema, &bad, "$").is_err(), "{bad}");
    }
}

/// Sends `requests` to `demo` and checks that each answer is documented in
/// `document`: its status for the route, its content type for the status, its body
/// by the schema, its headers. Returns the routes and statuses seen.
async fn check_answers(
    demo: &Demo,
    document: &Value,
    requests: Vec<(&'static str, &'static str, reqwest::RequestBuilder)>,
) -> BTreeSet<(&'static str, String)> {
    let mut seen = BTreeSet::new();
    for (path, method, request) in requests {
        let reply = demo.send(request).await;
        let status = reply.status.to_string();
        let route = format!("{status} of {method} {path}");
        let response = &document["paths"][path][method]["responses"][&status];
        assert!(response.is_object(), "{route} is undocumented");
        let content_type = reply.headers.get("content-type").expect("content type");
        let schema = &response["content"][content_type.as_str()]["schema"];
        assert!(
            schema.is_object(),
            "{content_type} of {route} is undocumented"
        );
        let body: Value = serde_json::from_str(&reply.body).expect("JSON");
        if let Err(problem) = validate(document, schema, &body, "$") {
            panic!("{route}: {problem}");
        }
        for name in reply.headers.keys() {
            let standard = ["content-type", "content-length", "date"];
            let documented = match name.as_str() {
                "retry-after" => &response["headers"]["Retry-After"],
                name => &response["headers"][name],
            };
            assert!(
                standard.contains(&name.as_str()) || documented.is_object(),
                "header {name} of {route} is undocumented"
            );
        }
        seen.insert((path, status));
    }
    seen
}

/// Every answer of the demo to requests covering each route's success and errors,
/// in every format, is documented; and every documented status is reached.
#[tokio::test]
async fn what_the_demo_answers_is_documented() {
    let hi = r#"[{"role":"user","content":"hi"}]"#;
    let chat = |fields: &str| format!(r#"{{"model":"dos-chat-small","messages":{hi}{fields}}}"#);
    let message = |model: &str, fields: &str| {
        format!(r#"{{"model":"{model}","max_tokens":5,"messages":{hi}{fields}}}"#)
    };
    let bodies = [
        chat(""),
        chat(r#","temperature":5"#),
        chat(r#","max_tokens":99999"#),
        r#"{"model":"dos-chat-small","messages":[{"role":"bot","content":"a"}]}"#.to_owned(),
        r#"{"model":"gpt-9","messages":[]}"#.to_owned(),
        r#"{"model":"dos-crash","messages":[{"role":"user","content":"hi"}]}"#.to_owned(),
        r#"{"model":"dos-panic","messages":[{"role":"user","content":"hi"}]}"#.to_owned(),
        r#"{"model":"dos-loading","messages":[{"role":"user","content":"hi"}]}"#.to_owned(),
        message("dos-chat-small", ""),
        message("dos-chat-large", r#","system":"s""#),
        message("dos-crash", ""),
        message("dos-panic", ""),
        message("dos-loading", ""),
        message("dos-chat-small", r#","temperature":3"#),
        r#"{"model":"#.to_owned(),
        "[]".to_owned(),
        "{}".to_owned(),
    ];
    let big = "a".repeat(1024 * 1024 + 1);
    for format in Format::ALL {
        let demo = Demo::start(DemoConfig {
            format,
            rate_limit: 100_000,
            ..DemoConfig::default()
        })
        .await;
        let document = demo.document().await;
        let post = |path: &str, key: &str, content_type: &str, accept: &str, body: &str| {
            demo.http
                .post(format!("{}{path}", demo.base))
                .header("content-type", content_type)
                .header("accept", accept)
                .header("x-api-key", key)
                .bearer_auth(key)
                .body(body.to_owned())
        };
        let mut requests = Vec::new();
        for path in ["/v1/chat/completions", "/v1/messages"] {
            for key in ["dos_sk_demo", "dos_sk_empty", "dos_sk_revoked"] {
                for body in &bodies {
                    for (content_type, accept) in [
                        ("application/json", "application/json"),
                        ("application/json", "application/problem+json"),
                        ("text/plain", "*/*"),
                    ] {
                        requests.push((path, "post", post(path, key, content_type, accept, body)));
                    }
                }
            }
            // Too large: only with a good key, which reads the body.
            let request = post(path, "dos_sk_demo", "application/json", "*/*", &big);
            requests.push((path, "post", request));
            let anonymous = demo.http.post(format!("{}{path}", demo.base)).body("{}");
            requests.push((path, "post", anonymous));
        }
        for key in [None, Some("dos_sk_demo"), Some("dos_sk_revoked")] {
            let mut request = demo.http.get(format!("{}/v1/models", demo.base));
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            requests.push(("/v1/models", "get", request));
        }
        let mut seen = check_answers(&demo, &document, requests).await;

        // 429s, on a demo allowing one request per key: the first is answered.
        let limited = Demo::start(DemoConfig {
            format,
            rate_limit: 1,
            ..DemoConfig::default()
        })
        .await;
        let mut requests = Vec::new();
        for (path, method) in [
            ("/v1/chat/completions", "post"),
            ("/v1/chat/completions", "post"),
            ("/v1/messages", "post"),
            ("/v1/models", "get"),
        ] {
            let request = limited
                .http
                .request(
                    method.to_uppercase().parse().expect("method"),
                    format!("{}{path}", limited.base),
                )
                .header("content-type", "application/json")
                .header("x-api-key", "dos_sk_demo")
                .bearer_auth("dos_sk_demo")
                .body(message("dos-chat-small", ""));
            requests.push((path, method, request));
        }
        seen.extend(check_answers(&limited, &document, requests).await);

        let mut documented = BTreeSet::new();
        for (path, method) in [
            ("/v1/chat/completions", "post"),
            ("/v1/messages", "post"),
            ("/v1/models", "get"),
        ] {
            for status in statuses(&document, path, method) {
                documented.insert((path, status));
            }
        }
        assert_eq!(
            seen, documented,
            "{format}: every documented status is reached"
        );
    }
}
