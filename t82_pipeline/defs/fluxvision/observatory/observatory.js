// The observatory page's behaviour: filters → datasets → charts (Vega-Lite through vega-embed,
// bundled in the page), KPIs and tables. Everything is computed from the JSON embedded in the
// page; nothing is requested. The default selection matches selection.py (the PDF).
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("t82-data").textContent);
  const SPECS = JSON.parse(document.getElementById("t82-specs").textContent);
  const LOCALE = JSON.parse(document.getElementById("t82-locale").textContent);
  const CATS = {
    tourist: ["tourist"],
    day_tripper: ["day_tripper", "recurrent_day_tripper"],
    local: ["tourist", "day_tripper", "recurrent_day_tripper"],
    resident: ["resident", "habitually_present"],
  };
  const PROVS = { all: ["non_local", "foreign"], french: ["non_local"], foreign: ["foreign"] };
  const PROV_LABELS = { non_local: "Français non locaux", foreign: "Étrangers", local: "Locaux" };
  const WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
  const MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
  const RULES = [
    // [field, value, when, reason, fallback]: impossible combinations are disabled with their reason.
    ["provenance", "foreign", (s) => s.category === "local" || s.category === "resident",
      "Les locaux et les résidents habitent le département : ils ne peuvent pas être étrangers.", "all"],
    ["moment", "night", (s) => s.category === "day_tripper",
      "Un excursionniste repart le jour même : il n'a pas de nuitée.", "day"],
    ["level", "country", (s) => s.provenance === "french",
      "Les Français viennent d'un département : la carte du monde montre les étrangers.", "departement"],
    ["level", "departement", (s) => s.provenance === "foreign",
      "Les étrangers sont ventilés par pays : la carte passe au monde.", "country"],
    ["level", "region", (s) => s.provenance === "foreign",
      "Les étrangers sont ventilés par pays : la carte passe au monde.", "country"],
  ];
  const state = {
    category: "tourist", provenance: "all", period: "annee", moment: "night", level: "departement", view: "map", compare: "",
  };
  const N = D.year;
  const nf = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
  const pf = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const views = {};

  const provsOf = (s) => (s.category === "local" || s.category === "resident" ? ["local"] : PROVS[s.provenance]);
  const yearOf = (iso) => +iso.slice(0, 4);
  const period = (year, code) => (D.periods[String(year)] || {})[code];
  function inPeriod(iso, year, code) {
    const p = period(year, code);
    if (!p) return false;
    return p.months ? p.months.includes(+iso.slice(5, 7)) : p.days.includes(iso);
  }
  // Like-for-like key: the same date for calendar periods, the same rank for key days (Easter moves).
  function periodKey(iso, year, code) {
    const p = period(year, code);
    return p.months ? iso.slice(5) : String(p.days.indexOf(iso));
  }

  function selectedCells(s) {
    const cats = CATS[s.category], provs = provsOf(s);
    const out = new Set();
    D.cells.forEach((c, i) => { const [a, b] = c.split("|"); if (cats.includes(a) && provs.includes(b)) out.add(i); });
    return out;
  }
  function valuesByDay(s) {
    const cells = selectedCells(s), out = new Map(), night = s.moment === "night";
    for (const [d, c, nights, presences] of D.daily) {
      if (!cells.has(c)) continue;
      const iso = D.days[d];
      out.set(iso, (out.get(iso) || 0) + (night ? nights : presences));
    }
    return out;
  }
  function periodDays(byDay, year, code) {
    return D.days.filter((iso) => yearOf(iso) === year && inPeriod(iso, year, code));
  }
  function sum(days, byDay) { return days.reduce((t, iso) => t + (byDay.get(iso) || 0), 0); }
  function collected(days) { return days.filter((iso) => !(iso in D.gaps)); }
  function likeForLike(byDay, year) {
    const keyed = (y) => new Map(collected(periodDays(byDay, y, state.period)).map((iso) => [periodKey(iso, y, state.period), iso]));
    const now = keyed(N), then = keyed(year);
    let a = 0, b = 0;
    for (const [k, iso] of now) if (then.has(k)) { a += byDay.get(iso) || 0; b += byDay.get(then.get(k)) || 0; }
    return b ? { now: a, then: b, change: (100 * (a - b)) / b } : null;
  }

  // ---------------------------------------------------------------- filters
  function applyRules() {
    document.querySelectorAll("[data-filter] button, [data-filter] option").forEach((el) => { el.disabled = false; el.title = ""; });
    const reasons = [];
    for (const [field, value, when, reason, fallback] of RULES) {
      if (!when(state)) continue;
      const el = document.querySelector(`[data-filter="${field}"] [data-value="${value}"]`);
      if (el) { el.disabled = true; el.title = reason; }
      if (!reasons.includes(reason)) reasons.push(reason);
      if (state[field] === value) state[field] = fallback;
    }
    document.getElementById("filter-reasons").textContent = reasons.join(" ");
    document.querySelectorAll("[data-filter]").forEach((group) => {
      group.querySelectorAll("[data-value]").forEach((el) => el.classList.toggle("on", state[group.dataset.filter] === el.dataset.value));
      const select = group.querySelector("select");
      if (select) select.value = state[group.dataset.filter];
    });
  }

  // ---------------------------------------------------------------- datasets
  function datasets(byDay) {
    const days = periodDays(byDay, N, state.period);
    const inChart = (iso) => inPeriod(iso, yearOf(iso), state.period);
    const daily = [];
    for (const iso of D.days) {
      const y = yearOf(iso);
      if ((y !== N && y !== N - 1) || iso.slice(5) === "02-29" || !inChart(iso)) continue;
      daily.push({ date: `${N}${iso.slice(4)}`, year: String(y), value: iso in D.gaps ? null : byDay.get(iso) || 0 });
    }
    const gaps = days.filter((iso) => iso in D.gaps).map((iso) => ({ date: iso, note: D.gaps[iso] }));
    const months = new Map();
    for (const iso of D.days) {
      if (!inChart(iso)) continue;
      const key = `${yearOf(iso)}-${+iso.slice(5, 7)}`;
      months.set(key, (months.get(key) || 0) + (byDay.get(iso) || 0));
    }
    const monthly = [...months].map(([k, v]) => { const [y, m] = k.split("-").map(Number); return { month: m, month_label: MONTHS[m - 1], year: String(y), value: v }; });
    return { days, daily, gaps, monthly };
  }

  function originRows() {
    const measure = state.moment === "night" ? "nuitees" : "presences_journee";
    const cats = CATS[state.category], provs = provsOf(state);
    const months = periodMonths();
    const level = state.level, out = new Map();
    for (const [y, m, meas, cat, prov, scope, dcode, dname, rcode, rname, cnum, cname, volume] of D.origins) {
      if (y !== N || meas !== measure || !cats.includes(cat) || !provs.includes(prov) || !months.has(m)) continue;
      const [code, label] = level === "country" ? [scope === "etranger" ? cnum || cname : null, cname]
        : level === "region" ? [scope === "france" ? rcode : null, rname] : [scope === "france" ? dcode : null, dname];
      if (code === null || code === undefined) continue;
      const row = out.get(code) || { code, label, value: 0 };
      row.value += volume;
      out.set(code, row);
    }
    return [...out.values()].sort((a, b) => b.value - a.value);
  }

  function territoryRows() {
    const cells = selectedCells(state), night = state.moment === "night" ? 0 : 1;
    return Object.entries(D.territories).map(([code, t]) => {
      const totals = t.totals[state.period] || {};
      let value = 0;
      D.cells.forEach((c, i) => { if (cells.has(i) && totals[c]) value += totals[c][night]; });
      return { code, label: t.name, value, current: code === D.ot_code };
    });
  }

  // Movements and stays are delivered by month: a period of a few days shows its months.
  const periodMonths = () => new Set(periodDays(null, N, state.period).map((iso) => +iso.slice(5, 7)));

  function weekdayRows() {
    const cats = CATS[state.category], provs = provsOf(state), months = periodMonths(), out = [];
    for (const [y, m, cat, prov, d, arrivals, departures] of D.weekdays) {
      if (y !== N || !months.has(m) || !cats.includes(cat) || !provs.includes(prov)) continue;
      for (const [movement, value] of [["Arrivées", arrivals], ["Départs", departures]]) {
        const row = out.find((r) => r.weekday === d && r.movement === movement && r.provenance === PROV_LABELS[prov]);
        if (row) row.value += value; else out.push({ weekday: d, weekday_label: WEEKDAYS[d - 1], provenance: PROV_LABELS[prov], movement, value });
      }
    }
    return out;
  }

  function stayRows() {
    const provs = provsOf(state), months = periodMonths(), out = new Map();
    for (const [y, m, prov, nights, count] of D.stays) {
      if (y === N && months.has(m) && provs.includes(prov)) out.set(nights, (out.get(nights) || 0) + count);
    }
    return [...out].sort((a, b) => a[0] - b[0]).map(([nights, value]) => ({
      nights, value, label: nights === 1 ? "1 nuit" : nights >= 13 ? "13 nuits et +" : `${nights} nuits`,
    }));
  }

  // ---------------------------------------------------------------- KPIs and tables
  function setFigure(name, text) { document.querySelectorAll(`[data-kpi="${name}"]`).forEach((el) => { el.textContent = text; }); }
  const signed = (x) => (x === null || x === undefined || !isFinite(x) ? "–" : `${x >= 0 ? "+" : ""}${pf.format(x)} %`);

  function updateKpis(byDay, ds, stays) {
    const days = ds.days, ok = collected(days), total = sum(days, byDay);
    setFigure("total", nf.format(total));
    setFigure("measure", `${state.moment === "night" ? "nuitées" : "présences en journée"} — ${document.querySelector(`[data-filter="category"] [data-value="${state.category}"]`).textContent.trim().toLowerCase()}`);
    setFigure("daily_average", ok.length ? nf.format(sum(ok, byDay) / ok.length) : "–");
    setFigure("days_collected", `${ok.length} jour${ok.length > 1 ? "s" : ""} collecté${ok.length > 1 ? "s" : ""}${days.length > ok.length ? `, ${days.length - ok.length} non collecté(s)` : ""}`);
    const peak = ok.reduce((best, iso) => ((byDay.get(iso) || 0) > (best ? byDay.get(best) || 0 : -1) ? iso : best), null);
    setFigure("peak_day", peak ? new Date(peak + "T12:00:00").toLocaleDateString("fr-FR", { weekday: "long", day: "numeric", month: "long" }) : "–");
    setFigure("peak_value", peak ? nf.format(byDay.get(peak) || 0) : "–");
    const n1 = likeForLike(byDay, N - 1);
    setFigure("change_n1", n1 ? signed(n1.change) : "–");
    if (state.category === "tourist" || state.category === "day_tripper") {
      const foreign = sum(days, valuesByDay({ ...state, provenance: "foreign" }));
      const all = sum(days, valuesByDay({ ...state, provenance: "all" }));
      setFigure("foreign_share", all ? `${pf.format((100 * foreign) / all)} %` : "–");
    } else setFigure("foreign_share", "–");
    const count = stays.reduce((t, r) => t + r.value, 0);
    setFigure("average_stay", count ? pf.format(stays.reduce((t, r) => t + r.nights * r.value, 0) / count) : "–");
    // N against N-1…N-3, like for like.
    const rows = D.years.filter((y) => y < N).sort((a, b) => b - a).map((y) => {
      const c = likeForLike(byDay, y);
      return `<tr><td>${N} / ${y}</td><td class="n">${c ? nf.format(c.now) : "–"}</td><td class="n">${c ? nf.format(c.then) : "–"}</td><td class="n">${c ? signed(c.change) : "–"}</td></tr>`;
    });
    fillTable("comparison", rows, 4, "Aucune année antérieure livrée.");
    // Period A (the filter) against period B of the same year, per collected day (lengths differ).
    const card = document.getElementById("compare-kpi");
    card.hidden = !state.compare;
    if (state.compare) {
      const other = collected(periodDays(byDay, N, state.compare));
      const perDay = (list) => (list.length ? sum(list, byDay) / list.length : null);
      const a = perDay(ok), b = perDay(other);
      setFigure("compare_change", a !== null && b ? signed((100 * (a - b)) / b) : "–");
      setFigure("compare_label", period(N, state.compare) ? period(N, state.compare).label.toLowerCase() : state.compare);
      setFigure("compare_total", b !== null ? nf.format(b) : "–");
    }
  }

  function fillTable(id, rows, columns, empty) {
    document.querySelector(`#${id} tbody`).innerHTML = rows.length ? rows.join("") : `<tr><td colspan="${columns}" class="muted">${empty}</td></tr>`;
  }
  const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  function updateTables(byDay, ds, origins) {
    const ranked = collected(ds.days).sort((a, b) => (byDay.get(b) || 0) - (byDay.get(a) || 0) || a.localeCompare(b)).slice(0, 10);
    fillTable("busiest", ranked.map((iso, i) => `<tr><td>${i + 1}</td><td>${new Date(iso + "T12:00:00").toLocaleDateString("fr-FR", { weekday: "long", day: "numeric", month: "long" })}</td><td class="n">${nf.format(byDay.get(iso) || 0)}</td></tr>`), 3, "Aucun jour collecté sur la période.");
    const keyDays = Object.entries(period(N, "annee") ? D.periods[String(N)] : {}).filter(([, p]) => p.group === "Jours clés");
    fillTable("key-days", keyDays.map(([code, p]) => {
      const now = sum(collected(p.days), byDay);
      const before = period(N - 1, code) ? sum(collected(period(N - 1, code).days), byDay) : 0;
      const delivered = p.days.some((iso) => byDay.has(iso));
      return `<tr><td>${escape(p.label)}</td><td>${p.days.map((iso) => iso.slice(8) + "/" + iso.slice(5, 7)).join(", ")}</td><td class="n">${delivered ? nf.format(now) : "non livré"}</td><td class="n">${before ? nf.format(before) : "–"}</td><td class="n">${delivered && before ? signed((100 * (now - before)) / before) : "–"}</td></tr>`;
    }), 5, "");
    const months = new Map();
    ds.monthly.forEach((r) => { const row = months.get(r.month) || {}; row[r.year] = r.value; months.set(r.month, row); });
    const years = [...D.years].sort((a, b) => b - a);
    document.querySelector("#attendance thead tr").innerHTML = `<th>Mois</th>${years.map((y) => `<th class="n">${y}</th>`).join("")}<th class="n">${N} / ${N - 1}</th>`;
    fillTable("attendance", [...months].sort((a, b) => a[0] - b[0]).map(([m, row]) => `<tr><td>${MONTHS[m - 1]}</td>${years.map((y) => `<td class="n">${row[y] !== undefined ? nf.format(row[y]) : "–"}</td>`).join("")}<td class="n">${row[N] !== undefined && row[N - 1] ? signed((100 * (row[N] - row[N - 1])) / row[N - 1]) : "–"}</td></tr>`), years.length + 2, "Aucune donnée sur la période.");
    const ranking = territoryRows().sort((a, b) => b.value - a.value);
    fillTable("territories-table", ranking.map((r, i) => `<tr${r.current ? ' class="current"' : ""}><td>${i + 1}</td><td>${escape(r.label)}</td><td class="n">${nf.format(r.value)}</td></tr>`), 3, "");
    fillTable("origins-table", origins.slice(0, 15).map((r, i) => `<tr><td>${i + 1}</td><td>${escape(r.label)}</td><td class="n">${nf.format(r.value)}</td></tr>`), 3, "Pas d'origine détaillée pour cette sélection.");
    const scope = state.provenance === "foreign" ? "etranger" : "france";
    const stayMonths = periodMonths(), byOrigin = new Map();
    for (const [m, s, origin, count, nights] of D.stays_by_origin) {
      if (s !== scope || !stayMonths.has(m)) continue;
      const row = byOrigin.get(origin) || [origin, 0, 0];
      row[1] += count; row[2] += nights;
      byOrigin.set(origin, row);
    }
    const longest = [...byOrigin.values()].filter((r) => r[1] > 0).map(([o, c, n]) => [o, c, n / c]).sort((a, b) => b[2] - a[2]);
    fillTable("stays-by-origin", longest.map(([origin, count, avg]) => `<tr><td>${escape(origin)}</td><td class="n">${nf.format(count)}</td><td class="n">${pf.format(avg)}</td></tr>`), 3, "Pas de durée de séjour par origine dans les livraisons.");
  }

  // ---------------------------------------------------------------- drawing
  async function setData(id, name, rows) {
    const view = views[id];
    if (view) await view.data(name, rows).runAsync();
  }

  async function update() {
    if (state.provenance === "foreign") state.level = "country"; // "foreign" switches the map to the world
    applyRules();
    const byDay = valuesByDay(state);
    const ds = datasets(byDay);
    const origins = originRows(), stays = stayRows();
    updateKpis(byDay, ds, stays);
    updateTables(byDay, ds, origins);
    const noOrigins = state.category === "local" || state.category === "resident";
    document.getElementById("origins-panel").hidden = noOrigins;
    document.getElementById("origins-none").hidden = !noOrigins;
    ["departement", "region", "country"].forEach((k) => { document.getElementById(`map-${k}`).hidden = state.view !== "map" || state.level !== k; });
    document.getElementById("origins-attendance").hidden = state.view !== "attendance";
    const selection = document.getElementById("selection-summary");
    selection.textContent = ["category", "provenance", "period", "moment"].map((f) => {
      const el = document.querySelector(`[data-filter="${f}"] [data-value="${state[f]}"]`);
      return el ? el.textContent.trim() : state[f];
    }).join(" · ");
    await Promise.all([
      setData("daily", "daily", ds.daily), setData("daily", "gaps", ds.gaps),
      setData("monthly", "monthly", ds.monthly),
      ...["departement", "region", "country"].map((k) => setData(`map-${k}`, "origin_volumes", origins)),
      setData("origin-ranking", "origin_ranking", origins.slice(0, 15)),
      setData("territories", "territory_volumes", territoryRows()),
      setData("weekdays", "weekdays", weekdayRows()),
      setData("stays", "stays", stayRows()),
    ]);
    document.body.dataset.ready = String(+(document.body.dataset.ready || 0) + 1);
  }

  function bind() {
    document.querySelectorAll("[data-filter]").forEach((group) => {
      const field = group.dataset.filter;
      group.querySelectorAll("button[data-value]").forEach((b) => b.addEventListener("click", () => { if (!b.disabled) { state[field] = b.dataset.value; update(); } }));
      const select = group.querySelector("select");
      if (select) select.addEventListener("change", () => { state[field] = select.value; update(); });
    });
    document.getElementById("export-pdf").addEventListener("click", () => window.print());
  }

  async function start() {
    bind();
    const options = { actions: false, renderer: "svg", formatLocale: LOCALE.format, timeFormatLocale: LOCALE.time };
    for (const [id, spec] of Object.entries(SPECS)) {
      const el = document.getElementById(id);
      if (el) views[id] = (await vegaEmbed(el, spec, options)).view;
    }
    await update();
  }
  start().catch((e) => { console.error(e); document.getElementById("filter-reasons").textContent = "Erreur d'affichage : " + e; });
})();
