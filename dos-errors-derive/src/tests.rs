//! The derive never panics, whatever it is given (issue 13, item 7).
//!
//! `derive` runs in-process on generated inputs: outside a compiler `proc_macro2`
//! uses its fallback implementation, whose spans (with `span-locations`) still say
//! which text of the input they cover. For every input that parses as a
//! `DeriveInput` (the only inputs rustc hands a derive), the output must
//!
//! - come back without a panic (a panic is caught and reported with the input and
//!   the location it came from);
//! - parse as items: one `impl … Derived`, one `impl_api_error!`, the
//!   `integrate_*!` calls, and `compile_error!`s — nothing else;
//! - hold, when the input is invalid, the stub impls next to the errors (no cascade),
//!   and every `compile_error!` a message and a span on the input's own text: never
//!   the call site (the `#[derive]` attribute), never the whole item.
//!
//! Valid-by-construction inputs must, in addition, produce no `compile_error!`.
//!
//! Inputs are Rust source text; `__invisible(…)` in it stands for a `None`-delimited
//! group, as `macro_rules!` wraps a `$value:literal` or `$t:ty` (see `lower_invisible`).
//!
//! CI runs `PROPTEST_CASES` cases per property (proptest's default, 256). A longer run:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test -p dos-errors-derive --release -- tests:: --nocapture
//! DERIVE_FUZZ_SECONDS=1200 cargo test -p dos-errors-derive --release -- tests:: --nocapture
//! ```
//!
//! (the second repeats batches of `PROPTEST_CASES` with fresh seeds until the time is up);
//! each property prints how many inputs it tried and how many kinds of error message
//! they met (`DERIVE_FUZZ_MESSAGES=1` lists them: a rule missing from the list is one
//! the generators never reach).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRunner};
use syn::DeriveInput;

// ---------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------

/// What one input led to.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The text does not lex (a generator slip; rustc would refuse it first).
    NotTokens,
    /// Tokens, but not an item a derive can be given.
    NotDeriveInput,
    /// An impl and no error.
    Valid,
    /// The stub impls and this many `compile_error!`s.
    Invalid(usize),
}

/// Runs the derive on `source` and checks its output; `Err` describes a violation.
fn check(source: &str) -> Result<Outcome, String> {
    let outcome = check_tokens(source);
    // Every span of this input is dead now: free the fallback's source map, which
    // otherwise keeps every input of a long run.
    proc_macro2::extra::invalidate_current_thread_spans();
    outcome
}

fn check_tokens(source: &str) -> Result<Outcome, String> {
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return Ok(Outcome::NotTokens);
    };
    let Ok(node) = syn::parse2::<DeriveInput>(lower_invisible(tokens)) else {
        return Ok(Outcome::NotDeriveInput);
    };
    let output = catch_panic(|| crate::derive(&node))
        .map_err(|panic| format!("the derive panicked: {panic}\ninput:\n{source}"))?;
    let variants = match &node.data {
        syn::Data::Enum(data) => data.variants.len(),
        _ => 1,
    };
    examine(output, source, variants).map_err(|problem| format!("{problem}\ninput:\n{source}"))
}

/// Reads the derive's output back as items and checks what it holds.
fn examine(output: TokenStream, source: &str, variants: usize) -> Result<Outcome, String> {
    // Printed only to explain a failure.
    let text = || output.to_string();
    let file = syn::parse2::<syn::File>(output.clone()).map_err(|err| {
        format!(
            "the output does not parse as items: {err}\noutput: {}",
            text()
        )
    })?;
    let (mut derived, mut glue, mut errors) = (0, 0, 0);
    for item in &file.items {
        match item {
            syn::Item::Impl(item)
                if item
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| last_segment(path) == "Derived") =>
            {
                derived += 1;
            }
            syn::Item::Macro(item) => match last_segment(&item.mac.path).as_str() {
                "impl_api_error" => glue += 1,
                name if name.starts_with("integrate_") => {}
                "compile_error" => {
                    errors += 1;
                    check_error(&item.mac, source)?;
                }
                other => {
                    return Err(format!(
                        "unexpected macro call `{other}!`\noutput: {}",
                        text()
                    ))
                }
            },
            _ => return Err(format!("unexpected item in the output\noutput: {}", text())),
        }
    }
    if (derived, glue) != (1, 1) {
        return Err(format!(
            "expected one `impl Derived` and one `impl_api_error!` (the stubs when invalid), \
             found {derived} and {glue}\noutput: {}",
            text()
        ));
    }
    if errors > 0 {
        return Ok(Outcome::Invalid(errors));
    }
    match variant_arms(&file) {
        Some(arms) if arms != variants => Err(format!(
            "`fn variant` matches {arms} arms for {variants} variants\noutput: {}",
            text()
        )),
        _ => Ok(Outcome::Valid),
    }
}

/// The arms of the `match` that `Derived::variant` ends with, if it does: one per
/// variant, or some variant has no row (the code it was built from did not lex).
fn variant_arms(file: &syn::File) -> Option<usize> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Impl(item) => item.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(function) if function.sig.ident == "variant" => {
                match function.block.stmts.last()? {
                    syn::Stmt::Expr(syn::Expr::Match(body), None) => Some(body.arms.len()),
                    _ => None,
                }
            }
            _ => None,
        }),
        _ => None,
    })
}

/// A `compile_error!` says something, and says it at a token of the input.
fn check_error(mac: &syn::Macro, source: &str) -> Result<(), String> {
    let message = mac
        .parse_body::<syn::LitStr>()
        .map_err(|err| format!("`compile_error!` without a string: {err}"))?
        .value();
    if message.trim().is_empty() {
        return Err("`compile_error!` with an empty message".to_owned());
    }
    MESSAGES.with(|messages| messages.borrow_mut().insert(message_shape(&message)));
    // `to_compile_error` spans the path at the error's start.
    let span = mac.path.segments.last().map(|segment| segment.ident.span());
    match span.and_then(|span| span.source_text()) {
        None => Err(format!(
            "error at the call site (the `#[derive]`), not at a token: {message:?}"
        )),
        Some(text) if text.trim() == source.trim() => Err(format!(
            "error spans the whole item, not the wrong token: {message:?}"
        )),
        Some(_) => Ok(()),
    }
}

