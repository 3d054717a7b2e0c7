/// The words synthetic records are built from: school topics of the Fédération
/// Wallonie-Bruxelles, by discipline, in French. Lists are ordered from the most to the least
/// frequent; `Zipf` draws from them so a few topics and words dominate and a long tail stays
/// rare, as in a real repository.

/// A French determiner, for the contractions "au", "aux", "du", "des".
enum Determiner: Sendable {
    case le, la, l, les

    var article: String {
        switch self {
        case .le: "le "
        case .la: "la "
        case .l: "l’"
        case .les: "les "
        }
    }

    /// "à" + article.
    var toArticle: String {
        switch self {
        case .le: "au "
        case .la: "à la "
        case .l: "à l’"
        case .les: "aux "
        }
    }

    /// "de" + article.
    var ofArticle: String {
        switch self {
        case .le: "du "
        case .la: "de la "
        case .l: "de l’"
        case .les: "des "
        }
    }
}

/// School levels, by index 0..<15: M1-M3, P1-P6, S1-S6.
enum Levels {
    static let ids = ["M1", "M2", "M3", "P1", "P2", "P3", "P4", "P5", "P6", "S1", "S2", "S3", "S4", "S5", "S6"]
    static let labels = [
        "1re maternelle", "2e maternelle", "3e maternelle",
        "1re primaire", "2e primaire", "3e primaire", "4e primaire", "5e primaire", "6e primaire",
        "1re secondaire", "2e secondaire", "3e secondaire", "4e secondaire", "5e secondaire", "6e secondaire",
    ]
    static let maternelle = 0...2
    static let primaire = 3...8
    static let primaireHaut = 5...8
    static let secondaireInf = 9...11
    static let secondaireSup = 12...14
    static let secondaire = 9...14
    static let charniere = 6...11
    static let tous = 0...14
}

struct Topic: Sendable, Equatable {
    var determiner: Determiner
    var noun: String
    var keywords: [String]
    var levels: ClosedRange<Int>

    init(_ determiner: Determiner, _ noun: String, _ levels: ClosedRange<Int>, _ keywords: [String]) {
        self.determiner = determiner
        self.noun = noun
        self.keywords = keywords
        self.levels = levels
    }

    var withArticle: String { determiner.article + noun }
    var toArticle: String { determiner.toArticle + noun }
    var ofArticle: String { determiner.ofArticle + noun }
}

struct Discipline: Sendable, Equatable {
    var id: String
    var label: String
    var keywords: [String]
    var topics: Zipf<Topic>

    static func == (a: Discipline, b: Discipline) -> Bool { a.id == b.id }
}

enum FrenchCorpus {
    typealias L = Levels

