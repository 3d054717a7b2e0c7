#!/usr/bin/env python3
"""Parcours de contribution dans un vrai navigateur (Chromium sans écran, Selenium).

Usage : RELAIS_CURATOR_EMAIL=… RELAIS_CURATOR_PASSWORD=… python3 .ci/browser_contrib_test.py [URL_DE_BASE]

Le serveur doit tourner avec le corpus importé et un compte curateur (créé par
`relais user add --role curator`, voir .ci/browser_test.sh). Le parcours :
un enseignant crée un compte, se déconnecte, se reconnecte, propose une ressource dont le titre
porte un mot unique, regarde la liste de vérification passer au vert, soumet ; il évalue une
ressource du corpus avec la grille, commente, ouvre « Proposer une amélioration » (différences) ;
le curateur se connecte, ouvre /moderation, publie l'évaluation en attente, prend la contribution
en charge, l'approuve et la publie ; la recherche du mot unique trouve alors la nouvelle ressource
et la page de la ressource évaluée montre la synthèse. Ensuite les autres chemins : soumettre un
brouillon incomplet (422), demander des modifications (commentaire obligatoire) puis soumettre à
nouveau, refuser avec un motif, publier un retour d'expérience, signaler un commentaire et le
masquer. Puis les mêmes pages en 375 px de large.
Captures dans Benchmarks/screenshots/ (non versionné). Code de sortie 1 si une vérification échoue.
"""

import json
import os
import random
import string
import sys
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import browser_test as bt  # mêmes aides : check, wait, screenshot, make_driver, search, console_errors

BASE = bt.BASE
CURATOR_EMAIL = os.environ.get("RELAIS_CURATOR_EMAIL", "curateur@example.be")
CURATOR_PASSWORD = os.environ.get("RELAIS_CURATOR_PASSWORD", "curateur-secret-1")
# Réponses d'erreur que le parcours provoque exprès (mauvais mot de passe) : leur trace dans la console est attendue.
bt.EXPECTED_ERRORS.append("/api/v1/auth/login - Failed to load resource: the server responded with a status of 401")
bt.EXPECTED_ERRORS.append("/transitions - Failed to load resource: the server responded with a status of 422")

STAMP = "".join(random.choice(string.ascii_lowercase) for _ in range(6))
UNIQUE = "Quorvalbe" + STAMP  # un mot qui n'existe nulle part ailleurs dans le corpus
TITLE = f"Atelier {UNIQUE} : mesurer et partager en cuisine"
DESCRIPTION = ("Une activité de classe où les élèves mesurent des ingrédients, comparent des quantités et partagent "
               "une recette en parts égales pour découvrir les fractions dans une situation concrète.")
CONTRIBUTOR = {"name": "Anne Testeuse", "email": f"anne.{STAMP}@example.be", "password": "motdepasse-anne-2026"}
check, wait, screenshot = bt.check, bt.wait, bt.screenshot
state = {}


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def text_of(driver, selector):
    found = css(driver, selector)
    return found[0].text if found else ""


def click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def type_into(driver, selector, text, clear=True):
    field = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    if clear:
        field.clear()
    field.send_keys(text)
    return field


def who(driver):
    return text_of(driver, "#account-who")


def path(driver):
    return driver.current_url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]


def overflow(driver):
    return driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")


def log_in(driver, email, password):
    driver.get(BASE + "/connexion")
    wait(driver, lambda d: css(d, "#login-form") or css(d, "#logout"), "formulaire de connexion")
    if css(driver, "#logout"):
        click(driver, driver.find_element(By.ID, "logout"))
        wait(driver, lambda d: css(d, "#login-form"), "déconnexion")
    type_into(driver, "#login-email", email)
    type_into(driver, "#login-password", password).send_keys(Keys.ENTER)
    return wait(driver, lambda d: css(d, "#logout") and "connexion" not in d.current_url, "connexion", timeout=20)


def log_out(driver):
    click(driver, driver.find_element(By.ID, "logout"))
    return wait(driver, lambda d: not css(d, "#logout") and css(d, "#login-form"), "déconnexion")


def call(method, url, body=None, token=None):
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(BASE + url, data=json.dumps(body).encode() if body is not None else None, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def api_login(email, password):
    return call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]


def use_token(driver, token):
    """Ouvre la session d'un compte dans l'onglet (le jeton va dans sessionStorage, comme après une connexion)."""
    driver.get(BASE + "/")
    driver.execute_script("sessionStorage.clear(); sessionStorage.setItem('relais.token', arguments[0])", token)


