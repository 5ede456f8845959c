use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(transparent)]
enum E {
    A(Inner),
}
#[derive(Debug, ApiError)]
#[api_error(status = 400)]
struct Inner;

fn main() {}