    static let disciplines = Zipf([
        Discipline(id: "mathematiques", label: "Mathématiques", keywords: ["mathématiques", "calcul", "problèmes", "raisonnement", "nombres"], topics: Zipf([
            Topic(.les, "fractions", L.primaire, ["fractions", "partage", "numérateur", "dénominateur"]),
            Topic(.la, "proportionnalité", L.charniere, ["proportionnalité", "tableau de proportionnalité", "règle de trois"]),
            Topic(.les, "nombres décimaux", L.primaire, ["nombres décimaux", "virgule", "numération"]),
            Topic(.le, "calcul mental", L.primaire, ["calcul mental", "automatismes", "tables"]),
            Topic(.les, "tables de multiplication", L.primaire, ["multiplication", "tables", "mémorisation"]),
            Topic(.le, "théorème de Pythagore", L.secondaireInf, ["Pythagore", "triangle rectangle", "géométrie"]),
            Topic(.les, "équations du premier degré", L.secondaireInf, ["équations", "algèbre", "inconnue"]),
            Topic(.le, "périmètre et l’aire des figures planes", L.primaireHaut, ["périmètre", "aire", "géométrie", "mesures"]),
            Topic(.les, "fonctions du premier degré", L.secondaire, ["fonctions", "graphique", "pente"]),
            Topic(.les, "statistiques descriptives", L.secondaire, ["statistiques", "moyenne", "médiane", "diagramme"]),
            Topic(.les, "probabilités", L.secondaireSup, ["probabilités", "hasard", "dénombrement"]),
            Topic(.la, "symétrie axiale", L.primaire, ["symétrie", "axe", "géométrie"]),
            Topic(.les, "solides et leurs développements", L.charniere, ["solides", "développement", "cube", "pavé"]),
            Topic(.la, "trigonométrie", L.secondaireSup, ["trigonométrie", "sinus", "cosinus", "angles"]),
            Topic(.les, "grandeurs et mesures", L.primaire, ["mesures", "unités", "conversion", "grandeurs"]),
            Topic(.les, "nombres entiers relatifs", L.secondaireInf, ["nombres relatifs", "droite graduée", "signes"]),
            Topic(.le, "calcul littéral", L.secondaireInf, ["calcul littéral", "distributivité", "réduction"]),
            Topic(.les, "suites numériques", L.secondaireSup, ["suites", "récurrence", "arithmétique"]),
            Topic(.les, "dérivées", L.secondaireSup, ["dérivées", "tangente", "analyse"]),
            Topic(.les, "vecteurs", L.secondaireSup, ["vecteurs", "translation", "repère"]),
            Topic(.la, "numération jusqu’à 100", 3...4, ["numération", "dizaines", "unités"]),
            Topic(.les, "formes géométriques", L.maternelle, ["formes", "carré", "cercle", "triangle"]),
            Topic(.les, "puissances et racines carrées", L.secondaireInf, ["puissances", "racines", "exposants"]),
            Topic(.les, "systèmes d’équations", L.secondaireSup, ["systèmes", "équations", "substitution"]),
        ], exponent: 0.9)),
        Discipline(id: "francais", label: "Français", keywords: ["français", "langue française", "lecture", "écriture"], topics: Zipf([
            Topic(.la, "compréhension à la lecture", L.tous, ["lecture", "compréhension", "texte"]),
            Topic(.la, "conjugaison du présent", L.primaire, ["conjugaison", "présent", "verbes"]),
            Topic(.le, "récit d’aventure", L.charniere, ["récit", "narration", "schéma narratif"]),
            Topic(.l, "accord du participe passé", L.charniere, ["participe passé", "accord", "orthographe"]),
            Topic(.la, "production d’écrits argumentatifs", L.secondaire, ["argumentation", "écriture", "thèse"]),
            Topic(.le, "conte merveilleux", L.primaire, ["conte", "merveilleux", "personnages"]),
            Topic(.la, "poésie", L.tous, ["poésie", "rimes", "vers", "strophe"]),
            Topic(.les, "homophones grammaticaux", L.primaireHaut, ["homophones", "orthographe", "grammaire"]),
            Topic(.le, "théâtre classique", L.secondaireSup, ["théâtre", "Molière", "tragédie", "comédie"]),
            Topic(.la, "fable de La Fontaine", L.charniere, ["fable", "La Fontaine", "morale"]),
            Topic(.l, "imparfait et le passé simple", L.charniere, ["imparfait", "passé simple", "temps du récit"]),
            Topic(.les, "classes de mots", L.primaire, ["nature des mots", "grammaire", "nom", "adjectif"]),
            Topic(.le, "résumé de texte", L.secondaire, ["résumé", "synthèse", "reformulation"]),
            Topic(.la, "lettre de motivation", L.secondaireSup, ["lettre", "écrit fonctionnel", "motivation"]),
            Topic(.le, "roman policier", L.secondaireInf, ["roman policier", "enquête", "indices"]),
            Topic(.l, "éveil à la lecture", L.maternelle, ["éveil", "album", "lecture"]),
            Topic(.les, "figures de style", L.secondaire, ["figures de style", "métaphore", "comparaison"]),
            Topic(.la, "phrase complexe", L.secondaireInf, ["phrase complexe", "subordonnée", "syntaxe"]),
            Topic(.le, "vocabulaire des émotions", L.primaire, ["vocabulaire", "émotions", "lexique"]),
            Topic(.la, "prise de parole en public", L.secondaire, ["oral", "exposé", "éloquence"]),
            Topic(.le, "texte injonctif", L.primaire, ["consignes", "recette", "texte injonctif"]),
            Topic(.la, "littérature belge francophone", L.secondaireSup, ["littérature belge", "Simenon", "Nothomb"]),
        ], exponent: 0.9)),
        Discipline(id: "sciences", label: "Sciences", keywords: ["sciences", "démarche scientifique", "expérience", "observation"], topics: Zipf([
            Topic(.le, "cycle de l’eau", L.primaire, ["eau", "évaporation", "condensation", "cycle"]),
            Topic(.la, "photosynthèse", L.charniere, ["photosynthèse", "plantes", "chlorophylle"]),
            Topic(.les, "états de la matière", L.primaire, ["matière", "solide", "liquide", "gaz"]),
            Topic(.l, "électricité et les circuits", L.charniere, ["électricité", "circuit", "courant"]),
            Topic(.le, "système solaire", L.primaire, ["planètes", "soleil", "astronomie"]),
            Topic(.la, "digestion", L.charniere, ["digestion", "appareil digestif", "nutrition"]),
            Topic(.les, "réactions chimiques", L.secondaire, ["réactions chimiques", "équation", "réactifs"]),
            Topic(.l, "atome et le tableau périodique", L.secondaire, ["atome", "protons", "neutrons", "électrons"]),
            Topic(.les, "forces et le mouvement", L.secondaire, ["forces", "mouvement", "vitesse", "Newton"]),
            Topic(.la, "biodiversité", L.tous, ["biodiversité", "écosystème", "espèces"]),
            Topic(.la, "cellule", L.secondaire, ["cellule", "microscope", "noyau"]),
            Topic(.l, "hérédité et la génétique", L.secondaireSup, ["génétique", "ADN", "chromosomes", "hérédité"]),
            Topic(.les, "chaînes alimentaires", L.primaire, ["chaîne alimentaire", "prédateur", "proie"]),
            Topic(.l, "énergie et ses transformations", L.secondaire, ["énergie", "transformation", "rendement"]),
            Topic(.les, "saisons", L.maternelle, ["saisons", "météo", "nature"]),
            Topic(.la, "respiration", L.charniere, ["respiration", "poumons", "oxygène"]),
            Topic(.l, "optique et la lumière", L.secondaire, ["lumière", "réfraction", "lentilles"]),
            Topic(.le, "réchauffement climatique", L.secondaire, ["climat", "gaz à effet de serre", "réchauffement"]),
            Topic(.les, "acides et les bases", L.secondaireSup, ["acides", "bases", "pH"]),
        ], exponent: 0.9)),
        Discipline(id: "histoire-geographie", label: "Histoire - géographie", keywords: ["histoire", "géographie", "formation historique", "formation géographique"], topics: Zipf([
            Topic(.la, "Première Guerre mondiale", L.secondaire, ["Première Guerre mondiale", "tranchées", "1914-1918"]),
            Topic(.la, "Seconde Guerre mondiale", L.secondaire, ["Seconde Guerre mondiale", "occupation", "résistance"]),
            Topic(.l, "indépendance de la Belgique", L.charniere, ["1830", "révolution belge", "Belgique"]),
            Topic(.les, "paysages de Wallonie", L.primaire, ["paysages", "Wallonie", "relief"]),
            Topic(.la, "lecture de cartes", L.primaire, ["carte", "échelle", "légende", "orientation"]),
            Topic(.l, "Antiquité romaine", L.charniere, ["Rome", "Antiquité", "Empire romain"]),
            Topic(.le, "Moyen Âge", L.charniere, ["Moyen Âge", "château fort", "féodalité"]),
            Topic(.la, "révolution industrielle", L.secondaire, ["révolution industrielle", "charbon", "usines"]),
            Topic(.la, "colonisation du Congo", L.secondaire, ["Congo", "colonisation", "décolonisation"]),
            Topic(.les, "institutions européennes", L.secondaireSup, ["Union européenne", "institutions", "Bruxelles"]),
            Topic(.le, "fédéralisme belge", L.secondaire, ["fédéralisme", "communautés", "régions"]),
            Topic(.les, "migrations", L.secondaire, ["migrations", "population", "mobilité"]),
            Topic(.la, "ligne du temps", L.primaire, ["ligne du temps", "chronologie", "siècles"]),
            Topic(.l, "urbanisation", L.secondaire, ["ville", "urbanisation", "aménagement"]),
            Topic(.la, "Préhistoire", L.primaire, ["Préhistoire", "néolithique", "chasseurs-cueilleurs"]),
            Topic(.la, "guerre froide", L.secondaireSup, ["guerre froide", "mur de Berlin", "URSS"]),
            Topic(.les, "climats du monde", L.secondaireInf, ["climats", "climatogramme", "zones climatiques"]),
        ], exponent: 0.9)),
        Discipline(id: "langues-modernes", label: "Langues modernes", keywords: ["langues modernes", "néerlandais", "anglais", "communication"], topics: Zipf([
            Topic(.le, "néerlandais au quotidien", L.charniere, ["néerlandais", "vocabulaire", "dialogue"]),
            Topic(.l, "anglais : se présenter", L.charniere, ["anglais", "présentation", "oral"]),
            Topic(.le, "present perfect", L.secondaire, ["anglais", "grammaire", "present perfect"]),
            Topic(.les, "verbes irréguliers anglais", L.secondaire, ["verbes irréguliers", "anglais", "mémorisation"]),
            Topic(.la, "compréhension à l’audition", L.secondaire, ["écoute", "audition", "compréhension"]),
            Topic(.les, "nombres en néerlandais", 5...10, ["néerlandais", "nombres", "tellen"]),
            Topic(.l, "expression orale en allemand", L.secondaire, ["allemand", "oral", "expression"]),
            Topic(.le, "vocabulaire des loisirs", L.charniere, ["loisirs", "vocabulaire", "hobbys"]),
            Topic(.la, "lettre informelle en anglais", L.secondaire, ["anglais", "écriture", "correspondance"]),
            Topic(.le, "jeu de rôle au magasin", L.charniere, ["jeu de rôle", "achats", "dialogue"]),
            Topic(.la, "culture flamande", L.secondaire, ["Flandre", "culture", "néerlandais"]),
        ], exponent: 0.9)),
        Discipline(id: "education-artistique", label: "Éducation artistique", keywords: ["éducation artistique", "culture", "création", "expression"], topics: Zipf([
            Topic(.le, "chant choral", L.tous, ["chant", "chorale", "voix"]),
            Topic(.la, "peinture impressionniste", L.charniere, ["impressionnisme", "Monet", "peinture"]),
            Topic(.le, "surréalisme belge", L.secondaire, ["Magritte", "surréalisme", "Delvaux"]),
            Topic(.la, "bande dessinée belge", L.charniere, ["bande dessinée", "Hergé", "Tintin", "planche"]),
            Topic(.les, "instruments de l’orchestre", L.primaire, ["instruments", "orchestre", "musique"]),
            Topic(.le, "théâtre d’improvisation", L.secondaire, ["improvisation", "théâtre", "expression corporelle"]),
            Topic(.les, "couleurs primaires", L.maternelle, ["couleurs", "mélange", "peinture"]),
            Topic(.l, "art nouveau à Bruxelles", L.secondaire, ["art nouveau", "Horta", "architecture"]),
            Topic(.le, "rythme et la pulsation", L.primaire, ["rythme", "pulsation", "percussions"]),
            Topic(.la, "photographie", L.secondaire, ["photographie", "cadrage", "lumière"]),
            Topic(.le, "cinéma d’animation", L.charniere, ["animation", "stop motion", "cinéma"]),
        ], exponent: 0.9)),
        Discipline(id: "formation-numerique", label: "Formation numérique", keywords: ["numérique", "informatique", "éducation aux médias"], topics: Zipf([
            Topic(.la, "programmation avec Scratch", L.charniere, ["Scratch", "programmation", "algorithme"]),
            Topic(.la, "pensée informatique", L.primaire, ["pensée informatique", "algorithme", "logique"]),
            Topic(.les, "fausses informations", L.secondaire, ["fake news", "esprit critique", "médias"]),
            Topic(.la, "sécurité en ligne", L.charniere, ["sécurité", "mots de passe", "vie privée"]),
            Topic(.le, "traitement de texte", L.charniere, ["traitement de texte", "mise en page", "bureautique"]),
            Topic(.le, "tableur", L.secondaire, ["tableur", "formules", "graphiques"]),
            Topic(.les, "réseaux sociaux", L.secondaire, ["réseaux sociaux", "identité numérique", "citoyenneté numérique"]),
            Topic(.la, "robotique éducative", L.primaire, ["robotique", "robots", "programmation"]),
            Topic(.le, "langage Python", L.secondaireSup, ["Python", "programmation", "variables", "boucles"]),
            Topic(.l, "intelligence artificielle", L.secondaireSup, ["intelligence artificielle", "données", "éthique"]),
        ], exponent: 0.9)),
        Discipline(id: "education-physique", label: "Éducation physique", keywords: ["éducation physique", "sport", "santé", "motricité"], topics: Zipf([
            Topic(.la, "motricité fine", L.maternelle, ["motricité", "coordination", "gestes"]),
            Topic(.les, "jeux collectifs", L.primaire, ["jeux collectifs", "coopération", "règles"]),
            Topic(.la, "natation", L.primaire, ["natation", "piscine", "sécurité aquatique"]),
            Topic(.l, "athlétisme", L.secondaire, ["athlétisme", "course", "saut", "lancer"]),
            Topic(.l, "échauffement", L.tous, ["échauffement", "étirements", "prévention"]),
            Topic(.le, "volley-ball", L.secondaire, ["volley-ball", "service", "manchette"]),
            Topic(.la, "course d’orientation", L.charniere, ["orientation", "carte", "balises"]),
            Topic(.l, "alimentation du sportif", L.secondaire, ["alimentation", "santé", "hydratation"]),
        ], exponent: 0.9)),
        Discipline(id: "philosophie-citoyennete", label: "Philosophie et citoyenneté", keywords: ["philosophie", "citoyenneté", "débat", "vivre ensemble"], topics: Zipf([
            Topic(.le, "débat philosophique", L.tous, ["débat", "argumentation", "écoute"]),
            Topic(.les, "droits de l’enfant", L.primaire, ["droits de l’enfant", "CIDE", "citoyenneté"]),
            Topic(.la, "démocratie", L.secondaire, ["démocratie", "élections", "institutions"]),
            Topic(.le, "harcèlement scolaire", L.charniere, ["harcèlement", "prévention", "climat scolaire"]),
            Topic(.l, "égalité entre les filles et les garçons", L.charniere, ["égalité", "stéréotypes", "genre"]),
            Topic(.la, "liberté d’expression", L.secondaire, ["liberté d’expression", "droits fondamentaux", "censure"]),
            Topic(.les, "émotions et la gestion des conflits", L.primaire, ["émotions", "conflits", "médiation"]),
            Topic(.le, "développement durable", L.tous, ["développement durable", "environnement", "consommation"]),
        ], exponent: 0.9)),
    ], exponent: 0.8)

