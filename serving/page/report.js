// One report, tagged or stored: segments highlighted by theme, heading paths, coverage, corrections.

import { api, ci, clear, h, num, pct, problemText, say, themeColor, themeList, themeName, themeTint } from "./dom.js";
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

// ---- why a theme: clause occlusion (GET /v1/segments/{id}/explain, POST /v1/explain for unstored results)

const explanations = new WeakMap();  // segment → { why, open }, kept across redraws (a language switch)
let whyIds = 0;

/** The themes to explain: those the served model gives the segment, else its best-scoring one. */
function explainedThemes(why) {
  const given = why.themes.filter((th) => th.label);
  return given.length ? given : [...why.themes].sort((a, b) => b.score - a.score).slice(0, 1);
}

/** A phrase's score drop and log-odds drop, as shown (a sure score barely moves: its log-odds still do). */
const drops = (p) => ({ drop: p.weight >= 0.0005 ? `−${num(p.weight, 3)}` : t("why.tiny"), logOdds: num(p.log_odds_drop, 1) });

/** A TF-IDF n-gram as a reader would write it: word tokens joined, numbers as the page's word for a number. */
const gramText = (g) => g.ngram.split(" ").map((tok) => (tok === "<num>" ? t("why.number") : tok)).join("");

/** ``#rrggbb`` at opacity ``alpha`` (0–1) as ``#rrggbbaa``. */
const withAlpha = (colour, alpha) => colour + Math.round(Math.min(1, Math.max(0, alpha)) * 255).toString(16).padStart(2, "0");

/**
 * The segment text with each clause that drives a shown theme marked in that theme's colour, darker the more
 * the theme's log-odds drop without it (relative to the theme's top clause; log-odds still differ where a sure
 * score barely moves); a clause driving several themes takes the theme it drives most, relatively.
 */
function highlighted(text, themes) {
  const best = new Map();  // clause start → { theme, phrase, share }
  for (const th of themes) {
    const top = th.phrases[0]?.log_odds_drop || 0;  // phrases come largest drop first
    for (const p of top > 0 ? th.phrases : []) {
      const share = p.log_odds_drop / top;
      if (p.log_odds_drop > 0 && !(best.get(p.start)?.share >= share)) best.set(p.start, { theme: th.theme, phrase: p, share });
    }
  }
  const out = [];
  let at = 0;
  for (const { theme, phrase, share } of [...best.values()].sort((a, b) => a.phrase.start - b.phrase.start)) {
    out.push(text.slice(at, phrase.start), h("mark", { class: "why-mark", dataset: { theme, weight: String(phrase.weight) },
      style: { background: withAlpha(themeColor(theme), 0.15 + 0.55 * share) },
      title: t("why.markTitle", { name: themeName(theme), ...drops(phrase) }) }, text.slice(phrase.start, phrase.end)));
    at = phrase.end;
  }
  out.push(text.slice(at));
  return out;
}

/** Per explained theme: its score, its top phrases with their score drops, and TF-IDF n-grams when the model has them. */
function whyLegend(why, themes, report) {
  const rows = themes.map((th) => {
    const phrases = th.phrases.filter((p) => p.log_odds_drop > 0).slice(0, 3);
    const seen = new Set();
    const words = th.ngrams.filter((g) => g.kind === "word");  // easier to read than character n-grams
    const grams = (words.length ? words : th.ngrams).map(gramText).filter((g) => !seen.has(g) && seen.add(g)).slice(0, 5);
    return h("li", { class: "why-theme", dataset: { theme: th.theme } },
      h("span", { class: "swatch", style: { background: themeColor(th.theme) } }),
      h("strong", {}, t("why.theme", { name: themeName(th.theme), score: num(th.score, 2) })), " ",
      phrases.length ? phrases.map((p) => h("span", { class: "why-phrase", dataset: { weight: String(p.weight) } },
        t("why.phrase", { phrase: p.text, ...drops(p) })))
        : h("span", { class: "why-none" }, t("why.none")),
      grams.length ? h("span", { class: "why-ngrams" }, t("why.ngrams", { list: grams.join(t("list.sep")) })) : null);
  });
  const other = report.model && why.model.version !== report.model.version
    ? h("p", { class: "hint why-other-model" }, t("why.otherModel", { served: why.model.version, tagged: report.model.version }))
    : null;
  return [h("p", { class: "why-caption" }, t("why.caption", { n: why.clauses }) + (why.merged ? t("why.merged") : "")),
    other, h("ul", { class: "why-list" }, rows)];
}

