import type { RaceCarInfo, RaceEventMessage } from '../../../shared/protocol/events.ts';
import type { Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import { createCarProgress, updateCarProgress, type CarProgress } from '../../../shared/sim/raceProgress.ts';
import type { CarStatus, DnfReason } from '../../../shared/sim/race.ts';
import type { TrackPoint } from '../../../shared/sim/trackTypes.ts';

export interface StandingRow {
  readonly carIndex: number;
  readonly name: string;
  readonly color: readonly [number, number, number];
  readonly kind: RaceCarInfo['kind'];
  readonly position: number;
  readonly lapsCompleted: number;
  readonly status: CarStatus;
  readonly dnfReason: DnfReason | null;
  /** Seconds behind the leader at the same point of the track (null for the leader or unknown). */
  readonly gapSeconds: number | null;
  readonly bestLapTicks: number | null;
  readonly lastLapTicks: number | null;
}

/**
 * Live standings from snapshots and lap events: positions and laps as the server sends them,
 * best and last laps from `lap` events, and the gap to the leader measured the way timing
 * screens do: how long ago the leader passed the point of the track this car is at now (each
 * car's distance along the track follows its snapshot positions with shared/'s race progress).
 */
export class RaceTiming {
  private readonly progress: (CarProgress | null)[];
  /** Per car: the tick at which it first reached each distance (track points, unwrapped, from 0). */
  private readonly reachedAt: number[][];
  private readonly lapTicks: number[][];
  private latest: Snapshot | null = null;

  constructor(
    private readonly points: readonly TrackPoint[],
    private readonly cars: readonly RaceCarInfo[],
  ) {
    this.progress = cars.map(() => null);
    this.reachedAt = cars.map(() => []);
    this.lapTicks = cars.map(() => []);
  }

  onSnapshot(snapshot: Snapshot): void {
    this.latest = snapshot;
    snapshot.cars.forEach((car, k) => {
      if (k >= this.cars.length) return;
      let progress = this.progress[k];
      if (progress === null) {
        progress = createCarProgress(this.points, car.x, car.y);
        this.progress[k] = progress;
      } else if (car.status === 'racing') {
        updateCarProgress(progress, this.points, car.x, car.y, snapshot.tick, 2);
      }
      const reached = this.reachedAt[k];
      const distance = Math.max(0, progress.distancePoints);
      while (reached.length <= distance) reached.push(snapshot.tick);
    });
  }

  onEvent(event: RaceEventMessage): void {
    if (event.type === 'lap' && event.carIndex < this.cars.length) this.lapTicks[event.carIndex].push(event.lapTicks);
  }

  rows(): StandingRow[] {
    const snapshot = this.latest;
    if (snapshot === null) return [];
    const rows = this.cars
      .filter((c) => c.carIndex < snapshot.cars.length)
      .map((info) => {
        const car = snapshot.cars[info.carIndex];
        const laps = this.lapTicks[info.carIndex];
        return {
          carIndex: info.carIndex,
          name: info.name,
          color: info.color,
          kind: info.kind,
          position: car.position,
          lapsCompleted: car.lapsCompleted,
          status: car.status,
          dnfReason: car.dnfReason,
          gapSeconds: null as number | null,
          bestLapTicks: laps.length > 0 ? Math.min(...laps) : null,
          lastLapTicks: laps.at(-1) ?? null,
        };
      })
      .sort((a, b) => a.position - b.position);
    const leader = rows[0];
    if (leader === undefined) return rows;
    const leaderReached = this.reachedAt[leader.carIndex];
    for (const row of rows) {
      if (row === leader || row.status !== 'racing') continue;
      const distance = Math.max(0, this.progress[row.carIndex]?.distancePoints ?? 0);
      const at = leaderReached[distance];
      if (at !== undefined) row.gapSeconds = Math.max(0, (snapshot.tick - at) / 50);
    }
    return rows;
  }
}
