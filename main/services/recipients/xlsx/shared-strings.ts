import { isPlainXmlText, type FastXmlHandler } from './fast-xml-scanner';
import { xmlText } from './xml-scanner';

/** Strings per segment: each segment is one flat string, so a lookup is one `slice`. */
const SEGMENT = 4096;

/**
 * The workbook's shared strings in a compact form: a 1,000,000-row sheet can carry 2,000,000
 * distinct strings, which as separate JS strings cost about 48 bytes each before their text. Here
 * each group of {@link SEGMENT} strings is joined into one string, and a Uint32Array holds where
 * each string starts in its segment (4 bytes per string).
 */
export class SharedStrings {
  private readonly segments: string[] = [];
  private starts = new Uint32Array(1 << 14);
  private pending: string[] = [];
  private pendingChars = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(s: string): void {
    if (this.count === this.starts.length) {
      const grown = new Uint32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count++] = this.pendingChars;
    this.pending.push(s);
    this.pendingChars += s.length;
    if (this.pending.length === SEGMENT) this.seal();
  }

  /** Ends the last segment; call once every string is in. */
  finish(): void {
    if (this.pending.length > 0) this.seal();
    this.starts = this.starts.slice(0, this.count);
  }

  /** The string at `index`, or undefined past the end (a damaged or hand-made file). */
  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const seg = this.segments[Math.floor(index / SEGMENT)];
    const start = this.starts[index];
    const last = index % SEGMENT === SEGMENT - 1 || index === this.count - 1;
    return seg.slice(start, last ? seg.length : this.starts[index + 1]);
  }

  private seal(): void {
    // join() gives a flat string; `+=` would build a rope flattened on the first lookup anyway.
    this.segments.push(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }
}

/**
 * Reads `xl/sharedStrings.xml`: each `<si>` is its `<t>` text, or the `<t>` texts of its rich-text
 * runs `<r>` joined; phonetic guides (`<rPh>`, the reading of East Asian text) are not shown in
 * the cell and are left out, as Excel does.
 */
export class SharedStringsParser implements FastXmlHandler {
  readonly strings = new SharedStrings();
  wantsText = false;
  private inSi = false;
  private phonetic = 0;
  private buf = '';
  private lastOpen = '';

  open(name: string): boolean {
    this.lastOpen = name;
    if (name === 'si') {
      this.inSi = true;
      this.buf = '';
    } else if (name === 'rPh') this.phonetic++;
    else if (name === 't' && this.inSi && this.phonetic === 0) this.wantsText = true;
    return false;
  }

  attr(): void {}

  openEnd(selfClosing: boolean): void {
    // `<si/>`, `<t/>` and `<rPh/>` get no close event.
    if (selfClosing) this.close(this.lastOpen);
  }

  text(src: string, start: number, end: number): void {
    this.buf += src.slice(start, end);
  }

  close(name: string): void {
    if (name === 't') this.wantsText = false;
    else if (name === 'rPh') this.phonetic = Math.max(0, this.phonetic - 1);
    else if (name === 'si' && this.inSi) this.closeSi();
  }

  private closeSi(): void {
    const raw = this.buf;
    this.strings.push(isPlainXmlText(raw, 0, raw.length) ? raw : xmlText(raw));
    this.buf = '';
    this.inSi = false;
  }
}
