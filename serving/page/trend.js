// A zone over the years: its theme shares per year (GET /v1/compare with one zone and its years, one group per
// year) as an SVG line chart, one line per theme in the theme colours, the 95% interval as a band.

import { CJK_FONTS, ci, pct, s, themeColor, themeName } from "./dom.js";
import { t } from "./i18n.js";

const FONT = { "font-family": CJK_FONTS };
const text = (x, y, content, attrs = {}) => s("text", { x, y, ...FONT, "font-size": 12, fill: "#222", ...attrs }, content);

/** Share and interval of a group × theme in the chosen measure. */
function point(result, group, theme, measure) {
  const entry = result.coverage[group].themes[theme];
  return measure === "char" ? { share: entry.char_share, iv: entry.char_share_ci }
    : { share: entry.segment_share, iv: entry.segment_share_ci };
}

/** The chart of ``result`` (a comparison whose groups are one zone's years); ``title(group, theme)`` words a
 *  point's tooltip; ``caption`` (filters, model, date) goes at its foot. */
export function trendChart(result, measure, caption, title) {
  const groups = [...result.groups].sort((a, b) => result.group_keys[a].year - result.group_keys[b].year);
  const left = 56, top = 44, plotW = Math.max(360, 110 * (groups.length - 1)), plotH = 240, bottom = 64;
  const width = Math.max(left + plotW + 48, 8 + 7 * caption.length), height = top + plotH + bottom;
  let max = 0;
  for (const g of groups) {
    for (const th of result.themes) {
      const { share, iv } = point(result, g, th, measure);
      max = Math.max(max, iv ? iv[1] : 0, share || 0);
    }
  }
  max = Math.max(0.1, Math.ceil(max * 10) / 10);
  const x = (i) => left + (groups.length > 1 ? (i * plotW) / (groups.length - 1) : plotW / 2);
  const y = (v) => top + plotH - (v / max) * plotH;
  const svg = s("svg", { class: "trend-chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("trend.label"), ...FONT }, s("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  let lx = left;
  for (const th of result.themes) {  // legend
    svg.append(s("line", { x1: lx, x2: lx + 14, y1: 14, y2: 14, stroke: themeColor(th), "stroke-width": 3 }),
      text(lx + 18, 18, themeName(th)));
    lx += 28 + 13 * themeName(th).length + 10;
  }
  for (let v = 0; v <= max + 1e-9; v += max > 0.5 ? 0.2 : 0.1) {
    svg.append(s("line", { x1: left - 4, x2: left + plotW + 10, y1: y(v), y2: y(v), stroke: v ? "#eee" : "#888" }),
      text(left - 8, y(v) + 4, pct(v), { "text-anchor": "end", "font-size": 11, fill: "#555" }));
  }
  groups.forEach((g, i) => {
    const few = Boolean(result.coverage[g].too_few);
    svg.append(text(x(i), top + plotH + 18, String(result.group_keys[g].year), { "text-anchor": "middle", class: "year-label" }),
      text(x(i), top + plotH + 33, `n = ${result.coverage[g][measure === "char" ? "characters" : "segments"]}`,
        { "text-anchor": "middle", "font-size": 11, fill: few ? "#9aa0a6" : "#555" }));
  });
  for (const th of result.themes) {
    const color = themeColor(th);
    const pts = groups.map((g, i) => ({ g, i, ...point(result, g, th, measure) }));
    const upper = pts.map((p) => `${x(p.i)},${y(p.iv ? p.iv[1] : p.share || 0)}`);
    const lower = pts.map((p) => `${x(p.i)},${y(p.iv ? p.iv[0] : p.share || 0)}`).reverse();
    const series = s("g", { class: "series", "data-theme": th },
      s("polygon", { class: "band", points: [...upper, ...lower].join(" "), fill: color, "fill-opacity": 0.12, stroke: "none" }),
      s("polyline", { class: "line", points: pts.map((p) => `${x(p.i)},${y(p.share || 0)}`).join(" "), fill: "none",
        stroke: color, "stroke-width": 2 }));
    for (const p of pts) {
      const few = Boolean(result.coverage[p.g].too_few);
      series.append(s("circle", { class: few ? "point too-few" : "point", "data-year": result.group_keys[p.g].year,
        "data-share": p.share, "data-ci": p.iv ? p.iv.join(",") : "", cx: x(p.i), cy: y(p.share || 0), r: 4,
        fill: few ? "#fff" : color, stroke: color, "stroke-width": 2 },
      s("title", {}, title(p.g, th, pct(p.share, 1), ci(p.iv)))));
    }
    svg.append(series);
  }
  svg.append(text(8, height - 8, caption, { class: "caption", "font-size": 11, fill: "#555" }));
  return svg;
}
