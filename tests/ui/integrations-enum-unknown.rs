use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(integrations(axum, rocket, axum))]
enum E {
    #[api_error(status = 400)]
    A,
}

#[derive(Debug, ApiError)]
#[api_error(status = 400, integrations)]
struct S;

fn main() {}
