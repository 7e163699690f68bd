// The review view over GET /v1/review-queue: one segment at a time with its heading, its neighbours and the
// model's scores; keys 1–5 toggle themes, Enter saves (PUT /v1/segments/{id}/labels), J/K move. The corrected
// segments (?corrected=true) show the person's themes beside the model's. See docs/page.md.

import { $, api, clear, h, num, problemText, say, themeColor, themeList, themeName } from "./dom.js";
import { t } from "./i18n.js";

const state = { items: [], index: 0, chosen: new Map(), saved: new Map(), themes: [], thresholds: {}, loaded: false };

const BANDS = { near: [0, 0.05], mid: [0.05, 0.15], far: [0.15, Infinity] };
const inBand = (margin, band) => !band || (margin > BANDS[band][0] - (band === "near" ? 1 : 0) && margin <= BANDS[band][1]);

function fillThemes() {
  const model = state.model();
  const select = $("#review-theme");
  if (!model) return;
  const chosen = select.value;
  clear(select, h("option", { value: "" }, t("review.anyTheme")),
    model.themes.map((th) => h("option", { value: th.id }, themeName(th.id))));
  select.value = chosen;
}

/** ``model()`` is the served model (its themes, in order, are the keys 1, 2, …). */
export function setupReview(model) {
  state.model = model;
  $("#review-form").addEventListener("submit", (e) => {
    e.preventDefault();
    loadQueue();
  });
  document.addEventListener("keydown", onKey);
}

/** Load the queue the first time the tab opens. */
export function openReview() {
  fillThemes();
  if (!state.loaded) loadQueue();
}

async function loadQueue() {
  const status = $("#review-status");
  const model = state.model();
  if (!model) return;
  state.themes = model.themes.map((th) => th.id);
  state.thresholds = model.thresholds;
  say(status, t("review.loading"), "busy");
  try {
    const n = Number($("#review-n").value) || 10;
    const zone = $("#review-zone").value.trim();
    const theme = $("#review-theme").value, band = $("#review-band").value;
    const corrected = $("#review-mode").value === "corrected";
    const filtered = Boolean(theme || band);  // filtered here: the API's queue is read at its longest
    const query = new URLSearchParams({ n: String(filtered ? 500 : n), ...(zone && { zone }),
      ...(corrected && { corrected: "true" }) });
    const queue = await api(`/v1/review-queue?${query}`);
    state.items = queue.segments.filter((it) => (!theme || it.nearest_theme === theme) && inBand(it.margin, band))
      .slice(0, n);
    state.index = 0;
    state.chosen = new Map(state.items.map((it) => [it.segment_id, new Set(it.human ? it.human.labels : it.labels)]));
    state.saved = new Map();
    state.loaded = true;
    say(status, state.items.length ? "" : t(corrected ? "review.emptyCorrected" : "review.empty"));
    show();
  } catch (err) {
    say(status, problemText(err), "error");
  }
}

