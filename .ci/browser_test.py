#!/usr/bin/env python3
"""Test de la page des enseignants dans un vrai navigateur (Chromium sans écran, Selenium).

Usage : python3 .ci/browser_test.py [URL_DE_BASE]   (par défaut http://127.0.0.1:8089)

Le serveur doit déjà tourner avec le corpus importé. Chaque vérification est affichée avec OK ou
ÉCHEC ; le code de sortie est 1 si l'une d'elles échoue. Les captures d'écran vont dans
Benchmarks/screenshots/ (non versionné).
"""

import json
import os
import re
import shutil
import sys
import time
import traceback
import urllib.parse
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8089").rstrip("/")
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "Benchmarks" / "screenshots"
TIMEOUT = 15

failures = []
passed = 0
# Adresses que le test demande exprès en erreur : leur 404 dans la console est attendu.
EXPECTED_ERRORS = ["rINEXISTANT0000000000", "q=foo%3Abar"]


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
        print(f"OK     {name}" + (f" — {detail}" if detail else ""), flush=True)
    else:
        failures.append(name)
        print(f"ÉCHEC  {name}" + (f" — {detail}" if detail else ""), flush=True)
    return condition


def api(path):
    request = urllib.request.Request(BASE + path, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def make_driver(width, height):
    options = Options()
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if os.path.exists(binary):
            options.binary_location = binary
            break
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument("--lang=fr-BE")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_window_size(width, height)
    driver.set_page_load_timeout(60)
    return driver


def wait(driver, condition, message, timeout=TIMEOUT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        return None


def idle(driver):
    """La recherche en cours est terminée (aria-busy retombé) et des résultats ou un message sont là."""
    return wait(driver, lambda d: d.execute_script(
        "const r = document.getElementById('results-region');"
        "return r && r.getAttribute('aria-busy') === 'false' &&"
        " (document.querySelector('#results > li, #empty > *') || document.querySelector('#messages .alert'));"), "fin de la recherche")


def total(driver):
    value = driver.execute_script("const s = document.getElementById('summary'); return s ? s.dataset.total : null;")
    return int(value) if value not in (None, "") else None


def params(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)


def screenshot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # Capture de toute la page : la fenêtre prend la hauteur du document (plafonnée).
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    size = driver.get_window_size()
    try:
        driver.set_window_size(size["width"], max(size["height"], height + (size["height"] - driver.execute_script("return window.innerHeight"))))
        time.sleep(0.2)
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(size["width"], size["height"])
    print(f"       capture : {path.relative_to(ROOT)} ({width} px de large)", flush=True)


def search(driver, text):
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: "q=" in d.current_url and params(d).get("q", [""])[0] == text.strip(), "URL de la recherche")
    idle(driver)


def console_errors(driver):
    try:
        logs = driver.get_log("browser")
    except WebDriverException:
        return []
    severe = []
    for entry in logs:
        if entry.get("level") != "SEVERE":
            continue
        message = entry.get("message", "")
        if any(expected in message for expected in EXPECTED_ERRORS):
            continue
        severe.append(message)
    return severe


def desktop(driver):
    driver.get(BASE + "/")
    check("page d'accueil chargée en français",
          driver.execute_script("return document.documentElement.lang") == "fr" and "Relais" in driver.title, driver.title)
    idle(driver)
    catalogue = total(driver)
    check("le catalogue s'affiche sans requête", (catalogue or 0) > 0, f"{catalogue} ressources")
    check("repères ARIA : en-tête, principal, recherche, filtres",
          all(driver.find_elements(By.CSS_SELECTOR, sel) for sel in ("header", "main", "form[role=search]", "aside#filters", "nav#pagination, nav")))
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    check("le premier Tab atteint le lien d'évitement", "skip-link" in (active.get_attribute("class") or ""), active.text)
    screenshot(driver, "desktop-accueil")

    # Recherche simple avec surlignage
    search(driver, "dyslexie lecture")
    cards = driver.find_elements(By.CSS_SELECTOR, "#results article.card")
    check("« dyslexie lecture » : des cartes de résultats", len(cards) > 0, f"{len(cards)} cartes, total {total(driver)}")
    marks = driver.find_elements(By.CSS_SELECTOR, "#results .snippet mark")
    check("extraits surlignés avec <mark>", len(marks) > 0, ", ".join(m.text for m in marks[:4]))
    first_link = driver.find_element(By.CSS_SELECTOR, "#results article.card h3 a")
    check("le titre mène à /ressource/{id}", re.search(r"/ressource/r[A-Z2-7a-z0-9]+$", first_link.get_attribute("href") or "") is not None,
          first_link.get_attribute("href"))
    live = driver.find_element(By.ID, "live").get_attribute("textContent")
    check("la zone aria-live annonce le nombre de résultats", "résultat" in live, live)
    check("badges de niveau ou de domaine sur les cartes", len(driver.find_elements(By.CSS_SELECTOR, "#results .badge")) > 0)
    screenshot(driver, "desktop-recherche")

    # Facette : cocher une valeur qui restreint, vérifier l'URL, le total, la pastille
    before = total(driver)
    boxes = driver.find_elements(By.CSS_SELECTOR, "#facets input[type=checkbox]")
    candidate = None
    for box in boxes:
        count_text = box.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, ".facet-count").get_attribute("textContent")
        digits = re.sub(r"\D", "", count_text)
        if digits and 0 < int(digits) < (before or 0) and box.is_displayed():
            candidate = (box, int(digits))
            break
    if check("une case de facette restreint la recherche", candidate is not None, f"{len(boxes)} cases"):
        box, expected = candidate
        param, term = box.get_attribute("name"), box.get_attribute("value")
        box.click()
        wait(driver, lambda d: term in params(d).get(param, []), "URL avec le filtre")
        idle(driver)
        wait(driver, lambda d: total(d) == expected, "total filtré", timeout=5)
        check("l'URL contient le filtre", term in params(driver).get(param, []), f"{param}={term}")
        check("le total change avec le filtre", total(driver) == expected and total(driver) != before, f"{before} → {total(driver)}")
        chips = driver.find_elements(By.CSS_SELECTOR, "#chips button.chip")
        check("une pastille de filtre apparaît", len(chips) == 1, chips[0].text.replace("\n", " ") if chips else "")
        checked = driver.find_elements(By.CSS_SELECTOR, f"#facets input[name='{param}']:checked")
        check("la case reste cochée après la recherche", len(checked) == 1)
        active = driver.switch_to.active_element
        check("le focus clavier reste sur la case cochée", active.get_attribute("name") == param and active.get_attribute("value") == term)
        screenshot(driver, "desktop-filtre")
        if chips:
            chips[0].click()
            wait(driver, lambda d: param not in params(d), "URL sans le filtre")
            idle(driver)
            wait(driver, lambda d: total(d) == before, "total sans filtre", timeout=5)
            check("retirer la pastille retire le filtre", param not in params(driver) and total(driver) == before,
                  f"total {total(driver)}")
            check("plus de pastille", not driver.find_elements(By.CSS_SELECTOR, "#chips button.chip"))
            driver.back()
            wait(driver, lambda d: term in params(d).get(param, []), "retour arrière")
            idle(driver)
            wait(driver, lambda d: total(d) == expected, "total après retour", timeout=5)
            check("le bouton Précédent rétablit le filtre", total(driver) == expected and
                  len(driver.find_elements(By.CSS_SELECTOR, "#chips button.chip")) == 1)
            driver.forward()
            wait(driver, lambda d: param not in params(d), "avance")
            idle(driver)

    # Faute de frappe : la page dit ce qu'elle a cherché
    search(driver, "dyslexy lectur")
    notices = [n.text for n in driver.find_elements(By.CSS_SELECTOR, "#messages .notice")]
    check("faute de frappe : la notice « Résultats pour … » s'affiche",
          any("Résultats pour" in n for n in notices), " | ".join(notices))
    check("faute de frappe : des résultats quand même", (total(driver) or 0) > 0, f"total {total(driver)}")
    screenshot(driver, "desktop-faute-de-frappe")

    # Niveau écrit dans la requête : reconnu, annoncé, case cochée
    search(driver, "fractions 5e primaire")
    notices = [n.text for n in driver.find_elements(By.CSS_SELECTOR, "#messages .notice")]
    recognized = driver.find_elements(By.CSS_SELECTOR, "#facets input[name=niveau][value=P5]:checked")
    check("« 5e primaire » dans la requête : niveau reconnu et annoncé", bool(recognized) and any("5e primaire" in n for n in notices),
          " | ".join(notices))

    # Sans accents
    search(driver, "deficience auditive")
    check("requête sans accents : « deficience auditive » trouve des ressources", (total(driver) or 0) > 0, f"total {total(driver)}")

    # Tri
    sort = driver.find_element(By.ID, "sort")
    sort.find_element(By.CSS_SELECTOR, "option[value=titre]").click()
    wait(driver, lambda d: params(d).get("sort") == ["titre"], "tri dans l'URL")
    idle(driver)
    titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")]
    check("le tri par titre est dans l'URL et ordonne les titres", params(driver).get("sort") == ["titre"] and len(titles) > 0,
          " / ".join(titles[:3]))

    # Pagination sur tout le catalogue
    driver.get(BASE + "/?size=10")
    idle(driver)
    first_page = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")]
    if (total(driver) or 0) > 10:
        nxt = driver.find_elements(By.CSS_SELECTOR, "#pagination a[rel=next]")
        if check("pagination : un lien « Suivante »", len(nxt) == 1):
            nxt[0].click()
            wait(driver, lambda d: params(d).get("page") == ["2"], "page 2")
            idle(driver)
            wait(driver, lambda d: [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")] != first_page, "nouvelle page", timeout=5)
            second_page = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")]
            current = driver.find_elements(By.CSS_SELECTOR, "#pagination [aria-current=page]")
            check("pagination : page 2 dans l'URL, autres résultats, page courante marquée",
                  params(driver).get("page") == ["2"] and second_page and second_page != first_page and current and current[0].text == "2")
            check("pagination : le focus va au titre des résultats",
                  driver.switch_to.active_element.get_attribute("id") == "results-title")
            screenshot(driver, "desktop-page-2")
            driver.back()
            wait(driver, lambda d: "page" not in params(d), "retour page 1")
            idle(driver)
            back_page = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")]
            check("pagination : Précédent ramène la page 1", back_page == first_page)
    else:
        check("pagination : assez de ressources pour paginer", False, f"total {total(driver)}")

    # Permalien d'une recherche filtrée
    driver.get(BASE + "/?q=lecture&besoin=dyslexie&size=20")
    idle(driver)
    chips = driver.find_elements(By.CSS_SELECTOR, "#chips button.chip")
    check("permalien : la recherche filtrée se recharge (champ, pastille, taille)",
          driver.find_element(By.ID, "q").get_attribute("value") == "lecture" and len(chips) == 1
          and driver.find_element(By.ID, "size").get_attribute("value") == "20", chips[0].text.replace("\n", " ") if chips else "")

    # Séquence d'archives : une recherche qui tombe dans un segment, puis la page de la ressource
    archive = api("/api/v1/search?source=sonuma&size=50")
    hit_with_segments = None
    for hit in archive.get("hits", []):
        detail = api(f"/api/v1/resources/{hit['id']}")
        if detail.get("segments"):
            hit_with_segments = detail
            break
    if check("le corpus contient une séquence d'archives minutée", hit_with_segments is not None):
        resource = hit_with_segments
        # Un mot propre à une séquence qui ne commence pas à 0 (absent des autres séquences et des
        # descriptions), pour que la carte montre ce passage-là et son minutage.
        def words_of(text):
            return set(w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]{6,}", text or ""))
        segment, word = resource["segments"][0], None
        for candidate in [s for s in resource["segments"] if (s.get("start") or 0) > 0]:
            others = words_of(" ".join(d["text"] for d in resource.get("descriptions", []) + resource.get("keywords", [])) + " " + resource["title"])
            for other in resource["segments"]:
                if other is not candidate:
                    others |= words_of(" ".join(filter(None, [other.get("title"), other.get("description"), other.get("transcript")])))
            own = sorted(words_of(" ".join(filter(None, [candidate.get("title"), candidate.get("transcript")]))) - others, key=len, reverse=True)
            if own:
                segment, word = candidate, own[0]
                break
        driver.get(BASE + "/?source=sonuma&q=" + urllib.parse.quote(word or segment.get("title") or ""))
        idle(driver)
        card = driver.find_elements(By.XPATH, f"//article[contains(@class,'card')][.//a[@href='/ressource/{resource['id']}']]")
        codes = card[0].find_elements(By.CSS_SELECTOR, ".segment-match .timecode") if card else []
        check("archives : la carte montre le minutage du passage",
              len(codes) == 1 and codes[0].text == segment.get("timecode"),
              f"« {word} » : " + (codes[0].text if codes else "aucun minutage") + f" (attendu {segment.get('timecode')})")
        screenshot(driver, "desktop-archives")
        if codes:
            codes[0].click()
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view li.segment.highlighted"), "séquence visée")
            target = driver.find_elements(By.CSS_SELECTOR, "#resource-view li.segment.highlighted")
            check("archives : le minutage mène à la séquence sur la page de la ressource",
                  bool(target) and target[0].get_attribute("id") == f"sequence-{segment['index']}"
                  and target[0].find_element(By.CSS_SELECTOR, "details").get_attribute("open") is not None,
                  driver.current_url.rsplit("/", 1)[-1])
        # Ouvrir la ressource depuis les résultats de la source
        driver.get(BASE + "/?source=sonuma")
        idle(driver)
        chip = driver.find_elements(By.CSS_SELECTOR, "#chips button.chip")
        check("la pastille de source porte un libellé lisible", bool(chip) and "SONUMA" in chip[0].text,
              chip[0].text.replace("\n", " ") if chip else "")
        link = driver.find_element(By.CSS_SELECTOR, f"#results a[href='/ressource/{resource['id']}']") \
            if driver.find_elements(By.CSS_SELECTOR, f"#results a[href='/ressource/{resource['id']}']") else None
        if link:
            link.click()
        else:
            driver.get(BASE + f"/ressource/{resource['id']}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view h1#resource-title"), "page ressource")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view .metadata"), "métadonnées")
        h1 = driver.find_element(By.CSS_SELECTOR, "#resource-view h1").text
        check("ressource : le titre s'affiche", h1 == resource["title"], h1)
        check("ressource : l'URL est /ressource/{id}", driver.current_url.endswith(f"/ressource/{resource['id']}"))
        dts = [dt.text for dt in driver.find_elements(By.CSS_SELECTOR, "#resource-view dl.metadata dt") if dt.text]
        check("ressource : les métadonnées (niveaux, licence…)", "Licence" in dts and len(dts) >= 4, ", ".join(dts))
        segments = driver.find_elements(By.CSS_SELECTOR, "#resource-view li.segment")
        check("ressource : les séquences minutées", len(segments) == len(resource["segments"]),
              f"{len(segments)} séquences, 1re : " + (segments[0].find_element(By.CSS_SELECTOR, ".timecode").text if segments else ""))
        with_transcript = [s for s in resource["segments"] if s.get("transcript")]
        check("ressource : les transcriptions sont proposées",
              len(driver.find_elements(By.CSS_SELECTOR, "#resource-view li.segment details")) == len(with_transcript),
              f"{len(with_transcript)} transcriptions")
        lom = driver.find_elements(By.CSS_SELECTOR, f"#resource-view a[href='/api/v1/resources/{resource['id']}/lom']")
        check("ressource : lien vers la notice LOM", len(lom) == 1)
        permalink = driver.find_element(By.ID, "permalink").get_attribute("value")
        check("ressource : permalien", permalink.endswith(f"/ressource/{resource['id']}"), permalink)
        check("ressource : le focus est sur le titre", driver.switch_to.active_element.get_attribute("id") == "resource-title")
        screenshot(driver, "desktop-ressource-archives")
        back = driver.find_element(By.CSS_SELECTOR, "#resource-view a.back")
        back.click()
        wait(driver, lambda d: d.find_element(By.ID, "search-view").is_displayed(), "retour aux résultats")
        idle(driver)
        check("« Retour aux résultats » revient à la recherche", params(driver).get("source") == ["sonuma"] and
              len(driver.find_elements(By.CSS_SELECTOR, "#results article.card")) > 0)

    # Fiche d'aménagements : corps rendu
    sheets = api("/api/v1/search?source=amenagements&size=100").get("hits", [])
    if check("le corpus contient des fiches d'aménagements", len(sheets) > 0):
        normal = next((h for h in sheets if not h["title"].lower().startswith("fiche de test")), sheets[0])
        driver.get(BASE + f"/ressource/{normal['id']}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body"), "corps de la fiche")
        body = driver.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body")
        headings = driver.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body h2, #resource-view .fiche-body h3")
        items = driver.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body li")
        check("fiche : le corps Markdown est rendu (titres, listes)", bool(body and headings and items),
              f"« {normal['title']} » : {len(headings)} titres, {len(items)} puces")
        check("fiche : un seul h1 sur la page", driver.execute_script(
            "return [...document.querySelectorAll('h1')].filter((h) => !h.closest('[hidden]')).length") == 1)
        check("fiche : les besoins spécifiques sont listés",
              "Besoins spécifiques" in [dt.text for dt in driver.find_elements(By.CSS_SELECTOR, "#resource-view dl.metadata dt")])
        screenshot(driver, "desktop-fiche")
        # La fiche de contrôle contient du HTML brut et un lien javascript: : rien ne doit survivre.
        hostile = next((h for h in sheets if "javascript" in (h.get("description") or "").lower()), None)
        if hostile:
            driver.get(BASE + f"/ressource/{hostile['id']}")
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body"), "fiche de contrôle")
            unsafe = driver.execute_script("""
                const body = document.querySelector('#resource-view .fiche-body');
                const bad = [];
                for (const el of body.querySelectorAll('*')) {
                  if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE'].includes(el.tagName)) bad.push(el.tagName);
                  for (const a of el.attributes) if (/^on/i.test(a.name) || a.name === 'style') bad.push(el.tagName + '@' + a.name);
                }
                for (const a of body.querySelectorAll('a')) {
                  const href = a.getAttribute('href') || '';
                  if (!/^(https?:|mailto:|\/|#)/.test(href) || href === window.location.origin + '/') bad.push('a[href=' + href + ']');
                }
                return bad;""")
            safe_links = driver.find_elements(By.CSS_SELECTOR, "#resource-view .fiche-body a[href^='https://']")
            check("fiche de contrôle : HTML brut et lien javascript: neutralisés, lien légitime actif",
                  not unsafe and len(safe_links) >= 1, ", ".join(unsafe) or f"{len(safe_links)} lien(s) https")

    # Ressource inconnue : message d'erreur en français
    driver.get(BASE + "/ressource/rINEXISTANT0000000000")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view .alert"), "erreur 404")
    alert = driver.find_elements(By.CSS_SELECTOR, "#resource-view .alert")
    check("ressource inconnue : message « introuvable » en français", alert and "introuvable" in alert[0].text.lower(),
          alert[0].text.replace("\n", " ")[:120] if alert else "")

    # Aucun résultat : des conseils
    driver.get(BASE + "/?q=" + urllib.parse.quote("zzqxw kkvvj"))
    idle(driver)
    empty = driver.find_elements(By.CSS_SELECTOR, "#empty .empty")
    check("aucun résultat : des conseils s'affichent", empty and "pistes" in empty[0].text, empty[0].text.split("\n")[0] if empty else "")

    # Requête refusée par l'API : le « detail » du problème est montré en français
    driver.get(BASE + "/?q=" + urllib.parse.quote("foo:bar"))
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#messages .alert"), "erreur de requête")
    alert = driver.find_elements(By.CSS_SELECTOR, "#messages .alert")
    check("requête invalide : le détail de l'erreur s'affiche", bool(alert) and "foo" in alert[0].text and "titre:" in alert[0].text,
          alert[0].text.replace("\n", " ")[:140] if alert else "")
    screenshot(driver, "desktop-erreur")

    # Autocomplétion
    driver.get(BASE + "/")
    idle(driver)
    box = driver.find_element(By.ID, "q")
    prefix = None
    for candidate in ("lect", "dysl", "frac", "arch"):
        if api("/api/v1/suggest?q=" + candidate).get("suggestions"):
            prefix = candidate
            break
    if check("l'API propose des suggestions pour un préfixe", prefix is not None, prefix or ""):
        box.click()
        box.send_keys(prefix)
        options = wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "#suggestions [role=option]") if o.is_displayed()], "suggestions")
        check("autocomplétion : la liste s'ouvre", bool(options) and box.get_attribute("aria-expanded") == "true",
              ", ".join(o.text for o in (options or [])[:5]))
        screenshot(driver, "desktop-autocompletion")
        if options:
            box.send_keys(Keys.ARROW_DOWN)
            active = box.get_attribute("aria-activedescendant")
            selected = driver.find_elements(By.CSS_SELECTOR, "#suggestions [aria-selected=true]")
            check("autocomplétion : flèche bas active une option (aria-activedescendant)",
                  bool(active) and selected and selected[0].get_attribute("id") == active, active or "")
            chosen = selected[0].text if selected else ""
            box.send_keys(Keys.ENTER)
            wait(driver, lambda d: "q=" in d.current_url, "recherche de la suggestion")
            idle(driver)
            check("autocomplétion : Entrée lance la recherche de la suggestion",
                  chosen and chosen.lower() in params(driver).get("q", [""])[0].lower(), params(driver).get("q", [""])[0])
            box = driver.find_element(By.ID, "q")
            box.send_keys(Keys.END, " ", Keys.BACKSPACE)
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#suggestions [role=option]"), "réouverture", timeout=5)
            box.send_keys(Keys.ESCAPE)
            check("autocomplétion : Échap ferme la liste", box.get_attribute("aria-expanded") == "false" and
                  not driver.find_element(By.ID, "suggestions").is_displayed())


