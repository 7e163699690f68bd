"""The targets, checked against the measured figures, and the plain-text table."""

from __future__ import annotations

RSS_LIMIT_MIB = round(1.5e9 / 2**20, 1)  # 1.5 GB
THROUGHPUT_GOALS = {"tfidf": 0.7, "encoder": 0.8}
P50_LIMIT_MS = {"tfidf": 50.0, "encoder": 2000.0}


def targets(results: dict) -> list[dict]:
    """Every target that this run measured, with its value, its limit, the ratio and PASS/MISS."""
    out = []
    for row in results["throughput"]:
        goal = THROUGHPUT_GOALS.get(row["model_type"])
        if goal is not None and row["path"] == "document":
            out.append(_target(f"{row['model_type']} tag_document / {row['limit']['name']}, {row['threads']} thread(s)",
                               row["segments_per_s"], "segments/s", row["limit"]["segments_per_s"], row["ratio"],
                               f"ratio >= {goal}", row["ratio"] >= goal))
    budget = results["training_budget"]
    if len(budget["model_types"]) > 1:
        out.append(_target(f"train {' + '.join(budget['model_types'])} + encoder conversion", budget["total_s"], "s",
                           budget["budget_s"], budget["ratio"], "ratio <= 1", budget["ratio"] <= 1))
    for champ, svc in results["service"].items():
        first = next((p for p in svc["load"] if p["concurrency"] == 1), None)
        if first and champ in P50_LIMIT_MS:
            limit = P50_LIMIT_MS[champ]
            out.append(_target(f"POST /v1/tag p50, {champ} champion, concurrency 1", first["p50_ms"], "ms", limit,
                               round(first["p50_ms"] / limit, 3), "ratio < 1", first["p50_ms"] < limit))
        for phase in svc["load"]:
            if phase["concurrency"] == 16:
                out.append(_target(f"errors, {champ} champion, concurrency 16", phase["errors"], "errors", 0, None,
                                   "= 0", phase["errors"] == 0))
        if champ == "encoder":
            rss = svc["peak_rss_mib"]["total"]
            out.append(_target("service peak RSS, encoder champion", rss, "MiB", RSS_LIMIT_MIB,
                               round(rss / RSS_LIMIT_MIB, 3), "ratio < 1", rss < RSS_LIMIT_MIB))
    return out


def _target(name, measured, unit, limit, ratio, goal, passed) -> dict:
    return {"target": name, "measured": measured, "unit": unit, "limit": limit, "ratio": ratio, "goal": goal,
            "status": "PASS" if passed else "MISS"}


def table(results: dict) -> str:
    """The whole run as plain text: throughput, training, API, service, targets."""
    return "\n\n".join(part for part in (_header(results), _throughput(results), _api(results),
                                          _service(results), _targets(results)) if part) + "\n"


