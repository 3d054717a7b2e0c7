import Foundation

/// Writes synthetic IEEE LOM records (XML binding, namespace http://ltsc.ieee.org/xsd/LOM).
/// Record `n` depends only on (seed, n): the same seed gives the same bytes whatever the
/// number of records or the file layout.
struct LOMGenerator {
    static let namespace = "http://ltsc.ieee.org/xsd/LOM"
    let seed: UInt64
    /// Total number of records, so relations point at records that exist.
    let total: Int

    /// Appends record `n` (1-based) to `out`, indented for a `<lomCollection>`.
    func record(_ n: Int, into out: inout String) {
        var random = BenchRandom(seed: seed, stream: UInt64(n))
        let corpus = FrenchCorpus.self
        let discipline = corpus.disciplines.sample(&random)
        let topic = discipline.topics.sample(&random)
        let kind = corpus.kinds.sample(&random)
        let language = random.chance(0.8) ? "fr" : (random.chance(0.5) ? "fre" : "fr-BE")
        let stringLanguage = language == "fre" ? "fr" : language
        let levelStart = random.int(topic.levels)
        let levelCount = levelStart < topic.levels.upperBound && random.chance(0.3) ? 2 : 1
        let levels = Array(levelStart..<(levelStart + levelCount))
        let format = corpus.formats.sample(&random)

        var x = XMLWriter(out: "", indent: 1)
        swap(&x.out, &out)
        x.open("lom")

        // General
        x.open("general")
        x.open("identifier")
        x.leaf("catalog", "URI")
        x.leaf("entry", "https://bench.example.be/r/\(n)")
        x.close("identifier")
        if random.chance(0.2) {
            x.open("identifier")
            x.leaf("catalog", "bench-inventaire")
            x.leaf("entry", "INV-\(String(format: "%07d", n))")
            x.close("identifier")
        }
        x.langString("title", title(topic: topic, kind: kind, levels: levels, random: &random), stringLanguage)
        x.leaf("language", language)
        x.langString("description", description(discipline: discipline, topic: topic, kind: kind,
                                                 levels: levels, random: &random), stringLanguage)
        for keyword in keywords(discipline: discipline, topic: topic, random: &random) {
            x.langString("keyword", keyword, stringLanguage)
        }
        if random.chance(0.3) {
            x.langString("coverage", random.chance(0.7) ? "Fédération Wallonie-Bruxelles" : "Belgique francophone",
                         stringLanguage)
        }
        if random.chance(0.4) {
            x.vocabulary("structure", random.chance(0.85) ? "atomic" : "collection")
            x.vocabulary("aggregationLevel", random.chance(0.8) ? "1" : "2")
        }
        x.close("general")

        // Life cycle
        x.open("lifeCycle")
        if random.chance(0.5) {
            x.langString("version", "\(random.int(1...3)).\(random.int(0...9))", stringLanguage)
            x.vocabulary("status", random.chance(0.9) ? "final" : "revised")
        }
        let contributors = random.chance(0.5) ? 1 : (random.chance(0.7) ? 2 : 3)
        let year = random.int(2008...2024)
        for index in 0..<contributors {
            let role = index == 0 ? "author" : corpus.contributorRoles.sample(&random)
            x.open("contribute")
            x.vocabulary("role", role)
            x.leaf("entity", vCard(publisher: role == "publisher", random: &random))
            if random.chance(0.85) {
                x.open("date")
                x.leaf("dateTime", date(year: year + index, random: &random))
                if random.chance(0.2) { x.langString("description", "date de \(role == "publisher" ? "publication" : "création")", "fr") }
                x.close("date")
            }
            x.close("contribute")
        }
        x.close("lifeCycle")

        // Meta-metadata
        x.open("metaMetadata")
        x.open("identifier")
        x.leaf("catalog", "bench-notices")
        x.leaf("entry", "notice-\(n)")
        x.close("identifier")
        if random.chance(0.4) {
            x.open("contribute")
            x.vocabulary("role", random.chance(0.8) ? "creator" : "validator")
            x.leaf("entity", vCard(publisher: false, random: &random))
            x.open("date")
            x.leaf("dateTime", date(year: min(year + 1, 2025), random: &random))
            x.close("date")
            x.close("contribute")
        }
        x.leaf("metadataSchema", "LOMv1.0")
        if random.chance(0.3) { x.leaf("metadataSchema", "LOMFRv1.0") }
        x.leaf("language", "fr")
        x.close("metaMetadata")

        // Technical
        x.open("technical")
        x.leaf("format", format.mime)
        x.leaf("size", "\(random.int(20_000...250_000_000))")
        let slug = Self.slug(topic.noun)
        x.leaf("location", "https://ressources.example.be/\(discipline.id)/\(n)/\(slug).\(format.ext)")
        if random.chance(0.25) {
            x.leaf("location", "https://miroir.example.org/ressources/\(n)")
        }
        if format.timed || random.chance(0.05) {
            x.open("duration")
            x.leaf("duration", duration(minutes: random.int(1...55), seconds: random.int(0...59), random: &random))
            x.close("duration")
        }
        if random.chance(0.15) {
            x.langString("installationRemarks", "Aucune installation : la ressource s’ouvre dans un navigateur récent.",
                         stringLanguage)
        }
        if random.chance(0.15) {
            x.langString("otherPlatformRequirements", format.ext == "pdf" ? "Lecteur PDF" : "Connexion à Internet",
                         stringLanguage)
        }
        x.close("technical")

        // Educational
        x.open("educational")
        if random.chance(0.4) { x.vocabulary("interactivityType", corpus.interactivityType.sample(&random)) }
        for type in corpus.resourceTypes.sample(distinct: random.int(1...2), &random) {
            x.vocabulary("learningResourceType", type)
        }
        if random.chance(0.3) { x.vocabulary("interactivityLevel", corpus.interactivityLevel.sample(&random)) }
        for role in corpus.endUserRoles.sample(distinct: random.chance(0.3) ? 2 : 1, &random) {
            x.vocabulary("intendedEndUserRole", role)
        }
        if random.chance(0.4) { x.vocabulary("context", corpus.contextValues.sample(&random)) }
        let age = 3 + levels[0]
        if random.chance(0.5) { x.langString("typicalAgeRange", "\(age)-\(age + levelCount)", "fr") }
        if random.chance(0.3) { x.vocabulary("difficulty", corpus.difficulty.sample(&random)) }
        x.open("typicalLearningTime")
        x.leaf("duration", learningTime(random: &random))
        x.close("typicalLearningTime")
        if random.chance(0.25) {
            x.langString("description", "Prérequis : avoir abordé \(topic.withArticle) en classe. "
                            + corpus.closing.sample(&random), stringLanguage)
        }
        x.leaf("language", language)
        x.close("educational")

        // Rights
        x.open("rights")
        if random.chance(0.6) { x.vocabulary("cost", random.chance(0.95) ? "no" : "yes") }
        x.vocabulary("copyrightAndOtherRestrictions", "yes")
        x.langString("description", corpus.licences.sample(&random), stringLanguage)
        x.close("rights")

        // Relations
        let relations = random.chance(0.5) ? 0 : (random.chance(0.7) ? 1 : random.int(2...3))
        for _ in 0..<relations {
            let target = random.int(1...max(total, 1))
            x.open("relation")
            x.vocabulary("kind", corpus.relationKinds.sample(&random))
            x.open("resource")
            x.open("identifier")
            x.leaf("catalog", "URI")
            x.leaf("entry", "https://bench.example.be/r/\(target)")
            x.close("identifier")
            if random.chance(0.3) {
                x.langString("description", "Ressource liée : \(corpus.kinds.sample(&random).lowercased())", stringLanguage)
            }
            x.close("resource")
            x.close("relation")
        }

        // Classification: levels, then disciplines.
        x.open("classification")
        x.vocabulary("purpose", "educational level")
        for level in levels {
            x.open("taxonPath")
            x.langString("source", "FWB niveaux", "fr")
            x.open("taxon")
            x.leaf("id", Levels.ids[level])
            x.langString("entry", Levels.labels[level], "fr")
            x.close("taxon")
            x.close("taxonPath")
        }
        x.close("classification")
        x.open("classification")
        x.vocabulary("purpose", "discipline")
        var domains = [discipline]
        if random.chance(0.2) {
            let other = corpus.disciplines.sample(&random)
            if other != discipline { domains.append(other) }
        }
        for domain in domains {
            x.open("taxonPath")
            x.langString("source", "FWB disciplines", "fr")
            x.open("taxon")
            x.leaf("id", domain.id)
            x.langString("entry", domain.label, "fr")
            x.close("taxon")
            x.close("taxonPath")
        }
        if random.chance(0.3) {
            x.langString("keyword", topic.keywords[0], stringLanguage)
        }
        x.close("classification")

        x.close("lom")
        swap(&x.out, &out)
    }

