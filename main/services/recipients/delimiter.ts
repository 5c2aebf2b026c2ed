/** Field separators the CSV reader recognises, in order of preference when scores tie. */
export const DELIMITERS = [';', ',', '\t', '|'] as const;

/** One of {@link DELIMITERS}. */
export type Delimiter = (typeof DELIMITERS)[number];

/** Counts fields per record for one candidate separator, honouring quotes (which may span lines). */
function fieldCounts(text: string, delimiter: string, complete: boolean): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let fields = 1;
  let recordHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (ch === '"') {
      inQuotes = true;
      recordHasContent = true;
    } else if (ch === delimiter) {
      fields++;
      recordHasContent = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (recordHasContent) counts.push(fields);
      fields = 1;
      recordHasContent = false;
    } else if (ch !== ' ') {
      recordHasContent = true;
    }
  }
  // A record cut off by the end of the sample would skew the count, so only a complete file keeps it.
  if (complete && recordHasContent && !inQuotes) counts.push(fields);
  return counts;
}

/**
 * Picks the separator whose field count is most consistent across the sample records.
 * Score = share of records having the most common count (which must be above 1); ties go to
 * the larger count, then to the order of {@link DELIMITERS} (German Excel's `;` first).
 */
export function detectDelimiter(sample: string, complete: boolean): Delimiter {
  let best: { d: Delimiter; consistency: number; fields: number } | undefined;
  for (const d of DELIMITERS) {
    const counts = fieldCounts(sample, d, complete).slice(0, 200);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 1;
    let modeFreq = 0;
    for (const [c, f] of freq) {
      if (f > modeFreq || (f === modeFreq && c > mode)) {
        mode = c;
        modeFreq = f;
      }
    }
    if (mode < 2) continue;
    const consistency = modeFreq / counts.length;
    if (!best || consistency > best.consistency + 1e-9 || (Math.abs(consistency - best.consistency) < 1e-9 && mode > best.fields)) {
      best = { d, consistency, fields: mode };
    }
  }
  return best?.d ?? ';';
}
