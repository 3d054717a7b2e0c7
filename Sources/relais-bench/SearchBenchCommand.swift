import ArgumentParser
import Foundation
import RelaisCore
import RelaisIngest
import RelaisSQLite
import RelaisSearch
import RelaisStore
import RelaisText

/// Search latency in process: a database of N synthetic records (built by importing generated
/// LOM files with `Importer`, or reused), a fixed seeded mix of French queries through one
/// `SearchEngine` (facets and snippets on, page 1 of 20), and the same words as plain FTS5
/// MATCH + bm25 on a unicode61 table of the same text: the floor the engine adds to.
struct SearchBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search latency percentiles in process, against plain FTS5 on the same text.",
        discussion: """
            Run from the repository root (vocabularies resolve against the current directory). \
            Builds a database of N synthetic records (generate + in-process import), or reuses \
            --db when it holds N published records; builds a side database with a plain unicode61 \
            FTS5 table of the same text (<db>.plain.sqlite); then runs a warm-up and the query mix \
            through SearchEngine, and the same words through plain FTS5. Prints build time, sizes, \
            p50/p95/p99/max and queries/s overall and by category, the slowest queries, and a \
            Markdown row for Benchmarks/README.md.
            """
    )

    @Option(name: .long, help: "Number of records.")
    var records: Int

    @Option(name: .long, help: "Database to build, or to reuse when it exists with --records published records (kept).")
    var db: String?

    @Flag(name: .long, help: "Keep the temporary database (without --db) and print its path.")
    var keep = false

    @Option(name: .long, help: "Measured queries.")
    var queries: Int = 2000

    @Option(name: .long, help: "Warm-up queries (a different draw of the same mix), not measured.")
    var warmup: Int = 200

    @Option(name: .long, help: "Seed of the corpus and of the query mix.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Records per generated collection file (one import transaction each).")
    var perFile: Int = 1000

    @Option(name: .long, help: "Vocabulary folder (six empty vocabularies when incomplete).")
    var vocabularies: String = "Corpus/vocabularies"

    @Option(name: .long, help: "After the one-thread run, run the measured queries again on this many threads (one engine and connection each) at once: throughput on several cores.")
    var threads: Int = 1

    @Flag(name: .long, help: "Skip the plain FTS5 floor.")
    var noPlain = false

    @Option(name: .long, help: "Write one TSV line per measured query (category, query, filters, hits, ms, plain ms).")
    var out: String?

    @Option(name: .long, help: "How many of the slowest queries to list.")
    var slowest: Int = 12

    @Option(name: .long, help: "Measure only the queries of this category (all, common, medium, rare, filtered, unfiltered, browse, typo, unaccented, level-words): for profiling.")
    var only: String?

    @Option(name: .long, help: "Profile mode: run only this query (after a short warm-up), --repeat times.")
    var profileQuery: String?

    @Option(name: .long, help: "Filter for --profile-query, as dimension=term (repeatable).")
    var profileFilter: [String] = []

    @Option(name: .long, help: "Repetitions in profile mode.")
    var `repeat`: Int = 200

    @Flag(name: .long, help: "With --profile-query: time the engine's statements and per-row work piece by piece.")
    var breakdown = false

    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be positive") }
        guard queries > 0, warmup >= 0 else { throw ValidationError("--queries must be positive, --warmup not negative") }
        if let only, !Category.names.contains(only) {
            throw ValidationError("--only: one of \(Category.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let manager = FileManager.default
        let work = manager.temporaryDirectory.appendingPathComponent("relais-sbench-\(getpid())")
        try manager.createDirectory(at: work, withIntermediateDirectories: true)
        let databasePath = db ?? work.appendingPathComponent("search-\(records).sqlite").path
        // The work folder holds the corpus, and the database only without --db.
        let keepWork = db == nil && keep
        defer {
            if keepWork { try? manager.removeItem(at: work.appendingPathComponent("corpus")) } else { try? manager.removeItem(at: work) }
        }
        let vocabularyFolder = try prepareVocabularies(vocabularies, empty: false, work: work)
        let vocabularies = try Vocabularies.load(from: URL(fileURLWithPath: vocabularyFolder))
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(ImportBenchCommand.loadAverage()), SQLite \(Database.libraryVersion)")

        // 1. The database.
        let build = try prepareDatabase(databasePath, vocabularies: vocabularies, work: work)
        let store = try Store(path: databasePath)
        let sizes = try Self.measureSizes(store.db, path: databasePath)
        print(String(format: "database: %@ · %d records · built in %@ · %.1f MB after wal_checkpoint(TRUNCATE)",
                     databasePath, records, build.map { String(format: "%.1f s (%.0f records/s)", $0, Double(records) / $0) } ?? "?",
                     Double(sizes.file) / 1_048_576))
        if let objects = sizes.objects {
            let fts = objects.filter { $0.name.hasPrefix("resources_fts") }.reduce(0) { $0 + $1.bytes }
            print(String(format: "  search index (resources_fts*, dbstat): %.1f MB = %.0f%% of the file", Double(fts) / 1_048_576,
                         100 * Double(fts) / Double(max(sizes.file, 1))))
            for object in objects.sorted(by: { $0.bytes > $1.bytes }).prefix(9) {
                print("    " + object.name.padding(toLength: 32, withPad: " ", startingAt: 0)
                      + String(format: " %9.1f MB", Double(object.bytes) / 1_048_576))
            }
        } else {
            print("  (dbstat not available in this SQLite: no per-table sizes)")
        }
        fflush(nil)

        // 2. The plain FTS5 floor, in a side database.
        var plain: PlainFTS?
        if !noPlain {
            plain = try PlainFTS(mainPath: databasePath, records: records)
        }

        // 3. The query mix.
        let mix = QueryMix(seed: seed)
        let warmupQueries = (0..<warmup).map { mix.query(1_000_000 + $0) }
        var measured = (0..<queries).map { mix.query($0) }
        let frequencies = try Self.documentFrequencies(Set((warmupQueries + measured).flatMap(\.contentWords)), db: store.db)
        for index in measured.indices {
            measured[index].classify(frequencies: frequencies, records: records)
        }
        Self.describeMix(measured, frequencies: frequencies, records: records)
        fflush(nil)

        let engine = SearchEngine(store: store, vocabularies: vocabularies)
        var clock = ContinuousClock.now
        _ = try engine.search(SearchRequest(query: "", filters: ["niveaux": ["P5"]], size: 20))
        print(String(format: "first search (loads the facet index): %.1f ms", (ContinuousClock.now - clock).milliseconds))
        fflush(nil)

        if let profileQuery {
            try profile(profileQuery, engine: engine, plain: plain)
            if breakdown {
                try SearchBreakdown(db: store.db, text: profileQuery, repeatCount: min(`repeat`, 5)).run()
            }
            return
        }

        clock = ContinuousClock.now
        for query in warmupQueries { _ = try engine.search(query.request) }
        print(String(format: "warm-up: %d queries in %.2f s", warmupQueries.count, (ContinuousClock.now - clock).seconds))
        fflush(nil)

        if let only, only != "all" {
            measured = measured.filter { $0.categories.contains(only) }
            print("--only \(only): \(measured.count) queries")
        }
        let loadBefore = ImportBenchCommand.loadAverage()
        var results: [Measured] = []
        results.reserveCapacity(measured.count)
        let started = ContinuousClock.now
        var lastProgress = started
        for query in measured {
            let fts5Before = engine.fts5Time
            let t0 = ContinuousClock.now
            let response = try engine.search(query.request)
            let elapsed = (ContinuousClock.now - t0).milliseconds
            let fts5 = (engine.fts5Time - fts5Before).milliseconds
            if t0 - lastProgress > .seconds(60) {
                lastProgress = t0
                print(String(format: "  %d / %d queries · %.0f s", results.count, measured.count, (t0 - started).seconds))
                fflush(nil)
            }
            results.append(Measured(query: query, milliseconds: elapsed, total: response.total,
                                    corrected: !response.corrections.isEmpty, relaxed: !response.droppedWords.isEmpty,
                                    plainMilliseconds: nil, plainRows: 0, fts5Milliseconds: fts5))
        }
        let engineWall = (ContinuousClock.now - started).seconds
        print(String(format: "engine: %d queries in %.2f s (load average %@ before, %@ after)", results.count, engineWall,
                     loadBefore, ImportBenchCommand.loadAverage()))
        let fts5Mean = results.map(\.fts5Milliseconds).reduce(0, +) / Double(max(results.count, 1))
        let engineMean = results.map(\.milliseconds).reduce(0, +) / Double(max(results.count, 1))
        print(String(format: "inside FTS5's statements (matching, ranking): %.2f ms of the %.2f ms of a query on average (%.0f%%): "
                     + "at most %.0f queries/s per core were everything else free", fts5Mean, engineMean,
                     100 * fts5Mean / max(engineMean, 1e-9), 1000 / max(fts5Mean, 1e-9)))
        fflush(nil)
        if threads > 1 {
            try runConcurrently(measured.map(\.request), warmup: warmupQueries.map(\.request), path: databasePath,
                                vocabularies: vocabularies, oneThreadQPS: Double(results.count) / engineWall)
        }

        var plainWall: Double?
        if let plain {
            for query in warmupQueries where !query.words.isEmpty { _ = try plain.run(query.words) }
            let started = ContinuousClock.now
            for index in results.indices where !results[index].query.words.isEmpty {
                let t0 = ContinuousClock.now
                results[index].plainRows = try plain.run(results[index].query.words)
                results[index].plainMilliseconds = (ContinuousClock.now - t0).milliseconds
            }
            plainWall = (ContinuousClock.now - started).seconds
        }

        // 4. Report.
        report(results, engineWall: engineWall, plainWall: plainWall, build: build, sizes: sizes)
        if let out { try writeTSV(results, to: out) }
        if db == nil && keep { print("kept: \(databasePath)" + (plain.map { " and \($0.path)" } ?? "")) }
    }

    // MARK: Database

    /// Builds the database unless it exists with the right count; returns the build (import)
    /// seconds, read back from the side file for a reused database.
    private func prepareDatabase(_ path: String, vocabularies: Vocabularies, work: URL) throws -> Double? {
        let manager = FileManager.default
        let infoPath = path + ".bench.json"
        if manager.fileExists(atPath: path) {
            let store = try Store(path: path)
            let count = try store.counts().published
            guard count == records else {
                throw BenchError("\(path) holds \(count) published records, not \(records): pass --records \(count) or delete it")
            }
            let info = (try? Data(contentsOf: URL(fileURLWithPath: infoPath)))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            let seconds = info?["import_seconds"] as? Double
            print("reusing \(path) (\(count) records" + (seconds.map { String(format: ", imported in %.1f s", $0) } ?? "") + ")")
            return seconds
        }
        let corpusFolder = work.appendingPathComponent("corpus")
        let options = try CorpusOptions.parse(["--records", String(records), "--per-file", String(perFile), "--seed", String(seed)])
        _ = try options.generate(into: corpusFolder)
        fflush(nil)

        let store = try Store(path: path)
        let importer = Importer(store: store, vocabularies: vocabularies)
        let started = ContinuousClock.now
        var lastPrint = started
        var estimated = false
        let report = try importer.run(paths: [corpusFolder.path]) { progress in
            let now = ContinuousClock.now
            guard progress.recordsDone > 0, now - lastPrint > .seconds(30) || progress.filesDone == progress.filesTotal else { return }
            lastPrint = now
            let seconds = (now - started).seconds
            let rate = Double(progress.recordsDone) / seconds
            let remaining = Double(records - progress.recordsDone) / rate
            print(String(format: "  import: %d / %d records · %.0f s · %.0f records/s · about %.0f s left",
                         progress.recordsDone, records, seconds, rate, remaining))
            if !estimated && seconds + remaining > 25 * 60 {
                estimated = true
                print(String(format: "  note: this import will take about %.0f min (more than 25)", (seconds + remaining) / 60))
            }
            fflush(nil)
        }
        let seconds = (ContinuousClock.now - started).seconds
        guard report.totals.created == records, !report.hasRejections else {
            throw BenchError("import created \(report.totals.created) of \(records) records, \(report.rejections.count) rejections: "
                             + (report.rejections.first?.reason ?? ""))
        }
        print(String(format: "import: %d records in %.1f s (%.0f records/s), %d warnings", records, seconds,
                     Double(records) / seconds, report.totals.warnings))
        let info: [String: Any] = ["records": records, "seed": seed, "per_file": perFile, "import_seconds": seconds,
                                   "date": ISO8601DateFormatter().string(from: Date())]
        try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]).write(to: URL(fileURLWithPath: infoPath))
        try? manager.removeItem(at: corpusFolder)
        return seconds
    }

    struct Sizes {
        var file: Int
        var objects: [(name: String, bytes: Int)]?
        var fts: Int? { objects?.filter { $0.name.hasPrefix("resources_fts") }.reduce(0) { $0 + $1.bytes } }
    }

    /// File size after a truncating checkpoint; per-object sizes from dbstat when it exists
    /// (constrained by name: each object's pages only). Not `aggregate = 1`: SQLite 3.40 sums
    /// its pgsize in 32 bits (the 7.9 GB `resources` table of 1M records reads negative).
    static func measureSizes(_ db: Database, path: String) throws -> Sizes {
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let file = ImportBenchCommand.databaseBytes(path)
        guard (try? db.scalarInt("SELECT count(*) FROM dbstat WHERE name = 'sqlite_schema' AND aggregate = 1")) != nil else {
            return Sizes(file: file, objects: nil)
        }
        var names: [String] = []
        let list = try db.prepare("SELECT name FROM sqlite_schema WHERE rootpage > 0 ORDER BY name")
        while try list.step() { names.append(list.text(0) ?? "") }
        let size = try db.prepare("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?")
        var objects: [(name: String, bytes: Int)] = []
        for name in names {
            try size.bindAll([name])
            if try size.step() { objects.append((name, size.int(0))) }
        }
        return Sizes(file: file, objects: objects)
    }

    /// Documents matching each word alone, as the engine's index sees it (relais_fr).
    static func documentFrequencies(_ words: Set<String>, db: Database) throws -> [String: Int] {
        let statement = try db.prepare("SELECT count(*) FROM resources_fts WHERE resources_fts MATCH ?")
        var result: [String: Int] = [:]
        for word in words {
            try statement.bindAll([ParsedQuery.fts5Literal(word)])
            result[word] = try statement.step() ? statement.int(0) : 0
        }
        return result
    }

    // MARK: Profile mode

    private func profile(_ text: String, engine: SearchEngine, plain: PlainFTS?) throws {
        var filters: [String: Set<String>] = [:]
        for item in profileFilter {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--profile-filter dimension=term") }
            filters[parts[0], default: []].insert(parts[1])
        }
        let request = SearchRequest(query: text, filters: filters, page: 1, size: 20)
        let first = try engine.search(request)
        print("query « \(text) » \(filters): \(first.total) results, corrections \(first.corrections.map { "\($0.typed)->\($0.used)" }), dropped \(first.droppedWords)")
        for _ in 0..<3 { _ = try engine.search(request) }
        var times: [Double] = []
        for _ in 0..<`repeat` {
            let t0 = ContinuousClock.now
            _ = try engine.search(request)
            times.append((ContinuousClock.now - t0).milliseconds)
        }
        print("engine:     " + Stats(times).line)
        if let plain {
            let words = FrenchAnalyzer.words(text).map(\.normalized)
            times = []
            for _ in 0..<`repeat` {
                let t0 = ContinuousClock.now
                _ = try plain.run(words)
                times.append((ContinuousClock.now - t0).milliseconds)
            }
            print("plain FTS5: " + Stats(times).line)
        }
    }

    // MARK: Report

    struct Measured {
        var query: BenchQuery
        var milliseconds: Double
        var total: Int
        var corrected: Bool
        var relaxed: Bool
        var plainMilliseconds: Double?
        var plainRows: Int
        var fts5Milliseconds: Double
    }

    /// The measured queries shared out over `threads` engines, each on its own connection and
    /// thread (as the server's readers are), all started together after their warm-up.
    private func runConcurrently(_ requests: [SearchRequest], warmup: [SearchRequest], path: String,
                                 vocabularies: Vocabularies, oneThreadQPS: Double) throws {
        final class Lane: @unchecked Sendable {
            var engine: SearchEngine?
            var error: (any Error)?
            var fts5: Duration = .zero
            var finished = ContinuousClock.now
        }
        let lanes = (0..<threads).map { _ in Lane() }
        let count = threads
        DispatchQueue.concurrentPerform(iterations: count) { lane in
            do {
                let engine = SearchEngine(store: try Store(path: path), vocabularies: vocabularies)
                for (index, request) in warmup.enumerated() where index % count == lane { _ = try engine.search(request) }
                lanes[lane].engine = engine
            } catch { lanes[lane].error = error }
        }
        if let error = lanes.compactMap(\.error).first { throw error }
        let load = ImportBenchCommand.loadAverage()
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: count) { lane in
            guard let engine = lanes[lane].engine else { return }
            let before = engine.fts5Time
            do {
                for (index, request) in requests.enumerated() where index % count == lane { _ = try engine.search(request) }
            } catch { lanes[lane].error = error }
            lanes[lane].fts5 = engine.fts5Time - before
            lanes[lane].finished = ContinuousClock.now
        }
        if let error = lanes.compactMap(\.error).first { throw error }
        let wall = (lanes.map(\.finished).max()! - started).seconds
        let fts5 = lanes.map(\.fts5.seconds).reduce(0, +)
        print(String(format: "%d threads at once: %d queries in %.2f s, %.0f queries/s (%.2f× one thread); FTS5 statements "
                     + "%.2f ms per query (load average %@ before, %@ after)", count, requests.count, wall,
                     Double(requests.count) / wall, Double(requests.count) / wall / oneThreadQPS,
                     1000 * fts5 / Double(requests.count), load, ImportBenchCommand.loadAverage()))
        fflush(nil)
    }

    private func report(_ results: [Measured], engineWall: Double, plainWall: Double?, build: Double?, sizes: Sizes) {
        print("")
        print("category".padding(toLength: 24, withPad: " ", startingAt: 0)
              + "     n    p50 ms    p95 ms    p99 ms    max ms     qps  median hits │ plain p50   p99 ms     qps")
        for category in Category.all {
            let subset = category.name == "all" ? results : results.filter { $0.query.categories.contains(category.name) }
            guard !subset.isEmpty else { continue }
            let stats = Stats(subset.map(\.milliseconds))
            let hits = subset.map(\.total).sorted()[subset.count / 2]
            var line = category.label.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: "%6d  %8.2f  %8.2f  %8.2f  %8.1f  %6.0f  %11d", subset.count, stats.p50, stats.p95, stats.p99,
                         stats.max, stats.qps, hits)
            let plainTimes = subset.compactMap(\.plainMilliseconds)
            if !plainTimes.isEmpty {
                let p = Stats(plainTimes)
                line += String(format: " │ %9.2f  %7.2f  %6.0f", p.p50, p.p99, p.qps)
            }
            print(line)
        }
        let corrected = results.filter(\.corrected).count
        let relaxed = results.filter(\.relaxed).count
        let empty = results.filter { $0.total == 0 }.count
        print("(qps = 1000 / mean latency of the category; overall throughput: "
              + String(format: "%.0f queries/s engine", Double(results.count) / engineWall)
              + (plainWall.map { String(format: ", %.0f queries/s plain FTS5", Double(results.filter { !$0.query.words.isEmpty }.count) / $0) } ?? "")
              + "; \(corrected) corrected, \(relaxed) relaxed, \(empty) with no result)")

        print("\nslowest queries:")
        for result in results.sorted(by: { $0.milliseconds > $1.milliseconds }).prefix(slowest) {
            print(String(format: "  %8.1f ms  %7d hits  plain %@  %@", result.milliseconds, result.total,
                         result.plainMilliseconds.map { String(format: "%6.1f ms", $0) } ?? "     -   ",
                         result.query.summary + (result.corrected ? " [corrected]" : "") + (result.relaxed ? " [relaxed]" : "")))
        }

        let all = Stats(results.map(\.milliseconds))
        let plainStats = results.compactMap(\.plainMilliseconds).isEmpty ? nil : Stats(results.compactMap(\.plainMilliseconds))
        print("\n| records | build s | db MB | FTS5 MB | p50 ms | p95 ms | p99 ms | qps | plain p50 ms | plain p99 ms | plain qps |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(String(format: "| %@ | %@ | %.0f | %@ | %.2f | %.2f | %.1f | %.0f | %@ | %@ | %@ |",
                     Self.grouped(records), build.map { String(format: "%.0f", $0) } ?? "?", Double(sizes.file) / 1_048_576,
                     sizes.fts.map { String(format: "%.0f", Double($0) / 1_048_576) } ?? "-", all.p50, all.p95, all.p99,
                     Double(results.count) / engineWall,
                     plainStats.map { String(format: "%.2f", $0.p50) } ?? "-", plainStats.map { String(format: "%.2f", $0.p99) } ?? "-",
                     plainWall.map { String(format: "%.0f", Double(results.filter { !$0.query.words.isEmpty }.count) / $0) } ?? "-"))
    }

    private func writeTSV(_ results: [Measured], to path: String) throws {
        var text = "categories\tquery\tfilters\thits\tms\tplain_ms\tplain_rows\tcorrected\trelaxed\n"
        for r in results {
            let filters = r.query.filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.sorted().joined(separator: ","))" }
                .joined(separator: " ")
            text += [r.query.categories.sorted().joined(separator: ","), r.query.text, filters, String(r.total),
                     String(format: "%.3f", r.milliseconds), r.plainMilliseconds.map { String(format: "%.3f", $0) } ?? "",
                     String(r.plainRows), r.corrected ? "1" : "0", r.relaxed ? "1" : "0"].joined(separator: "\t") + "\n"
        }
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        print("per-query results: \(path)")
    }

    static func describeMix(_ queries: [BenchQuery], frequencies: [String: Int], records: Int) {
        var counts: [String: Int] = [:]
        for query in queries { for category in query.categories { counts[category, default: 0] += 1 } }
        print("query mix: \(queries.count) queries · " + Category.all.dropFirst().compactMap { category in
            counts[category.name].map { "\(category.name) \($0)" }
        }.joined(separator: " · "))
        let share = { (word: String) in Double(frequencies[word] ?? 0) / Double(records) }
        var uses: [String: Int] = [:]
        for query in queries { for word in Set(query.contentWords) { uses[word, default: 0] += 1 } }
        let band = uses.keys.filter { share($0) >= 0.2 }.sorted { share($0) > share($1) }
        print("words in ≥ 20% of records used by the mix (share of records · queries): "
              + band.map { String(format: "%@ %.0f%% · %d", $0, 100 * share($0), uses[$0]!) }.joined(separator: ", "))
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}

