import { checkCharacters, isRefused, type PipIndexOption, type Refused, withoutIndexOptions, words } from './options';
import { isRequirementRefusal, readRequirement } from './requirement';
import { S3_WHEEL } from './requirements-file';

/** An item of a modules value: one plain requirement without spaces, one extra and one specifier at most. */
function isRequirementItem(item: string): boolean {
  return !isRequirementRefusal(readRequirement(item, { marker: false }));
}

/**
 * `--additional-python-modules`, read by the strict grammar (docs/adr/0013-strict-grammars-at-the-boundary.md):
 * comma-separated items, each a plain requirement (or, for a Spark job, a wheel in S3). A Python shell 3.9 job
 * reads pip's options inside the value (AWS: "scikit-learn==0.21.3 -i https://..."); there an item may carry
 * index options, which the launcher removes.
 */

/** The items of a modules value, each trimmed of spaces. */
function itemsOf(value: string): string[] {
  return value.split(',').map((item) => item.trim());
}

/** A Spark job's modules: plain requirements and S3 wheels, in their order. */
export function readSparkModules(value: string): readonly string[] | Refused {
  const odd = checkCharacters(value);
  if (odd) return odd;
  const items = itemsOf(value);
  for (const item of items) {
    if (item === '') return { refused: 'an empty item (two commas, or one at an end)' };
    if (!isRequirementItem(item) && !S3_WHEEL.test(item)) {
      return { refused: `the item ${JSON.stringify(item)}, which is neither a plain requirement nor an S3 wheel` };
    }
  }
  return items;
}

/** A Python shell job's modules: one plain requirement per item, its index options removed. */
export function readShellModules(value: string): readonly string[] | Refused {
  const odd = checkCharacters(value);
  if (odd) return odd;
  const requirements: string[] = [];
  for (const item of itemsOf(value)) {
    const read = withoutIndexOptions(words(item));
    if (isRefused(read)) return read;
    const [requirement, ...more] = read.rest;
    if (requirement === undefined || more.length > 0 || !isRequirementItem(requirement)) {
      return { refused: `the item ${JSON.stringify(item)}, which is not one plain requirement (and index options)` };
    }
    requirements.push(requirement);
  }
  return requirements;
}

/**
 * A Python shell job's modules value with the launcher's index after every item: right whether Glue runs one pip
 * for the whole value (pip reads the last index option, the launcher's) or one pip per item (each has its own).
 */
export function withShellIndex(items: readonly string[], option: PipIndexOption, url: string): string {
  return items.map((item) => `${item} ${option === 'index-url' ? '-i' : '--extra-index-url'} ${url}`).join(',');
}
