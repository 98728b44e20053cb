/**
 * Expands an uploaded zip bundle (an agent's files zipped together) into a map of file paths to
 * bytes, refusing hostile archives before inflating anything: the central directory is parsed
 * first and every entry's declared sizes, names, flags and compression ratio are checked; only
 * then are the entries inflated, each bounded by its declared size and verified against it (and
 * against its CRC-32) afterwards.
 *
 * Refused: more than `maxEntries` entries, absolute or `..` paths, backslashes, drive letters,
 * NUL or control characters in names, duplicate names, a declared uncompressed total above
 * `maxTotalBytes`, a per-entry ratio above `maxRatio` (zip bombs), ZIP64, encryption, methods
 * other than stored/deflate, multi-disk archives, overlapping entries, and entries whose real
 * size or CRC differs from the declared one.
 */
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { AgentFormatError } from '../agentFormatError.ts';

const inflateRawAsync = promisify(inflateRaw);

export interface ZipLimits {
  /** Most central-directory entries, directories included. [default: 16] */
  readonly maxEntries: number;
  /** Largest declared uncompressed total. [default: 200 MiB] */
  readonly maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of one entry. [default: 100] */
  readonly maxRatio: number;
  /**
   * Entries whose declared size is at most this many bytes are exempt from the ratio check: a
   * small, very compressible file (a JSON manifest padded with spaces) is no bomb. [default: 1 MiB]
   */
  readonly ratioExemptBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 16,
  maxTotalBytes: 200 * 1024 * 1024,
  maxRatio: 100,
  ratioExemptBytes: 1024 * 1024,
};

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const EXTRA_ZIP64 = 0x0001;

interface CentralEntry {
  readonly index: number;
  readonly name: string;
  readonly isDirectory: boolean;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/**
 * Reads a zip bundle into a map of paths (inside the zip) to bytes. Directory entries and macOS
 * Finder metadata (`__MACOSX/`, `.DS_Store`) are dropped; a single top-level folder common to every file (`agent/manifest.json`, as GitHub and
 * Finder zip a folder) is stripped. Throws AgentFormatError naming `file` and the zip field.
 */
export async function readZipBundle(
  bytes: Uint8Array,
  file: string,
  limits: Partial<ZipLimits> = {},
): Promise<Map<string, Uint8Array>> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const { entries, cdOffset } = readCentralDirectory(bytes, file, lim);
  const files = entries.filter((e) => !e.isDirectory && !isFinderMetadata(e.name));
  const dataRanges = locateData(bytes, file, entries, cdOffset);

