use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 400, message = "bad {value}")]
struct E;

fn main() {}
