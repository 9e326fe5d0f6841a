/**
 * Running a command without the power to write where the permission bits say no, so that a
 * read-only folder really is read-only, wherever the checkout is. Root ignores permission bits, so:
 *
 *  - not root: the command runs as it is;
 *  - root: it runs as root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH / CAP_FOWNER (util-linux
 *    setpriv), so it still reads the checkout it owns, even inside a folder only root may enter
 *    (mktemp -d, /root), while a 0555 folder refuses its writes;
 *  - root without setpriv: as the unprivileged user 65534, when that user can reach the checkout;
 *  - otherwise the case is skipped, with the sentence `reason` says.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface Unprivileged {
  /** Prepended to the command (setpriv ... --). */
  prefix: string[];
  /** Spawn options (uid / gid) for the 65534 fallback. */
  ids: { uid?: number; gid?: number };
  /** Why the cases that need this cannot run here, or null when they can. */
  reason: string | null;
}

const DROP = ['--bounding-set', '-dac_override,-dac_read_search,-fowner', '--'];

let cached: Unprivileged | undefined;

/** How to run `node` without write access where the permission bits deny it; `root` is the checkout. */
export function unprivileged(root: string): Unprivileged {
  if (cached) return cached;
  if (process.getuid?.() !== 0) return (cached = { prefix: [], ids: {}, reason: null });
  // Can the restricted process still start node on the checkout's files?
  const probe = [
    process.execPath,
    '-e',
    `require('fs').accessSync(${JSON.stringify(join(root, 'package.json'))}, require('fs').constants.R_OK)`,
  ];
  if (spawnSync('setpriv', [...DROP, ...probe]).status === 0)
    return (cached = { prefix: ['setpriv', ...DROP], ids: {}, reason: null });
  if (spawnSync(probe[0], probe.slice(1), { uid: 65534, gid: 65534 }).status === 0)
    return (cached = { prefix: [], ids: { uid: 65534, gid: 65534 }, reason: null });
  return (cached = {
    prefix: [],
    ids: {},
    reason: `skipped: the tests run as root, util-linux's setpriv cannot drop root's permission override here, and user 65534 cannot reach the checkout at ${root}, so no process can be made to respect a read-only folder`,
  });
}
