import { crc32, deflateRawSync, constants as zc, createDeflateRaw } from 'node:zlib';

/** One zip entry with the knobs the fuzzer turns (lying sizes, wrong CRC, stored vs deflated). */
export interface FuzzZipEntry {
  readonly name: string;
  /** Plain content; ignored when `packed` is given. */
  readonly data?: Buffer | string;
  /** Already-deflated bytes (zip bombs are built without ever holding the inflated data). */
  readonly packed?: { readonly bytes: Buffer; readonly size: number; readonly crc: number };
  /** 0 = stored, 8 = deflate (default). */
  readonly method?: 0 | 8;
  /** Overrides the CRC written in both headers. */
  readonly crc?: number;
  /** Overrides the uncompressed size written in both headers (a lying directory). */
  readonly declaredSize?: number;
}

/**
 * Builds a zip container by hand so entries can carry wrong CRCs, lying sizes or pre-deflated
 * bomb payloads, none of which a zip library would write.
 */
export function buildFuzzZip(entries: readonly FuzzZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    let body: Buffer;
    let size: number;
    let crc: number;
    const method = e.method ?? 8;
    if (e.packed) {
      body = e.packed.bytes;
      size = e.packed.size;
      crc = e.packed.crc;
    } else {
      const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : (e.data ?? Buffer.alloc(0));
      body = method === 0 ? raw : deflateRawSync(raw);
      size = raw.length;
      crc = crc32(raw) >>> 0;
    }
    if (e.crc !== undefined) crc = e.crc >>> 0;
    if (e.declaredSize !== undefined) size = e.declaredSize >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.packed ? 8 : method, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.packed ? 8 : method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

function deflateChunks(chunks: readonly Buffer[]): Promise<Buffer[]> {
  // One flush per chunk: each output piece is byte-aligned, so steady-state pieces can be repeated.
  return new Promise((resolve, reject) => {
    const d = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    let current: Buffer[] = [];
    d.on('data', (b: Buffer) => current.push(b));
    d.on('error', reject);
    let i = 0;
    const step = (): void => {
      if (i === chunks.length) {
        out.push(Buffer.concat(current));
        current = [];
        d.end();
        return;
      }
      d.write(chunks[i++]!);
      d.flush(zc.Z_SYNC_FLUSH, () => {
        out.push(Buffer.concat(current));
        current = [];
        step();
      });
    };
    d.on('end', () => {
      if (current.length) out.push(Buffer.concat(current));
      resolve(out);
    });
    step();
  });
}

/**
 * Deflates `prefix + unit × repeats + suffix` without materialising the middle: the unit block is
 * compressed a few times with sync flushes until its output repeats, and that steady-state piece
 * is then concatenated `repeats` times. A 1 GB payload comes out at about 1 MB, in well under a second.
 */
export async function deflateRepeated(prefix: string, unit: Buffer, repeats: number, suffix: string): Promise<{ bytes: Buffer; size: number; crc: number }> {
  const pre = Buffer.from(prefix, 'utf8');
  const suf = Buffer.from(suffix, 'utf8');
  const warm = 4;
  const pieces = await deflateChunks([pre, ...Array.from({ length: warm }, () => unit), suf]);
  // pieces: [pre, u1, u2, u3, u4, suf, final]
  const steady = pieces[warm]!;
  if (!steady.equals(pieces[warm - 1]!)) throw new Error('deflate output of the repeated unit did not settle; pick a unit that is a multiple of 32 KiB');
  const body: Buffer[] = [pieces[0]!];
  for (let i = 1; i < warm; i++) body.push(pieces[i]!);
  for (let i = warm; i <= repeats; i++) body.push(steady);
  body.push(...pieces.slice(warm + 1));
  let crc = crc32(pre);
  for (let i = 0; i < repeats; i++) crc = crc32(unit, crc);
  crc = crc32(suf, crc);
  return { bytes: Buffer.concat(body), size: pre.length + unit.length * repeats + suf.length, crc: crc >>> 0 };
}
