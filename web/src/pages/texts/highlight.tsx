import type { ReactNode } from 'react';

/** The server marks hits «like this» in a snippet: shown as highlighted text. */
export function Snippet({ text }: { text: string }): ReactNode {
  const parts: ReactNode[] = [];
  const pattern = /«([^»]*)»/g;
  let at = 0;
  for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
    parts.push(text.slice(at, found.index));
    parts.push(<mark key={found.index}>{found[1]}</mark>);
    at = found.index + found[0].length;
  }
  parts.push(text.slice(at));
  return <span className="text-snippet">{parts}</span>;
}

/** Words of a query worth highlighting in recognised text (operators and quotes left out). */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && word !== 'or');
}

/** Recognised text with the query's words highlighted (whole words, any case). */
export function HighlightedText({ text, words }: { text: string; words: readonly string[] }): ReactNode {
  if (words.length === 0) {
    return text;
  }
  const wanted = new Set(words);
  return text
    .split(/([\p{L}\p{N}]+)/u)
    .map((piece, index) => (wanted.has(piece.toLowerCase()) ? <mark key={index}>{piece}</mark> : piece));
}
