#!/usr/bin/python3
"""Reads a console log as LAVA's dispatcher does and checks dmabench's results in it.

usage: tests/lava/parse-log.py LOG [--no-run] [--expect CASE=RESULT]... [--raised TEXT]

The dispatcher's rules, from the lava repository at commit d27bcfdb59c6b0cd670164fafb04d03a75ff002a:
  lava_dispatcher/actions/test/shell.py: the pattern r"<LAVA_SIGNAL_(\\S+) ([^>]+)>",
    searched in the console stream (not only at line starts); check_patterns()
    by signal name; signal_test_case(): no TESTCASE before a STARTRUN ("Unknown test
    uuid"); handle_testcase(): every parameter KEY=VALUE, the key lower-cased, else
    "malformed parameter"; TESTRAISE ends the job (TestError); TESTSET START NAME / STOP
  lava_dispatcher/connection.py, SignalMatch.match(): measurement a float, result one
    of pass, fail, skip, unknown, test_case_id required
Then the result file, carried in the same log by dmabench export --format console
(gzip+base64 between the markers), is decoded and every configuration of it must
have arrived as one test case: its id as dmabench export builds it, pass, fail or
skip as export decides (analysis/export.c, outcome()), and when it has timings the
cpu_cost median in us (frame in a version-1 file) with UNITS=us; module-load, run
(in s), module-unload and kernel-log must be there too. --no-run: the log is not from
LAVA's test shell (no STARTRUN); --expect CASE=RESULT: that case had that result;
--raised TEXT: the log must end in a TESTRAISE saying TEXT, and nothing else is
checked. Prints what it found; exits 1 on any fault.
"""
import base64
import gzip
import json
import re
import sys

SIGNAL = re.compile(r'<LAVA_SIGNAL_(\S+) ([^>]+)>')      # shell.py, _reset_patterns()
BEGIN = re.compile(r'^----- dmabench result begin (\S+) bytes=(\d+) gzip\+base64$')
END = '----- dmabench result end '
RESULTS = ('pass', 'fail', 'skip', 'unknown')            # connection.py, SignalMatch


class Fault(Exception):
    pass


def dispatch(text, need_run):
    """The test cases, in order, as the dispatcher records them; raises Fault where it would."""
    cases, run, testset, raised = [], None, None, None
    for m in SIGNAL.finditer(text):
        name, params = m.group(1), m.group(2).split()
        if name == 'STARTRUN':
            if len(params) < 2:
                raise Fault('STARTRUN without a name and uuid: %r' % m.group(0))
            run = params[0]
        elif name == 'ENDRUN':
            run = None
        elif name == 'TESTSET':
            action = params.pop(0)
            if action == 'START':
                if not params:
                    raise Fault('Test set declared without a name')
                testset = params[0]
            elif action == 'STOP':
                testset = None
        elif name == 'TESTRAISE':
            raised = ' '.join(params)
            break       # TestError: the job ends here
        elif name == 'TESTREFERENCE':
            if len(params) != 3:
                raise Fault('Invalid use of TESTREFERENCE: %r' % m.group(0))
        elif name == 'TESTCASE':
            if run is None and need_run:
                raise Fault('Unknown test uuid: TESTCASE before STARTRUN: %r' % m.group(0))
            data = {}
            for p in params:
                key, eq, value = p.partition('=')
                if not eq:
                    raise Fault('Ignoring malformed parameter for signal: "%s" in %r' % (p, m.group(0)))
                data[key.lower()] = value
            if 'test_case_id' not in data:
                raise Fault('Test case results without test_case_id: %r' % m.group(0))
            if data.get('result') not in RESULTS:
                raise Fault('Bad test result: %r' % data.get('result'))
            if 'measurement' in data:
                try:
                    data['measurement'] = float(data['measurement'])
                except ValueError:
                    raise Fault('Invalid measurement %r' % data['measurement'])
            data['set'] = testset
            data['definition'] = run
            cases.append(data)
    return cases, raised


def result_file(lines):
    """The result file export --format console put in the log, decoded and checked."""
    for i, line in enumerate(lines):
        m = BEGIN.match(line)
        if not m:
            continue
        name, size = m.group(1), int(m.group(2))
        body = []
        for line in lines[i + 1:]:
            if line == END + name:
                data = gzip.decompress(base64.b64decode(''.join(body), validate=True))
                if len(data) != size:
                    raise Fault('%s: %d bytes, the marker says %d' % (name, len(data), size))
                return name, json.loads(data)
            body.append(line)
        raise Fault('%s: no end marker' % name)
    raise Fault('no result file in the log (dmabench export --format console)')


def size_name(n):           # harness/parse.c, dmab_format_size()
    units = ('B', 'KiB', 'MiB', 'GiB', 'TiB')
    i = 0
    while i < 4 and n and n % 1024 == 0:
        n //= 1024
        i += 1
    return '%d%s' % (n, units[i])


