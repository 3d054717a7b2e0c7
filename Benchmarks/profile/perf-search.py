#!/usr/bin/env python3
"""Summarizes a `perf record --call-graph dwarf` profile of `relais-bench search`.

Prints, as shares of all samples:
  - inclusive: each search function (RelaisSearch / RelaisStore / RelaisText / RelaisSQLite
    frame) counted once per sample whose stack contains it;
  - innermost: each sample charged to its innermost such frame (self time plus the library
    code it called), with the library bucket of the leaf (SQLite FTS5, SQLite, JSON, malloc...).
Usage (see Benchmarks/README.md, "Search"):

    perf script -F comm,tid,ip,sym,dso -i perf.data | swift demangle --simplified \\
        | python3 Benchmarks/profile/perf-search.py [rows] [--under FUNCTION]

--under FUNCTION restricts the tables to samples whose stack contains FUNCTION (a prefix of
the demangled name, e.g. 'SearchEngine.ranked'); --exclude FUNCTION drops samples whose stack
contains it (e.g. 'FacetIndex.init', the one-time load of the facet index).
"""
import collections
import re
import sys

PROJECT = re.compile(
    r'^(static )?(SearchEngine|FacetIndex|Lexicon|ParsedQuery|QueryParser|FrenchAnalyzer|FrenchStemmer|'
    r'Segmenter|FrenchTokenizer|Store|Statement|Database|Resource|SearchBenchCommand|'
    r'closure #\d+ in .*(SearchEngine|FacetIndex|Lexicon|ParsedQuery|FrenchAnalyzer|Store|Statement|Database))')
LEAF = [
    ('SQLite FTS5: bm25 / rank', re.compile(r'fts5Bm25|fts5ApiPhrase|fts5ApiInst|fts5CacheInstArray|fts5ApiColumnSize|fts5ApiQueryPhrase')),
    ('SQLite FTS5: snippet / highlight', re.compile(r'fts5Snippet|fts5Highlight|fts5SnippetScore|fts5HighlightAppend')),
    ('SQLite FTS5: tokenizer callback (relais_fr)', re.compile(r'FrenchTokenizer|fts5ApiTokenize|xTokenize')),
    ('SQLite FTS5: sorter (ORDER BY rank)', re.compile(r'fts5CursorFirstSorted|fts5SorterNext')),
    ('SQLite FTS5: doclists, segments', re.compile(r'^(fts5|sqlite3Fts5)')),
    ('SQLite: prepare', re.compile(r'sqlite3Prepare|sqlite3LockAndPrepare|sqlite3RunParser|sqlite3Parser|yy_reduce|sqlite3Select|sqlite3WhereBegin|sqlite3VdbeMakeReady|sqlite3Fts5ParseExpr')),
    ('SQLite: sort', re.compile(r'vdbeSorter|sqlite3VdbeSorter')),
    ('SQLite: b-tree, pager, VDBE', re.compile(r'^sqlite3|^btree|^pager|^vdbe|^moveToChild|^getPageNormal|^pcache')),
    ('JSONDecoder', re.compile(r'JSONDecoder|JSONScanner|JSONMap|_JSONKeyed|JSONDecoding')),
    ('FrenchAnalyzer (words, stems, folding)', re.compile(r'FrenchAnalyzer|FrenchStemmer|Segmenter')),
    ('Swift Set/Dictionary', re.compile(r'Set|Dictionary|Hasher|_NativeSet|_NativeDictionary')),
    ('malloc / free / ARC', re.compile(r'malloc|free|swift_retain|swift_release|swift_allocObject|swift_deallocObject|_int_|swift_bridgeObject|swift_arrayInit|swift_arrayDestroy')),
]


def normalize(symbol):
    symbol = re.sub(r'\+0x[0-9a-f]+$', '', symbol.strip())
    symbol = symbol.replace('specialized ', '').replace(' (inlined)', '')
    symbol = re.sub(r'^(partial apply for |thunk for |protocol witness for |merged |outlined copy of |'
                    r'outlined destroy of |reabstraction thunk helper from )+', '', symbol)
    # Drop argument lists and generic noise: "SearchEngine.topScored(_:kept:...) -> [...]" -> "SearchEngine.topScored".
    symbol = re.sub(r'\(.*$', '', symbol)
    return symbol


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
    under = None
    exclude = None
    args = sys.argv[1:]
    if '--under' in args:
        index = args.index('--under')
        under = args[index + 1]
        del args[index:index + 2]
    if '--exclude' in args:
        index = args.index('--exclude')
        exclude = args[index + 1]
        del args[index:index + 2]
    if args:
        rows = int(args[0])
    inclusive, innermost, leaves = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for stack in stacks(sys.stdin):
        if under and not any(s.startswith(under) for s in stack):
            continue
        if exclude and any(s.startswith(exclude) for s in stack):
            continue
        total += 1
        for name in set(s for s in stack if PROJECT.match(s)):
            inclusive[name] += 1
        owner = next((s for s in stack if PROJECT.match(s)), '(no Relais frame)')
        innermost[owner] += 1
        leaf = 'other (Swift stdlib, libc, kernel)'
        for symbol in stack:
            hit = next((name for name, rx in LEAF if rx.search(symbol)), None)
            if hit:
                leaf = hit
                break
            if PROJECT.match(symbol) and not symbol.startswith(('Statement', 'Database')):
                break
        leaves[leaf] += 1
    if total == 0:
        print('no samples')
        return
    print(f'{total} samples' + (f' under {under}' if under else '') + (f' without {exclude}' if exclude else ''))
    print('== inclusive (stack contains the function) ==')
    for name, count in inclusive.most_common(rows):
        print(f'{100 * count / total:6.2f}%  {name[:140]}')
    print('== innermost search function (self + library callees) ==')
    for name, count in innermost.most_common(rows):
        print(f'{100 * count / total:6.2f}%  {name[:140]}')
    print('== leaf bucket (first library match below the innermost search function) ==')
    for name, count in leaves.most_common():
        print(f'{100 * count / total:6.2f}%  {name}')


if __name__ == '__main__':
    main()
