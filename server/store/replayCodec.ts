/**
 * The stored form of a race's replay payload (Replay.actionLog, formatVersion 1): gzip (RFC 1952;
 * written with node:zlib off the event loop, readable with fflate's gunzip in a browser too) of
 * a little-endian binary layout:
 *
 *   u32 magic 0x4c415243 ('CRAL'), u32 ticks T, u32 cars N, u32 byte length L of the retirements
 *   JSON, L bytes of it (UTF-8), zero padding to a multiple of 8;
 *   T·N bytes: 1 where actionLog[t][k] is null (row-major), zero padding to a multiple of 8;
 *   3·N·T float64: steer of car 0 for every tick, … of car N−1, then gas, then brake, stored as
 *   8 byte planes (byte 0 of every value, then byte 1, …).
 *
 * Binary doubles keep every action exact (negative zero included); the columns put a car's
 * successive values side by side. Bots' and agents' actions are full-precision doubles, so the
 * log does not compress much (about 90 bytes per car-second); binary is ~8× faster to produce
 * than JSON text plus JavaScript deflate, which matters at hundreds of races per second.
 *
 * The JSON forms below write negative zero as `-0` (JSON.stringify writes `0`; JSON.parse reads
 * `-0` back as −0): the replay endpoint and the outbox files use them.
 */
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { gunzipSync } from 'fflate';
import type { LoggedAction, RaceResults, Retirement } from '../../shared/protocol/events.ts';

export const REPLAY_FORMAT_VERSION = 1;

const MAGIC = 0x4c415243;
/**
 * Level 1 with run-length matching only: the doubles' mantissas are noise, so longer LZ matches
 * buy ~4% of size for twice the CPU (measured on an 8-car lap: 85 KB in 1.8 ms vs 88 KB in 0.9 ms).
 */
const GZIP_OPTIONS = { level: 1, strategy: constants.Z_RLE };
const gzipAsync = promisify(gzip);

export interface ReplayPayload {
  readonly actionLog: readonly (readonly LoggedAction[])[];
  readonly retirements: readonly Retirement[];
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** The binary layout (before gzip). */
export function packReplayPayload(payload: ReplayPayload): Uint8Array<ArrayBuffer> {
  const log = payload.actionLog;
  const T = log.length;
  const N = T > 0 ? log[0].length : 0;
  const ret = new TextEncoder().encode(JSON.stringify(payload.retirements));
  const maskAt = pad8(16 + ret.length);
  const valuesAt = maskAt + pad8(T * N);
  const buf = new ArrayBuffer(valuesAt + 24 * N * T);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, T, true);
  view.setUint32(8, N, true);
  view.setUint32(12, ret.length, true);
  bytes.set(ret, 16);
  for (let t = 0; t < T; t++) {
    const row = log[t];
    if (row.length !== N) throw new RangeError(`replay: tick ${t} has ${row.length} actions, expected ${N}`);
    for (let k = 0; k < N; k++) {
      const a = row[k];
      if (a === null) {
        bytes[maskAt + t * N + k] = 1;
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const x = a[c];
        if (!Number.isFinite(x)) throw new RangeError(`replay: action value ${x} is not finite`);
        view.setFloat64(valuesAt + 8 * ((c * N + k) * T + t), x, true);
      }
    }
  }
  shuffleBytePlanes(bytes.subarray(valuesAt), 3 * N * T, false);
  return bytes;
}

/**
 * Byte planes: byte 0 of every double, then byte 1, …, byte 7 (in place). Constant and slowly
 * varying columns become runs of equal bytes (sign, exponent, high mantissa), which the run-length
 * gzip below turns into a few bytes; `inverse` undoes it.
 */
function shuffleBytePlanes(values: Uint8Array, count: number, inverse: boolean): void {
  const copy = values.slice(0, 8 * count);
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < 8; b++) {
      if (inverse) values[8 * i + b] = copy[b * count + i];
      else values[b * count + i] = copy[8 * i + b];
    }
  }
}

export function unpackReplayPayload(packed: Uint8Array): ReplayPayload {
  let bytes = packed;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0, true) !== MAGIC) throw new Error('replay payload: bad header');
  const T = view.getUint32(4, true);
  const N = view.getUint32(8, true);
  const retLength = view.getUint32(12, true);
  const maskAt = pad8(16 + retLength);
  const valuesAt = maskAt + pad8(T * N);
  if (bytes.byteLength !== valuesAt + 24 * N * T) throw new Error('replay payload: truncated');
  const retirements = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + retLength))) as Retirement[];
  bytes = bytes.slice();
  shuffleBytePlanes(bytes.subarray(valuesAt), 3 * N * T, true);
  const view2 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const actionLog: LoggedAction[][] = new Array<LoggedAction[]>(T);
  for (let t = 0; t < T; t++) {
    const row = new Array<LoggedAction>(N);
    for (let k = 0; k < N; k++) {
      if (bytes[maskAt + t * N + k] === 1) {
        row[k] = null;
        continue;
      }
      const at = (c: number): number => view2.getFloat64(valuesAt + 8 * ((c * N + k) * T + t), true);
      row[k] = [at(0), at(1), at(2)];
    }
    actionLog[t] = row;
  }
  return { actionLog, retirements };
}

/** What Replay.actionLog holds: gzip of the binary layout (compressed on the libuv thread pool). */
export async function encodeReplayPayload(payload: ReplayPayload): Promise<Uint8Array<ArrayBuffer>> {
  const gz = await gzipAsync(packReplayPayload(payload), GZIP_OPTIONS);
  return new Uint8Array(gz.buffer as ArrayBuffer, gz.byteOffset, gz.byteLength);
}

export function decodeReplayPayload(bytes: Uint8Array): ReplayPayload {
  return unpackReplayPayload(gunzipSync(bytes));
}

/** The stored bytes as exact JSON text `{"actionLog":[…],"retirements":[…]}` (for serving). */
export function decodeReplayPayloadJson(bytes: Uint8Array): string {
  return replayPayloadJson(decodeReplayPayload(bytes));
}

function num(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`replay: action value ${x} is not finite`);
  return Object.is(x, -0) ? '-0' : String(x);
}

/** An action log as exact JSON text (see the module comment). */
export function actionLogJson(log: readonly (readonly LoggedAction[])[]): string {
  const parts: string[] = ['['];
  for (let t = 0; t < log.length; t++) {
    if (t > 0) parts.push(',');
    const row = log[t];
    let s = '[';
    for (let k = 0; k < row.length; k++) {
      if (k > 0) s += ',';
      const a = row[k];
      s += a === null ? 'null' : `[${num(a[0])},${num(a[1])},${num(a[2])}]`;
    }
    parts.push(s + ']');
  }
  parts.push(']');
  return parts.join('');
}

/** The payload as exact JSON text (see the module comment). */
export function replayPayloadJson(payload: ReplayPayload): string {
  return `{"actionLog":${actionLogJson(payload.actionLog)},"retirements":${JSON.stringify(payload.retirements)}}`;
}

/** Whole race results as JSON text that keeps the action log exact (the outbox's file format). */
export function raceResultsJson(results: RaceResults): string {
  const { actionLog, ...rest } = results;
  return `${JSON.stringify(rest).slice(0, -1)},"actionLog":${actionLogJson(actionLog)}}`;
}

export function replayPayloadOf(results: RaceResults): ReplayPayload {
  return { actionLog: results.actionLog, retirements: results.retirements };
}
