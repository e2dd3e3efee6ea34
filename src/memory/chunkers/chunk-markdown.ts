/**
 * @module memory/chunkers/chunk-markdown
 * Chunks a Markdown document by heading: each section (a heading and the text up to the next heading of any level)
 * is one chunk named by its heading path (`Install > From a clone`); text before the first heading is a chunk of
 * its own. Headings inside fenced code blocks are not headings.
 */
import type { SymbolChunk } from './chunk-typescript.js';
import { splitByTokens } from './split-by-tokens.js';

/** The sections of `source` as chunks; a section longer than `maxTokens` is split at line boundaries. */
export function chunkMarkdown(source: string, maxTokens?: number): SymbolChunk[] {
  const lines = source.split('\n');
  const sections: { path: string | null; start: number; lines: string[] }[] = [{ path: null, start: 1, lines: [] }];
  const trail: string[] = [];
  let fenced = false;
  lines.forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading !== null) {
      const level = heading[1]?.length ?? 1;
      trail.length = level - 1;
      trail[level - 1] = heading[2] ?? '';
      sections.push({ path: trail.filter((part) => part !== undefined && part !== '').join(' > '), start: index + 1, lines: [line] });
    } else {
      sections.at(-1)?.lines.push(line);
    }
  });
  for (const section of sections) {
    while (section.lines.length > 0 && section.lines.at(-1)?.trim() === '') section.lines.pop(); // blank lines end no section
  }
  return sections.flatMap((section) => splitByTokens(section.lines.join('\n'), section.start, maxTokens).map((part, index) => ({
    ...part,
    symbol: section.path === null ? null : index === 0 ? section.path : `${section.path} (part ${index + 1})`,
    exported: true,
    doc: null,
  })));
}
