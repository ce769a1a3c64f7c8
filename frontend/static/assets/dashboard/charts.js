// Thin wrapper around uPlot (from the WebJar): one line chart per panel, x = step.

// Loaded on its own, without holding up the rest of the dashboard, which still works (without
// charts) if the library cannot be loaded.
let uPlot = null;
let uPlotFailed = false;
const uPlotLoading = import('../vendor/uplot/1.6.30/dist/uPlot.esm.js')
  .then(module => { uPlot = module.default; })
  .catch(e => {
    uPlotFailed = true;
    console.error('uPlot could not be loaded; charts are disabled', e);
  });

/** Steps are integers: no tick at step 0.5. */
const STEP_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

/**
 * The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design") without its yellow, too pale on
 * white, and Tol's wine (#882255) as the eighth colour: every pair stays ΔE00 ≥ 10 apart under
 * simulated protanopia, deuteranopia and tritanopia (DashboardFidelityBrowserTest; docs/dashboard.md).
 * Lines also differ by dash where they share a chart.
 */
export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000', '#882255'];

/**
 * A line chart that keeps its data so it can be rebuilt (log toggle) and resized with its panel.
 * series: [{label, color, dash, width, band}] — `band: [upperIndex, lowerIndex]` on a series fills
 * between two other series (indices into `series`).
 */
export class LineChart {
  constructor(container, { series, yLabel = '', log = false, height = 230, xLabel = 'step', xIncrements = STEP_INCREMENTS }) {
    this.container = container;
    this.xLabel = xLabel;
    this.xIncrements = xIncrements;
    this.seriesSpec = series;
    this.yLabel = yLabel;
    this.log = log;
    this.height = height;
    this.data = [[], ...series.map(() => [])];
    // The colours this chart shows side by side (a band's translucent edges belong to their line),
    // read by the colour-vision test.
    const bandEdges = new Set(series.flatMap(s => s.band || []));
    container.seriesColors = [...new Set(series.map((s, i) => (bandEdges.has(i) ? null : s.color || COLORS[i % COLORS.length]))
      .filter(Boolean))];
    // The canvas has no text; the figure's label and uPlot's legend table describe it.
    container.setAttribute('role', 'figure');
    container.setAttribute('aria-label', `${yLabel || 'value'} by ${xLabel}: ${series.map(x => x.label).join(', ')}`);
    this.plot = null;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
  }

  setLog(log) {
    if (this.log === log) return;
    this.log = log;
    this.rebuild();
  }

  /** A new y-axis label (e.g. a dimensionless ratio instead of the parameter's unit). */
  setYLabel(yLabel) {
    if (this.yLabel === yLabel) return;
    this.yLabel = yLabel;
    this.container.setAttribute('aria-label', `${yLabel || 'value'} by ${this.xLabel}: ${this.seriesSpec.map(x => x.label).join(', ')}`);
    if (this.plot) this.rebuild();
  }

  /** Names for the x values 0, 1, … (e.g. the compared observables), shown by the hover readout. */
  setXNames(names) {
    this.xNames = names;
  }

  /** xs: step numbers; columns: one array per series (null = gap). */
  setData(xs, columns) {
    this.data = [xs, ...columns];
    this.container.chartData = this.data; // what is drawn, for the browser tests to compare with the API
    if (xs.length === 0) {
      this.destroyPlot();
      this.container.innerHTML = '<div class="empty">No steps yet</div>';
      return;
    }
    if (!this.plot) this.rebuild();
    else this.plot.setData(this.plotData());
  }

  plotData() {
    if (!this.log) return this.data;
    // A log axis cannot show zero or negative values: leave gaps there (only on the log scale).
    return this.data.map((column, i) => (i === 0 || this.seriesSpec[i - 1].scale ? column
      : column.map(v => (v != null && v > 0 ? v : null))));
  }

  /** Taller on a 4K screen at scale 1 (style.css widens the page there), so wide charts are not flat strips. */
  plotHeight() {
    return window.matchMedia('(min-width: 2400px)').matches ? Math.round(this.height * 1.5) : this.height;
  }

  width() {
    return Math.max(280, Math.floor(this.container.clientWidth || 400));
  }

  rebuild() {
    this.destroyPlot();
    this.container.innerHTML = '';
    if (this.data[0].length === 0) {
      this.container.innerHTML = '<div class="empty">No steps yet</div>';
      return;
    }
    if (!uPlot) {
      if (uPlotFailed) this.container.innerHTML = '<div class="empty">Charts unavailable: uPlot could not be loaded.</div>';
      else if (!this.waitingForUPlot) {
        this.waitingForUPlot = true;
        uPlotLoading.then(() => { if (!this.destroyed) this.rebuild(); });
      }
      return;
    }
    const bands = [];
    this.seriesSpec.forEach(s => {
      if (s.band) bands.push({ series: [s.band[0] + 1, s.band[1] + 1], fill: s.bandFill || 'rgba(36, 86, 201, 0.12)' });
    });
    const scales = {
      x: { time: false },
      y: this.log ? { distr: 3, log: 10 } : { auto: true },
    };
    const axes = [
      { label: this.xLabel, labelSize: 18, size: 36, incrs: this.xIncrements || undefined },
      // Short charts (the residual strip) still get a few value ticks, not a lone 0.
      { label: this.yLabel, labelSize: 18, size: 64, space: this.height < 200 ? 16 : 30, values: (u, vals) => vals.map(formatTick) },
    ];
    // A series with its own `scale` (e.g. cost in currency next to losses) gets a right-hand axis.
    for (const s of this.seriesSpec) {
      if (s.scale && !scales[s.scale]) {
        scales[s.scale] = { auto: true };
        axes.push({
          scale: s.scale, side: 1, label: s.scaleLabel || s.scale, labelSize: 18, size: 64,
          grid: { show: false }, values: (u, vals) => vals.map(formatTick),
        });
      }
    }
    const opts = {
      width: this.width(),
      height: this.plotHeight(),
      scales,
      axes,
      series: [
        { label: this.xLabel, value: (u, v) => (v == null ? '–' : this.xNames?.[v] ?? formatNumber(v)) },
        ...this.seriesSpec.map((s, i) => ({
          label: s.label,
          scale: s.scale || 'y',
          stroke: s.color || COLORS[i % COLORS.length],
          width: s.width ?? 1.5,
          dash: s.dash,
          points: { show: false },
          spanGaps: false,
          value: (u, v) => (v == null ? '–' : formatNumber(v)),
        })),
      ],
      bands,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    this.plot = new uPlot(opts, this.plotData(), this.container);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: this.width(), height: this.plotHeight() });
  }

  destroyPlot() {
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
    }
  }

  destroy() {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    this.destroyPlot();
  }
}

export function formatNumber(v) {
  if (v == null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toString();
}

function formatTick(v) {
  if (v == null) return '';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return Number(v.toPrecision(4)).toString();
}
