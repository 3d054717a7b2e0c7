# Writes openapi.json beside this file: the OpenAPI 3.1 document of the Relais API. Edit here, run,
# commit both; RelaisAPITests checks the document against the routes and every test response.
import json
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def obj(props, required=None):
    return {"type": "object", "additionalProperties": False, "properties": props,
            "required": required if required is not None else list(props)}
S = {"type": "string"}; I = {"type": "integer"}; N = {"type": "number"}; B = {"type": "boolean"}
# A required free-text member as the handlers check it: not blank, no control character but
# tab and line breaks, at most `limit` characters.
def free(limit=None, null=False, **more):
    """Optional free text: no control character but tab and line breaks (the handlers refuse them)."""
    schema = {"type": ["string", "null"] if null else "string",
              "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$", **more}
    if limit: schema["maxLength"] = limit
    return schema
def text(limit):
    allowed = "[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]"
    return {"type": "string", "minLength": 1, "maxLength": limit,
            "pattern": f"^{allowed}*[^\\s\\u0000-\\u001F\\u007F]{allowed}*$"}
def arr(x): return {"type": "array", "items": x}
def opt(x, *names): return x
schemas = {
 "Problem": obj({"type": {"type": "string", "format": "uri"}, "title": S, "status": {"type": "integer", "minimum": 400, "maximum": 599},
                 "detail": S, "parameter": S,
                 "allowed": {"type": "array", "items": S, "description": "409 : ce qui est permis maintenant (actions d'une contribution, ou méthode)."},
                 "checklist": {"type": "array", "items": ref("ChecklistItem"), "description": "422 : la liste de vérification qui bloque la soumission."}},
                ["type", "title", "status", "detail"]),
 "Term": obj({"term": S, "label": S}),
 "EvaluationSummary": obj({"count": {"type": "integer", "minimum": 0, "description": "Évaluations visibles"},
                           "average": {"type": ["number", "null"], "minimum": 1, "maximum": 4, "description": "Moyenne générale (1 à 4) ; null sans évaluation."},
                           "criteria": {"type": "array", "items": S, "description": "Sur la notice seulement."}}, ["count", "average"]),
 "Snippet": obj({"text": S, "highlights": arr({"type": "array", "items": I, "minItems": 2, "maxItems": 2}),
                 "html": {"type": "string", "description": "Le texte échappé pour HTML, correspondances dans <mark>."}}),
 "SegmentMatch": obj({"index": I, "title": S, "start": N, "end": N, "timecode": {"type": "string", "pattern": "^\\d{2}:\\d{2}:\\d{2}$"}}, ["index"]),
 "Explain": obj({"bm25": N, "exact_title_boost": N, "phrase_boost": N, "title_words_boost": N, "quality_factor": N, "total": N,
                 "ranked_on_title_and_keywords": B}),
 "Hit": obj({"id": S, "title": S, "source": S, "source_label": S, "description": S, "url": S, "snippet": ref("Snippet"),
             "segment": ref("SegmentMatch"), "levels": arr(ref("Term")), "domains": arr(ref("Term")), "types": arr(ref("Term")),
             "needs": arr(ref("Term")), "licence": ref("Term"), "duration": N, "evaluation": ref("EvaluationSummary"), "score": N,
             "explain": ref("Explain")},
            ["id", "title", "source", "source_label", "levels", "domains", "types", "needs", "evaluation", "score"]),
 "FacetValue": obj({"term": S, "label": S, "count": {"type": "integer", "minimum": 0}, "selected": B}),
 "Facet": obj({"label": S, "values": arr(ref("FacetValue"))}),
 "SearchResult": obj({
    "query": S, "effective_query": S, "notice": S, "did_you_mean": S,
    "corrections": arr(obj({"typed": S, "used": S})), "dropped_words": arr(S),
    "recognized_filters": arr(obj({"dimension": S, "term": S, "label": S})),
    "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1}, "size": {"type": "integer", "minimum": 1, "maximum": 100},
    "sort": {"type": "string", "enum": ["pertinence", "recent", "titre"]}, "took_ms": N,
    "hits": arr(ref("Hit")),
    "facets": obj({d: ref("Facet") for d in ["niveaux", "domaines", "types", "roles", "besoins", "licences", "sources", "langues"]})},
    ["query", "corrections", "dropped_words", "recognized_filters", "total", "page", "size", "sort", "took_ms", "hits", "facets"]),
 "Suggestions": obj({"query": S, "suggestions": arr(S)}),
 "LangText": obj({"language": S, "text": S}, ["text"]),
 "Resource": obj({
    "id": S, "source": S, "source_label": S, "source_identifier": S,
    "format": {"type": "string", "enum": ["lom", "ims-md", "oai-dc", "ebucore", "markdown"]},
    "title": S, "titles": arr(ref("LangText")), "descriptions": arr(ref("LangText")), "keywords": arr(ref("LangText")),
    "languages": arr(S), "contributors": arr(obj({"role": S, "name": S, "organization": S, "date": S}, [])),
    "publisher": S, "created": S, "modified": S,
    "levels": arr(ref("Term")), "domains": arr(ref("Term")), "types": arr(ref("Term")), "roles": arr(ref("Term")), "needs": arr(ref("Term")),
    "learning_time": {"type": "number", "description": "secondes"},
    "licence": obj({"term": S, "label": S, "url": S, "statement": S}, []),
    "url": S, "media_formats": arr(S), "duration": {"type": "number", "description": "secondes"},
    "segments": arr(obj({"index": I, "identifier": S, "title": S, "description": S, "start": N, "end": N, "timecode": S, "transcript": S}, ["index"])),
    "sections": arr(obj({"level": I, "heading": S, "text": S})),
    "body_html": {"type": "string", "description": "Fiche rendue par libcmark en mode sûr (sans HTML brut)."},
    "relations": arr(obj({"kind": S, "target": S, "description": S}, ["target"])),
    "provenance": obj({"file": S, "record_index": I, "line": I, "batch": I, "content_hash": S}, ["file", "record_index", "content_hash"]),
    "evaluation": ref("EvaluationSummary"),
    "synthesis": ref("Synthesis"),
    "version": {"type": "integer", "minimum": 1, "description": "Version publiée de la ressource (les évaluations s'y rattachent)."},
    "related": arr(obj({"id": S, "title": S})),
    "links": obj({"self": S, "lom": S, "page": S})},
    ["id", "source", "source_label", "source_identifier", "format", "title", "titles", "descriptions", "keywords", "languages",
     "contributors", "levels", "domains", "types", "roles", "needs", "media_formats", "segments", "sections", "relations",
     "evaluation", "synthesis", "version", "related", "links"]),
 "VocabularyList": obj({"vocabularies": arr(obj({"name": S, "label": S, "count": I}))}),
 "Vocabulary": obj({"name": S, "label": S, "version": I,
                    "terms": arr(obj({"id": S, "label": S, "alt_labels": arr(S), "broader": S, "definition": S}, ["id", "label", "alt_labels"]))}),
 "Health": obj({"status": {"type": "string", "enum": ["ok", "pret", "preparation", "echec"]}, "resources": I, "detail": S}, ["status"]),
}
# Co-construction (issue 5): comptes, contributions, modération, évaluations, commentaires, données personnelles.
# Dans ces réponses, une valeur absente est un null explicite : le membre est requis, de type [T, "null"].
def nul(t, **more): return {"type": [t, "null"], **more}
def nullable(name): return {"oneOf": [ref(name), {"type": "null", "enum": [None]}]}
def enum(values, desc=None, null=False):
    e = {"type": ["string", "null"] if null else "string", "enum": list(values) + ([None] if null else [])}
    if desc: e["description"] = desc
    return e
