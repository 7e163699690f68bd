"""The local engine on the seeds: one row per segment, exact offsets, the registered version, coverage."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from policytag import coverage as service_coverage
from policytag.seeds import read_manifest
from policytag.text import decode_report
from tests.batch.conftest import read_table


@pytest.fixture(scope="module")
def seed_texts(seeds_dir) -> dict[str, str]:
    return {e.doc_id: decode_report((seeds_dir / e.file).read_bytes())[0] for e in read_manifest(seeds_dir)}


def test_one_row_per_segment_with_exact_offsets_and_the_model_version(local_seeds_run, seeds_dir, seed_texts,
                                                                      champion):
    summary, out = local_seeds_run.summary, local_seeds_run.out
    segments = read_table(out / "segments.parquet")
    themes = champion.themes
    assert summary["reports"] == summary["tagged"] == 5 and summary["errors"] == 0
    assert summary["model"]["version"] == champion.version and summary["themes"] == themes
    assert set(segments["model_version"]) == {champion.version}
    assert len(segments) == summary["segments"] == segments["segment_id"].nunique()
    for row in segments.itertuples():
        assert seed_texts[row.doc_id][row.start:row.end] == row.text
        assert set(row.labels) <= set(themes)
    # The manifest's zone and first year, as the service stores the seeds.
    manifest = {e.doc_id: e for e in read_manifest(seeds_dir)}
    for doc_id, rows in segments.groupby("doc_id"):
        assert set(rows["zone"]) == {manifest[doc_id].zone} and set(rows["year"]) == {manifest[doc_id].years[0]}
        assert list(rows.sort_values("position")["position"]) == list(range(len(rows)))


def test_rows_are_what_the_registered_model_gives_for_each_document(local_seeds_run, seeds_dir, seed_texts,
                                                                    champion):
    segments = read_table(local_seeds_run.out / "segments.parquet")
    entry = read_manifest(seeds_dir)[4]
    doc = champion.tagger.tag_document(seed_texts[entry.doc_id], entry.doc_id, zone=entry.zone,
                                       year=entry.years[0])
    rows = segments[segments["doc_id"] == entry.doc_id].sort_values("position")
    assert list(rows["segment_id"]) == [s.id for s in doc.segments]
    assert [list(v) for v in rows["labels"]] == [list(s.labels) for s in doc.segments]
    assert [list(h) for h in rows["heading"]] == [list(s.heading) for s in doc.segments]
    for t in champion.themes:
        assert list(rows[f"score_{t}"]) == [s.scores[t] for s in doc.segments]


def test_documents_table_has_one_row_per_report(local_seeds_run, seed_texts):
    documents = read_table(local_seeds_run.out / "documents.parquet")
    assert sorted(documents["doc_id"]) == sorted(seed_texts)
    assert documents["error"].isna().all()
    for row in documents.itertuples():
        assert row.n_chars == len(seed_texts[row.doc_id])
        assert json.loads(row.detection)["zone"]["source"] == "override"


def test_coverage_table_is_the_services_corrected_coverage_of_the_segments(local_seeds_run, champion):
    out, themes = local_seeds_run.out, champion.themes
    segments = read_table(out / "segments.parquet")
    table = read_table(out / "coverage.parquet")
    zone = "清远高新区"  # two seed reports, two years
    row = table[(table["level"] == "zone") & (table["zone"] == zone)].iloc[0]
    mine = segments[segments["zone"] == zone].sort_values("segment_id")
    assert row["reports"] == 2 and row["segments"] == len(mine)
    assert (row["method"], row["corrected"], row["too_few"]) == ("pcc", True, False)  # 20+ segments
    carries = mine["labels"].map(lambda ls: "innovation" in ls)
    chars = mine["end"] - mine["start"]
    assert row["innovation_segments"] == carries.sum()
    assert row["innovation_raw_segment_share"] == round(carries.mean(), 4)
    assert row["innovation_raw_char_share"] == round(chars[carries].sum() / chars.sum(), 4)
    # The service's coverage of the same segments, scores and error rates: the same corrected shares and intervals.
    rows = [(list(ls), int(n), {t: float(r[f"score_{t}"]) for t in themes}, False, r["doc_id"])
            for ls, n, (_, r) in zip(mine["labels"], chars, mine.iterrows())]
    service = service_coverage.coverage(service_coverage.TaggedSegments.from_rows(rows, themes),
                                        rates=service_coverage.ErrorRates.of_tagger(champion.tagger))
    assert service["corrected"]
    for t in themes:
        got = service["themes"][t]
        assert got["segments"] == row[f"{t}_segments"] and got["characters"] == row[f"{t}_characters"]
        for share in ("segment_share", "char_share"):
            assert [row[f"{t}_{share}"], row[f"{t}_{share}_low"], row[f"{t}_{share}_high"]] == \
                [got[share], *got[f"{share}_ci"]]
            assert row[f"{t}_raw_{share}"] == got[f"raw_{share}"]
        assert row[f"{t}_segment_share_low"] <= row[f"{t}_segment_share"] <= row[f"{t}_segment_share_high"]
    # corrected, not counted: the mean calibrated score, not the share of labels
    assert row["innovation_segment_share"] == pytest.approx(mine["score_innovation"].mean(), abs=1e-4)
    assert any(row[f"{t}_segment_share"] != row[f"{t}_raw_segment_share"] for t in themes)
    assert service["untagged"]["segments"] == row["untagged_segments"]
    # Per zone × year rows add up to the zone's row.
    years = table[(table["level"] == "zone_year") & (table["zone"] == zone)]
    assert sorted(years["year"]) == [2023, 2024] and years["segments"].sum() == row["segments"]
    by_zone = table[table["level"].isin(["zone", "zone_year"])]
    assert set(by_zone["zone"]) == set(segments["zone"]) and by_zone["segments"].sum() == 2 * len(segments)
    assert table["too_few"].any()  # one seed report alone: fewer than 20 segments


def service_row(rows: pd.DataFrame, themes: list[str], rates) -> dict:
    """The service's coverage of some segment rows (their labels and scores, no person's labels)."""
    rows = rows.sort_values("segment_id")
    tuples = [(list(r["labels"]), int(r["end"] - r["start"]), {t: float(r[f"score_{t}"]) for t in themes}, False,
               r["doc_id"]) for _, r in rows.iterrows()]
    return service_coverage.coverage(service_coverage.TaggedSegments.from_rows(tuples, themes), rates=rates)


def test_coverage_table_groups_by_document_type_and_part(local_seeds_run, champion):
    out, themes = local_seeds_run.out, champion.themes
    rates = service_coverage.ErrorRates.of_tagger(champion.tagger)
    documents = read_table(out / "documents.parquet")
    segments = read_table(out / "segments.parquet")
    segments["doc_type"] = segments["doc_id"].map(documents.set_index("doc_id")["doc_type"])
    table = read_table(out / "coverage.parquet")
    written = pd.read_parquet(out / "coverage.parquet")  # as written: each zone's rows, then the archive's
    assert list(dict.fromkeys(written["level"])) == ["zone", "zone_year", "zone_doc_type", "zone_part", "doc_type",
                                                     "part"]
    assert list(written["level"])[-written["level"].isin(["doc_type", "part"]).sum():] == \
        ["doc_type"] * segments["doc_type"].nunique() + ["part"] * segments["part"].nunique()
    keys = {"zone": ["zone"], "zone_year": ["zone", "year"], "zone_doc_type": ["zone", "doc_type"],
            "zone_part": ["zone", "part"], "doc_type": ["doc_type"], "part": ["part"]}
    for level, by in keys.items():
        rows = table[table["level"] == level]
        assert rows["segments"].sum() == len(segments)  # each level splits the archive's segments
        for other in {"zone", "year", "doc_type", "part"} - set(by):
            assert rows[other].isna().all(), (level, other)
        assert len(rows) == len(segments.groupby(by))
    # an archive-wide part and document type, and a zone's part: the service's coverage of those segments
    checks = [("part", {"part": "review"}), ("doc_type", {"doc_type": segments["doc_type"].iloc[0]}),
              ("zone_part", {"zone": "清远高新区", "part": "plan"})]
    for level, where in checks:
        mine = segments[(segments[list(where)] == pd.Series(where)).all(axis=1)]
        row = table[(table["level"] == level)
                    & (table[list(where)] == pd.Series(where)).all(axis=1)].iloc[0]
        want = service_row(mine, themes, rates)
        assert (row["segments"], row["reports"]) == (len(mine), mine["doc_id"].nunique())
        assert (row["method"], row["corrected"], row["too_few"]) == (want["method"], want["corrected"],
                                                                     want["too_few"])
        for t in themes:
            got = want["themes"][t]
            assert [row[f"{t}_segment_share"], row[f"{t}_segment_share_low"], row[f"{t}_segment_share_high"],
                    row[f"{t}_raw_char_share"]] == [got["segment_share"], *got["segment_share_ci"],
                                                    got["raw_char_share"]]
    # a document type's reports are its documents
    types = table[table["level"] == "doc_type"].set_index("doc_type")["reports"]
    assert types.to_dict() == documents["doc_type"].value_counts().to_dict()


def test_jsonl_and_parquet_inputs_give_the_same_rows(local_seeds_run, seed_texts, seeds_dir, model_home, tmp_path):
    from tests.batch.conftest import run_cli

    manifest = {e.doc_id: e for e in read_manifest(seeds_dir)}
    records = [{"doc_id": d, "zone": manifest[d].zone, "year": manifest[d].years[0], "text": t}
               for d, t in seed_texts.items()]
    expected = read_table(local_seeds_run.out / "segments.parquet")
    jsonl = tmp_path / "reports.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    parquet = tmp_path / "reports.parquet"
    frame = pd.DataFrame(records)
    frame.loc[frame["doc_id"] == "004_34edc68766f1ed87", ["zone", "year"]] = None  # detected instead
    frame.to_parquet(parquet)
    for source in (jsonl, parquet):
        run = run_cli(["--input", str(source), "--output", str(tmp_path / source.stem)], model_home, tmp_path)
        got = read_table(tmp_path / source.stem / "segments.parquet")
        assert run.summary["segments"] == len(expected)
        pd.testing.assert_frame_equal(got.drop(columns=["zone", "year"]), expected.drop(columns=["zone", "year"]))
    detected = got[got["doc_id"] == "004_34edc68766f1ed87"]
    assert set(detected["zone"]) == {"鹤城高新区"} and set(detected["year"]) == {2024}
