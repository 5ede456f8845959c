//! End-to-end: the demo in each wire format (`DEMO_FORMAT`, read by
//! `DemoConfig::from_vars`), problem details negotiated with `Accept`, and the
//! codes, params and violations of its errors in every format.

use dos_errors::Format;
use dos_errors_tests::demo::DemoConfig;
use serde_json::{json, Value};
use support::Answer;

mod support;

type Demo = support::DemoSite;

impl Demo {
    /// The demo configured by the environment variables `vars`.
    async fn with_vars(vars: &[(&str, &str)]) -> Demo {
        let config = DemoConfig::from_vars(|name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| (*value).to_owned())
        })
        .expect("a valid environment");
        Demo::start(config).await
    }

    async fn in_format(format: &str) -> Demo {
        Demo::with_vars(&[("DEMO_FORMAT", format), ("DEMO_RATE_LIMIT", "100000")]).await
    }

    /// `POST /v1/chat/completions` with the demo key and a JSON body.
    async fn chat(&self, body: &str, accept: Option<&str>) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/v1/chat/completions", self.base))
            .bearer_auth("dos_sk_demo")
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        support::answer(request).await
    }

    async fn get(&self, path: &str, key: Option<&str>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        support::answer(request).await
    }
}

const UNKNOWN_MODEL: &str = r#"{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"#;
const BAD_ROLES: &str = r#"{"model":"dos-chat-small","messages":[{"role":"robot","content":"a"},{"role":"user","content":"b"},{"role":"","content":"c"}]}"#;

#[test]
fn demo_format_is_read_from_the_environment() {
    let format = |value: Option<&str>| {
        DemoConfig::from_vars(|name| value.filter(|_| name == "DEMO_FORMAT").map(str::to_owned))
            .map(|config| config.format)
    };
    assert_eq!(format(None), Ok(Format::Envelope));
    assert_eq!(DemoConfig::default().format, Format::Envelope);
    for (value, expected) in [
        ("envelope", Format::Envelope),
        ("openai", Format::OpenAi),
        ("anthropic", Format::Anthropic),
        ("problem", Format::Problem),
        ("google", Format::Google),
        (" Google ", Format::Google),
        ("OPENAI", Format::OpenAi),
    ] {
        assert_eq!(format(Some(value)), Ok(expected), "{value:?}");
    }
    for bad in ["", "json", "open-ai", "rfc9457"] {
        let message = format(Some(bad)).expect_err(bad);
        assert!(
            message.starts_with(
                "DEMO_FORMAT must be one of envelope, openai, anthropic, problem, google"
            ),
            "{message}"
        );
    }
}