# ------------------------------------------------------------------ compte du contributeur

def account_flow(driver):
    driver.get(BASE + "/connexion")
    wait(driver, lambda d: css(d, "#signup-form"), "page de connexion")
    check("connexion : la page propose de se connecter et de créer un compte",
          bool(css(driver, "#login-form")) and bool(css(driver, "#signup-form")) and driver.title.startswith("Connexion"), driver.title)
    check("en-tête anonyme : lien « Se connecter »", any("connecter" in a.text for a in css(driver, "#account-nav a")))
    # Erreur locale : mot de passe trop court, annoncée à côté du champ
    type_into(driver, "#signup-name", CONTRIBUTOR["name"])
    type_into(driver, "#signup-email", CONTRIBUTOR["email"])
    type_into(driver, "#signup-password", "court").send_keys(Keys.ENTER)
    error = wait(driver, lambda d: [e for e in css(d, "#signup-form [data-field=password] .field-error") if e.is_displayed()], "erreur mot de passe")
    active = driver.switch_to.active_element
    check("création de compte : l'erreur s'affiche à côté du champ et le champ prend le focus",
          bool(error) and active.get_attribute("id") == "signup-password" and active.get_attribute("aria-invalid") == "true",
          error[0].text if error else "")
    type_into(driver, "#signup-password", CONTRIBUTOR["password"]).send_keys(Keys.ENTER)
    wait(driver, lambda d: CONTRIBUTOR["name"] in who(d), "compte créé et connecté", timeout=20)
    check("compte créé : l'en-tête montre qui est connecté", CONTRIBUTOR["name"] in who(driver), who(driver))
    check("le jeton est gardé dans sessionStorage « relais.token »",
          (driver.execute_script("return sessionStorage.getItem('relais.token')") or "").startswith("rls_"))
    links = [a.get_attribute("href").rsplit("/", 1)[-1] for a in css(driver, "#account-nav a")]
    check("contributeur : liens Proposer et Mes contributions, pas Modération",
          "soumettre" in links and "mes-contributions" in links and "moderation" not in links, ", ".join(links))
    screenshot(driver, "contrib-compte-cree")
    log_out(driver)
    check("« Se déconnecter » ferme la session", not driver.execute_script("return sessionStorage.getItem('relais.token')")
          and not css(driver, "#account-who"))
    # Mauvais mot de passe : message de l'API dans le formulaire
    type_into(driver, "#login-email", CONTRIBUTOR["email"])
    type_into(driver, "#login-password", "mauvais-mot-de-passe").send_keys(Keys.ENTER)
    alert = wait(driver, lambda d: [a for a in css(d, "#login-form .form-alert") if a.is_displayed() and a.text], "erreur de connexion")
    check("mauvais mot de passe : message d'erreur en français dans le formulaire", bool(alert), alert[0].text if alert else "")
    check("connexion", bool(log_in(driver, CONTRIBUTOR["email"], CONTRIBUTOR["password"])), who(driver))


# ------------------------------------------------------------------ soumission

def pick(driver, name, value):
    box = css(driver, f"#submission-form input[name={name}][value='{value}']")
    if box:
        click(driver, box[0])
    return bool(box)


