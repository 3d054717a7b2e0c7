import Foundation
import Testing

@testable import RelaisText

@Suite("Snowball French stemmer")
struct FrenchStemmerTests {
    struct Golden {
        var header: [String]
        var pairs: [(word: String, stem: String)]
    }

    static func load(_ url: URL) throws -> Golden {
        let text = try String(contentsOf: url, encoding: .utf8)
        var header: [String] = []
        var pairs: [(String, String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                header.append(String(line))
                continue
            }
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == 2 else { continue }
            pairs.append((String(cols[0]), String(cols[1])))
        }
        return Golden(header: header, pairs: pairs)
    }

    static func goldenURL() throws -> URL {
        try #require(Bundle.module.url(forResource: "french-stems", withExtension: "tsv", subdirectory: "Golden"))
    }

    @Test("every golden word stems exactly as snowballstemmer does")
    func golden() throws {
        let golden = try Self.load(Self.goldenURL())
        #expect(golden.header.first?.contains("snowballstemmer 3.1.1") == true)
        #expect(golden.pairs.count >= 20_000)
        #expect(Set(golden.pairs.map(\.word)).count == golden.pairs.count, "words are distinct")
        var mismatches: [String] = []
        for (word, stem) in golden.pairs {
            let mine = FrenchStemmer.stem(word)
            if mine != stem { mismatches.append("\(word): expected \(stem), got \(mine)") }
        }
        print("golden stems: \(golden.pairs.count - mismatches.count)/\(golden.pairs.count) identical")
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(20))")
    }

    /// Optional exhaustive check against a file from `make-golden.py --full PATH`.
    @Test("full word list, when RELAIS_FULL_STEMS names one")
    func fullList() throws {
        guard let path = ProcessInfo.processInfo.environment["RELAIS_FULL_STEMS"] else { return }
        let golden = try Self.load(URL(fileURLWithPath: path))
        var bad = 0
        var first: [String] = []
        for (word, stem) in golden.pairs {
            let mine = FrenchStemmer.stem(word)
            if mine != stem {
                bad += 1
                if first.count < 20 { first.append("\(word): expected \(stem), got \(mine)") }
            }
        }
        print("full list: \(golden.pairs.count - bad)/\(golden.pairs.count) identical")
        #expect(bad == 0, "\(first)")
    }

    @Test("classic examples")
    func examples() {
        let cases: [(String, String)] = [
            ("continuation", "continu"), ("continuelle", "continuel"), ("continuellement", "continuel"),
            ("majestueusement", "majestu"), ("élèves", "élev"), ("école", "écol"), ("écoles", "écol"),
            ("chevaux", "cheval"), ("yeux", "yeux"), ("l'école", "écol"), ("qu'il", "il"),
            ("", ""), ("a", "a"),
        ]
        for (word, stem) in cases {
            #expect(FrenchStemmer.stem(word) == stem, "\(word)")
        }
    }
}