def case_id(r):             # analysis/export.c, dmab_export_case_id()
    pattern = r.get('pattern') if isinstance(r.get('pattern'), str) else 'none'
    raw = '%s_%s_%s_%s_%s' % (r.get('strategy', ''), r.get('backend', ''), r.get('workload', ''),
                              pattern, size_name(r['size_bytes']))
    return re.sub(r'[^A-Za-z0-9_.-]', '_', raw)


def outcome(r):             # analysis/export.c, outcome()
    if r.get('failed') is True:
        return 'fail'
    if isinstance(r.get('skipped'), str):
        return 'skip'
    if (r.get('integrity') or {}).get('verdict') in ('stale', 'corrupt'):
        return 'fail'
    return 'pass'


def headline_us(r):         # analysis/export.c, headline_us()
    phases = r.get('phases') or {}
    p = phases.get('cpu_cost') or phases.get('frame')
    return None if p is None else p['p50_ns'] / 1e3


def main(argv):
    if not argv or argv[0].startswith('-'):
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    log, need_run, expect, raised_text = argv[0], True, {}, None
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == '--no-run':
            need_run = False
        elif a == '--expect' and args:
            k, _, v = args.pop(0).partition('=')
            expect[k] = v
        elif a == '--raised' and args:
            raised_text = args.pop(0)
        else:
            print('parse-log: unknown argument %r' % a, file=sys.stderr)
            return 2
    text = open(log, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
    faults = []
    try:
        cases, raised = dispatch(text, need_run)
    except Fault as e:
        print('FAIL the dispatcher would stop: %s' % e)
        return 1
    if raised_text is not None:
        if raised is None or raised_text not in raised:
            print('FAIL no TESTRAISE saying %r (raised: %r)' % (raised_text, raised))
            return 1
        print('ok   the job ends with a TestError: %s' % raised)
        return 0
    if raised is not None:
        print('FAIL the job ends with a TestError: %s' % raised)
        return 1
    by_id = {}
    for c in cases:
        if c['test_case_id'] in by_id:
            faults.append('%s reported twice' % c['test_case_id'])
        by_id[c['test_case_id']] = c
    try:
        name, d = result_file(text.split('\n'))
    except (Fault, ValueError) as e:
        print('FAIL %s' % e)
        return 1
    ids = []
    for r in d['results']:
        cid = case_id(r)
        ids.append(cid)
        c = by_id.get(cid)
        if c is None:
            faults.append('%s: no test case' % cid)
            continue
        want = outcome(r)
        if c['result'] != want:
            faults.append('%s: %s, the file says %s' % (cid, c['result'], want))
        us = headline_us(r)
        if us is not None:
            if 'measurement' not in c or c.get('units') != 'us':
                faults.append('%s: no measurement in us (%s)' % (cid, c))
            elif abs(c['measurement'] - us) > 0.0006:
                faults.append('%s: %.3f us, the file says %.3f' % (cid, c['measurement'], us))
        elif want != 'skip' and 'measurement' in c:
            faults.append('%s: a measurement without timings in the file' % cid)
        if want in ('skip', 'fail') and not re.search(r'^dmabench: %s %s: .+' % (re.escape(cid), want),
                                                       text, re.M):
            faults.append('%s: %s without a line saying why' % (cid, want))
    for cid in ('module-load', 'run', 'module-unload', 'kernel-log'):
        if cid not in by_id:
            faults.append('%s: no test case' % cid)
    run = by_id.get('run')
    if run and (run.get('units') != 's' or 'measurement' not in run):
        faults.append('run: no measurement in s (%s)' % run)
    for cid, want in expect.items():
        got = by_id.get(cid, {}).get('result')
        if got != want:
            faults.append('%s: %s, expected %s' % (cid, got, want))
    extra = sorted(set(by_id) - set(ids) - {'module-load', 'run', 'module-unload', 'kernel-log'})
    if extra:
        faults.append('test cases no configuration or step explains: %s' % extra)
    counts = {k: sum(1 for c in cases if c['result'] == k) for k in RESULTS}
    print('%s the log carries %s (%d configurations) and %d test cases%s: %s; module-load %s, '
          'run %s in %s s, module-unload %s, kernel-log %s' % (
              'FAIL' if faults else 'ok  ', name, len(d['results']), len(cases),
              ' in %s' % cases[0]['definition'] if cases and cases[0]['definition'] else '',
              ', '.join('%d %s' % (n, k) for k, n in counts.items() if n),
              by_id.get('module-load', {}).get('result'), (run or {}).get('result'),
              (run or {}).get('measurement'), by_id.get('module-unload', {}).get('result'),
              by_id.get('kernel-log', {}).get('result')))
    for f in faults:
        print('     ' + f)
    return 1 if faults else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
