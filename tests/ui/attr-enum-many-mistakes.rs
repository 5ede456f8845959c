use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 600, type = "Bad")]
    A,
    #[api_error(status = 400, colour = "red", message = "{nope}")]
    B,
    C,
}

fn main() {}
