/**
 * Looks inside a dropped zip bundle without uploading it: the entry names (as the server will
 * see them: folders, macOS metadata and a shared top folder left out, like zipBundle.ts) and the
 * manifest.json, so the form can be filled from it. Only the manifest entry is inflated.
 */
import { unzipSync } from 'fflate';

export interface ZipPeek {
  readonly entries: readonly string[];
  /** The parsed manifest.json, when the bundle has one. */
  readonly manifest?: unknown;
  /** Why manifest.json could not be read. */
  readonly manifestError?: string;
}

function isFinderMetadata(name: string): boolean {
  return name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

/** Strips a first folder every entry shares (`agent/manifest.json` → `manifest.json`). */
export function stripCommonFolder(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const first = names[0]!.split('/')[0]!;
  if (!names.every((n) => n.startsWith(`${first}/`))) return [...names];
  return names.map((n) => n.slice(first.length + 1));
}

export async function peekZip(file: File): Promise<ZipPeek> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const raw: string[] = [];
  const inflated = unzipSync(bytes, {
    filter: (entry) => {
      if (entry.name.endsWith('/') || isFinderMetadata(entry.name)) return false;
      raw.push(entry.name);
      return entry.name === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(entry.name);
    },
  });
  const entries = stripCommonFolder(raw);
  const index = entries.indexOf('manifest.json');
  if (index < 0) return { entries };
  const data = inflated[raw[index]!];
  if (data === undefined) return { entries };
  try {
    return { entries, manifest: JSON.parse(new TextDecoder().decode(data)) as unknown };
  } catch (error) {
    return {
      entries,
      manifestError: `manifest.json is not valid JSON (${error instanceof Error ? error.message : error})`,
    };
  }
}
