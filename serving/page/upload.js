// Several files stored at once (Tag tab): each sent in turn to POST /v1/reports, with its own state
// (waiting, storing with its upload progress, stored, already stored, error with the API's detail) and a
// count over all; one failing file does not stop the others. See docs/page.md.

import { $, clear, h, problemText, upload } from "./dom.js";
import { t } from "./i18n.js";

const batch = { files: [], onOpen: null };

/** The state's words, in the page's language. */
function stateText(f) {
  if (f.state === "storing") {
    return f.sent < f.total ? t("upload.uploading", { pct: Math.floor((100 * f.sent) / f.total) }) : t("upload.tagging");
  }
  if (f.state === "error") return problemText(f.error);
  if (f.state === "stored" || f.state === "already") {
    return t(`upload.${f.state}`, { n: f.report.segments.length, zone: f.report.zone || t("report.noZone") });
  }
  return t("upload.waiting");
}

const done = () => batch.files.filter((f) => !["waiting", "storing"].includes(f.state)).length;

function fileRow(f) {
  return h("li", { class: "upload-file", dataset: { name: f.file.name, state: f.state } },
    h("span", { class: "upload-name" }, f.file.name),
    h("progress", { max: f.total || 1, value: f.state === "waiting" ? 0 : f.sent, "aria-label": f.file.name }),
    h("span", { class: "upload-state status", dataset: { kind: { error: "error", storing: "busy", waiting: "busy" }[f.state] || "ok" } },
      stateText(f)),
    f.report ? h("button", { type: "button", class: "upload-open", onclick: () => batch.onOpen(f.report) }, t("upload.open")) : null);
}

/** Draw the list and the count (again, after a language switch). */
export function showUploads() {
  const list = $("#upload-list");
  if (!batch.files.length) {
    list.hidden = true;
    return;
  }
  const count = { stored: 0, already: 0, error: 0 };
  for (const f of batch.files) if (f.state in count) count[f.state] += 1;
  const finished = done() === batch.files.length;
  clear(list,
    h("p", { class: "row" },
      h("strong", { id: "upload-progress", dataset: { done: done(), total: batch.files.length } },
        t("upload.progress", { done: done(), total: batch.files.length })),
      finished ? h("span", { class: "upload-summary" }, t("upload.summary", { stored: count.stored,
        already: count.already, failed: count.error })) : null),
    h("ol", {}, batch.files.map(fileRow)));
  list.hidden = false;
}

/**
 * Store ``files`` one after the other, each with the ``fields`` (zone, year) the form names; ``onOpen(report)``
 * shows a stored one. Resolves when every file is stored or failed.
 */
export async function storeFiles(files, fields, { onOpen }) {
  batch.onOpen = onOpen;
  batch.files = files.map((file) => ({ file, state: "waiting", sent: 0, total: file.size, report: null, error: null }));
  showUploads();
  for (const f of batch.files) {
    const form = new FormData();
    form.append("file", f.file);
    for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
    f.state = "storing";
    showUploads();
    try {
      f.report = await upload("/v1/reports", form, { onProgress: (sent, total) => {
        Object.assign(f, { sent, total });
        showUploads();
      } });
      f.state = f.report.created ? "stored" : "already";
    } catch (err) {
      Object.assign(f, { state: "error", error: err });
    }
    f.sent = f.total;
    showUploads();
  }
  return batch.files;
}