def mobile(driver):
    driver.get(BASE + "/?q=lecture")
    idle(driver)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check("mobile 375 px : pas de défilement horizontal", overflow <= 0, f"débordement {max(0, overflow)} px")
    filters = driver.find_element(By.ID, "filters")
    toggle = driver.find_element(By.ID, "filters-toggle")
    check("mobile : les filtres sont repliés derrière le bouton « Filtres »",
          toggle.is_displayed() and not filters.is_displayed() and toggle.get_attribute("aria-expanded") == "false")
    check("mobile : des cartes de résultats", len(driver.find_elements(By.CSS_SELECTOR, "#results article.card")) > 0)
    screenshot(driver, "mobile-recherche")
    toggle.click()
    wait(driver, lambda d: d.find_element(By.ID, "filters").is_displayed(), "filtres ouverts")
    check("mobile : le bouton ouvre les filtres", filters.is_displayed() and toggle.get_attribute("aria-expanded") == "true")
    screenshot(driver, "mobile-filtres")
    before = total(driver)
    boxes = [b for b in driver.find_elements(By.CSS_SELECTOR, "#facets input[type=checkbox]") if b.is_displayed()]
    if boxes:
        boxes[0].click()
        wait(driver, lambda d: len(params(d)) > 1, "filtre mobile")
        idle(driver)
        check("mobile : une case de facette filtre (pastille affichée)",
              len(driver.find_elements(By.CSS_SELECTOR, "#chips button.chip")) == 1, f"{before} → {total(driver)}")
    cards = driver.find_elements(By.CSS_SELECTOR, "#results article.card h3 a")
    if cards:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cards[0])
        cards[0].click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#resource-view .metadata"), "ressource mobile")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        check("mobile : la page d'une ressource tient dans la largeur", overflow <= 0, f"débordement {max(0, overflow)} px")
        screenshot(driver, "mobile-ressource")


