// The live dashboard: one server-sent-event stream per window (GET api/v1/live?window=) brings every
// panel's data every few seconds; the charts and the ISP table are updated in place, never reloaded.
import {
  bytes, count, latencyOption, lengthsOption, mapOption, thumbnailOutcomesOption, topOption, typesOption,
} from './panels.js';

const WINDOWS = ['5m', '1h', '24h'];
const DEFAULT_WINDOW = '1h';
const SIGNALS = { ERROR_RATE: 'error rate', P95_LATENCY: 'p95 latency', UPLOAD_THROUGHPUT: 'throughput' };

const $ = (id) => document.getElementById(id);
const names = await (await fetch('world-names.json')).json();
const charts = {
  map: echarts.init($('panel-map')),
  top: echarts.init($('panel-top')),
  types: echarts.init($('panel-types')),
  lengths: echarts.init($('panel-lengths')),
  latency: echarts.init($('panel-latency')),
  thumbnailLag: echarts.init($('panel-thumbnail-lag')),
  thumbnailOutcomes: echarts.init($('panel-thumbnail-outcomes')),
};
let windowText = WINDOWS.includes(new URLSearchParams(location.search).get('window'))
  ? new URLSearchParams(location.search).get('window') : DEFAULT_WINDOW;
let source = null;
let updates = 0;

function connect() {
  if (source) {
    source.close();
  }
  for (const button of document.querySelectorAll('#window button')) {
    button.setAttribute('aria-pressed', String(button.dataset.window === windowText));
  }
  status(`connecting (${windowText})…`, false);
  source = new EventSource(`api/v1/live?window=${encodeURIComponent(windowText)}`);
  source.addEventListener('panels', (event) => render(JSON.parse(event.data)));
  source.addEventListener('failure', (event) => status(JSON.parse(event.data).message, true));
  // EventSource reconnects by itself (after the server's retry delay); say so meanwhile
  source.onerror = () => status('connection lost, reconnecting…', true);
}

function render(panels) {
  // replaceMerge: a region or a country that left the window leaves the chart too
  const set = (chart, option) => chart.setOption(option, { replaceMerge: ['series'] });
  set(charts.map, mapOption(panels.countries, names));
  set(charts.top, topOption(panels.topCountries, names));
  set(charts.types, typesOption(panels.contentTypes));
  set(charts.lengths, lengthsOption(panels.contentLengths.buckets));
  set(charts.latency, latencyOption(panels.latency.regions));
  set(charts.thumbnailLag, latencyOption(panels.thumbnails.regions));
  set(charts.thumbnailOutcomes, thumbnailOutcomesOption(panels.thumbnails.outcomes));
  thumbnailLine(panels.thumbnails);
  tiles(panels.summary);
  ispTable(panels.isps);
  steeringLine(panels.steering);
  updates++;
  document.body.dataset.updates = String(updates);
  status(`live · ${panels.window} · updated ${new Date(panels.at).toLocaleTimeString()}`, false);
}

function tiles(summary) {
  $('tile-events').textContent = count(summary.events);
  $('tile-error-rate').textContent = percent(summary.errorRate);
  $('tile-countries').textContent = count(summary.countries);
  $('tile-networks').textContent = count(summary.networks);
  const latency = summary.uploadLatencyMs;
  $('tile-latency').textContent = summary.byAction.UPLOAD ? `${ms(latency.p50)} / ${ms(latency.p99)}` : '—';
  $('tile-bytes').textContent = bytes(summary.uploadBytes);
}

/** The window's thumbnail figures in a line: how many settled, how many made, the lag of those. */
function thumbnailLine(thumbnails) {
  const lag = thumbnails.lagMs;
  $('thumbnail-lag').textContent = thumbnails.settled
    ? `${count(thumbnails.made)} of ${count(thumbnails.settled)} media made`
      + (lag.count ? ` · lag p50 ${ms(lag.p50)}, p99 ${ms(lag.p99)}` : '')
    : 'no media settled in this window';
}

function ispTable(isps) {
  $('isp-baseline').textContent = `change against each network's previous ${isps.baselineWindow}`;
  const body = document.createElement('tbody');
  for (const row of isps.rows) {
    const now = row.window;
    const tr = document.createElement('tr');
    // textContent only: ISP names come from GeoIP databases, never trusted as markup
    cell(tr, row.country).title = names[row.country] || row.country;
    cell(tr, row.asn);
    cell(tr, row.isp || '—');
    cell(tr, count(now.requests), 'num');
    cell(tr, percent(now.errorRate), 'num');
    cell(tr, now.uploadLatencyMs.count ? ms(now.uploadLatencyMs.p95) : '—', 'num');
    cell(tr, now.throughputBytesPerSecond === null ? '—' : `${bytes(now.throughputBytesPerSecond)}/s`, 'num');
    cell(tr, change(now, row.baseline));
    const advisory = row.advisory ? advisoryText(row.advisory) : '';
    const steering = steeringText(row.steering || []);
    const flagged = row.advisory && row.advisory.state === 'RAISED';
    cell(tr, [advisory, steering].filter((t) => t).join(' · ') || '—',
      'advisory' + (flagged ? ' flagged' : '') + ((row.steering || []).some((o) => !o.heldBack) ? ' steered' : ''));
    body.append(tr);
  }
  if (!isps.rows.length) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    cell(tr, 'no requests in this window').colSpan = 9;
    body.append(tr);
  }
  $('isps').tBodies[0].replaceWith(body);
}