ID = {"type": "integer", "minimum": 1}; COUNT = {"type": "integer", "minimum": 0}
DT = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC"}; DTN = nul("string", format="date-time", description="ISO 8601, UTC")
ROLES = ["contributor", "evaluator", "curator", "importer", "admin"]
KINDS = ["new_resource", "improvement", "feedback"]
STATES = ["draft", "submitted", "in_review", "changes_requested", "approved", "published", "rejected", "withdrawn"]
ACTIONS = ["submit", "withdraw", "claim", "unclaim", "reassign", "request_changes", "approve", "reject", "publish"]
REASONS = ["hors_sujet", "doublon", "licence", "qualite", "inapproprie", "droits", "autre"]
CRITERIA = ["pertinence", "faisabilite", "methodologie", "clarte", "conformite", "accessibilite"]
SCORE = {"type": ["integer", "null"], "minimum": 1, "maximum": 4, "description": "1 à 4 ; null : « sans objet »"}
MEAN = {"type": ["number", "null"], "minimum": 1, "maximum": 4}
TERMS = lambda d: {"type": ["array", "null"], "items": S, "description": d}
schemas.update({
 "PersonRef": obj({"id": ID, "name": {"type": "string", "description": "« ancien contributeur » après effacement du compte"}}),
 # Comptes
 "Account": obj({"id": ID, "email": {"type": "string", "format": "email"}, "name": S, "role": enum(ROLES),
                 "source": nul("string", description="La source d'un compte importateur ; null sinon."),
                 "created_at": DT, "disabled": B}),
 "AccountList": obj({"items": arr(ref("Account")), "total": COUNT}),
 "RegistrationRequest": obj({"email": {"type": "string", "format": "email"}, "name": text(120),
                             "password": dict(text(200), minLength=10, description="Au moins 10 caractères"),
                             "role": enum(ROLES, "Administrateur seulement (403 sinon) ; contributor par défaut (null aussi)", null=True),
                             "source": free(100, null=True, description="Administrateur seulement (403 sinon) : la source d'un importateur")},
                            ["email", "name", "password"]),
 "AccountPatch": obj({"role": enum(ROLES, "null : inchangé", null=True), "source": free(100, null=True, description="null retire la source"),
                     "disabled": B}, []),
 "LoginRequest": obj({"email": text(254), "password": text(200)}),
 "LoginResponse": obj({"token": {"type": "string", "pattern": "^rls_[A-Za-z0-9_-]{43}$",
                                 "description": "« rls_ » + base64url (sans remplissage) de 32 octets aléatoires ; à envoyer en Authorization: Bearer"},
                       "expires_at": DT, "account": ref("Account")}),
 # Contributions
 "SubmissionMetadata": obj({
    "title": nul("string"), "description": nul("string"), "keywords": TERMS("Mots-clés"),
    "levels": TERMS("Identifiants du vocabulaire niveaux (P5…)"), "domains": TERMS("Identifiants du vocabulaire domaines"),
    "types": TERMS("Identifiants du vocabulaire types"), "needs": TERMS("Identifiants du vocabulaire besoins"),
    "licence": nul("string", description="Identifiant du vocabulaire licences (cc-by…)"), "url": nul("string"),
    "language": nul("string", description="Code de langue (fr, nl…)"),
    "learning_time_minutes": {"type": ["number", "null"], "minimum": 0, "description": "Durée d'apprentissage en minutes"}}, []),
 "FeedbackInput": obj({"level": nul("string", description="Niveau où la ressource a servi (P5…)"),
                       "context": nul("string", description="Le contexte de la classe"), "worked": nul("string", description="Ce qui a marché"),
                       "adapt": nul("string", description="Ce qu'il faudrait adapter")}, []),
 "NewResourceRequest": dict(obj({"kind": enum(["new_resource"]), "format": enum(["json"], "json par défaut (null aussi)", null=True),
                                 "metadata": nullable("SubmissionMetadata")}, ["kind"]),
                            description="Nouvelle ressource décrite en JSON"),
 "NewResourceTextRequest": dict(obj({"kind": enum(["new_resource"]), "format": enum(["lom", "markdown"]),
                                     "content": {"type": "string", "description": "La notice LOM XML ou la fiche Markdown"}}),
                                description="Nouvelle ressource en LOM XML ou en fiche Markdown"),
 "ImprovementRequest": dict(obj({"kind": enum(["improvement"]), "resource_id": {"type": "string", "minLength": 1, "maxLength": 64},
                                 "changes": dict(ref("SubmissionMetadata"), description="Les champs modifiés seulement"),
                                 "rationale": free()}, ["kind", "resource_id", "changes"]),
                            description="Amélioration d'une ressource publiée"),
 "FeedbackRequest": dict(obj({"kind": enum(["feedback"]), "resource_id": {"type": "string", "minLength": 1, "maxLength": 64}, "feedback": ref("FeedbackInput")}),
                         description="Retour d'expérience sur une ressource publiée"),
 "SubmissionRequest": {"oneOf": [ref("NewResourceRequest"), ref("NewResourceTextRequest"), ref("ImprovementRequest"), ref("FeedbackRequest")],
                       "description": "Le corps d'une contribution, selon kind (et format pour une nouvelle ressource)."},
 "ChecklistItem": obj({"id": {"type": "string", "description": "titre, description, niveau, domaine, type, licence, url, doublon (nouvelle ressource) ; autres identifiants pour une amélioration ou un retour"},
                       "label": S, "passed": B, "blocking": {"type": "boolean", "description": "Un échec bloquant empêche de soumettre (doublon ne bloque pas)"},
                       "detail": nul("string"), "link": nul("string", description="Par exemple la ressource qui ferait doublon (/ressource/ID)")}),
 "FieldChange": obj({"field": S, "label": {"type": "string", "description": "Le nom du champ en français"},
                     "before": nul("string"), "after": nul("string")}),
 "ChecklistResponse": obj({"checklist": arr(ref("ChecklistItem")), "ready": {"type": "boolean", "description": "Aucun point bloquant en échec"},
                           "diff": dict(arr(ref("FieldChange")), description="Pour une amélioration ; [] sinon")}),
 "Decision": obj({"reason": enum(REASONS), "reason_label": S, "text": nul("string")}),
 "Submission": obj({
    "id": ID, "kind": enum(KINDS), "state": enum(STATES), "state_label": S, "title": {"type": "string", "description": "Titre affiché"},
    "resource_id": nul("string", description="La ressource améliorée ou commentée ; pour une nouvelle ressource, celle créée à la publication"),
    "source": {"type": "string", "description": "contributions pour les contributions du site"},
    "author": ref("PersonRef"), "assignee": nullable("PersonRef"),
    "created_at": DT, "updated_at": DT, "submitted_at": DTN,
    "format": enum(["json", "lom", "markdown", "import"], "Format du contenu d'une nouvelle ressource (import : notice d'une source à modérer, déposée par l'import) ; null pour une amélioration ou un retour", null=True),
    "metadata": nullable("SubmissionMetadata"), "content": nul("string"),
    "changes": nullable("SubmissionMetadata"), "rationale": nul("string"),
    "diff": dict(arr(ref("FieldChange")), description="Pour une amélioration ; [] sinon"),
    "feedback": nullable("FeedbackInput"),
    "checklist": arr(ref("ChecklistItem")), "ready": B,
    "allowed_actions": dict(arr(enum(ACTIONS)), description="Ce que l'appelant peut faire maintenant"),
    "decision": nullable("Decision"),
    "comments": arr(obj({"author": ref("PersonRef"), "at": DT, "text": S})),
    "history": arr(obj({"at": DT, "actor": dict(nullable("PersonRef"), description="null : action du système"),
                        "action": {"type": "string", "description": "L'action du journal (création, modification, ou une action de modération)"},
                        "from": enum(STATES, null=True), "to": enum(STATES, null=True), "reason": nul("string")}))}),
 "SubmissionSummary": obj({
    "id": ID, "kind": enum(KINDS), "state": enum(STATES), "state_label": S, "title": S, "resource_id": nul("string"),
    "author": ref("PersonRef"), "assignee": nullable("PersonRef"), "created_at": DT, "updated_at": DT, "submitted_at": DTN,
    "age_days": dict(COUNT, description="Jours d'attente depuis la soumission (ou la création)")}),
 "SubmissionList": obj({"items": arr(ref("SubmissionSummary")), "total": COUNT}),
 "ModerationQueue": obj({"items": arr(ref("SubmissionSummary")), "total": COUNT,
                         "counts": dict(obj({st: COUNT for st in STATES}, []), description="Nombre de contributions par état")}),
 "TransitionRequest": obj({"action": enum(ACTIONS),
                           "comment": free(description="Requis pour request_changes"),
                           "reason": enum(REASONS, "Requis pour reject (GET /api/v1/moderation/reasons)"),
                           "reason_text": free(description="Précision facultative d'un refus"),
                           "assignee_id": dict(ID, description="Requis pour reassign : un autre curateur")}, ["action"]),
 "RejectionReasons": obj({"reasons": arr(obj({"id": enum(REASONS), "label": S}))}),
 # Évaluations
 "EvaluationGrid": obj({"name": S, "version": ID, "label": S,
                        "criteria": arr(obj({"id": enum(CRITERIA), "label": S, "question": S,
                                             "levels": {"type": "array", "items": S, "minItems": 4, "maxItems": 4,
                                                        "description": "Descripteurs des niveaux 1 à 4"}}))}),
 "CriterionInput": obj({"score": SCORE, "comment": free(2000, null=True)}, ["score"]),
 "CriterionAnswer": obj({"score": SCORE, "comment": {"type": ["string", "null"], "maxLength": 2000}}),
 "EvaluationInput": dict(obj({"criteria": dict(obj({c: ref("CriterionInput") for c in CRITERIA}), description="Chaque critère de la grille, une fois"),
                              "strengths": free(5000, null=True, description="Points forts"),
                              "improvements": free(5000, null=True, description="Points à améliorer")}, ["criteria"]),
                         description="Au moins un critère noté (pas tous « sans objet »)."),
 "Evaluation": obj({"id": ID, "resource_id": S, "resource_version": ID, "grid_version": ID, "evaluator": ref("PersonRef"),
                    "expert": {"type": "boolean", "description": "Évaluateur expert (montré à part)"},
                    "status": enum(["visible", "held", "hidden"], "held : en attente d'un curateur (compte récent ou sans contribution publiée)"),
                    "criteria": obj({c: ref("CriterionAnswer") for c in CRITERIA}),
                    "strengths": nul("string"), "improvements": nul("string"), "created_at": DT, "updated_at": DT}),
 "EvaluationList": obj({"items": arr(ref("Evaluation"))}),
 "EvaluationModeration": obj({"action": enum(["release", "hide"])}),
 "SynthesisStats": obj({"count": dict(COUNT, description="Notes données (« sans objet » exclu)"), "mean": MEAN,
                        "distribution": {"type": "array", "items": COUNT, "minItems": 4, "maxItems": 4, "description": "Nombre de 1, 2, 3 et 4"},
                        "not_applicable": COUNT,
                        "agreement": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "Accord entre évaluateurs ; null sous deux notes"}}),
 "Synthesis": obj({
    "state": enum(["not_evaluated", "evaluated"]), "label": {"type": "string", "description": "« pas encore évalué », « évalué par 3 personnes »…"},
    "grid_version": ID, "count": COUNT, "experts": COUNT, "peers": COUNT,
    "overall_mean": dict(MEAN, description="Moyenne des moyennes des critères (1 à 4)"),
    "quality_prior": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "Moyenne bayésienne sur 0-1, pour le classement"},
    "criteria": arr(obj({"id": enum(CRITERIA), "label": S, "all": ref("SynthesisStats"), "experts": ref("SynthesisStats"), "peers": ref("SynthesisStats")})),
    "strengths": arr(obj({"criterion": enum(CRITERIA), "label": S, "mean": {"type": "number", "minimum": 1, "maximum": 4}})),
    "weaknesses": arr(obj({"criterion": enum(CRITERIA), "label": S, "mean": {"type": "number", "minimum": 1, "maximum": 4}})),
    "quotes": obj({"strengths": arr(S), "improvements": arr(S)})}),
 # Commentaires et retours d'expérience
 "CommentInput": obj({"text": text(4000)}),
 "Comment": obj({"id": ID, "author": ref("PersonRef"), "text": S, "created_at": DT}),
 "CommentList": obj({"items": arr(ref("Comment"))}),
 "FlaggedComment": obj({"id": ID, "resource_id": S, "author": ref("PersonRef"), "text": S, "created_at": DT,
                        "flags": dict(ID, description="Nombre de signalements")}),
 "FlaggedCommentList": obj({"items": arr(ref("FlaggedComment"))}),
 "FlagRequest": obj({"reason": free(1000)}, []),
 "HideRequest": obj({"reason": text(1000)}),
 "FeedbackEntry": obj({"id": ID, "author": ref("PersonRef"), "level": S, "context": S, "worked": S, "adapt": nul("string"), "published_at": DT}),
 "FeedbackList": obj({"items": arr(ref("FeedbackEntry"))}),
 # Données personnelles
 "TokenInfo": obj({"id": ID, "created_at": DT, "expires_at": DT, "last_used_at": DTN, "revoked_at": DTN}),
 "OwnComment": obj({"id": ID, "resource_id": S, "text": S, "created_at": DT, "hidden_at": DTN, "hidden_reason": nul("string")}),
 "OwnFlag": obj({"comment_id": ID, "reason": nul("string"), "created_at": DT}),
 "AuditEntry": obj({"id": ID, "at": DT, "actor": {"type": "string", "description": "compte:ID, jamais un nom"}, "action": S,
                    "object": nul("string", description="soumission:12, evaluation:3…"), "detail": nul("string"),
                    "version": {"type": ["integer", "null"]}, "from": nul("string"), "to": nul("string"), "reason": nul("string")}),
 "PersonalDataExport": obj({"account": ref("Account"), "tokens": arr(ref("TokenInfo")), "submissions": arr(ref("Submission")),
                            "evaluations": arr(ref("Evaluation")), "comments": arr(ref("OwnComment")), "flags": arr(ref("OwnFlag")),
                            "audit": dict(arr(ref("AuditEntry")), description="Les lignes du journal dont la personne est l'auteur ou l'objet")}),
})
counts = obj({k: {"type": "integer", "minimum": 0} for k in ["created", "updated", "unchanged", "deleted", "rejected", "queued", "warnings"]})
schemas.update({
 "ImportCounts": dict(counts, description="queued : notices d'une source à modérer, mises dans la file de modération"),
 "RecordOutcome": obj({"file": S, "record": I, "line": I, "identifier": S, "id": S,
                       "outcome": {"type": "string", "enum": ["created", "updated", "unchanged", "deleted", "queued", "rejected"]},
                       "reason": S}, ["file", "record", "outcome"]),
 "ImportJobReport": obj({
    "job": I, "dry_run": B, "mode": {"type": "string", "enum": ["incremental", "full"]}, "totals": ref("ImportCounts"),
    "files": arr(obj({"name": S, "state": {"type": "string", "enum": ["imported", "rejected", "skipped"]}, "counts": ref("ImportCounts"),
                      "reason": S}, ["name", "state", "counts"])),
    "records": dict(arr(ref("RecordOutcome")), description="Chaque notice : créée, mise à jour, inchangée, supprimée, à modérer ou refusée (fichier, rang, ligne, motif)"),
    "rejections": arr(obj({"file": S, "record": I, "line": I, "identifier": S, "reason": S}, ["file", "reason"])),
    "warnings": arr(obj({"file": S, "record": I, "line": I, "identifier": S, "kind": S, "field": S, "value": S, "message": S},
                        ["file", "record", "identifier", "kind", "field", "value", "message"])),
    "warning_values": dict(arr(obj({"kind": S, "field": S, "value": S, "count": I})), description="Valeurs non reconnues, comptées"),
    "withdrawn": dict(arr(S), description="mode=full : ressources de la source absentes de l'export, retirées")}),
 "ImportJob": obj({
    "id": I, "source": S, "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]}, "dry_run": B,
    "mode": {"type": "string", "enum": ["incremental", "full"]}, "kind": {"type": "string", "enum": ["zip", "tar.gz", "tar", "xml", "markdown"]},
    "upload_bytes": I,
    "progress": obj({"files_done": I, "files_total": nul("integer"), "records_done": I,
                     "records_total": nul("integer", description="Pendant l'import, une estimation (notices faites × octets à lire / octets lus) ; exacte une fois l'import fini ; null avant le premier fichier"),
                     "bytes_done": dict(I, description="Octets décompressés des fichiers faits"), "bytes_total": nul("integer")}),
    "attempts": dict(I, description="Démarrages : plus d'un quand le serveur a été arrêté pendant l'import et l'a repris"),
    "created_at": S, "started_at": nul("string"), "finished_at": nul("string"), "error": nul("string"),
    "links": obj({"self": S}),
    "report": {"oneOf": [ref("ImportJobReport"), {"type": "null", "enum": [None]}], "description": "Le rapport complet, une fois l'import fini"}},
    ["id", "source", "state", "dry_run", "mode", "kind", "upload_bytes", "progress", "attempts", "created_at", "started_at",
     "finished_at", "error", "links"]),
 "ImportJobList": obj({"items": arr(ref("ImportJob")), "total": I}),
})
def problem(desc): return {"description": desc, "content": {"application/problem+json": {"schema": ref("Problem")}}}
P = {k: problem(v) for k, v in {
  "400": "Paramètre invalide (le membre parameter le nomme)", "404": "Introuvable", "405": "Méthode non permise (en-tête Allow)",
  "406": "Format demandé (Accept) non disponible", "413": "Corps trop grand", "414": "Adresse trop longue",
  "415": "Format de corps non pris en charge", "429": "Trop de requêtes (en-tête Retry-After)",
  "503": "En préparation ou délai dépassé (en-tête Retry-After)",
  "401": "Compte requis : jeton absent, invalide, expiré ou révoqué", "403": "Le rôle du compte ne le permet pas",
  "409": "Conflit avec l'état actuel (le membre allowed dit ce qui est permis)",
  "422": "Soumission impossible : un point bloquant de la liste de vérification échoue (membre checklist)"}.items()}
