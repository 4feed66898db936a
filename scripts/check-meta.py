#!/usr/bin/env python3
"""scripts/check-meta.py: validates META.json against the PGXN Meta Spec 1.0.0
(https://pgxn.org/spec/) and against the project itself: the version is the
control file's default_version, and every file it names exists.

Written from the spec's text (no network at test time, and Debian has no
packaged validator).  Prints "META.json is OK" or the errors; exit 1 on any.
Usage: scripts/check-meta.py [META.json]
"""
import json
import os
import re
import sys

SEMVER = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z]+)?$')
TERM = re.compile(r'^[^\s/\\:]{2,}$')
LICENSES = {
    'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd', 'freebsd',
    'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1', 'lgpl_3_0', 'mit',
    'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5', 'postgresql', 'qpl_1_0', 'ssleay',
    'sun', 'zlib', 'open_source', 'restricted', 'unrestricted', 'unknown'}
PHASES = {'configure', 'build', 'runtime', 'test', 'develop'}
RELATIONS = {'requires', 'recommends', 'suggests', 'conflicts'}
RANGE_OP = re.compile(r'^(==|!=|>=|<=|>|<)?\s*(\S+)$')
KNOWN = {'name', 'abstract', 'description', 'version', 'maintainer', 'license', 'provides',
         'prereqs', 'resources', 'release_status', 'generated_by', 'tags', 'no_index', 'meta-spec'}
REQUIRED = ['name', 'abstract', 'version', 'maintainer', 'license', 'provides', 'meta-spec']

errors = []


def err(path, msg):
    errors.append('%s: %s' % (path, msg))


def nonempty_string(v, path):
    if not isinstance(v, str) or not v.strip():
        err(path, 'must be a non-empty string')
        return False
    return True


def semver(v, path):
    if not isinstance(v, str) or not SEMVER.match(v):
        err(path, 'must be a semantic version (major.minor.patch), not %r' % (v,))


def version_range(v, path):
    if v == 0 or v == '0':
        return
    if not isinstance(v, str):
        err(path, 'must be a version or version range string')
        return
    for part in v.split(','):
        m = RANGE_OP.match(part.strip())
        if not m or not SEMVER.match(m.group(2)):
            err(path, 'is not a version range: %r' % (v,))
            return


def url(v, path):
    if not isinstance(v, str) or not re.match(r'^[a-z][a-z0-9+.-]*://\S+$', v):
        err(path, 'must be a URL')


def check_license(v):
    if isinstance(v, str):
        if v not in LICENSES:
            err('license', 'unknown license string %r' % v)
    elif isinstance(v, list) and v:
        for i, s in enumerate(v):
            if s not in LICENSES:
                err('license[%d]' % i, 'unknown license string %r' % (s,))
    elif isinstance(v, dict) and v:
        for k, u in v.items():
            url(u, 'license.%s' % k)
    else:
        err('license', 'must be a license string, a list of them, or an object of name: URL')


def check_provides(v, root):
    if not isinstance(v, dict) or not v:
        err('provides', 'must be an object with at least one extension')
        return
    for ext, spec in v.items():
        p = 'provides.%s' % ext
        if not TERM.match(ext):
            err(p, 'extension name is not a valid term')
        if not isinstance(spec, dict):
            err(p, 'must be an object')
            continue
        for k in spec:
            if k not in ('file', 'version', 'abstract', 'docfile') and not k.lower().startswith('x_'):
                err('%s.%s' % (p, k), 'unknown key')
        if nonempty_string(spec.get('file'), p + '.file') and not os.path.isfile(os.path.join(root, spec['file'])):
            err(p + '.file', 'no such file %s' % spec['file'])
        semver(spec.get('version'), p + '.version')
        if 'abstract' in spec:
            nonempty_string(spec['abstract'], p + '.abstract')
        if 'docfile' in spec and nonempty_string(spec['docfile'], p + '.docfile') \
                and not os.path.isfile(os.path.join(root, spec['docfile'])):
            err(p + '.docfile', 'no such file %s' % spec['docfile'])