function onKey(e) {
  if ($("#panel-review").hidden || !state.items.length) return;
  if (e.target.closest("input:not([type=checkbox]), select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  const k = e.key;
  if (/^[1-9]$/.test(k) && Number(k) <= state.themes.length) toggle(state.themes[Number(k) - 1]);
  else if (k === "j" || k === "J") move(1);
  else if (k === "k" || k === "K") move(-1);
  else if (k === "Enter") save();
  else return;
  e.preventDefault();
}

const headingText = (heading) => (Array.isArray(heading) ? heading.join(" › ") : heading) || t("review.noHeading");

/** The segment before or after (``which``) the one reviewed, dimmed; its heading when it differs. */
function neighbour(seg, which, heading) {
  if (!seg) return h("p", { class: "review-neighbour review-edge", dataset: { which } }, t(`review.edge.${which}`));
  const own = headingText(seg.heading);
  return h("p", { class: "review-neighbour", dataset: { which, id: seg.segment_id } },
    h("small", { class: "review-neighbour-label" }, t(`review.neighbour.${which}`),
      own !== headingText(heading) ? ` · ${own}` : ""), " ",
    h("span", { class: "review-neighbour-text" }, seg.text));
}

function current() {
  return state.items[state.index];
}

function toggle(theme) {
  const chosen = state.chosen.get(current().segment_id);
  if (chosen.has(theme)) chosen.delete(theme);
  else chosen.add(theme);
  show();
}

function move(step) {
  state.index = Math.max(0, Math.min(state.items.length - 1, state.index + step));
  show();
}

async function save() {
  const item = current();
  const labels = state.themes.filter((th) => state.chosen.get(item.segment_id).has(th));
  const status = $("#review-status");
  say(status, t("review.saving"), "busy");
  try {
    await api(`/v1/segments/${encodeURIComponent(item.segment_id)}/labels`, { method: "PUT", write: true, json: { labels } });
    state.saved.set(item.segment_id, labels);
    say(status, t("review.saved"), "ok");
    const next = state.items.findIndex((it, i) => i > state.index && !state.saved.has(it.segment_id));
    if (next >= 0) state.index = next;
    show();
  } catch (err) {
    say(status, problemText(err), "error");
  }
}

/** Draw the current segment, its themes with their keys and scores, and the progress. */
function show() {
  const view = $("#review-item");
  const done = state.items.filter((it) => state.saved.has(it.segment_id)).length;
  $("#review-progress").textContent = state.items.length
    ? t("review.progress", { done, total: state.items.length, at: state.index + 1 }) : "";
  $("#review-progress").dataset.done = String(done);
  if (!state.items.length) {
    clear(view);
    view.hidden = true;
    return;
  }
  const item = current();
  const chosen = state.chosen.get(item.segment_id);
  const model = new Set(item.labels);
  const differs = state.themes.some((th) => chosen.has(th) !== model.has(th));
  view.hidden = false;
  view.dataset.id = item.segment_id;
  view.dataset.saved = String(state.saved.has(item.segment_id));
  clear(view,
    h("p", { class: "hint review-context" },
      h("span", { class: "review-heading" }, headingText(item.heading)), " · ",
      item.zone || t("report.noZone"), " · ", t("report.model", { version: item.model_version }),
      " · ", h("span", { class: "review-margin", dataset: { margin: item.margin } },
        t("review.nearest", { theme: themeName(item.nearest_theme), margin: num(item.margin, 3) })),
      item.models_disagree ? [" · ", h("strong", { class: "review-disagree" }, t("review.disagree"))] : null),
    item.human ? h("p", { class: "hint review-corrected" },
      t("review.correctedBy", { author: item.human.author, date: item.human.created_at.slice(0, 10) }),
      item.human.note ? ` · ${item.human.note}` : "") : null,
    neighbour(item.previous, "previous", item.heading),
    h("blockquote", { class: "review-text" }, item.text),
    neighbour(item.next, "next", item.heading),
    h("ul", { class: "review-themes" }, state.themes.map((th, i) => {
      const score = item.scores[th] ?? 0;
      const on = chosen.has(th);
      return h("li", { dataset: { theme: th, on: String(on), model: String(model.has(th)) } },
        h("label", {},
          h("input", { type: "checkbox", checked: on, onchange: () => toggle(th) }),
          h("kbd", {}, String(i + 1)), " ",
          h("span", { class: "swatch", style: { background: themeColor(th) } }), " ", themeName(th)),
        h("span", { class: "review-score" }, num(score, 3),
          h("small", {}, ` / ${num(state.thresholds[th], 3)}`), score >= state.thresholds[th] ? " ✓" : ""),
        on !== model.has(th) ? h("span", { class: "review-diff" }, on ? t("review.added") : t("review.removed")) : null);
    })),
    h("p", { class: "review-compare", dataset: { differs: String(differs) } },
      t("review.modelSays", { themes: themeList(item.labels) }), " · ",
      t("review.youSay", { themes: themeList(state.themes.filter((th) => chosen.has(th))) })),
    state.saved.has(item.segment_id) ? h("p", { class: "status", dataset: { kind: "ok" } }, t("review.isSaved")) : null,
    h("p", { class: "row" },
      h("button", { type: "button", id: "review-prev", onclick: () => move(-1) }, t("review.prev")),
      h("button", { type: "button", id: "review-save", onclick: save }, t("review.save")),
      h("button", { type: "button", id: "review-next", onclick: () => move(1) }, t("review.next"))),
    h("p", { class: "hint" }, t("review.keys")));
}

/** Redraw in the page's language. */
export function redrawReview() {
  fillThemes();
  if (state.loaded) show();
}
