import { el } from '../widgets/element.ts';
import type { Control, DriverInput } from './driverInput.ts';

/** On-screen pedals and steering for touch screens: hold a button, as one holds a key. */
export function createTouchControls(input: DriverInput): HTMLElement {
  const button = (control: Control, label: string, text: string): HTMLButtonElement => {
    const b = el('button', { type: 'button', className: `touch-${control}`, attrs: { 'aria-label': label } }, text);
    const press = (down: boolean) => (event: Event) => {
      event.preventDefault();
      input.hold(control, down);
      b.classList.toggle('pressed', down);
    };
    b.addEventListener('pointerdown', press(true));
    b.addEventListener('pointerup', press(false));
    b.addEventListener('pointercancel', press(false));
    b.addEventListener('pointerleave', press(false));
    b.addEventListener('contextmenu', (event) => event.preventDefault());
    return b;
  };
  return el(
    'div',
    { className: 'touch-controls' },
    el('div', { className: 'touch-steer' }, button('left', 'Steer left', '◀'), button('right', 'Steer right', '▶')),
    el('div', { className: 'touch-pedals' }, button('brake', 'Brake', 'Brake'), button('gas', 'Gas', 'Gas')),
  );
}
