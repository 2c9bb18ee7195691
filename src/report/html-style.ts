/** The report's stylesheet, inlined: system fonts only, so the file renders the same offline. */
export const REPORT_CSS = `
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --accent:#0072B2;
  --good:#1a7f37; --bad:#cf222e; --warn:#9a6700; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; color:var(--ink); background:#fff; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
.wrap { max-width:1120px; margin:0 auto; padding:0 28px; }
header.top { background:#0b2540; color:#fff; padding:26px 0 22px; }
header.top .brand { font-size:12px; letter-spacing:.12em; text-transform:uppercase; opacity:.75; }
header.top h1 { margin:4px 0 2px; font-size:28px; font-weight:650; letter-spacing:-.01em; }
header.top .desc { margin:0 0 12px; opacity:.85; }
.meta { display:flex; flex-wrap:wrap; gap:6px 22px; font-size:13px; opacity:.92; }
.meta b { font-weight:600; opacity:.7; margin-right:4px; }
.pill { display:inline-block; padding:2px 10px; border-radius:999px; font-size:12px; font-weight:650; letter-spacing:.04em; text-transform:uppercase; vertical-align:middle; margin-right:6px; border:1px solid transparent; }
.pill.completed, .pill.pass { background:#dafbe1; color:#116329; border-color:#aceebb; }
.pill.interrupted, .pill.running, .pill.warn { background:#fff8c5; color:#7d4e00; border-color:#eed888; }
.pill.failed, .pill.fail { background:#ffebe9; color:#a40e26; border-color:#ffcecb; }
main { padding:8px 0 40px; }
section { margin:30px 0 0; }
h2 { font-size:19px; margin:0 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); font-weight:650; }
h3 { font-size:15px; margin:18px 0 8px; }
.kpis { display:grid; grid-template-columns:repeat(4,1fr); gap:12px; margin-top:22px; }
.kpi { border:1px solid var(--line); border-radius:10px; padding:12px 14px; background:#fff; }
.kpi .k { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.05em; }
.kpi .v { font-size:26px; font-weight:650; line-height:1.2; margin-top:2px; font-variant-numeric:tabular-nums; }
.kpi .s { font-size:13px; color:var(--muted); }
.kpi.bad { border-color:#ffcecb; background:#fff8f7; }
.kpi.bad .v { color:var(--bad); }
.kpi.good .v { color:var(--good); }
table { border-collapse:collapse; width:100%; font-size:13.5px; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; background:var(--soft); }
td.n, th.n { text-align:right; white-space:nowrap; }
tr.fail td { background:#fff8f7; }
.ok { color:var(--good); font-weight:600; }
.no { color:var(--bad); font-weight:650; }
.banner.bad { border:1px solid #ffcecb; background:#fff8f7; color:var(--bad); border-radius:8px; padding:4px 16px; margin:16px 0; }
.dim { color:var(--muted); }
.scroll { overflow-x:auto; }
figure.chart { position:relative; margin:0 0 22px; border:1px solid var(--line); border-radius:10px; padding:12px 14px 8px; break-inside:avoid; }
figure.chart figcaption { font-weight:600; font-size:14px; margin-bottom:4px; }
figure.chart svg { width:100%; height:auto; display:block; }
.xband rect { fill:#59636e; opacity:.07; }
.xband text { font-size:11.5px; fill:var(--muted); font-style:italic; }
figure.heatmap { position:relative; margin:0 0 22px; border:1px solid var(--line); border-radius:10px; padding:12px 14px 8px; break-inside:avoid; }
figure.heatmap figcaption { font-weight:600; font-size:14px; margin-bottom:4px; }
figure.heatmap svg { width:100%; height:auto; display:block; }
figure.heatmap .cursor { fill:none; stroke:#1f2328; stroke-width:1.5; pointer-events:none; }
.heatkey { display:flex; align-items:center; gap:8px; font-size:12px; color:var(--muted); margin:4px 0 2px 84px; font-variant-numeric:tabular-nums; }
.heatkey .ramp { display:inline-block; width:180px; height:10px; border-radius:3px; }
.heatkey .none-key { display:inline-block; width:12px; height:10px; background:#eef0f2; border:1px solid var(--line); margin-left:10px; }
label.clock { display:inline-flex; align-items:center; gap:6px; font-size:13px; color:var(--muted); margin:0 0 12px; cursor:pointer; }
tr.outlier td { background:#fff4e5; }
tr.outlier td:first-child { box-shadow:inset 3px 0 #D55E00; }
svg .grid { stroke:#eaeef2; stroke-width:1; }
svg .axis { stroke:#8c959f; stroke-width:1; }
svg .tick { fill:var(--muted); font-size:11px; font-family:inherit; }
svg .label { fill:var(--muted); font-size:12px; font-family:inherit; }
svg .area { opacity:.16; stroke:none; }
svg .line { stroke-linejoin:round; stroke-linecap:round; }
svg .hline { stroke-width:1.25; stroke-dasharray:6 4; }
svg .hlabel { font-size:11px; font-family:inherit; }
svg .marker line { stroke:#6e7781; stroke-width:1; stroke-dasharray:3 3; }
svg .marker circle { fill:#0b2540; }
svg .marker text { fill:#fff; font-size:10px; font-weight:700; font-family:inherit; }
svg .off { display:none; }
svg .guide { stroke:#6e7781; stroke-width:1; display:none; pointer-events:none; }
.tip { position:absolute; display:none; pointer-events:none; z-index:3; min-width:150px; background:#fff; border:1px solid var(--line); border-radius:8px; box-shadow:0 4px 14px rgba(31,35,40,.14); padding:7px 10px; font-size:12px; font-variant-numeric:tabular-nums; }
.tip .h { font-weight:650; margin-bottom:3px; }
.tip .r { display:flex; justify-content:space-between; gap:14px; line-height:1.55; }
.tip .nm { display:inline-flex; align-items:center; gap:6px; color:var(--muted); }
.tip .v { font-weight:600; }
.legend { display:flex; flex-wrap:wrap; gap:4px 14px; margin-top:6px; }
.key { font:inherit; font-size:12.5px; color:var(--ink); background:none; border:0; padding:2px 0; cursor:pointer; display:inline-flex; align-items:center; gap:6px; }
.key[aria-pressed="false"] { opacity:.4; text-decoration:line-through; }
.swatch { width:14px; height:4px; border-radius:2px; display:inline-block; }
ol.events { margin:4px 0 0; padding-left:22px; font-size:13.5px; color:var(--muted); columns:2; }
.rules { font-size:12.5px; color:var(--muted); margin-top:8px; }
ul.notes { margin:0; padding-left:20px; }
footer { border-top:1px solid var(--line); color:var(--muted); font-size:12.5px; padding:16px 0 30px; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:.92em; background:var(--soft); padding:1px 5px; border-radius:4px; }
@media (max-width:900px) { .kpis { grid-template-columns:repeat(2,1fr); } }
@media (max-width:700px) { ol.events { columns:1; } header.top h1 { font-size:22px; } }
td.nw { white-space:nowrap; }
details summary { cursor:pointer; color:var(--muted); font-size:12.5px; }
details pre { margin:6px 0 0; padding:8px; background:var(--soft); border-radius:6px; font-size:12px; white-space:pre-wrap; max-height:240px; overflow:auto; }
@page { margin:14mm; }
@media print {
  body { font-size:11.5px; -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  details { display:none; }
  header.top { background:#fff; color:var(--ink); border-bottom:2px solid var(--ink); padding:10px 0; }
  .wrap { max-width:none; padding:0; }
  .key { cursor:default; }
  .tip, svg .guide { display:none !important; }
  .kpis { grid-template-columns:repeat(4,1fr); }
  figure.chart, table, .kpi { break-inside:avoid; }
  section { break-inside:auto; }
  a { color:inherit; text-decoration:none; }
}
`;

