import {
  renderObservation,
  OBSERVATION_BYTES,
  type ObservationStyle,
} from '../../../shared/render/renderObservation.ts';
import type { Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import type { CarAction } from '../../../shared/sim/race.ts';
import type { Track } from '../../../shared/sim/trackTypes.ts';
import { el } from '../widgets/element.ts';
import { SnapshotObservation } from './snapshotObservation.ts';

const FRAME_PX = 96;

/**
 * "Agent's eye": the 96x96 frame an agent car sees, drawn in the browser by shared/'s
 * observation renderer from the snapshots, and the action it took on the last tick (bars for
 * steer, gas and brake), when the server sends it.
 */
export class AgentEyePanel {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;
  private readonly rgb = new Uint8Array(OBSERVATION_BYTES);
  private readonly title: HTMLElement;
  private readonly bars: Record<'steer' | 'gas' | 'brake', { bar: HTMLElement; value: HTMLElement }>;
  private observation: SnapshotObservation | null = null;
  private style: ObservationStyle = 'v3';

  constructor(private readonly track: Track) {
    this.canvas = el('canvas', { className: 'agent-eye-frame', width: FRAME_PX, height: FRAME_PX });
    this.ctx = this.canvas.getContext('2d')!;
    this.image = this.ctx.createImageData(FRAME_PX, FRAME_PX);
    this.title = el('h2', null, "Agent's eye");
    const bar = (name: string) => {
      const fill = el('span', { className: `action-fill action-${name}` });
      const value = el('span', { className: 'action-value' }, '–');
      return {
        row: el(
          'div',
          { className: 'action-row' },
          el('span', { className: 'action-name' }, name),
          el('span', { className: 'action-bar' }, fill),
          value,
        ),
        bar: fill,
        value,
      };
    };
    const steer = bar('steer');
    const gas = bar('gas');
    const brake = bar('brake');
    this.bars = { steer, gas, brake };
    const styleSelect = el(
      'select',
      { className: 'agent-eye-style', title: 'Which CarRacing frames to draw' },
      el('option', { value: 'v3' }, 'v3 frames'),
      el('option', { value: 'v0' }, 'v0 frames'),
    );
    styleSelect.addEventListener('change', () => (this.style = styleSelect.value === 'v0' ? 'v0' : 'v3'));
    this.element = el(
      'section',
      { className: 'panel agent-eye', hidden: true, attrs: { 'aria-label': "Agent's eye view" } },
      this.title,
      el(
        'div',
        { className: 'agent-eye-body' },
        this.canvas,
        el('div', { className: 'agent-eye-actions' }, steer.row, gas.row, brake.row, styleSelect),
      ),
      el(
        'p',
        { className: 'hint' },
        'What this agent sees: its 96×96 observation, redrawn here from the race snapshots.',
      ),
    );
  }

  /** Shows the panel for car `carIndex` (null hides it); restarts the path it tracks on a change. */
  watch(carIndex: number | null, name = ''): void {
    this.element.hidden = carIndex === null;
    if (carIndex === null) {
      this.observation = null;
      return;
    }
    if (this.observation?.carIndex !== carIndex) this.observation = new SnapshotObservation(this.track, carIndex);
    this.title.textContent = `Agent's eye: ${name}`;
  }

  onSnapshot(snapshot: Snapshot): void {
    const observation = this.observation;
    if (observation === null) return;
    observation.onSnapshot(snapshot);
    const scene = observation.scene(snapshot);
    if (scene === null) return;
    renderObservation(scene, this.style, this.rgb);
    const data = this.image.data;
    for (let i = 0, j = 0; i < OBSERVATION_BYTES; i += 3, j += 4) {
      data[j] = this.rgb[i];
      data[j + 1] = this.rgb[i + 1];
      data[j + 2] = this.rgb[i + 2];
      data[j + 3] = 255;
    }
    this.ctx.putImageData(this.image, 0, 0);
    this.showAction(snapshot.actions?.[observation.carIndex] ?? null);
  }

  private showAction(action: CarAction | null): void {
    const set = (key: 'steer' | 'gas' | 'brake', value: number | null): void => {
      const { bar, value: text } = this.bars[key];
      if (value === null) {
        bar.style.width = '0';
        text.textContent = '–';
        return;
      }
      if (key === 'steer') {
        bar.style.left = value < 0 ? `${50 + value * 50}%` : '50%';
        bar.style.width = `${Math.abs(value) * 50}%`;
      } else {
        bar.style.width = `${value * 100}%`;
      }
      text.textContent = value.toFixed(2);
    };
    set('steer', action?.steer ?? null);
    set('gas', action?.gas ?? null);
    set('brake', action?.brake ?? null);
  }
}
