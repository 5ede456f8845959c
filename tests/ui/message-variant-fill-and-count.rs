use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    // `*` and `$` are fill characters here: accepted.
    #[api_error(status = 400, message = "[{0:*^9}] [{0:$<4}]")]
    A(u32),
    // Counts from arguments are not supported.
    #[api_error(status = 400, message = "[{0:.*}]")]
    B(f64),
    #[api_error(status = 400, message = "[{0:y}]")]
    C(u32),
}

fn main() {}
