/// The page's script: upload with progress, poll the job, then draw the verdict, the per-frame
/// timeline (inline SVG) and each track's crops, with or without their heat maps. User data only
/// ever goes in as text nodes.
let pageScript = #"""
"use strict";
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
// Okabe–Ito: one colour and one marker shape per track, so tracks differ by shape as well.
const TRACK_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"];
const SHAPES = ["circle", "square", "triangle", "diamond"];

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
const pct = (p) => (100 * p).toFixed(1) + "%";

function setState(state) { document.body.dataset.state = state; }
function showProgress(text, fraction) {
  $("progress").hidden = false;
  $("progress-text").textContent = text;
  if (fraction === null) $("progress-bar").removeAttribute("value"); else $("progress-bar").value = fraction;
}
function showError(message) {
  $("progress").hidden = true;
  $("error").hidden = false;
  $("error").textContent = message;
  setState("error");
}
function errorOf(xhrOrBody, status) {
  try { return JSON.parse(xhrOrBody).error || ("HTTP " + status); } catch (e) { return "HTTP " + status; }
}

function upload(file) {
  if (!file) return;
  $("error").hidden = true;
  $("result").hidden = true;
  setState("uploading");
  showProgress("Uploading " + file.name + "…", 0);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/v1/detect");
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) showProgress("Uploading " + file.name + ": " + pct(e.loaded / e.total), e.loaded / e.total);
  };
  xhr.onerror = () => showError("the upload failed: the server could not be reached");
  xhr.onload = () => {
    if (xhr.status === 200) return render(JSON.parse(xhr.responseText));
    if (xhr.status === 202) { setState("analysing"); return poll(JSON.parse(xhr.responseText).id); }
    showError(errorOf(xhr.responseText, xhr.status));
  };
  const form = new FormData();
  form.append("file", file);
  xhr.send(form);
}

async function poll(id) {
  try {
    const response = await fetch("/api/v1/jobs/" + encodeURIComponent(id));
    const job = await response.json();
    if (!response.ok) return showError(job.error || "HTTP " + response.status);
    if (job.state === "done") return render(job);
    if (job.state === "failed" || job.state === "cancelled") return showError(job.error || job.state);
    const p = job.progress;
    if (job.state === "queued") showProgress("Waiting for a free analyser…", null);
    else showProgress("Analysing: frame " + p.frames_done + " of " + (p.frames_total || "?"),
                      p.frames_total ? p.frames_done / p.frames_total : null);
    setTimeout(() => poll(id), 400);
  } catch (e) {
    showError("lost contact with the server: " + e.message);
  }
}

function render(job) {
  const r = job.result;
  $("progress").hidden = true;
  $("result").hidden = false;
  renderVerdict(r);
  renderTimeline(r, job.threshold);
  renderTracks(job);
  setState("done");
}

function renderVerdict(r) {
  const box = $("verdict");
  box.className = "verdict " + r.verdict;
  box.replaceChildren();
  const words = { fake: "⚠ FAKE", real: "✓ REAL", no_face: "∅ NO FACE" };
  box.append(el("span", { class: "word", id: "verdict-word" }, words[r.verdict] || r.verdict));
  const detail = el("div", { class: "detail" });
  if (r.p_fake === null) {
    detail.append(el("div", {}, "No face was found on " + r.frames_analyzed + " analysed frame" + (r.frames_analyzed === 1 ? "" : "s") + "."));
  } else {
    detail.append(el("div", { id: "p-fake" }, "p_fake " + r.p_fake.toFixed(4) + " (" + pct(r.p_fake) + " likely fake, " + r.aggregate + " of the frames)"));
    detail.append(el("div", {}, r.faces_found + " face" + (r.faces_found === 1 ? "" : "s") + " on " + r.frames_analyzed + " analysed frame" + (r.frames_analyzed === 1 ? "" : "s") + ", " + r.tracks.length + " track" + (r.tracks.length === 1 ? "" : "s")));
  }
  detail.append(el("div", {}, r.path + " · " + r.width + "×" + r.height + (r.duration_s ? " · " + r.duration_s.toFixed(1) + " s" : "")));
  box.append(detail);
}

function marker(shape, x, y, colour) {
  const s = 4.5;
  if (shape === "circle") return svg("circle", { cx: x, cy: y, r: s, fill: colour });
  if (shape === "square") return svg("rect", { x: x - s, y: y - s, width: 2 * s, height: 2 * s, fill: colour });
  const points = shape === "triangle" ? [[x, y - s - 1], [x + s + 1, y + s], [x - s - 1, y + s]]
                                      : [[x, y - s - 1], [x + s + 1, y], [x, y + s + 1], [x - s - 1, y]];
  return svg("polygon", { points: points.map((p) => p.join(",")).join(" "), fill: colour });
}

