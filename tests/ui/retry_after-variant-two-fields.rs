use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 429)]
    A {
        #[api_error(retry_after)]
        first: u64,
        #[api_error(retry_after)]
        second: u64,
    },
}

fn main() {}
