import { BarChart, CandlestickChart, LineChart, ScatterChart } from 'echarts/charts';
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
  ScatterChart,
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
  zoomKey,
  className,
  ...rest
}: {
  option: EChartsCoreOption;
  /** While this stays the same, a new option (a live refetch) keeps the user's zoom; a change resets it. */
  zoomKey?: string;
} & Omit<HTMLAttributes<HTMLDivElement>, 'children'> & {
    [dataAttr: `data-${string}`]: string | number | undefined;
  }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  // The user's zoom window and the zoomKey it was made under.
  const zoom = useRef<{ key: string | undefined; start: number; end: number } | null>(null);
  const currentKey = useRef(zoomKey);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const instance = init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('datazoom', () => {
      const [first] =
        (instance.getOption() as { dataZoom?: { start?: number; end?: number }[] }).dataZoom ?? [];
      if (first?.start !== undefined && first.end !== undefined) {
        zoom.current = { key: currentKey.current, start: first.start, end: first.end };
      }
    });
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    // notMerge: a new option replaces the old one whole, so no stale series outlive a symbol switch.
    instance.setOption(option, { notMerge: true });
    currentKey.current = zoomKey;
    const kept = zoom.current;
    if (kept && kept.key === zoomKey)
      instance.dispatchAction({ type: 'dataZoom', start: kept.start, end: kept.end });
    else zoom.current = null;
  }, [option, zoomKey]);

  return <div ref={host} className={className ? `echart ${className}` : 'echart'} {...rest} />;
}
