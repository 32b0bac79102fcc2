// Comparing the server's timestamps ("2024-05-04T09:30:00.123456Z", or without the fraction when
// it is zero). Date keeps milliseconds only, and two messages may fall into the same millisecond,
// so the digits after it are compared too.

/** Negative, zero or positive as instant a is before, at or after b; a missing one sorts first. */
export function compareInstants(a, b) {
  const [ma, fa] = parts(a);
  const [mb, fb] = parts(b);
  if (ma !== mb) return ma < mb ? -1 : 1;
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function parts(iso) {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return [-Infinity, ''];
  // The digits beyond the millisecond, padded so that "5" and "50" compare as the same fraction.
  const beyond = (/T[\d:]+\.\d{3}(\d*)/.exec(iso)?.[1] ?? '').padEnd(9, '0');
  return [ms, beyond];
}
