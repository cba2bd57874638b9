#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the console log of one `make check` boot (tools/vm/guest/check.sh).

Usage: check-log.py --log LOG --ksrc KERNEL_SRC --level 5|4 --out DIR
                    [--expect SUITE ...]
       check-log.py --log LOG --reports-only

Reads the markers printed by guest/check.sh, cuts out each KUnit suite's
KTAP and parses it with the kernel's own `tools/testing/kunit/kunit.py
parse`, checks that every expected suite ran, and scans the kernel's
messages for oopses, BUG, WARNING, KASAN, UBSAN and lockdep reports and
kmemleak reports that point into mmlab. Prints what it found and, last, one
line `kunit passed=N failed=N findings=N`; exits 1 if anything failed.
With --reports-only (the console of a boot that is not guest/check.sh's,
as `make stress`'s) only the kernel's reports and kmemleak are judged.

A suite's KTAP is cut from its module's kernel messages (dmesg, printed by
the guest between markers), renumbered as a one-suite KTAP document. The
copy in /sys/kernel/debug/kunit/<suite>/results is the fallback only: in
Linux 6.1 it keeps KUNIT_LOG_SIZE (512) bytes of log per test case and
loses the headers of parameterised cases, so kunit.py rejects it.
"""

import argparse
import os
import re
import subprocess
import sys

MARK = re.compile(r'mmlab-check: (\S+) ?(.*)$')
TS = re.compile(r'\[\s*\d+\.\d+\] ?')
COUNTS = re.compile(r'(passed|failed|crashed|skipped|errors): (\d+)')

# Kernel messages that fail the boot, wherever they appear.
REPORTS = [
    r'\bBUG:',
    r'\bWARNING:',
    r'kernel BUG',
    r'KASAN',
    r'UBSAN:',
    r'\bOops\b',
    r'general protection fault',
    r'Kernel panic',
    r'possible circular locking',
    r'inconsistent lock state',
    r'possible recursive locking',
    r'suspicious RCU usage',
    r'lock held when returning',
    r'Bad page state',
    r'list_(add|del) corruption',
    r'INFO: task .* blocked for more than',
    r'Call Trace:',
]
REPORT_RE = re.compile('|'.join(REPORTS))
# A kmemleak backtrace frame in mmlab: in a module ("+0x12/0x34 [name]"), or
# an unresolved address (of a module unloaded since). Only mmlab and its
# test modules are ever loaded in the check VM.
LEAK_RE = re.compile(r'mmlab|/0x[0-9a-f]+ \[\w+\]\s*$|\] 0x[0-9a-f]+\s*$')


def kernel_text(line):
    """The text of a kernel message (after its timestamp), or None."""
    m = TS.search(line)
    return line[m.end():] if m else None


def parse_ktap(ksrc, doc, path):
    """Run kunit.py parse over one suite's KTAP; (ok, passed, failed, output)."""
    with open(path, 'w') as f:
        f.write('\n'.join(doc) + '\n')
    kunit = os.path.join(ksrc, 'tools/testing/kunit/kunit.py')
    # kunit.py changes to the kernel tree: give it an absolute path.
    res = subprocess.run([sys.executable, kunit, 'parse', os.path.abspath(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False)
    counts = {}
    for line in res.stdout.splitlines():
        if 'Testing complete.' in line:
            counts = {k: int(v) for k, v in COUNTS.findall(line)}
    passed = counts.get('passed', 0)
    failed = counts.get('failed', 0) + counts.get('crashed', 0)
    ok = res.returncode == 0 and passed > 0 and failed == 0 and not counts.get('errors')
    if not ok and failed == 0:
        failed = 1   # errors, a parse failure or an empty suite: one failure
    return ok, passed, failed, res.stdout


def suite_from_dmesg(lines, suite):
    """Cut one suite's KTAP out of a module's dmesg; None if absent."""
    text = [TS.sub('', l, count=1) if TS.match(l) else l for l in lines]
    for i in range(len(text) - 1):
        if text[i].rstrip() == '    KTAP version 1' and \
                text[i + 1].rstrip() == '    # Subtest: ' + suite:
            end_re = re.compile(r'^(not ok|ok) \d+ ' + re.escape(suite) + r'\b')
            for j in range(i + 2, len(text)):
                m = end_re.match(text[j])
                if m:
                    last = end_re.sub(m.group(1) + ' 1 ' + suite, text[j])
                    return ['KTAP version 1', '1..1'] + text[i:j] + [last]
            return ['KTAP version 1', '1..1'] + text[i:]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--log', required=True)
    ap.add_argument('--ksrc')
    ap.add_argument('--level', choices=['4', '5'])
    ap.add_argument('--out')
    ap.add_argument('--expect', nargs='*', default=[])
    ap.add_argument('--reports-only', action='store_true')
    args = ap.parse_args()
    if not args.reports_only:
        if not (args.ksrc and args.level and args.out):
            ap.error('--ksrc, --level and --out are required without --reports-only')
        os.makedirs(args.out, exist_ok=True)

    with open(args.log, errors='backslashreplace') as f:
        log = f.read().splitlines()

    findings = []
    ktap = {}        # suite -> lines from debugfs
    dmesg = {}       # module -> lines
    suite_module = {}
    kmemleak = []    # (tag, lines)
    paging = None
    done = None
    block = None     # (kind, key, lines)
    seen = set()
    for n, line in enumerate(log, 1):
        m = MARK.search(line)
        if m:
            what, rest = m.group(1), m.group(2).strip()
            if what in ('ktap-begin', 'dmesg-begin', 'kmemleak-begin'):
                words = rest.split()
                block = (what[:-6], words[0] if words else '', [])
                if what == 'ktap-begin' and len(words) > 1:
                    suite_module[words[0]] = words[1]
            elif what in ('ktap-end', 'dmesg-end', 'kmemleak-end') and block:
                kind, key, lines = block
                if kind == 'ktap':
                    ktap[key] = lines
                elif kind == 'dmesg':
                    dmesg[key] = lines
                else:
                    kmemleak.append((key, lines))
                block = None
            elif what == 'paging':
                paging = rest
            elif what == 'done':
                done = rest
            elif what == 'FAIL':
                findings.append(f'guest: {rest}')
            continue
        text = kernel_text(line)
        if block:
            kind, _, lines = block
            # Live kernel messages interleaved with a dump are not part of it.
            if kind == 'dmesg' or text is None:
                lines.append(line)
            if kind == 'dmesg':
                continue    # a copy of messages already seen on the console
        if text is not None and REPORT_RE.search(text):
            key = line[line.find('['):]
            if key not in seen:
                seen.add(key)
                findings.append(f'console line {n}: {text.strip()}')

    if not args.reports_only:
        if done is None:
            findings.append('guest: check.sh did not finish (timeout, panic or hang)')
        want = f'{args.level}-level'
        if paging != want:
            findings.append(f'paging: expected {want}, guest reports {paging}')

    for tag, lines in kmemleak:
        report = []
        for line in lines + ['unreferenced object (end)']:
            if line.startswith('unreferenced object') and report:
                if any(LEAK_RE.search(l) for l in report):
                    findings.append(f'kmemleak ({tag}): ' + ' | '.join(
                        l.strip() for l in report[:12]))
                report = []
            report.append(line)

    passed = failed = 0
    suites = sorted(set(ktap) | set(args.expect))
    for suite in suites:
        src_note = ''
        res = None
        mod = suite_module.get(suite)
        cands = [dmesg[mod]] if mod in dmesg else list(dmesg.values())
        # Then the live console: complete even if the ring buffer wrapped.
        cands.append([l for l in log if TS.match(l)])
        for lines in cands:
            doc = suite_from_dmesg(lines, suite)
            if doc:
                res = parse_ktap(args.ksrc, doc, os.path.join(args.out, suite + '.ktap'))
                break
        if not res and ktap.get(suite):
            doc = [l.rstrip() for l in ktap[suite]]
            path = os.path.join(args.out, suite + '.debugfs.ktap')
            res = parse_ktap(args.ksrc, doc, path)
            src_note = ' (from debugfs: not found in the console)'
        if not res:
            print(f'  suite {suite}: MISSING')
            findings.append(f'suite {suite} did not run')
            failed += 1
            continue
        ok, p, f, out = res
        passed += p
        failed += f
        print(f'  suite {suite}: {"ok" if ok else "FAILED"}, '
              f'{p} passed, {f} failed{src_note}')
        if not ok:
            for line in out.splitlines():
                if re.search(r'FAILED|CRASHED|ERROR|SKIPPED|Testing complete', line):
                    print('    ' + line)

    for finding in findings:
        print('  ' + finding)
    print(f'kunit passed={passed} failed={failed} findings={len(findings)}')
    return 1 if findings or failed else 0


if __name__ == '__main__':
    sys.exit(main())
