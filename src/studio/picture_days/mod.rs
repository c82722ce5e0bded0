//! School picture days (días de foto escolar), on a contract with a school: the school's
//! roster with an access code per student, the packages the contract sells, the orders
//! families place with a code (no sign-in) or staff record, and the day's summary with the
//! school's commission.
//!
//! - [`roster`] — students, imported from CSV/XLSX or edited by hand; the class list file.
//! - [`codes`] — access codes: random, unique in the studio, easy to type.
//! - [`packages`] — what a contract sells.
//! - [`orders`] — package orders by staff, and by families on the public routes.
//! - [`summary`] — the figures.
//! - [`model`] / [`repo`] — the contract's terms every part checks (status, deadline, fee).

pub mod codes;
pub mod model;
pub mod orders;
pub mod packages;
pub mod repo;
pub mod roster;
pub mod summary;

/// Every picture-day API, as one member of the studio's group.
pub type Apis = (
    roster::api::RosterApi,
    packages::api::PackagesApi,
    orders::api::PackageOrdersApi,
    orders::public_api::FamilyOrdersApi,
    summary::api::SummaryApi,
);

/// The value of [`Apis`].
pub fn apis() -> Apis {
    (
        roster::api::RosterApi,
        packages::api::PackagesApi,
        orders::api::PackageOrdersApi,
        orders::public_api::FamilyOrdersApi,
        summary::api::SummaryApi,
    )
}
