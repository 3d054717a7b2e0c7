# Writes openapi.json beside this file: the OpenAPI 3.1 document of the Relais API. Edit here, run,
# commit both; RelaisAPITests checks the document against the routes and every test response.
import json
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def obj(props, required=None):
    return {"type": "object", "additionalProperties": False, "properties": props,
            "required": required if required is not None else list(props)}
S = {"type": "string"}; I = {"type": "integer"}; N = {"type": "number"}; B = {"type": "boolean"}
def arr(x): return {"type": "array", "items": x}
def opt(x, *names): return x
schemas = {
 "Problem": obj({"type": {"type": "string", "format": "uri"}, "title": S, "status": {"type": "integer", "minimum": 400, "maximum": 599},
                 "detail": S, "parameter": S}, ["type", "title", "status", "detail"]),
 "Term": obj({"term": S, "label": S}),
 "EvaluationSummary": obj({"count": {"type": "integer", "minimum": 0}, "average": N, "criteria": arr(S)}, ["count"]),
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
    "related": arr(obj({"id": S, "title": S})),
    "links": obj({"self": S, "lom": S, "page": S})},
    ["id", "source", "source_label", "source_identifier", "format", "title", "titles", "descriptions", "keywords", "languages",
     "contributors", "levels", "domains", "types", "roles", "needs", "media_formats", "segments", "sections", "relations",
     "evaluation", "related", "links"]),
 "VocabularyList": obj({"vocabularies": arr(obj({"name": S, "label": S, "count": I}))}),
 "Vocabulary": obj({"name": S, "label": S, "version": I,
                    "terms": arr(obj({"id": S, "label": S, "alt_labels": arr(S), "broader": S, "definition": S}, ["id", "label", "alt_labels"]))}),
 "Health": obj({"status": {"type": "string", "enum": ["ok", "pret", "preparation", "echec"]}, "resources": I, "detail": S}, ["status"]),
}
def problem(desc): return {"description": desc, "content": {"application/problem+json": {"schema": ref("Problem")}}}
P = {k: problem(v) for k, v in {
  "400": "Paramètre invalide (le membre parameter le nomme)", "404": "Introuvable", "405": "Méthode non permise (en-tête Allow)",
  "406": "Format demandé (Accept) non disponible", "413": "Corps trop grand", "414": "Adresse trop longue",
  "415": "Format de corps non pris en charge", "429": "Trop de requêtes (en-tête Retry-After)",
  "503": "En préparation ou délai dépassé (en-tête Retry-After)"}.items()}
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
             "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": obj({n: S for n in
                 ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"]}, [])}}},
             "responses": {"200": ok(S, "Réponse OAI-PMH", "text/xml"), **common("400", "413", "415", "503")}}},
 },
 "components": {"schemas": schemas},
}
import os
json.dump(doc, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi.json"), "w"), ensure_ascii=False, indent=1)
print(len(json.dumps(doc)))