thread_local! {
    /// The shapes of the error messages seen, to tell which rules a run reached.
    static MESSAGES: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// A message with what it quotes (`…`, "…") and its numbers blanked out.
fn message_shape(message: &str) -> String {
    let mut shape = String::new();
    let mut quote = None;
    for c in message.chars() {
        match quote {
            Some(close) if c == close => {
                shape.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                shape.push_str(&format!("{c}…"));
                quote = Some(c);
            }
            None if c.is_ascii_digit() => {
                if !shape.ends_with('#') {
                    shape.push('#');
                }
            }
            None => shape.push(c),
        }
    }
    shape
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|segment| segment.ident.to_string())
        .unwrap_or_default()
}

/// The marker of an invisible group in generated source.
const INVISIBLE: &str = "__invisible";

/// Turns every `__invisible(…)` into a `None`-delimited group: what `macro_rules!`
/// hands on for a `$x:literal`, `$t:ty` or `$e:expr`, and source text cannot spell.
fn lower_invisible(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let marker = matches!(&token, TokenTree::Ident(ident) if ident == INVISIBLE)
            && matches!(tokens.peek(), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis);
        let token = match (marker, token) {
            (true, _) => match tokens.next() {
                Some(TokenTree::Group(group)) => regroup(Delimiter::None, &group),
                _ => unreachable!("peeked a group"),
            },
            (false, TokenTree::Group(group)) => regroup(group.delimiter(), &group),
            (false, token) => token,
        };
        out.push(token);
    }
    out.into_iter().collect()
}

fn regroup(delimiter: Delimiter, group: &Group) -> TokenTree {
    let mut new = Group::new(delimiter, lower_invisible(group.stream()));
    new.set_span(group.span());
    TokenTree::Group(new)
}

// ---------------------------------------------------------------------------
// Catching panics with their location
// ---------------------------------------------------------------------------

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into its message, location and the derive's frames.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        // Chained: panics of other tests, on other threads, print as usual.
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let mut report = info.to_string();
                // The derive's own frames, each with its location line.
                let backtrace = std::backtrace::Backtrace::force_capture().to_string();
                let mut keep = false;
                for line in backtrace.lines().map(str::trim) {
                    if line.starts_with("at ") {
                        if keep {
                            let _ = write!(report, " {line}");
                        }
                    } else {
                        keep = line.contains("dos_errors_derive::") && !line.contains("::tests::");
                        if keep {
                            let _ = write!(report, "\n    {line}");
                        }
                    }
                }
                CAUGHT.with(|caught| *caught.borrow_mut() = Some(report));
            } else {
                previous(info);
            }
        }));
    });
    CATCHING.with(|catching| catching.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|catching| catching.set(false));
    result.map_err(|_| {
        CAUGHT
            .with(|caught| caught.borrow_mut().take())
            .unwrap_or_else(|| "a panic without a report".to_owned())
    })
}

// ---------------------------------------------------------------------------
// Running a property, and counting
// ---------------------------------------------------------------------------

#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    not_tokens: usize,
    not_derive_input: usize,
    valid: usize,
    invalid: usize,
    errors: usize,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        self.cases += 1;
        match outcome {
            Outcome::NotTokens => self.not_tokens += 1,
            Outcome::NotDeriveInput => self.not_derive_input += 1,
            Outcome::Valid => self.valid += 1,
            Outcome::Invalid(errors) => {
                self.invalid += 1;
                self.errors += errors;
            }
        }
    }

    fn derived(&self) -> usize {
        self.valid + self.invalid
    }
}

/// Runs `strategy` through `check`: `PROPTEST_CASES` cases (256 by default), repeated
/// with fresh seeds while `DERIVE_FUZZ_SECONDS` have not passed. Prints the tally.
fn run(name: &str, strategy: &BoxedStrategy<String>, must_be_valid: bool) -> Tally {
    let mut config = Config {
        // A failure prints its shrunk input; no regression files in the source tree.
        failure_persistence: None,
        ..Config::default()
    };
    // Every `prop_oneof!` forks the random generator; ChaCha's forks took half the
    // time of a run.
    if std::env::var_os("PROPTEST_RNG_ALGORITHM").is_none() {
        config.rng_algorithm = RngAlgorithm::XorShift;
    }
    let budget = std::env::var("DERIVE_FUZZ_SECONDS")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .map(Duration::from_secs);
    let started = Instant::now();
    let tally = RefCell::new(Tally::default());
    let checks = Cell::new(Duration::ZERO);
    let mut batches = 0;
    loop {
        batches += 1;
        let mut runner = TestRunner::new(config.clone());
        let result = runner.run(strategy, |source| {
            let checking = Instant::now();
            let outcome = check(&source).map_err(TestCaseError::fail);
            checks.set(checks.get() + checking.elapsed());
            let outcome = outcome?;
            if must_be_valid && outcome != Outcome::Valid {
                return Err(TestCaseError::fail(format!(
                    "a valid input was refused ({outcome:?})\ninput:\n{source}"
                )));
            }
            tally.borrow_mut().add(&outcome);
            Ok(())
        });
        if let Err(err) = result {
            panic!("{name}: {err}");
        }
        if budget.map_or(true, |budget| started.elapsed() >= budget) {
            break;
        }
    }
    let tally = tally.into_inner();
    let messages = MESSAGES.with(|messages| std::mem::take(&mut *messages.borrow_mut()));
    if std::env::var_os("DERIVE_FUZZ_MESSAGES").is_some() {
        for message in &messages {
            eprintln!("{name}: error: {message}");
        }
    }
    eprintln!(
        "{name}: {} inputs in {:.1?} ({batches} batch(es) of {}; {:.1?} in the derive and \
         checks, the rest generating): {} derived ({} valid, {} invalid with {} errors of {} \
         kinds), {} not a DeriveInput, {} not tokens",
        tally.cases,
        started.elapsed(),
        config.cases,
        checks.get(),
        tally.derived(),
        tally.valid,
        tally.invalid,
        tally.errors,
        messages.len(),
        tally.not_derive_input,
        tally.not_tokens,
    );
    tally
}

// ---------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------

/// Every key of `derive.md`, in its order.
const KEYS: &[&str] = &[
    "status",
    "type",
    "message",
    "display",
    "retryable",
    "retry_after",
    "transparent",
    "code",
    "param",
    "violations",
    "grpc",
    "log",
    "docs",
    "domain",
    "integrations",
    "crate",
];

/// Keys the derive does not know, some a typo or a spelling away from real ones.
const UNKNOWN_KEYS: &[&str] = &[
    "statuss",
    "Status",
    "STATUS",
    "r#type",
    "r#status",
    "_",
    "self",
    "where",
    "r#match",
    "error",
    "api_error",
    "retry_after_ms",
    "default",
    "é",
    "transparent_",
];

