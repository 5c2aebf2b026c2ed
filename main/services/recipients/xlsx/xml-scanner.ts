import { DamagedPart } from './damaged-part';
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * Longest text between two tags, and longest single token (tag name, comment) kept whole. Excel
 * cells hold at most 32,767 characters; a run far beyond that is a whitespace or text bomb.
 */
export const MAX_TEXT_RUN_CHARS = 4 * 1024 * 1024;

/** What a part parser does with the events of {@link XmlScanner}; names come without prefix. */
export interface XmlHandler {
  /** A start tag's local name; return true to receive its attributes through {@link attr}. */
  open(name: string): boolean;
  /** An attribute of the start tag, entities decoded. */
  attr(name: string, value: string): void;
  /** End of a start tag (`selfClosing` for `<x/>`, which gets no {@link close}). */
  openEnd(selfClosing: boolean): void;
  /** Raw text between tags, in pieces, only while {@link wantsText} says so: pass the whole value through {@link xmlText}. */
  text(piece: string): void;
  close(name: string): void;
  /** Cheap check before text is sliced: most text (indentation, formulas) is not wanted. */
  readonly wantsText: boolean;
}

/** Thrown by the scanner when a run of text or a token is longer than {@link MAX_TEXT_RUN_CHARS}. */
export class TextRunTooLong extends Error {}

/**
 * Thrown for XML that is not well-formed where the scanner can tell cheaply: a closing tag that does
 * not match, an attribute without a quoted value, an unknown entity (`&x;` left undecoded), a `<`
 * in text, or a character XML forbids. Excel refuses such a part too ("We found a problem with
 * some content"), and so did the ExcelJS reader this one replaced.
 */
export class MalformedXml extends DamagedPart {
  constructor(what: string) {
    super('malformed-xml', `it is not well-formed XML (${what})`, { detail: what });
  }
}

/** Characters that cannot stand in XML text or attributes (a raw `<` means broken markup). */
// eslint-disable-next-line no-control-regex -- XML 1.0 forbids these control characters; matching them is the point
const FORBIDDEN = /[<\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text of XML character data as a reader sees it: entities decoded (the five XML names and
 * character references; anything else, such as a DTD's `&x;`, is refused and never expanded), CR LF
 * and a lone CR read as LF, characters XML forbids refused. The scanner hands text over raw, so this
 * runs once per value kept, on the whole value (an entity or CR LF split between two reads is whole
 * there), and the tokenizer can skip through text and attributes without looking at each character.
 */
export function xmlText(raw: string): string {
  if (FORBIDDEN.test(raw)) throw new MalformedXml('a character XML does not allow in text');
  let s = raw;
  if (s.includes('&')) {
    s = s.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name) return NAMED[name];
      const cp = hex ? parseInt(hex, 16) : Number(dec);
      if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new MalformedXml('a character reference to no character');
      return String.fromCodePoint(cp);
    });
    // Checked on the raw text: a decoded &amp; is a plain "&" in the value.
    if (raw.replace(ENTITY, '').includes('&')) throw new MalformedXml('an entity XML does not define');
  }
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** Local name of `x:row` is `row`: some writers prefix the spreadsheet namespace. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * A streaming XML scanner on htmlparser2's Tokenizer (XML mode): the tokenizer reports positions,
 * not strings, so a part parser pays only for the names, attributes and text it asks for. Keeps the
 * chunks a token still spans, and no more.
 */
export class XmlScanner {
  private readonly tokenizer: Tokenizer;
  private readonly chunks: string[] = [];
  /** Absolute position of chunks[0][0]. */
  private chunksStart = 0;
  private chunksChars = 0;
  private attrName = '';
  private attrValue = '';
  private wantAttrs = false;
  private textRun = 0;
  /** Names of the open elements (the depth is bounded by the part's size). */
  private readonly open: string[] = [];
  private pendingName = '';

