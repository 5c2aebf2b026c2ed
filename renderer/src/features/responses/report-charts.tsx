import { AllCommunityModule, ModuleRegistry, type AgCartesianChartOptions } from 'ag-charts-community';
import { AgCharts } from 'ag-charts-react';
import { useId, useMemo } from 'react';
import { usePrefersDark } from '../../components/use-prefers-dark';
import type { MailingReportData } from './response-text';

ModuleRegistry.registerModules([AllCommunityModule]);

/** A chart with a caption and, for screen readers and exact numbers, the same data as a table. */
function ChartFigure(props: { title: string; options: AgCartesianChartOptions; head: readonly string[]; rows: readonly (readonly (string | number)[])[]; empty: string }) {
  const id = useId();
  const dark = usePrefersDark();
  const options = useMemo<AgCartesianChartOptions>(() => ({ ...props.options, theme: dark ? 'ag-default-dark' : 'ag-default', background: { visible: false } }), [props.options, dark]);
  return (
    <figure className="chart-figure" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      {props.rows.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <>
          <div className="chart-box" aria-hidden="true">
            <AgCharts options={options} />
          </div>
          <details className="sub-details">
            <summary>Show the numbers</summary>
            <table className="data-table" aria-label={props.title}>
              <thead>
                <tr>
                  {props.head.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {props.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => (
                      <td key={j} className={typeof v === 'number' ? 'num' : undefined}>
                        {typeof v === 'number' ? v.toLocaleString('en-GB') : v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}

/** `YYYY-MM-DD HH:00:00` of the files (server wall clock) as a Date showing the same numbers. */
function hourDate(hour: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2})/.exec(hour);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : new Date(hour);
}

/** Opens and clicks per hour since the mailing started. */
export function TimelineChart(props: { timeline: MailingReportData['timeline'] }) {
  const options = useMemo<AgCartesianChartOptions>(
    () => ({
      data: props.timeline.map((t) => ({ time: hourDate(t.hour), opens: t.opens, clicks: t.clicks })),
      series: [
        { type: 'line', xKey: 'time', yKey: 'opens', yName: 'Opens' },
        { type: 'line', xKey: 'time', yKey: 'clicks', yName: 'Clicks' },
      ],
      axes: { x: { type: 'time', position: 'bottom' }, y: { type: 'number', position: 'left', title: { text: 'Events per hour' } } },
      legend: { position: 'bottom' },
    }),
    [props.timeline],
  );
  return (
    <ChartFigure
      title="Opens and clicks over time"
      options={options}
      head={['Hour', 'Opens', 'Clicks']}
      rows={props.timeline.map((t) => [t.hour.slice(0, 16), t.opens, t.clicks])}
      empty="No opens or clicks yet."
    />
  );
}

const DIMENSIONS = [
  { dimension: 'device', title: 'Devices' },
  { dimension: 'platform', title: 'Platforms' },
  { dimension: 'browser', title: 'Browsers' },
] as const;

/** Opens and clicks per device, platform and browser: one bar chart each. */
export function ClientCharts(props: { clients: MailingReportData['clients'] }) {
  return (
    <div className="chart-grid">
      {DIMENSIONS.map((d) => (
        <DimensionChart key={d.dimension} title={d.title} clients={props.clients.filter((c) => c.dimension === d.dimension)} />
      ))}
    </div>
  );
}

function DimensionChart(props: { title: string; clients: MailingReportData['clients'] }) {
  const data = useMemo(() => {
    const byValue = new Map<string, { value: string; opens: number; clicks: number }>();
    for (const c of props.clients) {
      const key = c.value ?? '(not given)';
      const entry = byValue.get(key) ?? { value: key, opens: 0, clicks: 0 };
      if (c.source === 'open') entry.opens += c.events;
      else entry.clicks += c.events;
      byValue.set(key, entry);
    }
    return [...byValue.values()].sort((a, b) => b.opens + b.clicks - (a.opens + a.clicks));
  }, [props.clients]);
  const options = useMemo<AgCartesianChartOptions>(
    () => ({
      data,
      series: [
        { type: 'bar', direction: 'horizontal', xKey: 'value', yKey: 'opens', yName: 'Opens' },
        { type: 'bar', direction: 'horizontal', xKey: 'value', yKey: 'clicks', yName: 'Clicks' },
      ],
      legend: { position: 'bottom' },
    }),
    [data],
  );
  return <ChartFigure title={`${props.title}: opens and clicks`} options={options} head={[props.title.replace(/s$/, ''), 'Opens', 'Clicks']} rows={data.map((d) => [d.value, d.opens, d.clicks])} empty="No opens or clicks yet." />;
}
