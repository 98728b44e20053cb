/**
 * The validation report of an upload, check by check, as stored with the agent and returned by
 * the API. A failed check carries the AgentFormatError details (file, field, expected, got) so
 * the user sees exactly what to fix; checks after a failed one are reported as skipped. The
 * report's types are in shared/protocol/httpApi.ts.
 */
import type { TrialResult, ValidationCheck, ValidationReport } from '../../../shared/protocol/httpApi.ts';
import { AgentFormatError } from '../agentFormatError.ts';

export type {
  CheckError,
  CheckStatus,
  TrialResult,
  ValidationCheck,
  ValidationReport,
} from '../../../shared/protocol/httpApi.ts';

/** Collects checks in order; after the first failure every further check is skipped. */
export class ValidationReportBuilder {
  private readonly checks: ValidationCheck[] = [];
  private failed = false;
  private trial: TrialResult | undefined;

  get hasFailed(): boolean {
    return this.failed;
  }

  /**
   * Runs one check. An AgentFormatError fails it with its details; any other error is a bug or
   * a model the runtime cannot run, and fails it with `fallbackFile`/`id` as the place.
   * Returns the check's value, or undefined when it failed or was skipped.
   */
  async check<T>(
    id: string,
    label: string,
    run: () => T | Promise<T>,
    describe: (value: T) => string | undefined = () => undefined,
    fallbackFile = 'upload',
  ): Promise<T | undefined> {
    if (this.failed) {
      this.checks.push({ id, label, status: 'skipped' });
      return undefined;
    }
    try {
      const value = await run();
      const detail = describe(value);
      this.checks.push(
        detail === undefined ? { id, label, status: 'passed' } : { id, label, status: 'passed', detail },
      );
      return value;
    } catch (error) {
      this.failed = true;
      const formatError =
        error instanceof AgentFormatError
          ? error
          : new AgentFormatError({
              file: fallbackFile,
              field: id,
              expected: label,
              got: error instanceof Error ? error.message : String(error),
            });
      this.checks.push({ id, label, status: 'failed', error: formatError.toJSON() });
      return undefined;
    }
  }

  setTrial(trial: TrialResult): void {
    this.trial = trial;
  }

  build(): ValidationReport {
    return this.trial === undefined
      ? { ok: !this.failed, checks: this.checks }
      : { ok: !this.failed, checks: this.checks, trial: this.trial };
  }
}