def submit_flow(driver):
    nav = [a for a in css(driver, "#account-nav a") if a.get_attribute("href").endswith("/soumettre")]
    click(driver, nav[0]) if nav else driver.get(BASE + "/soumettre")
    wait(driver, lambda d: css(d, "#submission-form #sub-title") and css(d, "#checklist li.check"), "formulaire et liste de vérification", timeout=20)
    failing = len(css(driver, "#checklist li.check-fail"))
    check("soumettre : le formulaire vide a des points obligatoires en échec", failing > 0 and
          driver.find_element(By.ID, "checklist").get_attribute("data-ready") == "false", f"{failing} points bloquants")
    check("soumettre : la liste de vérification a une zone aria-live",
          driver.find_element(By.ID, "checklist-live").get_attribute("aria-live") == "polite")
    check("soumettre : les vocabulaires remplissent niveaux, domaines, types et licences",
          all(css(driver, f"#submission-form input[name={n}]") for n in ("levels", "domains", "types", "needs"))
          and len(css(driver, "#sub-licence option")) > 5)
    type_into(driver, "#sub-title", TITLE)
    # La vérification suit la frappe : le point « titre » passe au vert sans rien cliquer.
    wait(driver, lambda d: css(d, "#checklist li[data-check=titre][data-passed=true]"), "titre vérifié")
    check("liste de vérification mise à jour pendant la frappe (titre)", bool(css(driver, "#checklist li[data-check=titre][data-passed=true]")))
    type_into(driver, "#sub-description", DESCRIPTION)
    type_into(driver, "#sub-keywords", f"fractions, mesures, cuisine, {UNIQUE.lower()}")
    picked = [pick(driver, "levels", "P5"), pick(driver, "domains", "mathematiques"), pick(driver, "types", "activite")]
    Select(driver.find_element(By.ID, "sub-licence")).select_by_value("cc-by")
    type_into(driver, "#sub-url", f"https://example.org/{UNIQUE.lower()}")
    type_into(driver, "#sub-time", "45")
    ready = wait(driver, lambda d: d.find_element(By.ID, "checklist").get_attribute("data-ready") == "true"
                 and not css(d, "#checklist li.check-fail"), "liste au vert", timeout=20)
    items = css(driver, "#checklist li.check")
    check("la liste de vérification passe au vert (aucun point bloquant)", bool(ready) and all(picked),
          f"{len(css(driver, '#checklist li.check-ok'))}/{len(items)} remplis, "
          + ", ".join(li.get_attribute("data-check") for li in css(driver, "#checklist li.check-warn")) + " à vérifier")
    live = driver.find_element(By.ID, "checklist-live").get_attribute("textContent")
    check("la zone aria-live annonce que la contribution est prête", "Prête" in live, live)
    screenshot(driver, "contrib-soumettre-vert")
    click(driver, driver.find_element(By.ID, "save-draft"))
    saved = wait(driver, lambda d: "Brouillon enregistré" in text_of(d, "#page-status") and "contribution=" in d.current_url, "brouillon")
    check("« Enregistrer le brouillon » crée la contribution", bool(saved), text_of(driver, "#page-status"))
    click(driver, driver.find_element(By.ID, "submit-submission"))
    wait(driver, lambda d: "/contribution/" in d.current_url and css(d, "article.contribution"), "page de la contribution", timeout=20)
    article = css(driver, "article.contribution")
    state["submission"] = article[0].get_attribute("data-id") if article else None
    check("« Soumettre » : la contribution est dans l'état « Soumise »",
          bool(article) and article[0].get_attribute("data-state") == "submitted" and "Soumise" in text_of(driver, "article.contribution .state"),
          f"n° {state['submission']} : {text_of(driver, 'article.contribution .state')}")
    check("page de la contribution : liste de vérification et historique",
          bool(css(driver, "#checklist li.check")) and bool(css(driver, "ol.history li")))
    check("l'auteur peut retirer sa contribution (allowed_actions)", bool(css(driver, "#decision-form button[data-action=withdraw]")))
    screenshot(driver, "contrib-soumise")
    driver.get(BASE + "/mes-contributions")
    wait(driver, lambda d: css(d, "#my-submissions .sub-item") or css(d, "#my-submissions .alert"), "mes contributions")
    check("« Mes contributions » liste la contribution soumise", any(TITLE in li.text for li in css(driver, "#my-submissions .sub-item")))


# ------------------------------------------------------------------ évaluation, commentaire, amélioration

