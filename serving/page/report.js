// One report, tagged or stored: segments highlighted by theme, heading paths, coverage, corrections.

import { api, ci, clear, h, pct, problemText, say, themeColor, themeList, themeName, themeTint } from "./dom.js";
import { has, t } from "./i18n.js";

const partName = (part) => (has(`part.${part}`) ? t(`part.${part}`) : part);

/** The themes a segment carries now: a person's correction wins over the prediction. */
const currentLabels = (seg) => (seg.correction ? seg.correction.labels : seg.labels);

function themeChip(id) {
  return h("span", { class: "chip", dataset: { theme: id }, style: { background: themeTint(id), borderColor: themeColor(id) } },
    themeName(id));
}

export function legend(themes) {
  return h("p", { class: "legend", "aria-label": t("report.legend") },
    themes.map((id) => h("span", { class: "legend-item" },
      h("span", { class: "swatch", style: { background: themeColor(id) } }), themeName(id))));
}

/** Per theme: the (corrected) share of the report's segments addressing it, with its 95% interval. */
export function coverageBlock(coverage, themes) {
  const row = (id, entry, name, colour) => h("div", { class: "cov-row", dataset: { theme: id } },
    h("span", { class: "cov-name" }, name),
    h("span", { class: "cov-track", title: t("cov.title", { name, share: pct(entry.segment_share),
      ci: ci(entry.segment_share_ci), k: entry.segments, segments: coverage.segments, raw: pct(entry.raw_segment_share),
      chars: pct(entry.char_share), charsCi: ci(entry.char_share_ci) }) },
      entry.segment_share_ci ? h("span", { class: "cov-ci", style: {
        left: pct(entry.segment_share_ci[0], 1), width: pct(entry.segment_share_ci[1] - entry.segment_share_ci[0], 1) } }) : null,
      h("span", { class: "cov-fill", style: { width: pct(entry.segment_share || 0, 1), background: colour } })),
    h("span", { class: "cov-value" }, `${pct(entry.segment_share)} `, h("small", {}, ci(entry.segment_share_ci))));
  const how = coverage.corrected ? t("cov.corrected") : t("cov.raw");
  return h("div", { class: "coverage", role: "group", "aria-label": t("cov.label"),
    dataset: { corrected: String(Boolean(coverage.corrected)), tooFew: String(Boolean(coverage.too_few)) } },
    h("p", { class: "cov-caption" }, t("cov.caption", { segments: coverage.segments, chars: coverage.characters, how })),
    coverage.too_few ? h("p", { class: "cov-note", role: "note" }, t("cov.tooFew", { n: coverage.segments })) : null,
    themes.map((id) => row(id, coverage.themes[id], themeName(id), themeColor(id))),
    row("untagged", coverage.untagged, t("cov.untagged"), "#999"));
}

function scoresTitle(seg, themes) {
  const labels = new Set(seg.labels);
  const lines = themes.map((id) => t("seg.score", { name: themeName(id),
    score: seg.scores[id] === undefined ? "–" : seg.scores[id].toFixed(2), mark: labels.has(id) ? " ✓" : "" }));
  if (seg.correction) lines.push(t("seg.titleCorrected", { author: seg.correction.author, labels: themeList(seg.correction.labels) }));
  if (seg.heading.length) lines.push(t("seg.titleHeading", { path: seg.heading.join(" › ") }));
  lines.push(t("seg.titlePart", { part: partName(seg.part) }));
  return lines.join("\n");
}