// MARK: - Statistics

struct Stats {
    var p50: Double
    var p95: Double
    var p99: Double
    var max: Double
    var mean: Double
    var qps: Double { mean > 0 ? 1000 / mean : 0 }

    init(_ values: [Double]) {
        let sorted = values.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            // Nearest rank.
            let rank = Int((p * Double(sorted.count)).rounded(.up))
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
        }
        p50 = percentile(0.50)
        p95 = percentile(0.95)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    var line: String {
        String(format: "p50 %.2f ms · p95 %.2f ms · p99 %.2f ms · max %.2f ms · %.0f queries/s", p50, p95, p99, max, qps)
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}

// MARK: - Plain FTS5

/// `plain_fts`: a unicode61 FTS5 table of the same four columns in a side database
/// (`<db>.plain.sqlite`, so the engine's database and its size stay as imported). Queried with
/// the words as quoted FTS5 strings joined by AND, bm25 with the engine's column weights.
final class PlainFTS {
    let path: String
    let db: Database
    private let statement: Statement

    init(mainPath: String, records: Int) throws {
        path = (mainPath.hasSuffix(".sqlite") ? String(mainPath.dropLast(7)) : mainPath) + ".plain.sqlite"
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let existing = try Database(path: path)
            let count = (try? existing.scalarInt("SELECT count(*) FROM plain_fts")).flatMap { $0 } ?? -1
            if count != Int64(records) {
                print("plain FTS5: \(path) holds \(count) rows, rebuilding")
                for suffix in ["", "-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: path + suffix) }
            }
        }
        if !manager.fileExists(atPath: path) {
            let started = ContinuousClock.now
            let build = try Database(path: path)
            try build.execute("""
                PRAGMA journal_mode = OFF;
                CREATE VIRTUAL TABLE plain_fts USING fts5(title, keywords, description, body,
                                                          tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO plain_fts (plain_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 2.0, 1.0)');
                """)
            try build.prepare("ATTACH DATABASE ? AS main_db").run([mainPath])
            try build.transaction {
                try build.execute("""
                    INSERT INTO plain_fts (rowid, title, keywords, description, body)
                    SELECT rowid, title, keywords, description, body FROM main_db.resources WHERE status = 'published' ORDER BY rowid
                    """)
            }
            try build.execute("DETACH DATABASE main_db")
            let seconds = (ContinuousClock.now - started).seconds
            let size = ImportBenchCommand.databaseBytes(path)
            print(String(format: "plain FTS5: built %@ in %.1f s (%.1f MB)", path, seconds, Double(size) / 1_048_576))
        } else {
            print(String(format: "plain FTS5: reusing %@ (%.1f MB)", path, Double(ImportBenchCommand.databaseBytes(path)) / 1_048_576))
        }
        db = try Database(path: path, mode: .readOnly)
        try db.execute("PRAGMA cache_size = -16000") // as the Store
        // The table's rank is configured as bm25(10, 5, 2, 1): ORDER BY rank is by the weighted score.
        statement = try db.prepare("SELECT rowid, bm25(plain_fts, 10, 5, 2, 1) FROM plain_fts WHERE plain_fts MATCH ? ORDER BY rank LIMIT 20")
    }