/// Values: valid for some key, or odd in every way a literal or token can be.
const VALUES: &[&str] = &[
    // Valid for some key.
    "400",
    "429",
    "503",
    "599",
    "true",
    "false",
    "30",
    "0",
    r#""rate_limit_error""#,
    r#""Model {a} is {b:?}""#,
    r#""{0} and {1:>5}""#,
    r#""model_not_found""#,
    r#""model""#,
    r#""messages[0].role""#,
    r#""RESOURCE_EXHAUSTED""#,
    r#""warn""#,
    r#""https://docs.example.com/errors""#,
    r#""dos.ai""#,
    r#""::dos_errors""#,
    r#""my::errors""#,
    // Integers out of range, signed, suffixed, in other bases.
    "399",
    "600",
    "65536",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "-1",
    "- 429",
    "-0",
    "400u8",
    "429u16",
    "429i8",
    "30u64",
    "30u32",
    "30usize",
    "30i128",
    "0x1AD",
    "0o655",
    "0b1_1010_1101",
    "4_2_9",
    "429suffix",
    // Floats, chars, bytes, C strings.
    "429.0",
    "4.29e2",
    "1e999",
    "1f32",
    "0.5f64",
    "'a'",
    r"'\u{10FFFF}'",
    r"'\''",
    "b'x'",
    r"b'\xff'",
    r#"b"429""#,
    r#"br"x""#,
    r#"c"x""#,
    // Strings: raw, empty, braces and format specs, unicode, escapes, suffixes.
    r#"r"raw""#,
    r###"r#"a "quoted" {a}"#"###,
    r#""""#,
    r#"" ""#,
    r#""{""#,
    r#""}""#,
    r#""{}""#,
    r#""{:?}""#,
    r#""{0:w$}""#,
    r#""{a:.*}""#,
    r#""{a:1$}""#,
    r#""{{}}""#,
    r#""{{a}}""#,
    r#""{a:y}""#,
    r#""{a:x?}{b:#X?}{0:+08.3e}""#,
    r#""{ a }""#,
    r#""{r#type}""#,
    r#""{4294967296}""#,
    r#""{ é }{𝄞}""#,
    r#""{a:é^9}{b:}<5}""#,
    r#""é ü 𝄞 \u{202e}""#,
    r#""\0\n\t\r\\\"""#,
    r#""OK""#,
    r#""ok""#,
    r#""resource_exhausted""#,
    r#""TRACE""#,
    r#""ftp://x""#,
    r#""https://""#,
    r#""https://x/#frag""#,
    r#""http://a b""#,
    r#""::""#,
    r#""a::""#,
    r#""crate""#,
    r#""1abc""#,
    r#""a-b""#,
    r#""snake_case_but_far_too_long_for_a_code_of_sixty_three_bytes_at_most_really""#,
    r#""x"suffix"#,
    // Not literals.
    "BAD",
    "Self::X",
    "status",
    "crate",
    "r#true",
    "true false",
    "400 500",
    "(400)",
    "[400]",
    "{400}",
    "=",
    "==",
    "#",
    "!",
    "'a",
    "..",
    "__invisible(400)",
    "__invisible(true)",
    r#"__invisible("{a}")"#,
    "__invisible()",
    "__invisible(__invisible(429))",
    "__invisible(400 500)",
    "__invisible(,)",
    "- __invisible(1)",
    "concat!(\"a\", \"b\")",
];

/// Field names of generated variants (with duplicates now and then).
const FIELD_NAMES: &[&str] = &[
    "a",
    "b",
    "field",
    "model",
    "wait",
    "violations",
    "r#type",
    "_x",
    "é",
    "status",
];

/// Field types, from plain to odd, some naming the generic parameters below.
const TYPES: &[&str] = &[
    "u64",
    "u32",
    "String",
    "&'static str",
    "&'a str",
    "T",
    "U",
    "Option<T>",
    "Option<u64>",
    "Vec<FieldViolation>",
    "::std::time::Duration",
    "Option<Duration>",
    "Box<dyn std::error::Error + Send + 'a>",
    "[u8; N]",
    "(T, U)",
    "()",
    "fn(T) -> U",
    "PhantomData<&'a T>",
    "<T as Iterator>::Item",
    "Self",
    "impl Display",
    "!",
    "dyn Display",
    "E<T>",
    "__invisible(u64)",
    "Vec<__invisible(T)>",
];

const IDENTS: &[&str] = &[
    "a",
    "x",
    "T",
    "Self",
    "self",
    "crate",
    "super",
    "fn",
    "type",
    "match",
    "true",
    "false",
    "r#type",
    "r#match",
    "dyn",
    "async",
    "union",
    "é",
    "_",
    "axum",
    "status",
    "api_error",
];

const PUNCTS: &[&str] = &[
    ",", "=", "==", "=>", "#", "!", "::", ":", ";", ".", "..", "...", "..=", "->", "<", ">", "&",
    "&&", "*", "+", "-", "/", "@", "$", "?", "~", "^", "|", "%", "'a", "'static",
];

/// Other attributes, and doc comments, that the derive must leave alone.
const OTHER_ATTRS: &[&str] = &[
    "/// A doc comment.\n",
    "///\n",
    "///    indented\n",
    "/** Block doc. */\n",
    "#[doc = \"doc attribute\"]",
    "#[doc = concat!(\"a\", \"b\")]",
    "#[doc(hidden)]",
    "#[doc]",
    "#[cfg(test)]",
    "#[cfg_attr(feature = \"x\", api_error(status = 400))]",
    "#[error(\"{0}\")]",
    "#[error(transparent)]",
    "#[allow(dead_code)]",
    "#[serde(rename = \"x\")]",
    "#[api_error::status]",
    "#[dos_errors::api_error(status = 400)]",
    "#[r#api_error(status = 400)]",
];