    // MARK: Text

    private func title(topic: Topic, kind: String, levels: [Int], random: inout BenchRandom) -> String {
        let corpus = FrenchCorpus.self
        let noun = topic.withArticle
        switch random.int(0...9) {
        case 0, 1, 2: return "\(kind) : \(noun)"
        case 3: return capitalized(noun)
        case 4: return "\(capitalized(noun)) \(corpus.qualifiers.sample(&random))"
        case 5:
            let opener = corpus.openers.sample(&random)
            return opener.hasSuffix(" à") ? "\(opener.dropLast(2)) \(topic.toArticle)" : "\(opener) \(noun)"
        case 6: return "\(kind) : \(noun) en \(Levels.labels[levels[0]])"
        case 7: return "\(corpus.openers.sample(&random)) \(noun) \(corpus.qualifiers.sample(&random))"
        case 8: return "\(capitalized(noun)) (\(Levels.labels[levels[0]]))"
        default: return "\(kind) – \(noun) : \(corpus.approaches.sample(&random))"
        }
    }

    private func description(discipline: Discipline, topic: Topic, kind: String, levels: [Int],
                             random: inout BenchRandom) -> String {
        let corpus = FrenchCorpus.self
        var sentences: [String] = []
        let level = Levels.labels[levels[0]]
        switch random.int(0...3) {
        case 0:
            sentences.append("Cette ressource propose aux élèves de \(level) d’aborder \(topic.withArticle) à travers "
                             + "\(corpus.approaches.sample(&random)).")
        case 1:
            sentences.append("Les élèves découvrent \(topic.withArticle) grâce à \(corpus.approaches.sample(&random)) "
                             + "et \(corpus.approaches.sample(&random)).")
        case 2:
            sentences.append("Une ressource consacrée \(topic.toArticle), destinée aux élèves de \(level) "
                             + "en \(discipline.label.lowercased()).")
        default:
            sentences.append("Objectif : \(corpus.goals.sample(&random)) \(topic.ofArticle) en \(level).")
        }
        let count = random.int(2...4)
        while sentences.count < count {
            let sentence: String
            switch random.int(0...4) {
            case 0:
                sentence = "La ressource comprend \(random.int(3...12)) \(corpus.parts.sample(&random)) "
                    + "pour \(corpus.goals.sample(&random)) \(topic.ofArticle)."
            case 1:
                let keywords = topic.keywords.prefix(3).joined(separator: ", ")
                sentence = "Notions travaillées : \(keywords)."
            case 2:
                sentence = "Les élèves travaillent avec \(corpus.approaches.sample(&random)) "
                    + "puis mettent en commun leurs observations."
            default:
                sentence = corpus.closing.sample(&random)
            }
            if !sentences.contains(sentence) { sentences.append(sentence) }
        }
        return sentences.joined(separator: " ")
    }

