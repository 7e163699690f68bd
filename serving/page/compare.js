// Compare zones (or years): heatmap and grouped bars drawn as SVG, relative emphasis, ranking, exports.

import { $, CJK_FONTS, api, ci, clear, download, h, num, pct, problemText, s, say, themeColor, themeName } from "./dom.js";

const FONT = { "font-family": CJK_FONTS };
let zonesLoaded = false;

const text = (x, y, content, attrs = {}) => s("text", { x, y, ...FONT, "font-size": 12, fill: "#222", ...attrs }, content);

const MEASURES = { segment: "segments", char: "characters" };
const TOO_FEW = "too few segments (or too wide an interval) to rank or compare";
const GREY = "#9aa0a6";

/** Share and interval of one group × theme for the chosen measure (segments or characters). */
function cell(result, group, theme, measure) {
  const entry = result.coverage[group].themes[theme];
  return measure === "char" ? { share: entry.char_share, iv: entry.char_share_ci }
    : { share: entry.segment_share, iv: entry.segment_share_ci };
}

/** What a group's figures rest on: "35 segments · 2 reports" (characters first in characters mode). */
function sizeWords(cov, measure) {
  const reports = cov.documents === null || cov.documents === undefined ? "" : ` · ${cov.documents} reports`;
  return measure === "char" ? `${cov.characters} characters · ${cov.segments} segments${reports}`
    : `${cov.segments} segments${reports}`;
}

const groupSize = (cov, measure) => `n = ${sizeWords(cov, measure)}`;

const emphasisOf = (result, measure) => (measure === "char" ? result.char_relative_emphasis : result.relative_emphasis);

/** Groups as rows, themes as columns; the darker the cell, the larger the share; too_few groups in grey. */
export function heatmap(result, measure) {
  const cw = 108, ch = 46, left = 230, top = 36;
  const width = left + cw * result.themes.length + 10, height = top + ch * result.groups.length + 10;
  const svg = s("svg", { class: "heatmap", width, height,
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "heatmap of theme shares", ...FONT },
  s("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  result.themes.forEach((t, j) => svg.append(text(left + cw * j + cw / 2, top - 12, themeName(t),
    { "text-anchor": "middle", "font-weight": "bold", fill: themeColor(t) })));
  result.groups.forEach((g, i) => {
    const y = top + ch * i;
    const cov = result.coverage[g];
    const few = Boolean(cov.too_few);
    svg.append(text(left - 8, y + ch / 2 - 2, g, { "text-anchor": "end", class: "group-label", fill: few ? GREY : "#222" }),
      text(left - 8, y + ch / 2 + 13, groupSize(cov, measure) + (few ? " · too few" : ""),
        { "text-anchor": "end", class: "group-n", "data-group": g, "font-size": 11, fill: few ? GREY : "#555" }));
    result.themes.forEach((t, j) => {
      const { share, iv } = cell(result, g, t, measure);
      const x = left + cw * j;
      const dark = !few && (share || 0) > 0.5;
      svg.append(s("g", { class: few ? "cell too-few" : "cell", "data-group": g, "data-theme": t, "data-too-few": String(few) },
        s("title", {}, `${g} · ${themeName(t)}: ${pct(share, 1)} of ${MEASURES[measure]} (95% interval ${ci(iv)}); ` +
          groupSize(cov, measure) + (few ? ` — ${TOO_FEW}` : "")),
        s("rect", { x: x + 1, y: y + 1, width: cw - 2, height: ch - 2, rx: 3, fill: few ? GREY : themeColor(t),
          "fill-opacity": few ? 0.15 : 0.08 + 0.92 * (share || 0), stroke: "#ddd", "stroke-dasharray": few ? "4 3" : "none" }),
        text(x + cw / 2, y + 20, pct(share), { "text-anchor": "middle", "font-size": 14, fill: dark ? "#fff" : few ? GREY : "#222" }),
        text(x + cw / 2, y + 36, ci(iv), { "text-anchor": "middle", "font-size": 11, fill: dark ? "#fff" : few ? GREY : "#555" })));
    });
  });
  return svg;
}

