use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 429, retry_after = 5)]
    A {
        #[api_error(retry_after)]
        wait: u64,
    },
}

fn main() {}