/**
 * The only script: legend entries hide/show their series, and hovering a chart shows the values under the
 * pointer. Built with textContent only (no innerHTML), so no series name can become markup.
 */
export const REPORT_SCRIPT = `
(function () {
  function fmt(v, unit) {
    if (v === null || v === undefined) return '\u2013';
    if (unit === 'ms') return v >= 1000 ? Number((v / 1000).toPrecision(3)) + ' s' : Number(v.toPrecision(3)) + ' ms';
    var n = Number(v.toPrecision(4)).toLocaleString('en-US');
    return unit === 'rate' ? n + '/s' : n;
  }
  var wall = document.getElementById('wall-clock');
  var epoch = wall ? Number(wall.getAttribute('data-epoch')) : 0;
  var useWall = false;
  function clock(x) {
    return new Date(epoch + x * 1000).toISOString().slice(11, 19);
  }
  if (wall) {
    wall.addEventListener('change', function () {
      useWall = wall.checked;
      document.querySelectorAll('.xt[data-x]').forEach(function (t) {
        if (!t.hasAttribute('data-rel')) t.setAttribute('data-rel', t.textContent);
        t.textContent = useWall ? clock(Number(t.getAttribute('data-x'))) : t.getAttribute('data-rel');
      });
      document.querySelectorAll('.xl').forEach(function (l) {
        if (!l.hasAttribute('data-rel')) l.setAttribute('data-rel', l.textContent);
        l.textContent = useWall ? 'UTC time' : l.getAttribute('data-rel');
      });
    });
  }
  function fmtX(x, unit) {
    if (unit === 'time' && useWall) return clock(x) + ' UTC';
    if (unit === 'agents') return Math.round(x) + (Math.round(x) === 1 ? ' agent' : ' agents');
    if (unit === 'percentile') return Number((100 * (1 - 1 / x)).toFixed(Math.max(0, Math.floor(Math.log10(x)) + 1))) + ' %';
    if (x < 120) return Number(x.toFixed(1)) + ' s';
    var m = Math.floor(x / 60), s = Math.round(x % 60);
    return m + ':' + (s < 10 ? '0' : '') + s;
  }
  function nearest(points, x) {
    var lo = 0, hi = points.length - 1;
    if (hi < 0) return null;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (points[mid][0] < x) lo = mid; else hi = mid;
    }
    return Math.abs(points[lo][0] - x) <= Math.abs(points[hi][0] - x) ? points[lo] : points[hi];
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  document.querySelectorAll('figure.chart').forEach(function (fig) {
    var svg = fig.querySelector('svg[data-chart]');
    var series = JSON.parse(svg.getAttribute('data-points')).series;
    var f = JSON.parse(svg.getAttribute('data-frame'));
    var guide = svg.querySelector('.guide');
    var tip = el('div', 'tip');
    fig.appendChild(tip);
    fig.querySelectorAll('.key').forEach(function (key) {
      key.addEventListener('click', function () {
        var on = key.getAttribute('aria-pressed') !== 'false';
        key.setAttribute('aria-pressed', on ? 'false' : 'true');
        svg.querySelectorAll('[data-series="' + key.dataset.series + '"]').forEach(function (node) {
          node.classList.toggle('off', on);
        });
      });
    });
    function hide() {
      tip.style.display = 'none';
      guide.style.display = 'none';
    }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (e) {
      var box = svg.getBoundingClientRect();
      var vx = ((e.clientX - box.left) * f.W) / box.width;
      if (vx < f.left || vx > f.left + f.w) return hide();
      var t = (vx - f.left) / f.w;
      var x = f.log ? Math.pow(10, Math.log10(f.min) + t * (Math.log10(f.max) - Math.log10(f.min))) : f.min + t * (f.max - f.min);
      var snap = f.x === 'time' || f.x === 'agents';
      var at = snap && series[0] ? nearest(series[0].points, x) : null;
      var shownX = at ? at[0] : x;
      tip.textContent = '';
      tip.appendChild(el('div', 'h', fmtX(shownX, f.x)));
      series.forEach(function (s, i) {
        var key = fig.querySelector('.key[data-series="' + i + '"]');
        if (key && key.getAttribute('aria-pressed') === 'false') return;
        var p = nearest(s.points, shownX);
        var row = el('div', 'r');
        var name = el('span', 'nm', s.name);
        var sw = key && key.querySelector('.swatch');
        if (sw) name.prepend(sw.cloneNode(false));
        row.appendChild(name);
        row.appendChild(el('span', 'v', fmt(p ? p[1] : null, f.y)));
        tip.appendChild(row);
      });
      var gx = snap && at ? f.left + ((at[0] - f.min) / (f.max - f.min)) * f.w : vx;
      guide.setAttribute('x1', gx);
      guide.setAttribute('x2', gx);
      guide.style.display = 'inline';
      tip.style.display = 'block';
      var fb = fig.getBoundingClientRect();
      var left = e.clientX - fb.left + 16;
      if (left + tip.offsetWidth > fb.width - 8) left = e.clientX - fb.left - tip.offsetWidth - 16;
      tip.style.left = Math.max(8, left) + 'px';
      tip.style.top = Math.max(8, e.clientY - fb.top - tip.offsetHeight / 2) + 'px';
    });
  });
  document.querySelectorAll('figure.heatmap').forEach(function (fig) {
    var svg = fig.querySelector('svg[data-heatmap]');
    var g = JSON.parse(svg.getAttribute('data-grid'));
    var cursor = svg.querySelector('.cursor');
    var tip = el('div', 'tip');
    fig.appendChild(tip);
    var t0 = g.cols[0], span = g.end - g.cols[0];
    function hide() {
      tip.style.display = 'none';
      cursor.setAttribute('width', '0');
    }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (e) {
      var box = svg.getBoundingClientRect();
      var vx = ((e.clientX - box.left) * g.W) / box.width;
      var vy = ((e.clientY - box.top) * g.H) / box.height;
      var r = Math.floor((vy - g.top) / g.rowH);
      if (vx < g.left || vx > g.left + g.w || r < 0 || r >= g.rows.length) return hide();
      var t = t0 + ((vx - g.left) / g.w) * span;
      var c = 0;
      while (c + 1 < g.cols.length && g.cols[c + 1] <= t) c++;
      var end = c + 1 < g.cols.length ? g.cols[c + 1] : g.end;
      var v = g.values[r][c];
      tip.textContent = '';
      tip.appendChild(el('div', 'h', g.rows[r] + ' · ' + fmtX(g.cols[c], 'time') + ' – ' + fmtX(end, 'time')));
      var row = el('div', 'r');
      row.appendChild(el('span', 'nm', g.unit === 'ms' ? 'p99' : 'share of replies'));
      row.appendChild(el('span', 'v', v === null ? 'no replies' : g.unit === 'ms' ? fmt(v, 'ms') : Number((v * 100).toPrecision(3)) + ' %'));
      tip.appendChild(row);
      var x0 = g.left + ((g.cols[c] - t0) / span) * g.w;
      var x1 = g.left + ((end - t0) / span) * g.w;
      cursor.setAttribute('x', x0);
      cursor.setAttribute('y', g.top + r * g.rowH);
      cursor.setAttribute('width', Math.max(1.5, x1 - x0));
      tip.style.display = 'block';
      var fb = fig.getBoundingClientRect();
      var left = e.clientX - fb.left + 16;
      if (left + tip.offsetWidth > fb.width - 8) left = e.clientX - fb.left - tip.offsetWidth - 16;
      tip.style.left = Math.max(8, left) + 'px';
      tip.style.top = Math.max(8, e.clientY - fb.top - tip.offsetHeight - 12) + 'px';
    });
  });
})();
`;
