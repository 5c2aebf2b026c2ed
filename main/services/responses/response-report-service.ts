import type { Database } from '../store/database';
import { activityTimeline, clicksPerLink, clientStats, KPI_DEFINITIONS, kpisForMailings } from './kpis';
import type { ResponsesPart } from './responses-service';

/** The report of one or more mailings: KPIs with their formulas, bounces, links, activity over time, clients. */
export function createResponseReportService(deps: { readonly db: Database }): ResponsesPart<'report'> {
  const { db } = deps;
  return {
    async report({ mailingIds }) {
      const kpis = await kpisForMailings(db, { mailingIds });
      return {
        mailingIds,
        kpis: KPI_DEFINITIONS.map((d) => ({ key: d.key, label: d.label, unit: d.unit, formula: d.formula, explain: d.explain, value: kpis.values[d.key] })),
        bouncesByCategory: kpis.bouncesByCategory.map((b) => ({ ...b })),
        links: (await clicksPerLink(db, { mailingIds })).map((l) => ({ ...l })),
        timeline: (await activityTimeline(db, { mailingIds })).map((t) => ({ ...t })),
        clients: (await clientStats(db, { mailingIds })).map((c) => ({ ...c })),
      };
    },
  };
}
