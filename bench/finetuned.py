"""The fine-tuned model on two cores: the final fit's time budget, int8 against fp32 throughput, API latency.

    .venv/bin/python bench/finetuned.py [--home HOME] [--sample 600] [--json PATH]
    policytag bench --finetuned [--home HOME]

1. **Fine-tuning budget.** Times the frozen pass and one epoch on a sample of the corpus's segments, and
   extrapolates the final fit on the whole corpus (the frozen pass over every segment, then ``MAX_EPOCHS``
   epochs), against the 30-minute budget.
2. **Throughput** on the sample's segments, as the service runs them: the bare forward pass of the whole
   encoder (torch fp32, no tokenising or tagging: the floor), the fine-tuned classifier in torch fp32, and
   its int8 ONNX graph; segments per second and the ratios.
3. **API latency**: ``POST /v1/tag`` of a new ~8,000-character report, p50 and p95 over ten requests,
   served by the service's app (in process) with the sample's int8 model as its model; with ``--home``,
   by ``HOME``'s champion in a real uvicorn process instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.workload import LABELS, api_report  # noqa: E402
from policytag.model import e5  # noqa: E402
from policytag.model.finetuned import MAX_EPOCHS, PREFIX, FineTunedThemeClassifier  # noqa: E402

BUDGET_S = 30 * 60
API_P50_LIMIT_S = 1.0


def corpus_sample(n: int, seed: int = 0) -> tuple[list[str], np.ndarray, int]:
    """``n`` corpus segments (model inputs), their labels, and the corpus size."""
    from policytag.text import model_input
    from policytag.themes import theme_ids
    from training.data import label_matrix, load_examples

    examples = load_examples(LABELS)
    chosen = [examples[i] for i in np.random.default_rng(seed).permutation(len(examples))[:n]]
    texts = [model_input(e.text, list(e.heading), with_heading=False) for e in chosen]
    return texts, label_matrix(chosen, theme_ids(LABELS)), len(examples)


def fine_tuning_budget(texts: list[str], Y: np.ndarray, corpus_size: int) -> tuple[dict, FineTunedThemeClassifier]:
    model = FineTunedThemeClassifier(epochs=1, validation_share=0.0)
    start = time.perf_counter()
    model._frozen(texts)
    frozen_s = time.perf_counter() - start
    start = time.perf_counter()
    model.fit(texts, Y)  # the frozen outputs are memoised: this is the epoch alone
    epoch_s = time.perf_counter() - start
    scale = corpus_size / len(texts)
    estimate = scale * (frozen_s + MAX_EPOCHS * epoch_s)
    return {"sample_segments": len(texts), "corpus_segments": corpus_size, "frozen_pass_s": round(frozen_s, 1),
            "one_epoch_s": round(epoch_s, 1), "epochs": MAX_EPOCHS,
            "final_fit_estimate_min": round(estimate / 60, 1), "budget_min": BUDGET_S / 60,
            "within_budget": estimate <= BUDGET_S}, model


def _rate(fn, n: int, passes: int = 2) -> float:
    fn()  # warm-up
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return n / min(times)


def throughput(model: FineTunedThemeClassifier, texts: list[str]) -> dict:
    import torch

    tokenizer, encoder = e5.load_encoder(model._model_dir())

    by_length = sorted(texts, key=len)  # batched by length, as the classifier batches: the same padding

    def bare_forward():
        with torch.no_grad():
            for start in range(0, len(by_length), 32):
                enc = tokenizer([PREFIX + t for t in by_length[start:start + 32]], padding=True, truncation=True,
                                max_length=model.max_tokens, return_tensors="pt")
                encoder(**enc)

    def fp32():
        e5_memo_cleared()
        model.predict_proba(texts)

    bare = _rate(bare_forward, len(texts))
    fp32_rate = _rate(fp32, len(texts))
    model.quantize()
    int8_rate = _rate(lambda: model.predict_proba(texts), len(texts))
    return {"segments": len(texts), "threads": torch.get_num_threads(),
            "bare_forward_fp32_per_s": round(bare, 1), "finetuned_fp32_per_s": round(fp32_rate, 1),
            "finetuned_int8_per_s": round(int8_rate, 1), "fp32_vs_bare": round(fp32_rate / bare, 2),
            "int8_vs_bare": round(int8_rate / bare, 2), "int8_vs_fp32": round(int8_rate / fp32_rate, 2),
            "int8_graph_mb": round(len(model.int8_ or b"") / 1e6, 1)}


def e5_memo_cleared() -> None:
    """Forget memoised frozen outputs, so fp32 is timed as a service meets new text."""
    from policytag.model import finetuned

    finetuned._frozen_memo.clear()


def _latency(post, requests: int) -> dict:
    post(api_report(0))  # warm-up
    latencies = []
    for n in range(1, requests + 1):
        start = time.perf_counter()
        model = post(api_report(n))
        latencies.append(time.perf_counter() - start)
    p50 = float(np.percentile(latencies, 50))
    return {"model": model, "report_chars": len(api_report(1)), "requests": requests, "p50_s": round(p50, 3),
            "p95_s": round(float(np.percentile(latencies, 95)), 3), "p50_limit_s": API_P50_LIMIT_S,
            "within_limit": p50 <= API_P50_LIMIT_S}


def api_latency_in_process(classifier: FineTunedThemeClassifier, themes: list[str], requests: int = 10) -> dict:
    """The app with ``classifier`` as its served model, through FastAPI's test client."""
    from fastapi.testclient import TestClient

    from policytag.config import Settings
    from policytag.model.tagger import Tagger
    from serving.main import create_app
    from serving.served_model import ServedModel

    tagger = Tagger(classifier, themes, [0.5] * len(themes), with_heading=False, model_type="finetuned")
    with tempfile.TemporaryDirectory(prefix="policytag-bench-ft-") as tmp:
        settings = Settings(home=Path(tmp), data_dir=Path(tmp) / "data", labels_dir=LABELS)
        served = ServedModel("policytag", "bench", "none", "", tagger)
        with TestClient(create_app(settings, model=served)) as client:
            def post(text: str) -> dict:
                r = client.post("/v1/tag", json={"text": text})
                if r.status_code != 200:
                    raise RuntimeError(f"/v1/tag answered {r.status_code}: {r.text[:300]}")
                return r.json()["model"]

            return {"served": "in process (TestClient), int8", **_latency(post, requests)}


