import { describe, expect, it } from 'vitest';
import { AgentFormatError } from './agentFormatError.ts';

describe('AgentFormatError', () => {
  it('names the file, the field and what was expected, for the upload report', () => {
    const e = new AgentFormatError({ file: 'g.npy', field: 'shape', expected: '787027 elements', got: '12 elements' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AgentFormatError');
    expect(e.code).toBe('AGENT_FORMAT');
    expect(e.message).toBe('g.npy: shape: expected 787027 elements, got 12 elements.');
    expect(e.toJSON()).toEqual({
      code: 'AGENT_FORMAT',
      message: e.message,
      file: 'g.npy',
      field: 'shape',
      expected: '787027 elements',
      got: '12 elements',
    });
  });

  it('appends a hint telling the user how to fix the file', () => {
    const e = new AgentFormatError({ file: 'm.pt', field: 'pickle.global', expected: 'x', got: 'y', hint: 'Do z.' });
    expect(e.message).toBe('m.pt: pickle.global: expected x, got y. Do z.');
    expect(e.toJSON().hint).toBe('Do z.');
  });
});
