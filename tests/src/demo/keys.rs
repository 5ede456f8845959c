//! The demo's API keys.

/// A demo API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKey {
    /// The key.
    pub key: &'static str,
    /// Whether its account has credits.
    pub has_credits: bool,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// The demo keys: `dos_sk_demo` has credits, `dos_sk_empty` none (402), `dos_sk_revoked` is revoked (401).
pub const KEYS: [ApiKey; 3] = [
    ApiKey {
        key: "dos_sk_demo",
        has_credits: true,
        revoked: false,
    },
    ApiKey {
        key: "dos_sk_empty",
        has_credits: false,
        revoked: false,
    },
    ApiKey {
        key: "dos_sk_revoked",
        has_credits: true,
        revoked: true,
    },
];

/// The key with this value, if any.
pub fn find(key: &str) -> Option<&'static ApiKey> {
    KEYS.iter().find(|known| known.key == key)
}