def check_prereqs(v):
    if not isinstance(v, dict):
        err('prereqs', 'must be an object')
        return
    for phase, rels in v.items():
        if phase not in PHASES:
            err('prereqs.%s' % phase, 'unknown phase')
            continue
        if not isinstance(rels, dict):
            err('prereqs.%s' % phase, 'must be an object')
            continue
        for rel, deps in rels.items():
            p = 'prereqs.%s.%s' % (phase, rel)
            if rel not in RELATIONS:
                err(p, 'unknown relationship')
            elif not isinstance(deps, dict):
                err(p, 'must be an object of name: version')
            else:
                for name, ver in deps.items():
                    version_range(ver, '%s.%s' % (p, name))


def check_resources(v):
    if not isinstance(v, dict):
        err('resources', 'must be an object')
        return
    for k, r in v.items():
        if k == 'homepage':
            url(r, 'resources.homepage')
        elif k == 'bugtracker':
            for kk, rr in (r or {}).items():
                (url if kk == 'web' else nonempty_string)(rr, 'resources.bugtracker.' + kk)
        elif k == 'repository':
            for kk, rr in (r or {}).items():
                (url if kk in ('url', 'web') else nonempty_string)(rr, 'resources.repository.' + kk)
        elif not k.lower().startswith('x_'):
            err('resources.' + k, 'unknown resource')


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'META.json'
    root = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, encoding='utf-8') as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        print('%s is invalid: %s' % (path, e))
        return 1
    if not isinstance(meta, dict):
        print('%s is invalid: not a JSON object' % path)
        return 1
    for k in REQUIRED:
        if k not in meta:
            err(k, 'missing mandatory field')
    for k in meta:
        if k not in KNOWN and not k.lower().startswith('x_'):
            err(k, 'unknown field (custom fields start with x_)')
    if 'name' in meta and (not isinstance(meta['name'], str) or not TERM.match(meta['name'])):
        err('name', 'must be a term: 2+ characters, no whitespace, slash, backslash or colon')
    for k in ('abstract', 'description', 'generated_by'):
        if k in meta:
            nonempty_string(meta[k], k)
    if 'version' in meta:
        semver(meta['version'], 'version')
    m = meta.get('maintainer')
    if m is not None and not (isinstance(m, str) and m.strip()) and not (
            isinstance(m, list) and m and all(isinstance(x, str) and x.strip() for x in m)):
        err('maintainer', 'must be a string or a list of strings')
    if 'license' in meta:
        check_license(meta['license'])
    if 'provides' in meta:
        check_provides(meta['provides'], root)
    if 'prereqs' in meta:
        check_prereqs(meta['prereqs'])
    if 'resources' in meta:
        check_resources(meta['resources'])
    if 'release_status' in meta and meta['release_status'] not in ('stable', 'testing', 'unstable'):
        err('release_status', 'must be stable, testing or unstable')
    if 'tags' in meta and not (isinstance(meta['tags'], list) and all(
            isinstance(t, str) and 0 < len(t) <= 255 for t in meta['tags'])):
        err('tags', 'must be a list of strings of 1 to 255 characters')
    if 'no_index' in meta:
        ni = meta['no_index']
        if not isinstance(ni, dict) or any(k not in ('file', 'directory') for k in ni):
            err('no_index', 'must be an object with file and/or directory lists')
    spec = meta.get('meta-spec')
    if spec is not None:
        if not isinstance(spec, dict) or spec.get('version') != '1.0.0':
            err('meta-spec.version', 'must be "1.0.0"')
        elif 'url' in spec:
            url(spec['url'], 'meta-spec.url')
    # the project itself: META.json says what the control file says
    control = os.path.join(root, '%s.control' % meta.get('name', ''))
    if os.path.isfile(control):
        with open(control, encoding='utf-8') as f:
            dv = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M)
        if dv and meta.get('version') != dv.group(1):
            err('version', '%r differs from default_version %r in %s'
                % (meta.get('version'), dv.group(1), os.path.basename(control)))
        ext = (meta.get('provides') or {}).get(meta.get('name'), {})
        if dv and isinstance(ext, dict) and ext.get('version') != dv.group(1):
            err('provides.%s.version' % meta['name'], 'differs from default_version %r' % dv.group(1))
    if errors:
        print('%s is invalid. Errors:' % path)
        for e in errors:
            print('  ' + e)
        return 1
    print('%s is OK' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