def api_latency(home: Path, requests: int = 10) -> dict:
    from bench.service import Service, request, tag_body

    with tempfile.TemporaryDirectory(prefix="policytag-bench-ft-") as tmp:
        service = Service(home, Path(tmp))
        try:
            service.start()
            service.wait_ready()

            def post(text: str) -> dict:
                status, payload = request(service.port, "POST", "/v1/tag", tag_body(text))
                if status != 200:
                    raise RuntimeError(f"/v1/tag answered {status}: {payload[:300]!r}")
                return json.loads(payload)["model"]

            return {"served": f"uvicorn, {home}'s champion", **_latency(post, requests)}
        finally:
            service.stop()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a project home whose champion serves the API measurement")
    parser.add_argument("--sample", type=int, default=600, help="corpus segments timed and tagged")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    texts, Y, corpus_size = corpus_sample(args.sample)
    budget, model = fine_tuning_budget(texts, Y, corpus_size)
    print(json.dumps({"fine_tuning": budget}, ensure_ascii=False), flush=True)
    out = {"fine_tuning": budget, "throughput": throughput(model, texts)}
    print(json.dumps({"throughput": out["throughput"]}, ensure_ascii=False), flush=True)
    from policytag.themes import theme_ids

    out["api"] = api_latency(args.home) if args.home else api_latency_in_process(model, theme_ids(LABELS))
    print(json.dumps({"api": out["api"]}, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
