use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(transparent, status = 500)]
    A(Inner),
}
#[derive(Debug, ApiError)]
#[api_error(status = 400)]
struct Inner;

fn main() {}
