// Drill-down: the segments behind a comparison cell (a zone, or zone × year, and a theme), read a page at a
// time from GET /v1/segments with the comparison's part and document type.

import { $, api, clear, h, num, problemText, say, themeColor, themeList, themeName, themeTint } from "./dom.js";
import { t } from "./i18n.js";

const PAGE = 20;
let shown = null;  // { group, theme, params (URLSearchParams without paging), offset, answer, filters }

function segmentItem(seg) {
  const title = seg.report_title || t("report.untitled");
  const where = [title, seg.year, seg.heading.join(" › ")].filter((x) => x !== null && x !== "").join(" · ");
  return h("li", { class: "drill-segment", dataset: { id: seg.id, corrected: String(seg.corrected) } },
    h("p", { class: "drill-where" }, where),
    h("p", { class: "drill-text" }, seg.text),
    h("p", { class: "drill-meta" },
      h("span", { class: seg.corrected ? "badge corrected" : "badge" }, seg.corrected ? t("drill.corrected") : t("drill.predicted")),
      " ", t("drill.themes", { themes: themeList(seg.labels) }),
      seg.score === null ? "" : ` · ${t("drill.score", { score: num(seg.score) })}`));
}

function draw() {
  const { group, theme, answer, filters } = shown;
  const title = $("#drill-title");
  clear(title, h("span", { class: "chip", style: { borderColor: themeColor(theme), background: themeTint(theme) } },
    t("drill.title", { group, theme: themeName(theme) })));
  clear($("#drill-filters"), filters());
  const from = answer.total ? answer.offset + 1 : 0, to = answer.offset + answer.segments.length;
  say($("#drill-status"), answer.total ? t("drill.count", { total: answer.total, from, to }) : t("drill.none"), "ok");
  clear($("#drill-list"), answer.segments.map(segmentItem));
  $("#drill-list").start = from || 1;
  $("#drill-prev").disabled = answer.offset === 0;
  $("#drill-next").disabled = to >= answer.total;
}

async function load(offset) {
  const params = new URLSearchParams(shown.params);
  params.set("limit", PAGE);
  params.set("offset", offset);
  say($("#drill-status"), t("drill.busy"), "busy");
  try {
    shown.answer = await api(`/v1/segments?${params}`);
    draw();
  } catch (err) {
    clear($("#drill-list"));
    say($("#drill-status"), problemText(err), "error");
  }
}

/** Open the segments of ``group`` (its zone and year from the comparison's group_keys) carrying ``theme``,
 *  with the comparison's part and document type; ``filters()`` words them in the page's language. */
export async function openDrill({ group, key, theme, part, docType, filters }) {
  const params = new URLSearchParams({ zone: key.zone, theme });
  if (key.year !== null && key.year !== undefined) params.set("year", key.year);
  if (part) params.set("part", part);
  if (docType) params.set("doc_type", docType);
  shown = { group, theme, params, filters, answer: null };
  $("#drill").hidden = false;
  clear($("#drill-title"), t("drill.title", { group, theme: themeName(theme) }));
  $("#drill-title").focus();
  await load(0);
}

export function closeDrill() {
  shown = null;
  $("#drill").hidden = true;
}

/** Draw the open drill-down again (after a language switch). */
export function redrawDrill() {
  if (shown?.answer) draw();
}

export function setupDrill() {
  $("#drill-prev").addEventListener("click", () => shown && load(Math.max(0, shown.answer.offset - PAGE)));
  $("#drill-next").addEventListener("click", () => shown && load(shown.answer.offset + PAGE));
  $("#drill-close").addEventListener("click", closeDrill);
}
