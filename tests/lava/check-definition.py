#!/usr/bin/python3
"""Checks lava/dmabench.yaml and lava/job-example.yaml against what LAVA requires.

usage: tests/lava/check-definition.py TESTDEF.yaml JOB.yaml REPO_TOP

LAVA validates with voluptuous schemas; these are the same rules, written out
here (no voluptuous on the machines), taken from the lava repository at commit
d27bcfdb59c6b0cd670164fafb04d03a75ff002a:
  lava_common/schemas/test/testdef.py      the test definition (extra keys allowed)
  lava_common/schemas/__init__.py          the job: job(), action(), timeout(),
                                           check_job_timeouts(), check_namespace()
  lava_common/schemas/deploy/__init__.py   deploy: url(), schema()
  lava_common/schemas/deploy/tftp.py       deploy to tftp
  lava_common/schemas/boot/__init__.py     boot: auto_login(), prompts(), schema()
  lava_common/schemas/boot/u_boot.py       boot by u-boot
  lava_common/schemas/test/definition.py   test definitions from git, url or inline
  lava_dispatcher/actions/deploy/testdef.py  handle_parameters(): each param becomes
                                           NAME='value' in run.sh
The job is validated strictly (validate(strict=True): no key the schemas do not
name), the test definition with extra keys allowed, as LAVA does. Beyond the
schemas, what makes a job run wrong without an error: a param the job sets that
the definition does not declare (an unused shell variable), a declared param the
steps never use, a step's script that is not in the repository or not executable,
a definition path that is not there. Prints one line per check; exits 1 on any
failure. Ends with "N passed, N failed".
"""
import os
import re
import sys

import yaml


class Req(str):
    """A required key."""


class Opt(str):
    """An optional key."""


class Any:
    def __init__(self, *alternatives):
        self.alternatives = alternatives


class Match:
    def __init__(self, pattern):
        self.pattern = re.compile(pattern)


class Range:
    def __init__(self, low, high=None):
        self.low, self.high = low, high


def validate(schema, data, path, extra):
    """Errors of DATA against SCHEMA, as 'path: what' strings."""
    where = '.'.join(path) or '(top)'
    if isinstance(schema, Any):
        found = []
        for alt in schema.alternatives:
            errs = validate(alt, data, path, extra)
            if not errs:
                return []
            found.append(errs)
        return ['%s: matches none of the %d forms (%s)' % (
            where, len(found), '; '.join(min(found, key=len)))]
    if isinstance(schema, Match):
        if isinstance(data, str) and schema.pattern.match(data):
            return []
        return ['%s: %r does not match %s' % (where, data, schema.pattern.pattern)]
    if isinstance(schema, Range):
        if isinstance(data, int) and not isinstance(data, bool) and data >= schema.low and (
                schema.high is None or data <= schema.high):
            return []
        return ['%s: %r is not a whole number from %s' % (where, data, schema.low)]
    if isinstance(schema, type):
        if isinstance(data, schema) and not (schema is int and isinstance(data, bool)):
            return []
        return ['%s: %r is not a %s' % (where, data, schema.__name__)]
    if isinstance(schema, str):
        return [] if data == schema else ['%s: %r is not %r' % (where, data, str(schema))]
    if isinstance(schema, list):
        if not isinstance(data, list):
            return ['%s: %r is not a list' % (where, data)]
        errs = []
        for i, item in enumerate(data):
            errs += validate(schema[0], item, path + ['[%d]' % i], extra)
        return errs
    if isinstance(schema, dict):
        if not isinstance(data, dict):
            return ['%s: %r is not a mapping' % (where, data)]
        errs = ['%s: %s is required' % (where, k) for k in schema
                if isinstance(k, Req) and k not in data]
        for key, value in data.items():
            sub = None
            for k, s in schema.items():
                if (isinstance(k, str) and k == key) or (isinstance(k, Match) and isinstance(key, str)
                                                          and k.pattern.match(key)) or k is str:
                    sub = s
                    break
            if sub is None:
                if not extra:
                    errs.append('%s: %s is not a key LAVA knows here' % (where, key))
                continue
            errs += validate(sub, value, path + [str(key)], extra)
        return errs
    raise TypeError(schema)


# lava_common/schemas/test/testdef.py: testdef()
TESTDEF = {
    Req('metadata'): {
        Req('format'): 'Lava-Test Test Definition 1.0',
        Req('name'): str,
        Opt('description'): str,
        Opt('environment'): [str],
        Opt('devices'): [str],
        Opt('maintainer'): [str],
        Opt('scope'): [str],
        Opt('os'): [str],
    },
    Opt('install'): {
        Opt('deps'): [str],
        Match(r'deps-.+'): [str],
        Opt('git-repos'): [Any(str, {Req('url'): str, Opt('branch'): str, Opt('destination'): str})],
        Opt('keys'): [str],
        Opt('steps'): [str],
        Opt('sources'): [str],
    },
    Opt('parameters'): dict,
    Opt('params'): dict,
    Opt('parse'): {Opt('fixupdict'): {str: Any('pass', 'fail', 'skip', 'unknown')}},
    Opt('run'): {Req('steps'): [str]},
    Opt('expected'): [str],
}


