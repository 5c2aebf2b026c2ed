import { MalformedXml, MAX_TEXT_RUN_CHARS, TextRunTooLong, xmlText } from './xml-scanner';

/**
 * What a big-part parser (worksheet, shared strings) does with the events of {@link FastXmlScanner}.
 * Attribute values and text come as positions in a source string, undecoded, so a parser pays only
 * for the values it turns into strings (a cell's `r="B7"` becomes a column number without one).
 */
export interface FastXmlHandler {
  /** A start tag's local name; return true to receive its attributes through {@link attr}. */
  open(name: string): boolean;
  /**
   * An attribute of the start tag: its value is `src.slice(start, end)`, raw. `plain` says the raw
   * text is the value (no entity, no CR); otherwise decode it with {@link xmlText}. Values of wanted
   * tags have been checked for characters XML forbids.
   */
  attr(name: string, src: string, start: number, end: number, plain: boolean): void;
  /** End of a start tag (`selfClosing` for `<x/>`, which gets no {@link close}). */
  openEnd(selfClosing: boolean): void;
  /** A piece of raw text between tags, only while {@link wantsText} says so: join the pieces and pass the value through {@link xmlText}. */
  text(src: string, start: number, end: number): void;
  close(name: string): void;
  /** Cheap check before text is handed over: most text (indentation, formulas) is not wanted. */
  readonly wantsText: boolean;
}

/** Where the attributes of the start tag being read are, as [nameStart, nameEnd, valueStart, valueEnd] quads. */
const MAX_ATTRS_KEPT = 64;

/**
 * True when the raw text at start..end is its own value: no entity, no CR, no `<` and no character
 * XML forbids. One pass over the characters instead of the three regular expressions of xmlText.
 */
export function isPlainXmlText(src: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a) return false;
    } else if (c === 0x26 || c === 0x3c || c >= 0xfffe) return false;
  }
  return true;
}

/** Tag names a worksheet and the shared strings repeat millions of times, kept as constants. */
function knownName(src: string, start: number, end: number): string | undefined {
  const c = src.charCodeAt(start);
  switch (end - start) {
    case 1:
      switch (c) {
        case 99:
          return 'c';
        case 118:
          return 'v';
        case 116:
          return 't';
        case 114:
          return 'r';
        case 102:
          return 'f';
      }
      return undefined;
    case 2:
      if (c === 115 && src.charCodeAt(start + 1) === 105) return 'si';
      if (c === 105 && src.charCodeAt(start + 1) === 115) return 'is';
      return undefined;
    case 3:
      if (c === 114 && src.charCodeAt(start + 1) === 111 && src.charCodeAt(start + 2) === 119) return 'row';
      if (c === 114 && src.charCodeAt(start + 1) === 80 && src.charCodeAt(start + 2) === 104) return 'rPh';
      return undefined;
  }
  return undefined;
}

/**
 * Local name of the name at start..end: what follows its first colon (`x:row` is `row`: some
 * writers prefix the namespace), as htmlparser2's path reads it.
 */
function localNameAt(src: string, start: number, end: number): string {
  let from = start;
  for (let i = start; i < end; i++) {
    if (src.charCodeAt(i) === 58) {
      from = i + 1;
      break;
    }
  }
  return knownName(src, from, end) ?? src.slice(from, end);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** 1 for the ASCII characters that continue a name; whitespace, `/`, `>` and `=` end it. */
const NAME_CHAR = new Uint8Array(128).fill(1);
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x2f, 0x3e, 0x3d]) NAME_CHAR[c] = 0;

/** Ends a name: whitespace, `/`, `>`, `=` (or the end of the buffer: NaN). */
function endsName(c: number): boolean {
  return c < 128 ? NAME_CHAR[c] === 0 : c !== c;
}

const INCOMPLETE = -1;

/**
 * A streaming XML scanner for the big parts of a workbook (the worksheet and the shared strings),
 * written for them: it jumps from `<` to `<` and through attribute values with indexOf instead of
 * stepping a state machine through every character (htmlparser2's tokenizer, which the small parts
 * still use, spent about half of a worksheet's read time that way). It reads the same XML the same
 * way as {@link XmlScanner}: comments, processing instructions and declarations skipped (a
 * declaration ends at its first `>`), CDATA handed over as escaped text, closing tags checked against
 * the open ones, attributes quoted with either quote, in any order. Markup it cannot read (a `<` that
 * opens no tag, an attribute without a quoted value) is refused as {@link MalformedXml}.
 */
