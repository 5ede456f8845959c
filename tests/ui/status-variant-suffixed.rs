use dos_errors::ApiError;

#[derive(Debug, ApiError)]
enum ChatError {
    #[api_error(status = 429u16)]
    RateLimited,
}

fn main() {}
