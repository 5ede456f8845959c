//! What the demo remembers between requests: each key's rate-limit window, how
//! often `dos-loading` answered 503, and how many completions it made. Shared by
//! every transport, so a key has one rate limit whichever way it calls.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::{DemoConfig, DemoError};

/// The server's state.
#[derive(Debug)]
pub struct Demo {
    /// The settings it was started with.
    pub config: DemoConfig,
    /// Per key: the instants of the requests counted in the current window.
    windows: Mutex<HashMap<&'static str, VecDeque<Instant>>>,
    /// Per key: how many `dos-loading` completions answered 503.
    loading_answers: Mutex<HashMap<&'static str, u32>>,
    /// Completions made so far (their ids are numbered).
    completions: AtomicU64,
}

impl Demo {
    /// A fresh state: no request counted yet.
    pub fn new(config: DemoConfig) -> Self {
        Demo {
            config,
            windows: Mutex::new(HashMap::new()),
            loading_answers: Mutex::new(HashMap::new()),
            completions: AtomicU64::new(0),
        }
    }

    /// Counts a request of `key` in its sliding window, or refuses it (429) when the
    /// window is full; refused requests are not counted.
    ///
    /// # Errors
    /// [`DemoError::RateLimited`], with the time until the oldest counted request
    /// leaves the window.
    pub fn count_request(&self, key: &'static str) -> Result<(), DemoError> {
        let now = Instant::now();
        let window = self.config.rate_window;
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let requests = windows.entry(key).or_default();
        while requests
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            requests.pop_front();
        }
        let limit = self.config.rate_limit as usize;
        if requests.len() >= limit {
            // The slot of the oldest counted request frees when it leaves the window.
            let oldest = requests.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(DemoError::RateLimited {
                limit: self.config.rate_limit,
                window: window.as_secs_f64().ceil() as u64,
                wait,
            });
        }
        requests.push_back(now);
        Ok(())
    }

    /// Whether `dos-loading` still answers 503 to `key`; counts the answer.
    pub fn still_loading(&self, key: &'static str) -> bool {
        let Some(failures) = self.config.loading_failures else {
            return true;
        };
        let mut answers = self
            .loading_answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let answered = answers.entry(key).or_insert(0);
        if *answered < failures {
            *answered += 1;
            true
        } else {
            false
        }
    }

    /// The number of the next completion, from 1.
    pub fn next_completion(&self) -> u64 {
        self.completions.fetch_add(1, Ordering::Relaxed) + 1
    }
}