/** The correction control of a stored segment: a checkbox per theme and a save button. */
function editor(seg, themes, onSaved) {
  const chosen = new Set(currentLabels(seg));
  const msg = h("span", { class: "status", role: "status", "aria-live": "polite" });
  const boxes = themes.map((id) => {
    const box = h("input", { type: "checkbox", value: id, checked: chosen.has(id) });
    return h("label", { class: "choice" }, box, " ", themeName(id));
  });
  const save = h("button", { type: "button", class: "save-labels" }, t("seg.save"));
  const form = h("fieldset", { class: "editor", hidden: true },
    h("legend", {}, t("seg.editorLegend")), boxes, save, msg);
  save.addEventListener("click", async () => {
    const labels = [...form.querySelectorAll("input:checked")].map((b) => b.value);
    save.disabled = true;
    say(msg, t("seg.saving"), "busy");
    try {
      const stored = await api(`/v1/segments/${encodeURIComponent(seg.id)}/labels`,
        { method: "PUT", json: { labels }, write: true });
      const last = stored.history[stored.history.length - 1];
      onSaved({ labels: stored.labels, author: last.author, created_at: last.created_at });
    } catch (err) {
      say(msg, problemText(err), "error");
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function segmentElement(seg, themes, stored, onCorrected) {
  const labels = currentLabels(seg);
  const el = h("article", {
    class: `segment${labels.length ? " tagged" : ""}${seg.correction ? " corrected" : ""}`,
    dataset: { id: seg.id, labels: labels.join(" "), part: seg.part }, title: scoresTitle(seg, themes),
  });
  const marks = h("div", { class: "marks", "aria-hidden": "true" },
    labels.map((id) => h("span", { class: "mark", dataset: { theme: id }, style: { background: themeColor(id) } })));
  const chips = h("p", { class: "chips" }, labels.length ? labels.map(themeChip) : h("span", { class: "chip none" }, t("seg.noTheme")));
  if (seg.correction) {
    chips.append(h("span", { class: "correction-note" },
      t("seg.correctedBy", { author: seg.correction.author, model: themeList(seg.labels) })));
  }
  const body = h("div", { class: "seg-body" }, h("p", { class: "seg-text" }, seg.text), chips);
  if (stored) {
    const form = editor(seg, themes, (correction) => {
      seg.correction = correction;  // the report kept for redrawing shows it too
      const next = segmentElement(seg, themes, stored, onCorrected);
      el.replaceWith(next);
      say(next.querySelector(".seg-status"), t("seg.saved"), "ok");
      onCorrected();
    });
    const toggle = h("button", { type: "button", class: "edit-toggle", "aria-expanded": "false" }, t("seg.correct"));
    toggle.addEventListener("click", () => {
      form.hidden = !form.hidden;
      toggle.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) form.querySelector("input")?.focus();
    });
    chips.append(toggle, h("span", { class: "seg-status status", role: "status" }));
    body.append(form);
  }
  el.append(marks, body);
  return el;
}

function metaLine(report) {
  const years = report.years?.length ? report.years.join(t("list.sep")) : t("report.noYear");
  return h("p", { class: "meta" },
    h("strong", { class: "report-title" }, report.title || t("report.untitled")), " · ",
    h("span", { class: "report-zone" }, report.zone || t("report.noZone")), " · ", years, " · ",
    report.doc_type, " · ", t("report.model", { version: report.model.version }),
    report.report_id ? h("span", { class: "stored-badge" }, ` · ${t("report.stored")}`)
      : h("span", { class: "unstored-badge" }, ` · ${t("report.notStored")}`));
}

/** The page's own warnings (the API's are written for callers of the API, in English). */
function warnings(report) {
  const out = [];
  if (!report.zone) out.push(t("report.warn.zone"));
  if (report.year === null || report.year === undefined) out.push(t("report.warn.year"));
  return out;
}

const shown = new Map();  // container → what it shows, to draw again in another language

/** Draw every shown report again (after a language switch). */
export function redrawReports() {
  for (const [container, [report, options]] of shown) {
    if (!container.hidden) renderReport(container, report, options);
  }
}

/**
 * Render ``report`` (a /v1/tag or /v1/reports answer) into ``container``.
 * Stored reports get a correction control per segment; an unstored one gets ``onStore`` (a Store button).
 */
export function renderReport(container, report, { themes, onStore = null } = {}) {
  shown.set(container, [report, { themes, onStore }]);
  const stored = Boolean(report.report_id);
  const ids = themes.length ? themes : Object.keys(report.segments[0]?.scores || {});
  const segments = h("div", { class: "segments" });
  let covEl = coverageBlock(report.coverage, ids);
  let lastHeading = null;

  const refreshCoverage = async () => {
    try {
      const fresh = await api(`/v1/reports/${encodeURIComponent(report.report_id)}`);
      const next = coverageBlock(fresh.coverage, ids);
      covEl.replaceWith(next);
      covEl = next;
    } catch { /* the correction is saved; the coverage shown is just older */ }
  };
  for (const seg of report.segments) {
    const path = seg.heading.join(" › ");
    if (path && path !== lastHeading) segments.append(h("p", { class: "heading-path" }, path));
    lastHeading = path;
    segments.append(segmentElement(seg, ids, stored, refreshCoverage));
  }
  const actions = h("p", { class: "row actions" });
  if (!stored && onStore) {
    const msg = h("span", { class: "status", role: "status", "aria-live": "polite" });
    const button = h("button", { type: "button", class: "store-report" }, t("report.store"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(msg, t("report.storing"), "busy");
      try {
        await onStore();
      } catch (err) {
        say(msg, problemText(err), "error");
        button.disabled = false;
      }
    });
    actions.append(button, " ", h("span", { class: "hint" }, t("report.storeHint")), " ", msg);
  }
  clear(container, metaLine(report),
    warnings(report).length ? h("ul", { class: "warnings" }, warnings(report).map((w) => h("li", {}, w))) : null,
    actions, legend(ids), covEl,
    h("p", { class: "hint" }, t("report.hint", { n: report.segments.length }) +
      (stored ? t("report.hintStored") : t("report.hintEnd"))),
    segments);
  container.dataset.reportId = report.report_id || "";
  container.hidden = false;
}
