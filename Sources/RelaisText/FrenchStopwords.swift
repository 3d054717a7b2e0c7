/// The Snowball French stop word list (snowballstem.org, algorithms/french/stop.txt), in the
/// file's order. The words that file comments out because they are homonyms of content words
/// stay out: son (sound), été (summer), étés, est (east), sommes (sums), fût (cask), as (ace),
/// auras, aura, avions (planes); a search for "été" or "avions" must not lose its only word.
enum FrenchStopwords {
    static let list: [String] = [
        // pronouns, articles, prepositions, conjunctions
        "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
        "je", "la", "le", "leur", "lui", "ma", "mais", "me", "même", "mes", "moi", "mon", "ne", "nos",
        "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses",
        "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous",
        // single letter forms
        "c", "d", "j", "l", "à", "m", "n", "s", "t", "y",
        // forms of être (not the infinitive)
        "étée", "étées", "étant", "suis", "es", "êtes", "sont", "serai", "seras", "sera", "serons",
        "serez", "seront", "serais", "serait", "serions", "seriez", "seraient", "étais", "était",
        "étions", "étiez", "étaient", "fus", "fut", "fûmes", "fûtes", "furent", "sois", "soit",
        "soyons", "soyez", "soient", "fusse", "fusses", "fussions", "fussiez", "fussent",
        // forms of avoir (not the infinitive)
        "ayant", "eu", "eue", "eues", "eus", "ai", "avons", "avez", "ont", "aurai", "aurons", "aurez",
        "auront", "aurais", "aurait", "aurions", "auriez", "auraient", "avais", "avait", "aviez",
        "avaient", "eut", "eûmes", "eûtes", "eurent", "aie", "aies", "ait", "ayons", "ayez", "aient",
        "eusse", "eusses", "eût", "eussions", "eussiez", "eussent",
        // later additions
        "ceci", "cela", "celà", "cet", "cette", "ici", "ils", "les", "leurs", "quel", "quels",
        "quelle", "quelles", "sans", "soi",
    ]

    /// Folded forms, as `FrenchAnalyzer.isStopword` compares them.
    static let folded: Set<String> = Set(list.map { FrenchAnalyzer.fold($0) })
}
