//! Logging: human-readable in development, one JSON object per line in production.
//! Every request runs inside a `request` span (see `http::request_context`) that carries
//! method, path, request id and tenant slug; its closing line adds status and latency.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{LogFormat, TelemetrySettings};

/// Installs the global subscriber once; later calls (tests start many apps) do nothing.
pub fn init(settings: &TelemetrySettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match settings.format {
        // Colour only for a person at a terminal: a pipe or a file gets plain text.
        LogFormat::Pretty => registry
            .with(fmt::layer().with_target(false).compact().with_ansi(std::io::stdout().is_terminal()))
            .try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().flatten_event(true).with_current_span(true).with_span_list(false))
            .try_init(),
    };
    // Already installed (a second app in the same test process): keep the first.
    let _ = result;
}
