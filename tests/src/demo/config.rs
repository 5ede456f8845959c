//! The demo's settings, from code or from the environment.

use std::time::Duration;

use dos_errors::Format;

/// The demo's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Requests allowed per key and window (default 10; `DEMO_RATE_LIMIT`).
    pub rate_limit: u32,
    /// The rate limit's sliding window (default 10 s).
    pub rate_window: Duration,
    /// The `Retry-After` of `dos-loading` (default 3 s, so the client demo retries quickly).
    pub loading_retry_after: Duration,
    /// `None` (the default): `dos-loading` is always loading. `Some(n)`: it answers
    /// 503 to the first `n` completions of each key, then is ready — for clients'
    /// retry tests.
    pub loading_failures: Option<u32>,
    /// The largest accepted body (default 1 MiB).
    pub max_body_bytes: usize,
    /// The wire format of the errors of `/v1/chat/completions`, `/v1/models` and
    /// the framework's own errors (default the envelope; `DEMO_FORMAT`). Clients
    /// may ask for problem details with `Accept: application/problem+json`;
    /// `/v1/messages` always answers in Anthropic's format.
    pub format: Format,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            rate_limit: 10,
            rate_window: Duration::from_secs(10),
            loading_retry_after: Duration::from_secs(3),
            loading_failures: None,
            max_body_bytes: 1024 * 1024,
            format: Format::Envelope,
        }
    }
}

impl DemoConfig {
    /// The defaults, with `DEMO_RATE_LIMIT=N` (a positive integer) as the rate limit
    /// and `DEMO_FORMAT=envelope|openai|anthropic|problem|google` as the format.
    ///
    /// # Errors
    /// A message naming the variable that is set to something else.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) reading the variables through `var`.
    ///
    /// # Errors
    /// A message naming the variable that is set to something else.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = DemoConfig::default();
        if let Some(value) = var("DEMO_RATE_LIMIT") {
            config.rate_limit = value
                .trim()
                .parse()
                .ok()
                .filter(|limit| *limit > 0)
                .ok_or_else(|| {
                    format!("DEMO_RATE_LIMIT must be a positive integer, got {value:?}")
                })?;
        }
        if let Some(value) = var("DEMO_FORMAT") {
            config.format =
                Format::from_name(&value.trim().to_ascii_lowercase()).ok_or_else(|| {
                    let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
                    format!(
                        "DEMO_FORMAT must be one of {}, got {value:?}",
                        names.join(", ")
                    )
                })?;
        }
        Ok(config)
    }
}
