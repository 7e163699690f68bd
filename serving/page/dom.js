// DOM and API helpers. Data from the API only ever reaches the page as text nodes or attribute values
// (createElement / textContent / setAttribute), never as markup.

import { has, lang, t } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
export const CJK_FONTS = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';

function build(el, attrs, children, svg) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") Object.assign(el.style, v);
    else if (k === "class" && !svg) el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** An HTML element: h("p", {class: "x"}, "text", child). */
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children, false);

/** An SVG element; text children become text nodes. */
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children, true);

export const $ = (sel, root = document) => root.querySelector(sel);

export function clear(el, ...children) {
  el.replaceChildren();
  return build(el, {}, children, false);
}

// ---- numbers

export const pct = (x, digits = 0) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(digits)}%`);
export const ci = (iv) => (iv ? `${(iv[0] * 100).toFixed(0)}–${(iv[1] * 100).toFixed(0)}%` : "–");
export const num = (x, digits = 2) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));

// ---- themes and their colours

const PALETTE = {
  investment: "#d97a1e", innovation: "#2f78c4", bizenv: "#2e9462", party: "#c23b32", safety: "#8a55b3",
};
const themeInfo = new Map();

export function setThemes(themes) {
  for (const t of themes) themeInfo.set(t.id, t);
}

/** The theme's name in the page's language (Chinese from the API's /v1/model; the id if unknown). */
export const themeName = (id) => (lang() === "zh" ? themeInfo.get(id)?.zh : themeInfo.get(id)?.en) || id;

/** Theme names joined in the page's language, or "no theme". */
export const themeList = (ids) => (ids.length ? ids.map(themeName).join(t("list.sep")) : t("seg.noTheme"));

function hslHex(hue, sat, light) {
  const a = sat * Math.min(light, 1 - light);
  const f = (n) => {
    const k = (n + hue / 30) % 12;
    const c = light - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The theme's fixed colour, or a stable generated one for a theme outside the palette. */
export function themeColor(id) {
  if (PALETTE[id]) return PALETTE[id];
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hslHex(hash % 360, 0.5, 0.45);
}

/** A light tint of a theme colour (for chips). */
export const themeTint = (id) => `${themeColor(id)}22`;

// ---- the API

export class ApiError extends Error {
  constructor(status, detail, body = null) {
    super(detail);
    this.status = status;
    this.body = body;  // the whole JSON answer (e.g. a 409's stored values and the PATCH that corrects them)
  }
}

const KEY_STORE = "policytag.apiKey";
export const apiKey = () => sessionStorage.getItem(KEY_STORE) || "";
export const setApiKey = (key) => (key ? sessionStorage.setItem(KEY_STORE, key) : sessionStorage.removeItem(KEY_STORE));

/** Call the API; ``json`` sends a JSON body, ``write`` adds the API key. Errors throw ApiError(detail). */
export async function api(path, { method = "GET", json, body, write = false } = {}) {
  const headers = { Accept: "application/json" };
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  if (write && apiKey()) headers["X-API-Key"] = apiKey();
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (err) {
    throw new ApiError(0, t("err.unreachable", { detail: err.message }));
  }
  if (!response.ok) throw failure(response.status, response.statusText, await response.text());
  return response.status === 204 ? null : response.json();
}

/** The ApiError of a failed answer: its JSON ``detail``, else the status line. */
function failure(status, statusText, text) {
  let problem = null;
  try {
    problem = JSON.parse(text);
  } catch { /* not JSON: keep the status line */ }
  const detail = typeof problem?.detail === "string" ? problem.detail : `${status} ${statusText}`;
  return new ApiError(status, detail, problem);
}

/**
 * POST a FormData with the API key, as api() does, through XMLHttpRequest so that ``onProgress(sent, total)``
 * follows the upload. Resolves to the JSON answer; errors reject with ApiError(detail).
 */
export function upload(path, form, { onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    if (apiKey()) xhr.setRequestHeader("X-API-Key", apiKey());
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
    xhr.addEventListener("error", () => reject(new ApiError(0, t("err.unreachable", { detail: path }))));
    xhr.addEventListener("load", () => {
      if (xhr.status < 200 || xhr.status >= 300) reject(failure(xhr.status, xhr.statusText, xhr.responseText));
      else resolve(JSON.parse(xhr.responseText));
    });
    xhr.send(form);
  });
}

/** What to tell the user about a failed call: the page's words for the status, then the API's detail. */
export function problemText(err) {
  if (err instanceof ApiError && err.status === 401) return t("err.needKey", { detail: err.message });
  if (err instanceof ApiError && has(`err.status.${err.status}`)) {
    return t("err.withDetail", { what: t(`err.status.${err.status}`), detail: err.message });
  }
  return err.message || String(err);
}

/** Show a message in a status element (``kind``: ok, error, busy). */
export function say(el, text, kind = "ok") {
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Save a Blob as a file. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
