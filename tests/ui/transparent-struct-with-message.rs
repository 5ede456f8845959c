use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(transparent, message = "hidden")]
struct E(Inner);
#[derive(Debug, ApiError)]
#[api_error(status = 400)]
struct Inner;

fn main() {}
