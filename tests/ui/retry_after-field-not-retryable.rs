use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 401)]
    A {
        #[api_error(retry_after)]
        wait: u64,
    },
}

fn main() {}