  const out = new Map<string, Uint8Array>();
  for (const entry of files) {
    const [start, end] = dataRanges.get(entry.index)!;
    const raw = bytes.subarray(start, end);
    const where = `${file}:${entry.name}`;
    let data: Uint8Array;
    if (entry.method === METHOD_STORED) {
      data = raw;
    } else {
      try {
        // One byte more than declared, so a liar that inflates to more is seen as such.
        data = new Uint8Array(await inflateRawAsync(raw, { maxOutputLength: entry.size + 1 }));
      } catch (error) {
        const tooBig = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        throw new AgentFormatError({
          file: where,
          field: `zip.entry[${entry.index}].size`,
          expected: tooBig
            ? `${entry.size} bytes once inflated, as the central directory declares`
            : 'a valid deflate stream',
          got: tooBig ? 'more' : error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (data.length !== entry.size) {
      throw new AgentFormatError({
        file: where,
        field: `zip.entry[${entry.index}].size`,
        expected: `${entry.size} bytes once inflated, as the central directory declares`,
        got: `${data.length} bytes`,
      });
    }
    const crc = crc32(data) >>> 0;
    if (crc !== entry.crc) {
      throw new AgentFormatError({
        file: where,
        field: `zip.entry[${entry.index}].crc`,
        expected: `CRC-32 ${hex(entry.crc)} as declared`,
        got: hex(crc),
        hint: 'The archive is corrupt; zip the files again.',
      });
    }
    out.set(entry.name, data);
  }
  return stripCommonFolder(out);
}

function readCentralDirectory(
  bytes: Uint8Array,
  file: string,
  lim: ZipLimits,
): { entries: CentralEntry[]; cdOffset: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (field: string, expected: string, got: string, hint?: string): never => {
    throw new AgentFormatError(
      hint === undefined ? { file, field, expected, got } : { file, field, expected, got, hint },
    );
  };

  // The end-of-central-directory record: the last one, searched back over a possible comment.
  let eocd = -1;
  for (let i = bytes.length - EOCD_SIZE; i >= Math.max(0, bytes.length - EOCD_SIZE - 0xffff); i--) {
    if (view.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('zip', 'a zip archive (end of central directory record)', 'none found');
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR) {
    fail('zip.zip64', 'a zip archive without ZIP64 records', 'a ZIP64 archive', 'Bundles are far below 4 GiB.');
  }
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const totalEntries = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (totalEntries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    fail('zip.zip64', 'a zip archive without ZIP64 records', 'a ZIP64 archive', 'Bundles are far below 4 GiB.');
  }
  if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== totalEntries) {
    fail('zip', 'a single-disk zip archive', 'a multi-disk (spanned) archive');
  }
  if (totalEntries > lim.maxEntries) {
    fail('zip.entries', `at most ${lim.maxEntries} entries`, `${totalEntries}`, 'Zip only the agent files.');
  }
  if (cdOffset + cdSize > eocd) {
    fail('zip', 'a central directory inside the archive', `offset ${cdOffset} + ${cdSize} bytes past ${eocd}`);
  }

  const entries: CentralEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let index = 0; index < totalEntries; index++) {
    const entryField = `zip.entry[${index}]`;
    if (p + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(p, true) !== SIG_CENTRAL) {
      fail('zip', `${totalEntries} central directory entries`, `a broken entry ${index}`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize)
      fail('zip', `${totalEntries} central directory entries`, `a truncated entry ${index}`);
    const nameBytes = bytes.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength);
    const name = decodeName(nameBytes, (flags & FLAG_UTF8) !== 0);
    const quoted = JSON.stringify(name ?? Buffer.from(nameBytes).toString('latin1'));
    if (name === undefined) fail(`${entryField}.name`, 'a UTF-8 entry name', quoted);
    const unsafe = unsafeNameReason(name!);
    if (unsafe !== undefined) {
      fail(
        `${entryField}.name`,
        'a relative path without "..", "\\", drive letters or control characters',
        quoted,
        unsafe,
      );
    }
    if (names.has(name!)) fail(`${entryField}.name`, 'distinct entry names', `${quoted} twice`);
    names.add(name!);

    if (
      size === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localOffset === 0xffffffff ||
      hasExtra(view, p + CENTRAL_SIZE + nameLength, extraLength, EXTRA_ZIP64)
    ) {
      fail('zip.zip64', 'entries without ZIP64 sizes', `ZIP64 entry ${quoted}`, 'Bundles are far below 4 GiB.');
    }
    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) {
      fail(`${entryField}.encrypted`, 'unencrypted entries', `encrypted entry ${quoted}`, 'Zip without a password.');
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      fail(`${entryField}.method`, 'stored or deflated entries', `compression method ${method} for ${quoted}`);
    }
    if (method === METHOD_STORED && compressedSize !== size) {
      fail(`${entryField}.size`, `a stored entry of ${size} bytes`, `${compressedSize} bytes stored for ${quoted}`);
    }
    total += size;
    if (total > lim.maxTotalBytes) {
      fail('zip.size', `at most ${lim.maxTotalBytes} bytes uncompressed in all`, `${total} or more`);
    }
    if (size > lim.ratioExemptBytes && size > lim.maxRatio * compressedSize) {
      fail(
        'zip.ratio',
        `an uncompressed/compressed ratio of at most ${lim.maxRatio}`,
        `${(size / Math.max(compressedSize, 1)).toFixed(0)} for ${quoted} (${size} bytes from ${compressedSize})`,
        'This looks like a zip bomb.',
      );
    }
    entries.push({
      index,
      name: name!,
      isDirectory: name!.endsWith('/'),
      method,
      crc,
      compressedSize,
      size,
      localOffset,
    });
    p = next;
  }
  return { entries, cdOffset };
}

/**
 * Finds each entry's data through its local header (whose extra field may differ from the
 * central one, e.g. torch's 64-byte padding) and refuses entries that overlap each other or the
 * central directory: overlapping entries are how the densest zip bombs multiply their output.
 */
function locateData(
  bytes: Uint8Array,
  file: string,
  entries: CentralEntry[],
  cdOffset: number,
): Map<number, [number, number]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ranges = new Map<number, [number, number]>();
  const ordered = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let previousEnd = 0;
  for (const entry of ordered) {
    const at = entry.localOffset;
    const field = `zip.entry[${entry.index}]`;
    const quoted = JSON.stringify(entry.name);
    if (at < previousEnd) {
      throw new AgentFormatError({
        file,
        field: `${field}.offset`,
        expected: 'entries that do not overlap',
        got: `${quoted} overlapping the previous entry`,
        hint: 'This looks like a zip bomb.',
      });
    }
    if (at + LOCAL_SIZE > bytes.length || view.getUint32(at, true) !== SIG_LOCAL) {
      throw new AgentFormatError({
        file,
        field: `${field}.offset`,
        expected: 'a local file header where the central directory points',
        got: `none for ${quoted}`,
      });
    }
    const localFlags = view.getUint16(at + 6, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    const localName = decodeName(
      bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength),
      (localFlags & FLAG_UTF8) !== 0,
    );
    if (localName !== entry.name) {
      throw new AgentFormatError({
        file,
        field: `${field}.name`,
        expected: `the same name in the local header as in the central directory (${quoted})`,
        got: JSON.stringify(localName ?? ''),
      });
    }
    if ((localFlags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) {
      throw new AgentFormatError({
        file,
        field: `${field}.encrypted`,
        expected: 'unencrypted entries',
        got: `encrypted entry ${quoted}`,
        hint: 'Zip without a password.',
      });
    }
    const start = at + LOCAL_SIZE + nameLength + extraLength;
    const end = start + entry.compressedSize;
    if (end > cdOffset) {
      throw new AgentFormatError({
        file,
        field: `${field}.size`,
        expected: `${entry.compressedSize} bytes of data for ${quoted} before the central directory`,
        got: `${end - cdOffset} bytes too few`,
      });
    }
    ranges.set(entry.index, [start, end]);
    previousEnd = end;
  }
  return ranges;
}

/** Why a (decoded) entry name is unsafe, or undefined when it is a plain relative path. */
function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'The name is empty.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'The name holds a NUL or control character.';
  if (name.includes('\\')) return 'The name holds a backslash.';
  if (name.startsWith('/')) return 'The name is an absolute path.';
  if (/^[A-Za-z]:/.test(name)) return 'The name starts with a drive letter.';
  const segments = name.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'The name holds a "." or ".." segment.';
  if (segments.slice(0, -1).some((s) => s === '')) return 'The name holds an empty segment.';
  return undefined;
}

/** UTF-8 when flagged or plain ASCII; otherwise (CP437 names) only ASCII is accepted. */
function decodeName(raw: Uint8Array, utf8: boolean): string | undefined {
  if (!utf8 && raw.some((b) => b >= 0x80)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

function hasExtra(view: DataView, start: number, length: number, id: number): boolean {
  let p = start;
  while (p + 4 <= start + length) {
    if (view.getUint16(p, true) === id) return true;
    p += 4 + view.getUint16(p + 2, true);
  }
  return false;
}

/** macOS Finder's resource forks (`__MACOSX/...`) and folder settings (`.DS_Store`): not agent files. */
function isFinderMetadata(name: string): boolean {
  return name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

/** Strips a first path segment that every file shares (`agent/manifest.json` → `manifest.json`). */
function stripCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const names = [...files.keys()];
  if (names.length === 0) return files;
  const first = names[0].split('/')[0];
  if (!names.every((n) => n.startsWith(`${first}/`))) return files;
  return new Map([...files].map(([name, data]) => [name.slice(first.length + 1), data]));
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
