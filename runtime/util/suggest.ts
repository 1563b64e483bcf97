/** "Did you mean ...?" for names that are close to a known one. */

/** The candidate closest to `name` (ignoring case), if it is close enough to be a likely typo. */
export function closest(name: string, candidateNames: Iterable<string>): string | undefined {
  const candidates = [...candidateNames];
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  if (bestDistance <= limit) return best;
  // A name cut short ("Group" for "GroupName") is a likely slip too.
  return wanted.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(wanted)) : undefined;
}

/** ` (did you mean "X"?)`, or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}

/** Levenshtein distance, two rows; names are short. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}
