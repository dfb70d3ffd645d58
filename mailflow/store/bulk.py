"""Many rows in one driver call: the ledger's hot statements without per-row SQL expression work.

SQLAlchemy Core spends more CPU per row than SQLite does (building a parameter
dict, running each column's bind processor, compiling the cached statement's
positional list): for the five action rows, five audit rows and one time entry
written per message that was half the cost of a pass. ``Bulk`` renders each
statement once per dialect with the driver's own placeholders and hands a list
of tuples to the driver's ``executemany``. Values that need converting
(timestamps, JSON) go through the column type's own bind processor, so what is
stored is exactly what SQLAlchemy would store and reads back through the same
tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

__all__ = ["Bulk"]


def _placeholder(dialect: Dialect) -> str:
    style = dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"bulk writes do not support the {style!r} parameter style")


class Bulk:
    """Rendered INSERT and UPDATE statements of one table for one dialect, and its bind processors."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.dialect = dialect
        self._mark = _placeholder(dialect)
        self._quote = dialect.identifier_preparer.quote

    def processor(self, column: str) -> Callable[[Any], Any]:
        """The column type's bind processor (identity when the driver takes the value as it is)."""
        process = self.table.c[column].type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return process if process is not None else _same

    def insert_sql(self, columns: Sequence[str]) -> str:
        names = ", ".join(self._quote(c) for c in columns)
        marks = ", ".join(self._mark for _ in columns)
        return f"INSERT INTO {self._quote(self.table.name)} ({names}) VALUES ({marks})"

    def update_sql(self, columns: Sequence[str], where: Sequence[str]) -> str:
        sets = ", ".join(f"{self._quote(c)} = {self._mark}" for c in columns)
        conds = " AND ".join(f"{self._quote(c)} = {self._mark}" for c in where)
        return f"UPDATE {self._quote(self.table.name)} SET {sets} WHERE {conds}"

    def insert(self, conn: Connection, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert rows given as tuples in ``columns`` order, already converted for the driver."""
        if rows:
            conn.exec_driver_sql(self.insert_sql(columns), list(rows))

    def update(
        self, conn: Connection, columns: Sequence[str], where: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """``UPDATE ... SET columns WHERE where``; each tuple holds the new values, then the keys."""
        if rows:
            conn.exec_driver_sql(self.update_sql(columns, where), list(rows))


def _same(value: Any) -> Any:
    return value
