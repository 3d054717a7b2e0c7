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
    if (match) {
      showResource(decodeURIComponent(match[1]), opts);
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
