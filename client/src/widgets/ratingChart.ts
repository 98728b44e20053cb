/**
 * A small SVG chart of a rating history: the board's rating (μ − 3σ) as a line, the skill
 * estimate μ dashed above it, and the band between them (3σ: how unsure the rating still is).
 * No chart library: ratingChartGeometry is pure (tested), createRatingChart draws it.
 */
import { formatRating } from './formats.ts';

export interface RatingChartPoint {
  readonly raceId: string;
  readonly finishedAt: string;
  readonly mu: number;
  readonly sigma: number;
  readonly ordinal: number;
}

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export interface RatingChartGeometry {
  /** SVG path of μ − 3σ. */
  readonly ordinalPath: string;
  /** SVG path of μ. */
  readonly muPath: string;
  /** Closed SVG path between the two. */
  readonly bandPath: string;
  /** One per race, at the ordinal. */
  readonly points: readonly { x: number; y: number; point: RatingChartPoint }[];
  readonly yTicks: readonly { y: number; label: string }[];
  /** The plot area inside the axes. */
  readonly plot: { left: number; right: number; top: number; bottom: number };
}

const PADDING = { left: 44, right: 14, top: 12, bottom: 26 };

/** A step of 1, 2 or 5 × 10^k that cuts `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export function ratingChartGeometry(points: readonly RatingChartPoint[], size: ChartSize): RatingChartGeometry {
  const plot = {
    left: PADDING.left,
    right: size.width - PADDING.right,
    top: PADDING.top,
    bottom: size.height - PADDING.bottom,
  };
  if (points.length === 0) return { ordinalPath: '', muPath: '', bandPath: '', points: [], yTicks: [], plot };

  let lo = Math.min(...points.map((p) => p.ordinal));
  let hi = Math.max(...points.map((p) => p.mu));
  if (hi - lo < 1) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep(hi - lo, 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;

  const x = (i: number): number =>
    points.length === 1
      ? (plot.left + plot.right) / 2
      : plot.left + ((plot.right - plot.left) * i) / (points.length - 1);
  const y = (value: number): number => plot.bottom - ((plot.bottom - plot.top) * (value - lo)) / (hi - lo);
  const fixed = (v: number): string => v.toFixed(1);
  const line = (values: readonly number[]): string =>
    values.map((v, i) => `${i === 0 ? 'M' : 'L'}${fixed(x(i))},${fixed(y(v))}`).join(' ');

  const ordinals = points.map((p) => p.ordinal);
  const mus = points.map((p) => p.mu);
  const back = mus
    .map((v, i) => ({ v, i }))
    .reverse()
    .map(({ v, i }) => `L${fixed(x(i))},${fixed(y(v))}`)
    .join(' ');

  const yTicks: { y: number; label: string }[] = [];
  for (let v = lo; v <= hi + step / 1000; v += step) {
    const rounded = Math.round(v / step) * step;
    yTicks.push({ y: y(rounded), label: Number.isInteger(step) ? String(rounded) : formatRating(rounded) });
  }

  return {
    ordinalPath: line(ordinals),
    muPath: line(mus),
    bandPath: `${line(ordinals)} ${back} Z`,
    points: points.map((point, i) => ({ x: x(i), y: y(point.ordinal), point })),
    yTicks,
    plot,
  };
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export interface RatingChartOptions {
  readonly size?: ChartSize;
  /** Called when a race's point is clicked (e.g. open its replay). */
  readonly onSelect?: (point: RatingChartPoint) => void;
}

/** The chart as an SVG element that scales to its container's width. */
export function createRatingChart(
  points: readonly RatingChartPoint[],
  options: RatingChartOptions = {},
): SVGSVGElement {
  const size = options.size ?? { width: 640, height: 220 };
  const g = ratingChartGeometry(points, size);
  const root = svg('svg', {
    class: 'rating-chart',
    viewBox: `0 0 ${size.width} ${size.height}`,
    role: 'img',
    'aria-label': `Rating after each of ${points.length} rated races`,
    preserveAspectRatio: 'xMidYMid meet',
  });
  for (const tick of g.yTicks) {
    root.append(
      svg('line', { class: 'rating-chart-grid', x1: g.plot.left, x2: g.plot.right, y1: tick.y, y2: tick.y }),
      svg('text', { class: 'rating-chart-label', x: g.plot.left - 6, y: tick.y + 4, 'text-anchor': 'end' }, tick.label),
    );
  }
  root.append(
    svg('path', { class: 'rating-chart-band', d: g.bandPath }),
    svg('path', { class: 'rating-chart-mu', d: g.muPath }),
    svg('path', { class: 'rating-chart-line', d: g.ordinalPath }),
  );
  const first = points[0];
  const last = points[points.length - 1];
  if (first !== undefined && last !== undefined) {
    // Dates, or times when the whole history is one day.
    const sameDay = first.finishedAt.slice(0, 10) === last.finishedAt.slice(0, 10);
    const label = (iso: string): string => (sameDay ? new Date(iso).toTimeString().slice(0, 5) : iso.slice(0, 10));
    const labelY = size.height - 8;
    root.append(svg('text', { class: 'rating-chart-label', x: g.plot.left, y: labelY }, label(first.finishedAt)));
    if (points.length > 1) {
      root.append(
        svg(
          'text',
          { class: 'rating-chart-label', x: g.plot.right, y: labelY, 'text-anchor': 'end' },
          label(last.finishedAt),
        ),
      );
    }
  }
  const radius = points.length > 60 ? 2 : 3.5;
  for (const { x, y, point } of g.points) {
    const dot = svg('circle', { class: 'rating-chart-point', cx: x, cy: y, r: radius });
    dot.append(
      svg(
        'title',
        {},
        `${point.finishedAt.slice(0, 16).replace('T', ' ')}: rating ${formatRating(point.ordinal)} (μ ${formatRating(point.mu)}, σ ${formatRating(point.sigma)})`,
      ),
    );
    if (options.onSelect !== undefined) {
      const onSelect = options.onSelect;
      dot.classList.add('rating-chart-point-link');
      dot.addEventListener('click', () => onSelect(point));
    }
    root.append(dot);
  }
  return root;
}

/** Chart height for a width: wide screens get a wide, low chart; phones a taller one. */
export function chartSizeFor(width: number): ChartSize {
  const w = Math.max(280, Math.round(width));
  return { width: w, height: Math.round(Math.min(260, Math.max(180, w * 0.3))) };
}

/**
 * The chart drawn at its container's width (so text keeps its size), redrawn when that width
 * changes. Returns the container.
 */
export function createResponsiveRatingChart(
  points: readonly RatingChartPoint[],
  options: Omit<RatingChartOptions, 'size'> = {},
): HTMLElement {
  const holder = document.createElement('div');
  holder.className = 'rating-chart-holder';
  let drawnWidth = 0;
  const draw = (width: number): void => {
    if (Math.abs(width - drawnWidth) < 8) return;
    drawnWidth = width;
    holder.replaceChildren(createRatingChart(points, { ...options, size: chartSizeFor(width) }));
  };
  draw(640);
  const observer = new ResizeObserver((entries) => {
    if (!holder.isConnected) {
      observer.disconnect();
      return;
    }
    const width = entries[0]?.contentRect.width ?? 0;
    if (width > 0) draw(width);
  });
  observer.observe(holder);
  return holder;
}