    /// What a resource is, as a noun for titles ("Fiche d’exercices : les fractions").
    static let kinds = Zipf([
        "Fiche d’exercices", "Séquence d’apprentissage", "Leçon", "Activité", "Dossier pédagogique",
        "Évaluation", "Jeu", "Vidéo", "Synthèse", "Défi", "Atelier", "Projet", "Situation d’intégration",
        "Capsule vidéo", "Quiz", "Carte mentale", "Parcours différencié", "Préparation de leçon",
        "Tâche complexe", "Dossier documentaire",
    ], exponent: 1.0)

    static let openers = Zipf([
        "Comprendre", "Découvrir", "Réviser", "Apprendre", "S’exercer sur", "Initiation à", "Travailler",
        "Maîtriser", "Explorer", "Approfondir", "Manipuler", "Vivre",
    ], exponent: 1.0)

    static let qualifiers = Zipf([
        "pas à pas", "par le jeu", "en autonomie", "en classe inversée", "au quotidien", "par l’exemple",
        "en s’amusant", "avec le numérique", "en groupe", "par la manipulation", "en dix minutes",
        "sans stress", "en situation", "autrement",
    ], exponent: 1.1)

    static let approaches = Zipf([
        "des situations concrètes de la vie quotidienne", "des manipulations", "une démarche d’investigation",
        "des documents authentiques", "un jeu de rôle", "une vidéo commentée", "des exercices progressifs",
        "une enquête menée en classe", "des défis à relever en équipe", "un carnet de bord",
        "des cartes à jouer", "une sortie sur le terrain", "des textes d’auteurs", "un atelier d’écriture",
        "des schémas à compléter", "une frise chronologique", "une maquette", "un parcours en ligne",
    ], exponent: 1.0)