P["401"]["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
P["429"]["headers"] = {"Retry-After": {"description": "Secondes à attendre", "schema": {"type": "integer", "minimum": 1}}}
def common(*codes): return {c: P[c] for c in ("404", "405", "406", "414", "429") + codes}
def ok(schema, desc="OK", ctype="application/json"):
    return {"description": desc, "content": {ctype: {"schema": ref(schema) if isinstance(schema, str) else schema}}}
def q(name, schema, desc, explode=False):
    p = {"name": name, "in": "query", "required": False, "description": desc, "schema": schema}
    return p
filters = [("niveau", "Niveau (M1…S7)"), ("domaine", "Domaine ou discipline"), ("type", "Type de ressource"),
           ("role", "Public visé"), ("besoin", "Besoin spécifique"), ("licence", "Licence"), ("source", "Source"), ("langue", "Langue (fr, nl…)")]
search_params = [q("q", {"type": "string", "maxLength": 1000}, "Requête : mots (tous requis), \"expression exacte\", -exclusion, OR, préfixe*, titre:mot, motcle:mot. Vide : parcours par filtres.")]
search_params += [dict(q(n, arr(S), d + " ; répétable ou séparé par des virgules (OU dans une dimension, ET entre dimensions)"), style="form", explode=True) for n, d in filters]
search_params += [q("duree_min", {"type": "number", "minimum": 0}, "Durée minimale (secondes) ; au plus duree_max, sinon 400"),
                  q("duree_max", {"type": "number", "minimum": 0}, "Durée maximale (secondes)"),
                  q("page", {"type": "integer", "minimum": 1, "default": 1}, "Page, à partir de 1"),
                  q("size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Résultats par page"),
                  q("sort", {"type": "string", "enum": ["pertinence", "recent", "titre"], "default": "pertinence"}, "Ordre"),
                  q("explain", {"type": "boolean", "default": False}, "Détaille le calcul des scores")]
search_body = obj({"q": {"type": "string", "maxLength": 1000}, **{n: {"oneOf": [S, arr(S)]} for n, _ in filters},
                   "duree_min": {"type": "number", "minimum": 0}, "duree_max": {"type": "number", "minimum": 0},
                   "page": {"type": "integer", "minimum": 1}, "size": {"type": "integer", "minimum": 1, "maximum": 100}, "sort": {"type": "string", "enum": ["pertinence", "recent", "titre"]}, "explain": B}, [])
idp = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}, "description": "Identifiant Relais (r + 20 caractères)"}
# Routes de la co-construction. AUTH : compte requis ; OPTIONAL : anonyme permis, un jeton donné est lu (et refusé s'il est invalide).
AUTH = [{"bearerAuth": []}]; OPTIONAL = [{}, {"bearerAuth": []}]
def body(name, desc=None):
    b = {"required": True, "content": {"application/json": {"schema": ref(name)}}}
    if desc: b["description"] = desc
    return b
