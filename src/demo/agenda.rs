//! Demo agenda: this week (Monday to Saturday, in the studio's zone) of the demo admin, in
//! two studio rooms and out at a school — every kind of appointment, some cancelled, the
//! ones already over marked done.

use chrono::{Datelike, Days, NaiveTime, TimeDelta, TimeZone, Utc};

use crate::auth::extract::TenantUser;
use crate::db::Window;
use crate::http::{ApiError, ApiResult};
use crate::studio::agenda::model::{AppointmentInput, AppointmentKind, AppointmentStatus};
use crate::studio::agenda::service;
use crate::studio::clients::model::ClientFilter;
use crate::studio::clients::service as clients;

use AppointmentKind::*;

/// One appointment of the week: day (0 = Monday), start, minutes, kind, title, resource,
/// client (by name), cancelled.
type Slot = (u64, (u32, u32), i64, AppointmentKind, &'static str, Option<&'static str>, Option<&'static str>, bool);

const WEEK: &[Slot] = &[
    (0, (9, 0), 60, Session, "Sesión familiar", Some("Estudio 1"), Some("Ana Quispe Mamani"), false),
    (0, (11, 0), 30, Delivery, "Entrega de álbum", None, Some("Luis Fernández Rojas"), false),
    (0, (15, 0), 60, Meeting, "Reunión de contrato", None, Some("Colegio San Agustín"), false),
    (1, (8, 0), 480, SchoolDay, "Jornada de fotos escolares", None, Some("Colegio Los Andes"), false),
    (2, (10, 0), 90, Session, "Sesión de bebé", Some("Estudio 2"), Some("María Huamán Torres"), true),
    // The cancelled booking above no longer holds Estudio 2: this one takes the slot.
    (2, (10, 30), 60, Session, "Retratos de graduación", Some("Estudio 2"), Some("Jorge Castillo Vega"), false),
    (3, (9, 0), 120, Session, "Sesión de producto", Some("Estudio 1"), None, false),
    (3, (16, 0), 30, Delivery, "Entrega de fotos impresas", None, Some("Rosa Condori Apaza"), false),
    (4, (11, 0), 60, Meeting, "Planificación de la semana", Some("Estudio 2"), None, false),
    (4, (15, 0), 60, Session, "Sesión de DNI y pasaporte", Some("Estudio 1"), Some("Ana Quispe Mamani"), true),
    (5, (10, 0), 120, Session, "Sesión de pareja", Some("Estudio 1"), Some("Luis Fernández Rojas"), false),
];

/// Books the demo week as the demo admin.
pub async fn seed(admin: &TenantUser) -> ApiResult<()> {
    let tz = admin.tenant.tz();
    let today = admin.tenant.today();
    let monday = today - Days::new(today.weekday().num_days_from_monday() as u64);
    let filter = ClientFilter::default();
    let (_, known) = clients::list(admin, &filter, Window { limit: 100, offset: 0 }).await?;
    let client = |name: &str| known.iter().find(|c| c.name == name).map(|c| c.id);
    let now = Utc::now();
    for (n, &(day, (hour, minute), minutes, kind, title, resource, client_name, cancelled)) in WEEK.iter().enumerate() {
        let local = (monday + Days::new(day)).and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
        let starts_at = tz
            .from_local_datetime(&local)
            .earliest()
            .ok_or_else(|| ApiError::internal(format!("{local} does not exist in {tz}")))?
            .fixed_offset();
        let ends_at = starts_at + TimeDelta::minutes(minutes);
        let status = if cancelled {
            AppointmentStatus::Cancelled
        } else if ends_at.to_utc() <= now {
            AppointmentStatus::Done
        } else if n % 2 == 0 {
            AppointmentStatus::Confirmed
        } else {
            AppointmentStatus::Scheduled
        };
        let input = AppointmentInput {
            kind,
            title: title.to_owned(),
            client_id: client_name.and_then(client),
            contract_id: None,
            order_id: None,
            staff_id: Some(admin.user_id),
            resource: resource.map(str::to_owned),
            starts_at,
            ends_at,
            location: (kind == SchoolDay).then(|| "Cusco".to_owned()),
            status: Some(status),
            notes: None,
        };
        service::create(admin, &input).await?;
    }
    Ok(())
}