/** The why control of a segment: a button that fetches the explanation once and shows or hides it. */
function whyControl(seg, report, textEl) {
  const panel = h("div", { class: "why", id: `why-${++whyIds}`, role: "group", "aria-label": t("why.legend"), hidden: true });
  const button = h("button", { type: "button", class: "why-toggle", "aria-expanded": "false", "aria-controls": panel.id,
    title: t("why.buttonTitle") }, t("why.button"));
  const msg = h("span", { class: "why-status status", role: "status", "aria-live": "polite" });
  const show = (state) => {
    const themes = explainedThemes(state.why);
    textEl.replaceChildren(...highlighted(seg.text, themes));
    clear(panel, whyLegend(state.why, themes, report));
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
  };
  const hide = () => {
    textEl.replaceChildren(seg.text);
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
  };
  let busy = false;  // not ``disabled``: a disabled button would lose the keyboard focus
  button.addEventListener("click", async () => {
    const state = explanations.get(seg);
    if (busy) return;
    if (state?.open) {
      state.open = false;
      hide();
      return;
    }
    if (state) {
      state.open = true;
      show(state);
      return;
    }
    busy = true;
    button.setAttribute("aria-busy", "true");
    say(msg, t("why.loading"), "busy");
    try {
      const why = report.report_id
        ? await api(`/v1/segments/${encodeURIComponent(seg.id)}/explain`)
        : await api("/v1/explain", { method: "POST", json: { text: seg.text, heading: seg.heading } });
      const fresh = { why, open: true };
      explanations.set(seg, fresh);
      say(msg, "", "ok");
      show(fresh);
    } catch (err) {
      say(msg, problemText(err), "error");
    } finally {
      busy = false;
      button.removeAttribute("aria-busy");
    }
  });
  if (explanations.get(seg)?.open) show(explanations.get(seg));
  return { button, msg, panel };
}

