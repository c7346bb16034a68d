/* The migration-graph page of django-branchmig.
 *
 * The layout comes from the server (django_branchmig.render.layout): units
 * (single migrations or collapsed runs) on layers and columns. This script
 * only draws what is in view, pans and zooms, filters, expands runs, and
 * asks the JSON endpoints for details, SQL and plans. Every name is written
 * with textContent or setAttribute, never as markup.
 */
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const NODE_W = 160, NODE_H = 26, COL_W = 184, ROW_H = 44, TOP = 40, LEFT = 12;
  // Below this scale nodes are drawn as a few combined paths, without text.
  const DETAIL_SCALE = 0.45;

  const dataElement = document.getElementById("django-branchmig-data");
  if (!dataElement) return;
  const data = JSON.parse(dataElement.textContent);
  const config = JSON.parse(document.getElementById("django-branchmig-config").textContent);
  const $ = (id) => document.getElementById(id);
  const svg = $("djbm-svg"), viewport = $("djbm-viewport"), canvas = $("djbm-canvas");

  const nodes = data.nodes, units = data.units;
  const byId = new Map(nodes.map((node, index) => [node.id, index]));
  const expanded = new Set();
  const nodeShown = new Uint8Array(nodes.length).fill(1);
  const unitShown = new Uint8Array(units.length).fill(1);
  const planMark = new Map(); // node index -> "forwards" | "backwards"
  let selected = null;
  let view = { x: 0, y: 0, k: 1 };
  let rowStart = [];

  // Geometry ------------------------------------------------------------------

  function computeRows() {
    const extra = new Array(data.layers).fill(0);
    for (const u of expanded) {
      const layer = units[u].layer;
      extra[layer] = Math.max(extra[layer], units[u].nodes.length - 1);
    }
    rowStart = new Array(data.layers + 1);
    let row = 0;
    for (let layer = 0; layer <= data.layers; layer++) {
      rowStart[layer] = row;
      row += 1 + (extra[layer] || 0);
    }
  }
  // Where each lane starts once lanes with nothing shown are folded away.
  let laneStart = data.lanes.map((lane) => lane.column);
  let columns = data.columns;
  const unitX = (u) => {
    const lane = data.lanes[nodes[units[u].nodes[0]].app];
    return LEFT + (laneStart[lane.index] + units[u].column - lane.column) * COL_W;
  };
  const unitY = (u) => TOP + rowStart[units[u].layer] * ROW_H;
  function unitHeight(u) {
    return expanded.has(u) ? (units[u].nodes.length - 1) * ROW_H + NODE_H : NODE_H;
  }
  function nodeY(index) {
    const u = nodes[index].unit;
    return unitY(u) + (expanded.has(u) ? units[u].nodes.indexOf(index) * ROW_H : 0);
  }
  const totalWidth = () => LEFT * 2 + columns * COL_W;
  const totalHeight = () => TOP + rowStart[data.layers] * ROW_H + 20;

  // Filters -------------------------------------------------------------------

  function applyFilters() {
    const app = $("djbm-filter-app").value, label = $("djbm-filter-label").value;
    const state = $("djbm-filter-state").value;
    const search = $("djbm-search").value.trim().toLowerCase();
    const appIndex = app === "" ? -1 : Number(app), labelIndex = label === "" ? null : Number(label);
    let count = 0;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const shown = (appIndex < 0 || node.app === appIndex)
        && (labelIndex === null || (labelIndex < 0 ? node.labels.length === 0 : node.labels.includes(labelIndex)))
        && (state === "" || node.state === state)
        && (search === "" || node.id.toLowerCase().includes(search));
      nodeShown[i] = shown ? 1 : 0;
      count += nodeShown[i];
    }
    const laneShown = new Uint8Array(data.lanes.length);
    for (let u = 0; u < units.length; u++) {
      unitShown[u] = units[u].nodes.some((i) => nodeShown[i]) ? 1 : 0;
      if (unitShown[u]) laneShown[nodes[units[u].nodes[0]].app] = 1;
    }
    // Folding lanes moves them sideways: keep the selected migration where it was on screen.
    const anchor = selected === null ? null : unitX(nodes[selected].unit);
    columns = 0;
    laneStart = data.lanes.map((lane, index) => {
      const start = columns;
      if (laneShown[index] || count === 0) columns += lane.width;
      return start;
    });
    if (anchor !== null) view.x -= (unitX(nodes[selected].unit) - anchor) * view.k;
    $("djbm-count").textContent = count === nodes.length
      ? nodes.length + " migrations" : count + " of " + nodes.length + " migrations shown";
    schedule();
  }

  // Drawing -------------------------------------------------------------------

  function el(name, attributes, parent) {
    const element = document.createElementNS(SVG, name);
    for (const key in attributes) element.setAttribute(key, attributes[key]);
    if (parent) parent.appendChild(element);
    return element;
  }
  function text(parent, x, y, content, cls) {
    const element = el("text", { x: x, y: y, class: cls || "" }, parent);
    element.textContent = content;
    return element;
  }
  const short = (name, room) => (name.length > room ? name.slice(0, room - 1) + "\u2026" : name);

  function visibleBox() {
    const width = canvas.clientWidth, height = canvas.clientHeight, margin = 200;
    return {
      x0: (-view.x - margin) / view.k, y0: (-view.y - margin) / view.k,
      x1: (width - view.x + margin) / view.k, y1: (height - view.y + margin) / view.k,
    };
  }
  const overlaps = (box, x0, y0, x1, y1) => x1 >= box.x0 && x0 <= box.x1 && y1 >= box.y0 && y0 <= box.y1;

  // Each unit's state and plan classes, recomputed only when the plan changes.
  let unitClasses = [];
  function refreshClasses() {
    unitClasses = units.map((unit, u) => unitClass(u));
  }
  function unitClass(u) {
    const unit = units[u];
    const states = new Set(unit.nodes.map((i) => nodes[i].state));
    let cls = states.size > 1 ? "djbm-partial" : "djbm-" + (nodes[unit.nodes[0]].state || "unknown");
    const marks = new Set(unit.nodes.map((i) => planMark.get(i)).filter(Boolean));
    for (const mark of marks) cls += " djbm-plan-" + mark;
    return cls;
  }

  function render() {
    pending = false;
    viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
    viewport.replaceChildren();
    const box = visibleBox(), height = totalHeight();
    const lanes = el("g", { class: "djbm-lanes" }, viewport);
    let odd = false;
    data.lanes.forEach((lane, index) => {
      if (index + 1 < data.lanes.length ? laneStart[index + 1] === laneStart[index] : laneStart[index] === columns) return;
      odd = !odd;
      const x = LEFT + laneStart[index] * COL_W - 6, w = lane.width * COL_W;
      el("rect", { x: x, y: 0, width: w, height: height, class: "djbm-lane" + (odd ? "" : " djbm-lane-odd") }, lanes);
      text(lanes, x + 8, 22, short(lane.app, Math.max(8, lane.width * 22)), "djbm-lane-title");
    });
    const edges = el("g", { class: "djbm-edges" }, viewport);
    const detailed = view.k >= DETAIL_SCALE;
    const paths = { parent: [], dependency: [] };
    for (const [source, target, kind] of data.edges) {
      if (!unitShown[source] || !unitShown[target]) continue;
      const x1 = unitX(source) + NODE_W / 2, y1 = unitY(source) + unitHeight(source);
      const x2 = unitX(target) + NODE_W / 2, y2 = unitY(target);
      if (!overlaps(box, Math.min(x1, x2), y1, Math.max(x1, x2), y2)) continue;
      if (!detailed) {
        // Zoomed out, edges are a texture: straight, and other apps' only when legible.
        if (kind === "parent" || view.k >= 0.2) paths[kind].push("M" + x1 + " " + y1 + "L" + x2 + " " + y2);
        continue;
      }
      const bend = Math.min(ROW_H, (y2 - y1) / 2);
      paths[kind].push("M" + x1 + " " + y1 + "C" + x1 + " " + (y1 + bend) + " " + x2 + " " + (y2 - bend) + " " + x2 + " " + y2);
    }
    for (const kind in paths) {
      if (paths[kind].length) el("path", { d: paths[kind].join(""), class: "djbm-edge djbm-edge-" + kind }, edges);
    }
    const layer = el("g", { class: "djbm-nodes" }, viewport);
    if (!detailed) return renderCoarse(layer, box);
    for (let u = 0; u < units.length; u++) {
      if (!unitShown[u]) continue;
      const x = unitX(u), y = unitY(u);
      if (!overlaps(box, x, y, x + NODE_W, y + unitHeight(u))) continue;
      if (units[u].nodes.length > 1 && !expanded.has(u)) drawRun(layer, u, x, y);
      else if (units[u].nodes.length > 1) drawExpanded(layer, u, x, y);
      else drawNode(layer, units[u].nodes[0], x, y);
    }
  }

  function renderCoarse(layer, box) {
    const shapes = {};
    for (let u = 0; u < units.length; u++) {
      if (!unitShown[u]) continue;
      const x = unitX(u), y = unitY(u), h = unitHeight(u);
      if (!overlaps(box, x, y, x + NODE_W, y + h)) continue;
      const cls = unitClasses[u];
      (shapes[cls] = shapes[cls] || []).push("M" + x + " " + y + "h" + NODE_W + "v" + h + "h-" + NODE_W + "z");
    }
    for (const cls in shapes) el("path", { d: shapes[cls].join(""), class: "djbm-coarse " + cls }, layer);
  }

  function drawNode(parent, index, x, y) {
    const node = nodes[index];
    const marks = node.marks;
    let cls = "djbm-node djbm-" + (node.state || "unknown");
    if (planMark.has(index)) cls += " djbm-plan-" + planMark.get(index);
    if (index === selected) cls += " djbm-selected";
    for (const mark of marks) cls += " djbm-" + mark.replace("_", "-");
    const g = el("g", { class: cls, transform: "translate(" + x + "," + y + ")", "data-node": node.id, tabindex: "0", role: "button" }, parent);
    const title = el("title", {}, g);
    title.textContent = node.id + (node.labels.length ? " [" + node.labels.map((l) => data.labels[l]).join(", ") + "]" : "")
      + (node.state ? " \u2014 " + node.state : "") + (marks.length ? " (" + marks.join(", ").replace(/_/g, " ") + ")" : "");
    if (marks.includes("head")) el("rect", { x: -3, y: -3, width: NODE_W + 6, height: NODE_H + 6, rx: 6, class: "djbm-head-ring" }, g);
    el("rect", { width: NODE_W, height: NODE_H, rx: 4, class: "djbm-box" }, g);
    node.labels.slice(0, 4).forEach((label, n) => {
      el("rect", { x: 2 + n * 5, y: 3, width: 4, height: NODE_H - 6, rx: 1, class: "djbm-label-" + (label % 8) }, g);
    });
    const offset = 8 + Math.min(node.labels.length, 4) * 5;
    text(g, offset, 17, short(node.name, 20 - Math.min(node.labels.length, 4)), "djbm-name");
    let right = NODE_W - 10;
    if (marks.includes("merge_point")) {
      el("polygon", { points: hexagon(right, 13, 6), class: "djbm-glyph" }, g);
      right -= 14;
    }
    if (marks.includes("branch_point")) {
      el("polygon", { points: [right, 7, right + 6, 13, right, 19, right - 6, 13].join(" "), class: "djbm-glyph" }, g);
    }
  }
  function hexagon(cx, cy, r) {
    const points = [];
    for (let n = 0; n < 6; n++) points.push(cx + r * Math.cos(Math.PI / 3 * n), cy + r * Math.sin(Math.PI / 3 * n));
    return points.join(" ");
  }

  function drawRun(parent, u, x, y) {
    const unit = units[u], first = nodes[unit.nodes[0]], last = nodes[unit.nodes[unit.nodes.length - 1]];
    const g = el("g", { class: "djbm-node djbm-run " + unitClasses[u], transform: "translate(" + x + "," + y + ")", "data-unit": String(u), tabindex: "0", role: "button" }, parent);
    const applied = unit.nodes.filter((i) => nodes[i].state === "applied").length;
    const title = el("title", {}, g);
    title.textContent = unit.nodes.length + " migrations: " + first.id + " \u2026 " + last.name
      + (first.state ? " (" + applied + " applied)" : "") + " \u2014 click to expand";
    el("rect", { x: 4, y: 4, width: NODE_W, height: NODE_H, rx: 4, class: "djbm-box djbm-stack" }, g);
    el("rect", { width: NODE_W, height: NODE_H, rx: 4, class: "djbm-box" }, g);
    first.labels.slice(0, 4).forEach((label, n) => {
      el("rect", { x: 2 + n * 5, y: 3, width: 4, height: NODE_H - 6, rx: 1, class: "djbm-label-" + (label % 8) }, g);
    });
    const more = "+" + (unit.nodes.length - 1), stripes = Math.min(first.labels.length, 4);
    text(g, 8 + stripes * 5, 17, short(first.name, 20 - stripes - more.length), "djbm-name");
    text(g, NODE_W - 6, 17, more, "djbm-run-count");
  }

  function drawExpanded(parent, u, x, y) {
    const unit = units[u], h = unitHeight(u);
    const frame = el("g", { class: "djbm-run-frame", "data-collapse": String(u) }, parent);
    el("rect", { x: -6, y: -6, width: NODE_W + 12, height: h + 12, rx: 8 }, frame);
    const title = el("title", {}, frame);
    title.textContent = "Click the frame to collapse these " + unit.nodes.length + " migrations";
    const links = [];
    unit.nodes.forEach((index, n) => {
      if (n) links.push("M" + (x + NODE_W / 2) + " " + (y + (n - 1) * ROW_H + NODE_H) + "V" + (y + n * ROW_H));
    });
    el("path", { d: links.join(""), class: "djbm-edge djbm-edge-parent" }, parent);
    unit.nodes.forEach((index, n) => {
      if (nodeShown[index]) drawNode(parent, index, x, y + n * ROW_H);
    });
  }

  let pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(render);
    }
  }

  // Pan and zoom --------------------------------------------------------------

  function zoomAt(factor, cx, cy) {
    const k = Math.min(2.5, Math.max(0.02, view.k * factor));
    view.x = cx - (cx - view.x) * (k / view.k);
    view.y = cy - (cy - view.y) * (k / view.k);
    view.k = k;
    schedule();
  }
  function fit() {
    const k = Math.min(1, canvas.clientWidth / totalWidth(), canvas.clientHeight / totalHeight());
    view = { x: 0, y: 0, k: Math.max(0.02, k) };
    schedule();
  }
  function centreOn(index) {
    if (view.k < DETAIL_SCALE) view.k = 1;
    const u = nodes[index].unit;
    view.x = canvas.clientWidth / 2 - (unitX(u) + NODE_W / 2) * view.k;
    view.y = canvas.clientHeight / 2 - (nodeY(index) + NODE_H / 2) * view.k;
    schedule();
  }
  canvas.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });
  let drag = null;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest(".djbm-zoom")) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
  });
  window.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    if (drag.moved) {
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      schedule();
    }
  });
  window.addEventListener("pointerup", () => {
    if (drag && drag.moved) canvas.dataset.dragged = "1";
    drag = null;
  });
  canvas.querySelector(".djbm-zoom").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const action = button.dataset.zoom, cx = canvas.clientWidth / 2, cy = canvas.clientHeight / 2;
    if (action === "in") zoomAt(1.25, cx, cy);
    else if (action === "out") zoomAt(0.8, cx, cy);
    else if (action === "fit") fit();
    else { view = { x: 0, y: 0, k: 1 }; schedule(); }
  });

  // Clicks: expand, collapse, select --------------------------------------------

  svg.addEventListener("click", (event) => {
    if (canvas.dataset.dragged) {
      delete canvas.dataset.dragged;
      return;
    }
    const target = event.target.closest("[data-node], [data-unit], [data-collapse]");
    if (!target) {
      if (view.k < DETAIL_SCALE) {
        const rect = canvas.getBoundingClientRect();
        zoomAt(1 / view.k, event.clientX - rect.left, event.clientY - rect.top);
      }
      return;
    }
    if (target.dataset.node) select(byId.get(target.dataset.node));
    else if (target.dataset.unit) toggle(Number(target.dataset.unit), true);
    else toggle(Number(target.dataset.collapse), false);
  });
  svg.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && event.target.dispatchEvent) {
      event.preventDefault();
      event.target.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  });
  function toggle(u, open) {
    if (open) expanded.add(u);
    else expanded.delete(u);
    computeRows();
    schedule();
  }

  function select(index) {
    selected = index;
    const u = nodes[index].unit;
    if (units[u].nodes.length > 1 && !expanded.has(u)) toggle(u, true);
    schedule();
    showDetails(index);
  }

  // Details -------------------------------------------------------------------

  function query(url, params) {
    const search = new URLSearchParams(Object.assign({ database: config.database }, params));
    return fetch(url + "?" + search.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json().catch(() => ({ error: response.status + " " + response.statusText })));
  }
  function h(name, content, cls) {
    const element = document.createElement(name);
    if (content !== undefined && content !== null) element.textContent = content;
    if (cls) element.className = cls;
    return element;
  }
  function row(list, term, value) {
    list.append(h("dt", term));
    const dd = h("dd");
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    list.append(dd);
  }
  function nodeLinks(ids) {
    if (!ids.length) return h("span", "none", "djbm-quiet");
    const list = h("ul", null, "djbm-links");
    for (const id of ids) {
      const item = h("li");
      const button = h("button", id, "djbm-link");
      button.type = "button";
      button.addEventListener("click", () => {
        if (byId.has(id)) {
          select(byId.get(id));
          centreOn(byId.get(id));
        }
      });
      item.append(button);
      list.append(item);
    }
    return list;
  }
  function labelChips(labels) {
    if (!labels.length) return h("span", "none", "djbm-quiet");
    const span = h("span");
    for (const label of labels) {
      const index = data.labels.indexOf(label);
      span.append(h("span", label, "djbm-chip djbm-label-" + (index % 8)), " ");
    }
    return span;
  }

  function showDetails(index) {
    const panel = $("djbm-details"), node = nodes[index];
    panel.replaceChildren(h("h2", node.id, "djbm-title"), h("p", "Loading\u2026", "djbm-quiet"));
    query(config.urls.node, { id: node.id }).then((detail) => {
      if (selected !== index) return;
      panel.replaceChildren(h("h2", node.id, "djbm-title"));
      if (detail.error) return panel.append(h("p", detail.error, "djbm-error"));
      const list = h("dl", null, "djbm-facts");
      const state = detail.ghost ? "ghost (recorded, not on disk)" : detail.applied === null ? "unknown" : detail.applied ? "applied" : "not applied";
      row(list, "State", state);
      row(list, "Applied at", detail.applied_at || "\u2014");
      if (!detail.ghost) {
        const marks = node.marks.map((mark) => mark.replace("_", " ")).join(", ");
        if (marks) row(list, "Marks", marks);
        row(list, "Labels", labelChips(detail.labels));
        if (detail.declared_labels.length) row(list, "Declares", labelChips(detail.declared_labels));
        row(list, "Parents", nodeLinks(detail.parents));
        row(list, "Dependencies", nodeLinks(detail.dependencies));
        row(list, "Children", nodeLinks(detail.children));
        row(list, "Dependants", nodeLinks(detail.dependants));
      }
      panel.append(list);
      if (detail.ghost) return;
      panel.append(h("h3", "Operations"));
      const operations = h("ol", null, "djbm-operations");
      for (const description of detail.operations) operations.append(h("li", description));
      if (!detail.operations.length) operations.append(h("li", "none", "djbm-quiet"));
      panel.append(operations);
      const button = h("button", detail.applied ? "Show SQL to unapply" : "Show SQL to apply", "button djbm-sql-button");
      button.type = "button";
      button.addEventListener("click", () => {
        button.disabled = true;
        query(config.urls.sql, { id: node.id }).then((answer) => {
          const pre = h("pre", answer.error || answer.sql || "-- no SQL", answer.error ? "djbm-error djbm-sql" : "djbm-sql");
          button.replaceWith(pre);
        });
      });
      panel.append(button);
    });
  }

  // Target box ----------------------------------------------------------------

  function showPlan(event) {
    event.preventDefault();
    const target = $("djbm-target").value.trim() || "heads";
    const panel = $("djbm-plan");
    panel.hidden = false;
    panel.replaceChildren(h("h2", "branchmigrate " + target, "djbm-title"), h("p", "Planning\u2026", "djbm-quiet"));
    query(config.urls.plan, { target: target }).then((answer) => {
      planMark.clear();
      panel.replaceChildren(h("h2", "branchmigrate " + target, "djbm-title"));
      if (answer.error) {
        panel.append(h("pre", answer.error, "djbm-error djbm-plan-error"));
        refreshClasses();
        schedule();
        return;
      }
      for (const id of answer.backwards) planMark.set(byId.get(id), "backwards");
      for (const id of answer.forwards) planMark.set(byId.get(id), "forwards");
      if (!answer.backwards.length && !answer.forwards.length) panel.append(h("p", "No planned migration operations."));
      for (const [ids, verb, cls] of [[answer.backwards, "Unapply", "backwards"], [answer.forwards, "Apply", "forwards"]]) {
        if (!ids.length) continue;
        panel.append(h("h3", verb + " (" + ids.length + ")", "djbm-plan-heading djbm-plan-" + cls));
        const list = nodeLinks(ids);
        list.classList.add("djbm-plan-list", "djbm-plan-" + cls);
        panel.append(list);
      }
      refreshClasses();
      const first = answer.backwards[0] || answer.forwards[0];
      if (first) centreOn(byId.get(first));
      schedule();
    });
  }
  $("djbm-target-form").addEventListener("submit", showPlan);
  $("djbm-target-clear").addEventListener("click", () => {
    planMark.clear();
    $("djbm-target").value = "";
    $("djbm-plan").hidden = true;
    refreshClasses();
    schedule();
  });

  // Start ---------------------------------------------------------------------

  const appSelect = $("djbm-filter-app"), labelSelect = $("djbm-filter-label");
  data.apps.forEach((app, index) => appSelect.append(new Option(app, String(index))));
  data.labels.forEach((label, index) => labelSelect.append(new Option(label, String(index))));
  for (const id of ["djbm-filter-app", "djbm-filter-label", "djbm-filter-state"]) $(id).addEventListener("change", applyFilters);
  let typing = null;
  $("djbm-search").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(applyFilters, 120);
  });
  $("djbm-search").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    applyFilters();
    const first = nodeShown.indexOf(1);
    if (first >= 0) {
      select(first);
      centreOn(first);
    }
  });
  $("djbm-database").addEventListener("change", () => $("djbm-database-form").submit());
  window.addEventListener("resize", schedule);
  data.lanes.forEach((lane, index) => { lane.index = index; });
  refreshClasses();
  computeRows();
  applyFilters();
  // A small graph gets a canvas no taller than itself.
  canvas.style.height = Math.max(360, Math.min(canvas.clientHeight, totalHeight() + 24)) + "px";
  if (totalWidth() * 0.6 <= canvas.clientWidth && totalHeight() * 0.6 <= canvas.clientHeight) fit();
  svg.dataset.ready = "true";
})();
