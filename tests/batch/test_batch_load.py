"""``--load``: the batch's reports go into the service's database once, and the API then counts them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policytag.config import Settings
from policytag.seeds import read_manifest
from policytag.store import crud
from policytag.store.db import open_database
from policytag.text import content_hash, decode_report
from serving.main import create_app
from tests.batch.conftest import ROOT, read_table, run_cli


def test_load_stores_each_report_once_and_the_api_counts_them(model_home, champion, seeds_dir, tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    first = run_cli(["--input", str(seeds_dir), "--output", str(out), "--load"], model_home, data).summary
    assert first["load"]["stored"] == 5 and first["load"]["segments"] == first["segments"]
    assert (data / "policytag.db").is_file()  # the service's database from the settings (POLICYTAG_DATA_DIR)
    second = run_cli(["--input", str(seeds_dir), "--output", str(out), "--load"], model_home, data).summary
    assert second["load"]["stored"] == 0 and second["load"]["already_stored"] == 5

    # Stored exactly as the service's own ingestion stores a seed (same tag_document, same crud path).
    entry = read_manifest(seeds_dir)[0]
    text = decode_report((seeds_dir / entry.file).read_bytes())[0]
    expected = champion.tagger.tag_document(text, entry.doc_id, zone=entry.zone, year=entry.years[0])
    with open_database(f"sqlite:///{data / 'policytag.db'}")() as session:
        report = crud.get_report(session, entry.doc_id)
        assert report.content_hash == content_hash(text) and report.model_version == champion.version
        assert (report.zone, report.year, report.title) == (expected.zone, expected.year, expected.title)
        stored = [(s.id, s.start, s.end, s.heading, s.part, crud.current_prediction(s, champion.version).labels,
                   crud.current_prediction(s, champion.version).scores) for s in report.segments]
        assert stored == [(s.id, s.start, s.end, list(s.heading), s.part, list(s.labels), s.scores)
                          for s in expected.segments]

    settings = Settings(home=model_home, data_dir=data, seeds_dir=ROOT / "seeds", labels_dir=ROOT / "labels",
                        database_url=None, api_key=None, bootstrap_resamples=50)
    coverage = read_table(out / "coverage.parquet")
    with TestClient(create_app(settings, model=champion)) as client:
        zones = {z["zone"]: z for z in client.get("/v1/zones").json()["zones"]}
        assert set(zones) == set(coverage["zone"].dropna()) and zones["清远高新区"]["reports"] == 2
        got = client.get("/v1/zones/清远高新区/coverage").json()
        row = coverage[(coverage["level"] == "zone") & (coverage["zone"] == "清远高新区")].iloc[0]
        assert got["segments"] == row["segments"] and got["reports"] == row["reports"]
        for t in champion.themes:
            assert got["themes"][t]["segment_share"] == round(row[f"{t}_segment_share"], 4)
        # a zone's part and document type: the API's part and doc_type filters give the table's rows
        mine = coverage[coverage["zone"] == "清远高新区"]
        for level, key in (("zone_part", "part"), ("zone_doc_type", "doc_type")):
            for _, row in mine[mine["level"] == level].iterrows():
                got = client.get("/v1/zones/清远高新区/coverage", params={key: row[key]}).json()
                assert (got["segments"], got["reports"], got["too_few"]) == (row["segments"], row["reports"],
                                                                             row["too_few"])
                for t in champion.themes:
                    assert got["themes"][t]["raw_segment_share"] == row[f"{t}_raw_segment_share"]
        compared = client.get("/v1/compare").json()
        assert sorted(compared["groups"]) == sorted(zones)
