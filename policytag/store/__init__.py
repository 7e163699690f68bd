"""The database of stored reports: tables, queries (crud), human labels, engine and Alembic migrations.

Used by the service and by ``policytag batch --load``; it knows nothing of the web layer.
"""
