#!/usr/bin/env python3
"""Generate french-stems.tsv: French words and their stems by the reference Snowball French
stemmer, the pure-Python one of the PyPI package `snowballstemmer` (pinned below). The Swift
port (Sources/RelaisText/FrenchStemmer.swift) must give the identical stem for every line
(Tests/RelaisTextTests/FrenchStemmerTests.swift).

Regenerate (Debian; only Debian and PyPI packages are needed):

    apt-get install -y wfrench hunspell-fr        # /usr/share/dict/french, /usr/share/hunspell/fr.dic
    python3 -m venv /tmp/sbvenv
    /tmp/sbvenv/bin/pip install snowballstemmer==3.1.1
    /tmp/sbvenv/bin/python Tests/RelaisTextTests/Golden/make-golden.py

Options: --full PATH writes every word of the sources (not only the sample) to PATH, for a
one-off exhaustive comparison (RELAIS_FULL_STEMS=PATH swift test --filter FrenchStemmer).

Word source: the inflected word list of Debian's `wfrench` (plurals, every verb form) plus the
lemmas of `hunspell-fr` (which bring œ, æ, ü, ÿ and proper nouns), lower-cased, compounds split
on hyphens, apostrophes and other non-letters, plus a short hand-written list of edge cases.
Sample (deterministic, no randomness): words are ordered by SHA-1; for every "class" the first
PER_CLASS words of that order are taken, then the rest of that order fills up to TOTAL. Classes:
the ending matched by each Snowball suffix table, what the reference stemmer actually removed or
rewrote, every non-ASCII letter, the RV prefixes (par, col, tap, ni+vowel), u/i/y between vowels,
qu, and short words. So every suffix class and every special letter is covered.
"""

import argparse
import hashlib
import importlib.metadata
import os
import re
import subprocess
import sys
import unicodedata

PINNED = "3.1.1"
TOTAL = 30000
PER_CLASS = 40

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "french-stems.tsv")
WFRENCH = "/usr/share/dict/french"
HUNSPELL = "/usr/share/hunspell/fr.dic"

# Edge cases always included: markers, y, qu, ë/ï (H), œ/æ, ü/ÿ, elisions handled by the
# stemmer itself, prefixes, un_double, un_accent, very short words.
EXTRA = """
a à y ô ù ni nia niais nier nièce nioule par parer parla parlaient col colère colis tap tapis tapa
yeux yeuse payer paye payent ayant rayonnement essuyer aïeul aïeux aïeules maïs naïve naïves
naïvement haïr haïssable héroïne héroïque ouïe ouïr noël noëls canoë canoës ambiguë ambiguës
ambiguïté exiguë ciguë capharnaüm emmaüs l'haÿ haÿ cœur cœurs œuvre œuvres sœur sœurs nœud
nœuds bœuf œil œillet œdème manœuvre manœuvrer manœuvrable ex-æquo æquo cæcum tænia
quelque quelques qui quoi quand queue queues équipe équiper aquarelle
l'école d'autrefois qu'il qu'elle j'ai m'a n'est s'il t'aime c'est jusqu'à lorsqu'il puisqu'on
quoiqu'il l' d' qu' aujourd'hui prud'homme presqu'île
fille filles gentille gentilles ville villes pareil pareille pareilles sommeil éveillé
ancienne anciennes bonne bonnes nette nettes belle belles cruelle
élève élèves éleva célébré célèbre fièvre ténèbres réglementé méthode
amment emment évidemment couramment patiemment récemment
eaux beaux chevaux travaux bijoux choux genoux hiboux joujoux poux cailloux
activité activités actif active actives activement activation activations
évaluation évaluations évaluer évaluatrice évaluateurs
dyslexie dyslexique dyslexiques fédération fédérations fédéral
abusivement abusives admirablement atrocement brillamment
""".split()


def sha(w):
    return hashlib.sha1(w.encode("utf-8")).hexdigest()


def split_words(line):
    # split on anything that is not a letter (hyphens, apostrophes, dots, digits, symbols)
    return [p for p in re.split(r"[^\w]|[\d_]", line.lower()) if p and p.isalpha()]