    static let goals = Zipf([
        "consolider la compréhension", "renforcer la maîtrise", "découvrir les notions de base",
        "mobiliser les acquis", "exercer les savoir-faire", "évaluer la maîtrise", "remédier aux difficultés",
        "approfondir l’étude", "structurer les connaissances", "développer l’esprit critique à propos",
    ], exponent: 1.0)

    static let parts = Zipf([
        "fiches", "exercices", "activités", "étapes", "séances", "questions", "défis", "documents",
    ], exponent: 1.0)

    static let closing = Zipf([
        "Elle peut être utilisée en classe entière, en petits groupes ou en autonomie.",
        "Un corrigé détaillé et une grille d’évaluation sont fournis à l’enseignant.",
        "Des pistes de différenciation sont proposées pour les élèves à besoins spécifiques.",
        "La ressource s’inscrit dans les référentiels du tronc commun de la Fédération Wallonie-Bruxelles.",
        "Les consignes sont illustrées et conviennent aux élèves en difficulté de lecture.",
        "Chaque séance dure environ une période de cinquante minutes.",
        "Le matériel nécessaire est disponible dans toutes les classes.",
        "Une version imprimable accompagne la version en ligne.",
        "Les documents peuvent être projetés au tableau interactif.",
        "Une évaluation formative permet à chaque élève de situer ses progrès.",
    ], exponent: 0.9)

