"""``POST /v1/reports/retag`` tags with no database transaction open: the model works between a short read and
a short write, so a PostgreSQL session never sits "idle in transaction" (holding locks and a snapshot) while a
report is tagged. Was: one transaction per report, open through the tagging."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from serving.main import create_app
from serving.served_model import ModelSlot
from tests.databases import BACKENDS, fresh_database
from tests.serving.conftest import make_settings
from tests.serving.test_races import REPORTS

IDLE_IN_TRANSACTION = ("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND state LIKE 'idle in transaction%'")


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_transaction_is_open_while_reports_are_retagged(backend, tmp_path, model_home, stub_model):
    with fresh_database(backend) as url:
        settings = make_settings(model_home, tmp_path / "data", database_url=url)
        with TestClient(create_app(settings, model=stub_model)) as client:
            stored = [client.post("/v1/reports", json={"text": t}).json()["report_id"] for t in REPORTS]
            engine = client.app.state.sessions.kw["bind"]
            observer = create_engine(url) if url else None  # a connection of its own, outside the app's pool
            seen = []

            class ObservedTagger:
                def __getattr__(self, name):
                    return getattr(stub_model.tagger, name)

                def tag_segments(self, texts, headings=None):
                    idle = 0
                    if observer is not None:
                        with observer.connect() as conn:
                            idle = conn.execute(text(IDLE_IN_TRANSACTION)).scalar()
                    seen.append((engine.pool.checkedout(), idle))
                    return stub_model.tagger.tag_segments(texts, headings)

            model = replace(stub_model, version="stub-2", tagger=ObservedTagger())  # type: ignore[arg-type]
            client.app.state.model = ModelSlot(settings.home, model)
            r = client.post("/v1/reports/retag")
            assert r.status_code == 200 and r.json()["reports"] == len(REPORTS), r.text
            # while tagging: none of the app's connections checked out, no session idle in transaction
            assert seen == [(0, 0)] * len(REPORTS)
            versions = {row["id"]: row["model_version"] for row in client.get("/v1/reports").json()["reports"]}
            assert versions == dict.fromkeys(stored, "stub-2")
            if observer is not None:
                observer.dispose()
