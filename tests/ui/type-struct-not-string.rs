use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 400, type = 5)]
struct E;

fn main() {}
