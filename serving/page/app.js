// The analysts' page: tabs, API key, model facts, tagging, stored reports. See docs/page.md.

import { $, api, apiKey, clear, h, num, problemText, say, setApiKey, setThemes, themeColor } from "./dom.js";
import { renderReport } from "./report.js";
import { runCompare, setupCompare, zonesChanged } from "./compare.js";

const state = { model: null, themes: [], reportsLoaded: false, compared: false };

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
  if (name === "reports" && !state.reportsLoaded) loadReports();
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

async function loadModel() {
  try {
    const model = await api("/v1/model");
    state.model = model;
    state.themes = model.themes.map((t) => t.id);
    setThemes(model.themes);
    $("#model-version").textContent = `${model.name} v${model.version} (${model.model_type})`;
    showModel(model);
  } catch (err) {
    $("#model-version").textContent = "no model served";
    say($("#model-status"), problemText(err), "error");
  }
}

function showModel(model) {
  const m = model.metrics;
  const facts = [["name", model.name], ["version", model.version], ["alias", `@${model.alias}`],
    ["type", model.model_type], ["run", model.run_id], ["loaded", model.loaded_at],
    ["macro F1 (grouped CV)", num(m.cv_macro_f1, 3)], ["micro F1", num(m.cv_micro_f1, 3)],
    ["macro F1 per fold", `${num(m.cv_fold_macro_f1_mean, 3)} ± ${num(m.cv_fold_macro_f1_std, 3)}`]];
  clear($("#model-facts"), facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  const cols = ["precision", "recall", "f1", "support"];
  clear($("#model-table"),
    h("thead", {}, h("tr", {}, h("th", {}, "Theme"), h("th", {}, "id"), h("th", {}, "threshold"),
      cols.map((c) => h("th", {}, c === "f1" ? "F1" : c)))),
    h("tbody", {}, model.themes.map((t) => h("tr", { dataset: { theme: t.id } },
      h("th", { scope: "row" }, h("span", { class: "swatch", style: { background: themeColor(t.id) } }), ` ${t.zh} `,
        h("small", {}, t.en)),
      h("td", {}, t.id), h("td", {}, num(model.thresholds[t.id], 3)),
      cols.map((c) => h("td", {}, num(m[`cv_${c}_${t.id}`], c === "support" ? 0 : 3)))))));
}

// ---- tagging

/** The request body for the form: the chosen file (multipart), else the pasted text (JSON). */
function submission() {
  const file = $("#tag-file").files[0];
  const zone = $("#tag-zone").value.trim();
  const yearText = $("#tag-year").value.trim();
  const year = yearText ? Number(yearText) : null;
  if (yearText && !Number.isInteger(year)) throw new Error("the year must be a whole number such as 2024");
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
  if (!text.trim()) throw new Error("paste a report or choose a file first");
  return () => ({ json: { text, ...(zone && { zone }), ...(year && { year }) } });
}

async function storeAndShow(body, container, status) {
  const report = await api("/v1/reports", { method: "POST", write: true, ...body() });
  state.reportsLoaded = false;
  zonesChanged();
  state.compared = false;
  renderReport(container, report, { themes: state.themes });
  say(status, report.created ? "stored" : "already stored: shown as stored", "ok");
}

async function tag(store) {
  const status = $("#tag-status"), result = $("#tag-result");
  let body;
  try {
    body = submission();
  } catch (err) {
    say(status, err.message, "error");
    return;
  }
  for (const b of document.querySelectorAll("#tag-form button")) b.disabled = true;
  say(status, store ? "tagging and storing…" : "tagging…", "busy");
  try {
    if (store) {
      await storeAndShow(body, result, status);
    } else {
      const report = await api("/v1/tag", { method: "POST", ...body() });
      renderReport(result, report, { themes: state.themes, onStore: () => storeAndShow(body, result, status) });
      say(status, `${report.segments.length} segments tagged (not stored)`, "ok");
    }
  } catch (err) {
    say(status, problemText(err), "error");
  } finally {
    for (const b of document.querySelectorAll("#tag-form button")) b.disabled = false;
  }
}

// ---- stored reports

async function loadReports() {
  const status = $("#reports-status");
  say(status, "loading…", "busy");
  try {
    const list = await api("/v1/reports?limit=500");
    state.reportsLoaded = true;
    clear($("#reports-table tbody"), list.reports.map((r) => h("tr", { dataset: { id: r.id } },
      h("td", {}, r.title || "(untitled)"), h("td", {}, r.zone || "–"), h("td", {}, r.year ?? "–"),
      h("td", {}, r.n_segments), h("td", {}, r.model_version), h("td", {}, r.created_at.slice(0, 10)),
      h("td", {}, h("button", { type: "button", class: "open-report", onclick: () => openReport(r.id) }, "Open")))));
    say(status, `${list.total} stored reports` + (list.total > list.reports.length ? `; the first ${list.reports.length} shown` : ""));
  } catch (err) {
    say(status, problemText(err), "error");
  }
}

async function openReport(id) {
  const status = $("#reports-status");
  say(status, "opening…", "busy");
  try {
    const report = await api(`/v1/reports/${encodeURIComponent(id)}`);
    renderReport($("#report-result"), report, { themes: state.themes });
    say(status, `report ${report.title || id}`);
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

async function start() {
  setupTabs();
  setupKey();
  setupCompare();
  $("#tag-form").addEventListener("submit", (e) => {
    e.preventDefault();
    tag(false);
  });
  $("#tag-and-store").addEventListener("click", () => tag(true));
  $("#tag-text").addEventListener("input", () => { $("#tag-file").value = ""; });
  $("#reports-refresh").addEventListener("click", loadReports);
  await loadModel();
  const fromHash = tabs.find((t) => t.id === `tab-${location.hash.slice(1)}`);
  if (fromHash) openTab(fromHash);
  document.body.dataset.ready = "true";
}

start();
