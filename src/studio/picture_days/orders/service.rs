//! The rules of package orders, for staff and for families alike: the student and the
//! package are of the same contract; the contract takes orders; the package is on sale; a
//! student orders each package once; after the order deadline the order is late and carries
//! the contract's late fee. Families reach a student only through its access code, and every
//! code that opens nothing (unknown, of another studio, or not matching the package's
//! contract) is the same 404 and counts against the caller's IP.

use chrono::Datelike;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditContext};
use crate::auth::extract::{TenantUser, TenantVisitor};
use crate::db::{TenantDb, Window};
use crate::http::{ApiError, ApiResult, FieldError};
use crate::studio::numbering;
use crate::studio::picture_days::codes;
use crate::studio::picture_days::model::ContractTerms;
use crate::studio::picture_days::orders::model::{
    AccessCodeInput, FamilyOffer, FamilyOrder, FamilyOrderInput, OfferedPackage, OrderChannel, OrderFilter,
    PackageOrder, StaffOrderInput, short_name,
};
use crate::studio::picture_days::orders::repo::{self, NewOrder};
use crate::studio::picture_days::packages::model::Package;
use crate::studio::picture_days::packages::repo as packages;
use crate::studio::picture_days::repo as contracts;
use crate::studio::picture_days::roster::repo as roster;
use crate::studio::picture_days::roster::service::contract;

/// Who places an order.
struct Placement<'a> {
    channel: OrderChannel,
    recorded_by: Option<Uuid>,
    notes: Option<&'a str>,
    audit: &'a AuditContext,
}

/// Places an order for `student` (a roster row of `terms`' contract) of `package` (of the
/// same contract) inside `tx`, with its audit row.
async fn place(
    tx: &mut TenantDb,
    terms: &ContractTerms,
    today: chrono::NaiveDate,
    student: Uuid,
    package: &Package,
    by: Placement<'_>,
) -> ApiResult<PackageOrder> {
    if !package.active {
        return Err(ApiError::Conflict {
            code: "package_unavailable",
            detail: format!("the package {} is no longer on sale", package.name),
            errors: Vec::new(),
        });
    }
    let already = |reference: Option<String>| ApiError::ConflictWith {
        code: "already_ordered",
        detail: format!("this student already has an order for {}", package.name),
        context: json!({"reference": reference}),
    };
    if let Some(reference) = repo::existing(tx, student, package.id).await? {
        return Err(already(Some(reference)));
    }
    let (late, late_fee) = terms.lateness_on(today);
    let number = numbering::next(tx, "PKG", today.year()).await?;
    let new = NewOrder {
        number: &number,
        contract_id: terms.id,
        student,
        package_id: package.id,
        price: package.price,
        late,
        late_fee,
        channel: by.channel,
        recorded_by: by.recorded_by,
        notes: by.notes,
    };
    let id = repo::insert(tx, &new).await.map_err(|e| {
        // Two submits at once: the unique index lets one through.
        let double = e.as_database_error().and_then(|d| d.constraint()) == Some("package_orders_student_package_key");
        if double { already(None) } else { e.into() }
    })?;
    let order = repo::get(tx, terms.id, id).await?.ok_or_else(|| ApiError::internal("order vanished"))?;
    audit::created(tx, by.audit, &order).await?;
    Ok(order)
}

/// Staff record an order for a student of the contract's roster (open on active and expired
/// contracts). The student and package must be of this contract (422 naming the field).
pub async fn record(user: &TenantUser, contract_id: Uuid, input: &StaffOrderInput) -> ApiResult<PackageOrder> {
    let notes = input.validate()?;
    let today = user.tenant.today();
    let mut tx = user.begin().await?;
    let terms = contracts::hold_terms(&mut tx, contract_id).await?.ok_or_else(|| ApiError::not_found("contract"))?;
    let student = roster::get(&mut tx, contract_id, input.student_id.trim()).await?;
    let package = packages::get(&mut tx, contract_id, input.package_id).await?;
    let (student, package) = match (student, package) {
        (Some(s), Some(p)) => (s, p),
        (s, p) => {
            let mut errors = Vec::new();
            if s.is_none() {
                errors.push(FieldError::new("student_id", "no student of this contract has this id"));
            }
            if p.is_none() {
                errors.push(FieldError::new("package_id", "no package of this contract has this id"));
            }
            return Err(ApiError::Validation(errors));
        }
    };
    terms.check_takes_orders(today, true)?;
    let by = Placement {
        channel: OrderChannel::Staff,
        recorded_by: Some(user.user_id),
        notes: notes.as_deref(),
        audit: user.audit(),
    };
    let order = place(&mut tx, &terms, today, student.id, &package, by).await?;
    tx.commit().await?;
    Ok(order)
}

