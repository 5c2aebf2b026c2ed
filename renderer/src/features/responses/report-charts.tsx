import { AllCommunityModule, ModuleRegistry, type AgCartesianChartOptions } from 'ag-charts-community';
import { AgCharts } from 'ag-charts-react';
import { useId, useMemo, type ReactNode } from 'react';
import { timelinePoints } from './timeline-data';
import { usePrefersDark } from '../../components/use-prefers-dark';
import type { MailingReportData } from './response-text';

ModuleRegistry.registerModules([AllCommunityModule]);

/** A chart with a caption and, for screen readers and exact numbers, the same data as a table. */
function ChartFigure(props: {
  title: string;
  subtitle?: string;
  options?: AgCartesianChartOptions;
  /** A chart drawn in HTML instead of `options`. */
  children?: ReactNode;
  head: readonly string[];
  rows: readonly (readonly (string | number)[])[];
  empty: string;
}) {
  const id = useId();
  const dark = usePrefersDark();
  const options = useMemo<AgCartesianChartOptions | null>(
    () => (props.options ? { ...props.options, theme: dark ? 'ag-default-dark' : 'ag-default', background: { visible: false } } : null),
    [props.options, dark],
  );
  return (
    <figure className="chart-figure" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{props.title}</figcaption>
      {props.subtitle && <p className="hint chart-subtitle">{props.subtitle}</p>}
      {props.rows.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <>
          {options ? (
            <div className="chart-box" aria-hidden="true">
              <AgCharts options={options} />
            </div>
          ) : (
            props.children
          )}
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

/** Opens and clicks per hour since the mailing started; dates on the axis when it spans days, gaps where no hour was recorded. */
export function TimelineChart(props: { timeline: MailingReportData['timeline'] }) {
  const shape = useMemo(() => timelinePoints(props.timeline), [props.timeline]);
  const options = useMemo<AgCartesianChartOptions>(
    () => ({
      data: shape.points.map((p) => ({ ...p })),
      series: [
        { type: 'line', xKey: 'time', yKey: 'opens', yName: 'Opens', connectMissingData: false },
        { type: 'line', xKey: 'time', yKey: 'clicks', yName: 'Clicks', connectMissingData: false },
      ],
      axes: {
        x: { type: 'time', position: 'bottom', label: { format: shape.spansDays ? '%Y-%m-%d %H:%M' : '%H:%M' } },
        y: { type: 'number', position: 'left', title: { text: 'Events per hour' } },
      },
      legend: { position: 'bottom' },
    }),
    [shape],
  );
  return (
    <ChartFigure
      title="Opens and clicks over time"
      subtitle={shape.from && shape.to ? `Per hour, from ${shape.from} to ${shape.to} (server time). Gaps are hours with no opens or clicks recorded.` : undefined}
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

/**
 * Opens and clicks per value as bars drawn in HTML: the names (such as "Chrome Mobile 126.0")
 * wrap in their own column and are never cut off, whatever the window size.
 */
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
  const max = Math.max(1, ...data.map((d) => Math.max(d.opens, d.clicks)));
  const title = `${props.title}: opens and clicks`;
  return (
    <ChartFigure title={title} head={[props.title.replace(/s$/, ''), 'Opens', 'Clicks']} rows={data.map((d) => [d.value, d.opens, d.clicks])} empty="No opens or clicks yet.">
      <div className="bar-chart" aria-hidden="true">
        <p className="bar-legend small">
          <span className="bar-key bar-opens" /> Opens <span className="bar-key bar-clicks" /> Clicks
        </p>
        {data.map((d) => (
          <div key={d.value} className="bar-row">
            <span className="bar-label" data-testid="bar-label">
              {d.value}
            </span>
            <span className="bar-pair">
              <span className="bar bar-opens" style={{ width: `${(d.opens / max) * 100}%` }} />
              <span className="bar-count">{d.opens.toLocaleString('en-GB')}</span>
              <span className="bar bar-clicks" style={{ width: `${(d.clicks / max) * 100}%` }} />
              <span className="bar-count">{d.clicks.toLocaleString('en-GB')}</span>
            </span>
          </div>
        ))}
      </div>
    </ChartFigure>
  );
}