def evaluation_flow(driver):
    # Une ressource du corpus que personne n'a encore évaluée (le test peut tourner deux fois sur la même base).
    hits = bt.api("/api/v1/search?q=fractions&size=10").get("hits", []) + bt.api("/api/v1/search?size=30").get("hits", [])
    target = next((h for h in hits if (bt.api(f"/api/v1/resources/{h['id']}").get("synthesis") or {}).get("state") == "not_evaluated"), hits[0])
    state["evaluated"] = target
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: css(d, "#synthesis") and css(d, "#comments-list .thread, #comments-list .check-error"), "page de la ressource", timeout=20)
    synthesis = css(driver, "#synthesis")
    check("ressource : la synthèse dit « pas encore évalué »", bool(synthesis) and synthesis[0].get_attribute("data-state") == "not_evaluated"
          and "pas encore évalué" in synthesis[0].text.lower(), synthesis[0].text.replace("\n", " ")[:120] if synthesis else "")
    check("ressource : liens Évaluer, Proposer une amélioration, Partager un retour d'expérience",
          all(css(driver, sel) for sel in ("#link-evaluate", "#link-improve", "#link-feedback")))
    check("ressource : sections retours d'expérience et commentaires",
          bool(css(driver, "#feedback-title")) and bool(css(driver, "#comment-form")))

    # Commentaire
    type_into(driver, "#comment-text", f"Utilisée en 5e primaire avec succès ({STAMP}).")
    click(driver, driver.find_element(By.CSS_SELECTOR, "#comment-form button[type=submit]"))
    wait(driver, lambda d: any(STAMP in li.text for li in css(d, "#comments li.thread-item")), "commentaire publié")
    check("commentaire publié et affiché", any(STAMP in li.text for li in css(driver, "#comments li.thread-item")))

    # Grille d'évaluation
    click(driver, driver.find_element(By.ID, "link-evaluate"))
    wait(driver, lambda d: css(d, "#evaluation-form fieldset.criterion"), "grille", timeout=20)
    criteria = css(driver, "#evaluation-form fieldset.criterion")
    grid = bt.api("/api/v1/evaluation-grid")
    state["criteria"] = len(grid.get("criteria", []))
    levels_ok = all(len(f.find_elements(By.CSS_SELECTOR, "input[type=radio]")) == 5 and
                    all(t.text.strip() for t in f.find_elements(By.CSS_SELECTOR, ".level-text")) for f in criteria)
    check("grille : chaque critère a 4 niveaux décrits et « Sans objet »", len(criteria) == state["criteria"] and levels_ok,
          f"{len(criteria)} critères")
    first_descriptor = grid["criteria"][0]["levels"][0] if grid.get("criteria") else ""
    check("grille : les descripteurs des niveaux sont visibles", first_descriptor and first_descriptor in criteria[0].text, first_descriptor[:60])
    click(driver, driver.find_element(By.ID, "evaluation-submit"))
    errors = wait(driver, lambda d: [e for e in css(d, "#evaluation-form fieldset.criterion .field-error") if e.is_displayed()], "erreurs")
    check("grille envoyée vide : une erreur par critère, le focus sur le premier",
          errors and len(errors) == len(criteria) and driver.switch_to.active_element.get_attribute("type") == "radio",
          f"{len(errors or [])} erreurs")
    # Clavier : flèches dans le groupe de boutons radio du premier critère
    first = criteria[0].find_element(By.CSS_SELECTOR, "input[type=radio]")
    first.send_keys(Keys.SPACE)
    first.send_keys(Keys.ARROW_DOWN)
    chosen = criteria[0].find_elements(By.CSS_SELECTOR, "input[type=radio]:checked")
    check("grille : les flèches du clavier changent le niveau choisi", bool(chosen) and chosen[0].get_attribute("value") == "2")
    scores = ["3", "4", "3", "na", "4", "2"]
    for index, fieldset in enumerate(criteria):
        value = scores[index % len(scores)]
        click(driver, fieldset.find_element(By.CSS_SELECTOR, f"input[type=radio][value='{value}']"))
    type_into(driver, "#evaluation-form textarea[name^=comment-]", "Consignes claires.")
    type_into(driver, "#eval-strengths", "Une situation concrète que les élèves comprennent tout de suite.")
    type_into(driver, "#eval-improvements", "Ajouter une version différenciée pour les élèves dyscalculiques.")
    screenshot(driver, "contrib-grille")
    click(driver, driver.find_element(By.ID, "evaluation-submit"))
    status = wait(driver, lambda d: css(d, "#page-status.is-success:not([hidden])") or
                  [a for a in css(d, "#evaluation-form .form-alert") if a.is_displayed()], "évaluation enregistrée", timeout=20)
    ok = css(driver, "#page-status.is-success:not([hidden])")
    state["held"] = bool(ok) and ok[0].get_attribute("data-evaluation-status") == "held"
    check("évaluation enregistrée", bool(ok), (ok[0].text if ok else text_of(driver, "#evaluation-form .form-alert")).replace("\n", " ")[:160])

    # Proposer une amélioration : formulaire prérempli, différences
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: css(d, "#link-improve"), "page ressource")
    click(driver, driver.find_element(By.ID, "link-improve"))
    wait(driver, lambda d: css(d, "#submission-form #sub-title") and css(d, "#diff"), "formulaire d'amélioration", timeout=20)
    check("amélioration : le formulaire reprend la ressource",
          driver.find_element(By.ID, "sub-title").get_attribute("value") == target["title"], target["title"])
    type_into(driver, "#sub-keywords", ", ajout " + STAMP, clear=False)
    rows = wait(driver, lambda d: css(d, "#diff table tbody tr"), "différences")
    check("amélioration : la table des différences montre le champ modifié", bool(rows),
          " | ".join(r.text.replace("\n", " ")[:80] for r in (rows or [])))
    screenshot(driver, "contrib-amelioration")


