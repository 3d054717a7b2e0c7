#!/usr/bin/env python3
"""Summarizes a `perf record --call-graph dwarf` profile of `relais import`.

Each sample is charged to the innermost Relais function on its stack (its own time plus the
library code it called: Foundation, the Swift runtime, libxml2, SQLite...), and separately to
the library bucket below that frame. Usage (see Benchmarks/README.md):

    perf script -F comm,tid,ip,sym,dso -i perf.data | swift demangle --simplified \
        | python3 Benchmarks/profile/perf-owner.py [rows] [--callees FUNCTION]
"""
import collections
import re
import sys

PROJECT = re.compile(
    r'^(static )?(Normalize|VCard|LOMMapper|XElement|SecureXMLReader|InputGuard|Store|Vocabularies|'
    r'RecordBuilder|ContentHash|ResourceID|Importer|XMLRecordParser|Statement|Database|SearchText|'
    r'String\.caseInsensitiveEquals|Array<A>\.uniqued|Resource|FrenchAnalyzer|FrenchTokenizer|ImportCommand|'
    r'closure #\d+ in .*(LOMMapper|Importer|Normalize|VCard|XElement|Store|Vocabularies|SecureXMLReader|'
    r'XMLRecordParser|Database))')
LIBRARIES = [
    ('Swift Regex: compile (Regex init / parse / lower)',
     re.compile(r'Regex\.init|Regex<A>\.init|^Parser\.|Compiler\.|loweredProgram|Regex\.Program\.init|dslTreeNode')),
    ('Swift Regex: match', re.compile(r'Regex\.(wholeMatch|prefixMatch|firstMatch)|Executor\.|Processor\.')),
    ('SQLite', re.compile(r'^sqlite3')),
    ('libxml2', re.compile(r'^xml')),
    ('JSONEncoder', re.compile(r'JSONEncoder|JSONWriter|_JSONKeyed|_JSONUnkeyed')),
    ('SHA-256', re.compile(r'sha256|SHA256|CCryptoBoringSSL')),
    ('Foundation strings (replacing/trimming/folding/components, NSString)',
     re.compile(r'replacingOccurrences|trimmingCharacters|folding\(|components\(separatedBy|NSString|CFString|NSRegularExpression')),
]


def normalize(symbol):
    symbol = re.sub(r'\+0x[0-9a-f]+$', '', symbol.strip())
    symbol = symbol.replace('specialized ', '').replace(' (inlined)', '')
    return re.sub(r'^(partial apply for |thunk for |protocol witness for |merged |outlined copy of |'
                  r'outlined destroy of )+', '', symbol)


def stacks(lines):
    stack = []
    for line in lines:
        if not line.strip() or line[0] not in ' \t':
            if stack:
                yield stack
            stack = []
            continue
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            stack.append(normalize(re.sub(r'\s+\([^()]*\)$', '', parts[1])))
    if stack:
        yield stack


def main():
    rows = 40
    callees = None
    args = sys.argv[1:]
    if '--callees' in args:
        index = args.index('--callees')
        callees = args[index + 1]
        del args[index:index + 2]
    if args:
        rows = int(args[0])
    owners, buckets, below = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for stack in stacks(sys.stdin):
        total += 1
        owner = next((s for s in stack if PROJECT.match(s)), '(no Relais frame)')
        owners[owner] += 1
        bucket = 'Swift runtime, stdlib, malloc (in Relais code)'
        for symbol in stack:
            hit = next((name for name, rx in LIBRARIES if rx.search(symbol)), None)
            if hit:
                bucket = hit
                break
            if PROJECT.match(symbol):
                break
        buckets[bucket] += 1
        if callees:
            positions = [i for i, s in enumerate(stack) if s.startswith(callees)]
            if positions:
                i = positions[-1]
                below[stack[i - 1] if i > 0 else '(self)'] += 1
    print(f'{total} samples')
    if callees:
        print(f'== {callees}: {100 * sum(below.values()) / total:.1f}% inclusive; direct callees ==')
        for name, count in below.most_common(rows):
            print(f'{100 * count / total:6.2f}%  {name[:150]}')
        return
    print('== innermost Relais function (self + library callees) ==')
    for name, count in owners.most_common(rows):
        print(f'{100 * count / total:6.2f}%  {name[:150]}')
    print('== library bucket below that frame ==')
    for name, count in buckets.most_common():
        print(f'{100 * count / total:6.2f}%  {name}')


if __name__ == '__main__':
    main()