const GRPC_CODES: &[&str] = &[
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug", "off"];

const INTEGRATIONS: &[&str] = &["axum", "actix_web", "utoipa", "tonic"];

fn pick(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    select(pool).prop_map(str::to_owned).boxed()
}

// ---------------------------------------------------------------------------
// Random inputs: anything that parses as an item
// ---------------------------------------------------------------------------

/// The text of a string literal: words, placeholders, braces, any character.
fn string_text() -> BoxedStrategy<String> {
    vec(
        prop_oneof![
            4 => regex("[a-z ]{0,8}"),
            2 => regex("\\{[a-z0-9_]{0,3}(:[<^>*+#0-9.$?xXobeEpy]{0,4})?\\}"),
            1 => Just("{{".to_owned()),
            1 => Just("}}".to_owned()),
            1 => Just("{".to_owned()),
            1 => Just("}".to_owned()),
            1 => any::<char>().prop_map(String::from),
        ],
        0..6,
    )
    .prop_map(|pieces| pieces.concat())
    .boxed()
}

/// Any literal, of every kind.
fn literal() -> BoxedStrategy<String> {
    let int_suffix = pick(&[
        "", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "isize", "x",
    ]);
    prop_oneof![
        3 => pick(VALUES),
        2 => (any::<u128>(), int_suffix.clone()).prop_map(|(n, suffix)| format!("{n}{suffix}")),
        2 => (400u16..600, int_suffix).prop_map(|(n, suffix)| format!("{n}{suffix}")),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|x| if x.is_finite() { format!("{x:?}") } else { "1e308".to_owned() }),
        1 => any::<char>().prop_map(|c| format!("{c:?}")),
        1 => vec(any::<u8>(), 0..8).prop_map(|bytes| {
            let text: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
            format!("b\"{text}\"")
        }),
        3 => (string_text(), 0..4u8).prop_map(|(text, form)| match form {
            0 if !text.contains("\"#") && !text.contains('\r') => format!("r#\"{text}\"#"),
            1 => format!("{text:?}suffix"),
            _ => format!("{text:?}"),
        }),
    ]
    .boxed()
}

/// Any token tree: identifiers, punctuation, literals, groups of every delimiter.
fn token_tree() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        2 => pick(IDENTS),
        1 => regex("[a-zA-Z_][a-zA-Z0-9_]{0,6}"),
        2 => pick(PUNCTS),
        3 => literal(),
    ];
    // Three levels of groups, built once (`prop_recursive` rebuilds its levels for
    // every value, which made generating slower than deriving).
    let mut tree = leaf.boxed();
    for _ in 0..3 {
        let group = (0..4u8, vec(tree.clone(), 0..5)).prop_map(|(delimiter, trees)| {
            let body = trees.join(" ");
            match delimiter {
                0 => format!("({body})"),
                1 => format!("[{body}]"),
                2 => format!("{{{body}}}"),
                _ => format!("{INVISIBLE}({body})"),
            }
        });
        tree = prop_oneof![2 => tree, 1 => group].boxed();
    }
    tree
}

/// Strings matching `pattern`, the regex compiled once (a `&str` strategy compiles
/// it for every value).
fn regex(pattern: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(pattern)
        .expect("a valid regex")
        .boxed()
}

fn tokens(range: std::ops::Range<usize>) -> BoxedStrategy<String> {
    vec(token_tree(), range)
        .prop_map(|trees| trees.join(" "))
        .boxed()
}

/// A key with a value that suits it, so that inputs get past parsing to the rules.
fn fitting_entry() -> BoxedStrategy<String> {
    prop_oneof![
        (400u16..=599).prop_map(|status| format!("status = {status}")),
        pick(&["rate_limit_error", "invalid_request_error", "x", "a_1"])
            .prop_map(|t| format!("type = {t:?}")),
        string_text().prop_map(|text| format!("message = {text:?}")),
        pick(&[
            r#"message = "{a}""#,
            r#"message = "{0:?}""#,
            r#"message = "{b:>5}""#,
            r#"message = "{a:y}""#,
            r#"message = "{0:.x}""#,
        ]),
        Just("display".to_owned()),
        pick(&["retryable", "retryable = true", "retryable = false"]),
        (0u64..100_000).prop_map(|seconds| format!("retry_after = {seconds}")),
        pick(&["retry_after", "param", "violations", "transparent"]),
        pick(&["model_not_found", "x", "Bad"]).prop_map(|code| format!("code = {code:?}")),
        pick(&["model", "messages[0].role", " "]).prop_map(|param| format!("param = {param:?}")),
        pick(GRPC_CODES).prop_map(|code| format!("grpc = {code:?}")),
        pick(&["OK", "not_found", "Unavailable", "NOPE"])
            .prop_map(|code| format!("grpc = {code:?}")),
        pick(LOG_LEVELS).prop_map(|level| format!("log = {level:?}")),
        pick(&[
            "https://docs.example.com/errors",
            "http://x",
            "docs",
            "https://",
            "https://x/#a",
            "http://a b",
            "https://x/\\",
        ])
        .prop_map(|url| format!("docs = {url:?}")),
        pick(&["dos.ai", "", "a b"]).prop_map(|domain| format!("domain = {domain:?}")),
        vec(
            pick(&[
                "axum",
                "actix_web",
                "utoipa",
                "tonic",
                "warp",
                "r#axum",
                "Axum"
            ]),
            0..5
        )
        .prop_map(|names| format!("integrations({})", names.join(", "))),
        pick(&[
            "::dos_errors",
            "dos_errors",
            "crate::errors",
            "self",
            "::",
            "a b"
        ])
        .prop_map(|path| format!("crate = {path:?}")),
    ]
    .boxed()
}

/// One entry of an `#[api_error(…)]` list, in any form, fitting or not.
fn entry() -> BoxedStrategy<String> {
    let key = prop_oneof![
        8 => pick(KEYS),
        2 => pick(UNKNOWN_KEYS),
        1 => token_tree(),
    ]
    .boxed();
    let value = prop_oneof![
        3 => literal(),
        2 => tokens(1..4),
        1 => Just(String::new()),
        1 => literal().prop_map(|lit| format!("{INVISIBLE}({lit})")),
    ]
    .boxed();
    prop_oneof![
        6 => fitting_entry(),
        4 => (key.clone(), value.clone()).prop_map(|(key, value)| format!("{key} = {value}")),
        1 => key.clone(),
        1 => (key.clone(), tokens(0..4)).prop_map(|(key, inner)| format!("{key}({inner})")),
        1 => (key.clone(), value.clone()).prop_map(|(key, value)| format!("{key} {value}")),
        1 => (key.clone(), value.clone()).prop_map(|(key, value)| format!("{key} == {value}")),
        1 => tokens(1..3),
        // Invisible groups around an entry, a key, `= value`, or a list.
        1 => fitting_entry().prop_map(|entry| format!("{INVISIBLE}({entry})")),
        1 => (key.clone(), value.clone())
            .prop_map(|(key, value)| format!("{INVISIBLE}({key}) = {value}")),
        1 => (key.clone(), value).prop_map(|(key, value)| format!("{key} {INVISIBLE}(= {value})")),
        1 => (key, tokens(0..3)).prop_map(|(key, inner)| format!("{key} {INVISIBLE}(({inner}))")),
    ]
    .boxed()
}

