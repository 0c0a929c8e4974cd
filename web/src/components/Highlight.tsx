// A name with each occurrence of the searched text marked.
import { splitMatches } from "../lib/searchState.ts";

export function Highlight({ text, q }: { text: string; q: string }) {
  const parts = splitMatches(text, q);
  return (
    <>
      {parts.map((p, i) =>
        // Odd parts are the matches; the index is the part's identity here.
        // biome-ignore lint/suspicious/noArrayIndexKey: parts of one string, in order
        i % 2 === 1 ? <mark key={i}>{p}</mark> : <span key={i}>{p}</span>,
      )}
    </>
  );
}
