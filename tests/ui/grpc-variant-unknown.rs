use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 429, grpc = "RESOURCE_EXHAUSTD")]
    A,
    #[api_error(status = 400, grpc = "OK")]
    B,
    #[api_error(status = 400, grpc = "invalid_argument")]
    C,
}

fn main() {}