    static let generalKeywords = Zipf([
        "exercices", "évaluation", "différenciation", "tronc commun", "autonomie", "remédiation",
        "travail de groupe", "numérique", "jeu", "compétences", "révision", "projet", "tableau interactif",
        "pédagogie active", "inclusion", "socles de compétences", "activité ludique",
    ], exponent: 1.0)

    static let firstNames = Zipf([
        "Marie", "Nathalie", "Sophie", "Isabelle", "Catherine", "Anne", "Julie", "Laurence", "Véronique",
        "Christine", "Philippe", "Luc", "Michel", "Pierre", "Jean", "Olivier", "Thierry", "Benoît", "Marc",
        "Didier", "Françoise", "Valérie", "Céline", "Aurélie", "Sarah", "Emma", "Louise", "Nicolas",
        "Julien", "Grégory", "Maxime", "Amandine", "Geneviève", "Fabienne", "Xavier", "Bernard", "Claire",
        "Hélène", "Stéphanie", "Cédric",
    ], exponent: 0.7)

    static let lastNames = Zipf([
        "Dubois", "Lambert", "Martin", "Dupont", "Peeters", "Janssens", "Simon", "Laurent", "Leroy",
        "Lejeune", "Renard", "Lefebvre", "Dumont", "Michel", "Leclercq", "Collard", "Denis", "Gilson",
        "Hubert", "Thiry", "Piron", "Delvaux", "Lemaire", "François", "Masson", "Noël", "Pirard",
        "Charlier", "Wilmotte", "Herman", "Lambotte", "Bodart", "Maes", "Jacobs", "Mertens", "Willems",
        "Claes", "Wouters", "De Smet", "Goffin", "Gérard", "Henrard", "Mathieu", "Desmet", "Fontaine",
        "Dethier", "Istasse", "Marchal", "Bertrand", "Closset",
    ], exponent: 0.7)