def _grid(headers: list[str], rows: list[list]) -> str:
    cells = [headers] + [["-" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in cells]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def _header(r: dict) -> str:
    m, load, w = r["machine"], r["other_load"], r["workload"]
    lines = [f"policytag bench ({r['mode']}), {r['elapsed_s']:.0f} s, code {r['code_version']}",
             f"machine: {m['cores']} cores {m['cpu_model']}, {m['ram_gib']} GiB RAM, Python {m['python']}, "
             f"torch {m['packages']['torch']}",
             f"other processes during the run: {load['other_cores_mean']} cores mean, {load['other_cores_p90']} p90, "
             f"{load['other_cores_max']} max; hypervisor steal {load['steal_cores_mean']} cores mean, "
             f"{load['steal_cores_max']} max",
             f"workload: {w['seed_reports']} seed reports, {w['segments']} segments, {w['chars']} characters; "
             f"API report {w['api_report_chars']} characters, {w['api_report_segments']} segments, "
             f"{w['api_repeated_segments']} segments shared between consecutive requests"]
    b = r["training_budget"]
    lines.append(f"training: {b['total_s']} s for {', '.join(b['model_types'])}"
                 + (f" incl. {b['encoder_conversion_s']} s encoder conversion" if b["encoder_conversion_s"] else "")
                 + f" (budget {b['budget_s']} s)")
    if r["skipped"]:
        lines.append("skipped: " + "; ".join(r["skipped"]))
    return "\n".join(lines)


def _throughput(r: dict) -> str:
    rows = []
    for row in r["throughput"]:
        t = r["training"].get(row["model_type"], {})
        name = row["model_type"] + ("*" if row["model_type"] == r["champion"]["model_type"] else "")
        rows.append([name, row["path"], row["threads"], row["passes"], row["segments_per_s"],
                     row["segments_per_s_median"], row["chars_per_s"], row["limit"]["name"],
                     row["limit"]["segments_per_s"], f"{row['ratio']:.2f}", f"{row['ratio_median']:.2f}",
                     f"{row['ratio_paired']:.2f}",
                     t.get("train_s"), None if t.get("cv_macro_f1") is None else f"{t['cv_macro_f1']:.3f}"])
    head = ("Tagging throughput on the seeds: best pass (median pass); chars/s counts report characters; "
            "ratio = pipeline / limit (best passes, median passes, paired = median of each pass's ratio); "
            f"* = served champion v{r['champion']['version']}")
    note = ("thr = torch and OpenMP/BLAS threads; tfidf runs single-threaded whatever the setting "
            "(jieba and scikit-learn's vectorisers are Python), so its rows differ by noise only")
    return head + "\n" + _grid(["model", "path", "thr", "passes", "seg/s", "(median)", "chars/s", "limit",
                                "limit seg/s", "ratio", "(median)", "(paired)", "train s", "CV macro-F1"],
                               rows) + "\n" + note


def _api(r: dict) -> str:
    rows = [[f"{champ} v{svc['cold_start']['model']['version']}", p["concurrency"], p["requests"], p["p50_ms"],
             p["p95_ms"], p["p99_ms"], p["requests_per_s"], p["errors"], p["peak_rss_mib_so_far"]]
            for champ, svc in r["service"].items() for p in svc["load"]]
    if not rows:
        return ""
    return (f"POST /v1/tag, ~{r['workload']['api_report_chars']}-character report, new text every request\n"
            + _grid(["champion", "conc", "n", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors", "peak RSS MiB"], rows))


def _service(r: dict) -> str:
    rows = [[champ, s["cold_start"]["ready_s"], s["cold_start"]["first_tag_s"], s["cold_start"]["peak_rss_mib"],
             s["peak_rss_mib"]["total"], f"{s['peak_rss_mib']['anon_now']:.0f}/{s['peak_rss_mib']['file_now']:.0f}",
             s["peak_rss_mib"]["children"], s["in_process"]["tag_document_ms"],
             f"{s['in_process']['limit']} {s['in_process']['limit_ms']}"] for champ, s in r["service"].items()]
    if not rows:
        return ""
    return ("Service: seconds from process start to the first 200 from /readyz and to the first /v1/tag answer; "
            "peak RSS (VmHWM) after the first answer and at the end, RSS anonymous/file-backed at the end;\n"
            "the API report tagged in-process (2 threads, median ms) and the limit work in it\n"
            + _grid(["champion", "ready s", "first tag s", "RSS first MiB", "peak RSS MiB", "anon/file MiB",
                     "children", "in-process ms", "limit ms"], rows))


def _targets(r: dict) -> str:
    rows = [[t["target"], f"{t['measured']} {t['unit']}", t["limit"],
             "-" if t["ratio"] is None else f"{t['ratio']:.2f}",
             t["goal"], t["status"]] for t in r["targets"]]
    return "Targets\n" + _grid(["target", "measured", "limit", "ratio", "goal", "status"], rows)
