/* realpolitik's page: reads everything from the server's JSON API (/api/...) and draws it with the
   plotly.js the server ships. No other network access. */
"use strict";

(() => {
  const PLOT_CONFIG = { displaylogo: false, responsive: true };
  const PLAIN_CONFIG = { ...PLOT_CONFIG, displayModeBar: false }; // small figures: nothing to zoom
  const SIGN_COLOURS = { "1": "#1e8449", "-1": "#b03a2e", "0": "#9aa0a6" };
  const QUAD_COLOURS = { 1: "#85c1e9", 2: "#1f618d", 3: "#f5b041", 4: "#b03a2e" };
  const ROLE_COLOURS = {
    pivot: "#f39c12", wing: "#5d6d7e", partner: "#2980b9", outcast: "#7f8c8d",
    friend: "#27ae60", foe: "#c0392b", "": "#95a5a6",
  };
  const CAMP_COLOURS = ["#2c5d8a", "#b9770e"];
  const POSITIONS = [[0, 0], [2, 0], [1, 1.73]]; // the triangle's three actors, in the API's order
  const PAGE = 15;

  const state = {
    info: null, triangle: null, scenario: null, year: null, yearCache: new Map(),
    playing: null, offset: 0, total: 0, query: null, job: null,
  };

  const $ = (id) => document.getElementById(id);

  /* ---------- helpers ---------- */

  async function api(path, options = {}) {
    const response = await fetch(path, options);
    let body = null;
    try { body = await response.json(); } catch (_) { body = null; }
    if (!response.ok) {
      let text = `${response.status} ${response.statusText}`;
      if (body && Array.isArray(body.detail)) text = body.detail.map((d) => d.msg).join("; ");
      else if (body && typeof body.detail === "string") text = body.detail;
      throw new Error(text);
    }
    return body;
  }

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key in node && typeof value !== "string") node[key] = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function showError(id, error) {
    $(id).textContent = error ? String(error.message || error) : "";
  }

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function wrap(text, width = 70) {
    const words = String(text).split(/\s+/);
    const lines = [];
    let line = "";
    for (const w of words) {
      if ((line + " " + w).trim().length > width && line) { lines.push(line); line = w; }
      else line = (line + " " + w).trim();
    }
    if (line) lines.push(line);
    return lines.map(esc).join("<br>");
  }

  const signed = (x, digits = 2) => (x === null || x === undefined ? "—" : (x > 0 ? "+" : "") + x.toFixed(digits));

  function rgba(hex, alpha) {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
  }

  function decimalYear(iso) {
    const d = new Date(iso + "T00:00:00Z");
    const y = d.getUTCFullYear();
    return y + (d - Date.UTC(y, 0, 1)) / (Date.UTC(y + 1, 0, 1) - Date.UTC(y, 0, 1));
  }

  const shortRefs = (refs) => refs.map((r) => (r.short || r.key) + (r.locator ? `, ${r.locator}` : "")).join("; ");
  const fullRefs = (refs) => refs.map((r) => (r.text || r.key) + (r.locator ? ` (${r.locator})` : "")).join("\n");

  function whenText(e) {
    if (e.precision === "day") return e.date_start;
    if (e.precision === "month") return e.date_start.slice(0, 7);
    if (e.precision === "year") return e.date_start.slice(0, 4);
    const a = e.date_start.slice(0, 4);
    const b = e.date_end.slice(0, 4);
    return a === b ? `${a} (span)` : `${a}–${b}`;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const patternColour = (key) => (state.triangle ? state.triangle.colours[key] : "#999") || "#999";
  const roleText = (row) => (row.pivot ? `pivot ${row.pivot}` : row.outcast ? `outcast ${row.outcast}` : "");

  function periodTable(tableId, periods, onPick) {
    const body = $(tableId).querySelector("tbody");
    body.replaceChildren(...periods.map((p) => {
      const years = p.start === p.end ? `${p.start}` : `${p.start}–${p.end}`;
      const row = el("tr", { "data-start": String(p.start), "data-end": String(p.end) },
        el("td", { text: years }),
        el("td", {}, el("span", { class: "swatch", style: `background:${patternColour(p.pattern)}` }), p.label),
        el("td", { text: roleText(p) }));
      if (onPick) {
        row.tabIndex = 0;
        row.addEventListener("click", () => onPick(p.start));
        row.addEventListener("keydown", (ev) => { if (ev.key === "Enter") onPick(p.start); });
      }
      return row;
    }));
  }

  /* Bars of one row of a pattern strip: one trace per pattern, so the legend names them. */
  function stripTraces(rows, base, showLegend, hover) {
    const byPattern = new Map();
    for (const r of rows) {
      if (!byPattern.has(r.pattern)) byPattern.set(r.pattern, []);
      byPattern.get(r.pattern).push(r);
    }
    const order = state.triangle.patterns.map((p) => p.key);
    return [...byPattern.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([key, rs]) => ({
      type: "bar",
      x: rs.map((r) => r.year),
      y: rs.map(() => 1),
      base: rs.map(() => base),
      width: rs.map(() => 1),
      name: state.triangle.labels[key] || key,
      legendgroup: key,
      showlegend: showLegend,
      marker: { color: patternColour(key), line: { color: "#fff", width: 0.5 } },
      text: rs.map((r) => r.pivot || r.outcast || ""),
      textposition: "inside",
      insidetextanchor: "middle",
      textangle: -90,
      textfont: { size: 10, color: "#fff" },
      hovertext: rs.map(hover),
      hoverinfo: "text",
    }));
  }

  /* ---------- events ---------- */

  async function initTimeline() {
    const { actors } = await api("/api/actors");
    $("timeline-actors").replaceChildren(...actors.map((a) => {
      const id = `actor-${a.code}`;
      return el("label", { for: id, title: `${a.events} events` },
        el("input", { type: "checkbox", id, name: "actor", value: a.code, checked: a.core, "data-testid": id }),
        ` ${a.code} `, el("span", { class: "note", text: a.name }));
    }));
    for (const id of ["timeline-start", "timeline-end"]) {
      $(id).min = state.info.first_year;
      $(id).max = state.info.last_year;
    }
    $("timeline-start").value = state.info.first_year;
    $("timeline-end").value = state.info.last_year;
    $("timeline-filters").addEventListener("submit", (ev) => { ev.preventDefault(); applyTimeline(); });
    $("timeline-prev").addEventListener("click", () => loadTimelinePage(Math.max(0, state.offset - PAGE)));
    $("timeline-next").addEventListener("click", () => loadTimelinePage(state.offset + PAGE));
    await applyTimeline();
  }

  function timelineQuery() {
    const params = new URLSearchParams();
    const codes = [...document.querySelectorAll("#timeline-actors input:checked")].map((i) => i.value);
    if (codes.length) params.set("actors", codes.join(","));
    params.set("match", document.querySelector("input[name=match]:checked").value);
    for (const name of ["start", "end"]) {
      const value = $(`timeline-${name}`).value;
      if (value !== "") params.set(name, value);
    }
    const quads = [...document.querySelectorAll("#timeline-quads input:checked")].map((i) => i.value);
    if (!quads.length) throw new Error("Choose at least one kind of event.");
    if (quads.length < 4) for (const q of quads) params.append("quad", q);
    return params;
  }

  async function applyTimeline() {
    showError("timeline-error", null);
    try {
      state.query = timelineQuery();
      const all = new URLSearchParams(state.query);
      all.set("limit", "1000");
      const found = await api(`/api/events?${all}`);
      drawTimeline(found);
      await loadTimelinePage(0);
    } catch (error) {
      showError("timeline-error", error);
    }
  }

  function drawTimeline(found) {
    const shown = found.events.length;
    $("timeline-count").textContent = found.total === shown
      ? `${found.total} events match.` : `${found.total} events match; the chart shows the first ${shown}.`;
    const traces = [1, 2, 3, 4].map((q) => {
      const es = found.events.filter((e) => e.quad === q);
      return {
        type: "scatter", mode: "markers", name: es.length ? es[0].quad_name : ["", "verbal cooperation",
          "material cooperation", "verbal conflict", "material conflict"][q],
        x: es.map((e) => e.date_start), y: es.map((e) => e.goldstein),
        marker: { color: QUAD_COLOURS[q], size: 8, opacity: 0.8, line: { color: "#fff", width: 0.5 } },
        hovertext: es.map((e) => `<b>${esc(whenText(e))} ${esc(e.src)} → ${esc(e.tgt)}</b>: ${esc(e.cameo_name)}`
          + `<br>${wrap(e.description)}<br><i>${esc(shortRefs(e.references))}</i>`),
        hoverinfo: "text",
      };
    });
    Plotly.react("timeline-chart", traces, {
      margin: { t: 10, r: 10, b: 40, l: 60 },
      xaxis: { type: "date", title: { text: "date" } },
      yaxis: { title: { text: "Goldstein weight" }, range: [-10.5, 10.5], zeroline: true },
      legend: { orientation: "h", y: 1.08 },
      hovermode: "closest",
    }, PLOT_CONFIG);
  }

  async function loadTimelinePage(offset) {
    showError("timeline-error", null);
    try {
      const params = new URLSearchParams(state.query);
      params.set("limit", String(PAGE));
      params.set("offset", String(offset));
      const page = await api(`/api/events?${params}`);
      state.offset = offset;
      state.total = page.total;
      $("timeline-table").querySelector("tbody").replaceChildren(...page.events.map((e) => el("tr",
        { "data-event-id": e.event_id },
        el("td", { class: "nowrap", text: whenText(e) }),
        el("td", { class: "nowrap", text: `${e.src} → ${e.tgt}` }),
        el("td", { text: `${e.cameo_name} (${e.cameo})`, title: e.quad_name }),
        el("td", { text: e.description }),
        el("td", { class: "citation", text: shortRefs(e.references), title: fullRefs(e.references) }))));
      const last = Math.min(offset + page.events.length, page.total);
      $("timeline-page").textContent = page.total ? `${offset + 1}–${last} of ${page.total}` : "no events";
      $("timeline-prev").disabled = offset === 0;
      $("timeline-next").disabled = last >= page.total;
    } catch (error) {
      showError("timeline-error", error);
    }
  }

  /* ---------- stances ---------- */

  async function initStances() {
    const s = await api("/api/stances");
    $("stances-estimator").textContent = s.estimator;
    const x = s.years.map((y) => y + 0.5);
    const traces = [];
    for (const d of s.dyads) {
      traces.push({ x, y: d.ab, mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false,
        legendgroup: d.label, connectgaps: false });
      traces.push({ x, y: d.ba, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: rgba(d.colour, 0.15),
        hoverinfo: "skip", showlegend: false, legendgroup: d.label });
      traces.push({
        x, y: d.stance, mode: "lines+markers", name: d.label, legendgroup: d.label,
        line: { color: d.colour, width: 2.5 }, marker: { size: 4 },
        customdata: s.years.map((year, i) => [year, d.ab[i], d.ba[i]]),
        hovertemplate: `${esc(d.label)} %{customdata[0]}: %{y:+.2f}`
          + `<br>${esc(d.a)} → ${esc(d.b)} %{customdata[1]:+.2f}, ${esc(d.b)} → ${esc(d.a)} %{customdata[2]:+.2f}`
          + "<extra></extra>",
      });
    }
    const keys = s.key_events;
    traces.push({
      x: keys.map((e) => decimalYear(e.date_start)), y: keys.map(() => 1.02), mode: "markers", name: "key event",
      marker: { symbol: "triangle-down", size: 9, color: "#444" },
      hovertext: keys.map((e) => `<b>${esc(e.label)}</b> (${esc(whenText(e))})<br>${wrap(e.description)}`
        + `<br><i>${esc(shortRefs(e.references))}</i>`),
      hoverinfo: "text",
    });
    const shapes = keys.map((e) => ({
      type: "line", x0: decimalYear(e.date_start), x1: decimalYear(e.date_start), y0: -1.05, y1: 1.02,
      line: { color: "#888", width: 1, dash: "dot" },
    }));
    const annotations = keys.map((e) => ({
      x: decimalYear(e.date_start), y: 1.04, yref: "y", text: esc(e.label), showarrow: false, textangle: -90,
      xanchor: "center", yanchor: "bottom", font: { size: 10, color: "#444" },
    }));
    Plotly.react("stances-chart", traces, {
      margin: { t: 150, r: 10, b: 40, l: 50 },
      xaxis: { range: [s.start, s.end + 1], dtick: 5, title: { text: "year" } },
      yaxis: { range: [-1.05, 1.05], zeroline: true, zerolinecolor: "#555", title: { text: "stance" } },
      legend: { orientation: "h", y: -0.15 },
      shapes, annotations, hovermode: "closest",
    }, PLOT_CONFIG);
    $("stances-chart").on("plotly_click", (ev) => {
      const point = ev.points && ev.points[0];
      if (point && typeof point.x === "number" && state.triangle) setYear(Math.floor(point.x));
    });
  }

  /* ---------- triangle ---------- */

  async function initTriangle() {
    const t = await api("/api/triangle");
    t.colours = Object.fromEntries(t.patterns.map((p) => [p.key, p.colour]));
    t.labels = Object.fromEntries(t.patterns.map((p) => [p.key, p.label]));
    state.triangle = t;
    $("triangle-dead-band").textContent = String(t.dead_band);
    const slider = $("year-slider");
    slider.min = t.start;
    slider.max = t.end;
    slider.addEventListener("input", () => setYear(Number(slider.value)));
    $("year-prev").addEventListener("click", () => setYear(state.year - 1));
    $("year-next").addEventListener("click", () => setYear(state.year + 1));
    $("triangle-play").addEventListener("click", togglePlay);
    periodTable("triangle-periods", t.periods, setYear);
    Plotly.react("triangle-strip", stripTraces(t.years, 0, true,
      (r) => `${r.year}: ${esc(r.label)}${roleText(r) ? ", " + esc(roleText(r)) : ""}`), {
      margin: { t: 30, r: 10, b: 30, l: 10 }, barmode: "overlay", bargap: 0,
      xaxis: { range: [t.start - 0.5, t.end + 0.5], dtick: 5 },
      yaxis: { visible: false, range: [0, 1] },
      legend: { orientation: "h", y: 1.35 }, shapes: [],
    }, PLAIN_CONFIG);
    $("triangle-strip").on("plotly_click", (ev) => { if (ev.points && ev.points[0]) setYear(ev.points[0].x); });
    await setYear(Math.min(Math.max(1969, t.start), t.end));
  }

  async function setYear(year) {
    const t = state.triangle;
    if (!t || !Number.isFinite(year)) return;
    year = Math.min(Math.max(Math.round(year), t.start), t.end);
    state.year = year;
    $("year-slider").value = String(year);
    $("year-output").textContent = String(year);
    $("year-prev").disabled = year <= t.start;
    $("year-next").disabled = year >= t.end;
    Plotly.relayout("triangle-strip", { shapes: [{
      type: "rect", x0: year - 0.5, x1: year + 0.5, y0: 0, y1: 1, line: { color: "#222", width: 2 },
    }] });
    for (const row of $("triangle-periods").querySelectorAll("tbody tr")) {
      row.classList.toggle("selected", Number(row.dataset.start) <= year && year <= Number(row.dataset.end));
    }
    showError("triangle-error", null);
    try {
      if (!state.yearCache.has(year)) state.yearCache.set(year, await api(`/api/triangle/${year}`));
      if (state.year !== year) return; // a later year was asked for meanwhile
      drawDiagram(state.yearCache.get(year));
    } catch (error) {
      showError("triangle-error", error);
    }
  }

  function drawDiagram(d) {
    $("triangle-caption").textContent = d.caption;
    $("triangle-capability-source").textContent = `Node size: ${d.capability_source}`;
    const at = Object.fromEntries(d.nodes.map((n, i) => [n.code, POSITIONS[i]]));
    const traces = d.edges.map((e) => ({
      x: [at[e.a][0], at[e.b][0]], y: [at[e.a][1], at[e.b][1]], mode: "lines", showlegend: false,
      line: { color: SIGN_COLOURS[String(e.sign)], width: 2 + 8 * Math.abs(e.stance || 0), dash: e.sign ? "solid" : "dot" },
      hoverinfo: "skip",
    }));
    traces.push({
      x: d.nodes.map((n) => at[n.code][0]), y: d.nodes.map((n) => at[n.code][1]), mode: "markers+text",
      text: d.nodes.map((n) => n.code), textfont: { color: "#fff", size: 13 }, showlegend: false,
      marker: {
        size: d.nodes.map((n) => 28 + 220 * (n.capability || 0)),
        color: d.nodes.map((n) => ROLE_COLOURS[n.role] || ROLE_COLOURS[""]), line: { color: "#fff", width: 2 },
      },
      hovertext: d.nodes.map((n) => `<b>${esc(n.name)}</b><br>capability share ${n.capability === null ? "—" : n.capability.toFixed(3)}`
        + `<br>${esc(n.role || "no role")}, positional score ${n.score}`),
      hoverinfo: "text",
    });
    const annotations = d.edges.map((e) => ({
      x: (at[e.a][0] + at[e.b][0]) / 2, y: (at[e.a][1] + at[e.b][1]) / 2, showarrow: false,
      text: `${esc(e.a)}–${esc(e.b)} ${signed(e.stance)}`, bgcolor: "rgba(255,255,255,0.85)",
      font: { size: 12, color: SIGN_COLOURS[String(e.sign)] },
    }));
    for (const n of d.nodes) {
      const [x, y] = at[n.code];
      annotations.push({ x, y, yshift: y > 1 ? 52 : -52, showarrow: false, text: esc(n.role), font: { size: 12, color: "#444" } });
    }
    Plotly.react("triangle-diagram", traces, {
      margin: { t: 30, r: 10, b: 10, l: 10 },
      title: { text: `${d.year}: ${esc(d.label)}`, font: { size: 15 } },
      xaxis: { visible: false, range: [-0.6, 2.6] },
      yaxis: { visible: false, range: [-0.6, 2.25], scaleanchor: "x" },
      annotations, hovermode: "closest",
    }, PLAIN_CONFIG);
  }

  function togglePlay() {
    const button = $("triangle-play");
    if (state.playing) {
      clearInterval(state.playing);
      state.playing = null;
      button.textContent = "Play";
      button.setAttribute("aria-pressed", "false");
      return;
    }
    if (state.year >= state.triangle.end) setYear(state.triangle.start);
    button.textContent = "Pause";
    button.setAttribute("aria-pressed", "true");
    state.playing = setInterval(() => {
      if (state.year >= state.triangle.end) togglePlay();
      else setYear(state.year + 1);
    }, 800);
  }

  /* ---------- simulation ---------- */

  async function initSimulation() {
    const sc = await api("/api/scenario");
    state.scenario = sc;
    $("sim-scenario").textContent = `${sc.name}, ${sc.start}–${sc.end}`;
    const groups = new Map();
    for (const s of sc.shocks) {
      if (!groups.has(s.kind)) groups.set(s.kind, []);
      groups.get(s.kind).push(s);
    }
    const blocks = [];
    for (const [kind, shocks] of groups) {
      blocks.push(el("h4", { text: kind }));
      for (const s of shocks) {
        const id = `shock-${s.id}`;
        const who = s.target ? `${s.actor} → ${s.target}` : s.actor;
        const when = s.end && s.end.slice(0, 4) !== s.start.slice(0, 4)
          ? `${s.start.slice(0, 4)}–${s.end.slice(0, 4)}` : s.start.slice(0, 4);
        // an ideology shock's new position: the coordinates it sets
        const moves = ["economy", "militancy", "line"].filter((k) => s[k] !== null && s[k] !== undefined)
          .map((k) => `${k} ${s[k]}`).join(", ");
        blocks.push(el("label", { class: "shock", for: id, title: fullRefs(s.references) },
          el("input", { type: "checkbox", id, value: s.id, checked: true, "data-testid": id }), " ",
          el("span", { class: "when", text: when }), ` ${who}: ${s.description || s.id} `,
          moves ? el("span", { class: "moves", text: `(${moves})` }) : null, moves ? " " : null,
          el("span", { class: "src", text: shortRefs(s.references) })));
      }
    }
    $("sim-shocks").replaceChildren(...blocks);
    $("sim-params").replaceChildren(...sc.parameters.flatMap((p) => [
      el("label", { for: `param-${p.name}`, text: p.name }),
      el("input", { type: "number", id: `param-${p.name}`, name: p.name, min: String(p.min), max: String(p.max),
        step: "any", value: String(p.value), "data-default": String(p.value), "data-testid": `param-${p.name}` }),
      el("span", { class: "range", text: `${p.min} to ${p.max}` }),
    ]));
    $("sim-runs").max = sc.max_runs;
    $("sim-refits-box").hidden = sc.refits === 0;
    $("sim-refits-count").textContent = String(sc.refits);
    const refitRuns = () => {
      // over the refits, runs come in whole rounds of them, within the server's limit
      const runs = $("sim-runs"), n = sc.refits, on = $("sim-refits").checked && n > 0;
      runs.step = on ? String(n) : "1";
      runs.min = on ? String(n) : "1";
      if (!on) return;
      const rounds = Math.max(1, Math.ceil(Number(runs.value) / n));
      runs.value = String(Math.min(rounds, Math.floor(sc.max_runs / n)) * n);
    };
    $("sim-refits").addEventListener("change", refitRuns);
    refitRuns();  // a box the browser restored ticked
    for (const id of ["sim-start", "sim-end"]) { $(id).min = sc.start; $(id).max = sc.end; }
    $("sim-start").value = sc.start;
    $("sim-end").value = sc.end;
    const tick = (on) => () => {
      for (const box of document.querySelectorAll("#sim-shocks input")) box.checked = on;
    };
    $("sim-keep-all").addEventListener("click", tick(true));
    $("sim-drop-all").addEventListener("click", tick(false));
    $("sim-reset").addEventListener("click", () => {
      for (const input of document.querySelectorAll("#sim-params input")) input.value = input.dataset.default;
    });
    $("sim-form").addEventListener("submit", (ev) => { ev.preventDefault(); runSimulation(); });
    $("cancel-sim").addEventListener("click", cancelSimulation);
  }

  function simulationRequest() {
    const number = (id) => ($(id).value === "" ? null : Number($(id).value));
    const set = {};
    for (const input of document.querySelectorAll("#sim-params input")) {
      if (input.value === "") continue;
      if (Number(input.value) !== Number(input.dataset.default)) set[input.name] = Number(input.value);
    }
    return {
      runs: number("sim-runs"), seed: number("sim-seed"), start: number("sim-start"), end: number("sim-end"),
      drop_shocks: [...document.querySelectorAll("#sim-shocks input:not(:checked)")].map((i) => i.value),
      set,
      weights: $("sim-refits").checked ? "refits" : "scenario",
    };
  }

  function setRunning(running) {
    $("run-sim").disabled = running;
    $("cancel-sim").disabled = !running;
    document.body.dataset.simulation = running ? "running" : "idle";
  }

  async function runSimulation() {
    showError("sim-error", null);
    const body = simulationRequest();
    let job;
    try {
      job = await api("/api/simulations", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
    } catch (error) {
      showError("sim-error", error);
      return;
    }
    state.job = job.id;
    setRunning(true);
    $("sim-progress").value = 0;
    try {
      while (job.status === "queued" || job.status === "running") {
        $("sim-progress").value = job.progress;
        $("sim-status").textContent = job.status === "queued"
          ? "Waiting for a free worker…" : `Running: ${job.done} of ${job.total} runs`;
        await sleep(250);
        job = await api(`/api/simulations/${job.id}`);
      }
      $("sim-progress").value = job.progress;
      if (job.status === "done") {
        $("sim-status").textContent = `Done: ${job.total} runs in ${job.result.seconds.toFixed(1)} s.`;
        drawSimulation(job.result);
      } else if (job.status === "cancelled") {
        $("sim-status").textContent = "Cancelled.";
      } else {
        $("sim-status").textContent = "";
        showError("sim-error", `The simulation failed: ${job.error}`);
      }
    } catch (error) {
      showError("sim-error", error);
    } finally {
      if (state.job === job.id) state.job = null;
      setRunning(false);
    }
  }

  async function cancelSimulation() {
    if (!state.job) return;
    try {
      await api(`/api/simulations/${state.job}`, { method: "DELETE" });
    } catch (error) {
      showError("sim-error", error);
    }
  }

  const changedParameters = (r) => state.scenario.parameters.filter((p) => r.parameters[p.name] !== p.value);
  const isCounterfactual = (r) => r.dropped_shocks.length > 0 || changedParameters(r).length > 0;

  function describeRun(r) {
    const parts = [`${r.runs} runs, seed ${r.seed}`];
    if (r.dropped_shocks.length) parts.push(`without ${r.dropped_shocks.join(", ")}`);
    const changed = changedParameters(r).map((p) => `${p.name} = ${r.parameters[p.name]}`);
    if (changed.length) parts.push(`with ${changed.join(", ")}`);
    if (r.refits) parts.push(`over the weights of ${r.refits} bootstrap refits`);
    const kind = isCounterfactual(r) ? "Counterfactual" : "Reference scenario";
    return `${kind}: ${parts.join("; ")}. The model's triangle (ensemble mean) matches history's in `
      + `${Math.round(100 * r.agreement)}\u00a0% of the years ${r.start}–${r.end}.`;
  }

  function drawSimulation(r) {
    $("sim-result").hidden = false;
    $("sim-summary").textContent = describeRun(r);
    const x = r.years.map((y) => y + 0.5);
    const n = r.dyads.length;
    const traces = [];
    const layout = stackedLayout(r, n, 20);
    r.dyads.forEach((d, i) => {
      const axis = stackPanel(layout, i, n, 0.04, { range: [-1.05, 1.05], title: { text: esc(d.label) } });
      const first = i === 0;
      traces.push({ x, y: d.p05, yaxis: axis, mode: "lines", line: { width: 0, color: d.colour }, showlegend: false,
        hoverinfo: "skip" });
      traces.push({ x, y: d.p95, yaxis: axis, mode: "lines", line: { width: 0, color: d.colour }, fill: "tonexty",
        fillcolor: rgba(d.colour, 0.22), name: "model 5–95 %", legendgroup: "band", showlegend: first,
        customdata: d.p05, hovertemplate: `${esc(d.label)} model 5–95 %: %{customdata:+.2f} to %{y:+.2f}<extra></extra>` });
      traces.push({ x, y: d.p50, yaxis: axis, mode: "lines", line: { color: d.colour, width: 1.5, dash: "dash" },
        name: "model median", legendgroup: "median", showlegend: first,
        hovertemplate: `${esc(d.label)} model median %{y:+.2f}<extra></extra>` });
      traces.push({ x, y: d.history, yaxis: axis, mode: "lines", line: { color: d.colour, width: 2.6 },
        name: "history", legendgroup: "history", showlegend: first,
        hovertemplate: `${esc(d.label)} history %{y:+.2f}<extra></extra>` });
    });
    Plotly.react("sim-chart", traces, layout, PLOT_CONFIG);

    const told = Object.fromEntries(r.history_triangle.map((h) => [h.year, h]));
    const stripHistory = stripTraces(r.history_triangle, 1, true,
      (h) => `${h.year} history: ${esc(h.label)}${roleText(h) ? ", " + esc(roleText(h)) : ""}`);
    const stripModel = stripTraces(r.model_triangle, 0, false,
      (m) => `${m.year} model: ${esc(m.label)}${roleText(m) ? ", " + esc(roleText(m)) : ""}`
        + `<br>${Math.round(100 * m.share)} % of runs in this pattern; `
        + `${Math.round(100 * m.history_share)} % in history's (${esc(told[m.year] ? told[m.year].label : "—")})`);
    Plotly.react("sim-strips", [...stripHistory, ...stripModel], {
      margin: { t: 30, r: 10, b: 30, l: 70 }, barmode: "overlay", bargap: 0,
      xaxis: { range: [r.start - 0.5, r.end + 0.5], dtick: 5 },
      yaxis: { range: [0, 2], tickvals: [0.5, 1.5], ticktext: ["model", "history"], fixedrange: true },
      legend: { orientation: "h", y: 1.3 },
    }, PLAIN_CONFIG);
    periodTable("period-history", r.history_periods, null);
    periodTable("period-model", r.model_periods, null);
    drawDrivers(r);
  }

  /* What moves the model: per directed stance, each driver's weighted pull and the mean stance. */
  function drawDrivers(r) {
    const whose = isCounterfactual(r) ? "the counterfactual's" : "the reference scenario's";
    $("sim-drivers-weights").textContent = r.refits ? `each refit's for its own runs, averaged over the ${r.refits} refits`
      : whose;
    const x = r.years.map((y) => y + 0.5);
    const n = r.drivers.length;
    const seen = new Set(); // one legend entry per driver, at its first panel
    const traces = [];
    const layout = stackedLayout(r, n, 10);
    r.drivers.forEach((d, i) => {
      const axis = stackPanel(layout, i, n, 0.035, { title: { text: esc(d.label) } });
      Object.entries(r.driver_colours).forEach(([name, colour], rank) => {
        const values = d.series[name];
        if (!values || !values.some((v) => Math.abs(v) > 0.02)) return; // a driver that never pulls
        // the third states behind a pull that runs through them, named in the hover
        const behind = (d.behind && d.behind[name]) || [];
        traces.push({ x, y: values, yaxis: axis, mode: "lines", name, legendgroup: name, legendrank: rank + 1,
          showlegend: !seen.has(name), line: { color: colour, width: 1.6 },
          customdata: values.map((_, k) => (behind[k] ? ` (${esc(behind[k])})` : "")),
          hovertemplate: `${esc(name)} %{y:+.2f}%{customdata}<extra></extra>` });
        seen.add(name);
      });
      traces.push({ x, y: d.stance, yaxis: axis, mode: "lines", name: "stance (mean)", legendgroup: "stance",
        legendrank: 0, showlegend: i === 0, line: { color: "#000", width: 2.6 },
        hovertemplate: `${esc(d.label)} stance %{y:+.2f}<extra></extra>` });
    });
    Plotly.react("sim-drivers", traces, layout, PLOT_CONFIG);
  }

  /* n panels stacked top to bottom on one time axis: the shared layout ... */
  function stackedLayout(r, n, marginTop) {
    return {
      margin: { t: marginTop, r: 10, b: 40, l: 70 }, hovermode: "x unified",
      legend: { orientation: "h", y: -0.08 }, xaxis: { range: [r.start, r.end + 1], dtick: 5, anchor: `y${n}` },
    };
  }

  /* ... and panel i's y-axis (its slice of the height, with a zero line, plus `axis`); returns the axis name. */
  function stackPanel(layout, i, n, gap, axis) {
    const top = 1 - i / n;
    layout[i === 0 ? "yaxis" : `yaxis${i + 1}`] = {
      domain: [Math.max(0, top - 1 / n + gap), top], zeroline: true, zerolinecolor: "#555", ...axis,
    };
    return i === 0 ? "y" : `y${i + 1}`;
  }

  /* ---------- balance ---------- */

  async function initBalance() {
    const input = $("balance-year");
    input.min = state.info.first_year;
    input.max = state.info.last_year;
    $("balance-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadBalance(); });
    await loadBalance();
  }

  async function loadBalance() {
    showError("balance-error", null);
    try {
      drawBalance(await api(`/api/balance/${encodeURIComponent($("balance-year").value)}`));
    } catch (error) {
      showError("balance-error", error);
    }
  }

  function drawBalance(b) {
    $("balance-threshold").textContent = String(b.threshold);
    const hostile = b.edges.filter((e) => e.sign < 0).length;
    const c = b.census;
    $("balance-summary").textContent = `${b.year}: ${b.nodes.length} actors, ${b.edges.length} ties (${hostile} hostile). `
      + `Frustration index ${b.frustration}${b.optimal ? " (proven optimal)" : ` (best found; at least ${b.lower_bound})`}, `
      + `normalized balance ${b.normalized.toFixed(2)}. ${c.triangles} triangles, ${c.unbalanced} unbalanced.`;

    // all actors on one circle, each camp on its own arc, so the cut between the camps shows
    const order = [...b.camps[0], ...b.camps[1]];
    const at = Object.fromEntries(order.map((code, k) => {
      const angle = Math.PI / 2 + (2 * Math.PI * k) / Math.max(order.length, 1);
      return [code, [Math.cos(angle), Math.sin(angle)]];
    }));
    const traces = [];
    for (const sign of [1, -1]) {
      for (const frustrated of [false, true]) {
        const es = b.edges.filter((e) => e.sign === sign && e.frustrated === frustrated);
        if (!es.length) continue;
        traces.push({
          x: es.flatMap((e) => [at[e.a][0], at[e.b][0], null]), y: es.flatMap((e) => [at[e.a][1], at[e.b][1], null]),
          mode: "lines", hoverinfo: "skip",
          name: `${sign > 0 ? "friendly" : "hostile"}${frustrated ? ", frustrated" : ""}`,
          line: { color: SIGN_COLOURS[String(sign)], width: frustrated ? 3 : 1.5, dash: frustrated ? "dash" : "solid" },
        });
      }
    }
    for (const side of [0, 1]) {
      const nodes = b.nodes.filter((n) => n.side === side);
      traces.push({
        x: nodes.map((n) => at[n.code][0]), y: nodes.map((n) => at[n.code][1]), mode: "markers+text",
        name: `camp ${side === 0 ? "A" : "B"}`, text: nodes.map((n) => n.code),
        textposition: nodes.map((n) => (at[n.code][0] < -0.01 ? "middle left" : "middle right")),
        marker: { size: 14, color: CAMP_COLOURS[side], line: { color: "#fff", width: 1 } },
        hovertext: nodes.map((n) => esc(n.name)), hoverinfo: "text",
      });
    }
    Plotly.react("balance-chart", traces, {
      margin: { t: 10, r: 10, b: 10, l: 10 },
      xaxis: { visible: false, range: [-1.5, 1.5] }, yaxis: { visible: false, range: [-1.2, 1.2], scaleanchor: "x" },
      legend: { orientation: "h", y: 0 }, hovermode: "closest",
    }, PLAIN_CONFIG);

    const names = Object.fromEntries(b.nodes.map((n) => [n.code, n.name]));
    $("balance-partition").replaceChildren(...b.camps.map((camp, side) => el("p", { class: "camp" },
      el("strong", {}, el("span", { class: "swatch", style: `background:${CAMP_COLOURS[side]}` }),
        `Camp ${side === 0 ? "A" : "B"}`),
      camp.map((code) => `${names[code] || code} (${code})`).join(", ") || "—")));
    const rows = [["+++", c.ppp, "balanced"], ["++−", c.ppn, "unbalanced"], ["+−−", c.pnn, "balanced"],
      ["−−−", c.nnn, "unbalanced"]];
    $("balance-census").querySelector("tbody").replaceChildren(...rows.map(([kind, count, verdict]) =>
      el("tr", {}, el("td", { text: kind }), el("td", { class: "num", text: String(count) }), el("td", { text: verdict }))));
  }

  /* ---------- start ---------- */

  async function init() {
    try {
      state.info = await api("/api/info");
    } catch (error) {
      showError("timeline-error", error);
      return;
    }
    $("data-source").textContent = `${state.info.events} events from ${state.info.data}`;
    $("version").textContent = state.info.version;
    const sections = [
      ["timeline-error", initTimeline], ["stances-error", initStances], ["triangle-error", initTriangle],
      ["sim-error", initSimulation], ["balance-error", initBalance],
    ];
    await Promise.all(sections.map(([errorId, start]) => start().catch((error) => showError(errorId, error))));
    setRunning(false);
    document.body.dataset.ready = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
