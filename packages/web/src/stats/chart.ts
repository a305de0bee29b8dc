/** One bar of the monthly trend; `count` null: withheld (fewer than 3, or secondary suppression). */
export interface Bar {
  month: string;
  count: number | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Space under the bars for the month labels, and above them for the values. */
  bottom: number;
  top: number;
}

/**
 * Bars scaled to the highest published count. A withheld month gets no bar (its height would
 * tell the value); the chart marks it instead, like the table does.
 */
export function layoutBars(points: readonly { month: string; count: number | null }[], box: ChartBox): Bar[] {
  const max = Math.max(1, ...points.map((p) => p.count ?? 0));
  const plot = box.height - box.bottom - box.top;
  const slot = points.length === 0 ? 0 : box.width / points.length;
  const width = Math.max(1, slot * 0.7);
  return points.map((p, i) => {
    const height = p.count === null ? 0 : (p.count / max) * plot;
    return {
      month: p.month,
      count: p.count,
      x: i * slot + (slot - width) / 2,
      y: box.top + plot - height,
      width,
      height,
    };
  });
}

/** `2026-03` → `03/26`, short enough to sit under a bar. */
export function shortMonth(month: string): string {
  const [y, m] = month.split('-');
  return `${m}/${(y ?? '').slice(2)}`;
}
