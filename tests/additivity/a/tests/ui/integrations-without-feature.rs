use errors::ApiError;

#[derive(Debug, ApiError)]
#[api_error(crate = "errors", integrations(axum, utoipa))]
enum E {
    #[api_error(status = 400)]
    A,
}

fn main() {}
