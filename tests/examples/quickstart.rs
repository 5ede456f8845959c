//! Prints the JSON envelope of each error of the dos API, declared once on an enum.
//!
//! Run with `cargo run --example quickstart`.

use std::time::Duration;

use dos_errors::ApiError;

/// The errors of an OpenAI-compatible chat API, as its documentation lists them.
#[derive(Debug, thiserror::Error, ApiError)]
enum ChatError {
    #[error("missing field {field}")]
    #[api_error(status = 400, message = "Missing required field: {field}")]
    MissingField { field: &'static str },

    #[error("unknown model {0}")]
    #[api_error(status = 400, message = "The model `{0}` does not exist")]
    UnknownModel(String),

    #[error("temperature {value}")]
    #[api_error(
        status = 400,
        message = "temperature must be between 0 and 2, got {value:.1}"
    )]
    Temperature { value: f64 },

    #[error("bad key")]
    #[api_error(status = 401)]
    InvalidKey,

    #[error("no credits")]
    #[api_error(status = 402)]
    NoCredits,

    #[error("rate limited")]
    #[api_error(
        status = 429,
        message = "Rate limit exceeded: {limit} requests per minute"
    )]
    RateLimited {
        limit: u32,
        #[api_error(retry_after)]
        wait: Duration,
    },

    #[error("database failed: {0}")]
    #[api_error(status = 500)]
    Database(String),

    #[error("model {model} loading")]
    #[api_error(status = 503, type = "model_loading_error", retry_after = 30)]
    ModelLoading { model: String },
}

fn main() {
    let errors = [
        ChatError::MissingField { field: "model" },
        ChatError::UnknownModel("gpt-17".into()),
        ChatError::Temperature { value: 2.5 },
        ChatError::InvalidKey,
        ChatError::NoCredits,
        ChatError::RateLimited {
            limit: 10,
            wait: Duration::from_secs(6),
        },
        ChatError::Database("connection to 10.0.0.7:5432 refused".into()),
        ChatError::ModelLoading {
            model: "dos-chat-large".into(),
        },
    ];
    for error in &errors {
        let retry = match error.retry_after() {
            Some(delay) => format!(", Retry-After: {}s", delay.as_secs()),
            None => String::new(),
        };
        println!(
            "{} ({:?}{retry})  [internal: {error}]",
            error.status(),
            error.retryability()
        );
        println!("  {}\n", error.to_json());
    }
}
