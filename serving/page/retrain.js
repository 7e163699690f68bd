// Retraining from the page (model tab): start a job, follow it, set its models' figures next to the
// champion's, re-tag the stored reports. See docs/page.md.

import { $, api, clear, h, num, problemText, say } from "./dom.js";
import { has, t } from "./i18n.js";

const statusText = (s) => (has(`job.status.${s}`) ? t(`job.status.${s}`) : s);

/** A job's progress in the page's language: its step (policytag/job_steps.py) through the texts, the API's
 * English sentence for a step the page does not know. */
function progressText(job) {
  const step = job.progress_step;
  if (step && has(`job.step.${step.step}`)) return t(`job.step.${step.step}`, step);
  return job.progress || "";
}

const POLL_MS = 1000;
const state = { types: ["fast"], jobs: [], job: null, champion: null, following: null };
let hooks = { model: () => null, refreshModel: async () => {} };

/** ``model()`` is the served model as last read; ``refreshModel()`` reads it again. */
export async function setupRetrain(options) {
  hooks = options;
  $("#retrain-form").addEventListener("submit", (e) => {
    e.preventDefault();
    startRetrain();
  });
  $("#retag-start").addEventListener("click", retag);
  $("#jobs-refresh").addEventListener("click", loadJobs);
  try {  // the model types the API accepts, from its own schema
    const spec = await api("/openapi.json");
    const choices = spec.components.schemas.RetrainRequest.properties.model.enum;
    if (Array.isArray(choices) && choices.length) state.types = choices;
  } catch { /* keep "fast" */ }
  fillTypes();
  await loadJobs();
}

function fillTypes() {
  const select = $("#retrain-model");
  const chosen = select.value || "fast";
  clear(select, state.types.map((type) => h("option", { value: type }, type === "fast" ? t("retrain.typeFast")
    : type === "all" ? t("retrain.typeAll") : type)));
  select.value = state.types.includes(chosen) ? chosen : state.types[0];
}

async function loadJobs() {
  try {
    state.jobs = (await api("/v1/jobs?limit=5")).jobs;
    showJobs();
    const running = state.jobs.find((j) => j.status === "running");
    if (running && state.following !== running.id) follow(running.id);
  } catch (err) {
    say($("#retrain-status"), problemText(err), "error");
  }
}

function showJobs() {
  clear($("#jobs-table tbody"), state.jobs.map((j) => h("tr", { dataset: { id: j.id, status: j.status } },
    h("td", {}, j.id), h("td", {}, statusText(j.status)),
    h("td", { class: "job-progress", dataset: { step: j.progress_step?.step ?? "" } }, progressText(j) || "–"),
    h("td", {}, j.requested_by || "–"), h("td", {}, j.created_at.slice(0, 19).replace("T", " ")))));
}

async function startRetrain() {
  const status = $("#retrain-status");
  const model = hooks.model();
  state.champion = model ? { version: model.version, type: model.model_type, f1: model.metrics.cv_macro_f1 } : null;
  $("#retrain-start").disabled = true;
  try {
    const job = await api("/v1/models/retrain", { method: "POST", write: true, json: { model: $("#retrain-model").value } });
    say(status, t("retrain.started", { id: job.job_id }), "busy");
    await loadJobs();
    follow(job.job_id);
  } catch (err) {
    say(status, problemText(err), "error");
    $("#retrain-start").disabled = false;
  }
}

async function follow(id) {
  state.following = id;
  $("#retrain-start").disabled = true;
  clear($("#retrain-result"));
  const status = $("#retrain-status");
  for (;;) {
    let job;
    try {
      job = await api(`/v1/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      say(status, problemText(err), "error");
      break;
    }
    state.job = job;
    const i = state.jobs.findIndex((j) => j.id === id);
    if (i >= 0) state.jobs[i] = job;
    showJobs();
    if (job.status !== "running") {
      say(status, has(`retrain.ended.${job.status}`) ? t(`retrain.ended.${job.status}`, { id, error: job.error || "" }) : `${id}: ${job.status}`, job.status === "succeeded" ? "ok" : "error");
      showResult();
      await hooks.refreshModel();
      break;
    }
    say(status, t("retrain.running", { id, progress: progressText(job) || "…" }), "busy");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  state.following = null;
  $("#retrain-start").disabled = false;
}

/** The finished job's models next to the champion it was measured against. */
function showResult() {
  const job = state.job;
  const result = job?.result;
  if (!result) return;
  const champ = state.champion;
  const rows = [];
  if (champ) {
    rows.push(h("tr", { class: "champion-row", dataset: { role: "champion" } },
      h("td", {}, t("retrain.champion")), h("td", {}, champ.type), h("td", {}, `v${champ.version}`),
      h("td", {}, num(champ.f1, 3)), h("td", {}, "–")));
  }
  for (const run of result.runs || []) {
    rows.push(h("tr", { dataset: { role: "new", version: run.version } },
      h("td", {}, t("retrain.newModel")), h("td", {}, run.model_type), h("td", {}, `v${run.version}`),
      h("td", {}, num(run.macro_f1, 3)), h("td", {}, num(run.micro_f1, 3))));
  }
  clear($("#retrain-result"),
    h("table", { class: "data", id: "retrain-runs" },
      h("thead", {}, h("tr", {}, ["retrain.col.role", "retrain.col.type", "retrain.col.version",
        "retrain.col.macroF1", "retrain.col.microF1"].map((k) => h("th", {}, t(k))))),
      h("tbody", {}, rows)),
    h("p", { id: "retrain-verdict", dataset: { moved: String(Boolean(result.champion_moved)) } },
      result.champion_moved ? t("retrain.moved", { version: result.champion_version })
        : t("retrain.kept", { version: result.champion_version }),
      " ", h("span", { class: "hint", id: "retrain-reason" }, t("retrain.reason", { reason: result.reason || "–" }))));
}

async function retag() {
  const status = $("#retag-status");
  $("#retag-start").disabled = true;
  say(status, t("retag.busy"), "busy");
  try {
    const done = await api("/v1/reports/retag", { method: "POST", write: true });
    say(status, t("retag.done", { reports: done.reports, segments: done.segments, version: done.model_version }), "ok");
  } catch (err) {
    say(status, problemText(err), "error");
  } finally {
    $("#retag-start").disabled = false;
  }
}

/** Redraw in the page's language. */
export function redrawRetrain() {
  fillTypes();
  showJobs();
  showResult();
}