pub async fn list(
    user: &TenantUser,
    contract_id: Uuid,
    filter: &OrderFilter,
    window: Window,
) -> ApiResult<(i64, Vec<PackageOrder>)> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    Ok(repo::list(&mut db, contract_id, filter, window).await?)
}

pub async fn get(user: &TenantUser, contract_id: Uuid, id: Uuid) -> ApiResult<PackageOrder> {
    let mut db = user.db().await?;
    contract(&mut db, contract_id).await?;
    repo::get(&mut db, contract_id, id).await?.ok_or_else(|| ApiError::not_found("order"))
}

/// The one answer to every code that opens nothing: the same status and body whatever the
/// reason, so a guesser learns nothing from it.
fn nothing_there() -> ApiError {
    ApiError::NotFound { code: "not_found", detail: "no such access code, or no such package for it".to_owned() }
}

/// The student an access code opens: (roster row id, contract id, name). 429 when this IP
/// guessed wrong too often; 422 for what cannot be a code; 404 (counted) for an unknown one.
async fn code_holder(visitor: &TenantVisitor, db: &mut TenantDb, typed: &str) -> ApiResult<(Uuid, Uuid, String)> {
    let code = codes::normalize(typed)
        .ok_or_else(|| ApiError::invalid("access_code", "an access code is 8 letters and digits, e.g. K7M2-QX9P"))?;
    // Reserved before the lookup (a burst of guesses cannot all be evaluated), given back
    // when the code is real.
    visitor.check_guesses()?;
    match repo::code_holder(db, &code).await? {
        Some(holder) => {
            visitor.right_guess();
            Ok(holder)
        }
        None => Err(nothing_there()),
    }
}

/// What a family's access code opens: the student (first name and initial), the school and
/// the packages on sale, marking those already ordered.
pub async fn offer(visitor: &TenantVisitor, input: &AccessCodeInput) -> ApiResult<FamilyOffer> {
    let mut db = visitor.db().await?;
    let (student, contract_id, name) = code_holder(visitor, &mut db, &input.access_code).await?;
    let terms = contract(&mut db, contract_id).await?;
    let today = visitor.tenant.today();
    terms.check_takes_orders(today, false)?;
    let on_sale = packages::list(&mut db, contract_id, Some(true), Window { limit: 100, offset: 0 }).await?.1;
    let ordered = repo::ordered_packages(&mut db, student).await?;
    let (late, late_fee) = terms.lateness_on(today);
    Ok(FamilyOffer {
        student: short_name(&name),
        school: terms.school_name,
        contract_title: terms.title,
        order_deadline: terms.order_deadline,
        late,
        late_fee,
        packages: on_sale
            .into_iter()
            .map(|p| OfferedPackage {
                ordered: ordered.contains(&p.id),
                id: p.id,
                name: p.name,
                price: p.price,
                contents: p.contents,
            })
            .collect(),
    })
}

/// A family orders a package with the student's access code, without signing in.
pub async fn order(visitor: &TenantVisitor, input: &FamilyOrderInput) -> ApiResult<FamilyOrder> {
    let today = visitor.tenant.today();
    let mut tx = visitor.begin().await?;
    let (student, contract_id, _) = code_holder(visitor, &mut tx, &input.access_code).await?;
    let Some(package) = packages::get(&mut tx, contract_id, input.package_id).await? else {
        // A real code with a package of another contract: a guess like any other.
        visitor.wrong_guess();
        return Err(nothing_there());
    };
    let terms = contracts::hold_terms(&mut tx, contract_id).await?.ok_or_else(nothing_there)?;
    terms.check_takes_orders(today, false)?;
    let by = Placement { channel: OrderChannel::Family, recorded_by: None, notes: None, audit: visitor.audit() };
    let order = place(&mut tx, &terms, today, student, &package, by).await?;
    tx.commit().await?;
    Ok(FamilyOrder::of(order, terms.school_name))
}
