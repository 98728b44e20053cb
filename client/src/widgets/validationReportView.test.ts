import { describe, expect, it } from 'vitest';
import { checkTitle, describeCheckError } from './validationReportView.ts';

describe('describeCheckError', () => {
  it('says where, what was expected and what was found, then the hint', () => {
    expect(
      describeCheckError({
        message: 'x',
        file: 'weights.npy',
        field: 'shape',
        expected: '441892 values',
        got: '12 values',
        hint: 'Save the flat vector with np.save.',
      }),
    ).toBe('In weights.npy, shape: expected 441892 values, but found 12 values. Save the flat vector with np.save.');
  });

  it('speaks of the upload as a whole when no file is to blame', () => {
    expect(
      describeCheckError({ message: 'x', file: 'upload', field: 'files', expected: 'at least one file', got: 'none' }),
    ).toBe('In the upload (files): expected at least one file, but found none.');
  });
});

describe('checkTitle', () => {
  it('names the known checks and falls back to the label', () => {
    expect(checkTitle({ id: 'trial', label: 'whatever' })).toBe('Trial episode');
    expect(checkTitle({ id: 'later', label: 'a later check' })).toBe('a later check');
  });
});
