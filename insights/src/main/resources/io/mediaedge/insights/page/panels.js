// The ECharts options of the seven chart panels, each made from its part of a live-feed event
// (the shapes of the /api/v1/ answers). Pure functions: dashboard.js owns the charts and the feed.

const PERCENTILES = [['p50', 'solid'], ['p90', 'dashed'], ['p99', 'dotted']];
const REGION_COLORS = ['#2f6fde', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085', '#d4ac0d', '#7f8c8d'];
const number = new Intl.NumberFormat('en');

/** 1536 -> "1.5 KiB": sizes are binary, as the length buckets are. */
export function bytes(value) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${v >= 10 || unit === 0 ? Math.round(v) : v.toFixed(1)} ${units[unit]}`;
}

export function count(value) {
  return number.format(value);
}

/**
 * The world map, keyed by ISO country code: nameMap renames the map file's features (their names are
 * the map's own, e.g. "Dem. Rep. Congo") to the codes the API answers with.
 * @param names ISO code -> the map file's name (world-names.json)
 */
export function mapOption(countries, names) {
  const nameMap = {};
  for (const [code, name] of Object.entries(names)) {
    nameMap[name] = code;
  }
  const known = countries.filter((c) => c.country && names[c.country]);
  const max = Math.max(1, ...known.map((c) => c.requests));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const label = names[p.name] ? `${names[p.name]} (${p.name})` : p.name;
        return Number.isFinite(p.value) ? `${label}<br>${count(p.value)} requests` : `${label}<br>no requests`;
      },
    },
    visualMap: {
      min: 0, max, left: 'left', bottom: 10, calculable: true, text: ['more', 'fewer'],
      inRange: { color: ['#dbe7fb', '#2f6fde', '#0b2d6b'] },
    },
    series: [{
      name: 'requests', type: 'map', map: 'world', nameMap, roam: true,
      itemStyle: { areaColor: '#eef0f3', borderColor: '#b8bec8' },
      emphasis: { label: { show: false }, itemStyle: { areaColor: '#f5b041' } },
      data: known.map((c) => ({ name: c.country, value: c.requests })),
    }],
  };
}

/** The busiest 30 countries, busiest on top; each bar split into answered and errors. */
export function topOption(countries, names) {
  const codes = countries.map((c) => c.country);
  return {
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => `${names[ps[0].name] || ps[0].name} (${ps[0].name})<br>`
        + ps.map((p) => `${p.marker}${p.seriesName}: ${count(p.value)}`).join('<br>'),
    },
    legend: { data: ['answered', 'errors'], top: 0 },
    grid: { left: 40, right: 20, top: 30, bottom: 20 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: codes, inverse: true, axisLabel: { fontSize: 10 } },
    series: [
      { name: 'answered', type: 'bar', stack: 'requests', color: '#2f6fde',
        data: countries.map((c) => c.requests - c.errors) },
      { name: 'errors', type: 'bar', stack: 'requests', color: '#c0392b', data: countries.map((c) => c.errors) },
    ],
  };
}

export function typesOption(types) {
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}<br>${count(p.value)} requests (${p.percent}%)` },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
    series: [{
      name: 'content types', type: 'pie', radius: ['40%', '70%'], center: ['35%', '50%'],
      label: { show: false },
      data: types.map((t) => ({ name: t.contentType || '(none)', value: t.requests })),
    }],
  };
}

/**
 * The content-length histogram: one bar per power-of-two bucket, from the first to the last one
 * with uploads (the whole axis while there are none), so the bars stay readable.
 */
export function lengthsOption(buckets) {
  let first = buckets.findIndex((b) => b.count > 0);
  let last = buckets.length - 1 - [...buckets].reverse().findIndex((b) => b.count > 0);
  if (first < 0) {
    first = 0;
    last = buckets.length - 1;
  }
  const shown = buckets.slice(first, last + 1);
  const lower = (i) => (first + i === 0 ? 0 : buckets[first + i - 1].le);
  const labels = shown.map((b, i) => (b.le === null ? `> ${bytes(lower(i))}` : `≤ ${bytes(b.le)}`));
  return {
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => `${ps[0].name}<br>${count(ps[0].value)} uploads`,
    },
    grid: { left: 50, right: 10, top: 30, bottom: 50 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 40, fontSize: 10 } },
    yAxis: { type: 'value', name: 'uploads' },
    series: [{ name: 'uploads', type: 'bar', color: '#16a085', data: shown.map((b) => b.count) }],
  };
}

/**
 * p50/p90/p99 of upload latency per region over time: one colour per region, one line style per
 * percentile; the legend (by region) hides a region's three lines together.
 */
export function latencyOption(regions) {
  const series = [];
  regions.forEach((r, i) => {
    const color = REGION_COLORS[i % REGION_COLORS.length];
    for (const [p, style] of PERCENTILES) {
      series.push({
        name: r.region, type: 'line', color, showSymbol: r.points.length < 3,
        lineStyle: { type: style, width: p === 'p50' ? 2 : 1.5 },
        data: r.points.map((point) => ({ value: [point.time, point[p]], percentile: p, requests: point.count })),
      });
    }
  });
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (ps) => {
        const time = new Date(ps[0].value[0]).toLocaleTimeString();
        return `${time}<br>` + ps.map((p) => `${p.marker}${p.seriesName} ${p.data.percentile}: `
          + `${count(p.value[1])} ms`).join('<br>');
      },
    },
    legend: { type: 'scroll', top: 0, data: regions.map((r) => r.region) },
    grid: { left: 60, right: 20, top: 30, bottom: 30 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'ms' },
    series,
  };
}

const OUTCOME_COLORS = { MADE: '#27ae60', REFUSED: '#e67e22', PARKED: '#c0392b' };

/**
 * Media the thumbnails worker settled, one bar per outcome and reason, most first: made, refused
 * (the original cannot give one: TOO_MANY_PIXELS, UNREADABLE…) and parked (every attempt failed,
 * by the kind of the last failure).
 */
export function thumbnailOutcomesOption(outcomes) {
  const label = (o) => (o.reason ? `${o.outcome.toLowerCase()}: ${o.reason}` : o.outcome.toLowerCase());
  return {
    tooltip: {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => `${ps[0].name}<br>${count(ps[0].value)} media`,
    },
    grid: { left: 10, right: 30, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: outcomes.map(label), inverse: true, axisLabel: { fontSize: 10 } },
    series: [{
      name: 'media', type: 'bar',
      data: outcomes.map((o) => ({ value: o.media, itemStyle: { color: OUTCOME_COLORS[o.outcome] || '#7f8c8d' } })),
    }],
  };
}
