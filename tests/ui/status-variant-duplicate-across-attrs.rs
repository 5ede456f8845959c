use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400)]
    #[api_error(message = "x", status = 401)]
    A,
}

fn main() {}