def read_sources():
    words = set()
    with open(WFRENCH, encoding="utf-8") as f:
        for line in f:
            words.update(split_words(unicodedata.normalize("NFC", line.strip())))
    with open(HUNSPELL, encoding="utf-8") as f:
        next(f)  # entry count
        for line in f:
            entry = line.split("/")[0].split("\t")[0].split(" ")[0].strip()
            words.update(split_words(unicodedata.normalize("NFC", entry)))
    return words


def deb_version(pkg):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                              text=True, check=True).stdout.strip()
    except Exception:
        return "?"


def suffixes(stemmer_cls):
    out = set()
    for name in ("a_2", "a_3", "a_4", "a_5", "a_6", "a_7", "a_8", "a_9"):
        for among in getattr(stemmer_cls, name):
            s = among.s.replace("U", "u").replace("I", "i").replace("Y", "y")
            if s:
                out.add(s)
    return sorted(out, key=len, reverse=True)


def classes(word, stem, sufs):
    keys = []
    for s in sufs:  # longest table ending
        if word.endswith(s):
            keys.append("end:" + s)
            break
    if stem == word:
        keys.append("same")
    elif word.startswith(stem):
        keys.append("cut:" + word[len(stem):])
    else:
        i = 0
        while i < min(len(word), len(stem)) and word[i] == stem[i]:
            i += 1
        keys.append("rewrite:" + word[i:] + ">" + stem[i:])
    for ch in set(word):
        if not ("a" <= ch <= "z"):
            keys.append("char:" + ch)
    for pre in ("par", "col", "tap"):
        if word.startswith(pre):
            keys.append("pre:" + pre)
    if re.match(r"ni[aeiouyàâèéêëîïôùû]", word):
        keys.append("pre:ni+v")
    v = "aeiouyàâèéêëîïôùû"
    if re.search(f"[{v}]u[{v}]", word):
        keys.append("vuv")
    if re.search(f"[{v}]i[{v}]", word):
        keys.append("viv")
    if re.search(f"[{v}]y|y[{v}]", word):
        keys.append("y")
    if "qu" in word:
        keys.append("qu")
    if len(word) <= 3:
        keys.append("short")
    return keys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", help="also write every source word and its stem to this path")
    ap.add_argument("--any-version", action="store_true", help="do not insist on the pinned version")
    args = ap.parse_args()

    version = importlib.metadata.version("snowballstemmer")
    if version != PINNED and not args.any_version:
        sys.exit(f"snowballstemmer {version} installed, {PINNED} pinned: pip install snowballstemmer=={PINNED}")
    # The pure-Python stemmer, never PyStemmer even if it is installed.
    from snowballstemmer.french_stemmer import FrenchStemmer

    stemmer = FrenchStemmer()
    words = read_sources()
    extra = {unicodedata.normalize("NFC", w) for w in EXTRA}
    stems = {w: stemmer.stemWord(w) for w in words | extra}

    if args.full:
        with open(args.full, "w", encoding="utf-8") as f:
            for w in sorted(stems):
                f.write(f"{w}\t{stems[w]}\n")
        print(f"{len(stems)} words -> {args.full}")

    sufs = suffixes(FrenchStemmer)
    order = sorted(words, key=sha)
    chosen = set(extra)
    per = {}
    for w in order:
        for k in classes(w, stems[w], sufs):
            if per.get(k, 0) < PER_CLASS:
                per[k] = per.get(k, 0) + 1
                chosen.add(w)
    for w in order:
        if len(chosen) >= TOTAL:
            break
        chosen.add(w)

    lines = sorted(chosen)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(f"# Snowball French stems by snowballstemmer {version} (PyPI; pure-Python FrenchStemmer,"
                f" 'Generated from french.sbl by Snowball {version}')\n")
        f.write(f"# {len(lines)} distinct words: Debian wfrench {deb_version('wfrench')}"
                f" (/usr/share/dict/french) + hunspell-fr {deb_version('hunspell-fr')} (fr.dic lemmas)"
                f" + edge cases; {len(per)} classes x {PER_CLASS}, then SHA-1 order\n")
        f.write("# Regenerate: see make-golden.py in this folder. Format: word<TAB>stem\n")
        for w in lines:
            f.write(f"{w}\t{stems[w]}\n")
    print(f"{len(lines)} words, {len(per)} classes -> {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
