import { BarChart, CandlestickChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { type EChartsCoreOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { type HTMLAttributes, useEffect, useRef } from 'react';

// Only what our option builders use, so the chart chunk stays tree-shaken.
use([
  BarChart,
  CandlestickChart,
  LineChart,
  DataZoomComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** The one component that touches the DOM for charts: renders an ECharts option and keeps it sized. */
export function EChart({
  option,
  className,
  ...rest
}: { option: EChartsCoreOption } & Omit<HTMLAttributes<HTMLDivElement>, 'children'> & {
    [dataAttr: `data-${string}`]: string | number | undefined;
  }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const instance = init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: a new option replaces the old one whole, so no stale series outlive a symbol switch.
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return <div ref={host} className={className ? `echart ${className}` : 'echart'} {...rest} />;
}
