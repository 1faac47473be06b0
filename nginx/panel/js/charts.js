// Charts for the dashboard: Chart.js 4 (nginx/panel/vendor/chartjs/, the
// UMD file scripts/vendor copies from the locked npm package), loaded the
// first time a chart is drawn. Chart.js styles its canvas through the
// CSSOM, which the panel's CSP allows (no inline style, no injected
// stylesheet). Each chart's canvas carries what it draws in data-series
// ({labels, datasets: [{label, data}]}), so tests and tools read the
// figures without the library; every chart also has a table of the same
// figures for screen readers and for reading exact values.
import { h } from './dom.js';

const SRC = '/vendor/chartjs/chart.umd.min.js';
let loading = null;

// Answers the Chart constructor (loads the file once).
export function loadChart() {
  if (!loading) {
    loading = import(SRC).then(() => {
      if (!globalThis.Chart) throw new Error('the chart library did not load');
      return globalThis.Chart;
    });
    loading.catch(() => { loading = null; });
  }
  return loading;
}

// Colours a screen and a printout tell apart; never the only carrier of
// meaning (each chart has its labels and its table).
export const PALETTE = ['#0b6e4f', '#1f4f8f', '#b86e00', '#b3261e', '#6a3d9a', '#2a7f8f', '#7a6a00', '#5d6b65'];
const SEVERITY_COLOURS = { low: '#2a7f8f', medium: '#b86e00', high: '#c1440e', critical: '#b3261e' };

export function severityColour(key) {
  return SEVERITY_COLOURS[key] || '#5d6b65';
}

// A card with a heading, a canvas and a table of the same figures.
// Answers {el, canvas, table}.
export function chartCard(name, title, { wide = false, level = 2 } = {}) {
  const headingId = `chart-${name}-title`;
  const canvas = h('canvas', { role: 'img', 'aria-label': title, dataset: { chart: name } });
  const table = h('details', { class: 'chart-table' }, h('summary', {}, 'Show as a table'));
  const el = h('section', { class: ['card', 'chart-card', wide ? 'chart-wide' : ''], 'aria-labelledby': headingId,
    dataset: { chartCard: name } },
  h(`h${level}`, { id: headingId }, title), h('div', { class: 'chart-box' }, canvas), table);
  return { el, canvas, table };
}

function tableOf(caption, labels, datasets, fmt) {
  return h('table', { class: 'table figures-table' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), datasets.map((d) => h('th', { scope: 'col' }, d.label)))),
    h('tbody', {}, labels.map((l, i) => h('tr', {}, h('th', { scope: 'row' }, l),
      datasets.map((d) => h('td', { class: 'num' }, fmt(d.data[i])))))));
}

// Draws (or redraws) a chart on card.canvas. kind: 'line', 'bar',
// 'hbar' (horizontal bars) or 'doughnut'. datasets: [{label, data,
// colours?}]. fmt formats a value for the table and the tooltips, axisFmt
// the value axis's ticks.
export async function draw(card, kind, title, labels, datasets, { fmt = String, axisFmt = null, stacked = false } = {}) {
  const Chart = await loadChart();
  const old = Chart.getChart(card.canvas);
  if (old) old.destroy();
  card.canvas.dataset.series = JSON.stringify({ labels, datasets: datasets.map((d) => ({ label: d.label, data: d.data })) });
  const total = datasets.reduce((n, d) => n + d.data.reduce((a, b) => a + (Number(b) || 0), 0), 0);
  card.canvas.setAttribute('aria-label', `${title}: ${labels.length
    ? labels.map((l, i) => `${l} ${datasets.map((d) => fmt(d.data[i])).join(' / ')}`).slice(0, 20).join(', ')
    : 'no data'}`);
  card.table.replaceChildren(h('summary', {}, 'Show as a table'),
    labels.length ? tableOf(title, labels, datasets, fmt) : h('p', { class: 'hint' }, 'No data for these filters.'));
  card.el.classList.toggle('chart-empty', labels.length === 0 || total === 0);
  const type = kind === 'hbar' ? 'bar' : kind;
  const cjs = datasets.map((d, i) => {
    const colour = d.colours || PALETTE[i % PALETTE.length];
    return {
      label: d.label,
      data: d.data,
      backgroundColor: kind === 'line' ? `${PALETTE[i % PALETTE.length]}33` : colour,
      borderColor: kind === 'doughnut' ? '#ffffff' : colour,
      borderWidth: kind === 'line' ? 2 : 1,
      fill: kind === 'line',
      tension: 0.2,
      pointRadius: labels.length > 60 ? 0 : 3,
    };
  });
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { display: datasets.length > 1 || kind === 'doughnut', position: 'bottom' },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmt(c.raw)}` } },
    },
  };
  if (kind !== 'doughnut') {
    options.indexAxis = kind === 'hbar' ? 'y' : 'x';
    const valueAxis = { beginAtZero: true, stacked, ticks: { precision: 0, ...(axisFmt ? { callback: (v) => axisFmt(v) } : {}) } };
    const labelAxis = { stacked, ticks: { autoSkip: true, maxRotation: 0 } };
    options.scales = kind === 'hbar' ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
  }
  return new Chart(card.canvas, { type, data: { labels, datasets: cjs }, options });
}

export async function destroyAll(cards) {
  if (!globalThis.Chart) return;
  for (const c of cards) {
    const ch = globalThis.Chart.getChart(c.canvas);
    if (ch) ch.destroy();
  }
}
