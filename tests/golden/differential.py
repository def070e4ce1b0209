#!/usr/bin/env python3
"""Differential check of `quadlet-ls preview` against podman's generator.

Writes random unit directories (every unit type, keys from the shared key
table, tricky values: quotes, escapes, continuations, references between
units, drop-ins, subdirectories, templates), runs both generators in system
and user mode and compares stdout (with the conformance suite's
order-tolerant comparator), the exit status and the logged messages.

    python3 tests/golden/differential.py [--release 5.4|5.8|6.1] [--count N] [--seed S] [--keep]

--release picks the real generator (`../shared/tools/get-quadlet LINE`, or
$QUADLET), runs `quadlet-ls preview --podman-version LINE`, writes the keys
that release accepts (and now and then a newer one, which it must reject)
and compares with that line's map-ordered flags. Needs ../shared (key table,
compare.py, get-quadlet). A developer tool; not run by cargo test.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(root, '..', 'shared')
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(shared, 'conformance'))
import compare  # noqa: E402
import json  # noqa: E402

EXT = {'Container': 'container', 'Volume': 'volume', 'Network': 'network', 'Kube': 'kube',
       'Image': 'image', 'Build': 'build', 'Artifact': 'artifact', 'Pod': 'pod'}
VALUES = [
    'x', 'quay.io/a/b:1', 'a b', '"quoted value"', "'single q'", 'a\\x20b', 'a\\qb', '', 'true', 'false',
    'yes', '0', '1', '10', '-3', '0x1f', '010', 'db.network', 'db.volume', 'db.image', 'db.build',
    'db.container', 'db.pod', 'db.artifact', 'missing.network', 'nope.volume', '/abs/path', './rel/path',
    'rel.yaml', '%h/file', '%N', 'K=V', 'K=V L="x y"', 'A', 'x:y:z', '/src:/dst:ro', 'db.volume:/d',
    './x:/y', 'type=bind,src=/a,dst=/b', 'type=volume,source=db.volume,target=/t', 'src=./r,dst=/r',
    'auto', 'keep-id', 'manual', 'uid=1', '0:1:2', 'host', 'db.network:ip=1.2.3.4', 'SIGHUP',
    '/bin/cmd arg', 'yaml', 'unit', 'file', 'https://github.com/a/b', 'mixed', 'notify', 'oneshot',
    'healthy', 'ALL', 'CAP_NET_ADMIN', 'a\\', '"unterminated', 'é ü', 'tab\tsep', '\\n', 'a "" b', '80',
    '80-90/udp', 'http', 'image', 'bind', 'ext4', 'rw,noatime', 'NotAKey',
    # release differences: mounts without source or type, image mounts, templates, octal escapes,
    # quotes podman strips differently, bare words in key=value lists, published ports
    'type=bind,target=/x', 'target=/t', 'type=image,source=db.image,target=/i', 'web@.volume:/w',
    'web@i.network', 'web@.pod', '""a""', '"a" "b"', 'a\\101b', '\\060', 'K', 'K=V L',
    '[::1]:80:81', '0.0.0.0:8080:80/tcp', '1:2:3:4', 'x:80', ':/d', '.']


JUNK = ['\\', '', '   ', '# c \\', '[Unit]', 'garbage line', '=novalue', ' Spaced Key = v ',
        'Description=\u00a0nbsp', '\tIndented=1', '[Bad]Group]', 'X-Key=\\', '[Service]\r']


def value(rng):
    v = rng.choice(VALUES)
    if rng.random() < 0.1:
        v += ' ' + rng.choice(VALUES)
    return v


def unit(rng, keys, sec):
    lines = []
    if rng.random() < 0.3:
        lines += ['# leading comment'] + ([''] if rng.random() < 0.5 else [])
    groups = [sec] + [g for g, p in (('Unit', .5), ('Service', .4), ('Quadlet', .2), ('Install', .2))
                      if rng.random() < p]
    rng.shuffle(groups)
    other = {'Unit': ['After', 'Requires', 'Wants', 'Description', 'BindsTo', 'PartOf'],
             'Service': ['Type', 'KillMode', 'Restart', 'SyslogIdentifier', 'User', 'WorkingDirectory',
                         'Environment', 'RemainAfterExit'],
             'Quadlet': ['DefaultDependencies', 'DefaultDependencies', 'Other'],
             'Install': ['WantedBy', 'Alias']}
    for g in groups:
        lines.append('[%s]' % g)
        for _ in range(rng.randint(0, 8)):
            k = rng.choice(keys[sec] + ['NotAKey'] if rng.random() < 0.05 else keys[sec]) if g == sec \
                else rng.choice(other[g])
            if rng.random() < 0.05:
                lines += ['%s=%s \\' % (k, value(rng)), '# inside', '  ' + value(rng)]
            else:
                lines.append('%s=%s' % (k, value(rng)))
            if rng.random() < 0.05:
                lines.append('; semicolon comment')
            if rng.random() < 0.03:
                lines.append(rng.choice(JUNK))
    if sec == 'Container' and rng.random() < 0.8:
        lines.insert(lines.index('[Container]') + 1,
                     'Image=' + rng.choice(['quay.io/a/b', 'db.image', 'db.build', 'short']))
    if sec == 'Kube' and rng.random() < 0.8:
        lines.insert(lines.index('[Kube]') + 1, 'Yaml=' + rng.choice(['k.yaml', '/k.yaml']))
    return '\n'.join(lines) + '\n'


def populate(rng, keys, d):
    """Writes 1-6 units (some with drop-ins) into d; returns how many."""
    names = set()
    for _ in range(rng.randint(1, 6)):
        sec = rng.choice(list(EXT))
        name = rng.choice(['db', 'app', 'web@', 'web@i', 'a-b', 'x']) + '.' + EXT[sec]
        if name in names:
            continue
        names.add(name)
        sub = os.path.join(d, rng.choice(['', '', 'sub']))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, name), 'w') as f:
            f.write(unit(rng, keys, sec))
        if rng.random() < 0.4:
            dd = rng.choice([name + '.d', EXT[sec] + '.d', 'a-.' + EXT[sec] + '.d', 'web@.' + EXT[sec] + '.d'])
            ddir = os.path.join(d, rng.choice(['', 'sub']), dd)
            os.makedirs(ddir, exist_ok=True)
            for cf in rng.sample(['10.conf', '20.conf', 'x.txt'], 2):
                body = '[%s]\n' % sec + ''.join('%s=%s\n' % (rng.choice(keys[sec]), value(rng))
                                                for _ in range(rng.randint(0, 3)))
                if rng.random() < 0.3:
                    body += '[Unit]\nAfter=%s\n' % value(rng)
                with open(os.path.join(ddir, cf), 'w') as f:
                    f.write(body)
    return len(names)


def messages(stderr):
    return sorted(l.split(']: ', 1)[-1] for l in stderr.splitlines()
                  if l.startswith('quadlet-generator[') and 'Loading source' not in l)


def version(v):
    """`v5.4.0` -> (5, 4); `main` (unreleased) -> after every release."""
    if not v[:2].lstrip('v')[:1].isdigit():
        return (99, 0)
    return tuple(int(x) for x in v.lstrip('v').split('.')[:2])


def keys_for(table, release):
    """Per section: the keys `release` accepts; newer ones in a separate list."""
    ok, newer = {}, {}
    for s, sec in table['sections'].items():
        ok[s], newer[s] = [], []
        for k in sec['keys']:
            if not k.get('accepted_by_5.8.6_binary') and not k.get('in_main_source'):
                continue
            (ok if version(k['since']) <= release else newer)[s].append(k['key'])
    return ok, newer


def oracle_for(line):
    if os.environ.get('QUADLET'):
        return os.environ['QUADLET']
    tool = os.path.join(shared, 'tools', 'get-quadlet')
    return subprocess.run([tool, line], capture_output=True, text=True, check=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--keep', action='store_true', help='keep failing directories')
    ap.add_argument('--candidate', default=os.path.join(root, 'target/debug/quadlet-ls'))
    ap.add_argument('--release', default='6.1', choices=['5.4', '5.8', '6.1'])
    a = ap.parse_args()
    oracle = oracle_for(a.release)
    table = json.load(open(os.path.join(shared, 'data', 'quadlet-keytable.json')))
    keys, newer = keys_for(table, version(a.release))
    # Now and then a key the release does not know yet: it must be an error.
    for s in keys:
        keys[s] += newer[s][:2]
    flags = compare.flags_for(a.release)
    rng = random.Random(a.seed)
    failures = 0
    units = 0
    for _ in range(a.count):
        d = tempfile.mkdtemp(prefix='quadlet-ls-diff-')
        units += populate(rng, keys, d)
        ok = True
        for user in (False, True):
            env = dict(os.environ, QUADLET_UNIT_DIRS=d)
            env.pop('PODMAN', None)
            o = subprocess.run([oracle, '-dryrun'] + (['-user'] if user else []), env=env,
                               capture_output=True, text=True)
            c = subprocess.run([a.candidate, 'preview', '--podman-version', a.release]
                               + (['--user'] if user else []), env=env, capture_output=True, text=True)
            diffs = compare.compare(o.stdout, c.stdout, flags)
            if o.returncode != c.returncode:
                diffs.append('exit %d, podman %d' % (c.returncode, o.returncode))
            if messages(o.stderr) != messages(c.stderr):
                diffs.append('stderr: podman %r ours %r' % (messages(o.stderr), messages(c.stderr)))
            if diffs:
                ok = False
                print('FAIL %s (%s):\n  %s' % (d, 'user' if user else 'system', '\n  '.join(diffs)))
                break
        if ok or not a.keep:
            shutil.rmtree(d)
        failures += not ok
    print('differential (podman %s): %d/%d directories identical (%d units, each directory in system and user mode)'
          % (a.release, a.count - failures, a.count, units))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
