// Relais — page de recherche des enseignants.
// JavaScript simple, sans cadriciel ni étape de compilation. La page respecte la politique
// de sécurité du serveur (default-src 'self') : aucun script en ligne, aucun style en ligne, et
// le texte venu de l'API est toujours inséré avec textContent. Les deux seuls fragments HTML
// insérés (snippet.html, déjà échappé par le serveur, et body_html des fiches, rendu par libcmark
// en mode sûr) passent par un élément <template> puis par un nettoyage par liste blanche.
'use strict';

(function () {
  // ------------------------------------------------------------------ constantes

  /** Dimensions de facettes, dans l'ordre d'affichage : clé de la réponse -> paramètre d'URL. */
  const DIMENSIONS = [
    { key: 'niveaux', param: 'niveau', label: 'Niveau' },
    { key: 'domaines', param: 'domaine', label: 'Domaine' },
    { key: 'types', param: 'type', label: 'Type de ressource' },
    { key: 'besoins', param: 'besoin', label: 'Besoin spécifique' },
    { key: 'licences', param: 'licence', label: 'Licence' },
    { key: 'sources', param: 'source', label: 'Source' },
    { key: 'langues', param: 'langue', label: 'Langue' },
    { key: 'roles', param: 'role', label: 'Public visé' },
  ];
  const PARAM_TO_DIMENSION = Object.fromEntries(DIMENSIONS.map((d) => [d.param, d]));
  const SORTS = ['pertinence', 'recent', 'titre'];
  const SIZES = [10, 20];
  const DEFAULT_SIZE = 10;
  const MAX_DEPTH = 10000; // le moteur ne va pas au-delà de 10 000 résultats
  const FACET_VISIBLE = 8; // valeurs affichées avant « Afficher tout »
  const SUGGEST_DELAY = 180; // ms

  const ROLE_LABELS = {
    author: 'Auteur', auteur: 'Auteur', publisher: 'Éditeur', editeur: 'Éditeur', editor: 'Éditeur',
    initiator: 'Initiateur', terminator: 'Terminateur', validator: 'Validateur', unknown: 'Contributeur',
    'graphical designer': 'Graphiste', 'technical implementer': 'Réalisation technique',
    'content provider': 'Fournisseur de contenu', 'technical validator': 'Validation technique',
    'educational validator': 'Validation pédagogique', 'script writer': 'Scénariste',
    'instructional designer': 'Concepteur pédagogique', 'subject matter expert': 'Expert du domaine',
    producer: 'Producteur', director: 'Réalisateur', presenter: 'Présentateur', journalist: 'Journaliste',
    contributor: 'Contributeur', creator: 'Créateur', rightsholder: 'Titulaire des droits',
    'rights holder': 'Titulaire des droits', distributor: 'Diffuseur', broadcaster: 'Diffuseur',
  };
  const LANGUAGE_LABELS = {
    fr: 'français', nl: 'néerlandais', de: 'allemand', en: 'anglais', wa: 'wallon', la: 'latin',
    es: 'espagnol', it: 'italien',
  };
  /** Libellés des sources quand l'API n'en donne pas (les facettes « sources » renvoient le terme brut). */
  const SOURCE_LABELS = {
    consortiums: 'CONSORTIUMS (universités)', sonuma: 'SONUMA (archives RTBF)', amenagements: 'Aménagements raisonnables',
  };
  const FORMAT_LABELS = {
    lom: 'LOM (IEEE)', ebucore: 'EBUCore', markdown: 'Fiche Markdown', 'oai-dc': 'Dublin Core (OAI-PMH)',
    'ims-md': 'IMS Metadata',
  };
  const RELATION_LABELS = {
    ispartof: 'Fait partie de', haspart: 'Contient', isversionof: 'Est une version de', hasversion: 'A pour version',
    isformatof: 'Est un format de', hasformat: 'A pour format', references: 'Fait référence à',
    isreferencedby: 'Est citée par', isbasedon: 'Est fondée sur', isbasisfor: 'Sert de base à', requires: 'Nécessite',
    isrequiredby: 'Est nécessaire à',
  };

  // ------------------------------------------------------------------ utilitaires DOM

  const $ = (id) => document.getElementById(id);

  /** Crée un élément : h('a', {href: '/', class: 'x'}, 'texte', autreNœud). Le texte passe par textContent. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (name === 'class') el.className = value;
        else if (name === 'dataset') Object.assign(el.dataset, value);
        else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
        else el.setAttribute(name, value === true ? '' : String(value));
      }
    }
    append(el, children);
    return el;
  }

  function append(parent, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(parent, child);
      else if (child instanceof Node) parent.appendChild(child);
      else parent.appendChild(document.createTextNode(String(child)));
    }
    return parent;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  const SAFE_TAGS = new Set([
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'em', 'strong', 'b', 'i', 'code', 'pre',
    'blockquote', 'a', 'mark', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del', 's', 'sup', 'sub', 'span',
    'dl', 'dt', 'dd', 'abbr', 'small',
  ]);
  const DROP_TAGS = new Set([
    'script', 'style', 'iframe', 'object', 'embed', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea',
    'select', 'svg', 'math', 'template', 'frame', 'frameset', 'noscript', 'img', 'video', 'audio', 'source', 'picture',
  ]);
  const SAFE_ATTRIBUTES = { a: ['href', 'title'], ol: ['start'], th: ['align', 'scope'], td: ['align'], abbr: ['title'] };

  function safeURL(value) {
    if (typeof value !== 'string') return null;
    const trimmed = value.trim();
    if (!trimmed) return null;
    if (trimmed.startsWith('#') || (trimmed.startsWith('/') && !trimmed.startsWith('//'))) return trimmed;
    try {
      const url = new URL(trimmed, window.location.origin);
      if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:') return url.href;
    } catch (e) { /* adresse invalide */ }
    return null;
  }

  /**
   * Analyse un fragment HTML dans un <template> (rien ne s'exécute) et n'en garde que les balises
   * et attributs de la liste blanche : <script>, attributs on*, style, liens javascript: disparaissent.
   * headingShift décale les titres (h1 -> h2) pour garder un seul h1 par page.
   */
  function sanitizedFragment(html, headingShift) {
    const template = document.createElement('template');
    template.innerHTML = String(html || '');
    const shift = headingShift || 0;
    const walk = (node) => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) continue;
        if (child.nodeType !== Node.ELEMENT_NODE) { child.remove(); continue; }
        const tag = child.localName;
        if (DROP_TAGS.has(tag)) {
          if (tag === 'img' && child.getAttribute('alt')) child.replaceWith(document.createTextNode(child.getAttribute('alt')));
          else child.remove();
          continue;
        }
        walk(child);
        if (!SAFE_TAGS.has(tag)) { child.replaceWith(...Array.from(child.childNodes)); continue; }
        let element = child;
        const headingLevel = /^h([1-6])$/.exec(tag);
        if (headingLevel && shift) {
          element = document.createElement('h' + Math.min(6, Number(headingLevel[1]) + shift));
          element.append(...Array.from(child.childNodes));
          child.replaceWith(element);
        }
        const allowed = SAFE_ATTRIBUTES[tag] || [];
        const attributes = Array.from(child.attributes);
        for (const attribute of attributes) if (element === child) child.removeAttribute(attribute.name);
        for (const attribute of attributes) {
          const name = attribute.name.toLowerCase();
          if (!allowed.includes(name)) continue;
          if (name === 'href') {
            const url = safeURL(attribute.value);
            if (url) element.setAttribute('href', url);
          } else {
            element.setAttribute(name, attribute.value);
          }
        }
        if (tag === 'a') {
          const href = element.getAttribute('href');
          // Un lien neutralisé (javascript:, adresse vide) n'est plus un lien : il reste du texte.
          if (!href) { element.replaceWith(...Array.from(element.childNodes)); continue; }
          if (/^https?:/.test(href)) element.setAttribute('rel', 'noopener noreferrer');
        }
      }
    };
    walk(template.content);
    return document.importNode(template.content, true);
  }

  function capitalize(text) {
    const value = String(text || '').trim();
    return value ? value.charAt(0).toUpperCase() + value.slice(1) : value;
  }

  const numberFormat = new Intl.NumberFormat('fr-BE');
  const fmt = (n) => numberFormat.format(n);

  function plural(n, singular, pluralForm) {
    return fmt(n) + ' ' + (n > 1 ? pluralForm : singular);
  }

  function formatTimecode(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0) return null;
    const total = Math.floor(seconds);
    const pad = (n) => String(n).padStart(2, '0');
    return pad(Math.floor(total / 3600)) + ':' + pad(Math.floor(total / 60) % 60) + ':' + pad(total % 60);
  }

  /** Durée lisible : « 45 s », « 4 min 05 s », « 1 h 02 min ». */
  function formatDuration(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds) || seconds <= 0) return null;
    const total = Math.round(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor(total / 60) % 60;
    const secs = total % 60;
    if (hours) return hours + ' h ' + String(minutes).padStart(2, '0') + ' min';
    if (minutes) return minutes + ' min' + (secs ? ' ' + String(secs).padStart(2, '0') + ' s' : '');
    return secs + ' s';
  }

  function formatDate(value) {
    if (!value) return null;
    const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
    if (!match) return value;
    const [, y, m, d] = match;
    try {
      if (d) return new Date(Date.UTC(+y, +m - 1, +d)).toLocaleDateString('fr-BE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      if (m) return new Date(Date.UTC(+y, +m - 1, 1)).toLocaleDateString('fr-BE', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    } catch (e) { /* date hors limites */ }
    return y;
  }

  /** Le libellé court d'une licence Creative Commons : « CC BY-SA » plutôt que le libellé complet. */
  function shortLicence(label) {
    const text = String(label || '');
    return /^CC/.test(text) ? text.split(' – ')[0] : text;
  }

  function languageLabel(code) {
    return LANGUAGE_LABELS[String(code || '').toLowerCase()] || code;
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(message, status, title) {
      super(message);
      this.status = status;
      this.title = title;
    }
  }

  function defaultMessage(status) {
    if (status === 404) return 'La ressource demandée est introuvable.';
    if (status === 429) return 'Trop de requêtes en peu de temps. Patientez quelques secondes puis réessayez.';
    if (status === 503) return 'Le catalogue est en cours de préparation. Réessayez dans quelques instants.';
    if (status >= 500) return 'Le serveur a rencontré une erreur. Réessayez plus tard.';
    return 'La demande n\'a pas pu aboutir (erreur ' + status + ').';
  }

  async function api(path, signal) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' }, signal, credentials: 'same-origin' });
    } catch (error) {
      if (error && error.name === 'AbortError') throw error;
      throw new ApiError('Le serveur de Relais ne répond pas. Vérifiez votre connexion puis réessayez.', 0, 'Serveur injoignable');
    }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch (e) { /* pas de corps JSON */ }
      const detail = problem && typeof problem.detail === 'string' && problem.detail ? capitalize(problem.detail) : defaultMessage(response.status);
      const title = problem && typeof problem.title === 'string' ? problem.title : null;
      throw new ApiError(detail, response.status, title);
    }
    try {
      return await response.json();
    } catch (e) {
      throw new ApiError('La réponse du serveur est illisible.', response.status, 'Réponse invalide');
    }
  }

  // ------------------------------------------------------------------ état et URL

  /** L'état de la recherche, lu depuis l'URL et écrit dans l'URL (permaliens, précédent/suivant). */
  function stateFromURL(search) {
    const params = new URLSearchParams(search);
    const state = { q: (params.get('q') || '').trim(), filters: {}, page: 1, size: DEFAULT_SIZE, sort: 'pertinence', extra: [] };
    for (const d of DIMENSIONS) {
      const values = [];
      for (const raw of params.getAll(d.param)) {
        for (const v of raw.split(',')) { const t = v.trim(); if (t && !values.includes(t)) values.push(t); }
      }
      if (values.length) state.filters[d.param] = values;
    }
    const page = parseInt(params.get('page') || '1', 10);
    state.page = Number.isFinite(page) && page >= 1 ? page : 1;
    const size = parseInt(params.get('size') || String(DEFAULT_SIZE), 10);
    state.size = SIZES.includes(size) ? size : (Number.isFinite(size) && size >= 1 && size <= 100 ? size : DEFAULT_SIZE);
    const sort = params.get('sort');
    state.sort = SORTS.includes(sort) ? sort : 'pertinence';
    for (const name of ['duree_min', 'duree_max']) {
      const value = params.get(name);
      if (value !== null && value !== '') state.extra.push([name, value]);
    }
    return state;
  }

  function stateToParams(state, forAPI) {
    const params = new URLSearchParams();
    if (state.q) params.set('q', state.q);
    for (const d of DIMENSIONS) for (const v of state.filters[d.param] || []) params.append(d.param, v);
    for (const [name, value] of state.extra) params.append(name, value);
    if (state.page > 1) params.set('page', String(state.page));
    if (forAPI || state.size !== DEFAULT_SIZE) params.set('size', String(state.size));
    if (forAPI || state.sort !== 'pertinence') params.set('sort', state.sort);
    return params;
  }

  function searchURL(state) {
    const query = stateToParams(state, false).toString();
    return '/' + (query ? '?' + query : '');
  }

  function cloneState(state) {
    const filters = {};
    for (const [k, v] of Object.entries(state.filters)) filters[k] = v.slice();
    return { q: state.q, filters, page: state.page, size: state.size, sort: state.sort, extra: state.extra.map((e) => e.slice()) };
  }

  function filterCount(state) {
    return Object.values(state.filters).reduce((n, v) => n + v.length, 0) + state.extra.length;
  }

  // ------------------------------------------------------------------ navigation

  const app = {
    state: stateFromURL(''),
    lastSearchURL: null, // pour « Retour aux résultats »
    labels: {}, // "param\u0000term" -> libellé, appris des facettes
    searchController: null,
    resourceController: null,
    requestSerial: 0,
    lastResponse: null,
    focusAfterRender: null,
    expandedFacets: new Set(),
    filtersOpen: false,
    pageSerial: 0, // chaque page de contribution affichée a son numéro : les réponses tardives d'une autre sont ignorées
    checklistTimer: 0,
    checklistController: null,
    flash: null, // message à montrer sur la page suivante
    prefetched: null, // contribution déjà reçue (réponse d'une transition), pour ne pas la redemander
    accountCheck: null, // GET /api/v1/me du chargement de la page, que les pages protégées attendent
  };

  function navigate(url, options) {
    const opts = options || {};
    if (opts.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    route(opts);
  }

  function route(options) {
    const opts = options || {};
    const path = window.location.pathname;
    const match = /^\/ressource\/([^/]+)\/?$/.exec(path);
    const evaluate = /^\/ressource\/([^/]+)\/evaluer\/?$/.exec(path);
    const contribution = /^\/contribution\/([^/]+)\/?$/.exec(path);
    if (match) {
      showResource(decodeURIComponent(match[1]), opts);
    } else if (evaluate) {
      showEvaluate(decodeURIComponent(evaluate[1]), opts);
    } else if (/^\/connexion\/?$/.test(path)) {
      showLogin(opts);
    } else if (/^\/soumettre\/?$/.test(path)) {
      showSubmit(opts);
    } else if (/^\/mes-contributions\/?$/.test(path)) {
      showMine(opts);
    } else if (contribution) {
      showContribution(decodeURIComponent(contribution[1]), opts);
    } else if (/^\/moderation\/?$/.test(path)) {
      showModeration(opts);
    } else {
      app.state = stateFromURL(window.location.search);
      showSearch(opts);
    }
  }

  /** Les liens internes marqués data-nav (ou les liens /ressource/ et /?…) restent dans la page. */
  function onDocumentClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest('a');
    if (!link || link.target || link.hasAttribute('download')) return;
    const href = link.getAttribute('href');
    if (!href || !(link.hasAttribute('data-nav'))) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    const focus = link.getAttribute('data-focus');
    navigate(url.pathname + url.search + url.hash, { focus: focus || 'auto' });
  }

  // ------------------------------------------------------------------ vue « recherche »

  function showSearch(opts) {
    leaveAppView();
    renderAccountNav();
    $('skip-results').hidden = false;
    $('resource-view').hidden = true;
    clear($('resource-view'));
    $('search-view').hidden = false;
    const input = $('q');
    if (document.activeElement !== input || opts.syncInput) input.value = app.state.q;
    else if (input.value.trim() !== app.state.q) input.value = app.state.q;
    $('sort').value = app.state.sort;
    if (!SIZES.includes(app.state.size)) {
      const option = h('option', { value: String(app.state.size) }, String(app.state.size));
      $('size').appendChild(option);
    }
    $('size').value = String(app.state.size);
    app.lastSearchURL = window.location.pathname + window.location.search;
    runSearch(opts);
  }

  async function runSearch(opts) {
    const state = app.state;
    if (app.searchController) app.searchController.abort();
    const controller = new AbortController();
    app.searchController = controller;
    const serial = ++app.requestSerial;
    const region = $('results-region');
    region.setAttribute('aria-busy', 'true');
    const loadingTimer = window.setTimeout(() => { if (serial === app.requestSerial) $('loading').hidden = false; }, 150);
    document.title = (state.q ? '« ' + state.q + ' » — ' : '') + 'Recherche — Relais';
    try {
      const data = await api('/api/v1/search?' + stateToParams(state, true).toString(), controller.signal);
      if (serial !== app.requestSerial) return;
      app.lastResponse = data;
      renderSearch(data, state, opts);
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (serial !== app.requestSerial) return;
      renderSearchError(error, state);
    } finally {
      window.clearTimeout(loadingTimer);
      if (serial === app.requestSerial) {
        $('loading').hidden = true;
        region.setAttribute('aria-busy', 'false');
      }
    }
  }

  function labelFor(param, term) {
    return app.labels[param + '\u0000' + term] || valueLabel(param, term, null);
  }

  /** Le libellé d'une valeur de facette : celui de l'API, sauf s'il répète le terme brut. */
  function valueLabel(param, term, apiLabel) {
    if (apiLabel && apiLabel !== term) return apiLabel;
    if (param === 'source') return app.labels['source\u0000' + term] || SOURCE_LABELS[term] || apiLabel || term;
    if (param === 'langue') return capitalize(LANGUAGE_LABELS[String(term).toLowerCase()] || apiLabel || term);
    return apiLabel || term;
  }

  function renderSearch(data, state, opts) {
    // Libellés des valeurs de facettes, pour les pastilles des filtres actifs.
    const facets = data.facets || {};
    for (const hit of Array.isArray(data.hits) ? data.hits : []) {
      if (hit.source && hit.source_label && hit.source_label !== hit.source) app.labels['source\u0000' + hit.source] = hit.source_label;
    }
    for (const d of DIMENSIONS) {
      const facet = facets[d.key];
      if (!facet || !Array.isArray(facet.values)) continue;
      for (const value of facet.values) {
        value.label = valueLabel(d.param, value.term, value.label);
        app.labels[d.param + '\u0000' + value.term] = value.label;
      }
    }
    renderFacets(facets, state);
    renderChips(state);
    renderMessages(data, state);
    renderSummary(data, state);
    renderResults(data, state);
    renderPagination(data, state);
    announce(data, state);
    $('toolbar').hidden = !(data.total > 0);
    restoreFocus(opts);
  }

  function renderSearchError(error, state) {
    clear($('results'));
    clear($('empty'));
    clear($('messages'));
    renderChips(state);
    clear($('facets')).appendChild(h('p', { class: 'facet-empty' }, 'Filtres indisponibles tant que la recherche n\'aboutit pas.'));
    $('pagination').hidden = true;
    $('summary').textContent = '';
    $('summary').dataset.total = '';
    const retry = h('button', { type: 'button', class: 'button', onclick: () => runSearch({}) }, 'Réessayer');
    $('messages').appendChild(h('div', { class: 'alert', role: 'alert' },
      h('strong', null, error.status === 503 ? 'Le catalogue est en cours de préparation' : 'La recherche n\'a pas abouti'),
      h('p', null, error.message || 'Erreur inconnue.'),
      error.status === 400 && filterCount(state) + (state.q ? 1 : 0) > 0
        ? h('p', null, h('a', { href: '/', 'data-nav': true }, 'Recommencer une nouvelle recherche'))
        : retry));
    $('toolbar').hidden = true;
    $('live').textContent = 'Erreur : ' + (error.message || 'la recherche n\'a pas abouti.');
    // Catalogue en préparation (import au démarrage) : nouvel essai automatique.
    if (error.status === 503) {
      const serial = app.requestSerial;
      window.setTimeout(() => { if (serial === app.requestSerial && !$('search-view').hidden) runSearch({ focus: 'keep' }); }, 3000);
    }
  }

  function renderFacets(facets, state) {
    const container = $('facets');
    const previousFocus = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset : null;
    const focusKey = previousFocus && previousFocus.facetParam ? [previousFocus.facetParam, previousFocus.facetTerm] : null;
    clear(container);
    let shown = 0;
    for (const d of DIMENSIONS) {
      const facet = facets[d.key];
      const values = (facet && Array.isArray(facet.values) ? facet.values : []).slice();
      const selected = state.filters[d.param] || [];
      // Une valeur choisie absente de la réponse reste affichée (et décochable).
      for (const term of selected) {
        if (!values.some((v) => v.term === term)) values.push({ term, label: labelFor(d.param, term), count: 0, selected: true });
      }
      if (!values.length) continue;
      shown++;
      const legendId = 'facet-' + d.key;
      const expanded = app.expandedFacets.has(d.key);
      const list = h('ul');
      values.forEach((value, index) => {
        const isSelected = selected.includes(value.term) || value.selected === true;
        const id = 'f-' + d.param + '-' + index;
        const hiddenByDefault = !expanded && index >= FACET_VISIBLE && !isSelected;
        const checkbox = h('input', {
          type: 'checkbox', id, name: d.param, value: value.term,
          dataset: { facetParam: d.param, facetTerm: value.term },
        });
        checkbox.checked = isSelected;
        // Un niveau reconnu dans le texte de la requête (« 5e primaire ») filtre déjà : la case est
        // cochée mais ne peut pas être décochée ici (il faut modifier la requête).
        const fromQuery = isSelected && !selected.includes(value.term);
        if (fromQuery) checkbox.disabled = true;
        checkbox.addEventListener('change', () => toggleFilter(d.param, value.term, checkbox.checked));
        const label = h('label', { for: id, class: 'facet-option' }, checkbox,
          h('span', { class: 'facet-label' }, value.label || value.term,
            fromQuery ? h('span', { class: 'facet-note' }, ' (reconnu dans la recherche)') : null),
          h('span', { class: 'facet-count' }, h('span', { class: 'visually-hidden' }, ', '), fmt(value.count || 0),
            h('span', { class: 'visually-hidden' }, value.count > 1 ? ' ressources' : ' ressource')));
        list.appendChild(h('li', { hidden: hiddenByDefault }, label));
      });
      const fieldset = h('fieldset', { class: 'facet' },
        h('legend', { id: legendId }, facet && facet.label ? frenchDimensionLabel(d, facet.label) : d.label), list);
      const group = h('div', { class: 'facet-group' }, fieldset);
      const hiddenCount = values.filter((v, i) => i >= FACET_VISIBLE && !(selected.includes(v.term) || v.selected)).length;
      if (hiddenCount > 0 || expanded) {
        const more = h('button', {
          type: 'button', class: 'link-button facet-more', 'aria-expanded': expanded ? 'true' : 'false',
        }, expanded ? 'Afficher moins' : 'Afficher tout (' + values.length + ')');
        more.addEventListener('click', () => {
          if (app.expandedFacets.has(d.key)) app.expandedFacets.delete(d.key); else app.expandedFacets.add(d.key);
          renderFacets(app.lastResponse ? app.lastResponse.facets || {} : {}, app.state);
          const again = container.querySelector('[data-facet-more="' + d.key + '"]');
          if (again) again.focus();
        });
        more.dataset.facetMore = d.key;
        group.appendChild(more);
      }
      container.appendChild(group);
    }
    if (!shown) container.appendChild(h('p', { class: 'facet-empty' }, 'Aucun filtre disponible pour ces résultats.'));
    const count = filterCount(state);
    $('filters-count').textContent = count ? String(count) : '';
    $('filters-toggle').setAttribute('aria-label', count ? 'Filtres (' + count + ' actif' + (count > 1 ? 's' : '') + ')' : 'Filtres');
    if (focusKey) {
      const again = Array.from(container.querySelectorAll('input[type=checkbox]'))
        .find((el) => el.dataset.facetParam === focusKey[0] && el.dataset.facetTerm === focusKey[1]);
      if (again) again.focus();
    }
  }

  function frenchDimensionLabel(d, apiLabel) {
    return apiLabel && /[a-zà-ÿ]/i.test(apiLabel) && apiLabel !== d.key ? apiLabel : d.label;
  }

  function toggleFilter(param, term, on) {
    const next = cloneState(app.state);
    let values = next.filters[param] || [];
    if (on && !values.includes(term)) values.push(term);
    if (!on) values = values.filter((v) => v !== term);
    if (values.length) next.filters[param] = values; else delete next.filters[param];
    next.page = 1;
    navigate(searchURL(next), { focus: 'keep' });
  }

  function renderChips(state) {
    const chips = $('chips');
    clear(chips);
    const items = [];
    for (const d of DIMENSIONS) {
      for (const term of state.filters[d.param] || []) {
        const label = labelFor(d.param, term);
        const button = h('button', {
          type: 'button', class: 'chip', 'aria-label': 'Retirer le filtre ' + d.label + ' : ' + label,
          dataset: { chipParam: d.param, chipTerm: term },
        }, h('span', null, h('span', { class: 'chip-dimension' }, d.label + ' : '), label), h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'));
        button.addEventListener('click', () => removeChip(d.param, term));
        items.push(button);
      }
    }
    for (const [name, value] of state.extra) {
      const text = (name === 'duree_min' ? 'Durée minimale : ' : 'Durée maximale : ') + (formatDuration(Number(value)) || value);
      const button = h('button', { type: 'button', class: 'chip', 'aria-label': 'Retirer le filtre ' + text },
        h('span', null, text), h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'));
      button.addEventListener('click', () => {
        const next = cloneState(app.state);
        next.extra = next.extra.filter((e) => e[0] !== name);
        next.page = 1;
        navigate(searchURL(next), { focus: 'results' });
      });
      items.push(button);
    }
    if (!items.length) { chips.hidden = true; return; }
    chips.hidden = false;
    chips.appendChild(h('span', { class: 'chips-label', id: 'chips-label' }, 'Filtres actifs :'));
    const list = h('ul', { class: 'chip-list', 'aria-labelledby': 'chips-label' });
    for (const item of items) list.appendChild(h('li', null, item));
    chips.appendChild(list);
    if (items.length > 1) {
      const all = h('button', { type: 'button', class: 'link-button' }, 'Retirer tous les filtres');
      all.addEventListener('click', () => {
        const next = cloneState(app.state);
        next.filters = {};
        next.extra = [];
        next.page = 1;
        navigate(searchURL(next), { focus: 'results' });
      });
      chips.appendChild(all);
    }
  }

  function removeChip(param, term) {
    const next = cloneState(app.state);
    const values = (next.filters[param] || []).filter((v) => v !== term);
    if (values.length) next.filters[param] = values; else delete next.filters[param];
    next.page = 1;
    // Après le rendu, le focus va à la pastille suivante, sinon au titre des résultats.
    const buttons = Array.from(document.querySelectorAll('#chips button.chip'));
    const index = buttons.findIndex((b) => b.dataset.chipParam === param && b.dataset.chipTerm === term);
    const following = buttons[index + 1];
    navigate(searchURL(next), {
      focus: following && following.dataset.chipParam ? { chip: [following.dataset.chipParam, following.dataset.chipTerm] } : 'results',
    });
  }

  function renderMessages(data, state) {
    const messages = $('messages');
    clear(messages);
    if (data.notice) messages.appendChild(h('p', { class: 'notice' }, data.notice));
    if (data.did_you_mean) {
      const next = cloneState(state);
      next.q = data.did_you_mean;
      next.page = 1;
      messages.appendChild(h('p', { class: 'notice' }, 'Vouliez-vous dire : ',
        h('a', { href: searchURL(next), 'data-nav': true, 'data-focus': 'results', class: 'did-you-mean' }, data.did_you_mean), ' ?'));
    }
    const recognized = Array.isArray(data.recognized_filters) ? data.recognized_filters : [];
    if (recognized.length && !data.notice) {
      const parts = recognized.map((f) => f.label || f.term).join(', ');
      messages.appendChild(h('p', { class: 'notice' }, 'Filtre reconnu dans votre recherche : ' + parts + '.'));
    }
  }

  function renderSummary(data, state) {
    const summary = $('summary');
    clear(summary);
    const total = data.total || 0;
    const lastPage = pageCount(data);
    summary.dataset.total = String(total);
    $('filters-done').textContent = total === 1 ? 'Voir le résultat' : total ? 'Voir les ' + fmt(total) + ' résultats' : 'Voir les résultats';
    const title = $('results-title');
    if (!state.q && filterCount(state) === 0) title.textContent = 'Tout le catalogue';
    else title.textContent = 'Résultats';
    if (total === 0) {
      summary.textContent = 'Aucune ressource';
      return;
    }
    summary.appendChild(h('strong', null, plural(total, 'ressource', 'ressources')));
    if (state.q) summary.appendChild(document.createTextNode(' pour « ' + state.q + ' »'));
    if (lastPage > 1) summary.appendChild(document.createTextNode(' — page ' + fmt(data.page || state.page) + ' sur ' + fmt(lastPage)));
  }

  function announce(data, state) {
    const total = data.total || 0;
    let text = total === 0 ? 'Aucun résultat' : plural(total, 'résultat', 'résultats');
    if (state.q) text += ' pour « ' + (data.effective_query || state.q) + ' »';
    if (filterCount(state)) text += ', ' + plural(filterCount(state), 'filtre actif', 'filtres actifs');
    const lastPage = pageCount(data);
    if (lastPage > 1) text += '. Page ' + (data.page || state.page) + ' sur ' + lastPage;
    if (data.notice) text += '. ' + data.notice;
    $('live').textContent = text + '.';
  }

  function pageCount(data) {
    const size = data.size || app.state.size;
    return Math.max(1, Math.ceil(Math.min(data.total || 0, MAX_DEPTH) / size));
  }

  function renderResults(data, state) {
    const list = $('results');
    clear(list);
    clear($('empty'));
    const hits = Array.isArray(data.hits) ? data.hits : [];
    if (!hits.length) {
      $('empty').appendChild(emptyState(data, state));
      return;
    }
    const start = ((data.page || state.page) - 1) * (data.size || state.size);
    hits.forEach((hit, index) => list.appendChild(resultCard(hit, start + index + 1)));
  }

  function emptyState(data, state) {
    if ((data.total || 0) > 0) {
      const first = cloneState(state);
      first.page = 1;
      return h('div', { class: 'empty' }, h('h3', null, 'Cette page n\'existe pas'),
        h('p', null, 'La recherche donne ' + plural(data.total, 'ressource', 'ressources') + ', mais pas autant de pages. ',
          h('a', { href: searchURL(first), 'data-nav': true, 'data-focus': 'results' }, 'Revenir à la première page')));
    }
    const advice = h('ul', null,
      h('li', null, 'Vérifiez l\'orthographe des mots, ou essayez un synonyme.'),
      h('li', null, 'Utilisez moins de mots, ou des mots plus généraux (« fractions » plutôt que « fractions équivalentes décimales »).'),
      h('li', null, 'Un mot précédé de « - » exclut les ressources qui le contiennent ; retirez-le si besoin.'));
    if (filterCount(state)) {
      const noFilters = cloneState(state);
      noFilters.filters = {};
      noFilters.extra = [];
      noFilters.page = 1;
      advice.appendChild(h('li', null, 'Retirez un ou plusieurs filtres : ',
        h('a', { href: searchURL(noFilters), 'data-nav': true, 'data-focus': 'results' }, 'rechercher sans aucun filtre'), '.'));
    }
    advice.appendChild(h('li', null, h('a', { href: '/', 'data-nav': true, 'data-focus': 'results' }, 'Parcourir tout le catalogue'), ' par niveau ou par domaine.'));
    return h('div', { class: 'empty' },
      h('h3', null, state.q ? 'Aucune ressource ne correspond à « ' + state.q + ' »' : 'Aucune ressource ne correspond à ces filtres'),
      h('p', null, 'Quelques pistes :'), advice);
  }

  function badgeList(items, className, max, singular, pluralForm) {
    const list = [];
    const shown = items.slice(0, max);
    for (const item of shown) list.push(h('li', { class: 'badge ' + className }, item.label || item.term));
    if (items.length > max) {
      const rest = items.slice(max).map((i) => i.label || i.term).join(', ');
      list.push(h('li', { class: 'badge badge-more', title: rest }, '+ ' + (items.length - max) + ' ' + (items.length - max > 1 ? pluralForm : singular),
        h('span', { class: 'visually-hidden' }, ' : ' + rest)));
    }
    return list;
  }

  function resultCard(hit, position) {
    const href = '/ressource/' + encodeURIComponent(hit.id);
    const titleId = 'hit-' + position;
    const meta = h('ul', { class: 'card-meta' });
    const types = (hit.types || []).map((t) => t.label || t.term).join(', ');
    if (types) meta.appendChild(h('li', null, h('span', { class: 'visually-hidden' }, 'Type : '), types));
    meta.appendChild(h('li', null, h('span', { class: 'visually-hidden' }, 'Source : '), hit.source_label || hit.source));
    if (hit.licence) meta.appendChild(h('li', { title: hit.licence.label }, h('span', { class: 'visually-hidden' }, 'Licence : '), shortLicence(hit.licence.label || hit.licence.term)));
    const duration = formatDuration(hit.duration);
    if (duration) meta.appendChild(h('li', null, 'Durée : ' + duration));
    const evaluation = hit.evaluation || {};
    if (evaluation.count > 0 && formatMean(evaluation.average)) {
      meta.appendChild(h('li', { class: 'card-evaluation' }, 'Évaluée ' + formatMean(evaluation.average) + ' / 4 (' +
        plural(evaluation.count, 'évaluation', 'évaluations') + ')'));
    }

    const article = h('article', { class: 'card', 'aria-labelledby': titleId },
      h('h3', { id: titleId }, h('a', { href, 'data-nav': true }, hit.title || 'Sans titre')),
      meta);

    if (hit.segment) {
      const seg = hit.segment;
      const timecode = seg.timecode || formatTimecode(seg.start);
      const segmentHref = href + '#sequence-' + seg.index;
      const line = h('p', { class: 'segment-match' }, 'Passage correspondant : ');
      if (timecode) line.appendChild(h('a', { class: 'timecode', href: segmentHref, 'data-nav': true, 'aria-label': 'Passage à ' + timecode + (seg.title ? ' : ' + seg.title : '') }, timecode));
      if (seg.title) line.appendChild(h('span', null, seg.title));
      article.appendChild(line);
    }
    if (hit.snippet && hit.snippet.html) {
      article.appendChild(h('p', { class: 'snippet' }, sanitizedFragment(hit.snippet.html, 0)));
    } else if (hit.snippet && hit.snippet.text) {
      article.appendChild(h('p', { class: 'snippet' }, hit.snippet.text));
    } else if (hit.description) {
      article.appendChild(h('p', { class: 'snippet' }, hit.description));
    }
    const badges = [].concat(
      badgeList(hit.levels || [], 'badge-level', 3, 'niveau', 'niveaux'),
      badgeList(hit.domains || [], 'badge-domain', 2, 'domaine', 'domaines'),
      badgeList(hit.needs || [], 'badge-need', 2, 'besoin', 'besoins'));
    if (badges.length) article.appendChild(h('ul', { class: 'badges', 'aria-label': 'Niveaux, domaines et besoins' }, badges));
    return h('li', null, article);
  }

  function renderPagination(data, state) {
    const nav = $('pagination');
    clear(nav);
    const lastPage = pageCount(data);
    const current = data.page || state.page;
    if ((data.total || 0) === 0 || lastPage <= 1) { nav.hidden = true; return; }
    nav.hidden = false;
    const list = h('ul');
    const pageLink = (page, text, label, rel) => {
      const next = cloneState(state);
      next.page = page;
      return h('a', { href: searchURL(next), 'data-nav': true, 'data-focus': 'results', 'aria-label': label, rel }, text);
    };
    list.appendChild(h('li', null, current > 1
      ? pageLink(current - 1, '‹ Précédente', 'Page précédente', 'prev')
      : h('span', { class: 'page-disabled', 'aria-disabled': 'true' }, '‹ Précédente')));
    const pages = new Set([1, lastPage, current - 1, current, current + 1]);
    if (current <= 3) [2, 3, 4].forEach((p) => pages.add(p));
    if (current >= lastPage - 2) [lastPage - 1, lastPage - 2, lastPage - 3].forEach((p) => pages.add(p));
    const sorted = Array.from(pages).filter((p) => p >= 1 && p <= lastPage).sort((a, b) => a - b);
    let previous = 0;
    for (const page of sorted) {
      if (page - previous > 1) list.appendChild(h('li', { class: 'page-gap', 'aria-hidden': 'true' }, '…'));
      list.appendChild(h('li', null, page === current
        ? h('span', { class: 'page-current', 'aria-current': 'page', 'aria-label': 'Page ' + page + ', page actuelle' }, String(page))
        : pageLink(page, String(page), 'Page ' + page)));
      previous = page;
    }
    list.appendChild(h('li', null, current < lastPage
      ? pageLink(current + 1, 'Suivante ›', 'Page suivante', 'next')
      : h('span', { class: 'page-disabled', 'aria-disabled': 'true' }, 'Suivante ›')));
    nav.appendChild(list);
  }

  function restoreFocus(opts) {
    const focus = opts && opts.focus;
    if (!focus || focus === 'keep') return;
    if (typeof focus === 'object' && focus.chip) {
      const chip = Array.from(document.querySelectorAll('#chips button.chip'))
        .find((b) => b.dataset.chipParam === focus.chip[0] && b.dataset.chipTerm === focus.chip[1]);
      if (chip) { chip.focus(); return; }
    }
    if (focus === 'results' || focus === 'auto' || typeof focus === 'object') {
      const title = $('results-title');
      title.focus({ preventScroll: true });
      const top = title.getBoundingClientRect().top + window.scrollY - 12;
      if (window.scrollY > top || focus !== 'auto') window.scrollTo(0, Math.max(0, top - 80));
    }
  }

  // ------------------------------------------------------------------ vue « ressource »

  async function showResource(id, opts) {
    leaveAppView();
    renderAccountNav();
    $('skip-results').hidden = true;
    $('search-view').hidden = true;
    const view = $('resource-view');
    view.hidden = false;
    clear(view);
    closeSuggestions();
    if (app.resourceController) app.resourceController.abort();
    const controller = new AbortController();
    app.resourceController = controller;
    view.appendChild(backLink());
    const loading = h('p', { class: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Chargement de la ressource…');
    view.appendChild(loading);
    view.setAttribute('aria-busy', 'true');
    document.title = 'Ressource — Relais';
    try {
      const resource = await api('/api/v1/resources/' + encodeURIComponent(id), controller.signal);
      if (controller !== app.resourceController) return;
      clear(view);
      view.appendChild(backLink());
      view.appendChild(renderResource(resource));
      loadCommunity(resource, controller).catch(() => { /* sections secondaires : la fiche reste lisible */ });
      document.title = (resource.title || 'Ressource') + ' — Relais';
      $('live').textContent = 'Ressource : ' + (resource.title || '');
      const heading = $('resource-title');
      if (heading && opts.focus !== 'none') heading.focus({ preventScroll: true });
      const hash = window.location.hash;
      const target = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
      if (target) {
        target.classList.add('highlighted');
        const details = target.querySelector('details');
        if (details) details.open = true;
        target.scrollIntoView({ block: 'start' });
        const summary = target.querySelector('h3');
        if (summary) { summary.setAttribute('tabindex', '-1'); summary.focus({ preventScroll: true }); }
      } else {
        window.scrollTo(0, 0);
      }
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (controller !== app.resourceController) return;
      clear(view);
      view.appendChild(backLink());
      const notFound = error.status === 404;
      view.appendChild(h('div', { class: 'alert', role: 'alert' },
        h('h1', { id: 'resource-title', tabindex: '-1' }, notFound ? 'Ressource introuvable' : 'La ressource n\'a pas pu être chargée'),
        h('p', null, error.message),
        notFound ? h('p', null, 'Elle a peut-être été retirée du catalogue. ', h('a', { href: '/', 'data-nav': true }, 'Faire une nouvelle recherche'), '.')
          : h('button', { type: 'button', class: 'button', onclick: () => showResource(id, opts) }, 'Réessayer')));
      document.title = (notFound ? 'Ressource introuvable' : 'Erreur') + ' — Relais';
      $('live').textContent = error.message;
      $('resource-title').focus();
    } finally {
      if (controller === app.resourceController) view.setAttribute('aria-busy', 'false');
    }
  }

  function backLink() {
    const url = app.lastSearchURL || '/';
    const link = h('a', { href: url, class: 'back', 'data-nav': true, 'data-focus': 'results' }, '← Retour aux résultats');
    if (!app.lastSearchURL) link.textContent = '← Rechercher dans le catalogue';
    return link;
  }

  function termList(items) {
    return h('ul', null, items.map((item) => h('li', { class: 'badge' }, item.label || item.term)));
  }

  function row(dl, label, value) {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(h('dt', null, label));
    dl.appendChild(h('dd', null, value));
  }

  function externalLink(url, text) {
    const safe = safeURL(url);
    if (!safe || !/^https?:/.test(safe)) return document.createTextNode(text || url);
    return h('a', { href: safe, rel: 'noopener noreferrer' }, text || url);
  }

  function renderResource(r) {
    const article = h('article', { class: 'resource', 'aria-labelledby': 'resource-title' });
    article.appendChild(h('h1', { id: 'resource-title', tabindex: '-1' }, r.title || 'Sans titre'));
    const otherTitles = (r.titles || []).filter((t) => t.text && t.text !== r.title);
    if (otherTitles.length) {
      article.appendChild(h('p', { class: 'other-titles' }, 'Autres titres : ',
        otherTitles.map((t, i) => [i ? ' ; ' : '', h('span', { lang: t.language || null }, t.text)])));
    }
    const sourceParts = [r.source_label || r.source];
    const types = (r.types || []).map((t) => t.label || t.term);
    if (types.length) sourceParts.unshift(types.join(', '));
    article.appendChild(h('p', { class: 'resource-source' }, sourceParts.join(' — ')));

    // Descriptions
    const descriptions = (r.descriptions || []).filter((d) => d.text);
    if (descriptions.length) {
      const section = h('section', { class: 'descriptions', 'aria-label': 'Description' });
      for (const d of descriptions) {
        for (const paragraph of String(d.text).split(/\n{2,}/)) {
          section.appendChild(h('p', { lang: d.language && d.language !== 'fr' ? d.language : null }, paragraph));
        }
      }
      article.appendChild(section);
    }

    // Actions : ouvrir, permalien, LOM
    const actions = h('ul', { class: 'actions' });
    const url = safeURL(r.url);
    if (url && /^https?:/.test(url)) {
      actions.appendChild(h('li', null, h('a', { href: url, class: 'button-link primary', rel: 'noopener noreferrer' }, 'Ouvrir la ressource',
        h('span', { class: 'visually-hidden' }, ' (site externe)'))));
    }
    const links = r.links || {};
    const lom = links.lom || '/api/v1/resources/' + encodeURIComponent(r.id) + '/lom';
    actions.appendChild(h('li', null, h('a', { href: lom, class: 'button-link', type: 'application/xml' }, 'Notice LOM (XML)')));
    actions.appendChild(h('li', null, h('a', { href: links.self || '/api/v1/resources/' + encodeURIComponent(r.id), class: 'button-link', type: 'application/json' }, 'Données (JSON)')));
    article.appendChild(actions);

    // Métadonnées
    const metaSection = h('section', { 'aria-labelledby': 'meta-title' }, h('h2', { id: 'meta-title' }, 'Informations'));
    const dl = h('dl', { class: 'metadata' });
    row(dl, 'Niveaux', (r.levels || []).length ? termList(r.levels) : null);
    row(dl, 'Domaines', (r.domains || []).length ? termList(r.domains) : null);
    row(dl, 'Types', (r.types || []).length ? termList(r.types) : null);
    row(dl, 'Besoins spécifiques', (r.needs || []).length ? termList(r.needs) : null);
    row(dl, 'Public visé', (r.roles || []).length ? termList(r.roles) : null);
    const keywords = (r.keywords || []).map((k) => k.text).filter(Boolean);
    row(dl, 'Mots-clés', keywords.length ? keywords.join(', ') : null);
    row(dl, 'Langues', (r.languages || []).map(languageLabel).join(', '));
    const contributors = (r.contributors || []).filter((c) => c.name || c.organization);
    if (contributors.length) {
      row(dl, 'Contributeurs', h('ul', { class: 'plain' }, contributors.map((c) => {
        const role = c.role ? (ROLE_LABELS[String(c.role).toLowerCase()] || capitalize(c.role)) : null;
        const who = [c.name, c.organization && c.organization !== c.name ? c.organization : null].filter(Boolean).join(', ');
        return h('li', null, role ? role + ' : ' : '', who, c.date ? ' (' + formatDate(c.date) + ')' : '');
      })));
    }
    row(dl, 'Éditeur', r.publisher);
    row(dl, 'Date de création', formatDate(r.created));
    row(dl, 'Dernière modification', formatDate(r.modified));
    row(dl, 'Durée', formatDuration(r.duration));
    row(dl, 'Temps d\'apprentissage', formatDuration(r.learning_time));
    row(dl, 'Formats', (r.media_formats || []).join(', '));
    if (r.licence) {
      const lic = r.licence;
      const label = lic.label || lic.term || 'Licence';
      const value = h('span', null, lic.url ? externalLink(lic.url, label) : label);
      if (lic.statement && lic.statement !== label) value.appendChild(h('span', { class: 'licence-statement' }, lic.statement));
      row(dl, 'Licence', value);
    } else {
      row(dl, 'Licence', 'Non précisée');
    }
    if (url) row(dl, 'Adresse', externalLink(url, url));
    metaSection.appendChild(dl);
    article.appendChild(metaSection);

    // Évaluations (synthèse) et liens pour contribuer
    article.appendChild(renderSynthesis(r));
    article.appendChild(contributeLinks(r));

    // Séquences minutées (archives)
    const segments = r.segments || [];
    if (segments.length) {
      const section = h('section', { 'aria-labelledby': 'segments-title' },
        h('h2', { id: 'segments-title' }, 'Séquences minutées (' + segments.length + ')'));
      const list = h('ol', { class: 'segments' });
      for (const s of segments) {
        const timecode = s.timecode || formatTimecode(s.start);
        const end = formatTimecode(s.end);
        const heading = h('h3', null,
          timecode ? h('span', { class: 'timecode' }, timecode + (end ? ' – ' + end : '')) : null,
          h('span', null, s.title || 'Séquence ' + (s.index + 1)));
        const item = h('li', { class: 'segment', id: 'sequence-' + s.index }, heading);
        if (s.description) item.appendChild(h('p', null, s.description));
        if (s.transcript) {
          item.appendChild(h('details', null, h('summary', null, 'Transcription'), h('p', { class: 'transcript' }, s.transcript)));
        }
        list.appendChild(item);
      }
      section.appendChild(list);
      article.appendChild(section);
    }

    // Fiche (corps rendu par libcmark en mode sûr)
    if (r.body_html) {
      const section = h('section', { class: 'fiche', 'aria-labelledby': 'fiche-title' },
        h('h2', { id: 'fiche-title', class: 'visually-hidden' }, 'Contenu de la fiche'));
      const body = h('div', { class: 'fiche-body' });
      body.appendChild(sanitizedFragment(r.body_html, 1));
      // Le corps répète souvent le titre en tête : on ne le garde pas deux fois.
      const firstHeading = body.firstElementChild;
      if (firstHeading && /^H[1-3]$/.test(firstHeading.tagName) && firstHeading.textContent.trim() === (r.title || '').trim()) firstHeading.remove();
      section.appendChild(body);
      article.appendChild(section);
    } else if ((r.sections || []).length) {
      const section = h('section', { class: 'fiche', 'aria-labelledby': 'sections-title' }, h('h2', { id: 'sections-title' }, 'Contenu'));
      for (const s of r.sections) {
        const level = Math.min(6, Math.max(3, (s.level || 2) + 1));
        if (s.heading) section.appendChild(h('h' + level, null, s.heading));
        for (const paragraph of String(s.text || '').split(/\n{2,}/)) if (paragraph.trim()) section.appendChild(h('p', null, paragraph));
      }
      article.appendChild(section);
    }

    // Relations et ressources proches
    const relations = r.relations || [];
    if (relations.length) {
      const section = h('section', { class: 'relations', 'aria-labelledby': 'relations-title' }, h('h2', { id: 'relations-title' }, 'Relations'));
      section.appendChild(h('ul', null, relations.map((rel) => h('li', null,
        rel.kind ? (RELATION_LABELS[String(rel.kind).toLowerCase().replace(/\s+/g, '')] || capitalize(rel.kind)) + ' : ' : '',
        externalLink(rel.target, rel.target), rel.description ? ' — ' + rel.description : ''))));
      article.appendChild(section);
    }
    const related = r.related || [];
    if (related.length) {
      const section = h('section', { class: 'related', 'aria-labelledby': 'related-title' }, h('h2', { id: 'related-title' }, 'Ressources proches'));
      section.appendChild(h('ul', null, related.map((item) => h('li', null,
        h('a', { href: '/ressource/' + encodeURIComponent(item.id), 'data-nav': true }, item.title || item.id)))));
      article.appendChild(section);
    }

    // Retours d'expérience et commentaires (chargés ensuite)
    append(article, communitySections(r));

    // Permalien
    const permalink = window.location.origin + (links.page || '/ressource/' + encodeURIComponent(r.id));
    const input = h('input', { type: 'text', id: 'permalink', readonly: true, value: permalink });
    const copy = h('button', { type: 'button', class: 'button' }, 'Copier le lien');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(permalink);
        $('live').textContent = 'Lien copié dans le presse-papiers.';
        copy.textContent = 'Lien copié';
      } catch (e) {
        input.select();
        $('live').textContent = 'Sélectionnez le lien puis copiez-le (Ctrl+C).';
      }
    });
    article.appendChild(h('section', { 'aria-labelledby': 'permalink-title' },
      h('h2', { id: 'permalink-title' }, 'Permalien'),
      h('label', { for: 'permalink', class: 'permalink-label' }, 'Adresse permanente de cette page, à partager ou à mettre en favori :'),
      h('div', { class: 'permalink-row' }, input, copy)));

    // Informations techniques
    const technical = h('dl', { class: 'metadata' });
    row(technical, 'Identifiant Relais', r.id);
    row(technical, 'Identifiant d\'origine', r.source_identifier);
    row(technical, 'Source', r.source_label || r.source);
    row(technical, 'Format d\'origine', FORMAT_LABELS[r.format] || r.format);
    if (r.provenance) {
      const p = r.provenance;
      row(technical, 'Fichier', p.file + (p.line ? ', ligne ' + p.line : '') + (p.record_index ? ', notice n° ' + (p.record_index + 1) : ''));
    }
    article.appendChild(h('section', null, h('details', { class: 'technical' }, h('summary', null, 'Informations techniques'), technical)));
    return article;
  }

  // ------------------------------------------------------------------ comptes, jetons, requêtes authentifiées

  const TOKEN_KEY = 'relais.token';
  const ACCOUNT_KEY = 'relais.account';
  const ACCOUNT_ROLE_LABELS = {
    contributor: 'Contributeur', evaluator: 'Évaluateur expert', curator: 'Curateur', importer: 'Importateur',
    admin: 'Administrateur',
  };
  const CONTRIBUTOR_ROLES = ['contributor', 'evaluator', 'curator', 'admin'];
  const CURATOR_ROLES = ['curator', 'admin'];
  const KIND_LABELS = { new_resource: 'Nouvelle ressource', improvement: 'Amélioration', feedback: 'Retour d\'expérience' };
  const STATE_LABELS = {
    draft: 'Brouillon', submitted: 'Soumise', in_review: 'En relecture', changes_requested: 'Modifications demandées',
    approved: 'Approuvée', published: 'Publiée', rejected: 'Refusée', withdrawn: 'Retirée',
  };
  const ACTION_LABELS = {
    create: 'Création', edit: 'Modification', update: 'Modification', submit: 'Soumission', withdraw: 'Retrait', claim: 'Prise en charge',
    unclaim: 'Remise dans la file', reassign: 'Réattribution', request_changes: 'Modifications demandées',
    approve: 'Approbation', reject: 'Refus', publish: 'Publication', comment: 'Commentaire',
  };
  const EDITABLE_STATES = ['draft', 'submitted', 'changes_requested'];
  /** Le champ du formulaire qui remplit un point de la liste de vérification (le premier présent). */
  const CHECKLIST_FIELDS = {
    titre: ['title', 'content'], description: ['description', 'content'], niveau: ['levels', 'level'], domaine: ['domains', 'content'],
    type: ['types', 'content'], licence: ['licence', 'content'], url: ['url', 'content'], contexte: ['context'], fonctionne: ['worked'],
    adaptation: ['adapt'], modification: ['title'],
  };
  const CHECKLIST_DELAY = 500; // ms entre la dernière frappe et la vérification
  const METADATA_FIELDS = [
    ['title', 'Titre'], ['description', 'Description'], ['keywords', 'Mots-clés'], ['levels', 'Niveaux'],
    ['domains', 'Domaines'], ['types', 'Types de ressource'], ['needs', 'Besoins spécifiques'], ['licence', 'Licence'],
    ['url', 'Adresse web'], ['language', 'Langue'], ['learning_time_minutes', 'Temps d\'apprentissage'],
  ];

  function sessionStore() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function getToken() {
    const store = sessionStore();
    return store ? store.getItem(TOKEN_KEY) : null;
  }

  /** Le compte connecté, tel que le serveur l'a décrit à la connexion (ou par GET /api/v1/me). */
  function currentAccount() {
    if (!getToken()) return null;
    const store = sessionStore();
    try {
      const raw = store && store.getItem(ACCOUNT_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function setSession(token, account) {
    const store = sessionStore();
    if (!store) return;
    if (token) store.setItem(TOKEN_KEY, token);
    if (account) store.setItem(ACCOUNT_KEY, JSON.stringify(account));
  }

  function clearSession() {
    const store = sessionStore();
    if (!store) return;
    store.removeItem(TOKEN_KEY);
    store.removeItem(ACCOUNT_KEY);
  }

  const canContribute = (account) => !!account && CONTRIBUTOR_ROLES.includes(account.role);
  const canModerate = (account) => !!account && CURATOR_ROLES.includes(account.role);

  /** Le compte connecté ; si seul le jeton est connu (session ouverte ailleurs), il est demandé au serveur. */
  /** Au chargement de la page avec un jeton : le compte est relu (rôle changé, jeton expiré). */
  async function refreshAccount() {
    try {
      const account = await request('GET', '/api/v1/me');
      setSession(null, account);
    } catch (error) {
      // 401 : la session est déjà fermée par request() ; autre erreur : on garde ce qu'on sait.
    }
    renderAccountNav();
  }

  async function ensureAccount() {
    // Au chargement, le jeton gardé est d'abord revérifié (révoqué, expiré, rôle changé).
    if (app.accountCheck) await app.accountCheck;
    if (!getToken()) return null;
    const known = currentAccount();
    if (known) return known;
    try {
      const account = await request('GET', '/api/v1/me');
      setSession(null, account);
      renderAccountNav();
      return account;
    } catch (error) {
      return null;
    }
  }

  function problemMessage(problem, status, retryAfter) {
    if (status === 429) {
      const seconds = parseInt(retryAfter || '', 10);
      return 'Trop de tentatives en peu de temps. ' + (Number.isFinite(seconds) && seconds > 0
        ? 'Réessayez dans ' + plural(seconds, 'seconde', 'secondes') + '.' : 'Patientez un peu puis réessayez.');
    }
    if (problem && typeof problem.detail === 'string' && problem.detail.trim()) return capitalize(problem.detail);
    if (status === 401) return 'Connectez-vous pour continuer.';
    if (status === 403) return 'Votre compte n\'a pas le droit de faire cette action.';
    if (status === 409) return 'Cette action n\'est plus possible : la contribution a changé entre-temps.';
    if (status === 413) return 'Le texte envoyé est trop long.';
    if (status === 422) return 'La liste de vérification contient encore des points obligatoires à compléter.';
    return defaultMessage(status);
  }

  /**
   * Une requête à l'API avec le jeton de la session (Authorization: Bearer). Rend le JSON de la
   * réponse (null pour 204). Une erreur porte le problème RFC 9457 (detail, parameter, allowed…).
   * Un 401 alors qu'un jeton était envoyé ferme la session (jeton expiré ou révoqué).
   */
  async function request(method, path, body, options) {
    const opts = options || {};
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = 'Bearer ' + token;
    let payload;
    if (body !== undefined && body !== null) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, signal: opts.signal, credentials: 'same-origin', cache: 'no-store' });
    } catch (error) {
      if (error && error.name === 'AbortError') throw error;
      throw new ApiError('Le serveur de Relais ne répond pas. Vérifiez votre connexion puis réessayez.', 0, 'Serveur injoignable');
    }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch (e) { /* pas de corps JSON */ }
      const error = new ApiError(problemMessage(problem, response.status, response.headers.get('Retry-After')), response.status,
        problem && typeof problem.title === 'string' ? problem.title : null);
      error.problem = problem && typeof problem === 'object' ? problem : {};
      error.parameter = typeof error.problem.parameter === 'string' ? error.problem.parameter : null;
      if (response.status === 401 && token && !opts.keepSession) {
        clearSession();
        renderAccountNav();
        error.sessionExpired = true;
        error.message = 'Votre session a expiré ou a été fermée. Reconnectez-vous pour continuer.';
      }
      throw error;
    }
    if (response.status === 204) return null;
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ApiError('La réponse du serveur est illisible.', response.status, 'Réponse invalide');
    }
  }

  const vocabularyCache = {};

  /** Les termes d'un vocabulaire (niveaux, domaines, types, besoins, licences), gardés pour la session. */
  function vocabulary(name) {
    if (!vocabularyCache[name]) {
      vocabularyCache[name] = api('/api/v1/vocabularies/' + encodeURIComponent(name))
        .then((data) => (Array.isArray(data.terms) ? data.terms : []))
        .catch((error) => { delete vocabularyCache[name]; throw error; });
    }
    return vocabularyCache[name];
  }

  /** Les termes racines suivis de leurs termes plus précis (« Enseignement primaire », « 1re primaire »…). */
  function orderedTerms(terms) {
    const ids = new Set(terms.map((t) => t.id));
    const roots = terms.filter((t) => !t.broader || !ids.has(t.broader));
    const ordered = [];
    for (const root of roots) {
      ordered.push(root);
      for (const child of terms) if (child.broader === root.id) ordered.push(child);
    }
    for (const term of terms) if (!ordered.includes(term)) ordered.push(term);
    return ordered;
  }

  function termLabel(terms, id) {
    const term = (terms || []).find((t) => t.id === id);
    return term ? term.label : id;
  }

  const dateTimeFormat = new Intl.DateTimeFormat('fr-BE', { dateStyle: 'long', timeStyle: 'short' });
  const dayFormat = new Intl.DateTimeFormat('fr-BE', { dateStyle: 'long' });

  function formatDateTime(value, withTime) {
    if (!value) return '';
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return withTime === false ? dayFormat.format(date) : dateTimeFormat.format(date);
  }

  function formatMean(value) {
    return typeof value === 'number' && isFinite(value)
      ? new Intl.NumberFormat('fr-BE', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value) : null;
  }

  function personName(person) {
    return person && person.name ? person.name : 'ancien contributeur';
  }

  /** Un chemin interne sûr pour revenir après la connexion (jamais une autre origine). */
  function safeReturnPath(value) {
    return typeof value === 'string' && /^\/(?!\/)/.test(value) && !/^\/connexion/.test(value) ? value : null;
  }

  function loginLink(text) {
    const back = window.location.pathname + window.location.search;
    return h('a', { href: '/connexion?suite=' + encodeURIComponent(back), 'data-nav': true }, text || 'Se connecter');
  }

  // ------------------------------------------------------------------ en-tête : qui est connecté

  function renderAccountNav() {
    const nav = $('account-nav');
    if (!nav) return;
    clear(nav);
    const account = currentAccount();
    const path = window.location.pathname;
    const link = (href, text) => h('li', null, h('a', { href, 'data-nav': true, 'aria-current': path === href ? 'page' : null }, text));
    const list = h('ul', { class: 'account-links' });
    if (!getToken()) {
      list.appendChild(link('/soumettre', 'Proposer une ressource'));
      list.appendChild(link('/connexion', 'Se connecter ou créer un compte'));
      nav.appendChild(list);
      return;
    }
    nav.appendChild(h('p', { class: 'account-who', id: 'account-who' }, 'Connecté : ',
      h('strong', null, account ? account.name || account.email : 'compte en cours de chargement'),
      account && account.role ? h('span', { class: 'account-role' }, ' (' + (ACCOUNT_ROLE_LABELS[account.role] || account.role) + ')') : null));
    if (!account || canContribute(account)) {
      list.appendChild(link('/soumettre', 'Proposer une ressource'));
      list.appendChild(link('/mes-contributions', 'Mes contributions'));
    }
    if (canModerate(account)) list.appendChild(link('/moderation', 'Modération'));
    const logout = h('button', { type: 'button', class: 'link-button logout', id: 'logout' }, 'Se déconnecter');
    logout.addEventListener('click', onLogout);
    list.appendChild(h('li', null, logout));
    nav.appendChild(list);
  }

  async function onLogout() {
    try {
      await request('POST', '/api/v1/auth/logout', null, { keepSession: true });
    } catch (error) {
      // Le jeton est effacé de toute façon : la session locale se ferme même si le serveur ne répond pas.
    }
    clearSession();
    app.flash = { text: 'Vous êtes déconnecté.' };
    navigate('/connexion', { focus: 'auto' });
  }

  // ------------------------------------------------------------------ pages de l'application (vue commune)

  /** Affiche la vue des pages de contribution ; rend un jeton de page pour ignorer les réponses tardives. */
  function openAppView(title) {
    $('skip-results').hidden = true;
    $('search-view').hidden = true;
    $('resource-view').hidden = true;
    clear($('resource-view'));
    if (app.resourceController) app.resourceController.abort();
    closeSuggestions();
    leaveAppView();
    const view = $('app-view');
    view.hidden = false;
    document.title = title + ' — Relais';
    renderAccountNav();
    return { view, serial: app.pageSerial };
  }

  function leaveAppView() {
    app.pageSerial++;
    window.clearTimeout(app.checklistTimer);
    if (app.checklistController) app.checklistController.abort();
    const view = $('app-view');
    view.hidden = true;
    clear(view);
  }

  const isStale = (page) => page.serial !== app.pageSerial;

  function pageHeading(text) {
    return h('h1', { id: 'page-title', tabindex: '-1' }, text);
  }

  function focusPage(opts) {
    const heading = $('page-title');
    if (heading && !(opts && opts.focus === 'none')) heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function loadingLine(text) {
    return h('p', { class: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
  }

  /** Un message passé d'une page à la suivante (« Contribution soumise. »), lu une fois. */
  function takeFlash() {
    const flash = app.flash;
    app.flash = null;
    return flash;
  }

  function statusBox(flash) {
    const box = h('div', { class: 'status-box', id: 'page-status', role: 'status', tabindex: '-1' });
    if (flash && flash.text) {
      box.classList.add(flash.error ? 'is-error' : 'is-success');
      box.textContent = flash.text;
    } else {
      box.hidden = true;
    }
    return box;
  }

  function setStatus(box, text, isError) {
    box.hidden = !text;
    box.classList.toggle('is-error', !!isError);
    box.classList.toggle('is-success', !isError);
    box.textContent = text || '';
  }

  function pageError(view, error, retry) {
    const alert = h('div', { class: 'alert', role: 'alert' },
      h('strong', null, error.status === 404 ? 'Introuvable' : 'La page n\'a pas pu être chargée'),
      h('p', null, error.message || 'Erreur inconnue.'));
    if (error.sessionExpired || error.status === 401) alert.appendChild(h('p', null, loginLink('Se reconnecter')));
    else if (retry) alert.appendChild(h('button', { type: 'button', class: 'button', onclick: retry }, 'Réessayer'));
    view.appendChild(alert);
    $('live').textContent = error.message || '';
  }

  /** Vrai si un compte qui peut contribuer est connecté ; sinon la page dit comment se connecter. */
  async function requireAccount(page, heading, purpose, check) {
    const account = await ensureAccount();
    if (isStale(page)) return null;
    if (!account) {
      page.view.appendChild(pageHeading(heading));
      page.view.appendChild(h('div', { class: 'panel' },
        h('p', null, 'Pour ' + purpose + ', connectez-vous avec votre compte Relais.'),
        h('p', null, loginLink('Se connecter ou créer un compte'))));
      return null;
    }
    if (check && !check(account)) {
      page.view.appendChild(pageHeading(heading));
      page.view.appendChild(h('div', { class: 'alert', role: 'alert' },
        h('p', null, 'Votre compte (' + (ACCOUNT_ROLE_LABELS[account.role] || account.role) + ') ne permet pas de ' + purpose + '.')));
      return null;
    }
    return account;
  }

  // ------------------------------------------------------------------ formulaires : champs, erreurs

  let controlSerial = 0;

  function controlId(prefix) {
    controlSerial++;
    return prefix + '-' + controlSerial;
  }

  /**
   * Un champ avec son libellé, son aide et son emplacement d'erreur ; data-field porte le nom du
   * champ de l'API (parameter d'un problème) pour y afficher l'erreur.
   */
  function fieldBlock(name, labelText, control, options) {
    const o = options || {};
    if (!control.id) control.id = controlId('champ-' + name.replace(/[^a-z0-9]+/gi, '-'));
    const helpId = o.help ? control.id + '-aide' : null;
    const errorId = control.id + '-erreur';
    control.setAttribute('aria-describedby', [helpId, errorId].filter(Boolean).join(' '));
    if (o.required) control.setAttribute('aria-required', 'true');
    return h('div', { class: 'form-field' + (o.className ? ' ' + o.className : ''), dataset: { field: name, label: labelText } },
      h('label', { for: control.id }, labelText, o.required ? h('span', { class: 'required' }, ' (obligatoire)') : null),
      o.help ? h('p', { class: 'field-help', id: helpId }, o.help) : null,
      h('p', { class: 'field-error', id: errorId, hidden: true }),
      control);
  }

  function textInput(name, value, attrs) {
    const input = h('input', Object.assign({ type: 'text', name }, attrs || {}));
    input.value = value === null || value === undefined ? '' : String(value);
    return input;
  }

  function textArea(name, value, attrs) {
    const area = h('textarea', Object.assign({ name, rows: '4' }, attrs || {}));
    area.value = value === null || value === undefined ? '' : String(value);
    return area;
  }

  function selectInput(name, options, value, attrs) {
    const select = h('select', Object.assign({ name }, attrs || {}));
    for (const [optionValue, label] of options) select.appendChild(h('option', { value: optionValue }, label));
    select.value = value === null || value === undefined ? '' : String(value);
    return select;
  }

  /** Un groupe de cases (ou de boutons radio) dans un fieldset, avec sa légende et son erreur. */
  function choiceGroup(name, legend, terms, selected, options) {
    const o = options || {};
    const id = controlId('groupe-' + name);
    const helpId = o.help ? id + '-aide' : null;
    const errorId = id + '-erreur';
    const fieldset = h('fieldset', {
      class: 'form-field choice-group', id, dataset: { field: name, label: legend },
      'aria-describedby': [helpId, errorId].filter(Boolean).join(' '),
    }, h('legend', null, legend, o.required ? h('span', { class: 'required' }, ' (obligatoire)') : null),
    o.help ? h('p', { class: 'field-help', id: helpId }, o.help) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
    const option = (term) => {
      const boxId = id + '-' + String(term.id).replace(/[^a-z0-9]+/gi, '-');
      const box = h('input', { type: o.single ? 'radio' : 'checkbox', id: boxId, name, value: term.id });
      box.checked = (selected || []).includes(term.id);
      return h('label', { for: boxId, class: 'choice-label' }, box, h('span', null, term.label));
    };
    const ids = new Set(terms.map((t) => t.id));
    const childrenOf = (term) => terms.filter((t) => t.broader === term.id);
    const hierarchical = terms.some((t) => t.broader && ids.has(t.broader));
    if (!hierarchical) {
      fieldset.appendChild(h('ul', { class: 'choices' }, terms.map((term) => h('li', { class: 'choice' }, option(term)))));
      return fieldset;
    }
    // Vocabulaire à deux niveaux : chaque terme général, puis ses termes précis en retrait.
    const roots = terms.filter((t) => !t.broader || !ids.has(t.broader));
    const withChildren = roots.filter((t) => childrenOf(t).length);
    const alone = roots.filter((t) => !childrenOf(t).length);
    const outer = h('ul', { class: 'choice-tree' });
    for (const root of withChildren) {
      outer.appendChild(h('li', { class: 'choice-branch' }, option(root),
        h('ul', { class: 'choices', 'aria-label': root.label }, childrenOf(root).map((child) => h('li', { class: 'choice' }, option(child))))));
    }
    if (alone.length) outer.appendChild(h('li', { class: 'choice-branch' }, h('ul', { class: 'choices' }, alone.map((term) => h('li', { class: 'choice' }, option(term))))));
    fieldset.appendChild(outer);
    return fieldset;
  }

  function checkedValues(form, name) {
    return Array.from(form.querySelectorAll('input[name="' + name + '"]:checked')).map((box) => box.value);
  }

  function formAlertBox() {
    return h('div', { class: 'form-alert alert', role: 'alert', tabindex: '-1', hidden: true });
  }

  function clearProblems(form) {
    for (const el of form.querySelectorAll('.field-error')) { el.textContent = ''; el.hidden = true; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.form-field.has-error')) el.classList.remove('has-error');
    const alert = form.querySelector('.form-alert');
    if (alert) { clear(alert); alert.hidden = true; }
  }

  /** Le champ que nomme le `parameter` d'un problème : « metadata.title », « changes.title », « title »… */
  function fieldFor(form, parameter) {
    if (!parameter) return null;
    const parts = String(parameter).split(/[.\/\[\]]+/).filter((p) => p && !/^\d+$/.test(p));
    for (let i = 0; i < parts.length; i++) {
      for (let j = parts.length; j > i; j--) {
        const name = parts.slice(i, j).join('.');
        const found = Array.from(form.querySelectorAll('[data-field]')).find((el) => el.dataset.field === name && !el.closest('[hidden]'));
        if (found) return found;
      }
    }
    return null;
  }

  function setFieldError(field, message) {
    const error = field.querySelector('.field-error');
    if (error) { error.textContent = message; error.hidden = false; }
    field.classList.add('has-error');
    for (const control of field.querySelectorAll('input:not([type=checkbox]):not([type=radio]), textarea, select')) {
      control.setAttribute('aria-invalid', 'true');
    }
  }

  function focusField(field) {
    const control = field.querySelector('input:not([type=hidden]), textarea, select');
    if (control) control.focus();
    else field.focus();
  }

  /**
   * Montre un problème de l'API : à côté du champ que nomme `parameter` (et le champ prend le
   * focus), résumé dans la zone d'alerte du formulaire (role=alert). Rend vrai si un champ est visé.
   */
  function showProblem(form, error, extra) {
    clearProblems(form);
    const alert = form.querySelector('.form-alert');
    const field = fieldFor(form, error.parameter);
    const message = error.message || 'La demande n\'a pas abouti.';
    if (field) setFieldError(field, message);
    if (alert) {
      alert.appendChild(h('p', null, field ? h('strong', null, 'À corriger : ' + field.dataset.label) : null, h('span', null, message)));
      if (error.sessionExpired) alert.appendChild(h('p', null, loginLink('Se reconnecter')));
      if (extra) append(alert, [extra]);
      alert.hidden = false;
    }
    if (field) focusField(field);
    else if (alert) alert.focus();
    return !!field;
  }

  /** Erreurs trouvées avant l'envoi : [nom du champ, message]. */
  function showLocalErrors(form, errors) {
    clearProblems(form);
    let first = null;
    for (const [name, message] of errors) {
      const field = fieldFor(form, name);
      if (!field) continue;
      setFieldError(field, message);
      if (!first) first = field;
    }
    const alert = form.querySelector('.form-alert');
    if (alert) {
      alert.appendChild(h('p', null, errors.length > 1 ? errors.length + ' champs sont à corriger.' : 'Un champ est à corriger.'));
      alert.hidden = false;
    }
    if (first) focusField(first);
  }

  /** Bloque les boutons pendant l'envoi ; rend le focus au bouton s'il l'a perdu en étant désactivé. */
  function setBusy(form, busy) {
    if (busy) form.focusBeforeBusy = document.activeElement;
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
    for (const button of form.querySelectorAll('button[type=submit], button[data-busy-lock]')) button.disabled = busy;
    const before = form.focusBeforeBusy;
    if (!busy && before && before.isConnected && (!document.activeElement || document.activeElement === document.body)) before.focus();
  }

  // ------------------------------------------------------------------ /connexion

  async function showLogin(opts) {
    const page = openAppView('Connexion');
    const { view } = page;
    const params = new URLSearchParams(window.location.search);
    const next = safeReturnPath(params.get('suite'));
    const flash = takeFlash();
    view.appendChild(pageHeading('Connexion'));
    view.appendChild(statusBox(flash));
    const account = getToken() ? await ensureAccount() : null;
    if (isStale(page)) return;
    if (account) {
      view.appendChild(h('div', { class: 'panel' },
        h('p', null, 'Vous êtes connecté en tant que ', h('strong', null, account.name), ' (' + (account.email || '') + ').'),
        h('ul', { class: 'actions' },
          canContribute(account) ? h('li', null, h('a', { href: '/soumettre', class: 'button-link primary', 'data-nav': true }, 'Proposer une ressource')) : null,
          canContribute(account) ? h('li', null, h('a', { href: '/mes-contributions', class: 'button-link', 'data-nav': true }, 'Mes contributions')) : null,
          canModerate(account) ? h('li', null, h('a', { href: '/moderation', class: 'button-link', 'data-nav': true }, 'Modération')) : null)));
      focusPage(opts);
      return;
    }
    view.appendChild(h('p', { class: 'lead' }, 'Un compte permet de proposer des ressources, de les évaluer et de les commenter. La recherche reste ouverte à tous, sans compte.'));

    // Se connecter
    const loginForm = h('form', { id: 'login-form', class: 'stack-form', novalidate: true, 'aria-labelledby': 'login-title' });
    const loginEmail = textInput('email', params.get('email') || '', { type: 'email', autocomplete: 'username', inputmode: 'email', spellcheck: 'false', id: 'login-email' });
    const loginPassword = textInput('password', '', { type: 'password', autocomplete: 'current-password', id: 'login-password' });
    append(loginForm, [
      formAlertBox(),
      fieldBlock('email', 'Adresse électronique', loginEmail, { required: true }),
      fieldBlock('password', 'Mot de passe', loginPassword, { required: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Se connecter')),
    ]);
    loginForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const errors = [];
      if (!loginEmail.value.trim()) errors.push(['email', 'Indiquez votre adresse électronique.']);
      if (!loginPassword.value) errors.push(['password', 'Indiquez votre mot de passe.']);
      if (errors.length) { showLocalErrors(loginForm, errors); return; }
      setBusy(loginForm, true);
      try {
        await logIn(loginEmail.value.trim(), loginPassword.value);
        if (isStale(page)) return;
        afterLogin(next, 'Vous êtes connecté.');
      } catch (error) {
        if (isStale(page)) return;
        if (error.status === 401) error.message = capitalize(error.problem && error.problem.detail) || 'Adresse électronique ou mot de passe incorrect.';
        showProblem(loginForm, error);
        loginPassword.value = '';
      } finally {
        setBusy(loginForm, false);
      }
    });

    // Créer un compte
    const signupForm = h('form', { id: 'signup-form', class: 'stack-form', novalidate: true, 'aria-labelledby': 'signup-title' });
    const signupName = textInput('name', '', { autocomplete: 'name', id: 'signup-name', maxlength: '200' });
    const signupEmail = textInput('email', '', { type: 'email', autocomplete: 'email', inputmode: 'email', spellcheck: 'false', id: 'signup-email' });
    const signupPassword = textInput('password', '', { type: 'password', autocomplete: 'new-password', id: 'signup-password', minlength: '10' });
    append(signupForm, [
      formAlertBox(),
      fieldBlock('name', 'Nom affiché', signupName, { required: true, help: 'Votre nom apparaît à côté de vos contributions, évaluations et commentaires publiés.' }),
      fieldBlock('email', 'Adresse électronique', signupEmail, { required: true, help: 'Elle n\'est jamais affichée publiquement.' }),
      fieldBlock('password', 'Mot de passe', signupPassword, { required: true, help: 'Au moins 10 caractères.' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Créer mon compte')),
    ]);
    signupForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const errors = [];
      if (!signupName.value.trim()) errors.push(['name', 'Indiquez le nom à afficher.']);
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(signupEmail.value.trim())) errors.push(['email', 'Indiquez une adresse électronique valide (par exemple prenom.nom@ecole.be).']);
      if (signupPassword.value.length < 10) errors.push(['password', 'Le mot de passe doit compter au moins 10 caractères.']);
      if (errors.length) { showLocalErrors(signupForm, errors); return; }
      setBusy(signupForm, true);
      try {
        await request('POST', '/api/v1/accounts', { email: signupEmail.value.trim(), name: signupName.value.trim(), password: signupPassword.value });
        await logIn(signupEmail.value.trim(), signupPassword.value);
        if (isStale(page)) return;
        afterLogin(next || '/soumettre', 'Votre compte est créé et vous êtes connecté.');
      } catch (error) {
        if (isStale(page)) return;
        showProblem(signupForm, error);
      } finally {
        setBusy(signupForm, false);
      }
    });

    view.appendChild(h('div', { class: 'auth-grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'login-title' }, h('h2', { id: 'login-title' }, 'Se connecter'), loginForm),
      h('section', { class: 'panel', 'aria-labelledby': 'signup-title' }, h('h2', { id: 'signup-title' }, 'Créer un compte'), signupForm)));
    view.appendChild(h('p', { class: 'privacy-note' },
      'Vos données personnelles (nom, adresse électronique) servent seulement à signer vos contributions et à vous connecter. ',
      'Depuis « Mes contributions », vous pouvez les télécharger ou supprimer votre compte à tout moment.'));
    focusPage(opts);
  }

  async function logIn(email, password) {
    const answer = await request('POST', '/api/v1/auth/login', { email, password }, { keepSession: true });
    if (!answer || typeof answer.token !== 'string') throw new ApiError('La réponse du serveur ne contient pas de jeton.', 0, null);
    clearSession();
    setSession(answer.token, answer.account || null);
    if (!answer.account) await ensureAccount();
    renderAccountNav();
    return answer;
  }

  function afterLogin(next, message) {
    const account = currentAccount();
    app.flash = { text: message };
    navigate(next || (canModerate(account) ? '/moderation' : '/mes-contributions'), { focus: 'auto' });
  }

  // ------------------------------------------------------------------ liste de vérification et différences

  /**
   * La liste de vérification : chaque point rempli, manquant (bloquant) ou à vérifier
   * (avertissement), avec son détail et le lien vers un quasi-doublon. Le résumé va dans une zone
   * aria-live polie, annoncé seulement quand il change.
   */
  function renderChecklist(container, items, ready, form, settled) {
    clear(container);
    const list = Array.isArray(items) ? items : [];
    container.dataset.ready = ready ? 'true' : 'false';
    const ul = h('ul', { class: 'checklist', id: 'checklist-items' });
    for (const item of list) {
      const state = item.passed ? 'ok' : item.blocking ? 'fail' : 'warn';
      const statusText = item.passed ? 'fait' : item.blocking ? 'obligatoire, à compléter' : 'à vérifier';
      const li = h('li', { class: 'check check-' + state, dataset: { check: item.id || '', passed: item.passed ? 'true' : 'false' } },
        h('span', { class: 'check-icon', 'aria-hidden': 'true' }, item.passed ? '✓' : item.blocking ? '✗' : '!'),
        h('span', { class: 'check-body' },
          h('span', { class: 'check-label' }, item.label || item.id),
          h('span', { class: 'check-status' }, ' — ' + statusText)));
      const body = li.lastChild;
      if (item.detail) body.appendChild(h('span', { class: 'check-detail' }, item.detail));
      const link = item.link ? safeURL(item.link) : null;
      if (link) {
        body.appendChild(h('span', { class: 'check-detail' }, h('a', { href: link, target: '_blank', rel: 'noopener' },
          item.id === 'doublon' ? 'Voir la ressource proche' : 'En savoir plus', h('span', { class: 'visually-hidden' }, ' (nouvel onglet)'))));
      }
      const fieldNames = CHECKLIST_FIELDS[item.id] || [];
      if (!item.passed && form && fieldNames.length) {
        const field = fieldNames.map((name) => fieldFor(form, name)).find(Boolean);
        if (field) {
          const go = h('button', { type: 'button', class: 'link-button check-go' }, 'Aller au champ',
            h('span', { class: 'visually-hidden' }, ' « ' + field.dataset.label + ' »'));
          go.addEventListener('click', () => focusField(field));
          body.appendChild(go);
        }
      }
      ul.appendChild(li);
    }
    const blocking = list.filter((i) => !i.passed && i.blocking).length;
    const warnings = list.filter((i) => !i.passed && !i.blocking).length;
    const passed = list.filter((i) => i.passed).length;
    let summary;
    if (!list.length) summary = 'La vérification n\'a encore rien à examiner.';
    else if (ready && !blocking) summary = (settled ? 'Tous les points obligatoires sont remplis' : 'Prête à être soumise : tous les points obligatoires sont remplis') + ' (' + passed + ' sur ' + list.length + ').';
    else summary = plural(blocking, 'point obligatoire reste', 'points obligatoires restent') + ' à compléter (' + passed + ' sur ' + list.length + ' remplis).';
    if (warnings) summary += ' ' + plural(warnings, 'point à vérifier', 'points à vérifier') + '.';
    const head = h('p', { class: 'checklist-summary' + (ready && !blocking ? ' is-ready' : '') }, summary);
    container.appendChild(head);
    container.appendChild(ul);
    return summary;
  }

  function diffValue(value) {
    if (value === null || value === undefined || value === '') return h('span', { class: 'muted' }, '(vide)');
    if (Array.isArray(value)) return value.length ? value.join(', ') : h('span', { class: 'muted' }, '(vide)');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  function renderDiff(diff) {
    const rows = Array.isArray(diff) ? diff : [];
    if (!rows.length) return h('p', { class: 'muted' }, 'Aucun champ modifié pour l\'instant.');
    const table = h('table', { class: 'diff' },
      h('caption', { class: 'visually-hidden' }, 'Champs modifiés : valeur actuelle et valeur proposée'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Champ'), h('th', { scope: 'col' }, 'Actuellement'), h('th', { scope: 'col' }, 'Proposé'))));
    const body = h('tbody');
    for (const row of rows) {
      body.appendChild(h('tr', { dataset: { field: row.field || '' } },
        h('th', { scope: 'row' }, row.label || row.field),
        h('td', { class: 'diff-before' }, h('del', null, diffValue(row.before))),
        h('td', { class: 'diff-after' }, h('ins', null, diffValue(row.after)))));
    }
    table.appendChild(body);
    return h('div', { class: 'table-wrap', role: 'region', 'aria-label': 'Modifications proposées', tabindex: '0' }, table);
  }

  // ------------------------------------------------------------------ /soumettre

  function emptyMetadata() {
    return { title: '', description: '', keywords: [], levels: [], domains: [], types: [], needs: [], licence: '', url: '', language: 'fr', learning_time_minutes: null };
  }

  function metadataFromResource(r) {
    const descriptions = r.descriptions || [];
    const description = descriptions.find((d) => !d.language || d.language === 'fr') || descriptions[0];
    const terms = (list) => (list || []).map((t) => t.term).filter(Boolean);
    return {
      title: r.title || '',
      description: description ? description.text || '' : '',
      keywords: (r.keywords || []).map((k) => k.text).filter(Boolean),
      levels: terms(r.levels), domains: terms(r.domains), types: terms(r.types), needs: terms(r.needs),
      licence: r.licence && r.licence.term ? r.licence.term : '',
      url: r.url || '',
      language: (r.languages || [])[0] || 'fr',
      learning_time_minutes: typeof r.learning_time === 'number' && r.learning_time > 0 ? Math.round(r.learning_time / 60) : null,
    };
  }

  function splitKeywords(text) {
    const seen = new Set();
    const out = [];
    for (const part of String(text || '').split(/[,;\n]+/)) {
      const word = part.trim();
      if (word && !seen.has(word.toLowerCase())) { seen.add(word.toLowerCase()); out.push(word); }
    }
    return out;
  }

  function sameValue(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      const x = (a || []).slice().sort();
      const y = (b || []).slice().sort();
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    const norm = (v) => (v === null || v === undefined ? '' : String(v).trim());
    return norm(a) === norm(b);
  }

  /** Le formulaire des métadonnées (titre, description, vocabulaires, adresse, durée). */
  function metadataFields(meta, vocabs) {
    const [niveaux, domaines, types, besoins, licences] = vocabs;
    const licenceOptions = [['', '— Choisir une licence —']].concat(licences.map((t) => [t.id, t.label]));
    const languages = [['fr', 'Français'], ['nl', 'Néerlandais'], ['de', 'Allemand'], ['en', 'Anglais'], ['wa', 'Wallon'], ['la', 'Latin']];
    if (meta.language && !languages.some((l) => l[0] === meta.language)) languages.push([meta.language, languageLabel(meta.language)]);
    return h('div', { class: 'metadata-fields' },
      fieldBlock('title', 'Titre', textInput('title', meta.title, { id: 'sub-title', maxlength: '300', autocomplete: 'off' }),
        { required: true, help: 'Au moins 5 caractères.' }),
      fieldBlock('description', 'Description', textArea('description', meta.description, { id: 'sub-description', rows: '6', maxlength: '10000' }),
        { required: true, help: 'Au moins 80 caractères : ce que font les élèves, ce qu\'ils apprennent, le matériel nécessaire.' }),
      fieldBlock('keywords', 'Mots-clés', textInput('keywords', (meta.keywords || []).join(', '), { id: 'sub-keywords', autocomplete: 'off' }),
        { help: 'Séparés par des virgules, par exemple : fractions, partage, cuisine.' }),
      choiceGroup('levels', 'Niveaux', niveaux, meta.levels, { required: true, help: 'Cochez au moins un niveau.' }),
      choiceGroup('domains', 'Domaines', domaines, meta.domains, { required: true }),
      choiceGroup('types', 'Type de ressource', types, meta.types, { required: true }),
      choiceGroup('needs', 'Besoins spécifiques (facultatif)', besoins, meta.needs, { help: 'Si la ressource aide des élèves à besoins spécifiques.' }),
      fieldBlock('licence', 'Licence', selectInput('licence', licenceOptions, meta.licence, { id: 'sub-licence' }),
        { required: true, help: 'Seules les licences ouvertes (CC BY, CC BY-SA, CC0, domaine public) peuvent être publiées.' }),
      fieldBlock('url', 'Adresse web de la ressource', textInput('url', meta.url, { id: 'sub-url', type: 'url', inputmode: 'url', spellcheck: 'false', placeholder: 'https://' }),
        { required: true, help: 'L\'adresse complète, commençant par https://' }),
      h('div', { class: 'field-row' },
        fieldBlock('language', 'Langue', selectInput('language', languages, meta.language || 'fr', { id: 'sub-language' })),
        fieldBlock('learning_time_minutes', 'Temps d\'apprentissage (minutes)',
          textInput('learning_time_minutes', meta.learning_time_minutes, { id: 'sub-time', type: 'number', min: '1', max: '10000', step: '1', inputmode: 'numeric' }))));
  }

  function readMetadata(form) {
    const value = (name) => { const el = form.elements.namedItem(name); return el ? el.value : ''; };
    const minutes = parseInt(value('learning_time_minutes'), 10);
    return {
      title: value('title').trim(),
      description: value('description').trim(),
      keywords: splitKeywords(value('keywords')),
      levels: checkedValues(form, 'levels'),
      domains: checkedValues(form, 'domains'),
      types: checkedValues(form, 'types'),
      needs: checkedValues(form, 'needs'),
      licence: value('licence'),
      url: value('url').trim(),
      language: value('language') || 'fr',
      learning_time_minutes: Number.isFinite(minutes) && minutes > 0 ? minutes : null,
    };
  }

  async function showSubmit(opts) {
    const page = openAppView('Proposer une ressource');
    const { view } = page;
    const params = new URLSearchParams(window.location.search);
    const editId = params.get('contribution');
    const improveId = params.get('amelioration');
    const feedbackId = params.get('retour');
    const heading = editId ? 'Modifier ma contribution' : improveId ? 'Proposer une amélioration'
      : feedbackId ? 'Partager un retour d\'expérience' : 'Proposer une ressource';
    document.title = heading + ' — Relais';
    const account = await requireAccount(page, heading, 'proposer une contribution', canContribute);
    if (!account) { focusPage(opts); return; }
    view.appendChild(loadingLine('Chargement du formulaire…'));
    try {
      const vocabs = await Promise.all(['niveaux', 'domaines', 'types', 'besoins', 'licences'].map(vocabulary));
      const draft = { id: null, kind: 'new_resource', format: 'json', resource: null, original: null, meta: emptyMetadata(), content: '', rationale: '', feedback: {} };
      if (editId) {
        const sub = await request('GET', '/api/v1/submissions/' + encodeURIComponent(editId));
        draft.id = sub.id;
        draft.kind = sub.kind;
        draft.format = sub.format || 'json';
        draft.state = sub.state;
        if (sub.metadata) draft.meta = Object.assign(emptyMetadata(), sub.metadata);
        draft.content = sub.content || '';
        draft.rationale = sub.rationale || '';
        draft.feedback = sub.feedback || {};
        if (sub.kind !== 'new_resource' && sub.resource_id) {
          draft.resource = await api('/api/v1/resources/' + encodeURIComponent(sub.resource_id));
          draft.original = metadataFromResource(draft.resource);
          draft.meta = Object.assign({}, draft.original, sub.changes || {});
        }
      } else if (improveId || feedbackId) {
        draft.kind = improveId ? 'improvement' : 'feedback';
        draft.resource = await api('/api/v1/resources/' + encodeURIComponent(improveId || feedbackId));
        draft.original = metadataFromResource(draft.resource);
        draft.meta = Object.assign({}, draft.original);
      }
      if (isStale(page)) return;
      clear(view);
      renderSubmitForm(page, draft, vocabs, heading, opts);
    } catch (error) {
      if (isStale(page) || (error && error.name === 'AbortError')) return;
      clear(view);
      view.appendChild(pageHeading(heading));
      pageError(view, error, () => showSubmit(opts));
      focusPage(opts);
    }
  }

  function renderSubmitForm(page, draft, vocabs, heading, opts) {
    const { view } = page;
    view.appendChild(pageHeading(heading));
    const status = statusBox(takeFlash());
    view.appendChild(status);
    if (draft.resource) {
      view.appendChild(h('p', { class: 'lead' }, draft.kind === 'feedback' ? 'Votre retour porte sur la ressource ' : 'Vous proposez de modifier la ressource ',
        h('a', { href: '/ressource/' + encodeURIComponent(draft.resource.id), 'data-nav': true }, draft.resource.title || draft.resource.id), '.'));
    } else {
      view.appendChild(h('p', { class: 'lead' }, 'Décrivez la ressource que vous souhaitez partager. La liste de vérification se met à jour pendant que vous écrivez ; un curateur relit ensuite la proposition avant sa publication.'));
    }
    if (draft.id && draft.state) {
      view.appendChild(h('p', null, 'Contribution n° ' + draft.id + ' — état : ', stateBadge(draft.state)));
    }

    const form = h('form', { id: 'submission-form', class: 'submission-form', novalidate: true, 'aria-labelledby': 'page-title' });
    const fields = h('div', { class: 'submission-fields' });
    form.appendChild(formAlertBox());

    if (draft.kind === 'new_resource') {
      // Choix du format : formulaire, notice LOM collée, fiche Markdown collée.
      const formats = [['json', 'Remplir le formulaire'], ['lom', 'Coller une notice LOM (XML)'], ['markdown', 'Coller une fiche Markdown']];
      const formatGroup = h('fieldset', { class: 'form-field format-choice', dataset: { field: 'format', label: 'Format' } },
        h('legend', null, 'Comment décrire la ressource ?'), h('p', { class: 'field-error', hidden: true }));
      const formatList = h('ul', { class: 'choices inline' });
      for (const [value, label] of formats) {
        const radio = h('input', { type: 'radio', name: 'format', value, id: 'format-' + value });
        radio.checked = draft.format === value;
        formatList.appendChild(h('li', { class: 'choice' }, h('label', { for: 'format-' + value, class: 'choice-label' }, radio, h('span', null, label))));
      }
      formatGroup.appendChild(formatList);
      fields.appendChild(formatGroup);
      const metaBox = h('div', { id: 'format-json-fields' }, metadataFields(draft.meta, vocabs));
      const contentArea = textArea('content', draft.content, { id: 'sub-content', rows: '14', spellcheck: 'false', class: 'code-input' });
      const fileInput = h('input', { type: 'file', id: 'sub-file', accept: '.xml,.md,.markdown,.txt,text/xml,application/xml,text/markdown,text/plain' });
      fileInput.addEventListener('change', () => {
        const file = fileInput.files && fileInput.files[0];
        if (!file) return;
        file.text().then((text) => {
          contentArea.value = text;
          contentArea.dispatchEvent(new Event('input', { bubbles: true }));
          setStatus(status, 'Fichier « ' + file.name + ' » chargé dans la zone de texte.');
        }).catch(() => setStatus(status, 'Le fichier n\'a pas pu être lu.', true));
      });
      const contentBox = h('div', { id: 'format-content-fields' },
        fieldBlock('content', 'Notice ou fiche', contentArea, { required: true, help: 'Collez le texte complet de la notice LOM (XML) ou de la fiche Markdown (avec son en-tête).' }),
        h('div', { class: 'form-field' }, h('label', { for: 'sub-file' }, 'Ou choisir un fichier sur votre ordinateur'), fileInput));
      const syncFormat = () => {
        const format = (form.querySelector('input[name=format]:checked') || {}).value || 'json';
        metaBox.hidden = format !== 'json';
        contentBox.hidden = format === 'json';
      };
      formatList.addEventListener('change', syncFormat);
      fields.appendChild(metaBox);
      fields.appendChild(contentBox);
      syncFormat();
    } else if (draft.kind === 'improvement') {
      fields.appendChild(h('p', { class: 'field-help' }, 'Le formulaire reprend la fiche actuelle : modifiez seulement ce qui doit changer. Les différences s\'affichent à côté.'));
      fields.appendChild(metadataFields(draft.meta, vocabs));
      fields.appendChild(fieldBlock('rationale', 'Pourquoi cette amélioration ?', textArea('rationale', draft.rationale, { id: 'sub-rationale', rows: '3', maxlength: '4000' }),
        { help: 'Expliquez en une ou deux phrases ce que la modification apporte aux enseignants.' }));
    } else {
      const fb = draft.feedback || {};
      const levelOptions = [['', '— Choisir un niveau —']].concat(orderedTerms(vocabs[0]).map((t) => [t.id, t.label]));
      append(fields, [
        fieldBlock('level', 'Niveau de la classe', selectInput('level', levelOptions, fb.level || '', { id: 'fb-level' }), { required: true }),
        fieldBlock('context', 'Contexte', textArea('context', fb.context, { id: 'fb-context', rows: '4', maxlength: '4000' }),
          { required: true, help: 'La classe, le moment de l\'année, le temps passé, le matériel utilisé.' }),
        fieldBlock('worked', 'Ce qui a fonctionné', textArea('worked', fb.worked, { id: 'fb-worked', rows: '4', maxlength: '4000' }), { required: true }),
        fieldBlock('adapt', 'Ce que vous adapteriez', textArea('adapt', fb.adapt, { id: 'fb-adapt', rows: '4', maxlength: '4000' })),
      ]);
    }
    form.appendChild(fields);

    // Liste de vérification (et différences pour une amélioration), à côté du formulaire.
    const checklistBox = h('div', { id: 'checklist', class: 'checklist-box', dataset: { ready: 'false' } }, h('p', { class: 'muted' }, 'Vérification en cours…'));
    const checklistLive = h('p', { id: 'checklist-live', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
    const aside = h('section', { class: 'checklist-panel', 'aria-labelledby': 'checklist-title' },
      h('h2', { id: 'checklist-title' }, 'Liste de vérification'), checklistLive, checklistBox);
    let diffBox = null;
    if (draft.kind === 'improvement') {
      diffBox = h('div', { id: 'diff' });
      aside.appendChild(h('h2', { id: 'diff-title' }, 'Modifications proposées'));
      aside.appendChild(diffBox);
    }
    form.appendChild(aside);

    const saveButton = h('button', { type: 'button', class: 'button', id: 'save-draft', 'data-busy-lock': true }, 'Enregistrer le brouillon');
    const submitButton = h('button', { type: 'submit', class: 'button primary', id: 'submit-submission' },
      draft.state === 'changes_requested' ? 'Soumettre à nouveau' : 'Soumettre');
    form.appendChild(h('div', { class: 'form-actions submission-actions' }, saveButton, submitButton,
      draft.id ? h('a', { href: '/contribution/' + draft.id, 'data-nav': true, class: 'button-link' }, 'Voir la contribution') : null));
    view.appendChild(form);

    const body = () => {
      if (draft.kind === 'new_resource') {
        const format = (form.querySelector('input[name=format]:checked') || {}).value || 'json';
        if (format === 'json') return { kind: 'new_resource', format: 'json', metadata: readMetadata(form) };
        return { kind: 'new_resource', format, content: form.elements.namedItem('content').value };
      }
      if (draft.kind === 'improvement') {
        const now = readMetadata(form);
        const changes = {};
        for (const [name] of METADATA_FIELDS) if (!sameValue(now[name], draft.original[name])) changes[name] = now[name];
        return { kind: 'improvement', resource_id: draft.resource.id, changes, rationale: form.elements.namedItem('rationale').value.trim() };
      }
      const get = (name) => form.elements.namedItem(name).value.trim();
      return { kind: 'feedback', resource_id: draft.resource.id, feedback: { level: get('level'), context: get('context'), worked: get('worked'), adapt: get('adapt') } };
    };

    let lastSummary = null;
    const showChecklist = (data) => {
      const summary = renderChecklist(checklistBox, data.checklist, !!data.ready, form);
      if (summary !== lastSummary) { checklistLive.textContent = summary; lastSummary = summary; }
      if (diffBox) { clear(diffBox); diffBox.appendChild(renderDiff(data.diff)); }
    };
    const runChecklist = async () => {
      if (app.checklistController) app.checklistController.abort();
      const controller = new AbortController();
      app.checklistController = controller;
      checklistBox.setAttribute('aria-busy', 'true');
      try {
        const data = await request('POST', '/api/v1/submissions/checklist', body(), { signal: controller.signal });
        if (controller !== app.checklistController || isStale(page)) return;
        showChecklist(data || {});
      } catch (error) {
        if ((error && error.name === 'AbortError') || isStale(page)) return;
        clear(checklistBox);
        checklistBox.dataset.ready = 'false';
        checklistBox.appendChild(h('p', { class: 'check-error' }, 'La vérification n\'a pas abouti : ' + error.message));
        if (error.sessionExpired) checklistBox.appendChild(h('p', null, loginLink('Se reconnecter')));
      } finally {
        if (controller === app.checklistController) checklistBox.setAttribute('aria-busy', 'false');
      }
    };
    const schedule = () => {
      window.clearTimeout(app.checklistTimer);
      app.checklistTimer = window.setTimeout(runChecklist, CHECKLIST_DELAY);
    };
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
    runChecklist();

    const save = async () => {
      const payload = body();
      const answer = draft.id
        ? await request('PUT', '/api/v1/submissions/' + encodeURIComponent(draft.id), payload)
        : await request('POST', '/api/v1/submissions', payload);
      if (answer && answer.id !== undefined) {
        draft.id = answer.id;
        draft.state = answer.state;
        // L'adresse désigne désormais ce brouillon : recharger la page le retrouve.
        history.replaceState(null, '', '/soumettre?contribution=' + encodeURIComponent(answer.id));
      }
      if (answer && Array.isArray(answer.checklist)) showChecklist({ checklist: answer.checklist, ready: answer.ready, diff: answer.diff });
      return answer;
    };

    saveButton.addEventListener('click', async () => {
      clearProblems(form);
      setBusy(form, true);
      try {
        await save();
        if (isStale(page)) return;
        setStatus(status, 'Brouillon enregistré (contribution n° ' + draft.id + '). Vous pouvez le reprendre plus tard depuis « Mes contributions ».');
        $('live').textContent = 'Brouillon enregistré.';
      } catch (error) {
        if (isStale(page)) return;
        setStatus(status, '', false);
        showProblem(form, error);
      } finally {
        setBusy(form, false);
      }
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearProblems(form);
      setBusy(form, true);
      try {
        await save();
        if (isStale(page)) return;
        const answer = await request('POST', '/api/v1/submissions/' + encodeURIComponent(draft.id) + '/transitions', { action: 'submit' });
        if (isStale(page)) return;
        app.flash = { text: 'Votre contribution est soumise. Un curateur va la relire ; vous suivrez son avancement ici.' };
        app.prefetched = answer && answer.id !== undefined ? answer : null;
        navigate('/contribution/' + encodeURIComponent(draft.id), { focus: 'auto' });
      } catch (error) {
        if (isStale(page)) return;
        if (error.status === 422 && Array.isArray(error.problem.checklist)) {
          showChecklist({ checklist: error.problem.checklist, ready: false, diff: error.problem.diff });
          error.message = 'La contribution est enregistrée mais ne peut pas encore être soumise : ' + error.message;
        }
        if (draft.id) setStatus(status, 'Brouillon enregistré (contribution n° ' + draft.id + ').');
        showProblem(form, error, error.status === 422 ? h('p', null, h('a', { href: '#checklist-title' }, 'Voir la liste de vérification')) : null);
      } finally {
        setBusy(form, false);
      }
    });
    focusPage(opts);
  }

  function stateBadge(state, label) {
    return h('span', { class: 'state state-' + String(state || '').replace(/[^a-z_]/g, ''), dataset: { state: state || '' } },
      label || STATE_LABELS[state] || state || 'inconnu');
  }

  // ------------------------------------------------------------------ /contribution/{id}

  let reasonsPromise = null;

  function rejectionReasons() {
    if (!reasonsPromise) {
      reasonsPromise = request('GET', '/api/v1/moderation/reasons')
        .then((data) => (data && Array.isArray(data.reasons) ? data.reasons : []))
        .catch((error) => { reasonsPromise = null; throw error; });
    }
    return reasonsPromise;
  }

  async function showContribution(id, opts) {
    const page = openAppView('Contribution n° ' + id);
    const { view } = page;
    const account = await requireAccount(page, 'Contribution n° ' + id, 'voir cette contribution');
    if (!account) { focusPage(opts); return; }
    const flash = takeFlash();
    const prefetched = app.prefetched && String(app.prefetched.id) === String(id) ? app.prefetched : null;
    app.prefetched = null;
    view.appendChild(loadingLine('Chargement de la contribution…'));
    try {
      const sub = prefetched || await request('GET', '/api/v1/submissions/' + encodeURIComponent(id));
      const reasons = (sub.allowed_actions || []).includes('reject') ? await rejectionReasons().catch(() => []) : [];
      app.termLabels = await termLabels();
      if (isStale(page)) return;
      renderContribution(page, sub, account, reasons, flash);
      focusPage(opts);
    } catch (error) {
      if (isStale(page) || (error && error.name === 'AbortError')) return;
      clear(view);
      view.appendChild(pageHeading('Contribution n° ' + id));
      if (error.status === 404) error.message = 'Cette contribution est introuvable, ou elle n\'est visible que par son auteur et les curateurs.';
      pageError(view, error, () => showContribution(id, opts));
      focusPage(opts);
    }
  }

  /** Libellés des termes des vocabulaires (« P5 » -> « 5e primaire ») ; vide si l'API ne répond pas. */
  async function termLabels() {
    const names = ['niveaux', 'domaines', 'types', 'besoins', 'licences'];
    const lists = await Promise.all(names.map((name) => vocabulary(name).catch(() => [])));
    const labels = {};
    names.forEach((name, i) => { labels[name] = {}; for (const t of lists[i]) labels[name][t.id] = t.label; });
    return labels;
  }

  function labelsOf(vocabularyName, ids) {
    const table = (app.termLabels || {})[vocabularyName] || {};
    return (Array.isArray(ids) ? ids : ids ? [ids] : []).map((id) => table[id] || id).join(', ');
  }

  function renderContribution(page, sub, account, reasons, flash) {
    const { view } = page;
    clear(view);
    document.title = (sub.title || 'Contribution n° ' + sub.id) + ' — Relais';
    view.appendChild(h('a', { href: canModerate(account) ? '/moderation' : '/mes-contributions', class: 'back', 'data-nav': true },
      canModerate(account) ? '← File de modération' : '← Mes contributions'));
    const article = h('article', { class: 'resource contribution', 'aria-labelledby': 'page-title', dataset: { id: String(sub.id), state: sub.state || '' } });
    article.appendChild(pageHeading(sub.title || 'Contribution sans titre'));
    const status = statusBox(flash);
    article.appendChild(status);

    const facts = h('dl', { class: 'metadata' });
    row(facts, 'État', stateBadge(sub.state, sub.state_label));
    row(facts, 'Nature', KIND_LABELS[sub.kind] || sub.kind);
    row(facts, 'Numéro', String(sub.id));
    row(facts, 'Auteur', personName(sub.author));
    row(facts, 'Curateur', sub.assignee ? personName(sub.assignee) : (['submitted', 'in_review'].includes(sub.state) ? 'pas encore attribuée' : null));
    row(facts, 'Créée le', formatDateTime(sub.created_at));
    row(facts, 'Soumise le', formatDateTime(sub.submitted_at));
    row(facts, 'Mise à jour le', formatDateTime(sub.updated_at));
    if (sub.resource_id) {
      row(facts, 'Ressource', h('a', { href: '/ressource/' + encodeURIComponent(sub.resource_id), 'data-nav': true, id: 'contribution-resource' },
        sub.state === 'published' && sub.kind === 'new_resource' ? 'Voir la ressource publiée' : 'Voir la ressource'));
    }
    article.appendChild(facts);

    if (sub.decision && (sub.decision.reason || sub.decision.text)) {
      article.appendChild(h('section', { class: 'decision', 'aria-labelledby': 'decision-title' },
        h('h2', { id: 'decision-title' }, 'Motif du refus'),
        h('p', null, sub.decision.reason_label || sub.decision.reason || ''),
        sub.decision.text ? h('p', { class: 'quote' }, sub.decision.text) : null));
    }

    // Actions de l'auteur et décision du curateur, selon allowed_actions.
    const actions = renderContributionActions(page, sub, account, reasons, status);
    if (actions) article.appendChild(actions);

    if (Array.isArray(sub.checklist) && sub.checklist.length) {
      const box = h('div', { id: 'checklist', class: 'checklist-box' });
      renderChecklist(box, sub.checklist, !!sub.ready, null, !['draft', 'changes_requested'].includes(sub.state));
      article.appendChild(h('section', { 'aria-labelledby': 'checklist-title' }, h('h2', { id: 'checklist-title' }, 'Liste de vérification'), box));
    }
    if (sub.kind === 'improvement' || (Array.isArray(sub.diff) && sub.diff.length)) {
      article.appendChild(h('section', { 'aria-labelledby': 'diff-title' }, h('h2', { id: 'diff-title' }, 'Modifications proposées'),
        sub.rationale ? h('p', null, h('strong', null, 'Raison : '), sub.rationale) : null,
        h('div', { id: 'diff' }, renderDiff(sub.diff))));
    }
    article.appendChild(contributionContent(sub));

    const comments = Array.isArray(sub.comments) ? sub.comments : [];
    const commentSection = h('section', { 'aria-labelledby': 'curator-comments-title' }, h('h2', { id: 'curator-comments-title' }, 'Commentaires des curateurs'));
    if (comments.length) {
      commentSection.appendChild(h('ol', { class: 'thread' }, comments.map((c) => h('li', { class: 'thread-item' },
        h('p', { class: 'thread-meta' }, h('strong', null, personName(c.author)), ' — ', formatDateTime(c.at || c.created_at)),
        h('p', { class: 'thread-text' }, c.text || '')))));
    } else {
      commentSection.appendChild(h('p', { class: 'muted' }, 'Aucun commentaire pour l\'instant.'));
    }
    article.appendChild(commentSection);

    const history = Array.isArray(sub.history) ? sub.history : [];
    if (history.length) {
      article.appendChild(h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Historique'),
        h('ol', { class: 'history' }, history.map((e) => h('li', null,
          h('span', { class: 'history-when' }, formatDateTime(e.at)), ' — ',
          h('strong', null, ACTION_LABELS[String(e.action || '').replace(/^[a-z]+\./, '')] || capitalize(e.action || '')),
          e.actor ? ' par ' + personName(e.actor) : '',
          e.from || e.to ? ' (' + (STATE_LABELS[e.from] || e.from || '—') + ' → ' + (STATE_LABELS[e.to] || e.to || '—') + ')' : '',
          e.reason ? ' : ' + e.reason : '')))));
    }
    view.appendChild(article);
  }

  /** Ce que contient la contribution : métadonnées, notice collée ou retour d'expérience. */
  function contributionContent(sub) {
    const section = h('section', { 'aria-labelledby': 'content-title' }, h('h2', { id: 'content-title' }, 'Contenu proposé'));
    if (sub.kind === 'feedback' && sub.feedback) {
      const dl = h('dl', { class: 'metadata' });
      row(dl, 'Niveau', labelsOf('niveaux', sub.feedback.level));
      row(dl, 'Contexte', sub.feedback.context);
      row(dl, 'Ce qui a fonctionné', sub.feedback.worked);
      row(dl, 'À adapter', sub.feedback.adapt);
      section.appendChild(dl);
    } else if (sub.metadata) {
      const m = sub.metadata;
      const dl = h('dl', { class: 'metadata' });
      row(dl, 'Titre', m.title);
      row(dl, 'Description', m.description ? h('span', { class: 'pre-line' }, m.description) : null);
      row(dl, 'Mots-clés', (m.keywords || []).join(', '));
      row(dl, 'Niveaux', labelsOf('niveaux', m.levels));
      row(dl, 'Domaines', labelsOf('domaines', m.domains));
      row(dl, 'Types', labelsOf('types', m.types));
      row(dl, 'Besoins spécifiques', labelsOf('besoins', m.needs));
      row(dl, 'Licence', labelsOf('licences', m.licence));
      row(dl, 'Adresse', m.url ? externalLink(m.url, m.url) : null);
      row(dl, 'Langue', m.language ? languageLabel(m.language) : null);
      row(dl, 'Temps d\'apprentissage', m.learning_time_minutes ? m.learning_time_minutes + ' min' : null);
      section.appendChild(dl);
    } else if (sub.content) {
      section.appendChild(h('p', null, sub.format === 'lom' ? 'Notice LOM (XML) :' : 'Fiche Markdown :'));
      section.appendChild(h('pre', { class: 'code-block', tabindex: '0' }, sub.content));
    } else if (sub.kind === 'improvement') {
      return h('span');
    } else {
      section.appendChild(h('p', { class: 'muted' }, 'Aucun contenu.'));
    }
    return section;
  }

  function renderContributionActions(page, sub, account, reasons, status) {
    const allowed = Array.isArray(sub.allowed_actions) ? sub.allowed_actions : [];
    const isAuthor = sub.author && account && String(sub.author.id) === String(account.id);
    const canEdit = isAuthor && (allowed.includes('edit') || allowed.includes('update') || EDITABLE_STATES.includes(sub.state));
    const curatorActions = ['claim', 'unclaim', 'reassign', 'request_changes', 'approve', 'reject', 'publish'].filter((a) => allowed.includes(a));
    const authorActions = ['submit', 'withdraw'].filter((a) => allowed.includes(a));
    if (!canEdit && !curatorActions.length && !authorActions.length) return null;

    const form = h('form', { id: 'decision-form', class: 'decision-form', novalidate: true, 'aria-labelledby': 'actions-title' });
    form.appendChild(formAlertBox());
    const run = async (action, extra) => {
      clearProblems(form);
      setBusy(form, true);
      try {
        const answer = await request('POST', '/api/v1/submissions/' + encodeURIComponent(sub.id) + '/transitions', Object.assign({ action }, extra || {}));
        if (isStale(page)) return;
        const fresh = answer && answer.id !== undefined ? answer : await request('GET', '/api/v1/submissions/' + encodeURIComponent(sub.id));
        const freshReasons = (fresh.allowed_actions || []).includes('reject') ? await rejectionReasons().catch(() => []) : reasons;
        if (isStale(page)) return;
        renderContribution(page, fresh, account, freshReasons, { text: ACTION_DONE[action] || 'Action effectuée.' });
        const box = $('page-status');
        if (box) box.focus();
      } catch (error) {
        if (isStale(page)) return;
        let extraNode = null;
        if (error.status === 409) {
          const allowedNow = Array.isArray(error.problem.allowed) ? error.problem.allowed : [];
          extraNode = h('p', null, allowedNow.length
            ? 'Actions encore possibles : ' + allowedNow.map((a) => ACTION_BUTTONS[a] || a).join(', ') + '. '
            : '', h('button', { type: 'button', class: 'link-button', onclick: () => showContribution(sub.id, { focus: 'auto' }) }, 'Recharger la contribution'));
        }
        if (error.status === 422 && Array.isArray(error.problem.checklist)) {
          extraNode = h('p', null, 'Complétez d\'abord les points obligatoires de la liste de vérification. ',
            isAuthor ? h('a', { href: '/soumettre?contribution=' + encodeURIComponent(sub.id), 'data-nav': true }, 'Modifier la contribution') : null);
        }
        showProblem(form, error, extraNode);
      } finally {
        if (!isStale(page)) setBusy(form, false);
      }
    };
    const button = (action, label, className, handler) => {
      const b = h('button', { type: 'button', class: 'button' + (className ? ' ' + className : ''), dataset: { action }, 'data-busy-lock': true }, label);
      b.addEventListener('click', handler || (() => run(action)));
      return b;
    };

    // Actions de l'auteur
    if (canEdit || authorActions.length) {
      const row1 = h('div', { class: 'form-actions' });
      if (canEdit) row1.appendChild(h('a', { href: '/soumettre?contribution=' + encodeURIComponent(sub.id), class: 'button-link', 'data-nav': true, id: 'edit-contribution' }, 'Modifier'));
      if (allowed.includes('submit')) row1.appendChild(button('submit', sub.state === 'changes_requested' ? 'Soumettre à nouveau' : 'Soumettre', 'primary'));
      if (allowed.includes('withdraw')) {
        const label = sub.state === 'published' ? 'Retirer de la publication' : 'Retirer la contribution';
        row1.appendChild(button('withdraw', label, 'danger', () => {
          const question = sub.state === 'published'
            ? 'Retirer cette ressource du catalogue ? Elle ne sera plus trouvée par la recherche.'
            : 'Retirer cette contribution ? Elle ne sera plus examinée.';
          if (window.confirm(question)) run('withdraw');
        }));
      }
      form.appendChild(h('div', { class: 'action-group' }, isAuthor ? h('h3', null, 'Vos actions') : null, row1));
    }

    // Décision du curateur
    if (curatorActions.length) {
      const group = h('div', { class: 'action-group curator-actions' }, h('h3', null, 'Décision du curateur'));
      const quick = h('div', { class: 'form-actions' });
      if (allowed.includes('claim')) quick.appendChild(button('claim', 'Prendre en charge', 'primary'));
      if (allowed.includes('unclaim')) quick.appendChild(button('unclaim', 'Remettre dans la file'));
      if (quick.childNodes.length) group.appendChild(quick);
      let comment = null;
      if (allowed.includes('request_changes') || allowed.includes('approve')) {
        comment = textArea('comment', '', { id: 'decision-comment', rows: '3', maxlength: '4000' });
        group.appendChild(fieldBlock('comment', 'Commentaire pour l\'auteur', comment,
          { help: 'Obligatoire pour demander des modifications ; facultatif pour approuver.' }));
        const decide = h('div', { class: 'form-actions' });
        if (allowed.includes('approve')) {
          decide.appendChild(button('approve', 'Approuver', 'primary', () => run('approve', comment.value.trim() ? { comment: comment.value.trim() } : null)));
        }
        if (allowed.includes('request_changes')) {
          decide.appendChild(button('request_changes', 'Demander des modifications', '', () => {
            if (!comment.value.trim()) {
              showLocalErrors(form, [['comment', 'Expliquez à l\'auteur ce qu\'il doit modifier.']]);
              return;
            }
            run('request_changes', { comment: comment.value.trim() });
          }));
        }
        group.appendChild(decide);
      }
      if (allowed.includes('publish')) {
        group.appendChild(h('div', { class: 'form-actions' }, button('publish', 'Publier', 'primary')));
      }
      if (allowed.includes('reject')) {
        const options = [['', '— Choisir un motif —']].concat((reasons || []).map((r) => [r.id, r.label]));
        const reason = selectInput('reason', options, '', { id: 'decision-reason' });
        const reasonText = textArea('reason_text', '', { id: 'decision-reason-text', rows: '2', maxlength: '4000' });
        const fieldset = h('fieldset', { class: 'reject-box' }, h('legend', null, 'Refuser la contribution'),
          fieldBlock('reason', 'Motif du refus', reason, { required: true }),
          fieldBlock('reason_text', 'Précisions pour l\'auteur (facultatif)', reasonText),
          h('div', { class: 'form-actions' }, button('reject', 'Refuser', 'danger', () => {
            if (!reason.value) { showLocalErrors(form, [['reason', 'Choisissez le motif du refus.']]); return; }
            run('reject', Object.assign({ reason: reason.value }, reasonText.value.trim() ? { reason_text: reasonText.value.trim() } : {}));
          })));
        group.appendChild(fieldset);
      }
      if (allowed.includes('reassign')) {
        const assignee = textInput('assignee_id', '', { id: 'decision-assignee', type: 'number', min: '1', inputmode: 'numeric' });
        group.appendChild(h('div', { class: 'reassign' },
          fieldBlock('assignee_id', 'Réattribuer à un autre curateur (numéro du compte)', assignee),
          h('div', { class: 'form-actions' }, button('reassign', 'Réattribuer', '', () => {
            const value = parseInt(assignee.value, 10);
            if (!Number.isFinite(value) || value < 1) { showLocalErrors(form, [['assignee_id', 'Indiquez le numéro du compte du curateur.']]); return; }
            run('reassign', { assignee_id: value });
          }))));
      }
      form.appendChild(group);
    }
    form.addEventListener('submit', (event) => event.preventDefault());
    return h('section', { class: 'contribution-actions', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), form);
  }

  const ACTION_BUTTONS = {
    submit: 'Soumettre', withdraw: 'Retirer', claim: 'Prendre en charge', unclaim: 'Remettre dans la file', reassign: 'Réattribuer',
    request_changes: 'Demander des modifications', approve: 'Approuver', reject: 'Refuser', publish: 'Publier',
  };
  const ACTION_DONE = {
    submit: 'Contribution soumise : un curateur va la relire.', withdraw: 'Contribution retirée.',
    claim: 'Vous avez pris la contribution en charge.', unclaim: 'La contribution est remise dans la file.',
    reassign: 'La contribution est réattribuée.', request_changes: 'Modifications demandées à l\'auteur.',
    approve: 'Contribution approuvée : elle peut maintenant être publiée.', reject: 'Contribution refusée.',
    publish: 'Contribution publiée : elle est maintenant dans le catalogue.',
  };

  // ------------------------------------------------------------------ /mes-contributions

  function submissionItem(item, showAuthor) {
    const when = item.updated_at || item.submitted_at || item.created_at;
    return h('li', { class: 'sub-item', dataset: { id: String(item.id), state: item.state || '' } },
      h('h3', null, h('a', { href: '/contribution/' + encodeURIComponent(item.id), 'data-nav': true }, item.title || 'Contribution sans titre')),
      h('p', { class: 'sub-meta' },
        stateBadge(item.state, item.state_label), ' ',
        h('span', null, KIND_LABELS[item.kind] || item.kind),
        showAuthor ? h('span', null, ' · par ' + personName(item.author)) : null,
        showAuthor ? h('span', null, ' · ' + (item.assignee ? 'suivie par ' + personName(item.assignee) : 'non attribuée')) : null,
        typeof item.age_days === 'number' ? h('span', null, ' · ' + (item.age_days < 1 ? 'depuis aujourd\'hui' : 'depuis ' + plural(item.age_days, 'jour', 'jours'))) : null,
        when ? h('span', null, ' · mise à jour le ' + formatDateTime(when, false)) : null));
  }

  async function showMine(opts) {
    const page = openAppView('Mes contributions');
    const { view } = page;
    const account = await requireAccount(page, 'Mes contributions', 'voir vos contributions', canContribute);
    if (!account) { focusPage(opts); return; }
    view.appendChild(pageHeading('Mes contributions'));
    view.appendChild(statusBox(takeFlash()));
    view.appendChild(h('ul', { class: 'actions' },
      h('li', null, h('a', { href: '/soumettre', class: 'button-link primary', 'data-nav': true }, 'Proposer une nouvelle ressource'))));
    const region = h('div', { id: 'my-submissions', 'aria-busy': 'true' }, loadingLine('Chargement…'));
    view.appendChild(h('section', { 'aria-labelledby': 'mine-title' }, h('h2', { id: 'mine-title' }, 'Contributions'), region));
    view.appendChild(personalDataSection(page, account));
    focusPage(opts);
    try {
      const data = await request('GET', '/api/v1/submissions');
      if (isStale(page)) return;
      clear(region);
      const items = data && Array.isArray(data.items) ? data.items : [];
      if (!items.length) {
        region.appendChild(h('p', null, 'Vous n\'avez encore rien proposé. Une ressource de votre classe, une amélioration d\'une fiche existante ou un retour d\'expérience : tout aide vos collègues.'));
      } else {
        region.appendChild(h('p', { class: 'muted' }, plural(data.total || items.length, 'contribution', 'contributions')));
        region.appendChild(h('ul', { class: 'sub-list' }, items.map((item) => submissionItem(item, false))));
      }
    } catch (error) {
      if (isStale(page)) return;
      clear(region);
      pageError(region, error, () => showMine({ focus: 'none' }));
    } finally {
      region.setAttribute('aria-busy', 'false');
    }
  }

  function personalDataSection(page, account) {
    const status = h('p', { class: 'status-box', role: 'status', hidden: true });
    const exportButton = h('button', { type: 'button', class: 'button' }, 'Télécharger mes données (JSON)');
    exportButton.addEventListener('click', async () => {
      try {
        const data = await request('GET', '/api/v1/me/export');
        const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
        const url = URL.createObjectURL(blob);
        const link = h('a', { href: url, download: 'relais-mes-donnees.json', hidden: true });
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(() => URL.revokeObjectURL(url), 10000);
        setStatus(status, 'Vos données sont téléchargées (fichier relais-mes-donnees.json).');
      } catch (error) {
        setStatus(status, error.message, true);
      }
    });
    const deleteButton = h('button', { type: 'button', class: 'button danger' }, 'Supprimer mon compte');
    deleteButton.addEventListener('click', async () => {
      if (!window.confirm('Supprimer définitivement votre compte ? Votre nom, votre adresse et vos commentaires seront effacés ; vos contributions publiées resteront, signées « ancien contributeur ».')) return;
      try {
        await request('DELETE', '/api/v1/me');
        clearSession();
        app.flash = { text: 'Votre compte est supprimé.' };
        navigate('/connexion', { focus: 'auto' });
      } catch (error) {
        setStatus(status, error.message, true);
      }
    });
    return h('section', { class: 'panel personal-data', 'aria-labelledby': 'data-title' },
      h('h2', { id: 'data-title' }, 'Mes données personnelles'),
      h('p', null, 'Compte : ', h('strong', null, account.name), account.email ? ' — ' + account.email : '', '.'),
      h('div', { class: 'form-actions' }, exportButton, deleteButton), status);
  }

  // ------------------------------------------------------------------ /moderation

  const QUEUE_SIZE = 20;

  async function showModeration(opts) {
    const page = openAppView('Modération');
    const { view } = page;
    const account = await requireAccount(page, 'Modération', 'modérer les contributions', canModerate);
    if (!account) { focusPage(opts); return; }
    const params = new URLSearchParams(window.location.search);
    const filters = {
      state: params.get('state') || '', kind: params.get('kind') || '', source: params.get('source') || '',
      older_than_days: params.get('older_than_days') || '', page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1),
    };
    view.appendChild(pageHeading('Modération'));
    view.appendChild(statusBox(takeFlash()));

    const form = h('form', { id: 'queue-filters', class: 'filters-form', novalidate: true, 'aria-label': 'Filtrer la file' });
    const stateSelect = selectInput('state', [['', 'Tous les états']].concat(Object.entries(STATE_LABELS)), filters.state, { id: 'queue-state' });
    const kindSelect = selectInput('kind', [['', 'Toutes']].concat(Object.entries(KIND_LABELS)), filters.kind, { id: 'queue-kind' });
    const sourceInput = textInput('source', filters.source, { id: 'queue-source', autocomplete: 'off', spellcheck: 'false' });
    const ageSelect = selectInput('older_than_days', [['', 'Toutes'], ['1', 'Plus d\'un jour'], ['3', 'Plus de 3 jours'], ['7', 'Plus de 7 jours'], ['14', 'Plus de 14 jours'], ['30', 'Plus de 30 jours']],
      filters.older_than_days, { id: 'queue-age' });
    if (filters.older_than_days && ageSelect.value !== filters.older_than_days) {
      ageSelect.appendChild(h('option', { value: filters.older_than_days }, 'Plus de ' + filters.older_than_days + ' jours'));
      ageSelect.value = filters.older_than_days;
    }
    append(form, [
      formAlertBox(),
      h('div', { class: 'filters-row' },
        fieldBlock('state', 'État', stateSelect),
        fieldBlock('kind', 'Nature', kindSelect),
        fieldBlock('source', 'Source', sourceInput),
        fieldBlock('older_than_days', 'Ancienneté', ageSelect),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Filtrer'))),
    ]);
    const counts = h('div', { id: 'queue-counts', class: 'queue-counts' });
    const region = h('div', { id: 'queue', 'aria-live': 'polite', 'aria-busy': 'true' });
    const pager = h('nav', { class: 'pagination', 'aria-label': 'Pages de la file', hidden: true });
    view.appendChild(h('section', { 'aria-labelledby': 'queue-title' }, h('h2', { id: 'queue-title' }, 'Contributions à traiter'), form, counts, region, pager));
    const held = h('div', { id: 'held-evaluations' }, loadingLine('Chargement…'));
    view.appendChild(h('section', { 'aria-labelledby': 'held-title' }, h('h2', { id: 'held-title' }, 'Évaluations en attente'), held));
    const flagged = h('div', { id: 'flagged-comments' }, loadingLine('Chargement…'));
    view.appendChild(h('section', { 'aria-labelledby': 'flagged-title' }, h('h2', { id: 'flagged-title' }, 'Commentaires signalés'), flagged));
    focusPage(opts);

    const apply = (next, push) => {
      Object.assign(filters, next);
      const query = new URLSearchParams();
      for (const name of ['state', 'kind', 'source', 'older_than_days']) if (filters[name]) query.set(name, filters[name]);
      if (filters.page > 1) query.set('page', String(filters.page));
      const url = '/moderation' + (query.toString() ? '?' + query : '');
      if (push) history.pushState(null, '', url);
      loadQueue(page, filters, counts, region, pager, apply);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      apply({ state: stateSelect.value, kind: kindSelect.value, source: sourceInput.value.trim(), older_than_days: ageSelect.value, page: 1 }, true);
    });
    loadQueue(page, filters, counts, region, pager, apply);
    loadHeldEvaluations(page, held);
    loadFlaggedComments(page, flagged);
  }

  async function loadQueue(page, filters, counts, region, pager, apply) {
    region.setAttribute('aria-busy', 'true');
    const query = new URLSearchParams();
    for (const name of ['state', 'kind', 'source', 'older_than_days']) if (filters[name]) query.set(name, filters[name]);
    query.set('page', String(filters.page));
    query.set('size', String(QUEUE_SIZE));
    try {
      const data = await request('GET', '/api/v1/moderation/queue?' + query.toString());
      if (isStale(page)) return;
      clear(counts);
      const entries = Object.entries(data.counts || {});
      if (entries.length) {
        const list = h('ul', { class: 'count-list', 'aria-label': 'Nombre de contributions par état' });
        for (const [state, n] of entries) {
          const pressed = filters.state === state;
          const b = h('button', { type: 'button', class: 'count-button', 'aria-pressed': pressed ? 'true' : 'false', dataset: { state } },
            STATE_LABELS[state] || state, ' ', h('span', { class: 'count' }, fmt(n)));
          b.addEventListener('click', () => {
            const select = $('queue-state');
            if (select) select.value = pressed ? '' : state;
            apply({ state: pressed ? '' : state, page: 1 }, true);
          });
          list.appendChild(h('li', null, b));
        }
        counts.appendChild(list);
      }
      clear(region);
      const items = Array.isArray(data.items) ? data.items : [];
      const total = typeof data.total === 'number' ? data.total : items.length;
      region.appendChild(h('p', { class: 'muted', id: 'queue-summary', dataset: { total: String(total) } },
        total ? plural(total, 'contribution', 'contributions') + ', les plus anciennes d\'abord.' : 'Aucune contribution ne correspond à ces filtres.'));
      if (items.length) region.appendChild(h('ul', { class: 'sub-list' }, items.map((item) => submissionItem(item, true))));
      clear(pager);
      const pages = Math.max(1, Math.ceil(total / QUEUE_SIZE));
      pager.hidden = pages <= 1;
      if (pages > 1) {
        const ul = h('ul');
        const pageButton = (n, label) => {
          const b = h('button', { type: 'button', class: 'button' }, label);
          b.addEventListener('click', () => apply({ page: n }, true));
          return h('li', null, b);
        };
        if (filters.page > 1) ul.appendChild(pageButton(filters.page - 1, '‹ Précédente'));
        ul.appendChild(h('li', null, h('span', { class: 'page-current', 'aria-current': 'page' }, 'Page ' + filters.page + ' sur ' + pages)));
        if (filters.page < pages) ul.appendChild(pageButton(filters.page + 1, 'Suivante ›'));
        pager.appendChild(ul);
      }
    } catch (error) {
      if (isStale(page)) return;
      clear(region);
      const form = $('queue-filters');
      if (form && error.status === 400 && fieldFor(form, error.parameter)) showProblem(form, error);
      else pageError(region, error, () => loadQueue(page, filters, counts, region, pager, apply));
    } finally {
      region.setAttribute('aria-busy', 'false');
    }
  }

  function evaluationScores(evaluation, grid) {
    const criteria = evaluation.criteria || {};
    const labels = {};
    for (const c of (grid && grid.criteria) || []) labels[c.id] = c.label;
    return h('ul', { class: 'score-list' }, Object.entries(criteria).map(([id, c]) => h('li', null,
      (labels[id] || id) + ' : ', h('strong', null, c && typeof c.score === 'number' ? c.score + ' / 4' : 'sans objet'),
      c && c.comment ? ' — « ' + c.comment + ' »' : '')));
  }

  async function loadHeldEvaluations(page, box) {
    try {
      const [data, grid] = await Promise.all([request('GET', '/api/v1/moderation/evaluations'), api('/api/v1/evaluation-grid').catch(() => null)]);
      if (isStale(page)) return;
      clear(box);
      const items = data && Array.isArray(data.items) ? data.items : (data && Array.isArray(data.evaluations) ? data.evaluations : []);
      if (!items.length) { box.appendChild(h('p', { class: 'muted' }, 'Aucune évaluation en attente.')); return; }
      const list = h('ul', { class: 'sub-list' });
      for (const e of items) {
        const status = h('p', { class: 'status-line', role: 'status' });
        const act = async (action, button) => {
          button.disabled = true;
          try {
            await request('POST', '/api/v1/evaluations/' + encodeURIComponent(e.id) + '/moderation', { action });
            if (isStale(page)) return;
            li.classList.add('is-done');
            for (const b of li.querySelectorAll('button')) b.remove();
            status.textContent = action === 'release' ? 'Évaluation publiée.' : 'Évaluation masquée.';
          } catch (error) {
            button.disabled = false;
            status.textContent = error.message;
          }
        };
        const release = h('button', { type: 'button', class: 'button primary', dataset: { action: 'release' } }, 'Publier l\'évaluation');
        release.addEventListener('click', () => act('release', release));
        const hide = h('button', { type: 'button', class: 'button', dataset: { action: 'hide' } }, 'Masquer');
        hide.addEventListener('click', () => act('hide', hide));
        const li = h('li', { class: 'sub-item', dataset: { evaluation: String(e.id), resource: e.resource_id || '' } },
          h('h3', null, 'Évaluation de ', h('a', { href: '/ressource/' + encodeURIComponent(e.resource_id), 'data-nav': true,
            dataset: e.resource_title ? null : { resourceTitle: e.resource_id } }, e.resource_title || e.resource_id)),
          h('p', { class: 'sub-meta' }, 'Par ' + personName(e.evaluator) + (e.expert ? ' (expert)' : '') + ' — ' + formatDateTime(e.created_at)),
          evaluationScores(e, grid),
          e.strengths ? h('p', null, h('strong', null, 'Points forts : '), e.strengths) : null,
          e.improvements ? h('p', null, h('strong', null, 'Points à améliorer : '), e.improvements) : null,
          h('div', { class: 'form-actions' }, release, hide), status);
        list.appendChild(li);
      }
      box.appendChild(list);
      fillResourceTitles(box);
    } catch (error) {
      if (isStale(page)) return;
      clear(box);
      box.appendChild(h('p', { class: 'check-error' }, 'La liste n\'a pas pu être chargée : ' + error.message));
    }
  }

  /** Les liens qui ne montrent qu'un identifiant de ressource prennent son titre (une requête par ressource). */
  function fillResourceTitles(box) {
    const links = Array.from(box.querySelectorAll('a[data-resource-title]'));
    const ids = Array.from(new Set(links.map((a) => a.dataset.resourceTitle)));
    for (const id of ids) {
      api('/api/v1/resources/' + encodeURIComponent(id)).then((r) => {
        for (const a of links) if (a.dataset.resourceTitle === id && r.title) a.textContent = r.title;
      }).catch(() => { /* l'identifiant reste affiché */ });
    }
  }

  async function loadFlaggedComments(page, box) {
    try {
      const data = await request('GET', '/api/v1/moderation/comments');
      if (isStale(page)) return;
      clear(box);
      const items = data && Array.isArray(data.items) ? data.items : (data && Array.isArray(data.comments) ? data.comments : []);
      if (!items.length) { box.appendChild(h('p', { class: 'muted' }, 'Aucun commentaire signalé.')); return; }
      const list = h('ul', { class: 'sub-list' });
      for (const c of items) {
        const li = h('li', { class: 'sub-item', dataset: { comment: String(c.id) } },
          h('p', { class: 'sub-meta' }, personName(c.author) + ' — ' + formatDateTime(c.created_at),
            c.resource_id ? [' — sur ', h('a', { href: '/ressource/' + encodeURIComponent(c.resource_id), 'data-nav': true,
              dataset: c.resource_title ? null : { resourceTitle: c.resource_id } }, c.resource_title || c.resource_id)] : null,
            typeof c.flags === 'number' ? ' — ' + plural(c.flags, 'signalement', 'signalements') : (Array.isArray(c.flags) ? ' — ' + plural(c.flags.length, 'signalement', 'signalements') : null)),
          h('p', { class: 'thread-text' }, c.text || ''));
        li.appendChild(hideCommentControl(c, () => {
          li.classList.add('is-done');
          li.appendChild(h('p', { class: 'status-line', role: 'status' }, 'Commentaire masqué.'));
        }));
        list.appendChild(li);
      }
      box.appendChild(list);
      fillResourceTitles(box);
    } catch (error) {
      if (isStale(page)) return;
      clear(box);
      box.appendChild(h('p', { class: 'check-error' }, 'La liste n\'a pas pu être chargée : ' + error.message));
    }
  }

  /** Le bouton « Masquer » d'un commentaire (curateurs) : il demande un motif puis masque. */
  function hideCommentControl(comment, onHidden) {
    const wrap = h('div', { class: 'hide-control' });
    const open = h('button', { type: 'button', class: 'button small', 'aria-expanded': 'false', dataset: { action: 'hide-comment' } }, 'Masquer');
    const form = h('form', { class: 'inline-form', novalidate: true, hidden: true });
    const reason = textInput('reason', '', { id: controlId('motif-masquage'), maxlength: '1000' });
    append(form, [formAlertBox(), fieldBlock('reason', 'Motif du masquage', reason, { required: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button danger' }, 'Confirmer le masquage'),
        h('button', { type: 'button', class: 'button', onclick: () => { form.hidden = true; open.setAttribute('aria-expanded', 'false'); open.focus(); } }, 'Annuler'))]);
    open.addEventListener('click', () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', form.hidden ? 'false' : 'true');
      if (!form.hidden) reason.focus();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) { showLocalErrors(form, [['reason', 'Indiquez pourquoi ce commentaire est masqué.']]); return; }
      setBusy(form, true);
      try {
        await request('POST', '/api/v1/comments/' + encodeURIComponent(comment.id) + '/hide', { reason: reason.value.trim() });
        wrap.remove();
        onHidden();
      } catch (error) {
        showProblem(form, error);
      } finally {
        setBusy(form, false);
      }
    });
    wrap.appendChild(open);
    wrap.appendChild(form);
    return wrap;
  }

  // ------------------------------------------------------------------ /ressource/{id}/evaluer

  async function showEvaluate(id, opts) {
    const page = openAppView('Évaluer une ressource');
    const { view } = page;
    const account = await requireAccount(page, 'Évaluer une ressource', 'évaluer une ressource', canContribute);
    if (!account) { focusPage(opts); return; }
    view.appendChild(loadingLine('Chargement de la grille…'));
    try {
      const [grid, resource, existing] = await Promise.all([
        api('/api/v1/evaluation-grid'),
        api('/api/v1/resources/' + encodeURIComponent(id)),
        request('GET', '/api/v1/resources/' + encodeURIComponent(id) + '/evaluations').catch(() => null),
      ]);
      if (isStale(page)) return;
      const items = existing && Array.isArray(existing.items) ? existing.items : [];
      const mine = items.find((e) => e.evaluator && String(e.evaluator.id) === String(account.id)) || null;
      clear(view);
      renderEvaluationForm(page, grid, resource, mine, opts);
    } catch (error) {
      if (isStale(page) || (error && error.name === 'AbortError')) return;
      clear(view);
      view.appendChild(pageHeading('Évaluer une ressource'));
      pageError(view, error, () => showEvaluate(id, opts));
      focusPage(opts);
    }
  }

  function renderEvaluationForm(page, grid, resource, mine, opts) {
    const { view } = page;
    const state = { mode: mine ? 'put' : 'post' };
    document.title = 'Évaluer « ' + (resource.title || resource.id) + ' » — Relais';
    view.appendChild(h('a', { href: '/ressource/' + encodeURIComponent(resource.id), class: 'back', 'data-nav': true }, '← Retour à la ressource'));
    view.appendChild(pageHeading('Évaluer « ' + (resource.title || resource.id) + ' »'));
    const status = statusBox(null);
    view.appendChild(status);
    view.appendChild(h('p', { class: 'lead' }, (grid.label || 'Grille d\'évaluation') + (grid.version ? ' (version ' + grid.version + ')' : '') +
      '. Pour chaque critère, choisissez le niveau qui décrit le mieux la ressource, de 1 (insuffisant) à 4 (excellent), ou « Sans objet » si le critère ne s\'applique pas.'));
    if (mine) view.appendChild(h('p', { class: 'notice' }, 'Vous avez déjà évalué cette ressource : vos réponses sont reprises ci-dessous et seront mises à jour.'));

    const form = h('form', { id: 'evaluation-form', class: 'evaluation-form', novalidate: true, 'aria-labelledby': 'page-title' });
    form.appendChild(formAlertBox());
    const criteria = Array.isArray(grid.criteria) ? grid.criteria : [];
    criteria.forEach((c, index) => {
      const previous = mine && mine.criteria ? mine.criteria[c.id] || {} : {};
      const groupId = 'critere-' + c.id;
      const questionId = groupId + '-question';
      const errorId = groupId + '-erreur';
      const fieldset = h('fieldset', { class: 'form-field criterion', id: groupId, dataset: { field: 'criteria.' + c.id, label: c.label, criterion: c.id },
        'aria-describedby': questionId + ' ' + errorId },
      h('legend', null, h('span', { class: 'criterion-number' }, (index + 1) + '. '), c.label),
      h('p', { class: 'criterion-question', id: questionId }, c.question || ''),
      h('p', { class: 'field-error', id: errorId, hidden: true }));
      const list = h('ul', { class: 'levels' });
      const levels = Array.isArray(c.levels) ? c.levels : [];
      levels.forEach((descriptor, i) => {
        const score = i + 1;
        const radioId = groupId + '-' + score;
        const radio = h('input', { type: 'radio', name: 'score-' + c.id, id: radioId, value: String(score) });
        radio.checked = previous.score === score;
        list.appendChild(h('li', null, h('label', { for: radioId, class: 'level-option' }, radio,
          h('span', { class: 'level-number', 'aria-hidden': 'true' }, String(score)),
          h('span', { class: 'level-text' }, h('span', { class: 'visually-hidden' }, 'Niveau ' + score + ' : '), descriptor))));
      });
      const naId = groupId + '-na';
      const na = h('input', { type: 'radio', name: 'score-' + c.id, id: naId, value: 'na' });
      na.checked = !!mine && Object.prototype.hasOwnProperty.call(previous, 'score') && previous.score === null;
      list.appendChild(h('li', null, h('label', { for: naId, class: 'level-option level-na' }, na,
        h('span', { class: 'level-number', 'aria-hidden': 'true' }, '–'), h('span', { class: 'level-text' }, 'Sans objet'))));
      fieldset.appendChild(list);
      const comment = textArea('comment-' + c.id, previous.comment || '', { id: groupId + '-commentaire', rows: '2', maxlength: '2000' });
      fieldset.appendChild(fieldBlock('criteria.' + c.id + '.comment', 'Commentaire sur « ' + c.label + ' » (facultatif)', comment, { className: 'criterion-comment' }));
      fieldset.addEventListener('change', (event) => {
        if (event.target.type !== 'radio' || !fieldset.classList.contains('has-error')) return;
        fieldset.classList.remove('has-error');
        const error = fieldset.querySelector(':scope > .field-error');
        if (error) { error.hidden = true; error.textContent = ''; }
      });
      form.appendChild(fieldset);
    });
    form.appendChild(fieldBlock('strengths', 'Points forts', textArea('strengths', mine ? mine.strengths : '', { id: 'eval-strengths', rows: '3', maxlength: '5000' }),
      { help: 'Ce qui rend la ressource utile en classe.' }));
    form.appendChild(fieldBlock('improvements', 'Points à améliorer', textArea('improvements', mine ? mine.improvements : '', { id: 'eval-improvements', rows: '3', maxlength: '5000' }),
      { help: 'Ce qui pourrait être corrigé ou complété.' }));
    form.appendChild(h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'evaluation-submit' }, mine ? 'Mettre à jour mon évaluation' : 'Enregistrer mon évaluation')));
    view.appendChild(form);

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const errors = [];
      const body = { criteria: {}, strengths: form.elements.namedItem('strengths').value.trim(), improvements: form.elements.namedItem('improvements').value.trim() };
      for (const c of criteria) {
        const chosen = form.querySelector('input[name="score-' + c.id + '"]:checked');
        if (!chosen) { errors.push(['criteria.' + c.id, 'Choisissez un niveau de 1 à 4, ou « Sans objet ».']); continue; }
        const entry = { score: chosen.value === 'na' ? null : parseInt(chosen.value, 10) };
        const comment = form.elements.namedItem('comment-' + c.id).value.trim();
        if (comment) entry.comment = comment;
        body.criteria[c.id] = entry;
      }
      if (errors.length) { showLocalErrors(form, errors); return; }
      clearProblems(form);
      setBusy(form, true);
      const path = '/api/v1/resources/' + encodeURIComponent(resource.id) + '/evaluations';
      try {
        let saved;
        try {
          saved = state.mode === 'put' ? await request('PUT', path + '/mine', body) : await request('POST', path, body);
        } catch (error) {
          // 409 : une évaluation de cette version existe déjà ; elle est mise à jour.
          if (error.status !== 409 || state.mode === 'put') throw error;
          state.mode = 'put';
          saved = await request('PUT', path + '/mine', body);
        }
        if (isStale(page)) return;
        state.mode = 'put';
        $('evaluation-submit').textContent = 'Mettre à jour mon évaluation';
        const held = saved && saved.status === 'held';
        clear(status);
        status.hidden = false;
        status.classList.add('is-success');
        status.classList.remove('is-error');
        append(status, [
          h('p', null, 'Merci, votre évaluation est enregistrée.'),
          held ? h('p', { class: 'held-note' }, 'Elle sera visible dans la synthèse après une vérification par l\'équipe de modération (les évaluations des nouveaux comptes sont relues).')
            : h('p', null, 'Elle compte désormais dans la synthèse de la ressource.'),
          h('p', null, h('a', { href: '/ressource/' + encodeURIComponent(resource.id) + '#evaluation-title', 'data-nav': true }, 'Voir la synthèse des évaluations')),
        ]);
        status.dataset.evaluationStatus = saved && saved.status ? saved.status : '';
        status.focus();
      } catch (error) {
        if (isStale(page)) return;
        if (error.status === 403) error.message = capitalize(error.problem && error.problem.detail) || 'Vous ne pouvez pas évaluer une ressource dont vous êtes l\'auteur.';
        showProblem(form, error);
      } finally {
        setBusy(form, false);
      }
    });
    focusPage(opts);
  }

  // ------------------------------------------------------------------ page d'une ressource : évaluation, retours, commentaires

  /** Les liens « Évaluer », « Proposer une amélioration », « Partager un retour d'expérience ». */
  function contributeLinks(r) {
    const id = encodeURIComponent(r.id);
    return h('section', { class: 'contribute', 'aria-labelledby': 'contribute-title' },
      h('h2', { id: 'contribute-title' }, 'Contribuer'),
      h('ul', { class: 'actions' },
        h('li', null, h('a', { href: '/ressource/' + id + '/evaluer', class: 'button-link', 'data-nav': true, id: 'link-evaluate' }, 'Évaluer cette ressource')),
        h('li', null, h('a', { href: '/soumettre?amelioration=' + id, class: 'button-link', 'data-nav': true, id: 'link-improve' }, 'Proposer une amélioration')),
        h('li', null, h('a', { href: '/soumettre?retour=' + id, class: 'button-link', 'data-nav': true, id: 'link-feedback' }, 'Partager un retour d\'expérience'))),
      getToken() ? null : h('p', { class: 'muted' }, 'Il faut un compte pour contribuer : ', loginLink('se connecter ou créer un compte'), '.'));
  }

  function agreementLabel(value) {
    if (typeof value !== 'number') return null;
    const percent = Math.round(value * 100) + ' %';
    if (value >= 0.75) return 'accord élevé (' + percent + ')';
    if (value >= 0.5) return 'accord moyen (' + percent + ')';
    return 'avis partagés (' + percent + ')';
  }

  /** Une barre horizontale (décorative : la valeur est écrite à côté). La largeur passe par le CSSOM (CSP). */
  function bar(fraction, className) {
    const fill = h('span', { class: 'bar-fill' });
    fill.style.width = Math.max(0, Math.min(1, fraction || 0)) * 100 + '%';
    return h('span', { class: 'bar' + (className ? ' ' + className : ''), 'aria-hidden': 'true' }, fill);
  }

  function statsText(stats, who) {
    if (!stats || !stats.count) return who + (stats && stats.not_applicable ? ' : sans objet' : ' : pas de note');
    const mean = formatMean(stats.mean);
    return who + ' : ' + (mean ? mean + ' / 4' : 'sans objet') + ' (' + plural(stats.count, 'note', 'notes') + ')';
  }

  function renderSynthesis(r) {
    const s = r.synthesis;
    const section = h('section', { class: 'synthesis', id: 'synthesis', 'aria-labelledby': 'evaluation-title' },
      h('h2', { id: 'evaluation-title', tabindex: '-1' }, 'Évaluation'));
    if (!s || s.state === 'not_evaluated' || !s.count) {
      section.dataset.state = 'not_evaluated';
      section.appendChild(h('p', { class: 'not-evaluated' }, capitalize((s && s.label) || 'pas encore évalué') + '. ',
        h('a', { href: '/ressource/' + encodeURIComponent(r.id) + '/evaluer', 'data-nav': true }, 'Soyez la première personne à l\'évaluer'), '.'));
      return section;
    }
    section.dataset.state = 'evaluated';
    const overall = formatMean(s.overall_mean);
    section.appendChild(h('p', { class: 'synthesis-summary' },
      h('strong', null, capitalize(s.label || plural(s.count, 'évaluation', 'évaluations'))),
      overall ? ' — moyenne générale ' : '', overall ? h('strong', { class: 'overall-mean' }, overall + ' / 4') : null,
      ' (' + plural(s.experts || 0, 'expert', 'experts') + ', ' + plural(s.peers || 0, 'enseignant pair', 'enseignants pairs') + ')',
      s.grid_version ? '. Grille version ' + s.grid_version + '.' : '.'));
    if (overall) section.appendChild(bar((s.overall_mean - 1) / 3, 'bar-large'));

    const list = h('ul', { class: 'criteria-synthesis' });
    for (const c of s.criteria || []) {
      const all = c.all || {};
      const mean = formatMean(all.mean);
      const distribution = Array.isArray(all.distribution) ? all.distribution : [];
      const maxCount = Math.max(1, ...distribution.map((n) => n || 0));
      const dist = h('ol', { class: 'distribution', 'aria-label': 'Répartition des notes pour « ' + c.label + ' »' });
      distribution.forEach((n, i) => {
        dist.appendChild(h('li', null, h('span', { class: 'dist-level' }, 'Note ' + (i + 1)), bar((n || 0) / maxCount, 'bar-small'),
          h('span', { class: 'dist-count' }, plural(n || 0, 'note', 'notes'))));
      });
      const agreement = agreementLabel(all.agreement);
      list.appendChild(h('li', { class: 'criterion-synthesis', dataset: { criterion: c.id || '' } },
        h('h3', null, c.label || c.id),
        h('p', { class: 'criterion-mean' }, 'Moyenne : ', h('strong', { class: 'mean-value' }, mean ? mean + ' / 4' : 'sans objet'),
          mean ? bar((all.mean - 1) / 3) : null),
        h('p', { class: 'criterion-groups' }, statsText(c.experts, 'Experts'), ' · ', statsText(c.peers, 'Pairs'),
          all.not_applicable ? ' · ' + plural(all.not_applicable, 'réponse « sans objet »', 'réponses « sans objet »') : ''),
        agreement ? h('p', { class: 'criterion-agreement' }, 'Entre évaluateurs : ' + agreement) : null,
        distribution.length ? dist : null));
    }
    section.appendChild(list);

    const pointList = (title, id, points) => (points && points.length ? h('div', { class: 'points' },
      h('h3', { id }, title),
      h('ul', null, points.map((p) => h('li', null, p.label || p.criterion, formatMean(p.mean) ? ' (' + formatMean(p.mean) + ' / 4)' : '')))) : null);
    const quotes = s.quotes || {};
    const quoteList = (title, items) => (items && items.length ? h('div', { class: 'quotes' }, h('h3', null, title),
      items.map((q) => h('blockquote', { class: 'quote' }, h('p', null, q)))) : null);
    const points = h('div', { class: 'points-grid' },
      pointList('Points forts', 'strengths-title', s.strengths),
      pointList('Points à améliorer', 'weaknesses-title', s.weaknesses));
    if (points.childNodes.length) section.appendChild(points);
    const quoteBox = h('div', { class: 'points-grid' },
      quoteList('Ce que les évaluateurs apprécient', quotes.strengths),
      quoteList('Ce qu\'ils suggèrent d\'améliorer', quotes.improvements));
    if (quoteBox.childNodes.length) section.appendChild(quoteBox);
    section.appendChild(h('p', null, h('a', { href: '/ressource/' + encodeURIComponent(r.id) + '/evaluer', 'data-nav': true }, 'Ajouter votre évaluation')));
    return section;
  }

  /** Retours d'expérience et commentaires : chargés après la fiche, sans déplacer le focus. */
  function communitySections(r) {
    const feedback = h('section', { class: 'feedback-section', 'aria-labelledby': 'feedback-title' },
      h('h2', { id: 'feedback-title' }, 'Retours d\'expérience en classe'), h('div', { id: 'feedback-list' }, loadingLine('Chargement…')));
    const comments = h('section', { class: 'comments-section', 'aria-labelledby': 'comments-title' },
      h('h2', { id: 'comments-title' }, 'Commentaires'), h('div', { id: 'comments-list' }, loadingLine('Chargement…')));
    return [feedback, comments];
  }

  async function loadCommunity(r, controller) {
    const id = encodeURIComponent(r.id);
    const feedbackBox = $('feedback-list');
    const commentsBox = $('comments-list');
    const [feedback, comments, niveaux] = await Promise.all([
      request('GET', '/api/v1/resources/' + id + '/feedback', null, { signal: controller.signal }).catch((e) => e),
      request('GET', '/api/v1/resources/' + id + '/comments', null, { signal: controller.signal }).catch((e) => e),
      vocabulary('niveaux').catch(() => []),
    ]);
    if (controller !== app.resourceController || !feedbackBox.isConnected) return;
    clear(feedbackBox);
    if (feedback instanceof Error) {
      feedbackBox.appendChild(h('p', { class: 'check-error' }, 'Les retours d\'expérience n\'ont pas pu être chargés : ' + feedback.message));
    } else {
      const items = feedback && Array.isArray(feedback.items) ? feedback.items : [];
      if (!items.length) {
        feedbackBox.appendChild(h('p', { class: 'muted' }, 'Aucun retour d\'expérience pour l\'instant. ',
          h('a', { href: '/soumettre?retour=' + id, 'data-nav': true }, 'Racontez comment la ressource a fonctionné dans votre classe'), '.'));
      } else {
        feedbackBox.appendChild(h('ul', { class: 'feedback-list' }, items.map((f) => {
          const dl = h('dl', { class: 'metadata' });
          row(dl, 'Contexte', f.context);
          row(dl, 'Ce qui a fonctionné', f.worked);
          row(dl, 'À adapter', f.adapt);
          return h('li', { class: 'feedback-item', dataset: { id: String(f.id) } },
            h('h3', null, f.level ? 'En ' + termLabel(niveaux, f.level) : 'Retour d\'expérience'),
            h('p', { class: 'thread-meta' }, 'Partagé par ' + personName(f.author) + (f.published_at ? ' le ' + formatDateTime(f.published_at, false) : '')),
            dl);
        })));
      }
    }
    clear(commentsBox);
    if (comments instanceof Error) {
      commentsBox.appendChild(h('p', { class: 'check-error' }, 'Les commentaires n\'ont pas pu être chargés : ' + comments.message));
      return;
    }
    renderComments(r, commentsBox, comments && Array.isArray(comments.items) ? comments.items : []);
  }

  function renderComments(r, box, items) {
    const account = currentAccount();
    const list = h('ol', { class: 'thread', id: 'comments' });
    const title = $('comments-title');
    const refreshTitle = () => {
      const n = list.children.length;
      if (title) title.textContent = n ? 'Commentaires (' + n + ')' : 'Commentaires';
    };
    const empty = h('p', { class: 'muted', id: 'comments-empty' }, 'Aucun commentaire pour l\'instant.');
    const commentItem = (c) => {
      const li = h('li', { class: 'thread-item', dataset: { comment: String(c.id) } },
        h('p', { class: 'thread-meta' }, h('strong', null, personName(c.author)), ' — ', formatDateTime(c.created_at)),
        h('p', { class: 'thread-text' }, c.text || ''));
      const tools = h('div', { class: 'comment-tools' });
      const mine = account && c.author && String(c.author.id) === String(account.id);
      if (account && !mine) {
        const flag = h('button', { type: 'button', class: 'button small', dataset: { action: 'flag' } }, 'Signaler',
          h('span', { class: 'visually-hidden' }, ' le commentaire de ' + personName(c.author)));
        const note = h('span', { class: 'status-line', role: 'status' });
        flag.addEventListener('click', async () => {
          flag.disabled = true;
          try {
            await request('POST', '/api/v1/comments/' + encodeURIComponent(c.id) + '/flags', {});
            flag.remove();
            note.textContent = 'Merci : le commentaire est signalé aux curateurs.';
          } catch (error) {
            if (error.status === 409) { flag.remove(); note.textContent = 'Vous avez déjà signalé ce commentaire.'; return; }
            flag.disabled = false;
            note.textContent = error.message;
          }
        });
        tools.appendChild(flag);
        tools.appendChild(note);
      }
      if (canModerate(account)) {
        tools.appendChild(hideCommentControl(c, () => {
          li.remove();
          refreshTitle();
          empty.hidden = list.children.length > 0;
          $('live').textContent = 'Commentaire masqué.';
        }));
      }
      if (tools.childNodes.length) li.appendChild(tools);
      return li;
    };
    for (const c of items) list.appendChild(commentItem(c));
    empty.hidden = items.length > 0;
    box.appendChild(empty);
    box.appendChild(list);
    refreshTitle();

    if (!account) {
      box.appendChild(h('p', null, loginLink('Connectez-vous'), ' pour commenter cette ressource.'));
      return;
    }
    if (!canContribute(account)) return;
    const form = h('form', { id: 'comment-form', class: 'stack-form', novalidate: true, 'aria-labelledby': 'comment-form-title' });
    const text = textArea('text', '', { id: 'comment-text', rows: '3', maxlength: '4000' });
    append(form, [
      h('h3', { id: 'comment-form-title' }, 'Ajouter un commentaire'),
      formAlertBox(),
      fieldBlock('text', 'Votre commentaire', text, { required: true, help: 'Restez courtois : les commentaires sont publics et peuvent être signalés.' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Publier le commentaire')),
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!text.value.trim()) { showLocalErrors(form, [['text', 'Écrivez votre commentaire avant de le publier.']]); return; }
      setBusy(form, true);
      try {
        const created = await request('POST', '/api/v1/resources/' + encodeURIComponent(r.id) + '/comments', { text: text.value.trim() });
        clearProblems(form);
        const comment = created && created.id !== undefined ? created
          : { id: '', author: account, text: text.value.trim(), created_at: new Date().toISOString() };
        if (!comment.author) comment.author = { id: account.id, name: account.name };
        list.appendChild(commentItem(comment));
        empty.hidden = true;
        refreshTitle();
        text.value = '';
        $('live').textContent = 'Commentaire publié.';
      } catch (error) {
        showProblem(form, error);
      } finally {
        setBusy(form, false);
      }
    });
    box.appendChild(form);
  }

  // ------------------------------------------------------------------ autocomplétion (combobox ARIA)

  const suggest = { timer: 0, controller: null, items: [], active: -1, lastQuery: null };

  function openSuggestions(items, query) {
    const list = $('suggestions');
    clear(list);
    suggest.items = items;
    suggest.active = -1;
    const input = $('q');
    input.removeAttribute('aria-activedescendant');
    if (!items.length) { closeSuggestions(); return; }
    items.forEach((text, index) => {
      const option = h('li', { id: 'suggestion-' + index, role: 'option', 'aria-selected': 'false' });
      appendHighlighted(option, text, query);
      option.addEventListener('mousedown', (event) => event.preventDefault()); // garde le focus dans le champ
      option.addEventListener('click', () => chooseSuggestion(index));
      list.appendChild(option);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    $('suggest-live').textContent = plural(items.length, 'suggestion', 'suggestions') + ' ; flèches haut et bas pour choisir.';
  }

  /** Met en gras la partie de la suggestion qui prolonge ce qui a été tapé (sans HTML). */
  function appendHighlighted(el, text, query) {
    const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const last = (query || '').trim().split(/\s+/).pop() || '';
    const folded = fold(text);
    const at = last ? folded.indexOf(fold(last)) : -1;
    if (at < 0 || fold(text).length !== text.length) { el.textContent = text; return; }
    const end = at + last.length;
    append(el, [text.slice(0, at), h('span', { class: 'match' }, text.slice(at, end)), text.slice(end)]);
  }

  function closeSuggestions() {
    const list = $('suggestions');
    if (!list) return;
    list.hidden = true;
    clear(list);
    suggest.items = [];
    suggest.active = -1;
    const input = $('q');
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(index) {
    const options = Array.from($('suggestions').children);
    if (!options.length) return;
    suggest.active = index;
    options.forEach((option, i) => option.setAttribute('aria-selected', i === index ? 'true' : 'false'));
    const input = $('q');
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', options[index].id);
      options[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  /**
   * La suggestion complète ce qui est tapé : si elle reprend déjà le début de la saisie, elle la
   * remplace ; sinon elle remplace le dernier mot.
   */
  function completedQuery(typed, suggestion) {
    const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
    const words = typed.trim().split(/\s+/);
    if (words.length <= 1) return suggestion;
    const head = words.slice(0, -1).join(' ');
    if (fold(suggestion).startsWith(fold(head))) return suggestion;
    return head + ' ' + suggestion;
  }

  function chooseSuggestion(index) {
    const text = suggest.items[index];
    if (text === undefined) return;
    const input = $('q');
    input.value = completedQuery(input.value, text);
    closeSuggestions();
    submitSearch();
  }

  function scheduleSuggestions() {
    window.clearTimeout(suggest.timer);
    const query = $('q').value;
    if (!query.trim() || query.length > 100) { closeSuggestions(); return; }
    suggest.timer = window.setTimeout(() => fetchSuggestions(query), SUGGEST_DELAY);
  }

  async function fetchSuggestions(query) {
    if (suggest.controller) suggest.controller.abort();
    const controller = new AbortController();
    suggest.controller = controller;
    try {
      const data = await api('/api/v1/suggest?' + new URLSearchParams({ q: query, size: '8' }).toString(), controller.signal);
      if (controller !== suggest.controller || $('q').value !== query || document.activeElement !== $('q')) return;
      const items = (Array.isArray(data.suggestions) ? data.suggestions : [])
        .filter((s) => typeof s === 'string' && s.trim()).slice(0, 10);
      openSuggestions(items, query);
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      closeSuggestions(); // l'autocomplétion est un confort : une erreur ne gêne pas la recherche
    }
  }

  function onSearchKeydown(event) {
    const open = !$('suggestions').hidden && suggest.items.length > 0;
    switch (event.key) {
      case 'ArrowDown':
        if (open) { event.preventDefault(); setActive(suggest.active + 1 >= suggest.items.length ? 0 : suggest.active + 1); }
        else if ($('q').value.trim()) { event.preventDefault(); fetchSuggestions($('q').value); }
        break;
      case 'ArrowUp':
        if (open) { event.preventDefault(); setActive(suggest.active <= 0 ? suggest.items.length - 1 : suggest.active - 1); }
        break;
      case 'Enter':
        if (open && suggest.active >= 0) { event.preventDefault(); chooseSuggestion(suggest.active); }
        break;
      case 'Escape':
        if (open) { event.preventDefault(); closeSuggestions(); }
        else if ($('q').value) { event.preventDefault(); $('q').value = ''; }
        break;
      case 'Tab':
        closeSuggestions();
        break;
      default:
        break;
    }
  }

  function submitSearch() {
    window.clearTimeout(suggest.timer);
    if (suggest.controller) suggest.controller.abort();
    closeSuggestions();
    const next = app.state && $('search-view').hidden === false ? cloneState(app.state) : stateFromURL('');
    next.q = $('q').value.trim();
    next.page = 1;
    if ($('search-view').hidden) { next.filters = {}; next.extra = []; }
    navigate(searchURL(next), { focus: 'keep' });
  }

  // ------------------------------------------------------------------ démarrage

  function setFiltersOpen(open) {
    app.filtersOpen = open;
    $('layout').classList.toggle('filters-open', open);
    $('filters-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  function init() {
    document.addEventListener('click', onDocumentClick);
    // « Aller aux résultats » : le titre des résultats prend le focus (il a tabindex=-1).
    $('skip-results').addEventListener('click', (event) => {
      if ($('search-view').hidden) return;
      event.preventDefault();
      const title = $('results-title');
      title.focus({ preventScroll: true });
      title.scrollIntoView({ block: 'start' });
    });
    window.addEventListener('popstate', () => route({ focus: 'none', syncInput: true }));
    // Une autre page (ou un autre onglet) a fermé la session : l'en-tête suit.
    window.addEventListener('storage', (event) => { if (event.key === TOKEN_KEY || event.key === null) renderAccountNav(); });
    renderAccountNav();
    if (getToken()) app.accountCheck = refreshAccount().finally(() => { app.accountCheck = null; });

    const form = $('search-form');
    form.addEventListener('submit', (event) => { event.preventDefault(); submitSearch(); });
    const input = $('q');
    input.addEventListener('input', scheduleSuggestions);
    input.addEventListener('keydown', onSearchKeydown);
    input.addEventListener('blur', () => window.setTimeout(() => { if (document.activeElement !== input) closeSuggestions(); }, 120));

    $('sort').addEventListener('change', () => {
      const next = cloneState(app.state);
      next.sort = $('sort').value;
      next.page = 1;
      navigate(searchURL(next), { focus: 'keep' });
    });
    $('size').addEventListener('change', () => {
      const next = cloneState(app.state);
      next.size = parseInt($('size').value, 10) || DEFAULT_SIZE;
      next.page = 1;
      navigate(searchURL(next), { focus: 'keep' });
    });
    $('filters-toggle').addEventListener('click', () => {
      setFiltersOpen(!app.filtersOpen);
      if (app.filtersOpen) {
        const first = $('filters').querySelector('input, button.link-button');
        if (first) first.focus();
      }
    });
    $('filters-close').addEventListener('click', () => { setFiltersOpen(false); $('filters-toggle').focus(); });
    $('filters-done').addEventListener('click', () => {
      setFiltersOpen(false);
      const title = $('results-title');
      title.focus({ preventScroll: true });
      title.scrollIntoView({ block: 'start' });
    });
    $('filters').addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && app.filtersOpen && window.matchMedia('(max-width: 52rem)').matches) {
        setFiltersOpen(false);
        $('filters-toggle').focus();
      }
    });
    route({ focus: 'none', syncInput: true });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
