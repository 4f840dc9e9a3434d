/**
 * A uPlot line chart of one quantity per real server over simulated seconds. This module
 * is only imported by the (lazy) Charts panel, so uPlot stays out of the first screen.
 * It rebuilds the plot when the set of servers or the palette changes, and otherwise
 * just feeds it new data.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Okabe & Ito (colour-blind safe) and a plain set; the first is also used by the canvas. */
export const PALETTES = {
  normal: ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'],
  'colour-blind': ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442', '#000000'],
} as const;

export interface LineData {
  t: readonly number[];
  labels: readonly string[];
  values: readonly (readonly number[])[];
}

export class LineChart {
  private plot: uPlot | undefined;
  private key = '';

  constructor(
    private readonly el: HTMLElement,
    private readonly yLabel: string,
  ) {}

  update(data: LineData, palette: readonly string[], width: number, height: number, dashed: boolean): void {
    const key = `${data.labels.join(',')}|${palette.join(',')}|${dashed}|${this.yLabel}`;
    const aligned = [data.t.slice(), ...data.values.map((v) => v.slice())] as uPlot.AlignedData;
    if (!this.plot || key !== this.key) {
      this.plot?.destroy();
      this.key = key;
      this.plot = new uPlot(
        {
          width,
          height,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false } },
          axes: [{ label: 's', size: 34 }, { label: this.yLabel, size: 44 }],
          series: [
            { label: 't' },
            ...data.labels.map((label, i) => ({
              label,
              stroke: palette[i % palette.length]!,
              width: 2,
              // Dashes give each server a second cue besides hue.
              ...(dashed ? { dash: [[], [8, 4], [2, 3], [10, 3, 2, 3]][i % 4]! } : {}),
            })),
          ],
        },
        aligned,
        this.el,
      );
      return;
    }
    this.plot.setData(aligned);
    if (this.plot.width !== width || this.plot.height !== height) this.plot.setSize({ width, height });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }
}
