use dos_errors::ApiError;
#[derive(Debug, ApiError)]
#[api_error(status = 400, message = "bad model {model}")]
enum E {
    A { model: String },
    B,
}

fn main() {}