/// The inside of `#[api_error(…)]`: entries with commas, missing or doubled.
fn entries() -> BoxedStrategy<String> {
    let separator = pick(&[", ", ", ", ", ", " ", ",, ", " ; "]);
    (vec((entry(), separator), 0..5), any::<bool>())
        .prop_map(|(entries, last_separator)| {
            let text: String = entries
                .iter()
                .map(|(entry, separator)| format!("{entry}{separator}"))
                .collect();
            if last_separator {
                text
            } else {
                text.trim_end_matches([',', ' ', ';']).to_owned()
            }
        })
        .boxed()
}

/// Any attribute: `#[api_error(…)]` in every form, doc comments, other attributes.
fn attribute() -> BoxedStrategy<String> {
    prop_oneof![
        12 => entries().prop_map(|inner| format!("#[api_error({inner})]")),
        1 => Just("#[api_error]".to_owned()),
        1 => Just("#[api_error()]".to_owned()),
        1 => literal().prop_map(|lit| format!("#[api_error = {lit}]")),
        1 => entries().prop_map(|inner| format!("#[api_error[{inner}]]")),
        1 => entries().prop_map(|inner| format!("#[api_error{{{inner}}}]")),
        1 => entries().prop_map(|inner| format!("#[api_error({INVISIBLE}({inner}))]")),
        3 => pick(OTHER_ATTRS),
    ]
    .boxed()
}

fn attributes(range: std::ops::Range<usize>) -> BoxedStrategy<String> {
    vec(attribute(), range)
        .prop_map(|attrs| attrs.join("\n"))
        .boxed()
}

fn visibility() -> BoxedStrategy<String> {
    pick(&[
        "",
        "",
        "pub ",
        "pub(crate) ",
        "pub(super) ",
        "pub(in crate::m) ",
    ])
}

/// Named, tuple or unit fields, each with its attributes.
fn fields() -> BoxedStrategy<String> {
    let field_attrs = prop_oneof![
        3 => pick(&[
            "",
            "",
            "#[api_error(retry_after)]",
            "#[api_error(param)]",
            "#[api_error(violations)]",
            "#[api_error(retry_after, param)]",
        ]),
        1 => attributes(1..3),
    ];
    let field = (
        field_attrs.boxed(),
        visibility(),
        pick(FIELD_NAMES),
        pick(TYPES),
    );
    prop_oneof![
        1 => Just(String::new()),
        2 => vec(field.clone(), 0..5).prop_map(|fields| {
            let fields: Vec<_> = fields
                .iter()
                .map(|(attrs, vis, name, ty)| format!("{attrs} {vis}{name}: {ty}"))
                .collect();
            format!(" {{ {} }}", fields.join(", "))
        }),
        2 => vec(field, 0..5).prop_map(|fields| {
            let fields: Vec<_> = fields
                .iter()
                .map(|(attrs, vis, _, ty)| format!("{attrs} {vis}{ty}"))
                .collect();
            format!("({})", fields.join(", "))
        }),
    ]
    .boxed()
}

fn variant() -> BoxedStrategy<String> {
    (
        attributes(0..3),
        pick(&[
            "A",
            "B",
            "Ok",
            "RateLimited",
            "r#match",
            "Ünïcode",
            "_Private",
            "A",
        ]),
        fields(),
        pick(&["", "", "", " = 3", " = -1", " = 1 << 2"]),
    )
        .prop_map(|(attrs, name, fields, discriminant)| {
            format!("{attrs}\n{name}{fields}{discriminant}")
        })
        .boxed()
}

/// `<…>` with lifetimes, type and const parameters, bounds, defaults, attributes.
fn generics() -> BoxedStrategy<(String, String)> {
    let lifetimes = vec(
        pick(&["'a", "'b: 'a", "'c: 'a + 'b", "#[cfg(x)] 'd", "'a"]),
        0..3,
    );
    let others = vec(
        pick(&[
            "T",
            "U: Display",
            "V: ?Sized",
            "W = u8",
            "X: Iterator<Item = T>",
            "Y: for<'x> Fn(&'x u8) -> bool",
            "Z: 'a + Clone",
            "#[cfg(x)] P",
            "T",
            "const N: usize",
            "const M: u8 = 3",
            "const B: bool = { true }",
        ]),
        0..4,
    );
    let where_clause = pick(&[
        "",
        "",
        "where T: Debug",
        "where T: Debug,",
        "where 'a: 'b",
        "where [u8; N]: Sized",
        "where for<'x> &'x T: Display",
        "where Self: Sized",
        "where",
    ]);
    (lifetimes, others, any::<bool>(), where_clause)
        .prop_map(|(lifetimes, others, brackets, where_clause)| {
            let params: Vec<_> = lifetimes.into_iter().chain(others).collect();
            let generics = if params.is_empty() && !brackets {
                String::new()
            } else {
                format!("<{}>", params.join(", "))
            };
            (generics, where_clause)
        })
        .boxed()
}

fn type_name() -> BoxedStrategy<String> {
    pick(&[
        "E",
        "ChatError",
        "r#Type",
        "Derived",
        "ApiError",
        "T",
        "__F",
    ])
}

/// Any item: enums of 0..12 variants, structs of every shape, unions.
fn any_input() -> BoxedStrategy<String> {
    let enum_input = (
        attributes(0..4),
        visibility(),
        type_name(),
        generics(),
        vec(variant(), 0..12),
        any::<bool>(),
    )
        .prop_map(
            |(attrs, vis, name, (generics, where_clause), variants, trailing)| {
                let comma = if trailing { "," } else { "" };
                format!(
                    "{attrs}\n{vis}enum {name}{generics} {where_clause} {{\n{}{comma}\n}}",
                    variants.join(",\n")
                )
            },
        );
    let struct_input = (
        attributes(0..4),
        visibility(),
        type_name(),
        generics(),
        fields(),
    )
        .prop_map(|(attrs, vis, name, (generics, where_clause), fields)| {
            if fields.starts_with(" {") {
                format!("{attrs}\n{vis}struct {name}{generics} {where_clause}{fields}")
            } else {
                format!("{attrs}\n{vis}struct {name}{generics}{fields} {where_clause};")
            }
        });
    let union_input = (attributes(0..3), type_name(), generics()).prop_map(
        |(attrs, name, (generics, where_clause))| {
            format!("{attrs}\nunion {name}{generics} {where_clause} {{ a: u8, b: u16 }}")
        },
    );
    prop_oneof![6 => enum_input, 3 => struct_input, 1 => union_input].boxed()
}

