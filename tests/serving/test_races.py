"""Writes racing each other answer 404 or 409, never 500, and never stop halfway: a correction racing a
DELETE of its report, a DELETE during a retag, two retags at once, two DELETEs at once."""

from __future__ import annotations

import threading
from dataclasses import replace

from policytag.store.tables import Report
from serving import retag as retag_module
from serving.routes import labels as labels_route

REPORTS = [f"引进项目{n}个[investment]。\n召开年度工作会议[party]。" for n in range(3)]



def _store(client) -> list[str]:
    return [client.post("/v1/reports", json={"text": text}).json()["report_id"] for text in REPORTS]


def _delete_now(client, report_id: str) -> None:
    with client.app.state.sessions() as session:
        session.delete(session.get(Report, report_id))
        session.commit()


def test_a_correction_racing_the_delete_of_its_report_is_404_or_409(stub_client, monkeypatch):
    """Was: 500 (81 of 400 requests in the trial)."""
    report_id = _store(stub_client)[0]
    seg = stub_client.get(f"/v1/reports/{report_id}").json()["segments"][0]["id"]
    original = labels_route.human_labels.add_correction

    def delete_first(session, segment, *args, **kwargs):
        _delete_now(stub_client, report_id)  # the DELETE wins the race, between the read and the write
        return original(session, segment, *args, **kwargs)

    monkeypatch.setattr(labels_route.human_labels, "add_correction", delete_first)
    r = stub_client.put(f"/v1/segments/{seg}/labels", json={"labels": ["party"]})
    assert r.status_code in (404, 409), r.text
    monkeypatch.undo()
    assert stub_client.put(f"/v1/segments/{seg}/labels", json={"labels": ["party"]}).status_code == 404


def test_a_delete_during_a_retag_neither_fails_nor_stops_it(stub_client, stub_model):
    """Was: 500, and the retag stopped halfway."""
    ids = _store(stub_client)
    calls = []

    class DeletingTagger:
        def __getattr__(self, name):
            return getattr(stub_model.tagger, name)

        def tag_segments(self, texts, headings=None):
            calls.append(1)
            if len(calls) == 1:
                _delete_now(stub_client, ids[1])  # deleted after the retag listed it
            return stub_model.tagger.tag_segments(texts, headings)

    model = replace(stub_model, version="stub-2", tagger=DeletingTagger())  # type: ignore[arg-type]
    result = retag_module.retag_reports(stub_client.app.state.sessions, model, all_reports=True)
    assert result["reports"] == 2
    versions = {r["id"]: r["model_version"] for r in stub_client.get("/v1/reports").json()["reports"]}
    assert versions == {ids[0]: "stub-2", ids[2]: "stub-2"}


def test_two_retags_at_once_both_finish(stub_client, stub_model):
    """Was: 500 on UNIQUE(segment_id, model_version)."""
    _store(stub_client)
    both_read = threading.Barrier(2, timeout=10)

    class WaitingTagger:
        def __getattr__(self, name):
            return getattr(stub_model.tagger, name)

        def tag_segments(self, texts, headings=None):
            try:
                both_read.wait()  # each has seen no stub-2 prediction before either stores one
            except threading.BrokenBarrierError:
                pass
            return stub_model.tagger.tag_segments(texts, headings)

    model = replace(stub_model, version="stub-2", tagger=WaitingTagger())  # type: ignore[arg-type]
    results, errors = [], []

    def run():
        try:
            results.append(retag_module.retag_reports(stub_client.app.state.sessions, model, all_reports=True))
        except Exception as exc:  # noqa: BLE001 - the failure under test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 2
    assert {r["model_version"] for r in stub_client.get("/v1/reports").json()["reports"]} == {"stub-2"}


def test_two_deletes_at_once_never_fail(stub_client, monkeypatch):
    report_id = _store(stub_client)[0]
    from policytag.store import crud
    from serving.routes import reports as reports_route

    original = crud.get_report

    def read_then_lose(session, rid):
        found = original(session, rid)
        _delete_now(stub_client, rid)  # the other DELETE commits between this one's read and its write
        return found

    monkeypatch.setattr(reports_route.crud, "get_report", read_then_lose)
    assert stub_client.delete(f"/v1/reports/{report_id}").status_code in (204, 404, 409)  # gone either way
    monkeypatch.undo()
    assert stub_client.get(f"/v1/reports/{report_id}").status_code == 404
