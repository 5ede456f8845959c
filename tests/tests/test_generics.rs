//! Generic types: bounds are inferred from how fields are used; lifetimes work.

use std::fmt;
use std::time::Duration;

use dos_errors::ApiError;

#[derive(Debug, ApiError)]
enum Generic<T, U, R> {
    #[api_error(status = 400, message = "bad {0}")]
    Shown(T),
    #[api_error(status = 400, message = "bad {0:?}")]
    Debugged(U),
    #[api_error(status = 429)]
    Waiting(#[api_error(retry_after)] R),
    #[api_error(transparent)]
    Nested(Box<Leaf<T>>),
}

#[derive(Debug, ApiError)]
#[api_error(status = 422, message = "leaf {0}")]
struct Leaf<T>(T);

struct OnlyDebug;
impl fmt::Debug for OnlyDebug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnlyDebug")
    }
}

#[test]
fn bounds_follow_the_use_of_each_parameter() {
    type G = Generic<u64, OnlyDebug, Option<Duration>>;
    assert_eq!(G::Shown(5).message(), "bad 5");
    assert_eq!(G::Debugged(OnlyDebug).message(), "bad OnlyDebug");
    assert_eq!(
        G::Waiting(Some(Duration::from_secs(2))).retry_after(),
        Some(Duration::from_secs(2))
    );
    assert_eq!(G::Waiting(None).retry_after(), None);
    let nested: G = Generic::Nested(Box::new(Leaf(9)));
    assert_eq!(nested.message(), "leaf 9");
    assert_eq!(nested.to_json(), Leaf(9).to_json());
}

#[test]
fn lifetimes_and_existing_bounds() {
    #[derive(Debug, ApiError)]
    #[api_error(status = 400)]
    struct Borrowed<'a, T: fmt::Display + ?Sized> {
        #[allow(dead_code)]
        name: &'a T,
    }
    #[derive(Debug, ApiError)]
    #[api_error(status = 400, message = "bad name {name}")]
    struct Named<'a> {
        name: &'a str,
    }
    let owner = String::from("zed");
    assert_eq!(Named { name: &owner }.message(), "bad name zed");
    assert_eq!(Borrowed { name: "x" }.status(), 400);
}

#[test]
fn generic_type_behind_dyn() {
    let errors: Vec<Box<dyn ApiError>> = vec![
        Box::new(Generic::<&str, (), u32>::Shown("a")),
        Box::new(Generic::<&str, (), u32>::Waiting(3)),
    ];
    let statuses: Vec<u16> = errors.iter().map(|e| e.status().as_u16()).collect();
    assert_eq!(statuses, [400, 429]);
    assert_eq!(errors[1].retry_after(), Some(Duration::from_secs(3)));
}

#[test]
fn generic_catalogue() {
    use dos_errors::catalog::ApiErrorCatalog;
    type G = Generic<u64, OnlyDebug, u32>;
    let names: Vec<_> = G::catalog().iter().map(|spec| spec.name).collect();
    // The transparent `Box<Leaf<T>>` contributes Leaf's catalogue.
    assert_eq!(names, ["Shown", "Debugged", "Waiting", "Leaf"]);
}
