//! Type parameters used in a message get their bound inferred; no bounds written.
use dos_errors::ApiError;
use std::fmt;

#[derive(Debug, ApiError)]
enum Wrapper<T, U> {
    #[api_error(status = 400, message = "bad value {0}")]
    Shown(T),
    #[api_error(status = 422, message = "bad debug {inner:?}")]
    Debugged { inner: U },
    #[api_error(status = 500)]
    Hidden(U),
}

struct NotDisplay;
impl fmt::Debug for NotDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NotDisplay")
    }
}

fn main() {
    let shown: Wrapper<u32, NotDisplay> = Wrapper::Shown(7);
    assert_eq!(shown.message(), "bad value 7");
    let debugged: Wrapper<u32, NotDisplay> = Wrapper::Debugged { inner: NotDisplay };
    assert_eq!(debugged.message(), "bad debug NotDisplay");
    let hidden: Wrapper<u32, NotDisplay> = Wrapper::Hidden(NotDisplay);
    assert_eq!(hidden.status(), 500);
}
