"""Cross-validation plumbing on toy data where the answer is known."""

import numpy as np

from training.data import Example, document_folds, label_matrix
from training.evaluate import choose_thresholds, cross_validated_metrics, metrics


def ex(i, doc, source="seed", labels=()):
    return Example(f"{doc}-{i}", doc, "文本", (), tuple(labels), source)


def test_folds_hold_out_one_seed_document_and_never_authored():
    examples = [ex(0, "a"), ex(1, "a"), ex(2, "b"), ex(3, "authored", "authored"), ex(4, "c")]
    folds = document_folds(examples)
    assert sorted(sorted({examples[i].doc for i in test}) for _, _, test in folds) == [["a"], ["b"], ["c"]]
    for _, train, test in folds:
        assert 3 in train and 3 not in test
        assert not set(train) & set(test)


def test_label_matrix():
    examples = [ex(0, "a", labels=["safety"]), ex(1, "a", labels=[])]
    assert label_matrix(examples, ["party", "safety"]).tolist() == [[0, 1], [0, 0]]


def test_threshold_maximises_f1_on_held_out_scores():
    Y = np.array([[1], [1], [0], [0]])
    P = np.array([[0.4], [0.35], [0.3], [0.1]])
    assert choose_thresholds(Y, P).tolist() == [0.35]
    assert choose_thresholds(np.zeros((3, 1), int), np.ones((3, 1))).tolist() == [0.5]


def test_metrics_exact():
    Y = np.array([[1, 0], [1, 1], [0, 0]])
    P = np.array([[0.9, 0.2], [0.1, 0.8], [0.7, 0.1]])
    m = metrics(Y, P, np.array([0.5, 0.5]), ["a", "b"])
    assert m["themes"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["themes"]["b"]["f1"] == 1.0
    assert m["macro_f1"] == 0.75
    assert round(m["micro_f1"], 4) == round(2 * 2 / (2 * 2 + 1 + 1), 4)


def test_fold_thresholds_never_use_the_folds_own_labels():
    # Document "b" is separable only at a threshold that the other folds would never pick.
    examples = [ex(i, d) for i, d in enumerate("aaabbb")]
    Y = np.array([[1], [0], [0], [1], [1], [0]])
    P = np.array([[0.9], [0.2], [0.1], [0.3], [0.3], [0.25]])
    folds = document_folds(examples)
    m = cross_validated_metrics(Y, P, folds, ["t"])
    # Threshold from "a" alone is 0.9, so "b" gets no positives at all: F1 0 (not the 0.8 its own labels allow).
    fold_of = {examples[test[0]].doc: name for name, _, test in folds}
    assert m["folds"][fold_of["b"]]["themes"]["t"]["f1"] == 0.0
    assert m["folds"][fold_of["a"]]["themes"]["t"]["f1"] == 1.0
    assert m["fold_macro_f1_std"] > 0


def test_many_documents_are_dealt_to_grouped_folds_with_both_genres():
    examples = [Example(f"{d}-{i}", d, "文本", (), (), "corpus", "zone" if d < "m" else "government")
                for d in "abcdefghijklmnopqrst" for i in range(3)]
    examples.append(ex(0, "authored", "authored"))
    folds = document_folds(examples, n_folds=4)
    assert [name for name, _, _ in folds] == ["fold1", "fold2", "fold3", "fold4"]
    held = [examples[i].doc for _, _, test in folds for i in test]
    assert sorted(held) == sorted(e.doc for e in examples if e.source == "corpus")  # each once
    for _, train, test in folds:
        assert not {examples[i].doc for i in train} & {examples[i].doc for i in test}
        assert {examples[i].genre for i in test} == {"zone", "government"}
        assert len(examples) - 1 in train


def test_learning_curve_trains_on_nested_document_subsets():
    from training.evaluate import learning_curve

    docs = np.array([d for d in "abcdefgh" for _ in range(2)], dtype=object)
    examples = [Example(f"{d}-{i}", d, "文本", (), (), "corpus", "zone") for i, d in enumerate(docs)]
    folds = document_folds(examples, n_folds=2)
    Y = np.array([[i % 2] for i in range(len(docs))])
    seen = []

    class Recorder:
        def fit(self, X, Y, groups=None):
            seen.append(len(X))
            return self

        def predict_proba(self, X):
            return np.full((len(X), 1), 0.5)

    curve = learning_curve(Recorder, ["x"] * len(docs), Y, folds, docs, np.ones(len(docs), bool), ["t"],
                           fractions=(0.25, 0.5, 1.0))
    assert list(curve) == [0.25, 0.5, 1.0]
    # each fold trains on 4 documents (8 segments): 25 % → 1 document, 50 % → 2, 100 % → 4
    assert seen == [2, 2, 4, 4, 8, 8]
