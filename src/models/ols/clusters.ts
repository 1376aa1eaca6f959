/**
 * Grouping the rows of a fit into clusters for cluster-robust covariances, with the
 * policy for rows whose cluster id is missing.
 */
import { ArgumentError, showValue } from '../../errors/index.js';
import type { ClusterMissingPolicy } from './types.js';

/** Rows of a fit grouped by cluster: cluster g holds fit rows `order[offsets[g] .. offsets[g+1])`. */
export interface ClusterIndex {
  /** Number of clusters G (singletons included). */
  G: number;
  /** Fit-row indices sorted by cluster. */
  order: Int32Array;
  /** Start of each cluster in `order` (length G + 1). */
  offsets: Int32Array;
  /** Cluster id of each cluster (`null` for a singleton made from a missing id). */
  labels: (string | null)[];
  nSingletons: number;
  maxSize: number;
  minSize: number;
}

/**
 * Group fit rows by their cluster id.
 *
 * @param ids - cluster id of every input row: text, or numbers for integer id columns
 *   (`null`, `undefined` or `NaN` = missing).
 * @param rows - input-row index of each fit row.
 * @param policy - `'error'` or `'singleton'` for rows with a missing id.
 * @param name - the cluster column, for messages.
 * @param rawValue - the value as given of input row i, for messages.
 * @throws ArgumentError naming the first fit row with a missing id under `'error'`.
 */
export function buildClusterIndex(
  ids: ArrayLike<string | number | null | undefined>,
  rows: Int32Array,
  policy: ClusterMissingPolicy,
  name: string,
  rawValue: (i: number) => unknown,
): ClusterIndex {
  const n = rows.length;
  const codes = new Int32Array(n);
  const index = new Map<string | number, number>();
  const labels: (string | null)[] = [];
  let nSingletons = 0;
  let firstMissing = -1;
  let nMissing = 0;
  for (let j = 0; j < n; j++) {
    const id = ids[rows[j]!];
    if (id === null || id === undefined || (typeof id === 'number' && Number.isNaN(id))) {
      nMissing++;
      if (firstMissing < 0) firstMissing = j;
      codes[j] = -1;
      continue;
    }
    let c = index.get(id);
    if (c === undefined) {
      c = labels.length;
      index.set(id, c);
      labels.push(String(id));
    }
    codes[j] = c;
  }
  if (nMissing > 0 && policy === 'error') {
    const row = rows[firstMissing]!;
    throw new ArgumentError(
      `data[${row}].${name}`,
      rawValue(row),
      'a cluster id for every row used in the fit',
      `${nMissing} row${nMissing === 1 ? '' : 's'} used in the fit ${nMissing === 1 ? 'has' : 'have'} no ${name} (received ${showValue(rawValue(row))} in row ${row} first). ` +
        'If these rows belong to no cluster (e.g. controls in a partially nested trial), set options.clusterMissing = "singleton" to make each one a cluster of its own',
    );
  }
  for (let j = 0; j < n; j++) {
    if (codes[j] === -1) {
      codes[j] = labels.length;
      labels.push(null);
      nSingletons++;
    }
  }
  const G = labels.length;
  const offsets = new Int32Array(G + 1);
  for (let j = 0; j < n; j++) offsets[codes[j]! + 1] = offsets[codes[j]! + 1]! + 1;
  let maxSize = 0;
  let minSize = G > 0 ? Infinity : 0;
  for (let g = 0; g < G; g++) {
    const size = offsets[g + 1]!;
    maxSize = Math.max(maxSize, size);
    minSize = Math.min(minSize, size);
    offsets[g + 1] = offsets[g]! + size;
  }
  const next = offsets.slice(0, G);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const c = codes[j]!;
    order[next[c]!] = j;
    next[c] = next[c]! + 1;
  }
  return { G, order, offsets, labels, nSingletons, maxSize, minSize };
}
