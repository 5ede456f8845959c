//! Calls the demo service with a [`RetryPolicy`] and shows what is retried and what is not:
//! 400, 401 and 402 come back at once; a 503 and a 500 are retried with backoff;
//! a 429 is retried after its `Retry-After`.
//!
//! ```text
//! cargo run --example server    # in one terminal
//! cargo run --example client    # in another
//! ```
//!
//! The client calls `DOS_API_URL`, else `http://127.0.0.1:$PORT` (8080 by default).
//! When nothing answers there, it starts the demo service in-process and calls that.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use dos_errors::client::ErrorResponse;
use dos_errors::retry::{RetryDecision, RetryPolicy};
use dos_errors::ApiError;
use dos_errors_tests::demo::{self, DemoConfig};

/// What one request gave: a success's summary, or the decoded error.
type Attempt = Result<String, ErrorResponse>;

struct Demo {
    http: reqwest::Client,
    base: String,
    policy: RetryPolicy,
}

impl Demo {
    async fn chat(&self, key: &str, body: &str) -> Result<Attempt, reqwest::Error> {
        let response = self
            .http
            .post(format!("{}/v1/chat/completions", self.base))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await?;
        if response.status().is_success() {
            let body = response.bytes().await?;
            let completion: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let content = completion["choices"][0]["message"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Ok(Ok(format!("200 OK: {content:?}")))
        } else {
            Ok(Err(ErrorResponse::from_reqwest(response).await))
        }
    }

    /// Sends the request until it succeeds or the policy gives up, narrating each attempt.
    async fn with_retries(&self, key: &str, body: &str) -> Result<(), reqwest::Error> {
        let mut retries = 0;
        loop {
            let started = Instant::now();
            let error = match self.chat(key, body).await? {
                Ok(summary) => {
                    println!("   attempt {}: {summary}", retries + 1);
                    return Ok(());
                }
                Err(error) => error,
            };
            let retry_after = error
                .retry_after()
                .map(|wait| format!(" (Retry-After: {}s)", wait.as_secs()))
                .unwrap_or_default();
            print!(
                "   attempt {}: {} {}: {:?}{retry_after}",
                retries + 1,
                error.status().as_u16(),
                error.error_type(),
                error.message()
            );
            match self.policy.decide(retries, &error) {
                RetryDecision::RetryAfter(delay) => {
                    println!(" → retrying in {:.1}s", delay.as_secs_f64());
                    tokio::time::sleep(delay.saturating_sub(started.elapsed().min(delay))).await;
                    retries += 1;
                }
                RetryDecision::GiveUp(reason) => {
                    println!(" → not retried: {reason}");
                    return Ok(());
                }
            }
        }
    }

    /// Uses up the key's rate limit with cheap requests, so that the next one gets a 429.
    async fn fill_rate_limit(&self, key: &str) -> Result<u32, reqwest::Error> {
        for sent in 1..=1000 {
            let response = self
                .http
                .get(format!("{}/v1/models", self.base))
                .bearer_auth(key)
                .send()
                .await?;
            if response.status() == 429 {
                return Ok(sent - 1);
            }
        }
        Ok(1000)
    }
}

const HELLO: &str = r#"{"model":"dos-chat-small","messages":[{"role":"user","content":"Hello!"}]}"#;

#[tokio::main]
async fn main() -> ExitCode {
    let http = match reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(http) => http,
        Err(error) => {
            eprintln!("cannot build an HTTP client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let base = match std::env::var("DOS_API_URL") {
        Ok(url) => url.trim_end_matches('/').to_owned(),
        Err(_) => {
            let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
            format!("http://127.0.0.1:{}", port.trim())
        }
    };
    let base = if http.get(format!("{base}/v1/models")).send().await.is_ok() {
        println!("Calling the demo service at {base}");
        base
    } else {
        match demo::spawn(DemoConfig::default()).await {
            Ok((addr, _server)) => {
                println!("Nothing answers at {base}: started the demo service in-process at http://{addr}");
                format!("http://{addr}")
            }
            Err(error) => {
                eprintln!("Nothing answers at {base}, and the demo cannot start here: {error}");
                return ExitCode::FAILURE;
            }
        }
    };
    let client = Demo {
        http,
        base,
        policy: RetryPolicy::default().max_retries(2),
    };
    println!("Policy: {:?}\n", client.policy);

    if let Err(error) = run(&client).await {
        eprintln!("\nrequest failed: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run(client: &Demo) -> Result<(), reqwest::Error> {
    println!("1. Errors that a retry cannot fix come back at once");
    println!(" 400, a request without `messages`:");
    client
        .with_retries("dos_sk_demo", r#"{"model":"dos-chat-small"}"#)
        .await?;
    println!(" 401, a revoked key:");
    client.with_retries("dos_sk_revoked", HELLO).await?;
    println!(" 402, a key without credits:");
    client.with_retries("dos_sk_empty", HELLO).await?;

    println!("\n2. 503 Service Unavailable is retried, with backoff and at least its Retry-After");
    println!(" the model dos-loading is always loading:");
    client
        .with_retries(
            "dos_sk_demo",
            r#"{"model":"dos-loading","messages":[{"role":"user","content":"Hello!"}]}"#,
        )
        .await?;

    println!("\n3. A 500 is retried too; its details stay in the server's log");
    client
        .with_retries(
            "dos_sk_demo",
            r#"{"model":"dos-crash","messages":[{"role":"user","content":"Hello!"}]}"#,
        )
        .await?;
    println!("\n4. 429 Too Many Requests is retried after its Retry-After");
    let sent = client.fill_rate_limit("dos_sk_demo").await?;
    println!(" {sent} more requests used up the key's rate limit; now a completion:");
    client.with_retries("dos_sk_demo", HELLO).await?;

    Ok(())
}