# ------------------------------------------------------------------ modération

def moderation_flow(driver):
    log_out(driver)
    check("le curateur se connecte", bool(log_in(driver, CURATOR_EMAIL, CURATOR_PASSWORD)), who(driver))
    links = [a.get_attribute("href").rsplit("/", 1)[-1] for a in css(driver, "#account-nav a")]
    check("curateur : lien Modération dans l'en-tête", "moderation" in links, ", ".join(links))
    if "/moderation" not in driver.current_url:
        driver.get(BASE + "/moderation")
    wait(driver, lambda d: d.find_element(By.ID, "queue").get_attribute("aria-busy") == "false" and css(d, "#queue-summary"), "file", timeout=20)
    item = [li for li in css(driver, "#queue .sub-item") if TITLE in li.text]
    counts = [b.text.replace("\n", " ") for b in css(driver, "#queue-counts button")]
    check("modération : la contribution est dans la file, avec les comptes par état", bool(item) and counts, " · ".join(counts))
    Select(driver.find_element(By.ID, "queue-state")).select_by_value("submitted")
    click(driver, driver.find_element(By.CSS_SELECTOR, "#queue-filters button[type=submit]"))
    wait(driver, lambda d: "state=submitted" in d.current_url and d.find_element(By.ID, "queue").get_attribute("aria-busy") == "false", "filtre")
    states = {li.get_attribute("data-state") for li in css(driver, "#queue .sub-item")}
    check("modération : le filtre d'état restreint la file (et va dans l'URL)", states <= {"submitted"} and
          any(TITLE in li.text for li in css(driver, "#queue .sub-item")), ", ".join(sorted(states)))
    screenshot(driver, "contrib-moderation")

    # Évaluation en attente (compte récent) : le curateur la publie
    target = state.get("evaluated")
    held = [li for li in css(driver, "#held-evaluations li[data-evaluation]") if target and li.get_attribute("data-resource") == target["id"]]
    if state.get("held"):
        if check("modération : l'évaluation du nouveau compte est en attente", bool(held)):
            click(driver, held[0].find_element(By.CSS_SELECTOR, "button[data-action=release]"))
            done = wait(driver, lambda d: "publiée" in held[0].text, "évaluation publiée")
            check("modération : « Publier l'évaluation »", bool(done), held[0].text.replace("\n", " ")[-60:])

    # Décision sur la contribution
    link = [a for a in css(driver, "#queue .sub-item h3 a") if a.text == TITLE]
    click(driver, link[0]) if link else driver.get(BASE + f"/contribution/{state.get('submission')}")
    wait(driver, lambda d: css(d, "article.contribution"), "contribution")

    def act(action, expected):
        button = wait(driver, lambda d: css(d, f"#decision-form button[data-action={action}]"), action)
        if not button:
            return check(f"décision « {action} » proposée", False, text_of(driver, "#decision-form"))
        click(driver, button[0])
        reached = wait(driver, lambda d: css(d, f"article.contribution[data-state={expected}]"), expected, timeout=20)
        return check(f"curateur : « {button[0].text if not reached else action} » → état {expected}", bool(reached),
                     text_of(driver, "#page-status") or text_of(driver, "#decision-form .form-alert"))

    act("claim", "in_review") and act("approve", "approved") and act("publish", "published")
    focused = driver.switch_to.active_element.get_attribute("id")
    check("après une décision, le focus va au message d'état", focused == "page-status", focused)
    resource_link = css(driver, "#contribution-resource")
    state["published"] = resource_link[0].get_attribute("href").rsplit("/", 1)[-1] if resource_link else None
    check("contribution publiée : lien vers la nouvelle ressource", bool(resource_link), state["published"] or "")
    screenshot(driver, "contrib-publiee")

    # La recherche trouve la nouvelle ressource
    bt.search(driver, UNIQUE)
    titles = [a.text for a in css(driver, "#results article.card h3 a")]
    check(f"recherche de « {UNIQUE} » : la ressource publiée est un résultat", TITLE in titles, " / ".join(titles[:3]))
    screenshot(driver, "contrib-recherche")
    if TITLE in titles:
        click(driver, [a for a in css(driver, "#results article.card h3 a") if a.text == TITLE][0])
        wait(driver, lambda d: css(d, "#resource-view h1#resource-title"), "page de la nouvelle ressource")
        check("la nouvelle ressource a sa page", driver.find_element(By.ID, "resource-title").text == TITLE)

    # Synthèse de l'évaluation
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: css(d, "#synthesis") and css(d, "#comments-list .thread"), "synthèse", timeout=20)
    synthesis = css(driver, "#synthesis")
    cards = css(driver, "#synthesis li.criterion-synthesis")
    check("synthèse : la ressource est évaluée, avec une moyenne par critère",
          bool(synthesis) and synthesis[0].get_attribute("data-state") == "evaluated" and len(cards) == state.get("criteria"),
          text_of(driver, "#synthesis .synthesis-summary"))
    check("synthèse : barres et répartition des notes", bool(css(driver, "#synthesis .bar-fill")) and bool(css(driver, "#synthesis .distribution li")))
    check("synthèse : experts et pairs à part", all("Experts" in c.text and "Pairs" in c.text for c in cards) if cards else False)
    check("synthèse : points forts et citations", bool(css(driver, "#strengths-title")) and bool(css(driver, "#synthesis blockquote")))
    check("curateur : bouton « Masquer » sur les commentaires",
          any(li.find_elements(By.CSS_SELECTOR, "button[data-action=hide-comment]") for li in css(driver, "#comments li.thread-item")))
    check("fiche : toujours un seul h1", driver.execute_script(
        "return [...document.querySelectorAll('h1')].filter((h) => !h.closest('[hidden]')).length") == 1)
    driver.execute_script("document.getElementById('synthesis').scrollIntoView()")
    screenshot(driver, "contrib-synthese")