def done(desc): return {"description": desc}
def num(desc): return {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}, "description": desc}
def op(op_id, summary, responses, codes, security=AUTH, **more):
    o = {"operationId": op_id, "summary": summary, **more, "security": security, "responses": {**responses, **common(*codes, "503")}}
    return o
WRITE = ("400", "401", "403", "413", "415")
sid = num("Numéro de la contribution")
upload = {"required": True, "description": "Une notice ou collection XML (LOM, OAI-PMH, EBUCore), une fiche Markdown, ou une archive zip / tar.gz de tels fichiers",
          "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in
                      ["application/xml", "text/xml", "text/markdown", "application/zip", "application/gzip", "application/x-tar"]}}
import_paths = {
 "/api/v1/imports": {
    "post": op("createImport", "Importer un fichier ou une archive (compte importateur : sa source)",
               {"202": dict(ok("ImportJob", "Import accepté : suivre links.self"), headers={"Location": {"schema": S}})},
               WRITE, requestBody=upload,
               parameters=[q("dry_run", {"type": "boolean", "default": False}, "Valider et rapporter sans rien écrire"),
                           q("mode", {"type": "string", "enum": ["incremental", "full"], "default": "incremental"},
                             "full : l'envoi est l'export complet de la source ; ses ressources absentes sont retirées"),
                           q("source", S, "Administrateur seulement : la source où importer")],
               description="Les archives sont lues entrée par entrée en mémoire (libarchive), jamais extraites par leur nom ; "
                           "chemins hors de l'archive, liens, noms en double, bombes de décompression et dépassements de limites "
                           "font échouer l'import sans rien écrire (le rapport dit pourquoi). Une transaction par fichier ; "
                           "un serveur arrêté reprend l'import au premier fichier non écrit."),
    "get": op("imports", "Les imports de sa source, les plus récents d'abord", {"200": ok("ImportJobList")}, ("400", "401", "403"),
              parameters=[q("source", S, "Administrateur seulement : filtrer par source")])},
 "/api/v1/export": {
    "get": op("export", "Exporter les ressources publiées : JSONL (sauvegarde que relais import relit à l'identique) ou zip de fichiers LOM",
              {"200": {"description": "Le fichier d'export (en-tête Content-Disposition)",
                       "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                   "application/zip": {"schema": {"type": "string", "format": "binary"}}}}},
              ("400", "401", "403"),
              parameters=[q("format", {"type": "string", "enum": ["jsonl", "lom"], "default": "jsonl"},
                            "jsonl : une ligne {original, provenance, resource} par ressource ; lom : un ID.xml par ressource dans un zip"),
                          q("source", S, "Seulement cette source (un compte importateur n'exporte que la sienne)")],
              description="Comptes administrateur, curateur ou importateur.")},
 "/api/v1/imports/{id}": {
    "get": op("importJob", "Un import : état, avancement et, une fois fini, le rapport complet", {"200": ok("ImportJob")},
              ("400", "401", "403"), parameters=[num("Numéro de l'import")])},
}
account_paths = {
 "/api/v1/accounts": {
    "post": op("createAccount", "Créer un compte (contributeur ; un administrateur peut donner role et source)",
               {"201": ok("Account", "Compte créé")}, WRITE + ("409",), OPTIONAL, requestBody=body("RegistrationRequest"),
               description="Anonyme : un compte contributeur. role ou source donnés par un autre qu'un administrateur : 403. Adresse déjà utilisée : 409."),
    "get": op("accounts", "Les comptes (administrateur)", {"200": ok("AccountList")}, ("401", "403"))},
 "/api/v1/accounts/{id}": {
    "patch": op("updateAccount", "Changer le rôle, la source ou la désactivation d'un compte (administrateur)",
                {"200": ok("Account")}, WRITE + ("409",), parameters=[num("Numéro du compte")], requestBody=body("AccountPatch"),
                description="409 : un administrateur ne retire pas ses propres droits (rôle, désactivation).")},
 "/api/v1/auth/login": {
    "post": op("login", "Se connecter : un jeton porteur", {"200": ok("LoginResponse")}, WRITE, OPTIONAL,
               requestBody=body("LoginRequest"), description="Adresse ou mot de passe erronés : 401. Limité par adresse (429).")},
 "/api/v1/auth/logout": {
    "post": op("logout", "Se déconnecter : révoque le jeton utilisé", {"204": done("Jeton révoqué")}, ("401", "403"))},
 "/api/v1/me": {
    "get": op("me", "Le compte de l'appelant", {"200": ok("Account")}, ("401", "403")),
    "delete": op("deleteMe", "Effacer ses données personnelles",
                 {"204": done("Nom, adresse, mot de passe et jetons effacés ; le travail publié reste, signé « ancien contributeur » ; les commentaires sont supprimés")},
                 ("401", "403"))},
 "/api/v1/me/export": {
    "get": op("exportMe", "Toutes ses données personnelles", {"200": ok("PersonalDataExport")}, ("401", "403"))},
 "/api/v1/submissions": {
    "post": op("createSubmission", "Proposer une ressource, une amélioration ou un retour d'expérience (brouillon)",
               {"201": ok("Submission", "Contribution créée")}, WRITE, requestBody=body("SubmissionRequest")),
    "get": op("mySubmissions", "Ses contributions", {"200": ok("SubmissionList")}, ("401", "403"))},
 "/api/v1/submissions/checklist": {
    "post": op("submissionChecklist", "Vérifier un corps de contribution sans rien enregistrer",
               {"200": ok("ChecklistResponse")}, WRITE, requestBody=body("SubmissionRequest"))},
 "/api/v1/submissions/{id}": {
    "get": op("submission", "Une contribution (son auteur ou un curateur ; 404 pour les autres)", {"200": ok("Submission")},
              ("400", "401", "403"), parameters=[sid]),
    "put": op("updateSubmission", "Modifier sa contribution (brouillon, soumise ou modifications demandées)",
              {"200": ok("Submission")}, WRITE + ("409",), parameters=[sid], requestBody=body("SubmissionRequest"))},
 "/api/v1/submissions/{id}/transitions": {
    "post": op("transition", "Faire avancer une contribution (soumettre, retirer, prendre en charge, décider, publier)",
               {"200": ok("Submission")}, WRITE + ("409", "422"), parameters=[sid], requestBody=body("TransitionRequest"),
               description="Action non permise dans l'état actuel : 409 avec allowed. submit avec un point bloquant en échec : 422 avec checklist.")},
 "/api/v1/moderation/queue": {
    "get": op("moderationQueue", "La file de modération, la plus ancienne soumission d'abord (curateur)", {"200": ok("ModerationQueue")},
              ("400", "401", "403"), parameters=[
                  dict(q("state", arr(enum(STATES)), "État ; répétable (par défaut submitted et in_review)"), style="form", explode=True),
                  q("kind", enum(KINDS), "Nature de la contribution"), q("source", S, "Source"),
                  q("older_than_days", {"type": "integer", "minimum": 0, "maximum": 3650}, "En attente depuis au moins ce nombre de jours"),
                  q("page", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}, "Page, à partir de 1"),
                  q("size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Contributions par page")])},
 "/api/v1/moderation/reasons": {
    "get": op("rejectionReasons", "Les motifs de refus", {"200": ok("RejectionReasons")}, ("401", "403"))},
 "/api/v1/moderation/evaluations": {
    "get": op("heldEvaluations", "Les évaluations en attente (curateur)", {"200": ok("EvaluationList")}, ("401", "403"))},
 "/api/v1/moderation/comments": {
    "get": op("flaggedComments", "Les commentaires signalés et visibles, les plus signalés d'abord (curateur)",
              {"200": ok("FlaggedCommentList")}, ("401", "403"))},
 "/api/v1/evaluation-grid": {
    "get": op("evaluationGrid", "La grille d'évaluation en vigueur", {"200": ok("EvaluationGrid")}, ("401",), OPTIONAL)},
 "/api/v1/resources/{id}/synthesis": {
    "get": op("synthesis", "La synthèse des évaluations d'une ressource", {"200": ok("Synthesis")}, ("400", "401"), OPTIONAL,
              parameters=[idp])},
 "/api/v1/resources/{id}/evaluations": {
    "get": op("evaluations", "Les évaluations visibles d'une ressource", {"200": ok("EvaluationList")}, ("400", "401"), OPTIONAL,
              parameters=[idp]),
    "post": op("evaluate", "Évaluer la version publiée d'une ressource avec la grille", {"201": ok("Evaluation", "Évaluation enregistrée")},
               WRITE + ("409",), parameters=[idp], requestBody=body("EvaluationInput"),
               description="Sa propre ressource (ou co-écrite) : 403. Deuxième évaluation de la même version : 409. Compte récent : status held.")},
 "/api/v1/resources/{id}/evaluations/mine": {
    "put": op("updateMyEvaluation", "Modifier son évaluation de la version publiée", {"200": ok("Evaluation")}, WRITE,
              parameters=[idp], requestBody=body("EvaluationInput"))},
 "/api/v1/evaluations/{id}/moderation": {
    "post": op("moderateEvaluation", "Libérer ou masquer une évaluation (curateur)", {"200": ok("Evaluation")}, WRITE + ("409",),
               parameters=[num("Numéro de l'évaluation")], requestBody=body("EvaluationModeration"))},
 "/api/v1/resources/{id}/comments": {
    "get": op("comments", "Les commentaires d'une ressource (les masqués exclus)", {"200": ok("CommentList")}, ("400", "401"), OPTIONAL,
              parameters=[idp]),
    "post": op("comment", "Commenter une ressource", {"201": ok("Comment", "Commentaire publié")}, WRITE,
               parameters=[idp], requestBody=body("CommentInput"))},
 "/api/v1/comments/{id}/flags": {
    "post": op("flagComment", "Signaler un commentaire", {"204": done("Signalement enregistré")}, WRITE + ("409",),
               parameters=[num("Numéro du commentaire")], requestBody=body("FlagRequest", "{} sans motif"),
               description="Deuxième signalement du même commentaire par le même compte : 409.")},
 "/api/v1/comments/{id}/hide": {
    "post": op("hideComment", "Masquer un commentaire (curateur)", {"204": done("Commentaire masqué")}, WRITE + ("409",),
               parameters=[num("Numéro du commentaire")], requestBody=body("HideRequest"))},
 "/api/v1/resources/{id}/feedback": {
    "get": op("feedback", "Les retours d'expérience publiés sur une ressource", {"200": ok("FeedbackList")}, ("400", "401"), OPTIONAL,
              parameters=[idp])},
}
doc = {
 "openapi": "3.1.0",
 "info": {"title": "Relais", "version": "1.0.0",
          "description": "API de Relais, le dépôt et moteur de recherche de ressources éducatives libres de la Fédération Wallonie-Bruxelles. Erreurs au format RFC 9457 (application/problem+json)."},
 "servers": [{"url": "/"}],
 "paths": {
  "/healthz": {"get": {"operationId": "health", "summary": "Le processus répond", "responses": {"200": ok("Health"), **common()}}},
  "/readyz": {"get": {"operationId": "ready", "summary": "Prêt à chercher (import initial terminé)",
                      "responses": {"200": ok("Health"), "503": ok("Health", "En préparation ou en échec"), **{k: v for k, v in common().items()}}}},
  "/openapi.json": {"get": {"operationId": "openapi", "summary": "Ce document", "responses": {"200": ok({"type": "object"}), **common()}}},
  "/api/v1/search": {
    "get": {"operationId": "search", "summary": "Recherche avec filtres, facettes et extraits", "parameters": search_params,
            "responses": {"200": ok("SearchResult"), **common("400", "503")}},
    "post": {"operationId": "searchPost", "summary": "La même recherche, paramètres dans un corps JSON",
             "requestBody": {"required": True, "content": {"application/json": {"schema": search_body}}},
             "responses": {"200": ok("SearchResult"), **common("400", "413", "415", "503")}}},
  "/api/v1/suggest": {"get": {"operationId": "suggest", "summary": "Autocomplétion sur les titres et mots-clés",
        "parameters": [q("q", {"type": "string", "maxLength": 100}, "Début de saisie"),
                       q("size", {"type": "integer", "minimum": 1, "maximum": 20, "default": 8}, "Nombre de suggestions")],
        "responses": {"200": ok("Suggestions"), **common("400", "503")}}},
  "/api/v1/resources/{id}": {"get": {"operationId": "resource", "summary": "Notice complète d'une ressource publiée",
        "parameters": [idp, {"name": "If-None-Match", "in": "header", "required": False, "schema": S}],
        "responses": {"200": dict(ok("Resource"), headers={"ETag": {"schema": S}}), "304": {"description": "Inchangée"}, **common("400", "503")}}},
  "/api/v1/resources/{id}/lom": {"get": {"operationId": "resourceLOM", "summary": "La notice en IEEE LOM (XML)",
        "parameters": [idp, {"name": "If-None-Match", "in": "header", "required": False, "schema": S}],
        "responses": {"200": dict(ok(S, "LOM XML", "application/xml"), headers={"ETag": {"schema": S}}), "304": {"description": "Inchangée"}, **common("400", "503")}}},
  "/api/v1/vocabularies": {"get": {"operationId": "vocabularies", "summary": "Les vocabulaires (niveaux, domaines…)",
        "responses": {"200": ok("VocabularyList"), **common("400")}}},
  "/api/v1/vocabularies/{name}": {"get": {"operationId": "vocabulary", "summary": "Les termes d'un vocabulaire, libellés en français",
        "parameters": [{"name": "name", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": ["niveaux", "domaines", "types", "roles", "besoins", "licences"]}}],
        "responses": {"200": ok("Vocabulary"), **common("400")}}},
 "/oai": {
    "get": {"operationId": "oaiPmh", "summary": "OAI-PMH 2.0 (Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers, ListRecords ; formats oai_dc et lom)",
            "description": "Les erreurs du protocole (badVerb, badArgument, badResumptionToken, cannotDisseminateFormat, idDoesNotExist, noRecordsMatch) sont des réponses 200 contenant un élément error, comme le veut OAI-PMH.",
            "parameters": [q(n, S, d) for n, d in [("verb", "Verbe OAI-PMH"), ("identifier", "oai:relais.fwb.be:ID"),
                           ("metadataPrefix", "oai_dc ou lom"), ("from", "AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ"),
                           ("until", "AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ"), ("set", "source:NOM, domaine:TERME ou niveau:TERME"),
                           ("resumptionToken", "Jeton de reprise (exclusif)")]],
            "responses": {"200": ok(S, "Réponse OAI-PMH", "text/xml"), **common("400", "503")}},
    "post": {"operationId": "oaiPmhPost", "summary": "OAI-PMH par POST (arguments encodés comme un formulaire)",
             "description": "Un argument inconnu est une erreur badArgument du protocole, dans une réponse 200.",
             "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": dict(obj({n: S for n in
                 ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"]}, []), additionalProperties=True)}}},
             "responses": {"200": ok(S, "Réponse OAI-PMH", "text/xml"), **common("400", "413", "415", "503")}}},
 **account_paths,
 **import_paths,
 },
 "components": {"schemas": schemas,
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "rls_ + base64url(32 octets)",
                                                   "description": "Jeton obtenu par POST /api/v1/auth/login (ou relais token issue)."}}},
}
import os
json.dump(doc, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json"), "w"), ensure_ascii=False, indent=1)
print(len(json.dumps(doc)))