// ---------------------------------------------------------------------------
// Valid inputs: every rule respected by construction
// ---------------------------------------------------------------------------

/// The fields of a valid variant: distinct names (or none, for a tuple), any type.
#[derive(Clone, Debug)]
struct Shape {
    named: bool,
    /// Each field's name (`None` in a tuple) and type.
    fields: Vec<(Option<String>, String)>,
}

impl Shape {
    /// How a message names field `index`.
    fn placeholder(&self, index: usize) -> String {
        match &self.fields[index].0 {
            Some(name) => name.clone(),
            None => index.to_string(),
        }
    }

    /// The fields, each with the attributes given by `markers`.
    fn render(&self, markers: &[String]) -> String {
        let fields: Vec<_> = self
            .fields
            .iter()
            .zip(markers)
            .map(|((name, ty), marker)| match name {
                Some(name) => format!("{marker} {name}: {ty}"),
                None => format!("{marker} {ty}"),
            })
            .collect();
        match (self.fields.is_empty(), self.named) {
            (true, false) => String::new(),
            (_, true) => format!(" {{ {} }}", fields.join(", ")),
            (false, false) => format!("({})", fields.join(", ")),
        }
    }
}

fn shape() -> BoxedStrategy<Shape> {
    let names = &["a", "b", "field", "model", "wait", "r#type", "é", "_x"];
    (
        any::<bool>(),
        subsequence(names.to_vec(), 0..4),
        vec(pick(TYPES), 4),
    )
        .prop_map(|(named, names, types)| Shape {
            named,
            fields: names
                .iter()
                .zip(types)
                .map(|(name, ty)| (named.then(|| (*name).to_owned()), ty))
                .collect(),
        })
        .boxed()
}

/// The random choices behind a valid variant's keys (or a struct's).
#[derive(Clone, Debug)]
struct Keys {
    status: Option<u16>,
    error_type: Option<String>,
    /// 0: none, 1: static `message`, 2: interpolated `message`, 3: `display`.
    message: u8,
    /// Text pieces, and for each a field (as an index into the fields) and a spec.
    template: Vec<(String, prop::sample::Index, String)>,
    /// 0: not said, 1: `retryable`, 2: `retryable = false`.
    retryable: u8,
    /// 0: none, 1: `retry_after = N`, 2: `#[api_error(retry_after)]` on a field.
    retry_after: (u8, u64),
    code: Option<String>,
    /// 0: none, 1: `param = "…"`, 2: `#[api_error(param)]` on a field.
    param: u8,
    violations: bool,
    /// Name a raw field without its `r#` in the message.
    unraw: bool,
    grpc: Option<String>,
    log: Option<String>,
}

prop_compose! {
    fn keys()(
        status in option::of(400u16..=599),
        error_type in option::of(pick(&["rate_limit_error", "not_found_error", "x", "a_1_b"])),
        message in 0..4u8,
        template in vec(
            (
                regex("[a-zA-Z ,.é\"\\\\]{0,8}"),
                any::<prop::sample::Index>(),
                pick(&["", "?", "x", "X?", ">5", "*^9", ".1", "#?", "+", "08.3", "e", "p", "<3"]),
            ),
            1..4,
        ),
        retryable in 0..3u8,
        retry_after in (0..3u8, 0u64..1_000_000),
        code in option::of(pick(&["model_not_found", "x", "rate_limit_exceeded"])),
        (param, violations, unraw) in (0..3u8, any::<bool>(), any::<bool>()),
        grpc in option::of(pick(GRPC_CODES)),
        log in option::of(pick(LOG_LEVELS)),
    ) -> Keys {
        Keys {
            status, error_type, message, template, retryable, retry_after, code, param,
            violations, unraw, grpc, log,
        }
    }
}

impl Keys {
    /// The keys and the fields' markers of a valid variant (or struct) with `shape`.
    fn render(&self, shape: &Shape, needs_status: bool) -> (Vec<String>, Vec<String>) {
        let mut keys = Vec::new();
        let mut markers = vec![Vec::new(); shape.fields.len()];
        let has_fields = !shape.fields.is_empty();
        match (self.status, needs_status) {
            (Some(status), _) => keys.push(format!("status = {status}")),
            (None, true) => keys.push("status = 500".to_owned()),
            (None, false) => {}
        }
        if let Some(error_type) = &self.error_type {
            keys.push(format!("type = {error_type:?}"));
        }
        match self.message {
            1 => keys.push(format!("message = {:?}", self.static_text())),
            2 if has_fields => {
                let mut template = String::new();
                for (text, field, spec) in &self.template {
                    let escaped = text.replace('{', "{{").replace('}', "}}");
                    let name = shape.placeholder(field.index(shape.fields.len()));
                    // `{type}` and `{r#type}` both name the field `r#type`.
                    let name = match name.strip_prefix("r#") {
                        Some(bare) if self.unraw => bare.to_owned(),
                        _ => name,
                    };
                    let spec = if spec.is_empty() {
                        String::new()
                    } else {
                        format!(":{spec}")
                    };
                    let _ = write!(template, "{escaped}{{{name}{spec}}}");
                }
                keys.push(format!("message = {template:?}"));
            }
            2 => keys.push(format!("message = {:?}", self.static_text())),
            3 => keys.push("display".to_owned()),
            _ => {}
        }
        // A retry delay needs a retryable error: say so rather than rely on the status.
        let (retry_after, seconds) = self.retry_after;
        let retry_after = if retry_after == 2 && !has_fields {
            1
        } else {
            retry_after
        };
        match (retry_after, self.retryable) {
            (0, 1) | (1 | 2, _) => keys.push("retryable".to_owned()),
            (0, 2) => keys.push("retryable = false".to_owned()),
            _ => {}
        }
        match retry_after {
            1 => keys.push(format!("retry_after = {seconds}")),
            2 => markers[shape.fields.len() - 1].push("retry_after"),
            _ => {}
        }
        if let Some(code) = &self.code {
            keys.push(format!("code = {code:?}"));
        }
        match self.param {
            2 if has_fields => markers[0].push("param"),
            1 | 2 => keys.push("param = \"messages[0].role\"".to_owned()),
            _ => {}
        }
        if self.violations && has_fields {
            markers[shape.fields.len() / 2].push("violations");
        }
        if let Some(grpc) = &self.grpc {
            keys.push(format!("grpc = {grpc:?}"));
        }
        if let Some(log) = &self.log {
            keys.push(format!("log = {log:?}"));
        }
        let markers = markers
            .iter()
            .map(|marker| {
                if marker.is_empty() {
                    String::new()
                } else {
                    format!("#[api_error({})]", marker.join(", "))
                }
            })
            .collect();
        (keys, markers)
    }

