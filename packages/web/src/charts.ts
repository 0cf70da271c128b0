/** ECharts with only what the dashboard uses (bar, line, brush), drawn on canvas. */
import { BarChart, LineChart } from 'echarts/charts';
import { BrushComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, BrushComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
export { echarts };

/** A chart in `el` that follows the element's size. Returns it and a disposer. */
export function chartIn(el: HTMLElement): { chart: echarts.ECharts; dispose: () => void } {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const ro = new ResizeObserver(() => chart.resize());
  ro.observe(el);
  return { chart, dispose: () => { ro.disconnect(); chart.dispose(); } };
}