    static let organizations = Zipf([
        "Fédération Wallonie-Bruxelles", "Athénée royal de Namur", "Institut Saint-Louis",
        "École communale de Jambes", "Collège Saint-Michel", "Haute École Léonard de Vinci",
        "Lycée Émile Jacqmain", "Athénée Léonie de Waha", "Institut Sainte-Marie", "École fondamentale de Ciney",
        "Haute École de la Province de Liège", "Centre de ressources pédagogiques", "CECP", "SeGEC", "WBE",
        "École des Bruyères", "Athénée royal d’Ath", "Institut technique de Namur", "Collège Saint-Pierre",
        "Haute École Charlemagne", "Université de Liège", "UCLouvain", "Université libre de Bruxelles",
    ], exponent: 0.9)

    static let publishers = Zipf([
        "Fédération Wallonie-Bruxelles", "Plateforme e-classe", "Enseignement.be", "WBE", "SeGEC",
        "Éditions Van In", "Éditions De Boeck", "CECP", "Centre de ressources pédagogiques",
    ], exponent: 1.0)

    /// LOMv1.0 learningResourceType values.
    static let resourceTypes = Zipf([
        "exercise", "narrative text", "lecture", "questionnaire", "self assessment", "slide",
        "problem statement", "simulation", "exam", "experiment", "diagram", "figure", "table", "graph", "index",
    ], exponent: 1.0)