# ------------------------------------------------------------------ autres chemins : 422, modifications demandées, refus, retours, signalements

def secondary(driver):
    other = {"email": f"bruno.{STAMP}@example.be", "name": "Bruno Testeur", "password": "motdepasse-bruno-2026"}
    call("POST", "/api/v1/accounts", other)
    author = api_login(other["email"], other["password"])
    curator = api_login(CURATOR_EMAIL, CURATOR_PASSWORD)
    target = state.get("evaluated") or bt.api("/api/v1/search?size=1")["hits"][0]

    def new_submission(title):
        body = {"kind": "new_resource", "format": "json", "metadata": {
            "title": title, "description": DESCRIPTION, "keywords": ["eau"], "levels": ["P3"], "domains": ["sciences"],
            "types": ["activite"], "licence": "cc-by-sa", "url": f"https://example.org/{STAMP}/{len(title)}", "learning_time_minutes": 30}}
        created = call("POST", "/api/v1/submissions", body, author)
        call("POST", f"/api/v1/submissions/{created['id']}/transitions", {"action": "submit"}, author)
        return created["id"]

    changes_id = new_submission(f"Flotte ou coule {STAMP}")
    rejected_id = new_submission(f"Herbier de la cour {STAMP}")

    # Soumettre un brouillon incomplet : 422, la liste de vérification et le message dans la page
    use_token(driver, author)
    driver.get(BASE + "/soumettre")
    wait(driver, lambda d: css(d, "#checklist li.check"), "formulaire")
    type_into(driver, "#sub-title", f"Brouillon incomplet {STAMP}")
    click(driver, driver.find_element(By.ID, "submit-submission"))
    alert = wait(driver, lambda d: [a for a in css(d, "#submission-form .form-alert") if a.is_displayed()], "422")
    check("soumettre un brouillon incomplet : refus expliqué (422), brouillon gardé",
          bool(alert) and "contribution=" in driver.current_url and bool(css(driver, "#checklist li.check-fail")),
          alert[0].text.replace("\n", " ")[:140] if alert else "")

    # Le curateur demande des modifications (commentaire obligatoire), puis refuse l'autre contribution
    use_token(driver, curator)
    driver.get(BASE + f"/contribution/{changes_id}")
    wait(driver, lambda d: css(d, "#decision-form button[data-action=claim]"), "contribution")
    click(driver, css(driver, "#decision-form button[data-action=claim]")[0])
    button = wait(driver, lambda d: css(d, "#decision-form button[data-action=request_changes]"), "décision")
    click(driver, button[0])
    error = [e for e in css(driver, "#decision-form [data-field=comment] .field-error") if e.is_displayed()]
    check("demander des modifications sans commentaire : erreur à côté du champ",
          bool(error) and driver.switch_to.active_element.get_attribute("id") == "decision-comment", error[0].text if error else "")
    type_into(driver, "#decision-comment", "Précisez le matériel nécessaire.")
    click(driver, css(driver, "#decision-form button[data-action=request_changes]")[0])
    done = wait(driver, lambda d: css(d, "article.contribution[data-state=changes_requested]"), "modifications demandées")
    check("curateur : « Demander des modifications » → état changes_requested, commentaire visible",
          bool(done) and "Précisez le matériel" in text_of(driver, "ol.thread"))
    driver.get(BASE + f"/contribution/{rejected_id}")
    wait(driver, lambda d: css(d, "#decision-form button[data-action=claim]"), "contribution")
    click(driver, css(driver, "#decision-form button[data-action=claim]")[0])
    reasons = wait(driver, lambda d: len(css(d, "#decision-reason option")) > 1 and css(d, "#decision-reason option"), "motifs")
    check("refus : les motifs viennent de /api/v1/moderation/reasons", bool(reasons) and any("Doublon" in o.text for o in reasons),
          ", ".join(o.text for o in (reasons or [])[1:4]))
    Select(driver.find_element(By.ID, "decision-reason")).select_by_value("doublon")
    type_into(driver, "#decision-reason-text", "Une fiche semblable existe déjà.")
    click(driver, css(driver, "#decision-form button[data-action=reject]")[0])
    done = wait(driver, lambda d: css(d, "article.contribution[data-state=rejected]"), "refus")
    check("curateur : « Refuser » avec un motif → état rejected, motif affiché",
          bool(done) and "Doublon" in text_of(driver, ".decision") and "semblable" in text_of(driver, ".decision"),
          text_of(driver, ".decision").replace("\n", " "))

    # L'auteur modifie et soumet à nouveau
    use_token(driver, author)
    driver.get(BASE + f"/contribution/{changes_id}")
    wait(driver, lambda d: css(d, "#edit-contribution"), "contribution de l'auteur")
    check("auteur : le commentaire du curateur et « Soumettre à nouveau »",
          "Précisez le matériel" in text_of(driver, "ol.thread") and bool(css(driver, "#decision-form button[data-action=submit]")))
    click(driver, driver.find_element(By.ID, "edit-contribution"))
    wait(driver, lambda d: css(d, "#sub-description") and css(d, "#checklist li.check"), "formulaire prérempli")
    check("modifier : le formulaire reprend la contribution",
          driver.find_element(By.ID, "sub-title").get_attribute("value") == f"Flotte ou coule {STAMP}"
          and driver.find_element(By.ID, "submit-submission").text == "Soumettre à nouveau")
    type_into(driver, "#sub-description", " Matériel : une bassine et des objets du quotidien.", clear=False)
    wait(driver, lambda d: d.find_element(By.ID, "checklist").get_attribute("data-ready") == "true", "liste")
    click(driver, driver.find_element(By.ID, "submit-submission"))
    done = wait(driver, lambda d: css(d, "article.contribution[data-state=submitted]"), "soumise à nouveau", timeout=20)
    check("auteur : « Soumettre à nouveau » → état submitted", bool(done))

    # Retour d'expérience : formulaire depuis la page de la ressource, publication, affichage
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: css(d, "#link-feedback"), "ressource")
    click(driver, driver.find_element(By.ID, "link-feedback"))
    wait(driver, lambda d: css(d, "#fb-level") and css(d, "#checklist li.check"), "formulaire de retour")
    Select(driver.find_element(By.ID, "fb-level")).select_by_value("P4")
    type_into(driver, "#fb-context", "Classe de 22 élèves, deux périodes en novembre.")
    type_into(driver, "#fb-worked", f"Les cartes de partage ont plu ({STAMP}).")
    wait(driver, lambda d: d.find_element(By.ID, "checklist").get_attribute("data-ready") == "true", "liste du retour")
    click(driver, driver.find_element(By.ID, "submit-submission"))
    wait(driver, lambda d: css(d, "article.contribution[data-state=submitted]"), "retour soumis", timeout=20)
    feedback_id = css(driver, "article.contribution")[0].get_attribute("data-id")
    for action in ("claim", "approve", "publish"):
        call("POST", f"/api/v1/submissions/{feedback_id}/transitions", {"action": action}, curator)
    call("POST", f"/api/v1/resources/{target['id']}/comments", {"text": f"Commentaire à signaler {STAMP}"}, author)
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: css(d, "#feedback-list .feedback-item") or css(d, "#comments-list .thread"), "retours", timeout=20)
    check("retour d'expérience publié : il s'affiche sur la page de la ressource",
          any(STAMP in li.text for li in css(driver, "#feedback-list .feedback-item")), text_of(driver, "#feedback-list .feedback-item h3"))

    # Signalement par un autre compte, masquage par le curateur
    use_token(driver, curator)
    driver.get(BASE + f"/ressource/{target['id']}")
    wait(driver, lambda d: [li for li in css(d, "#comments li.thread-item") if STAMP in li.text and "signaler" in li.text], "commentaire")
    item = [li for li in css(driver, "#comments li.thread-item") if "signaler " + STAMP in li.text][0]
    click(driver, item.find_element(By.CSS_SELECTOR, "button[data-action=flag]"))
    flagged = wait(driver, lambda d: "signalé" in item.text, "signalement")
    check("« Signaler » un commentaire", bool(flagged), item.text.replace("\n", " ")[-60:])
    driver.get(BASE + "/moderation")
    listed = wait(driver, lambda d: [li for li in css(d, "#flagged-comments li") if STAMP in li.text], "commentaires signalés")
    check("modération : le commentaire signalé est listé", bool(listed), listed[0].text.replace("\n", " ")[:120] if listed else "")
    if listed:
        click(driver, listed[0].find_element(By.CSS_SELECTOR, "button[data-action=hide-comment]"))
        reason = wait(driver, lambda d: [i for i in listed[0].find_elements(By.CSS_SELECTOR, "input[name=reason]") if i.is_displayed()], "motif")
        reason[0].send_keys("Message de test", Keys.ENTER)
        hidden = wait(driver, lambda d: "masqué" in listed[0].text, "masquage")
        check("modération : « Masquer » avec un motif", bool(hidden))
        driver.get(BASE + f"/ressource/{target['id']}")
        wait(driver, lambda d: css(d, "#comments-list .thread"), "commentaires")
        check("le commentaire masqué n'est plus sur la page", not any("signaler " + STAMP in li.text for li in css(driver, "#comments li")))
    screenshot(driver, "contrib-moderation-suite")


