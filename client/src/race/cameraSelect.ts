import { el } from '../widgets/element.ts';
import type { CameraMode } from './raceCamera.ts';

const CAMERA_LABELS: Readonly<Record<CameraMode, string>> = {
  chase: 'Chase',
  north: 'North up',
  track: 'Whole track',
};

/** The camera picker of the race and replay views. */
export function cameraSelect(initial: CameraMode, onChange: (mode: CameraMode) => void): HTMLElement {
  const select = el(
    'select',
    {
      className: 'camera-select',
      title: 'Chase turns with the car, as CarRacing does',
      attrs: { 'aria-label': 'Camera' },
    },
    ...(Object.keys(CAMERA_LABELS) as CameraMode[]).map((mode) =>
      el('option', { value: mode, selected: mode === initial }, CAMERA_LABELS[mode]),
    ),
  );
  select.addEventListener('change', () => onChange(select.value as CameraMode));
  return el('label', { className: 'inline-field' }, 'Camera ', select);
}
