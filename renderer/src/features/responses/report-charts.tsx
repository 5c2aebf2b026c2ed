import { AllCommunityModule, ModuleRegistry, type AgCartesianChartOptions } from 'ag-charts-community';
import { AG_CHARTS_LOCALE_DE_DE, AG_CHARTS_LOCALE_EN_US } from 'ag-charts-locale';
import { AgCharts } from 'ag-charts-react';
import { useId, useMemo, type ReactNode } from 'react';
import type { MessageId } from '../../../../shared/i18n/messages';
import { dimensionBars, timelineSpanText } from './chart-text';
import { hourDate, timelinePoints } from './timeline-data';
import { usePrefersDark } from '../../components/use-prefers-dark';
import { useLanguage } from '../../i18n/language-provider';
import { useI18n } from '../../i18n/use-i18n';
import type { MailingReportData } from './response-text';

/** AG Charts' own texts (toolbar, zoom, accessibility) in the reader's language. */
const CHART_LOCALE = { en: AG_CHARTS_LOCALE_EN_US, de: AG_CHARTS_LOCALE_DE_DE } as const;

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
  const { t, fmt } = useI18n();
  const { language } = useLanguage();
  const dark = usePrefersDark();
  const options = useMemo<AgCartesianChartOptions | null>(
    () =>
      props.options
        ? { ...props.options, theme: dark ? 'ag-default-dark' : 'ag-default', background: { visible: false }, locale: { localeText: CHART_LOCALE[language] } }
        : null,
    [props.options, dark, language],
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
            <summary>{t('responses.chart.numbers')}</summary>
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
                        {typeof v === 'number' ? fmt.number(v) : v}
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
  const { t, fmt } = useI18n();
  const shape = useMemo(() => timelinePoints(props.timeline), [props.timeline]);
  const options = useMemo<AgCartesianChartOptions>(() => {
    const opens = t('report.header.opens');
    const clicks = t('report.header.clicks');
    // Times in the reader's form: a date only where the hours cross midnight.
    const when = (d: Date) => (shape.spansDays ? fmt.dateTime(d) : fmt.time(d));
    const tooltip = (name: string, key: 'opens' | 'clicks') => ({
      renderer: (p: { datum: { time: Date; opens: number | null; clicks: number | null } }) => ({ heading: fmt.dateTime(p.datum.time), title: name, data: [{ label: name, value: fmt.number(p.datum[key]) }] }),
    });
    return {
      data: shape.points.map((p) => ({ ...p })),
      series: [
        { type: 'line', xKey: 'time', yKey: 'opens', yName: opens, connectMissingData: false, tooltip: tooltip(opens, 'opens') },
        { type: 'line', xKey: 'time', yKey: 'clicks', yName: clicks, connectMissingData: false, tooltip: tooltip(clicks, 'clicks') },
      ],
      axes: {
        x: { type: 'time', position: 'bottom', label: { formatter: (p) => (p.value instanceof Date ? when(p.value) : String(p.value)) } },
        y: { type: 'number', position: 'left', title: { text: t('responses.chart.perHour') }, label: { formatter: (p) => fmt.number(Number(p.value)) } },
      },
      legend: { position: 'bottom' },
    };
  }, [shape, t, fmt]);
  return (
    <ChartFigure
      title={t('responses.chart.timeline')}
      subtitle={timelineSpanText(shape, t, fmt)}
      options={options}
      head={[t('report.header.hour'), t('report.header.opens'), t('report.header.clicks')]}
      rows={props.timeline.map((h) => [fmt.dateTime(hourDate(h.hour)), h.opens, h.clicks])}
      empty={t('responses.chart.empty')}
    />
  );
}

const DIMENSIONS: readonly { readonly dimension: 'device' | 'platform' | 'browser'; readonly title: MessageId; readonly head: MessageId }[] = [
  { dimension: 'device', title: 'responses.chart.devices', head: 'grid.column.device' },
  { dimension: 'platform', title: 'responses.chart.platforms', head: 'grid.column.platform' },
  { dimension: 'browser', title: 'responses.chart.browsers', head: 'grid.column.browser' },
];

/** Opens and clicks per device, platform and browser: one bar chart each. */
export function ClientCharts(props: { clients: MailingReportData['clients'] }) {
  return (
    <div className="chart-grid">
      {DIMENSIONS.map((d) => (
        <DimensionChart key={d.dimension} dimension={d.dimension} title={d.title} head={d.head} clients={props.clients} />
      ))}
    </div>
  );
}

/**
 * Opens and clicks per value as bars drawn in HTML: the names (such as "Chrome Mobile 126.0")
 * wrap in their own column and are never cut off, whatever the window size.
 */
function DimensionChart(props: { dimension: (typeof DIMENSIONS)[number]['dimension']; title: MessageId; head: MessageId; clients: MailingReportData['clients'] }) {
  const { t, fmt } = useI18n();
  const data = useMemo(() => dimensionBars(props.dimension, props.clients, t), [props.dimension, props.clients, t]);
  const max = Math.max(1, ...data.map((d) => Math.max(d.opens, d.clicks)));
  return (
    <ChartFigure
      title={t(props.title)}
      head={[t(props.head), t('report.header.opens'), t('report.header.clicks')]}
      rows={data.map((d) => [d.value, d.opens, d.clicks])}
      empty={t('responses.chart.empty')}
    >
      <div className="bar-chart" aria-hidden="true">
        <p className="bar-legend small">
          <span className="bar-key bar-opens" /> {t('report.header.opens')} <span className="bar-key bar-clicks" /> {t('report.header.clicks')}
        </p>
        {data.map((d) => (
          <div key={d.value} className="bar-row">
            <span className="bar-label" data-testid="bar-label">
              {d.value}
            </span>
            <span className="bar-pair">
              <span className="bar bar-opens" style={{ width: `${(d.opens / max) * 100}%` }} />
              <span className="bar-count">{fmt.number(d.opens)}</span>
              <span className="bar bar-clicks" style={{ width: `${(d.clicks / max) * 100}%` }} />
              <span className="bar-count">{fmt.number(d.clicks)}</span>
            </span>
          </div>
        ))}
      </div>
    </ChartFigure>
  );
}
