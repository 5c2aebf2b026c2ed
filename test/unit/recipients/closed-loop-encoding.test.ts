import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import {
  closedLoopDecoder,
  closedLoopTextStream,
  decodeClosedLoopText,
  encodeClosedLoopText,
  findUnencodable,
  type ClosedLoopEncoding,
} from '../../../main/services/recipients/closed-loop-encoding';
import { forEachArchivedRow } from '../../../main/services/responses/archived-rows';

const TEXT: Record<ClosedLoopEncoding, string> = {
  'utf-8': 'Grüße 🙂 € „x“ – 日本',
  'iso-8859-1': 'Jürgen Groß ½ ¿Qué? © ÿ',
  'windows-1252': '„Angebot“ – 5 € ‚klein‘ Œuvre… ™',
};

/** A stream that hands out `bytes` in pieces of `size`, like a file or an unpacked archive. */
function pieces(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

describe('closed-loop encoding: one codec for writer and readers', () => {
  for (const enc of ['utf-8', 'iso-8859-1', 'windows-1252'] as const) {
    it(`${enc}: text survives encode → decode, whole and in pieces of every size`, async () => {
      const text = TEXT[enc];
      expect(findUnencodable(text, enc)).toBeUndefined();
      const bytes = encodeClosedLoopText(text, enc);
      expect(decodeClosedLoopText(bytes, enc)).toBe(text);
      for (let size = 1; size <= 5; size++) {
        const d = closedLoopDecoder(enc);
        let out = '';
        for (let i = 0; i < bytes.length; i += size) out += d.write(bytes.subarray(i, i + size));
        out += d.end();
        expect(out, `pieces of ${size}`).toBe(text);
        let streamed = '';
        for await (const s of closedLoopTextStream(pieces(bytes, size), enc)) streamed += s as string;
        expect(streamed, `stream in pieces of ${size}`).toBe(text);
      }
    });
  }

  it('Windows-1252 bytes 0x80–0x9F are its letters, never C1 controls; ISO-8859-1 keeps them as controls', () => {
    const bytes = Buffer.from([0x80, 0x84, 0x93, 0x94, 0x96]);
    expect(decodeClosedLoopText(bytes, 'windows-1252')).toBe('€„“”–');
    expect(decodeClosedLoopText(bytes, 'iso-8859-1')).toBe('\u0080\u0084\u0093\u0094\u0096');
    expect(encodeClosedLoopText('€„“”–', 'windows-1252').equals(bytes)).toBe(true);
  });

  it('a UTF-8 character split between two pieces comes out whole (Buffer#toString per piece breaks it)', async () => {
    const bytes = Buffer.from('"a@example.com";"€🙂"\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside €
    const naive = bytes.subarray(0, cut).toString('utf8') + bytes.subarray(cut).toString('utf8');
    expect(naive).toContain('\uFFFD');
    const rows: string[][] = [];
    await forEachArchivedRow(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut, cut + 2), bytes.subarray(cut + 2)]), 'utf-8', (r) => rows.push(r));
    expect(rows).toEqual([['a@example.com', '€🙂']]);
  });

  it('archived rows are parsed in the given encoding, quoted line breaks and quotes included', async () => {
    const text = '"a@example.com";"„Zeile\neins“ – 5 €"\n"b@example.com";"sagt ""hallo"""\n';
    const rows: string[][] = [];
    await forEachArchivedRow(pieces(encodeClosedLoopText(text, 'windows-1252'), 7), 'windows-1252', (r) => rows.push(r));
    expect(rows).toEqual(Papa.parse<string[]>(text, { delimiter: ';', skipEmptyLines: true }).data);
    expect(rows[0][1]).toBe('„Zeile\neins“ – 5 €');
  });

  it('an error of the byte stream reaches the reader', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('archive tag mismatch'));
      },
    });
    await expect(forEachArchivedRow(broken, 'utf-8', () => undefined)).rejects.toThrow('archive tag mismatch');
  });
});
