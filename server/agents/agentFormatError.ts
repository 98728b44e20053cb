/**
 * A model file (or one entry of an upload) that the arena refuses to read. It names the file,
 * the field inside it, what the reader expected and what it found, so an upload report can show
 * the user exactly what to fix. Readers throw nothing else for malformed input.
 */
export interface AgentFormatDetails {
  /** The file as the user named it (or an entry inside a zip, `bundle.zip:archive/data.pkl`). */
  file: string;
  /** The field or part of the file: `header.descr`, `shape`, `pickle.global`, `zip.entry` ... */
  field: string;
  expected: string;
  got: string;
  /** An optional sentence telling the user how to fix the file. */
  hint?: string;
}

export class AgentFormatError extends Error {
  readonly code = 'AGENT_FORMAT' as const;
  readonly file: string;
  readonly field: string;
  readonly expected: string;
  readonly got: string;
  readonly hint: string | undefined;

  constructor(details: AgentFormatDetails, options?: { cause?: unknown }) {
    const hint = details.hint === undefined ? '' : ` ${details.hint}`;
    super(`${details.file}: ${details.field}: expected ${details.expected}, got ${details.got}.${hint}`, options);
    this.name = 'AgentFormatError';
    this.file = details.file;
    this.field = details.field;
    this.expected = details.expected;
    this.got = details.got;
    this.hint = details.hint;
  }

  /** The report shape: what an upload response lists for a failed check. */
  toJSON(): { code: 'AGENT_FORMAT'; message: string } & AgentFormatDetails {
    return {
      code: this.code,
      message: this.message,
      file: this.file,
      field: this.field,
      expected: this.expected,
      got: this.got,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}
