//! HTTP helpers shared by the end-to-end tests (`mod support;` in each test file).
#![allow(dead_code)] // each test binary uses a different part

use std::time::Duration;

/// What the end-to-end tests check of a response.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Sends `request` and keeps what the tests check.
pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("response");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("ascii").to_owned())
    };
    let content_type = header("content-type");
    let retry_after = header("retry-after");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    Reply {
        status,
        content_type,
        retry_after,
        body,
    }
}

/// A response with every header, for the tests of the demo's routes.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Lower-case names; the last value of a repeated header.
    pub headers: std::collections::HashMap<String, String>,
    pub body: String,
}

impl Answer {
    /// The value of the header `name` (lower case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body as JSON; panics with the whole answer when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("JSON: {self:?}"))
    }
}

/// Sends `request` and keeps its status, every header and the body.
pub async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("response");
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().expect("ascii").to_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

/// The demo service on a loopback port, and a client for it.
pub struct DemoSite {
    pub http: reqwest::Client,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl DemoSite {
    /// The demo with `config`, running until the test's runtime ends.
    pub async fn start(config: dos_errors_tests::demo::DemoConfig) -> DemoSite {
        let (addr, _server) = dos_errors_tests::demo::spawn(config)
            .await
            .expect("bind a loopback port");
        DemoSite {
            http: client(),
            base: format!("http://{addr}"),
        }
    }

    /// Sends `request` (made with [`DemoSite::http`]).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        answer(request).await
    }
}

/// A reqwest client for loopback servers: no proxy, bounded waits.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// A log writer (`tracing_subscriber::fmt().with_writer(move || captured.clone())`)
/// collecting everything written, for tests of what the services log.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// A plain-text subscriber (no colours) writing into this capture, up to `max`.
    pub fn subscriber(&self, max: tracing::Level) -> impl tracing::Subscriber + Send + Sync {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(max)
            .finish()
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