/** A cluster of bars per group, one bar per theme, with the 95% interval as a whisker. */
export function barChart(result, measure) {
  const bw = 16, gap = 36, left = 48, top = 40, plot = 220, bottom = 46;
  const cluster = bw * result.themes.length;
  const width = left + (cluster + gap) * result.groups.length + 10, height = top + plot + bottom;
  let max = 0;
  for (const g of result.groups) {
    for (const t of result.themes) {
      const { share, iv } = cell(result, g, t, measure);
      max = Math.max(max, iv ? iv[1] : 0, share || 0);
    }
  }
  max = Math.max(0.1, Math.ceil(max * 10) / 10);
  const y = (v) => top + plot - (v / max) * plot;
  const svg = s("svg", { class: "bars", width, height,
    viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "bar chart of theme shares", ...FONT },
  s("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  let lx = left;
  for (const t of result.themes) {  // legend
    svg.append(s("rect", { x: lx, y: 8, width: 12, height: 12, fill: themeColor(t) }), text(lx + 16, 18, themeName(t)));
    lx += 24 + 13 * themeName(t).length + 10;
  }
  for (let v = 0; v <= max + 1e-9; v += max > 0.5 ? 0.2 : 0.1) {
    svg.append(s("line", { x1: left - 4, x2: width - 6, y1: y(v), y2: y(v), stroke: v ? "#eee" : "#888" }),
      text(left - 8, y(v) + 4, pct(v), { "text-anchor": "end", "font-size": 11, fill: "#555" }));
  }
  result.groups.forEach((g, i) => {
    const x0 = left + gap / 2 + (cluster + gap) * i;
    result.themes.forEach((t, j) => {
      const { share, iv } = cell(result, g, t, measure);
      const x = x0 + bw * j;
      const few = Boolean(result.coverage[g].too_few);
      const bar = s("g", { class: few ? "bar too-few" : "bar", "data-group": g, "data-theme": t },
        s("title", {}, `${g} · ${themeName(t)}: ${pct(share, 1)} of ${MEASURES[measure]} (95% interval ${ci(iv)})` +
          (few ? ` — ${TOO_FEW}` : "")),
        s("rect", { x: x + 1, y: y(share || 0), width: bw - 2, height: Math.max(0, y(0) - y(share || 0)),
          fill: themeColor(t), "fill-opacity": few ? 0.3 : 1 }));
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
  return svg;
}

/** What a cell's test says, in words that never call a non-significant difference "similar". */
function emphasisWords(e, measure) {
  const of = `share of ${MEASURES[measure]} ${pct(e.share, 1)}`;
  if (e.emphasis === "too_few") return `${of}; not tested: ${TOO_FEW}`;
  if (e.others_share === null) return `${of}; not tested: no other group to compare with`;
  const stats = `vs the others ${pct(e.others_share, 1)}; ratio ${num(e.ratio)}; p ${num(e.p_value, 4)}, ` +
    `Holm-adjusted ${num(e.p_adjusted, 4)}`;
  if (e.emphasis === "higher") return `${of} ${stats}: higher than the others`;
  if (e.emphasis === "lower") return `${of} ${stats}: lower than the others`;
  return `${of} ${stats}: not significant — the data cannot tell this share from the others' ` +
    "(which is not evidence that they are alike)";
}

function emphasisTable(result, measure) {
  const emphasis = emphasisOf(result, measure);
  const head = h("tr", {}, h("th", {}, "Group"), h("th", {}, "n"), result.themes.map((t) => h("th", {}, themeName(t))));
  const rows = result.groups.map((g) => h("tr", { class: result.coverage[g].too_few ? "too-few" : "" },
    h("th", { scope: "row" }, g), h("td", { class: "group-n" }, sizeWords(result.coverage[g], measure)),
    result.themes.map((t) => {
      const e = emphasis[g][t];
      const mark = { higher: "▲ ", lower: "▼ " }[e.emphasis] || "";
      return h("td", { class: `emph-${e.emphasis}`, dataset: { emphasis: e.emphasis, group: g, theme: t },
        title: emphasisWords(e, measure) },
        mark, h("span", { class: "share" }, pct(e.share)), e.emphasis === "too_few" ? h("small", {}, " too few") : h("small", {}, ` ×${num(e.ratio, 1)}`));
    })));
  return [h("thead", {}, head), h("tbody", {}, rows)];
}

function rankingList(result, measure) {
  return result.themes.map((t) => h("li", {}, h("strong", { style: { color: themeColor(t) } }, themeName(t)), ": ",
    (measure === "char" ? result.char_ranking : result.ranking)[t].map((g, i) =>
      [i ? " › " : "", `${g} (${pct(cell(result, g, t, measure).share)})`])));
}

function notRanked(result) {
  return result.too_few.length ? `Not ranked or tested (${TOO_FEW}): ${result.too_few.join(", ")}.` : "";
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
  zonesLoaded = true;
  return zones;
}

function query() {
  const picked = (name) => [...document.querySelectorAll(`#compare-form input[name=${name}]:checked`)].map((b) => b.value);
  const params = new URLSearchParams();
  params.set("zones", picked("zone").join(","));
  if (picked("year").length) params.set("year", picked("year").join(","));
  if ($("#compare-part").value) params.set("part", $("#compare-part").value);
  return params;
}

let current = null;

function draw() {
  const measure = $("#compare-measure").value;
  clear($("#heatmap"), heatmap(current, measure));
  clear($("#bars"), barChart(current, measure));
  clear($("#emphasis-table"), emphasisTable(current, measure));
  clear($("#ranking"), rankingList(current, measure));
  clear($("#not-ranked"), notRanked(current));
  clear($("#measure-note"), `Corrected share of ${MEASURES[measure]} addressing each theme (the tagger's measured ` +
    "errors taken out), 95% intervals; n per group; grey: too few to rank.");
}

/** Run the comparison chosen in the form and draw it. */
export async function runCompare() {
  const status = $("#compare-status");
  try {
    if (!zonesLoaded) await loadZones();
    const params = query();
    if (!params.get("zones")) {
      say(status, "pick at least one zone", "error");
      return;
    }
    say(status, "comparing…", "busy");
    current = await api(`/v1/compare?${params}`);
    params.set("format", "csv");
    $("#export-csv").href = `/v1/compare?${params}`;
    draw();
    $("#compare-result").hidden = false;
    const few = current.too_few.length;
    say(status, `${current.groups.length} groups` + (few ? `, ${few} with too few segments to rank` : ""), "ok");
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
  img.onerror = () => say($("#compare-status"), "the chart could not be drawn as PNG", "error");
  img.src = url;
}

export function setupCompare() {
  $("#compare-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runCompare();
  });
  $("#compare-measure").addEventListener("change", () => current && draw());
  for (const [id, sel, name, format] of [["export-heatmap-svg", "#heatmap", "policytag-heatmap", "svg"],
    ["export-heatmap-png", "#heatmap", "policytag-heatmap", "png"], ["export-bars-svg", "#bars", "policytag-bars", "svg"],
    ["export-bars-png", "#bars", "policytag-bars", "png"]]) {
    $(`#${id}`).addEventListener("click", () => exportChart(sel, name, format));
  }
}

/** Forget the zones so the next comparison re-reads them (after a report is stored). */
export function zonesChanged() {
  zonesLoaded = false;
}
