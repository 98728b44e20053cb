import type { CarAction } from '../../shared/sim/race.ts';
import type { Driver } from './driver.ts';

/**
 * A human's car: drives with the newest input the transport handed over (already validated
 * and clamped), held until the next one. A disconnected driver's car gets zero input.
 */
export class HumanDriver implements Driver {
  readonly kind = 'human';
  private action: CarAction | null = null;

  setInput(action: CarAction | null): void {
    this.action = action;
  }

  act(): CarAction | null {
    return this.action;
  }
}
