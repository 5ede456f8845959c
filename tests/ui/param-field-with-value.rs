use dos_errors::ApiError;
#[derive(Debug, ApiError)]
enum E {
    #[api_error(status = 400)]
    A {
        #[api_error(param = "model")]
        name: String,
    },
}

fn main() {}
