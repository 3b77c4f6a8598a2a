/**
 * The known name a given one was most likely meant to be: the same letters in another case (Glue's API spells
 * `JobName` where the launcher reads `jobName`), or one letter added, dropped, changed or two swapped
 * (`TOKEN_DELIVRY`). Only a hint for a message: nothing is ever read under the name it suggests.
 */
export function meantName(given: string, known: Iterable<string>): string | undefined {
  let folded: string | undefined;
  let typo: string | undefined;
  for (const name of known) {
    // Run at every cold start over the whole environment: names of other lengths are passed over without a copy.
    if (Math.abs(name.length - given.length) > 1) continue;
    folded ??= given.toLowerCase();
    const other = name.toLowerCase();
    if (other === folded) return name;
    if (typo === undefined && oneEditApart(folded, other)) typo = name;
  }
  return typo;
}

function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const restA = a.length - start - end;
  const restB = b.length - start - end;
  if (restA <= 1 && restB <= 1) return true; // one inserted, dropped or changed
  // two neighbours swapped
  return restA === 2 && restB === 2 && a[start] === b[start + 1] && a[start + 1] === b[start];
}
