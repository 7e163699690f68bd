// The analysts' page: tabs, API key, model facts, tagging, stored reports. See docs/page.md.

import { $, api, apiKey, clear, h, num, problemText, say, setApiKey, setThemes, themeColor, themeName } from "./dom.js";
import { applyStatic, lang, onLanguage, setLang, t } from "./i18n.js";
import { conflictBox, redrawReports, renderReport } from "./report.js";
import { redrawRetrain, setupRetrain } from "./retrain.js";
import { refreshReports, reportsLoaded, setupReportsList, showReports } from "./reports.js";
import { showUploads, storeFiles } from "./upload.js";
import { openReview, redrawReview, setupReview } from "./review.js";
import { redrawCompare, runCompare, setCaptionModel, setupCompare, zonesChanged } from "./compare.js";

const state = { model: null, themes: [], reportsStale: true, compared: false };

// ---- tabs (arrow keys, Home and End move between them; the URL hash remembers the open one)

const tabs = [...document.querySelectorAll('[role="tab"]')];

function openTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(`#${t.getAttribute("aria-controls")}`).hidden = !on;
  }
  if (focus) tab.focus();
  const name = tab.id.replace("tab-", "");
  history.replaceState(null, "", name === "tag" ? location.pathname : `#${name}`);
  if (name === "reports" && (state.reportsStale || !reportsLoaded())) {
    state.reportsStale = false;
    refreshReports();
  }
  if (name === "review") openReview();
  if (name === "compare" && !state.compared) {
    state.compared = true;
    runCompare();
  }
}