    /// The template's text alone, braces doubled.
    fn static_text(&self) -> String {
        let text: String = self
            .template
            .iter()
            .map(|(text, ..)| text.as_str())
            .collect();
        text.replace('{', "{{").replace('}', "}}")
    }
}

/// Keys of the whole type, each valid.
fn type_keys() -> BoxedStrategy<Vec<String>> {
    (
        option::of(pick(&[
            "https://docs.example.com/errors",
            "http://x.y/a?b=c",
        ])),
        option::of(pick(&["dos.ai", "example.com"])),
        option::of(subsequence(INTEGRATIONS, 1..=4)),
        option::of(pick(&[
            "::dos_errors",
            "dos_errors",
            "crate::errors",
            "self::x",
        ])),
    )
        .prop_map(|(docs, domain, integrations, krate)| {
            let mut keys = Vec::new();
            if let Some(docs) = docs {
                keys.push(format!("docs = {docs:?}"));
            }
            if let Some(domain) = domain {
                keys.push(format!("domain = {domain:?}"));
            }
            if let Some(integrations) = integrations {
                keys.push(format!("integrations({})", integrations.join(", ")));
            }
            if let Some(krate) = krate {
                keys.push(format!("crate = {krate:?}"));
            }
            keys
        })
        .boxed()
}

/// The type's defaults on an enum: valid whatever each variant says.
fn enum_defaults() -> BoxedStrategy<Vec<String>> {
    (
        option::of(400u16..=599),
        option::of(pick(&["invalid_request_error", "server_error"])),
        0..3u8,
        0..3u8,
        option::of(0u64..1000),
        option::of(pick(GRPC_CODES)),
        option::of(pick(LOG_LEVELS)),
    )
        .prop_map(
            |(status, error_type, message, retryable, retry_after, grpc, log)| {
                let mut keys = Vec::new();
                if let Some(status) = status {
                    keys.push(format!("status = {status}"));
                }
                if let Some(error_type) = error_type {
                    keys.push(format!("type = {error_type:?}"));
                }
                match message {
                    // A default message cannot name fields: each variant has its own.
                    1 => keys.push("message = \"Something {{went}} wrong\"".to_owned()),
                    2 => keys.push("display".to_owned()),
                    _ => {}
                }
                match (retryable, retry_after) {
                    (1, _) => keys.push("retryable".to_owned()),
                    (2, None) => keys.push("retryable = false".to_owned()),
                    _ => {}
                }
                if let Some(seconds) = retry_after {
                    keys.push(format!("retry_after = {seconds}"));
                }
                if let Some(grpc) = grpc {
                    keys.push(format!("grpc = {grpc:?}"));
                }
                if let Some(log) = log {
                    keys.push(format!("log = {log:?}"));
                }
                keys
            },
        )
        .boxed()
}

fn api_error(keys: &[String]) -> String {
    if keys.is_empty() {
        String::new()
    } else {
        format!("#[api_error({})]", keys.join(", "))
    }
}

/// A valid variant's source, given whether the enum sets a status.
fn valid_variant(name: &str, variant: &ValidVariant, enum_status: bool) -> String {
    let (shape, keys, transparent, noise) = variant;
    let noise = noise.join("\n");
    if *transparent && shape.fields.len() == 1 {
        let markers = vec![String::new()];
        return format!(
            "{noise}\n#[api_error(transparent)]\n{name}{}",
            shape.render(&markers)
        );
    }
    let (keys, markers) = keys.render(shape, !enum_status);
    format!(
        "{noise}\n{}\n{name}{}",
        api_error(&keys),
        shape.render(&markers)
    )
}

/// Attributes and doc comments a valid item may carry: the derive leaves them alone.
const HARMLESS_ATTRS: &[&str] = &[
    "/// Docs.\n",
    "///\n///   Indented docs, then a blank line.\n///\n",
    "/** Block docs with \"quotes\" and {braces}. */\n",
    "#[doc = \"\\u{0} \\\\ \\\" é\"]",
    "#[doc = concat!(\"a\", \"b\")]",
    "#[doc(hidden)]",
    "#[error(\"{0}\")]",
    "#[allow(dead_code)]",
    "#[serde(rename = \"x\")]",
    "#[cfg_attr(any(), api_error(status = 200))]",
    "#[api_error::status]",
];

/// A valid variant's fields, keys, whether it is `transparent`, and other attributes.
type ValidVariant = (Shape, Keys, bool, Vec<String>);

