"""The schema's history as Alembic revisions (``versions/``), run by ``env.py`` on the
connection the store hands over.

Revisions 0001–0007 apply the SQL files beside this module, the same statements the store ran
before it used Alembic, so a database made then maps onto them by its recorded version.
"""

from __future__ import annotations

from importlib import resources


def statements(filename: str) -> list[str]:
    """The statements of one SQL file of this package, comments dropped."""
    sql = resources.files(__name__).joinpath(filename).read_text("utf-8")
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def apply(filename: str) -> None:
    """Run one SQL file inside the current revision."""
    from alembic import op

    for statement in statements(filename):
        op.execute(statement)
