//! The defaults table: every row, through `Status` and through derived variants.

use dos_errors::{ApiError, Retryability, Status};

/// (code, type, message, retryability) exactly as the issue's table states.
const TABLE: &[(u16, &str, &str, Retryability)] = &[
    (
        400,
        "invalid_request_error",
        "The request is malformed or contains invalid parameters.",
        Retryability::Fatal,
    ),
    (
        401,
        "authentication_error",
        "The API key is missing, invalid, or has been revoked.",
        Retryability::Fatal,
    ),
    (
        402,
        "insufficient_credits_error",
        "Your account does not have sufficient credits to process the request.",
        Retryability::Fatal,
    ),
    (403, "permission_error", "Forbidden.", Retryability::Fatal),
    (404, "not_found_error", "Not Found.", Retryability::Fatal),
    (
        408,
        "timeout_error",
        "Request Timeout.",
        Retryability::Transient,
    ),
    (409, "conflict_error", "Conflict.", Retryability::Fatal),
    (
        413,
        "request_too_large_error",
        "Payload Too Large.",
        Retryability::Fatal,
    ),
    (
        422,
        "invalid_request_error",
        "Unprocessable Entity.",
        Retryability::Fatal,
    ),
    (
        429,
        "rate_limit_error",
        "You have exceeded the rate limit for your account.",
        Retryability::Throttled,
    ),
    (
        500,
        "server_error",
        "An unexpected error occurred on our servers.",
        Retryability::Transient,
    ),
    (501, "server_error", "Not Implemented.", Retryability::Fatal),
    (
        502,
        "bad_gateway_error",
        "Bad Gateway.",
        Retryability::Transient,
    ),
    (
        503,
        "service_unavailable_error",
        "The requested model is temporarily unavailable.",
        Retryability::Transient,
    ),
    (
        504,
        "timeout_error",
        "Gateway Timeout.",
        Retryability::Transient,
    ),
    (
        505,
        "server_error",
        "HTTP Version Not Supported.",
        Retryability::Fatal,
    ),
    // Other 4xx / 5xx: the class's type and retryability, "<reason>." or a generic message.
    (
        405,
        "invalid_request_error",
        "Method Not Allowed.",
        Retryability::Fatal,
    ),
    (
        415,
        "invalid_request_error",
        "Unsupported Media Type.",
        Retryability::Fatal,
    ),
    (
        451,
        "invalid_request_error",
        "Unavailable For Legal Reasons.",
        Retryability::Fatal,
    ),
    (
        499,
        "invalid_request_error",
        "Client error.",
        Retryability::Fatal,
    ),
    (
        507,
        "server_error",
        "Insufficient Storage.",
        Retryability::Transient,
    ),
    (
        599,
        "server_error",
        "Server error.",
        Retryability::Transient,
    ),
];

#[test]
fn every_row_of_the_table() {
    for &(code, error_type, message, retryability) in TABLE {
        let status = Status::new(code).unwrap();
        assert_eq!(status.default_type(), error_type, "type of {code}");
        assert_eq!(status.default_message(), message, "message of {code}");
        assert_eq!(
            status.default_retryability(),
            retryability,
            "retryability of {code}"
        );
    }
}

#[test]
fn only_error_statuses_exist() {
    for code in 0..=u16::MAX {
        assert_eq!(
            Status::new(code).is_some(),
            (400..=599).contains(&code),
            "{code}"
        );
        assert_eq!(Status::try_from(code).is_ok(), (400..=599).contains(&code));
    }
    assert_eq!(
        Status::try_from(302).unwrap_err().to_string(),
        "302 is not an HTTP error status (400..=599)"
    );
}

#[test]
fn every_code_has_consistent_defaults() {
    for code in 400..=599 {
        let status = Status::new(code).unwrap();
        let expected_class_type = if code >= 500 {
            "server_error"
        } else {
            "invalid_request_error"
        };
        if !TABLE.iter().any(|row| row.0 == code) || code == 405 {
            assert_eq!(status.default_type(), expected_class_type, "{code}");
        }
        match status.canonical_reason() {
            Some(reason) if ![400, 401, 402, 429, 500, 503].contains(&code) => {
                assert_eq!(status.default_message(), format!("{reason}."));
            }
            Some(_) => {}
            None => assert!(matches!(
                status.default_message(),
                "Client error." | "Server error."
            )),
        }
        assert_eq!(status.is_server_error(), code >= 500);
        assert_eq!(status.is_client_error(), code < 500);
    }
}