def desktop(driver):
    account_flow(driver)
    submit_flow(driver)
    evaluation_flow(driver)
    moderation_flow(driver)


def mobile(driver):
    token = api_login(CURATOR_EMAIL, CURATOR_PASSWORD)
    driver.get(BASE + "/connexion")
    wait(driver, lambda d: css(d, "#signup-form"), "connexion")
    check("mobile /connexion : pas de défilement horizontal", overflow(driver) <= 0, f"{max(0, overflow(driver))} px")
    screenshot(driver, "mobile-connexion")
    driver.execute_script("sessionStorage.setItem('relais.token', arguments[0])", token)
    target = state.get("evaluated") or bt.api("/api/v1/search?size=1")["hits"][0]
    pages = [("soumettre", "/soumettre", "#checklist li.check"), ("grille", f"/ressource/{target['id']}/evaluer", "#evaluation-form fieldset"),
             ("moderation", "/moderation", "#queue-summary"), ("ressource", f"/ressource/{target['id']}", "#comments-list .thread")]
    if state.get("submission"):
        pages.append(("contribution", f"/contribution/{state['submission']}", "article.contribution"))
    for name, url, ready in pages:
        driver.get(BASE + url)
        loaded = wait(driver, lambda d: css(d, ready), name, timeout=20)
        check(f"mobile {url} : chargée, pas de défilement horizontal", bool(loaded) and overflow(driver) <= 0,
              f"débordement {max(0, overflow(driver))} px")
        screenshot(driver, f"mobile-{name}")


def main():
    return bt.run([("contribution bureau 1280×900", 1280, 900, desktop),
                   ("contribution : modifications, refus, retours, signalements", 1280, 900, secondary),
                   ("contribution mobile 375×812", 375, 812, mobile)], "echec-contribution")


if __name__ == "__main__":
    sys.exit(main())
