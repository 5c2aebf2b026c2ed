import type { IAfterGuiAttachedParams, IDateComp, IDateParams } from 'ag-grid-community';

/**
 * A day typed as the reader writes it: `05.12.2026` (German), `05/12/2026` (British English),
 * day before month with `.`, `/` or `-` between; the ISO form `2026-12-05` is understood too.
 * Null for anything that is not a real day (`31.02.2026`).
 */
export function parseLocalDay(text: string): Date | null {
  const s = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const local = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : local ? [local[3], local[2], local[1]] : [];
  if (!y || !m || !d) return null;
  const day = new Date(Number(y), Number(m) - 1, Number(d));
  return day.getFullYear() === Number(y) && day.getMonth() === Number(m) - 1 && day.getDate() === Number(d) ? day : null;
}

/**
 * AG Grid's date box for the date filters, in the reader's form instead of the grid's fixed
 * `yyyy-mm-dd` (and not the browser's date picker, whose form follows the system, not the app's
 * language). `format` writes a chosen day back (`fmt.date`); `placeholder` shows the form (`TT.MM.JJJJ`)
 * in the floating filters too, where the grid sets none.
 */
export function localeDateInput(format: (day: Date) => string, placeholder: string): new () => IDateComp {
  return class LocaleDateInput implements IDateComp {
    private readonly gui: HTMLDivElement;
    private readonly input: HTMLInputElement;
    private params: IDateParams | null = null;

    constructor() {
      this.gui = document.createElement('div');
      this.gui.className = 'ag-input-wrapper ag-text-field-input-wrapper';
      this.input = document.createElement('input');
      this.input.type = 'text';
      this.input.className = 'ag-input-field-input ag-text-field-input';
      this.input.placeholder = placeholder;
      this.input.addEventListener('input', () => this.params?.onDateChanged());
      this.gui.appendChild(this.input);
    }

    init(params: IDateParams): void {
      this.params = params;
    }

    getGui(): HTMLElement {
      return this.gui;
    }

    getDate(): Date | null {
      return parseLocalDay(this.input.value);
    }

    setDate(date: Date | null): void {
      this.input.value = date ? format(date) : '';
    }

    setInputPlaceholder(placeholder: string): void {
      this.input.placeholder = placeholder;
    }

    setInputAriaLabel(label: string): void {
      this.input.setAttribute('aria-label', label);
    }

    setDisabled(disabled: boolean): void {
      this.input.disabled = disabled;
    }

    afterGuiAttached(params?: IAfterGuiAttachedParams): void {
      if (!params?.suppressFocus) this.input.focus();
    }
  };
}