#[test]
fn constants_conversions_and_display() {
    let named = [
        (Status::BAD_REQUEST, 400),
        (Status::UNAUTHORIZED, 401),
        (Status::PAYMENT_REQUIRED, 402),
        (Status::FORBIDDEN, 403),
        (Status::NOT_FOUND, 404),
        (Status::REQUEST_TIMEOUT, 408),
        (Status::CONFLICT, 409),
        (Status::PAYLOAD_TOO_LARGE, 413),
        (Status::UNPROCESSABLE_ENTITY, 422),
        (Status::TOO_MANY_REQUESTS, 429),
        (Status::INTERNAL_SERVER_ERROR, 500),
        (Status::BAD_GATEWAY, 502),
        (Status::SERVICE_UNAVAILABLE, 503),
        (Status::GATEWAY_TIMEOUT, 504),
    ];
    for (status, code) in named {
        assert_eq!(status.as_u16(), code);
        assert_eq!(u16::from(status), code);
        assert_eq!(status, code);
        assert_eq!(code, status);
    }
    assert_eq!(
        Status::TOO_MANY_REQUESTS.to_string(),
        "429 Too Many Requests"
    );
    assert_eq!(Status::new(499).unwrap().to_string(), "499");
    assert_eq!(Status::NOT_FOUND.canonical_reason(), Some("Not Found"));
    assert_eq!(serde_json::to_string(&Status::CONFLICT).unwrap(), "409");
    assert_eq!(
        serde_json::from_str::<Status>("503").unwrap(),
        Status::SERVICE_UNAVAILABLE
    );
    assert!(serde_json::from_str::<Status>("200").is_err());
}

#[test]
fn derived_variants_use_the_table() {
    #[derive(Debug, ApiError)]
    enum Every {
        #[api_error(status = 400)]
        S400,
        #[api_error(status = 401)]
        S401,
        #[api_error(status = 402)]
        S402,
        #[api_error(status = 403)]
        S403,
        #[api_error(status = 404)]
        S404,
        #[api_error(status = 408)]
        S408,
        #[api_error(status = 409)]
        S409,
        #[api_error(status = 413)]
        S413,
        #[api_error(status = 422)]
        S422,
        #[api_error(status = 429)]
        S429,
        #[api_error(status = 500)]
        S500,
        #[api_error(status = 501)]
        S501,
        #[api_error(status = 502)]
        S502,
        #[api_error(status = 503)]
        S503,
        #[api_error(status = 504)]
        S504,
        #[api_error(status = 505)]
        S505,
        #[api_error(status = 405)]
        S405,
        #[api_error(status = 415)]
        S415,
        #[api_error(status = 451)]
        S451,
        #[api_error(status = 499)]
        S499,
        #[api_error(status = 507)]
        S507,
        #[api_error(status = 599)]
        S599,
    }
    let all = [
        Every::S400,
        Every::S401,
        Every::S402,
        Every::S403,
        Every::S404,
        Every::S408,
        Every::S409,
        Every::S413,
        Every::S422,
        Every::S429,
        Every::S500,
        Every::S501,
        Every::S502,
        Every::S503,
        Every::S504,
        Every::S505,
        Every::S405,
        Every::S415,
        Every::S451,
        Every::S499,
        Every::S507,
        Every::S599,
    ];
    assert_eq!(all.len(), TABLE.len());
    for (error, &(code, error_type, message, retryability)) in all.iter().zip(TABLE) {
        assert_eq!(error.status(), code);
        assert_eq!(error.error_type(), error_type);
        assert_eq!(error.message(), message);
        assert_eq!(error.retryability(), retryability);
        assert_eq!(error.is_retryable(), retryability != Retryability::Fatal);
        assert_eq!(error.retry_after(), None);
        assert_eq!(
            error.to_json(),
            format!(r#"{{"error":{{"message":"{message}","type":"{error_type}","code":{code}}}}}"#)
        );
    }
}
