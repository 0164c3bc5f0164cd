#!/usr/bin/env python3
"""LAVA's run.sh for a test definition, as the dispatcher writes it
(lava_dispatcher/actions/deploy/testdef.py, handle_parameters() and run(), in the
lava repository as of d27bcfdb): the definition's params, then the job's, as
NAME='value'; set -e; STARTRUN; the steps; ENDRUN. lava-test-runner runs it
with "$SHELL -e" from RUNNER (the repository's copy), where a file uuid holds
the run's UUID.
usage: write-runner.py TESTDEF RUNNER [NAME=VALUE...] > RUNNER/run.sh"""
import sys

import yaml

testdef, runner = sys.argv[1], sys.argv[2]
given = dict(a.split('=', 1) for a in sys.argv[3:])
d = yaml.safe_load(open(testdef))
print('###default parameters from test definition###')
for k, v in d.get('params', {}).items():
    print("%s='%s'" % (k, '' if v is None else v))
print('######')
print('###test parameters from job submission###')
for k, v in given.items():
    print("%s='%s'" % (k, v))
print('######')
print('set -e\nset -x\nexport TESTRUN_ID=0_%s\ncd %s\nUUID="$(cat uuid)"\nset +x' % (
    d['metadata']['name'], runner))
print('echo "<LAVA_SIGNAL_STARTRUN $TESTRUN_ID $UUID>"\nset -x')
for step in d['run']['steps']:
    print(step)
print('set +x\necho "<LAVA_SIGNAL_ENDRUN $TESTRUN_ID $UUID>"')
