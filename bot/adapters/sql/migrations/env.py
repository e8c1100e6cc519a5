"""Alembic's environment: revisions run on the connection the store passes in
``config.attributes["connection"]``, inside its transaction (the one that holds the migration
lock), never on a connection of their own."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
