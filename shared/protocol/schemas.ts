import { z } from 'zod';

/** Most cars in a race the server allows, and its default seat count. */
export const MAX_RACE_CARS = 16;
export const DEFAULT_RACE_CARS = 8;
export const MAX_RACE_LAPS = 10;
/** Most redundant inputs a client may send in one `race:input` packet. */
export const MAX_INPUTS_PER_PACKET = 4;

const raceId = z.string().min(1).max(64);
/** Display names: 1..24 printable characters. */
const playerName = z
  .string()
  .trim()
  .min(1)
  .max(24)
  .regex(/^[^\p{C}]+$/u, 'no control characters');

/** `POST /api/races` body. */
export const createRaceSchema = z.object({
  laps: z.int().min(1).max(MAX_RACE_LAPS),
  /** Track seed; random when omitted. */
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  bots: z
    .array(z.object({ difficulty: z.enum(['easy', 'medium', 'hard']) }))
    .max(MAX_RACE_CARS)
    .default([]),
  agents: z.array(z.string().min(1).max(128)).max(MAX_RACE_CARS).optional(),
  /** Seats in all (bots, agents and humans). [default: 8] */
  maxCars: z.int().min(1).max(MAX_RACE_CARS).optional(),
  /** Seconds the room waits for humans before the countdown starts; a full room starts at once. [default: server's] */
  waitSeconds: z.number().min(0).max(600).optional(),
});
export type CreateRaceRequest = z.infer<typeof createRaceSchema>;

export const spectateSchema = z.object({ raceId });
/** `race:rematch`: a driver of the finished race `raceId` asks for another one. */
export const rematchSchema = z.object({ raceId });
export const joinSchema = z.object({
  raceId,
  name: playerName,
  /** The token a previous `race:join` returned: reconnects into the same car. */
  token: z.string().min(1).max(128).optional(),
});

/**
 * One human input: the driver's controls from now on. `seq` increases by one per input; the
 * server keeps the highest it has seen. Values are any finite numbers, clamped to the action space.
 */
export const humanInputSchema = z.object({
  seq: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  steer: z.number(),
  gas: z.number(),
  brake: z.number(),
});
export type HumanInput = z.infer<typeof humanInputSchema>;

/** `race:input`: one input, or the newest few (oldest first) so that one lost packet loses nothing. */
export const raceInputSchema = z.union([humanInputSchema, z.array(humanInputSchema).min(1).max(MAX_INPUTS_PER_PACKET)]);
