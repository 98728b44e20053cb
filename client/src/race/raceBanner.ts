import { el } from '../widgets/element.ts';

/**
 * Big centred messages over the race: the countdown, "GO!", laps and the finish. Each one
 * stays for `durationMs`, then fades; a newer message replaces an older one.
 */
export class RaceBanner {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly detail: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    this.title = el('div', { className: 'banner-title' });
    this.detail = el('div', { className: 'banner-detail' });
    this.element = el(
      'div',
      { className: 'race-banner', hidden: true, attrs: { role: 'status', 'aria-live': 'polite' } },
      this.title,
      this.detail,
    );
  }

  show(title: string, detail = '', durationMs = 1500): void {
    this.title.textContent = title;
    this.detail.textContent = detail;
    this.element.hidden = false;
    this.element.classList.remove('fading');
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = durationMs > 0 ? setTimeout(() => this.hide(), durationMs) : null;
  }

  hide(): void {
    this.element.hidden = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.hide();
  }
}