    /// Runs the query; returns the rows read.
    func run(_ words: [String]) throws -> Int {
        let expression = words.map(ParsedQuery.fts5Literal).joined(separator: " AND ")
        try statement.bindAll([expression])
        var rows = 0
        while try statement.step() {
            _ = statement.int64(0)
            _ = statement.double(1)
            rows += 1
        }
        statement.reset()
        return rows
    }
}

// MARK: - Query mix

struct Category {
    var name: String
    var label: String

    static let all: [Category] = [
        Category(name: "all", label: "all"),
        Category(name: "common", label: "common word (df ≥ 20%)"),
        Category(name: "medium", label: "medium (1% ≤ df < 20%)"),
        Category(name: "rare", label: "rare (all df < 1%)"),
        Category(name: "unfiltered", label: "words, no filter"),
        Category(name: "filtered", label: "words + filters"),
        Category(name: "browse", label: "browse (filters only)"),
        Category(name: "typo", label: "typo"),
        Category(name: "unaccented", label: "accents removed"),
        Category(name: "level-words", label: "level in words (5e primaire)"),
        Category(name: "1-word", label: "1 word"),
        Category(name: "2-words", label: "2 words"),
        Category(name: "3-words", label: "3 words"),
    ]
    static var names: [String] { all.map(\.name) }
}

struct BenchQuery {
    /// The query as typed.
    var text: String
    /// The words of `text` (what plain FTS5 gets); empty for browsing.
    var words: [String]
    /// Words whose document frequency classifies the query: the typed words, except a word
    /// with a typo (its intended form counts) and level words the engine turns into a filter.
    var contentWords: [String]
    var filters: [String: Set<String>]
    var categories: Set<String>

