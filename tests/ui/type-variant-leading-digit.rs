use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, type = "4xx_error")]
    A,
}

fn main() {}