# lava_common/schemas/__init__.py: timeout(), action()
def timeout():
    return Any(*({Req(unit): Range(1), Opt('skip'): bool} for unit in ('days', 'hours', 'minutes', 'seconds')))


def action():
    return {
        Opt('namespace'): str,
        Opt('connection-namespace'): str,
        Opt('protocols'): object,
        Opt('role'): [str],
        Opt('timeout'): timeout(),
        Opt('timeouts'): {str: timeout()},
        Opt('repeat'): Range(1),
        Opt('failure_retry'): Range(1),
        Opt('failure_retry_interval'): Range(1),
    }


JOB = {
    Req('job_name'): str,
    Opt('device_type'): str,
    Opt('device'): str,
    Opt('worker'): str,
    Req('timeouts'): {
        Req('job'): timeout(),
        Opt('action'): timeout(),
        Opt('actions'): {str: timeout()},
        Opt('connection'): timeout(),
        Opt('connections'): {str: timeout()},
        Opt('queue'): timeout(),
    },
    Req('visibility'): Any('public', 'personal', {'group': [str]}),
    Opt('context'): dict,
    Opt('metadata'): {str: object},
    Opt('priority'): Any('high', 'medium', 'low', Range(0, 100)),
    Opt('tags'): [str],
    Opt('secrets'): {str: str},
    Opt('environment'): dict,
    Opt('protocols'): dict,
    Opt('notify'): dict,
    Opt('reboot_to_fastboot'): bool,
    Req('actions'): [dict],
}


# lava_common/schemas/deploy/__init__.py: url() (the plain form), schema(); deploy/tftp.py
def url(extra=None):
    base = {
        Req('url'): str,
        Opt('headers'): dict,
        Opt('compression'): Any('bz2', 'gz', 'xz', 'zip', 'zstd', None),
        Opt('archive'): 'tar',
        Opt('md5sum'): str,
        Opt('sha256sum'): str,
        Opt('sha512sum'): str,
        Opt('use_cache'): bool,
    }
    base.update(extra or {})
    return base


DEPLOY_TFTP = dict(action(), **{
    Opt('os'): str,
    Opt('authorize'): 'ssh',
    Opt('overlay_backend'): Any('auto', 'e2fsprogs', 'guestfs'),
    Req('to'): 'tftp',
    Opt('kernel'): url({Opt('type'): Any('image', 'uimage', 'zimage')}),
    Opt('dtb'): url(),
    Opt('dtbo'): [url()],
    Opt('modules'): url(),
    Opt('preseed'): url(),
    Opt('ramdisk'): url({Opt('install_modules'): bool, Opt('install_overlay'): bool,
                         Opt('header'): 'u-boot'}),
    Opt('nfsrootfs'): url({Opt('install_modules'): bool, Opt('install_overlay'): bool,
                           Opt('prefix'): str}),
    Opt('persistent_nfs'): {Req('address'): str, Opt('install_overlay'): bool},
    Opt('tee'): url(),
    Opt('extra_files'): {str: url()},
})

# lava_common/schemas/boot/__init__.py and boot/u_boot.py
NONEMPTY = Match(r'.')
BOOT_UBOOT = dict(action(), **{
    Opt('parameters'): {Opt('bootloader-final-message'): str, Opt('kernel-start-message'): str,
                        Opt('shutdown-message'): str},
    Opt('soft_reboot'): Any(str, [str]),
    Opt('ignore_kernel_messages'): bool,
    Req('method'): 'u-boot',
    Req('commands'): Any(str, [str]),
    Opt('prompts'): Any(NONEMPTY, [NONEMPTY]),
    Opt('auto_login'): Any(
        {Req('login_prompt'): NONEMPTY, Req('username'): str, Opt('login_commands'): [NONEMPTY]},
        {Req('login_prompt'): NONEMPTY, Req('username'): str, Req('password_prompt'): str,
         Req('password'): str, Opt('login_commands'): [str]}),
    Opt('reset'): bool,
    Opt('use_bootscript'): bool,
    Opt('transfer_overlay'): dict,
})

# lava_common/schemas/test/definition.py: definitions from git
COMMON = {
    Req('path'): str,
    Req('name'): Match(r'^[-_a-zA-Z0-9.]+$'),
    Opt('skip_install'): [Any('keys', 'sources', 'deps', 'steps', 'git-repos', 'all')],
    Opt('lava-signal'): Any('kmsg', 'stdout'),
    Opt('expected'): [str],
}
TEST_DEFINITION = dict(action(), **{
    Req('definitions'): [dict(COMMON, **{
        Req('repository'): str,
        Req('from'): 'git',
        Opt('branch'): str,
        Opt('history'): bool,
        Opt('revision'): str,
        Opt('parameters'): dict,
        Opt('params'): dict,
        Opt('recursive'): bool,
    })],
})


