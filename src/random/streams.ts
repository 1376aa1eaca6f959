/**
 * Independent seeds for replicated work: replicate i of stream s under a master seed gets a seed
 * that is a pure function of the three, so replicates can run in any order, on any thread, with
 * identical draws. Streams in use: 0 and 1 power simulation (power, type-I error), 2 parametric
 * bootstrap, 3 bootstrap likelihood-ratio test, 4 multiple imputation.
 */
/** A 32-bit mixer (the finaliser of MurmurHash3), to derive independent seeds. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The seed of replicate `i` of stream `stream` under master seed `seed`: a pure function of the
 * three, so any split of the replicates over threads draws the same values. The value stays an
 * exact integer below 2^53 (21 bits from the master seed and stream above i's 32 bits), so
 * distinct (stream, i) under one master seed never share a seed.
 */
export function replicateSeed(seed: number, stream: number, i: number): number {
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const lo = seed >>> 0;
  const frac = Math.floor((seed - Math.floor(seed)) * 4294967296) >>> 0;
  const master = mix32(lo ^ mix32(hi ^ mix32(frac ^ 0x2545f491)));
  // stream × 40503 < 2^21 for streams below 51, so XOR keeps the streams apart.
  const high = ((master >>> 11) ^ (stream * 0x9e37)) & 0x1fffff;
  return high * 4294967296 + (i >>> 0);
}

