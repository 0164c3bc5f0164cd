#!/usr/bin/env python3
"""Seeds for the console-log fuzz target (tests/fuzz/run.sh console).

usage: console-seeds.py DMABENCH OUTDIR FILE...

Each FILE as `DMABENCH export FILE --format console` prints it (a file export
refuses, not a result file, is encoded here the same way: gzip, base64 in
lines of 76). Then each cut down (two results, eight samples a phase: a
fixture's JSON is most of what an input costs) as captures damage it. Written
to OUTDIR as NAME.log, NAME-small-printk.log, NAME-small-lava.log, ... and
two.log (two files in one log).
"""
import base64
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile

BEGIN = '----- dmabench result begin'
END = '----- dmabench result end'


def console(dmabench, path):
    """The console form of @path: dmabench's own, or the same made here."""
    r = subprocess.run([dmabench, 'export', path, '--format', 'console'],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return r.stdout.splitlines()
    data = open(path, 'rb').read()
    name = os.path.basename(path)
    b64 = base64.b64encode(gzip.compress(data, 9, mtime=0)).decode()
    return ([f'{BEGIN} {name} bytes={len(data)} gzip+base64'] +
            [b64[i:i + 76] for i in range(0, len(b64), 76)] + [f'{END} {name}'])


def lava(line):
    """A LAVA job log entry (lava_common/log.py: YAML flow mapping, double-quoted)."""
    msg = line.replace('\\', '\\\\').replace('"', '\\"')
    return f'- {{"dt": "2026-11-29T10:00:00.123456", "lvl": "target", "msg": "{msg}"}}'


def variants(lines, rng):
    n = len(lines)
    noise = ['[   12.345678] usb 1-1: new high-speed USB device number 2 using ehci-platform',
             'root@board:~# ', 'done', 'OK', '\x1b[32mPASS\x1b[0m']
    yield 'crlf', '\r\n'.join(lines) + '\r\n'
    yield 'printk', ''.join(f'[{12 + i / 1000:12.6f}] {l}\r\n' for i, l in enumerate(lines))
    yield 'lava', '\n'.join(lava(l) for l in lines) + '\n'
    out = []
    for l in lines:
        out.append(l)
        if rng.random() < 0.3:
            out.append(rng.choice(noise))
    yield 'noise', '\n'.join(out) + '\n'
    yield 'cut', '\n'.join(lines[:n // 2]) + '\n'
    yield 'lost', '\n'.join(lines[:n // 2] + lines[n // 2 + 1:]) + '\n'
    mid = lines[n // 2]
    flipped = mid[:10] + ('A' if mid[10] != 'A' else 'B') + mid[11:]
    yield 'flip', '\n'.join(lines[:n // 2] + [flipped] + lines[n // 2 + 1:]) + '\n'
    yield 'cr', '\r'.join(lines) + '\r'


def small(path, tmp):
    """@path cut down as tests/fuzz/run.sh cuts the result target's seeds; itself if not JSON."""
    try:
        d = json.load(open(path))
        results = d['results']
        d['results'] = [r for r in results if not r.get('skipped')][:2] + \
            [r for r in results if r.get('skipped')][:1]
        for r in d['results']:
            if isinstance(r.get('repetitions'), list):
                r['repetitions'] = r['repetitions'][:3]
            for ph in ((r.get('samples') or {}).get('phases') or {}).values():
                ph['ns'] = ph['ns'][:8]
    except (ValueError, KeyError, TypeError, AttributeError):
        return path
    out = os.path.join(tmp, os.path.basename(path))
    with open(out, 'w') as f:
        json.dump(d, f, separators=(',', ':'))
    return out


def main():
    dmabench, outdir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    rng = random.Random(1)
    os.makedirs(outdir, exist_ok=True)
    exported = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            name = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(outdir, name + '.log'), 'w') as f:
                f.write('\n'.join(console(dmabench, path)) + '\n')
            lines = console(dmabench, small(path, tmp))
            exported[name] = lines
            for what, text in variants(lines, rng):
                with open(os.path.join(outdir, f'{name}-small-{what}.log'), 'w',
                          newline='') as f:
                    f.write(text)
    names = sorted(exported)
    if len(names) >= 2:
        with open(os.path.join(outdir, 'two.log'), 'w') as f:
            f.write('boot\n' + '\n'.join(exported[names[0]]) + '\nnoise\n' +
                    '\n'.join(exported[names[1]]) + '\n')


if __name__ == '__main__':
    main()