fn valid_input() -> BoxedStrategy<String> {
    let variant = (
        shape(),
        keys().boxed(),
        prop::bool::weighted(0.15),
        vec(pick(HARMLESS_ATTRS), 0..3),
    );
    let enum_input = (
        type_keys(),
        enum_defaults(),
        generics(),
        vec(variant.clone(), 0..10),
        pick(&["V", "r#V", "Ünïcode", "_P"]),
    )
        .prop_map(
            |(type_keys, defaults, (generics, where_clause), variants, prefix)| {
                let enum_status = defaults.iter().any(|key| key.starts_with("status"));
                let variants: Vec<_> = variants
                    .iter()
                    .enumerate()
                    .map(|(index, variant)| {
                        valid_variant(&format!("{prefix}{index}"), variant, enum_status)
                    })
                    .collect();
                let keys: Vec<_> = type_keys.into_iter().chain(defaults).collect();
                format!(
                    "{}\npub enum E{generics} {where_clause} {{\n{}\n}}",
                    api_error(&keys),
                    variants.join(",\n")
                )
            },
        );
    let struct_input = (type_keys(), generics(), variant).prop_map(
        |(type_keys, (generics, where_clause), (shape, keys, transparent, noise))| {
            let (keys, markers) = if transparent && shape.fields.len() == 1 {
                (vec!["transparent".to_owned()], vec![String::new()])
            } else {
                keys.render(&shape, true)
            };
            let keys: Vec<_> = type_keys.into_iter().chain(keys).collect();
            let body = shape.render(&markers);
            let attrs = format!("{}\n{}", noise.join("\n"), api_error(&keys));
            if shape.named {
                format!("{attrs}\nstruct S{generics} {where_clause}{body}")
            } else {
                format!("{attrs}\nstruct S{generics}{body} {where_clause};")
            }
        },
    );
    prop_oneof![3 => enum_input, 1 => struct_input].boxed()
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

/// Random items, attributes of every form with every key and any value: the derive
/// returns items, with spanned errors and the stubs when the input is invalid.
#[test]
fn never_panics_on_any_input() {
    let tally = run("any input", &any_input(), false);
    // The generator must reach the derive, not mostly trip the parser.
    assert!(
        tally.derived() * 10 >= tally.cases * 8,
        "only {} of {} inputs reached the derive: {tally:?}",
        tally.derived(),
        tally.cases
    );
    assert!(
        tally.invalid > 0,
        "no invalid input was generated: {tally:?}"
    );
}

/// Valid by construction: the derive must accept every one.
#[test]
fn accepts_every_valid_input() {
    let tally = run("valid input", &valid_input(), true);
    assert_eq!(tally.valid, tally.cases);
}

/// Every key, and unknown ones, in every form with every value of the pool, at
/// every place: an exhaustive grid rather than a sample.
#[test]
fn never_panics_on_any_key_with_any_value_anywhere() {
    // An unknown key is refused before its value is read: a few values suffice.
    let values = |key: &str| {
        if KEYS.contains(&key) {
            VALUES
        } else {
            &VALUES[..3]
        }
    };
    let forms: Vec<String> = KEYS
        .iter()
        .chain(UNKNOWN_KEYS)
        .flat_map(|key| {
            let alone = [
                (*key).to_owned(),
                format!("{key} ="),
                format!("{key}()"),
                format!("{key}(axum, axum, warp)"),
                format!("{key}[1]"),
                format!("{key}, {key}"),
                format!("{INVISIBLE}({key})"),
            ];
            let valued = values(key)
                .iter()
                .map(move |value| format!("{key} = {value}"));
            alone.into_iter().chain(valued)
        })
        .collect();
    // Each place, with the entry as `{}`; fields `a` and `b` for the messages.
    let places = [
        "#[api_error({})] enum E { #[api_error(status = 400)] A { a: u8, b: u8 } }",
        "enum E { #[api_error({})] A { a: u8, b: u8 }, #[api_error(status = 503)] B(u64) }",
        "enum E { #[api_error(status = 429)] A { #[api_error({})] a: u8, b: u8 } }",
        "#[api_error({})] struct S { a: u8, b: u8 }",
        "#[api_error(status = 429)] struct S(#[api_error({})] u8, u8);",
    ];
    let mut tally = Tally::default();
    let started = Instant::now();
    for place in places {
        for form in &forms {
            let source = place.replacen("{}", form, 1);
            match check(&source) {
                Ok(outcome) => tally.add(&outcome),
                Err(problem) => panic!("{problem}"),
            }
        }
    }
    eprintln!(
        "grid: {} inputs in {:.1?}: {tally:?}",
        tally.cases,
        started.elapsed()
    );
    assert_eq!(tally.not_tokens + tally.not_derive_input, 0, "{tally:?}");
    assert!(tally.valid > 0 && tally.invalid > 0, "{tally:?}");
}

/// An enum of 2,000 variants, each with keys: one impl, no error.
#[test]
fn huge_valid_enum() {
    let variants: String = (0..2000)
        .map(|index| {
            let status = 400 + index % 200;
            format!(
                "/// Variant {index}.\n#[api_error(status = {status}, code = \"c{index}\", \
                 message = \"{{a}} of {index}\")] V{index} {{ a: u32 }},\n"
            )
        })
        .collect();
    let source = format!("#[api_error(domain = \"dos.ai\")] enum Huge {{ {variants} }}");
    assert_eq!(check(&source), Ok(Outcome::Valid));
}

/// 2,000 variants, each missing its status: 2,000 errors next to one stub.
#[test]
fn huge_invalid_enum() {
    let variants: String = (0..2000).map(|index| format!("V{index}, ")).collect();
    let source = format!("enum Huge {{ {variants} }}");
    assert_eq!(check(&source), Ok(Outcome::Invalid(2000)));
}

/// One attribute with 2,000 keys: the first `status` is kept, every other one
/// reported once, each with its note at the first (two `compile_error!`s).
#[test]
fn huge_attribute() {
    let keys = vec!["status = 400"; 2000].join(", ");
    let source = format!("#[api_error({keys})] struct S;");
    assert_eq!(check(&source), Ok(Outcome::Invalid(2 * 1999)));
}

/// Empty enums, with and without attributes and generics.
#[test]
fn empty_enums() {
    for source in [
        "enum E {}",
        "#[api_error(status = 400)] enum E {}",
        "#[api_error(integrations(axum))] enum E<'a, T: 'a, const N: usize> where T: Copy {}",
    ] {
        assert_eq!(check(source), Ok(Outcome::Valid), "{source}");
    }
    assert_eq!(
        check("#[api_error(status = 200)] enum E {}"),
        Ok(Outcome::Invalid(1))
    );
}

/// Values nested deep in invisible groups, as layers of `macro_rules!` produce.
#[test]
fn deeply_invisible_values() {
    let wrap = |value: &str, depth: usize| {
        format!(
            "{}{value}{}",
            format!("{INVISIBLE}(").repeat(depth),
            ")".repeat(depth)
        )
    };
    for depth in [1, 2, 16, 128, 256] {
        let status = wrap("429", depth);
        let message = wrap("\"{0}\"", depth);
        let source =
            format!("enum E {{ #[api_error(status = {status}, message = {message})] A(u8) }}");
        assert_eq!(check(&source), Ok(Outcome::Valid), "{source}");
        let inner = wrap("status = 400", depth);
        let source = format!("#[api_error({inner})] struct S;");
        assert!(check(&source).is_ok(), "{source}");
    }
}

/// A panic inside the derive comes back with the derive's own frames: here spans
/// whose source is forgotten make `syn::Error::span` panic in `attr::assign`.
#[test]
fn a_panic_in_the_derive_is_reported_with_its_frames() {
    let tokens: TokenStream = "#[api_error(message =)] struct S;".parse().unwrap();
    let node = syn::parse2::<DeriveInput>(tokens).unwrap();
    proc_macro2::extra::invalidate_current_thread_spans();
    let report = catch_panic(|| crate::derive(&node)).unwrap_err();
    assert!(
        report.contains("panicked at") && report.contains("dos_errors_derive::attr::assign at "),
        "{report}"
    );
}