  constructor(private readonly handler: XmlHandler) {
    const cbs: TokenizerCallbacks = {
      onattribdata: (start, end) => {
        if (this.wantAttrs) this.attrValue += this.slice(start, end);
        this.release(end);
      },
      // Entities are decoded by xmlText (decodeEntities is off), so these never come.
      onattribentity: () => undefined,
      onattribend: (quote, end) => {
        if (quote === QuoteType.NoValue || quote === QuoteType.Unquoted) throw new MalformedXml('an attribute without a quoted value');
        if (this.wantAttrs) this.handler.attr(this.attrName, xmlText(this.attrValue));
        this.attrValue = '';
        this.release(end);
      },
      onattribname: (start, end) => {
        if (this.wantAttrs) this.attrName = this.name(start, end);
        this.release(end);
      },
      oncdata: (start, end) => {
        // Raw like all text: escaped, so that xmlText gives back exactly what the section held.
        if (this.handler.wantsText) this.handler.text(this.slice(start, end).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\r/g, '&#13;'));
        this.release(end);
      },
      onclosetag: (start, end) => {
        this.textRun = 0;
        const name = this.name(start, end);
        if (this.open.pop() !== name) throw new MalformedXml(`a closing tag </${name.slice(0, 40)}> that does not match`);
        this.handler.close(name);
        this.release(end);
      },
      oncomment: (_start, end) => this.release(end),
      ondeclaration: (_start, end) => this.release(end),
      onend: () => undefined,
      onopentagend: (end) => {
        this.open.push(this.pendingName);
        this.handler.openEnd(false);
        this.release(end);
      },
      onopentagname: (start, end) => {
        this.textRun = 0;
        this.pendingName = this.name(start, end);
        this.wantAttrs = this.handler.open(this.pendingName);
        this.release(end);
      },
      onprocessinginstruction: (_start, end) => this.release(end),
      onselfclosingtag: (end) => {
        this.handler.openEnd(true);
        this.release(end);
      },
      ontext: (start, end) => {
        this.textRun += end - start;
        if (this.textRun > MAX_TEXT_RUN_CHARS) throw new TextRunTooLong();
        if (this.handler.wantsText) this.handler.text(this.slice(start, end));
        this.release(end);
      },
      ontextentity: () => undefined,
    };
    // decodeEntities off: the tokenizer then jumps to the next `<` or quote with indexOf instead of
    // stepping through every character (measured: about a third less time for a worksheet).
    this.tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, cbs);
  }

  /** Feeds the next piece of the part's text. */
  write(chunk: string): void {
    this.chunks.push(chunk);
    this.chunksChars += chunk.length;
    this.tokenizer.write(chunk);
    // A token still open over more than the limit (a giant tag name or comment) would be held whole.
    if (this.chunksChars - this.chunks[this.chunks.length - 1].length > MAX_TEXT_RUN_CHARS) throw new TextRunTooLong();
  }

  end(): void {
    this.tokenizer.end();
  }

  /** The local name of the tag or attribute at start..end. */
  private name(start: number, end: number): string {
    const first = this.chunks[0];
    const from = start - this.chunksStart;
    if (end - this.chunksStart <= first.length) {
      // The names a worksheet repeats millions of times, as constants: no string is made for them.
      const c = first.charCodeAt(from);
      const len = end - start;
      if (len === 1) {
        switch (c) {
          case 99:
            return 'c';
          case 118:
            return 'v';
          case 114:
            return 'r';
          case 115:
            return 's';
          case 116:
            return 't';
          case 102:
            return 'f';
        }
      } else if (len === 3 && c === 114 && first.charCodeAt(from + 1) === 111 && first.charCodeAt(from + 2) === 119) return 'row';
      else if (len === 2 && c === 105 && first.charCodeAt(from + 1) === 115) return 'is';
    }
    return localName(this.slice(start, end));
  }

  private slice(start: number, end: number): string {
    if (start === end) return '';
    const first = this.chunks[0];
    const from = start - this.chunksStart;
    if (end - this.chunksStart <= first.length) return first.slice(from, end - this.chunksStart);
    let out = '';
    let base = this.chunksStart;
    for (const c of this.chunks) {
      const a = Math.max(start - base, 0);
      const b = Math.min(end - base, c.length);
      if (a < b) out += c.slice(a, b);
      base += c.length;
      if (base >= end) break;
    }
    return out;
  }

  /** Drops the chunks that end at or before `pos`: no later event starts before it. */
  private release(pos: number): void {
    while (this.chunks.length > 1 && this.chunksStart + this.chunks[0].length <= pos) {
      const c = this.chunks.shift()!;
      this.chunksStart += c.length;
      this.chunksChars -= c.length;
    }
  }
}
