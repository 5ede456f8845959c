//! An enum without variants derives (every method is an empty match).
use dos_errors::ApiError;

#[derive(Debug, ApiError)]
enum Never {}

fn takes_api_error<E: ApiError>(_: Option<E>) -> bool {
    true
}

fn main() {
    assert!(takes_api_error::<Never>(None));
}
