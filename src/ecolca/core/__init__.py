"""The core of ecolca: the scenario model, units, errors, validation, the scenario file, the results
as plain data, atomic writes and the bundled resources. No Qt, no Brightway (import-linter
contracts in pyproject.toml)."""
