// Compare zones (or years): heatmap and grouped bars drawn as SVG, relative emphasis, ranking, exports;
// a cell opens its segments (drilldown.js), and one zone can be followed over the years (trend.js).

import { $, CJK_FONTS, api, ci, clear, download, h, num, pct, problemText, s, say, themeColor, themeName } from "./dom.js";
import { closeDrill, openDrill, redrawDrill, setupDrill } from "./drilldown.js";
import { lang, t } from "./i18n.js";
import { trendChart } from "./trend.js";

const FONT = { "font-family": CJK_FONTS };
let zonesLoaded = false;

const text = (x, y, content, attrs = {}) => s("text", { x, y, ...FONT, "font-size": 12, fill: "#222", ...attrs }, content);

const unit = (measure) => t(measure === "char" ? "measure.char" : "measure.segment");
const GREY = "#9aa0a6";

/** Share and interval of one group × theme for the chosen measure (segments or characters). */
function cell(result, group, theme, measure) {
  const entry = result.coverage[group].themes[theme];
  return measure === "char" ? { share: entry.char_share, iv: entry.char_share_ci }
    : { share: entry.segment_share, iv: entry.segment_share_ci };
}

/** What a group's figures rest on: "35 segments · 2 reports" (characters first in characters mode). */
function sizeWords(cov, measure) {
  const reports = cov.documents === null || cov.documents === undefined ? "" : t("compare.sizeReports", { reports: cov.documents });
  return (measure === "char" ? t("compare.sizeChars", { chars: cov.characters, segments: cov.segments })
    : t("compare.sizeSegments", { segments: cov.segments })) + reports;
}

const groupSize = (cov, measure) => t("compare.n", { size: sizeWords(cov, measure) });

const emphasisOf = (result, measure) => (measure === "char" ? result.char_relative_emphasis : result.relative_emphasis);

/** Groups as rows, themes as columns; the darker the cell, the larger the share; too_few groups in grey. */
export function heatmap(result, measure, caption = "") {
  const cw = 108, ch = 46, left = 230, top = 36;
  const width = left + cw * result.themes.length + 10, height = top + ch * result.groups.length + 34;
  const svg = s("svg", { class: "heatmap", width, height,
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": t("compare.heatmapLabel"), ...FONT },
  s("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  result.themes.forEach((th, j) => svg.append(text(left + cw * j + cw / 2, top - 12, themeName(th),
    { "text-anchor": "middle", "font-weight": "bold", fill: themeColor(th) })));
  result.groups.forEach((g, i) => {
    const y = top + ch * i;
    const cov = result.coverage[g];
    const few = Boolean(cov.too_few);
    svg.append(text(left - 8, y + ch / 2 - 2, g, { "text-anchor": "end", class: "group-label", fill: few ? GREY : "#222" }),
      text(left - 8, y + ch / 2 + 13, groupSize(cov, measure) + (few ? ` · ${t("compare.tooFewShort")}` : ""),
        { "text-anchor": "end", class: "group-n", "data-group": g, "font-size": 11, fill: few ? GREY : "#555" }));
    result.themes.forEach((th, j) => {
      const { share, iv } = cell(result, g, th, measure);
      const x = left + cw * j;
      const dark = !few && (share || 0) > 0.5;
      svg.append(s("g", { class: few ? "cell too-few" : "cell", "data-group": g, "data-theme": th, "data-too-few": String(few),
        tabindex: 0, role: "button", "aria-label": t("drill.cellLabel", { group: g, theme: themeName(th) }) },
        s("title", {}, t("compare.cellTitle", { group: g, theme: themeName(th), share: pct(share, 1), unit: unit(measure),
          ci: ci(iv), n: groupSize(cov, measure) }) + (few ? ` — ${t("compare.tooFew")}` : "")),
        s("rect", { x: x + 1, y: y + 1, width: cw - 2, height: ch - 2, rx: 3, fill: few ? GREY : themeColor(th),
          "fill-opacity": few ? 0.15 : 0.08 + 0.92 * (share || 0), stroke: "#ddd", "stroke-dasharray": few ? "4 3" : "none" }),
        text(x + cw / 2, y + 20, pct(share), { "text-anchor": "middle", "font-size": 14, fill: dark ? "#fff" : few ? GREY : "#222" }),
        text(x + cw / 2, y + 36, ci(iv), { "text-anchor": "middle", "font-size": 11, fill: dark ? "#fff" : few ? GREY : "#555" })));
    });
  });
  svg.append(captionText(caption, height));
  return svg;
}

