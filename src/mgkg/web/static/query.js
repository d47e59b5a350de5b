/* mgkg query page: YASGUI over this server's /sparql, the catalog as one-click examples.
   Served from /assets/query.js after /assets/yasgui/yasgui.min.js (the page's CSP allows
   scripts from 'self' only and requests to this origin only). Without JavaScript, or if
   YASGUI fails to load, the page keeps its plain form, which sends the query to /sparql.
   Text from the page data is only ever put in the page with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("query-data").textContent);
  var form = document.getElementById("query-form");
  var mount = document.getElementById("yasgui");
  var description = document.getElementById("description");
  var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!Yasgui || !mount) return; // the plain form stays

  var endpoint = new URL(data.endpoint, window.location.href).toString();
  var names = Object.keys(data.prefixes).sort();
  var prefixBlock = names.map(function (p) { return "PREFIX " + p + ": <" + data.prefixes[p] + ">"; }).join("\n");

  function setState(state, rows) {
    document.body.dataset.state = state;
    if (rows !== undefined) document.body.dataset.rows = String(rows);
  }

  // Nothing may leave the server: no Linked Open Vocabularies lookups (class and property
  // completion), no prefix.cc, no endpoint but this one.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShortLink = undefined;

  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    corsProxy: undefined,
    tabName: "Query",
    autofocus: false,
    yasqe: {
      value: prefixBlock + "\n\nSELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n} LIMIT 10\n",
      persistenceId: null,
      createShortLink: undefined,
      prefixCcApi: null,
      editorHeight: "22rem"
    },
    yasr: { prefixes: data.prefixes, persistenceId: null }
  });
  form.hidden = true;
  document.body.classList.add("yasgui-ready");

  function exampleNamed(text) {
    var keys = Object.keys(data.examples);
    for (var i = 0; i < keys.length; i++) if (data.examples[keys[i]].text === text) return keys[i];
    return null;
  }

  function mark(name) {
    Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (a) {
      a.classList.toggle("active", a.dataset.example === name);
    });
    description.textContent = name ? data.examples[name].description : "";
  }

  function show(text, title, run) {
    var tab = yasgui.getTab();
    tab.setQuery(text);
    if (title) tab.setName(title);
    mark(exampleNamed(text));
    if (run) tab.query();
  }

  function report(tab) {
    var results = tab.getYasr().results;
    if (!results) return;
    var error = results.getError && results.getError();
    if (error) {
      var status = error.status ? "error " + error.status + ": " : "error: ";
      setState("error", 0);
      document.body.dataset.error = status + (error.text || error.statusText || "");
      return;
    }
    var rows;
    if (typeof results.getBoolean() === "boolean") rows = 1;
    else if (results.getType() === "ttl") rows = (results.getStatements() || []).length;
    else rows = (results.getBindings() || []).length;
    setState("done", rows);
  }

  // The endpoint names terms the graph does not have (X-Warning): a typo otherwise
  // answers with no rows and no word. Shown above the editor, as text.
  var warning = document.getElementById("query-warning");
  function watch(tab) {
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (!yasqe || yasqe.mgkgWatched) return;
    yasqe.mgkgWatched = true;
    yasqe.on("queryResponse", function (_yasqe, response) {
      var text = response && response.headers && response.headers.get ? response.headers.get("X-Warning") : null;
      warning.textContent = text ? "Warning: " + text : "";
      warning.hidden = !text;
    });
  }

  yasgui.on("query", function (instance, tab) {
    watch(tab);
    setState("running", 0);
    delete document.body.dataset.error;
  });
  yasgui.on("queryResponse", function (instance, tab) {
    // YASGUI announces the response before it hands it to the results view.
    window.setTimeout(function () { report(tab); }, 0);
  });

  // IRIs of this graph open their page here (/id/..., /ontology#...), as everywhere on the site.
  function localHref(iri) {
    var ids = data.base + "id/", onto = data.base + "ontology";
    if (iri.indexOf(ids) === 0) return "/id/" + iri.slice(ids.length);
    if (iri === onto) return "/ontology";
    if (iri.indexOf(onto + "#") === 0) return "/ontology#" + iri.slice(onto.length + 1);
    return null;
  }
  function relink(event) {
    var link = event.target.closest && event.target.closest(".yasr a[href]");
    if (!link) return;
    var local = localHref(link.getAttribute("href"));
    if (local) { link.setAttribute("href", local); link.removeAttribute("target"); }
  }
  ["mousedown", "focusin", "click"].forEach(function (type) { mount.addEventListener(type, relink, true); });

  document.getElementById("example-list").addEventListener("click", function (event) {
    var link = event.target.closest("a.example");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    var example = data.examples[link.dataset.example];
    if (!example) return;
    event.preventDefault();
    try { history.replaceState(null, "", link.getAttribute("href")); } catch (e) { /* sandboxed */ }
    show(example.text, example.title, true);
  });

  // YASGUI's share button makes links that carry the query after "#" (query=...&tabTitle=...);
  // only the query and the tab's name are taken from them, never an endpoint or headers.
  var shared = new URLSearchParams(window.location.hash.slice(1));
  if (shared.get("query")) {
    show(shared.get("query"), shared.get("tabTitle"), true);
    setState("running", 0);
  } else {
    var initial = data.example && data.examples[data.example];
    show(data.text, initial ? initial.title : null, data.autorun);
    setState(data.autorun ? "running" : "ready", 0);
  }
})();
