import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { validateUpload, type UploadValidationOptions } from './collectUpload.ts';
import type { AgentPackageInput, ValidatedAgent } from './validateAgentPackage.ts';
import type { ValidationReportBuilder } from './validationReport.ts';
import { buildZip } from './zipBuilder.testutil.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A package validator that records what it was given and passes one 'manifest' check. */
function recordingValidator(): {
  calls: AgentPackageInput[];
  options: UploadValidationOptions;
} {
  const calls: AgentPackageInput[] = [];
  const validatePackage = async (
    report: ValidationReportBuilder,
    input: AgentPackageInput,
  ): Promise<ValidatedAgent | undefined> => {
    calls.push(input);
    const ok = await report.check('manifest', 'manifest', () => {
      if (!input.files.has('manifest.json') && input.manifestText === undefined) throw new Error('no manifest');
      return true;
    });
    return ok === undefined
      ? undefined
      : { manifest: {}, name: input.name ?? 'agent', format: 'npy-genome', modelFile: 'w.npy' };
  };
  return { calls, options: { validatePackage } };
}

describe('validateUpload', () => {
  it('when plain files come, then size and zip pass ("no bundle") and the package checks get the files', async () => {
    const v = recordingValidator();
    const result = await validateUpload(
      [
        { name: 'w.npy', bytes: new Uint8Array(10) },
        { name: 'manifest.json', bytes: text('{}') },
      ],
      { name: 'Mine', manifest: '{"x":1}' },
      v.options,
    );
    expect(result.report.ok).toBe(true);
    expect(result.report.checks.map((c) => [c.id, c.status])).toEqual([
      ['size', 'passed'],
      ['zip', 'passed'],
      ['manifest', 'passed'],
    ]);
    expect(result.report.checks[0].detail).toBe('2 files, 12 B');
    expect(result.report.checks[1].detail).toBe('no bundle');
    expect(v.calls[0].name).toBe('Mine');
    expect(v.calls[0].manifestText).toBe('{"x":1}');
    expect([...result.files.keys()].sort()).toEqual(['manifest.json', 'w.npy']);
    expect(result.agent?.name).toBe('Mine');
  });

  it('when one zip comes, then it is expanded (top folder stripped) and the package checks see its files', async () => {
    const v = recordingValidator();
    const zip = zipSync({ agent: { 'manifest.json': text('{}'), 'w.npy': new Uint8Array(8) } });
    const result = await validateUpload([{ name: 'bundle.zip', bytes: zip }], {}, v.options);
    expect(result.report.ok).toBe(true);
    expect(result.report.checks[1].detail).toMatch(/^bundle\.zip: 2 files/);
    expect([...v.calls[0].files.keys()].sort()).toEqual(['manifest.json', 'w.npy']);
    expect([...result.files.keys()].sort()).toEqual(['manifest.json', 'w.npy']);
  });

  it('when a zip comes with a manifest.json beside it, then both join, but a clash fails', async () => {
    const v = recordingValidator();
    const zip = zipSync({ 'w.npy': new Uint8Array(8) });
    const ok = await validateUpload(
      [
        { name: 'b.zip', bytes: zip },
        { name: 'manifest.json', bytes: text('{}') },
      ],
      {},
      v.options,
    );
    expect([...ok.files.keys()].sort()).toEqual(['manifest.json', 'w.npy']);
    const clash = await validateUpload(
      [
        { name: 'b.zip', bytes: zip },
        { name: 'w.npy', bytes: new Uint8Array(8) },
      ],
      {},
      v.options,
    );
    expect(clash.report.checks[1]).toMatchObject({ id: 'zip', status: 'failed', error: { file: 'w.npy' } });
  });

  it('when nothing is uploaded, then size fails and the package checks do not run', async () => {
    const v = recordingValidator();
    const result = await validateUpload([], {}, v.options);
    expect(result.report.ok).toBe(false);
    expect(result.report.checks[0]).toMatchObject({ id: 'size', status: 'failed', error: { field: 'files' } });
    expect(result.report.checks[1]).toMatchObject({ id: 'zip', status: 'skipped' });
    expect(v.calls).toHaveLength(0);
    expect(result.files.size).toBe(0);
  });

  it('when a file is over the limit, then size fails naming the file', async () => {
    const v = recordingValidator();
    const result = await validateUpload(
      [{ name: 'big.npy', bytes: new Uint8Array(101) }],
      {},
      { ...v.options, limits: { maxFileBytes: 100 } },
    );
    expect(result.report.checks[0].error).toMatchObject({ file: 'big.npy', field: 'files[0].size' });
  });

  it('when the receiver stopped keeping a file past the limit, then size fails on the bytes it received', async () => {
    const result = await validateUpload(
      [{ name: 'huge.npy', bytes: new Uint8Array(0), receivedBytes: 101 }],
      {},
      { ...recordingValidator().options, limits: { maxFileBytes: 100 } },
    );
    expect(result.report.checks[0].error).toMatchObject({ field: 'files[0].size', got: '101 bytes or more' });
  });

  it('when the files together are over the limit, then size fails on the total', async () => {
    const v = recordingValidator();
    const result = await validateUpload(
      [
        { name: 'a', bytes: new Uint8Array(60) },
        { name: 'b', bytes: new Uint8Array(60) },
      ],
      {},
      { ...v.options, limits: { maxTotalBytes: 100 } },
    );
    expect(result.report.checks[0].error).toMatchObject({ file: 'upload', field: 'size' });
  });

  it('when too many files come, then size fails', async () => {
    const files = Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, bytes: new Uint8Array(1) }));
    const result = await validateUpload(files, {}, recordingValidator().options);
    expect(result.report.checks[0].error).toMatchObject({ field: 'files', expected: 'at most 16 files' });
  });

  it.each(['../evil', 'dir/w.npy', 'dir\\w.npy', '', 'a\u0000b', 'C:evil', '..'])(
    'when a file is named %j, then size fails on its name',
    async (name) => {
      const result = await validateUpload([{ name, bytes: new Uint8Array(1) }], {}, recordingValidator().options);
      expect(result.report.checks[0].error).toMatchObject({ field: 'files[0].name' });
    },
  );

  it('when two files share a name, then size fails', async () => {
    const result = await validateUpload(
      [
        { name: 'a', bytes: new Uint8Array(1) },
        { name: 'a', bytes: new Uint8Array(2) },
      ],
      {},
      recordingValidator().options,
    );
    expect(result.report.checks[0].error).toMatchObject({ field: 'files[1].name' });
  });

  it('when the zip is hostile, then zip fails with its field and the package checks do not run', async () => {
    const v = recordingValidator();
    const zip = buildZip([{ name: '../evil.txt', data: text('evil') }]);
    const result = await validateUpload([{ name: 'bundle.zip', bytes: zip }], {}, v.options);
    expect(result.report.checks[1]).toMatchObject({
      id: 'zip',
      status: 'failed',
      error: { file: 'bundle.zip', field: 'zip.entry[0].name' },
    });
    expect(v.calls).toHaveLength(0);
  });

  it('when two zips come, then zip fails', async () => {
    const zip = zipSync({ 'a.txt': text('a') });
    const result = await validateUpload(
      [
        { name: 'a.zip', bytes: zip },
        { name: 'b.ZIP', bytes: zip },
      ],
      {},
      recordingValidator().options,
    );
    expect(result.report.checks[1]).toMatchObject({ id: 'zip', status: 'failed' });
  });

  it('when a package check fails, then the report is not ok, no agent and no files are returned', async () => {
    const result = await validateUpload(
      [{ name: 'w.npy', bytes: new Uint8Array(4) }],
      {},
      recordingValidator().options,
    );
    expect(result.report.ok).toBe(false);
    expect(result.report.checks[2]).toMatchObject({ id: 'manifest', status: 'failed' });
    expect(result.agent).toBeUndefined();
    expect(result.files.size).toBe(0);
  });
});