export class FastXmlScanner {
  /** Unread text: the start of a tag that was cut by the end of the last chunk, then the next chunk. */
  private buf = '';
  private textRun = 0;
  private readonly open: string[] = [];
  private readonly attrs = new Int32Array(MAX_ATTRS_KEPT * 4);

  constructor(private readonly handler: FastXmlHandler) {}

  /** Feeds the next piece of the part's text. */
  write(chunk: string): void {
    let from = 0;
    if (this.buf.length > 0) {
      // Markup cut by the end of the last chunk: finish it on the cut piece joined with the start of
      // this chunk, not on a copy of the whole chunk (a 64 KB chunk of text is a large object that
      // only a full collection frees; copying each one doubled the peak RSS of a 1M-row sheet).
      const cut = this.buf;
      for (let take = 256; ; take *= 4) {
        const joined = cut + chunk.slice(0, take);
        const rest = this.scan(joined, 0, cut.length);
        if (rest >= cut.length) {
          from = rest - cut.length;
          this.buf = '';
          break;
        }
        if (take >= chunk.length) {
          this.keep(joined.slice(rest));
          return;
        }
      }
    }
    const rest = this.scan(chunk, from, Infinity);
    this.keep(rest === chunk.length ? '' : chunk.slice(rest));
  }

  /** Ends the part; a tag cut off by the end of the part is dropped, as the tokenizer did. */
  end(): void {
    this.buf = '';
  }

  private keep(cut: string): void {
    // A tag still open over more than the limit (a giant tag name, comment or attribute) would be held whole.
    if (cut.length > MAX_TEXT_RUN_CHARS) throw new TextRunTooLong();
    this.buf = cut;
  }

  /**
   * Reads `buf` from `pos` as far as it is complete, or until a tag ends at or after `stopAt`;
   * returns where the unread rest starts.
   */
  private scan(buf: string, pos: number, stopAt: number): number {
    const handler = this.handler;
    const len = buf.length;
    while (pos < stopAt) {
      const lt = buf.indexOf('<', pos);
      const textEnd = lt === -1 ? len : lt;
      if (textEnd > pos) {
        this.textRun += textEnd - pos;
        if (this.textRun > MAX_TEXT_RUN_CHARS) throw new TextRunTooLong();
        if (handler.wantsText) handler.text(buf, pos, textEnd);
      }
      if (lt === -1) return len;
      const next = this.markup(buf, lt);
      if (next === INCOMPLETE) return lt;
      pos = next;
    }
    return pos;
  }

  /** Reads the markup at `lt` (`buf[lt]` is `<`); returns the position after it, or INCOMPLETE. */
  private markup(buf: string, lt: number): number {
    const c = buf.charCodeAt(lt + 1);
    if (c !== c) return INCOMPLETE;
    if (c === 0x2f) return this.closeTag(buf, lt);
    if (c === 0x21) return this.bang(buf, lt);
    if (c === 0x3f) {
      const gt = buf.indexOf('>', lt + 2);
      return gt === -1 ? INCOMPLETE : gt + 1;
    }
    if (isSpace(c) || c === 0x3e || c === 0x3d) throw new MalformedXml('a "<" that opens no tag');
    return this.startTag(buf, lt);
  }

  private closeTag(buf: string, lt: number): number {
    const gt = buf.indexOf('>', lt + 2);
    if (gt === -1) return INCOMPLETE;
    let nameEnd = gt;
    while (nameEnd > lt + 2 && isSpace(buf.charCodeAt(nameEnd - 1))) nameEnd--;
    const top = this.open.length > 0 ? this.open[this.open.length - 1] : undefined;
    const nameStart = lt + 2;
    // The common case, `</c>` after `<c>`, is matched without making a string.
    const same = top !== undefined && nameEnd - nameStart === top.length && buf.startsWith(top, nameStart);
    if (!same) {
      const name = localNameAt(buf, nameStart, nameEnd);
      for (let i = nameStart; i < nameEnd; i++) if (endsName(buf.charCodeAt(i))) throw new MalformedXml(`a closing tag </${name.slice(0, 40)}> that does not match`);
      if (name !== top) throw new MalformedXml(`a closing tag </${name.slice(0, 40)}> that does not match`);
    }
    this.open.pop();
    this.textRun = 0;
    this.handler.close(top!);
    return gt + 1;
  }

