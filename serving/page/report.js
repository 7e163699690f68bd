// One report, tagged or stored: segments highlighted by theme, heading paths, coverage, corrections.

import { api, ci, clear, h, pct, problemText, say, themeColor, themeName, themeTint } from "./dom.js";

const PARTS = { review: "review", plan: "plan", problems: "problems", other: "other" };

/** The themes a segment carries now: a person's correction wins over the prediction. */
const currentLabels = (seg) => (seg.correction ? seg.correction.labels : seg.labels);

function themeChip(id) {
  return h("span", { class: "chip", dataset: { theme: id }, style: { background: themeTint(id), borderColor: themeColor(id) } },
    themeName(id));
}

export function legend(themes) {
  return h("p", { class: "legend", "aria-label": "theme colours" },
    themes.map((id) => h("span", { class: "legend-item" },
      h("span", { class: "swatch", style: { background: themeColor(id) } }), themeName(id))));
}

/** Per theme: the (corrected) share of the report's segments addressing it, with its 95% interval. */
export function coverageBlock(coverage, themes) {
  const row = (id, entry, name, colour) => h("div", { class: "cov-row", dataset: { theme: id } },
    h("span", { class: "cov-name" }, name),
    h("span", { class: "cov-track", title: `${name}: ${pct(entry.segment_share)} of the segments ` +
        `(95% interval ${ci(entry.segment_share_ci)}); ${entry.segments} of ${coverage.segments} segments labelled ` +
        `(raw ${pct(entry.raw_segment_share)}); characters ${pct(entry.char_share)} (${ci(entry.char_share_ci)})` },
      entry.segment_share_ci ? h("span", { class: "cov-ci", style: {
        left: pct(entry.segment_share_ci[0], 1), width: pct(entry.segment_share_ci[1] - entry.segment_share_ci[0], 1) } }) : null,
      h("span", { class: "cov-fill", style: { width: pct(entry.segment_share || 0, 1), background: colour } })),
    h("span", { class: "cov-value" }, `${pct(entry.segment_share)} `, h("small", {}, ci(entry.segment_share_ci))));
  const how = coverage.corrected ? "corrected for the tagger's measured errors"
    : "raw count of the tagger's labels (no error rates for this model version)";
  return h("div", { class: "coverage", role: "group", "aria-label": "coverage of the report",
    dataset: { corrected: String(Boolean(coverage.corrected)), tooFew: String(Boolean(coverage.too_few)) } },
    h("p", { class: "cov-caption" }, `Coverage: share of the ${coverage.segments} segments ` +
      `(${coverage.characters} characters) addressing each theme, ${how}, with 95% intervals`),
    coverage.too_few ? h("p", { class: "cov-note", role: "note" }, `Only ${coverage.segments} segments: too few ` +
      "(or too wide an interval) to read these shares as the report's emphasis.") : null,
    themes.map((id) => row(id, coverage.themes[id], themeName(id), themeColor(id))),
    row("untagged", coverage.untagged, "no theme", "#999"));
}

function scoresTitle(seg, themes) {
  const labels = new Set(seg.labels);
  const lines = themes.map((id) => `${themeName(id)} (${id}): ${seg.scores[id] === undefined ? "–" :
    seg.scores[id].toFixed(2)}${labels.has(id) ? " ✓" : ""}`);
  if (seg.correction) lines.push(`corrected by ${seg.correction.author}: ${seg.correction.labels.map(themeName).join(", ") || "no theme"}`);
  if (seg.heading.length) lines.push(`heading: ${seg.heading.join(" › ")}`);
  lines.push(`part: ${PARTS[seg.part] || seg.part}`);
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
  const save = h("button", { type: "button", class: "save-labels" }, "Save");
  const form = h("fieldset", { class: "editor", hidden: true },
    h("legend", {}, "Themes of this segment"), boxes, save, msg);
  save.addEventListener("click", async () => {
    const labels = [...form.querySelectorAll("input:checked")].map((b) => b.value);
    save.disabled = true;
    say(msg, "saving…", "busy");
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
  const chips = h("p", { class: "chips" }, labels.length ? labels.map(themeChip) : h("span", { class: "chip none" }, "no theme"));
  if (seg.correction) {
    chips.append(h("span", { class: "correction-note" },
      `corrected by ${seg.correction.author}; model: ${seg.labels.map(themeName).join(", ") || "no theme"}`));
  }
  const body = h("div", { class: "seg-body" }, h("p", { class: "seg-text" }, seg.text), chips);
  if (stored) {
    const form = editor(seg, themes, (correction) => {
      const next = segmentElement({ ...seg, correction }, themes, stored, onCorrected);
      el.replaceWith(next);
      say(next.querySelector(".seg-status"), "correction saved", "ok");
      onCorrected();
    });
    const toggle = h("button", { type: "button", class: "edit-toggle", "aria-expanded": "false" }, "Correct");
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
  const years = report.years?.length ? report.years.join(", ") : "year not detected";
  return h("p", { class: "meta" },
    h("strong", { class: "report-title" }, report.title || "(untitled)"), " · ",
    h("span", { class: "report-zone" }, report.zone || "zone not detected"), " · ", years, " · ",
    report.doc_type, " · model ", report.model.version,
    report.report_id ? h("span", { class: "stored-badge" }, " · stored") : h("span", { class: "unstored-badge" }, " · not stored"));
}

/**
 * Render ``report`` (a /v1/tag or /v1/reports answer) into ``container``.
 * Stored reports get a correction control per segment; an unstored one gets ``onStore`` (a Store button).
 */
export function renderReport(container, report, { themes, onStore = null } = {}) {
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
    const button = h("button", { type: "button", class: "store-report" }, "Store");
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(msg, "storing…", "busy");
      try {
        await onStore();
      } catch (err) {
        say(msg, problemText(err), "error");
        button.disabled = false;
      }
    });
    actions.append(button, " ", h("span", { class: "hint" }, "store the report to correct its segments"), " ", msg);
  }
  clear(container, metaLine(report),
    report.warnings.length ? h("ul", { class: "warnings" }, report.warnings.map((w) => h("li", {}, w))) : null,
    actions, legend(ids), covEl,
    h("p", { class: "hint" }, `${report.segments.length} segments; hover a segment for every theme's score` +
      (stored ? "; “Correct” changes its themes." : ".")),
    segments);
  container.dataset.reportId = report.report_id || "";
  container.hidden = false;
}
