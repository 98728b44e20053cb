import type { HumanInput } from '../../../shared/protocol/schemas.ts';
import { MAX_INPUTS_PER_PACKET } from '../../../shared/protocol/schemas.ts';
import type { CarAction } from '../../../shared/sim/race.ts';
import type { ArenaSocket } from '../clientApp.ts';

/** At most one packet per tick (the server allows 60 per second). */
const MIN_SEND_INTERVAL_MS = 20;
/** Unchanged controls are repeated this often, so a lost packet is soon made good. */
const HEARTBEAT_MS = 250;
/** Inputs resent in each packet (oldest first): one lost packet loses nothing. */
const REDUNDANT_INPUTS = 3;

/**
 * Sends the driver's controls as `race:input`: at once when they change (but not more than once
 * per 20 ms tick), else every 250 ms, each packet carrying the newest few inputs. Records when
 * each distinct action was first sent, so the race view can measure how long the server took to
 * show it back (`sentAt`).
 */
export class InputSender {
  private seq = 0;
  private lastSentMs = -Infinity;
  private last: CarAction | null = null;
  private readonly recent: HumanInput[] = [];
  private readonly firstSent: { action: CarAction; atMs: number }[] = [];

  constructor(private readonly socket: ArenaSocket) {}

  /** Sends `action` when it is due (see the class comment); `force` sends it now. */
  update(action: CarAction, nowMs: number, force = false): void {
    const changed = this.last === null || !sameAction(this.last, action);
    const due =
      force || (changed ? nowMs - this.lastSentMs >= MIN_SEND_INTERVAL_MS : nowMs - this.lastSentMs >= HEARTBEAT_MS);
    if (!due) return;
    const input: HumanInput = { seq: this.seq++, steer: action.steer, gas: action.gas, brake: action.brake };
    this.recent.push(input);
    if (this.recent.length > Math.min(REDUNDANT_INPUTS, MAX_INPUTS_PER_PACKET)) this.recent.shift();
    this.socket.emit('race:input', this.recent.length === 1 ? input : [...this.recent]);
    if (changed) {
      this.firstSent.push({ action, atMs: nowMs });
      if (this.firstSent.length > 100) this.firstSent.shift();
    }
    this.last = action;
    this.lastSentMs = nowMs;
  }

  /** When the action the server reports (quantized as in a snapshot) was first sent, or null. */
  sentAt(reported: CarAction): number | null {
    for (let i = this.firstSent.length - 1; i >= 0; i--) {
      const sent = this.firstSent[i];
      if (
        Math.abs(sent.action.steer - reported.steer) <= 1 / 127 &&
        Math.abs(sent.action.gas - reported.gas) <= 1 / 255 &&
        Math.abs(sent.action.brake - reported.brake) <= 1 / 255
      )
        return sent.atMs;
    }
    return null;
  }
}

function sameAction(a: CarAction, b: CarAction): boolean {
  return a.steer === b.steer && a.gas === b.gas && a.brake === b.brake;
}
