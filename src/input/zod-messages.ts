import { config, type core } from 'zod/mini';

/**
 * zod/mini loads no locale by itself. Rather than zod's English locale (a dictionary for every format zod knows),
 * the few messages this launcher's schemas can produce without one of their own. And no JIT: zod would compile a
 * parser per object schema with `new Function` at its first parse, a cost every cold start pays and a schema parsed a
 * few times never wins back (docs/adr/0007-commonjs-bundle-for-cold-start.md). Imported for these side effects
 * before any schema is built.
 */
const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

export const message = (issue: core.$ZodRawIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, received ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value: unknown) => JSON.stringify(value)).join(' or ')}`;
    case 'too_small':
      return `expected at least ${issue.minimum}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `expected at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_format':
      return issue.format === 'datetime' ? 'expected an ISO 8601 date and time' : `expected a valid ${issue.format}`;
    default:
      return 'invalid input';
  }
};

config({ localeError: message, jitless: true });