  /** `<!--…-->`, `<![CDATA[…]]>` or a declaration (`<!DOCTYPE …>`, up to its first `>`). */
  private bang(buf: string, lt: number): number {
    if (buf.length - lt < 9) {
      // Too short yet to tell a comment or CDATA from a declaration.
      const head = buf.slice(lt);
      if ('<!--'.startsWith(head) || '<![CDATA['.startsWith(head)) return INCOMPLETE;
    }
    if (buf.startsWith('<!--', lt)) {
      const end = buf.indexOf('-->', lt + 4);
      return end === -1 ? INCOMPLETE : end + 3;
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      const end = buf.indexOf(']]>', lt + 9);
      if (end === -1) return INCOMPLETE;
      if (this.handler.wantsText) {
        // Raw like all text: escaped, so that xmlText gives back exactly what the section held.
        const s = buf
          .slice(lt + 9, end)
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/\r/g, '&#13;');
        this.handler.text(s, 0, s.length);
      }
      return end + 3;
    }
    const gt = buf.indexOf('>', lt + 2);
    return gt === -1 ? INCOMPLETE : gt + 1;
  }

  private startTag(buf: string, lt: number): number {
    const nameStart = lt + 1;
    let i = nameStart;
    let c = buf.charCodeAt(i);
    let local = nameStart;
    while (!endsName(c)) {
      if (c === 58 && local === nameStart) local = i + 1;
      c = buf.charCodeAt(++i);
    }
    if (c !== c) return INCOMPLETE;
    const nameEnd = i;
    // First find the whole tag (its attributes may be cut by the end of the chunk), then report it.
    let n = 0;
    const attrs = this.attrs;
    let selfClosing = false;
    for (;;) {
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c !== c) return INCOMPLETE;
      if (c === 0x3e) break;
      if (c === 0x2f) {
        const d = buf.charCodeAt(i + 1);
        if (d !== d) return INCOMPLETE;
        if (d !== 0x3e) throw new MalformedXml('a "/" inside a tag');
        selfClosing = true;
        i++;
        break;
      }
      const an = i;
      let aLocal = an;
      while (!endsName(c)) {
        if (c === 58 && aLocal === an) aLocal = i + 1;
        c = buf.charCodeAt(++i);
      }
      const ane = i;
      if (ane === an) throw new MalformedXml('an attribute without a name');
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c !== c) return INCOMPLETE;
      if (c !== 0x3d) throw new MalformedXml('an attribute without a quoted value');
      c = buf.charCodeAt(++i);
      while (isSpace(c)) c = buf.charCodeAt(++i);
      if (c !== c) return INCOMPLETE;
      if (c !== 0x22 && c !== 0x27) throw new MalformedXml('an attribute without a quoted value');
      const close = buf.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (close === -1) return INCOMPLETE;
      if (n < MAX_ATTRS_KEPT) {
        const at = n * 4;
        attrs[at] = aLocal;
        attrs[at + 1] = ane;
        attrs[at + 2] = i + 1;
        attrs[at + 3] = close;
        n++;
      }
      i = close + 1;
      c = buf.charCodeAt(i);
      if (c === c && !isSpace(c) && c !== 0x3e && c !== 0x2f) throw new MalformedXml('attributes without a space between them');
    }

    const name = knownName(buf, local, nameEnd) ?? buf.slice(local, nameEnd);
    this.textRun = 0;
    const handler = this.handler;
    if (n > 0 && handler.open(name)) {
      for (let k = 0; k < n * 4; k += 4) {
        const vs = attrs[k + 2];
        const ve = attrs[k + 3];
        const plain = isPlainXmlText(buf, vs, ve);
        // Checked like text: an unknown entity or a forbidden character is damage, not a value.
        if (!plain) xmlText(buf.slice(vs, ve));
        const as = attrs[k];
        const ae = attrs[k + 1];
        handler.attr(knownName(buf, as, ae) ?? buf.slice(as, ae), buf, vs, ve, plain);
      }
    } else if (n === 0) {
      handler.open(name);
    }
    if (selfClosing) {
      handler.openEnd(true);
    } else {
      this.open.push(name);
      handler.openEnd(false);
    }
    return i + 1;
  }
}
