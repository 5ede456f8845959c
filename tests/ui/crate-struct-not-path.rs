use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 400, crate = "not a path")]
struct S;

fn main() {}
