/**
 * The DQN's replay memory (agents.md §2.6): a FIFO of (state, action, reward, next state, done)
 * transitions with a fixed capacity, sampled uniformly without replacement. A transition's next
 * state is the same array as the following transition's state, so each observation is kept once.
 */
import type { SeededRng } from '../seededRng.ts';

export interface Transition {
  readonly state: Float32Array;
  readonly action: number;
  readonly reward: number;
  readonly next: Float32Array;
  readonly done: boolean;
}

export class ReplayMemory {
  private readonly items: Transition[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`replay capacity ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  push(t: Transition): void {
    if (this.items.length < this.capacity) this.items.push(t);
    else this.items[this.head] = t;
    this.head = (this.head + 1) % this.capacity;
  }

  /** `n` distinct transitions, uniformly (partial Fisher-Yates over the indices). */
  sample(n: number, rng: SeededRng): Transition[] {
    if (n > this.items.length) throw new RangeError(`cannot sample ${n} of ${this.items.length} transitions`);
    const index = Array.from({ length: this.items.length }, (_, i) => i);
    const out: Transition[] = [];
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(index.length - i);
      [index[i], index[j]] = [index[j], index[i]];
      out.push(this.items[index[i]]);
    }
    return out;
  }
}
