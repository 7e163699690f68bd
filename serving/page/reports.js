// The Reports tab's list: stored reports (GET /v1/reports) filtered by zone, year and document type, a text
// search on title, zone and file name, one page at a time. See docs/page.md.

import { $, api, clear, h, problemText, say } from "./dom.js";
import { t } from "./i18n.js";

const SEARCH_DELAY_MS = 300;
const state = { answer: null, offset: 0, zones: [], docTypes: [], onOpen: () => {}, loaded: false, timer: null,
  latest: 0 };

/** ``onOpen(id)`` shows a stored report. */
export async function setupReportsList({ onOpen }) {
  state.onOpen = onOpen;
  const form = $("#reports-form");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    loadReports();
  });
  for (const id of ["#reports-zone", "#reports-year", "#reports-type", "#reports-limit"]) {
    $(id).addEventListener("change", () => {
      if (id === "#reports-zone") fillYears();
      loadReports();
    });
  }
  $("#reports-q").addEventListener("input", () => {  // search as one types, once the typing pauses
    clearTimeout(state.timer);
    state.timer = setTimeout(() => loadReports(), SEARCH_DELAY_MS);
  });
  $("#reports-refresh").addEventListener("click", refreshReports);
  $("#reports-prev").addEventListener("click", () => loadReports({ offset: state.offset - limit() }));
  $("#reports-next").addEventListener("click", () => loadReports({ offset: state.offset + limit() }));
  try {  // the document types the API accepts, from its own schema
    const spec = await api("/openapi.json");
    const param = spec.paths["/v1/reports"].get.parameters.find((p) => p.name === "doc_type");
    state.docTypes = (param.schema.anyOf || [param.schema]).flatMap((s) => s.enum || []);
  } catch { /* the filter offers "all" only */ }
  fillFilters();
}

export const reportsLoaded = () => state.loaded;

const limit = () => Number($("#reports-limit").value) || 50;

/** The filters as query parameters (empty ones left out). */
function filters() {
  const out = { zone: $("#reports-zone").value, year: $("#reports-year").value, doc_type: $("#reports-type").value,
    q: $("#reports-q").value.trim() };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v));
}

function fillSelect(select, values, label = (v) => v) {
  const chosen = select.value;
  clear(select, h("option", { value: "" }, t("reports.all")), values.map((v) => h("option", { value: v }, label(v))));
  select.value = values.map(String).includes(chosen) ? chosen : "";
}

/** The filters' choices: zones with stored reports, their years, the document types; a choice is kept. */
function fillFilters() {
  fillSelect($("#reports-zone"), state.zones.map((z) => z.zone));
  fillYears();
  fillSelect($("#reports-type"), state.docTypes);
}

/** Years of the chosen zone, or of every zone. */
function fillYears() {
  const zone = $("#reports-zone").value;
  const years = [...new Set(state.zones.filter((z) => !zone || z.zone === zone).flatMap((z) => z.years))].sort();
  fillSelect($("#reports-year"), years);
}

async function loadZones() {
  state.zones = (await api("/v1/zones")).zones;
  fillFilters();
}

/** Read the zones and one page of the list again (``offset`` 0 unless given: a new filter starts at page 1). */
export async function loadReports({ offset = 0 } = {}) {
  const status = $("#reports-status");
  const request = ++state.latest;  // an answer to an older choice, arriving late, is dropped
  say(status, t("reports.loading"), "busy");
  try {
    await loadZones();
    const query = new URLSearchParams({ ...filters(), limit: String(limit()), offset: String(Math.max(0, offset)) });
    const answer = await api(`/v1/reports?${query}`);
    if (request !== state.latest) return;
    if (answer.total && answer.offset >= answer.total) {  // the last page emptied meanwhile: show the one before
      return loadReports({ offset: Math.floor((answer.total - 1) / answer.limit) * answer.limit });
    }
    state.answer = answer;
    state.offset = answer.offset;
    state.loaded = true;
    showReports();
  } catch (err) {
    if (request === state.latest) say(status, problemText(err), "error");
  }
}

/** Read the page shown again (after a report was stored, corrected or deleted). */
export const refreshReports = () => loadReports({ offset: state.offset });

/** Draw the list, its count and pager (again, after a language switch). */
export function showReports() {
  fillFilters();
  const list = state.answer;
  if (!list) return;
  clear($("#reports-table tbody"), list.reports.map((r) => h("tr", { dataset: { id: r.id } },
    h("td", {}, r.title || t("report.untitled")), h("td", {}, r.zone || "–"), h("td", {}, r.year ?? "–"),
    h("td", {}, r.doc_type), h("td", {}, r.n_segments), h("td", {}, r.model_version), h("td", {}, r.created_at.slice(0, 10)),
    h("td", {}, h("button", { type: "button", class: "open-report", onclick: () => state.onOpen(r.id) }, t("reports.open"))))));
  const filtered = Object.keys(filters()).length > 0;
  say($("#reports-status"), !list.total ? t(filtered ? "reports.noneMatch" : "reports.none")
    : t(filtered ? "reports.countMatching" : "reports.count", { n: list.total }));
  const pages = Math.ceil(list.total / list.limit);
  const page = Math.floor(list.offset / list.limit) + 1;
  const pager = $("#reports-pager");
  pager.hidden = pages <= 1;
  pager.dataset.page = String(page);
  pager.dataset.pages = String(pages);
  $("#reports-page").textContent = t("reports.page", { page, pages, from: list.offset + 1,
    to: list.offset + list.reports.length, n: list.total });
  $("#reports-prev").disabled = page <= 1;
  $("#reports-next").disabled = page >= pages;
}