    var request: SearchRequest {
        SearchRequest(query: text, filters: filters, page: 1, size: 20)
    }

    mutating func classify(frequencies: [String: Int], records: Int) {
        guard !contentWords.isEmpty else { return }
        let top = contentWords.map { Double(frequencies[$0] ?? 0) / Double(records) }.max() ?? 0
        if categories.contains("typo") { return }
        categories.insert(top >= 0.2 ? "common" : top >= 0.01 ? "medium" : "rare")
    }

    var summary: String {
        let filterText = filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.sorted().joined(separator: ","))" }
            .joined(separator: " ")
        return "«\(text)»" + (filterText.isEmpty ? "" : " " + filterText) + " {\(categories.sorted().joined(separator: ","))}"
    }
}

/// A fixed mix of queries drawn from the generator's vocabulary with its Zipf weights: query
/// `i` depends only on (seed, i), never on the database, so every N runs the same queries.
struct QueryMix {
    let seed: UInt64

    /// Words teachers add to a topic, from the generator's kinds, general keywords, level labels
    /// and discipline keywords, most searched first. The head holds words found in 20-50% of
    /// the generated records (measured and printed at each run).
    static let generalWords = Zipf([
        "exercices", "fiche", "évaluation", "primaire", "secondaire", "jeu", "leçon", "vidéo", "activité",
        "séquence", "lecture", "synthèse", "classe", "autonomie", "différenciation", "dossier", "quiz", "projet",
        "atelier", "défi", "calcul", "géométrie", "grammaire", "orthographe", "vocabulaire", "maternelle",
        "numérique", "histoire", "sciences", "mathématiques", "français", "géographie", "remédiation", "révision",
        "carte mentale", "capsule", "compétences", "pédagogie active", "inclusion", "tableau interactif",
        "manipulation", "enquête", "élèves", "démarche d’investigation", "frise chronologique", "maquette",
    ], exponent: 1.0)

