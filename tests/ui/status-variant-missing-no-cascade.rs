//! An invalid derive reports its own error only: the type still "implements"
//! `ApiError`, its catalogue and the framework hooks, so uses elsewhere compile.
use dos_errors::catalog::ApiErrorCatalog;
use dos_errors::ApiError;

#[derive(Debug, ApiError)]
enum E {
    #[api_error(message = "no status")]
    A,
}

fn use_it(e: &E) -> u16 {
    let _ = E::catalog();
    e.status().as_u16()
}

fn main() {
    let _ = use_it(&E::A);
}
