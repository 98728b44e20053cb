/**
 * The options `train:ga` and `train:dqn` share (parseArgs definitions): where the run goes,
 * resuming, the agent's name, uploading the result to an arena, and output.
 */
export const TRAINING_RUN_OPTIONS = {
  out: { type: 'string' },
  resume: { type: 'boolean', default: false },
  name: { type: 'string' },
  upload: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  register: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;
