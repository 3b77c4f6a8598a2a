/** Everything written to stdout and stderr while `fn` runs (Powertools' logger writes to both). */
export const captureOutput = async <T>(
  fn: () => Promise<T>,
): Promise<{ result: T | undefined; error: unknown; output: string }> => {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  try {
    const result = await fn();
    return { result, error: undefined, output: chunks.join('') };
  } catch (error) {
    return { result: undefined, error, output: chunks.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
};
