use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 503, retryable = false, retry_after = 5)]
    A,
}

fn main() {}