#[tokio::test]
async fn each_format_writes_the_declared_codes_params_and_violations() {
    let roles = "Invalid message role: messages[0].role, messages[2].role must be one of system, user, assistant, tool";
    let violation = "must be one of system, user, assistant, tool";
    let cases: [(&str, Value, Value, Value); 5] = [
        (
            "envelope",
            json!({"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","code":400}}),
            json!({"error":{"message":roles,"type":"invalid_request_error","code":400}}),
            json!({"error":{"message":"Unknown route: GET /v2/models","type":"not_found_error","code":404}}),
        ),
        (
            "openai",
            json!({"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}),
            json!({"error":{"message":roles,"type":"invalid_request_error","param":"messages[0].role","code":"invalid_value"}}),
            json!({"error":{"message":"Unknown route: GET /v2/models","type":"not_found_error","param":null,"code":"unknown_route"}}),
        ),
        (
            "anthropic",
            json!({"type":"error","error":{"type":"invalid_request_error","message":"The model `gpt-9` does not exist"},"request_id":"{id}"}),
            json!({"type":"error","error":{"type":"invalid_request_error","message":roles},"request_id":"{id}"}),
            json!({"type":"error","error":{"type":"not_found_error","message":"Unknown route: GET /v2/models"},"request_id":"{id}"}),
        ),
        (
            "problem",
            json!({"type":"https://docs.dos.ai/errors#model_not_found","title":"Bad Request","status":400,
                   "detail":"The model `gpt-9` does not exist","error_type":"invalid_request_error",
                   "error_code":"model_not_found","param":"model"}),
            json!({"type":"https://docs.dos.ai/errors#invalid_value","title":"Bad Request","status":400,
                   "detail":roles,"error_type":"invalid_request_error","error_code":"invalid_value",
                   "param":"messages[0].role","errors":[
                       {"detail":violation,"pointer":"#/messages/0/role"},
                       {"detail":violation,"pointer":"#/messages/2/role"}]}),
            json!({"type":"https://docs.dos.ai/errors#unknown_route","title":"Not Found","status":404,
                   "detail":"Unknown route: GET /v2/models","error_type":"not_found_error",
                   "error_code":"unknown_route"}),
        ),
        (
            "google",
            json!({"error":{"code":400,"message":"The model `gpt-9` does not exist","status":"INVALID_ARGUMENT","details":[
                {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"MODEL_NOT_FOUND","domain":"dos.ai","metadata":{"model":"gpt-9"}},
                {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"model","description":"The model `gpt-9` does not exist"}]},
                {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of model_not_found","url":"https://docs.dos.ai/errors#model_not_found"}]}]}}),
            json!({"error":{"code":400,"message":roles,"status":"INVALID_ARGUMENT","details":[
                {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_VALUE","domain":"dos.ai",
                 "metadata":{"fields":"messages[0].role, messages[2].role","allowed":"system, user, assistant, tool"}},
                {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
                    {"field":"messages[0].role","description":violation},
                    {"field":"messages[2].role","description":violation}]},
                {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of invalid_value","url":"https://docs.dos.ai/errors#invalid_value"}]}]}}),
            json!({"error":{"code":404,"message":"Unknown route: GET /v2/models","status":"NOT_FOUND","details":[
                {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"UNKNOWN_ROUTE","domain":"dos.ai","metadata":{"method":"GET","path":"/v2/models"}},
                {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Documentation of unknown_route","url":"https://docs.dos.ai/errors#unknown_route"}]}]}}),
        ),
    ];
    for (format, unknown_model, bad_roles, unknown_route) in cases {
        let demo = Demo::in_format(format).await;
        let content_type = Format::from_name(format).expect("a format").content_type();
        for (reply, expected, status) in [
            (demo.chat(UNKNOWN_MODEL, None).await, unknown_model, 400),
            (demo.chat(BAD_ROLES, None).await, bad_roles, 400),
            (demo.get("/v2/models", None).await, unknown_route, 404),
        ] {
            assert_eq!(reply.status, status, "{format}: {reply:?}");
            assert_eq!(reply.header("content-type"), Some(content_type), "{format}");
            // Anthropic's body carries the request's id: the one of the header.
            let id = reply.header("x-request-id").expect("x-request-id");
            let expected: Value =
                serde_json::from_str(&expected.to_string().replace("{id}", id)).expect("JSON");
            assert_eq!(reply.json(), expected, "{format}");
        }
    }
}

/// The status, and in OpenAI's format the `code` and `param`, of every error the
/// API documents.
#[tokio::test]
async fn every_error_has_its_code_and_param() {
    let demo = Demo::with_vars(&[("DEMO_FORMAT", "openai"), ("DEMO_RATE_LIMIT", "3")]).await;
    let hi = r#"[{"role":"user","content":"hi"}]"#;
    let chat = |fields: &str| format!(r#"{{"model":"dos-chat-small","messages":{hi}{fields}}}"#);
    let cases = [
        (r#"{"model":"#.to_owned(), 400, "invalid_json", None),
        ("[1]".to_owned(), 400, "invalid_type", None),
        (format!(r#"{{"messages":{hi}}}"#), 400, "missing_required_parameter", Some("model")),
        (r#"{"model":"dos-chat-small"}"#.to_owned(), 400, "missing_required_parameter", Some("messages")),
        (format!(r#"{{"model":"gpt-9","messages":{hi}}}"#), 400, "model_not_found", Some("model")),
        (r#"{"model":"dos-chat-small","messages":[]}"#.to_owned(), 400, "invalid_value", Some("messages")),
        (chat(r#","temperature":2.5"#), 400, "invalid_value", Some("temperature")),
        (chat(r#","max_tokens":8193"#), 400, "invalid_value", Some("max_tokens")),
        (chat(r#","max_tokens":1.5"#), 400, "invalid_type", Some("max_tokens")),
        (chat(r#","stream":true"#), 400, "invalid_type", Some("stream")),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"a"},{"role":"user","content":7}]}"#.to_owned(),
            400,
            "invalid_type",
            Some("messages[1].content"),
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#.to_owned(),
            400,
            "invalid_type",
            Some("messages[0].content"),
        ),
        (
            r#"{"model":"dos-chat-small","messages":[{"role":3,"content":"a"}]}"#.to_owned(),
            400,
            "invalid_type",
            Some("messages[0].role"),
        ),
        (
            r#"{"model":"dos-chat-small","messages":["hi"]}"#.to_owned(),
            400,
            "invalid_type",
            Some("messages[0]"),
        ),
        (BAD_ROLES.to_owned(), 400, "invalid_value", Some("messages[0].role")),
    ];
    let unlimited = Demo::in_format("openai").await;
    for (body, status, code, param) in cases {
        let reply = unlimited.chat(&body, None).await;
        assert_eq!(reply.status, status, "{body}: {reply:?}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], code, "{body}");
        assert_eq!(
            error["param"],
            param.map_or(Value::Null, Value::from),
            "{body}"
        );
    }
    // The text parts of an array are read.
    let parts = r#"{"model":"dos-chat-small","messages":[{"role":"user","content":[{"type":"text","text":"a b"},{"type":"text","text":"c"}]},{"role":"assistant","content":null}]}"#;
    let reply = demo.chat(parts, None).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["usage"]["prompt_tokens"], 3);

    // Every 401 is `invalid_api_key`.
    for key in [
        None,
        Some("sk_live_1"),
        Some("dos_sk_nobody"),
        Some("dos_sk_revoked"),
    ] {
        let reply = demo.get("/v1/models", key).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.json()["error"]["code"], "invalid_api_key", "{key:?}");
    }
    let basic = demo.send(
        demo.http
            .get(format!("{}/v1/models", demo.base))
            .header("authorization", "Basic eDp5"),
    );
    assert_eq!(basic.await.json()["error"]["code"], "invalid_api_key");

    let empty = demo.send(
        demo.http
            .post(format!("{}/v1/chat/completions", demo.base))
            .bearer_auth("dos_sk_empty")
            .header("content-type", "application/json")
            .body(chat("")),
    );
    let empty = empty.await;
    assert_eq!(
        (empty.status, &empty.json()["error"]["code"]),
        (402, &json!("insufficient_credits"))
    );

    let loading = r#"{"model":"dos-loading","messages":[{"role":"user","content":"hi"}]}"#;
    let reply = demo.chat(loading, None).await;
    assert_eq!(
        (reply.status, &reply.json()["error"]["code"]),
        (503, &json!("model_loading"))
    );
    assert_eq!(reply.header("retry-after"), Some("3"));
    let crash = r#"{"model":"dos-crash","messages":[{"role":"user","content":"hi"}]}"#;
    let reply = demo.chat(crash, None).await;
    assert_eq!(reply.status, 500);
    assert_eq!(
        reply.json()["error"]["code"],
        Value::Null,
        "masked: no code"
    );

    // The demo key has used its 3 requests.
    let reply = demo.get("/v1/models", Some("dos_sk_demo")).await;
    assert_eq!(
        (reply.status, &reply.json()["error"]["code"]),
        (429, &json!("rate_limit_exceeded"))
    );
    assert!(reply.header("retry-after").is_some());

    let reply = demo
        .send(demo.http.delete(format!("{}/v1/models", demo.base)))
        .await;
    assert_eq!(
        (reply.status, &reply.json()["error"]["code"]),
        (405, &json!("method_not_allowed"))
    );
    assert_eq!(reply.header("allow"), Some("GET,HEAD"));
    let reply = demo.send(
        demo.http
            .post(format!("{}/v1/chat/completions", demo.base))
            .bearer_auth("dos_sk_empty")
            .body("{}"),
    );
    let reply = reply.await;
    assert_eq!(
        (reply.status, &reply.json()["error"]["code"]),
        (415, &json!("unsupported_content_type"))
    );
    let big = "a".repeat(1024 * 1024 + 1);
    let reply = demo.send(
        demo.http
            .post(format!("{}/v1/chat/completions", demo.base))
            .bearer_auth("dos_sk_empty")
            .header("content-type", "application/json")
            .body(big),
    );
    let reply = reply.await;
    assert_eq!(
        (reply.status, &reply.json()["error"]["code"]),
        (413, &json!("request_too_large"))
    );
}

#[tokio::test]
async fn roles_are_checked_after_the_other_400s_and_all_reported() {
    let demo = Demo::in_format("problem").await;
    // A bad role and a bad temperature: the temperature is reported.
    let both =
        r#"{"model":"dos-chat-small","messages":[{"role":"robot","content":"a"}],"temperature":9}"#;
    let reply = demo.chat(both, None).await;
    assert_eq!(reply.json()["param"], "temperature");
    // A role that is not a string is a type error, before the roles' values.
    let typed =
        r#"{"model":"dos-chat-small","messages":[{"role":"robot","content":"a"},{"content":"b"}]}"#;
    assert_eq!(
        demo.chat(typed, None).await.json()["param"],
        "messages[1].role"
    );
    // Every bad role, in order.
    let many = r#"{"model":"dos-chat-small","messages":[{"role":"tool","content":"a"},{"role":"System","content":"b"},{"role":"system","content":"c"},{"role":"developer","content":"d"}]}"#;
    let reply = demo.chat(many, None).await.json();
    assert_eq!(
        reply["detail"],
        "Invalid message role: messages[1].role, messages[3].role must be one of system, user, assistant, tool"
    );
    let pointers: Vec<&Value> = reply["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| &error["pointer"])
        .collect();
    assert_eq!(
        pointers,
        [&json!("#/messages/1/role"), &json!("#/messages/3/role")]
    );
    // Every role of the API is accepted.
    let fine = r#"{"model":"dos-chat-small","messages":[{"role":"system","content":"a"},{"role":"user","content":"b"},{"role":"assistant","content":"c"},{"role":"tool","content":"d"}]}"#;
    assert_eq!(demo.chat(fine, None).await.status, 200);
}

#[tokio::test]
async fn problem_details_are_negotiated_with_accept() {
    let problem = "application/problem+json";
    for format in ["envelope", "openai", "google", "problem"] {
        let demo = Demo::in_format(format).await;
        let service_type = Format::from_name(format).expect("format").content_type();
        for (accept, content_type) in [
            (None, service_type),
            (Some("application/json"), service_type),
            (Some("*/*"), service_type),
            (Some(problem), problem),
            (
                Some("application/problem+json, application/json;q=0.5"),
                problem,
            ),
            (
                Some("application/json, application/problem+json;q=0.9"),
                service_type,
            ),
        ] {
            let reply = demo.chat(UNKNOWN_MODEL, accept).await;
            assert_eq!(reply.status, 400);
            assert_eq!(
                reply.header("content-type"),
                Some(content_type),
                "{format} {accept:?}"
            );
            if content_type == problem {
                assert_eq!(reply.json()["error_code"], "model_not_found", "{format}");
            }
        }
        // The framework's errors and the key's are negotiated too.
        let not_found = demo.send(
            demo.http
                .get(format!("{}/nowhere", demo.base))
                .header("accept", problem),
        );
        let not_found = not_found.await;
        assert_eq!(not_found.header("content-type"), Some(problem));
        assert_eq!(not_found.json()["status"], 404);
        let no_key = demo.send(
            demo.http
                .get(format!("{}/v1/models", demo.base))
                .header("accept", problem),
        );
        let no_key = no_key.await;
        assert_eq!(no_key.json()["error_code"], "invalid_api_key", "{format}");
        // Successes do not change.
        let ok = demo.chat(
            r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"hi"}]}"#,
            Some(problem),
        );
        let ok = ok.await;
        assert_eq!(ok.header("content-type"), Some("application/json"));
        assert_eq!(ok.json()["object"], "chat.completion");
    }
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let demo = Demo::in_format("anthropic").await;
    let sent = demo.send(
        demo.http
            .get(format!("{}/v1/models", demo.base))
            .header("x-request-id", "trace-42"),
    );
    let sent = sent.await;
    assert_eq!(sent.header("x-request-id"), Some("trace-42"));
    assert_eq!(sent.json()["request_id"], "trace-42");
    for header in [None, Some("has space"), Some("")] {
        let mut request = demo.http.get(format!("{}/v1/models", demo.base));
        if let Some(header) = header {
            request = request.header("x-request-id", header);
        }
        let reply = demo.send(request).await;
        let id = reply.header("x-request-id").expect("an id");
        assert!(id.starts_with("req_") && id.len() == 30, "{id}");
        assert_eq!(reply.json()["request_id"], id);
    }
    // Successes carry one too.
    let ok = demo.get("/v1/models", Some("dos_sk_demo")).await;
    assert!(ok
        .header("x-request-id")
        .is_some_and(|id| id.starts_with("req_")));
}