function segmentElement(seg, themes, report, onCorrected) {
  const stored = Boolean(report.report_id);
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
  const text = h("p", { class: "seg-text" }, seg.text);
  const why = whyControl(seg, report, text);
  chips.append(why.button, why.msg);
  const body = h("div", { class: "seg-body" }, text, chips, why.panel);
  if (stored) {
    const form = editor(seg, themes, (correction) => {
      seg.correction = correction;  // the report kept for redrawing shows it too
      const next = segmentElement(seg, themes, report, onCorrected);
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

// ---- metadata: confirm before storing, correct (PATCH) or delete a stored report

const DOC_TYPES = ["工作总结", "工作计划", "工作安排", "工作打算", "工作思路", "工作总结及工作计划",
  "工作总结及工作安排", "工作总结及工作打算", "工作总结及工作思路", "新闻报道"];
const FIELDS = ["zone", "year", "doc_type", "title"];
let fieldIds = 0;

/** A labelled input; ``list`` ties it to a datalist. */
function field(label, input) {
  input.id = `meta-field-${++fieldIds}`;
  return h("span", { class: "meta-field" }, h("label", { for: input.id }, label), input);
}

/** "" → null, else a whole year (throws the page's message otherwise). */
function yearValue(text) {
  const trimmed = String(text).trim();
  if (!trimmed) return null;
  const year = Number(trimmed);
  if (!Number.isInteger(year)) throw new Error(t("tag.badYear"));
  return year;
}

const fieldValue = (f, v) => (v === null || v === undefined || v === "" ? t("meta.none") : String(v));

/** Zone and year of an unstored result, editable; a null zone offers the detected candidates. */
function confirmFields(report) {
  const candidates = report.detection?.zone?.candidates || [];
  const listId = `zone-candidates-${++fieldIds}`;
  const zone = h("input", { type: "text", class: "confirm-zone", size: 14, value: report.zone || "",
    list: candidates.length ? listId : null, placeholder: candidates.length ? t("meta.chooseZone") : null });
  const year = h("input", { type: "number", class: "confirm-year", min: 1978, max: 2100, value: report.year ?? "" });
  const list = candidates.length ? h("datalist", { id: listId },
    candidates.map((c) => h("option", { value: c.zone }, `${c.zone} (${pct(c.confidence)})`))) : null;
  const note = !report.zone && candidates.length ? h("p", { class: "hint zone-candidates" },
    t("meta.candidates", { list: candidates.map((c) => t("meta.candidate", { zone: c.zone, p: pct(c.confidence) }))
      .join(t("list.sep")) })) : null;
  const el = h("fieldset", { class: "confirm-meta" }, h("legend", {}, t("meta.confirmLegend")),
    field(t("tag.zone"), zone), list, " ", field(t("tag.year"), year), note);
  const values = () => {
    const out = { year: yearValue(year.value) };
    if (zone.value.trim()) out.zone = zone.value.trim();
    if (out.year === null) delete out.year;
    return out;
  };
  return { el, values };
}

/**
 * What a 409 from POST /v1/reports says (its message, the stored and sent values) and an offer to apply
 * its PATCH; ``onApplied(reportId)`` shows the corrected stored report.
 */
export function conflictBox(err, onApplied) {
  const body = err.body || {};
  const msg = h("span", { class: "status", role: "status", "aria-live": "polite" });
  const apply = h("button", { type: "button", class: "apply-patch" }, t("meta.applyPatch"));
  apply.addEventListener("click", async () => {
    apply.disabled = true;
    say(msg, t("meta.saving"), "busy");
    try {
      const change = body.change_with;
      await api(change.url, { method: change.method || "PATCH", json: change.body, write: true });
      say(msg, t("meta.patched"), "ok");
      await onApplied(body.report_id);
    } catch (e) {
      say(msg, problemText(e), "error");
      apply.disabled = false;
    }
  });
  const rows = Object.entries(body.conflicts || {}).map(([f, v]) => h("li", { dataset: { field: f } },
    t("meta.conflictField", { field: t(`meta.field.${f}`), stored: fieldValue(f, v.stored), sent: fieldValue(f, v.sent) })));
  return h("div", { class: "conflict", role: "alert" },
    h("p", { class: "conflict-detail" }, problemText(err)),
    h("ul", {}, rows), body.change_with ? h("p", { class: "row" }, apply, msg) : null);
}

/** A stored report's metadata editor (PATCH) and its delete button (after a confirmation dialog). */
function metaControls(container, report, onChanged) {
  const zone = h("input", { type: "text", class: "meta-zone", size: 14, value: report.zone || "" });
  const year = h("input", { type: "number", class: "meta-year", min: 1978, max: 2100, value: report.year ?? "" });
  const docType = h("select", { class: "meta-doc-type" },
    [...new Set([...DOC_TYPES, report.doc_type].filter(Boolean))].map((d) =>
      h("option", { value: d, selected: d === report.doc_type }, d)));
  const title = h("input", { type: "text", class: "meta-title", size: 30, value: report.title || "" });
  const note = h("input", { type: "text", class: "meta-note", size: 20 });
  const save = h("button", { type: "button", class: "save-meta" }, t("meta.save"));
  const msg = h("span", { class: "meta-status status", role: "status", "aria-live": "polite" });
  const form = h("fieldset", { class: "meta-editor", hidden: true }, h("legend", {}, t("meta.editLegend")),
    h("p", { class: "row" }, field(t("tag.zone"), zone), field(t("tag.year"), year),
      field(t("meta.field.doc_type"), docType), field(t("meta.field.title"), title), field(t("meta.note"), note)),
    h("p", { class: "row" }, save));
  const toggle = h("button", { type: "button", class: "edit-meta", "aria-expanded": "false" }, t("meta.edit"));
  toggle.addEventListener("click", () => {
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) zone.focus();
  });
  save.addEventListener("click", async () => {
    let sent;
    try {
      sent = { zone: zone.value.trim() || null, year: yearValue(year.value), doc_type: docType.value,
        title: title.value.trim() || null };
    } catch (err) {
      say(msg, err.message, "error");
      return;
    }
    const changes = Object.fromEntries(FIELDS.filter((f) => (report[f] ?? null) !== sent[f]).map((f) => [f, sent[f]]));
    if (!Object.keys(changes).length) {
      say(msg, t("meta.noChange"), "error");
      return;
    }
    if (note.value.trim()) changes.note = note.value.trim();
    save.disabled = true;
    say(msg, t("meta.saving"), "busy");
    try {
      const fresh = await api(`/v1/reports/${encodeURIComponent(report.report_id)}`,
        { method: "PATCH", json: changes, write: true });
      for (const f of [...FIELDS, "years"]) report[f] = fresh[f];
      const [, options] = shown.get(container);
      renderReport(container, report, options);
      say(container.querySelector(".meta-status"), t("meta.saved", {
        fields: fresh.changed.map((f) => t(`meta.field.${f}`)).join(t("list.sep")) || t("meta.none") }), "ok");
      onChanged?.("patched", report);
    } catch (err) {
      say(msg, problemText(err), "error");
      save.disabled = false;
    }
  });
  const remove = h("button", { type: "button", class: "delete-report" }, t("meta.delete"));
  const removeMsg = h("span", { class: "delete-status status", role: "status", "aria-live": "polite" });
  remove.addEventListener("click", async () => {
    if (!window.confirm(t("meta.deleteConfirm", { title: report.title || t("report.untitled") }))) return;
    remove.disabled = true;
    say(removeMsg, t("meta.deleting"), "busy");
    try {
      await api(`/v1/reports/${encodeURIComponent(report.report_id)}`, { method: "DELETE", write: true });
      shown.delete(container);
      clear(container, h("p", { class: "status deleted-note", role: "status", dataset: { kind: "ok" } },
        t("meta.deleted", { title: report.title || t("report.untitled") })));
      container.dataset.reportId = "";
      onChanged?.("deleted", report);
    } catch (err) {
      say(removeMsg, problemText(err), "error");
      remove.disabled = false;
    }
  });
  return [h("p", { class: "row meta-actions" }, toggle, remove, msg, removeMsg), form];
}

const shown = new Map();  // container → what it shows, to draw again in another language

/** Draw every shown report again (after a language switch). */
export function redrawReports() {
  for (const [container, [report, options]] of shown) {
    if (!container.hidden && container.isConnected) renderReport(container, report, options);
  }
}

/**
 * Render ``report`` (a /v1/tag or /v1/reports answer) into ``container``.
 * Stored reports get a correction control per segment, a metadata editor and a delete button (``onChanged(kind,
 * report)`` after a PATCH or DELETE); an unstored one gets ``onStore(meta)`` (the confirmed zone and year, and a
 * Store button); a 409 shows ``conflictBox`` (``onConflictApplied(reportId)`` after its PATCH).
 */
export function renderReport(container, report, { themes, onStore = null, onChanged = null, onConflictApplied = null } = {}) {
  shown.set(container, [report, { themes, onStore, onChanged, onConflictApplied }]);
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
    segments.append(segmentElement(seg, ids, report, refreshCoverage));
  }
  const actions = h("p", { class: "row actions" });
  let confirm = null, meta = null;
  if (!stored && onStore) {
    confirm = confirmFields(report);
    const msg = h("span", { class: "status", role: "status", "aria-live": "polite" });
    const button = h("button", { type: "button", class: "store-report" }, t("report.store"));
    button.addEventListener("click", async () => {
      container.querySelector(".conflict")?.remove();
      let values;
      try {
        values = confirm.values();
      } catch (err) {
        say(msg, err.message, "error");
        return;
      }
      button.disabled = true;
      say(msg, t("report.storing"), "busy");
      try {
        await onStore(values);
      } catch (err) {
        say(msg, problemText(err), "error");
        if (err.status === 409 && err.body?.change_with && onConflictApplied) {
          actions.after(conflictBox(err, onConflictApplied));
        }
        button.disabled = false;
      }
    });
    actions.append(button, " ", h("span", { class: "hint" }, t("report.storeHint")), " ", msg);
  }
  if (stored) meta = metaControls(container, report, onChanged);
  clear(container, metaLine(report),
    warnings(report).length ? h("ul", { class: "warnings" }, warnings(report).map((w) => h("li", {}, w))) : null,
    confirm?.el, meta, actions, legend(ids), covEl,
    h("p", { class: "hint" }, t("report.hint", { n: report.segments.length }) +
      (stored ? t("report.hintStored") : t("report.hintEnd"))),
    segments);
  container.dataset.reportId = report.report_id || "";
  container.hidden = false;
}
