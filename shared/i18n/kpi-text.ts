import type { MessageId } from './messages';

/** Keys of the mailing KPIs. */
export type KpiKey =
  | 'sent'
  | 'hardBounces'
  | 'softBounces'
  | 'bounces'
  | 'delivered'
  | 'bounceRate'
  | 'totalOpens'
  | 'uniqueOpens'
  | 'openRate'
  | 'totalClicks'
  | 'uniqueClicks'
  | 'uniqueClickers'
  | 'clickRate'
  | 'clickToOpenRate'
  | 'unsubscribes'
  | 'unsubscribeRate';

/** The catalog keys of one KPI's name, plain sentence and exact definition. */
export interface KpiText {
  readonly label: Extract<MessageId, `kpi.${string}.label`>;
  readonly explain: Extract<MessageId, `kpi.${string}.explain`>;
  readonly formula: Extract<MessageId, `kpi.${string}.formula`>;
}

/** KPI id → the catalog keys of its texts: the renderer's cards and main's Excel report both read it. */
export const KPI_TEXT: Readonly<Record<KpiKey, KpiText>> = {
  sent: { label: 'kpi.sent.label', explain: 'kpi.sent.explain', formula: 'kpi.sent.formula' },
  hardBounces: { label: 'kpi.hardBounces.label', explain: 'kpi.hardBounces.explain', formula: 'kpi.hardBounces.formula' },
  softBounces: { label: 'kpi.softBounces.label', explain: 'kpi.softBounces.explain', formula: 'kpi.softBounces.formula' },
  bounces: { label: 'kpi.bounces.label', explain: 'kpi.bounces.explain', formula: 'kpi.bounces.formula' },
  delivered: { label: 'kpi.delivered.label', explain: 'kpi.delivered.explain', formula: 'kpi.delivered.formula' },
  bounceRate: { label: 'kpi.bounceRate.label', explain: 'kpi.bounceRate.explain', formula: 'kpi.bounceRate.formula' },
  totalOpens: { label: 'kpi.totalOpens.label', explain: 'kpi.totalOpens.explain', formula: 'kpi.totalOpens.formula' },
  uniqueOpens: { label: 'kpi.uniqueOpens.label', explain: 'kpi.uniqueOpens.explain', formula: 'kpi.uniqueOpens.formula' },
  openRate: { label: 'kpi.openRate.label', explain: 'kpi.openRate.explain', formula: 'kpi.openRate.formula' },
  totalClicks: { label: 'kpi.totalClicks.label', explain: 'kpi.totalClicks.explain', formula: 'kpi.totalClicks.formula' },
  uniqueClicks: { label: 'kpi.uniqueClicks.label', explain: 'kpi.uniqueClicks.explain', formula: 'kpi.uniqueClicks.formula' },
  uniqueClickers: { label: 'kpi.uniqueClickers.label', explain: 'kpi.uniqueClickers.explain', formula: 'kpi.uniqueClickers.formula' },
  clickRate: { label: 'kpi.clickRate.label', explain: 'kpi.clickRate.explain', formula: 'kpi.clickRate.formula' },
  clickToOpenRate: { label: 'kpi.clickToOpenRate.label', explain: 'kpi.clickToOpenRate.explain', formula: 'kpi.clickToOpenRate.formula' },
  unsubscribes: { label: 'kpi.unsubscribes.label', explain: 'kpi.unsubscribes.explain', formula: 'kpi.unsubscribes.formula' },
  unsubscribeRate: { label: 'kpi.unsubscribeRate.label', explain: 'kpi.unsubscribeRate.explain', formula: 'kpi.unsubscribeRate.formula' },
};
