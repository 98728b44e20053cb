import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { LoggedAction } from '../../shared/protocol/events.ts';
import {
  decodeReplayPayload,
  decodeReplayPayloadJson,
  encodeReplayPayload,
  packReplayPayload,
  replayPayloadJson,
  unpackReplayPayload,
  type ReplayPayload,
} from './replayCodec.ts';

describe('replay codec', () => {
  it('gives back exactly what was encoded: nulls, signed zeros, awkward doubles', async () => {
    const rows: LoggedAction[][] = [];
    for (let t = 0; t < 500; t++)
      rows.push([
        [-0, 1 / 3, 0],
        null,
        [Math.sin(t) * 1e-300, Number.MIN_VALUE, -1],
        t % 7 === 0 ? null : [0.1 + 0.2, 5e-324, -0],
      ]);
    const payload: ReplayPayload = {
      actionLog: rows,
      retirements: [{ tick: 12, carIndex: 1, reason: 'disconnected' }],
    };
    const bytes = await encodeReplayPayload(payload);
    // Stored as gzip (readable with fflate) of the binary layout.
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes)).toEqual(packReplayPayload(payload));
    expect(unpackReplayPayload(packReplayPayload(payload))).toEqual(payload);
    const back = decodeReplayPayload(bytes);
    expect(back).toEqual(payload);
    expect(Object.is(back.actionLog[0][0]![0], -0)).toBe(true);
    expect(Object.is(back.actionLog[1][3]![2], -0)).toBe(true);
    expect(Object.is(back.actionLog[0][0]![2], 0)).toBe(true);
    expect(back.actionLog[5][2]![0]).toBe(Math.sin(5) * 1e-300);
    // The JSON text is valid JSON on its own, and keeps −0.
    const json = decodeReplayPayloadJson(bytes);
    expect(json).toBe(replayPayloadJson(payload));
    const parsed = JSON.parse(json) as ReplayPayload;
    expect(parsed).toEqual(payload);
    expect(Object.is(parsed.actionLog[0][0]![0], -0)).toBe(true);
  });

  it('refuses non-finite actions and ragged rows rather than storing something else', async () => {
    await expect(encodeReplayPayload({ actionLog: [[[Number.NaN, 0, 0]]], retirements: [] })).rejects.toThrow(
      RangeError,
    );
    expect(() => packReplayPayload({ actionLog: [[null, null], [null]], retirements: [] })).toThrow(RangeError);
    expect(() => unpackReplayPayload(new Uint8Array(8))).toThrow(/header/);
  });

  it('handles an empty log and compresses a repetitive one well', async () => {
    const empty: ReplayPayload = { actionLog: [], retirements: [] };
    expect(decodeReplayPayload(await encodeReplayPayload(empty))).toEqual(empty);
    const row: LoggedAction[] = Array.from({ length: 8 }, () => [0, 1, 0]);
    const payload: ReplayPayload = { actionLog: Array.from({ length: 3000 }, () => row), retirements: [] };
    expect((await encodeReplayPayload(payload)).byteLength).toBeLessThan((3000 * 8 * 24) / 50);
  });
});
