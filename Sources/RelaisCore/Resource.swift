import Foundation

/// Text in one language. `language` is a BCP 47 tag, or nil when the source gave none
/// (or said `x-none`).
public struct LangText: Codable, Hashable, Sendable {
    public var language: String?
    public var text: String

    public init(_ text: String, language: String? = nil) {
        self.text = text
        self.language = language
    }
}

/// A value taken from a source vocabulary, mapped to one of our terms when we know it.
/// An unmapped value keeps `term == nil` and its raw text so that nothing is dropped silently.
public struct TermValue: Codable, Hashable, Sendable {
    /// Our term id (see `Corpus/vocabularies/`), nil when the value did not map.
    public var term: String?
    /// The value exactly as the source gave it (trimmed).
    public var raw: String
    /// The source vocabulary the value claimed to come from, when it said so.
    public var scheme: String?

    public init(term: String?, raw: String, scheme: String? = nil) {
        self.term = term
        self.raw = raw
        self.scheme = scheme
    }
}

public struct Contributor: Codable, Hashable, Sendable {
    /// The role as the source named it (LOM lifeCycle role: author, publisher, editor...).
    public var role: String?
    public var name: String?
    public var organization: String?
    public var date: String?

    public init(role: String? = nil, name: String? = nil, organization: String? = nil, date: String? = nil) {
        self.role = role
        self.name = name
        self.organization = organization
        self.date = date
    }

    /// What to show: the person, else the organisation.
    public var displayName: String? { name ?? organization }
}

public struct Licence: Codable, Hashable, Sendable {
    /// Our licence term id (`cc-by`, `cc-by-sa`, `cc0`, `tous-droits-reserves-usage-pedagogique`...).
    public var term: String?
    /// Licence version when stated (`4.0`, `3.0`...).
    public var version: String?
    public var url: String?
    /// The statement as the source wrote it.
    public var statement: String?

    public init(term: String?, version: String? = nil, url: String? = nil, statement: String? = nil) {
        self.term = term
        self.version = version
        self.url = url
        self.statement = statement
    }
}

/// A time-coded part of an archive sequence.
public struct Segment: Codable, Hashable, Sendable {
    public var identifier: String?
    public var title: String?
    public var description: String?
    /// Seconds from the start of the media.
    public var start: Double?
    public var end: Double?
    public var transcript: String?

    public init(identifier: String? = nil, title: String? = nil, description: String? = nil,
                start: Double? = nil, end: Double? = nil, transcript: String? = nil) {
        self.identifier = identifier
        self.title = title
        self.description = description
        self.start = start
        self.end = end
        self.transcript = transcript
    }
}

extension Segment {
    /// `HH:MM:SS` of the start, as a teacher reads a timecode.
    public var startTimecode: String? { start.flatMap(Self.timecode) }

    /// `HH:MM:SS` for a number of seconds (nil when it is not a time).
    public static func timecode(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
        let total = Int(seconds.rounded(.down))
        return String(format: "%02d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}

/// A heading of a fact sheet with the text under it, searchable on its own.
public struct Section: Codable, Hashable, Sendable {
    public var level: Int
    public var heading: String
    public var text: String

    public init(level: Int, heading: String, text: String) {
        self.level = level
        self.heading = heading
        self.text = text
    }
}

public struct Relation: Codable, Hashable, Sendable {
    /// LOM relation kind (`ispartof`, `references`, `isbasedon`...) or the source's own word.
    public var kind: String?
    /// Identifier or URL of the related resource.
    public var target: String
    public var description: String?

    public init(kind: String?, target: String, description: String? = nil) {
        self.kind = kind
        self.target = target
        self.description = description
    }
}

public enum SourceFormat: String, Codable, Hashable, Sendable, CaseIterable {
    case lom            // IEEE LOM XML binding (with LOMFR / ScoLOMFR extensions)
    case imsMetadata = "ims-md"  // IMS Metadata 1.2.x
    case oaiDC = "oai-dc"
    case ebucore
    case markdown
}

/// The one normalized record every source maps into and every export maps out of.
public struct Resource: Codable, Hashable, Sendable {
    public var id: ResourceID
    public var source: String
    public var sourceIdentifier: String
    public var format: SourceFormat

    public var titles: [LangText] = []
    public var descriptions: [LangText] = []
    public var keywords: [LangText] = []
    public var languages: [String] = []
    public var contributors: [Contributor] = []
    public var publisher: String?
    /// ISO 8601 as normalized by the parser (`2004`, `2004-05-12`, `2004-05-12T10:00:00Z`).
    public var created: String?
    public var modified: String?

    public var levels: [TermValue] = []
    public var domains: [TermValue] = []
    public var resourceTypes: [TermValue] = []
    public var intendedRoles: [TermValue] = []
    public var specificNeeds: [TermValue] = []
    /// LOM educational contexts that are not a level of ours ("school", "higher education"):
    /// kept for export, not classified.
    public var contexts: [String] = []
    /// Typical learning time in seconds.
    public var learningTime: Double?

    public var licence: Licence?
    public var location: String?
    public var mediaFormats: [String] = []
    /// Media duration in seconds.
    public var duration: Double?
    public var segments: [Segment] = []
    public var sections: [Section] = []
    /// Safe HTML rendering of a fact sheet body (no raw HTML, no unsafe links).
    public var bodyHTML: String?
    public var relations: [Relation] = []

    public init(id: ResourceID, source: String, sourceIdentifier: String, format: SourceFormat) {
        self.id = id
        self.source = source
        self.sourceIdentifier = sourceIdentifier
        self.format = format
    }

    /// The title to show: French first, then any.
    public var displayTitle: String {
        Self.preferred(titles)?.text ?? sourceIdentifier
    }

    public static func preferred(_ texts: [LangText]) -> LangText? {
        texts.first { $0.language?.hasPrefix("fr") == true } ?? texts.first
    }
}

/// Where a record came from, for reports and for exporting it again.
public struct Provenance: Codable, Hashable, Sendable {
    public var file: String
    /// 1-based position of the record in its file.
    public var recordIndex: Int
    /// Line of the record's start in its file, when the parser knows it.
    public var line: Int?
    public var batch: Int64?
    /// SHA-256 (hex) of the original record bytes and the mapper version.
    public var contentHash: String

    public init(file: String, recordIndex: Int, line: Int?, batch: Int64? = nil, contentHash: String) {
        self.file = file
        self.recordIndex = recordIndex
        self.line = line
        self.batch = batch
        self.contentHash = contentHash
    }
}
