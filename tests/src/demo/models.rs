//! The models the demo serves, and what each does when asked for a completion.

/// A model the demo serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// Its id.
    pub id: &'static str,
    /// Its context length in tokens.
    pub context: u32,
    /// What happens when it is asked for a completion.
    pub behavior: Behavior,
}

/// What a model does when asked for a completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    /// Answers with an echo.
    Echo,
    /// Is loading: 503 with `Retry-After`.
    Loading,
    /// Fails internally: a masked 500.
    Crash,
    /// Panics inside the handler: a masked 500, and the server keeps serving.
    Panic,
}

/// The models of `GET /v1/models` (`dos-panic` is not listed but answers).
pub const MODELS: [Model; 5] = [
    Model {
        id: "dos-chat-small",
        context: 8192,
        behavior: Behavior::Echo,
    },
    Model {
        id: "dos-chat-large",
        context: 32768,
        behavior: Behavior::Echo,
    },
    Model {
        id: "dos-loading",
        context: 8192,
        behavior: Behavior::Loading,
    },
    Model {
        id: "dos-crash",
        context: 8192,
        behavior: Behavior::Crash,
    },
    Model {
        id: "dos-panic",
        context: 8192,
        behavior: Behavior::Panic,
    },
];

/// How many of [`MODELS`] `GET /v1/models` lists.
pub const LISTED_MODELS: usize = 4;

/// When the models were "created" (OpenAI's `created` field).
pub const MODELS_CREATED: u64 = 1_735_689_600;

/// The model with this id, listed or not.
pub fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|model| model.id == id)
}

/// The models of `GET /v1/models`.
pub fn listed() -> &'static [Model] {
    &MODELS[..LISTED_MODELS]
}

/// An answer of a model: the echo of the last message, cut to `max_tokens` words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Echo {
    /// The text of the answer.
    pub text: String,
    /// Whether `max_tokens` cut it.
    pub truncated: bool,
    /// The tokens (words) of the prompt.
    pub prompt_tokens: usize,
    /// The tokens (words) of the answer.
    pub completion_tokens: usize,
}

/// The echo of `prompt` (the last message), with `prompt_tokens` counted over all
/// the messages, cut to `max_tokens` words.
pub fn echo(prompt: &str, prompt_tokens: usize, max_tokens: Option<u32>) -> Echo {
    let echo = format!("You said: {prompt}");
    let words: Vec<&str> = echo.split_whitespace().collect();
    let kept = max_tokens.map_or(words.len(), |max| words.len().min(max as usize));
    Echo {
        text: words[..kept].join(" "),
        truncated: kept < words.len(),
        prompt_tokens,
        completion_tokens: kept,
    }
}
