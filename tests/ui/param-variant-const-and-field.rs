use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400, param = "model")]
    A {
        #[api_error(param)]
        name: String,
    },
}

fn main() {}
