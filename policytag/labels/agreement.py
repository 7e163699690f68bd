"""Agreement between two annotation passes: per-theme Cohen's kappa and F1, macro-F1."""

from __future__ import annotations


def agreement(pass_a: list[dict], pass_b: list[dict], themes: list[str]) -> dict:
    """Per-theme Cohen's kappa and F1 of pass A scored against pass B, plus macro-F1."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    b = {r["id"]: set(r["labels"]) for r in pass_b}
    ids = [r["id"] for r in pass_a if r["id"] in b]
    a = {r["id"]: set(r["labels"]) for r in pass_a}
    out: dict = {"segments": len(ids), "exact_match": sum(a[i] == b[i] for i in ids) / max(len(ids), 1),
           "themes": {}}
    f1s = []
    for t in themes:
        ya = [t in a[i] for i in ids]
        yb = [t in b[i] for i in ids]
        f1 = f1_score(yb, ya, zero_division=0.0)
        f1s.append(f1)
        out["themes"][t] = {"kappa": cohen_kappa_score(ya, yb), "f1": f1,
                            "positives_a": sum(ya), "positives_b": sum(yb)}
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out
