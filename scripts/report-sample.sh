#!/usr/bin/env bash
# Renders a sample financial report (the La Paz fixture of the report tests) and keeps its
# PDF and first page as PNG under docs/ for reviewers: docs/report-sample.pdf and .png.
# Needs what the tests need (PostgreSQL, poppler-utils' pdftotext and pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
REPORT_SAMPLE_DIR=docs cargo test --test api \
  reports::exports::the_financial_report_downloads_as_a_csv_a_workbook_and_a_pdf_that_read_back -- --exact
ls -l docs/report-sample.pdf docs/report-sample.png
