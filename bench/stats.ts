/** The q-quantile of some samples (the nearest-rank definition), and the median. */
export const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

export const median = (values: readonly number[]): number => quantile(values, 0.5);