    private func keywords(discipline: Discipline, topic: Topic, random: inout BenchRandom) -> [String] {
        let corpus = FrenchCorpus.self
        let count = random.int(3...8)
        var out: [String] = []
        for keyword in topic.keywords where out.count < count && random.chance(0.85) { out.append(keyword) }
        for keyword in discipline.keywords where out.count < count && random.chance(0.4) {
            if !out.contains(keyword) { out.append(keyword) }
        }
        var attempts = 0
        while out.count < count && attempts < 30 {
            attempts += 1
            let keyword = corpus.generalKeywords.sample(&random)
            if !out.contains(keyword) { out.append(keyword) }
        }
        // Some partners put a whole list in one element.
        if out.count >= 4 && random.chance(0.15) {
            let joined = out.suffix(3).joined(separator: ", ")
            out = Array(out.dropLast(3)) + [joined]
        }
        return out
    }

    private func vCard(publisher: Bool, random: inout BenchRandom) -> String {
        let corpus = FrenchCorpus.self
        if publisher {
            let org = corpus.publishers.sample(&random)
            return "BEGIN:VCARD\nVERSION:3.0\nFN:\(org)\nORG:\(org)\nEND:VCARD"
        }
        let first = corpus.firstNames.sample(&random)
        let last = corpus.lastNames.sample(&random)
        let org = corpus.organizations.sample(&random)
        var card = "BEGIN:VCARD\nVERSION:3.0\nN:\(last);\(first);;;\nFN:\(first) \(last)\nORG:\(org)\n"
        if random.chance(0.4) {
            card += "EMAIL;TYPE=INTERNET:\(Self.slug(first)).\(Self.slug(last))@ecoles.example.be\n"
        }
        return card + "END:VCARD"
    }