def run(scenarios, failure_prefix):
    """Runs each (label, width, height, scenario) in a browser of that size, then prints the tally;
    the exit code. Shared with browser_contrib_test.py."""
    try:
        ready = urllib.request.urlopen(BASE + "/readyz", timeout=10).status == 200
    except Exception as error:  # noqa: BLE001
        ready = False
        print(f"       /readyz : {error}")
    if not check("le serveur est prêt (/readyz)", ready, BASE):
        return 1
    for label, width, height, scenario in scenarios:
        print(f"--- {label}", flush=True)
        driver = None
        try:
            driver = make_driver(width, height)
            scenario(driver)
            errors = console_errors(driver)
            check(f"{label} : aucune erreur grave dans la console", not errors, " | ".join(errors)[:600])
        except Exception as error:  # noqa: BLE001
            check(f"{label} : le scénario va jusqu'au bout", False, f"{type(error).__name__}: {error}".splitlines()[0])
            traceback.print_exc()
            if driver:
                try:
                    screenshot(driver, f"{failure_prefix}-{width}")
                except Exception:  # noqa: BLE001
                    pass
        finally:
            if driver:
                driver.quit()
    print(f"--- {passed} vérifications réussies, {len(failures)} en échec", flush=True)
    for name in failures:
        print(f"ÉCHEC  {name}")
    return 1 if failures else 0


def main():
    return run([("bureau 1280×900", 1280, 900, desktop), ("mobile 375×812", 375, 812, mobile)], "echec")


if __name__ == "__main__":
    sys.exit(main())