def seconds(t):
    unit, = [k for k in t if k != 'skip']
    return t[unit] * {'days': 86400, 'hours': 3600, 'minutes': 60, 'seconds': 1}[unit]


passed = failed = 0


def verdict(ok, what, errs=()):
    global passed, failed
    if ok:
        passed += 1
        print('ok   ' + what)
    else:
        failed += 1
        print('FAIL %s: %s' % (what, '; '.join(errs)))


def main(testdef_path, job_path, top):
    testdef = yaml.safe_load(open(testdef_path))
    job = yaml.safe_load(open(job_path))
    name = os.path.relpath(testdef_path, top)

    errs = validate(TESTDEF, testdef, [], extra=True)
    verdict(not errs, '%s: a test definition by LAVA\'s schema (testdef.py)' % name, errs)
    md = testdef.get('metadata', {})
    missing = [k for k in ('name', 'format', 'description', 'maintainer', 'os', 'devices', 'scope')
               if not md.get(k)]
    verdict(not missing, '%s: metadata has name, format, description, maintainer, os, devices, scope'
            % name, ['empty or missing: ' + ', '.join(missing)])
    params = testdef.get('params') or {}
    bad = ['%s: %r' % (k, v) for k, v in params.items()
           if not re.match(r'^[A-Z_][A-Z0-9_]*$', str(k)) or not isinstance(v, str)]
    # handle_parameters() writes NAME='value' with Python's str(): false arrives as 'False'
    verdict(params and not bad, '%s: params a mapping of shell names to strings (%d)' % (
        name, len(params)), bad or ['no params'])
    steps = (testdef.get('run') or {}).get('steps') or []
    text = '\n'.join(steps)
    unused = [k for k in params if not re.search(r'\$\{?%s\b' % k, text)]
    undeclared = sorted(set(re.findall(r'\$\{?([A-Z_][A-Z0-9_]*)', text)) - set(params))
    verdict(not unused and not undeclared, '%s: the steps use every param and no other variable' % name,
            ['unused: %s' % unused, 'undeclared: %s' % undeclared])
    scripts = [s.split()[0] for s in steps if s.split() and s.split()[0].startswith('./')]
    absent = [s for s in scripts if not os.access(os.path.join(top, s), os.X_OK)]
    verdict(scripts and not absent, '%s: the steps run %s, in the repository and executable' % (
        name, ', '.join(scripts) or 'no script'), ['not there or not executable: %s' % absent])

    jname = os.path.relpath(job_path, top)
    errs = validate(JOB, job, [], extra=False)
    verdict(not errs, '%s: a job by LAVA\'s schema (job(), strict)' % jname, errs)
    verdict(bool(job.get('device_type')), '%s: names a device_type (or it must be multinode)' % jname,
            ['no device_type'])
    types = [next(iter(a)) for a in job.get('actions', [])]
    verdict(types == ['deploy', 'boot', 'test'] and all(len(a) == 1 for a in job['actions']),
            '%s: actions deploy, boot, test, one key each' % jname, ['actions: %s' % types])
    schemas = {'deploy': (DEPLOY_TFTP, 'deploy/tftp.py'), 'boot': (BOOT_UBOOT, 'boot/u_boot.py'),
               'test': (TEST_DEFINITION, 'test/definition.py')}
    limit = seconds(job['timeouts']['job'])
    for a in job.get('actions', []):
        kind, body = next(iter(a.items()))
        if kind not in schemas:
            continue
        schema, source = schemas[kind]
        errs = validate(schema, body, [kind], extra=False)
        verdict(not errs, '%s: %s by LAVA\'s schema (%s, strict)' % (jname, kind, source), errs)
        t = body.get('timeout')
        # check_job_timeouts(): no action may outlast the job
        verdict(t is None or seconds(t) <= limit, '%s: %s\'s timeout within the job\'s' % (jname, kind),
                ['%s s > %s s' % (seconds(t) if t else 0, limit)])
    tests = [d for a in job.get('actions', []) if 'test' in a for d in a['test'].get('definitions', [])]
    ours = [d for d in tests if d.get('path') == name]
    verdict(len(ours) == 1, '%s: runs %s from a git repository' % (jname, name),
            ['paths: %s' % [d.get('path') for d in tests]])
    for d in ours:
        given = d.get('params') or {}
        unknown = sorted(set(given) - set(params))
        verdict(not unknown, '%s: sets only params %s declares (%s)' % (jname, name, ', '.join(given)),
                ['not declared: %s' % unknown])
        bad = ['%s: %r' % (k, v) for k, v in given.items() if not isinstance(v, str)]
        verdict(not bad, '%s: its params are strings' % jname, bad)
        verdict(d.get('name') == md.get('name'), '%s: the definition is named %s, as its metadata' % (
            jname, md.get('name')), ['name %r' % d.get('name')])
    print('lava-definition: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) != 4:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
