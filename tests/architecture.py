"""A custom import-linter contract: modules meet only through their public doors.

``module_boundaries`` (configured in pyproject.toml) is broken when, between two different
modules under ``container``, an import targets anything but the other module's package root
(its ``__init__``: the public API) or one of its ``public_submodules`` (``signals``); and when
anything but ``allowed_wiring_importers`` imports a module's ``wiring_submodule``
(``module.py`` only wires, and only the registry reads it).
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class ModuleBoundaryContract(Contract):
    type_name = "module_boundaries"

    container = fields.StringField()
    public_submodules = fields.ListField(subfield=fields.StringField(), required=False)
    wiring_submodule = fields.StringField(required=False, default="module")
    allowed_wiring_importers = fields.ListField(subfield=fields.StringField(), required=False)

    def _module_of(self, name: str) -> str | None:
        prefix = f"{self.container}."
        if not name.startswith(prefix):
            return None
        return name[len(prefix) :].split(".", 1)[0]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        container = str(self.container)
        public = set(self.public_submodules or ["signals"])  # type: ignore[arg-type]
        wiring = str(self.wiring_submodule)
        wiring_ok = set(self.allowed_wiring_importers or [])  # type: ignore[arg-type]
        violations: list[tuple[str, str, str]] = []
        for importer in sorted(graph.modules):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = self._module_of(imported)
                if target is None:
                    continue
                source = self._module_of(importer)
                root = f"{container}.{target}"
                rest = imported[len(root) + 1 :] if imported != root else ""
                if rest == wiring and importer not in wiring_ok:
                    violations.append((importer, imported, "only the registry reads module.py"))
                elif source is not None and source != target and rest and rest not in public:
                    violations.append(
                        (importer, imported, f"use {root} (its public API) or {root}.signals")
                    )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, advice in check.metadata["violations"]:
            output.print_error(f"{importer} -> {imported}: {advice}", bold=False)
            output.new_line()
