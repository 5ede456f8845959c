use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(message = "oops")]
struct E;

fn main() {}
