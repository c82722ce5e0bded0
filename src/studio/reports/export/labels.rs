//! The Spanish words exports print for the API's names: item kinds, payment methods,
//! ageing buckets, material categories and units, movement kinds, waste reasons, product
//! kinds and months.

use chrono::NaiveDate;

use crate::studio::inventory::model::{MaterialCategory, Unit};
use crate::studio::inventory::movements::{MovementKind, WasteReason};
use crate::studio::orders::model::OrderPaymentMethod;
use crate::studio::products::model::ProductKind;
use crate::studio::reports::financial::{AgeingBucket, RevenueKind};

pub fn revenue_kind(kind: RevenueKind) -> &'static str {
    match kind {
        RevenueKind::Session => "Sesiones",
        RevenueKind::Print => "Impresiones",
        RevenueKind::Frame => "Enmarcados",
        RevenueKind::Souvenir => "Recordatorios",
        RevenueKind::Design => "Diseño",
        RevenueKind::Restoration => "Restauración",
        RevenueKind::Other => "Otros",
        RevenueKind::SchoolPackages => "Paquetes escolares",
    }
}

pub fn payment_method(method: OrderPaymentMethod) -> &'static str {
    match method {
        OrderPaymentMethod::Cash => "Efectivo",
        OrderPaymentMethod::Card => "Tarjeta",
        OrderPaymentMethod::Transfer => "Transferencia",
        OrderPaymentMethod::Qr => "Pago con QR",
        OrderPaymentMethod::Other => "Otro medio",
    }
}

pub fn bucket(bucket: AgeingBucket) -> &'static str {
    match bucket {
        AgeingBucket::Days0To30 => "0 a 30 días",
        AgeingBucket::Days31To60 => "31 a 60 días",
        AgeingBucket::Days61To90 => "61 a 90 días",
        AgeingBucket::Over90 => "Más de 90 días",
    }
}

pub fn category(category: MaterialCategory) -> &'static str {
    match category {
        MaterialCategory::Mouldings => "Varillas",
        MaterialCategory::Paints => "Pinturas",
        MaterialCategory::Printing => "Impresión",
        MaterialCategory::Souvenirs => "Recordatorios",
        MaterialCategory::Equipment => "Software y equipos",
        MaterialCategory::PaintingSupplies => "Materiales de pintura",
        MaterialCategory::Design => "Materiales de diseño",
    }
}

pub fn unit(unit: Unit) -> &'static str {
    match unit {
        Unit::Metre => "m",
        Unit::SquareMetre => "m²",
        Unit::Litre => "l",
        Unit::Millilitre => "ml",
        Unit::Sheet => "hoja",
        Unit::Unit => "unidad",
    }
}

pub fn movement_kind(kind: MovementKind) -> &'static str {
    match kind {
        MovementKind::Purchase => "Compras",
        MovementKind::Consumption => "Consumos",
        MovementKind::Waste => "Mermas",
        MovementKind::Return => "Devoluciones",
        MovementKind::Adjustment => "Ajustes",
    }
}

pub fn waste_reason(reason: WasteReason) -> &'static str {
    match reason {
        WasteReason::CutError => "Error de corte",
        WasteReason::Defect => "Defecto",
        WasteReason::Damage => "Daño",
        WasteReason::TestPrint => "Prueba de impresión",
        WasteReason::Offcut => "Retazo",
        WasteReason::Other => "Otro motivo",
    }
}

pub fn product_kind(kind: ProductKind) -> &'static str {
    match kind {
        ProductKind::FramedPicture => "Cuadros enmarcados",
        ProductKind::Print => "Impresiones",
        ProductKind::Album => "Álbumes",
        ProductKind::Souvenir => "Recordatorios",
        ProductKind::Other => "Otros",
    }
}

/// "ene 2025": a month short enough for a chart's axis.
pub fn short_month(first_day: NaiveDate) -> String {
    crate::export::short_month(first_day)
}

/// The first day of a `YYYY-MM` month.
pub fn month_start(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}
