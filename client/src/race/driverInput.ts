import type { CarAction } from '../../../shared/sim/race.ts';

/** A control the keyboard, the touch buttons or a gamepad button can hold. */
export type Control = 'left' | 'right' | 'gas' | 'brake';

const KEYS: Readonly<Record<string, Control>> = {
  ArrowLeft: 'left',
  KeyA: 'left',
  ArrowRight: 'right',
  KeyD: 'right',
  ArrowUp: 'gas',
  KeyW: 'gas',
  ArrowDown: 'brake',
  KeyS: 'brake',
};

/** Steering slews towards the key's full lock at this rate (full lock in ~0.17 s) ... */
const STEER_RATE_PER_SECOND = 6;
/** ... and back to centre a little faster when released. */
const STEER_RETURN_PER_SECOND = 8;
/** Gas rises over 0.1 s (the car's own gas also rises by 0.1 per tick) and drops at once. */
const GAS_RATE_PER_SECOND = 10;
/** Gymnasium's keyboard play brakes with 0.8 ("1.0 blocks the wheels"). */
const KEY_BRAKE = 0.8;
const GAMEPAD_DEADZONE = 0.12;

/**
 * The human's controls: arrow keys and WASD turned into continuous steer/gas/brake with short
 * ramps (as CarRacing's keyboard play sets full values, smoothed so a tap is a small correction),
 * touch buttons (`hold`), and the first gamepad when one is connected (left stick, triggers).
 * Call `sample(dtSeconds)` once per frame.
 */
export class DriverInput {
  private readonly held = new Set<Control>();
  private steer = 0;
  private gas = 0;
  private brake = 0;
  private readonly onKeyDown = (event: KeyboardEvent): void => this.onKey(event, true);
  private readonly onKeyUp = (event: KeyboardEvent): void => this.onKey(event, false);
  private readonly onBlur = (): void => this.releaseAll();

  constructor(private readonly target: Window = window) {
    target.addEventListener('keydown', this.onKeyDown);
    target.addEventListener('keyup', this.onKeyUp);
    target.addEventListener('blur', this.onBlur);
  }

  /** Touch buttons and tests: press or release a control. */
  hold(control: Control, down: boolean): void {
    if (down) this.held.add(control);
    else this.held.delete(control);
  }

  /** Lets go of every key and button (the window lost focus, the tab was hidden). */
  releaseAll(): void {
    this.held.clear();
    this.steer = 0;
    this.gas = 0;
    this.brake = 0;
  }

  sample(dtSeconds: number): CarAction {
    const dt = Math.min(Math.max(dtSeconds, 0), 0.1);
    const pad = readGamepad();
    if (pad !== null) {
      this.steer = pad.steer;
      this.gas = pad.gas;
      this.brake = pad.brake;
      return { steer: this.steer, gas: this.gas, brake: this.brake };
    }
    const want = (this.held.has('right') ? 1 : 0) - (this.held.has('left') ? 1 : 0);
    const turningIn = want !== 0 && (this.steer === 0 || Math.sign(want) === Math.sign(this.steer));
    const rate = turningIn ? STEER_RATE_PER_SECOND : STEER_RETURN_PER_SECOND;
    this.steer = approach(this.steer, want, rate * dt);
    this.gas = this.held.has('gas') ? approach(this.gas, 1, GAS_RATE_PER_SECOND * dt) : 0;
    this.brake = this.held.has('brake') ? KEY_BRAKE : 0;
    return { steer: this.steer, gas: this.gas, brake: this.brake };
  }

  dispose(): void {
    this.target.removeEventListener('keydown', this.onKeyDown);
    this.target.removeEventListener('keyup', this.onKeyUp);
    this.target.removeEventListener('blur', this.onBlur);
  }

  private onKey(event: KeyboardEvent, down: boolean): void {
    const control = KEYS[event.code];
    if (control === undefined || isTyping(event.target)) return;
    event.preventDefault();
    this.hold(control, down);
  }
}

function approach(value: number, target: number, step: number): number {
  return value < target ? Math.min(target, value + step) : Math.max(target, value - step);
}

function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** The first connected gamepad's controls, or null when none is connected or touched. */
function readGamepad(): CarAction | null {
  const pads =
    typeof navigator !== 'undefined' && typeof navigator.getGamepads === 'function' ? navigator.getGamepads() : [];
  for (const pad of pads) {
    if (pad === null || !pad.connected) continue;
    const axis = pad.axes[0] ?? 0;
    const steer = Math.abs(axis) < GAMEPAD_DEADZONE ? 0 : axis;
    const gas = Math.max(pad.buttons[7]?.value ?? 0, pad.buttons[0]?.pressed ? 1 : 0);
    const brake = Math.max(pad.buttons[6]?.value ?? 0, pad.buttons[1]?.pressed ? 0.8 : 0);
    if (steer === 0 && gas === 0 && brake === 0) continue;
    return { steer, gas, brake };
  }
  return null;
}
