use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 503, retryable = false, retry_after = 5)]
enum E {
    A,
}

fn main() {}
