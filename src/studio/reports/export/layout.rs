//! Each report laid out as a [`Document`]: the summary lines, one table per section and the
//! chart, with Spanish headings.

use chrono_tz::Tz;

use super::labels::{self, month_start};
use crate::export::{Cell, Chart, Document, Numbers, Table};
use crate::studio::money::{Money, Percent};
use crate::studio::reports::financial::FinancialReport;
use crate::studio::reports::inventory::InventoryReport;
use crate::studio::reports::model::ReportHeader;
use crate::studio::reports::production::ProductionReport;
use crate::studio::settings::StudioSettings;

fn money(m: Money) -> Cell {
    Cell::Money(m.0)
}

fn percent(p: Option<Percent>) -> Cell {
    Cell::maybe(p, |p| Cell::Percent(p.0))
}

fn month(text: &str) -> Cell {
    month_start(text).map_or_else(|| Cell::Text(text.to_owned()), Cell::Month)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// The document's frame: whose report, for when, in what locale.
fn shell(title: &'static str, header: &ReportHeader, settings: &StudioSettings, tz: Tz) -> Document {
    let mut legal_lines = Vec::new();
    if let Some(name) = &settings.studio_legal_name {
        legal_lines.push(name.clone());
    }
    if let Some(id) = &settings.studio_tax_id {
        let kind = serde_json::to_value(id.kind).ok().and_then(|v| v.as_str().map(str::to_uppercase));
        legal_lines.push(format!("{} {}", kind.unwrap_or_default(), id.number));
    }
    Document {
        title,
        studio: header.studio.clone(),
        legal_lines,
        currency: header.currency.clone(),
        numbers: Numbers { decimal_mark: settings.export_locale.decimal_mark() },
        from: header.from,
        to: header.to,
        generated_at: header.generated_at.with_timezone(&tz),
        summary: Vec::new(),
        tables: Vec::new(),
        chart: None,
    }
}

/// The financial report: revenue by month (with its chart) and by kind, payments by method
/// and by month, receivables by age and the open orders.
pub fn financial(r: &FinancialReport, settings: &StudioSettings, tz: Tz) -> Document {
    let mut doc = shell("Reporte financiero", &r.header, settings, tz);
    let (rev, pay, rec) = (&r.revenue, &r.payments, &r.receivables);
    doc.summary = vec![
        ("Ventas del período", money(rev.total)),
        ("Pedidos (sin anulados)", Cell::Int(rev.orders)),
        ("Impuesto incluido en pedidos", money(rev.order_tax)),
        ("Paquetes escolares", money(rev.package_revenue)),
        ("Cobros recibidos", money(pay.total)),
        ("Cuentas por cobrar al cierre", money(rec.total)),
    ];
    doc.chart = Some(Chart {
        title: "Ventas por mes".to_owned(),
        bars: rev
            .by_month
            .iter()
            .map(|m| (month_start(&m.month).map_or_else(|| m.month.clone(), labels::short_month), m.revenue.0))
            .collect(),
        money: true,
    });
    doc.tables.push(Table {
        sheet: "Ventas por mes",
        title: "Ventas por mes".to_owned(),
        headers: vec!["Mes", "Pedidos", "Ventas pedidos", "Impuesto", "Paquetes", "Ventas paquetes", "Total"],
        rows: rev
            .by_month
            .iter()
            .map(|m| {
                vec![
                    month(&m.month),
                    Cell::Int(m.orders),
                    money(m.order_revenue),
                    money(m.order_tax),
                    Cell::Int(m.package_orders),
                    money(m.package_revenue),
                    money(m.revenue),
                ]
            })
            .collect(),
        total: Some(vec![
            text("Total"),
            Cell::Int(rev.orders),
            money(rev.order_revenue),
            money(rev.order_tax),
            Cell::Int(rev.package_orders),
            money(rev.package_revenue),
            money(rev.total),
        ]),
    });
    doc.tables.push(Table {
        sheet: "Ventas por tipo",
        title: "Ventas por tipo de producto".to_owned(),
        headers: vec!["Tipo", "Líneas", "Cantidad", "Ventas", "Impuesto"],
        rows: rev
            .by_kind
            .iter()
            .map(|k| {
                vec![
                    text(labels::revenue_kind(k.kind)),
                    Cell::Int(k.lines),
                    Cell::Int(k.quantity),
                    money(k.revenue),
                    Cell::maybe(k.tax, money),
                ]
            })
            .collect(),
        total: Some(vec![text("Total"), Cell::Empty, Cell::Empty, money(rev.total), money(rev.order_tax)]),
    });
    doc.tables.push(Table {
        sheet: "Cobros por medio",
        title: "Cobros por medio de pago".to_owned(),
        headers: vec!["Medio de pago", "Pagos", "Monto"],
        rows: pay
            .by_method
            .iter()
            .map(|m| vec![text(labels::payment_method(m.method)), Cell::Int(m.payments), money(m.amount)])
            .collect(),
        total: Some(vec![text("Total"), Cell::Int(pay.payments), money(pay.total)]),
    });
    doc.tables.push(Table {
        sheet: "Cobros por mes",
        title: "Cobros por mes".to_owned(),
        headers: vec!["Mes", "Pagos", "Monto"],
        rows: pay.by_month.iter().map(|m| vec![month(&m.month), Cell::Int(m.payments), money(m.amount)]).collect(),
        total: Some(vec![text("Total"), Cell::Int(pay.payments), money(pay.total)]),
    });
    doc.tables.push(Table {
        sheet: "Por cobrar",
        title: format!("Cuentas por cobrar al {} por antigüedad", rec.as_of.format("%d/%m/%Y")),
        headers: vec!["Antigüedad", "Pedidos", "Saldo"],
        rows: rec
            .buckets
            .iter()
            .map(|b| vec![text(labels::bucket(b.bucket)), Cell::Int(b.orders), money(b.balance)])
            .collect(),
        total: Some(vec![text("Total"), Cell::Int(rec.open_orders), money(rec.total)]),
    });
    doc.tables.push(Table {
        sheet: "Pedidos con saldo",
        title: "Pedidos con saldo pendiente".to_owned(),
        headers: vec!["Pedido", "Cliente", "Fecha", "Días", "Total", "Pagado", "Saldo"],
        rows: rec
            .orders
            .iter()
            .map(|o| {
                vec![
                    text(&o.number),
                    text(&o.client_name),
                    Cell::Date(o.order_date),
                    Cell::Int(o.days.into()),
                    money(o.total),
                    money(o.paid),
                    money(o.balance),
                ]
            })
            .collect(),
        total: None,
    });
    doc
}

/// The inventory report: valuation by category (with its chart) and by material, low
/// stock, movements by kind and each category's value through the period.
pub fn inventory(r: &InventoryReport, settings: &StudioSettings, tz: Tz) -> Document {
    let mut doc = shell("Reporte de inventario", &r.header, settings, tz);
    let (val, mov) = (&r.valuation, &r.movements);
    doc.summary = vec![
        ("Valor del inventario al cierre", money(val.total)),
        ("Valor al inicio del período", money(mov.opening_value)),
        ("Materiales con stock", Cell::Int(val.materials.iter().filter(|m| !m.quantity.0.is_zero()).count() as i64)),
        ("Materiales en stock mínimo o menos", Cell::Int(r.low_stock.len() as i64)),
    ];
    doc.chart = Some(Chart {
        title: "Valor del inventario por categoría".to_owned(),
        bars: val.by_category.iter().map(|c| (labels::category(c.category).to_owned(), c.value.0)).collect(),
        money: true,
    });
    doc.tables.push(Table {
        sheet: "Valorización",
        title: format!("Valorización por categoría al {}", val.as_of.format("%d/%m/%Y")),
        headers: vec!["Categoría", "Materiales", "Valor"],
        rows: val
            .by_category
            .iter()
            .map(|c| vec![text(labels::category(c.category)), Cell::Int(c.materials), money(c.value)])
            .collect(),
        total: Some(vec![text("Total"), Cell::Empty, money(val.total)]),
    });
    doc.tables.push(Table {
        sheet: "Materiales",
        title: "Stock valorizado por material".to_owned(),
        headers: vec!["SKU", "Material", "Categoría", "Unidad", "Cantidad", "Costo unitario", "Valor"],
        rows: val
            .materials
            .iter()
            .map(|m| {
                vec![
                    text(&m.sku),
                    text(&m.name),
                    text(labels::category(m.category)),
                    text(labels::unit(m.unit)),
                    Cell::Quantity(m.quantity.0),
                    money(m.unit_cost),
                    money(m.value),
                ]
            })
            .collect(),
        total: Some(vec![
            text("Total"),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            money(val.total),
        ]),
    });
    doc.tables.push(Table {
        sheet: "Stock bajo",
        title: "Materiales en su stock mínimo o por debajo".to_owned(),
        headers: vec!["SKU", "Material", "Categoría", "Unidad", "Cantidad", "Mínimo", "Faltante"],
        rows: r
            .low_stock
            .iter()
            .map(|m| {
                vec![
                    text(&m.sku),
                    text(&m.name),
                    text(labels::category(m.category)),
                    text(labels::unit(m.unit)),
                    Cell::Quantity(m.quantity.0),
                    Cell::Quantity(m.minimum.0),
                    Cell::Quantity(m.shortfall.0),
                ]
            })
            .collect(),
        total: None,
    });
    doc.tables.push(Table {
        sheet: "Movimientos",
        title: "Movimientos del período por tipo".to_owned(),
        headers: vec!["Tipo", "Movimientos", "Valor"],
        rows: mov
            .by_kind
            .iter()
            .map(|k| vec![text(labels::movement_kind(k.kind)), Cell::Int(k.movements), money(k.value)])
            .collect(),
        total: Some(vec![text("Variación"), Cell::Empty, money(Money(mov.closing_value.0 - mov.opening_value.0))]),
    });
    doc.tables.push(Table {
        sheet: "Movimientos por categoría",
        title: "Valor por categoría: inicio + movimientos = cierre".to_owned(),
        headers: vec!["Categoría", "Inicio", "Compras", "Consumos", "Mermas", "Devoluciones", "Ajustes", "Cierre"],
        rows: mov
            .by_category
            .iter()
            .map(|c| {
                vec![
                    text(labels::category(c.category)),
                    money(c.opening),
                    money(c.purchases),
                    money(c.consumption),
                    money(c.waste),
                    money(c.returns),
                    money(c.adjustments),
                    money(c.closing),
                ]
            })
            .collect(),
        total: None,
    });
    doc
}

/// The production report: efficiency by category (with a chart of the waste) and by
/// material, waste by reason, output and lead times.
pub fn production(r: &ProductionReport, settings: &StudioSettings, tz: Tz) -> Document {
    let mut doc = shell("Reporte de producción", &r.header, settings, tz);
    let (out, lead) = (&r.output, &r.lead_times);
    let days = |d: Option<rust_decimal::Decimal>| Cell::maybe(d, Cell::Days);
    doc.summary = vec![
        ("Material usado (valor)", money(r.used_value)),
        ("Material desperdiciado (valor)", money(r.wasted_value)),
        ("Eficiencia", percent(r.efficiency_percent)),
        ("Órdenes terminadas", Cell::Int(out.orders_done)),
        ("Tiempo medio de entrega (días)", days(lead.average_days)),
    ];
    doc.chart = Some(Chart {
        title: "Merma por categoría".to_owned(),
        bars: r.categories.iter().map(|c| (labels::category(c.category).to_owned(), c.wasted_value.0)).collect(),
        money: true,
    });
    doc.tables.push(Table {
        sheet: "Eficiencia por categoría",
        title: "Usado y desperdiciado por categoría (valor)".to_owned(),
        headers: vec!["Categoría", "Usado", "Desperdiciado", "Eficiencia"],
        rows: r
            .categories
            .iter()
            .map(|c| {
                let name = text(labels::category(c.category));
                vec![name, money(c.used_value), money(c.wasted_value), percent(c.efficiency_percent)]
            })
            .collect(),
        total: Some(vec![text("Total"), money(r.used_value), money(r.wasted_value), percent(r.efficiency_percent)]),
    });
    doc.tables.push(Table {
        sheet: "Eficiencia por material",
        title: "Usado y desperdiciado por material".to_owned(),
        headers: vec![
            "SKU",
            "Material",
            "Unidad",
            "Usado",
            "Desperdiciado",
            "Valor usado",
            "Valor desperdiciado",
            "Eficiencia",
        ],
        rows: r
            .materials
            .iter()
            .map(|m| {
                vec![
                    text(&m.sku),
                    text(&m.name),
                    text(labels::unit(m.unit)),
                    Cell::Quantity(m.used.0),
                    Cell::Quantity(m.wasted.0),
                    money(m.used_value),
                    money(m.wasted_value),
                    percent(m.efficiency_percent),
                ]
            })
            .collect(),
        total: None,
    });
    doc.tables.push(Table {
        sheet: "Merma por motivo",
        title: "Merma por motivo".to_owned(),
        headers: vec!["Motivo", "Valor"],
        rows: r.waste_by_reason.iter().map(|w| vec![text(labels::waste_reason(w.reason)), money(w.value)]).collect(),
        total: Some(vec![text("Total"), money(r.wasted_value)]),
    });
    let mut output = vec![
        vec![text("Órdenes de producción creadas"), Cell::Int(out.orders_created)],
        vec![text("Órdenes terminadas"), Cell::Int(out.orders_done)],
        vec![text("Órdenes anuladas"), Cell::Int(out.orders_cancelled)],
        vec![text("Cantidad planificada (terminadas)"), Cell::Int(out.planned_quantity)],
        vec![text("Cantidad producida (terminadas)"), Cell::Int(out.produced_quantity)],
        vec![text("Registros de producción"), Cell::Int(out.registrations)],
        vec![text("Cantidad registrada"), Cell::Int(out.registered_quantity)],
    ];
    output.extend(out.products.iter().map(|p| {
        vec![Cell::Text(format!("Productos terminados: {}", labels::product_kind(p.kind))), Cell::Int(p.products)]
    }));
    doc.tables.push(Table {
        sheet: "Producción",
        title: "Producción del período".to_owned(),
        headers: vec!["Concepto", "Cantidad"],
        rows: output,
        total: None,
    });
    doc.tables.push(Table {
        sheet: "Tiempos",
        title: "Tiempos de producción (órdenes terminadas)".to_owned(),
        headers: vec!["Indicador", "Valor"],
        rows: vec![
            vec![text("Órdenes terminadas"), Cell::Int(lead.orders)],
            vec![text("Días de creación a término, promedio"), days(lead.average_days)],
            vec![text("Días de creación a término, mediana"), days(lead.median_days)],
            vec![text("Días de creación a término, percentil 90"), days(lead.p90_days)],
            vec![text("Días de creación a término, máximo"), days(lead.max_days)],
            vec![text("Días de trabajo (inicio a término), promedio"), days(lead.average_work_days)],
            vec![text("Terminadas a tiempo"), Cell::Int(lead.on_time)],
            vec![text("Terminadas con retraso"), Cell::Int(lead.late)],
            vec![text("Sin fecha comprometida"), Cell::Int(lead.without_due_date)],
        ],
        total: None,
    });
    doc
}
