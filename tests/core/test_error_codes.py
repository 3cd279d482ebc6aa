"""The documented error-code table is generated from the named errors and kept current."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kwika import registry
from kwika.cli import app
from kwika.core.error_codes import error_codes, markdown

PAGE = Path(__file__).resolve().parents[2] / "documents" / "error-codes.md"


def test_committed_error_code_page_is_current() -> None:
    # Out of date? Run `kwika error-codes` and commit documents/error-codes.md.
    assert PAGE.read_text(encoding="utf-8") == markdown(registry.MODULE_NAMES)


def test_table_lists_core_and_module_errors_with_status_and_message() -> None:
    rows = {(e.module, e.name): e for e in error_codes(registry.MODULE_NAMES)}
    approved = rows[("catalogue", "KycDocumentApproved")]
    assert (approved.code, approved.status) == ("KYC_DOCUMENT_APPROVED", 409)
    assert approved.message == "This document is already approved"
    assert rows[("core", "NotFound")].status == 404
    assert rows[("media", "RangeNotSatisfiable")].status == 416


def test_modules_without_exceptions_are_skipped() -> None:
    names = {e.module for e in error_codes(["health", "no_such_module_here"])}
    assert names == {"core", "health"}


def test_cli_writes_the_page(tmp_path: Path) -> None:
    target = tmp_path / "codes.md"
    result = CliRunner().invoke(app, ["error-codes", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == markdown(registry.MODULE_NAMES)
