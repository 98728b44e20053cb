/**
 * A labelled form field with its hint and its error message, wired for screen readers
 * (aria-describedby, aria-invalid).
 */
import { el } from './element.ts';

let nextId = 0;

export interface FormField<E extends HTMLElement> {
  readonly element: HTMLElement;
  readonly control: E;
  /** Shows the error under the field (undefined clears it). */
  setError(message: string | undefined): void;
}

export function createFormField<E extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
  label: string,
  control: E,
  hint?: string,
): FormField<E> {
  const id = control.id === '' ? `field-${++nextId}` : control.id;
  control.id = id;
  const hintEl = hint === undefined ? null : el('small', { className: 'field-hint', id: `${id}-hint` }, hint);
  const errorEl = el('small', { className: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintEl?.id, errorEl.id].filter(Boolean).join(' '));
  const element = el('div', { className: 'field' }, el('label', { htmlFor: id }, label), control, hintEl, errorEl);
  return {
    element,
    control,
    setError(message) {
      errorEl.textContent = message ?? '';
      errorEl.hidden = message === undefined;
      control.setAttribute('aria-invalid', String(message !== undefined));
      element.classList.toggle('field-invalid', message !== undefined);
    },
  };
}