    private func date(year: Int, random: inout BenchRandom) -> String {
        let month = random.int(1...12)
        let day = random.int(1...28)
        let hour = random.int(7...19)
        let minute = random.int(0...59)
        let second = random.int(0...59)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        switch random.int(0...19) {
        case 0: return "\(year)"
        case 1, 2: return "\(year)-\(two(month))"
        case 3...9: return "\(year)-\(two(month))-\(two(day))"
        case 10, 11, 12: return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
        case 13, 14: return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))+0\(random.int(1...2)):00"
        case 15: return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second)).\(random.int(100...999))+0100"
        case 16, 17: return "\(two(day))/\(two(month))/\(year)"
        default: return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute))"
        }
    }

    private func duration(minutes: Int, seconds: Int, random: inout BenchRandom) -> String {
        switch random.int(0...3) {
        case 0: return "PT\(minutes)M\(seconds)S"
        case 1: return "PT0H\(minutes)M\(seconds)S"
        case 2: return String(format: "00:%02d:%02d", minutes, seconds)
        default: return "PT\(minutes)M"
        }
    }

    private func learningTime(random: inout BenchRandom) -> String {
        switch random.int(0...5) {
        case 0: return "PT50M"
        case 1: return "PT1H40M"
        case 2: return "PT\(random.int(1...4))H"
        case 3: return "PT\(5 * random.int(2...18))M"
        case 4: return "P\(random.int(1...3))W"
        default: return "PT\(random.int(0...2))H\(5 * random.int(1...11))M"
        }
    }

    private func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static func slug(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var out = ""
        var dash = false
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.unicodeScalars.append(scalar)
            } else {
                dash = true
            }
        }
        return out
    }
}

/// A tiny indenting XML writer into a String; text is escaped.
struct XMLWriter {
    var out: String
    var indent: Int

    mutating func pad() {
        for _ in 0..<indent { out += "  " }
    }

    mutating func open(_ name: String) {
        pad()
        out += "<\(name)>\n"
        indent += 1
    }

    mutating func close(_ name: String) {
        indent -= 1
        pad()
        out += "</\(name)>\n"
    }

    mutating func leaf(_ name: String, _ text: String) {
        pad()
        out += "<\(name)>"
        Self.escape(text, into: &out)
        out += "</\(name)>\n"
    }

    mutating func langString(_ name: String, _ text: String, _ language: String) {
        open(name)
        pad()
        out += "<string language=\"\(language)\">"
        Self.escape(text, into: &out)
        out += "</string>\n"
        close(name)
    }

    /// LOM vocabulary element: `<name><source>LOMv1.0</source><value>..</value></name>`.
    mutating func vocabulary(_ name: String, _ value: String) {
        open(name)
        leaf("source", "LOMv1.0")
        leaf("value", value)
        close(name)
    }

    static func escape(_ text: String, into out: inout String) {
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            out += text
            return
        }
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
    }
}

/// Writes records into collection files, streaming: one record in memory at a time.
struct CorpusWriter {
    let folder: URL
    let records: Int
    let perFile: Int
    let seed: UInt64

    struct Summary {
        var files: Int
        var bytes: Int
    }

    static func fileName(_ index: Int) -> String {
        "lom-" + String(format: "%06d", index) + ".xml"
    }

    func write(progress: ((Int) -> Void)? = nil) throws -> Summary {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let generator = LOMGenerator(seed: seed, total: records)
        var summary = Summary(files: 0, bytes: 0)
        var n = 1
        var record = ""
        record.reserveCapacity(16 << 10)
        while n <= records {
            summary.files += 1
            let path = folder.appendingPathComponent(Self.fileName(summary.files)).path
            guard let file = fopen(path, "wb") else {
                throw BenchError("impossible d'écrire \(path): \(String(cString: strerror(errno)))")
            }
            setvbuf(file, nil, _IOFBF, 1 << 20)
            func put(_ text: String) throws {
                var text = text
                let ok = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) == $0.count }
                if !ok { throw BenchError("écriture échouée : \(path)") }
                summary.bytes += text.utf8.count
            }
            do {
                try put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lomCollection xmlns=\"\(LOMGenerator.namespace)\">\n")
                let last = min(records, n + perFile - 1)
                while n <= last {
                    record.removeAll(keepingCapacity: true)
                    generator.record(n, into: &record)
                    try put(record)
                    n += 1
                }
                try put("</lomCollection>\n")
            } catch {
                fclose(file)
                throw error
            }
            if fclose(file) != 0 { throw BenchError("écriture échouée : \(path)") }
            progress?(n - 1)
        }
        return summary
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