/** Error rate in percentage points, p95 and throughput as ratios, against the network's own baseline. */
function change(now, baseline) {
  if (!baseline.requests) {
    return 'no baseline yet';
  }
  const parts = [`errors ${signed((now.errorRate - baseline.errorRate) * 100)} pp`];
  if (now.uploadLatencyMs.count && baseline.uploadLatencyMs.count && baseline.uploadLatencyMs.p95 > 0) {
    parts.push(`p95 ×${(now.uploadLatencyMs.p95 / baseline.uploadLatencyMs.p95).toFixed(2)}`);
  }
  if (now.throughputBytesPerSecond !== null && baseline.throughputBytesPerSecond) {
    parts.push(`throughput ×${(now.throughputBytesPerSecond / baseline.throughputBytesPerSecond).toFixed(2)}`);
  }
  return parts.join(' · ');
}

/** An advisory from ISP-trouble detection: its state and the signals that tripped it. */
function advisoryText(advisory) {
  const signals = (advisory.signals || []).map((s) => SIGNALS[s] || String(s).toLowerCase());
  const state = String(advisory.state || 'advisory').toLowerCase();
  return signals.length ? `${state}: ${signals.join(', ')}` : state;
}

/**
 * What the regions that follow advisories do about this network, one phrase per region: steered
 * (to which host, until when), or held back by the region's kill switch.
 */
function steeringText(overrides) {
  const byRegion = new Map();
  for (const o of overrides) {
    const seen = byRegion.get(o.region);
    // a region with several instances: steered if any instance steers, until the latest
    if (!seen || (seen.heldBack && !o.heldBack) || (seen.heldBack === o.heldBack && o.until > seen.until)) {
      byRegion.set(o.region, o);
    }
  }
  return [...byRegion.entries()].sort().map(([region, o]) => (o.heldBack
    ? `held back in ${region} (kill switch)`
    : `steered by ${region} to ${o.host} until ${new Date(o.until).toLocaleTimeString()}`)).join('; ');
}

/** How many media-edge instances report their steering, and what each region steers now. */
function steeringLine(steering) {
  if (!steering || !steering.instances) {
    $('isp-steering').textContent = 'no media-edge instance reports steering';
    return;
  }
  const regions = Object.entries(steering.steeredNetworksByRegion)
    .map(([region, networks]) => `${region} ${networks}`).join(', ');
  $('isp-steering').textContent = `steering reported by ${steering.instances} media-edge instance(s);`
    + ` networks steered now: ${regions}`;
}

function cell(tr, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  tr.append(td);
  return td;
}

function status(text, down) {
  $('status').textContent = text;
  $('status').classList.toggle('down', down);
}

function percent(rate) {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)} %`;
}

function ms(value) {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${count(value)} ms`;
}

function signed(value) {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;
}

for (const button of document.querySelectorAll('#window button')) {
  button.addEventListener('click', () => {
    windowText = button.dataset.window;
    // the window is part of the address, so a reload or a shared link keeps it
    history.replaceState(null, '', `?window=${windowText}`);
    connect();
  });
}
window.addEventListener('resize', () => Object.values(charts).forEach((chart) => chart.resize()));

/**
 * What the page shows, for its end-to-end test (and a curious engineer's console): per panel, the
 * data points that the chart holds, read back from ECharts, and the ISP table's rows.
 */
window.insightsDashboard = {
  updates: () => updates,
  window: () => windowText,
  panels: () => {
    // a chart has no option until the first event arrives
    const points = (chart) => ((chart.getOption() || {}).series || [])
      .flatMap((s) => s.data || []).filter((d) => {
        const v = d !== null && typeof d === 'object' && 'value' in d ? d.value : d;
        return Array.isArray(v) ? Number.isFinite(v[1]) : Number.isFinite(v) && v > 0;
      }).length;
    const rows = document.querySelectorAll('#isps tbody tr:not(.empty)').length;
    const steered = document.querySelectorAll('#isps td.steered').length;
    return Object.fromEntries([...Object.entries(charts).map(([k, c]) => [k, points(c)]), ['isps', rows],
      ['steered', steered]]);
  },
};

connect();