    static let types = Zipf(["exercice", "evaluation", "texte", "cours", "presentation", "image", "simulation", "activite"], exponent: 1.0)
    static let licences = Zipf(["cc-by-sa", "cc-by", "cc-by-nc-sa", "cc-by-nc", "cc0", "cc-by-nc-nd"], exponent: 1.0)
    static let broadDomains = ["mathematiques": "maths-sciences-techniques", "sciences": "maths-sciences-techniques",
                               "formation-numerique": "maths-sciences-techniques", "francais": "langues",
                               "langues-modernes": "langues", "education-artistique": "culture-arts",
                               "histoire-geographie": "sciences-humaines-citoyennete",
                               "philosophie-citoyennete": "sciences-humaines-citoyennete",
                               "education-physique": "activite-physique-sante"]

    /// Content words of a text, lower case with accents (stop words and 1-letter words out).
    static func contentWords(_ text: String) -> [String] {
        FrenchAnalyzer.words(text).map(\.normalized).filter { $0.count >= 2 && !FrenchAnalyzer.isStopword($0) }
    }

    func query(_ i: Int) -> BenchQuery {
        var random = BenchRandom(seed: seed ^ 0x5EA2_C4B3_0000_0000, stream: UInt64(i))
        let discipline = FrenchCorpus.disciplines.sample(&random)
        let topic = discipline.topics.sample(&random)
        var categories: Set<String> = []
        var filters: [String: Set<String>] = [:]

        func addFilters(count: Int) {
            var dimensions: [String] = []
            while dimensions.count < count {
                let u = random.unit()
                let dimension = u < 0.4 ? "niveaux" : u < 0.75 ? "domaines" : u < 0.9 ? "types" : "licences"
                if !dimensions.contains(dimension) { dimensions.append(dimension) }
            }
            for dimension in dimensions {
                switch dimension {
                case "niveaux":
                    let level = random.int(topic.levels)
                    if random.chance(0.7) {
                        filters[dimension] = [Levels.ids[level]]
                    } else {
                        filters[dimension] = [level <= 2 ? "maternel" : level <= 8 ? "primaire" : "secondaire"]
                    }
                case "domaines":
                    filters[dimension] = [random.chance(0.8) ? discipline.id : Self.broadDomains[discipline.id] ?? discipline.id]
                case "types":
                    filters[dimension] = [Self.types.sample(&random)]
                default:
                    filters[dimension] = [Self.licences.sample(&random)]
                }
            }
        }

        // A few browse-only requests: no words, one or two filters.
        if random.chance(0.05) {
            addFilters(count: random.chance(0.7) ? 1 : 2)
            categories.insert("browse")
            return BenchQuery(text: "", words: [], contentWords: [], filters: filters, categories: categories)
        }

        // Words: from the topic (its noun and keywords), sometimes with a general word.
        let nounWords = Self.contentWords(topic.noun)
        var topicWords = nounWords
        for keyword in topic.keywords { for word in Self.contentWords(keyword) where !topicWords.contains(word) { topicWords.append(word) } }
        let count = random.chance(0.4) ? 1 : (random.chance(0.67) ? 2 : 3)
        var words: [String] = []
        let shape = random.unit()
        if shape < 0.12 {
            // General words only ("exercices", "évaluation primaire").
            while words.count < min(count, 2) {
                for word in Self.contentWords(Self.generalWords.sample(&random)) where words.count < 3 && !words.contains(word) {
                    words.append(word)
                }
            }
        } else {
            // Topic words, the first from the noun most often ("fractions", "pythagore triangle").
            var pool = topicWords
            if !nounWords.isEmpty && random.chance(0.7) {
                let first = random.pick(nounWords)
                words.append(first)
                pool.removeAll { $0 == first }
            }
            let withGeneral = shape < 0.42 // 30% of queries add a general word
            let topicCount = withGeneral ? max(1, count - 1) : count
            while words.count < topicCount && !pool.isEmpty {
                let word = random.pick(pool)
                pool.removeAll { $0 == word }
                words.append(word)
            }
            if withGeneral {
                for word in Self.contentWords(Self.generalWords.sample(&random)) where !words.contains(word) {
                    words.insert(word, at: random.int(0...words.count))
                }
            }
        }
        var contentWords = words

        // Variants as typed: accents left out, one typo.
        if random.chance(0.15) {
            let folded = words.map(FrenchAnalyzer.fold)
            if folded != words {
                words = folded
                contentWords = folded
                categories.insert("unaccented")
            }
        }
        if random.chance(0.08), let target = words.indices.filter({ words[$0].count >= 6 }).max(by: { words[$0].count < words[$1].count }) {
            words[target] = Self.typo(words[target], &random)
            categories.insert("typo")
        }
        var text = words.joined(separator: " ")

        // "fractions 5e primaire": a level typed as words (the engine makes it a filter).
        if random.chance(0.04) {
            let level = random.int(topic.levels)
            text += " " + Levels.labels[level]
            categories.insert("level-words")
        } else if random.chance(0.42) {
            // About 40% of all queries carry filters.
            addFilters(count: random.chance(0.75) ? 1 : 2)
        }
        // A level typed as words is a filter too, for the engine.
        categories.insert(filters.isEmpty && !categories.contains("level-words") ? "unfiltered" : "filtered")
        categories.insert(words.count == 1 ? "1-word" : words.count == 2 ? "2-words" : "3-words")
        let typed = FrenchAnalyzer.words(text).map(\.normalized)
        return BenchQuery(text: text, words: typed, contentWords: contentWords, filters: filters, categories: categories)
    }

    /// One edit inside the word (never the first letter): a substitution, a deletion, a
    /// transposition or a doubled letter.
    static func typo(_ word: String, _ random: inout BenchRandom) -> String {
        var letters = Array(word)
        let position = random.int(1...(letters.count - 2))
        switch random.int(0...3) {
        case 0:
            let replacements = Array("aeioustrnl")
            var replacement = random.pick(replacements)
            if replacement == letters[position] { replacement = replacement == "e" ? "a" : "e" }
            letters[position] = replacement
        case 1: letters.remove(at: position)
        case 2: letters.swapAt(position, position + 1)
        default: letters.insert(letters[position], at: position)
        }
        return String(letters)
    }
}
