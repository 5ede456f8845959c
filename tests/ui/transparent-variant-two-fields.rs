use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(transparent)]
    A(Inner, Inner),
}
#[derive(Debug, ApiError)]
#[api_error(status = 400)]
struct Inner;

fn main() {}