function renderTimeline(r, threshold) {
  const W = 480, H = 250, L = 58, R = 10, T = 14, B = 60;
  const frames = r.frames;
  const times = frames.map((f) => f.time_s);
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = (t) => t1 > t0 ? L + (W - L - R) * (t - t0) / (t1 - t0) : L + (W - L - R) / 2;
  const y = (p) => T + (H - T - B) * (1 - p);
  const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", id: "timeline-svg",
    "aria-label": "p_fake of every face on each analysed frame; above the dashed threshold line means fake" });
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    root.append(svg("line", { x1: L, x2: W - R, y1: y(p), y2: y(p), stroke: "#e2e2e2" }));
    root.append(svg("text", { x: L - 6, y: y(p) + 4, "text-anchor": "end" }, p.toFixed(2)));
  }
  root.append(svg("line", { x1: L, x2: W - R, y1: y(threshold), y2: y(threshold), stroke: "#444", "stroke-dasharray": "6 4" }));
  root.append(svg("text", { x: L + 4, y: y(threshold) - 4 }, "threshold " + threshold + ": above = fake"));
  root.append(svg("text", { x: 14, y: T + (H - T - B) / 2, transform: "rotate(-90 14 " + (T + (H - T - B) / 2) + ")", "text-anchor": "middle" }, "p_fake"));
  root.append(svg("text", { x: L + (W - L - R) / 2, y: H - 30, "text-anchor": "middle" },
    t1 > t0 ? "time (s): " + t0.toFixed(1) + " to " + t1.toFixed(1) : "photo"));
  const byTrack = new Map();
  for (const f of frames) {
    if (f.faces.length === 0) {
      root.append(svg("text", { x: x(f.time_s), y: y(0) + 14, "text-anchor": "middle", fill: "#6b6b6b", class: "noface" }, "×"));
    }
    for (const face of f.faces) {
      if (!byTrack.has(face.track)) byTrack.set(face.track, []);
      byTrack.get(face.track).push({ t: f.time_s, frame: f.index, p: face.p_fake });
    }
  }
  let legendX = L;
  const legendY = H - 10;
  [...byTrack.keys()].sort((a, b) => a - b).forEach((id, i) => {
    const colour = TRACK_COLOURS[i % TRACK_COLOURS.length], shape = SHAPES[i % SHAPES.length];
    const points = byTrack.get(id);
    root.append(svg("polyline", { points: points.map((q) => x(q.t) + "," + y(q.p)).join(" "), fill: "none", stroke: colour, "stroke-width": 2 }));
    for (const q of points) {
      const m = marker(shape, x(q.t), y(q.p), colour);
      m.setAttribute("class", "point");
      m.append(svg("title", {}, "track " + id + ", frame " + q.frame + " (" + q.t.toFixed(2) + " s): p_fake " + q.p.toFixed(3)));
      root.append(m);
    }
    root.append(marker(shape, legendX + 5, legendY - 4, colour));
    const label = "track " + id;
    root.append(svg("text", { x: legendX + 14, y: legendY }, label));
    legendX += 24 + label.length * 8;
  });
  if (frames.some((f) => f.faces.length === 0)) root.append(svg("text", { x: legendX, y: legendY }, "× no face"));
  $("timeline").replaceChildren(root);
}

function renderTracks(job) {
  const r = job.result;
  const holder = $("tracks");
  holder.replaceChildren();
  if (r.tracks.length === 0) { holder.append(el("p", {}, "No face tracks.")); return; }
  for (const track of r.tracks) {
    const verdict = track.p_fake > job.threshold ? "fake" : "real";
    const section = el("section", { class: "track" });
    const title = el("h3", {}, "Track " + track.id + ": p_fake " + track.p_fake.toFixed(4) + " ");
    title.append(el("span", { class: "badge " + verdict }, verdict === "fake" ? "⚠ fake" : "✓ real"));
    title.append(document.createTextNode(" · " + track.n_faces + " face" + (track.n_faces === 1 ? "" : "s") +
      (track.counted ? "" : " · too short, not counted")));
    section.append(title);
    const crops = el("div", { class: "crops" });
    for (const f of r.frames) {
      for (const face of f.faces.filter((c) => c.track === track.id)) {
        const v = face.p_fake > job.threshold ? "fake" : "real";
        const fig = el("figure", { class: v });
        const base = "/api/v1/jobs/" + encodeURIComponent(job.id) + "/crops/" + f.index + "-" + face.track;
        const heat = $("heatmaps").checked;
        const img = el("img", { src: base + (heat ? "-heatmap.jpg" : ".jpg"), "data-base": base,
                                alt: "face of track " + track.id + " on frame " + f.index + (heat ? " with its heat map" : "") });
        fig.append(img);
        fig.append(el("figcaption", {}, "frame " + f.index + " · " + face.p_fake.toFixed(2) + " " + v));
        crops.append(fig);
      }
    }
    section.append(crops);
    holder.append(section);
  }
}

// The heat map of each crop is the same picture under a cividis overlay: swap the sources.
$("heatmaps").addEventListener("change", (e) => {
  for (const img of document.querySelectorAll(".crops img")) {
    img.src = img.dataset.base + (e.target.checked ? "-heatmap.jpg" : ".jpg");
  }
});
$("file").addEventListener("change", (e) => upload(e.target.files[0]));
const drop = $("upload");
for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const type of ["dragleave", "drop"]) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove("over"); });
drop.addEventListener("drop", (e) => upload(e.dataTransfer.files[0]));
"""#
