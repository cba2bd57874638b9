#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum up the reliability boot of `make check` (tools/vm/guest/reliability.sh) in one line.

Usage: reliability.py --log LOG --findings N

Reads the console log and prints

    ops=N checker_passes=N faults_injected=N bad_inputs=N reports=N (...)

where ops counts the stress workload's operations, its control writes and
debugfs reads, and the load/unload cycles of lifecycle.sh; checker_passes the
runs of the invariant checker; faults_injected the failures forced by mmlab's
fault points; bad_inputs the bad writes of the hostile-input corpus; and
reports the kernel reports (KASAN, kmemleak, lockdep, UBSAN, DEBUG_VM,
DEBUG_LIST, WARN, BUG) check-log.py found in the same log, which must be 0.
"""

import argparse
import re
import sys

FIELD = re.compile(r'(\w+)=(\S+)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--log', required=True)
    ap.add_argument('--findings', default='')
    args = ap.parse_args()

    stress = {}
    bad = 0
    cases = {}
    with open(args.log, errors='backslashreplace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('mmlab-check: stress '):
                stress = dict(FIELD.findall(line))
            m = re.match(r'(control|files)-corpus: (\d+) bad writes', line)
            if m:
                bad += int(m.group(2))
            m = re.match(r'mmlab-check: result (\S+) (\d+) passed, (\d+) failed', line)
            if m:
                cases[m.group(1)] = (int(m.group(2)), int(m.group(3)))

    def num(key):
        try:
            return int(stress.get(key, '0'), 0)
        except ValueError:
            return 0

    ops = num('ops') + num('control_writes') + num('reads')
    reports = args.findings if args.findings != '' else 'unknown'
    detail = ', '.join(f'{k} {p}/{p + f}' for k, (p, f) in sorted(cases.items()))
    print(f'ops={ops} checker_passes={num("checker_passes")} '
          f'faults_injected={num("faults_injected")} bad_inputs={bad} '
          f'reports={reports} (seed {stress.get("seed", "?")}, '
          f'{num("cpu_offlines")} CPU offlines, '
          f'{stress.get("seconds", "?")} s of stress; {detail or "no results"})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
