import { describe, expect, it } from 'vitest';
import { layoutBars, shortMonth } from './chart.js';

const box = { width: 300, height: 140, bottom: 20, top: 20 };

describe('trend chart layout', () => {
  it('scales bars to the highest count and stands them on the axis', () => {
    const bars = layoutBars(
      [
        { month: '2026-01', count: 10 },
        { month: '2026-02', count: 5 },
        { month: '2026-03', count: 0 },
      ],
      box,
    );
    expect(bars.map((b) => b.height)).toEqual([100, 50, 0]);
    for (const b of bars) expect(b.y + b.height).toBe(120);
    expect(bars[0]!.x).toBeCloseTo(15);
    expect(bars[1]!.x).toBeCloseTo(115);
    expect(bars[0]!.width).toBeCloseTo(70);
  });

  it('draws no bar for a withheld month, so its height cannot reveal the value', () => {
    const bars = layoutBars(
      [
        { month: '2026-01', count: null },
        { month: '2026-02', count: 4 },
      ],
      box,
    );
    expect(bars[0]).toMatchObject({ count: null, height: 0, y: 120 });
    expect(bars[1]!.height).toBe(100);
  });

  it('copes with no data and with only withheld months', () => {
    expect(layoutBars([], box)).toEqual([]);
    expect(layoutBars([{ month: '2026-01', count: null }], box)[0]!.height).toBe(0);
    expect(shortMonth('2026-03')).toBe('03/26');
  });
});
