"""Folds grouped by document when the service's corrections and examples join the labels (issue 17)."""

import json

import pytest

from training.data import Example, document_folds, fold_documents, label_matrix, load_examples
from training.evaluate import cross_validated_metrics

THEMES = ["party", "safety"]


def seed_documents(n_docs=4, n_segments=12):
    """Seed documents whose scores separate the themes perfectly."""
    return [Example(f"s{d}-{i}", f"s{d}", f"文本{d}-{i}", (), (THEMES[i % 2],), "seed", "zone")
            for d in range(n_docs) for i in range(n_segments)]


def perfect_scores(examples):
    return label_matrix(examples, THEMES) * 0.8 + 0.1


def correction(doc, labels=()):
    """An analyst's correction of one segment of a stored report (``source: report``)."""
    return Example(f"{doc}-seg", doc, f"更正{doc}", (), tuple(labels), "report", None)


def test_two_corrections_do_not_become_folds_of_their_own():
    # The issue: after two corrections in the page's model tab, one fold held a single corrected segment
    # (no theme to score: macro-F1 0.0) and the mean over folds dropped from 0.74 to 0.49.
    seeds = seed_documents()
    before = cross_validated_metrics(label_matrix(seeds, THEMES), perfect_scores(seeds),
                                     document_folds(seeds), THEMES)
    examples = seeds + [correction("report-a"), correction("report-b")]  # both: "none of the themes"
    Y, P = label_matrix(examples, THEMES), perfect_scores(examples)
    folds = document_folds(examples)
    after = cross_validated_metrics(Y, P, folds, THEMES)
    assert min(m["macro_f1"] for m in after["folds"].values()) == 1.0
    assert after["fold_macro_f1_mean"] == before["fold_macro_f1_mean"] == 1.0
    assert len(folds) == 4  # one per seed document; the corrected reports are pooled into them
    held = fold_documents(examples, folds)
    for docs in held.values():
        assert any(n >= 10 for n in docs.values())  # every fold holds a large document
    assert sorted(d for docs in held.values() for d in docs) == sorted({e.doc for e in examples})


@pytest.mark.parametrize("n_docs", [3, 5, 8])
def test_small_documents_are_pooled_and_never_scored_alone(n_docs):
    # Fewer, as many or more seed documents than folds, and two tiny ones: no fold is a tiny document alone.
    examples = seed_documents(n_docs=n_docs) + [correction("r1"), correction("r2")]
    folds = document_folds(examples)
    assert [name for name, _, _ in folds] == [f"fold{i}" for i in range(1, min(n_docs, 5) + 1)]
    for docs in fold_documents(examples, folds).values():
        assert max(docs.values()) >= 10
    # the two small documents go to different folds (the fold with the fewest of their genre's segments)
    where = {d: name for name, docs in fold_documents(examples, folds).items() for d in docs}
    assert where["r1"] != where["r2"]


def test_examples_of_a_held_out_document_never_train_on_it():
    examples = seed_documents(n_docs=3) + [Example("x1", "s1", "补充", (), ("party",), "example", None),
                                           Example("a1", "authored", "编写", (), ("party",), "authored", None)]
    folds = document_folds(examples)
    for _, train, test in folds:
        held = {examples[i].doc for i in test}
        assert not held & {examples[i].doc for i in train}
        assert len(examples) - 1 in train  # authored examples of no document always train
        assert len(examples) - 2 not in test  # an example is never scored
    (fold_of_s1,) = [train for _, train, test in folds if examples[test[0]].doc == "s1"]
    assert len(examples) - 2 not in fold_of_s1


def write_jsonl(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_a_correction_joins_the_document_it_corrects(tmp_path):
    seed = {"id": "d1-0", "doc": "d1", "text": "排查企业1443家次。", "labels": ["safety"], "source": "seed"}
    corpus = {"id": "g1-0", "doc": "g1", "genre": "government", "text": "加强党的建设。", "labels": ["party"],
              "source": "corpus"}
    write_jsonl(tmp_path / "gold" / "seeds.jsonl", [seed])
    write_jsonl(tmp_path / "corpus" / "records" / "government-1.jsonl", [corpus])
    # what policytag.store.human_labels.as_record writes: the stored report's id as doc
    write_jsonl(tmp_path / "gold" / "service.jsonl", [
        {"id": "rep9-aa", "doc": "rep9", "text": "加强党的建设。", "labels": ["party"], "source": "report"},
        {"id": "rep9-bb", "doc": "rep9", "text": "新引进项目178个。", "labels": ["investment"], "source": "report"},
        {"id": "example-1", "doc": "examples", "text": "排查企业1443家次。", "labels": [], "source": "example"}])
    by_id = {e.id: e for e in load_examples(tmp_path)}
    assert (by_id["rep9-aa"].doc, by_id["rep9-aa"].genre) == ("g1", "government")  # the same text as g1's segment
    assert by_id["rep9-bb"].doc == "rep9"  # otherwise its report is its document
    assert (by_id["example-1"].doc, by_id["example-1"].genre) == ("d1", "zone")
