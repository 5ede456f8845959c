use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 429)]
    A {
        #[api_error(retry_after)]
        wait: String,
    },
}

fn main() {}
