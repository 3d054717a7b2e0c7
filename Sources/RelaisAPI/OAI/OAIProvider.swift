import Foundation
import RelaisCore
import RelaisExport
import RelaisStore

/// An OAI-PMH 2.0 protocol error: answered with HTTP 200 and an `<error>` element.
struct OAIError: Error, Sendable {
    enum Code: String, Sendable {
        case badArgument, badResumptionToken, badVerb, cannotDisseminateFormat, idDoesNotExist, noRecordsMatch,
             noMetadataFormats, noSetHierarchy
    }

    var code: Code
    var message: String
}

/// The OAI-PMH 2.0 provider: the six verbs over the store, `oai_dc` and `lom` formats, sets by
/// source, learning domain and level, resumption tokens, persistent tombstones.
struct OAIProvider: Sendable {
    static let identifierPrefix = "oai:relais.fwb.be:"
    static let namespace = "http://www.openarchives.org/OAI/2.0/"
    static let verbs: [String: (required: Set<String>, optional: Set<String>)] = [
        "Identify": ([], []),
        "ListMetadataFormats": ([], ["identifier"]),
        "ListSets": ([], ["resumptionToken"]),
        "GetRecord": (["identifier", "metadataPrefix"], []),
        "ListIdentifiers": (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
        "ListRecords": (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
    ]
    /// Every argument name of the protocol; anything else is a badArgument.
    static let argumentNames: Set<String> = ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"]
    static let formats: [(prefix: String, schema: String, namespace: String)] = [
        ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
        ("lom", "http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd", LOMExporter.namespace),
    ]
    /// Set prefixes and the facet dimension each one selects on.
    static let setDimensions: [(prefix: String, dimension: String, label: String)] = [
        ("domaine", Facet.domain.rawValue, "Domaine"), ("niveau", Facet.level.rawValue, "Niveau"),
    ]

    let vocabularies: Vocabularies
    let pageSize: Int
    let adminEmail: String
    let tokenLifetime: TimeInterval

    /// The whole response document for these arguments (each given once, already decoded).
    func respond(_ pairs: [(name: String, value: String)], baseURL: String, store: Store, now: Date = Date()) -> String {
        var writer = XMLWriter(declaration: true)
        writer.open("OAI-PMH", [
            ("xmlns", Self.namespace), ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", Self.namespace + " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"),
        ])
        writer.text("responseDate", Self.datestamp(now))
        do {
            let arguments = try Self.validate(pairs)
            writer.text("request", baseURL, Self.requestAttributes(arguments))
            do {
                try answer(arguments, baseURL: baseURL, store: store, now: now, into: &writer)
            } catch let error as OAIError {
                writer.text("error", error.message, [("code", error.code.rawValue)])
            }
        } catch let error as OAIError {
            // badVerb and badArgument: the request element carries no attributes.
            writer.text("request", baseURL)
            writer.text("error", error.message, [("code", error.code.rawValue)])
        } catch {
            writer.text("request", baseURL)
            writer.text("error", "erreur interne du dépôt", [("code", OAIError.Code.badArgument.rawValue)])
        }
        writer.close()
        return writer.output
    }

    // MARK: Arguments

    /// Stands for arguments whose % escapes did not decode.
    static let badlyEncoded = "\u{0}encodage"

    static func validate(_ pairs: [(name: String, value: String)]) throws -> [String: String] {
        if pairs.contains(where: { $0.name == badlyEncoded }) {
            throw OAIError(code: .badArgument, message: "argument mal encodé (échappement % invalide ou UTF-8 incorrect)")
        }
        var arguments: [String: String] = [:]
        for (name, value) in pairs {
            guard arguments[name] == nil else {
                throw OAIError(code: name == "verb" ? .badVerb : .badArgument, message: "argument répété : \(name.prefix(40))")
            }
            arguments[name] = value
        }
        guard let verb = arguments["verb"] else { throw OAIError(code: .badVerb, message: "argument verb absent") }
        guard let rules = verbs[verb] else {
            throw OAIError(code: .badVerb, message: "verbe inconnu « \(verb.prefix(40)) » ; verbes : \(verbs.keys.sorted().joined(separator: ", "))")
        }
        let given = Set(arguments.keys).subtracting(["verb"])
        if let unknown = given.subtracting(rules.required).subtracting(rules.optional).sorted().first {
            throw OAIError(code: .badArgument, message: "argument non permis pour \(verb) : \(unknown.prefix(40))")
        }
        if given.contains("resumptionToken") {
            guard given == ["resumptionToken"] else {
                throw OAIError(code: .badArgument, message: "resumptionToken est exclusif : aucun autre argument avec lui")
            }
        } else if let missing = rules.required.subtracting(given).sorted().first {
            throw OAIError(code: .badArgument, message: "argument obligatoire absent pour \(verb) : \(missing)")
        }
        // Every other badArgument is found here, before the request element is written.
        _ = try range(arguments["from"], arguments["until"])
        _ = try arguments["set"].map(set)
        return arguments
    }

    static func requestAttributes(_ arguments: [String: String]) -> [(StaticString, String)] {
        var attributes: [(StaticString, String)] = []
        let known: [(StaticString, String)] = [("verb", "verb"), ("identifier", "identifier"), ("metadataPrefix", "metadataPrefix"),
                                                ("from", "from"), ("until", "until"), ("set", "set"),
                                                ("resumptionToken", "resumptionToken")]
        for (attribute, name) in known { if let value = arguments[name] { attributes.append((attribute, value)) } }
        return attributes
    }

    // MARK: Verbs

    private func answer(_ arguments: [String: String], baseURL: String, store: Store, now: Date,
                        into writer: inout XMLWriter) throws {
        switch arguments["verb"] {
        case "Identify": try identify(baseURL: baseURL, store: store, into: &writer)
        case "ListMetadataFormats": try listMetadataFormats(arguments["identifier"], store: store, into: &writer)
        case "ListSets": try listSets(arguments["resumptionToken"], store: store, into: &writer)
        case "GetRecord": try getRecord(arguments, store: store, into: &writer)
        default: try list(arguments, records: arguments["verb"] == "ListRecords", store: store, now: now, into: &writer)
        }
    }

    private func identify(baseURL: String, store: Store, into writer: inout XMLWriter) throws {
        writer.element("Identify") { w in
            w.text("repositoryName", "Relais — ressources éducatives de la Fédération Wallonie-Bruxelles")
            w.text("baseURL", baseURL)
            w.text("protocolVersion", "2.0")
            w.text("adminEmail", adminEmail)
            w.text("earliestDatestamp", (try? store.earliestDatestamp()).flatMap { $0 } ?? "1970-01-01T00:00:00Z")
            w.text("deletedRecord", "persistent")
            w.text("granularity", "YYYY-MM-DDThh:mm:ssZ")
        }
    }

    private func listMetadataFormats(_ identifier: String?, store: Store, into writer: inout XMLWriter) throws {
        if let identifier { _ = try record(identifier, store: store) }
        writer.element("ListMetadataFormats") { w in
            for format in Self.formats {
                w.element("metadataFormat") { f in
                    f.text("metadataPrefix", format.prefix)
                    f.text("schema", format.schema)
                    f.text("metadataNamespace", format.namespace)
                }
            }
        }
    }

    private func listSets(_ token: String?, store: Store, into writer: inout XMLWriter) throws {
        if let token {
            throw OAIError(code: .badResumptionToken, message: "la liste des ensembles tient en une réponse : jeton « \(token.prefix(40)) » inconnu")
        }
        let (sources, terms) = try store.harvestSets(dimensions: Self.setDimensions.map(\.dimension))
        writer.element("ListSets") { w in
            for source in sources {
                w.element("set") { s in
                    s.text("setSpec", "source:" + source)
                    s.text("setName", "Source : " + Labeller.sourceLabel(source))
                }
            }
            for (dimension, term) in terms {
                guard let set = Self.setDimensions.first(where: { $0.dimension == dimension }),
                      let facet = Facet(rawValue: dimension), Self.isSetSpecPart(term) else { continue }
                w.element("set") { s in
                    s.text("setSpec", set.prefix + ":" + term)
                    s.text("setName", set.label + " : " + (vocabularies.label(of: term, in: facet) ?? term))
                }
            }
        }
    }

    private func getRecord(_ arguments: [String: String], store: Store, into writer: inout XMLWriter) throws {
        let prefix = try format(arguments["metadataPrefix"] ?? "")
        let harvested = try record(arguments["identifier"] ?? "", store: store)
        writer.element("GetRecord") { w in
            w.element("record") { r in write(harvested, prefix: prefix, metadata: true, into: &r) }
        }
    }

    private func list(_ arguments: [String: String], records: Bool, store: Store, now: Date, into writer: inout XMLWriter) throws {
        var token: ResumptionToken
        if let text = arguments["resumptionToken"] {
            token = try ResumptionToken(decoding: text, now: now)
        } else {
            let prefix = try format(arguments["metadataPrefix"] ?? "")
            let (from, until) = try Self.range(arguments["from"], arguments["until"])
            let set = try arguments["set"].map(Self.set)
            let query = Store.HarvestQuery(from: from, until: until, set: set.flatMap { $0 })
            let total = set == .some(nil) ? 0 : try store.harvestCount(query)
            guard total > 0 else {
                throw OAIError(code: .noRecordsMatch, message: "aucune notice pour ces arguments (from, until, set)")
            }
            token = ResumptionToken(prefix: prefix, set: arguments["set"], from: from, until: until, after: nil,
                                    cursor: 0, total: total, expires: now.addingTimeInterval(tokenLifetime))
        }
        let set = try token.set.map(Self.set) ?? nil
        let query = Store.HarvestQuery(from: token.from, until: token.until, set: set)
        let page = try store.harvestPage(query, after: token.after, limit: pageSize, withRecords: true)
        guard !page.isEmpty || token.cursor > 0 else {
            throw OAIError(code: .noRecordsMatch, message: "aucune notice pour ces arguments (from, until, set)")
        }
        let delivered = token.cursor + page.count
        var more = false
        if page.count == pageSize, let last = page.last {
            more = !(try store.harvestPage(query, after: .init(datestamp: last.datestamp, id: last.id.rawValue),
                                           limit: 1, withRecords: false)).isEmpty
        }
        let element: StaticString = records ? "ListRecords" : "ListIdentifiers"
        let prefix = token.prefix
        writer.element(element) { w in
            for harvested in page {
                if records {
                    w.element("record") { r in write(harvested, prefix: prefix, metadata: true, into: &r) }
                } else {
                    writeHeader(harvested, into: &w)
                }
            }
            // The last page of a list carries an empty token with the counts.
            if token.cursor > 0 || more {
                var next = token
                next.after = page.last.map { .init(datestamp: $0.datestamp, id: $0.id.rawValue) }
                next.cursor = delivered
                next.expires = now.addingTimeInterval(tokenLifetime)
                var attributes: [(StaticString, String)] = [
                    ("completeListSize", String(max(token.total, delivered))), ("cursor", String(token.cursor)),
                ]
                if more { attributes.append(("expirationDate", Self.datestamp(next.expires))) }
                w.text("resumptionToken", more ? next.encoded : "", attributes)
            }
        }
    }

    // MARK: Records

    private func write(_ harvested: Store.HarvestRecord, prefix: String, metadata: Bool, into writer: inout XMLWriter) {
        writeHeader(harvested, into: &writer)
        guard metadata, !harvested.deleted, let resource = harvested.resource else { return }
        writer.element("metadata") { m in
            let document = prefix == "lom"
                ? LOMExporter.xml(resource, vocabularies: vocabularies)
                : DublinCoreExporter.xml(resource, vocabularies: vocabularies, includeDeclaration: false)
            m.embed(exportedDocument: document)
        }
    }

    private func writeHeader(_ harvested: Store.HarvestRecord, into writer: inout XMLWriter) {
        writer.element("header", harvested.deleted ? [("status", "deleted")] : []) { h in
            h.text("identifier", Self.identifierPrefix + harvested.id.rawValue)
            h.text("datestamp", harvested.datestamp)
            for spec in Self.setSpecs(harvested) { h.text("setSpec", spec) }
        }
    }

    static func setSpecs(_ harvested: Store.HarvestRecord) -> [String] {
        guard let resource = harvested.resource else { return [] }
        var specs = ["source:" + resource.source]
        // Tombstones keep their source set only: their terms left the index with them.
        guard !harvested.deleted else { return specs }
        for term in Set(resource.domains.compactMap(\.term)).sorted() where isSetSpecPart(term) { specs.append("domaine:" + term) }
        for term in Set(resource.levels.compactMap(\.term)).sorted() where isSetSpecPart(term) { specs.append("niveau:" + term) }
        return specs
    }

    private func record(_ identifier: String, store: Store) throws -> Store.HarvestRecord {
        guard identifier.hasPrefix(Self.identifierPrefix), identifier.utf8.count < 200,
              let harvested = try store.harvestRecord(ResourceID(rawValue: String(identifier.dropFirst(Self.identifierPrefix.count)))) else {
            throw OAIError(code: .idDoesNotExist, message: "identifiant inconnu : \(identifier.prefix(120))")
        }
        return harvested
    }

    private func format(_ prefix: String) throws -> String {
        guard Self.formats.contains(where: { $0.prefix == prefix }) else {
            throw OAIError(code: .cannotDisseminateFormat,
                           message: "format « \(prefix.prefix(40)) » non proposé ; formats : oai_dc, lom")
        }
        return prefix
    }

    // MARK: Syntax

    /// nil inside: a well-formed set this repository does not have (an empty list).
    static func set(_ spec: String) throws -> Store.HarvestSet? {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, isSetSpecPart(parts[1]) else {
            throw OAIError(code: .badArgument, message: "ensemble mal formé « \(spec.prefix(60)) » (source:NOM, domaine:TERME ou niveau:TERME)")
        }
        if parts[0] == "source" { return .source(parts[1]) }
        guard let dimension = setDimensions.first(where: { $0.prefix == parts[0] })?.dimension else { return nil }
        return .term(dimension: dimension, term: parts[1])
    }

    static func isSetSpecPart(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || "-_.!~*'()".unicodeScalars.contains($0)
        }
    }

    /// from and until as inclusive datestamps to the second, same granularity, from <= until.
    static func range(_ from: String?, _ until: String?) throws -> (String?, String?) {
        func parse(_ text: String, _ name: String, endOfDay: Bool) throws -> (String, Bool) {
            if text.count == 10, let date = dayFormat.date(from: text), dayFormat.string(from: date) == text {
                return (text + (endOfDay ? "T23:59:59Z" : "T00:00:00Z"), false)
            }
            if text.count == 20, let date = secondFormat.date(from: text), secondFormat.string(from: date) == text {
                return (text, true)
            }
            throw OAIError(code: .badArgument, message: "\(name) « \(text.prefix(40)) » : AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ attendu")
        }
        let start = try from.map { try parse($0, "from", endOfDay: false) }
        let end = try until.map { try parse($0, "until", endOfDay: true) }
        if let start, let end {
            guard start.1 == end.1 else { throw OAIError(code: .badArgument, message: "from et until n'ont pas la même granularité") }
            guard start.0 <= end.0 else { throw OAIError(code: .badArgument, message: "from est postérieur à until") }
        }
        return (start?.0, end?.0)
    }

    nonisolated(unsafe) static let dayFormat = utcFormatter("yyyy-MM-dd")
    nonisolated(unsafe) static let secondFormat = utcFormatter("yyyy-MM-dd'T'HH:mm:ss'Z'")

    private static func utcFormatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }

    static func datestamp(_ date: Date) -> String { date.formatted(.iso8601) }
}

/// Where a list harvest stands, handed to the harvester and back: the arguments of the first
/// request, the last (datestamp, id) delivered, the counts and an expiry. Positions, not
/// offsets, so that records changing during a harvest do not shift the pages.
struct ResumptionToken: Sendable, Equatable {
    var prefix: String
    var set: String?
    var from: String?
    var until: String?
    var after: Store.HarvestPosition?
    var cursor: Int
    var total: Int
    var expires: Date

    init(prefix: String, set: String?, from: String?, until: String?, after: Store.HarvestPosition?, cursor: Int,
         total: Int, expires: Date) {
        self.prefix = prefix
        self.set = set
        self.from = from
        self.until = until
        self.after = after
        self.cursor = cursor
        self.total = total
        self.expires = expires
    }

    private static let separator: Character = "\u{1F}"

    var encoded: String {
        let fields = ["1", prefix, set ?? "", from ?? "", until ?? "", after?.datestamp ?? "", after?.id ?? "",
                      String(cursor), String(total), String(Int(expires.timeIntervalSince1970))]
        return Data(fields.joined(separator: String(Self.separator)).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(decoding text: String, now: Date) throws {
        let invalid = OAIError(code: .badResumptionToken, message: "jeton de reprise invalide : « \(text.prefix(60)) »")
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count < 2_000, let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            throw invalid
        }
        let fields = decoded.split(separator: Self.separator, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 10, fields[0] == "1", OAIProvider.formats.contains(where: { $0.prefix == fields[1] }),
              let cursor = Int(fields[7]), let total = Int(fields[8]), let expiry = Int(fields[9]), cursor >= 0, total >= 0,
              (fields[5].isEmpty) == (fields[6].isEmpty) else { throw invalid }
        let expires = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard expires > now else {
            throw OAIError(code: .badResumptionToken, message: "jeton de reprise expiré le \(OAIProvider.datestamp(expires)) : recommencez la moisson")
        }
        self.init(prefix: fields[1], set: fields[2].isEmpty ? nil : fields[2], from: fields[3].isEmpty ? nil : fields[3],
                  until: fields[4].isEmpty ? nil : fields[4],
                  after: fields[5].isEmpty ? nil : Store.HarvestPosition(datestamp: fields[5], id: fields[6]),
                  cursor: cursor, total: total, expires: expires)
        if let set { _ = try OAIProvider.set(set) }
    }
}