    static let endUserRoles = Zipf(["teacher", "learner", "author", "manager"], exponent: 1.3)

    static let contextValues = Zipf(["school", "training", "other", "higher education"], exponent: 2.0)

    static let contributorRoles = Zipf([
        "author", "publisher", "content provider", "editor", "validator", "instructional designer",
        "graphical designer", "technical implementer", "subject matter expert", "script writer",
    ], exponent: 1.2)

    static let relationKinds = Zipf([
        "ispartof", "references", "isbasedon", "haspart", "requires", "isversionof", "isreferencedby",
    ], exponent: 1.0)

    struct MediaFormat: Sendable, Equatable {
        var mime: String
        var ext: String
        var timed: Bool
    }

    static let formats = Zipf([
        MediaFormat(mime: "application/pdf", ext: "pdf", timed: false),
        MediaFormat(mime: "text/html", ext: "html", timed: false),
        MediaFormat(mime: "video/mp4", ext: "mp4", timed: true),
        MediaFormat(mime: "application/vnd.oasis.opendocument.text", ext: "odt", timed: false),
        MediaFormat(mime: "image/png", ext: "png", timed: false),
        MediaFormat(mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation", ext: "pptx", timed: false),
        MediaFormat(mime: "audio/mpeg", ext: "mp3", timed: true),
        MediaFormat(mime: "application/zip", ext: "zip", timed: false),
    ], exponent: 1.0)

    /// Rights statements: URLs, short codes, long names.
    static let licences = Zipf([
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "CC BY-NC-SA 4.0",
        "Creative Commons Attribution - Partage dans les Mêmes Conditions 4.0 International (CC BY-SA 4.0)",
        "https://creativecommons.org/licenses/by-nc/4.0/",
        "CC BY 4.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "Licence CC BY-NC-ND 3.0 BE",
        "https://creativecommons.org/licenses/by-nc-sa/3.0/be/",
    ], exponent: 1.0)

    static let difficulty = Zipf(["medium", "easy", "difficult", "very easy", "very difficult"], exponent: 1.2)
    static let interactivityType = Zipf(["expositive", "active", "mixed"], exponent: 0.8)
    static let interactivityLevel = Zipf(["medium", "low", "high", "very low", "very high"], exponent: 1.0)
}
