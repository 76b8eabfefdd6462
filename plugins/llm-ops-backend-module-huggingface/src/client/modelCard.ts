import { HubApiError } from '@huggingface/hub';

/** The most of a README.md that is read; a card's summary sits at its top. */
export const README_MAX_BYTES = 64 * 1024;

/** The longest summary kept; longer first paragraphs are cut at a word. */
const SUMMARY_MAX_CHARS = 1000;

/**
 * The start of a model's README.md (its model card) at a revision, at most
 * {@link README_MAX_BYTES}, or undefined when the repository has none. This is the only file the
 * adapter ever reads through `/resolve/`: it asks for a byte range and stops reading at the cap
 * even where a server ignores the range, so a large README is never downloaded whole, and no
 * other file (weights least of all) is ever requested.
 */
export async function readModelCard(options: {
  hubUrl: string;
  repoId: string;
  revision: string;
  accessToken?: string;
  fetch: typeof fetch;
}): Promise<string | undefined> {
  const url = `${options.hubUrl}/${options.repoId}/resolve/${encodeURIComponent(
    options.revision,
  )}/README.md`;
  const response = await options.fetch(url, {
    headers: {
      Range: `bytes=0-${README_MAX_BYTES - 1}`,
      ...(options.accessToken
        ? { Authorization: `Bearer ${options.accessToken}` }
        : {}),
    },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HubApiError(url, response.status);
  }
  return new TextDecoder().decode(await readCapped(response, README_MAX_BYTES));
}

async function readCapped(response: Response, cap: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  while (size < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, cap));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  return bytes;
}

/**
 * A model card's summary: its first paragraph of prose after the YAML front matter. Headings,
 * HTML, images and badges, tables, quotes, lists and code are skipped; Markdown links keep their
 * text and emphasis markers go.
 */
export function cardSummary(readme: string): string | undefined {
  const body = readme
    .replace(/^\uFEFF/, '')
    .replace(/^\s*---\r?\n[\s\S]*?\r?\n---[^\n]*(\n|$)/, '');
  const lines = body.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/);
  let inCode = false;
  const paragraph: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      inCode = !inCode;
      if (paragraph.length > 0) break;
      continue;
    }
    if (inCode) continue;
    if (line === '' || !isProse(line)) {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line);
  }
  if (paragraph.length === 0) return undefined;
  const text = paragraph
    .join(' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  if (text.length <= SUMMARY_MAX_CHARS) return text;
  const cut = text.slice(0, SUMMARY_MAX_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

function isProse(line: string): boolean {
  return !(
    (
      /^#{1,6}(\s|$)/.test(line) || // heading
      /^</.test(line) || // HTML
      /^(!\[|\[!\[)/.test(line) || // image or badge
      /^\|/.test(line) || // table
      /^>/.test(line) || // quote
      /^([-*+]|\d+[.)])\s/.test(line) || // list item
      /^(-{3,}|\*{3,}|_{3,}|=+)$/.test(line)
    ) // rule or setext underline
  );
}