/** The chart's caption at its foot: the filters, the model version and the date (kept in exported files). */
function captionText(caption, height) {
  return text(8, height - 8, caption, { class: "caption", "font-size": 11, fill: "#555" });
}

/** A cluster of bars per group, one bar per theme, with the 95% interval as a whisker. */
export function barChart(result, measure, caption = "") {
  const bw = 16, gap = 36, left = 48, top = 40, plot = 220, bottom = 70;
  const cluster = bw * result.themes.length;
  const width = Math.max(left + (cluster + gap) * result.groups.length + 10, 8 + 7 * caption.length),
    height = top + plot + bottom;
  let max = 0;
  for (const g of result.groups) {
    for (const th of result.themes) {
      const { share, iv } = cell(result, g, th, measure);
      max = Math.max(max, iv ? iv[1] : 0, share || 0);
    }
  }
  max = Math.max(0.1, Math.ceil(max * 10) / 10);
  const y = (v) => top + plot - (v / max) * plot;
  const svg = s("svg", { class: "bars", width, height,
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": t("compare.barsLabel"), ...FONT },
  s("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  let lx = left;
  for (const th of result.themes) {  // legend
    svg.append(s("rect", { x: lx, y: 8, width: 12, height: 12, fill: themeColor(th) }), text(lx + 16, 18, themeName(th)));
    lx += 24 + 13 * themeName(th).length + 10;
  }
  for (let v = 0; v <= max + 1e-9; v += max > 0.5 ? 0.2 : 0.1) {
    svg.append(s("line", { x1: left - 4, x2: width - 6, y1: y(v), y2: y(v), stroke: v ? "#eee" : "#888" }),
      text(left - 8, y(v) + 4, pct(v), { "text-anchor": "end", "font-size": 11, fill: "#555" }));
  }
  result.groups.forEach((g, i) => {
    const x0 = left + gap / 2 + (cluster + gap) * i;
    result.themes.forEach((th, j) => {
      const { share, iv } = cell(result, g, th, measure);
      const x = x0 + bw * j;
      const few = Boolean(result.coverage[g].too_few);
      const bar = s("g", { class: few ? "bar too-few" : "bar", "data-group": g, "data-theme": th },
        s("title", {}, t("compare.cellTitle", { group: g, theme: themeName(th), share: pct(share, 1), unit: unit(measure),
          ci: ci(iv), n: groupSize(result.coverage[g], measure) }) + (few ? ` — ${t("compare.tooFew")}` : "")),
        s("rect", { x: x + 1, y: y(share || 0), width: bw - 2, height: Math.max(0, y(0) - y(share || 0)),
          fill: themeColor(th), "fill-opacity": few ? 0.3 : 1 }));
      if (iv) {
        const cx = x + bw / 2;
        bar.append(s("path", { class: "whisker", stroke: "#222", "stroke-width": 1, fill: "none",
          d: `M${cx} ${y(iv[0])}V${y(iv[1])}M${cx - 3} ${y(iv[0])}h6M${cx - 3} ${y(iv[1])}h6` }));
      }
      svg.append(bar);
    });
    const [name, ...rest] = g.split(" ");  // "清远高新区 2023": the year on a second line
    svg.append(text(x0 + cluster / 2, top + plot + 18, name, { "text-anchor": "middle", class: "group-label" }));
    if (rest.length) svg.append(text(x0 + cluster / 2, top + plot + 34, rest.join(" "), { "text-anchor": "middle" }));
  });
  svg.append(captionText(caption, height));
  return svg;
}

/** What a cell's test says, in words that never call a non-significant difference "similar". */
function emphasisWords(e, measure) {
  const of = t("emph.of", { unit: unit(measure), share: pct(e.share, 1) });
  if (e.emphasis === "too_few") return t("emph.notTested", { of, why: t("compare.tooFew") });
  if (e.others_share === null) return t("emph.noOthers", { of });
  const stats = t("emph.stats", { others: pct(e.others_share, 1), ratio: num(e.ratio), p: num(e.p_value, 4),
    padj: num(e.p_adjusted, 4) });
  if (e.emphasis === "higher") return t("emph.higher", { of, stats });
  if (e.emphasis === "lower") return t("emph.lower", { of, stats });
  return t("emph.notSignificant", { of, stats });
}

function emphasisTable(result, measure) {
  const emphasis = emphasisOf(result, measure);
  const head = h("tr", {}, h("th", {}, t("compare.group")), h("th", {}, "n"), result.themes.map((th) => h("th", {}, themeName(th))));
  const rows = result.groups.map((g) => h("tr", { class: result.coverage[g].too_few ? "too-few" : "" },
    h("th", { scope: "row" }, g), h("td", { class: "group-n" }, sizeWords(result.coverage[g], measure)),
    result.themes.map((th) => {
      const e = emphasis[g][th];
      const mark = { higher: "▲ ", lower: "▼ " }[e.emphasis] || "";
      return h("td", { class: `emph-${e.emphasis} drillable`, dataset: { emphasis: e.emphasis, group: g, theme: th },
        title: emphasisWords(e, measure), tabindex: 0 },
        mark, h("span", { class: "share" }, pct(e.share)), e.emphasis === "too_few" ? h("small", {}, ` ${t("compare.tooFewShort")}`) : h("small", {}, ` ×${num(e.ratio, 1)}`));
    })));
  return [h("thead", {}, head), h("tbody", {}, rows)];
}

function rankingList(result, measure) {
  return result.themes.map((th) => h("li", {}, h("strong", { style: { color: themeColor(th) } }, themeName(th)), ": ",
    (measure === "char" ? result.char_ranking : result.ranking)[th].map((g, i) =>
      [i ? " › " : "", `${g} (${pct(cell(result, g, th, measure).share)})`])));
}

function notRanked(result) {
  return result.too_few.length ? t("compare.notRanked", { why: t("compare.tooFew"), groups: result.too_few.join(t("list.sep")) }) : "";
}

/** Fill the zone and year choices from the stored reports (all zones ticked, no year = all years). */
export async function loadZones() {
  const { zones } = await api("/v1/zones");
  const zoneBox = $("#compare-zones"), yearBox = $("#compare-years");
  zoneBox.querySelectorAll("label").forEach((l) => l.remove());
  yearBox.querySelectorAll("label").forEach((l) => l.remove());
  for (const z of zones) {
    zoneBox.append(h("label", { class: "choice" }, h("input", { type: "checkbox", name: "zone", value: z.zone, checked: true }),
      ` ${z.zone} `, h("small", {}, `(${z.reports})`)));
  }
  for (const year of [...new Set(zones.flatMap((z) => z.years))].sort()) {
    yearBox.append(h("label", { class: "choice" }, h("input", { type: "checkbox", name: "year", value: year }), ` ${year}`));
  }
  zoneYears = new Map(zones.map((z) => [z.zone, z.years]));
  const trendZone = $("#trend-zone"), chosen = trendZone.value;
  clear(trendZone, zones.map((z) => h("option", { value: z.zone }, `${z.zone} (${z.years.join(t("list.sep")) || "–"})`)));
  const several = zones.find((z) => z.years.length > 1);
  trendZone.value = zoneYears.has(chosen) ? chosen : several?.zone || zones[0]?.zone || "";
  await loadDocTypes();
  zonesLoaded = true;
  return zones;
}

/** The document types of the stored reports, as the comparison's filter (the first choice: all types). */
async function loadDocTypes() {
  const { reports } = await api("/v1/reports?limit=500");
  const select = $("#compare-doctype"), chosen = select.value;
  select.querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
  for (const type of [...new Set(reports.map((r) => r.doc_type))].sort()) select.append(h("option", { value: type }, type));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

function query() {
  const picked = (name) => [...document.querySelectorAll(`#compare-form input[name=${name}]:checked`)].map((b) => b.value);
  const params = new URLSearchParams();
  params.set("zones", picked("zone").join(","));
  if (picked("year").length) params.set("year", picked("year").join(","));
  return withFilters(params);
}

/** ``params`` with the form's part and document type. */
function withFilters(params) {
  if ($("#compare-part").value) params.set("part", $("#compare-part").value);
  if ($("#compare-doctype").value) params.set("doc_type", $("#compare-doctype").value);
  return params;
}

let zoneYears = new Map();

let current = null;
let modelVersion = "";

/** The served model's version, for chart captions. */
export function setCaptionModel(version) {
  modelVersion = version;
}

/** The filters of ``params`` in words: zones, years, part, document type and (given) the measure. */
function filterWords(params, measure = null) {
  const zones = params.get("zones").split(",").join(t("list.sep"));
  const years = params.get("year");
  const part = params.get("part");
  const docType = params.get("doc_type");
  return [t("chart.filterZones", { zones }),
    years ? t("chart.filterYears", { years: years.split(",").join(t("list.sep")) }) : t("chart.allYears"),
    part ? t("chart.filterPart", { part: t(`part.${part}`) }) : null,
    docType ? t("chart.filterDocType", { type: docType }) : null,
    measure ? t("chart.filterMeasure", { unit: unit(measure) }) : null].filter(Boolean).join("; ");
}

/** What a chart shows: its filters and measure, the model version and today's date. */
function captionFor(params, measure) {
  return t("chart.caption", { filters: filterWords(params, measure), model: modelVersion ? `v${modelVersion}` : "–",
    date: new Date().toISOString().slice(0, 10) });
}

let currentParams = null;

function draw() {
  const measure = $("#compare-measure").value;
  const caption = captionFor(currentParams, measure);
  const csv = new URLSearchParams(currentParams);
  csv.set("format", "csv");
  csv.set("lang", lang());
  $("#export-csv").href = `/v1/compare?${csv}`;
  csv.set("format", "xlsx");
  $("#export-xlsx").href = `/v1/compare?${csv}`;
  clear($("#heatmap"), heatmap(current, measure, caption));
  clear($("#bars"), barChart(current, measure, caption));
  clear($("#emphasis-table"), emphasisTable(current, measure));
  clear($("#ranking"), rankingList(current, measure));
  clear($("#not-ranked"), notRanked(current));
  clear($("#measure-note"), t("compare.measureNote", { unit: unit(measure) }));
}

/** Run the comparison chosen in the form and draw it. */
export async function runCompare() {
  const status = $("#compare-status");
  try {
    if (!zonesLoaded) await loadZones();
    const params = query();
    if (!params.get("zones")) {
      say(status, t("compare.pickZone"), "error");
      return;
    }
    say(status, t("compare.busy"), "busy");
    closeDrill();
    current = await api(`/v1/compare?${params}`);
    currentParams = new URLSearchParams(params);
    draw();
    $("#compare-result").hidden = false;
    const few = current.too_few.length;
    say(status, few ? t("compare.groupsFew", { n: current.groups.length, few }) : t("compare.groups", { n: current.groups.length }), "ok");
  } catch (err) {
    $("#compare-result").hidden = true;
    say(status, problemText(err), "error");
  }
}

function svgText(svg) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}`;
}

/** Save a chart as SVG, or as PNG drawn on a canvas at twice its size. */
function exportChart(selector, name, format) {
  const svg = $(`${selector} svg`);
  if (!svg) return;
  const blob = new Blob([svgText(svg)], { type: "image/svg+xml;charset=utf-8" });
  if (format === "svg") {
    download(blob, `${name}.svg`);
    return;
  }
  const url = URL.createObjectURL(blob);
  const img = new Image();
  img.onload = () => {
    const scale = 2, w = Number(svg.getAttribute("width")), hgt = Number(svg.getAttribute("height"));
    const canvas = h("canvas", { width: w * scale, height: hgt * scale });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob((png) => download(png, `${name}.png`), "image/png");
  };
  img.onerror = () => say($("#compare-status"), t("export.pngFailed"), "error");
  img.src = url;
}

/** Open the segments behind a heatmap or relative-emphasis cell (``el`` carries its group and theme). */
function drill(el) {
  const { group, theme } = el.dataset;
  const key = current?.group_keys?.[group];
  if (!key) return;
  const params = currentParams;
  openDrill({ group, key, theme, part: params.get("part"), docType: params.get("doc_type"),
    filters: () => filterWords(params) });
}

/** Clicks and Enter / Space on the cells of ``container`` (matched by ``selector``) open their segments. */
function drillOn(container, selector) {
  container.addEventListener("click", (e) => {
    const el = e.target.closest(selector);
    if (el) drill(el);
  });
  container.addEventListener("keydown", (e) => {
    const el = e.target.closest(selector);
    if (el && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      drill(el);
    }
  });
}

let trend = null;  // { result, params } of the drawn zone-over-years chart

function drawTrend() {
  const measure = $("#compare-measure").value;
  const title = (g, th, share, iv) => t("compare.cellTitle", { group: g, theme: themeName(th), share, unit: unit(measure),
    ci: iv, n: groupSize(trend.result.coverage[g], measure) });
  clear($("#trend-chart"), trendChart(trend.result, measure, captionFor(trend.params, measure), title));
}

/** The chosen zone's theme shares per year: a comparison of its years (one group per year). */
async function runTrend() {
  const status = $("#trend-status");
  try {
    if (!zonesLoaded) await loadZones();
    const zone = $("#trend-zone").value;
    const years = zoneYears.get(zone) || [];
    if (years.length < 2) {
      $("#trend-result").hidden = true;
      say(status, t("trend.oneYear", { zone, years: years.join(t("list.sep")) || "–" }), "error");
      return;
    }
    const params = withFilters(new URLSearchParams({ zones: zone, year: years.join(",") }));
    say(status, t("trend.busy"), "busy");
    trend = { result: await api(`/v1/compare?${params}`), params };
    drawTrend();
    $("#trend-result").hidden = false;
    say(status, t("trend.done", { zone, n: trend.result.groups.length }), "ok");
  } catch (err) {
    trend = null;
    $("#trend-result").hidden = true;
    say(status, problemText(err), "error");
  }
}

export function setupCompare() {
  $("#compare-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runCompare();
  });
  $("#compare-measure").addEventListener("change", () => {
    if (current) draw();
    if (trend) drawTrend();
  });
  for (const [id, sel, name, format] of [["export-heatmap-svg", "#heatmap", "policytag-heatmap", "svg"],
    ["export-heatmap-png", "#heatmap", "policytag-heatmap", "png"], ["export-bars-svg", "#bars", "policytag-bars", "svg"],
    ["export-bars-png", "#bars", "policytag-bars", "png"], ["export-trend-svg", "#trend-chart", "policytag-trend", "svg"],
    ["export-trend-png", "#trend-chart", "policytag-trend", "png"]]) {
    $(`#${id}`).addEventListener("click", () => exportChart(sel, name, format));
  }
  drillOn($("#heatmap"), "g.cell");
  drillOn($("#emphasis-table"), "td[data-theme]");
  setupDrill();
  $("#trend-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runTrend();
  });
}

/** Draw the comparison, its open drill-down and the trend again (after a language switch). */
export function redrawCompare() {
  if (current) draw();
  redrawDrill();
  if (trend) drawTrend();
}

/** Forget the zones so the next comparison re-reads them (after a report is stored). */
export function zonesChanged() {
  zonesLoaded = false;
}