function setupTabs() {
  for (const [i, tab] of tabs.entries()) {
    tab.addEventListener("click", () => openTab(tab));
    tab.addEventListener("keydown", (e) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      openTab(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
}

// ---- the served model

const MODEL_POLL_MS = 15_000;

/** Read the served model; when its version changed (a new champion), everything shown from it is redrawn. */
async function loadModel() {
  try {
    const model = await api("/v1/model");
    const changed = state.model && state.model.version !== model.version;
    if (state.model && !changed) return;
    state.model = model;
    state.themes = model.themes.map((t) => t.id);
    setThemes(model.themes);
    setCaptionModel(model.version);
    $("#model-version").textContent = `${model.name} v${model.version} (${model.model_type})`;
    showModel(model);
    $("#model-version").dataset.version = model.version;
    if (changed) {
      say($("#model-status"), t("model.changed", { version: model.version }), "ok");
      state.reportsStale = true;
      state.compared = false;
    }
  } catch (err) {
    $("#model-version").textContent = t("header.noModel");
    say($("#model-status"), problemText(err), "error");
  }
}

function showModel(model) {
  const m = model.metrics;
  const facts = [["name", model.name], ["version", model.version], ["alias", `@${model.alias}`],
    ["type", model.model_type], ["run", model.run_id], ["loaded", model.loaded_at],
    ["macroF1", num(m.cv_macro_f1, 3)], ["microF1", num(m.cv_micro_f1, 3)],
    ["foldF1", `${num(m.cv_fold_macro_f1_mean, 3)} ± ${num(m.cv_fold_macro_f1_std, 3)}`]];
  clear($("#model-facts"), facts.map(([k, v]) => [h("dt", { dataset: { fact: k } }, t(`model.${k}`)), h("dd", {}, v)]));
  const cols = ["precision", "recall", "f1", "support"];
  clear($("#model-table"),
    h("thead", {}, h("tr", {}, h("th", {}, t("model.col.theme")), h("th", {}, t("model.col.id")),
      h("th", {}, t("model.col.threshold")), cols.map((c) => h("th", {}, t(`model.col.${c}`))))),
    h("tbody", {}, model.themes.map((th) => h("tr", { dataset: { theme: th.id } },
      h("th", { scope: "row" }, h("span", { class: "swatch", style: { background: themeColor(th.id) } }),
        ` ${themeName(th.id)} `, h("small", {}, lang() === "zh" ? th.en : th.zh)),
      h("td", {}, th.id), h("td", {}, num(model.thresholds[th.id], 3)),
      cols.map((c) => h("td", {}, num(m[`cv_${c}_${th.id}`], c === "support" ? 0 : 3)))))));
}

// ---- tagging

/** The form's zone and year (throws the page's message for a year that is not a whole number). */
function formFields() {
  const zone = $("#tag-zone").value.trim();
  const yearText = $("#tag-year").value.trim();
  const year = yearText ? Number(yearText) : null;
  if (yearText && !Number.isInteger(year)) throw new Error(t("tag.badYear"));
  return { zone, year };
}

/** The request body for the form: the chosen file (multipart), else the pasted text (JSON). */
function submission() {
  const file = $("#tag-file").files[0];
  const { zone, year } = formFields();
  if (file) {
    return () => {
      const form = new FormData();
      form.append("file", file);
      if (zone) form.append("zone", zone);
      if (year) form.append("year", String(year));
      return { body: form };
    };
  }
  const text = $("#tag-text").value;
  if (!text.trim()) throw new Error(t("tag.empty"));
  return () => ({ json: { text, ...(zone && { zone }), ...(year && { year }) } });
}

/** The request with the zone and year the user confirmed (they override detection). */
function withMeta(request, meta) {
  if (!meta) return request;
  if (request.json) return { json: { ...request.json, ...meta } };
  for (const [k, v] of Object.entries(meta)) request.body.set(k, String(v));
  return request;
}

/** What is shown from stored reports (list, zones, comparison) is read again. */
function reportsChanged() {
  zonesChanged();
  state.compared = false;
  state.reportsStale = false;
  refreshReports();
}

/** Options for a stored report's view: after a PATCH or DELETE the reports list is read again. */
const storedOptions = () => ({ themes: state.themes, onChanged: reportsChanged });

/** After a 409's PATCH was applied: show the corrected stored report in ``container``. */
const showStored = (container) => async (id) => {
  const report = await api(`/v1/reports/${encodeURIComponent(id)}`);
  renderReport(container, report, storedOptions());
  reportsChanged();
};

async function storeAndShow(body, container, status, meta = null) {
  const report = await api("/v1/reports", { method: "POST", write: true, ...withMeta(body(), meta) });
  state.reportsStale = true;
  zonesChanged();
  state.compared = false;
  renderReport(container, report, storedOptions());
  say(status, report.created ? t("tag.stored") : t("tag.alreadyStored"), "ok");
}

/** Several chosen files: each stored in turn, with its state and a count (upload.js). */
async function storeMany(files) {
  const status = $("#tag-status"), result = $("#tag-result");
  let fields;
  try {
    const { zone, year } = formFields();
    fields = { ...(zone && { zone }), ...(year && { year }) };
  } catch (err) {
    say(status, err.message, "error");
    return;
  }
  for (const b of document.querySelectorAll("#tag-form button")) b.disabled = true;
  say(status, t("upload.busy", { n: files.length }), "busy");
  const outcome = await storeFiles(files, fields, { onOpen: (report) => {
    renderReport(result, report, storedOptions());
    result.scrollIntoView({ block: "start" });
  } });
  for (const b of document.querySelectorAll("#tag-form button")) b.disabled = false;
  const failed = outcome.filter((f) => f.state === "error").length;
  say(status, t("upload.done", { n: files.length - failed, total: files.length }), failed ? "error" : "ok");
  if (failed < files.length) reportsChanged();
}

async function tag(store) {
  const status = $("#tag-status"), result = $("#tag-result");
  const files = [...$("#tag-file").files];
  if (files.length > 1) {
    if (store) storeMany(files);
    else say(status, t("upload.oneToTag", { n: files.length }), "error");
    return;
  }
  let body;
  try {
    body = submission();
  } catch (err) {
    say(status, err.message, "error");
    return;
  }
  for (const b of document.querySelectorAll("#tag-form button")) b.disabled = true;
  say(status, store ? t("tag.busyStore") : t("tag.busy"), "busy");
  try {
    if (store) {
      await storeAndShow(body, result, status);
    } else {
      const report = await api("/v1/tag", { method: "POST", ...body() });
      renderReport(result, report, { themes: state.themes, onStore: (meta) => storeAndShow(body, result, status, meta),
        onConflictApplied: showStored(result) });
      say(status, t("tag.done", { n: report.segments.length }), "ok");
    }
  } catch (err) {
    say(status, problemText(err), "error");
    if (store && err.status === 409 && err.body?.change_with) {
      clear(result, conflictBox(err, showStored(result)));
      result.hidden = false;
    }
  } finally {
    for (const b of document.querySelectorAll("#tag-form button")) b.disabled = false;
  }
}

// ---- stored reports

async function openReport(id) {
  const status = $("#reports-status");
  say(status, t("reports.opening"), "busy");
  try {
    const report = await api(`/v1/reports/${encodeURIComponent(id)}`);
    renderReport($("#report-result"), report, storedOptions());
    say(status, t("reports.shown", { title: report.title || id }));
    $("#report-result").scrollIntoView({ block: "start" });
  } catch (err) {
    say(status, problemText(err), "error");
  }
}

// ---- start

function setupKey() {
  const field = $("#api-key");
  field.value = apiKey();
  field.addEventListener("input", () => setApiKey(field.value.trim()));
  $("#key-form").addEventListener("submit", (e) => e.preventDefault());
}

// ---- language: Chinese by default, English on request; what is drawn is drawn again

function setupLanguage() {
  const button = $("#lang-switch");
  const mark = () => button.setAttribute("lang", lang() === "zh" ? "en" : "zh-CN");
  applyStatic();
  mark();
  button.addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));
  onLanguage(() => {
    mark();
    if (state.model) showModel(state.model);
    else $("#model-version").textContent = t("header.noModel");
    showReports();
    showUploads();
    redrawReports();
    redrawCompare();
    redrawRetrain();
    redrawReview();
  });
}

async function start() {
  setupLanguage();
  setupTabs();
  setupKey();
  setupCompare();
  setupReview(() => state.model);
  const listed = setupReportsList({ onOpen: openReport });
  $("#tag-form").addEventListener("submit", (e) => {
    e.preventDefault();
    tag(false);
  });
  $("#tag-and-store").addEventListener("click", () => tag(true));
  $("#tag-text").addEventListener("input", () => { $("#tag-file").value = ""; });
  await loadModel();
  setInterval(loadModel, MODEL_POLL_MS);
  await setupRetrain({ model: () => state.model, refreshModel: loadModel });
  await listed;
  const fromHash = tabs.find((t) => t.id === `tab-${location.hash.slice(1)}`);
  if (fromHash) openTab(fromHash);
  document.body.dataset.ready = "true";
}

start();
